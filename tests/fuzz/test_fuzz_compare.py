"""Fuzzing `compare` (two articles, and `compare --batch` lines) with hypothesis: never a crash,
every offset inside its text, every result serialisable to the JSON contract.

Texts are built from sentences in several scripts, shared between the two sides so alignment
really runs, with random Unicode mixed in. Budget as in ``test_fuzz_readers`` (WIRETRACE_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.batch import compare_batch
from wiretrace.errors import InputError
from wiretrace.model import Article
from wiretrace.pipeline import compare

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = int(os.environ.get("WIRETRACE_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("WIRETRACE_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SENTENCES = [
    "LISBON (AP) — Portugal's parliament approved a sweeping water conservation law on Tuesday.",
    "The law caps irrigation for golf courses and funds desalination plants, the ministry said.",
    "FILE - In this May 12, 2021 file photo, a man walks. (AP Photo/Jane Doe, File)",
    "国家气象局27日发布消息说，今年入夏以来，华北地区降雨量比常年同期偏少四成。",
    "أعلنت وزارة الري المصرية يوم الثلاثاء خطة جديدة لترشيد استهلاك المياه في الزراعة.",
    "気象庁は二十七日、関東地方で平年より十日早く梅雨明けしたとみられると発表した。",
    "ภาษาไทยง่ายนิดเดียว และรัฐบาลประกาศแผนใหม่",
    "שָׁלוֹם עולם, אמר השר בירושלים.",
    "Copyright 2025 The Associated Press. All rights reserved.",
    "By JANE DOE Associated Press",
    "\n\n",
]

_pieces = st.one_of(st.sampled_from(SENTENCES), st.text(max_size=40))
texts = st.lists(_pieces, min_size=1, max_size=14).map(" ".join).filter(str.strip)


def check_result(result, a: Article, b: Article) -> None:
    """Offsets in range and ordered; labels from the contract; JSON-serialisable."""
    assert result.relation in {"duplicate", "derived", "same_story", "unrelated"}
    assert result.degree in {"wholly", "partially", "none"}
    assert result.source in {None, a.id, b.id}
    assert 0.0 <= result.direction_confidence <= 1.0
    for passage in result.passages:
        assert 0 <= passage.a[0] < passage.a[1] <= len(a.text)
        assert 0 <= passage.b[0] < passage.b[1] <= len(b.text)
        assert passage.kind in {"verbatim", "rewritten"}
    for spans, text in ((result.new_in_a, a.text), (result.new_in_b, b.text)):
        for start, end in spans:
            assert 0 <= start <= end <= len(text)
    json.dumps(result.to_json(), allow_nan=False)


@FUZZ
@given(texts, texts, st.booleans())
def test_fuzz_compare(text_a: str, text_b: str, share: bool) -> None:
    if share:  # make the second article reuse the first, so alignment and relation really run
        text_b = text_b + "\n" + text_a[: len(text_a) // 2 + 1]
    a, b = Article("a", text_a, date="2021-05-27"), Article("b", text_b, outlet="AP")
    check_result(compare(a, b), a, b)


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts, st.text(max_size=10))
_article = st.one_of(texts, st.dictionaries(st.sampled_from(["id", "text", "date", "outlet", "title", "url"]),
                                            _values, max_size=6), _values)
_line = st.one_of(
    st.builds(lambda pid, a, b: json.dumps({"id": pid, "a": a, "b": b}), _values, _article, _article),
    st.binary(max_size=60).map(lambda raw: raw.decode("utf-8", errors="replace")),
    st.text(max_size=60),
)


def check_batch(data: bytes) -> None:
    """A batch file never crashes: each line gives a compare object or an error row."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.jsonl"
        path.write_bytes(data)
        try:
            rows = list(compare_batch(path))
        except InputError:
            return
        for row in rows:
            assert "id" in row
            assert ("error" in row and "line" in row) or "relation" in row
            json.dumps(row)


@pytest.mark.parametrize("file", sorted((CORPUS / "compare_batch").iterdir()), ids=lambda file: file.name)
def test_corpus_batches_do_not_crash(file: Path) -> None:
    check_batch(file.read_bytes())


@FUZZ
@given(st.lists(_line, min_size=1, max_size=4), st.binary(max_size=8))
def test_fuzz_compare_batch(lines: list[str], junk: bytes) -> None:
    check_batch("\n".join(line.replace("\n", " ") for line in lines).encode() + b"\n" + junk)
