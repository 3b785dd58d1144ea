"""Compiled (numba) inner loops of alignment; imported lazily so that importing wiretrace stays cheap.

Each kernel is the loop of a plain Python function in ``align.py`` over integer word ids instead of
strings; ``tests/test_align_kernels.py`` asserts both give the same answer. ``cache=True`` keeps the
machine code beside this file (or in numba's user cache), so only the first run on a machine compiles.
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _push(rows: np.ndarray, n: int, x: int, y: int, z: int) -> np.ndarray:
    """Set row ``n`` of an (m, 3) int64 array to (x, y, z), doubling the array when it is full."""
    if n == rows.shape[0]:
        grown = np.empty((2 * n, 3), dtype=np.int64)
        grown[:n] = rows
        rows = grown
    rows[n, 0], rows[n, 1], rows[n, 2] = x, y, z
    return rows


@njit(cache=True, nogil=True)
def seed_matches(keys_a: np.ndarray, pos_a: np.ndarray, common_a: np.ndarray, keys_b: np.ndarray,
                 pos_b: np.ndarray, starts_b: np.ndarray, ia: np.ndarray, ib: np.ndarray, ba: np.ndarray,
                 bb: np.ndarray, k: int, max_occurrences: int) -> np.ndarray:
    """Maximal exact runs (length, i, j) of every shared, not too common seed, from their left end.

    ``keys_x``/``pos_x``: each side's seed keys (equal seeds, equal keys) sorted, and where they
    start, only starts whose seed crosses no boilerplate break; ``common_a[i]``: how often the seed
    at i occurs anywhere in A; ``starts_b[j]``: how often the seed at j starts in B (as ``pos_b``);
    ``ia``/``ib``: word ids; ``ba``/``bb``: a break before each word. A run is reported from the seed
    that starts it unless that seed is too common to anchor on: then from the first seed that may,
    extended left (the same run may come out more than once; the caller drops repeats).
    """
    na, nb = ia.shape[0], ib.shape[0]
    out = np.empty((16, 3), dtype=np.int64)
    n = 0
    p, q = 0, 0
    while p < keys_a.shape[0] and q < keys_b.shape[0]:  # merge the two sorted seed lists
        if keys_a[p] < keys_b[q]:
            p += 1
            continue
        if keys_a[p] > keys_b[q]:
            q += 1
            continue
        key = keys_a[p]
        p_end, q_end = p, q
        while p_end < keys_a.shape[0] and keys_a[p_end] == key:
            p_end += 1
        while q_end < keys_b.shape[0] and keys_b[q_end] == key:
            q_end += 1
        if q_end - q <= max_occurrences and common_a[pos_a[p]] <= max_occurrences:
            for x in range(p, p_end):
                i = pos_a[x]
                for y in range(q, q_end):
                    j = pos_b[y]
                    i0, j0 = i, j
                    if i > 0 and j > 0 and not ba[i] and not bb[j] and ia[i - 1] == ib[j - 1]:
                        if starts_b[j - 1] <= max_occurrences and common_a[i - 1] <= max_occurrences:
                            continue  # the seed to the left starts this run
                        while i0 > 0 and j0 > 0 and not ba[i0] and not bb[j0] and ia[i0 - 1] == ib[j0 - 1]:
                            i0 -= 1
                            j0 -= 1
                    length = i - i0 + k
                    while (i0 + length < na and j0 + length < nb and not ba[i0 + length]
                           and not bb[j0 + length] and ia[i0 + length] == ib[j0 + length]):
                        length += 1
                    out = _push(out, n, length, i0, j0)
                    n += 1
        p, q = p_end, q_end
    return out[:n]


@njit(cache=True, nogil=True)
def greedy_tiles(matches: np.ndarray, na: int, nb: int, k: int) -> np.ndarray:
    """Greedy String Tiling: take runs longest first (then by i, then j), skip taken words, and put
    back the still-free pieces of a partly taken run that are at least ``k`` long; rows (i, j, length)."""
    width_j = nb + 1
    width_i = na + 1
    top = min(na, nb) + 1
    heap = [np.int64(0)]  # typed by its first item, removed below
    heap.pop()
    for r in range(matches.shape[0]):  # key orders as (-length, i, j)
        heap.append(((top - matches[r, 0]) * width_i + matches[r, 1]) * width_j + matches[r, 2])
    heapq.heapify(heap)
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    tiles = np.empty((16, 3), dtype=np.int64)
    n = 0
    while len(heap) > 0:
        key = heapq.heappop(heap)
        j = key % width_j
        i = (key // width_j) % width_i
        length = top - key // width_j // width_i
        free_all = True
        for t in range(length):
            if used_a[i + t] or used_b[j + t]:
                free_all = False
                break
        if free_all:
            for t in range(length):
                used_a[i + t] = True
                used_b[j + t] = True
            tiles = _push(tiles, n, i, j, length)
            n += 1
            continue
        t = 0
        while t < length:  # re-queue the free sub-runs that are still long enough
            if used_a[i + t] or used_b[j + t]:
                t += 1
                continue
            s = t
            while t < length and not used_a[i + t] and not used_b[j + t]:
                t += 1
            if t - s >= k:
                heapq.heappush(heap, ((top - (t - s)) * width_i + i + s) * width_j + j + s)
    return tiles[:n]


@njit(cache=True, nogil=True)
def _piece_stems(stems: np.ndarray, units: np.ndarray, adjacent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each piece's set of stem ids as a sorted run of a flat array (``flat[first[p]:first[p + 1]]``):
    one piece per unit, then one per adjacent pair of units (their union); ids below 0 are skipped."""
    n_units = units.shape[0]
    n = n_units + adjacent.shape[0]
    first = np.zeros(n + 1, dtype=np.int64)
    total = 0
    for u in range(n_units):
        total += units[u, 1] - units[u, 0]
    flat = np.empty(3 * total, dtype=np.int64)  # each unit once, and at most twice more in adjacent pairs
    at = 0
    for u in range(n_units):  # a unit: its stems sorted (insertion sort: units are short), deduplicated
        start = at
        for t in range(units[u, 0], units[u, 1]):
            v = stems[t]
            if v < 0:
                continue
            k = at
            while k > start and flat[k - 1] > v:
                k -= 1
            if k > start and flat[k - 1] == v:
                continue
            for m in range(at, k, -1):
                flat[m] = flat[m - 1]
            flat[k] = v
            at += 1
        first[u + 1] = at
    for p in range(n_units, n):  # an adjacent pair: the union of two sorted sets
        x = adjacent[p - n_units]
        i, i_end, j, j_end = first[x], first[x + 1], first[x + 1], first[x + 2]
        while i < i_end or j < j_end:
            if j == j_end or (i < i_end and flat[i] < flat[j]):
                flat[at] = flat[i]
                i += 1
            elif i == i_end or flat[j] < flat[i]:
                flat[at] = flat[j]
                j += 1
            else:
                flat[at] = flat[i]
                i += 1
                j += 1
            at += 1
        first[p + 1] = at
    return flat[:at], first


