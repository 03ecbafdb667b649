"""Statements: assignments, control flow, loops and their sources, return/raise."""

from __future__ import annotations

import ast

from ..types import (BOOL, BOTTOM, INT, NONE, STR, elem, from_annotation, is_list, is_tuple, join, list_of, show,
                     slot_load, valtype, valtypes)
from .syntax import assigned_names, const_int, is_constant
from .wat_helpers import ERROR_NAMES, I32, I64, call, concrete, lget


class Loop:
    """Labels that `break` and `continue` branch to inside one loop."""

    def __init__(self, brk: str, cont: str):
        self.brk, self.cont = brk, cont


class StatementsMixin:
    """stmt_* methods of `FunctionCompiler` (function.py)."""

    def block(self, stmts) -> list:
        out = []
        for s in stmts:
            out.extend(self.stmt(s))
        return out

    def stmt(self, s) -> list:
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            self.fail(s, type(s).__name__, "statement not in the supported subset")
        return method(s)

    def stmt_Pass(self, s):
        return []

    def stmt_Expr(self, s):
        v = s.value
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            return []  # docstring / bare string
        if isinstance(v, ast.Call):
            code, t = self.call(v, statement=True)
            return self.drop(code, t)
        code, t = self.expr(v)
        return self.drop(code, t)

    def drop(self, code, t):
        if code is None:
            return []
        n = len(valtypes(concrete(t))) if t != BOTTOM else 1
        if isinstance(code, list) and code and isinstance(code[0], list):
            return code  # statement list
        if n == 0:
            return [code]
        out = [code]
        if n == 1:
            return [["drop", code]]
        return out + [["drop"]] * n

    def stmt_Assign(self, s):
        if len(s.targets) > 1:
            # a = b = value: evaluate once, assign left to right
            code, t = self.expr(s.value)
            tmp = self.temp(valtype(concrete(t)) if t != BOTTOM else "i32")
            out = [["local.set", "$" + tmp, code]]
            for target in s.targets:
                out += self.assign(target, lget(tmp), t, s)
            return out
        return self.assign_from(s.targets[0], s.value, s)

    def stmt_AnnAssign(self, s):
        if not isinstance(s.target, ast.Name):
            self.fail(s, "AnnAssign", "annotated assignment needs a simple name")
        if self.library:
            self.declared[s.target.id] = from_annotation(s.annotation)
            self.assigned[s.target.id] = self.declared[s.target.id]
            self.env[s.target.id] = self.declared[s.target.id]
        if s.value is None:
            return []
        return self.assign_from(s.target, s.value, s)

    def assign_from(self, target, value, s):
        if isinstance(target, ast.Tuple) or isinstance(target, ast.List):
            return self.assign_tuple(target, value, s)
        if isinstance(target, ast.Name) and isinstance(value, ast.List) and value.elts and all(
                is_constant(e) for e in value.elts):
            # x = [1, 2, 3]: build in place (no temporary needed, elements cannot see x)
            code, t = self.list_literal(value, into=target.id)
            if code is not None:
                return code
        code, t = self.expr(value)
        return self.assign(target, code, t, s)

    def assign(self, target, code, t, node) -> list:
        if isinstance(target, ast.Name):
            name = target.id
            if name in self.u.functions or name in ("print", "len", "range"):
                self.fail(target, "Assign", f"assigning to '{name}' (a function name) is not supported")
            self.record(name, t, node)
            dst = self.env_type(name)
            if dst == BOTTOM:
                dst = t
            if is_tuple(dst) or is_tuple(t):
                # a tuple local is one WASM local per item: $name.0, $name.1, ...
                if self.is_global(name) or t != dst and t != BOTTOM:
                    self.fail(node, "Tuple", f"tuple variable '{name}' must keep one tuple type")
                n = len(dst[1])
                return [code] + [["local.set", f"${name}.{k}"] for k in reversed(range(n))]
            code = self.coerce(code, t, dst, node)
            op = "global.set" if self.is_global(name) else "local.set"
            return [[op, "$" + name, code]]
        if isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Slice):
                self.fail(target, "Slice", "slice assignment is not supported")
            lst, lt = self.expr(target.value)
            if isinstance(target.value, ast.Name) and is_list(lt) and t != BOTTOM:
                self.record(target.value.id, list_of(t if elem(lt) in (BOTTOM, t) else join(t, elem(lt))), node)
                if elem(lt) == BOTTOM:
                    lt = list_of(t)
            if lt == BOTTOM:
                return [["drop", code]] if not self.final else self.fail(target, "typing", "unknown container")
            if not is_list(lt):
                self.fail(target, "Subscript", f"item assignment on {show(lt)} is not supported")
            idx, it = self.expr(target.slice)
            idx = self.as_int(idx, it, target.slice)
            et = elem(lt)
            code = self.coerce(code, t, et, node)
            return [call("list_set_" + valtype(concrete(et)), lst, idx, code)]
        self.fail(target, type(target).__name__, "assignment target not supported")

    def assign_tuple(self, target, value, s):
        names = target.elts
        if any(isinstance(e, ast.Starred) for e in names):
            self.fail(target, "Starred", "starred assignment is not supported")
        if isinstance(value, (ast.Tuple, ast.List)):
            if len(value.elts) != len(names):
                self.fail(s, "Assign", "tuple assignment with a different number of values")
            codes = [self.expr(v) for v in value.elts]
            targets_read = {n.id for n in names if isinstance(n, ast.Name)}
            simple = all(isinstance(n, ast.Name) for n in names) and all(
                is_constant(v) or (isinstance(v, ast.Name) and v.id not in targets_read) for v in value.elts)
            out = []
            if simple:
                for tgt, (c, t) in zip(names, codes):
                    out += self.assign(tgt, c, t, s)
                return out
            tmps = []
            for c, t in codes:
                tmp = self.temp(valtype(concrete(t)) if t != BOTTOM else "i32")
                out.append(["local.set", "$" + tmp, c])
                tmps.append((tmp, t))
            for tgt, (tmp, t) in zip(names, tmps):
                out += self.assign(tgt, lget(tmp), t, s)
            return out
        code, t = self.expr(value)
        if t == BOTTOM:
            return [code]
        if not is_tuple(t) or len(t[1]) != len(names):
            self.fail(s, "Assign", f"cannot unpack {show(t)} into {len(names)} names")
        out = [code]
        if all(isinstance(n, ast.Name) and not self.is_global(n.id) and not is_tuple(et) for n, et in zip(names, t[1])):
            for n, et in zip(names, t[1]):
                self.record(n.id, et, s)
            if all(self.env_type(n.id) in (et, BOTTOM) for n, et in zip(names, t[1])):
                # values arrive on the stack in order: store them last to first
                return out + [["local.set", "$" + n.id] for n in reversed(names)]
        tmps = []
        for et in t[1]:
            tmps.append((self.temp(valtype(concrete(et))), et))
        for tmp, et in reversed(tmps):
            out.append(["local.set", "$" + tmp])
        for tgt, (tmp, et) in zip(names, tmps):
            out += self.assign(tgt, lget(tmp), et, s)
        return out

    def stmt_AugAssign(self, s):
        target = s.target
        if isinstance(target, ast.Name):
            cur = ast.Name(id=target.id, ctx=ast.Load(), lineno=target.lineno, col_offset=target.col_offset)
            t_cur = self.env_type(target.id)
            if is_list(t_cur) and isinstance(s.op, ast.Add):
                # xs += ys extends xs in place
                ys, yt = self.expr(s.value)
                return [call("list_extend", self.expr(cur)[0], ys)] if self.check_extend(t_cur, yt, s) else []
            code, t = self.binop(s.op, cur, s.value, s)
            return self.assign(target, code, t, s)
        if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
            lst, lt = self.expr(target.value)
            if lt == BOTTOM:
                return []
            if not is_list(lt):
                self.fail(target, "Subscript", f"item assignment on {show(lt)} is not supported")
            ltmp = self.temp("i32", "lst")
            idx, it = self.expr(target.slice)
            itmp = self.temp("i64", "idx")
            out = [["local.set", "$" + ltmp, lst], ["local.set", "$" + itmp, self.as_int(idx, it, target.slice)]]
            et = elem(lt)
            cur = (["%s" % slot_load(concrete(et)), call("list_at", lget(ltmp), lget(itmp))], et)
            code, t = self.binop_values(s.op, cur, self.expr(s.value), s)
            code = self.coerce(code, t, et, s)
            out.append(call("list_set_" + valtype(concrete(et)), lget(ltmp), lget(itmp), code))
            return out
        self.fail(target, "AugAssign", "augmented assignment target not supported")

    def check_extend(self, lt, yt, node):
        if not is_list(yt) or not (elem(yt) == BOTTOM or elem(lt) == BOTTOM or elem(yt) == elem(lt)):
            self.fail(node, "AugAssign", f"cannot extend {show(lt)} with {show(yt)}")
        return True

    def stmt_If(self, s):
        cond = self.cond(s.test)
        then = self.block(s.body)
        form = ["if", cond, ["then", *then]]
        if s.orelse:
            form.append(["else", *self.block(s.orelse)])
        return [form]

    def stmt_While(self, s):
        if s.orelse:
            self.fail(s, "While", "while/else is not supported")
        brk, cont = self.label("done"), self.label("loop")
        self.loops.append(Loop(brk, cont))
        body = self.block(s.body)
        self.loops.pop()
        head = []
        if not (isinstance(s.test, ast.Constant) and s.test.value is True):
            head = [["br_if", brk, ["i32.eqz", self.cond(s.test)]]]
        return [["block", brk, ["loop", cont, *head, *body, ["br", cont]]]]

    def stmt_Break(self, s):
        if not self.loops:
            self.fail(s, "Break", "'break' outside a loop")
        return [["br", self.loops[-1].brk]]

    def stmt_Continue(self, s):
        if not self.loops:
            self.fail(s, "Continue", "'continue' outside a loop")
        return [["br", self.loops[-1].cont]]

    def stmt_For(self, s):
        if s.orelse:
            self.fail(s, "For", "for/else is not supported")
        brk, cont = self.label("done"), self.label("loop")

        def body():
            self.loops.append(Loop(brk, cont))
            b = self.block(s.body)
            self.loops.pop()
            return b
        return self.for_loop(s.target, s.iter, body, s, brk, cont, mutated=assigned_names(s.body))

    def for_loop(self, target, iter_node, body_fn, node, brk=None, cont=None, mutated=frozenset()):
        brk = brk or self.label("done")
        cont = cont or self.label("loop")
        setup, exit_cond, values, advance = self.loop_source(iter_node, mutated)
        targets = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        if len(targets) != len(values):
            if len(targets) == 1 and len(values) > 1:
                self.fail(target, "For", "iterating over tuples needs one name per item (for a, b in ...)")
            self.fail(target, "For", f"cannot unpack {len(values)} values into {len(targets)} names")
        binds = []
        for tgt, (code, t) in zip(targets, values):
            if not isinstance(tgt, ast.Name):
                self.fail(tgt, type(tgt).__name__, "loop target must be a name")
            if t == BOTTOM and self.final:
                # a list that never has items: the body never runs, any type will do
                known = self.env_type(tgt.id)
                t = known if known != BOTTOM else INT
                code = ["unreachable"]
            binds += self.assign(tgt, code, t, node)
        body = body_fn()
        loop = ["loop", cont]
        if exit_cond is not None:
            loop.append(["br_if", brk, exit_cond])
        loop += binds + advance + body + [["br", cont]]
        return setup + [["block", brk, loop]]

    def loop_source(self, it, mutated):
        """(setup, exit condition, [(value, type)], advance) for iterating over `it`."""
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id not in self.u.functions:
            fn = it.func.id
            if fn == "range":
                return self.range_source(it)
            if fn == "enumerate":
                if not 1 <= len(it.args) <= 2 or it.keywords:
                    self.fail(it, "enumerate", "enumerate(iterable[, start]) expected")
                setup, cond, values, advance = self.loop_source(it.args[0], mutated)
                if len(values) != 1:
                    self.fail(it, "enumerate", "enumerate of a zip is not supported")
                k = self.temp("i64", "count")
                start = I64(0)
                if len(it.args) == 2:
                    sc, st = self.expr(it.args[1])
                    start = self.as_int(sc, st, it.args[1])
                setup = setup + [["local.set", "$" + k, start]]
                advance = advance + [["local.set", "$" + k, self.int_op("add", lget(k), I64(1))]]
                return setup, cond, [(lget(k), INT)] + values, advance
            if fn == "zip":
                if it.keywords or not it.args:
                    self.fail(it, "zip", "zip(a, b, ...) expected")
                setup, conds, values, advance = [], [], [], []
                for a in it.args:
                    s1, c1, v1, a1 = self.loop_source(a, mutated)
                    if len(v1) != 1:
                        self.fail(a, "zip", "nested zip/enumerate is not supported")
                    setup += s1
                    conds.append(c1)
                    values += v1
                    advance += a1
                cond = conds[0]
                for c in conds[1:]:
                    cond = ["i32.or", cond, c]
                return setup, cond, values, advance
            if fn == "reversed" and len(it.args) == 1:
                code, t = self.expr(it.args[0])
                if t == STR:
                    code, t = call("str_chars", code), list_of(STR)
                if not is_list(t) and t != BOTTOM:
                    self.fail(it, "reversed", f"reversed() of {show(t)} is not supported")
                lst = self.temp("i32", "seq")
                i = self.temp("i64", "index")
                et = elem(t) if t != BOTTOM else BOTTOM
                setup = [["local.set", "$" + lst, code],
                         ["local.set", "$" + i, ["i64.sub", call("list_len", lget(lst)), I64(1)]]]
                cond = ["i64.lt_s", lget(i), I64(0)]
                value = self.load_item(lget(lst), lget(i), et)
                return setup, cond, [(value, et)], [["local.set", "$" + i, ["i64.sub", lget(i), I64(1)]]]
        code, t = self.expr(it)
        direct = isinstance(it, ast.Name) and is_list(t) and it.id not in mutated and not self.is_global(it.id) \
            and code == lget(it.id)  # (not a checked read of a maybe-unassigned variable)
        if t == STR:
            code, t = call("str_chars", code), list_of(STR)
        if t == BOTTOM:
            return [], None, [(["unreachable"], BOTTOM)], []
        if not is_list(t):
            self.fail(it, "For", f"iterating over {show(t)} is not supported")
        et = elem(t)
        if direct:
            lst_code = lget(it.id)
            setup = []
        else:
            lst = self.temp("i32", "seq")
            setup = [["local.set", "$" + lst, code]]
            lst_code = lget(lst)
        i = self.temp("i64", "index")
        setup.append(["local.set", "$" + i, I64(0)])
        cond = ["i64.ge_s", lget(i), call("list_len", lst_code)]
        value = self.load_item(lst_code, lget(i), et)
        return setup, cond, [(value, et)], [["local.set", "$" + i, ["i64.add", lget(i), I64(1)]]]

    def load_item(self, lst, idx, et):
        if et == BOTTOM:
            return ["unreachable"]
        return [slot_load(concrete(et)), call("list_at", lst, idx)]

    def range_args(self, it):
        if it.keywords or not 1 <= len(it.args) <= 3:
            self.fail(it, "range", "range() takes 1 to 3 positional arguments")
        args = []
        for a in it.args:
            c, t = self.expr(a)
            if t not in (INT, BOOL, BOTTOM):
                self.fail(a, "range", f"range() needs int arguments, got {show(t)}")
            args.append(self.as_int(c, t, a))
        if len(args) == 1:
            return I64(0), args[0], 1, it.args[0]
        step = 1
        if len(args) == 3:
            sv = const_int(it.args[2])
            step = sv if sv is not None else args[2]
            if sv == 0:
                self.fail(it.args[2], "range", "range() arg 3 must not be zero")
        return args[0], args[1], step, it.args[1]

    def range_source(self, it):
        start, stop, step, _ = self.range_args(it)
        nxt = self.temp("i64", "next")
        end = self.temp("i64", "stop")
        setup = [["local.set", "$" + nxt, start], ["local.set", "$" + end, stop]]
        if step == 1:
            cond = ["i64.ge_s", lget(nxt), lget(end)]
            adv = [["local.set", "$" + nxt, ["i64.add", lget(nxt), I64(1)]]]
        elif step == -1:
            cond = ["i64.le_s", lget(nxt), lget(end)]
            adv = [["local.set", "$" + nxt, ["i64.sub", lget(nxt), I64(1)]]]
        else:
            st = self.temp("i64", "step")
            step_code = I64(step) if isinstance(step, int) else call("range_check_step", step)
            setup.append(["local.set", "$" + st, step_code])
            cond = ["i32.eqz", call("range_more", lget(nxt), lget(end), lget(st))]
            adv = [["local.set", "$" + nxt, call("range_next", lget(nxt), lget(end), lget(st))]]
        return setup, cond, [(lget(nxt), INT)], adv

    def stmt_Return(self, s):
        if self.inst.func is None:
            self.fail(s, "Return", "'return' outside a function")
        if s.value is None:
            self.returns.append((NONE, s))
            return [["return"]]
        if isinstance(s.value, ast.Tuple):
            codes = [self.expr(e) for e in s.value.elts]
            t = ("tuple", tuple(ct for _, ct in codes))
            self.returns.append((t, s))
            want = self.inst.ret if self.inst.ret != BOTTOM else t
            if self.library:
                want = self.inst.func.ret_type
            if is_tuple(want) and len(want[1]) == len(codes):
                return [["return", *[self.coerce(c, ct, wt, s) for (c, ct), wt in zip(codes, want[1])]]]
            return [["return", *[c for c, _ in codes]]]
        code, t = self.expr(s.value)
        self.returns.append((t, s))
        want = self.inst.func.ret_type if self.library else self.inst.ret
        if want == BOTTOM:
            want = t
        return [["return", self.coerce(code, t, want, s)]]

    def stmt_Raise(self, s):
        exc = s.exc
        if s.cause is not None:
            self.fail(s, "Raise", "'raise ... from' is not supported")
        name, msg = None, None
        if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id in ERROR_NAMES:
            name = exc.func.id
            if len(exc.args) > 1 or exc.keywords:
                self.fail(s, "Raise", "exceptions take one message argument")
            if exc.args:
                c, t = self.expr(exc.args[0])
                if t != STR:
                    c = self.to_str(c, t, exc.args[0])
                msg = c
        elif isinstance(exc, ast.Name) and exc.id in ERROR_NAMES:
            name = exc.id
        else:
            self.fail(s, "Raise", "only 'raise SomeError(\"message\")' with a builtin error is supported")
        return [self.raise_code(name, msg)]

    def raise_code(self, name, msg=None):
        return call("raise", self.str_const(name), msg if msg is not None else self.str_const(""))

    def stmt_Assert(self, s):
        msg = None
        if s.msg is not None:
            c, t = self.expr(s.msg)
            msg = self.to_str(c, t, s.msg)
        return [["if", ["i32.eqz", self.cond(s.test)], ["then", self.raise_code("AssertionError", msg)]]]

    def stmt_Global(self, s):
        if self.inst.func is None:
            return []  # `global` at module level means nothing
        return []  # the names are module globals (Unit.compute_globals)

    def stmt_DefMarker(self, s):
        if s.name in self.u.flagged_functions:
            return [["global.set", f"${s.name}.defined", I32(1)]]
        return []

    def stmt_FunctionDef(self, s):
        self.fail(s, "FunctionDef", "nested function definitions are not supported")

    def stmt_Import(self, s):
        self.fail(s, "Import", "imports must be at module level")

    stmt_ImportFrom = stmt_Import
