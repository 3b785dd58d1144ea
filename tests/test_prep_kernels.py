"""The compiled preparation kernels agree with the plain reference functions on generated input."""

import numpy as np
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace import _prep_kernels
from wiretrace.fingerprint import (fingerprint, fingerprint_reference, minhash_reference, permutations,
                                   shingle_hashes_reference, token_hashes, token_hashes_reference,
                                   winnow_reference)
from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.settings import Settings

hashes = st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=60)
small_hashes = st.lists(st.integers(min_value=0, max_value=12), max_size=60)  # many ties


@hsettings(max_examples=200, deadline=None)
@given(hashes, st.integers(min_value=1, max_value=6))
def test_kernel_shingles_equal_reference(values, n):
    got = _prep_kernels.shingles(np.asarray(values, dtype=np.uint64), n)
    assert got.tolist() == shingle_hashes_reference(values, n)


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(hashes, small_hashes), st.integers(min_value=1, max_value=8))
def test_kernel_winnowing_equals_reference(values, w):
    h = np.asarray(values, dtype=np.uint64)
    got = h[_prep_kernels.winnow_positions(h, w)].tolist()
    want = winnow_reference(values, w)
    if len(values) <= w:  # a short text contributes its minimum (the position is not part of the answer)
        assert got == want
    else:
        assert got == want and _prep_kernels.winnow_positions(h, w).tolist() == sorted(
            {s + max(i for i in range(w) if values[s + i] == min(values[s:s + w])) for s in range(len(values) - w + 1)})


@hsettings(max_examples=200, deadline=None)
@given(st.one_of(hashes, small_hashes))
def test_kernel_unique_equals_numpy(values):
    h = np.asarray(values, dtype=np.uint64)
    assert _prep_kernels.unique(h).tolist() == np.unique(h).tolist()


@hsettings(max_examples=60, deadline=None)
@given(hashes, st.integers(min_value=1, max_value=40), st.booleans())
def test_kernel_minhash_equals_reference(values, num_perm, wide):
    a, b = permutations(num_perm, seed=num_perm)
    if wide:  # parameters past 2^32 take the plain-modulus path (products wrap as uint64, like NumPy's)
        a = a | np.uint64(1 << 40)
    got = _prep_kernels.minhash(np.asarray(values, dtype=np.uint64), a, b).tolist()
    if wide:
        x = np.asarray(values, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
        with np.errstate(over="ignore"):
            y = ((a[:, None] * x[None, :] + b[:, None]) % np.uint64((1 << 61) - 1)) & np.uint64(0xFFFFFFFF)
        want = y.min(axis=1).tolist() if values else [2**32 - 1] * num_perm
    else:
        want = minhash_reference(values, a, b) if values else [2**32 - 1] * num_perm
    assert got == want


text = st.text(alphabet=st.sampled_from(list("the news wire copy  talks Côte d'Ivoire 北京 ٠١ ,.\n")), max_size=300)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=40))
def test_token_hashes_equal_reference(words):
    assert token_hashes(words).tolist() == token_hashes_reference(words).tolist()
    assert token_hashes(words).dtype == np.uint64


@hsettings(max_examples=60, deadline=None)
@given(text, st.booleans(), st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=6))
def test_fingerprint_equals_reference(body, candidates, n, window):
    settings = Settings(shingle_size=n, winnow_window=window, num_perm=16, lsh_bands=4)
    doc = normalize(Article(id="x", text=body), settings)
    got, want = fingerprint(doc, settings, candidates), fingerprint_reference(doc, settings, candidates)
    for field in ("shingles", "signature", "winnowed"):
        assert getattr(got, field).dtype == getattr(want, field).dtype
        assert getattr(got, field).tolist() == getattr(want, field).tolist()


_SENTENCES = st.lists(st.lists(st.sampled_from("the wire copy story Cairo talks truce sign up for our newsletter "
                                               "Ελλάδα Côte 北京".split()), min_size=1, max_size=12)
                      .map(lambda ws: " ".join(ws) + "."), min_size=1, max_size=12).map(" ".join)


@hsettings(max_examples=120, deadline=None)
@given(_SENTENCES, st.data())
def test_repeated_spans_equal_reference(body, data):
    from wiretrace.boilerplate import repeated_spans, repeated_spans_reference
    from wiretrace.settings import DEFAULT

    doc = normalize(Article(id="x", text=body))
    fp = fingerprint(doc)
    keys = data.draw(st.lists(st.sampled_from(fp.winnowed.tolist() or [1]), max_size=8))
    keys += data.draw(st.lists(st.integers(0, 2**64 - 1), max_size=3))
    boilerplate = np.asarray(data.draw(st.sampled_from([sorted(set(keys)), keys])), dtype=np.uint64)
    want = repeated_spans_reference(doc, boilerplate, DEFAULT)
    assert repeated_spans(doc, boilerplate, DEFAULT) == want
    assert repeated_spans(doc, boilerplate, DEFAULT, token_hashes(doc.content_words), fp.winnowed) == want


