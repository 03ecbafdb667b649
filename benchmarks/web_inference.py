"""Browser benchmark: WorldModel's web worker vs transformers.js on the same ONNX bundle, same run.

    python -m benchmarks.web_inference [--bundle bundles/default] [--threads 2] [--runs 3] [--max-tokens 64]

Also checks that both browsers' greedy text equals the Python ONNX backend's (worldmodel.generate).
Headless Chromium loads the built app (web/dist) and a transformers.js page (benchmarks/web/tjs.html, its
pinned version installed with `npm ci --ignore-scripts --prefix benchmarks/web`), both served by
`worldmodel serve`'s app with the isolation headers. Prints cold and warm load time, prefill and decode
tokens/s for both, and the ratios. Timings on a shared machine move with its load: compare the ratios.
"""

from __future__ import annotations

import argparse
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
    try:
        command = ["node", str(WEB_BENCH / "bench.mjs"), f"http://127.0.0.1:{port}", str(args.threads), str(args.runs), str(args.max_tokens), str(reference)]
        return subprocess.run(command, cwd=ROOT).returncode
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        reference.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
