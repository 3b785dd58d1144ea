"""Merging new pairs into a previous pairs.jsonl gives the file a full rewrite gives."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace import outputs
from wiretrace.engines.local import scan_articles, write_pairs
from wiretrace.errors import StaleOutputError
from wiretrace.model import Article, PairResult, Passage
from wiretrace.outputs import merge_sorted, pair_key, read_state, state_path
from wiretrace.store import Store

ids = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8) | st.sampled_from(
    ["a", "b", "ab", "a\"b", "é", "x" * 900, "x" * 900 + "y", "ü/ü", "\u2028", "a\nb"])


def line(a, b):
    return json.dumps({"a": a, "b": b, "relation": "derived", "passages": [[0, 1]]}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(ids, ids), max_size=40), st.data())
def test_merged_lines_are_the_sorted_union(tmp_path_factory, keys, data):
    keys = sorted(keys)
    new = set(data.draw(st.lists(st.sampled_from(keys), unique=True))) if keys else set()
    folder = tmp_path_factory.mktemp("merge")
    (folder / "old").write_text("".join(line(*k) for k in keys if k not in new), encoding="utf-8")
    (folder / "new").write_text("".join(line(*k) for k in keys if k in new), encoding="utf-8")
    for scan_bytes in (outputs._SCAN_BYTES, 1):  # lines tested one by one, or bisected down to one
        default, outputs._SCAN_BYTES = outputs._SCAN_BYTES, scan_bytes
        try:
            assert merge_sorted(folder / "old", folder / "new", folder / "out") == len(new)
        finally:
            outputs._SCAN_BYTES = default
        assert (folder / "out").read_text(encoding="utf-8") == "".join(line(*k) for k in keys)


def test_a_key_already_in_the_old_file_or_a_broken_file_is_refused(tmp_path):
    (tmp_path / "old").write_text(line("a", "b") + line("c", "d"))
    (tmp_path / "new").write_text(line("c", "d"))
    with pytest.raises(StaleOutputError, match="already"):
        merge_sorted(tmp_path / "old", tmp_path / "new", tmp_path / "out")
    (tmp_path / "old").write_text(line("a", "b") + '{"x": 1}\n')
    (tmp_path / "new").write_text(line("b", "c"))
    with pytest.raises(StaleOutputError, match="a pair's a and b"):
        merge_sorted(tmp_path / "old", tmp_path / "new", tmp_path / "out")
    assert pair_key(line("x" * 2000, "é").encode(), 0) == ("x" * 2000, "é")


def article(aid):
    return Article(aid, aid), 40, np.zeros(4, np.uint32), np.zeros(0, np.uint64)


def derived(a, b):
    return PairResult(a, b, "derived", "partially", b, 0.8, {"coverage_a": 0.5}, [Passage((0, 1), (0, 1), "verbatim")],
                      [], [])


def test_write_pairs_merges_only_when_the_file_is_this_stores_and_untouched(tmp_path):
    out = tmp_path / "pairs.jsonl"
    with Store(tmp_path / "s.duckdb") as store:
        store.add_articles([article(x) for x in ("m", "k", "z")])
        store.add_pairs([derived("k", "m"), derived("m", "z")], ["m", "k", "z"])
        assert not write_pairs(store, out)  # first write: whole
        assert read_state(out).upto == 3 and read_state(out).pairs == 2
        store.add_articles([article(x) for x in ("a", "n")])
        store.add_pairs([derived("a", "k"), derived("k", "n"), derived("n", "z")], ["a", "n"])
        assert write_pairs(store, out)  # merged
        whole = tmp_path / "whole.jsonl"
        store.write_pairs_jsonl(whole)
        assert out.read_bytes() == whole.read_bytes() and read_state(out).pairs == 5
        assert [tuple(json.loads(x)[k] for k in "ab") for x in out.read_text().splitlines()] == [
            ("a", "k"), ("k", "m"), ("k", "n"), ("m", "z"), ("n", "z")]

        assert not write_pairs(store, out, passages=False)  # other options: whole
        assert "passages" not in out.read_text()
        store.add_articles([article("b")])
        store.add_pairs([derived("b", "z")], ["b"])
        out.write_text(out.read_text() + "\n")  # changed by someone else: whole, and repaired
        assert not write_pairs(store, out, passages=False)
        assert len(out.read_text().splitlines()) == 6

        store.add_articles([article("c"), article("d")])  # d not compared yet (a scan killed): whole, no state
        store.add_pairs([derived("c", "z")], ["c"])
        assert not write_pairs(store, out, passages=False) and not state_path(out).exists()
        store.add_pairs([derived("a", "d")], ["d"])
        assert not write_pairs(store, out, passages=False) and read_state(out).pairs == 8
        store.add_articles([article("e")])
        store.add_pairs([derived("a", "e")], ["e"])
        assert write_pairs(store, out, passages=False) and read_state(out).pairs == 9


def test_incremental_scans_into_one_folder_write_the_files_of_a_full_scan(tmp_path):
    from scale_corpus import articles

    rows = [Article(r["id"], r["text"], date=r["date"]) for r in articles(60, seed=4)]
    scan_articles(rows, tmp_path / "full", tmp_path / "full.duckdb", report=False)
    for upto in (20, 21, 45, 60):
        scan_articles(rows[:upto], tmp_path / "inc", tmp_path / "inc.duckdb", report=False)
        assert read_state(tmp_path / "inc" / "pairs.jsonl").upto == upto
    for name in ("pairs.jsonl", "articles.jsonl", "clusters.jsonl"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
