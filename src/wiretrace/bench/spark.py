"""Spark benchmark: the local engine vs the Spark engine (local mode, 1 and 2 cores) on one corpus.

Writes ``spark.json``: wall seconds and per-stage seconds of each run, the shuffle sizes (postings,
candidate pairs, related pairs), and whether every run's outputs are identical to the local engine's.
The corpus is a folder or file of articles (``--corpus``), or a synthetic one of ``--articles``
articles written by ``synthetic_articles`` (wire stories, trimmed and reworded copies, unrelated
articles and a boilerplate footer shared by many).

    python -m wiretrace.bench.spark --articles 2000 --out bench-out
"""

from __future__ import annotations

import argparse
import json
import random
import time
import urllib.request
from pathlib import Path
from typing import Any

from ..model import Article

OUTPUTS = ("pairs.jsonl", "articles.jsonl", "clusters.jsonl", "quarantine.jsonl")

_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fl gr pl pr st tr".split()
_VOWELS = "a e i o u ai ea ou io".split()
_CODAS = ["", "", "n", "r", "s", "l", "nd", "st", "rt"]
_FOOTER = ("Readers can sign up for our morning newsletter to receive the most important stories of the day "
           "directly in their inbox, free of charge, every weekday at seven.")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(rng.randint(1, 3)))


def _sentence(rng: random.Random, vocab: list[str], names: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(9, 20))]
    words[rng.randrange(len(words))] = rng.choice(names)
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _reword(rng: random.Random, sentence: str, vocab: list[str], share: float) -> str:
    words = sentence.rstrip(".").split()
    out = [rng.choice(vocab) if rng.random() < share else w for w in words]
    return " ".join(out) + "."


def synthetic_articles(n: int, seed: int = 1) -> list[Article]:
    """About ``n`` articles: a third wire stories, the rest copies (verbatim, trimmed, partly reworded,
    extended) and unrelated pieces; one in ten carries the same newsletter footer."""
    rng = random.Random(seed)
    vocab = sorted({_word(rng) for _ in range(6000)})
    names = [_word(rng).capitalize() for _ in range(800)]
    outlets = ["Daily Courier", "Evening Post", "Morning Star", "City Herald", "Valley Times", "Coast Gazette"]
    articles: list[Article] = []
    story = 0
    while len(articles) < n:
        story += 1
        day = f"2024-{1 + story % 12:02d}-{1 + story % 27:02d}"
        paragraphs = [" ".join(_sentence(rng, vocab, names) for _ in range(rng.randint(2, 4)))
                      for _ in range(rng.randint(4, 9))]
        articles.append(Article(f"wire-{story:05d}", "\n\n".join(paragraphs), date=day, outlet="Associated Press"))
        for copy in range(rng.choice([0, 1, 1, 2, 3])):
            kept = [p for p in paragraphs if rng.random() < 0.7] or paragraphs[:1]
            share = rng.choice([0.0, 0.0, 0.1, 0.3])
            body = [" ".join(_reword(rng, s + ("" if s.endswith(".") else "."), vocab, share)
                             for s in p.split(". ")) for p in kept]
            if rng.random() < 0.5:
                body.append(" ".join(_sentence(rng, vocab, names) for _ in range(3)))
            if rng.random() < 0.1:
                body.append(_FOOTER)
            articles.append(Article(f"copy-{story:05d}-{copy}", "\n\n".join(body), date=day,
                                    outlet=rng.choice(outlets)))
        if rng.random() < 0.5:
            own = [" ".join(_sentence(rng, vocab, names) for _ in range(3)) for _ in range(rng.randint(3, 6))]
            if rng.random() < 0.1:
                own.append(_FOOTER)
            articles.append(Article(f"own-{story:05d}", "\n\n".join(own), date=day, outlet=rng.choice(outlets)))
    return articles[:n]


