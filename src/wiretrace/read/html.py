"""HTML pages (.html/.htm): the article body and metadata extracted offline with trafilatura.

``Article.text`` is trafilatura's extracted text (not the HTML), so offsets point into that text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wiretrace.errors import InputError
from wiretrace.model import Article
from wiretrace.read.decode import decode_bytes, normalise_newlines
from wiretrace.read.items import Item, Read
from wiretrace.read.text import date_from_prefix

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_FIELDS = ("author", "description", "hostname", "sitename", "categories", "tags", "language")


def read_html(path: Path) -> Iterator[Item]:
    """Read one HTML file as one article whose id is the file stem."""
    file = str(path)
    data = path.read_bytes()
    html = decode_bytes(data, file, encoding=_declared_charset(data))
    fields = _extract(html, file)
    text = normalise_newlines(fields.get("text") or "")
    if not text.strip():
        raise InputError(file, "no article text found in HTML")
    yield Read(
        Article(
            id=path.stem,
            text=text,
            title=fields.get("title") or None,
            date=fields.get("date") or date_from_prefix(text),
            outlet=fields.get("sitename") or None,
            url=fields.get("url") or None,
            origin=file,
            meta={k: fields[k] for k in _META_FIELDS if fields.get(k)},
        )
    )


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start, if any."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _extract(html: str, file: str) -> dict[str, Any]:
    """Run trafilatura (imported lazily: it is slow to import) and return its fields as a dict."""
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(file, f"cannot read HTML: trafilatura does not import ({exc})") from exc
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, include_images=False
    )
    if document is None:
        return {}
    return document.as_dict() if hasattr(document, "as_dict") else dict(document)
