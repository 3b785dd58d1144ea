import numpy as np
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from wiretrace import _index_kernels
from wiretrace.boilerplate import corpus_boilerplate, doc_ranks, frequent_postings
from wiretrace.candidates import candidate_pairs
from wiretrace.postings import (CandidateIndex, NewPostings, Segment, _ranges, _sampled_holders, build_segment,
                                doc_postings, index_dir, load_index, merge_segments, save_index)
from wiretrace.settings import Settings

# tiny caps and key spaces so that shared keys, capped keys and empty signatures all occur
SMALL = Settings(num_perm=8, lsh_bands=4, max_df=3, max_bucket=3, min_shared_fingerprints=2)


def corpus(seed: int, n: int):
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 4, size=(n, SMALL.num_perm)).astype(np.uint32)
    sigs[rng.random(n) < 0.1] = 0xFFFFFFFF  # articles without shingles
    wins = [np.unique(rng.integers(0, 30, size=rng.integers(0, 8)).astype(np.uint64)) for _ in range(n)]
    return sigs, wins


def index_of(sigs, wins, batches):
    index = CandidateIndex(settings=SMALL)
    for lo, hi in batches:
        index.add([f"d{i}" for i in range(lo, hi)], sigs[lo:hi], wins[lo:hi])
    return index


@hyp_settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n_old=st.integers(0, 25), n_new=st.integers(1, 12), split=st.integers(0, 25))
def test_index_lookup_equals_candidate_pairs_over_old_plus_new(seed, n_old, n_new, split):
    sigs, wins = corpus(seed, n_old + n_new)
    cut = min(split, n_old)
    index = index_of(sigs, wins, [(0, cut), (cut, n_old)])  # two segments
    got = index.candidates(sigs[n_old:], wins[n_old:])
    new = np.zeros(n_old + n_new, dtype=bool)
    new[n_old:] = True
    expected = candidate_pairs(sigs, wins, SMALL, new) if n_old + n_new > 1 else np.zeros((0, 2), np.int64)
    assert got.tolist() == expected.tolist()
    assert index.compacted().candidates(sigs[n_old:], wins[n_old:]).tolist() == expected.tolist()
    # the new articles' postings sorted once (NewPostings), for the lookups and for their segment
    sorted_once = NewPostings.of(sigs[n_old:], wins[n_old:], SMALL)
    assert index.candidates(sigs[n_old:], wins[n_old:], new=sorted_once).tolist() == expected.tolist()
    a, b = index_of(sigs, wins, [(0, n_old)]), index_of(sigs, wins, [(0, n_old)])
    a.add([f"d{i}" for i in range(n_old, n_old + n_new)], sigs[n_old:], wins[n_old:])
    b.add([f"d{i}" for i in range(n_old, n_old + n_new)], sigs[n_old:], wins[n_old:], new=sorted_once)
    for kind in a.segments[-1].keys:
        assert np.array_equal(a.segments[-1].keys[kind], b.segments[-1].keys[kind])
        assert np.array_equal(a.segments[-1].docs[kind], b.segments[-1].docs[kind])


def test_saved_index_loads_memory_mapped_and_answers_the_same(tmp_path):
    sigs, wins = corpus(7, 40)
    index = index_of(sigs, wins, [(0, 20), (20, 35)])
    folder = index_dir(tmp_path / "s.duckdb")
    names = save_index(folder, index, "token-1")
    assert len(names) == 2
    loaded = load_index(folder, "token-1", SMALL)
    assert loaded is not None and loaded.ids == index.ids
    assert isinstance(loaded.segments[0].keys["prints"], np.memmap)
    assert loaded.candidates(sigs[35:], wins[35:]).tolist() == index.candidates(sigs[35:], wins[35:]).tolist()
    # appending saves only the new segment; a compaction leaves one folder
    index.add(["d35"], sigs[35:36], wins[35:36])
    names = save_index(folder, index, "token-1", names)
    assert len(names) == 3 and sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(names)
    names = save_index(folder, index.compacted(), "token-1")
    assert len([p for p in folder.iterdir() if p.is_dir()]) == 1


@pytest.mark.parametrize("token, settings", [("other-store", SMALL), ("token-1", Settings())])
def test_an_index_of_another_store_or_other_settings_is_not_loaded(tmp_path, token, settings):
    sigs, wins = corpus(3, 10)
    folder = tmp_path / "x.index"
    save_index(folder, index_of(sigs, wins, [(0, 10)]), "token-1")
    assert load_index(folder, token, settings) is None


