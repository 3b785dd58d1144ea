"""Every gold loader on a small fixture in its corpus's format, and load_gold's dispatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_meter_loader import make_corpus

from wiretrace.errors import InputError
from wiretrace.evaluate.loaders import (load_clough, load_gold, load_meter_gold, load_newscopy, load_pairs_csv,
                                        load_semeval, pair_key)


def test_pairs_csv_keeps_direction_degree_and_type(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text("a,b,label,degree,type\ncopy,orig,derived,wholly,trimmed\nx,y,unrelated,,same_topic\n")
    gold = load_gold(path)
    pair = gold.pairs[pair_key("copy", "orig")]
    assert (pair.label, pair.degree, pair.type, pair.source) == ("derived", "wholly", "trimmed", "orig")
    assert gold.pairs[pair_key("x", "y")].source is None and not gold.complete


def test_pairs_csv_bad_label_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text("a,b,label\np,q,derived\nr,s,copied\n")
    with pytest.raises(InputError) as err:
        load_pairs_csv(path)
    assert err.value.line == 3 and "copied" in err.value.reason


def test_clusters_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "clusters.jsonl"
    path.write_text('{"cluster": "a", "members": ["1", "2"]}\n{"cluster": "b", "members": ["3"]}\n')
    assert load_gold(path).clusters == {"1": "a", "2": "a", "3": "b"}


def test_pairs_jsonl_with_passages_become_cases(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"a": "c", "b": "s", "label": "derived", "type": "partial", "source": "s",
                                "passages": [{"a": [5, 9], "b": [1, 5], "kind": "verbatim"}]}) + "\n")
    gold = load_gold(path)
    assert gold.cases == [(pair_key("c", "s"), (5, 9), (1, 5))]


def test_semeval_csv_overall_to_label_and_score(tmp_path: Path) -> None:
    path = tmp_path / "semeval.csv"
    path.write_text("url1_lang,url2_lang,pair_id,link1,link2,Overall\n"
                    "en,en,1484084337_1484110209,u1,u2,1.0\nen,en,111_222,u3,u4,4.0\n")
    gold = load_semeval(path)
    close = gold.pairs[pair_key("1484084337", "1484110209")]
    assert close.label == "same_story" and close.score == 1.0
    assert gold.pairs[pair_key("111", "222")].label == "unrelated" and gold.pairs[pair_key("111", "222")].score == 0.0
    assert load_gold(path).name == "SemEval-2022 Task 8"


def test_semeval_bad_pair_id(tmp_path: Path) -> None:
    path = tmp_path / "semeval.csv"
    path.write_text("pair_id,Overall\nonlyone,2\n")
    with pytest.raises(InputError, match="id1_id2"):
        load_semeval(path)


def test_newscopy_pair_list_gives_connected_clusters(tmp_path: Path) -> None:
    path = tmp_path / "gt.json"
    path.write_text(json.dumps([["a", "b"], ["b", "c"], ["d", "e"]]))
    gold = load_newscopy(path)
    assert gold.clusters["a"] == gold.clusters["c"] != gold.clusters["d"] == gold.clusters["e"]
    assert len(gold.pairs) == 3 and all(p.source is None for p in gold.pairs.values())
    path.write_text(json.dumps({"k": ["x", "y"]}))
    assert load_gold(path).clusters == {"x": "k", "y": "k"}


def test_clough_folder_with_category_index(tmp_path: Path) -> None:
    folder = tmp_path / "clough"
    folder.mkdir()
    for name in ("orig_taska.txt", "g0pA_taska.txt", "g0pB_taska.txt", "g0pC_taskb.txt"):
        (folder / name).write_text("text\n")
    (folder / "corpus-final09.csv").write_text(
        "File,Task,Category\ng0pA_taska.txt,a,cut\ng0pB_taska.txt,a,non\ng0pC_taskb.txt,b,heavy\n")
    gold = load_gold(folder)
    assert gold.pairs[pair_key("g0pA_taska", "orig_taska")].label == "derived"
    assert gold.pairs[pair_key("g0pB_taska", "orig_taska")].label == "unrelated"
    assert gold.pairs[pair_key("g0pC_taskb", "orig_taskb")].type == "heavy"
    assert gold.degrees == {"g0pA_taska": "wholly", "g0pB_taska": "none", "g0pC_taskb": "wholly"}
    (folder / "corpus-final09.csv").write_text("File,Task,Category\ng0pA_taska.txt,a,copied\n")
    with pytest.raises(InputError, match="unknown category"):
        load_clough(folder)


def test_meter_gold_degrees_pairs_and_one_sided_spans(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "meter_corpus")
    gold = load_gold(root)
    assert gold.one_sided and gold.degrees == load_meter_gold(root).degrees
    times = "newspapers/courts/11.09.99/bench/bench213_times"
    assert gold.degrees[times] == "wholly"
    assert gold.pairs[pair_key(times, "PA/courts/11.09.99/bench/bench1")].label == "derived"
    assert gold.cases and all(c[0] == times and c[2] is None for c in gold.cases)


def test_unknown_gold_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_gold(tmp_path / "missing.csv")
    (tmp_path / "g.xml").write_text("<x/>")
    with pytest.raises(InputError, match="unknown gold format"):
        load_gold(tmp_path / "g.xml")


def test_meter_spans_separated_by_punctuation_form_one_case() -> None:
    from wiretrace.evaluate.loaders import merge_adjacent

    text = "aaa, bbb ccc. New words here"
    assert merge_adjacent([(5, 8), (0, 3), (9, 13)], text) == [(0, 13)]
    assert merge_adjacent([(0, 3), (18, 23)], text) == [(0, 3), (18, 23)]
    assert merge_adjacent([(0, 3), (5, 8), (6, 9)], "") == [(0, 3), (5, 9)]  # no text: overlaps only
