"""Scale benchmark: full scan, incremental scan and query latency at growing corpus sizes.

    python -m wiretrace.bench.scale --sizes 10000,100000 [--corpus FILE.jsonl] [--jobs 2] [--out DIR]

For each size N it scans the first N articles of the corpus into a new store (time and CPU per
stage, peak RSS of the largest process, peak memory of all of them, candidates per article), adds
the next ``--increment`` articles as an incremental scan (its time against the full scan's), then
times ``Index.query`` warm in-process on stored articles (p50/p95/p99) and the ``wiretrace query``
CLI cold. Without ``--corpus`` the corpus is
made by ``wiretrace bench generate`` from the BBC base texts. Writes ``scale.json`` and ``scale.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..engines.local import scan_articles
from ..model import Article
from ..query import Index
from ..read import iter_articles
from ..settings import DEFAULT, Settings

DEFAULT_BASE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "bbc-news"


def generate(n: int, out: Path, base: Path = DEFAULT_BASE, seed: int = 1) -> Path:
    """A corpus of ``n`` articles from the benchmark generator (``wiretrace bench generate``)."""
    cmd = [sys.executable, "-m", "wiretrace.cli", "bench", "generate", "--base", str(base), "--n", str(n),
           "--seed", str(seed), "--out", str(out)]
    subprocess.run(cmd, check=True)
    return out / "articles.jsonl"


def _articles(corpus: list[Path], skip: int, count: int) -> Iterator[Article]:
    return itertools.islice(iter_articles(corpus, []), skip, skip + count)


def _peak_rss_mb() -> float:
    """Peak resident memory of this process and of its largest finished worker, in MB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(me, children) / 1024, 1)


def _children(pid: int) -> list[int]:
    """The process's descendants (from /proc; empty where there is none)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(x) for x in task.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *_children(kid)]
    return out


def _rss_kb(pid: int) -> int:
    """Resident set size of a process in kB (from /proc/PID/status: cheap, unlike smaps), 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _used_kb() -> int:
    """Memory in use on the machine in kB: MemTotal - MemAvailable (/proc/meminfo), which leaves out
    the page cache the kernel can reclaim (a memory-mapped index's pages among it)."""
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, _, value = line.partition(":")
        info[key] = int(value.split()[0])
    return info["MemTotal"] - info["MemAvailable"]


