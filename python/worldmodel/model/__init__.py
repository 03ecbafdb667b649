"""Models: loading the base model and tokenizer, the Backend protocol and its torch implementation.

Importing this package is cheap (no torch, no transformers): the functions import them when called.
"""

from worldmodel.model.backend import Backend
from worldmodel.model.loading import (
    BASE_MODEL_ID,
    base_model_folder,
    gguf_path,
    load_base_model,
    load_tokenizer,
    resolve_model_path,
)

__all__ = [
    "BASE_MODEL_ID",
    "Backend",
    "base_model_folder",
    "gguf_path",
    "load_base_model",
    "load_tokenizer",
    "resolve_model_path",
]
