"""The web UI and JSON API (``wiretrace serve``): FastAPI views over a store; needs the ``web`` extra."""

from __future__ import annotations

from .app import MAX_REQUEST_BYTES, create_app

__all__ = ["MAX_REQUEST_BYTES", "create_app"]
