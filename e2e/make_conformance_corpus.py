"""Builds the Python-vs-browser conformance corpus: WAT modules with the Python runtime's results.

Sources, each run through `worldmodel.runtime.run_wat` (the reference):
  1. hand-written fixtures (e2e/fixtures/*.wat): every result type, float formatting, every error kind;
  2. curriculum modules: the WAT of the dataset's assistant turns (worldmodel.data.build, a few per family);
  3. the peer corpus' programs (../shared/corpus/peer-programs.jsonl) converted to linked-form WAT,
     one program per distinct shape;
  4. the hostile modules of tests/hostile/programs.py (compile bombs, oversized modules, `main` results
     outside the ABI, …), so that both runtimes refuse them with the same kind.
  5. ByteLog programs (docs/bytelog.md), run through `worldmodel.bytelog.run_bytelog`: the curriculum's
     logic answers, examples/*.bl, e2e/fixtures/bytelog/*.bl, rejected programs of every error kind, programs that hit the sandbox's
     limits, and seeded random programs. The browser compiles them with its own port (web/worker/bytelog.ts).
The e2e test runs the same modules in the browser sandbox and compares ok, error kind and computed text
byte for byte. It also parses the dataset's assistant turns (and edge cases) with both protocol parsers. Runs that end on fuel or time are left out: browsers have no fuel, so an endless loop is a
`timeout` there and may be `fuel_exhausted` here (the e2e suite tests endless loops on their own).

Usage: python e2e/make_conformance_corpus.py OUT.json [--peer N] [--per-family N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEER_CORPUS = REPO.parent / "shared" / "corpus" / "peer-programs.jsonl"
NONDETERMINISTIC = {"fuel_exhausted", "timeout"}


def fixtures() -> list[tuple[str, str]]:
    return [(f"fixture/{p.stem}", p.read_text(encoding="utf-8")) for p in sorted((HERE / "fixtures").glob("*.wat"))]


def hostile() -> list[tuple[str, str]]:
    sys.path[:0] = [str(REPO / "tests"), str(REPO)]  # tests/hostile, and benchmarks/ that it builds on
    from hostile.programs import WAT_CASES

    # v128 is an assembler feature question (wabt here assembles without SIMD: wat_syntax; wasmtime parses
    # it and the runtime refuses it: invalid_module), not a runtime one.
    return [(f"hostile/{case.name}", case.source) for case in WAT_CASES if "v128" not in case.name]


def curriculum_turns(per_family: int) -> list[tuple[str, str]]:
    """(row id, assistant turn) of the dataset, chat and refusal rows included (they have no module)."""
    from worldmodel.data.build import build

    result = build(seed=0, per_family=per_family)
    return [(row["id"], row["messages"][-1]["content"]) for row in result.rows]


def curriculum(turns: list[tuple[str, str]], bytelog: bool = False) -> list[tuple[str, str]]:
    """The WAT modules of the turns, or (bytelog=True) their ByteLog programs (the logic families)."""
    from worldmodel import protocol

    modules = []
    for row_id, turn in turns:
        answer = protocol.parse_answer(turn)
        program = answer.bytelog if bytelog else answer.wat
        if program:
            modules.append((f"{'bytelog/' if bytelog else ''}curriculum/{row_id}", program))
    return modules


# Turns the parser must split the same way in both languages (the dataset adds well-formed ones).
EDGE_TURNS = [
    "Hello! How can I help?",
    "<think> spaced plan </think>\n<wat_model>\n  (module)  \n</wat_model>\n<computed>1</computed>\n  Final 1.  ",
    '<wat_model>(module)</wat_model>\n<computed error="ZeroDivisionError">division by zero</computed>\nI could not compute it.',
    "<think>only a plan</think>",
    "<computation>x = 1</computation>\n<computed>1</computed>\nOne.",
    "<wat_model>\n(module\n",
    "text <think>late think</think> after",
]


def parsed_turns(turns: list[str]) -> list[dict]:
    from worldmodel import protocol

    out = []
    for text in turns:
        a = protocol.parse_answer(text)
        out.append({"text": text, "think": a.think, "wat": a.wat, "bytelog": a.bytelog, "computed": a.computed,
                    "computed_error": a.computed_error, "final": a.final, "blocks": a.blocks})
    return out


def shape(program: str) -> str:
    """A program with its numbers and strings blanked: programs of one shape exercise the same code."""
    return re.sub(r"\d+(\.\d+)?", "0", re.sub(r"(['\"]).*?\1", "''", program))


def peer_programs(limit: int) -> list[tuple[str, str]]:
    from worldmodel.wat import ConversionError, convert

    if not PEER_CORPUS.is_file():
        raise FileNotFoundError(f"{PEER_CORPUS} (the shared peer corpus) is missing")
    modules, seen = [], set()
    for line in PEER_CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        key = shape(row["program"])
        if key in seen:
            continue
        seen.add(key)
        try:
            modules.append((f"peer/{row['id']}", convert(row["program"], standalone=False)))
        except ConversionError:
            continue  # rejected with a clear error by the converter: nothing to run
        if len(modules) >= limit:
            break
    return modules


BYTELOG_REJECTED = [
    "REL r\nFACT r a",
    "REL r\nQUERY r a b c",
    "REL r\nRULE r: SCAN r, EMIT r $0",
    "REL r\nFACT s a b",
    "REL r\nRULE r: SCAN r, JOIN r $2, EMIT r $0 $1",
    "REL r\nRULE r: SCAN r MATCH $0, EMIT r $0 $1",
    "REL r\nREL s\nRULE r: SCAN s, EMIT s $0 $1",
    "REL r\nRULE r SCAN r, EMIT r $0 $1",
    "REL r\nRULE r: EMIT r $0 $1",
    "REL r\nFACT r a #",
    "REL query",
    "FACT\n\n",
    "REL r\nFACT r 1 99999999999999999999",
    "REL " + "x" * 129,
    "REL r\n" + "FACT r 1 2" * 10_001,
    "".join(f"REL r{i}\n" for i in range(51)),
    "; " + "x" * 102_400,
]


def _chain(n: int) -> str:
    return ("REL e\nREL p\n" + "".join(f"FACT e {i} {i + 1}\n" for i in range(n))
            + "RULE p: SCAN e, EMIT p $0 $1\nRULE p: SCAN e, JOIN p $1, EMIT p $0 $2\n")


def _random_bytelog(rng) -> str:
    relations, values = ["r0", "r1", "r2"], ["0", "1", "-2", "a", "b", "alice"]
    lines = [f"REL {r}" for r in relations]
    lines += [f"FACT {rng.choice(relations)} {rng.choice(values)} {rng.choice(values)}" for _ in range(rng.randint(4, 14))]
    for _ in range(rng.randint(0, 4)):
        ops, bound = [f"SCAN {rng.choice(relations)}"], 2
        for _ in range(rng.randint(0, 3)):
            if rng.random() < 0.7:
                ops.append(f"JOIN {rng.choice(relations)} ${rng.randrange(bound)}")
                bound += 1
            else:
                ops.append(f"SCAN {rng.choice(relations)} MATCH ${rng.randrange(bound)}")
                bound += 2
        head = rng.choice(relations)
        lines.append(f"RULE {head}: {', '.join(ops)}, EMIT {head} ${rng.randrange(bound)} ${rng.randrange(bound)}")
    for _ in range(rng.randint(1, 3)):
        a, b = (rng.choice(values + ["?", "?"]) for _ in range(2))
        lines.append(f"QUERY {rng.choice(relations)} {a} {b}")
    return "\n".join(lines)


def bytelog_programs(count: int) -> list[tuple[str, str]]:
    import random

    programs = [(f"bytelog/{p.stem}", p.read_text(encoding="utf-8"))
                for p in sorted((REPO / "examples").glob("*.bl")) + sorted((HERE / "fixtures" / "bytelog").glob("*.bl"))]
    programs += [(f"bytelog/rejected-{i}", source) for i, source in enumerate(BYTELOG_REJECTED)]
    programs += [("bytelog/deep-chain", _chain(300) + "QUERY p 0 300\nQUERY p 299 ?"),
                 ("bytelog/memory-limit", "REL n\nREL p\n" + "".join(f"FACT n {i} {i}\n" for i in range(2000))
                  + "RULE p: SCAN n, SCAN n, EMIT p $0 $3\nQUERY p 1 1"),
                 ("bytelog/output-limit", _chain(400) + "QUERY p ? ?")]
    rng = random.Random(0)
    programs += [(f"bytelog/random-{i}", _random_bytelog(rng)) for i in range(count)]
    return programs


def contexts(turns: list[tuple[str, str]]) -> list[dict]:
    """Conversations of 1-5 dataset turns with what worldmodel.chat_context.fit_history sends for a follow-up, at
    budgets from everything to nothing (0). Tokens are counted as characters of the contents here, so that both
    implementations count alike; the browser counts real tokens of its chat template."""
    from worldmodel.chat_context import fit_history

    def chars(messages: list[dict]) -> int:
        return sum(len(m["content"]) for m in messages)

    cases = []
    for length in range(1, 6):
        for start in range(0, len(turns) - length, 37):
            messages = []
            for row_id, reply in turns[start:start + length]:
                messages += [{"role": "user", "content": f"question of {row_id}"}, {"role": "assistant", "content": reply}]
            messages.append({"role": "user", "content": "And with 40 instead?"})
            total = chars(messages)
            # 0: a model trained on single questions (SINGLE_QUESTION) gets the question alone.
            for budget in sorted({total, total * 2 // 3, total // 3, total // 6, 30, 0}, reverse=True):
                cases.append({"messages": messages, "budget": budget, "sent": fit_history(messages, chars, budget)})
    return cases


def expected_results(kind: str, run, programs: list[tuple[str, str]]) -> list[dict]:
    """One case per named program (its text under `kind`): what the reference runner printed or raised.
    Programs whose outcome depends on the machine (NONDETERMINISTIC) are left out."""
    cases = []
    for name, text in programs:
        result = run(text)
        if result.error_kind in NONDETERMINISTIC:
            continue
        cases.append({"name": name, kind: text, "ok": result.ok, "error_kind": result.error_kind,
                      "computed_text": result.computed_text})
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--peer", type=int, default=120, help="peer programs (distinct shapes) to include")
    parser.add_argument("--per-family", type=int, default=2, help="curriculum examples per family")
    parser.add_argument("--bytelog", type=int, default=40, help="random ByteLog programs to include")
    args = parser.parse_args(argv)

    from worldmodel.runtime import run_wat

    turns = curriculum_turns(args.per_family)
    modules = fixtures()
    counts = {"fixture": len(modules)}
    for name, source in (("curriculum", lambda: curriculum(turns)), ("peer", lambda: peer_programs(args.peer)),
                         ("hostile", hostile)):
        extra = source()
        counts[name] = len(extra)
        modules += extra
    from worldmodel.bytelog import run_bytelog

    programs = bytelog_programs(args.bytelog) + curriculum(turns, bytelog=True)
    counts["bytelog"] = len(programs)
    answers = parsed_turns(EDGE_TURNS + [turn for _, turn in turns])
    counts["answers"] = len(answers)
    from worldmodel.chat_context import CONTEXT_BUDGET

    follow_ups = contexts(turns)
    counts["contexts"] = len(follow_ups)

    cases = expected_results("wat", run_wat, modules) + expected_results("bytelog", run_bytelog, programs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"counts": counts, "cases": cases, "answers": answers,
                                         "contexts": follow_ups, "context_budget": CONTEXT_BUDGET}, indent=1), encoding="utf-8")
    print(f"conformance corpus: {len(cases)} modules {counts} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
