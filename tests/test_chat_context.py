"""worldmodel.chat_context: what a follow-up question sends to the model (the browser twin is checked against
these same rules by the conformance corpus, e2e/make_conformance_corpus.py)."""

import json

import pytest

from worldmodel import protocol
from worldmodel.chat_context import (ADAPTER_RECORD, CONTEXT_BUDGET, SINGLE_QUESTION, adapter_context_budget,
                                     fit_history, shortened_turn, write_adapter_record)

MODULE = '(module (import "rt" "print_i64" (func $p (param i64))) (func (export "main") (call $p (i64.const 391))))'


def turn(number: int) -> list[dict]:
    reply = protocol.assistant_turn(f"think {number}", MODULE, f"<computed>{number}</computed>", f"The answer is {number}.")
    return [{"role": "user", "content": f"question {number}"}, {"role": "assistant", "content": reply}]


def chars(messages: list[dict]) -> int:
    return sum(len(m["content"]) for m in messages)


def test_previous_turn_whole_older_turns_without_their_modules():
    history = turn(1) + turn(2) + [{"role": "user", "content": "and for 40?"}]
    sent = fit_history(history, chars, budget=10_000)
    assert [m["role"] for m in sent] == ["user", "assistant", "user", "assistant", "user"]
    assert sent[1]["content"] == "<computed>1</computed>\nThe answer is 1."
    assert sent[3]["content"] == history[3]["content"]  # the form the model is trained on
    assert sent[0]["content"] == "question 1" and sent[-1]["content"] == "and for 40?"


def test_over_budget_drops_oldest_then_shortens_then_drops_the_previous_turn():
    history = turn(1) + turn(2) + turn(3) + [{"role": "user", "content": "q"}]
    whole = fit_history(history, chars, budget=10_000)
    without_first = fit_history(history, chars, budget=chars(whole) - 1)
    assert [m["content"] for m in without_first if m["role"] == "user"] == ["question 2", "question 3", "q"]
    only_previous = history[4:]
    shortened_previous = fit_history(history, chars, budget=chars(only_previous) - 1)
    assert shortened_previous == [history[4], {"role": "assistant", "content": shortened_turn(history[5]["content"])}, history[6]]
    assert fit_history(history, chars, budget=1) == [history[-1]]


def test_shortened_turn_keeps_error_blocks_and_plain_answers():
    failed = protocol.assistant_turn("t", MODULE, '<computed error="trap">integer divide by zero</computed>', "I could not compute.")
    assert shortened_turn(failed) == '<computed error="trap">integer divide by zero</computed>\nI could not compute.'
    assert shortened_turn("Hello there!") == "Hello there!"


def test_system_messages_stay_first():
    history = [{"role": "system", "content": "be brief"}] + turn(1) + [{"role": "user", "content": "q"}]
    assert fit_history(history, chars, budget=len("be brief") + 1) == [history[0], history[-1]]


def test_generate_gives_the_model_the_fitted_conversation():
    from model_helpers import ScriptedBackend

    from worldmodel.generate import GenerationConfig, generate
    from worldmodel.model import load_tokenizer

    backend = ScriptedBackend(load_tokenizer(), "It is 40.")
    history = turn(1) + turn(2) + [{"role": "user", "content": "And with 40 instead?"}]
    generate(backend, history, GenerationConfig(max_new_tokens=8))
    prompt = backend.tokenizer.decode(backend.fed[0], skip_special_tokens=False)
    assert prompt.count("<wat_model>") == 1  # the previous turn's module only
    assert "think 2" in prompt and "think 1" not in prompt and "<computed>1</computed>\nThe answer is 1." in prompt
    generate(backend, history, GenerationConfig(max_new_tokens=8, context_budget=40))
    prompt = backend.tokenizer.decode(backend.fed[0], skip_special_tokens=False)
    assert "question 1" not in prompt and "And with 40 instead?" in prompt


def test_a_single_question_model_gets_the_question_alone_without_counting():
    history = [{"role": "system", "content": "be brief"}] + turn(1) + turn(2) + [{"role": "user", "content": "q"}]

    def never(messages):
        raise AssertionError("nothing to fit")

    assert fit_history(history, never, budget=SINGLE_QUESTION) == [history[0], history[-1]]


def test_the_adapter_records_the_budget_it_was_trained_for(tmp_path):
    assert adapter_context_budget(None) == CONTEXT_BUDGET
    assert adapter_context_budget(tmp_path) == CONTEXT_BUDGET  # no record: the default
    write_adapter_record(tmp_path, conversations=0)
    assert adapter_context_budget(tmp_path) == SINGLE_QUESTION
    write_adapter_record(tmp_path, conversations=120)
    assert adapter_context_budget(tmp_path) == CONTEXT_BUDGET
    for bad in (-1, 2.5, "1024", None):
        (tmp_path / ADAPTER_RECORD).write_text(json.dumps({"context_budget": bad}))
        with pytest.raises(ValueError, match="context_budget"):
            adapter_context_budget(tmp_path)


def test_the_published_adapter_is_given_single_questions():
    from worldmodel.model.loading import default_adapter_path

    assert adapter_context_budget(default_adapter_path()) == SINGLE_QUESTION


def test_generate_uses_the_model_budget_unless_the_config_sets_one():
    from model_helpers import ScriptedBackend

    from worldmodel.generate import GenerationConfig, generate
    from worldmodel.model import load_tokenizer

    backend = ScriptedBackend(load_tokenizer(), "It is 40.")
    backend.context_budget = SINGLE_QUESTION
    history = turn(1) + [{"role": "user", "content": "What is 40 + 2?"}]
    generate(backend, history, GenerationConfig(max_new_tokens=8))
    prompt = backend.tokenizer.decode(backend.fed[0], skip_special_tokens=False)
    assert "question 1" not in prompt and "<wat_model>" not in prompt and "What is 40 + 2?" in prompt
    generate(backend, history, GenerationConfig(max_new_tokens=8, context_budget=CONTEXT_BUDGET))
    prompt = backend.tokenizer.decode(backend.fed[0], skip_special_tokens=False)
    assert "question 1" in prompt and "What is 40 + 2?" in prompt


def test_the_cli_chat_says_when_each_question_is_answered_alone(monkeypatch, capsys):
    from model_helpers import ScriptedBackend

    from worldmodel.chat_context import SINGLE_QUESTION_NOTE
    from worldmodel.cli import main
    from worldmodel.commands import chat
    from worldmodel.model import load_tokenizer

    backend = ScriptedBackend(load_tokenizer(), "It is 42.")
    monkeypatch.setattr(chat, "open_backend", lambda args: backend)
    for budget, expected in ((SINGLE_QUESTION, True), (CONTEXT_BUDGET, False)):
        backend.context_budget = budget
        lines = iter(["What is 40 + 2?", ""])
        monkeypatch.setattr("builtins.input", lambda prompt: next(lines))
        assert main(["chat", "--no-jump-forward"]) == 0
        assert (SINGLE_QUESTION_NOTE in capsys.readouterr().out) is expected
    assert main(["chat", "--context-budget", "-1"]) == 2
    assert "context budget must be 0 or more" in capsys.readouterr().out
