# inferlab: `make demo` and `make test` are the two commands; both set up .venv first.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
JOBS    ?= 2

.PHONY: setup chromium demo test bench bench-threads clean

setup: $(STAMP)  ## create .venv and install inferlab with its dev extras (quick when already done)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet torch==2.13.0  # keep a torch you installed (e.g. a CUDA build)
	$(BIN)/pip install --quiet -e '.[dev]'
	command -v chromium >/dev/null || $(MAKE) chromium
	touch $(STAMP)

chromium:  ## Debian's chromium for the editor's browser tests (playwright drives it; needs root or sudo)
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo -E) apt-get install -y -q chromium

demo: setup  ## every method's tiny bench end to end; HTML report in reports/demo/index.html
	$(BIN)/inferlab demo --out reports/demo

test: setup  ## the test suite (a few minutes on 2 cores); fails if no test ran
	$(BIN)/python -m pytest -q -n $(JOBS) tests

bench: setup  ## the tiny benches with three seeds each, JSON lines in reports/bench.jsonl
	$(BIN)/python benchmarks/run_all.py --out reports/bench

bench-threads: setup  ## CPU threads (1 vs 2, alone vs a second copy) and torchrun x2 speed-up; needs an idle machine
	$(BIN)/python benchmarks/threads.py

clean:
	rm -rf runs reports .pytest_cache
