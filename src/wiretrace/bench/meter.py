"""METER courts evaluation: scan the whole corpus as a user would and grade every newspaper article.

    python -m wiretrace.bench.meter [--meter DIR] [--out DIR]

Writes ``meter.json`` with the ternary macro-F1 of ``articles.jsonl`` degrees against the journalists'
labels (wholly / partially / non-derived), per-class figures, PAN plagdet of the scan's passages
against the SGML ``Verbatim``/``Rewrite`` spans (newspaper side), and a threshold sweep with 2-fold
cross-validation by date folder, so the shipped thresholds can be checked on data they were not
chosen on. The corpus is research-use material: it is read in place and never copied.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..engines.local import scan_articles
from ..evaluate.gold import passage_scores, read_prediction
from ..evaluate.loaders import load_meter_gold
from ..evaluate.meter import load_meter
from ..evaluate.metrics import prf
from ..settings import DEFAULT, Settings

DEFAULT_METER = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "meter-courts"
LABELS = ("wholly", "partially", "none")


def _degrees(share: np.ndarray, partial: float, wholly: float) -> np.ndarray:
    return np.where(share >= wholly, "wholly", np.where(share >= partial, "partially", "none"))


def _macro(gold: np.ndarray, pred: np.ndarray) -> float:
    return prf(dict(enumerate(gold)), dict(enumerate(pred)), LABELS)["macro_f1"]


def sweep(share: np.ndarray, gold: np.ndarray, folds: np.ndarray) -> dict[str, Any]:
    """Best thresholds on all data, and 2-fold cross-validated macro-F1 (thresholds chosen on one
    fold of dates, scored on the other)."""
    grid = [(p, w) for p in np.arange(0.05, 0.8, 0.01) for w in np.arange(0.2, 0.99, 0.01) if w > p + 0.05]

    def best(idx: np.ndarray) -> tuple[float, float, float]:
        return max((_macro(gold[idx], _degrees(share[idx], p, w)), p, w) for p, w in grid)

    f, p, w = best(np.ones(len(gold), dtype=bool))
    cv = []
    for train in (folds, ~folds):
        _, tp, tw = best(train)
        cv.append(_macro(gold[~train], _degrees(share[~train], tp, tw)))
    return {"best_in_sample": {"macro_f1": f, "partial_share": round(float(p), 2), "wholly_share": round(float(w), 2)},
            "cv_macro_f1": float(np.mean(cv))}


def run(meter: Path, out: Path, settings: Settings = DEFAULT) -> dict[str, Any]:
    """Scan METER courts with ``settings`` and score the article degrees."""
    corpus = load_meter(meter, newspaper_date_offset=1)
    t0 = time.perf_counter()
    result = scan_articles(corpus.articles, out / "scan", out / "scan" / "meter.duckdb", settings, report=False)
    seconds = time.perf_counter() - t0
    graded = {json.loads(line)["id"]: json.loads(line)
              for line in (out / "scan" / "articles.jsonl").read_text().splitlines()}
    ids = sorted(corpus.gold)
    gold = np.array([corpus.gold[i] for i in ids])
    pred = np.array([graded[i]["degree"] for i in ids])
    share = np.array([graded[i]["reused_share"] for i in ids])
    dates = np.array([i.split("/")[2] for i in ids])
    folds = np.isin(dates, sorted(set(dates))[::2])
    figures = prf(dict(zip(ids, gold)), dict(zip(ids, pred)), LABELS)
    meter_gold = load_meter_gold(meter)
    passages = passage_scores(meter_gold, read_prediction(out / "scan").pairs, meter_gold.texts)
    report = {
        "corpus": {"name": "METER courts", "newspaper_articles": len(ids), "articles": len(corpus.articles)},
        "settings": {"wholly_share": settings.wholly_share, "partial_share": settings.partial_share},
        "macro_f1": figures["macro_f1"],
        "accuracy": figures["accuracy"],
        "per_label": figures["per_label"],
        "confusion": figures["confusion"],
        "published_reference_macro_f1": 0.664,
        "passages": passages,
        "threshold_sweep": sweep(share, gold, folds),
        "scan": {"seconds": round(seconds, 1), "candidates": result.candidates, "related_pairs": result.related},
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
    }
    (out / "meter.json").write_text(json.dumps(report, indent=1))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meter", type=Path, default=DEFAULT_METER, help="METER corpus folder")
    parser.add_argument("--out", type=Path, default=Path("bench-out/meter"))
    args = parser.parse_args()
    if not (args.meter / "PA").is_dir():
        raise SystemExit(f"METER corpus not found at {args.meter} (pass --meter DIR)")
    report = run(args.meter, args.out)
    print(f"METER courts: article-degree macro-F1 {report['macro_f1']:.3f} "
          f"(published reference 0.664); accuracy {report['accuracy']:.3f}")
    p = report["passages"]
    print(f"passages (SGML Verbatim/Rewrite spans, newspaper side): plagdet {p['plagdet']:.3f} "
          f"(precision {p['precision']:.3f}, recall {p['recall']:.3f}, granularity {p['granularity']:.2f})")
    sweep_ = report["threshold_sweep"]
    print(f"threshold sweep: best in-sample {sweep_['best_in_sample']}, 2-fold CV {sweep_['cv_macro_f1']:.3f}")
    print(f"written: {args.out / 'meter.json'}")


if __name__ == "__main__":
    main()
