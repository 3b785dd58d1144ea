"""Finding input files (and stdin, ``-``) and choosing a reader by format; the error boundary of each file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from wiretrace.errors import InputError
from wiretrace.model import QuarantineEntry
from wiretrace.read.html import read_html
from wiretrace.read.items import Item
from wiretrace.read.options import DEFAULT_OPTIONS, ReadOptions
from wiretrace.read.quarantine import entry_from_exception
from wiretrace.read.source import STDIN_NAME, Source, file_source, stdin_source
from wiretrace.read.tables import read_csv, read_json, read_jsonl, read_parquet, read_tsv
from wiretrace.read.text import read_text, read_unknown
from wiretrace.read.warc import read_warc

Reader = Callable[[Source], Iterator[Item]]

STDIN = "-"
"""The input name that means standard input (its format is sniffed from its first bytes)."""

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".tab": read_tsv,
    ".parquet": read_parquet,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".warc": read_warc,
}

UNSUPPORTED_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .tif .tiff .webp .ico .svg .pdf .doc .docx .odt .rtf .xls .xlsx"
    " .ppt .pptx .tgz .zip .bz2 .xz .zst .7z .rar .tar .mp3 .mp4 .m4a .wav .avi .mov .webm"
    " .arc .exe .dll .so .bin .pyc .pkl .npy .npz .db .sqlite .duckdb .arrow .feather .avro .orc".split()
)
"""Suffixes quarantined without being opened (binary or document formats wiretrace cannot read)."""


def reader_for(source: Source) -> Reader:
    """The reader for a source: by format suffix; unknown suffixes are sniffed and read as text if they are."""
    if source.suffix in READERS:
        return READERS[source.suffix]
    if source.suffix in UNSUPPORTED_SUFFIXES:
        return _unsupported
    return read_unknown


def open_source(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS, id_stem: str | None = None) -> Source:
    """The source for an input name: ``-`` is stdin, anything else a file (maybe .gz/.zst compressed)."""
    if str(path) == STDIN:
        return stdin_source(options)
    return file_source(Path(path), options, id_stem)


def read_file(path: Path | str, options: ReadOptions = DEFAULT_OPTIONS, id_stem: str | None = None) -> Iterator[Item]:
    """Everything one input yields; any exception becomes a quarantine entry naming the file.

    ``id_stem`` replaces the file stem in default ids (see ``read.qualified_stems``)."""
    name = STDIN_NAME if str(path) == STDIN else str(path)
    try:
        source = open_source(path, options, id_stem)
        yield from reader_for(source)(source)
    except RecursionError:  # a pathological document (deep nesting) must not take the run down
        yield QuarantineEntry(name, "input nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - the per-file error boundary: never crash the run
        yield entry_from_exception(name, exc)


def iter_files(paths: Iterable[str | Path], quarantine: list[QuarantineEntry]) -> Iterator[Path]:
    """Files named or found (recursively, sorted, hidden skipped); missing paths are quarantined."""
    for raw in paths:
        if str(raw) == STDIN:
            yield Path(STDIN)
            continue
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError as exc:
            quarantine.append(entry_from_exception(str(path), exc))
            continue
        if is_dir:
            yield from _walk(path, quarantine, set())
        elif exists:
            yield path
        else:
            quarantine.append(QuarantineEntry(str(path), "no such file or directory"))


def _walk(directory: Path, quarantine: list[QuarantineEntry], visited: set[str]) -> Iterator[Path]:
    """Files under ``directory`` in sorted path order, following symlinked dirs but not in loops."""
    real = os.path.realpath(directory)
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        quarantine.append(QuarantineEntry(str(directory), f"cannot list directory: {_strerror(exc)}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_dir(entry):
            yield from _walk(Path(entry.path), quarantine, visited)
        else:
            yield Path(entry.path)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether a directory entry is a directory (False if that cannot be determined)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _strerror(exc: OSError) -> str:
    """An OS error's message in lower case, e.g. 'permission denied'."""
    return (exc.strerror or str(exc)).lower()


def _unsupported(source: Source) -> Iterator[Item]:
    """Reader for known non-text suffixes: always fails with 'unsupported file type'."""
    raise InputError(source.name, f"unsupported file type '{source.suffix}'")
    yield  # pragma: no cover - makes this a generator like the other readers
