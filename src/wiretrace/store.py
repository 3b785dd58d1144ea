"""The embedded DuckDB store: articles with their fingerprints, related pairs, passages, clusters.

Every write is one transaction, so a killed run leaves the store as it was before that step. An
article is ``compared`` only once the pairs it forms with every earlier article are committed with
it; a rerun picks up articles left uncompared, so an interrupted scan resumes without duplicates.
"""

from __future__ import annotations

import copy
import errno
import json
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

import duckdb
import numpy as np
import pyarrow as pa

from .align import KINDS, SPAN_COLUMNS, spans_of
from .cluster import Coverage, Edge, Reuse, cluster_order
from .errors import NotFoundError, StoreError
from .model import Article, ArticleGrade, Cluster, Passage, PairResult
from .settings import DEFAULT

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
PAIRS_PER_SLICE = 100_000  # pairs.jsonl is written this many pairs at a time (bounded DuckDB memory)
CHECKPOINT_THRESHOLD = "256MB"  # a 50k-article ingest: 9.3 s parent CPU and 29.8 s wall at 16 MB, 7.4 and 23.5 here

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, seq BIGINT, title VARCHAR, date VARCHAR, outlet VARCHAR, url VARCHAR,
    origin VARCHAR, text VARCHAR, meta VARCHAR, n_content INTEGER, signature BLOB, winnowed BLOB,
    compared BOOLEAN DEFAULT FALSE, boilerplate BLOB
);
CREATE TABLE IF NOT EXISTS pairs (
    a VARCHAR, b VARCHAR, relation VARCHAR, degree VARCHAR, source VARCHAR,
    direction_confidence DOUBLE, scores VARCHAR, reasons VARCHAR, direction_reasons VARCHAR,
    new_in_a VARCHAR, new_in_b VARCHAR, PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS passages (
    a VARCHAR, b VARCHAR, idx INTEGER, kind VARCHAR, a_start INTEGER, a_end INTEGER,
    b_start INTEGER, b_end INTEGER, a_tok0 INTEGER, a_tok1 INTEGER, b_tok0 INTEGER, b_tok1 INTEGER
);
CREATE TABLE IF NOT EXISTS clusters (cluster VARCHAR, article VARCHAR, parent VARCHAR, story VARCHAR);
CREATE TABLE IF NOT EXISTS grades (
    id VARCHAR PRIMARY KEY, sources VARCHAR, reused_share DOUBLE, degree VARCHAR
);
"""


def _connect(path: str, read_only: bool, wait: float, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, retrying for up to ``wait`` seconds while another process holds its lock."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config={"memory_limit": memory_limit})
        except duckdb.Error as exc:
            locked = "lock" in str(exc).lower()
            if locked and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if locked:
                raise StoreError(f"{path}: store is locked by another process (a running scan?); "
                                 f"read its published snapshot instead, or wait for the scan to finish") from exc
            raise StoreError(f"{path}: cannot open store: {exc}") from exc


_INT_COLUMNS = ("seq", "idx", "n_content", "a_start", "a_end", "b_start", "b_end", "a_tok0", "a_tok1", "b_tok0",
                "b_tok1")
_TYPES = {**{name: pa.int64() for name in _INT_COLUMNS}, "signature": pa.binary(), "winnowed": pa.binary(),
          "boilerplate": pa.binary(),
          "compared": pa.bool_(), "direction_confidence": pa.float64(), "reused_share": pa.float64()}


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, columns: dict[str, list[Any]], name: str = "_rows") -> Iterator[str]:
    """Columns as an Arrow table the SQL can read as ``name``: bulk writes without executemany,
    which goes row by row and was the largest cost of a scan."""
    con.register(name, _arrow(columns))
    try:
        yield name
    finally:
        con.unregister(name)


@contextmanager
def _id_set(con: duckdb.DuckDBPyConnection, ids: Iterable[str] | None, name: str = "_ids") -> Iterator[str]:
    """A SQL condition on a column ``{col}`` keeping the rows whose value is in ``ids`` (all rows
    when ``ids`` is None), with the ids registered as a table for the query's duration."""
    if ids is None:
        yield "TRUE"
        return
    with _registered(con, {"id": sorted(ids)}, name):
        yield f"{{col}} IN (SELECT id FROM {name})"


_LATER = "greatest((SELECT seq FROM articles WHERE id = {table}.a), (SELECT seq FROM articles WHERE id = {table}.b))"
_EARLIER = "least((SELECT seq FROM articles WHERE id = {table}.a), (SELECT seq FROM articles WHERE id = {table}.b))"
BY_ARRIVAL = f"{_LATER}, {_EARLIER}".format(table="pairs")
"""pairs.jsonl's order: by the number (``seq``) of the pair's later article, then of its earlier
one. An incremental scan's pairs all come after the earlier ones, so it appends them to pairs.jsonl;
a full rewrite gives the same bytes."""

_PAIR_NUMBERS = ("SELECT p.a, p.b, greatest(x.seq, y.seq) AS later, least(x.seq, y.seq) AS earlier "
                 "FROM {pairs} p JOIN articles x ON x.id = p.a JOIN articles y ON y.id = p.b")
"""Each pair of ``{pairs}`` with its later and earlier article's numbers, by join (what ``BY_ARRIVAL``
orders by, for many pairs at once)."""

_CLUSTERED = "clustered_seq"
"""meta key: every article numbered up to it has its pairs reflected in the clusters and grades."""
_CLUSTER_ID = "c[0-9a-f]{16}"
"""What ``cluster.stable_id`` gives; a store with other cluster ids (older wiretrace) is reclustered whole."""

_ROUND = """
CREATE OR REPLACE TEMP MACRO wt_hi(x) AS (x * 134217729.0 - (x * 134217729.0 - x));
CREATE OR REPLACE TEMP MACRO wt_round_pos(x, m) AS (floor(x * m) + CASE
    WHEN x * m - floor(x * m) <> 0.5 THEN (x * m - floor(x * m) > 0.5)::INTEGER
    WHEN (wt_hi(x) * m - x * m) + (x - wt_hi(x)) * m <> 0 THEN ((wt_hi(x) * m - x * m) + (x - wt_hi(x)) * m > 0)::INTEGER
    ELSE (floor(x * m) % 2 = 1)::INTEGER END) / m;
CREATE OR REPLACE TEMP MACRO wt_round(x, m) AS (CASE WHEN isfinite(x) THEN sign(x) * wt_round_pos(abs(x), m) ELSE x END);
"""
"""``wt_round(x, 10000.0)`` is Python's ``round(x, 4)`` on doubles, bit for bit: DuckDB's ``round``
rounds half away from zero after an inexact ``x * 10^4`` (0.03125 → 0.0313, Python 0.0312). Here
``x * m`` is split exactly (Veltkamp: the high half times m is exact, so is the low half), and a
product that lands on .5 is settled by the sign of its rounding error, an exact tie to even."""


def _arrow(columns: dict[str, list[Any]]) -> pa.Table:
    """Columns of Python values as an Arrow table, typed as the store's columns."""
    return pa.table({col: pa.array(values, type=_TYPES.get(col, pa.string())) for col, values in columns.items()})


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]) -> None:
    """Bulk-insert rows given as columns (names as in the table)."""
    _insert_table(con, table, _arrow(columns))


