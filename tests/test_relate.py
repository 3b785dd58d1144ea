from hypothesis import given, settings as hsettings, strategies as st
from wiretrace.model import Article
from wiretrace.pipeline import compare

from helpers import OWN_WORDS, QUOTING_PIECE, UNRELATED, WIRE

AP = Article("ap", WIRE, outlet="Associated Press", date="2025-03-04")


def test_verbatim_reprint_is_duplicate_with_the_wire_as_source():
    copy = Article("paper", WIRE, outlet="Lisbon Daily", date="2025-03-04")
    r = compare(copy, AP)
    assert r.relation == "duplicate"
    assert r.source == "ap"
    assert any("wire copy" in reason for reason in r.direction_reasons)


def test_independent_report_of_the_same_event_is_not_derived():
    other = Article("other", OWN_WORDS, outlet="Coastal Times", date="2025-03-05")
    r = compare(other, AP)
    assert r.relation not in ("derived", "duplicate")
    assert r.relation == "same_story"
    assert r.source is None


def test_piece_quoting_two_wire_paragraphs_is_partially_derived_from_the_wire():
    piece = Article("opinion", QUOTING_PIECE, outlet="The Weekly Observer", date="2025-03-06")
    r = compare(piece, AP)
    assert (r.relation, r.degree, r.source) == ("derived", "partially", "ap")
    paras = WIRE.split("\n\n")
    for quoted in (paras[1], paras[3]):
        start = WIRE.index(quoted)
        covered = sum(min(p.b[1], start + len(quoted)) - max(p.b[0], start)
                      for p in r.passages if p.b[1] > start and p.b[0] < start + len(quoted))
        assert covered >= 0.9 * len(quoted)


def test_unrelated_articles_are_unrelated():
    r = compare(Article("music", UNRELATED), AP)
    assert r.relation == "unrelated" and r.passages == []


def test_trimmed_copy_points_to_the_longer_original_without_metadata():
    paras = WIRE.split("\n\n")
    trimmed = Article("trim", "\n\n".join(paras[:4]))
    r = compare(trimmed, Article("full", WIRE))
    assert r.relation == "derived" and r.degree == "wholly"
    assert r.source == "full"
    assert r.scores["coverage_a"] > 0.95


def test_earlier_date_beats_asymmetry():
    paras = WIRE.split("\n\n")
    extended = Article("ext", WIRE + "\n\nLocal farmers in Beja said they would protest on Friday.", date="2025-03-05")
    r = compare(extended, Article("orig", WIRE, date="2025-03-04"))
    assert r.source == "orig"
    assert any("earlier" in x for x in r.direction_reasons)


def test_a_shared_run_of_function_words_is_chance_not_copy():
    from wiretrace.pipeline import compare

    run = "and that it was the one that they had been"
    a = Article("a", f"Harbour cranes stood idle at dawn. {run} waiting for. Dockers marched to the ministry.")
    b = Article("b", f"Orchard growers counted frost damage. {run} hoping for. Apricots fell before ripening.")
    r = compare(a, b)
    assert any(p.kind == "verbatim" and p.a_tokens[1] - p.a_tokens[0] >= 10 for p in r.passages)
    assert r.relation == "unrelated"
    from wiretrace.settings import Settings

    assert compare(a, b, Settings(long_run_content_words=0)).relation == "derived"  # what the rule prevents


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from("the a of said Cairo talks truce wire copy Égypte 北京".split()), max_size=80),
       st.lists(st.tuples(st.integers(0, 90), st.integers(0, 30), st.sampled_from(["verbatim", "rewritten"])),
                max_size=8),
       st.integers(1, 12), st.integers(0, 8))
def test_long_run_words_equals_reference(words, spans, long_run, content_words):
    from wiretrace.align import Alignment
    from wiretrace.model import Article, Passage
    from wiretrace.normalize import normalize
    from wiretrace import _kernels
    from wiretrace.relate import _long_run_words_reference, _words_before
    from wiretrace.settings import Settings

    doc = normalize(Article(id="a", text=" ".join(words)))
    passages = [Passage((0, 1), (0, 1), kind, (lo, lo + n), (0, 1)) for lo, n, kind in spans]
    alignment = Alignment(passages, *[None] * 4)  # the spans array is built from the passages
    settings = Settings(long_run=long_run, long_run_content_words=content_words)
    got = _kernels.long_run_words(alignment.spans, _words_before(doc), settings.long_run,
                                  settings.long_run_content_words)
    assert got == _long_run_words_reference(doc, alignment, settings)


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=30), st.lists(st.integers(0, 40), max_size=30), st.booleans())
def test_merged_overlaps_equal_numpy(a, b, ordered):
    import numpy as np

    from wiretrace.fingerprint import count_shared
    from wiretrace._prep_kernels import shared_dot

    x = np.asarray(sorted(set(a)) if ordered else a, dtype=np.uint64)
    y = np.asarray(sorted(set(b)), dtype=np.uint64)
    if ordered or len(set(a)) == len(a):  # distinct, as intersect1d's assume_unique needs
        assert count_shared(x, y) == len(np.intersect1d(x, y, assume_unique=True))
    xs = np.asarray(sorted(set(a)), dtype=np.int64)
    counts_x, counts_y = np.arange(1, len(xs) + 1, dtype=np.int64), np.arange(2, len(y) + 2, dtype=np.int64)
    assert shared_dot(xs, counts_x, y.astype(np.int64), counts_y) == int(
        sum(cx * cy for k, cx in zip(xs.tolist(), counts_x.tolist())
            for j, cy in zip(y.tolist(), counts_y.tolist()) if k == j))


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from("the a of said Cairo talks truce wire copy Égypte 北京 x".split()), max_size=150),
       st.lists(st.sampled_from("the a of said Cairo talks truce wire copy Égypte 北京 y".split()), max_size=150),
       st.booleans())
