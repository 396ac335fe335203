"""Rendering: time and bytes per item of RSS, Atom, JSON Feed and the HTML page, for 20 and 100
realistic articles (~5 kB of HTML each), built the way the feeds function builds them: from
the articles decoded from their stored feed entries.

Each feed format is timed twice: as a warm container renders articles it has rendered before
(their entries memoised, ``contentfeed.rendering.entry``) and as a first render, with every
cache emptied before each run. Both run in a process that has already imported and used the
renderer; what a container pays once on top (importing feedgen and lxml, which Cold start
counts, and anything done on first use) is timed apart, in fresh processes: the renderer's
import, then its first render of the same 100 articles. Also timed: preparing the entries uncached, turning the Query's
items into articles (``TypeDeserializer`` and ``contentfeed.dal.items.article_from_item``), the
floor of ``json.dumps`` over the same items' attributes, and the client side of the DynamoDB
round trip that reads these items: a boto3 ``Query`` answered at ``before-send`` with exactly
these items, which botocore still parses (no network, no service time: a lower bound).
"""

from __future__ import annotations

import base64
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
FRESH_IMPORT = ", a fresh process: importing the renderer"
FRESH = ", a fresh process: its first render"
"""Suffixes of the rows timed in fresh processes (100 articles only)."""
FRESH_RUNS = 5
RENDERER_MODULES = {
    "RSS 2.0": ("contentfeed.rendering.rss", "render_rss_counted"),
    "Atom 1.0": ("contentfeed.rendering.atom", "render_atom_counted"),
    "JSON Feed 1.1": ("contentfeed.rendering.jsonfeed", "render_json_feed_counted"),
}
QUERY = "DynamoDB Query of these items, client side"
PREPARE = "entries prepared afresh (`prepare_entry`: absolutize, clean_text)"
PREPARE_STORED = "entries prepared from stored entries (their feed-ready form)"
DECODE = "items → articles (decode)"
DECODE_KEPT = "items → articles, kept decoded from an earlier poll"
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
    storage: dict[str, float] = field(default_factory=dict)
    """Read and write units of stored entries, now and with the HTML as text (see
    :func:`storage_units`)."""


FORMS = ("now", "unpacked", "before")
"""How items are stored: packed entries and the HTML compressed with the preset dictionary
(now); entries with the article's attributes one by one and ``content_z`` compressed without a
dictionary (unpacked, as written before entries were packed); the HTML as text (before)."""


def stored_as(form: str, item: dict[str, Any], article: Any) -> dict[str, Any]:
    """An article or entry item (as written now) as the code of ``form`` wrote it."""
    from tests.former_items import former_item

    if form == "now":
        return item
    keys = {"pk": item["pk"], "sk": item["sk"]}
    return former_item("as text" if form == "before" else form, keys, item["type"], article)


