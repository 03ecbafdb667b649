"""The ONNX backend: runs an exported bundle (docs/bundle.md) on onnxruntime (CPU).

`OnnxBackend.from_bundle(DIR)` reads `manifest.json`, checks the files it loads against their SHA-256,
and builds the session from the raw files when they are there, else from the Brotli shards decompressed
in memory. `LlamaOnnxSession` is the thin layer over the graph's inputs and outputs that the exporter's
parity check and quantization evaluation use too.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from pathlib import PurePosixPath

import numpy as np

from worldmodel.chat_context import CONTEXT_BUDGET
from worldmodel.model.bundle import Bundle, BundleError
from worldmodel.model.chat import ChatTemplateError, render_chat

if TYPE_CHECKING:
    import onnx


def session_options(threads: int | None = None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    # Fold the int8 weights' DequantizeLinear into fp32 constants at load time, as onnxruntime-web does
    # with the same flag (manifest onnx.session_options): int8 is the download format, compute stays fp32.
    # Without it, native onnxruntime fuses DequantizeLinear→MatMul into MatMulNBits with int8 activations
    # (accuracy level 4): ~20 % faster decode here, but top-1 vs the exact int8 graph fell to 96 %, and the
    # CLI would no longer compute what the web app and the quality checks compute.
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    return options


class LlamaOnnxSession:
    """One exported Llama graph: explicit past/present tensors, batch 1."""

    def __init__(self, model: "str | os.PathLike | bytes", threads: int | None = None):
        import onnxruntime as ort

        source = model if isinstance(model, bytes) else str(model)
        self.session = ort.InferenceSession(source, session_options(threads), providers=["CPUExecutionProvider"])
        inputs = {i.name: i for i in self.session.get_inputs()}
        self.past_names = [name for name in inputs if name.startswith("past_key_values.")]
        self.present_names = [name.replace("past_key_values.", "present.") for name in self.past_names]
        self.output_names = [output.name for output in self.session.get_outputs()]
        first = inputs[self.past_names[0]]
        self.num_kv_heads, self.head_dim = int(first.shape[1]), int(first.shape[3])

    def empty_past(self) -> dict[str, np.ndarray]:
        empty = np.zeros((1, self.num_kv_heads, 0, self.head_dim), dtype=np.float32)
        return {name: empty for name in self.past_names}

    def run(self, token_ids, past: dict[str, np.ndarray], keep: int = 1) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Append `token_ids` after `past`; returns (logits [kept, vocab], new past). keep=0: all positions."""
        ids = np.asarray(token_ids, dtype=np.int64).reshape(1, -1)
        past_len = next(iter(past.values())).shape[2]
        logits, new_past = self.step(ids, np.ones((1, past_len + ids.shape[1]), dtype=np.int64),
                                     np.arange(past_len, past_len + ids.shape[1], dtype=np.int64).reshape(1, -1),
                                     past, keep)
        return logits[0], new_past

    def step(self, ids: np.ndarray, attention_mask: np.ndarray, position_ids: np.ndarray,
             past: dict[str, np.ndarray], keep: int = 1) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """One pass over a batch: ids and position_ids [rows, new], attention_mask [rows, every slot]; returns
        (logits [rows, kept, vocab], new past)."""
        feeds = {"input_ids": ids, "attention_mask": attention_mask, "position_ids": position_ids,
                 "num_logits_to_keep": np.array(keep, dtype=np.int64), **past}
        by_name = dict(zip(self.output_names, self.session.run(self.output_names, feeds)))
        return by_name["logits"], {p: by_name[q] for p, q in zip(self.past_names, self.present_names)}


