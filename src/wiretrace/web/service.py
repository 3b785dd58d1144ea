"""What the web UI and the JSON API ask of a store, as plain functions over ``Store``.

Every call opens the store for just that call (read-only unless it adds an article) and closes it,
so a ``scan`` can write the same file between requests; one lock serialises this process's own
connections, since DuckDB refuses a read-only and a read-write connection to one file in one process.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import xxhash

from ..engines.local import ScanResult, compare_candidates, ingest, recluster
from ..errors import DuplicateIdError, NotFoundError
from ..model import Article, Cluster, PairResult
from ..postings import index_dir
from ..query import Index
from ..read import SUPPORTED_SUFFIXES, article_from_text, read_article
from ..report.render import outlet_rows, reuse_over_time
from ..settings import DEFAULT, Settings
from ..store import Store

RELATION_RANK = "CASE relation WHEN 'duplicate' THEN 0 WHEN 'derived' THEN 1 WHEN 'same_story' THEN 2 ELSE 3 END"
"""Pair lists show duplicates first, then derived, then same-story pairs."""


@dataclass
class Page:
    """One page of a longer list: its items and where it sits."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class Catalog:
    """The store behind one web app: opens it per call, one connection at a time."""

    def __init__(self, path: str | Path, settings: Settings = DEFAULT) -> None:
        self.path = Path(path)
        self.settings = settings
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[tuple, Any]] = {}

    def cached(self, key: str, compute: Callable[[Store], Any]) -> Any:
        """``compute(store)``, reused until the store file (or its write-ahead log) changes: whole-store
        summaries take seconds at 100,000 pairs and are asked for on every home page."""
        with self._lock:
            stamp = self._stamp()
            hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            with self.reading() as store:
                value = compute(store)
            self._cache[key] = (stamp, value)  # the stamp from before: a write meanwhile means recompute
            return value

    def _stamp(self) -> tuple:
        """Modification time and size of the store file and its WAL: they change with every write."""
        out = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = path.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store, read-only, for the length of one request."""
        with self._lock, Store(self.path, read_only=True) as store:
            yield store

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The store, writable (creating it if missing), for the length of one request."""
        with self._lock, Store(self.path) as store:
            yield store


# --- reading ------------------------------------------------------------------------------------

def overview(store: Store) -> dict[str, Any]:
    """Counts, pairs by relation, clusters by size, per-outlet shares and reuse over time."""
    counts = store.counts()
    relations = dict(store.con.execute("SELECT relation, count(*) FROM pairs GROUP BY relation").fetchall())
    sizes = store.con.execute(
        "SELECT size, count(*) FROM (SELECT count(*) AS size FROM clusters GROUP BY cluster) GROUP BY size ORDER BY size"
    ).fetchall()
    graded = grade_rows(store)
    return {**counts, "relations": relations, "cluster_sizes": [{"size": s, "clusters": n} for s, n in sizes],
            "outlets": outlet_rows(graded), "timeline": reuse_over_time(graded)}


def grade_rows(store: Store) -> list[dict[str, Any]]:
    """Every article's grade (id, outlet, date, sources, reused_share, degree) with its text length."""
    lengths = dict(store.con.execute("SELECT id, length(text) FROM articles").fetchall())
    return [{**g.to_json(), "length": lengths.get(g.id, 0)} for g in store.grades()]


