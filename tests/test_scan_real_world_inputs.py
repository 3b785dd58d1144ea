"""Acceptance: one `scan` over a folder mixing good files in every format and encoding with hostile
ones exits 0, lists every bad file and line in quarantine.jsonl, and links the articles that share
text whatever their format, encoding or language."""

from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from helpers import QUOTING_PIECE, UNRELATED, WIRE

sys.path.insert(0, str(Path(__file__).parent / "read"))
from langs import AR_COPY, AR_WIRE, JA_COPY, JA_WIRE, ZH_COPY, ZH_WIRE  # noqa: E402
from warcs import write_warc  # noqa: E402


def put(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def html_page(title: str, body: str, charset: str) -> bytes:
    paragraphs = "".join(f"<p>{para}</p>" for para in body.split("\n\n"))
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head><body dir="auto">'
            f"<article>{paragraphs}</article></body></html>").encode(charset)


def gzip_bomb(size: int) -> bytes:
    """A gzip member inflating to ``size`` blanks, about 1000:1."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(packer.compress(b" " * (1 << 20)) for _ in range(size >> 20)) + packer.flush()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("mixed")
    inputs = root / "inputs"
    good = {
        # English: the wire story as plain text, the opinion piece quoting it as a cp1252 HTML page
        "wire": put(inputs / "wire.txt", WIRE),
        "quote": put(inputs / "pages" / "quote.html", html_page("Water at last", QUOTING_PIECE, "windows-1252")),
        # Chinese: the Xinhua story in a JSONL feed, the copy as a GB18030 text file
        "zh-copy": put(inputs / "zh-copy.txt", ZH_COPY.encode("gb18030")),
        # Arabic: the Reuters story in Parquet, the copy as a windows-1256 page inside a CC-NEWS style WARC
        # Japanese: the Kyodo story in a zstd-compressed TSV, the copy as a Shift-JIS HTML page
        "ja-copy": put(inputs / "ja-copy.htm", html_page("梅雨明け", JA_COPY, "shift_jis")),
    }
    feed = [{"id": "zh-wire", "text": ZH_WIRE, "outlet": "Xinhua", "date": "2024-05-27"},
            {"id": "concert", "text": UNRELATED}]
    lines = [json.dumps(row, ensure_ascii=False) for row in feed]
    lines[1:1] = ['{"id": "broken", "text": "no closing brace"', '{"id": "notext"}', json.dumps(
        {"id": "wire", "text": "a second article claiming the id of wire.txt"})]
    put(inputs / "xinhua-feed.jsonl", "\n".join(lines) + "\n")  # sorted after wire.txt
    arrow = io.BytesIO()
    pq.write_table(pa.table({"id": ["ar-wire"], "text": [AR_WIRE], "outlet": ["Reuters"]}), arrow)
    put(inputs / "ar-wire.parquet", arrow.getvalue())
    put(inputs / "ja-wire.tsv.zst", zstandard.ZstdCompressor().compress(
        ("id\ttext\toutlet\nja-wire\t\"" + JA_WIRE + "\"\tKyodo\n").encode("utf-8")))
    write_warc(inputs / "CC-NEWS-20240527.warc.gz", [
        ("https://www.masrawy.example/ar-copy", html_page("الري", AR_COPY, "windows-1256"),
         "text/html; charset=windows-1256"),
        ("https://www.masrawy.example/menu", b"<html><body><nav>menu</nav></body></html>", "text/html")])
    # hostile inputs
    put(inputs / "empty.txt", b"")
    with (inputs / "huge.txt").open("wb") as handle:
        handle.write(b"The first words of a 200 MB article. ")
        handle.truncate(200 * 2**20)  # sparse: nothing written to disk
    put(inputs / "photo.txt", bytes(range(256)) * 64)
    noise = random.Random(5)
    put(inputs / "invalid-utf8.txt", bytes(noise.choice([*range(0x20, 0x7F), *range(0x80, 0x100)]) for _ in range(3000)))
    depth = 20_000
    put(inputs / "nested.html", "<html><body>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</body></html>")
    put(inputs / "bomb.jsonl.gz", gzip_bomb(80 * 2**20))
    put(inputs / "corrupt.parquet", b"PAR1 this is not parquet PAR1")
    rows_csv = "id,text\n" + "".join(f"row{i},Row {i} of a table cut short.\n" for i in range(400))
    put(inputs / "cut.csv.gz", gzip.compress(rows_csv.encode())[:300])
    out = root / "out"
    process = subprocess.run([sys.executable, "-m", "wiretrace.cli", "scan", str(inputs), "--out", str(out)],
                             capture_output=True, text=True, timeout=300)
    return process, out, {k: str(v) for k, v in good.items()} | {"inputs": str(inputs)}


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_scan_exits_zero(scanned) -> None:
    process, _, _ = scanned
    assert process.returncode == 0, process.stderr


def test_every_bad_file_and_line_is_quarantined_with_a_reason(scanned) -> None:
    _, out, paths = scanned
    inputs = Path(paths["inputs"])
    got = {(Path(q["file"]).name, q["line"]): q["reason"] for q in rows(out / "quarantine.jsonl")}
    expected = {
        ("empty.txt", None): "empty file",
        ("huge.txt", None): "article is 200.0 MiB, over the 16.0 MiB limit (max_article_bytes)",
        ("photo.txt", None): "binary file, not text",
        ("invalid-utf8.txt", None): "invalid UTF-8, and no other text encoding fits",
        ("nested.html", None): "no article text found in HTML",
        ("bomb.jsonl.gz", None): "inflates",
        ("corrupt.parquet", None): "not a readable Parquet file",
        ("cut.csv.gz", None): "corrupt gzip data",
        ("xinhua-feed.jsonl", 2): "invalid JSON",
        ("xinhua-feed.jsonl", 3): "missing field 'text'",
        ("xinhua-feed.jsonl", 4): "duplicate id 'wire' (first seen in",
        ("CC-NEWS-20240527.warc.gz", None): "record at byte",
    }
    assert set(got) == set(expected)
    for key, reason in expected.items():
        assert got[key].startswith(reason), (key, got[key])
    assert "refusing a possible zip bomb" in got[("bomb.jsonl.gz", None)]
    assert "(https://www.masrawy.example/menu): no article text" in got[("CC-NEWS-20240527.warc.gz", None)]
    assert all(Path(q["file"]).is_relative_to(inputs) for q in rows(out / "quarantine.jsonl"))


def test_articles_sharing_text_are_linked_across_formats_encodings_and_languages(scanned) -> None:
    _, out, _ = scanned
    pairs = {frozenset((p["a"], p["b"])): p for p in rows(out / "pairs.jsonl")}
    expected = [("quote", "wire"), ("zh-copy", "zh-wire"), ("https://www.masrawy.example/ar-copy", "ar-wire"),
                ("ja-copy", "ja-wire")]
    for copy, source in expected:
        pair = pairs.get(frozenset((copy, source)))
        assert pair is not None, (copy, source, list(pairs))
        assert pair["relation"] == "derived"
    assert set(pairs) == {frozenset(pair) for pair in expected}  # nothing else is linked
    articles = {a["id"]: a for a in rows(out / "articles.jsonl")}
    assert articles["zh-copy"]["sources"] == ["zh-wire"] and articles["zh-wire"]["outlet"] == "Xinhua"
    assert articles["https://www.masrawy.example/ar-copy"]["outlet"] == "masrawy.example"
    assert "concert" in articles  # the good lines of the damaged feed were read


def test_report_lets_the_browser_set_the_direction_of_rtl_text(scanned) -> None:
    _, out, _ = scanned
    pages = [path.read_text(encoding="utf-8") for path in sorted((out / "report" / "pairs").glob("*.html"))]
    arabic = [html for html in pages if "أعلنت وزارة الري المصرية" in html]
    assert arabic and all('<div class="text" dir="auto"' in html for html in arabic)


def test_a_later_scan_of_hostile_files_loses_nothing_in_the_store(scanned, tmp_path) -> None:
    from wiretrace.store import Store

    _, out, paths = scanned
    store = tmp_path / "kept.duckdb"
    inputs = Path(paths["inputs"])
    first = subprocess.run([sys.executable, "-m", "wiretrace.cli", "scan", str(inputs / "wire.txt"),
                            str(inputs / "pages"), "--out", str(tmp_path / "o1"), "--store", str(store)],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    with Store(store, read_only=True) as kept:
        before = (kept.counts(), {p.a + p.b for p in kept.pairs()})
    hostile = [inputs / name for name in ("empty.txt", "huge.txt", "photo.txt", "nested.html", "bomb.jsonl.gz",
                                          "corrupt.parquet", "xinhua-feed.jsonl")]
    second = subprocess.run([sys.executable, "-m", "wiretrace.cli", "scan", *map(str, hostile),
                             "--out", str(tmp_path / "o2"), "--store", str(store)], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    with Store(store, read_only=True) as kept:
        counts, pairs = kept.counts(), {p.a + p.b for p in kept.pairs()}
        assert {"wire", "quote"} <= {a.id for a in kept.articles()}
    assert counts["articles"] == before[0]["articles"] + 2  # only the feed's good new lines: zh-wire, concert
    assert before[1] <= pairs and counts["pairs"] >= before[0]["pairs"]
