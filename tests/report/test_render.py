"""Tests for the static HTML report (wiretrace.report)."""

from __future__ import annotations

from html import unescape
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiretrace.report import PAIRS_PER_PAGE, render_report, segments

# --------------------------------------------------------------------------
# fake dataset
# --------------------------------------------------------------------------

WIRE = (
    "Storm hits the coast.\n\n"
    "The storm made landfall on Monday morning, officials said.\n\n"
    "More rain is expected later this week."
)
DAILY = (
    "More rain is expected later this week.\n\n"
    "Officials said the storm came ashore on Monday morning.\n\n"
    "Local schools are closed."
)
COPY = WIRE  # a duplicate of the wire story


def _span(text: str, piece: str) -> list[int]:
    start = text.index(piece)
    return [start, start + len(piece)]


def _dataset():
    articles = [
        {"id": "wire/1", "text": WIRE, "title": "Storm hits the coast", "outlet": "Wire",
         "date": "2024-05-01T08:00:00Z", "sources": [], "reused_share": 0.0, "degree": "none"},
        {"id": "daily/../2", "text": DAILY, "title": None, "outlet": "Daily",
         "date": "2024-05-01T10:30:00Z", "sources": ["wire/1"], "reused_share": 0.6, "degree": "partially"},
        {"id": "copy-3", "text": COPY, "title": "Storm", "outlet": None,
         "date": None, "sources": ["daily/../2"], "reused_share": 1.0, "degree": "wholly"},
        {"id": "lone", "text": "Unrelated news.", "title": "Other", "outlet": "Daily",
         "date": "2024-05-02", "sources": [], "reused_share": 0.0, "degree": "none"},
    ]
    derived = {
        "a": "wire/1", "b": "daily/../2", "relation": "derived", "degree": "partially",
        "source": "wire/1", "direction_confidence": 0.82,
        "scores": {"jaccard": 0.41, "containment_a_in_b": 0.55, "containment_b_in_a": 0.5,
                   "coverage_a": 0.7, "coverage_b": 0.6},
        "reasons": ["two shared passages"],
        "direction_reasons": ["A was published 2.5 hours earlier"],
        # reordered: passage 0 is late in b, passage 1 is first in b
        "passages": [
            {"a": _span(WIRE, "The storm made landfall on Monday morning, officials said."),
             "b": _span(DAILY, "Officials said the storm came ashore on Monday morning."),
             "kind": "rewritten"},
            {"a": _span(WIRE, "More rain is expected later this week."),
             "b": _span(DAILY, "More rain is expected later this week."),
             "kind": "verbatim"},
        ],
        "new_in_a": [_span(WIRE, "Storm hits the coast.")],
        "new_in_b": [_span(DAILY, "Local schools are closed.")],
    }
    duplicate = {
        "a": "daily/../2", "b": "copy-3", "relation": "duplicate", "degree": "wholly",
        "source": "daily/../2", "direction_confidence": 0.5,
        "scores": {"jaccard": 0.9, "coverage_a": 0.95, "coverage_b": 0.99},
        "reasons": [], "direction_reasons": [],
        "passages": [{"a": [0, 10], "b": [0, 10], "kind": "verbatim"}],
        "new_in_a": [], "new_in_b": [],
    }
    same_story = {
        "a": "wire/1", "b": "lone", "relation": "same_story", "degree": "none",
        "source": None, "direction_confidence": 0.0, "scores": {"jaccard": 0.01},
        "reasons": ["same named entities"], "direction_reasons": [],
        "passages": [], "new_in_a": [], "new_in_b": [],
    }
    pairs = [same_story, derived, duplicate]
    clusters = [
        {"cluster": "c-1", "members": ["wire/1", "daily/../2", "copy-3"],
         "source_tree": {"daily/../2": "wire/1", "copy-3": "daily/../2"},
         "roots": ["wire/1"], "story": "wire/1"},
    ]
    quarantine = [{"file": "feed.jsonl", "line": 7, "reason": "invalid JSON"}]
    return articles, pairs, clusters, quarantine


