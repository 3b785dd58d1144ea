"""Paragraph and article vectors of a normalised document.

A paragraph is a run of content tokens inside one paragraph of the text, split where boilerplate
(a caption, a credit line) interrupts it; its text is the original characters it spans. The article
vector is the length-weighted mean of its paragraph vectors, so a long article is represented whole
rather than by the first 256 word pieces the model reads.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
from xxhash import xxh3_128_intdigest

from ..model import Document

MIN_PARAGRAPH_WORDS = 3
"""Shorter pieces (a lone name, "Advertisement") carry no meaning worth a vector."""


class TextEncoder(Protocol):
    """Anything that turns texts into L2-normalised vectors (``Encoder``, ``TorchEncoder``, fakes)."""

    dim: int

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...


@dataclass
class Vectors:
    """One article's paragraphs (content-token ranges ``[lo, hi)``) with their vectors, and the
    article vector (zeros when the article has no paragraph of ``MIN_PARAGRAPH_WORDS`` words)."""

    paragraphs: list[tuple[int, int]]
    paragraph_vectors: np.ndarray  # float32[P, dim]
    article: np.ndarray  # float32[dim], unit length or zero


def paragraph_ranges(doc: Document) -> list[tuple[int, int]]:
    """Content-token ranges of the document's paragraphs, split at boilerplate breaks."""
    content = doc.content
    if len(content) == 0:
        return []
    para = doc.tokens.paragraph[content]
    cut = doc.breaks.copy()
    cut[1:] |= para[1:] != para[:-1]
    starts = np.flatnonzero(cut)
    ends = np.r_[starts[1:], len(content)]
    return [(int(s), int(e)) for s, e in zip(starts, ends) if e - s >= MIN_PARAGRAPH_WORDS]


def range_text(doc: Document, lo: int, hi: int) -> str:
    """The original text spanned by content tokens ``[lo, hi)``."""
    t, c = doc.tokens, doc.content
    return doc.article.text[int(t.starts[c[lo]]):int(t.ends[c[hi - 1]])]


def article_vector(ranges: list[tuple[int, int]], vectors: np.ndarray, dim: int) -> np.ndarray:
    """Length-weighted mean of paragraph vectors, L2-normalised (zeros without paragraphs)."""
    if not ranges:
        return np.zeros(dim, dtype=np.float32)
    weights = np.array([hi - lo for lo, hi in ranges], dtype=np.float32)
    mean = (vectors * weights[:, None]).sum(0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else mean.astype(np.float32)


class ParagraphCache:
    """Vectors of paragraph texts already embedded, most recently used kept, at most ``size``.

    News repeats paragraphs word for word (wire copy reprinted, trimmed, extended): a text seen
    before is not embedded again. The vector is the one computed then, equal to a fresh one to
    float32 rounding (1e-7: only the batch it was computed in differs)."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._vectors: OrderedDict[int, np.ndarray] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(self, texts: list[str], encoder: TextEncoder) -> np.ndarray:
        """Vectors of ``texts`` (float32[N, dim]): cached ones looked up, the others embedded once
        each (a text repeated within ``texts`` too) and remembered."""
        keys = [xxh3_128_intdigest(t.encode("utf-8", "surrogatepass")) for t in texts]
        out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        todo: dict[int, list[int]] = {}
        for i, k in enumerate(keys):
            vec = self._vectors.get(k)
            if vec is None:
                todo.setdefault(k, []).append(i)
            else:
                self._vectors.move_to_end(k)
                out[i] = vec
        self.misses += len(todo)  # texts embedded; every other one (seen before, or repeated here) is a hit
        self.hits += len(texts) - len(todo)
        if todo:
            fresh = encoder.embed([texts[rows[0]] for rows in todo.values()])
            for (k, rows), vec in zip(todo.items(), fresh):
                out[rows] = vec
                self._vectors[k] = vec
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return out


def embed_documents(docs: Sequence[Document], encoder: TextEncoder,
                    cache: ParagraphCache | None = None) -> list[Vectors]:
    """Vectors of several documents, their paragraphs embedded together in length-sorted batches
    (through ``cache`` when given: a paragraph text seen before is not embedded again)."""
    ranges = [paragraph_ranges(d) for d in docs]
    texts = [range_text(d, lo, hi) for d, rs in zip(docs, ranges) for lo, hi in rs]
    flat = cache.embed(texts, encoder) if cache is not None else encoder.embed(texts)
    out = []
    at = 0
    for rs in ranges:
        vecs = flat[at:at + len(rs)]
        at += len(rs)
        out.append(Vectors(rs, vecs, article_vector(rs, vecs, encoder.dim)))
    return out


def cosine(a: Vectors, b: Vectors) -> float:
    """Article-embedding cosine clipped to 0–1 (``scores.semantic``)."""
    return float(min(1.0, max(0.0, float(a.article @ b.article))))
