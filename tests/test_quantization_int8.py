"""Weight-only int8: per-channel rounding, the graph rewrite, and the quality gates."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from onnx import TensorProto

from export.onnx_export import export_onnx
from export.source import tiny_model
from quantization.evaluate import QuantQuality, compare_to_fp32, perplexity
from quantization.quality_gates import QualityError, check_quality
from quantization.weight_only_int8 import dequantize_per_channel, quantize_model, quantize_per_channel
from worldmodel.model.onnx_backend import LlamaOnnxSession

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def fp32_graph():
    return export_onnx(tiny_model(vocab_size=4096, bos_token_id=1, eos_token_id=2))


def test_per_channel_error_is_at_most_half_a_step():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(64, 32)).astype(np.float32) * rng.uniform(0.01, 10, size=32).astype(np.float32)
    quantized, scales = quantize_per_channel(weights, axis=1)
    assert quantized.dtype == np.int8 and scales.shape == (32,)
    assert np.abs(quantized).max() <= 127
    error = np.abs(dequantize_per_channel(quantized, scales, axis=1) - weights)
    assert np.all(error <= scales / 2 + 1e-6)
    # Each column reaches ±127 exactly once scaled: the range is fully used.
    assert np.all(np.abs(quantized).max(axis=0) == 127)


def test_all_zero_channel_keeps_a_usable_scale():
    weights = np.zeros((4, 3), dtype=np.float32)
    weights[:, 1] = [1, -2, 3, -4]
    quantized, scales = quantize_per_channel(weights, axis=1)
    assert np.all(np.isfinite(scales)) and np.all(scales > 0)
    assert np.all(quantized[:, 0] == 0)


def test_int8_graph_keeps_no_float_weight_matrix_and_shares_the_embedding(fp32_graph):
    graph = quantize_model(fp32_graph, "int8")
    float_matrices = [t.name for t in graph.graph.initializer if t.data_type == TensorProto.FLOAT and len(t.dims) == 2]
    assert float_matrices == []
    int8 = [t for t in graph.graph.initializer if t.data_type == TensorProto.INT8]
    vocab_tables = [t for t in int8 if 4096 in t.dims]
    assert len(vocab_tables) == 1  # lm_head reuses the embedding's int8 table
    fp32_weights = {t.name for t in fp32_graph.graph.initializer}
    weight_matmuls = sum(1 for n in fp32_graph.graph.node if n.op_type == "MatMul" and n.input[1] in fp32_weights)
    assert weight_matmuls == 2 * 7 + 1  # 7 projections per layer, 2 layers, lm_head
    assert [node.op_type for node in graph.graph.node].count("DequantizeLinear") == weight_matmuls
    # The original graph is untouched.
    assert any(t.data_type == TensorProto.FLOAT and len(t.dims) == 2 for t in fp32_graph.graph.initializer)


def test_int8_graph_stays_close_to_fp32(fp32_graph):
    ids = list(np.random.default_rng(1).integers(0, 4096, size=40))
    fp32 = LlamaOnnxSession(fp32_graph.SerializeToString(), threads=1)
    int8 = LlamaOnnxSession(quantize_model(fp32_graph, "int8").SerializeToString(), threads=1)
    quality = compare_to_fp32("int8", fp32, int8, ids)
    assert quality.top1_vs_fp32 >= 0.9
    assert abs(quality.perplexity / quality.perplexity_fp32 - 1) < 0.05
    assert 0 < quality.max_abs_vs_fp32 < 0.5  # quantized (not identical), but close
    check_quality(quality)


def test_fp32_level_is_an_unchanged_copy_and_unknown_levels_fail(fp32_graph):
    copy = quantize_model(fp32_graph, "fp32")
    assert copy.SerializeToString() == fp32_graph.SerializeToString() and copy is not fp32_graph
    with pytest.raises(ValueError, match="int4"):
        quantize_model(fp32_graph, "int4")


def test_quality_gate_rejects_a_damaged_model():
    bad_top1 = QuantQuality("int8", 100, perplexity_fp32=20.0, perplexity=20.1, top1_vs_fp32=0.66, max_abs_vs_fp32=3.0)
    bad_perplexity = QuantQuality("int8", 100, perplexity_fp32=20.9, perplexity=34.3, top1_vs_fp32=0.95, max_abs_vs_fp32=3.0)
    for quality in (bad_top1, bad_perplexity):
        with pytest.raises(QualityError):
            check_quality(quality)


def test_perplexity_of_a_perfect_and_a_uniform_predictor():
    ids = [3, 1, 2, 0, 3]
    perfect = np.full((5, 4), -1e4, dtype=np.float32)
    for position, target in enumerate(ids[1:]):
        perfect[position, target] = 0.0
    assert perplexity(perfect, ids) == pytest.approx(1.0)
    assert perplexity(np.zeros((5, 4), dtype=np.float32), ids) == pytest.approx(4.0)
