"""PAN plagdet, Pearson, and the eval sections on small hand-made cases with known answers."""

from __future__ import annotations

import math

import pytest

from wiretrace.evaluate.gold import Prediction, detection_scores, evaluate, passage_scores
from wiretrace.evaluate.loaders import Gold, GoldPair, join_contiguous, pair_key
from wiretrace.evaluate.metrics import pearson, plagdet

CASE = ("x|y", (0, 100), (0, 100))


def test_perfect_detection_scores_one() -> None:
    r = plagdet([CASE], [CASE])
    assert (r["precision"], r["recall"], r["granularity"], r["plagdet"]) == (1.0, 1.0, 1.0, 1.0)


def test_no_detection_scores_zero() -> None:
    r = plagdet([CASE], [])
    assert r["recall"] == 0.0 and r["plagdet"] == 0.0


def test_half_detected_case_gives_known_recall() -> None:
    r = plagdet([CASE], [("x|y", (0, 50), (0, 50))])
    assert r["precision"] == 1.0 and r["recall"] == 0.5
    assert r["plagdet"] == pytest.approx(2 * 0.5 / 1.5)


def test_case_split_in_two_detections_has_granularity_two() -> None:
    r = plagdet([CASE], [("x|y", (0, 50), (0, 50)), ("x|y", (50, 100), (50, 100))])
    assert r["recall"] == 1.0 and r["granularity"] == 2.0
    assert r["plagdet"] == pytest.approx(1 / math.log2(3))


def test_detection_on_the_wrong_source_span_does_not_detect() -> None:
    r = plagdet([CASE], [("x|y", (0, 100), (200, 300))])
    assert r["detected_cases"] == 0 and r["precision"] == 0.0


def test_one_sided_cases_match_on_the_copy_side_only() -> None:
    r = plagdet([("doc", (10, 20), None)], [("doc", (10, 30), None)])
    assert r["recall"] == 1.0 and r["precision"] == 0.5


def test_pearson_known_values() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0


def _gold() -> Gold:
    gold = Gold(name="hand", complete=True)
    for a, b, label, t in (("c1", "o1", "duplicate", "exact"), ("c2", "o1", "derived", "partial"),
                           ("n1", "o2", "unrelated", "boilerplate")):
        gold.pairs[pair_key(a, b)] = GoldPair(a, b, label, "", t, b if label != "unrelated" else None)
    gold.clusters = {"c1": "k1", "c2": "k1", "o1": "k1", "n1": "k2", "o2": "k3", "z": "k4"}
    gold.degrees = {"c1": "wholly", "c2": "partially", "n1": "none"}
    gold.cases = [(pair_key("c1", "o1"), (0, 10), (20, 30))]
    return gold


def test_detection_counts_unlisted_pairs_as_false_positives_unless_in_one_cluster() -> None:
    gold = _gold()
    keys = [pair_key("c1", "o1"), pair_key("c1", "c2"), pair_key("z", "n1"), pair_key("n1", "o2")]
    d = detection_scores(gold, keys)
    # c1-o1 true; c1-c2 same cluster (ignored); z-n1 unlisted (false); n1-o2 a hard negative (false)
    assert (d["true_positives"], d["false_positives"], d["ignored_same_cluster"]) == (1, 2, 1)
    assert d["precision"] == pytest.approx(1 / 3) and d["recall"] == 0.5
    assert d["recall_by_type"] == {"exact": 1.0, "partial": 0.0}
    assert d["false_positive_rate_by_type"] == {"boilerplate": 1.0}


def test_evaluate_reports_every_section_the_gold_supports() -> None:
    gold = _gold()
    pred = Prediction(
        pairs={pair_key("c1", "o1"): {"a": "o1", "b": "c1", "relation": "duplicate", "source": "o1",
                                      "passages": [{"a": [20, 30], "b": [0, 10], "kind": "verbatim"}]}},
        articles={"c1": {"degree": "wholly"}, "c2": {"degree": "none"}},
        clusters={"c1": "p", "o1": "p"},
    )
    r = evaluate(gold, pred)
    assert r["per_label"]["duplicate"]["f1"] == 1.0 and r["direction_accuracy"] == 1.0
    assert r["articles"]["accuracy"] == pytest.approx(2 / 3)
    assert r["passages"]["plagdet"] == 1.0  # predicted a/b swapped, oriented back onto the copy
    assert 0.0 < r["clusters"]["adjusted_rand_index"] < 1.0
    assert passage_scores(gold, {})["plagdet"] == 0.0


