"""Passage regions after alignment (``wiretrace.passages``): one reused region reads as one run of
passages with no holes, moved text stays apart, and ``verbatim`` passages stay identical."""

from __future__ import annotations

import re

from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.align import align
from wiretrace.model import Article
from wiretrace.normalize import normalize

from helpers import WIRE
from test_align import check_invariants


def doc(text: str, id: str = "x"):
    return normalize(Article(id, text))


def regions(text_a: str, text_b: str, passages) -> list[list]:
    """Passages grouped into runs that follow each other in both texts with only whitespace and
    punctuation between (in A order; the next one may sit just before the run in B)."""
    def sep(text: str, s: int, e: int) -> bool:
        return s <= e and not re.search(r"\w", text[s:e])

    out: list[list] = []
    for p in sorted(passages, key=lambda p: p.a):
        if out:
            last = out[-1]
            b_lo, b_hi = min(q.b[0] for q in last), max(q.b[1] for q in last)
            if sep(text_a, last[-1].a[1], p.a[0]) and (sep(text_b, b_hi, p.b[0]) or sep(text_b, p.b[1], b_lo)):
                last.append(p)
                continue
        out.append([p])
    return out


def typo(text: str, every: int = 9) -> str:
    """Every ``every``-th word of five letters or more gets two letters swapped (OCR/typing noise)."""
    words = text.split(" ")
    for i in range(3, len(words), every):
        w = words[i]
        if len(w) >= 5 and w.isalpha():
            words[i] = w[0] + w[2] + w[1] + w[3:]
    return " ".join(words)


def test_noisy_copy_is_one_region_per_paragraph_run_without_holes() -> None:
    noisy = typo(WIRE)
    assert noisy != WIRE
    a, b = doc(noisy, "a"), doc(WIRE, "b")
    al = align(a, b)
    check_invariants(a, b, al)
    assert {p.kind for p in al.passages} == {"verbatim", "rewritten"}
    assert len(regions(noisy, WIRE, al.passages)) == 1
    assert al.covered_a.all() and al.covered_b.all()


def test_an_inserted_word_does_not_leave_a_hole() -> None:
    edited = WIRE.replace("approved a sweeping water", "approved a sweeping and long-awaited water")
    a, b = doc(edited, "a"), doc(WIRE, "b")
    al = align(a, b)
    check_invariants(a, b, al)
    assert len(regions(edited, WIRE, al.passages)) == 1
    assert al.covered_a.all() and al.covered_b.all()
    inserted = edited.index("long-awaited")
    assert any(p.kind == "rewritten" and p.a[0] <= inserted < p.a[1] for p in al.passages)


def test_a_deleted_word_does_not_leave_a_hole() -> None:
    edited = WIRE.replace("funds a network of desalination", "funds desalination")
    a, b = doc(edited, "a"), doc(WIRE, "b")
    al = align(a, b)
    check_invariants(a, b, al)
    assert len(regions(edited, WIRE, al.passages)) == 1
    assert al.covered_b.all()


def test_swapped_clauses_are_one_rewritten_sentence() -> None:
    source = ("The law caps irrigation for golf courses and funds new desalination plants, "
              "the environment ministry said in a statement on Tuesday.")
    copy = ("The environment ministry said in a statement on Tuesday that the law caps irrigation for "
            "golf courses and funds new desalination plants.")
    a, b = doc(copy, "a"), doc(source, "b")
    al = align(a, b)
    check_invariants(a, b, al)
    assert len(al.passages) == 1 and al.passages[0].kind == "rewritten"
    assert al.passages[0].a == (0, len(copy) - 1) and al.passages[0].b == (0, len(source) - 1)


def test_moved_paragraph_stays_a_separate_region() -> None:
    paras = WIRE.split("\n\n")
    moved = "\n\n".join([paras[0], paras[5], *paras[1:5], paras[6]])
    a, b = doc(moved, "a"), doc(WIRE, "b")
    al = align(a, b)
    check_invariants(a, b, al)
    # the lead, the moved paragraph, the four it jumped over, the last one: nothing bridged across
    def span(text: str, first: str, last: str) -> tuple[int, int]:
        return text.index(first) + 14 * (first == paras[0]), text.index(last) + len(last) - 1

    blocks = [(paras[0], paras[0]), (paras[5], paras[5]), (paras[1], paras[4]), (paras[6], paras[6])]
    assert [(p.a, p.b, p.kind) for p in al.passages] == [
        (span(moved, *blk), span(WIRE, *blk), "verbatim") for blk in blocks]


def test_a_stray_short_match_of_function_words_is_not_a_passage_but_one_of_names_is() -> None:
    a = doc(WIRE + "\n\nEngineers said it will be weeks before the bridge reopens.", "a")
    b = doc("The mayor said it will be cold all winter.", "b")
    assert align(a, b).passages == []
    b = doc("The mayor said it will be cold all winter, Helena Duarte told reporters.", "b")
    assert [a.article.text[slice(*p.a)] for p in align(a, b).passages] == ["Helena Duarte told"]


WORDS = ("water law golf course rain plant coast minister vote farmer fruit euro tourism south "
         "drought reservoir record level ministry statement").split()


@st.composite
def edited_pair(draw) -> tuple[str, str]:
    """A text and a copy of it with random word substitutions, insertions and deletions."""
    base = draw(st.lists(st.sampled_from(WORDS), min_size=5, max_size=60))
    copy = list(base)
    for _ in range(draw(st.integers(0, 8))):
        if not copy:
            break
        op = draw(st.sampled_from(("sub", "ins", "del")))
        at = draw(st.integers(0, len(copy) - 1))
        if op == "sub":
            copy[at] = draw(st.sampled_from(WORDS))
        elif op == "ins":
            copy.insert(at, draw(st.sampled_from(WORDS)))
        else:
            del copy[at]
    return " ".join(base) + ".", (" ".join(copy) + ".") if copy else "Nothing."


@hsettings(max_examples=80, deadline=None)
@given(edited_pair())
def test_regions_keep_the_invariants_under_random_edits(pair: tuple[str, str]) -> None:
    a, b = doc(pair[1], "a"), doc(pair[0], "b")
    al = align(a, b)
    check_invariants(a, b, al)
    # masks agree with the passages
    covered = sum(p.a_tokens[1] - p.a_tokens[0] for p in al.passages)
    assert covered == int(al.covered_a.sum())
    verbatim = sum(p.a_tokens[1] - p.a_tokens[0] for p in al.passages if p.kind == "verbatim")
    assert verbatim == int(al.verbatim_a.sum())
