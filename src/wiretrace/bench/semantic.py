"""Semantic stage on METER courts: throughput, candidate gain, paragraph and same-story thresholds.

    python -m wiretrace.bench.semantic [--meter DIR] [--out DIR] [--every N]

Writes ``semantic.json``:

- ``throughput``: articles and paragraphs embedded per second on this machine, beside the n-gram
  preparation (normalise + fingerprint) of the same articles;
- ``candidates``: how many derived newspaper articles (wholly/partially) get their PA source as a
  candidate from n-grams alone and with embedding neighbours added, and what that costs in pairs;
- ``paragraphs``: on the hand-annotated articles, the decision ``semantic_passage_similarity``
  makes: paragraph runs that n-grams left unaligned in a copy, reused text (``Verbatim``/``Rewrite``)
  against ``New``, at the shipped threshold and in a sweep with 2-fold cross-validation by date;
- ``same_story``: pairs in one ``<date>/<catchline>`` folder (one court case) against pairs from
  different folders within the date window, scored by article cosine, likewise;
- ``pairs``: each graded newspaper article compared with its PA source(s), without and with the
  stage: relations per gold label, mean coverage, and the article-degree macro-F1 (the best source's
  coverage graded with the shipped thresholds).

The corpus is research-use material: it is read in place and never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..align import align
from ..candidates import candidate_pairs
from ..evaluate.meter import load_meter, load_meter_spans, project_spans
from ..evaluate.metrics import prf
from ..pipeline import Prepared, compare_prepared, prepare
from ..relate import grade, names, relate, stem_cosine
from ..semantic.align import MIN_RUN_WORDS, longest_uncovered_run
from ..semantic import load_semantic
from ..semantic.vectors import ParagraphCache
from ..semantic.neighbours import day_numbers, embedding_pairs
from ..settings import DEFAULT, Settings
from .meter import DEFAULT_METER


SAMPLE = 40
"""Articles embedded afresh to time the stage in CPU seconds too (wall time depends on the load)."""


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Threshold maximising F1 of ``scores >= t`` against boolean ``labels``; (t, F1)."""
    best = (1.0, 0.0)
    for t in np.arange(0.2, 0.95, 0.01):
        p, r = precision_recall(scores, labels, float(t))
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f > best[1]:
            best = (round(float(t), 2), f)
    return best


def precision_recall(scores: np.ndarray, labels: np.ndarray, t: float) -> tuple[float, float]:
    """Precision and recall of ``scores >= t`` against boolean ``labels``."""
    hit = scores >= t
    tp = int((hit & labels).sum())
    return (tp / int(hit.sum()) if hit.any() else 1.0), (tp / int(labels.sum()) if labels.any() else 0.0)


def calibration(scores: np.ndarray, labels: np.ndarray, folds: np.ndarray, shipped: float) -> dict[str, Any]:
    """Precision/recall at the shipped threshold, the in-sample best, and 2-fold CV by ``folds``."""
    p, r = precision_recall(scores, labels, shipped)
    t_all, f_all = best_threshold(scores, labels)
    cv = []
    for train in (folds, ~folds):
        t, _ = best_threshold(scores[train], labels[train])
        tp, tr = precision_recall(scores[~train], labels[~train], t)
        cv.append({"threshold": t, "precision": tp, "recall": tr})
    return {"n_positive": int(labels.sum()), "n_negative": int((~labels).sum()),
            "shipped": {"threshold": shipped, "precision": p, "recall": r},
            "best_in_sample": {"threshold": t_all, "f1": f_all}, "cv_2fold_by_date": cv}


