"""The tool-executing generation loop (docs/protocol.md section 1), for any `worldmodel.model.Backend`.

Decode until the model closes its program (`</wat_model>`), run the module in the sandboxed runtime,
append the runtime's `<computed>…</computed>` block (or its error form) to the context, and decode the
final answer from there. Stop strings are matched on decoded text, not on single tokens, because a tag
is usually several tokens and a token may carry text past the tag.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Generator

import numpy as np

from worldmodel import protocol
from worldmodel.chat_context import CONTEXT_BUDGET, fit_history
from worldmodel.model.backend import Backend
from worldmodel.model.chat import render_chat

# Canonical layout around the runtime's block (protocol.assistant_turn joins blocks with newlines).
INJECT_PREFIX = "\n"
INJECT_SUFFIX = "\n"


@dataclass
class GenerationConfig:
    # Tokens the model writes (injected runtime text does not count). The adapter's longest answers on the test
    # split run to ~670 tokens (loan and savings programs): 1024 leaves room without letting a loop ramble for long.
    max_new_tokens: int = 1024
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    seed: int | None = None
    use_tools: bool = True  # False: plain chat, the baseline "answer directly" mode
    # After a runtime error: "template" writes a fixed could-not-compute sentence (no number can be invented);
    # "model" lets the model write the answer (the result then flags any number it names).
    on_error: str = "template"
    # Prompt tokens for earlier turns and the question: a chat is fitted as worldmodel.chat_context says.
    # None: the model's own (backend.context_budget: what its adapter was trained for).
    context_budget: int | None = None
    # Constrain the module to the typed WAT grammar (worldmodel.grammar; needs the `grammar` extra), and append the
    # text the grammar forces in one step instead of decoding it token by token; jump_forward without grammar: the
    # grammar only guides the jumps and masks nothing (constraint.py). The CLI's and app's defaults: README "Decoding".
    grammar: bool = False
    jump_forward: bool = False

    def __post_init__(self):
        if self.on_error not in ("template", "model"):
            raise ValueError(f"on_error must be 'template' or 'model', not {self.on_error!r}")
        if self.max_new_tokens < 1 or self.temperature < 0 or not 0 < self.top_p <= 1:
            raise ValueError("need max_new_tokens >= 1, temperature >= 0 and 0 < top_p <= 1")
        if self.context_budget is not None and self.context_budget < 0:
            raise ValueError("the context budget must be 0 or more tokens")


def could_not_compute(error_kind: str) -> str:
    """The final answer after a runtime error under on_error="template": names no number."""
    return f"I could not compute the answer: the program I wrote failed ({error_kind}), so I will not guess a value."


@dataclass
class Event:
    """One streaming event: `token` (text delta), `think`, `wat`, `computed`, `final`, `done`."""

    kind: str
    text: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class GenerationResult:
    text: str  # the whole assistant turn, including the injected computed block
    think: str | None = None
    program: str | None = None  # the WAT (or ByteLog source) the model wrote
    program_kind: str | None = None  # "wat" | "bytelog"
    computed: str | None = None  # the computed text, or the error message
    computed_error: str | None = None  # error kind when the module failed
    run: dict | None = None  # the runtime's RunResult as a dict
    final: str = ""
    stop_reason: str = ""  # eos | max_tokens | model_wrote_computed | second_program | unclosed_program
    new_tokens: int = 0
    decode_steps: int = 0  # forward passes after the prompt (a jump-forward appends several tokens in one)
    jump_tokens: int = 0  # tokens appended by jump-forward instead of being decoded
    mask_seconds: list[float] = field(default_factory=list)  # per masked token: computing and applying the mask
    grammar_compile_seconds: float = 0.0  # compiling the grammar and its specializations to each function's locals
    seconds: float = 0.0
    unsupported_numbers: list[float] = field(default_factory=list)  # numbers in final without provenance

    @property
    def compiled(self) -> bool | None:
        """Whether the module assembled and validated (None when no program was written)."""
        if self.program is None:
            return None
        return self.computed_error not in COMPILE_ERROR_KINDS

    @property
    def executed(self) -> bool | None:
        if self.program is None:
            return None
        return self.computed_error is None

    @property
    def invented_number(self) -> bool:
        """The final answer states a number the runtime did not compute (or after an error)."""
        return bool(self.unsupported_numbers)

    def to_dict(self) -> dict:
        return {**asdict(self), "compiled": self.compiled, "executed": self.executed,
                "invented_number": self.invented_number}


COMPILE_ERROR_KINDS = frozenset({"wat_syntax", "invalid_module", "unknown_import", "missing_main",
                                 "module_too_large", "conversion_error", "unclosed_program"})


class _Sampler:
    def __init__(self, config: GenerationConfig):
        self.config = config
        self.rng = np.random.default_rng(config.seed)

    def __call__(self, logits: np.ndarray) -> int:
        if self.config.temperature <= 0:
            return int(np.argmax(logits))
        scaled = logits.astype(np.float64) / self.config.temperature
        probs = np.exp(scaled - scaled.max())
        probs /= probs.sum()
        if self.config.top_p < 1.0:
            order = np.argsort(-probs)
            cumulative = np.cumsum(probs[order])
            keep = order[: int(np.searchsorted(cumulative, self.config.top_p)) + 1]
            nucleus = np.zeros_like(probs)
            nucleus[keep] = probs[keep]
            probs = nucleus / nucleus.sum()
        return int(self.rng.choice(len(probs), p=probs))


def run_program(kind: str, source: str):
    """Run the model's program in the sandbox; returns a worldmodel.runtime.RunResult."""
    from worldmodel.bytelog import run_bytelog
    from worldmodel.runtime import run_wat

    # A ByteLog program the compiler rejects comes back as conversion_error with the compiler's message.
    return run_wat(source) if kind == "wat" else run_bytelog(source)


