"""A Llama forward pass with explicit key/value tensors, written to be traced into one ONNX graph.

Why hand-written: the HF model keeps its cache in `Cache` objects and builds masks with helpers that the
TorchScript exporter traces badly under transformers 5, and `optimum-onnx` needs transformers < 4.58 (and
then silently drops `rope_theta`). Plain tensor code over the HF weights traces cleanly, and the parity
check (`export.parity`) compares it against the HF model itself.

Inputs and outputs follow optimum / transformers.js naming (docs/bundle.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LlamaShape:
    """The architecture figures the graph and the manifest need."""

    num_layers: int
    num_attention_heads: int
    num_kv_heads: int
    head_dim: int
    hidden_size: int
    vocab_size: int
    rope_theta: float
    rms_norm_eps: float
    max_position_embeddings: int

    @classmethod
    def from_config(cls, config) -> "LlamaShape":
        if getattr(config, "model_type", None) != "llama":
            raise ValueError(f"only Llama-family models export; got model_type={config.model_type!r}")
        rope = getattr(config, "rope_parameters", None) or {}
        rope_type = rope.get("rope_type", "default")
        if rope_type != "default":
            raise ValueError(f"rope_type {rope_type!r} is not supported by the exporter (only 'default')")
        # transformers 5 keeps rope_theta in rope_parameters; older configs on the config itself.
        rope_theta = rope.get("rope_theta", getattr(config, "rope_theta", None))
        if rope_theta is None:
            raise ValueError("config has no rope_theta: refusing to guess (the default 10000 is wrong for SmolLM2)")
        if getattr(config, "attention_bias", False) or getattr(config, "mlp_bias", False):
            raise ValueError("attention/MLP biases are not supported by the exporter")
        if getattr(config, "hidden_act", "silu") != "silu":
            raise ValueError(f"hidden_act {config.hidden_act!r} is not supported (only silu)")
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        return cls(
            num_layers=config.num_hidden_layers,
            num_attention_heads=heads,
            num_kv_heads=config.num_key_value_heads or heads,
            head_dim=head_dim,
            hidden_size=config.hidden_size,
            vocab_size=config.vocab_size,
            rope_theta=float(rope_theta),
            rms_norm_eps=float(config.rms_norm_eps),
            max_position_embeddings=int(config.max_position_embeddings),
        )

    def as_manifest(self) -> dict:
        return {
            "num_layers": self.num_layers,
            "num_attention_heads": self.num_attention_heads,
            "num_kv_heads": self.num_kv_heads,
            "head_dim": self.head_dim,
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "max_position_embeddings": self.max_position_embeddings,
        }


def input_names(shape: LlamaShape) -> list[str]:
    names = ["input_ids", "attention_mask", "position_ids", "num_logits_to_keep"]
    for layer in range(shape.num_layers):
        names += [f"past_key_values.{layer}.key", f"past_key_values.{layer}.value"]
    return names


def output_names(shape: LlamaShape) -> list[str]:
    names = ["logits"]
    for layer in range(shape.num_layers):
        names += [f"present.{layer}.key", f"present.{layer}.value"]
    return names


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class ExplicitKVLlama(nn.Module):
    """Wraps a HF `LlamaForCausalLM` (its weights, not its forward) with explicit past/present tensors."""

    def __init__(self, hf_model):
        super().__init__()
        self.shape = LlamaShape.from_config(hf_model.config)
        inner = hf_model.model
        self.embed_tokens = inner.embed_tokens
        self.layers = inner.layers
        self.norm = inner.norm
        self.lm_head = hf_model.lm_head
        s = self.shape
        inv_freq = 1.0 / (s.rope_theta ** (torch.arange(0, s.head_dim, 2, dtype=torch.int64).float() / s.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, num_logits_to_keep, *past):
        s = self.shape
        batch, seq = input_ids.shape
        hidden = self.embed_tokens(input_ids)

        # Rotary tables for the new positions only.
        freqs = position_ids.unsqueeze(-1).float() * self.inv_freq  # [b, seq, head_dim/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)  # [b, 1, seq, head_dim]

        # Causal mask over past + new keys, combined with the padding mask.
        total = attention_mask.shape[1]
        past_len = total - seq
        key_pos = torch.arange(total, dtype=torch.int64)
        query_pos = torch.arange(seq, dtype=torch.int64) + past_len
        allowed = key_pos.unsqueeze(0) <= query_pos.unsqueeze(1)  # [seq, total]
        allowed = allowed.unsqueeze(0).unsqueeze(0) & attention_mask.bool().unsqueeze(1).unsqueeze(1)
        mask = torch.zeros(allowed.shape, dtype=torch.float32).masked_fill(~allowed, torch.finfo(torch.float32).min)

        scale = s.head_dim**-0.5
        groups = s.num_attention_heads // s.num_kv_heads
        presents = []
        for index, layer in enumerate(self.layers):
            attn = layer.self_attn
            x = _rms_norm(hidden, layer.input_layernorm.weight, s.rms_norm_eps)
            q = attn.q_proj(x).view(batch, seq, s.num_attention_heads, s.head_dim).transpose(1, 2)
            k = attn.k_proj(x).view(batch, seq, s.num_kv_heads, s.head_dim).transpose(1, 2)
            v = attn.v_proj(x).view(batch, seq, s.num_kv_heads, s.head_dim).transpose(1, 2)
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            k = torch.cat((past[2 * index], k), dim=2)
            v = torch.cat((past[2 * index + 1], v), dim=2)
            presents += [k, v]
            # Grouped-query attention: each kv head serves `groups` query heads.
            k_all = k.unsqueeze(2).expand(batch, s.num_kv_heads, groups, total, s.head_dim)
            v_all = v.unsqueeze(2).expand(batch, s.num_kv_heads, groups, total, s.head_dim)
            k_all = k_all.reshape(batch, s.num_attention_heads, total, s.head_dim)
            v_all = v_all.reshape(batch, s.num_attention_heads, total, s.head_dim)
            scores = torch.matmul(q, k_all.transpose(2, 3)) * scale + mask
            probs = torch.softmax(scores, dim=-1)
            out = torch.matmul(probs, v_all).transpose(1, 2).reshape(batch, seq, s.num_attention_heads * s.head_dim)
            hidden = hidden + attn.o_proj(out)

            mlp = layer.mlp
            x = _rms_norm(hidden, layer.post_attention_layernorm.weight, s.rms_norm_eps)
            hidden = hidden + mlp.down_proj(nn.functional.silu(mlp.gate_proj(x)) * mlp.up_proj(x))

        hidden = _rms_norm(hidden, self.norm.weight, s.rms_norm_eps)
        # Keep the last `num_logits_to_keep` positions (0 = all): decode needs one row, not seq × vocab.
        keep = torch.where(num_logits_to_keep > 0, num_logits_to_keep, torch.tensor(seq, dtype=torch.int64))
        kept_positions = torch.arange(keep, dtype=torch.int64) + (seq - keep)
        hidden = hidden.index_select(1, kept_positions)
        return (self.lm_head(hidden), *presents)


def example_inputs(shape: LlamaShape, seq: int = 3, past: int = 2) -> tuple[torch.Tensor, ...]:
    """Inputs with a non-empty past, so that tracing sees every dimension as it varies."""
    generator = torch.Generator().manual_seed(0)
    input_ids = torch.randint(0, shape.vocab_size, (1, seq), generator=generator)
    attention_mask = torch.ones(1, past + seq, dtype=torch.int64)
    position_ids = torch.arange(past, past + seq, dtype=torch.int64).unsqueeze(0)
    keep = torch.tensor(0, dtype=torch.int64)
    kv = []
    for _ in range(shape.num_layers):
        for _ in range(2):
            kv.append(torch.randn(1, shape.num_kv_heads, past, shape.head_dim, generator=generator))
    return (input_ids, attention_mask, position_ids, keep, *kv)


def dynamic_axes(shape: LlamaShape) -> dict[str, dict[int, str]]:
    axes: dict[str, dict[int, str]] = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "kept_sequence_length"},
    }
    for layer in range(shape.num_layers):
        for kind in ("key", "value"):
            axes[f"past_key_values.{layer}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            axes[f"present.{layer}.{kind}"] = {0: "batch_size", 2: "total_sequence_length"}
    return axes
