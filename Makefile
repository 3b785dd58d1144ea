# wiretrace — every target creates .venv itself, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-read clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,semantic]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/wiretrace scan samples/newsroom --out demo-out
	@echo
	@echo "HTML report: $(CURDIR)/demo-out/report/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m wiretrace.bench.meter --out bench-out

bench-read: $(STAMP)
	$(BIN)/python -m wiretrace.bench.read --out bench-out

clean:
	rm -rf $(VENV) demo-out bench-out

.PHONY: bench-views
bench-views: $(STAMP)
	$(BIN)/python -m wiretrace.bench.views --out bench-out/views

.PHONY: bench-semantic
bench-semantic: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m wiretrace.bench.semantic --out bench-out/semantic --every 3
