"""The local engine: one machine, an embedded DuckDB store, optional worker processes.

Orchestration only: every detection step is a pure function from the pipeline modules. Each stage
commits to the store before the next starts, so an interrupted scan is resumed by running it again.
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections import OrderedDict, deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence, TypeVar

import numpy as np

from .. import arrays, outputs
from ..align import passages_of
from ..boilerplate import doc_ranks
from ..cluster import build_clusters, closure, grades_from_coverage
from ..errors import StaleOutputError
from ..model import Article, Document, PairResult, QuarantineEntry
from ..normalize import decode_spans, encode_spans, normalize
from ..pipeline import Prepared, compare_spans, prepare, tagged_to_compare
from ..postings import CandidateIndex, NewPostings, index_dir, open_index
from ..read import ReadOptions, iter_articles
from ..settings import DEFAULT, Settings
from ..store import FingerprintRows, PairRows, Store, pair_rows, publish_snapshot, withdraw_snapshots

if TYPE_CHECKING:
    from ..semantic import Semantic, Vectors

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

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
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    report: Path | None = None


def _cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (wall time lies on a busy machine)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class _Timer:
    def __init__(self, result: ScanResult, stage: str) -> None:
        self.result, self.stage = result, stage

    def __enter__(self) -> None:
        self.t0, self.cpu0 = time.perf_counter(), _cpu_seconds()

    def __exit__(self, *exc: object) -> None:
        self.result.seconds[self.stage] = round(time.perf_counter() - self.t0, 3)
        self.result.cpu_seconds[self.stage] = round(_cpu_seconds() - self.cpu0, 3)
        log.info("stage %s took %.2fs (%.2fs CPU)", self.stage, self.result.seconds[self.stage],
                 self.result.cpu_seconds[self.stage])


Fingerprinted = tuple[Article, int, np.ndarray, np.ndarray, "bytes | None"]
"""What the store keeps of a new article: the article, its content-token count, signature,
fingerprints and boilerplate spans (``normalize.encode_spans``; ``normalize`` tags a clipped text
again whatever was kept)."""


def _fingerprint_batch(args: tuple[list[Article], Settings]) -> list[tuple[int, np.ndarray, np.ndarray, bytes | None]]:
    """Normalise and fingerprint a batch (in a worker process): each article's content-token count,
    signature, winnowed fingerprints and boilerplate spans, in order (the parent has the articles:
    sending their text back would double what crosses the process boundary)."""
    articles, settings = args
    out = []
    for article in articles:
        p = prepare(article, settings)
        out.append((len(p.doc.content), p.fp.signature, p.fp.winnowed, encode_spans(p.doc.boilerplate)))
    return out


def _new_batches(articles: Iterable[Article], known: set[str], result: ScanResult,
                 batch: int) -> Iterator[list[Article]]:
    """Batches of articles the store does not hold yet; a repeated id is quarantined, not re-added."""
    seen: set[str] = set()
    rows: list[Article] = []
    for article in articles:
        result.read += 1
        if article.id in known:
            result.skipped_known += 1
        elif article.id in seen:
            where, _, line = (article.origin or "?").rpartition(":")
            result.quarantine.append(QuarantineEntry(
                where if line.isdigit() else (article.origin or "?"), f"duplicate article id {article.id!r}; "
                "the first one read was kept", int(line) if line.isdigit() else None))
        else:
            seen.add(article.id)
            rows.append(article)
            if len(rows) >= batch:
                yield rows
                rows = []
    if rows:
        yield rows


def ingest(store: Store, articles: Iterable[Article], settings: Settings, result: ScanResult,
           progress: Progress, batch: int | None = None, jobs: int = 1) -> None:
    """Fingerprint the articles the store does not have yet and add them (uncompared), batch by
    batch (``settings.ingest_batch`` unless ``batch``), each batch one transaction; with ``jobs`` > 1
    worker processes do the fingerprinting.

    One writer thread inserts and commits the batches, in order, while this thread reads and parses
    the next ones: DuckDB leaves the interpreter lock while it writes, and the parent's reading and
    its commits were a scan's serial bottleneck at a million articles. At most two batches wait."""
    batches = _new_batches(articles, store.known_ids(), result, batch or settings.ingest_batch)
    work = ((b, settings) for b in batches)
    writes: deque[tuple[int, Future[None]]] = deque()

    def settle(keep: int) -> None:
        while len(writes) > keep:
            n, future = writes.popleft()
            future.result()  # a failed write stops the scan here, with its error
            result.new += n
            progress("read", result.read, None)

    with _worker_pool(jobs) as pool, ThreadPoolExecutor(max_workers=1, thread_name_prefix="wiretrace-writer") as writer:
        done = _ordered_pairs(pool, _fingerprint_batch, work, 2 * jobs) if pool else \
            ((item, _fingerprint_batch(item)) for item in work)
        try:
            for (rows, _), found in done:
                fingerprinted: list[Fingerprinted] = [(a, *f) for a, f in zip(rows, found)]
                writes.append((len(rows), writer.submit(store.add_articles, fingerprinted)))
                settle(2)
        finally:  # the batches handed to the writer are committed (or fail) before the store is used again
            for _, future in writes:
                future.exception()
        settle(0)
    progress("read", result.read, result.read)


