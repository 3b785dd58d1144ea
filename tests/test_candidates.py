import numpy as np

from wiretrace.candidates import (KEY_KINDS, KeyKind, KeyRule, article_keys, candidate_pairs, hub_pairs,
                                  fingerprint_pairs, key_rules, lsh_pairs, pairs_from_keys, pairs_from_postings)
from wiretrace.model import Article
from wiretrace.pipeline import prepare
from wiretrace.settings import Settings

from helpers import QUOTING_PIECE, UNRELATED, WIRE


def brute_force(keys, docs, max_df):
    by_key = {}
    for k, d in zip(keys.tolist(), docs.tolist()):
        by_key.setdefault(k, set()).add(d)
    counts = {}
    for members in by_key.values():
        if 2 <= len(members) <= max_df:
            ms = sorted(members)
            for x in range(len(ms)):
                for y in range(x + 1, len(ms)):
                    counts[(ms[x], ms[y])] = counts.get((ms[x], ms[y]), 0) + 1
    return counts


def test_postings_pairs_match_brute_force():
    rng = np.random.default_rng(7)
    postings = {(int(k), int(d)) for k, d in zip(rng.integers(0, 40, 400), rng.integers(0, 30, 400))}
    keys = np.array([k for k, _ in postings], dtype=np.uint64)
    docs = np.array([d for _, d in postings], dtype=np.int64)
    pairs, counts = pairs_from_postings(keys, docs, max_df=12)
    got = {(int(a), int(b)): int(c) for (a, b), c in zip(pairs, counts)}
    assert got == brute_force(keys, docs, 12)


def test_new_mask_keeps_only_pairs_with_a_new_document():
    keys = np.array([1, 1, 1, 2, 2], dtype=np.uint64)
    docs = np.array([0, 1, 2, 0, 2], dtype=np.int64)
    new = np.array([False, False, True])
    pairs, _ = pairs_from_postings(keys, docs, 10, new)
    assert {tuple(p) for p in pairs.tolist()} == {(0, 2), (1, 2)}


def test_text_shared_by_many_articles_makes_linearly_many_candidates():
    """A passage held by 120 articles (over ``max_df``) pairs each with 8 hubs: 8 * 120 - 36 pairs,
    not 7,140 (telling boilerplate from reprints is ``wiretrace.boilerplate``'s job, tested there)."""
    footer = " Subscribers get our weekly digest of the best stories, hand picked by the editors every Friday morning at nine."
    arts = [Article(f"n{i}", f"Story number {i} is about topic {i * 7919 % 1000} and nothing else at all. {footer}")
            for i in range(120)]
    prepared = [prepare(a) for a in arts]
    wins = [p.fp.winnowed for p in prepared]
    assert len(fingerprint_pairs(wins, Settings())) == 8 * 120 - 36
    assert len(fingerprint_pairs(wins, Settings(hubs=0))) == 0


def test_partial_reuse_is_a_candidate_even_with_low_jaccard():
    docs = [prepare(Article(i, t)) for i, t in (("ap", WIRE), ("quote", QUOTING_PIECE), ("music", UNRELATED))]
    sigs = np.stack([d.fp.signature for d in docs])
    pairs = candidate_pairs(sigs, [d.fp.winnowed for d in docs])
    assert [tuple(p) for p in pairs.tolist()] == [(0, 1)]
    assert len(lsh_pairs(sigs)) == 0  # LSH alone misses it: that is why the fingerprint index exists


def test_a_story_reprinted_hundreds_of_times_is_paired_through_its_hubs():
    """300 copies of one story: far over every cap, yet each copy is a candidate of the 8 hubs (the
    lowest ranks), and no more: 8 * 300 - 36 pairs, not 44,850."""
    fp = prepare(Article("w", WIRE)).fp
    n = 300
    sigs = np.repeat(fp.signature[None, :], n, axis=0)
    ranks = np.arange(n, dtype=np.int64)[::-1].copy()  # the last eight are the hubs
    pairs = candidate_pairs(sigs, [fp.winnowed] * n, ranks=ranks)
    hubs = set(range(n - 8, n))
    assert len(pairs) == 8 * (n - 8) + 28
    assert all(i in hubs or j in hubs for i, j in pairs.tolist())
    assert not len(candidate_pairs(sigs, [fp.winnowed] * n, Settings(hubs=0)))  # without hubs: all lost


def test_hub_pairs_involve_a_new_document_when_asked():
    keys = np.full(12, 5, dtype=np.uint64)
    docs = np.arange(12)
    new = np.zeros(12, dtype=bool)
    new[11] = True
    pairs, shared = hub_pairs(keys, docs, np.arange(12), max_df=10, hubs=3, new=new)
    assert pairs.tolist() == [[0, 11], [1, 11], [2, 11]] and shared.tolist() == [1, 1, 1]


def test_every_key_kind_gives_keys_and_rules():
    fp = prepare(Article("w", WIRE)).fp
    keys = article_keys(fp)
    rules = key_rules(1000)
    assert list(keys) == list(rules) == [k.name for k in KEY_KINDS]
    assert len(keys["lsh"]) == Settings().lsh_bands and len(keys["winnowed"]) > 20
    assert rules["winnowed"] == KeyRule(max_df=50, min_shared=2, hubs=8)


def test_article_without_words_has_no_lsh_keys():
    fp = prepare(Article("empty", "— —")).fp
    assert len(article_keys(fp)["lsh"]) == 0


def test_equal_key_values_of_different_kinds_do_not_pair_articles():
    shared = np.array([7, 8, 9], dtype=np.uint64)
    keys = [{"lsh": shared, "winnowed": np.zeros(0, np.uint64)},
            {"lsh": np.zeros(0, np.uint64), "winnowed": shared}]
    assert len(pairs_from_keys(keys)) == 0


def test_a_new_key_kind_is_picked_up_by_candidate_search(monkeypatch):
    import wiretrace.candidates as candidates

    def first_word(fp, settings):  # a toy kind: every article keyed by its first winnowed value
        return np.asarray(fp.winnowed[:1], dtype=np.uint64)

    kind = KeyKind("first", first_word, lambda n, s: KeyRule(max_df=10, min_shared=1))
    monkeypatch.setattr(candidates, "KEY_KINDS", candidates.KEY_KINDS + (kind,))
    fp = prepare(Article("w", WIRE)).fp
    other = candidates.stored_fingerprints(np.full(128, 0xFFFFFFFF, np.uint32), fp.winnowed[:1])
    keys = [candidates.article_keys(fp), candidates.article_keys(other)]
    assert "first" in keys[0]
    assert [tuple(p) for p in candidates.pairs_from_keys(keys).tolist()] == [(0, 1)]
