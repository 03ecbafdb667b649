"""A `Unit`: modules compiled together, their functions, specialised instances, static data and the type
inference fixpoint that drives `FunctionCompiler`."""

from __future__ import annotations

import ast
import struct
import math
from dataclasses import dataclass, field

from .. import definite
from ..errors import ConversionError, error_at
from ..types import BOTTOM, FLOAT, INT, NONE, from_annotation, list_of, suffix
from .function import FunctionCompiler
from .syntax import assigned_names, declared_globals, def_marker, local_names_of

MAX_PASSES = 40


@dataclass
class FunctionInfo:
    name: str
    node: ast.FunctionDef
    library: bool
    params: list[str] = field(default_factory=list)
    param_types: tuple | None = None  # library mode: from annotations
    ret_type: object = None  # library mode
    defaults: dict = field(default_factory=dict)


@dataclass
class Instance:
    func: FunctionInfo | None  # None for the module body (main)
    argtypes: tuple
    wat_name: str
    body: list
    local_names: set
    env: dict = field(default_factory=dict)
    ret: object = BOTTOM
    code: list | None = None
    syntax_locals: set = field(default_factory=set)
    comp_names: dict = field(default_factory=dict)  # (line, col, name) -> local name

    def __post_init__(self):
        self.syntax_locals = set(self.local_names)


