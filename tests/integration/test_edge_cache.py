"""The CDN with its Accept function, modelled in front of the real feeds function.

A cache keyed on (path, Accept) sits in front of the feeds handler; on a miss it forwards the
request with the Accept the edge function (edge/accept.js, run with node) left. Every client of
the capacity model polls once: the origin must be reached once per variant, not once per client,
and each client must get exactly what it would get from the origin without a CDN.
"""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from contentfeed.dal import Store
from contentfeed.models import Article
from contentfeed_cli.local.gateway import LambdaContext
from tests import edge
from tests.bench import support as bench
from tests.bench.bench_capacity import READER_ACCEPTS
from tests.conftest import NOW, TABLE, CallCounter

CLIENTS = [(client, accept) for _, client, accept, _ in READER_ACCEPTS if accept is not None]


@pytest.fixture
def articles(store: Store) -> list[Article]:
    made = [
        bench.realistic_article(n, published_at=NOW - timedelta(hours=1, minutes=10 * n))
        for n in range(5)
    ]
    bench.bulk_load(store.client, made, table=TABLE)
    return made


def _origin(feeds: ModuleType, path: str, accept: str | None) -> dict[str, Any]:
    headers = {} if accept is None else {"Accept": accept}
    request = bench.event("GET", path, resource=path, headers=headers)
    result: dict[str, Any] = feeds.lambda_handler(request, LambdaContext("FeedsFunction"))
    return result


def _seen(result: dict[str, Any]) -> tuple[int, str | None, str, str | None]:
    return (
        result["statusCode"],
        bench.header(result, "Content-Type"),
        result["body"],
        bench.header(result, "Vary"),
    )


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml", "/feed.json"])
def test_the_cdn_reaches_the_origin_once_per_variant_and_serves_each_client_its_own(
    feeds: ModuleType, articles: list[Article], calls: CallCounter, path: str
) -> None:
    # Given what each client would get from the origin without a CDN
    direct = {client: _seen(_origin(feeds, path, accept)) for client, accept in CLIENTS}
    # When every client polls through a cache keyed on the Accept the edge function leaves
    keys = edge.normalise([accept for _, accept in CLIENTS])
    cache: dict[tuple[str, str], dict[str, Any]] = {}
    calls.reset()
    served = {}
    for (client, _), key in zip(CLIENTS, keys, strict=True):
        if (path, key) not in cache:
            cache[(path, key)] = _origin(feeds, path, key)
        served[client] = _seen(cache[(path, key)])
    # Then the origin ran once per variant (a page for the browsers, the feed for the readers):
    # two renders, two Queries, for nine clients …
    assert len(cache) == 2
    assert calls.calls == {"Query": 2}
    # … and every client got the very bytes, type and Vary the origin gives it directly
    assert served == direct
    assert {seen[3] for seen in served.values()} == {"Accept"}
    kinds = {client: seen[1] for client, seen in served.items()}
    assert {kinds[b] for b in ("Chrome", "Firefox", "Safari")} == {"text/html; charset=utf-8"}
    assert "text/html; charset=utf-8" not in {kinds[c] for c, _ in CLIENTS[:-3]}
