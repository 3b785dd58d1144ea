"""Property-based run of the whole JSON API against its own OpenAPI schema (schemathesis):
no 5xx, documented status codes, responses that match the declared models.

Derandomized, so CI runs the same cases every time; for a wider random search run e.g.
``WIRETRACE_SCHEMA_EXAMPLES=200 pytest tests/web/test_schema.py`` (new cases each run)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from wiretrace.web import create_app  # noqa: E402
from wiretrace.web.service import Catalog  # noqa: E402

# The schema is read from the app at collection time; each test then points the app at its own
# copy of the sample store (the schema does not depend on the store).
EXAMPLES = int(os.environ.get("WIRETRACE_SCHEMA_EXAMPLES", "0"))
APP = create_app(":memory:", max_bytes=200_000)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(autouse=True)
def _sample_store(store_copy):
    APP.state.catalog = Catalog(store_copy)


@schema.parametrize()
@settings(max_examples=EXAMPLES or 8, deadline=None, derandomize=not EXAMPLES,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
