"""Hostile ByteLog programs end with a named error (from the compiler or the sandbox's limits) and leave the
process healthy: the next program still runs and prints the right answer."""

from __future__ import annotations

import pytest

from worldmodel.bytelog import ByteLogError, Limits, parse, run_bytelog

TRANSITIVE_RULES = "RULE p: SCAN e, EMIT p $0 $1\nRULE p: SCAN e, JOIN p $1, EMIT p $0 $2\n"


def chain(n: int) -> str:
    return "REL e\nREL p\n" + "".join(f"FACT e {i} {i + 1}\n" for i in range(n)) + TRANSITIVE_RULES


def explosion() -> str:  # 2,000 facts squared: 4 million derived tuples
    return "REL n\nREL p\n" + "".join(f"FACT n {i} {i}\n" for i in range(2000)) + "RULE p: SCAN n, SCAN n, EMIT p $0 $3\nQUERY p 1 1"


def join_storm() -> str:  # 30^6 bindings that all derive the same 900 tuples
    facts = "".join(f"FACT r {i} {j}\n" for i in range(30) for j in range(30))
    return f"REL r\nREL s\n{facts}RULE s: SCAN r, JOIN r $1, JOIN r $2, JOIN r $3, JOIN r $4, EMIT s $0 $5\nQUERY s 1 1"


@pytest.mark.parametrize("make, kind", [
    (explosion, "memory_limit"),
    (join_storm, "fuel_exhausted"),
    (lambda: chain(1000) + "QUERY p ? ?", "output_limit"),  # 500,500 tuples printed
])
def test_runaway_programs_stop_at_a_sandbox_limit(make, kind):
    result = run_bytelog(make())
    assert not result.ok and result.error_kind == kind, (result.error_kind, result.error_message)
    assert run_bytelog(chain(3) + "QUERY p 0 ?").stdout == "p(0, 1)\np(0, 2)\np(0, 3)\n3\n"


def test_ten_thousand_fact_chain_stops_at_the_memory_limit():
    # 10,000 distinct facts do not fit in 100 KiB of source: the compile limit is lifted, the sandbox's is not.
    from worldmodel.bytelog import compile_to_wat
    from worldmodel.runtime import run_wat

    result = run_wat(compile_to_wat(chain(10_000) + "QUERY p 0 10000", limits=Limits(source_bytes=10**6)))
    assert result.error_kind == "memory_limit"


def test_deep_recursion_through_rules_reaches_the_fixpoint():
    result = run_bytelog(chain(1000) + "QUERY p 0 1000\nQUERY p 999 ?")
    assert result.ok and result.stdout == "true\np(999, 1000)\n1\n"


def test_ten_thousand_facts_within_the_source_limit_run():
    source = "REL r\n" + "".join(f"FACT r {i % 10} {i // 10 % 10}" for i in range(10_000)) + "QUERY r 3 ?"
    result = run_bytelog(source)
    assert result.ok and result.stdout.splitlines()[-1] == "10"


@pytest.mark.parametrize("source, kind", [
    ("REL r\nFACT r " + "a" * 5000 + " b", "name_too_long"),
    ("REL r\nFACT r " + "a" * 200_000 + " b", "source_too_large"),
    ("\x00\x01\x02garbage", "syntax_error"),
    ("REL r\nFACT r a b\nRULE r: SCAN r,,, EMIT", "syntax_error"),
    ("REL r\nRULE r: SCAN r, " + "JOIN r $1, " * 3000 + "EMIT r $0 $9999", "unbound_variable"),
    ("REL r\nQUERY r ? ? ?", "arity_error"),
    ("FACT r a b", "undeclared_relation"),
    ("REL " + "\nREL ".join(f"r{i}" for i in range(60)), "too_many_relations"),
])
def test_malformed_and_oversized_programs_are_rejected_by_name(source, kind):
    with pytest.raises(ByteLogError) as caught:
        parse(source)
    assert caught.value.kind == kind


def test_a_very_long_rule_within_the_limits_runs():
    body = ", ".join(["SCAN r"] + [f"JOIN r ${i}" for i in range(1, 2000)])
    result = run_bytelog(f"REL r\nREL s\nFACT r a a\nRULE s: {body}, EMIT s $0 $1999\nQUERY s ? ?")
    assert result.ok and result.stdout == "s(a, a)\n1\n"
