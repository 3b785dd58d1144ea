"""From an alignment to a verdict: scores, relation, degree, and who copied whom.

Direction is a sum of signed log-odds evidence (positive: B is the source), turned into a confidence
with the logistic function; each piece of evidence adds a sentence to ``direction_reasons``.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel

from .agencies import agency_of_outlet, credited_agencies, marked_agencies
from .align import Alignment, counted_flags, doc_ids, pair_ids, stopword_flags, uncovered_spans
from .fingerprint import Fingerprints, content_hashes, count_shared, overlap_scores, token_hash
from .model import Degree, Document, PairResult
from .normalize import STOPWORDS, stem
from .settings import DEFAULT, Settings

# Log-odds weights of direction evidence; documented in docs/evaluation.md.
W_DATE = 2.5          # published a day or more earlier
W_TIME = 1.0          # same day, earlier timestamp
W_WIRE_OUTLET = 2.0   # the outlet is a wire agency and the other is not
W_CREDIT = 1.5        # the other article credits an agency this one does not name
W_ASYMMETRY = 1.5     # scaled by the coverage difference: trimmed copies are mostly reused


@dataclass(frozen=True)
class Direction:
    """Which side is the source (+1: B, -1: A, 0: unknown), how sure, and why."""

    sign: int
    confidence: float
    reasons: list[str]


def _name(doc: Document, side: str) -> str:
    outlet = doc.article.outlet
    return f"{side} ({outlet})" if outlet else side


def _date_key(date: str | None) -> tuple[str, str] | None:
    if not date:
        return None
    return date[:10], date


def _memo(doc: Document, key: str, compute: Callable[[Document], Any]) -> Any:
    """Per-document memo for pair-independent facts (credits, names, stem counts): a document takes
    part in many pairs, and recomputing its regexes for each pair dominated relate's cost."""
    cache = doc.__dict__.setdefault("_relate_memo", {})
    if key not in cache:
        cache[key] = compute(doc)
    return cache[key]


def _credits(doc: Document) -> frozenset[str]:
    return _memo(doc, "credits", lambda d: frozenset(credited_agencies(d.article.text, d.boilerplate)))


def _wire(doc: Document) -> str | None:
    return _memo(doc, "wire", lambda d: agency_of_outlet(d.article.outlet))  # type: ignore[no-any-return]


def _marks(doc: Document) -> frozenset[str]:
    return _memo(doc, "marks", lambda d: frozenset(marked_agencies(d.article.text, d.boilerplate)))


def direction(a_doc: Document, b_doc: Document, coverage_a: float, coverage_b: float) -> Direction:
    """Weigh dates, wire-agency outlets, in-text credits and coverage asymmetry into a direction."""
    score = 0.0
    reasons: list[str] = []
    a_name, b_name = _name(a_doc, "A"), _name(b_doc, "B")

    da, db = _date_key(a_doc.article.date), _date_key(b_doc.article.date)
    if da and db and da[0] != db[0]:
        earlier = b_name if db[0] < da[0] else a_name
        score += W_DATE if db[0] < da[0] else -W_DATE
        reasons.append(f"{earlier} was published earlier ({min(da[0], db[0])})")
    elif da and db and len(da[1]) > 10 and len(db[1]) > 10 and da[1] != db[1]:
        score += W_TIME if db[1] < da[1] else -W_TIME
        reasons.append(f"{b_name if db[1] < da[1] else a_name} was published earlier the same day")

    def vote(towards_b: bool, towards_a: bool, weight: float, reason_b: str, reason_a: str) -> None:
        """Add symmetric evidence: +weight when it points at B as the source, -weight at A."""
        nonlocal score
        if towards_b and not towards_a:
            score += weight
            reasons.append(reason_b)
        elif towards_a and not towards_b:
            score -= weight
            reasons.append(reason_a)

    wire_a, wire_b = _wire(a_doc), _wire(b_doc)
    vote(bool(wire_b), bool(wire_a), W_WIRE_OUTLET, f"B is wire copy from {wire_b}", f"A is wire copy from {wire_a}")

    credits_a = _credits(a_doc) - {wire_a}
    credits_b = _credits(b_doc) - {wire_b}
    own_a = _marks(a_doc) | ({wire_a} - {None})
    own_b = _marks(b_doc) | ({wire_b} - {None})
    # A credits an agency whose copy B is (by outlet, dateline or copyright), and A is not: B is the source
    a_to_b = (credits_a & own_b) - own_a
    b_to_a = (credits_b & own_a) - own_b
    only_a, only_b = credits_a - credits_b - own_a, credits_b - credits_a - own_b
    if a_to_b or b_to_a:
        vote(bool(a_to_b), bool(b_to_a), W_CREDIT, f"A credits {', '.join(sorted(a_to_b))}, and B is its copy",
             f"B credits {', '.join(sorted(b_to_a))}, and A is its copy")
    else:
        vote(bool(only_a), bool(only_b), W_CREDIT, f"A credits {', '.join(sorted(only_a))}; B does not",
             f"B credits {', '.join(sorted(only_b))}; A does not")

    diff = coverage_a - coverage_b
    if abs(diff) >= 0.15:
        score += W_ASYMMETRY * diff
        more = a_name if diff > 0 else b_name
        reasons.append(f"more of {more} is reused ({max(coverage_a, coverage_b):.0%} vs "
                       f"{min(coverage_a, coverage_b):.0%}), as in a trimmed copy")

    confidence = 1.0 / (1.0 + math.exp(-abs(score)))
    sign = 0 if score == 0 else (1 if score > 0 else -1)
    return Direction(sign, confidence, reasons)


