import subprocess
import sys
import time

import numpy as np
import pytest

from wiretrace.engines.local import scan_articles
from wiretrace.errors import StoreError
from wiretrace.model import Article
from wiretrace.pipeline import compare
from wiretrace.postings import index_dir
from wiretrace.query import Index
from wiretrace.store import Store

from helpers import QUOTING_PIECE, WIRE
from scale_corpus import articles, write_jsonl


def as_articles(rows):
    return [Article(r["id"], r["text"], date=r["date"]) for r in rows]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    base = tmp_path_factory.mktemp("q")
    scan_articles(as_articles(articles(60, seed=5)) + [Article("wire", WIRE, outlet="Associated Press")],
                  base / "out", base / "s.duckdb", report=False)
    return base / "s.duckdb"


def test_query_finds_the_wire_story_a_piece_quotes(store_path):
    with Index(store_path) as index:
        results = index.query(Article("piece", QUOTING_PIECE, date="2030-01-01"), top=100)
    assert "wire" in {r.b for r in results if r.relation == "derived"}
    assert all(r.a == "piece" for r in results)
    ranks = [(r.relation != "duplicate", r.relation != "derived") for r in results]
    assert ranks == sorted(ranks)


def test_query_finds_every_copy_that_comparing_with_all_would(store_path):
    with Store(store_path, read_only=True) as s:
        stored = s.articles()
    query = Article("q", WIRE + "\n\nA closing paragraph the wire did not send, about other matters entirely.")
    copying = {"derived", "duplicate"}
    brute = sorted(a.id for a in stored if compare(query, a).relation in copying)
    with Index(store_path) as index:
        found = sorted(r.b for r in index.query(query, top=1000) if r.relation in copying)
    assert len(brute) > 3 and found == brute


def test_the_index_is_saved_beside_the_store_and_loaded_not_rebuilt(store_path):
    folder = index_dir(store_path)
    assert (folder / "manifest.json").exists()
    with Index(store_path) as index:
        assert len(index.index.index) == 61 and index.index.saved  # loaded from the saved segments
        assert not list(folder.glob(".*.tmp"))


def test_pasted_text_is_a_query_too(store_path):
    with Index(store_path) as index:
        assert "wire" in {r.b for r in index.query(WIRE, top=100)}


def test_a_reader_keeps_answering_while_a_scan_adds_articles(tmp_path):
    store = tmp_path / "s.duckdb"
    scan_articles([Article("wire", WIRE, outlet="Associated Press")], tmp_path / "o1", store, report=False)
    more = write_jsonl(tmp_path / "more.jsonl", articles(80, seed=6) + [{"id": "late", "text": QUOTING_PIECE,
                                                                          "date": "2024-05-01"}])
    with Index(store) as index:
        writer = subprocess.Popen([sys.executable, "-c", "from wiretrace.cli import main; main()", "scan", str(more),
                                   "--out", str(tmp_path / "o2"), "--store", str(store)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        answered_while_locked = 0
        while writer.poll() is None:
            assert "wire" in {r.b for r in index.query(QUOTING_PIECE, top=100)}
            try:
                Store(store, read_only=True).close()
            except StoreError:
                answered_while_locked += 1
            time.sleep(0.05)
        assert writer.returncode == 0 and answered_while_locked > 0
        # the scan published a new snapshot: the same index switches to it on the next query
        assert {r.b for r in index.query(WIRE, top=100)} >= {"late"}


def test_the_index_keeps_every_article_signature_and_size_as_the_store_has_them(store_path):
    with Store(store_path, read_only=True) as s, Index(s) as index:
        candidates = index.index.index
        docs = np.asarray([60, 0, 33, 33, 7])
        assert all(seg.signatures is not None for seg in candidates.segments)
        got, expected = candidates.signatures(docs), s.signatures([candidates.seqs[d] for d in docs.tolist()])
        assert np.array_equal(got[0], expected[0]) and got[1].tolist() == expected[1].tolist()


def test_a_version_2_index_gets_signatures_from_the_store_and_answers_the_same(tmp_path, store_path):
    import json
    import shutil

    from wiretrace.postings import load_index, open_index

    store = tmp_path / "s.duckdb"
    shutil.copyfile(store_path, store)
    shutil.copytree(index_dir(store_path), index_dir(store))
    folder = index_dir(store)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["segments"]:  # as 8b82e0b saved it: no signatures, no sizes
        (folder / name / "signatures.npy").unlink()
        (folder / name / "sizes.npy").unlink()
    (folder / "manifest.json").write_text(json.dumps({**manifest, "version": 2}))
    with Store(store) as s:
        old = load_index(folder, s.token)
        assert old is not None and all(seg.signatures is None for seg in old.segments)
        reader = open_index(s, folder, save=False)  # a reader fills them in memory only
        assert json.loads((folder / "manifest.json").read_text())["version"] == 2
        writer = open_index(s, folder)
        expected = s.signatures(writer.index.seqs)
    assert json.loads((folder / "manifest.json").read_text())["version"] == 3
    with Store(store, read_only=True) as s:
        upgraded = load_index(folder, s.token)
    assert upgraded is not None and upgraded.ids == old.ids
    for index in (reader.index, upgraded):
        sigs, sizes = index.signatures(np.arange(len(index)))
        assert np.array_equal(sigs, expected[0]) and sizes.tolist() == expected[1].tolist()
    probe = Article("probe", QUOTING_PIECE)
    with Index(store) as upgraded_index, Index(store_path) as original:
        assert [(r.b, r.relation) for r in upgraded_index.query(probe, top=100)] == \
            [(r.b, r.relation) for r in original.query(probe, top=100)]
