"""The systems ``bench run`` compares, each run in a process of its own so its peak RSS is its own.

    python -m wiretrace.bench.systems SYSTEM ARTICLES.jsonl OUT_DIR

writes ``OUT_DIR/SYSTEM.json`` (seconds per stage, candidates, peak RSS) and
``OUT_DIR/SYSTEM.pairs.jsonl`` (one predicted pair per line; wiretrace's carry relation, source
and passages). Systems:

- ``wiretrace``: the pipeline functions the engines use, stage by stage — ``fingerprint``
  (normalise + fingerprint), ``candidates`` (corpus boilerplate, then LSH + fingerprint index with
  hubs), ``align`` (tag boilerplate, align and relate every candidate, passages as span rows as a
  scan's workers keep them), ``cluster``.
- ``wiretrace-semantic``: the same with the ``semantic`` extra: an ``embed`` stage (every article's
  paragraphs embedded in one length-sorted run, repeated paragraphs once), embedding neighbours
  merged into the candidates, and the stage's passages and ``same_story`` in ``align``. Not in the
  default set (it costs minutes per thousand articles): ``--systems wiretrace,wiretrace-semantic``.
- ``wiretrace-scan-N``: the product as a user runs it, ``wiretrace scan --jobs N --no-report`` on the
  corpus file into a fresh DuckDB store: reading and JSON parsing included, N worker processes
  (the peers have no parallel mode); stages ``read``, ``align`` (candidates found wave by wave
  inside it), ``cluster``, ``write``, ``snapshot``; scored like ``wiretrace``.
- ``datasketch-T``: datasketch 2.0.0 ``MinHash`` (128 permutations) over lower-cased word 5-gram
  shingles, ``MinHashLSH`` at threshold T (its own optimal bands), then the pairs whose estimated
  Jaccard reaches T — what a user deduplicating with it keeps. Stages ``shingle``, ``minhash``,
  ``lsh`` (insert + query), ``verify``.
- ``rensa-T``: rensa 0.5.0 ``RMinHash``/``RMinHashLSH`` on the same shingles (bands: the divisor of 128 whose
  LSH threshold is nearest T, as rensa requires), then the same Jaccard check.

Articles are loaded before the clock starts; every system sees the same texts in the same order.
Each system's libraries are loaded before its clock starts too (datasketch and rensa imported,
wiretrace's compiled kernels loaded from numba's cache, as a scan does before it forks workers);
that one-off cost is recorded apart as ``load_cpu_seconds``, outside the stages and their totals.
Each stage's wall and CPU seconds are recorded (CPU time depends far less on a shared machine's load).
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

SYSTEMS = ("wiretrace", "wiretrace-scan-2", "datasketch-0.5", "datasketch-0.8", "rensa-0.5")
NUM_PERM = 128
SHINGLE = 5
_WORD = re.compile(r"\w+")


def load_articles(path: Path) -> list[dict[str, Any]]:
    """The generated articles (``id``, ``text``, ``title``, ``date``, ``outlet``), in file order."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Clock:
    """Wall and CPU seconds per named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self.load_cpu_seconds = 0.0

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Loading a system's libraries: timed apart from the stages."""
        c0 = time.process_time()
        yield
        self.load_cpu_seconds = round(self.load_cpu_seconds + time.process_time() - c0, 4)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0, c0 = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - t0, 4)
        self.cpu_seconds[name] = round(self.cpu_seconds.get(name, 0.0) + time.process_time() - c0, 4)


