import numpy as np
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.fingerprint import (containment, jaccard, minhash, minhash_reference, overlap_scores, permutations,
                                   shingle_hashes, shingle_hashes_reference, token_hashes, winnow, winnow_reference)

words = st.lists(st.sampled_from("the a news wire copy story cairo egypt talks truce".split()), max_size=60)


@hsettings(max_examples=150, deadline=None)
@given(words, st.integers(min_value=1, max_value=6))
def test_vectorised_shingles_equal_reference(ws, n):
    th = token_hashes(ws)
    assert shingle_hashes(th, n).tolist() == shingle_hashes_reference(th.tolist(), n)


@hsettings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=40))
def test_vectorised_minhash_equals_reference(values):
    a, b = permutations(16)
    got = minhash(np.asarray(values, dtype=np.uint64), a, b).tolist()
    want = minhash_reference(values, a, b) if values else [2**32 - 1] * 16
    assert got == want


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=40), st.integers(min_value=1, max_value=6))
def test_vectorised_winnowing_equals_reference(values, w):
    got = winnow(np.asarray(values, dtype=np.uint64), w).tolist()
    assert got == winnow_reference(values, w)


def test_winnowing_guarantee_shared_run_shares_a_fingerprint():
    rng = np.random.default_rng(3)
    shared = rng.integers(0, 2**63, size=8, dtype=np.uint64)  # a shared run of window + 4 shingles
    a = np.concatenate([rng.integers(0, 2**63, size=30, dtype=np.uint64), shared])
    b = np.concatenate([shared, rng.integers(0, 2**63, size=30, dtype=np.uint64)])
    assert set(winnow(a, 4).tolist()) & set(winnow(b, 4).tolist())


def test_minhash_estimates_jaccard():
    a_, b_ = permutations(256)
    x = np.arange(0, 1000, dtype=np.uint64) * np.uint64(2654435761)
    y = np.arange(500, 1500, dtype=np.uint64) * np.uint64(2654435761)
    est = float((minhash(x, a_, b_) == minhash(y, a_, b_)).mean())
    exact = jaccard(np.unique(x), np.unique(y))
    assert abs(est - exact) < 0.1


def test_containment_is_asymmetric():
    small = np.arange(10, dtype=np.uint64)
    big = np.arange(40, dtype=np.uint64)
    assert containment(small, big) == 1.0
    assert containment(big, small) == 0.25


@hsettings(max_examples=150, deadline=None)
@given(st.sets(st.integers(0, 30), max_size=20), st.sets(st.integers(0, 30), max_size=20))
def test_overlap_scores_equal_the_separate_scores(a, b):
    x, y = np.asarray(sorted(a), dtype=np.uint64), np.asarray(sorted(b), dtype=np.uint64)
    assert overlap_scores(x, y) == (jaccard(x, y), containment(x, y), containment(y, x))
