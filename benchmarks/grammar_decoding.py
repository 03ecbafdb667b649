"""Grammar-constrained decoding, jump-forward and voting side by side on the same questions (issue 13).

    python -m benchmarks.grammar_decoding --backend onnx --bundle bundles/grammar --sample 40 --human 28
    python -m benchmarks.grammar_decoding --backend torch --adapter models/smollm2-135m-wat-lora --sample 200

For each question set (a seeded random sample of the test split; benchmarks/human_questions.jsonl) and each mode:
accuracy, compile rate (over every program written, votes included), tokens decoded, decode steps (forward passes),
seconds per answer (of which compiling the grammar and its specializations to each function's locals) and the mask
overhead per token (p50/p99), for: no grammar; jump-forward guided by the grammar without masking ("jump only");
grammar; grammar + jump-forward;
voting with k = 3 and k = 5 (grammar + jump-forward, the first program greedy, the others sampled).

A vote's k programs are written in one batch where the backend takes one (the ONNX backend: the prompt prefilled
once, one forward pass per step for all k; `worldmodel.generate.generate_many`), so the k = 3 and k = 5 rows count
the seconds of the whole vote (wall time), the tokens of all its programs and the forward passes of the batch; the
torch backend writes them one after another. Modules the grammar admitted but the engine
rejected are listed after the table (each is a grammar bug, a label, or a duplicate declaration: grammar/scope.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from worldmodel.evaluate import DEFAULT_QUESTIONS, _category, is_correct, read_questions
from worldmodel.generate import COMPILE_ERROR_KINDS, GenerationConfig, generate
from worldmodel.voting import answer, tally, value_key

HUMAN_QUESTIONS = Path("benchmarks/human_questions.jsonl")
MODES = ("no grammar", "jump only", "grammar", "grammar+jump", "vote k=3", "vote k=5")


def _computed(result) -> str | None:
    return result.computed if result.program is not None and result.computed_error is None else None


def _row_record(row: dict, attempts: list, chosen) -> dict:
    expected = row["answer"] if isinstance(row["answer"], (bool, list)) else float(row["answer"])
    programs = [a for a in attempts if a.program is not None]
    return {
        "correct": is_correct(chosen.final, expected, float(row.get("rel_tol") or 1e-3)),
        "programs": len(programs), "compiled": sum(bool(a.compiled) for a in programs),
        "tokens": sum(a.new_tokens for a in attempts), "steps": sum(a.decode_steps for a in attempts),
        "seconds": sum(a.seconds for a in attempts), "compile_seconds": sum(a.grammar_compile_seconds for a in attempts),
        "mask_ms": [s * 1000 for a in attempts for s in a.mask_seconds],
        "rejected": [(a.program, a.computed_error, a.computed) for a in programs
                     if a.computed_error in COMPILE_ERROR_KINDS],
    }


def _vote(row: dict, attempts: list) -> dict:
    vote = tally([_computed(a) for a in attempts])
    chosen = attempts[0] if vote.value is None else next(
        a for a in attempts if _computed(a) is not None and value_key(_computed(a)) == value_key(vote.value))
    return {**_row_record(row, attempts, chosen), "agreed": vote.agreed, "tie": vote.tie}


def run_question(backend, row: dict, max_new_tokens: int, modes: tuple[str, ...] = MODES) -> dict[str, dict]:
    """Each of `modes`' record for one question."""
    messages = list(row.get("history") or []) + [{"role": "user", "content": row["question"]}]
    plain = GenerationConfig(max_new_tokens=max_new_tokens)
    single = {"no grammar": plain, "jump only": replace(plain, jump_forward=True),
              "grammar": replace(plain, grammar=True), "grammar+jump": replace(plain, grammar=True, jump_forward=True)}
    records = {}
    for mode in modes:
        if mode in single:
            result = generate(backend, messages, single[mode])
            records[mode] = _row_record(row, [result], result)
            continue
        started = time.perf_counter()
        _, _, attempts = answer(backend, messages, single["grammar+jump"], votes=int(mode.rsplit("=", 1)[1]))
        # One batch: the vote's cost is its wall time and its forward passes are the longest answer's.
        records[mode] = {**_vote(row, attempts), "seconds": time.perf_counter() - started,
                         "steps": max(a.decode_steps for a in attempts)}
    return records


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(records: list[dict]) -> dict:
    n = len(records)
    programs = sum(r["programs"] for r in records)
    masks = [m for r in records for m in r["mask_ms"]]
    return {
        "n": n, "accuracy": sum(r["correct"] for r in records) / n,
        "compile_rate": sum(r["compiled"] for r in records) / programs if programs else 0.0, "programs": programs,
        "tokens": statistics.mean(r["tokens"] for r in records), "steps": statistics.mean(r["steps"] for r in records),
        "seconds": statistics.mean(r["seconds"] for r in records),
        "compile_seconds": statistics.mean(r.get("compile_seconds", 0.0) for r in records),
        "mask_p50_ms": _percentile(masks, 0.5), "mask_p99_ms": _percentile(masks, 0.99),
        "agreed": statistics.mean(r["agreed"] for r in records) if "agreed" in records[0] else None,
    }