def _prepare_all(articles: list, stage: Any, settings: Settings, cache: Path) -> tuple[dict[str, Prepared], dict]:
    """Prepare every article with vectors (cached in ``cache``) and time both stages."""
    t0, c0 = time.perf_counter(), time.process_time()
    plain = {a.id: prepare(a, settings) for a in articles}
    ngram_s, ngram_cpu = time.perf_counter() - t0, time.process_time() - c0
    embed_cpu = None
    if cache.exists():
        vectors, embed_s = pickle.loads(cache.read_bytes())
    else:
        t0, c0 = time.perf_counter(), time.process_time()
        vectors = dict(zip(plain, stage.vectors([p.doc for p in plain.values()])))
        embed_s, embed_cpu = time.perf_counter() - t0, time.process_time() - c0
        cache.write_bytes(pickle.dumps((vectors, embed_s)))
    for k, p in plain.items():
        p.vectors = vectors[k]
    n_par = sum(len(v.paragraphs) for v in vectors.values())
    sample = [p.doc for p in list(plain.values())[:SAMPLE]]
    stage.cache = ParagraphCache()  # embedded afresh: the full run above filled the paragraph cache
    wall, cpu = time.perf_counter(), time.process_time()
    stage.vectors(sample)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return plain, {"articles": len(articles), "paragraphs": n_par,
                   "ngram_prepare_seconds": round(ngram_s, 1), "embed_seconds": round(embed_s, 1),
                   "ngram_prepare_cpu_seconds": round(ngram_cpu, 1),
                   "embed_cpu_seconds": None if embed_cpu is None else round(embed_cpu, 1),
                   "ngram_articles_per_cpu_s": round(len(articles) / ngram_cpu, 1),
                   "embed_articles_per_cpu_s": None if embed_cpu is None else round(len(articles) / embed_cpu, 2),
                   "ngram_articles_per_s": round(len(articles) / ngram_s, 1),
                   "embed_articles_per_s": round(len(articles) / embed_s, 2),
                   "embed_paragraphs_per_s": round(n_par / embed_s, 1),
                   "sample": {"articles": len(sample), "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
                              "articles_per_cpu_s": round(len(sample) / cpu, 2)}}


def candidate_gain(corpus: Any, prepared: dict[str, Prepared], stage: Any, settings: Settings) -> dict[str, Any]:
    """Derived articles whose PA source is a candidate, from n-grams and with embeddings added."""
    ids = list(prepared)
    pos = {x: i for i, x in enumerate(ids)}
    sigs = np.stack([prepared[x].fp.signature for x in ids])
    ngram = candidate_pairs(sigs, [prepared[x].fp.winnowed for x in ids], settings)
    merged = stage.candidates(ngram, [prepared[x] for x in ids], settings)
    out: dict[str, Any] = {"ngram_pairs": len(ngram), "merged_pairs": len(merged)}
    for name, pairs in (("ngram", ngram), ("merged", merged)):
        found = {(int(i), int(j)) for i, j in pairs}
        for label in ("wholly", "partially", "none"):
            arts = [x for x, g in corpus.gold.items() if g == label and corpus.candidate_sources.get(x)]
            hit = sum(any((min(pos[x], pos[s]), max(pos[x], pos[s])) in found for s in corpus.candidate_sources[x])
                      for x in arts)
            out.setdefault(label, {"articles": len(arts)})[f"source_found_{name}"] = hit
    return out


def _copy_alignment(news: Prepared, sources: list[Prepared], settings: Settings) -> tuple[Prepared, Any] | None:
    """The source the n-gram evidence calls this article a copy of (most covered), with the alignment."""
    best = None
    for src in sources:
        alignment = align(news.doc, src.doc, settings)
        r = relate(news.doc, src.doc, alignment, news.fp, src.fp, settings)
        if r.relation in ("derived", "duplicate") and (best is None or r.scores["coverage_a"] > best[0]):
            best = (r.scores["coverage_a"], src, alignment)
    return None if best is None else best[1:]


