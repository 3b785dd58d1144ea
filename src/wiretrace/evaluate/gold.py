"""``wiretrace eval``: score a scan's output against gold pairs (CSV) or gold clusters (JSONL)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .metrics import adjusted_rand_index, bcubed_f1, prf

RELATIONS = ("duplicate", "derived", "same_story", "unrelated")


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def load_gold_pairs(path: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """Gold pairs from a CSV with columns a,b,label[,degree]; returns (labels, copy→source for derived)."""
    labels: dict[tuple[str, str], str] = {}
    sources: dict[tuple[str, str], str] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"a", "b", "label"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(str(path), f"gold CSV needs columns a,b,label (missing: {', '.join(sorted(missing))})")
        for row in reader:
            label = (row["label"] or "").strip()
            if label not in RELATIONS:
                raise InputError(str(path), f"unknown label {label!r} (expected one of {', '.join(RELATIONS)})",
                                 line=reader.line_num)
            key = _pair_key(row["a"].strip(), row["b"].strip())
            labels[key] = label
            if label in ("derived", "duplicate"):
                sources[key] = row["b"].strip()  # by convention a is the copy, b the source
    return labels, sources


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError(str(path), "missing: is this the output folder of `wiretrace scan`?")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_scan(gold: str | Path, pred_dir: str | Path) -> dict[str, Any]:
    """Precision/recall/F1 per relation (pairs absent from pairs.jsonl count as ``unrelated``) and
    direction accuracy; or, for a JSONL of gold clusters, ARI and B-cubed F1 of clusters.jsonl."""
    gold, pred_dir = Path(gold), Path(pred_dir)
    if gold.suffix == ".jsonl":
        gold_of = {m: str(c.get("cluster", n)) for n, c in enumerate(_read_jsonl(gold)) for m in c["members"]}
        pred_of = {m: c["cluster"] for c in _read_jsonl(pred_dir / "clusters.jsonl") for m in c["members"]}
        return {"adjusted_rand_index": adjusted_rand_index(gold_of, pred_of), "bcubed": bcubed_f1(gold_of, pred_of)}
    labels, sources = load_gold_pairs(gold)
    pred_pairs = {_pair_key(p["a"], p["b"]): p for p in _read_jsonl(pred_dir / "pairs.jsonl")}
    pred = {k: pred_pairs[k]["relation"] if k in pred_pairs else "unrelated" for k in labels}
    figures = prf({f"{a}|{b}": v for (a, b), v in labels.items()},
                  {f"{a}|{b}": v for (a, b), v in pred.items()}, RELATIONS, missing="unrelated")
    directed = [k for k in sources if k in pred_pairs and pred_pairs[k]["source"]]
    figures["direction_accuracy"] = (sum(pred_pairs[k]["source"] == sources[k] for k in directed) / len(directed)
                                     if directed else 0.0)
    figures["direction_pairs"] = len(directed)
    return figures
