"""The product's first acceptance test: the AP story and the Newsweek rewrite of it."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from wiretrace.pipeline import compare
from wiretrace.read import read_article

from conftest import AP, NEWSWEEK

GOLDEN = Path(__file__).parent / "golden" / "seed-pair.compare.json"


@pytest.fixture(scope="module")
def seed(seed_dir):
    nw, ap = read_article(seed_dir / f"{NEWSWEEK}.txt"), read_article(seed_dir / f"{AP}.txt")
    return nw, ap, compare(nw, ap)


def covered_share(text, spans, start, end):
    mask = np.zeros(len(text), dtype=bool)
    for s, e in spans:
        mask[s:e] = True
    chars = [i for i in range(start, end) if not text[i].isspace()]
    return mask[chars].mean()


def test_seed_pair_is_derived_with_ap_as_source(seed):
    _, _, r = seed
    assert r.relation == "derived"
    assert r.source == AP
    assert r.direction_confidence >= 0.6
    assert {p.kind for p in r.passages} == {"verbatim", "rewritten"}
    assert 0.25 < r.scores["jaccard"] < 0.4  # ordinary MinHash dedup would miss this pair


def test_ap_side_passages_cover_most_of_the_ap_body(seed):
    _, ap, r = seed
    body = ap.text.index("CAIRO –")
    assert covered_share(ap.text, [p.b for p in r.passages], body, len(ap.text)) >= 0.85


def test_reworded_sentence_is_aligned_with_rewritten_parts(seed):
    nw, ap, r = seed
    start = nw.text.index("The Egyptian official who spoke anonymously")
    end = nw.text.index("by Hamas.", start)
    assert covered_share(nw.text, [p.a for p in r.passages], start, end) >= 0.3
    assert any(p.kind == "rewritten" and start <= p.a[0] < end for p in r.passages)


def test_newsweek_caption_credit_and_last_four_paragraphs_stay_unaligned(seed):
    nw, _, r = seed
    caption = nw.text.index("Palestinian Child Rides Bicycle")
    caption_end = nw.text.index("Getty Images") + len("Getty Images")
    credit = nw.text.index("For more reporting from the Associated Press")
    tail = nw.text.index("El-Qanoua said the talks in Cairo")
    for p in r.passages:
        assert p.a[1] <= caption or p.a[0] >= caption_end
        assert not (p.a[0] <= credit < p.a[1])
        assert p.a[1] <= tail
    assert any(s <= tail and e >= len(nw.text.rstrip()) - 1 for s, e in r.new_in_a)


def test_compare_output_matches_the_golden_file(seed):
    _, _, r = seed
    got = r.to_json()
    if os.environ.get("WIRETRACE_REGEN_GOLDEN"):  # after a deliberate change: regenerate and review the diff
        GOLDEN.write_text(json.dumps(got, indent=1) + "\n")
    assert got == json.loads(GOLDEN.read_text())
