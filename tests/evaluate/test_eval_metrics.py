"""Evaluation metrics against hand-computed numbers and brute-force references."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.evaluate.metrics import (
    adjusted_rand_index,
    bcubed_f1,
    char_prf,
    char_prf_micro,
    prf,
)

LABELS = ("wholly", "partially", "none")


# ---------------------------------------------------------------------------------------------
# prf


def test_prf_hand_checked() -> None:
    gold = {"a": "wholly", "b": "wholly", "c": "partially", "d": "partially", "e": "none",
            "f": "none"}
    pred = {"a": "wholly", "b": "partially", "c": "partially", "d": "none", "e": "none",
            "z": "wholly"}  # f missing → "none"; z not in gold → ignored
    r = prf(gold, pred, LABELS)
    w, p, n = (r["per_label"][k] for k in LABELS)
    assert (w["precision"], w["recall"], w["f1"], w["support"], w["predicted"]) == (
        1.0, 0.5, pytest.approx(2 / 3), 2, 1)
    assert (p["precision"], p["recall"], p["f1"], p["support"], p["predicted"]) == (
        0.5, 0.5, 0.5, 2, 2)
    assert (n["precision"], n["recall"], n["f1"], n["support"], n["predicted"]) == (
        pytest.approx(2 / 3), 1.0, pytest.approx(0.8), 2, 3)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0.8) / 3)
    assert r["macro_precision"] == pytest.approx((1 + 0.5 + 2 / 3) / 3)
    assert r["macro_recall"] == pytest.approx((0.5 + 0.5 + 1) / 3)
    assert r["accuracy"] == pytest.approx(4 / 6)
    assert r["n"] == 6 and r["ignored"] == 1
    assert r["confusion"] == {
        "wholly": {"wholly": 1, "partially": 1, "none": 0},
        "partially": {"wholly": 0, "partially": 1, "none": 1},
        "none": {"wholly": 0, "partially": 0, "none": 2},
    }


def test_prf_missing_label_and_unknown_labels() -> None:
    gold = {"a": "x", "b": "y"}
    r = prf(gold, {"b": None}, ["x", "y"], missing="y")
    assert r["confusion"] == {"x": {"x": 0, "y": 1}, "y": {"x": 0, "y": 1}}
    assert r["per_label"]["x"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1,
                                   "predicted": 0}
    assert r["accuracy"] == 0.5
    # a predicted label outside `labels` appears in the confusion matrix only
    r = prf(gold, {"a": "q", "b": "y"}, ["x", "y"])
    assert r["confusion"]["x"] == {"x": 0, "y": 0, "q": 1}
    assert set(r["per_label"]) == {"x", "y"}
    assert r["macro_f1"] == pytest.approx(0.5)


def test_prf_perfect_and_empty() -> None:
    gold = {str(i): LABELS[i % 3] for i in range(9)}
    r = prf(gold, dict(gold), LABELS)
    assert r["macro_f1"] == 1.0 and r["accuracy"] == 1.0
    r = prf({}, {}, LABELS)
    assert r["n"] == 0 and r["accuracy"] == 0.0 and r["macro_f1"] == 0.0
    with pytest.raises(ValueError):
        prf(gold, gold, ["x", "x"])


# ---------------------------------------------------------------------------------------------
# clustering


def brute_ari(gold: dict, pred: dict) -> float:
    """ARI from explicit pair counting (items missing from pred are singletons)."""
    items = list(gold)
    plab = {i: pred.get(i, ("singleton", i)) for i in items}
    both = same_g = same_p = total = 0
    for x, y in itertools.combinations(items, 2):
        g = gold[x] == gold[y]
        p = plab[x] == plab[y]
        both += g and p
        same_g += g
        same_p += p
        total += 1
    if total == 0:
        return 1.0
    expected = same_g * same_p / total
    maximum = (same_g + same_p) / 2
    return 1.0 if maximum == expected else (both - expected) / (maximum - expected)


def brute_bcubed(gold: dict, pred: dict) -> tuple[float, float]:
    items = list(gold)
    plab = {i: pred.get(i, ("singleton", i)) for i in items}
    ps, rs = [], []
    for i in items:
        pc = {j for j in items if plab[j] == plab[i]}
        gc = {j for j in items if gold[j] == gold[i]}
        ps.append(len(pc & gc) / len(pc))
        rs.append(len(pc & gc) / len(gc))
    return sum(ps) / len(ps), sum(rs) / len(rs)


GOLD5 = {"1": "A", "2": "A", "3": "A", "4": "B", "5": "B"}
PRED5 = {"1": "X", "2": "X", "3": "Y", "4": "Y", "5": "Y"}


def test_ari_hand_checked() -> None:
    # contingency [[2,1],[0,2]]: index 2, gold pairs 4, pred pairs 4, of 10 → (2-1.6)/(4-1.6)
    assert adjusted_rand_index(GOLD5, PRED5) == pytest.approx(1 / 6)
    assert adjusted_rand_index(GOLD5, GOLD5) == 1.0
    # relabelling does not matter
    assert adjusted_rand_index(GOLD5, {k: v.lower() * 2 for k, v in GOLD5.items()}) == 1.0
    # {ab}{cd} vs {ac}{bd}: index 0, expected 4/6, max 2 → -0.5
    g = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert adjusted_rand_index(g, {"a": 1, "b": 2, "c": 1, "d": 2}) == pytest.approx(-0.5)


def test_ari_missing_items_are_singletons_and_extras_ignored() -> None:
    g = {"a": 1, "b": 1}
    assert adjusted_rand_index(g, {}) == 0.0
    assert adjusted_rand_index(g, {"a": 7, "b": 7, "zz": 7}) == 1.0
    # all singletons on both sides, or one cluster on both sides: identical → 1
    assert adjusted_rand_index({"a": 1, "b": 2, "c": 3}, {}) == 1.0
    assert adjusted_rand_index({"a": 1, "b": 1}, {"a": 0, "b": 0}) == 1.0
    assert adjusted_rand_index({}, {}) == 1.0
    assert adjusted_rand_index({"a": 1}, {}) == 1.0


def test_bcubed_hand_checked() -> None:
    r = bcubed_f1(GOLD5, PRED5)
    # precision per item 1, 1, 1/3, 2/3, 2/3; recall 2/3, 2/3, 1/3, 1, 1
    assert r["precision"] == pytest.approx(11 / 15)
    assert r["recall"] == pytest.approx(11 / 15)
    assert r["f1"] == pytest.approx(11 / 15)
    assert bcubed_f1(GOLD5, GOLD5) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    r = bcubed_f1({"a": 1, "b": 1}, {})
    assert (r["precision"], r["recall"]) == (1.0, 0.5)
    assert r["f1"] == pytest.approx(2 / 3)
    r = bcubed_f1({"a": 1, "b": 2}, {"a": 0, "b": 0})
    assert (r["precision"], r["recall"]) == (0.5, 1.0)
    assert bcubed_f1({}, {}) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


partitions = st.dictionaries(
    st.sampled_from([f"i{k}" for k in range(12)]), st.integers(0, 4), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(gold=partitions, pred=partitions)
def test_ari_and_bcubed_match_brute_force(gold: dict, pred: dict) -> None:
    assert adjusted_rand_index(gold, pred) == pytest.approx(brute_ari(gold, pred), abs=1e-12)
    assert adjusted_rand_index(gold, gold) == 1.0
    if gold:
        p, r = brute_bcubed(gold, pred)
        got = bcubed_f1(gold, pred)
        assert got["precision"] == pytest.approx(p)
        assert got["recall"] == pytest.approx(r)
        assert 0.0 <= got["f1"] <= 1.0


@settings(max_examples=100, deadline=None)
@given(gold=partitions, pred=partitions)
def test_ari_symmetric_on_shared_items(gold: dict, pred: dict) -> None:
    shared = set(gold) & set(pred)
    g = {k: gold[k] for k in shared}
    p = {k: pred[k] for k in shared}
    assert adjusted_rand_index(g, p) == pytest.approx(adjusted_rand_index(p, g), abs=1e-12)
    b1, b2 = bcubed_f1(g, p), bcubed_f1(p, g)
    assert b1["precision"] == pytest.approx(b2["recall"])


# ---------------------------------------------------------------------------------------------
# spans


def test_char_prf_hand_checked() -> None:
    r = char_prf([(0, 10), (5, 15)], [(10, 20, "verbatim")])
    assert (r["gold_chars"], r["pred_chars"], r["overlap"]) == (15, 10, 5)
    assert r["precision"] == 0.5
    assert r["recall"] == pytest.approx(1 / 3)
    assert r["f1"] == pytest.approx(0.4)
    r = char_prf([(0, 5), (5, 10)], [(2, 4), (6, 8), (8, 9), (20, 21)])
    assert (r["gold_chars"], r["pred_chars"], r["overlap"]) == (10, 6, 5)


def test_char_prf_edge_cases() -> None:
    assert char_prf([], [])["f1"] == 1.0
    r = char_prf([(0, 4)], [])
    assert (r["precision"], r["recall"], r["f1"]) == (0.0, 0.0, 0.0)
    r = char_prf([], [(0, 4)])
    assert (r["precision"], r["recall"], r["f1"]) == (0.0, 0.0, 0.0)
    assert char_prf([(3, 3), (5, 2)], [])["gold_chars"] == 0  # empty / reversed spans ignored
    assert char_prf([(0, 7)], [(0, 7)])["f1"] == 1.0


def test_char_prf_micro() -> None:
    r = char_prf_micro({"d1": [(0, 10)]}, {"d1": [(0, 5)], "d2": [(0, 5)]})
    assert (r["overlap"], r["gold_chars"], r["pred_chars"]) == (5, 10, 10)
    assert r["precision"] == 0.5 and r["recall"] == 0.5


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(g=spans, p=spans)
def test_char_prf_matches_sets(g: list, p: list) -> None:
    gs = {i for s, e in g for i in range(s, e)}
    ps = {i for s, e in p for i in range(s, e)}
    r = char_prf(g, p)
    assert (r["overlap"], r["gold_chars"], r["pred_chars"]) == (len(gs & ps), len(gs), len(ps))
    if ps:
        assert r["precision"] == pytest.approx(len(gs & ps) / len(ps))
    if gs:
        assert r["recall"] == pytest.approx(len(gs & ps) / len(gs))
    assert not math.isnan(r["f1"])
