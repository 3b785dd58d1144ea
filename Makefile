# wiretrace — every target creates .venv itself, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
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

clean:
	rm -rf $(VENV) demo-out bench-out

# Scale benchmark (docs/scaling-local.md): 10k and 100k by default; 1M with SCALE_SIZES=10000,100000,1000000.
# SCALE_CORPUS=FILE.jsonl scans a corpus you have instead of generating one with `wiretrace bench generate`.
SCALE_SIZES ?= 10000,100000
.PHONY: bench-scale
bench-scale: $(STAMP)
	$(BIN)/python -m wiretrace.bench.scale --sizes $(SCALE_SIZES) --jobs 2 --out bench-out/scale $(if $(SCALE_CORPUS),--corpus $(SCALE_CORPUS))
