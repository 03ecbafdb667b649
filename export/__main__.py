"""`python -m export`: build the model bundle the web app streams and the CLI's ONNX backend loads.

    python -m export --out bundles/default [--adapter models/ADAPTER] [--quantization int8|fp32]
    python -m export --tiny --out bundles/tiny      # random small Llama, real tokenizer, seconds
    python -m export --verify bundles/default       # re-check a bundle
    python -m export --benchmark bundles/default    # (re)write the benchmark suite's expected results into it
    python -m export --release releases --version 1.2.0 [--channel beta] [--variant b --weight 1]
    python -m export --release releases --version 1.2.0 --publish bundles/default  # an existing bundle

See docs/bundle.md for the bundle layout and manifest, docs/deploy.md for releases and channels.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quantization.weight_only_int8 import LEVELS
from worldmodel.model.bundle import DEFAULT_APP_RANGE, DEFAULT_PROTOCOL_RANGE, UNRELEASED_VERSION


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="bundle folder to write (replaced if it holds a bundle)")
    parser.add_argument("--verify", type=Path, metavar="DIR", help="re-check an existing bundle and exit")
    parser.add_argument("--benchmark", type=Path, metavar="DIR", help="(re)compute the browser benchmark suite's "
                        "expected results for an existing bundle and write them into its manifest, then exit "
                        "(docs/leaderboard.md)")
    parser.add_argument("--tiny", action="store_true", help="export a tiny random Llama (tests, CI)")
    parser.add_argument("--adapter", help="peft LoRA adapter folder to merge into the base model; default: the "
                        "committed one in models/ when it exists (else the base model); 'none': the base model")
    parser.add_argument("--base", type=Path, help="base model: HF folder or .gguf (default: packaged SmolLM2-135M-Instruct)")
    parser.add_argument("--quantization", choices=LEVELS, default="int8", help="weight format (default int8)")
    parser.add_argument("--no-verify", action="store_true", help="skip the final verify stage")
    parser.add_argument("--threads", type=int, help="CPU threads for torch and onnxruntime")
    parser.add_argument("--report", type=Path, help="also write the build figures (parity, quality, timings) as JSON")
    parser.add_argument("--tiny-revision", type=int, default=0, metavar="N",
                        help="with --tiny: re-draw only the last layer (seed N), so most shards stay identical")
    release = parser.add_argument_group("releases (docs/deploy.md)")
    release.add_argument("--release", type=Path, metavar="DIR", help="publish into this releases folder: "
                         "<id>/<version>-<hash>/, channel.json, CHANGELOG.md")
    release.add_argument("--publish", type=Path, metavar="BUNDLE", help="with --release: publish this existing "
                         "bundle instead of building one")
    release.add_argument("--version", default=None, help=f"semantic model version MAJOR.MINOR.PATCH "
                         f"(needed with --release; default for --out: {UNRELEASED_VERSION})")
    release.add_argument("--channel", default="stable", help="channel to point at the release (stable, beta)")
    release.add_argument("--variant", default="default", help="A/B variant name within the channel's version")
    release.add_argument("--weight", type=int, default=1, help="the variant's share (relative to the others)")
    release.add_argument("--requires-app", default=DEFAULT_APP_RANGE, help=f"app versions it works with "
                         f"(default {DEFAULT_APP_RANGE})")
    release.add_argument("--requires-protocol", default=DEFAULT_PROTOCOL_RANGE,
                         help=f"protocol versions (default {DEFAULT_PROTOCOL_RANGE})")
    release.add_argument("--notes", default="", help="a line for the changelog entry")
    args = parser.parse_args(argv)
    if sum(value is not None for value in (args.out, args.verify, args.benchmark, args.release)) != 1:
        parser.error("give exactly one of --out DIR (build), --verify DIR (check), --benchmark DIR (expected "
                     "results) or --release DIR (publish)")
    if args.release is not None and args.version is None:
        parser.error("--release needs --version MAJOR.MINOR.PATCH")
    if args.publish is not None and args.release is None:
        parser.error("--publish BUNDLE needs --release DIR")
    if args.tiny_revision and not args.tiny:
        parser.error("--tiny-revision needs --tiny")
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

    if args.benchmark is not None:
        from export.benchmark_expectations import write_benchmark_block
        from worldmodel.model.bundle import BundleError

        try:
            block = write_benchmark_block(args.benchmark, threads=args.threads, progress=lambda line: print(line, flush=True))
        except (BundleError, RuntimeError) as error:
            print(f"benchmark expectations FAILED: {error}", file=sys.stderr)
            return 1
        print(f"{args.benchmark}: benchmark expectations for suite {block['suite']} written into its manifest")
        return 0

    from export.bundle import release_block
    from export.pipeline import build_bundle

    try:
        release = release_block(args.version or UNRELEASED_VERSION, args.requires_app, args.requires_protocol)
    except ValueError as error:
        print(f"export FAILED: {error}", file=sys.stderr)
        return 2
    if args.publish is not None:
        return _publish(args, args.publish, release, move=False)

    if args.adapter is None and not args.tiny:
        print("no adapter: exporting the base model (train one into models/, or pass --adapter DIR)", flush=True)

    out = args.out if args.release is None else args.release / f".build-{args.version}"
    try:
        report = build_bundle(out, tiny=args.tiny, adapter=args.adapter, base=args.base,
                              quantization=args.quantization, verify=not args.no_verify, threads=args.threads,
                              progress=lambda line: print(line, flush=True), tiny_revision=args.tiny_revision,
                              release=release)
    except (ParityError, QualityError, VerifyError) as error:
        print(f"export FAILED: {error}", file=sys.stderr)
        return 1
    if args.report:
        args.report.write_text(json.dumps(report.__dict__, indent=2, default=str) + "\n")
    if args.release is None:
        print(f"bundle written to {args.out}")
        return 0
    return _publish(args, out, None, move=True)


def _publish(args: argparse.Namespace, bundle: Path, release: dict | None, move: bool) -> int:
    from export.release import publish
    from worldmodel.model.bundle import BundleError

    try:
        published = publish(bundle, args.release, channel=args.channel, variant=args.variant, weight=args.weight,
                            notes=args.notes, release=release, move=move)
    except (BundleError, ValueError) as error:
        print(f"publish FAILED: {error}", file=sys.stderr)
        return 1
    print(f"release {published.version} published at {published.folder} ({args.channel}, variant {args.variant}); "
          f"{len(published.changed_files)} of {published.total_files} files changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