def storage_units(page: int = 20) -> dict[str, float]:
    """What a feed's first page reads and a create writes, computed from item sizes as DynamoDB
    bills them, with the items as they are stored now and as they were stored before (see
    :data:`FORMS`), for the same articles.

    The first page's Query reads the marker, ``page`` entries and the look-ahead entry
    (``page_rru_fixed_lookahead``: also the ``PENDING_LOOKAHEAD`` more that the previous report's
    store read on every first page, pending or not); the create is the
    benchmarks' ``POST /articles`` article (5 feeds): the article, its slug claim, its entries
    and a marker update per feed (1 KB each, as the warm requests count them), 2 WRU per KB in
    a transaction.
    """
    import math
    import zlib

    from boto3.dynamodb.types import TypeSerializer

    from contentfeed.dal import items as mapping
    from contentfeed.dal import keys
    from contentfeed.dal.keys import scopes_of
    from contentfeed.dal.store import PENDING_LOOKAHEAD

    serializer = TypeSerializer()

    def size(item: dict[str, Any]) -> int:
        return s.item_size({k: serializer.serialize(v) for k, v in item.items()})

    articles = s.articles_for(page + 1 + PENDING_LOOKAHEAD, newest=s.now_utc())
    site = keys.feed_pk("site")
    marker = next(item for item in s.marker_items(articles) if item["pk"] == site)
    result: dict[str, float] = {}
    for form in FORMS:
        entries = [stored_as(form, mapping.entry_item("site", a), a) for a in articles]
        sizes = [size(item) for item in entries]
        total = size(marker) + sum(sizes[: page + 1])
        result[f"page_bytes_{form}"] = total
        result[f"page_rru_{form}"] = s.read_units(total, consistent=False)
        result[f"entry_bytes_{form}"] = total / (page + 1)
        if form == "now":
            longer = size(marker) + sum(sizes)
            result["page_rru_fixed_lookahead"] = s.read_units(longer, consistent=False)
            result["page_bytes_fixed_lookahead"] = longer
            # A bound: the same entries holding nothing but their keys and compressed HTML.
            bare = size(marker) + sum(
                size({**item, mapping.PACKED: mapping.pack(a.content_html)})
                for item, a in zip(entries[: page + 1], articles, strict=False)
            )
            result["page_rru_html_only"] = s.read_units(bare, consistent=False)
            result["page_bytes_html_only"] = bare
    html = [a.content_html.encode() for a in articles]
    result["html_ratio"] = sum(map(len, html)) / sum(
        len(mapping.pack(a.content_html)) for a in articles
    )
    result["html_bytes_packed"] = sum(len(mapping.pack(a.content_html)) for a in articles) / len(
        articles
    )
    result["vocabulary"] = len(s._vocabulary())
    # A dictionary trained on the site's own articles, at its most flattering: the last 32 KiB
    # (deflate's whole window) of articles not on the page, whose markup is the page's.
    trained = b"".join(s._variant_html(n).encode() for n in range(32, s.VARIANTS))[-32768:]

    def with_trained(text: bytes) -> int:
        packer = zlib.compressobj(mapping.COMPRESSION_LEVEL, zlib.DEFLATED, -15, 9, zdict=trained)
        return len(packer.compress(text) + packer.flush())

    result["html_bytes_trained"] = sum(map(with_trained, html)) / len(html)
    result["html_ratio_plain"] = sum(map(len, html)) / sum(
        len(zlib.compress(text, 9)) for text in html
    )
    article = s.realistic_article(0, published_at=s.now_utc())
    article = replace_html(article)
    scopes = scopes_of(article)
    for form in FORMS:
        written = [
            stored_as(form, mapping.article_item(article), article),
            *(stored_as(form, mapping.entry_item(scope, article), article) for scope in scopes),
        ]
        sizes = [size(item) for item in written] + [100] + [1024] * len(scopes)
        result[f"create_wru_{form}"] = 2 * sum(math.ceil(n / 1024) for n in sizes)
        if form == "now":
            result["create_article_bytes"] = sizes[0]
            result["create_entry_bytes"] = sizes[1]
    result["create_feeds"] = len(scopes)
    return result


def replace_html(article: Any) -> Any:
    """The benchmarks' create: the prototype's text (not a variant), its own tags."""
    from dataclasses import replace

    return replace(article, content_html=s.realistic_html(), tags=s._prototype().tags)


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
    # The articles' attributes with the HTML as text: what the floor serialises
    attributes = [
        {
            **{k: v for k, v in mapping.article_attributes(a).items() if k != mapping.CONTENT_Z},
            mapping.CONTENT: a.content_html,
        }
        for a in articles
    ]
    # What the feeds function renders: the articles as decoded from their stored entries, with
    # the feed-ready form those carry
    stored = [
        mapping.article_from_item({k: deserializer.deserialize(v) for k, v in item.items()})
        for item in wire
    ]

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
        """What every renderer did to each article before the first render in a container,
        before entries were stored feed-ready (and still does for entries written before)."""
        for article in articles:
            prepare_entry(article, info.site_url)
        return b"", len(articles)

    def prepare_stored() -> tuple[bytes, int]:
        """The same from stored entries: what is left of it on a first render."""
        for article in stored:
            prepare_entry(article, info.site_url)
        return b"", len(stored)

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
        "RSS 2.0": lambda: render_rss_counted(info, stored),
        "Atom 1.0": lambda: render_atom_counted(info, stored),
        "JSON Feed 1.1": lambda: render_json_feed_counted(info, stored),
    }
    # Untimed set-up before each timed run: warm rows render once first (a first-render row run
    # in between emptied the caches), first-render rows empty the caches.
    return {
        **{name: (render, render) for name, render in formats.items()},
        **{name + FIRST: (render, forget) for name, render in formats.items()},
        "HTML page": (page_html, None),
        PREPARE: (prepare, None),
        PREPARE_STORED: (prepare_stored, None),
        DECODE: (decode, mapping.decoded_clear),
        DECODE_KEPT: (decode, None),
        PARSE: (parse, None),
        PARSE_BEFORE: (parse_strptime, None),
        "floor: json.dumps of the items": (floor, None),
        QUERY: (query, None),
    }


