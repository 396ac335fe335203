"""RSS 2.0 with the content, Dublin Core, Media RSS, syndication and Atom extensions.

feedgen builds the channel; a small feedgen extension adds what it lacks or gets wrong
(STYLE.md, "feedgen traps"): the ``atom:link`` relations besides ``self`` and ``sy:*`` names in
their real case. Each item is built here with lxml, element for element as feedgen 1.0.0's
``FeedEntry.rss_entry`` builds it (so documents are byte for byte what feedgen made; a test
compares them), plus ``dc:creator`` (RSS ``<author>`` must be an email address),
``dc:contributor`` and ``media:content``. feedgen's per-item setters (format checks, locale
switches, extension registries) cost more than the elements themselves, and an item is built
once per warm container (``rendered``): what its first render pays is what this module saves.

RSS allows one ``<enclosure>`` per item: it carries the first audio or video attachment (what
podcast apps play), else the image. Every attachment is also a ``media:content``, inside one
``media:group`` when there are several.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from datetime import UTC, datetime
from functools import partial
from html import escape
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from contentfeed.http import media
from contentfeed.models import Article, Attachment, Image
from contentfeed.rendering.entry import Entry, feed_entry, rendered
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
SY = "http://purl.org/rss/1.0/modules/syndication/"
_PERIODS = (("hourly", 60), ("daily", 24 * 60), ("weekly", 7 * 24 * 60))


def render_rss(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    """The RSS document: ``articles`` in the order given, as many as fit ``feed.byte_budget``."""
    return render_rss_counted(feed, articles).body


def render_rss_counted(feed: FeedInfo, articles: Sequence[Article]) -> Rendered:
    """Like :func:`render_rss`, also telling how many articles made it into the document."""
    return fit_budget(feed, articles, _render)


def _render(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    items = [rendered(feed_entry(a, feed.site_url), "rss", _item) for a in articles]
    body: bytes = _generator(feed, items).rss_str(encoding="UTF-8", xml_declaration=True)
    return body


def _generator(feed: FeedInfo, items: Sequence[Any]) -> FeedGenerator:
    """feedgen's generator for the channel, which ends with ``items`` (elements to copy)."""
    generator = FeedGenerator()
    generator.title(clean_text(feed.title))
    generator.description(clean_text(feed.description) or clean_text(feed.title))
    generator.link(href=clean_text(feed.site_url))  # the channel <link>; atom:links: _Channel
    if feed.language:
        generator.language(clean_text(feed.language))
    generator.ttl(feed.ttl_minutes)
    generator.lastBuildDate(feed.updated.astimezone(UTC))  # from the data: never now()
    generator.generator("contentfeed")
    generator.register_extension("contentfeed", partial(_Channel, feed, items), None, atom=False)
    return generator


def _item(entry: Entry) -> Any:
    """The ``<item>`` of ``entry`` (built once per entry, see ``rendered``)."""
    if media := entry.enclosure:
        enclosure = (media.url, str(media.length or 0), media.type)
    elif image := entry.image:
        enclosure = (image.url, str(image.length or 0), _image_type(image))
    else:
        enclosure = None
    item = rss_item(
        entry,
        # readers take the description as HTML
        description=escape(entry.description, quote=False) if entry.description else "",
        categories=entry.tags,
        enclosure=enclosure,
    )
    for author in entry.authors:
        _text_element(item, f"{{{DC}}}creator", author.name)
    for contributor in entry.contributors:
        _text_element(item, f"{{{DC}}}contributor", contributor.name)
    if image := entry.image:
        media_image = etree.SubElement(
            item, f"{{{MEDIA}}}content", url=image.url, medium="image", type=_image_type(image)
        )
        if image.length:  # Media RSS fileSize is a positive integer: 0 means unknown
            media_image.set("fileSize", str(image.length))
        _text_element(media_image, f"{{{MEDIA}}}title", image.alt)
        _text_element(media_image, f"{{{MEDIA}}}description", image.caption)
        _text_element(media_image, f"{{{MEDIA}}}credit", image.credit)
    attachments = entry.attachments
    parent = etree.SubElement(item, f"{{{MEDIA}}}group") if len(attachments) > 1 else item
    for attachment in attachments:
        media_content(parent, attachment)
    return item


