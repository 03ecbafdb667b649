"""The typed WAT grammar (worldmodel.grammar): generated from rt's exports, admits the curriculum's modules, rejects
the mistakes it is there to prevent, and masks tokens through XGrammar only inside <wat_model>."""

from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest

from worldmodel.grammar import GRAMMAR_PATH, generate_grammar, wat_grammar
from worldmodel.grammar.wat_ebnf import CLOSE_TAG
from worldmodel.rt_imports import signature_text
from worldmodel.runtime import rt_function_types, run_wat

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "models" / "checkpoints" / "lean" / "data" / "train.jsonl.gz"


@functools.lru_cache(maxsize=1)
def _matcher():
    from worldmodel.grammar import import_xgrammar

    xgrammar = import_xgrammar()

    # A one-token vocabulary: compiling for it is instant, and accept_string does not depend on the vocabulary.
    info = xgrammar.TokenizerInfo(["a"], vocab_size=1)
    compiled = xgrammar.GrammarCompiler(info, max_threads=1, cache_enabled=False).compile_grammar(wat_grammar())
    return xgrammar.GrammarMatcher(compiled, terminate_without_stop_token=True)


def accepts(text: str) -> bool:
    matcher = _matcher()
    matcher.reset()
    return matcher.accept_string(text + CLOSE_TAG) and matcher.is_terminated()


@functools.lru_cache(maxsize=256)
def _one_token_compiled(grammar: str):
    from worldmodel.grammar import import_xgrammar

    xgrammar = import_xgrammar()
    info = xgrammar.TokenizerInfo(["a"], vocab_size=1)
    return xgrammar.GrammarCompiler(info, max_threads=1, cache_enabled=False).compile_grammar(grammar)


def accepts_typed(text: str) -> bool:
    """As decoding sees it: one character at a time through the matcher that types each function's locals."""
    from worldmodel.grammar.constraint import ModuleMatcher

    matcher = ModuleMatcher(_one_token_compiled, wat_grammar(), ["a"])
    return all(matcher.accept_string(char) for char in text + CLOSE_TAG) and matcher.is_terminated()


def module(body: str, locals_: str = "") -> str:
    return f'\n(module\n  (func $main (export "main")\n    {locals_}\n    {body}))\n'


def test_committed_grammar_is_the_generated_one():
    assert GRAMMAR_PATH.read_text(encoding="utf-8") == generate_grammar(), \
        "python/worldmodel/grammar/wat.ebnf is stale: run `python -m worldmodel.grammar`"


def test_every_rt_function_with_at_most_one_result_is_importable_with_its_exact_signature():
    text = wat_grammar()
    functions = rt_function_types()
    assert len(functions) > 300
    for name, (params, results) in functions.items():
        line = f'(import \\"rt\\" \\"{name}\\" (func ${name}'
        if len(results) <= 1:
            signature = signature_text(params, results)
            assert line + (" " + signature if signature else "") + '))' in text, name
        else:
            assert line not in text, name  # multi-result helpers are left out


def curriculum_modules(limit: int) -> list[str]:
    modules = []
    with gzip.open(TRAIN, "rt", encoding="utf-8") as handle:
        for line in handle:
            for message in json.loads(line).get("messages") or []:
                content = message["content"]
                if message["role"] == "assistant" and "<wat_model>" in content:
                    modules.append(content.split("<wat_model>", 1)[1].split("</wat_model>", 1)[0])
            if len(modules) >= limit:
                return modules
    return modules


def test_the_grammar_admits_the_curriculums_modules():
    modules = curriculum_modules(4000)
    assert len(modules) > 1000
    # Every distinct shape once: numbers and names do not change what the grammar must admit.
    shapes = {}
    for text in modules:
        shapes.setdefault(re.sub(r"\d+", "1", re.sub(r"\$\w+", "$x", text)), text)
    rejected = [text for text in shapes.values() if not accepts(text)]
    assert not rejected, rejected[:3]
    assert any("$day_number" in text for text in shapes.values())
    # With each function's locals typed too (the curriculum's modules all compile, so none may be refused): a
    # deterministic fifth of the shapes and every module with a helper (each costs a few grammar compilations).
    typed = [text for i, text in enumerate(shapes.values()) if i % 5 == 0 or "$day_number" in text]
    rejected = [text for text in typed if not accepts_typed(text)]
    assert len(typed) > 100 and not rejected, rejected[:3]


