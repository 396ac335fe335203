"""An article made ready for a feed: every text XML-clean, every URL absolute, the HTML's links
resolved against the article's own URL. The three renderers take their items from here.

Preparing an entry (regular expressions over ~5 kB of HTML, ``urljoin`` for each link) and then
feedgen building its XML are most of a render, and the same articles are rendered again and
again: every change to a feed re-renders its unchanged neighbours, an article sits in the site,
tag and author feeds at once, and clients that poll without validators get the same page each
time. Entries are therefore kept per warm container, keyed by the article's *value* (every
field, the HTML included) and the site URL: an edited article is another key, so a kept entry
is never stale. What each format builds from an entry is kept on the entry itself
(:attr:`Entry.rendered`), so one bound covers it all and an entry leaves with everything built
from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from contentfeed.lru import SizedLRU
from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    FeedReady,
    Image,
    Person,
    Transcript,
)
from contentfeed.rendering.html import absolute_url, absolutize, clean_text, text_excerpt
from contentfeed.rendering.identity import atom_id, entry_id
from contentfeed.text import XML_ILLEGAL

CACHE_CHARS = 8_000_000
"""The bound of the kept entries: each counts its HTML twice (the article's and the entry's) plus
:data:`ENTRY_OVERHEAD_CHARS`. With what the formats build from it, an entry holds about 2.6 bytes
of Python objects per counted character (measured on ~5 kB realistic articles) plus lxml's own
copy of the text in its trees: a few tens of MB at the bound, about 650 typical articles."""
ENTRY_OVERHEAD_CHARS = 2_000
"""What an entry counts besides its HTML (fields, objects), so tiny entries are bounded too."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What every feed format says about one article, already safe to write into it."""

    id: str
    """The immutable RSS and JSON Feed id (:func:`~contentfeed.rendering.identity.entry_id`)."""
    atom_id: str
    """The immutable Atom id, an absolute IRI (:func:`~contentfeed.rendering.identity.atom_id`)."""
    url: str
    title: str
    """May be empty: formats that need a title fall back to the URL."""
    summary: str
    """The publisher's summary; may be empty."""
    description: str
    """The summary, else a plain-text excerpt of the content (RSS ``<description>``)."""
    content_html: str
    published_at: datetime
    updated_at: datetime
    """When it last changed for readers: the publisher's ``modified_at`` when given (an import
    keeps the source's), else the last write; a scheduled article changed when it went out."""
    authors: tuple[Person, ...]
    contributors: tuple[Contributor, ...]
    tags: tuple[str, ...]
    """Distinct, non-empty, in the article's order."""
    image: Image | None
    """With an absolute URL."""
    language: str | None
    attachments: tuple[Attachment, ...] = ()
    """With absolute URLs and XML-clean titles."""
    podcast: Episode | None = None
    """With absolute URLs."""
    rendered: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    """What each format built from this entry (see :func:`rendered`)."""

    @property
    def enclosure(self) -> Attachment | None:
        """The first audio or video attachment (RSS allows one ``<enclosure>`` per item)."""
        return next((item for item in self.attachments if item.playable), None)


def rendered[T](entry: Entry, kind: str, build: Callable[[Entry], T]) -> T:
    """What ``build`` makes of ``entry``, built once and kept with the entry. The result is
    shared by every document that lists the entry: it must never be changed."""
    if kind not in entry.rendered:
        entry.rendered[kind] = build(entry)
    value: T = entry.rendered[kind]
    return value


_ENTRIES: SizedLRU[tuple[Article, str], Entry] = SizedLRU(CACHE_CHARS)
cache_info = _ENTRIES.info
cache_clear = _ENTRIES.clear


def feed_entry(article: Article, site_url: str) -> Entry:
    """``article`` as a feed item of the site at ``site_url``, kept per warm container (see the
    module)."""
    key = (article, site_url)
    entry = _ENTRIES.get(key)
    if entry is None:
        entry = prepare_entry(article, site_url)
        cost = ENTRY_OVERHEAD_CHARS + len(article.content_html or "") + len(entry.content_html)
        _ENTRIES.put(key, entry, cost)
    return entry


