import json
import shutil

from wiretrace.cluster import edge_of, grade_articles, grades_from_coverage
from wiretrace.engines.local import ScanResult, ingest, scan
from wiretrace.read import iter_articles
from wiretrace.settings import DEFAULT
from wiretrace.store import Store

from conftest import AP, NEWSWEEK


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_scan_of_the_seed_pair_finds_one_pair_and_one_cluster(seed_dir, tmp_path):
    result = scan([seed_dir], tmp_path / "out")
    pairs = read_jsonl(tmp_path / "out" / "pairs.jsonl")
    clusters = read_jsonl(tmp_path / "out" / "clusters.jsonl")
    assert len(pairs) == 1 and pairs[0]["relation"] == "derived" and pairs[0]["source"] == AP
    assert len(clusters) == 1
    assert sorted(clusters[0]["members"]) == [NEWSWEEK, AP]
    assert clusters[0]["source_tree"] == {NEWSWEEK: AP}
    articles = {a["id"]: a for a in read_jsonl(tmp_path / "out" / "articles.jsonl")}
    assert articles[NEWSWEEK]["sources"] == [AP] and articles[NEWSWEEK]["degree"] != "none"
    assert articles[AP]["sources"] == [] and articles[AP]["date"] == "2021-05-27"
    assert (tmp_path / "out" / "report" / "index.html").exists()
    assert result.counts == {"articles": 2, "pairs": 1, "clusters": 1}


