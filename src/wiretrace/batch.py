"""``compare --batch``: compare many pairs given as JSONL, one result per line, errors in place."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .errors import InputError
from .model import Article
from .pipeline import compare
from .read.decode import decode_fragment
from .settings import DEFAULT, Settings

if TYPE_CHECKING:
    from .semantic import Semantic

_FIELDS = ("id", "text", "title", "date", "outlet", "url")


def _article(value: Any, side: str, default_id: str) -> Article:
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict):
        raise ValueError(f"'{side}' must be an object with a 'text' field")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"'{side}' has no text")
    kw = {k: (str(value[k]) if value.get(k) is not None else None) for k in _FIELDS[2:]}
    return Article(id=str(value.get("id") or default_id), text=text, **kw)


def compare_batch(path: str | Path, settings: Settings = DEFAULT,
                  semantic: Semantic | None = None) -> Iterator[dict[str, Any]]:
    """Yield one compare object (with the input line's ``id``) per input line; a bad line yields
    ``{"id", "line", "error"}`` instead, and the batch goes on."""
    p = Path(path)
    try:
        fh = p.open("rb")
    except OSError as exc:
        raise InputError(str(p), f"cannot open: {exc.strerror or exc}") from exc
    with fh:
        for line_no, raw in enumerate(fh, 1):
            # bytes, decoded per line as the readers do: a stray non-UTF-8 byte must not end the batch
            line = decode_fragment(raw.removeprefix(codecs.BOM_UTF8) if line_no == 1 else raw)
            if not line.strip():
                continue
            pair_id: Any = None
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("line is not a JSON object")
                pair_id = row.get("id", line_no)
                a = _article(row.get("a"), "a", "a")
                b = _article(row.get("b"), "b", "b")
            except (ValueError, json.JSONDecodeError) as exc:
                yield {"id": pair_id, "line": line_no, "error": f"{p}:{line_no}: {exc}"}
                continue
            yield {"id": pair_id, **compare(a, b, settings, semantic).to_json()}
