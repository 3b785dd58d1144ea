"""The compiled Greedy String Tiling agrees with the plain Python reference."""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.align import doc_tiles, find_tiles, find_tiles_reference
from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.settings import DEFAULT

_WORDS = st.lists(st.sampled_from("the a cairo talks egypt truce gaza said".split()), max_size=80)
_BREAKS = st.lists(st.booleans(), min_size=80, max_size=80)


@hsettings(max_examples=300, deadline=None)
@given(_WORDS, _WORDS, _BREAKS, _BREAKS, st.integers(1, 4), st.integers(1, 20))
def test_find_tiles_equals_reference(a, b, brk_a, brk_b, k, max_occurrences):
    settings = replace(DEFAULT, seed_size=k, min_tile=k, max_seed_occurrences=max_occurrences)
    ba, bb = np.asarray(brk_a[: len(a)], dtype=bool), np.asarray(brk_b[: len(b)], dtype=bool)
    if len(ba):
        ba[0] = True
    if len(bb):
        bb[0] = True
    assert find_tiles(a, b, ba, bb, settings) == find_tiles_reference(a, b, ba, bb, settings)


_PIECE = st.sampled_from(["The talks in Cairo went on. ", "Egypt said so. ", "Gaza truce holds. ", "the a the a ",
                          "\n\nPhoto: Said Khatib/AFP via Getty Images\n\n", "CAIRO – ", "More talks. ",
                          "Officials in Cairo said the truce talks would resume on Monday. ",
                          "The truce talks resumed in Cairo on Monday, officials said. ",
                          "Egyptian mediators proposed a new ceasefire plan for Gaza. ",
                          "A new Gaza ceasefire plan was proposed by Egyptian mediators. "])


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(_PIECE, max_size=25).map("".join), st.integers(2, 4))
def test_document_tiles_equal_reference(text_a, text_b, k):
    settings = replace(DEFAULT, seed_size=k, min_tile=k, max_seed_occurrences=5)
    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    want = find_tiles_reference(a.content_words, b.content_words, a.breaks, b.breaks, settings)
    assert doc_tiles(a, b, settings) == want
    assert doc_tiles(a, b, settings) == want  # again, from the memoised seeds


def test_a_vocabulary_that_starts_over_gives_the_same_tiles(monkeypatch):
    from wiretrace import align

    monkeypatch.setattr(align, "_VOCAB", align._Vocabulary(bits=6))  # 64 words: starts over often
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(40)]
    docs = [normalize(Article(str(n), " ".join(rng.choice(vocab, size=30)))) for n in range(12)]
    for a in docs:
        for b in docs:
            want = find_tiles_reference(a.content_words, b.content_words, a.breaks, b.breaks)
            assert doc_tiles(a, b) == want
    assert align._VOCAB.generation > 0


@hsettings(max_examples=200, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(_PIECE, max_size=25).map("".join),
       st.lists(st.booleans(), min_size=200, max_size=200), st.lists(st.booleans(), min_size=200, max_size=200),
       st.sampled_from([0.3, 0.5, 0.8]))
def test_rewritten_sentences_equal_reference(text_a, text_b, cover_a, cover_b, similarity):
    from wiretrace.align import align_rewritten_sentences, align_rewritten_sentences_reference

    settings = replace(DEFAULT, sentence_similarity=similarity)
    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    ca = np.asarray((cover_a * 4)[: len(a.content)], dtype=bool)
    cb = np.asarray((cover_b * 4)[: len(b.content)], dtype=bool)
    want = align_rewritten_sentences_reference(a, b, ca, cb, settings)
    assert align_rewritten_sentences(a, b, ca, cb, settings) == want


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(_PIECE, max_size=25).map("".join))
def test_stem_cosine_equals_reference(text_a, text_b):
    from wiretrace.relate import stem_cosine, stem_cosine_reference

    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    assert stem_cosine(a, b) == stem_cosine_reference(a, b)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(st.booleans(), min_size=50, max_size=50))
def test_uncovered_spans_equal_reference(text, cover):
    from wiretrace.align import uncovered_spans, uncovered_spans_reference

    doc = normalize(Article("a", text))
    covered = np.asarray((cover * 40)[: len(doc.content)], dtype=bool)
    assert uncovered_spans(doc, covered) == uncovered_spans_reference(doc, covered)


_NAMEY = st.sampled_from(["Cairo ", "talks ", "Égypte ", "ĳssel ", "Σ ", "Monday ", "The ", "said ", ". ", "\n", "İzmir ",
                          "ǅemal ", "Ωmega ", "x ", "AP "])


@hsettings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_NAMEY, max_size=30).map("".join)))
def test_names_equal_reference(text):
    from wiretrace.relate import names, names_reference

    doc = normalize(Article("a", text))
    assert names(doc) == names_reference(doc)
