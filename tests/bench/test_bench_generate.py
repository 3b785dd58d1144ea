"""The benchmark generator: deterministic, complete gold, spans that point at the reused text."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import pytest

from wiretrace.bench import generate as g
from wiretrace.bench.lexicon import FOOTERS
from wiretrace.cli import main
from wiretrace.errors import InputError
from wiretrace.read import iter_articles


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("articles.jsonl", "gold/pairs.jsonl", "gold/clusters.jsonl", "gold/articles.jsonl", "gold/pairs.csv"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def test_same_seed_gives_the_same_corpus_and_another_seed_another(tiny_base: Path, tiny_corpus: Path,
                                                                  tmp_path: Path) -> None:
    g.generate_corpus(tiny_base, 400, 11, tmp_path / "again")
    g.generate_corpus(tiny_base, 400, 12, tmp_path / "other")
    assert _digest(tmp_path / "again") == _digest(tiny_corpus)
    assert _digest(tmp_path / "other") != _digest(tiny_corpus)


def test_corpus_has_exactly_n_articles_that_scan_reads_without_quarantine(tiny_corpus: Path) -> None:
    quarantine: list = []
    articles = list(iter_articles([tiny_corpus / "articles.jsonl"], quarantine))
    assert quarantine == []
    assert len(articles) == 400 == len({a.id for a in articles})
    assert all(a.title and a.date and a.outlet and a.text for a in articles)
    summary = json.loads((tiny_corpus / "summary.json").read_text())
    assert summary["n"] == 400 and sum(summary["types"].values()) == 400


def test_every_reuse_type_and_hard_negative_is_labelled(tiny_corpus: Path) -> None:
    pairs = _jsonl(tiny_corpus / "gold" / "pairs.jsonl")
    types = {p["type"] for p in pairs}
    assert set(g.REUSE_TYPES) | set(g.NEGATIVE_TYPES) <= types
    for p in pairs:
        if p["type"] in g.NEGATIVE_TYPES:
            assert p["label"] == g.NEGATIVE_RELATION[p["type"]] and p["passages"] == [] and p["source"] is None
        else:
            assert p["label"] == g.RELATION_OF[p["type"]] and p["source"] == p["b"] and p["passages"]


def test_gold_passages_point_at_the_reused_text_on_both_sides(tiny_corpus: Path) -> None:
    text = {a["id"]: a["text"] for a in _jsonl(tiny_corpus / "articles.jsonl")}
    kinds = defaultdict(set)
    for p in _jsonl(tiny_corpus / "gold" / "pairs.jsonl"):
        for passage in p["passages"]:
            a, b = text[p["a"]][slice(*passage["a"])], text[p["b"]][slice(*passage["b"])]
            assert a.strip() == a and b.strip() == b and a and b
            if passage["kind"] == "verbatim" and p["type"] != "noisy":
                assert a == b
            if passage["kind"] == "rewritten":
                assert a != b
            kinds[p["type"]].add(passage["kind"])
    assert kinds["exact"] == {"verbatim"} and "rewritten" in kinds["heavy_rewrite"]


def test_copies_are_published_after_their_sources(tiny_corpus: Path) -> None:
    date = {a["id"]: a["date"] for a in _jsonl(tiny_corpus / "articles.jsonl")}
    reuse = [p for p in _jsonl(tiny_corpus / "gold" / "pairs.jsonl") if p["source"]]
    assert reuse and all(date[p["a"]] > date[p["b"]] for p in reuse)


def test_trimmed_copy_keeps_the_lead_and_cuts_the_tail(tiny_corpus: Path) -> None:
    text = {a["id"]: a["text"] for a in _jsonl(tiny_corpus / "articles.jsonl")}
    trimmed = [p for p in _jsonl(tiny_corpus / "gold" / "pairs.jsonl") if p["type"] == "trimmed"]
    for p in trimmed:
        copy, source = text[p["a"]], text[p["b"]]
        lead = source.split("\n\n")[0]
        assert copy.startswith(lead) and p["passages"][0]["b"][0] == 0
        assert sum(x["b"][1] - x["b"][0] for x in p["passages"]) < len(source.split("\n\n" + FOOTERS[0])[0])


def _shingles(text: str, k: int = 8) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def test_articles_of_different_clusters_share_no_eight_word_run_outside_boilerplate(tiny_corpus: Path) -> None:
    """The cipher makes every reuse of a base article unique: only gold pairs share text."""
    cluster = {a["id"]: a["cluster"] for a in _jsonl(tiny_corpus / "gold" / "articles.jsonl")}
    boiler = set().union(*(_shingles(f) for f in FOOTERS if f))
    owners: dict[str, set[str]] = defaultdict(set)
    for a in _jsonl(tiny_corpus / "articles.jsonl"):
        body = "\n\n".join(p for p in a["text"].split("\n\n")
                           if not p.startswith(("This report is part of", "Additional reporting", "Material from",
                                                "With reporting")))
        for s in _shingles(body) - boiler:
            owners[s].add(cluster[a["id"]])
    shared = [s for s, c in owners.items() if len(c) > 1]
    assert len(shared) <= 0.0005 * len(owners), shared[:5]


def test_cipher_is_a_bijection_within_each_band(tiny_base: Path) -> None:
    base = g.load_base(tiny_base)
    cipher = g.Cipher(base, random.Random(1))
    for band, words in enumerate(base.bands):
        a, b = cipher.ab[band]
        assert len({(a * i + b) % len(words) for i in range(len(words))}) == len(words)
    assert all(all(p % d for d in range(2, int(p ** 0.5) + 1)) for p in g._PRIMES)


def test_uses_of_one_base_article_never_map_a_content_word_alike(tiny_base: Path) -> None:
    """Stories re-lexicalised from one base article share its function-word skeleton; their content
    words must never coincide (nor equal the real text), or the skeletons read as rewrites of each other."""
    base = g.load_base(tiny_base)
    ctx = g._Context(base, list(range(len(base.articles))))
    rng = random.Random(3)
    ciphers = [ctx.cipher(0, rng) for _ in range(12)]
    for band, words in enumerate(base.bands[: base.classes_from]):
        if len(words) < 14:
            continue
        for i in range(len(words)):
            images = [(a * i + b) % len(words) for a, b in (c.ab[band] for c in ciphers)]
            assert len(set(images)) == 12 and i not in images


def test_noise_and_reword_change_text_and_keep_it_readable() -> None:
    rng = random.Random(3)
    text = "The government announced plans to cut prices for many people in the country this year."
    noisy = g.add_noise(text, rng, rate=0.5)
    assert noisy != text and abs(len(noisy) - len(text)) < 20
    assert g.swap_clauses("In the morning, the minister said the plan was good.") == \
        "The minister said the plan was good, in the morning."


def test_split_paragraphs_cuts_long_paragraphs_into_news_sized_ones() -> None:
    body = "One two. Three four. Five six. Seven eight. Nine ten. Eleven.\n\nShort one."
    assert g.split_paragraphs(body) == [["One two.", "Three four.", "Five six."],
                                        ["Seven eight.", "Nine ten.", "Eleven."], ["Short one."]]


def test_missing_or_tiny_base_is_an_input_error_naming_the_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="base folder not found"):
        g.generate_corpus(tmp_path / "nope", 10, 0, tmp_path / "out")
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "a.txt").write_text("Title\n\nOne sentence here.\n")
    with pytest.raises(InputError, match="1 usable articles"):
        g.generate_corpus(tmp_path / "small", 10, 0, tmp_path / "out")


def test_cli_bench_generate_writes_the_corpus(tiny_base: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "generate", "--base", str(tiny_base), "--n", "50", "--seed", "2", "--out", str(tmp_path / "c")])
    assert exit_.value.code == 0
    assert len(_jsonl(tmp_path / "c" / "articles.jsonl")) == 50
    assert "50 articles" in capsys.readouterr().out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = _words(text)
    return set(zip(*(words[i:] for i in range(k))))


def _names(text: str) -> set[str]:
    out: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = re.findall(r"[^\W\d_]+", sentence)
        out |= {w for w in words[1:] if w[0].isupper() and w.lower() not in g.FUNCTION_WORDS}
    return out


def test_same_event_accounts_share_the_names_and_numbers_but_not_one_five_word_run(tiny_corpus: Path) -> None:
    """An independent account of the target's event: its facts, none of its text (not even a footer)."""
    articles = {a["id"]: a for a in _jsonl(tiny_corpus / "articles.jsonl")}
    cluster = {a["id"]: a["cluster"] for a in _jsonl(tiny_corpus / "gold" / "articles.jsonl")}
    events = [p for p in _jsonl(tiny_corpus / "gold" / "pairs.jsonl") if p["type"] == "same_event"]
    assert len(events) >= 8
    for p in events:
        account, target = articles[p["a"]], articles[p["b"]]
        assert p["label"] == "same_story" and p["source"] is None
        assert not _runs(account["text"]) & _runs(target["text"])
        assert not _runs(account["title"]) & _runs(target["text"] + " " + target["title"])
        names = _names(account["text"])
        assert len(names & _names(target["text"])) >= 3
        assert len(names & _names(target["text"])) >= 0.8 * len(names)  # its people and places are the event's
        target_numbers = set(re.findall(r"\d+", target["text"]))
        if target_numbers:
            assert set(re.findall(r"\d+", account["text"])) & target_numbers
        assert cluster[account["id"]] != cluster[target["id"]] and account["outlet"] != target["outlet"]
        gap = abs(dt.datetime.fromisoformat(account["date"]) - dt.datetime.fromisoformat(target["date"]))
        assert gap <= dt.timedelta(days=1)


