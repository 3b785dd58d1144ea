"""Embedding candidates: exact and approximate neighbours agree; the date window holds."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from wiretrace.semantic.neighbours import day_numbers, embedding_pairs, exact_neighbours
from wiretrace.settings import Settings


def clustered(n_groups: int = 40, size: int = 3, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight groups of ``size``: members of a group are each other's neighbours."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dim))
    v = np.repeat(centres, size, axis=0) + 0.05 * rng.normal(size=(n_groups * size, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_day_numbers_read_iso_dates_and_mark_the_rest():
    d = day_numbers(["2021-05-27", "2021-05-28T10:00:00Z", None, "yesterday", "2021-13-01"])
    assert d[1] - d[0] == 1 and list(d[2:]) == [-1, -1, -1]


def test_group_members_are_paired_and_nothing_else():
    v = clustered()
    pairs = embedding_pairs(v, np.full(len(v), -1), Settings(semantic_candidate_similarity=0.8))
    expected = {(i, j) for g in range(0, len(v), 3) for i in range(g, g + 3) for j in range(i + 1, g + 3)}
    assert {tuple(p) for p in pairs.tolist()} == expected


def test_dates_too_far_apart_are_not_paired():
    v = clustered(n_groups=1, size=2)
    days = day_numbers(["2021-05-01", "2021-05-20"])
    assert len(embedding_pairs(v, days, Settings(semantic_candidate_similarity=0.5, story_window_days=3))) == 0
    assert len(embedding_pairs(v, days, Settings(semantic_candidate_similarity=0.5, story_window_days=30))) == 1


def test_only_pairs_with_a_new_article_are_searched():
    v = clustered(n_groups=2, size=2)
    new = np.array([False, False, True, False])
    pairs = embedding_pairs(v, np.full(4, -1), Settings(semantic_candidate_similarity=0.8), new)
    assert pairs.tolist() == [[2, 3]]


def test_exact_neighbours_exclude_oneself():
    v = clustered(n_groups=3, size=2)
    idx, sim = exact_neighbours(v, np.arange(len(v)), 1)
    assert (idx[:, 0] != np.arange(len(v))).all() and (sim[:, 0] > 0.9).all()


@pytest.mark.skipif(importlib.util.find_spec("usearch") is None, reason="usearch (semantic extra) not installed")
def test_approximate_index_finds_nearly_all_pairs_of_exact_search_and_no_others():
    v = clustered(n_groups=200, size=3, dim=64, seed=1)
    days = np.full(len(v), -1)
    settings = Settings(semantic_candidate_similarity=0.8)
    exact = {tuple(p) for p in embedding_pairs(v, days, settings).tolist()}
    approx = {tuple(p) for p in embedding_pairs(v, days, settings, exact_limit=0).tolist()}
    assert approx <= exact  # same similarity filter: an approximate index can only miss pairs
    assert len(approx) >= 0.9 * len(exact)  # measured 0.975-1.0 over repeated runs


def test_neighbours_are_the_nearest_within_the_date_window_not_the_nearest_overall():
    """Ten near-copies from other years must not crowd out the one article of the same week."""
    rng = np.random.default_rng(3)
    centre = rng.normal(size=32)
    v = np.stack([centre + 0.01 * rng.normal(size=32) for _ in range(11)] + [centre + 0.3 * rng.normal(size=32)])
    v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    days = np.array([100 + 400 * k for k in range(11)] + [101])  # article 11 is dated a day after article 0
    settings = Settings(semantic_candidate_similarity=0.5, semantic_neighbours=3, story_window_days=3)
    for exact_limit in (10_000, 0):
        if exact_limit == 0 and importlib.util.find_spec("usearch") is None:
            continue
        pairs = {tuple(p) for p in embedding_pairs(v, days, settings, exact_limit=exact_limit).tolist()}
        assert pairs == {(0, 11)}
