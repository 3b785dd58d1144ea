"""The persistent candidate index: sorted postings of LSH band keys and winnowed fingerprints.

A scan used to rebuild every posting list from all stored fingerprints to compare a few new
articles, and a query did the same for one. Here the postings of already-compared articles are kept
sorted (key → article number), so new articles are looked up with binary search and only the new
postings are grouped. The answer is the same set of candidate pairs ``candidates.candidate_pairs``
gives over old + new articles with only new-involving pairs kept (a differential test asserts it):
document frequencies count old and new postings together, and the same caps apply.

On disk the index is a folder beside the store (``STORE.index/``) of immutable segments, one per
batch of articles added, each a handful of ``.npy`` arrays that are memory-mapped on open, plus a
``manifest.json`` replaced atomically. Segments also keep each article's MinHash signature and
content-token count, which boilerplate verdicts sample: a query reads them from the index, not the
store (a store read by seq costs ~10 ms at 1M articles). A crash between the store's commit and the manifest write
loses nothing: on open the index adds whatever compared articles it does not hold yet.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from . import arrays
from . import candidates as _candidates
from .boilerplate import SignatureFetch, boilerplate_keys
from .candidates import (KeyRule, band_keys, hub_pairs, key_rules, pairs_from_postings, stored_fingerprints,
                         sum_by_code)
from .settings import DEFAULT, Settings

if TYPE_CHECKING:
    from .store import FingerprintRows, Store

INDEX_VERSION = 3  # 2: segments keep the articles' store seqs; 3: and their signatures and sizes
_UPGRADABLE = 2  # a version-2 index is kept: its segments get signatures and sizes from the store
_EMPTY_SIG = np.uint32(0xFFFFFFFF)
#: On-disk name of each candidate key kind of ``candidates.KEY_KINDS`` (the two built-in kinds keep the
#: names index files have always used); a kind added there is indexed here under its own name.
_DISK_NAMES = {"lsh": "bands", "winnowed": "prints"}


def _kinds() -> tuple[str, ...]:
    """The indexed kinds, read from ``candidates.KEY_KINDS`` at call time."""
    return tuple(_DISK_NAMES.get(kind.name, kind.name) for kind in _candidates.KEY_KINDS)


@dataclass(frozen=True)
class Segment:
    """Sorted postings of one batch of articles: ``keys[kind]`` ascending, ``docs[kind]`` parallel
    (index-wide article numbers)."""

    keys: dict[str, np.ndarray]
    docs: dict[str, np.ndarray]
    first: int  # number of the segment's first article
    count: int  # how many articles it holds
    signatures: np.ndarray | None = None  # uint32 [count, num_perm]: each article's MinHash signature
    sizes: np.ndarray | None = None  # int32 [count]: its content-token count (-1: not known)
    fences: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)  # _fence


def doc_postings(signatures: np.ndarray, winnowed: list[np.ndarray], first_doc: int,
                 settings: Settings = DEFAULT) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Unsorted (keys, doc numbers) per kind for articles numbered from ``first_doc``.

    Articles without shingles (all-max signature) get no band postings: they match nothing by LSH.
    """
    n = len(winnowed)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if n and signatures.size:
        keys = band_keys(signatures, settings.lsh_bands)
        empty = (signatures == _EMPTY_SIG).all(axis=1)
        mask = np.repeat(~empty, settings.lsh_bands)
        docs = np.repeat(np.arange(first_doc, first_doc + n, dtype=np.int64), settings.lsh_bands)
        out["bands"] = (keys.ravel()[mask], docs[mask])
    else:
        out["bands"] = (np.zeros(0, np.uint64), np.zeros(0, np.int64))
    out["prints"] = _print_postings(winnowed, first_doc)
    for kind in _candidates.KEY_KINDS:  # any further kind: its own per-article key function (no fast path yet)
        name = _DISK_NAMES.get(kind.name, kind.name)
        if name in out:
            continue
        per_doc = [kind.keys(stored_fingerprints(signatures[i], winnowed[i]), settings) for i in range(n)]
        out[name] = (np.concatenate(per_doc).astype(np.uint64) if n else np.zeros(0, np.uint64),
                     np.repeat(np.arange(first_doc, first_doc + n, dtype=np.int64), [len(k) for k in per_doc]))
    return out


