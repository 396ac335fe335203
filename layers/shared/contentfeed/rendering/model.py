"""What a renderer is told about the feed besides its articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

from contentfeed.models import Article
from contentfeed.models.show import Show

SHOW_BYTE_BUDGET = 4_000_000
"""Bytes a show's feed may take. Podcast apps do not page, so a show feed holds every episode,
and Lambda answers at most 6 MB, with the body escaped as a JSON string in the proxy response
(quotes and non-ASCII characters grow): 4 MB leaves room. Past it, the newest episodes that
fit stay and the oldest leave the feed (docs/feeds.md)."""


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    """An RFC 6721 tombstone: the Atom id of a deleted article and when it went."""

    guid: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """Everything about one feed page that is not an article. All URLs are absolute."""

    title: str
    """Includes the scope, e.g. ``Example News — tag Salesforce``."""
    description: str
    self_url: str
    """The URL this very page is served at (RSS/Atom ``rel="self"``, JSON Feed ``feed_url``)."""
    site_url: str
    """The human site (``rel="alternate"``, JSON Feed ``home_page_url``)."""
    feed_id: str
    """A stable id for the feed itself (Atom ``<id>``)."""
    updated: datetime
    """From the data (the newest change), never the time of rendering."""
    language: str | None = None
    ttl_minutes: int = 15
    hub_url: str | None = None
    next_url: str | None = None
    """The next (older) page, RFC 5005 ``rel="next"`` / JSON Feed ``next_url``."""
    next_url_after: Callable[[Article], str] | None = None
    """The URL of the page that starts just after a given article. Used instead of ``next_url``
    when the byte budget cuts this page short, so the articles left out open the next page
    instead of falling between two pages."""
    first_url: str | None = None
    deleted: tuple[DeletedEntry, ...] = field(default_factory=tuple)
    """Recent deletions, rendered by Atom as ``at:deleted-entry``."""
    byte_budget: int = 1_000_000
    show: Show | None = None
    """The show of a podcast feed (its channel); None for the other feeds."""


class Rendered(NamedTuple):
    """A rendered feed document and how many of the given articles it holds (unpacks as a pair)."""

    body: bytes
    item_count: int


def fit_budget(
    feed: FeedInfo,
    articles: Sequence[Article],
    render: Callable[[FeedInfo, Sequence[Article]], bytes],
) -> Rendered:
    """Render the longest prefix of ``articles`` that fits ``feed.byte_budget`` (at least one).

    The size only grows with the number of articles, so when the whole page does not fit a binary
    search finds the cut in a handful of renders. A cut page links ``next`` past its last article.
    """
    body = render(feed, articles)
    if len(body) <= feed.byte_budget or len(articles) <= 1:
        return Rendered(body, len(articles))

    def page(count: int) -> bytes:
        cut = feed
        if feed.next_url_after is not None:
            cut = replace(feed, next_url=feed.next_url_after(articles[count - 1]))
        return render(cut, articles[:count])

    best = Rendered(page(1), 1)
    low, high = 2, len(articles) - 1
    while low <= high:
        middle = (low + high) // 2
        body = page(middle)
        if len(body) <= feed.byte_budget:
            best, low = Rendered(body, middle), middle + 1
        else:
            high = middle - 1
    return best
