"""ByteLog (docs/bytelog.md): the specification's examples, the reference implementation's known failures,
named errors for rejected programs, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from worldmodel.bytelog import ByteLogError, compile_to_wat, parse, run_bytelog
from worldmodel.runtime import run_wat

ROOT = Path(__file__).resolve().parents[1]


def run(source: str) -> str:
    result = run_bytelog(source)
    assert result.ok, (result.error_kind, result.error_message)
    return result.stdout


def error_of(source: str) -> ByteLogError:
    with pytest.raises(ByteLogError) as caught:
        parse(source)
    return caught.value


# --- the specification's programs and their documented results ---

TRANSITIVE = """
REL edge
REL path
FACT edge 0 1
FACT edge 1 2
FACT edge 2 3
RULE path: SCAN edge, EMIT path $0 $1
RULE path: SCAN edge, JOIN path $1, EMIT path $0 $2
SOLVE
QUERY path 0 3
"""


def test_spec_transitive_closure_reaches_3_from_0():
    assert run(TRANSITIVE) == "true\n"


def test_spec_symmetric_closure_has_4_tuples():
    source = """REL friend
REL knows
FACT friend 0 1
FACT friend 2 3
RULE knows: SCAN friend, EMIT knows $0 $1
RULE knows: SCAN friend, EMIT knows $1 $0
SOLVE
QUERY knows ? ?"""
    assert run(source) == "knows(0, 1)\nknows(1, 0)\nknows(2, 3)\nknows(3, 2)\n4\n"


def test_spec_ancestor_of_0_is_3_people():
    source = """REL parent
REL ancestor
FACT parent 0 1       ; alice → bob
FACT parent 1 2       ; bob → carol
FACT parent 2 3       ; carol → dave
RULE ancestor: SCAN parent, EMIT ancestor $0 $1
RULE ancestor: SCAN parent, JOIN ancestor $1, EMIT ancestor $0 $2
SOLVE
QUERY ancestor 0 ?"""
    assert run(source) == "ancestor(0, 1)\nancestor(0, 2)\nancestor(0, 3)\n3\n"


def test_spec_reachability_and_friends_of_friends():
    reach = """REL edge
REL reachable
FACT edge 0 1
FACT edge 0 2
FACT edge 1 3
FACT edge 2 3
FACT edge 3 4
RULE reachable: SCAN edge, EMIT reachable $0 $1
RULE reachable: SCAN edge, JOIN reachable $1, EMIT reachable $0 $2
SOLVE
QUERY reachable 0 4"""
    knows = """REL friend
REL knows
FACT friend 0 1
FACT friend 1 2
RULE knows: SCAN friend, EMIT knows $0 $1
RULE knows: SCAN friend, EMIT knows $1 $0
RULE knows: SCAN knows, JOIN knows $1, EMIT knows $0 $2
SOLVE
QUERY knows 0 2"""
    assert run(reach) == "true\n"
    assert run(knows) == "true\n"


def test_spec_classification_tweety_has_2_properties():
    source = """REL isa
REL has_property
FACT isa 0 1          ; tweety isa bird
FACT isa 1 2          ; bird isa animal
FACT has_property 1 10   ; bird has_property flies
FACT has_property 2 11   ; animal has_property breathes
RULE isa: SCAN isa, JOIN isa $1, EMIT isa $0 $2
RULE has_property: SCAN isa, JOIN has_property $1, EMIT has_property $0 $2
SOLVE
QUERY has_property 0 ?"""
    assert run(source) == "has_property(0, 10)\nhas_property(0, 11)\n2\n"


# --- the reference implementation's known failures ---

def test_join_enumerates_every_match_not_the_first():
    source = """REL parent
REL grandparent
FACT parent ann bob
FACT parent ann cat
FACT parent bob dan
FACT parent bob eve
FACT parent cat fay
RULE grandparent: SCAN parent, JOIN parent $1, EMIT grandparent $0 $2
QUERY grandparent ann ?"""
    assert run(source) == "grandparent(ann, dan)\ngrandparent(ann, eve)\ngrandparent(ann, fay)\n3\n"


def test_variables_beyond_2():
    source = """REL p
REL far
FACT p a b
FACT p b c
FACT p c d
FACT p d e
RULE far: SCAN p, JOIN p $1, JOIN p $2, JOIN p $3, EMIT far $0 $4
QUERY far ? ?"""
    assert run(source) == "far(a, e)\n1\n"


def test_atoms_and_integers_never_collide():
    source = """REL age
REL parent
REL likes
FACT parent alice bob
FACT age alice 1
FACT likes alice 0
FACT likes 0 alice
QUERY age ? ?
QUERY likes alice ?
QUERY likes 0 ?
QUERY age alice bob"""
    assert run(source) == "age(alice, 1)\n1\nlikes(alice, 0)\n1\nlikes(0, alice)\n1\nfalse\n"


def test_deep_recursion_has_no_iteration_cap():
    facts = "\n".join(f"FACT edge {i} {i + 1}" for i in range(300))
    source = f"REL edge\nREL path\n{facts}\n" + TRANSITIVE.split("FACT edge 2 3")[1].replace("QUERY path 0 3", "QUERY path 0 300\nQUERY path 0 ?")
    out = run(source).splitlines()
    assert out[0] == "true" and out[-1] == "300"


# --- language details ---

def test_keywords_case_insensitive_comments_and_output_order():
    source = """rel Edge // relation names are case-sensitive