def _load_kernels() -> None:
    """Load the compiled kernels in this process before worker processes fork from it (each would
    otherwise import numba and load them itself, a second of CPU per worker and pool)."""
    from .. import _kernels, _prep_kernels

    _kernels.load()
    _prep_kernels.load()


def _ordered_pairs(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T],
                   ahead: int) -> Iterator[tuple[T, R]]:
    """``(item, fn(item))`` in input order, computed in ``pool`` with at most ``ahead`` tasks in
    flight (Python 3.11's ``pool.map`` reads its whole input first: a million articles in memory)."""
    pending: deque[tuple[T, Future[R]]] = deque()
    for item in items:
        pending.append((item, pool.submit(fn, item)))
        if len(pending) >= ahead:
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


def _ordered_map(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], ahead: int) -> Iterator[R]:
    """``pool.map`` with at most ``ahead`` tasks in flight (``_ordered_pairs`` without the items)."""
    return (result for _, result in _ordered_pairs(pool, fn, items, ahead))


class Chunk(NamedTuple):
    """A worker's task: candidate pairs of articles, the settings, the semantic stage and its vectors,
    the corpus boilerplate fingerprints, and the articles' boilerplate spans as ingest found them
    (id → ``normalize.encode_spans`` bytes; an article without them is tagged again)."""

    pairs: list[tuple[Article, Article]]
    settings: Settings
    semantic: "Semantic | None" = None
    vectors: dict = {}
    boilerplate: "np.ndarray | None" = None
    spans: dict[str, "bytes | None"] = {}


def _compared(args: Chunk) -> Iterator[tuple[PairResult, np.ndarray]]:
    """Align and relate a chunk of candidate pairs (in a worker process), preparing each article once:
    each related pair without ``Passage`` objects, and its passages as ``align.SPAN_COLUMNS`` rows.
    With a semantic stage, the vectors embedded once in the parent come along."""
    pairs, settings, semantic, vectors, boilerplate, kept = args
    tagged: dict[str, Prepared] = {}

    def get(a: Article) -> Prepared:
        if a.id not in tagged:  # embedded before tagging: tagging renumbers the paragraph vectors
            tagged[a.id] = tagged_to_compare(_normalized(a, settings, kept.get(a.id)), boilerplate, settings,
                                             vectors.get(a.id))
        return tagged[a.id]

    for a, b in pairs:
        result, spans = compare_spans(get(a), get(b), settings, semantic)
        if result.relation != "unrelated":
            yield result, spans


def _compare_chunk(args: Chunk) -> list[PairResult]:
    """The related pairs of a chunk (``_compared``) with their passages."""
    return [replace(r, passages=passages_of(spans)) for r, spans in _compared(args)]


def _compare_chunk_rows(args: Chunk) -> PairRows:
    """The related pairs of a chunk as the store's columns: what a worker sends back to the parent."""
    found = list(_compared(args))
    return pair_rows([r for r, _ in found], [spans for _, spans in found])


_NORMALIZED: OrderedDict[tuple[Article, Settings], Document] = OrderedDict()


def _normalized(article: Article, settings: Settings, spans: bytes | None = None) -> Document:
    """The article normalised (from its kept ``tag_boilerplate`` spans), from this process's cache of
    the ``align_cache`` most recently used ones: a group of connected pairs larger than a chunk spans
    consecutive chunks, and its articles are then normalised once, not per chunk. Keyed by the whole
    article (text included) and the settings, so another scan's article of the same id is never
    taken for it."""
    key = (article, settings)
    doc = _NORMALIZED.get(key)
    if doc is None:
        doc = _NORMALIZED[key] = normalize(article, settings, None if spans is None else decode_spans(spans))
        while len(_NORMALIZED) > settings.align_cache:
            _NORMALIZED.popitem(last=False)
    else:
        _NORMALIZED.move_to_end(key)
    return doc


