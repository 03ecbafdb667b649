"""Answers advanced together in one batch (votes) compute what each computes alone (OnnxBatch, generate_many)."""

from dataclasses import replace

import numpy as np
import pytest

from export.pipeline import build_bundle
from worldmodel.generate import GenerationConfig, generate, generate_many
from worldmodel.model.onnx_backend import OnnxBackend


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "tiny"
    build_bundle(out, tiny=True, threads=1, progress=lambda line: None)
    return OnnxBackend.from_bundle(out, threads=1)


def alone(backend, prompt: list[int], steps: list[list[int]]) -> list[np.ndarray]:
    backend.reset()
    backend.forward(prompt)
    return [backend.forward(tokens) for tokens in steps]


def test_ragged_rows_compute_what_each_row_computes_alone(backend):
    prompt = [5, 17, 99, 3]
    rows = [[[7], [8, 9, 10], [11]], [[21, 22], [23], [24, 25, 26, 27]], [[31], [32], [33]]]
    expected = [alone(backend, prompt, steps) for steps in rows]
    backend.reset()
    backend.forward(prompt)
    batch = backend.batch(len(rows))
    for step in range(3):
        got = batch.forward([steps[step] for steps in rows])
        for row, logits in enumerate(got):
            np.testing.assert_allclose(logits, expected[row][step], atol=1e-4, rtol=1e-4)
    assert batch.mask.shape == (3, len(prompt) + 2 + 3 + 4)  # every step as wide as its widest row
    assert (batch.mask.sum(axis=1) == [len(prompt) + 5, len(prompt) + 7, len(prompt) + 3]).all()


def test_dropped_rows_leave_the_others_unchanged(backend):
    prompt = [5, 17, 99, 3]
    expected = alone(backend, prompt, [[40], [41], [42]])
    backend.reset()
    backend.forward(prompt)
    batch = backend.batch(3)
    batch.forward([[50], [40], [60]])
    batch.keep([1])
    for step, tokens in enumerate([[41], [42]], 1):
        (logits,) = batch.forward([tokens])
        np.testing.assert_allclose(logits, expected[step], atol=1e-4, rtol=1e-4)
    with pytest.raises(ValueError, match="one non-empty list of tokens per row"):
        batch.forward([[1], [2]])


def test_a_batch_of_answers_writes_what_each_writes_alone(backend):
    base = GenerationConfig(max_new_tokens=12)
    configs = [base, replace(base, temperature=1.0, seed=1), replace(base, temperature=1.0, seed=2, max_new_tokens=5)]
    question = "What is 17 times 23?"
    one_by_one = [generate(backend, question, config) for config in configs]
    together = generate_many(backend, question, configs)
    assert [r.text for r in together] == [r.text for r in one_by_one]
    assert [r.new_tokens for r in together] == [12, 12, 5]  # the short answer left the batch early
