"""pairs.jsonl, articles.jsonl and clusters.jsonl written by DuckDB equal the Python objects' JSON."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.cluster import build_clusters, grades_from_coverage
from wiretrace.model import Article, PairResult, Passage
from wiretrace.store import _ROUND, Store


def ordered_lines(path):
    """Each line parsed with its keys in order (a list of pairs at every level), so key order counts."""
    return [json.loads(line, object_pairs_hook=list) for line in path.read_text(encoding="utf-8").splitlines()]


def as_ordered(row):
    return json.loads(json.dumps(row), object_pairs_hook=list)


def stored(aid, n=40):
    return Article(aid, f"text of {aid}", outlet="Outlet é", date="2024-01-02"), n, np.zeros(4, np.uint32), \
        np.zeros(0, np.uint64)


def pair(a, b, relation="derived", source=None, spans=((0, 5),), scores=None, confidence=0.73125):
    passages = [Passage((s0 * 3, s1 * 3), (s0 * 2 + 1, s1 * 2 + 1), "verbatim" if k % 2 else "rewritten", (s0, s1),
                        (s0, s1)) for k, (s0, s1) in enumerate(spans)]
    return PairResult(a, b, relation, "partially", source, confidence,
                      scores if scores is not None else {"jaccard": 0.03125, "coverage_a": 1 / 3, "coverage_b": 0.28125,
                                                         "names": 1.0, "similarity": 0.0},
                      passages, [(0, 3), (90, 120)], [], reasons=['quoted "text" ü', "line\nbreak\ttab"],
                      direction_reasons=["A credits Associated Press; B does not"])


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        ids = ["wire", "copy", "copy2", "ünï", 'quo"te', "lone", "x/y", "z"]
        s.add_articles([stored(a) for a in ids])
        s.add_pairs([
            pair("copy", "wire", source="wire", spans=((0, 10), (12, 20), (5, 8))),
            pair("copy2", "wire", relation="duplicate", source="wire", confidence=0.5,
                 scores={"coverage_a": 0.00005, "coverage_b": 0.99995, "semantic": 0.123456789}),
            pair("ünï", 'quo"te', source='quo"te', spans=()),  # a pair without passages
            pair("copy", "x/y", relation="same_story", spans=()),
            pair("x/y", "z", source=None, confidence=0.0),  # undirected: both roots
        ], s.fingerprints(ids).seqs)
        s.replace_clusters(build_clusters(s.edges()), grades_from_coverage(s.article_info(), s.reuse_coverage()))
        yield s


@pytest.mark.parametrize("passages", [True, False])
def test_pairs_jsonl_equals_the_row_by_row_json_with_keys_in_order(store, tmp_path, passages):
    out = tmp_path / "pairs.jsonl"
    store.write_pairs_jsonl(out, with_passages=passages)
    expected = [p.to_json(passages) for p in store.iter_pairs(with_passages=passages)]
    assert len(expected) == 5 and ordered_lines(out) == [as_ordered(x) for x in expected]
    assert ordered_lines(out) == [as_ordered(x) for x in store.iter_pairs_json(passages)]
    # in the order pairs are found: by the later article's number, then the earlier's (wire 1, copy 2,
    # copy2 3, ünï 4, quo"te 5, lone 6, x/y 7, z 8), whichever of the two is a
    assert [(x["a"], x["b"]) for x in expected] == [("copy", "wire"), ("copy2", "wire"), ("ünï", 'quo"te'),
                                                    ("copy", "x/y"), ("x/y", "z")]
    by_key = lambda p: (p.a, p.b)  # noqa: E731
    assert sorted(store.iter_pairs(with_passages=passages), key=by_key) == store.pairs(with_passages=passages)
    first = json.loads(out.read_text().splitlines()[0])
    assert first["direction_confidence"] == 0.7312 and first["scores"]["jaccard"] == 0.0312  # ties to even
    assert ("passages" in first) == passages and not (tmp_path / "pairs.jsonl.tmp").exists()


@pytest.mark.parametrize("per_slice", [1, 2, 100])
def test_pairs_jsonl_written_in_slices_of_the_later_article_is_the_same_file(store, tmp_path, monkeypatch, per_slice):
    whole = tmp_path / "whole.jsonl"
    store.write_pairs_jsonl(whole)
    monkeypatch.setattr("wiretrace.store.PAIRS_PER_SLICE", per_slice)
    sliced = tmp_path / "pairs.jsonl"
    store.write_pairs_jsonl(sliced)
    slices = store._pair_slices(per_slice)
    assert len(slices) == {1: 5, 2: 3, 100: 1}[per_slice]  # 5 pairs, 5 distinct later articles
    assert slices[0][0] == 2 and slices[-1][1] is None
    assert sliced.read_bytes() == whole.read_bytes() and len(sliced.read_text().splitlines()) == 5
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]  # no parts left


def test_articles_and_clusters_jsonl_equal_the_objects_json(store, tmp_path):
    store.write_articles_jsonl(tmp_path / "articles.jsonl")
    store.write_clusters_jsonl(tmp_path / "clusters.jsonl")
    grades, clusters = store.grades(), store.clusters()
    assert ordered_lines(tmp_path / "articles.jsonl") == [as_ordered(g.to_json()) for g in grades]
    assert ordered_lines(tmp_path / "clusters.jsonl") == [as_ordered(c.to_json()) for c in clusters]
    assert [len(c.members) for c in clusters] == [3, 2, 2] and clusters[2].source_tree == {}


def test_articles_jsonl_has_every_article_even_without_a_grade_row(store, tmp_path):
    store.con.execute("DELETE FROM grades WHERE id IN ('lone', 'copy')")
    store.write_articles_jsonl(tmp_path / "articles.jsonl")
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "articles.jsonl").read_text().splitlines())}
    assert len(rows) == 8 and rows["lone"] == {"id": "lone", "outlet": "Outlet é", "date": "2024-01-02",
                                               "sources": [], "reused_share": 0.0, "degree": "none"}


def test_an_empty_store_writes_empty_files(tmp_path):
    with Store(":memory:") as s:
        for name, write in (("p", s.write_pairs_jsonl), ("a", s.write_articles_jsonl), ("c", s.write_clusters_jsonl)):
            write(tmp_path / name)
            assert (tmp_path / name).read_text() == ""


_ROUNDER = Store(":memory:")
_ROUNDER.con.execute(_ROUND)

ties = st.builds(lambda k, n: k / 2 ** n, st.integers(0, 2 ** 20), st.integers(0, 24))  # exact binary ties
near_ties = st.builds(lambda k, d: (k + 0.5) / 10 ** 4 + d, st.integers(0, 20_000), st.sampled_from([0.0, 1e-17, -1e-17]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(-2, 2, allow_nan=False), ties, near_ties), min_size=1, max_size=50))
def test_sql_rounding_is_pythons_round_to_four_places(values):
    got = _ROUNDER.con.execute("SELECT wt_round(x, 10000.0) FROM (SELECT unnest(?::DOUBLE[]) AS x)", [values]).fetchall()
    assert [r[0] for r in got] == [round(v, 4) for v in values]
