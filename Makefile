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

# the pipeline before issue 14, measured in the same run for before/after figures (BENCH_AGAINST= to skip)
BENCH_AGAINST ?= 3312d2e

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py $(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))

dictionary: $(STAMP)
	$(BIN)/ogi dictionary --out docs/data_dictionary.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
