"""Tabular inputs (.jsonl, .json, .csv, .tsv, .parquet): one record per article, bad records quarantined.

Columns/fields ``id`` and ``text`` (required), ``title``, ``date``, ``outlet``, ``url``; any other
field goes into ``Article.meta``. ``ReadOptions`` can map other column names onto id, text, date and
outlet (``--text-col body``). A record without an id gets ``<stem>:<line>`` (or ``<stem>:<n>``);
dates are parsed from the common formats, and the outlet is derived from the URL when not given.
JSONL and CSV/TSV are streamed; a line or record over ``max_article_bytes`` is quarantined unread.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import Article, QuarantineEntry
from wiretrace.read.decode import (
    SNIFF_BYTES,
    UNDECODABLE,
    decode_bytes,
    decode_fragment,
    detect_encoding,
    looks_binary,
    normalise_newlines,
    repair_mojibake,
)
from wiretrace.read.items import Item, Read
from wiretrace.read.metadata import outlet_from_url, parse_date
from wiretrace.read.options import DEFAULT_OPTIONS, ReadOptions
from wiretrace.read.quarantine import entry_from_exception
from wiretrace.read.source import Source, too_large
from wiretrace.read.text import date_from_prefix

FIELDS = ("id", "text", "title", "date", "outlet", "url")
PARQUET_BATCH_ROWS = 1024
ENCODING_SAMPLE_BYTES = 1 << 20
"""How much of a CSV/TSV file decides its encoding before the rest is streamed."""


class RecordError(ValueError):
    """One record cannot become an article; ``reason`` says why (the caller adds file and line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def article_from_record(
    record: Any, default_id: str, origin: str, options: ReadOptions = DEFAULT_OPTIONS
) -> Article:
    """Turn one record (dict) into an article, or raise RecordError with a one-line reason."""
    if not isinstance(record, Mapping):
        raise RecordError(f"expected an object, got {_type_name(record)}")
    columns = {"id": options.id_col, "text": options.text_col, "date": options.date_col,
               "outlet": options.outlet_col, "title": "title", "url": "url"}
    text = _record_text(record, options)
    raw_date = record.get(columns["date"])
    date = parse_date(raw_date)
    url = _optional_str(record.get("url"))
    meta = {str(k): v for k, v in record.items() if k not in columns.values()}
    if date is None and _optional_str(raw_date):
        meta["date_raw"] = _optional_str(raw_date)
    fixed = repair_mojibake(text) if options.repair_mojibake else text
    if fixed != text:
        meta["repaired"] = "mojibake"
    return Article(
        id=_optional_str(record.get(columns["id"])) or default_id,
        text=fixed,
        title=_optional_str(record.get("title")),
        date=date or date_from_prefix(fixed),
        outlet=_optional_str(record.get(columns["outlet"])) or outlet_from_url(url),
        url=url,
        origin=origin,
        meta=meta,
    )


def read_jsonl(source: Source) -> Iterator[Item]:
    """Stream a JSON-lines file; each bad or oversized line is quarantined with its 1-based number."""
    seen_any = False
    limit = source.options.max_article_bytes
    with source.open() as handle:
        if looks_binary(handle.read(SNIFF_BYTES)):
            raise InputError(source.name, "binary file, not text")
    with source.open() as handle:
        for number, raw in _bounded_lines(handle, limit):
            if raw is None:
                seen_any = True
                yield entry_from_exception(source.name, too_large(source.name, "line", None, limit, line=number))
                continue
            raw = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
            if raw.strip():
                seen_any = True
                yield _jsonl_item(source, number, raw)
    if not seen_any:
        raise EmptyInputError(source.name, "empty file")


def read_json(source: Source) -> Iterator[Item]:
    """Read a ``.json`` file holding one article object or a list of them (whole, up to max_document_bytes)."""
    file, options = source.name, source.options
    data = source.read_bytes(options.max_document_bytes, "file", "max_document_bytes")
    try:
        document = json.loads(decode_bytes(data, file))
    except json.JSONDecodeError as exc:
        raise InputError(file, f"invalid JSON: {exc.msg} at column {exc.colno}", exc.lineno) from exc
    except RecursionError as exc:
        raise InputError(file, "invalid JSON: nested too deeply") from exc
    if isinstance(document, dict):
        yield _record_item(document, source, source.stem, file, None, "")
    elif isinstance(document, list):
        if not document:
            raise EmptyInputError(file, "no articles (empty list)")
        for index, record in enumerate(document):
            default_id = f"{source.stem}:{index + 1}"
            yield _record_item(record, source, default_id, f"{file}[{index}]", None, f"item {index}: ")
    else:
        raise InputError(file, f"expected an object or a list of objects, got {_type_name(document)}")


def read_csv(source: Source, delimiter: str = ",") -> Iterator[Item]:
    """Stream a CSV file with a header row; quoted multi-line texts are fine, rows keep line numbers."""
    file, options = source.name, source.options
    csv.field_size_limit(options.max_article_bytes)
    with source.open() as handle:
        sample = handle.read(ENCODING_SAMPLE_BYTES)
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not sample.removeprefix(codecs.BOM_UTF8).strip():
        raise EmptyInputError(file, "empty file")
    if not utf16 and looks_binary(sample):
        raise InputError(file, "binary file, not text")
    encoding = "utf-16" if utf16 else detect_encoding(sample)
    if encoding is None:
        raise InputError(file, UNDECODABLE)
    with source.open() as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                                errors="wiretrace-cp1252", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        columns = _header(reader, file, options)
        rows = 0
        for start, row in _csv_rows(reader, file):
            rows += 1
            if len(row) > len(columns):
                reason = f"row has {len(row)} fields but the header has {len(columns)}"
                yield QuarantineEntry(file, reason, start)
                continue
            record = dict(zip(columns, row))
            yield _record_item(record, source, f"{source.stem}:{start}", f"{file}:{start}", start, "")
    if rows == 0:
        raise EmptyInputError(file, "no rows after the header")


def read_tsv(source: Source) -> Iterator[Item]:
    """Stream a tab-separated file with a header row (quotes as in CSV)."""
    return read_csv(source, delimiter="\t")


def read_parquet(source: Source) -> Iterator[Item]:
    """Stream a Parquet file batch by batch (never the whole table in memory when it is on disk)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file, options = source.name, source.options
    if source.path is not None:
        where: Any = source.path
    else:  # compressed or stdin: Parquet needs random access, so inflate it (bounded) into memory
        where = pa.BufferReader(source.read_bytes(options.max_document_bytes, "input", "max_document_bytes"))
    try:
        parquet = pq.ParquetFile(where)
    except pa.ArrowException as exc:
        raise InputError(file, f"not a readable Parquet file: {exc}") from exc
    with parquet:
        columns = [_column_name(name, options) for name in parquet.schema_arrow.names]
        _require_text(columns, file, options)
        if parquet.metadata.num_rows == 0:
            raise EmptyInputError(file, "no rows")
        yield from _parquet_items(source, _parquet_records(parquet, columns, file))


def _bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(1-based number, line) for each line; a line over ``limit`` bytes is skipped and yields None."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the oversized line without holding it
                rest = stream.readline(1 << 16)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
        else:
            yield number, line


def _jsonl_item(source: Source, number: int, raw: bytes) -> Item:
    """Parse one non-blank JSONL line into an article or a quarantine entry."""
    file = source.name
    try:
        record = json.loads(decode_fragment(raw))
    except json.JSONDecodeError as exc:
        return QuarantineEntry(file, f"invalid JSON: {exc.msg} at column {exc.colno}", number)
    except RecursionError:
        return QuarantineEntry(file, "invalid JSON: nested too deeply", number)
    return _record_item(record, source, f"{source.stem}:{number}", f"{file}:{number}", number, "")


def _record_item(
    record: Any, source: Source, default_id: str, origin: str, line: int | None, where: str
) -> Item:
    """Wrap article_from_record: an article with its line, or a quarantine entry (``where`` + reason)."""
    try:
        return Read(article_from_record(record, default_id, origin, source.options), line)
    except RecordError as exc:
        return QuarantineEntry(source.name, where + exc.reason, line)


def _header(reader: Any, file: str, options: ReadOptions) -> list[str]:
    """The canonical column names of a CSV/TSV header; the text column must be among them."""
    try:
        columns = [_column_name(name, options) for name in next(reader, [])]
    except csv.Error as exc:
        raise InputError(file, f"invalid CSV header: {exc}", 1) from exc
    _require_text(columns, file, options)
    return columns


def _require_text(columns: list[str], file: str, options: ReadOptions) -> None:
    """Raise InputError naming the columns when the text column is missing."""
    if options.text_col not in columns:
        hint = "" if options.text_col != "text" else "; use --text-col to name it"
        raise InputError(file, f"no '{options.text_col}' column (columns: {', '.join(columns)}){hint}")


def _csv_rows(reader: Any, file: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (start line, fields) for each non-blank CSV row; a CSV syntax error ends the file."""
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(file, f"invalid CSV: {exc}", previous_end + 1) from exc
        start, previous_end = previous_end + 1, reader.line_num
        if row:
            yield start, row


def _parquet_records(parquet: Any, columns: list[str], file: str) -> Iterator[dict[str, Any]]:
    """Rows of a Parquet file as dicts keyed by canonical column names, one batch at a time."""
    import pyarrow as pa

    rows = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for values in zip(*(col.to_pylist() for col in batch.columns)):
                rows += 1
                yield dict(zip(columns, values))
    except pa.ArrowException as exc:
        raise InputError(file, f"corrupt Parquet data after row {rows}: {exc}") from exc


def _parquet_items(source: Source, records: Iterable[dict[str, Any]]) -> Iterator[Item]:
    """Articles for Parquet rows; row ``i`` (0-based) has origin ``file[i]``, default id ``stem:i+1``."""
    for index, record in enumerate(records):
        origin = f"{source.name}[{index}]"
        yield _record_item(record, source, f"{source.stem}:{index + 1}", origin, None, f"row {index}: ")


def _record_text(record: Mapping[str, Any], options: ReadOptions) -> str:
    """The record's text with newlines normalised; raises RecordError if missing, not text, empty or too big."""
    column = options.text_col
    text = record.get(column)
    if text is None or (isinstance(text, float) and math.isnan(text)):
        raise RecordError(f"missing field '{column}'")
    if not isinstance(text, str):
        raise RecordError(f"field '{column}' is not a string (got {_type_name(text)})")
    if not text.strip():
        raise RecordError("empty text")
    if len(text) > options.max_article_bytes:
        raise RecordError(f"text has {len(text):,} characters, over the max_article_bytes limit")
    return normalise_newlines(text)


def _optional_str(value: Any) -> str | None:
    """A metadata value as a stripped string; None, NaN and blank become None, 7.0 becomes '7'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.strip() if isinstance(value, str) else str(value)
    return text or None


def _column_name(name: str, options: ReadOptions = DEFAULT_OPTIONS) -> str:
    """Canonical column name: BOM and spaces stripped, known and mapped names matched case-insensitively."""
    name = str(name).lstrip("\ufeff").strip()
    known = {column.lower(): column for column in (*FIELDS, options.id_col, options.text_col,
                                                   options.date_col, options.outlet_col)}
    return known.get(name.lower(), name)


def _type_name(value: Any) -> str:
    """JSON-ish name of a value's type for error messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, (int, float)) else type(value).__name__)
