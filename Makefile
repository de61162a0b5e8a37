# Two commands for humans: `make demo` and `make test`. Everything else is a helper they call.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint typecheck unit review clean

demo: $(VENV)/.installed-runtime ## Generate the synthetic world, run the pipeline, serve the result.
	$(BIN)/cspersona demo

test: $(VENV)/.installed-dev lint typecheck unit ## Lint, type-check and run the whole test suite.

lint: $(VENV)/.installed-dev ## Style, formatting and the layers contract (pyproject.toml [tool.importlinter]).
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-runtime

review: $(VENV)/.installed-dev ## Build the demo world and write the review digest (pages and texts) into review/.
	$(BIN)/python scripts/review.py --out review

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
