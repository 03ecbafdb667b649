"""Convert and run every program of the peer corpus; compare with CPython's recorded stdout.

    python -m benchmarks.peer_corpus [--standalone] [--limit N] [--per-shape K]

Prints programs identical / converted but different / rejected (ConversionError or runtime error),
by count and by distinct program shape (the AST with numbers and strings normalised away), and the
rejection reasons by frequency. "Converted but different" must stay at zero.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
from dataclasses import dataclass
from pathlib import Path

# shared/ lies beside the project checkout (on developer machines and in CI alike).
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "peer-programs.jsonl"


@dataclass
class Outcome:
    program_id: str
    shape: str
    status: str  # identical | different | rejected
    reason: str = ""


class _Normalise(ast.NodeTransformer):
    def visit_Constant(self, node):
        if isinstance(node.value, bool) or node.value is None:
            return node
        if isinstance(node.value, (int, float, str)):
            return ast.Constant(value=type(node.value).__name__)
        return node


def shape_of(program: str) -> str:
    try:
        return ast.dump(_Normalise().visit(ast.parse(program)))
    except SyntaxError:
        return "<syntax error>"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def sample_by_shape(records: list[dict], per_shape: int) -> list[dict]:
    """A deterministic sample: the first `per_shape` programs of every shape."""
    seen: dict[str, int] = collections.Counter()
    out = []
    for r in records:
        s = shape_of(r["program"])
        if seen[s] < per_shape:
            seen[s] += 1
            out.append(r)
    return out


def reason_key(message: str) -> str:
    """Group messages: drop positions and quoted specifics."""
    message = re.sub(r"line \d+, col \d+: ", "", message)
    return re.sub(r"'[^']*'", "'…'", message)[:120]


def evaluate(record: dict, standalone: bool = False) -> Outcome:
    from worldmodel.runtime import run_wat
    from worldmodel.wat import ConversionError, convert

    shape = shape_of(record["program"])
    try:
        wat = convert(record["program"], standalone=standalone)
    except ConversionError as e:
        return Outcome(record["id"], shape, "rejected", "ConversionError: " + reason_key(str(e)))
    result = run_wat(wat)
    if not result.ok:
        return Outcome(record["id"], shape, "rejected", f"runtime {result.error_kind}: {reason_key(result.error_message)}")
    if result.stdout == record["stdout"]:
        return Outcome(record["id"], shape, "identical")
    return Outcome(record["id"], shape, "different", f"got {result.stdout[:80]!r} want {record['stdout'][:80]!r}")


def summarise(outcomes: list[Outcome]) -> dict:
    by_status = collections.Counter(o.status for o in outcomes)
    shapes: dict[str, set] = collections.defaultdict(set)
    for o in outcomes:
        shapes[o.status].add(o.shape)
    all_shapes = {o.shape for o in outcomes}
    fully_identical = {s for s in all_shapes if all(o.status == "identical" for o in outcomes if o.shape == s)}
    reasons = collections.Counter(o.reason for o in outcomes if o.status == "rejected")
    return {"total": len(outcomes), "by_status": dict(by_status), "shapes_total": len(all_shapes),
            "shapes_by_status": {k: len(v) for k, v in shapes.items()}, "shapes_all_identical": len(fully_identical),
            "reasons": reasons.most_common(), "different": [o for o in outcomes if o.status == "different"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--standalone", action="store_true", help="run the standalone form (default: linked)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N programs")
    ap.add_argument("--per-shape", type=int, default=0, help="only the first K programs of each shape")
    args = ap.parse_args(argv)
    records = load_corpus()
    if args.per_shape:
        records = sample_by_shape(records, args.per_shape)
    if args.limit:
        records = records[: args.limit]
    outcomes = [evaluate(r, args.standalone) for r in records]
    s = summarise(outcomes)
    n = s["total"]
    print(f"programs: {n}  (form: {'standalone' if args.standalone else 'linked'})")
    for status in ("identical", "different", "rejected"):
        c = s["by_status"].get(status, 0)
        print(f"  {status:10s} {c:5d}  {100 * c / max(n, 1):5.1f} %   shapes: {s['shapes_by_status'].get(status, 0)}")
    print(f"shapes: {s['shapes_total']} distinct, {s['shapes_all_identical']} with every program identical")
    if s["reasons"]:
        print("rejection reasons:")
        for reason, count in s["reasons"]:
            print(f"  {count:5d}  {reason}")
    for o in s["different"][:20]:
        print(f"DIFFERENT {o.program_id}: {o.reason}")
    return 1 if s["different"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
