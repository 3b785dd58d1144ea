"""An incremental recluster after each wave of new pairs equals a full one: clusters, source trees,
roots, stories, ids and grades; and it rewrites only the stories the new pairs touch."""

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.cluster import LINKED, _components, stable_id
from wiretrace.engines.local import recluster
from wiretrace.model import Article, PairResult, Passage
from wiretrace.settings import DEFAULT
from wiretrace.store import Store


def seqs_of(store, ids):
    """The store numbers of articles, as ``Store.add_pairs`` takes them."""
    return store.fingerprints(list(ids)).seqs


def tables(store):
    """The clusters and grades tables as sorted rows, and the clustered marker."""
    clusters = store.con.execute("SELECT article, cluster, parent, story FROM clusters ORDER BY article").fetchall()
    grades = store.con.execute("SELECT id, sources, reused_share, degree FROM grades ORDER BY id").fetchall()
    return clusters, grades, store.clustered_seq()


def random_pair(rng, a, b):
    relation = rng.choice(["duplicate", "derived", "derived", "same_story"])
    source = rng.choice([a, b, b, None]) if relation != "same_story" else None
    spans = []
    for _ in range(rng.randint(0, 3)):
        lo = rng.randint(-2, 45)
        spans.append((lo, lo + rng.randint(0, 20)))  # some run past the article's 40 content tokens
    passages = [Passage((0, 1), (0, 1), "verbatim", s, s) for s in spans]
    confidence = rng.choice([0.5, 0.7, 0.9, 0.9])  # ties: the tree's order must not depend on the wave
    scores = {"coverage_a": rng.choice([0.2, 0.5]), "coverage_b": rng.choice([0.2, 0.5])}
    return PairResult(a, b, relation, "partially", source, confidence, scores, passages, [], [])


def run_waves(seed, waves, per_wave, pairs_per_wave):
    """Add articles and pairs wave by wave (each new pair holds a new article, as scans add them),
    recluster incrementally after each wave and check it against a full recluster."""
    rng = random.Random(seed)
    articles: list[str] = []
    with Store(":memory:") as store:
        for wave in range(waves):
            new = [f"a{rng.randint(0, 10 ** 6):07d}-{wave}-{k}" for k in range(per_wave)]
            store.add_articles([(Article(x, x), 40, np.zeros(4, np.uint32), np.zeros(0, np.uint64)) for x in new])
            found = {}
            for _ in range(pairs_per_wave):
                a = rng.choice(new)
                b = rng.choice(articles + new)
                if a != b:
                    a, b = sorted((a, b))
                    found[a, b] = random_pair(rng, a, b)
            store.add_pairs(list(found.values()), seqs_of(store, new))
            before = tables(store)
            done = recluster(store, DEFAULT)
            assert done.full == (wave == 0)
            incremental = tables(store)
            recluster(store, DEFAULT, full=True)
            assert tables(store) == incremental, f"seed {seed}, wave {wave}"
            if wave:
                assert done.articles == len(expected_region(store, set(new))), "only touched stories are rebuilt"
                unchanged = {r[0] for r in before[0]} - expected_region(store, set(new))
                assert [r for r in before[0] if r[0] in unchanged] == [r for r in incremental[0] if r[0] in unchanged]
            articles += new


def expected_region(store, new):
    """The articles of every story that holds an article in a pair with a new one (the reference)."""
    links = [(a, b) for a, b, r in store.con.execute("SELECT a, b, relation FROM pairs").fetchall() if r in LINKED]
    groups = _components([], links)
    touched = {x for a, b in links if a in new or b in new for x in (a, b)}
    return {m for g in groups.values() if touched & set(g) for m in g}


def test_waves_of_new_pairs_recluster_as_a_full_rebuild_would():
    for seed in range(12):
        run_waves(seed, waves=6, per_wave=rng_size(seed), pairs_per_wave=rng_size(seed) * 2)


def rng_size(seed):
    return 3 + seed % 5


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10 ** 9), st.integers(2, 5), st.integers(1, 8), st.integers(0, 20))
def test_any_sequence_of_waves_reclusters_as_a_full_rebuild_would(seed, waves, per_wave, pairs):
    run_waves(seed, waves, per_wave, pairs)


def test_a_store_clustered_by_rank_is_rebuilt_whole_with_content_derived_ids():
    with Store(":memory:") as store:
        ids = ["wire", "copy", "other"]
        store.add_articles([(Article(x, x), 40, np.zeros(4, np.uint32), np.zeros(0, np.uint64)) for x in ids])
        store.add_pairs([PairResult("copy", "wire", "derived", "wholly", "wire", 0.9, {}, [], [], [])], seqs_of(store, ids))
        store.con.execute("INSERT INTO clusters VALUES ('c1', 'copy', 'wire', 's1'), ('c1', 'wire', NULL, 's1')")
        store.con.execute("INSERT INTO meta VALUES ('clustered_seq', '3')")  # as if marked, but by rank
        assert store.clustered_seq() is None
        done = recluster(store, DEFAULT)
        assert done.full and store.clustered_seq() == 3
        (cluster,) = store.clusters()
        assert cluster.cluster == stable_id("c", "copy") and cluster.story == stable_id("s", "copy")
        assert cluster.source_tree == {"copy": "wire"} and cluster.roots == ["wire"]


def test_uncompared_articles_stay_after_the_clustered_mark():
    with Store(":memory:") as store:
        rows = [(Article(x, x), 40, np.zeros(4, np.uint32), np.zeros(0, np.uint64)) for x in ("a", "b", "c", "d")]
        store.add_articles(rows)
        store.add_pairs([], seqs_of(store, ["a", "b", "d"]))  # c (seq 3) is not compared yet: its pairs are to come
        recluster(store, DEFAULT)
        assert store.clustered_seq() == 2
        store.add_pairs([PairResult("a", "c", "derived", "wholly", "a", 0.9, {}, [], [], [])], seqs_of(store, ["c"]))
        done = recluster(store, DEFAULT)
        assert not done.full and done.articles == 2 and [c.members for c in store.clusters()] == [["a", "c"]]
