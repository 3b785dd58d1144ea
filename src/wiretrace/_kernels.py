"""Compiled (numba) inner loops of alignment; imported lazily so that importing wiretrace stays cheap.

Each kernel is the loop of a plain Python function in ``align.py`` over integer word ids instead of
strings; ``tests/test_align_kernels.py`` asserts both give the same answer. ``cache=True`` keeps the
machine code beside this file (or in numba's user cache), so only the first run on a machine compiles.
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _push(rows: np.ndarray, n: int, x: int, y: int, z: int) -> np.ndarray:
    """Set row ``n`` of an (m, 3) int64 array to (x, y, z), doubling the array when it is full."""
    if n == rows.shape[0]:
        grown = np.empty((2 * n, 3), dtype=np.int64)
        grown[:n] = rows
        rows = grown
    rows[n, 0], rows[n, 1], rows[n, 2] = x, y, z
    return rows


@njit(cache=True, nogil=True)
def seed_matches(keys_a: np.ndarray, pos_a: np.ndarray, common_a: np.ndarray, keys_b: np.ndarray,
                 pos_b: np.ndarray, starts_b: np.ndarray, ia: np.ndarray, ib: np.ndarray, ba: np.ndarray,
                 bb: np.ndarray, k: int, max_occurrences: int) -> np.ndarray:
    """Maximal exact runs (length, i, j) of every shared, not too common seed, from their left end.

    ``keys_x``/``pos_x``: each side's seed keys (equal seeds, equal keys) sorted, and where they
    start, only starts whose seed crosses no boilerplate break; ``common_a[i]``: how often the seed
    at i occurs anywhere in A; ``starts_b[j]``: how often the seed at j starts in B (as ``pos_b``);
    ``ia``/``ib``: word ids; ``ba``/``bb``: a break before each word. A run is reported from the seed
    that starts it unless that seed is too common to anchor on: then from the first seed that may,
    extended left (the same run may come out more than once; the caller drops repeats).
    """
    na, nb = ia.shape[0], ib.shape[0]
    out = np.empty((16, 3), dtype=np.int64)
    n = 0
    p, q = 0, 0
    while p < keys_a.shape[0] and q < keys_b.shape[0]:  # merge the two sorted seed lists
        if keys_a[p] < keys_b[q]:
            p += 1
            continue
        if keys_a[p] > keys_b[q]:
            q += 1
            continue
        key = keys_a[p]
        p_end, q_end = p, q
        while p_end < keys_a.shape[0] and keys_a[p_end] == key:
            p_end += 1
        while q_end < keys_b.shape[0] and keys_b[q_end] == key:
            q_end += 1
        if q_end - q <= max_occurrences and common_a[pos_a[p]] <= max_occurrences:
            for x in range(p, p_end):
                i = pos_a[x]
                for y in range(q, q_end):
                    j = pos_b[y]
                    i0, j0 = i, j
                    if i > 0 and j > 0 and not ba[i] and not bb[j] and ia[i - 1] == ib[j - 1]:
                        if starts_b[j - 1] <= max_occurrences and common_a[i - 1] <= max_occurrences:
                            continue  # the seed to the left starts this run
                        while i0 > 0 and j0 > 0 and not ba[i0] and not bb[j0] and ia[i0 - 1] == ib[j0 - 1]:
                            i0 -= 1
                            j0 -= 1
                    length = i - i0 + k
                    while (i0 + length < na and j0 + length < nb and not ba[i0 + length]
                           and not bb[j0 + length] and ia[i0 + length] == ib[j0 + length]):
                        length += 1
                    out = _push(out, n, length, i0, j0)
                    n += 1
        p, q = p_end, q_end
    return out[:n]


@njit(cache=True, nogil=True)
def greedy_tiles(matches: np.ndarray, na: int, nb: int, k: int) -> np.ndarray:
    """Greedy String Tiling: take runs longest first (then by i, then j), skip taken words, and put
    back the still-free pieces of a partly taken run that are at least ``k`` long; rows (i, j, length)."""
    width_j = nb + 1
    width_i = na + 1
    top = min(na, nb) + 1
    heap = [np.int64(0)]  # typed by its first item, removed below
    heap.pop()
    for r in range(matches.shape[0]):  # key orders as (-length, i, j)
        heap.append(((top - matches[r, 0]) * width_i + matches[r, 1]) * width_j + matches[r, 2])
    heapq.heapify(heap)
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    tiles = np.empty((16, 3), dtype=np.int64)
    n = 0
    while len(heap) > 0:
        key = heapq.heappop(heap)
        j = key % width_j
        i = (key // width_j) % width_i
        length = top - key // width_j // width_i
        free_all = True
        for t in range(length):
            if used_a[i + t] or used_b[j + t]:
                free_all = False
                break
        if free_all:
            for t in range(length):
                used_a[i + t] = True
                used_b[j + t] = True
            tiles = _push(tiles, n, i, j, length)
            n += 1
            continue
        t = 0
        while t < length:  # re-queue the free sub-runs that are still long enough
            if used_a[i + t] or used_b[j + t]:
                t += 1
                continue
            s = t
            while t < length and not used_a[i + t] and not used_b[j + t]:
                t += 1
            if t - s >= k:
                heapq.heappush(heap, ((top - (t - s)) * width_i + i + s) * width_j + j + s)
    return tiles[:n]


@njit(cache=True, nogil=True)
def _piece_stems(stems: np.ndarray, units: np.ndarray, adjacent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each piece's set of stem ids as a sorted run of a flat array (``flat[first[p]:first[p + 1]]``):
    one piece per unit, then one per adjacent pair of units (their union); ids below 0 are skipped."""
    n_units = units.shape[0]
    n = n_units + adjacent.shape[0]
    first = np.zeros(n + 1, dtype=np.int64)
    total = 0
    for u in range(n_units):
        total += units[u, 1] - units[u, 0]
    flat = np.empty(3 * total, dtype=np.int64)  # each unit once, and at most twice more in adjacent pairs
    at = 0
    for u in range(n_units):  # a unit: its stems sorted (insertion sort: units are short), deduplicated
        start = at
        for t in range(units[u, 0], units[u, 1]):
            v = stems[t]
            if v < 0:
                continue
            k = at
            while k > start and flat[k - 1] > v:
                k -= 1
            if k > start and flat[k - 1] == v:
                continue
            for m in range(at, k, -1):
                flat[m] = flat[m - 1]
            flat[k] = v
            at += 1
        first[u + 1] = at
    for p in range(n_units, n):  # an adjacent pair: the union of two sorted sets
        x = adjacent[p - n_units]
        i, i_end, j, j_end = first[x], first[x + 1], first[x + 1], first[x + 2]
        while i < i_end or j < j_end:
            if j == j_end or (i < i_end and flat[i] < flat[j]):
                flat[at] = flat[i]
                i += 1
            elif i == i_end or flat[j] < flat[i]:
                flat[at] = flat[j]
                j += 1
            else:
                flat[at] = flat[i]
                i += 1
                j += 1
            at += 1
        first[p + 1] = at
    return flat[:at], first


