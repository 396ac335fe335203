"""Rendering: time and bytes per item of RSS, Atom, JSON Feed and the HTML page, for 20 and 100
realistic articles (~5 kB of HTML each), built the way the feeds function builds them.

Also timed: turning the Query's items into articles (``TypeDeserializer`` and
``contentfeed.dal.items.article_from_item``), the other per-item cost of a feed request, and the
floor of ``json.dumps`` over the same items' attributes.
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
PREPARE = "per-item preparation (absolutize, clean_text)"
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


def _renderers(articles: Sequence[Any]) -> dict[str, Callable[[], tuple[bytes, int]]]:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    from contentfeed.config import get_settings
    from contentfeed.dal import ScopePage
    from contentfeed.dal import items as mapping
    from contentfeed.logic.feeds import (
        FORMAT_TITLES,
        MEDIA_TYPES,
        FeedRequest,
        Format,
        Kind,
        feed_info,
        first_page_validators,
    )
    from contentfeed.rendering.atom import render_atom_counted
    from contentfeed.rendering.html import absolute_url, absolutize, clean_text
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
        """What rss.py's ``_add_item`` does to each article before feedgen sees it."""
        for article in articles:
            url = absolute_url(clean_text(article.url), info.site_url)
            absolutize(article.content_html or "", url)
            clean_text(article.summary or "")
            clean_text(article.title)
        return b"", len(articles)

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

    return {
        "RSS 2.0": lambda: tuple(render_rss_counted(info, articles)),  # type: ignore[return-value]
        "Atom 1.0": lambda: tuple(render_atom_counted(info, articles)),  # type: ignore[return-value]
        "JSON Feed 1.1": lambda: tuple(render_json_feed_counted(info, articles)),  # type: ignore[return-value]
        "HTML page": page_html,
        PREPARE: prepare,
        DECODE: decode,
        PARSE: parse,
        PARSE_BEFORE: parse_strptime,
        "floor: json.dumps of the items": floor,
    }


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
    plans: list[tuple[Rendering, Callable[[], tuple[bytes, int]]]] = []
    for count in COUNTS:
        articles = s.articles_for(count, newest=s.now_utc() - timedelta(hours=1))
        for name, render in _renderers(articles).items():
            row = Rendering(name=name, count=count)
            body, items = render()
            row.size, row.items = len(body), items
            row.gzipped = len(gzip.compress(body, 6)) if body else 0
            rows[(name, count)] = row
            plans.append((row, render))
    del get_settings
    for index in range(max(runs.values()) + 2):
        for row, render in plans:
            if index >= runs[row.count] + 2:
                continue
            start = time.perf_counter()
            render()
            elapsed = time.perf_counter() - start
            if index >= 2:
                row.samples.append(elapsed)
    budget = FeedInfo.__dataclass_fields__["byte_budget"].default
    return RenderingResult(rows=rows, budget=int(budget), seconds=time.perf_counter() - started)
