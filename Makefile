# `make run` and `make test` work on a fresh machine with Python 3.11+ and are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python 3.11 or newer: exits non-zero for anything older (or for a python that does not run at all).
NEW_ENOUGH := -c 'import sys; sys.exit(sys.version_info < (3, 11))'
VERSION := -c 'import sys; print("%d.%d" % sys.version_info[:2])'

# A .venv whose python no longer runs, is older than 3.11, or differs from an explicit PYTHON=... is rebuilt,
# instead of being reused until `make clean`.
ifneq ($(wildcard $(VENV)),)
ifneq ($(MAKECMDGOALS),clean)
VENV_PROBLEM := $(shell $(BIN)/python $(NEW_ENOUGH) >/dev/null 2>&1 || echo "its python is missing or older than 3.11")
ifeq ($(origin PYTHON),command line)
ifeq ($(VENV_PROBLEM),)
VENV_PROBLEM := $(shell [ "$$($(BIN)/python $(VERSION))" = "$$($(PYTHON) $(VERSION))" ] || echo "it was made with another python than $(PYTHON)")
endif
endif
ifneq ($(VENV_PROBLEM),)
$(info make: rebuilding $(VENV): $(VENV_PROBLEM))
$(shell rm -rf $(VENV))
endif
endif
endif

# The share of tests/conversational_queries.yaml that must be answered right (the target is 95; see benchmarks/README.md).
CONVERSATIONAL_MIN ?= 95
# The same for tests/fresh_queries.yaml, questions written without seeing the bot: a floor against falling back,
# a little below what they score (93.3% on all ninety-eight sets); the issue's target for unseen questions is 90.
FRESH_MIN ?= 90

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	@$(PYTHON) $(NEW_ENOUGH) || { echo "make: RoleCall needs Python 3.11 or newer; run with PYTHON=python3.11 (or newer)" >&2; exit 2; }
	@echo "==> creating $(VENV) with $$($(PYTHON) $(VERSION)) and installing RoleCall (the first time takes about a minute)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -e '.[test]'
	touch $(STAMP)
	@echo "==> $(VENV) is ready"

run: $(STAMP)
	$(BIN)/rolecall run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/rolecall content check
	$(BIN)/rolecall eval tests/golden_queries.yaml
	$(BIN)/rolecall eval --min $(CONVERSATIONAL_MIN) tests/conversational_queries.yaml
	$(BIN)/rolecall eval --min $(FRESH_MIN) tests/fresh_queries.yaml
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/rolecall content check

bench: $(STAMP)
	$(BIN)/python -u benchmarks/search.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
