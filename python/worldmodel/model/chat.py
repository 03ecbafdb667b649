"""Rendering a conversation into the model's prompt text, identically for training and generation.

Backends only carry a raw `tokenizers.Tokenizer`, which has no chat template, so the template is rendered
here with Jinja2 (as transformers does). Training renders with the same function, so the prompt the model
sees at inference is byte-identical to the one it was trained on.

A template comes from a bundle and may be hostile: Jinja's immutable sandbox keeps it away from Python
objects, and the render is bounded in time, output, memory growth and sequence repetition
(ChatTemplateError when it passes one).
"""

from __future__ import annotations

import resource
import sys
import time
from functools import lru_cache

# SmolLM2-Instruct's ChatML template (as shipped in its tokenizer_config / GGUF).
SMOLLM2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
ASSISTANT_END = "<|im_end|>"

TEMPLATE_TIME_LIMIT_S = 2.0
TEMPLATE_OUTPUT_LIMIT = 1 << 20  # characters of prompt text
TEMPLATE_MEMORY_LIMIT = 256 << 20  # growth of the process's peak memory during one render
TEMPLATE_REPEAT_LIMIT = 1 << 16  # `'x' * n`, `[…] * n`: elements in the result


class ChatTemplateError(ValueError):
    """A chat template that does not compile or passes a render limit."""


def _peak_memory_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


@lru_cache(maxsize=8)
def _compile(template: str):
    from jinja2 import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class BoundedEnvironment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for sequence, count in ((left, right), (right, left)):
                    if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) and len(sequence) * count > TEMPLATE_REPEAT_LIMIT:
                        raise SecurityError(f"repeating a sequence to more than {TEMPLATE_REPEAT_LIMIT} elements")
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError("exponent above 64")
            return super().call_binop(context, operator, left, right)

    env = BoundedEnvironment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    try:
        return env.from_string(template)
    except TemplateError as error:
        raise ChatTemplateError(f"does not compile: {error}") from None


def _bounded_render(template, **context) -> str:
    """Render under the limits above. Jinja compiles to Python, so a line tracer sees every loop step
    (an empty `{% for %}` too) and stops the render there; C-level work is bounded by the binop checks."""
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    deadline = time.monotonic() + TEMPLATE_TIME_LIMIT_S
    memory_cap = _peak_memory_bytes() + TEMPLATE_MEMORY_LIMIT

    def trace(frame, event, arg):
        if event == "line":
            if time.monotonic() > deadline:
                raise ChatTemplateError(f"rendering took longer than {TEMPLATE_TIME_LIMIT_S} s")
            if _peak_memory_bytes() > memory_cap:
                raise ChatTemplateError(f"rendering used more than {TEMPLATE_MEMORY_LIMIT >> 20} MiB")
        return trace

    pieces, length = [], 0
    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        for piece in template.generate(**context):
            length += len(piece)
            if length > TEMPLATE_OUTPUT_LIMIT:
                raise ChatTemplateError(f"the prompt passed {TEMPLATE_OUTPUT_LIMIT} characters")
            pieces.append(piece)
    except SecurityError as error:
        raise ChatTemplateError(f"refused by the sandbox: {error}") from None
    except (TemplateError, TypeError, ValueError, LookupError, ArithmeticError, RecursionError) as error:
        if isinstance(error, ChatTemplateError):
            raise
        raise ChatTemplateError(f"failed: {type(error).__name__}: {error}") from None
    finally:
        sys.settrace(previous)
    return "".join(pieces)


def render_chat(
    messages: list[dict], template: str | None = None, add_generation_prompt: bool = False
) -> str:
    """The prompt text for `messages` ([{"role", "content"}, …]) under a Jinja chat template."""
    for message in messages:
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            raise ValueError(f"each message needs 'role' and 'content': {message!r}")
    return _bounded_render(_compile(template or SMOLLM2_CHAT_TEMPLATE), messages=messages,
                           add_generation_prompt=add_generation_prompt)