class Unit:
    """Modules compiled together: a user program, or the runtime library."""

    def __init__(self, library: bool, lib=None):
        self.library = library
        self.lib = lib  # compiled runtime library (user mode): has .sigs and .has(name)
        self.functions: dict[str, FunctionInfo] = {}
        self.instances: dict[tuple, Instance] = {}
        self.constants: dict[str, object] = {}  # library mode: NAME -> python value (or static list)
        self.constant_values: dict[str, object] = {}
        self.global_names: set[str] = set()
        self.math_names: dict[str, str] = {}  # local name -> math function/constant
        self.math_module_names: set[str] = set()
        self.main: Instance | None = None
        self.strings: dict[str, int] = {}
        self.data: list[tuple[int, bytes, str]] = []  # (address, bytes, comment)
        self.data_base = 0x10 if library else 0x10000
        self.data_end = 0x10000 if library else 0x20000
        self.data_next = self.data_base
        self.generated: dict[str, str] = {}  # nested-list repr helpers: name -> repr function of the items
        self.changed = False
        self.settled_lists = False
        self.global_assigned: dict[str, object] = {}  # types given to module globals inside functions
        # definite assignment (definite.py): reads that may come before the assignment, and the
        # variables that therefore carry a `$name.set` flag
        self.unsafe_reads: set[tuple] = set()
        self.flagged_locals: dict[str | None, set[str]] = {}  # function name (None: main) -> names
        self.flagged_globals: set[str] = set()
        self.flagged_functions: set[str] = set()  # functions that may be called before their `def` ran
        self.consumed_reversed: set[int] = set()  # ids of reversed(...) calls consumed at once (module.py)
        self.current: Instance | None = None  # the instance being compiled: names the culprit of an error

    # ---- static data ----

    def alloc_data(self, payload: bytes, comment: str) -> int:
        addr = self.data_next
        self.data_next = (addr + len(payload) + 7) & ~7
        if self.data_next > self.data_end:
            raise ConversionError(0, 0, "data", "static data does not fit in its 64 KiB page")
        self.data.append((addr, payload, comment))
        return addr

    def string_address(self, s: str) -> int:
        if s not in self.strings:
            raw = s.encode("utf-8", "surrogatepass")
            self.strings[s] = self.alloc_data(len(raw).to_bytes(4, "little") + raw, s)
        return self.strings[s]

    # ---- reading modules ----

    def add_module(self, tree: ast.Module, module_name: str = "__main__"):
        body = []
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef):
                self.add_function(stmt)
                if not self.library:
                    body.append(def_marker(stmt))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self.add_import(stmt)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                continue  # docstring
            elif self.library:
                self.add_constant(stmt)
            else:
                body.append(stmt)
        if not self.library:
            body = self.hoist_nested_functions(body)
            self.main = Instance(None, (), "main", body, set())

    def hoist_nested_functions(self, body):
        """Functions defined inside module-level if/for blocks become module functions."""
        def visit(stmts):
            out = []
            for s in stmts:
                if isinstance(s, ast.FunctionDef):
                    if s.name in self.functions:
                        raise error_at(s, "FunctionDef", f"function '{s.name}' is defined twice")
                    self.add_function(s)
                    out.append(def_marker(s))
                    continue
                if isinstance(s, (ast.If, ast.For, ast.While)):
                    s.body = visit(s.body) or [ast.Pass()]
                    s.orelse = visit(s.orelse)
                if isinstance(s, (ast.Import, ast.ImportFrom)):
                    self.add_import(s)
                    continue
                out.append(s)
            return out
        return visit(body)

    def add_import(self, stmt):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name != "math":
                    raise error_at(stmt, "Import", f"only 'import math' is supported, not '{alias.name}'")
                self.math_module_names.add(alias.asname or "math")
            return
        mod = stmt.module or ""
        if mod == "math":
            for alias in stmt.names:
                if alias.name == "*":
                    raise error_at(stmt, "ImportFrom", "'from math import *' is not supported")
                self.math_names[alias.asname or alias.name] = alias.name
            return
        if self.library and (mod.startswith("worldmodel.wat.") or mod == "__future__"):
            return  # the runtime modules import each other (for CPython): one flat namespace, resolved by name
        raise error_at(stmt, "ImportFrom", f"importing from '{mod}' is not supported")

    def add_function(self, node: ast.FunctionDef):
        if node.decorator_list:
            raise error_at(node, "decorator", "decorators are not supported")
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
            raise error_at(node, "arguments", "only plain positional parameters are supported")
        info = FunctionInfo(node.name, node, self.library, [p.arg for p in a.args])
        for p, d in zip(a.args[len(a.args) - len(a.defaults):], a.defaults):
            if not isinstance(d, ast.Constant) and not (isinstance(d, ast.UnaryOp) and isinstance(d.operand, ast.Constant)):
                raise error_at(d, "default", "default values must be constants")
            info.defaults[p.arg] = d
        if self.library:
            for p in a.args:
                if p.annotation is None:
                    raise error_at(p, "arg", f"rt subset: parameter '{p.arg}' of {node.name} needs a type annotation")
            info.param_types = tuple(from_annotation(p.annotation) for p in a.args)
            info.ret_type = NONE if node.returns is None else from_annotation(node.returns)
        if node.name in self.functions:
            raise error_at(node, "FunctionDef", f"function '{node.name}' is defined twice")
        self.functions[node.name] = info

    def add_constant(self, stmt):
        """Library mode: module-level NAME = constant (numbers, strings, lists of numbers)."""
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value_node = stmt.target.id, stmt.value
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value_node = stmt.targets[0].id, stmt.value
        else:
            raise error_at(stmt, type(stmt).__name__, "rt subset: module level allows only NAME = constant")
        value = self.eval_constant(value_node)
        if name in self.constant_values:
            # the runtime library is one namespace: the same name must mean the same value
            if self.constant_values[name] != value:
                raise error_at(stmt, "constant", f"module constant '{name}' is defined twice with different values")
            return
        self.constant_values[name] = value
        if isinstance(value, list):
            kind = FLOAT if any(isinstance(v, float) for v in value) else INT
            items = bytearray()
            for v in value:
                items += struct.pack("<d", float(v)) if kind == FLOAT else (int(v) & (2**64 - 1)).to_bytes(8, "little")
            # static list object: header then items right after it
            addr = self.alloc_data(bytes(12) + bytes(4) + bytes(items), f"{name}: list[{kind}]")
            header = len(value).to_bytes(4, "little") + len(value).to_bytes(4, "little") + (addr + 16).to_bytes(4, "little")
            self.data[-1] = (addr, header + bytes(4) + bytes(items), f"{name}: list[{kind}]")
            self.constants[name] = ("list", list_of(kind), addr)
        else:
            self.constants[name] = value

    def eval_constant(self, node):
        names = {k: v for k, v in self.constants.items() if not isinstance(v, tuple)}
        names.update({"math": math})
        try:
            code = compile(ast.Expression(node), "<const>", "eval")
            for n in ast.walk(node):
                if isinstance(n, ast.Call) and not (isinstance(n.func, ast.Name) and n.func.id in ("float", "int")):
                    raise ValueError
            return eval(code, {"__builtins__": {"float": float, "int": int}}, names)
        except Exception:
            raise error_at(node, "constant", "rt subset: module-level value must be a constant expression") from None

    # ---- instances and inference ----

    def function_wat_name(self, name: str) -> str:
        if self.lib is not None and self.lib.has(name):
            return name + "_"
        return name

    def instance(self, name: str, argtypes: tuple) -> Instance:
        key = (name, argtypes)
        inst = self.instances.get(key)
        if inst is None:
            info = self.functions[name]
            locals_ = local_names_of(info.node)
            inst = Instance(info, argtypes, self.function_wat_name(name), info.node.body, locals_)
            if info.library:
                inst.ret = info.ret_type
            self.instances[key] = inst
            self.changed = True
        return inst

    def compute_globals(self):
        """Module-level names read inside functions live in WASM globals."""
        if self.main is None:
            return
        module_assigned = assigned_names(self.main.body)
        for info in self.functions.values():
            declared = declared_globals(info.node)
            module_assigned |= declared
            self.global_names |= declared
        for info in self.functions.values():
            inner = local_names_of(info.node)
            for n in ast.walk(info.node):
                if isinstance(n, ast.Name) and n.id not in inner and n.id in module_assigned:
                    self.global_names.add(n.id)
        self.main.local_names = module_assigned - self.global_names
        self.main.syntax_locals = set(self.main.local_names)

    def global_type(self, name: str):
        return self.main.env.get(name, BOTTOM)

    def compute_unassigned(self):
        """Reads that may run before their variable is assigned (Python: NameError / UnboundLocalError)."""
        if self.main is None:
            return
        fnames = set(self.functions)
        module_names = self.main.local_names | self.global_names | fnames
        unsafe, calls = definite.analyse(self.main.body, module_names, set(), fnames)
        self.unsafe_reads |= unsafe
        main_flags = {k[0] for k in unsafe}
        self.flagged_locals[None] = main_flags - self.global_names - fnames
        self.flagged_globals = main_flags & self.global_names
        self.flagged_functions = main_flags & fnames
        reads, refs = {}, {}
        for name, info in self.functions.items():
            local = local_names_of(info.node)
            params = set(info.params)
            body = info.node.body
            unsafe, _ = definite.analyse(body, local - params, params, fnames - local)
            self.unsafe_reads |= unsafe
            self.flagged_locals[name] = {k[0] for k in unsafe}
            refs[name] = definite.function_refs(info.node, local, fnames)
            reads[name] = definite.global_reads(info.node, local, self.global_names) | refs[name]
        # the globals each function reads, through the functions it calls
        changed = True
        while changed:
            changed = False
            for name in self.functions:
                total = set(reads[name])
                for callee in refs[name]:
                    total |= reads[callee]
                if total != reads[name]:
                    reads[name] = total
                    changed = True
        for fname, assigned in calls:
            self.flagged_globals |= (reads[fname] - assigned) & self.global_names
            self.flagged_functions |= (reads[fname] - assigned) & fnames

    def infer(self):
        self.compute_globals()
        self.compute_unassigned()
        if self.library:
            for name, info in self.functions.items():
                self.instance(name, info.param_types)
        # Second round: lists that still have no item type are list[int] (nothing ever goes in them).
        for settled_lists in (False, True):
            self.settled_lists = settled_lists
            if self.library:
                # signatures are declared, so each function settles on its own (much faster)
                for inst in list(self.all_instances()):
                    self.settle([inst])
            else:
                self.settle(None)

        # Name the specialised instances: f, or f_int_float when f has several.
        counts: dict[str, int] = {}
        for (name, _), inst in self.instances.items():
            counts[name] = counts.get(name, 0) + 1
        for (name, argtypes), inst in self.instances.items():
            if counts[name] > 1:
                inst.wat_name = self.function_wat_name(name) + "_" + "_".join(suffix(t) for t in argtypes)

    def settle(self, instances):
        # A type moves one call edge per pass or so, so a chain of n calls needs about 2n passes:
        # the bound grows with the instance count (a type that keeps growing still stops here).
        passes = 0
        while True:
            self.changed = False
            current = list(instances if instances is not None else self.all_instances())
            for inst in current:
                FunctionCompiler(self, inst, final=False).run()
            if not self.changed:
                return
            passes += 1
            if passes >= MAX_PASSES + 4 * len(current):
                raise ConversionError(0, 0, "inference", f"types did not settle after {passes} passes (recursive type?)")

    def all_instances(self):
        if self.main is not None:
            yield self.main
        yield from self.instances.values()

    def generate(self):
        self.infer()
        for inst in list(self.all_instances()):
            FunctionCompiler(self, inst, final=True).run()
        self.merge_same_named()

    def merge_same_named(self):
        """f([1, 2]) and f([]) specialise f for list[int] and for a list of unknown items, which both end as
        $f_list_int: keep one when their code is the same, else stop with a clear error."""
        if self.library:
            return
        from .. import sexpr

        seen: dict[str, str] = {}
        for key, inst in list(self.instances.items()):
            text = sexpr.render(inst.code)
            if inst.wat_name not in seen:
                seen[inst.wat_name] = text
            elif seen[inst.wat_name] == text:
                del self.instances[key]
            else:
                raise error_at(inst.func.node, "typing", f"function '{inst.func.name}' is called with an empty list "
                               "and with a list of items: the two versions differ (give the empty list a type)")

    # ---- calls into the runtime library (user mode) or between library functions ----

    def lib_signature(self, name: str):
        if self.library:
            info = self.functions.get(name)
            return (info.param_types, info.ret_type) if info else None
        return self.lib.sigs.get(name) if self.lib else None
