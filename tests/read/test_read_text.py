"""Plain-text files, the date prefix and pasted text."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.errors import EmptyInputError
from wiretrace.read import article_from_text, date_from_prefix, read_article


def write(path: Path, content: str | bytes) -> Path:
    """Write text (as UTF-8, newlines untouched) or bytes to path, creating directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_txt_file_is_one_article(tmp_path) -> None:
    text = " date 2021-05-27 FILE - In this May 12, 2021 file photo...\r\nSecond line.\n"
    path = write(tmp_path / "001_6a53855e7c452db3.txt", text)
    article = read_article(path)
    assert article.id == "001_6a53855e7c452db3"
    assert article.date == "2021-05-27"
    assert article.text == text.replace("\r\n", "\n")  # date prefix kept, offsets stay valid
    assert article.title is None
    assert article.origin == str(path)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (" date 2021-05-27 FILE - In this", "2021-05-27"),
        ("date 1999-12-31\nText", "1999-12-31"),
        ("\n\t date   2020-02-29 x", "2020-02-29"),
        ("date 2021-05-27", "2021-05-27"),
        ("date 2021-13-40 bad month", None),
        ("The date 2021-05-27 is mid-text", None),
        ("date 2021-05-270 too long", None),
        ("updated 2021-05-27 x", None),
    ],
)
def test_date_prefix(text: str, date: str | None) -> None:
    assert date_from_prefix(text) == date


def test_file_without_suffix_read_as_text(tmp_path) -> None:
    path = write(tmp_path / "story", "Just some text.")
    article = read_article(path)
    assert (article.id, article.text) == ("story", "Just some text.")


def test_unknown_text_suffix_read_as_text_with_full_name_as_id(tmp_path) -> None:
    path = write(tmp_path / "wire.1999", "Wire copy.")
    assert read_article(path).id == "wire.1999"


def test_article_from_text() -> None:
    article = article_from_text(" date 2021-05-27 Pasted\r\nbody", outlet="AP", source="clipboard")
    assert article.id == "pasted"
    assert article.text == " date 2021-05-27 Pasted\nbody"
    assert article.date == "2021-05-27"
    assert article.outlet == "AP"
    assert article.meta == {"source": "clipboard"}


def test_article_from_text_explicit_date_wins() -> None:
    article = article_from_text("date 2021-05-27 x", id="a", date="2020-01-01", title="T")
    assert (article.id, article.date, article.title) == ("a", "2020-01-01", "T")


def test_article_from_text_empty() -> None:
    with pytest.raises(EmptyInputError):
        article_from_text(" \n ")
