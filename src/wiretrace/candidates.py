"""Candidate pairs: MinHash-LSH for near-duplicates plus a rare-fingerprint index for partial reuse.

Both are the same operation over postings (key → documents): group by key, drop keys held by too
many documents (boilerplate must not explode the candidate set), and emit the pairs inside each
group. The work is vectorised by group size, so no Python loop runs per key.
"""

from __future__ import annotations

import numpy as np

from .settings import DEFAULT, Settings

_BAND_MULT = np.uint64(0x100000001B3)


def effective_max_df(n_docs: int, settings: Settings = DEFAULT) -> int:
    """Document-frequency cap for fingerprints: the larger of the absolute and the relative cap."""
    return max(settings.max_df, int(np.ceil(settings.max_df_share * n_docs)))


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """LSH band keys: uint64[N, bands], each a hash of one band's rows salted with its band number."""
    n, num_perm = signatures.shape
    rows = num_perm // bands
    sig = signatures.astype(np.uint64).reshape(n, bands, rows)
    h = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            h = (h ^ sig[:, :, r]) * _BAND_MULT
        h ^= np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    return h


def pairs_from_postings(keys: np.ndarray, docs: np.ndarray, max_df: int,
                        new: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of documents sharing a key held by 2..max_df documents, and how many keys each shares.

    ``keys``/``docs`` are parallel arrays of unique (key, doc) postings. With ``new`` (a bool mask over
    doc numbers), only pairs involving at least one new document are returned (incremental scans).
    Returns ``(pairs int64[K, 2] with pairs[:, 0] < pairs[:, 1], counts int64[K])``.
    """
    empty = (np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64))
    if len(keys) == 0:
        return empty
    order = np.lexsort((docs, keys))
    k, d = keys[order], docs[order].astype(np.int64)
    boundaries = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    starts, sizes = boundaries[:-1], np.diff(boundaries)
    codes: list[np.ndarray] = []
    n_docs = int(d.max()) + 1
    for size in np.unique(sizes):
        if size < 2 or size > max_df:
            continue
        group_starts = starts[sizes == size]
        iu, ju = np.triu_indices(int(size), 1)
        left = d[group_starts[:, None] + iu[None, :]].ravel()
        right = d[group_starts[:, None] + ju[None, :]].ravel()
        if new is not None:
            keep = new[left] | new[right]
            left, right = left[keep], right[keep]
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        codes.append(lo * n_docs + hi)
    if not codes:
        return empty
    uniq, counts = np.unique(np.concatenate(codes), return_counts=True)
    return np.stack([uniq // n_docs, uniq % n_docs], axis=1), counts


def lsh_pairs(signatures: np.ndarray, settings: Settings = DEFAULT,
              new: np.ndarray | None = None) -> np.ndarray:
    """Near-duplicate candidates: documents that share at least one LSH band bucket."""
    if len(signatures) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = band_keys(signatures, settings.lsh_bands)
    # documents without shingles have the all-max signature: they match nothing
    empty = (signatures == np.uint32(0xFFFFFFFF)).all(axis=1)
    docs = np.repeat(np.arange(len(signatures)), settings.lsh_bands)
    mask = np.repeat(~empty, settings.lsh_bands)
    pairs, _ = pairs_from_postings(keys.ravel()[mask], docs[mask], settings.max_bucket, new)
    return pairs


def fingerprint_pairs(winnowed: list[np.ndarray], settings: Settings = DEFAULT,
                      new: np.ndarray | None = None) -> np.ndarray:
    """Partial-reuse candidates: documents sharing ``min_shared_fingerprints`` rare fingerprints."""
    if len(winnowed) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = np.concatenate(winnowed) if winnowed else np.zeros(0, dtype=np.uint64)
    docs = np.repeat(np.arange(len(winnowed)), [len(w) for w in winnowed])
    pairs, counts = pairs_from_postings(keys, docs, effective_max_df(len(winnowed), settings), new)
    return pairs[counts >= settings.min_shared_fingerprints]


def candidate_pairs(signatures: np.ndarray, winnowed: list[np.ndarray], settings: Settings = DEFAULT,
                    new: np.ndarray | None = None) -> np.ndarray:
    """Union of LSH and rare-fingerprint candidates, as sorted unique (i, j) rows with i < j."""
    both = np.concatenate([lsh_pairs(signatures, settings, new), fingerprint_pairs(winnowed, settings, new)])
    if len(both) == 0:
        return both
    return np.unique(both, axis=0)
