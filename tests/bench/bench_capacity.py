"""Capacity: a compressed day of feed polling replayed against the feeds function on moto, then
scaled linearly to 1,000 … 10,000,000 subscribers and priced.

1,000 simulated readers poll every 15 minutes (96 polls each) at their own phase, each keeping
the validators it was last given and sending them the way its kind of client does; during the
day the publisher creates six articles, schedules one that becomes due in the afternoon, edits
one and deletes one, all through the API function. Every poll is a real invocation of the feeds
handler and every DynamoDB call it makes is counted. Between two writes, an identical read
request is answered from the copy moto gave the first time (exact: the table has not changed),
which keeps the day's ~96,000 invocations fast.

Run alone: ``python -m tests.bench.bench_capacity [--readers N] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench import support as s

POLL_SECONDS = 15 * 60
DAY_POLLS = 96
SIM_FEED_SIZE = "5"
"""Page size in the simulation (counts do not depend on it; keeps each 200 cheap)."""

# Who polls what, and how (shares of readers).
FEEDS = [  # (share, kind, format)
    (0.42, "site", "feed.xml"),
    (0.18, "site", "atom.xml"),
    (0.10, "site", "feed.json"),
    (0.20, "tag", "feed.xml"),
    (0.10, "author", "atom.xml"),
]
CLIENTS = [  # (share, sends If-None-Match, sends If-Modified-Since)
    (0.75, True, True),
    (0.08, True, False),
    (0.07, False, True),
    (0.10, False, False),
]

# What each kind of client sends as Accept, and its share of the polls. The strings come from the
# clients' own source or documentation (cited per row); the shares are this model's assumption.
# Feedly and Inoreader publish their fetchers' User-Agent (feedly.com/fetcher.html,
# inoreader.com/feed-fetcher) but not their Accept: each is modelled as a string of its own that
# the origin answers with the feed (None below).
READER_ACCEPTS: list[tuple[float, str, str | None, str]] = [  # (share, client, Accept, source)
    (
        0.18,
        "newsboat",
        "*/*",
        "newsboat 2.21.0 (Debian) observed against a local server: it sets no Accept, so libcurl "
        "sends its default",
    ),
    (
        0.14,
        "feedparser",
        "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,"
        "application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
        "kurtmckee/feedparser, feedparser/http.py, ACCEPT_HEADER",
    ),
    (0.14, "Feedly", None, "not published (feedly.com/fetcher.html documents the User-Agent)"),
    (
        0.08,
        "Inoreader",
        None,
        "not published (inoreader.com/feed-fetcher documents the User-Agent)",
    ),
    (
        0.12,
        "NetNewsWire",
        "*/*",
        "Ranchero-Software/NetNewsWire, Modules/RSWeb/Sources/RSWeb/DownloadSession.swift: sets no "
        "Accept, so URLSession sends its default",
    ),
    (
        0.10,
        "Miniflux",
        "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, "
        "application/feed+json, text/html, */*;q=0.9",
        "miniflux/v2, internal/reader/fetcher/request_builder.go, defaultAcceptHeader",
    ),
    (
        0.10,
        "FreshRSS",
        "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
        "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, "
        "application/unknown;q=0.1, */*;q=0.1",
        "SimplePie's feed Accept (simplepie/simplepie, SimplePie.php), which FreshRSS fetches "
        "with (FreshRSS/FreshRSS bundles it in lib/simplepie)",
    ),
    (
        0.06,
        "Thunderbird",
        "application/atom+xml,application/rss+xml;q=0.9,application/rdf+xml;q=0.8,"
        "application/xml;q=0.7,text/xml;q=0.7,*/*;q=0.1",
        "mozilla/releases-comm-central, mailnews/extensions/newsblog/FeedUtils.sys.mjs, "
        "REQUEST_ACCEPT",
    ),
    (
        0.04,
        "Chrome",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
        "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
        "Chromium 150 (Debian) observed opening a feed URL; MDN, List of default Accept values",
    ),
    (
        0.02,
        "Firefox",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "MDN, List of default Accept values (Firefox 92 and later)",
    ),
    (
        0.02,
        "Safari",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "MDN, List of default Accept values (Safari)",
    ),
]


@dataclass
class Reader:
    path: str
    resource: str
    etag_aware: bool
    date_aware: bool
    phase: float
    etag: str | None = None
    last_modified: str | None = None

    @property
    def kind(self) -> str:
        if self.etag_aware and self.date_aware:
            return "If-None-Match + If-Modified-Since"
        if self.etag_aware:
            return "If-None-Match only"
        if self.date_aware:
            return "If-Modified-Since only"
        return "unconditional"


@dataclass
class SimResult:
    readers: int
    polls_per_reader: int
    requests: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    operations: dict[str, int] = field(default_factory=dict)
    renders: int = 0
    by_client: dict[str, dict[str, int]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    write_operations: dict[str, int] = field(default_factory=dict)
    memo_hits: int = 0
    memo_misses: int = 0
    seconds: float = 0.0

    @property
    def share_304(self) -> float:
        return self.statuses.get("304", 0) / self.requests

    def per_request(self, operation: str) -> float:
        return self.operations.get(operation, 0) / self.requests


def _readers(count: int, rng: random.Random) -> list[Reader]:
    readers = []
    for _ in range(count):
        pick = rng.random()
        for share, kind, file_name in FEEDS:  # noqa: B007 (the pick is what the loop leaves)
            pick -= share
            if pick < 0:
                break
        if kind == "site":
            path, resource = f"/{file_name}", f"/{file_name}"
        elif kind == "tag":
            path = (
                f"/tags/{s.TAGS[rng.randrange(len(s.TAGS))].lower().replace(' ', '-')}/{file_name}"
            )
            resource = f"/tags/{{tag}}/{file_name}"
        else:
            author = s.AUTHORS[rng.randrange(len(s.AUTHORS))].lower().replace(" ", "-")
            path, resource = f"/authors/{author}/{file_name}", f"/authors/{{author}}/{file_name}"
        pick = rng.random()
        for share, etag_aware, date_aware in CLIENTS:  # noqa: B007
            pick -= share
            if pick < 0:
                break
        readers.append(Reader(path, resource, etag_aware, date_aware, rng.uniform(0, POLL_SECONDS)))
    return readers


def simulate(readers: int = 1000, polls: int = DAY_POLLS, seed: int = 20261125) -> SimResult:
    started = time.perf_counter()
    s.set_env()
    os.environ["FEED_SIZE"] = SIM_FEED_SIZE
    from contentfeed.config import get_settings

    get_settings.cache_clear()
    feeds = s.import_handler("feeds")
    api = s.import_handler("api")
    from tests.bench.bench_requests import KEY, RenderCounter

    rng = random.Random(seed)
    result = SimResult(readers=readers, polls_per_reader=polls)
    population = _readers(readers, rng)
    with s.moto_table(feeds, api) as moto:
        midnight = s.now_utc().replace(hour=0, minute=0, second=0) - timedelta(days=1)
        clock = [midnight]
        feeds.clock = lambda: clock[0]
        api.clock = lambda: clock[0]
        articles = s.articles_for(30, newest=midnight - timedelta(hours=1))
        s.bulk_load(moto.client, articles)
        from contentfeed.logic.keys import create_key

        create_key(feeds.get_store(), name="bench", now=midnight, key=KEY)
        memo = s.ReadMemo()
        memo.attach(feeds.get_store().client)
        renders = RenderCounter(feeds)
        writes = _write_plan(midnight, articles, rng)

        def poll(reader: Reader) -> int:
            headers = {}
            if reader.etag_aware and reader.etag:
                headers["If-None-Match"] = reader.etag
            if reader.date_aware and reader.last_modified:
                headers["If-Modified-Since"] = reader.last_modified
            request = s.event("GET", reader.path, resource=reader.resource, headers=headers)
            answer = s.invoke(feeds, request)
            if answer["statusCode"] == 200:
                reader.etag = s.header(answer, "ETag")
                reader.last_modified = s.header(answer, "Last-Modified")
            return int(answer["statusCode"])

        with s.quiet():
            clock[0] = midnight - timedelta(seconds=1)  # yesterday's copies: readers are warm
            for reader in population:
                assert poll(reader) == 200, reader.path
            events: list[tuple[datetime, int, Any]] = [
                (midnight + timedelta(seconds=r.phase + POLL_SECONDS * k), 1, r)
                for r in population
                for k in range(polls)
            ]
            events += [(moment, 0, action) for moment, action in writes]
            events.sort(key=lambda e: (e[0], e[1]))
            moto.counter.reset()
            renders.calls = 0
            statuses: Counter[str] = Counter()
            write_ops: Counter[str] = Counter()
            by_client: dict[str, Counter[str]] = {}
            for moment, kind, what in events:
                clock[0] = moment
                if kind == 0:
                    before = Counter(moto.counter.calls)
                    label, request, expected = what
                    memo.clear()
                    status = s.invoke(api, request, "ApiFunction")["statusCode"]
                    memo.clear()
                    assert status == expected, (label, status)
                    result.writes.append(f"{moment:%H:%M} {label}")
                    write_ops.update(moto.counter.calls - before)
                    moto.counter.calls = before  # the polls' count goes on without the write's
                    continue
                status = poll(what)
                statuses[str(status)] += 1
                by_client.setdefault(what.kind, Counter())[str(status)] += 1
        result.requests = sum(statuses.values())
        result.statuses = dict(statuses)
        result.operations = dict(moto.counter.calls)
        result.write_operations = dict(write_ops)
        result.renders = renders.calls
        result.by_client = {k: dict(v) for k, v in by_client.items()}
        result.memo_hits, result.memo_misses = memo.hits, memo.misses
        renders.restore()
    os.environ["FEED_SIZE"] = s.FUNCTION_ENV["FEED_SIZE"]
    get_settings.cache_clear()
    result.seconds = time.perf_counter() - started
    return result


def _write_plan(
    midnight: datetime, articles: list[Any], rng: random.Random
) -> list[tuple[datetime, tuple[str, dict[str, Any], int]]]:
    """Six publishes, one article scheduled for the afternoon, one edit and one deletion."""
    from tests.bench.bench_requests import _document, _write

    del rng
    plan: list[tuple[datetime, tuple[str, dict[str, Any], int]]] = []
    for number, (hour, minute) in enumerate(
        [(7, 10), (9, 45), (12, 30), (15, 5), (18, 20), (21, 40)]
    ):
        document = _document(f"Day story {number}")
        document["tags"] = [s.TAGS[number % 10], s.TAGS[(number + 3) % 10]]
        document["authors"] = [{"name": s.AUTHORS[number % 20]}]
        moment = midnight + timedelta(hours=hour, minutes=minute)
        plan.append((moment, ("publish", _write("POST", "/articles", document), 201)))
    scheduled = _document("Scheduled story")
    scheduled["tags"] = [s.TAGS[7], s.TAGS[8]]
    scheduled["authors"] = [{"name": s.AUTHORS[7]}]
    scheduled["published_at"] = (midnight + timedelta(hours=14)).isoformat()
    plan.append(
        (
            midnight + timedelta(hours=10),
            ("schedule for 14:00", _write("POST", "/articles", scheduled), 201),
        )
    )
    edited = articles[1].id
    plan.append(
        (
            midnight + timedelta(hours=16, minutes=30),
            (
                "edit",
                _write(
                    "PATCH",
                    f"/articles/{edited}",
                    {"title": "Corrected headline"},
                    content_type="application/merge-patch+json",
                ),
                200,
            ),
        )
    )
    plan.append(
        (
            midnight + timedelta(hours=19),
            ("delete", _write("DELETE", f"/articles/{articles[4].id}", None), 204),
        )
    )
    return plan


# ----------------------------------------------------------------------------- the model

SUBSCRIBERS = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
MONTH_DAYS = 30
PRICES = {
    "apigw_tiers": [(333e6, 3.50), (667e6, 2.80), (19e9, 2.38), (math.inf, 1.51)],  # $/M requests
    "lambda_gb_s": 0.0000133334,  # arm64, first 7.5 B GB-s a month
    "lambda_request": 0.20 / 1e6,
    "ddb_rru": 0.125 / 1e6,
    "cf_request": 0.0100 / 10_000,  # HTTPS, US/Europe
    "cf_function": 0.10 / 1e6,  # the viewer-request function that normalises Accept
    "cf_gb_tiers": [(10_240, 0.085), (40_960, 0.080), (102_400, 0.060), (math.inf, 0.040)],
    "dto_gb_tiers": [(10_240, 0.09), (40_960, 0.085), (102_400, 0.07), (math.inf, 0.05)],
}


@dataclass
class ModelInputs:
    share_304: float
    getitem_per_request: float
    query_per_request: float
    query_rru: float
    getitem_rru: float
    handler_304_s: float
    handler_200_s: float
    body_200_bytes: int
    body_200_gzip_bytes: int
    cpu_factor: float = 3.5
    """This machine's core → a 512 MB Lambda (512/1769 of a vCPU): CPU time × 3.5."""
    ddb_getitem_s: float = 0.004
    ddb_query_s: float = 0.010
    lambda_overhead_s: float = 0.002
    gzip_share: float = 0.8
    max_age_s: int = 300
    regional_caches: int = 13
    memory_gb: float = 0.5

    @property
    def site_share(self) -> float:
        return sum(share for share, kind, _ in FEEDS if kind == "site")

    @property
    def billed_304_s(self) -> float:
        return self.handler_304_s * self.cpu_factor + self.ddb_getitem_s + self.lambda_overhead_s

    @property
    def getitem_share_of_200(self) -> float:
        """Of the 200 answers, how many first read the marker (a conditional that missed)."""
        return max(0.0, (self.getitem_per_request - self.share_304) / (1 - self.share_304))

    @property
    def billed_200_s(self) -> float:
        return (
            self.handler_200_s * self.cpu_factor
            + self.ddb_getitem_s * self.getitem_share_of_200
            + self.ddb_query_s
            + self.lambda_overhead_s
        )

    @property
    def billed_mean_s(self) -> float:
        return self.share_304 * self.billed_304_s + (1 - self.share_304) * self.billed_200_s

    @property
    def rru_per_request(self) -> float:
        """Every 200 reads one full page; a Query beyond one per 200 (while a scheduled article
        is pending) reads only the rest of the page: 1 RRU is allowed for it."""
        full = 1 - self.share_304
        extra = max(0.0, self.query_per_request - full)
        return self.getitem_per_request * self.getitem_rru + full * self.query_rru + extra * 1.0

    @property
    def bytes_200(self) -> float:
        gzipped = self.gzip_share * self.body_200_gzip_bytes
        return gzipped + (1 - self.gzip_share) * self.body_200_bytes


