"""Atom 1.0 (RFC 4287) with RFC 5005 paging links and RFC 6721 tombstones, rendered with feedgen.

Around feedgen's traps (STYLE.md): content goes in as ``type="html"`` (never its invalid
``type="CDATA"``), dates are given explicitly, and since feedgen 1.0.0 drops ``rel``, ``type``
and ``length`` from entry links (lkiesow/python-feedgen#135) only the alternate link, whose
``rel`` is the default, goes through feedgen; the enclosure is written by :class:`_Entry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from functools import partial
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from contentfeed.http import media
from contentfeed.models import Article, Person
from contentfeed.rendering.entry import Entry, feed_entry, rendered
from contentfeed.rendering.feedgen_entry import BuiltOnceEntry
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget
from contentfeed.text import rfc3339, slugify

TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_atom(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    """The Atom document: ``articles`` in the order given, as many as fit ``feed.byte_budget``."""
    return render_atom_counted(feed, articles).body


def render_atom_counted(feed: FeedInfo, articles: Sequence[Article]) -> Rendered:
    """Like :func:`render_atom`, also telling how many articles made it into the document."""
    return fit_budget(feed, articles, _render)


def _render(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    generator = FeedGenerator()
    generator.id(clean_text(feed.feed_id))
    generator.title(clean_text(feed.title))
    if subtitle := clean_text(feed.description):
        generator.subtitle(subtitle)
    generator.updated(feed.updated.astimezone(UTC))  # from the data: never now()
    generator.link(href=clean_text(feed.self_url), rel="self", type=media.ATOM)
    generator.link(href=clean_text(feed.site_url), rel="alternate", type=media.HTML)
    for rel, href in (("hub", feed.hub_url), ("first", feed.first_url), ("next", feed.next_url)):
        if href:
            generator.link(href=clean_text(href), rel=rel)
    if feed.language:
        generator.language(clean_text(feed.language))
    generator.generator("contentfeed")
    entries = [feed_entry(article, feed.site_url) for article in articles]
    if not all(entry.authors for entry in entries):
        # RFC 4287 §4.1.1: an entry without an author takes the feed's.
        generator.author(name=clean_text(feed.title), uri=clean_text(feed.site_url))
    generator.register_extension("contentfeed", partial(_Feed, feed), None, rss=False)
    for entry in entries:
        # feedgen prepends unless told to append; add_entry takes a ready entry
        generator.add_entry(rendered(entry, "atom", _feedgen_entry), order="append")
    body: bytes = generator.atom_str(encoding="UTF-8", xml_declaration=True)
    return body


def _people(people: Sequence[Person]) -> list[dict[str, str]]:
    """Atom person constructs, empty fields left out."""
    fields = (("name", "name"), ("email", "email"), ("uri", "url"))
    return [
        {key: value for key, name in fields if (value := getattr(person, name))}
        for person in people
    ]


def _feedgen_entry(entry: Entry) -> BuiltOnceEntry:
    """feedgen's entry for ``entry`` (built once per entry, see ``rendered``)."""
    item = BuiltOnceEntry()
    item.id(entry.atom_id)
    item.title(entry.title or entry.url)
    item.link(href=entry.url)
    item.published(entry.published_at.astimezone(UTC))
    item.updated(entry.updated_at.astimezone(UTC))
    if entry.authors:
        item.author(_people(entry.authors))
    if entry.contributors:
        item.contributor([{"name": contributor.name} for contributor in entry.contributors])
    for label in entry.tags:
        item.category(term=slugify(label) or label, label=label)
    if entry.summary:
        item.summary(entry.summary, type="text")
    if entry.content_html:
        item.content(entry.content_html, type="html")
    item.register_extension("contentfeed", partial(_Entry, entry), rss=False)
    return item


class _Feed:
    """feedgen extension for the feed element: RFC 6721 tombstones."""

    def __init__(self, feed: FeedInfo) -> None:
        self.feed = feed

    def extend_ns(self) -> dict[str, str]:
        return {"at": TOMBSTONES}

    def extend_atom(self, root: Any) -> Any:
        for deleted in self.feed.deleted:
            etree.SubElement(
                root,
                f"{{{TOMBSTONES}}}deleted-entry",
                ref=clean_text(deleted.guid),
                when=rfc3339(deleted.deleted_at),
            )
        return root


class _Entry:
    """feedgen extension for one entry: its language, its image and attachments as enclosure
    links (with ``type``, ``length`` and ``title``)."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, element: Any) -> Any:
        # feedgen writes Atom elements without a namespace under a literal xmlns attribute on
        # the root, so added Atom elements must be un-namespaced too.
        if language := self.entry.language:
            element.set(XML_LANG, language)
        if image := self.entry.image:
            link = etree.SubElement(element, "link", rel="enclosure", href=image.url)
            if image.type:
                link.set("type", image.type)
            if image.length is not None:
                link.set("length", str(image.length))
        for attachment in self.entry.attachments:
            link = etree.SubElement(
                element, "link", rel="enclosure", href=attachment.url, type=attachment.type
            )
            if attachment.length is not None:
                link.set("length", str(attachment.length))
            if attachment.title:
                link.set("title", attachment.title)
        return element
