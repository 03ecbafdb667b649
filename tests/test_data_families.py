"""Question families: enough of them, well-formed templates, and solutions that agree with the ground truth.

These run the solutions in CPython only (fast); tests/test_data_build.py checks the converter + runtime path.
"""

from __future__ import annotations

import ast
import math
import random
import re
import string
from pathlib import Path

import pytest

from worldmodel.data import families as families_package
from worldmodel.data.execute import run_cpython
from worldmodel.data.families import CHAT_TOPICS, FAMILIES, replies_for
from worldmodel.data.families.texts import _tables
from worldmodel.data.spec import STAGES, held_out
from worldmodel.wat import convert

SAMPLES_PER_FAMILY = 25
FAMILIES_DIR = Path(families_package.__file__).parent


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_enough_families_in_every_stage():
    assert len(FAMILIES) >= 30
    names = [f.name for f in FAMILIES]
    assert len(names) == len(set(names))
    for stage in STAGES:
        assert sum(f.stage == stage for f in FAMILIES) >= 8, stage


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_family_is_well_formed(family):
    train = [i for i in range(len(family.templates)) if not held_out(family.template_id(i))]
    test = [i for i in range(len(family.templates)) if held_out(family.template_id(i))]
    assert len(train) >= 3 and len(test) >= 1
    assert len(set(family.templates)) == len(family.templates), "duplicate template"
    assert family.refusals, "every family has at least one missing-data question"
    # Final sentences may only state the computed value: no digits of their own; with its unit when it has one.
    has_units = family.units(family.sample(random.Random(0))) is not None
    for pattern in family.finals:
        assert "{q}" in pattern if has_units else "{q}" in pattern or "{v}" in pattern, pattern
        assert not re.search(r"\d", pattern), pattern
    for _, reply in family.refusals:
        assert "<wat_model>" not in reply and "<computed>" not in reply


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_solutions_match_ground_truth_and_templates_fill(family):
    rng = random.Random(family.name)
    for index in range(SAMPLES_PER_FAMILY):
        params = family.params(index % len(family.templates), rng)
        slots = family.slots(params, rng)
        for template in family.templates + tuple(q for q, _ in family.refusals) + tuple(r for _, r in family.refusals):
            missing = _fields(template) - set(slots)
            assert not missing, f"{template!r} lacks {missing}"
        for pattern in family.finals + family.think:
            assert not _fields(pattern) - set(slots) - {"q", "v"}, pattern
        source = family.solution(params)
        assert len(source.splitlines()) <= 8, "solutions stay short: the model copies their WAT token by token"
        printed = run_cpython(source)
        truth = family.truth(params)
        assert math.isclose(float(printed), truth, rel_tol=family.tolerance, abs_tol=1e-9), (source, printed, truth)


def _wat_shape(source: str) -> str:
    """The converted program with its literal values blanked: what the model learns apart from the numbers."""
    return re.sub(r"\b(i32|i64|f64)\.const [^)]+", r"\1.const _", convert(source))


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_program_types_do_not_follow_the_sampled_value(family):
    # A quantity that is sometimes sampled whole and sometimes not must be written the same way in both cases;
    # otherwise the model learns the i64 shape and copies "6.5" into an `i64.const`, which does not compile.
    rng = random.Random(f"types-{family.name}")
    samples = [family.params(i % len(family.templates), rng) for i in range(300)]
    kinds: dict[str, set[type]] = {}
    for params in samples:
        for key, value in params.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                kinds.setdefault(key, set()).add(type(value))
    mixed = [key for key, types in kinds.items() if types == {int, float}]
    for params in samples[:: len(samples) // 10]:
        for key in mixed:
            whole, fractional = dict(params), dict(params)
            whole[key] = max(1, round(params[key]))
            fractional[key] = whole[key] + 0.5
            assert _wat_shape(family.solution(whole)) == _wat_shape(family.solution(fractional)), (key, params)


def test_chat_topics_have_replies_and_held_out_prompts():
    assert len(CHAT_TOPICS) >= 5
    for topic in CHAT_TOPICS:
        for index in range(len(topic.prompts)):
            assert replies_for(topic, index)
            for reply in replies_for(topic, index):
                assert "<wat_model>" not in reply
    held = [held_out(t.template_id(i)) for t in CHAT_TOPICS for i in range(len(t.prompts))]
    assert any(held) and not all(held)


def test_every_texts_table_is_named_in_the_python():
    """A table in families/texts/*.toml that no declaration names (a misspelt family) would be left out silently."""
    strings = {node.value for path in FAMILIES_DIR.glob("*.py") for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert sorted(set(_tables()) - strings) == []
