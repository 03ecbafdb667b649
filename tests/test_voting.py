"""Voting over executed programs and retrying failed modules (worldmodel.voting)."""

from __future__ import annotations

import numpy as np
import pytest

from worldmodel.voting import answer, tally, value_key

WAT = '(module (func (export "main") (result i64) (i64.mul (i64.const {a}) (i64.const {b}))))'


def turn(a: int, b: int) -> str:
    return f"<think>Multiply.</think>\n<wat_model>\n{WAT.format(a=a, b=b)}\n</wat_model>\nIt is {a * b}."


BROKEN = "<think>Multiply.</think>\n<wat_model>\n(module (func (export \"main\") (i64.const 6.5)))\n</wat_model>\nIt is 6."


class ScriptsBackend:
    """Writes scripts[0] for the first answer, scripts[1] for the next, … (each `reset` starts the next one)."""

    name = "scripts"

    def __init__(self, tokenizer, scripts: list[str], eos_id: int = 2):
        self.tokenizer = tokenizer.backend_tokenizer
        self.eos_token_ids = frozenset({eos_id})
        self.scripts = [self.tokenizer.encode(s, add_special_tokens=False).ids + [eos_id] for s in scripts]
        self.vocab = self.tokenizer.get_vocab_size()
        self.answers = -1

    def reset(self) -> None:
        self.answers += 1
        self.position = 0

    def forward(self, token_ids: list[int]) -> np.ndarray:
        script = self.scripts[min(self.answers, len(self.scripts) - 1)]
        logits = np.full(self.vocab, -1e9, dtype=np.float32)
        logits[script[min(self.position, len(script) - 1)]] = 0.0
        self.position += 1
        return logits


class BatchedScriptsBackend(ScriptsBackend):
    """A ScriptsBackend that also takes a batch: row i writes scripts[i] (all share the prompt's first token)."""

    def batch(self, rows: int):
        backend = self

        class Batch:
            def __init__(self):
                self.rows = [[self.script(i), 1] for i in range(rows)]
                backend.batch_steps = 0

            @staticmethod
            def script(i):
                return backend.scripts[min(i, len(backend.scripts) - 1)]

            def keep(self, kept):
                self.rows = [self.rows[r] for r in kept]

            def forward(self, requests):
                assert len(requests) == len(self.rows) and all(requests)
                backend.batch_steps += 1
                out = []
                for row in self.rows:
                    logits = np.full(backend.vocab, -1e9, dtype=np.float32)
                    logits[row[0][min(row[1], len(row[0]) - 1)]] = 0.0
                    row[1] += 1
                    out.append(logits)
                return out

        return Batch()


@pytest.fixture(scope="module")
def tokenizer():
    from worldmodel.model import load_tokenizer

    return load_tokenizer(None)


def test_numbers_agree_by_value():
    assert value_key("12") == value_key("12.0") == value_key(" 12.000000000001 ")
    assert value_key("12") != value_key("13")
    assert value_key("Alice, Bob") == "Alice, Bob"


def test_the_majority_wins_and_reports_how_many_agreed():
    vote = tally(["6", "7", "7", None, "7.0"])
    assert (vote.value, vote.agreed, vote.k, vote.failed, vote.tie) == ("7", 3, 5, 1, False)
    assert vote.summary() == "3 of 5 programs agreed"


def test_a_tie_goes_to_the_first_programs_value_else_to_the_first_value_seen():
    assert tally(["6", "7", "7", "6"]).value == "6" and tally(["6", "7", "7", "6"]).tie
    vote = tally([None, "8", "9"])
    assert (vote.value, vote.tie, vote.agreed) == ("8", True, 1)
    assert "tie" in vote.summary()


def test_all_failed_is_explicit():
    vote = tally([None, None, None])
    assert (vote.value, vote.agreed, vote.failed) == (None, 0, 3)
    assert vote.summary() == "all 3 programs failed"


def test_answer_by_vote_uses_the_value_most_programs_computed(tokenizer):
    backend = ScriptsBackend(tokenizer, [turn(2, 3), turn(3, 3), BROKEN, turn(3, 3), turn(1, 9)])
    result, vote, attempts = answer(backend, "What is 3 times 3?", votes=5)
    assert len(attempts) == 5
    assert result.computed == "9" and result.final == "It is 9."
    assert (vote.value, vote.agreed, vote.failed, vote.tie) == ("9", 3, 1, False)
    assert [a.computed_error is None for a in attempts] == [True, True, False, True, True]


def test_a_failed_module_is_retried_up_to_the_limit(tokenizer):
    backend = ScriptsBackend(tokenizer, [BROKEN, BROKEN, turn(4, 5)])
    result, vote, attempts = answer(backend, "What is 4 times 5?", retries=2)
    assert len(attempts) == 3 and result.computed == "20" and vote.agreed == 1 and vote.failed == 2
    backend = ScriptsBackend(tokenizer, [BROKEN, BROKEN, turn(4, 5)])
    result, vote, attempts = answer(backend, "What is 4 times 5?", retries=1)
    assert len(attempts) == 2 and result.computed_error is not None and "could not compute" in result.final
    assert vote.agreed == 0


def test_no_retry_without_a_program(tokenizer):
    backend = ScriptsBackend(tokenizer, ["Hello!", turn(4, 5)])
    result, _, attempts = answer(backend, "Hi", retries=3)
    assert len(attempts) == 1 and result.program is None


def test_a_vote_in_one_batch_equals_the_vote_one_program_after_another(tokenizer):
    scripts = [turn(2, 3), turn(3, 3), BROKEN, turn(3, 3), turn(1, 9)]
    sequential = answer(ScriptsBackend(tokenizer, scripts), "What is 3 times 3?", votes=5)
    batched_backend = BatchedScriptsBackend(tokenizer, scripts)
    batched = answer(batched_backend, "What is 3 times 3?", votes=5)
    assert [a.text for a in batched[2]] == [a.text for a in sequential[2]]
    assert (batched[0].final, batched[1].agreed, batched[1].failed) == ("It is 9.", 3, 1)
    # One forward pass per step for all five: as many steps as the longest answer, not the sum of all five.
    longest = max(len(script) for script in batched_backend.scripts)
    assert batched_backend.batch_steps <= longest + 2 < sum(len(script) for script in batched_backend.scripts)