def _insert_table(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Bulk-insert an Arrow table whose column names are the table's."""
    con.register("_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


_PASSAGE_COLUMNS = ("pair", "idx", *SPAN_COLUMNS)
_PAIR_COLUMNS = ("a", "b", "relation", "degree", "source", "direction_confidence", "scores", "reasons",
                 "direction_reasons", "new_in_a", "new_in_b")


@dataclass
class PairRows:
    """Related pairs as the store's columns, with their passages as one integer array (columns
    ``_PASSAGE_COLUMNS``: the pair's row number, the passage's number in it, ``align.SPAN_COLUMNS``):
    what a worker process sends back (a few arrays pickle in a fraction of the time of
    ``PairResult`` objects with their ``Passage`` lists) and what ``Store.add_pairs`` inserts."""

    pairs: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in _PAIR_COLUMNS})
    passages: np.ndarray = field(default_factory=lambda: np.zeros((0, len(_PASSAGE_COLUMNS)), np.int64))

    def __len__(self) -> int:
        return len(self.pairs["a"])

    @classmethod
    def concat(cls, batches: Sequence["PairRows"]) -> "PairRows":
        """One batch of several (each batch's passages renumbered after the pairs before it)."""
        out = cls()
        parts, offset = [out.passages], 0
        for batch in batches:
            for name, values in batch.pairs.items():
                out.pairs[name].extend(values)
            shifted = batch.passages.copy()
            shifted[:, 0] += offset
            parts.append(shifted)
            offset += len(batch)
        out.passages = np.concatenate(parts)
        return out

    def passage_table(self) -> pa.Table:
        """The passages as the ``passages`` table's columns (each row's pair ids looked up by number)."""
        column = dict(zip(_PASSAGE_COLUMNS, self.passages.T))
        which = pa.array(column.pop("pair"))
        out = {"a": pa.array(self.pairs["a"], pa.string()).take(which),
               "b": pa.array(self.pairs["b"], pa.string()).take(which),
               "kind": pa.array(KINDS, pa.string()).take(pa.array(column.pop("kind")))}
        out.update({name: pa.array(values) for name, values in column.items()})
        return pa.table(out)


def pair_rows(results: Sequence[PairResult], spans: Sequence[np.ndarray] | None = None) -> PairRows:
    """``PairRows`` of related pairs: JSON columns encoded, passages flattened (given as
    ``align.SPAN_COLUMNS`` rows per pair, or taken from each result's ``passages``)."""
    dumps = json.dumps
    pairs = {"a": [r.a for r in results], "b": [r.b for r in results], "relation": [r.relation for r in results],
             "degree": [r.degree for r in results], "source": [r.source for r in results],
             "direction_confidence": [r.direction_confidence for r in results],
             "scores": [dumps(r.scores) for r in results], "reasons": [dumps(r.reasons) for r in results],
             "direction_reasons": [dumps(r.direction_reasons) for r in results],
             "new_in_a": [dumps(r.new_in_a) for r in results], "new_in_b": [dumps(r.new_in_b) for r in results]}
    per_pair = list(spans) if spans is not None else [spans_of(r.passages) for r in results]
    sizes = np.asarray([len(x) for x in per_pair], dtype=np.int64)
    numbers = np.repeat(np.arange(len(per_pair), dtype=np.int64), sizes)
    within = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    flat = np.concatenate(per_pair) if per_pair else np.zeros((0, len(SPAN_COLUMNS)), np.int64)
    return PairRows(pairs, np.column_stack([numbers, within, flat.reshape(-1, len(SPAN_COLUMNS))]).astype(np.int64))

def _sql_text(text: str) -> str:
    """``text`` inside a SQL string literal (COPY takes no parameter for its file name)."""
    return text.replace("'", "''")


class FingerprintRows(NamedTuple):
    """What candidate search needs of stored articles, in insertion order."""

    ids: list[str]
    seqs: list[int]  # insertion numbers: the fast way back to an article (``Store.articles(seqs=...)``)
    signatures: np.ndarray
    winnowed: list[np.ndarray]
    sizes: np.ndarray | None = None  # content-token counts (int64), when read with them


_ARTICLE_COLUMNS = "id, text, title, date, outlet, url, origin, meta"


def _article(row: Sequence[Any]) -> Article:
    """An ``Article`` of a row whose first columns are ``_ARTICLE_COLUMNS``."""
    return Article(id=row[0], text=row[1], title=row[2], date=row[3], outlet=row[4], url=row[5], origin=row[6],
                   meta=json.loads(row[7]) if row[7] else {})


