"""Candidate pairs: MinHash-LSH for near-duplicates plus a rare-fingerprint index for partial reuse.

The logic is split so every engine shares it. Per article, ``article_keys`` gives its candidate keys,
one array per *key kind* (LSH band hashes, winnowed fingerprints), each kind a namespace of its own so
kinds never collide. Per corpus, ``key_rules`` gives each kind's rules: the largest bucket (document
frequency) paired all-against-all, how many keys of that kind a pair must share, and how many hubs a
larger bucket pairs its members with (so a story reprinted a thousand times costs a thousand pairs,
not half a million). Two articles are candidates when, for some kind, they share at least
``min_shared`` keys, each held by 2..``max_df`` articles or having one of them as a hub. Corpus
boilerplate (``wiretrace.boilerplate``) is excluded first.

The local engine applies the rules with numpy postings (``pairs_from_postings``, vectorised by group
size, no Python loop per key); the Spark engine with joins and group-bys. To add a key kind, write its
``keys`` and ``rule`` functions and append a ``KeyKind`` to ``KEY_KINDS``: both engines pick it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import arrays
from .fingerprint import Fingerprints
from .settings import DEFAULT, Settings

_BAND_MULT = np.uint64(0x100000001B3)
_EMPTY_SIGNATURE = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class KeyRule:
    """How one key kind's postings become pairs: bucket-size cap, minimum shared keys, and how many
    *hubs* a key held by more than ``max_df`` articles pairs its holders with (0: such keys are dropped)."""

    max_df: int
    min_shared: int
    hubs: int = 0


@dataclass(frozen=True)
class KeyKind:
    """A namespace of candidate keys: how an article's keys are made and which rules apply to them.

    ``keys`` reads only the signature and the winnowed fingerprints, which is what stores keep.
    """

    name: str
    keys: Callable[[Fingerprints, Settings], np.ndarray]
    rule: Callable[[int, Settings], KeyRule]


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


def lsh_keys(fp: Fingerprints, settings: Settings = DEFAULT) -> np.ndarray:
    """An article's LSH band keys; none for an article without shingles (it must match nothing)."""
    signature = np.asarray(fp.signature)
    if len(signature) == 0 or (signature == _EMPTY_SIGNATURE).all():
        return np.zeros(0, dtype=np.uint64)
    return arrays.unique(band_keys(signature[None, :], settings.lsh_bands)[0])


def winnowed_keys(fp: Fingerprints, settings: Settings = DEFAULT) -> np.ndarray:
    """An article's winnowed fingerprints, as unique keys."""
    return arrays.unique(np.asarray(fp.winnowed, dtype=np.uint64))


def lsh_rule(n_docs: int, settings: Settings = DEFAULT) -> KeyRule:
    """One shared band is enough; a bucket larger than ``max_bucket`` pairs its members with its hubs."""
    return KeyRule(max_df=settings.max_bucket, min_shared=1, hubs=settings.hubs)


def winnowed_rule(n_docs: int, settings: Settings = DEFAULT) -> KeyRule:
    """``min_shared_fingerprints`` fingerprints held by at most ``max_df`` articles, or by more and
    paired through hubs (corpus boilerplate is excluded before these rules apply)."""
    return KeyRule(max_df=settings.max_df, min_shared=settings.min_shared_fingerprints, hubs=settings.hubs)


KEY_KINDS: tuple[KeyKind, ...] = (
    KeyKind("lsh", lsh_keys, lsh_rule),
    KeyKind("winnowed", winnowed_keys, winnowed_rule),
)
"""Every key kind, in a fixed order (a kind's position is its namespace number in Spark tables)."""


def article_keys(fp: Fingerprints, settings: Settings = DEFAULT) -> dict[str, np.ndarray]:
    """One article's candidate keys: unique uint64 keys per kind name."""
    return {kind.name: kind.keys(fp, settings) for kind in KEY_KINDS}


def key_rules(n_docs: int, settings: Settings = DEFAULT) -> dict[str, KeyRule]:
    """Each kind's rules for a corpus of ``n_docs`` articles."""
    return {kind.name: kind.rule(n_docs, settings) for kind in KEY_KINDS}


