"""``wiretrace eval``: score a scan's output (or any system's pairs) against a ``Gold`` record.

Each measure is its own function over plain mappings, so ``bench run`` scores peers that only
produce candidate pairs with the same code: pair detection per reuse type, relations, direction,
METER-style article degrees, passages (PAN plagdet), clusters (ARI, B-cubed) and graded similarity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from .loaders import RELATIONS, Gold, Key, join_contiguous, load_gold, merge_adjacent, pair_key
from .metrics import adjusted_rand_index, bcubed_f1, pearson, plagdet, prf

DEGREES = ("wholly", "partially", "none")
REUSE = ("duplicate", "derived")
"""Gold labels of pairs that share text: what detection finds. ``same_story`` pairs (independent
accounts of one event) and ``unrelated`` ones are negatives for reuse."""


@dataclass
class Prediction:
    """A system's output: related pairs (compare objects keyed by sorted id pair), article grades and
    clusters (article → cluster id)."""

    pairs: dict[Key, dict[str, Any]] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError(str(path), "missing: is this the output folder of `wiretrace scan`?")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"not JSON: {exc.msg}", line=n) from None
    return out


def read_prediction(folder: str | Path) -> Prediction:
    """Read ``pairs.jsonl`` (required), ``articles.jsonl`` and ``clusters.jsonl`` of a scan."""
    folder = Path(folder)
    pred = Prediction(pairs={pair_key(p["a"], p["b"]): p for p in _read_jsonl(folder / "pairs.jsonl")})
    if (folder / "articles.jsonl").exists():
        pred.articles = {a["id"]: a for a in _read_jsonl(folder / "articles.jsonl")}
    if (folder / "clusters.jsonl").exists():
        pred.clusters = {m: str(c["cluster"]) for c in _read_jsonl(folder / "clusters.jsonl") for m in c["members"]}
    return pred


def _related(pair: dict[str, Any] | None) -> bool:
    return pair is not None and pair.get("relation", "derived") != "unrelated"


def reuse_keys(pairs: dict[Key, dict[str, Any]]) -> list[Key]:
    """Pairs predicted to share text (``duplicate``/``derived``; a bare pair, as peers give, counts):
    what detection scores, since ``same_story`` articles share an event, not text."""
    return [k for k, p in pairs.items() if p.get("relation", "derived") in ("duplicate", "derived")]


def detection_scores(gold: Gold, predicted: Iterable[Key]) -> dict[str, Any]:
    """Were the right pairs found at all? Precision and recall of predicted reuse pairs, recall and
    precision per reuse type (precision over the predicted pairs one of whose articles is a copy of
    that type) and the false-positive rate per hard-negative type.

    A predicted pair listed as reuse (``duplicate``/``derived``) in the gold is a true positive; one
    listed as ``unrelated`` or ``same_story`` (an independent account of one event) is a false positive; an unlisted one is a false positive only when the gold is ``complete``, and is
    ignored when both articles share a gold cluster (two copies of one original share text too).
    """
    predicted = set(predicted)
    tp = fp = ignored = 0
    copy_type = {g.a: g.type for g in gold.pairs.values() if g.label in REUSE and g.type}
    typed: dict[str, list[int]] = {}  # reuse type of a copy in the pair → [true, false] predictions
    for key in predicted:
        g = gold.pairs.get(key)
        if g is not None:
            hit = g.label in REUSE
        elif gold.complete and not (gold.clusters.get(key[0]) is not None
                                    and gold.clusters.get(key[0]) == gold.clusters.get(key[1])):
            hit = False
        else:
            ignored += 1
            continue
        tp, fp = (tp + 1, fp) if hit else (tp, fp + 1)
        for t in {copy_type.get(key[0]), copy_type.get(key[1])} - {None}:
            typed.setdefault(t, [0, 0])[0 if hit else 1] += 1  # type: ignore[index]
    positives = [k for k, g in gold.pairs.items() if g.label in REUSE]
    found = sum(k in predicted for k in positives)
    by_type: dict[str, list[int]] = {}
    negatives: dict[str, list[int]] = {}
    for key, g in gold.pairs.items():
        bucket = by_type if g.label in REUSE else negatives
        hit = bucket.setdefault(g.type or g.label, [0, 0])
        hit[0] += key in predicted
        hit[1] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = found / len(positives) if positives else 0.0
    return {
        "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "true_positives": tp, "false_positives": fp, "ignored_same_cluster": ignored, "predicted": len(predicted),
        "gold_related": len(positives),
        "recall_by_type": {t: h / n for t, (h, n) in sorted(by_type.items())},
        # predicted pairs with a copy of the type on one side: how many are right
        "precision_by_type": {t: h / (h + f) for t, (h, f) in sorted(typed.items())},
        "support_by_type": {t: n for t, (_, n) in sorted(by_type.items())},
        "false_positive_rate_by_type": {t: h / n for t, (h, n) in sorted(negatives.items())},
    }


def relation_scores(gold: Gold, pairs: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    """P/R/F1 per relation over the gold pairs (a pair not predicted counts as ``unrelated``), and
    direction accuracy over the directed gold pairs the system gave a source for."""
    labels = {f"{a}|{b}": g.label for (a, b), g in gold.pairs.items()}
    pred = {f"{a}|{b}": pairs[(a, b)]["relation"] if (a, b) in pairs else "unrelated" for (a, b) in gold.pairs}
    figures = prf(labels, pred, RELATIONS, missing="unrelated")
    directed = [k for k, g in gold.pairs.items() if g.source and _related(pairs.get(k)) and pairs[k].get("source")]
    correct = sum(pairs[k]["source"] == gold.pairs[k].source for k in directed)
    figures["direction_accuracy"] = correct / len(directed) if directed else 0.0
    figures["direction_pairs"] = len(directed)
    figures["direction_gold_pairs"] = sum(1 for g in gold.pairs.values() if g.source)
    return figures


def outcomes_by_type(gold: Gold, pairs: dict[Key, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each gold pair type (reuse types and hard negatives alike): how many pairs, and the share
    predicted as each relation (a pair not predicted is ``unrelated``). Shows, say, whether
    same-event accounts come out ``same_story`` or ``derived``."""
    counts: dict[str, dict[str, int]] = {}
    for key, g in gold.pairs.items():
        relation = pairs[key].get("relation", "derived") if key in pairs else "unrelated"
        row = counts.setdefault(g.type or g.label, {})
        row[relation] = row.get(relation, 0) + 1
    return {t: {"pairs": sum(row.values()), **{r: row.get(r, 0) / sum(row.values()) for r in RELATIONS}}
            for t, row in sorted(counts.items())}


