"""A corpus of hostile requests against the local server: each is wrong in its own way.

Every answer must be a 4xx problem+json, the table must afterwards hold exactly what the valid
requests wrote, and every feed must still parse.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import feedparser
import pytest

from tests.e2e.conftest import Server, running_server

pytestmark = pytest.mark.e2e
KNOWN = "hostile-known"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    status: int
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    auth: str | None = "key"  # "key" → the server's key, None → no Authorization header


def article(**fields: Any) -> dict[str, Any]:
    return {"title": "A valid title", **fields}


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BAD_AUTH = [
    Case("no key on POST", "POST", "/articles", 401, body=article(), auth=None),
    Case(
        "wrong key",
        "POST",
        "/articles",
        401,
        body=article(),
        headers={"Authorization": "Bearer cf_wrong"},
        auth=None,
    ),
    Case(
        "basic scheme",
        "POST",
        "/articles",
        401,
        body=article(),
        headers={"Authorization": "Basic dXNlcjpwYXNz"},
        auth=None,
    ),
    Case(
        "empty bearer",
        "POST",
        "/articles",
        401,
        body=article(),
        headers={"Authorization": "Bearer "},
        auth=None,
    ),
    Case("no key on PUT", "PUT", f"/articles/{KNOWN}", 401, body=article(), auth=None),
    Case("no key on PATCH", "PATCH", f"/articles/{KNOWN}", 401, body={"title": "x"}, auth=None),
    Case("no key on DELETE", "DELETE", f"/articles/{KNOWN}", 401, auth=None),
    Case("key in the query string", "POST", "/articles?key=cf_e2e", 401, body=article(), auth=None),
    Case(
        "two tokens",
        "POST",
        "/articles",
        401,
        body=article(),
        headers={"Authorization": "Bearer a b"},
        auth=None,
    ),
    Case(
        "huge token",
        "POST",
        "/articles",
        401,
        body=article(),
        headers={"Authorization": "Bearer " + "k" * 4000},
        auth=None,
    ),
]
BAD_BODIES = [
    Case("malformed JSON", "POST", "/articles", 400, raw=b"{not json"),
    Case("truncated JSON", "POST", "/articles", 400, raw=b'{"title": "x"'),
    Case("empty body", "POST", "/articles", 400, raw=b""),
    Case("invalid UTF-8", "POST", "/articles", 400, raw=b'{"title": "\xff\xfe"}'),
    Case("UTF-8 BOM", "POST", "/articles", 400, raw='\ufeff{"title": "x"}'.encode()),
    Case("absurd nesting", "POST", "/articles", 400, raw=b"[" * 50_000),
    Case("array body", "POST", "/articles", 422, body=[article()]),
    Case("string body", "POST", "/articles", 422, body="title"),
    Case("null body", "POST", "/articles", 422, raw=b"null"),
    Case(
        "text/plain",
        "POST",
        "/articles",
        415,
        raw=b'{"title": "x"}',
        headers={"Content-Type": "text/plain"},
    ),
    Case(
        "no content type",
        "POST",
        "/articles",
        415,
        raw=b'{"title": "x"}',
        headers={"Content-Type": ""},
    ),
    Case(
        "XML body",
        "POST",
        "/articles",
        415,
        raw=b"<title>x</title>",
        headers={"Content-Type": "application/xml"},
    ),
    Case(
        "form body",
        "POST",
        "/articles",
        415,
        raw=b"title=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ),
    Case(
        "200 KB body",
        "POST",
        "/articles",
        413,
        body=article(content_html="<p>" + "x" * 200_000 + "</p>"),
    ),
]
BAD_FIELDS = [
    Case("missing title", "POST", "/articles", 422, body={"summary": "no title"}),
    Case("empty title", "POST", "/articles", 422, body=article(title="")),
    Case("blank title", "POST", "/articles", 422, body=article(title="   ")),
    Case("10k title", "POST", "/articles", 422, body=article(title="t" * 10_000)),
    Case("numeric title", "POST", "/articles", 422, body=article(title=42)),
    Case("title with newline", "POST", "/articles", 422, body=article(title="two\nlines")),
    Case("NUL in title", "POST", "/articles", 422, body=article(title="nul\u0000byte")),
    Case("bell in summary", "POST", "/articles", 422, body=article(summary="ding\u0007")),
    Case(
        "lone surrogate in content",
        "POST",
        "/articles",
        422,
        raw=b'{"title": "x", "content_html": "\\ud800"}',
    ),
    Case("unknown field", "POST", "/articles", 422, body=article(colour="red")),
    Case("client id in POST", "POST", "/articles", 422, body=article(id="mine")),
    Case("client version", "POST", "/articles", 422, body=article(version=7)),
    Case(
        "naive datetime", "POST", "/articles", 422, body=article(published_at="2026-11-20T09:30:00")
    ),
    Case("garbage datetime", "POST", "/articles", 422, body=article(published_at="next tuesday")),
    Case("numeric datetime", "POST", "/articles", 422, body=article(published_at=1795918082)),
    Case("unknown status", "POST", "/articles", 422, body=article(status="archived")),
    Case("slug with spaces", "POST", "/articles", 422, body=article(slug="Not A Slug")),
    Case("javascript URL", "POST", "/articles", 422, body=article(url="javascript:alert(1)")),
    Case("relative URL", "POST", "/articles", 422, body=article(url="/here")),
    Case("ftp URL", "POST", "/articles", 422, body=article(url="ftp://example.com/a")),
    Case("tags as string", "POST", "/articles", 422, body=article(tags="news")),
    Case(
        "seventeen tags", "POST", "/articles", 422, body=article(tags=[f"t{n}" for n in range(17)])
    ),
    Case("empty tag", "POST", "/articles", 422, body=article(tags=[""])),
    Case("punctuation tag", "POST", "/articles", 422, body=article(tags=["!!!"])),
    Case("tag with a newline", "POST", "/articles", 422, body=article(tags=["two\nlines"])),
    Case("authors as object", "POST", "/articles", 422, body=article(authors={"name": "A"})),
    Case(
        "author without name", "POST", "/articles", 422, body=article(authors=[{"email": "a@b.c"}])
    ),
    Case(
        "bad author email",
        "POST",
        "/articles",
        422,
        body=article(authors=[{"name": "A", "email": "nope"}]),
    ),
    Case(
        "author extra field",
        "POST",
        "/articles",
        422,
        body=article(authors=[{"name": "A", "age": 3}]),
    ),
    Case("image without url", "POST", "/articles", 422, body=article(image={"caption": "c"})),
    Case(
        "negative image length",
        "POST",
        "/articles",
        422,
        body=article(image={"url": "https://i.example/a.jpg", "length": -1}),
    ),
    Case(
        "image type html",
        "POST",
        "/articles",
        422,
        body=article(image={"url": "https://i.example/a.jpg", "type": "text/html"}),
    ),
    Case(
        "image length text",
        "POST",
        "/articles",
        422,
        body=article(image={"url": "https://i.example/a.jpg", "length": "big"}),
    ),
    Case("bad language", "POST", "/articles", 422, body=article(language="klingon!")),
    Case(
        "eleven contributors",
        "POST",
        "/articles",
        422,
        body=article(contributors=[{"name": f"c{n}"} for n in range(11)]),
    ),
    Case("slug taken", "POST", "/articles", 409, body=article(slug="taken")),
    Case(
        "idempotency key reused",
        "POST",
        "/articles",
        422,
        body=article(title="Other"),
        headers={"Idempotency-Key": "hostile-1"},
    ),
    Case(
        "idempotency key too long",
        "POST",
        "/articles",
        422,
        body=article(),
        headers={"Idempotency-Key": "k" * 300},
    ),
]
BAD_TARGETS = [
    Case("limit zero", "GET", "/articles?limit=0", 422, auth=None),
    Case("limit too big", "GET", "/articles?limit=101", 422, auth=None),
    Case("limit not a number", "GET", "/articles?limit=ten", 422, auth=None),
    Case("garbage cursor", "GET", "/articles?cursor=%%%", 400, auth=None),
    Case("cursor naming the keys", "GET", f"/articles?cursor={b64('KEYS|x')}", 400, auth=None),
    Case(
        "cursor in the future",
        "GET",
        f"/articles?cursor={b64('2999-01-01T00:00:00.000000Z|x')}",
        400,
        auth=None,
    ),
    Case("tag and author", "GET", "/articles?tag=a&author=b", 400, auth=None),
    Case("id with NUL", "GET", "/articles/a%00b", 422, auth=None),
    Case("id too long", "GET", "/articles/" + "i" * 300, 422, auth=None),
    Case("id with dots and slash", "PUT", "/articles/..%2Fkeys", 422, body=article()),
    Case("patch a missing article", "PATCH", "/articles/does-not-exist", 404, body={"title": "x"}),
    Case("delete a missing article", "DELETE", "/articles/does-not-exist", 404),
    Case("patch emptying the title", "PATCH", f"/articles/{KNOWN}", 422, body={"title": ""}),
    Case("patch removing the title", "PATCH", f"/articles/{KNOWN}", 422, body={"title": None}),
    Case("patch with an array", "PATCH", f"/articles/{KNOWN}", 422, body=["title"]),
    Case(
        "put with a stale If-Match",
        "PUT",
        f"/articles/{KNOWN}",
        412,
        body=article(),
        headers={"If-Match": '"v0"'},
    ),
    Case(
        "delete with a stale If-Match",
        "DELETE",
        f"/articles/{KNOWN}",
        412,
        headers={"If-Match": '"v0"'},
    ),
    Case(
        "put If-None-Match on existing",
        "PUT",
        f"/articles/{KNOWN}",
        412,
        body=article(),
        headers={"If-None-Match": "*"},
    ),
    Case("unknown route", "GET", "/wp-login.php", 404, auth=None),
    Case("unknown tag feed", "GET", "/tags/no-such-tag/feed.xml", 404, auth=None),
    Case("unknown author feed", "GET", "/authors/nobody/atom.json", 404, auth=None),
    Case("POST to a feed", "POST", "/feed.xml", 405, body=article()),
    Case("DELETE a feed", "DELETE", "/atom.xml", 405),
    Case("garbage feed cursor", "GET", "/feed.xml?cursor=zzz", 400, auth=None),
]
# A cursor of the right shape whose date cannot exist, on every listing a reader can page.
IMPOSSIBLE_POSITIONS = {
    "month 13": "2026-13-01T00:00:00.000000Z|x",
    "30 February": "2026-02-30T00:00:00.000000Z|x",
    "hour 25": "2026-01-01T25:00:00.000000Z|x",
    "year 0000": "0000-01-01T00:00:00.000000Z|x",
    "full-width digits": "２０２６-01-01T00:00:00.000000Z|x",
}
BAD_CURSORS = [
    Case(f"{name} cursor on {path}", "GET", f"{path}?cursor={b64(position)}", 400, auth=None)
    for name, position in IMPOSSIBLE_POSITIONS.items()
    for path in ("/articles", "/feed.xml", "/tags/kept/atom.xml", "/authors/kept/feed.json")
] + [
    Case(
        "text after a cursor's padding",
        "GET",
        f"/feed.xml?cursor={b64('2026-01-01T00:00:00.000000Z|ab')}%3D%3D%3E%3Brel%3Dhub",
        400,
        auth=None,
    ),
    Case(
        "CR LF in a cursor",
        "GET",
        f"/articles?cursor={b64('2026-01-01T00:00:00.000000Z|ab')}%0D%0ASet-Cookie:%20a=b",
        400,
        auth=None,
    ),
]
CORPUS = BAD_AUTH + BAD_BODIES + BAD_FIELDS + BAD_TARGETS + BAD_CURSORS


@pytest.fixture(scope="module")
def fresh() -> Iterator[Server]:
    with running_server("--no-seed") as started:
        yield started


def send(server: Server, case: Case) -> Any:
    headers = {"Accept": "application/json", **case.headers}
    if case.body is not None or case.raw is not None:
        headers.setdefault("Content-Type", "application/json")
    return server.request(
        case.method,
        case.path,
        body=case.body,
        raw=case.raw,
        headers=headers,
        key=server.key if case.auth == "key" else None,
    )


def snapshot(server: Server) -> list[tuple[str, int, str]]:
    items = server.request("GET", "/articles?limit=100").json()["items"]
    return sorted((item["id"], item["version"], item["title"]) for item in items)


def test_corpus_is_large_and_each_case_distinct() -> None:
    assert len(CORPUS) >= 60
    assert len({case.name for case in CORPUS}) == len(CORPUS)


def test_every_hostile_request_gets_a_clear_4xx_and_changes_nothing(fresh: Server) -> None:
    # Given the only valid writes: two articles and one idempotent create
    valid = [
        fresh.request(
            "PUT", f"/articles/{KNOWN}", key=fresh.key, body=article(title="Known", tags=["kept"])
        ),
        fresh.request(
            "POST", "/articles", key=fresh.key, body=article(title="Has the slug", slug="taken")
        ),
        fresh.request(
            "POST",
            "/articles",
            key=fresh.key,
            body=article(title="Idem"),
            headers={"Idempotency-Key": "hostile-1"},
        ),
    ]
    assert [reply.status for reply in valid] == [201, 201, 201]
    before = snapshot(fresh)
    # When every hostile request is sent
    failures = []
    for case in CORPUS:
        reply = send(fresh, case)
        content_type = reply.headers.get("Content-Type", "")
        if reply.status != case.status or not content_type.startswith("application/problem+json"):
            failures.append(f"{case.name}: {reply.status} {content_type} {reply.body[:120]!r}")
            continue
        problem = json.loads(reply.body)
        if problem.get("status") != case.status or not problem.get("title"):
            failures.append(f"{case.name}: problem body {problem}")
    # Then each got exactly its 4xx as problem+json
    assert not failures, "\n".join(failures)
    # And the table holds exactly what the valid requests wrote
    assert snapshot(fresh) == before
    assert len(before) == 3
    # And every feed still parses
    for path in ("/feed.xml", "/atom.xml", "/tags/kept/feed.xml"):
        parsed = feedparser.parse(fresh.request("GET", path).body)
        assert not parsed.bozo and len(parsed.entries) >= 1
    assert len(json.loads(fresh.request("GET", "/feed.json").body)["items"]) == 3


def test_a_wrong_method_is_405_whatever_its_body(fresh: Server) -> None:
    for method, path in (("PUT", "/articles"), ("POST", "/articles/x"), ("TRACE", "/articles")):
        reply = fresh.request(method, path, raw=b"not json", headers={"Content-Type": "text/plain"})
        assert reply.status == 405, (method, path, reply.status)
        assert reply.headers["Allow"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"X-Forwarded-Proto": "javascript:alert(1)//"},
        {"Host": "evil.example:3000", "x-forwarded-proto": "javascript:"},
    ],
)
def test_request_headers_never_reach_a_link(fresh: Server, headers: dict[str, str]) -> None:
    # Given a published article, so that every page has links
    fresh.request("PUT", "/articles/link-check", key=fresh.key, body=article(tags=["kept"]))
    for path in ("/", "/feed.xml", "/feed.json", "/tags/kept/atom.xml", "/articles?limit=1"):
        # When the page is asked for with a foreign Host or a script scheme
        reply = fresh.request("GET", path, headers={"Accept": "*/*", **headers})
        # Then no trace of them is in the answer, and its links name the server itself
        assert reply.status == 200, path
        texts = [reply.body.decode(), *(value for _, value in reply.headers.items())]
        assert not [text for text in texts if "evil" in text or "javascript:" in text], path
        assert fresh.base + "/" in reply.body.decode() + str(reply.headers.get("Link")), path
