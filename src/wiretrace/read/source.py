"""Where a reader's bytes come from: a file, a gzip/zstd-compressed file, or stdin.

Compressed inputs are inflated as a stream behind a guard that stops a zip bomb: more than
``max_decompressed_bytes`` out, or more than ``max_compression_ratio`` times the compressed bytes
read (checked once past ``RATIO_GRACE_BYTES``), raises ``InputTooLargeError`` naming the file.
"""

from __future__ import annotations

import gzip
import io
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from wiretrace.errors import InputError, InputTooLargeError
from wiretrace.read.options import DEFAULT_OPTIONS, ReadOptions

COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd"}
"""Compression suffixes read transparently: ``a.jsonl.gz`` is read as JSONL."""

RATIO_GRACE_BYTES = 64 * 2**20
"""The compression-ratio guard starts after this much output (tiny files can compress 1000x)."""

STDIN_NAME = "<stdin>"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Source:
    """One input to read: its display name, format suffix, id stem and how to open its bytes.

    ``open()`` gives the decompressed, guarded byte stream and may be called again (readers that sniff
    first reopen); ``open_raw()`` gives the bytes as stored. ``path`` is set for plain files on disk
    (Parquet needs random access; sizes are checked before reading).
    """

    name: str
    suffix: str
    stem: str
    open_raw: Callable[[], BinaryIO]
    compression: str | None = None
    path: Path | None = None
    options: ReadOptions = field(default=DEFAULT_OPTIONS, compare=False)

    def open(self) -> BinaryIO:
        """The input's bytes, decompressed and size-guarded when it is compressed."""
        raw = self.open_raw()
        if self.compression is None:
            return raw
        return io.BufferedReader(_Guarded(raw, self.compression, self.name, self.options), _CHUNK)

    def size(self) -> int | None:
        """Size on disk of an uncompressed file (None when unknown or compressed)."""
        if self.path is None or self.compression is not None:
            return None
        try:
            return self.path.stat().st_size
        except OSError:
            return None

    def read_bytes(self, limit: int, what: str = "article", setting: str = "max_article_bytes") -> bytes:
        """All bytes (decompressed), refusing with InputTooLargeError if there are more than ``limit``."""
        size = self.size()
        if size is not None and size > limit:
            raise too_large(self.name, what, size, limit, setting)
        with self.open() as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise too_large(self.name, what, None, limit, setting)
        return data


def too_large(name: str, what: str, size: int | None, limit: int, setting: str = "max_article_bytes",
              line: int | None = None) -> InputTooLargeError:
    """The error for an input or article over its size limit, with the sizes and the setting to raise."""
    got = f"{what} is {human_size(size)}, over" if size is not None else f"{what} is over"
    return InputTooLargeError(name, f"{got} the {human_size(limit)} limit ({setting})", line)


def human_size(size: int) -> str:
    """A byte count for messages: MiB with one decimal, or KiB below one MiB."""
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{size / 2**10:.1f} KiB"


def file_source(path: Path, options: ReadOptions = DEFAULT_OPTIONS, id_stem: str | None = None) -> Source:
    """The source for a file on disk; ``.gz``/``.zst`` suffixes become compression (not the format).

    ``id_stem`` replaces the file stem in the ids it yields (a folder-qualified stem when two input
    files share one)."""
    name = path.name
    compression = COMPRESSIONS.get(path.suffix.lower())
    inner = Path(name[: -len(path.suffix)]) if compression else Path(name)
    suffix = inner.suffix.lower()
    stem = inner.name[: -len(suffix)] if suffix and inner.name.lower().endswith(suffix) else inner.name
    return Source(str(path), suffix, id_stem or stem or name, lambda: path.open("rb"), compression,
                  path if compression is None else None, options)


