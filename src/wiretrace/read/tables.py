"""Tabular inputs (.jsonl, .json, .csv, .parquet): one record per article, bad records quarantined.

Columns/fields ``id`` and ``text`` (required), ``title``, ``date``, ``outlet``, ``url``; any other
field goes into ``Article.meta``. A record without ``id`` gets ``<stem>:<line>`` (or ``<stem>:<n>``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import Article, QuarantineEntry
from wiretrace.read.decode import (
    SNIFF_BYTES,
    decode_bytes,
    decode_fragment,
    looks_binary,
    normalise_newlines,
)
from wiretrace.read.items import Item, Read
from wiretrace.read.text import date_from_prefix

FIELDS = ("id", "text", "title", "date", "outlet", "url")
PARQUET_BATCH_ROWS = 1024
_CSV_FIELD_LIMIT = 2**31 - 1


class RecordError(ValueError):
    """One record cannot become an article; ``reason`` says why (the caller adds file and line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def article_from_record(record: Any, default_id: str, origin: str) -> Article:
    """Turn one record (dict) into an article, or raise RecordError with a one-line reason."""
    if not isinstance(record, Mapping):
        raise RecordError(f"expected an object, got {_type_name(record)}")
    text = _record_text(record)
    return Article(
        id=_optional_str(record.get("id")) or default_id,
        text=text,
        title=_optional_str(record.get("title")),
        date=_date(record.get("date")) or date_from_prefix(text),
        outlet=_optional_str(record.get("outlet")),
        url=_optional_str(record.get("url")),
        origin=origin,
        meta={str(k): v for k, v in record.items() if k not in FIELDS},
    )


def read_jsonl(path: Path) -> Iterator[Item]:
    """Stream a JSON-lines file; each bad line is quarantined with its 1-based number."""
    file, seen_any = str(path), False
    with path.open("rb") as handle:
        if looks_binary(handle.read(SNIFF_BYTES)):
            raise InputError(file, "binary file, not text")
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            raw = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
            if raw.strip():
                seen_any = True
                yield _jsonl_item(path, number, raw)
    if not seen_any:
        raise EmptyInputError(file, "empty file")


def read_json(path: Path) -> Iterator[Item]:
    """Read a ``.json`` file holding one article object or a list of them."""
    file = str(path)
    try:
        document = json.loads(decode_bytes(path.read_bytes(), file))
    except json.JSONDecodeError as exc:
        raise InputError(file, f"invalid JSON: {exc.msg} at column {exc.colno}", exc.lineno) from exc
    if isinstance(document, dict):
        yield _record_item(document, path, path.stem, file, None, "")
    elif isinstance(document, list):
        if not document:
            raise EmptyInputError(file, "no articles (empty list)")
        for index, record in enumerate(document):
            default_id = f"{path.stem}:{index + 1}"
            yield _record_item(record, path, default_id, f"{file}[{index}]", None, f"item {index}: ")
    else:
        raise InputError(file, f"expected an object or a list of objects, got {_type_name(document)}")


def read_csv(path: Path) -> Iterator[Item]:
    """Read a CSV file with a header row; quoted multi-line texts are fine, rows keep line numbers."""
    file = str(path)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(decode_bytes(path.read_bytes(), file), newline=""))
    columns = [_column_name(name) for name in next(reader, [])]
    if "text" not in columns:
        raise InputError(file, f"no 'text' column (columns: {', '.join(columns)})")
    rows = 0
    for start, row in _csv_rows(reader, file):
        rows += 1
        if len(row) > len(columns):
            reason = f"row has {len(row)} fields but the header has {len(columns)}"
            yield QuarantineEntry(file, reason, start)
            continue
        record = dict(zip(columns, row))
        yield _record_item(record, path, f"{path.stem}:{start}", f"{file}:{start}", start, "")
    if rows == 0:
        raise EmptyInputError(file, "no rows after the header")


def read_parquet(path: Path) -> Iterator[Item]:
    """Stream a Parquet file batch by batch (never the whole table in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowException as exc:
        raise InputError(file, f"not a readable Parquet file: {exc}") from exc
    with parquet:
        columns = [_column_name(name) for name in parquet.schema_arrow.names]
        if "text" not in columns:
            raise InputError(file, f"no 'text' column (columns: {', '.join(columns)})")
        if parquet.metadata.num_rows == 0:
            raise EmptyInputError(file, "no rows")
        yield from _parquet_items(path, _parquet_records(parquet, columns, file))


def _jsonl_item(path: Path, number: int, raw: bytes) -> Item:
    """Parse one non-blank JSONL line into an article or a quarantine entry."""
    file = str(path)
    try:
        record = json.loads(decode_fragment(raw))
    except json.JSONDecodeError as exc:
        return QuarantineEntry(file, f"invalid JSON: {exc.msg} at column {exc.colno}", number)
    return _record_item(record, path, f"{path.stem}:{number}", f"{file}:{number}", number, "")


def _record_item(
    record: Any, path: Path, default_id: str, origin: str, line: int | None, where: str
) -> Item:
    """Wrap article_from_record: an article with its line, or a quarantine entry (``where`` + reason)."""
    try:
        return Read(article_from_record(record, default_id, origin), line)
    except RecordError as exc:
        return QuarantineEntry(str(path), where + exc.reason, line)


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


def _parquet_items(path: Path, records: Iterable[dict[str, Any]]) -> Iterator[Item]:
    """Articles for Parquet rows; row ``i`` (0-based) has origin ``file[i]``, default id ``stem:i+1``."""
    for index, record in enumerate(records):
        origin = f"{path}[{index}]"
        yield _record_item(record, path, f"{path.stem}:{index + 1}", origin, None, f"row {index}: ")


def _record_text(record: Mapping[str, Any]) -> str:
    """The record's text with newlines normalised; raises RecordError if missing, not text or empty."""
    text = record.get("text")
    if text is None or (isinstance(text, float) and math.isnan(text)):
        raise RecordError("missing field 'text'")
    if not isinstance(text, str):
        raise RecordError(f"field 'text' is not a string (got {_type_name(text)})")
    if not text.strip():
        raise RecordError("empty text")
    return normalise_newlines(text)


def _optional_str(value: Any) -> str | None:
    """A metadata value as a stripped string; None, NaN and blank become None, 7.0 becomes '7'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.strip() if isinstance(value, str) else str(value)
    return text or None


def _date(value: Any) -> str | None:
    """A date value in ISO form: strings are kept as given, date/datetime objects are formatted."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _optional_str(value)


def _column_name(name: str) -> str:
    """Canonical column name: BOM and spaces stripped, known field names matched case-insensitively."""
    name = str(name).lstrip("\ufeff").strip()
    return name.lower() if name.lower() in FIELDS else name


def _type_name(value: Any) -> str:
    """JSON-ish name of a value's type for error messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, (int, float)) else type(value).__name__)
