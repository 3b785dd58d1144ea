"""WARC archives (.warc, .warc.gz, as Common Crawl's CC-NEWS ships them), streamed record by record.

Each HTML ``response`` (or ``resource``) record becomes one article: id and URL from
``WARC-Target-URI`` (the page's canonical URL wins for ``url``), date from the page or else the fetch
date ``WARC-Date`` (kept in ``meta['fetch_date']``), body and metadata from trafilatura. Requests,
metadata records, non-HTML payloads and non-2xx responses are skipped; an HTML page without article
text or over ``max_article_bytes`` is quarantined with its byte offset and URL. A ``.warc.gz`` is
inflated behind the same zip-bomb guard as every compressed input.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import QuarantineEntry
from wiretrace.read.html import article_from_html
from wiretrace.read.items import Item, Read
from wiretrace.read.metadata import parse_date
from wiretrace.read.source import Source, first_line, too_large

HTML_TYPES = ("text/html", "application/xhtml+xml")
_RECORD_TYPES = ("response", "resource")
_MAGIC = b"WARC/"


def read_warc(source: Source) -> Iterator[Item]:
    """Stream the HTML pages of a WARC archive as articles (see module doc)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = 0
    with source.open() as stream:
        if not stream.read(16).startswith(_MAGIC):
            raise InputError(source.name, "not a readable WARC archive: it does not start with 'WARC/'")
    with source.open() as stream:
        counted = _Counted(stream)
        records = ArchiveIterator(counted)
        try:
            for record in records:
                if not _is_html_page(record):
                    continue
                pages += 1
                payload = _payload(record, source.options.max_article_bytes)
                # warcio learns a record's offset by reading it to its end: ask only after the payload
                offset = records.get_record_offset()
                if getattr(record.raw_stream, "limit", 0) > 0:
                    yield QuarantineEntry(source.name, f"record at byte {offset}: truncated archive")
                    continue
                yield _page_item(source, record, offset, payload)
        except ArchiveLoadFailed as exc:
            raise InputError(source.name, f"not a readable WARC archive at byte {records.offset}: "
                                          f"{first_line(exc)}") from exc
        if records.offset < counted.drain():
            raise InputError(source.name, f"truncated or unreadable WARC data after byte {records.offset}")
    if pages == 0:
        raise EmptyInputError(source.name, "no HTML responses in WARC archive")


class _Counted(io.RawIOBase):
    """A read-only stream that counts the bytes taken from it (to spot data warcio could not parse)."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.total = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        data = self._inner.read(size)
        self.total += len(data)
        return data

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> int:
        """Read to the end; the total number of bytes in the stream."""
        while self.read(1 << 16):
            pass
        return self.total


def _is_html_page(record: Any) -> bool:
    """A response/resource record carrying an HTML payload with a 2xx status (or no HTTP status)."""
    if record.rec_type not in _RECORD_TYPES:
        return False
    http = record.http_headers
    if record.rec_type == "response" and http is None:
        return False
    status = http.get_statuscode() if http is not None else None
    if status and not str(status).startswith("2"):
        return False
    content_type = (http.get_header("Content-Type") if http is not None else None) or \
        record.rec_headers.get_header("Content-Type") or ""
    return content_type.split(";")[0].strip().lower() in HTML_TYPES


def _payload(record: Any, limit: int) -> bytes | Exception:
    """Up to ``limit + 1`` bytes of the record's HTTP body (de-chunked, decoded), or the error."""
    try:
        return record.content_stream().read(limit + 1)
    except Exception as exc:  # noqa: BLE001 - broken chunking/content-encoding in one record only
        return exc


def _page_item(source: Source, record: Any, offset: int, payload: bytes | Exception) -> Item:
    """One HTML record as an article, or a quarantine entry naming its offset and URL."""
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    where = f"record at byte {offset}" + (f" ({url})" if url else "")
    limit = source.options.max_article_bytes
    if isinstance(payload, Exception):
        return QuarantineEntry(source.name, f"{where}: unreadable payload: {first_line(payload)}")
    if len(payload) > limit:
        return QuarantineEntry(source.name, f"{where}: {too_large(source.name, 'page', None, limit).reason}")
    fetched = parse_date(record.rec_headers.get_header("WARC-Date"))
    try:
        article = article_from_html(payload, source.name, url or f"{source.stem}@{offset}", source.options,
                                    origin=f"{source.name}@{offset}", url=url, charset=_charset(record),
                                    fetched=fetched)
    except InputError as exc:
        return QuarantineEntry(source.name, f"{where}: {exc.reason.removesuffix(f' ({url})')}")
    return Read(article)


def _charset(record: Any) -> str | None:
    """The charset named in the HTTP Content-Type header, if any."""
    header = record.http_headers.get_header("Content-Type") if record.http_headers is not None else None
    for part in (header or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
