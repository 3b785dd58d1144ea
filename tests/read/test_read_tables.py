"""JSONL, JSON, CSV and Parquet inputs: fields, defaults, and per-record quarantine."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq

from readutil import read_all, write

from wiretrace.model import QuarantineEntry
from wiretrace.read import read_article


def test_jsonl_fields_and_meta(tmp_path) -> None:
    rows = [
        {"id": 7, "text": "First text.", "title": "T", "date": "2021-05-27T10:00:00Z",
         "outlet": "AP", "url": "https://x/1", "section": "World"},
        {"text": " date 2021-05-28 Second text."},
    ]
    path = write(tmp_path / "feed.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    articles, quarantine = read_all(path)
    assert quarantine == []
    first, second = articles
    assert (first.id, first.title, first.date, first.outlet, first.url) == (
        "7", "T", "2021-05-27T10:00:00+00:00", "AP", "https://x/1")
    assert first.meta == {"section": "World"}
    assert first.origin == f"{path}:1"
    assert (second.id, second.date, second.origin) == ("feed:2", "2021-05-28", f"{path}:2")


def test_jsonl_bad_lines_quarantined_good_lines_kept(tmp_path) -> None:
    lines = [
        '{"id": "a", "text": "Good one."}',
        '{"id": "b" "text": "missing comma"}',
        "",
        '["not", "an", "object"]',
        '{"id": "c"}',
        '{"id": "d", "text": "   "}',
        '{"id": "e", "text": 42}',
        '{"id": "f", "text": "Good two."}',
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    articles, quarantine = read_all(path)
    assert [a.id for a in articles] == ["a", "f"]
    assert [(q.file, q.line) for q in quarantine] == [(str(path), n) for n in (2, 4, 5, 6, 7)]
    assert quarantine[0].reason == "invalid JSON: Expecting ',' delimiter at column 12"
    assert quarantine[1].reason == "expected an object, got array"
    assert quarantine[2].reason == "missing field 'text'"
    assert quarantine[3].reason == "empty text"
    assert quarantine[4].reason == "field 'text' is not a string (got number)"


def test_jsonl_crlf_and_bom(tmp_path) -> None:
    path = write(tmp_path / "w.jsonl", b'\xef\xbb\xbf{"id": 1, "text": "a\\r\\nb"}\r\n')
    articles, quarantine = read_all(path)
    assert quarantine == [] and articles[0].text == "a\nb"


def test_jsonl_only_blank_lines_is_empty(tmp_path) -> None:
    path = write(tmp_path / "blank.jsonl", "\n\n  \n")
    assert read_all(path) == ([], [QuarantineEntry(str(path), "empty file")])


def test_json_list_and_object(tmp_path) -> None:
    listing = write(tmp_path / "list.json", json.dumps(
        [{"id": "x", "text": "One."}, {"title": "no text"}, {"text": "Two."}]))
    single = write(tmp_path / "single.json", json.dumps({"text": "Solo.", "outlet": "Reuters"}))
    articles, quarantine = read_all(listing, single)
    assert [(a.id, a.origin) for a in articles] == [
        ("x", f"{listing}[0]"), ("list:3", f"{listing}[2]"), ("single", str(single))]
    assert articles[2].outlet == "Reuters"
    assert [(q.file, q.line, q.reason) for q in quarantine] == [
        (str(listing), None, "item 1: missing field 'text'")]


def test_json_invalid(tmp_path) -> None:
    path = write(tmp_path / "bad.json", '[\n{"text": "a"},\n{"text" "b"}\n]')
    articles, quarantine = read_all(path)
    assert articles == []
    reason = "invalid JSON: Expecting ':' delimiter at column 9"
    assert (quarantine[0].line, quarantine[0].reason) == (3, reason)


def test_csv_with_quoted_multiline_text(tmp_path) -> None:
    content = (
        "id,text,title,date,outlet,url,extra\r\n"
        '1,"Line one,\r\nline two ""quoted"".",Title,2021-05-27,AP,https://a,x\r\n'
        ',Second text.,,,,,\r\n'
        "3,,empty text,,,,\r\n"
        '4,"Fourth.",T,,,,,too many\r\n'
    )
    path = write(tmp_path / "wire.csv", content)
    articles, quarantine = read_all(path)
    first, second = articles
    assert first.text == 'Line one,\nline two "quoted".'
    assert (first.id, first.title, first.date, first.outlet, first.url) == (
        "1", "Title", "2021-05-27", "AP", "https://a")
    assert first.meta == {"extra": "x"}
    assert (second.id, second.title, second.origin) == ("wire:4", None, f"{path}:4")
    assert [(q.line, q.reason) for q in quarantine] == [
        (5, "empty text"), (6, "row has 8 fields but the header has 7")]


def test_csv_latin1(tmp_path) -> None:
    path = write(tmp_path / "meter.csv", "id,text\nm1,£5,000 for Côte\n".encode("latin-1"))
    articles, _ = read_all(path)
    assert articles == []  # unquoted comma: row has 3 fields
    path.write_bytes('id,text\nm1,"£5,000 for Côte"\n'.encode("latin-1"))
    articles, quarantine = read_all(path)
    assert quarantine == [] and articles[0].text == "£5,000 for Côte"


def test_csv_without_text_column(tmp_path) -> None:
    path = write(tmp_path / "notext.csv", "id,body\n1,hello\n")
    articles, quarantine = read_all(path)
    assert articles == []
    assert [(q.file, q.reason) for q in quarantine] == [
        (str(path), "no 'text' column (columns: id, body); use --text-col to name it")]


def test_parquet_streams_rows(tmp_path) -> None:
    path = tmp_path / "batch.parquet"
    table = pa.table({
        "id": [1, 2, None, 4],
        "text": ["Alpha.", None, "Gamma.", " date 2021-05-27 Delta."],
        "outlet": ["AP", "AP", None, "BBC"],
        "words": [1, 2, 3, 4],
    })
    pq.write_table(table, path, row_group_size=2)
    articles, quarantine = read_all(path)
    assert [(a.id, a.outlet, a.date) for a in articles] == [
        ("1", "AP", None), ("batch:3", None, None), ("4", "BBC", "2021-05-27")]
    assert articles[0].meta == {"words": 1}
    assert articles[1].origin == f"{path}[2]"
    assert [(q.line, q.reason) for q in quarantine] == [(None, "row 1: missing field 'text'")]


def test_parquet_corrupt_and_no_text(tmp_path) -> None:
    corrupt = write(tmp_path / "corrupt.parquet", b"PAR1 this is not really parquet")
    notext = tmp_path / "notext.parquet"
    pq.write_table(pa.table({"id": ["a"], "body": ["b"]}), notext)
    articles, quarantine = read_all(corrupt, notext)
    assert articles == []
    assert quarantine[0].file == str(corrupt)
    assert quarantine[0].reason.startswith("not a readable Parquet file")
    assert quarantine[1].reason == "no 'text' column (columns: id, body); use --text-col to name it"


def test_read_article_from_single_row_table(tmp_path) -> None:
    path = write(tmp_path / "one.jsonl", '{"id": "only", "text": "Just one."}\n')
    assert read_article(path).id == "only"


def test_utf16_and_gb18030_csv_are_streamed_with_the_right_encoding(tmp_path) -> None:
    utf16 = write(tmp_path / "u16.csv", "id,text\nu,Grüße aus Köln\n".encode("utf-16"))
    chinese = write(tmp_path / "zh.csv", ("id,text\n" + "".join(f"z{i},北京时间五月二十七日电 第{i}条消息\n"
                                                              for i in range(50))).encode("gb18030"))
    articles, quarantine = read_all(utf16, chinese)
    assert quarantine == []
    assert articles[0].text == "Grüße aus Köln"
    assert articles[1].text == "北京时间五月二十七日电 第0条消息" and len(articles) == 51
