"""The TissLang engine: state, tools, halting with a failure report, TRY/CATCH, approvals, budgets, dry run."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.tiss_helpers import FakeAgent, run_script
from worldmodel.tiss import ExecutionEngine, ToolRegistry, parse
from worldmodel.tiss.agent import AgentAnswer
from worldmodel.tiss.approval import Deny
from worldmodel.tiss.sandbox import CommandPolicy
from worldmodel.tiss.tools import Context, EngineConfig, Tool

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "tiss"

WRITE_RUN_ASSERT = '''\
TASK "python end to end" {
  VAR n = 12
  STEP "write" {
    WRITE "calc.py" <<EOF
      total = 0
      for i in range({{n}} + 1):
          total += i

      print("sum", total)
    EOF
  }
  STEP "run" {
    RUN "python3 calc.py"
    ASSERT LAST_RUN.STDOUT == "sum 78"
    ASSERT LAST_RUN.EXIT_CODE == 0 AND LAST_RUN.STDERR IS_EMPTY
  }
}
'''


def test_a_script_writes_a_python_file_runs_it_and_asserts_on_stdout(tmp_path):
    # --yes approves python3; without bubblewrap on the machine the test opts into running it unconfined.
    state = run_script(WRITE_RUN_ASSERT, tmp_path, approve=True, unsandboxed=True)
    assert state.failure is None and not state.halted
    assert (tmp_path / "calc.py").read_text().startswith("total = 0\nfor i in range(12 + 1):\n    total += i\n\n")
    assert state.last_run.stdout == "sum 78\n" and state.last_run.exit_code == 0
    assert state.last_run.duration > 0
    assert [e.command for e in state.log if e.status == "ok"] == [
        "TASK", "VAR", "STEP", "WRITE", "STEP", "RUN", "ASSERT", "ASSERT"]


def test_a_failed_assert_halts_with_a_report_naming_statement_step_and_values(tmp_path):
    state = run_script('STEP "a" {\n  STEP "b" {\n    RUN "echo 41"\n    ASSERT LAST_RUN.STDOUT == 42\n'
                       '    LOG "never"\n  }\n}\nLOG "never either"\n', tmp_path)
    assert state.halted and state.failure.kind == "assertion_failed"
    assert (state.failure.line, state.failure.column) == (4, 5)
    assert state.failure.step == "a > b"
    assert "LAST_RUN.STDOUT = '41\\n'" in state.failure.message
    assert not any(e.command == "LOG" for e in state.log)
    assert state.log[-1].status == "failed" and state.log[-1].error["kind"] == "assertion_failed"
    report = state.report()
    assert report["ok"] is False and report["failure"]["step"] == "a > b"


def test_a_command_error_halts_and_try_catch_recovers_with_the_error_in_variables(tmp_path):
    halted = run_script('RUN "ls missing-file"\nLOG "after"', tmp_path)
    assert halted.failure.kind == "exit_status" and "status 2" in halted.failure.message
    caught = run_script('TRY {\n  STEP "inner" { RUN "ls missing-file" }\n} CATCH {\n'
                        '  ASSERT LAST_ERROR.kind == "exit_status"\n  ASSERT LAST_RUN.EXIT_CODE == 2\n}\n'
                        'RUN "echo after"\nASSERT LAST_RUN.STDOUT == "after"\n', tmp_path)
    assert caught.failure is None, caught.failure
    assert [e.status for e in caught.log if e.command == "TRY"] == ["caught"]
    assert caught.steps == []


def test_a_failure_inside_catch_halts(tmp_path):
    state = run_script('TRY { RUN "false" } CATCH { ASSERT 1 == 2 }', tmp_path)
    assert state.failure.kind == "assertion_failed"


def test_if_else_takes_the_right_branch_and_comparisons_are_numeric_when_both_sides_are_numbers(tmp_path):
    state = run_script('VAR x = "10"\nIF x <= 9 THEN { VAR r = "le" } ELSE { VAR r = "gt" }\n'
                       'ASSERT r == "gt"\nASSERT x == 10.0\nASSERT x != "10.5"\n', tmp_path)
    assert state.failure is None, state.failure
    ordering_text = run_script('VAR x = "abc"\nASSERT x < 3', tmp_path)
    assert ordering_text.failure.kind == "type_error"


def test_undefined_variables_and_last_run_before_any_run_are_named_errors(tmp_path):
    assert run_script('LOG "{{nope}}"', tmp_path).failure.kind == "undefined_variable"
    assert run_script("ASSERT nope == 1", tmp_path).failure.kind == "undefined_variable"
    assert run_script("ASSERT LAST_RUN.EXIT_CODE == 0", tmp_path).failure.kind == "no_last_run"


def test_set_budget_lowers_limits_and_caps_requests_above_the_engine_ceiling(tmp_path):
    state = run_script("SET_BUDGET timeout = 1\nRUN \"sleep 5\"", tmp_path)
    assert state.failure.kind == "timeout" and state.last_run.duration < 4
    raised = run_script("SET_BUDGET timeout = 999\n", tmp_path, timeout_s=2.0)
    assert raised.budgets.timeout == 2.0 and "capped" in raised.log[-1].detail
    assert run_script("SET_BUDGET speed = 3", tmp_path).failure.kind == "unknown_budget"


def test_programs_off_the_allow_list_need_approval(tmp_path):
    refused = run_script('RUN "python3 -c \'print(1)\'"', tmp_path)
    assert refused.failure.kind == "command_not_allowed" and "--yes" in refused.failure.message
    approved = run_script('RUN "python3 -c \'print(1)\'"', tmp_path, approve=True, unsandboxed=True)
    assert approved.failure is None and approved.approved == {"python3"}


class ScriptedApprover(Deny):
    def __init__(self, answers):
        self.answers = list(answers)
        self.questions = []

    def approve(self, question):
        self.questions.append(question)
        return self.answers.pop(0)


def _engine(approver, **policy):
    config = EngineConfig(policy=CommandPolicy(allow_unsandboxed=True, **policy))
    return ExecutionEngine(Context(config, approver, agent=FakeAgent()))


def test_request_review_approves_the_programs_the_script_names_or_halts(tmp_path):
    script = parse('REQUEST_REVIEW "runs python"\nRUN "python3 -c \'print(2)\'"\nASSERT LAST_RUN.STDOUT == 2')
    yes = ScriptedApprover([True])
    assert _engine(yes).run(script, tmp_path).failure is None
    assert "runs python" in yes.questions[0] and "python3" in yes.questions[0] and len(yes.questions) == 1
    no = ScriptedApprover([False])
    state = _engine(no).run(script, tmp_path)
    assert state.failure.kind == "review_declined" and state.last_run is None


def test_prompt_agent_fills_the_answer_and_its_computed_value(tmp_path):
    agent = FakeAgent({"What is 6 times 7?": AgentAnswer("6 × 7 = 42.", "42")})
    state = run_script('VAR a = 6\nSET_BUDGET tokens = 300\nPROMPT_AGENT "What is {{a}} times 7?" INTO answer\n'
                       'ASSERT answer.computed == 42\nASSERT answer CONTAINS "42"\nPROMPT_AGENT "What is 6 times 7?"\n'
                       'ASSERT AGENT.computed == 42', tmp_path, agent=agent)
    assert state.failure is None, state.failure
    assert agent.asked == [("What is 6 times 7?", 300)] * 2
    failing = FakeAgent({"q": AgentAnswer("I could not compute", None, "trap")})
    state = run_script('PROMPT_AGENT "q" INTO a\nASSERT a.computed == 1', tmp_path, agent=failing)
    assert state.failure.kind == "assertion_failed" and state.variables["a.error"] == "trap"


def test_the_tool_registry_maps_command_types_to_tools_and_can_be_extended(tmp_path):
    class Shout(Tool):
        def execute(self, state, args):
            state.variables["shouted"] = args.message.upper()
            return "shouted"

    context = Context(EngineConfig(), Deny(), agent=FakeAgent())
    registry = ToolRegistry.default(context)
    assert all(k in registry for k in ("RUN", "WRITE", "READ", "ASSERT", "PROMPT_AGENT", "SET_BUDGET"))
    registry.register("LOG", Shout(context))
    state = ExecutionEngine(context, registry).run(parse('LOG "quiet"'), tmp_path)
    assert state.variables["shouted"] == "QUIET"


def test_dry_run_prints_every_action_with_variables_filled_in_and_does_no_io(tmp_path):
    agent = FakeAgent()
    engine = ExecutionEngine(Context(EngineConfig(), Deny(), agent=agent))
    lines, state = engine.dry_run(parse(WRITE_RUN_ASSERT + 'PROMPT_AGENT "twice {{n}}?" INTO a\nLOG "{{a.computed}}"\n'
                                        'IF n > 3 THEN { RUN "echo big" } ELSE { RUN "echo small" }\n'
                                        'TRY { RUN "false" } CATCH { LOG "{{LAST_ERROR.kind}}" }\n'), tmp_path)
    text = "\n".join(lines)
    assert list(tmp_path.iterdir()) == [] and agent.asked == [] and state.last_run is None
    assert "would write" in text and "range(12 + 1)" in text
    assert "would run python3 calc.py" in text and "needs approval" in text
    assert "would ask the model 'twice 12?' into a" in text
    assert "echo big" in text and "echo small" in text and "ELSE:" in text
    assert "<LAST_ERROR.kind: known at run time>" in text
    assert "would check LAST_RUN.STDOUT == \"sum 78\"" in text


def test_commands_get_a_scrubbed_environment_and_the_project_root_as_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("TISS_LEAK", "leaked")
    state = run_script('RUN "pwd"\nASSERT LAST_RUN.STDOUT == "{{root}}"'.replace("{{root}}", str(tmp_path.resolve())),
                       tmp_path)
    assert state.failure is None, state.failure
    env = run_script("RUN \"python3 -c 'import os; print(sorted(os.environ))'\"", tmp_path, approve=True,
                     unsandboxed=True)
    assert "TISS_LEAK" not in env.last_run.stdout and "'PATH'" in env.last_run.stdout


@pytest.mark.parametrize("example", ["every_form.tiss", "hello_python.tiss"])
def test_the_example_scripts_run(example, tmp_path):
    shutil.copy(EXAMPLES / example, tmp_path / example)
    state = run_script((tmp_path / example).read_text(), tmp_path, approve=True, unsandboxed=True)
    assert state.failure is None, state.failure
    assert sum(e.command == "ASSERT" and e.status == "ok" for e in state.log) >= 7


def test_the_model_example_parses_and_asks_the_question(tmp_path):
    agent = FakeAgent({"What is 17 times 23?": AgentAnswer("17 × 23 = 391.", "391")})
    state = run_script((EXAMPLES / "ask_model.tiss").read_text(), tmp_path, agent=agent)
    assert state.failure is None and agent.asked == [("What is 17 times 23?", 400)]


def test_at_a_terminal_the_person_is_asked_and_pause_waits_for_enter(tmp_path):
    from worldmodel.tiss.approval import Interactive

    script = parse('PAUSE "look at out/"\nRUN "python3 -c \'print(3)\'"\nRUN "python3 -c \'print(4)\'"')
    answers, prompts = io.StringIO("\ny\n"), io.StringIO()
    state = _engine(Interactive(answers, prompts)).run(script, tmp_path)
    assert state.failure is None and state.last_run.stdout == "4\n"
    asked = prompts.getvalue()
    assert "look at out/ (press Enter to continue)" in asked
    assert asked.count("[y/N]") == 1 and "python3 is not on the allow-list" in asked  # approved once per run
    declined = _engine(Interactive(io.StringIO("\nn\n"), io.StringIO())).run(script, tmp_path)
    assert declined.failure.kind == "command_not_allowed"
