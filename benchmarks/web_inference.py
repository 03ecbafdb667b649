"""Browser benchmark: WorldModel's web worker vs transformers.js on the same ONNX bundle, same run.

    python -m benchmarks.web_inference [--bundle bundles/default] [--threads 2] [--runs 3] [--max-tokens 64] [--decoding 6]

Also checks that both browsers' greedy text equals the Python ONNX backend's (worldmodel.generate).
Headless Chromium loads the built app (web/dist) and a transformers.js page (benchmarks/web/tjs.html, its
pinned version installed with `npm ci --ignore-scripts --prefix benchmarks/web`), both served by
`worldmodel serve`'s app with the isolation headers. Prints cold and warm load time, prefill and decode
tokens/s for both, and the ratios. Timings on a shared machine move with its load: compare the ratios.

Then the decoding modes in the app itself (issue 13), on `--decoding` questions (`--decoding-from human`: the
first of benchmarks/human_questions.jsonl; `test`: a seeded sample of the test split, follow-ups with their
history): accuracy, share of programs that computed, tokens, decode steps, seconds per answer (mean and p50),
grammar compile seconds and mask overhead per token (p50/p99), for no grammar, jump-forward guided by the grammar
without masking, grammar, grammar + jump-forward and votes k = 3 and 5 (written in one batch by the worker) — the
browser's figures beside benchmarks.grammar_decoding's.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from worldmodel import serve
from worldmodel.commands.serve import check_dirs

ROOT = Path(__file__).resolve().parents[1]
WEB_BENCH = ROOT / "benchmarks" / "web"
QUESTION = "Write a short story about a robot who learns to paint."  # the same as in bench.mjs
HUMAN_QUESTIONS = ROOT / "benchmarks" / "human_questions.jsonl"


def python_greedy_text(bundle: Path, max_tokens: int, threads: int) -> str:
    """The reference: the same question through worldmodel.generate on the Python ONNX backend."""
    from worldmodel.generate import GenerationConfig, generate
    from worldmodel.model.onnx_backend import OnnxBackend

    backend = OnnxBackend.from_bundle(bundle, threads=threads)
    config = GenerationConfig(max_new_tokens=max_tokens, temperature=0.0, use_tools=False)
    return generate(backend, QUESTION, config).text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "bundles" / "default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--decoding", type=int, default=6,
                        help="questions of benchmarks/human_questions.jsonl answered under each decoding mode (0: skip)")
    parser.add_argument("--decoding-from", choices=("human", "test"), default="human",
                        help="the questions of the decoding modes: human_questions.jsonl, or a seeded sample of the test split")
    parser.add_argument("--decoding-tokens", type=int, default=1024, help="max new tokens per answer there")
    args = parser.parse_args()

    problem = check_dirs(serve.DEFAULT_APP, args.bundle)
    if problem:
        print(f"web_inference: {problem}", file=sys.stderr)
        return 2
    tjs = WEB_BENCH / "node_modules" / "@huggingface" / "transformers" / "dist"
    if not tjs.is_dir():
        # --ignore-scripts: onnxruntime-node's postinstall downloads binaries (and is not needed here).
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(WEB_BENCH)], check=True)
    # transformers.js resolves a local model id relative to the page: /bench/bundle is the same bundle.
    mounts = {"/bench/bundle": args.bundle, "/tjs": tjs, "/tjs-ort": WEB_BENCH / "node_modules" / "onnxruntime-web" / "dist", "/bench": WEB_BENCH}
    reference = Path(tempfile.mkstemp(suffix=".txt")[1])
    reference.write_text(python_greedy_text(args.bundle, args.max_tokens, args.threads), encoding="utf-8")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(serve.build_app(serve.DEFAULT_APP, args.bundle, mounts),
                                           host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    spec = records = None
    if args.decoding:
        import random

        from worldmodel.evaluate import DEFAULT_QUESTIONS, read_questions

        if args.decoding_from == "human":
            questions, source = read_questions(HUMAN_QUESTIONS, args.decoding), HUMAN_QUESTIONS.relative_to(ROOT)
        else:  # the same seeded sample as benchmarks.grammar_decoding --sample N
            test_rows = read_questions(DEFAULT_QUESTIONS)
            questions = random.Random(0).sample(test_rows, min(args.decoding, len(test_rows)))
            source = f"a seeded sample of {DEFAULT_QUESTIONS}"
        records = Path(tempfile.mkstemp(suffix=".json")[1])
        spec = Path(tempfile.mkstemp(suffix=".json")[1])
        spec.write_text(json.dumps({"questions": questions, "out": str(records), "maxTokens": args.decoding_tokens}))
    try:
        command = ["node", str(WEB_BENCH / "bench.mjs"), f"http://127.0.0.1:{port}", str(args.threads), str(args.runs),
                   str(args.max_tokens), str(reference), *([str(spec)] if spec else [])]
        code = subprocess.run(command, cwd=ROOT).returncode
        if code == 0 and records:
            print(decoding_table(questions, json.loads(records.read_text()), str(source)))
        return code
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        for path in (reference, spec, records):
            if path:
                path.unlink(missing_ok=True)


def decoding_table(questions: list[dict], records: list[dict], source: str) -> str:
    """The browser's decoding modes side by side (accuracy judged as `worldmodel eval` judges it)."""
    from benchmarks.grammar_decoding import _percentile
    from worldmodel.evaluate import is_correct

    lines = [f"\nDecoding modes in the app ({len(questions)} questions, {source}, greedy first program; "
             "a vote's tokens and steps are those of the answer shown, its seconds the whole vote's)",
             f"{'mode':<14} {'acc':>6} {'computed':>9} {'tokens':>7} {'steps':>6} {'s/ans':>6} {'p50 s':>6} {'grammar':>8} "
             f"{'mask p50':>9} {'mask p99':>9} {'agreed':>6}"]
    for mode in dict.fromkeys(r["mode"] for r in records):
        rows = [r for r in records if r["mode"] == mode]
        correct = sum(is_correct(r["final"], _expected(questions[r["index"]]), float(questions[r["index"]].get("rel_tol") or 1e-3))
                      for r in rows)
        programs = sum(r["programs"] for r in rows)
        masks = [m for r in rows for m in r["maskMs"]]
        agreed = [r["agreed"] for r in rows if r["agreed"] is not None]
        mean = lambda key: sum(r[key] for r in rows) / len(rows)  # noqa: E731
        lines.append(f"{mode:<14} {correct / len(rows):>6.1%} {sum(r['computed'] for r in rows) / max(1, programs):>9.1%} "
                     f"{mean('tokens'):>7.1f} {mean('steps'):>6.1f} {mean('seconds'):>6.2f} "
                     f"{_percentile([r['seconds'] for r in rows], 0.5):>6.2f} "
                     f"{mean('grammarCompileMs') / 1000:>7.2f}s {_percentile(masks, 0.5):>7.2f}ms "
                     f"{_percentile(masks, 0.99):>7.2f}ms {f'{sum(agreed) / len(agreed):.2f}' if agreed else '–':>6}")
    return "\n".join(lines)


def _expected(row: dict):
    return row["answer"] if isinstance(row["answer"], (bool, list)) else float(row["answer"])


if __name__ == "__main__":
    raise SystemExit(main())