def _tiered(amount: float, tiers: list[tuple[float, float]], unit: float = 1.0) -> float:
    cost, left = 0.0, amount
    for size, price in tiers:
        used = min(left, size)
        cost += used / unit * price
        left -= used
        if left <= 0:
            break
    return cost


def _urls() -> list[float]:
    """Each polled feed URL's share of all polls (the simulation's mix, spread evenly over the
    10 tags and 20 authors)."""
    shares = []
    for share, kind, _ in FEEDS:
        count = {"site": 1, "tag": len(s.TAGS), "author": len(s.AUTHORS)}[kind]
        shares += [share / count] * count
    return shares


UNPUBLISHED = "(not published: {client})"


def cache_keys(*, normalised: bool) -> dict[str, float]:
    """The ``Accept`` part of the cache key and its share of a feed URL's polls: the raw header,
    one entry per distinct string (what a cache policy keyed on Accept alone stores), or what the
    edge function leaves of it (``text/html`` or ``*/*``, by the origin's rule, which
    tests/unit/test_edge_accept.py proves the function applies). A client whose string is not
    published is a key of its own, and a feed reader: the origin answers it with the feed."""
    from contentfeed.http.negotiation import prefers_html

    keys: dict[str, float] = {}
    for share, client, accept, _ in READER_ACCEPTS:
        if normalised:
            key = "text/html" if prefers_html(accept) else "*/*"
        else:
            key = accept if accept is not None else UNPUBLISHED.format(client=client)
        keys[key] = keys.get(key, 0.0) + share
    return keys


