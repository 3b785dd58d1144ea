"""The command line as a user runs it: a real subprocess, real files, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AP, NEWSWEEK, REPO, SAMPLE


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "wiretrace.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def test_compare_json_on_the_seed_pair(seed_dir):
    p = run("compare", seed_dir / f"{NEWSWEEK}.txt", seed_dir / f"{AP}.txt", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["a"], out["b"], out["relation"], out["source"]) == (NEWSWEEK, AP, "derived", AP)
    assert {"jaccard", "containment_a_in_b", "containment_b_in_a", "coverage_a", "coverage_b"} <= set(out["scores"])
    assert out["passages"] and all(set(x) == {"a", "b", "kind"} for x in out["passages"])


def test_compare_human_output_shows_passages_side_by_side(seed_dir):
    p = run("compare", seed_dir / f"{NEWSWEEK}.txt", seed_dir / f"{AP}.txt")
    assert p.returncode == 0
    assert "derived" in p.stdout and "verbatim" in p.stdout and "rewritten" in p.stdout
    assert "Both issues were discussed" in p.stdout


def test_compare_batch_writes_one_result_per_line_with_its_id(tmp_path):
    wire = "LISBON (AP) — " + " ".join(f"Sentence number {i} tells of the drought law and its many critics." for i in range(20))
    rows = [{"id": "p1", "a": {"id": "copy", "text": wire}, "b": {"id": "wire", "text": wire, "outlet": "AP"}},
            {"id": "p2", "a": {"text": "nothing here"}},
            "not an object"]
    batch = tmp_path / "pairs.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    p = run("compare", "--batch", batch, "--out", tmp_path / "out.jsonl")
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["id"] for o in out] == ["p1", "p2", None]
    assert out[0]["relation"] == "duplicate" and out[0]["source"] == "wire"
    assert "error" in out[1] and ":2:" in out[1]["error"]
    assert out[2]["line"] == 3


def test_missing_file_is_an_input_error_naming_it(tmp_path):
    p = run("compare", tmp_path / "nope.txt", tmp_path / "nada.txt")
    assert p.returncode == 2
    assert "nope.txt" in p.stderr and "Traceback" not in p.stderr


def test_usage_errors_exit_with_1():
    assert run("scan").returncode == 1
    assert run("compare").returncode == 1
    assert run("scan", "x", "--out", "y", "--engine", "warp").returncode == 1


def test_scan_then_query_and_report(tmp_path):
    out = tmp_path / "out"
    p = run("scan", SAMPLE, "--out", out)
    assert p.returncode == 0, p.stderr
    assert "report:" in p.stdout
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert any(x["relation"] == "duplicate" for x in pairs)
    assert any(x["relation"] == "same_story" for x in pairs)
    article = tmp_path / "pasted.txt"
    sample = json.loads((SAMPLE / "articles.jsonl").read_text().splitlines()[0])
    article.write_text("\n\n".join(sample["text"].split("\n\n")[:4]))
    q = run("query", article, "--store", out / "wiretrace.duckdb", "--json")
    assert q.returncode == 0, q.stderr
    results = json.loads(q.stdout)
    assert results and results[0]["b"] == sample["id"] and results[0]["relation"] == "derived"
    r = run("report", "--store", out / "wiretrace.duckdb", "--out", tmp_path / "again")
    assert r.returncode == 0 and (tmp_path / "again" / "report" / "index.html").exists()


def test_eval_scores_a_scan_against_gold_pairs(tmp_path):
    out = tmp_path / "out"
    assert run("scan", SAMPLE, "--out", out).returncode == 0
    p = run("eval", "--gold", REPO / "samples" / "newsroom-gold.csv", "--pred", out, "--json")
    assert p.returncode == 0, p.stderr
    figures = json.loads(p.stdout)
    assert figures["per_label"]["derived"]["recall"] == 1.0
    assert figures["per_label"]["duplicate"]["f1"] == 1.0
    assert figures["direction_accuracy"] == 1.0


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for command in ("compare", "scan", "query", "report", "eval"):
        assert f"wiretrace {command}" in readme, command
