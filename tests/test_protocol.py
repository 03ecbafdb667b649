from worldmodel.protocol import (
    assistant_turn, computed_block, numbers_in, parse_answer, unsupported_numbers,
)
from worldmodel.runtime import RunResult, run_wat

WAT = '(module (func (export "main") (result i64) (i64.mul (i64.const 17) (i64.const 23))))'


def test_round_trip_of_canonical_turn():
    result = run_wat(WAT)
    turn = assistant_turn("Multiply 17 by 23.", WAT, computed_block(result), "17 × 23 = 391.")
    answer = parse_answer(turn)
    assert answer.think == "Multiply 17 by 23."
    assert answer.wat == WAT
    assert answer.computed == "391" and answer.computed_error is None
    assert answer.final == "17 × 23 = 391."
    assert answer.blocks == ["think", "wat", "computed"]


def test_error_form():
    result = RunResult(ok=False, error_kind="ZeroDivisionError", error_message="division by zero")
    block = computed_block(result)
    assert block == '<computed error="ZeroDivisionError">division by zero</computed>'
    answer = parse_answer(f"<wat_model>(module)</wat_model>\n{block}\nI could not compute it.")
    assert answer.computed_error == "ZeroDivisionError"
    assert answer.computed == "division by zero"
    assert answer.final == "I could not compute it."


def test_multiline_error_messages_are_flattened():
    result = RunResult(ok=False, error_kind="trap", error_message="line one\n  line two")
    assert computed_block(result) == '<computed error="trap">line one line two</computed>'


def test_plain_chat_turn_has_only_final():
    answer = parse_answer("Hello! How can I help?")
    assert answer.final == "Hello! How can I help?" and answer.wat is None and answer.blocks == []


def test_bytelog_block_is_the_program():
    answer = parse_answer("<computation>x :- y.</computation><computed>true</computed> Yes.")
    assert answer.program == "x :- y." and answer.final == "Yes."


def test_numbers_in_handles_grouping_signs_and_exponents():
    assert numbers_in("Pay $1,234.50 or -3 units, 2.5e-3 kg, 45%") == [1234.5, -3.0, 0.0025, 45.0]


def test_unsupported_numbers_flags_invented_values():
    assert unsupported_numbers("The total is 391.", "391", "What is 17 times 23?") == []
    assert unsupported_numbers("The total is 392.", "391", "What is 17 times 23?") == [392.0]
    assert unsupported_numbers("That is 17 times 23.", None, "What is 17 times 23?") == []
