"""S-expressions as nested Python lists, and a printer that keeps short forms on one line.

Code generation builds `["i64.add", ["local.get", "$a"], ["i64.const", "1"]]`; the printer turns
it into folded WAT, breaking only forms longer than the line width so the output stays readable.
"""

from __future__ import annotations

WIDTH = 100


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
