"""The METER loader on the real courts corpus; skipped when the corpus is not present.

The corpus is research-use material read in place from /work/shared/data; nothing of it is copied.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from wiretrace.evaluate.meter import load_meter, load_meter_spans, project_spans

METER = Path(os.environ.get("WIRETRACE_METER", "/work/shared/data/meter-courts"))

pytestmark = pytest.mark.skipif(
    not (METER / "PA" / "rawtexts" / "courts").is_dir(), reason="METER corpus not available"
)

# The one non-derived article whose <date>/<catchline> folder has no PA copy at all.
NO_PA_FOLDER = "newspapers/courts/08.12.99/policeman/policeman350_telegraph"


@pytest.fixture(scope="module")
def corpus():
    return load_meter(METER)


@pytest.fixture(scope="module")
def spans():
    return load_meter_spans(METER, tagged_only=False)


def test_counts(corpus) -> None:
    assert len(corpus.pa) == 660
    assert len(corpus.newspapers) == 770
    assert len(corpus.articles) == 1430
    assert len({a.id for a in corpus.articles}) == 1430
    assert Counter(corpus.gold.values()) == {"wholly": 262, "partially": 342, "none": 166}
    assert corpus.unmatched_gold == []
    assert corpus.gold_conflicts == []
    assert set(corpus.gold) == {a.id for a in corpus.newspapers}


def test_every_labelled_article_has_a_candidate_source(corpus) -> None:
    without = {i for i in corpus.gold if not corpus.candidate_sources[i]}
    # all but one: a non-derived Telegraph piece filed under a catchline PA has no folder for
    assert without == {NO_PA_FOLDER}
    assert corpus.gold[NO_PA_FOLDER] == "none"
    pa_ids = {a.id for a in corpus.pa}
    assert all(set(v) <= pa_ids for v in corpus.candidate_sources.values())


def test_fields(corpus) -> None:
    assert all(a.date and len(a.date) == 10 for a in corpus.articles)
    assert all("\r\n" not in a.text for a in corpus.articles)
    outlets = Counter(a.outlet for a in corpus.newspapers)
    assert len(outlets) == 11 and outlets["The Daily Telegraph"] == 128
    assert {a.outlet for a in corpus.pa} == {"Press Association"}
    for a in corpus.pa:
        assert a.meta["pa_timestamp"][:10] == a.date
        assert 0 < a.meta["header_end"] < a.meta["body_end"] <= len(a.text)
    assert sum(a.title is not None for a in corpus.pa) > 300


def test_annotations(corpus, spans) -> None:
    by = corpus.by_id()
    assert len(spans) == 742 and set(spans) <= set(by)
    tagged = {k: v for k, v in spans.items() if v.tagged}
    assert len(tagged) == 355
    names = {"wholly-derived": "wholly", "partially-derived": "partially", "non-derived": "none"}
    assert all(names[v.meta["classification"]] == corpus.gold[k] for k, v in spans.items())
    same = sum(v.text.rstrip() == by[k].text.rstrip() for k, v in spans.items())
    assert same >= 730
    exact = 0
    for k, v in tagged.items():
        raw = by[k].text
        projected = project_spans(v, raw)
        exact += [raw[s:e] for s, e, _ in projected] == [v.text[s:e] for s, e, _ in v.spans]
    assert exact >= 345
