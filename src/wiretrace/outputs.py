"""Keep a scan's pairs.jsonl current by merging the new pairs into the previous file.

pairs.jsonl holds every related pair of the store in (a, b) order: at a million articles, gigabytes
that DuckDB would encode again on every scan although old pairs never change. So beside the file a
small state (``.pairs.jsonl.state``) records which store it was written from, up to which article
(seq) its pairs go, how many lines it has and its size and mtime. When the next scan writes to the
same folder and all of that still holds, only the pairs of later articles are encoded and merged in:
each is placed by binary search over the old file's lines, and the stretches between are copied by
the kernel (``os.copy_file_range``). The result is the file a full rewrite gives, byte for byte.
Whenever anything does not fit, the caller rewrites the whole file instead.
"""

from __future__ import annotations

import json
import mmap
import os
from dataclasses import asdict, dataclass
from json.decoder import scanstring
from pathlib import Path

from .errors import StaleOutputError

_LINE_START = '{"a":"'
_SECOND_KEY = ',"b":"'
_SCAN_BYTES = 1 << 16  # below this many bytes, lines are tested one by one rather than bisected


@dataclass(frozen=True)
class PairsState:
    """What a written pairs.jsonl holds: the pairs of ``store`` among articles numbered up to ``upto``."""

    store: str  # the store's token (``Store.token``)
    upto: int
    pairs: int
    passages: bool
    size: int
    mtime_ns: int


def state_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.state")


def read_state(path: Path) -> PairsState | None:
    """The state written beside ``path``, if there is one that still describes the file on disk."""
    try:
        state = PairsState(**json.loads(state_path(path).read_text()))
        stat = path.stat()
    except (OSError, ValueError, TypeError):
        return None
    return state if (stat.st_size, stat.st_mtime_ns) == (state.size, state.mtime_ns) else None


def write_state(path: Path, store: str, upto: int, pairs: int, passages: bool) -> PairsState:
    """Record what ``path`` (just written) holds, atomically."""
    stat = path.stat()
    state = PairsState(store, upto, pairs, passages, stat.st_size, stat.st_mtime_ns)
    tmp = state_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)))
    tmp.replace(state_path(path))
    return state


def forget_state(path: Path) -> None:
    state_path(path).unlink(missing_ok=True)


def pair_key(buf: bytes | mmap.mmap, start: int) -> tuple[str, str]:
    """(a, b) of the pairs.jsonl line starting at byte ``start`` (it starts ``{"a":"…","b":"…"``);
    reads a short prefix, and the whole line only when the ids are longer."""
    end = min(len(buf), start + 512)
    while True:
        try:
            return _key_of(buf[start:end].decode("utf-8", "replace"))
        except ValueError:
            whole = _next_line(buf, start)
            if end >= whole:
                raise StaleOutputError(f"the line at byte {start} does not start with a pair's a and b") from None
            end = whole


def _key_of(text: str) -> tuple[str, str]:
    if not text.startswith(_LINE_START):
        raise ValueError("not a pair")
    a, i = scanstring(text, len(_LINE_START))
    if not text.startswith(_SECOND_KEY, i):
        raise ValueError("no b after a")
    return a, scanstring(text, i + len(_SECOND_KEY))[0]


def _next_line(buf: mmap.mmap, pos: int) -> int:
    newline = buf.find(b"\n", pos)
    return len(buf) if newline < 0 else newline + 1


def insertion_point(buf: mmap.mmap, key: tuple[str, str], lo: int) -> int:
    """Byte offset of the first line at or after ``lo`` (a line start) whose key sorts after
    ``key`` (the file's end if none): lines are sorted by (a, b). A line with ``key`` itself means
    the file is not what its state says."""
    end, fallback = len(buf), len(buf)
    while end - lo > _SCAN_BYTES:
        mid = (lo + end) // 2
        newline = buf.find(b"\n", mid, end)
        if newline < 0 or newline + 1 >= end:  # no line starts in (mid, end): look before mid
            if mid + 1 >= end:
                break
            end = mid + 1
            continue
        start = newline + 1
        if pair_key(buf, start) > key:
            end = fallback = start
        else:
            lo = start
    pos = lo
    while pos < end:
        found = pair_key(buf, pos)
        if found == key:
            raise StaleOutputError(f"pair {key} is in the file already")
        if found > key:
            return pos
        pos = _next_line(buf, pos)
    return fallback


def _copy_range(src: int, dst: int, offset: int, count: int) -> None:
    """Append ``count`` bytes of ``src`` from ``offset`` to ``dst``, in the kernel where it can."""
    while count > 0:
        try:
            done = os.copy_file_range(src, dst, count, offset)
        except OSError:  # another file system, an old kernel: through user space instead
            done = os.write(dst, os.pread(src, min(count, 1 << 24), offset))
        if done <= 0:
            raise StaleOutputError("the old pairs file ended early")
        offset += done
        count -= done


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def merge_sorted(old: Path, new: Path, out: Path) -> int:
    """Write to ``out`` the lines of ``old`` with those of ``new`` (few, both sorted by (a, b), no
    key in both) placed in order; returns how many lines came from ``new``."""
    lines = [line + b"\n" for line in new.read_bytes().split(b"\n") if line]
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with old.open("rb") as src:
            size = os.fstat(src.fileno()).st_size
            if size == 0:
                _write_all(fd, b"".join(lines))
                return len(lines)
            with mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                if buf[-1:] != b"\n":
                    raise StaleOutputError(f"{old} does not end with a whole line")
                copied = 0
                for line in lines:
                    at = insertion_point(buf, pair_key(line, 0), copied)
                    _copy_range(src.fileno(), fd, copied, at - copied)
                    _write_all(fd, line)
                    copied = at
                _copy_range(src.fileno(), fd, copied, size - copied)
    finally:
        os.close(fd)
    return len(lines)