class _Decoder:
    """Incremental detokenizer for one stretch of generated tokens; holds back incomplete UTF-8."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.text = ""

    def push(self, token_id: int) -> str:
        self.ids.append(token_id)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=False)
        if text.endswith("\ufffd"):  # a multi-byte character split across tokens: wait for the rest
            return ""
        delta, self.text = text[len(self.text):], text
        return delta


def _for_model(config: GenerationConfig | None, backend: Backend) -> GenerationConfig:
    """`config` with the model's own context budget where it leaves it open."""
    config = config or GenerationConfig()
    if config.context_budget is not None:
        return config
    return replace(config, context_budget=getattr(backend, "context_budget", CONTEXT_BUDGET))


def generate(
    backend: Backend,
    messages: list[dict] | str,
    config: GenerationConfig | None = None,
    on_event: Callable[[Event], None] | None = None,
    chat_template: str | None = None,
    program_runner: Callable[[str, str], object] = run_program,
) -> GenerationResult:
    """Answer the last user message. `messages` is a chat history or a single question string."""
    steps = answer_steps(backend.tokenizer, backend.eos_token_ids, messages, _for_model(config, backend), on_event,
                         chat_template or getattr(backend, "chat_template", None), program_runner)
    backend.reset()
    request = next(steps)
    while True:
        try:
            request = steps.send(backend.forward(request))
        except StopIteration as done:
            return done.value


def generate_many(
    backend: Backend,
    messages: list[dict] | str,
    configs: list[GenerationConfig],
    on_event: Callable[[Event], None] | None = None,
    program_runner: Callable[[str, str], object] = run_program,
) -> list[GenerationResult]:
    """One answer per config to the same question (the programs of a vote). On a backend with `batch` (the ONNX
    one: its graph takes a batch dimension) the prompt is prefilled once and every answer advances in the same
    forward pass, each step, so k answers cost little more than one; elsewhere they are written one after another.
    Events of the first answer only go to `on_event`. Each answer runs the whole protocol on its own (its module
    runs in the sandbox when it closes it); its `seconds` is the time until it finished, from the common start."""
    if not hasattr(backend, "batch") or len(configs) == 1:
        return [generate(backend, messages, config, on_event if i == 0 else None, program_runner=program_runner)
                for i, config in enumerate(configs)]
    template = getattr(backend, "chat_template", None)
    runs = [answer_steps(backend.tokenizer, backend.eos_token_ids, messages, _for_model(config, backend),
                         on_event if i == 0 else None,
                         template, program_runner) for i, config in enumerate(configs)]
    prompts = [next(run) for run in runs]
    if any(prompt != prompts[0] for prompt in prompts):
        raise ValueError("the answers of one batch must share their prompt (same messages and context budget)")
    backend.reset()
    logits = backend.forward(prompts[0])
    batch = backend.batch(len(runs))  # the prompt's KV cache, once per row
    results: list[GenerationResult | None] = [None] * len(runs)
    live = list(range(len(runs)))  # the answers still being written, in the batch's row order
    outputs = [logits] * len(runs)
    while live:
        requests, kept = [], []
        for row, index in enumerate(live):
            try:
                requests.append(runs[index].send(outputs[row]))
                kept.append(row)
            except StopIteration as done:
                results[index] = done.value
        live = [live[row] for row in kept]
        if live:
            batch.keep(kept)
            outputs = batch.forward(requests)
    return results  # type: ignore[return-value]


