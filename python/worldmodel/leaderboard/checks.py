"""The checks a parsed submission passes before it is stored (docs/leaderboard.md, "Checks").

In order, each failure a `Rejected(code, detail)`:
1. `unknown_bundle`: no manifest given to the server has a `benchmark` block for (model_id, model_version), or
   its block is for another suite.
2. `implausible`: the result contradicts itself or the suite (ids, run counts, token counts, rates that do not
   follow from their own parts, p50 > p99, more right answers than questions, a total shorter than its parts),
   or a figure is beyond what the device class can physically do.
3. `proof_mismatch`: a greedy prefix (`tokens`, `sha256`) or a sandbox `stdout_sha256` differs from the
   manifest's expected results: the run did not run this bundle on this suite.
Then a result that passes but is an outlier (above a generous bound that is still physically possible, or far above
the best accepted so far on its device class) is quarantined for review instead of rejected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from worldmodel import benchmark_suite
from worldmodel.leaderboard.schema import Submission
from worldmodel.model.bundle import BundleError, parse_manifest

log = logging.getLogger("worldmodel.leaderboard")

# Rates are relative to their own parts within this share (the page rounds nothing, but floats and timers differ).
RATE_TOLERANCE = 0.02
# total_ms may fall short of the sum of its parts by this much: timers are coarsened (100 µs to 1 ms) per reading.
TOTAL_SLACK_MS = 5.0
TOTAL_SLACK_SHARE = 0.01


@dataclass(frozen=True)
class Bounds:
    """Per device class: beyond `max_*` is impossible (rejected); beyond `review_*` is possible but rare (quarantined)."""

    max_decode: float
    review_decode: float
    max_prefill: float
    review_prefill: float


# The models are small (hundreds of millions of parameters, int8): a desktop GPU through WebGPU decodes a few hundred
# tokens/s at best, phones a fraction of that. The hard limits are several times above any device that exists.
BOUNDS = {
    "desktop": Bounds(max_decode=3000, review_decode=400, max_prefill=100_000, review_prefill=20_000),
    "tablet": Bounds(max_decode=1500, review_decode=200, max_prefill=50_000, review_prefill=8_000),
    "mobile": Bounds(max_decode=1500, review_decode=200, max_prefill=50_000, review_prefill=8_000),
    "unknown": Bounds(max_decode=3000, review_decode=400, max_prefill=100_000, review_prefill=20_000),
}
# "Far above the best seen": more than this many times the best accepted decode rate of the device class, once the
# class has enough accepted results for its best to mean something.
OUTLIER_FACTOR = 2.0
OUTLIER_MIN_ACCEPTED = 5


class Rejected(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Expected:
    """A manifest's `benchmark` block: what a real run of that bundle on that suite must produce."""

    model_id: str
    model_version: str
    suite: str
    suite_sha256: str
    greedy: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (tokens, sha256)
    sandbox: dict[str, str] = field(default_factory=dict)  # id -> stdout_sha256


def expected_from_manifest(manifest: dict) -> Expected | None:
    """The expected results of one manifest (as the strict reader, worldmodel.model.bundle, returns it), or None
    when it has no `benchmark` block."""
    block = manifest.get("benchmark")
    if block is None:
        return None
    return Expected(
        model_id=str(manifest["model"]["id"]),
        model_version=str(manifest["model"]["version"]),
        suite=str(block["suite"]),
        suite_sha256=str(block["suite_sha256"]),
        greedy={str(g["id"]): (int(g["tokens"]), str(g["sha256"])) for g in block["greedy"]},
        sandbox={str(s["id"]): str(s["stdout_sha256"]) for s in block["sandbox"]},
    )


def manifest_paths(folder: Path) -> list[Path]:
    """A bundle folder's manifest.json, or every manifest under a releases folder."""
    if (folder / "manifest.json").is_file():
        return [folder / "manifest.json"]
    return sorted(folder.glob("**/manifest.json"))


