"""The reader options on the command line: column mapping and stdin, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import QUOTING_PIECE, WIRE


def run(*args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "wiretrace.cli", *map(str, args)], capture_output=True,
                          text=True, input=stdin)


def test_scan_maps_columns_and_reads_stdin(tmp_path) -> None:
    table = tmp_path / "wire.csv"
    table.write_text("story,body,published,agency\nwire-1,\"" + WIRE.replace('"', '""') +
                     "\",27 May 2021,Associated Press\n", encoding="utf-8")
    piped = json.dumps({"story": "blog-1", "body": QUOTING_PIECE, "published": "2021-05-28"}) + "\n"
    p = run("scan", table, "-", "--out", tmp_path / "out", "--id-col", "story", "--text-col", "body",
            "--date-col", "published", "--outlet-col", "agency", stdin=piped)
    assert p.returncode == 0, p.stderr
    pairs = [json.loads(line) for line in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    assert [({x["a"], x["b"]}, x["relation"], x["source"]) for x in pairs] == [
        ({"blog-1", "wire-1"}, "derived", "wire-1")]
    assert (tmp_path / "out" / "quarantine.jsonl").read_text() == ""


def test_compare_reads_one_side_from_stdin(tmp_path) -> None:
    wire = tmp_path / "wire.txt"
    wire.write_text(WIRE, encoding="utf-8")
    p = run("compare", "-", wire, "--json", stdin=QUOTING_PIECE)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["a"], out["b"], out["relation"]) == ("stdin", "wire", "derived")


def test_missing_text_column_is_an_input_error_naming_the_file(tmp_path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("id,text\n1,x\n", encoding="utf-8")
    p = run("compare", table, table, "--text-col", "body")
    assert p.returncode == 2
    assert f"{table}: no 'body' column (columns: id, text)" in " ".join(p.stderr.split())


def test_both_sides_from_stdin_is_a_usage_error() -> None:
    p = run("compare", "-", "-", stdin="x")
    assert p.returncode == 1 and "only one of the two articles" in p.stderr
