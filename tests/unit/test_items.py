"""How articles and feed entries are stored: the HTML compressed, the entries' feed-ready form,
and items written before either (a plain ``content_html`` string) still read and rendered alike.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from contentfeed.dal import items as mapping
from contentfeed.models import Article
from contentfeed.rendering import entry as entry_cache
from contentfeed.rendering.html import absolutize, text_excerpt
from contentfeed.rendering.model import FeedInfo
from tests.unit.test_rendering import (
    IMAGE,
    RENDERERS,
    RICH_CONTENT,
    SITE,
    contents,
    feed_info,
    plain_article,
    rich_article,
)


def as_read(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` after a round trip through DynamoDB's wire form (binary comes back as Binary)."""
    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    return {name: deserializer.deserialize(serializer.serialize(v)) for name, v in item.items()}


def written_before(item: dict[str, Any], article: Article) -> dict[str, Any]:
    """The same item as the code before compressed entries wrote it."""
    old = {
        name: value
        for name, value in item.items()
        if name
        not in (
            mapping.CONTENT_Z,
            mapping.READY,
            mapping.FEED_Z,
            mapping.EXCERPT,
            mapping.IMAGE_URL,
        )
    }
    if article.content_html is not None:
        old["content_html"] = article.content_html
    return old


def test_the_html_is_stored_compressed_in_articles_and_entries() -> None:
    # Given an article with a few kB of HTML
    article = rich_article(content_html=RICH_CONTENT * 8)
    # When its article item and a feed entry are built
    for item in (mapping.article_item(article), mapping.entry_item("site", article)):
        # Then neither carries the HTML as text, and its compressed form is much smaller
        assert "content_html" not in item
        packed = item[mapping.CONTENT_Z]
        assert isinstance(packed, bytes)
        assert len(packed) * 3 < len(article.content_html.encode())  # type: ignore[union-attr]
        assert zlib.decompress(packed).decode() == article.content_html
        # And it reads back as the same article, with the same HTML
        read = mapping.article_from_item(as_read(item))
        assert read == article
        assert read.content_html == article.content_html


def test_an_article_without_html_stores_none() -> None:
    # Given an article with no content
    article = plain_article(1, content_html=None, summary=None)
    # When stored as an entry and read back
    item = mapping.entry_item("site", article)
    read = mapping.article_from_item(as_read(item))
    # Then there is nothing compressed and nothing comes back
    assert mapping.CONTENT_Z not in item
    assert read.content_html is None
    assert read.feed_ready is not None and read.feed_ready.content_html == ""


def test_an_entry_stores_its_feed_ready_html_as_what_differs_from_the_article() -> None:
    # Given an article whose HTML has relative links
    article = rich_article()
    # When its feed entry is built
    item = mapping.entry_item("tag:salesforce", article)
    # Then it stores the HTML with absolute links, costing a fraction of the HTML itself
    assert item[mapping.READY] == mapping.READY_VERSION
    assert len(item[mapping.FEED_Z]) * 3 < len(item[mapping.CONTENT_Z])
    ready = mapping.article_from_item(as_read(item)).feed_ready
    assert ready is not None
    assert ready.content_html == absolutize(RICH_CONTENT, article.url)
    assert 'href="https://news.example.org/tags/tech-workers"' in ready.content_html
    # And no excerpt, since the article has a summary
    assert mapping.EXCERPT not in item and ready.excerpt == ""


def test_an_entry_without_relative_links_or_summary_stores_only_the_excerpt() -> None:
    # Given an article whose links are already absolute and which has no summary
    article = plain_article(
        3, summary=None, content_html='<p>Read <a href="https://x.org/">on</a>.</p>'
    )
    # When its feed entry is built and read back
    item = mapping.entry_item("site", article)
    ready = mapping.article_from_item(as_read(item)).feed_ready
    # Then the feed-ready HTML is the article's own (not stored twice) and the excerpt is kept
    assert mapping.FEED_Z not in item
    assert ready is not None and ready.content_html == article.content_html
    assert item[mapping.EXCERPT] == ready.excerpt == text_excerpt(article.content_html or "")