def stem_cosine(a_doc: Document, b_doc: Document) -> float:
    """Cosine of the two articles' content-stem counts: topical similarity without shared phrasing."""
    ids = pair_ids(a_doc, b_doc)
    if ids is None:
        return stem_cosine_reference(a_doc, b_doc)
    a, b = ids
    if not len(a.counted) or not len(b.counted):
        return 0.0
    from . import _prep_kernels  # numba, imported on first use: a merge of the two sorted stem lists

    dot = _prep_kernels.shared_dot(a.counted, a.counts, b.counted, b.counts)
    if dot < 0:  # stems not sorted and distinct (never, from np.unique): NumPy's intersection
        _, ia, ib = np.intersect1d(a.counted, b.counted, assume_unique=True, return_indices=True)
        dot = int((a.counts[ia] * b.counts[ib]).sum())
    return dot / math.sqrt(a.norm * b.norm)


def stem_cosine_reference(a_doc: Document, b_doc: Document) -> float:
    """Reference ``stem_cosine`` over Counters of stem strings; both must agree."""
    ca, na = _memo(a_doc, "stems", _stem_counts)
    cb, nb = _memo(b_doc, "stems", _stem_counts)
    if not ca or not cb:
        return 0.0
    if len(cb) < len(ca):
        ca, cb = cb, ca
    dot = sum(v * cb[k] for k, v in ca.items() if k in cb)
    return dot / math.sqrt(na * nb)


def _stem_counts(doc: Document) -> tuple[Counter[str], int]:
    """Content-stem counts of a document and their sum of squares."""
    counts = Counter(stem(w) for w in doc.content_words if w not in STOPWORDS and len(w) > 2)
    return counts, sum(v * v for v in counts.values())


_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december""".split())


def _capitalised(text: str, starts: np.ndarray) -> np.ndarray:
    """Whether the character of ``text`` at each of ``starts`` is a capital letter."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)[starts]
    upper = (codes >= 65) & (codes <= 90)
    other = codes >= 128
    if other.any():  # non-ASCII first letters: ask Python, once per distinct letter
        distinct = np.unique(codes[other])
        capital = distinct[[chr(x).isupper() for x in distinct.tolist()]]
        upper |= np.isin(codes, capital)
    return upper


def names(doc: Document) -> set[str]:
    """Capitalised content words that do not open a sentence: a cheap stand-in for named entities.

    ``names_reference`` with the position tests in NumPy: only capitalised tokens reach Python."""
    t = doc.tokens
    c = doc.content[doc.content > 0]
    c = c[t.sentence[c] == t.sentence[c - 1]]
    if not len(c):
        return set()
    upper = _capitalised(doc.article.text, t.starts[c])
    capitalised = set(map(t.words.__getitem__, c[upper].tolist()))  # distinct first: news repeats its names
    return {w for w in capitalised if len(w) > 2 and w not in STOPWORDS and w not in _CALENDAR}


def names_reference(doc: Document) -> set[str]:
    """Reference ``names``: a loop over content tokens."""
    t = doc.tokens
    text = doc.article.text
    out = set()
    for i in doc.content:
        w = t.words[i]
        if (i > 0 and t.sentence[i] == t.sentence[i - 1] and text[t.starts[i]].isupper()
                and w not in STOPWORDS and w not in _CALENDAR and len(w) > 2):
            out.add(w)
    return out


_CALENDAR_KEYS = np.sort(np.asarray([token_hash(w) for w in _CALENDAR], dtype=np.uint64))


