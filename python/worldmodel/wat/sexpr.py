"""S-expressions as nested Python lists: a printer that keeps short forms on one line, a reader, and walks.

Code generation builds `["i64.add", ["local.get", "$a"], ["i64.const", "1"]]`; the printer turns
it into folded WAT, breaking only forms longer than the line width so the output stays readable.
Hand-written WAT (runtime/*.wat) is read once into the same trees (`parse_forms`), so that linking asks
trees, not text, which functions a function calls (`calls`) and which data addresses it uses; a module is then
a list of fields printed once (`render_module`).
"""

from __future__ import annotations

WIDTH = 100

# A top-level field of a module: a tree, or text already laid out (a hand-written routine as it stands in its file, a
# library function rendered once when the library was built, a data segment with its comment).
Field = list | str


def flat(x) -> str:
    if isinstance(x, list):
        return "(" + " ".join(flat(i) for i in x) + ")"
    return x


def render(x, indent: int = 0, _flat: dict | None = None) -> str:
    """Render one s-expression at the given indentation (the first line is not indented)."""
    if _flat is None:
        _flat = {}
    one_line = _flat_cached(x, _flat)
    if not isinstance(x, list) or indent + len(one_line) <= WIDTH:
        return one_line
    # Keep leading atoms (head, $names, attributes) on the first line, then one child per line.
    head = []
    rest_start = 0
    for i, item in enumerate(x):
        if isinstance(item, list) and item and item[0] in ("export", "param", "result", "import"):
            head.append(_flat_cached(item, _flat))
            rest_start = i + 1
            continue
        if isinstance(item, list) or item.startswith("("):  # a preformatted form is a child, not a name
            break
        head.append(item)
        rest_start = i + 1
    pad = " " * (indent + 2)
    rest = x[rest_start:]
    flats = [_flat_cached(item, _flat) for item in rest]
    if len(rest) > 2 and all(len(f) <= 24 for f in flats):
        # many short operands (e.g. the ten arguments of format_float): fill lines
        lines = ["(" + " ".join(head)]
        for f in flats:
            if len(lines[-1]) + 1 + len(f) + (indent if len(lines) == 1 else 0) <= WIDTH:
                lines[-1] += " " + f
            else:
                lines.append(pad + f)
        return "\n".join(lines) + ")"
    lines = ["(" + " ".join(head)]
    for item in rest:
        lines.append(pad + render(item, indent + 2, _flat))
    return "\n".join(lines) + ")"


def render_module(fields: list[Field]) -> str:
    """`(module ...)` with each field laid out as if at column 0, then indented by two (not render() of a whole module
    tree, whose line breaks would depend on the indentation)."""
    lines = ["(module"]
    for field in fields:
        text = render(field) if isinstance(field, list) else field
        lines += ["  " + line if line else line for line in text.split("\n")]
    return "\n".join(lines) + "\n)\n"


def _flat_cached(x, memo: dict) -> str:
    """flat(x), computed once per node within one render() call (render is otherwise quadratic)."""
    if not isinstance(x, list):
        return x
    key = id(x)
    if key not in memo:
        memo[key] = "(" + " ".join(_flat_cached(i, memo) for i in x) + ")"
    return memo[key]


def wat_string(data: bytes) -> str:
    """A WAT string literal for raw bytes: printable ASCII kept, everything else as \\hh."""
    out = []
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C):
            out.append(chr(b))
        else:
            out.append(f"\\{b:02x}")
    return '"' + "".join(out) + '"'


def parse_forms(text: str) -> list[tuple[list, str]]:
    """The top-level forms of WAT text as (tree, their source text). Atoms stay strings (a string literal keeps its
    quotes); comments are skipped. Hand-written because WAT's reader is this small: no grammar to maintain."""
    forms: list[tuple[list, str]] = []
    stack: list[list] = []
    i, start, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == ";" and text.startswith(";;", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif c == "(" and text.startswith("(;", i):
            i = text.index(";)", i) + 2
        elif c == "(":
            if not stack:
                start = i
            stack.append([])
            i += 1
        elif c == ")":
            if not stack:
                raise ValueError(f"unbalanced ')' at offset {i}")
            form = stack.pop()
            i += 1
            if stack:
                stack[-1].append(form)
            else:
                forms.append((form, text[start:i]))
        elif c.isspace():
            i += 1
        else:
            j = i
            if c == '"':
                j += 1
                while text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                j += 1
            else:
                while j < n and not text[j].isspace() and text[j] not in "();":
                    j += 1
            if not stack:
                raise ValueError(f"atom {text[i:j]!r} outside a form at offset {i}")
            stack[-1].append(text[i:j])
            i = j
    if stack:
        raise ValueError("unbalanced '(': the text ends inside a form")
    return forms


def walk(tree):
    """Every form in `tree` (itself first), depth first, left to right: the order the forms stand in the text.
    A preformatted atom (the compiler's lines of `(local ...)` declarations) holds no instructions: not entered."""
    todo = [tree]
    while todo:
        form = todo.pop()
        yield form
        todo.extend(reversed([x for x in form if isinstance(x, list)]))


def calls(tree) -> list[str]:
    """The functions `tree` calls (`(call $f ...)`), without the `$`, each once, in order of first call."""
    names = [form[1][1:] for form in walk(tree) if len(form) > 1 and form[0] == "call"]
    return list(dict.fromkeys(names))


def i32_constants(tree) -> set[int]:
    """The non-negative decimal `(i32.const N)` values in `tree`: the static data addresses it may use."""
    return {int(form[1]) for form in walk(tree) if len(form) == 2 and form[0] == "i32.const" and form[1].isdigit()}


def uses_global(tree, name: str) -> bool:
    return any(len(form) > 1 and form[0] in ("global.get", "global.set") and form[1] == name for form in walk(tree))


def signature(func) -> tuple[list[str], list[str]]:
    """(param valtypes, result valtypes) of a `(func ...)` tree."""
    params, results = [], []
    for form in func:
        if isinstance(form, list) and form and form[0] in ("param", "result"):
            types = [x for x in form[1:] if not x.startswith("$")]
            (params if form[0] == "param" else results).extend(types)
    return params, results
