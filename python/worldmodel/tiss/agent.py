"""PROMPT_AGENT's agent: WorldModel's own generation loop on the default model (loaded on first use)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass
class AgentAnswer:
    text: str  # the final answer the model wrote
    computed: str | None  # what the runtime computed from the model's program (None when it failed or none ran)
    error: str | None = None  # the runtime's error kind, when the program failed


def default_backend():
    """The torch backend with the committed adapter in models/ (the embedded default model)."""
    from worldmodel.evaluate import resolve_adapter
    from worldmodel.model.backend import load_backend

    return load_backend("torch", adapter=resolve_adapter(None))


class WorldModelAgent:
    def __init__(self, backend=None, load: Callable[[], object] = default_backend):
        self._backend = backend
        self._load = load

    def ask(self, question: str, max_new_tokens: int) -> AgentAnswer:
        from worldmodel.generate import GenerationConfig, generate

        if self._backend is None:
            self._backend = self._load()
        result = generate(self._backend, question, GenerationConfig(max_new_tokens=max_new_tokens))
        computed = result.computed if result.computed_error is None else None
        return AgentAnswer(result.final, computed, result.computed_error)
