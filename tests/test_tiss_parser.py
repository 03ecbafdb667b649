"""TissLang grammar: every documented form parses, the reference parser's failures parse here, and errors name
the line, the column and what was expected."""

from __future__ import annotations

import pytest

from worldmodel.tiss import nodes as n
from worldmodel.tiss import parse
from worldmodel.tiss.errors import TissSyntaxError

EVERY_FORM = '''\
@version 2   # a directive with a trailing comment
# a full-line comment
TASK "all forms" {
  SETUP "prepare" { VAR x = 5 }
  STEP "outer" {
    STEP "inner" {
      RUN "echo {{x}}"   # trailing comment
      WRITE "out/a.py" <<EOF
        print(1)

        print(2)
      EOF
      READ "out/a.py" AS src
      ASSERT LAST_RUN.STDOUT CONTAINS "5"
    }
  }
  VAR y = "text"
  SET_BUDGET timeout = 5
  LOG "x is {{x}}"
  IF x <= 5 THEN {
    LOG "small"
  } ELSE {
    LOG "big"
  }
  TRY { RUN "false" } CATCH { LOG "caught" }
  PROMPT_AGENT "What is 17 times 23?" INTO answer
  PROMPT_AGENT "And 2 plus 2?"
  REQUEST_REVIEW "ok to go on?"
  PAUSE "look at out/"
  ASSERT answer.computed == 391
}
'''


def kinds(body):
    return [type(node).__name__ for node in n.walk(body)]


def test_every_documented_form_parses_into_its_node():
    script = parse(EVERY_FORM)
    assert script.directives == {"version": "2"}
    assert kinds(script.body) == [
        "Directive", "Task", "Setup", "Var", "Step", "Step", "Run", "Write", "Read", "Assert", "Var", "SetBudget",
        "Log", "If", "Log", "Log", "Try", "Run", "Log", "PromptAgent", "PromptAgent", "RequestReview", "Pause",
        "Assert"]
    prompts = [node for node in n.walk(script.body) if isinstance(node, n.PromptAgent)]
    assert [(p.prompt, p.into) for p in prompts] == [("What is 17 times 23?", "answer"), ("And 2 plus 2?", None)]


def test_header_task_form_and_block_task_form():
    header = parse('TASK "t"\nSTEP "s" { RUN "true" }\n')
    assert [type(x).__name__ for x in header.body] == ["Task", "Step"] and header.body[0].body == []
    block = parse('TASK "t" {\n  STEP "s" { RUN "true" }\n}\n')
    assert [type(x).__name__ for x in block.body[0].body] == ["Step"]


@pytest.mark.parametrize("source", [
    # the forms the reference's own parser rejects, written anew
    'STEP "a" {\n  STEP "b" {\n    STEP "c" {\n      RUN "true"\n    }\n  }\n}\n',  # nested STEP
    'TASK "block" {\n  RUN "true"\n}\n',  # block TASK
    'VAR x = 1\nIF x == 1 THEN {\n  LOG "a"\n} ELSE {\n  LOG "b"\n}\n',  # } ELSE { on one line
    'RUN "echo hi"  # trailing comment\nASSERT LAST_RUN.EXIT_CODE == 0 # another\n',  # trailing comments
    'WRITE "f.txt" <<EOF\n  one\n\n\n  two\nEOF\n',  # blank lines in a heredoc
    'VAR x = 3\nIF x <= 5 THEN { LOG "le" }\n',  # <= is one operator
])
def test_forms_the_reference_parser_rejects_parse_here(source):
    assert parse(source).body


def test_heredoc_is_kept_verbatim_with_blank_lines_and_dedented():
    script = parse('STEP "s" {\n  WRITE "a.py" <<PY\n    def f():\n        return 1\n\n\n    print(f())  # not a comment\n  PY\n  RUN "true"\n}\n')
    write, run = script.body[0].body
    assert write.content == "def f():\n    return 1\n\n\nprint(f())  # not a comment\n"
    assert write.interpolate is True
    assert run.line == 9  # positions after a heredoc stay true