def _print_postings(winnowed: list[np.ndarray], first_doc: int) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed fingerprints of articles numbered from ``first_doc`` as (keys, doc numbers)."""
    keys = np.concatenate(winnowed).astype(np.uint64) if winnowed else np.zeros(0, np.uint64)
    return keys, np.repeat(np.arange(first_doc, first_doc + len(winnowed), dtype=np.int64), [len(w) for w in winnowed])


@dataclass(frozen=True)
class NewPostings:
    """A wave's postings per kind as ``doc_postings`` makes them (its articles numbered from 0), each
    with the stable order that sorts it by key. Sorted once and shared by the boilerplate verdicts,
    the candidate lookups and the segment the wave becomes, which each sorted them again: four
    sorts of a wave's 4.6M winnowed postings, 11 of a 100k scan's 244 CPU-seconds."""

    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    order: dict[str, np.ndarray]

    @classmethod
    def of(cls, signatures: np.ndarray, winnowed: list[np.ndarray], settings: Settings = DEFAULT) -> "NewPostings":
        posts = doc_postings(signatures, winnowed, 0, settings)
        return cls(posts, {kind: np.argsort(keys, kind="stable") for kind, (keys, _) in posts.items()})


def build_segment(postings: dict[str, tuple[np.ndarray, np.ndarray]], first: int, count: int,
                  orders: dict[str, np.ndarray] | None = None) -> Segment:
    """Sort each kind's postings by key (then doc) so lookups are binary searches (one stable sort by
    key when the postings come in article order, as ``doc_postings`` makes them; that sort's
    ``orders`` when the caller has them)."""
    keys, docs = {}, {}
    for kind in _kinds():
        k, d = postings[kind]
        order = orders[kind] if orders is not None else arrays.key_doc_order(k, d)
        keys[kind] = np.ascontiguousarray(k[order], dtype=np.uint64)
        docs[kind] = np.ascontiguousarray(d[order], dtype=np.uint32)
    return Segment(keys, docs, first, count)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo, hi): (which range, position) of every element, without a Python loop."""
    counts = hi - lo
    total = int(counts.sum())
    which = np.repeat(np.arange(len(lo)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, lo[which] + offsets


def _ranges(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of the ascending ``needles`` lies in the sorted ``haystack``: [lo, hi) per needle.

    Each search gallops from the previous answer (``_index_kernels.sorted_ranges``): 2.5M needles
    in 148M postings take 0.15 s, against 1.0 s for ``np.searchsorted`` with the same sorted needles
    and several times that with them unsorted.
    """
    from . import _index_kernels  # numba, imported on first use

    return _index_kernels.sorted_ranges(np.asarray(haystack), np.ascontiguousarray(needles, dtype=np.uint64))


_FENCE_STEP = 2048  # keys per fence entry: 0.6 MB of fence per 148M keys
_SPARSE = 1024  # haystack keys per needle above which fenced searches beat galloping


def _fence(seg: Segment, kind: str) -> np.ndarray:
    """Every ``_FENCE_STEP``-th key of a segment, made on first use and kept with it."""
    if kind not in seg.fences:
        seg.fences[kind] = np.ascontiguousarray(seg.keys[kind][::_FENCE_STEP])
    return seg.fences[kind]


def _segment_ranges(seg: Segment, kind: str, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_ranges`` in a segment's keys: through its fence when the needles are few (a query), galloping
    when they are many (a scan's wave)."""
    haystack = seg.keys[kind]
    if len(haystack) <= _SPARSE * max(1, len(needles)):
        return _ranges(haystack, needles)
    from . import _index_kernels  # numba, imported on first use

    return _index_kernels.fenced_ranges(np.asarray(haystack), _fence(seg, kind), _FENCE_STEP,
                                        np.ascontiguousarray(needles, dtype=np.uint64))


def _postings_of(segments: list[Segment], kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every posting of ``keys`` in the segments: parallel (key, article number) arrays, segment by
    segment, each key's postings in the order of ``keys``."""
    keys = np.asarray(keys, dtype=np.uint64)
    sorted_unique = len(keys) < 2 or bool((keys[1:] > keys[:-1]).all())
    uniq, inverse = (keys, None) if sorted_unique else arrays.groups(keys)[:2]
    out_k, out_d = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    for seg in segments:
        lo, hi = _segment_ranges(seg, kind, uniq)
        if inverse is not None:
            lo, hi = lo[inverse], hi[inverse]
        which, pos = _expand(lo, hi)
        out_k.append(keys[which])
        out_d.append(seg.docs[kind][pos].astype(np.int64))
    return np.concatenate(out_k), np.concatenate(out_d)


def _sampled_holders(runs: list[tuple[np.ndarray, np.ndarray]], ranges: list[tuple[np.ndarray, np.ndarray]],
                     ranks: np.ndarray, sample: int) -> np.ndarray:
    """Per key, its ``sample`` holders of lowest (rank, article number) across the sorted runs of
    postings (``runs[i]`` = (keys, docs), ``ranges[i]`` the key's [lo, hi) in it), padded with -1:
    ``frequent_postings``'s samples without gathering or sorting every posting of the key."""
    from . import _index_kernels  # numba, imported on first use

    n = len(ranges[0][0]) if ranges else 0
    best_rank = np.full((n, sample), np.iinfo(np.int64).max, dtype=np.int64)
    best_doc = np.full((n, sample), -1, dtype=np.int64)
    filled = np.zeros(n, dtype=np.int64)
    for (_, docs), (lo, hi) in zip(runs, ranges):
        _index_kernels.lowest_ranked(np.asarray(docs), lo, hi, ranks, best_rank, best_doc, filled)
    return best_doc


def _kind_pairs(segments: list[Segment], kind: str, n_old: int, new_keys: np.ndarray, new_docs: np.ndarray,
                rule: KeyRule, ranks: np.ndarray, exclude: np.ndarray | None = None,
                new_order: np.ndarray | None = None) -> np.ndarray:
    """Rows (i, j, shared keys) of pairs (old-or-new, new) sharing ``rule.min_shared`` keys held by
    2..max_df articles in old + new or, above that, having one of them as a hub (``hub_pairs``), none
    of the keys in ``exclude`` (sorted corpus-boilerplate keys).

    ``new_docs`` number the new articles from 0 in non-decreasing order (as ``doc_postings`` makes
    them); in the result they are shifted by ``n_old``. Each distinct new key is looked up once,
    in sorted order (``_ranges``), and mapped back to its postings. ``new_order``: the stable order
    sorting ``new_keys``, if known (``NewPostings``).
    """
    max_df, min_count = rule.max_df, rule.min_shared
    if len(new_keys) == 0:
        return np.zeros((0, 3), np.int64)
    order, uniq, inverse, new_df = arrays.sorted_groups(new_keys, new_order)
    df = new_df.astype(np.int64)
    ranges = []
    for seg in segments:
        lo, hi = _segment_ranges(seg, kind, uniq)
        df += hi - lo
        ranges.append((seg, lo, hi))
    excluded = arrays.isin(uniq, exclude) if exclude is not None and len(exclude) else np.zeros(len(uniq), bool)
    ok = (df <= max_df) & ~excluded  # per distinct key
    width = n_old + int(new_docs.max()) + 1
    codes = []
    for seg, lo, hi in ranges:  # old × new
        rows = np.flatnonzero((ok & (hi > lo))[inverse])
        which, pos = _expand(lo[inverse[rows]], hi[inverse[rows]])
        codes.append(seg.docs[kind][pos].astype(np.int64) * width + new_docs[rows][which] + n_old)
    old_new, old_new_count = arrays.unique_counts(np.concatenate(codes) if codes else np.zeros(0, np.int64))
    shared = order[(ok & (new_df >= 2))[inverse[order]]]  # in (key, doc) order; a key one new article holds pairs none
    within, within_count = pairs_from_postings(new_keys[shared], new_docs[shared], max(2, len(new_docs)))  # new × new
    all_codes = np.concatenate([old_new, (within[:, 0] + n_old) * width + within[:, 1] + n_old])
    all_counts = np.concatenate([old_new_count, within_count])
    over = (df > max_df) & ~excluded
    if rule.hubs > 0 and over.any():  # keys over the cap: every holder (old or new) with the key's hubs
        old_k, old_d = _gather(ranges, kind, uniq, over)
        mine = over[inverse]
        keys = np.concatenate([old_k, new_keys[mine]])
        docs = np.concatenate([old_d, new_docs[mine] + n_old])
        hubbed, hub_count = _local_hub_pairs(keys, docs, ranks, n_old, max_df, rule.hubs)
        if len(hubbed):
            all_codes, all_counts = sum_by_code(np.concatenate([all_codes, hubbed[:, 0] * width + hubbed[:, 1]]),
                                                np.concatenate([all_counts, hub_count]))
    keep = all_counts >= min_count
    picked = all_codes[keep]
    return np.stack([picked // width, picked % width, all_counts[keep]], axis=1)


def _gather(ranges: list[tuple[Segment, np.ndarray, np.ndarray]], kind: str, uniq: np.ndarray,
            pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The postings of the picked keys from their searched ranges (as ``_postings_of`` gives them)."""
    out_k, out_d = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    for seg, lo, hi in ranges:
        which, pos = _expand(lo[pick], hi[pick])
        out_k.append(uniq[pick][which])
        out_d.append(seg.docs[kind][pos].astype(np.int64))
    return np.concatenate(out_k), np.concatenate(out_d)


def _local_hub_pairs(keys: np.ndarray, docs: np.ndarray, ranks: np.ndarray, n_old: int, max_df: int,
                     hubs: int) -> tuple[np.ndarray, np.ndarray]:
    """``hub_pairs`` of postings whose articles numbered ``n_old`` and up are new, computed over the
    articles present only (renumbered in order), so a query costs nothing per indexed article."""
    present, local, _ = arrays.groups(docs)
    pairs, shared = hub_pairs(keys, local, ranks[present], max_df, hubs, present >= n_old)
    return present[pairs], shared


@dataclass
class CandidateIndex:
    """Postings of ``ids`` (article number = position), in immutable segments; ``seqs`` are the
    articles' insertion numbers in the store (-1 when indexed without one), its fast lookup key."""

    ids: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    settings: Settings = DEFAULT
    seqs: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, signatures: np.ndarray, winnowed: list[np.ndarray],
                   boilerplate: np.ndarray | None = None, ranks: np.ndarray | None = None,
                   new: NewPostings | None = None) -> np.ndarray:
        """Candidate pairs involving the given new articles, as rows (i, j), i < j, sorted unique.

        Old articles are numbered ``0..len(self)-1`` and the new ones ``len(self)..`` in order, exactly
        as ``candidate_pairs`` would number old followed by new with a mask marking the new ones.
        Winnowed fingerprints in ``boilerplate`` (sorted keys) make no pairs; ``ranks`` (per article,
        old then new; by default the numbering) choose the hubs of keys over the cap. ``new``: the
        new articles' postings, sorted already (``NewPostings``).
        """
        return self.scored_candidates(signatures, winnowed, boilerplate, ranks, new)[:, :2]

    def postings(self, kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed posting of ``keys`` (an on-disk kind name): parallel (key, article number)."""
        return _postings_of(self.segments, kind, keys)

    def boilerplate(self, keys: np.ndarray, ranks: np.ndarray, fetch: SignatureFetch,
                    new_winnowed: list[np.ndarray] | None = None, new: NewPostings | None = None) -> np.ndarray:
        """Which of the winnowed ``keys`` are corpus boilerplate (``wiretrace.boilerplate``), judged over
        the indexed articles plus ``new_winnowed`` ones numbered after them: sorted uint64 keys.
        ``ranks`` and ``fetch`` (signatures and sizes) take those article numbers.

        The same verdicts as ``frequent_postings`` + ``boilerplate_keys`` over every posting of the
        keys, but each key's document frequency comes from its index ranges and its sample of
        lowest-ranked holders from a pass over them (``_sampled_holders``): at 1M articles the
        frequent keys of one wave have 10M postings, which were gathered and sorted. ``new``: the
        ``new_winnowed`` articles' postings, sorted already (``NewPostings``).
        """
        if len(keys) == 0:
            return np.zeros(0, np.uint64)
        keys = arrays.unique(np.asarray(keys, dtype=np.uint64))
        if new is None:
            new_k, new_d = _print_postings(new_winnowed or [], len(self))  # numbered after the indexed articles
            order = np.argsort(new_k, kind="stable")  # the new postings as one more run sorted by (key, doc)
        else:
            (new_k, new_d), order = new.postings["prints"], new.order["prints"]
            new_d = new_d + len(self)
        runs = [(seg.keys["prints"], seg.docs["prints"]) for seg in self.segments] + [(new_k[order], new_d[order])]
        ranges = [_segment_ranges(seg, "prints", keys) for seg in self.segments] + [_ranges(runs[-1][0], keys)]
        df = sum((hi - lo for lo, hi in ranges), np.zeros(len(keys), np.int64))
        frequent = df >= self.settings.boilerplate_min_df
        samples = _sampled_holders(runs, [(lo[frequent], hi[frequent]) for lo, hi in ranges], ranks,
                                   self.settings.boilerplate_sample)
        return boilerplate_keys(keys[frequent], samples, fetch, self.settings)

    def scored_candidates(self, signatures: np.ndarray, winnowed: list[np.ndarray],
                          boilerplate: np.ndarray | None = None, ranks: np.ndarray | None = None,
                          new: NewPostings | None = None) -> np.ndarray:
        """``candidates`` with a third column: how many band keys and rare fingerprints each pair shares."""
        n_old, n_new = len(self), len(winnowed)
        if n_new == 0 or n_old + n_new < 2:
            return np.zeros((0, 3), np.int64)
        ranks = np.arange(n_old + n_new, dtype=np.int64) if ranks is None else ranks
        posts = new.postings if new is not None else doc_postings(signatures, winnowed, 0, self.settings)
        orders = new.order if new is not None else {}
        rules = key_rules(n_old + n_new, self.settings)  # the same rules as every other engine
        by_disk = {_DISK_NAMES.get(name, name): rule for name, rule in rules.items()}
        both = np.concatenate([_kind_pairs(self.segments, kind, n_old, posts[kind][0], posts[kind][1], by_disk[kind],
                                           ranks, boilerplate if kind == "prints" else None, orders.get(kind))
                               for kind in _kinds()])
        if len(both) == 0:
            return both
        width = n_old + n_new
        pairs, shared = sum_by_code(both[:, 0] * width + both[:, 1], both[:, 2])
        return np.stack([pairs // width, pairs % width, shared], axis=1)

    def add(self, ids: list[str], signatures: np.ndarray, winnowed: list[np.ndarray],
            seqs: list[int] | None = None, sizes: np.ndarray | None = None,
            new: NewPostings | None = None) -> Segment | None:
        """Append articles as a new segment (in memory), with their signatures and content-token
        ``sizes`` (unknown when None); returns it, or None when there is nothing to add. ``new``:
        their postings, sorted already (``NewPostings``)."""
        if not ids:
            return None
        first = len(self.ids)
        if new is None:
            segment = build_segment(doc_postings(signatures, winnowed, first, self.settings), first, len(ids))
        else:
            shifted = {kind: (keys, docs + first) for kind, (keys, docs) in new.postings.items()}
            segment = build_segment(shifted, first, len(ids), new.order)
        seg = replace(segment,
                      signatures=np.ascontiguousarray(signatures, dtype=np.uint32),
                      sizes=np.full(len(ids), -1, np.int32) if sizes is None else np.asarray(sizes, dtype=np.int32))
        self.ids.extend(ids)
        self.seqs.extend(seqs if seqs is not None else [-1] * len(ids))
        self.segments.append(seg)
        return seg

    def signatures(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """MinHash signatures and content-token counts of indexed articles (by number), in the order
        given: what ``Store.signatures`` reads, from the memory-mapped segments instead."""
        docs = np.asarray(docs, dtype=np.int64)
        sigs = np.empty((len(docs), self.settings.num_perm), dtype=np.uint32)
        sizes = np.full(len(docs), -1, dtype=np.int64)
        where = np.searchsorted(np.asarray([s.first for s in self.segments], dtype=np.int64), docs, side="right") - 1
        for n, seg in enumerate(self.segments):
            pick = np.flatnonzero(where == n)
            if len(pick) and seg.signatures is not None and seg.sizes is not None:
                sigs[pick], sizes[pick] = seg.signatures[docs[pick] - seg.first], seg.sizes[docs[pick] - seg.first]
        if len(docs) and (sizes < 0).any():
            raise ValueError("articles indexed without their signatures and sizes")
        return sigs, sizes

    def compacted(self) -> "CandidateIndex":
        """One segment holding every posting: fewer binary searches per lookup."""
        if len(self.segments) <= 1:
            return self
        return CandidateIndex(list(self.ids), [merge_segments(self.segments)], self.settings, list(self.seqs))

    def merge_tail(self, merge: Callable[[list[Segment]], Segment] | None = None) -> None:
        """Merge the newest segment into the one before while it is at least as large (a binary
        counter): at most log2(articles) segments, each posting re-sorted O(log N) times overall.
        ``merge`` makes one segment of two (default ``merge_segments``, in memory)."""
        while len(self.segments) > 1 and self.segments[-1].count >= self.segments[-2].count:
            self.segments[-2:] = [(merge or merge_segments)(self.segments[-2:])]


def merge_segments(segments: list[Segment]) -> Segment:
    """One sorted segment from consecutive ones: sorted runs merged pairwise in linear passes
    (``_index_kernels.merge_postings``), never re-sorted."""
    from . import _index_kernels  # numba, imported on first use

    keys = {kind: [np.asarray(s.keys[kind]) for s in segments] for kind in _kinds()}
    docs = {kind: [np.asarray(s.docs[kind]) for s in segments] for kind in _kinds()}
    for kind in _kinds():
        while len(keys[kind]) > 1:  # neighbours pairwise: each posting is copied log2(len(segments)) times
            ks, ds = [], []
            for n in range(0, len(keys[kind]) - 1, 2):
                k, d = _index_kernels.merge_postings(keys[kind][n], docs[kind][n], keys[kind][n + 1], docs[kind][n + 1])
                ks.append(k)
                ds.append(d)
            if len(keys[kind]) % 2:
                ks.append(keys[kind][-1])
                ds.append(docs[kind][-1])
            keys[kind], docs[kind] = ks, ds
    known = all(s.signatures is not None and s.sizes is not None for s in segments)
    return Segment({kind: np.ascontiguousarray(keys[kind][0], dtype=np.uint64) for kind in _kinds()},
                   {kind: np.ascontiguousarray(docs[kind][0], dtype=np.uint32) for kind in _kinds()},
                   segments[0].first, sum(s.count for s in segments),
                   np.concatenate([s.signatures for s in segments]) if known else None,  # type: ignore[misc]
                   np.concatenate([s.sizes for s in segments]) if known else None)  # type: ignore[misc]


# --- on disk ------------------------------------------------------------------------------------

def index_dir(store_path: str | Path) -> Path:
    """Where the index of a store lives: a folder beside it."""
    return Path(f"{store_path}.index")


def _settings_key(settings: Settings) -> dict[str, int]:
    return {"shingle_size": settings.shingle_size, "num_perm": settings.num_perm,
            "lsh_bands": settings.lsh_bands, "winnow_window": settings.winnow_window}


def load_index(folder: Path, store_token: str, settings: Settings = DEFAULT) -> CandidateIndex | None:
    """Memory-map a saved index, or None if there is none or it belongs to another store/settings.
    A version-2 index loads without signatures and sizes (``open_index`` adds them)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    version = manifest.get("version")
    if (version not in (INDEX_VERSION, _UPGRADABLE) or manifest.get("store") != store_token
            or manifest.get("settings") != _settings_key(settings)):
        return None
    index = CandidateIndex(settings=settings)
    try:
        for name in manifest["segments"]:
            seg_dir = folder / name
            ids = np.load(seg_dir / "ids.npy").tolist()
            index.seqs.extend(np.load(seg_dir / "seqs.npy").tolist())
            index.segments.append(_load_segment(seg_dir, len(index.ids), len(ids), known=version == INDEX_VERSION))
            index.ids.extend(ids)
    except (OSError, ValueError, KeyError):
        return None
    return index


def _load_segment(seg_dir: Path, first: int, count: int, known: bool = True) -> Segment:
    """The segment saved in ``seg_dir``, its arrays memory-mapped (signatures and sizes when ``known``)."""
    return Segment({k: np.load(seg_dir / f"{k}_keys.npy", mmap_mode="r") for k in _kinds()},
                   {k: np.load(seg_dir / f"{k}_docs.npy", mmap_mode="r") for k in _kinds()}, first, count,
                   np.load(seg_dir / "signatures.npy", mmap_mode="r") if known else None,
                   np.load(seg_dir / "sizes.npy", mmap_mode="r") if known else None)


def _mapped_segment(seg_dir: Path, seg: Segment) -> Segment:
    """``seg`` (as saved in ``seg_dir``) with its arrays memory-mapped from the files."""
    mapped = _load_segment(seg_dir, seg.first, seg.count)
    mapped.fences.update(seg.fences)  # derived from the same keys
    return mapped


def _merge_to_folder(folder: Path, index: CandidateIndex, segments: list[Segment]) -> tuple[str, Segment]:
    """Merge two consecutive segments of ``index`` straight into a new segment folder, and map it.

    The merged postings and signatures are written into memory-mapped files, so they live in the
    page cache, which the kernel can write back and evict: merged in memory and saved afterwards,
    the last merges of a million-article scan held 2-2.5 GB of the parent's own memory for a wave.
    The folder joins the manifest at the next ``save_index``; until then a reader never sees it.
    """
    from . import _index_kernels  # numba, imported on first use

    a, b = segments
    if a.signatures is None or a.sizes is None or b.signatures is None or b.sizes is None:
        raise ValueError("a segment is saved with its articles' signatures and sizes")
    first, count = a.first, a.count + b.count
    name = f"seg-{uuid.uuid4().hex[:12]}"
    tmp = folder / f".{name}.tmp"
    tmp.mkdir(parents=True)
    np.save(tmp / "ids.npy", np.asarray(index.ids[first:first + count], dtype=str))
    np.save(tmp / "seqs.npy", np.asarray(index.seqs[first:first + count], dtype=np.int64))
    for kind in _kinds():
        n = len(a.keys[kind]) + len(b.keys[kind])
        keys = np.lib.format.open_memmap(tmp / f"{kind}_keys.npy", mode="w+", dtype=np.uint64, shape=(n,))
        docs = np.lib.format.open_memmap(tmp / f"{kind}_docs.npy", mode="w+", dtype=np.uint32, shape=(n,))
        _index_kernels.merge_postings_into(a.keys[kind], a.docs[kind], b.keys[kind], b.docs[kind], keys, docs)
        keys.flush()
        docs.flush()
        del keys, docs
    for field_name, dtype in (("signatures", np.uint32), ("sizes", np.int32)):
        parts = [getattr(a, field_name), getattr(b, field_name)]
        out = np.lib.format.open_memmap(tmp / f"{field_name}.npy", mode="w+", dtype=dtype,
                                        shape=(count, *parts[0].shape[1:]))
        out[:a.count], out[a.count:] = parts
        out.flush()
        del out
    tmp.rename(folder / name)
    return name, _load_segment(folder / name, first, count)


def _write_segment(folder: Path, ids: list[str], seqs: list[int], seg: Segment) -> str:
    name = f"seg-{uuid.uuid4().hex[:12]}"
    tmp = folder / f".{name}.tmp"
    tmp.mkdir(parents=True)
    np.save(tmp / "ids.npy", np.asarray(ids, dtype=str))
    np.save(tmp / "seqs.npy", np.asarray(seqs, dtype=np.int64))
    for kind in _kinds():
        np.save(tmp / f"{kind}_keys.npy", seg.keys[kind])
        np.save(tmp / f"{kind}_docs.npy", seg.docs[kind])
    _save_signatures(tmp, seg)
    tmp.rename(folder / name)
    return name


def _save_signatures(seg_dir: Path, seg: Segment) -> None:
    """Write a segment's signatures and sizes into its folder, each file replaced atomically."""
    if seg.signatures is None or seg.sizes is None:
        raise ValueError("a segment is saved with its articles' signatures and sizes")
    for name, array in (("signatures", seg.signatures), ("sizes", seg.sizes)):
        np.save(seg_dir / f".{name}.tmp.npy", array)
        os.replace(seg_dir / f".{name}.tmp.npy", seg_dir / f"{name}.npy")


def save_index(folder: Path, index: CandidateIndex, store_token: str, names: list[str] | None = None) -> list[str]:
    """Write segments not on disk yet (all when ``names`` is None), then the manifest, atomically.

    ``names`` are the segment folder names already saved for ``index.segments[:len(names)]``;
    returns the full list after saving. Folders no manifest lists any more are removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = list(names or [])
    for seg in index.segments[len(names):]:
        names.append(_write_segment(folder, index.ids[seg.first:seg.first + seg.count],
                                    index.seqs[seg.first:seg.first + seg.count], seg))
    manifest = {"version": INDEX_VERSION, "store": store_token, "settings": _settings_key(index.settings),
                "segments": names, "articles": len(index.ids)}
    tmp = folder / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest))
    os.replace(tmp, folder / "manifest.json")
    for child in folder.iterdir():
        if child.is_dir() and child.name not in names:
            shutil.rmtree(child, ignore_errors=True)
    return names


StoreRead = Callable[[Sequence[int]], tuple[np.ndarray, np.ndarray]]
"""read(store seqs) -> (signatures, content-token counts): ``Store.signatures``."""


@dataclass
class StoredIndex:
    """A store's candidate index, the segment folders already saved for it, and how to read
    articles' signatures and sizes from the store (``Store.signatures``)."""

    index: CandidateIndex
    folder: Path | None
    token: str
    saved: list[str] = field(default_factory=list)
    read: StoreRead | None = None
    writer: bool = True  # a reader's additions stay in memory, its merges too

    def append(self, rows: FingerprintRows, save: bool = True, new: NewPostings | None = None) -> None:
        """Add newly compared articles (their sizes from ``rows``, else read from the store); with
        ``save``, write their segment and the manifest. A writer's tail merges go straight to new
        segment folders (``_merge_to_folder``), listed by the manifest from the next ``save``."""
        # each segment's folder by identity (the segments held, so no id is reused meanwhile)
        named = {id(seg): (seg, name) for seg, name in zip(self.index.segments, self.saved)}
        sizes = rows.sizes
        if sizes is None and self.read is not None and rows.ids:
            sizes = self.read(rows.seqs)[1]
        self.index.add(rows.ids, rows.signatures, rows.winnowed, rows.seqs, sizes, new)

        def merge(segments: list[Segment]) -> Segment:
            if self.folder is None or not self.writer:
                return merge_segments(segments)
            name, merged = _merge_to_folder(self.folder, self.index, segments)
            named[id(merged)] = (merged, name)
            return merged

        self.index.merge_tail(merge)
        names = [named[id(seg)][1] if id(seg) in named and named[id(seg)][0] is seg else None
                 for seg in self.index.segments]
        self.saved = list(itertools.takewhile(lambda name: name is not None, names))  # type: ignore[arg-type]
        if save:
            self.save()

    def save(self) -> None:
        """Write the segments not on disk yet and the manifest (nothing for an index in memory), and
        read the segments just written memory-mapped from their files: the index a scan builds then
        lives in the page cache, which the kernel can evict, not in 3.7 GB of the parent's own memory
        at a million articles."""
        if self.folder is None:
            return
        before = len(self.saved)
        self.saved = save_index(self.folder, self.index, self.token, self.saved)
        for n in range(before, len(self.saved)):
            self.index.segments[n] = _mapped_segment(self.folder / self.saved[n], self.index.segments[n])


def open_index(store: "Store", folder: Path | None, settings: Settings = DEFAULT,
               save: bool = True) -> StoredIndex:
    """Load the saved index of ``store`` (or start one) and add the compared articles it lacks.

    Only compared articles are indexed: they are the "old" side every new article is looked up
    against. ``save`` writes what was added (the writer); readers keep additions in memory.
    """
    token = store.token
    index = (load_index(folder, token, settings) if folder is not None else None) or CandidateIndex(settings=settings)
    saved = _manifest_segments(folder) if folder is not None and index.segments else []
    stored = StoredIndex(index, folder, token, saved, store.signatures, writer=save)
    _add_signatures(stored, save)
    if store.compared_count() > len(index):
        have = set(index.ids)
        missing = [i for i in store.compared_ids() if i not in have]
        stored.append(store.fingerprints(missing), save=save)
    return stored


def _add_signatures(stored: StoredIndex, save: bool) -> None:
    """Give the segments of a version-2 index their articles' signatures and sizes from the store
    (about 7 s per million articles) and, with ``save``, write them and a version-3 manifest."""
    index = stored.index
    missing = [n for n, seg in enumerate(index.segments) if seg.signatures is None or seg.sizes is None]
    if not missing or stored.read is None:
        return
    for n in missing:
        seg = index.segments[n]
        sigs, sizes = stored.read(index.seqs[seg.first:seg.first + seg.count])
        index.segments[n] = replace(seg, signatures=sigs.astype(np.uint32), sizes=sizes.astype(np.int32))
        if save and stored.folder is not None:
            _save_signatures(stored.folder / stored.saved[n], index.segments[n])
    if save and stored.folder is not None:
        stored.saved = save_index(stored.folder, index, stored.token, stored.saved)


def _manifest_segments(folder: Path) -> list[str]:
    return list(json.loads((folder / "manifest.json").read_text())["segments"])