@pytest.fixture()
def report(tmp_path):
    articles, pairs, clusters, quarantine = _dataset()
    index = render_report(tmp_path / "out", articles, pairs, clusters,
                          title="Test report", quarantine=quarantine)
    return index


# --------------------------------------------------------------------------
# HTML helpers
# --------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str):
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.tags


def _ids(html: str) -> set[str]:
    return {a["id"] for _, a in _tags(html) if a.get("id")}


def _links(path: Path):
    """(attribute value) of every href/src in a page."""
    out = []
    for tag, attrs in _tags(path.read_text(encoding="utf-8")):
        for name in ("href", "src"):
            if attrs.get(name):
                out.append(attrs[name])
    return out


def _check_links(root: Path) -> int:
    """Every relative link of every page resolves to a file (and anchor)."""
    checked = 0
    id_cache: dict[Path, set[str]] = {}
    for page in root.rglob("*.html"):
        for link in _links(page):
            assert not re.match(r"^[a-z]+:|^//", link), f"external link {link!r} in {page}"
            target, _, fragment = link.partition("#")
            dest = (page.parent / target).resolve() if target else page.resolve()
            assert dest.is_file(), f"{page.relative_to(root)} links to missing {link!r}"
            assert root.resolve() in dest.parents, f"link {link!r} leaves the report folder"
            if fragment and dest.suffix == ".html":
                if dest not in id_cache:
                    id_cache[dest] = _ids(dest.read_text(encoding="utf-8"))
                ids = id_cache[dest]
                assert fragment in ids, f"{page.relative_to(root)}: no #{fragment} in {dest.name}"
            checked += 1
    return checked


def _columns(html: str) -> tuple[str, str]:
    start_a = html.index('class="side side-a"')
    start_b = html.index('class="side side-b"')
    end_b = html.index('id="scores"')
    return html[start_a:start_b], html[start_b:end_b]


def _marks(html: str):
    return [a for tag, a in _tags(html) if tag == "mark" and a.get("id")]


# --------------------------------------------------------------------------
# segments()
# --------------------------------------------------------------------------


def test_segments_splits_unsorted_spans_and_keeps_gaps():
    text = "0123456789"
    segs = segments(text, [(6, 8, "rewritten", "a-p1"), (2, 4, "verbatim", "a-p0")])
    assert segs == [
        ("01", None, None),
        ("23", "verbatim", "a-p0"),
        ("45", None, None),
        ("67", "rewritten", "a-p1"),
        ("89", None, None),
    ]


def test_segments_clips_to_text_and_drops_empty_spans():
    text = "abcdef"
    segs = segments(text, [(-5, 2, "verbatim", "p0"), (4, 99, "rewritten", "p1"),
                           (3, 3, "verbatim", "empty"), (50, 60, "verbatim", "outside"),
                           (5, 2, "verbatim", "reversed")])
    assert segs == [("ab", "verbatim", "p0"), ("cd", None, None), ("ef", "rewritten", "p1")]


def test_segments_adjacent_and_whole_text():
    assert segments("abcd", [(2, 4, "v", "y"), (0, 2, "v", "x")]) == [("ab", "v", "x"), ("cd", "v", "y")]
    assert segments("abcd", [(0, 4, "v", "x")]) == [("abcd", "v", "x")]
    assert segments("abcd", []) == [("abcd", None, None)]
    assert segments("", [(0, 3, "v", "x")]) == []


def test_segments_trims_overlaps_instead_of_repeating_text():
    segs = segments("abcdefgh", [(0, 5, "v", "x"), (3, 7, "r", "y")])
    assert segs == [("abcde", "v", "x"), ("fg", "r", "y"), ("h", None, None)]
    assert "".join(p for p, _, _ in segs) == "abcdefgh"


_span_strategy = st.tuples(
    st.integers(min_value=-20, max_value=220),
    st.integers(min_value=-20, max_value=220),
    st.sampled_from(["verbatim", "rewritten"]),
    st.text(alphabet="abp-0123456789", min_size=1, max_size=6),
)


