"""Tokens with character offsets, and news boilerplate tagged in place.

Normalisation never edits the text: each token keeps the offsets of the characters it came from,
so every span wiretrace reports points into the article exactly as published. Boilerplate (photo
captions, credit lines, datelines, bylines, scraped metadata, newsletter footers) is tagged as spans
and excluded from matching, not deleted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

import numpy as np
import regex

from .model import Article, Document, Span, Tokens
from .settings import DEFAULT, Settings

# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar,
# Tibetan): each character, with its combining marks, is one token, so word n-grams over them are
# character n-grams. Offsets stay exact because a token is always one contiguous slice of the text.
_NO_SPACE_SCRIPTS = (r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
                     r"\u30fc\u3005\u3006\uff66-\uff9f")
# A word: a letter or digit, then letters, digits, combining marks (Arabic harakat, Hebrew niqqud,
# Indic vowel signs, decomposed accents) and zero-width (non-)joiners; '_' and apostrophes split words.
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}\u200c\u200d]*")
_HAS_NO_SPACE = regex.compile(rf"[{_NO_SPACE_SCRIPTS}]")
_ALL_NO_SPACE = regex.compile(rf"[{_NO_SPACE_SCRIPTS}--\p{{M}}]+", regex.V1)
# Inside a word that holds such characters: each one alone, or a run of other letters/digits.
_SPLIT_NO_SPACE = regex.compile(
    rf"[{_NO_SPACE_SCRIPTS}]\p{{M}}*|[^{_NO_SPACE_SCRIPTS}\p{{M}}\u200c\u200d][^{_NO_SPACE_SCRIPTS}]*"
)
# A sentence ends at . ! ? (optionally closed by a quote or bracket) before a capital/quote/digit;
# at . ! ? ؟ ۔ before a word in a script without case (Arabic, Hebrew, Persian, Urdu); after the
# full-width 。！？ (no space needed); or at any line break.
_SENTENCE_END = regex.compile(
    r"[.!?][\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])"
    r"|[.!?\u061f\u06d4][\"'”’)\]»]?\s+(?=[\"'“‘(\[«]?[\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}])"
    r"|[。！？][」』”’）)]*\s*"
    r"|\n+"
)
# Characters that change a word's look but not its identity: Arabic tatweel (kashida) and the
# zero-width joiners; removed when words are compared.
_INVISIBLE = str.maketrans("", "", "\u0640\u200c\u200d")
# Combining marks below U+0800 are diacritics of Latin, Greek, Cyrillic, Hebrew, Arabic and Syriac
# script and are dropped for matching; marks above (kana voicing, Indic and Thai signs) are kept.
_DIACRITICS_END = "\u0800"
_PARAGRAPH_END = re.compile(r"\n+")

_AGENCY_PHOTO = r"(?:AP|AFP|Reuters|PA|EPA|dpa|ANSA|Xinhua|Kyodo|UPI|EFE)"
_DASH = r"[-–—]"

# A dateline opens a paragraph (or follows a scraped date prefix): "CAIRO –", "HARBOR CITY, Md. (AP) —",
# "LONDON, March 14 (Reuters) -", "PORT ELLERY, Maine, March 10, 2025 —".
_DATELINE = (
    rf"[^\S\n]*[A-Z][A-Z.'’ -]{{1,40}}(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)*){{0,2}}"
    rf"(?:,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{{1,2}}(?:, \d{{4}})?)?"
    rf"(?: \((?:AP|Reuters|AFP|PA|dpa|UPI|EFE|ANSA|Xinhua|Kyodo|[A-Z]{{2,6}})\))?[^\S\n]*{_DASH}{{1,2}}(?=\s)")
_DATELINE_ANYWHERE = re.compile(rf"(?:^|(?<=\d{{4}}-\d{{2}}-\d{{2}} )){_DATELINE}", re.M)
# The same for a text without a scraped date prefix, where the look-behind never holds: 5x faster.
_DATELINE_AT_LINE_START = re.compile(rf"^{_DATELINE}", re.M)
_DATE_PREFIX = re.compile(r"-\d\d-\d\d ")
# How a dateline line opens, after a line break (a literal first: a fast scan) or at the text's start.
_DATELINE_OPENING = re.compile(r"\n[^\S\n]*[A-Z][A-Z.'’ -]")
_DATELINE_OPENING_AT_START = re.compile(r"[^\S\n]*[A-Z][A-Z.'’ -]")  # part of every date prefix; a literal first, so a fast scan

# Each pattern tags one kind of boilerplate; all are searched line by line (re.M). The third item is
# a gate, a cheap necessary condition of a match (strings one of which it holds, perhaps at a line
# start; a regex with a literal first, whose match it contains; a run of rule characters): a text
# failing the gate is not searched, which cuts the cost of tagging by more than half. For a
# case-insensitive pattern the strings are lower case and sought in the text with its ASCII letters
# lowered, unless it holds one of the four non-ASCII letters that re.I matches with an ASCII one
# (_CASE_ALIKE: 'ſ' matches 's'); then the gate always holds.
_CASE_ALIKE = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K


@dataclass(frozen=True)
class _Needles:
    """A match holds one of ``strings`` (lower case and sought in the ASCII-lowered UTF-8 text when
    ``folded``); with ``at_line_start``, one that opens a line after spaces only (the pattern starts
    with ``^[^\\S\\n]*``). No strings: always holds."""

    strings: tuple[str, ...]
    folded: bool = False
    at_line_start: bool = False

    @cached_property
    def encoded(self) -> tuple[bytes, ...]:
        return tuple(n.encode() for n in self.strings)

    def holds(self, text: str, raw: bytes, folded: bytes | None) -> bool:
        if not self.strings:
            return True
        if self.folded:
            return folded is None or _found(folded, self.encoded, self.at_line_start)
        return _found(text, self.strings, self.at_line_start)


def _found(haystack: str | bytes, needles: tuple, at_line_start: bool) -> bool:
    """Whether a needle occurs in the haystack (with ``at_line_start``: preceded on its line by
    whitespace only, as ``^[^\\S\\n]*`` in re.M requires; str.isspace is sre's \\s)."""
    if not at_line_start:
        return any(n in haystack for n in needles)
    newline = b"\n" if isinstance(haystack, bytes) else "\n"
    for needle in needles:
        k = haystack.find(needle)
        while k >= 0:
            line = haystack.rfind(newline, 0, k) + 1
            before = haystack[line:k]
            if not before or (before.decode("utf-8", "surrogatepass") if isinstance(before, bytes)
                              else before).isspace():
                return True
            k = haystack.find(needle, k + 1)
    return False


@dataclass(frozen=True)
class _Contains:
    """A match contains a match of ``regex`` (one starting with a literal: a fast scan)."""

    regex: re.Pattern[str]

    def holds(self, text: str, raw: bytes, folded: bytes | None) -> bool:
        return self.regex.search(text) is not None


@dataclass(frozen=True)
class _Run:
    """A match holds ``length`` consecutive characters among the ASCII ``chars``."""

    chars: str
    length: int

    @cached_property
    def table(self) -> bytes:
        return bytes.maketrans(self.chars.encode(), self.chars[0].encode() * len(self.chars))

    def holds(self, text: str, raw: bytes, folded: bytes | None) -> bool:
        return self.chars[0].encode() * self.length in raw.translate(self.table)


_Gate = _Needles | _Contains | _Run
_ALWAYS = _Needles(())

_BOILERPLATE_PATTERNS: list[tuple[str, re.Pattern[str], _Gate]] = [
    # Scraped metadata prefix: " date 2021-05-27 " at the very start of a file.
    ("metadata", re.compile(r"\A\s*date\s+\d{4}-\d{2}-\d{2}\b"), _ALWAYS),
    # "FILE - In this May 12, 2021 file photo, ... (AP Photo/Majdi Mohammed, File)"
    ("caption", re.compile(
        rf"\bFILE\s*{_DASH}[^\n]*?\((?:{_AGENCY_PHOTO}) Photos?/[^)\n]*\)", re.M), _Needles(("FILE",))),
    ("caption", re.compile(
        rf"\bIn this (?:\w+ \d{{1,2}}, \d{{4}},? )?(?:file )?photo\b[^\n]*?\((?:{_AGENCY_PHOTO}) Photos?/[^)\n]*\)",
        re.M), _Needles(("In this ",))),
    # A caption line ending in a photo credit ("Said Khatib/AFP via Getty Images"), with the short
    # headline line that often sits right above it.
    ("caption", re.compile(
        r"^(?:[^\n.!?]{1,90}\n)?[^\n]*\b[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*/(?:[A-Z][\w&-]*(?: [A-Z][\w&-]*)* via )?"
        r"(?:Getty Images|AFP|AP|Reuters|Bloomberg|EPA|Shutterstock|Alamy)[^\n]{0,40}$", re.M),
     _Contains(re.compile(
         r"/(?:[A-Z][\w&-]*(?: [A-Z][\w&-]*)* via )?(?:Getty Images|AFP|AP|Reuters|Bloomberg|EPA|Shutterstock|Alamy)"))),
    ("caption", re.compile(rf"\((?:{_AGENCY_PHOTO}) Photos?/[^)\n]*\)"), _Needles((" Photo",))),
    # Credit and rights lines.
    ("credit", re.compile(r"^[^\S\n]*For more (?:reporting|coverage|news) (?:from|by) [^\n]{3,80}$", re.M | re.I),
     _Needles(("for more ",), folded=True, at_line_start=True)),
    ("credit", re.compile(r"^[^\S\n]*(?:Copyright|©)[^\n]{0,120}$", re.M), _Needles(("Copyright", "©"), at_line_start=True)),
    ("credit", re.compile(r"^[^\S\n]*All rights reserved\.?[^\n]{0,60}$", re.M | re.I),
     _Needles(("all rights reserved",), folded=True, at_line_start=True)),
    ("credit", re.compile(
        r"^[^\S\n]*This material may not be published, broadcast, rewritten,? or redistributed\.?[^\n]*$", re.M),
     _Needles(("This material may not be published",), at_line_start=True)),
    ("credit", re.compile(
        r"^[^\S\n]*\(?(?:Additional )?(?:Reporting|Writing|Editing) by [^\n]{2,200}$", re.M | re.I), _Needles(("ing by ",), folded=True)),
    ("credit", re.compile(r"^[^\n]{0,200}\bcontributed (?:to )?this report\.?[^\S\n]*$", re.M), _Needles(("contributed ",))),
    # Newsletter and promotion footers.
    ("footer", re.compile(
        r"^[^\S\n]*(?:Sign up for|Subscribe to|Follow us on|Click here to|Read more:|Related:|"
        r"This (?:article|story) (?:originally|first) (?:appeared|was published))[^\n]*$", re.M | re.I),
     _Needles(("sign up for", "subscribe to", "follow us on", "click here to", "read more:", "related:",
               "this article originally", "this article first", "this story originally", "this story first"),
              folded=True, at_line_start=True)),
    # Bylines on a line of their own: "By JOHN SMITH Associated Press".
    ("byline", re.compile(r"^[^\S\n]*By [A-Z][\w.'’-]+(?:,? [A-Z][\w.'’-]+){0,5}[^\S\n]*$", re.M), _Needles(("By ",), at_line_start=True)),
    ("dateline", _DATELINE_ANYWHERE, _Needles(("-", "–", "—"))),
    # Wire-service slug lines ("12:45 27/01/00: Page 2 (HHH) COURTS Pinochet") and rules of dashes.
    ("wire_header", re.compile(r"^[^\S\n]*\d{1,2}:\d{2} \d{1,2}/\d{1,2}/\d{2,4}:[^\n]*$", re.M),
     _Contains(re.compile(r":\d{2} \d{1,2}/\d{1,2}/\d{2,4}:"))),
    ("wire_header", re.compile(r"^[^\S\n]*[-=_*]{8,}[^\S\n]*$", re.M), _Run("-=_*", 8)),
]

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own s said
    same say says she should so some such t than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves mr mrs ms although among another around either
    even ever every however least less many may might much must neither one per rather since though two
    upon us via whether whose within without yet""".split()
)


@lru_cache(maxsize=1 << 18)
def normalize_word(raw: str) -> str:
    """Case-fold and strip diacritics, so 'Côte' and 'cote' match; cached: news repeats its words.

    Compatibility forms are unified (full-width 'Ｗ' → 'w', Arabic presentation forms → letters);
    accents, Arabic harakat, Hebrew niqqud and tatweel are dropped, but marks that are letters'
    identity elsewhere (kana voicing, Indic and Thai signs) are kept; non-ASCII digits become ASCII.
    """
    folded = raw.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded.translate(_INVISIBLE))
    kept = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
                   for ch in decomposed if not (ch < _DIACRITICS_END and unicodedata.combining(ch)))
    return kept if kept.isascii() else unicodedata.normalize("NFC", kept)


def stem(word: str) -> str:
    """Truncation stemmer (first five letters): crude, language-light, and good at matching
    'talks'/'talk', 'Egypt'/'Egyptian' in rewrites."""
    return word[:5]


def tag_boilerplate(text: str) -> list[Span]:
    """Find boilerplate spans (captions, credits, datelines, bylines, footers), merged and sorted."""
    spans: list[Span] = []
    raw = text.encode("utf-8", "surrogatepass")
    folded = raw.lower() if text.isascii() or not any(ch in text for ch in _CASE_ALIKE) else None
    for kind, pattern, gate in _BOILERPLATE_PATTERNS:
        if not gate.holds(text, raw, folded):
            continue
        matches = _dateline_matches(text) if pattern is _DATELINE_ANYWHERE else pattern.finditer(text)
        for m in matches:
            if m.end() > m.start():
                spans.append(Span(m.start(), m.end(), kind))
    return _merge_spans(spans)


def _dateline_matches(text: str) -> Iterator[re.Match[str]]:
    """``_DATELINE_ANYWHERE.finditer(text)``. Without a scraped date prefix a dateline opens a line,
    so the pattern is tried only at the line starts where its first two letters stand (found by a
    fast scan): the same matches, as no two overlap and none is empty."""
    if _DATE_PREFIX.search(text):
        yield from _DATELINE_ANYWHERE.finditer(text)
        return
    starts = [m.start() + 1 for m in _DATELINE_OPENING.finditer(text)]
    if _DATELINE_OPENING_AT_START.match(text):
        starts.insert(0, 0)
    end = 0
    for start in starts:
        if start >= end:
            m = _DATELINE_AT_LINE_START.match(text, start)
            if m:
                end = m.end()
                yield m


def tag_boilerplate_reference(text: str) -> list[Span]:
    """Reference ``tag_boilerplate``: every pattern searched, no gate; both must give the same spans."""
    return _merge_spans([Span(m.start(), m.end(), kind) for kind, pattern, _ in _BOILERPLATE_PATTERNS
                         for m in pattern.finditer(text) if m.end() > m.start()])


def _merge_spans(spans: list[Span]) -> list[Span]:
    """Merge overlapping spans (the earlier span's kind wins)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.kind)
        else:
            merged.append(span)
    return merged


def tokenize_reference(text: str, boilerplate: list[Span] | None = None, limit: int | None = None) -> Tokens:
    """Reference tokenizer: one regex match per word; ``tokenize`` must give the same tokens."""
    body = text if limit is None else text[:limit]
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(body):
        raw = m.group()
        if raw.isascii():
            words.append(normalize_word(raw))
            starts.append(m.start())
            ends.append(m.end())
            continue
        if _ALL_NO_SPACE.fullmatch(raw):  # a run of Chinese/Japanese characters: one token each
            base = m.start()
            words.extend(map(normalize_word, raw))
            starts.extend(range(base, base + len(raw)))
            ends.extend(range(base + 1, base + len(raw) + 1))
            continue
        parts = _SPLIT_NO_SPACE.finditer(raw) if _HAS_NO_SPACE.search(raw) else (m,)
        for part in parts:  # 北京2021年 → 北 京 2021 年
            word = normalize_word(part.group())
            if word:  # a lone tatweel or joiner is no word
                offset = m.start() if part is not m else 0
                words.append(word)
                starts.append(offset + part.start())
                ends.append(offset + part.end())
    return _tokens(body, words, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                   boilerplate)


# Per character: may it start a word (a letter or digit), or only continue one (a combining mark or
# zero-width joiner), or does it need the reference tokenizer (a script written without spaces)?
_WORD_START, _WORD_CONTINUE, _NO_SPACE = 1, 2, 3
_char_kinds: dict[str, int] = {}
# Every ASCII character that is not a letter or digit, mapped to a space: then str.split() finds words.
_ASCII_SEPARATORS = {c: " " for c in range(128) if not chr(c).isalnum()}
_ASCII_WORD = np.zeros(128, dtype=bool)
_ASCII_WORD[[c for c in range(128) if chr(c).isalnum()]] = True


def _char_kind(ch: str) -> int:
    """Which of the tokenizer's classes a (non-ASCII) character falls in; 0 for a separator."""
    kind = _char_kinds.get(ch)
    if kind is None:
        kind = (_NO_SPACE if _HAS_NO_SPACE.match(ch) else _WORD_START if _WORD.match(ch)
                else _WORD_CONTINUE if regex.match(r"[\p{M}\u200c\u200d]", ch) else 0)
        _char_kinds[ch] = kind
    return kind


_NO_CODES = np.zeros(0, dtype=np.uint32)
# Non-ASCII characters the compiled sentence splitter does not know (spaces, letters of the scripts
# without case, full-width stops, « »): a text holding one has its sentences split by the regex.
_SENTENCE_SPECIAL = regex.compile(r"[\s\u3002\uff01\uff1f\u061f\u06d4\u00ab\u00bb"
                                  r"\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}]")
_code_kinds: dict[int, tuple[int, bool]] = {}


def _code_kind(code: int) -> tuple[int, bool]:
    """``_char_kind`` of a non-ASCII code point, and whether it is a sentence-special character."""
    kind = _code_kinds.get(code)
    if kind is None:
        ch = chr(code)
        kind = _code_kinds[code] = (_char_kind(ch), bool(_SENTENCE_SPECIAL.match(ch)))
    return kind


def _word_mask(body: str, word_chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The text's code points and, per code point, whether it is a word character (an ASCII letter
    or digit, or one of ``word_chars``)."""
    codes = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if body.isascii():
        return codes, _ASCII_WORD[codes]
    is_word = _ASCII_WORD[np.minimum(codes, 127)] & (codes < 128)
    if word_chars:
        is_word |= np.isin(codes, np.fromiter(map(ord, word_chars), dtype=np.uint32))
    return codes, is_word


def _word_bounds(is_word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the maximal runs of word characters."""
    padded = np.zeros(len(is_word) + 2, dtype=bool)  # a separator on each side: runs start and end inside
    padded[1:-1] = is_word
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[::2].astype(np.int64), edges[1::2].astype(np.int64)


def tokenize(text: str, boilerplate: list[Span] | None = None, limit: int | None = None) -> Tokens:
    """Split text into normalised word tokens with offsets, sentence/paragraph numbers and the
    boilerplate mask; only the first ``limit`` characters are tokenised when a limit is given.

    Compiled: when every word is a run of letters and digits (no combining marks, no script written
    without spaces), one pass over the code points finds the words, lowers ASCII capitals and blanks
    separators (``str.split`` then gives the words), another the sentence and paragraph breaks;
    other texts go through ``tokenize_reference``, which gives the same tokens for all text (a test
    asserts it), and ``tokenize_vectorised`` is the NumPy version of this one.
    """
    from . import _prep_kernels  # numba, imported on first use

    body = text if limit is None else text[:limit]
    codes = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if body.isascii():
        word_codes, plain_sentences = _NO_CODES, True
    else:
        other = np.unique(codes[codes >= 128])
        kinds, special = zip(*map(_code_kind, other.tolist()))
        if _NO_SPACE in kinds or _WORD_CONTINUE in kinds:
            return tokenize_reference(text, boilerplate, limit)
        word_codes = other[[kind == _WORD_START for kind in kinds]]
        plain_sentences = not any(special)
    starts, ends, spaced = _prep_kernels.words(codes, word_codes)
    words: list[str] | None = None  # split from ``spaced`` when first asked for (``Tokens``)
    if len(word_codes):  # words with non-ASCII letters: case-folded and stripped of accents
        words = [w if w.isascii() else normalize_word(w) for w in spaced.tobytes().decode("utf-32-le").split()]
        if "" in words:  # a word that normalises to nothing (a lone tatweel) is no word
            keep = np.asarray([bool(w) for w in words])
            words, starts, ends = [w for w in words if w], starts[keep], ends[keep]
    sentence_breaks = (_prep_kernels.sentence_ends(codes, _prep_kernels._CLOSERS, _prep_kernels._OPENERS)
                       if plain_sentences else None)
    return _tokens(body, words, starts, ends, boilerplate, sentence_breaks, _prep_kernels.paragraph_ends(codes),
                   None if words is not None else spaced)


def tokenize_vectorised(text: str, boilerplate: list[Span] | None = None, limit: int | None = None) -> Tokens:
    """NumPy ``tokenize`` (words found by str.split, offsets by NumPy, breaks by regex): the same tokens."""
    body = text if limit is None else text[:limit]
    if body.isascii():
        codes, is_word = _word_mask(body, [])
        starts, ends = _word_bounds(is_word)
        return _tokens(body, body.lower().translate(_ASCII_SEPARATORS).split(), starts, ends, boilerplate)
    other = [ch for ch in set(body) if not ch.isascii()]
    kinds = [_char_kind(ch) for ch in other]
    if _NO_SPACE in kinds or _WORD_CONTINUE in kinds:
        return tokenize_reference(text, boilerplate, limit)
    word_chars = [ch for ch, kind in zip(other, kinds) if kind == _WORD_START]
    codes, is_word = _word_mask(body, word_chars)
    starts, ends = _word_bounds(is_word)
    # every separator becomes a space and ASCII capitals lower case; str.split then gives the words
    upper = ((codes >= 65) & (codes <= 90)).astype(np.uint32) << np.uint32(5)
    spaced = np.where(is_word, codes + upper, np.uint32(32)).astype(np.uint32)
    words = spaced.tobytes().decode("utf-32-le").split()
    if word_chars:  # words with non-ASCII letters: case-folded and stripped of accents
        words = [w if w.isascii() else normalize_word(w) for w in words]
        if "" in words:  # a word that normalises to nothing (a lone tatweel) is no word
            keep = np.asarray([bool(w) for w in words])
            words, starts, ends = [w for w in words if w], starts[keep], ends[keep]
    return _tokens(body, words, starts, ends, boilerplate)


def _tokens(body: str, words: list[str] | None, start_arr: np.ndarray, end_arr: np.ndarray,
            boilerplate: list[Span] | None, sentence_breaks: np.ndarray | None = None,
            paragraph_breaks: np.ndarray | None = None, spaced: np.ndarray | None = None) -> Tokens:
    """Tokens from words (or the ``spaced`` code points they split from) and their offsets:
    sentence and paragraph numbers, boilerplate mask (the break offsets are found by regex unless
    given)."""
    if sentence_breaks is None:
        sentence_breaks = np.asarray([m.end() for m in _SENTENCE_END.finditer(body)], dtype=np.int64)
    if paragraph_breaks is None:
        paragraph_breaks = np.asarray([m.end() for m in _PARAGRAPH_END.finditer(body)], dtype=np.int64)
    mask = np.zeros(len(start_arr), dtype=bool)
    for span in boilerplate or ():
        lo = np.searchsorted(start_arr, span.start, side="left")
        hi = np.searchsorted(start_arr, span.end, side="left")
        mask[lo:hi] = True
    return Tokens(
        _words=words,
        _spaced=spaced,
        starts=start_arr,
        ends=end_arr,
        boilerplate=mask,
        sentence=np.searchsorted(sentence_breaks, start_arr, side="right").astype(np.int32),
        paragraph=np.searchsorted(paragraph_breaks, start_arr, side="right").astype(np.int32),
    )


def normalize(article: Article, settings: Settings = DEFAULT, boilerplate: list[Span] | None = None) -> Document:
    """Tokenise an article and tag its boilerplate; the result's ``content`` lists matchable tokens.
    ``boilerplate``: the article's ``tag_boilerplate`` spans when known (a scan keeps them from
    ingest, ``encode_spans``), for a text that is not clipped."""
    text = article.text
    if len(text) > settings.max_article_chars:
        text = text[: settings.max_article_chars]
        article = replace(article, text=text)  # every later step (credits, names) sees the clipped text
        boilerplate = None  # spans of a text need not be those of its clipped start
    spans = tag_boilerplate(text) if boilerplate is None else boilerplate
    tokens = tokenize(text, spans)
    content = np.flatnonzero(~tokens.boilerplate).astype(np.int64)
    return Document(article=article, tokens=tokens, boilerplate=spans, content=content)


SPAN_KINDS: tuple[str, ...] = tuple(dict.fromkeys(kind for kind, _, _ in _BOILERPLATE_PATTERNS))
"""The kinds ``tag_boilerplate`` gives, numbered in ``encode_spans``."""


def encode_spans(spans: list[Span]) -> bytes | None:
    """``tag_boilerplate`` spans as bytes (int32 start, end, kind number each), for the store; None
    when a span's kind is not one of ``SPAN_KINDS``."""
    try:
        rows = [(s.start, s.end, SPAN_KINDS.index(s.kind)) for s in spans]
    except ValueError:
        return None
    return np.asarray(rows, dtype=np.int32).reshape(-1, 3).tobytes()


def decode_spans(blob: bytes) -> list[Span]:
    """The spans ``encode_spans`` encoded."""
    rows = np.frombuffer(blob, dtype=np.int32).reshape(-1, 3).tolist()
    return [Span(start, end, SPAN_KINDS[kind]) for start, end, kind in rows]