def degree_scores(gold: Gold, articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """METER-style ternary grading of articles (wholly / partially / none): per-class figures and
    macro-F1; an article without a grade counts as ``none``."""
    pred = {a: articles[a].get("degree") if a in articles else "none" for a in gold.degrees}
    return prf(gold.degrees, pred, DEGREES, missing="none")


def _claims_reuse(pair: dict[str, Any]) -> bool:
    """The system calls the pair a copy (``derived``/``duplicate``; a system without relations
    claims every pair it lists)."""
    return pair.get("relation", "derived") in ("derived", "duplicate")


def _siblings(gold: Gold, key: Key) -> bool:
    """Both articles of an unlisted pair sit in one gold cluster (two copies of one original)."""
    cluster = gold.clusters.get(key[0])
    return cluster is not None and cluster == gold.clusters.get(key[1])


def passage_scores(gold: Gold, pairs: dict[Key, dict[str, Any]], texts: dict[str, str] | None = None) -> dict[str, Any]:
    """PAN plagdet of predicted passages against the gold passage cases.

    Two-sided cases are keyed by document pair and oriented copy → source. A PAN *detection* is one
    reused region: passages of a pair that follow each other on both sides with only whitespace and
    punctuation between (a ``verbatim``, ``rewritten``, ``verbatim`` run around a substituted word)
    are joined into one detection, and the gold passages into one case the same way
    (:func:`~wiretrace.evaluate.loaders.join_contiguous`; it needs the texts, ``texts`` or
    ``gold.texts``, else nothing is joined); a detection may also take in a passage that sits just
    before it in the source (two crossing passages of one sentence whose clauses were swapped), a
    gold case does not (a moved sentence is a case of its own). Predicted passages of pairs the gold knows nothing about
    count as (false) detections only when the gold is complete, and never for two articles of one
    gold cluster (copies of one original share text the gold does not list; the pair-level
    :func:`detection_scores` ignores them too). Only pairs the system calls a copy (``derived``,
    ``duplicate``) make detections: a ``same_story`` pair's passages are the words two independent
    reports share, shown as evidence, not claimed as reuse. One-sided (METER) cases are keyed by the copy
    article: the predicted passages on that article from its pairs with labelled sources,
    overlapping ones joined (and, given the texts, ones separated only by punctuation, as the gold
    cases are), are its detections.
    """
    texts = texts if texts is not None else gold.texts
    detections: list[tuple[Any, tuple[int, int], tuple[int, int] | None]] = []
    if gold.one_sided:
        annotated = {c[0] for c in gold.cases}
        spans: dict[str, list[tuple[int, int]]] = {}
        for key, p in pairs.items():
            if key not in gold.pairs or not _claims_reuse(p):  # a labelled source (METER: the PA stories)
                continue
            for side, other in ((p["a"], "a"), (p["b"], "b")):
                if side in annotated:
                    spans.setdefault(side, []).extend(tuple(x[other]) for x in p.get("passages", []))
        for article, found in spans.items():
            detections += [(article, span, None) for span in merge_adjacent(found, texts.get(article, ""))]
        return plagdet(gold.cases, detections)
    for key, p in pairs.items():
        g = gold.pairs.get(key)
        if not _claims_reuse(p) or (g is None and (not gold.complete or _siblings(gold, key))):
            continue
        if g is not None and g.label not in REUSE and not gold.complete:
            continue
        copy = g.a if g is not None else p["a"]
        source = key[1] if key[0] == copy else key[0]
        first, second = ("a", "b") if p["a"] == copy else ("b", "a")
        found = [(tuple(x[first]), tuple(x[second])) for x in p.get("passages", [])]
        detections += [(key, a, b) for a, b in join_contiguous(found, texts.get(copy, ""), texts.get(source, ""),
                                                                 any_order=True)]
    by_pair: dict[Key, list[tuple[Any, Any]]] = {}
    for key, a, b in gold.cases:
        by_pair.setdefault(key, []).append((a, b))
    cases: list[tuple[Any, Any, Any]] = []
    for key, spans_ in by_pair.items():
        g = gold.pairs.get(key)
        copy = g.a if g is not None else key[0]
        source = key[1] if key[0] == copy else key[0]
        cases += [(key, a, b) for a, b in join_contiguous(spans_, texts.get(copy, ""), texts.get(source, ""))]
    return plagdet(cases, detections)


def passage_scores_by_type(gold: Gold, pairs: dict[Key, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`passage_scores` restricted to the gold pairs of each reuse type (predicted passages of
    those pairs only), to see where passages are split (granularity) or overreach (precision)."""
    by_type: dict[str, set[Key]] = {}
    for key, g in gold.pairs.items():
        if g.label in REUSE and g.type:
            by_type.setdefault(g.type, set()).add(key)
    out = {}
    for type_, keys in sorted(by_type.items()):
        subset = Gold(name=gold.name, pairs={k: gold.pairs[k] for k in keys},
                      cases=[c for c in gold.cases if c[0] in keys], texts=gold.texts)
        if subset.cases:
            out[type_] = passage_scores(subset, {k: p for k, p in pairs.items() if k in keys})
    return out


def cluster_scores(gold: Gold, clusters: dict[str, str]) -> dict[str, Any]:
    """Adjusted Rand index and B-cubed precision/recall/F1 of predicted clusters (unclustered
    articles are singletons)."""
    return {"adjusted_rand_index": adjusted_rand_index(gold.clusters, clusters),
            "bcubed": bcubed_f1(gold.clusters, clusters), "articles": len(gold.clusters)}


def similarity_scores(gold: Gold, pairs: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    """Pearson correlation of graded gold similarity with the predicted ``scores.similarity`` (0
    for pairs not predicted), as SemEval-2022 Task 8 scores systems."""
    keys = [k for k, g in gold.pairs.items() if g.score is not None]
    pred = [float(pairs[k].get("scores", {}).get("similarity", 0.0)) if k in pairs else 0.0 for k in keys]
    return {"pearson": pearson([gold.pairs[k].score for k in keys], pred), "pairs": len(keys)}  # type: ignore[misc]


def evaluate(gold: Gold, pred: Prediction) -> dict[str, Any]:
    """Every measure the gold supports. Relation figures stay at the top level (``per_label``,
    ``macro_f1``, ``direction_accuracy``); the rest are sections."""
    out: dict[str, Any] = {"gold": gold.name}
    if gold.pairs:
        out.update(relation_scores(gold, pred.pairs))
        out["detection"] = detection_scores(gold, reuse_keys(pred.pairs))
        out["outcomes_by_type"] = outcomes_by_type(gold, pred.pairs)
    if gold.degrees:
        out["articles"] = degree_scores(gold, pred.articles)
    if gold.cases:
        out["passages"] = passage_scores(gold, pred.pairs)
        if not gold.one_sided:
            out["passages"]["by_type"] = passage_scores_by_type(gold, pred.pairs)
    if gold.clusters:
        cl = cluster_scores(gold, pred.clusters)
        out["clusters"] = cl
        out["adjusted_rand_index"] = cl["adjusted_rand_index"]
        out["bcubed"] = cl["bcubed"]
    if any(g.score is not None for g in gold.pairs.values()):
        out["similarity"] = similarity_scores(gold, pred.pairs)
    return out


def evaluate_scan(gold: str | Path, pred_dir: str | Path) -> dict[str, Any]:
    """Load the gold (any supported format) and a scan's output folder, and score every measure."""
    return evaluate(load_gold(gold), read_prediction(pred_dir))

