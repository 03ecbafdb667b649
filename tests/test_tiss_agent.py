"""PROMPT_AGENT end to end on the embedded default model: the runtime's computed value reaches the script."""

from __future__ import annotations

from pathlib import Path

import pytest

from worldmodel.tiss import ExecutionEngine, parse
from worldmodel.tiss.agent import WorldModelAgent
from worldmodel.tiss.approval import Deny
from worldmodel.tiss.tools import Context, EngineConfig


@pytest.mark.slow  # loads the base model and the committed adapter on CPU (~30 s)
def test_the_model_computes_17_times_23_and_the_script_asserts_391(tmp_path):
    # examples/tiss/ask_model.tiss: PROMPT_AGENT "What is 17 times 23?" INTO answer, ASSERT answer.computed == 391
    script = parse((Path(__file__).resolve().parent.parent / "examples" / "tiss" / "ask_model.tiss").read_text())
    state = ExecutionEngine(Context(EngineConfig(), Deny(), agent=WorldModelAgent())).run(script, tmp_path)
    assert state.failure is None, (state.failure, state.variables)
    assert state.variables["answer.computed"] == "391" and state.variables["answer.error"] == ""
