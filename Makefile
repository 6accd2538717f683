# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/jeugdregie: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(BIN)/jeugdregie

install: $(BIN)/jeugdregie

demo: install
	$(BIN)/jeugdregie demo

test: install
	$(BIN)/ruff check src
	$(BIN)/mypy
	$(BIN)/pytest

.PHONY: install demo test
