"""How articles and feed entries are stored: the HTML compressed with a preset dictionary, each
entry packed into one binary attribute with its feed-ready form, and items in every form written
before (a plain ``content_html`` string; ``content_z`` without a dictionary and the entry's
attributes one by one) still read and rendered alike.
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
from contentfeed.dal import keys
from contentfeed.dal.dictionary import BY_ADLER, CURRENT, DICTIONARIES, DICTIONARY_1
from contentfeed.http.routes import Kind
from contentfeed.models import Article
from contentfeed.rendering import entry as entry_cache
from contentfeed.rendering.html import absolutize, text_excerpt
from contentfeed.rendering.model import FeedInfo
from tests.former_items import former_item
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


DICTIONARY_1_FINGERPRINT = (11_317, 2_919_195_924)
"""Length and Adler-32 of dictionary version 1, as stored items were written with it."""


def unpacked(item: dict[str, Any]) -> dict[str, Any]:
    """A packed entry's attributes, with its HTML as ``html`` and feed-ready HTML as ``feed``."""
    attributes, html, feed = mapping.unpack_entry(as_read(item))
    return {**attributes, "html": html, "feed": feed}


def written_unpacked(article: Article) -> dict[str, Any]:
    """The article's site entry as the code before packed entries wrote it."""
    from contentfeed.dal import keys

    entry_keys = {"pk": keys.feed_pk("site"), "sk": keys.entry_sk(article.published_at, article.id)}
    return former_item("unpacked", entry_keys, mapping.ENTRY_TYPE, article)


def written_before(item: dict[str, Any], article: Article) -> dict[str, Any]:
    """The same item as the code before compressed entries wrote it (``item`` unpacked)."""
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
    html = article.content_html.encode()  # type: ignore[union-attr]
    # When its article item is built
    item = mapping.article_item(article)
    # Then it carries the HTML compressed with the preset dictionary its zlib header names
    assert "content_html" not in item
    packed = item[mapping.CONTENT_Z]
    assert isinstance(packed, bytes) and len(packed) * 3 < len(html)
    assert packed[1] & 0x20 and int.from_bytes(packed[2:6], "big") == zlib.adler32(DICTIONARY_1)
    unpacker = zlib.decompressobj(zdict=DICTIONARY_1)
    assert unpacker.decompress(packed) + unpacker.flush() == html
    # And it reads back as the same article, with the same HTML
    read = mapping.article_from_item(as_read(item))
    assert read == article and read.content_html == article.content_html


def test_an_articles_entries_share_one_packing_and_equal_each_feeds_own_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contentfeed.dal import keys

    # Given an article in several feeds, and every packing of an entry counted
    article = rich_article(content_html=RICH_CONTENT * 8)
    scopes = ["site", "tag:salesforce", "tag:labor", "author:rae-whitlock"]
    expected = {
        scope: {
            "pk": keys.feed_pk(scope),
            "sk": keys.entry_sk(article.published_at, article.id),
            "type": mapping.ENTRY_TYPE,
            mapping.PACKED: mapping.pack_entry(article, mapping.feed_ready(article)),
        }
        for scope in scopes
    }
    packings: list[Article] = []
    pack_entry = mapping.pack_entry

    def counted(article: Article, ready: Any) -> bytes:
        packings.append(article)
        return pack_entry(article, ready)

    monkeypatch.setattr(mapping, "pack_entry", counted)
    # When its entries in all those feeds are built
    entries = mapping.entry_items(article, scopes)
    # Then the entry was packed once, and every feed's entry holds those same bytes
    assert len(packings) == 1
    assert len({bytes(item[mapping.PACKED]) for item in entries.values()}) == 1
    # And each is the item the codec builds for that feed alone
    assert entries == expected
    assert all(mapping.entry_item(scope, article) == expected[scope] for scope in scopes)
    # And an article in no feed packs nothing
    packings.clear()
    assert mapping.entry_items(article, []) == {} and packings == []


def test_an_entry_is_its_keys_type_and_one_packed_value() -> None:
    # Given an article with a few kB of HTML
    article = rich_article(content_html=RICH_CONTENT * 8)
    # When its feed entry is built
    item = mapping.entry_item("site", article)
    # Then it holds its keys, its type and one binary value, much smaller than the HTML
    assert set(item) == {"pk", "sk", "type", mapping.PACKED}
    assert item["type"] == mapping.ENTRY_TYPE
    packed = item[mapping.PACKED]
    assert isinstance(packed, bytes) and packed[0] == CURRENT
    assert len(packed) * 3 < len(article.content_html.encode())  # type: ignore[union-attr]
    # And that value holds the article's HTML and attributes but those its sort key holds
    fields = unpacked(item)
    assert fields["html"] == article.content_html
    assert fields["title"] == article.title and fields["tags"] == list(article.tags)
    # And it reads back as the same article
    assert mapping.article_from_item(as_read(item)) == article