def rss_item(
    entry: Entry,
    *,
    description: str,
    categories: Sequence[str] = (),
    enclosure: tuple[str, str, str] | None = None,
) -> Any:
    """The core of an RSS ``<item>`` exactly as feedgen 1.0.0's ``FeedEntry.rss_entry`` builds it
    from ``guid``, ``title``, ``link``, ``pubDate``, ``description``, ``content``, ``category``
    and ``enclosure`` (url, length, type): the same elements in the same order, the same
    fallbacks (a description only when there is no content becomes the content), so that the
    document's bytes are the same."""
    title = entry.title or entry.url
    content = entry.content_html
    if not (title or description or content):
        raise ValueError("Required fields not set")  # as feedgen: an item needs one of them
    item = etree.Element("item")
    if title:
        etree.SubElement(item, "title").text = title
    if entry.url:
        etree.SubElement(item, "link").text = entry.url
    if description:
        etree.SubElement(item, "description").text = description
        if content:
            etree.SubElement(item, f"{{{CONTENT}}}encoded").text = content
    elif content:
        etree.SubElement(item, "description").text = content
    if entry.id:
        guid = etree.SubElement(item, "guid")
        guid.text = entry.id
        guid.set("isPermaLink", "false")
    for category in categories:
        etree.SubElement(item, "category").text = category
    if enclosure is not None:
        element = etree.SubElement(item, "enclosure")
        element.set("url", enclosure[0])
        element.set("length", enclosure[1])
        element.set("type", enclosure[2])
    etree.SubElement(item, "pubDate").text = rfc2822(entry.published_at.astimezone(UTC))
    return item


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(moment: datetime) -> str:
    """``moment`` (UTC) as feedgen writes RSS dates: ``%a, %d %b %Y %H:%M:%S %z`` in the C
    locale (the year unpadded, as glibc writes it), formatted without strftime or locales."""
    if moment.utcoffset():
        raise ValueError("RSS dates are written in UTC")
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
    )


def copies(parent: Any, elements: Sequence[Any]) -> None:
    """Append a copy of each kept element to ``parent`` (an lxml element has one parent, and the
    kept ones are shared by every document: copying is a C-level walk, ~10 µs an item)."""
    parent.extend(deepcopy(element) for element in elements)


def _image_type(image: Image) -> str:
    """The declared media type, else a guess from the file name (RSS requires one)."""
    return image.type or media.guess_image_type(image.url)


def _update_period(ttl_minutes: int) -> tuple[str, int]:
    """``sy:updatePeriod`` and ``sy:updateFrequency`` saying what ``ttl`` says: 15 → hourly, 4."""
    for period, minutes in _PERIODS:
        if ttl_minutes <= minutes:
            return period, max(1, minutes // max(1, ttl_minutes))
    return "weekly", 1


def _text_element(parent: Any, tag: str, text: str | None) -> None:
    if text:
        etree.SubElement(parent, tag).text = text


class _Channel:
    """feedgen extension for the channel (it only needs ``extend_ns`` and ``extend_rss``): its
    links and syndication hints, then the items (feedgen would append its own entries after
    the extensions: it has none)."""

    def __init__(self, feed: FeedInfo, items: Sequence[Any]) -> None:
        self.feed, self.items = feed, items

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "media": MEDIA, "sy": SY}

    def extend_rss(self, rss: Any) -> Any:
        feed, channel = self.feed, rss[0]
        links = (
            ("self", feed.self_url, media.RSS),
            ("hub", feed.hub_url, None),
            ("first", feed.first_url, None),
            ("next", feed.next_url, None),
        )
        for rel, href, media_type in links:
            if href:
                link = etree.SubElement(channel, f"{{{ATOM}}}link", rel=rel, href=clean_text(href))
                if media_type:
                    link.set("type", media_type)
        period, frequency = _update_period(feed.ttl_minutes)
        etree.SubElement(channel, f"{{{SY}}}updatePeriod").text = period
        etree.SubElement(channel, f"{{{SY}}}updateFrequency").text = str(frequency)
        copies(channel, self.items)
        return rss


def _medium(media_type: str) -> str:
    """Media RSS ``medium``: image, audio or video by the type's top level, else document."""
    top = media_type.split("/", 1)[0]
    return top if top in ("image", "audio", "video") else "document"


def media_content(parent: Any, attachment: Attachment) -> Any:
    """One attachment as ``media:content`` (Media RSS 1.5.1)."""
    media = etree.SubElement(
        parent,
        f"{{{MEDIA}}}content",
        url=attachment.url,
        type=attachment.type,
        medium=_medium(attachment.type),
    )
    if attachment.length:  # a positive integer: 0 means unknown
        media.set("fileSize", str(attachment.length))
    if attachment.duration:
        media.set("duration", str(attachment.duration))
    _text_element(media, f"{{{MEDIA}}}title", attachment.title)
    return media
