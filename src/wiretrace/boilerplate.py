"""Corpus boilerplate: text printed under many articles that otherwise share nothing.

A newsletter footer, a disclaimer or a series tagline recurs under hundreds of unrelated articles; a
wire story recurs in its reprints. Both give their fingerprints a high document frequency, so
frequency alone cannot tell them apart (and a frequency cap alone either links every article of an
outlet through its footer or drops popular wire copy). What tells them apart is the company a
fingerprint keeps: the articles carrying a footer share nothing else, the reprints of a story share
most of their text.

So a winnowed fingerprint held by at least ``boilerplate_min_df`` articles is *boilerplate* when,
among a deterministic sample of ``boilerplate_sample`` of those articles (the ones whose id hashes
lowest, so every engine picks the same), the median pair overlaps by less than
``boilerplate_overlap`` of the smaller article (a MinHash estimate). Boilerplate fingerprints make no
candidate pairs, and the sentences they cover are tagged ``repeated`` in each article, so alignment,
coverage and degrees skip them as they skip photo captions.

Everything here is a pure function over arrays; the engines feed it postings and signatures.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import numpy as np
import xxhash

from . import arrays
from .fingerprint import content_hashes, shingle_hashes, token_hashes, winnow
from .model import Document, Span
from .settings import DEFAULT, Settings

REPEATED = "repeated"
"""Span kind of corpus boilerplate (``Document.boilerplate``), beside caption, credit, dateline..."""

_EMPTY_KEYS = np.zeros(0, dtype=np.uint64)

if TYPE_CHECKING:
    from .semantic.vectors import Vectors

SignatureFetch = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""fetch(doc numbers) -> (signatures uint32[n, num_perm], content-token counts int64[n]), in order."""


def doc_rank(article_id: str) -> int:
    """Sampling rank of an article: a 63-bit hash of its id (non-negative, so Spark sorts it alike)."""
    return xxhash.xxh3_64_intdigest(article_id.encode("utf-8")) >> 1


def doc_ranks(ids: list[str]) -> np.ndarray:
    """``doc_rank`` of each id, as int64."""
    return np.fromiter((doc_rank(i) for i in ids), dtype=np.int64, count=len(ids))


