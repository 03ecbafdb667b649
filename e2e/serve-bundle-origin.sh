#!/usr/bin/env bash
# The second origin of the e2e tests: `worldmodel serve --bundle-origin` over the releases e2e/serve.sh
# publishes (it may still be building them when this starts: wait for the folder).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:?port}"
PY="${PYTHON:-.venv/bin/python}"
RELEASES=build/e2e/releases
for _ in $(seq 1200); do [ -f "$RELEASES/e2e-channel-4.0.0.json" ] && break; sleep 1; done
exec "$PY" -m worldmodel serve --bundle-origin --bundle "$RELEASES" --port "$PORT"
