"""Quality gate (after trafilatura's ``tests/eval_gate.py``): wiretrace's scores on a small generated
corpus may not fall below the floors pinned in ``eval_gate.json``, the corpus may not change
unnoticed (its hash is pinned), and the floors themselves may not be lowered silently."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from wiretrace.bench.generate import generate_corpus
from wiretrace.engines.local import scan
from wiretrace.evaluate.gold import evaluate_scan

GATE_FILE = Path(__file__).with_name("eval_gate.json")
GATE = json.loads(GATE_FILE.read_text())


def _corpus_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("articles.jsonl", "gold/pairs.jsonl", "gold/clusters.jsonl", "gold/articles.jsonl"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def measures(figures: dict) -> dict[str, float]:
    """The gated figures, flat, from an ``evaluate_scan`` result."""
    detection = figures["detection"]
    out = {"relation_macro_f1": figures["macro_f1"], "direction_accuracy": figures["direction_accuracy"],
           "pair_precision": detection["precision"], "plagdet": figures["passages"]["plagdet"],
           "article_macro_f1": figures["articles"]["macro_f1"],
           "adjusted_rand_index": figures["clusters"]["adjusted_rand_index"]}
    out.update({f"recall.{t}": r for t, r in detection["recall_by_type"].items()})
    out.update({f"false_positive_rate.{t}": r for t, r in detection["false_positive_rate_by_type"].items()})
    return out


@pytest.fixture(scope="module")
def gated(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, float]]:
    root = tmp_path_factory.mktemp("gate")
    generate_corpus(tiny_base, GATE["corpus"]["n"], GATE["corpus"]["seed"], root / "corpus")
    scan([root / "corpus" / "articles.jsonl"], root / "scan", report=False)
    return _corpus_hash(root / "corpus"), measures(evaluate_scan(root / "corpus", root / "scan"))


def test_gate_corpus_is_the_pinned_one(gated: tuple[str, dict[str, float]]) -> None:
    assert gated[0] == GATE["corpus"]["sha256"], (
        "the generated gate corpus changed (generator or test base): re-measure and update eval_gate.json deliberately")


def test_scores_reach_every_floor_and_stay_under_every_ceiling(gated: tuple[str, dict[str, float]]) -> None:
    got = gated[1]
    below = {k: (round(got.get(k, 0.0), 4), floor) for k, floor in GATE["floors"].items() if got.get(k, 0.0) < floor}
    above = {k: (round(got.get(k, 1.0), 4), cap) for k, cap in GATE["ceilings"].items() if got.get(k, 1.0) > cap}
    assert not below, f"below the floor (got, floor): {below}"
    assert not above, f"above the ceiling (got, ceiling): {above}"


def test_gate_was_not_loosened() -> None:
    """Compared with main's eval_gate.json: no floor lower, no ceiling higher, no measure dropped,
    unless WIRETRACE_GATE_LOWER gives the reason."""
    rel = GATE_FILE.relative_to(Path(__file__).resolve().parents[2]).as_posix()
    proc = subprocess.run(["git", "show", f"main:{rel}"], capture_output=True, text=True,
                          cwd=GATE_FILE.parent)
    if proc.returncode != 0:
        pytest.skip("no eval_gate.json on main to compare with (or no git)")
    old = json.loads(proc.stdout)
    loosened = [k for k, v in old["floors"].items() if GATE["floors"].get(k, -1.0) < v]
    loosened += [k for k, v in old["ceilings"].items() if GATE["ceilings"].get(k, 2.0) > v]
    if loosened and not os.environ.get("WIRETRACE_GATE_LOWER"):
        pytest.fail(f"quality gate loosened for {loosened}; set WIRETRACE_GATE_LOWER='why' to accept")