def test_passages_by_type_split_the_cases_by_reuse_type() -> None:
    from wiretrace.evaluate.gold import passage_scores_by_type

    gold = _gold()
    gold.cases.append((pair_key("c2", "o1"), (0, 40), (0, 40)))
    pairs = {pair_key("c1", "o1"): {"a": "c1", "b": "o1", "relation": "duplicate",
                                    "passages": [{"a": [0, 10], "b": [20, 30], "kind": "verbatim"}]}}
    by_type = passage_scores_by_type(gold, pairs)
    assert by_type["exact"]["plagdet"] == 1.0 and by_type["partial"]["plagdet"] == 0.0


def test_one_sided_passages_come_from_pairs_with_a_labelled_source_only() -> None:
    text = "Reused words here, more reused. New text."
    gold = Gold(name="meter-like", one_sided=True, texts={"np": text}, cases=[("np", (0, 31), None)])
    gold.pairs[pair_key("np", "pa")] = GoldPair("np", "pa", "derived", "wholly", "meter", "pa")
    pairs = {pair_key("np", "pa"): {"a": "pa", "b": "np", "passages": [
                 {"a": [0, 17], "b": [0, 17]}, {"a": [19, 30], "b": [19, 31]}]},
             pair_key("np", "other"): {"a": "np", "b": "other", "passages": [{"a": [32, 41], "b": [0, 9]}]}}
    r = passage_scores(gold, pairs, gold.texts)
    assert r["detections"] == 1 and r["granularity"] == 1.0 and r["plagdet"] == 1.0


# --- detections are reused regions; copies of one original are not scored against each other -----

COPY = "Alpha beta gamma delta. Epsilon zeta eta theta iota. Kappa lambda mu nu xi."
SOURCE = "Alpha beta gamma delta. Epsilon ZETA eta theta iota. Kappa lambda mu nu xi."
# verbatim "Alpha … Epsilon", rewritten "zeta", verbatim "eta … xi": one region, three passages
VRV = [{"a": [0, 31], "b": [0, 31], "kind": "verbatim"}, {"a": [32, 36], "b": [32, 36], "kind": "rewritten"},
       {"a": [37, 74], "b": [37, 74], "kind": "verbatim"}]


def _region_gold(cases: list[dict]) -> Gold:
    gold = Gold(name="regions", complete=True, texts={"c": COPY, "o": SOURCE, "c2": COPY, "z": COPY, "y": SOURCE})
    gold.pairs[pair_key("c", "o")] = GoldPair("c", "o", "duplicate", "wholly", "noisy", "o")
    gold.pairs[pair_key("c2", "o")] = GoldPair("c2", "o", "duplicate", "wholly", "exact", "o")
    gold.clusters = {"c": "k", "c2": "k", "o": "k", "z": "z", "y": "y"}
    gold.cases = [(pair_key("c", "o"), tuple(x["a"]), tuple(x["b"])) for x in cases]
    return gold


def _pair(a: str, b: str, passages: list[dict], relation: str = "duplicate") -> dict:
    return {"a": a, "b": b, "relation": relation, "passages": passages}


def test_passages_contiguous_on_both_sides_are_one_detection_whatever_their_kind() -> None:
    gold = _region_gold([{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}])
    r = passage_scores(gold, {pair_key("c", "o"): _pair("c", "o", VRV)})
    assert (r["detections"], r["granularity"], r["plagdet"]) == (1, 1.0, 1.0)
    # without the texts nothing can be joined: three detections of one case
    r = passage_scores(gold, {pair_key("c", "o"): _pair("c", "o", VRV)}, texts={})
    assert (r["detections"], r["granularity"]) == (3, 3.0)


def test_an_unaligned_word_between_passages_keeps_two_detections() -> None:
    gold = _region_gold([{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}])
    holed = [VRV[0], VRV[2]]  # "zeta" left unaligned on both sides
    r = passage_scores(gold, {pair_key("c", "o"): _pair("c", "o", holed)})
    assert (r["detections"], r["granularity"]) == (2, 2.0)
    assert r["plagdet"] == pytest.approx(r["f1"] / math.log2(3))


def test_gold_passages_of_different_kinds_that_touch_are_one_case() -> None:
    gold = _region_gold(VRV)
    r = passage_scores(gold, {pair_key("c", "o"): _pair("c", "o", [{"a": [0, 74], "b": [0, 74]}])})
    assert (r["cases"], r["detections"], r["plagdet"]) == (1, 1, 1.0)


