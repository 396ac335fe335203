"""The pure feed renderers: RSS 2.0, Atom 1.0 and JSON Feed 1.1, from articles to bytes.

Every assertion parses the output (lxml, feedparser, json); none compares whole documents.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from contentfeed.lru import SizedLRU
from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    Image,
    Person,
    Transcript,
)
from contentfeed.rendering import entry as entry_cache
from contentfeed.rendering.atom import render_atom, render_atom_counted
from contentfeed.rendering.html import absolutize, clean_text, text_excerpt
from contentfeed.rendering.identity import GUID_NAMESPACE, atom_id, entry_id
from contentfeed.rendering.jsonfeed import render_json_feed, render_json_feed_counted
from contentfeed.rendering.model import DeletedEntry, FeedInfo, Rendered
from contentfeed.rendering.rss import render_rss, render_rss_counted

SITE = "https://news.example.org/"
NEXT = "https://news.example.org/feed.rss?cursor=older"
# Deliberately far from the wall clock: a renderer that used now() would show it.
UPDATED = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
PUBLISHED = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "at": "http://purl.org/atompub/tombstones/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
}
XML_RENDERERS = {"rss": render_rss, "atom": render_atom}
RENDERERS = {**XML_RENDERERS, "json": render_json_feed}
COUNTED = {"rss": render_rss_counted, "atom": render_atom_counted, "json": render_json_feed_counted}

RICH_CONTENT = (
    "<p>Several hundred staff signed a letter urging the chief executive to review the "
    "company’s contract with the border agency — the latest in a "
    '<a href="/tags/tech-workers">tech-worker protest movement</a>.</p>'
    '<blockquote cite="/documents/letter"><p>We cannot look away from how the tools we build '
    "end up being used.</p></blockquote>"
    '<img src="/media/letter-excerpt.png" srcset="/media/letter-640.png 640w, '
    'https://cdn.example.net/letter-1280.png 1280w" alt="The letter, signatures redacted">'
    '<p>See <a href="#reactions">reactions</a> and <a href="mailto:tips@example.org">tips</a>.</p>'
    '<aside class="promo"><p><small>Some links are affiliate links.</small></p></aside>'
)


IMAGE = Image(
    url="https://images.example.com/2021/ceo-on-stage.jpg",
    caption="The chief executive on stage at the annual conference, 2014.",
    credit="Justin Sullivan (Getty)",
    alt="A man speaking on stage in front of a large screen",
    type="image/jpeg",
    length=184320,
)


def rich_article(**changes: Any) -> Article:
    """Modelled on the seed report: typography, a photo with caption and credit, a contributor."""
    article = Article(
        id="0b9f3f5e-7c1a-4e8b-9d2f-5a6b7c8d9e01",
        slug="staff-urge-ceo-re-examine-border-contract",
        title="Staff Ask CEO to ‘Re-Examine’ Border Contract — Letter",
        url="https://news.example.org/2021/03/staff-urge-ceo",
        published_at=PUBLISHED,
        created_at=PUBLISHED,
        updated_at=PUBLISHED + timedelta(hours=2),
        version=3,
        summary="Hundreds of employees asked the CEO to review a contract with the border agency.",
        content_html=RICH_CONTENT,
        authors=(Person("Rae Whitlock", url="https://news.example.org/authors/rae-whitlock"),),
        contributors=(Contributor("Kate Conger", role="additional reporting"),),
        tags=("Salesforce", "Tech Workers", "Immigration"),
        image=IMAGE,
        language="en",
    )
    return replace(article, **changes)


def plain_article(number: int, **changes: Any) -> Article:
    article = Article(
        id=f"00000000-0000-4000-8000-{number:012d}",
        slug=f"plain-{number}",
        title=f"Plain article {number}",
        url=f"https://news.example.org/plain-{number}",
        published_at=PUBLISHED - timedelta(days=number),
        created_at=PUBLISHED - timedelta(days=number),
        updated_at=PUBLISHED - timedelta(days=number),
        version=1,
        summary=f"Summary {number}",
        content_html=f"<p>Body of article {number}.</p>",
        authors=(Person("Dev Okafor", email="dev.okafor@example.com"),),
    )
    return replace(article, **changes)


def dirty_article() -> Article:
    """What an old import may have stored: characters XML forbids, a lone surrogate."""
    return plain_article(
        99,
        title="Bad\x00 title\x0b with \ud800 surrogate",
        summary="Summary\x00 with\x0b junk\ud800",
        content_html="<p>Body\x00 with\x0b junk\ud800 &#0; &#11;</p>",
        authors=(Person("Ed\x00itor\ud800", email="ed@example.org\x0b"),),
        contributors=(Contributor("\x00"),),
        tags=("ok", "\x0b"),
        image=Image(url="https://images.example.com/x.png\x00", caption="cap\ud800"),
    )


def feed_info(**changes: Any) -> FeedInfo:
    feed = FeedInfo(
        title="Example News",
        description="News from the example newsroom",
        self_url="https://news.example.org/feed.rss",
        site_url=SITE,
        feed_id="urn:uuid:6c0f1b8e-4a5d-5e3f-8b2a-9c1d0e7f6a5b",
        updated=UPDATED,
        language="en",
        hub_url="https://hub.example.com/",
        next_url=NEXT,
        first_url="https://news.example.org/feed.rss",
        deleted=(DeletedEntry("urn:uuid:11111111-2222-4333-8444-555555555555", UPDATED),),
    )
    return replace(feed, **changes)


def articles() -> list[Article]:
    return [rich_article(), plain_article(1), plain_article(2, authors=())]


def xml(body: bytes) -> Any:
    return etree.fromstring(body)


def items(body: bytes) -> list[Any]:
    return list(xml(body).iterfind("channel/item"))


def entries(body: bytes) -> list[Any]:
    return list(xml(body).iterfind("atom:entry", NS))


def ids(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [item["id"] for item in json.loads(body)["items"]]
    path = "channel/item/guid" if fmt == "rss" else "atom:entry/atom:id"
    return [element.text for element in xml(body).iterfind(path, NS)]


def contents(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [item.get("content_html", "") for item in json.loads(body)["items"]]
    path = "channel/item/content:encoded" if fmt == "rss" else "atom:entry/atom:content"
    return [element.text for element in xml(body).iterfind(path, NS)]


def strings(value: Any) -> list[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# Identity -----------------------------------------------------------------------------------


def test_entry_id_is_a_urn_built_from_the_article_id_alone() -> None:
    # Given the kinds of id an article can have
    # When their entry ids are made
    # Then UUIDs become urn:uuid, other ids a percent-encoded urn:contentfeed, and a guid wins
    assert (
        entry_id("0B9F3F5E-7C1A-4E8B-9D2F-5A6B7C8D9E01")
        == "urn:uuid:0b9f3f5e-7c1a-4e8b-9d2f-5a6b7c8d9e01"
    )
    assert entry_id("legacy/42 ä~") == "urn:contentfeed:legacy%2F42%20%C3%A4%7E"
    assert entry_id("whatever", "https://old.example.com/p/42") == "https://old.example.com/p/42"


@pytest.mark.parametrize(
    "guid",
    [
        "5e8f1c2a9b3d4e0012ab34cd:5e8f1c3b9b3d4e0012ab34ef:6615a0c27d1e2f0a3b4c5d6e",
        "1042",
        "/journal/relative?id=77",
        "881 at https://fieldwork.example.com",
        "https://old.example.com/?p=1",
        "tag:old.example.com,2020:post-7",
    ],
)
def test_a_guid_is_verbatim_in_rss_and_json_and_an_iri_in_atom(guid: str) -> None:
    # Given an article that kept the id another feed gave it
    article = rich_article(guid=guid)
    # When it is rendered in every format
    found = {fmt: ids(fmt, render(feed_info(), [article])) for fmt, render in RENDERERS.items()}
    # Then RSS and JSON Feed show the guid verbatim
    assert found["rss"] == found["json"] == [guid]
    # And Atom shows it when it is an absolute IRI, else urn:uuid:uuid5(namespace, guid)
    derived = f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, guid)}"
    assert found["atom"] == [guid if guid.startswith(("https:", "tag:")) else derived]
    assert atom_id("any-id", guid) == found["atom"][0]
    # And the derived id depends on the guid alone
    assert atom_id("another-id", guid) == atom_id("any-id", guid)


@pytest.mark.parametrize("fmt", ["atom", "json"])
def test_modified_at_is_the_entry_update_time(fmt: str) -> None:
    # Given an article whose source said when its content last changed
    modified = datetime(2021, 3, 2, 9, 30, tzinfo=UTC)
    body = RENDERERS[fmt](feed_info(), [rich_article(modified_at=modified)])
    # When the feed is read, then that is its update time, not the time of the last write
    if fmt == "json":
        value = json.loads(body)["items"][0]["date_modified"]
    else:
        value = entries(body)[0].findtext("atom:updated", namespaces=NS)
    assert datetime.fromisoformat(value) == modified
    # And without it, the last write is the update time, as before
    plain = RENDERERS[fmt](feed_info(), [rich_article()])
    if fmt == "json":
        value = json.loads(plain)["items"][0]["date_modified"]
    else:
        value = entries(plain)[0].findtext("atom:updated", namespaces=NS)
    assert datetime.fromisoformat(value) == rich_article().updated_at


@pytest.mark.parametrize("fmt", RENDERERS)
def test_ids_are_opaque_and_survive_edits_to_title_slug_and_url(fmt: str) -> None:
    # Given an article, rendered once
    render = RENDERERS[fmt]
    before = ids(fmt, render(feed_info(), [rich_article()]))
    # When its title, slug and URL are edited and it is rendered again
    edited = rich_article(
        title="A new headline", slug="new-slug", url="https://moved.example.com/x", version=4
    )
    after = ids(fmt, render(feed_info(), [edited]))
    # Then readers see the same id, which names neither the slug nor any host
    assert before == after == [entry_id(rich_article().id)]
    assert "example" not in before[0]
    assert "staff" not in before[0]


def test_rss_guid_is_not_a_permalink() -> None:
    # Given an RSS feed
    body = render_rss(feed_info(), articles())
    # When its guids are read
    guids = list(xml(body).iterfind("channel/item/guid"))
    parsed = feedparser.parse(body)
    # Then every one says isPermaLink="false" and feedparser does not take it for the link
    assert [guid.get("isPermaLink") for guid in guids] == ["false"] * 3
    assert all(not entry.guidislink for entry in parsed.entries)


# Validity and order ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", XML_RENDERERS)
def test_xml_feeds_parse_cleanly_with_every_item_in_order(fmt: str) -> None:
    # Given three articles in a chosen order
    given = articles()
    # When the feed is rendered and read as a feed reader would
    body = XML_RENDERERS[fmt](feed_info(), given)
    parsed = feedparser.parse(body)
    # Then it is well-formed UTF-8 and every item is there, in the order given
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert [entry.id for entry in parsed.entries] == [entry_id(a.id) for a in given]
    assert [entry.title for entry in parsed.entries] == [a.title for a in given]


def test_json_feed_keeps_the_order_given() -> None:
    # Given articles in a chosen order, oldest first for a change
    given = list(reversed(articles()))
    # When the JSON Feed is rendered
    body = render_json_feed(feed_info(), given)
    # Then the items come in that order
    assert ids("json", body) == [entry_id(a.id) for a in given]


@pytest.mark.parametrize("fmt", RENDERERS)
def test_a_dirty_stored_article_still_renders(fmt: str) -> None:
    # Given an article with NUL, vertical tab and a lone surrogate in every text field
    article = dirty_article()
    # When it is rendered
    body = RENDERERS[fmt](feed_info(), [article, plain_article(1)])
    # Then the document parses, holds both items, and none of the characters survive
    if fmt == "json":
        document = json.loads(body)
        assert len(document["items"]) == 2
        assert document["items"][0]["title"] == "Bad title with  surrogate"
        assert not any(clean_text(s) != s for s in strings(document))
    else:
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert len(parsed.entries) == 2
        assert parsed.entries[0].title == "Bad title with  surrogate"
    text = body.decode("utf-8")
    assert not any(char in text for char in ("\x00", "\x0b"))


# Content ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", RENDERERS)
def test_full_content_has_only_absolute_links(fmt: str) -> None:
    # Given the rich article, whose HTML has relative links, images, srcset and a cite
    body = RENDERERS[fmt](feed_info(), [rich_article()])
    # When the content is read back as HTML
    (html,) = contents(fmt, body)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    urls = [link for _, _, link, _ in fragment.iterlinks()]
    urls += [part.split()[0] for src in fragment.xpath("//@srcset") for part in src.split(",")]
    # Then every URL is absolute, resolved against the article, and the text is intact
    assert len(urls) >= 6
    assert all(urlsplit(url).scheme in {"https", "mailto"} for url in urls), urls
    assert "https://news.example.org/tags/tech-workers" in urls
    assert "https://news.example.org/media/letter-640.png" in urls
    assert "https://news.example.org/2021/03/staff-urge-ceo#reactions" in urls
    assert "company’s contract with the border agency — the latest" in fragment.text_content()
    assert fragment.find(".//blockquote").get("cite") == "https://news.example.org/documents/letter"


def test_absolutize_rewrites_url_attributes_only() -> None:
    # Given HTML with quoted, unquoted and awkward attributes, and URL-like text outside tags
    html = (
        '<p title=\'a > b\' data-x="/keep">src="/text" '
        "<A HREF=rel/page>x</A> <video poster=/p.jpg src='/v.mp4'></video> "
        '<img srcset="a.png 1x,b.png 2x" src="/x?a=1&amp;b=2"> '
        '<a href="https://other.example.com/">o</a> <a href="http://[::1">bad</a></p>'
    )
    # When it is made absolute against an article URL
    result = absolutize(html, "https://news.example.org/2021/03/story")
    # Then exactly the URL attributes changed, escaped and double-quoted
    assert 'HREF="https://news.example.org/2021/03/rel/page"' in result
    assert 'poster="https://news.example.org/p.jpg"' in result
    assert 'src="https://news.example.org/v.mp4"' in result
    assert (
        'srcset="https://news.example.org/2021/03/a.png 1x,https://news.example.org/2021/03/b.png 2x"'
        in result
    )
    assert 'src="https://news.example.org/x?a=1&amp;b=2"' in result
    assert '<a href="https://other.example.com/">' in result
    assert '<a href="http://[::1">' in result
    assert 'title=\'a > b\' data-x="/keep">src="/text" ' in result


@pytest.mark.parametrize(
    "broken", ["", "<", "<a href=", '<a href="/x', "<p><img src=/i.png", "<<>>", "&#xD800;<b"]
)
def test_absolutize_never_raises_on_broken_html(broken: str) -> None:
    # Given broken markup
    # When it is made absolute
    result = absolutize(broken, SITE)
    # Then it comes back as a string, the unclosed tags untouched
    assert isinstance(result, str)


def test_clean_text_removes_what_xml_forbids_and_keeps_the_rest() -> None:
    # Given text with forbidden characters between allowed ones
    text = "a\x00b\x0bc\ud800d\ufffee\tf\ng\r😀 — ‘q’"
    # When it is cleaned
    # Then only the forbidden ones are gone
    assert clean_text(text) == "abcde\tf\ng\r😀 — ‘q’"


def test_text_excerpt_is_plain_text_cut_at_a_word() -> None:
    # Given HTML longer than the limit, with entities and a comment
    html = "<p>One &amp; two</p><!-- note --><p>three   four five six</p>"
    # When an excerpt is taken
    excerpt = text_excerpt(html, limit=20)
    # Then it is the text, whitespace collapsed, cut at a word with an ellipsis
    assert excerpt == "One & two three four…"
    assert text_excerpt(html) == "One & two three four five six"


def test_text_excerpt_runs_inline_elements_into_their_words() -> None:
    # Given markup inside words (a unit, a formula) and between blocks
    html = '<p>1930ft<sup>2</sup>, H<sub>2</sub>O, <a href="/x">link</a>ed</p><p>Next<br>line</p>'
    # Then inline tags leave nothing and block ones a space, as a reader sees them
    assert text_excerpt(html) == "1930ft2, H2O, linked Next line"


# RSS --------------------------------------------------------------------------------------------


def test_rss_item_carries_people_categories_and_dates() -> None:
    # Given the rich article
    body = render_rss(feed_info(), [rich_article()])
    # When its item is read
    (item,) = items(body)
    # Then authors are dc:creator (never <author>), contributors dc:contributor, tags categories
    assert [e.text for e in item.iterfind("dc:creator", NS)] == ["Rae Whitlock"]
    assert item.find("author") is None
    assert [e.text for e in item.iterfind("dc:contributor", NS)] == ["Kate Conger"]
    assert [e.text for e in item.iterfind("category")] == [
        "Salesforce",
        "Tech Workers",
        "Immigration",
    ]
    assert item.findtext("link") == rich_article().url
    assert item.findtext("pubDate") == "Mon, 01 Mar 2021 08:00:00 +0000"
    assert item.findtext("description") == rich_article().summary
    assert "<blockquote" in item.findtext("content:encoded", namespaces=NS)


def test_rss_description_escapes_a_plain_summary_and_falls_back_to_an_excerpt() -> None:
    # Given one article whose summary looks like markup and one with no summary
    given = [plain_article(1, summary="AT&T <b>wins</b>"), rich_article(summary=None)]
    # When the RSS feed is rendered
    first, second = items(render_rss(feed_info(), given))
    # Then the summary stays text for readers that take description as HTML,
    # and the other description is a plain excerpt of the content
    assert first.findtext("description") == "AT&amp;T &lt;b&gt;wins&lt;/b&gt;"
    assert second.findtext("description").startswith("Several hundred staff signed")
    assert "<" not in second.findtext("description")


def test_rss_image_is_media_content_and_enclosure() -> None:
    # Given the rich article and one whose image has no declared type or length
    bare = plain_article(1, image=Image(url="https://images.example.com/a.PNG?w=2"))
    body = render_rss(feed_info(), [rich_article(), bare])
    first, second = items(body)
    # When the image parts are read
    media = first.find("media:content", NS)
    enclosure = first.find("enclosure")
    # Then media:content has the Media RSS attributes and children
    assert media.attrib == {
        "url": "https://images.example.com/2021/ceo-on-stage.jpg",
        "medium": "image",
        "type": "image/jpeg",
        "fileSize": "184320",
    }
    assert media.findtext("media:description", namespaces=NS).startswith("The chief executive")
    assert media.findtext("media:credit", namespaces=NS) == "Justin Sullivan (Getty)"
    assert media.findtext("media:title", namespaces=NS) == IMAGE.alt
    # And the enclosure has url, length and type, which RSS requires
    assert enclosure.attrib == {
        "url": "https://images.example.com/2021/ceo-on-stage.jpg",
        "length": "184320",
        "type": "image/jpeg",
    }
    assert second.find("enclosure").attrib == {
        "url": "https://images.example.com/a.PNG?w=2",
        "length": "0",
        "type": "image/png",
    }


def test_rss_channel_links_dates_and_generator() -> None:
    # Given a feed page with a hub, a next page and a first page
    feed = feed_info()
    # When the RSS channel is read
    channel = xml(render_rss(feed, articles())).find("channel")
    links = {link.get("rel"): link for link in channel.iterfind("atom:link", NS)}
    # Then <link> is the site, rel=self/hub/next/first are absolute, dates come from the data
    assert channel.findtext("link") == SITE
    assert links["self"].attrib == {
        "rel": "self",
        "href": feed.self_url,
        "type": "application/rss+xml",
    }
    assert links["hub"].get("href") == feed.hub_url
    assert links["next"].get("href") == feed.next_url
    assert links["first"].get("href") == feed.first_url
    assert all(urlsplit(link.get("href")).scheme == "https" for link in links.values())
    assert channel.findtext("lastBuildDate") == "Thu, 04 Mar 2021 05:06:07 +0000"
    assert channel.findtext("generator") == "contentfeed"
    assert channel.findtext("language") == "en"
    assert channel.findtext("ttl") == "15"


def test_rss_without_hub_or_paging_has_only_the_self_link() -> None:
    # Given a feed page with no hub and no other pages
    feed = feed_info(hub_url=None, next_url=None, first_url=None)
    # When the RSS channel is read
    channel = xml(render_rss(feed, articles())).find("channel")
    # Then only rel=self is there
    assert [link.get("rel") for link in channel.iterfind("atom:link", NS)] == ["self"]


@pytest.mark.parametrize(
    ("ttl", "period", "frequency"),
    [(15, "hourly", "4"), (60, "hourly", "1"), (120, "daily", "12"), (20000, "weekly", "1")],
)
def test_rss_syndication_hints_are_correctly_cased_and_match_ttl(
    ttl: int, period: str, frequency: str
) -> None:
    # Given a feed with a time to live
    body = render_rss(feed_info(ttl_minutes=ttl), articles())
    # When the syndication module's elements are read
    channel = xml(body).find("channel")
    # Then they carry their real names (updatePeriod, not UpdatePeriod) and say what ttl says
    assert channel.findtext("sy:updatePeriod", namespaces=NS) == period
    assert channel.findtext("sy:updateFrequency", namespaces=NS) == frequency
    assert b"sy:UpdatePeriod" not in body
    assert channel.findtext("ttl") == str(ttl)


# Atom -------------------------------------------------------------------------------------------


def test_atom_entry_content_people_categories_and_enclosure() -> None:
    # Given the rich article
    body = render_atom(feed_info(), [rich_article()])
    # When its entry is read
    (entry,) = entries(body)
    content = entry.find("atom:content", NS)
    # Then content is type="html" (never "CDATA"), the summary text, and the parts are there
    assert content.get("type") == "html"
    assert b'type="CDATA"' not in body
    assert entry.find("atom:summary", NS).get("type") == "text"
    assert [a.findtext("atom:name", namespaces=NS) for a in entry.iterfind("atom:author", NS)] == [
        "Rae Whitlock"
    ]
    assert entry.findtext("atom:author/atom:uri", namespaces=NS).endswith("/rae-whitlock")
    assert entry.findtext("atom:contributor/atom:name", namespaces=NS) == "Kate Conger"
    assert [(c.get("term"), c.get("label")) for c in entry.iterfind("atom:category", NS)] == [
        ("salesforce", "Salesforce"),
        ("tech-workers", "Tech Workers"),
        ("immigration", "Immigration"),
    ]
    links = list(entry.iterfind("atom:link", NS))
    assert [(link.get("rel", "alternate"), link.get("href")) for link in links] == [
        ("alternate", rich_article().url),
        ("enclosure", IMAGE.url),
    ]
    assert links[1].get("type") == "image/jpeg"
    assert links[1].get("length") == "184320"
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_atom_entry_dates_never_put_updated_before_published() -> None:
    # Given an edited article and a scheduled one written before it went out
    edited = rich_article()
    scheduled = plain_article(1, updated_at=PUBLISHED - timedelta(days=3))
    # When they are rendered and read by a feed reader
    parsed = feedparser.parse(render_atom(feed_info(), [edited, scheduled]))
    first, second = parsed.entries
    # Then published is the publication time and updated the later of the write and publication
    assert first.published == "2021-03-01T08:00:00+00:00"
    assert first.updated == "2021-03-01T10:00:00+00:00"
    assert second.updated == second.published


def test_atom_feed_head_links_and_dates() -> None:
    # Given a feed page
    feed = feed_info()
    # When the Atom feed element is read
    root = xml(render_atom(feed, articles()))
    links = {
        (link.get("rel"), link.get("type")): link.get("href")
        for link in root.iterfind("atom:link", NS)
    }
    # Then it has its id, self/alternate/hub/first/next links and the data's updated time
    assert root.findtext("atom:id", namespaces=NS) == feed.feed_id
    assert links == {
        ("self", "application/atom+xml"): feed.self_url,
        ("alternate", "text/html"): SITE,
        ("hub", None): feed.hub_url,
        ("first", None): feed.first_url,
        ("next", None): feed.next_url,
    }
    assert root.findtext("atom:updated", namespaces=NS) == "2021-03-04T05:06:07+00:00"
    assert root.findtext("atom:generator", namespaces=NS) == "contentfeed"
    assert root.findtext("atom:subtitle", namespaces=NS) == feed.description


def test_atom_feed_author_stands_in_only_when_an_entry_has_none() -> None:
    # Given one page where an article lacks authors and one where all have them
    with_gap = xml(render_atom(feed_info(), articles()))
    complete = xml(render_atom(feed_info(), [rich_article(), plain_article(1)]))
    # When the feed-level authors are read
    # Then the feed title stands in only where needed
    assert with_gap.findtext("atom:author/atom:name", namespaces=NS) == "Example News"
    assert complete.find("atom:author", NS) is None


def test_atom_tombstones_for_deleted_entries() -> None:
    # Given a feed page listing a recent deletion
    feed = feed_info()
    # When the Atom feed is read
    (tombstone,) = xml(render_atom(feed, articles())).iterfind("at:deleted-entry", NS)
    # Then an RFC 6721 deleted-entry names the id and the time
    assert tombstone.attrib == {
        "ref": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "when": "2021-03-04T05:06:07Z",
    }


# Both XML formats ---------------------------------------------------------------------------------


# Determinism and budget -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", RENDERERS)
def test_rendering_is_deterministic(fmt: str) -> None:
    # Given the same page and articles
    render = RENDERERS[fmt]
    # When it is rendered twice
    first, second = render(feed_info(), articles()), render(feed_info(), articles())
    # Then the bytes are identical
    assert first == second


def long_articles(count: int) -> list[Article]:
    return [
        plain_article(number, content_html="<p>" + "word " * 2000 + "</p>")
        for number in range(1, count + 1)
    ]


@pytest.mark.parametrize("fmt", RENDERERS)
def test_byte_budget_cuts_the_page_and_moves_the_next_link(fmt: str) -> None:
    # Given ten 10 kB articles, a 35 kB budget, and a way to name the page after any article
    given = long_articles(10)
    feed = feed_info(
        byte_budget=35_000,
        next_url_after=lambda article: f"https://news.example.org/feed?after={article.slug}",
    )
    # When the page is rendered
    body, count = COUNTED[fmt](feed, given)
    # Then it stays within budget with the first articles, and next points past the last one
    assert len(body) <= feed.byte_budget
    assert 1 <= count < len(given)
    assert ids(fmt, body) == [entry_id(a.id) for a in given[:count]]
    next_page = f"https://news.example.org/feed?after=plain-{count}"
    assert next_page in body.decode("utf-8")
    assert NEXT not in body.decode("utf-8")
    # And one article more would not have fitted
    bigger = COUNTED[fmt](replace(feed, byte_budget=10**9), given[: count + 1])
    assert len(bigger.body) > feed.byte_budget


@pytest.mark.parametrize("fmt", RENDERERS)
def test_byte_budget_keeps_at_least_one_item_and_whole_pages_that_fit(fmt: str) -> None:
    # Given a budget too small for any article, and one large enough for all
    given = long_articles(3)
    # When the page is rendered under each
    tiny = COUNTED[fmt](feed_info(byte_budget=100), given)
    roomy = COUNTED[fmt](feed_info(), given)
    # Then the tiny one still carries one article, the roomy one all, with the given next link
    assert tiny.item_count == 1
    assert ids(fmt, tiny.body) == [entry_id(given[0].id)]
    assert roomy == Rendered(RENDERERS[fmt](feed_info(), given), 3)
    assert NEXT in roomy.body.decode("utf-8")


# JSON Feed --------------------------------------------------------------------------------------


def test_json_feed_top_level_follows_version_1_1() -> None:
    # Given a feed page
    feed = feed_info()
    # When the JSON Feed is parsed
    document = json.loads(render_json_feed(feed, articles()))
    # Then the required and the paging/push keys are there with the right types
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == feed.title
    assert document["home_page_url"] == SITE
    assert document["feed_url"] == feed.self_url
    assert document["next_url"] == feed.next_url
    assert document["hubs"] == [{"type": "WebSub", "url": feed.hub_url}]
    assert document["authors"] == [{"name": "Example News", "url": SITE}]
    assert document["language"] == "en"
    assert isinstance(document["items"], list)


def test_json_feed_items_follow_version_1_1() -> None:
    # Given the rich article and a bare one with no content or summary
    bare = plain_article(1, content_html=None, summary=None, authors=())
    body = render_json_feed(feed_info(), [rich_article(), bare])
    # When the items are parsed
    rich, plain = json.loads(body)["items"]
    # Then ids are strings, content is there, dates are RFC 3339, and nothing is null
    assert rich["id"] == entry_id(rich_article().id)
    assert rich["url"] == rich_article().url
    assert rich["title"] == rich_article().title
    assert rich["summary"] == rich_article().summary
    assert rich["image"] == IMAGE.url
    assert rich["date_published"] == "2021-03-01T08:00:00Z"
    assert rich["date_modified"] == "2021-03-01T10:00:00Z"
    assert rich["authors"] == [
        {"name": "Rae Whitlock", "url": "https://news.example.org/authors/rae-whitlock"}
    ]
    assert rich["tags"] == ["Salesforce", "Tech Workers", "Immigration"]
    assert rich["language"] == "en"
    assert rich["_contentfeed"] == {
        "contributors": [{"name": "Kate Conger", "role": "additional reporting"}],
        "image": {
            "caption": IMAGE.caption,
            "credit": "Justin Sullivan (Getty)",
            "alt": IMAGE.alt,
        },
    }
    assert plain["content_text"] == ""
    assert "content_html" not in plain
    assert all(isinstance(item["id"], str) for item in (rich, plain))
    assert "null" not in body.decode("utf-8")


def test_json_feed_is_utf8_without_ascii_escapes() -> None:
    # Given an article with typographic punctuation
    # When the JSON Feed is rendered
    body = render_json_feed(feed_info(), [rich_article()])
    # Then the characters are written as UTF-8, not as \\u escapes
    assert "‘Re-Examine’ Border Contract — Letter".encode() in body
    assert b"\\u2014" not in body


ALL: Sequence[Callable[[FeedInfo, Sequence[Article]], bytes]] = tuple(RENDERERS.values())


@pytest.mark.parametrize("render", ALL)
def test_an_empty_page_renders(render: Callable[[FeedInfo, Sequence[Article]], bytes]) -> None:
    # Given a scope with nothing published yet
    # When its page is rendered
    body = render(feed_info(next_url=None, deleted=()), [])
    # Then it is a well-formed, empty feed
    assert body
    if body.startswith(b"{"):
        assert json.loads(body)["items"] == []
    else:
        assert feedparser.parse(body).bozo == 0


# ------------------------------------------------------------------ memoised entries


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_an_edited_article_renders_anew_although_entries_are_memoised(fmt: str) -> None:
    # Given a feed rendered once, which leaves its entries in the container's caches
    render = RENDERERS[fmt]
    render(feed_info(), [rich_article()])
    # When the same article, same id and version, comes back with other content (a row
    # rewritten by an import, say) and is rendered again
    edited = rich_article(content_html='<p>Corrected: <a href="/fixes/1">the fix</a>.</p>')
    [content] = contents(fmt, render(feed_info(), [edited]))
    # Then the feed shows the new content, its link resolved, not the cached entry
    assert "Corrected" in content and 'href="https://news.example.org/fixes/1"' in content


def test_the_same_article_is_prepared_once_per_site() -> None:
    # Given cold caches
    entry_cache.cache_clear()
    # When one article is rendered in every format, twice, and once for another site
    for render in RENDERERS.values():
        render(feed_info(), [rich_article()])
        render(feed_info(), [rich_article()])
    render_rss(feed_info(site_url="https://mirror.example.net/"), [rich_article()])
    # Then it was prepared once per site and served from the cache otherwise
    info = entry_cache.cache_info()
    assert (info.misses, info.hits, info.entries) == (2, 2 * len(RENDERERS) - 1, 2)


@pytest.mark.parametrize(("fmt", "builder"), [("rss", "_item"), ("atom", "_entry")])
def test_each_item_is_built_once_and_every_document_gets_a_copy(
    fmt: str, builder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given cold caches and the format's item builder counted
    from contentfeed.rendering import atom, rss

    module = {"rss": rss, "atom": atom}[fmt]
    entry_cache.cache_clear()
    built = []
    original = getattr(module, builder)

    def counted(entry: Any) -> Any:
        built.append(entry)
        return original(entry)

    monkeypatch.setattr(module, builder, counted)
    # When the same page is rendered three times
    render = XML_RENDERERS[fmt]
    bodies = [render(feed_info(), articles()) for _ in range(3)]
    # Then each item's XML was built once, and every document holds all of them
    assert len(built) == len(articles())
    assert bodies[0] == bodies[1] == bodies[2]
    assert len(ids(fmt, bodies[2])) == len(articles())


def test_kept_entries_are_bounded_by_the_html_they_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a cache bound that holds about two entries of 10,000 characters of HTML
    cache: SizedLRU[Any, Any] = SizedLRU(budget=50_000)
    monkeypatch.setattr(entry_cache, "_ENTRIES", cache)
    html = "<p>" + "x" * 10_000 + "</p>"
    first, second, third = (plain_article(n, content_html=html) for n in (1, 2, 3))
    # When three are rendered, then the first again
    for article in (first, second, third, first):
        entry_cache.feed_entry(article, SITE)
    # Then the oldest made room and had to be prepared again, and the bound holds
    info = cache.info()
    assert (info.hits, info.misses) == (0, 4)
    assert info.entries == 2 and info.chars <= cache.budget
    # And an article too big for the whole bound is prepared but never kept
    huge = plain_article(4, content_html="<p>" + "y" * 60_000 + "</p>")
    assert entry_cache.feed_entry(huge, SITE).content_html.startswith("<p>y")
    assert cache.info().entries == 2


def _texts(value: Any) -> list[str]:
    """Every string in an entry, through its dataclasses and tuples."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [text for item in value for text in _texts(item)]
    if hasattr(value, "__dataclass_fields__"):
        return [
            text for name in value.__dataclass_fields__ for text in _texts(getattr(value, name))
        ]
    return []


