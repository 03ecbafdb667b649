"""GSM8K word problems → named, checked programs (worldmodel.data.gsm8k) and their rows in the build."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from worldmodel import protocol
from worldmodel.data import build, gsm8k
from worldmodel.data.execute import run_cpython

SAMPLE = Path(__file__).parent / "data" / "gsm8k_sample.jsonl"  # the corpus' first 12 problems (MIT licence)

NATALIA = (
    "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
    "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72"
)


def test_steps_are_named_and_later_steps_use_the_names():
    problem = gsm8k.convert_problem("Natalia sold clips to 48 of her friends in April, and half as many in May.", NATALIA)
    assert problem.source == "clips_may = 48 / 2\nclips_altogether = 48 + clips_may\nprint(clips_altogether)\n"
    assert problem.plan == "clips_may = 48 / 2; clips_altogether = 48 + clips_may."
    assert run_cpython(problem.source) == "72.0"


def test_equal_results_are_used_once_each_in_the_order_computed():
    solution = ("Half the birds were sold: 12/2=<<12/2=6>>6 birds.\n9-3=<<9-3=6>>6 puppies.\n"
                "15-7=<<15-7=8>>8 spiders.\n6+6+5+8=<<6+6+5+8=25>>25 animals\n#### 25")
    problem = gsm8k.convert_problem("A store had 12 birds, 9 puppies, 5 cats, and 15 spiders. 3 puppies...", solution)
    assert problem.source.splitlines()[-2] == "animals = birds + puppies + 5 + spiders"


def test_a_number_the_question_gives_is_a_result_only_while_that_result_is_unused():
    solution = "He has 2*3=<<2*3=6>>6 eggs.\nThen 6+6=<<6+6=12>>12 eggs in all.\n#### 12"
    problem = gsm8k.convert_problem("He buys 2 boxes of 3 eggs and finds 6 more eggs.", solution)
    assert problem.source.splitlines()[:2] == ["eggs = 2 * 3", "eggs_2 = eggs + 6"]  # the second 6 is the found eggs


def test_numbers_written_as_words_are_given_too():
    solution = ("Each batch is 2+8=<<2+8=10>>10 ounces.\nShe made 20/10=<<20/10=2>>2 batches.\n"
                "She used 2*2=<<2*2=4>>4 ounces of oil.\n#### 4")
    question = "She uses two ounces of oil for every eight ounces of peanuts. The batch weighed 20 ounces. How much oil?"
    problem = gsm8k.convert_problem(question, solution)
    assert problem.source.splitlines()[1:3] == ["batches = 20 / ounces", "ounces_oil = batches * 2"]
    assert run_cpython(problem.source) == "4.0"


def test_steps_the_answer_does_not_need_are_dropped():
    solution = "Extra 5*5=<<5*5=25>>25 squares.\nShe pays 3*4=<<3*4=12>>12 dollars.\n#### 12"
    problem = gsm8k.convert_problem("She buys 3 pens at $4. There are 5 rows of 5 squares.", solution)
    assert [step.value for step in problem.steps] == [Fraction(12)]


def test_ragged_float_results_are_rounded_to_cents():
    solution = "Each costs 0.1*3=<<0.1*3=0.3>>0.3 dollars.\n#### 0.3"
    problem = gsm8k.convert_problem("Three sweets at $0.1 each.", solution)
    assert problem.source.endswith("print(round(dollars, 2))\n")
    assert run_cpython(problem.source) == "0.3"


@pytest.mark.parametrize(
    ("solution", "reason"),
    [
        ("No calculation here.\n#### 5", "no_calculation"),
        ("Total 2+2=<<2+2=4>>4\n#### 5", "answer_not_computed"),
        ("Total 2+2=<<2+2=5>>5\n#### 5", "arithmetic_mismatch"),
        ("Total <<abs(2)=2>>2\n#### 2", "unsupported_expression"),
        ("Total 2+2=<<2+2=4>>4", "no_final_answer"),
        ("<<2/0=0>>0\n#### 0", "division_by_zero"),
        ("<<__import__('os')=0>>0\n#### 0", "unsupported_expression"),
        ("She had 9 left, so 9-2=<<9-2=7>>7\n#### 7", "ungrounded_number"),  # the 9 was worked out in words
    ],
)
def test_unconvertible_problems_say_why(solution, reason):
    with pytest.raises(gsm8k.Unconvertible, match=f"^{reason}"):
        gsm8k.convert_problem("A question with 2 in it.", solution)


@pytest.mark.parametrize(
    ("question", "solution"),
    [
        ("A shirt costs $40 and is 25% off.", "Off: 40*0.25=<<40*0.25=10>>10\n#### 10"),  # a percentage as a fraction
        ("A shirt costs $40 and is 25% off.", "Off: 40*25*0.01=<<40*25*0.01=10>>10\n#### 10"),
        ("She ate a third of 30 cakes.", "Ate 30/3=<<30/3=10>>10\n#### 10"),  # the denominator of a word fraction
        ("He runs 3 hours a day.", "Minutes 3*60=<<3*60=180>>180\n#### 180"),  # a unit everyone knows
        ("Two dozen eggs and five more.", "2*12+5=<<2*12+5=29>>29\n#### 29"),
    ],
)
def test_numbers_a_question_states_or_everyone_knows_are_grounded(question, solution):
    assert gsm8k.convert_problem(question, solution).steps


def test_split_is_a_stable_hash_of_the_question():
    questions = [f"Question number {i}?" for i in range(4000)]
    splits = Counter(gsm8k.split_of(q) for q in questions)
    assert 0.05 < splits["test"] / 4000 < 0.085 and 0.02 < splits["validation"] / 4000 < 0.045
    assert [gsm8k.split_of(q) for q in questions[:50]] == [gsm8k.split_of(q) for q in questions[:50]]


def test_build_turns_sample_problems_into_checked_rows():
    result = build.build(seed=0, per_family=1, families=[], chat=False, refusals=False, gsm8k_corpus=SAMPLE)
    rows = [row for row in result.rows if row["family"] == gsm8k.FAMILY]
    assert len(rows) + sum(result.drops.values()) == 12
    assert len(rows) >= 10
    for row in rows:
        answer = protocol.parse_answer(row["messages"][-1]["content"])
        assert float(answer.computed) == pytest.approx(row["answer"], rel=gsm8k.REL_TOL)
        assert answer.think and "=" in answer.think and answer.wat.startswith("(module")
        assert row["split"] == gsm8k.split_of(row["question"])
    again = build.build(seed=0, per_family=1, families=[], chat=False, refusals=False, gsm8k_corpus=SAMPLE)
    assert again.rows == result.rows


@pytest.mark.skipif(not gsm8k.DEFAULT_CORPUS.is_file(), reason="shared/corpus is not beside this checkout")
def test_most_of_the_shared_corpus_converts():
    problems = gsm8k.load()
    converted = 0
    for problem in random.Random(0).sample(problems, 400):
        try:
            gsm8k.convert_problem(problem["question"], problem["answer"])
            converted += 1
        except gsm8k.Unconvertible:
            pass
    # About a quarter is left out: 17 % of all problems use a number the solution worked out in words (ungrounded).
    assert converted / 400 > 0.70


def test_a_lean_build_caps_training_problems_and_keeps_the_held_out_slices_whole():
    full = build.build(seed=0, per_family=1, families=[], chat=False, refusals=False, gsm8k_corpus=SAMPLE)
    lean = build.build(seed=0, per_family=1, families=[], chat=False, refusals=False, gsm8k_corpus=SAMPLE,
                       gsm8k_train=2)
    by_split = lambda rows, split: [r["id"] for r in rows if r["split"] == split]  # noqa: E731
    assert len(by_split(lean.rows, "train")) == 2 < len(by_split(full.rows, "train"))
    for split in ("validation", "test"):
        assert by_split(lean.rows, split) == by_split(full.rows, split)


def test_a_step_is_never_named_after_a_builtin():
    solution = "Each round 0.1*3=<<0.1*3=0.3>>0.3 round.\n#### 0.3"
    problem = gsm8k.convert_problem("Three rounds of 0.1?", solution)
    assert problem.steps[0].name != "round" and run_cpython(problem.source) == "0.3"


def test_the_held_out_slice_keeps_problems_whose_solution_does_not_convert():
    """An evaluation needs only the question and the answer: the slice must not drop the hard-to-convert problems."""
    test_questions = [q for q in (f"Problem {i}: how many apples?" for i in range(400)) if gsm8k.split_of(q) == "test"]
    worded = {"question": test_questions[0], "answer": "She had 9 left, so 9-2=<<9-2=7>>7\n#### 7"}
    plain = {"question": test_questions[1], "answer": "In words only.\n#### 1,250"}
    trained = next({"question": f"Train {i}?", "answer": "#### 3"} for i in range(400)
                   if gsm8k.split_of(f"Train {i}?") == "train")
    with pytest.raises(gsm8k.Unconvertible):
        gsm8k.convert_problem(worded["question"], worded["answer"])
    questions = gsm8k.held_out_questions([worded, plain, trained, {"question": test_questions[2], "answer": "none"}])
    assert [(q["question"], q["answer"], q["category"]) for q in questions] == [
        (worded["question"], 7, "gsm8k"), (plain["question"], 1250, "gsm8k")]