def test_a_damaged_manifest_is_ignored(tmp_path):
    folder = tmp_path / "x.index"
    folder.mkdir()
    (folder / "manifest.json").write_text("{not json")
    assert load_index(folder, "token-1", SMALL) is None


def test_segments_merge_like_a_binary_counter_and_still_answer_the_same():
    sigs, wins = corpus(11, 70)
    index = CandidateIndex(settings=SMALL)
    for start in range(0, 64, 4):
        index.add([f"d{i}" for i in range(start, start + 4)], sigs[start:start + 4], wins[start:start + 4])
        index.merge_tail()
        counts = [s.count for s in index.segments]
        assert counts == sorted(counts, reverse=True) and len(set(counts)) == len(counts)  # distinct powers of two
        assert sum(counts) == start + 4 and [s.first for s in index.segments] == [sum(counts[:k]) for k in range(len(counts))]
    assert [s.count for s in index.segments] == [64]
    new = np.zeros(70, dtype=bool)
    new[64:] = True
    assert index.candidates(sigs[64:], wins[64:]).tolist() == candidate_pairs(sigs, wins, SMALL, new).tolist()


def test_a_new_candidate_key_kind_reaches_the_persistent_index(monkeypatch):
    import wiretrace.candidates as candidates
    from wiretrace.candidates import KeyKind, KeyRule

    def first_print(fp, settings):  # a toy kind: each article keyed by its smallest winnowed value
        return np.sort(np.asarray(fp.winnowed, dtype=np.uint64))[:1] + np.uint64(1000)

    sigs, wins = corpus(3, 40)
    mask = np.r_[np.zeros(20, bool), np.ones(20, bool)]
    without = index_of(sigs, wins, [(0, 20)]).candidates(sigs[20:], wins[20:])
    monkeypatch.setattr(candidates, "KEY_KINDS",
                        candidates.KEY_KINDS + (KeyKind("first", first_print, lambda n, s: KeyRule(10, 1)),))
    index = index_of(sigs, wins, [(0, 20)])
    got = index.candidates(sigs[20:], wins[20:])
    assert "first" in index.segments[0].keys
    assert got.tolist() == candidate_pairs(sigs, wins, SMALL, mask).tolist()  # both paths agree on it
    assert len(got) > len(without)  # and it found pairs the built-in kinds did not


def postings_reference(index, kind, keys):
    """The lookup before sorted needles: two binary searches per key as given, segment by segment."""
    out_k, out_d = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    for seg in index.segments:
        for key in np.asarray(keys, dtype=np.uint64):
            lo, hi = np.searchsorted(seg.keys[kind], key, "left"), np.searchsorted(seg.keys[kind], key, "right")
            out_k.append(np.full(hi - lo, key, np.uint64))
            out_d.append(seg.docs[kind][lo:hi].astype(np.int64))
    return np.concatenate(out_k), np.concatenate(out_d)


@hyp_settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), split=st.integers(0, 30),
       keys=st.lists(st.integers(0, 40), max_size=30))
def test_postings_of_any_keys_equal_one_search_per_key(seed, n, split, keys):
    sigs, wins = corpus(seed, n)
    index = index_of(sigs, wins, [(0, min(split, n)), (min(split, n), n)])
    for kind in ("prints", "bands"):
        needles = np.asarray(keys, np.uint64) if kind == "prints" else index.segments[-1].keys["bands"][::2][:len(keys)]
        for given_keys in (needles, np.unique(needles)):  # unsorted with repeats, and sorted distinct
            got, expected = index.postings(kind, given_keys), postings_reference(index, kind, given_keys)
            assert got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()


def lexsorted_segment(segments):
    """The merge before ``merge_postings``: concatenate and re-sort by (key, doc)."""
    joined = {kind: (np.concatenate([s.keys[kind] for s in segments]),
                     np.concatenate([s.docs[kind].astype(np.int64) for s in segments])) for kind in segments[0].keys}
    out_k, out_d = {}, {}
    for kind, (k, d) in joined.items():
        order = np.lexsort((d, k))
        out_k[kind], out_d[kind] = k[order], d[order].astype(np.uint32)
    return Segment(out_k, out_d, segments[0].first, sum(s.count for s in segments))


