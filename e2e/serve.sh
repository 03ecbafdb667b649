#!/usr/bin/env bash
# Builds everything the e2e tests need from the repository alone, then serves it:
#   a tiny bundle (random 2-layer model, real tokenizer) from the exporter, the conformance corpus from the
#   Python runtime, the hostile bundles beside it (/bundle/hostile/), releases 1.0.0–4.0.0 for the second
#   origin (e2e/serve-bundle-origin.sh serves build/e2e/releases), a copy of the bundle for a model trained on
#   single questions (/bundle/single-question/), the web app, and `worldmodel serve` with a
#   fresh leaderboard database on the given port.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-4173}"
PY="${PYTHON:-.venv/bin/python}"
OUT=build/e2e
mkdir -p "$OUT"
"$PY" -m export --tiny --out "$OUT/bundle"
# Releases (docs/deploy.md): 1.0.0 is the bundle above, 2.0.0 re-draws the tiny model's last layer only.
rm -rf "$OUT/releases"
"$PY" -m export --release "$OUT/releases" --version 1.0.0 --publish "$OUT/bundle" --notes "e2e: the tiny bundle"
cp "$OUT/releases/channel.json" "$OUT/releases/e2e-channel-1.0.0.json"
"$PY" -m export --tiny --tiny-revision 1 --no-verify --release "$OUT/releases" --version 2.0.0 --notes "e2e: last layer re-drawn"
"$PY" e2e/make_release_fixtures.py "$OUT/releases"
"$PY" e2e/make_conformance_corpus.py "$OUT/conformance.json"
"$PY" e2e/make_grammar_corpus.py "$OUT/grammar.json"
"$PY" e2e/make_hostile_bundles.py "$OUT/bundle/hostile"
"$PY" e2e/make_single_question_bundle.py "$OUT/bundle" "$OUT/bundle/single-question"
PYTHON="$PY" npm run build --silent
rm -f "$OUT/leaderboard.db"
# The admin token lets e2e/benchmark.spec.ts accept a quarantined result (the tiny model can be implausibly fast).
export WORLDMODEL_LEADERBOARD_TOKEN="${WORLDMODEL_LEADERBOARD_TOKEN:-e2e-admin-token}"
exec "$PY" -m worldmodel serve --bundle "$OUT/bundle" --port "$PORT" --leaderboard "sqlite:///$OUT/leaderboard.db"
