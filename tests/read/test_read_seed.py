"""The real seed pair from the shared examples, if present."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.model import Article, QuarantineEntry
from wiretrace.read import iter_articles, read_article

SEED = Path("/work/shared/examples/seed-pair")


def read_all(*paths: str | Path) -> tuple[list[Article], list[QuarantineEntry]]:
    """Run iter_articles over paths and return (articles, quarantine)."""
    quarantine: list[QuarantineEntry] = []
    return list(iter_articles(paths, quarantine)), quarantine


@pytest.mark.skipif(not SEED.is_dir(), reason="seed pair not available")
def test_seed_pair() -> None:
    articles, quarantine = read_all(SEED)
    assert quarantine == []
    by_id = {a.id: a for a in articles}
    assert set(by_id) >= {"000_bc121a0789a62e57", "001_6a53855e7c452db3"}
    ap = by_id["001_6a53855e7c452db3"]
    assert ap.date == "2021-05-27"
    assert ap.text.startswith(" date 2021-05-27 FILE")
    assert read_article(SEED / "001_6a53855e7c452db3.txt") == ap
    raw = (SEED / "001_6a53855e7c452db3.txt").read_bytes().decode("utf-8-sig")
    assert ap.text == raw.replace("\r\n", "\n").replace("\r", "\n")
