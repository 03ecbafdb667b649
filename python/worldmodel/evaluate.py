"""`worldmodel eval`: accuracy of the tool-using model on held-out questions, against the base model.

Each question row has `question`, a numeric `answer` and optional `rel_tol` (default 1e-3) and
`category`/`family`. An answer is correct when a number stated in the final answer equals the expected one
within `rel_tol`. Logic questions (ByteLog families) have a list of names or a bool as `answer`: correct
when the final answer names every expected name (whole words, any case; extra names are not penalised),
or when its first "yes"/"no" is the expected one. Reported per category and overall: accuracy, WAT compile
rate, execution success rate, provenance (share of numbers in final answers that the runtime computed or the
question gave), mean generated tokens and seconds per answer. `--baseline` also runs the base model answering directly, without
tools, on the same questions in the same run.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from worldmodel.decoding_options import Decoding, plain_decoding
from worldmodel.generate import GenerationConfig

DEFAULT_QUESTIONS = Path("data/curriculum/test.jsonl")
DEFAULT_REL_TOL = 1e-3
DEFAULT_MAX_NEW_TOKENS = GenerationConfig.max_new_tokens  # one default for generate, eval and the bundle


def is_correct(final: str, expected: float | list | bool, rel_tol: float = DEFAULT_REL_TOL) -> bool:
    from worldmodel.protocol import numbers_in

    if isinstance(expected, bool):
        verdict = re.search(r"\b(yes|no)\b", final, re.IGNORECASE)
        return verdict is not None and (verdict.group(1).lower() == "yes") == expected
    if isinstance(expected, list):
        words = {word.lower() for word in re.findall(r"\w+", final)}
        return bool(expected) and all(name.lower() in words for name in expected)
    return any(math.isclose(value, expected, rel_tol=rel_tol, abs_tol=1e-9) for value in numbers_in(final))


def read_questions(path: Path, limit: int | None = None, category: str | None = None,
                   per_category: int | None = None) -> list[dict]:
    """Rows with a numeric answer (of one category, e.g. `gsm8k`, when given), at most the first `per_category`
    of each category (a sample that covers every family of a split), then the first `limit` of them."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (build the data with `worldmodel data build`, or pass --questions)")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("question"), str):
                raise ValueError(f"{path}:{number}: row needs a 'question' string")
            answer = row.get("answer")
            if answer is None:  # chat/refusal rows have no number to check
                continue
            logic = isinstance(answer, bool) or isinstance(answer, list) and all(isinstance(n, str) for n in answer)
            if not logic and not isinstance(answer, (int, float)):
                raise ValueError(f"{path}:{number}: 'answer' must be a number, a list of names or a bool, got {answer!r}")
            if category is None or _category(row) == category:
                rows.append(row)
    if per_category:
        taken: Counter[str] = Counter()
        sample = []
        for row in rows:
            taken[_category(row)] += 1
            if taken[_category(row)] <= per_category:
                sample.append(row)
        rows = sample
    return rows[:limit] if limit else rows


def _category(row: dict) -> str:
    return str(row.get("category") or row.get("family") or row.get("stage") or "all")


