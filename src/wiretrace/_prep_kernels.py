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
    return distinct_sorted(np.sort(x))


@njit(cache=True, nogil=True)
def distinct_sorted(s: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted uint64 array."""
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
def fingerprints(sh: np.ndarray, ordered: np.ndarray, window: int, a: np.ndarray,
                 b: np.ndarray, candidates: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique shingles, MinHash signature and unique winnowed fingerprints of the shingle hashes
    ``sh`` (in text order; ``ordered``: the same sorted, as NumPy sorts them three to four times
    faster than a compiled sort) (``fingerprint.fingerprint``); without ``candidates`` the last two
    are empty."""
    uniq = distinct_sorted(ordered)
    if not candidates:
        return uniq, np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint64)
    if uniq.shape[0] == 0:
        signature = np.full(a.shape[0], np.uint32(0xFFFFFFFF), dtype=np.uint32)
    else:
        signature = minhash(uniq, a, b)
    return uniq, signature, unique(sh[winnow_positions(sh, window)])


@njit(cache=True, nogil=True)
def winnowed(th: np.ndarray, n: int, window: int) -> np.ndarray:
    """Unique winnowed fingerprints of the token hashes ``th`` (as ``fingerprints`` gives them)."""
    sh = shingles(th, n)
    return unique(sh[winnow_positions(sh, window)])