@njit(cache=True, nogil=True)
def sentence_matches(stems_a: np.ndarray, units_a: np.ndarray, adj_a: np.ndarray, stems_b: np.ndarray,
                     units_b: np.ndarray, adj_b: np.ndarray, similarity: float) -> tuple[np.ndarray, np.ndarray]:
    """Piece pairs whose stem sets (3+ stems each) share 4+ stems with Dice >= ``similarity``:
    rows (piece of A, piece of B) and their Dice (pieces numbered as in ``_piece_stems``)."""
    flat_a, first_a = _piece_stems(stems_a, units_a, adj_a)
    flat_b, first_b = _piece_stems(stems_b, units_b, adj_b)
    na, nb = first_a.shape[0] - 1, first_b.shape[0] - 1
    piece_b = np.empty(flat_b.shape[0], dtype=np.int64)  # which piece of B each entry belongs to
    for q in range(nb):
        piece_b[first_b[q]:first_b[q + 1]] = q
    order = np.argsort(flat_b, kind="mergesort")  # B's entries by stem: an inverted index
    stem_b, holder_b = flat_b[order], piece_b[order]
    shared = np.zeros(nb, dtype=np.int64)
    rows = np.empty((16, 2), dtype=np.int64)
    dice = np.empty(16, dtype=np.float64)
    n = 0
    for p in range(na):
        size_a = first_a[p + 1] - first_a[p]
        if size_a < 3:
            continue
        shared[:] = 0
        for x in range(first_a[p], first_a[p + 1]):  # count shared stems through the index
            lo = np.searchsorted(stem_b, flat_a[x], side="left")
            while lo < stem_b.shape[0] and stem_b[lo] == flat_a[x]:
                shared[holder_b[lo]] += 1
                lo += 1
        for q in range(nb):
            size_b = first_b[q + 1] - first_b[q]
            if size_b < 3 or shared[q] < 4:
                continue
            d = 2 * shared[q] / (size_a + size_b)
            if d >= similarity:
                if n == rows.shape[0]:
                    grown_rows = np.empty((2 * n, 2), dtype=np.int64)
                    grown_rows[:n] = rows
                    rows = grown_rows
                    grown_dice = np.empty(2 * n, dtype=np.float64)
                    grown_dice[:n] = dice
                    dice = grown_dice
                rows[n, 0], rows[n, 1], dice[n] = p, q, d
                n += 1
    return rows[:n], dice[:n]


# ----------------------------------------------------------------------------------------------
# one pair end to end: tiles -> regions -> rewritten sentences -> tidy (``align.align_reference``)
# Spans are int64 rows (a0, a1, b0, b1, kind) in content-token space, kind REWRITTEN < VERBATIM as
# the strings "rewritten" < "verbatim" sort.

REWRITTEN, VERBATIM = 0, 1