def compare_candidates(store: Store, settings: Settings, result: ScanResult, progress: Progress, jobs: int = 1,
                       index_folder: Path | None = None, chunk: int = 200, semantic: Semantic | None = None) -> None:
    """Find candidates for uncompared articles, align them, and commit related pairs, wave by wave.

    Compared articles are looked up in the persistent candidate index (``postings``), so the cost
    grows with the new articles, not the store. Each wave of ``scan_wave`` new articles is one
    incremental step: its pairs and its ``compared`` flags are committed together, then the index
    on disk takes it in, so a killed scan loses at most one wave and memory holds one wave's postings.

    A thread finds the next wave's candidates (``_wave_candidates``, against the index in memory,
    which takes each wave in before it is aligned) while the workers align this one: done in turn,
    the workers waited for the parent at every wave (at a million articles 1.66 of 2 cores were
    busy aligning, 1.88 with the thread). With a semantic stage the waves are prepared in turn.
    """
    pending = store.uncompared_ids()
    if not pending:
        progress("align", 0, 0)
        return
    stored = open_index(store, index_folder, settings)
    waves = [pending[start:start + settings.scan_wave] for start in range(0, len(pending), settings.scan_wave)]
    vectors: dict[str, Vectors] = {}  # with a semantic stage: every article's embeddings, once per scan
    dates: dict[str, str | None] = {}

    def semantic_merge(pairs: np.ndarray, numbered: list[str], n_old: int) -> np.ndarray:
        """Embedding neighbours among all articles, paired with the wave only."""
        assert semantic is not None
        for article in store.articles([x for x in numbered if x not in vectors]):
            vectors[article.id] = prepare(article, settings, semantic).vectors
            dates[article.id] = article.date
        new = np.zeros(len(numbered), dtype=bool)
        new[n_old:] = True
        return semantic.merge_candidates(pairs, [vectors[x] for x in numbered], [dates[x] for x in numbered],
                                         settings, new)

    merge = semantic_merge if semantic is not None else None
    reader = store.reader() if merge is None else store
    ranks = np.zeros(0, dtype=np.int64)
    try:
        with _worker_pool(jobs) as pool, ThreadPoolExecutor(max_workers=1, thread_name_prefix="wiretrace-waves") as ahead:
            def find(k: int, ranks: np.ndarray) -> "Future[tuple[Wave, np.ndarray]]":
                if merge is None:
                    return ahead.submit(_wave_candidates, reader, stored.index, waves[k], ranks, settings)
                done: Future[tuple[Wave, np.ndarray]] = Future()
                done.set_result(_wave_candidates(store, stored.index, waves[k], ranks, settings, merge))
                return done

            upcoming = find(0, ranks)
            start = 0
            for k in range(len(waves)):
                wave, ranks = upcoming.result()
                stored.append(wave.rows, save=False, new=wave.postings)  # the next wave's candidates include this one
                if k + 1 < len(waves):
                    upcoming = find(k + 1, ranks)

                def advance(done: int, total: int, start: int = start, size: int = len(wave.rows.ids)) -> None:
                    progress("align", start + (size * done // total if total else size), len(pending))

                related = align_pairs(store, wave.numbered, wave.seqs, wave.pairs, settings, result, advance, jobs,
                                      chunk, semantic, vectors, wave.boilerplate, pool)
                store.add_pairs(related, wave.rows.seqs)
                stored.save()
                start += len(wave.rows.ids)
            upcoming.result()
    finally:
        if reader is not store:
            reader.close()


@dataclass(frozen=True)
class Wave:
    """A wave of new articles ready to align: their rows, every article's id and store number as
    the candidate pairs number them (the indexed ones, then the wave's), the pairs, and the corpus
    boilerplate fingerprints of the wave and of its old partners."""

    rows: FingerprintRows
    numbered: list[str]
    seqs: np.ndarray
    pairs: np.ndarray
    boilerplate: np.ndarray
    postings: NewPostings | None = None  # the wave's postings, sorted once for lookups and its segment


def _wave_candidates(store: Store, index: CandidateIndex, wave_ids: list[str], ranks: np.ndarray, settings: Settings,
                     merge: Callable[[np.ndarray, list[str], int], np.ndarray] | None = None) -> tuple[Wave, np.ndarray]:
    """The candidate pairs of a wave against ``index`` and among themselves, with their boilerplate;
    and ``ranks`` extended to the wave. Reads only: ``store`` may be a reader in another thread."""
    rows = store.fingerprints(wave_ids)
    n_old = len(index)
    numbered = index.ids + rows.ids
    seqs = np.asarray(index.seqs + rows.seqs, dtype=np.int64)  # the store's fast lookup key
    ranks = np.concatenate([ranks, doc_ranks(numbered[len(ranks):])])
    wave_keys = _unique_keys(rows.winnowed)

    def fetch(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _signatures(index, rows, docs, lambda d: store.signatures(seqs[d].tolist()))

    new = NewPostings.of(rows.signatures, rows.winnowed, settings)
    boilerplate = index.boilerplate(wave_keys, ranks, fetch, rows.winnowed, new)
    pairs = index.candidates(rows.signatures, rows.winnowed, boilerplate, ranks, new)
    if merge is not None:
        pairs = merge(pairs, numbered, n_old)
    old = arrays.unique(pairs[pairs < n_old]) if len(pairs) else np.zeros(0, np.int64)
    if len(old):  # the old partners' own fingerprints too, so their footers are tagged as well
        old_keys = arrays.setdiff(_unique_keys(store.fingerprints(seqs=seqs[old].tolist()).winnowed), wave_keys)
        boilerplate = arrays.union(boilerplate, index.boilerplate(old_keys, ranks, fetch, rows.winnowed, new))
    return Wave(rows, numbered, seqs, pairs, boilerplate, new), ranks


def _signatures(index: CandidateIndex, wave: FingerprintRows, docs: np.ndarray,
                read: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Signatures and content-token counts of articles numbered ``docs``: the indexed ones from the
    index's segments, the wave's (numbered after them) from its rows; ``read`` (the store) serves
    an index kept without them."""
    docs = np.asarray(docs, dtype=np.int64)
    n_old = len(index)
    if wave.sizes is None:
        return read(docs)
    old = docs < n_old
    try:
        old_sigs, old_sizes = index.signatures(docs[old])
    except ValueError:  # segments of an index written without signatures and sizes
        return read(docs)
    width = wave.signatures.shape[1] if wave.signatures.size else old_sigs.shape[1]
    sigs = np.empty((len(docs), width), dtype=np.uint32)
    sizes = np.empty(len(docs), dtype=np.int64)
    sigs[old], sizes[old] = old_sigs, old_sizes
    new = docs[~old] - n_old
    sigs[~old], sizes[~old] = wave.signatures[new], wave.sizes[new]
    return sigs, sizes


def _worker_pool(jobs: int) -> "ProcessPoolExecutor | nullcontext[None]":
    """Worker processes for alignment (none for one job), forked after the kernels are loaded."""
    if jobs <= 1:
        return nullcontext()
    _load_kernels()
    return ProcessPoolExecutor(max_workers=jobs)


def _unique_keys(winnowed: list[np.ndarray]) -> np.ndarray:
    return arrays.unique(np.concatenate(winnowed)) if winnowed else np.zeros(0, np.uint64)


def grouped_order(pairs: np.ndarray) -> np.ndarray:
    """An order of candidate pairs (rows i, j) that keeps each connected group of articles together,
    so that a chunk holds whole groups and prepares each article once, not once per chunk it is in
    (the stored result does not depend on the order)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    labels = np.arange(int(pairs.max()) + 1)
    while True:  # label propagation with pointer jumping: each article ends up with its group's smallest number
        low = np.minimum(labels[i], labels[j])
        new = labels.copy()
        np.minimum.at(new, i, low)
        np.minimum.at(new, j, low)
        new = new[new]
        if np.array_equal(new, labels):
            break
        labels = new
    return np.lexsort((j, i, labels[i]))


def align_pairs(store: Store, numbered: list[str], seqs: np.ndarray, pairs: np.ndarray, settings: Settings,
                result: ScanResult, advance: Callable[[int, int], None], jobs: int, chunk: int,
                semantic: Semantic | None = None, vectors: dict | None = None,
                boilerplate: np.ndarray | None = None, pool: ProcessPoolExecutor | None = None,
                read_block: int = 16) -> PairRows:
    """Align candidate pairs (rows of article numbers into ``numbered`` and ``seqs``, their ids and
    store numbers) in chunks, in ``pool``'s worker processes (or ``jobs`` new ones when there are
    several); returns the related pairs as the store's rows. ``boilerplate`` fingerprints tag the
    corpus boilerplate of each article before alignment. The articles of ``read_block`` chunks are
    read from the store in one query (a query per chunk cost more than the chunk's alignment at
    a million articles)."""
    ordered = pairs[grouped_order(pairs)]
    pair_ids = [(numbered[i], numbered[j]) for i, j in ordered.tolist()]
    result.candidates += len(pair_ids)

    def work() -> Iterator[Chunk]:
        block = chunk * read_block
        for first in range(0, len(pair_ids), block):
            found = store.articles_to_align(arrays.unique(seqs[ordered[first:first + block]]).tolist())
            arts = {a.id: a for a, _ in found}
            kept = {a.id: spans for a, spans in found}
            for begin in range(first, min(first + block, len(pair_ids)), chunk):
                part = [(arts[a], arts[b]) for a, b in pair_ids[begin:begin + chunk]]
                vecs = ({x.id: vectors[x.id] for pair in part for x in pair}
                        if semantic is not None and vectors else {})
                yield Chunk(part, settings, semantic, vecs, boilerplate,
                            {x.id: kept[x.id] for pair in part for x in pair})

    batches: list[PairRows] = []
    done = 0
    own = _worker_pool(jobs) if pool is None else nullcontext(pool)
    with own as workers:
        mapper = (_ordered_map(workers, _compare_chunk_rows, work(), 2 * jobs) if workers
                  else map(_compare_chunk_rows, work()))
        for found in mapper:
            batches.append(found)
            done = min(done + chunk, len(pair_ids))
            advance(done, len(pair_ids))
    advance(len(pair_ids), len(pair_ids))
    related = PairRows.concat(batches)
    result.related += len(related)
    return related


@dataclass(frozen=True)
class Reclustered:
    """What a recluster rewrote: everything (``full``) or the stories its new pairs touched."""

    full: bool
    articles: int  # articles whose cluster rows were recomputed (all linked ones when full)
    clusters: int  # clusters written
    graded: int  # articles whose grade was recomputed


def recluster(store: Store, settings: Settings, full: bool = False) -> Reclustered:
    """Bring clusters, source trees, stories and article grades up to date with the stored pairs.

    Incrementally when the store says up to which article they are current (``clustered_seq``):
    only the stories holding an article of a pair added since are rebuilt (``cluster.closure``;
    untouched clusters keep their rows and their content-derived ids), and only the grades of
    articles in such pairs; the result equals a full rebuild. ``full`` rebuilds everything."""
    upto = store.clustered_upto()
    since = None if full else store.clustered_seq()
    if since is None:
        clusters = build_clusters(store.edges())
        grades = grades_from_coverage(store.article_info(), store.reuse_coverage(), settings)
        store.replace_clusters(clusters, grades, upto=upto)
        return Reclustered(True, sum(len(c.members) for c in clusters), len(clusters), len(grades))
    new, paired = store.changes_since(since)
    region = closure(paired, store.linked) if paired else set()
    clusters = build_clusters(store.edges(region)) if region else []
    graded = new | paired
    grades = grades_from_coverage(store.article_info(graded), store.reuse_coverage(graded), settings)
    store.replace_clusters(clusters, grades, region=region, graded=graded, upto=upto)
    return Reclustered(False, len(region), len(clusters), len(grades))


def write_outputs(store: Store, out_dir: Path, quarantine: Sequence[QuarantineEntry], passages: bool = True,
                  report: bool = True) -> Path | None:
    """Write pairs.jsonl, articles.jsonl, clusters.jsonl, quarantine.jsonl and the HTML report;
    the three whole-store files are encoded by DuckDB straight from the tables."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_pairs(store, out_dir / "pairs.jsonl", passages)
    store.write_articles_jsonl(out_dir / "articles.jsonl")
    store.write_clusters_jsonl(out_dir / "clusters.jsonl")
    _write_jsonl(out_dir / "quarantine.jsonl", (q.to_json() for q in quarantine))
    if not report:
        return None
    from ..report import render_report

    grades = store.grades()
    clusters = store.clusters()
    pairs = store.pairs(with_passages=True)  # the report pages need them all (use --no-report at scale)

    articles = {a.id: a for a in store.articles()}
    article_rows = [{**g.to_json(), "text": articles[g.id].text, "title": articles[g.id].title}
                    for g in grades]
    return render_report(out_dir / "report", article_rows, [p.to_json() for p in pairs],
                         [c.to_json() for c in clusters], quarantine=[q.to_json() for q in quarantine])


def write_pairs(store: Store, path: Path, passages: bool = True) -> bool:
    """Write pairs.jsonl: when ``path`` is this store's file from an earlier scan (``outputs``
    state), only the pairs of articles added since are encoded and appended (they come last in the
    file's order, ``store.BY_ARRIVAL``), else all of them; True when appended. Either way the file
    is what a full rewrite gives; a full rewrite is swapped in atomically."""
    state = outputs.read_state(path)
    upto = store.clustered_upto()
    complete = upto == store.max_seq()  # every article compared: the state can describe the file
    appended = False
    if (state is not None and complete and state.store == store.token and state.passages == passages
            and state.upto <= upto and store.pair_count(state.upto) == state.pairs):
        new = path.with_name(path.name + ".new")
        try:
            store.write_pairs_jsonl(new, passages, after=state.upto)
            outputs.forget_state(path)  # killed while appending: the next scan rewrites the file
            outputs.append_lines(path, new)
            appended = True
        except StaleOutputError as exc:
            log.warning("rewriting %s whole: %s", path, exc)
        finally:
            new.unlink(missing_ok=True)
    if not appended:
        store.write_pairs_jsonl(path, passages)
    log.info("%s %s", "appended new pairs to" if appended else "wrote", path)
    if complete:
        outputs.write_state(path, store.token, upto, store.pair_count(), passages)
    else:
        outputs.forget_state(path)
    return appended


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def scan(inputs: Sequence[str | Path], out_dir: str | Path, store_path: str | Path | None = None,
         settings: Settings = DEFAULT, jobs: int = 1, progress: Progress | None = None,
         passages: bool = True, report: bool = True, read_options: ReadOptions | None = None,
         semantic: Semantic | None = None, snapshot: bool = True) -> ScanResult:
    """Read files/folders, then ``scan_articles`` them; unreadable inputs end up in quarantine.jsonl.

    ``read_options`` maps table columns onto article fields (default: the settings' size limits)."""
    quarantine: list[QuarantineEntry] = []
    options = read_options or ReadOptions.from_settings(settings)
    return scan_articles(iter_articles(inputs, quarantine, options), out_dir, store_path, settings, jobs, progress,
                         passages, report, quarantine, semantic, snapshot)


def scan_articles(articles: Iterable[Article], out_dir: str | Path, store_path: str | Path | None = None,
                  settings: Settings = DEFAULT, jobs: int = 1, progress: Progress | None = None,
                  passages: bool = True, report: bool = True,
                  quarantine: list[QuarantineEntry] | None = None, semantic: Semantic | None = None,
                  snapshot: bool = True) -> ScanResult:
    """Fingerprint, find candidates, align, relate, cluster; write the store and the outputs; then
    publish a snapshot for readers (``snapshot``; unless the store is unchanged), or withdraw the
    published ones so that no reader reads a stale store."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store_file = Path(store_path) if store_path else out / "wiretrace.duckdb"
    result = ScanResult(out_dir=out, store=store_file, quarantine=quarantine if quarantine is not None else [])
    progress = progress or _no_progress
    with Store(store_file, wait=settings.store_lock_wait, memory_limit=settings.store_memory_limit) as store:
        with _Timer(result, "read"):
            ingest(store, articles, settings, result, progress, jobs=jobs)
        with _Timer(result, "align"):
            compare_candidates(store, settings, result, progress, jobs, index_dir(store_file), semantic=semantic)
        with _Timer(result, "cluster"):
            log.info("recluster: %s", recluster(store, settings))
        with _Timer(result, "write"):
            result.report = write_outputs(store, out, result.quarantine, passages, report)
        result.counts = store.counts()
        version = store.version()
    with _Timer(result, "snapshot"):
        if snapshot:
            publish_snapshot(store_file, version)
        else:
            withdraw_snapshots(store_file)
    return result