@given(text=st.text(max_size=200), spans=st.lists(_span_strategy, max_size=12))
def test_segments_concatenation_gives_back_text(text, spans):
    segs = segments(text, spans)
    assert "".join(piece for piece, _, _ in segs) == text
    assert all(piece for piece, _, _ in segs)
    # gaps are never adjacent to gaps
    for (_, k1, _), (_, k2, _) in zip(segs, segs[1:]):
        assert not (k1 is None and k2 is None)


@st.composite
def _disjoint_spans(draw):
    text = draw(st.text(min_size=0, max_size=150))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10, unique=True)))
    spans = []
    for k, (s, e) in enumerate(zip(cuts[::2], cuts[1::2])):
        spans.append((s, e, draw(st.sampled_from(["verbatim", "rewritten"])), f"a-p{k}"))
    return text, draw(st.permutations(spans))


@given(_disjoint_spans())
def test_segments_marks_each_disjoint_span_exactly(data):
    text, spans = data
    segs = segments(text, spans)
    assert "".join(p for p, _, _ in segs) == text
    pos = 0
    found = {}
    for piece, kind, anchor in segs:
        if anchor is not None:
            found[anchor] = (pos, pos + len(piece), kind)
        pos += len(piece)
    expected = {anchor: (s, e, kind) for s, e, kind, anchor in spans if e > s}
    assert found == expected


# --------------------------------------------------------------------------
# render_report()
# --------------------------------------------------------------------------


def test_files_exist(report):
    out = report.parent
    assert report == out / "index.html"
    assert report.is_file()
    for n in range(3):
        assert (out / "pairs" / f"{n}.html").is_file()
    assert (out / "clusters" / "0.html").is_file()
    assert (out / "static" / "report.css").is_file()
    assert (out / "static" / "report.js").is_file()
    assert not (out / "pairs-2.html").exists()  # only one page of pairs


def test_file_names_are_numbers_not_ids(report):
    out = report.parent
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [
        "clusters/0.html", "index.html", "pairs/0.html", "pairs/1.html", "pairs/2.html",
        "static/report.css", "static/report.js",
    ]


def test_all_links_resolve(report):
    assert _check_links(report.parent) > 20


def test_index_links_to_every_pair_and_cluster_page(report):
    links = set(_links(report))
    assert {"pairs/0.html", "pairs/1.html", "pairs/2.html", "clusters/0.html"} <= links
    assert "static/report.css" in links and "static/report.js" in links


def test_index_counts_and_tables(report):
    html = report.read_text(encoding="utf-8")
    assert "Test report" in html
    for name in ("duplicate", "derived", "same_story"):
        assert name in html
    assert 'id="clusters"' in html and 'id="pairs"' in html and 'id="outlets"' in html
    # outlet table: Daily has 2 articles, one derived
    outlets = html[html.index('id="outlets"'):]
    assert "unknown outlet" in outlets
    rows = _outlet_table(outlets)
    # Daily: 2 articles, one partially derived from Wire's article (another outlet): 50%
    assert rows["Daily"][:2] == ["2", "0.5"]
    # Wire: 1 article, not derived; used as a source by Daily once
    assert rows["Wire"][:2] == ["1", "0.0"] and rows["Wire"][-1] == "1"
    # the unknown-outlet copy is derived from Daily's article: another outlet as far as we know
    assert rows[""][:2] == ["1", "1.0"]
    assert 'class="outlets sortable"' in outlets and 'data-sort="num"' in outlets


