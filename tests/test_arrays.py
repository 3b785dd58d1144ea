"""The sort-based set operations equal NumPy's on generated arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from wiretrace.arrays import groups, isin, key_doc_order, setdiff, sorted_groups, union, unique, unique_counts

_DTYPES = st.sampled_from([np.int64, np.uint64, np.int32])


@st.composite
def _pair(draw):  # two arrays of one dtype, values from a small range so they overlap
    dtype = draw(_DTYPES)
    elements = st.integers(0, 30)
    return (draw(arrays(dtype, st.integers(0, 40), elements=elements)),
            draw(arrays(dtype, st.integers(0, 40), elements=elements)))


@settings(max_examples=300, deadline=None)
@given(_pair())
def test_equal_to_numpy(pair) -> None:
    a, b = pair
    for ours, theirs in ((unique(a), np.unique(a)), (isin(a, b), np.isin(a, b)),
                         (union(a, b), np.union1d(a, b)), (setdiff(a, b), np.setdiff1d(a, b))):
        assert ours.dtype == theirs.dtype
        assert np.array_equal(ours, theirs)


def test_known_answers() -> None:
    big = np.array([2**64 - 1, 5, 2**64 - 1, 0], dtype=np.uint64)
    assert unique(big).tolist() == [0, 5, 2**64 - 1]
    assert isin(np.array([1, 7, 3]), np.array([3, 3, 9])).tolist() == [False, False, True]
    assert isin(np.array([1, 2]), np.zeros(0, np.int64)).tolist() == [False, False]
    assert setdiff(np.array([4, 1, 4, 2]), np.array([2])).tolist() == [1, 4]


@settings(max_examples=200, deadline=None)
@given(_pair())
def test_counting_and_grouping_equal_numpy(pair) -> None:
    a, _ = pair
    values, counts = unique_counts(a)
    expected = np.unique(a, return_counts=True)
    assert values.dtype == expected[0].dtype and np.array_equal(values, expected[0]) and np.array_equal(counts, expected[1])
    values, inverse, counts = groups(a)
    expected = np.unique(a, return_inverse=True, return_counts=True)
    for ours, theirs in zip((values, inverse, counts), expected):
        assert np.array_equal(ours, theirs)
    assert np.array_equal(values[inverse], a)
    order = sorted_groups(a)[0]
    assert np.array_equal(order, np.argsort(a, kind="stable"))


@settings(max_examples=200, deadline=None)
@given(_pair(), st.sampled_from(["any", "docs sorted", "both sorted"]))
def test_key_doc_order_equals_lexsort(pair, given_order) -> None:
    keys, docs = pair
    n = min(len(keys), len(docs))
    keys, docs = keys[:n], (np.sort(docs[:n]) if given_order == "docs sorted" else docs[:n])
    if given_order == "both sorted":
        first = np.lexsort((docs, keys))
        keys, docs = keys[first], docs[first]
    assert np.array_equal(key_doc_order(keys, docs), np.lexsort((docs, keys)))