def test_quoted_heredoc_delimiter_turns_interpolation_off():
    write = parse("WRITE \"a\" <<'EOF'\n{{x}}\nEOF\n").body[0]
    assert write.content == "{{x}}\n" and write.interpolate is False


def test_less_or_equal_is_one_operator_and_all_comparisons_parse():
    for op in ("==", "!=", "<", "<=", ">", ">="):
        condition = parse(f"ASSERT LAST_RUN.EXIT_CODE {op} 0").body[0].condition
        assert isinstance(condition, n.Compare) and condition.op == op
    tight = parse("IF x<=5 THEN { }").body[0].condition
    assert tight.op == "<=" and tight.right.value == 5


def test_assertion_forms():
    def condition(text):
        return parse(f"ASSERT {text}").body[0].condition

    assert isinstance(condition('LAST_RUN.STDOUT CONTAINS "a"'), n.Contains)
    assert condition('LAST_RUN.STDERR NOT CONTAINS "a"').negated is True
    assert isinstance(condition("LAST_RUN.STDERR IS_EMPTY"), n.IsEmpty)
    assert condition('FILE "x" EXISTS').path == "x"
    assert condition('FILE "x" NOT EXISTS').negated is True
    both = condition('LAST_RUN.EXECUTION_TIME < 2.5 AND (x == 1 OR NOT y != "b")')
    assert isinstance(both, n.Logical) and both.left.right.value == 2.5
    assert condition("answer.computed == 391").left.name == "answer.computed"


@pytest.mark.parametrize("keyword", ["PARALLEL", "CHOOSE", "ESTIMATE_COST"])
def test_unsupported_forms_are_rejected_naming_the_line(keyword):
    source = f'STEP "s" {{\n  RUN "true"\n  {keyword} {{\n    RUN "true"\n  }}\n}}\n'
    with pytest.raises(TissSyntaxError) as caught:
        parse(source)
    assert caught.value.kind == "not_supported" and (caught.value.line, caught.value.column) == (3, 3)
    assert keyword.split("_")[0] in caught.value.message and "not supported" in caught.value.message


@pytest.mark.parametrize("source, kind, line, column, expected", [
    ('STEP "a" {\n  RUN "x"\n', "unclosed_block", 1, 10, ['"}"']),
    ('RUN "a"\nFROB "x"\n', "unknown_command", 2, 1, ["a statement"]),
    ("RUN x", "syntax_error", 1, 5, ['a "string"']),
    ('READ "a" INTO b', "syntax_error", 1, 10, ["AS"]),
    ("VAR = 3", "syntax_error", 1, 5, ["a name"]),
    ('WRITE "a" <<EOF\nnever closed\n', "unclosed_heredoc", 1, 11, ["EOF"]),
    ("IF x < = 5 THEN { }", "syntax_error", 1, 8, ["a number"]),
    ("ASSERT LAST_RUN.OUTPUT == 1", "syntax_error", 1, 8, ["LAST_RUN.STDOUT"]),
])
def test_errors_name_line_column_and_what_was_expected(source, kind, line, column, expected):
    with pytest.raises(TissSyntaxError) as caught:
        parse(source)
    error = caught.value
    assert (error.kind, error.line, error.column) == (kind, line, column), str(error)
    for item in expected:
        assert item in error.expected, error.expected
    assert f"line {line}, column {column}" in str(error)


def test_strings_take_escapes_and_single_quotes():
    log, run = parse('LOG "say \\"hi\\"\\tnow"\nRUN \'echo "x"\'').body
    assert log.message == 'say "hi"\tnow' and run.command == 'echo "x"'


def test_a_hash_inside_a_string_is_not_a_comment():
    assert parse('LOG "issue #19" # comment').body[0].message == "issue #19"
