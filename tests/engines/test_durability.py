"""kill -9 a scan at random moments: the store must stay sound and a rerun must finish the job."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from wiretrace.store import Store

from scale_corpus import articles, write_jsonl

SCAN = "from wiretrace.cli import main; main()"


def scan_cmd(corpus, out, store):
    return [sys.executable, "-c", SCAN, "scan", str(corpus), "--out", str(out), "--store", str(store)]


def pair_set(store_path):
    with Store(store_path, read_only=True) as s:
        return {(p.a, p.b, p.relation, p.degree, p.source) for p in s.pairs(with_passages=False)}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    base = tmp_path_factory.mktemp("full")
    corpus = write_jsonl(base / "corpus.jsonl", articles(80, seed=4))
    t0 = time.monotonic()
    subprocess.run(scan_cmd(corpus, base / "out", base / "s.duckdb"), check=True, capture_output=True)
    return corpus, pair_set(base / "s.duckdb"), time.monotonic() - t0


@pytest.mark.parametrize("seed, moment", [(1, 0.3), (2, 0.6), (3, 0.9)])  # early, middle, late in the run
def test_a_scan_killed_at_a_random_moment_leaves_a_sound_store_and_resumes(uninterrupted, tmp_path, seed, moment):
    corpus, expected_pairs, full_seconds = uninterrupted
    assert expected_pairs, "the corpus must produce pairs for this test to mean anything"
    store = tmp_path / "s.duckdb"
    victim = subprocess.Popen(scan_cmd(corpus, tmp_path / "out", store), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep((moment + random.Random(seed).uniform(-0.1, 0.1)) * full_seconds)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    if store.exists():
        with Store(store, read_only=True) as s:
            report = s.check()
        assert report.ok, report.problems

    subprocess.run(scan_cmd(corpus, tmp_path / "out", store), check=True, capture_output=True)
    with Store(store, read_only=True) as s:
        report = s.check()
        ids = [r[0] for r in s.con.execute("SELECT id FROM articles").fetchall()]
    assert report.ok and report.counts["uncompared"] == 0
    assert sorted(ids) == sorted(json.loads(line)["id"] for line in corpus.read_text().splitlines())
    assert len(ids) == len(set(ids))
    assert pair_set(store) == expected_pairs
