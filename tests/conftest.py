"""Shared fixtures: the seed pair (read from ../shared, never copied) and small written articles."""

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
