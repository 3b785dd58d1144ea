"""The Semantic stage object: when commands use it, how it travels to worker processes."""

from __future__ import annotations

import pickle

import pytest

import wiretrace.semantic as semantic_pkg
from wiretrace.engines.local import Chunk, _compare_chunk
from wiretrace.errors import ModelError, UsageError
from wiretrace.model import Article
from wiretrace.pipeline import prepare
from wiretrace.semantic import Semantic, choose_stage
from wiretrace.settings import DEFAULT


class CountingEncoder:
    """Wraps an encoder and counts the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.dim, self.texts = inner, inner.dim, 0

    def embed(self, texts, batch_size=32):
        self.texts += len(texts)
        return self.inner.embed(texts, batch_size)


WIRE = Article("wire", "The mayor opened the new bridge on Friday after two years of work and a long row over money.\n\n"
               "Traffic will flow both ways from Monday, and lorries pay a toll of two euros.")
COPY = Article("copy", "The mayor opened the new bridge on Friday after two years of work and a long row over money.\n\n"
               "From Monday cars can cross in both directions; only heavy goods vehicles are charged.")


def test_no_semantic_means_no_stage_and_model_without_it_is_a_usage_error():
    assert choose_stage(False) is None
    with pytest.raises(UsageError, match="--no-semantic"):
        choose_stage(False, "/some/model")


def test_without_the_extra_semantic_is_off_by_default_and_an_error_when_asked(monkeypatch):
    monkeypatch.setattr(semantic_pkg, "semantic_available", lambda: False)
    assert choose_stage(None) is None
    with pytest.raises(ModelError, match=r"wiretrace\[semantic\]"):
        choose_stage(True)


def test_a_stage_pickles_without_its_model(hash_encoder):
    stage = Semantic("/models/x", "numpy", hash_encoder)
    copy = pickle.loads(pickle.dumps(stage))
    assert (copy.model, copy.backend, copy._encoder) == ("/models/x", "numpy", None)


def test_worker_chunks_reuse_the_parents_vectors_instead_of_embedding_again(hash_encoder):
    encoder = CountingEncoder(hash_encoder)
    stage = Semantic(_encoder=encoder)
    vectors = {a.id: prepare(a, semantic=stage).vectors for a in (WIRE, COPY)}
    embedded = encoder.texts
    [result] = _compare_chunk(Chunk([(COPY, WIRE)], DEFAULT, stage, vectors, None))
    assert encoder.texts == embedded  # nothing embedded in the worker
    assert result.relation == "derived" and "semantic" in result.scores
