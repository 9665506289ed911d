# learnpm: `make run` serves the app, `make test` runs every test (browser tests included).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-postgres bench load lint system-deps node-deps wrk clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/learnpm db upgrade
	@if [ -d content/courses ]; then $(BIN)/learnpm content import content; fi
	$(BIN)/learnpm users demo
	$(BIN)/learnpm run --host 127.0.0.1 --port 5000

test: $(STAMP) system-deps node-deps
	$(BIN)/pytest

test-postgres: $(STAMP) system-deps node-deps
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/test $(BIN)/pytest

bench: $(STAMP) wrk
	$(BIN)/python -m bench.run

# 200 learners on two gunicorn instances over PostgreSQL and Redis, with a killed worker and a
# PostgreSQL restart midway; then a database audit. Needs root (it restarts PostgreSQL).
load: $(STAMP)
	$(BIN)/python -m load.run

lint: $(STAMP)
	$(BIN)/ruff check learnpm tests bench load wsgi.py
	$(BIN)/bandit -q -c pyproject.toml -r learnpm

# What the tests need from Debian: Chromium for browser tests, DejaVu and Noto fonts for certificates (Noto
# prints names in Arabic, Hebrew, Devanagari, CJK and the other scripts DejaVu lacks),
# poppler and zbar to render a certificate and read its QR code back. Installed when missing.
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-noto-core fonts-noto-cjk poppler-utils zbar-tools

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need these Debian packages:$$missing"; \
	    echo "Run: sudo apt-get install$$missing, then 'make test' again."; exit 1; \
	  fi; \
	fi

# What the browser tests need from npm: axe-core (pinned in package-lock.json), injected into pages
# by tests/e2e/test_accessibility.py. Installed from the lock file when missing.
AXE := node_modules/axe-core/axe.min.js

node-deps:
	@test -f $(AXE) || { \
	  command -v npm >/dev/null 2>&1 || { \
	    echo "The accessibility tests need axe-core from npm, and npm is not installed."; \
	    echo "Install Node.js and npm (e.g. sudo apt-get install npm), then 'make test' again."; exit 1; }; \
	  echo "Installing axe-core from package-lock.json ..."; \
	  npm ci --no-audit --no-fund; }

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench needs wrk: run 'sudo apt-get install wrk'."; exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
