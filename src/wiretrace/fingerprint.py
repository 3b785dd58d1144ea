"""Word n-gram hashes, MinHash signatures and winnowed fingerprints of a document's content tokens.

Each hot function has a plain reference version (``*_reference``) and a vectorised one; tests assert
both agree on generated input (the RapidFuzz habit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash
from numpy.lib.stride_tricks import sliding_window_view

from .model import Document
from .settings import DEFAULT, Settings

_MASK64 = (1 << 64) - 1
_MULT = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier for combining token hashes
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)
_token_cache: dict[str, int] = {}


def token_hash(word: str) -> int:
    """64-bit xxh3 hash of a normalised token (memoised: a news vocabulary is small)."""
    h = _token_cache.get(word)
    if h is None:
        h = xxhash.xxh3_64_intdigest(word.encode("utf-8"))
        if len(_token_cache) < 2_000_000:
            _token_cache[word] = h
    return h


def token_hashes(words: list[str]) -> np.ndarray:
    """Hash every token; returns uint64[len(words)]. One dict lookup per token straight into the
    array, a call only for words not seen yet (the per-token call was a tenth of a scan's time)."""
    try:
        return np.fromiter(map(_token_cache.get, words), dtype=np.uint64, count=len(words))
    except TypeError:  # a word not seen yet (None): hash it and cache it
        return np.fromiter(map(token_hash, words), dtype=np.uint64, count=len(words))


def content_hashes(doc: Document) -> np.ndarray:
    """``token_hashes(doc.content_words)``, hashed in a compiled loop straight from the text (an
    ASCII token's word is its text lower-cased); other tokens go through ``token_hash``. Memoised
    on the document: fingerprints, boilerplate tagging and the aligner's vocabulary all read them."""
    memo = doc.__dict__.get("_content_hashes")
    if memo is not None:
        return memo  # type: ignore[no-any-return]
    content = doc.content
    if not len(content):
        return np.zeros(0, dtype=np.uint64)
    from . import _prep_kernels  # numba, imported on first use

    codes = doc.tokens.spaced  # a word's characters as in the text, capitals lowered
    if codes is None:
        codes = np.frombuffer(doc.article.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    hashes, done = _prep_kernels.ascii_token_hashes(codes, doc.tokens.starts[content], doc.tokens.ends[content])
    if not done.all():
        words = doc.tokens.words
        for i in np.flatnonzero(~done).tolist():
            hashes[i] = token_hash(words[content[i]])
    doc.__dict__["_content_hashes"] = hashes  # read-only by convention: every reader of the memo shares it
    return hashes


def token_hashes_reference(words: list[str]) -> np.ndarray:
    """Reference ``token_hashes``: one ``token_hash`` call per token."""
    return np.array([token_hash(w) for w in words], dtype=np.uint64).reshape(len(words))


def _mix(h: int) -> int:
    """splitmix64 finaliser: spreads the bits of a combined hash."""
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
    h = (h ^ (h >> 27)) * 0x94D049BB133111EB & _MASK64
    return h ^ (h >> 31)


def shingle_hashes_reference(token_hash_values: list[int], n: int) -> list[int]:
    """Reference: hash of each word n-gram as a polynomial in the token hashes, then mixed."""
    out = []
    mult = int(_MULT)
    for i in range(len(token_hash_values) - n + 1):
        h = 0
        for t in token_hash_values[i : i + n]:
            h = (h * mult + t) & _MASK64
        out.append(_mix(h))
    return out


def shingle_hashes(th: np.ndarray, n: int) -> np.ndarray:
    """Vectorised ``shingle_hashes_reference``: uint64 hash of each n-gram, in text order."""
    count = len(th) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _MULT + th[j : j + count]
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters of ``num_perm`` universal hash functions (a*x + b) mod (2^61 - 1)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
    return a, b


def minhash_reference(shingles: list[int], a: np.ndarray, b: np.ndarray) -> list[int]:
    """Reference MinHash: per permutation, the minimum of ((a*x + b) mod p) & (2^32 - 1)."""
    p = (1 << 61) - 1
    sig = []
    for ai, bi in zip(a.tolist(), b.tolist()):
        best = (1 << 32) - 1
        for x in shingles:
            best = min(best, ((ai * (x & 0xFFFFFFFF) + bi) % p) & 0xFFFFFFFF)
        sig.append(best)
    return sig


def minhash(shingles: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signature (uint32[num_perm]) of a set of 64-bit shingle hashes: the compiled kernel
    ``fingerprint`` uses (``_prep_kernels.minhash``), on the distinct shingles."""
    shingles = np.unique(shingles)
    if len(shingles) == 0:
        return np.full(len(a), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    from . import _prep_kernels  # numba, imported on first use

    as_keys = (np.ascontiguousarray(x, dtype=np.uint64) for x in (shingles, a, b))
    return _prep_kernels.minhash(*as_keys)


def winnow_reference(hashes: list[int], window: int) -> list[int]:
    """Reference winnowing (Schleimer et al. 2003): the rightmost minimum of every window, deduplicated
    by position; a document shorter than one window contributes its minimum."""
    if not hashes:
        return []
    if len(hashes) <= window:
        return [min(hashes)]
    picked: dict[int, int] = {}
    for start in range(len(hashes) - window + 1):
        win = hashes[start : start + window]
        m = min(win)
        pos = start + max(i for i, h in enumerate(win) if h == m)
        picked[pos] = m
    return [picked[p] for p in sorted(picked)]


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """Vectorised ``winnow_reference``: selected fingerprint hashes in text order."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    if len(hashes) <= window:
        return np.asarray([hashes.min()], dtype=np.uint64)
    windows = sliding_window_view(hashes, window)
    # rightmost minimum: argmin over the reversed window
    rightmost = window - 1 - np.argmin(windows[:, ::-1], axis=1)
    positions = np.unique(np.arange(len(windows)) + rightmost)
    return hashes[positions]


@dataclass
class Fingerprints:
    """What candidate search needs of one document."""

    shingles: np.ndarray  # unique uint64 n-gram hashes of the content tokens
    signature: np.ndarray  # uint32[num_perm] MinHash
    winnowed: np.ndarray  # unique uint64 winnowed fingerprints


_PERMS: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def fingerprint(doc: Document, settings: Settings = DEFAULT, candidates: bool = True,
                hashes: np.ndarray | None = None) -> Fingerprints:
    """Shingles, MinHash signature and winnowed fingerprints of a document's content tokens.

    Without ``candidates`` only the shingles are hashed (signature and winnowed stay empty): all
    that comparing a pair needs, at a third of the cost. ``hashes``: the content tokens'
    ``token_hashes``, when known. Compiled; ``fingerprint_reference`` gives the same arrays.
    """
    from . import _prep_kernels  # numba, imported on first use: compiled passes around NumPy's sort

    a, b = _permutations(settings.num_perm)
    sh = _prep_kernels.shingles(content_hashes(doc) if hashes is None else hashes, settings.shingle_size)
    unique, signature, winnowed = _prep_kernels.fingerprints(sh, np.sort(sh), settings.winnow_window, a, b, candidates)
    return Fingerprints(shingles=unique, signature=signature, winnowed=winnowed)


def fingerprint_reference(doc: Document, settings: Settings = DEFAULT, candidates: bool = True) -> Fingerprints:
    """Reference ``fingerprint`` from the NumPy steps; both must give the same arrays."""
    sh = shingle_hashes(token_hashes_reference(doc.content_words), settings.shingle_size)
    unique = np.unique(sh)
    if not candidates:
        return Fingerprints(shingles=unique, signature=np.zeros(0, dtype=np.uint32),
                            winnowed=np.zeros(0, dtype=np.uint64))
    a, b = _permutations(settings.num_perm)
    return Fingerprints(
        shingles=unique,
        signature=np.asarray(minhash_reference(unique.tolist(), a, b), dtype=np.uint32),
        winnowed=np.unique(winnow(sh, settings.winnow_window)),
    )


def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """``permutations(num_perm)``, made once per size (contiguous uint64, as the kernels take them)."""
    key = (num_perm, 1)
    if key not in _PERMS:
        a, b = permutations(num_perm)
        _PERMS[key] = np.ascontiguousarray(a, dtype=np.uint64), np.ascontiguousarray(b, dtype=np.uint64)
    return _PERMS[key]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two unique hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of A's unique shingles that also occur in B (|A ∩ B| / |A|)."""
    if len(a) == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / len(a)


def count_shared(a: np.ndarray, b: np.ndarray) -> int:
    """``len(np.intersect1d(a, b, assume_unique=True))``; a merge when both are sorted and distinct
    (as ``Fingerprints.shingles`` are)."""
    if a.dtype == np.uint64 and b.dtype == np.uint64:
        from . import _prep_kernels  # numba, imported on first use

        n = _prep_kernels.shared_count(a, b)
        if n >= 0:
            return int(n)
    return len(np.intersect1d(a, b, assume_unique=True))


def overlap_scores(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """``jaccard(a, b)``, ``containment(a, b)`` and ``containment(b, a)`` from one intersection."""
    la, lb = len(a), len(b)
    inter = count_shared(a, b) if la and lb else 0
    return (inter / (la + lb - inter) if la or lb else 0.0, inter / la if la else 0.0, inter / lb if lb else 0.0)