@hyp_settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(0, 40), min_size=1, max_size=5))
def test_merged_segments_equal_a_full_re_sort(seed, cuts):
    sigs, wins = corpus(seed, 40)
    bounds = [0, *sorted(cuts), 40]
    segments = [build_segment(doc_postings(sigs[lo:hi], wins[lo:hi], lo, SMALL), lo, hi - lo)
                for lo, hi in zip(bounds[:-1], bounds[1:])]
    merged, expected = merge_segments(segments), lexsorted_segment(segments)
    assert merged.first == 0 and merged.count == 40
    for kind in expected.keys:
        assert merged.keys[kind].dtype == np.uint64 and merged.docs[kind].dtype == np.uint32
        assert merged.keys[kind].tolist() == expected.keys[kind].tolist()
        assert merged.docs[kind].tolist() == expected.docs[kind].tolist()


BOILER = Settings(num_perm=8, lsh_bands=4, max_df=3, max_bucket=3, min_shared_fingerprints=2,
                  boilerplate_min_df=3, boilerplate_sample=2)


@hyp_settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n_old=st.integers(0, 30), n_new=st.integers(0, 10), split=st.integers(0, 30),
       some=st.integers(0, 30))
def test_index_boilerplate_equals_the_corpus_verdicts(seed, n_old, n_new, split, some):
    rng = np.random.default_rng(seed)
    n = n_old + n_new
    sigs = rng.integers(0, 3, size=(n, BOILER.num_perm)).astype(np.uint32)
    wins = [np.unique(rng.integers(0, 12, size=rng.integers(0, 8)).astype(np.uint64)) for _ in range(n)]
    sizes = rng.integers(1, 50, size=n)
    index = CandidateIndex(settings=BOILER)
    cut = min(split, n_old)
    for lo, hi in ((0, cut), (cut, n_old)):
        index.add([f"d{i}" for i in range(lo, hi)], sigs[lo:hi], wins[lo:hi])
    ranks = doc_ranks([f"d{i}" for i in range(n)])
    keys = np.unique(rng.integers(0, 12, size=some).astype(np.uint64))
    got = index.boilerplate(keys, ranks, lambda d: (sigs[d], sizes[d]), wins[n_old:])
    everywhere = corpus_boilerplate(wins, sigs, sizes, ranks, BOILER)
    assert got.dtype == np.uint64 and got.tolist() == [k for k in everywhere.tolist() if k in set(keys.tolist())]
    sorted_once = NewPostings.of(sigs[n_old:], wins[n_old:], BOILER)
    assert index.boilerplate(keys, ranks, lambda d: (sigs[d], sizes[d]), wins[n_old:], sorted_once).tolist() == got.tolist()


def test_index_boilerplate_finds_some_and_not_all():
    rng = np.random.default_rng(4)
    sigs = rng.integers(0, 10**6, size=(60, BOILER.num_perm)).astype(np.uint32)  # unrelated articles
    sigs[:20] = sigs[0]  # twenty copies of one story: their shared fingerprints are not boilerplate
    wins = [np.r_[np.uint64(100), rng.integers(0, 12, size=3).astype(np.uint64)] if i < 20
            else np.r_[np.uint64(200), rng.integers(1000, 10**6, size=3).astype(np.uint64)] for i in range(60)]
    wins = [np.unique(w) for w in wins]
    index = CandidateIndex(settings=BOILER)
    index.add([f"d{i}" for i in range(50)], sigs[:50], wins[:50])
    got = index.boilerplate(np.asarray([100, 200], np.uint64), doc_ranks([f"d{i}" for i in range(60)]),
                            lambda d: (sigs[d], np.full(len(d), 30)), wins[50:])
    assert got.tolist() == [200]  # the footer under forty unrelated articles, not the story's own text


@hyp_settings(max_examples=200, deadline=None)
@given(haystack=st.lists(st.sampled_from([0, 1, 2, 5, 9, 2**63, 2**64 - 2, 2**64 - 1]), max_size=40),
       needles=st.sets(st.sampled_from([0, 1, 3, 5, 8, 9, 10, 2**63, 2**64 - 1])))
def test_galloping_ranges_equal_searchsorted(haystack, needles):
    hay = np.sort(np.asarray(haystack, dtype=np.uint64))
    nd = np.asarray(sorted(needles), dtype=np.uint64)
    expected = np.searchsorted(hay, nd, "left").tolist(), np.searchsorted(hay, nd, "right").tolist()
    lo, hi = _ranges(hay, nd)
    assert (lo.tolist(), hi.tolist()) == expected
    for step in (1, 2, 3, 7):  # through a fence of every step-th key, as a query searches big segments
        if len(hay):
            lo, hi = _index_kernels.fenced_ranges(hay, np.ascontiguousarray(hay[::step]), step, nd)
            assert (lo.tolist(), hi.tolist()) == expected


