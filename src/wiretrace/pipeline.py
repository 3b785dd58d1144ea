"""The per-article and per-pair steps every engine shares: prepare an article, compare a pair."""

from __future__ import annotations

from dataclasses import dataclass

from .align import align
from .fingerprint import Fingerprints, fingerprint
from .model import Article, Document, PairResult
from .normalize import normalize
from .relate import relate
from .settings import DEFAULT, Settings


@dataclass
class Prepared:
    """An article normalised and fingerprinted: everything candidate search and alignment need."""

    doc: Document
    fp: Fingerprints

    @property
    def id(self) -> str:
        return self.doc.id


def prepare(article: Article, settings: Settings = DEFAULT) -> Prepared:
    """Normalise and fingerprint one article."""
    doc = normalize(article, settings)
    return Prepared(doc, fingerprint(doc, settings))


def compare_prepared(a: Prepared, b: Prepared, settings: Settings = DEFAULT) -> PairResult:
    """Align and relate two prepared articles."""
    return relate(a.doc, b.doc, align(a.doc, b.doc, settings), a.fp, b.fp, settings)


def compare(a: Article, b: Article, settings: Settings = DEFAULT) -> PairResult:
    """Compare two articles: passages, scores, relation, degree and direction (the ``compare`` verb)."""
    return compare_prepared(prepare(a, settings), prepare(b, settings), settings)
