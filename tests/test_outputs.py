"""Appending new pairs to a previous pairs.jsonl gives the file a full rewrite gives."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.engines.local import scan_articles, write_pairs
from wiretrace.errors import StaleOutputError
from wiretrace.model import Article, PairResult, Passage
from wiretrace.outputs import append_lines, read_state, state_path
from wiretrace.store import Store

def line(a, b):
    return json.dumps({"a": a, "b": b, "relation": "derived", "passages": [[0, 1]]}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8)), max_size=30),
       st.integers(0, 30))
def test_appended_lines_follow_the_old_ones_byte_for_byte(tmp_path_factory, keys, cut):
    folder = tmp_path_factory.mktemp("append")
    old, new = keys[:cut], keys[cut:]
    (folder / "old").write_text("".join(line(*k) for k in old), encoding="utf-8")
    (folder / "new").write_text("".join(line(*k) for k in new), encoding="utf-8")
    assert append_lines(folder / "old", folder / "new") == (folder / "new").stat().st_size
    assert (folder / "old").read_text(encoding="utf-8") == "".join(line(*k) for k in keys)


def test_a_file_without_a_whole_last_line_is_refused_untouched(tmp_path):
    (tmp_path / "old").write_text(line("a", "b") + '{"a": "c"')
    (tmp_path / "new").write_text(line("b", "c"))
    with pytest.raises(StaleOutputError, match="whole line"):
        append_lines(tmp_path / "old", tmp_path / "new")
    assert (tmp_path / "old").read_text() == line("a", "b") + '{"a": "c"'


def article(aid):
    return Article(aid, aid), 40, np.zeros(4, np.uint32), np.zeros(0, np.uint64)


def seqs(store, ids):
    """The store numbers of articles, as ``Store.add_pairs`` takes them."""
    return store.fingerprints(list(ids)).seqs


def derived(a, b):
    return PairResult(a, b, "derived", "partially", b, 0.8, {"coverage_a": 0.5}, [Passage((0, 1), (0, 1), "verbatim")],
                      [], [])


def test_write_pairs_appends_only_when_the_file_is_this_stores_and_untouched(tmp_path):
    out = tmp_path / "pairs.jsonl"
    with Store(tmp_path / "s.duckdb") as store:
        store.add_articles([article(x) for x in ("m", "k", "z")])
        store.add_pairs([derived("k", "m"), derived("m", "z")], seqs(store, ["m", "k", "z"]))
        assert not write_pairs(store, out)  # first write: whole
        assert read_state(out).upto == 3 and read_state(out).pairs == 2
        store.add_articles([article(x) for x in ("a", "n")])
        store.add_pairs([derived("a", "k"), derived("k", "n"), derived("n", "z")], seqs(store, ["a", "n"]))
        assert write_pairs(store, out)  # appended
        whole = tmp_path / "whole.jsonl"
        store.write_pairs_jsonl(whole)
        assert out.read_bytes() == whole.read_bytes() and read_state(out).pairs == 5
        # by the later article's number, then the earlier's (m 1, k 2, z 3, a 4, n 5)
        assert [tuple(json.loads(x)[k] for k in "ab") for x in out.read_text().splitlines()] == [
            ("k", "m"), ("m", "z"), ("a", "k"), ("k", "n"), ("n", "z")]

        assert not write_pairs(store, out, passages=False)  # other options: whole
        assert "passages" not in out.read_text()
        store.add_articles([article("b")])
        store.add_pairs([derived("b", "z")], seqs(store, ["b"]))
        out.write_text(out.read_text() + "\n")  # changed by someone else: whole, and repaired
        assert not write_pairs(store, out, passages=False)
        assert len(out.read_text().splitlines()) == 6

        store.add_articles([article("c"), article("d")])  # d not compared yet (a scan killed): whole, no state
        store.add_pairs([derived("c", "z")], seqs(store, ["c"]))
        assert not write_pairs(store, out, passages=False) and not state_path(out).exists()
        store.add_pairs([derived("a", "d")], seqs(store, ["d"]))
        assert not write_pairs(store, out, passages=False) and read_state(out).pairs == 8
        store.add_articles([article("e")])
        store.add_pairs([derived("a", "e")], seqs(store, ["e"]))
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


def test_a_file_from_before_appending_scans_is_rewritten_whole(tmp_path):
    """Its state has no ``order``: its lines are in (a, b) order, so new ones cannot just follow."""
    out = tmp_path / "pairs.jsonl"
    with Store(tmp_path / "s.duckdb") as store:
        store.add_articles([article(x) for x in ("m", "k")])
        store.add_pairs([derived("k", "m")], seqs(store, ["m", "k"]))
        write_pairs(store, out)
        old = json.loads(state_path(out).read_text())
        del old["order"]
        state_path(out).write_text(json.dumps(old))
        assert read_state(out) is None
        store.add_articles([article("a")])
        store.add_pairs([derived("a", "k")], seqs(store, ["a"]))
        assert not write_pairs(store, out) and read_state(out).order == "arrival"
