"""Render wiretrace results as a self-contained static HTML report.

Everything here works on plain JSON-like dicts (the product's JSON contract)
so the report does not depend on the rest of the pipeline.

Layout of the output folder::

    index.html            counts, clusters (page 1), pairs (page 1), outlets, quarantine
    pairs-2.html, ...     further pages of the pair list (PAIRS_PER_PAGE each)
    clusters-2.html, ...  further pages of the cluster list (CLUSTERS_PER_PAGE each)
    pairs/<n>.html        one page per pair, n = index of the pair in the input
    clusters/<n>.html     one page per cluster, n = index of the cluster in the input
    static/report.css     copied from the package
    static/report.js

File names never come from article ids (ids are untrusted and may contain
``/`` or ``..``); ids and texts are only ever shown as escaped text.
Highlighted texts are cut into segments in Python and every segment is
escaped by Jinja2's autoescaping: article text is never marked safe.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

__all__ = [
    "CLUSTERS_PER_PAGE",
    "PAIRS_PER_PAGE",
    "cluster_tree",
    "make_environment",
    "outlet_rows",
    "pair_view",
    "render_report",
    "reuse_over_time",
    "segments",
]

PAIRS_PER_PAGE = 500
CLUSTERS_PER_PAGE = 500
#: Pairs listed on one cluster page at most (the full list is in the index).
CLUSTER_PAIRS_SHOWN = 500
#: Articles drawn in a cluster's tree and listed in its members table at most, so that a story
#: reprinted thousands of times still gets a page that opens fast (clusters.jsonl has them all).
CLUSTER_MEMBERS_SHOWN = 1000

RELATION_ORDER = ("duplicate", "derived", "same_story")
DEGREE_ORDER = ("wholly", "partially", "none")
PASSAGE_KINDS = ("verbatim", "rewritten")

RELATION_TEXT = {
    "duplicate": "Duplicate: the two articles are (nearly) the same text.",
    "derived": "Derived: one article reuses text from the other.",
    "same_story": "Same story: both articles cover the same story but share little wording.",
}
DEGREE_TEXT = {
    "wholly": "wholly: (almost) all of the derived article is reused text.",
    "partially": "partially: the derived article reuses some text and adds material of its own.",
    "none": "none: no substantial text was reused.",
}
SCORE_LABELS = {
    "jaccard": "Jaccard similarity (shared / all shingles)",
    "containment_a_in_b": "Containment of A in B (share of A's shingles found in B)",
    "containment_b_in_a": "Containment of B in A (share of B's shingles found in A)",
    "coverage_a": "Coverage of A (share of A's text inside passages)",
    "coverage_b": "Coverage of B (share of B's text inside passages)",
}

Span = tuple[int, int, str | None, str | None]
Segment = tuple[str, str | None, str | None]

_STALE_PAGE = re.compile(r"^\d+\.html$")
_STALE_LISTING = re.compile(r"^(pairs|clusters)-\d+\.html$")


# --------------------------------------------------------------------------
# pure helpers
# --------------------------------------------------------------------------


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Split ``text`` into ``(piece, kind, anchor)`` segments.

    ``spans`` are ``(start, end, kind, anchor)`` with character offsets into
    ``text`` (end exclusive), in any order. Spans are clipped to the text;
    empty spans are dropped; where spans overlap (they should not), the later
    one is trimmed so that no character is emitted twice. Gaps between spans
    come out as ``(piece, None, None)``. Concatenating the pieces always gives
    back ``text`` exactly, and no piece is empty.
    """
    n = len(text)
    cleaned: list[Span] = []
    for start, end, kind, anchor in spans:
        s = min(max(int(start), 0), n)
        e = min(max(int(end), 0), n)
        if e > s:
            cleaned.append((s, e, kind, anchor))
    cleaned.sort(key=lambda span: (span[0], span[1]))

    out: list[Segment] = []
    pos = 0
    for s, e, kind, anchor in cleaned:
        s = max(s, pos)
        if e <= s:
            continue
        if s > pos:
            out.append((text[pos:s], None, None))
        out.append((text[s:e], kind, anchor))
        pos = e
    if pos < n:
        out.append((text[pos:], None, None))
    return out


