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


# ----------------------------------------------------------------------------------------------
# the whole pair in one compiled call (``_kernels.align_pair``) against ``align_reference``

_SENTENCE = st.lists(st.sampled_from("the a of cairo talks egypt truce gaza said monday plan new mediators "
                                     "officials resume ceasefire".split()), min_size=1, max_size=14)


@st.composite
def _edited_texts(draw) -> tuple[str, str]:
    """A text of sentences and paragraphs (some boilerplate-like lines), and a copy with random word
    edits, swapped and dropped sentences and new ones: every step of ``align`` has work to do."""
    sentences = [" ".join(s).capitalize() + "." for s in draw(st.lists(_SENTENCE, min_size=1, max_size=12))]
    copy = [s.split(" ") for s in sentences]
    for _ in range(draw(st.integers(0, 10))):
        op = draw(st.sampled_from(("sub", "ins", "del", "swap", "drop", "add", "para", "caption")))
        x = draw(st.integers(0, len(copy) - 1))
        words = copy[x]
        at = draw(st.integers(0, max(len(words) - 1, 0)))
        if op == "sub" and words:
            words[at] = draw(st.sampled_from(["truce", "the", "Gaza", "officials", "plan"]))
        elif op == "ins":
            words.insert(at, draw(st.sampled_from(["new", "of", "Cairo"])))
        elif op == "del" and len(words) > 1:
            del words[at]
        elif op == "swap" and len(copy) > 1:
            y = draw(st.integers(0, len(copy) - 1))
            copy[x], copy[y] = copy[y], copy[x]
        elif op == "drop" and len(copy) > 1:
            del copy[x]
        elif op == "add":
            copy.insert(x, (" ".join(draw(_SENTENCE)).capitalize() + ".").split(" "))
        elif op == "para":
            words.append("\n\n")
        elif op == "caption":
            copy.insert(x, ["\n\nPhoto: Said Khatib/AFP via Getty Images\n\n"])
    return " ".join(sentences), " ".join(" ".join(w) for w in copy)


def _same_alignment(a, b, settings) -> None:
    from wiretrace.align import align, align_reference

    got, want = align(a, b, settings), align_reference(a, b, settings)
    assert got.passages == want.passages
    for g, w in zip((got.covered_a, got.covered_b, got.verbatim_a, got.verbatim_b),
                    (want.covered_a, want.covered_b, want.verbatim_a, want.verbatim_b)):
        assert g.dtype == w.dtype and np.array_equal(g, w)


@hsettings(max_examples=300, deadline=None)
@given(_edited_texts(), st.integers(2, 4), st.integers(0, 12), st.integers(0, 20), st.integers(1, 8),
       st.sampled_from([0.3, 0.5, 0.8]), st.sampled_from([0.2, 0.34, 0.67, 0.9]), st.integers(0, 12))
def test_align_equals_reference(texts, k, max_gap, bridge_gap, long_run, similarity, share, min_verbatim):
    settings = replace(DEFAULT, seed_size=k, min_tile=k + max_gap % 2, max_gap=max_gap, bridge_gap=bridge_gap,
                       long_run=long_run, sentence_similarity=similarity, sentence_fill_share=share,
                       swapped_sentence_share=share / 2, min_verbatim_tokens=min_verbatim, max_seed_occurrences=5)
    a, b = normalize(Article("a", texts[0])), normalize(Article("b", texts[1]))
    _same_alignment(a, b, settings)
    _same_alignment(b, a, settings)
    _same_alignment(a, b, settings)  # again, from the memoised ids and seeds


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(_PIECE, max_size=25).map("".join))
def test_align_of_pieces_equals_reference(text_a, text_b):
    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    _same_alignment(a, b, DEFAULT)
    _same_alignment(b, a, DEFAULT)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=60), st.lists(st.booleans(), min_size=60, max_size=60),
       st.integers(1, 4))
def test_seed_index_equals_reference(keys, breaks, k):
    from wiretrace import _kernels
    from wiretrace.align import _Seeds

    brk = np.asarray(breaks[: len(keys) + k - 1], dtype=bool)
    keys_ = np.asarray(keys[: max(len(brk) - k + 1, 0)], dtype=np.int64)
    if len(brk) < k:
        return
    ids = np.zeros(len(brk), dtype=np.int64)
    want = _Seeds.of(ids, keys_, brk, k)
    got = _Seeds(ids, *_kernels.seed_index(keys_, brk, k))
    for field in ("keys", "starts", "common", "startable"):
        g, w = getattr(got, field), getattr(want, field)
        assert g.dtype == w.dtype and np.array_equal(g, w), field