@pytest.mark.parametrize("text", [
    module("(call $print_i64 (i64.const 6.5))"),                                 # float literal where i64 belongs
    module("(call $print_i64 (f64.const 6.5))"),                                 # f64 where i64 belongs
    module("(call $print_f64 (call $int_mul (i64.const 2) (i64.const 3)))"),     # i64 result where f64 belongs
    module("(call $print_i64 (call $float_mul (i64.const 2) (i64.const 3)))"),   # a name rt does not export
    module("(call $print_i64 (call $int_mul (i64.const 2)))"),                   # too few arguments
    module("(call $print_i64 (i64.const 99999999999999999999))"),                # out of 64-bit range
    module("(call $print_i64 (i64.add (i64.const 1) (i64.const 2))"),            # unbalanced
    module("(call $int_add (i64.const 1) (i64.const 2))"),                       # a value left on the stack
    '\n(module (import "rt" "print_i64" (func $print_i64 (param f64))) (func (export "main")))\n',  # wrong signature
])
def test_the_grammar_rejects_what_would_not_compile(text):
    assert not accepts(text)
    assert not run_wat(text).ok  # and the engine agrees that these are errors


@pytest.mark.parametrize("text", [
    module("(call $print_f64 (f64.mul (f64.const 2) (f64.const 1.5e3)))"),
    module("(call $print_fixed (call $float_div (f64.const 1) (f64.const 3)) (i64.const 2))"),
    module("(local.set $a (call $int_pow (i64.const 2) (i64.const 10)))\n    (call $print_i64 (local.get $a))",
           "(local $a i64)"),
    '\n(module (import "rt" "print_i64" (func $print_i64 (param i64))) (func (export "main")'
    ' (call $print_i64 (i64.const -899999999999999999))))\n',
    '\n(module (func (export "main") (result f64) (f64.sqrt (f64.const 2))))\n',
])
def test_the_grammar_admits_valid_modules_that_run(text):
    assert accepts(text)
    assert run_wat(text).ok, run_wat(text).error_message


MAIN = '\n(module\n  (func $main (export "main")\n    (local $n i64) (local $x f64)\n    '
HELPER = ('\n(module\n  (func $day_number (param $year i64) (param $month i64) (param $day i64) (result i64)\n'
          '    (local $t f64)\n    (local.get $day))\n  (func $main (export "main")\n    (local $k i64)\n    ')


DECLARED = ("declaring", MAIN.index("(local $x f64)") + 14, (("$n", "i64"), ("$x", "f64")), None, "main_first")
IMPORTS = '\n(module (import "rt" "print_i64" (func $print_i64 (param i64))) (import "rt" "memory" (memory 1))'


@pytest.mark.parametrize("text, expected", [
    (MAIN[:MAIN.index("(local $n")], None),                     # no local declared yet
    (MAIN[:-5], DECLARED),                                      # declaring: more locals may follow
    (MAIN + "(loc", DECLARED),                                  # "(loc" may still become a declaration
    (MAIN + "(local.set", DECLARED),                            # the head may still grow
    (MAIN + "(local.set ", ("body", DECLARED[1], *DECLARED[2:])),
    (HELPER[:HELPER.index("(local.get")] + "(drop ",
     ("body", HELPER.index("(local $t f64)") + 14, (("$year", "i64"), ("$month", "i64"), ("$day", "i64"), ("$t", "f64")), "i64",
      "helper_first")),
    (HELPER[:HELPER.index("  (func $main")], None),             # between the functions
    (HELPER + "(call ", ("body", HELPER.index("(local $k i64)") + 14, (("$k", "i64"),), None, "last")),
    (IMPORTS + ' (func (export "main") (result f64) (f64.sqrt ', ("body", len(IMPORTS + ' (func (export "main") (result f64)'), (), "f64", "main_first")),
    (IMPORTS + " (imp", ("imports", len(IMPORTS), (), None, "", ("print_i64", "memory"))),
    (IMPORTS[:IMPORTS.index(" (import")], None),                # nothing imported yet
])
def test_the_scope_is_where_the_module_being_written_stands(text, expected):
    from worldmodel.grammar.scope import Scope, module_scope

    assert module_scope(text) == (Scope(*expected) if expected else None)


@pytest.mark.parametrize("body, admitted", [
    ("(call $print_i64 (local.get $n))", True),
    ("(call $print_f64 (local.get $x))", True),
    ("(call $print_i64 (local.get $x))", False),                 # an f64 local where an i64 belongs
    ("(local.set $x (i64.const 2))", False),                      # an i64 value into an f64 local
    ("(local.set $total (i64.const 2))", False),                  # never declared
    ("(call $print_f64 (local.tee $x (f64.const 2)))", True),
])
def test_the_grammar_types_each_functions_locals_while_decoding(body, admitted):
    text = MAIN + body + "))\n"
    assert accepts(text)  # the context-free grammar alone cannot tell
    assert accepts_typed(text) is admitted
    assert run_wat(text).ok is admitted  # and the engine agrees