def origin_rate(
    per_second: float, inputs: ModelInputs, caches: int, keys: dict[str, float] | None = None
) -> float:
    """Requests/s reaching the origin behind CloudFront: each feed URL, ``Accept`` key and cache
    (one of ``caches``) is a TTL cache (max-age) with Poisson arrivals, which misses λ/(1+λT)
    times a second. A miss is a conditional revalidation (or a fetch after a change)."""
    ttl = inputs.max_age_s
    shares = list((keys if keys is not None else cache_keys(normalised=True)).values())
    total = 0.0
    for share in _urls():
        for key_share in shares:
            rate = per_second * share * key_share / caches
            total += caches * rate / (1 + rate * ttl)
    return total


def _per_request_cost(inputs: ModelInputs, requests: float) -> dict[str, float]:
    gb_s = requests * inputs.billed_mean_s * inputs.memory_gb
    return {
        "api_gateway": _tiered(requests, PRICES["apigw_tiers"], 1e6),
        "lambda": gb_s * PRICES["lambda_gb_s"] + requests * PRICES["lambda_request"],
        "dynamodb": requests * inputs.rru_per_request * PRICES["ddb_rru"],
    }


def model(inputs: ModelInputs) -> list[dict[str, Any]]:
    rows = []
    month_s = MONTH_DAYS * 86_400
    headers = 400  # bytes of a 304 (status line and headers)
    for subscribers in SUBSCRIBERS:
        per_second = subscribers / POLL_SECONDS
        requests = per_second * month_s
        out_gb = (requests * (1 - inputs.share_304) * inputs.bytes_200 + requests * headers) / 2**30
        direct = _per_request_cost(inputs, requests)
        direct["transfer"] = _tiered(out_gb, PRICES["dto_gb_tiers"])
        origin_per_s = origin_rate(per_second, inputs, inputs.regional_caches)
        raw_per_s = origin_rate(
            per_second, inputs, inputs.regional_caches, cache_keys(normalised=False)
        )
        shielded_per_s = origin_rate(per_second, inputs, 1)
        origin = origin_per_s * month_s
        cdn = {
            "cloudfront": requests * (PRICES["cf_request"] + PRICES["cf_function"])
            + _tiered(out_gb, PRICES["cf_gb_tiers"]),
            **_per_request_cost(inputs, origin),
        }
        rows.append(
            {
                "subscribers": subscribers,
                "requests_per_s": per_second,
                "requests_per_month": requests,
                "gb_seconds": requests * inputs.billed_mean_s * inputs.memory_gb,
                "rru_per_month": requests * inputs.rru_per_request,
                "site_partition_rru_per_s": per_second * inputs.site_share * inputs.rru_per_request,
                "lambda_concurrency": per_second * inputs.billed_mean_s,
                "transfer_gb": out_gb,
                "direct": direct,
                "direct_total": sum(direct.values()),
                "origin_per_s": origin_per_s,
                "origin_share": origin_per_s / per_second,
                "hit_ratio": 1 - origin_per_s / per_second,
                "origin_per_s_raw_accept": raw_per_s,
                "hit_ratio_raw_accept": 1 - raw_per_s / per_second,
                "shielded_per_s": shielded_per_s,
                "site_partition_rru_per_s_cdn": origin_per_s
                * inputs.site_share
                * inputs.rru_per_request,
                "cdn": cdn,
                "cdn_total": sum(cdn.values()),
            }
        )
    return rows


def limits(inputs: ModelInputs) -> list[tuple[str, float, str]]:
    """Subscriber counts at which each limit is reached without a CDN (every poll at the origin)."""
    per_subscriber = 1 / POLL_SECONDS
    return sorted(
        [
            (
                "DynamoDB partition of FEED#site: 3,000 read units/s",
                3000 / (per_subscriber * inputs.site_share * inputs.rru_per_request),
                "every site poll reads the marker and every changed one the newest entries: "
                "one narrow key range, which adaptive capacity cannot split further",
            ),
            (
                "API Gateway account throttle: 10,000 requests/s",
                10_000 / per_subscriber,
                "per account and region, adjustable",
            ),
            (
                "DynamoDB on-demand table: 40,000 read units/s",
                40_000 / (per_subscriber * inputs.rru_per_request),
                "default table quota, adjustable",
            ),
            (
                "Lambda concurrency: 1,000",
                1000 / (per_subscriber * inputs.billed_mean_s),
                "account default, adjustable; concurrency = requests/s × duration",
            ),
        ],
        key=lambda row: row[1],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--polls", type=int, default=DAY_POLLS)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    result = simulate(options.readers, options.polls)
    text = json.dumps(asdict(result), indent=2)
    if options.json:
        options.json.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
