"""Paragraph ranges, article vectors and the semantic score, with a stand-in encoder."""

from __future__ import annotations

import numpy as np

from wiretrace.model import Article
from wiretrace.normalize import normalize
from wiretrace.semantic.vectors import article_vector, cosine, embed_documents, paragraph_ranges, range_text

TEXT = ("Harbour workers walked out on Monday over pay.\n\n"
        "The union said talks had failed after three weeks.\n\n"
        "Ok.\n\n"
        "Ships queued outside the port while managers met the strike committee.")


def test_paragraphs_follow_the_text_and_skip_fragments():
    doc = normalize(Article("a", TEXT))
    ranges = paragraph_ranges(doc)
    assert [range_text(doc, lo, hi) for lo, hi in ranges] == [
        "Harbour workers walked out on Monday over pay",
        "The union said talks had failed after three weeks",
        "Ships queued outside the port while managers met the strike committee",
    ]


def test_a_caption_splits_a_paragraph_and_stays_out_of_it():
    text = ("FILE - In this May 12, 2021 file photo, a crane unloads a ship. (AP Photo/Jane Doe, File) "
            "Workers at the harbour walked out on Monday over pay.")
    doc = normalize(Article("a", text))
    texts = [range_text(doc, lo, hi) for lo, hi in paragraph_ranges(doc)]
    assert texts == ["Workers at the harbour walked out on Monday over pay"]


def test_article_vector_is_the_length_weighted_mean_normalised():
    vecs = np.array([[1, 0], [0, 1]], dtype=np.float32)
    v = article_vector([(0, 3), (3, 4)], vecs, 2)
    assert np.allclose(v, np.array([3, 1]) / np.sqrt(10))
    assert not article_vector([], np.zeros((0, 2), np.float32), 2).any()


def test_documents_embedded_together_get_their_own_paragraphs(hash_encoder):
    docs = [normalize(Article("a", TEXT)), normalize(Article("b", "Ok.")),
            normalize(Article("c", "Ships queued outside the port while managers met the strike committee."))]
    va, vb, vc = embed_documents(docs, hash_encoder)
    assert len(va.paragraphs) == 3 and va.paragraph_vectors.shape == (3, hash_encoder.dim)
    assert vb.paragraphs == [] and not vb.article.any() and cosine(va, vb) == 0.0
    assert np.allclose(va.paragraph_vectors[2], vc.paragraph_vectors[0])
    assert 0.0 < cosine(va, vc) < 1.0


class CountingEncoder:
    """Wraps an encoder and records every text it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.dim, self.seen = inner, inner.dim, []

    def embed(self, texts, batch_size=32):
        self.seen += list(texts)
        return self.inner.embed(texts, batch_size)


def test_a_reprinted_paragraph_is_embedded_once_and_gets_the_same_vector(hash_encoder):
    from wiretrace.semantic.vectors import ParagraphCache

    counting = CountingEncoder(hash_encoder)
    cache = ParagraphCache(size=100)
    reprint = TEXT + "\n\nA new closing paragraph written by the second outlet."
    va, vb = (embed_documents([normalize(Article(x, t))], counting, cache)[0] for x, t in (("a", TEXT), ("b", reprint)))
    assert len(counting.seen) == len(set(counting.seen)) == 4  # three shared paragraphs once, one new
    assert np.array_equal(va.paragraph_vectors, vb.paragraph_vectors[:3])
    plain = embed_documents([normalize(Article("b", reprint))], hash_encoder)[0]
    assert np.abs(plain.article - vb.article).max() < 1e-6 and cache.hits == 3


def test_the_paragraph_cache_forgets_the_least_recently_used_beyond_its_size(hash_encoder):
    from wiretrace.semantic.vectors import ParagraphCache

    cache = ParagraphCache(size=2)
    cache.embed(["one two three", "four five six", "seven eight nine"], hash_encoder)
    assert len(cache) == 2
    counting = CountingEncoder(hash_encoder)
    cache.embed(["one two three", "seven eight nine"], counting)
    assert counting.seen == ["one two three"]
