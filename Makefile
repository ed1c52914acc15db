# Entry points named in README.md. Every target bootstraps its own environment:
# a fresh machine needs only python3 (3.11) with pip.
#
#   make demo    start an embedded Valkey from its pip-installed binary and talk to it
#   make test    lint, type-check, unit tests, isolated package tests, and the integration
#                tests + conformance specs against each server in SERVERS (default: Valkey 9.1)
#
# SERVERS takes labels understood by keywire_conformance.servers.select_binary, for example
#   make test SERVERS="valkey-9.1 redis-6.2 redis-7.0"

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
SERVERS ?= valkey-9.1
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
VENV := .venv
VPY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The workspace sources (not the installed copies) are what the tests import.
export PYTHONDONTWRITEBYTECODE := 1

LINT_PATHS := packages conformance tools

.PHONY: help bootstrap demo test lint unit isolated integration bench clean

help:
	@echo "make demo   - run the demo against an embedded server"
	@echo "make test   - run every check (SERVERS=\"$(SERVERS)\")"

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(TOOLS)/uv uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml $(wildcard packages/*/pyproject.toml) conformance/pyproject.toml
	$(UV) sync --all-packages --python $(PYTHON) --quiet
	touch $@

bootstrap: $(VENV)/.synced

demo: bootstrap
	$(VPY) tools/demo.py

lint: bootstrap
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy --strict $$(find packages conformance tools -name '*.py' -not -path '*/build/*')

unit: bootstrap
	$(VPY) -m pytest -m "not integration" -q

isolated: bootstrap
	bash tools/test_isolated.sh $(PYTHON)

# Specs run twice per protocol: once on standalone / replicated servers, once on the cluster
# (every file that allows a cluster, through the client's cluster routing).
NOT_CLUSTER := --keywire-topology standalone --keywire-topology replicated --keywire-topology none

integration: bootstrap
	for server in $(SERVERS); do \
	  echo "=== integration tests and specs on $$server ==="; \
	  KEYWIRE_SERVER=$$server $(VPY) -m pytest -m integration -q $(NOT_CLUSTER); \
	  echo "=== conformance specs over RESP2 on $$server ==="; \
	  KEYWIRE_SERVER=$$server $(VPY) -m pytest specs -m integration -q --keywire-protocol=2 $(NOT_CLUSTER); \
	  for protocol in 3 2; do \
	    echo "=== conformance specs on a cluster over RESP$$protocol on $$server ==="; \
	    KEYWIRE_SERVER=$$server $(VPY) -m pytest specs -m integration -q \
	      --keywire-topology cluster --keywire-protocol=$$protocol; \
	  done; \
	done

test: lint unit isolated integration

clean:
	rm -rf $(VENV) $(TOOLS) .servers .mypy_cache .ruff_cache .pytest_cache .hypothesis