def _outlet_table(html: str) -> dict[str, list[str]]:
    """Outlet name -> the data-value of each further cell, from the first outlet table in html."""
    table = html[html.index('<table class="outlets'):html.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        values = re.findall(r'data-value="([^"]*)"', tr)
        rows[values[0]] = values[1:]
    return rows


def test_timeline_plot_is_inline_svg_with_a_bar_per_day(report):
    html = report.read_text(encoding="utf-8")
    plot = html[html.index('id="timeline"'):html.index('id="clusters"')]
    assert "<svg" in plot and "http" not in plot.replace('xmlns="http://www.w3.org/2000/svg"', "")
    days = re.findall(r"<title>(\d{4}-\d{2}-\d{2}): (\d+) articles, (\d+) derived</title>", plot)
    assert days == [("2024-05-01", "2", "1"), ("2024-05-02", "1", "0")]
    assert "1 undated article not shown" in plot


def test_pair_table_sorted_by_relation_then_coverage(tmp_path):
    articles, _, _, _ = _dataset()

    def pair(relation, cov):
        return {"a": "wire/1", "b": "daily/../2", "relation": relation, "degree": "partially",
                "source": None, "direction_confidence": 0.0,
                "scores": {"coverage_a": cov, "coverage_b": cov / 2},
                "reasons": [], "direction_reasons": [], "passages": [], "new_in_a": [], "new_in_b": []}

    pairs = [pair("same_story", 0.9), pair("derived", 0.2), pair("duplicate", 0.5),
             pair("derived", 0.8), pair("duplicate", 0.99)]
    index = render_report(tmp_path, articles, pairs, [])
    html = index.read_text(encoding="utf-8")
    table = html[html.index('id="pairs"'):]
    order = re.findall(r'href="pairs/(\d+)\.html"', table)
    assert order == ["4", "2", "3", "1", "0"]


def test_quarantine_listed_only_when_present(report, tmp_path):
    html = report.read_text(encoding="utf-8")
    assert 'id="quarantine"' in html and "feed.jsonl" in html and "invalid JSON" in html
    articles, pairs, clusters, _ = _dataset()
    other = render_report(tmp_path / "noq", articles, pairs, clusters)
    assert 'id="quarantine"' not in other.read_text(encoding="utf-8")


def test_pair_page_marks_have_twins_in_both_columns(report):
    html = (report.parent / "pairs" / "1.html").read_text(encoding="utf-8")
    col_a, col_b = _columns(html)
    marks_a = {m["id"]: m for m in _marks(col_a)}
    marks_b = {m["id"]: m for m in _marks(col_b)}
    assert set(marks_a) == {"a-p0", "a-p1"}
    assert set(marks_b) == {"b-p0", "b-p1"}
    for k in (0, 1):
        assert marks_a[f"a-p{k}"]["data-twin"] == f"b-p{k}"
        assert marks_b[f"b-p{k}"]["data-twin"] == f"a-p{k}"
    assert marks_a["a-p0"]["class"] == "rewritten" and marks_a["a-p1"]["class"] == "verbatim"
    assert marks_b["b-p0"]["class"] == "rewritten" and marks_b["b-p1"]["class"] == "verbatim"
    # reordered passages: in B, passage 1 comes before passage 0
    assert col_b.index('id="b-p1"') < col_b.index('id="b-p0"')
    # the marked text is exactly the passage text
    assert '<mark class="verbatim" id="b-p1" data-twin="a-p1"' in col_b
    assert ">More rain is expected later this week.</mark>" in col_b


def test_pair_page_keeps_text_and_paragraphs(report):
    html = (report.parent / "pairs" / "1.html").read_text(encoding="utf-8")
    col_a, col_b = _columns(html)
    text_a = re.sub(r"<[^>]+>", "", col_a[col_a.index('class="text"'):])
    assert text_a.split(">", 1)[1].startswith(WIRE)
    assert "Storm hits the coast.\n\n<mark" in col_a  # paragraph break kept, new text unmarked
    css = (report.parent / "static" / "report.css").read_text(encoding="utf-8")
    assert "white-space: pre-wrap" in css
    assert "grid-template-columns" in css


def test_pair_page_legend_scores_and_verdict(report):
    html = (report.parent / "pairs" / "1.html").read_text(encoding="utf-8")
    assert 'class="legend"' in html
    legend = html[html.index('class="legend"'):]
    legend = legend[: legend.index("</ul>")]
    for word in ("verbatim", "rewritten", "new"):
        assert word in legend
    assert 'id="scores"' in html
    assert "Jaccard" in html and "0.410" in html and "Coverage of A" in html
    assert "Derived: one article reuses text from the other." in html
    assert "partially" in html
    assert "Article A (<span class=\"id\">wire/1</span>) is the source" in html
    assert "A was published 2.5 hours earlier" in html
    assert "82%" in html
    assert 'href="../clusters/0.html"' in html
    undetermined = (report.parent / "pairs" / "0.html").read_text(encoding="utf-8")
    assert "Undetermined" in undetermined


def test_cluster_page_tree_and_edges(report):
    html = (report.parent / "clusters" / "0.html").read_text(encoding="utf-8")
    tree = html[html.index('class="tree"'):html.index('id="members"')]
    # nested: root wire/1 > daily/../2 > copy-3, each in a deeper <ul>
    depth, depths = 0, {}
    for token in re.finditer(r"<(/?)ul>|<span class=\"id\">([^<]*)</span>", tree):
        if token.group(2) is not None:
            depths[token.group(2)] = depth
        else:
            depth += -1 if token.group(1) else 1
    assert depths == {"wire/1": 1, "daily/../2": 2, "copy-3": 3}
    assert depth == 0
    edges = re.findall(r'class="edge" href="\.\./pairs/(\d+)\.html"', tree)
    assert edges == ["1", "2"]
    members = html[html.index('id="members"'):]
    for text in ("Wire", "Daily", "2024-05-01 08:00", "wholly", "partially"):
        assert text in members


def test_cluster_tree_survives_cycles_and_missing_articles(tmp_path):
    articles, pairs, _, _ = _dataset()
    clusters = [{"cluster": 9, "members": ["x", "y", "ghost"], "source_tree": {"x": "y", "y": "x"},
                 "roots": [], "story": None}]
    pairs = pairs + [{"a": "nobody", "b": "wire/1", "relation": "derived", "degree": "wholly",
                      "source": "nobody", "direction_confidence": 1.0, "scores": {},
                      "reasons": [], "direction_reasons": [],
                      "passages": [{"a": [0, 5], "b": [0, 5], "kind": "verbatim"}],
                      "new_in_a": [], "new_in_b": []}]
    index = render_report(tmp_path, articles, pairs, clusters)
    html = (index.parent / "clusters" / "0.html").read_text(encoding="utf-8")
    for member in ("x", "y", "ghost"):
        assert f'<span class="id">{member}</span>' in html
    page = (index.parent / "pairs" / "3.html").read_text(encoding="utf-8")
    assert "not in the article list" in page
    _check_links(index.parent)


def test_deep_chain_does_not_recurse(tmp_path, monkeypatch):
    from wiretrace.report import render

    n = 1500
    monkeypatch.setattr(render, "CLUSTER_MEMBERS_SHOWN", n)  # draw the whole chain
    articles = [{"id": f"n{i}", "text": "t", "title": None, "outlet": "O", "date": None,
                 "sources": [], "reused_share": 0.0, "degree": "none"} for i in range(n)]
    tree = {f"n{i}": f"n{i - 1}" for i in range(1, n)}
    clusters = [{"cluster": 0, "members": [a["id"] for a in articles], "source_tree": tree,
                 "roots": ["n0"], "story": None}]
    index = render_report(tmp_path, articles, [], clusters)
    html = (index.parent / "clusters" / "0.html").read_text(encoding="utf-8")
    assert html.count("<ul>") == html.count("</ul>") == n


def test_pagination_of_many_pairs(tmp_path):
    articles, _, _, _ = _dataset()
    n = 1200
    pairs = [
        {"a": "wire/1", "b": "daily/../2", "relation": ("derived", "duplicate", "same_story")[i % 3],
         "degree": "partially", "source": "wire/1", "direction_confidence": 0.5,
         "scores": {"coverage_a": (i % 97) / 97, "coverage_b": 0.1},
         "reasons": [], "direction_reasons": [],
         "passages": [{"a": [0, 5], "b": [0, 5], "kind": "verbatim"}],
         "new_in_a": [], "new_in_b": []}
        for i in range(n)
    ]
    index = render_report(tmp_path, articles, pairs, [])
    out = index.parent
    pages = [index, out / "pairs-2.html", out / "pairs-3.html"]
    assert all(p.is_file() for p in pages)
    assert not (out / "pairs-4.html").exists()
    seen = []
    for page in pages:
        rows = re.findall(r'<td><a href="pairs/(\d+)\.html">', page.read_text(encoding="utf-8"))
        assert 0 < len(rows) <= PAIRS_PER_PAGE
        seen += rows
    assert len(seen) == n and len(set(seen)) == n
    assert len(list((out / "pairs").glob("*.html"))) == n
    # page 1 links on to the next pages
    assert 'href="pairs-2.html"' in index.read_text(encoding="utf-8")
    assert 'href="index.html#pairs"' in pages[1].read_text(encoding="utf-8")
    _check_links(out)

    # re-rendering a smaller report removes the stale numbered pages
    render_report(out, articles, pairs[:10], [])
    assert not (out / "pairs-2.html").exists()
    assert len(list((out / "pairs").glob("*.html"))) == 10


def test_untrusted_text_and_ids_are_escaped(tmp_path):
    evil_text = "Hello <script>alert(1)</script> and <img src=x onerror=alert(1)> bye & co"
    evil_id = 'x"><script>alert(2)</script>'
    evil_id2 = "../../etc/passwd<b>"
    articles = [
        {"id": evil_id, "text": evil_text, "title": "<i>title</i><script>alert(3)</script>",
         "outlet": "<b onmouseover=alert(4)>Evil</b>", "date": "<script>alert(5)</script>",
         "sources": [evil_id2], "reused_share": 0.5, "degree": "partially"},
        {"id": evil_id2, "text": evil_text + "\n<img src=x onerror=alert(1)>",
         "title": None, "outlet": "Evil", "date": None,
         "sources": [], "reused_share": 0.0, "degree": "none"},
    ]
    pairs = [{
        "a": evil_id, "b": evil_id2, "relation": "derived", "degree": "partially",
        "source": evil_id2, "direction_confidence": 0.7,
        "scores": {"jaccard": 0.5, "<script>alert(6)</script>": 1},
        "reasons": ["<script>alert(7)</script>"],
        "direction_reasons": ["<img src=x onerror=alert(1)>"],
        # passage boundaries cut right through the tags
        "passages": [{"a": [6, 20], "b": [6, 20], "kind": "verbatim"},
                     {"a": [30, 45], "b": [30, 45], "kind": "rewritten"}],
        "new_in_a": [[0, 8]], "new_in_b": [],
    }]
    clusters = [{"cluster": evil_id, "members": [evil_id, evil_id2],
                 "source_tree": {evil_id: evil_id2}, "roots": [evil_id2], "story": evil_id}]
    quarantine = [{"file": "<script>alert(8)</script>.json", "line": 1,
                   "reason": "<img src=x onerror=alert(1)>"}]
    index = render_report(tmp_path, articles, pairs, clusters,
                          title="<script>alert(9)</script>", quarantine=quarantine)
    out = index.parent

    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.relative_to(out).as_posix() for p in written} == {
        "index.html", "pairs/0.html", "clusters/0.html", "static/report.css", "static/report.js",
    }
    raw = ["<script>alert", "<img src=x onerror=alert(1)>", "<img", 'x"><script>',
           "<b onmouseover", "<i>title</i>", "<b>"]
    for path in written:
        content = path.read_text(encoding="utf-8")
        for needle in raw:
            assert needle not in content, f"{needle!r} unescaped in {path.relative_to(out)}"
        # the only <script> elements are our own static file
        for tag, attrs in _tags(content):
            if tag == "script":
                assert attrs.get("src", "").endswith("static/report.js")
            assert tag not in ("img", "iframe", "object", "embed")
            assert not any(name.startswith("on") for name in attrs)

    page = (out / "pairs" / "0.html").read_text(encoding="utf-8")
    col_a, col_b = _columns(page)
    for column, text in ((col_a, articles[0]["text"]), (col_b, articles[1]["text"])):
        body = column[column.index('class="text"'):]
        body = body[body.index(">") + 1 : body.index("</div>")]
        assert unescape(re.sub(r"<[^>]+>", "", body)) == text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "x&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page
    # the highlighted text is still the escaped text, cut at the passage offsets
    assert '<mark class="verbatim" id="a-p0" data-twin="b-p0" tabindex="0" role="button">' \
           "&lt;script&gt;" in col_a
    _check_links(out)


