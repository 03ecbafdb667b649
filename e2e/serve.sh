#!/usr/bin/env bash
# Builds everything the e2e tests need from the repository alone, then serves it:
#   a tiny bundle (random 2-layer model, real tokenizer) from the exporter, the conformance corpus from the
#   Python runtime, the hostile bundles beside it (/bundle/hostile/), the web app, and `worldmodel serve`
#   on the given port.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-4173}"
PY="${PYTHON:-.venv/bin/python}"
OUT=build/e2e
mkdir -p "$OUT"
"$PY" -m export --tiny --out "$OUT/bundle"
"$PY" e2e/make_conformance_corpus.py "$OUT/conformance.json"
"$PY" e2e/make_grammar_corpus.py "$OUT/grammar.json"
"$PY" e2e/make_hostile_bundles.py "$OUT/bundle/hostile"
PYTHON="$PY" npm run build --silent
exec "$PY" -m worldmodel serve --bundle "$OUT/bundle" --port "$PORT"
