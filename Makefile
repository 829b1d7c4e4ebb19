# Two commands for a newcomer, each doing its own set-up (idempotent; a second run is fast):
#   make demo   renders the bundled example policy into out/demo (Markdown, HTML, PDF)
#   make test   runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test bench bench-batch lint system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes. compileall writes .pyc files even where
# PYTHONDONTWRITEBYTECODE is set, so start-up does not pay for compiling policygen.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m compileall -q policygen
	@touch $@

system-deps:
	@bash scripts/system-deps.sh

demo: system-deps $(INSTALLED)
	$(BIN)/policygen demo

test: $(INSTALLED)
	@bash scripts/system-deps.sh --tests
	$(BIN)/python -m pytest

bench: system-deps $(INSTALLED)
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_docx.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_reissue.py

bench-batch: system-deps $(INSTALLED)
	$(BIN)/python benchmarks/bench_batch.py

# mypy checks policygen, tests, benchmarks and scripts, all strict: see [tool.mypy] in pyproject.toml.
lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'ruff>=0.6' 'mypy>=1.11' types-PyYAML
	$(BIN)/ruff check policygen tests benchmarks scripts
	$(BIN)/mypy

clean:
	rm -rf out dist build .pytest_cache
