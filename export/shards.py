"""Writing a graph with its weights as ONNX external data in several files of at most `limit` bytes each.

Why hand-written: `onnx.save(..., save_as_external_data=True)` writes one file or one file per tensor;
we need files filled up to a size limit, split only at tensor boundaries, in a fixed order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

SHARD_LIMIT = 16 * 1024 * 1024
# Small tensors and integer tensors (shapes, axes) stay inside the graph: onnxruntime's shape inference
# reads them while loading, before external data is resolved.
INLINE_BELOW = 1024
INLINE_TYPES = (onnx.TensorProto.INT64, onnx.TensorProto.INT32)


def _goes_external(tensor: onnx.TensorProto) -> bool:
    return tensor.HasField("raw_data") and len(tensor.raw_data) >= INLINE_BELOW and tensor.data_type not in INLINE_TYPES


def split_large_initializers(model: onnx.ModelProto, limit: int = SHARD_LIMIT) -> None:
    """Replace every initializer larger than `limit` by row chunks joined with a Concat node, so that no
    tensor spans two shard files (the fp32 embedding alone is 113 MB). onnxruntime folds the Concat
    into one constant when it loads the session."""
    graph = model.graph
    concat_nodes = []
    kept = []
    for tensor in graph.initializer:
        size = len(tensor.raw_data)
        if size <= limit:
            kept.append(tensor)
            continue
        array = numpy_helper.to_array(tensor)
        row_bytes = array[0].nbytes if array.ndim else size
        if array.ndim == 0 or row_bytes > limit:
            raise ValueError(f"initializer {tensor.name} cannot be split into chunks of {limit} bytes")
        rows_per_chunk = limit // row_bytes
        chunk_names = []
        for index, start in enumerate(range(0, array.shape[0], rows_per_chunk)):
            chunk = numpy_helper.from_array(np.ascontiguousarray(array[start : start + rows_per_chunk]), f"{tensor.name}.part{index}")
            kept.append(chunk)
            chunk_names.append(chunk.name)
        concat_nodes.append(helper.make_node("Concat", chunk_names, [tensor.name], name=f"{tensor.name}/concat", axis=0))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = concat_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)


def shard_names(graph_file: str, count: int) -> list[str]:
    """transformers.js's names for chunked external data: `model.onnx_data`, `model.onnx_data_1`, …"""
    return [f"{graph_file}_data" + ("" if index == 0 else f"_{index}") for index in range(count)]


def write_sharded(model: onnx.ModelProto, graph_path: Path, limit: int = SHARD_LIMIT) -> list[Path]:
    """Move every initializer's bytes into shard files beside `graph_path` (tensors in name order), then
    write the graph. Returns the shard paths. `model` is modified (its tensors point at the shards)."""
    split_large_initializers(model, limit)
    tensors = sorted((t for t in model.graph.initializer if _goes_external(t)), key=lambda t: t.name)
    groups: list[list[onnx.TensorProto]] = [[]]
    filled = 0
    for tensor in tensors:
        size = len(tensor.raw_data)
        if groups[-1] and filled + size > limit:
            groups.append([])
            filled = 0
        groups[-1].append(tensor)
        filled += size
    names = shard_names(graph_path.name, len(groups))
    graph_path.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, group in zip(names, groups):
        offset = 0
        path = graph_path.parent / name
        with open(path, "wb") as shard:
            for tensor in group:
                data = tensor.raw_data
                shard.write(data)
                tensor.ClearField("raw_data")
                tensor.data_location = onnx.TensorProto.EXTERNAL
                del tensor.external_data[:]
                for key, value in (("location", name), ("offset", str(offset)), ("length", str(len(data)))):
                    entry = tensor.external_data.add()
                    entry.key, entry.value = key, value
                offset += len(data)
        paths.append(path)
    graph_path.write_bytes(model.SerializeToString())
    return paths
