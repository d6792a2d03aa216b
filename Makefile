# `make run` and `make test` work on a fresh machine: every step installs what it needs, idempotently.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The page's tests drive Debian's Chromium through Playwright, which never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
# The PostgreSQL engine's tests start a cluster of their own with Debian's server programs (tests/pg.py).
POSTGRES := /usr/share/doc/postgresql
# The console's terminal test drives the real app in tmux.
TMUX := /usr/bin/tmux
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# `make run PORT=8101` when 8000 is taken.
PORT ?= 8000

.PHONY: run test bench bench-load screenshots clean

run: $(STAMP)
	$(BIN)/hashtalk demo --port $(PORT)

test: $(STAMP) $(CHROMIUM) $(TMUX) $(POSTGRES)
	$(BIN)/python -m pytest -q

# The README's pictures of the page, taken by its tests.
screenshots: $(STAMP) $(CHROMIUM)
	HASHTALK_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/web/test_page_screens.py tests/web/test_recap_editor.py

bench: $(STAMP)
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/recap.py

# The load issue's figures, about 20 minutes on two cores (docs/benchmarks.md).
bench-load: $(STAMP)
	$(BIN)/python bench/fanout.py --receivers 5000 --stalled 100 --rate 40 --duration 120 --grace 30 --p99-limit-ms 250
	$(BIN)/python bench/fanout.py --receivers 85 --rate 100 --duration 30
	$(BIN)/python bench/memory.py --connections 1000 --warmup 1
	$(BIN)/python bench/compare.py --receivers 5000 --rate 10 --duration 30 --grace 30
	$(BIN)/python bench/kill.py --kills 20
	$(BIN)/python bench/storm.py --clients 2000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Only when a program is missing: the file is the target, so a second run does nothing.
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# The `postgresql` package (its server programs under /usr/lib/postgresql/VERSION/bin); its own cluster on 5432,
# if the package starts one, is left alone: the tests use a cluster in a temporary folder on a free port.
$(POSTGRES):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql

$(TMUX):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y tmux

clean:
	rm -rf $(VENV)
