"""The conversation the model sees for a follow-up question (docs/protocol.md section 1b).

The reference for the browser twin web/worker/chat-context.ts; the conformance corpus (e2e/make_conformance_corpus.py)
checks that both give the same messages. The model is trained on follow-ups that come after one whole earlier turn
(think, module, computed, final answer; worldmodel.data.build.follow_up_candidate), so the previous turn is sent
whole. Older turns are shortened to what a follow-up can use: the question, the computed block and the final
answer; their modules are left out (every module stands alone). When the prompt is over the token budget the
oldest turns go first, then the previous turn is shortened, then dropped: the question is always sent.
"""

from __future__ import annotations

from typing import Callable

from worldmodel import protocol

# Prompt tokens (chat template included) a follow-up may use: the longest training example (data.build.MAX_TOKENS).
CONTEXT_BUDGET = 1024


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
    """The messages to send for the last one (the new question): see the module docstring for the rule."""
    if not messages:
        return []
    system = [m for m in messages[:-1] if m["role"] == "system"]
    turns = _turns([m for m in messages[:-1] if m["role"] != "system"])
    question = [messages[-1]]
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
