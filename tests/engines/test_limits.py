"""Pathological articles must neither exhaust memory nor stall a scan (limits in ``Settings``)."""

import random

from wiretrace.engines.local import scan_articles
from wiretrace.model import Article
from wiretrace.pipeline import prepare
from wiretrace.settings import DEFAULT
from wiretrace.store import Store

from helpers import WIRE
from scale_corpus import VOCAB

SENTENCE = "The law caps irrigation for golf courses, requires new buildings to collect rainwater. "


def test_a_50_mb_article_is_matched_on_its_first_max_article_chars_but_stored_whole(tmp_path):
    filler = " ".join(random.Random(0).choice(VOCAB) for _ in range(3000)) + "\n\n"  # ~20 kB, no WIRE text
    huge = Article("huge", WIRE + "\n\n" + filler * (50_000_000 // len(filler)))
    assert len(huge.text) > 49_000_000
    p = prepare(huge)
    assert len(p.doc.article.text) == DEFAULT.max_article_chars
    assert p.doc.tokens.ends.max() <= DEFAULT.max_article_chars  # offsets point into the original text
    result = scan_articles([huge, Article("wire", WIRE)], tmp_path / "out", report=False)
    with Store(result.store, read_only=True) as s:
        assert len(s.article("huge").text) == len(huge.text)  # nothing lost
        [pair] = s.pairs(with_passages=True)
    assert {pair.a, pair.b} == {"huge", "wire"} and pair.relation == "derived"
    assert all(end <= DEFAULT.max_article_chars for p in pair.passages for end in (p.a[1], p.b[1]))


def test_a_million_copies_of_one_sentence_give_few_fingerprints_and_no_copy_evidence(tmp_path):
    spam = Article("spam", SENTENCE * 1_000_000)
    p = prepare(spam)
    assert len(p.fp.winnowed) < 20  # one repeated sentence: a handful of distinct fingerprints
    result = scan_articles([spam, Article("wire", WIRE)], tmp_path / "out", report=False)
    assert result.counts["articles"] == 2
    with Store(result.store, read_only=True) as s:
        assert all(pair.relation != "duplicate" for pair in s.pairs(with_passages=False))
