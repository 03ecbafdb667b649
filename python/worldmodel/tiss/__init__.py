"""TissLang: task scripts (STEP, RUN, WRITE, READ, ASSERT, PROMPT_AGENT…) run by a sandboxed engine.

`parse` (parser.py, grammar in tisslang.lark) → nodes.py tree → `ExecutionEngine` (engine.py) with the tools of
tools.py; commands go through sandbox.py, paths through paths.py. docs/tisslang.md describes the language.
"""

from worldmodel.tiss.engine import ExecutionEngine
from worldmodel.tiss.errors import TissError, TissSyntaxError
from worldmodel.tiss.parser import parse, parse_file
from worldmodel.tiss.state import State
from worldmodel.tiss.tools import Context, EngineConfig, ToolRegistry

__all__ = ["parse", "parse_file", "ExecutionEngine", "State", "ToolRegistry", "Context", "EngineConfig",
           "TissError", "TissSyntaxError"]
