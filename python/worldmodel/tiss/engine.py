"""The ExecutionEngine: walks a parsed script, runs each action through the ToolRegistry, halts on the first
failure with a report (statement, position, enclosing steps, what was seen), and honours TRY/CATCH.

The dry run walks the same tree with each tool's `describe` instead of `execute`: no file, process or model is
touched, and both branches of an IF are shown (their condition may depend on results it does not have).
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path

from worldmodel.tiss import nodes as n
from worldmodel.tiss.errors import TissError
from worldmodel.tiss.expressions import evaluate
from worldmodel.tiss.interpolate import placeholders
from worldmodel.tiss.state import LogEntry, State
from worldmodel.tiss.tools import Context, ToolRegistry


class ExecutionEngine:
    def __init__(self, context: Context, registry: ToolRegistry | None = None):
        self.context = context
        self.registry = registry or ToolRegistry.default(context)

    def new_state(self, root: Path) -> State:
        return State(root=Path(root).resolve(), budgets=self.context.config.budgets())

    # --- real run ---------------------------------------------------------------------------------------------

    def run(self, script: n.Script, root: Path) -> State:
        state = self.new_state(root)
        self.context.unlisted_programs = unlisted_programs(script, self.context.config.policy.allow)
        try:
            self._block(script.body, state)
        except TissError as error:
            state.halted = True
            state.failure = error
        return state

    def _block(self, body: list[n.Node], state: State) -> None:
        for node in body:
            self._statement(node, state)

    def _statement(self, node: n.Node, state: State) -> None:
        if isinstance(node, n.Block):
            state.record(LogEntry(node.keyword, node.title, "ok", node.line))
            self.context.say(f"{'  ' * len(state.steps)}{node.keyword} {node.title}")
            state.steps.append(node.title)
            try:
                self._block(node.body, state)
            finally:
                state.steps.pop()
            return
        if isinstance(node, n.If):
            taken = self._guard(node, state, lambda: evaluate(node.condition, state))
            state.record(LogEntry("IF", f"{node.source}: {'true' if taken else 'false'}", "ok", node.line))
            self._block(node.then if taken else (node.otherwise or []), state)
            return
        if isinstance(node, n.Try):
            depth = len(state.steps)
            try:
                self._block(node.body, state)
            except TissError as error:
                del state.steps[depth:]
                state.record(LogEntry("TRY", f"caught {error.kind}: {error.message}", "caught", node.line,
                                      error=error.to_dict()))
                state.variables.update({"LAST_ERROR.kind": error.kind, "LAST_ERROR.message": error.message,
                                        "LAST_ERROR.line": error.line})
                self._block(node.catch, state)
            return
        tool = self.registry.get(node.keyword)
        started = time.perf_counter()
        detail = self._guard(node, state, lambda: tool.execute(state, node))
        state.record(LogEntry(node.keyword, detail, "ok", node.line, time.perf_counter() - started))
        if node.keyword == "RUN":
            self.context.say(f"{'  ' * len(state.steps)}RUN {detail}")

    def _guard(self, node: n.Node, state: State, action):
        """Run `action`; on failure attach the statement's position and steps, log it, and re-raise."""
        started = time.perf_counter()
        try:
            return action()
        except TissError as error:
            error.at(node.line, node.column)
            error.step = " > ".join(state.steps) or None
            state.record(LogEntry(node.keyword, error.message, "failed", node.line,
                                  time.perf_counter() - started, error.to_dict()))
            raise

    # --- dry run ----------------------------------------------------------------------------------------------

    def dry_run(self, script: n.Script, root: Path) -> tuple[list[str], State]:
        """Every action the run would take, one line each (indented by block), variables filled in."""
        state = self.new_state(root)
        self.context.unlisted_programs = unlisted_programs(script, self.context.config.policy.allow)
        lines: list[str] = []
        self._describe(script.body, state, lines, 0)
        return lines, state

    def _describe(self, body, state, lines, depth) -> None:
        pad = "  " * depth
        for node in body:
            where = f"{node.line}:{node.column}"
            if isinstance(node, n.Block):
                lines.append(f"{pad}{where} {node.keyword} {node.title}")
                self._describe(node.body, state, lines, depth + 1)
            elif isinstance(node, n.If):
                lines.append(f"{pad}{where} IF {node.source} (decided at run time)")
                lines.append(f"{pad}  THEN:")
                self._describe(node.then, state, lines, depth + 2)
                if node.otherwise is not None:
                    lines.append(f"{pad}  ELSE:")
                    self._describe(node.otherwise, state, lines, depth + 2)
            elif isinstance(node, n.Try):
                lines.append(f"{pad}{where} TRY")
                self._describe(node.body, state, lines, depth + 1)
                lines.append(f"{pad}CATCH (runs if anything above fails)")
                self._describe(node.catch, state, lines, depth + 1)
            else:
                try:
                    text = self.registry.get(node.keyword).describe(state, node)
                except TissError as error:
                    text = f"would fail: {error.message} [{error.kind}]"
                first, *rest = text.split("\n")
                lines.append(f"{pad}{where} {node.keyword} {first}")
                lines.extend(pad + line for line in rest)
                state.record(LogEntry(node.keyword, text, "dry_run", node.line))


def unlisted_programs(script: n.Script, allow) -> list[str]:
    """Programs the script's RUNs name that are not on the allow-list (REQUEST_REVIEW asks about these)."""
    programs = []
    for node in n.walk(script.body):
        if isinstance(node, n.Run):
            try:
                first = shlex.split(node.command)[0]
            except (ValueError, IndexError):
                continue
            if not placeholders(first) and (first not in allow or "/" in first) and first not in programs:
                programs.append(first)
    return programs
