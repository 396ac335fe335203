"""RSS items and Atom entries are built with lxml directly, no longer through feedgen's
``FeedEntry``, and JSON Feed items escape their HTML on bytes, no longer through
``json.dumps``; the documents must stay byte for byte what feedgen and json.dumps made (readers key on ids and
may diff content; tests elsewhere parse the output). feedgen itself is the oracle here: each
document is rendered again with feedgen building every item, through the same channel, and
the two are compared whole, for a set of articles chosen to reach every branch (no summary, no
content, no title, guids, images without type or size, several attachments, episodes, dirty
text, markup characters, time zones, microseconds).

This is the one place that compares whole documents: byte identity is the property. (JSON
Feed's oracle is ``json.dumps`` of each item's fields.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from typing import Any

import pytest
from feedgen.entry import FeedEntry
from lxml import etree

from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    EpisodeType,
    Image,
    Person,
)
from contentfeed.rendering import atom, jsonfeed, podcast, rss
from contentfeed.rendering import entry as entry_cache
from contentfeed.rendering.entry import Entry, feed_entry
from contentfeed.rendering.model import FeedInfo
from contentfeed.text import rfc3339, slugify
from tests.unit.test_podcast import SHOW, episode
from tests.unit.test_podcast import feed as show_feed
from tests.unit.test_rendering import (
    SITE,
    dirty_article,
    feed_info,
    plain_article,
    rich_article,
)

TRICKY_HTML = (
    "<p>Fish &amp; chips &lt;3 — “quoted” and 'single', a tab\there,\r\nCRLF and 🎙 astral.</p>"
    '<p><a href="/relative?a=1&amp;b=2" title="say &quot;hi&quot;">link</a> ]]&gt; end</p>'
)


def varied_articles() -> list[Article]:
    """Articles that reach every branch of the item builders."""
    rich = rich_article()
    return [
        rich,
        plain_article(1),
        plain_article(2, authors=()),
        dirty_article(),
        # no summary: the description is the excerpt
        rich_article(id="00000000-0000-4000-8000-000000000003", summary=None),
        # no content: the description stands alone; no title: the URL stands in
        plain_article(4, content_html=None, title=""),
        plain_article(5, content_html="", summary=None),
        # an HTML summary and content full of markup characters, a guid that is no IRI
        plain_article(
            6,
            summary='Ampersands & <angle> "quotes"\ttab',
            content_html=TRICKY_HTML,
            guid="123 at https://old.example.com/",
        ),
        # an IRI guid, a non-UUID id, people with email and URL, duplicate and odd tags
        plain_article(
            7,
            id="legacy-7",
            guid="https://old.example.com/?p=7",
            authors=(
                Person("Ana Li", email="ana@example.org", url="https://example.org/ana"),
                Person("Bo", url="https://example.org/bo"),
            ),
            contributors=(Contributor("Kate Conger", role="reporting"), Contributor("Ed")),
            tags=("Tech & Policy", "tech & policy", "Ünïcode", "Tech & Policy", "!!!"),
            language="fr-CA",
        ),
        # an image with no type and no size (RSS guesses the type), a zero length
        plain_article(8, image=Image(url="/media/photo.webp")),
        plain_article(9, image=Image(url="https://cdn.example.net/x.png", length=0)),
        # one audio attachment (the enclosure), then several (a media:group)
        plain_article(
            10,
            attachments=(
                Attachment(
                    url="/audio/10.mp3", type="audio/mpeg", length=1234, duration=61, title="Ten"
                ),
            ),
            image=Image(url="https://cdn.example.net/10.jpg", type="image/jpeg", length=99),
        ),
        plain_article(
            11,
            attachments=(
                Attachment(url="https://cdn.example.net/11.pdf", type="application/pdf"),
                Attachment(url="https://cdn.example.net/11.mp4", type="video/mp4", length=7),
            ),
        ),
        # dates with microseconds, in another zone, edited after publication
        plain_article(
            12,
            published_at=datetime(
                2021, 2, 28, 23, 30, 0, 123456, tzinfo=timezone(timedelta(hours=-5))
            ),
            updated_at=datetime(2021, 3, 2, 1, 2, 3, tzinfo=UTC),
            modified_at=datetime(2021, 3, 5, 6, 7, 8, 9, tzinfo=UTC),
        ),
    ]


def feedgen_rss_item(entry: Entry) -> FeedEntry:
    """The RSS item as feedgen built it before (its setters, then our item extension)."""
    item = FeedEntry()
    item.guid(entry.id)
    item.title(entry.title or entry.url)
    item.link(href=entry.url)
    item.pubDate(entry.published_at.astimezone(UTC))
    if entry.description:
        item.description(escape(entry.description, quote=False))
    if entry.content_html:
        item.content(entry.content_html)
    for tag in entry.tags:
        item.category(term=tag)
    if media := entry.enclosure:
        item.enclosure(media.url, str(media.length or 0), media.type)
    elif image := entry.image:
        item.enclosure(image.url, str(image.length or 0), rss._image_type(image))
    item.register_extension("contentfeed", _Extension(entry, rss_extras), atom=False)
    return item


def rss_extras(item: Any, entry: Entry) -> None:
    """What the RSS item extension added after feedgen's elements: people and media."""
    extra = rss._item(replace(entry, rendered={}))
    start = list(extra).index(extra.find("pubDate")) + 1
    item.extend(list(extra)[start:])


