"""iter_articles over directories: order, hidden files, unsupported types, duplicates, failures."""

from __future__ import annotations

import json
import os

import pytest

from readutil import read_all, write

from wiretrace.model import QuarantineEntry
from wiretrace.read import SUPPORTED_SUFFIXES, iter_articles, read_quarantine, write_quarantine


def test_nested_directories_sorted_and_hidden_skipped(tmp_path) -> None:
    write(tmp_path / "b" / "z.txt", "Z text.")
    write(tmp_path / "b" / "a" / "deep.txt", "Deep text.")
    write(tmp_path / "a.txt", "A text.")
    write(tmp_path / "c.jsonl", '{"id": "c1", "text": "C text."}\n')
    write(tmp_path / ".hidden.txt", "Hidden.")
    write(tmp_path / ".git" / "x.txt", "Hidden dir.")
    articles, quarantine = read_all(tmp_path)
    assert quarantine == []
    assert [a.id for a in articles] == ["a", "deep", "z", "c1"]


def test_unsupported_suffix_is_quarantined(tmp_path) -> None:
    write(tmp_path / "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path / "paper.pdf", b"%PDF-1.4 ...")
    write(tmp_path / "dump.weird", b"\x00\x01\x02binary")
    write(tmp_path / "ok.txt", "Fine.")
    articles, quarantine = read_all(tmp_path)
    assert [a.id for a in articles] == ["ok"]
    assert [(os.path.basename(q.file), q.reason) for q in quarantine] == [
        ("dump.weird", "unsupported file type '.weird' (binary file, not text)"),
        ("paper.pdf", "unsupported file type '.pdf'"),
        ("photo.png", "unsupported file type '.png'"),
    ]


def test_missing_path(tmp_path) -> None:
    missing = tmp_path / "nope"
    assert read_all(missing) == ([], [QuarantineEntry(str(missing), "no such file or directory")])


def test_binary_and_empty_files(tmp_path) -> None:
    binary = write(tmp_path / "blob.txt", b"\x00\x01\x02\x03" * 100)
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.txt", " \r\n\t")
    articles, quarantine = read_all(binary, empty, blank)
    assert articles == []
    assert quarantine == [
        QuarantineEntry(str(binary), "binary file, not text"),
        QuarantineEntry(str(empty), "empty file"),
        QuarantineEntry(str(blank), "empty file"),
    ]


def test_latin1_txt_in_a_run(tmp_path) -> None:
    write(tmp_path / "meter.txt", "£5,000 for Côte".encode("latin-1"))
    articles, _ = read_all(tmp_path)
    assert articles[0].text == "£5,000 for Côte"


def test_duplicate_ids(tmp_path) -> None:
    write(tmp_path / "a" / "story.txt", "First copy.")
    write(tmp_path / "b" / "story.txt", "Second copy.")
    first = write(tmp_path / "c" / "x.txt", "A file whose stem is an id used again below.")
    feed = write(tmp_path / "d.jsonl", '{"id": "x", "text": "1"}\n{"id": "x", "text": "2"}\n')
    articles, quarantine = read_all(tmp_path)
    # same stem in two folders: both kept under folder-qualified ids; a repeated explicit id is not
    assert [(a.id, a.text) for a in articles] == [
        ("a/story", "First copy."), ("b/story", "Second copy."),
        ("x", "A file whose stem is an id used again below.")]
    assert quarantine == [
        QuarantineEntry(str(feed), f"duplicate id 'x' (first seen in {first})", 1),
        QuarantineEntry(str(feed), f"duplicate id 'x' (first seen in {first})", 2),
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path) -> None:
    locked = write(tmp_path / "locked.txt", "Secret.")
    locked.chmod(0)
    try:
        articles, quarantine = read_all(locked)
    finally:
        locked.chmod(0o644)
    assert articles == [] and quarantine == [QuarantineEntry(str(locked), "permission denied")]


def test_os_errors_are_quarantined(tmp_path, monkeypatch) -> None:
    good = write(tmp_path / "good.txt", "Good.")
    bad = write(tmp_path / "bad.txt", "Bad.")
    real_open = type(bad).open

    def open_(self, *args, **kwargs):
        if self.name == "bad.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(bad), "open", open_)
    articles, quarantine = read_all(bad, good)
    assert [a.id for a in articles] == ["good"]
    assert quarantine == [QuarantineEntry(str(bad), "permission denied")]


def test_unexpected_exception_becomes_quarantine(tmp_path, monkeypatch) -> None:
    import wiretrace.read.text as text_module

    write(tmp_path / "a.txt", "A.")
    write(tmp_path / "b.jsonl", '{"text": "B."}\n')

    def boom(text):
        raise RuntimeError("kaboom\nsecond line")

    monkeypatch.setattr(text_module, "date_from_prefix", boom)
    articles, quarantine = read_all(tmp_path)
    assert [a.id for a in articles] == ["b:1"]  # the other file still comes through
    assert quarantine == [
        QuarantineEntry(str(tmp_path / "a.txt"), "unexpected error: RuntimeError: kaboom")]


def test_error_mid_file_keeps_earlier_records(tmp_path) -> None:
    path = write(tmp_path / "w.csv", 'id,text\n1,One.\n2,"Two.\n')
    articles, quarantine = read_all(path)
    assert [a.text for a in articles] == ["One.", "Two.\n"]  # unterminated quote reads to EOF
    assert quarantine == []


def test_iter_articles_is_lazy(tmp_path) -> None:
    write(tmp_path / "a.txt", "A.")
    write(tmp_path / "b.txt", "B.")
    quarantine: list[QuarantineEntry] = []
    b = tmp_path / "b.txt"
    stream = iter_articles([tmp_path, tmp_path / "missing"], quarantine)
    assert next(stream).id == "a"
    # the walk lists names first (a missing path is reported at once), but files are read lazily:
    b.write_text("")  # emptied after listing: only reading it now would quarantine it
    assert [q.reason for q in quarantine] == ["no such file or directory"]
    assert list(stream) == []
    assert [q.file for q in quarantine] == [str(tmp_path / "missing"), str(b)]


def test_single_path_argument(tmp_path) -> None:
    path = write(tmp_path / "solo.txt", "Solo.")
    assert [a.id for a in iter_articles(str(path), [])] == ["solo"]


def test_supported_suffixes() -> None:
    assert {".txt", ".jsonl", ".json", ".csv", ".parquet", ".html", ".htm"} <= SUPPORTED_SUFFIXES


def test_write_and_read_quarantine(tmp_path) -> None:
    entries = [QuarantineEntry("a.jsonl", "missing field 'text'", 3), QuarantineEntry("b.png", "x")]
    out = tmp_path / "out" / "quarantine.jsonl"
    assert write_quarantine(entries, out) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0] == {"file": "a.jsonl", "line": 3, "reason": "missing field 'text'"}
    assert read_quarantine(out) == entries


def test_same_file_stem_in_two_folders_keeps_both_with_folder_qualified_ids(tmp_path):
    (tmp_path / "business").mkdir()
    (tmp_path / "sport").mkdir()
    (tmp_path / "business" / "001.txt").write_text("Shares rose sharply on Monday in London trading.")
    (tmp_path / "sport" / "001.txt").write_text("The home side won the cup final on Saturday evening.")
    (tmp_path / "sport" / "002.txt").write_text("A second article with a stem of its own.")
    quarantine: list = []
    articles = {a.id: a for a in iter_articles([tmp_path], quarantine)}
    assert quarantine == []
    assert set(articles) == {"business/001", "sport/001", "002"}
    assert articles["sport/001"].text.startswith("The home side")
