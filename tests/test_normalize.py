from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.model import Article
from wiretrace.normalize import normalize, normalize_word, tag_boilerplate, tokenize


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start:s.end]) for s in tag_boilerplate(text)]


def test_ap_file_caption_and_credit_are_tagged():
    text = ("FILE - In this May 12, 2021 file photo, a man speaks in Ramallah. (AP Photo/Majdi Mohammed, File)\n\n"
            "CAIRO – Egypt has invited Israel to talks.")
    found = kinds(text)
    assert found[0][0] == "caption" and found[0][1].endswith("(AP Photo/Majdi Mohammed, File)")
    assert ("dateline", "CAIRO –") in found


def test_getty_caption_with_its_headline_line_is_tagged():
    text = ("Talks begin.\n\nChild Rides Bicycle Amid Ruins\nA child rides past ruins in Rafah on May 26, 2021. "
            "Said Khatib/AFP via Getty Images\n\nThe talks would also focus on reconstruction.")
    spans = tag_boilerplate(text)
    assert len(spans) == 1
    assert text[spans[0].start:spans[0].end].startswith("Child Rides Bicycle")
    assert text[spans[0].start:spans[0].end].endswith("Getty Images")


def test_credit_lines_bylines_and_footers_are_tagged():
    text = ("By JANE DOE Associated Press\n"
            "WASHINGTON (AP) — The Senate voted.\n"
            "For more reporting from the Associated Press, see below.\n"
            "Copyright 2025 The Associated Press. All rights reserved.\n"
            "Sign up for our morning newsletter to get the news first.")
    got = [k for k, _ in kinds(text)]
    assert got == ["byline", "dateline", "credit", "credit", "footer"]


def test_ordinary_sentences_are_not_boilerplate():
    text = "The minister said the plan would cost 300 million euros.\n\nFarmers protested in Lisbon."
    assert tag_boilerplate(text) == []


def test_scraped_date_prefix_is_metadata():
    assert kinds(" date 2021-05-27 The talks began.")[0] == ("metadata", " date 2021-05-27")


def test_boilerplate_tokens_are_masked_but_offsets_kept():
    text = "CAIRO – Egypt invited Israel.\nFor more reporting from the Associated Press, see below."
    doc = normalize(Article("x", text))
    words = doc.content_words
    assert words == ["egypt", "invited", "israel"]
    assert len(doc.tokens) > len(words)  # the credit line is still there, only masked


def test_normalize_word_folds_case_and_accents():
    assert normalize_word("Évora") == "evora"
    assert normalize_word("CÔTE") == "cote"


@hsettings(max_examples=200, deadline=None)
@given(st.text())
def test_every_token_points_at_its_own_characters(text):
    tokens = tokenize(text)
    assert len(tokens.starts) == len(tokens.words) == len(tokens.ends)
    for word, s, e in zip(tokens.words, tokens.starts, tokens.ends):
        assert 0 <= s < e <= len(text)
        assert normalize_word(text[s:e]) == word
    # tokens are in order and do not overlap
    assert all(tokens.ends[i] <= tokens.starts[i + 1] for i in range(len(tokens.words) - 1))


@hsettings(max_examples=100, deadline=None)
@given(st.text())
def test_boilerplate_spans_are_inside_the_text_and_disjoint(text):
    spans = tag_boilerplate(text)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
    assert all(spans[i].end <= spans[i + 1].start for i in range(len(spans) - 1))



_PIECES = st.one_of(
    st.sampled_from(list("aZé9 .,!?\n'’-–—/()©:=_*\u0640\u200d\u0301北Ωß£“İſ")),
    st.sampled_from([" date 2021-05-27 ", "FILE - ", "(AP Photo/A B)", "Copyright ", "By JOHN SMITH\n",
                     "CAIRO – ", "For more news from AP\n", "Reporting by X Y\n", "--------\n",
                     "12:45 27/01/00: Page 2\n", "Sign up for\n", " Said Khatib/AFP via Getty Images\n",
                     "Egypt ", "talks ", "Évora "]))
_TEXTS = st.one_of(st.text(), st.lists(_PIECES, max_size=60).map("".join))


@hsettings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_vectorised_tokenizer_equals_reference(text):
    from wiretrace.normalize import tokenize_reference

    spans = tag_boilerplate(text)
    got, want = tokenize(text, spans), tokenize_reference(text, spans)
    assert got.words == want.words
    for field in ("starts", "ends", "boilerplate", "sentence", "paragraph"):
        assert getattr(got, field).tolist() == getattr(want, field).tolist()
        assert getattr(got, field).dtype == getattr(want, field).dtype


@hsettings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_boilerplate_needles_never_skip_a_match(text):
    from wiretrace.normalize import _BOILERPLATE_PATTERNS, _DATELINE_ANYWHERE, _merge_spans
    from wiretrace.model import Span

    spans = [Span(m.start(), m.end(), kind) for kind, pattern, _ in _BOILERPLATE_PATTERNS
             for m in pattern.finditer(text) if m.end() > m.start()]
    assert tag_boilerplate(text) == _merge_spans(spans)
    assert _DATELINE_ANYWHERE is _BOILERPLATE_PATTERNS[13][1]



