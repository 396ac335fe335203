"""Atom 1.0 (RFC 4287) with RFC 5005 paging links and RFC 6721 tombstones.

feedgen builds the feed element around feedgen's traps (STYLE.md): dates are given explicitly.
Each entry is built here with lxml, element for element as feedgen 1.0.0's
``FeedEntry.atom_entry`` builds it (so documents are byte for byte what feedgen made; a test
compares them): content as ``type="html"`` (never feedgen's invalid ``type="CDATA"``), and the
alternate link as a bare ``href``, as feedgen 1.0.0 writes it (it drops ``rel``, ``type`` and
``length`` from entry links, lkiesow/python-feedgen#135; ``rel`` defaults to alternate), with
the enclosures, which need those attributes, written by :func:`_enclosures`.
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
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget
from contentfeed.rendering.rss import copies
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
    entries = [feed_entry(article, feed.site_url) for article in articles]
    elements = [rendered(entry, "atom", _entry) for entry in entries]
    generator = _generator(feed, entries, elements)
    body: bytes = generator.atom_str(encoding="UTF-8", xml_declaration=True)
    return body


def _generator(feed: FeedInfo, entries: Sequence[Entry], elements: Sequence[Any]) -> FeedGenerator:
    """feedgen's generator for the feed element of ``entries``, which ends with ``elements``
    (their elements, to copy)."""
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
    if not all(entry.authors for entry in entries):
        # RFC 4287 §4.1.1: an entry without an author takes the feed's.
        generator.author(name=clean_text(feed.title), uri=clean_text(feed.site_url))
    generator.register_extension("contentfeed", partial(_Feed, feed, elements), None, rss=False)
    return generator


def _entry(entry: Entry) -> Any:
    """The ``<entry>`` of ``entry`` (built once per entry, see ``rendered``): the elements
    feedgen 1.0.0's ``FeedEntry.atom_entry`` builds from ``id``, ``title``, ``link``,
    ``published``, ``updated``, ``author``, ``contributor``, ``category``, ``summary`` and
    ``content``, in its order, then the language and enclosures. feedgen writes Atom elements
    without a namespace under a literal xmlns attribute on the root, so these are un-namespaced
    too."""
    title = entry.title or entry.url
    if not (entry.atom_id and title):
        raise ValueError("Required fields not set")  # as feedgen: Atom requires both
    element = etree.Element("entry")
    etree.SubElement(element, "id").text = entry.atom_id
    etree.SubElement(element, "title").text = title
    etree.SubElement(element, "updated").text = entry.updated_at.astimezone(UTC).isoformat()
    for person in entry.authors:
        _person(element, "author", person)
    if entry.content_html:
        content = etree.SubElement(element, "content")
        content.text = entry.content_html
        content.set("type", "html")
    etree.SubElement(element, "link", href=entry.url)
    if entry.summary:
        summary = etree.SubElement(element, "summary")
        summary.text = entry.summary
        summary.set("type", "text")
    for label in entry.tags:
        category = etree.SubElement(element, "category", term=slugify(label) or label)
        category.set("label", label)
    for contributor in entry.contributors:
        etree.SubElement(etree.SubElement(element, "contributor"), "name").text = contributor.name
    etree.SubElement(element, "published").text = entry.published_at.astimezone(UTC).isoformat()
    _enclosures(element, entry)
    return element


def _person(parent: Any, tag: str, person: Person) -> None:
    """An Atom person construct, empty fields left out (names are never empty here)."""
    element = etree.SubElement(parent, tag)
    etree.SubElement(element, "name").text = person.name
    if person.email:
        etree.SubElement(element, "email").text = person.email
    if person.url:
        etree.SubElement(element, "uri").text = person.url


class _Feed:
    """feedgen extension for the feed element: RFC 6721 tombstones, then the entries (feedgen
    would append its own after the extensions: it has none)."""

    def __init__(self, feed: FeedInfo, entries: Sequence[Any]) -> None:
        self.feed, self.entries = feed, entries

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
        copies(root, self.entries)
        return root


def _enclosures(element: Any, entry: Entry) -> None:
    """The entry's language, and its image and attachments as enclosure links (with ``type``,
    ``length`` and ``title``)."""
    if language := entry.language:
        element.set(XML_LANG, language)
    if image := entry.image:
        link = etree.SubElement(element, "link", rel="enclosure", href=image.url)
        if image.type:
            link.set("type", image.type)
        if image.length is not None:
            link.set("length", str(image.length))
    for attachment in entry.attachments:
        link = etree.SubElement(
            element, "link", rel="enclosure", href=attachment.url, type=attachment.type
        )
        if attachment.length is not None:
            link.set("length", str(attachment.length))
        if attachment.title:
            link.set("title", attachment.title)
