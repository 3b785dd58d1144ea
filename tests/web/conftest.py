"""Web fixtures: a store scanned from the repo's sample corpus (without the Metro Ledger rewrite,
which the tests paste), and an app over a private copy of it."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

pytest.importorskip("fastapi", reason="the web extra is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that httpx2 exists
    from fastapi.testclient import TestClient

from wiretrace.engines.local import scan  # noqa: E402
from wiretrace.web import create_app  # noqa: E402

LEDGER = SAMPLE / "txt" / "ledger-harbor-strike.txt"
AP_ID = "ap-harbor-strike"


@pytest.fixture(scope="session")
def newsroom_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding samples/newsroom/articles.jsonl (17 articles; the AP original among them)."""
    out = tmp_path_factory.mktemp("newsroom")
    result = scan([SAMPLE / "articles.jsonl"], out, out / "store.duckdb", report=False)
    return result.store


@pytest.fixture
def store_copy(newsroom_store: Path, tmp_path: Path) -> Path:
    """A private copy of the newsroom store that a test may add articles to."""
    target = tmp_path / "store.duckdb"
    shutil.copy(newsroom_store, target)
    return target


@pytest.fixture
def client(store_copy: Path):
    with TestClient(create_app(store_copy, max_bytes=200_000)) as c:
        yield c


@pytest.fixture(scope="session")
def ledger_text() -> str:
    return LEDGER.read_text(encoding="utf-8")


def ids_in(jsonl: Path) -> list[str]:
    return [json.loads(line)["id"] for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
