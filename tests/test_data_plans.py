"""Plans: the think step states the computation with the question's quantities bound to names, and the
program is its transcription (same names as variables); held-out templates get phrasings of their own."""

from __future__ import annotations

import random
import re

import pytest

from worldmodel.data import build as pipeline
from worldmodel.data.execute import run_cpython
from worldmodel.data.families import FAMILIES
from worldmodel.data.families.plan import Plan, plan_of
from worldmodel.data.families.units import TIME, conversion_family
from worldmodel.data.spec import held_out

PLANNED = [f for f in FAMILIES if f.think == ("{plan}",)]


def test_a_plan_binds_quantities_and_its_program_uses_the_same_names():
    plan = Plan()
    plan.given("hours", 53, "53 h")
    plan.step("seconds", "hours * 3600")
    assert plan.text() == "seconds = 53 h × 3600"
    source = plan.program("seconds")
    assert source == "hours = 53.0\nseconds = hours * 3600\nprint(seconds)\n"
    assert run_cpython(source) == "190800.0"


def test_plan_notation():
    plan = Plan()
    plan.given("speed", 38.8, "38.8 m/s")
    plan.given("mass", 2, "2 kg")
    plan.step("energy", "0.5 * mass * speed ** 2")
    plan.step("change", "-energy + mass // 2")
    assert plan.text() == "energy = 0.5 × 2 kg × (38.8 m/s) ^ 2; change = −energy + 2 kg ÷ 2"
    assert plan_of("import math\nprint(round(-71 + (-52) * math.pi, 2))\n") == "−71 + (−52) × π"
    assert plan_of('total = 3 * 1.25\nprint(f"{total:.2f}")\n') == "total = 3 × 1.25"


def test_most_families_state_a_plan():
    assert len(PLANNED) >= 0.75 * len(FAMILIES)


@pytest.mark.parametrize("family", PLANNED, ids=lambda f: f.name)
def test_every_name_the_plan_computes_is_a_variable_of_the_program(family):
    rng = random.Random(f"plan-{family.name}")
    for _ in range(12):
        candidate = pipeline.sample_candidate(family, rng)
        assigned = set(re.findall(r"^(\w+) = ", candidate.source, flags=re.MULTILINE))
        computed = [part.split(" = ")[0] for part in candidate.think.split("; ") if " = " in part]
        assert set(computed) <= assigned, (candidate.think, candidate.source)


def test_units_convert_both_ways_with_the_factor_a_person_writes():
    family = conversion_family(TIME)
    forward = {"from": "h", "to": "s", "x": 53, "small": "", "_template": family.templates[0]}
    backward = {"from": "s", "to": "h", "x": 7200, "small": "", "_template": family.templates[0]}
    assert "seconds = hours * 3600" in family.solution(forward)
    assert "hours = seconds / 3600" in family.solution(backward)
    assert family.truth(forward) == 190800 and family.truth(backward) == 2


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_held_out_templates_ask_in_words_no_training_question_uses(family):
    rng = random.Random(family.name)
    test, train = [], []
    for _ in range(400):
        candidate = pipeline.sample_candidate(family, rng)
        template = family.templates[candidate.template_index].replace("{", "").replace("}", "")
        question = candidate.question
        (test if held_out(family.template_id(candidate.template_index)) else train).append((question, template))
    # A held-out question's words, less its frame, do not all occur in any training question of the family.
    train_words = [set(re.findall(r"[a-z]+", q.lower())) for q, _ in train]
    novel = 0
    for question, _ in test:
        words = set(re.findall(r"[a-z]+", question.lower()))
        novel += all(not words <= seen for seen in train_words)
    assert test and novel >= 0.8 * len(test)


def test_names_in_stories_keep_their_capital_after_an_opener():
    from worldmodel.data import phrasing
    from worldmodel.data.families.story import PEOPLE
    from worldmodel.data.families.system import _NAMES

    assert {name for name, _, _ in PEOPLE} | set(_NAMES) <= phrasing.PROPER_NAMES
    rng = random.Random(3)
    dressed = [phrasing.dress("Sarah has 12 apples and gives away 5. How many are left?", rng) for _ in range(200)]
    # Lower case only where the whole question was typed in lower case.
    assert all("Sarah has" in q or "sarah has 12 apples and gives away 5. how many are left?" in q for q in dressed)
