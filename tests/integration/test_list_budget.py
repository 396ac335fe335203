"""GET /articles has a byte budget, as the feeds do: no page comes near Lambda's 6 MB."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from contentfeed.dal import Store
from contentfeed.limits import LIST_BYTE_BUDGET, MAX_BODY_BYTES
from tests.bench import support as bench
from tests.conftest import NOW, TABLE

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
# ~120 kB of UTF-8 that JSON keeps as it is, and quotes that it escapes: an article near the
# 128 KiB request limit, as big as an article can get in the list.
PARAGRAPH = '<p>Employees wrote “we refuse to be complicit” — and "signed" it.</p>'
NEAR_LIMIT_HTML = PARAGRAPH * ((MAX_BODY_BYTES - 8_000) // len(PARAGRAPH.encode()))


@pytest.fixture
def hundred_large(store: Store) -> list[Any]:
    """100 published articles, each with content near the limit (site scope only)."""
    made = [
        replace(
            bench.realistic_article(n, published_at=NOW - timedelta(minutes=10 * (n + 1))),
            content_html=NEAR_LIMIT_HTML,
            tags=(),
            authors=(),
        )
        for n in range(100)
    ]
    bench.bulk_load(store.client, made, table=TABLE)
    return made


def get_page(api: ModuleType, query: str) -> dict[str, Any]:
    request = bench.event(
        "GET", f"/articles?{query}", function="ApiFunction", headers={"Accept": "application/json"}
    )
    reply: dict[str, Any] = bench.invoke(api, request, "ApiFunction")
    assert reply["statusCode"] == 200, reply["body"][:300]
    return reply


def test_a_page_of_100_large_articles_stays_within_the_budget(
    api: ModuleType, hundred_large: list[Any]
) -> None:
    assert len(NEAR_LIMIT_HTML.encode()) > 100_000
    # Given 100 articles near the content limit
    # When a client asks for all of them at once and follows every next link
    seen: list[str] = []
    query = "limit=100"
    pages = 0
    while query:
        reply = get_page(api, query)
        pages += 1
        # Then every answer, as Lambda returns it, is far below the 6 MB limit
        envelope = len(json.dumps(reply).encode())
        assert envelope < LAMBDA_RESPONSE_LIMIT / 2
        body = reply["body"].encode()
        page = json.loads(body)
        assert len(body) <= LIST_BYTE_BUDGET + 200_000
        assert 1 <= len(page["items"]) < 100
        seen += [item["id"] for item in page["items"]]
        # And the next page starts right after the last article this one carried
        if page["next"] is None:
            assert page["cursor"] is None
            break
        params = parse_qs(urlsplit(page["next"]).query)
        assert params["cursor"] == [page["cursor"]] and params["limit"] == ["100"]
        link = bench.header(reply, "Link")
        assert link == f'<{page["next"]}>; rel="next"'
        query = urlsplit(page["next"]).query
    # And the pages together hold every article once, newest first
    assert seen == [article.id for article in hundred_large]
    assert pages >= 12  # ~1 MB of ~125 kB articles a page


def test_small_pages_are_not_cut(api: ModuleType, store: Store) -> None:
    # Given 30 ordinary articles
    made = bench.articles_for(30, newest=NOW - timedelta(minutes=5))
    bench.bulk_load(store.client, made, table=TABLE)
    # When a page of 25 is asked for, Then it holds 25 and goes on after the 25th
    page = json.loads(get_page(api, "limit=25")["body"])
    assert [item["id"] for item in page["items"]] == [article.id for article in made[:25]]
    rest = json.loads(get_page(api, urlsplit(page["next"]).query)["body"])
    assert [item["id"] for item in rest["items"]] == [article.id for article in made[25:]]
    assert rest["next"] is None


def test_one_article_larger_than_the_budget_still_makes_a_page() -> None:
    from contentfeed.http.paging import fill_budget

    # Given parts larger than the budget, When a page is filled, Then it takes the first alone
    assert fill_budget(iter(["x" * 50, "y" * 10]), 20) == ["x" * 50]
    assert fill_budget(iter(["é" * 5, "a", "b"]), 13) == ["é" * 5, "a"]  # bytes, not characters
    assert fill_budget(iter([]), 20) == []
