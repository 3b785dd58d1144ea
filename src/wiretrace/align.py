"""Seed-and-extend alignment of two documents into passages.

1. **Tiles** (verbatim): exact runs of content words, found from shared ``seed_size``-word seeds,
   extended to maximal length and chosen longest first without overlap (Greedy String Tiling, as in
   METER); runs never cross a boilerplate span. Moved paragraphs are tiles like any other.
2. **Regions**: tiles that follow each other in both texts with small gaps form one region; a gap
   with words on both sides is a ``rewritten`` passage (an edit inside copied text).
3. **Rewritten sentences**: when the pair shares real verbatim copy, unaligned sentences whose
   stems overlap strongly with an unaligned sentence (or two adjacent ones) of the other text are
   aligned as ``rewritten`` — this is how a reworded lede is found.
4. **Regions** (``wiretrace.passages.tidy``): reworded sentence pairs and small gaps are filled so a
   reused region is one run of passages without holes, and stray function-word matches dropped.

Every step exists twice: in plain Python (``find_tiles_reference``, ``chain_regions``,
``align_rewritten_sentences_reference``, ``passages.tidy``), which ``align_reference`` runs, and
compiled over integer word ids (``wiretrace._kernels``), which ``align`` runs in one call per pair;
``tests/test_align_kernels.py`` asserts both give the same answer. ``uncovered_spans`` likewise.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .fingerprint import content_hashes, token_hash
from .model import Document, Passage, Tokens
from .normalize import STOPWORDS, stem
from .passages import tidy
from .settings import DEFAULT, Settings


@dataclass(frozen=True)
class Tile:
    """An exact run of ``length`` content words at content index ``i`` in A and ``j`` in B."""

    i: int
    j: int
    length: int


SPAN_COLUMNS = ("a_start", "a_end", "b_start", "b_end", "kind", "a_tok0", "a_tok1", "b_tok0", "b_tok1")
"""Columns of ``Alignment.spans``: character and content-token ranges of each passage, and its kind
(an index into ``KINDS``)."""
KINDS = ("rewritten", "verbatim")  # passage kind codes (``_kernels``' REWRITTEN, VERBATIM)


class Alignment:
    """Passages plus the per-content-token coverage masks they imply.

    The passages are kept as given: ``Passage`` objects, or one integer array (``spans``, columns
    ``SPAN_COLUMNS``) that becomes objects only when ``passages`` is read. A scan stores the array
    as it is; building ~26 objects a pair was a tenth of its alignment cost."""

    __slots__ = ("_passages", "_spans", "covered_a", "covered_b", "verbatim_a", "verbatim_b")

    def __init__(self, passages: list[Passage] | None, covered_a: np.ndarray, covered_b: np.ndarray,
                 verbatim_a: np.ndarray, verbatim_b: np.ndarray, spans: np.ndarray | None = None) -> None:
        if passages is None and spans is None:
            raise ValueError("an Alignment needs its passages or their spans")
        self._passages, self._spans = passages, spans
        self.covered_a, self.covered_b = covered_a, covered_b  # bool per content token of A / B
        self.verbatim_a, self.verbatim_b = verbatim_a, verbatim_b  # ... inside a verbatim passage

    @property
    def passages(self) -> list[Passage]:
        if self._passages is None:
            assert self._spans is not None
            self._passages = passages_of(self._spans)
        return self._passages

    @property
    def spans(self) -> np.ndarray:
        """The passages as rows of ``SPAN_COLUMNS`` (int64)."""
        if self._spans is None:
            self._spans = spans_of(self.passages)
        return self._spans


def passages_of(spans: np.ndarray) -> list[Passage]:
    """``Passage`` objects of rows of ``SPAN_COLUMNS`` (``spans_of`` inverted)."""
    return [Passage(a=(x0, x1), b=(y0, y1), kind=KINDS[c], a_tokens=(s0, s1), b_tokens=(t0, t1))  # type: ignore[arg-type]
            for x0, x1, y0, y1, c, s0, s1, t0, t1 in spans.tolist()]


def spans_of(passages: list[Passage]) -> np.ndarray:
    """Rows of ``SPAN_COLUMNS`` of ``Passage`` objects."""
    rows = [(*p.a, *p.b, KINDS.index(p.kind), *p.a_tokens, *p.b_tokens) for p in passages]
    return np.asarray(rows, dtype=np.int64).reshape(-1, len(SPAN_COLUMNS))


def _seed_starts(brk: np.ndarray, k: int) -> list[int]:
    """Positions j where a k-token seed may start: no boilerplate break inside tokens j+1..j+k-1."""
    n = len(brk)
    if n < k:
        return []
    cs = np.concatenate([[0], np.cumsum(brk, dtype=np.int64)])
    inside = cs[k : n + 1] - cs[1 : n - k + 2]
    return np.flatnonzero(inside == 0).tolist()


class _Vocabulary:
    """Word → small integer id, shared by every document a process aligns, so a document's ids are
    computed once (not per pair) and seeds pack into one int64; per id it keeps the id of the word's
    stem and whether sentence matching and the stem cosine count the word. Words are looked up by
    their token hash (``fingerprint.content_hashes``, already computed for the fingerprints) in a
    compiled open-addressing table, so a document's known words cost no Python call; only new words
    reach ``_add_new``. When it outgrows ``bits`` it starts over with a new ``generation``; ids of an
    older generation are recomputed."""

    def __init__(self, bits: int = 21) -> None:
        self.bits = bits
        self._start(0)

    def _start(self, generation: int) -> None:
        self.generation = generation
        self.size = 0
        self.keys = np.zeros(1024, dtype=np.uint64)  # token hash per slot
        self.slots = np.full(1024, -1, dtype=np.int64)  # its id; -1: empty slot
        self.stem_of = np.zeros(1024, dtype=np.int64)  # id of each word's stem
        self.matched = np.zeros(1024, dtype=bool)  # not a stopword, two letters or more: sentence matching
        self.counted = np.zeros(1024, dtype=bool)  # not a stopword, three letters or more: the stem cosine
        self.stop = np.zeros(1024, dtype=bool)  # a stopword: stray matches of these only are dropped

    def encode_doc(self, doc: Document) -> np.ndarray:
        """Ids of the document's content words, looked up by their memoised token hashes."""
        return self.encode_hashed(_LazyWords(doc.tokens, doc.content), content_hashes(doc))

    def encode_hashed(self, words: _LazyWords, hashes: np.ndarray) -> np.ndarray:
        """Ids of ``words`` whose token hashes are ``hashes`` (``words`` is read only for new ones)."""
        from . import _prep_kernels  # numba, imported on first use

        if self.size + 2 * len(hashes) >= 1 << self.bits:
            self._start(self.generation + 1)
        if not len(hashes):
            return np.zeros(0, dtype=np.int64)
        found = _prep_kernels.table_lookup(self.keys, self.slots, hashes)
        missing = np.flatnonzero(found < 0)
        if len(missing):
            self._add_new(words, hashes, missing, found)
        return found

    def _add_new(self, words: _LazyWords, hashes: np.ndarray, missing: np.ndarray, found: np.ndarray) -> None:
        """Give the words at positions ``missing`` (not in the table) ids in ``found``: in order of
        first occurrence, each new stem right after its word (the ids one word at a time gives),
        with the stems looked up, the flags set and every new word put in the table in one call each."""
        from . import _prep_kernels  # numba, imported on first use

        missing_hashes = hashes[missing].tolist()
        first: dict[int, int] = {}
        for h, i in zip(missing_hashes, missing.tolist()):
            if h not in first:
                first[h] = i
        new_words = words.take(list(first.values()))
        stems = [stem(w) for w in new_words]
        stem_hashes = [h if s == w else token_hash(s) for h, w, s in zip(first, new_words, stems)]
        stem_found = _prep_kernels.table_lookup(self.keys, self.slots, np.asarray(stem_hashes, dtype=np.uint64)).tolist()
        pending: dict[int, int] = {}
        added: list[tuple[str, int]] = []  # (word, id of its stem) per new id, in id order
        for h, word, s, hs, known in zip(first, new_words, stems, stem_hashes, stem_found):
            if h not in pending:  # not already added as an earlier word's stem
                self._new_id(word, h, pending, added, s, hs, known)
        self._set_flags(added)
        keys = np.fromiter(pending, dtype=np.uint64, count=len(pending))
        ids = np.fromiter(pending.values(), dtype=np.int64, count=len(pending))
        if 2 * self.size > len(self.keys):
            size = len(self.keys)
            while 2 * self.size > size:
                size *= 2
            self.keys, self.slots = _prep_kernels.table_rehash(self.keys, self.slots, size)
        _prep_kernels.table_put_many(self.keys, self.slots, keys, ids)
        found[missing] = [pending[h] for h in missing_hashes]

    def _new_id(self, word: str, h: int, pending: dict[int, int], added: list[tuple[str, int]], s: str,
                hs: int, known: int | None) -> int:
        """A new id for ``word`` (hash ``h``) and, if new too, for its stem ``s`` (hash ``hs``; ``known``
        its id in the table, -1 if absent, None if not looked up yet); new ids go into ``pending``,
        and (word, stem id) into ``added`` at the id's place."""
        i = pending[h] = self.size
        self.size += 1
        at = len(added)
        added.append((word, i))
        if s != word:
            if hs in pending:
                added[at] = (word, pending[hs])
            else:
                if known is None:
                    from . import _prep_kernels  # numba, imported on first use

                    known = int(_prep_kernels.table_lookup(self.keys, self.slots, np.asarray([hs], np.uint64))[0])
                if known < 0:
                    stem_of_stem = stem(s)
                    hss = hs if stem_of_stem == s else token_hash(stem_of_stem)
                    known = self._new_id(s, hs, pending, added, stem_of_stem, hss, None)
                added[at] = (word, known)
        return i

    def _set_flags(self, added: list[tuple[str, int]]) -> None:
        """Stem id and flags of the ids ``added`` last (they end at ``size``), arrays grown to fit."""
        if self.size > len(self.stem_of):
            size = len(self.stem_of)
            while self.size > size:
                size *= 2
            self.stem_of, self.matched, self.counted, self.stop = (
                np.concatenate([t, np.zeros(size - len(t), dtype=t.dtype)])
                for t in (self.stem_of, self.matched, self.counted, self.stop))
        lo = self.size - len(added)
        self.stem_of[lo:self.size] = [x for _, x in added]
        stop = [w in STOPWORDS for w, _ in added]
        self.stop[lo:self.size] = stop
        self.matched[lo:self.size] = [not x and len(w) > 1 for (w, _), x in zip(added, stop)]
        self.counted[lo:self.size] = [not x and len(w) > 2 for (w, _), x in zip(added, stop)]