def test_crossing_passages_are_one_detection_but_moved_gold_passages_stay_two_cases() -> None:
    # the copy's second sentence comes first in the source: "Epsilon…iota." then "Alpha…delta."
    copy, source = "Alpha beta gamma delta. Epsilon zeta eta theta iota.", "Epsilon zeta eta theta iota. Alpha beta gamma delta."
    spans = [((0, 22), (29, 51)), ((24, 51), (0, 27))]
    assert join_contiguous(spans, copy, source, any_order=True) == [((0, 51), (0, 51))]
    assert join_contiguous(spans, copy, source) == spans
    assert join_contiguous(spans, copy, "") == spans  # no source text: nothing joined


def test_copies_of_one_original_are_not_scored_against_each_other() -> None:
    gold = _region_gold([{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}])
    whole = [{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}]
    pairs = {pair_key("c", "o"): _pair("c", "o", whole), pair_key("c", "c2"): _pair("c", "c2", whole)}
    r = passage_scores(gold, pairs)
    assert (r["detections"], r["precision"], r["plagdet"]) == (1, 1.0, 1.0)
    # an unlisted pair of unrelated articles is a false detection
    pairs[pair_key("y", "z")] = _pair("z", "y", whole, "derived")
    r = passage_scores(gold, pairs)
    assert (r["detections"], r["precision"]) == (2, 0.5)


def test_only_pairs_called_a_copy_make_detections() -> None:
    gold = _region_gold([{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}])
    whole = [{"a": [0, 74], "b": [0, 74], "kind": "verbatim"}]
    pairs = {pair_key("c", "o"): _pair("c", "o", whole), pair_key("y", "z"): _pair("z", "y", whole, "same_story")}
    assert passage_scores(gold, pairs)["detections"] == 1  # same_story: shared words shown, no reuse claimed
    pairs[pair_key("c", "o")]["relation"] = "same_story"
    assert passage_scores(gold, pairs)["recall"] == 0.0


def _gold_with_same_event() -> Gold:
    gold = _gold()
    gold.pairs[pair_key("e1", "o1")] = GoldPair("e1", "o1", "same_story", "", "same_event", None)
    gold.clusters["e1"] = "k5"
    return gold


def test_a_same_event_pair_called_derived_is_a_false_positive_not_a_hit() -> None:
    gold = _gold_with_same_event()
    d = detection_scores(gold, [pair_key("c1", "o1"), pair_key("e1", "o1")])
    assert (d["true_positives"], d["false_positives"]) == (1, 1)
    assert d["gold_related"] == 2  # the two reuse pairs; the same-event pair is a negative for reuse
    assert d["false_positive_rate_by_type"]["same_event"] == 1.0
    assert "same_event" not in d["recall_by_type"]


def test_same_story_is_scored_as_a_relation_and_outcomes_are_counted_per_type() -> None:
    gold = _gold_with_same_event()
    right = evaluate(gold, Prediction(pairs={pair_key("e1", "o1"): {"a": "e1", "b": "o1", "relation": "same_story"}}))
    assert right["per_label"]["same_story"]["recall"] == 1.0 and right["per_label"]["same_story"]["precision"] == 1.0
    assert right["outcomes_by_type"]["same_event"] == {"pairs": 1, "duplicate": 0.0, "derived": 0.0,
                                                        "same_story": 1.0, "unrelated": 0.0}
    wrong = evaluate(gold, Prediction(pairs={pair_key("e1", "o1"): {"a": "e1", "b": "o1", "relation": "derived"}}))
    assert wrong["per_label"]["same_story"]["recall"] == 0.0
    assert wrong["outcomes_by_type"]["same_event"]["derived"] == 1.0
    assert wrong["detection"]["false_positive_rate_by_type"]["same_event"] == 1.0


def test_precision_per_reuse_type_counts_the_pairs_touching_a_copy_of_that_type() -> None:
    gold = _gold()
    gold.clusters["z"] = "k4"
    d = detection_scores(gold, [pair_key("c1", "o1"), pair_key("c2", "z"), pair_key("c1", "c2")])
    # c1-o1 right (exact); c2-z wrong (partial); c1-c2 siblings, ignored
    assert d["precision_by_type"] == {"exact": 1.0, "partial": 0.0}
