"""The generation loop, driven by a scripted backend: stop at </wat_model>, run the module, inject the
runtime's <computed> block (or its error form), continue to the final answer, flag invented numbers."""

from __future__ import annotations

import numpy as np
import pytest

from model_helpers import MUL_WAT, ScriptedBackend
from worldmodel.generate import GenerationConfig, _Sampler, generate
from worldmodel.model import load_tokenizer

DIV_ZERO_WAT = '(module (func (export "main") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))'


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


def test_runs_the_module_and_injects_the_computed_block(tokenizer):
    wat = MUL_WAT.format(a=17, b=23)
    backend = ScriptedBackend(tokenizer, f"<think>multiply</think>\n<wat_model>\n{wat}\n</wat_model>It is 391.")
    events = []
    result = generate(backend, "What is 17 times 23?", on_event=events.append)
    assert result.text == (f"<think>multiply</think>\n<wat_model>\n{wat}\n</wat_model>\n"
                           "<computed>391</computed>\nIt is 391.")
    assert (result.think, result.program, result.computed, result.computed_error) == ("multiply", wat, "391", None)
    assert result.final == "It is 391." and result.stop_reason == "eos"
    assert result.compiled and result.executed and not result.invented_number
    # The runtime's block went into the model's context, as text the model itself never produced.
    assert "\n<computed>391</computed>\n" in backend.fed_text()
    kinds = [e.kind for e in events if e.kind != "token"]
    assert kinds == ["think", "wat", "computed", "final", "done"]
    streamed = "".join(e.text for e in events if e.kind == "token")
    assert streamed == result.text.replace("\n<computed>391</computed>\n", "")
    # Injected tokens are not counted as generated: every scripted token (EOS included) and nothing else.
    assert result.new_tokens == len(backend.script)


def test_runtime_error_gives_a_could_not_compute_answer(tokenizer):
    backend = ScriptedBackend(tokenizer, f"<wat_model>\n{DIV_ZERO_WAT}\n</wat_model>The answer is 7.")
    result = generate(backend, "What is 1 divided by 0?")
    assert result.text.endswith('<computed error="trap">integer divide by zero</computed>\n' + result.final)
    assert result.final.startswith("I could not compute") and result.stop_reason == "runtime_error"
    assert not result.invented_number and "7" not in result.final


def test_runtime_error_injects_error_form_and_flags_invented_number(tokenizer):
    backend = ScriptedBackend(tokenizer, f"<wat_model>\n{DIV_ZERO_WAT}\n</wat_model>The answer is 7.")
    result = generate(backend, "What is 1 divided by 0?", GenerationConfig(on_error="model"))
    assert '<computed error="trap">integer divide by zero</computed>' in result.text
    assert result.computed_error == "trap" and result.compiled and not result.executed
    assert result.unsupported_numbers == [7.0] and result.invented_number


def test_honest_failure_after_error_is_not_flagged(tokenizer):
    backend = ScriptedBackend(tokenizer, f"<wat_model>\n{DIV_ZERO_WAT}\n</wat_model>I could not compute 1 / 0.")
    result = generate(backend, "What is 1 divided by 0?", GenerationConfig(on_error="model"))
    assert result.computed_error == "trap" and not result.invented_number  # 1 and 0 come from the question


def test_syntax_error_counts_as_not_compiled(tokenizer):
    backend = ScriptedBackend(tokenizer, "<wat_model>\n(module (func\n</wat_model>Sorry.")
    result = generate(backend, "x?")
    assert result.computed_error == "wat_syntax" and result.compiled is False


def test_model_writing_computed_itself_is_cut_off(tokenizer):
    backend = ScriptedBackend(tokenizer, "<wat_model>\n(module)\n<computed>99</computed> It is 99.")
    result = generate(backend, "What is 9 times 11?")
    assert result.stop_reason == "model_wrote_computed"
    assert "99" not in result.text and result.computed is None
    assert result.computed_error == "unclosed_program"


def test_second_computed_after_the_runtime_block_is_cut_off(tokenizer):
    wat = MUL_WAT.format(a=2, b=3)
    backend = ScriptedBackend(tokenizer, f"<wat_model>\n{wat}\n</wat_model>It is 6.<computed>7</computed>")
    result = generate(backend, "What is 2 times 3?")
    assert result.stop_reason == "model_wrote_computed" and result.final == "It is 6."


