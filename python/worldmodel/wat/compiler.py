"""Python subset -> WebAssembly functions.

One compiler serves both user programs and the runtime library ("rt subset"):

* A `Unit` is a set of Python modules compiled together. In *user mode* functions are
  unannotated and specialised per argument types (`f(1)` and `f(1.5)` give two WASM functions);
  in *library mode* every function is fully annotated and compiled once under its own name.
* Types are inferred by running code generation repeatedly until the types of all locals and
  return values stop changing (a fixpoint over the small lattice in `types.py`); the last run,
  with `final=True`, produces the code. Anything whose semantics cannot be proven exact raises
  `ConversionError` instead of emitting an approximation.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field

from . import definite, fstring
from .errors import ConversionError, error_at
from .types import (BOOL, BOTTOM, FLOAT, INT, NONE, NUM, STR, JoinError, elem, from_annotation, has_bottom,
                    is_list, is_tuple, join, list_of, show, slot_load, suffix, valtype, valtypes)

ANYLIST = ("list", "any")
MAX_PASSES = 40
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf, "nan": math.nan}
# math functions whose int argument is returned unchanged (math.floor(7) == 7)
MATH_INT_IDENTITY = {"floor", "ceil", "trunc"}

BINOP_NAMES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
               ast.Mod: "mod", ast.Pow: "pow", ast.BitAnd: "and", ast.BitOr: "or", ast.BitXor: "xor",
               ast.LShift: "shl", ast.RShift: "shr"}
CMP_I64 = {ast.Lt: "i64.lt_s", ast.LtE: "i64.le_s", ast.Gt: "i64.gt_s", ast.GtE: "i64.ge_s", ast.Eq: "i64.eq",
           ast.NotEq: "i64.ne"}
CMP_F64 = {ast.Lt: "f64.lt", ast.LtE: "f64.le", ast.Gt: "f64.gt", ast.GtE: "f64.ge", ast.Eq: "f64.eq",
           ast.NotEq: "f64.ne"}
CMP_I32 = {ast.Lt: "i32.lt_s", ast.LtE: "i32.le_s", ast.Gt: "i32.gt_s", ast.GtE: "i32.ge_s", ast.Eq: "i32.eq",
           ast.NotEq: "i32.ne"}
SWAPPED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
ERROR_NAMES = {"ValueError", "OverflowError", "ZeroDivisionError", "IndexError", "TypeError", "ArithmeticError",
               "RuntimeError", "KeyError", "AssertionError", "MemoryError", "NotImplementedError",
               "UnicodeEncodeError"}


def I64(v: int) -> list:
    return ["i64.const", str(v)]


def I32(v: int) -> list:
    return ["i32.const", str(v)]


def float_literal(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def F64(v: float) -> list:
    return ["f64.const", float_literal(v)]


def call(name: str, *args) -> list:
    return ["call", "$" + name, *args]


def lget(name: str) -> list:
    return ["local.get", "$" + name]


# format_float's arguments after x for the spec ".Nf" (fstring.Spec.numeric_args): all defaults but the precision
_FIXED_SPEC_PREFIX = [I64(0), I64(0), I64(0), I32(0), I32(0), I64(0), I64(0)]


def fixed_point_format(code) -> tuple[list, list] | None:
    """(x, digits) when `code` formats a float as f"{x:.Nf}"; printing it is then one write_fixed/print_fixed call
    instead of an 11-argument format_float (the commonest format in answers: money, measures)."""
    if isinstance(code, list) and len(code) == 12 and code[:2] == ["call", "$format_float"] \
            and code[3:10] == _FIXED_SPEC_PREFIX and code[11] == I64(ord("f")):
        return code[2], code[10]
    return None


def to_i32_index(code):
    return ["i32.wrap_i64", code]


class DefMarker(ast.stmt):
    """Where a module-level `def` ran (the function itself is hoisted): calling it before is a NameError."""
    _fields = ("name",)


def def_marker(node: ast.FunctionDef) -> DefMarker:
    return ast.copy_location(DefMarker(name=node.name), node)


# ---- intrinsics: calls compiled to single instructions or core routines ----

def _intr(params, ret, build):
    return (params, ret, build)


INTRINSICS = {
    # rtlib intrinsics (python/worldmodel/wat/rtlib/intrinsics.py)
    "f64_bits": _intr((FLOAT,), INT, lambda a: ["i64.reinterpret_f64", a[0]]),
    "f64_from_bits": _intr((INT,), FLOAT, lambda a: ["f64.reinterpret_i64", a[0]]),
    "shr_u": _intr((INT, INT), INT, lambda a: ["i64.shr_u", a[0], a[1]]),
    "wrapping_mul": _intr((INT, INT), INT, lambda a: ["i64.mul", a[0], a[1]]),
    "wrapping_add": _intr((INT, INT), INT, lambda a: ["i64.add", a[0], a[1]]),
    "f64_sqrt": _intr((FLOAT,), FLOAT, lambda a: ["f64.sqrt", a[0]]),
    "f64_floor": _intr((FLOAT,), FLOAT, lambda a: ["f64.floor", a[0]]),
    "f64_ceil": _intr((FLOAT,), FLOAT, lambda a: ["f64.ceil", a[0]]),
    "f64_trunc": _intr((FLOAT,), FLOAT, lambda a: ["f64.trunc", a[0]]),
    "str_from_bytes": _intr((list_of(INT),), STR, lambda a: call("str_from_bytes", a[0])),
    "str_to_bytes": _intr((STR,), list_of(INT), lambda a: call("str_to_bytes", a[0])),
    # corelib intrinsics (python/worldmodel/wat/corelib/intrinsics.py)
    "str_nbytes": _intr((STR,), INT, lambda a: ["i64.extend_i32_u", ["i32.load", a[0]]]),
    "str_byte": _intr((STR, INT), INT, lambda a: ["i64.load8_u", "offset=4", ["i32.add", a[0], to_i32_index(a[1])]]),
    "str_set_byte": _intr((STR, INT, INT), NONE,
                          lambda a: ["i32.store8", "offset=4", ["i32.add", a[0], to_i32_index(a[1])], to_i32_index(a[2])]),
    "str_new": _intr((INT,), STR, lambda a: call("str_new", a[0])),
    "str_same": _intr((STR, STR), BOOL, lambda a: call("str_eq", a[0], a[1])),
    "str_order": _intr((STR, STR), INT, lambda a: ["i64.extend_i32_s", call("str_cmp", a[0], a[1])]),
    "fd_write": _intr((INT, STR), NONE, lambda a: call("fd_write", to_i32_index(a[0]), a[1])),
    "num_of_int": _intr((INT,), NUM, lambda a: call("box_int", a[0])),
    "num_of_float": _intr((FLOAT,), NUM, lambda a: call("box_float", a[0])),
    "num_is_float": _intr((NUM,), BOOL, lambda a: ["i32.load", a[0]]),
    "num_int": _intr((NUM,), INT, lambda a: ["i64.load", "offset=8", a[0]]),
    "num_float": _intr((NUM,), FLOAT, lambda a: ["f64.load", "offset=8", a[0]]),
    "list_take": _intr((ANYLIST, INT, INT, INT), ANYLIST, lambda a: call("list_take", *a)),
    "list_concat": _intr((ANYLIST, ANYLIST), ANYLIST, lambda a: call("list_concat", *a)),
    "list_truncate": _intr((ANYLIST, INT), NONE, lambda a: ["i32.store", a[0], to_i32_index(a[1])]),
    "cmp_int_float": _intr((INT, FLOAT), INT, lambda a: ["i64.extend_i32_s", call("cmp_int_float", *a)]),
    "float_to_int": _intr((FLOAT,), INT, lambda a: call("float_to_int", a[0])),
    "heap_mark": _intr((), INT, lambda a: call("heap_mark")),
    "heap_release": _intr((INT,), NONE, lambda a: call("heap_release", a[0])),
}
INTRINSIC_MODULES = ("worldmodel.wat.rtlib.intrinsics", "worldmodel.wat.corelib.intrinsics")


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
            return  # rtlib/corelib cross-imports: one flat namespace, resolved by name
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
            # rtlib and corelib share one namespace: the same name must mean the same value
            if self.constant_values[name] != value:
                raise error_at(stmt, "constant", f"module constant '{name}' is defined twice with different values")
            return
        self.constant_values[name] = value
        if isinstance(value, list):
            kind = FLOAT if any(isinstance(v, float) for v in value) else INT
            payload = bytearray()
            items = bytearray()
            for v in value:
                items += (float(v).hex() and __import__("struct").pack("<d", float(v))) if kind == FLOAT else \
                    (int(v) & (2**64 - 1)).to_bytes(8, "little")
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
        from . import sexpr

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


def assigned_names(stmts) -> set[str]:
    """Names a block assigns (comprehension variables excluded: they live in their own scope)."""
    names: set[str] = set()
    for stmt in stmts:
        comp_targets = {id(t) for n in ast.walk(stmt) if isinstance(n, ast.comprehension)
                        for t in ast.walk(n.target)}
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and id(n) not in comp_targets:
                names.add(n.id)
    return names


def declared_globals(fn: ast.FunctionDef) -> set[str]:
    return {name for n in ast.walk(fn) if isinstance(n, ast.Global) for name in n.names}


def local_names_of(fn: ast.FunctionDef) -> set[str]:
    return ({a.arg for a in fn.args.args} | assigned_names(fn.body)) - declared_globals(fn)


class Loop:
    def __init__(self, brk: str, cont: str):
        self.brk, self.cont = brk, cont


class FunctionCompiler:
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

    # ---- statements ----

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

    # ---- conditions (i32 truth values) ----

    def cond(self, node) -> list:
        if isinstance(node, ast.BoolOp):
            parts = [self.cond(v) for v in node.values]
            code = parts[-1]
            for p in reversed(parts[:-1]):
                if isinstance(node.op, ast.And):
                    code = ["if", ["result", "i32"], p, ["then", code], ["else", I32(0)]]
                else:
                    code = ["if", ["result", "i32"], p, ["then", I32(1)], ["else", code]]
            return code
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ["i32.eqz", self.cond(node.operand)]
        code, t = self.expr(node)
        return self.truthy(code, t, node)

    def truthy(self, code, t, node):
        if t == BOOL:
            return code
        if t == INT:
            return ["i64.ne", code, I64(0)]
        if t == FLOAT:
            return ["f64.ne", code, F64(0.0)]
        if t == STR or is_list(t):
            return ["i32.ne", ["i32.load", code], I32(0)]
        if t == NUM:
            return self.lib_call("num_truthy", [(code, NUM)], node)[0]
        if t == NONE:
            return I32(0)
        if t == BOTTOM:
            return ["unreachable"]
        self.fail(node, "truth", f"truth value of {show(t)} is not supported")

    # ---- expressions ----

    def expr(self, node):
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(node, type(node).__name__, "expression not in the supported subset")
        return method(node)

    def expr_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            return I32(int(v)), BOOL
        if isinstance(v, int):
            if not INT_MIN <= v <= INT_MAX:
                self.fail(node, "int", "integer literal does not fit in 64 bits")
            return I64(v), INT
        if isinstance(v, float):
            return F64(v), FLOAT
        if isinstance(v, str):
            return self.str_const(v), STR
        if v is None:
            return None, NONE
        self.fail(node, "Constant", f"constant {v!r} not supported")

    def str_const(self, s: str):
        return I32(self.u.string_address(s))

    def expr_Name(self, node):
        name = node.id
        if self.library and name in self.u.constants and name not in self.inst.local_names:
            v = self.u.constants[name]
            if isinstance(v, tuple):
                return I32(v[2]), v[1]
            c = ast.Constant(value=v)
            ast.copy_location(c, node)
            if isinstance(v, int) and not isinstance(v, bool) and v < 0:
                return I64(v), INT
            return self.expr_Constant(c)
        if name in self.u.math_names and name not in self.inst.local_names and not self.is_global(name):
            return self.math_constant(self.u.math_names[name], node)
        if name in ("True", "False"):
            return I32(int(name == "True")), BOOL
        local = name in self.inst.local_names or (self.inst.func is None and name in self.inst.local_names)
        if self.is_global(name):
            t = self.u.global_type(name)
            return self.checked_read(node, ["global.get", "$" + name], t), t
        if local or name in self.env:
            t = self.env_type(name)
            if is_tuple(t):
                vts = valtypes(concrete(t))
                return self.checked_read(node, ["block", ["result", *vts],
                                                 *[lget(f"{name}.{k}") for k in range(len(vts))]], t), t
            return self.checked_read(node, lget(name), t), t
        self.fail(node, "Name", f"name '{name}' is not defined (or not supported)")

    def unassigned_check(self, node):
        """The check before a read that may come before the variable's assignment (definite.py), or None."""
        if self.library:
            return None
        name = node.id
        key = (name, getattr(node, "lineno", None), getattr(node, "col_offset", None))  # (synthesised: no position)
        if self.is_global(name):
            if name not in self.u.flagged_globals or (self.inst.func is None and key not in self.u.unsafe_reads):
                return None
            flag = ["global.get", f"${name}.set"]
            msg = f"name '{name}' is not defined"
            kind = "NameError"
        else:
            if key not in self.u.unsafe_reads:
                return None
            flag = lget(f"{name}.set")
            if self.inst.func is None:
                kind, msg = "NameError", f"name '{name}' is not defined"
            else:
                kind, msg = "UnboundLocalError", f"cannot access local variable '{name}' where it is not associated with a value"
        return ["if", ["i32.eqz", flag], ["then", self.raise_code(kind, self.str_const(msg))]]

    def checked_read(self, node, code, t):
        check = self.unassigned_check(node)
        if check is None or t == BOTTOM:
            return code
        vts = valtypes(concrete(t))
        if code[0] == "block":  # a tuple: the items follow the check
            return ["block", ["result", *vts], check, *code[2:]]
        return ["block", ["result", *vts], check, code]

    def flagged_names(self):
        """Variables of this instance that carry a `$name.set` flag (WASM locals)."""
        if self.library:
            return set()
        key = None if self.inst.func is None else self.inst.func.name
        names = self.u.flagged_locals.get(key, set())
        if self.inst.func is None:
            return names - self.u.global_names
        return names & self.inst.local_names

    def add_flag_sets(self, code):
        """After each assignment of a flagged variable, set its flag."""
        local_flags = self.flagged_names()
        global_flags = self.u.flagged_globals
        if not local_flags and not global_flags:
            return code

        def walk(c):
            if not isinstance(c, list):
                return c
            out = []
            for item in c:
                item = walk(item)
                out.append(item)
                if isinstance(item, list) and len(item) >= 2 and item[0] in ("local.set", "global.set") \
                        and isinstance(item[1], str):
                    name = item[1][1:]
                    base, _, k = name.rpartition(".")
                    if base and k.isdigit():
                        if k != "0":
                            continue  # a tuple variable: flag it once, after its item 0
                        name = base
                    if item[0] == "local.set" and name in local_flags:
                        out.append(["local.set", f"${name}.set", I32(1)])
                    elif item[0] == "global.set" and name in global_flags:
                        out.append(["global.set", f"${name}.set", I32(1)])
            return out
        return walk(code)

    def math_constant(self, name, node):
        if name not in MATH_CONSTANTS:
            self.fail(node, "math", f"math.{name} is not a supported constant")
        return F64(MATH_CONSTANTS[name]), FLOAT

    def expr_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.u.math_module_names:
            return self.math_constant(node.attr, node)
        self.fail(node, "Attribute", f"attribute '.{node.attr}' is not supported")

    def expr_UnaryOp(self, node):
        op = node.op
        if isinstance(op, ast.Not):
            return ["i32.eqz", self.cond(node.operand)], BOOL
        if isinstance(op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
            v = -node.operand.value
            if isinstance(v, int):
                if v < INT_MIN:
                    self.fail(node, "int", "integer literal does not fit in 64 bits")
                return I64(v), INT
            return F64(v), FLOAT
        code, t = self.expr(node.operand)
        if t == BOTTOM:
            return code, BOTTOM
        if isinstance(op, ast.UAdd):
            if t == BOOL:
                return ["i64.extend_i32_u", code], INT
            if t in (INT, FLOAT, NUM):
                return code, t
        if isinstance(op, ast.USub):
            if t == BOOL:
                return ["i64.sub", I64(0), ["i64.extend_i32_u", code]], INT
            if t == INT:
                return (["i64.sub", I64(0), code] if self.library else call("int_neg", code)), INT
            if t == FLOAT:
                return ["f64.neg", code], FLOAT
            if t == NUM:
                return self.lib_call("num_neg", [(code, NUM)], node)
        if isinstance(op, ast.Invert):
            if t == BOOL:
                code, t = ["i64.extend_i32_u", code], INT
            if t == INT:
                return ["i64.xor", code, I64(-1)], INT
        self.fail(node, "UnaryOp", f"unary {type(op).__name__} on {show(t)} is not supported")

    def expr_BinOp(self, node):
        return self.binop(node.op, node.left, node.right, node)

    def binop(self, op, left, right, node):
        if isinstance(op, ast.Pow) and isinstance(right, (ast.Constant, ast.UnaryOp)):
            rv = const_int(right)
            lc, lt = self.expr(left)
            if rv is not None and lt in (INT, BOOL) and rv < 0:
                # int ** negative int is a float in Python: float(a) ** float(b)
                return self.lib_call("float_pow", [(self.as_float(lc, lt), FLOAT), (F64(float(rv)), FLOAT)], node)
            return self.binop_values(op, (lc, lt), self.expr(right), node)
        if isinstance(op, ast.Div) and not self.library:
            lc, lt = self.expr(left)
            rv = const_number(right)
            if rv is not None and rv != 0 and lt in (FLOAT, INT, BOOL) and (lt == FLOAT or isinstance(rv, float)):
                # dividing by a non-zero float constant (or a float by any constant) cannot raise
                return ["f64.div", self.as_float(lc, lt), F64(float(rv))], FLOAT
            if rv is not None and rv != 0 and lt in (INT, BOOL) and isinstance(rv, int) and abs(rv) <= 2**53:
                # int / small int constant: exact when the int is at most 2**53 in magnitude
                return call("int_truediv", self.as_int(lc, lt, left), I64(rv)), FLOAT
            return self.binop_values(op, (lc, lt), self.expr(right), node)
        return self.binop_values(op, self.expr(left), self.expr(right), node)

    def binop_values(self, op, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        name = BINOP_NAMES.get(type(op))
        if name is None:
            self.fail(node, type(op).__name__, "operator not supported")
        if lt == BOTTOM or rt == BOTTOM:
            return ["unreachable"], BOTTOM
        if lt == BOOL and rt == BOOL and name in ("and", "or", "xor"):
            return [f"i32.{name}", lc, rc], BOOL
        if lt == BOOL:
            lc, lt = ["i64.extend_i32_u", lc], INT
        if rt == BOOL:
            rc, rt = ["i64.extend_i32_u", rc], INT
        if lt == INT and rt == INT:
            return self.int_binop(name, lc, rc, node)
        if {lt, rt} <= {INT, FLOAT}:
            if name in ("and", "or", "xor", "shl", "shr"):
                self.fail(node, type(op).__name__, "bit operations need ints")
            return self.float_binop(name, self.as_float(lc, lt), self.as_float(rc, rt), node)
        if NUM in (lt, rt) and {lt, rt} <= {INT, FLOAT, NUM}:
            if name in ("and", "or", "xor", "shl", "shr"):
                self.fail(node, type(op).__name__, "bit operations need ints")
            a = self.coerce(lc, lt, NUM, node)
            b = self.coerce(rc, rt, NUM, node)
            return self.lib_call("num_" + name, [(a, NUM), (b, NUM)], node)
        if lt == STR and rt == STR and name == "add":
            return call("str_concat", lc, rc), STR
        if name == "mul" and {lt, rt} == {STR, INT}:
            s, n = (lc, rc) if lt == STR else (rc, lc)
            return self.lib_call("str_repeat", [(s, STR), (n, INT)], node)
        if is_list(lt) and is_list(rt) and name == "add":
            if elem(lt) != BOTTOM and elem(rt) != BOTTOM and elem(lt) != elem(rt):
                self.fail(node, "BinOp", f"cannot concatenate {show(lt)} and {show(rt)}")
            return call("list_concat", lc, rc), lt if elem(lt) != BOTTOM else rt
        if name == "mul" and (is_list(lt) and rt == INT or is_list(rt) and lt == INT):
            l, n, t = (lc, rc, lt) if is_list(lt) else (rc, lc, rt)
            return call("list_repeat", l, n), t
        if name == "mod" and lt == STR:
            self.fail(node, "BinOp", "'%' string formatting is not supported (use an f-string)")
        self.fail(node, "BinOp", f"{show(lt)} {type(op).__name__} {show(rt)} is not supported")

    def int_op(self, name, a, b):
        # checked in user code and in the rt subset alike (the contract: int overflow traps)
        return call("int_" + name, a, b)

    def int_binop(self, name, a, b, node):
        if name in ("add", "sub", "mul", "floordiv", "mod", "pow"):
            return self.int_op(name, a, b), INT
        if name == "truediv":
            return call("int_truediv", a, b), FLOAT
        if name in ("and", "or", "xor"):
            return [f"i64.{name}", a, b], INT
        if name == "shl":
            return (["i64.shl", a, b] if self.library else call("int_shl", a, b)), INT
        if name == "shr":
            return (["i64.shr_s", a, b] if self.library else call("int_shr", a, b)), INT
        self.fail(node, "BinOp", f"int {name} not supported")

    def float_binop(self, name, a, b, node):
        if name in ("add", "sub", "mul"):
            return [f"f64.{name}", a, b], FLOAT
        if name == "truediv":
            return call("float_div", a, b), FLOAT
        if name == "floordiv":
            return self.lib_call("float_floordiv", [(a, FLOAT), (b, FLOAT)], node)
        if name == "mod":
            return self.lib_call("float_mod", [(a, FLOAT), (b, FLOAT)], node)
        if name == "pow":
            # the ** operator (float_pow: ZeroDivisionError for 0.0 ** -1.0), not math.pow's rules
            return self.lib_call("float_pow", [(a, FLOAT), (b, FLOAT)], node)
        self.fail(node, "BinOp", f"float {name} not supported")

    def as_float(self, code, t):
        if t == FLOAT:
            return code
        if t == INT:
            if code[0] == "i64.const" and abs(int(code[1])) <= 2**53:  # exact as a float: fold the conversion
                return F64(float(int(code[1])))
            return ["f64.convert_i64_s", code]
        if t == BOOL:
            return ["f64.convert_i32_u", code]
        if t == NUM:
            return self.lib_call("num_to_float", [(code, NUM)], None)[0]
        raise AssertionError(t)

    def as_int(self, code, t, node):
        if t == INT or t == BOTTOM:
            return code
        if t == BOOL:
            return ["i64.extend_i32_u", code]
        self.fail(node, "index", f"an int is needed here, got {show(t)}")

    def coerce(self, code, src, dst, node):
        if src == dst or src == BOTTOM or dst == BOTTOM:
            return code
        if dst == NUM:
            if src == INT:
                return call("box_int", code)
            if src == FLOAT:
                return call("box_float", code)
            if src == BOOL:
                return call("box_int", ["i64.extend_i32_u", code])
        if is_list(src) and is_list(dst):
            if elem(src) == BOTTOM or elem(dst) == "any" or elem(src) == elem(dst):
                return code
            if is_list(elem(src)) and is_list(elem(dst)):
                self.coerce(code, elem(src), elem(dst), node)
                return code
        if self.library:
            if dst == FLOAT and src in (INT, BOOL):
                return self.as_float(code, src)
            if dst == INT and src == BOOL:
                return ["i64.extend_i32_u", code]
        if not self.final:
            return code  # types from the previous pass may be stale; the final pass decides
        self.fail(node, "typing", f"a {show(src)} value where a {show(dst)} is expected")

    def expr_BoolOp(self, node):
        vals = [self.expr(v) for v in node.values]
        types = {t for _, t in vals if t != BOTTOM}
        if not types:
            return ["unreachable"], BOTTOM
        if types == {BOOL}:
            return self.cond(node), BOOL
        if len(types) != 1:
            self.fail(node, "BoolOp", "'and'/'or' with operands of different types (the result type would vary)")
        t = types.pop()
        vt = valtype(concrete(t))
        code = vals[-1][0]
        for c, _ in reversed(vals[:-1]):
            tmp = self.temp(vt)
            test = self.truthy(["local.tee", "$" + tmp, c], t, node)
            if isinstance(node.op, ast.And):
                code = ["if", ["result", vt], test, ["then", code], ["else", lget(tmp)]]
            else:
                code = ["if", ["result", vt], test, ["then", lget(tmp)], ["else", code]]
        return code, t

    def expr_IfExp(self, node):
        test = self.cond(node.test)
        a, at = self.expr(node.body)
        b, bt = self.expr(node.orelse)
        t = self.join(at, bt, node, "conditional expression")
        if t == BOTTOM:
            return ["unreachable"], BOTTOM
        vts = valtypes(concrete(t))
        return ["if", ["result", *vts], test, ["then", self.coerce(a, at, t, node)],
                ["else", self.coerce(b, bt, t, node)]], t

    def expr_Compare(self, node):
        operands = [node.left] + node.comparators
        if len(node.ops) == 1:
            return self.compare(node.ops[0], self.expr(node.left), self.expr(node.comparators[0]), node), BOOL
        # a < b < c: each middle operand evaluated once, short-circuit like Python
        left = self.expr(operands[0])
        parts = []
        for i, op in enumerate(node.ops):
            rc, rt = self.expr(operands[i + 1])
            if i < len(node.ops) - 1 and rt != BOTTOM:
                tmp = self.temp(valtype(concrete(rt)))
                parts.append(self.compare(op, left, (["local.tee", "$" + tmp, rc], rt), node))
                left = (lget(tmp), rt)
            else:
                parts.append(self.compare(op, left, (rc, rt), node))
        code = parts[-1]
        for p in reversed(parts[:-1]):
            code = ["if", ["result", "i32"], p, ["then", code], ["else", I32(0)]]
        return code, BOOL

    def compare(self, op, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        if lt == BOTTOM or rt == BOTTOM:
            return ["unreachable"]
        if isinstance(op, (ast.In, ast.NotIn)):
            code = self.contains(lv, rv, node)
            return ["i32.eqz", code] if isinstance(op, ast.NotIn) else code
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.fail(node, type(op).__name__, "'is' comparisons are not supported")
        if lt == BOOL and rt == BOOL:
            return [CMP_I32[type(op)].replace("_s", "_u"), lc, rc]
        if lt == BOOL:
            lc, lt = ["i64.extend_i32_u", lc], INT
        if rt == BOOL:
            rc, rt = ["i64.extend_i32_u", rc], INT
        if lt == INT and rt == INT:
            return [CMP_I64[type(op)], lc, rc]
        if lt == FLOAT and rt == FLOAT:
            return [CMP_F64[type(op)], lc, rc]
        if {lt, rt} == {INT, FLOAT}:
            # exact when the int is a literal that converts to float without rounding
            iv = const_int_code(lc if lt == INT else rc)
            if iv is not None and abs(iv) <= 2**53:
                return [CMP_F64[type(op)], self.as_float(lc, lt), self.as_float(rc, rt)]
            if lt == INT:
                r = call("cmp_int_float", lc, rc)
                return self.cmp_result(op, r)
            r = call("cmp_int_float", rc, lc)
            return self.cmp_result(SWAPPED[type(op)](), r)
        if NUM in (lt, rt) and {lt, rt} <= {INT, FLOAT, NUM}:
            r, _ = self.lib_call("num_cmp", [(self.coerce(lc, lt, NUM, node), NUM), (self.coerce(rc, rt, NUM, node), NUM)],
                                 node)
            return self.cmp_result(op, ["i32.wrap_i64", r])
        if lt == STR and rt == STR:
            if isinstance(op, ast.Eq):
                return call("str_eq", lc, rc)
            if isinstance(op, ast.NotEq):
                return ["i32.eqz", call("str_eq", lc, rc)]
            return [CMP_I32[type(op)], call("str_cmp", lc, rc), I32(0)]
        if is_list(lt) and is_list(rt) and isinstance(op, (ast.Eq, ast.NotEq)) and elem(lt) == elem(rt) \
                and elem(lt) in (INT, STR, BOOL):
            r, _ = self.lib_call(f"list_{suffix(elem(lt))}_eq", [(lc, lt), (rc, rt)], node)
            return ["i32.eqz", r] if isinstance(op, ast.NotEq) else r
        self.fail(node, "Compare", f"comparing {show(lt)} with {show(rt)} is not supported")

    def cmp_result(self, op, r):
        """Turn a three-way result (-1, 0, 1, or 2 for NaN) into the truth value of `op`."""
        k = type(op)
        if k is ast.Lt:
            return ["i32.eq", r, I32(-1)]
        if k is ast.Gt:
            return ["i32.eq", r, I32(1)]
        if k is ast.Eq:
            return ["i32.eqz", r]
        if k is ast.NotEq:
            return ["i32.ne", r, I32(0)]
        if k is ast.LtE:
            return ["i32.le_s", r, I32(0)]
        return ["i32.lt_u", r, I32(2)]  # GtE: 0 or 1

    def contains(self, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        if rt == STR and lt == STR:
            r, _ = self.lib_call("str_contains", [(rc, STR), (lc, STR)], node)
            return r
        if is_list(rt):
            et = elem(rt)
            if et == BOTTOM:
                return I32(0)
            if lt == BOOL and et == INT:
                lc, lt = ["i64.extend_i32_u", lc], INT
            if et in (INT, STR, FLOAT) and lt == et:
                r, _ = self.lib_call(f"list_{suffix(et)}_contains", [(rc, rt), (lc, lt)], node)
                return r
        self.fail(node, "In", f"'in' with {show(lt)} in {show(rt)} is not supported")

    def expr_Subscript(self, node):
        if isinstance(node.value, ast.Name) and is_tuple(self.env_type(node.value.id)) \
                and not self.is_global(node.value.id):
            t = self.env_type(node.value.id)
            k = const_int(node.slice)
            if k is None or not -len(t[1]) <= k < len(t[1]):
                self.fail(node, "Subscript", "tuple items need a constant index in range")
            k %= len(t[1])
            return self.checked_read(node.value, lget(f"{node.value.id}.{k}"), t[1][k]), t[1][k]
        vc, vt = self.expr(node.value)
        if vt == BOTTOM:
            return ["unreachable"], BOTTOM
        if isinstance(node.slice, ast.Slice):
            sl = node.slice
            args = []
            for part, default in ((sl.lower, 0), (sl.upper, 0), (sl.step, 1)):
                if part is None:
                    args.append((I64(default), INT))
                else:
                    c, t = self.expr(part)
                    args.append((self.as_int(c, t, part), INT))
            flags = [(I32(int(sl.lower is not None)), BOOL), (I32(int(sl.upper is not None)), BOOL)]
            if vt == STR:
                return self.lib_call("str_slice", [(vc, STR)] + args + flags, node)
            if is_list(vt):
                code, _ = self.lib_call("list_slice", [(vc, vt)] + args + flags, node)
                return code, vt
            self.fail(node, "Slice", f"slicing {show(vt)} is not supported")
        ic, it = self.expr(node.slice)
        if it == BOTTOM:
            return ["unreachable"], BOTTOM
        idx = self.as_int(ic, it, node.slice)
        if is_list(vt):
            return self.load_item(vc, idx, elem(vt)), elem(vt)
        if vt == STR:
            return self.lib_call("str_getitem", [(vc, STR), (idx, INT)], node)
        if is_tuple(vt):
            k = const_int(node.slice)
            n = len(vt[1])
            if k is None or not -n <= k < n:
                self.fail(node, "Subscript", "tuple items need a constant index in range")
            tmps = [self.temp(valtype(concrete(x)), "item") for x in vt[1]]
            return ["block", ["result", valtype(concrete(vt[1][k % n]))], vc,
                    *[["local.set", "$" + tmp] for tmp in reversed(tmps)], lget(tmps[k % n])], vt[1][k % n]
        self.fail(node, "Subscript", f"indexing {show(vt)} is not supported")

    def expr_List(self, node):
        return self.list_literal(node)

    def list_literal(self, node, into: str | None = None):
        items = [self.expr(e) for e in node.elts]
        t = BOTTOM
        for e, (_, et) in zip(node.elts, items):
            t = self.join(t, et, e, "list item")
        self.check_item_type(t, node)
        lt = list_of(t)
        if into is not None:
            self.record(into, lt, node)
            if self.is_global(into):
                return None, lt
            dst = self.env_type(into)
            if dst != BOTTOM and dst != lt and not (is_list(dst) and elem(lt) in (BOTTOM, elem(dst))):
                if is_list(dst) and elem(dst) == NUM:
                    t = NUM
                else:
                    self.fail(node, "typing", f"a {show(lt)} value where a {show(dst)} is expected")
            elif is_list(dst):
                t = elem(dst) if elem(dst) != BOTTOM else t
            holder = into
            out = [["local.set", "$" + holder, call("list_new", I32(len(items)))]]
        elif t != BOTTOM:
            holder = self.temp("i32", "list")
            out = [["local.set", "$" + holder, call("list_new", I32(len(items)))]]
        if t == BOTTOM:
            code = call("list_new", I32(0))
            if into is not None:
                return [["local.set", "$" + into, code]], lt
            return code, lt
        vt = valtype(concrete(t))
        for e, (c, et) in zip(node.elts, items):
            out.append(call("list_append_" + vt, lget(holder), self.coerce(c, et, t, e)))
        if into is not None:
            return out, list_of(t)
        return ["block", ["result", "i32"], *out, lget(holder)], list_of(t)

    def expr_Tuple(self, node):
        # a tuple value is its items side by side on the stack (multi-value)
        vals = [self.expr(e) for e in node.elts]
        t = ("tuple", tuple(vt for _, vt in vals))
        if any(vt == BOTTOM for _, vt in vals):
            return ["unreachable"], BOTTOM
        if any(is_tuple(vt) or vt == NONE for _, vt in vals):
            self.fail(node, "Tuple", "nested tuples are not supported")
        return ["block", ["result", *valtypes(concrete(t))], *[c for c, _ in vals]], t

    def expr_JoinedStr(self, node):
        parts = self.fstring_parts(node)
        if not parts:
            return self.str_const(""), STR
        code = parts[0]
        for p in parts[1:]:
            code = call("str_concat", code, p)
        return code, STR

    def fstring_parts(self, node) -> list:
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    parts.append(self.str_const(v.value))
                continue
            parts.append(self.formatted(v))
        return parts

    def formatted(self, v: ast.FormattedValue):
        code, t = self.expr(v.value)
        if t == BOTTOM:
            return ["unreachable"]
        if v.conversion not in (-1, ord("s"), ord("r")):
            self.fail(v, "FormattedValue", "only !s and !r conversions are supported")
        if v.conversion == ord("r"):
            code, t = self.repr_str(code, t, v), STR
        elif v.conversion == ord("s"):
            code, t = self.to_str(code, t, v), STR
        spec = ""
        if v.format_spec is not None:
            pieces = v.format_spec.values
            if not all(isinstance(p, ast.Constant) for p in pieces):
                self.fail(v, "FormattedValue", "nested replacement fields in a format spec are not supported")
            spec = "".join(p.value for p in pieces)
        return self.format_value(code, t, spec, v)

    def format_value(self, code, t, spec, node):
        if t == BOTTOM:
            return ["unreachable"]  # type not known yet (an earlier inference pass)
        if spec == "":
            return self.to_str(code, t, node)
        try:
            s = fstring.parse_spec(spec)
        except ValueError as e:
            self.fail(node, "format_spec", str(e))
        kind = s.kind
        samples = {INT: [0], BOOL: [True], FLOAT: [0.0], NUM: [0, 0.0], STR: [""]}.get(t, [])
        for sample in samples:
            try:
                format(sample, spec)
            except ValueError as e:  # CPython rejects this spec for the type: so do we, before running
                self.fail(node, "format_spec", f"{e} (format spec {spec!r})")
        if t == BOOL:
            code, t = ["i64.extend_i32_u", code], INT
        if t == INT:
            if kind not in fstring.INT_KINDS + fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"Unknown format code '{chr(kind)}' for object of type 'int'")
            args = [(code, INT)] + s.numeric_args()
            return self.lib_call("format_int", args, node)[0]
        if t == FLOAT:
            if kind not in fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"Unknown format code '{chr(kind)}' for object of type 'float'")
            return self.lib_call("format_float", [(code, FLOAT)] + s.numeric_args(), node)[0]
        if t == NUM:
            if kind not in fstring.FLOAT_KINDS:
                self.fail(node, "format_spec", f"format code '{chr(kind)}' needs a known int or float")
            return self.lib_call("format_num", [(code, NUM)] + s.numeric_args(), node)[0]
        if t == STR:
            if not s.valid_for_str():
                self.fail(node, "format_spec", f"format spec {spec!r} is not valid for a str")
            return self.lib_call("format_str", [(code, STR)] + s.str_args(), node)[0]
        if is_list(t) or t == NONE:
            # object.__format__: any non-empty spec is a TypeError in CPython
            self.fail(node, "format_spec", f"format spec {spec!r} is not supported for {show(t)} "
                      f"(CPython: TypeError: unsupported format string)")
        self.fail(node, "format_spec", f"formatting {show(t)} is not supported")

    def to_str(self, code, t, node):
        if t == STR:
            return code
        if t == INT:
            return self.lib_call("int_to_str", [(code, INT)], node)[0]
        if t == FLOAT:
            return self.lib_call("float_repr", [(code, FLOAT)], node)[0]
        if t == BOOL:
            return ["select", self.str_const("True"), self.str_const("False"), code]
        if t == NUM:
            return self.lib_call("num_to_str", [(code, NUM)], node)[0]
        if t == NONE:
            return self.str_const("None")
        if is_list(t):
            return call(self.list_repr_helper(t, node), code)
        if t == BOTTOM:
            return ["unreachable"]
        self.fail(node, "str", f"str() of {show(t)} is not supported")

    def repr_str(self, code, t, node):
        if t == STR:
            return self.lib_call("str_quote", [(code, STR)], node)[0]
        return self.to_str(code, t, node)

    def list_repr_helper(self, t, node):
        """Name of a function printing a list of type t like Python's repr (generated per type)."""
        et = elem(t)
        if et == BOTTOM:
            et = INT
        name = f"list_{suffix(et)}_repr"
        if is_list(et):
            inner = self.list_repr_helper(et, node)
            self.u.generated.setdefault(name, inner)
            return name
        self.lib_call(name, [(I32(0), list_of(et))], node)
        return name

    # ---- calls ----

    def expr_Call(self, node):
        return self.call(node)

    def call(self, node, statement=False):
        f = node.func
        if isinstance(f, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id in self.u.math_module_names:
                return self.math_call(f.attr, node)
            return self.method_call(f, node, statement)
        if not isinstance(f, ast.Name):
            self.fail(node, "Call", "only calls of named functions are supported")
        name = f.id
        if name in self.u.functions and name not in self.inst.local_names:
            return self.user_call(name, node)
        if name in self.u.math_names and name not in self.inst.local_names:
            return self.math_call(self.u.math_names[name], node)
        if name in INTRINSICS and self.library:
            return self.intrinsic(name, node)
        if name in ERROR_NAMES:
            self.fail(node, "Call", f"{name}(...) outside 'raise' is not supported")
        method = getattr(self, "builtin_" + name, None)
        if method is not None and name not in self.inst.local_names and not self.final and name != "print" and not any(
                isinstance(a, (ast.GeneratorExp, ast.ListComp, ast.Starred)) for a in node.args):
            # an argument whose type is not known yet: the result type is not known either
            if any(self.arg_type_or_none(a) == BOTTOM for a in node.args):
                return ["unreachable"], BOTTOM
        if method is not None and name not in self.inst.local_names:
            if statement and name == "print":
                return self.builtin_print(node), NONE
            return method(node)
        if self.library:
            sig = self.u.lib_signature(name)
            if sig is not None:
                return self.typed_call(name, sig, node)
        self.fail(node, "Call", f"function '{name}' is not defined or not supported")

    def arg_type_or_none(self, node):
        try:
            return self.expr(node)[1]
        except ConversionError:
            return None  # range(...) and friends: the builtin itself decides

    def bind_args(self, info: FunctionInfo, node):
        args = list(node.args)
        if any(isinstance(a, ast.Starred) for a in args):
            self.fail(node, "Starred", "*args in calls is not supported")
        if len(args) > len(info.params):
            self.fail(node, "Call", f"{info.name}() takes {len(info.params)} arguments, got {len(args)}")
        bound = dict(zip(info.params, args))
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in info.params or kw.arg in bound:
                self.fail(node, "keyword", f"bad keyword argument {kw.arg!r} for {info.name}()")
            bound[kw.arg] = kw.value
        out = []
        for p in info.params:
            if p in bound:
                out.append(bound[p])
            elif p in info.defaults:
                out.append(info.defaults[p])
            else:
                self.fail(node, "Call", f"{info.name}() missing argument '{p}'")
        return out

    def user_call(self, name, node):
        info = self.u.functions[name]
        arg_nodes = self.bind_args(info, node)
        vals = [self.expr(a) for a in arg_nodes]
        if info.library:
            return self.typed_call(name, (info.param_types, info.ret_type), node, vals)
        types = tuple(t for _, t in vals)
        if any(has_bottom(t) and not is_list(t) for t in types):
            return ["unreachable"], BOTTOM
        types = tuple(t for t in types)
        inst = self.u.instance(name, types)
        ret = inst.ret
        code = ["call", "$" + inst.wat_name, *[c for c, _ in vals]]
        check = self.undefined_function_check(name, node.func)
        if check is not None and ret != BOTTOM:
            rts = valtypes(concrete(ret))
            code = ["block", ["result", *rts], check, code] if rts else ["block", check, code]
        return code, ret

    def undefined_function_check(self, name, ref):
        """A call that may run before the function's `def` statement: NameError like CPython."""
        if name not in self.u.flagged_functions:
            return None
        key = (name, getattr(ref, "lineno", None), getattr(ref, "col_offset", None))
        if self.inst.func is None and key not in self.u.unsafe_reads:
            return None
        return ["if", ["i32.eqz", ["global.get", f"${name}.defined"]],
                ["then", self.raise_code("NameError", self.str_const(f"name '{name}' is not defined"))]]

    def typed_call(self, name, sig, node, vals=None):
        params, ret = sig
        if vals is None:
            if node.keywords:
                self.fail(node, "keyword", "keyword arguments to runtime functions are not supported")
            vals = [self.expr(a) for a in node.args]
        if len(vals) != len(params):
            self.fail(node, "Call", f"{name}() takes {len(params)} arguments, got {len(vals)}")
        codes = []
        anylist = None
        for (c, t), p in zip(vals, params):
            if p == ANYLIST:
                if not is_list(t) and t != BOTTOM:
                    self.fail(node, "Call", f"{name}() needs a list, got {show(t)}")
                anylist = anylist or t
                codes.append(c)
            else:
                codes.append(self.coerce(c, t, p, node) if t != BOTTOM else c)
        if ret == ANYLIST:
            ret = anylist or BOTTOM
        return call(name, *codes), ret

    def lib_call(self, name, vals, node):
        """Call a runtime-library function with already compiled arguments [(code, type)]."""
        sig = self.u.lib_signature(name)
        if sig is None:
            where = node if node is not None else (self.inst.func.node if self.inst.func else None)
            self.fail(where, "runtime", f"the runtime library has no function '{name}' (yet)")
        params, ret = sig
        codes, ret = self.coerce_arguments(vals, params, ret, node)
        return call(name, *codes), ret

    def intrinsic(self, name, node):
        params, ret, build = INTRINSICS[name]
        vals = [self.expr(a) for a in node.args]
        if len(vals) != len(params) or node.keywords:
            self.fail(node, "Call", f"intrinsic {name}() takes {len(params)} arguments")
        codes, ret = self.coerce_arguments(vals, params, ret, node)
        return build(codes), ret

    def coerce_arguments(self, vals, params, ret, node):
        """Coerce typed argument codes to the parameter types; an ANYLIST result takes the list argument's type."""
        codes = []
        anylist = None
        for (c, t), p in zip(vals, params):
            if p == ANYLIST:
                anylist = anylist or t
                codes.append(c)
            else:
                codes.append(self.coerce(c, t, p, node))
        return codes, (anylist if ret == ANYLIST else ret)

    def math_call(self, fname, node):
        if fname == "isclose" and node.keywords:
            return self.math_isclose(node)
        if node.keywords:
            self.fail(node, "keyword", f"keyword arguments to math.{fname} are not supported")
        if fname == "fsum":
            return self.math_fsum(node)
        vals = [self.expr(a) for a in node.args]
        if any(t == BOTTOM for _, t in vals):
            return ["unreachable"], BOTTOM
        if fname in MATH_INT_IDENTITY and len(vals) == 1 and vals[0][1] in (INT, BOOL):
            return self.as_int(vals[0][0], vals[0][1], node), INT
        if fname == "log" and len(vals) == 2:
            fname = "log_base"
        if fname in ("prod", "dist"):
            self.fail(node, "math", f"math.{fname} is not supported")
        sig = self.u.lib_signature(fname)
        if sig is None:
            self.fail(node, "math", f"math.{fname} is not available in the runtime library")
        params, ret = sig
        if len(params) != len(vals):
            self.fail(node, "math", f"math.{fname}() takes {len(params)} arguments, got {len(vals)}")
        codes = []
        for (c, t), p in zip(vals, params):
            if p == FLOAT and t in (INT, BOOL, NUM, FLOAT):
                codes.append(self.as_float(c, t))
            elif p == INT and t in (INT, BOOL):
                codes.append(self.as_int(c, t, node))
            else:
                self.fail(node, "math", f"math.{fname}() argument of type {show(t)} is not supported")
        return call(fname, *codes), ret

    def math_isclose(self, node):
        """math.isclose(a, b, rel_tol=..., abs_tol=...) -> isclose_tol(a, b, rel_tol, abs_tol)."""
        if len(node.args) != 2:
            self.fail(node, "math", "math.isclose() takes two positional arguments")
        names = [kw.arg for kw in node.keywords]
        if not set(names) <= {"rel_tol", "abs_tol"} or len(set(names)) != len(names):
            self.fail(node, "keyword", "math.isclose() takes only the keywords rel_tol= and abs_tol=")
        vals = [self.expr(a) for a in node.args] + [self.expr(kw.value) for kw in node.keywords]
        if any(t == BOTTOM for _, t in vals):
            return ["unreachable"], BOTTOM
        for _, t in vals:
            if t not in (INT, BOOL, FLOAT, NUM):
                self.fail(node, "math", f"math.isclose() argument of type {show(t)} is not supported")
        codes = [self.as_float(c, t) for c, t in vals]
        tols = {"rel_tol": F64(1e-09), "abs_tol": F64(0.0)}
        if names == ["abs_tol", "rel_tol"] and not all(is_trivial(c) for c in codes[2:]):
            # Python evaluates abs_tol first here: keep that order through temporaries
            ta, tr = self.temp("f64"), self.temp("f64")
            return ["block", ["result", "i32"], ["local.set", "$" + ta, codes[2]], ["local.set", "$" + tr, codes[3]],
                    call("isclose_tol", codes[0], codes[1], lget(tr), lget(ta))], BOOL
        for n, c in zip(names, codes[2:]):
            tols[n] = c
        return self.lib_call("isclose_tol", [(codes[0], FLOAT), (codes[1], FLOAT), (tols["rel_tol"], FLOAT),
                                             (tols["abs_tol"], FLOAT)], node)

    def math_fsum(self, node):
        """math.fsum(list_of_floats) -> fsum; a list of ints (or an iterable) is not supported."""
        if len(node.args) != 1:
            self.fail(node, "math", "math.fsum() takes one argument")
        c, t = self.expr(node.args[0])
        if t == BOTTOM or (is_list(t) and elem(t) == BOTTOM and not self.final):
            return ["unreachable"], BOTTOM
        if is_list(t) and concrete(t) == list_of(INT):
            return self.lib_call("fsum_int", [(c, concrete(t))], node)
        if not (is_list(t) and concrete(t) == list_of(FLOAT)):
            self.fail(node, "math", f"math.fsum() of {show(t)} is not supported (a list of ints or floats is)")
        return self.lib_call("fsum", [(c, t)], node)

    # ---- methods ----

    def method_call(self, f: ast.Attribute, node, statement):
        obj, ot = self.expr(f.value)
        m = f.attr
        if ot == BOTTOM:
            for a in node.args:
                self.expr(a)
            return ["unreachable"], BOTTOM
        if ot == STR:
            return self.str_method(m, obj, node)
        if is_list(ot):
            return self.list_method(m, obj, ot, f, node)
        self.fail(node, "method", f"method .{m}() of {show(ot)} is not supported")

    STR_METHODS = {
        # name: (runtime function, number of extra args (min, max))
        "lower": ("str_lower", 0, 0), "upper": ("str_upper", 0, 0), "title": ("str_title", 0, 0),
        "capitalize": ("str_capitalize", 0, 0), "swapcase": ("str_swapcase", 0, 0),
        "count": ("str_count", 1, 1), "find": ("str_find", 1, 1), "index": ("str_index", 1, 1),
        "rfind": ("str_rfind", 1, 1),
        "startswith": ("str_startswith", 1, 1), "endswith": ("str_endswith", 1, 1),
        "replace": ("str_replace", 2, 2), "join": ("str_join", 1, 1),
        "isalpha": ("str_isalpha", 0, 0), "isdigit": ("str_isdigit", 0, 0), "isspace": ("str_isspace", 0, 0),
        "isupper": ("str_isupper", 0, 0), "islower": ("str_islower", 0, 0), "isalnum": ("str_isalnum", 0, 0),
        "isnumeric": ("str_isdigit", 0, 0), "isdecimal": ("str_isdigit", 0, 0),
        "zfill": ("str_zfill", 1, 1), "center": ("str_center", 1, 1), "ljust": ("str_ljust", 1, 1),
        "rjust": ("str_rjust", 1, 1),
    }

    def str_format(self, obj_node, node):
        """'{} and {:.2f}'.format(a, b) with a literal template: the same pieces as an f-string."""
        import string

        if not (isinstance(obj_node, ast.Constant) and isinstance(obj_node.value, str)):
            self.fail(node, "method", "str.format() needs a string literal template")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.fail(node, "method", "str.format(*args/**kwargs) is not supported")
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        try:
            fields = list(string.Formatter().parse(obj_node.value))
        except ValueError as e:
            self.fail(node, "method", f"str.format() template: {e}")
        parts, auto = [], 0
        for literal, field, spec, conversion in fields:
            if literal:
                parts.append(self.str_const(literal))
            if field is None:
                continue
            if "{" in (spec or ""):
                self.fail(node, "method", "nested replacement fields are not supported")
            if field == "":
                key = auto
                auto += 1
            elif field.isdigit():
                key = int(field)
            elif field.isidentifier():
                key = field
            else:
                self.fail(node, "method", f"format field {field!r} is not supported")
            if isinstance(key, int) and key >= len(args) or isinstance(key, str) and key not in kwargs:
                self.fail(node, "method", f"str.format() has no argument for field {{{field}}}")
            code, t = args[key] if isinstance(key, int) else kwargs[key]
            if conversion == "r":
                code, t = self.repr_str(code, t, node), STR
            elif conversion == "s":
                code, t = self.to_str(code, t, node), STR
            elif conversion is not None:
                self.fail(node, "method", f"conversion !{conversion} is not supported")
            parts.append(self.format_value(code, t, spec or "", node))
        if not parts:
            return self.str_const(""), STR
        code = parts[0]
        for p in parts[1:]:
            code = call("str_concat", code, p)
        return code, STR

    def str_method(self, m, obj, node):
        if m == "format":
            return self.str_format(node.func.value, node)
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            self.fail(node, "keyword", f"keyword arguments to str.{m}() are not supported")
        if m in ("split", "strip", "lstrip", "rstrip"):
            if len(args) == 0:
                return self.lib_call(f"str_{m}_ws" if m != "split" else "str_split_ws", [(obj, STR)], node)
            if len(args) == 1 and args[0][1] == STR:
                return self.lib_call(f"str_{m}", [(obj, STR)] + args, node)
            self.fail(node, "method", f"str.{m}() with these arguments is not supported")
        if m == "join" and len(args) == 1 and args[0][1] not in (STR,) and not is_list(args[0][1]):
            self.fail(node, "method", "str.join() needs a list of strings")
        if m == "join" and args and is_list(args[0][1]) and elem(args[0][1]) not in (STR, BOTTOM):
            self.fail(node, "method", f"str.join() of {show(args[0][1])}: items must be str (TypeError in Python)")
        spec = self.STR_METHODS.get(m)
        if spec is None:
            self.fail(node, "method", f"str.{m}() is not supported")
        fn, lo, hi = spec
        if not lo <= len(args) <= hi:
            self.fail(node, "method", f"str.{m}() with {len(args)} arguments is not supported")
        return self.lib_call(fn, [(obj, STR)] + args, node)

    def list_method(self, m, obj, ot, f, node):
        et = elem(ot)
        args = [self.expr(a) for a in node.args]
        kw = {k.arg: k.value for k in node.keywords}
        name_target = f.value.id if isinstance(f.value, ast.Name) else None
        if m == "append" and len(args) == 1 and not kw:
            (c, t), = args
            self.check_item_type(t, node)
            if name_target and t != BOTTOM:
                # appends type the list variable too (x = [] ... x.append(1.5)); recorded every pass
                self.record(name_target, list_of(t if et in (BOTTOM, t) else join(t, et)), node)
            if et == BOTTOM:
                et = t
            if t == BOTTOM:
                return ["unreachable"], NONE
            want = et
            if t != et and {t, et} <= {INT, FLOAT, NUM}:
                if et != NUM and name_target:
                    self.record(name_target, list_of(join(t, et)), node)
                want = NUM
            return call("list_append_" + valtype(concrete(want)), obj, self.coerce(c, t, want, node)), NONE
        if et == BOTTOM and not self.final:
            # items not known yet (an empty list that is filled later): type it in a later pass
            return ["unreachable"], {"count": INT, "index": INT, "copy": ot, "pop": BOTTOM}.get(m, NONE)
        if m == "copy" and not args and not kw:
            return call("list_copy", obj), ot
        if m == "extend" and len(args) == 1:
            self.check_extend(ot, args[0][1], node)
            if name_target and elem(args[0][1]) != BOTTOM:
                self.record(name_target, args[0][1], node)
            return call("list_extend", obj, args[0][0]), NONE
        if m == "sort" and not args:
            rev = self.reverse_flag(kw, node)
            return self.lib_call(f"list_{suffix(et)}_sort", [(obj, ot), (rev, BOOL)], node)[0], NONE
        if m == "reverse" and not args and not kw:
            return self.lib_call("list_reverse", [(obj, ot)], node)[0], NONE
        if m == "pop" and len(args) <= 1 and not kw:
            idx = self.as_int(*args[0], node) if args else I64(-1)
            bits = self.lib_call("list_pop_bits", [(obj, ot), (idx, INT)], node)[0]
            return from_bits(bits, concrete(et)), et
        if m == "insert" and len(args) == 2 and not kw:
            c, t = args[1]
            c = self.coerce(c, t, et, node)
            return self.lib_call("list_insert_bits", [(obj, ot), (self.as_int(*args[0], node), INT),
                                                      (to_bits(c, concrete(et)), INT)], node)[0], NONE
        if m in ("index", "count") and len(args) == 1 and not kw and et in (INT, STR, FLOAT):
            c, t = args[0]
            if t == BOOL and et == INT:
                c, t = ["i64.extend_i32_u", c], INT
            if t != et:
                self.fail(node, "method", f"list.{m}() of a {show(t)} in {show(ot)} is not supported")
            return self.lib_call(f"list_{suffix(et)}_{m}", [(obj, ot), (c, t)], node)
        self.fail(node, "method", f"list.{m}() with these arguments is not supported")

    def load_raw_slot(self, addr, et):
        return [slot_load(concrete(et)), addr]

    def store_op(self, et):
        return {"i64": "i64.store", "f64": "f64.store", "i32": "i32.store"}[valtype(concrete(et))]

    def reverse_flag(self, kw, node):
        rev = I32(0)
        for k, v in kw.items():
            if k != "reverse":
                self.fail(node, "keyword", f"keyword '{k}' is not supported here (only reverse=)")
            c, t = self.expr(v)
            rev = self.truthy(c, t, v)
        return rev

    # ---- builtins ----

    def one_arg(self, node, name):
        if len(node.args) != 1 or node.keywords:
            self.fail(node, "Call", f"{name}() takes exactly one argument here")
        return self.expr(node.args[0])

    def builtin_print(self, node):
        sep, end = " ", "\n"
        sep_code = end_code = None
        for kw in node.keywords:
            if kw.arg not in ("sep", "end"):
                self.fail(node, "keyword", f"print(..., {kw.arg}=) is not supported")
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                if kw.arg == "sep":
                    sep = kw.value.value
                else:
                    end = kw.value.value
            else:
                c, t = self.expr(kw.value)
                if t != STR:
                    self.fail(kw.value, "keyword", f"print {kw.arg}= must be a str")
                tmp = self.temp("i32", kw.arg)
                if kw.arg == "sep":
                    sep_code = tmp
                else:
                    end_code = tmp
        out = []
        if sep_code:
            out.append(["local.set", "$" + sep_code, self.expr([k for k in node.keywords if k.arg == "sep"][0].value)[0]])
        if end_code:
            out.append(["local.set", "$" + end_code, self.expr([k for k in node.keywords if k.arg == "end"][0].value)[0]])
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, "Starred", "print(*args) is not supported")
        pieces: list = []  # ("lit", str) or ("val", code, type)
        for i, a in enumerate(node.args):
            if i > 0:
                pieces.append(("var", sep_code) if sep_code else ("lit", sep))
            if isinstance(a, ast.JoinedStr):
                for v in a.values:
                    if isinstance(v, ast.Constant):
                        pieces.append(("lit", v.value))
                    else:
                        pieces.append(("val", self.formatted(v), STR))
            elif isinstance(a, ast.Constant) and isinstance(a.value, str):
                pieces.append(("lit", a.value))
            else:
                c, t = self.expr(a)
                pieces.append(("val", c, t))
        pieces.append(("var", end_code) if end_code else ("lit", end))
        # Python evaluates every argument before writing anything: hoist values that may raise
        unsafe = [i for i, p in enumerate(pieces) if p[0] == "val" and not is_trivial(p[1])]
        if len(unsafe) > 1 or (unsafe and any(p[0] != "val" for p in pieces[:unsafe[-1]])):
            for i in unsafe:
                _, c, t = pieces[i]
                if t == BOTTOM:
                    continue
                tmp = self.temp(valtype(concrete(t)), "arg")
                out.append(["local.set", "$" + tmp, c])
                pieces[i] = ("val", lget(tmp), t)
        # merge adjacent literals, then write each piece; the last value + "\n" becomes print_*
        merged: list = []
        for p in pieces:
            if p[0] == "lit" and merged and merged[-1][0] == "lit":
                merged[-1] = ("lit", merged[-1][1] + p[1])
            elif not (p[0] == "lit" and p[1] == ""):
                merged.append(p)
        for i, p in enumerate(merged):
            is_last_value = i == len(merged) - 2 and merged[-1] == ("lit", "\n")
            if p[0] == "lit":
                if i == len(merged) - 1 and len(merged) >= 2 and merged[-2][0] == "val" and p[1] == "\n" \
                        and merged[-2][2] != BOTTOM:
                    continue  # folded into print_* of the previous value
                if p[1].endswith("\n") and len(p[1]) > 1 and i == len(merged) - 1:
                    out.append(self.lib_call("print_str", [(self.str_const(p[1][:-1]), STR)], node)[0])
                else:
                    out.append(self.lib_call("write_str", [(self.str_const(p[1]), STR)], node)[0])
            elif p[0] == "var":
                out.append(self.lib_call("write_str", [(lget(p[1]), STR)], node)[0])
            else:
                _, c, t = p
                if t == BOTTOM:
                    out.append(["drop", c])
                    continue
                prefix = "print" if is_last_value else "write"
                fixed = fixed_point_format(c)
                if fixed is not None:
                    out.append(self.lib_call(f"{prefix}_fixed", [(fixed[0], FLOAT), (fixed[1], INT)], node)[0])
                elif t in (INT, FLOAT, BOOL, STR):
                    fn = {INT: "i64", FLOAT: "f64", BOOL: "bool", STR: "str"}[t]
                    out.append(self.lib_call(f"{prefix}_{fn}", [(c, t)], node)[0])
                else:
                    out.append(self.lib_call(f"{prefix}_str", [(self.to_str(c, t, node), STR)], node)[0])
        return out or [["nop"]]  # print(end=''): nothing to write, but a statement all the same

    def builtin_len(self, node):
        c, t = self.one_arg(node, "len")
        if is_list(t):
            return call("list_len", c), INT
        if t == STR:
            return self.lib_call("str_len", [(c, STR)], node)
        if t == BOTTOM:
            return ["unreachable"], BOTTOM
        self.fail(node, "len", f"len() of {show(t)} is not supported")

    def builtin_str(self, node):
        if not node.args:
            return self.str_const(""), STR
        c, t = self.one_arg(node, "str")
        return self.to_str(c, t, node), STR

    def builtin_repr(self, node):
        c, t = self.one_arg(node, "repr")
        return self.repr_str(c, t, node), STR

    def builtin_int(self, node):
        if len(node.args) == 2:
            self.fail(node, "int", "int(x, base) is not supported")
        c, t = self.one_arg(node, "int")
        if t == INT:
            return c, INT
        if t == BOOL:
            return ["i64.extend_i32_u", c], INT
        if t == FLOAT:
            return call("float_to_int", c), INT
        if t == STR:
            return self.lib_call("str_to_int", [(c, STR)], node)
        if t == NUM:
            return self.lib_call("num_to_int", [(c, NUM)], node)
        if t == BOTTOM:
            return c, BOTTOM
        self.fail(node, "int", f"int() of {show(t)} is not supported")

    def builtin_float(self, node):
        c, t = self.one_arg(node, "float")
        if t in (INT, BOOL, FLOAT, NUM):
            return self.as_float(c, t), FLOAT
        if t == STR:
            return self.lib_call("parse_float", [(c, STR)], node)
        if t == BOTTOM:
            return c, BOTTOM
        self.fail(node, "float", f"float() of {show(t)} is not supported")

    def builtin_bool(self, node):
        c, t = self.one_arg(node, "bool")
        return self.truthy(c, t, node), BOOL

    def builtin_abs(self, node):
        c, t = self.one_arg(node, "abs")
        if t == INT:
            return call("int_abs", c), INT
        if t == BOOL:
            return ["i64.extend_i32_u", c], INT
        if t == FLOAT:
            return ["f64.abs", c], FLOAT
        if t == NUM:
            return self.lib_call("num_abs", [(c, NUM)], node)
        if t == BOTTOM:
            return c, BOTTOM
        self.fail(node, "abs", f"abs() of {show(t)} is not supported")

    def builtin_round(self, node):
        if node.keywords or not 1 <= len(node.args) <= 2:
            self.fail(node, "round", "round(x[, ndigits]) expected")
        c, t = self.expr(node.args[0])
        if t == BOTTOM:
            return c, BOTTOM
        if len(node.args) == 1:
            if t in (INT, BOOL):
                return self.as_int(c, t, node), INT
            if t == FLOAT:
                return call("round_float_to_int", c), INT
            if t == NUM:
                return self.lib_call("num_round", [(c, NUM)], node)
            self.fail(node, "round", f"round() of {show(t)} is not supported")
        nd, nt = self.expr(node.args[1])
        if nt not in (INT, BOOL):
            self.fail(node, "round", "round() ndigits must be an int")
        nd = self.as_int(nd, nt, node)
        if t == FLOAT:
            return self.lib_call("round_float", [(c, FLOAT), (nd, INT)], node)
        if t in (INT, BOOL):
            return self.lib_call("int_round", [(self.as_int(c, t, node), INT), (nd, INT)], node)
        if t == NUM:
            return self.lib_call("num_round_digits", [(c, NUM), (nd, INT)], node)
        self.fail(node, "round", f"round() of {show(t)} is not supported")

    def builtin_ord(self, node):
        c, t = self.one_arg(node, "ord")
        if t != STR:
            self.fail(node, "ord", "ord() needs a str")
        return self.lib_call("str_ord", [(c, STR)], node)

    def builtin_chr(self, node):
        c, t = self.one_arg(node, "chr")
        return self.lib_call("str_chr", [(self.as_int(c, t, node), INT)], node)

    def builtin_pow(self, node):
        if len(node.args) != 2 or node.keywords:
            self.fail(node, "pow", "pow(a, b) with two arguments expected")
        return self.binop(ast.Pow(), node.args[0], node.args[1], node)

    def builtin_divmod(self, node):
        self.fail(node, "divmod", "divmod() is not supported (use // and %)")

    def builtin_format(self, node):
        if len(node.args) not in (1, 2) or node.keywords:
            self.fail(node, "format", "format(value[, spec]) expected")
        spec = ""
        if len(node.args) == 2:
            s = node.args[1]
            if not (isinstance(s, ast.Constant) and isinstance(s.value, str)):
                self.fail(node, "format", "format() spec must be a string literal")
            spec = s.value
        c, t = self.expr(node.args[0])
        return self.format_value(c, t, spec, node), STR

    def builtin_list(self, node):
        if not node.args:
            return call("list_new", I32(0)), list_of(BOTTOM)
        a = node.args[0]
        if isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id == "range":
            return self.collect(ast.Name(id="_", ctx=ast.Load()), a, None, node, kind="list")
        if isinstance(a, ast.GeneratorExp):
            return self.comprehension(a, "list")
        if isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id in ("reversed", "zip", "enumerate"):
            if a.func.id == "reversed":
                return self.collect(ast.Name(id="_", ctx=ast.Load()), a, None, node, kind="list")
            self.fail(node, "list", f"list({a.func.id}(...)) is not supported (tuples)")
        c, t = self.one_arg(node, "list")
        if t == STR:
            return self.lib_call("str_chars", [(c, STR)], node)
        if is_list(t):
            return call("list_copy", c), t
        self.fail(node, "list", f"list() of {show(t)} is not supported")

    def sorted_copy(self, c, t, node):
        """sorted()'s argument as a fresh list to sort in place: a string's characters or a copy of the list."""
        if t == STR:
            return self.lib_call("str_chars", [(c, STR)], node)
        if is_list(t):
            return call("list_copy", c), t
        if t != BOTTOM:
            self.fail(node, "sorted", f"sorted() of {show(t)} is not supported")
        return c, t

    def sorted_by_key(self, iterable, key, kw, node):
        """sorted(items, key=f): sort the keys (stable), then pick the items in that order."""
        items = self.comp_name("items", node)
        c, t = self.sorted_copy(*self.expr(iterable), node)
        setup = self.assign(ast.copy_location(ast.Name(id=items, ctx=ast.Store()), node), c, t, node)
        item = ast.copy_location(ast.Name(id="item", ctx=ast.Store()), node)
        comp = ast.copy_location(ast.ListComp(
            elt=ast.copy_location(ast.Call(func=key, args=[ast.Name(id="item", ctx=ast.Load())], keywords=[]), node),
            generators=[ast.comprehension(target=item, iter=ast.copy_location(ast.Name(id=items, ctx=ast.Load()), node),
                                          ifs=[], is_async=0)]), node)
        keys, kt = self.comprehension(comp, "list")
        if t == BOTTOM or kt == BOTTOM or elem(kt) == BOTTOM:
            return ["block", ["result", "i32"], *setup, ["drop", keys], ["unreachable"]], BOTTOM
        if elem(kt) not in (INT, FLOAT, STR):
            self.fail(node, "sorted", f"sort keys of type {show(elem(kt))} are not supported")
        rev = self.reverse_flag(kw, node)
        order, _ = self.lib_call(f"list_{suffix(elem(kt))}_argsort", [(keys, kt), (rev, BOOL)], node)
        result, _ = self.lib_call("list_gather", [(lget(items), t), (order, list_of(INT))], node)
        return ["block", ["result", "i32"], *setup, result], t

    def builtin_sorted(self, node):
        kw = {k.arg: k.value for k in node.keywords}
        if len(node.args) == 1 and isinstance(kw.get("key"), ast.Name) and not set(kw) - {"reverse", "key"}:
            key = kw.pop("key")
            return self.sorted_by_key(node.args[0], key, kw, node)
        if len(node.args) != 1 or set(kw) - {"reverse"}:
            self.fail(node, "sorted", "sorted(iterable[, key=function][, reverse=...]) expected")
        a = node.args[0]
        if isinstance(a, ast.GeneratorExp):
            c, t = self.comprehension(a, "list")
        else:
            c, t = self.sorted_copy(*self.expr(a), node)
        if t == BOTTOM:
            return c, BOTTOM
        et = elem(t)
        if et == BOTTOM:
            return c, t
        if et not in (INT, FLOAT, STR):
            self.fail(node, "sorted", f"sorting {show(t)} is not supported")
        rev = self.reverse_flag(kw, node)
        return self.lib_call(f"list_{suffix(et)}_sorted", [(c, t), (rev, BOOL)], node)[0], t

    def builtin_reversed(self, node):
        # reversed() makes an iterator, compiled here as a reversed copy: fine where it is consumed at
        # once, but printing it, len() or indexing it would give what CPython never gives
        if not self.u.library and id(node) not in self.u.consumed_reversed:
            self.fail(node, "reversed", "reversed() is supported only where its items are used at once "
                                        "(for, list(), sorted(), sum(), min(), max(), str.join(), …)")
        c, t = self.one_arg(node, "reversed")
        if is_list(t):
            return self.lib_call("list_reversed", [(c, t)], node)[0], t
        self.fail(node, "reversed", "reversed() of this value is only supported in for loops")

    def builtin_sum(self, node):
        if node.keywords or len(node.args) != 1:
            self.fail(node, "sum", "sum(iterable) expected (no start argument)")
        a = node.args[0]
        if isinstance(a, (ast.GeneratorExp, ast.ListComp)):
            return self.comprehension(a, "sum")
        c, t = self.expr(a)
        if t == BOTTOM:
            return c, BOTTOM
        if is_list(t) and elem(t) in (INT, FLOAT, NUM, BOOL, BOTTOM):
            et = elem(t) if elem(t) != BOTTOM else INT
            return self.lib_call(f"list_{suffix(et)}_sum", [(c, t)], node)
        self.fail(node, "sum", f"sum() of {show(t)} is not supported")

    def builtin_min(self, node):
        return self.minmax(node, "min")

    def builtin_max(self, node):
        return self.minmax(node, "max")

    def minmax(self, node, which):
        if len(node.keywords) == 1 and node.keywords[0].arg == "key" and len(node.args) == 1 \
                and isinstance(node.keywords[0].value, ast.Name):
            return self.minmax_key(node.args[0], node.keywords[0].value, which, node)
        if node.keywords:
            self.fail(node, "keyword", f"{which}(..., default=) and keys other than a function name are not supported")
        if len(node.args) == 1:
            a = node.args[0]
            if isinstance(a, (ast.GeneratorExp, ast.ListComp)):
                return self.comprehension(a, which)
            c, t = self.expr(a)
            if t == BOTTOM:
                return c, BOTTOM
            if t == STR:
                c, t = self.lib_call("str_chars", [(c, STR)], node)
            if is_list(t):
                t = concrete(t)
            if is_list(t) and elem(t) in (INT, FLOAT, STR):
                return self.lib_call(f"list_{suffix(elem(t))}_{which}", [(c, t)], node)
            self.fail(node, which, f"{which}() of {show(t)} is not supported")
        vals = [self.expr(a) for a in node.args]
        types = {t for _, t in vals}
        if BOTTOM in types:
            return ["unreachable"], BOTTOM
        if types == {BOOL}:
            self.fail(node, which, f"{which}() of bools is not supported")
        if types <= {INT, BOOL}:
            t = INT
            vals = [(self.as_int(c, ct, node), INT) for c, ct in vals]
        elif len(types) == 1 and types <= {FLOAT, STR}:
            t = types.pop()
        else:
            self.fail(node, which, f"{which}() of mixed types is not supported (the result type would vary)")
        vt = valtype(t)
        # Python keeps the first of equal items: replace only when strictly better
        code = vals[0][0]
        for c, _ in vals[1:]:
            a = self.temp(vt)
            b = self.temp(vt)
            op = ast.Lt() if which == "min" else ast.Gt()
            better = self.compare(op, (lget(b), t), (lget(a), t), node)
            code = ["block", ["result", vt], ["local.set", "$" + a, code], ["local.set", "$" + b, c],
                    ["select", lget(b), lget(a), better]]
        return code, t

    def minmax_key(self, iterable, key, which, node):
        """max(items, key=f): the first item whose key is largest (smallest for min), like Python."""
        item = self.comp_name("item", node)
        target = ast.copy_location(ast.Name(id=item, ctx=ast.Store()), node)
        state = {}

        def body():
            kc, kt = self.expr(ast.copy_location(ast.Call(func=key, args=[ast.Name(id=item, ctx=ast.Load())],
                                                          keywords=[]), node))
            it = self.env_type(item)
            if kt == BOTTOM or it == BOTTOM:
                return [["drop", kc]] if kt != BOTTOM else []
            if kt not in (INT, FLOAT, STR):
                self.fail(node, which, f"{which}() key values of type {show(kt)} are not supported")
            state.update(kt=kt, it=it)
            k = state.setdefault("k", self.temp(valtype(kt), "key"))
            bk = state.setdefault("bk", self.temp(valtype(kt), "best_key"))
            best = state.setdefault("best", self.temp(valtype(concrete(it)), which))
            anyv = state.setdefault("any", self.temp("i32", "nonempty"))
            better = self.compare(ast.Lt() if which == "min" else ast.Gt(), (lget(k), kt), (lget(bk), kt), node)
            return [["local.set", "$" + k, kc],
                    ["if", ["i32.or", ["i32.eqz", lget(anyv)], better],
                     ["then", ["local.set", "$" + bk, lget(k)], ["local.set", "$" + best, lget(item)],
                      ["local.set", "$" + anyv, I32(1)]]]]
        loops = self.for_loop(target, iterable, body, node)
        if "best" not in state:
            return ["block", ["result", "i32"], *loops, ["unreachable"]], BOTTOM
        vt = valtype(concrete(state["it"]))
        check = ["if", ["i32.eqz", lget(state["any"])],
                 ["then", self.raise_code("ValueError", self.str_const(f"{which}() arg is an empty sequence"))]]
        return ["block", ["result", vt], ["local.set", "$" + state["any"], I32(0)], *loops, check,
                lget(state["best"])], state["it"]

    def builtin_range(self, node):
        self.fail(node, "range", "range() is only supported in for loops, comprehensions and list(range(...))")

    def builtin_enumerate(self, node):
        self.fail(node, "enumerate", "enumerate() is only supported in for loops and comprehensions")

    def builtin_zip(self, node):
        self.fail(node, "zip", "zip() is only supported in for loops and comprehensions")

    def builtin_any(self, node):
        a = self.one_arg_node(node, "any")
        return self.comprehension(a, "any") if isinstance(a, ast.GeneratorExp) else self.any_all_list(a, "any", node)

    def builtin_all(self, node):
        a = self.one_arg_node(node, "all")
        return self.comprehension(a, "all") if isinstance(a, ast.GeneratorExp) else self.any_all_list(a, "all", node)

    def one_arg_node(self, node, name):
        if len(node.args) != 1 or node.keywords:
            self.fail(node, name, f"{name}() takes one argument")
        return node.args[0]

    def any_all_list(self, a, which, node):
        self.fail(node, which, f"{which}() of a list is not supported (use a generator expression)")

    # ---- comprehensions: list / sum / min / max / any / all over generators ----

    def expr_ListComp(self, node):
        return self.comprehension(node, "list")

    def expr_GeneratorExp(self, node):
        self.fail(node, "GeneratorExp", "generator expressions are only supported inside sum/min/max/sorted/list/any/all")

    def comprehension(self, node, kind):
        # Comprehension variables get their own names so they cannot clobber the function's.
        renames = {}
        for g in node.generators:
            for n in ast.walk(g.target):
                if isinstance(n, ast.Name):
                    renames[n.id] = self.comp_name(n.id, node)
        node = RenameNames(renames).rename_comprehension(node)
        return self.collect_generators(node.generators, node.elt, node, kind)

    def comp_name(self, name, node):
        """A private local for a comprehension variable, stable across inference passes."""
        names = self.inst.comp_names
        key = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0), name)  # survives deepcopy
        if key not in names:
            taken = self.inst.syntax_locals | self.u.global_names | set(names.values())
            new = name
            k = 1
            while new in taken:
                k += 1
                new = f"{name}_{k}"
            names[key] = new
        self.inst.local_names.add(names[key])
        return names[key]

    def collect(self, target, iter_node, elt, node, kind):
        item = self.comp_name("item", node)
        gen = ast.comprehension(target=ast.Name(id=item, ctx=ast.Store()), iter=iter_node, ifs=[], is_async=0)
        return self.collect_generators([gen], ast.Name(id=item, ctx=ast.Load()), node, kind)

    def collect_generators(self, generators, elt, node, kind):
        acc = None
        state = {}

        def innermost():
            c, t = self.expr(elt)
            state["t"] = t
            if t == BOTTOM:
                return [["drop", c]] if c is not None else []
            return self.accumulate(kind, state, c, t, node)

        def build(i):
            g = generators[i]
            if g.is_async:
                self.fail(node, "comprehension", "async comprehensions are not supported")

            def body():
                inner = build(i + 1) if i + 1 < len(generators) else innermost()
                for cond in reversed(g.ifs):
                    inner = [["if", self.cond(cond), ["then", *inner]]]
                return inner
            return self.for_loop(g.target, g.iter, body, node)

        # accumulator locals are created lazily by accumulate(); set up before the loops
        loops = build(0)
        t = state.get("t", BOTTOM)
        return self.finish_accumulator(kind, state, loops, t, node)

    def check_item_type(self, t, node):
        if is_tuple(t) or t == NONE:
            self.fail(node, "List", f"lists of {show(t)} are not supported")

    def accumulate(self, kind, state, c, t, node):
        if kind == "list":
            self.check_item_type(t, node)
            if "acc" not in state:
                state["acc"] = self.temp("i32", "list")
            return [call("list_append_" + valtype(concrete(t)), lget(state["acc"]), c)]
        if kind == "sum":
            if t == BOOL:
                c, t = ["i64.extend_i32_u", c], INT
                state["t"] = INT
            if t not in (INT, FLOAT, NUM):
                self.fail(node, "sum", f"sum() of {show(t)} is not supported")
            if "acc" not in state:
                state["acc"] = self.temp(valtype(t), "total")
                if t == FLOAT:  # only a float sum needs to know whether anything was added
                    state["any"] = self.temp("i32", "nonempty")
            acc = state["acc"]
            if t == INT:
                new = self.int_op("add", lget(acc), c)
            elif t == FLOAT:
                new = ["f64.add", lget(acc), c]
            else:
                new = self.lib_call("num_add", [(lget(acc), NUM), (c, NUM)], node)[0]
            out = [["local.set", "$" + acc, new]]
            if "any" in state:
                out.append(["local.set", "$" + state["any"], I32(1)])
            return out
        if kind in ("min", "max"):
            if t not in (INT, FLOAT, STR):
                self.fail(node, kind, f"{kind}() of {show(t)} is not supported")
            if "acc" not in state:
                state["acc"] = self.temp(valtype(t), kind)
                state["any"] = self.temp("i32", "nonempty")
            acc, anyv = state["acc"], state["any"]
            item = self.temp(valtype(t), "item")
            better = self.compare(ast.Lt() if kind == "min" else ast.Gt(), (lget(item), t), (lget(acc), t), node)
            return [["local.set", "$" + item, c],
                    ["if", ["i32.or", ["i32.eqz", lget(anyv)], better],
                     ["then", ["local.set", "$" + acc, lget(item)], ["local.set", "$" + anyv, I32(1)]]]]
        if kind in ("any", "all"):
            if "acc" not in state:
                state["acc"] = self.temp("i32", kind)
            test = self.truthy(c, t, node)
            if kind == "any":
                return [["if", test, ["then", ["local.set", "$" + state["acc"], I32(1)]]]]
            return [["if", ["i32.eqz", test], ["then", ["local.set", "$" + state["acc"], I32(0)]]]]
        raise AssertionError(kind)

    def finish_accumulator(self, kind, state, loops, t, node):
        if t == BOTTOM and "acc" not in state:
            if kind == "list":
                return ["block", ["result", "i32"], *loops, call("list_new", I32(0))], list_of(BOTTOM)
            return ["block", ["result", "i32"], *loops, ["unreachable"]], BOTTOM
        acc = state["acc"]
        if kind == "list":
            return ["block", ["result", "i32"], ["local.set", "$" + acc, call("list_new", I32(0))], *loops,
                    lget(acc)], list_of(t)
        if kind == "sum":
            t = state["t"]
            init = I64(0) if t == INT else (F64(0.0) if t == FLOAT else call("box_int", I64(0)))
            setup = [["local.set", "$" + acc, init]]
            if "any" in state:
                setup.append(["local.set", "$" + state["any"], I32(0)])
            if t == FLOAT:
                # Python's sum starts from the int 0: an empty float sum is the int 0
                result = ["if", ["result", "i32"], lget(state["any"]), ["then", call("box_float", lget(acc))],
                          ["else", call("box_int", I64(0))]]
                return ["block", ["result", "i32"], *setup, *loops, result], NUM
            return ["block", ["result", valtype(t)], *setup, *loops, lget(acc)], t
        if kind in ("min", "max"):
            vt = valtype(t)
            setup = [["local.set", "$" + state["any"], I32(0)]]
            check = ["if", ["i32.eqz", lget(state["any"])],
                     ["then", self.raise_code("ValueError", self.str_const(f"{kind}() arg is an empty sequence"))]]
            return ["block", ["result", vt], *setup, *loops, check, lget(acc)], t
        if kind in ("any", "all"):
            init = I32(0) if kind == "any" else I32(1)
            return ["block", ["result", "i32"], ["local.set", "$" + acc, init], *loops, lget(acc)], BOOL
        raise AssertionError(kind)