@njit(cache=True, nogil=True)
def _lex_order(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Row order sorting ``rows`` by the columns ``cols`` (most significant first), stable."""
    order = np.arange(rows.shape[0])
    for c in range(cols.shape[0] - 1, -1, -1):
        order = order[np.argsort(rows[order, cols[c]], kind="mergesort")]
    return order


@njit(cache=True, nogil=True)
def _order(spans: np.ndarray) -> np.ndarray:
    """``passages._order``: non-empty spans sorted by (a0, b0), stable."""
    keep = (spans[:, 1] > spans[:, 0]) & (spans[:, 3] > spans[:, 2])
    kept = spans[keep]
    return kept[_lex_order(kept, np.array([0, 2]))]


@njit(cache=True, nogil=True)
def _push_span(rows: np.ndarray, n: int, a0: int, a1: int, b0: int, b1: int, kind: int) -> np.ndarray:
    """Set row ``n`` of an (m, 5) int64 array of spans, doubling the array when it is full."""
    if n == rows.shape[0]:
        grown = np.empty((2 * n + 4, 5), dtype=np.int64)
        grown[:n] = rows
        rows = grown
    rows[n, 0], rows[n, 1], rows[n, 2], rows[n, 3], rows[n, 4] = a0, a1, b0, b1, kind
    return rows


@njit(cache=True, nogil=True)
def _any(mask: np.ndarray, lo: int, hi: int) -> bool:
    for t in range(max(lo, 0), min(hi, mask.shape[0])):
        if mask[t]:
            return True
    return False


@njit(cache=True, nogil=True)
def region_spans(tiles: np.ndarray, brk_a: np.ndarray, brk_b: np.ndarray, max_gap: int,
                 min_tile: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``align.chain_regions`` and the spans ``align_reference`` makes of the regions: each tile a
    verbatim span, each free gap with words on both sides a rewritten one; with the coverage masks
    and the number of A words in tiles. ``tiles``: rows (i, j, length) sorted."""
    n_tiles = tiles.shape[0]
    region = np.empty(n_tiles, dtype=np.int64)
    last = np.empty(n_tiles, dtype=np.int64)  # each region's last tile
    longest = np.zeros(n_tiles, dtype=np.int64)
    n_regions = 0
    for t in range(n_tiles):
        i, j, length = tiles[t, 0], tiles[t, 1], tiles[t, 2]
        best, best_gap = -1, 0
        for r in range(max(0, n_regions - 8), n_regions):
            end_a, end_b = tiles[last[r], 0] + tiles[last[r], 2], tiles[last[r], 1] + tiles[last[r], 2]
            gap_a, gap_b = i - end_a, j - end_b
            if not (0 <= gap_a <= max_gap and 0 <= gap_b <= max_gap):
                continue
            if _any(brk_a, end_a, i + 1) or _any(brk_b, end_b, j + 1):  # do not bridge boilerplate
                continue
            if best < 0 or gap_a + gap_b < best_gap:
                best, best_gap = r, gap_a + gap_b
        if best < 0:
            best = n_regions
            n_regions += 1
        region[t] = best
        last[best] = t
        longest[best] = max(longest[best], length)
    members = np.argsort(region[:n_tiles], kind="mergesort")  # tiles region by region, in order
    covered_a = np.zeros(brk_a.shape[0], dtype=np.bool_)
    covered_b = np.zeros(brk_b.shape[0], dtype=np.bool_)
    spans = np.empty((2 * n_tiles + 4, 5), dtype=np.int64)
    n = 0
    in_tiles = 0
    for x in range(n_tiles):
        t = members[x]
        if longest[region[t]] < min_tile:
            continue
        i, j, length = tiles[t, 0], tiles[t, 1], tiles[t, 2]
        spans = _push_span(spans, n, i, i + length, j, j + length, VERBATIM)
        n += 1
        covered_a[i:i + length] = True
        covered_b[j:j + length] = True
    for t in range(covered_a.shape[0]):
        if covered_a[t]:
            in_tiles += 1
    for x in range(1, n_tiles):  # gaps inside a region with words on both sides, not claimed yet
        prev, t = members[x - 1], members[x]
        if region[prev] != region[t] or longest[region[t]] < min_tile:
            continue
        ga0, ga1 = tiles[prev, 0] + tiles[prev, 2], tiles[t, 0]
        gb0, gb1 = tiles[prev, 1] + tiles[prev, 2], tiles[t, 1]
        if ga1 > ga0 and gb1 > gb0 and not _any(covered_a, ga0, ga1) and not _any(covered_b, gb0, gb1):
            spans = _push_span(spans, n, ga0, ga1, gb0, gb1, REWRITTEN)
            n += 1
            covered_a[ga0:ga1] = True
            covered_b[gb0:gb1] = True
    return spans[:n], covered_a, covered_b, in_tiles


@njit(cache=True, nogil=True)
def unit_bounds(sentence: np.ndarray, brk: np.ndarray, covered: np.ndarray, min_len: int) -> np.ndarray:
    """``align._sentence_units`` of at least ``min_len`` tokens: runs of uncovered tokens within one
    sentence and no break, rows (start, end)."""
    n = covered.shape[0]
    units = np.empty((n // max(min_len, 1) + 1, 2), dtype=np.int64)
    m = 0
    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        s = i
        i += 1
        while i < n and not covered[i] and sentence[i] == sentence[s] and not brk[i]:
            i += 1
        if i - s >= min_len:
            units[m, 0], units[m, 1] = s, i
            m += 1
    return units[:m]


@njit(cache=True, nogil=True)
def _adjacent_units(brk: np.ndarray, units: np.ndarray) -> np.ndarray:
    """``align._adjacent`` over unit rows: x where unit x+1 starts where unit x ends, with no break there."""
    out = np.empty(max(units.shape[0] - 1, 0), dtype=np.int64)
    m = 0
    for x in range(units.shape[0] - 1):
        if units[x, 1] == units[x + 1, 0] and not brk[min(units[x + 1, 0], brk.shape[0] - 1)]:
            out[m] = x
            m += 1
    return out[:m]


@njit(cache=True, nogil=True)
def rewritten_sentences(stems_a: np.ndarray, sent_a: np.ndarray, brk_a: np.ndarray, covered_a: np.ndarray,
                        stems_b: np.ndarray, sent_b: np.ndarray, brk_b: np.ndarray, covered_b: np.ndarray,
                        similarity: float) -> np.ndarray:
    """``align.align_rewritten_sentences_reference`` over stem ids (below 0: not matched) in one
    compiled call: rows (a0, a1, b0, b1)."""
    units_a = unit_bounds(sent_a, brk_a, covered_a, 4)
    units_b = unit_bounds(sent_b, brk_b, covered_b, 4)
    if units_a.shape[0] == 0 or units_b.shape[0] == 0:
        return np.empty((0, 4), dtype=np.int64)
    adj_a = _adjacent_units(brk_a, units_a)
    adj_b = _adjacent_units(brk_b, units_b)
    rows, dice = sentence_matches(stems_a, units_a, adj_a, stems_b, units_b, adj_b, similarity)
    m = rows.shape[0]
    keys = np.empty((m, 5), dtype=np.int64)  # first unit and unit count of each side's piece
    na, nb = units_a.shape[0], units_b.shape[0]
    for r in range(m):
        p, q = rows[r, 0], rows[r, 1]
        keys[r, 0], keys[r, 1] = (p, 1) if p < na else (adj_a[p - na], 2)
        keys[r, 2], keys[r, 3] = (q, 1) if q < nb else (adj_b[q - nb], 2)
    order = _lex_order(keys, np.array([0, 1, 2, 3]))
    order = order[np.argsort(-dice[order], kind="mergesort")]  # best Dice first, then A piece, B piece
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    out = np.empty((m, 4), dtype=np.int64)
    n = 0
    for r in order:
        a0, a_len, b0, b_len = keys[r, 0], keys[r, 1], keys[r, 2], keys[r, 3]
        if used_a[a0] or used_a[a0 + a_len - 1] or used_b[b0] or used_b[b0 + b_len - 1]:
            continue
        used_a[a0:a0 + a_len] = True
        used_b[b0:b0 + b_len] = True
        out[n, 0], out[n, 1] = units_a[a0, 0], units_a[a0 + a_len - 1, 1]
        out[n, 2], out[n, 3] = units_b[b0, 0], units_b[b0 + b_len - 1, 1]
        n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def _sentence_bounds(sent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``passages._sentences``: per token its sentence's index, and each sentence's [start, end)."""
    n = sent.shape[0]
    index = np.zeros(n, dtype=np.int64)
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    s = 0
    for t in range(1, n):
        if sent[t] != sent[t - 1]:
            hi[s] = t
            s += 1
            lo[s] = t
        index[t] = s
    hi[s] = n
    count = s + 1 if n else 0
    return index, lo[:count], hi[:count]


@njit(cache=True, nogil=True)
def _cover_before(spans: np.ndarray, f: int, lo_a: int, lo_b: int, added: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """``passages._cover_before`` on row ``f``."""
    ga, gb = spans[f, 0] - lo_a, spans[f, 2] - lo_b
    if ga and gb:
        added = _push_span(added, n, lo_a, spans[f, 0], lo_b, spans[f, 2], REWRITTEN)
        n += 1
    elif ga or gb:
        if spans[f, 4] == REWRITTEN or spans[f, 1] - spans[f, 0] < 2:
            spans[f, 0], spans[f, 2], spans[f, 4] = lo_a, lo_b, REWRITTEN
        else:
            added = _push_span(added, n, lo_a, spans[f, 0] + 1, lo_b, spans[f, 2] + 1, REWRITTEN)
            n += 1
            spans[f, 0], spans[f, 2] = spans[f, 0] + 1, spans[f, 2] + 1
    return added, n


@njit(cache=True, nogil=True)
def _cover_after(spans: np.ndarray, f: int, hi_a: int, hi_b: int, added: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """``passages._cover_after`` on row ``f``."""
    ga, gb = hi_a - spans[f, 1], hi_b - spans[f, 3]
    if ga and gb:
        added = _push_span(added, n, spans[f, 1], hi_a, spans[f, 3], hi_b, REWRITTEN)
        n += 1
    elif ga or gb:
        if spans[f, 4] == REWRITTEN or spans[f, 1] - spans[f, 0] < 2:
            spans[f, 1], spans[f, 3], spans[f, 4] = hi_a, hi_b, REWRITTEN
        else:
            added = _push_span(added, n, spans[f, 1] - 1, hi_a, spans[f, 3] - 1, hi_b, REWRITTEN)
            n += 1
            spans[f, 1], spans[f, 3] = spans[f, 1] - 1, spans[f, 3] - 1
    return added, n


@njit(cache=True, nogil=True)
def _sentences_pairs(spans: np.ndarray, sent_a: np.ndarray, sent_b: np.ndarray, brk_a: np.ndarray,
                     brk_b: np.ndarray, fill_share: float, swapped_share: float) -> np.ndarray:
    """``passages._sentences_pairs`` (spans sorted by ``_order``; rows are changed in place)."""
    sa, sa_lo, sa_hi = _sentence_bounds(sent_a)
    sb, sb_lo, sb_hi = _sentence_bounds(sent_b)
    m = spans.shape[0]
    n_sb = sb_lo.shape[0]
    spread_a = np.zeros(sa_lo.shape[0], dtype=np.bool_)
    spread_b = np.zeros(n_sb, dtype=np.bool_)
    group = np.full(m, -1, dtype=np.int64)  # key x * n_sb + y of a span inside one sentence on both sides
    for k in range(m):
        x, x1, y, y1 = sa[spans[k, 0]], sa[spans[k, 1] - 1], sb[spans[k, 2]], sb[spans[k, 3] - 1]
        if x != x1 or y != y1:
            spread_a[x:x1 + 1] = True
            spread_b[y:y1 + 1] = True
        else:
            group[k] = x * n_sb + y
    by_key = np.argsort(group, kind="mergesort")  # members of a group together, in span order
    partners_a = np.zeros(sa_lo.shape[0], dtype=np.int64)
    partners_b = np.zeros(n_sb, dtype=np.int64)
    g_first = np.empty(m, dtype=np.int64)  # per group: its first span and where its members start in by_key
    g_at = np.empty(m + 1, dtype=np.int64)
    n_groups = 0
    for x in range(m):
        k = by_key[x]
        if group[k] < 0:
            continue
        if x == 0 or group[by_key[x - 1]] != group[k]:
            g_first[n_groups], g_at[n_groups] = k, x
            n_groups += 1
            partners_a[group[k] // n_sb] += 1
            partners_b[group[k] % n_sb] += 1
    g_at[n_groups] = m
    dropped = np.zeros(m, dtype=np.bool_)
    added = np.empty((8, 5), dtype=np.int64)
    n_added = 0
    for g in np.argsort(g_first[:n_groups], kind="mergesort"):  # groups in order of their first span
        key = group[g_first[g]]
        x, y = key // n_sb, key % n_sb
        if spread_a[x] or spread_b[y] or partners_a[x] > 1 or partners_b[y] > 1:
            continue
        lo_a, hi_a, lo_b, hi_b = sa_lo[x], sa_hi[x], sb_lo[y], sb_hi[y]
        if _any(brk_a, lo_a + 1, hi_a) or _any(brk_b, lo_b + 1, hi_b):  # boilerplate inside
            continue
        got = by_key[g_at[g]:g_at[g + 1]]
        sum_a, sum_b = 0, 0
        crossing = False
        for z in range(got.shape[0]):
            sum_a += spans[got[z], 1] - spans[got[z], 0]
            sum_b += spans[got[z], 3] - spans[got[z], 2]
            if z and spans[got[z], 2] < spans[got[z - 1], 3]:
                crossing = True
        share = min(sum_a / (hi_a - lo_a), sum_b / (hi_b - lo_b))
        if crossing:  # clauses swapped
            if share >= swapped_share:
                dropped[got] = True
                added = _push_span(added, n_added, lo_a, hi_a, lo_b, hi_b, REWRITTEN)
                n_added += 1
            continue
        if share < fill_share:
            continue
        for z in range(1, got.shape[0]):
            u, v = got[z - 1], got[z]
            if spans[v, 0] > spans[u, 1] and spans[v, 2] > spans[u, 3]:
                added = _push_span(added, n_added, spans[u, 1], spans[v, 0], spans[u, 3], spans[v, 2], REWRITTEN)
                n_added += 1
        added, n_added = _cover_before(spans, got[0], lo_a, lo_b, added, n_added)
        added, n_added = _cover_after(spans, got[-1], hi_a, hi_b, added, n_added)
    return _order(np.concatenate((spans[~dropped], added[:n_added])))


@njit(cache=True, nogil=True)
def _bridge(spans: np.ndarray, brk_a: np.ndarray, brk_b: np.ndarray, bridge_gap: int) -> np.ndarray:
    """``passages._bridge`` (rows are changed in place)."""
    m = spans.shape[0]
    b_order = _lex_order(spans, np.array([2, 0]))
    next_in_b = np.full(m, -1, dtype=np.int64)
    for x in range(m - 1):
        next_in_b[b_order[x]] = b_order[x + 1]
    added = np.empty((8, 5), dtype=np.int64)
    n = 0
    for k in range(m - 1):
        if next_in_b[k] != k + 1:
            continue
        x, y = k, k + 1
        ga, gb = spans[y, 0] - spans[x, 1], spans[y, 2] - spans[x, 3]
        if ga < 0 or gb < 0 or (ga == 0 and gb == 0) or max(ga, gb) > bridge_gap:
            continue
        if _any(brk_a, spans[x, 1], spans[y, 0] + 1) or _any(brk_b, spans[x, 3], spans[y, 2] + 1):
            continue
        if ga and gb:
            added = _push_span(added, n, spans[x, 1], spans[y, 0], spans[x, 3], spans[y, 2], REWRITTEN)
            n += 1
        elif spans[x, 4] == REWRITTEN:
            spans[x, 1], spans[x, 3] = spans[y, 0], spans[y, 2]
        elif spans[y, 4] == REWRITTEN:
            spans[y, 0], spans[y, 2] = spans[x, 1], spans[x, 3]
        elif spans[x, 1] - spans[x, 0] >= spans[y, 1] - spans[y, 0]:  # the last word of x goes with the gap
            spans[x, 1], spans[x, 3] = spans[x, 1] - 1, spans[x, 3] - 1
            added = _push_span(added, n, spans[x, 1], spans[y, 0], spans[x, 3], spans[y, 2], REWRITTEN)
            n += 1
        else:  # ... or the first word of y
            added = _push_span(added, n, spans[x, 1], spans[y, 0] + 1, spans[x, 3], spans[y, 2] + 1, REWRITTEN)
            n += 1
            spans[y, 0], spans[y, 2] = spans[y, 0] + 1, spans[y, 2] + 1
    return _order(np.concatenate((spans, added[:n])))


@njit(cache=True, nogil=True)
def _touch(spans: np.ndarray, x: int, y: int, brk_a: np.ndarray, brk_b: np.ndarray) -> bool:
    """``passages._touch`` of rows x and y."""
    return (spans[x, 1] == spans[y, 0] and spans[x, 3] == spans[y, 2] and not brk_a[spans[y, 0]]
            and not brk_b[spans[y, 2]])


@njit(cache=True, nogil=True)
def _join_rewritten(spans: np.ndarray, brk_a: np.ndarray, brk_b: np.ndarray) -> np.ndarray:
    """``passages._join_rewritten``."""
    out = np.empty_like(spans)
    n = 0
    for k in range(spans.shape[0]):
        if (n and spans[k, 4] == REWRITTEN and out[n - 1, 4] == REWRITTEN and out[n - 1, 1] == spans[k, 0]
                and out[n - 1, 3] == spans[k, 2] and not brk_a[spans[k, 0]] and not brk_b[spans[k, 2]]):
            out[n - 1, 1], out[n - 1, 3] = spans[k, 1], spans[k, 3]
        else:
            out[n] = spans[k]
            n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def _drop_strays(spans: np.ndarray, stop_a: np.ndarray, brk_a: np.ndarray, brk_b: np.ndarray, bridge_gap: int,
                 long_run: int) -> np.ndarray:
    """``passages._drop_strays``; ``stop_a``: whether each content word of A is a stopword."""
    m = spans.shape[0]
    first = np.empty(m + 1, dtype=np.int64)  # regions: rows first[r]:first[r + 1]
    n_regions = 0
    for k in range(m):
        if not (k and _touch(spans, k - 1, k, brk_a, brk_b)):
            first[n_regions] = k
            n_regions += 1
    first[n_regions] = m
    bounds = np.empty((n_regions, 4), dtype=np.int64)
    for r in range(n_regions):
        lo, hi = first[r], first[r + 1]
        bounds[r, 0], bounds[r, 1] = spans[lo, 0], spans[hi - 1, 1]
        bounds[r, 2], bounds[r, 3] = spans[lo:hi, 2].min(), spans[lo:hi, 3].max()
    keep = np.ones(m, dtype=np.bool_)
    for r in range(n_regions):
        a0, a1, b0, b1 = bounds[r, 0], bounds[r, 1], bounds[r, 2], bounds[r, 3]
        if a1 - a0 >= long_run or b1 - b0 >= long_run:
            continue
        if (spans[first[r]:first[r + 1], 4] != VERBATIM).any() or not stop_a[a0:a1].all():
            continue
        near = False
        for o in range(n_regions):
            if (o != r and bounds[o, 0] - bridge_gap <= a1 and a0 <= bounds[o, 1] + bridge_gap
                    and bounds[o, 2] - bridge_gap <= b1 and b0 <= bounds[o, 3] + bridge_gap):
                near = True
                break
        if not near:
            keep[first[r]:first[r + 1]] = False
    return spans[keep]


@njit(cache=True, nogil=True)
def tidy_spans(spans: np.ndarray, sent_a: np.ndarray, sent_b: np.ndarray, brk_a: np.ndarray, brk_b: np.ndarray,
               stop_a: np.ndarray, fill_share: float, swapped_share: float, bridge_gap: int,
               long_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``passages.tidy`` over span rows: the final spans and the covered and verbatim masks of A and B."""
    spans = _order(spans)
    spans = _sentences_pairs(spans, sent_a, sent_b, brk_a, brk_b, fill_share, swapped_share)
    spans = _bridge(spans, brk_a, brk_b, bridge_gap)
    spans = _join_rewritten(spans, brk_a, brk_b)
    spans = _drop_strays(spans, stop_a, brk_a, brk_b, bridge_gap, long_run)
    covered_a, covered_b = np.zeros(brk_a.shape[0], dtype=np.bool_), np.zeros(brk_b.shape[0], dtype=np.bool_)
    verbatim_a, verbatim_b = np.zeros(brk_a.shape[0], dtype=np.bool_), np.zeros(brk_b.shape[0], dtype=np.bool_)
    for k in range(spans.shape[0]):
        a0, a1, b0, b1 = spans[k, 0], spans[k, 1], spans[k, 2], spans[k, 3]
        covered_a[a0:a1] = True
        covered_b[b0:b1] = True
        if spans[k, 4] == VERBATIM:
            verbatim_a[a0:a1] = True
            verbatim_b[b0:b1] = True
    return spans, covered_a, covered_b, verbatim_a, verbatim_b


@njit(cache=True, nogil=True)
def align_pair(keys_a: np.ndarray, pos_a: np.ndarray, common_a: np.ndarray, ia: np.ndarray, brk_a: np.ndarray,
               sent_a: np.ndarray, stems_a: np.ndarray, keys_b: np.ndarray, pos_b: np.ndarray,
               starts_b: np.ndarray, ib: np.ndarray, brk_b: np.ndarray, sent_b: np.ndarray, stems_b: np.ndarray,
               stopword: np.ndarray, k: int, max_occurrences: int, max_gap: int, min_tile: int,
               min_verbatim: int, similarity: float, fill_share: float, swapped_share: float, bridge_gap: int,
               long_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``align.align_reference`` of two documents in one compiled call, from their seeds (as
    ``seed_matches`` takes them), word and stem ids, sentence numbers and breaks; ``stopword`` per
    word id. Returns ``tidy_spans``: span rows (a0, a1, b0, b1, kind) and the four masks."""
    na, nb = ia.shape[0], ib.shape[0]
    if na < k or nb < k:
        tiles = np.empty((0, 3), dtype=np.int64)
    else:
        # a run found from several seeds comes out more than once: the copies pop together from
        # greedy_tiles' heap and all but the first find their words taken, so they need not be removed
        matches = seed_matches(keys_a, pos_a, common_a, keys_b, pos_b, starts_b, ia, ib, brk_a, brk_b, k,
                               max_occurrences)
        tiles = greedy_tiles(matches, na, nb, k)
        tiles = tiles[_lex_order(tiles, np.array([0, 1, 2]))]
    spans, covered_a, covered_b, in_tiles = region_spans(tiles, brk_a, brk_b, max_gap, min_tile)
    if in_tiles >= min_verbatim:
        pairs = rewritten_sentences(stems_a, sent_a, brk_a, covered_a, stems_b, sent_b, brk_b, covered_b,
                                    similarity)
        more = np.empty((pairs.shape[0], 5), dtype=np.int64)
        more[:, :4] = pairs
        more[:, 4] = REWRITTEN
        spans = np.concatenate((spans, more))
    spans = spans[_lex_order(spans, np.array([0, 1, 2, 3, 4]))]
    stop_a = np.empty(na, dtype=np.bool_)
    for t in range(na):
        stop_a[t] = stopword[ia[t]]
    return tidy_spans(spans, sent_a, sent_b, brk_a, brk_b, stop_a, fill_share, swapped_share, bridge_gap, long_run)


@njit(cache=True, nogil=True)
def seed_index(keys: np.ndarray, brk: np.ndarray, k: int, order: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A text's seed index (``align._Seeds``) in one pass over a stable sort of the keys (one per
    position 0..len(words)-k, equal seeds equal keys): the keys of the seeds that may start (no break
    inside tokens j+1..j+k-1, as ``align._seed_starts``) sorted, with their positions; per position how
    often its seed occurs anywhere, and how often among the starts. ``order``: an argsort of the keys,
    not necessarily stable (NumPy's is three times faster than a compiled merge sort); each run of
    equal keys is put back in position order here."""
    n = keys.shape[0]  # one key per position 0..len(words)-k
    order = order.copy()
    nb = brk.shape[0]
    may = np.empty(n, dtype=np.bool_)  # no break among brk[j+1 : j+k]
    inside = 0
    for t in range(1, min(k, nb)):
        inside += 1 if brk[t] else 0
    n_starts = 0
    for j in range(n):
        may[j] = inside == 0
        n_starts += 1 if inside == 0 else 0
        if j + k < nb and brk[j + k]:
            inside += 1
        if j + 1 < nb and brk[j + 1]:
            inside -= 1
    common = np.empty(n, dtype=np.int64)
    startable = np.empty(n, dtype=np.int64)
    sorted_keys = np.empty(n_starts, dtype=np.int64)
    starts = np.empty(n_starts, dtype=np.int64)
    m = 0
    x = 0
    while x < n:  # one run of equal keys at a time, put in position order (runs are short)
        key = keys[order[x]]
        end = x + 1
        while end < n and keys[order[end]] == key:
            y = end
            while y > x and order[y - 1] > order[y]:
                order[y - 1], order[y] = order[y], order[y - 1]
                y -= 1
            end += 1
        count = 0
        for y in range(x, end):
            if may[order[y]]:
                sorted_keys[m], starts[m] = key, order[y]
                m += 1
                count += 1
        for y in range(x, end):
            common[order[y]] = end - x
            startable[order[y]] = count
        x = end
    return sorted_keys, starts, common, startable


@njit(cache=True, nogil=True)
def uncovered_runs(covered: np.ndarray, brk: np.ndarray, starts: np.ndarray, ends: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``align.uncovered_spans_reference``: first and last-plus-one character (from the tokens'
    ``starts`` and ``ends``) of each run of uncovered tokens, a run also ending before a break."""
    n = covered.shape[0]
    lo = np.empty(n, dtype=np.int64)
    hi = np.empty(n, dtype=np.int64)
    m = 0
    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        s = i
        i += 1
        while i < n and not covered[i] and not brk[i]:
            i += 1
        lo[m], hi[m] = starts[s], ends[i - 1]
        m += 1
    return lo[:m], hi[:m]


@njit(cache=True, nogil=True)
def span_rows(spans: np.ndarray, starts_a: np.ndarray, ends_a: np.ndarray, starts_b: np.ndarray,
              ends_b: np.ndarray) -> np.ndarray:
    """``align_pair``'s spans (a0, a1, b0, b1, kind in content tokens) as rows of
    ``align.SPAN_COLUMNS``: the characters each covers in A and B, its kind, then its tokens."""
    rows = np.empty((spans.shape[0], 9), dtype=np.int64)
    for r in range(spans.shape[0]):
        a0, a1, b0, b1 = spans[r, 0], spans[r, 1], spans[r, 2], spans[r, 3]
        rows[r, 0], rows[r, 1], rows[r, 2], rows[r, 3] = starts_a[a0], ends_a[a1 - 1], starts_b[b0], ends_b[b1 - 1]
        rows[r, 4], rows[r, 5], rows[r, 6], rows[r, 7], rows[r, 8] = spans[r, 4], a0, a1, b0, b1
    return rows


@njit(cache=True, nogil=True)
def pair_counts(covered_a: np.ndarray, covered_b: np.ndarray, verbatim_a: np.ndarray, verbatim_b: np.ndarray,
                rows: np.ndarray, before_a: np.ndarray, long_run: int, long_run_content: int) -> np.ndarray:
    """What ``relate`` counts of an alignment, in one pass: covered and verbatim tokens of A and B,
    verbatim passages, and ``long_run_words`` (words of A in verbatim passages of at least
    ``long_run`` words holding ``long_run_content`` content words; ``before_a[i]``: content words
    among A's first i tokens). ``rows``: the passages as ``align.SPAN_COLUMNS``."""
    out = np.zeros(6, dtype=np.int64)
    for t in range(covered_a.shape[0]):
        out[0] += covered_a[t]
        out[2] += verbatim_a[t]
    for t in range(covered_b.shape[0]):
        out[1] += covered_b[t]
        out[3] += verbatim_b[t]
    for r in range(rows.shape[0]):
        out[4] += rows[r, 4] == VERBATIM
    out[5] = long_run_words(rows, before_a, long_run, long_run_content)
    return out


@njit(cache=True, nogil=True)
def long_run_words(rows: np.ndarray, before_a: np.ndarray, long_run: int, long_run_content: int) -> int:
    """``relate._long_run_words_reference`` over passage rows (``align.SPAN_COLUMNS``): words of A in
    verbatim passages of at least ``long_run`` words holding at least ``long_run_content`` content
    words, ``before_a[i]`` counting the content words among A's first i tokens."""
    last = before_a.shape[0] - 1
    total = 0
    for r in range(rows.shape[0]):
        lo, hi = rows[r, 5], rows[r, 6]
        if (rows[r, 4] == VERBATIM and hi - lo >= long_run
                and before_a[min(max(hi, lo), last)] - before_a[min(lo, last)] >= long_run_content):
            total += hi - lo
    return total


def load() -> None:
    """Compile (or load from the cache) every kernel Python calls now, with tiny inputs (the others
    compile with ``align_pair``): called before forking worker processes, which then inherit the
    machine code instead of each loading it."""
    words = np.arange(4, dtype=np.int64)
    keys = np.arange(2, dtype=np.int64)
    brk = np.zeros(4, dtype=np.bool_)
    keys, starts, common, startable = seed_index(keys, brk, 3, np.argsort(keys))
    sentence = np.zeros(4, dtype=np.int32)
    spans, covered, _, _, _ = align_pair(keys, starts, common, words, brk, sentence, words, keys, starts, startable,
                                         words, brk, sentence, words, brk, 3, 20, 12, 3, 8, 0.5, 0.67, 0.34, 20, 5)
    uncovered_runs(covered, brk, words, words)
    rows = span_rows(spans, words, words, words, words)
    pair_counts(covered, covered, covered, covered, rows, words, 5, 2)