@hsettings(max_examples=60, deadline=None)
@given(_SENTENCES, st.data())
def test_with_boilerplate_equals_the_reference_steps(body, data):
    from wiretrace.boilerplate import repeated_spans_reference, tag_repeated
    from wiretrace.pipeline import prepare, prepare_to_compare, with_boilerplate

    for p in (prepare(Article(id="x", text=body)), prepare_to_compare(Article(id="x", text=body))):
        keys = data.draw(st.lists(st.sampled_from(fingerprint(p.doc).winnowed.tolist() or [1]), max_size=6))
        boilerplate = np.asarray(sorted(set(keys)), dtype=np.uint64)
        got = with_boilerplate(p, boilerplate)
        spans = repeated_spans_reference(p.doc, boilerplate)
        doc = tag_repeated(p.doc, spans) if spans else p.doc
        want = fingerprint_reference(doc, candidates=bool(p.fp.signature.size))
        assert got.doc.boilerplate == doc.boilerplate and got.doc.content.tolist() == doc.content.tolist()
        assert got.doc.tokens.boilerplate.tolist() == doc.tokens.boilerplate.tolist()
        for field in ("shingles", "signature", "winnowed"):
            assert getattr(got.fp, field).tolist() == getattr(want, field).tolist()
    # a scan's workers tag the normalised document first and fingerprint it once: the same result
    from wiretrace.normalize import normalize
    from wiretrace.pipeline import tagged_to_compare

    once = tagged_to_compare(normalize(Article(id="x", text=body)), boilerplate)
    twice = with_boilerplate(prepare_to_compare(Article(id="x", text=body)), boilerplate)
    assert once.doc.boilerplate == twice.doc.boilerplate and once.doc.content.tolist() == twice.doc.content.tolist()
    assert once.fp.shingles.tolist() == twice.fp.shingles.tolist() and not once.fp.signature.size


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=200), max_size=140), max_size=8))
def test_compiled_token_hashes_are_xxh3_of_the_lowered_token(tokens):
    import xxhash

    from wiretrace._prep_kernels import ascii_token_hashes

    text = "".join(tokens)
    bounds = np.cumsum([0] + [len(t) for t in tokens])
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    hashes, done = ascii_token_hashes(codes, bounds[:-1].astype(np.int64), bounds[1:].astype(np.int64))
    for t, h, ok in zip(tokens, hashes.tolist(), done.tolist()):
        assert ok == (t.isascii() and len(t) <= 128)
        if ok:
            assert h == xxhash.xxh3_64_intdigest(t.lower().encode())


@hsettings(max_examples=150, deadline=None)
@given(st.one_of(text, st.text(max_size=300)))
def test_content_hashes_equal_token_hashes_of_the_content_words(body):
    from wiretrace.fingerprint import content_hashes

    doc = normalize(Article(id="x", text=body))
    assert content_hashes(doc).tolist() == token_hashes_reference(doc.content_words).tolist()
    assert content_hashes(doc).dtype == np.uint64


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=80), st.data())
def test_stem_counts_equal_the_numpy_steps(words, data):
    """``stem_counts`` gives what ``align.doc_ids`` computed with NumPy: masked stems, the counted
    stems' distinct values and counts, and the sum of the counts squared."""
    from wiretrace import _prep_kernels

    stem_of = np.asarray(data.draw(st.lists(st.integers(0, 30), min_size=31, max_size=31)), dtype=np.int64)
    counted = np.asarray(data.draw(st.lists(st.booleans(), min_size=31, max_size=31)), dtype=bool)
    matched = np.asarray(data.draw(st.lists(st.booleans(), min_size=31, max_size=31)), dtype=bool)
    ids = np.asarray(words, dtype=np.int64)
    stems, distinct, counts, norm = _prep_kernels.stem_counts(ids, stem_of, counted, matched)
    want_distinct, want_counts = np.unique(stem_of[ids][counted[ids]], return_counts=True)
    assert stems.tolist() == np.where(matched[ids], stem_of[ids], -1).tolist() and stems.dtype == np.int64
    assert distinct.tolist() == want_distinct.tolist() and counts.tolist() == want_counts.tolist()
    assert distinct.dtype == counts.dtype == np.int64 and norm == int((want_counts ** 2).sum())