def test_a_relative_article_url_is_left_to_the_renderer() -> None:
    # Given an imported article whose URL is relative (it resolves against the site's URL)
    article = rich_article(url="/2021/03/staff-urge-ceo")
    # When its feed entry is built
    item = mapping.entry_item("site", article)
    # Then no feed-ready form is stored: the site's URL is only known when rendering
    assert mapping.READY not in item and mapping.FEED_Z not in item


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize(
    "article",
    [
        rich_article(),
        rich_article(summary=None),
        rich_article(url="/2021/03/staff-urge-ceo"),
        rich_article(image=replace(IMAGE, url="../media/ceo.jpg")),
        plain_article(4, content_html=None, summary=None),
    ],
    ids=["relative-links", "no-summary", "relative-url", "relative-image", "no-content"],
)
def test_feeds_are_byte_identical_from_items_old_and_new(fmt: str, article: Article) -> None:
    # Given the same article read from a new entry item and from one written before
    new = mapping.entry_item("site", article)
    old = written_before(new, article)
    render: Callable[[FeedInfo, Sequence[Article]], bytes] = RENDERERS[fmt]
    bodies = []
    for item in (new, old, mapping.entry_item("site", article)):
        # When each is rendered by a container that has rendered nothing yet
        entry_cache.cache_clear()
        bodies.append(render(feed_info(), [mapping.article_from_item(as_read(item))]))
    # Then the documents are the same bytes, and both forms decode to the same article
    assert bodies[0] == bodies[1] == bodies[2]
    assert mapping.article_from_item(as_read(old)) == mapping.article_from_item(as_read(new))
    assert mapping.article_from_item(as_read(old)).feed_ready is None


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_the_renderer_uses_the_stored_feed_ready_form(fmt: str) -> None:
    # Given an entry item whose stored feed-ready HTML says something the article's does not
    article = rich_article()
    item = mapping.entry_item("site", article)
    item[mapping.FEED_Z] = mapping.pack("<p>prepared at write time</p>", like=RICH_CONTENT)
    read = mapping.article_from_item(as_read(item))
    entry_cache.cache_clear()
    # When it is rendered
    [content] = contents(fmt, RENDERERS[fmt](feed_info(), [read]))
    # Then the feed carries the stored form: nothing was prepared again when rendering
    assert content == "<p>prepared at write time</p>"


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize(
    "change",
    [
        {"content_html": RICH_CONTENT + "<p>Update.</p>"},
        {"url": "https://news.example.org/moved"},
        {"image": replace(IMAGE, url="/media/other.jpg")},
    ],
    ids=["content", "url", "image"],
)
def test_a_changed_article_never_renders_a_stale_feed_ready_form(
    fmt: str, change: dict[str, Any]
) -> None:
    # Given an article read from its entry, then changed in memory
    read = mapping.article_from_item(as_read(mapping.entry_item("site", rich_article())))
    changed = replace(read, **change)
    entry_cache.cache_clear()
    # When the changed article is rendered
    [content] = contents(fmt, RENDERERS[fmt](feed_info(), [changed]))
    # Then its HTML and image are prepared from what it now holds
    assert content == absolutize(changed.content_html or "", changed.url)
    entry = entry_cache.prepare_entry(changed, SITE)
    assert entry.image is not None and changed.image is not None
    assert entry.image.url == urljoin(changed.url, changed.image.url)


def test_a_relative_image_url_is_stored_resolved() -> None:
    # Given an article whose image URL is relative to the article
    article = rich_article(image=replace(IMAGE, url="../media/ceo.jpg"))
    # When its entry is built and read back
    item = mapping.entry_item("site", article)
    read = mapping.article_from_item(as_read(item))
    # Then the entry keeps the resolved URL, and the article its own
    assert item[mapping.IMAGE_URL] == "https://news.example.org/2021/media/ceo.jpg"
    assert read.image == article.image
    entry = entry_cache.prepare_entry(read, SITE)
    assert entry.image is not None and entry.image.url == item[mapping.IMAGE_URL]


def test_a_stream_image_with_binary_attributes_reads() -> None:
    # Given an article item as a DynamoDB stream image (binary as base64 in the wire form)
    article = rich_article()
    wire = {k: TypeSerializer().serialize(v) for k, v in mapping.article_item(article).items()}
    assert isinstance(TypeDeserializer().deserialize(wire[mapping.CONTENT_Z]), Binary)
    # When it is decoded the way the push consumer decodes images
    record = mapping.record_from_item(
        {k: TypeDeserializer().deserialize(v) for k, v in wire.items()}
    )
    # Then it is the article, its HTML intact
    assert record == article
    assert json.dumps(getattr(record, "content_html", None)) == json.dumps(article.content_html)
