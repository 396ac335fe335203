"""RSS 2.0 with the content, Dublin Core, Media RSS, syndication and Atom extensions.

feedgen builds the channel and its items. Two small feedgen extensions add what it lacks or gets
wrong (STYLE.md, "feedgen traps"): the ``atom:link`` relations besides ``self``, ``sy:*`` names in
their real case, and per item ``dc:creator`` (RSS ``<author>``
must be an email address), ``dc:contributor`` and ``media:content``.

RSS allows one ``<enclosure>`` per item: it carries the first audio or video attachment (what
podcast apps play), else the image. Every attachment is also a ``media:content``, inside one
``media:group`` when there are several.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from functools import partial
from html import escape
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from contentfeed.http import media
from contentfeed.models import Article, Attachment, Image
from contentfeed.rendering.entry import Entry, feed_entry, rendered
from contentfeed.rendering.feedgen_entry import BuiltOnceEntry
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
SY = "http://purl.org/rss/1.0/modules/syndication/"
# RSS requires an enclosure type; a fixed table keeps the guess the same on every machine.
_PERIODS = (("hourly", 60), ("daily", 24 * 60), ("weekly", 7 * 24 * 60))


def render_rss(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    """The RSS document: ``articles`` in the order given, as many as fit ``feed.byte_budget``."""
    return render_rss_counted(feed, articles).body


def render_rss_counted(feed: FeedInfo, articles: Sequence[Article]) -> Rendered:
    """Like :func:`render_rss`, also telling how many articles made it into the document."""
    return fit_budget(feed, articles, _render)


def _render(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    generator = FeedGenerator()
    generator.title(clean_text(feed.title))
    generator.description(clean_text(feed.description) or clean_text(feed.title))
    generator.link(href=clean_text(feed.site_url))  # the channel <link>; atom:links: _Channel
    if feed.language:
        generator.language(clean_text(feed.language))
    generator.ttl(feed.ttl_minutes)
    generator.lastBuildDate(feed.updated.astimezone(UTC))  # from the data: never now()
    generator.generator("contentfeed")
    generator.register_extension("contentfeed", partial(_Channel, feed), None, atom=False)
    for article in articles:
        entry = feed_entry(article, feed.site_url)
        # feedgen prepends unless told to append; add_entry takes a ready item
        generator.add_entry(rendered(entry, "rss", _feedgen_item), order="append")
    body: bytes = generator.rss_str(encoding="UTF-8", xml_declaration=True)
    return body


def _feedgen_item(entry: Entry) -> BuiltOnceEntry:
    """feedgen's item for ``entry`` (built once per entry, see ``rendered``)."""
    item = BuiltOnceEntry()
    item.guid(entry.id)
    item.title(entry.title or entry.url)
    item.link(href=entry.url)
    item.pubDate(entry.published_at.astimezone(UTC))
    if entry.description:
        item.description(escape(entry.description, quote=False))  # readers take it as HTML
    if entry.content_html:
        item.content(entry.content_html)
    for tag in entry.tags:
        item.category(term=tag)
    if media := entry.enclosure:
        item.enclosure(media.url, str(media.length or 0), media.type)
    elif image := entry.image:
        item.enclosure(image.url, str(image.length or 0), _image_type(image))
    item.register_extension("contentfeed", partial(_Item, entry), atom=False)
    return item


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
    """feedgen extension for the channel (it only needs ``extend_ns`` and ``extend_rss``)."""

    def __init__(self, feed: FeedInfo) -> None:
        self.feed = feed

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
        return rss


class _Item:
    """feedgen extension for one item: its people and its image."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_rss(self, item: Any) -> Any:
        for author in self.entry.authors:
            _text_element(item, f"{{{DC}}}creator", author.name)
        for contributor in self.entry.contributors:
            _text_element(item, f"{{{DC}}}contributor", contributor.name)
        if image := self.entry.image:
            media = etree.SubElement(
                item, f"{{{MEDIA}}}content", url=image.url, medium="image", type=_image_type(image)
            )
            if image.length:  # Media RSS fileSize is a positive integer: 0 means unknown
                media.set("fileSize", str(image.length))
            _text_element(media, f"{{{MEDIA}}}title", image.alt)
            _text_element(media, f"{{{MEDIA}}}description", image.caption)
            _text_element(media, f"{{{MEDIA}}}credit", image.credit)
        attachments = self.entry.attachments
        parent = etree.SubElement(item, f"{{{MEDIA}}}group") if len(attachments) > 1 else item
        for attachment in attachments:
            media_content(parent, attachment)
        return item


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