@pytest.mark.parametrize("declarations, admitted", [
    ("(local $g f64) (local $g i64)", False),                   # the same name twice
    ("(local $g f64) (local $gx i64)", True),                   # a longer name sharing its start
    ("(local $ab i64) (local $a f64)", True),                   # a shorter one
    ("(local $a i64) (local $b i64) (local $a f64)", False),
])
def test_a_declaration_cannot_reuse_a_name(declarations, admitted):
    text = MAIN.replace("(local $n i64) (local $x f64)", declarations) + "(nop)))\n"
    assert accepts(text)  # the context-free grammar alone cannot tell
    assert accepts_typed(text) is admitted
    assert run_wat(text).ok is admitted


@pytest.mark.parametrize("body, admitted", [
    ("(block $done (loop $next (br_if $done (i32.const 1)) (br $next)))", True),
    ("(block $done (loop $next (br_if $br_if (i32.const 1))))", False),      # a label nothing declared
    ("(loop $next (nop)) (br $next)", False),                                 # its loop has closed
    ("(drop (block $b (result i64) (br $b) (i64.const 1)))", False),          # a block with a result needs a value
    ("(block $do (br $done))", False),                                        # a longer name than any declared
    ("(block $done (br $do))", False),                                        # a shorter one
    ("(br_if $x (i32.const 0))", False),                                      # no label at all: no branch can begin
])
def test_a_branch_names_only_a_label_of_an_enclosing_block(body, admitted):
    text = MAIN + body + "))\n"
    assert accepts(text)  # the context-free grammar alone cannot tell
    assert accepts_typed(text) is admitted
    assert run_wat(text).ok is admitted


def test_a_helpers_parameters_keep_their_names():
    assert not accepts_typed(HELPER.replace("(param $month i64)", "(param $year i64)") + "(nop)))\n")
    assert accepts_typed(HELPER + "(nop)))\n")


@pytest.mark.parametrize("imports, admitted", [
    (("print_i64", "int_add"), True),
    (("print_i64", "int_add", "print_i64"), False),             # the same function twice
    (("memory", "print_i64", "memory"), False),                 # (wasmtime's multi-memory takes it; one is enough)
])
def test_an_import_cannot_be_repeated(imports, admitted):
    from worldmodel.runtime import rt_signatures

    signatures = rt_signatures()
    lines = ['(import "rt" "memory" (memory 1))' if name == "memory" else
             f'(import "rt" "{name}" (func ${name} {signatures[name]}))' for name in imports]
    text = "\n(module\n  " + "\n  ".join(lines) + '\n  (func $main (export "main")\n    (nop)))\n'
    assert accepts(text)  # the context-free grammar alone cannot tell
    assert accepts_typed(text) is admitted
    assert run_wat(text).ok is (admitted or imports.count("memory") > 1)


def test_fresh_names_are_exactly_the_identifiers_not_taken():
    from worldmodel.grammar.scope import fresh_name_rules

    taken = ["g", "gx", "a_b", "total"]
    grammar = 'root ::= fresh_0\n' + "\n".join(fresh_name_rules(taken)) + "\nfresh_tail ::= [a-zA-Z0-9_.]{0,40}\n"
    compiled = _one_token_compiled(grammar)
    from worldmodel.grammar import import_xgrammar

    xgrammar = import_xgrammar()
    for name in [*taken, "a", "a_", "a_bc", "gy", "gxx", "tota", "totals", "Total", "_", "x1.5"]:
        matcher = xgrammar.GrammarMatcher(compiled, terminate_without_stop_token=True)
        assert (matcher.accept_string(name) and matcher.is_terminated()) is (name not in taken), name


def test_a_type_without_locals_offers_no_use_of_one():
    """Otherwise `(local.get ` could be written where no local can follow: decoding would be stuck."""
    from worldmodel.grammar.constraint import ModuleMatcher

    def at_an_f64_argument(declarations: str):
        matcher = ModuleMatcher(_one_token_compiled, wat_grammar(), ["a"])
        prefix = MAIN.replace("(local $n i64) (local $x f64)", declarations) + "(call $print_f64 "
        assert all(matcher.accept_string(char) for char in prefix) and matcher.scope.phase == "body"
        return matcher

    assert at_an_f64_argument("(local $n i64) (local $x f64)").accept_string("(l")
    assert not at_an_f64_argument("(local $n i64)").accept_string("(l")  # no f64 local: no local.get/tee of one
    assert at_an_f64_argument("(local $n i64)").accept_string("(f64.convert_i64_s (local.get $n))")


