"""`worldmodel.generate` with the grammar and jump-forward: the module is constrained, forced text is appended in
one forward pass, and the backend's context stays exactly the answer's text."""

from __future__ import annotations

import numpy as np
import pytest

from worldmodel.generate import GenerationConfig, generate

MODULE = ('\n(module\n  (func $main (export "main")\n    (local $a i64)\n'
          '    (local.set $a (call $int_mul (i64.const 17) (i64.const 23)))\n    (call $print_i64 (local.get $a))))\n')
ANSWER = f"<think>Multiply.</think>\n<wat_model>{MODULE}</wat_model>\n<computed>391</computed>\nIt is 391."


class TextBackend:
    """Prefers, at every step, the first token of what is left of `answer` after the text fed so far; fails the
    test if the context it is fed ever departs from the answer (a token fed twice or lost)."""

    name = "text"

    def __init__(self, tokenizer, answer: str, eos_id: int = 2):
        self.tokenizer = tokenizer.backend_tokenizer
        self.answer = answer
        self.eos_token_ids = frozenset({eos_id})
        self.vocab = self.tokenizer.get_vocab_size()
        self.reset()

    def reset(self) -> None:
        self.ids: list[int] | None = None  # None until the prompt has been fed
        self.calls = 0

    def forward(self, token_ids: list[int]) -> np.ndarray:
        self.calls += 1
        self.ids = [] if self.ids is None else self.ids + list(token_ids)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=False)
        assert self.answer.startswith(text), f"context departed from the answer: {text!r}"
        logits = np.full(self.vocab, -1e9, dtype=np.float32)
        rest = self.answer[len(text):]
        logits[self.tokenizer.encode(rest, add_special_tokens=False).ids[0] if rest else 2] = 0.0
        return logits


@pytest.fixture(scope="module")
def tokenizer():
    from worldmodel.model import load_tokenizer

    return load_tokenizer(None)


@pytest.mark.parametrize("grammar,jump", [(False, False), (True, False), (True, True), (False, True)])
def test_the_same_answer_with_and_without_the_grammar(tokenizer, grammar, jump):
    backend = TextBackend(tokenizer, ANSWER)
    result = generate(backend, "What is 17 times 23?", GenerationConfig(grammar=grammar, jump_forward=jump))
    assert result.computed == "391" and result.final == "It is 391."
    assert result.text == ANSWER
    assert bool(result.mask_seconds) == grammar  # masks were computed only under the grammar
    if jump:
        assert result.jump_tokens > 5  # e.g. "ule" after "(mod", `(export "main")`, closing parentheses
        assert result.decode_steps < result.new_tokens - result.jump_tokens + 2
    else:
        assert result.jump_tokens == 0


def test_the_mask_leaves_the_text_outside_the_program_free(tokenizer):
    backend = TextBackend(tokenizer, ANSWER)
    result = generate(backend, "What is 17 times 23?", GenerationConfig(grammar=True))
    module_tokens = len(tokenizer.backend_tokenizer.encode(MODULE + "</wat_model>", add_special_tokens=False).ids)
    # One mask per token from just after <wat_model> to the closing tag (token boundaries may shift by one).
    assert abs(len(result.mask_seconds) - module_tokens) <= 2


BROKEN_MODULE = '\n(module\n  (func $main (export "main")\n    (call $print_i64 (i64.const 6.5))))\n'
BROKEN = f"<think>Print it.</think>\n<wat_model>{BROKEN_MODULE}</wat_model>\n"


def test_jump_forward_without_the_grammar_masks_nothing_and_lets_a_bad_module_fail(tokenizer):
    # Masked, the grammar cannot let `(i64.const 6.5)` be written; guiding jump-forward only, it writes the module
    # as the model does, which then fails to compile and says so instead of computing something else.
    guided = generate(TextBackend(tokenizer, BROKEN), "Print 6.5", GenerationConfig(jump_forward=True, max_new_tokens=80))
    assert guided.text.startswith(BROKEN) and guided.program == BROKEN_MODULE.strip()
    assert guided.computed_error == "wat_syntax" and "could not compute" in guided.final
    assert guided.jump_tokens > 0 and not guided.mask_seconds  # jumped before the model left the grammar, masked nothing
    with pytest.raises(AssertionError, match="departed from the answer"):  # the mask refuses the model's own text
        generate(TextBackend(tokenizer, BROKEN), "Print 6.5", GenerationConfig(grammar=True, max_new_tokens=80))
