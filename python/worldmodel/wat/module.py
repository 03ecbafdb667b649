"""Assembling WAT modules: a user program in standalone or linked form, and the `rt` module itself."""

from __future__ import annotations

import ast
import sys
import threading

from . import sexpr
from .compiler import Unit, concrete
from .errors import ConversionError
from .library import Library, load
from .types import valtype

# Module fields every standalone module (and rt) may need, as trees.
ENV_WRITE = ["import", '"env"', '"write"', ["func", "$env_write", ["param", "i32", "i32", "i32"]]]
MEMORY_PAGES = 2  # page 0: runtime data, page 1: the user module's data, heap from 0x20000
MEMORY = ["memory", ["export", '"memory"'], str(MEMORY_PAGES)]
# The converter recurses about three frames per nesting level (a 330-term sum, 165 elifs), some of them
# through C (generators), so it runs on its own thread with a large stack and recursion limit; past
# that limit the program is refused with a ConversionError.
CONVERT_RECURSION_LIMIT = 30_000
# Deeper programs are refused up front: the indented WAT grows with depth², so a 1,000-term sum is
# already a 2 MB module (the runtime's size limit), and CPython itself stops near a few thousand.
MAX_NESTING = 1_000
CONVERT_STACK_BYTES = 512 * 1024 * 1024
_DEEP_CONVERSION = threading.Lock()  # the recursion limit is process-wide


def data_segment(addr: int, payload: bytes, comment: str) -> str:
    text = f"(data (i32.const {addr}) {sexpr.wat_string(payload)})"
    if all(0x20 <= b < 0x7F for b in payload[4:]) or not comment:
        return text  # plain ASCII reads fine in the literal itself
    note = comment if len(comment) <= 40 else comment[:37] + "..."
    return f"{text}  ;; {note.encode('unicode_escape').decode('ascii') if not note.isprintable() else note}"


def compile_program(source: str, lib: Library) -> Unit:
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ConversionError(e.lineno or 0, (e.offset or 1) - 1, "SyntaxError", e.msg) from None
    depth = nesting_depth(tree)
    if depth > MAX_NESTING:
        raise ConversionError(0, 0, "nesting", f"the program nests {depth} levels deep; the limit is {MAX_NESTING}")
    tree = AsciiNames(tree).visit(tree)
    unit = Unit(library=False, lib=lib)
    unit.consumed_reversed = consumed_reversed_calls(tree)
    unit.add_module(tree)
    unit.generate()
    return unit


def nesting_depth(tree: ast.AST) -> int:
    """The deepest chain of AST nodes, counted without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


# Calls and methods that use up an iterable argument at once, so reversed(...) there is its items.
ITERABLE_CONSUMERS = {"list", "tuple", "set", "sorted", "sum", "min", "max", "any", "all", "enumerate", "zip",
                      "map", "filter"}
ITERABLE_METHODS = {"join", "extend"}


def consumed_reversed_calls(tree: ast.AST) -> set[int]:
    """ids of the `reversed(...)` calls whose iterator is consumed where it is made (for loops,
    comprehensions, `in`, and the calls above); elsewhere reversed() is refused (compiler.builtin_reversed)."""
    def is_reversed(node) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "reversed"

    consumed: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            consumed.append(node.iter)
        elif isinstance(node, ast.Compare):
            consumed += [c for op, c in zip(node.ops, node.comparators) if isinstance(op, (ast.In, ast.NotIn))]
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id in ITERABLE_CONSUMERS) or \
                    (isinstance(func, ast.Attribute) and func.attr in ITERABLE_METHODS):
                consumed += node.args
    return {id(node) for node in consumed if is_reversed(node)}


class AsciiNames(ast.NodeTransformer):
    """WAT identifiers are ASCII: rename Python identifiers like `π` or `Δt` (to `u3c0`, `u394t`)."""

    def __init__(self, tree):
        self.taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        self.taken |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        self.taken |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        self.map: dict[str, str] = {}

    def ascii(self, name: str) -> str:
        if name.isascii():
            return name
        if name not in self.map:
            new = "".join(c if c.isascii() else f"u{ord(c):x}" for c in name)
            while new in self.taken:
                new += "_"
            self.taken.add(new)
            self.map[name] = new
        return self.map[name]

    def visit_Name(self, node):
        node.id = self.ascii(node.id)
        return node

    def visit_FunctionDef(self, node):
        node.name = self.ascii(node.name)
        self.generic_visit(node)
        return node

    def visit_arg(self, node):
        node.arg = self.ascii(node.arg)
        return node

    def visit_keyword(self, node):
        if node.arg:
            node.arg = self.ascii(node.arg)
        self.generic_visit(node)
        return node


def nested_list_repr(unit: Unit, name: str, inner: str) -> str:
    """repr of a list of lists: items printed by `inner`, joined like Python's list repr."""
    open_, sep, close = (unit.string_address(s) for s in ("[", ", ", "]"))
    return f"""(func ${name} (param $xs i32) (result i32) (local $s i32) (local $k i64)
  (local.set $s (i32.const {open_}))
  (block $done
    (loop $next
      (br_if $done (i64.ge_s (local.get $k) (call $list_len (local.get $xs))))
      (if (i64.gt_s (local.get $k) (i64.const 0)) (then (local.set $s (call $str_concat (local.get $s) (i32.const {sep})))))
      (local.set $s (call $str_concat (local.get $s) (call ${inner} (i32.load (call $list_at (local.get $xs) (local.get $k))))))
      (local.set $k (i64.add (local.get $k) (i64.const 1)))
      (br $next)))
  (call $str_concat (local.get $s) (i32.const {close})))"""


