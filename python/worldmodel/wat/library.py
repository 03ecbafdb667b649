"""The runtime library `rt`: the hand-written WAT and the rt-subset modules of runtime/, compiled by this converter.

Built once per process (`load()`); user modules take functions from it — compiled in (standalone
form) or imported from module "rt" (linked form). A library function that does not compile fails the
build, with an error naming its module and function: nothing is left out silently. runtime/__init__.py
fixes the build order.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import pickle
import re
from functools import lru_cache
from pathlib import Path

from . import runtime, sexpr
from .compiler import Unit
from .errors import ConversionError
from .runtime import typed_lists

STRING_CONST_RE = re.compile(r'\(string\.const "((?:[^"\\]|\\.)*)"\)')
# The library built ahead of time, present only in the browser's converter wheel (web/scripts/
# build_converter_wheel.py): building it takes seconds on CPython and far longer inside Pyodide.
WAT_DIR = Path(__file__).parent
PREBUILT = WAT_DIR / "library.pickle"


class Library:
    def __init__(self):
        self.funcs: dict[str, str] = {}  # name -> "(func $name ...)" without export, as it is written out
        self.trees: dict[str, list] = {}  # name -> the same function as an s-expression tree (what linking reads)
        self.headers: dict[str, tuple[list[str], list[str]]] = {}  # name -> (param valtypes, result valtypes)
        self.deps: dict[str, set[str]] = {}
        self.sigs: dict[str, tuple] = {}  # Python-level signatures of subset functions
        self.hand_written: dict[str, str] = {}  # name -> its .wat file, for the hand-written functions
        self.data: list[tuple[int, bytes, str]] = []
        self.heap_global: list = []  # (global $heap ...) of memory.wat: where the heap starts

    def has(self, name: str) -> bool:
        return name in self.funcs

    def add(self, name: str, tree: list, text: str) -> None:
        self.funcs[name], self.trees[name] = text, tree
        self.headers[name] = sexpr.signature(tree)
        self.deps[name] = set(sexpr.calls(tree)) - {name}

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

    def data_used_by(self, names) -> list[tuple[int, bytes, str]]:
        """The static data the functions `names` address."""
        used = set().union(*(sexpr.i32_constants(self.trees[n]) for n in names))
        return [d for d in self.data if d[0] in used]

    def uses_global(self, names, global_name: str) -> bool:
        return any(sexpr.uses_global(self.trees[n], global_name) for n in names)


def hand_written_forms() -> tuple[list[tuple[list, str, str]], list]:
    """(tree, text, file) of each (func ...) of the runtime's .wat files in HAND_WRITTEN_ORDER (comments dropped from
    the text), and the tree of the heap pointer's (global $heap ...)."""
    funcs: dict[str, tuple[list, str, str]] = {}
    heap = None
    for file in runtime.HAND_WRITTEN_FILES:
        text = re.sub(r";;[^\n]*", "", (runtime.HERE / file).read_text())
        for tree, form in sexpr.parse_forms(text):
            if tree[0] == "func":
                funcs[tree[1][1:]] = (tree, form, file)
            elif tree[:2] == ["global", "$heap"]:
                heap = tree
    unordered = set(funcs) ^ set(runtime.HAND_WRITTEN_ORDER)
    if unordered:
        raise ConversionError(0, 0, "runtime", "runtime library: HAND_WRITTEN_ORDER (runtime/__init__.py) and the "
                              f".wat files disagree about {', '.join(sorted(unordered))}")
    return [funcs[name] for name in runtime.HAND_WRITTEN_ORDER], heap


def module_sources() -> list[tuple[str, str]]:
    """(module name, rt-subset source) of every runtime module, in SUBSET_MODULES order."""
    on_disk = {str(p.relative_to(runtime.HERE).with_suffix("")) for p in runtime.HERE.glob("**/*.py")
               if p.name != "__init__.py" and "tools" not in p.parts}
    unlisted = on_disk - set(runtime.SUBSET_MODULES)
    if unlisted:
        raise ConversionError(0, 0, "runtime", f"runtime library: {', '.join(sorted(unlisted))} not in "
                              "SUBSET_MODULES (runtime/__init__.py)")
    sources = []
    for path in runtime.SUBSET_MODULES:
        name = "runtime." + path.replace("/", ".")
        if path == "typed_lists":
            sources.append((name, typed_lists.typed_sources()))
        else:
            sources.append((name, (runtime.HERE / f"{path}.py").read_text()))
    return sources


def parse_modules() -> list[tuple[str, ast.Module]]:
    trees = []
    defined_in: dict[str, str] = {}  # function name -> module
    for name, src in module_sources():
        try:
            tree = ast.parse(src)
        except SyntaxError as e:
            raise ConversionError(e.lineno or 0, (e.offset or 1) - 1, "runtime", f"runtime library {name}: {e.msg}") from None
        # `if __name__ == "__main__":` and friends are CPython-only
        tree.body = [stmt for stmt in tree.body if not isinstance(stmt, ast.If)]
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                if node.name in defined_in:
                    # one flat namespace (the rt exports): a second definition would silently replace the first
                    raise ConversionError(node.lineno, node.col_offset, "runtime", f"runtime library {name}: "
                                          f"{node.name} is already defined in {defined_in[node.name]}")
                defined_in[node.name] = name
        trees.append((name, tree))
    return trees


def build() -> Library:
    lib = Library()
    hand_written, lib.heap_global = hand_written_forms()
    trees = parse_modules()
    unit = Unit(library=True)
    try:
        for name, tree in trees:
            unit.add_module(tree, name)
        unit.generate()
    except ConversionError as e:
        func = unit.current.func if unit.current is not None else None
        module = next((name for name, tree in trees if func is not None and func.node in tree.body), None)
        where = f"{module}.{func.name}" if module else "(module level)"
        raise ConversionError(e.line, e.col, e.construct, f"runtime library {where}: {e.message}") from None

    for tree, text, file in hand_written:
        # (string.const "...") in the .wat files: the string's static address, interned in order of appearance
        addresses = {}  # the literal's text between its quotes -> address
        for form in sexpr.walk(tree):
            if form and form[0] == "string.const":
                inner = form[1][1:-1]
                addresses[inner] = unit.string_address(codecs.decode(inner, "unicode_escape"))
                form[:] = ["i32.const", str(addresses[inner])]
        text = STRING_CONST_RE.sub(lambda m: f"(i32.const {addresses[m.group(1)]})", text)
        lib.add(tree[1][1:], tree, text)
        lib.hand_written[tree[1][1:]] = file
    for (name, _), inst in unit.instances.items():
        lib.add(name, inst.code, sexpr.render(inst.code))
        info = unit.functions[name]
        lib.sigs[name] = (info.param_types, info.ret_type)
    lib.data = unit.data
    return lib


def source_digest() -> str:
    """SHA-256 over the converter's own files: a prebuilt library is used only beside the code that built it."""
    digest = hashlib.sha256()
    for path in sorted(WAT_DIR.rglob("*")):
        if path.suffix in (".py", ".wat") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(WAT_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def write_prebuilt(path: str | Path) -> Path:
    """Pickles the library with the digest of the sources it came from (loaded by `load` when it matches)."""
    path = Path(path)
    path.write_bytes(pickle.dumps((source_digest(), load()), protocol=4))
    return path


def load_prebuilt() -> Library | None:
    if not PREBUILT.exists():
        return None
    digest, lib = pickle.loads(PREBUILT.read_bytes())
    return lib if digest == source_digest() else None


@lru_cache(maxsize=1)
def load() -> Library:
    return load_prebuilt() or build()
