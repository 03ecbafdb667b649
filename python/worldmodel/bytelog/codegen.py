"""A checked ByteLog program → a WAT module: the fixed evaluator (engine.wat) plus the program encoded
as a passive data segment (the layout is described at the top of engine.wat).

Rules are encoded as data for one evaluator instead of compiled to a function each: the evaluator is
written and tested once, and the browser's port of this compiler only has to encode, not generate code.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

from .program import Program

OP_KINDS = {"scan": 0, "join": 1, "scan_match": 2}
LITERALS = ("(", ", ", ")", "true", "false")
HEADER_WORDS = 13
# The runtime library functions the evaluator calls, and their linked-form imports.
RT_IMPORTS = {
    "alloc": "(param i32) (result i32)",
    "write_str": "(param i32)",
    "print_str": "(param i32)",
    "print_i64": "(param i64)",
}
MEMORY_PAGES = 2  # as every module in the linked form (docs/protocol.md 2a)


@lru_cache(maxsize=1)
def engine_wat() -> str:
    return (Path(__file__).parent / "engine.wat").read_text()


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<i", len(data)) + data


def encode(program: Program) -> bytes:
    """The program as the evaluator reads it: header, facts, rules, queries, then name tables."""
    values = program.values()
    value_id = {v: i for i, v in enumerate(values)}
    relation_id = {name: i for i, name in enumerate(program.relations)}
    words = lambda *xs: struct.pack(f"<{len(xs)}i", *xs)  # noqa: E731

    facts = b"".join(words(relation_id[r], value_id[a], value_id[b]) for r, a, b in program.facts)
    rules = b""
    for rule in program.rules:
        rules += words(relation_id[rule.head], *rule.emit, len(rule.body))
        for op in rule.body:
            rules += words(OP_KINDS[op.kind], relation_id[op.relation], -1 if op.match is None else op.match, op.binds)
    queries = b"".join(words(relation_id[q.relation], *(-1 if v is None else value_id[v] for v in (q.a, q.b)))
                       for q in program.queries)

    sections = [facts, rules, queries]
    offsets, at = [], HEADER_WORDS * 4
    for section in sections:
        offsets.append(at)
        at += len(section)
    # Name tables: a word per name (its offset), then the rt strings.
    blob = b""
    for names in ([str(v) for v in values], program.relations, LITERALS):
        offsets.append(at + len(blob))
        table_end = at + len(blob) + 4 * len(names)
        table, strings = b"", b""
        for name in names:
            table += words(table_end + len(strings))
            strings += _string(name)
        blob += table + strings
    header = words(len(program.relations), len(values), len(program.facts), len(program.rules), len(program.queries),
                   *offsets, max((r.variables for r in program.rules), default=0),
                   max((len(r.body) for r in program.rules), default=0))
    return header + b"".join(sections) + blob


def module(program: Program, *, standalone: bool = False) -> str:
    """The WAT module: linked form (imports from `rt`, docs/protocol.md 2a) or standalone (2b)."""
    from worldmodel.wat.sexpr import wat_string

    payload = encode(program)
    lines = ["(module"]
    if standalone:
        lines += _standalone_runtime()
    else:
        lines.append(f'  (import "rt" "memory" (memory {MEMORY_PAGES}))')
        lines += [f'  (import "rt" "{name}" (func ${name} {signature}))' for name, signature in RT_IMPORTS.items()]
    lines.append(f"  (global $program_size i32 (i32.const {len(payload)}))")
    lines += ["  " + line if line else line for line in engine_wat().rstrip("\n").split("\n")]
    lines.append(f"  (data $program {wat_string(payload)})")
    return "\n".join(lines) + "\n)\n"


def _standalone_runtime() -> list[str]:
    """The runtime library functions the evaluator needs, compiled in (as `worldmodel convert` does for Python)."""
    from worldmodel.wat import sexpr
    from worldmodel.wat.library import load
    from worldmodel.wat.module import ENV_WRITE, MEMORY, data_segment

    lib = load()
    needed = lib.closure(RT_IMPORTS)
    fields = [ENV_WRITE, MEMORY, lib.heap_global, *(lib.funcs[name] for name in needed)]
    fields += [data_segment(*d) for d in lib.data_used_by(needed)]
    texts = [sexpr.render(f) if isinstance(f, list) else f for f in fields]
    return ["  " + line for text in texts for line in text.split("\n")]
