"""The conversation the model sees for a follow-up question (docs/protocol.md section 1b).

The reference for the browser twin web/worker/chat-context.ts; the conformance corpus (e2e/make_conformance_corpus.py)
checks that both give the same messages. The model is trained on follow-ups that come after one whole earlier turn
(think, module, computed, final answer; worldmodel.data.build.follow_up_candidate), so the previous turn is sent
whole. Older turns are shortened to what a follow-up can use: the question, the computed block and the final
answer; their modules are left out (every module stands alone). When the prompt is over the token budget the
oldest turns go first, then the previous turn is shortened, then dropped: the question is always sent.

The budget is the model's own: an adapter records the one it was trained for (ADAPTER_RECORD), and a model trained
on single questions only gets SINGLE_QUESTION, so each question is sent alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

from worldmodel import protocol

# Prompt tokens (chat template included) a follow-up may use: the longest training example (data.build.MAX_TOKENS).
CONTEXT_BUDGET = 1024
# The budget of a model never trained on conversations: every question is sent alone, because earlier turns
# derail it (the published adapter answered 0 of the 28 human questions after one unrelated turn, 21 alone).
SINGLE_QUESTION = 0
# What a chat tells its user when earlier turns are not sent (the app's twin: web/worker/chat-context.ts).
SINGLE_QUESTION_NOTE = ("This model was trained on single questions: it answers each one on its own, without the "
                        "earlier turns. Put every number a question needs into it.")
# In an adapter folder, written by the trainer: {"context_budget": N}, the budget the adapter was trained for.
# Export copies it into the bundle's manifest (generation.context_budget), where the CLI and the app read it.
ADAPTER_RECORD = "conversation.json"


def adapter_context_budget(adapter: "str | os.PathLike | None") -> int:
    """The context budget an adapter was trained for: its record, else CONTEXT_BUDGET (no adapter: the base
    instruct model holds a conversation; an adapter without a record gets the default)."""
    if adapter is None or not (Path(adapter) / ADAPTER_RECORD).is_file():
        return CONTEXT_BUDGET
    path = Path(adapter) / ADAPTER_RECORD
    budget = json.loads(path.read_text(encoding="utf-8")).get("context_budget")
    if type(budget) is not int or budget < 0:
        raise ValueError(f"{path}: context_budget must be a whole number of tokens >= 0, not {budget!r}")
    return budget


def write_adapter_record(adapter: "str | os.PathLike", conversations: int) -> None:
    """Record what an adapter learned: CONTEXT_BUDGET when `conversations` training rows had earlier turns,
    else SINGLE_QUESTION."""
    budget = CONTEXT_BUDGET if conversations else SINGLE_QUESTION
    record = {"context_budget": budget, "conversations_trained": conversations}
    (Path(adapter) / ADAPTER_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def shortened_turn(text: str) -> str:
    """An assistant turn without its think and program blocks: the computed block, then the final answer."""
    answer = protocol.parse_answer(text)
    if answer.computed is None:
        return answer.final
    if answer.computed_error is None:
        block = f"{protocol.COMPUTED_OPEN}{answer.computed}{protocol.COMPUTED_CLOSE}"
    else:
        block = f'<computed error="{answer.computed_error}">{answer.computed}{protocol.COMPUTED_CLOSE}'
    return f"{block}\n{answer.final}" if answer.final else block


def _turns(messages: list[dict]) -> list[list[dict]]:
    """Earlier messages grouped into turns: a user message and the replies after it."""
    turns: list[list[dict]] = []
    for message in messages:
        if message["role"] == "user" or not turns:
            turns.append([message])
        else:
            turns[-1].append(message)
    return turns


def _shortened(turn: list[dict]) -> list[dict]:
    return [{**m, "content": shortened_turn(m["content"])} if m["role"] == "assistant" else m for m in turn]


def fit_history(messages: list[dict], count_tokens: Callable[[list[dict]], int], budget: int = CONTEXT_BUDGET) -> list[dict]:
    """The messages to send for the last one (the new question): see the module docstring for the rule. A budget
    of SINGLE_QUESTION sends the system prompt and the question only."""
    if not messages:
        return []
    system = [m for m in messages[:-1] if m["role"] == "system"]
    question = [messages[-1]]
    if budget == SINGLE_QUESTION:
        return system + question
    turns = _turns([m for m in messages[:-1] if m["role"] != "system"])
    # The previous turn whole, older ones shortened.
    kept = [_shortened(turn) for turn in turns[:-1]] + turns[-1:]

    def fits(candidate: list[list[dict]]) -> bool:
        return count_tokens(system + [m for turn in candidate for m in turn] + question) <= budget

    while len(kept) > 1 and not fits(kept):
        kept.pop(0)
    if kept and not fits(kept):
        kept = [_shortened(kept[0])]
        if not fits(kept):
            kept = []
    return system + [m for turn in kept for m in turn] + question
