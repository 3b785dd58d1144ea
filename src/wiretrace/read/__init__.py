"""Input readers: articles from .txt, .jsonl, .json, .csv, .parquet and .html files or directories.

Bad inputs never stop a run: ``iter_articles`` appends them to a quarantine list (file, line,
reason) and goes on. ``Article.text`` is the decoded text with only ``\\r\\n``/``\\r`` turned into
``\\n`` (for HTML: the extracted body text), and all character offsets point into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import Article, QuarantineEntry
from wiretrace.read.files import READERS, iter_files, read_file, reader_for
from wiretrace.read.items import Read
from wiretrace.read.quarantine import entry_from_exception, read_quarantine, write_quarantine
from wiretrace.read.text import article_from_text, date_from_prefix

__all__ = [
    "SUPPORTED_SUFFIXES",
    "article_from_text",
    "date_from_prefix",
    "iter_articles",
    "read_article",
    "read_quarantine",
    "write_quarantine",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(READERS)
"""Suffixes with a dedicated reader; files with no/other suffixes are read as text if they are text."""


def iter_articles(paths: Iterable[str | Path], quarantine: list[QuarantineEntry]) -> Iterator[Article]:
    """Stream articles from files/directories (recursive); bad inputs go to `quarantine`, never raised.

    A later article with an id already seen in this run is quarantined as a duplicate.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    first_seen: dict[str, str] = {}
    for path in iter_files(paths, quarantine):
        for item in read_file(path):
            if isinstance(item, QuarantineEntry):
                quarantine.append(item)
            elif item.article.id in first_seen:
                quarantine.append(_duplicate(path, item, first_seen[item.article.id]))
            else:
                first_seen[item.article.id] = item.article.origin or str(path)
                yield item.article


def read_article(path: str | Path) -> Article:
    """Read exactly one article from a file (for ``wiretrace compare A B``).

    Raises InputError (file, line, reason) if the file is unreadable, empty, binary, has a bad
    record, or holds other than exactly one article.
    """
    path = Path(path)
    file = str(path)
    if path.is_dir():
        raise InputError(file, "is a directory, expected one article file")
    if not (path.exists() or path.is_symlink()):
        raise InputError(file, "no such file or directory")
    articles = _read_strictly(path)
    first = next(articles, None)
    if first is None:
        raise EmptyInputError(file, "no articles")
    extra = sum(1 for _ in articles)
    if extra:
        raise InputError(file, f"file has {extra + 1} articles, expected exactly one to compare")
    return first


def _read_strictly(path: Path) -> Iterator[Article]:
    """Articles of one file; the first bad record or any failure is raised as InputError."""
    try:
        for item in reader_for(path)(path):
            if isinstance(item, QuarantineEntry):
                raise InputError(item.file, item.reason, item.line)
            yield item.article
    except InputError:
        raise
    except Exception as exc:
        entry = entry_from_exception(str(path), exc)
        raise InputError(entry.file, entry.reason, entry.line) from exc


def _duplicate(path: Path, item: Read, first_origin: str) -> QuarantineEntry:
    """The quarantine entry for an article whose id was already read in this run."""
    reason = f"duplicate id '{item.article.id}' (first seen in {first_origin})"
    return QuarantineEntry(str(path), reason, item.line)