class _LazyWords:
    """The content words of a document by index, without building the list (only new words are read)."""

    def __init__(self, tokens: Tokens, content: np.ndarray) -> None:
        self.tokens, self.content = tokens, content

    def take(self, positions: list[int]) -> list[str]:
        """The words at these content positions."""
        return self.tokens.words_at(self.content[positions])


_VOCAB = _Vocabulary()


def stopword_flags() -> np.ndarray:
    """Per id of the current vocabulary generation: whether the word is a stopword."""
    return _VOCAB.stop


def counted_flags() -> np.ndarray:
    """Per id of the current vocabulary generation: whether the word is no stopword and longer
    than two letters (what the stem cosine and ``relate.names`` count)."""
    return _VOCAB.counted


@dataclass(frozen=True)
class DocIds:
    """A document's content tokens in the shared vocabulary (one generation), computed once per
    document: word ids, stem ids, sentence numbers, and the stem counts ``relate`` compares."""

    generation: int
    words: np.ndarray  # id per content token
    stems: np.ndarray  # id of its stem; -1 for stopwords and one-letter words (skipped by sentence matching)
    sentence: np.ndarray  # sentence number per content token
    counted: np.ndarray  # sorted ids of the stems of content words longer than two letters, not stopwords
    counts: np.ndarray  # how often each occurs
    norm: int  # sum of squared counts


