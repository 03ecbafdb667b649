"""Trace a HF Llama into one ONNX graph (prefill and decode) with explicit past/present tensors."""

from __future__ import annotations

import hashlib
import io
import warnings

import onnx
from onnx import numpy_helper
import torch

from export.llama_graph import ExplicitKVLlama, dynamic_axes, example_inputs, input_names, output_names

OPSET = 17


def export_onnx(hf_model) -> onnx.ModelProto:
    """The fp32 graph, weights inline (callers shard them). Deterministic for identical weights."""
    wrapper = ExplicitKVLlama(hf_model).eval()
    shape = wrapper.shape
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter is deprecated in favour of dynamo, which takes 5x longer here and
        # ties lm_head back to the embedding; its warnings are noise for us.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            example_inputs(shape),
            buffer,
            input_names=input_names(shape),
            output_names=output_names(shape),
            dynamic_axes=dynamic_axes(shape),
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    model = onnx.load_from_string(buffer.getvalue())
    _name_folded_weights(model.graph, hf_model)
    # Nothing machine- or time-dependent may end up in the bundle.
    model.producer_name = "worldmodel-export"
    model.producer_version = "1"
    return model


def _name_folded_weights(graph: onnx.GraphProto, hf_model) -> None:
    """Constant folding stores each Linear weight transposed under a name like `onnx::MatMul_560`; name
    it after the parameter it came from (`model.layers.0.self_attn.q_proj.weight_t`), found by value,
    so that quantization, shards and debugging read sensibly."""
    by_value: dict[bytes, str] = {}
    for name, parameter in hf_model.named_parameters():
        if parameter.dim() == 2:
            transposed = parameter.detach().t().contiguous().numpy()
            key = hashlib.sha256(transposed.tobytes()).digest() + str(transposed.shape).encode()
            # Tied embeddings: the lm_head copy is the embedding transposed.
            by_value.setdefault(key, "lm_head" if name.endswith("embed_tokens.weight") else name.removesuffix(".weight"))
    taken = {tensor.name for tensor in graph.initializer}
    renames: dict[str, str] = {}
    for tensor in graph.initializer:
        if not tensor.name.startswith("onnx::") or len(tensor.dims) != 2:
            continue
        array = numpy_helper.to_array(tensor)
        key = hashlib.sha256(array.tobytes()).digest() + str(array.shape).encode()
        new_name = by_value.get(key, "") + ".weight_t"
        if key in by_value and new_name not in taken:
            renames[tensor.name] = new_name
            taken.add(new_name)
    for tensor in graph.initializer:
        tensor.name = renames.get(tensor.name, tensor.name)
    for node in graph.node:
        for index, name in enumerate(node.input):
            if name in renames:
                node.input[index] = renames[name]
