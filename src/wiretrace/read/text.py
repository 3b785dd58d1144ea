"""Plain-text articles: one file is one article, plus pasted text and the scraped date prefix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import Article
from wiretrace.read.decode import decode_bytes, normalise_newlines
from wiretrace.read.items import Item, Read

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


def read_text(path: Path) -> Iterator[Item]:
    """Read a ``.txt`` file as one article whose id is the file stem."""
    yield Read(_text_article(path, path.stem, decode_bytes(path.read_bytes(), str(path))))


def read_unknown(path: Path) -> Iterator[Item]:
    """Read a file with no or an unknown suffix as text (id = whole name) unless it is binary."""
    file, suffix = str(path), path.suffix.lower()
    try:
        text = decode_bytes(path.read_bytes(), file)
    except EmptyInputError:
        raise
    except InputError as exc:
        if not suffix:
            raise
        raise InputError(file, f"unsupported file type '{suffix}' ({exc.reason})") from exc
    yield Read(_text_article(path, path.name, text))


def _text_article(path: Path, id: str, text: str) -> Article:  # noqa: A002
    """The article for a whole text file; the text is kept exactly as decoded."""
    return Article(id=id, text=text, date=date_from_prefix(text), origin=str(path))
