from wiretrace.cluster import Edge, Reuse, build_clusters, grade_articles, source_tree


def test_source_tree_points_copies_at_their_source_and_has_no_cycle():
    edges = [
        Edge("b", "a", "derived", "a", 0.9),
        Edge("c", "b", "derived", "b", 0.8),
        Edge("a", "c", "derived", "c", 0.7),  # would close a cycle: ignored
    ]
    tree = source_tree(["a", "b", "c"], edges)
    assert tree == {"b": "a", "c": "b"}


def test_clusters_are_connected_components_of_reuse_edges_and_stories_join_them():
    edges = [
        Edge("copy1", "wire", "derived", "wire", 0.9),
        Edge("copy2", "wire", "duplicate", "wire", 0.8),
        Edge("x", "y", "derived", None, 0.5),
        Edge("copy1", "x", "same_story", None, 0.0),
        Edge("lonely", "far", "unrelated", None, 0.0),
    ]
    clusters = build_clusters(edges)
    assert [c.members for c in clusters] == [["copy1", "copy2", "wire"], ["x", "y"]]
    assert clusters[0].source_tree == {"copy1": "wire", "copy2": "wire"}
    assert clusters[0].roots == ["wire"]
    assert clusters[1].source_tree == {} and clusters[1].roots == ["x", "y"]
    assert clusters[0].story == clusters[1].story


def test_article_grade_takes_all_sources_together():
    info = {"paper": ("Daily", "2025-01-02", 100), "w1": ("AP", None, 50), "w2": ("AP", None, 50)}
    reuse = [Reuse("paper", "w1", [(0, 40)]), Reuse("paper", "w2", [(30, 70)])]
    grades = {g.id: g for g in grade_articles(info, reuse)}
    assert grades["paper"].reused_share == 0.7
    assert grades["paper"].degree == "wholly"
    assert grades["paper"].sources == ["w1", "w2"]
    assert grades["w1"].degree == "none" and grades["w1"].sources == []


def test_edge_and_reuse_of_a_pair_point_from_the_copy_to_its_source():
    from wiretrace.cluster import edge_of, reuse_of
    from wiretrace.model import Passage, PairResult

    pair = PairResult(a="copy", b="wire", relation="derived", degree="partially", source="wire",
                      direction_confidence=0.8, scores={"coverage_a": 0.7, "coverage_b": 0.3},
                      passages=[Passage((0, 10), (5, 15), "verbatim", (0, 3), (2, 5))], new_in_a=[], new_in_b=[])
    assert edge_of(pair).coverage == 0.7 and edge_of(pair).confidence == 0.8
    reuse = reuse_of(pair)
    assert (reuse.copy, reuse.source, reuse.ranges) == ("copy", "wire", [(0, 3)])
    undirected = PairResult(**{**pair.__dict__, "source": None})
    assert reuse_of(undirected) is None and edge_of(undirected).coverage == 0.3


def test_store_reduces_overlapping_reuse_ranges_as_grade_articles_does():
    import numpy as np

    from wiretrace.cluster import grades_from_coverage
    from wiretrace.model import Article, PairResult, Passage
    from wiretrace.store import Store

    def stored(aid: str, n: int):
        return Article(aid, f"text of {aid}"), n, np.zeros(4, np.uint32), np.zeros(0, np.uint64)

    def pair(a: str, b: str, source: str, spans: list[tuple[int, int]], relation: str = "derived") -> PairResult:
        passages = [Passage((0, 1), (0, 1), "verbatim", s, s) for s in spans]
        return PairResult(a, b, relation, "partially", source, 0.9, {}, passages, [], [])

    with Store(":memory:") as store:
        store.add_articles([stored("paper", 100), stored("w1", 50), stored("w2", 50), stored("w3", 50)])
        store.add_pairs([pair("paper", "w1", "w1", [(0, 40), (10, 20), (90, 120)]),  # nested, beyond the end
                         pair("w2", "paper", "w2", [(30, 70), (69, 71)]),  # source on the a side
                         pair("paper", "w3", "w3", [(0, 100)], relation="same_story")], [])  # not reuse
        info = store.article_info()
        fast = grades_from_coverage(info, store.reuse_coverage())
        assert fast == grade_articles(info, store.reuse())
        paper = next(g for g in fast if g.id == "paper")
        assert paper.reused_share == 0.81 and paper.sources == ["w1", "w2"]