def open_session(bundle: Bundle, threads: int | None = None, check: bool = True,
                 prefer_compressed: bool = False) -> LlamaOnnxSession:
    manifest = bundle.manifest
    graph = manifest["graph"]
    graph_dir = str(PurePosixPath(graph).parent)
    weight_files = [e["path"] for e in manifest["files"] if e["role"] == "weights"]
    all_raw = all(bundle.has(p) for p in [graph, *weight_files])
    if all_raw and not check and not prefer_compressed:
        # onnxruntime resolves the external data itself: first make sure it names only listed weight files.
        graph_proto = load_graph(bundle.read(graph, check=False))
        for location in external_locations(graph_proto):
            if _join(graph_dir, location) not in weight_files:
                raise BundleError(f"graph {graph} references {location!r}, which is not a listed weight file")
        return LlamaOnnxSession(bundle.confined(graph), threads)
    # Read (and hash-check) every file, then hand onnxruntime one self-contained graph.
    read = lambda path: bundle.read(path, check, prefer_compressed)  # noqa: E731
    model = load_with_shards(read(graph), lambda location: read(_join(graph_dir, location)))
    try:
        return LlamaOnnxSession(model.SerializeToString(), threads)
    except Exception as error:  # onnxruntime's own exception types; a hostile graph must still end named
        raise BundleError(f"graph {graph}: onnxruntime cannot load it ({str(error).strip().splitlines()[0][:200]})") from None


def load_tokenizer(bundle: Bundle, prefer_compressed: bool = False):
    from tokenizers import Tokenizer

    data = bundle.read("tokenizer.json", prefer_compressed=prefer_compressed)
    try:
        return Tokenizer.from_str(data.decode("utf-8"))
    except Exception as error:  # tokenizers raises a bare Exception for malformed JSON
        raise BundleError(f"{bundle.folder / 'tokenizer.json'}: not a tokenizer ({error})") from None


def external_locations(model) -> set[str]:
    import onnx

    return {
        entry.value
        for tensor in model.graph.initializer
        if tensor.data_location == onnx.TensorProto.EXTERNAL
        for entry in tensor.external_data
        if entry.key == "location"
    }


def load_graph(data: bytes) -> "onnx.ModelProto":
    import onnx

    try:
        return onnx.load_from_string(data)
    except Exception as error:  # protobuf's DecodeError and onnx's own
        raise BundleError(f"the graph is not an ONNX model ({error})") from None


def load_with_shards(graph_bytes: bytes, read_shard) -> "onnx.ModelProto":
    """The graph with its external tensors filled in from `read_shard(location) -> bytes`: lets a caller
    build a session from decompressed shards held in memory."""
    import onnx

    model = load_graph(graph_bytes)
    cache: dict[str, bytes] = {}
    for tensor in model.graph.initializer:
        if tensor.data_location != onnx.TensorProto.EXTERNAL:
            continue
        info = {entry.key: entry.value for entry in tensor.external_data}
        location = info.get("location")
        if location is None:
            raise BundleError(f"tensor {tensor.name}: external data without a location")
        if location not in cache:
            cache[location] = read_shard(location)
        try:
            offset = int(info.get("offset", 0))
            length = int(info["length"]) if "length" in info else len(cache[location]) - offset
        except (KeyError, ValueError):
            raise BundleError(f"tensor {tensor.name}: external data needs integer offset and length") from None
        if offset < 0 or length < 0 or offset + length > len(cache[location]):
            raise BundleError(f"tensor {tensor.name}: bytes {offset}+{length} lie outside {location}")
        tensor.raw_data = cache[location][offset : offset + length]
        tensor.data_location = onnx.TensorProto.DEFAULT
        del tensor.external_data[:]
    return model


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def probe_template(template: str, where: str) -> None:
    """A bundle's chat template is untrusted: render one conversation now, so that a template that does not
    compile, loops or explodes fails at load as a BundleError (every later render stays bounded too)."""
    messages = [{"role": "user", "content": "What is 17 times 23?"}]  # one user turn: every template accepts it
    try:
        render_chat(messages, template, add_generation_prompt=True)
    except ChatTemplateError as error:
        raise BundleError(f"{where}: chat template: {error}") from None