def test_second_scan_adds_only_new_articles_and_compares_them_with_old_ones(seed_dir, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    shutil.copy(seed_dir / f"{AP}.txt", one)
    shutil.copy(seed_dir / f"{NEWSWEEK}.txt", two)
    store = tmp_path / "s.duckdb"
    first = scan([one], tmp_path / "o1", store)
    assert (first.new, first.counts["pairs"]) == (1, 0)
    second = scan([one, two], tmp_path / "o2", store)
    assert (second.new, second.skipped_known, second.candidates) == (1, 1, 1)
    assert second.counts == {"articles": 2, "pairs": 1, "clusters": 1}
    third = scan([one, two], tmp_path / "o3", store)
    assert (third.new, third.candidates, third.counts["pairs"]) == (0, 0, 1)


def test_articles_left_uncompared_by_an_interrupted_run_are_compared_on_rerun(seed_dir, tmp_path):
    store_path = tmp_path / "s.duckdb"
    with Store(store_path) as store:  # a run killed right after reading
        ingest(store, iter_articles([seed_dir], []), DEFAULT, ScanResult(tmp_path, store_path), lambda *a: None)
        assert store.uncompared_ids() == [NEWSWEEK, AP]
    result = scan([seed_dir], tmp_path / "out", store_path)
    assert result.new == 0 and result.counts["pairs"] == 1
    with Store(store_path) as store:
        assert store.uncompared_ids() == []


def test_broken_inputs_are_quarantined_and_the_run_finishes(seed_dir, tmp_path):
    data = tmp_path / "in"
    shutil.copytree(seed_dir, data)
    (data / "empty.txt").write_text("")
    (data / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (data / "rows.jsonl").write_text('{"id": "ok", "text": "A fine article about nothing much."}\n{broken\n')
    result = scan([data], tmp_path / "out")
    quarantined = read_jsonl(tmp_path / "out" / "quarantine.jsonl")
    files = sorted((q["file"].rsplit("/", 1)[-1], q["line"]) for q in quarantined)
    assert files == [("bin.txt", None), ("empty.txt", None), ("rows.jsonl", 2)]
    assert result.counts["articles"] == 3 and result.counts["pairs"] == 1


def test_incremental_scans_give_the_same_pairs_as_one_full_scan(tmp_path):
    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article

    from scale_corpus import articles

    rows = [Article(r["id"], r["text"], date=r["date"]) for r in articles(70, seed=9)]
    full = scan_articles(rows, tmp_path / "full", tmp_path / "full.duckdb", report=False)
    for n, upto in enumerate([30, 31, 55, 70]):  # one batch of a single article too
        scan_articles(rows[:upto], tmp_path / f"inc{n}", tmp_path / "inc.duckdb", report=False)
    with Store(tmp_path / "full.duckdb", read_only=True) as a, Store(tmp_path / "inc.duckdb", read_only=True) as b:
        expected = [p.to_json() for p in a.pairs()]
        assert expected and [p.to_json() for p in b.pairs()] == expected
        assert a.counts() == b.counts() == full.counts
        assert b.clustered_seq() == 70  # clusters and grades reflect every article
    for name in ("pairs.jsonl", "articles.jsonl", "clusters.jsonl"):  # ids included: content-derived
        assert (tmp_path / "inc3" / name).read_text() == (tmp_path / "full" / name).read_text(), name
    with Store(tmp_path / "full.duckdb", read_only=True) as a:
        edges = a.edges()  # read column by column, equal to the edges of whole pairs
        assert any(e.source for e in edges) and edges == [edge_of(p) for p in a.pairs(with_passages=False)]
        for passages in (True, False):  # pairs.jsonl is written from rows: the same JSON as the objects give
            assert list(a.iter_pairs_json(passages, batch=7)) == [p.to_json(passages) for p in a.iter_pairs(batch=11)]
        info = a.article_info()  # grades reduced in the store, equal to grading every Reuse range
        graded = grades_from_coverage(info, a.reuse_coverage())
        assert any(g.reused_share > 0 for g in graded) and graded == grade_articles(info, a.reuse())


def test_two_worker_processes_find_the_same_pairs_as_one(tmp_path):
    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article

    from scale_corpus import articles

    rows = [Article(r["id"], r["text"]) for r in articles(60, seed=2)]
    one = scan_articles(rows, tmp_path / "one", report=False)
    two = scan_articles(rows, tmp_path / "two", jobs=2, report=False)
    assert one.candidates == two.candidates > 0 and one.counts == two.counts
    assert (tmp_path / "one" / "pairs.jsonl").read_text() == (tmp_path / "two" / "pairs.jsonl").read_text()


def test_a_repeated_article_id_given_to_the_library_is_quarantined_and_the_first_kept(tmp_path):
    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article

    rows = [Article("x", "The first text of x, kept.", origin="feed.jsonl:1"),
            Article("x", "A second x.", origin="feed.jsonl:7")]
    result = scan_articles(rows, tmp_path / "out", report=False)
    assert result.counts["articles"] == 1 and result.new == 1
    [entry] = result.quarantine
    assert (entry.file, entry.line) == ("feed.jsonl", 7) and "duplicate article id 'x'" in entry.reason
    with Store(result.store, read_only=True) as s:
        assert s.article("x").text.startswith("The first")


def test_a_scan_in_small_waves_finds_the_same_pairs_and_indexes_every_article(tmp_path):
    from dataclasses import replace

    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article
    from wiretrace.postings import index_dir, load_index

    from scale_corpus import articles

    rows = [Article(r["id"], r["text"]) for r in articles(50, seed=3)]
    whole = scan_articles(rows, tmp_path / "whole", report=False)
    waves = scan_articles(rows, tmp_path / "waves", settings=replace(DEFAULT, scan_wave=7), report=False)
    assert whole.candidates == waves.candidates > 0 and whole.related == waves.related
    assert (tmp_path / "whole" / "pairs.jsonl").read_text() == (tmp_path / "waves" / "pairs.jsonl").read_text()
    with Store(waves.store, read_only=True) as s:
        index = load_index(index_dir(waves.store), s.token)
    assert index is not None and sorted(index.ids) == sorted(r.id for r in rows)
    assert [seg.count for seg in index.segments] == [28, 14, 7, 1]  # 8 waves merged like a binary counter


def test_a_scan_keeps_each_articles_boilerplate_spans_and_an_older_store_gains_the_column(tmp_path):
    import duckdb

    from wiretrace.engines.local import scan_articles
    from wiretrace.model import Article
    from wiretrace.normalize import decode_spans, tag_boilerplate
    from wiretrace.store import Store

    wire = Article("w", "CAIRO (AP) — " + "Egypt has invited Israel to talks on the truce in Gaza this week. " * 3,
                   date="2021-05-20", outlet="AP")
    copy = Article("c", "Egypt has invited Israel to talks on the truce in Gaza this week. " * 3 +
                   "\nCopyright 2021 The Associated Press. All rights reserved.", date="2021-05-21", outlet="Daily")
    store_path = tmp_path / "s.duckdb"
    scan_articles(iter([wire, copy]), tmp_path / "out", store_path, jobs=1, report=False)
    [found] = [json.loads(line) for line in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    assert found["relation"] == "duplicate" and found["source"] == "w"  # aligned from the kept spans
    with Store(store_path) as store:
        kept = dict((a.id, spans) for a, spans in store.articles_to_align(store.fingerprints(["w", "c"]).seqs))
        for article in (wire, copy):
            assert decode_spans(kept[article.id]) == tag_boilerplate(article.text) != []
        store.con.execute("ALTER TABLE articles DROP COLUMN boilerplate")  # as a store of an earlier version
    with Store(store_path) as store:  # opened for writing: the column is back, its rows NULL (tagged again)
        assert [spans for _, spans in store.articles_to_align(store.fingerprints(["w", "c"]).seqs)] == [None, None]
    con = duckdb.connect(str(store_path))
    assert "boilerplate" in [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    con.close()
