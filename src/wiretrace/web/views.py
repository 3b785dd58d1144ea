"""Server-rendered pages: paste or upload an article, browse clusters, pairs and outlets, search.

Each page has a JSON twin under ``/api``; article text reaches the page only through Jinja2's
autoescaping (the report's templates and macros are reused as they are).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any, Optional
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..report.render import CLUSTER_MEMBERS_SHOWN, cluster_tree, make_environment, pair_view
from . import service
from .api import run_query

router = APIRouter(include_in_schema=False)

PER_PAGE = 100


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = make_environment(jinja2.PackageLoader("wiretrace.web", "templates"))
    env.globals["pair_url"] = pair_url
    env.globals["article_url"] = article_url
    return env


def render(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    """A page from the web templates (which extend ``layout.html``)."""
    html = _environment().get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=http_status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", http_status=status, page_title=f"Error {status}", status=status, message=message)


def pair_url(a: str, b: str) -> str:
    return "/pair?" + urlencode({"a": a, "b": b})


def article_url(article_id: str) -> str:
    return "/articles?" + urlencode({"id": article_id})


def _catalog(request: Request) -> service.Catalog:
    return request.app.state.catalog


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Paste or upload an article; the store at a glance."""
    summary = _catalog(request).cached("overview", service.overview)
    return render(request, "home.html", page_title="wiretrace", summary=summary,
                  max_bytes=request.app.state.max_bytes)


@router.post("/query", response_class=HTMLResponse)
async def query(
    request: Request,
    text: str = Form(""),
    file: Optional[UploadFile] = File(None),
    id: str = Form(""),  # noqa: A002
    title: str = Form(""),
    outlet: str = Form(""),
    date: str = Form(""),
    add: bool = Form(False),
) -> HTMLResponse:
    """The pasted or uploaded article's likely sources and copies, each side by side."""
    meta = {"title": title.strip(), "outlet": outlet.strip(), "date": date.strip()}
    data = await file.read() if file is not None and file.filename else b""
    filename = file.filename if file is not None else None
    catalog = _catalog(request)
    # reading, comparing and storing are blocking work: keep them off the event loop
    article, views = await run_in_threadpool(_sources_and_copies, catalog, text, data, filename, id.strip(), meta, add)
    query_json = article_view_json(article)
    return render(request, "results.html", page_title="Sources and copies", article=query_json,
                  added=add, results=views)


def _sources_and_copies(catalog: service.Catalog, text: str, data: bytes, filename: str | None, article_id: str,
                        meta: dict[str, str], add: bool) -> tuple[Any, list[dict[str, Any]]]:
    """The posted article (upload first, else pasted text) and a side-by-side view per related stored one."""
    if data:
        article = service.uploaded_article(data, filename, article_id or None, **meta)
    elif text.strip():
        article = service.pasted_article(text, article_id or None, **meta)
    else:
        raise InputError("form", "paste an article's text or choose a file to upload")
    results, stored = run_query(catalog, article, 10, add)
    query_json = article_view_json(article)
    views = [pair_view(n, r.to_json(), {article.id: query_json, r.b: service.article_json(stored[r.b])},
                       prefix=f"r{n}-") for n, r in enumerate(results)]
    return article, views


def article_view_json(article: Any) -> dict[str, Any]:
    """What the side-by-side view needs of the posted article."""
    return {"id": article.id, "text": article.text, "title": article.title, "outlet": article.outlet,
            "date": article.date}


@router.get("/articles", response_class=HTMLResponse)
def article(request: Request, id: str = Query(..., min_length=1)) -> HTMLResponse:  # noqa: A002
    """One stored article: metadata, grade, related pairs; its text."""
    with _catalog(request).reading() as store:
        record = service.article_record(store, id)
    return render(request, "article.html", page_title=record["title"] or record["id"], art=record)


