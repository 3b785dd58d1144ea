"""``wiretrace bench run``: time and score wiretrace and its peers on one generated corpus, in one run.

Each system runs in its own subprocess (``wiretrace.bench.systems``) one after the other, so peak
RSS is per system and no two compete for the CPU; then every system's pairs are scored against the
corpus gold with the same functions ``wiretrace eval`` uses. Writes ``OUT/bench.json`` and
``OUT/bench.md`` (shape in ``docs/benchmarks.md``).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..evaluate.gold import detection_scores, passage_scores, passage_scores_by_type, relation_scores, reuse_keys
from ..evaluate.loaders import load_generated, pair_key
from .systems import SYSTEMS

TABLE_TYPES = ("exact", "noisy", "trimmed", "extended", "partial", "light_rewrite", "heavy_rewrite", "reordered",
               "multi_source")


def machine() -> dict[str, Any]:
    """What the numbers were measured on, including how busy the machine was."""
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def _read_pairs(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return {pair_key(p["a"], p["b"]): p for p in map(json.loads, fh) if p}


def score_system(gold: Any, pairs: dict[tuple[str, str], dict[str, Any]], full: bool) -> dict[str, Any]:
    """Pair precision, recall per reuse type and false-positive rate per hard negative; for a full
    system (relations, sources, passages) also direction accuracy and plagdet."""
    detection = detection_scores(gold, reuse_keys(pairs))
    out: dict[str, Any] = {
        "precision": detection["precision"], "recall_all": detection["recall"],
        "recall": detection["recall_by_type"], "false_positive_rate": detection["false_positive_rate_by_type"],
        "false_positives": detection["false_positives"],
    }
    if full:
        relations = relation_scores(gold, pairs)
        passages = passage_scores(gold, pairs)
        passages["by_type"] = passage_scores_by_type(gold, pairs)
        out.update({"direction_accuracy": relations["direction_accuracy"], "relation_macro_f1": relations["macro_f1"],
                    "plagdet": passages["plagdet"], "passages": passages})
    return out


def run_bench(corpus: str | Path, out: str | Path, systems: tuple[str, ...] = SYSTEMS) -> dict[str, Any]:
    """Run every system on ``corpus`` (a ``bench generate`` folder) and write bench.json / bench.md."""
    corpus, out = Path(corpus), Path(out)
    articles = corpus / "articles.jsonl"
    if not articles.is_file():
        raise InputError(str(corpus), "not a generated corpus (no articles.jsonl; run `wiretrace bench generate`)")
    summary = json.loads((corpus / "summary.json").read_text(encoding="utf-8"))
    gold = load_generated(corpus)
    result: dict[str, Any] = {
        "corpus": {"n": summary["n"], "seed": summary["seed"], "base": summary["base"], "path": str(corpus),
                   "words_mean": summary["words_mean"]},
        "machine": machine(), "systems": {},
    }
    work = out / "systems"
    for name in systems:
        proc = subprocess.run([sys.executable, "-m", "wiretrace.bench.systems", name, str(articles), str(work)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            result["systems"][name] = {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
            continue
        figures = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
        figures.update(score_system(gold, _read_pairs(work / f"{name}.pairs.jsonl"), name.startswith("wiretrace")))
        result["systems"][name] = figures
    result["semantic_cost"] = semantic_cost(result["systems"], summary["n"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (out / "bench.md").write_text(markdown(result), encoding="utf-8")
    return result


def semantic_cost(systems: dict[str, Any], n: int) -> dict[str, Any] | None:
    """What the semantic stage costs beside the n-gram pipeline, from the ``wiretrace`` and
    ``wiretrace-semantic`` runs: articles per CPU-second of the embed stage, of the whole n-gram
    pipeline, of the whole pipeline with the stage, and the ratio of total CPU seconds."""
    plain, sem = systems.get("wiretrace", {}), systems.get("wiretrace-semantic", {})
    if "cpu_seconds" not in plain or "cpu_seconds" not in sem or not sem["cpu_seconds"].get("embed"):
        return None
    embed = sem["cpu_seconds"]["embed"]
    return {"embed_docs_per_cpu_s": round(n / embed, 2), "ngram_pipeline_docs_per_cpu_s": plain["docs_per_cpu_s"],
            "semantic_pipeline_docs_per_cpu_s": sem["docs_per_cpu_s"],
            "cpu_ratio": round(sem["total_cpu_seconds"] / plain["total_cpu_seconds"], 1),
            "embed_share_of_semantic_cpu": round(embed / sem["total_cpu_seconds"], 3)}


def _cell(value: Any, fmt: str = "{:.3f}") -> str:
    return "–" if value is None else fmt.format(value)


def markdown(result: dict[str, Any]) -> str:
    """The results as a Markdown table (one row per system), with the corpus and machine above it."""
    c, m = result["corpus"], result["machine"]
    lines = [f"Corpus: {c['n']} generated articles (seed {c['seed']}, {c['words_mean']:.0f} words on average); "
             f"machine: {m['cpus']} CPUs, Python {m['python']}, load average at start {m['load_average_at_start'][0]}.",
             "",
             "| system | docs/s | candidate docs/s | peak RSS MB | candidates | pairs | precision | "
             + " | ".join(TABLE_TYPES) + " | FP boilerplate | FP same-topic | FP same-event | direction | plagdet |",
             "|---" * (11 + len(TABLE_TYPES)) + "|"]
    for name, s in result["systems"].items():
        if "error" in s:
            lines.append(f"| {name} | error: {s['error']} |")
            continue
        recall, fp = s["recall"], s["false_positive_rate"]
        lines.append(
            f"| {name} | {_cell(s['docs_per_s'], '{:.0f}')} | {_cell(s['candidate_docs_per_s'], '{:.0f}')} | "
            f"{s['peak_rss_mb']:.0f} | {s['candidates']} | {s['pairs']} | {_cell(s['precision'])} | "
            + " | ".join(_cell(recall.get(t)) for t in TABLE_TYPES)
            + f" | {_cell(fp.get('boilerplate'))} | {_cell(fp.get('same_topic'))} | {_cell(fp.get('same_event'))} | "
            f"{_cell(s.get('direction_accuracy'))} | {_cell(s.get('plagdet'))} |")
    cost = result.get("semantic_cost")
    if cost:
        lines += ["", f"Semantic stage: embedding {cost['embed_docs_per_cpu_s']:.1f} articles per CPU-second; "
                  f"the n-gram pipeline {cost['ngram_pipeline_docs_per_cpu_s']:.0f}, the pipeline with the stage "
                  f"{cost['semantic_pipeline_docs_per_cpu_s']:.1f} ({cost['cpu_ratio']:.0f}x the CPU; "
                  f"{cost['embed_share_of_semantic_cpu']:.0%} of it embedding)."]
    return "\n".join(lines) + "\n"
