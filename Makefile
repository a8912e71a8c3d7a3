# Two commands on a fresh machine:  `make run`  (the product)  and  `make test`  (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run engine test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run streamlit_app.py

engine: $(STAMP)
	$(BIN)/python -m engine serve --host 127.0.0.1 --port $${PORT:-8765} --data-dir $${ENGINE_DATA_DIR:-engine-data}

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_and_search.py
	$(BIN)/python benchmarks/chat_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
