"""Logic families (ByteLog solutions, data/families/logic.py): their programs compute the independent truth,
the build writes `<computation>` rows whose final answer names the computed answer, and `worldmodel eval`
scores such rows."""

from __future__ import annotations

import random

import pytest

from worldmodel import protocol
from worldmodel.bytelog import run_bytelog
from worldmodel.data.build import build
from worldmodel.data.execute import logic_answer, matches_truth
from worldmodel.data.families import LOGIC_FAMILIES
from worldmodel.data.spec import held_out
from worldmodel.evaluate import is_correct


@pytest.mark.parametrize("family", LOGIC_FAMILIES, ids=lambda f: f.name)
def test_programs_compute_the_independent_truth(family):
    assert family.language == "bytelog" and family.answer_slots is not None
    assert any(held_out(family.template_id(i)) for i in range(len(family.templates)))
    rng = random.Random(family.name)
    for index in range(len(family.templates)):
        for _ in range(6):
            params = family.params(index, rng)
            family.templates[index].format(**family.slots(params, rng))  # every slot fills
            result = run_bytelog(family.solution(params))
            assert result.ok, (result.error_kind, result.error_message)
            truth = family.truth(params)
            assert logic_answer(result.computed_text) == truth and truth != [], (family.solution(params), truth)


def test_logic_answer_reads_query_output():
    assert logic_answer("true") is True and logic_answer("false") is False
    assert logic_answer("r(A, B)\nr(A, C)\n2") == ["B", "C"]
    assert logic_answer("0") == []
    assert logic_answer("r(A, B)\n3") is None  # a count that does not match the lines
    assert matches_truth("r(A, B)\n1", ["B"], 1e-3) == (True, "")
    assert matches_truth("r(A, B)\n1", ["C"], 1e-3)[0] is False
    assert matches_truth("true", False, 1e-3)[0] is False


def test_build_writes_computation_rows_that_eval_scores_correct():
    result = build(seed=1, per_family=12, families=LOGIC_FAMILIES, chat=False, refusals=False)
    assert not result.drops, result.drop_examples
    assert {row["family"] for row in result.rows} == {f.name for f in LOGIC_FAMILIES}
    for row in result.rows:
        answer = protocol.parse_answer(row["messages"][-1]["content"])
        assert answer.wat is None and answer.bytelog.startswith("REL ")
        assert logic_answer(answer.computed) == row["answer"]
        assert run_bytelog(answer.bytelog).computed_text == answer.computed
        assert is_correct(answer.final, row["answer"]), (answer.final, row["answer"])


def test_is_correct_for_names_and_yes_no():
    assert is_correct("Mallory's grandchildren are Carol and ivan.", ["Carol", "Ivan"])
    assert not is_correct("Mallory's grandchildren are Carol.", ["Carol", "Ivan"])
    assert not is_correct("Carolyn.", ["Carol"])
    assert is_correct("No: there is no way from Docs to Support.", False)
    assert not is_correct("Yes, there is a way.", False)
    assert not is_correct("I could not compute the answer.", True)
