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
        assert row["peak_rss_mb"] > 0 and row["query"]["cli_cold_s"] > 0 and row["peak_rss_sum_mb"] >= 0
        assert row["peak_rss_mb_with_incremental_and_queries"] >= row["peak_rss_mb"]
    table = (tmp_path / "out" / "scale.md").read_text()
    assert table == markdown(report) and "| 30 |" in table and "| 60 |" in table


def test_memory_watch_sees_the_memory_of_this_process_and_its_children():
    import subprocess
    import sys
    import time

    import numpy as np

    from wiretrace.bench.scale import MemoryWatch

    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(3)"])
    try:
        with MemoryWatch(every=0.2) as memory:
            held = np.ones(200 * 2**20 // 8)  # 200 MB touched here
            time.sleep(1.5)
        assert memory.peak_kb / 1024 >= 200 + 250  # ours and the child's (its pages touched)
        assert memory.peak_used_kb / 1024 >= 200  # the machine's memory in use rose by ours at least
        del held
    finally:
        child.wait()
