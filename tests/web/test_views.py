"""Server-rendered pages and `wiretrace serve` (without a browser: see test_browser.py for that)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from wiretrace import cli

from .conftest import AP_ID

EVIL = 'Hello <script>window.pwned=1</script> and <img src=x onerror="window.pwned=2"> bye & co'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _assert_inert(html: str) -> None:
    """Only our own scripts, no <img>, no on* handlers anywhere in the page."""
    for tag, attrs in _tags(html):
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        assert tag != "img"
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)


@pytest.mark.parametrize("path", ["/", "/clusters", "/pairs", "/pairs?relation=derived", "/outlets",
                                  f"/articles?id={AP_ID}", "/search?q=Harbor", "/clusters/{largest}"])
def test_every_page_renders(client, path):
    largest = client.get("/api/clusters").json()["clusters"][0]["cluster"]  # ids are content-derived
    response = client.get(path.format(largest=largest))
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    _assert_inert(response.text)


def test_pasted_rewrite_shows_ap_as_the_source_side_by_side(client, ledger_text):
    page = client.post("/query", data={"text": ledger_text}).text
    table = page[page.index('<table class="results">'):page.index("</table>")]
    first = re.search(r"<tr>\s*<td><a href=\"#(r\d+-)result\">", table)
    assert first
    ap_row = next(row for row in re.findall(r"<tr>(.*?)</tr>", table, re.S) if AP_ID in row)
    assert "<strong>Associated Press</strong> (stored article)" in ap_row
    assert 'class="legend"' in page
    marks = re.findall(r'<mark class="(verbatim|rewritten)" id="(r\d+-[ab]-p\d+)" data-twin="(r\d+-[ab]-p\d+)"', page)
    assert {kind for kind, _, _ in marks} == {"verbatim", "rewritten"}
    ids = {mark_id for _, mark_id, _ in marks}
    assert all(twin in ids for _, _, twin in marks)


def test_upload_reads_by_suffix_and_never_uses_the_name_as_a_path(client, ledger_text, tmp_path):
    target = tmp_path / "escaped.txt"
    name = f"../../../../{target}"
    page = client.post("/query", data={"id": "uploaded", "add": "true"},
                       files={"file": (name, ledger_text.encode("utf-8"), "text/plain")})
    assert page.status_code == 200 and "Added to the store" in page.text
    assert not target.exists()
    stored = client.get("/api/articles/uploaded").json()
    assert stored["text"] == ledger_text and AP_ID in stored["sources"]


def test_pair_page_has_verdict_in_words_and_links_back(client):
    pair = next(p for p in client.get("/api/pairs").json()["pairs"] if p["source"] and p["direction_reasons"])
    page = client.get("/pair", params={"a": pair["a"], "b": pair["b"]}).text
    assert "is the source" in page and "Why this direction" in page
    for reason in pair["direction_reasons"]:
        assert reason.replace("'", "&#39;").replace('"', "&#34;") in page
    assert 'id="scores"' in page and 'id="passages"' in page


def test_missing_things_are_404_pages(client):
    for path in ("/articles?id=nope", "/clusters/nope", f"/pair?a={AP_ID}&b=nope"):
        response = client.get(path)
        assert response.status_code == 404 and "Not found" in response.text


def test_empty_form_is_a_clear_422(client):
    response = client.post("/query", data={"text": "  "})
    assert response.status_code == 422 and "paste an article" in response.text


def test_untrusted_text_is_escaped_on_every_page(client):
    body = {"article": {"id": 'evil"><script>window.pwned=3</script>', "text": EVIL + "\n\n" + EVIL,
                        "title": "<b onmouseover=alert(1)>t</b>", "outlet": "<script>x</script>"}, "add": True}
    assert client.post("/api/query", json=body).status_code == 200
    evil_id = body["article"]["id"]
    pages = [client.get("/articles", params={"id": evil_id}).text,
             client.get("/search", params={"q": "pwned"}).text,
             client.get("/search", params={"q": evil_id}).text,
             client.post("/query", data={"text": EVIL, "title": "<script>t</script>"}).text]
    for html in pages:
        _assert_inert(html)
        assert "<script>window" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in pages[0]


def test_serve_get_answers_one_request(store_copy, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["serve", "--store", str(store_copy), "--get", f"/api/articles/{AP_ID}"])
    assert done.value.code == 0
    assert f'"id": "{AP_ID}"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        cli.main(["serve", "--store", str(store_copy), "--get", "/api/articles/nope"])
    assert done.value.code == 1
    assert "no article with id" in capsys.readouterr().out


def test_serve_binds_localhost_by_default(store_copy, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    with pytest.raises(SystemExit) as done:
        cli.main(["serve", "--store", str(store_copy)])
    assert done.value.code == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000


def test_serve_and_every_other_command_is_in_the_readme():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in cli.app.registered_commands]
    assert "serve" in names
    for name in names:
        assert f"wiretrace {name}" in readme, name


def test_serve_on_a_new_store_starts_empty(tmp_path, capsys):
    store = tmp_path / "new.duckdb"
    with pytest.raises(SystemExit) as done:
        cli.main(["serve", "--store", str(store), "--get", "/api/overview"])
    assert done.value.code == 0 and store.exists()
    assert '"articles": 0' in capsys.readouterr().out
