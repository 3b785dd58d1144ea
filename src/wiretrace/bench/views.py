"""How the report and the web UI hold up with many pairs (the issue's 100,000).

    python -m wiretrace.bench.views [--pairs 100000] [--articles 20000] [--out DIR]
    python -m wiretrace.bench.views --store STORE [--out DIR]     # the web app on a real store

Builds a synthetic store (articles of a few paragraphs; pairs with passages, clustered as a scan
would), then measures: the static report's build time, file count, and its largest listing and pair
pages; and the web app's latency for the first and a deep page of pairs, an article, a pair and
the overview (each request through the ASGI app: the first call, then the median of 5 more, since
whole-store summaries are cached until the store changes). Writes ``views.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import time
import warnings
from pathlib import Path
from urllib.parse import quote
from typing import Any

import numpy as np
import pyarrow as pa

from ..engines.local import recluster, write_outputs
from ..model import Article
from ..settings import DEFAULT
from ..store import Store

WORDS = ("harbor strike union port cargo ship crane talks contract workers council mayor city budget "
         "storm rain flood river bridge school court judge ruling appeal police report minister vote").split()


def synthetic_store(path: Path, n_articles: int, n_pairs: int, seed: int = 7) -> None:
    """A store of ``n_articles`` articles and ``n_pairs`` derived pairs, each copy from an earlier
    article of the same story (stories of at least 12 articles, so clusters look like reprint
    clusters, not one giant component); rows are bulk-loaded (Arrow) so 100,000 pairs take seconds."""
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS) for _ in range(120)) + ".\n\n" + " ".join(rng.choice(WORDS) for _ in range(80))
             for _ in range(n_articles)]
    with Store(path) as store:
        store.add_articles([(Article(id=f"a{n:06d}", text=text, title=f"Story {n}",
                                     date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}", outlet=f"Outlet {n % 40}"),
                             200, np.zeros(128, np.uint32), np.zeros(0, np.uint64)) for n, text in enumerate(texts)])
        pairs: dict[str, list] = {k: [] for k in ("a", "b", "source", "cut", "len_a", "len_b")}
        seen: set[tuple[int, int]] = set()
        story = _story_size(n_articles, n_pairs)
        while len(seen) < n_pairs:
            first = rng.randrange(n_articles // story) * story
            i, j = sorted(rng.sample(range(first, first + story), 2))
            if (i, j) in seen:
                continue
            seen.add((i, j))
            for key, value in (("a", f"a{j:06d}"), ("b", f"a{i:06d}"), ("source", f"a{i:06d}"),
                               ("cut", rng.randrange(100, 500)), ("len_a", len(texts[j])), ("len_b", len(texts[i]))):
                pairs[key].append(value)
        with store.transaction() as con:
            con.register("synthetic", pa.table(pairs))
            con.execute("""
                INSERT INTO pairs SELECT a, b, 'derived', 'partially', source, 0.8,
                    '{"jaccard": 0.3, "coverage_a": 0.5, "coverage_b": 0.6}', '["synthetic"]', '["B is earlier"]',
                    '[[' || (cut + 90) || ', ' || len_a || ']]', '[[' || (cut + 95) || ', ' || len_b || ']]'
                FROM synthetic""")
            con.execute("""
                INSERT INTO passages
                SELECT a, b, 0, 'verbatim', 0, cut, 0, cut, 0, 10, 0, 10 FROM synthetic
                UNION ALL
                SELECT a, b, 1, 'rewritten', cut + 5, cut + 90, cut + 8, cut + 95, 12, 20, 12, 20 FROM synthetic""")
        recluster(store, DEFAULT)


def _story_size(n_articles: int, n_pairs: int) -> int:
    """The smallest story size from 12 up whose within-story pairs leave room (20%) for ``n_pairs``."""
    for size in range(12, n_articles + 1):
        if (n_articles // size) * size * (size - 1) // 2 >= 1.2 * n_pairs:
            return size
    raise SystemExit(f"{n_pairs} pairs do not fit among {n_articles} articles")


def _median_ms(call: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def measure_report(store_path: Path, out: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    with Store(store_path, read_only=True) as store:
        index = write_outputs(store, out, [], report=True)
    seconds = time.perf_counter() - t0
    folder = index.parent
    listing = [index, *folder.glob("pairs-*.html"), *folder.glob("clusters-*.html")]
    pair_pages = list((folder / "pairs").glob("*.html"))
    return {
        "seconds": round(seconds, 1),
        "files": sum(1 for p in folder.rglob("*") if p.is_file()),
        "bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
        "index_bytes": index.stat().st_size,
        "largest_listing_bytes": max(p.stat().st_size for p in listing),
        "largest_pair_page_bytes": max(p.stat().st_size for p in pair_pages),
        "pair_pages": len(pair_pages),
        "listing_pages": len(listing),
    }


def measure_web(store_path: Path) -> dict[str, Any]:
    """Latency of the main pages and API calls on a store: the first call, then the median of 5.

    The article, pair and search phrase are taken from the store (the first article and pair);
    the query pastes the first 60% of a stored article that has a related pair under a new id."""
    with Store(store_path, read_only=True) as store:
        n_pairs = store.counts()["pairs"]
        a, b = store.con.execute("SELECT a, b FROM pairs ORDER BY a, b LIMIT 1").fetchone()  # type: ignore[misc]
        article = store.article(a)
    assert article is not None
    phrase = " ".join(article.text.split()[5:8])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from ..web import create_app

    deep = max(1, n_pairs // 100)
    paths = {"api_pairs_page_1": "/api/pairs", f"api_pairs_page_{deep}": f"/api/pairs?page={deep}",
             "html_pairs_page_1": "/pairs", "html_home": "/", "api_article": f"/api/articles/{quote(a)}",
             "api_pair": f"/api/pair?a={quote(a)}&b={quote(b)}", "html_pair": f"/pair?a={quote(a)}&b={quote(b)}",
             "api_overview": "/api/overview", "api_clusters": "/api/clusters",
             "api_search": f"/api/search?q={quote(phrase)}"}
    query = {"article": {"id": "bench-query", "text": article.text[: max(1, len(article.text) * 6 // 10)]}}
    out: dict[str, Any] = {}
    with TestClient(create_app(store_path)) as client:
        calls = {name: (lambda path=path: client.get(path)) for name, path in paths.items()}
        calls["api_query"] = lambda: client.post("/api/query", json=query)
        for name, call in calls.items():
            t0 = time.perf_counter()
            response = call()
            first = round((time.perf_counter() - t0) * 1000, 1)
            out[name] = {"path": paths.get(name, "POST /api/query"), "status": response.status_code,
                         "first_ms": first, "median_ms": _median_ms(call)}
        out["api_query"]["results"] = len(client.post("/api/query", json=query).json()["results"])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path("bench-out/views"))
    parser.add_argument("--keep", action="store_true", help="Keep the store and the report.")
    parser.add_argument("--store", type=Path, help="Measure the web app on this existing store instead "
                        "(e.g. a scan of a real corpus); no synthetic store, no report.")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.store:
        figures = {"store": str(args.store), "machine": platform.platform(), "web": measure_web(args.store)}
        with Store(args.store, read_only=True) as store:
            figures.update(store.counts())
        (args.out / "views-store.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(figures, indent=2))
        return
    store = args.out / "views.duckdb"
    store.unlink(missing_ok=True)
    t0 = time.perf_counter()
    synthetic_store(store, args.articles, args.pairs)
    figures: dict[str, Any] = {"articles": args.articles, "pairs": args.pairs,
                               "build_store_seconds": round(time.perf_counter() - t0, 1),
                               "machine": platform.platform(), "python": platform.python_version()}
    figures["web"] = measure_web(store)
    figures["report"] = measure_report(store, args.out / "report-out")
    (args.out / "views.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    if not args.keep:
        shutil.rmtree(args.out / "report-out", ignore_errors=True)
        store.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
