"""HTML pages through trafilatura (offline): body text, metadata, pages without an article."""

from __future__ import annotations

import gzip

from readutil import read_all, write

from wiretrace.read import read_article

PAGE = """<!DOCTYPE html><html><head><meta charset="windows-1252">
<title>Truce talks - Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="og:title" content="Truce talks may include prisoner exchange">
<meta property="og:url" content="https://planet.example/truce">
<meta name="date" content="2021-05-27">
</head><body><nav>Home | World | Sport</nav>
<article><p>Israel and Hamas have been invited by Egyptian authorities to separate truce talks
mediated by Egypt, an official said on Wednesday in Cairo.</p>
<p>The talks may include a prisoner exchange, the official told reporters, costing \u00a35,000.</p>
</article><footer>Copyright Daily Planet</footer></body></html>"""


def test_html_article_and_metadata(tmp_path) -> None:
    path = write(tmp_path / "planet-truce.html", PAGE.encode("cp1252"))
    articles, quarantine = read_all(path)
    assert quarantine == []
    (article,) = articles
    assert article.id == "planet-truce"
    assert "invited by Egyptian authorities" in article.text
    assert "\u00a35,000" in article.text
    assert "Copyright" not in article.text and "Sport" not in article.text
    assert article.title == "Truce talks may include prisoner exchange"
    assert article.date == "2021-05-27"
    assert article.outlet == "Daily Planet"
    assert article.url == "https://planet.example/truce"
    assert article.origin == str(path)


def test_html_without_article_text(tmp_path) -> None:
    html = "<html><head><title>Nothing</title></head><body> </body></html>"
    path = write(tmp_path / "empty.htm", html)
    articles, quarantine = read_all(path)
    assert articles == []
    assert [(q.file, q.reason) for q in quarantine] == [(str(path), "no article text found in HTML")]


def test_read_article_html(tmp_path) -> None:
    path = write(tmp_path / "p.htm", PAGE.encode("cp1252"))
    assert read_article(path).outlet == "Daily Planet"


def test_author_canonical_url_and_outlet_from_the_url(tmp_path) -> None:
    html = """<html><head><title>Budget vote</title><meta name="author" content="Jane Doe">
<link rel="canonical" href="https://www.lemonde.example.fr/politique/budget">
<meta property="article:published_time" content="2024-03-04T08:15:00+01:00"></head><body><article>
<p>The national assembly adopted the budget on Monday evening after a long night of debate.</p>
<p>The opposition said it would challenge several measures before the constitutional council.</p>
</article></body></html>"""
    article = read_article(write(tmp_path / "budget.html.gz", gzip.compress(html.encode())))
    assert article.id == "budget"
    assert article.meta["author"] == "Jane Doe"
    assert article.url == "https://www.lemonde.example.fr/politique/budget"
    assert article.outlet == "lemonde.example.fr"
    assert article.date == "2024-03-04"


def test_navigation_stub_is_not_an_article(tmp_path) -> None:
    path = write(tmp_path / "menu.html", "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body></html>")
    articles, quarantine = read_all(path)
    assert articles == [] and quarantine[0].reason.startswith("no article text found in HTML")