def doc_ids(doc: Document) -> DocIds:
    """The document's ``DocIds`` in the current vocabulary generation, memoised on the document."""
    memo = doc.__dict__.setdefault("_align_memo", {})
    ids = memo.get("ids")
    if ids is None or ids.generation != _VOCAB.generation:
        from . import _prep_kernels  # numba, imported on first use

        words = _VOCAB.encode_doc(doc)
        stems, counted, counts, norm = _prep_kernels.stem_counts(words, _VOCAB.stem_of, _VOCAB.counted, _VOCAB.matched)
        sentence = doc.tokens.sentence[doc.content] if len(doc.content) else np.zeros(0, dtype=np.int32)
        ids = memo["ids"] = DocIds(_VOCAB.generation, words, stems, sentence, counted, counts, int(norm))
    return ids  # type: ignore[no-any-return]


def pair_ids(a_doc: Document, b_doc: Document) -> tuple[DocIds, DocIds] | None:
    """Both documents' ids from one vocabulary generation; None if the two never fit in one."""
    a, b = doc_ids(a_doc), doc_ids(b_doc)
    if a.generation != b.generation:  # the vocabulary started over in between
        a = doc_ids(a_doc)
    return (a, b) if a.generation == b.generation else None


@dataclass(frozen=True)
class _Seeds:
    """One side's seeds for Greedy String Tiling (``_kernels.seed_index``): the keys of the seeds that
    may start (no boilerplate break inside) sorted with their start positions, and per start position
    how often its seed occurs anywhere in the text and how often among the starts."""

    keys: np.ndarray
    starts: np.ndarray
    common: np.ndarray
    startable: np.ndarray


