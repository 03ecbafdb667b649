"""Task accuracy of two evaluation reports on the same questions, side by side:

    python -m benchmarks.task_parity REFERENCE.json CANDIDATE.json [--max-drop 0.01]

Each report is `worldmodel eval --out` output (e.g. PyTorch on a GPU and the int8 ONNX bundle on a CPU). Prints
accuracy and compile rate of each, the difference, how often both got the same question right or wrong and
wrote the same final answer, and the questions where they disagree. Exits 1 when the candidate's accuracy
is more than `--max-drop` below the reference's (the export issue's gate: 1 point).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def compare(reference: dict, candidate: dict) -> dict:
    ref_rows = {row["question"]: row for row in reference["model"]["rows"]}
    cand_rows = {row["question"]: row for row in candidate["model"]["rows"]}
    if ref_rows.keys() != cand_rows.keys():
        raise ValueError("the two reports cover different questions: evaluate both with the same --questions/--limit")
    pairs = [(ref_rows[q], cand_rows[q]) for q in ref_rows]
    return {
        "n": len(pairs),
        "accuracy": (reference["model"]["overall"]["accuracy"], candidate["model"]["overall"]["accuracy"]),
        "compile_rate": (reference["model"]["overall"]["compile_rate"], candidate["model"]["overall"]["compile_rate"]),
        "same_correctness": sum(a["correct"] == b["correct"] for a, b in pairs) / len(pairs),
        "same_final": sum(a["final"] == b["final"] for a, b in pairs) / len(pairs),
        "disagreements": [(a["question"], a["correct"], a["final"], b["final"]) for a, b in pairs
                          if a["correct"] != b["correct"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.task_parity", description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--max-drop", type=float, default=0.01, help="largest allowed accuracy drop (default 1 point)")
    args = parser.parse_args(argv)
    reports = [json.loads(path.read_text()) for path in (args.reference, args.candidate)]
    result = compare(*reports)
    names = [f"{r.get('backend', 'torch')} ({path.name})" for r, path in zip(reports, (args.reference, args.candidate))]
    (ref_acc, cand_acc), (ref_compile, cand_compile) = result["accuracy"], result["compile_rate"]
    print(f"{result['n']} questions ({reports[0]['questions']})")
    print(f"{'':<40} {'accuracy':>9} {'compile':>9}")
    print(f"{names[0]:<40} {ref_acc:>9.1%} {ref_compile:>9.1%}")
    print(f"{names[1]:<40} {cand_acc:>9.1%} {cand_compile:>9.1%}")
    print(f"difference: {100 * (cand_acc - ref_acc):+.1f} points; same verdict on {result['same_correctness']:.1%} "
          f"of questions, identical final answer on {result['same_final']:.1%}")
    for question, ref_right, ref_final, cand_final in result["disagreements"]:
        winner = "reference" if ref_right else "candidate"
        print(f"  {winner} right: {question[:70]!r}\n      {ref_final[:60]!r} vs {cand_final[:60]!r}")
    return 1 if ref_acc - cand_acc > args.max_drop + 1e-12 else 0


if __name__ == "__main__":
    sys.exit(main())