def answer_steps(
    tokenizer,
    eos_token_ids: frozenset[int],
    messages: list[dict] | str,
    config: GenerationConfig | None = None,
    on_event: Callable[[Event], None] | None = None,
    template: str | None = None,
    program_runner: Callable[[str, str], object] = run_program,
) -> Generator[list[int], np.ndarray, GenerationResult]:
    """The protocol for one answer as a coroutine: it yields the token ids to append to its context (the prompt
    first) and is sent the logits of the last position; it returns the GenerationResult. `generate` drives one
    on a backend, `generate_many` several in one batch."""
    config = config or GenerationConfig()
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    question = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    emit = on_event or (lambda event: None)

    def count_tokens(candidate: list[dict]) -> int:
        return len(tokenizer.encode(render_chat(candidate, template, add_generation_prompt=True),
                                    add_special_tokens=False).ids)

    budget = CONTEXT_BUDGET if config.context_budget is None else config.context_budget
    prompt = render_chat(fit_history(messages, count_tokens, budget), template, add_generation_prompt=True)
    sample = _Sampler(config)
    started = time.perf_counter()

    logits = yield tokenizer.encode(prompt, add_special_tokens=False).ids
    constraint = None
    if (config.grammar or config.jump_forward) and config.use_tools:
        from worldmodel.grammar.constraint import ProgramConstraint

        constraint = ProgramConstraint(tokenizer, logits.shape[-1], eos_token_ids, config.jump_forward,
                                       masking=config.grammar)
    committed = ""  # assistant text already in the backend's context (before the current stretch)
    stretch = _Decoder(tokenizer)
    result = GenerationResult(text="")
    program_done = False
    think_emitted = False
    new_tokens = 0
    decode_steps = 0

    while True:
        if new_tokens >= config.max_new_tokens:
            result.stop_reason = "max_tokens"
            break
        token = sample(constraint.mask(logits) if constraint else logits)
        new_tokens += 1
        if token in eos_token_ids:
            result.stop_reason = "eos"
            break
        delta = stretch.push(token)
        text = committed + stretch.text
        unforwarded = [token]  # tokens added since the last forward pass
        if constraint:
            constraint.observe(text, token, program_done)
            for forced in constraint.jump_forward(config.max_new_tokens - new_tokens):
                delta += stretch.push(forced)
                unforwarded.append(forced)
                new_tokens += 1
            text = committed + stretch.text
        cut, reason = _find_stop(text, len(committed), program_done, config.use_tools)
        if cut is not None:
            # Emit only the part of this token before the cut; the rest of the token is dropped.
            visible = delta[: max(0, len(delta) - (len(text) - cut))]
            if visible:
                emit(Event("token", visible, {"token_id": token}))
            text = text[:cut]
        elif delta:
            emit(Event("token", delta, {"token_id": token}))

        if not think_emitted and protocol.THINK_CLOSE in text:
            think_emitted = True
            result.think = protocol.parse_answer(text[: text.index(protocol.THINK_CLOSE) + len(protocol.THINK_CLOSE)]).think
            emit(Event("think", result.think or ""))

        if reason == "program_closed":
            kind, source = _last_program(text)
            result.program, result.program_kind = source, kind
            emit(Event("wat" if kind == "wat" else "bytelog", source))
            run = program_runner(kind, source)
            block = protocol.computed_block(run)
            result.run = run.to_dict() if hasattr(run, "to_dict") else None
            result.computed = run.computed_text if run.ok else (" ".join(run.error_message.split()) or run.error_kind)
            result.computed_error = None if run.ok else run.error_kind
            injected = INJECT_PREFIX + block + INJECT_SUFFIX
            emit(Event("computed", block, {"ok": run.ok, "error_kind": result.computed_error}))
            # Feed the rest of this stretch (the tag's tail, if the last token was not forwarded) plus the block.
            pending = text[len(committed) + len(_forwarded_text(stretch, len(unforwarded))):] + injected
            committed = text + injected
            stretch = _Decoder(tokenizer)
            program_done = True
            if not run.ok and config.on_error == "template":
                apology = could_not_compute(run.error_kind)
                emit(Event("token", apology, {"token_id": None}))
                committed += apology
                result.stop_reason = "runtime_error"
                break
            logits = yield tokenizer.encode(pending, add_special_tokens=False).ids
            continue
        if reason is not None:  # the model wrote <computed> itself or began a second program: stop there
            committed, stretch = text, _Decoder(tokenizer)
            result.stop_reason = reason
            break
        logits = yield unforwarded
        decode_steps += 1

    result.text = committed + stretch.text
    answer = protocol.parse_answer(result.text)
    if result.program is None and (protocol.WAT_OPEN in result.text or protocol.BYTELOG_OPEN in result.text):
        # The model opened a program but never closed it (EOS or token budget): nothing ran.
        result.program = result.text.split(protocol.WAT_OPEN if protocol.WAT_OPEN in result.text
                                           else protocol.BYTELOG_OPEN, 1)[1].strip()
        result.program_kind = "wat" if protocol.WAT_OPEN in result.text else "bytelog"
        result.computed_error = "unclosed_program"
        answer.final = ""
    if result.think is None:
        result.think = answer.think
    result.final = answer.final if config.use_tools else result.text.strip()
    result.new_tokens = new_tokens
    result.decode_steps = decode_steps
    if constraint:
        result.jump_tokens, result.mask_seconds = constraint.jump_tokens, constraint.mask_seconds
        result.grammar_compile_seconds = sum(module.compile_seconds for module in constraint.modules)
    result.seconds = time.perf_counter() - started
    computed_source = result.computed if result.computed_error is None else None
    result.unsupported_numbers = protocol.unsupported_numbers(result.final, computed_source, question)
    emit(Event("final", result.final))
    emit(Event("done", result.final, result.to_dict()))
    return result


