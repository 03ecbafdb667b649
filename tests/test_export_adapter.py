"""`--adapter`: a peft LoRA adapter is merged before export, and the bundle computes the merged model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from export.__main__ import main as export_main
from export.pipeline import build_bundle
from export.source import load_source, tiny_model
from worldmodel.chat_context import CONTEXT_BUDGET, SINGLE_QUESTION, write_adapter_record
from worldmodel.model.loading import load_tokenizer
from worldmodel.model.onnx_backend import OnnxBackend

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny_adapter(tmp_path_factory):
    from peft import LoraConfig, get_peft_model

    tokenizer = load_tokenizer()
    base = tiny_model(len(tokenizer), tokenizer.bos_token_id, tokenizer.eos_token_id)
    torch.manual_seed(1)
    # init_lora_weights=False: non-zero B matrices, so merging really changes the weights.
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"], init_lora_weights=False)
    peft_model = get_peft_model(base, config)
    folder = tmp_path_factory.mktemp("adapter") / "tiny-lora"
    peft_model.save_pretrained(folder)
    write_adapter_record(folder, conversations=0)  # trained on single questions
    return folder


def test_adapter_is_merged_into_the_exported_model(tiny_adapter, tmp_path):
    merged = load_source(tiny=True, adapter=tiny_adapter)
    plain = load_source(tiny=True)
    assert "adapter" in merged.description
    assert not any("lora" in name for name, _ in merged.model.named_parameters())
    q_merged = merged.model.model.layers[0].self_attn.q_proj.weight
    q_plain = plain.model.model.layers[0].self_attn.q_proj.weight
    assert not torch.allclose(q_merged, q_plain)

    with_adapter = build_bundle(tmp_path / "merged", tiny=True, adapter=tiny_adapter, threads=1,
                                progress=lambda line: None)
    without = build_bundle(tmp_path / "plain", tiny=True, threads=1, verify=False, progress=lambda line: None)
    assert with_adapter.parity["full_top1"] >= 0.995  # parity is checked against the merged PyTorch model
    assert "adapter" in with_adapter.manifest["model"]["source"]
    assert with_adapter.manifest["model"]["version"] != without.manifest["model"]["version"]
    # The adapter's record of what it was trained for reaches the bundle, where the CLI and the app read it.
    assert with_adapter.manifest["generation"]["context_budget"] == SINGLE_QUESTION
    assert without.manifest["generation"]["context_budget"] == CONTEXT_BUDGET

    ids = [1, 504, 3000, 42, 7]
    assert OnnxBackend.from_bundle(tmp_path / "merged", threads=1).context_budget == SINGLE_QUESTION
    logits_merged = OnnxBackend.from_bundle(tmp_path / "merged", threads=1).forward(ids)
    logits_plain = OnnxBackend.from_bundle(tmp_path / "plain", threads=1).forward(ids)
    assert not np.allclose(logits_merged, logits_plain, atol=1e-3)
    with torch.no_grad():
        reference = merged.model(torch.tensor([ids])).logits[0, -1].numpy()
    assert int(np.argmax(logits_merged)) == int(np.argmax(reference))


def test_cli_rejects_a_missing_adapter_folder(tmp_path):
    with pytest.raises(SystemExit):
        export_main(["--tiny", "--adapter", str(tmp_path / "nope"), "--out", str(tmp_path / "b")])


def test_cli_adapter_defaults(tmp_path, monkeypatch):
    from export.__main__ import parse_args

    monkeypatch.setenv("WORLDMODEL_ADAPTER", str(tmp_path / "absent"))
    assert parse_args(["--out", str(tmp_path / "b")]).adapter is None  # no trained adapter yet: base model
    committed = tmp_path / "committed"
    committed.mkdir()
    (committed / "adapter_config.json").write_text("{}")
    monkeypatch.setenv("WORLDMODEL_ADAPTER", str(committed))
    assert parse_args(["--out", str(tmp_path / "b")]).adapter == committed
    assert parse_args(["--out", str(tmp_path / "b"), "--adapter", "none"]).adapter is None
    assert parse_args(["--tiny", "--out", str(tmp_path / "b")]).adapter is None  # never the real adapter