def estimated_overlap(sig_a: np.ndarray, sig_b: np.ndarray, n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Share of the smaller article found in the larger, per row, from MinHash signatures and sizes.

    With Jaccard ``J`` of two sets of sizes ``n_a``, ``n_b``, the intersection is
    ``J (n_a + n_b) / (1 + J)``; divided by the smaller size it is the smaller one's containment.
    """
    j = (np.asarray(sig_a) == np.asarray(sig_b)).mean(axis=-1)
    n_a, n_b = np.asarray(n_a, dtype=np.float64), np.asarray(n_b, dtype=np.float64)
    smaller = np.maximum(np.minimum(n_a, n_b), 1.0)
    return np.clip(j * (n_a + n_b) / ((1.0 + j) * smaller), 0.0, 1.0)


def is_boilerplate(signatures: np.ndarray, sizes: np.ndarray, settings: Settings = DEFAULT) -> bool:
    """Verdict on one fingerprint from a sample of the articles holding it (rows in rank order):
    boilerplate when the median sampled pair shares less than ``boilerplate_overlap``."""
    n = len(sizes)
    if n < 2:
        return False
    i, j = np.triu_indices(n, 1)
    overlap = estimated_overlap(signatures[i], signatures[j], sizes[i], sizes[j])
    return bool(np.median(overlap) < settings.boilerplate_overlap)


def frequent_postings(keys: np.ndarray, docs: np.ndarray, ranks: np.ndarray,
                      settings: Settings = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """Keys held by at least ``boilerplate_min_df`` documents, and each one's sample of documents.

    ``keys``/``docs`` are parallel unique (key, doc) postings, ``ranks[doc]`` the doc's sampling
    rank. Returns ``(keys uint64[K], samples int64[K, boilerplate_sample])``: the sampled doc numbers
    in rank order, padded with -1 (never, as every kept key has more documents than the sample).
    """
    sample = settings.boilerplate_sample
    k, d = np.asarray(keys, dtype=np.uint64), np.asarray(docs, dtype=np.int64)
    if len(k):  # only the postings of frequent keys are sorted (most keys are held by one article)
        _, inverse, counts = np.unique(k, return_inverse=True, return_counts=True)
        frequent = counts[inverse] >= settings.boilerplate_min_df
        k, d = k[frequent], d[frequent]
    if len(k) == 0:
        return _EMPTY_KEYS, np.zeros((0, sample), dtype=np.int64)
    order = np.lexsort((ranks[d], k))
    k, d = k[order], d[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    frequent = sizes >= settings.boilerplate_min_df
    starts, sizes = starts[frequent], sizes[frequent]
    take = np.minimum(sizes, sample)
    out = np.full((len(starts), sample), -1, dtype=np.int64)
    for col in range(sample):
        has = take > col
        out[has, col] = d[starts[has] + col]
    return k[starts], out


def boilerplate_keys(keys: np.ndarray, samples: np.ndarray, fetch: SignatureFetch,
                     settings: Settings = DEFAULT) -> np.ndarray:
    """The frequent keys (from ``frequent_postings``) whose sampled documents share too little:
    sorted uint64 keys. Signatures are fetched once per distinct sampled document; keys with a full
    sample are judged together (``sample_medians``), the rest one by one (``is_boilerplate``)."""
    if len(keys) == 0:
        return _EMPTY_KEYS
    keys, samples = np.asarray(keys, dtype=np.uint64), np.asarray(samples, dtype=np.int64)
    docs = arrays.unique(samples[samples >= 0])
    sigs, sizes = fetch(docs)
    rows = np.searchsorted(docs, samples)  # each sampled document's row in sigs (padding: ignored)
    full = (samples >= 0).all(axis=1)
    verdict = np.zeros(len(keys), dtype=bool)
    if samples.shape[1] >= 2:
        for lo in range(0, int(full.sum()), _JUDGED_TOGETHER):  # bounded temporaries: keys x pairs x num_perm
            at = np.flatnonzero(full)[lo:lo + _JUDGED_TOGETHER]
            verdict[at] = sample_medians(sigs[rows[at]], sizes[rows[at]]) < settings.boilerplate_overlap
    for n in np.flatnonzero(~full).tolist():
        picked = rows[n][samples[n] >= 0]
        verdict[n] = is_boilerplate(sigs[picked], sizes[picked], settings)
    return np.sort(keys[verdict])


_JUDGED_TOGETHER = 2048


def sample_medians(signatures: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per key, the median estimated overlap of the pairs of its sampled documents
    (``signatures[key, doc]``, ``sizes[key, doc]``): ``is_boilerplate``'s statistic for many keys at once."""
    i, j = np.triu_indices(signatures.shape[1], 1)
    overlap = estimated_overlap(signatures[:, i], signatures[:, j], sizes[:, i], sizes[:, j])
    return np.median(overlap, axis=1)


def corpus_boilerplate(winnowed: list[np.ndarray], signatures: np.ndarray, sizes: np.ndarray, ranks: np.ndarray,
                       settings: Settings = DEFAULT) -> np.ndarray:
    """The boilerplate fingerprints of a corpus held in memory (per article: unique winnowed keys,
    signature, content-token count, rank), as the engines find them over their stores."""
    keys = np.concatenate(winnowed).astype(np.uint64) if winnowed else _EMPTY_KEYS
    docs = np.repeat(np.arange(len(winnowed), dtype=np.int64), [len(w) for w in winnowed])
    frequent, samples = frequent_postings(keys, docs, ranks, settings)
    return boilerplate_keys(frequent, samples, lambda d: (signatures[d], sizes[d]), settings)


def repeated_spans(doc: Document, boilerplate: np.ndarray, settings: Settings = DEFAULT,
                   hashes: np.ndarray | None = None, winnowed: np.ndarray | None = None) -> list[Span]:
    """Sentences of ``doc`` that its own boilerplate fingerprints cover for at least half their words.

    Only the document's own winnowed fingerprints count (those every engine judged). A fingerprint
    covers its ``shingle_size`` content words; fingerprints at most ``winnow_window`` shingles apart
    cover the words between them (winnowing leaves no longer gap inside shared text). Whole sentences
    are tagged so a footer's edges go with it, while a stock phrase inside a longer sentence of copy
    does not split that copy. ``hashes`` (the content tokens' ``token_hashes``) and ``winnowed`` (the
    document's winnowed fingerprints) save recomputing them when known. Compiled
    (``_prep_kernels``); ``repeated_spans_reference`` gives the same spans.
    """
    tagged = repeated_mask(doc, boilerplate, settings, hashes, winnowed)
    return [] if tagged is None else _tagged_spans(doc, tagged)


def repeated_mask(doc: Document, boilerplate: np.ndarray, settings: Settings = DEFAULT,
                  hashes: np.ndarray | None = None, winnowed: np.ndarray | None = None) -> np.ndarray | None:
    """``repeated_spans`` as a mask over the content tokens (True: tagged); None when none is."""
    n = settings.shingle_size
    if len(boilerplate) == 0 or len(doc.content) < n:
        return None
    from . import _prep_kernels  # numba, imported on first use

    if winnowed is None:
        hashes = content_hashes(doc) if hashes is None else hashes
        winnowed = _prep_kernels.winnowed(hashes, n, settings.winnow_window)
    own = own_boilerplate(boilerplate, winnowed)
    if not len(own):  # known winnowed fingerprints spare hashing a document that holds none
        return None
    if hashes is None:
        hashes = content_hashes(doc)
    tagged = _prep_kernels.repeated_tokens(hashes, n, settings.winnow_window, own, doc.tokens.sentence[doc.content])
    return tagged if tagged.any() else None


def own_boilerplate(boilerplate: np.ndarray, winnowed: np.ndarray) -> np.ndarray:
    """The corpus-boilerplate fingerprints among a document's winnowed ones: sorted uint64."""
    from . import _prep_kernels  # numba, imported on first use

    return _prep_kernels.shared_keys(np.ascontiguousarray(boilerplate, dtype=np.uint64),
                                     np.ascontiguousarray(winnowed, dtype=np.uint64))


def _tagged_spans(doc: Document, tagged: np.ndarray) -> list[Span]:
    """One ``repeated`` span per run of tagged content tokens, from its first word to its last."""
    padded = np.zeros(len(tagged) + 2, dtype=np.int8)
    padded[1:-1] = tagged
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    first, last = doc.content[edges[::2]], doc.content[edges[1::2] - 1]
    starts, ends = doc.tokens.starts[first].tolist(), doc.tokens.ends[last].tolist()
    return [Span(lo, hi, REPEATED) for lo, hi in zip(starts, ends)]


def repeated_spans_reference(doc: Document, boilerplate: np.ndarray, settings: Settings = DEFAULT) -> list[Span]:
    """Reference ``repeated_spans`` in NumPy steps. Sentences of ``doc`` that its own boilerplate fingerprints cover for at least half their words.

    Only the document's own winnowed fingerprints count (those every engine judged). A fingerprint
    covers its ``shingle_size`` content words; fingerprints at most ``winnow_window`` shingles apart
    cover the words between them (winnowing leaves no longer gap inside shared text). Whole sentences
    are tagged so a footer's edges go with it, while a stock phrase inside a longer sentence of copy
    does not split that copy.
    """
    n = settings.shingle_size
    if len(boilerplate) == 0 or len(doc.content) < n:
        return []
    sh = shingle_hashes(token_hashes(doc.content_words), n)
    own = np.intersect1d(boilerplate, winnow(sh, settings.winnow_window))
    hits = np.flatnonzero(np.isin(sh, own)) if len(own) else np.zeros(0, dtype=np.int64)
    if len(hits) == 0:
        return []
    covered = np.zeros(len(doc.content), dtype=bool)
    runs = np.flatnonzero(np.r_[True, np.diff(hits) > settings.winnow_window, True])
    for lo, hi in zip(runs[:-1], runs[1:]):
        covered[hits[lo]:hits[hi - 1] + n] = True
    sentence = doc.tokens.sentence[doc.content]
    sentences = np.unique(sentence)
    per = np.searchsorted(sentences, sentence)
    share = np.bincount(per, weights=covered, minlength=len(sentences)) / np.bincount(per, minlength=len(sentences))
    tagged = np.isin(per, np.flatnonzero(share >= 0.5))
    spans: list[Span] = []
    starts, ends = doc.tokens.starts, doc.tokens.ends
    edges = np.flatnonzero(np.diff(np.r_[0, tagged.astype(np.int8), 0]))
    for lo, hi in zip(edges[::2], edges[1::2]):
        spans.append(Span(int(starts[doc.content[lo]]), int(ends[doc.content[hi - 1]]), REPEATED))
    return spans


def tag_repeated(doc: Document, spans: list[Span]) -> Document:
    """The document with ``spans`` added to its boilerplate: their tokens leave ``content``."""
    if not spans:
        return doc
    mask = doc.tokens.boilerplate.copy()
    starts = doc.tokens.starts
    for span in spans:
        mask[np.searchsorted(starts, span.start, side="left"):np.searchsorted(starts, span.end, side="left")] = True
    tokens = replace(doc.tokens, boilerplate=mask)
    tagged = sorted([*doc.boilerplate, *spans], key=lambda s: (s.start, s.end))
    return Document(article=doc.article, tokens=tokens, boilerplate=tagged,
                    content=np.flatnonzero(~mask).astype(np.int64))


def tag_repeated_mask(doc: Document, tagged: np.ndarray) -> Document:
    """``tag_repeated(doc, _tagged_spans(doc, tagged))`` from the mask over content tokens itself:
    a span runs from a run's first word to its last, and the tokens between that are not content
    are boilerplate already, so the tagged tokens are exactly the run's content tokens."""
    mask = doc.tokens.boilerplate.copy()
    mask[doc.content[tagged]] = True
    tagged_spans = sorted([*doc.boilerplate, *_tagged_spans(doc, tagged)], key=lambda s: (s.start, s.end))
    return Document(article=doc.article, tokens=replace(doc.tokens, boilerplate=mask), boilerplate=tagged_spans,
                    content=doc.content[~tagged])


def remap_vectors(vectors: "Vectors", before: Document, after: Document) -> "Vectors":
    """Paragraph vectors of ``before`` re-expressed in ``after``'s content numbering (``after`` has
    more tokens tagged): paragraphs left without content are dropped, the others keep their vector."""
    from .semantic.vectors import Vectors

    position = np.full(len(after.tokens), -1, dtype=np.int64)
    position[after.content] = np.arange(len(after.content))
    kept, rows = [], []
    for row, (lo, hi) in enumerate(vectors.paragraphs):
        now = position[before.content[lo:hi]]
        now = now[now >= 0]
        if len(now):
            kept.append((int(now[0]), int(now[-1]) + 1))
            rows.append(row)
    return Vectors(kept, vectors.paragraph_vectors[rows], vectors.article)
