"""`python -m export`: build the model bundle the web app streams and the CLI's ONNX backend loads.

    python -m export --out bundles/default [--adapter models/ADAPTER] [--quantization int8|fp32]
    python -m export --tiny --out bundles/tiny      # random small Llama, real tokenizer, seconds
    python -m export --verify bundles/default       # re-check a bundle

See docs/bundle.md for the bundle layout and manifest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quantization.weight_only_int8 import LEVELS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="bundle folder to write (replaced if it holds a bundle)")
    parser.add_argument("--verify", type=Path, metavar="DIR", help="re-check an existing bundle and exit")
    parser.add_argument("--tiny", action="store_true", help="export a tiny random Llama (tests, CI)")
    parser.add_argument("--adapter", help="peft LoRA adapter folder to merge into the base model; default: the "
                        "committed one in models/ when it exists (else the base model); 'none': the base model")
    parser.add_argument("--base", type=Path, help="base model: HF folder or .gguf (default: packaged SmolLM2-135M-Instruct)")
    parser.add_argument("--quantization", choices=LEVELS, default="int8", help="weight format (default int8)")
    parser.add_argument("--no-verify", action="store_true", help="skip the final verify stage")
    parser.add_argument("--threads", type=int, help="CPU threads for torch and onnxruntime")
    parser.add_argument("--report", type=Path, help="also write the build figures (parity, quality, timings) as JSON")
    args = parser.parse_args(argv)
    if (args.out is None) == (args.verify is None):
        parser.error("give exactly one of --out DIR (build) or --verify DIR (check)")
    args.adapter = _resolve_adapter(args.adapter, args.tiny)
    if args.adapter is not None and not args.adapter.is_dir():
        parser.error(f"--adapter {args.adapter}: not a folder")
    return args


def _resolve_adapter(value: str | None, tiny: bool) -> Path | None:
    """Like `worldmodel ask`: the committed adapter by default, so `make run` ships the trained model once
    it exists; but a missing default is not an error here (the base model is exported instead)."""
    from worldmodel.model.loading import default_adapter_path

    if value is not None:
        return None if value.lower() == "none" else Path(value)
    if tiny:  # the committed adapter fits the real model, not the tiny one
        return None
    default = default_adapter_path()
    return default if (default / "adapter_config.json").is_file() else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Heavy imports only after the arguments are known to be valid.
    from export.parity import ParityError
    from export.verify import VerifyError, verify_bundle
    from quantization.quality_gates import QualityError

    if args.verify is not None:
        try:
            result = verify_bundle(args.verify, threads=args.threads)
        except VerifyError as error:
            print(f"verify FAILED: {error}", file=sys.stderr)
            return 1
        print(f"{args.verify}: OK — {result.files} files, {result.size / 2**20:.1f} MiB raw, "
              f"{result.compressed_size / 2**20:.1f} MiB Brotli")
        print(f"one question: {result.new_tokens} tokens ({result.stop_reason}), {result.tokens_per_second:.1f} tok/s")
        print(result.answer)
        return 0

    from export.pipeline import build_bundle

    if args.adapter is None and not args.tiny:
        print("no adapter: exporting the base model (train one into models/, or pass --adapter DIR)", flush=True)

    try:
        report = build_bundle(args.out, tiny=args.tiny, adapter=args.adapter, base=args.base,
                              quantization=args.quantization, verify=not args.no_verify, threads=args.threads,
                              progress=lambda line: print(line, flush=True))
    except (ParityError, QualityError, VerifyError) as error:
        print(f"export FAILED: {error}", file=sys.stderr)
        return 1
    if args.report:
        args.report.write_text(json.dumps(report.__dict__, indent=2, default=str) + "\n")
    print(f"bundle written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
