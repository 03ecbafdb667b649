"""The runtime library `rt`: core.wat + corelib/*.py + rtlib/*.py, compiled by this converter.

Built once per process (`load()`); user modules take functions from it — compiled in (standalone
form) or imported from module "rt" (linked form). rtlib functions that do not compile yet (the
rtlib is written in parallel) are left out and listed in `excluded`, so the rest keeps working.
"""

from __future__ import annotations

import ast
import codecs
import re
from functools import lru_cache
from pathlib import Path

from . import sexpr
from .compiler import ERROR_NAMES, INTRINSICS, Unit
from .errors import ConversionError
from .corelib import typed_lists

HERE = Path(__file__).parent
CORELIB_MODULES = ["output", "numbers", "text", "lists"]
SKIP_FILES = {"__init__.py", "intrinsics.py"}
BUILTIN_CALLS = {"len", "range", "float", "int", "abs", "min", "max", "round", "str", "print", "bool"} | ERROR_NAMES
CALL_RE = re.compile(r"\(call \$([\w.]+)")
STRING_CONST_RE = re.compile(r'\(string\.const "((?:[^"\\]|\\.)*)"\)')


class Library:
    def __init__(self):
        self.funcs: dict[str, str] = {}  # name -> "(func $name ...)" without export
        self.headers: dict[str, tuple[list[str], list[str]]] = {}  # name -> (param valtypes, result valtypes)
        self.deps: dict[str, set[str]] = {}
        self.sigs: dict[str, tuple] = {}  # Python-level signatures of subset functions
        self.data: list[tuple[int, bytes, str]] = []
        self.excluded: dict[str, str] = {}

    def has(self, name: str) -> bool:
        return name in self.funcs

    def closure(self, names) -> list[str]:
        """`names` and every library function they call, in library order."""
        seen: set[str] = set()
        todo = [n for n in names if n in self.funcs]
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            todo.extend(d for d in self.deps[n] if d in self.funcs and d not in seen)
        return [n for n in self.funcs if n in seen]

    def data_used_by(self, texts) -> list[tuple[int, bytes, str]]:
        joined = "\n".join(texts)
        used = set(int(m) for m in re.findall(r"\(i32\.const (\d+)\)", joined))
        return [d for d in self.data if d[0] in used]


def split_wat_functions(text: str) -> list[str]:
    """Top-level (func ...) forms of core.wat (comments and the heap global dropped)."""
    text = re.sub(r";;[^\n]*", "", text)
    forms, depth, start = [], 0, None
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                forms.append(text[start:i + 1])
        i += 1
    return [f for f in forms if f.startswith("(func")]


def header_of(text: str) -> tuple[list[str], list[str]]:
    params, results = [], []
    for m in re.finditer(r"\((param|result)((?: \$[\w.]+)?(?: [if](?:32|64))+)\)", text.split("\n")[0]):
        words = [w for w in m.group(2).split() if not w.startswith("$")]
        (params if m.group(1) == "param" else results).extend(words)
    return params, results


def module_sources() -> list[tuple[str, str]]:
    """(module name, source) of corelib and rtlib, with corelib fallbacks that rtlib replaces dropped."""
    sources = [(f"corelib.{m}", (HERE / "corelib" / f"{m}.py").read_text()) for m in CORELIB_MODULES]
    sources.append(("corelib.lists_typed", typed_lists.typed_sources()))
    sources.append(("corelib.unicode_table", (HERE / "corelib" / "unicode_table.py").read_text()))
    rtlib = []
    for path in sorted((HERE / "rtlib").glob("*.py")):
        if path.name in SKIP_FILES or path.name.startswith("test"):
            continue
        rtlib.append((f"rtlib.{path.stem}", path.read_text()))
    rtlib_names = set()
    for _, src in rtlib:
        try:
            rtlib_names |= {n.name for n in ast.parse(src).body if isinstance(n, ast.FunctionDef)}
        except SyntaxError:
            pass
    core_names = set()
    for _, src in sources:
        core_names |= {n.name for n in ast.parse(src).body if isinstance(n, ast.FunctionDef)}
    clash = sorted(core_names & rtlib_names)
    if clash:
        # one flat namespace (the rt exports): a clash would silently pick one of two different functions
        raise ConversionError(0, 0, "runtime", "corelib and rtlib both define " + ", ".join(clash))
    fallback = ast.parse((HERE / "corelib" / "fallback.py").read_text())
    fallback.body = [n for n in fallback.body if not (isinstance(n, ast.FunctionDef) and n.name in rtlib_names)]
    sources.append(("corelib.fallback", ast.unparse(fallback)))
    return sources + rtlib