def score_row(backend, row: dict, max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, use_tools: bool = True,
              decoding: Decoding | None = None) -> dict:
    """One question through `generate` (or a vote, worldmodel.voting): the record the aggregates are computed from."""
    from worldmodel.generate import GenerationConfig
    from worldmodel.voting import answer

    decoding = decoding or plain_decoding()
    # A follow-up question (the curriculum's multi-turn rows) is asked after the conversation it follows.
    messages = list(row.get("history") or []) + [{"role": "user", "content": row["question"]}]
    config = GenerationConfig(max_new_tokens=max_new_tokens, use_tools=use_tools, grammar=decoding.grammar and use_tools,
                              jump_forward=decoding.jump_forward and use_tools)
    result, vote, attempts = answer(backend, messages, config, votes=decoding.votes if use_tools else 1,
                                    temperature=decoding.vote_temperature, retries=decoding.retries if use_tools else 0)
    expected = row["answer"] if isinstance(row["answer"], (bool, list)) else float(row["answer"])
    final = result.final if use_tools else result.text
    return {
        "id": row.get("id"), "category": _category(row), "question": row["question"], "expected": expected,
        "correct": is_correct(final, expected, float(row.get("rel_tol") or DEFAULT_REL_TOL)),
        "final": final, "program": result.program, "wrote_program": result.program is not None, "compiled": result.compiled,
        "executed": result.executed, "computed": result.computed, "computed_error": result.computed_error,
        "numbers": len(_numbers(final)), "unsupported_numbers": len(result.unsupported_numbers),
        # Costs cover every program written for the question (votes, retries).
        "tokens": sum(a.new_tokens for a in attempts), "seconds": sum(a.seconds for a in attempts),
        "decode_steps": sum(a.decode_steps for a in attempts), "jump_tokens": sum(a.jump_tokens for a in attempts),
        "mask_seconds": [s for a in attempts for s in a.mask_seconds],
        "programs": len(attempts), "agreed": vote.agreed, "tie": vote.tie,
        "attempts_compiled": [a.compiled for a in attempts],
    }


def summarize(records: list[dict]) -> dict:
    categories = defaultdict(list)
    for record in records:
        categories[record["category"]].append(record)
    return {
        "overall": _aggregate(records),
        "categories": {name: _aggregate(group) for name, group in sorted(categories.items())},
        "rows": records,
    }


def score_rows(backend, rows: list[dict], max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, use_tools: bool = True,
               on_row=None, decoding: Decoding | None = None) -> dict:
    """Every question through one backend, in order, then the aggregates."""
    records = []
    for row in rows:
        records.append(score_row(backend, row, max_new_tokens, use_tools, decoding))
        if on_row:
            on_row(records[-1])
    return summarize(records)


# Worker processes for `--workers N`: generation is one token at a time, so several processes keep a GPU
# (or several CPU cores) busy where one cannot. Each loads its own backend once.
_worker_backend = None


def _load_worker_backend(spec: dict) -> None:
    from worldmodel.model.backend import load_backend

    global _worker_backend
    _worker_backend = load_backend(**spec)


def _score_in_worker(task: tuple) -> tuple[int, dict]:
    index, row, max_new_tokens, use_tools, decoding = task
    return index, score_row(_worker_backend, row, max_new_tokens, use_tools, decoding)


