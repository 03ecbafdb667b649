"""Rendering a conversation into the model's prompt text, identically for training and generation.

Backends only carry a raw `tokenizers.Tokenizer`, which has no chat template, so the template is rendered
here with Jinja2 (as transformers does). Training renders with the same function, so the prompt the model
sees at inference is byte-identical to the one it was trained on.
"""

from __future__ import annotations

from functools import lru_cache

# SmolLM2-Instruct's ChatML template (as shipped in its tokenizer_config / GGUF).
SMOLLM2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
ASSISTANT_END = "<|im_end|>"


@lru_cache(maxsize=8)
def _compile(template: str):
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.from_string(template)


def render_chat(
    messages: list[dict], template: str | None = None, add_generation_prompt: bool = False
) -> str:
    """The prompt text for `messages` ([{"role", "content"}, …]) under a Jinja chat template."""
    for message in messages:
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            raise ValueError(f"each message needs 'role' and 'content': {message!r}")
    return _compile(template or SMOLLM2_CHAT_TEMPLATE).render(
        messages=messages, add_generation_prompt=add_generation_prompt
    )
