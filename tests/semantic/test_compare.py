"""The semantic stage end to end: the seed pair's reworded lede, scores.semantic, same_story, CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import AP, NEWSWEEK
from wiretrace.model import Article
from wiretrace.pipeline import compare
from wiretrace.read import read_article

# Two reports of one (invented) event written independently: same facts, no shared phrasing.
STORY_1 = Article("river-herald", (
    "Firefighters rescued eleven people from a stranded ferry on the Danube near Vukovar late on Tuesday.\n\n"
    "The vessel lost engine power in strong currents and drifted onto a sandbank, the fire brigade said.\n\n"
    "Nobody was seriously hurt, though two elderly passengers were treated for hypothermia."),
    date="2024-03-12")
STORY_2 = Article("danube-daily", (
    "A ferry carrying eleven passengers ran aground on a Danube sandbank close to Vukovar on Tuesday night "
    "after its motor failed.\n\n"
    "Rescue crews brought everyone ashore in inflatable boats; a pair of pensioners needed treatment for "
    "the cold.\n\n"
    "Port officials will inspect the boat on Thursday."), date="2024-03-13")
OTHER = Article("food-page", (
    "This week's recipe is a red lentil soup with cumin, lemon and a handful of coriander.\n\n"
    "Fry the onion slowly, add the lentils and stock, and simmer for twenty minutes."), date="2024-03-12")


@pytest.fixture(scope="module")
def seed_pair(seed_dir):
    return read_article(seed_dir / f"{NEWSWEEK}.txt"), read_article(seed_dir / f"{AP}.txt")


def test_reworded_seed_lede_is_aligned_as_rewritten(seed_pair, stage):
    newsweek, ap = seed_pair
    result = compare(newsweek, ap, semantic=stage)
    lede = newsweek.text.index("have been invited by Egyptian authorities")
    hits = [p for p in result.passages if p.a[0] <= lede < p.a[1]]
    assert len(hits) == 1 and hits[0].kind == "rewritten"
    assert "separate talks" in ap.text[hits[0].b[0]:hits[0].b[1]]
    plain = compare(newsweek, ap)
    assert not any(p.a[0] <= lede < p.a[1] for p in plain.passages)  # n-grams alone miss it
    assert result.scores["coverage_a"] > plain.scores["coverage_a"]
    assert (result.relation, result.source) == ("derived", AP.split("/")[-1])


def test_semantic_score_is_reported_between_zero_and_one(seed_pair, stage):
    assert 0.8 < compare(*seed_pair, semantic=stage).scores["semantic"] <= 1.0
    assert "semantic" not in compare(*seed_pair).scores
    assert compare(STORY_1, OTHER, semantic=stage).scores["semantic"] < 0.3


def test_independent_reports_of_one_event_are_same_story_not_derived(stage):
    result = compare(STORY_1, STORY_2, semantic=stage)
    assert result.relation == "same_story" and not result.passages
    assert any("embedding cosine" in r for r in result.reasons)
    assert compare(STORY_1, OTHER, semantic=stage).relation == "unrelated"


def test_same_story_needs_dates_within_the_window(stage):
    from dataclasses import replace

    months_later = compare(STORY_1, replace(STORY_2, date="2024-07-01"), semantic=stage)
    assert months_later.scores["semantic"] >= 0.6
    assert not any("embedding cosine" in r for r in months_later.reasons)


def run(*args):
    return subprocess.run([sys.executable, "-m", "wiretrace.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.slow
def test_cli_batch_reports_semantic_scores_and_no_semantic_turns_it_off(tmp_path, stage):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "p1", "a": {"id": STORY_1.id, "text": STORY_1.text, "date": STORY_1.date},
                                 "b": {"id": STORY_2.id, "text": STORY_2.text, "date": STORY_2.date}}) + "\n")
    p = run("compare", "--batch", pairs)
    assert p.returncode == 0, p.stderr
    row = json.loads(p.stdout)
    assert row["id"] == "p1" and row["relation"] == "same_story" and row["scores"]["semantic"] > 0.6
    p = run("compare", "--batch", pairs, "--no-semantic")
    assert "semantic" not in json.loads(p.stdout)["scores"]


def test_cli_names_a_bad_model_folder(tmp_path, stage):
    a = tmp_path / "a.txt"
    a.write_text(STORY_1.text)
    p = run("compare", a, a, "--model", tmp_path / "missing-model")
    assert p.returncode == 2 and "missing-model: model folder not found" in " ".join(p.stderr.split())
    p = run("compare", a, a, "--no-semantic", "--model", tmp_path)
    assert p.returncode == 1 and "--model needs semantic matching" in " ".join(p.stderr.split())
