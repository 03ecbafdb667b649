"""Stand-in until `python -m export` writes it: adds the manifest's `benchmark` block (docs/leaderboard.md) to
the e2e bundle when it has none. Greedy prefixes come from onnxruntime on CPU, stdout hashes from the Python
sandbox, both with `worldmodel.benchmark_suite`'s helpers. Usage: add_benchmark_block.py BUNDLE_DIR
"""

import json
import sys
from pathlib import Path

import numpy as np

from worldmodel.benchmark_suite import (CURRENT_SUITE, load_suite, stable_prefix_length, stdout_sha256, suite_sha256,
                                        token_prefix_sha256)
from worldmodel.model.chat import render_chat
from worldmodel.model.onnx_backend import OnnxBackend
from worldmodel.runtime import run_wat


def greedy_expectation(backend: OnnxBackend, question: str, max_new_tokens: int) -> tuple[list[int], list[float]]:
    """Generated ids (EOS not included, as the web worker reports them) and each step's top-two logit margin."""
    backend.reset()
    prompt = render_chat([{"role": "user", "content": question}], backend.chat_template, add_generation_prompt=True)
    logits = backend.forward(backend.tokenizer.encode(prompt, add_special_tokens=False).ids)
    ids: list[int] = []
    margins: list[float] = []
    while len(ids) < max_new_tokens:
        top2 = np.sort(logits)[-2:]
        token = int(np.argmax(logits))
        if token in backend.eos_token_ids:
            break
        margins.append(float(top2[1] - top2[0]))
        ids.append(token)
        logits = backend.forward([token])
    return ids, margins


def main(folder: Path) -> None:
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("benchmark"):
        return  # the export wrote it: nothing to stand in for
    suite = load_suite(CURRENT_SUITE)
    backend = OnnxBackend.from_bundle(folder, threads=1)
    greedy = []
    for prompt in suite["greedy"]:
        ids, margins = greedy_expectation(backend, prompt["question"], prompt["max_new_tokens"])
        tokens = stable_prefix_length(margins)
        greedy.append({"id": prompt["id"], "tokens": tokens, "sha256": token_prefix_sha256(ids[:tokens])})
    sandbox = [{"id": m["id"], "stdout_sha256": stdout_sha256(run_wat(m["wat"]).stdout)} for m in suite["sandbox"]]
    manifest["benchmark"] = {"suite": CURRENT_SUITE, "suite_sha256": suite_sha256(CURRENT_SUITE), "greedy": greedy, "sandbox": sandbox}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"benchmark block added to {manifest_path}: " + ", ".join(f"{g['id']} {g['tokens']} tokens" for g in greedy))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