def test_a_helpers_locals_are_not_mains():
    tail = '(call $print_i64 (call $day_number (local.get $k) (i64.const 1) (i64.const 2)))))\n'
    assert accepts_typed(HELPER + tail)
    assert not accepts_typed(HELPER + tail.replace("$k", "$day"))  # $day is the helper's
    assert not accepts_typed(HELPER.replace("(local.get $day)", "(local.get $t)") + tail)  # $t is f64, the result i64


def test_the_constraint_masks_only_inside_the_program_block(tokenizer):
    from worldmodel.grammar.constraint import ProgramConstraint

    vocab_size = tokenizer.get_vocab_size()
    constraint = ProgramConstraint(tokenizer, vocab_size, {0}, jump_forward=True)
    logits = np.zeros(vocab_size, dtype=np.float32)
    assert np.isfinite(constraint.mask(logits)).all()  # before <wat_model>: untouched
    constraint.observe("<think>Add.</think>\n<wat_model>\n(mod", token=None, program_done=False)
    assert constraint.active
    masked = constraint.mask(logits)
    allowed = [tokenizer.decode([int(i)]) for i in np.flatnonzero(np.isfinite(masked))]
    assert allowed and all("module".startswith("mod" + t) or ("mod" + t).startswith("module") for t in allowed), allowed
    assert constraint.matcher.find_jump_forward_string().startswith("ule")  # "(mod" can only go on as "(module"
    assert constraint.mask_seconds


def test_jump_forward_leaves_the_forced_texts_last_token_to_the_model(tokenizer):
    """A forced ")" appended whole was followed by the model's habitual "))": one form closed too many (measured on
    the published adapter: the 20th Fibonacci number ended main after its first statement)."""
    from worldmodel.grammar.constraint import ProgramConstraint

    constraint = ProgramConstraint(tokenizer, tokenizer.get_vocab_size(), {0}, jump_forward=True)
    constraint.observe('<think>Add.</think>\n<wat_model>\n(module\n  (import "rt" "int_add"', token=None, program_done=False)
    forced = constraint.matcher.find_jump_forward_string()
    assert forced.startswith(" (func $int_add (param i64 i64) (result i64))"), forced  # rt's exact signature
    whole = tokenizer.encode(forced, add_special_tokens=False).ids
    assert len(whole) > 3 and constraint.jump_forward(100) == whole[:-1]
    masked = constraint.mask(np.zeros(tokenizer.get_vocab_size(), dtype=np.float32))
    assert np.isfinite(masked[whole[-1]])  # the model may still write the last token itself


def test_unmasked_guidance_jumps_as_the_mask_does_without_compiling_the_vocabulary(tokenizer):
    from worldmodel.grammar.constraint import ProgramConstraint

    prefix = '<think>Add.</think>\n<wat_model>\n(module\n  (import "rt" "int_add"'
    jumps = []
    for masking in (True, False):
        constraint = ProgramConstraint(tokenizer, tokenizer.get_vocab_size(), {0}, jump_forward=True, masking=masking)
        constraint.observe(prefix, token=None, program_done=False)
        assert constraint.matcher.by_text is not masking  # unmasked: compiled for a one-token vocabulary
        jumps.append(constraint.jump_forward(100))
        logits = np.zeros(tokenizer.get_vocab_size(), dtype=np.float32)
        assert np.isfinite(constraint.mask(logits)).all() is not masking  # unmasked: nothing is masked
    assert jumps[0] == jumps[1] and len(jumps[0]) > 3
    guided = ProgramConstraint(tokenizer, tokenizer.get_vocab_size(), {0}, jump_forward=True, masking=False)
    guided.observe(prefix, token=None, program_done=False)
    closing = tokenizer.encode(")", add_special_tokens=False).ids
    assert len(closing) == 1
    guided.observe(prefix + ")", token=closing[0], program_done=False)  # an import without its signature
    assert guided.matcher is None and guided.failed and guided.jump_forward(100) == []


@pytest.fixture(scope="module")
def tokenizer():
    from worldmodel.model import load_tokenizer

    return load_tokenizer(None).backend_tokenizer


def test_a_module_that_traps_after_the_grammar_is_loaded_is_still_a_trap_not_a_crash():
    """xgrammar's FFI library installs a SIGSEGV handler at import that exits the process; wasmtime traps an
    out-of-bounds access through that signal. In a fresh process: trap, import through import_xgrammar, trap again."""
    import subprocess
    import sys

    script = (
        "from worldmodel.runtime import run_wat\n"
        "from worldmodel.grammar import import_xgrammar\n"
        "oob = '(module (memory 1) (func (export \"main\") (result i32) (i32.load (i32.const 65535))))'\n"
        "print(run_wat(oob).error_kind)\n"
        "import_xgrammar().TokenizerInfo(['a'], vocab_size=1)\n"
        "print(run_wat(oob).error_kind)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["trap", "trap"]
