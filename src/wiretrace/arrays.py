"""Sort-based set operations on 1-D integer arrays, equal to NumPy's but several times faster.

NumPy 2.3+ computes ``np.unique`` (and ``isin``/``union1d``/``setdiff1d``, which call it) with a
hash table that is 3-13x slower than sorting on the integer arrays wiretrace handles (2.4 s against
0.18 s for 1.5M fingerprints; 54 µs against 17 µs for 500 token ids). ``tests/test_arrays.py``
checks each function against its NumPy twin.
"""

from __future__ import annotations

import numpy as np


def unique(x: np.ndarray) -> np.ndarray:
    """The distinct values of ``x``, sorted: ``np.unique(x)`` for a 1-D array."""
    s = np.sort(np.asarray(x).ravel())
    if len(s) < 2:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def isin(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each element of ``x`` is among ``values``: ``np.isin(x, values)`` for 1-D arrays."""
    x, values = np.asarray(x), np.asarray(values)
    if x.dtype != values.dtype:  # searchsorted would compare through a common (float) type
        return np.isin(x, values)
    table = unique(values)
    if not len(table) or not x.size:
        return np.zeros(x.shape, dtype=bool)
    at = np.searchsorted(table, x)
    at[at == len(table)] = 0
    return table[at] == x


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.union1d(a, b)``: the sorted distinct values of both."""
    return unique(np.concatenate([np.asarray(a).ravel(), np.asarray(b).ravel()]))


def setdiff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.setdiff1d(a, b)``: the sorted distinct values of ``a`` not in ``b``."""
    u = unique(a)
    return u[~isin(u, b)]


def unique_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(x, return_counts=True)`` for a 1-D array: distinct values and how often each occurs."""
    s = np.sort(np.asarray(x).ravel())
    if not len(s):
        return s, np.zeros(0, dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, s[1:] != s[:-1], True])
    return s[bounds[:-1]], np.diff(bounds)


def groups(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(x, return_inverse=True, return_counts=True)`` for a 1-D array: distinct values,
    each element's position among them, and their counts (one stable argsort)."""
    return sorted_groups(x)[1:]


def sorted_groups(x: np.ndarray, order: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``groups`` of a 1-D array preceded by the stable order that sorts it (``x[order]`` lists
    each group's elements together, in their original order); ``order`` when the caller has it."""
    x = np.asarray(x).ravel()
    order = np.argsort(x, kind="stable") if order is None else order
    s = x[order]
    if not len(s):
        return order, s, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    first = np.r_[True, s[1:] != s[:-1]]
    inverse = np.empty(len(x), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    bounds = np.flatnonzero(np.r_[first, True])
    return order, s[first], inverse, np.diff(bounds)


def key_doc_order(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """``np.lexsort((docs, keys))``: the order by key, then doc. Postings already in that order cost
    one pass; when ``docs`` never decrease (postings made in article order) one stable sort by key
    gives it, at half the cost."""
    keys, docs = np.asarray(keys), np.asarray(docs)
    if len(docs) < 2:
        return np.arange(len(docs))
    if bool((keys[1:] >= keys[:-1]).all()) and bool(((keys[1:] != keys[:-1]) | (docs[1:] >= docs[:-1])).all()):
        return np.arange(len(docs))
    if bool((docs[1:] >= docs[:-1]).all()):
        return np.argsort(keys, kind="stable")
    return np.lexsort((docs, keys))
