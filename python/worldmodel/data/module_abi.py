"""The module form written in the training rows: ABI 2 (the runtime adds rt's imports) or ABI 1 (every import
written out), docs/protocol.md section 2.

The converter writes ABI 2. A 135M model trained on it no longer sees rt's signatures in its own context and mixes
i64 and f64 arguments (docs/training.md, "The lean run"); ABI 1 rows state every signature the module uses, at ~15
tokens per import. Both forms run unchanged on both runtimes, so this is a choice about what the model learns.
"""

from __future__ import annotations

import re

from worldmodel.rt_imports import explicit_imports

MODULE_ABIS = (1, 2)
DEFAULT_MODULE_ABI = 2  # what the converter writes
_MODULE = re.compile(r"(<wat_model>\n?)(.*?)(</wat_model>)", re.S)


def required_rt_signatures() -> dict[str, str]:
    """runtime.rt_signatures, or a clear error where the compiled runtime library is missing."""
    from worldmodel import runtime

    signatures = runtime.rt_signatures()
    if not signatures:
        raise RuntimeError("the compiled runtime library is missing: run `make setup` (or `python -m worldmodel.wat.library`)")
    return signatures


def with_module_abi(rows: list[dict], abi: int, signatures: dict[str, str] | None = None) -> list[dict]:
    """`rows` with every assistant module rewritten to `abi` (a new list; rows without a module are kept as they are)."""
    if abi not in MODULE_ABIS:
        raise ValueError(f"module ABI {abi}: expected one of {MODULE_ABIS}")
    if abi == 2:
        return list(rows)
    signatures = signatures or required_rt_signatures()

    def rewrite(content: str) -> str:
        return _MODULE.sub(lambda m: m.group(1) + explicit_imports(m.group(2), signatures) + m.group(3), content)

    out = []
    for row in rows:
        messages = [
            {**message, "content": rewrite(message["content"])} if message.get("role") == "assistant" else message
            for message in row["messages"]
        ]
        out.append({**row, "messages": messages})
    return out
