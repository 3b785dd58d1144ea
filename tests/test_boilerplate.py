"""Corpus boilerplate: a footer under many unrelated articles links none of them; reprints stay linked."""

import json
import random
from dataclasses import replace

import numpy as np
from hypothesis import given, settings as hyp_settings, strategies as st

from wiretrace.boilerplate import (REPEATED, boilerplate_keys, doc_rank, estimated_overlap, frequent_postings,
                                   is_boilerplate, repeated_spans, tag_repeated)
from wiretrace.engines.local import scan_articles
from wiretrace.fingerprint import fingerprint
from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.settings import DEFAULT

from helpers import WIRE

FOOTER = ("The Morning Briefing is our free newsletter, delivered to your inbox every weekday at seven. "
          "You can unsubscribe at any time by following the link at the bottom of each email. "
          "Comments on this story are moderated according to our community guidelines and may take a day to appear.")

VOCAB = [f"{a}{b}" for a in ("bar", "cor", "del", "fen", "gal", "hol", "lum", "mar", "nor", "pel", "ros", "tam")
         for b in ("ak", "en", "ist", "oda", "ume", "ver", "wyn", "ix", "ant", "ello", "ough", "y")]


def salad(rng: random.Random, sentences: int = 20) -> str:
    """Unrelated filler prose: sentences of random words, two paragraphs."""
    out = [" ".join(rng.choice(VOCAB) for _ in range(rng.randrange(10, 16))).capitalize() + "."
           for _ in range(sentences)]
    half = sentences // 2
    return " ".join(out[:half]) + "\n\n" + " ".join(out[half:])


def corpus(seed: int = 3) -> list[Article]:
    """Twelve unrelated articles under one outlet's footer, and a wire story with eleven reprints
    (each under its outlet's footer too)."""
    rng = random.Random(seed)
    local = [Article(f"local{k:02d}", salad(rng) + "\n\n" + FOOTER, date="2024-05-02", outlet="The Courier")
             for k in range(12)]
    wire = Article("wire", WIRE, date="2024-05-01", outlet="Associated Press")
    reprints = [Article(f"reprint{k:02d}", WIRE + "\n\n" + FOOTER, date="2024-05-02", outlet=f"Outlet {k}")
                for k in range(11)]
    return local + [wire] + reprints


def test_overlap_estimate_is_the_smaller_sides_containment() -> None:
    sig = np.arange(128, dtype=np.uint32)
    half = sig.copy()
    half[64:] += 1000  # Jaccard 0.5 between sets of equal size: containment 2/3
    assert estimated_overlap(sig, sig, 100, 100) == 1.0
    assert abs(float(estimated_overlap(sig, half, 100, 100)) - 2 / 3) < 1e-9


def test_verdict_tells_a_footer_from_reprints() -> None:
    rng = np.random.default_rng(1)
    unrelated = rng.integers(0, 2**32, size=(8, 128), dtype=np.uint64).astype(np.uint32)
    reprints = np.repeat(unrelated[:1], 8, axis=0)
    sizes = np.full(8, 400)
    assert is_boilerplate(unrelated, sizes)
    assert not is_boilerplate(reprints, sizes)


def test_frequent_postings_sample_lowest_ranks_and_skip_rare_keys() -> None:
    ranks = np.array([50, 10, 40, 30, 20, 60, 70, 80, 90, 100, 5, 1], dtype=np.int64)
    docs = np.arange(12)
    keys = np.r_[np.full(12, 7, np.uint64), np.full(3, 9, np.uint64)]
    keys_out, samples = frequent_postings(keys, np.r_[docs, docs[:3]], ranks, DEFAULT)
    assert keys_out.tolist() == [7]  # key 9 is held by 3 documents only
    assert samples[0].tolist() == [11, 10, 1, 4, 3, 2, 0, 5]  # the eight lowest ranks, in rank order


def test_boilerplate_keys_fetch_each_sampled_document_once() -> None:
    fetched = []
    sigs = np.random.default_rng(2).integers(0, 2**32, size=(12, 128), dtype=np.uint64).astype(np.uint32)

    def fetch(docs):
        fetched.append(docs.tolist())
        return sigs[docs], np.full(len(docs), 300)

    samples = np.array([[0, 1, 2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9, 10, 11]])
    found = boilerplate_keys(np.array([3, 8], np.uint64), samples, fetch)
    assert found.tolist() == [3, 8]
    assert fetched == [list(range(12))]


def boilerplate_keys_reference(keys, samples, sigs, sizes, settings=DEFAULT):
    """One ``is_boilerplate`` verdict per key, as ``boilerplate_keys`` was written before it judged keys together."""
    found = [k for k, row in zip(keys.tolist(), samples.tolist())
             if is_boilerplate(sigs[[x for x in row if x >= 0]], sizes[[x for x in row if x >= 0]], settings)]
    return sorted(found)


