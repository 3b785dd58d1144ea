"""The compiled alignment (``wiretrace._kernels``, numba) agrees with the plain Python references
in ``wiretrace.align`` and ``wiretrace.passages`` on generated input."""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.align import align, align_reference, align_rewritten_sentences_reference, doc_ids
from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.settings import DEFAULT


def _same_alignment(a, b, settings) -> None:
    got, want = align(a, b, settings), align_reference(a, b, settings)
    assert got.passages == want.passages
    for g, w in zip((got.covered_a, got.covered_b, got.verbatim_a, got.verbatim_b),
                    (want.covered_a, want.covered_b, want.verbatim_a, want.verbatim_b)):
        assert g.dtype == w.dtype and np.array_equal(g, w)


_WORD = st.sampled_from("the a cairo talks egypt truce gaza said .".split())
_BREAKS = st.sets(st.integers(0, 99), max_size=10)


@st.composite
def _word_pair(draw) -> tuple[list[str], list[str]]:
    """Words, and other words (independent: short chance matches of common seeds), or words made of
    slices of the first (moved, repeated, overlapping) and a few others: long shared runs that Greedy
    String Tiling takes in part and splits."""
    a = draw(st.lists(_WORD, min_size=10, max_size=80))  # lists are short unless told (empty ones: other tests)
    if draw(st.booleans()):
        return a, draw(st.lists(_WORD, min_size=10, max_size=80))
    b: list[str] = []
    for start, length, extra in draw(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 30),
                                                        st.lists(_WORD, max_size=3)), max_size=6)):
        b += a[start:start + length] + extra
    return a, b


def _words_doc(id: str, items: list[str], breaks: set[int]):
    """A document of ``items`` (words; "." ends a sentence) with a boilerplate break before word i
    for i in ``breaks``: a filler word there, left out of the content tokens."""
    text, at_start, i = [], False, 0
    for x in items:
        if x == ".":
            text.append(".")
            at_start = True
            continue
        if i in breaks:
            text.append("Zq" if at_start else "zq")
        text.append(x.capitalize() if at_start else x)
        at_start, i = False, i + 1
    doc = normalize(Article(id, " ".join(text).replace(" .", ".")))
    content = np.asarray([i for i, w in enumerate(doc.tokens.words) if w != "zq"], dtype=doc.content.dtype)
    doc = replace(doc, content=content)
    assert doc.content_words == [x for x in items if x != "."]
    return doc


@hsettings(max_examples=300, deadline=None)
@given(_word_pair(), _BREAKS, _BREAKS, st.integers(1, 4), st.integers(1, 20))
def test_align_equals_reference_on_words_with_breaks(words, brk_a, brk_b, k, max_occurrences):
    """Tiling from seeds of every size (packed keys up to 3 words, per-pair keys above) with arbitrary
    boilerplate breaks and seeds common enough to be skipped."""
    settings = replace(DEFAULT, seed_size=k, min_tile=k, max_seed_occurrences=max_occurrences)
    a_doc, b_doc = _words_doc("a", words[0], brk_a), _words_doc("b", words[1], brk_b)
    _same_alignment(a_doc, b_doc, settings)
    _same_alignment(b_doc, a_doc, settings)


_PIECE = st.sampled_from(["The talks in Cairo went on. ", "Egypt said so. ", "Gaza truce holds. ", "the a the a ",
                          "\n\nPhoto: Said Khatib/AFP via Getty Images\n\n", "CAIRO – ", "More talks. ",
                          "Officials in Cairo said the truce talks would resume on Monday. ",
                          "The truce talks resumed in Cairo on Monday, officials said. ",
                          "Egyptian mediators proposed a new ceasefire plan for Gaza. ",
                          "A new Gaza ceasefire plan was proposed by Egyptian mediators. ",
                          "Mediators proposed new talks. ", "New talks, mediators proposed. "])  # 4-word units


@hsettings(max_examples=200, deadline=None)
@given(st.lists(_PIECE, max_size=25).map("".join), st.lists(_PIECE, max_size=25).map("".join), st.integers(2, 4),
       st.sampled_from([5, DEFAULT.max_seed_occurrences]))
def test_align_of_pieces_equals_reference(text_a, text_b, k, max_occurrences):
    settings = replace(DEFAULT, seed_size=k, min_tile=k, max_seed_occurrences=max_occurrences)
    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    _same_alignment(a, b, settings)
    _same_alignment(b, a, settings)
    _same_alignment(a, b, settings)  # again, from the memoised ids and seeds


def test_a_vocabulary_that_starts_over_gives_the_same_alignment(monkeypatch):
    from wiretrace import align as align_module

    monkeypatch.setattr(align_module, "_VOCAB", align_module._Vocabulary(bits=6))  # 64 ids: starts over often
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(40)]
    docs = [normalize(Article(str(n), " ".join(rng.choice(vocab, size=rng.integers(4, 25))))) for n in range(12)]
    compiled = 0
    for a in docs:
        for b in docs:
            compiled += align_module.pair_ids(a, b) is not None  # else align falls back to the reference
            _same_alignment(a, b, DEFAULT)
    assert align_module._VOCAB.generation > 0 and compiled > len(docs)