def test_an_entry_of_an_id_with_a_hash_reads_back() -> None:
    # Given an article whose client-chosen id holds the sort key's separator
    article = rich_article(id="cms#42#b")
    # When its entry is built and read back
    read = mapping.article_from_item(as_read(mapping.entry_item("site", article)))
    # Then id and publication time come back from the sort key whole
    assert read.id == "cms#42#b" and read.published_at == article.published_at


def test_an_entry_is_decoded_once_per_warm_container(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given cold caches and the unpacking of entries counted
    mapping.decoded_clear()
    unpacks = []
    original = mapping.unpack_entry

    def counted(item: Any) -> Any:
        unpacks.append(item["sk"])
        return original(item)

    monkeypatch.setattr(mapping, "unpack_entry", counted)
    article = rich_article()
    item = mapping.entry_item("site", article)
    # When the entry comes back from DynamoDB on two polls (new bytes objects each time)
    first, second = (mapping.article_from_item(as_read(item)) for _ in range(2))
    # Then it was decoded once, and both polls have the same article
    assert first == article and second is first
    assert len(unpacks) == 1
    # And an edit is other bytes under the same key: decoded afresh, never the kept one
    edited = replace(article, title="Edited")
    assert mapping.article_from_item(as_read(mapping.entry_item("site", edited))) == edited
    # And so is the same bytes under another sort key (another publication time)
    moved = dict(item, sk=mapping.entry_item("site", replace(article, id="other"))["sk"])
    assert mapping.article_from_item(as_read(moved)).id == "other"
    assert len(unpacks) == 3
    assert mapping.decoded_info().hits == 1


def test_entries_kept_decoded_are_bounded_by_what_they_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contentfeed.lru import SizedLRU

    # Given a bound that holds two entries of about 12,000 characters of HTML
    kept: SizedLRU[Any, Any] = SizedLRU(budget=40_000)
    monkeypatch.setattr(mapping, "_DECODED", kept)
    html = "<p>" + " ".join(f"word{n}" for n in range(1_500)) + "</p>"
    items = [
        as_read(mapping.entry_item("site", plain_article(n, content_html=html))) for n in (1, 2, 3)
    ]
    # When three are decoded, then the first again
    for item in (*items, items[0]):
        mapping.article_from_item(item)
    # Then the oldest made room and was decoded again, and the bound holds
    info = kept.info()
    assert (info.hits, info.misses, info.entries) == (0, 4, 2)
    assert info.chars <= kept.budget


def test_a_dictionary_is_never_changed_in_place() -> None:
    # Given the dictionary that stored items were written with
    # Then it is still the very same bytes: stored items name it by version and by Adler-32
    assert DICTIONARIES[1] is DICTIONARY_1
    assert (len(DICTIONARY_1), zlib.adler32(DICTIONARY_1)) == DICTIONARY_1_FINGERPRINT
    assert BY_ADLER[zlib.adler32(DICTIONARY_1)] is DICTIONARY_1


def test_html_compressed_before_dictionaries_still_reads() -> None:
    # Given an article item whose content_z was compressed without a dictionary, as before
    article = rich_article()
    item = mapping.article_item(article)
    item[mapping.CONTENT_Z] = zlib.compress(RICH_CONTENT.encode(), 9)
    # When it is read
    # Then the HTML is the article's
    assert mapping.article_from_item(as_read(item)) == article


def test_an_article_without_html_stores_none() -> None:
    # Given an article with no content
    article = plain_article(1, content_html=None, summary=None)
    # When stored as an entry and read back
    item = mapping.entry_item("site", article)
    read = mapping.article_from_item(as_read(item))
    # Then there is no HTML and nothing comes back
    assert unpacked(item)["html"] is None and "html" not in mapping.unpack_entry(item)[0]
    assert read.content_html is None
    assert read.feed_ready is not None and read.feed_ready.content_html == ""


def test_an_entry_stores_its_feed_ready_html_at_the_cost_of_what_differs() -> None:
    # Given an article whose HTML has relative links
    article = rich_article(content_html=RICH_CONTENT * 4)
    # When its feed entry is built
    item = mapping.entry_item("tag:salesforce", article)
    # Then it stores the HTML with absolute links, costing a fraction of the HTML itself
    fields = unpacked(item)
    assert fields[mapping.READY] == mapping.READY_VERSION
    without = mapping.pack_entry(article, None)
    assert (len(item[mapping.PACKED]) - len(without)) * 10 < len(fields["feed"])
    ready = mapping.article_from_item(as_read(item)).feed_ready
    assert ready is not None
    assert ready.content_html == fields["feed"] == absolutize(RICH_CONTENT * 4, article.url)
    assert 'href="https://news.example.org/tags/tech-workers"' in ready.content_html
    # And no excerpt, since the article has a summary
    assert mapping.EXCERPT not in fields and ready.excerpt == ""


def test_an_entry_without_relative_links_or_summary_stores_only_the_excerpt() -> None:
    # Given an article whose links are already absolute and which has no summary
    article = plain_article(
        3, summary=None, content_html='<p>Read <a href="https://x.org/">on</a>.</p>'
    )
    # When its feed entry is built and read back
    item = mapping.entry_item("site", article)
    ready = mapping.article_from_item(as_read(item)).feed_ready
    # Then the feed-ready HTML is the article's own (not stored twice) and the excerpt is kept
    fields = unpacked(item)
    assert fields["feed"] is None
    assert ready is not None and ready.content_html == article.content_html
    assert fields[mapping.EXCERPT] == ready.excerpt == text_excerpt(article.content_html or "")


def test_a_relative_article_url_is_left_to_the_renderer() -> None:
    # Given an imported article whose URL is relative (it resolves against the site's URL)
    article = rich_article(url="/2021/03/staff-urge-ceo")
    # When its feed entry is built
    item = mapping.entry_item("site", article)
    # Then no feed-ready form is stored: the site's URL is only known when rendering
    fields = unpacked(item)
    assert mapping.READY not in fields and fields["feed"] is None
    assert mapping.article_from_item(as_read(item)).feed_ready is None


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
    # Given the same article read from a packed entry item, from one written before entries
    # were packed and from one written before the HTML was compressed
    new = mapping.entry_item("site", article)
    unpacked_form = written_unpacked(article)
    old = written_before(unpacked_form, article)
    render: Callable[[FeedInfo, Sequence[Article]], bytes] = RENDERERS[fmt]
    bodies = []
    for item in (new, unpacked_form, old, mapping.entry_item("site", article)):
        # When each is rendered by a container that has rendered nothing yet
        entry_cache.cache_clear()
        bodies.append(render(feed_info(), [mapping.article_from_item(as_read(item))]))
    # Then the documents are the same bytes, and every form decodes to the same article
    assert bodies[0] == bodies[1] == bodies[2] == bodies[3]
    read = mapping.article_from_item(as_read(new))
    assert mapping.article_from_item(as_read(old)) == read
    assert mapping.article_from_item(as_read(unpacked_form)) == read
    assert mapping.article_from_item(as_read(unpacked_form)).feed_ready == read.feed_ready
    assert mapping.article_from_item(as_read(old)).feed_ready is None


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_the_renderer_uses_the_stored_feed_ready_form(fmt: str) -> None:
    # Given an entry item whose stored feed-ready HTML says something the article's does not
    # (packed, and in the form written before entries were packed)
    article = rich_article()
    ready = mapping.feed_ready(article)
    assert ready is not None
    packed = mapping.entry_item("site", article)
    packed[mapping.PACKED] = mapping.pack_entry(
        article, replace(ready, content_html="<p>prepared at write time</p>")
    )
    unpacked_form = written_unpacked(article)
    unpacked_form[mapping.FEED_Z] = mapping.pack("<p>prepared at write time</p>", like=RICH_CONTENT)
    for item in (packed, unpacked_form):
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
    resolved = unpacked(item)[mapping.IMAGE_URL]
    assert resolved == "https://news.example.org/2021/media/ceo.jpg"
    assert read.image == article.image
    entry = entry_cache.prepare_entry(read, SITE)
    assert entry.image is not None and entry.image.url == resolved


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


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_of_feed_has_a_scope_that_splits_back(kind: Kind) -> None:
    slug = "" if kind is Kind.SITE else "some-slug"
    assert keys.split_scope(keys.scope(kind, slug)) == (kind.value, slug)
    assert {k.value for k in Kind} == {keys.SITE, *keys.SCOPE_PREFIXES}
