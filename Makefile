# Pilar: the two commands (make demo, make test) need only Python >= 3.11 and make.
# `make demo` installs the product only; `make test` adds the test tools (pytest,
# Playwright, PySpark...), `make lint` the linters. Each set is installed once (a stamp
# file per set, redone when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: demo test lint serve install format clean

$(BIN)/python:
	@echo "Membuat virtualenv $(VENV)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.stamp-base: pyproject.toml | $(BIN)/python
	@echo "Memasang Pilar dan dependensinya (sekali saja; beberapa menit pada pemasangan pertama)..."
	$(PIP) -e .
	touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-base
	@echo "Memasang perangkat uji (pytest, Playwright, PySpark...)..."
	$(PIP) -e '.[test]'
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-test
	@echo "Memasang perangkat pengembangan (ruff, mypy, import-linter)..."
	$(PIP) -e '.[dev]'
	touch $@

# Everything a developer needs (product, tests, linters).
install: $(VENV)/.stamp-dev



demo: $(VENV)/.stamp-base
	$(BIN)/pilar demo $(DEMO_ARGS)

serve: $(VENV)/.stamp-base
	$(BIN)/pilar serve

test: $(VENV)/.stamp-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy pilar
	$(BIN)/lint-imports

format: $(VENV)/.stamp-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pilar .pytest_cache .mypy_cache
