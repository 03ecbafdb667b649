"""`FunctionCompiler`: generates (and, before the final pass, types) one function instance; composed from the
mixins beside it, one per kind of construct, so that the `stmt_*`/`expr_*`/`builtin_*` dispatch names stay."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..errors import error_at
from ..types import (BOTTOM, FLOAT, INT, NONE, NUM, JoinError, has_bottom, is_list, is_tuple, join, list_of, show,
                     valtype, valtypes)
from .builtins import BuiltinsMixin
from .calls import CallsMixin
from .comprehensions import ComprehensionsMixin
from .expressions import ExpressionsMixin
from .formatting import FormattingMixin
from .statements import Loop, StatementsMixin
from .syntax import always_exits, ends_with_return
from .wat_helpers import ANYLIST, concrete

if TYPE_CHECKING:
    from .unit import Instance, Unit


class FunctionCompiler(StatementsMixin, ExpressionsMixin, FormattingMixin, CallsMixin, BuiltinsMixin,
                       ComprehensionsMixin):
    """Generates (and, before the final pass, types) one function instance."""

    def __init__(self, unit: Unit, inst: Instance, final: bool):
        self.u = unit
        self.inst = inst
        self.final = final
        self.library = unit.library
        self.env = dict(inst.env)
        self.assigned: dict[str, object] = {}
        self.returns = []
        self.temps: list[tuple[str, str]] = []
        self.labels = 0
        self.loops: list[Loop] = []
        self.declared: dict[str, object] = {}  # AnnAssign declarations (library mode)
        if inst.func is not None:
            for p, t in zip(inst.func.params, inst.argtypes):
                # generic list routines see their items as raw int bits
                t = list_of(INT) if t == ANYLIST else t
                self.env[p] = t
                self.assigned[p] = t

    # ---- errors ----

    def fail(self, node, construct, message):
        raise error_at(node, construct, message)

    # ---- driver ----

    def run(self):
        inst = self.inst
        self.u.current = inst
        body = self.block(inst.body)
        falls = not always_exits(inst.body)
        if inst.func is not None:
            if self.library:
                ret = inst.func.ret_type
                if falls and ret != NONE:
                    if self.final:
                        self.fail(inst.func.node, "Return", f"{inst.func.name} may end without returning a {show(ret)}")
            else:
                ret = BOTTOM
                for t, node in self.returns:
                    ret = self.join(ret, t, node, "return value")
                if falls or not self.returns:
                    ret = self.join(ret, NONE, inst.func.node, "return value (the function can also return None)")
            if ret != inst.ret:
                inst.ret = ret
                self.u.changed = True
        new_env = dict(self.assigned)
        if inst.func is None:
            for g in self.u.global_names:
                t = self.join(new_env.get(g, BOTTOM), self.u.global_assigned.get(g, BOTTOM), inst.body[0] if inst.body
                              else ast.Pass(), f"global variable '{g}'")
                new_env[g] = t if t != BOTTOM else self.env.get(g, BOTTOM)
        if new_env != inst.env:
            inst.env = new_env
            self.u.changed = True
        if not self.final:
            return
        for name, t in inst.env.items():
            if has_bottom(t) and not is_list(t):
                self.fail(inst.func.node if inst.func else inst.body[0], "inference",
                          f"cannot infer the type of '{name}'")
        inst.code = self.function_form(body, falls)

    def function_form(self, body, falls):
        inst = self.inst
        form = ["func", "$" + inst.wat_name]
        if inst.func is None:
            form.append(["export", '"main"'])
        params = set()
        if inst.func is not None:
            for p, t in zip(inst.func.params, inst.argtypes):
                form.append(["param", "$" + p, valtype(concrete(t))])
                params.add(p)
            rts = valtypes(concrete(inst.ret))
            if rts:
                form.append(["result", *rts])
        decls = []
        for name in sorted(self.local_vars()):
            if name in params:
                continue
            t = concrete(self.env_type(name))
            if is_tuple(t):
                for k, vt in enumerate(valtypes(t)):
                    decls.append(f"(local ${name}.{k} {vt})")
                continue
            decls.append(f"(local ${name} {valtype(t)})")
        for name in sorted(self.flagged_names()):
            decls.append(f"(local ${name}.set i32)")
        for name, vt in self.temps:
            decls.append(f"(local ${name} {vt})")
        # several declarations per line: they are boilerplate, the body is what matters
        line = ""
        for d in decls:
            if line and len(line) + 1 + len(d) > 90:
                form.append(line)
                line = d
            else:
                line = f"{line} {d}" if line else d
        if line:
            form.append(line)
        if inst.func is not None and body and isinstance(body[-1], list) and body[-1] and body[-1][0] == "return":
            body = body[:-1] + body[-1][1:]  # a final `return x` is just the function's value x
        form.extend(self.add_flag_sets(body))
        if inst.func is not None and valtypes(concrete(inst.ret)) and not falls and body and not ends_with_return(inst.body):
            form.append(["unreachable"])
        return form

    def local_vars(self):
        if self.inst.func is None:
            return [n for n in self.inst.env if n not in self.u.global_names]
        return list(self.inst.env)

    # ---- types of names ----

    def join(self, a, b, node, what):
        try:
            return join(a, b)
        except JoinError as e:
            self.fail(node, "typing", f"{what} has incompatible types {e}: not expressible exactly")

    def env_type(self, name):
        if name in self.declared:
            return self.declared[name]
        if self.inst.func is not None and name in self.u.global_names and name not in self.inst.local_names:
            t = self.u.global_type(name)
        else:
            t = self.env.get(name, BOTTOM)
        if (self.final or self.u.settled_lists) and is_list(t):
            return concrete(t)  # a list that never got items is a list[int]
        return t

    def is_global(self, name):
        return name in self.u.global_names and (self.inst.func is None or name not in self.inst.local_names)

    def record(self, name, t, node):
        if t == BOTTOM:
            if self.final:
                self.fail(node, "inference", f"cannot infer the type of '{name}'")
            return
        if self.inst.func is not None and self.is_global(name):
            # `global x` then `x = ...` in a function: the module variable's type takes this value too
            old = self.u.global_assigned.get(name, BOTTOM)
            new = self.join(old, t, node, f"global variable '{name}'")
            if new != old:
                self.u.global_assigned[name] = new
                self.u.changed = True
            return
        if self.library and name in self.declared:
            return
        old = self.assigned.get(name, BOTTOM)
        if self.library and old != BOTTOM and t != old and {old, t} <= {INT, FLOAT, NUM} and old != t:
            self.fail(node, "typing", f"rt subset: local '{name}' is {show(old)} and {show(t)} (locals keep one type)")
        self.assigned[name] = self.join(old, t, node, f"variable '{name}'")

    def temp(self, vt: str, hint: str = "tmp") -> str:
        n = len(self.temps) + 1
        name = f"{hint}{n}"
        while name in self.inst.local_names or name in self.u.global_names:
            name = "_" + name
        self.temps.append((name, vt))
        return name

    def label(self, kind: str) -> str:
        self.labels += 1
        return f"${kind}{self.labels}"
