"""Fuzzing (hypothesis) the manifest reader and `worldmodel run` with mutated inputs: every input must end
in a result or a named error, never an exception. Brief in CI (derandomized); for a long run:

    WORLDMODEL_FUZZ_EXAMPLES=5000 pytest tests/test_hostile_fuzz.py -s

Each test prints how many inputs it tried and the outcomes by kind."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hostile.bundles import base_files, manifest_for

from worldmodel.model.bundle import BundleError, check_bundle_path, parse_manifest
from worldmodel.runtime import Limits, RunResult, run_wat
from worldmodel.commands.run import read_program

LONG_RUN = os.environ.get("WORLDMODEL_FUZZ_EXAMPLES")
FIXTURES = Path(__file__).resolve().parents[1] / "e2e" / "fixtures"
KNOWN_KINDS = {"wat_syntax", "invalid_module", "module_too_large", "unknown_import", "missing_main", "fuel_exhausted",
               "timeout", "memory_limit", "output_limit", "stack_overflow", "trap", "conversion_error"}


def fuzz_settings(brief: int):
    return settings(max_examples=int(LONG_RUN) if LONG_RUN else brief, deadline=None, derandomize=not LONG_RUN,
                    database=None, suppress_health_check=list(HealthCheck))


def report(capsys, what: str, outcomes: Counter) -> None:
    with capsys.disabled():
        print(f"\n{what}: {sum(outcomes.values())} inputs tried")
        for kind, count in outcomes.most_common():
            print(f"  {count:6d}  {kind}")


def category(message: str) -> str:
    """A BundleError message without its specifics: the kind of refusal."""
    text = re.sub(r"^[^:]*manifest\.json: ", "", message)
    text = re.sub(r"\(.*", "", text)
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'|\"[^\"]*\"", "…", text))[:70].strip()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


@st.composite
def mutated_manifests(draw) -> bytes:
    files = base_files()
    manifest = manifest_for(files, files)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(manifest) if p]
        path = draw(st.sampled_from(paths))
        parent = manifest
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values | st.sampled_from(["../x", "/etc/passwd", "a/../../b", "", "a\\b", -1, 1.0, True]))
    data = json.dumps(manifest).encode()
    if draw(st.integers(0, 7)) == 0:  # byte-level damage too
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at + draw(st.integers(0, 8)):]
    return data


def test_fuzz_manifest_reader(capsys):
    outcomes: Counter = Counter()

    @fuzz_settings(brief=60)
    @given(mutated_manifests())
    def check(data):
        try:
            manifest = parse_manifest(data)
        except BundleError as error:
            outcomes["refused: " + category(str(error))] += 1
            return
        for entry in manifest.files:  # what it accepts only names files inside the bundle
            check_bundle_path(entry.path)
            if entry.compressed:
                check_bundle_path(entry.compressed.path)
        outcomes["accepted"] += 1

    check()
    report(capsys, "manifest reader", outcomes)
    assert sum(outcomes.values()) > 0


def seed_modules() -> list[str]:
    return [path.read_text() for path in sorted(FIXTURES.glob("*.wat"))]


INTERESTING_NUMBERS = ["0", "-1", "1", "65535", "65536", "2147483647", "-2147483648", "9223372036854775807",
                       "99999999", "nan", "inf", "-0x1p-1074"]
INSTRUCTIONS = ["i32.add", "i32.div_s", "i32.rem_u", "i64.mul", "i64.div_u", "i64.trunc_f64_s", "f64.div", "f64.sqrt",
                "memory.grow", "memory.size", "i32.load", "i64.store", "unreachable", "nop", "drop", "return",
                "br 0", "call 0", "local.get 0", "global.get 0"]


def _form_end(tokens: list[str], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index] == "("
        depth -= tokens[index] == ")"
        if depth == 0:
            return index + 1
    return len(tokens)


@st.composite
def mutated_modules(draw) -> bytes:
    """Token-level mutations of the fixture modules (they mostly stay well formed, so they reach the
    validator, the limits and the engine), now and then raw byte damage."""
    tokens = re.findall(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+', draw(st.sampled_from(seed_modules())))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["number", "instruction", "duplicate", "delete"]))
        if action == "number":
            spots = [i for i, t in enumerate(tokens) if re.fullmatch(r"-?[0-9][0-9a-fx._]*", t)]
            if spots:
                tokens[draw(st.sampled_from(spots))] = draw(st.sampled_from(INTERESTING_NUMBERS))
        elif action == "instruction":
            spots = [i for i, t in enumerate(tokens) if re.fullmatch(r"[a-z0-9]+\.[a-z0-9_]+", t)]
            if spots:
                tokens[draw(st.sampled_from(spots))] = draw(st.sampled_from(INSTRUCTIONS))
        else:
            opens = [i for i, t in enumerate(tokens) if t == "(" and i > 0]
            if opens:
                start = draw(st.sampled_from(opens))
                end = _form_end(tokens, start)
                form = tokens[start:end]
                tokens[start:end] = form * draw(st.integers(2, 200)) if action == "duplicate" else []
    data = " ".join(tokens).replace("( ", "(").replace(" )", ")").encode()
    if draw(st.integers(0, 7)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 1:]
    return data


def test_fuzz_worldmodel_run_on_mutated_modules(capsys, tmp_path):
    """What `worldmodel run FILE.wat` does (read_program, then run_wat), on mutated fixture modules."""
    outcomes: Counter = Counter()
    limits = Limits(fuel=5_000_000, timeout_s=2.0)
    program = tmp_path / "mutated.wat"

    @fuzz_settings(brief=40)
    @given(mutated_modules())
    def check(data):
        program.write_bytes(data)
        source = read_program(program, limits)
        result = source if isinstance(source, RunResult) else run_wat(source, limits)
        kind = "ok" if result.ok else result.error_kind
        assert result.ok or kind in KNOWN_KINDS or re.fullmatch(r"[A-Z][A-Za-z]*(Error|Exception)", kind or ""), result
        assert result.ok or result.error_message
        json.dumps(result.to_dict(), allow_nan=False)
        outcomes[kind] += 1

    check()
    report(capsys, "worldmodel run on mutated modules", outcomes)
    assert sum(outcomes.values()) > 0
