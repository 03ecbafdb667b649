"""One digest of everything the converter emits, to show a refactor leaves its output byte-identical.

    python -m benchmarks.converter_output_digest [--corpus PATH] [--per-family N] [--seed S]

Converts every program of the peer corpus and the Python solutions of a curriculum sample (the candidates
`data.build.build(seed, per_family)` samples first, in its order) to standalone and linked WAT, and prints one
SHA-256 over (program, standalone WAT, linked WAT), a ConversionError's text standing in for a module the
converter refuses; then one over the sample's ByteLog solutions compiled the same two ways (they share the
runtime library), one over the runtime library module rt.wat and its export signatures, and one over the binary
that rt.wat assembles to (what the runtimes load: it stays the same when only rt.wat's layout changes). Run it
before and after a change and compare the lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from benchmarks.peer_corpus import CORPUS


def curriculum_programs(seed: int, per_family: int, language: str = "python") -> list[tuple[str, str]]:
    """(name, source) of the solutions in `language` that build(seed, per_family) samples, in its order and rng draws."""
    from worldmodel.data.build import sample_candidate
    from worldmodel.data.families import FAMILIES, LOGIC_FAMILIES

    rng = random.Random(seed)
    candidates = [sample_candidate(family, rng) for family in [*FAMILIES, *LOGIC_FAMILIES]
                  for _ in range(family.rows(per_family))]
    return [(f"{c.family.name}-{number}", c.source) for number, c in enumerate(candidates)
            if c.family.language == language]


def peer_programs(path: Path) -> list[tuple[str, str]]:
    with path.open() as f:
        return [(r["id"], r["program"]) for r in map(json.loads, f)]


def converted(source: str, standalone: bool, language: str = "python") -> str:
    from worldmodel.bytelog import ByteLogError, compile_to_wat
    from worldmodel.wat import ConversionError, convert

    try:
        if language == "bytelog":
            return compile_to_wat(source, standalone=standalone)
        return convert(source, standalone=standalone)
    except ConversionError as e:
        return f"ConversionError {e.line}:{e.col} {e.construct}: {e.message}"
    except ByteLogError as e:
        return f"ByteLogError {e.line}:{e.column} {e.kind}: {e.message}"


def digest(programs: list[tuple[str, str]], language: str = "python") -> str:
    h = hashlib.sha256()
    for name, source in programs:
        for part in (name, source, converted(source, True, language), converted(source, False, language)):
            h.update(part.encode())
            h.update(b"\0")
    return h.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--per-family", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    peers = peer_programs(args.corpus)
    curriculum = curriculum_programs(args.seed, args.per_family)
    print(f"peer corpus: {len(peers)} programs  digest {digest(peers)}")
    print(f"curriculum (seed {args.seed}, {args.per_family} per family): {len(curriculum)} programs  "
          f"digest {digest(curriculum)}")
    logic = curriculum_programs(args.seed, args.per_family, "bytelog")
    print(f"curriculum ByteLog: {len(logic)} programs  digest {digest(logic, 'bytelog')}")
    from worldmodel.wat import runtime_exports, runtime_library_wat

    import wasmtime

    rt, exports = runtime_library_wat(), json.dumps(runtime_exports())
    print(f"runtime library rt.wat and export signatures: digest {hashlib.sha256((rt + exports).encode()).hexdigest()}")
    binary = wasmtime.wat2wasm(rt) + exports.encode()
    print(f"runtime library binary and export signatures: digest {hashlib.sha256(binary).hexdigest()}")


if __name__ == "__main__":
    main()