BAD = "\x0b"
DIRTY_FIELDS: dict[str, dict[str, Any]] = {
    "id": {"id": "legacy" + BAD},
    "guid": {"guid": "old" + BAD},
    "title": {"title": "T" + BAD},
    "url": {"url": "https://news.example.org/x" + BAD},
    "summary": {"summary": "S" + BAD},
    "language": {"language": "en" + BAD},
    "tag": {"tags": ("ok", "t" + BAD)},
    "author name": {"authors": (Person("A" + BAD),)},
    "author email": {"authors": (Person("A", email="a@example.org" + BAD),)},
    "author url": {"authors": (Person("A", url="https://example.org/a" + BAD),)},
    "contributor name": {"contributors": (Contributor("C" + BAD),)},
    "contributor role": {"contributors": (Contributor("C", role="r" + BAD),)},
    "image url": {"image": replace(IMAGE, url=IMAGE.url + BAD)},
    "image caption": {"image": replace(IMAGE, caption="c" + BAD)},
    "image credit": {"image": replace(IMAGE, credit="c" + BAD)},
    "image alt": {"image": replace(IMAGE, alt="a" + BAD)},
    "image type": {"image": replace(IMAGE, type="image/png" + BAD)},
    "attachment url": {"attachments": (Attachment(url="/a.mp3" + BAD, type="audio/mpeg"),)},
    "attachment type": {"attachments": (Attachment(url="/a.mp3", type="audio/mpeg" + BAD),)},
    "attachment title": {
        "attachments": (Attachment(url="/a.mp3", type="audio/mpeg", title="t" + BAD),)
    },
    "episode image": {"podcast": Episode(image="/e.jpg" + BAD)},
    "episode chapters": {"podcast": Episode(chapters_url="/c.json" + BAD)},
    "transcript url": {"podcast": Episode(transcripts=(Transcript("/t.vtt" + BAD, "text/vtt"),))},
    "transcript type": {"podcast": Episode(transcripts=(Transcript("/t.vtt", "text/vtt" + BAD),))},
    "transcript language": {
        "podcast": Episode(transcripts=(Transcript("/t.vtt", "text/vtt", language="en" + BAD),))
    },
}


