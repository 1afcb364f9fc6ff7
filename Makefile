# Two commands do all the set-up on a fresh machine (see README):
#   make demo   create the environment, run the main job on the bundled fixtures (CPU only)
#   make test   create the environment, run the layer contracts and the test suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
OUT ?= out

.PHONY: env demo test lint fixtures bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

env: $(STAMP)

demo: env
	$(BIN)/docparse render fixtures/corpus/report/two_column_article.pdf -o $(OUT)/render --pages 1
	$(BIN)/docparse validate fixtures/qwenvl_examples/b_report_page_truncated.html --image-size 1008x1540
	$(BIN)/docparse inspect fixtures/corpus/report/two_column_article.pdf \
		--html fixtures/corpus/report/two_column_article.gt/page-0001.html --page 1 -o $(OUT)/overlay.png
	@echo "demo outputs: $(OUT)/render (model-input pages + pages.json), $(OUT)/overlay.png"

test: env
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

fixtures: env
	$(BIN)/python fixtures/build.py

bench: env
	$(BIN)/python benchmarks/render_throughput.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build dist *.egg-info