def _span(value: Any) -> tuple[int, int] | None:
    """``[start, end]`` -> ``(start, end)``; anything malformed -> None."""
    try:
        start, end = value
        return int(start), int(end)
    except (TypeError, ValueError):
        return None


def _covered(length: int, spans: Iterable[Any]) -> int:
    """Number of characters of a text of ``length`` covered by ``spans``."""
    clipped = []
    for value in spans or ():
        span = _span(value)
        if span is None:
            continue
        s, e = min(max(span[0], 0), length), min(max(span[1], 0), length)
        if e > s:
            clipped.append((s, e))
    clipped.sort()
    total, pos = 0, 0
    for s, e in clipped:
        s = max(s, pos)
        if e > s:
            total += e - s
            pos = e
    return total


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _key(value: Any) -> Hashable:
    """A hashable lookup key for an id (ids are normally strings)."""
    if isinstance(value, list):
        return tuple(_key(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


# --------------------------------------------------------------------------
# Jinja2 environment and filters
# --------------------------------------------------------------------------


def _fmt_pct(value: Any) -> str:
    x = _num(value)
    if x is None:
        return "—"
    if 0 < x < 0.01:
        return "<1%"
    if 0.99 < x < 1:
        return ">99%"
    return f"{x:.0%}"


def _fmt_score(value: Any) -> str:
    x = _num(value)
    if x is None:
        return "—" if value is None else str(value)
    return f"{x:.3f}"


def _fmt_date(value: Any) -> str:
    """Show an ISO date/time compactly: ``2024-05-01 09:30``."""
    if not value:
        return "—"
    text = str(value)
    if len(text) > 10 and text[10] in "T ":
        return text[:10] + " " + text[11:16]
    return text


def _fmt_int(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def make_environment(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja2 environment with the report's templates and filters; ``loaders`` come first
    (the web UI adds its own templates and reuses the report's macros)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader("wiretrace.report", "templates")]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _fmt_pct
    env.filters["score"] = _fmt_score
    env.filters["date"] = _fmt_date
    env.filters["int"] = _fmt_int
    return env


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return make_environment()


# --------------------------------------------------------------------------
# view models
# --------------------------------------------------------------------------


def _article_view(aid: Any, art: Mapping[str, Any] | None) -> dict[str, Any]:
    if art is None:
        return {
            "id": _text(aid),
            "missing": True,
            "title": None,
            "label": _text(aid),
            "outlet": None,
            "date": None,
            "degree": None,
            "reused_share": None,
            "sources": [],
            "text": "",
        }
    title = art.get("title")
    return {
        "id": _text(aid),
        "missing": False,
        "title": None if title is None else str(title),
        "label": str(title) if title else _text(aid),
        "outlet": None if art.get("outlet") is None else str(art.get("outlet")),
        "date": art.get("date"),
        "degree": art.get("degree"),
        "reused_share": _num(art.get("reused_share")),
        "sources": [_text(s) for s in (art.get("sources") or [])],
        "text": _text(art.get("text")),
    }


def _coverage(pair: Mapping[str, Any]) -> float:
    scores = pair.get("scores") or {}
    values = [_num(scores.get("coverage_a")), _num(scores.get("coverage_b"))]
    values = [v for v in values if v is not None]
    return max(values) if values else 0.0


def _relation_rank(relation: Any) -> tuple[int, str]:
    try:
        return (RELATION_ORDER.index(relation), "")
    except ValueError:
        return (len(RELATION_ORDER), _text(relation))


def _source_side(pair: Mapping[str, Any]) -> str | None:
    """'a', 'b', 'other' (a third article) or None (undetermined)."""
    source = pair.get("source")
    if source is None:
        return None
    if _key(source) == _key(pair.get("a")):
        return "a"
    if _key(source) == _key(pair.get("b")):
        return "b"
    return "other"


def _pair_row(index: int, pair: Mapping[str, Any], by_id: Mapping[Hashable, Any]) -> dict[str, Any]:
    """One line of a pair table."""
    scores = pair.get("scores") or {}
    a = by_id.get(_key(pair.get("a")))
    b = by_id.get(_key(pair.get("b")))
    return {
        "index": index,
        "a_id": _text(pair.get("a")),
        "a_outlet": None if a is None or a.get("outlet") is None else str(a.get("outlet")),
        "b_id": _text(pair.get("b")),
        "b_outlet": None if b is None or b.get("outlet") is None else str(b.get("outlet")),
        "relation": _text(pair.get("relation")),
        "degree": _text(pair.get("degree")),
        "source_side": _source_side(pair),
        "source": _text(pair.get("source")),
        "direction_confidence": _num(pair.get("direction_confidence")),
        "coverage_a": _num(scores.get("coverage_a")),
        "coverage_b": _num(scores.get("coverage_b")),
        "jaccard": _num(scores.get("jaccard")),
    }


def _marked(segs: list[Segment], twin_of: Mapping[str, str]) -> list[dict[str, Any]]:
    """Segments as dicts for the template, with the twin anchor where the twin exists."""
    return [{"text": piece, "kind": kind, "anchor": anchor, "twin": twin_of.get(anchor) if anchor else None}
            for piece, kind, anchor in segs]


def pair_view(
    index: int,
    pair: Mapping[str, Any],
    by_id: Mapping[Hashable, Any],
    prefix: str = "",
) -> dict[str, Any]:
    """The side-by-side view model of one pair (shared by the static report and the web UI).

    ``by_id`` maps article ids to article dicts (``text``, ``title``, ``outlet``, ...); ``prefix``
    makes the passage anchors unique when several pairs share one page.
    """
    a = _article_view(pair.get("a"), by_id.get(_key(pair.get("a"))))
    b = _article_view(pair.get("b"), by_id.get(_key(pair.get("b"))))

    spans_a: list[Span] = []
    spans_b: list[Span] = []
    passages = []
    for k, passage in enumerate(pair.get("passages") or []):
        if not isinstance(passage, Mapping):
            continue
        kind = "verbatim" if passage.get("kind") == "verbatim" else "rewritten"
        span_a, span_b = _span(passage.get("a")), _span(passage.get("b"))
        if span_a:
            spans_a.append((span_a[0], span_a[1], kind, f"{prefix}a-p{k}"))
        if span_b:
            spans_b.append((span_b[0], span_b[1], kind, f"{prefix}b-p{k}"))
        passages.append({"number": k, "kind": kind, "a": span_a, "b": span_b})

    segs_a = segments(a["text"], spans_a)
    segs_b = segments(b["text"], spans_b)
    anchors_a = {anchor for _, _, anchor in segs_a if anchor}
    anchors_b = {anchor for _, _, anchor in segs_b if anchor}
    for passage in passages:
        k = passage["number"]
        passage["a_anchor"] = f"{prefix}a-p{k}" if f"{prefix}a-p{k}" in anchors_a else None
        passage["b_anchor"] = f"{prefix}b-p{k}" if f"{prefix}b-p{k}" in anchors_b else None
        snippet_from = a["text"] if passage["a_anchor"] else b["text"]
        span = passage["a"] if passage["a_anchor"] else passage["b"]
        passage["snippet"] = _snippet(snippet_from, span)
        passage["length_a"] = _covered(len(a["text"]), [passage["a"]]) if passage["a"] else 0
        passage["length_b"] = _covered(len(b["text"]), [passage["b"]]) if passage["b"] else 0

    twin_of = {}
    for passage in passages:
        if passage["a_anchor"] and passage["b_anchor"]:
            twin_of[passage["a_anchor"]] = passage["b_anchor"]
            twin_of[passage["b_anchor"]] = passage["a_anchor"]

    scores_in = pair.get("scores") or {}
    scores = [(SCORE_LABELS[k], scores_in[k]) for k in SCORE_LABELS if k in scores_in]
    scores += [(_text(k), v) for k, v in scores_in.items() if k not in SCORE_LABELS]

    for side, spans, new_key in ((a, spans_a, "new_in_a"), (b, spans_b, "new_in_b")):
        length = len(side["text"])
        side["length"] = length
        side["reused_chars"] = _covered(length, [(s, e) for s, e, _, _ in spans])
        side["new_chars"] = _covered(length, pair.get(new_key) or [])

    relation = _text(pair.get("relation"))
    degree = _text(pair.get("degree"))
    return {
        "index": index,
        "prefix": prefix,
        "a": a,
        "b": b,
        "segs_a": _marked(segs_a, twin_of),
        "segs_b": _marked(segs_b, twin_of),
        "passages": passages,
        "relation": relation,
        "relation_text": RELATION_TEXT.get(relation, relation or "—"),
        "degree": degree,
        "degree_text": DEGREE_TEXT.get(degree, degree or "—"),
        "source_side": _source_side(pair),
        "source": _text(pair.get("source")),
        "direction_confidence": _num(pair.get("direction_confidence")),
        "direction_reasons": [_text(r) for r in (pair.get("direction_reasons") or [])],
        "reasons": [_text(r) for r in (pair.get("reasons") or [])],
        "scores": scores,
    }


def _snippet(text: str, span: tuple[int, int] | None, width: int = 90) -> str:
    if not span:
        return ""
    s = min(max(span[0], 0), len(text))
    e = min(max(span[1], 0), len(text))
    piece = " ".join(text[s:e].split())
    return piece if len(piece) <= width else piece[: width - 1].rstrip() + "…"


def _date_key(art: Mapping[str, Any] | None) -> str:
    date = None if art is None else art.get("date")
    return "\uffff" if not date else str(date)


def cluster_tree(
    cluster: Mapping[str, Any],
    by_id: Mapping[Hashable, Any],
    pair_by_ends: Mapping[frozenset, list[int]],
    pairs: Sequence[Mapping[str, Any]],
    edge_url: Callable[[int], str] = lambda i: f"../pairs/{i}.html",
    max_nodes: int | None = None,
) -> list[dict[str, Any]]:
    """The source tree as a flat list of ``ul``/``li`` open/close tokens.

    ``pair_by_ends`` maps ``frozenset((a, b))`` to indexes into ``pairs``; ``edge_url(index)`` is
    the link from a child to the page comparing it with its parent.

    Built iteratively (no recursion), so deep chains cannot hit recursion
    limits; cycles and unreachable members are shown as extra roots.
    """
    tree_in = cluster.get("source_tree") or {}
    parent_of: dict[Hashable, Any] = {}
    raw: dict[Hashable, Any] = {}
    children: dict[Hashable, list[Hashable]] = defaultdict(list)
    for child, parent in tree_in.items():
        ck, pk = _key(child), _key(parent)
        raw.setdefault(ck, child)
        if parent is None or ck == pk:
            continue
        raw.setdefault(pk, parent)
        parent_of[ck] = pk
        children[pk].append(ck)

    def order(keys: Iterable[Hashable]) -> list[Hashable]:
        return sorted(keys, key=lambda k: (_date_key(by_id.get(k)), _text(raw.get(k, k))))

    members = [_key(m) for m in cluster.get("members") or []]
    for m, original in zip(members, cluster.get("members") or []):
        raw.setdefault(m, original)
    for r in cluster.get("roots") or []:
        raw.setdefault(_key(r), r)

    start: list[Hashable] = [_key(r) for r in cluster.get("roots") or []]
    start += order(k for k in children if k not in parent_of)
    start += order(members)
    start += order(parent_of)  # nodes only reachable through a cycle

    visited: set[Hashable] = set()
    flat: list[tuple[Hashable, int]] = []
    for root in start:
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if node in visited:
                continue
            visited.add(node)
            flat.append((node, depth))
            kids = [c for c in order(children.get(node, ())) if c not in visited]
            stack.extend((c, depth + 1) for c in reversed(kids))

    omitted = 0
    if max_nodes is not None and len(flat) > max_nodes:
        flat, omitted = flat[:max_nodes], len(flat) - max_nodes
    tokens: list[dict[str, Any]] = []
    current = -1
    for node, depth in flat:
        if depth > current:
            tokens.append({"tag": "ul"})
        else:
            tokens.append({"tag": "/li"})
            for _ in range(current - depth):
                tokens += [{"tag": "/ul"}, {"tag": "/li"}]
        parent = parent_of.get(node) if depth > 0 else None
        edge = None
        if parent is not None:
            candidates = pair_by_ends.get(frozenset((node, parent)), [])
            preferred = [i for i in candidates if _key(pairs[i].get("source")) == parent]
            if preferred or candidates:
                edge = (preferred or candidates)[0]
        art = by_id.get(node)
        view = _article_view(raw.get(node, node), art)
        tokens.append(
            {
                "tag": "li",
                "node": view,
                "root": depth == 0,
                "parent": None if parent is None else _text(raw.get(parent, parent)),
                "edge": edge,
                "edge_url": None if edge is None else edge_url(edge),
                "edge_relation": None if edge is None else _text(pairs[edge].get("relation")),
                "edge_confidence": None if edge is None else _num(pairs[edge].get("direction_confidence")),
            }
        )
        current = depth
    if current >= 0:
        tokens.append({"tag": "/li"})
        for _ in range(current):
            tokens += [{"tag": "/ul"}, {"tag": "/li"}]
        tokens.append({"tag": "/ul"})
    if omitted:
        tokens.append({"tag": "more", "count": omitted})
    return tokens


def _pager(page: int, pages: int, url) -> list[dict[str, Any]]:
    """Page links: first, last and a window around the current page."""
    wanted = {1, pages} | set(range(max(1, page - 3), min(pages, page + 3) + 1))
    items: list[dict[str, Any]] = []
    previous = 0
    for p in sorted(wanted):
        if p - previous > 1:
            items.append({"gap": True})
        items.append({"gap": False, "page": p, "url": url(p), "current": p == page})
        previous = p
    return items


def _pairs_url(page: int) -> str:
    return "index.html#pairs" if page == 1 else f"pairs-{page}.html"


def _clusters_url(page: int) -> str:
    return "index.html#clusters" if page == 1 else f"clusters-{page}.html"


def outlet_rows(articles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per outlet: articles, how many are derived (wholly/partially) and how many of those from
    **another outlet's** article, the share of its text reused, and how often others used it.

    ``articles`` are article-grade dicts (``id``, ``outlet``, ``degree``, ``reused_share``,
    ``sources``) with either ``length`` (characters) or ``text``.
    """
    by_id: dict[Hashable, Mapping[str, Any]] = {}
    for art in articles:
        by_id.setdefault(_key(art.get("id")), art)
    stats: dict[str, dict[str, Any]] = {}
    for art in articles:
        outlet = art.get("outlet")
        name = "" if outlet is None else str(outlet)
        row = stats.setdefault(
            name,
            {"outlet": name or None, "articles": 0, "wholly": 0, "partially": 0, "from_other": 0,
             "chars": 0, "reused_chars": 0.0, "cited": 0},
        )
        row["articles"] += 1
        degree = art.get("degree")
        if degree in ("wholly", "partially"):
            row[degree] += 1
            if any(_other_outlet(by_id.get(_key(src)), outlet) for src in art.get("sources") or []):
                row["from_other"] += 1
        length = art.get("length")
        length = int(length) if isinstance(length, int) else len(_text(art.get("text")))
        row["chars"] += length
        row["reused_chars"] += length * min(max(_num(art.get("reused_share")) or 0.0, 0.0), 1.0)
    # how often another outlet's article names one of this outlet's articles as source
    for art in articles:
        for source in art.get("sources") or []:
            src = by_id.get(_key(source))
            if src is not None and _other_outlet(src, art.get("outlet")):
                name = "" if src.get("outlet") is None else str(src.get("outlet"))
                if name in stats:
                    stats[name]["cited"] += 1
    rows = []
    for row in stats.values():
        derived = row["wholly"] + row["partially"]
        row["derived"] = derived
        row["derived_share"] = derived / row["articles"] if row["articles"] else None
        row["from_other_share"] = row["from_other"] / row["articles"] if row["articles"] else None
        row["reused_share"] = row["reused_chars"] / row["chars"] if row["chars"] else None
        rows.append(row)
    rows.sort(key=lambda r: (-r["articles"], r["outlet"] is None, r["outlet"] or ""))
    return rows


def _other_outlet(source: Mapping[str, Any] | None, outlet: Any) -> bool:
    """True if ``source`` is a known article from a different outlet (or either outlet is unknown)."""
    if source is None:
        return False
    return source.get("outlet") is None or outlet is None or source.get("outlet") != outlet


def reuse_over_time(articles: Sequence[Mapping[str, Any]], width: int = 640, height: int = 160) -> dict[str, Any]:
    """Articles and derived articles per day, with bar geometry for an inline SVG plot.

    Undated articles are counted apart (``undated``); days with no articles inside the range are
    shown as empty bars so the time axis stays true.
    """
    per_day: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    undated = 0
    for art in articles:
        day = _day(art.get("date"))
        if day is None:
            undated += 1
            continue
        per_day[day][0] += 1
        if art.get("degree") in ("wholly", "partially"):
            per_day[day][1] += 1
    days = _day_range(sorted(per_day))
    peak = max((per_day[d][0] for d in days if d in per_day), default=0)
    bars = []
    step = width / len(days) if days else 0.0
    for n, day in enumerate(days):
        total, derived = per_day.get(day, (0, 0))
        h_total = height * total / peak if peak else 0.0
        h_derived = height * derived / peak if peak else 0.0
        bars.append({"day": day, "articles": total, "derived": derived, "x": round(n * step + step * 0.1, 2),
                     "w": round(max(step * 0.8, 0.5), 2), "h_total": round(h_total, 2),
                     "h_derived": round(h_derived, 2), "y_total": round(height - h_total, 2),
                     "y_derived": round(height - h_derived, 2)})
    return {"bars": bars, "undated": undated, "peak": peak, "width": width, "height": height,
            "first": days[0] if days else None, "last": days[-1] if days else None}


def _day(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` day of an ISO date/time, or None if it is not one."""
    text = _text(value)[:10]
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


MAX_PLOT_DAYS = 400
"""Longer date ranges are plotted with one bar per day that has articles (no empty days)."""


def _day_range(days: list[str]) -> list[str]:
    """Every day from the first to the last (at most MAX_PLOT_DAYS), else just ``days``."""
    if not days:
        return []
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = (last - first).days + 1
    if span > MAX_PLOT_DAYS:
        return days
    return [(first + dt.timedelta(days=n)).isoformat() for n in range(span)]


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------


def _write(path: Path, content: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(content)


def _copy_static(out: Path) -> None:
    target = out / "static"
    target.mkdir(exist_ok=True)
    source = resources.files("wiretrace.report") / "static"
    for entry in source.iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            (target / entry.name).write_bytes(entry.read_bytes())


def _remove_stale(out: Path) -> None:
    """Remove numbered pages left over from an earlier, larger report."""
    for sub in ("pairs", "clusters"):
        folder = out / sub
        for path in folder.glob("*.html"):
            if _STALE_PAGE.match(path.name):
                path.unlink()
    for path in out.glob("*-*.html"):
        if _STALE_LISTING.match(path.name):
            path.unlink()


def render_report(
    out_dir: str | Path,
    articles: Sequence[dict],
    pairs: Sequence[dict],
    clusters: Sequence[dict],
    title: str = "wiretrace report",
    quarantine: Sequence[dict] = (),
) -> Path:
    """Write a self-contained static report folder; return the path of index.html.

    ``articles``, ``pairs``, ``clusters`` and ``quarantine`` are plain dicts
    in the product's JSON contract. Pair pages are numbered by the pair's
    index in ``pairs`` (``pairs/0.html``, ...), cluster pages by the cluster's
    index in ``clusters``. The pair list is paginated, PAIRS_PER_PAGE pairs
    per page (``index.html``, ``pairs-2.html``, ...).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pairs").mkdir(exist_ok=True)
    (out / "clusters").mkdir(exist_ok=True)
    _remove_stale(out)
    _copy_static(out)

    env = _environment()
    articles = list(articles)
    pairs = list(pairs)
    clusters = list(clusters)
    quarantine = list(quarantine)
    title = _text(title) or "wiretrace report"

    by_id: dict[Hashable, Mapping[str, Any]] = {}
    for art in articles:
        by_id.setdefault(_key(art.get("id")), art)

    # ---- pairs: listing order, lookups --------------------------------
    order = sorted(
        range(len(pairs)),
        key=lambda i: (_relation_rank(pairs[i].get("relation")), -_coverage(pairs[i]), i),
    )
    position = {i: pos for pos, i in enumerate(order)}
    rows = {i: _pair_row(i, pairs[i], by_id) for i in range(len(pairs))}
    pair_by_ends: dict[frozenset, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        pair_by_ends[frozenset((_key(pair.get("a")), _key(pair.get("b"))))].append(i)

    # ---- clusters: membership ----------------------------------------
    clusters_of: dict[Hashable, set[int]] = defaultdict(set)
    for ci, cluster in enumerate(clusters):
        for member in cluster.get("members") or []:
            clusters_of[_key(member)].add(ci)
    pair_cluster: dict[int, int] = {}
    cluster_pairs: dict[int, list[int]] = defaultdict(list)
    for i in order:
        shared = clusters_of.get(_key(pairs[i].get("a")), set()) & clusters_of.get(
            _key(pairs[i].get("b")), set()
        )
        for ci in sorted(shared):
            pair_cluster.setdefault(i, ci)
            cluster_pairs[ci].append(i)

    cluster_rows = []
    for ci, cluster in enumerate(clusters):
        members = cluster.get("members") or []
        member_arts = [by_id.get(_key(m)) for m in members]
        dates = sorted(str(a["date"]) for a in member_arts if a is not None and a.get("date"))
        outlets = {a.get("outlet") for a in member_arts if a is not None and a.get("outlet") is not None}
        cluster_rows.append(
            {
                "index": ci,
                "id": _text(cluster.get("cluster")) or f"#{ci}",
                "size": len(members),
                "story": None if cluster.get("story") is None else _text(cluster.get("story")),
                "roots": [_text(r) for r in cluster.get("roots") or []],
                "outlets": len(outlets),
                "first": dates[0] if dates else None,
                "last": dates[-1] if dates else None,
                "pairs": len(cluster_pairs.get(ci, ())),
            }
        )
    cluster_order = sorted(cluster_rows, key=lambda r: (-r["size"], r["index"]))
    cluster_page_of = {row["index"]: pos // CLUSTERS_PER_PAGE + 1 for pos, row in enumerate(cluster_order)}

    # ---- counts --------------------------------------------------------
    relation_counts = Counter(_text(p.get("relation")) for p in pairs)
    relations = [(r, relation_counts.get(r, 0)) for r in RELATION_ORDER]
    relations += sorted((r, n) for r, n in relation_counts.items() if r not in RELATION_ORDER)
    degree_counts = Counter(_text(a.get("degree")) for a in articles)
    degrees = [(d, degree_counts.get(d, 0)) for d in DEGREE_ORDER]
    degrees += sorted((d, n) for d, n in degree_counts.items() if d not in DEGREE_ORDER)
    sizes = sorted(Counter(row["size"] for row in cluster_rows).items())
    counts = {
        "articles": len(articles),
        "pairs": len(pairs),
        "clusters": len(clusters),
        "quarantined": len(quarantine),
        "relations": relations,
        "degrees": degrees,
        "sizes": sizes,
    }

    common = {"report_title": title}

    # ---- listing pages -------------------------------------------------
    pair_pages = max(1, math.ceil(len(order) / PAIRS_PER_PAGE))
    cluster_pages = max(1, math.ceil(len(cluster_order) / CLUSTERS_PER_PAGE))

    def pair_listing(page: int) -> dict[str, Any]:
        chunk = order[(page - 1) * PAIRS_PER_PAGE : page * PAIRS_PER_PAGE]
        return {
            "rows": [rows[i] for i in chunk],
            "page": page,
            "pages": pair_pages,
            "first": (page - 1) * PAIRS_PER_PAGE + 1,
            "last": (page - 1) * PAIRS_PER_PAGE + len(chunk),
            "total": len(order),
            "pager": _pager(page, pair_pages, _pairs_url),
        }

    def cluster_listing(page: int) -> dict[str, Any]:
        chunk = cluster_order[(page - 1) * CLUSTERS_PER_PAGE : page * CLUSTERS_PER_PAGE]
        return {
            "rows": chunk,
            "page": page,
            "pages": cluster_pages,
            "first": (page - 1) * CLUSTERS_PER_PAGE + 1,
            "last": (page - 1) * CLUSTERS_PER_PAGE + len(chunk),
            "total": len(cluster_order),
            "pager": _pager(page, cluster_pages, _clusters_url),
        }

    index_path = out / "index.html"
    _write(
        index_path,
        env.get_template("index.html").render(
            **common,
            root="",
            page_title=title,
            counts=counts,
            pair_list=pair_listing(1),
            cluster_list=cluster_listing(1),
            outlets=outlet_rows(articles),
            timeline=reuse_over_time(articles),
            quarantine=[
                {"file": _text(q.get("file")), "line": _text(q.get("line")), "reason": _text(q.get("reason"))}
                for q in quarantine
            ],
        ),
    )
    listing = env.get_template("listing.html")
    for page in range(2, pair_pages + 1):
        _write(
            out / f"pairs-{page}.html",
            listing.render(
                **common, root="", page_title=f"Pairs, page {page} of {pair_pages}",
                kind="pairs", pair_list=pair_listing(page), cluster_list=None,
            ),
        )
    for page in range(2, cluster_pages + 1):
        _write(
            out / f"clusters-{page}.html",
            listing.render(
                **common, root="", page_title=f"Clusters, page {page} of {cluster_pages}",
                kind="clusters", pair_list=None, cluster_list=cluster_listing(page),
            ),
        )

    # ---- cluster pages -------------------------------------------------
    cluster_tpl = env.get_template("cluster.html")
    for ci, cluster in enumerate(clusters):
        row = cluster_rows[ci]
        members = sorted(
            (_key(m) for m in cluster.get("members") or []),
            key=lambda k: (_date_key(by_id.get(k)), _text(k)),
        )
        raw_members = {_key(m): m for m in cluster.get("members") or []}
        tree_in = {_key(c): p for c, p in (cluster.get("source_tree") or {}).items()}
        member_views = []
        for m in members[:CLUSTER_MEMBERS_SHOWN]:
            view = _article_view(raw_members[m], by_id.get(m))
            parent = tree_in.get(m)
            view["parent"] = None if parent is None else _text(parent)
            member_views.append(view)
        in_cluster = cluster_pairs.get(ci, [])
        _write(
            out / "clusters" / f"{ci}.html",
            cluster_tpl.render(
                **common,
                root="../",
                page_title=f"Cluster {row['id']}",
                cluster=row,
                members=member_views,
                tree=cluster_tree(cluster, by_id, pair_by_ends, pairs, max_nodes=CLUSTER_MEMBERS_SHOWN),
                members_total=len(members),
                pair_rows=[rows[i] for i in in_cluster[:CLUSTER_PAIRS_SHOWN]],
                pairs_total=len(in_cluster),
                back_url="../" + _clusters_url(cluster_page_of[ci]),
            ),
        )

    # ---- pair pages ----------------------------------------------------
    pair_tpl = env.get_template("pair.html")
    for i, pair in enumerate(pairs):
        pos = position[i]
        view = pair_view(i, pair, by_id)
        _write(
            out / "pairs" / f"{i}.html",
            pair_tpl.render(
                **common,
                root="../",
                page_title=f"Pair {i}: {view['a']['id']} / {view['b']['id']}",
                pair=view,
                prev_index=order[pos - 1] if pos > 0 else None,
                next_index=order[pos + 1] if pos + 1 < len(order) else None,
                cluster_index=pair_cluster.get(i),
                back_url="../" + _pairs_url(pos // PAIRS_PER_PAGE + 1),
            ),
        )

    return index_path
