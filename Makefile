# learnpm: `make run` serves the app, `make test` runs every test (browser tests included).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-postgres bench lint chromium wrk clean

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

test: $(STAMP) chromium
	$(BIN)/pytest

test-postgres: $(STAMP) chromium
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/test $(BIN)/pytest

bench: $(STAMP) wrk
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check learnpm tests bench wsgi.py
	$(BIN)/bandit -q -c pyproject.toml -r learnpm

# Browser tests drive Debian's Chromium; install it when missing and we are root.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium', then 'make test' again."; \
	    exit 1; \
	  fi; }

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench needs wrk: run 'sudo apt-get install wrk'."; exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
