"""Embedding candidates: article pairs whose vectors are nearest neighbours, within a date window.

Neighbours are searched *within* the window: an article's ten nearest among the articles dated at
most ``story_window_days`` from it (undated articles are near everything). Taking the ten nearest
of the whole corpus first and dropping the out-of-window ones afterwards lost most same-event
pairs of a corpus spanning years: the nearest articles are on the same topic, mostly other years
(generated corpus, 2,000 articles over three years: 4 of 7 missed same-event accounts).

Up to ``EXACT_LIMIT`` articles the neighbours are exact (one matrix product per block of rows,
out-of-window scores masked); beyond it an HNSW index (usearch) answers approximately in far less
time and memory, asked for ``ANN_WIDEN`` times as many neighbours so that enough survive the
window. Both return the same kind of pairs, and the tests check they agree on generated vectors.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

import numpy as np

from ..settings import DEFAULT, Settings

EXACT_LIMIT = 20_000
"""Corpora up to this size get exact neighbours: 20k × 20k dot products take about a second."""

ANN_WIDEN = 4
"""The approximate index is asked for this many times ``semantic_neighbours``, filtered by the window."""

_BLOCK = 2048


def day_numbers(dates: Sequence[str | None]) -> np.ndarray:
    """Proleptic day number of each ISO date (first 10 characters), -1 where absent or unreadable."""
    out = np.full(len(dates), -1, dtype=np.int64)
    for i, d in enumerate(dates):
        if d and len(d) >= 10:
            try:
                out[i] = date.fromisoformat(d[:10]).toordinal()
            except ValueError:
                pass
    return out


def exact_neighbours(vectors: np.ndarray, rows: np.ndarray, k: int, days: np.ndarray | None = None,
                     window: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each row index in ``rows``: its ``k`` most similar other vectors (indices, cosines),
    among those at most ``window`` days away when ``days`` is given (-1: undated, near all);
    slots without such a neighbour have cosine -inf."""
    k = min(k, len(vectors) - 1)
    idx = np.zeros((len(rows), k), dtype=np.int64)
    sim = np.zeros((len(rows), k), dtype=np.float32)
    for s in range(0, len(rows), _BLOCK):
        block = rows[s:s + _BLOCK]
        scores = vectors[block] @ vectors.T
        scores[np.arange(len(block)), block] = -np.inf  # not oneself
        if days is not None and window is not None:
            dl, dr = days[block][:, None], days[None, :]
            scores[(dl >= 0) & (dr >= 0) & (np.abs(dl - dr) > window)] = -np.inf
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        idx[s:s + len(block)] = top
        sim[s:s + len(block)] = np.take_along_axis(scores, top, axis=1)
    return idx, sim


def ann_neighbours(vectors: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Like ``exact_neighbours``, from a usearch HNSW index (cosine metric); missing slots are -1."""
    from usearch.index import Index

    # wider graph and search than usearch's defaults: candidate recall matters more than speed here
    index = Index(ndim=vectors.shape[1], metric="cos", dtype="f32", connectivity=32, expansion_add=128,
                  expansion_search=128)
    index.add(np.arange(len(vectors), dtype=np.uint64), vectors)
    found = index.search(vectors[rows], k + 1)
    keys = np.asarray(found.keys, dtype=np.int64).reshape(len(rows), -1)
    dist = np.asarray(found.distances, dtype=np.float32).reshape(len(rows), -1)
    counts = np.asarray(found.counts).reshape(len(rows))
    valid = (np.arange(keys.shape[1])[None, :] < counts[:, None]) & (keys != rows[:, None])
    return np.where(valid, keys, -1), np.where(valid, 1.0 - dist, -np.inf).astype(np.float32)


def embedding_pairs(vectors: np.ndarray, days: np.ndarray, settings: Settings = DEFAULT,
                    new: np.ndarray | None = None, exact_limit: int = EXACT_LIMIT) -> np.ndarray:
    """Candidate pairs (sorted unique rows ``i < j``): nearest neighbours with cosine at least
    ``semantic_candidate_similarity`` and, when both are dated, at most ``story_window_days`` apart.
    With ``new`` (bool mask), only pairs involving a new article are searched (incremental scans)."""
    n = len(vectors)
    rows = np.flatnonzero(new) if new is not None else np.arange(n)
    empty = np.zeros((0, 2), dtype=np.int64)
    if n < 2 or len(rows) == 0:
        return empty
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    k, window = settings.semantic_neighbours, settings.story_window_days
    if n <= exact_limit:
        idx, sim = exact_neighbours(vectors, rows, k, days, window)
    else:
        idx, sim = ann_neighbours(vectors, rows, k * ANN_WIDEN)
        safe = np.maximum(idx, 0)
        dl, dr = days[rows][:, None], days[safe]
        sim = np.where((idx >= 0) & ((dl < 0) | (dr < 0) | (np.abs(dl - dr) <= window)), sim, -np.inf)
        top = np.argsort(-sim, axis=1, kind="stable")[:, :k]  # the k nearest within the window
        idx, sim = np.take_along_axis(idx, top, axis=1), np.take_along_axis(sim, top, axis=1)
    left = np.repeat(rows, idx.shape[1])
    right, cos = idx.ravel(), sim.ravel()
    keep = (right >= 0) & (cos >= settings.semantic_candidate_similarity)
    left, right = left[keep], right[keep]
    dl, dr = days[left], days[right]
    near = (dl < 0) | (dr < 0) | (np.abs(dl - dr) <= window)  # (already so; kept as the contract)
    left, right = left[near], right[near]
    if len(left) == 0:
        return empty
    return np.unique(np.stack([np.minimum(left, right), np.maximum(left, right)], axis=1), axis=0)
