"""Quarantine helpers: turning failures into entries and writing/reading ``quarantine.jsonl``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from wiretrace.errors import InputError
from wiretrace.model import QuarantineEntry


def entry_from_exception(file: str, exc: BaseException) -> QuarantineEntry:
    """A quarantine entry for any failure while reading ``file``, with a one-line reason."""
    if isinstance(exc, InputError):
        return QuarantineEntry(exc.file, exc.reason, exc.line)
    return QuarantineEntry(str(file), reason_for(exc))


def reason_for(exc: BaseException) -> str:
    """A short reason for an unexpected exception: OS errors by their message, others by type."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"unexpected error: {type(exc).__name__}" + (f": {message}" if message else "")


def write_quarantine(entries: Iterable[QuarantineEntry], path: str | Path) -> int:
    """Write entries as JSON lines ``{"file","line","reason"}``, creating parent dirs; returns count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


def read_quarantine(path: str | Path) -> list[QuarantineEntry]:
    """Read back a file written by write_quarantine."""
    with Path(path).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [QuarantineEntry(row["file"], row["reason"], row.get("line")) for row in rows]