@pytest.mark.parametrize("field", sorted(DIRTY_FIELDS))
def test_a_character_xml_forbids_in_any_one_field_is_cleaned(field: str) -> None:
    # Given an article that is clean but for one field
    article = rich_article(**DIRTY_FIELDS[field])
    # When it is prepared for a feed
    entry = entry_cache.prepare_entry(article, SITE)
    # Then no text of its entry holds a character XML forbids
    assert not [text for text in _texts(entry) if BAD in text]


NOT_WRITTEN_AS_TEXT = {
    ("Article", "content_html"),  # prepared apart, as HTML
    ("Article", "slug"),  # a slug's characters are checked at the boundary, never in a feed
    ("Article", "show"),  # a show's slug, the same
}
"""The article's text fields an entry does not take as text."""


def _string_fields(kind: type, seen: set[type] | None = None) -> set[tuple[str, str]]:
    """(class, field) of every field of ``kind`` and the dataclasses it holds that is a str."""
    import dataclasses
    import typing

    seen = set() if seen is None else seen
    seen.add(kind)
    found: set[tuple[str, str]] = set()
    for name, hint in typing.get_type_hints(kind).items():
        if name == "feed_ready":
            continue
        kinds = {hint, *typing.get_args(hint)}
        kinds |= {inner for k in list(kinds) for inner in typing.get_args(k)}
        if str in kinds:
            found.add((kind.__name__, name))
        for inner in kinds:
            if dataclasses.is_dataclass(inner) and isinstance(inner, type) and inner not in seen:
                found |= _string_fields(inner, seen)
    return found


