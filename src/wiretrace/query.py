"""Where did this article come from? Look one article up against a store."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .candidates import candidate_pairs
from .model import Article, PairResult
from .pipeline import Prepared, compare_prepared, prepare
from .settings import DEFAULT, Settings
from .store import Store

_RANK = {"duplicate": 0, "derived": 1, "same_story": 2, "unrelated": 3}


class Index:
    """A read-only view of a store that answers ``query(article)`` with its related stored articles."""

    def __init__(self, store: str | Path | Store, settings: Settings = DEFAULT) -> None:
        self.store = store if isinstance(store, Store) else Store(store, read_only=True)
        self.settings = settings
        self.ids, self.signatures, self.winnowed = self.store.fingerprints()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def candidates(self, query: Prepared) -> list[str]:
        """Stored articles sharing an LSH bucket or enough rare fingerprints with the query."""
        if not self.ids:
            return []
        sigs = np.vstack([self.signatures, query.fp.signature[None, :]])
        wins = [*self.winnowed, query.fp.winnowed]
        new = np.zeros(len(wins), dtype=bool)
        new[-1] = True
        pairs = candidate_pairs(sigs, wins, self.settings, new)
        q = len(wins) - 1
        return [self.ids[int(i if j == q else j)] for i, j in pairs if self.ids[int(i if j == q else j)] != query.id]

    def query(self, article: Article | str, top: int = 10) -> list[PairResult]:
        """Compare an article (or pasted text) with its candidates in the store; related pairs first,
        most reused first. In each result, ``a`` is the query and ``b`` the stored article."""
        if isinstance(article, str):
            article = Article(id="query", text=article)
        q = prepare(article, self.settings)
        results = []
        for stored in self.store.articles(self.candidates(q)):
            r = compare_prepared(q, prepare(stored, self.settings), self.settings)
            if r.relation != "unrelated":
                results.append(r)
        results.sort(key=lambda r: (_RANK[r.relation], -r.scores["coverage_a"], r.b))
        return results[:top]
