"""decode_bytes: BOM, encodings (latin-1 METER files), binary detection, newlines, empty input."""

from __future__ import annotations

import codecs

import pytest

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.read.decode import decode_bytes, looks_binary, normalise_newlines


def test_utf8_kept_exactly() -> None:
    text = "Tâ€™s “quoted” — 5 € and 日本語\n\tindented\fpage"
    assert decode_bytes(text.encode("utf-8"), "f") == text


def test_utf8_bom_is_stripped() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Héllo".encode(), "f") == "Héllo"


@pytest.mark.parametrize(
    "text",
    [
        "£5,000 for Côte",
        "Café",
        "The court heard Mr Smith paid £5,000 for the Côte d'Azur villa; naïve café owners agreed.",
        "Zürich Straße Größe",
    ],
)
def test_latin1_meter_style_text(text: str) -> None:
    assert decode_bytes(text.encode("latin-1"), "meter.txt") == text


def test_cp1252_smart_quotes() -> None:
    text = "“Smart quotes” — and a dash… €10"
    assert decode_bytes(text.encode("cp1252"), "f") == text


def test_non_western_encoding_detected() -> None:
    text = "Привет, как дела? Это тест кодировки для новостей из Москвы."
    assert decode_bytes(text.encode("cp1251"), "f") == text


def test_utf8_with_stray_latin1_byte() -> None:
    data = "Le café est naïf et déjà là — ".encode() + "Côte".encode("latin-1")
    assert decode_bytes(data, "f") == "Le café est naïf et déjà là — Côte"


def test_utf16_with_bom() -> None:
    assert decode_bytes("Hello wörld\r\n".encode("utf-16"), "f") == "Hello wörld\n"


def test_newlines_normalised() -> None:
    assert decode_bytes(b"a\r\nb\rc\nd", "f") == "a\nb\nc\nd"
    assert normalise_newlines("x\r\r\ny") == "x\n\ny"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n "])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInputError, match="empty file"):
        decode_bytes(data, "empty.txt")


def test_unicode_whitespace_only_is_empty() -> None:
    with pytest.raises(EmptyInputError):
        decode_bytes("\u00a0\u3000\n".encode(), "f")


@pytest.mark.parametrize("data", [b"PK\x03\x04\x00\x00text", bytes(range(1, 32)) * 20 + b"abc"])
def test_binary_input(data: bytes) -> None:
    assert looks_binary(data)
    with pytest.raises(InputError, match="binary file, not text") as info:
        decode_bytes(data, "blob.txt")
    assert info.value.file == "blob.txt"
    assert not isinstance(info.value, EmptyInputError)


def test_few_control_characters_are_still_text() -> None:
    data = b"Page one\x0bstill text " * 10
    assert not looks_binary(data)
    assert decode_bytes(data, "f").startswith("Page one\x0b")