def load_expected(folders: list[Path]) -> dict[tuple[str, str], Expected]:
    """Expected results keyed by (model_id, model_version) from the manifests in `folders`.

    A block whose suite file differs from this server's copy (another suite_sha256) cannot prove anything: it is
    left out with a warning, and results for that bundle are then `unknown_bundle`.
    """
    expected: dict[tuple[str, str], Expected] = {}
    for folder in folders:
        paths = manifest_paths(Path(folder))
        if not paths:
            raise FileNotFoundError(f"no manifest.json in {folder}")
        for path in paths:
            try:
                item = expected_from_manifest(parse_manifest(path.read_bytes(), str(path)).model_dump())
            except BundleError as error:
                raise ValueError(str(error)) from None
            if item is None:
                log.warning("%s has no benchmark block: its results cannot be checked", path)
                continue
            if item.suite not in benchmark_suite.SUITES or item.suite_sha256 != benchmark_suite.suite_sha256(item.suite):
                log.warning("%s: benchmark block for suite %s does not match this server's suite file", path, item.suite)
                continue
            expected[(item.model_id, item.model_version)] = item
    return expected


def _close(claimed: float, computed: float) -> bool:
    return abs(claimed - computed) <= RATE_TOLERANCE * computed


def check_consistency(sub: Submission, suite: dict) -> None:
    """Internal consistency and agreement with the suite; raises Rejected('implausible', …)."""
    r = sub.results

    def bad(detail: str):
        raise Rejected("implausible", detail)

    greedy_ids = [g.id for g in r.greedy]
    if sorted(greedy_ids) != sorted(item["id"] for item in suite["greedy"]):
        bad(f"results.greedy ids {greedy_ids} are not the suite's {[item['id'] for item in suite['greedy']]}")
    max_new = {item["id"]: item["max_new_tokens"] for item in suite["greedy"]}
    for g in r.greedy:
        if g.generated_tokens > max_new[g.id]:
            bad(f"results.greedy[{g.id}].generated_tokens {g.generated_tokens} exceeds the suite's {max_new[g.id]}")
        if g.tokens > g.generated_tokens:
            bad(f"results.greedy[{g.id}].tokens {g.tokens} exceeds generated_tokens {g.generated_tokens}")
        if g.generated_tokens > 1 and g.decode_ms <= 0:
            bad(f"results.greedy[{g.id}].decode_ms is 0 for {g.generated_tokens - 1} decoded tokens")

    sandbox_ids = [s.id for s in r.sandbox]
    if sorted(sandbox_ids) != sorted(item["id"] for item in suite["sandbox"]):
        bad(f"results.sandbox ids {sandbox_ids} are not the suite's {[item['id'] for item in suite['sandbox']]}")
    runs = {item["id"]: item["runs"] for item in suite["sandbox"]}
    for s in r.sandbox:
        if s.runs != runs[s.id]:
            bad(f"results.sandbox[{s.id}].runs {s.runs} is not the suite's {runs[s.id]}")
        if s.p50_ms > s.p99_ms:
            bad(f"results.sandbox[{s.id}]: p50_ms {s.p50_ms} > p99_ms {s.p99_ms}")
    if r.sandbox_p50_ms > r.sandbox_p99_ms:
        bad(f"results: sandbox_p50_ms {r.sandbox_p50_ms} > sandbox_p99_ms {r.sandbox_p99_ms}")

    decode_ms = sum(g.decode_ms for g in r.greedy)
    decoded = sum(g.generated_tokens - 1 for g in r.greedy)
    if decode_ms <= 0 or decoded <= 0:
        bad("results.greedy: no decoded tokens, so no decode rate")
    decode_rate = decoded / decode_ms * 1000
    if not _close(r.decode_tokens_per_s, decode_rate):
        bad(f"results.decode_tokens_per_s {r.decode_tokens_per_s} is not Σ(generated_tokens−1)/Σdecode_ms "
            f"= {decode_rate:.3f} (±{RATE_TOLERANCE:.0%})")
    prefill_rate = sum(g.prompt_tokens for g in r.greedy) / sum(g.prefill_ms for g in r.greedy) * 1000
    if not _close(r.prefill_tokens_per_s, prefill_rate):
        bad(f"results.prefill_tokens_per_s {r.prefill_tokens_per_s} is not Σprompt_tokens/Σprefill_ms "
            f"= {prefill_rate:.3f} (±{RATE_TOLERANCE:.0%})")

    questions = len(suite["questions"])
    if r.questions.total != questions:
        bad(f"results.questions.total {r.questions.total} is not the suite's {questions} questions")
    if r.questions.correct > r.questions.total:
        bad(f"results.questions.correct {r.questions.correct} exceeds total {r.questions.total}")

    # At least half of a module's runs take p50 or longer, so its runs take at least ceil(runs/2) × p50.
    parts = (r.load.cold_ms + r.load.warm_ms + sum(g.prefill_ms + g.decode_ms for g in r.greedy)
             + sum((s.runs + 1) // 2 * s.p50_ms for s in r.sandbox))
    if r.total_ms < parts * (1 - TOTAL_SLACK_SHARE) - TOTAL_SLACK_MS:
        bad(f"results.total_ms {r.total_ms} is less than the sum of its parts ({parts:.1f} ms: load, greedy, sandbox)")

    bounds = BOUNDS[sub.device.device_class]
    if r.decode_tokens_per_s > bounds.max_decode:
        bad(f"results.decode_tokens_per_s {r.decode_tokens_per_s} is beyond any {sub.device.device_class} "
            f"device (at most {bounds.max_decode})")
    if r.prefill_tokens_per_s > bounds.max_prefill:
        bad(f"results.prefill_tokens_per_s {r.prefill_tokens_per_s} is beyond any {sub.device.device_class} "
            f"device (at most {bounds.max_prefill})")


def check_proof(sub: Submission, expected: Expected) -> None:
    """The run's greedy prefixes and sandbox outputs are the bundle's; raises Rejected('proof_mismatch', …)."""
    for g in sub.results.greedy:
        want = expected.greedy.get(g.id)
        if want is None:
            raise Rejected("proof_mismatch", f"results.greedy[{g.id}]: the manifest has no expected result for it")
        if (g.tokens, g.sha256) != want:
            raise Rejected("proof_mismatch", f"results.greedy[{g.id}]: tokens/sha256 differ from the bundle's "
                           f"expected greedy prefix ({want[0]} tokens)")
    for s in sub.results.sandbox:
        if s.stdout_sha256 != expected.sandbox.get(s.id):
            raise Rejected("proof_mismatch", f"results.sandbox[{s.id}].stdout_sha256 differs from the bundle's "
                           "expected output")


def check_submission(sub: Submission, expected: dict[tuple[str, str], Expected]) -> None:
    """Every rejecting check, in the documented order; returns normally when the result may be stored."""
    if sub.suite not in benchmark_suite.SUITES:
        raise Rejected("invalid", f"suite: unknown suite {sub.suite!r} (known: {', '.join(benchmark_suite.SUITES)})")
    bundle = expected.get((sub.bundle.model_id, sub.bundle.model_version))
    if bundle is None:
        raise Rejected("unknown_bundle", f"bundle: no expected results for {sub.bundle.model_id} "
                       f"{sub.bundle.model_version} on this server")
    if bundle.suite != sub.suite:
        raise Rejected("unknown_bundle", f"bundle: its expected results are for suite {bundle.suite}, not {sub.suite}")
    check_consistency(sub, benchmark_suite.load_suite(sub.suite))
    check_proof(sub, bundle)


def quarantine_reason(sub: Submission, best_decode: float | None, accepted_in_class: int) -> str | None:
    """Why a result that passed every check still needs a human look, or None to accept it."""
    r, device_class = sub.results, sub.device.device_class
    bounds = BOUNDS[device_class]
    if r.decode_tokens_per_s > bounds.review_decode:
        return f"decode_tokens_per_s {r.decode_tokens_per_s} above {bounds.review_decode} ({device_class})"
    if r.prefill_tokens_per_s > bounds.review_prefill:
        return f"prefill_tokens_per_s {r.prefill_tokens_per_s} above {bounds.review_prefill} ({device_class})"
    if (best_decode is not None and accepted_in_class >= OUTLIER_MIN_ACCEPTED
            and r.decode_tokens_per_s > OUTLIER_FACTOR * best_decode):
        return (f"decode_tokens_per_s {r.decode_tokens_per_s} more than {OUTLIER_FACTOR:g}× the best accepted "
                f"{device_class} result ({best_decode})")
    return None