def test_same_event_accounts_draw_a_calibrated_share_of_the_targets_words(tiny_corpus: Path) -> None:
    """More of the event's vocabulary than a same-topic negative, far from a copy (METER's own-words
    accounts: median 45% of content words in the source's vocabulary; docs/evaluation.md)."""
    articles = {a["id"]: a["text"] for a in _jsonl(tiny_corpus / "articles.jsonl")}

    def containment(a: str, b: str) -> float:
        content = [w for w in _words(a) if w.isalpha() and w not in g.FUNCTION_WORDS and len(w) > 2]
        vocab = set(_words(b))
        return sum(w in vocab for w in content) / len(content)

    shares: dict[str, list[float]] = defaultdict(list)
    for p in _jsonl(tiny_corpus / "gold" / "pairs.jsonl"):
        if p["type"] in ("same_event", "same_topic"):
            shares[p["type"]].append(containment(articles[p["a"]], articles[p["b"]]))
    median = {t: sorted(v)[len(v) // 2] for t, v in shares.items()}
    assert 0.3 <= median["same_event"] <= 0.65 and median["same_event"] > median["same_topic"] + 0.1


def test_type_counts_are_the_same_for_a_seed_and_include_same_event(tiny_base: Path, tiny_corpus: Path,
                                                                    tmp_path: Path) -> None:
    again = g.generate_corpus(tiny_base, 400, 11, tmp_path / "again")
    summary = json.loads((tiny_corpus / "summary.json").read_text())
    assert again.types == summary["types"] and again.pairs == summary["pairs"]
    assert summary["types"]["same_event"] == summary["pairs"]["same_event"] >= 8


def test_restating_a_sentence_puts_the_event_names_and_numbers_in_its_slots(tiny_base: Path) -> None:
    base = g.load_base(tiny_base)
    sentence = next(s for a in base.articles for p in a.paragraphs for s in p
                    if sum(1 for _, band, _ in s.slots if band in base.capital_bands) >= 2
                    and any(band < 0 for _, band, _ in s.slots))
    event = g._Event(names=["Zanzibar", "Quorn"], numbers=["1917"], words=["harbour"], sentences=[])
    text = g._restate(sentence, g.Cipher(base, random.Random(2)), event, random.Random(3), ["Alpha", "Beta"], ["42"])
    assert "Alpha" in text and "Beta" in text and text.index("Alpha") < text.index("Beta") and "42" in text
    assert not _runs(text) & _runs(sentence.text)
