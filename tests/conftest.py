"""Shared fixtures: the seed pair (read from ../shared, never copied), small written articles and a
store scanned from them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO.parent / "shared" / "examples" / "seed-pair"
NEWSWEEK = "000_bc121a0789a62e57"
AP = "001_6a53855e7c452db3"
SAMPLE = REPO / "samples" / "newsroom"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    if not (SEED_DIR / f"{AP}.txt").exists():
        pytest.skip("seed pair not present (../shared/examples/seed-pair)")
    return SEED_DIR


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store scanned from four small articles (a wire story, a piece quoting it, two others)."""
    from helpers import OWN_WORDS, QUOTING_PIECE, UNRELATED, WIRE
    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article

    arts = [Article("wire", WIRE, outlet="Associated Press", date="2024-01-02"),
            Article("quote", QUOTING_PIECE, date="2024-01-03"), Article("own", OWN_WORDS), Article("other", UNRELATED)]
    scan_articles(arts, tmp_path / "out", tmp_path / "s.duckdb", report=False)
    return tmp_path / "s.duckdb"
