"""Warm requests, in-process, against every route: DynamoDB operations and latency.

Each route is first run on moto (a table built from template.yaml, 30 realistic articles), where
its DynamoDB operations, the items and bytes they read and the read units DynamoDB would bill are
counted. Its calls and moto's raw answers are recorded; then the handler is timed ~200 times
with DynamoDB answered instantly from that recording, against the floor of making the very same
calls directly with boto3 (same recorded answers). The difference is the handler's own cost. The
on-moto latency is shown too, but moto's own time (it scans the whole table per Query and
serialises items slowly) says little about DynamoDB.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import ModuleType
from typing import Any

from tests.bench import support as s

RSS = "GET /feed.xml (RSS)"
RSS_DECODED_AFRESH = "GET /feed.xml (RSS), its entries decoded afresh"
OPENAPI_UNCACHED = "GET /openapi.json, built afresh (a container's first)"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
KEY = "cf_bench-write-key-0123456789abcdefghijklmnopqrstuvwxyz"
PUT_ID = "3f1e0a52-7c1b-4c8e-9a4e-2b6d5f0c9e11"


@dataclass
class RouteResult:
    name: str
    function: str
    status: int
    ops: str
    op_total: int
    items_read: int
    bytes_read: int
    rru: float
    wru: float
    rendered: bool | None
    body_bytes: int
    code: list[float]
    floor: list[float]
    moto: list[float]
    moto_floor: list[float] = field(default_factory=list)
    query_counts: list[tuple[int, int]] = field(default_factory=list)
    replay: Replay | None = None

    @property
    def overhead(self) -> float:
        return s.median(self.code) - s.median(self.floor)

    @property
    def ratio(self) -> float:
        return s.median(self.code) / s.median(self.floor) if self.floor else float("nan")


@dataclass
class RequestsResult:
    routes: dict[str, RouteResult]
    runs: int
    lookahead_cases: dict[str, tuple[RouteResult, RouteResult]] = field(default_factory=dict)
    """The site feed's first page with nothing, one or more articles pending than the store
    reads ahead for, counted on moto back to back in a container that has read the feed before
    and as a container's first request (its store knowing of no pending entries)."""
    lookahead: int = 0
    seconds: float = 0.0


def pending_route(count: int) -> str:
    return f"GET /feed.xml, {count} scheduled pending"


@dataclass
class Route:
    name: str
    module: str
    make: Callable[[int], dict[str, Any]]
    """The event of the i-th run (writes vary theirs)."""
    moto_runs: int = 5
    status: int = 200
    write: bool = False
    """Writes skip the warm-up call on moto (each moto transaction copies the whole table)."""
    before: Callable[[], None] | None = None
    """Run ahead of every call, inside the timing (e.g. to empty a warm container's cache)."""


def _document(title: str, slug: str | None = None) -> dict[str, Any]:
    from contentfeed_cli.local.seed import sample_articles

    document = dict(max(sample_articles(), key=lambda a: len(a.get("content_html", ""))))
    document.pop("slug")
    document.pop("published_at")
    document["content_html"] = s.realistic_html()
    document["title"] = title
    if slug:
        document["slug"] = slug
    return document


