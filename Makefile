# Two commands do all the set-up on a fresh machine (see README):
#   make demo   create the environment, run the main job on the bundled fixtures (CPU only)
#   make test   create the environment, run the layer contracts, the type check and the tests
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
OUT ?= out

.PHONY: env demo test lint fixtures bench clean

# constraints.txt pins the versions the tests and the byte-identical fixture corpus were made
# with (regenerate: pip freeze --exclude-editable > constraints.txt after an upgrade).
$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

env: $(STAMP)

demo: env
	rm -rf $(OUT)/convert
	$(BIN)/docparse convert fixtures/corpus/invoices fixtures/corpus/forms fixtures/corpus/tables \
		fixtures/corpus/report -o $(OUT)/convert --engine textlayer --runner local
	$(BIN)/docparse extract --from-output $(OUT)/convert/invoices -o $(OUT)/convert/invoices --schema invoice
	$(BIN)/docparse extract --from-output $(OUT)/convert/forms -o $(OUT)/convert/forms --schema form
	$(BIN)/docparse eval $(OUT)/convert fixtures/corpus --missing ignore \
		--json $(OUT)/eval.json --html $(OUT)/eval.html
	@echo
	@echo "outputs:   $(OUT)/convert/<category>/<document>/ (document.html, document.json, pages/, raw/,"
	@echo "           extraction.json for invoices and forms)"
	@echo "manifest:  $(OUT)/convert/manifest.jsonl   quality report: $(OUT)/eval.html"

test: env
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

fixtures: env
	$(BIN)/python fixtures/build.py

bench: env
	$(BIN)/python benchmarks/render_throughput.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build dist *.egg-info
