"""Sharding weights into external-data files: size limit, tensor boundaries, exact round trip."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from export.shards import shard_names, split_large_initializers, write_sharded
from worldmodel.model.onnx_backend import load_with_shards


def _model(limit_rows: int = 300) -> onnx.ModelProto:
    """y = Gather(table, ids) @ W: a big table, a medium matrix, a shape-like int64 tensor."""
    rng = np.random.default_rng(0)
    table = numpy_helper.from_array(rng.normal(size=(limit_rows, 64)).astype(np.float32), "table")
    weight = numpy_helper.from_array(rng.normal(size=(64, 16)).astype(np.float32), "weight")
    shape = numpy_helper.from_array(np.array([-1, 16], dtype=np.int64), "shape")
    nodes = [
        helper.make_node("Gather", ["table", "ids"], ["rows"]),
        helper.make_node("MatMul", ["rows", "weight"], ["product"]),
        helper.make_node("Reshape", ["product", "shape"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("ids", TensorProto.INT64, [None])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 16])],
                              [table, weight, shape])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model_or_path, ids):
    source = model_or_path if isinstance(model_or_path, str) else model_or_path.SerializeToString()
    return ort.InferenceSession(source, providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]


def test_shards_respect_the_limit_and_round_trip(tmp_path):
    model = _model()
    ids = np.array([0, 5, 299, 150], dtype=np.int64)
    expected = _run(model, ids)
    limit = 20_000  # the 76.8 kB table must be split; the 4 kB weight fits whole
    paths = write_sharded(model, tmp_path / "model.onnx", limit)
    assert [p.name for p in paths] == shard_names("model.onnx", len(paths))
    assert len(paths) >= 4 and all(p.stat().st_size <= limit for p in paths)
    assert shard_names("model.onnx", 3) == ["model.onnx_data", "model.onnx_data_1", "model.onnx_data_2"]
    # onnxruntime resolves the shards from the graph's folder …
    np.testing.assert_array_equal(_run(str(tmp_path / "model.onnx"), ids), expected)
    # … and from memory.
    graph_bytes = (tmp_path / "model.onnx").read_bytes()
    restored = load_with_shards(graph_bytes, lambda location: (tmp_path / location).read_bytes())
    np.testing.assert_array_equal(_run(restored, ids), expected)
    # The int64 shape tensor stays inside the graph (shape inference reads it at load time).
    inline = [t.name for t in onnx.load_from_string(graph_bytes).graph.initializer
              if t.data_location != TensorProto.EXTERNAL]
    assert "shape" in inline


def test_no_tensor_spans_two_files(tmp_path):
    model = _model()
    write_sharded(model, tmp_path / "model.onnx", 20_000)
    for tensor in model.graph.initializer:
        if tensor.data_location == TensorProto.EXTERNAL:
            info = {entry.key: entry.value for entry in tensor.external_data}
            size = (tmp_path / info["location"]).stat().st_size
            assert int(info["offset"]) + int(info["length"]) <= size


def test_split_large_initializers_rejects_rows_bigger_than_the_limit():
    with pytest.raises(ValueError, match="cannot be split"):
        split_large_initializers(_model(), limit=100)  # one 64-float row is 256 bytes
