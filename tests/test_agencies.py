import re

from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.agencies import AGENCIES, _named_in, credited_agencies, literal_core

_PIECES = st.sampled_from(["A", "P", "ss", " ", "-", r"\b", r"\(", r"\)", "[- ]", "?", "+", "*", "{2}", "[^a]",
                           r"\s", ".", "Press", "AP"])
_TEXT = st.lists(st.sampled_from(["A", "P", "ss", " ", "-", "(", ")", "a", "Press", "AP", "\n", "PA Media",
                                  "Australian", "Associated", "Reuters", "dpa", "Agence France", "EFE", "_"]),
                 max_size=20).map("".join)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join), _TEXT)
def test_literal_core_is_in_every_match(pattern, text):
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    core = literal_core(pattern)
    if core is not None and compiled.search(text):
        assert core in text


@hsettings(max_examples=200, deadline=None)
@given(_TEXT)
def test_guarded_search_finds_what_every_credit_regex_finds(text):
    want = {a.name for a in AGENCIES if re.search("|".join(a.credits), text)}
    assert _named_in(text) == want


def test_overlapping_literals_are_all_seen():
    """A literal inside or overlapping another counts: the scan takes the longest literal at every
    position, and each shorter one starting there is a prefix of it."""
    assert _named_in("Associated Press Association") == {"Associated Press", "Press Association"}
    assert _named_in("the Australian Associated Press said") == {"AAP", "Associated Press"}
    assert _named_in("(AAP) reported") == {"AAP"}
    assert _named_in("United Press International and Press Trust of India") == {"UPI", "PTI"}


def test_credits_are_found_through_the_guard():
    assert credited_agencies("The talks, Reuters reported, ended. (AP) said so.") == {"Reuters", "Associated Press"}
    assert literal_core(r"\bAgence France[- ]Presse\b") == "Agence France"
    assert literal_core(r"a|b") is None


def test_a_text_without_any_credit_literal_names_no_agency_and_a_registered_agency_counts():
    from wiretrace import agencies
    from wiretrace.agencies import Agency, register

    assert _named_in("The talks ended without a deal on Tuesday.") == set()
    register(Agency("Test Wire", ("test wire",), (r"\bTestWire\b",)))
    try:
        assert _named_in("Officials told TestWire the talks ended.") == {"Test Wire"}
    finally:
        AGENCIES.pop()
        agencies._compiled.cache = None  # type: ignore[attr-defined]
