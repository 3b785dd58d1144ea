"""Property: any text written as UTF-8 reads back exactly (newlines normalised, mojibake repaired)
or fails clearly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.read import read_article
from wiretrace.read.decode import looks_binary, repair_mojibake


@settings(max_examples=150, deadline=None)
@given(st.text())
@example("\x0b\x1c\x1d")
@example("\ufeff\r")
@example("a\x00b")
@example(" date 2021-05-27 x\r\ny\rz")
def test_txt_round_trip(text: str) -> None:
    data = text.encode("utf-8")
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.txt"
        path.write_bytes(data)
        if not expected.strip():
            with pytest.raises(EmptyInputError):
                read_article(path)
        elif looks_binary(data.removeprefix(b"\xef\xbb\xbf")):
            with pytest.raises(InputError, match="binary file"):
                read_article(path)
        else:
            assert read_article(path).text == repair_mojibake(expected)