def write_jsonl(articles: list[Article], path: Path) -> Path:
    """Write articles as JSONL input for ``scan``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "text": a.text, "date": a.date, "outlet": a.outlet}) + "\n")
    return path


def same_outputs(left: Path, right: Path) -> dict[str, bool]:
    """Per output file, whether two scans wrote the same JSON lines (parsed, keys in the same order:
    the local engine's are encoded by DuckDB, the Spark engine's by Python)."""
    return {name: _json_lines(left / name) == _json_lines(right / name) for name in OUTPUTS}


def _json_lines(path: Path) -> list[Any]:
    return [json.loads(line, object_pairs_hook=list) for line in path.read_text(encoding="utf-8").splitlines()]


def shuffle_bytes(session: Any) -> dict[str, int]:
    """Shuffle bytes written per scan stage, from the Spark UI's REST API (job groups name stages)."""
    base = session.sparkContext.uiWebUrl
    if not base:
        return {}
    app = session.sparkContext.applicationId

    def get(path: str) -> Any:
        with urllib.request.urlopen(f"{base}/api/v1/applications/{app}/{path}", timeout=30) as resp:
            return json.load(resp)

    written = {s["stageId"]: s.get("shuffleWriteBytes", 0) for s in get("stages?status=complete")}
    out: dict[str, int] = {}
    for job in get("jobs"):
        group = job.get("jobGroup") or "other"
        out[group] = out.get(group, 0) + sum(written.get(i, 0) for i in job.get("stageIds", []))
    return out


def unit_costs(run: dict[str, Any]) -> dict[str, float]:
    """Per-article and per-pair costs of a local run: what ``docs/scaling.md`` extrapolates."""
    stages, n, cand = run["stages"], max(1, run["articles"]), max(1, run["candidates"])
    return {"read_prepare_ms_per_article": round(1000 * stages["read"] / n, 2),
            "candidates_align_ms_per_candidate": round(1000 * stages["align"] / cand, 2),
            "candidates_per_article": round(run["candidates"] / n, 2),
            "related_per_article": round(run["related"] / n, 3)}


def run(corpus: Path, out: Path, cores: tuple[int, ...] = (1, 2), shuffle_partitions: int = 8) -> dict[str, Any]:
    """Scan ``corpus`` with the local engine and with Spark on each core count; return the figures."""
    from ..engines import local
    from ..engines import spark as spark_engine

    figures: dict[str, Any] = {"corpus": str(corpus), "runs": {}}
    t0 = time.perf_counter()
    res = local.scan([corpus], out / "local", out / "local" / "store.duckdb", report=False)
    figures["runs"]["local"] = {"seconds": round(time.perf_counter() - t0, 2), "stages": res.seconds,
                                "articles": res.read, "candidates": res.candidates, "related": res.related}
    figures["local_unit_costs"] = unit_costs(figures["runs"]["local"])
    for n in cores:
        session = spark_engine.spark_session(f"local[{n}]", shuffle_partitions=shuffle_partitions)
        session.sparkContext.setLogLevel("ERROR")
        try:
            t0 = time.perf_counter()
            sres = spark_engine.scan([corpus], out / f"spark-{n}", spark=session, report=False)
            figures["runs"][f"spark_local_{n}"] = {
                "seconds": round(time.perf_counter() - t0, 2), "stages": sres.seconds, "shuffle": sres.shuffle,
                "articles": sres.read, "candidates": sres.candidates, "related": sres.related,
                "shuffle_bytes": shuffle_bytes(session),
                "identical_to_local": same_outputs(out / "local", out / f"spark-{n}")}
        finally:
            session.stop()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="articles to scan (default: a synthetic corpus)")
    parser.add_argument("--articles", type=int, default=2000, help="size of the synthetic corpus")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--cores", default="1,2", help="Spark local-mode core counts to run")
    args = parser.parse_args(argv)
    out = args.out / "spark"
    corpus = args.corpus or write_jsonl(synthetic_articles(args.articles), out / "corpus.jsonl")
    figures = run(corpus, out, tuple(int(c) for c in args.cores.split(",")))
    (args.out / "spark.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
