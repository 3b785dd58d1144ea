"""Bytes to text for every reader: BOM, binary sniffing, encoding detection, newline normalisation.

Character offsets reported by wiretrace point into ``Article.text``. For files that text is the
decoded file with ``\\r\\n`` and lone ``\\r`` turned into ``\\n`` (and a leading BOM dropped); nothing
else is changed, so offsets map back onto the published text line for line.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from wiretrace.errors import EmptyInputError, InputError

SNIFF_BYTES = 8192
"""How much of the start of a file the binary check looks at."""

BINARY_CONTROL_SHARE = 0.10
"""A sample with more control characters than this share (besides \\t \\n \\r \\f) is binary."""

_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NEWLINES = re.compile(r"\r\n?")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Non-ASCII characters that Western (cp1252/latin-1) news text plausibly contains. Superscripts,
# currency sign, broken bar etc. are left out: they are what cp1250/cp1251 text turns into.
_WESTERN_CHARS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŠšŒœŽžŸƒ"
    "€‚„…†‡‰‹›‘’“”•–—˜™\xa0¡¢£¥§©ª«\xad®°±´·º»¼½¾¿×÷"
)
_WESTERN_LETTER_SHARE = 0.30
UNDECODABLE = "invalid UTF-8, and no other text encoding fits: not text"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; the only change wiretrace makes to input text."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def looks_binary(data: bytes) -> bool:
    """True if ``data`` holds NUL bytes or its first 8 KB are more than 10% control characters."""
    if b"\x00" in data:
        return True
    sample = data[:SNIFF_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > BINARY_CONTROL_SHARE * len(sample)


def decode_bytes(data: bytes, file: str, encoding: str | None = None) -> str:
    """Decode a whole file to text (see module doc); ``encoding`` is a declared charset to try.

    Raises ``InputError`` for binary data and ``EmptyInputError`` for empty/whitespace-only text.
    """
    text = _decode_utf16(data)
    if text is None:
        data = data.removeprefix(codecs.BOM_UTF8)
        if not data.strip():
            raise EmptyInputError(file, "empty file")
        if looks_binary(data):
            _raise_if_whitespace(data, file)
            raise InputError(file, "binary file, not text")
        text = decode_detected(data, encoding)
        if text is None:
            raise InputError(file, UNDECODABLE)
    text = normalise_newlines(text)
    if not text.strip():
        raise EmptyInputError(file, "empty file")
    return text


def _raise_if_whitespace(data: bytes, file: str) -> None:
    """Raise EmptyInputError for data that is only (Unicode) whitespace, e.g. \\v or \\x1c runs."""
    try:
        blank = not data.decode("utf-8").strip()
    except UnicodeDecodeError:
        blank = False
    if blank:
        raise EmptyInputError(file, "empty file")


def decode_fragment(data: bytes, encoding: str | None = None) -> str:
    """Decode bytes without any checks: UTF-8, a declared encoding, cp1252, detection, latin-1."""
    text = decode_detected(data, encoding)
    return text if text is not None else _decode_cp1252(data)


def decode_detected(data: bytes, encoding: str | None = None) -> str | None:
    """Decode as UTF-8, mostly-UTF-8, a declared encoding, Western cp1252 or a detected charset;
    None when none of them fits (invalid UTF-8 that is no known encoding either)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for attempt in (_decode_mostly_utf8, lambda d: _decode_declared(d, encoding), _decode_western):
        text = attempt(data)
        if text is not None:
            return text
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _decode_utf16(data: bytes) -> str | None:
    """Decode data that starts with a UTF-16 byte order mark (it would look binary otherwise)."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        return None


def _decode_mostly_utf8(data: bytes) -> str | None:
    """Decode UTF-8 with a few stray cp1252 bytes (mixed scrapes), if valid UTF-8 dominates."""
    valid = _UTF8_SEQUENCE.findall(data)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    invalid = high - sum(len(seq) for seq in valid)
    if len(valid) <= invalid:
        return None
    return data.decode("utf-8", errors="wiretrace-cp1252")


def _decode_declared(data: bytes, encoding: str | None) -> str | None:
    """Decode with a charset the file declares (HTML meta); latin-1/ascii mean cp1252 as in browsers."""
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii", "utf-8"):
        return None  # utf-8 already failed; latin-1/ascii are handled by the cp1252 guess
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def _decode_western(data: bytes) -> str | None:
    """Decode as cp1252 if the result looks like Western text (few, ordinary accented letters).

    Done before charset detection because that misreads short latin-1 texts (e.g. as Shift JIS).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = _NON_ASCII.findall(text)
    if not _WESTERN_CHARS.issuperset(non_ascii):
        return None
    accented = sum(1 for ch in non_ascii if ch.isalpha())
    if accented > _WESTERN_LETTER_SHARE * len(_LETTER.findall(text)):
        return None
    return text


def _decode_cp1252(data: bytes) -> str:
    """Last resort: cp1252, or latin-1 where cp1252 leaves a byte undefined (never fails)."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _cp1252_error_handler(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes one by one as cp1252/latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_decode_cp1252(bytes([byte])) for byte in bad), exc.end


codecs.register_error("wiretrace-cp1252", _cp1252_error_handler)


def repair_mojibake(text: str) -> str:
    """Undo mojibake (UTF-8 read as cp1252/latin-1, e.g. ``cafÃ©`` → ``café``) with ftfy.

    Only ftfy's encoding fix runs: quotes, ligatures, widths and HTML entities stay as published.
    Text that ftfy would leave alone (see ``looks_bad``) is returned without calling it.
    """
    if not looks_bad(text):
        return text
    import ftfy

    return ftfy.fix_encoding(text)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_BADNESS_REACH = 7
"""The longest sequence ftfy's mojibake pattern matches, in characters (``tests/read`` checks it)."""


def looks_bad(text: str) -> bool:
    """ftfy's ``is_bad`` (does the text look like mojibake?), searched only near non-ASCII characters.

    Every alternative of ftfy's pattern needs a non-ASCII character and spans at most
    ``_BADNESS_REACH`` characters, so a match lies within that reach of one; searching those
    windows gives ftfy's answer at a fraction of its cost (3 ms for a 3,500-character article with
    curly quotes, the first thing a scan did with every such article). ``search(text, pos, end)``
    keeps ``^`` anchored at the real start of the text.
    """
    if text.isascii():
        return False
    from ftfy.badness import BADNESS_RE

    lo = hi = 0
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = max(0, run.start() - _BADNESS_REACH), run.end() + _BADNESS_REACH
        if start > hi:
            if hi > lo and BADNESS_RE.search(text, lo, hi):
                return True
            lo = start
        hi = end
    return hi > lo and BADNESS_RE.search(text, lo, hi) is not None


def detect_encoding(sample: bytes, declared: str | None = None) -> str | None:
    """The encoding to stream a big file with, judged from its first bytes (see ``decode_detected``);
    None when the sample is invalid UTF-8 and no other encoding fits.

    The sample may end inside a multi-byte character, so a UTF-8 error in its last 3 bytes is ignored.
    """
    sample = sample.removeprefix(codecs.BOM_UTF8)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    if _decode_mostly_utf8(sample) is not None:
        return "utf-8"
    if _decode_declared(sample, declared) is not None:
        return codecs.lookup(declared or "").name
    if _decode_western(sample) is not None:
        return "cp1252"
    best = from_bytes(sample).best()
    return best.encoding if best is not None else None
