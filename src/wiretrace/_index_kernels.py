"""Compiled (numba) loops of the persistent candidate index (``postings``).

``merge_postings`` merges two runs of postings sorted by (key, doc) in one linear pass: what
``build_segment`` would get by re-sorting their concatenation (``np.lexsort``), without the sort;
``tests/test_postings.py`` asserts both agree. Imported lazily, cached beside this file
(``cache=True``) like ``_kernels``.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def merge_postings(keys_a: np.ndarray, docs_a: np.ndarray, keys_b: np.ndarray,
                   docs_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One run sorted by (key, doc) from two such runs: uint64 keys and uint32 docs."""
    na, nb = keys_a.shape[0], keys_b.shape[0]
    keys = np.empty(na + nb, dtype=np.uint64)
    docs = np.empty(na + nb, dtype=np.uint32)
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
    return keys, docs
