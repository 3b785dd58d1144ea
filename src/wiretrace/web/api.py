"""The JSON API (``/api/...``): the same operations as the web pages, with an OpenAPI schema."""

from __future__ import annotations

from typing import Any, Literal, Optional

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model import PairResult
from ..pipeline import compare as compare_articles
from . import service

router = APIRouter(prefix="/api", tags=["api"])

PER_PAGE = 100
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request body is not valid JSON"},
    413: {"description": "Request body too large"},
    503: {"description": "The store cannot be opened (missing, or locked by a running scan)"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Not in the store"}, **ERRORS}


# --- models --------------------------------------------------------------------------------------

class ArticleIn(BaseModel):
    """An article to compare, look up or add: its text and optional metadata."""

    # strict: no "0" for false; Python's regex engine so that \S means what str.strip() means
    model_config = ConfigDict(strict=True, regex_engine="python-re")

    text: str = Field(min_length=1, pattern=r"\S", description="The article text as published (not blank).")
    id: Optional[str] = Field(None, min_length=1, max_length=200,
                              description="Id; default: `pasted-` and a hash of the text.")
    title: Optional[str] = None
    date: Optional[str] = Field(None, description="ISO 8601 date or timestamp.")
    outlet: Optional[str] = None
    url: Optional[str] = None


class Passage(BaseModel):
    a: list[int] = Field(description="[start, end) character offsets in A.")
    b: list[int] = Field(description="[start, end) character offsets in B.")
    kind: Literal["verbatim", "rewritten"]


class Pair(BaseModel):
    """The `compare` object of the JSON contract (passages only where asked for)."""

    a: str
    b: str
    relation: Literal["duplicate", "derived", "same_story", "unrelated"]
    degree: Literal["wholly", "partially", "none"]
    source: Optional[str]
    direction_confidence: float
    scores: dict[str, float]
    reasons: list[str]
    direction_reasons: list[str]
    passages: Optional[list[Passage]] = None
    new_in_a: Optional[list[list[int]]] = None
    new_in_b: Optional[list[list[int]]] = None


class CompareIn(BaseModel):
    model_config = ConfigDict(strict=True)

    a: ArticleIn
    b: ArticleIn


class QueryIn(BaseModel):
    model_config = ConfigDict(strict=True)

    article: ArticleIn
    top: int = Field(10, ge=1, le=100, description="At most this many results.")
    add: bool = Field(False, description="Also add the article to the store (compared and clustered).")

    @field_validator("top", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        """JSON Schema counts 40.0 as an integer, so accept it as 40 (strict mode would not)."""
        return int(value) if isinstance(value, float) and value.is_integer() else value


class StoredArticle(BaseModel):
    id: str
    title: Optional[str]
    date: Optional[str]
    outlet: Optional[str]
    url: Optional[str]
    text: str


class QueryHit(BaseModel):
    """One related stored article: `pair.a` is the query, `pair.b` the stored article."""

    article: StoredArticle
    pair: Pair


class QueryOut(BaseModel):
    query: str = Field(description="The query article's id.")
    added: bool
    results: list[QueryHit]


class ArticleOut(StoredArticle):
    sources: list[str]
    reused_share: float
    degree: Literal["wholly", "partially", "none"]
    cluster: Optional[str]
    pairs: list[Pair]


class PairPage(BaseModel):
    page: int
    pages: int
    total: int
    pairs: list[Pair]


class ClusterOut(BaseModel):
    cluster: str
    members: list[str]
    source_tree: dict[str, str] = Field(description="child -> parent (its most likely source).")
    roots: list[str]
    story: Optional[str]


class ClusterPage(BaseModel):
    page: int
    pages: int
    total: int
    clusters: list[ClusterOut]


class ClusterDetail(ClusterOut):
    articles: list[dict[str, Any]] = Field(description="Members' metadata and grades (no text).")


class OutletRow(BaseModel):
    outlet: Optional[str]
    articles: int
    derived: int
    derived_share: Optional[float]
    from_other: int = Field(description="Articles derived from another outlet's article.")
    from_other_share: Optional[float]
    wholly: int
    partially: int
    reused_share: Optional[float] = Field(description="Share of the outlet's text reused (by characters).")
    cited: int = Field(description="Times another outlet's article used one of this outlet's as a source.")


class SearchHit(BaseModel):
    id: str
    title: Optional[str]
    outlet: Optional[str]
    date: Optional[str]
    snippet: str


class Overview(BaseModel):
    articles: int
    pairs: int
    clusters: int
    relations: dict[str, int]
    cluster_sizes: list[dict[str, int]]


# --- endpoints -----------------------------------------------------------------------------------

def _catalog(request: Request) -> service.Catalog:
    return request.app.state.catalog


def _article(a: ArticleIn) -> Any:
    return service.pasted_article(a.text, a.id, title=a.title, date=a.date, outlet=a.outlet, url=a.url)


@router.get("/overview", response_model=Overview, responses=ERRORS)
def overview(request: Request) -> dict[str, Any]:
    """Counts of articles, pairs and clusters; pairs by relation; clusters by size."""
    return _catalog(request).cached("overview", service.overview)


@router.post("/compare", response_model=Pair, responses=ERRORS)
def compare(body: CompareIn, request: Request) -> dict[str, Any]:
    """Compare two articles (nothing is stored): passages, relation, degree and source."""
    return compare_articles(_article(body.a), _article(body.b), _catalog(request).settings).to_json()


@router.post("/query", response_model=QueryOut, responses={409: {"description": "Id already in the store"}, **ERRORS})
def query(body: QueryIn, request: Request) -> dict[str, Any]:
    """An article's likely sources and copies in the store; optionally add it to the store."""
    catalog = _catalog(request)
    article = _article(body.article)
    return query_json(catalog, article, body.top, body.add)


def query_json(catalog: service.Catalog, article: Any, top: int, add: bool) -> dict[str, Any]:
    """Run a query (adding the article first when asked) and shape it as ``QueryOut``."""
    results, stored = run_query(catalog, article, top, add)
    return {"query": article.id, "added": add,
            "results": [{"article": service.article_json(stored[r.b]), "pair": r.to_json()} for r in results]}


def run_query(catalog: service.Catalog, article: Any, top: int, add: bool) -> tuple[list[PairResult], dict[str, Any]]:
    """Query the store for an article; with ``add``, store it first (then it is not its own hit)."""
    if add:
        with catalog.writing() as store:
            service.add_article(store, article, catalog.settings)
    with catalog.reading() as store:
        return service.query(store, article, catalog.settings, top)


@router.get("/articles/{article_id:path}", response_model=ArticleOut, response_model_exclude_unset=True,
            responses=NOT_FOUND)
def article(article_id: str, request: Request) -> dict[str, Any]:
    """One stored article: text, metadata, grade, cluster and related pairs."""
    with _catalog(request).reading() as store:
        return service.article_record(store, article_id)


@router.get("/pairs", response_model=PairPage, response_model_exclude_unset=True, responses=ERRORS)
def pairs(request: Request, page: int = Query(1, ge=1, le=1_000_000),
          relation: Optional[Literal["duplicate", "derived", "same_story"]] = None) -> dict[str, Any]:
    """Related pairs, duplicates first, 100 per page (without passages)."""
    with _catalog(request).reading() as store:
        found = service.pairs_page(store, page, PER_PAGE, relation)
    return {"page": found.page, "pages": found.pages, "total": found.total,
            "pairs": [p.to_json(passages=False) for p in found.items]}


@router.get("/pair", response_model=Pair, responses=NOT_FOUND)
def pair(request: Request, a: str = Query(..., min_length=1), b: str = Query(..., min_length=1)) -> dict[str, Any]:
    """One stored pair, with passages (ids in either order)."""
    with _catalog(request).reading() as store:
        return service.pair_record(store, a, b).to_json()


@router.get("/clusters", response_model=ClusterPage, responses=ERRORS)
def clusters(request: Request, page: int = Query(1, ge=1, le=1_000_000)) -> dict[str, Any]:
    """Reprint clusters with their source trees, largest first, 100 per page."""
    with _catalog(request).reading() as store:
        found = service.clusters_page(store, page, PER_PAGE)
    return {"page": found.page, "pages": found.pages, "total": found.total,
            "clusters": [c.to_json() for c in found.items]}


@router.get("/clusters/{cluster_id}", response_model=ClusterDetail, responses=NOT_FOUND)
def cluster(cluster_id: str, request: Request) -> dict[str, Any]:
    """One cluster: members, source tree, and each member's outlet, date and grade."""
    with _catalog(request).reading() as store:
        found, members = service.cluster_record(store, cluster_id)
    articles = [{k: v for k, v in members[m].items() if k != "text"} for m in found.members if m in members]
    return {**found.to_json(), "articles": articles}


@router.get("/outlets", response_model=list[OutletRow], responses=ERRORS)
def outlets(request: Request) -> list[dict[str, Any]]:
    """Per outlet: articles, the share derived from another outlet's, text reused, times used as source."""
    rows = _catalog(request).cached("overview", service.overview)["outlets"]
    return [{k: v for k, v in row.items() if k in OutletRow.model_fields} for row in rows]


@router.get("/search", response_model=list[SearchHit], responses=ERRORS)
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           limit: int = Query(50, ge=1, le=500)) -> list[dict[str, Any]]:
    """Articles by exact id, or whose title or text contains the phrase (case-insensitive)."""
    with _catalog(request).reading() as store:
        return service.search(store, q, limit)
