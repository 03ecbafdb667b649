"""What gets exported: the base model (optionally with a LoRA adapter merged in) or a tiny random Llama."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import torch

from worldmodel.chat_context import adapter_context_budget
from worldmodel.model.loading import BASE_MODEL_ID, load_model, load_tokenizer
from worldmodel.model.torch_backend import TorchBackend

# A few small layers over the real tokenizer (vocab 49152): exports, quantizes and verifies in seconds.
TINY_LAYERS = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2)
TINY_SEED = 0


@dataclass
class Source:
    model: "torch.nn.Module"  # a plain LlamaForCausalLM in eval mode, adapter merged
    tokenizer: object  # transformers fast tokenizer (load_tokenizer)
    model_id: str
    description: str
    eos_token_ids: list[int]
    chat_template: str
    context_budget: int  # what the adapter was trained for (worldmodel.chat_context.adapter_context_budget)


def _adapter_digest(adapter: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in adapter.rglob("*") if p.is_file()):
        digest.update(path.relative_to(adapter).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def tiny_model(vocab_size: int, bos_token_id: int | None, eos_token_id: int | None, revision: int = 0):
    """The tiny random Llama. `revision` > 0 re-draws only the last decoder layer's matrices (seed = revision):
    a next model version whose other weight shards stay byte-identical, as release tests need."""
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=vocab_size,
        max_position_embeddings=8192,
        rope_theta=100000.0,
        rms_norm_eps=1e-5,
        tie_word_embeddings=True,
        bos_token_id=bos_token_id,
        eos_token_id=eos_token_id,
        **TINY_LAYERS,
    )
    torch.manual_seed(TINY_SEED)  # the same tiny model on every machine: bundles stay byte-identical
    model = LlamaForCausalLM(config).eval()
    if revision:
        generator = torch.Generator().manual_seed(revision)
        with torch.no_grad():
            for parameter in model.model.layers[-1].parameters():
                if parameter.ndim == 2:
                    parameter.copy_(torch.randn(parameter.shape, generator=generator) * config.initializer_range)
    return model


def load_source(tiny: bool = False, adapter: "str | Path | None" = None, base: "str | Path | None" = None,
                tiny_revision: int = 0) -> Source:
    if tiny:
        if adapter is not None:
            tokenizer = load_tokenizer(adapter if (Path(adapter) / "tokenizer.json").is_file() else base)
        else:
            tokenizer = load_tokenizer(base)
        model = tiny_model(len(tokenizer), tokenizer.bos_token_id, tokenizer.eos_token_id, tiny_revision)
        revised = f", last layer revision {tiny_revision}" if tiny_revision else ""
        model_id, description = "worldmodel-tiny", f"random tiny Llama (seed {TINY_SEED}{revised}) with the {BASE_MODEL_ID} tokenizer"
        if adapter is not None:
            model = _merge_adapter(model, Path(adapter))
            description += f" + adapter {_adapter_digest(Path(adapter))}"
    else:
        model, tokenizer = load_model(base, adapter)
        model_id = "worldmodel-smollm2-135m"
        description = BASE_MODEL_ID if base is None else f"{Path(base).name}"
        if adapter is not None:
            description += f" + adapter {_adapter_digest(Path(adapter))}"
    reference = TorchBackend(model, tokenizer)  # the torch backend decides EOS ids and template; reuse them
    return Source(
        model=model.eval(),
        tokenizer=tokenizer,
        model_id=model_id,
        description=description,
        eos_token_ids=sorted(reference.eos_token_ids),
        chat_template=reference.chat_template,
        context_budget=adapter_context_budget(adapter),
    )


def _merge_adapter(model, adapter: Path):
    from peft import PeftModel

    if not (adapter / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json)")
    return PeftModel.from_pretrained(model, adapter).merge_and_unload().eval()
