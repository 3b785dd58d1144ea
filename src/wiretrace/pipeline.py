"""The per-article and per-pair steps every engine shares: prepare an article, compare a pair."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .align import align, spans_of
from .boilerplate import remap_vectors, repeated_mask, tag_repeated_mask
from .fingerprint import Fingerprints, content_hashes, fingerprint
from .model import Article, Document, PairResult, Span
from .normalize import normalize
from .relate import relate
from .settings import DEFAULT, Settings

if TYPE_CHECKING:
    from .semantic import Semantic, Vectors


@dataclass
class Prepared:
    """An article normalised and fingerprinted: everything candidate search and alignment need."""

    doc: Document
    fp: Fingerprints
    vectors: Vectors | None = None  # paragraph and article embeddings, with a semantic stage

    @property
    def id(self) -> str:
        return self.doc.id


def prepare(article: Article, settings: Settings = DEFAULT, semantic: Semantic | None = None) -> Prepared:
    """Normalise and fingerprint one article (and embed its paragraphs, given a semantic stage)."""
    doc = normalize(article, settings)
    return Prepared(doc, fingerprint(doc, settings), semantic.vectors([doc])[0] if semantic else None)


def with_boilerplate(p: Prepared, boilerplate: np.ndarray | None, settings: Settings = DEFAULT,
                     candidates: bool | None = None) -> Prepared:
    """``p`` with the sentences its own corpus-boilerplate fingerprints (``wiretrace.boilerplate``)
    cover tagged ``repeated``: they leave its content, and its fingerprints and paragraph vectors
    follow; ``p`` itself when none of its fingerprints is among ``boilerplate``. ``candidates``:
    whether the new fingerprints include the signature and winnowed ones (default: as ``p``'s do);
    False when the result is only compared, since its candidates are already found."""
    if boilerplate is None or not len(boilerplate):
        return p
    winnowed = p.fp.winnowed if p.fp.signature.size else None  # empty when fingerprinted to compare only
    doc = tag_corpus_boilerplate(p.doc, boilerplate, settings, winnowed)
    if doc is p.doc:
        return p
    full = bool(p.fp.signature.size) if candidates is None else candidates
    return Prepared(doc, fingerprint(doc, settings, candidates=full, hashes=content_hashes(doc)),
                    remap_vectors(p.vectors, p.doc, doc) if p.vectors else None)


def tagged_to_compare(doc: Document, boilerplate: np.ndarray | None, settings: Settings = DEFAULT,
                      vectors: Vectors | None = None) -> Prepared:
    """``with_boilerplate(prepare_to_compare(...))`` from the normalised document: its corpus
    boilerplate tagged first, then its shingles hashed once (hashing the untagged text's too, as
    the two steps did, was wasted on the most articles: those carrying a footer or a disclaimer).
    ``vectors``: its paragraph vectors, embedded before tagging."""
    tagged = tag_corpus_boilerplate(doc, boilerplate, settings)
    moved = remap_vectors(vectors, doc, tagged) if vectors and tagged is not doc else vectors
    return Prepared(tagged, fingerprint(tagged, settings, candidates=False), moved)


def tag_corpus_boilerplate(doc: Document, boilerplate: np.ndarray | None, settings: Settings = DEFAULT,
                           winnowed: np.ndarray | None = None) -> Document:
    """The document with the sentences its own corpus-boilerplate fingerprints cover tagged
    ``repeated`` (``boilerplate.repeated_mask``; ``winnowed``: its winnowed fingerprints, when
    known), its content hashes carried over; the document itself when none is."""
    if boilerplate is None or not len(boilerplate):
        return doc
    tagged = repeated_mask(doc, boilerplate, settings, winnowed=winnowed)
    if tagged is None:
        return doc
    out = tag_repeated_mask(doc, tagged)
    # content_hashes(out), from the memo repeated_mask filled: tagging only removes content tokens
    out.__dict__["_content_hashes"] = content_hashes(doc)[~tagged]
    return out


def prepare_to_compare(article: Article, settings: Settings = DEFAULT, boilerplate: list[Span] | None = None) -> Prepared:
    """Normalise an article and hash its shingles only: what ``compare_prepared`` needs of a stored
    article (the MinHash signature and winnowed fingerprints serve candidate search).
    ``boilerplate``: its ``tag_boilerplate`` spans, when the store kept them."""
    doc = normalize(article, settings, boilerplate)
    return Prepared(doc, fingerprint(doc, settings, candidates=False))


def compare_prepared(a: Prepared, b: Prepared, settings: Settings = DEFAULT,
                     semantic: Semantic | None = None) -> PairResult:
    """Align and relate two prepared articles (with embeddings too, given a semantic stage)."""
    alignment = align(a.doc, b.doc, settings)
    result = relate(a.doc, b.doc, alignment, a.fp, b.fp, settings)
    if semantic is None or a.vectors is None or b.vectors is None:
        return result
    return semantic.refine(result, alignment, a, b, settings)


def compare_spans(a: Prepared, b: Prepared, settings: Settings = DEFAULT,
                  semantic: Semantic | None = None) -> tuple[PairResult, np.ndarray]:
    """``compare_prepared`` for a scan, which stores the pair: its passages as rows of
    ``align.SPAN_COLUMNS``, and the ``PairResult`` without ``Passage`` objects (empty ``passages``)."""
    alignment = align(a.doc, b.doc, settings)
    if semantic is None or a.vectors is None or b.vectors is None:
        return relate(a.doc, b.doc, alignment, a.fp, b.fp, settings, with_passages=False), alignment.spans
    result = semantic.refine(relate(a.doc, b.doc, alignment, a.fp, b.fp, settings), alignment, a, b, settings)
    return result, spans_of(result.passages)


def compare(a: Article, b: Article, settings: Settings = DEFAULT, semantic: Semantic | None = None) -> PairResult:
    """Compare two articles: passages, scores, relation, degree and direction (the ``compare`` verb)."""
    return compare_prepared(prepare(a, settings, semantic), prepare(b, settings, semantic), settings, semantic)
