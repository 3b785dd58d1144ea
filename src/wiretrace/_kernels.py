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
def seed_matches(keys_a: np.ndarray, pos_a: np.ndarray, common_a: np.ndarray, keys_b: np.ndarray,
                 pos_b: np.ndarray, ia: np.ndarray, ib: np.ndarray, ba: np.ndarray, bb: np.ndarray, k: int,
                 max_occurrences: int) -> np.ndarray:
    """Maximal exact runs (length, i, j) started at the left end of every shared, not too common seed.

    ``keys_x``/``pos_x``: each side's seed keys (equal seeds, equal keys) sorted, and where they
    start, only starts whose seed crosses no boilerplate break; ``common_a[i]``: how often the seed
    at i occurs anywhere in A; ``ia``/``ib``: word ids; ``ba``/``bb``: a break before each word.
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
                    # only start at the left end of a maximal match
                    if i > 0 and j > 0 and not ba[i] and not bb[j] and ia[i - 1] == ib[j - 1]:
                        continue
                    length = k
                    while (i + length < na and j + length < nb and not ba[i + length] and not bb[j + length]
                           and ia[i + length] == ib[j + length]):
                        length += 1
                    if n == out.shape[0]:
                        grown = np.empty((2 * n, 3), dtype=np.int64)
                        grown[:n] = out
                        out = grown
                    out[n, 0], out[n, 1], out[n, 2] = length, i, j
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
            if n == tiles.shape[0]:
                grown = np.empty((2 * n, 3), dtype=np.int64)
                grown[:n] = tiles
                tiles = grown
            tiles[n, 0], tiles[n, 1], tiles[n, 2] = i, j, length
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
