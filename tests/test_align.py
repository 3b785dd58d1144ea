from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.align import align, align_reference, find_tiles_reference
from wiretrace.model import Article
from wiretrace.normalize import normalize

from helpers import WIRE


def doc(text, id="x"):
    return normalize(Article(id, text))


def check_invariants(a, b, alignment):
    """Spans inside the texts, no overlap on either side, verbatim spans identical after normalisation."""
    for side, d in (("a", a), ("b", b)):
        spans = sorted(getattr(p, side) for p in alignment.passages)
        for s, e in spans:
            assert 0 <= s < e <= len(d.article.text)
        assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1)), spans
    for p in alignment.passages:
        if p.kind == "verbatim":
            assert normalize(Article("p", a.article.text[p.a[0]:p.a[1]])).content_words == \
                normalize(Article("q", b.article.text[p.b[0]:p.b[1]])).content_words


def test_verbatim_copy_is_one_passage_per_paragraph_run():
    a, b = doc(WIRE), doc(WIRE)
    al = align(a, b)
    assert all(p.kind == "verbatim" for p in al.passages)
    assert al.covered_a.all() and al.covered_b.all()


def test_reordered_paragraph_is_still_aligned():
    paras = WIRE.split("\n\n")
    moved = "\n\n".join([paras[0], paras[5], *paras[1:5], paras[6]])
    a, b = doc(moved), doc(WIRE)
    al = align(a, b)
    assert al.covered_a.mean() > 0.95
    moved_para = paras[5]
    start = moved.index(moved_para)
    assert any(p.a[0] <= start + 10 and p.a[1] >= start + len(moved_para) - 10 for p in al.passages)
    check_invariants(a, b, al)


def test_small_edits_inside_copy_become_rewritten_passages():
    edited = WIRE.replace("approved a sweeping water conservation law", "passed a far-reaching law to save water")
    a, b = doc(edited), doc(WIRE)
    al = align(a, b)
    kinds = {p.kind for p in al.passages}
    assert kinds == {"verbatim", "rewritten"}
    rewritten = [p for p in al.passages if p.kind == "rewritten"]
    assert any("far-reaching" in a.article.text[p.a[0]:p.a[1]] for p in rewritten)
    check_invariants(a, b, al)


def test_matches_do_not_run_through_a_caption():
    caption = "A dry reservoir near Beja on Monday. Jane Roe/AFP via Getty Images"
    paras = WIRE.split("\n\n")
    with_caption = "\n\n".join([paras[0], caption, *paras[1:]])
    a, b = doc(with_caption), doc(WIRE)
    al = align(a, b)
    cap_start = with_caption.index(caption)
    for p in al.passages:
        assert p.a[1] <= cap_start or p.a[0] >= cap_start + len(caption)
    check_invariants(a, b, al)


sentences = st.lists(st.sampled_from([
    "The minister said the law would pass.", "Farmers protested in the capital on Monday.",
    "Reservoirs are at their lowest level.", "The vote was 142 to 61.", "Critics called the plan costly.",
    "Tourism has doubled since 1990.", "Rain fell by a fifth.", "The law takes effect in January.",
]), min_size=1, max_size=12)


@hsettings(max_examples=60, deadline=None)
@given(sentences, sentences)
def test_alignment_invariants_hold_on_generated_texts(xs, ys):
    a, b = doc(" ".join(xs), "a"), doc("\n\n".join(ys), "b")
    check_invariants(a, b, align(a, b))


def test_a_run_whose_first_seed_is_too_common_to_anchor_on_is_still_found() -> None:
    # "the water law" opens the article and recurs more often than max_seed_occurrences (20)
    text = "The water law passed. " + " ".join(f"The water law {w} them." for w in (
        "helps hurts funds taxes limits saves feeds frees binds guides lifts moves warns tests pays "
        "names marks joins keeps rates shapes".split()))
    a, b = doc(text, "a"), doc(text, "b")
    n = len(a.content_words)
    assert find_tiles_reference(a.content_words, b.content_words, a.breaks, b.breaks)[0].length == n
    for al in (align(a, b), align_reference(a, b)):
        assert [(p.a, p.b, p.kind) for p in al.passages] == [((0, len(text) - 1), (0, len(text) - 1), "verbatim")]