def format_table(title: str, summaries: dict[str, dict]) -> str:
    lines = [title, f"{'mode':<14} {'n':>3} {'acc':>6} {'compile':>8} {'progs':>5} {'tokens':>7} {'steps':>6} "
             f"{'s/ans':>6} {'grammar':>7} {'mask p50':>9} {'mask p99':>9} {'agreed':>6}"]
    for mode, s in summaries.items():
        agreed = f"{s['agreed']:.2f}" if s["agreed"] is not None else "–"
        lines.append(f"{mode:<14} {s['n']:>3} {s['accuracy']:>6.1%} {s['compile_rate']:>8.1%} {s['programs']:>5} "
                     f"{s['tokens']:>7.1f} {s['steps']:>6.1f} {s['seconds']:>6.2f} {s['compile_seconds']:>6.2f}s "
                     f"{s['mask_p50_ms']:>7.2f}ms "
                     f"{s['mask_p99_ms']:>7.2f}ms {agreed:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("torch", "onnx"), default="onnx")
    parser.add_argument("--bundle", type=Path, default=None, help="bundle folder for --backend onnx")
    parser.add_argument("--adapter", default=None, help="LoRA adapter for --backend torch (default: the committed one)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="the test split")
    parser.add_argument("--sample", type=int, default=40, help="questions drawn (seeded) from --questions (0: none)")
    parser.add_argument("--human", type=int, default=28, help="questions of benchmarks/human_questions.jsonl (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-new-tokens", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-votes", action="store_true", help="only the single-program modes (a quick run)")
    parser.add_argument("--modes", default=None, help=f"comma-separated subset of: {', '.join(MODES)}")
    parser.add_argument("--out", type=Path, default=None, help="also write every record as JSON")
    args = parser.parse_args(argv)

    from worldmodel.evaluate import resolve_adapter
    from worldmodel.model.backend import load_backend

    backend = load_backend(args.backend, adapter=resolve_adapter(args.adapter) if args.backend == "torch" else None,
                           bundle=args.bundle, threads=args.threads)
    sets = {}
    if args.sample:
        test_rows = read_questions(args.questions)
        sets[f"test split ({args.questions}, {args.sample} of {len(test_rows)}, seed {args.seed})"] = \
            random.Random(args.seed).sample(test_rows, min(args.sample, len(test_rows)))
    if args.human:
        sets[f"human questions ({HUMAN_QUESTIONS})"] = read_questions(HUMAN_QUESTIONS, args.human)
    report = {}
    for title, rows in sets.items():
        modes = tuple(args.modes.split(",")) if args.modes else MODES[:4] if args.no_votes else MODES
        unknown = set(modes) - set(MODES)
        if unknown:
            parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
        per_mode: dict[str, list[dict]] = {mode: [] for mode in modes}
        started = time.perf_counter()
        for index, row in enumerate(rows, 1):
            for mode, record in run_question(backend, row, args.max_new_tokens, modes).items():
                per_mode[mode].append({**record, "category": _category(row), "question": row["question"]})
            print(f"[{index}/{len(rows)}] {time.perf_counter() - started:.0f}s {row['question'][:60]!r} "
                  + " ".join("✓" if per_mode[m][-1]["correct"] else "✗" for m in modes), file=sys.stderr, flush=True)
        summaries = {mode: summarize(records) for mode, records in per_mode.items()}
        report[title] = {"summaries": summaries, "records": per_mode}
        print(format_table(title, summaries) + "\n", flush=True)
        for mode in (m for m in modes if m not in ("no grammar", "jump only")):  # the masked modes
            for record in per_mode[mode]:
                for program, kind, message in record["rejected"]:
                    print(f"admitted by the grammar, rejected by the engine ({mode}, {kind}): {message}\n{program}\n")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
