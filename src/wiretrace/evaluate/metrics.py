"""Evaluation metrics: classification P/R/F1, clustering agreement (ARI, B-cubed), span overlap.

All functions are pure: they take mappings/sequences and return numbers or plain dicts. Undefined
ratios (0/0) are 0.0, except where both sides are empty, which counts as perfect agreement (1.0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

# ----------------------------------------------------------------------------------------------
# classification


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def prf(
    gold: Mapping[str, str],
    pred: Mapping[str, str | None],
    labels: Sequence[str],
    missing: str = "none",
) -> dict[str, Any]:
    """Per-label precision/recall/F1/support, macro averages, accuracy and confusion matrix.

    Items are the keys of ``gold``; an item absent from ``pred`` (or predicted ``None``) counts as
    predicted ``missing``. Items only in ``pred`` are ignored (counted in ``"ignored"``). Macro
    averages are over ``labels`` (including labels with no support). The confusion matrix is
    ``confusion[gold_label][pred_label] = count`` over ``labels`` plus any other label seen, every
    cell present (zeros included).

    Returns ``{"labels", "per_label": {label: {"precision", "recall", "f1", "support",
    "predicted"}}, "macro_precision", "macro_recall", "macro_f1", "accuracy", "n", "ignored",
    "confusion"}``.
    """
    labels = list(labels)
    if len(set(labels)) != len(labels):
        raise ValueError(f"duplicate labels: {labels}")
    pairs = []
    for item, g in gold.items():
        p = pred.get(item)
        pairs.append((g, missing if p is None else p))
    seen = labels + sorted({x for pair in pairs for x in pair} - set(labels))
    confusion: dict[str, dict[str, int]] = {g: {p: 0 for p in seen} for g in seen}
    for g, p in pairs:
        confusion[g][p] += 1

    per_label: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = confusion[lab][lab]
        support = sum(confusion[lab].values())
        predicted = sum(confusion[g][lab] for g in seen)
        p = _ratio(tp, predicted)
        r = _ratio(tp, support)
        per_label[lab] = {
            "precision": p,
            "recall": r,
            "f1": _f1(p, r),
            "support": support,
            "predicted": predicted,
        }
    n = len(pairs)
    k = len(labels)
    correct = sum(confusion[x][x] for x in seen)
    return {
        "labels": labels,
        "per_label": per_label,
        "macro_precision": sum(v["precision"] for v in per_label.values()) / k if k else 0.0,
        "macro_recall": sum(v["recall"] for v in per_label.values()) / k if k else 0.0,
        "macro_f1": sum(v["f1"] for v in per_label.values()) / k if k else 0.0,
        "accuracy": _ratio(correct, n),
        "n": n,
        "ignored": sum(1 for item in pred if item not in gold),
        "confusion": confusion,
    }


# ----------------------------------------------------------------------------------------------
# clustering


def _contingency(
    gold_clusters: Mapping[str, Any], pred_clusters: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Sparse contingency table over the items of ``gold_clusters``.

    Items missing from ``pred_clusters`` are singletons of their own; items only in
    ``pred_clusters`` are ignored. Returns ``(cells, cell_gold, cell_pred, gold_sizes,
    pred_sizes, n)``: the count of every non-zero cell with the gold and predicted cluster index it
    belongs to, the size of every gold and every predicted cluster, and the number of items.
    """
    items = list(gold_clusters)
    n = len(items)
    g_index: dict[Any, int] = {}
    p_index: dict[tuple[bool, Any], int] = {}
    g = np.zeros(n, dtype=np.int64)
    p = np.zeros(n, dtype=np.int64)
    for k, item in enumerate(items):
        g[k] = g_index.setdefault(gold_clusters[item], len(g_index))
        key = (True, pred_clusters[item]) if item in pred_clusters else (False, item)
        p[k] = p_index.setdefault(key, len(p_index))
    n_pred = max(len(p_index), 1)
    keys, cells = np.unique(g * n_pred + p, return_counts=True)
    return (
        cells.astype(np.int64),
        keys // n_pred,
        keys % n_pred,
        np.bincount(g, minlength=len(g_index)),
        np.bincount(p, minlength=len(p_index)),
        n,
    )