def shingles(text: str, k: int = SHINGLE) -> list[str]:
    """Distinct lower-cased word k-grams: the shingles MinHash deduplication is usually run on."""
    words = _WORD.findall(text.lower())
    return list({" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))})


def run_wiretrace(articles: list[dict[str, Any]], clock: Clock, semantic: bool = False) -> tuple[int, list[dict[str, Any]]]:
    """wiretrace's pipeline stage by stage, with the semantic stage when ``semantic``; returns
    (candidate pairs, related pairs as compare objects)."""
    import numpy as np

    with clock.loading():
        from ..align import passages_of
        from ..boilerplate import corpus_boilerplate, doc_ranks
        from ..candidates import candidate_pairs
        from ..cluster import Edge, build_clusters
        from ..engines.local import _load_kernels
        from ..model import Article
        from ..pipeline import compare_spans, prepare, with_boilerplate
        from ..settings import DEFAULT

        _load_kernels()

    with clock.stage("fingerprint"):
        prepared = [prepare(Article(id=a["id"], text=a["text"], title=a.get("title"), date=a.get("date"),
                                    outlet=a.get("outlet")), DEFAULT) for a in articles]
    stage = None
    if semantic:
        from ..semantic import load_semantic

        stage = load_semantic()  # loading the model (about 0.3 s) is not part of the embed stage
        with clock.stage("embed"):
            for p, vectors in zip(prepared, stage.vectors([p.doc for p in prepared])):
                p.vectors = vectors
    with clock.stage("candidates"):  # corpus boilerplate, then LSH + fingerprints with hubs, as the engines do
        sigs = np.stack([p.fp.signature for p in prepared])
        wins = [p.fp.winnowed for p in prepared]
        ranks = doc_ranks([p.id for p in prepared])
        boilerplate = corpus_boilerplate(wins, sigs, np.asarray([len(p.doc.content) for p in prepared]), ranks, DEFAULT)
        pairs = candidate_pairs(sigs, wins, DEFAULT, ranks=ranks, boilerplate=boilerplate)
        if stage is not None:
            pairs = stage.candidates(pairs, prepared, DEFAULT)
    related = []
    with clock.stage("align"):  # as a scan's workers do: passages stay span rows, no Passage objects
        tagged: dict[int, Any] = {}
        for i, j in pairs.tolist():
            for x in (i, j):
                if x not in tagged:
                    tagged[x] = with_boilerplate(prepared[x], boilerplate, DEFAULT, candidates=False)
            r, spans = compare_spans(tagged[i], tagged[j], DEFAULT, stage)
            if r.relation != "unrelated":
                related.append((r, spans))
    with clock.stage("cluster"):
        build_clusters([Edge(r.a, r.b, r.relation, r.source, r.direction_confidence,
                             r.scores.get("coverage_a" if r.source == r.b else "coverage_b", 0.0)) for r, _ in related])
    return len(pairs), [replace(r, passages=passages_of(spans)).to_json() for r, spans in related]


def run_scan(articles_path: Path, clock: Clock, jobs: int) -> tuple[int, list[dict[str, Any]]]:
    """The product end to end: ``wiretrace scan --jobs N --no-report`` on the corpus file, into a
    fresh DuckDB store (reading and parsing included, unlike the in-memory systems); its stages."""
    import tempfile

    from ..engines.local import scan

    def cpu() -> float:  # this process and its reaped worker processes
        return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
                   for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))

    with tempfile.TemporaryDirectory(prefix="wiretrace-bench-") as tmp:
        c0 = cpu()
        result = scan([articles_path], tmp, jobs=jobs, report=False)
        clock.cpu_seconds["scan"] = round(cpu() - c0, 4)  # the scan's stages are not timed in CPU one by one
        for stage, seconds in result.seconds.items():
            clock.seconds[stage] = seconds
        pairs = [json.loads(line) for line in (Path(tmp) / "pairs.jsonl").open(encoding="utf-8") if line.strip()]
    return result.candidates, pairs


def rensa_bands(threshold: float, num_perm: int = NUM_PERM) -> int:
    """rensa needs bands that divide num_perm: the divisor whose LSH threshold (1/b)^(1/r) is nearest."""
    divisors = [b for b in range(1, num_perm + 1) if num_perm % b == 0]
    return min(divisors, key=lambda b: abs((1 / b) ** (b / num_perm) - threshold))


