"""An article made ready for a feed: every text XML-clean, every URL absolute, the HTML's links
resolved against the article's own URL. The three renderers take their items from here.

Preparing an entry (regular expressions over ~5 kB of HTML, ``urljoin`` for each link) is most
of a render's own work, and the same articles are rendered again and again: every change to a
feed re-renders its unchanged neighbours, an article sits in the site, tag and author feeds at
once, and clients that poll without validators get the same page each time. Entries are
therefore memoised per warm container, keyed by the article's *value* (every field, the HTML
included) and the site URL: an edited article is another key, so a cached entry is never stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from contentfeed.models import Article, Contributor, Image, Person
from contentfeed.rendering.html import absolute_url, absolutize, clean_text, text_excerpt
from contentfeed.rendering.identity import entry_id

CACHE_SIZE = 1024
"""Entries kept per container: five full pages of 100 items of every feed format, or every
article of a few hundred feeds' first pages (~12 kB each with its key, so ~12 MB at most)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What every feed format says about one article, already safe to write into it."""

    id: str
    """The immutable feed id (:func:`~contentfeed.rendering.identity.entry_id`)."""
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
    """When it last changed for readers: a scheduled article changed when it went out."""
    authors: tuple[Person, ...]
    contributors: tuple[Contributor, ...]
    tags: tuple[str, ...]
    """Distinct, non-empty, in the article's order."""
    image: Image | None
    """With an absolute URL."""
    language: str | None


@lru_cache(maxsize=CACHE_SIZE)
def feed_entry(article: Article, site_url: str) -> Entry:
    """``article`` as a feed item of the site at ``site_url`` (memoised: see the module)."""
    url = absolute_url(clean_text(article.url), site_url)
    content = absolutize(article.content_html or "", url)
    summary = clean_text(article.summary or "")
    image = article.image
    return Entry(
        id=entry_id(clean_text(article.id), article.guid and clean_text(article.guid)),
        url=url,
        title=clean_text(article.title),
        summary=summary,
        description=summary or text_excerpt(content),
        content_html=content,
        published_at=article.published_at,
        updated_at=max(article.updated_at, article.published_at),
        authors=tuple(
            Person(name=name, email=_optional(person.email), url=_optional(person.url))
            for person in article.authors
            if (name := clean_text(person.name))
        ),
        contributors=tuple(
            Contributor(name=name, role=_optional(person.role))
            for person in article.contributors
            if (name := clean_text(person.name))
        ),
        tags=tuple(tag for tag in dict.fromkeys(clean_text(tag) for tag in article.tags) if tag),
        image=None
        if image is None
        else Image(
            url=absolute_url(clean_text(image.url), url),
            caption=_optional(image.caption),
            credit=_optional(image.credit),
            alt=_optional(image.alt),
            type=_optional(image.type),
            length=image.length,
        ),
        language=_optional(article.language),
    )


def _optional(text: str | None) -> str | None:
    """``text`` made XML-clean; None when nothing is left."""
    return clean_text(text) or None if text else None
