"""Plain-text articles: one file is one article, plus pasted text and the scraped date prefix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from wiretrace.errors import EmptyInputError, InputError, InputTooLargeError
from wiretrace.model import Article
from wiretrace.read.decode import decode_bytes, normalise_newlines, repair_mojibake
from wiretrace.read.items import Item, Read
from wiretrace.read.source import Source

DATE_PREFIX = re.compile(r"\s*date\s+([0-9]{4}-[0-9]{2}-[0-9]{2})(?=\s|$)", re.IGNORECASE)
"""Scraped news text often starts with `` date 2021-05-27 ``; it stays in the text, we only parse it."""

_ARTICLE_FIELDS = ("title", "date", "outlet", "url", "origin")


def date_from_prefix(text: str) -> str | None:
    """The ISO date of a leading ``date YYYY-MM-DD`` prefix, or None if absent or not a real date."""
    match = DATE_PREFIX.match(text)
    if match is None:
        return None
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return match.group(1)


def article_from_text(text: str, id: str = "pasted", **meta: Any) -> Article:  # noqa: A002
    """Make an article from pasted text; ``title/date/outlet/url/origin`` go to fields, rest to meta.

    Newlines are normalised as for files; the date comes from ``date=`` or else the text's prefix.
    """
    text = normalise_newlines(text)
    if not text.strip():
        raise EmptyInputError(str(id), "empty text")
    fields = {name: meta.pop(name) for name in _ARTICLE_FIELDS if name in meta}
    date = fields.pop("date", None) or date_from_prefix(text)
    return Article(id=str(id), text=text, date=date, meta=meta, **fields)


def read_text(source: Source) -> Iterator[Item]:
    """Read a text file as one article whose id is the file stem (refused above max_article_bytes)."""
    data = source.read_bytes(source.options.max_article_bytes)
    yield Read(text_article(source, source.stem, decode_bytes(data, source.name)))


def read_unknown(source: Source) -> Iterator[Item]:
    """Read a file with no or an unknown suffix as text (id = whole name) unless it is binary."""
    try:
        text = decode_bytes(source.read_bytes(source.options.max_article_bytes), source.name)
    except (EmptyInputError, InputTooLargeError):
        raise
    except InputError as exc:
        if not source.suffix:
            raise
        raise InputError(source.name, f"unsupported file type '{source.suffix}' ({exc.reason})") from exc
    yield Read(text_article(source, source.stem + source.suffix, text))


def text_article(source: Source, id: str, text: str) -> Article:  # noqa: A002
    """The article for a whole text file: decoded text, mojibake repaired (noted in ``meta``)."""
    fixed = repair_mojibake(text) if source.options.repair_mojibake else text
    meta = {"repaired": "mojibake"} if fixed != text else {}
    return Article(id=id, text=fixed, date=date_from_prefix(fixed), origin=source.name, meta=meta)
