"""The ToolRegistry: one tool per action statement, each with `execute(state, args)` and a dry-run `describe`.

`args` is the statement's node (nodes.py). Tools raise TissError subclasses; the engine adds the position,
logs the outcome and halts (or hands the error to CATCH).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import TextIO

from worldmodel.tiss import nodes as n
from worldmodel.tiss.agent import WorldModelAgent
from worldmodel.tiss.approval import Approver, Deny
from worldmodel.tiss.errors import AssertionFailed, CommandError, SecurityError, TissError
from worldmodel.tiss.expressions import describe_operands, evaluate, operand_value
from worldmodel.tiss.interpolate import command_argv, interpolate
from worldmodel.tiss.paths import read_text, write_text
from worldmodel.tiss.sandbox import CommandPolicy, bubblewrap, run_argv, sandbox_status
from worldmodel.tiss.state import Budgets, LastRun, State

DRY_UNKNOWN = "<{name}: known at run time>"
DEFAULT_AGENT_VARIABLE = "AGENT"


def _generation_default(name: str):
    from worldmodel.generate import GenerationConfig  # the generation loop's own default, not a copy

    return getattr(GenerationConfig(), name)


@dataclass
class EngineConfig:
    policy: CommandPolicy = field(default_factory=CommandPolicy)
    read_limit: int = 1024 * 1024
    write_limit: int = 1024 * 1024
    agent_tokens: int = field(default_factory=lambda: _generation_default("max_new_tokens"))

    def budgets(self) -> Budgets:
        return Budgets(timeout=self.policy.timeout_s, output=self.policy.output_limit, tokens=self.agent_tokens)


@dataclass
class Context:
    """What tools share: the configuration, who approves, the agent, where messages go."""

    config: EngineConfig
    approver: Approver = field(default_factory=Deny)
    agent: object = field(default_factory=WorldModelAgent)
    out: TextIO | None = None
    unlisted_programs: list[str] = field(default_factory=list)  # for REQUEST_REVIEW's question

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()

    def sandboxed(self) -> bool:
        return self.config.policy.sandbox != "none" and bubblewrap() is not None


class Tool:
    def __init__(self, context: Context):
        self.context = context

    def execute(self, state: State, args) -> str:
        """Do the action; return a one-line detail for the log."""
        raise NotImplementedError

    def describe(self, state: State, args) -> str:
        """What `execute` would do, variables filled in, without any I/O (the dry run)."""
        raise NotImplementedError


class RunTool(Tool):
    def execute(self, state, args: n.Run) -> str:
        if state.commands_run >= state.budgets.commands:
            raise CommandError(f"the command budget ({state.budgets.commands} RUNs) is spent", kind="budget_spent")
        argv = command_argv(args.command, state.variables)
        policy = self.context.config.policy
        program = argv[0]
        listed = program in policy.allow and "/" not in program
        if not listed and program not in state.approved:
            question = (f"RUN {shlex.join(argv)}: {program} is not on the allow-list. Allow {program} for this run? "
                        f"(sandbox: {sandbox_status(policy)})")
            if not self.context.approver.approve(question):
                raise SecurityError(f"{program} is not on the allow-list ({', '.join(sorted(policy.allow))}); "
                                    "approve it with REQUEST_REVIEW at a terminal or run with --yes",
                                    kind="command_not_allowed")
            state.approved.add(program)
        sandboxed = self.context.sandboxed()
        if not listed and not sandboxed and not policy.allow_unsandboxed:
            raise SecurityError(f"{program} is approved but no process sandbox is available "
                                f"({sandbox_status(policy)}); install bubblewrap, or pass --no-sandbox to run it "
                                "unconfined", kind="sandbox_unavailable")
        state.commands_run += 1
        outcome = run_argv(argv, state.root, policy, state.budgets.timeout, state.budgets.output, sandboxed)
        state.last_run = LastRun(args.command, argv, outcome.stdout, outcome.stderr, outcome.exit_code,
                                 outcome.duration, outcome.error_kind, outcome.sandboxed)
        shown = shlex.join(argv)
        if outcome.error_kind == "timeout":
            raise CommandError(f"{shown} ran past its {state.budgets.timeout:g} s timeout and was killed",
                               kind="timeout")
        if outcome.error_kind == "output_limit":
            raise CommandError(f"{shown} wrote more than {state.budgets.output} bytes to one stream and was killed",
                               kind="output_limit")
        if outcome.error_kind:
            raise CommandError(outcome.stderr, kind=outcome.error_kind)
        if outcome.exit_code != 0:
            tail = outcome.stderr.strip().splitlines()[-3:]
            raise CommandError(f"{shown} exited with status {outcome.exit_code}"
                               + (": " + " | ".join(tail) if tail else ""), kind="exit_status")
        return f"{shown} → exit 0 in {outcome.duration:.2f} s" + ("" if outcome.sandboxed else " (not sandboxed)")

    def describe(self, state, args: n.Run) -> str:
        argv = command_argv(args.command, state.variables, DRY_UNKNOWN)
        policy = self.context.config.policy
        if argv[0] in policy.allow and "/" not in argv[0]:
            note = "allowed"
        else:
            note = f"needs approval: {argv[0]} is not on the allow-list"
        where = "sandboxed" if self.context.sandboxed() else "NOT sandboxed"
        return f"would run {shlex.join(argv)} in {state.root} ({note}; {where}; timeout {state.budgets.timeout:g} s)"


class WriteTool(Tool):
    def _content(self, state, args: n.Write, unknown=None) -> str:
        return interpolate(args.content, state.variables, unknown) if args.interpolate else args.content

    def execute(self, state, args: n.Write) -> str:
        content = self._content(state, args)
        path = write_text(state.root, interpolate(args.path, state.variables), content,
                          self.context.config.write_limit)
        return f"wrote {len(content.encode())} bytes to {path}"

    def describe(self, state, args: n.Write) -> str:
        content = self._content(state, args, DRY_UNKNOWN)
        path = interpolate(args.path, state.variables, DRY_UNKNOWN)
        shown = "\n".join("    | " + line for line in content.rstrip("\n").split("\n"))
        return f"would write {len(content.encode())} bytes to {path}:\n{shown}"


class ReadTool(Tool):
    def execute(self, state, args: n.Read) -> str:
        text = read_text(state.root, interpolate(args.path, state.variables), self.context.config.read_limit)
        state.variables[args.name] = text
        return f"read {len(text)} characters from {args.path} into {args.name}"

    def describe(self, state, args: n.Read) -> str:
        path = interpolate(args.path, state.variables, DRY_UNKNOWN)
        state.variables[args.name] = f"<contents of {path}>"
        return f"would read {path} into {args.name}"


class AssertTool(Tool):
    def execute(self, state, args: n.Assert) -> str:
        if not evaluate(args.condition, state):
            seen = describe_operands(args.condition, state)
            raise AssertionFailed(f"ASSERT {args.source} failed" + (f" ({seen})" if seen else ""))
        return f"{args.source}: true"

    def describe(self, state, args: n.Assert) -> str:
        return f"would check {args.source}"


class VarTool(Tool):
    def execute(self, state, args: n.Var) -> str:
        state.variables[args.name] = operand_value(args.value, state)
        return f"{args.name} = {state.variables[args.name]!r}"

    def describe(self, state, args: n.Var) -> str:
        try:
            return "would set " + self.execute(state, args)
        except TissError:
            state.variables[args.name] = DRY_UNKNOWN.format(name=args.name)
            return f"would set {args.name} (value known at run time)"


class SetBudgetTool(Tool):
    UNITS = {"timeout": "s", "output": "bytes", "commands": "RUNs", "tokens": "tokens"}

    def execute(self, state, args: n.SetBudget) -> str:
        name = args.name.lower()
        if name not in self.UNITS:
            raise TissError(f"unknown budget {args.name!r}: SET_BUDGET takes {', '.join(self.UNITS)}",
                            kind="unknown_budget")
        value = operand_value(args.value, state)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise TissError(f"SET_BUDGET {name} needs a number, not {value!r}", kind="type_error") from None
        if isinstance(value, bool) or value <= 0:
            raise TissError(f"SET_BUDGET {name} needs a positive number", kind="type_error")
        ceiling = getattr(self.context.config.budgets(), name)
        granted = min(value, ceiling)
        setattr(state.budgets, name, type(ceiling)(granted))
        capped = f" (capped at the engine's limit {ceiling})" if value > ceiling else ""
        return f"{name} = {getattr(state.budgets, name)} {self.UNITS[name]}{capped}"

    describe = execute  # budgets touch nothing outside the state


class LogTool(Tool):
    def execute(self, state, args: n.Log) -> str:
        message = interpolate(args.message, state.variables)
        self.context.say(f"LOG {message}")
        return message

    def describe(self, state, args: n.Log) -> str:
        return "would log " + interpolate(args.message, state.variables, DRY_UNKNOWN)


class PromptAgentTool(Tool):
    def execute(self, state, args: n.PromptAgent) -> str:
        question = interpolate(args.prompt, state.variables)
        answer = self.context.agent.ask(question, state.budgets.tokens)
        name = args.into or DEFAULT_AGENT_VARIABLE
        state.variables[name] = answer.text
        state.variables[f"{name}.computed"] = answer.computed if answer.computed is not None else ""
        state.variables[f"{name}.error"] = answer.error or ""
        self.context.say(f"PROMPT_AGENT {question!r} → {answer.text!r} (computed: {answer.computed})")
        return f"{name} = {answer.text!r}, {name}.computed = {answer.computed!r}"

    def describe(self, state, args: n.PromptAgent) -> str:
        name = args.into or DEFAULT_AGENT_VARIABLE
        state.variables[name] = "<answer of the model>"
        state.variables[f"{name}.computed"] = "<value computed by the runtime>"
        state.variables[f"{name}.error"] = ""
        return f"would ask the model {interpolate(args.prompt, state.variables, DRY_UNKNOWN)!r} into {name}"


class RequestReviewTool(Tool):
    def _question(self, state, args) -> str:
        pending = [p for p in self.context.unlisted_programs if p not in state.approved]
        grants = f" Approving allows: {', '.join(pending)}." if pending else ""
        return f"REVIEW: {interpolate(args.message, state.variables, DRY_UNKNOWN)}{grants}"

    def execute(self, state, args: n.RequestReview) -> str:
        question = self._question(state, args)
        if not self.context.approver.approve(question):
            raise SecurityError(f"review declined: {question} (answer y at a terminal, or run with --yes)",
                                kind="review_declined")
        state.approved.update(self.context.unlisted_programs)
        return "approved: " + question

    def describe(self, state, args: n.RequestReview) -> str:
        return "would ask for approval: " + self._question(state, args)


class PauseTool(Tool):
    def execute(self, state, args: n.Pause) -> str:
        message = interpolate(args.message, state.variables)
        self.context.approver.pause(message)
        return message

    def describe(self, state, args: n.Pause) -> str:
        return "would pause: " + interpolate(args.message, state.variables, DRY_UNKNOWN)


class DirectiveTool(Tool):
    def execute(self, state, args: n.Directive) -> str:
        return f"@{args.name} {args.value}".strip()

    describe = execute


class ToolRegistry:
    """Command type (the statement keyword) → tool."""

    def __init__(self):
        self._tools: dict[str, Tool] = {}

    def register(self, keyword: str, tool: Tool) -> None:
        self._tools[keyword] = tool

    def get(self, keyword: str) -> Tool:
        if keyword not in self._tools:
            raise TissError(f"no tool for {keyword}", kind="unknown_command")
        return self._tools[keyword]

    def __contains__(self, keyword: str) -> bool:
        return keyword in self._tools

    @classmethod
    def default(cls, context: Context) -> "ToolRegistry":
        registry = cls()
        for node_type, tool in ((n.Run, RunTool), (n.Write, WriteTool), (n.Read, ReadTool), (n.Assert, AssertTool),
                                (n.Var, VarTool), (n.SetBudget, SetBudgetTool), (n.Log, LogTool),
                                (n.PromptAgent, PromptAgentTool), (n.RequestReview, RequestReviewTool),
                                (n.Pause, PauseTool), (n.Directive, DirectiveTool)):
            registry.register(node_type.keyword, tool(context))
        return registry


