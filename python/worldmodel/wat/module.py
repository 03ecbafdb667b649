"""Assembling WAT modules: a user program in standalone or linked form, and the `rt` module itself."""

from __future__ import annotations

import ast
import re

from . import sexpr
from .compiler import Unit, concrete
from .errors import ConversionError, error_at
from .library import CALL_RE, Library, load
from .types import valtype

ENV_WRITE = '(import "env" "write" (func $env_write (param i32 i32 i32)))'
HEAP_GLOBAL = "(global $heap (mut i32) (i32.const 131072))"
MEMORY_PAGES = 2  # page 0: runtime data, page 1: the user module's data, heap from 0x20000


def data_segment(addr: int, payload: bytes, comment: str) -> str:
    text = f"(data (i32.const {addr}) {sexpr.wat_string(payload)})"
    if all(0x20 <= b < 0x7F for b in payload[4:]) or not comment:
        return text  # plain ASCII reads fine in the literal itself
    note = comment if len(comment) <= 40 else comment[:37] + "..."
    return f"{text}  ;; {note.encode('unicode_escape').decode('ascii') if not note.isprintable() else note}"


def indent(text: str, n: int = 2) -> str:
    pad = " " * n
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def compile_program(source: str, lib: Library) -> Unit:
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ConversionError(e.lineno or 0, (e.offset or 1) - 1, "SyntaxError", e.msg) from None
    tree = AsciiNames(tree).visit(tree)
    unit = Unit(library=False, lib=lib)
    unit.add_module(tree)
    unit.generate()
    return unit


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


def user_functions(unit: Unit) -> list[str]:
    texts = [sexpr.render(unit.main.code)]
    for inst in unit.instances.values():
        texts.append(sexpr.render(inst.code))
    for name, inner in unit.generated.items():
        texts.append(nested_list_repr(unit, name, inner))
    return texts


def user_globals(unit: Unit) -> list[str]:
    out = []
    for f in sorted(unit.flagged_functions):
        out.append(f"(global ${f}.defined (mut i32) (i32.const 0))")
    for g in sorted(unit.global_names):
        vt = valtype(concrete(unit.main.env.get(g, "int")))
        out.append(f"(global ${g} (mut {vt}) ({vt}.const 0))")
        if g in unit.flagged_globals:
            out.append(f"(global ${g}.set (mut i32) (i32.const 0))")
    return out


def called_library_functions(unit: Unit, texts: list[str], lib: Library) -> list[str]:
    own = {inst.wat_name for inst in unit.instances.values()} | {"main"} | set(unit.generated)
    names = []
    for t in texts:
        for n in CALL_RE.findall(t):
            if n not in own and n not in names:
                if not lib.has(n):
                    raise ConversionError(0, 0, "runtime", f"the runtime library has no function '{n}' (yet)")
                names.append(n)
    return names


def convert_program(source: str, standalone: bool = True) -> str:
    lib = load()
    unit = compile_program(source, lib)
    funcs = user_functions(unit)
    called = called_library_functions(unit, funcs, lib)
    # strings interned by an inference pass but not used by the final code are left out
    used = set(int(m) for m in re.findall(r"\(i32\.const (\d+)\)", "\n".join(funcs)))
    user_data = [data_segment(a, p, c) for a, p, c in unit.data if a in used]
    lines = ["(module"]
    if standalone:
        needed = lib.closure(called)
        lib_texts = [lib.funcs[n] for n in needed]
        if any("env_write" in t for t in lib_texts):
            lines.append(indent(ENV_WRITE))
        lines.append(indent(f'(memory (export "memory") {MEMORY_PAGES})'))
        if any("global.get $heap" in t or "global.set $heap" in t for t in lib_texts):
            lines.append(indent(HEAP_GLOBAL))
        lines += [indent(g) for g in user_globals(unit)]
        lines += [indent(f) for f in funcs]
        lines += [indent(t) for t in lib_texts]
        lines += [indent(data_segment(*d)) for d in lib.data_used_by(lib_texts)]
        lines += [indent(d) for d in user_data]
    else:
        # ABI 2: the runtime imports rt's memory and the called rt functions itself (worldmodel.rt_imports)
        lines += [indent(g) for g in user_globals(unit)]
        lines += [indent(f) for f in funcs]
        lines += [indent(d) for d in user_data]
    return "\n".join(lines) + "\n)\n"


def runtime_library_module(lib: Library) -> str:
    """The linked-form `rt` module: every library function exported under its own name."""
    lines = ["(module", indent(ENV_WRITE), indent(f'(memory (export "memory") {MEMORY_PAGES})'), indent(HEAP_GLOBAL)]
    for name, text in lib.funcs.items():
        exported = text.replace(f"(func ${name}", f'(func ${name} (export "{name}")', 1)
        lines.append(indent(exported))
    lines += [indent(data_segment(*d)) for d in lib.data]
    return "\n".join(lines) + "\n)\n"