def test_reuse_over_time_keeps_empty_days_on_the_axis():
    from wiretrace.report.render import reuse_over_time

    arts = [{"date": "2025-03-10", "degree": "none"}, {"date": "2025-03-13T09:00:00Z", "degree": "wholly"},
            {"date": "2025-03-13", "degree": "partially"}, {"date": "not a date", "degree": "wholly"}]
    plot = reuse_over_time(arts, width=400, height=100)
    assert [(b["day"], b["articles"], b["derived"]) for b in plot["bars"]] == [
        ("2025-03-10", 1, 0), ("2025-03-11", 0, 0), ("2025-03-12", 0, 0), ("2025-03-13", 2, 2)]
    assert plot["undated"] == 1 and plot["peak"] == 2
    tallest = plot["bars"][-1]
    assert tallest["h_total"] == 100 and tallest["y_total"] == 0
    assert plot["bars"][0]["h_total"] == 50 and plot["bars"][0]["h_derived"] == 0
    assert reuse_over_time([])["bars"] == []


def test_reuse_over_time_skips_empty_days_over_long_ranges():
    from wiretrace.report.render import MAX_PLOT_DAYS, reuse_over_time

    plot = reuse_over_time([{"date": "2000-01-01"}, {"date": "2025-01-01"}])
    assert [b["day"] for b in plot["bars"]] == ["2000-01-01", "2025-01-01"]
    assert MAX_PLOT_DAYS < 365 * 25