def _pairs(x: np.ndarray) -> int:
    x = x.astype(np.int64)
    return int((x * (x - 1) // 2).sum())


def adjusted_rand_index(
    gold_clusters: Mapping[str, Any], pred_clusters: Mapping[str, Any]
) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two partitions given as item → cluster label.

    Items are the keys of ``gold_clusters``; an item missing from ``pred_clusters`` is a singleton;
    items only in ``pred_clusters`` are ignored. 1.0 for identical partitions (also for the
    degenerate cases where the index is 0/0: fewer than two items, or both partitions all
    singletons / both one cluster); about 0 for chance agreement; can be negative.
    """
    cells, _, _, gold_sizes, pred_sizes, n = _contingency(gold_clusters, pred_clusters)
    if n < 2:
        return 1.0
    index = _pairs(cells)
    a = _pairs(gold_sizes)
    b = _pairs(pred_sizes)
    total = n * (n - 1) // 2
    expected = a * b / total
    maximum = (a + b) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def bcubed_f1(
    gold_clusters: Mapping[str, Any], pred_clusters: Mapping[str, Any]
) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009).

    Per item: precision = share of its predicted cluster that shares its gold cluster, recall =
    share of its gold cluster that shares its predicted cluster; both averaged over items, F1 is
    their harmonic mean. Items as in :func:`adjusted_rand_index` (missing → singleton). No items
    → all 1.0.
    """
    cells, cg, cp, gold_sizes, pred_sizes, n = _contingency(gold_clusters, pred_clusters)
    if n == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    c = cells.astype(np.float64)
    precision = float((c * c / pred_sizes[cp]).sum() / n)
    recall = float((c * c / gold_sizes[cg]).sum() / n)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


# ----------------------------------------------------------------------------------------------
# spans


def _merge(spans: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """Union of half-open intervals as sorted, disjoint, non-adjacent ``(start, end)`` pairs."""
    ivs = sorted((int(s[0]), int(s[1])) for s in spans if int(s[1]) > int(s[0]))
    out: list[tuple[int, int]] = []
    for s, e in ivs:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Total length of the intersection of two merged interval lists."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if e > s:
            total += e - s
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _span_scores(overlap: int, gold_chars: int, pred_chars: int) -> dict[str, float]:
    if gold_chars == 0 and pred_chars == 0:
        p = r = f = 1.0
    else:
        p = _ratio(overlap, pred_chars)
        r = _ratio(overlap, gold_chars)
        f = _f1(p, r)
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "overlap": overlap,
        "gold_chars": gold_chars,
        "pred_chars": pred_chars,
    }


def char_prf(
    gold_spans: Iterable[Sequence[int]], pred_spans: Iterable[Sequence[int]]
) -> dict[str, float]:
    """Character-level precision/recall/F1 of two span sets over one text.

    Spans are ``(start, end)`` (end exclusive; extra elements such as a label are ignored);
    overlapping spans within a set are merged first, so every character counts once. Returns
    ``precision``, ``recall``, ``f1`` and the raw counts ``overlap``, ``gold_chars``,
    ``pred_chars`` (for micro-averaging; see :func:`char_prf_micro`). Both sets empty → 1.0.
    """
    g = _merge(gold_spans)
    p = _merge(pred_spans)
    return _span_scores(
        _overlap(g, p), sum(e - s for s, e in g), sum(e - s for s, e in p)
    )


def char_prf_micro(
    gold_by_doc: Mapping[str, Iterable[Sequence[int]]],
    pred_by_doc: Mapping[str, Iterable[Sequence[int]]],
) -> dict[str, float]:
    """:func:`char_prf` micro-averaged over documents (character counts summed).

    Documents are the union of both mappings' keys; a document absent from one side has no spans
    there.
    """
    overlap = gold_chars = pred_chars = 0
    for doc in set(gold_by_doc) | set(pred_by_doc):
        r = char_prf(gold_by_doc.get(doc, ()), pred_by_doc.get(doc, ()))
        overlap += int(r["overlap"])
        gold_chars += int(r["gold_chars"])
        pred_chars += int(r["pred_chars"])
    return _span_scores(overlap, gold_chars, pred_chars)


# ----------------------------------------------------------------------------------------------
# PAN plagiarism detection measures (Potthast, Stein, Barrón-Cedeño, Rosso 2010)

Span = tuple[int, int]


def _detects(case: Sequence[Any], det: Sequence[Any]) -> bool:
    """A detection detects a case when they concern the same document pair and overlap on the copy
    side and, when the case has one, on the source side."""
    if case[0] != det[0] or not _overlap([tuple(case[1])], [tuple(det[1])]):
        return False
    return case[2] is None or (det[2] is not None and bool(_overlap([tuple(case[2])], [tuple(det[2])])))


def _covered(case: Sequence[Any], others: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """Characters of ``case`` (copy side, plus source side when it has one) covered by ``others``,
    and its own length counted the same way."""
    covered = _overlap([tuple(case[1])], _merge(o[1] for o in others))
    size = case[1][1] - case[1][0]
    if case[2] is not None:
        covered += _overlap([tuple(case[2])], _merge(o[2] for o in others if o[2] is not None))
        size += case[2][1] - case[2][0]
    return covered, size


def plagdet(cases: Sequence[Sequence[Any]], detections: Sequence[Sequence[Any]]) -> dict[str, float]:
    """PAN's plagdet: character precision and recall (macro-averaged over detections and cases),
    granularity (detections per detected case) and ``F1 / log2(1 + granularity)``.

    A case or detection is ``(key, copy_span, source_span | None)`` where ``key`` names the document
    pair (or the copy document alone for one-sided annotations such as METER's) and spans are
    ``(start, end)`` character offsets, end exclusive. A case with no source span is matched on the
    copy side only. No cases and no detections → all 1.0; no detections → 0.0.
    """
    if not cases and not detections:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0, "granularity": 1.0, "plagdet": 1.0,
                "cases": 0, "detections": 0, "detected_cases": 0}
    by_key: dict[Any, list[Sequence[Any]]] = {}
    for det in detections:
        by_key.setdefault(det[0], []).append(det)
    cases_by_key: dict[Any, list[Sequence[Any]]] = {}
    for case in cases:
        cases_by_key.setdefault(case[0], []).append(case)

    recall_sum = 0.0
    detected = 0
    granularity_sum = 0
    for case in cases:
        hits = [d for d in by_key.get(case[0], ()) if _detects(case, d)]
        if hits:
            detected += 1
            granularity_sum += len(hits)
            covered, size = _covered(case, [(d[0], d[1], d[2] if case[2] is not None else None) for d in hits])
            recall_sum += _ratio(covered, size)
    precision_sum = 0.0
    for det in detections:
        hits = [c for c in cases_by_key.get(det[0], ()) if _detects(c, det)]
        if hits:
            # the detection's own length counts its source side only where the cases it meets have one
            one_sided = all(c[2] is None for c in hits)
            view = (det[0], det[1], None if one_sided else det[2])
            covered, size = _covered(view, [(c[0], c[1], c[2]) for c in hits])
            precision_sum += _ratio(covered, size)
    precision = _ratio(precision_sum, len(detections))
    recall = _ratio(recall_sum, len(cases))
    granularity = granularity_sum / detected if detected else 1.0
    f1 = _f1(precision, recall)
    return {"precision": precision, "recall": recall, "f1": f1, "granularity": granularity,
            "plagdet": f1 / math.log2(1 + granularity), "cases": len(cases), "detections": len(detections),
            "detected_cases": detected}


# ----------------------------------------------------------------------------------------------
# correlation (graded similarity, e.g. SemEval-2022 Task 8)


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation of two equally long sequences; 0.0 when either is constant or shorter than 2."""
    if len(x) != len(y):
        raise ValueError(f"sequences differ in length: {len(x)} and {len(y)}")
    if len(x) < 2:
        return 0.0
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a, b = a - a.mean(), b - b.mean()
    den = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den else 0.0
