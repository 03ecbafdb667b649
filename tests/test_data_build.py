"""The dataset pipeline end to end: every kept row re-runs in the runtime and matches its ground truth,
splits hold out whole templates, failures are dropped and counted, and a seed gives byte-identical files.

Builds use one sampled question per family (plus refusals and chat), so the suite stays well under a minute.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections import Counter
import subprocess
import sys
from pathlib import Path

import pytest

from worldmodel import protocol
from worldmodel.data import build as pipeline
from worldmodel.data.execute import CONVERSION, PYTHON_ERROR, TRUTH_MISMATCH
from worldmodel.data.families import FAMILIES, LOGIC_FAMILIES
from worldmodel.data.spec import STAGES, Family, held_out, program
from worldmodel.runtime import run_wat

# A different seed per CI run would make failures hard to reproduce; the families' own tests sample widely.
CI_SEED = 20261122


@pytest.fixture(scope="module")
def small_build() -> pipeline.BuildResult:
    return pipeline.build(CI_SEED, per_family=1)


def test_every_kept_computed_row_reruns_and_matches_ground_truth(small_build):
    logic = {f.name for f in LOGIC_FAMILIES}  # ByteLog rows: tests/test_data_logic.py
    computed_rows = [row for row in small_build.rows if row["stage"] in STAGES and row["family"] not in logic]
    # Nearly every family must survive the checks; a family that never converts is a regression.
    assert len({row["family"] for row in computed_rows}) >= 0.9 * len(FAMILIES), small_build.drops
    for row in computed_rows:
        turn = row["messages"][-1]["content"]
        answer = protocol.parse_answer(turn)
        assert answer.blocks == ["think", "wat", "computed"], turn
        assert answer.computed_error is None
        rerun = run_wat(answer.wat)
        assert rerun.ok, (row["id"], rerun.error_kind, rerun.error_message)
        assert rerun.computed_text == answer.computed
        assert math.isclose(float(answer.computed), row["answer"], rel_tol=row["rel_tol"], abs_tol=1e-9), row["id"]
        # The final sentence quotes the computed text and states no other number.
        assert answer.computed in answer.final
        assert protocol.unsupported_numbers(answer.final, answer.computed) == [], (row["id"], answer.final)
        assert row["messages"][-2] == {"role": "user", "content": row["question"]}
        assert row["messages"][:-2] == row.get("history", [])


def test_follow_up_turns_change_one_number_and_write_a_whole_new_module():
    result = pipeline.build(seed=3, per_family=36, families=FAMILIES[:8], chat=False, refusals=False)
    follow_ups = [row for row in result.rows if row.get("history") and "previous" not in row]
    assert len(follow_ups) >= 8
    for row in follow_ups:
        first, second = (protocol.parse_answer(row["messages"][i]["content"]) for i in (1, 3))
        assert first.wat != second.wat and second.wat.startswith("(module")
        assert run_wat(second.wat).computed_text == second.computed  # self-contained: runs without the first
        literals = lambda wat: Counter(re.findall(r"const (-?[\d.]+)", wat))  # noqa: E731
        changed = set(literals(second.wat) - literals(first.wat))
        asked = {text.rstrip(".") for text in re.findall(r"-?\d[\d.]*", row["question"])}
        assert any(value.removesuffix(".0") in asked for value in changed), (row["question"], changed)
        # The think step states the new plan: a plan with numbers in it changes with them (it was the parent's).
        numbers = lambda think: Counter(re.findall(r"\d+(?:\.\d+)?", think or ""))  # noqa: E731
        if numbers(first.think):
            assert numbers(second.think) != numbers(first.think), (row["question"], first.think, second.think)


def test_some_questions_come_after_an_unrelated_turn_of_the_same_split(small_build):
    rows = {row["id"]: row for row in small_build.rows}
    asked_later = [row for row in small_build.rows if "previous" in row]
    single = [row for row in small_build.rows if not row.get("history")]
    assert len(asked_later) >= len(single) // pipeline.NEW_QUESTION_EVERY - 2
    for row in asked_later:
        previous = rows[row["previous"]]
        # The earlier turn is another family's whole single-turn row from the same split (no test row trains).
        assert row["history"] == previous["messages"] and len(previous["messages"]) == 2
        assert previous["family"] != row["family"] and previous["split"] == row["split"]
        assert row["messages"] == row["history"] + [{"role": "user", "content": row["question"]},
                                                    row["messages"][-1]]
        answer = protocol.parse_answer(row["messages"][-1]["content"])
        if answer.wat is not None:  # the reply's module stands alone
            assert run_wat(answer.wat).computed_text == answer.computed


def test_a_question_too_long_after_an_earlier_turn_is_asked_on_its_own():
    turns = lambda messages: 600 * (len(messages) // 2)  # noqa: E731  (one turn fits MAX_TOKENS, two do not)
    options = dict(seed=5, per_family=12, families=FAMILIES[:6], chat=False, refusals=False)
    unlimited, limited = pipeline.build(**options), pipeline.build(**options, count_tokens=turns)
    asked_later = [row["id"] for row in unlimited.rows if "previous" in row]
    assert asked_later and not any("previous" in row for row in limited.rows)
    single = {row["id"]: row for row in limited.rows if len(row["messages"]) == 2}
    assert all(row_id in single for row_id in asked_later)  # kept, as single questions
    follow_ups = len(unlimited.rows) - len(limited.rows)
    assert limited.drops[pipeline.TOO_LONG] == follow_ups  # only follow-ups, which need their earlier turn


def test_plain_rows_have_no_program(small_build):
    plain = [row for row in small_build.rows if row["stage"] in ("refusal", "chat")]
    assert {row["stage"] for row in plain} == {"refusal", "chat"}
    for row in plain:
        answer = protocol.parse_answer(row["messages"][-1]["content"])
        assert answer.wat is None and answer.computed is None and answer.final
        assert row["answer"] is None


def test_test_split_is_exactly_the_held_out_templates(small_build):
    splits = {row["split"] for row in small_build.rows}
    assert splits <= set(pipeline.SPLITS)
    for row in small_build.rows:
        assert (row["split"] == "test") == held_out(row["template"]), row["id"]
    ids = [row["id"] for row in small_build.rows]
    assert len(ids) == len(set(ids))


def _bad_family(name: str, solution, truth) -> Family:
    return Family(
        name=name,
        stage="basic",
        templates=("What is {a} + 1?", "Add one to {a}.", "{a} plus one?", "Increment {a}."),
        sample=lambda rng: {"a": rng.randint(1, 100)},
        solution=solution,
        truth=truth,
        think=("Add one.",),
        refusals=(("Add one to it.", "Add one to what number?"),),
    )


def test_failing_examples_are_dropped_and_counted():
    wrong_truth = _bad_family("wrong_truth", lambda p: program(f"print({p['a']} + 1)"), lambda p: p["a"] + 2)
    crashing = _bad_family("crashing", lambda p: program(f"print({p['a']} // 0)"), lambda p: p["a"] + 1)
    unconvertible = _bad_family(
        "unconvertible",
        lambda p: program("import os", f"print(len(os.getcwd()) * 0 + {p['a']} + 1)"),
        lambda p: p["a"] + 1,
    )
    result = pipeline.build(
        1, per_family=3, families=[wrong_truth, crashing, unconvertible], chat=False, refusals=False
    )
    assert result.rows == []
    assert result.drops_by_family["wrong_truth"][TRUTH_MISMATCH] == 3
    assert result.drops_by_family["crashing"][PYTHON_ERROR] == 3
    assert result.drops_by_family["unconvertible"][CONVERSION] == 3


# Builds a few families, writes the splits and the card; run in this process and in a fresh one.
_BUILD_SCRIPT = """
import json, sys
from pathlib import Path
from worldmodel.data import build as pipeline
from worldmodel.data.card import render_card
from worldmodel.data.families import FAMILIES