def score_rows_parallel(rows: list[dict], spec: dict, workers: int, max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
                        use_tools: bool = True, on_row=None, decoding: Decoding | None = None) -> dict:
    """`score_rows` over `workers` processes, each with its own `load_backend(**spec)`."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    records: list[dict | None] = [None] * len(rows)
    context = multiprocessing.get_context("spawn")  # CUDA cannot be forked
    spec = {**spec, "threads": spec.get("threads") or 1}
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_load_worker_backend, initargs=(spec,)) as pool:
        futures = [pool.submit(_score_in_worker, (i, row, max_new_tokens, use_tools, decoding))
                   for i, row in enumerate(rows)]
        for future in as_completed(futures):
            index, record = future.result()
            records[index] = record
            if on_row:
                on_row(record)
    return summarize(records)


def _numbers(text: str) -> list[float]:
    from worldmodel.protocol import numbers_in

    return numbers_in(text)


def _aggregate(records: list[dict]) -> dict:
    n = len(records)
    programs = [r for r in records if r["wrote_program"]]
    numbers = sum(r["numbers"] for r in records)
    return {
        "n": n,
        "accuracy": sum(r["correct"] for r in records) / n if n else 0.0,
        "program_rate": len(programs) / n if n else 0.0,
        # Compile/execution rates are over the answers that wrote a program.
        "compile_rate": sum(bool(r["compiled"]) for r in programs) / len(programs) if programs else 0.0,
        "execution_rate": sum(bool(r["executed"]) for r in programs) / len(programs) if programs else 0.0,
        "provenance": (numbers - sum(r["unsupported_numbers"] for r in records)) / numbers if numbers else 1.0,
        "mean_tokens": sum(r["tokens"] for r in records) / n if n else 0.0,
        "mean_seconds": sum(r["seconds"] for r in records) / n if n else 0.0,
        "mean_decode_steps": sum(r.get("decode_steps", 0) for r in records) / n if n else 0.0,
    }


def evaluate(questions: Path, base=None, adapter=None, baseline: bool = False, limit: int | None = None,
             max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, baseline_max_new_tokens: int = 160, threads: int | None = None,
             progress=None, workers: int = 1, device: str | None = None, backend: str = "torch",
             bundle: Path | None = None, category: str | None = None, per_category: int | None = None,
             decoding: Decoding | None = None) -> dict:
    rows = read_questions(questions, limit, category, per_category)
    if not rows:
        raise ValueError(f"{questions} holds no question with a numeric answer"
                         + (f" in category {category!r}" if category else ""))
    if backend == "onnx":
        from worldmodel.model.bundle import resolve_bundle

        bundle = resolve_bundle(bundle)  # fail here, not inside every worker process
    report = {"questions": str(questions), "n": len(rows), "backend": backend,
              "adapter": str(adapter) if adapter and backend == "torch" else None,
              "bundle": str(bundle) if backend == "onnx" else None,
              "decoding": (decoding or plain_decoding()).__dict__}
    specs = [("model", {"kind": backend, "base": base, "adapter": adapter, "bundle": bundle}, max_new_tokens, True)]
    if baseline:  # the base model answering directly, always through PyTorch
        specs.append(("baseline", {"kind": "torch", "base": base, "adapter": None}, baseline_max_new_tokens, False))
    for label, spec, tokens, use_tools in specs:
        spec = {**spec, "threads": threads, "device": device}
        if workers > 1:
            if spec["kind"] == "torch":
                from worldmodel.model.loading import resolve_model_path

                resolve_model_path(base)  # convert the GGUF once here, not in every worker at the same time
            report[label] = score_rows_parallel(rows, spec, workers, tokens, use_tools, progress, decoding)
        else:
            from worldmodel.model.backend import load_backend

            model = load_backend(**spec)
            report[label] = score_rows(model, rows, tokens, use_tools, progress, decoding)
            del model
    return report


def format_report(report: dict) -> str:
    lines = [f"questions: {report['questions']} ({report['n']})", ""]
    header = f"{'category':<28} {'n':>4} {'acc':>7} {'compile':>8} {'exec':>7} {'prov':>7} {'tokens':>7} {'s/ans':>6}"
    for label in ("model", "baseline"):
        if label not in report:
            continue
        section = report[label]
        lines += [f"[{label}{' (no tools)' if label == 'baseline' else ''}]", header]
        for name, metrics in [*section["categories"].items(), ("OVERALL", section["overall"])]:
            tools = (f"{metrics['compile_rate']:>8.1%} {metrics['execution_rate']:>7.1%}" if label == "model"
                     else f"{'–':>8} {'–':>7}")  # the baseline writes no programs
            lines.append(
                f"{name:<28} {metrics['n']:>4} {metrics['accuracy']:>7.1%} {tools} {metrics['provenance']:>7.1%} "
                f"{metrics['mean_tokens']:>7.1f} {metrics['mean_seconds']:>6.2f}"
            )
        lines.append("")
    return "\n".join(lines)


def resolve_adapter(value: str | None):
    """None → the committed default adapter (must exist); 'none' → no adapter; else a folder."""
    from worldmodel.model.loading import default_adapter_path

    if value is None:
        path = default_adapter_path()
        if not (path / "adapter_config.json").is_file():
            raise FileNotFoundError(f"no trained adapter at {path}: pass --adapter PATH (or --adapter none)")
        return path
    return None if value.lower() == "none" else Path(value)