def _dirty_fields(value: Any, owner: str = "", name: str = "") -> set[tuple[str, str]]:
    """(class, field) of every string in ``value`` that holds :data:`BAD`."""
    if isinstance(value, str):
        return {(owner, name)} if BAD in value else set()
    if isinstance(value, tuple):
        return {hit for item in value for hit in _dirty_fields(item, owner, name)}
    if hasattr(value, "__dataclass_fields__"):
        kind = type(value).__name__
        return {
            hit
            for field_name in value.__dataclass_fields__
            if field_name != "feed_ready"
            for hit in _dirty_fields(getattr(value, field_name), kind, field_name)
        }
    return set()


def test_every_text_field_of_an_article_is_among_the_cleaned_ones() -> None:
    # Given every text field an article holds, through its people, image, attachments and episode
    every = _string_fields(Article)
    # When the fields the cleaning test puts a forbidden character in are collected
    tested = {
        hit for changes in DIRTY_FIELDS.values() for hit in _dirty_fields(rich_article(**changes))
    }
    # Then each text field is tested there, or named as one an entry does not take as text: a
    # field added to the model fails here until it is cleaned (and tested) or named
    assert every - NOT_WRITTEN_AS_TEXT == tested


def test_text_excerpt_keeps_ruby_and_word_breaks_within_their_words() -> None:
    html = "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>字 long<wbr>word</p><div>next</div>"
    assert text_excerpt(html) == "漢(kan)字 longword next"
