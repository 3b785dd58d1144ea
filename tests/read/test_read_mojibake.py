"""``looks_bad`` must answer exactly as ftfy's ``is_bad``: it only searches less of the text."""

from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse

from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wiretrace.read.decode import _BADNESS_REACH, looks_bad, repair_mojibake

# ASCII plus the characters ftfy's pattern is made of (mojibake of cp1252, MacRoman, cp1251, cp1253)
_ALPHABET = st.sampled_from(list("aZ .,?!\n\t0é") + list("ÂÃÎÐØÙàÀÉ€œŠš¢£Ÿž\xa0\xad®©°·»«–—´‘’“”×²³√±∂†≈‚ÄìвЂВГРСβΒΓΞΟā°µ¼½¾ГўЂ"))


def _needs_non_ascii(item: tuple) -> bool:
    op, arg = item
    if op is sre.LITERAL:
        return arg >= 128
    if op is sre.IN:
        return all(o is sre.LITERAL and a >= 128 or o is sre.RANGE and a[0] >= 128 for o, a in arg)
    return False


def test_every_alternative_needs_a_non_ascii_character_within_reach() -> None:
    tree = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    (op, (_, branches)), = tree
    assert op is sre.BRANCH and len(branches) > 30
    assert all(any(_needs_non_ascii(item) for item in branch) for branch in branches)
    assert tree.getwidth()[1] <= _BADNESS_REACH


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60), st.integers(0, 40))
@example("Ã ", 0)
@example("x Ã ", 0)
@example("word" + " " * 30 + "ГўВЂВ™s", 0)
def test_looks_bad_equals_ftfy(text: str, pad: int) -> None:
    padded = "plain ascii text " * pad + text + " more ascii" * (pad % 3)
    assert looks_bad(text) == is_bad(text)
    assert looks_bad(padded) == is_bad(padded)


def test_repairs_mojibake_and_keeps_clean_text() -> None:
    assert repair_mojibake("The cafÃ© was closed") == "The café was closed"
    clean = "“Quoted,” she said — and left. Café, naïve, 10 €."
    assert not looks_bad(clean)
    assert repair_mojibake(clean) == clean
    assert looks_bad("Ã ")  # the start anchor of ftfy's pattern still counts
    assert not looks_bad("plain ASCII")
