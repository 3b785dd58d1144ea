import numpy as np
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from wiretrace.candidates import candidate_pairs
from wiretrace.postings import CandidateIndex, index_dir, load_index, save_index
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
