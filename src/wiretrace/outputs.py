"""Keep a scan's pairs.jsonl current by appending the new pairs to the previous file.

pairs.jsonl holds every related pair of the store in the order pairs are found (``store.BY_ARRIVAL``:
by the later article's number), so a scan's new pairs all come after the earlier ones; at a million
articles the file is gigabytes that DuckDB would encode again on every scan although old pairs never
change. So beside the file a small state (``.pairs.jsonl.state``) records which store it was written
from, up to which article (seq) its pairs go, how many lines it has, its size, mtime and order. When
the next scan writes to the same folder and all of that still holds, only the pairs of later articles
are encoded and appended. The result is the file a full rewrite gives, byte for byte. Whenever
anything does not fit, the caller rewrites the whole file instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import StaleOutputError
from .store import copy_range

ORDER = "arrival"
"""How the lines are ordered (``store.BY_ARRIVAL``). A file in another order (by (a, b), as scans
wrote it before they appended) has a state without it, and is rewritten whole."""


@dataclass(frozen=True)
class PairsState:
    """What a written pairs.jsonl holds: the pairs of ``store`` among articles numbered up to ``upto``."""

    store: str  # the store's token (``Store.token``)
    upto: int
    pairs: int
    passages: bool
    size: int
    mtime_ns: int
    order: str  # ``ORDER``


def state_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.state")


def read_state(path: Path) -> PairsState | None:
    """The state written beside ``path``, if there is one that still describes the file on disk."""
    try:
        state = PairsState(**json.loads(state_path(path).read_text()))
        stat = path.stat()
    except (OSError, ValueError, TypeError):
        return None
    same = (stat.st_size, stat.st_mtime_ns, state.order) == (state.size, state.mtime_ns, ORDER)
    return state if same else None


def write_state(path: Path, store: str, upto: int, pairs: int, passages: bool) -> PairsState:
    """Record what ``path`` (just written) holds, atomically."""
    stat = path.stat()
    state = PairsState(store, upto, pairs, passages, stat.st_size, stat.st_mtime_ns, ORDER)
    tmp = state_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)))
    tmp.replace(state_path(path))
    return state


def forget_state(path: Path) -> None:
    state_path(path).unlink(missing_ok=True)


def append_lines(path: Path, new: Path) -> int:
    """Append the lines of ``new`` to ``path`` (which ends with a whole line) in the kernel; returns
    the bytes appended. Readers of ``path`` may see the last line half written meanwhile, as with
    any growing log. The caller removes the file's state first: a run killed halfway leaves none,
    and the next scan rewrites the file whole."""
    with path.open("r+b") as old, new.open("rb") as src:
        size = os.fstat(old.fileno()).st_size
        if size and os.pread(old.fileno(), 1, size - 1) != b"\n":
            raise StaleOutputError(f"{path} does not end with a whole line")
        count = os.fstat(src.fileno()).st_size
        copy_range(src.fileno(), old.fileno(), 0, count, size)
    return count
