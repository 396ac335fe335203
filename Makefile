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

.PHONY: help venv tools run test unit lint format requirements validate build deploy bench clean

help:
	@echo "make run       serve http://127.0.0.1:3000 with sample articles (PORT, HOST override;"
	@echo "               DATA=DIR keeps the local table in DIR across restarts)"
	@echo "make test      the whole suite: lint, template checks, unit, integration, end-to-end"
	@echo "make unit      the unit tests alone (quick)"
	@echo "make lint      ruff, ruff format --check and mypy (strict on layers/, functions/, src/; tests/ a little less)"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make validate  sam validate --lint, cfn-lint and checkov on template.yaml"
	@echo "make build     sam build (no Docker), settings from samconfig.toml"
	@echo "make deploy    build, then sam deploy --guided (GUIDED=0: no questions; SAM_ENV=prod: another samconfig section)"
	@echo "make bench     the benchmarks (a few minutes); rewrites docs/performance.md"
	@echo "make requirements  regenerate layers/shared/requirements.txt from pyproject.toml"
	@echo "make clean     remove build output and caches"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install it (e.g. pyenv install 3.13) or run make PYTHON313=/path/to/python3.13" >&2; exit 1; fi
	@[ -x "$(BIN)/python" ] || "$(PYTHON313)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/contentfeed serve $(if $(DATA),--data "$(DATA)")

test: venv lint validate
	$(BIN)/python -m pytest --cov --cov-report=term

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

# checkov pins boto3==1.35.49, which contradicts the runtime's boto3>=1.40: it gets a venv of its
# own inside .venv (so it is ignored like .venv and goes when .venv goes). The stamp names the
# version, so changing CHECKOV_VERSION reinstalls it.
CHECKOV_VERSION := 3.3.30
TOOLS := $(VENV)/tools
CHECKOV := $(CURDIR)/$(TOOLS)/bin/checkov

$(TOOLS)/.checkov-$(CHECKOV_VERSION):
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install it (e.g. pyenv install 3.13) or run make PYTHON313=/path/to/python3.13" >&2; exit 1; fi
	@[ -x "$(TOOLS)/bin/python" ] || "$(PYTHON313)" -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "checkov==$(CHECKOV_VERSION)"
	@rm -f $(TOOLS)/.checkov-* && touch $@

tools: $(TOOLS)/.checkov-$(CHECKOV_VERSION)

# The template is code: SAM's own validation with cfn-lint rules, cfn-lint on its own, and checkov
# (every skip is justified in the resource's Metadata.checkov.skip). All must be clean. checkov
# does not know Fn::ForEach (it would skip the loops and, with them, the Globals): it scans the
# template with its loops written out (tests/infra/expanded.py), resource for resource what
# CloudFormation creates.
validate: venv tools
	$(BIN)/sam validate --lint
	$(BIN)/cfn-lint template.yaml
	@mkdir -p .aws-sam/validate
	$(BIN)/python -m tests.infra.expanded template.yaml > .aws-sam/validate/template.yaml
	$(CHECKOV) -f .aws-sam/validate/template.yaml --framework cloudformation --quiet --compact --skip-download

# No Docker: SAM downloads manylinux wheels for the layer's BuildArchitecture. It needs python3.13
# on PATH, which .venv/bin provides (PATH is exported above). Settings: samconfig.toml.
build: venv
	$(BIN)/sam build

# First deploy (and whenever you want to review parameters): guided, answers saved to
# samconfig.toml. `make deploy GUIDED=0` deploys with samconfig.toml as it is; either way the
# change set is shown and must be confirmed. docs/deploy.md has the whole procedure.
GUIDED ?= 1
SAM_ENV ?= default
deploy: build
	$(BIN)/sam deploy --config-env $(SAM_ENV) $(if $(filter 1,$(GUIDED)),--guided)

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache

# Benchmarks (tests/bench): prints the results and rewrites docs/performance.md, which says how
# long the run took and at what load average (the target: under 10 minutes on 2 cores).
bench: venv
	$(BIN)/python -m tests.bench