def feedgen_atom_entry(entry: Entry) -> FeedEntry:
    """The Atom entry as feedgen built it before (its setters, then our entry extension)."""
    item = FeedEntry()
    item.id(entry.atom_id)
    item.title(entry.title or entry.url)
    item.link(href=entry.url)
    item.published(entry.published_at.astimezone(UTC))
    item.updated(entry.updated_at.astimezone(UTC))
    fields = (("name", "name"), ("email", "email"), ("uri", "url"))
    if entry.authors:
        item.author(
            [{k: v for k, name in fields if (v := getattr(p, name))} for p in entry.authors]
        )
    if entry.contributors:
        item.contributor([{"name": contributor.name} for contributor in entry.contributors])
    for label in entry.tags:
        item.category(term=slugify(label) or label, label=label)
    if entry.summary:
        item.summary(entry.summary, type="text")
    if entry.content_html:
        item.content(entry.content_html, type="html")
    item.register_extension(
        "contentfeed", _Extension(entry, atom._enclosures), rss=False, atom=True
    )
    return item


def feedgen_podcast_item(entry: Entry) -> FeedEntry:
    item = FeedEntry()
    item.guid(entry.id)
    item.title(entry.title or entry.url)
    item.link(href=entry.url)
    item.pubDate(entry.published_at.astimezone(UTC))
    item.description(escape(entry.description or entry.title, quote=False))
    if entry.content_html:
        item.content(entry.content_html)
    if media := entry.enclosure:
        item.enclosure(media.url, str(media.length or 0), media.type)
    item.register_extension("contentfeed", _Extension(entry, podcast_extras), atom=False)
    return item


def podcast_extras(item: Any, entry: Entry) -> None:
    extra = podcast._item(replace(entry, rendered={}), show=SHOW)
    start = list(extra).index(extra.find("pubDate")) + 1
    item.extend(list(extra)[start:])


class _Extension:
    """A feedgen entry extension that calls ``extend(element, entry)``."""

    def __init__(self, entry: Entry, extend: Any) -> None:
        self.entry, self.extend = entry, extend

    def __call__(self) -> _Extension:
        return self

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_rss(self, element: Any) -> Any:
        self.extend(element, self.entry)
        return element

    def extend_atom(self, element: Any) -> Any:
        self.extend(element, self.entry)
        return element


