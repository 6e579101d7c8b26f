# `make demo` and `make test` work on a fresh machine: each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench dictionary clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,ocr]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ogi demo --out extracted

test: $(STAMP)
	$(BIN)/ruff check docformats pipeline scrapers tests benchmarks scripts notebooks
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check docformats pipeline scrapers tests benchmarks scripts notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

dictionary: $(STAMP)
	$(BIN)/ogi dictionary --out docs/data_dictionary.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