def paragraph_scores(corpus: Any, prepared: dict[str, Prepared], meter: Path,
                     settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decision ``semantic_passage_similarity`` makes, on the hand-annotated articles: for each
    paragraph run left unaligned by n-grams in a copy, its best cosine to a PA paragraph that also
    has an unaligned run, whether the run is mostly reused text (``Verbatim``/``Rewrite``: True) or
    mostly ``New`` (False), and its date-fold."""
    spans = load_meter_spans(meter)
    scores, labels, dates = [], [], []
    for aid, ann in spans.items():
        sources = [prepared[s] for s in corpus.candidate_sources.get(aid, []) if s in prepared]
        found = _copy_alignment(prepared[aid], sources, settings) if aid in prepared else None
        if found is None:
            continue
        src, alignment = found
        news = prepared[aid]
        ok_b = [hi - lo >= MIN_RUN_WORDS for lo, hi in
                (longest_uncovered_run(alignment.covered_b, lo, hi) for lo, hi in src.vectors.paragraphs)]
        if not any(ok_b):
            continue
        text = news.doc.article.text
        label = np.zeros(len(text), dtype="U9")
        for s, e, lab in project_spans(ann, text):
            label[s:e] = lab
        sims = news.vectors.paragraph_vectors @ src.vectors.paragraph_vectors[np.array(ok_b)].T
        t, c = news.doc.tokens, news.doc.content
        for x, (lo, hi) in enumerate(news.vectors.paragraphs):
            r0, r1 = longest_uncovered_run(alignment.covered_a, lo, hi)
            chars = label[int(t.starts[c[r0]]):int(t.ends[c[r1 - 1]])] if r1 - r0 >= MIN_RUN_WORDS else label[:0]
            chars = chars[chars != ""]
            if len(chars) == 0:
                continue
            reused, new = (chars != "new").mean(), (chars == "new").mean()
            if max(reused, new) >= 0.5:
                scores.append(float(sims[x].max()))
                labels.append(bool(reused >= 0.5))
                dates.append(aid.split("/")[2])
    return np.array(scores), np.array(labels, dtype=bool), np.isin(np.array(dates), sorted(set(dates))[::2])


def story_scores(corpus: Any, prepared: dict[str, Prepared], settings: Settings) -> tuple[np.ndarray, ...]:
    """Article cosine of every pair within the date window (0 when they share fewer than
    ``same_story_semantic_names`` names or their content-word cosine is under
    ``same_story_semantic_words``: the rule's other conditions); same folder (one court case) or not."""
    ids = list(prepared)
    folder = np.array(["/".join(x.split("/")[2:4]) for x in ids])
    days = day_numbers([prepared[x].doc.article.date for x in ids])
    vec = np.stack([prepared[x].vectors.article for x in ids])
    iu, ju = np.triu_indices(len(ids), 1)
    near = np.abs(days[iu] - days[ju]) <= settings.story_window_days
    iu, ju = iu[near], ju[near]
    cos = np.einsum("ij,ij->i", vec[iu], vec[ju])
    names_of = [names(prepared[x].doc) for x in ids]
    shared = np.array([len(names_of[i] & names_of[j]) for i, j in zip(iu, ju)])
    cos = np.where(shared >= settings.same_story_semantic_names, cos, 0.0)  # the rule's name condition
    for k in np.flatnonzero(cos >= 0.2):  # ...and its word condition (a stem cosine per pair still in play)
        if stem_cosine(prepared[ids[iu[k]]].doc, prepared[ids[ju[k]]].doc) < settings.same_story_semantic_words:
            cos[k] = 0.0
    same = folder[iu] == folder[ju]
    fold = np.isin(np.array([x.split("/")[2] for x in ids])[iu], sorted({x.split("/")[2] for x in ids})[::2])
    return cos, same, fold


def every_nth_date(corpus: Any, nth: int) -> Any:
    """The corpus restricted to every ``nth`` date folder (whole court cases kept together)."""
    if nth <= 1:
        return corpus
    dates = sorted({a.id.split("/")[2] for a in corpus.articles})[::nth]
    keep = [a for a in corpus.articles if a.id.split("/")[2] in dates]
    ids = {a.id for a in keep}
    return replace(corpus, articles=keep, gold={k: v for k, v in corpus.gold.items() if k in ids},
                   candidate_sources={k: v for k, v in corpus.candidate_sources.items() if k in ids})


def pair_outcomes(corpus: Any, prepared: dict[str, Prepared], stage: Any, settings: Settings) -> dict[str, Any]:
    """Each graded newspaper article against its PA sources, n-grams only and with the stage."""
    out: dict[str, Any] = {}
    gold, pred = {}, {"ngram": {}, "semantic": {}}
    for aid, label in sorted(corpus.gold.items()):
        sources = [s for s in corpus.candidate_sources.get(aid, []) if s in prepared]
        if aid not in prepared or not sources:
            continue
        gold[aid] = label
        for name, sem in (("ngram", None), ("semantic", stage)):
            results = [compare_prepared(prepared[aid], prepared[s], settings, sem) for s in sources]
            copies = [r for r in results if r.relation in ("derived", "duplicate")]
            best = max((r.scores["coverage_a"] for r in copies), default=0.0)
            pred[name][aid] = grade(best, settings)
            row = out.setdefault(label, {}).setdefault(name, {"relations": {}, "coverage_sum": 0.0})
            top = max(results, key=lambda r: ("unrelated", "same_story", "derived", "duplicate").index(r.relation))
            row["relations"][top.relation] = row["relations"].get(top.relation, 0) + 1
            row["coverage_sum"] += best
    for label, rows in out.items():
        n = sum(1 for g in gold.values() if g == label)
        for row in rows.values():
            row["mean_copy_coverage"] = round(row.pop("coverage_sum") / max(n, 1), 3)
        rows["articles"] = n
    out["degree_macro_f1"] = {name: prf(gold, p, ("wholly", "partially", "none"))["macro_f1"]
                              for name, p in pred.items()}
    return out


def run(meter: Path, out: Path, settings: Settings = DEFAULT, nth: int = 1) -> dict[str, Any]:
    """Measure the semantic stage on METER courts (every ``nth`` date folder); write ``out/semantic.json``."""
    out.mkdir(parents=True, exist_ok=True)
    corpus = every_nth_date(load_meter(meter, newspaper_date_offset=1), nth)
    stage = load_semantic()
    prepared, throughput = _prepare_all(corpus.articles, stage, settings, out / "vectors.pkl")
    report: dict[str, Any] = {"corpus": "METER courts", "date_folders": f"every {nth}", "model": stage.encoder.name,
                              "backend": type(stage.encoder).__name__, "throughput": throughput}
    report["candidates"] = candidate_gain(corpus, prepared, stage, settings)
    report["paragraphs"] = calibration(*paragraph_scores(corpus, prepared, meter, settings),
                                       shipped=settings.semantic_passage_similarity)
    report["same_story"] = calibration(*story_scores(corpus, prepared, settings), shipped=settings.same_story_semantic)
    report["pairs"] = pair_outcomes(corpus, prepared, stage, settings)
    report["machine"] = {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                         "cores": os.cpu_count(), "load_average_1min_at_end": round(os.getloadavg()[0], 1),
                         "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS")}
    (out / "semantic.json").write_text(json.dumps(report, indent=1))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meter", type=Path, default=DEFAULT_METER, help="METER corpus folder")
    parser.add_argument("--out", type=Path, default=Path("bench-out/semantic"))
    parser.add_argument("--every", type=int, default=1, help="use every N-th date folder only (a quicker run)")
    args = parser.parse_args()
    if not (args.meter / "PA").is_dir():
        raise SystemExit(f"METER corpus not found at {args.meter} (pass --meter DIR)")
    report = run(args.meter, args.out, nth=args.every)
    print(json.dumps({k: report[k] for k in ("throughput", "candidates", "pairs")}, indent=1))
    print(f"written: {args.out / 'semantic.json'}")


if __name__ == "__main__":
    main()
