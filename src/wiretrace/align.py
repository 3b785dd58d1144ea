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
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .model import Document, Passage
from .normalize import STOPWORDS, stem
from .passages import tidy
from .settings import DEFAULT, Settings


@dataclass(frozen=True)
class Tile:
    """An exact run of ``length`` content words at content index ``i`` in A and ``j`` in B."""

    i: int
    j: int
    length: int


@dataclass
class Alignment:
    """Passages plus the per-content-token coverage masks they imply."""

    passages: list[Passage]
    covered_a: np.ndarray  # bool per content token of A
    covered_b: np.ndarray
    verbatim_a: np.ndarray  # bool per content token of A inside a verbatim passage
    verbatim_b: np.ndarray


def _seed_starts(brk: np.ndarray, k: int) -> list[int]:
    """Positions j where a k-token seed may start: no boilerplate break inside tokens j+1..j+k-1."""
    n = len(brk)
    if n < k:
        return []
    cs = np.concatenate([[0], np.cumsum(brk, dtype=np.int64)])
    inside = cs[k : n + 1] - cs[1 : n - k + 2]
    return np.flatnonzero(inside == 0).tolist()


def find_tiles(a: list[str], b: list[str], brk_a: np.ndarray, brk_b: np.ndarray,
               settings: Settings = DEFAULT) -> list[Tile]:
    """Greedy String Tiling from shared seeds: maximal exact runs, longest first, non-overlapping."""
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
            if brk_a[last.i + last.length : tile.i + 1].any() or brk_b[last.j + last.length : tile.j + 1].any():
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


def align_rewritten_sentences(a_doc: Document, b_doc: Document, covered_a: np.ndarray,
                              covered_b: np.ndarray, settings: Settings = DEFAULT) -> list[tuple[int, int, int, int]]:
    """Pair unaligned sentence pieces of A with one or two adjacent unaligned pieces of B whose stems
    overlap (Dice) above ``sentence_similarity``; returns content-index ranges (a0, a1, b0, b1)."""
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


def _char_span(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    """Character span of content tokens [lo, hi)."""
    c = doc.content
    return int(doc.tokens.starts[c[lo]]), int(doc.tokens.ends[c[hi - 1]])


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
    """Align two normalised documents into verbatim and rewritten passages (see module doc)."""
    a, b = a_doc.content_words, b_doc.content_words
    brk_a, brk_b = a_doc.breaks, b_doc.breaks
    tiles = find_tiles(a, b, brk_a, brk_b, settings)
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
        for a0, a1, b0, b1 in align_rewritten_sentences(a_doc, b_doc, covered_a, covered_b, settings):
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
    """Character spans of the runs of content tokens no passage covers: the article's new material."""
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