def parse_modules(excluded: dict[str, str]) -> list[tuple[str, ast.Module]]:
    trees = []
    for name, src in module_sources():
        try:
            tree = ast.parse(src)
        except SyntaxError as e:
            excluded[name] = f"syntax error: {e}"
            continue
        body = []
        for stmt in tree.body:
            if isinstance(stmt, ast.If):  # `if __name__ == "__main__":` and friends are CPython-only
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name in excluded:
                continue
            body.append(stmt)
        tree.body = body
        trees.append((name, tree))
    return trees


def prune_missing(trees, core_names: set[str], excluded: dict[str, str]):
    """Drop functions that call functions nobody defines (transitively)."""
    while True:
        defined = {n.name for _, t in trees for n in t.body if isinstance(n, ast.FunctionDef)}
        known = defined | core_names | set(INTRINSICS) | BUILTIN_CALLS
        dropped = False
        for _, tree in trees:
            keep = []
            for n in tree.body:
                if isinstance(n, ast.FunctionDef):
                    missing = sorted({c.func.id for c in ast.walk(n) if isinstance(c, ast.Call)
                                      and isinstance(c.func, ast.Name) and c.func.id not in known})
                    if missing:
                        excluded[n.name] = "calls undefined " + ", ".join(missing)
                        dropped = True
                        continue
                keep.append(n)
            tree.body = keep
        if not dropped:
            return


def build() -> Library:
    lib = Library()
    core_forms = split_wat_functions((HERE / "core.wat").read_text())
    core_names = {re.match(r"\(func \$([\w.]+)", f).group(1) for f in core_forms}
    for _attempt in range(60):
        trees = parse_modules(lib.excluded)
        prune_missing(trees, core_names, lib.excluded)
        unit = Unit(library=True)
        try:
            for name, tree in trees:
                unit.add_module(tree, name)
            unit.generate()
            break
        except ConversionError as e:
            culprit = getattr(unit, "current", None)
            fname = culprit.func.name if culprit is not None and culprit.func is not None else None
            if fname is None:
                fname = function_at_line(trees, e.line)
            if fname is None or fname in lib.excluded:
                raise
            lib.excluded[fname] = str(e)
    else:
        raise RuntimeError("runtime library did not build")

    def intern(m):
        return f"(i32.const {unit.string_address(codecs.decode(m.group(1), 'unicode_escape'))})"

    for form in core_forms:
        name = re.match(r"\(func \$([\w.]+)", form).group(1)
        text = STRING_CONST_RE.sub(intern, form)
        lib.funcs[name] = text
        lib.headers[name] = header_of(text)
    for (name, _), inst in unit.instances.items():
        text = sexpr.render(inst.code)
        lib.funcs[name] = text
        lib.headers[name] = header_of(text)
        info = unit.functions[name]
        lib.sigs[name] = (info.param_types, info.ret_type)
    for name, text in lib.funcs.items():
        lib.deps[name] = set(CALL_RE.findall(text)) - {name}
    lib.data = unit.data
    return lib


def function_at_line(trees, line):
    for _, tree in trees:
        for n in tree.body:
            if isinstance(n, ast.FunctionDef) and n.lineno <= line <= (n.end_lineno or n.lineno):
                if n.name:
                    return n.name
    return None


@lru_cache(maxsize=1)
def load() -> Library:
    return build()