@hsettings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_words_read_one_at_a_time_are_the_split_words(text):
    """The compiled tokenizer leaves the words unsplit until asked; ``word(i)`` on untouched tokens
    reads the same word the list holds, and the list is only built when ``words`` is read."""
    tokens = tokenize(text, tag_boilerplate(text))
    one_by_one = [tokens.word(i) for i in range(len(tokens))]
    if text.isascii():
        assert tokens._words is None  # not split by word(i)
    assert one_by_one == tokens.words == tokenize(text).words
    assert len(tokens) == len(tokens.words) == len(tokens.starts)


def test_tokens_need_words_or_the_spaced_text():
    import numpy as np
    import pytest

    from wiretrace.model import Tokens

    empty = np.zeros(0, dtype=np.int64)
    with pytest.raises(ValueError):
        Tokens(empty, empty, empty.astype(bool), empty.astype(np.int32), empty.astype(np.int32))


_SENTENCE_PIECES = st.one_of(
    st.sampled_from(list(".!?\"'”’“‘()[]«» \t\n\r\x0b\x0c\x1c\x85\u00a0\u3000。؟۔aZ9é£—")),
    st.sampled_from(["Mr. Smith", ". The", "!\" He", "? (A", ".’ ‘B", ".\n\n", "، ש", ". مر", "。北", "\n\n\n"]))
_SENTENCE_TEXTS = st.one_of(st.text(), st.lists(_SENTENCE_PIECES, max_size=40).map("".join))


@hsettings(max_examples=400, deadline=None)
@given(_SENTENCE_TEXTS)
def test_compiled_tokenizer_equals_vectorised_and_its_breaks_the_regex(text):
    from wiretrace.normalize import _PARAGRAPH_END, _SENTENCE_END, tokenize_vectorised

    spans = tag_boilerplate(text)
    got, want = tokenize(text, spans), tokenize_vectorised(text, spans)
    assert got.words == want.words
    for field in ("starts", "ends", "boilerplate", "sentence", "paragraph"):
        assert getattr(got, field).tolist() == getattr(want, field).tolist()
        assert getattr(got, field).dtype == getattr(want, field).dtype
    # the break scanners themselves, on texts without the regex-only characters
    import numpy as np

    from wiretrace import _prep_kernels
    from wiretrace.normalize import _SENTENCE_SPECIAL

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    assert _prep_kernels.paragraph_ends(codes).tolist() == [m.end() for m in _PARAGRAPH_END.finditer(text)]
    plain = "".join(ch for ch in text if ch.isascii() or not _SENTENCE_SPECIAL.match(ch))
    codes = np.frombuffer(plain.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    got_ends = _prep_kernels.sentence_ends(codes, _prep_kernels._CLOSERS, _prep_kernels._OPENERS).tolist()
    assert got_ends == [m.end() for m in _SENTENCE_END.finditer(plain)]


_GATE_PIECES = st.one_of(
    _PIECES,
    st.sampled_from(list(" \t\r\n\x0b\x0c\x1c\x85\u00a0\u2003\u3000-=_*:/İıſK")),
    st.sampled_from(["Sign up for", "SUBSCRIBE TO", "follow us on", "Related:", "This story first appeared",
                     "this article originally was published", "For more news from", "All Rights Reserved",
                     "This material may not be published, broadcast, rewritten or redistributed", "©", "Copyright",
                     "(Additional reporting by", "Editing by", "By Jane Doe", "By ", "LONDON, March 14 (Reuters) -",
                     "HARBOR CITY, Md. (AP) — ", "A ", "US-", "=-=-=-=-", "********", "12:45 27/01/00:",
                     "Said Khatib/AFP via Getty Images", "/AP", " date 2021-05-27 ", "2021-05-27 CAIRO — "]))


@hsettings(max_examples=500, deadline=None)
@given(st.lists(_GATE_PIECES, max_size=40).map("".join))
def test_gated_boilerplate_tagging_equals_reference(text):
    from wiretrace.normalize import tag_boilerplate_reference

    assert tag_boilerplate(text) == tag_boilerplate_reference(text)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_GATE_PIECES, max_size=40).map("".join))
def test_boilerplate_spans_kept_by_the_store_give_the_same_document(text):
    """A scan keeps each article's boilerplate spans from ingest (``encode_spans``) and aligns from
    them: the document must be the one tagging them again gives."""
    from wiretrace.normalize import decode_spans, encode_spans

    spans = tag_boilerplate(text)
    blob = encode_spans(spans)
    assert blob is not None and decode_spans(blob) == spans
    article = Article("k", text)
    again, kept = normalize(article), normalize(article, boilerplate=decode_spans(blob))
    assert again.boilerplate == kept.boilerplate and again.content.tolist() == kept.content.tolist()
    assert again.tokens.words == kept.tokens.words


def test_kept_spans_of_a_clipped_text_are_not_used():
    from wiretrace.settings import Settings

    text = "LONDON (Reuters) - Talks began. " * 4
    doc = normalize(Article("c", text), Settings(max_article_chars=40), boilerplate=[])
    assert [s.kind for s in doc.boilerplate] == ["dateline"]  # tagged again: the spans given were the whole text's


def test_spans_of_another_kind_are_not_encoded():
    from wiretrace.model import Span
    from wiretrace.normalize import encode_spans

    assert encode_spans([Span(0, 4, "repeated")]) is None
    assert encode_spans([]) == b""
