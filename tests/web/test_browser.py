"""The web UI and the static report in a real browser: Playwright driving Debian's Chromium.

The server runs in this process on a free localhost port; screenshots go to a temporary folder
(``WIRETRACE_SCREENSHOTS`` names another one to keep them).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); apt-get install chromium",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from wiretrace.engines.local import scan, write_outputs  # noqa: E402
from wiretrace.read import article_from_text  # noqa: E402
from wiretrace.settings import DEFAULT  # noqa: E402
from wiretrace.store import Store  # noqa: E402
from wiretrace.web.service import add_article  # noqa: E402
from wiretrace.web import create_app  # noqa: E402

from tests.conftest import AP, NEWSWEEK  # noqa: E402

from .conftest import AP_ID  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EVIL = 'Breaking <script>window.pwned = 1</script> news <img src=x onerror="window.pwned = 2"> here.'


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("WIRETRACE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield pg
    context.close()
    assert errors == [], errors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(store: Path) -> Iterator[str]:
    """The app over ``store`` served by uvicorn on 127.0.0.1 and a free port, in a thread; the base URL."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(5)


@pytest.fixture
def server(store_copy):
    with serving(store_copy) as url:
        yield url


def _in_view(page, element_id: str) -> bool:
    """True if the element is inside its scrolling column and inside the window."""
    return page.evaluate(
        """id => {
            const el = document.getElementById(id);
            const r = el.getBoundingClientRect();
            const box = el.closest('.text').getBoundingClientRect();
            const visible = (top, bottom, lo, hi) => bottom > lo && top < hi;
            return visible(r.top, r.bottom, box.top, box.bottom) && visible(r.top, r.bottom, 0, window.innerHeight);
        }""",
        element_id,
    )


def _click_far_passage_and_see_its_twin(page, column: str) -> str:
    """Scroll the other column away, click the last twin-linked passage in ``column``; return its twin."""
    marks = page.locator(f"{column} mark[data-twin]")
    assert marks.count() > 1
    mark = marks.nth(marks.count() - 1)
    twin = mark.get_attribute("data-twin")
    page.evaluate("id => document.getElementById(id).closest('.text').scrollTop = 0", twin)
    page.evaluate("id => document.getElementById(id).closest('.text').scrollTop = 1e6", mark.get_attribute("id"))
    mark.click()
    page.wait_for_function("id => document.getElementById(id).classList.contains('current')", arg=twin)
    page.wait_for_timeout(700)  # smooth scrolling
    assert _in_view(page, twin)
    return twin


def test_paste_a_rewrite_and_see_ap_named_as_its_source(page, server, ledger_text, shots):
    page.goto(server + "/")
    page.fill("textarea[name=text]", ledger_text)
    page.click("button.primary")
    page.wait_for_selector("table.results")
    ap_row = page.locator("table.results tr", has_text=AP_ID)
    assert "Associated Press (stored article)" in ap_row.inner_text()
    ap_row.locator("a").first.click()
    section = page.locator("section.result", has_text=AP_ID).first
    assert section.locator("mark.verbatim").count() > 0 and section.locator("mark.rewritten").count() > 0
    assert "Article B" in section.locator(".verdict").inner_text()
    page.screenshot(path=str(shots / "web-query.png"), full_page=False)
    prefix = section.get_attribute("id").removesuffix("result")
    twin = _click_far_passage_and_see_its_twin(page, f"#{prefix}result .side-a")
    assert twin.startswith(prefix + "b-")


def test_add_then_browse_clusters_and_sort_outlets(page, server, ledger_text, shots):
    page.goto(server + "/")
    page.fill("textarea[name=text]", ledger_text)
    page.fill("input[name=id]", "ledger")
    page.check("input[name=add]")
    page.click("button.primary")
    page.wait_for_selector("text=Added to the store")
    page.click("p.note a")
    page.click("p.meta a[href^='/clusters/']")
    page.wait_for_selector(".tree")
    tree = page.locator(".tree").inner_text()
    assert "ledger" in tree and AP_ID in tree
    root = page.locator(".tree > ul > li.root > .node").first.inner_text()
    assert AP_ID in root
    page.screenshot(path=str(shots / "web-cluster.png"), full_page=True)
    page.locator(".tree a.edge").first.click()
    page.wait_for_selector(".columns")
    assert page.locator(".legend").is_visible()

    page.goto(server + "/outlets")
    heading = page.locator("th", has_text="Derived from another outlet")
    heading.click()
    shares = [float(v) for v in page.locator("table.outlets tbody tr td:nth-child(3)").evaluate_all(
        "cells => cells.map(c => c.dataset.value)")]
    assert shares == sorted(shares, reverse=True)
    heading.click()
    shares = [float(v) for v in page.locator("table.outlets tbody tr td:nth-child(3)").evaluate_all(
        "cells => cells.map(c => c.dataset.value)")]
    assert shares == sorted(shares)


