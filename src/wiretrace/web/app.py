"""The FastAPI application: HTML views and the JSON API over one store, behind a request-size limit.

``create_app(store)`` is all a server or a test needs; ``wiretrace serve`` runs it with uvicorn.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..errors import DuplicateIdError, InputError, NotFoundError, StoreError, UsageError, WiretraceError
from ..settings import DEFAULT, Settings
from .service import Catalog

MAX_REQUEST_BYTES = 4 * 1024 * 1024
"""Largest request body accepted (a pasted or uploaded article); larger ones get a 413."""

ERROR_STATUS: list[tuple[type[WiretraceError], int]] = [
    (NotFoundError, 404),
    (DuplicateIdError, 409),
    (InputError, 422),
    (UsageError, 422),
    (StoreError, 503),
    (WiretraceError, 500),
]
"""Library errors and the HTTP status each becomes (first match wins)."""


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: dict, send: Callable) -> None:
        detail = f"request body larger than {self.max_bytes:,} bytes"
        wants_html = b"text/html" in dict(scope.get("headers") or []).get(b"accept", b"")
        response: Response = (HTMLResponse(f"<!doctype html><title>413</title><h1>Too large</h1><p>{detail}.</p>", 413)
                              if wants_html else JSONResponse({"detail": detail}, 413))
        await response(scope, _drain, send)


class _TooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit; an HTTPException so that
    FastAPI's body parsing passes it on as a 413 instead of turning it into a 400."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body larger than {max_bytes:,} bytes")


async def _drain() -> dict:
    return {"type": "http.disconnect"}


def create_app(store: str | Path, settings: Settings = DEFAULT, max_bytes: int = MAX_REQUEST_BYTES) -> FastAPI:
    """The web UI and JSON API over one store file (read per request; written only to add articles)."""
    from . import api, views

    app = FastAPI(
        title="wiretrace",
        summary="Text reuse in news: which articles copy or rewrite which, passage by passage, and who was the source.",
        version=_version(),
        docs_url=None,  # Swagger UI loads from a CDN; /api is our own page over the schema
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.catalog = Catalog(store, settings)
    app.state.max_bytes = max_bytes
    app.include_router(api.router)
    app.include_router(views.router)
    app.mount("/static/report", StaticFiles(directory=str(resources.files("wiretrace.report") / "static")), "report-static")
    app.mount("/static/web", StaticFiles(directory=str(resources.files("wiretrace.web") / "static")), "web-static")

    @app.exception_handler(WiretraceError)
    async def _library_error(request: Request, exc: WiretraceError) -> Response:
        status = next(code for cls, code in ERROR_STATUS if isinstance(exc, cls))
        if request.url.path.startswith("/api/"):
            if status == 422:  # the shape FastAPI's own validation errors have, as the schema says
                return JSONResponse({"detail": [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]}, status)
            return JSONResponse({"detail": str(exc)}, status)
        return views.error_page(request, status, str(exc))

    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    return app


def _version() -> str:
    from .. import __version__

    return __version__


def get(app: FastAPI, path: str) -> tuple[int, str, str]:
    """Answer one GET request without a server (``serve --get``): status, content type, body."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette suggests httpx2; httpx is what is pinned and works
        from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://localhost") as client:
        response = client.get(path)
    return response.status_code, response.headers.get("content-type", ""), response.text


def pretty(content_type: str, body: str) -> str:
    """Indent JSON bodies for the terminal; leave anything else as it is."""
    if content_type.startswith("application/json"):
        try:
            return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            return body
    return body