def name_keys(doc: Document) -> np.ndarray:
    """The token hashes of ``names(doc)``, sorted: the same names, found from the document's
    memoised hashes and vocabulary flags instead of word strings, for a compiled intersection
    (``_prep_kernels.name_hashes``; NumPy steps when a candidate starts with a non-ASCII letter)."""
    t, c = doc.tokens, doc.content
    if not len(c):
        return np.zeros(0, dtype=np.uint64)
    from . import _prep_kernels  # numba, imported on first use

    words, hashes = doc_ids(doc).words, content_hashes(doc)
    codes = np.frombuffer(doc.article.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keys, done = _prep_kernels.name_hashes(c, t.sentence, t.starts, codes, words, counted_flags(), hashes,
                                           _CALENDAR_KEYS)
    if done:
        return keys  # type: ignore[no-any-return]
    keep = (c > 0) & (t.sentence[c] == t.sentence[np.maximum(c - 1, 0)]) & counted_flags()[words]
    at = np.flatnonzero(keep)
    if not len(at):
        return np.zeros(0, dtype=np.uint64)
    keys = np.unique(hashes[at[_capitalised(doc.article.text, t.starts[c[at]])]])
    return keys[~np.isin(keys, _CALENDAR_KEYS, assume_unique=True)]


def name_overlap(a_doc: Document, b_doc: Document) -> tuple[int, float]:
    """How many names two articles share, and the Jaccard of their name sets."""
    na, nb = _memo(a_doc, "name_keys", name_keys), _memo(b_doc, "name_keys", name_keys)
    la, lb = len(na), len(nb)
    shared = count_shared(na, nb) if la and lb else 0
    return shared, (shared / (la + lb - shared) if la or lb else 0.0)  # |A ∪ B| = |A| + |B| - |A ∩ B|


def edit_similarity(a_doc: Document, b_doc: Document) -> float:
    """Indel similarity of the two content-word sequences (1 - edits / total words): near 1 for a
    copy with typos or OCR noise, lower once paragraphs move or words are substituted.

    The longest common subsequence of the documents' word ids, compiled (``_prep_kernels.lcs_length``);
    ``edit_similarity_reference`` asks RapidFuzz for the same number."""
    if not len(a_doc.content) and not len(b_doc.content):
        return 0.0
    ids = pair_ids(a_doc, b_doc)
    if ids is None:
        return edit_similarity_reference(a_doc, b_doc)
    from . import _prep_kernels  # numba, imported on first use

    a, b = ids[0].words, ids[1].words
    total = len(a) + len(b)
    common = _prep_kernels.lcs_length(a, b, _lcs_scratch(max(int(a.max(initial=0)), int(b.max(initial=0))) + 1))
    return 1.0 - (total - 2 * common) / total


def edit_similarity_reference(a_doc: Document, b_doc: Document) -> float:
    """Reference ``edit_similarity``: RapidFuzz's Indel over the word strings."""
    if not len(a_doc.content) and not len(b_doc.content):
        return 0.0
    return float(Indel.normalized_similarity(a_doc.content_words, b_doc.content_words))


_scratch = threading.local()


def _lcs_scratch(size: int) -> np.ndarray:
    """This thread's scratch for ``lcs_length``: -1 at least ``size`` long (the kernel restores it)."""
    rows = getattr(_scratch, "rows", None)
    if rows is None or len(rows) < size:
        rows = _scratch.rows = np.full(max(size, 1 << 16, 2 * len(rows) if rows is not None else 0), -1,
                                       dtype=np.int32)
    return rows  # type: ignore[no-any-return]


def grade(share: float, settings: Settings = DEFAULT) -> Degree:
    """METER-style degree of an article from the share of it that is reused."""
    if share >= settings.wholly_share:
        return "wholly"
    if share >= settings.partial_share:
        return "partially"
    return "none"


def _share(count: int, total: int) -> float:
    """``count`` of ``total`` as a Python float (0 of none): a NumPy float64 would round differently
    in the JSON (round(np.float64(0.48125), 4) is 0.4812)."""
    return count / total if total else 0.0


def _words_before(doc: Document) -> np.ndarray:
    """``_content_words_before(doc)``, memoised on the document."""
    return _memo(doc, "content_words_before", _content_words_before)  # type: ignore[no-any-return]


def _content_words_before(doc: Document) -> np.ndarray:
    """How many of the document's first i content tokens are not stopwords, for i = 0 .. n (from
    the stopword flags of its vocabulary ids)."""
    ids = doc_ids(doc)
    stop = stopword_flags()[ids.words]
    before = np.zeros(len(stop) + 1, dtype=np.int64)
    np.cumsum(~stop, out=before[1:])
    return before


def _long_run_words_reference(a_doc: Document, alignment: Alignment, settings: Settings) -> int:
    """Words of A in verbatim passages of at least ``long_run`` words holding at least
    ``long_run_content_words`` content words (not stopwords), counted one by one: the reference of
    ``_kernels.long_run_words``, which ``relate`` runs over a running count of A's content words."""
    words = a_doc.content_words
    return sum(p.a_tokens[1] - p.a_tokens[0] for p in alignment.passages
               if p.kind == "verbatim" and p.a_tokens[1] - p.a_tokens[0] >= settings.long_run
               and sum(w not in STOPWORDS for w in words[p.a_tokens[0]:p.a_tokens[1]])
               >= settings.long_run_content_words)


def relate(a_doc: Document, b_doc: Document, alignment: Alignment, fp_a: Fingerprints,
           fp_b: Fingerprints, settings: Settings = DEFAULT, with_passages: bool = True) -> PairResult:
    """Scores, relation, degree and direction of an aligned pair; without ``with_passages`` its
    ``passages`` stay empty (a scan stores ``alignment.spans`` instead)."""
    from . import _kernels  # numba, imported on first use

    na, nb = len(alignment.covered_a), len(alignment.covered_b)
    counted = _kernels.pair_counts(alignment.covered_a, alignment.covered_b, alignment.verbatim_a,
                                   alignment.verbatim_b, alignment.spans,
                                   _words_before(a_doc),
                                   settings.long_run, settings.long_run_content_words).tolist()
    cov_a, cov_b = _share(counted[0], na), _share(counted[1], nb)
    verb_a, verb_b = _share(counted[2], na), _share(counted[3], nb)
    verbatim_words, n_verbatim, long_run_words = counted[2], counted[4], counted[5]
    jac, a_in_b, b_in_a = overlap_scores(fp_a.shingles, fp_b.shingles)
    scores = {
        "jaccard": jac,
        "containment_a_in_b": a_in_b,
        "containment_b_in_a": b_in_a,
        "coverage_a": cov_a,
        "coverage_b": cov_b,
        "verbatim_a": verb_a,
        "verbatim_b": verb_b,
        "similarity": stem_cosine(a_doc, b_doc),
        "edit_similarity": edit_similarity(a_doc, b_doc),
    }
    shared_names, scores["names"] = name_overlap(a_doc, b_doc)
    n_rewritten = len(alignment.spans) - n_verbatim
    reasons = [
        f"{verbatim_words} words reused verbatim in {n_verbatim} passages, "
        f"{n_rewritten} rewritten passages",
        f"aligned passages cover {cov_a:.0%} of A and {cov_b:.0%} of B",
    ]

    # copying leaves runs of several words; independent reports of one event share only short ones
    # (a run of function words — "so they say we should" — is chance, not copy: it must carry content words)
    shares_copy = long_run_words >= settings.min_verbatim_tokens
    d = direction(a_doc, b_doc, cov_a, cov_b)
    source: str | None = None
    confidence = d.confidence
    if (shares_copy and min(cov_a, cov_b) >= settings.duplicate_share
            and scores["edit_similarity"] >= settings.duplicate_share):
        relation, degree = "duplicate", "wholly"
        reasons.append(f"both are at least {settings.duplicate_share:.0%} covered and their words are "
                       f"{scores['edit_similarity']:.0%} the same, in the same order: near-duplicates")
    elif shares_copy and (max(cov_a, cov_b) >= settings.partial_share
                          or long_run_words >= 3 * settings.min_verbatim_tokens):
        relation = "derived"
        copy_cov = cov_a if d.sign > 0 else cov_b if d.sign < 0 else max(cov_a, cov_b)
        degree = "wholly" if copy_cov >= settings.wholly_share else "partially"
        reasons.append(f"the copy is {copy_cov:.0%} reused: {degree} derived")
    else:
        relation, degree = "unrelated", "none"
        if not shares_copy:
            reasons.append(f"fewer than {settings.min_verbatim_tokens} words shared in verbatim runs of "
                           f"{settings.long_run}+ words: no copying")
        if scores["similarity"] >= settings.same_story_similarity:
            relation = "same_story"
            reasons.append(f"content words are similar (cosine {scores['similarity']:.2f}): same story")
        elif shared_names >= settings.same_story_names and scores["names"] >= settings.same_story_name_overlap:
            relation = "same_story"
            reasons.append(f"{shared_names} names in common (overlap {scores['names']:.2f}): same story")
    if relation in ("derived", "duplicate") and d.sign and confidence >= settings.min_source_confidence:
        source = b_doc.id if d.sign > 0 else a_doc.id
    if source is None:
        confidence = 0.5 if relation in ("derived", "duplicate") else 0.0

    return PairResult(
        a=a_doc.id,
        b=b_doc.id,
        relation=relation,  # type: ignore[arg-type]
        degree=degree,  # type: ignore[arg-type]
        source=source,
        direction_confidence=confidence,
        scores=scores,
        passages=alignment.passages if with_passages else [],
        new_in_a=uncovered_spans(a_doc, alignment.covered_a),
        new_in_b=uncovered_spans(b_doc, alignment.covered_b),
        reasons=reasons,
        direction_reasons=d.reasons if source else [],
    )
