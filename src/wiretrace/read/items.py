"""What the per-format readers yield: an article with its line, or a quarantine entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from wiretrace.model import Article, QuarantineEntry


@dataclass(frozen=True)
class Read:
    """An article read from a file, with the 1-based line it starts on (None for whole files)."""

    article: Article
    line: int | None = None


Item: TypeAlias = Read | QuarantineEntry
"""One thing a reader yields; readers raise only for problems with the whole file."""
