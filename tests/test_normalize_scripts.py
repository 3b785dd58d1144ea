"""The tokenizer across scripts: character tokens for Chinese/Japanese/Thai, whole words with their
marks for Arabic/Hebrew/Indic, exact offsets everywhere, and reuse found in each language."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.model import Article
from wiretrace.normalize import normalize_word, tokenize
from wiretrace.pipeline import compare

sys.path.insert(0, str(Path(__file__).parent / "read"))
from langs import (  # noqa: E402
    AR_COPY, AR_WIRE, HE_COPY, HE_WIRE, JA_COPY, JA_WIRE, TH_COPY, TH_WIRE, ZH_COPY, ZH_WIRE)


def pieces(text: str) -> list[tuple[str, str]]:
    tokens = tokenize(text)
    return [(word, text[s:e]) for word, s, e in zip(tokens.words, tokens.starts, tokens.ends)]


def test_chinese_is_split_into_characters_with_latin_and_digits_kept_whole() -> None:
    assert pieces("新华社5月27日电iPhone15") == [
        ("新", "新"), ("华", "华"), ("社", "社"), ("5", "5"), ("月", "月"), ("27", "27"), ("日", "日"),
        ("电", "电"), ("iphone15", "iPhone15")]


def test_japanese_kana_keep_their_voicing_marks() -> None:
    assert [w for w, _ in pieces("です　デス")] == ["で", "す", "デ", "ス"]
    assert normalize_word("で") != normalize_word("て")


def test_thai_characters_keep_their_tone_marks() -> None:
    assert pieces("ง่าย") == [("ง่", "ง่"), ("า", "า"), ("ย", "ย")]


def test_arabic_word_with_harakat_and_tatweel_is_one_token_matching_the_plain_spelling() -> None:
    text = "مَرْحَبًا بِالعـــالم"
    assert [w for w, _ in pieces(text)] == ["مرحبا", "بالعالم"]
    assert pieces(text)[0][1] == "مَرْحَبًا"  # the offsets cover the marks as published


def test_hebrew_niqqud_is_folded_and_arabic_digits_become_ascii() -> None:
    assert [w for w, _ in pieces("שָׁלוֹם ٢٠٢١")] == ["שלום", "2021"]


def test_hindi_word_with_virama_stays_one_token() -> None:
    assert pieces("नमस्ते दुनिया") == [("नमस्ते", "नमस्ते"), ("दुनिया", "दुनिया")]


def test_decomposed_accent_stays_inside_its_word() -> None:
    assert pieces("Cafe\u0301 noir") == [("cafe", "Cafe\u0301"), ("noir", "noir")]


def test_full_width_latin_is_unified() -> None:
    assert [w for w, _ in pieces("ＷＯＲＬＤ")] == ["world"]


def test_sentences_end_at_cjk_and_arabic_punctuation() -> None:
    zh = tokenize("第一句。第二句！第三")
    assert list(zh.sentence) == [0, 0, 0, 1, 1, 1, 2, 2]
    ar = tokenize("ذهب الولد. كيف حالك؟ جيد")
    assert list(ar.sentence) == [0, 0, 1, 1, 2]


@pytest.mark.parametrize(("copy", "wire"), [(ZH_COPY, ZH_WIRE), (AR_COPY, AR_WIRE), (JA_COPY, JA_WIRE),
                                             (TH_COPY, TH_WIRE), (HE_COPY, HE_WIRE)],
                         ids=["chinese", "arabic", "japanese", "thai", "hebrew"])
def test_reuse_is_found_within_each_language(copy: str, wire: str) -> None:
    result = compare(Article("copy", copy), Article("wire", wire))
    assert result.relation == "derived"
    assert result.scores["coverage_a"] > 0.5
    for passage in result.passages:  # passages point at text that really is shared
        if passage.kind == "verbatim":
            assert copy[passage.a[0]:passage.a[1]] == wire[passage.b[0]:passage.b[1]]


def test_different_languages_are_unrelated() -> None:
    assert compare(Article("zh", ZH_WIRE), Article("ar", AR_WIRE)).relation == "unrelated"


_SCRIPTS = st.sampled_from(["北京时间", "カタカナです", "ภาษาไทย", "مَرْحَبًا", "שָׁלוֹם", "नमस्ते", "Côte",
                            "e\u0301", "\u200c", "\u0640", "٢٠", "。", "؟ ", " ", "\n", "ＷＯ", "x_y"])


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_SCRIPTS, st.text(max_size=3)), max_size=12).map("".join))
def test_mixed_script_tokens_point_at_their_own_characters_in_order(text: str) -> None:
    tokens = tokenize(text)
    for word, s, e in zip(tokens.words, tokens.starts, tokens.ends):
        assert 0 <= s < e <= len(text)
        assert normalize_word(text[s:e]) == word and word
    assert all(tokens.ends[i] <= tokens.starts[i + 1] for i in range(len(tokens.words) - 1))
