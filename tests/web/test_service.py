"""The web layer's plain functions: reading uploads and pasted text, search snippets, store access."""

from __future__ import annotations

import json

import pytest

from wiretrace.errors import EmptyInputError, InputError, StoreError
from wiretrace.web.service import Catalog, content_id, pasted_article, snippet, uploaded_article


def test_pasted_article_without_id_gets_a_stable_content_id():
    a = pasted_article("Some news text.", None, outlet="Reuters", title="")
    assert a.id == content_id("Some news text.") == pasted_article("Some news text.").id
    assert a.id != pasted_article("Other news text.").id
    assert a.outlet == "Reuters" and a.title is None
    assert pasted_article("date 2025-03-14 Text here.").date == "2025-03-14"
    with pytest.raises(EmptyInputError):
        pasted_article(" \n\t ")


def test_upload_is_read_by_its_suffix():
    record = {"id": "wire-1", "text": "Body of the story.", "outlet": "AFP", "date": "2025-03-12"}
    jsonl = uploaded_article(json.dumps(record).encode(), "feed.jsonl")
    assert (jsonl.id, jsonl.outlet, jsonl.date, jsonl.text) == ("wire-1", "AFP", "2025-03-12", "Body of the story.")
    assert jsonl.origin == "upload:feed.jsonl"
    html = b"<html><head><title>T</title></head><body><article><p>" + b"Paragraph of news text. " * 20 + \
           b"</p></article></body></html>"
    page = uploaded_article(html, "story.html", "chosen-id", outlet="Gazette")
    assert page.id == "chosen-id" and page.outlet == "Gazette" and "Paragraph of news text." in page.text
    cp1252 = uploaded_article("Caf\u00e9 owners \u2014 said".encode("cp1252"), "note.txt")
    assert cp1252.text == "Caf\u00e9 owners \u2014 said" and cp1252.id.startswith("pasted-")


def test_upload_name_is_only_a_label(tmp_path):
    target = tmp_path / "x.txt"
    article = uploaded_article(b"Text of the article.", f"../../{target}", None)
    assert not target.exists()
    assert article.origin == "upload:x.txt" and "/" not in article.id
    odd = uploaded_article(b"Plain text in a file named .exe", "tool.exe")
    assert odd.text == "Plain text in a file named .exe"


def test_bad_uploads_are_input_errors():
    with pytest.raises(InputError, match="binary"):
        uploaded_article(b"\x00\x01\x02" * 100, "blob.txt")
    with pytest.raises(InputError):
        uploaded_article(b'{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n', "two.jsonl")
    with pytest.raises(EmptyInputError):
        uploaded_article(b"   ", "empty.txt")


def test_snippet_centres_on_the_phrase():
    text = "x " * 200 + "the Needle is here" + " y" * 200
    piece = snippet(text, "needle", width=60)
    assert "Needle" in piece and piece.startswith("…") and piece.endswith("…")
    assert snippet("Short text.", "absent") == "Short text."


def test_catalog_names_a_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        with Catalog(tmp_path / "none.duckdb").reading():
            pass
