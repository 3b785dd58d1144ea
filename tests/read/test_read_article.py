"""read_article: exactly one article per file, or an InputError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.read import read_article


def write(path: Path, content: str | bytes) -> Path:
    """Write text (as UTF-8, newlines untouched) or bytes to path, creating directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_missing_file(tmp_path) -> None:
    path = tmp_path / "gone.txt"
    with pytest.raises(InputError, match="gone.txt: no such file or directory") as info:
        read_article(path)
    assert info.value.file == str(path)


def test_directory(tmp_path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_article(tmp_path)


def test_empty_file(tmp_path) -> None:
    path = write(tmp_path / "empty.txt", "")
    with pytest.raises(EmptyInputError, match=r"empty\.txt: empty file"):
        read_article(path)


def test_binary_file(tmp_path) -> None:
    path = write(tmp_path / "blob.txt", b"\x00\xff" * 50)
    with pytest.raises(InputError, match=r"blob\.txt: binary file, not text"):
        read_article(path)


def test_unsupported_type(tmp_path) -> None:
    path = write(tmp_path / "img.png", b"\x89PNG")
    with pytest.raises(InputError, match=r"img\.png: unsupported file type '\.png'"):
        read_article(path)


def test_several_rows(tmp_path) -> None:
    path = write(tmp_path / "many.jsonl", "".join(f'{{"text": "T{i}"}}\n' for i in range(3)))
    with pytest.raises(InputError, match=r"many\.jsonl: file has 3 articles"):
        read_article(path)


def test_bad_line_names_file_and_line(tmp_path) -> None:
    path = write(tmp_path / "bad.jsonl", '{"text": "ok"}\n{"id": 2}\n')
    with pytest.raises(InputError) as info:
        read_article(path)
    error = info.value
    assert (error.file, error.line, error.reason) == (str(path), 2, "missing field 'text'")
    assert str(info.value) == f"{path}:2: missing field 'text'"


def test_empty_table(tmp_path) -> None:
    path = write(tmp_path / "header.csv", "id,text\n")
    with pytest.raises(EmptyInputError, match="no rows"):
        read_article(path)
