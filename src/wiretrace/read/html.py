"""HTML pages (.html/.htm, and HTML responses in WARC archives): body and metadata via trafilatura.

``Article.text`` is trafilatura's extracted text (not the HTML), so offsets point into that text.
The title, date, author, site name and canonical URL come from the page's metadata; a page with
no article body (navigation, an index page, a deeply nested or broken document) is quarantined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wiretrace.errors import InputError
from wiretrace.model import Article
from wiretrace.read.decode import decode_bytes, normalise_newlines, repair_mojibake
from wiretrace.read.items import Item, Read
from wiretrace.read.metadata import outlet_from_url, parse_date
from wiretrace.read.options import ReadOptions
from wiretrace.read.source import Source
from wiretrace.read.text import date_from_prefix

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
MIN_BODY_CHARS = 25
"""A page whose extracted text has fewer non-space characters than this has no article body
(a navigation stub, a redirect page, a broken or absurdly nested document)."""
_META_FIELDS = ("author", "description", "hostname", "sitename", "categories", "tags", "language")


def read_html(source: Source) -> Iterator[Item]:
    """Read one HTML file as one article whose id is the file stem."""
    data = source.read_bytes(source.options.max_article_bytes)
    yield Read(article_from_html(data, source.name, source.stem, source.options, origin=source.name))


def article_from_html(
    data: bytes,
    file: str,
    id: str,  # noqa: A002
    options: ReadOptions,
    origin: str,
    url: str | None = None,
    charset: str | None = None,
    fetched: str | None = None,
) -> Article:
    """Extract one article from an HTML page's bytes; raises InputError when it has no body text.

    ``url`` is where the page was fetched (a WARC target URI); the page's canonical URL wins if it
    declares one. ``fetched`` (ISO) is the fetch date, used as the date when the page gives none.
    """
    html = decode_bytes(data, file, encoding=charset or declared_charset(data))
    fields = _extract(html, file)
    text = normalise_newlines(fields.get("text") or "")
    size = len("".join(text.split()))
    if size < MIN_BODY_CHARS:
        only = f" (only {size} characters)" if size else ""
        raise InputError(file, "no article text found in HTML" + only + (f" ({url})" if url else ""))
    fixed = repair_mojibake(text) if options.repair_mojibake else text
    meta: dict[str, Any] = {k: fields[k] for k in _META_FIELDS if fields.get(k)}
    if fixed != text:
        meta["repaired"] = "mojibake"
    if fetched:
        meta["fetch_date"] = fetched
    page_url = fields.get("url") or url
    if url and page_url != url:
        meta["fetch_url"] = url
    return Article(
        id=id,
        text=fixed,
        title=fields.get("title") or None,
        date=parse_date(fields.get("date")) or date_from_prefix(fixed) or fetched,
        outlet=fields.get("sitename") or outlet_from_url(page_url),
        url=page_url or None,
        origin=origin,
        meta=meta,
    )


def declared_charset(data: bytes) -> str | None:
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
