"""Labelled benchmark corpora derived from real base articles (``wiretrace bench generate``).

Every generated article is written to ``OUT/articles.jsonl`` (a format ``wiretrace scan`` reads) and
its ground truth to ``OUT/gold/``: labelled pairs with degree, reuse type, direction and passages as
character spans on both sides, gold clusters, and each article's type and reused share. The layout
and every transformation are described in ``docs/benchmarks.md``.

How text stays unique at any N: the base folder holds a few thousand real articles, far fewer than a
1M-article corpus needs. The first use of each base article is its real text; later uses, and all
"new" material (padding, added paragraphs, partial-reuse hosts), are *re-lexicalised*: every content
word is mapped to another word of the same case and frequency band by a per-story bijection, while
function words, punctuation and numbers' shapes stay. Two stories from one base article then share
only function-word runs, never a 5-word run of content, so the gold pairs are the only reuse.

Generation is deterministic for a seed (each block of stories has its own ``random.Random`` seeded
from ``seed`` and the block number) and streams: only one block of about 64 articles and the base
are in memory, whatever N is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxhash import xxh64_intdigest

from ..errors import InputError, UsageError
from .lexicon import (CREDITS, FOOTERS, FUNCTION_CLASSES, FUNCTION_WORDS, OUTLETS, SERIES_NAMES, SERIES_TAGLINE,
                      SPONSORS, SYNONYMS, WIRES)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

#: Reuse types: how a copy is derived from its source(s).
COPY_TYPES: tuple[str, ...] = ("exact", "noisy", "trimmed", "extended", "partial", "light_rewrite",
                               "heavy_rewrite", "reordered")
MULTI = "multi_source"
REUSE_TYPES: tuple[str, ...] = COPY_TYPES + (MULTI,)
#: Hard negatives: pairs that share boilerplate or named entities but no reused text.
NEGATIVE_TYPES: tuple[str, ...] = ("boilerplate", "same_topic", "same_event")
#: Gold relation of each hard negative: a ``same_event`` pair is an independent account of one
#: event (``same_story``), the others are ``unrelated``; none of them is reuse.
NEGATIVE_RELATION: dict[str, str] = {"boilerplate": "unrelated", "same_topic": "unrelated", "same_event": "same_story"}

#: Gold relation and METER degree of a copy, by reuse type.
RELATION_OF: dict[str, str] = {t: "duplicate" if t in ("exact", "noisy") else "derived" for t in REUSE_TYPES}
DEGREE_OF: dict[str, str] = {t: "partially" if t in ("extended", "partial", MULTI) else "wholly"
                             for t in REUSE_TYPES}

#: Share of copies of each type (multi-source articles are added per story, see _STORY_MIX).
COPY_WEIGHTS: dict[str, float] = {"exact": 0.12, "noisy": 0.12, "trimmed": 0.12, "extended": 0.12,
                                  "partial": 0.14, "light_rewrite": 0.14, "heavy_rewrite": 0.12,
                                  "reordered": 0.12}
_COPIES_PER_STORY = ((0, 1, 2, 3, 4, 5), (0.2, 0.25, 0.2, 0.15, 0.12, 0.08))
_STORY_MIX = {"same_topic": 0.07, "same_event": 0.1, "multi_source": 0.12, "series": 0.03, "wire": 0.45, "credit": 0.3,
              "boilerplate_pair": 0.04}
BLOCK = 64  # articles per block: the unit of randomness, shuffling and memory
_START = dt.datetime(2005, 1, 3, 6, 0)
# primes above any band size: a*i+b mod n is then a bijection of each band
_PRIMES = (1000003, 1000033, 1000037, 1000039, 1000081, 1000099, 1000117, 1000121)
_SHIFT_PRIME = 1000003  # above every band size, so k·P mod (len - 1) differs for the first len - 1 uses
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w]+|.", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”]?\s+(?=[\"'‘“A-Z0-9])")
_OCR = (("rn", "m"), ("m", "rn"), ("l", "1"), ("I", "l"), ("O", "0"), ("e", "c"), ("cl", "d"),
        ("d", "cl"), ("h", "b"), ("u", "n"), ("S", "5"), ("a", "o"), ("fi", "f"), ("t", "l"))


# ----------------------------------------------------------------------------------------------
# base articles


@dataclass(frozen=True)
class BaseSentence:
    """A base sentence: its text, tokens, and the slots a cipher rewrites (token position, band, index
    in band; band -1 marks a number)."""

    text: str
    toks: tuple[str, ...]
    slots: tuple[tuple[int, int, int], ...]
    words: int


@dataclass(frozen=True)
class BaseArticle:
    """One real base article: topic (its folder), title and body as paragraphs of sentences."""

    topic: str
    title: BaseSentence
    paragraphs: tuple[tuple[BaseSentence, ...], ...]
    paragraph_words: tuple[int, ...]

    @property
    def words(self) -> int:
        return sum(self.paragraph_words)


@dataclass
class Base:
    """The base corpus with its vocabulary bands (content words grouped by case and frequency)."""

    path: str
    articles: list[BaseArticle]
    by_topic: dict[str, list[int]]
    vocab: dict[str, tuple[int, int]]  # word → (band, index in band)
    bands: list[tuple[str, ...]]
    capital_bands: frozenset[int]
    digest: str
    duplicates_dropped: int = 0
    classes_from: int = 0  # bands from here on are classes of interchangeable function words


def tokens(text: str) -> tuple[str, ...]:
    """Split text into word, number and other runs that join back to the same text."""
    return tuple(_TOKEN.findall(text))


def split_paragraphs(body: str, max_sentences: int = 3) -> list[list[str]]:
    """Paragraphs (blank-line separated) as sentence lists, long ones cut into news-sized 2–3 sentence
    paragraphs so "2–4 paragraphs" means what it means in a newspaper."""
    out: list[list[str]] = []
    for para in re.split(r"\n\s*\n", body.strip()):
        sentences = [s.strip() for s in _SENTENCE_END.split(" ".join(para.split())) if s.strip()]
        while len(sentences) > max_sentences:
            cut = 2 if len(sentences) in (4, 5) else max_sentences
            out.append(sentences[:cut])
            sentences = sentences[cut:]
        if sentences:
            out.append(sentences)
    return out


def _band_key(word: str, count: int) -> tuple[bool, int]:
    return word[0].isupper(), 0 if count == 1 else 1 if count <= 3 else 2 if count <= 15 else 3


def _content(t: str) -> bool:
    return t[0].isalpha() and t.lower() not in FUNCTION_WORDS


def _sentence(text: str, vocab: dict[str, tuple[int, int]]) -> BaseSentence:
    toks = tokens(text)
    slots = tuple((k, *vocab[t]) if t in vocab else (k, -1, 0) for k, t in enumerate(toks)
                  if t in vocab or t[0].isdigit())
    return BaseSentence(text, toks, slots, sum(1 for t in toks if t[0].isalpha()))


_NEAR_DUPLICATE_RUNS = 1  # a base article sharing an 8-word run with an earlier one reuses its text: dropped
_RUN_WORDS = 8  # (wiretrace calls a pair derived from 8 words of verbatim runs; 10-word runs let such pairs through)


def _long_runs(body: str, k: int = _RUN_WORDS) -> set[int]:
    """Hashes of the article's lower-cased 8-word runs (to find base articles that reuse earlier ones)."""
    words = re.findall(r"\w+", body.lower())
    return {xxh64_intdigest(" ".join(words[i:i + k]).encode()) for i in range(len(words) - k + 1)}


