"""The NumPy encoder reproduces the packaged sentence-transformers model, offline."""

from __future__ import annotations

import importlib.util
import json
import math

from pathlib import Path

import numpy as np
import pytest

from wiretrace.errors import ModelError
from wiretrace.semantic.encoder import Encoder, _erf, _gelu, _gelu_inplace, load_encoder

LEDE_AP = ("Egypt has invited Israel, Hamas and the Palestinian Authority for separate talks that aim at "
           "consolidating the cease-fire, an Egyptian intelligence official said Thursday.")
LEDE_NEWSWEEK = ("Israel, Hamas and the Palestinian Authority have been invited by Egyptian authorities to "
                 "separate truce talks mediated by Egypt, an Egyptian intelligence official told the AP.")
UNRELATED = "The recipe calls for two cups of red lentils, an onion and a spoonful of cumin."


def test_erf_matches_the_math_module_to_seven_digits():
    xs = np.linspace(-6, 6, 2001)
    ours = _erf(xs)
    assert np.abs(ours - np.array([math.erf(x) for x in xs])).max() < 2e-7


REFERENCE = Path(__file__).parents[1] / "golden" / "minilm-reference.json"


def test_numpy_encoder_reproduces_the_recorded_sentence_transformers_vectors(stage):
    ref = json.loads(REFERENCE.read_text())  # its "generated_by" says how the vectors were made
    ours = stage.encoder.embed(ref["texts"])
    assert np.abs(ours - np.array(ref["vectors"], dtype=np.float32)).max() < 1e-5


def test_vectors_have_unit_length_and_one_row_per_text(stage):
    v = stage.encoder.embed([LEDE_AP, "Short.", "word " * 300])
    assert v.shape == (3, stage.encoder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert stage.encoder.embed([]).shape == (0, stage.encoder.dim)


def test_reworded_lede_is_closer_than_an_unrelated_sentence(stage):
    ap, newsweek, other = stage.encoder.embed([LEDE_AP, LEDE_NEWSWEEK, UNRELATED])
    assert ap @ newsweek > 0.8
    assert ap @ other < 0.2


def test_batching_by_length_does_not_change_a_vector(stage):
    texts = [LEDE_AP, UNRELATED, "A man was jailed.", LEDE_NEWSWEEK]
    together = stage.encoder.embed(texts, batch_size=2)
    alone = np.stack([stage.encoder.embed([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-5


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None,
                    reason="sentence-transformers (the reference implementation) is not installed")
def test_numpy_encoder_equals_sentence_transformers_run_live(stage):
    torch_encoder = load_encoder(str(stage.encoder.folder), "torch")
    texts = [LEDE_AP, LEDE_NEWSWEEK, UNRELATED, "word " * 400]
    assert np.abs(stage.encoder.embed(texts) - torch_encoder.embed(texts)).max() < 1e-4


def test_missing_model_folder_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        Encoder(tmp_path / "nowhere")


def test_a_folder_that_is_not_a_bert_model_is_refused_with_the_reason(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "mpnet"}))
    with pytest.raises(ModelError, match="BERT"):
        Encoder(tmp_path)


def test_a_bert_folder_without_weights_names_the_missing_file(tmp_path, stage):
    for name in ("config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes((stage.encoder.folder / name).read_bytes())
    with pytest.raises(ModelError, match="model.safetensors"):
        Encoder(tmp_path)


def test_gelu_in_place_equals_the_reference_gelu():
    x = np.random.default_rng(0).normal(0, 3, size=(1300, 40)).astype(np.float32)
    assert np.abs(_gelu_inplace(x.copy()) - _gelu(x)).max() < 1e-6


def test_packed_sequences_give_the_vectors_of_a_padded_batch(stage):
    """``_forward`` packs texts end to end without padding; the padded reference masks the padding."""
    encoder = stage.encoder
    texts = [LEDE_AP, "Short.", UNRELATED, LEDE_NEWSWEEK, "word " * 300, "A second short one."]
    encoded = [encoder._tokenizer.encode(t) for t in texts]
    width = max(len(e.ids) for e in encoded)
    ids = np.array([e.ids + [0] * (width - len(e.ids)) for e in encoded], dtype=np.int64)
    mask = np.array([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in encoded], dtype=bool)
    padded = encoder._forward_padded(ids, mask)
    packed = encoder._forward(np.concatenate([e.ids for e in encoded]).astype(np.int64),
                              np.array([len(e.ids) for e in encoded]))
    padded /= np.linalg.norm(padded, axis=1, keepdims=True)
    packed /= np.linalg.norm(packed, axis=1, keepdims=True)
    assert np.abs(padded - packed).max() < 1e-6
