"""`python -m worldmodel.grammar [PATH…]`: write the WAT grammar generated from rt's exports (default: the committed
python/worldmodel/grammar/wat.ebnf; `npm run build` also writes web/public/wat.ebnf)."""

from __future__ import annotations

import sys
from pathlib import Path

from worldmodel.grammar import GRAMMAR_PATH, generate_grammar


def main(paths: list[str]) -> int:
    text = generate_grammar()
    for path in [Path(p) for p in paths] or [GRAMMAR_PATH]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"worldmodel.grammar: {path} ({len(text)} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