def load_base(base: str | Path) -> Base:
    """Read every ``*.txt`` under ``base`` (first line = title, topic = parent folder), drop exact,
    same-title and near duplicates (real reuse the gold could not label), tokenise, and build the
    vocabulary bands."""
    root = Path(base)
    if not root.is_dir():
        raise InputError(str(root), "base folder not found (expected a folder of .txt articles, first line = title)")
    digest = hashlib.sha256()
    seen: set[str] = set()
    seen_runs: set[int] = set()
    raw_articles: list[tuple[str, str, list[list[str]]]] = []
    dropped = 0
    counts: Counter[str] = Counter()
    for path in sorted(p for p in root.rglob("*.txt") if not p.name.startswith(".")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        title, _, body = text.replace("\r\n", "\n").strip().partition("\n")
        paragraphs = split_paragraphs(body)
        if not title.strip() or not paragraphs:
            log.warning("%s: no title or no body, skipped", path)
            continue
        keys = (" ".join(body.split()).lower(), "title:" + " ".join(title.split()).lower())
        runs = _long_runs(body)
        if any(k in seen for k in keys) or len(runs & seen_runs) >= _NEAR_DUPLICATE_RUNS:
            dropped += 1
            continue
        seen.update(keys)
        seen_runs |= runs
        digest.update(raw)
        counts.update(t for t in _TOKEN.findall(title + "\n" + body) if _content(t))
        raw_articles.append((path.parent.name if path.parent != root else "", " ".join(title.split()), paragraphs))
    if len(raw_articles) < 10:
        raise InputError(str(root), f"base folder holds {len(raw_articles)} usable articles; at least 10 are needed")
    band_words: dict[tuple[bool, int], list[str]] = {}
    for word in sorted(counts):
        band_words.setdefault(_band_key(word, counts[word]), []).append(word)
    keys = sorted(band_words)
    bands = [tuple(band_words[k]) for k in keys]
    vocab = {w: (b, i) for b, words in enumerate(bands) for i, w in enumerate(words)}
    classes_from = len(bands)
    # him/her and his/her share "her": the first class listed wins it
    for group in FUNCTION_CLASSES:
        for variant in (group, tuple(w[0].upper() + w[1:] for w in group)):
            if not any(w in vocab for w in variant):
                vocab.update({w: (len(bands), i) for i, w in enumerate(variant)})
                bands.append(variant)
    articles = []
    for topic, title, paragraphs in raw_articles:
        paras = tuple(tuple(_sentence(x, vocab) for x in para) for para in paragraphs)
        articles.append(BaseArticle(topic, _sentence(title, vocab), paras,
                                    tuple(sum(x.words for x in para) for para in paras)))
    by_topic: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        by_topic.setdefault(a.topic, []).append(i)
    return Base(str(root), articles, by_topic, vocab, bands,
                frozenset(b for b, k in enumerate(keys) if k[0]), digest.hexdigest(), dropped, classes_from)


# ----------------------------------------------------------------------------------------------
# re-lexicalisation


class Cipher:
    """A per-story bijection of content words within their band (and of digits, and of function words
    within small classes such as he/she or in/at/on), so re-used base text reads like news but shares
    no run of five words with any other story. ``names`` (optional)
    replaces capitalised words by names from another article: same entities, different text.
    ``shifts`` (one per content band) makes it a shift cipher: ``_Context.cipher`` gives every use of
    one base article a different non-zero shift, so no two of them (nor the real text) ever map a
    content word to the same word."""

    def __init__(self, base: Base, rng: random.Random, names: Sequence[str] = (),
                 shifts: Sequence[int] | None = None) -> None:
        self.vocab, self.bands, self.capitals = base.vocab, base.bands, base.capital_bands
        self.ab = [((1, shifts[k]) if shifts is not None else (rng.choice(_PRIMES), rng.randrange(len(b))))
                   if k < base.classes_from
                   else (1, rng.randrange(1, len(b)))  # a function word always becomes another of its class
                   for k, b in enumerate(base.bands)]
        digits = list("0123456789")
        rng.shuffle(digits)
        if digits[0] == "0":  # keep leading digits non-zero where they were
            digits[0], digits[1] = digits[1], digits[0]
        self.digits = str.maketrans("0123456789", "".join(digits))
        self.names = tuple(names)

    def apply(self, sentence: BaseSentence) -> str:
        """The re-lexicalised text of a base sentence."""
        out = list(sentence.toks)
        for k, band, i in sentence.slots:
            out[k] = self.word(out[k], band, i)
        return "".join(out)

    def word(self, token: str, band: int, i: int) -> str:
        """The re-lexicalised form of one slot's token (``band`` -1: a number)."""
        if band < 0:
            return token.translate(self.digits)
        a, b = self.ab[band]
        if self.names and band in self.capitals:
            return self.names[(a * i + b) % len(self.names)]
        words = self.bands[band]
        return words[(a * i + b) % len(words)]


def _plain(sentence: BaseSentence) -> str:
    return sentence.text


# ----------------------------------------------------------------------------------------------
# sentence-level edits: OCR/typo noise and rewording


def add_noise(text: str, rng: random.Random, rate: float = 0.05) -> str:
    """OCR and typing errors in about ``rate`` of the words: character confusions (rn→m, l→1, …),
    swapped, dropped and doubled letters, and stray hyphenation."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if len(w) < 3 or rng.random() >= rate:
            continue
        op = rng.randrange(5)
        j = rng.randrange(1, len(w) - 1)
        if op == 0:
            options = [(x, y) for x, y in _OCR if x in w]
            if options:
                x, y = rng.choice(options)
                w = w.replace(x, y, 1)
        elif op == 1:
            w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
        elif op == 2:
            w = w[:j] + w[j + 1:]
        elif op == 3:
            w = w[:j] + w[j] + w[j:]
        else:
            w = w[:j] + "- " + w[j:]
        words[i] = w
    return " ".join(words)


def reword(text: str, rng: random.Random, base: Base, rate: float) -> str:
    """Substitute about ``rate`` of the content words: a synonym where one is known, otherwise another
    word of the same case and frequency band."""
    toks = list(tokens(text))
    for i, t in enumerate(toks):
        if not t[0].isalpha() or rng.random() >= rate:
            continue
        low = t.lower()
        synonyms = SYNONYMS.get(low)
        if synonyms:
            new = rng.choice(synonyms)
            toks[i] = new[0].upper() + new[1:] if t[0].isupper() else new
        elif low not in FUNCTION_WORDS and t in base.vocab:
            words = base.bands[base.vocab[t][0]]
            toks[i] = words[rng.randrange(len(words))]
    return "".join(toks)


def swap_clauses(text: str) -> str:
    """"A, B." → "B, a." when the sentence has two clauses: the reordering a sub-editor does."""
    body, end = (text[:-1], text[-1]) if text[-1:] in ".!?" else (text, "")
    head, sep, tail = body.partition(", ")
    if not sep or len(tail) < 12 or len(head) < 12:
        return text
    first = head.split(" ", 1)[0]
    if first.lower() in FUNCTION_WORDS and first != "I":
        head = head[0].lower() + head[1:]
    return tail[0].upper() + tail[1:] + ", " + head + end


# ----------------------------------------------------------------------------------------------
# documents: paragraphs of segments with provenance

# A segment: (text, kind, source index or -1, source start, source end). kind is "new", "verbatim",
# "rewritten" or "boiler" (boilerplate: neither reused nor new material).
Seg = tuple[str, str, int, int, int]
Sentence = tuple[str, int, int]  # text and its span in the rendered article
View = list[list[Sentence]]  # an article's content paragraphs (boilerplate left out)


@dataclass
class _Doc:
    kind: str  # "original", a hard negative ("same_topic", "same_event") or a reuse type
    title: str
    outlet: str
    time: dt.datetime
    topic: str
    text: str = ""
    view: View = field(default_factory=list)
    placed: list[tuple[int, int, str, int, int, int]] = field(default_factory=list)
    sources: list["_Doc"] = field(default_factory=list)
    target: "_Doc | None" = None  # for same_topic/same_event negatives: the article it shares names (an event) with
    base_index: int = -1  # for originals: the base article they were made from
    boiler: list[str] = field(default_factory=list)  # boilerplate keys (footer, series)
    content_chars: int = 0
    reused_chars: int = 0
    id: str = ""


def render(doc: _Doc, paragraphs: list[list[Seg]]) -> None:
    """Join paragraphs ("\\n\\n") of sentences (" ") into the article text, recording each segment's
    offsets, the content view copies are made from, and the reused share."""
    parts: list[str] = []
    pos = 0
    for para in paragraphs:
        if not para:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        view: list[Sentence] = []
        for k, (text, kind, src, s, e) in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(text)
            start, pos = pos, pos + len(text)
            if kind == "boiler":
                continue
            view.append((text, start, pos))
            doc.content_chars += len(text)
            if src >= 0:
                doc.placed.append((start, pos, kind, src, s, e))
                doc.reused_chars += len(text)
        if view:
            doc.view.append(view)
    doc.text = "".join(parts)


def passages(doc: _Doc, source: int) -> list[dict[str, Any]]:
    """Gold passages between ``doc`` and its ``source``-th source: consecutive segments of one kind
    that are contiguous on both sides are merged into one passage."""
    src_text = doc.sources[source].text
    out: list[list[int | str]] = []
    for start, end, kind, src, s, e in doc.placed:
        if src != source:
            continue
        if out:
            last = out[-1]
            if (last[4] == kind and doc.text[last[1]:start].isspace()  # type: ignore[misc]
                    and s >= last[3] and src_text[last[3]:s].strip() == ""):  # type: ignore[misc]
                last[1], last[3] = end, e
                continue
        out.append([start, end, s, e, kind])
    return [{"a": [a0, a1], "b": [b0, b1], "kind": kind} for a0, a1, b0, b1, kind in out]


def _reused(para: list[Sentence], kind: str = "verbatim", src: int = 0) -> list[Seg]:
    return [(t, kind, src, s, e) for t, s, e in para]


# ----------------------------------------------------------------------------------------------
# the transformations: a source's view → the copy's paragraphs


def copy_exact(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Every paragraph verbatim."""
    return [_reused(p) for p in view]


def copy_noisy(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Every paragraph, with OCR/typo noise in 3–7% of the words."""
    rate = rng.uniform(0.03, 0.07)
    return [[(add_noise(t, rng, rate), "verbatim", 0, s, e) for t, s, e in p] for p in view]


def copy_trimmed(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """The lead kept, the tail cut: the first 35–75% of the paragraphs."""
    keep = min(len(view) - 1, max(2, round(len(view) * rng.uniform(0.35, 0.75)))) if len(view) > 2 else 1
    return [_reused(p) for p in view[:keep]]


def copy_extended(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Every paragraph, plus 1–3 new paragraphs after the lead or at the end."""
    paragraphs = [_reused(p) for p in view]
    for para in ctx.fresh(rng, rng.randint(60, 180)):
        paragraphs.insert(rng.choice((1, len(paragraphs))), para)
    return paragraphs


def copy_partial(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """2–4 consecutive paragraphs of the source inside another, otherwise new, article."""
    host = ctx.fresh(rng, rng.randint(250, 450))
    run = min(rng.randint(2, 4), max(1, len(view) - 1))
    first = rng.randrange(len(view) - run + 1)
    at = rng.randint(1, len(host))
    return host[:at] + [_reused(p) for p in view[first:first + run]] + host[at:]


def _reworded(view: View, rng: random.Random, ctx: "_Context", share: float, rate: float,
              clause_swap: float, drop: float, sentence_swap: float) -> list[list[Seg]]:
    paragraphs = []
    for para in view:
        out: list[Seg] = []
        for t, s, e in para:
            if len(para) > 1 and rng.random() < drop:
                continue
            new = t
            if rng.random() < share:
                new = reword(t, rng, ctx.base, rate)
                if rng.random() < clause_swap:
                    new = swap_clauses(new)
            out.append((new, "verbatim" if new == t else "rewritten", 0, s, e))
        if len(out) > 1 and rng.random() < sentence_swap:
            k = rng.randrange(len(out) - 1)
            out[k], out[k + 1] = out[k + 1], out[k]
        paragraphs.append(out)
    return paragraphs


def copy_light_rewrite(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Half the sentences get a quarter of their words substituted; some sentences swap places."""
    return _reworded(view, rng, ctx, share=0.5, rate=0.25, clause_swap=0.0, drop=0.0, sentence_swap=0.3)


def copy_heavy_rewrite(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Nearly every sentence reworded (half its words), clauses swapped, some sentences dropped."""
    return _reworded(view, rng, ctx, share=0.9, rate=0.5, clause_swap=0.4, drop=0.1, sentence_swap=0.3)


def copy_reordered(view: View, rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """Every paragraph verbatim, the paragraphs after the lead in another order."""
    order = list(range(1, len(view)))
    if len(order) > 1:
        original = order[:]
        while order == original:
            rng.shuffle(order)
    return [_reused(view[0])] + [_reused(view[i]) for i in order]


TRANSFORMS: dict[str, Callable[[View, random.Random, "_Context"], list[list[Seg]]]] = {
    "exact": copy_exact, "noisy": copy_noisy, "trimmed": copy_trimmed, "extended": copy_extended,
    "partial": copy_partial, "light_rewrite": copy_light_rewrite, "heavy_rewrite": copy_heavy_rewrite,
    "reordered": copy_reordered,
}


def copy_multi(views: Sequence[View], rng: random.Random, ctx: "_Context") -> list[list[Seg]]:
    """A new lead paragraph, then a run of 2–3 paragraphs from each of two or three sources."""
    paragraphs = ctx.fresh(rng, rng.randint(30, 70))[:1]
    for k, view in enumerate(views):
        run = min(rng.randint(2, 3), len(view))
        first = rng.randrange(len(view) - run + 1)
        paragraphs += [_reused(p, src=k) for p in view[first:first + run]]
    return paragraphs


# ----------------------------------------------------------------------------------------------
# stories and blocks


@dataclass
class _Context:
    """State that outlives a block: the base, the story counter, boilerplate bookkeeping."""

    base: Base
    order: list[int]
    stories: int = 0
    n_series: int = 1
    last_with: dict[str, tuple[str, int]] = field(default_factory=dict)  # boiler key → (id, block)
    uses: dict[int, tuple[list[int], int]] = field(default_factory=dict)  # base article → (offsets, ciphers made)

    def cipher(self, article: int, rng: random.Random, names: Sequence[str] = ()) -> Cipher:
        """The next re-lexicalisation of base article ``article``: a shift cipher whose shifts differ
        from those of every earlier use of the article (the k-th use shifts band b by
        ``1 + (offset_b + k·P) mod (len(b) - 1)``, P a prime above every band size), and are never 0.
        With random ciphers, two of the dozens of stories made from one base article shared its
        function-word skeleton plus chance content-word collisions: text that reads as a rewrite of
        the other, yet was labelled unrelated (1,189 such pairs at N = 100,000)."""
        bands = self.base.bands[: self.base.classes_from]
        if article not in self.uses:
            self.uses[article] = ([rng.randrange(max(1, len(b) - 1)) for b in bands], 0)
        offsets, made = self.uses[article]
        self.uses[article] = (offsets, made + 1)
        shifts = [1 + (o + made * _SHIFT_PRIME) % (len(b) - 1) if len(b) > 1 else 0 for o, b in zip(offsets, bands)]
        return Cipher(self.base, rng, names, shifts)

    def fresh(self, rng: random.Random, words: int, topic: str | None = None) -> list[list[Seg]]:
        """About ``words`` words of new text: paragraphs of random base articles, re-lexicalised with a
        key of their own (so they share no content run with anything else in the corpus)."""
        pool = self.base.by_topic.get(topic or "", None) or range(len(self.base.articles))
        out: list[list[Seg]] = []
        total = 0
        while total < words:
            pick = rng.choice(pool)
            art = self.base.articles[pick]
            cipher = self.cipher(pick, rng)
            first = rng.randrange(max(1, len(art.paragraphs) - 1))
            for para, para_words in zip(art.paragraphs[first:], art.paragraph_words[first:]):
                out.append([(cipher.apply(s), "new", -1, 0, 0) for s in para])
                total += para_words
                if total >= words:
                    break
        return out


def _outlet_footer(outlet: str) -> str | None:
    if outlet in WIRES:
        return None
    return FOOTERS[OUTLETS.index(outlet) % len(FOOTERS)]


def _finish(doc: _Doc, paragraphs: list[list[Seg]], rng: random.Random, ctx: _Context, credit: str | None = None,
            series: int | None = None) -> _Doc:
    """Append credit line, series tagline and outlet footer (boilerplate), then render."""
    if credit:
        paragraphs.append([(credit, "boiler", -1, 0, 0)])
    if series is not None:
        text = SERIES_TAGLINE.format(series=f"“{SERIES_NAMES[series % len(SERIES_NAMES)]}”",
                                     sponsor=SPONSORS[series % len(SPONSORS)] if series < len(SPONSORS)
                                     else f"{SPONSORS[series % len(SPONSORS)]} ({series // len(SPONSORS)})")
        paragraphs.append([(text, "boiler", -1, 0, 0)])
        doc.boiler.append(f"series:{series}")
    footer = _outlet_footer(doc.outlet)
    if footer:
        paragraphs.append([(footer, "boiler", -1, 0, 0)])
        doc.boiler.append(f"footer:{doc.outlet}")
    render(doc, paragraphs)
    return doc


def _original(ctx: _Context, rng: random.Random) -> _Doc:
    """A story's first article: a base article (its real text on first use, re-lexicalised after),
    padded with new text to a news-like length drawn around 500 words."""
    serial = ctx.stories
    ctx.stories += 1
    pick = ctx.order[serial % len(ctx.order)]
    art = ctx.base.articles[pick]
    cipher = None if serial < len(ctx.order) else ctx.cipher(pick, rng)
    show = cipher.apply if cipher else _plain
    paragraphs: list[list[Seg]] = [[(show(s), "new", -1, 0, 0) for s in para] for para in art.paragraphs]
    target = min(1400, max(200, int(rng.lognormvariate(math.log(480), 0.35))))
    if art.words < target - 40:
        paragraphs += ctx.fresh(rng, target - art.words, art.topic)
    outlet = rng.choice(WIRES) if rng.random() < _STORY_MIX["wire"] else rng.choice(OUTLETS)
    when = _START + dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    doc = _Doc("original", show(art.title), outlet, when, art.topic, base_index=ctx.order[serial % len(ctx.order)])
    series = rng.randrange(ctx.n_series) if rng.random() < _STORY_MIX["series"] else None
    return _finish(doc, paragraphs, rng, ctx, series=series)


def _copy_outlet(rng: random.Random, sources: Sequence[_Doc]) -> str:
    taken = {s.outlet for s in sources}
    return rng.choice([o for o in OUTLETS if o not in taken])


def _copy(kind: str, source: _Doc, rng: random.Random, ctx: _Context) -> _Doc:
    paragraphs = TRANSFORMS[kind](source.view, rng, ctx)
    if kind == "partial":
        title = Cipher(ctx.base, rng).apply(_sentence(source.title, ctx.base.vocab))
    elif kind.endswith("_rewrite"):
        title = reword(source.title, rng, ctx.base, 0.4)
    else:
        title = source.title
    when = source.time + dt.timedelta(minutes=rng.randint(10, 72 * 60))
    doc = _Doc(kind, title, _copy_outlet(rng, [source]), when, source.topic, sources=[source])
    credit = (rng.choice(CREDITS).format(wire=source.outlet)
              if source.outlet in WIRES and rng.random() < _STORY_MIX["credit"] else None)
    return _finish(doc, paragraphs, rng, ctx, credit=credit)


def _multi(sources: list[_Doc], rng: random.Random, ctx: _Context) -> _Doc:
    paragraphs = copy_multi([s.view for s in sources], rng, ctx)
    when = max(s.time for s in sources) + dt.timedelta(minutes=rng.randint(10, 72 * 60))
    title = Cipher(ctx.base, rng).apply(_sentence(sources[0].title, ctx.base.vocab))
    doc = _Doc(MULTI, title, _copy_outlet(rng, sources), when, sources[0].topic, sources=list(sources))
    return _finish(doc, paragraphs, rng, ctx)


def _names(doc: _Doc) -> list[str]:
    """Capitalised content words of an article that are not sentence-initial: its named entities."""
    names = []
    for para in doc.view:
        for text, _, _ in para:
            toks = [t for t in tokens(text) if t[0].isalpha()]
            names += [t for t in toks[1:] if t[0].isupper() and t.lower() not in FUNCTION_WORDS]
    return sorted(set(names))


def _same_topic(target: _Doc, rng: random.Random, ctx: _Context) -> _Doc:
    """A hard negative: another article of the target's topic, re-lexicalised so that its names are
    the target's names — shared entities, no shared text."""
    names = _names(target) or ["Smith"]
    pool = ctx.base.by_topic.get(target.topic) or range(len(ctx.base.articles))
    pick = rng.choice(pool)
    art = ctx.base.articles[pick]
    cipher = ctx.cipher(pick, rng, names)
    paragraphs: list[list[Seg]] = [[(cipher.apply(s), "new", -1, 0, 0) for s in para] for para in art.paragraphs]
    when = target.time + dt.timedelta(minutes=rng.randint(-48 * 60, 48 * 60))
    doc = _Doc("same_topic", cipher.apply(art.title), rng.choice(OUTLETS), when, target.topic, target=target)
    return _finish(doc, paragraphs, rng, ctx)


_EVENT_WORD_SHARE = 0.3
"""Share of an independent account's ordinary content words drawn from the event's own words (the
target's content words, as often as the target uses them). METER's non-derived newspaper articles
that share at most two word 5-grams with their PA story (62; same court case, own words) have a
median of 45% of their content-word tokens in the PA story's vocabulary; 0.3, with the names and the
words the cipher hits by chance, gives generated accounts about that (docs/evaluation.md)."""
_EVENT_TRIES = 8  # sentences (then whole articles) redrawn when they share a 5-gram with the target
_RUN = 5


def _word_runs(text: str, k: int = _RUN) -> set[tuple[str, ...]]:
    """Lower-cased word k-grams of a text (the "no shared text" check of same-event accounts)."""
    words = re.findall(r"\w+", text.lower())
    return set(zip(*(words[i:] for i in range(k))))


@dataclass
class _Event:
    """The facts of a story as an independent reporter would have them: its named entities (most
    mentioned first, with counts), numbers, and the content words it is told in."""

    names: list[str]
    numbers: list[str]
    words: list[str]  # content-word tokens of the target, repeats kept (drawn by frequency)
    sentences: list[tuple[list[str], list[str]]]  # per target sentence: its names and numbers, in order


def _event(target: _Doc) -> _Event:
    counts: Counter[str] = Counter()
    numbers: list[str] = []
    words: list[str] = []
    sentences = []
    for para in target.view:
        for text, _, _ in para:
            toks = [t for t in tokens(text) if t[0].isalnum()]
            alpha = [t for t in toks if t[0].isalpha()]
            names = [t for t in alpha[1:] if t[0].isupper() and t.lower() not in FUNCTION_WORDS]
            nums = [t for t in toks if t[0].isdigit()]
            counts.update(names)
            numbers += nums
            words += [t for t in alpha if t[0].islower() and t not in FUNCTION_WORDS and len(t) > 2]
            if names or nums:
                sentences.append((names, nums))
    ranked = [n for n, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    return _Event(ranked or ["Smith"], numbers, words, sentences)


def _restate(sentence: BaseSentence, cipher: Cipher, event: _Event, rng: random.Random,
             names: Sequence[str], numbers: Sequence[str]) -> str:
    """A sentence of another article told about the event: its capitalised slots take ``names``
    (in order, then the event's most mentioned names), its numbers ``numbers`` (then the event's),
    about ``_EVENT_WORD_SHARE`` of its other content words come from the event's words, the rest
    and the function-word classes are re-lexicalised by ``cipher``."""
    out = list(sentence.toks)
    name_at = number_at = 0
    for k, band, i in sentence.slots:
        tok = out[k]
        if band < 0:
            pool = numbers if number_at < len(numbers) else event.numbers
            out[k] = (pool[number_at % len(pool)] if pool is numbers else rng.choice(pool)) if pool else cipher.word(tok, band, i)
            number_at += 1
        elif band in cipher.capitals and (k > 0 or name_at < len(names)):
            if name_at < len(names):
                out[k] = names[name_at]
            else:  # the story's main actors come up most often
                out[k] = event.names[min(int(rng.expovariate(0.5)), len(event.names) - 1)]
            name_at += 1
        elif tok.lower() not in FUNCTION_WORDS and event.words and rng.random() < _EVENT_WORD_SHARE:
            word = rng.choice(event.words)
            out[k] = word[0].upper() + word[1:] if tok[0].isupper() else word
        else:
            out[k] = cipher.word(tok, band, i)
    return "".join(out)


def _same_event(target: _Doc, rng: random.Random, ctx: _Context) -> _Doc | None:
    """A hard negative of relation ``same_story``: an independent account of the target's event.

    It tells the event's facts — the target's names (most mentioned most often), numbers and content
    words, and for each of the target's fact sentences its names and numbers together in one sentence
    — in sentences taken from two to four *other* articles of the topic, in another order. No sentence
    of it is made from a sentence of the target, and it shares no word 5-gram with the target
    (sentences that do are redrawn; an article that still does is not made: ``None``)."""
    base = ctx.base
    pool = [i for i in base.by_topic.get(target.topic, range(len(base.articles))) if i != target.base_index]
    if not pool:
        return None
    event = _event(target)
    forbidden = _word_runs(target.text)
    hosts = [base.articles[i] for i in rng.sample(pool, min(len(pool), rng.randint(2, 4)))]
    cipher = Cipher(base, rng)
    sentences = [s for art in hosts for para in art.paragraphs for s in para if s.words >= 6]
    rng.shuffle(sentences)
    facts = event.sentences[:]
    rng.shuffle(facts)  # the facts in another order than the target tells them
    goal = max(120, int(sum(len(t.split()) for para in target.view for t, _, _ in para) * rng.uniform(0.5, 0.9)))
    told: list[str] = []
    words = 0
    for names, numbers in facts + [([], [])] * len(sentences):
        if words >= goal or not sentences:
            break
        for _ in range(_EVENT_TRIES):
            if not sentences:
                break
            host = sentences.pop()
            text = _restate(host, cipher, event, rng, names, numbers)
            if not _word_runs(text) & forbidden:
                told.append(text)
                words += len(text.split())
                break
    if words < 60:
        return None
    title = ""
    for _ in range(_EVENT_TRIES):
        art = base.articles[rng.choice(pool)]
        title = _restate(art.title, cipher, event, rng, event.names[:2], [])
        if not _word_runs(title) & forbidden:
            break
    paragraphs: list[list[Seg]] = []
    at = 0
    while at < len(told):
        take = rng.randint(1, 3)
        paragraphs.append([(t, "new", -1, 0, 0) for t in told[at:at + take]])
        at += take
    when = target.time + dt.timedelta(minutes=rng.randint(-24 * 60, 24 * 60))
    footer = _outlet_footer(target.outlet)
    outlet = rng.choice([o for o in OUTLETS if o != target.outlet and (footer is None or _outlet_footer(o) != footer)])
    doc = _finish(_Doc("same_event", title, outlet, when, target.topic, target=target), paragraphs, rng, ctx)
    return None if _word_runs(doc.text) & forbidden or _word_runs(title) & forbidden else doc


def _block(ctx: _Context, rng: random.Random, budget: int, event_rng: random.Random | None = None) -> list[_Doc]:
    """Stories (an original, its copies, maybe a same-topic and a same-event negative and a
    multi-source article). Same-event accounts draw from ``event_rng``, a stream of their own, so
    adding them left every other draw of the block as it was (only the room left in the block changes).
    until ``budget`` articles are made."""
    docs: list[_Doc] = []
    originals: list[_Doc] = []
    values, weights = zip(*COPY_WEIGHTS.items())
    while len(docs) < budget:
        original = _original(ctx, rng)
        docs.append(original)
        originals.append(original)
        if len(docs) < budget and rng.random() < _STORY_MIX["same_topic"]:
            docs.append(_same_topic(original, rng, ctx))
        event_rng = event_rng or rng
        if len(docs) < budget and event_rng.random() < _STORY_MIX["same_event"]:
            account = _same_event(original, event_rng, ctx)
            if account is not None:
                docs.append(account)
        for _ in range(rng.choices(*_COPIES_PER_STORY)[0]):
            if len(docs) >= budget:
                break
            docs.append(_copy(rng.choices(values, weights)[0], original, rng, ctx))
        if len(docs) < budget and len(originals) >= 2 and rng.random() < _STORY_MIX["multi_source"]:
            docs.append(_multi(rng.sample(originals, min(len(originals), rng.choice((2, 2, 3)))), rng, ctx))
    return docs


# ----------------------------------------------------------------------------------------------
# gold records


def _components(docs: list[_Doc]) -> list[list[_Doc]]:
    """Connected components of the reuse edges (copy → source) within a block, in block order."""
    parent = list(range(len(docs)))
    index = {id(d): k for k, d in enumerate(docs)}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, d in enumerate(docs):
        for s in d.sources:
            parent[find(k)] = find(index[id(s)])
    groups: dict[int, list[_Doc]] = {}
    for k, d in enumerate(docs):
        groups.setdefault(find(k), []).append(d)
    return list(groups.values())


def gold_pairs(doc: _Doc) -> Iterator[dict[str, Any]]:
    """The gold pairs of one generated copy: ``a`` the copy, ``b`` (and ``source``) the source."""
    for k, src in enumerate(doc.sources):
        yield {"a": doc.id, "b": src.id, "label": RELATION_OF[doc.kind], "degree": DEGREE_OF[doc.kind],
               "type": doc.kind, "source": src.id, "passages": passages(doc, k)}
    if doc.target is not None:
        yield {"a": doc.id, "b": doc.target.id, "label": NEGATIVE_RELATION[doc.kind], "degree": "", "type": doc.kind,
               "source": None, "passages": []}


def article_record(doc: _Doc, cluster: str) -> dict[str, Any]:
    """Gold line of ``gold/articles.jsonl``: type, cluster, METER degree, sources and reused share."""
    share = doc.reused_chars / doc.content_chars if doc.content_chars else 0.0
    degree = DEGREE_OF.get(doc.kind, "none")
    return {"id": doc.id, "type": doc.kind, "cluster": cluster, "degree": degree,
            "sources": [s.id for s in doc.sources], "reused_share": round(share, 4), "outlet": doc.outlet,
            "boilerplate": doc.boiler}


# ----------------------------------------------------------------------------------------------
# the corpus


@dataclass
class GenerateSummary:
    """What ``generate_corpus`` wrote, with counts and speed; also saved as ``OUT/summary.json``."""

    out: str
    n: int
    seed: int
    base: dict[str, Any]
    types: dict[str, int]
    pairs: dict[str, int]
    clusters: int
    words_mean: float
    seconds: float
    base_seconds: float
    articles_per_s: float  # after the base is loaded
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Writers:
    """The output files, opened together and closed together."""

    def __init__(self, out: Path) -> None:
        (out / "gold").mkdir(parents=True, exist_ok=True)
        self.articles = (out / "articles.jsonl").open("w", encoding="utf-8")
        self.pairs = (out / "gold" / "pairs.jsonl").open("w", encoding="utf-8")
        self.csv = (out / "gold" / "pairs.csv").open("w", encoding="utf-8", newline="")
        self.clusters = (out / "gold" / "clusters.jsonl").open("w", encoding="utf-8")
        self.gold_articles = (out / "gold" / "articles.jsonl").open("w", encoding="utf-8")
        self.csv.write("a,b,label,degree,type\n")

    def close(self) -> None:
        for fh in (self.articles, self.pairs, self.csv, self.clusters, self.gold_articles):
            fh.close()


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _write_block(docs: list[_Doc], w: _Writers, ctx: _Context, rng: random.Random, block: int,
                 counts: dict[str, Counter[str]]) -> int:
    """Write one block's articles and gold; returns its word count."""
    words = 0
    for doc in docs:
        w.articles.write(_dump({"id": doc.id, "title": doc.title, "text": doc.text,
                                "date": doc.time.isoformat(timespec="seconds"), "outlet": doc.outlet}))
        words += len(doc.text.split())
        counts["types"][doc.kind] += 1
    for component in _components(docs):
        cluster = f"c{component[0].id}"
        w.clusters.write(_dump({"cluster": cluster, "members": sorted(d.id for d in component)}))
        counts["clusters"]["n"] += 1
        for doc in component:
            w.gold_articles.write(_dump(article_record(doc, cluster)))
            for pair in gold_pairs(doc):
                _write_pair(pair, w, counts)
            for key in doc.boiler:  # a boilerplate-only pair with an earlier, unrelated article
                earlier = ctx.last_with.get(key)
                if earlier and (earlier[1] != block or earlier[0] not in {d.id for d in component}) \
                        and (key.startswith("series:") or rng.random() < _STORY_MIX["boilerplate_pair"]):
                    _write_pair({"a": doc.id, "b": earlier[0], "label": "unrelated", "degree": "",
                                 "type": "boilerplate", "source": None, "passages": []}, w, counts)
                ctx.last_with[key] = (doc.id, block)
    return words


def _write_pair(pair: dict[str, Any], w: _Writers, counts: dict[str, Counter[str]]) -> None:
    w.pairs.write(_dump(pair))
    w.csv.write(f"{pair['a']},{pair['b']},{pair['label']},{pair['degree']},{pair['type']}\n")
    counts["pairs"][pair["type"]] += 1


def generate_corpus(base: str | Path, n: int, seed: int, out: str | Path,
                    progress: Callable[[int, int], None] | None = None) -> GenerateSummary:
    """Write a labelled corpus of ``n`` articles derived from the real articles in ``base`` into
    ``out`` (``articles.jsonl`` + ``gold/``), deterministically for ``seed``, streaming to disk."""
    if n < 1:
        raise UsageError(f"--n must be at least 1 (got {n})")
    t0 = time.perf_counter()
    corpus = load_base(base)
    base_seconds = time.perf_counter() - t0
    out = Path(out)
    order = list(range(len(corpus.articles)))
    random.Random(f"wiretrace-bench:{seed}:order").shuffle(order)
    ctx = _Context(corpus, order, n_series=max(1, n // 800))
    counts: dict[str, Counter[str]] = {"types": Counter(), "pairs": Counter(), "clusters": Counter()}
    writers = _Writers(out)
    made = words = 0
    try:
        block = 0
        while made < n:
            rng = random.Random(f"wiretrace-bench:{seed}:{block}")
            docs = _block(ctx, rng, min(BLOCK, n - made), random.Random(f"wiretrace-bench:{seed}:{block}:event"))
            rng.shuffle(docs)
            for k, doc in enumerate(docs):
                doc.id = f"s{seed}-{made + k:08d}"
            words += _write_block(docs, writers, ctx, rng, block, counts)
            made += len(docs)
            block += 1
            if progress:
                progress(made, n)
    finally:
        writers.close()
    seconds = time.perf_counter() - t0
    generation = max(seconds - base_seconds, 1e-9)
    summary = GenerateSummary(
        out=str(out), n=made, seed=seed,
        base={"path": corpus.path, "articles": len(corpus.articles), "sha256": corpus.digest,
              "duplicates_dropped": corpus.duplicates_dropped},
        types=dict(sorted(counts["types"].items())), pairs=dict(sorted(counts["pairs"].items())),
        clusters=counts["clusters"]["n"], words_mean=round(words / made, 1), seconds=round(seconds, 2),
        base_seconds=round(base_seconds, 2), articles_per_s=round(made / generation, 1))
    (out / "summary.json").write_text(json.dumps(summary.to_json(), indent=1) + "\n", encoding="utf-8")
    return summary