def _forwarded_text(stretch: _Decoder, unforwarded: int = 1) -> str:
    """Text of the stretch's tokens already in the backend context: all but the last `unforwarded` tokens."""
    forwarded = stretch.ids[:-unforwarded]
    return stretch.tokenizer.decode(forwarded, skip_special_tokens=False) if forwarded else ""


def _find_stop(text: str, search_from: int, program_done: bool, use_tools: bool) -> tuple[int | None, str | None]:
    """Where decoding must pause or stop in `text`, and why."""
    if not use_tools:
        return None, None
    start = max(0, search_from)
    computed_at = text.find("<computed", start)
    if not program_done:
        closes = [(text.find(tag, start), tag) for tag in protocol.PROGRAM_CLOSE_TAGS]
        closes = [(at, tag) for at, tag in closes if at >= 0]
        if closes:
            at, tag = min(closes)
            if computed_at < 0 or at < computed_at:
                return at + len(tag), "program_closed"
        if computed_at >= 0:
            return computed_at, "model_wrote_computed"
        return None, None
    reopen = [at for at in (computed_at, text.find(protocol.WAT_OPEN, start), text.find(protocol.BYTELOG_OPEN, start))
              if at >= 0]
    if reopen:
        return min(reopen), ("model_wrote_computed" if min(reopen) == computed_at else "second_program")
    return None, None


def _last_program(text: str) -> tuple[str, str]:
    answer = protocol.parse_answer(text)
    if answer.wat is not None and text.rfind(protocol.WAT_CLOSE) >= text.rfind(protocol.BYTELOG_CLOSE):
        return "wat", answer.wat
    if answer.bytelog is not None:
        return "bytelog", answer.bytelog
    # A close tag without its open tag: take everything before the close tag as the program.
    return "wat", text[: text.rfind(protocol.WAT_CLOSE)].split(protocol.THINK_CLOSE)[-1].strip()
