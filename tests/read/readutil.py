"""Helpers shared by the reader tests."""

from __future__ import annotations

from pathlib import Path

from wiretrace.model import Article, QuarantineEntry
from wiretrace.read import iter_articles


def read_all(*paths: str | Path) -> tuple[list[Article], list[QuarantineEntry]]:
    """Run iter_articles over paths and return (articles, quarantine)."""
    quarantine: list[QuarantineEntry] = []
    return list(iter_articles(paths, quarantine)), quarantine


def write(path: Path, content: str | bytes) -> Path:
    """Write text (as UTF-8, newlines untouched) or bytes to path, creating directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path