def _api(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    return s.event(method, path, function="ApiFunction", headers=headers, **kwargs)


def _write(method: str, path: str, body: Any, *, content_type: str = "application/json") -> Any:
    resource = "/articles/{id}" if path.count("/") == 2 else "/articles"
    params = {"id": path.rsplit("/", 1)[1]} if resource.endswith("}") else {}
    return _api(
        method,
        path,
        resource=resource,
        path_parameters=params,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {KEY}"},
        body=b"" if body is None else json.dumps(body).encode(),
    )


def _next_path(result: dict[str, Any]) -> str:
    link = s.header(result, "Link") or ""
    found = re.search(r"<([^>]+)>; rel=\"next\"", link)
    assert found, f"no next link in {link!r}"
    return found[1].removeprefix(s.BASE)


class RenderCounter:
    """Counts renders by wrapping the feeds function's ``renderer_for`` (until :meth:`restore`)."""

    def __init__(self, feeds: ModuleType) -> None:
        self.calls = 0
        self._feeds = feeds
        self._original = feeds.renderer_for
        feeds.renderer_for = self._wrap

    def restore(self) -> None:
        self._feeds.renderer_for = self._original

    def _wrap(self, *args: Any, **kwargs: Any) -> Any:
        render = self._original(*args, **kwargs)
        if kwargs.get("head"):
            return render  # HEAD gets a renderer that renders nothing

        def counted(*a: Any, **k: Any) -> Any:
            self.calls += 1
            return render(*a, **k)

        return counted


def openapi_cache_clear() -> None:
    import functions.api.app as api

    api.openapi_document.cache_clear()


def routes(feeds: ModuleType, doomed: list[str], article_id: str) -> list[Route]:
    first = s.invoke(feeds, s.event("GET", "/feed.xml"))
    etag = s.header(first, "ETag") or ""
    last_modified = s.header(first, "Last-Modified") or ""
    page_two = _next_path(first)
    authorizer_event = json.loads((s.ROOT / "events" / "authorizer-request.json").read_text())
    authorizer_event["headers"]["Authorization"] = f"Bearer {KEY}"
    made = iter(range(10**6))

    def fixed(request: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
        return lambda _: request

    from contentfeed.dal import items as mapping

    return [
        Route(RSS, "feeds", fixed(s.event("GET", "/feed.xml"))),
        # The same with the entries kept decoded forgotten before every request: what the
        # decoded-entry cache saves a warm container on each poll.
        Route(
            RSS_DECODED_AFRESH,
            "feeds",
            fixed(s.event("GET", "/feed.xml")),
            before=mapping.decoded_clear,
        ),
        Route("GET /atom.xml", "feeds", fixed(s.event("GET", "/atom.xml"))),
        Route("GET /feed.json", "feeds", fixed(s.event("GET", "/feed.json"))),
        Route(
            "GET /tags/{tag}/feed.xml",
            "feeds",
            fixed(s.event("GET", "/tags/topic-0/feed.xml", resource="/tags/{tag}/feed.xml")),
        ),
        Route(
            "GET /authors/{author}/atom.xml",
            "feeds",
            fixed(
                s.event(
                    "GET", "/authors/reporter-0/atom.xml", resource="/authors/{author}/atom.xml"
                )
            ),
        ),
        Route(
            "GET / (HTML, browser)",
            "feeds",
            fixed(s.event("GET", "/", headers={"Accept": BROWSER})),
        ),
        Route("GET /feed.xml?cursor= (page 2)", "feeds", fixed(s.event("GET", page_two))),
        Route("HEAD /feed.xml", "feeds", fixed(s.event("HEAD", "/feed.xml"))),
        Route(
            "GET /feed.xml If-None-Match (304)",
            "feeds",
            fixed(s.event("GET", "/feed.xml", headers={"If-None-Match": etag})),
            status=304,
        ),
        Route(
            "GET /feed.xml If-Modified-Since (304)",
            "feeds",
            fixed(s.event("GET", "/feed.xml", headers={"If-Modified-Since": last_modified})),
            status=304,
        ),
        Route(
            "GET /feed.xml stale If-None-Match (200)",
            "feeds",
            fixed(s.event("GET", "/feed.xml", headers={"If-None-Match": '"stale"'})),
        ),
        Route("GET /articles", "api", fixed(_api("GET", "/articles"))),
        Route("GET /articles?tag=", "api", fixed(_api("GET", "/articles?tag=topic-0"))),
        Route(
            "GET /articles?cursor=",
            "api",
            fixed(_api("GET", "/articles?limit=20&cursor=" + page_two.rsplit("=", 1)[-1])),
        ),
        Route(
            "GET /articles/{id}",
            "api",
            fixed(
                _api(
                    "GET",
                    f"/articles/{article_id}",
                    resource="/articles/{id}",
                    path_parameters={"id": article_id},
                )
            ),
        ),
        Route(
            "GET /articles/{id} with a key",
            "api",
            fixed(
                _api(
                    "GET",
                    f"/articles/{article_id}",
                    resource="/articles/{id}",
                    path_parameters={"id": article_id},
                    headers={"Authorization": f"Bearer {KEY}"},
                )
            ),
        ),
        Route("GET /openapi.json", "api", fixed(_api("GET", "/openapi.json"))),
        Route(
            OPENAPI_UNCACHED,
            "api",
            fixed(_api("GET", "/openapi.json")),
            before=openapi_cache_clear,
        ),
        Route("authorizer (valid key)", "authorizer", fixed(authorizer_event)),
        Route(
            "POST /articles",
            "api",
            lambda i: _write("POST", "/articles", _document(f"Bench post {next(made)} {i}")),
            moto_runs=1,
            status=201,
            write=True,
        ),
        Route(
            "PUT /articles/{id} (replace)",
            "api",
            lambda i: _write(
                "PUT", f"/articles/{PUT_ID}", _document(f"Put title {i % 2}", "put-target")
            ),
            moto_runs=1,
            write=True,
        ),
        Route(
            "PATCH /articles/{id}",
            "api",
            lambda i: _write(
                "PATCH",
                f"/articles/{PUT_ID}",
                {"title": f"Patched {i}"},
                content_type="application/merge-patch+json",
            ),
            moto_runs=1,
            write=True,
        ),
        Route(
            "DELETE /articles/{id}",
            "api",
            lambda i: _write("DELETE", f"/articles/{doomed[i % len(doomed)]}", None),
            moto_runs=1,
            status=204,
            write=True,
        ),
    ]


def probe(route: Route, module: ModuleType, moto: s.Moto, renders: RenderCounter) -> RouteResult:
    """Run a route on moto: count and record its DynamoDB calls, time it there a few times."""
    client = module.get_store().client
    function = {"feeds": "FeedsFunction", "api": "ApiFunction"}.get(route.module, "Authorizer")

    def call(request: dict[str, Any]) -> Any:
        if route.before is not None:
            route.before()
        if route.module == "authorizer":
            return {"statusCode": 200, **s.invoke(module, request, function)}
        return s.invoke(module, request, function)

    counter = iter(range(10**6))

    def next_event() -> dict[str, Any]:
        return route.make(next(counter))

    with s.quiet():
        if not route.write:
            assert call(next_event())["statusCode"] == route.status, route.name
        moto.counter.reset()
        renders.calls = 0
        recorder = s.Recorder()
        with recorder.recording(client):
            request = next_event()
            result = call(request)
    assert result["statusCode"] == route.status, (route.name, result)
    stats = moto.counter
    exchanges = recorder.exchanges
    measured = RouteResult(
        name=route.name,
        function=route.module,
        status=result["statusCode"],
        ops=stats.summary(),
        op_total=stats.total,
        items_read=stats.items_read,
        bytes_read=stats.bytes_read,
        rru=stats.rru,
        wru=stats.wru,
        rendered=renders.calls > 0 if route.module == "feeds" else None,
        body_bytes=len((result.get("body") or "").encode()),
        code=[],
        floor=[],
        moto=[],
        query_counts=list(stats.query_counts),
    )
    reads_only = bool(exchanges) and all(e.operation in ("GetItem", "Query") for e in exchanges)
    raw = s.replay_raw(moto.raw, exchanges)
    with s.quiet():
        for _ in range(route.moto_runs):
            request_i = next_event()
            start = time.perf_counter()
            call(request_i)
            measured.moto.append(time.perf_counter() - start)
            if reads_only:
                start = time.perf_counter()
                raw()
                measured.moto_floor.append(time.perf_counter() - start)
    measured.replay = Replay(call, request, exchanges, client, raw, answer=result)
    return measured


@dataclass
class Replay:
    """What it takes to time a route again with DynamoDB answered from its recording."""

    call: Callable[[dict[str, Any]], Any]
    request: dict[str, Any]
    exchanges: list[s.Exchange]
    client: Any
    raw: Callable[[], None]
    answer: dict[str, Any] = field(default_factory=dict)
    """What the counted call answered."""


def time_replayed(results: list[RouteResult], raw_client: Any, runs: int, warmup: int = 3) -> None:
    """Time every route's handler and its floor with DynamoDB answered from the recordings.

    Handler and floor samples of every route alternate, run by run, so that the machine's
    changing speed (it is shared) falls on all of them alike.
    """
    for index in range(warmup + runs):
        for result in results:
            replay = result.replay
            assert replay is not None
            with s.quiet(), s.replaying(replay.exchanges, replay.client) as state:
                start = time.perf_counter()
                answer = replay.call(replay.request)
                elapsed = time.perf_counter() - start
            assert answer["statusCode"] == result.status, (result.name, "replayed")
            assert state["calls"] == len(replay.exchanges), (result.name, state)
            if index >= warmup:
                result.code.append(elapsed)
            if replay.exchanges:
                with s.replaying(replay.exchanges, raw_client):
                    start = time.perf_counter()
                    replay.raw()
                    elapsed = time.perf_counter() - start
                if index >= warmup:
                    result.floor.append(elapsed)


def run(runs: int = 200) -> RequestsResult:
    started = time.perf_counter()
    s.set_env()
    feeds = s.import_handler("feeds")
    api = s.import_handler("api")
    authorizer = s.import_handler("authorizer")
    modules = {"feeds": feeds, "api": api, "authorizer": authorizer}
    from contentfeed.logic.keys import create_key

    results: dict[str, RouteResult] = {}
    with s.moto_table(feeds, api, authorizer) as moto:
        now = s.now_utc()
        articles = s.articles_for(30, newest=now - timedelta(hours=1))
        doomed = [
            s.realistic_article(10_000 + n, published_at=now - timedelta(days=30, minutes=n))
            for n in range(12)
        ]
        target = replace(
            s.realistic_article(20_000, published_at=now - timedelta(days=60)),
            id=PUT_ID,
            slug="put-target",
        )
        s.bulk_load(moto.client, [*articles, *doomed, target])
        create_key(feeds.get_store(), name="bench", now=now, key=KEY)
        renders = RenderCounter(feeds)
        with s.quiet():
            plan = routes(feeds, [a.id for a in doomed], articles[3].id)
        for route in plan:
            results[route.name] = probe(route, modules[route.module], moto, renders)
        # Scheduled articles waiting above the newest entries: a store that saw them pending
        # reads up to PENDING_LOOKAHEAD of them ahead in the first page's Query; a container's
        # first request (a store that knows of none) takes a second Query for them.
        from contentfeed.dal import store as store_module

        lookahead = store_module.PENDING_LOOKAHEAD
        site_feed = Route(RSS, "feeds", lambda _: s.event("GET", "/feed.xml"), moto_runs=0)
        cases = {
            "nothing pending": (
                probe(site_feed, feeds, moto, renders),
                _first_in_container(site_feed, feeds, moto, renders),
            )
        }
        for count in range(1, lookahead + 2):
            with s.quiet(), s.fast_setup_writes():
                scheduled = _document(f"Scheduled {count}")
                scheduled["published_at"] = (now + timedelta(days=count)).isoformat()
                scheduled["slug"] = f"scheduled-{uuid.uuid4().hex[:8]}"
                reply = s.invoke(api, _write("POST", "/articles", scheduled), "ApiFunction")
                assert reply["statusCode"] == 201, reply
            if count in (1, lookahead, lookahead + 1):
                name = pending_route(count)
                pending = Route(name, "feeds", lambda _: s.event("GET", "/feed.xml"))
                results[name] = probe(pending, feeds, moto, renders)
            if count in (1, lookahead + 1):
                cases[f"{count} scheduled pending"] = (
                    results[name],
                    _first_in_container(pending, feeds, moto, renders),
                )
        renders.restore()
        time_replayed(list(results.values()), moto.raw, runs)
    return RequestsResult(
        routes=results,
        runs=runs,
        lookahead_cases=cases,
        lookahead=lookahead,
        seconds=time.perf_counter() - started,
    )


def _first_in_container(
    route: Route, feeds: ModuleType, moto: s.Moto, renders: RenderCounter
) -> RouteResult:
    """The route counted as a container's first request for the feed: its store forgets the
    pending entries it saw before every call."""
    store = feeds.get_store()
    forget = store._pending.clear  # the store's memory of pending entries, emptied
    return probe(replace(route, moto_runs=0, before=forget), feeds, moto, renders)
