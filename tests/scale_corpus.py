"""A small generated news-like corpus for the scale tests: copies, trims and rewrites of the helper
stories among unrelated word-salad articles (ours, deterministic, no external data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from helpers import OWN_WORDS, QUOTING_PIECE, UNRELATED, WIRE

STORIES = [WIRE, OWN_WORDS, QUOTING_PIECE, UNRELATED]
VOCAB = sorted({w for s in STORIES for w in s.split()})


def variant(rng: random.Random, story: str) -> str:
    """A trimmed, lightly reworded or extended copy of one story."""
    paras = [p for p in story.split("\n\n") if p.strip()]
    kind = rng.randrange(3)
    if kind == 0:
        paras = paras[: max(2, len(paras) * 2 // 3)]
    elif kind == 1:
        paras = [" ".join(rng.choice(VOCAB) if rng.random() < 0.08 else w for w in p.split()) for p in paras]
    else:
        paras = paras + [" ".join(rng.choice(VOCAB) for _ in range(40))]
    return "\n\n".join(paras)


def articles(n: int, seed: int = 0) -> list[dict]:
    """``n`` articles as JSON rows: about a quarter derived from the helper stories."""
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        if rng.random() < 0.25:
            text = variant(rng, rng.choice(STORIES))
        else:
            text = " ".join(rng.choice(VOCAB) for _ in range(rng.randrange(80, 200))) + "."
        rows.append({"id": f"a{k:05d}", "text": text, "date": f"2024-03-{1 + k % 28:02d}"})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
