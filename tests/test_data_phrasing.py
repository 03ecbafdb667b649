"""Number and unit phrasing: every way of saying a number must read back to exactly that number."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from worldmodel.data import phrasing

_WORD_VALUES = {phrasing.number_words(n): n for n in range(100)}
_SCALES = {"k": 10**3, "M": 10**6, " million": 10**6, "bn": 10**9, " billion": 10**9}


def read_back(text: str) -> float:
    """Parse any form say_number produces, independently of how it was produced."""
    if text in _WORD_VALUES:
        return _WORD_VALUES[text]
    match = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?)(k|M| million|bn| billion)?", text)
    assert match, f"unexpected number form {text!r}"
    value = float(match.group(1).replace(",", ""))
    return value * _SCALES[match.group(2)] if match.group(2) else value


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.integers(0, 10**12), st.decimals(min_value=0, max_value=10**6, places=2).map(float)),
    st.integers(0, 2**32),
)
def test_every_number_form_reads_back_exactly(x, seed):
    rng = random.Random(seed)
    for _ in range(6):
        text = phrasing.say_number(x, rng)
        assert abs(read_back(text) - x) <= 1e-9 * max(1, abs(x)), (x, text)


def test_number_words_and_ordinals():
    assert phrasing.number_words(0) == "zero"
    assert phrasing.number_words(17) == "seventeen"
    assert phrasing.number_words(42) == "forty-two"
    assert phrasing.number_words(90) == "ninety"
    assert [phrasing.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def test_number_words_rejects_out_of_range():
    for bad in (-1, 100, 2.5):
        try:
            phrasing.number_words(bad)
        except ValueError:
            continue
        raise AssertionError(f"number_words({bad}) should fail")


def test_all_forms_appear():
    rng = random.Random(3)
    forms = {phrasing.say_number(12500, rng) for _ in range(200)}
    assert {"12500", "12,500", "12.5k"} <= forms
    assert "seven" in {phrasing.say_number(7, rng) for _ in range(200)}


def test_units_spelled_and_abbreviated_agree_with_the_number():
    rng = random.Random(5)
    said = {phrasing.say_quantity(1, "km", rng) for _ in range(50)} | {
        phrasing.say_quantity(3, "km", rng) for _ in range(50)
    }
    assert {"1 kilometer", "1 km", "3 kilometers", "3 km"} <= said
    assert "1 kilometers" not in said


def test_dress_keeps_the_question():
    rng = random.Random(9)
    for _ in range(200):
        dressed = phrasing.dress("What is 17 times 23?", rng)
        assert "17 times 23" in dressed
