# kzanalysis: two commands for a fresh clone, `make report` and `make test`; each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kzanalysis-installed
OUT    ?= reports
CORPUS ?= data/raw

.DEFAULT_GOAL := help
.PHONY: help setup report test test-fast lab clean-reports bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

# The virtual environment is (re)built when it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its dev extra

report: $(STAMP) ## run every notebook on the seed corpus; writes reports/ (CORPUS=dir OUT=dir to change)
	MPLBACKEND=Agg $(BIN)/kzanalysis report --corpus $(CORPUS) --out $(OUT)

test: $(STAMP) ## run the whole test suite, notebook runs included
	MPLBACKEND=Agg $(BIN)/python -m pytest

test-fast: $(STAMP) ## the unit tests only (skips the notebook runs)
	MPLBACKEND=Agg $(BIN)/python -m pytest -m "not slow"

lab: $(STAMP) ## open JupyterLab from .venv
	$(BIN)/jupyter lab notebooks/

clean-reports: ## delete what `make report` wrote (keeps reports/README.md)
	find $(OUT) -mindepth 1 ! -name README.md -delete

bench: $(STAMP) ## benchmarks: report build speed, and 1k/10k/100k synthetic articles (results in benchmarks/results/)
	MPLBACKEND=Agg $(BIN)/python benchmarks/report_speed.py
	MPLBACKEND=Agg $(BIN)/python benchmarks/large_corpus.py