def user_functions(unit: Unit) -> list[tuple[list, sexpr.Field]]:
    """(tree, field) of each function of the program: main and the specialised instances (the field is the tree),
    then the nested-list reprs (the field is their text as written above)."""
    trees = [unit.main.code, *(inst.code for inst in unit.instances.values())]
    functions: list[tuple[list, sexpr.Field]] = [(tree, tree) for tree in trees]
    for name, inner in unit.generated.items():
        functions += sexpr.parse_forms(nested_list_repr(unit, name, inner))
    return functions


def flag(name: str) -> list:
    return ["global", name, ["mut", "i32"], ["i32.const", "0"]]


def user_globals(unit: Unit) -> list[list]:
    out = [flag(f"${f}.defined") for f in sorted(unit.flagged_functions)]
    for g in sorted(unit.global_names):
        vt = valtype(concrete(unit.main.env.get(g, "int")))
        out.append(["global", f"${g}", ["mut", vt], [f"{vt}.const", "0"]])
        if g in unit.flagged_globals:
            out.append(flag(f"${g}.set"))
    return out


def called_library_functions(unit: Unit, trees: list[list], lib: Library) -> list[str]:
    own = {inst.wat_name for inst in unit.instances.values()} | {"main"} | set(unit.generated)
    names = []
    for tree in trees:
        for n in sexpr.calls(tree):
            if n not in own and n not in names:
                if not lib.has(n):
                    raise ConversionError(0, 0, "runtime", f"the runtime library has no function '{n}' (yet)")
                names.append(n)
    return names


def convert_program(source: str, standalone: bool = True) -> str:
    outcome: dict = {}

    def target():
        try:
            outcome["wat"] = _convert_program(source, standalone)
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    if sys.platform == "emscripten":
        # Pyodide (the app's Python pane) cannot start threads; the browser's own stack and Pyodide's
        # recursion limit bound the depth there, and a deeper program is refused the same way.
        target()
    else:
        _run_on_deep_thread(target)
    error = outcome.get("error")
    if isinstance(error, RecursionError):
        raise ConversionError(0, 0, "nesting", "the program nests expressions or blocks too deeply to convert") from None
    if error is not None:
        raise error
    return outcome["wat"]


def _run_on_deep_thread(target) -> None:
    """Runs `target` to its end on a thread with a large stack and a large recursion limit."""
    with _DEEP_CONVERSION:
        limit, stack = sys.getrecursionlimit(), threading.stack_size(CONVERT_STACK_BYTES)
        try:
            sys.setrecursionlimit(max(limit, CONVERT_RECURSION_LIMIT))
            thread = threading.Thread(target=target, name="wat-convert")
            thread.start()
        finally:
            threading.stack_size(stack)
        thread.join()
        sys.setrecursionlimit(limit)


def _convert_program(source: str, standalone: bool) -> str:
    lib = load()
    unit = compile_program(source, lib)
    trees, funcs = zip(*user_functions(unit))
    called = called_library_functions(unit, trees, lib)
    # strings interned by an inference pass but not used by the final code are left out
    used = set().union(*map(sexpr.i32_constants, trees))
    user_data = [data_segment(a, p, c) for a, p, c in unit.data if a in used]
    fields: list[sexpr.Field] = []
    if standalone:
        needed = lib.closure(called)
        if any("env_write" in lib.deps[n] for n in needed):
            fields.append(ENV_WRITE)
        fields.append(MEMORY)
        if lib.uses_global(needed, "$heap"):
            fields.append(lib.heap_global)
        fields += [*user_globals(unit), *funcs, *(lib.funcs[n] for n in needed)]
        fields += [data_segment(*d) for d in lib.data_used_by(needed)]
    else:
        # ABI 2: the runtime imports rt's memory and the called rt functions itself (worldmodel.rt_imports)
        fields += [*user_globals(unit), *funcs]
    return sexpr.render_module(fields + user_data)


def runtime_library_module(lib: Library) -> str:
    """The linked-form `rt` module: every library function, exported under its own name."""
    exports = [["export", f'"{name}"', ["func", f"${name}"]] for name in lib.funcs]
    data = [data_segment(*d) for d in lib.data]
    return sexpr.render_module([ENV_WRITE, MEMORY, lib.heap_global, *lib.funcs.values(), *exports, *data])