class Store:
    """A wiretrace store in one DuckDB file (``:memory:`` for a throwaway one)."""

    def __init__(self, path: str | Path, read_only: bool = False, wait: float = 0.0,
                 memory_limit: str = DEFAULT.store_memory_limit) -> None:
        """``memory_limit`` bounds DuckDB's buffer pool (its own default is 80% of the machine's
        memory: a scan of a million articles held 7.8 GB of cached pages); pages beyond it are
        evicted or spilled, never lost."""
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store (run `wiretrace scan ... --store {self.path}` first)")
        self.con = _connect(self.path, read_only, wait, memory_limit)
        self.con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on stdout for long queries
        if not read_only:
            # DuckDB checkpoints (folds its write-ahead log into the file) once the log reaches 16 MB:
            # every few hundred articles, each time rewriting the grown id index; 256 MB of log is
            # replayed on the next open if a run is killed, and checkpointed on close.
            self.con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            self.con.execute(_SCHEMA)
            # a store made before articles kept their boilerplate spans: theirs stay NULL, recomputed
            self.con.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS boilerplate BLOB")
            self._check_version(create=True)
        else:
            self._check_version(create=False)

    def _check_version(self, create: bool) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a wiretrace store ({exc})") from exc
        if row is None and create:
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('token', ?)",
                             [SCHEMA_VERSION, uuid.uuid4().hex])
        elif row is None or row[0] != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {row and row[0]!r}, expected {SCHEMA_VERSION}")

    @property
    def token(self) -> str:
        """A random id given to the store when it was created: ties side files (index) to it."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'token'").fetchone()
        return row[0] if row else ""

    def close(self) -> None:
        self.con.close()

    def reader(self) -> "Store":
        """This store seen through a cursor of its own, for reads in another thread (a DuckDB
        connection serves one thread at a time); ``close`` closes only the cursor."""
        view = copy.copy(self)
        view.con = self.con.cursor()
        return view

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block of writes."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # --- articles ---------------------------------------------------------------------------

    def known_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT id FROM articles").fetchall()}

    def uncompared_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM articles WHERE NOT compared ORDER BY seq").fetchall()]

    def add_articles(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert new articles: rows of (article, content-token count, MinHash signature, winnowed
        fingerprints[, its ``normalize.encode_spans`` boilerplate spans or None])."""
        if not rows:
            return
        with self.transaction() as con:
            start = con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchall()[0][0]
            arts = [r[0] for r in rows]
            _insert(con, "articles", {
                "id": [a.id for a in arts], "seq": list(range(start + 1, start + 1 + len(rows))),
                "title": [a.title for a in arts], "date": [a.date for a in arts], "outlet": [a.outlet for a in arts],
                "url": [a.url for a in arts], "origin": [a.origin for a in arts], "text": [a.text for a in arts],
                "meta": [json.dumps(a.meta, default=str) for a in arts], "n_content": [r[1] for r in rows],
                "signature": [r[2].astype(np.uint32).tobytes() for r in rows],
                "winnowed": [r[3].astype(np.uint64).tobytes() for r in rows], "compared": [False] * len(rows),
                "boilerplate": [r[4] if len(r) > 4 else None for r in rows]})

    def compared_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles WHERE compared").fetchone()[0]  # type: ignore[index]

    def compared_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM articles WHERE compared ORDER BY seq").fetchall()]

    def fingerprints(self, ids: list[str] | None = None, compared: bool | None = None,
                     seqs: Sequence[int] | None = None) -> FingerprintRows:
        """Articles' ids and insertion numbers (in insertion order), signatures and winnowed
        fingerprints: all, those in ``ids`` or ``seqs``, or those (not) compared yet."""
        sql = "SELECT id, seq, signature, winnowed, n_content FROM articles"
        if compared is not None:
            rows = self.con.execute(sql + f" WHERE {'' if compared else 'NOT '}compared ORDER BY seq").fetchall()
        elif seqs is not None:
            rows = self.con.execute(sql + " WHERE seq = any(?::BIGINT[]) ORDER BY seq", [list(seqs)]).fetchall()
        elif ids is None:
            rows = self.con.execute(sql + " ORDER BY seq").fetchall()
        else:
            rows = self.con.execute(sql + " WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY seq", [list(ids)]).fetchall()
        sigs = np.stack([np.frombuffer(r[2], dtype=np.uint32) for r in rows]) if rows else np.zeros((0, 0), np.uint32)
        return FingerprintRows([r[0] for r in rows], [r[1] for r in rows], sigs,
                               [np.frombuffer(r[3], dtype=np.uint64) for r in rows],
                               np.asarray([r[4] for r in rows], dtype=np.int64))

    def signatures(self, seqs: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """MinHash signatures and content-token counts of the articles numbered ``seqs``, in the order
        given (all must exist)."""
        keys = [int(x) for x in seqs]
        rows = self.con.execute("SELECT seq, signature, n_content FROM articles WHERE seq = any(?::BIGINT[])",
                                [keys]).fetchall()
        found = {r[0]: r for r in rows}
        missing = [str(i) for i in keys if i not in found]
        if missing:
            raise NotFoundError(f"articles not in the store (seq): {', '.join(missing[:5])}")
        sigs = [np.frombuffer(found[i][1], dtype=np.uint32) for i in keys]
        return (np.stack(sigs) if sigs else np.zeros((0, 0), np.uint32),
                np.asarray([found[i][2] for i in keys], dtype=np.int64))

    def articles(self, ids: list[str] | None = None, seqs: Sequence[int] | None = None) -> list[Article]:
        """Articles in insertion order: all, those in ``ids``, or those numbered ``seqs`` (the fast
        lookup: DuckDB scans only the integer column for it, where ids cost a join over every id)."""
        if seqs is not None:
            rows = self.con.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles "
                                    "WHERE seq = any(?::BIGINT[]) ORDER BY seq",
                                    [[int(x) for x in seqs]]).fetchall()
        elif ids is None:
            rows = self.con.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq").fetchall()
        else:
            rows = self.con.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles "
                                    "WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY seq",
                                    [list(ids)]).fetchall()
        return [_article(r) for r in rows]

    def articles_to_align(self, seqs: Sequence[int]) -> list[tuple[Article, bytes | None]]:
        """``articles(seqs=...)`` with each one's boilerplate spans as ingest found them
        (``normalize.encode_spans``; None when not kept), so alignment need not tag them again."""
        rows = self.con.execute(f"SELECT {_ARTICLE_COLUMNS}, boilerplate FROM articles "
                                "WHERE seq = any(?::BIGINT[]) ORDER BY seq", [[int(x) for x in seqs]]).fetchall()
        return [(_article(r), r[-1]) for r in rows]

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def article_info(self, ids: Iterable[str] | None = None) -> dict[str, tuple[str | None, str | None, int]]:
        """id → (outlet, date, content-token count) of every article, or of those in ``ids``."""
        with _id_set(self.con, ids) as where:
            rows = self.con.execute("SELECT id, outlet, date, n_content FROM articles "
                                    f"WHERE {where.format(col='id')}").fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    # --- pairs ------------------------------------------------------------------------------

    def add_pairs(self, results: "PairRows | list[PairResult]", compared_seqs: Sequence[int]) -> None:
        """Store related pairs and their passages, and mark the articles numbered ``compared_seqs``
        done, atomically.

        The pairs are new: every pair a scan aligns involves an article not compared yet, and an
        article is marked compared in the same transaction as its pairs, so no row of them exists
        (a plain insert; it fails loudly, never duplicates, if that ever stops holding)."""
        rows = results if isinstance(results, PairRows) else pair_rows(results)
        with self.transaction() as con:
            if len(rows):
                _insert(con, "pairs", rows.pairs)
                if len(rows.passages):
                    _insert_table(con, "passages", rows.passage_table())
            if len(compared_seqs):
                con.execute("UPDATE articles SET compared = TRUE WHERE seq = any(?::BIGINT[])",
                            [[int(x) for x in compared_seqs]])

    def pairs(self, article_id: str | None = None, with_passages: bool = True) -> list[PairResult]:
        """Related pairs (all, or those involving one article), with passages if asked."""
        where, params = ("a = ? OR b = ?", [article_id, article_id]) if article_id is not None else ("TRUE", [])
        return self._pairs_where(where, params, with_passages)

    def edges(self, ids: Iterable[str] | None = None) -> list[Edge]:
        """Every related pair (or every one touching ``ids``) as a clustering ``Edge``
        (``cluster.edge_of``), in (a, b) order, read column by column: at a million articles, whole
        ``PairResult`` objects with their scores, reasons and spans would take gigabytes that
        clustering never looks at."""
        with _id_set(self.con, ids) as where:
            rows = self.con.execute(
                "SELECT a, b, relation, source, direction_confidence, coalesce(CASE WHEN source = b "
                "THEN json_extract(scores, '$.coverage_a') ELSE json_extract(scores, '$.coverage_b') END::DOUBLE, 0.0) "
                f"FROM pairs WHERE {where.format(col='a')} OR {where.format(col='b')} ORDER BY a, b").fetchall()
        return [Edge(*r) for r in rows]

    def iter_pairs(self, with_passages: bool = True, batch: int = 20_000) -> Iterator[PairResult]:
        """Every related pair in pairs.jsonl's order (``BY_ARRIVAL``), read about ``batch`` pairs at
        a time: a million pairs need one batch in memory, not all of them (at 100k articles, 4.6 GB)."""
        for where, params in self._pair_batches(batch):
            yield from self._pairs_where(where, params, with_passages, BY_ARRIVAL)

    def iter_pairs_json(self, with_passages: bool = True, batch: int = 20_000) -> Iterator[dict[str, Any]]:
        """``p.to_json(passages=with_passages)`` of every pair of ``iter_pairs``, built straight from
        the rows (no ``PairResult``/``Passage`` objects): what ``pairs.jsonl`` is written from."""
        for where, params in self._pair_batches(batch):
            passages: dict[tuple[str, str], list[dict[str, Any]]] = {}
            if with_passages:
                psql = ("SELECT a, b, kind, a_start, a_end, b_start, b_end FROM passages "
                        f"WHERE {where.format(table='passages')} ORDER BY a, b, idx")
                for a, b, kind, a0, a1, b0, b1 in self.con.execute(psql, params).fetchall():
                    passages.setdefault((a, b), []).append({"a": [a0, a1], "b": [b0, b1], "kind": kind})
            sql = ("SELECT a, b, relation, degree, source, direction_confidence, scores, reasons, "
                   f"direction_reasons, new_in_a, new_in_b FROM pairs WHERE {where.format(table='pairs')} "
                   f"ORDER BY {BY_ARRIVAL}")
            for a, b, relation, degree, source, confidence, scores, reasons, why, new_a, new_b in \
                    self.con.execute(sql, params).fetchall():
                out = {"a": a, "b": b, "relation": relation, "degree": degree, "source": source,
                       "direction_confidence": round(confidence, 4),
                       "scores": {k: round(v, 4) for k, v in json.loads(scores).items()},
                       "reasons": json.loads(reasons), "direction_reasons": json.loads(why)}
                if with_passages:
                    out["passages"] = passages.get((a, b), [])
                    out["new_in_a"] = json.loads(new_a)
                    out["new_in_b"] = json.loads(new_b)
                yield out

    def _pair_batches(self, batch: int) -> Iterator[tuple[str, list[Any]]]:
        """WHERE clauses (and parameters) selecting the pairs about ``batch`` at a time, by ranges
        of the later article's number (``_pair_slices``)."""
        for lo, hi in self._pair_slices(batch):
            yield (f"{_LATER} >= ?" + ("" if hi is None else f" AND {_LATER} < ?")), [lo] + ([] if hi is None else [hi])

    def _pairs_where(self, where: str, params: list[Any], with_passages: bool, order: str = "a, b") -> list[PairResult]:
        sql = ("SELECT a, b, relation, degree, source, direction_confidence, scores, reasons, "
               f"direction_reasons, new_in_a, new_in_b FROM pairs WHERE {where.format(table='pairs')} ORDER BY {order}")
        rows = self.con.execute(sql, params).fetchall()
        passages: dict[tuple[str, str], list[Passage]] = {}
        if with_passages:
            psql = ("SELECT a, b, kind, a_start, a_end, b_start, b_end, a_tok0, a_tok1, b_tok0, b_tok1 FROM passages "
                    f"WHERE {where.format(table='passages')} ORDER BY a, b, idx")
            for p in self.con.execute(psql, params).fetchall():
                passages.setdefault((p[0], p[1]), []).append(
                    Passage(a=(p[3], p[4]), b=(p[5], p[6]), kind=p[2], a_tokens=(p[7], p[8]), b_tokens=(p[9], p[10])))
        return [
            PairResult(a=r[0], b=r[1], relation=r[2], degree=r[3], source=r[4], direction_confidence=r[5],
                       scores=json.loads(r[6]), passages=passages.get((r[0], r[1]), []),
                       new_in_a=[tuple(x) for x in json.loads(r[9])], new_in_b=[tuple(x) for x in json.loads(r[10])],
                       reasons=json.loads(r[7]), direction_reasons=json.loads(r[8]))
            for r in rows
        ]

    def reuse(self) -> list[Reuse]:
        """For every directed related pair, the copy's reused content-token ranges."""
        rows = self.con.execute(
            "SELECT p.a, p.b, p.source, list(struct_pack(a0 := s.a_tok0, a1 := s.a_tok1, b0 := s.b_tok0, b1 := s.b_tok1)) "
            "FROM pairs p JOIN passages s ON p.a = s.a AND p.b = s.b "
            "WHERE p.source IS NOT NULL AND p.relation IN ('derived', 'duplicate') GROUP BY p.a, p.b, p.source"
        ).fetchall()
        out = []
        for a, b, source, spans in rows:
            if source == b:
                out.append(Reuse(a, b, [(s["a0"], s["a1"]) for s in spans]))
            else:
                out.append(Reuse(b, a, [(s["b0"], s["b1"]) for s in spans]))
        return out

    def reuse_coverage(self, ids: Iterable[str] | None = None) -> dict[str, Coverage]:
        """``reuse`` reduced in the store: per copy (every one, or those in ``ids``), how many of its
        content tokens its sources' passages cover (overlaps counted once) and the sources, as
        ``grade_articles`` counts them. At a million articles the ranges never reach Python."""
        with _id_set(self.con, ids) as where:
            rows = self.con.execute(f"""
                WITH pairs_of AS (  -- filtered before the join: 3x faster than after it at 100k
                    SELECT * FROM pairs p WHERE p.source IS NOT NULL AND p.relation IN ('derived', 'duplicate')
                    AND ({where.format(col='p.a')} OR {where.format(col='p.b')})),
                spans AS (
                    SELECT * FROM (
                        SELECT CASE WHEN p.source = p.b THEN p.a ELSE p.b END AS copy, p.source,
                               CASE WHEN p.source = p.b THEN s.a_tok0 ELSE s.b_tok0 END AS lo,
                               CASE WHEN p.source = p.b THEN s.a_tok1 ELSE s.b_tok1 END AS hi
                        FROM pairs_of p JOIN passages s ON p.a = s.a AND p.b = s.b)
                    WHERE {where.format(col='copy')}),
                clipped AS (
                    SELECT copy, source, least(greatest(lo, 0), coalesce(n.n_content, 0)) AS lo,
                           least(greatest(hi, 0), coalesce(n.n_content, 0)) AS hi
                    FROM spans LEFT JOIN articles n ON n.id = spans.copy),
                ordered AS (
                    SELECT copy, source, lo, hi, max(hi) OVER (PARTITION BY copy ORDER BY lo, hi
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                    FROM clipped)
                SELECT copy, sum(greatest(hi - greatest(lo, coalesce(reach, 0)), 0))::BIGINT,
                       list_sort(list_distinct(list(source)))
                FROM ordered GROUP BY copy""").fetchall()
        return {copy: Coverage(int(tokens), list(sources)) for copy, tokens, sources in rows}

    # --- clusters and grades ----------------------------------------------------------------

    def clustered_seq(self) -> int | None:
        """The seq up to which the clusters and grades reflect every pair (new pairs always involve
        a later article), or None when they must be rebuilt whole: never clustered, or clustered
        by a wiretrace that numbered clusters by rank."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [_CLUSTERED]).fetchone()
        if row is None:
            return None
        stale = self.con.execute("SELECT count(*) FROM clusters WHERE NOT regexp_full_match(cluster, ?)",
                                 [_CLUSTER_ID]).fetchone()[0]  # type: ignore[index]
        return None if stale else int(row[0])

    def changes_since(self, seq: int) -> tuple[set[str], set[str]]:
        """Articles numbered after ``seq``, and every article in a pair with one of them (new
        pairs since the clusters reflected ``seq``): whose clusters, stories and grades may change."""
        new = {r[0] for r in self.con.execute("SELECT id FROM articles WHERE seq > ?", [seq]).fetchall()}
        paired: set[str] = set()
        if new:
            with _id_set(self.con, new) as where:
                for a, b in self.con.execute(f"SELECT a, b FROM pairs WHERE {where.format(col='a')} "
                                             f"OR {where.format(col='b')}").fetchall():
                    paired.add(a)
                    paired.add(b)
        return new, paired

    def linked(self, ids: Iterable[str]) -> set[str]:
        """Articles in a related pair with any of ``ids``, and the members of the stored stories of
        any of them (one step of ``cluster.closure``, with whole known stories as a shortcut)."""
        with _id_set(self.con, ids) as where:
            a_in, b_in, art_in = where.format(col="a"), where.format(col="b"), where.format(col="article")
            rows = self.con.execute(
                f"SELECT b FROM pairs WHERE {a_in} UNION SELECT a FROM pairs WHERE {b_in} "
                "UNION SELECT article FROM clusters WHERE story IN "
                f"(SELECT story FROM clusters WHERE {art_in})").fetchall()
        return {r[0] for r in rows}

    def clustered_upto(self) -> int:
        """The largest seq up to which every article is compared: what the clusters reflect once
        rebuilt (a later article's pairs are all still to come)."""
        return int(self.con.execute(
            "SELECT coalesce((SELECT min(seq) FROM articles WHERE NOT compared) - 1, "
            "(SELECT max(seq) FROM articles), 0)").fetchone()[0])  # type: ignore[index]

    def replace_clusters(self, clusters: list[Cluster], grades: list[ArticleGrade],
                         region: Iterable[str] | None = None, graded: Iterable[str] | None = None,
                         upto: int | None = None) -> None:
        """Replace the cluster rows of the articles in ``region`` by ``clusters`` and the grades
        of those in ``graded`` by ``grades`` (None: all rows), and record that they reflect every
        pair up to seq ``upto``, in one transaction: untouched rows are left alone."""
        with self.transaction() as con:
            with _id_set(con, region) as where:
                con.execute(f"DELETE FROM clusters WHERE {where.format(col='article')}")
            rows = [(c.cluster, m, c.source_tree.get(m), c.story) for c in clusters for m in c.members]
            if rows:
                _insert(con, "clusters", {"cluster": [r[0] for r in rows], "article": [r[1] for r in rows],
                                          "parent": [r[2] for r in rows], "story": [r[3] for r in rows]})
            with _id_set(con, graded) as where:
                con.execute(f"DELETE FROM grades WHERE {where.format(col='id')}")
            if grades:
                _insert(con, "grades", {"id": [g.id for g in grades], "sources": [json.dumps(g.sources) for g in grades],
                                        "reused_share": [g.reused_share for g in grades],
                                        "degree": [g.degree for g in grades]})
            if upto is not None:
                con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [_CLUSTERED, str(upto)])

    def clusters(self) -> list[Cluster]:
        """Every cluster, largest first (``cluster.cluster_order``), members and roots sorted."""
        rows = self.con.execute("SELECT cluster, article, parent, story FROM clusters ORDER BY cluster, article").fetchall()
        by: dict[str, Cluster] = {}
        for cid, article, parent, story in rows:
            c = by.setdefault(cid, Cluster(cluster=cid, members=[], source_tree={}, roots=[], story=story))
            c.members.append(article)
            if parent:
                c.source_tree[article] = parent
            else:
                c.roots.append(article)
        return sorted(by.values(), key=cluster_order)

    def grades(self) -> list[ArticleGrade]:
        rows = self.con.execute(
            "SELECT a.id, a.outlet, a.date, g.sources, g.reused_share, g.degree "
            "FROM articles a LEFT JOIN grades g ON a.id = g.id ORDER BY a.seq").fetchall()
        return [ArticleGrade(r[0], r[1], r[2], json.loads(r[3]) if r[3] else [], r[4] or 0.0, r[5] or "none")
                for r in rows]

    # --- outputs: JSON lines written by DuckDB -------------------------------------------------

    def write_pairs_jsonl(self, path: str | Path, with_passages: bool = True, after: int | None = None) -> None:
        """pairs.jsonl: every pair's ``PairResult.to_json(with_passages)`` in the order pairs are
        found (``BY_ARRIVAL``), encoded by DuckDB (``iter_pairs_json`` is the row-by-row reference:
        parsed, the lines are equal, keys in the same order); at 100k articles 4x less CPU than
        Python's json. With ``after``, only the pairs of articles numbered after it: the lines an
        incremental scan appends.

        The pairs go a slice of their later articles at a time (``_pair_slices``): one query's lists
        of a million pairs' passages exceeded DuckDB's memory limit (2 GB) at a million articles. Each
        pair's two numbers are looked up once, into a temporary table the slices read."""
        target = Path(path)
        tmp, part = target.with_name(target.name + ".parts"), target.with_name(target.name + ".part")
        chosen = "pairs" if not after else (  # one IN test each: semi joins (with OR, 40x slower at 1M)
            "(SELECT a, b FROM pairs WHERE b IN (SELECT id FROM articles WHERE seq > $after) UNION "
            "SELECT a, b FROM pairs WHERE a IN (SELECT id FROM articles WHERE seq > $after))")
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _pair_order AS {_PAIR_NUMBERS.format(pairs=chosen)}",
                         {"after": after} if after else {})
        try:
            with tmp.open("wb") as out:
                for lo, hi in self._pair_slices(PAIRS_PER_SLICE, after or 0, table="_pair_order"):
                    self._write_pair_slice(part, with_passages, lo, hi)
                    with part.open("rb") as written:
                        shutil.copyfileobj(written, out, 1 << 20)
            part.unlink(missing_ok=True)
            tmp.replace(target)
        finally:
            self.con.execute("DROP TABLE IF EXISTS _pair_order")

    def _write_pair_slice(self, path: Path, with_passages: bool, lo: int, hi: int | None) -> None:
        """The pairs.jsonl lines of the pairs in ``_pair_order`` whose later article is numbered in
        [lo, hi) (hi None: no upper end)."""
        params = {"lo": lo, **({} if hi is None else {"hi": hi})}
        chosen = ("SELECT p.*, o.later, o.earlier FROM (SELECT * FROM _pair_order WHERE later >= $lo"
                  + ("" if hi is None else " AND later < $hi") + ") o JOIN pairs p ON p.a = o.a AND p.b = o.b")
        # the slice's passages: a semi join reads the passages table once (2x less than two IN tests)
        spans = "(SELECT s.* FROM passages s SEMI JOIN chosen c ON s.a = c.a AND s.b = c.b)"
        passages = (", coalesce(s.passages, []) AS passages, p.new_in_a::JSON AS new_in_a, "
                    "p.new_in_b::JSON AS new_in_b" if with_passages else "")
        joined = ("LEFT JOIN (SELECT a, b, list({'a': [a_start, a_end], 'b': [b_start, b_end], 'kind': kind} "
                  f"ORDER BY idx) AS passages FROM {spans} GROUP BY a, b) s ON s.a = p.a AND s.b = p.b"
                  if with_passages else "")
        self._copy_json(f"""
            WITH chosen AS ({chosen})
            SELECT p.a, p.b, p.relation, p.degree, p.source,
                   wt_round(p.direction_confidence, 10000.0) AS direction_confidence,
                   map_from_entries(list_transform(map_entries(json_transform(p.scores, '"MAP(VARCHAR, DOUBLE)"')),
                       lambda kv: {{'key': kv.key, 'value': wt_round(kv.value, 10000.0)}})) AS scores,
                   p.reasons::JSON AS reasons, p.direction_reasons::JSON AS direction_reasons{passages}
            FROM chosen p {joined} ORDER BY p.later, p.earlier""", path, params)

    def _pair_slices(self, size: int, after: int = 0, table: str | None = None) -> list[tuple[int, int | None]]:
        """Ranges [lo, hi) of the later article's number, after ``after``, holding about ``size``
        pairs each, in order (the last open-ended; none without such pairs). ``table`` holds each
        pair's ``later`` number already (``write_pairs_jsonl``)."""
        source = table or f"({_PAIR_NUMBERS.format(pairs='pairs')})"
        rows = self.con.execute(f"SELECT later, count(*) FROM {source} WHERE later > $after "
                                "GROUP BY later ORDER BY later", {"after": after}).fetchall()
        starts, held = [], size
        for seq, n in rows:
            if held >= size:
                starts.append(int(seq))
                held = 0
            held += n
        return [(lo, hi) for lo, hi in zip(starts, [*starts[1:], None])]

    def pair_count(self, upto: int | None = None) -> int:
        """How many related pairs the store holds (among articles numbered up to ``upto``, if given)."""
        if upto is None:
            return int(self.con.execute("SELECT count(*) FROM pairs").fetchone()[0])  # type: ignore[index]
        return int(self.con.execute(
            "SELECT count(*) FROM pairs WHERE a NOT IN (SELECT id FROM articles WHERE seq > $upto) "
            "AND b NOT IN (SELECT id FROM articles WHERE seq > $upto)", {"upto": upto}).fetchone()[0])  # type: ignore[index]

    def max_seq(self) -> int:
        """The number of the last article added (0 for an empty store)."""
        return int(self.con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])  # type: ignore[index]

    def write_articles_jsonl(self, path: str | Path) -> None:
        """articles.jsonl: every article's ``ArticleGrade.to_json()`` in insertion order (``grades``)."""
        self._copy_json("""
            SELECT a.id, a.outlet, a.date, coalesce(nullif(g.sources, ''), '[]')::JSON AS sources,
                   wt_round(coalesce(g.reused_share, 0.0), 10000.0) AS reused_share,
                   coalesce(nullif(g.degree, ''), 'none') AS degree
            FROM articles a LEFT JOIN grades g ON a.id = g.id ORDER BY a.seq""", path)

    def write_clusters_jsonl(self, path: str | Path) -> None:
        """clusters.jsonl: every ``Cluster.to_json()`` in ``clusters()`` order (largest first)."""
        self._copy_json("""
            SELECT cluster, list(article ORDER BY article) AS members,
                   coalesce(map_from_entries(list({'key': article, 'value': parent} ORDER BY article)
                       FILTER (WHERE coalesce(parent, '') <> '')), MAP {}) AS source_tree,
                   coalesce(list(article ORDER BY article) FILTER (WHERE coalesce(parent, '') = ''), []) AS roots,
                   min(story) AS story
            FROM clusters GROUP BY cluster ORDER BY count(*) DESC, min(article)""", path)

    def _copy_json(self, sql: str, path: str | Path, params: dict[str, Any] | None = None) -> None:
        """Write the rows of ``sql`` as JSON lines to ``path`` through a temporary file (readers of
        ``path`` see the old file or the new one, never half of one)."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        self.con.execute(_ROUND)
        self.con.execute(f"COPY ({sql}) TO '{_sql_text(str(tmp))}' (FORMAT JSON, COMPRESSION 'uncompressed')",
                         params or {})
        tmp.replace(target)

    def version(self) -> str:
        """What tells this store's content from an earlier state of it: its token, how many
        articles it has added and compared, its pairs, and what its clusters reflect (a snapshot
        of an unchanged store need not be copied again)."""
        row = self.con.execute(
            "SELECT coalesce(max(seq), 0), count(*) FILTER (WHERE compared), (SELECT count(*) FROM pairs), "
            "(SELECT count(*) FROM passages), (SELECT value FROM meta WHERE key = ?) FROM articles",
            [_CLUSTERED]).fetchone()
        return ":".join(str(x) for x in (self.token, *row))  # type: ignore[misc]

    def counts(self) -> dict[str, int]:
        q = self.con.execute
        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],  # type: ignore[index]
            "pairs": q("SELECT count(*) FROM pairs").fetchone()[0],  # type: ignore[index]
            "clusters": q("SELECT count(DISTINCT cluster) FROM clusters").fetchone()[0],  # type: ignore[index]
        }

    # --- integrity --------------------------------------------------------------------------

    def check(self) -> "CheckReport":
        """Integrity checks a crash or a bug could break; each failed check names what is wrong."""
        q = self.con.execute

        def one(sql: str) -> int:
            return int(q(sql).fetchone()[0])  # type: ignore[index]

        counts = {**self.counts(), "passages": one("SELECT count(*) FROM passages"),
                  "uncompared": one("SELECT count(*) FROM articles WHERE NOT compared")}
        version = q("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        problems = {
            "schema version": 0 if version and version[0] == SCHEMA_VERSION else 1,
            "duplicate article ids": one("SELECT count(*) - count(DISTINCT id) FROM articles"),
            "duplicate article seq": one("SELECT count(*) - count(DISTINCT seq) FROM articles"),
            "articles without text or fingerprints": one(
                "SELECT count(*) FROM articles WHERE text IS NULL OR signature IS NULL OR winnowed IS NULL"),
            "duplicate pairs": one("SELECT count(*) FROM (SELECT a, b FROM pairs GROUP BY a, b HAVING count(*) > 1)"),
            "pairs referring to missing articles": one(
                "SELECT count(*) FROM pairs p WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = p.a) "
                "OR NOT EXISTS (SELECT 1 FROM articles WHERE id = p.b)"),
            "pairs of an uncompared article": one(
                "SELECT count(*) FROM pairs p JOIN articles x ON x.id = p.a JOIN articles y ON y.id = p.b "
                "WHERE NOT x.compared AND NOT y.compared"),
            "orphan passages": one(
                "SELECT count(*) FROM passages s WHERE NOT EXISTS "
                "(SELECT 1 FROM pairs p WHERE p.a = s.a AND p.b = s.b)"),
            "passages with bad offsets": one(
                "SELECT count(*) FROM passages WHERE a_start < 0 OR b_start < 0 OR a_end < a_start OR b_end < b_start"),
            "cluster members missing": one(
                "SELECT count(*) FROM clusters c WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = c.article)"),
            "articles in two clusters": one(
                "SELECT count(*) FROM (SELECT article FROM clusters GROUP BY article HAVING count(*) > 1)"),
            "grades of missing articles": one(
                "SELECT count(*) FROM grades g WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = g.id)"),
        }
        notes = []
        if counts["uncompared"]:
            notes.append(f"{counts['uncompared']} article(s) not compared yet (an interrupted scan): "
                         "rerun the same scan to finish them")
        return CheckReport(self.path, counts, {k: v for k, v in problems.items() if v}, notes)


@dataclass
class CheckReport:
    """The verdict of ``Store.check``: counts, failed checks (name → how many rows) and notes."""

    store: str
    counts: dict[str, int]
    problems: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"store": self.store, "verdict": "ok" if self.ok else "corrupt", "counts": self.counts,
                "problems": self.problems, "notes": self.notes}


# --- snapshots: readers never wait for a writer ------------------------------------------------

def snapshot_dir(store_path: str | Path) -> Path:
    return Path(f"{store_path}.snapshots")


def publish_snapshot(store_path: str | Path, version: str | None = None) -> Path | None:
    """Bring a read-only snapshot up to date with the closed store and point ``CURRENT`` at it.

    DuckDB lets one process write a file and locks out readers meanwhile, so readers (``query``,
    ``serve``) open the latest snapshot instead; a scan publishes one after every run. With the
    store's ``version`` (``Store.version``) equal to the published one's, nothing changed and
    nothing is copied. Otherwise a snapshot no reader has open (DuckDB holds a lock on a file it
    reads) takes only the blocks that differ from the store (``_update_in_place``): an incremental
    scan at a million articles changes about 300 MB of a 9 GB store. A snapshot a reader holds is
    left as it is and the store is copied whole. Besides the new snapshot the newest older one is
    kept. None, with a warning, when another process is writing the store (its scan publishes).
    """
    folder = snapshot_dir(store_path)
    current = latest_snapshot(store_path)
    if version is not None and current is not None and _read(folder / "VERSION") == version:
        log.info("snapshot %s is current", current)
        return current
    folder.mkdir(exist_ok=True)
    name = f"{time.time_ns():020d}.duckdb"
    tmp = folder / f".{name}.tmp"
    store = Path(store_path)
    with open(store, "rb") as held:
        if not _lock(held.fileno(), exclusive=False):  # no writer may start mid-copy (DuckDB's own lock)
            log.warning("%s is being written by another process: no snapshot published", store)
            return None
        blocks = block_hashes(held.fileno())
        if not _update_in_place(held.fileno(), blocks, _reusable(folder, current), tmp):
            with tmp.open("wb") as whole:  # on XFS, Btrfs or ZFS a reflink: no data copied
                copy_range(held.fileno(), whole.fileno(), 0, os.fstat(held.fileno()).st_size, 0)
    os.replace(tmp, folder / name)
    _save_blocks(folder / name, blocks)
    _write_atomic(folder / "CURRENT", name)
    if version is not None:
        _write_atomic(folder / "VERSION", version)
    else:
        (folder / "VERSION").unlink(missing_ok=True)
    keep = {name, *sorted(p.name for p in folder.glob("*.duckdb") if p.name < name)[-1:]}
    for old in folder.iterdir():
        if old.name.removesuffix(_BLOCKS) not in keep and old.name not in ("CURRENT", "VERSION"):
            old.unlink(missing_ok=True)
    log.info("published snapshot %s", folder / name)
    return folder / name


SNAPSHOT_BLOCK = 1 << 18
"""Bytes per block compared between the store and a snapshot: DuckDB's block size (256 KiB)."""
_BLOCKS = ".blocks.npy"  # beside each snapshot: its size, mtime, inode and the xxh3-128 of each block


