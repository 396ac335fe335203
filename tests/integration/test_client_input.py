"""Client input that decodes to garbage is a 4xx problem+json on every public route, never a 5xx.

The handlers get API Gateway proxy events, as in AWS; the table is moto's.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.http.paging import encode_cursor
from contentfeed.logic import articles as logic
from contentfeed.models.api import ArticleIn
from contentfeed.text import utc_iso
from tests.bench import support as bench
from tests.conftest import NOW, LoadHandler, response_headers


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


VALID = encode_cursor((utc_iso(NOW - timedelta(days=1)), "a12"))
BAD_CURSORS = {
    "month 13": b64("2026-13-01T00:00:00.000000Z|a1"),
    "30 February": b64("2026-02-30T00:00:00.000000Z|a1"),
    "hour 25": b64("2026-01-01T25:00:00.000000Z|a1"),
    "year 0000": b64("0000-01-01T00:00:00.000000Z|a1"),
    "full-width digits": b64("２０２６-01-01T00:00:00.000000Z|a1"),
    "random bytes": base64.urlsafe_b64encode(bytes(range(256))[::7]).decode(),
    "text after the padding": VALID + "%3D%3D%3E%3Brel%3Dhub",
    "CR LF after it": VALID + "%0D%0ALink%3A%20x",
    "not base64": "%25%25%25",
}
FEED_PATHS = [
    "/",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/tags/tech-workers/feed.xml",
    "/tags/tech-workers/atom.xml",
    "/authors/rae-whitlock/feed.json",
]


@pytest.fixture
def feeds(load_handler: LoadHandler, store: Store, env: Settings) -> ModuleType:
    module = load_handler("feeds")
    logic.create_article(
        store,
        env,
        ArticleIn.model_validate(
            {
                "title": "Known",
                "tags": ["Tech Workers"],
                "authors": [{"name": "Rae Whitlock"}],
                "published_at": (NOW - timedelta(hours=1)).isoformat(),
            }
        ),
        now=NOW,
    )
    return module


def call_feed(feeds: ModuleType, path: str, **headers: str) -> dict[str, Any]:
    target = path.split("?")[0]
    resource = target
    if target.startswith(("/tags/", "/authors/")):
        kind, _, name = target.strip("/").split("/")
        resource = f"/{kind}/{{{kind[:-1]}}}/{name}"
    request = bench.event("GET", path, resource=resource, headers=headers)
    return bench.invoke(feeds, request)  # type: ignore[no-any-return]


def call_api(api: ModuleType, path: str, **headers: str) -> dict[str, Any]:
    target = path.split("?")[0]
    article_id = target.rsplit("/", 1)[1] if target.count("/") == 2 else None
    request = bench.event(
        "GET",
        path,
        function="ApiFunction",
        resource="/articles/{id}" if article_id else target,
        path_parameters={"id": unquote(article_id)} if article_id else None,
        headers={"Accept": "application/json", **headers},
    )
    return bench.invoke(api, request, "ApiFunction")  # type: ignore[no-any-return]


def assert_problem(result: dict[str, Any], status: int) -> dict[str, Any]:
    assert result["statusCode"] == status, result.get("body")
    assert response_headers(result)["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = json.loads(result["body"])
    assert problem["status"] == status and problem["detail"]
    return problem


@pytest.mark.parametrize("name", sorted(BAD_CURSORS))
def test_a_bad_cursor_is_400_on_every_feed(feeds: ModuleType, name: str) -> None:
    # Given a cursor that decodes to garbage
    cursor = BAD_CURSORS[name]
    for path in FEED_PATHS:
        # When any feed (the home page, site, tag and author feeds) is asked for that page
        result = call_feed(feeds, f"{path}?cursor={cursor}")
        # Then the answer is a 400 problem+json naming the cursor
        assert "cursor" in assert_problem(result, 400)["detail"], path


@pytest.mark.parametrize("name", sorted(BAD_CURSORS))
def test_a_bad_cursor_is_400_on_the_article_list(api: ModuleType, name: str) -> None:
    for query in ("", "&tag=tech-workers", "&author=rae-whitlock"):
        # When the list is asked for a page after a garbage cursor
        result = call_api(api, f"/articles?cursor={BAD_CURSORS[name]}{query}")
        # Then the answer is a 400 problem+json
        assert "cursor" in assert_problem(result, 400)["detail"]


def test_a_valid_cursor_still_pages(feeds: ModuleType, api: ModuleType) -> None:
    # Given the cursor of a position in the past, When a feed and the list are asked for it
    # Then both answer (the older page is empty here)
    assert call_feed(feeds, f"/feed.json?cursor={VALID}")["statusCode"] == 200
    assert call_api(api, f"/articles?cursor={VALID}")["statusCode"] == 200


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 99999999999 00:00:00 GMT",
        "Mon, 01 Jan 2026 00:00:00 +99999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 -2359",
    ],
)
def test_an_unreadable_if_modified_since_is_ignored(feeds: ModuleType, value: str) -> None:
    for path in ("/feed.xml", "/tags/tech-workers/feed.xml", f"/feed.xml?cursor={VALID}"):
        # When a feed is asked for with a date that overflows
        result = call_feed(feeds, path, **{"If-Modified-Since": value})
        # Then the date is ignored and the feed is served
        assert result["statusCode"] == 200, (path, result.get("body"))


def test_an_unreadable_authorization_on_a_read_is_no_key(api: ModuleType, store: Store) -> None:
    # Given a token no HTTP client can send but a hand-made event can
    # When a read carries it, Then it counts as no key (404 for a missing article), not a crash
    result = call_api(api, "/articles/missing", Authorization="Bearer cf_\udc80")
    assert_problem(result, 404)


# Any text a client can put in a query parameter or a path segment (bytes arrive as latin-1).
client_text = st.one_of(
    st.text(max_size=120),
    st.binary(max_size=120).map(lambda raw: raw.decode("latin-1")),
)


@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cursor=client_text, segment=client_text)
def test_no_cursor_or_path_segment_makes_a_5xx(
    feeds: ModuleType, api: ModuleType, cursor: str, segment: str
) -> None:
    # When random text is sent as a cursor and as a tag, author or article id segment
    query = urlencode({"cursor": cursor})
    quoted = quote(segment, safe="")
    replies = [
        call_feed(feeds, f"/feed.xml?{query}"),
        call_feed(feeds, f"/tags/{quoted}/atom.xml"),
        call_feed(feeds, f"/authors/{quoted}/feed.json?{query}"),
        call_api(api, f"/articles?{query}"),
        call_api(api, f"/articles?{urlencode({'tag': segment})}"),
        call_api(api, f"/articles/{quoted}"),
    ]
    # Then every answer is a success or a 4xx, never a 5xx
    for reply in replies:
        assert reply["statusCode"] < 500, reply.get("body")
