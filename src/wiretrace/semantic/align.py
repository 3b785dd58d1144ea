"""Paragraph-level semantic alignment: reworded paragraphs that share meaning but few words.

After the n-gram alignment, each paragraph keeps its longest run of still-unaligned words. Paragraph
pairs whose embeddings are closer than ``semantic_passage_similarity`` are matched greedily, most
similar first, each paragraph at most once, and their unaligned runs become one ``rewritten``
passage. Passages never overlap the ones found before, so coverage stays a plain token mask.
"""

from __future__ import annotations

import numpy as np

from ..align import Alignment
from ..model import Document, Passage
from ..settings import DEFAULT, Settings
from .vectors import Vectors

MIN_RUN_WORDS = 3
"""A paragraph takes part only with an unaligned run at least this long on both sides."""


def longest_uncovered_run(covered: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """The longest run of uncovered tokens in ``[lo, hi)`` (the first one if tied; empty if none)."""
    best = (lo, lo)
    start = None
    for t in range(lo, hi + 1):
        if t < hi and not covered[t]:
            start = t if start is None else start
            continue
        if start is not None and t - start > best[1] - best[0]:
            best = (start, t)
        start = None
    return best


def _span(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    c = doc.content
    return int(doc.tokens.starts[c[lo]]), int(doc.tokens.ends[c[hi - 1]])


def semantic_passages(a_doc: Document, b_doc: Document, va: Vectors, vb: Vectors, alignment: Alignment,
                      settings: Settings = DEFAULT) -> Alignment:
    """``alignment`` plus ``rewritten`` passages for semantically matching unaligned paragraphs."""
    if not va.paragraphs or not vb.paragraphs:
        return alignment
    covered_a, covered_b = alignment.covered_a.copy(), alignment.covered_b.copy()
    runs_a = [longest_uncovered_run(covered_a, lo, hi) for lo, hi in va.paragraphs]
    runs_b = [longest_uncovered_run(covered_b, lo, hi) for lo, hi in vb.paragraphs]
    sims = va.paragraph_vectors @ vb.paragraph_vectors.T
    ok_a = np.array([hi - lo >= MIN_RUN_WORDS for lo, hi in runs_a])
    ok_b = np.array([hi - lo >= MIN_RUN_WORDS for lo, hi in runs_b])
    sims[~ok_a, :] = -1.0
    sims[:, ~ok_b] = -1.0
    xs, ys = np.nonzero(sims >= settings.semantic_passage_similarity)
    order = np.lexsort((ys, xs, -sims[xs, ys]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    added = []
    for x, y in zip(xs[order].tolist(), ys[order].tolist()):
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        (a0, a1), (b0, b1) = runs_a[x], runs_b[y]
        covered_a[a0:a1] = True
        covered_b[b0:b1] = True
        added.append(Passage(a=_span(a_doc, a0, a1), b=_span(b_doc, b0, b1), kind="rewritten",
                             a_tokens=(a0, a1), b_tokens=(b0, b1)))
    if not added:
        return alignment
    passages = sorted(alignment.passages + added, key=lambda p: (p.a_tokens, p.b_tokens))
    return Alignment(passages, covered_a, covered_b, alignment.verbatim_a, alignment.verbatim_b)
