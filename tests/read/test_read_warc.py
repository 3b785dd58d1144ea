"""WARC / WARC.gz archives (CC-NEWS layout), written in the test with warcio."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from readutil import read_all, write
from warcs import page, write_warc

from wiretrace.read import ReadOptions, iter_articles

sys.path.insert(0, str(Path(__file__).parents[1]))
from helpers import QUOTING_PIECE, UNRELATED, WIRE  # noqa: E402

AP_URL = "https://www.apnews.com/article/portugal-water-law"


def crawl(tmp_path: Path, gzip_: bool = True) -> Path:
    suffix = ".warc.gz" if gzip_ else ".warc"
    return write_warc(tmp_path / f"CC-NEWS-20240305{suffix}", [
        (AP_URL, page("Portugal passes water law", WIRE, "2024-03-04"), "text/html; charset=utf-8"),
        ("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("https://example.org/old", b"", "!301 Moved Permanently"),
        ("https://example.org/stub", b"<html><body><nav>Home</nav></body></html>", "text/html"),
        ("https://blog.example.co.uk/water?id=1", page("Opinion", QUOTING_PIECE), "application/xhtml+xml"),
    ], gzip=gzip_)


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_each_html_response_becomes_an_article_with_url_and_dates(tmp_path, compressed) -> None:
    path = crawl(tmp_path, compressed)
    articles, quarantine = read_all(path)
    assert [a.id for a in articles] == [AP_URL, "https://blog.example.co.uk/water?id=1"]
    wire, blog = articles
    assert wire.url == AP_URL and wire.title == "Portugal passes water law"
    assert wire.date == "2024-03-04"  # the page's own date wins over the fetch date
    assert wire.meta["fetch_date"] == "2024-03-05T10:00:00+00:00"
    assert wire.outlet == "apnews.com"  # derived from the URL: the page names no site
    assert "desalination plants along the Algarve coast" in wire.text and "Contact us" not in wire.text
    assert blog.date == "2024-03-05T10:00:00+00:00"  # no date on the page: the fetch date
    assert blog.outlet == "example.co.uk"
    assert wire.origin.startswith(f"{path}@")
    (stub,) = quarantine  # images, redirects and requests are skipped, the stub page is not an article
    assert stub.file == str(path) and "(https://example.org/stub): no article text found in HTML" in stub.reason
    assert stub.reason.startswith("record at byte ")


def test_truncated_archive_keeps_the_pages_before_the_damage(tmp_path) -> None:
    path = crawl(tmp_path)
    data = gzip.decompress(path.read_bytes())
    cut = write(tmp_path / "cut.warc.gz", gzip.compress(data[: data.index(b"https://example.org/stub") + 200]))
    articles, quarantine = read_all(cut)
    assert [a.id for a in articles] == [AP_URL]
    assert [(q.file, q.reason[:40]) for q in quarantine] == [(str(cut), "truncated or unreadable WARC data after ")]


def test_archive_cut_inside_a_page_quarantines_that_page(tmp_path) -> None:
    data = gzip.decompress(crawl(tmp_path).read_bytes())
    cut = write(tmp_path / "cut.warc", data[: data.index(b"desalination plants")])
    articles, quarantine = read_all(cut)
    assert articles == []
    assert quarantine[0].reason.endswith(": truncated archive") and quarantine[0].file == str(cut)


def test_corrupt_gzip_in_the_middle_is_quarantined(tmp_path) -> None:
    data = crawl(tmp_path).read_bytes()
    broken = write(tmp_path / "broken.warc.gz", data[:600] + b"\x00" * 50 + data[650:])
    articles, quarantine = read_all(broken)
    assert [(q.file, q.reason[:20]) for q in quarantine] == [(str(broken), "corrupt gzip data af")]
    assert len(articles) <= 1


def test_not_a_warc_and_no_html_are_quarantined(tmp_path) -> None:
    not_warc = write(tmp_path / "notes.warc", "just some text, not an archive\n")
    images = write_warc(tmp_path / "images.warc.gz", [("https://x.org/a.png", b"\x89PNG", "image/png")])
    articles, quarantine = read_all(not_warc, images)
    assert articles == []
    assert quarantine[0].file == str(not_warc) and quarantine[0].reason.startswith("not a readable WARC archive")
    assert (quarantine[1].file, quarantine[1].reason) == (str(images), "no HTML responses in WARC archive")


def test_oversized_page_is_quarantined_and_the_next_page_still_read(tmp_path) -> None:
    big = page("Huge", "word " * 50_000)
    path = write_warc(tmp_path / "big.warc.gz", [
        ("https://x.org/huge", big, "text/html"), ("https://x.org/small", page("Small", UNRELATED), "text/html")])
    quarantine: list = []
    articles = list(iter_articles([path], quarantine, ReadOptions(max_article_bytes=100_000)))
    assert [a.id for a in articles] == ["https://x.org/small"]
    assert "(https://x.org/huge): page is over the 97.7 KiB limit (max_article_bytes)" in quarantine[0].reason


def test_same_url_twice_is_a_duplicate(tmp_path) -> None:
    body = page("Again", WIRE)
    path = write_warc(tmp_path / "dup.warc.gz", [(AP_URL, body, "text/html"), (AP_URL, body, "text/html")])
    articles, quarantine = read_all(path)
    assert len(articles) == 1
    assert quarantine[0].reason.startswith(f"duplicate id '{AP_URL}'")