@router.get("/pair", response_class=HTMLResponse)
def pair(request: Request, a: str = Query(..., min_length=1), b: str = Query(..., min_length=1)) -> HTMLResponse:
    """Two stored articles side by side, passages highlighted, verdict in words."""
    with _catalog(request).reading() as store:
        found = service.pair_record(store, a, b)
        records = {x: service.article_record(store, x) for x in (found.a, found.b)}
        cluster = records[found.a]["cluster"]
    view = pair_view(0, found.to_json(), records)
    return render(request, "pair.html", page_title=f"{found.a} / {found.b}", pair=view,
                  cluster_url=("/clusters/" + cluster) if cluster and cluster == records[found.b]["cluster"] else None)


@router.get("/pairs", response_class=HTMLResponse)
def pairs(request: Request, page: int = Query(1, ge=1), relation: Optional[str] = None) -> HTMLResponse:
    with _catalog(request).reading() as store:
        found = service.pairs_page(store, page, PER_PAGE, relation or None)
        info = store.article_info()
    rows = [{"pair": p, "a_outlet": info.get(p.a, (None,))[0], "b_outlet": info.get(p.b, (None,))[0]}
            for p in found.items]
    return render(request, "pairs.html", page_title="Pairs", found=found, rows=rows, relation=relation or "")


@router.get("/clusters", response_class=HTMLResponse)
def clusters(request: Request, page: int = Query(1, ge=1)) -> HTMLResponse:
    with _catalog(request).reading() as store:
        found = service.clusters_page(store, page, PER_PAGE)
        info = store.article_info()
    rows = [{"cluster": c, "roots": [(r, info.get(r, (None,))[0]) for r in c.roots],
             "outlets": sorted({o for m in c.members if (o := info.get(m, (None,))[0])})} for c in found.items]
    return render(request, "clusters.html", page_title="Clusters", found=found, rows=rows)


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster(request: Request, cluster_id: str) -> HTMLResponse:
    """A cluster's source tree: who copied whom, with dates and outlets."""
    with _catalog(request).reading() as store:
        found, members = service.cluster_record(store, cluster_id)
        member_set = set(found.members)
        pairs = [p.to_json(passages=False) for m in found.members for p in store.pairs(m, with_passages=False)
                 if p.a == m and p.b in member_set]
    by_ends: dict[frozenset, list[int]] = defaultdict(list)
    for n, p in enumerate(pairs):
        by_ends[frozenset((p["a"], p["b"]))].append(n)
    tree = cluster_tree(found.to_json(), members, by_ends, pairs, max_nodes=CLUSTER_MEMBERS_SHOWN,
                        edge_url=lambda n: pair_url(pairs[n]["a"], pairs[n]["b"]))
    ordered = sorted(members.values(), key=lambda m: (m.get("date") or "\uffff", m["id"]))
    return render(request, "cluster.html", page_title=f"Cluster {found.cluster}", cluster=found, tree=tree,
                  members=ordered[:CLUSTER_MEMBERS_SHOWN], members_total=len(ordered))


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request) -> HTMLResponse:
    summary = _catalog(request).cached("overview", service.overview)
    return render(request, "outlets.html", page_title="Outlets", summary=summary)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=500)) -> HTMLResponse:
    """Articles by id, title or phrase."""
    with _catalog(request).reading() as store:
        hits = service.search(store, q) if q.strip() else []
    return render(request, "search.html", page_title=f"Search: {q}" if q else "Search", q=q, hits=hits)


@router.get("/api", response_class=HTMLResponse)
def api_index(request: Request) -> HTMLResponse:
    """The JSON API's endpoints, read from the OpenAPI schema (no CDN-hosted Swagger UI)."""
    schema = request.app.openapi()
    endpoints = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                  "description": op.get("description", "")}
                 for path, ops in schema["paths"].items() for method, op in ops.items()]
    return render(request, "api.html", page_title="JSON API", endpoints=endpoints)
