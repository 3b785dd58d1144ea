"""Passage post-processing: one reused region reads as one unbroken run of passages.

``align`` finds passages tile by tile: exact runs (``verbatim``) and the edits between them
(``rewritten``). A word changed by OCR noise, an inserted or dropped word, or a sentence whose
clauses were swapped leaves a region split, with holes, where a reader (and PAN's plagiarism
measures) sees one reused passage. :func:`tidy` runs at the end of ``align`` and, in content-token
space:

1. **Sentences**: a sentence of A whose passages all fall inside one sentence of B, which has no
   other passage, is a reworded version of it when the passages cover enough of both. Passages in
   the same order in both (``sentence_fill_share`` of both sentences covered) keep their kinds, and
   the words before, between and after them become ``rewritten``; crossing passages (clauses
   swapped; ``swapped_sentence_share`` covered) give way to one ``rewritten`` passage of the two
   sentences.
2. **Bridges** two passages that follow each other in both texts (the next one in A is also the next
   one in B) when at most ``bridge_gap`` words and no boilerplate lie between them on each side:
   words on both sides become a ``rewritten`` passage; words on one side only (an insertion or a
   deletion) join the neighbouring ``rewritten`` passage, or, between two ``verbatim`` ones, a
   ``rewritten`` passage made of the gap and the nearest word of the longer neighbour.
3. **Joins** ``rewritten`` passages that touch on both sides into one.
4. **Drops** stray matches: a region (passages touching on both sides) of fewer than ``long_run``
   words, all ``verbatim`` and all function words ("one of the"), with no other region within
   ``bridge_gap`` words of it in both texts.

A ``verbatim`` passage stays identical after normalisation (it only ever loses a word to a
``rewritten`` neighbour), passages never overlap, and moved paragraphs stay separate passages:
nothing is bridged across a jump in either text. Coverage and verbatim masks are recomputed from the
passages, so scores, ``new_in_*`` and passages agree.
"""

from __future__ import annotations

import numpy as np

from .model import Document, Passage
from .normalize import STOPWORDS
from .settings import DEFAULT, Settings

Span = list  # a passage in token space: [a0, a1, b0, b1, kind] (content-token ranges, end exclusive)


def _order(spans: list[Span]) -> list[Span]:
    return sorted((s for s in spans if s[1] > s[0] and s[3] > s[2]), key=lambda s: (s[0], s[2]))


# ----------------------------------------------------------------------------------------------
# 1. sentences


