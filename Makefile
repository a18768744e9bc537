# The README's commands. `make lab` and `make test` share one idempotent set-up step.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Quiet TensorFlow for every process started from here (kernels inherit it).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0
# nbgrader runs tools such as `alembic` by name: the venv's bin/ must come first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
# JupyterLab refuses to start as root unless told (containers, CI images).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-fast lint setup browser postgres release bench clean-grading

## set-up: a project-local virtual environment with the pinned dependencies (nothing global)
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## Debian's Chromium for the browser test (installed only where missing, needs root + apt)
browser:
	@bash tools/ensure-chromium.sh

## Debian's PostgreSQL for the gradebook tests (package only: each test starts a private server)
postgres:
	@bash tools/ensure-postgres.sh

lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/course

# One BLAS thread per test worker: the workers already use every core, and oversubscribed
# OpenBLAS is many times slower on the small matrices of the tests.
PYTEST := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n auto --dist loadgroup

## the whole suite: lint, then every test (notebook runs, real nbgrader, sandboxes, the browser)
test: setup browser postgres lint
	@bash tools/ensure-bwrap.sh  # Debian's bubblewrap for the grading sandbox, where missing
	$(PYTEST)

## the quick loop while editing Python: lint and the tests that run no notebook (CONTRIBUTING.md)
test-fast: setup lint
	$(PYTEST) -m "not slow and not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

release: setup
	$(BIN)/python -m autograder.course.release

## every benchmark, each writing benchmarks/results/<name>.json (tens of minutes; never part of CI)
BENCHMARKS := $(filter-out benchmarks/machine.py,$(wildcard benchmarks/*.py))
bench: setup
	@for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## the grading workspace (nbgrader's submitted/, autograded/, feedback/, the gradebook, reports)
clean-grading:
	rm -rf submitted autograded feedback gradebook.db grading-report.md grading-report.csv .rnn-grade
