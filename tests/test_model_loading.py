"""Loading: the packaged SmolLM2 tokenizer, any local HF Llama folder, the torch backend's KV cache."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model_helpers import make_tiny_model_folder
from worldmodel.model import load_base_model, load_tokenizer, resolve_model_path
from worldmodel.model.chat import render_chat
from worldmodel.model.loading import load_model
from worldmodel.model.torch_backend import TorchBackend

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return make_tiny_model_folder(tmp_path_factory.mktemp("tiny"))


def test_import_is_cheap():
    import subprocess
    import sys

    code = "import sys, worldmodel.model; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_packaged_tokenizer_has_chatml_template():
    tokenizer = load_tokenizer()
    messages = [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]
    assert render_chat(messages) == tokenizer.apply_chat_template(messages, tokenize=False)
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") == tokenizer.eos_token_id
    assert tokenizer.backend_tokenizer.decode(tokenizer.backend_tokenizer.encode("(func $f").ids) == "(func $f"


def test_loads_a_local_hf_llama_folder(tiny_folder):
    model = load_base_model(tiny_folder)
    assert model.config.hidden_size == 64 and model.config.num_hidden_layers == 2
    assert not model.training
    assert len(load_tokenizer(tiny_folder)) == model.config.vocab_size


def test_rejects_paths_that_are_not_models(tmp_path, tiny_folder):
    with pytest.raises(FileNotFoundError):
        resolve_model_path(tmp_path / "missing")
    with pytest.raises(ValueError, match="config.json"):
        resolve_model_path(tmp_path)
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        load_model(tiny_folder, tmp_path)


def test_torch_backend_cache_matches_full_forward(tiny_folder):
    model, tokenizer = load_model(tiny_folder)
    backend = TorchBackend(model, tokenizer)
    ids = tokenizer.backend_tokenizer.encode("What is 17 times 23? The answer", add_special_tokens=False).ids
    backend.forward(ids[:3])
    for token in ids[3:-1]:
        backend.forward([token])
    incremental = backend.forward([ids[-1]])
    with torch.no_grad():
        full = model(torch.tensor([ids])).logits[0, -1].numpy()
    assert incremental.dtype == np.float32 and incremental.shape == (model.config.vocab_size,)
    np.testing.assert_allclose(incremental, full, atol=1e-4)
    backend.reset()
    np.testing.assert_allclose(backend.forward(ids), full, atol=1e-4)
    assert backend.eos_token_ids >= {2}
