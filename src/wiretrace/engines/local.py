"""The local engine: one machine, an embedded DuckDB store, optional worker processes.

Orchestration only: every detection step is a pure function from the pipeline modules. Each stage
commits to the store before the next starts, so an interrupted scan is resumed by running it again.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from ..candidates import candidate_pairs
from ..cluster import Edge, build_clusters, grade_articles
from ..model import Article, PairResult, QuarantineEntry
from ..pipeline import Prepared, compare_prepared, prepare
from ..read import ReadOptions, iter_articles
from ..settings import DEFAULT, Settings
from ..store import Store

if TYPE_CHECKING:
    from ..semantic import Semantic

log = logging.getLogger(__name__)

Progress = Callable[[str, int, "int | None"], None]
"""progress(stage, done, total): called as work advances; the CLI draws bars from it."""


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass
class ScanResult:
    """What a scan did, for the CLI summary and for tests."""

    out_dir: Path
    store: Path
    read: int = 0
    new: int = 0
    skipped_known: int = 0
    candidates: int = 0
    related: int = 0
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    report: Path | None = None


class _Timer:
    def __init__(self, result: ScanResult, stage: str) -> None:
        self.result, self.stage = result, stage

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.result.seconds[self.stage] = round(time.perf_counter() - self.t0, 3)
        log.info("stage %s took %.2fs", self.stage, self.result.seconds[self.stage])


def ingest(store: Store, articles: Iterable[Article], settings: Settings, result: ScanResult,
           progress: Progress, batch: int = 500, semantic: Semantic | None = None) -> dict[str, Prepared]:
    """Prepare the articles the store does not have yet and add them (uncompared)."""
    known = store.known_ids()
    prepared: dict[str, Prepared] = {}
    rows = []
    for article in articles:
        result.read += 1
        if article.id in known:
            result.skipped_known += 1
            continue
        p = prepare(article, settings, semantic)
        prepared[article.id] = p
        rows.append((article, len(p.doc.content), p.fp.signature, p.fp.winnowed))
        if len(rows) >= batch:
            store.add_articles(rows)
            rows = []
        progress("read", result.read, None)
    store.add_articles(rows)
    progress("read", result.read, result.read)
    result.new = len(prepared)
    return prepared


def _compare_chunk(args: tuple[list[tuple[Article, Article]], Settings, "Semantic | None", dict]) -> list[PairResult]:
    pairs, settings, semantic, vectors = args
    cache: dict[str, Prepared] = {}

    def get(a: Article) -> Prepared:
        if a.id not in cache:
            cache[a.id] = prepare(a, settings)
            cache[a.id].vectors = vectors.get(a.id)  # embedded once, in the parent
        return cache[a.id]

    return [r for a, b in pairs
            if (r := compare_prepared(get(a), get(b), settings, semantic)).relation != "unrelated"]


def compare_candidates(store: Store, prepared: dict[str, Prepared], settings: Settings, result: ScanResult,
                       progress: Progress, jobs: int = 1, semantic: Semantic | None = None) -> None:
    """Find candidates for uncompared articles, align them, and commit related pairs."""
    ids, sigs, wins = store.fingerprints()
    pending = set(store.uncompared_ids())
    if not pending:
        progress("align", 0, 0)
        return
    new_mask = np.fromiter((i in pending for i in ids), dtype=bool, count=len(ids))
    pairs = candidate_pairs(sigs, wins, settings, new_mask) if len(ids) > 1 else np.zeros((0, 2), np.int64)
    if semantic is not None:  # embedding neighbours need every article's vectors
        for article in store.articles([x for x in ids if x not in prepared]):
            prepared[article.id] = prepare(article, settings, semantic)
        pairs = semantic.candidates(pairs, [prepared[x] for x in ids], settings, new_mask)
    result.candidates = len(pairs)
    needed = {ids[i] for pair in pairs for i in pair}
    missing = [x for x in needed if x not in prepared]
    for article in store.articles(missing):
        prepared[article.id] = prepare(article, settings, semantic)

    related: list[PairResult] = []
    total = len(pairs)
    if jobs > 1 and total > 200:
        chunk = max(50, total // (jobs * 8))
        work = [([(prepared[ids[i]].doc.article, prepared[ids[j]].doc.article) for i, j in pairs[s:s + chunk]],
                 settings, semantic, {ids[x]: prepared[ids[x]].vectors for x in np.unique(pairs[s:s + chunk])
                                      if semantic is not None}) for s in range(0, total, chunk)]
        done = 0
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for (items, *_), found in zip(work, pool.map(_compare_chunk, work)):
                related.extend(found)
                done += len(items)
                progress("align", done, total)
    else:
        for n, (i, j) in enumerate(pairs, 1):
            r = compare_prepared(prepared[ids[i]], prepared[ids[j]], settings, semantic)
            if r.relation != "unrelated":
                related.append(r)
            progress("align", n, total)
    result.related = len(related)
    store.add_pairs(related, sorted(pending))


def recluster(store: Store, settings: Settings) -> None:
    """Rebuild clusters, source trees, stories and article grades from the stored pairs."""
    edges = []
    for p in store.pairs(with_passages=False):
        copy_cov = p.scores.get("coverage_a" if p.source == p.b else "coverage_b", 0.0)
        edges.append(Edge(p.a, p.b, p.relation, p.source, p.direction_confidence, copy_cov))
    clusters = build_clusters(edges)
    grades = grade_articles(store.article_info(), store.reuse(), settings)
    store.replace_clusters(clusters, grades)


def write_outputs(store: Store, out_dir: Path, quarantine: Sequence[QuarantineEntry], passages: bool = True,
                  report: bool = True) -> Path | None:
    """Write pairs.jsonl, articles.jsonl, clusters.jsonl, quarantine.jsonl and the HTML report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs = store.pairs(with_passages=True)
    grades = store.grades()
    clusters = store.clusters()
    _write_jsonl(out_dir / "pairs.jsonl", (p.to_json(passages=passages) for p in pairs))
    _write_jsonl(out_dir / "articles.jsonl", (g.to_json() for g in grades))
    _write_jsonl(out_dir / "clusters.jsonl", (c.to_json() for c in clusters))
    _write_jsonl(out_dir / "quarantine.jsonl", (q.to_json() for q in quarantine))
    if not report:
        return None
    from ..report import render_report

    articles = {a.id: a for a in store.articles()}
    article_rows = [{**g.to_json(), "text": articles[g.id].text, "title": articles[g.id].title}
                    for g in grades]
    return render_report(out_dir / "report", article_rows, [p.to_json() for p in pairs],
                         [c.to_json() for c in clusters], quarantine=[q.to_json() for q in quarantine])


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def scan(inputs: Sequence[str | Path], out_dir: str | Path, store_path: str | Path | None = None,
         settings: Settings = DEFAULT, jobs: int = 1, progress: Progress | None = None,
         passages: bool = True, report: bool = True, read_options: ReadOptions | None = None,
         semantic: Semantic | None = None) -> ScanResult:
    """Read files/folders, then ``scan_articles`` them; unreadable inputs end up in quarantine.jsonl.

    ``read_options`` maps table columns onto article fields (default: the settings' size limits)."""
    quarantine: list[QuarantineEntry] = []
    options = read_options or ReadOptions.from_settings(settings)
    return scan_articles(iter_articles(inputs, quarantine, options), out_dir, store_path, settings, jobs, progress,
                         passages, report, quarantine, semantic)


def scan_articles(articles: Iterable[Article], out_dir: str | Path, store_path: str | Path | None = None,
                  settings: Settings = DEFAULT, jobs: int = 1, progress: Progress | None = None,
                  passages: bool = True, report: bool = True,
                  quarantine: list[QuarantineEntry] | None = None, semantic: Semantic | None = None) -> ScanResult:
    """Fingerprint, find candidates, align, relate, cluster; write the store and the outputs."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store_file = Path(store_path) if store_path else out / "wiretrace.duckdb"
    result = ScanResult(out_dir=out, store=store_file, quarantine=quarantine if quarantine is not None else [])
    progress = progress or _no_progress
    with Store(store_file) as store:
        with _Timer(result, "read"):
            prepared = ingest(store, articles, settings, result, progress, semantic=semantic)
        with _Timer(result, "align"):
            compare_candidates(store, prepared, settings, result, progress, jobs, semantic)
        with _Timer(result, "cluster"):
            recluster(store, settings)
        with _Timer(result, "write"):
            result.report = write_outputs(store, out, result.quarantine, passages, report)
        result.counts = store.counts()
    return result
