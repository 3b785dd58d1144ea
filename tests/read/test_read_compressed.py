"""gzip/zstd-compressed inputs: read like their plain twins; zip bombs and corrupt data quarantined."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from readutil import read_all, write

from wiretrace.read import ReadOptions, iter_articles
from wiretrace.read import source as source_module

ROWS = [{"id": "a", "text": "Alpha text here.", "date": "27 May 2021"}, {"id": "b", "text": "Beta text."}]
JSONL = "".join(json.dumps(row) + "\n" for row in ROWS).encode()


def zst(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize("name, data", [
    ("feed.jsonl.gz", gzip.compress(JSONL)),
    ("feed.jsonl.zst", zst(JSONL)),
    ("feed.csv.gz", gzip.compress(b"id,text,date\na,Alpha text here.,27 May 2021\nb,Beta text.,\n")),
    ("feed.tsv.zst", zst(b"id\ttext\tdate\na\tAlpha text here.\t27 May 2021\nb\tBeta text.\t\n")),
    ("feed.json.gz", gzip.compress(json.dumps(ROWS).encode())),
])
def test_compressed_tables_read_like_plain_ones(tmp_path, name, data) -> None:
    articles, quarantine = read_all(write(tmp_path / name, data))
    assert quarantine == []
    assert [(a.id, a.text, a.date) for a in articles] == [
        ("a", "Alpha text here.", "2021-05-27"), ("b", "Beta text.", None)]


def test_compressed_text_and_parquet(tmp_path) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": ["p"], "text": ["Parquet text."]}), buffer)
    text = write(tmp_path / "story.txt.gz", gzip.compress("Zürich story.".encode()))
    table = write(tmp_path / "rows.parquet.zst", zst(buffer.getvalue()))
    articles, quarantine = read_all(text, table)
    assert quarantine == []
    assert [(a.id, a.text) for a in articles] == [("story", "Zürich story."), ("p", "Parquet text.")]


def test_multi_member_gzip_and_multi_frame_zstd(tmp_path) -> None:
    gz = write(tmp_path / "m.jsonl.gz", gzip.compress(JSONL[:30]) + gzip.compress(JSONL[30:]))
    zs = write(tmp_path / "m2.jsonl.zst", zst(JSONL[:30]) + zst(JSONL[30:]))
    quarantine: list = []
    articles = list(iter_articles([gz], quarantine))
    assert [a.id for a in articles] == ["a", "b"] and quarantine == []
    articles = list(iter_articles([zs], quarantine))
    assert [a.id for a in articles] == ["a", "b"] and quarantine == []


def bomb(size: int) -> bytes:
    """A gzip member that inflates to ``size`` blanks (about 1000:1), built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


def test_zip_bomb_stopped_by_the_decompressed_size_limit(tmp_path) -> None:
    path = write(tmp_path / "bomb.jsonl.gz", bomb(8 << 20))
    quarantine: list = []
    articles = list(iter_articles([path], quarantine, ReadOptions(max_decompressed_bytes=2 << 20)))
    assert articles == []
    assert quarantine[0].file == str(path)
    assert quarantine[0].reason == ("decompresses to more than 2.0 MiB (max_decompressed_bytes): "
                                    "refusing a possible zip bomb")


def test_zip_bomb_stopped_by_the_compression_ratio(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(source_module, "RATIO_GRACE_BYTES", 1 << 20)
    path = write(tmp_path / "bomb.txt.zst", zstandard.ZstdCompressor().compress(b"a" * (16 << 20)))
    articles, quarantine = read_all(path)
    assert articles == []
    assert "more than max_compression_ratio 100x): refusing a possible zip bomb" in quarantine[0].reason


def test_ordinary_text_is_not_taken_for_a_bomb(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(source_module, "RATIO_GRACE_BYTES", 1 << 10)
    text = " ".join(f"Sentence {i} about the budget vote and its {i % 7} critics." for i in range(3000))
    articles, quarantine = read_all(write(tmp_path / "long.txt.gz", gzip.compress(text.encode())))
    assert quarantine == [] and articles[0].text == text


def test_corrupt_and_truncated_compressed_files(tmp_path) -> None:
    data = gzip.compress(JSONL * 50)
    corrupt = write(tmp_path / "corrupt.jsonl.gz", data[:20] + b"\xff" * 40 + data[60:])
    truncated = write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    not_zstd = write(tmp_path / "fake.csv.zst", b"id,text\n1,plain text pretending\n")
    articles, quarantine = read_all(corrupt, truncated, not_zstd)
    assert [q.file for q in quarantine] == [str(corrupt), str(truncated), str(not_zstd)]
    assert all(q.reason.startswith(("corrupt gzip data", "corrupt zstd data")) for q in quarantine)