def test_pair_page_scrolls_the_twin_into_view(page, server, ledger_text, shots):
    added = page.request.post(server + "/api/query", data={"article": {"id": "ledger", "text": ledger_text},
                                                          "add": True})
    assert added.ok
    page.goto(server + "/articles?id=ledger")
    page.locator("#related a", has_text=AP_ID).click()
    page.wait_for_selector(".columns")
    assert f"({AP_ID}) is the source" in page.locator(".verdict").inner_text()
    page.screenshot(path=str(shots / "web-pair.png"))
    _click_far_passage_and_see_its_twin(page, ".side-b")


def test_script_payloads_never_run(page, server):
    response = page.request.post(server + "/api/query", data={
        "article": {"id": "evil<script>window.pwned=3</script>", "text": EVIL * 3,
                    "title": '<img src=x onerror="window.pwned=4">'}, "add": True})
    assert response.ok
    for path in ["/articles?id=" + "evil%3Cscript%3Ewindow.pwned%3D3%3C%2Fscript%3E", "/search?q=pwned"]:
        page.goto(server + path)
        assert page.evaluate("window.pwned") is None
        assert page.locator("img").count() == 0
    page.goto(server + "/")
    page.fill("textarea[name=text]", EVIL)
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned" in page.locator("body").inner_text() or "No related" in page.content()


def test_api_from_the_browser(page, server):
    page.goto(server + "/api")
    assert page.locator("a[href='/api/openapi.json']").count() == 1
    assert "/api/query" in page.locator("main").inner_text()
    overview = page.request.get(server + "/api/overview").json()
    assert overview["articles"] == 17
    found = page.request.get(server + "/api/search?q=" + AP_ID).json()
    assert found[0]["id"] == AP_ID
    too_big = page.request.post(server + "/api/query", data={"article": {"text": "x" * 5_000_000}})
    assert too_big.status == 413


def test_static_report_opens_from_disk_and_links_work(page, store_copy, tmp_path, ledger_text, shots):
    with Store(store_copy) as store:
        add_article(store, article_from_text(ledger_text, "ledger"), DEFAULT)
        index = write_outputs(store, tmp_path / "out", [], report=True)
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file://")
               else route.continue_())  # prove the report needs no network
    page.goto(index.as_uri())
    assert page.locator("#timeline svg rect.derived").count() > 0
    page.locator("#pairs table.pairs tr", has_text="ledger").filter(has_text=AP_ID).locator("a").first.click()
    page.wait_for_selector(".columns")
    assert page.url.startswith("file://") and "/pairs/" in page.url
    page.screenshot(path=str(shots / "report-pair.png"))
    _click_far_passage_and_see_its_twin(page, ".side-a")


def test_seed_pair_side_by_side_with_legend(page, seed_dir, tmp_path, shots):
    """The acceptance screenshot: the Newsweek rewrite and the AP story, coloured by kind."""
    result = scan([seed_dir / f"{NEWSWEEK}.txt", seed_dir / f"{AP}.txt"], tmp_path, tmp_path / "seed.duckdb",
                  report=False)
    with serving(result.store) as url:
        page.goto(f"{url}/pair?a={NEWSWEEK}&b={AP}")
        page.wait_for_selector(".columns")
        a, b = page.locator(".side-a").bounding_box(), page.locator(".side-b").bounding_box()
        assert a["x"] + a["width"] <= b["x"] and abs(a["y"] - b["y"]) < 2  # side by side
        for side in (".side-a", ".side-b"):
            assert page.locator(f"{side} mark.verbatim").count() > 0
            assert page.locator(f"{side} mark.rewritten").count() > 0
        assert page.locator(".legend").is_visible()
        assert f"({AP}) is the source" in page.locator(".verdict").inner_text()
        page.screenshot(path=str(shots / "seed-pair.png"))
        _click_far_passage_and_see_its_twin(page, ".side-a")