def feedgen_rss(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    generator = rss._generator(feed, [])
    for article in articles:
        generator.add_entry(feedgen_rss_item(feed_entry(article, feed.site_url)), order="append")
    body: bytes = generator.rss_str(encoding="UTF-8", xml_declaration=True)
    return body


def feedgen_atom(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    entries = [feed_entry(article, feed.site_url) for article in articles]
    generator = atom._generator(feed, entries, [])
    for entry in entries:
        generator.add_entry(feedgen_atom_entry(entry), order="append")
    body: bytes = generator.atom_str(encoding="UTF-8", xml_declaration=True)
    return body


def feedgen_podcast(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    assert feed.show is not None
    generator = podcast._generator(feed, feed.show, [])
    for article in articles:
        entry = feed_entry(article, feed.site_url)
        generator.add_entry(feedgen_podcast_item(entry), order="append")
    body: bytes = generator.rss_str(encoding="UTF-8", xml_declaration=True)
    return body


@pytest.mark.parametrize("warm", [False, True], ids=["first render", "warm"])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(rss._render, feedgen_rss), (atom._render, feedgen_atom)],
    ids=["rss", "atom"],
)
def test_feeds_are_byte_identical_to_feedgens(ours: Any, theirs: Any, warm: bool) -> None:
    # Given varied articles, their items built before or not
    entry_cache.cache_clear()
    articles = varied_articles()
    if warm:
        ours(feed_info(), articles)
    # When the feed is rendered, and again with feedgen building every item
    body = ours(feed_info(), articles)
    reference = theirs(feed_info(), articles)
    # Then the two documents are the same bytes
    assert body == reference
    root = etree.fromstring(body)
    found = root.findall("channel/item") + root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(found) == len(articles)


@pytest.mark.parametrize("warm", [False, True], ids=["first render", "warm"])
def test_podcast_feed_is_byte_identical_to_feedgens(warm: bool) -> None:
    # Given varied episodes, their items built before or not
    entry_cache.cache_clear()
    episodes = [
        episode(1),
        episode(2, podcast=Episode(episode_type=EpisodeType.TRAILER, explicit=True)),
        episode(3, podcast=None, summary=None, content_html=None),
        episode(4, title="", content_html=TRICKY_HTML),
    ]
    if warm:
        podcast._render(show_feed(), episodes)
    # When the show's feed is rendered, and again with feedgen building every item
    body = podcast._render(show_feed(), episodes)
    reference = feedgen_podcast(show_feed(), episodes)
    # Then the two documents are the same bytes
    assert body == reference
    assert len(etree.fromstring(body).findall("channel/item")) == len(episodes)


def test_rfc2822_dates_are_feedgens_in_any_locale() -> None:
    # Given dates on every weekday and in every month, in the C locale feedgen switches to
    from feedgen.util import formatRFC2822

    moments = [datetime(2021, month, 1 + month, 7, 8, 9, tzinfo=UTC) for month in range(1, 13)]
    moments.append(datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    # When each is written, Then it is what feedgen writes
    assert [rss.rfc2822(moment) for moment in moments] == [formatRFC2822(m) for m in moments]


# JSON Feed -----------------------------------------------------------------------------------


@pytest.mark.parametrize("warm", [False, True], ids=["first render", "warm"])
def test_json_feed_is_byte_identical_to_json_dumps_of_its_items(warm: bool) -> None:
    # Given varied articles, their items built before or not
    entry_cache.cache_clear()
    articles = varied_articles()
    if warm:
        jsonfeed._render(feed_info(), articles)
    # When the JSON Feed is rendered, and its items again with json.dumps alone
    body = jsonfeed._render(feed_info(), articles)
    items = [jsonfeed._dumps(jsonfeed._item(feed_entry(a, SITE))) for a in articles]
    document = json.loads(body)
    head = {key: value for key, value in document.items() if key != "items"}
    reference = jsonfeed._dumps(head)[:-1] + ',"items":[' + ",".join(items) + "]}"
    # Then the two documents are the same bytes
    assert body == reference.encode("utf-8")
    assert len(document["items"]) == len(articles)


@pytest.mark.parametrize(
    "text",
    [
        TRICKY_HTML,
        'back\\slash "quoted" \\"both\\"',
        "controls \x00 \x01 \x08 \x0b \x0c \x1f and \x7f, \u2028 \u2029",
        "astral 🎙 and é, \t\n\r",
        "",
        '"\\u0000"',
    ],
)
def test_json_string_is_json_dumps(text: str) -> None:
    # When a text is written as a JSON string, Then it is json.dumps's, as UTF-8
    assert jsonfeed.json_string(text) == json.dumps(text, ensure_ascii=False).encode("utf-8")


def test_rfc3339_is_what_strftime_wrote() -> None:
    # Given times with and without microseconds, in other zones, and in early years
    moments = [
        datetime(2021, 3, 1, 8, 0, tzinfo=UTC),
        datetime(2021, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=5))),
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    ]
    # When each is written, Then it is what the strftime spelling wrote
    for moment in moments:
        utc = moment.astimezone(UTC)
        fraction = f".{utc.microsecond:06d}" if utc.microsecond else ""
        assert rfc3339(moment) == f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}{fraction}Z"
