"""A small base corpus written by the tests themselves: pseudo-word news articles in two topics."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

FUNCTION = ("the", "of", "and", "to", "in", "a", "was", "for", "on", "that", "with", "said", "by", "it", "at")


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ("ka", "lo", "mi", "ren", "tu", "sa", "vo", "ber", "den", "gi", "pra", "nol", "esh", "ti", "ruk")
    return sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)})


def write_base(root: Path, articles: int = 24, seed: int = 7) -> Path:
    """``articles`` .txt files (first line = title) of 5–8 paragraphs under two topic folders."""
    rng = random.Random(seed)
    vocab = _words(rng, 3000)
    names = [w.capitalize() for w in _words(rng, 400)]
    for k in range(articles):
        topic = root / ("politics" if k % 2 else "sport")
        topic.mkdir(parents=True, exist_ok=True)
        paragraphs = []
        for _ in range(rng.randint(5, 8)):
            sentences = []
            for _ in range(rng.randint(1, 3)):
                words = [rng.choice(vocab) if rng.random() < 0.6 else rng.choice(FUNCTION) for _ in range(rng.randint(10, 22))]
                for i in rng.sample(range(1, len(words)), 2):
                    words[i] = rng.choice(names)
                if rng.random() < 0.3:
                    words.insert(3, str(rng.randint(2, 1999)))
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
            paragraphs.append(" ".join(sentences))
        title = " ".join(rng.choice(vocab) for _ in range(5)).capitalize()
        (topic / f"{k:03d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_base(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="session")
def tiny_corpus(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 generated articles (seed 11) from the tiny base."""
    from wiretrace.bench.generate import generate_corpus

    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(tiny_base, 400, 11, out)
    return out