@hyp_settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_old=st.integers(0, 25), n_new=st.integers(1, 12), step=st.sampled_from([1, 2, 5]))
def test_lookups_through_fences_find_the_same_pairs(seed, n_old, n_new, step):
    import wiretrace.postings as postings

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "_SPARSE", 0)  # every segment search goes through its fence
        patch.setattr(postings, "_FENCE_STEP", step)
        fenced_lookups_equal_candidate_pairs(seed, n_old, n_new)


def fenced_lookups_equal_candidate_pairs(seed, n_old, n_new):
    sigs, wins = corpus(seed, n_old + n_new)
    index = index_of(sigs, wins, [(0, n_old // 2), (n_old // 2, n_old)])
    new = np.zeros(n_old + n_new, dtype=bool)
    new[n_old:] = True
    expected = candidate_pairs(sigs, wins, SMALL, new) if n_old + n_new > 1 else np.zeros((0, 2), np.int64)
    assert index.candidates(sigs[n_old:], wins[n_old:]).tolist() == expected.tolist()
    keys = np.arange(0, 30, 3, dtype=np.uint64)
    got, reference = index.postings("prints", keys), postings_reference(index, "prints", keys)
    assert got[0].tolist() == reference[0].tolist() and got[1].tolist() == reference[1].tolist()


@hyp_settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 40), cuts=st.lists(st.integers(0, 40), max_size=3),
       rank_range=st.sampled_from([3, 10**9]))
def test_sampled_holders_equal_frequent_postings(seed, n, cuts, rank_range):
    rng = np.random.default_rng(seed)
    wins = [np.unique(rng.integers(0, 15, size=rng.integers(0, 8)).astype(np.uint64)) for _ in range(n)]
    ranks = rng.integers(0, rank_range, size=n)  # a small range makes ties: broken by article number
    bounds = [0, *sorted(min(c, n) for c in cuts), n]
    runs = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        k = np.concatenate(wins[lo:hi]) if hi > lo else np.zeros(0, np.uint64)
        d = np.repeat(np.arange(lo, hi), [len(w) for w in wins[lo:hi]])
        order = np.lexsort((d, k))
        runs.append((k[order], d[order].astype(np.uint32)))
    keys, docs = np.concatenate([r[0] for r in runs]), np.concatenate([r[1] for r in runs]).astype(np.int64)
    expected_keys, expected = frequent_postings(keys, docs, ranks, BOILER)
    got = _sampled_holders(runs, [_ranges(k, expected_keys) for k, _ in runs], ranks, BOILER.boilerplate_sample)
    assert got.tolist() == expected.tolist()


def test_signatures_and_sizes_survive_merges_and_saving(tmp_path):
    sigs, wins = corpus(5, 30)
    sizes = np.arange(100, 130)
    index = CandidateIndex(settings=SMALL)
    for lo in range(0, 30, 5):
        index.add([f"d{i}" for i in range(lo, lo + 5)], sigs[lo:lo + 5], wins[lo:lo + 5], sizes=sizes[lo:lo + 5])
        index.merge_tail()
    docs = np.asarray([29, 0, 12, 12, 5])
    for candidate in (index, index.compacted()):
        got_sigs, got_sizes = candidate.signatures(docs)
        assert np.array_equal(got_sigs, sigs[docs]) and got_sizes.tolist() == sizes[docs].tolist()
    save_index(tmp_path / "x.index", index, "t")
    loaded = load_index(tmp_path / "x.index", "t", SMALL)
    assert loaded is not None and np.array_equal(loaded.signatures(docs)[0], sigs[docs])
    assert loaded.signatures(docs)[1].tolist() == sizes[docs].tolist()


def test_signatures_of_articles_indexed_without_sizes_are_refused():
    sigs, wins = corpus(5, 10)
    index = index_of(sigs, wins, [(0, 10)])
    with pytest.raises(ValueError, match="without their signatures and sizes"):
        index.signatures(np.asarray([3]))


def test_a_waves_signatures_come_from_the_index_and_its_rows_not_the_store():
    from wiretrace.engines.local import _signatures
    from wiretrace.store import FingerprintRows

    sigs, wins = corpus(7, 30)
    sizes = np.arange(200, 230)
    index = CandidateIndex(settings=SMALL)
    index.add([f"d{i}" for i in range(20)], sigs[:20], wins[:20], sizes=sizes[:20])
    wave = FingerprintRows([f"d{i}" for i in range(20, 30)], list(range(20, 30)), sigs[20:], wins[20:], sizes[20:])
    read_calls = []

    def read(docs):
        read_calls.append(docs)
        return sigs[docs], sizes[docs]

    docs = np.asarray([25, 3, 29, 3, 0, 20, 19])
    got_sigs, got_sizes = _signatures(index, wave, docs, read)
    assert np.array_equal(got_sigs, sigs[docs]) and got_sizes.tolist() == sizes[docs].tolist()
    assert not read_calls
    # rows read without sizes, or an index without signatures: the store answers
    _signatures(index, wave._replace(sizes=None), docs, read)
    _signatures(index_of(sigs, wins, [(0, 20)]), wave, docs, read)
    assert len(read_calls) == 2 and all(np.array_equal(c, docs) for c in read_calls)


def test_a_saved_wave_is_read_memory_mapped_and_answers_the_same(tmp_path):
    from wiretrace.postings import StoredIndex

    sigs, wins = corpus(11, 40)
    sizes = np.arange(40)
    stored = StoredIndex(CandidateIndex(settings=SMALL), tmp_path / "x.index", "t")
    memory = CandidateIndex(settings=SMALL)
    for lo in range(0, 32, 8):
        from wiretrace.store import FingerprintRows

        rows = FingerprintRows([f"d{i}" for i in range(lo, lo + 8)], list(range(lo, lo + 8)), sigs[lo:lo + 8],
                               wins[lo:lo + 8], sizes[lo:lo + 8])
        stored.append(rows)
        memory.add(rows.ids, rows.signatures, rows.winnowed, rows.seqs, rows.sizes)
        memory.merge_tail()
    assert all(isinstance(seg.keys["prints"], np.memmap) for seg in stored.index.segments)
    new_sigs, new_wins = sigs[32:], wins[32:]
    assert np.array_equal(stored.index.candidates(new_sigs, new_wins), memory.candidates(new_sigs, new_wins))
    assert np.array_equal(stored.index.signatures(np.arange(32))[0], sigs[:32])


def test_a_writers_merges_go_straight_to_folders_and_join_the_manifest_at_save(tmp_path):
    from wiretrace.postings import StoredIndex
    from wiretrace.store import FingerprintRows

    sigs, wins = corpus(13, 40)
    sizes = np.arange(40)
    folder = tmp_path / "x.index"

    def rows(lo, hi):
        return FingerprintRows([f"d{i}" for i in range(lo, hi)], list(range(lo, hi)), sigs[lo:hi], wins[lo:hi],
                               sizes[lo:hi])

    stored = StoredIndex(CandidateIndex(settings=SMALL), folder, "t")
    stored.append(rows(0, 8))
    first = list(stored.saved)
    stored.append(rows(8, 16), save=False)  # merges with the first segment: written, not yet listed
    assert len(stored.index.segments) == 1 and isinstance(stored.index.segments[0].keys["prints"], np.memmap)
    assert len(stored.saved) == 1 and stored.saved != first and (folder / stored.saved[0]).is_dir()
    crashed = load_index(folder, "t", SMALL)  # killed here: the manifest still describes the first wave
    assert crashed is not None and len(crashed) == 8
    assert np.array_equal(crashed.candidates(sigs[8:], wins[8:]), index_of(sigs, wins, [(0, 8)]).candidates(sigs[8:], wins[8:]))
    stored.save()
    assert not (folder / first[0]).exists()
    loaded = load_index(folder, "t", SMALL)
    memory = index_of(sigs, wins, [(0, 8), (8, 16)])
    memory.merge_tail()
    assert loaded is not None and len(loaded.segments) == 1
    for name in ("keys", "docs"):
        for kind in loaded.segments[0].keys:
            assert np.array_equal(getattr(loaded.segments[0], name)[kind], getattr(memory.segments[0], name)[kind])
    assert np.array_equal(loaded.signatures(np.arange(16))[0], sigs[:16])
    assert loaded.signatures(np.arange(16))[1].tolist() == sizes[:16].tolist()
    # a reader's additions and merges stay in memory: the folder is left as the writer saved it
    before = sorted(p.name for p in folder.iterdir())
    reader = StoredIndex(loaded, folder, "t", list(stored.saved), writer=False)
    reader.append(rows(16, 32), save=False)
    assert len(reader.index.segments) == 1 and not isinstance(reader.index.segments[0].keys["prints"], np.memmap)
    assert sorted(p.name for p in folder.iterdir()) == before
