"""Each default is written once: the commands take theirs from the code they drive, and the browser's copies
(TypeScript cannot import Python) are held to the Python values here."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from worldmodel.chat_context import CONTEXT_BUDGET, SINGLE_QUESTION, SINGLE_QUESTION_NOTE
from worldmodel.cli import command_module
from worldmodel.generate import GenerationConfig
from worldmodel.runtime import Limits

WEB_WORKER = Path(__file__).resolve().parents[1] / "web" / "worker"


def defaults_of(command: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command_module(command).add_arguments(parser)
    return parser.parse_args(["question?"] if command == "ask" else [])


@pytest.mark.parametrize("command", ["ask", "chat", "eval"])
def test_generation_flags_default_to_the_generation_config(command):
    args = defaults_of(command)
    assert args.max_new_tokens == GenerationConfig.max_new_tokens
    if command != "eval":
        assert (args.temperature, args.top_p) == (GenerationConfig.temperature, GenerationConfig.top_p)


def test_training_evaluates_with_the_generation_default():
    from worldmodel.train.trainer import TrainConfig

    assert TrainConfig(data="d", out="o").eval_max_new_tokens == GenerationConfig.max_new_tokens


def ts_number(text: str) -> float:
    """A TypeScript numeric literal or product of literals (`64 * 1024 * 1024`, `1_000_000`)."""
    value = 1.0
    for factor in text.split("*"):
        factor = factor.strip().replace("_", "")
        assert re.fullmatch(r"\d+(\.\d+)?", factor), text
        value *= float(factor)
    return value


def ts_object(path: Path, name: str) -> dict[str, float]:
    body = re.search(rf"export const {name}\b[^=]*=\s*\{{(.*?)\}};", path.read_text(), re.S).group(1)
    return {key: ts_number(value) for key, value in re.findall(r"(\w+):\s*([^,\n]+),", body)}


def test_the_browser_sandbox_limits_are_the_python_runtime_limits():
    web, python = ts_object(WEB_WORKER / "sandbox-types.ts", "DEFAULT_LIMITS"), Limits()
    assert web == {
        "timeoutMs": python.timeout_s * 1000,
        "maxOutputBytes": python.max_output_bytes,
        "memoryBytes": python.memory_bytes,
        "maxModuleBytes": python.max_module_bytes,
        "maxFunctions": python.max_functions,
        "maxCompileCost": python.max_compile_cost,
    }


def test_the_browser_context_budget_is_the_python_one():
    match = re.search(r"export const CONTEXT_BUDGET = ([\d_]+);", (WEB_WORKER / "chat-context.ts").read_text())
    assert ts_number(match.group(1)) == CONTEXT_BUDGET


def test_the_browser_single_question_rule_is_the_python_one():
    source = (WEB_WORKER / "chat-context.ts").read_text()
    assert ts_number(re.search(r"export const SINGLE_QUESTION = ([\d_]+);", source).group(1)) == SINGLE_QUESTION
    note = re.search(r"export const SINGLE_QUESTION_NOTE =\s*'([^']*)';", source).group(1)
    assert note == SINGLE_QUESTION_NOTE
