"""Hostile inputs: huge articles and lines, deep nesting, mojibake, invalid UTF-8; each gets a clear
quarantine entry naming the file (and line) while the good articles around it are read."""

from __future__ import annotations

import json
import random

from readutil import read_all, write

from wiretrace.read import ReadOptions, iter_articles


def test_200_mb_article_is_refused_without_reading_it(tmp_path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.write(b"Opening words of an absurd article. ")
        handle.truncate(200 * 2**20)
    good = write(tmp_path / "good.txt", "A normal article.")
    articles, quarantine = read_all(huge, good)  # refused by its size on disk: never read or decoded
    assert [a.id for a in articles] == ["good"]
    assert [(q.file, q.reason) for q in quarantine] == [
        (str(huge), "article is 200.0 MiB, over the 16.0 MiB limit (max_article_bytes)")]


def test_oversized_jsonl_line_is_skipped_and_the_next_lines_read(tmp_path) -> None:
    lines = [json.dumps({"id": "a", "text": "Short one."}), json.dumps({"id": "big", "text": "word " * 50_000}),
             json.dumps({"id": "c", "text": "Short two."})]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    quarantine: list = []
    articles = list(iter_articles([path], quarantine, ReadOptions(max_article_bytes=10_000)))
    assert [a.id for a in articles] == ["a", "c"]
    assert [(q.file, q.line) for q in quarantine] == [(str(path), 2)]
    assert quarantine[0].reason == "line is over the 9.8 KiB limit (max_article_bytes)"


def test_oversized_csv_field_names_its_line(tmp_path) -> None:
    path = write(tmp_path / "t.csv", "id,text\na,Fine text.\nb," + "x" * 20_000 + "\n")
    quarantine: list = []
    articles = list(iter_articles([path], quarantine, ReadOptions(max_article_bytes=10_000)))
    assert [a.id for a in articles] == ["a"]
    assert (quarantine[0].file, quarantine[0].line) == (str(path), 3)
    assert "field larger than field limit" in quarantine[0].reason


def test_deeply_nested_html_is_quarantined_quickly(tmp_path) -> None:
    depth = 50_000
    html = "<html><body>" + "<div>" * depth + "<p>Buried text.</p>" + "</div>" * depth + "</body></html>"
    path = write(tmp_path / "nested.html", html)
    articles, quarantine = read_all(path)
    assert articles == []
    assert quarantine[0].file == str(path) and quarantine[0].reason.startswith("no article text found in HTML")


def test_deeply_nested_json_is_a_clear_error(tmp_path) -> None:
    path = write(tmp_path / "deep.jsonl", '{"id": "a", "text": "ok"}\n' + "[" * 100_000 + "\n")
    articles, quarantine = read_all(path)
    assert [a.id for a in articles] == ["a"]
    assert (quarantine[0].line, quarantine[0].reason) == (2, "invalid JSON: nested too deeply")


def test_mojibake_is_repaired_and_noted(tmp_path) -> None:
    path = write(tmp_path / "moji.txt", "The cafÃ© owner said â€œnoâ€\x9d to the plan.")
    articles, quarantine = read_all(path)
    assert articles[0].text == "The café owner said “no” to the plan."
    assert articles[0].meta == {"repaired": "mojibake"}


def test_repair_can_be_switched_off(tmp_path) -> None:
    path = write(tmp_path / "moji.jsonl", json.dumps({"text": "cafÃ© society"}) + "\n")
    quarantine: list = []
    (article,) = iter_articles([path], quarantine, ReadOptions(repair_mojibake=False))
    assert article.text == "cafÃ© society"


def test_invalid_utf8_lines_are_decoded_not_dropped(tmp_path) -> None:
    data = b'{"id": "a", "text": "caf\xe9 cr\xe8me in Z\xfcrich"}\n{"id": "b", "text": "\xe2\x82\xac5 or \xe2\x82\xac6 \xff"}\n'
    articles, quarantine = read_all(write(tmp_path / "latin.jsonl", data))
    assert quarantine == []
    assert [a.text for a in articles] == ["café crème in Zürich", "€5 or €6 ÿ"]


def test_binary_with_a_table_suffix(tmp_path) -> None:
    blob = write(tmp_path / "photo.jsonl", bytes(range(256)) * 10)
    csv = write(tmp_path / "dump.csv", b"\x00\x01" * 100)
    articles, quarantine = read_all(blob, csv)
    assert articles == []
    assert [(q.file, q.reason) for q in quarantine] == [
        (str(blob), "binary file, not text"), (str(csv), "binary file, not text")]


def undecodable(size: int = 3000) -> bytes:
    """Printable ASCII and high bytes at random: invalid UTF-8 that no charset fits either."""
    rng = random.Random(5)
    alphabet = [*range(0x20, 0x7F), *range(0x80, 0x100)]
    return bytes(rng.choice(alphabet) for _ in range(size))


def test_invalid_utf8_that_no_encoding_fits_is_quarantined(tmp_path) -> None:
    text = write(tmp_path / "garbage.txt", undecodable())
    table = write(tmp_path / "garbage.csv", b"id,text\n" + undecodable())
    articles, quarantine = read_all(text, table)
    assert articles == []
    reason = "invalid UTF-8, and no other text encoding fits: not text"
    assert [(q.file, q.reason) for q in quarantine] == [(str(text), reason), (str(table), reason)]
