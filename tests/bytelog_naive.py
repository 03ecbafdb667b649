"""A deliberately simple ByteLog evaluator, the oracle of the differential test (tests/test_bytelog.py).

Naive bottom-up iteration: apply every rule to every combination of tuples until nothing new appears.
Variables are a list that each operation appends to ($n is the n-th value bound), so it shares nothing
with the compiler's slot numbering or the WebAssembly evaluator's semi-naive rounds.
"""

from __future__ import annotations

from worldmodel.bytelog.program import Program


def _bindings(ops, relations, env):
    if not ops:
        yield env
        return
    op, rest = ops[0], ops[1:]
    for a, b in list(relations[op.relation]):
        if op.kind == "join":
            if a == env[op.match]:
                yield from _bindings(rest, relations, env + [b])
        elif op.kind == "scan_match":
            if a == env[op.match]:
                yield from _bindings(rest, relations, env + [a, b])
        else:
            yield from _bindings(rest, relations, env + [a, b])


def fixpoint(program: Program) -> dict:
    relations = {name: set() for name in program.relations}
    for name, a, b in program.facts:
        relations[name].add((a, b))
    while True:
        derived = {(rule.head, env[rule.emit[0]], env[rule.emit[1]])
                   for rule in program.rules for env in _bindings(rule.body, relations, [])}
        new = {(h, a, b) for h, a, b in derived if (a, b) not in relations[h]}
        if not new:
            return relations
        for h, a, b in new:
            relations[h].add((a, b))


def output(program: Program) -> str:
    """What the compiled module prints (docs/bytelog.md "Output")."""
    relations = fixpoint(program)
    lines = []
    for q in program.queries:
        if q.a is not None and q.b is not None:
            lines.append("true" if (q.a, q.b) in relations[q.relation] else "false")
            continue
        rows = sorted(t for t in relations[q.relation] if q.a in (None, t[0]) and q.b in (None, t[1]))
        lines += [f"{q.relation}({a}, {b})" for a, b in rows] + [str(len(rows))]
    return "".join(line + "\n" for line in lines)
