"""The JSON API over real HTTP against ``contentfeed serve`` (embedded moto, sample data)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Reply, Server

pytestmark = pytest.mark.e2e


def assert_problem(reply: Reply, status: int) -> dict[str, object]:
    assert reply.status == status
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    body = reply.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    return body


def test_sample_articles_are_served(server: Server) -> None:
    # When a reader lists the articles
    reply = server.request("GET", "/articles?limit=100")
    # Then the six published samples are there, newest first, across tags and authors
    assert reply.status == 200
    items = reply.json()["items"]
    assert len(items) >= 6
    dates = [item["published_at"] for item in items]
    assert dates == sorted(dates, reverse=True)
    assert len({tag for item in items for tag in item["tags"]}) >= 3
    assert len({a["name"] for item in items for a in item["authors"]}) >= 2
    rich = [
        item
        for item in items
        if item["image"] and item["image"].get("credit") and item["contributors"]
    ]
    assert rich and "<blockquote>" in rich[0]["content_html"]
    assert re.search("[‘’“”—]", rich[0]["title"] + rich[0]["content_html"])
    # And the draft sample is not among them
    assert all(item["status"] == "published" for item in items)


def test_paging_with_next_links(server: Server) -> None:
    first = server.request("GET", "/articles?limit=2").json()
    assert len(first["items"]) == 2 and first["next"].startswith(server.base)
    second = server.request("GET", first["next"].removeprefix(server.base)).json()
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_writes_need_a_valid_key(server: Server) -> None:
    # When a write comes without a key, or with a wrong one
    for key in (None, "cf_wrong"):
        reply = server.request("POST", "/articles", body={"title": "Sneaky"}, key=key)
        # Then it is refused with 401 problem+json and a Bearer challenge
        assert_problem(reply, 401)
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    # And nothing was stored
    titles = [
        item["title"] for item in server.request("GET", "/articles?limit=100").json()["items"]
    ]
    assert "Sneaky" not in titles


def test_article_lifecycle(server: Server) -> None:
    # Given a publisher with a key creates an article
    created = server.request(
        "POST",
        "/articles",
        key=server.key,
        body={
            "title": "Lifecycle “test”",
            "tags": ["E2E"],
            "content_html": "<p>Hi<script>x()</script></p>",
        },
    )
    assert created.status == 201
    location, etag = created.headers["Location"], created.headers["ETag"]
    path = location.removeprefix(server.base)
    assert path == f"/articles/{created.json()['id']}"
    assert created.json()["content_html"] == "<p>Hi</p>"
    # When a reader fetches it
    fetched = server.request("GET", path)
    assert fetched.status == 200 and fetched.headers["ETag"] == etag
    # And the publisher patches it with a stale version, then the current one
    stale = server.request(
        "PATCH", path, key=server.key, body={"title": "x"}, headers={"If-Match": '"v0"'}
    )
    assert_problem(stale, 412)
    patched = server.request(
        "PATCH",
        path,
        key=server.key,
        body={"summary": "Now with a summary"},
        headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status == 200 and patched.json()["summary"] == "Now with a summary"
    assert patched.headers["ETag"] != etag
    # Then deleting it makes it gone from the list and GET says 410
    assert server.request("DELETE", path, key=server.key).status == 204
    assert_problem(server.request("GET", path), 410)
    listed = server.request("GET", "/articles?tag=e2e").json()["items"]
    assert listed == []


def test_drafts_need_a_key_to_be_read(server: Server) -> None:
    created = server.request(
        "POST", "/articles", key=server.key, body={"title": "Secret draft", "status": "draft"}
    )
    path = f"/articles/{created.json()['id']}"
    assert_problem(server.request("GET", path), 404)
    assert server.request("GET", path, key=server.key).status == 200


def test_bad_input_gets_problem_details(server: Server) -> None:
    invalid = server.request(
        "POST", "/articles", key=server.key, body={"title": "", "colour": "red"}
    )
    body = assert_problem(invalid, 422)
    assert {e["field"] for e in body["errors"]} == {"title", "colour"}  # type: ignore[attr-defined,union-attr]
    assert_problem(server.request("POST", "/articles", key=server.key, raw=b"{not json"), 400)
    assert_problem(server.request("GET", "/nowhere"), 404)
    assert_problem(server.request("GET", "/articles?limit=1000"), 422)


def test_openapi_and_offline_docs(server: Server) -> None:
    spec = server.request("GET", "/openapi.json")
    assert spec.status == 200
    paths = spec.json()["paths"]
    assert {"/articles", "/articles/{article_id}"} <= set(paths)
    assert spec.json()["servers"] == [{"url": server.base}]
    assert spec.json()["paths"]["/articles"]["post"]["security"] == [{"writeKey": []}]
    scheme = spec.json()["components"]["securitySchemes"]["writeKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    # every status a write can get is documented, the gateway's own included
    documented = set(spec.json()["paths"]["/articles"]["post"]["responses"])
    assert {"201", "400", "401", "409", "413", "415", "422", "429", "503"} <= documented
    docs = server.request("GET", "/docs")
    assert docs.status == 200 and b"swagger" in docs.body.lower()
    assert docs.headers["content-type"].startswith("text/html")
    # the page carries this API's own document (its server URL) and keeps the key across reloads
    assert server.base.encode() in docs.body and b"persistAuthorization: true" in docs.body
    # The page loads no script or stylesheet from another host
    assert not re.search(rb'<(script|link)[^>]+(src|href)="https?://', docs.body)


def test_idempotent_create(server: Server) -> None:
    # Given a create sent with an Idempotency-Key
    body = {"title": "Exactly once", "tags": ["idem"]}
    headers = {"Idempotency-Key": "create-exactly-once-1"}
    first = server.request("POST", "/articles", key=server.key, body=body, headers=headers)
    assert first.status == 201
    # When the client retries it (same key, same body)
    again = server.request("POST", "/articles", key=server.key, body=body, headers=headers)
    # Then it gets the first result and only one article exists
    assert again.status == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert len(server.request("GET", "/articles?tag=idem").json()["items"]) == 1
    # And the same key with another body is refused
    other = server.request(
        "POST", "/articles", key=server.key, body={"title": "Other"}, headers=headers
    )
    assert_problem(other, 422)
    assert len(server.request("GET", "/articles?tag=idem").json()["items"]) == 1
    # And once the article is deleted, a retry says so (410, documented) instead of recreating it
    location = first.headers["Location"].removeprefix(server.base)
    assert server.request("DELETE", location, key=server.key).status == 204
    retried = server.request("POST", "/articles", key=server.key, body=body, headers=headers)
    assert_problem(retried, 410)
    assert server.request("GET", "/articles?tag=idem").json()["items"] == []
    spec = server.request("GET", "/openapi.json").json()
    assert "410" in spec["paths"]["/articles"]["post"]["responses"]