def stdin_source(options: ReadOptions = DEFAULT_OPTIONS, stream: BinaryIO | None = None) -> Source:
    """Stdin spilled to a temporary file (readers may need to look twice), format sniffed from its start.

    Compressed stdin (gzip or zstd magic) is recognised too. More than ``max_document_bytes`` is refused.
    """
    stream = stream if stream is not None else sys.stdin.buffer
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 2**20)
    copied = _copy_limited(stream, spool, options.max_document_bytes)
    if copied > options.max_document_bytes:
        spool.close()
        raise too_large(STDIN_NAME, "input", None, options.max_document_bytes, "max_document_bytes")
    spool.seek(0)
    head = spool.read(4096)
    spool.seek(0)
    compression = "gzip" if head.startswith(b"\x1f\x8b") else "zstd" if head.startswith(b"\x28\xb5\x2f\xfd") else None

    def reopen() -> BinaryIO:
        spool.seek(0)
        return io.BufferedReader(_NoClose(spool), _CHUNK)

    source = Source(STDIN_NAME, "", "stdin", reopen, compression, None, options)
    if compression:
        with source.open() as inflated:
            head = inflated.read(4096)
    return Source(STDIN_NAME, sniff_suffix(head), "stdin", reopen, compression, None, options)


def sniff_suffix(head: bytes) -> str:
    """Guess a format from the first bytes: WARC, HTML, JSON lines, a JSON array, else plain text."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"WARC/"):
        return ".warc"
    if start[:1] == b"<":
        return ".html"
    if start[:1] == b"{":
        return ".jsonl"
    if start[:1] == b"[":
        return ".json"
    return ".txt"


def _copy_limited(src: BinaryIO, dst: BinaryIO, limit: int) -> int:
    """Copy at most ``limit + 1`` bytes; returns how many were copied."""
    copied = 0
    while copied <= limit:
        chunk = src.read(min(_CHUNK, limit + 1 - copied))
        if not chunk:
            break
        dst.write(chunk)
        copied += len(chunk)
    return copied


class _NoClose(io.RawIOBase):
    """A view of the stdin spool that readers may close without closing the spool."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Guarded(io.RawIOBase):
    """A decompressing stream that raises InputTooLargeError past the size or ratio limit."""

    def __init__(self, raw: BinaryIO, compression: str, name: str, options: ReadOptions) -> None:
        self._raw = raw
        self._name = name
        self._compression = compression
        self._options = options
        self._out = 0
        self._inflate = _inflater(raw, compression)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inflate.read(len(buffer))
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - every codec has its own error types
            raise InputError(self._name, f"corrupt {self._compression} data after "
                                         f"{human_size(self._out)} inflated: {first_line(exc)}") from exc
        self._out += len(data)
        self._check()
        buffer[: len(data)] = data
        return len(data)

    def _check(self) -> None:
        """Stop a zip bomb: total output and output/input ratio limits."""
        limit = self._options.max_decompressed_bytes
        if self._out > limit:
            raise InputTooLargeError(self._name, f"decompresses to more than {human_size(limit)} "
                                                 "(max_decompressed_bytes): refusing a possible zip bomb")
        if self._out > RATIO_GRACE_BYTES:
            consumed = max(1, _tell(self._raw))
            ratio = self._out / consumed
            if ratio > self._options.max_compression_ratio:
                raise InputTooLargeError(
                    self._name, f"inflates {ratio:.0f}x (more than max_compression_ratio "
                                f"{self._options.max_compression_ratio:g}x): refusing a possible zip bomb")

    def close(self) -> None:
        try:
            self._inflate.close()
        finally:
            self._raw.close()
            super().close()


def _inflater(raw: BinaryIO, compression: str) -> BinaryIO:
    """A decompressing reader over ``raw`` for gzip (multi-member) or zstd (multi-frame)."""
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=False)


def _tell(raw: BinaryIO) -> int:
    """How many compressed bytes have been consumed (0 if the stream cannot tell)."""
    try:
        return raw.tell()
    except (OSError, ValueError):
        return 0


def first_line(exc: BaseException) -> str:
    """An exception's message, first line only, or its type name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