def _doc_seeds(doc: Document, ids: DocIds, k: int) -> _Seeds:
    """The document's seeds of size k with seed keys packed from its word ids, memoised on it."""
    memo = doc.__dict__.setdefault("_align_memo", {})
    seeds = memo.get((k, ids.generation))
    if seeds is None:
        from . import _kernels  # numba: imported on first use

        keys = _packed_seed_keys(ids.words, k, _VOCAB.bits)
        seeds = memo[(k, ids.generation)] = _Seeds(*_kernels.seed_index(keys, doc.breaks, k, np.argsort(keys)))
    return seeds  # type: ignore[no-any-return]


def _packed_seed_keys(ids: np.ndarray, k: int, bits: int) -> np.ndarray:
    """Each k-word seed as one int64, ``bits`` per word id (the caller checks k * bits <= 63)."""
    n = max(len(ids) - k + 1, 0)
    keys = np.zeros(n, dtype=np.int64)
    for t in range(k):
        keys = (keys << bits) | ids[t : t + n]
    return keys


def _dense_seed_keys(ia: np.ndarray, ib: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids of the k-word seeds at each position of A and of B (equal seeds, equal ids)."""
    na, nb = len(ia), len(ib)
    if na < k or nb < k:
        return np.zeros(max(na - k + 1, 0), np.int64), np.zeros(max(nb - k + 1, 0), np.int64)
    both = np.concatenate([ia, ib])
    width = int(both.max()) + 1
    grams = both
    for t in range(1, k):  # ids of (t+1)-grams from ids of t-grams and the next word
        _, grams = np.unique(grams[:-1] * width + both[t:], return_inverse=True)
        width = max(width, len(both))
    return grams[: na - k + 1].astype(np.int64), grams[na : na + nb - k + 1].astype(np.int64)


def find_tiles_reference(a: list[str], b: list[str], brk_a: np.ndarray, brk_b: np.ndarray,
                         settings: Settings = DEFAULT) -> list[Tile]:
    """Greedy String Tiling from shared seeds in plain Python: maximal exact runs, longest first,
    non-overlapping (``_kernels.seed_matches`` and ``greedy_tiles`` over word ids in ``align``)."""
    k = settings.seed_size
    index: dict[tuple[str, ...], list[int]] = {}
    for j in _seed_starts(brk_b, k):
        index.setdefault(tuple(b[j : j + k]), []).append(j)
    if not index:
        return []
    seen_a: dict[tuple[str, ...], int] = {}
    for i in range(len(a) - k + 1):
        key = tuple(a[i : i + k])
        seen_a[key] = seen_a.get(key, 0) + 1

    ba, bb = brk_a.tolist(), brk_b.tolist()  # Python scalars: numpy item access dominated this loop
    na, nb = len(a), len(b)
    limit = settings.max_seed_occurrences

    def anchors(key: tuple[str, ...]) -> bool:
        return len(index.get(key, ())) <= limit and seen_a.get(key, 0) <= limit

    heap: list[tuple[int, int, int]] = []
    started: set[tuple[int, int]] = set()
    for i in _seed_starts(brk_a, k):
        key = tuple(a[i : i + k])
        positions = index.get(key)
        if not positions or len(positions) > limit:
            continue
        if seen_a[key] > limit:
            continue
        for j in positions:
            i0, j0 = i, j
            if i > 0 and j > 0 and not ba[i] and not bb[j] and a[i - 1] == b[j - 1]:
                # only start at the left end of a maximal match, which its own seed starts unless
                # that seed is too common to anchor on: then start here and take in the left part
                if anchors(tuple(a[i - 1 : i - 1 + k])):
                    continue
                while i0 > 0 and j0 > 0 and not ba[i0] and not bb[j0] and a[i0 - 1] == b[j0 - 1]:
                    i0, j0 = i0 - 1, j0 - 1
            if (i0, j0) in started:
                continue
            started.add((i0, j0))
            length = i - i0 + k
            while (i0 + length < na and j0 + length < nb and not ba[i0 + length]
                   and not bb[j0 + length] and a[i0 + length] == b[j0 + length]):
                length += 1
            heapq.heappush(heap, (-length, i0, j0))

    used_a = np.zeros(len(a), dtype=bool)
    used_b = np.zeros(len(b), dtype=bool)
    tiles: list[Tile] = []
    while heap:
        neg, i, j = heapq.heappop(heap)
        length = -neg
        free = ~used_a[i : i + length] & ~used_b[j : j + length]
        if free.all():
            used_a[i : i + length] = True
            used_b[j : j + length] = True
            tiles.append(Tile(i, j, length))
            continue
        # re-queue the free sub-runs that are still long enough
        t = 0
        while t < length:
            if not free[t]:
                t += 1
                continue
            s = t
            while t < length and free[t]:
                t += 1
            if t - s >= k:
                heapq.heappush(heap, (-(t - s), i + s, j + s))
    tiles.sort(key=lambda t: (t.i, t.j))
    return tiles


def chain_regions(tiles: list[Tile], brk_a: np.ndarray, brk_b: np.ndarray,
                  settings: Settings = DEFAULT) -> list[list[Tile]]:
    """Group tiles (in A order) into regions of tiles that follow each other in both texts."""
    regions: list[list[Tile]] = []
    if not tiles:
        return regions
    # breaks in a[x:y] = ca[y] - ca[x]: Python ints, no NumPy slice per test
    ca = np.concatenate([[0], np.cumsum(brk_a, dtype=np.int64)]).tolist()
    cb = np.concatenate([[0], np.cumsum(brk_b, dtype=np.int64)]).tolist()
    for tile in tiles:
        best = None
        best_gap = None
        for r in regions[-8:]:
            last = r[-1]
            gap_a = tile.i - (last.i + last.length)
            gap_b = tile.j - (last.j + last.length)
            if not (0 <= gap_a <= settings.max_gap and 0 <= gap_b <= settings.max_gap):
                continue
            # do not bridge boilerplate
            if ca[tile.i + 1] > ca[last.i + last.length] or cb[tile.j + 1] > cb[last.j + last.length]:
                continue
            if best_gap is None or gap_a + gap_b < best_gap:
                best, best_gap = r, gap_a + gap_b
        if best is None:
            regions.append([tile])
        else:
            best.append(tile)
    return [r for r in regions if max(t.length for t in r) >= settings.min_tile]


def _sentence_units(doc: Document, covered: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of uncovered content tokens within one sentence: [start, end) content indices."""
    sent = doc.tokens.sentence[doc.content] if len(doc.content) else np.zeros(0, dtype=np.int32)
    brk = doc.breaks
    units = []
    i = 0
    n = len(covered)
    while i < n:
        if covered[i]:
            i += 1
            continue
        s = i
        i += 1
        while i < n and not covered[i] and sent[i] == sent[s] and not brk[i]:
            i += 1
        units.append((s, i))
    return units


def _adjacent(doc: Document, units: list[tuple[int, int]]) -> list[int]:
    """Indices x where unit x+1 directly continues unit x (next sentence, nothing aligned or
    boilerplate between), so the two may be aligned together."""
    brk = doc.breaks
    return [x for x in range(len(units) - 1) if units[x][1] == units[x + 1][0] and not brk[units[x + 1][0]]]


def _stems(words: list[str], lo: int, hi: int) -> set[str]:
    return {stem(w) for w in words[lo:hi] if w not in STOPWORDS and len(w) > 1}


def align_rewritten_sentences_reference(a_doc: Document, b_doc: Document, covered_a: np.ndarray, covered_b: np.ndarray,
                                        settings: Settings = DEFAULT) -> list[tuple[int, int, int, int]]:
    """Pair unaligned sentence pieces of A with one or two adjacent unaligned pieces of B whose stems
    overlap (Dice) above ``sentence_similarity``; returns content-index ranges (a0, a1, b0, b1).
    Plain Python over sets of stems (``_kernels.rewritten_sentences`` over stem ids in ``align``)."""
    a_words, b_words = a_doc.content_words, b_doc.content_words
    a_units = [u for u in _sentence_units(a_doc, covered_a) if u[1] - u[0] >= 4]
    b_units = [u for u in _sentence_units(b_doc, covered_b) if u[1] - u[0] >= 4]
    if not a_units or not b_units:
        return []
    b_stems = [_stems(b_words, *u) for u in b_units]
    a_stems = [_stems(a_words, *u) for u in a_units]
    # B candidates: single units and adjacent pairs (a sentence split in two by the rewriter)
    b_cands: list[tuple[tuple[int, ...], set[str]]] = [((x,), s) for x, s in enumerate(b_stems)]
    b_cands += [((x, x + 1), b_stems[x] | b_stems[x + 1]) for x in _adjacent(b_doc, b_units)]
    a_cands: list[tuple[tuple[int, ...], set[str]]] = [((x,), s) for x, s in enumerate(a_stems)]
    a_cands += [((x, x + 1), a_stems[x] | a_stems[x + 1]) for x in _adjacent(a_doc, a_units)]
    scored = []
    for ax, sa in a_cands:
        if len(sa) < 3:
            continue
        for bx, sb in b_cands:
            if len(sb) < 3:
                continue
            shared = len(sa & sb)
            if shared < 4:
                continue
            dice = 2 * shared / (len(sa) + len(sb))
            if dice >= settings.sentence_similarity:
                scored.append((dice, ax, bx))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for dice, ax, bx in scored:
        if used_a.intersection(ax) or used_b.intersection(bx):
            continue
        used_a.update(ax)
        used_b.update(bx)
        pairs.append((a_units[ax[0]][0], a_units[ax[-1]][1], b_units[bx[0]][0], b_units[bx[-1]][1]))
    return pairs


def _char_bounds(doc: Document) -> tuple[list[int], list[int]]:
    """First and last-plus-one character of every content token, as Python ints, memoised on the document."""
    memo = doc.__dict__.setdefault("_align_memo", {})
    bounds = memo.get("chars")
    if bounds is None:
        c = doc.content
        bounds = memo["chars"] = (doc.tokens.starts[c].tolist(), doc.tokens.ends[c].tolist())
    return bounds  # type: ignore[no-any-return]


def _char_span(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    """Character span of content tokens [lo, hi)."""
    starts, ends = _char_bounds(doc)
    return starts[lo], ends[hi - 1]


def _spans_of_mixed(doc: Document, lo: int, hi: int) -> list[tuple[int, int]]:
    """Split content range [lo, hi) at boilerplate breaks so no passage swallows a caption."""
    brk = doc.breaks
    out = []
    s = lo
    for t in range(lo + 1, hi):
        if brk[t]:
            out.append((s, t))
            s = t
    out.append((s, hi))
    return out


def align(a_doc: Document, b_doc: Document, settings: Settings = DEFAULT) -> Alignment:
    """Align two normalised documents into verbatim and rewritten passages (see module doc):
    ``align_reference`` in one compiled call per pair (``_kernels.align_pair``), from the memoised
    word ids and seeds of each document."""
    k = settings.seed_size
    ids = pair_ids(a_doc, b_doc)
    if ids is None:  # the two never fit in one vocabulary generation
        return align_reference(a_doc, b_doc, settings)
    ia, ib = ids
    na, nb = len(ia.words), len(ib.words)
    if (min(na, nb) + 1) * (na + 1) * (nb + 1) >= 2**62:  # greedy_tiles' heap keys must fit in int64
        return align_reference(a_doc, b_doc, settings)
    from . import _kernels  # numba: imported on first use

    if k * _VOCAB.bits <= 63:
        sa, sb = _doc_seeds(a_doc, ia, k), _doc_seeds(b_doc, ib, k)
    else:  # seeds do not pack into one int64: number them for this pair
        ka, kb = _dense_seed_keys(ia.words, ib.words, k)
        sa = _Seeds(*_kernels.seed_index(ka, a_doc.breaks, k, np.argsort(ka)))
        sb = _Seeds(*_kernels.seed_index(kb, b_doc.breaks, k, np.argsort(kb)))
    spans, covered_a, covered_b, verbatim_a, verbatim_b = _kernels.align_pair(
        sa.keys, sa.starts, sa.common, ia.words, a_doc.breaks, ia.sentence, ia.stems,
        sb.keys, sb.starts, sb.startable, ib.words, b_doc.breaks, ib.sentence, ib.stems,
        _VOCAB.stop, k, settings.max_seed_occurrences, settings.max_gap, settings.min_tile,
        settings.min_verbatim_tokens, float(settings.sentence_similarity), float(settings.sentence_fill_share),
        float(settings.swapped_sentence_share), settings.bridge_gap, settings.long_run)
    rows = _kernels.span_rows(spans, *_char_arrays(a_doc), *_char_arrays(b_doc))
    return Alignment(None, covered_a, covered_b, verbatim_a, verbatim_b, spans=rows)


def _char_arrays(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """First and last-plus-one character of every content token, as arrays, memoised on the document."""
    memo = doc.__dict__.setdefault("_align_memo", {})
    bounds = memo.get("char_arrays")
    if bounds is None:
        c = doc.content
        bounds = memo["char_arrays"] = (doc.tokens.starts[c], doc.tokens.ends[c])
    return bounds  # type: ignore[no-any-return]


def align_reference(a_doc: Document, b_doc: Document, settings: Settings = DEFAULT) -> Alignment:
    """Reference ``align`` in plain Python: tiles, regions, rewritten sentences and ``passages.tidy``
    step by step."""
    a, b = a_doc.content_words, b_doc.content_words
    brk_a, brk_b = a_doc.breaks, b_doc.breaks
    tiles = find_tiles_reference(a, b, brk_a, brk_b, settings)
    regions = chain_regions(tiles, brk_a, brk_b, settings)

    covered_a = np.zeros(len(a), dtype=bool)
    covered_b = np.zeros(len(b), dtype=bool)
    spans: list[tuple[int, int, int, int, str]] = []  # content ranges a0,a1,b0,b1,kind
    for region in regions:
        for tile in region:
            spans.append((tile.i, tile.i + tile.length, tile.j, tile.j + tile.length, "verbatim"))
            covered_a[tile.i:tile.i + tile.length] = True
            covered_b[tile.j:tile.j + tile.length] = True
    verbatim_a, verbatim_b = covered_a.copy(), covered_b.copy()
    # gaps inside a region with words on both sides are edits: rewritten, unless another passage
    # (a tile of another region, e.g. a moved sentence) already claims some of those words
    for region in regions:
        for prev, tile in zip(region, region[1:]):
            ga0, ga1 = prev.i + prev.length, tile.i
            gb0, gb1 = prev.j + prev.length, tile.j
            if ga1 > ga0 and gb1 > gb0 and not covered_a[ga0:ga1].any() and not covered_b[gb0:gb1].any():
                spans.append((ga0, ga1, gb0, gb1, "rewritten"))
                covered_a[ga0:ga1] = True
                covered_b[gb0:gb1] = True

    if verbatim_a.sum() >= settings.min_verbatim_tokens:
        for a0, a1, b0, b1 in align_rewritten_sentences_reference(a_doc, b_doc, covered_a, covered_b, settings):
            spans.append((a0, a1, b0, b1, "rewritten"))
            covered_a[a0:a1] = True
            covered_b[b0:b1] = True

    passages = []
    for a0, a1, b0, b1, kind in sorted(spans):
        passages.append(Passage(
            a=_char_span(a_doc, a0, a1), b=_char_span(b_doc, b0, b1), kind=kind,  # type: ignore[arg-type]
            a_tokens=(a0, a1), b_tokens=(b0, b1),
        ))
    return Alignment(*tidy(a_doc, b_doc, passages, settings))


def uncovered_spans(doc: Document, covered: np.ndarray) -> list[tuple[int, int]]:
    """Character spans of the runs of content tokens no passage covers (split at boilerplate breaks):
    the article's new material; ``uncovered_spans_reference`` in one compiled call."""
    if not len(covered):
        return []
    from . import _kernels  # numba: imported on first use

    lo, hi = _kernels.uncovered_runs(covered, doc.breaks, *_char_arrays(doc))
    return list(zip(lo.tolist(), hi.tolist()))


def uncovered_spans_reference(doc: Document, covered: np.ndarray) -> list[tuple[int, int]]:
    """Reference ``uncovered_spans``: a loop over tokens."""
    out: list[tuple[int, int]] = []
    n = len(covered)
    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        s = i
        while i < n and not covered[i]:
            i += 1
        for lo, hi in _spans_of_mixed(doc, s, i):
            out.append(_char_span(doc, lo, hi))
    return out
