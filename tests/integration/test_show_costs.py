"""What a show's podcast feed costs in DynamoDB operations, at two sizes.

A show's feed lists every episode (podcast apps do not page), so it reads more as the show grows;
what must not happen is a read per episode (N+1), a Scan, or a 304 that reads more than one
small item. Episodes are written in the store's own item shapes (BatchWriteItem), as the
benchmark loads them; counts are asserted, never times.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

from contentfeed.dal import Store
from contentfeed.logic.keys import create_key
from contentfeed_cli.local.gateway import LambdaContext
from tests.bench import bench_shows as shows
from tests.bench import support as bench
from tests.bench.bench_requests import KEY
from tests.conftest import NOW, TABLE, CallCounter

QUERY_PAGE = 1024 * 1024
"""DynamoDB returns at most 1 MB of items per Query call."""


def _get(feeds: ModuleType, **headers: str) -> dict[str, Any]:
    request = bench.event("GET", shows.FEED, resource=shows.RESOURCE, headers=headers)
    result: dict[str, Any] = feeds.lambda_handler(request, LambdaContext("FeedsFunction"))
    return result


@pytest.mark.parametrize("size", [40, 400])
def test_a_show_feed_reads_its_episodes_in_pages_and_its_304_reads_one_item(
    feeds: ModuleType, api: ModuleType, store: Store, calls: CallCounter, size: int
) -> None:
    # Given a show with `size` episodes
    create_key(store, name="ops", now=NOW, key=KEY)
    shows.create_show(api)
    episodes = shows.episodes_for(size, newest=NOW - timedelta(hours=1))
    bench.bulk_load(store.client, episodes, table=TABLE)
    # When a podcast app fetches the feed
    calls.reset()
    answer = _get(feeds)
    # Then it is one Query per 1 MB page of episodes (never a read per episode, never a Scan) …
    assert answer["statusCode"] == 200
    operations = dict(calls.calls)
    queries = operations.pop("Query", 0)
    assert operations == {}, operations
    stored = len(json.dumps(bench.items_for(episodes), default=str))
    assert 1 <= queries <= 1 + math.ceil(stored / QUERY_PAGE)
    items = etree.fromstring(answer["body"].encode()).findall("./channel/item")
    assert 0 < len(items) <= size
    # … and a podcast app that already has it costs one small GetItem and no rendering
    calls.reset()
    again = _get(feeds, **{"If-None-Match": bench.header(answer, "ETag") or ""})
    assert again["statusCode"] == 304
    assert calls.calls == {"GetItem": 1}
