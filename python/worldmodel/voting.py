"""Voting over executed programs, and retrying a failed module (issue 13).

`answer(backend, messages, config, votes=k)` writes k programs for one question: the first with the configured
sampling (greedy by default), the others sampled at `temperature`, all in one batch where the backend takes one
(`generate_many`: the prompt prefilled once, one forward pass per step for all k). Each runs in the sandbox; the
answer is the first one whose computed value most programs agree on. A tie between values goes to the value the
first program computed when it is among them, else to the value computed first; when every program failed, the
answer is the first program's could-not-compute answer. `Vote` reports all of it (agreed of k, tie, failed count, each value).

With one vote, `retries` > 0 samples again after a module that failed to compile or run, up to that many times,
before keeping the could-not-compute answer. The browser twin is web/worker/voting.ts.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

from worldmodel.generate import Event, GenerationConfig, GenerationResult, generate, generate_many

# The one place these defaults live (CLI, eval and the benchmark read them; the app's twin is web/worker/voting.ts).
DEFAULT_VOTES = 1
DEFAULT_VOTE_TEMPERATURE = 0.7
DEFAULT_RETRIES = 0


@dataclass
class Vote:
    k: int  # programs written
    agreed: int  # programs that computed the winning value (0 when all failed)
    value: str | None  # the winning computed text
    tie: bool = False  # another value had as many programs
    failed: int = 0  # programs that did not compute (compile or run error, or no program)
    values: list[str | None] = field(default_factory=list)  # each program's computed text, None when it failed

    def summary(self) -> str:
        if self.agreed == 0:
            return f"all {self.k} programs failed"
        tie = " (a tie, broken toward the first program)" if self.tie else ""
        return f"{self.agreed} of {self.k} programs agreed{tie}"


def value_key(computed: str) -> str:
    """Two programs agree when their computed texts are equal, numbers compared by value (12 and 12.0 agree)."""
    text = computed.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        number = float(text)
        if math.isfinite(number):
            return repr(round(number, 9) + 0.0)
    return text


def tally(values: list[str | None]) -> Vote:
    """The vote over each program's computed text (None: failed)."""
    counts: dict[str, int] = {}
    first_text: dict[str, str] = {}
    for value in values:
        if value is not None:
            key = value_key(value)
            counts[key] = counts.get(key, 0) + 1
            first_text.setdefault(key, value)
    failed = sum(value is None for value in values)
    if not counts:
        return Vote(k=len(values), agreed=0, value=None, failed=failed, values=values)
    best = max(counts.values())
    leaders = [key for key in counts if counts[key] == best]  # in order of first appearance
    first = value_key(values[0]) if values[0] is not None else None
    winner = first if first in leaders else leaders[0]
    return Vote(k=len(values), agreed=best, value=first_text[winner], tie=len(leaders) > 1, failed=failed,
                values=values)


def _computed_value(result: GenerationResult) -> str | None:
    return result.computed if result.program is not None and result.computed_error is None else None


def answer(backend, messages, config: GenerationConfig | None = None, votes: int = DEFAULT_VOTES,
           temperature: float = DEFAULT_VOTE_TEMPERATURE, retries: int = 0,
           on_event=None) -> tuple[GenerationResult, Vote, list[GenerationResult]]:
    """(the chosen answer, the vote, every attempt). Events of the first attempt only are streamed to `on_event`."""
    config = config or GenerationConfig()
    if votes < 1 or retries < 0:
        raise ValueError("need votes >= 1 and retries >= 0")

    def sampled(index: int) -> GenerationConfig:
        return dataclasses.replace(config, temperature=temperature, seed=(config.seed or 0) + index)

    if votes == 1:
        attempts = [generate(backend, messages, config, on_event)]
        while _computed_value(attempts[-1]) is None and attempts[-1].program is not None and len(attempts) <= retries:
            attempts.append(generate(backend, messages, sampled(len(attempts))))
        chosen = attempts[-1]
        vote = tally([_computed_value(chosen)])
        vote.failed = sum(_computed_value(a) is None for a in attempts)
        if on_event and len(attempts) > 1:
            on_event(Event("retry", chosen.final, {"attempts": len(attempts)}))
        return chosen, vote, attempts
    attempts = generate_many(backend, messages, [config, *(sampled(i) for i in range(1, votes))], on_event)
    vote = tally([_computed_value(a) for a in attempts])
    if vote.value is None:
        return attempts[0], vote, attempts
    winner = value_key(vote.value)
    chosen = next(a for a in attempts if _computed_value(a) is not None and value_key(_computed_value(a)) == winner)
    return chosen, vote, attempts