class OnnxBackend:
    """The Backend protocol (worldmodel.model.backend) over a bundle's graph."""

    name = "onnx"

    def __init__(self, session: LlamaOnnxSession, tokenizer, eos_token_ids, max_positions: int,
                 chat_template: str | None = None, manifest: dict | None = None):
        self.session = session
        self.tokenizer = tokenizer
        self.chat_template = chat_template  # generate() renders prompts with it (None: SmolLM2's)
        self.eos_token_ids = frozenset(int(t) for t in eos_token_ids)
        self.max_positions = max_positions
        self.manifest = manifest or {}
        # Absent from bundles exported before the field (docs/bundle.md): the default.
        self.context_budget = self.manifest.get("generation", {}).get("context_budget", CONTEXT_BUDGET)
        self.reset()

    @classmethod
    def from_bundle(cls, path: "str | os.PathLike", threads: int | None = None, check: bool = True,
                    prefer_compressed: bool = False) -> "OnnxBackend":
        """Load a bundle folder. `check`: verify SHA-256 of what is loaded; `prefer_compressed`: load the
        `.br` files even where raw copies exist (what the web app does)."""
        bundle = Bundle(path)
        manifest = bundle.manifest
        chat_template = manifest["tokenizer"]["chat_template"]
        if chat_template is not None:
            probe_template(chat_template, str(bundle.folder))
        return cls(
            open_session(bundle, threads, check, prefer_compressed),
            load_tokenizer(bundle, prefer_compressed),
            manifest["generation"]["eos_token_ids"],
            manifest["architecture"]["max_position_embeddings"],
            chat_template=chat_template,
            manifest=manifest,
        )

    def reset(self) -> None:
        self._past = self.session.empty_past()
        self.length = 0

    def forward(self, token_ids: list[int]) -> np.ndarray:
        if not token_ids:
            raise ValueError("forward needs at least one token")
        if self.length + len(token_ids) > self.max_positions:
            raise ValueError(f"context of {self.length + len(token_ids)} tokens exceeds the model's {self.max_positions}")
        logits, self._past = self.session.run(token_ids, self._past, keep=1)
        self.length += len(token_ids)
        return logits[-1].astype(np.float32, copy=False)

    def batch(self, rows: int) -> "OnnxBatch":
        """`rows` copies of the current context, to be continued apart in one forward pass per step (votes)."""
        return OnnxBatch(self, rows)


class OnnxBatch:
    """Several continuations of one context, advanced together: the graph takes a batch dimension, and a decode
    step reads every weight once whatever the batch, so k rows cost little more than one (5 rows: ~1.1× on 1
    thread). Rows append different numbers of tokens in a step (a jump-forward, a computed block): each row's
    tokens are placed at the step's end and the slots before them are padding that `attention_mask` hides from
    every later query, while `position_ids` keep each row's own positions, so a row computes what it would alone
    (logits agree to ~4e-5)."""

    def __init__(self, backend: OnnxBackend, rows: int):
        if backend.length == 0:
            raise ValueError("a batch continues a context: forward the prompt first")
        self.backend = backend
        self.past = {name: np.repeat(value, rows, axis=0) for name, value in backend._past.items()}
        self.mask = np.ones((rows, backend.length), dtype=np.int64)  # which cached slots each row may attend to
        self.positions = np.full(rows, backend.length, dtype=np.int64)  # each row's next position

    def keep(self, rows: list[int]) -> None:
        """Drop every row not in `rows` (finished answers); the rest keep their order."""
        if len(rows) == len(self.positions):
            return
        self.past = {name: value[rows] for name, value in self.past.items()}
        self.mask, self.positions = self.mask[rows], self.positions[rows]

    def forward(self, requests: list[list[int]]) -> list[np.ndarray]:
        """Append requests[i] to row i; the logits (vocab,) of each row's last token."""
        if len(requests) != len(self.positions) or not all(requests):
            raise ValueError("forward needs one non-empty list of tokens per row")
        width = max(map(len, requests))
        if self.mask.shape[1] + width > self.backend.max_positions:
            raise ValueError(f"context of {self.mask.shape[1] + width} slots exceeds the model's {self.backend.max_positions}")
        ids = np.zeros((len(requests), width), dtype=np.int64)
        step_mask = np.zeros((len(requests), width), dtype=np.int64)
        positions = np.repeat(self.positions[:, None], width, axis=1)
        for row, tokens in enumerate(requests):
            pad = width - len(tokens)
            ids[row, pad:] = tokens
            step_mask[row, pad:] = 1
            positions[row, pad:] = self.positions[row] + np.arange(len(tokens))
        self.mask = np.concatenate([self.mask, step_mask], axis=1)
        self.positions += [len(tokens) for tokens in requests]
        logits, self.past = self.backend.session.step(ids, self.mask, positions, self.past)
        return [row[-1].astype(np.float32, copy=False) for row in logits]
