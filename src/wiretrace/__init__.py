"""wiretrace: find text reuse in news — which articles copy or rewrite which, passage by passage,
and who was the source.

    >>> from wiretrace import compare, Article
    >>> result = compare(Article("copy", copy_text), Article("wire", wire_text))
    >>> result.relation, result.source, result.passages[0].kind
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, StoreError, UsageError, WiretraceError
from .model import Article, ArticleGrade, Cluster, PairResult, Passage
from .pipeline import compare, prepare
from .settings import Settings


def scan(inputs, out_dir, store_path=None, settings: Settings | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Scan files/folders into a store and an output folder (see ``wiretrace.engines.local.scan``)."""
    from .engines.local import scan as _scan

    return _scan(inputs, out_dir, store_path, settings or Settings(), **kwargs)


def Index(store, settings: Settings | None = None):  # type: ignore[no-untyped-def]  # noqa: N802
    """Open a store for ``query(article)`` look-ups (see ``wiretrace.query.Index``)."""
    from .query import Index as _Index

    return _Index(store, settings or Settings())


__all__ = [
    "Article", "ArticleGrade", "Cluster", "Index", "InputError", "PairResult", "Passage", "Settings",
    "StoreError", "UsageError", "WiretraceError", "compare", "prepare", "scan", "__version__",
]
