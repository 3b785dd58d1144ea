"""Where did this article come from? Look one article up against a store.

``Index`` opens the store's latest published snapshot (so it never waits for, or blocks, a running
scan) and the persistent candidate index beside the store once; each query then fingerprints the
query text, finds candidates by binary search in the index, and aligns the best of them. When a scan
publishes a new snapshot, the next query switches to it.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from . import arrays
from .boilerplate import doc_rank, doc_ranks
from .model import Article, PairResult
from .pipeline import Prepared, compare_prepared, prepare, prepare_to_compare, with_boilerplate
from .postings import StoredIndex, index_dir, open_index
from .settings import DEFAULT, Settings
from .store import Store, latest_snapshot, open_reader

_RANK = {"duplicate": 0, "derived": 1, "same_story": 2, "unrelated": 3}


class Index:
    """A read-only view of a store that answers ``query(article)`` with its related stored articles."""

    def __init__(self, store: str | Path | Store, settings: Settings = DEFAULT) -> None:
        self.settings = settings
        self._own = not isinstance(store, Store)
        self.path = Path(store.path if isinstance(store, Store) else store)
        self.store = store if isinstance(store, Store) else open_reader(self.path)
        self._snapshot = latest_snapshot(self.path) if self._own else None
        self._cache: OrderedDict[str, Prepared] = OrderedDict()
        self.index: StoredIndex = self._load()
        self._ranks = np.zeros(0, dtype=np.int64)  # boilerplate sampling rank of each indexed article, then the query's
        self._verdicts: dict[int, bool] = {}  # fingerprint -> is corpus boilerplate

    def _load(self) -> StoredIndex:
        folder = index_dir(self.path)
        return open_index(self.store, folder if folder.exists() else None, self.settings, save=False)

    def refresh(self) -> bool:
        """Switch to a newer published snapshot if a scan wrote one; True when it did."""
        if not self._own:
            return False
        snap = latest_snapshot(self.path)
        if snap is None or snap == self._snapshot:
            return False
        self.store.close()
        self.store, self._snapshot = open_reader(self.path), snap
        self._cache.clear()
        self.index = self._load()
        self._ranks, self._verdicts = np.zeros(0, dtype=np.int64), {}
        return True

    def close(self) -> None:
        if self._own:
            self.store.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def boilerplate(self, query: Prepared) -> np.ndarray:
        """The query's fingerprints that are corpus boilerplate of the store (``wiretrace.boilerplate``):
        judged over the indexed articles (their signatures read from the index, not the store), each
        verdict kept for the next queries."""
        index = self.index.index
        keys = arrays.unique(query.fp.winnowed)
        unknown = np.asarray([k for k in keys.tolist() if k not in self._verdicts], dtype=np.uint64)
        if len(unknown):
            self._rank_all()
            found = set(index.boilerplate(unknown, self._ranks, index.signatures).tolist())
            if len(self._verdicts) > 1_000_000:  # bounded: verdicts are cheap to redo
                self._verdicts.clear()
            self._verdicts.update((k, k in found) for k in unknown.tolist())
        return np.asarray(sorted(k for k in keys.tolist() if self._verdicts[k]), dtype=np.uint64)

    def _rank_all(self) -> None:
        """Sampling ranks of every indexed article (hubs and boilerplate samples), each computed once,
        plus a spare last slot for the query's."""
        index = self.index.index
        if len(self._ranks) < len(index.ids) + 1:
            have = max(0, len(self._ranks) - 1)
            self._ranks = np.concatenate([self._ranks[:have], doc_ranks(index.ids[have:]), np.zeros(1, np.int64)])

    def candidates(self, query: Prepared, boilerplate: np.ndarray | None = None) -> list[str]:
        """Stored articles sharing an LSH bucket or enough rare fingerprints (not ``boilerplate``) with
        the query, those sharing the most first, at most ``max_query_candidates``."""
        return [self.index.index.ids[n] for n in self._candidate_numbers(query, boilerplate)]

    def _candidate_numbers(self, query: Prepared, boilerplate: np.ndarray | None = None) -> list[int]:
        index = self.index.index
        self._rank_all()
        ranks = self._ranks  # its spare last slot numbers the query: no copy of a million ranks per query
        ranks[len(index)] = doc_rank(query.id)
        rows = index.scored_candidates(query.fp.signature[None, :], [query.fp.winnowed], boilerplate, ranks)
        rows = rows[np.argsort(-rows[:, 2], kind="stable")]
        found = [n for n in rows[:, 0].tolist() if index.ids[n] != query.id]
        return found[: self.settings.max_query_candidates]

    def _prepared(self, numbers: list[int]) -> list[Prepared]:
        """Prepared stored articles (by index number), from a bounded cache or the store (read by
        seq: at a million articles a lookup by id costs a join over every id)."""
        index = self.index.index
        ids = [index.ids[n] for n in numbers]
        missing = [index.seqs[n] for n, i in zip(numbers, ids) if i not in self._cache]
        for article in self.store.articles(seqs=missing) if missing else []:
            self._cache[article.id] = prepare_to_compare(article, self.settings)
        out = []
        for i in ids:
            if i in self._cache:  # an indexed article the snapshot does not hold yet is skipped
                self._cache.move_to_end(i)
                out.append(self._cache[i])
        while len(self._cache) > self.settings.prepared_cache:
            self._cache.popitem(last=False)
        return out

    def query(self, article: Article | str, top: int = 10) -> list[PairResult]:
        """Compare an article (or pasted text) with its candidates in the store; related pairs first,
        most reused first. In each result, ``a`` is the query and ``b`` the stored article."""
        self.refresh()
        if isinstance(article, str):
            article = Article(id="query", text=article)
        q = prepare(article, self.settings)
        boilerplate = self.boilerplate(q)
        found = self._candidate_numbers(q, boilerplate)
        q = with_boilerplate(q, boilerplate, self.settings, candidates=False)  # only compared from here
        results = []
        for stored in self._prepared(found):
            r = compare_prepared(q, with_boilerplate(stored, boilerplate, self.settings), self.settings)
            if r.relation != "unrelated":
                results.append(r)
        results.sort(key=lambda r: (_RANK[r.relation], -r.scores["coverage_a"], r.b))
        return results[:top]
