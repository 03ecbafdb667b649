"""XGrammar applied to one answer: the WAT grammar constrains the tokens between `<wat_model>` and `</wat_model>`.

Outside the program block the model writes freely; `ProgramConstraint.observe(text)` switches the grammar on when
the opening tag appears (feeding it whatever the tag's token carried past the tag) and off once the module and its
closing tag are complete. While on, `mask(logits)` sets every token the grammar forbids to -inf (the mask is an
XGrammar bitmask, unpacked with numpy so that torch and ONNX logits are masked the same way), and
`jump_forward()` returns the tokens of the text the grammar forces next, to be appended without decoding.

With `masking=False` the grammar only guides jump-forward: nothing is masked, the grammar follows the model's
tokens, and the first token it does not admit turns it off for the rest of the answer, so the model writes what it
would write unconstrained (a module that would not compile still fails, and says so) except where the grammar
forced text it had not written yet.

The browser twin is web/worker/grammar.ts (`@mlc-ai/web-xgrammar`, the same C++ core compiled to WebAssembly); the
conformance corpus (e2e/make_grammar_corpus.py) holds both to identical masks.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from worldmodel import protocol
from worldmodel.grammar.scope import branch_filter, module_scope, specialize


def tokenizer_vocab(tokenizer) -> list[str]:
    """The tokenizer's tokens ordered by id, as XGrammar's TokenizerInfo wants them (byte-level BPE strings)."""
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    tokens = [""] * (max(vocab.values()) + 1)
    for token, token_id in vocab.items():
        tokens[token_id] = token
    return tokens


@functools.lru_cache(maxsize=4)
def _compiler(vocab: tuple[str, ...], vocab_size: int, stop_ids: tuple[int, ...]):
    from worldmodel.grammar import import_xgrammar

    xgrammar = import_xgrammar()

    info = xgrammar.TokenizerInfo(list(vocab), vocab_type=xgrammar.VocabType.BYTE_LEVEL, vocab_size=vocab_size,
                                  stop_token_ids=list(stop_ids), add_prefix_space=False)
    return xgrammar.GrammarCompiler(info, max_threads=1, cache_enabled=False)


@functools.lru_cache(maxsize=64)  # the generic grammar and the specializations recent answers needed
def _compiled(grammar: str, vocab: tuple[str, ...], vocab_size: int, stop_ids: tuple[int, ...]):
    return _compiler(vocab, vocab_size, stop_ids).compile_grammar(grammar)


def grammar_compiler(vocab: tuple[str, ...], vocab_size: int, stop_ids):
    """grammar text -> CompiledGrammar for this vocabulary (`tokenizer_vocab`, as a tuple); cached per text:
    compiling takes up to a second."""
    key = (vocab, vocab_size, tuple(sorted(stop_ids)))
    return lambda grammar: _compiled(grammar, *key)


@functools.lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet, inverted: the character a token string uses for each byte → that byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            chars[chr(byte)] = byte
        else:
            chars[chr(256 + extra)] = byte
            extra += 1
    return chars


@functools.lru_cache(maxsize=4)  # once per vocabulary, not once per answer
def token_texts(vocab: tuple[str, ...]) -> tuple[str, ...]:
    """Each byte-level token string as the text it writes (bytes outside ASCII become U+FFFD: the grammar admits
    only ASCII, so only ASCII tokens are ever accepted by it)."""
    decoder = _byte_decoder()
    return tuple(bytes(decoder.get(char, 0xFF) for char in token).decode("ascii", errors="replace")
                 if all(char in decoder for char in token) else token for token in vocab)


class ModuleMatcher:
    """An XGrammar matcher over one module that follows what the module has imported and declared
    (grammar/scope.py): after each accepted token it reads the scope off the module text, and when the scope
    changes (an import or a local declared, a body begun) it continues with the grammar specialized to it. Inside a
    branch, the mask and the tokens accepted also keep its label one the enclosing blocks declared (scope.py)."""

    def __init__(self, compile_grammar, grammar: str, texts, by_text: bool = False):
        from worldmodel.grammar import import_xgrammar

        self._xgrammar = import_xgrammar()
        self._compile = compile_grammar  # grammar text -> CompiledGrammar
        self.grammar = grammar
        self.texts = texts
        self.by_text = by_text  # accept a token by its text: the grammar was compiled without the vocabulary
        self.compile_seconds = 0.0
        self.matcher = self._matcher(grammar)
        self.text = ""  # the module text accepted so far
        self.scope = None  # the scope the matcher is specialized to (None: the generic grammar)
        self.specializations = 0

    def _matcher(self, grammar: str):
        started = time.perf_counter()
        compiled = self._compile(grammar)
        self.compile_seconds += time.perf_counter() - started
        return self._xgrammar.GrammarMatcher(compiled, terminate_without_stop_token=True)

    def accept_string(self, text: str) -> bool:
        """Accepts `text` whole or says False (then the matcher is spent: callers drop it). Character by character
        where a branch may begin, so that its label is checked as decoding would."""
        if "(" not in text and branch_filter(self.text) is None:
            if not self.matcher.accept_string(text):
                return False
            self.text += text
            self._rescope()
            return True
        for char in text:
            admits = branch_filter(self.text)
            if (admits is not None and not admits(char)) or not self.matcher.accept_string(char):
                return False
            self.text += char
            self._rescope()
        return True

    def accept_token(self, token: int) -> bool:
        admits = branch_filter(self.text)
        if admits is not None and not admits(self.texts[token]):
            return False
        if not (self.matcher.accept_string(self.texts[token]) if self.by_text else self.matcher.accept_token(token)):
            return False
        self.text += self.texts[token]
        self._rescope()
        return True

    def fill_next_token_bitmask(self, bitmask) -> None:
        self.matcher.fill_next_token_bitmask(bitmask)
        admits = branch_filter(self.text)
        if admits is None:
            return
        words = bitmask[0].numpy().view(np.uint32)  # shares the tensor's memory
        for token in np.flatnonzero(allowed_tokens(words.view(np.int32), len(self.texts))):
            if not admits(self.texts[token]):
                words[token >> 5] &= ~np.uint32(1 << (token & 31))

    def find_jump_forward_string(self) -> str:
        return self.matcher.find_jump_forward_string()

    def is_terminated(self) -> bool:
        return self.matcher.is_terminated()

    def _rescope(self) -> None:
        scope = module_scope(self.text)
        if scope is None or scope == self.scope:
            return
        self.scope = scope
        matcher = self._matcher(specialize(self.grammar, scope))
        # What follows the scope's start cannot name a local or an import yet (a body's first head, the start of a
        # declaration or import at most), so this always fits.
        if matcher.accept_string(self.text[scope.start:]):
            self.matcher = matcher
            self.specializations += 1


def allowed_tokens(bitmask: np.ndarray, vocab_size: int) -> np.ndarray:
    """An XGrammar bitmask row (int32 words, bit i of word j = token 32*j+i) as a bool array over the vocabulary."""
    return np.unpackbits(np.ascontiguousarray(bitmask, dtype=np.int32).view(np.uint8), bitorder="little")[:vocab_size] \
        .astype(bool)


class ProgramConstraint:
    """The grammar's state for one answer (create one per generation)."""

    def __init__(self, tokenizer, vocab_size: int, stop_ids, jump_forward: bool = False, grammar: str | None = None,
                 masking: bool = True):
        import torch
        from worldmodel.grammar import import_xgrammar, wat_grammar

        xgrammar = import_xgrammar()

        self.tokenizer = tokenizer
        self.vocab_size = vocab_size
        self.grammar = grammar or wat_grammar()
        vocab = tuple(tokenizer_vocab(tokenizer))
        # Unmasked, no token mask is ever computed: a one-token vocabulary compiles each specialization at once
        # (~0.03 s against ~0.5 s, ~1.7 s per answer in the browser) and tokens are accepted by their text.
        self.compile = grammar_compiler(vocab, vocab_size, stop_ids) if masking else grammar_compiler(("a",), 1, ())
        self.compile(self.grammar)  # compiled now, not at the opening tag
        self.texts = token_texts(vocab)
        self.jump_forward_enabled = jump_forward
        self.masking = masking
        self.matcher = None
        self.finished = False  # the grammar ran (a module and its closing tag) and is off for the rest of the turn
        self.failed = False  # the text at the opening tag did not fit the grammar: decoding went on unconstrained
        self.bitmask = xgrammar.allocate_token_bitmask(1, vocab_size)
        self._torch = torch
        self.mask_seconds: list[float] = []  # per masked token: bitmask computation and applying it
        self.jump_tokens = 0
        self.modules: list[ModuleMatcher] = []  # one per module opened (their specializations and compile time)

    @property
    def active(self) -> bool:
        return self.matcher is not None

    def observe(self, text: str, token: int | None, program_done: bool) -> None:
        """After each token: `text` is the assistant text so far, `token` the token just added (None when text came
        from elsewhere). Turns the grammar on at `<wat_model>`, advances it by the token, and off when it ends."""
        if self.matcher is not None:
            if token is not None and not self.matcher.accept_token(token):
                if self.masking:
                    raise RuntimeError(f"token {token} was outside the grammar's mask")  # a bug: never comes
                self.matcher, self.failed = None, True  # unmasked, the model left the grammar: it goes on alone
                return
            if self.matcher.is_terminated():
                self.matcher, self.finished = None, True
            return
        if self.finished or self.failed or program_done or protocol.WAT_OPEN not in text:
            return
        self.matcher = ModuleMatcher(self.compile, self.grammar, self.texts, by_text=not self.masking)
        self.modules.append(self.matcher)
        rest = text.split(protocol.WAT_OPEN, 1)[1]
        if rest and not self.matcher.accept_string(rest):
            self.matcher, self.failed = None, True

    def mask(self, logits: np.ndarray) -> np.ndarray:
        """`logits` with every token the grammar forbids at -inf (unchanged while the grammar is off or not masking)."""
        if self.matcher is None or not self.masking:
            return logits
        started = time.perf_counter()
        self.matcher.fill_next_token_bitmask(self.bitmask)
        allowed = allowed_tokens(self.bitmask[0].numpy(), self.vocab_size)
        masked = np.where(allowed[: logits.shape[-1]], logits, np.float32(-np.inf)).astype(logits.dtype, copy=False)
        self.mask_seconds.append(time.perf_counter() - started)
        return masked

    def jump_forward(self, limit: int) -> list[int]:
        """Tokens (at most `limit`) of the text the grammar allows as the only continuation, already accepted into
        the grammar: the caller appends them without decoding."""
        if self.matcher is None or not self.jump_forward_enabled or limit <= 0:
            return []
        forced = self.matcher.find_jump_forward_string()
        if not forced:
            return []
        # The forced text's last token stays with the model: the text may end inside a token the model writes merged
        # with what follows (forced ")" then its habitual "))" closes one form too many). Masked, it can only continue;
        # unmasked, a token the grammar refuses turns the grammar off.
        tokens = self.tokenizer.encode(forced, add_special_tokens=False).ids[:-1][:limit]
        accepted = []
        for token in tokens:  # the string is forced, but a token must not cross where the grammar ends
            if not self.matcher.accept_token(token):
                break
            accepted.append(token)
        self.jump_tokens += len(accepted)
        if self.matcher.is_terminated():
            self.matcher, self.finished = None, True
        return accepted
