"""Plain data passed between the pipeline stages.

Every stage takes and returns these dataclasses (or numpy arrays inside them); none holds behaviour
beyond small conveniences, so stages stay pure functions and results serialise to the JSON contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np

Relation = Literal["duplicate", "derived", "same_story", "unrelated"]
Degree = Literal["wholly", "partially", "none"]
PassageKind = Literal["verbatim", "rewritten"]


@dataclass(frozen=True)
class Article:
    """One article as read: its text exactly as published plus optional metadata.

    ``date`` is an ISO 8601 string (``YYYY-MM-DD`` or a full timestamp); ``origin`` says where it was
    read from (``path`` or ``path:line``) so errors and reports can point back to the input.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    origin: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class QuarantineEntry:
    """An input (or one line of it) that could not be read, and why; written to quarantine.jsonl."""

    file: str
    reason: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class Span:
    """A tagged character span of the original text (end exclusive), e.g. a photo caption."""

    start: int
    end: int
    kind: str


@dataclass
class Tokens:
    """Normalised word tokens with the character offsets of each token in the original text.

    ``words[i]`` is the normalised form of ``text[starts[i]:ends[i]]``. ``boilerplate[i]`` marks tokens
    inside a tagged boilerplate span (captions, credit lines, datelines, bylines), which matching skips
    but which stay in place so offsets never move. ``sentence``/``paragraph`` number the token's
    sentence and paragraph.

    The words are given as a list (``_words``) or, by the compiled tokenizer, as the text's code
    points with every separator a space and capitals lowered (``_spaced``): then the list is split
    from it on first use, and ``word(i)`` reads one word without it. Matching works on token hashes
    and seldom needs the strings: a list of them cost a third of the tokenizer's time, and the
    garbage collector's full passes walk every list kept alive.
    """

    starts: np.ndarray
    ends: np.ndarray
    boilerplate: np.ndarray
    sentence: np.ndarray
    paragraph: np.ndarray
    _words: list[str] | None = field(default=None, repr=False)
    _spaced: np.ndarray | None = field(default=None, repr=False)  # uint32 code points, as above

    def __post_init__(self) -> None:
        if self._words is None and self._spaced is None:
            raise ValueError("Tokens need their words or the spaced text to split them from")

    @property
    def words(self) -> list[str]:
        if self._words is None:
            assert self._spaced is not None
            self._words = self._spaced.tobytes().decode("utf-32-le").split()
        return self._words

    @property
    def spaced(self) -> np.ndarray | None:
        """The compiled tokenizer's code points (uint32, as the text's, every separator a space and
        capitals lowered), which ``words`` are split from; None when the words were given as a list."""
        return self._spaced

    def word(self, i: int) -> str:
        """``words[i]``, without splitting the whole text when it has not been."""
        if self._words is not None or self._spaced is None:
            return self.words[i]
        return self._spaced[self.starts[i]:self.ends[i]].tobytes().decode("utf-32-le")

    def words_at(self, indices: np.ndarray) -> list[str]:
        """``[words[i] for i in indices]``; for more than a few, from the spaced text decoded once."""
        if self._words is not None or self._spaced is None or len(indices) < 8:
            return [self.word(i) for i in indices.tolist()]
        text = self._spaced.tobytes().decode("utf-32-le")
        return [text[lo:hi] for lo, hi in zip(self.starts[indices].tolist(), self.ends[indices].tolist())]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass
class Document:
    """An article after normalisation: tokens, tagged spans and the content-token index.

    ``content`` holds the indices (into ``tokens``) of the tokens that are not boilerplate; matching,
    fingerprints and coverage are computed over those, in order.
    """

    article: Article
    tokens: Tokens
    boilerplate: list[Span]
    content: np.ndarray

    @property
    def id(self) -> str:
        return self.article.id

    @cached_property
    def content_words(self) -> list[str]:
        words = self.tokens.words
        if len(self.content) == len(words):  # no boilerplate: every token (content is 0..n-1)
            return list(words)
        return [words[i] for i in self.content.tolist()]

    @cached_property
    def breaks(self) -> np.ndarray:
        """breaks[i] is True when content token i does not directly follow content token i-1
        (boilerplate lies between), so matches and passages must not run across it."""
        c = self.content
        out = np.ones(len(c), dtype=bool)
        if len(c) > 1:
            out[1:] = c[1:] != c[:-1] + 1
        return out


@dataclass(frozen=True)
class Passage:
    """An aligned pair of spans: character offsets ``[start, end)`` in A and in B, and its kind.

    ``a_tokens``/``b_tokens`` are the same spans as content-token index ranges (internal; not part of
    the JSON contract).
    """

    a: tuple[int, int]
    b: tuple[int, int]
    kind: PassageKind
    a_tokens: tuple[int, int] = (0, 0)
    b_tokens: tuple[int, int] = (0, 0)

    def to_json(self) -> dict[str, Any]:
        return {"a": [self.a[0], self.a[1]], "b": [self.b[0], self.b[1]], "kind": self.kind}


@dataclass
class PairResult:
    """Everything wiretrace says about one pair of articles (the ``compare`` JSON object)."""

    a: str
    b: str
    relation: Relation
    degree: Degree
    source: str | None
    direction_confidence: float
    scores: dict[str, float]
    passages: list[Passage]
    new_in_a: list[tuple[int, int]]
    new_in_b: list[tuple[int, int]]
    reasons: list[str] = field(default_factory=list)
    direction_reasons: list[str] = field(default_factory=list)

    def to_json(self, passages: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "relation": self.relation,
            "degree": self.degree,
            "source": self.source,
            "direction_confidence": round(self.direction_confidence, 4),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "reasons": list(self.reasons),
            "direction_reasons": list(self.direction_reasons),
        }
        if passages:
            out["passages"] = [p.to_json() for p in self.passages]
            out["new_in_a"] = [[s, e] for s, e in self.new_in_a]
            out["new_in_b"] = [[s, e] for s, e in self.new_in_b]
        return out


@dataclass
class ArticleGrade:
    """How much of one article comes from earlier sources, all of them taken together."""

    id: str
    outlet: str | None
    date: str | None
    sources: list[str]
    reused_share: float
    degree: Degree

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "date": self.date,
            "sources": list(self.sources),
            "reused_share": round(self.reused_share, 4),
            "degree": self.degree,
        }


@dataclass
class Cluster:
    """A reprint cluster: articles joined by duplicate/derived edges, with each member's parent."""

    cluster: str
    members: list[str]
    source_tree: dict[str, str]
    roots: list[str]
    story: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "members": list(self.members),
            "source_tree": dict(self.source_tree),
            "roots": list(self.roots),
            "story": self.story,
        }