def stored_fingerprints(signature: np.ndarray, winnowed: np.ndarray) -> Fingerprints:
    """The part of an article's fingerprints a store keeps, as ``Fingerprints`` for ``article_keys``."""
    return Fingerprints(shingles=np.zeros(0, dtype=np.uint64), signature=signature, winnowed=winnowed)


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
    order = arrays.key_doc_order(keys, docs)
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
    uniq, counts = arrays.unique_counts(np.concatenate(codes))
    return np.stack([uniq // n_docs, uniq % n_docs], axis=1), counts


def hub_pairs(keys: np.ndarray, docs: np.ndarray, ranks: np.ndarray, max_df: int, hubs: int,
              new: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs from keys held by more than ``max_df`` documents: each holder with the key's ``hubs``
    lowest-ranked holders, and how many such keys each pair shares.

    A wire story reprinted 500 times would give 124,750 pairs to align; through 8 hubs it gives under
    4,000, and every copy still reaches the cluster. ``ranks[doc]`` orders the holders (the same id
    hash every engine uses); unique (key, doc) postings; ``new`` as in ``pairs_from_postings``.
    """
    empty = (np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64))
    if len(keys) == 0 or hubs <= 0:
        return empty
    k, d = np.asarray(keys, dtype=np.uint64), np.asarray(docs, dtype=np.int64)
    _, inverse, counts = arrays.groups(k)
    big = counts[inverse] > max_df
    k, d = k[big], d[big]
    if len(k) == 0:
        return empty
    order = np.lexsort((d, ranks[d], k))
    k, d = k[order], d[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    n_docs = int(max(d.max(), len(ranks) - 1)) + 1
    codes = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        members, hub = d[lo:hi], d[lo:min(hi, lo + hubs)]
        left, right = np.repeat(members, len(hub)), np.tile(hub, len(members))
        keep = left != right
        if new is not None:
            keep &= new[left] | new[right]
        left, right = left[keep], right[keep]
        codes.append(arrays.unique(np.minimum(left, right) * n_docs + np.maximum(left, right)))
    uniq, shared = arrays.unique_counts(np.concatenate(codes))
    return np.stack([uniq // n_docs, uniq % n_docs], axis=1), shared


def kind_pairs(keys_per_doc: Sequence[np.ndarray], rule: KeyRule, new: np.ndarray | None = None,
               ranks: np.ndarray | None = None, exclude: np.ndarray | None = None) -> np.ndarray:
    """Pairs of documents (by position) sharing at least ``rule.min_shared`` keys of one kind, keys
    over the cap counted through their hubs (ranked by ``ranks``, by position without); keys in
    ``exclude`` (sorted) count for nothing."""
    if len(keys_per_doc) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = np.concatenate(keys_per_doc).astype(np.uint64)
    docs = np.repeat(np.arange(len(keys_per_doc)), [len(k) for k in keys_per_doc])
    if exclude is not None and len(exclude):
        keep = ~arrays.isin(keys, exclude)
        keys, docs = keys[keep], docs[keep]
    pairs, counts = pairs_from_postings(keys, docs, rule.max_df, new)
    ranks = np.arange(len(keys_per_doc), dtype=np.int64) if ranks is None else ranks
    more, more_counts = hub_pairs(keys, docs, ranks, rule.max_df, rule.hubs, new)
    if len(more):
        pairs, counts = _add_counts(pairs, counts, more, more_counts, len(keys_per_doc))
    return pairs[counts >= rule.min_shared]


def sum_by_code(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair codes (``i * width + j``) made unique, the counts of a code's repeats added up."""
    uniq, inverse, _ = arrays.groups(codes)
    return uniq, np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64)


def _add_counts(pairs: np.ndarray, counts: np.ndarray, more: np.ndarray, more_counts: np.ndarray,
                n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Union of two (pairs, shared-key counts) sets, counts of a pair in both added."""
    uniq, total = sum_by_code(np.concatenate([pairs[:, 0] * n_docs + pairs[:, 1], more[:, 0] * n_docs + more[:, 1]]),
                              np.concatenate([counts, more_counts]))
    return np.stack([uniq // n_docs, uniq % n_docs], axis=1), total


def pairs_from_keys(keys: Sequence[dict[str, np.ndarray]], settings: Settings = DEFAULT,
                    new: np.ndarray | None = None, ranks: np.ndarray | None = None,
                    boilerplate: np.ndarray | None = None) -> np.ndarray:
    """Union over key kinds of the candidate pairs, as sorted unique (i, j) rows with i < j;
    ``boilerplate`` winnowed keys (sorted) make no pairs."""
    rules = key_rules(len(keys), settings)
    found = [kind_pairs([k[kind.name] for k in keys], rules[kind.name], new, ranks,
                        boilerplate if kind.name == "winnowed" else None) for kind in KEY_KINDS]
    both = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    if len(both) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(both, axis=0)


def _keys_of(signatures: np.ndarray, winnowed: Sequence[np.ndarray], settings: Settings) -> list[dict[str, np.ndarray]]:
    return [article_keys(stored_fingerprints(s, w), settings) for s, w in zip(signatures, winnowed)]


def lsh_pairs(signatures: np.ndarray, settings: Settings = DEFAULT,
              new: np.ndarray | None = None) -> np.ndarray:
    """Near-duplicate candidates: documents that share at least one LSH band bucket."""
    keys = [lsh_keys(stored_fingerprints(s, np.zeros(0, np.uint64)), settings) for s in signatures]
    return kind_pairs(keys, lsh_rule(len(keys), settings), new)


def fingerprint_pairs(winnowed: list[np.ndarray], settings: Settings = DEFAULT,
                      new: np.ndarray | None = None) -> np.ndarray:
    """Partial-reuse candidates: documents sharing ``min_shared_fingerprints`` rare fingerprints."""
    keys = [arrays.unique(w) for w in winnowed]
    return kind_pairs(keys, winnowed_rule(len(keys), settings), new)


def candidate_pairs(signatures: np.ndarray, winnowed: list[np.ndarray], settings: Settings = DEFAULT,
                    new: np.ndarray | None = None, ranks: np.ndarray | None = None,
                    boilerplate: np.ndarray | None = None) -> np.ndarray:
    """Candidates over stored fingerprints (signature and winnowed per article), every key kind."""
    return pairs_from_keys(_keys_of(signatures, winnowed, settings), settings, new, ranks, boilerplate)