def grades_of(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The grades (sources, reused_share, degree) of some articles, by id."""
    rows = store.con.execute("SELECT id, sources, reused_share, degree FROM grades WHERE list_contains(?, id)",
                             [list(ids)]).fetchall()
    return {r[0]: {"sources": json.loads(r[1]) if r[1] else [], "reused_share": round(r[2] or 0.0, 4),
                   "degree": r[3] or "none"} for r in rows}


def article_record(store: Store, article_id: str) -> dict[str, Any]:
    """One stored article with its grade, cluster and related pairs (without passages)."""
    article = store.article(article_id)
    if article is None:
        raise NotFoundError(f"no article with id {article_id!r} in the store")
    grade = grades_of(store, [article_id]).get(article_id, {})
    cluster = store.con.execute("SELECT cluster FROM clusters WHERE article = ?", [article_id]).fetchone()
    return {
        **article_json(article),
        "sources": grade.get("sources", []),
        "reused_share": grade.get("reused_share", 0.0),
        "degree": grade.get("degree", "none"),
        "cluster": cluster[0] if cluster else None,
        "pairs": [p.to_json(passages=False) for p in store.pairs(article_id, with_passages=False)],
    }


def article_json(article: Article) -> dict[str, Any]:
    """An article as the API shows it."""
    return {"id": article.id, "title": article.title, "date": article.date, "outlet": article.outlet,
            "url": article.url, "text": article.text}


def pair_record(store: Store, a: str, b: str) -> PairResult:
    """The stored pair of two articles (in either order), with passages."""
    for pair in store.pairs(a, with_passages=True):
        if {pair.a, pair.b} == {a, b}:
            return pair
    raise NotFoundError(f"no related pair of {a!r} and {b!r} in the store")


def pairs_page(store: Store, page: int, per_page: int, relation: str | None = None) -> Page:
    """Related pairs without passages, duplicates first; one page of them (one query, any depth)."""
    where, params = ("WHERE relation = ?", [relation]) if relation else ("", [])
    total = store.con.execute(f"SELECT count(*) FROM pairs {where}", params).fetchone()[0]  # type: ignore[index]
    rows = store.con.execute(
        "SELECT a, b, relation, degree, source, direction_confidence, scores, reasons, direction_reasons "
        f"FROM pairs {where} ORDER BY {RELATION_RANK}, a, b LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page]).fetchall()
    pairs = [PairResult(a=r[0], b=r[1], relation=r[2], degree=r[3], source=r[4], direction_confidence=r[5],
                        scores=json.loads(r[6]), passages=[], new_in_a=[], new_in_b=[],
                        reasons=json.loads(r[7]), direction_reasons=json.loads(r[8])) for r in rows]
    return Page(pairs, page, per_page, total)


def clusters_page(store: Store, page: int, per_page: int) -> Page:
    """Reprint clusters, largest first; one page of them."""
    clusters = sorted(store.clusters(), key=lambda c: -len(c.members))
    start = (page - 1) * per_page
    return Page(clusters[start:start + per_page], page, per_page, len(clusters))


def cluster_record(store: Store, cluster_id: str) -> tuple[Cluster, dict[str, dict[str, Any]]]:
    """One cluster and its members' metadata and grades, by id."""
    cluster = next((c for c in store.clusters() if c.cluster == cluster_id), None)
    if cluster is None:
        raise NotFoundError(f"no cluster with id {cluster_id!r} in the store")
    grades = grades_of(store, cluster.members)
    members = {a.id: {**article_json(a), **grades.get(a.id, {})} for a in store.articles(cluster.members)}
    return cluster, members


def search(store: Store, phrase: str, limit: int = 50) -> list[dict[str, Any]]:
    """Articles whose id is ``phrase`` or whose title or text contains it (case-insensitive)."""
    phrase = phrase.strip()
    if not phrase:
        return []
    like = "%" + re.sub(r"([\\%_])", r"\\\1", phrase) + "%"
    rows = store.con.execute(
        "SELECT id, title, outlet, date, text, id = ? AS exact FROM articles "
        "WHERE id = ? OR title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\' "
        "ORDER BY exact DESC, seq LIMIT ?", [phrase, phrase, like, like, limit]).fetchall()
    return [{"id": r[0], "title": r[1], "outlet": r[2], "date": r[3], "snippet": snippet(r[4], phrase)}
            for r in rows]


def snippet(text: str, phrase: str, width: int = 160) -> str:
    """The part of ``text`` around the first case-insensitive match of ``phrase`` (or its start)."""
    at = text.lower().find(phrase.lower())
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = " ".join(text[start:start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def query(store: Store, article: Article, settings: Settings, top: int = 10) -> tuple[list[PairResult], dict[str, Article]]:
    """The article's likely sources and copies in the store, and those stored articles by id."""
    results = Index(store, settings).query(article, top=top)
    return results, {a.id: a for a in store.articles([r.b for r in results])}


# --- writing ------------------------------------------------------------------------------------

def add_article(store: Store, article: Article, settings: Settings) -> ScanResult:
    """Add one article to the store, compare it with the stored ones and re-cluster."""
    if store.article(article.id) is not None:
        raise DuplicateIdError(f"the store already holds an article with id {article.id!r}; choose another id")
    result = ScanResult(out_dir=Path("."), store=Path(store.path))
    ingest(store, [article], settings, result, _quiet)
    compare_candidates(store, settings, result, _quiet, index_folder=index_dir(store.path))
    recluster(store, settings)
    return result


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


# --- input --------------------------------------------------------------------------------------

def pasted_article(text: str, id: str | None = None, **meta: Any) -> Article:  # noqa: A002
    """An article from pasted text; without an id, one derived from the text's hash."""
    fields = {k: v for k, v in meta.items() if v}
    return article_from_text(text, id or content_id(text), **fields)


def uploaded_article(data: bytes, filename: str | None, id: str | None = None, **meta: Any) -> Article:  # noqa: A002
    """Read an uploaded file with the reader its suffix names; the upload's name never becomes a path.

    The bytes go to a fresh temporary folder under a fixed name (only the suffix is kept, and only
    a supported one), so nothing in the request can choose where anything is read or written.
    """
    suffix = Path(filename or "").suffix.lower()
    suffix = suffix if suffix in SUPPORTED_SUFFIXES else ".txt"
    with tempfile.TemporaryDirectory(prefix="wiretrace-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        article = read_article(path)
    label = Path(filename or "upload").name
    fields = {k: v for k, v in meta.items() if v}
    default_id = article.id if article.id != "upload" else content_id(article.text)
    return Article(id=id or default_id, text=article.text, title=fields.get("title") or article.title,
                   date=fields.get("date") or article.date, outlet=fields.get("outlet") or article.outlet,
                   url=fields.get("url") or article.url, origin=f"upload:{label}", meta=article.meta)


def content_id(text: str) -> str:
    """A stable id for an article given without one: ``pasted-`` and a hash of its text."""
    return "pasted-" + xxhash.xxh3_64_hexdigest(text.encode("utf-8"))[:12]
