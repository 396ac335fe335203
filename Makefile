# contentfeed — every command a person runs. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export SAM_CLI_TELEMETRY := 0
export PATH := $(BIN):$(PATH)

# Python 3.13: the Lambda runtime's version. Found on PATH, under pyenv, or given as PYTHON313=…
PYTHON313 ?= $(shell for c in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do \
	if "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then \
	command -v "$$c" 2>/dev/null || echo "$$c"; break; fi; done)

.PHONY: help venv run test unit lint format requirements validate build deploy bench clean

help:
	@echo "make run       serve http://127.0.0.1:3000 with sample articles (PORT, HOST override)"
	@echo "make test      the whole suite: lint, template checks, unit, integration, end-to-end"
	@echo "make lint      ruff and mypy (strict on layers/ and functions/)"
	@echo "make build     sam build (no Docker)"
	@echo "make deploy    sam deploy --guided"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install it (e.g. pyenv install 3.13) or run make PYTHON313=/path/to/python3.13" >&2; exit 1; fi
	@[ -x "$(BIN)/python" ] || "$(PYTHON313)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/contentfeed serve

test: venv lint validate
	$(BIN)/python -m pytest

unit: venv
	$(BIN)/python -m pytest tests/unit

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The layer's requirements.txt is generated from pyproject's runtime dependencies (a test checks it).
requirements: venv
	$(BIN)/python -c 'import tomllib, pathlib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; pathlib.Path("layers/shared/requirements.txt").write_text("# Generated from pyproject.toml by `make requirements`; do not edit.\n" + "\n".join(deps) + "\n")'

validate: venv
	$(BIN)/sam validate --lint
	$(BIN)/cfn-lint template.yaml

build: venv
	$(BIN)/sam build

deploy: build
	$(BIN)/sam deploy --guided

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