def _lsh_pairs(sketches: list[Any], index: Any, insert: Callable[[Any, int, Any], None],
               query: Callable[[Any, Any], list[Any]]) -> set[tuple[int, int]]:
    for k, m in enumerate(sketches):
        insert(index, k, m)
    found: set[tuple[int, int]] = set()
    for k, m in enumerate(sketches):
        for other in query(index, m):
            if other != k:
                found.add((min(k, other), max(k, other)))
    return found


def run_minhash(articles: list[dict[str, Any]], clock: Clock, library: str,
                threshold: float) -> tuple[int, list[dict[str, Any]]]:
    """datasketch or rensa MinHash + LSH; returns (LSH candidates, pairs with estimated Jaccard ≥ threshold)."""
    ids = [a["id"] for a in articles]
    with clock.loading():
        if library == "datasketch":
            from datasketch import MinHash, MinHashLSH
        else:
            from rensa import RMinHash, RMinHashLSH
    with clock.stage("shingle"):
        sets = [shingles(a["text"]) for a in articles]
    if library == "datasketch":
        with clock.stage("minhash"):
            sketches = []
            for s in sets:
                m = MinHash(num_perm=NUM_PERM, seed=1)
                m.update_batch([x.encode("utf-8") for x in s])
                sketches.append(m)
        with clock.stage("lsh"):
            index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
            found = _lsh_pairs(sketches, index, lambda ix, k, m: ix.insert(k, m), lambda ix, m: ix.query(m))
    else:
        with clock.stage("minhash"):
            sketches = []
            for s in sets:
                m = RMinHash(num_perm=NUM_PERM, seed=1)
                m.update(s)
                sketches.append(m)
        with clock.stage("lsh"):
            index = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=rensa_bands(threshold))
            found = _lsh_pairs(sketches, index, lambda ix, k, m: ix.insert(k, m), lambda ix, m: ix.query(m))
    with clock.stage("verify"):
        kept = []
        for i, j in sorted(found):
            jaccard = sketches[i].jaccard(sketches[j])
            if jaccard >= threshold:
                kept.append({"a": ids[i], "b": ids[j], "relation": "duplicate", "scores": {"jaccard": jaccard}})
    return len(found), kept


def run_system(name: str, articles_path: Path, out_dir: Path) -> dict[str, Any]:
    """Run one system on the corpus and write its figures and pairs into ``out_dir``."""
    articles = load_articles(articles_path)
    clock = Clock()
    if name in ("wiretrace", "wiretrace-semantic"):
        candidates, pairs = run_wiretrace(articles, clock, semantic=name == "wiretrace-semantic")
        candidate_stages: tuple[str, ...] = ("fingerprint", "candidates")
    elif name.startswith("wiretrace-scan-"):
        candidates, pairs = run_scan(articles_path, clock, int(name.rpartition("-")[2]))
        candidate_stages = ()  # a scan finds candidates wave by wave inside its align stage
    else:
        library, _, threshold = name.partition("-")
        if library not in ("datasketch", "rensa") or not threshold:
            raise ValueError(f"unknown system {name!r} (expected one of {', '.join(SYSTEMS)} or LIBRARY-THRESHOLD)")
        candidates, pairs = run_minhash(articles, clock, library, float(threshold))
        candidate_stages = ("shingle", "minhash", "lsh")
    n = len(articles)
    total = sum(clock.seconds.values())
    candidate_seconds = sum(clock.seconds[s] for s in candidate_stages)
    cpu = sum(clock.cpu_seconds.values())
    figures = {
        "seconds": clock.seconds, "cpu_seconds": clock.cpu_seconds, "total_seconds": round(total, 3),
        "total_cpu_seconds": round(cpu, 3), "load_cpu_seconds": clock.load_cpu_seconds, "docs_per_cpu_s": round(n / cpu, 1) if cpu else None,
        "docs_per_s": round(n / total, 1) if total else None,
        "candidate_seconds": round(candidate_seconds, 3),
        "candidate_docs_per_s": round(n / candidate_seconds, 1) if candidate_seconds else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "candidates": candidates, "pairs": len(pairs),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / f"{name}.pairs.jsonl").open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    (out_dir / f"{name}.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    run_system(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
