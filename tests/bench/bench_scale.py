"""Scale: the site feed, a tag feed and GET /articles with 100, 1,000 and 10,000 stored articles.

One table grows in steps; every added article is older than those already stored, so the first
page is the same at every size and only the number of stored articles changes. Items are
written in the store's own shapes (contentfeed.dal.items) straight into moto's table: on moto a
``TransactWriteItems`` copies the whole table, so loading through the logic is measured once and
not used for loading.

For each size and route: the DynamoDB operations and the items, bytes and read units they read
(this is what DynamoDB's latency and bill follow), the handler's time with DynamoDB answered
instantly from moto's recorded answer (its own cost), and the on-moto latency, which grows with
the table because moto scans every item of the table for each Query (DynamoDB reads only the
key range a Query asks for).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from tests.bench import support as s
from tests.bench.bench_requests import RenderCounter, Route, RouteResult, _api, probe, time_replayed

SIZES = (100, 1_000, 10_000)


@dataclass
class ScaleResult:
    sizes: tuple[int, ...]
    routes: dict[str, dict[int, RouteResult]] = field(default_factory=dict)
    load_seconds: dict[int, float] = field(default_factory=dict)
    load_items: dict[int, int] = field(default_factory=dict)
    runs: int = 0
    transaction_seconds: float = 0.0
    """One article written through the logic (TransactWriteItems) on moto at the smallest size."""
    seconds: float = 0.0

    def ratio(self, route: str, metric: str) -> float:
        first, last = self.routes[route][self.sizes[0]], self.routes[route][self.sizes[-1]]
        if metric == "code":
            return s.median(last.code) / s.median(first.code)
        if metric == "moto":
            return s.median(last.moto) / s.median(first.moto)
        if metric == "items":
            return last.items_read / first.items_read
        if metric == "ops":
            return last.op_total / first.op_total
        if metric == "rru":
            return last.rru / first.rru
        raise ValueError(metric)


def plan() -> list[Route]:
    return [
        Route("site feed GET /feed.xml", "feeds", lambda _: s.event("GET", "/feed.xml")),
        Route(
            "tag feed GET /tags/topic-0/feed.xml",
            "feeds",
            lambda _: s.event("GET", "/tags/topic-0/feed.xml", resource="/tags/{tag}/feed.xml"),
        ),
        Route("GET /articles", "api", lambda _: _api("GET", "/articles")),
    ]


def run(sizes: tuple[int, ...] = SIZES, runs: int = 200) -> ScaleResult:
    started = time.perf_counter()
    s.set_env()
    feeds = s.import_handler("feeds")
    api = s.import_handler("api")
    modules = {"feeds": feeds, "api": api}
    result = ScaleResult(sizes=sizes, runs=runs)
    with s.moto_table(feeds, api) as moto:
        newest = s.now_utc() - timedelta(hours=1)
        every = s.articles_for(max(sizes), newest=newest)
        renders = RenderCounter(feeds)
        stored = 0
        for size in sizes:
            begin = time.perf_counter()
            result.load_items[size] = s.bulk_load(
                moto.client, every[stored:size], markers_of=every[:size]
            )
            result.load_seconds[size] = time.perf_counter() - begin
            stored = size
            if size == sizes[0]:
                oldest = newest - timedelta(days=3650)
                article = s.realistic_article(900_000, published_at=oldest)
                begin = time.perf_counter()
                feeds.get_store().save(article, None, now=s.now_utc())
                result.transaction_seconds = time.perf_counter() - begin
            for route in plan():
                route.moto_runs = 5 if size < 10_000 else 2
                measured = probe(route, modules[route.module], moto, renders)
                result.routes.setdefault(route.name, {})[size] = measured
        renders.restore()
        # Timed at the end, every size and route in turn, from the recordings.
        everything = [by_size[size] for by_size in result.routes.values() for size in sizes]
        time_replayed(everything, moto.raw, runs)
    result.seconds = time.perf_counter() - started
    return result
