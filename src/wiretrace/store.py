"""The embedded DuckDB store: articles with their fingerprints, related pairs, passages, clusters.

Every write is one transaction, so a killed run leaves the store as it was before that step. An
article is ``compared`` only once the pairs it forms with every earlier article are committed with
it; a rerun picks up articles left uncompared, so an interrupted scan resumes without duplicates.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb
import numpy as np

from .cluster import Reuse
from .errors import StoreError
from .model import Article, ArticleGrade, Cluster, Passage, PairResult

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, seq BIGINT, title VARCHAR, date VARCHAR, outlet VARCHAR, url VARCHAR,
    origin VARCHAR, text VARCHAR, meta VARCHAR, n_content INTEGER, signature BLOB, winnowed BLOB,
    compared BOOLEAN DEFAULT FALSE
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


class Store:
    """A wiretrace store in one DuckDB file (``:memory:`` for a throwaway one)."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store (run `wiretrace scan ... --store {self.path}` first)")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        if not read_only:
            self.con.execute(_SCHEMA)
            self._check_version(create=True)
        else:
            self._check_version(create=False)

    def _check_version(self, create: bool) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a wiretrace store ({exc})") from exc
        if row is None and create:
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        elif row is None or row[0] != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {row and row[0]!r}, expected {SCHEMA_VERSION}")

    def close(self) -> None:
        self.con.close()

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

    def add_articles(self, rows: list[tuple[Article, int, np.ndarray, np.ndarray]]) -> None:
        """Insert new articles with their content-token count, MinHash signature and fingerprints."""
        if not rows:
            return
        with self.transaction() as con:
            start = con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]  # type: ignore[index]
            con.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
                [
                    (a.id, start + n + 1, a.title, a.date, a.outlet, a.url, a.origin, a.text,
                     json.dumps(a.meta, default=str), n_content, sig.astype(np.uint32).tobytes(),
                     win.astype(np.uint64).tobytes())
                    for n, (a, n_content, sig, win) in enumerate(rows)
                ],
            )

    def fingerprints(self) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
        """All articles' ids (in insertion order), signatures and winnowed fingerprints."""
        rows = self.con.execute("SELECT id, signature, winnowed FROM articles ORDER BY seq").fetchall()
        ids = [r[0] for r in rows]
        sigs = np.stack([np.frombuffer(r[1], dtype=np.uint32) for r in rows]) if rows else np.zeros((0, 0), np.uint32)
        wins = [np.frombuffer(r[2], dtype=np.uint64) for r in rows]
        return ids, sigs, wins

    def articles(self, ids: list[str] | None = None) -> list[Article]:
        cols = "id, text, title, date, outlet, url, origin, meta"
        if ids is None:
            rows = self.con.execute(f"SELECT {cols} FROM articles ORDER BY seq").fetchall()
        else:
            rows = self.con.execute(f"SELECT {cols} FROM articles WHERE list_contains(?, id) ORDER BY seq",
                                    [list(ids)]).fetchall()
        return [Article(id=r[0], text=r[1], title=r[2], date=r[3], outlet=r[4], url=r[5], origin=r[6],
                        meta=json.loads(r[7]) if r[7] else {}) for r in rows]

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def article_info(self) -> dict[str, tuple[str | None, str | None, int]]:
        rows = self.con.execute("SELECT id, outlet, date, n_content FROM articles").fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    # --- pairs ------------------------------------------------------------------------------

    def add_pairs(self, results: list[PairResult], compared_ids: list[str]) -> None:
        """Store related pairs and their passages, and mark ``compared_ids`` done, atomically."""
        with self.transaction() as con:
            if results:
                con.executemany(
                    "INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r.a, r.b, r.relation, r.degree, r.source, r.direction_confidence, json.dumps(r.scores),
                      json.dumps(r.reasons), json.dumps(r.direction_reasons), json.dumps(r.new_in_a),
                      json.dumps(r.new_in_b)) for r in results],
                )
                con.executemany("DELETE FROM passages WHERE a = ? AND b = ?", [(r.a, r.b) for r in results])
                rows = [(r.a, r.b, n, p.kind, p.a[0], p.a[1], p.b[0], p.b[1], p.a_tokens[0], p.a_tokens[1],
                         p.b_tokens[0], p.b_tokens[1]) for r in results for n, p in enumerate(r.passages)]
                if rows:
                    con.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if compared_ids:
                con.execute("UPDATE articles SET compared = TRUE WHERE list_contains(?, id)", [compared_ids])

    def pairs(self, article_id: str | None = None, with_passages: bool = True) -> list[PairResult]:
        """Related pairs (all, or those involving one article), with passages if asked."""
        sql = ("SELECT a, b, relation, degree, source, direction_confidence, scores, reasons, "
               "direction_reasons, new_in_a, new_in_b FROM pairs")
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE a = ? OR b = ?"
            params = [article_id, article_id]
        rows = self.con.execute(sql + " ORDER BY a, b", params).fetchall()
        passages: dict[tuple[str, str], list[Passage]] = {}
        if with_passages:
            psql = "SELECT a, b, kind, a_start, a_end, b_start, b_end, a_tok0, a_tok1, b_tok0, b_tok1 FROM passages"
            if article_id is not None:
                psql += " WHERE a = ? OR b = ?"
            for p in self.con.execute(psql + " ORDER BY a, b, idx", params).fetchall():
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

    # --- clusters and grades ----------------------------------------------------------------

    def replace_clusters(self, clusters: list[Cluster], grades: list[ArticleGrade]) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM clusters")
            rows = [(c.cluster, m, c.source_tree.get(m), c.story) for c in clusters for m in c.members]
            if rows:
                con.executemany("INSERT INTO clusters VALUES (?, ?, ?, ?)", rows)
            con.execute("DELETE FROM grades")
            if grades:
                con.executemany("INSERT INTO grades VALUES (?, ?, ?, ?)",
                                [(g.id, json.dumps(g.sources), g.reused_share, g.degree) for g in grades])

    def clusters(self) -> list[Cluster]:
        rows = self.con.execute("SELECT cluster, article, parent, story FROM clusters").fetchall()
        by: dict[str, Cluster] = {}
        for cid, article, parent, story in rows:
            c = by.setdefault(cid, Cluster(cluster=cid, members=[], source_tree={}, roots=[], story=story))
            c.members.append(article)
            if parent:
                c.source_tree[article] = parent
            else:
                c.roots.append(article)
        out = list(by.values())
        for c in out:
            c.members.sort()
            c.roots.sort()
        out.sort(key=lambda c: int(c.cluster[1:]) if c.cluster[1:].isdigit() else c.cluster)
        return out

    def grades(self) -> list[ArticleGrade]:
        rows = self.con.execute(
            "SELECT a.id, a.outlet, a.date, g.sources, g.reused_share, g.degree "
            "FROM articles a LEFT JOIN grades g ON a.id = g.id ORDER BY a.seq").fetchall()
        return [ArticleGrade(r[0], r[1], r[2], json.loads(r[3]) if r[3] else [], r[4] or 0.0, r[5] or "none")
                for r in rows]

    def counts(self) -> dict[str, int]:
        q = self.con.execute
        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],  # type: ignore[index]
            "pairs": q("SELECT count(*) FROM pairs").fetchone()[0],  # type: ignore[index]
            "clusters": q("SELECT count(DISTINCT cluster) FROM clusters").fetchone()[0],  # type: ignore[index]
        }
