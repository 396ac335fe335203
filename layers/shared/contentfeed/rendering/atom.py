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
from lxml import etree  # type: ignore[import-untyped]

from contentfeed.models import Article, Person
from contentfeed.rendering.html import absolute_url, absolutize, clean_text
from contentfeed.rendering.identity import entry_id
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget
from contentfeed.text import rfc3339, slugify

TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml"


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
    generator.link(href=clean_text(feed.self_url), rel="self", type=MEDIA_TYPE)
    generator.link(href=clean_text(feed.site_url), rel="alternate", type="text/html")
    for rel, href in (("hub", feed.hub_url), ("first", feed.first_url), ("next", feed.next_url)):
        if href:
            generator.link(href=clean_text(href), rel=rel)
    if feed.language:
        generator.language(clean_text(feed.language))
    generator.generator("contentfeed")
    if not all(_people(article.authors) for article in articles):
        # RFC 4287 §4.1.1: an entry without an author takes the feed's.
        generator.author(name=clean_text(feed.title), uri=clean_text(feed.site_url))
    generator.register_extension("contentfeed", partial(_Feed, feed), None, rss=False)
    for article in articles:
        _add_entry(generator, feed, article)
    body: bytes = generator.atom_str(encoding="UTF-8", xml_declaration=True)
    return body


def _people(people: Sequence[Person]) -> list[dict[str, str]]:
    """Atom person constructs; a person needs a name, and empty fields are left out."""
    found = []
    for person in people:
        fields = {"name": person.name, "email": person.email, "uri": person.url}
        cleaned = {
            key: text for key, value in fields.items() if value and (text := clean_text(value))
        }
        if "name" in cleaned:
            found.append(cleaned)
    return found


def _add_entry(generator: Any, feed: FeedInfo, article: Article) -> None:
    url = absolute_url(clean_text(article.url), feed.site_url)
    entry = generator.add_entry(order="append")  # feedgen prepends by default
    entry.id(entry_id(clean_text(article.id), article.guid and clean_text(article.guid)))
    entry.title(clean_text(article.title) or url)
    entry.link(href=url)
    entry.published(article.published_at.astimezone(UTC))
    # A scheduled article was last written before it went out: it changed for readers then.
    entry.updated(max(article.updated_at, article.published_at).astimezone(UTC))
    if authors := _people(article.authors):
        entry.author(authors)
    contributors = [{"name": clean_text(c.name)} for c in article.contributors]
    if contributors := [c for c in contributors if c["name"]]:
        entry.contributor(contributors)
    for label in dict.fromkeys(clean_text(tag) for tag in article.tags):
        if label:
            entry.category(term=slugify(label) or label, label=label)
    if summary := clean_text(article.summary or ""):
        entry.summary(summary, type="text")
    if content := absolutize(article.content_html or "", url):
        entry.content(content, type="html")
    entry.register_extension("contentfeed", partial(_Entry, article, url), rss=False)


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
    """feedgen extension for one entry: its language and its image as an enclosure link."""

    def __init__(self, article: Article, url: str) -> None:
        self.article = article
        self.url = url

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, entry: Any) -> Any:
        # feedgen writes Atom elements without a namespace under a literal xmlns attribute on
        # the root, so added Atom elements must be un-namespaced too.
        if language := clean_text(self.article.language or ""):
            entry.set(XML_LANG, language)
        if image := self.article.image:
            link = etree.SubElement(
                entry, "link", rel="enclosure", href=absolute_url(clean_text(image.url), self.url)
            )
            if media_type := clean_text(image.type or ""):
                link.set("type", media_type)
            if image.length is not None:
                link.set("length", str(image.length))
        return entry
