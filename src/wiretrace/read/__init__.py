"""Input readers: articles from text, JSONL/JSON, CSV/TSV, Parquet, HTML and WARC inputs.

Files may be gzip/zstd-compressed (``a.jsonl.gz``, ``crawl.warc.gz``), folders are walked, and ``-``
reads stdin. Bad inputs never stop a run: ``iter_articles`` appends them to a quarantine list (file,
line, reason) and goes on. ``Article.text`` is the decoded text with ``\\r\\n``/``\\r`` turned into
``\\n`` and mojibake repaired (for HTML: the extracted body text); all character offsets point into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from wiretrace.errors import EmptyInputError, InputError
from wiretrace.model import Article, QuarantineEntry
from wiretrace.read.files import READERS, STDIN, iter_files, open_source, read_file, reader_for
from wiretrace.read.items import Read
from wiretrace.read.metadata import outlet_from_url, parse_date
from wiretrace.read.options import DEFAULT_OPTIONS, ReadOptions
from wiretrace.read.source import STDIN_NAME, file_source
from wiretrace.read.quarantine import entry_from_exception, read_quarantine, write_quarantine
from wiretrace.read.text import article_from_text, date_from_prefix

__all__ = [
    "STDIN",
    "SUPPORTED_SUFFIXES",
    "ReadOptions",
    "outlet_from_url",
    "parse_date",
    "article_from_text",
    "date_from_prefix",
    "iter_articles",
    "read_article",
    "read_quarantine",
    "write_quarantine",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(READERS)
"""Suffixes with a dedicated reader; files with no/other suffixes are read as text if they are text."""


def iter_articles(
    paths: Iterable[str | Path], quarantine: list[QuarantineEntry], options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Article]:
    """Stream articles from files/directories (recursive); bad inputs go to `quarantine`, never raised.

    Ids default to file stems; files in different folders that share a stem (``business/001.txt``,
    ``sport/001.txt``) get their folder-qualified stem instead (``business/001``), so neither is lost.
    A later article with an id already seen in this run is quarantined as a duplicate.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = list(iter_files(paths, quarantine))  # names only: cheap even for millions of files
    qualified = qualified_stems(files)
    first_seen: dict[str, str] = {}
    for path in files:
        for item in read_file(path, options, qualified.get(path)):
            if isinstance(item, QuarantineEntry):
                quarantine.append(item)
            elif item.article.id in first_seen:
                quarantine.append(_duplicate(path, item, first_seen[item.article.id]))
            else:
                first_seen[item.article.id] = item.article.origin or str(path)
                yield item.article


def qualified_stems(files: list[Path]) -> dict[Path, str]:
    """For files whose stem is shared by another file, the shortest folder-qualified stem that is
    unique among them (``business/001``); files with a unique stem are absent."""
    by_stem: dict[str, list[Path]] = {}
    for path in files:
        if str(path) != STDIN:
            by_stem.setdefault(file_source(path).stem, []).append(path)
    out: dict[Path, str] = {}
    for stem, group in by_stem.items():
        if len(group) < 2:
            continue
        for depth in range(1, max(len(p.parts) for p in group) + 1):
            names = {p: "/".join([*p.parent.parts[-depth:], stem]) for p in group}
            if len(set(names.values())) == len(group):
                break
        out.update(names)
    return out


def read_article(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Article:
    """Read exactly one article from a file (for ``wiretrace compare A B``).

    Raises InputError (file, line, reason) if the file is unreadable, empty, binary, has a bad
    record, or holds other than exactly one article.
    """
    if str(path) == STDIN:
        return _one_article(_read_strictly(path, options), STDIN_NAME)
    path = Path(path)
    file = str(path)
    if path.is_dir():
        raise InputError(file, "is a directory, expected one article file")
    if not (path.exists() or path.is_symlink()):
        raise InputError(file, "no such file or directory")
    return _one_article(_read_strictly(path, options), file)


def _one_article(articles: Iterator[Article], file: str) -> Article:
    """The only article of an input; InputError if it has none or more than one."""
    first = next(articles, None)
    if first is None:
        raise EmptyInputError(file, "no articles")
    extra = sum(1 for _ in articles)
    if extra:
        raise InputError(file, f"file has {extra + 1} articles, expected exactly one to compare")
    return first


def _read_strictly(path: str | Path, options: ReadOptions) -> Iterator[Article]:
    """Articles of one input; the first bad record or any failure is raised as InputError."""
    try:
        source = open_source(path, options)
        for item in reader_for(source)(source):
            if isinstance(item, QuarantineEntry):
                raise InputError(item.file, item.reason, item.line)
            yield item.article
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - one clean InputError for any failure of this input
        entry = entry_from_exception(STDIN_NAME if str(path) == STDIN else str(path), exc)
        raise InputError(entry.file, entry.reason, entry.line) from exc


def _duplicate(path: Path, item: Read, first_origin: str) -> QuarantineEntry:
    """The quarantine entry for an article whose id was already read in this run."""
    reason = f"duplicate id '{item.article.id}' (first seen in {first_origin})"
    return QuarantineEntry(str(path), reason, item.line)
