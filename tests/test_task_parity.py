"""`benchmarks.task_parity`: the export issue's accuracy gate over two evaluation reports."""

import json

import pytest

from benchmarks.task_parity import compare, main


def report(verdicts: list[bool], backend: str) -> dict:
    rows = [{"question": f"q{i}", "correct": ok, "final": f"It is {i if ok else -i}."} for i, ok in enumerate(verdicts)]
    accuracy = sum(verdicts) / len(verdicts)
    return {"questions": "test.jsonl", "backend": backend,
            "model": {"overall": {"accuracy": accuracy, "compile_rate": 1.0}, "rows": rows}}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_parity_counts_agreement_and_gates_on_a_drop_over_one_point(tmp_path, capsys):
    reference = report([True] * 95 + [False] * 5, "torch")
    same_score = report([True] * 94 + [False, True] + [False] * 4, "onnx")  # one lost, one gained
    result = compare(reference, same_score)
    assert result["accuracy"] == (0.95, 0.95) and result["same_correctness"] == pytest.approx(0.98)
    assert len(result["disagreements"]) == 2
    assert main([write(tmp_path, "a.json", reference), write(tmp_path, "b.json", same_score)]) == 0
    worse = report([True] * 93 + [False] * 7, "onnx")  # 2 points down
    assert main([write(tmp_path, "a.json", reference), write(tmp_path, "c.json", worse)]) == 1
    assert "-2.0 points" in capsys.readouterr().out


def test_parity_refuses_reports_on_different_questions():
    with pytest.raises(ValueError, match="different questions"):
        compare(report([True, False], "torch"), report([True, False, True], "onnx"))
