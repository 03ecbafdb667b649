"""The Backend protocol: what the generation loop needs from a model, whatever runs it.

A backend owns a growing token context with its KV cache. `forward` appends tokens and returns the
logits of the last position, so the loop in `worldmodel.generate` can inject runtime text (the
`<computed>` block) by simply forwarding its tokens. The torch backend lives in `torch_backend.py`,
the ONNX one in `onnx_backend.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # keep `import worldmodel.model` free of numpy/tokenizers imports
    import numpy
    import tokenizers


@runtime_checkable
class Backend(Protocol):
    name: str  # "torch" | "onnx"
    tokenizer: "tokenizers.Tokenizer"  # HF tokenizers object (fast), same vocab for all backends
    eos_token_ids: frozenset[int]

    def reset(self) -> None:
        """Drop the KV cache: the next `forward` starts a new context."""
        ...

    def forward(self, token_ids: list[int]) -> "numpy.ndarray":
        """Append `token_ids` to the cached context; return float32 logits (vocab,) of the last position."""
        ...
