import json

from wiretrace.bench.scale import main, markdown

from scale_corpus import articles, write_jsonl


def test_scale_bench_writes_json_and_markdown_with_every_figure(tmp_path):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", articles(66, seed=8))
    main(["--sizes", "30,60", "--corpus", str(corpus), "--increment", "0.1", "--queries", "10", "--jobs", "1",
          "--cli-runs", "1", "--out", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "scale.json").read_text())
    assert [row["articles"] for row in report["sizes"]] == [30, 60]
    for row in report["sizes"]:
        assert set(row["stage_s"]) == {"read", "align", "cluster", "write", "snapshot"}
        assert row["candidates"] > 0 and row["candidates_per_article"] == round(row["candidates"] / row["articles"], 3)
        assert row["incremental"]["articles"] == row["articles"] // 10
        assert row["query"]["queries"] == 10 and row["query"]["answered_with_results"] > 0
        assert 0 < row["query"]["p50_ms"] <= row["query"]["p99_ms"] <= row["query"]["max_ms"]
        assert row["peak_rss_mb"] > 0 and row["query"]["cli_cold_s"] > 0
    table = (tmp_path / "out" / "scale.md").read_text()
    assert table == markdown(report) and "| 30 |" in table and "| 60 |" in table