@hyp_settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), n_keys=st.integers(1, 40), values=st.sampled_from([2, 4, 2**32]))
def test_boilerplate_keys_judged_together_equal_one_by_one(seed, n_keys, values) -> None:
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, values, size=(30, 128), dtype=np.uint64).astype(np.uint32)  # few values: overlaps near 0.5
    sizes = rng.integers(1, 400, size=30)
    samples = np.stack([rng.choice(30, size=8, replace=False) for _ in range(n_keys)])
    samples[rng.random(samples.shape) < 0.05] = -1  # a few short samples take the one-by-one path
    samples = -np.sort(-samples, axis=1)  # padding last, as frequent_postings pads
    keys = np.sort(rng.choice(10**6, size=n_keys, replace=False)).astype(np.uint64)
    got = boilerplate_keys(keys, samples, lambda d: (sigs[d], sizes[d]))
    assert got.dtype == np.uint64 and got.tolist() == boilerplate_keys_reference(keys, samples, sigs, sizes)


def test_repeated_spans_cover_whole_footer_sentences_only() -> None:
    text = WIRE + "\n\n" + FOOTER
    doc = normalize(Article("x", text))
    spans = repeated_spans(doc, fingerprint(normalize(Article("f", FOOTER))).winnowed)
    assert [(s.start, s.end, s.kind) for s in spans] == [(len(WIRE) + 2, len(text) - 1, REPEATED)]
    tagged = tag_repeated(doc, spans)
    assert len(tagged.content) == len(doc.content) - len(normalize(Article("f", FOOTER)).content)
    assert tagged.content_words == normalize(Article("w", WIRE)).content_words


def test_scan_links_reprints_but_not_articles_sharing_only_a_footer(tmp_path) -> None:
    scan_articles(corpus(), tmp_path / "out", report=False)
    pairs = [json.loads(line) for line in (tmp_path / "out" / "pairs.jsonl").open()]
    linked = {frozenset((p["a"], p["b"])) for p in pairs if p["relation"] in ("duplicate", "derived")}
    assert not [k for k in linked if all(x.startswith("local") for x in k)]
    reprints = [f"reprint{k:02d}" for k in range(11)]
    assert all(frozenset(("wire", r)) in linked for r in reprints)
    to_wire = [p for p in pairs if "wire" in (p["a"], p["b"])]
    assert {p["relation"] for p in to_wire} == {"duplicate"}  # the footer is not counted against the copy
    assert all(p["scores"]["coverage_a"] == 1.0 and p["scores"]["coverage_b"] == 1.0 for p in to_wire)


def test_without_the_boilerplate_check_the_footer_links_unrelated_articles(tmp_path) -> None:
    settings = replace(DEFAULT, boilerplate_min_df=1000, boilerplate_sample=8)
    scan_articles(corpus(), tmp_path / "out", settings=settings, report=False)
    pairs = [json.loads(line) for line in (tmp_path / "out" / "pairs.jsonl").open()]
    assert any(p["a"].startswith("local") and p["b"].startswith("local") and p["relation"] == "derived"
               for p in pairs)


def test_rank_is_a_stable_non_negative_63_bit_hash() -> None:
    assert doc_rank("wire") == doc_rank("wire") != doc_rank("wire2")
    assert 0 <= doc_rank("wire") < 2**63


def test_query_ignores_a_footer_the_store_has_seen_under_unrelated_articles(tmp_path) -> None:
    from wiretrace.query import Index

    store = tmp_path / "s.duckdb"
    scan_articles(corpus(), tmp_path / "out", store, report=False)
    pasted = salad(random.Random(99)) + "\n\n" + FOOTER
    with Index(store) as index:
        assert not index.query(pasted)  # without the check, every local article under the footer matched
        found = index.query(WIRE + "\n\n" + FOOTER)
    assert {r.relation for r in found} == {"duplicate"} and len(found) == 10  # top 10 of the 12 copies
    assert all(r.scores["coverage_a"] == 1.0 for r in found)


def test_a_story_reprinted_300_times_is_one_cluster_through_hubs(tmp_path) -> None:
    """Far over every cap (and not boilerplate: the copies share everything): each copy is paired with
    the 8 hubs, so all 300 join one cluster from 2,364 candidates instead of 44,850."""
    rng = random.Random(1)
    arts = ([Article(f"copy{k:03d}", WIRE, outlet=f"Outlet {k}") for k in range(300)]
            + [Article(f"other{k:03d}", salad(rng)) for k in range(30)])
    result = scan_articles(arts, tmp_path / "out", report=False)
    clusters = [json.loads(line) for line in (tmp_path / "out" / "clusters.jsonl").open()]
    assert result.candidates == 8 * 292 + 28
    assert len(clusters) == 1 and len(clusters[0]["members"]) == 300


def test_paragraph_vectors_follow_the_content_when_a_footer_is_tagged() -> None:
    from wiretrace.boilerplate import remap_vectors
    from wiretrace.semantic.vectors import Vectors, paragraph_ranges

    before = normalize(Article("x", WIRE + "\n\n" + FOOTER))
    after = tag_repeated(before, repeated_spans(before, fingerprint(normalize(Article("f", FOOTER))).winnowed))
    paragraphs = paragraph_ranges(before)
    vectors = Vectors(paragraphs, np.eye(len(paragraphs), dtype=np.float32), np.zeros(len(paragraphs), np.float32))
    moved = remap_vectors(vectors, before, after)
    assert moved.paragraphs == paragraph_ranges(after)  # the footer paragraph is gone, the rest unchanged
    assert len(moved.paragraphs) == len(paragraphs) - 1 and moved.paragraph_vectors.shape[0] == len(paragraphs) - 1
