# wiretrace — every target creates .venv itself, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-read clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,spark,semantic]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/wiretrace scan samples/newsroom --out demo-out
	@echo
	@echo "HTML report: $(CURDIR)/demo-out/report/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

SHARED ?= ../shared
BENCH_N ?= 10000
BENCH_CORPUS := bench-out/corpus-$(BENCH_N)

bench: $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,bench]'
	test -f $(BENCH_CORPUS)/summary.json || $(BIN)/wiretrace bench generate --base $(SHARED)/data/bbc-news --n $(BENCH_N) --seed 1 --out $(BENCH_CORPUS)
	$(BIN)/wiretrace bench run --corpus $(BENCH_CORPUS) --out bench-out/run-$(BENCH_N)
	$(BIN)/python -m wiretrace.bench.meter --meter $(SHARED)/data/meter-courts --out bench-out
	test -f bench-out/corpus-2000/summary.json || $(BIN)/wiretrace bench generate --base $(SHARED)/data/bbc-news --n 2000 --seed 1 --out bench-out/corpus-2000
	$(BIN)/python -m wiretrace.bench.spark --corpus bench-out/corpus-2000/articles.jsonl --out bench-out

bench-read: $(STAMP)
	$(BIN)/python -m wiretrace.bench.read --out bench-out

clean:
	rm -rf $(VENV) demo-out bench-out

# Scale benchmark (docs/scaling-local.md): 10k and 100k by default; 1M with SCALE_SIZES=10000,100000,1000000.
# SCALE_CORPUS=FILE.jsonl scans a corpus you have instead of generating one with `wiretrace bench generate`.
SCALE_SIZES ?= 10000,100000
.PHONY: bench-scale
bench-scale: $(STAMP)
	$(BIN)/python -m wiretrace.bench.scale --sizes $(SCALE_SIZES) --jobs 2 --out bench-out/scale \
		--base $(SHARED)/data/bbc-news $(if $(SCALE_CORPUS),--corpus $(SCALE_CORPUS))
.PHONY: bench-views
bench-views: $(STAMP)
	$(BIN)/python -m wiretrace.bench.views --out bench-out/views

.PHONY: bench-semantic
bench-semantic: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m wiretrace.bench.semantic --out bench-out/semantic --every 3
