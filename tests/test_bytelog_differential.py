"""Differential test: random ByteLog programs run as compiled WebAssembly (semi-naive, in the sandbox) and
through the naive Python evaluator (tests/bytelog_naive.py) print exactly the same text."""

from __future__ import annotations

import bytelog_naive
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldmodel.bytelog import ByteLogError, parse, run_bytelog

RELATIONS = ["r0", "r1", "r2", "r3"]
VALUES = ["0", "1", "-2", "a", "b", "alice", "x_1"]  # atoms and integers mixed, `1` beside `a`


@st.composite
def rules(draw):
    head = draw(st.sampled_from(RELATIONS))
    ops = [f"SCAN {draw(st.sampled_from(RELATIONS))}"]
    bound, extra_scans = 2, 0
    for _ in range(draw(st.integers(0, 3))):
        relation = draw(st.sampled_from(RELATIONS))
        kind = draw(st.sampled_from(["join", "join", "scan_match", "scan"] if extra_scans == 0 else ["join", "scan_match"]))
        if kind == "join":
            ops.append(f"JOIN {relation} ${draw(st.integers(0, bound - 1))}")
            bound += 1
        else:
            match = f" MATCH ${draw(st.integers(0, bound - 1))}" if kind == "scan_match" else ""
            extra_scans += kind == "scan"
            ops.append(f"SCAN {relation}{match}")
            bound += 2
    a, b = draw(st.integers(0, bound - 1)), draw(st.integers(0, bound - 1))
    return f"RULE {head}: {', '.join(ops)}, EMIT {head} ${a} ${b}"


@st.composite
def programs(draw):
    value = st.sampled_from(VALUES)
    facts = draw(st.lists(st.tuples(st.sampled_from(RELATIONS), value, value), max_size=12))
    lines = [f"{draw(st.sampled_from(['REL', 'rel', 'Rel']))} {r}" for r in RELATIONS]
    lines += [f"FACT {r} {a} {b}" for r, a, b in facts]
    lines += draw(st.lists(rules(), max_size=5))
    lines.append("SOLVE")
    query_arg = st.one_of(st.just("?"), value)
    for _ in range(draw(st.integers(1, 4))):
        lines.append(f"QUERY {draw(st.sampled_from(RELATIONS))} {draw(query_arg)} {draw(query_arg)}")
    order = draw(st.permutations(range(len(lines))))  # statements in any order mean the same program
    return "\n".join(lines[i] for i in order)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_compiled_module_agrees_with_naive_evaluator(source):
    expected = bytelog_naive.output(parse(source))
    result = run_bytelog(source)
    assert result.ok, (result.error_kind, result.error_message, source)
    assert result.stdout == expected, source


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("RELFACTSCANJOINMATCHQUERY rel$?:,;/\n0123456789-_xé#")), max_size=80))
def test_arbitrary_text_is_a_program_or_a_named_error(source):
    try:
        program = parse(source)
    except ByteLogError as error:
        assert error.kind and error.kind.replace("_", "").isalpha()
        return
    result = run_bytelog(source)
    assert result.ok and result.stdout == bytelog_naive.output(program)