def block_hashes(fd: int, block: int = SNAPSHOT_BLOCK) -> np.ndarray:
    """xxh3-128 of each ``block`` bytes of the open file, as uint64 rows [n, 2]: read memory-mapped
    by a thread per core (xxhash leaves the interpreter lock), 0.5 s for 9 GB in the page cache."""
    import mmap
    from concurrent.futures import ThreadPoolExecutor

    import xxhash

    size = os.fstat(fd).st_size
    if size == 0:
        return np.zeros((0, 2), np.uint64)
    with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as buf:
        view = memoryview(buf)
        try:
            starts = range(0, size, block)
            threads = max(1, min(4, os.cpu_count() or 1))
            step = -(-len(starts) // threads)

            def part(k: int) -> bytes:
                return b"".join(xxhash.xxh3_128_digest(view[i:i + block]) for i in starts[k * step:(k + 1) * step])

            with ThreadPoolExecutor(threads) as pool:
                digests = b"".join(pool.map(part, range(threads)))
        finally:
            view.release()
    return np.frombuffer(digests, dtype=np.uint64).reshape(-1, 2)


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [SNAPSHOT_BLOCK, st.st_size, st.st_mtime_ns, st.st_ino]


def _save_blocks(snapshot: Path, blocks: np.ndarray) -> None:
    """Record the block hashes of ``snapshot`` (just written) beside it, with what identifies the file."""
    head = np.asarray(_identity(snapshot), dtype=np.uint64).reshape(2, 2)
    tmp = snapshot.with_name(f".{snapshot.name}{_BLOCKS}")
    with tmp.open("wb") as fh:
        np.save(fh, np.concatenate([head, blocks]))
    os.replace(tmp, snapshot.with_name(snapshot.name + _BLOCKS))


def _saved_blocks(snapshot: Path) -> np.ndarray | None:
    """The block hashes recorded for ``snapshot``, if they still describe the file on disk."""
    try:
        rows = np.load(snapshot.with_name(snapshot.name + _BLOCKS))
        same = rows[:2].ravel().tolist() == _identity(snapshot)
    except (OSError, ValueError):
        return None
    return rows[2:] if same else None


def _reusable(folder: Path, current: Path | None) -> list[Path]:
    """Snapshots that could be updated in place: older ones first (a reader has most likely
    moved on from them), the current one last."""
    older = sorted((p for p in folder.glob("*.duckdb") if p != current), reverse=True)
    return older + ([current] if current is not None else [])


def _update_in_place(store_fd: int, blocks: np.ndarray, candidates: list[Path], tmp: Path) -> bool:
    """Make the first snapshot of ``candidates`` that no reader holds a copy of the store under the
    name ``tmp``, writing only the blocks whose hashes differ; False when none could be used.

    The snapshot is locked (a reader's DuckDB then fails to open it and retries, ``open_reader``),
    renamed to ``tmp`` (no reader finds it by name; ``CURRENT`` may name a missing file meanwhile,
    and readers then open the store itself) and its recorded hashes removed before the first write,
    so a run killed halfway leaves a stray temporary file, never a torn snapshot."""
    for snapshot in candidates:
        old = _saved_blocks(snapshot)
        if old is None:
            continue
        try:
            fd = os.open(snapshot, os.O_RDWR)
        except OSError:
            continue
        try:
            if not _lock(fd, exclusive=True):
                continue  # a reader has it open
            os.replace(snapshot, tmp)
            snapshot.with_name(snapshot.name + _BLOCKS).unlink(missing_ok=True)
            same = np.zeros(len(blocks), dtype=bool)
            common = min(len(old), len(blocks))
            same[:common] = (old[:common] == blocks[:common]).all(axis=1)
            changed = np.flatnonzero(~same)
            size = os.fstat(store_fd).st_size
            for lo, hi in _runs(changed):
                start, end = lo * SNAPSHOT_BLOCK, min(size, hi * SNAPSHOT_BLOCK)
                copy_range(store_fd, fd, start, end - start, start)
            os.ftruncate(fd, size)
            log.info("snapshot updated in place: %d of %d blocks written", len(changed), len(blocks))
            return True
        finally:
            os.close(fd)
    return False


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Runs [lo, hi) of consecutive values in sorted ``indices``."""
    if len(indices) == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) != 1) + 1
    los = indices[np.concatenate([[0], breaks])]
    his = indices[np.concatenate([breaks - 1, [len(indices) - 1]])] + 1
    return list(zip(los.tolist(), his.tolist()))


def _lock(fd: int, exclusive: bool) -> bool:
    """Take a lock on the whole open file that conflicts with DuckDB's own (POSIX record locks), held
    until ``fd`` is closed; False if a conflicting one is held, by this process as well (an open
    file description lock). Without such locks (not Linux) exclusive locks are refused and shared
    ones granted: snapshots are then always copied whole."""
    import fcntl
    import struct

    command = getattr(fcntl, "F_OFD_SETLK", None)
    if command is None:
        return not exclusive
    lock = struct.pack("hhxxxxqqi4x", fcntl.F_WRLCK if exclusive else fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
    try:
        fcntl.fcntl(fd, command, lock)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        return not exclusive  # a file system without such locks
    return True


def withdraw_snapshots(store_path: str | Path) -> None:
    """Stop publishing: remove ``CURRENT`` first (readers then open the store itself, never a stale
    snapshot), then the snapshots (a reader that has one open keeps reading it)."""
    folder = snapshot_dir(store_path)
    if not folder.exists():
        return
    (folder / "CURRENT").unlink(missing_ok=True)
    for old in folder.iterdir():
        old.unlink(missing_ok=True)
    folder.rmdir()


def copy_range(src: int, dst: int, offset: int, count: int, dst_offset: int) -> None:
    """Copy ``count`` bytes at ``offset`` of one open file to ``dst_offset`` of another, with
    ``os.copy_file_range`` (in the kernel), through user space where that is refused."""
    done = 0
    while done < count:
        try:
            step = os.copy_file_range(src, dst, count - done, offset + done, dst_offset + done)
        except OSError:  # another file system, an old kernel
            step = os.pwrite(dst, os.pread(src, min(count - done, 1 << 24), offset + done), dst_offset + done)
        if step <= 0:
            raise OSError(f"copy stopped at byte {offset + done} of {offset + count}")
        done += step


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def latest_snapshot(store_path: str | Path) -> Path | None:
    """The snapshot ``CURRENT`` points to, if a scan has published one."""
    try:
        name = (snapshot_dir(store_path) / "CURRENT").read_text().strip()
    except OSError:
        return None
    path = snapshot_dir(store_path) / name
    return path if name and path.exists() else None


def open_reader(store_path: str | Path, wait: float = 5.0) -> Store:
    """A read-only store for readers: the latest published snapshot, else the store itself.

    A snapshot being brought up to date is locked, then renamed; a reader that meets either reads
    ``CURRENT`` again (for up to ``wait`` seconds) rather than giving up on snapshots."""
    deadline = time.monotonic() + wait
    while (snap := latest_snapshot(store_path)) is not None:
        try:
            return Store(snap, read_only=True, wait=0.0)
        except StoreError as exc:
            busy = "locked" in str(exc) or not snap.exists()  # being brought up to date, or just renamed
            if not busy or time.monotonic() >= deadline:
                log.warning("snapshot %s unreadable (%s); opening the store itself", snap, exc)
                break
            time.sleep(0.05)
    return Store(store_path, read_only=True, wait=wait)
