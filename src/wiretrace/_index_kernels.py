"""Compiled (numba) loops of the persistent candidate index (``postings``).

``merge_postings`` merges two runs of postings sorted by (key, doc) in one linear pass (what
re-sorting their concatenation with ``np.lexsort`` gives; ``merge_postings_into`` writes the run into
given arrays, memory-mapped files for a saved index); ``sorted_ranges`` is ``np.searchsorted``
left and right for ascending needles, galloping from one answer to the next; ``lowest_ranked`` keeps
each key's lowest-ranked holders (what ``boilerplate.frequent_postings`` samples) without sorting
every posting. ``tests/test_postings.py`` asserts each equals its NumPy reference. Imported lazily,
cached beside this file (``cache=True``) like ``_kernels``.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def merge_postings_into(keys_a: np.ndarray, docs_a: np.ndarray, keys_b: np.ndarray, docs_b: np.ndarray,
                        keys: np.ndarray, docs: np.ndarray) -> None:
    """Merge two runs sorted by (key, doc) into ``keys``/``docs`` (uint64 / uint32, their summed
    length): arrays of the caller's, memory-mapped files among them."""
    na, nb = keys_a.shape[0], keys_b.shape[0]
    i, j, n = 0, 0, 0
    while i < na and j < nb:
        if keys_b[j] < keys_a[i] or (keys_b[j] == keys_a[i] and docs_b[j] < docs_a[i]):
            keys[n], docs[n] = keys_b[j], docs_b[j]
            j += 1
        else:
            keys[n], docs[n] = keys_a[i], docs_a[i]
            i += 1
        n += 1
    while i < na:
        keys[n], docs[n] = keys_a[i], docs_a[i]
        i += 1
        n += 1
    while j < nb:
        keys[n], docs[n] = keys_b[j], docs_b[j]
        j += 1
        n += 1


@njit(cache=True, nogil=True)
def merge_postings(keys_a: np.ndarray, docs_a: np.ndarray, keys_b: np.ndarray,
                   docs_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One run sorted by (key, doc) from two such runs: uint64 keys and uint32 docs."""
    keys = np.empty(keys_a.shape[0] + keys_b.shape[0], dtype=np.uint64)
    docs = np.empty(keys_a.shape[0] + keys_b.shape[0], dtype=np.uint32)
    merge_postings_into(keys_a, docs_a, keys_b, docs_b, keys, docs)
    return keys, docs


@njit(cache=True, nogil=True)
def _first_at_least(haystack: np.ndarray, x: np.uint64, start: int, strict: bool) -> int:
    """First index from ``start`` whose value is >= x (> x when ``strict``): galloping, then binary search."""
    n = haystack.shape[0]
    lo, step, probe = start, 1, start
    while probe < n and (haystack[probe] <= x if strict else haystack[probe] < x):
        lo = probe + 1
        probe = start + step
        step *= 2
    hi = min(probe, n)
    while lo < hi:
        mid = (lo + hi) >> 1
        if haystack[mid] <= x if strict else haystack[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def sorted_ranges(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``searchsorted`` left and right of ascending ``needles`` in the ascending ``haystack``: each
    search gallops from the previous answer, so its cost is the log of the gap, not of the haystack."""
    m = needles.shape[0]
    lo = np.empty(m, dtype=np.int64)
    hi = np.empty(m, dtype=np.int64)
    pos = 0
    for i in range(m):
        pos = _first_at_least(haystack, needles[i], pos, False)
        lo[i] = pos
        hi[i] = _first_at_least(haystack, needles[i], pos, True)
    return lo, hi


@njit(cache=True, nogil=True)
def lowest_ranked(docs: np.ndarray, lo: np.ndarray, hi: np.ndarray, ranks: np.ndarray, best_rank: np.ndarray,
                  best_doc: np.ndarray, filled: np.ndarray) -> None:
    """For each key q, fold the docs ``docs[lo[q]:hi[q]]`` into its ``best_doc[q]``: the (up to) S docs
    of lowest (rank, doc) so far, in that order (``best_rank`` their ranks, ``filled`` how many)."""
    size = best_doc.shape[1]
    for q in range(lo.shape[0]):
        for p in range(lo[q], hi[q]):
            d = np.int64(docs[p])
            r = ranks[d]
            n = filled[q]
            if n == size and (r > best_rank[q, n - 1] or (r == best_rank[q, n - 1] and d > best_doc[q, n - 1])):
                continue
            at = min(n, size - 1)  # enter past the end, or over the last one (dropped), and move up
            while at > 0 and (best_rank[q, at - 1] > r or (best_rank[q, at - 1] == r and best_doc[q, at - 1] > d)):
                best_rank[q, at], best_doc[q, at] = best_rank[q, at - 1], best_doc[q, at - 1]
                at -= 1
            best_rank[q, at], best_doc[q, at] = r, d
            if n < size:
                filled[q] = n + 1


@njit(cache=True, nogil=True)
def fenced_ranges(haystack: np.ndarray, fence: np.ndarray, step: int,
                  needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sorted_ranges`` for needles far apart: each binary search runs in ``fence`` (every ``step``-th
    key, small enough to stay in cache) and then inside one block of the haystack, instead of
    galloping across it (a query's 200 needles in 148M keys: 0.16 ms against 0.5 ms)."""
    m, n = needles.shape[0], haystack.shape[0]
    lo = np.empty(m, dtype=np.int64)
    hi = np.empty(m, dtype=np.int64)
    for i in range(m):
        x = needles[i]
        a, b = 0, fence.shape[0]
        while a < b:  # the first fence key >= x: x's first position is in the block before it
            mid = (a + b) >> 1
            if fence[mid] < x:
                a = mid + 1
            else:
                b = mid
        p, q = max(0, (a - 1) * step), min(n, a * step + 1)
        while p < q:
            mid = (p + q) >> 1
            if haystack[mid] < x:
                p = mid + 1
            else:
                q = mid
        lo[i] = p
        hi[i] = _first_at_least(haystack, x, p, True)
    return lo, hi