def prepare_entry(article: Article, site_url: str) -> Entry:
    """``article`` as a feed item of the site at ``site_url``, built afresh: from its feed-ready
    form when it was read with one that still matches it (see :func:`feed_ready`)."""
    # Stored text is almost always XML-clean already: one search over all of it then replaces
    # a regular expression substitution per field.
    clean = _same if _all_clean(article) else clean_text
    summary = clean(article.summary or "")
    image = article.image
    guid = article.guid and clean(article.guid)
    ready = article.feed_ready
    image_url: str | None
    if ready is not None and ready.source is article.content_html and ready.url == article.url:
        # Prepared against this very URL, which no site URL changes (checked when prepared)
        url, content = article.url, ready.content_html
        description = summary or ready.excerpt
        if image is not None and image.url == ready.image_source and ready.image_url is not None:
            image_url = ready.image_url
        else:
            image_url = None if image is None else absolute_url(clean(image.url), url)
    else:
        url = absolute_url(clean(article.url), site_url)
        content = absolutize(article.content_html or "", url)
        description = summary or text_excerpt(content)
        image_url = None if image is None else absolute_url(clean(image.url), url)
    article_id = clean(article.id)
    rss_id = entry_id(article_id, guid)
    return Entry(
        id=rss_id,
        atom_id=atom_id(article_id, guid, entry=rss_id),
        url=url,
        title=clean(article.title),
        summary=summary,
        description=description,
        content_html=content,
        published_at=article.published_at,
        updated_at=article.modified_at or max(article.updated_at, article.published_at),
        authors=tuple(
            Person(
                name=name, email=_optional(person.email, clean), url=_optional(person.url, clean)
            )
            for person in article.authors
            if (name := clean(person.name))
        ),
        contributors=tuple(
            Contributor(name=name, role=_optional(person.role, clean))
            for person in article.contributors
            if (name := clean(person.name))
        ),
        tags=tuple(tag for tag in dict.fromkeys(clean(tag) for tag in article.tags) if tag),
        image=None
        if image is None or image_url is None  # both or neither
        else Image(
            url=image_url,
            caption=_optional(image.caption, clean),
            credit=_optional(image.credit, clean),
            alt=_optional(image.alt, clean),
            type=_optional(image.type, clean),
            length=image.length,
        ),
        language=_optional(article.language, clean),
        attachments=tuple(
            Attachment(
                url=absolute_url(clean(item.url), url),
                type=clean(item.type),
                length=item.length,
                duration=item.duration,
                title=_optional(item.title, clean),
            )
            for item in article.attachments
        ),
        podcast=None if article.podcast is None else _episode(article.podcast, url, clean),
    )


def _all_clean(article: Article) -> bool:
    """Whether every text :func:`prepare_entry` writes from ``article`` (its HTML aside) is free
    of what XML forbids, so that cleaning each would change nothing."""
    texts = [
        article.id,
        article.title,
        article.url,
        article.summary or "",
        article.guid or "",
        article.language or "",
        *article.tags,
    ]
    for person in article.authors:
        texts += (person.name, person.email or "", person.url or "")
    for contributor in article.contributors:
        texts += (contributor.name, contributor.role or "")
    if (image := article.image) is not None:
        texts += (image.url, image.caption or "", image.credit or "", image.alt or "")
        texts.append(image.type or "")
    for item in article.attachments:
        texts += (item.url, item.type, item.title or "")
    if (episode := article.podcast) is not None:
        texts += (episode.image or "", episode.chapters_url or "")
        for transcript in episode.transcripts:
            texts += (transcript.url, transcript.type, transcript.language or "")
    return XML_ILLEGAL.search("\n".join(texts)) is None


def _same(text: str) -> str:
    return text


def _episode(episode: Episode, base: str, clean: Callable[[str], str] = clean_text) -> Episode:
    return replace(
        episode,
        image=episode.image and absolute_url(clean(episode.image), base),
        transcripts=tuple(
            Transcript(
                url=absolute_url(clean(t.url), base),
                type=clean(t.type),
                language=_optional(t.language, clean),
            )
            for t in episode.transcripts
        ),
        chapters_url=episode.chapters_url and absolute_url(clean(episode.chapters_url), base),
    )


def feed_ready(article: Article) -> FeedReady | None:
    """What :func:`prepare_entry` does to the article's HTML and image URL, done ahead (when its
    feed entries are written) so that a container's first render of it only renders.

    Only for an absolute article URL that URL resolution leaves exactly as it is (whatever the
    site URL, ``urljoin`` then returns it unchanged): a relative one resolves against the site
    URL, which is known when rendering, and is left to the renderer."""
    url = article.url
    if not _is_absolute(url) or absolute_url(clean_text(url), url) != url:
        return None
    content = absolutize(article.content_html or "", url)
    image = article.image
    return FeedReady(
        source=article.content_html,
        url=url,
        content_html=content,
        excerpt="" if clean_text(article.summary or "") else text_excerpt(content),
        image_source=None if image is None else image.url,
        image_url=None if image is None else absolute_url(clean_text(image.url), url),
    )


def _is_absolute(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _optional(text: str | None, clean: Callable[[str], str] = clean_text) -> str | None:
    """``text`` made XML-clean (by ``clean``); None when nothing is left."""
    return clean(text) or None if text else None