@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from("the said talks talking talked Egypt Egyptian a of Cairo truce Évora "
                                         "evora 北京 ceasefire ceasefires x1 x12 it its".split()), max_size=30),
                min_size=1, max_size=6))
def test_vocabulary_ids_and_flags_are_those_of_one_word_at_a_time(texts):
    """Words new to the vocabulary get ids in batches; the ids, stems and flags are those of adding
    each word in order of first occurrence, its stem (if new) right after it."""
    from wiretrace.align import _Vocabulary
    from wiretrace.normalize import STOPWORDS, stem

    vocab, ids, stem_of = _Vocabulary(), {}, {}

    def add(word):
        if word not in ids:
            i = ids[word] = len(ids)
            stem_of[i] = i if stem(word) == word else add(stem(word))
        return ids[word]

    for words in texts:
        doc = normalize(Article("d", " ".join(words)))
        got = vocab.encode_doc(doc).tolist()
        assert got == [add(w) for w in doc.content_words]
    words = sorted(ids, key=ids.get)
    n = len(words)
    assert vocab.size == n
    assert vocab.stem_of[:n].tolist() == [stem_of[i] for i in range(n)]
    assert vocab.stop[:n].tolist() == [w in STOPWORDS for w in words]
    assert vocab.matched[:n].tolist() == [w not in STOPWORDS and len(w) > 1 for w in words]
    assert vocab.counted[:n].tolist() == [w not in STOPWORDS and len(w) > 2 for w in words]

_COVER = st.lists(st.tuples(st.integers(0, 80), st.integers(1, 12)), max_size=12)  # covered runs (start, length)


def _mask(runs: list[tuple[int, int]], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for start, length in runs:
        mask[start:start + length] = True
    return mask


@st.composite
def _piece_texts(draw) -> tuple[str, str]:
    """Pieces, and either other pieces or the same ones reordered among a few others (so sentences
    recur, cut differently by the coverage masks)."""
    a = draw(st.lists(_PIECE, max_size=25))
    if draw(st.booleans()):
        return "".join(a), "".join(draw(st.lists(_PIECE, max_size=25)))
    b = draw(st.permutations(a))
    for at, piece in draw(st.lists(st.tuples(st.integers(0, 25), _PIECE), max_size=5)):
        b.insert(at, piece)
    return "".join(a), "".join(b)


@hsettings(max_examples=300, deadline=None)
@given(_piece_texts(), _COVER, _COVER, st.sampled_from([0.3, 0.5, 0.8]))
def test_rewritten_sentences_equal_reference(texts, cover_a, cover_b, similarity):
    """``_kernels.rewritten_sentences`` on coverage masks ``align`` would not produce on its own."""
    from wiretrace import _kernels

    text_a, text_b = texts
    settings = replace(DEFAULT, sentence_similarity=similarity)
    a, b = normalize(Article("a", text_a)), normalize(Article("b", text_b))
    ca, cb = _mask(cover_a, len(a.content)), _mask(cover_b, len(b.content))
    want = align_rewritten_sentences_reference(a, b, ca, cb, settings)
    ia, ib = doc_ids(a), doc_ids(b)
    got = _kernels.rewritten_sentences(ia.stems, ia.sentence, a.breaks, ca, ib.stems, ib.sentence, b.breaks, cb,
                                       similarity)
    assert [tuple(r) for r in got.tolist()] == want


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


def _seed_index_plain(keys: list[int], brk: list[bool], k: int) -> tuple[list[int], ...]:
    """What ``_kernels.seed_index`` computes, spelled out: seeds may start where no break lies inside
    them; starts sorted by key (then position); per position the seed's count anywhere and among starts."""
    starts = sorted((j for j in range(len(keys)) if not any(brk[j + 1 : j + k])), key=lambda j: keys[j])
    common = [keys.count(key) for key in keys]
    startable = [sum(keys[s] == key for s in starts) for key in keys]
    return [keys[j] for j in starts], starts, common, startable


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=60, max_size=60), st.lists(st.booleans(), min_size=60, max_size=60),
       st.integers(0, 60), st.integers(1, 4))
def test_seed_index_equals_reference(keys, breaks, n_words, k):
    from wiretrace import _kernels

    brk = np.asarray(breaks[:n_words], dtype=bool)
    keys_ = np.asarray(keys[: max(n_words - k + 1, 0)], dtype=np.int64)  # one seed per position 0..n_words-k
    want = _seed_index_plain(keys_.tolist(), brk.tolist(), k)
    # a stable order, NumPy's unstable one, and the worst order: equal keys in reverse position
    worst = np.lexsort((-np.arange(len(keys_)), keys_)) if len(keys_) else np.zeros(0, dtype=np.int64)
    for order in (np.argsort(keys_, kind="stable"), np.argsort(keys_), worst):
        got = _kernels.seed_index(keys_, brk, k, order)
        for name, g, w in zip(("keys", "starts", "common", "startable"), got, want):
            assert g.dtype == np.int64 and g.tolist() == w, name
