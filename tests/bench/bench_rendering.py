"""Rendering: time and bytes per item of RSS, Atom, JSON Feed and the HTML page, for 20 and 100
realistic articles (~5 kB of HTML each), built the way the feeds function builds them.

Each feed format is timed twice: as a warm container renders articles it has rendered before
(their entries memoised, ``contentfeed.rendering.entry``) and as a first render, with every
cache emptied before each run. Also timed: preparing the entries uncached, turning the Query's
items into articles (``TypeDeserializer`` and ``contentfeed.dal.items.article_from_item``), the
floor of ``json.dumps`` over the same items' attributes, and the client side of the DynamoDB
round trip that reads these items: a boto3 ``Query`` answered at ``before-send`` with exactly
these items, which botocore still parses (no network, no service time: a lower bound).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.bench import support as s

COUNTS = (20, 100)
FORMATS = ("RSS 2.0", "Atom 1.0", "JSON Feed 1.1")
FIRST = ", first render"
"""Suffix of the rows timed with every cache emptied before each run."""
QUERY = "DynamoDB Query of these items, client side"
PREPARE = "entries prepared afresh (`prepare_entry`: absolutize, clean_text)"
DECODE = "items → articles (decode)"
PARSE = "…of which 3 timestamps an item, `parse_utc_iso`"
PARSE_BEFORE = "…the same with `strptime`, as `parse_utc_iso` read them before"


@dataclass
class Rendering:
    name: str
    count: int
    samples: list[float] = field(default_factory=list)
    size: int = 0
    gzipped: int = 0
    items: int = 0
    """Articles in the document (the byte budget may cut a page short)."""

    @property
    def median(self) -> float:
        return s.median(self.samples)


@dataclass
class RenderingResult:
    rows: dict[tuple[str, int], Rendering]
    budget: int
    seconds: float = 0.0


Render = Callable[[], tuple[bytes, int]]
"""One timed operation: the document (or b"") and the number of articles in it."""


def _renderers(articles: Sequence[Any]) -> dict[str, tuple[Render, Callable[[], Any] | None]]:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    from contentfeed.config import get_settings
    from contentfeed.dal import ScopePage
    from contentfeed.dal import items as mapping
    from contentfeed.http.media import FEED_TYPES as MEDIA_TYPES
    from contentfeed.http.routes import FORMAT_TITLES, Format, Kind
    from contentfeed.logic.feeds import FeedRequest, feed_info, first_page_validators
    from contentfeed.rendering import entry as entry_cache
    from contentfeed.rendering.atom import render_atom_counted
    from contentfeed.rendering.entry import prepare_entry
    from contentfeed.rendering.jsonfeed import render_json_feed_counted
    from contentfeed.rendering.page import Alternate, render_page
    from contentfeed.rendering.rss import render_rss_counted
    from contentfeed.text import UTC_ISO_FORMAT, parse_utc_iso

    settings = get_settings()
    now = s.now_utc()
    request = FeedRequest(kind=Kind.SITE, slug="", format=Format.RSS)
    page = ScopePage(articles=list(articles), after=None)
    validators = first_page_validators(request, None, settings=settings, base=s.BASE, now=now)
    info = feed_info(request, page, validators, settings=settings, base=s.BASE, now=now)
    alternates = [
        Alternate(title=FORMAT_TITLES[f], media_type=MEDIA_TYPES[f], url=s.BASE + "/feed.xml")
        for f in Format
    ]
    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    wire = [
        {k: serializer.serialize(v) for k, v in mapping.entry_item("site", a).items()}
        for a in articles
    ]
    attributes = [mapping.article_attributes(a) for a in articles]

    def page_html() -> tuple[bytes, int]:
        body = render_page(info, articles, alternates=alternates, subscribe_url=s.BASE)
        return body, len(articles)

    def decode() -> tuple[bytes, int]:
        decoded = [
            mapping.article_from_item({k: deserializer.deserialize(v) for k, v in item.items()})
            for item in wire
        ]
        return b"", len(decoded)

    def prepare() -> tuple[bytes, int]:
        """What every renderer does to each article before the first render in a container."""
        for article in articles:
            prepare_entry(article, info.site_url)
        return b"", len(articles)

    def forget() -> None:
        """Empty every rendering cache, as in a container that has rendered nothing yet."""
        entry_cache.cache_clear()

    query = _query_floor(wire)

    stamps = [value for item in attributes for value in _timestamps(item)]

    def parse() -> tuple[bytes, int]:
        for value in stamps:
            parse_utc_iso(value)
        return b"", len(articles)

    def parse_strptime() -> tuple[bytes, int]:
        """What ``parse_utc_iso`` did before it read the stored shape with fromisoformat."""
        for value in stamps:
            datetime.strptime(value, UTC_ISO_FORMAT).replace(tzinfo=UTC)
        return b"", len(articles)

    def floor() -> tuple[bytes, int]:
        return json.dumps(attributes, ensure_ascii=False).encode(), len(attributes)

    formats: dict[str, Render] = {
        "RSS 2.0": lambda: render_rss_counted(info, articles),
        "Atom 1.0": lambda: render_atom_counted(info, articles),
        "JSON Feed 1.1": lambda: render_json_feed_counted(info, articles),
    }
    # Untimed set-up before each timed run: warm rows render once first (a first-render row run
    # in between emptied the caches), first-render rows empty the caches.
    return {
        **{name: (render, render) for name, render in formats.items()},
        **{name + FIRST: (render, forget) for name, render in formats.items()},
        "HTML page": (page_html, None),
        PREPARE: (prepare, None),
        DECODE: (decode, None),
        PARSE: (parse, None),
        PARSE_BEFORE: (parse_strptime, None),
        "floor: json.dumps of the items": (floor, None),
        QUERY: (query, None),
    }


def _query_floor(wire: list[dict[str, Any]]) -> Callable[[], tuple[bytes, int]]:
    """A boto3 Query answered at ``before-send`` with ``wire``, the items as DynamoDB sends them."""
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    answer = json.dumps({"Items": wire, "Count": len(wire), "ScannedCount": len(wire)}).encode()
    params = {
        "TableName": "contentfeed-bench",
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "FEED#site"}},
        "ScanIndexForward": False,
    }
    exchange = s.Exchange("Query", params, 200, {"Content-Type": JSON_1_0}, answer)

    def run() -> tuple[bytes, int]:
        with s.replaying([exchange], client):
            found = client.query(**params)
        return b"", len(found["Items"])

    return run


JSON_1_0 = "application/x-amz-json-1.0"


def _timestamps(item: dict[str, Any]) -> list[str]:
    return [item[name] for name in ("published_at", "created_at", "updated_at")]


def run(runs: dict[int, int] | None = None) -> RenderingResult:
    started = time.perf_counter()
    s.set_env()
    from contentfeed.config import get_settings
    from contentfeed.logic.feeds import FeedRequest  # noqa: F401  (imports the renderers' deps)
    from contentfeed.rendering.model import FeedInfo

    runs = runs or {20: 60, 100: 20}
    rows: dict[tuple[str, int], Rendering] = {}
    plans: list[tuple[Rendering, Render, Callable[[], Any] | None]] = []
    for count in COUNTS:
        articles = s.articles_for(count, newest=s.now_utc() - timedelta(hours=1))
        for name, (render, setup) in _renderers(articles).items():
            row = Rendering(name=name, count=count)
            body, items = render()
            row.size, row.items = len(body), items
            row.gzipped = len(gzip.compress(body, 6)) if body else 0
            rows[(name, count)] = row
            plans.append((row, render, setup))
    del get_settings
    for index in range(max(runs.values()) + 2):
        for row, render, setup in plans:
            if index >= runs[row.count] + 2:
                continue
            if setup is not None:
                setup()
            start = time.perf_counter()
            render()
            elapsed = time.perf_counter() - start
            if index >= 2:
                row.samples.append(elapsed)
    budget = FeedInfo.__dataclass_fields__["byte_budget"].default
    return RenderingResult(rows=rows, budget=int(budget), seconds=time.perf_counter() - started)
