"""A scan with the semantic stage: embedding candidates find same-story pairs n-grams never pair,
and reprint clusters nest inside story groups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLE
from wiretrace.engines.local import ScanResult, scan

GOLD_SAME_STORY = {("reuters-harbor-strike", "ap-harbor-strike"), ("reuters-harbor-strike", "ledger-harbor-strike"),
                   ("reuters-harbor-strike", "observer-harbor-strike")}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _relations(out: Path) -> dict[frozenset, dict]:
    return {frozenset((p["a"], p["b"])): p for p in _read(out / "pairs.jsonl")}


@pytest.fixture(scope="module")
def scans(tmp_path_factory, stage) -> tuple[Path, ScanResult, Path, ScanResult]:
    """The sample corpus scanned without and with the semantic stage."""
    base = tmp_path_factory.mktemp("scans")
    plain = scan([SAMPLE], base / "plain", report=False)
    semantic = scan([SAMPLE], base / "semantic", report=False, semantic=stage)
    return base / "plain", plain, base / "semantic", semantic


def test_embedding_candidates_find_every_same_story_pair_of_the_sample_corpus(scans):
    plain_dir, plain, semantic_dir, semantic = scans
    assert semantic.candidates > plain.candidates
    before, after = _relations(plain_dir), _relations(semantic_dir)
    found = {pair for pair in GOLD_SAME_STORY if after.get(frozenset(pair), {}).get("relation") == "same_story"}
    assert found == GOLD_SAME_STORY
    # the n-gram candidates alone miss some of them (they share no word runs at all)
    assert len({pair for pair in GOLD_SAME_STORY if frozenset(pair) in before}) < len(GOLD_SAME_STORY)
    assert all(0.0 <= p["scores"]["semantic"] <= 1.0 for p in after.values())


def test_reuse_pairs_keep_their_relation_and_do_not_lose_coverage(scans):
    plain_dir, _, semantic_dir, _ = scans
    before, after = _relations(plain_dir), _relations(semantic_dir)
    for key, p in before.items():
        if p["relation"] in ("duplicate", "derived"):
            assert after[key]["relation"] == p["relation"]
            assert after[key]["scores"]["coverage_a"] >= p["scores"]["coverage_a"]


def test_reprint_cluster_nests_inside_the_story_of_an_independent_report(scans):
    _, _, semantic_dir, _ = scans
    clusters = _read(semantic_dir / "clusters.jsonl")
    harbour = next(c for c in clusters if "ap-harbor-strike" in c["members"])
    assert "reuters-harbor-strike" not in harbour["members"]  # an independent report is no reprint
    assert harbour["story"] is not None


def test_semantic_scan_of_articles_under_a_corpus_footer(stage, tmp_path):
    """Paragraph vectors are embedded before corpus boilerplate is tagged; the footer's paragraph must
    drop out of them, not point past the tagged article's content (this crashed once)."""
    from test_boilerplate import corpus
    from wiretrace.engines.local import scan_articles

    result = scan_articles(corpus(), tmp_path / "out", report=False, semantic=stage)
    pairs = _read(tmp_path / "out" / "pairs.jsonl")
    assert result.related and not [p for p in pairs if p["a"].startswith("local") and p["b"].startswith("local")
                                   and p["relation"] in ("duplicate", "derived")]