class MemoryWatch:
    """Samples memory every ``every`` seconds while a scan runs, which ``ru_maxrss`` (one process,
    page cache of memory-mapped files included) cannot tell: ``peak_kb``, the peak sum of the
    resident sizes of this process and its workers (pages a forked worker still shares with the
    parent count twice: an upper bound), and ``peak_used_kb``, the peak rise of the machine's memory
    in use over its level at the start (other processes' changes included: a quiet machine gives
    the scan's own). ``smaps_rollup`` proportional sizes would be exact, but reading them walks
    every page table: a tenth of the parent's time on a 1M scan."""

    def __init__(self, every: float = 1.0) -> None:
        import threading

        self.every, self.peak_kb, self.peak_used_kb = every, 0, 0
        self._base = _used_kb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            me = os.getpid()
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in [me, *_children(me)]))
            self.peak_used_kb = max(self.peak_used_kb, _used_kb() - self._base)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _percentiles(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {"p50_ms": round(float(np.percentile(a, 50)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2),
            "p99_ms": round(float(np.percentile(a, 99)), 2), "max_ms": round(float(a.max()), 2), "queries": len(ms)}


def query_latency(store: Path, probes: list[Article], settings: Settings = DEFAULT) -> dict[str, Any]:
    """Open the index once (reported), then time each query warm, in-process."""
    t0 = time.perf_counter()
    with Index(store, settings) as index:
        opened = time.perf_counter() - t0
        index.query(probes[0])  # first query pays imports and caches
        times, cpu, hits = [], [], 0
        for probe in probes:
            t, c = time.perf_counter(), time.process_time()
            results = index.query(probe)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            hits += bool(results)
    return {"index_open_s": round(opened, 3), **_percentiles(times),
            "cpu": _percentiles(cpu), "answered_with_results": hits}


def cli_cold_query(store: Path, probe: Article, work: Path, runs: int = 3) -> float:
    """Median wall time of ``wiretrace query FILE --store S --json`` as a fresh process."""
    path = work / "probe.txt"
    path.write_text(probe.text, encoding="utf-8")
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wiretrace.cli", "query", str(path), "--store", str(store), "--json"],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return round(float(np.median(times)), 3)


def _probe(article: Article) -> Article:
    """A query: a stored article's text with its last tenth cut and a sentence of our own added."""
    words = article.text.split()
    cut = words[: max(20, len(words) * 9 // 10)]
    return Article(f"probe-{article.id}", " ".join(cut) + " Readers wrote in to ask what happens next.")


def run_size(corpus: list[Path], n: int, increment: int, work: Path, jobs: int, queries: int,
             settings: Settings = DEFAULT, cli_runs: int = 3) -> dict[str, Any]:
    """Full scan of N, incremental scan of ``increment`` more, query latency: one row of the report."""
    if work.exists():
        shutil.rmtree(work)
    store = work / "store.duckdb"
    t0 = time.perf_counter()
    with MemoryWatch() as memory:
        full = scan_articles(_articles(corpus, 0, n), work / "full", store, settings, jobs=jobs, report=False)
    full_s = time.perf_counter() - t0
    row: dict[str, Any] = {
        "articles": full.new, "full_scan_s": round(full_s, 1), "full_scan_cpu_s": round(sum(full.cpu_seconds.values()), 1),
        "stage_s": full.seconds, "stage_cpu_s": full.cpu_seconds, "candidates": full.candidates,
        "candidates_per_article": round(full.candidates / max(1, full.new), 3), "related_pairs": full.related,
        "peak_rss_mb": _peak_rss_mb(), "peak_rss_sum_mb": round(memory.peak_kb / 1024, 1),
        "peak_used_mb": round(memory.peak_used_kb / 1024, 1),
        "store_mb": round(store.stat().st_size / 2**20, 1),
    }
    if increment:
        # read before the clock starts: skipping the N articles already scanned parses every one of
        # them again (53 of the 93 s an incremental scan of 10,000 on a 1M store took)
        added = list(_articles(corpus, n, increment))
        t0 = time.perf_counter()
        # into the same output folder, as a user keeping one does: pairs.jsonl is merged, not rewritten
        inc = scan_articles(iter(added), work / "full", store, settings, jobs=jobs, report=False)
        inc_s = time.perf_counter() - t0
        row["incremental"] = {"articles": inc.new, "scan_s": round(inc_s, 1),
                              "cpu_s": round(sum(inc.cpu_seconds.values()), 1), "stage_s": inc.seconds,
                              "candidates": inc.candidates, "share_of_full_scan": round(inc_s / full_s, 4)}
    picked = set(random.Random(n).sample(range(n), min(queries, n)))
    probes = [_probe(a) for k, a in enumerate(_articles(corpus, 0, n)) if k in picked]
    row["query"] = query_latency(store, probes, settings)
    row["query"]["cli_cold_s"] = cli_cold_query(store, probes[0], work, cli_runs)
    row["peak_rss_mb_with_incremental_and_queries"] = _peak_rss_mb()
    return row


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 1)}


def markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table for README/docs."""
    m = report["machine"]
    lines = [f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['platform']}, load average at start "
             f"{m['load_avg_1m']}; `--jobs {report['jobs']}`.", "",
             "| articles | full scan (wall / CPU) | read | align | cluster | write | candidates / article | "
             "peak RSS (one process) | peak RSS (all, summed) | peak memory used | incremental (+n) | share of full | "
             "query p50 / p99 (wall) | query p50 / p99 (CPU) | index open | CLI cold |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["sizes"]:
        st, inc, q = r["stage_s"], r.get("incremental", {}), r["query"]
        lines.append(
            f"| {r['articles']:,} | {r['full_scan_s']} s / {r['full_scan_cpu_s']} s | {st.get('read')} s | "
            f"{st.get('align')} s | {st.get('cluster')} s | {st.get('write')} s | {r['candidates_per_article']} | "
            f"{r['peak_rss_mb']:,} MB | {r.get('peak_rss_sum_mb', 0):,} MB | {r.get('peak_used_mb', 0):,} MB | "
            f"{inc.get('scan_s', '-')} s (+{inc.get('articles', 0):,}) | "
            f"{inc.get('share_of_full_scan', '-')} | {q['p50_ms']} / {q['p99_ms']} ms | "
            f"{q['cpu']['p50_ms']} / {q['cpu']['p99_ms']} ms | {q['index_open_s']} s | "
            f"{q['cli_cold_s']} s |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m wiretrace.bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="Comma-separated corpus sizes.")
    parser.add_argument("--corpus", type=Path, nargs="*", help="Corpus files/folders (default: generate one).")
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="Base articles for the generator.")
    parser.add_argument("--increment", type=float, default=0.01, help="Incremental batch as a share of N.")
    parser.add_argument("--queries", type=int, default=200, help="Warm queries timed per size.")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cli-runs", type=int, default=3, help="Cold CLI queries timed (median reported).")
    parser.add_argument("--out", type=Path, default=Path("bench-out/scale"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or [generate(int(max(sizes) * (1 + args.increment)) + 1, args.out / "corpus", args.base)]
    report: dict[str, Any] = {"machine": machine(), "jobs": args.jobs, "corpus": [str(c) for c in corpus], "sizes": []}
    for n in sizes:
        row = run_size(corpus, n, int(n * args.increment), args.out / f"n{n}", args.jobs, args.queries,
                       cli_runs=args.cli_runs)
        report["sizes"].append(row)
        print(json.dumps(row), flush=True)
        (args.out / "scale.json").write_text(json.dumps(report, indent=2))
        (args.out / "scale.md").write_text(markdown(report))
    print(f"wrote {args.out / 'scale.json'} and {args.out / 'scale.md'}")


if __name__ == "__main__":
    main()