def test_outlet_rows_share_derived_from_another_outlet():
    from wiretrace.report.render import outlet_rows

    arts = [
        {"id": "w", "outlet": "Wire", "degree": "none", "reused_share": 0, "sources": [], "length": 100},
        {"id": "d1", "outlet": "Daily", "degree": "wholly", "reused_share": 1.0, "sources": ["w"], "length": 100},
        {"id": "d2", "outlet": "Daily", "degree": "partially", "reused_share": 0.5, "sources": ["d1"], "length": 300},
        {"id": "d3", "outlet": "Daily", "degree": "none", "reused_share": 0, "sources": [], "length": 100},
    ]
    rows = {r["outlet"]: r for r in outlet_rows(arts)}
    daily = rows["Daily"]
    assert (daily["articles"], daily["derived"], daily["from_other"]) == (3, 2, 1)  # d2 copies its own outlet
    assert daily["from_other_share"] == pytest.approx(1 / 3)
    assert daily["reused_share"] == pytest.approx((100 + 150) / 500)
    assert rows["Wire"]["cited"] == 1 and daily["cited"] == 0


def test_huge_cluster_page_is_capped(tmp_path, monkeypatch):
    from wiretrace.report import render

    monkeypatch.setattr(render, "CLUSTER_MEMBERS_SHOWN", 50)
    n = 120
    articles = [{"id": f"n{i}", "text": "t", "title": None, "outlet": "O", "date": f"2025-01-{1 + i % 28:02d}",
                 "sources": [], "reused_share": 0.0, "degree": "none"} for i in range(n)]
    tree = {f"n{i}": "n0" for i in range(1, n)}
    clusters = [{"cluster": 0, "members": [a["id"] for a in articles], "source_tree": tree,
                 "roots": ["n0"], "story": None}]
    index = render.render_report(tmp_path, articles, [], clusters)
    html = (index.parent / "clusters" / "0.html").read_text(encoding="utf-8")
    tree_html = html[html.index('class="tree"'):html.index('id="members"')]
    assert tree_html.count("<li") == 50 and "…and 70 more articles" in tree_html
    assert tree_html.count("<ul>") == tree_html.count("</ul>")
    assert "Showing the first 50 of 120 members" in html
    assert html[html.index('id="members"'):].count("<tr>") == 50 + 1
