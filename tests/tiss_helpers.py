"""Shared helpers for the TissLang tests: run a script in a fresh project root with a chosen approver."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from worldmodel.tiss import ExecutionEngine, parse
from worldmodel.tiss.agent import AgentAnswer
from worldmodel.tiss.approval import AssumeYes, Deny
from worldmodel.tiss.sandbox import CommandPolicy, DEFAULT_ALLOW
from worldmodel.tiss.tools import Context, EngineConfig


@dataclass
class FakeAgent:
    """Answers from a table; records the questions it was asked."""

    answers: dict = field(default_factory=dict)
    asked: list = field(default_factory=list)

    def ask(self, question: str, max_new_tokens: int) -> AgentAnswer:
        self.asked.append((question, max_new_tokens))
        return self.answers[question]


def run_script(source: str, root: Path, approve: bool = False, agent=None, unsandboxed: bool = False, **policy):
    policy.setdefault("timeout_s", 10.0)
    config = EngineConfig(policy=CommandPolicy(allow=DEFAULT_ALLOW, allow_unsandboxed=unsandboxed, **policy))
    context = Context(config, AssumeYes() if approve else Deny(), agent=agent or FakeAgent())
    return ExecutionEngine(context).run(parse(source), root)