Rel edge
fact Edge b 2 ; atoms after integers
FaCt Edge a 10
FACT Edge -3 a
FACT edge a a
query Edge ? ?"""
    assert run(source) == "Edge(-3, a)\nEdge(a, 10)\nEdge(b, 2)\n3\n"


def test_every_query_runs_on_the_fixpoint_in_source_order():
    source = """REL e
REL r
QUERY r a c
FACT e a b
FACT e b c
RULE r: SCAN e, EMIT r $0 $1
RULE r: SCAN r, JOIN e $1, EMIT r $0 $2
QUERY r ? c
SOLVE
QUERY e ? ?"""
    assert run(source) == "true\nr(a, c)\nr(b, c)\n2\ne(a, b)\ne(b, c)\n2\n"


def test_scan_match_filters_column_a_and_binds_two_more_variables():
    source = """REL p
REL q
REL out
FACT p x y
FACT q y z
FACT q w v
RULE out: SCAN p, SCAN q MATCH $1, EMIT out $0 $3
QUERY out ? ?"""
    assert run(source) == "out(x, z)\n1\n"


def test_a_later_scan_is_a_cross_product():
    source = """REL a
REL b
REL pair
FACT a 1 1
FACT a 2 2
FACT b x x
RULE pair: SCAN a, SCAN b, EMIT pair $0 $2
QUERY pair ? ?"""
    assert run(source) == "pair(1, x)\npair(2, x)\n2\n"


def test_empty_result_prints_0_and_empty_program_prints_nothing():
    assert run("REL r\nQUERY r ? x") == "0\n"
    assert run("; nothing") == ""


# --- named errors, found before running ---

@pytest.mark.parametrize("source, kind, line, column", [
    ("REL r\nFACT r a", "arity_error", 2, 1),
    ("REL r\nFACT r a b c", "arity_error", 2, 1),
    ("REL r\nQUERY r a", "arity_error", 2, 1),
    ("REL r\nRULE r: SCAN r, EMIT r $0", "arity_error", 2, 17),
    ("REL r\nFACT s a b", "undeclared_relation", 2, 6),
    ("REL r\nRULE r: SCAN r, JOIN r $2, EMIT r $0 $1", "unbound_variable", 2, 24),
    ("REL r\nRULE r: SCAN r, EMIT r $0 $2", "unbound_variable", 2, 27),
    ("REL r\nRULE r: JOIN r $0, EMIT r $0 $1", "unbound_variable", 2, 16),
    ("REL r\nRULE r: SCAN r MATCH $0, EMIT r $0 $1", "unbound_variable", 2, 22),
    ("REL r\nREL s\nRULE r: SCAN s, EMIT s $0 $1", "head_mismatch", 3, 22),
    ("REL r\nRULE r SCAN r, EMIT r $0 $1", "syntax_error", 2, 8),
    ("REL r\nFACT r a #", "syntax_error", 2, 10),
    ("REL query", "syntax_error", 1, 5),
    ("REL r\nFACT r 1 99999999999999999999", "integer_out_of_range", 2, 10),
    ("REL " + "x" * 129, "name_too_long", 1, 5),
])
def test_rejected_programs_name_their_error_and_place(source, kind, line, column):
    error = error_of(source)
    assert (error.kind, error.line, error.column) == (kind, line, column), str(error)


def test_syntax_error_says_what_was_expected():
    assert "expected ':'" in str(error_of("REL r\nRULE r SCAN r, EMIT r $0 $1"))
    assert "expected a name, found the end of the program" in str(error_of("REL"))
    assert "expected JOIN or SCAN" in str(error_of("REL r\nRULE r: EMIT r $0 $1"))


@pytest.mark.parametrize("make, kind", [
    (lambda: "REL r\n" + "FACT r 1 2" * 10_001, "too_many_facts"),  # 10-byte facts: the only ones that fit
    (lambda: "REL r\n" + "RULE r: SCAN r, EMIT r $0 $1\n" * 1_001, "too_many_rules"),
    (lambda: "".join(f"REL r{i}\n" for i in range(51)), "too_many_relations"),
    (lambda: "; " + "x" * 102_400, "source_too_large"),
])
def test_limits_are_named_errors(make, kind):
    assert error_of(make()).kind == kind


def test_run_bytelog_reports_rejections_as_conversion_error():
    result = run_bytelog("REL r\nFACT s a b")
    assert not result.ok and result.error_kind == "conversion_error"
    assert result.error_message.startswith("line 2, col 6: undeclared_relation:")


# --- the module and the command line ---

def test_standalone_and_linked_modules_print_the_same():
    linked, standalone = compile_to_wat(TRANSITIVE), compile_to_wat(TRANSITIVE, standalone=True)
    assert '(import "rt"' in linked and '(import "rt"' not in standalone
    assert run_wat(linked).stdout == run_wat(standalone).stdout == "true\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worldmodel", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_run_and_convert(tmp_path):
    ran = cli("run", "examples/family.bl")
    assert ran.returncode == 0 and ran.stdout == "grandparent(alice, dave)\ngrandparent(alice, erin)\n2\ntrue\n"
    converted = cli("convert", "--linked", "examples/family.bl")
    assert converted.returncode == 0 and run_wat(converted.stdout).stdout == ran.stdout
    bad = tmp_path / "bad.bl"
    bad.write_text("REL r\nRULE r: SCAN r, EMIT r $0 $9\n")
    assert cli("convert", str(bad)).stderr == f"{bad}:2:27: unbound_variable: $9 is not bound: only $0..$1 are bound here\n"
    failed = cli("run", str(bad))
    assert failed.returncode == 1 and "conversion_error: line 2, col 27: unbound_variable" in failed.stderr
