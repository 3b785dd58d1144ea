"""Dates in the common formats and outlets from URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from wiretrace.read import outlet_from_url, parse_date


@pytest.mark.parametrize(("value", "iso"), [
    ("2021-05-27", "2021-05-27"),
    ("2021-05-27T10:00:00Z", "2021-05-27T10:00:00+00:00"),
    ("2021-05-27 10:00:00+02:00", "2021-05-27T10:00:00+02:00"),
    ("Thu, 27 May 2021 10:00:00 GMT", "2021-05-27T10:00:00+00:00"),
    ("27.05.2021", "2021-05-27"),
    ("27/05/2021", "2021-05-27"),
    ("2021/05/27", "2021-05-27"),
    ("20210527", "2021-05-27"),
    ("May 27, 2021", "2021-05-27"),
    ("Thursday, May 27, 2021", "2021-05-27"),
    ("27 May 2021", "2021-05-27"),
    ("March 3rd, 2020", "2020-03-03"),
    ("2021年5月27日", "2021-05-27"),
    ("1622109600", "2021-05-27T10:00:00+00:00"),
    (1622109600000, "2021-05-27T10:00:00+00:00"),
    (dt.date(2021, 5, 27), "2021-05-27"),
    (dt.datetime(2021, 5, 27, 10, 30), "2021-05-27T10:30:00"),
    ("31/02/2021", None),
    ("yesterday", None),
    ("12", None),
    ("", None),
    (None, None),
    (True, None),
    (float("nan"), None),
])
def test_parse_date(value, iso) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://www.bbc.co.uk/news/world-1", "bbc.co.uk"),
    ("https://apnews.com/article/x", "apnews.com"),
    ("http://edition.cnn.com/2021/05/27/x.html", "cnn.com"),
    ("https://m.lemonde.fr/a", "lemonde.fr"),
    ("https://www.news.example.invalid/x", "news.example.invalid"),
    ("https://localhost/x", None),
    ("not a url", None),
    ("http://[::1", None),
    (None, None),
])
def test_outlet_from_url(url, outlet) -> None:
    assert outlet_from_url(url) == outlet
