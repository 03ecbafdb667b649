"""The VS Code extension's TextMate grammar: valid JSON, every pattern compiles, and a small TextMate-style
tokenizer (first match wins at each position, begin/end rules with the back-reference of a heredoc) built
on it marks the parts of an example script the way the language defines them."""

from __future__ import annotations

import json
import re
from pathlib import Path

EDITOR = Path(__file__).resolve().parent.parent / "editors" / "vscode-tisslang"
GRAMMAR = json.loads((EDITOR / "syntaxes" / "tisslang.tmLanguage.json").read_text())


def _rules():
    return [GRAMMAR["repository"][p["include"][1:]] for p in GRAMMAR["patterns"]]


def _flatten(rule):
    return rule["patterns"] if "patterns" in rule and "begin" not in rule else [rule]


def tokenize(text: str) -> list[tuple[str, str]]:
    """(scope, text) pairs for the top-level rules; a begin/end rule yields one token from begin to end."""
    rules = [r for rule in _rules() for r in _flatten(rule)]
    tokens, position = [], 0
    while position < len(text):
        best = None
        for rule in rules:
            match = re.compile(rule.get("match") or rule["begin"], re.M).search(text, position)
            if match and (best is None or match.start() < best[1].start()):
                best = (rule, match)
        if best is None:
            break
        rule, match = best
        end = match.end()
        if "begin" in rule:
            closing = rule["end"]
            for index, group in enumerate(match.groups(), 1):
                closing = closing.replace(f"\\{index}", re.escape(group or ""))
            finish = re.compile(closing, re.M).search(text, end + (1 if closing.startswith("^") else 0))
            end = finish.end() if finish else len(text)
        scope = rule.get("name") or rule.get("contentName") or next(
            (c["name"] for c in rule.get("captures", {}).values()), "")
        tokens.append((scope, text[match.start():end]))
        position = max(end, position + 1)
    return tokens


def test_the_extension_declares_the_language_and_its_grammar():
    manifest = json.loads((EDITOR / "package.json").read_text())
    language = manifest["contributes"]["languages"][0]
    grammar = manifest["contributes"]["grammars"][0]
    assert language["extensions"] == [".tiss"] and grammar["scopeName"] == GRAMMAR["scopeName"]
    assert (EDITOR / grammar["path"]).is_file() and (EDITOR / language["configuration"]).is_file()
    json.loads((EDITOR / language["configuration"]).read_text())


def test_every_pattern_compiles():
    # Python's re stands in for Oniguruma: \G (where the last match ended) and end back-references aside.
    for rule in GRAMMAR["repository"].values():
        for part in _flatten(rule):
            for key in ("match", "begin", "end"):
                if key in part:
                    re.compile(re.sub(r"\\[0-9]", "x", part[key].replace("\\G", "")))


def test_the_grammar_marks_keywords_strings_heredocs_comments_and_unsupported_forms():
    source = ('@author me  # who\nSTEP "a #1" {\n  WRITE "x.py" <<PY\n    EOF\n\n    print(1)\n  PY\n'
              '  RUN "python3 x.py"  # run\n  ASSERT LAST_RUN.EXIT_CODE <= 0\n  PARALLEL { }\n}\n')
    tokens = tokenize(source)
    assert ("keyword.other.directive.tisslang", "@author me  ") in tokens
    assert ("comment.line.number-sign.tisslang", "# who") in tokens
    assert ("string.quoted.double.tisslang", '"a #1"') in tokens
    heredoc = [text for scope, text in tokens if scope == "string.unquoted.heredoc.tisslang"]
    assert heredoc == ["<<PY\n    EOF\n\n    print(1)\n  PY"]
    assert ("keyword.operator.comparison.tisslang", "<=") in tokens
    assert ("variable.language.last-run.tisslang", "LAST_RUN.EXIT_CODE") in tokens
    assert ("invalid.illegal.unsupported.tisslang", "PARALLEL") in tokens
    assert [t for s, t in tokens if s == "keyword.control.tisslang"] == ["STEP"]
    assert [t for s, t in tokens if s == "keyword.other.command.tisslang"] == ["WRITE", "RUN", "ASSERT"]