out, seed, names = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
families = [f for f in FAMILIES if f.name in names]
result = pipeline.build(seed, per_family=2, families=families)
pipeline.write_splits(result, out, seed)
(out / "card.md").write_text(render_card(result, seed=seed, per_family=2, families=families), encoding="utf-8")
"""


def _build_files(out: Path, seed: int, names: list[str], hash_seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", _BUILD_SCRIPT, str(out), str(seed), json.dumps(names)], check=True, env=env)
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_same_seed_gives_byte_identical_output(tmp_path):
    names = sorted(f.name for f in random.Random(0).sample(FAMILIES, 8))
    # Two fresh interpreters with different hash seeds: set/dict-order accidents would show here.
    first = _build_files(tmp_path / "a", 5, names, hash_seed="1")
    second = _build_files(tmp_path / "b", 5, names, hash_seed="12345")
    assert set(first) == {"train.jsonl", "validation.jsonl", "test.jsonl", "card.md"}
    assert sum(len(first[f"{split}.jsonl"]) for split in pipeline.SPLITS) > 0
    assert first == second
    assert _build_files(tmp_path / "c", 6, names, hash_seed="1") != first


def test_cli_writes_splits_card_and_drop_counts(tmp_path, capsys):
    from worldmodel import cli

    card_path = tmp_path / "docs" / "dataset-card.md"
    argv = [
        "data",
        "build",
        "--out",
        str(tmp_path / "out"),
        "--per-family",
        "1",
        "--workers",
        "1",
        "--card",
        str(card_path),
    ]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert re.search(r"dropped \d+ of \d+ candidates", printed)
    rows = [json.loads(line) for split in pipeline.SPLITS for line in (tmp_path / "out" / f"{split}.jsonl").open()]
    assert {"train", "test"} <= {row["split"] for row in rows} <= set(pipeline.SPLITS)
    card = card_path.read_text()
    assert card == (tmp_path / "out" / "README.md").read_text()
    for section in (
        "## Rows per stage and split",
        "## Families",
        "## Dropped candidates",
        "## Token lengths",
        "## Example rows",
    ):
        assert section in card
    assert f"{len(rows)} rows" in card
    from worldmodel.data import gsm8k

    if gsm8k.DEFAULT_CORPUS.is_file():  # the whole held-out slice, converted or not, for `worldmodel eval --questions`
        held_out = [json.loads(line) for line in (tmp_path / "out" / "gsm8k_test.jsonl").open()]
        converted = [row for row in rows if row["family"] == gsm8k.FAMILY and row["split"] == "test"]
        assert len(held_out) > len(converted) > 0
        assert {row["question"] for row in converted} <= {question["question"] for question in held_out}


def test_benchmark_questions_are_never_trained_on(monkeypatch, tmp_path):
    """A sampled question that a hand-written benchmark asks is dropped, whatever its case and spacing."""
    probe = pipeline.build(seed=5, per_family=3, families=FAMILIES[:2], chat=False, refusals=False)
    asked = probe.rows[0]["question"]
    (tmp_path / "human_questions_probe.jsonl").write_text(json.dumps({"question": " " + asked.upper(), "answer": 1}) + "\n")
    monkeypatch.setattr(pipeline, "BENCHMARKS", tmp_path)
    again = pipeline.build(seed=5, per_family=3, families=FAMILIES[:2], chat=False, refusals=False)
    assert asked not in {row["question"] for row in again.rows}
    assert again.drops[pipeline.BENCHMARK_QUESTION] == 1


def test_the_committed_benchmarks_are_read():
    questions = pipeline.benchmark_questions(pipeline.BENCHMARKS)
    assert "what's 17 x 23" in questions and len(questions) >= 28 + 50


def test_narrow_families_get_their_share_of_rows():
    narrow = next(f for f in FAMILIES if f.share < 1)
    general = next(f for f in FAMILIES if f.share == 1)
    result = pipeline.build(seed=2, per_family=10, families=[narrow, general], chat=False, refusals=False)
    assert sum(result.drops.values()) == 0
    counts = Counter(row["family"] for row in result.rows if not row.get("history") or "previous" in row)
    assert counts[general.name] == 10 and counts[narrow.name] == narrow.rows(10) < 10


def test_a_follow_up_that_makes_the_question_impossible_is_skipped():
    """Swapping one number can produce a 30 February: the family's truth raises, and no follow-up is made."""
    date_days = next(f for f in FAMILIES if f.name == "date_days")
    rng = random.Random(0)
    parents = [pipeline.sample_candidate(date_days, rng) for _ in range(400)]
    made = [pipeline.follow_up_candidate(parent, rng) for parent in parents]
    assert any(candidate is None for candidate in made) and any(candidate is not None for candidate in made)