def _sentences(doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per content token its sentence's index, and each sentence's [start, end) in content indices."""
    n = len(doc.content)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    sent = doc.tokens.sentence[doc.content]
    change = np.flatnonzero(np.diff(sent) != 0) + 1
    starts = np.concatenate([[0], change]).astype(np.int64)
    ends = np.concatenate([change, [n]]).astype(np.int64)
    return np.repeat(np.arange(len(starts)), ends - starts), starts, ends


def _cover_before(first: Span, lo_a: int, lo_b: int, added: list[Span]) -> None:
    """Cover the words from ``lo_a``/``lo_b`` up to ``first``."""
    ga, gb = first[0] - lo_a, first[2] - lo_b
    if ga and gb:
        added.append([lo_a, first[0], lo_b, first[2], "rewritten"])
    elif ga or gb:  # one side only: the first word of ``first`` goes with it
        if first[4] == "rewritten" or first[1] - first[0] < 2:
            first[0], first[2], first[4] = lo_a, lo_b, "rewritten"
        else:
            added.append([lo_a, first[0] + 1, lo_b, first[2] + 1, "rewritten"])
            first[0], first[2] = first[0] + 1, first[2] + 1


def _cover_after(last: Span, hi_a: int, hi_b: int, added: list[Span]) -> None:
    """Cover the words after ``last`` up to ``hi_a``/``hi_b``."""
    ga, gb = hi_a - last[1], hi_b - last[3]
    if ga and gb:
        added.append([last[1], hi_a, last[3], hi_b, "rewritten"])
    elif ga or gb:
        if last[4] == "rewritten" or last[1] - last[0] < 2:
            last[1], last[3], last[4] = hi_a, hi_b, "rewritten"
        else:
            added.append([last[1] - 1, hi_a, last[3] - 1, hi_b, "rewritten"])
            last[1], last[3] = last[1] - 1, last[3] - 1


def _sentences_pairs(spans: list[Span], a_doc: Document, b_doc: Document, settings: Settings) -> list[Span]:
    """Step 1: fill sentence pairs whose passages map only onto each other."""
    sa, sa_lo, sa_hi = _sentences(a_doc)
    sb, sb_lo, sb_hi = _sentences(b_doc)
    brk_a, brk_b = a_doc.breaks, b_doc.breaks
    groups: dict[tuple[int, int], list[int]] = {}
    spread_a: set[int] = set()  # sentences touched by a passage that runs beyond them
    spread_b: set[int] = set()
    for k, (a0, a1, b0, b1, _) in enumerate(spans):
        x, x1, y, y1 = int(sa[a0]), int(sa[a1 - 1]), int(sb[b0]), int(sb[b1 - 1])
        if x != x1 or y != y1:
            spread_a.update(range(x, x1 + 1))
            spread_b.update(range(y, y1 + 1))
        else:
            groups.setdefault((x, y), []).append(k)
    partners_a: dict[int, int] = {}
    partners_b: dict[int, int] = {}
    for x, y in groups:
        partners_a[x] = partners_a.get(x, 0) + 1
        partners_b[y] = partners_b.get(y, 0) + 1
    dropped: set[int] = set()
    added: list[Span] = []
    for (x, y), members in groups.items():
        if x in spread_a or y in spread_b or partners_a[x] > 1 or partners_b[y] > 1:
            continue
        lo_a, hi_a, lo_b, hi_b = int(sa_lo[x]), int(sa_hi[x]), int(sb_lo[y]), int(sb_hi[y])
        if brk_a[lo_a + 1:hi_a].any() or brk_b[lo_b + 1:hi_b].any():  # boilerplate inside
            continue
        got = sorted((spans[k] for k in members), key=lambda s: s[0])
        share_a = sum(s[1] - s[0] for s in got) / (hi_a - lo_a)
        share_b = sum(s[3] - s[2] for s in got) / (hi_b - lo_b)
        if any(v[2] < u[3] for u, v in zip(got, got[1:])):  # crossing: clauses swapped
            if min(share_a, share_b) >= settings.swapped_sentence_share:
                dropped.update(members)
                added.append([lo_a, hi_a, lo_b, hi_b, "rewritten"])
            continue
        if min(share_a, share_b) < settings.sentence_fill_share:
            continue
        for u, v in zip(got, got[1:]):
            if v[0] > u[1] and v[2] > u[3]:
                added.append([u[1], v[0], u[3], v[2], "rewritten"])
        _cover_before(got[0], lo_a, lo_b, added)
        _cover_after(got[-1], hi_a, hi_b, added)
    return _order([s for k, s in enumerate(spans) if k not in dropped] + added)


# ----------------------------------------------------------------------------------------------
# 2.-4. bridges, joins, strays


def _boilerplate_between(brk: np.ndarray, end: int, start: int) -> bool:
    """Boilerplate lies between content token ``end - 1`` and content token ``start``."""
    return bool(brk[end:start + 1].any())


def _bridge(spans: list[Span], brk_a: np.ndarray, brk_b: np.ndarray, settings: Settings) -> list[Span]:
    """Step 2: fill the gaps between passages that follow each other in both texts."""
    b_order = sorted(range(len(spans)), key=lambda k: (spans[k][2], spans[k][0]))
    next_in_b = {b_order[x]: b_order[x + 1] for x in range(len(b_order) - 1)}
    added: list[Span] = []
    for k in range(len(spans) - 1):
        x, y = spans[k], spans[k + 1]
        if next_in_b.get(k) != k + 1:
            continue
        ga, gb = y[0] - x[1], y[2] - x[3]
        if ga < 0 or gb < 0 or (ga == 0 and gb == 0) or max(ga, gb) > settings.bridge_gap:
            continue
        if _boilerplate_between(brk_a, x[1], y[0]) or _boilerplate_between(brk_b, x[3], y[2]):
            continue
        if ga and gb:
            added.append([x[1], y[0], x[3], y[2], "rewritten"])
        elif x[4] == "rewritten":
            x[1], x[3] = y[0], y[2]
        elif y[4] == "rewritten":
            y[0], y[2] = x[1], x[3]
        elif x[1] - x[0] >= y[1] - y[0]:  # the last word of x goes with the gap
            x[1], x[3] = x[1] - 1, x[3] - 1
            added.append([x[1], y[0], x[3], y[2], "rewritten"])
        else:  # ... or the first word of y
            added.append([x[1], y[0] + 1, x[3], y[2] + 1, "rewritten"])
            y[0], y[2] = y[0] + 1, y[2] + 1
    return _order(spans + added)


def _touch(x: Span, y: Span, brk_a: np.ndarray, brk_b: np.ndarray) -> bool:
    """``y`` directly continues ``x`` in both texts, with no boilerplate between."""
    return x[1] == y[0] and x[3] == y[2] and not brk_a[y[0]] and not brk_b[y[2]]


def _join_rewritten(spans: list[Span], brk_a: np.ndarray, brk_b: np.ndarray) -> list[Span]:
    """Step 3."""
    out: list[Span] = []
    for s in spans:
        if out and s[4] == "rewritten" and out[-1][4] == "rewritten" and _touch(out[-1], s, brk_a, brk_b):
            out[-1][1], out[-1][3] = s[1], s[3]
        else:
            out.append(s)
    return out


def _near(lo: int, hi: int, o_lo: int, o_hi: int, limit: int) -> bool:
    """Ranges ``[lo, hi)`` and ``[o_lo, o_hi)`` are at most ``limit`` words apart."""
    return o_lo - limit <= hi and lo <= o_hi + limit


def _drop_strays(spans: list[Span], words: list[str], brk_a: np.ndarray, brk_b: np.ndarray,
                 settings: Settings) -> list[Span]:
    """Step 4: isolated short runs of function words are coincidences, not reuse."""
    regions: list[list[Span]] = []
    for s in spans:
        if regions and _touch(regions[-1][-1], s, brk_a, brk_b):
            regions[-1].append(s)
        else:
            regions.append([s])
    bounds = [(r[0][0], r[-1][1], min(s[2] for s in r), max(s[3] for s in r)) for r in regions]
    limit = settings.bridge_gap
    keep: list[Span] = []
    for k, region in enumerate(regions):
        a0, a1, b0, b1 = bounds[k]
        stray = (a1 - a0 < settings.long_run and b1 - b0 < settings.long_run
                 and all(s[4] == "verbatim" for s in region) and all(w in STOPWORDS for w in words[a0:a1])
                 and not any(_near(a0, a1, o[0], o[1], limit) and _near(b0, b1, o[2], o[3], limit)
                             for o in bounds[:k] + bounds[k + 1:]))
        if not stray:
            keep.extend(region)
    return keep


def _char_span(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    c = doc.content
    return int(doc.tokens.starts[c[lo]]), int(doc.tokens.ends[c[hi - 1]])


def tidy(a_doc: Document, b_doc: Document, passages: list[Passage], settings: Settings = DEFAULT
         ) -> tuple[list[Passage], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Passages made into regions without holes, stray matches dropped (see the module doc), and
    the masks they imply: covered A, covered B, verbatim A, verbatim B (bool per content token)."""
    brk_a, brk_b = a_doc.breaks, b_doc.breaks
    spans = _order([[p.a_tokens[0], p.a_tokens[1], p.b_tokens[0], p.b_tokens[1], p.kind] for p in passages])
    spans = _sentences_pairs(spans, a_doc, b_doc, settings)
    spans = _bridge(spans, brk_a, brk_b, settings)
    spans = _join_rewritten(spans, brk_a, brk_b)
    spans = _drop_strays(spans, a_doc.content_words, brk_a, brk_b, settings)
    n_a, n_b = len(brk_a), len(brk_b)
    covered_a, covered_b = np.zeros(n_a, dtype=bool), np.zeros(n_b, dtype=bool)
    verbatim_a, verbatim_b = np.zeros(n_a, dtype=bool), np.zeros(n_b, dtype=bool)
    out = []
    for a0, a1, b0, b1, kind in spans:
        covered_a[a0:a1] = True
        covered_b[b0:b1] = True
        if kind == "verbatim":
            verbatim_a[a0:a1] = True
            verbatim_b[b0:b1] = True
        out.append(Passage(a=_char_span(a_doc, a0, a1), b=_char_span(b_doc, b0, b1), kind=kind,
                           a_tokens=(a0, a1), b_tokens=(b0, b1)))
    return out, covered_a, covered_b, verbatim_a, verbatim_b