@njit(cache=True, nogil=True)
def shared_keys(keys: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Sorted distinct values in both ``keys`` and ``found`` (``np.intersect1d``); fastest when both
    are sorted and distinct, as corpus boilerplate and winnowed fingerprints are."""
    for x in (keys, found):
        for i in range(1, x.shape[0]):
            if x[i] <= x[i - 1]:
                return shared_keys(unique(keys), unique(found))
    out = np.empty(min(keys.shape[0], found.shape[0]), dtype=np.uint64)
    i, j, m = 0, 0, 0
    while i < keys.shape[0] and j < found.shape[0]:
        if keys[i] < found[j]:
            i += 1
        elif keys[i] > found[j]:
            j += 1
        else:
            out[m] = keys[i]
            m += 1
            i += 1
            j += 1
    return out[:m]


@njit(cache=True, nogil=True)
def repeated_tokens(th: np.ndarray, n: int, window: int, own: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """Per content token, whether its sentence is at least half covered by the document's own
    boilerplate fingerprints ``own`` (sorted, distinct; ``boilerplate.repeated_spans_reference``): the
    shingles equal to one each cover their n words, and hits at most ``window`` shingles apart the
    words between them. ``sentence`` numbers the content tokens' sentences."""
    count = th.shape[0]
    tagged = np.zeros(count, dtype=np.bool_)
    sh = shingles(th, n)
    if sh.shape[0] == 0 or own.shape[0] == 0:
        return tagged
    covered = np.zeros(count, dtype=np.bool_)
    last = -1  # the previous hit, and where the current run of hits began
    run_start = -1
    for i in range(sh.shape[0]):
        k = np.searchsorted(own, sh[i])
        if not (k < own.shape[0] and own[k] == sh[i]):
            continue
        if last >= 0 and i - last > window:
            covered[run_start:last + n] = True
            run_start = i
        elif last < 0:
            run_start = i
        last = i
    if last < 0:
        return tagged
    covered[run_start:last + n] = True
    top = 0
    for i in range(count):
        top = max(top, sentence[i])
    hits = np.zeros(top + 1, dtype=np.float64)
    words = np.zeros(top + 1, dtype=np.float64)
    for i in range(count):  # each sentence: tagged when at least half its content words are covered
        hits[sentence[i]] += covered[i]
        words[sentence[i]] += 1.0
    for i in range(count):
        tagged[i] = hits[sentence[i]] / words[sentence[i]] >= 0.5
    return tagged


_SECRET = np.array([
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
], dtype=np.uint32)  # the first 128 bytes of XXH3's default secret (all that keys up to 128 bytes read)
_P64_1 = np.uint64(0x9E3779B185EBCA87)
_P64_2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P64_3 = np.uint64(0x165667B19E3779F9)
_MX1 = np.uint64(0x165667919E3779F9)
_MX2 = np.uint64(0x9FB21C651E98DF25)
_M32 = np.uint64(0xFFFFFFFF)


@njit(cache=True, nogil=True)
def _read(buf, pos, size):
    """Little-endian unsigned integer of ``size`` bytes at ``pos`` of a byte-valued array."""
    v = np.uint64(0)
    for k in range(size):
        v |= np.uint64(buf[pos + k]) << np.uint64(8 * k)
    return v


@njit(cache=True, nogil=True)
def _fold(a, b):
    """Low 64 bits xor high 64 bits of the 128-bit product a * b."""
    lo_lo = (a & _M32) * (b & _M32)
    hi_lo = (a >> np.uint64(32)) * (b & _M32)
    lo_hi = (a & _M32) * (b >> np.uint64(32))
    hi_hi = (a >> np.uint64(32)) * (b >> np.uint64(32))
    cross = (lo_lo >> np.uint64(32)) + (hi_lo & _M32) + lo_hi
    upper = (hi_lo >> np.uint64(32)) + (cross >> np.uint64(32)) + hi_hi
    lower = (cross << np.uint64(32)) | (lo_lo & _M32)
    return lower ^ upper


@njit(cache=True, nogil=True)
def _avalanche(h):
    h ^= h >> np.uint64(37)
    h *= _MX1
    return h ^ (h >> np.uint64(32))


@njit(cache=True, nogil=True)
def _avalanche64(h):
    h ^= h >> np.uint64(33)
    h *= _P64_2
    h ^= h >> np.uint64(29)
    h *= _P64_3
    return h ^ (h >> np.uint64(32))


@njit(cache=True, nogil=True)
def _mix16(buf, pos, s):
    return _fold(_read(buf, pos, 8) ^ _read(_SECRET, s, 8), _read(buf, pos + 8, 8) ^ _read(_SECRET, s + 8, 8))


@njit(cache=True, nogil=True)
def xxh3_64(buf, pos, n):
    """XXH3 64-bit hash (seed 0) of the ``n`` <= 128 bytes at ``pos`` of a byte-valued array."""
    if n == 0:
        return _avalanche64(_read(_SECRET, 56, 8) ^ _read(_SECRET, 64, 8))
    if n <= 3:
        c1, c2, c3 = np.uint64(buf[pos]), np.uint64(buf[pos + (n >> 1)]), np.uint64(buf[pos + n - 1])
        combined = (c1 << np.uint64(16)) | (c2 << np.uint64(24)) | c3 | (np.uint64(n) << np.uint64(8))
        return _avalanche64(combined ^ (_read(_SECRET, 0, 4) ^ _read(_SECRET, 4, 4)))
    if n <= 8:
        x = _read(buf, pos + n - 4, 4) + (_read(buf, pos, 4) << np.uint64(32))
        h = x ^ (_read(_SECRET, 8, 8) ^ _read(_SECRET, 16, 8))
        h ^= ((h << np.uint64(49)) | (h >> np.uint64(15))) ^ ((h << np.uint64(24)) | (h >> np.uint64(40)))
        h *= _MX2
        h ^= (h >> np.uint64(35)) + np.uint64(n)
        h *= _MX2
        return h ^ (h >> np.uint64(28))
    if n <= 16:
        lo = _read(buf, pos, 8) ^ (_read(_SECRET, 24, 8) ^ _read(_SECRET, 32, 8))
        hi = _read(buf, pos + n - 8, 8) ^ (_read(_SECRET, 40, 8) ^ _read(_SECRET, 48, 8))
        swapped = np.uint64(0)
        for k in range(8):
            swapped |= ((lo >> np.uint64(8 * k)) & np.uint64(0xFF)) << np.uint64(56 - 8 * k)
        return _avalanche(np.uint64(n) + swapped + hi + _fold(lo, hi))
    acc = np.uint64(n) * _P64_1
    if n > 32:
        if n > 64:
            if n > 96:
                acc += _mix16(buf, pos + 48, 96)
                acc += _mix16(buf, pos + n - 64, 112)
            acc += _mix16(buf, pos + 32, 64)
            acc += _mix16(buf, pos + n - 48, 80)
        acc += _mix16(buf, pos + 16, 32)
        acc += _mix16(buf, pos + n - 32, 48)
    acc += _mix16(buf, pos, 0)
    acc += _mix16(buf, pos + n - 16, 16)
    return _avalanche(acc)


@njit(cache=True, nogil=True)
def ascii_token_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """XXH3 hash (``fingerprint.token_hash``) of each token ``codes[starts[i]:ends[i]]`` lower-cased,
    for the tokens of at most 128 ASCII characters (an ASCII token's normalised word is its text
    lower-cased); ``done[i]`` is False for the others, left to the caller."""
    n = starts.shape[0]
    out = np.zeros(n, dtype=np.uint64)
    done = np.zeros(n, dtype=np.bool_)
    buf = np.empty(128, dtype=np.uint32)
    for i in range(n):
        size = ends[i] - starts[i]
        if size > 128:
            continue
        ascii = True
        for k in range(size):
            c = codes[starts[i] + k]
            if c >= 128:
                ascii = False
                break
            buf[k] = c + 32 if 65 <= c <= 90 else c
        if ascii:
            out[i] = xxh3_64(buf, 0, size)
            done[i] = True
    return out, done


_ASCII_WORD = np.zeros(128, dtype=np.bool_)
for _c in range(128):
    _ASCII_WORD[_c] = chr(_c).isalnum()
_SPACE, _NEWLINE = 32, 10
_CLOSERS = np.array([ord(c) for c in "\"'\u201d\u2019)]"], dtype=np.uint32)  # may follow . ! ?
_OPENERS = np.array([ord(c) for c in "\"'\u201c\u2018(["], dtype=np.uint32)  # may open the next sentence


@njit(cache=True, nogil=True)
def words(codes: np.ndarray, word_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end offsets of the maximal runs of word characters (ASCII letters and digits, and
    the sorted non-ASCII ``word_codes``), and the text with ASCII capitals lowered and every other
    character a space (``str.split`` of it gives the words)."""
    n = codes.shape[0]
    spaced = np.empty(n, dtype=np.uint32)
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    ends = np.empty(n // 2 + 1, dtype=np.int64)
    m = 0
    inside = False
    for i in range(n):
        c = codes[i]
        if c < 128:
            word = _ASCII_WORD[c]
            spaced[i] = c + 32 if 65 <= c <= 90 else (c if word else _SPACE)
        else:
            k = np.searchsorted(word_codes, c)
            word = k < word_codes.shape[0] and word_codes[k] == c
            spaced[i] = c if word else _SPACE
        if word and not inside:
            starts[m] = i
        elif inside and not word:
            ends[m] = i
            m += 1
        inside = word
    if inside:
        ends[m] = n
        m += 1
    return starts[:m].copy(), ends[:m].copy(), spaced


@njit(cache=True, nogil=True)
def _is_space(c: np.uint32) -> bool:
    return c == 32 or 9 <= c <= 13


@njit(cache=True, nogil=True)
def _member(c: np.uint32, chars: np.ndarray) -> bool:
    for x in chars:
        if c == x:
            return True
    return False


@njit(cache=True, nogil=True)
def _capital_or_digit(c: np.uint32) -> bool:
    return 65 <= c <= 90 or 48 <= c <= 57


@njit(cache=True, nogil=True)
def sentence_ends(codes: np.ndarray, closers: np.ndarray, openers: np.ndarray) -> np.ndarray:
    """End offsets of the matches of ``normalize._SENTENCE_END`` in a text that holds no character
    its other alternatives need (no non-ASCII space, no Arabic, Hebrew, Syriac or Thaana letter, no
    full-width stop): '. ! ?' with an optional closer, spaces, then an optional opener and a capital
    or digit; or a run of line breaks. Matches are found left to right without overlap, as
    ``finditer`` does."""
    n = codes.shape[0]
    out = np.empty(n // 2 + 1, dtype=np.int64)
    m = 0
    i = 0
    while i < n:
        c = codes[i]
        if c == 46 or c == 33 or c == 63:  # . ! ?
            k = i + 1
            if k < n and _member(codes[k], closers):
                k += 1
            j = k
            while j < n and _is_space(codes[j]):
                j += 1
            if j > k and j < n and (_capital_or_digit(codes[j]) or (
                    _member(codes[j], openers) and j + 1 < n and _capital_or_digit(codes[j + 1]))):
                out[m] = j
                m += 1
                i = j
                continue
        elif c == _NEWLINE:
            j = i + 1
            while j < n and codes[j] == _NEWLINE:
                j += 1
            out[m] = j
            m += 1
            i = j
            continue
        i += 1
    return out[:m].copy()


@njit(cache=True, nogil=True)
def paragraph_ends(codes: np.ndarray) -> np.ndarray:
    """End offsets of the runs of line breaks (``normalize._PARAGRAPH_END``)."""
    n = codes.shape[0]
    out = np.empty(n // 2 + 1, dtype=np.int64)
    m = 0
    for i in range(n):
        if codes[i] == _NEWLINE and (i + 1 == n or codes[i + 1] != _NEWLINE):
            out[m] = i + 1
            m += 1
    return out[:m].copy()


@njit(cache=True, nogil=True)
def _increasing(x: np.ndarray) -> bool:
    for i in range(1, x.shape[0]):
        if x[i] <= x[i - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted, distinct arrays share (a merge); -1 when either is not sorted
    and distinct (the caller then asks NumPy)."""
    if not (_increasing(a) and _increasing(b)):
        return -1
    i, j, n = 0, 0, 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] < b[j]:
            i += 1
        elif a[i] > b[j]:
            j += 1
        else:
            n += 1
            i += 1
            j += 1
    return n


@njit(cache=True, nogil=True)
def name_hashes(content: np.ndarray, sentence: np.ndarray, starts: np.ndarray, codes: np.ndarray,
                words: np.ndarray, counted: np.ndarray, hashes: np.ndarray, calendar: np.ndarray
                ) -> tuple[np.ndarray, bool]:
    """``relate.name_keys`` in one pass: the sorted distinct ``hashes`` of the content tokens (token
    numbers ``content``, vocabulary ids ``words``) that do not open a sentence, whose word is
    ``counted`` and whose first character (``codes[starts[token]]``) is an ASCII capital, less the
    sorted ``calendar`` keys. Not done (False) when such a token starts with a non-ASCII
    character: the caller asks Python whether it is a capital."""
    n = content.shape[0]
    found = np.empty(n, dtype=np.uint64)
    m = 0
    for x in range(n):
        i = content[x]
        if i == 0 or sentence[i] != sentence[i - 1] or not counted[words[x]]:
            continue
        first = codes[starts[i]]
        if first >= 128:
            return found[:0], False
        if 65 <= first <= 90:
            found[m] = hashes[x]
            m += 1
    keys = np.sort(found[:m])
    out = np.empty(m, dtype=np.uint64)
    k, c = 0, 0
    for x in range(m):
        if x > 0 and keys[x] == keys[x - 1]:
            continue
        while c < calendar.shape[0] and calendar[c] < keys[x]:
            c += 1
        if c < calendar.shape[0] and calendar[c] == keys[x]:
            continue
        out[k] = keys[x]
        k += 1
    return out[:k], True


@njit(cache=True, nogil=True)
def stem_counts(words: np.ndarray, stem_of: np.ndarray, counted: np.ndarray, matched: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """What ``align.DocIds`` keeps of a document's word ids, in one pass: each token's stem id (-1
    where the word is not ``matched``), the sorted distinct stems of its ``counted`` words with how
    often each occurs, and the sum of those counts squared."""
    n = words.shape[0]
    stems = np.empty(n, dtype=np.int64)
    kept = np.empty(n, dtype=np.int64)
    m = 0
    for t in range(n):
        w = words[t]
        s = stem_of[w]
        stems[t] = s if matched[w] else -1
        if counted[w]:
            kept[m] = s
            m += 1
    kept = np.sort(kept[:m])
    distinct = np.empty(m, dtype=np.int64)
    counts = np.empty(m, dtype=np.int64)
    k = 0
    norm = 0
    for x in range(m):
        if x > 0 and kept[x] == kept[x - 1]:
            counts[k - 1] += 1
        else:
            if k > 0:
                norm += counts[k - 1] * counts[k - 1]
            distinct[k] = kept[x]
            counts[k] = 1
            k += 1
    if k > 0:
        norm += counts[k - 1] * counts[k - 1]
    return stems, distinct[:k], counts[:k], norm


@njit(cache=True, nogil=True)
def shared_dot(keys_a: np.ndarray, counts_a: np.ndarray, keys_b: np.ndarray, counts_b: np.ndarray) -> int:
    """Sum of counts_a * counts_b over the keys two sorted, distinct key arrays share; -1 when either
    is not sorted and distinct (the caller then asks NumPy)."""
    if not (_increasing(keys_a) and _increasing(keys_b)):
        return -1
    i, j, dot = 0, 0, 0
    while i < keys_a.shape[0] and j < keys_b.shape[0]:
        if keys_a[i] < keys_b[j]:
            i += 1
        elif keys_a[i] > keys_b[j]:
            j += 1
        else:
            dot += counts_a[i] * counts_b[j]
            i += 1
            j += 1
    return dot


@njit(cache=True, nogil=True)
def lcs_length(a: np.ndarray, b: np.ndarray, rows: np.ndarray) -> int:
    """Length of the longest common subsequence of two sequences of small non-negative integers:
    the common prefix and suffix, then bit-parallel over the rest (Hyyrö 2004: 64 positions of
    ``a`` per machine word, one step per element of ``b``), as RapidFuzz's Indel counts it.
    ``rows``: scratch of -1 longer than the largest value, left as it was found."""
    lo = 0
    while lo < a.shape[0] and lo < b.shape[0] and a[lo] == b[lo]:
        lo += 1
    hi_a, hi_b = a.shape[0], b.shape[0]
    while hi_a > lo and hi_b > lo and a[hi_a - 1] == b[hi_b - 1]:
        hi_a -= 1
        hi_b -= 1
    same = lo + a.shape[0] - hi_a
    a, b = a[lo:hi_a], b[lo:hi_b]
    m = a.shape[0]
    if m == 0 or b.shape[0] == 0:
        return same
    symbols = 0
    for i in range(m):  # number a's distinct values in order of first appearance
        if rows[a[i]] < 0:
            rows[a[i]] = symbols
            symbols += 1
    blocks = (m + 63) // 64
    match = np.zeros((symbols, blocks), dtype=np.uint64)  # per symbol: its positions in a
    for i in range(m):
        match[rows[a[i]], i // 64] |= np.uint64(1) << np.uint64(i % 64)
    s = np.full(blocks, np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    for j in range(b.shape[0]):
        row = rows[b[j]] if b[j] < rows.shape[0] else -1
        if row < 0:
            continue  # a value not in a changes nothing
        carry = np.uint64(0)
        for w in range(blocks):
            v = s[w]
            u = v & match[row, w]
            t = v + carry
            x = t + u
            carry = np.uint64(1) if (t < v or x < t) else np.uint64(0)
            s[w] = x | (v - u)
    for i in range(m):
        rows[a[i]] = -1
    zeros = 0
    for i in range(m):
        if not (s[i // 64] >> np.uint64(i % 64)) & np.uint64(1):
            zeros += 1
    return same + zeros


@njit(cache=True, nogil=True)
def table_lookup(keys: np.ndarray, vals: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """The value of each hash in an open-addressing table (``keys``/``vals``, size a power of two,
    -1 in ``vals`` marks an empty slot, linear probing), -1 where it is absent."""
    mask = np.uint64(keys.shape[0] - 1)
    out = np.empty(hashes.shape[0], dtype=np.int64)
    for i in range(hashes.shape[0]):
        h = hashes[i]
        j = np.int64(h & mask)
        while True:
            v = vals[j]
            if v < 0 or keys[j] == h:
                out[i] = v
                break
            j = np.int64(np.uint64(j + 1) & mask)
    return out


@njit(cache=True, nogil=True)
def table_put(keys: np.ndarray, vals: np.ndarray, h: np.uint64, value: np.int64) -> np.int64:
    """Put ``h`` → ``value`` into the table unless ``h`` is there; returns the value it holds."""
    mask = np.uint64(keys.shape[0] - 1)
    j = np.int64(h & mask)
    while True:
        v = vals[j]
        if v < 0:
            keys[j] = h
            vals[j] = value
            return value
        if keys[j] == h:
            return v
        j = np.int64(np.uint64(j + 1) & mask)


@njit(cache=True, nogil=True)
def table_put_many(keys: np.ndarray, vals: np.ndarray, hashes: np.ndarray, values: np.ndarray) -> None:
    """``table_put`` of each hash and value (the table must have room for them)."""
    for i in range(hashes.shape[0]):
        table_put(keys, vals, hashes[i], values[i])


@njit(cache=True, nogil=True)
def table_rehash(keys: np.ndarray, vals: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The table's entries in a new table of ``size`` slots (a power of two)."""
    new_keys = np.zeros(size, dtype=np.uint64)
    new_vals = np.full(size, -1, dtype=np.int64)
    for j in range(keys.shape[0]):
        if vals[j] >= 0:
            table_put(new_keys, new_vals, keys[j], vals[j])
    return new_keys, new_vals


def load() -> None:
    """Compile (or load from the cache) every kernel now, with tiny inputs (see ``_kernels.load``)."""
    th = np.arange(8, dtype=np.uint64)
    perm = np.ones(2, dtype=np.uint64)
    fingerprints(shingles(th, 3), np.sort(shingles(th, 3)), 2, perm, perm, True)
    own = shared_keys(th, winnowed(th, 3, 2))
    repeated_tokens(th, 3, 2, own, np.zeros(8, dtype=np.int32))
    minhash(th, perm, perm)
    shared_count(th, th)
    shared_dot(th, th.astype(np.int64), th, th.astype(np.int64))
    codes = np.array([ord(c) for c in "A b. C\n"], dtype=np.uint32)
    words(codes, np.zeros(0, dtype=np.uint32))
    sentence_ends(codes, _CLOSERS, _OPENERS)
    paragraph_ends(codes)
    ascii_token_hashes(codes, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64))
    keys, vals = table_rehash(np.zeros(2, dtype=np.uint64), np.full(2, -1, dtype=np.int64), 4)
    table_put(keys, vals, th[1], np.int64(0))
    table_put_many(keys, vals, th[2:3], np.zeros(1, dtype=np.int64))
    table_lookup(keys, vals, th)
    one = np.zeros(1, dtype=np.int64)
    stem_counts(one, one, np.ones(1, dtype=np.bool_), np.ones(1, dtype=np.bool_))
    name_hashes(one, np.zeros(1, dtype=np.int32), one, codes, one, np.ones(1, dtype=np.bool_), th[:1], th)
