"""The dataset pipeline: sample → question + solution → convert → run → check → row.

Everything random comes from one `random.Random(seed)`, drawn in a fixed order, so a seed gives
byte-identical files. Checking (CPython, converter, runtime) is a pure function of the solution and may run
in worker processes without changing the result.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from worldmodel import protocol
from worldmodel.data import gsm8k, phrasing
from worldmodel.data.execute import Execution, execute, matches_truth
from worldmodel.data.execute import logic_answer
from worldmodel.data.families import CHAT_TOPICS, FAMILIES, LOGIC_FAMILIES, replies_for
from worldmodel.data.spec import Family, held_out, say_answer

SPLITS = ("train", "validation", "test")
VALIDATION_FRACTION = 0.08
PER_FAMILY = 300  # sampled questions per family (the published adapter: 57 families, ~17,000 rows); today's counts: docs/dataset-card.md
REFUSALS_PER_TEMPLATE = 4
PLAIN_REL_TOL = 1e-3  # the schema's default; rows without an answer never use it
DUPLICATE = "duplicate"
BENCHMARK_QUESTION = "benchmark_question"  # a sampled question that a hand-written benchmark asks: never trained on
BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
TOO_LONG = "too_long"
FOLLOW_UP_EVERY = 12  # one sampled question in 12 gets a follow-up turn that changes one of its numbers
FOLLOW_UPS = (
    "What if it were {new} instead of {old}?",
    "And with {new} instead of {old}?",
    "Same question, but {new} in place of {old}.",
    "Now try {new} instead of {old}.",
    "ok and if {old} was {new}?",
    "How about {new} rather than {old}?",
)
# One row in 10 is asked in a chat that has already answered an unrelated question (another family): the model must
# answer it from its own numbers. Measured (2026-11-30): the published adapter, trained on single questions only,
# answered 0 of the 28 human questions after one unrelated earlier turn, against 21 of 28 alone.
NEW_QUESTION_EVERY = 10
PREVIOUS_TURN_DRAWS = 20  # draws for an earlier turn of another family before the row stays a single turn
# Training packs turns into a 2k context; one example must leave room for the chat template and more.
MAX_TOKENS = 1024


@dataclass
class Candidate:
    """A sampled question with its solution, waiting for the execution check."""

    family: Family
    template_index: int
    question: str
    source: str
    truth: float | int
    units: str | None
    think: str
    final_pattern: str
    slots: dict[str, str]
    answer_rng_state: int  # seeds the unit spelling in the final sentence, drawn before execution
    params: dict = field(default_factory=dict)  # the sampled numbers (a follow-up question changes one)


@dataclass
class BuildResult:
    rows: list[dict]
    drops: Counter = field(default_factory=Counter)  # reason -> count
    drops_by_family: dict[str, Counter] = field(default_factory=dict)
    drop_examples: dict[str, str] = field(default_factory=dict)  # reason -> one detail line
    token_lengths: dict[str, int] = field(default_factory=dict)  # row id -> tokens (when counted)

    def drop(self, reason: str, family: str, detail: str = "") -> None:
        self.drops[reason] += 1
        self.drops_by_family.setdefault(family, Counter())[reason] += 1
        self.drop_examples.setdefault(reason, f"{family}: {detail}"[:300])


def sample_candidate(family: Family, rng: random.Random) -> Candidate:
    index = rng.randrange(len(family.templates))
    params = family.params(index, rng)
    slots = family.slots(params, rng)
    question = phrasing.tidy(phrasing.dress(family.templates[index].format(**slots), rng))
    return _candidate(family, index, question, params, slots, rng)


def _candidate(family: Family, index: int, question: str, params: dict, slots: dict, rng: random.Random) -> Candidate:
    """The question with its program, truth and the rest drawn from `rng` (plan, final sentence, answer seed)."""
    return Candidate(
        family=family,
        template_index=index,
        question=question,
        source=family.solution(params),
        truth=family.truth(params),
        units=family.units(params),
        think=rng.choice(family.think).format(**slots),
        final_pattern=rng.choice(family.finals),
        slots=slots,
        answer_rng_state=rng.getrandbits(32),
        params=params,
    )


def _checked_row(candidate: Candidate, execution: Execution, row_id: str, result: BuildResult) -> dict | None:
    """The row of a candidate whose program ran and printed its ground truth; else the drop is counted."""
    family = candidate.family
    if execution.drop_reason is not None:
        result.drop(execution.drop_reason, family.name, execution.detail)
        return None
    ok, reason = matches_truth(execution.computed_text, candidate.truth, family.tolerance)
    if not ok:
        result.drop(reason, family.name, f"{execution.computed_text!r} vs truth {candidate.truth!r} for {candidate.source!r}")
        return None
    final = _final_sentence(candidate, execution.computed_text)
    reply = protocol.assistant_turn(candidate.think, execution.wat, execution.computed_block, final, kind=family.language)
    return _row(row_id, "", family.stage, family.name, family.template_id(candidate.template_index),
                candidate.question, candidate.truth, family.tolerance, candidate.units, reply)


def follow_up_candidate(parent: Candidate, rng: random.Random) -> Candidate | None:
    """The parent's question asked again with one number changed ("And with 40 instead of 25?"): the reply is a
    whole new, self-contained module. None when no number of the question can be swapped cleanly."""
    family = parent.family
    params = parent.params
    fresh = family.sample(rng)
    swappable = [
        key for key, value in params.items()
        if not key.startswith("_") and type(value) in (int, float) and type(fresh.get(key)) is type(value)
        and fresh[key] != value and parent.slots.get(key) == phrasing.plain(value)
        and len(_standalone(parent.slots[key]).findall(parent.question)) == 1  # "6" is not in "96" or "6.5"
    ]
    if not swappable:
        return None
    key = rng.choice(swappable)
    changed = {**params, key: fresh[key]}
    derived = _derived_slots(family, params, changed, key, parent.question)
    if derived is None:
        return None
    slots = {**parent.slots, **derived, key: phrasing.plain(fresh[key])}
    question = rng.choice(FOLLOW_UPS).format(old=parent.slots[key], new=slots[key])
    try:
        candidate = _candidate(family, parent.template_index, question, changed, slots, rng)
    except (ValueError, ArithmeticError):  # the new number makes the question impossible (a 30 February)
        return None
    # A plan the family rendered into its sampled parameters (a string) cannot follow the change: a think step that
    # still states the old number would contradict its own module, so no follow-up is made from it.
    if _standalone(parent.slots[key]).search(candidate.think) or candidate.source == parent.source:
        return None
    return candidate


def _standalone(number: str) -> re.Pattern:
    """`number` as a whole number in text: not a part of a longer one ("6" in "96", "39" in "39.7")."""
    return re.compile(rf"(?<![\d.]){re.escape(number)}(?!\d|\.\d)")


def _derived_slots(family: Family, params: dict, changed: dict, key: str, question: str) -> dict[str, str] | None:
    """The slots computed from the numbers (a plan, a total) re-rendered after `key` changed, so that the
    follow-up's think step states the new plan, not the parent's. Both renderings draw the same phrasing choices
    (one seed); None when the change moved a choice the question shows (a name, a spelling), i.e. the renderer's
    choices depend on the values and the two cannot be aligned."""
    seed = random.Random(repr(sorted(params.items()))).getrandbits(32)
    before, after = family.slots(params, random.Random(seed)), family.slots(changed, random.Random(seed))
    moved = {name: value for name, value in after.items() if before.get(name) != value}
    if any(name != key and before.get(name) and before[name] in question for name in moved):
        return None
    return moved


def _final_sentence(candidate: Candidate, computed_text: str) -> str:
    rng = random.Random(candidate.answer_rng_state)
    said = say_answer(computed_text, candidate.units, rng)
    family = candidate.family
    answer = family.answer_slots(candidate.params, logic_answer(computed_text)) if family.answer_slots else {}
    return candidate.final_pattern.format(**{**candidate.slots, "q": said, "v": computed_text, **answer})


def _row(
    row_id: str,
    split: str,
    stage: str,
    family: str,
    template: str,
    question: str,
    answer: float | int | None,
    rel_tol: float,
    units: str | None,
    reply: str,
) -> dict:
    return {
        "id": row_id,
        "split": split,
        "stage": stage,
        "family": family,
        "template": template,
        "question": question,
        "answer": answer,
        "rel_tol": rel_tol,
        "units": units,
        "messages": [{"role": "user", "content": question}, {"role": "assistant", "content": reply}],
    }


def _normalized(question: str) -> str:
    return " ".join(question.lower().split())


def benchmark_questions(folder: Path) -> frozenset[str]:
    """The hand-written evaluation questions (benchmarks/human_questions*.jsonl), normalized for comparison."""
    questions = set()
    for path in sorted(folder.glob("human_questions*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            questions |= {_normalized(json.loads(line)["question"]) for line in handle if line.strip()}
    return frozenset(questions)


def _executions(sources: list[str], workers: int, languages: list[str] | None = None) -> list[Execution]:
    languages = languages or ["python"] * len(sources)
    if workers <= 1:
        return [execute(source, language) for source, language in zip(sources, languages, strict=True)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(execute, sources, languages, chunksize=16))


def build(
    seed: int = 0,
    per_family: int = PER_FAMILY,
    *,
    families: Iterable[Family] | None = None,
    chat: bool = True,
    refusals: bool = True,
    workers: int = 1,
    count_tokens: Callable[[list[dict]], int] | None = None,
    gsm8k_corpus: Path | None = None,
    gsm8k_train: int | None = None,
) -> BuildResult:
    """Generate, check and split the dataset. `count_tokens(messages)` enables the length check; `gsm8k_corpus`
    adds the human-written word problems that convert to checked programs (data/gsm8k.py); `gsm8k_train` caps
    how many of them are training rows (the held-out slices are always whole)."""
    rng = random.Random(seed)
    families = list([*FAMILIES, *LOGIC_FAMILIES] if families is None else families)
    result = BuildResult(rows=[])

    candidates = [sample_candidate(family, rng) for family in families for _ in range(family.rows(per_family))]
    executions = _executions([c.source for c in candidates], workers, [c.family.language for c in candidates])

    seen: set[str] = set()
    benchmark = benchmark_questions(BENCHMARKS)
    computed_rows: list[dict] = []
    for number, (candidate, execution) in enumerate(zip(candidates, executions, strict=True)):
        if _normalized(candidate.question) in benchmark:
            result.drop(BENCHMARK_QUESTION, candidate.family.name, candidate.question)
            continue
        row = _checked_row(candidate, execution, f"{candidate.family.name}-{number:05d}", result)
        if row is not None and candidate.question not in seen:
            seen.add(candidate.question)
            computed_rows.append(row)
        elif row is not None:
            result.drop(DUPLICATE, candidate.family.name, candidate.question)

    # Follow-up turns: a later question in the same chat that changes one number; its module stands alone.
    parents = [(row, candidates[int(row["id"].rsplit("-", 1)[1])]) for row in computed_rows[::FOLLOW_UP_EVERY]]
    follow_ups = [(row, follow_up_candidate(parent, rng)) for row, parent in parents]
    follow_ups = [(row, candidate) for row, candidate in follow_ups if candidate is not None]
    for (parent_row, candidate), execution in zip(
        follow_ups,
        _executions([c.source for _, c in follow_ups], workers, [c.family.language for _, c in follow_ups]),
        strict=True,
    ):
        row = _checked_row(candidate, execution, parent_row["id"] + "-f", result)
        if row is not None:
            row["history"] = parent_row["messages"]
            row["messages"] = parent_row["messages"] + row["messages"]
            computed_rows.append(row)

    if gsm8k_corpus is not None:
        problems, trained = [], 0
        for number, problem in enumerate(gsm8k.load(gsm8k_corpus)):  # corpus line numbers name the rows
            if gsm8k.split_of(problem["question"]) == "train":
                trained += 1
                if gsm8k_train is not None and trained > gsm8k_train:
                    continue
            problems.append((number, problem))
        computed_rows += gsm8k_rows(problems, rng, seen, result, workers)

    plain_rows: list[dict] = []
    if refusals:
        plain_rows += refusal_rows(families, rng, seen)
    if chat:
        plain_rows += chat_rows(rng, seen)

    assign_splits(computed_rows + plain_rows, rng)
    ask_in_running_chats(computed_rows + plain_rows, rng)
    rows = []
    for row in computed_rows + plain_rows:
        if count_tokens is not None:
            length = count_tokens(row["messages"])
            if length > MAX_TOKENS and "previous" in row:  # too long after an earlier turn: asked on its own
                row["messages"] = row["messages"][len(row.pop("history")):]
                del row["previous"]
                length = count_tokens(row["messages"])
            if length > MAX_TOKENS:
                result.drop(TOO_LONG, row["family"], f"{length} tokens")
                continue
            result.token_lengths[row["id"]] = length
        rows.append(row)
    result.rows = rows
    return result


def ask_in_running_chats(rows: list[dict], rng: random.Random) -> None:
    """Every NEW_QUESTION_EVERY-th single-turn row gets an earlier, unrelated turn as its history: a row of another
    family from the same split (so no test question is trained on), sent whole as chat_context sends the previous
    turn. `previous` names that row."""
    single = [row for row in rows if not row.get("history")]
    asked_later = single[::NEW_QUESTION_EVERY]
    chosen = {id(row) for row in asked_later}
    earlier_turns: dict[str, list[dict]] = {}  # split -> rows that stay single turns
    for row in single:
        if id(row) not in chosen:
            earlier_turns.setdefault(row["split"], []).append(row)
    for row in asked_later:
        pool = earlier_turns.get(row["split"])
        if not pool:
            continue
        draws = (rng.choice(pool) for _ in range(PREVIOUS_TURN_DRAWS))
        previous = next((other for other in draws if other["family"] != row["family"]), None)
        if previous is None:
            continue
        row["history"] = previous["messages"]
        row["previous"] = previous["id"]
        row["messages"] = previous["messages"] + row["messages"]


GSM8K_FINALS = ("The answer is {v}.", "{v}.", "So the answer is {v}.", "That makes {v}.", "It comes to {v}.")


def gsm8k_rows(problems: list[tuple[int, dict]], rng: random.Random, seen: set[str], result: BuildResult,
               workers: int) -> list[dict]:
    """GSM8K problems whose annotated calculations become a program that prints the dataset's answer.

    The split comes from a hash of the question (gsm8k.split_of), so the held-out slice never changes with the seed.
    """
    converted: list[tuple[int, gsm8k.Problem]] = []
    for number, problem in problems:
        try:
            converted.append((number, gsm8k.convert_problem(problem["question"], problem["answer"])))
        except gsm8k.Unconvertible as error:
            reason, _, detail = str(error).partition(":")
            result.drop(f"gsm8k_{reason}", gsm8k.FAMILY, detail.strip() or problem["question"][:120])
    executions = _executions([problem.source for _, problem in converted], workers)
    rows = []
    for (number, problem), execution in zip(converted, executions, strict=True):
        if execution.drop_reason is not None:
            result.drop(execution.drop_reason, gsm8k.FAMILY, execution.detail)
            continue
        ok, reason = matches_truth(execution.computed_text, float(problem.answer), gsm8k.REL_TOL)
        if not ok:
            result.drop(reason, gsm8k.FAMILY, f"{execution.computed_text!r} vs {problem.answer} for {problem.source!r}")
            continue
        if problem.question in seen:
            result.drop(DUPLICATE, gsm8k.FAMILY, problem.question)
            continue
        seen.add(problem.question)
        final = rng.choice(GSM8K_FINALS).format(v=execution.computed_text)
        row = _row(
            f"{gsm8k.FAMILY}-{number:05d}",
            gsm8k.split_of(problem.question),
            gsm8k.STAGE,
            gsm8k.FAMILY,
            gsm8k.FAMILY,
            problem.question,
            float(problem.answer) if problem.answer.denominator != 1 else int(problem.answer),
            gsm8k.REL_TOL,
            None,
            protocol.assistant_turn(problem.plan, execution.wat, execution.computed_block, final),
        )
        rows.append(row)
    return rows


def refusal_rows(families: list[Family], rng: random.Random, seen: set[str]) -> list[dict]:
    """Questions missing a number they need: the reply asks for it and computes nothing."""
    rows = []
    for family in families:
        for index, (question_template, reply_template) in enumerate(family.refusals):
            for copy in range(REFUSALS_PER_TEMPLATE):
                slots = family.slots(family.sample(rng), rng)
                question = phrasing.tidy(phrasing.dress(question_template.format(**slots), rng))
                if question in seen:
                    continue
                seen.add(question)
                rows.append(
                    _row(
                        f"{family.name}-r{index:02d}-{copy}",
                        "",
                        "refusal",
                        family.name,
                        family.refusal_id(index),
                        question,
                        None,
                        PLAIN_REL_TOL,
                        None,
                        rng.choice(phrasing.REFUSAL_LEADS) + reply_template.format(**slots),
                    )
                )
    return rows


def chat_rows(rng: random.Random, seen: set[str]) -> list[dict]:
    """Plain chat turns: every prompt variant once, with one of the topic's replies."""
    rows = []
    for topic in CHAT_TOPICS:
        for index, prompt in enumerate(topic.prompts):
            # As written, and (for topics where it reads naturally) once more with a chatty opener/closer.
            variants = [prompt, phrasing.dress(prompt, rng)] if topic.dressable else [prompt]
            for copy, question in enumerate(variants):
                if question in seen:
                    continue
                seen.add(question)
                rows.append(
                    _row(
                        f"{topic.name}-{index:02d}-{copy}",
                        "",
                        "chat",
                        topic.name,
                        topic.template_id(index),
                        question,
                        None,
                        PLAIN_REL_TOL,
                        None,
                        rng.choice(replies_for(topic, index)),
                    )
                )
    return rows


def assign_splits(rows: list[dict], rng: random.Random) -> None:
    """Test = every row of a held-out template (new phrasings); validation = a random slice of the rest.

    Rows that come with a split (GSM8K's hashed slice) keep it."""
    for row in rows:
        if row["split"]:
            continue
        if held_out(row["template"]):
            row["split"] = "test"
        elif rng.random() < VALIDATION_FRACTION:
            row["split"] = "validation"
        else:
            row["split"] = "train"


def write_splits(result: BuildResult, out: Path, rng_seed: int) -> dict[str, Path]:
    """One JSONL file per split, rows shuffled (deterministically) within each file."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rng_seed)
    paths = {}
    for split in SPLITS:
        rows = [row for row in result.rows if row["split"] == split]
        rng.shuffle(rows)
        path = out / f"{split}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        paths[split] = path
    return paths
