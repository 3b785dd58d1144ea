"""Column mapping (--id-col, --text-col, --date-col, --outlet-col) and stdin ('-')."""

from __future__ import annotations

import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from readutil import write

from wiretrace.errors import InputError, UsageError
from wiretrace.read import ReadOptions, iter_articles, read_article
from wiretrace.read.source import sniff_suffix, stdin_source
from wiretrace.read.tables import read_jsonl

MAPPED = ReadOptions(id_col="key", text_col="Body", date_col="published", outlet_col="source")


def read(path, options=MAPPED):
    quarantine: list = []
    return list(iter_articles([path], quarantine, options)), quarantine


def test_csv_and_tsv_columns_mapped_case_insensitively(tmp_path) -> None:
    csv = write(tmp_path / "a.csv", "KEY,body,Published,source,text\nk1,The body.,27/05/2021,Reuters,other\n")
    tsv = write(tmp_path / "b.tsv", "key\tbody\tpublished\turl\nk2\tTab body.\tMay 28, 2021\thttps://www.ft.com/x\n")
    (first,), quarantine = read(csv)
    (second,), _ = read(tsv)
    assert quarantine == []
    assert (first.id, first.text, first.date, first.outlet) == ("k1", "The body.", "2021-05-27", "Reuters")
    assert first.meta == {"text": "other"}  # the unmapped 'text' column is kept, not used
    assert (second.id, second.text, second.date, second.outlet) == ("k2", "Tab body.", "2021-05-28", "ft.com")


def test_jsonl_and_parquet_fields_mapped(tmp_path) -> None:
    jsonl = write(tmp_path / "a.jsonl", json.dumps({"key": 1, "Body": "J body.", "published": "2021-05-27"}) + "\n")
    parquet = tmp_path / "b.parquet"
    pq.write_table(pa.table({"key": ["p"], "body": ["P body."], "source": ["AFP"]}), parquet)
    (first,), _ = read(jsonl)
    (second,), _ = read(parquet)
    assert (first.id, first.text, first.date) == ("1", "J body.", "2021-05-27")
    assert (second.id, second.text, second.outlet) == ("p", "P body.", "AFP")


def test_missing_mapped_column_names_it(tmp_path) -> None:
    path = write(tmp_path / "a.csv", "id,text\n1,x\n")
    articles, quarantine = read(path)
    assert articles == []
    assert quarantine[0].reason == "no 'Body' column (columns: id, text)"
    line = write(tmp_path / "b.jsonl", '{"text": "x"}\n')
    assert read(line)[1][0].reason == "missing field 'Body'"


def test_unparseable_date_is_kept_in_meta(tmp_path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "x y z", "date": "sometime in spring"}\n')
    (article,), _ = read(path, ReadOptions())
    assert article.date is None and article.meta == {"date_raw": "sometime in spring"}


def test_from_settings_validates_column_names() -> None:
    assert ReadOptions.from_settings(text_col=" body ").text_col == "body"
    with pytest.raises(UsageError, match="--text-col needs a column name"):
        ReadOptions.from_settings(text_col=" ")


@pytest.mark.parametrize(("head", "suffix"), [
    (b"WARC/1.0\r\n", ".warc"), (b"\xef\xbb\xbf  <!doctype html>", ".html"), (b'\n{"text": 1}', ".jsonl"),
    (b"[{}]", ".json"), (b"Plain words", ".txt"), (b"", ".txt")])
def test_stdin_format_is_sniffed(head, suffix) -> None:
    assert sniff_suffix(head) == suffix


def test_stdin_jsonl_and_compressed_stdin() -> None:
    data = b'{"id": "s1", "text": "From a pipe."}\n{"id": "s2", "text": "Second."}\n'
    for raw in (data, gzip.compress(data)):
        source = stdin_source(ReadOptions(), io.BytesIO(raw))
        assert (source.name, source.suffix) == ("<stdin>", ".jsonl")
        assert [item.article.id for item in read_jsonl(source)] == ["s1", "s2"]
        assert [item.article.id for item in read_jsonl(source)] == ["s1", "s2"]  # readable twice


def test_stdin_over_the_document_limit_is_refused() -> None:
    with pytest.raises(InputError, match=r"input is over the 1.0 KiB limit \(max_document_bytes\)"):
        stdin_source(ReadOptions(max_document_bytes=1024), io.BytesIO(b"x" * 5000))


def test_read_article_from_stdin(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Une dépêche.".encode())))
    article = read_article("-")
    assert (article.id, article.text, article.origin) == ("stdin", "Une dépêche.", "<stdin>")


@pytest.mark.parametrize("values", [{"max_compression_ratio": 1}, {"max_article_bytes": 0}])
def test_reader_limits_are_validated(values) -> None:
    from wiretrace.settings import Settings

    with pytest.raises(UsageError):
        Settings.from_mapping(values)
    assert ReadOptions.from_settings(Settings(max_article_bytes=123)).max_article_bytes == 123