def _query_floor(wire: list[dict[str, Any]]) -> Callable[[], tuple[bytes, int]]:
    """A boto3 Query answered at ``before-send`` with ``wire``, the items as DynamoDB sends them."""
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    items = [_json_wire(item) for item in wire]
    answer = json.dumps({"Items": items, "Count": len(wire), "ScannedCount": len(wire)}).encode()
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


def _json_wire(value: Any) -> Any:
    """A serialised item as DynamoDB's JSON carries it: binary values in base64."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _json_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_wire(v) for v in value]
    return value


def _timestamps(item: dict[str, Any]) -> list[str]:
    return [item[name] for name in ("published_at", "created_at", "updated_at")]


def fresh_render(name: str) -> dict[str, float]:
    """In this (fresh) process: seconds to import the renderer of format ``name``, then to
    render the 100 stored articles once; the articles are built and decoded first, untimed."""
    import importlib

    s.set_env()
    import sys

    articles = s.articles_for(100, newest=s.now_utc() - timedelta(hours=1))
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    from contentfeed.config import get_settings
    from contentfeed.dal import ScopePage
    from contentfeed.dal import items as mapping
    from contentfeed.http.routes import Format, Kind
    from contentfeed.logic.feeds import FeedRequest, feed_info, first_page_validators

    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    stored = [
        mapping.article_from_item(
            {
                k: deserializer.deserialize(serializer.serialize(v))
                for k, v in mapping.entry_item("site", a).items()
            }
        )
        for a in articles
    ]
    settings, now = get_settings(), s.now_utc()
    request = FeedRequest(kind=Kind.SITE, slug="", format=Format.RSS)
    validators = first_page_validators(request, None, settings=settings, base=s.BASE, now=now)
    page = ScopePage(articles=list(articles), after=None)
    info = feed_info(request, page, validators, settings=settings, base=s.BASE, now=now)
    module_name, function = RENDERER_MODULES[name]
    assert module_name not in sys.modules and "lxml.etree" not in sys.modules
    start = time.perf_counter()
    module = importlib.import_module(module_name)
    imported = time.perf_counter()
    body, _ = getattr(module, function)(info, stored)
    rendered = time.perf_counter()
    return {"import": imported - start, "first": rendered - imported, "bytes": len(body)}


def _fresh_rows(runs: int) -> dict[tuple[str, int], Rendering]:
    """Rows of :func:`fresh_render` for each format, each run in a new interpreter."""
    import subprocess
    import sys

    rows: dict[tuple[str, int], Rendering] = {}
    for name in FORMATS:
        imports, firsts = Rendering(name + FRESH_IMPORT, 100), Rendering(name + FRESH, 100)
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-m", "tests.bench.bench_rendering", "--fresh", name],
                cwd=s.ROOT,
                env=s.subprocess_env(),
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            imports.samples.append(measured["import"])
            firsts.samples.append(measured["first"])
            firsts.size, firsts.items = int(measured["bytes"]), 100
        rows[(imports.name, 100)], rows[(firsts.name, 100)] = imports, firsts
    return rows


def run(runs: dict[int, int] | None = None, fresh_runs: int = FRESH_RUNS) -> RenderingResult:
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
    rows.update(_fresh_rows(fresh_runs))
    budget = FeedInfo.__dataclass_fields__["byte_budget"].default
    return RenderingResult(
        rows=rows,
        budget=int(budget),
        seconds=time.perf_counter() - started,
        storage=storage_units(),
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_rendering")
    parser.add_argument("--fresh", choices=FORMATS, help="time one fresh import and first render")
    options = parser.parse_args()
    if options.fresh:
        print(json.dumps(fresh_render(options.fresh)))
    else:
        for (name, count), row in run().rows.items():
            print(f"{name} @ {count}: {row.median * 1000:.2f} ms")
