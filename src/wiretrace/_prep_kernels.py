"""Compiled (numba) loops of per-article preparation: shingles, winnowing, unique keys and MinHash.

Each kernel computes what a plain function in ``fingerprint.py`` computes (``shingle_hashes``,
``winnow``, ``np.unique``, ``minhash``), in one pass over uint64 arrays instead of several NumPy
calls with their temporaries; ``tests/test_prep_kernels.py`` asserts they agree on generated input.
Imported lazily, cached beside this file (``cache=True``) like ``_kernels``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LOW = np.uint64(0xFFFFFFFF)
_PRIME = np.uint64((1 << 61) - 1)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, nogil=True)
def shingles(th: np.ndarray, n: int) -> np.ndarray:
    """uint64 hash of each word n-gram of the token hashes ``th``, in text order (``shingle_hashes``)."""
    count = th.shape[0] - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.empty(count, dtype=np.uint64)
    for i in range(count):
        h = np.uint64(0)
        for j in range(n):
            h = h * _MULT + th[i + j]
        h = (h ^ (h >> np.uint64(30))) * _MIX1
        h = (h ^ (h >> np.uint64(27))) * _MIX2
        out[i] = h ^ (h >> np.uint64(31))
    return out


@njit(cache=True, nogil=True)
def unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of a uint64 array (``np.unique``)."""
    s = np.sort(x)
    out = np.empty(s.shape[0], dtype=np.uint64)
    n = 0
    for i in range(s.shape[0]):
        if n == 0 or s[i] != out[n - 1]:
            out[n] = s[i]
            n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def winnow_positions(h: np.ndarray, window: int) -> np.ndarray:
    """Positions of the rightmost minimum of every window of ``window`` hashes, each once, in order
    (a monotone queue: O(n)); a text shorter than a window gives the position of its (first) minimum."""
    n = h.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= window:
        best = 0
        for i in range(1, n):
            if h[i] < h[best]:
                best = i
        out = np.empty(1, dtype=np.int64)
        out[0] = best
        return out
    queue = np.empty(n, dtype=np.int64)  # positions with strictly increasing hashes, front = minimum
    head, tail = 0, 0
    out = np.empty(n - window + 1, dtype=np.int64)
    m = 0
    for i in range(n):
        while tail > head and h[queue[tail - 1]] >= h[i]:  # >=: equal values keep the rightmost
            tail -= 1
        queue[tail] = i
        tail += 1
        start = i - window + 1
        if start < 0:
            continue
        if queue[head] < start:
            head += 1
        pos = queue[head]
        if m == 0 or out[m - 1] != pos:
            out[m] = pos
            m += 1
    return out[:m]


@njit(cache=True, nogil=True)
def minhash(shingles: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per permutation, the minimum of ((a*x + b) mod (2^61 - 1)) & (2^32 - 1) over the low 32 bits x
    of the shingles (``fingerprint.minhash_reference``), for a, b < 2^32 as ``permutations`` makes
    them: a*x + b then stays below 2^64 and the Mersenne modulus is a shift and an add, so the loop
    over permutations vectorises."""
    out = np.empty(a.shape[0], dtype=np.uint32)
    best = np.full(a.shape[0], _LOW, dtype=np.uint64)
    for p in range(a.shape[0]):
        if a[p] > _LOW or b[p] > _LOW:  # outside the fast path's range: the plain modulus
            for v in shingles:
                r = ((a[p] * (v & _LOW) + b[p]) % _PRIME) & _LOW
                if r < best[p]:
                    best[p] = r
            a = a.copy()
            b = b.copy()
            a[p] = 0  # this permutation is done: the fast loop below leaves its minimum alone
            b[p] = _LOW
    for v in shingles:
        x = v & _LOW
        for p in range(a.shape[0]):
            y = a[p] * x + b[p]
            r = (y & _PRIME) + (y >> np.uint64(61))
            if r >= _PRIME:
                r -= _PRIME
            r &= _LOW
            if r < best[p]:
                best[p] = r
    for p in range(a.shape[0]):
        out[p] = np.uint32(best[p])
    return out


@njit(cache=True, nogil=True)
def fingerprints(th: np.ndarray, n: int, window: int, a: np.ndarray,
                 b: np.ndarray, candidates: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique shingles, MinHash signature and unique winnowed fingerprints of the token hashes
    ``th`` (``fingerprint.fingerprint``); without ``candidates`` the last two are empty."""
    sh = shingles(th, n)
    uniq = unique(sh)
    if not candidates:
        return uniq, np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint64)
    if uniq.shape[0] == 0:
        signature = np.full(a.shape[0], np.uint32(0xFFFFFFFF), dtype=np.uint32)
    else:
        signature = minhash(uniq, a, b)
    return uniq, signature, unique(sh[winnow_positions(sh, window)])


def load() -> None:
    """Compile (or load from the cache) every kernel now, with tiny inputs (see ``_kernels.load``)."""
    th = np.arange(8, dtype=np.uint64)
    perm = np.ones(2, dtype=np.uint64)
    fingerprints(th, 3, 2, perm, perm, True)
    minhash(th, perm, perm)
