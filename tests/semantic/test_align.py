"""Paragraph-level semantic alignment adds rewritten passages without touching earlier ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from wiretrace.align import align
from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.semantic.align import longest_uncovered_run, semantic_passages
from wiretrace.semantic.vectors import embed_documents
from wiretrace.settings import Settings


@given(st.lists(st.booleans(), max_size=40), st.data())
def test_longest_uncovered_run_is_uncovered_and_maximal(mask, data):
    covered = np.array(mask, dtype=bool)
    lo = data.draw(st.integers(0, len(mask)))
    hi = data.draw(st.integers(lo, len(mask)))
    s, e = longest_uncovered_run(covered, lo, hi)
    assert lo <= s <= e <= hi and not covered[s:e].any()
    runs, cur = [], 0
    for t in range(lo, hi):
        cur = 0 if covered[t] else cur + 1
        runs.append(cur)
    assert e - s == max(runs, default=0)


A = ("The mayor opened the new bridge on Friday after two years of work.\n\n"
     "Traffic will flow both ways from Monday and a toll of two euros applies to lorries only.\n\n"
     "Local shops hope the crossing brings more visitors to the old town.")
B = ("The mayor opened the new bridge on Friday after two years of work.\n\n"
     "From Monday traffic flows both ways, and only lorries pay a two euro toll.\n\n"
     "Residents queued for hours to walk across before the ribbon was cut.")


NO_STEM_MATCHING = Settings(sentence_similarity=1.01)  # leave the reworded paragraph to the embeddings


def test_reworded_paragraph_becomes_one_rewritten_passage(hash_encoder):
    a, b = normalize(Article("a", A)), normalize(Article("b", B))
    va, vb = embed_documents([a, b], hash_encoder)
    before = align(a, b, NO_STEM_MATCHING)
    after = semantic_passages(a, b, va, vb, before, Settings(semantic_passage_similarity=0.5))
    added = [p for p in after.passages if p not in before.passages]
    assert len(added) == 1 and added[0].kind == "rewritten"
    assert A[added[0].a[0]:added[0].a[1]].startswith("Traffic will flow")
    assert B[added[0].b[0]:added[0].b[1]].startswith("From Monday")
    # earlier passages are kept, nothing overlaps, and coverage grew by exactly the new passage
    assert all(p in after.passages for p in before.passages)
    a0, a1 = added[0].a_tokens
    assert not before.covered_a[a0:a1].any() and after.covered_a[a0:a1].all()
    assert after.covered_a.sum() == before.covered_a.sum() + (a1 - a0)


def test_nothing_is_added_below_the_threshold(hash_encoder):
    a, b = normalize(Article("a", A)), normalize(Article("b", B))
    va, vb = embed_documents([a, b], hash_encoder)
    before = align(a, b, NO_STEM_MATCHING)
    after = semantic_passages(a, b, va, vb, before, Settings(semantic_passage_similarity=0.9))
    assert after.passages == before.passages