def test_edit_similarity_equals_rapidfuzz(a_words, b_words, copy):
    from wiretrace.normalize import normalize
    from wiretrace.relate import edit_similarity, edit_similarity_reference

    if copy:  # a copy with an edit: long common prefix and suffix
        b_words = a_words[: len(a_words) // 2] + b_words[:3] + a_words[len(a_words) // 2 + 1:]
    a, b = normalize(Article(id="a", text=" ".join(a_words))), normalize(Article(id="b", text=" ".join(b_words)))
    assert edit_similarity(a, b) == edit_similarity_reference(a, b)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 70), max_size=200), st.lists(st.integers(0, 70), max_size=200))
def test_lcs_kernel_agrees_with_rapidfuzz_indel(a, b):
    import numpy as np
    from rapidfuzz.distance import Indel

    from wiretrace._prep_kernels import lcs_length

    rows = np.full(80, -1, dtype=np.int32)
    common = lcs_length(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), rows)
    assert len(a) + len(b) - 2 * common == Indel.distance(a, b)
    assert (rows == -1).all()  # the scratch is left as found


def test_names_equal_reference_on_a_wire_story():
    from wiretrace.normalize import normalize
    from wiretrace.relate import names, names_reference

    doc = normalize(Article(id="w", text=WIRE))
    assert names(doc) == names_reference(doc)


def _name_keys_of_names(doc):
    from wiretrace.relate import names

    import numpy as np

    from wiretrace.fingerprint import token_hash

    return np.sort(np.asarray([token_hash(w) for w in names(doc)], dtype=np.uint64))


def test_name_keys_are_the_hashes_of_names_on_a_wire_story():
    from wiretrace.normalize import normalize
    from wiretrace.relate import name_keys

    doc = normalize(Article(id="w", text=WIRE + "\nOn Monday Mr Ölund met Éric in Paris. Paris, Monday."))
    keys = name_keys(doc)
    assert len(keys) >= 5 and keys.tolist() == _name_keys_of_names(doc).tolist()



def test_name_keys_of_an_ascii_text_come_from_the_kernel():
    """The compiled pass answers for ASCII first letters (no NumPy fallback): names repeated, calendar
    words, sentence openers and stopwords dropped, as ``names`` drops them."""
    import numpy as np

    from wiretrace import _prep_kernels
    from wiretrace.align import counted_flags, doc_ids
    from wiretrace.fingerprint import content_hashes
    from wiretrace.normalize import normalize
    from wiretrace.relate import _CALENDAR_KEYS, name_keys

    doc = normalize(Article(id="a", text="Paris said on Monday that The Hague and Paris met. Bob left in May."))
    t = doc.tokens
    codes = np.frombuffer(doc.article.text.encode("utf-32-le"), dtype=np.uint32)
    keys, done = _prep_kernels.name_hashes(doc.content, t.sentence, t.starts, codes, doc_ids(doc).words,
                                           counted_flags(), content_hashes(doc), _CALENDAR_KEYS)
    assert done
    assert keys.tolist() == name_keys(doc).tolist() == _name_keys_of_names(doc).tolist()
    assert len(keys) == 2  # Hague, Paris (the second); not Monday, May, The, or the openers Paris and Bob

@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Paris", "paris", "The", "Monday", "Ölund", "éric", "Éric", "a", "Al", "Bob",
                                 "said", ".", ",", "\n", "!", "Obama", "de", "DE", "Ça"]), max_size=60))
def test_name_keys_are_the_hashes_of_names(words):
    from wiretrace.normalize import normalize
    from wiretrace.relate import name_keys

    doc = normalize(Article(id="h", text=" ".join(words)))
    assert name_keys(doc).tolist() == _name_keys_of_names(doc).tolist()


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=400))
def test_share_is_the_python_float_mean(values):
    import numpy as np

    from wiretrace.relate import _share

    mask = np.asarray(values, dtype=bool)
    got, want = _share(int(np.count_nonzero(mask)), len(mask)), (float(mask.mean()) if len(mask) else 0.0)
    assert type(got) is float and got == want and round(got, 4) == round(want, 4)


def test_scores_of_a_pair_are_python_floats():
    result = compare(Article("a", WIRE), Article("b", WIRE + " " + OWN_WORDS))
    assert all(type(v) is float for v in result.scores.values()), result.scores
