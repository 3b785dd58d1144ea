"""``bench run``: one corpus, every system in its own process, bench.json in the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wiretrace.bench.generate import generate_corpus
from wiretrace.bench.run import markdown, run_bench
from wiretrace.bench.systems import rensa_bands, shingles
from wiretrace.errors import InputError


@pytest.fixture(scope="module")
def corpus(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    generate_corpus(tiny_base, 40, 3, out)
    return out


def test_wiretrace_alone_gives_the_documented_shape(corpus: Path, tmp_path: Path) -> None:
    result = run_bench(corpus, tmp_path, ("wiretrace",))
    assert result["corpus"]["n"] == 40 and result["corpus"]["seed"] == 3 and "load_average_at_start" in result["machine"]
    w = result["systems"]["wiretrace"]
    assert set(w["seconds"]) == {"fingerprint", "candidates", "align", "cluster"}
    assert w["docs_per_s"] > 0 and w["candidate_docs_per_s"] >= w["docs_per_s"] and w["peak_rss_mb"] > 0
    assert w["candidates"] >= w["pairs"] > 0 and 0 < w["precision"] <= 1
    assert w["recall"]["exact"] == 1.0 and 0 <= w["plagdet"] <= 1 and w["direction_accuracy"] > 0.9
    assert json.loads((tmp_path / "bench.json").read_text()) == result
    assert (tmp_path / "bench.md").read_text().splitlines()[4].startswith("| wiretrace |")


def test_the_scan_system_runs_the_product_end_to_end_with_workers(corpus: Path, tmp_path: Path) -> None:
    result = run_bench(corpus, tmp_path, ("wiretrace", "wiretrace-scan-2"))
    w, scan = result["systems"]["wiretrace"], result["systems"]["wiretrace-scan-2"]
    assert set(scan["seconds"]) == {"read", "align", "cluster", "write", "snapshot"} and scan["docs_per_s"] > 0
    assert scan["candidate_docs_per_s"] is None and scan["candidates"] >= scan["pairs"] > 0
    assert scan["recall"]["exact"] == 1.0 and abs(scan["precision"] - w["precision"]) < 0.05
    assert 0 < scan["plagdet"] <= 1 and scan["direction_accuracy"] > 0.9


def test_peers_are_timed_and_scored_beside_wiretrace(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("datasketch")
    pytest.importorskip("rensa")
    result = run_bench(corpus, tmp_path, ("wiretrace", "datasketch-0.5", "rensa-0.5"))
    ds, rensa, wt = (result["systems"][k] for k in ("datasketch-0.5", "rensa-0.5", "wiretrace"))
    assert set(ds["seconds"]) == {"shingle", "minhash", "lsh", "verify"} and "error" not in rensa
    assert ds["recall"]["exact"] == 1.0 == rensa["recall"]["exact"]
    # every system's libraries load before its clock starts, timed apart from the stages
    assert all(s["load_cpu_seconds"] >= 0 for s in (ds, rensa, wt))
    assert wt["total_cpu_seconds"] == pytest.approx(sum(wt["cpu_seconds"].values()), abs=0.01)
    assert wt["recall"]["partial"] >= ds["recall"]["partial"]
    assert "direction_accuracy" not in ds  # candidate pairs carry no direction


def test_unknown_system_is_reported_not_raised(corpus: Path, tmp_path: Path) -> None:
    result = run_bench(corpus, tmp_path, ("simhash-0.5",))
    assert "unknown system" in result["systems"]["simhash-0.5"]["error"]
    assert "| simhash-0.5 | error: ValueError: unknown system" in markdown(result)


def test_not_a_corpus_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a generated corpus"):
        run_bench(tmp_path, tmp_path / "out")


def test_shingles_and_rensa_bands() -> None:
    assert sorted(shingles("A b c d e f")) == ["a b c d e", "b c d e f"]
    assert shingles("short text") == ["short text"]
    assert (rensa_bands(0.5), rensa_bands(0.8)) == (32, 8)


def test_cli_bench_run_then_eval_on_the_same_corpus(corpus: Path, tmp_path: Path, capsys) -> None:
    from wiretrace.cli import main
    from wiretrace.engines.local import scan

    with pytest.raises(SystemExit) as exit_:
        main(["bench", "run", "--corpus", str(corpus), "--out", str(tmp_path / "run"), "--systems", "wiretrace"])
    assert exit_.value.code == 0 and "| wiretrace |" in capsys.readouterr().out
    scan([corpus / "articles.jsonl"], tmp_path / "scan", report=False)
    with pytest.raises(SystemExit) as exit_:
        main(["eval", "--gold", str(corpus), "--pred", str(tmp_path / "scan")])
    printed = capsys.readouterr().out
    assert exit_.value.code == 0 and "plagdet" in printed and "partial" in printed
    figures = json.loads((tmp_path / "scan" / "eval.json").read_text())
    assert figures["detection"]["recall_by_type"]["exact"] == 1.0 and "articles" in figures


def test_bench_commands_are_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    readme, docs = (root / "README.md").read_text(), (root / "docs" / "benchmarks.md").read_text()
    for command in ("wiretrace bench generate", "wiretrace bench run", "wiretrace eval"):
        assert command in readme and command in docs, command


@pytest.mark.slow
def test_semantic_system_shows_the_embedding_cost_beside_the_ngram_pipeline(corpus: Path, tmp_path: Path) -> None:
    from wiretrace.semantic import semantic_available

    if not semantic_available():
        pytest.skip("the semantic extra is not installed")
    result = run_bench(corpus, tmp_path, ("wiretrace", "wiretrace-semantic"))
    sem, plain = result["systems"]["wiretrace-semantic"], result["systems"]["wiretrace"]
    assert set(sem["cpu_seconds"]) == {"fingerprint", "embed", "candidates", "align", "cluster"}
    assert sem["recall"]["exact"] == 1.0 and "same_event" in sem["false_positive_rate"]
    cost = result["semantic_cost"]
    assert cost["embed_docs_per_cpu_s"] < cost["ngram_pipeline_docs_per_cpu_s"] and cost["cpu_ratio"] > 1
    assert plain["docs_per_cpu_s"] == cost["ngram_pipeline_docs_per_cpu_s"]
    assert "Semantic stage: embedding" in (tmp_path / "bench.md").read_text()