@njit(cache=True, nogil=True)
def sentence_matches(stems_a: np.ndarray, units_a: np.ndarray, adj_a: np.ndarray, stems_b: np.ndarray,
                     units_b: np.ndarray, adj_b: np.ndarray, similarity: float) -> tuple[np.ndarray, np.ndarray]:
    """Piece pairs whose stem sets (3+ stems each) share 4+ stems with Dice >= ``similarity``:
    rows (piece of A, piece of B) and their Dice (pieces numbered as in ``_piece_stems``)."""
    flat_a, first_a = _piece_stems(stems_a, units_a, adj_a)
    flat_b, first_b = _piece_stems(stems_b, units_b, adj_b)
    na, nb = first_a.shape[0] - 1, first_b.shape[0] - 1
    piece_b = np.empty(flat_b.shape[0], dtype=np.int64)  # which piece of B each entry belongs to
    for q in range(nb):
        piece_b[first_b[q]:first_b[q + 1]] = q
    order = np.argsort(flat_b, kind="mergesort")  # B's entries by stem: an inverted index
    stem_b, holder_b = flat_b[order], piece_b[order]
    shared = np.zeros(nb, dtype=np.int64)
    rows = np.empty((16, 2), dtype=np.int64)
    dice = np.empty(16, dtype=np.float64)
    n = 0
    for p in range(na):
        size_a = first_a[p + 1] - first_a[p]
        if size_a < 3:
            continue
        shared[:] = 0
        for x in range(first_a[p], first_a[p + 1]):  # count shared stems through the index
            lo = np.searchsorted(stem_b, flat_a[x], side="left")
            while lo < stem_b.shape[0] and stem_b[lo] == flat_a[x]:
                shared[holder_b[lo]] += 1
                lo += 1
        for q in range(nb):
            size_b = first_b[q + 1] - first_b[q]
            if size_b < 3 or shared[q] < 4:
                continue
            d = 2 * shared[q] / (size_a + size_b)
            if d >= similarity:
                if n == rows.shape[0]:
                    grown_rows = np.empty((2 * n, 2), dtype=np.int64)
                    grown_rows[:n] = rows
                    rows = grown_rows
                    grown_dice = np.empty(2 * n, dtype=np.float64)
                    grown_dice[:n] = dice
                    dice = grown_dice
                rows[n, 0], rows[n, 1], dice[n] = p, q, d
                n += 1
    return rows[:n], dice[:n]


@njit(cache=True, nogil=True)
def minhash(shingles: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per permutation, the minimum of ((a*x + b) mod (2^61 - 1)) & (2^32 - 1) over the low 32 bits x
    of the shingles (``fingerprint.minhash_reference``); all values stay below 2^64."""
    low = np.uint64(0xFFFFFFFF)
    prime = np.uint64((1 << 61) - 1)
    out = np.empty(a.shape[0], dtype=np.uint32)
    x = shingles & low
    for p in range(a.shape[0]):
        ap, bp = a[p], b[p]
        best = low
        for v in x:
            h = ((ap * v + bp) % prime) & low
            if h < best:
                best = h
        out[p] = np.uint32(best)
    return out


def load() -> None:
    """Compile (or load from the cache) every kernel now, with tiny inputs: called before forking
    worker processes, which then inherit the machine code instead of each loading it."""
    words = np.arange(4, dtype=np.int64)
    keys = np.arange(2, dtype=np.int64)
    brk = np.zeros(4, dtype=np.bool_)
    matches = seed_matches(keys, keys, keys, keys, keys, words, words, words, brk, brk, 3, 20)
    greedy_tiles(matches, 4, 4, 3)
    units = np.array([[0, 4]], dtype=np.int64)
    sentence_matches(words, units, keys[:0], words, units, keys[:0], 0.5)
    minhash(np.arange(3, dtype=np.uint64), np.ones(2, dtype=np.uint64), np.ones(2, dtype=np.uint64))
