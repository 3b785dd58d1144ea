"""The Spark engine (local[2]) gives the local engine's outputs (the same JSON, line by line, keys in
order; the local engine's is encoded by DuckDB) and its shuffles are right.

One SparkSession serves the whole module (starting a JVM costs seconds); shuffles use few partitions.
Skipped when PySpark or Java is missing.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("the spark engine needs Java", allow_module_level=True)

from wiretrace.bench.spark import OUTPUTS, synthetic_articles, write_jsonl  # noqa: E402
from wiretrace.candidates import KEY_KINDS, KeyRule, kind_pairs  # noqa: E402
from wiretrace.cluster import _components  # noqa: E402
from wiretrace.cli import main  # noqa: E402
from wiretrace.engines import local  # noqa: E402
from wiretrace.engines import spark as spark_engine  # noqa: E402
from wiretrace.settings import Settings  # noqa: E402

from conftest import REPO, SAMPLE  # noqa: E402

SHARED = Path(os.environ.get("WIRETRACE_SHARED", REPO.parent / "shared"))
METER = SHARED / "data" / "meter-courts"


@pytest.fixture(scope="module")
def spark():
    session = spark_engine.spark_session("local[2]", shuffle_partitions=4)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def both_engines(spark, inputs, tmp_path, report=False):
    """Scan ``inputs`` with each engine; return the two output folders and the Spark result."""
    local.scan(inputs, tmp_path / "local", report=report)
    result = spark_engine.scan([str(p) for p in inputs], tmp_path / "spark", spark=spark, report=report)
    return tmp_path / "local", tmp_path / "spark", result


def assert_same_outputs(left: Path, right: Path) -> None:
    for name in OUTPUTS:
        assert ordered_lines(left / name) == ordered_lines(right / name), name


def ordered_lines(path: Path) -> list:
    """Each line parsed with its keys kept in order (lists of pairs), so key order counts too."""
    return [json.loads(line, object_pairs_hook=list) for line in path.read_text(encoding="utf-8").splitlines()]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_key_join_with_hot_keys_split_into_blocks_matches_local_postings(spark):
    rng = np.random.default_rng(3)
    n_docs = 400
    kind_names = [k.name for k in KEY_KINDS]
    keys = []
    for d in range(n_docs):
        per_kind = {}
        for kind in kind_names:
            ks = set(rng.integers(0, 300, 6).tolist())
            if d % 2 == 0:
                ks.add(10_000)  # a hot key: 200 documents, more than one block
            if d % 4 != 3:
                ks.add(20_000)  # too hot: 300 documents, beyond every cap, paired through 8 hubs
            per_kind[kind] = np.array(sorted(ks), dtype=np.uint64)
        keys.append(per_kind)
    settings = Settings(max_bucket=250, max_df=250, min_shared_fingerprints=2)
    rules = spark_engine.key_rules(n_docs, settings)
    assert rules["lsh"] == KeyRule(250, 1, 8) and rules["winnowed"] == KeyRule(250, 2, 8)
    expected = set()
    for kind in KEY_KINDS:
        expected |= {tuple(p) for p in kind_pairs([k[kind.name] for k in keys], rules[kind.name]).tolist()}
    rows = [(n, int(key), d) for d, per_kind in enumerate(keys) for n, kind in enumerate(kind_names)
            for key in per_kind[kind].tolist()]
    postings = spark.createDataFrame(rows, "kind int, key long, doc long")
    got = spark_engine.candidate_pairs_df(spark, postings, n_docs, settings, block_size=16).collect()
    assert {(r["a"], r["b"]) for r in got} == expected
    assert len(expected) >= 200 * 199 // 2  # the hot key's pairs are in


def test_label_propagation_finds_the_union_find_components(spark):
    rng = np.random.default_rng(5)
    edges = [(f"n{a}", f"n{b}") for a, b in rng.integers(0, 120, (90, 2)).tolist() if a != b]
    edges += [(f"p{i}", f"p{i + 1}") for i in range(12)]  # a long path: many rounds
    expected = {frozenset(g) for g in _components([], edges).values()}
    comp = spark_engine.connected_components(spark.createDataFrame(edges, "src string, dst string")).collect()
    groups: dict[str, set] = {}
    for r in comp:
        groups.setdefault(r["component"], set()).add(r["node"])
    assert {frozenset(g) for g in groups.values()} == expected


def test_sample_corpus_gives_identical_outputs_and_report(spark, tmp_path):
    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    (data / "zz-empty.txt").write_text("")
    first = json.loads((SAMPLE / "articles.jsonl").read_text().splitlines()[0])
    (data / "zz-again.jsonl").write_text(json.dumps(first) + "\n{broken\n")
    left, right, result = both_engines(spark, [data], tmp_path, report=True)
    assert_same_outputs(left, right)
    quarantined = lines(right / "quarantine.jsonl")
    assert [(Path(q["file"]).name, q["line"]) for q in quarantined] == [
        ("zz-again.jsonl", 1), ("zz-again.jsonl", 2), ("zz-empty.txt", None)]
    assert "duplicate id" in quarantined[0]["reason"]
    assert result.counts["pairs"] == len(lines(left / "pairs.jsonl")) > 10
    for page in sorted((left / "report").rglob("*.html")):
        assert page.read_text() == (right / "report" / page.relative_to(left / "report")).read_text(), page


def test_generated_corpus_of_two_thousand_articles_gives_identical_outputs(spark, tmp_path):
    corpus = write_jsonl(synthetic_articles(2000, seed=11), tmp_path / "corpus.jsonl")
    left, right, result = both_engines(spark, [corpus], tmp_path)
    assert_same_outputs(left, right)
    clusters = lines(right / "clusters.jsonl")
    assert len(clusters) > 100 and result.related > 300
    assert result.shuffle["postings"] > 100_000
    assert result.shuffle["boilerplate_keys"] >= 5  # the shared newsletter footer, judged alike by both engines


def test_meter_courts_gives_identical_outputs(spark, tmp_path):
    """The whole courts domain (1,432 PA and newspaper texts, latin-1, 3,000+ related pairs)."""
    if not METER.exists():
        pytest.skip("METER corpus not present (../shared/data/meter-courts)")
    inputs = [METER / side / "rawtexts" / "courts" for side in ("PA", "newspapers")]
    left, right, result = both_engines(spark, inputs, tmp_path)
    assert_same_outputs(left, right)
    assert result.read > 1400 and result.related > 2500
    assert any(a["degree"] == "wholly" for a in lines(right / "articles.jsonl"))


def test_cli_scan_on_spark_of_a_uri_input_writes_the_local_outputs_and_parquet_pairs(spark, tmp_path, capsys):
    local.scan([SAMPLE], tmp_path / "local", report=False)
    with pytest.raises(SystemExit) as done:  # the module's session serves: same master
        main(["scan", SAMPLE.resolve().as_uri(), "--engine", "spark", "--master", "local[2]",
              "--out", str(tmp_path / "spark"), "--no-report", "--pairs-format", "parquet"])
    assert done.value.code == 0
    for name in ("articles.jsonl", "clusters.jsonl"):
        assert ordered_lines(tmp_path / "local" / name) == ordered_lines(tmp_path / "spark" / name), name
    table = pq.read_table(tmp_path / "spark" / "pairs.parquet")
    by_pair = lambda p: (p["a"], p["b"])  # noqa: E731
    assert sorted((json.loads(x) for x in table.column("json").to_pylist()), key=by_pair) == sorted(
        lines(tmp_path / "local" / "pairs.jsonl"), key=by_pair)
    assert not (tmp_path / "spark" / "report").exists() and not (tmp_path / "spark" / "pairs.jsonl").exists()
    assert "candidate pairs" in capsys.readouterr().out


def test_pairs_without_passages_drop_only_the_passage_fields():
    full = {"a": "x", "b": "y", "relation": "derived", "passages": [], "new_in_a": [], "new_in_b": []}
    assert json.loads(spark_engine._pair_line(json.dumps(full), passages=False)) == {
        "a": "x", "b": "y", "relation": "derived"}


def test_spark_options_without_the_spark_engine_are_usage_errors(tmp_path):
    with pytest.raises(SystemExit) as done:
        main(["scan", str(SAMPLE), "--master", "local[2]", "--out", str(tmp_path / "out")])
    assert done.value.code == 1
    with pytest.raises(SystemExit) as done:
        main(["scan", str(SAMPLE), "--engine", "spark", "--store", "x.duckdb", "--out", str(tmp_path / "out")])
    assert done.value.code == 1