class RenameNames(ast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if node.id in self.renames:
            return ast.copy_location(ast.Name(id=self.renames[node.id], ctx=node.ctx), node)
        return node

    def rename_comprehension(self, node):
        import copy

        node = copy.deepcopy(node)
        first_iter = node.generators[0].iter
        node.generators[0].iter = ast.Constant(value=None)
        node = self.visit(node)
        node.generators[0].iter = first_iter  # evaluated in the enclosing scope
        return node


def from_bits(bits, t):
    """A list item read as raw slot bits (int) back as its own type."""
    vt = valtype(t)
    return bits if vt == "i64" else (["f64.reinterpret_i64", bits] if vt == "f64" else ["i32.wrap_i64", bits])


def to_bits(code, t):
    vt = valtype(t)
    return code if vt == "i64" else (["i64.reinterpret_f64", code] if vt == "f64" else ["i64.extend_i32_u", code])


def concrete(t):
    """The representation to use once inference is over (empty lists default to list[int])."""
    if t == BOTTOM:
        return INT
    if is_list(t):
        return ("list", concrete(t[1])) if t[1] not in (BOTTOM, "any") else ("list", INT)
    if is_tuple(t):
        return ("tuple", tuple(concrete(x) for x in t[1]))
    return t


def is_trivial(code) -> bool:
    """Code that cannot raise or print: a local/global read or a constant."""
    if not isinstance(code, list):
        return False
    if code[0] in ("local.get", "global.get", "i64.const", "f64.const", "i32.const"):
        return True
    if code[0] == "call" and code[1] in SAFE_CALLS:
        return all(is_trivial(a) for a in code[2:])
    return code[0] in PURE_OPS and all(is_trivial(a) for a in code[1:])


# Instructions and runtime calls that never trap or raise (format specs are validated at compile time).
PURE_OPS = {"select", "f64.add", "f64.sub", "f64.mul", "f64.div", "f64.neg", "f64.abs", "f64.convert_i64_s",
            "f64.convert_i32_u", "i64.extend_i32_u"}
SAFE_CALLS = {"$int_to_str", "$float_repr", "$num_to_str", "$format_int", "$format_float", "$format_str",
              "$format_num", "$num_to_float", "$list_int_repr", "$list_float_repr", "$list_bool_repr",
              "$list_num_repr"}


def is_constant(node) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant))


def const_number(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) in (int, float):
        return -node.operand.value
    return None


def const_int(node):
    v = const_number(node)
    return v if isinstance(v, int) else None


def const_int_code(code):
    if isinstance(code, list) and len(code) == 2 and code[0] == "i64.const":
        return int(code[1])
    return None


def always_exits(stmts) -> bool:
    """True when control can never fall off the end of these statements."""
    for s in stmts:
        if isinstance(s, (ast.Return, ast.Raise)):
            return True
        if isinstance(s, ast.If) and s.orelse and always_exits(s.body) and always_exits(s.orelse):
            return True
        if isinstance(s, ast.While) and isinstance(s.test, ast.Constant) and s.test.value is True and not any(
                isinstance(n, ast.Break) for n in ast.walk(s)):
            return True
    return False


def ends_with_return(stmts) -> bool:
    return bool(stmts) and isinstance(stmts[-1], ast.Return)