def test_plain_reply_without_program(tokenizer):
    backend = ScriptedBackend(tokenizer, "Hello! Ask me a math question.")
    result = generate(backend, "hi")
    assert result.program is None and result.final == "Hello! Ask me a math question." and result.compiled is None


def test_max_new_tokens_stops_generation(tokenizer):
    backend = ScriptedBackend(tokenizer, "one two three four five six seven eight nine ten")
    result = generate(backend, "count", GenerationConfig(max_new_tokens=3))
    assert result.stop_reason == "max_tokens" and result.new_tokens == 3


def test_sampler_greedy_and_top_p():
    logits = np.array([0.0, 5.0, 4.9, -3.0], dtype=np.float32)
    assert _Sampler(GenerationConfig())(logits) == 1
    nucleus = _Sampler(GenerationConfig(temperature=1.0, top_p=0.5, seed=0))
    assert {nucleus(logits) for _ in range(50)} == {1}  # token 1 alone holds > 50 % of the mass
    wide = _Sampler(GenerationConfig(temperature=1.0, top_p=1.0, seed=0))
    assert {wide(logits) for _ in range(200)} >= {1, 2}


def test_linked_form_module_uses_the_runtime_library(tokenizer):
    wat = ('(module\n  (import "rt" "print_i64" (func $print_i64 (param i64)))\n  (func (export "main")\n'
           '    (call $print_i64 (i64.mul (i64.const 17) (i64.const 23)))))')
    backend = ScriptedBackend(tokenizer, f"<wat_model>\n{wat}\n</wat_model>17 × 23 = 391.")
    result = generate(backend, "What is 17 times 23?")
    assert result.computed == "391" and result.final == "17 × 23 = 391." and not result.invented_number


def test_ask_printer_streams_the_final_answer_or_every_step(tokenizer):
    import io

    from worldmodel.commands.ask import StreamPrinter

    wat = MUL_WAT.format(a=17, b=23)
    script = f"<think>multiply</think>\n<wat_model>\n{wat}\n</wat_model>It is 391."
    plain, steps = io.StringIO(), io.StringIO()
    generate(ScriptedBackend(tokenizer, script), "What is 17 times 23?", on_event=StreamPrinter(False, plain))
    generate(ScriptedBackend(tokenizer, script), "What is 17 times 23?", on_event=StreamPrinter(True, steps))
    assert plain.getvalue() == "It is 391.\n"
    assert "<think>multiply</think>" in steps.getvalue() and wat in steps.getvalue()
    assert "<computed>391</computed>" in steps.getvalue() and steps.getvalue().endswith("It is 391.\n")
    failed = io.StringIO()
    generate(ScriptedBackend(tokenizer, f"<wat_model>\n{DIV_ZERO_WAT}\n</wat_model>It is 5."), "1/0?",
             GenerationConfig(on_error="model"), on_event=StreamPrinter(False, failed))
    assert "computation failed: trap" in failed.getvalue() and "not computed by the runtime" in failed.getvalue()
    template = io.StringIO()
    generate(ScriptedBackend(tokenizer, f"<wat_model>\n{DIV_ZERO_WAT}\n</wat_model>It is 5."), "1/0?",
             on_event=StreamPrinter(False, template))
    assert template.getvalue().startswith("I could not compute the answer") and "5" not in template.getvalue()


def test_a_computation_block_is_compiled_from_bytelog_and_run(tokenizer):
    program = "REL parent\nREL gp\nFACT parent Ann Bob\nFACT parent Bob Cy\nRULE gp: SCAN parent, JOIN parent $1, EMIT gp $0 $2\nQUERY gp Ann ?"
    backend = ScriptedBackend(tokenizer, f"<computation>\n{program}\n</computation>Ann's grandchild is Cy.")
    result = generate(backend, "Who is Ann's grandchild?")
    assert (result.program_kind, result.computed, result.computed_error) == ("bytelog", "gp(Ann, Cy)\n1", None)
    assert "\n<computed>gp(Ann, Cy)\n1</computed>\n" in backend.fed_text() and result.final == "Ann's grandchild is Cy."
    rejected = generate(ScriptedBackend(tokenizer, "<computation>\nREL r\nFACT s a b\n</computation>It is b."), "?")
    assert rejected.computed_error == "conversion_error" and not rejected.compiled
    assert rejected.computed == "line 2, col 6: undeclared_relation: relation 's' is not declared (add: REL s)"
