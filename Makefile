# `make run` and `make test` work on a fresh machine: every step installs what it needs, idempotently.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean tmux

run: $(STAMP)
	$(BIN)/hashtalk demo

test: $(STAMP) tmux
	$(BIN)/python -m pytest -q

# The console's terminal test drives the real app in tmux; install it once where it is missing.
tmux:
	@command -v tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } \
		|| echo "could not install tmux: the console's terminal test will be skipped"

bench: $(STAMP)
	$(BIN)/python bench/fanout.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV)
