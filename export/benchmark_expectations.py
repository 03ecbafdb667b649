"""The manifest's `benchmark` block: what a real run of the browser benchmark suite on this bundle must reproduce.

The benchmark page and the leaderboard server compare a submitted run with it (docs/leaderboard.md). Only what is
the same in every engine is recorded: greedy token ids up to the first near tie (onnxruntime's CPU provider and its
wasm build sum in different orders, so a near tie may break either way) and each sandbox module's stdout (the
runtime library makes it byte-identical everywhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from worldmodel import benchmark_suite
from worldmodel.model.bundle import MANIFEST, manifest_bytes
from worldmodel.model.chat import render_chat


def greedy_expectation(backend, question: str, max_new_tokens: int) -> tuple[list[int], list[float]]:
    """Greedy token ids for `question` (chat template, as the app renders it) and each step's top-two margin.
    Stops before an end-of-sequence token, as the page's generation does."""
    prompt = render_chat([{"role": "user", "content": question}], backend.chat_template, add_generation_prompt=True)
    backend.reset()
    logits = backend.forward(backend.tokenizer.encode(prompt, add_special_tokens=False).ids)
    ids: list[int] = []
    margins: list[float] = []
    for _ in range(max_new_tokens):
        top_two = np.partition(logits, -2)[-2:]
        token = int(np.argmax(logits))
        if token in backend.eos_token_ids:
            break
        ids.append(token)
        margins.append(float(top_two[1] - top_two[0]))
        logits = backend.forward([token])
    return ids, margins


def sandbox_stdout(wat: str) -> str:
    from worldmodel.runtime import run_wat

    result = run_wat(wat)
    if not result.ok:
        raise RuntimeError(f"benchmark suite module failed in the sandbox: {result.error_kind}: {result.error_message}")
    return result.stdout


def benchmark_block(backend, suite_name: str = benchmark_suite.CURRENT_SUITE, progress=print) -> dict:
    suite = benchmark_suite.load_suite(suite_name)
    greedy = []
    for prompt in suite["greedy"]:
        ids, margins = greedy_expectation(backend, prompt["question"], prompt["max_new_tokens"])
        stable = benchmark_suite.stable_prefix_length(margins)
        greedy.append({"id": prompt["id"], "tokens": stable,
                       "sha256": benchmark_suite.token_prefix_sha256(ids[:stable])})
        smallest = f", smallest margin {min(margins):.3f}" if margins else ""
        progress(f"      greedy {prompt['id']}: {stable} of {len(ids)} tokens before a near tie{smallest}")
    sandbox = [{"id": module["id"], "stdout_sha256": benchmark_suite.stdout_sha256(sandbox_stdout(module["wat"]))}
               for module in suite["sandbox"]]
    progress(f"      {len(sandbox)} sandbox modules")
    return {"suite": suite_name, "suite_sha256": benchmark_suite.suite_sha256(suite_name), "greedy": greedy,
            "sandbox": sandbox}


def write_benchmark_block(folder: "str | Path", threads: int | None = None, progress=print) -> dict:
    """Compute the block on the bundle in `folder` and write it into its manifest.json (atomically). The model's
    content version does not change: it hashes the model files, not the manifest."""
    import json

    from worldmodel.model.bundle import Bundle
    from worldmodel.model.onnx_backend import OnnxBackend

    folder = Path(folder)
    Bundle(folder)  # the strict reader first: only a sound bundle gets expectations
    manifest = json.loads((folder / MANIFEST).read_bytes())
    block = benchmark_block(OnnxBackend.from_bundle(folder, threads=threads), progress=progress)
    manifest["benchmark"] = block
    staged = folder / (MANIFEST + ".tmp")
    staged.write_bytes(manifest_bytes(manifest))
    os.replace(staged, folder / MANIFEST)
    return block
