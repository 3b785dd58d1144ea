"""Index benchmark: one scan wave's candidate-index work, and warm query latency, on an existing store.

    python -m wiretrace.bench.index wave --store S --corpus G.jsonl --skip 100000 [--count 20000] [--index DIR] [--out W.npz]
    python -m wiretrace.bench.index query --store S --corpus G.jsonl --skip 100000 [--queries 300] [--out Q.json]

``wave`` loads the store's candidate index (or ``--index``, a copy saved at an earlier size), prepares
``--count`` corpus articles after ``--skip`` as the next wave (not timed) and times, in CPU seconds,
what a scan's parent does with them: ``boilerplate`` of the wave's fingerprints, ``candidates``,
``boilerplate`` of the old partners' fingerprints and ``StoredIndex.append`` (without saving). Old
articles' signatures are read from the store, as a scan reads them. ``query`` times ``Index.query``
warm, in-process (wall and CPU percentiles): two thirds of the probes are stored articles cut by a
tenth with a sentence added (as ``bench.scale``), a third are corpus articles after ``--skip``.

``--out`` keeps the wave's pairs and verdicts (``.npz``) or the query results (``.json``), so two
versions can be compared on the same inputs: run this file with ``PYTHONPATH`` at the other
checkout's ``src`` (it imports ``wiretrace`` absolutely) and compare the outputs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

import wiretrace
from wiretrace import arrays
from wiretrace.boilerplate import doc_ranks
from wiretrace.model import Article
from wiretrace.pipeline import prepare
from wiretrace.postings import StoredIndex, index_dir, load_index
from wiretrace.query import Index
from wiretrace.read import iter_articles
from wiretrace.store import FingerprintRows, Store


def _corpus(path: Path, skip: int, count: int) -> list[Article]:
    return list(itertools.islice(iter_articles([path], []), skip, skip + count))


def _percentiles(ms: list[float]) -> dict[str, float]:
    return {f"p{q}_ms": round(float(np.percentile(ms, q)), 1) for q in (50, 90, 99)}


def _cpu(timing: dict[str, float], name: str, start: float) -> None:
    timing[name] = round(time.process_time() - start, 3)


def wave(store_path: Path, corpus: Path, skip: int, count: int, folder: Path | None = None,
         out: Path | None = None) -> dict[str, Any]:
    """CPU seconds of one wave's index work against the saved index, and what it found."""
    store = Store(store_path, read_only=True)
    index = load_index(folder or index_dir(store_path), store.token)
    if index is None:
        raise SystemExit(f"no index of {store_path} in {folder or index_dir(store_path)}")
    prepared = [prepare(a) for a in _corpus(corpus, skip, count)]
    ids = [p.id for p in prepared]
    sigs = np.stack([p.fp.signature for p in prepared]).astype(np.uint32)
    wins = [np.asarray(p.fp.winnowed, dtype=np.uint64) for p in prepared]
    sizes = np.asarray([len(p.doc.content) for p in prepared], dtype=np.int64)
    n_old, old_seqs = len(index), np.asarray(index.seqs, dtype=np.int64)
    ranks = doc_ranks(index.ids + ids)

    def fetch(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # old articles from the store, as a scan does
        docs = np.asarray(docs)
        got_sigs, got_sizes = np.empty((len(docs), sigs.shape[1]), np.uint32), np.empty(len(docs), np.int64)
        old, new = docs < n_old, docs >= n_old
        if old.any():
            got_sigs[old], got_sizes[old] = store.signatures(old_seqs[docs[old]].tolist())
        got_sigs[new], got_sizes[new] = sigs[docs[new] - n_old], sizes[docs[new] - n_old]
        return got_sigs, got_sizes

    timing: dict[str, float] = {}
    wave_keys = arrays.unique(np.concatenate(wins))
    t = time.process_time()
    boilerplate = index.boilerplate(wave_keys, ranks, fetch, wins)
    _cpu(timing, "boilerplate", t)
    t = time.process_time()
    pairs = index.candidates(sigs, wins, boilerplate, ranks)
    _cpu(timing, "candidates", t)
    partners = arrays.unique(pairs[pairs < n_old])
    old_wins = store.fingerprints(seqs=old_seqs[partners].tolist()).winnowed if len(partners) else []
    old_keys = arrays.setdiff(arrays.unique(np.concatenate(old_wins)) if old_wins else wave_keys[:0], wave_keys)
    t = time.process_time()
    partner_boilerplate = index.boilerplate(old_keys, ranks, fetch, wins)
    _cpu(timing, "partner_boilerplate", t)
    stored = StoredIndex(index, None, store.token)
    if hasattr(stored, "read"):  # the index reads new articles' sizes (the wave is not in the store: from memory)
        stored.read = lambda seqs: (sigs, sizes)  # type: ignore[attr-defined]
    t = time.process_time()
    stored.append(FingerprintRows(ids, [-1] * len(ids), sigs, wins), save=False)
    _cpu(timing, "append", t)
    store.close()
    if out is not None:
        np.savez(out, pairs=pairs, boilerplate=boilerplate, partner_boilerplate=partner_boilerplate)
    return {"indexed": n_old, "wave": len(ids), "cpu_s": timing, "total_cpu_s": round(sum(timing.values()), 2),
            "pairs": len(pairs), "boilerplate": len(boilerplate), "partner_boilerplate": len(partner_boilerplate),
            "segments_after": [s.count for s in index.segments]}


def _probes(index: Index, corpus: Path, skip: int, queries: int) -> list[Article]:
    """Stored articles cut by a tenth with a sentence added, then corpus articles after ``skip``."""
    seqs = index.index.index.seqs
    stored = index.store.articles(seqs=random.Random(0).sample(seqs, min(len(seqs), queries * 2 // 3)))
    probes = []
    for a in stored:
        words = a.text.split()
        probes.append(Article(f"probe-{a.id}", " ".join(words[: max(20, len(words) * 9 // 10)])
                              + " Readers wrote in to ask what happens next."))
    return probes + _corpus(corpus, skip, queries - len(probes))


def query(store_path: Path, corpus: Path, skip: int, queries: int, out: Path | None = None) -> dict[str, Any]:
    """Warm ``Index.query`` latency on the store (wall and CPU ms), and how many found something."""
    t = time.perf_counter()
    with Index(store_path) as index:
        opened = time.perf_counter() - t
        probes = _probes(index, corpus, skip, queries)
        index.query(probes[0])
        index.query(probes[-1])  # imports, compiled kernels and ranks are loaded once
        wall, cpu, found = [], [], {}
        for probe in probes:
            t, c = time.perf_counter(), time.process_time()
            results = index.query(probe)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            found[probe.id] = [[r.b, r.relation, round(r.scores["coverage_a"], 6)] for r in results]
    if out is not None:
        out.write_text(json.dumps(found))
    return {"queries": len(probes), "index_open_s": round(opened, 2), "wall": _percentiles(wall),
            "cpu": _percentiles(cpu), "answered": sum(bool(v) for v in found.values())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m wiretrace.bench.index", description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["wave", "query"])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True, help="JSONL the wave or the unseen probes come from.")
    parser.add_argument("--skip", type=int, required=True, help="Corpus articles before the wave / the probes.")
    parser.add_argument("--count", type=int, default=20_000, help="Wave size.")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--index", type=Path, help="Index folder (default: the store's).")
    parser.add_argument("--out", type=Path, help="Where to keep pairs (.npz) or query results (.json).")
    args = parser.parse_args(argv)
    if args.what == "wave":
        row = wave(args.store, args.corpus, args.skip, args.count, args.index, args.out)
    else:
        row = query(args.store, args.corpus, args.skip, args.queries, args.out)
    print(json.dumps({"wiretrace": str(Path(wiretrace.__file__).parent), **row}))


if __name__ == "__main__":
    main()
