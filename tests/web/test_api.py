"""The JSON API over a real store scanned from the sample corpus."""

from __future__ import annotations

import pytest

from wiretrace.store import Store

from .conftest import AP_ID


def test_overview_counts_the_store(client):
    body = client.get("/api/overview").json()
    assert body["articles"] == 17
    assert body["pairs"] == sum(body["relations"].values()) > 0
    assert sum(s["size"] * s["clusters"] for s in body["cluster_sizes"]) <= body["articles"]


def test_compare_names_the_wire_story_as_source(client, ledger_text):
    ap = client.get(f"/api/articles/{AP_ID}").json()
    body = {"a": {"id": "ledger", "text": ledger_text},
            "b": {"id": AP_ID, "text": ap["text"], "outlet": ap["outlet"], "date": ap["date"]}}
    result = client.post("/api/compare", json=body).json()
    assert result["relation"] == "derived"
    assert result["source"] == AP_ID
    kinds = {p["kind"] for p in result["passages"]}
    assert kinds == {"verbatim", "rewritten"}
    for p in result["passages"]:
        assert 0 <= p["a"][0] < p["a"][1] <= len(ledger_text)


def test_query_finds_the_ap_original_of_a_pasted_rewrite(client, ledger_text):
    body = client.post("/api/query", json={"article": {"text": ledger_text}}).json()
    assert body["added"] is False and body["query"].startswith("pasted-")
    hits = {h["article"]["id"]: h["pair"] for h in body["results"]}
    assert AP_ID in hits
    assert hits[AP_ID]["source"] == AP_ID and hits[AP_ID]["relation"] == "derived"
    assert all(h["pair"]["a"] == body["query"] for h in body["results"])
    # nothing was stored
    assert client.get(f"/api/articles/{body['query']}").status_code == 404


def test_query_can_add_the_article_to_the_store(client, ledger_text):
    assert client.get("/api/overview").json()["articles"] == 17  # cached until the store changes
    body = client.post("/api/query", json={"article": {"id": "ledger", "text": ledger_text}, "add": True}).json()
    assert body["added"] is True
    stored = client.get("/api/articles/ledger").json()
    assert stored["text"] == ledger_text
    assert AP_ID in stored["sources"] and stored["degree"] in ("wholly", "partially")
    assert stored["cluster"] is not None
    assert client.get("/api/overview").json()["articles"] == 18
    assert {o["outlet"]: o["articles"] for o in client.get("/api/outlets").json()}[None] == 1
    cluster = client.get(f"/api/clusters/{stored['cluster']}").json()
    assert "ledger" in cluster["members"] and AP_ID in cluster["roots"]
    again = client.post("/api/query", json={"article": {"id": "ledger", "text": ledger_text}, "add": True})
    assert again.status_code == 409 and "already holds" in again.json()["detail"]


def test_pairs_are_paged_and_filtered(client):
    everything = client.get("/api/pairs").json()
    assert everything["total"] == len(everything["pairs"]) and everything["pages"] == 1
    ranks = [("duplicate", "derived", "same_story").index(p["relation"]) for p in everything["pairs"]]
    assert ranks == sorted(ranks)
    assert all("passages" not in p for p in everything["pairs"])
    derived = client.get("/api/pairs", params={"relation": "derived"}).json()
    assert derived["total"] == sum(p["relation"] == "derived" for p in everything["pairs"])
    assert client.get("/api/pairs", params={"page": 2}).json()["pairs"] == []


def test_one_pair_with_passages_in_either_order(client):
    first = client.get("/api/pairs").json()["pairs"][0]
    one = client.get("/api/pair", params={"a": first["a"], "b": first["b"]}).json()
    other = client.get("/api/pair", params={"a": first["b"], "b": first["a"]}).json()
    assert one == other and one["passages"]
    assert client.get("/api/pair", params={"a": AP_ID, "b": "nobody"}).status_code == 404


def test_clusters_and_outlets(client):
    clusters = client.get("/api/clusters").json()
    sizes = [len(c["members"]) for c in clusters["clusters"]]
    assert sizes == sorted(sizes, reverse=True) and clusters["total"] == len(sizes)
    biggest = client.get(f"/api/clusters/{clusters['clusters'][0]['cluster']}").json()
    assert {a["id"] for a in biggest["articles"]} == set(biggest["members"])
    assert all("text" not in a for a in biggest["articles"])
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()}
    assert outlets["Associated Press"]["from_other"] == 0 and outlets["Associated Press"]["cited"] >= 3
    assert outlets["The Harbor Gazette"]["from_other_share"] == 1.0
    assert client.get("/api/clusters/nope").status_code == 404


def test_search_by_id_title_and_phrase(client):
    assert client.get("/api/search", params={"q": AP_ID}).json()[0]["id"] == AP_ID
    by_title = client.get("/api/search", params={"q": "dockworkers walk out"}).json()
    assert AP_ID in [h["id"] for h in by_title]
    phrase = client.get("/api/search", params={"q": "Local 1142"}).json()
    assert phrase and all("1142" in h["snippet"] for h in phrase)
    # LIKE wildcards are literal: "%" finds only texts with a percent sign, "_" (in no text) finds none
    percent = client.get("/api/search", params={"q": "%"}).json()
    assert percent and all("%" in h["snippet"] for h in percent)
    assert client.get("/api/search", params={"q": "_"}).json() == []


def test_oversized_bodies_get_a_clean_413(client):
    big = {"article": {"text": "word " * 60_000}}
    declared = client.post("/api/query", json=big)
    assert declared.status_code == 413 and "larger than 200,000 bytes" in declared.json()["detail"]

    def chunks():
        for _ in range(50):
            yield b"x" * 10_000

    streamed = client.post("/api/query", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    page = client.post("/query", data={"text": "word " * 60_000}, headers={"accept": "text/html"})
    assert page.status_code == 413 and "Too large" in page.text


def test_busy_store_is_a_503_not_a_crash(client, store_copy):
    with Store(store_copy):  # a writer holds the file (as a running scan would)
        response = client.get("/api/overview")
    assert response.status_code == 503 and "cannot open store" in response.json()["detail"]


def test_empty_or_bad_input_is_a_422(client):
    assert client.post("/api/query", json={"article": {"text": ""}}).status_code == 422
    assert client.post("/api/query", json={"article": {"text": "   \n "}}).status_code == 422
    assert client.post("/api/compare", json={"a": {"text": "x"}}).status_code == 422


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api"])
def test_openapi_schema_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    if path.endswith(".json"):
        paths = response.json()["paths"]
        for needed in ("/api/compare", "/api/query", "/api/articles/{article_id}", "/api/clusters/{cluster_id}",
                       "/api/pairs", "/api/pair", "/api/outlets", "/api/search"):
            assert needed in paths


def test_query_input_is_strict_but_takes_whole_floats(client):
    ok = client.post("/api/query", json={"article": {"text": "Some text here."}, "top": 3.0})
    assert ok.status_code == 200
    for bad in ({"top": 2.5}, {"top": "3"}, {"top": True}, {"add": 0}, {"add": "yes"}):
        body = {"article": {"text": "Some text here."}, **bad}
        assert client.post("/api/query", json=body).status_code == 422, bad
