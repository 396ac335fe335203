"""A show's podcast feed: RSS 2.0 with the iTunes and Podcast Index namespaces, as PSP-1 (the
Podcast Standards Project RSS specification) and Apple Podcasts require.

feedgen builds the channel's RSS core (title, link, description, language) and
``contentfeed.rendering.rss`` each item's (guid, title, link, pubDate, description, content and
enclosure), exactly as for the other RSS feeds; each item is built once per warm container and
show (``rendered``), so a show of 1,000 episodes re-renders by copying them. feedgen's own
``podcast`` extension is not used: it has no ``podcast:`` namespace, writes ``itunes:explicit``
only as yes/no/clean (Apple and PSP-1 now want ``true``/``false``), and would leave
``atom:link`` relations besides ``self`` to another extension anyway. The channel's ``itunes:``
and ``podcast:`` elements come from one small extension here (``_Channel``) and each episode's
from ``_item``, so each value is written exactly once and in the form the standards name.

Podcast apps do not follow RFC 5005 paging, so a show feed carries every episode. It must stay
under Lambda's 6 MB response limit (and the JSON escaping of the proxy response), so it is held
to :data:`SHOW_BYTE_BUDGET`: past it the newest episodes that fit are kept and the oldest leave
the feed (apps keep what they already downloaded); see docs/feeds.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC
from functools import partial
from html import escape
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from contentfeed.http import media
from contentfeed.models import Article
from contentfeed.models.show import Show
from contentfeed.rendering.entry import Entry, feed_entry, rendered
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import SHOW_BYTE_BUDGET, FeedInfo, Rendered, fit_budget
from contentfeed.rendering.rss import ATOM, copies, rss_item

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CHAPTERS_TYPE = "application/json+chapters"
__all__ = ["SHOW_BYTE_BUDGET", "render_podcast", "render_podcast_counted"]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def render_podcast(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    """The podcast RSS of ``feed.show``: ``articles`` in the order given, as many as fit."""
    return render_podcast_counted(feed, articles).body


def render_podcast_counted(feed: FeedInfo, articles: Sequence[Article]) -> Rendered:
    """Like :func:`render_podcast`, also telling how many episodes made it into the feed."""
    # No next page to send the rest to: what does not fit is left out, oldest first.
    return fit_budget(replace(feed, next_url_after=None, next_url=None), articles, _render)


def _render(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    show = feed.show
    if show is None:
        raise ValueError("a podcast feed needs its show")
    kind = f"podcast|{show.explicit}|{show.image}"
    build = partial(_item, show=show)
    items = [rendered(feed_entry(a, feed.site_url), kind, build) for a in articles]
    body: bytes = _generator(feed, show, items).rss_str(encoding="UTF-8", xml_declaration=True)
    return body


def _generator(feed: FeedInfo, show: Show, items: Sequence[Any]) -> FeedGenerator:
    """feedgen's generator for the show's channel, which ends with ``items`` (to copy)."""
    generator = FeedGenerator()
    generator.title(clean_text(show.title))
    generator.description(clean_text(show.description))
    generator.link(href=clean_text(feed.site_url))
    generator.language(clean_text(show.language or feed.language or "en"))
    generator.lastBuildDate(feed.updated.astimezone(UTC))  # from the data: never now()
    generator.generator("contentfeed")
    generator.ttl(feed.ttl_minutes)
    generator.register_extension(
        "contentfeed", partial(_Channel, feed, show, items), None, atom=False
    )
    return generator


def _item(entry: Entry, *, show: Show) -> Any:
    """One episode's ``<item>`` (kept per entry, show explicit flag and image)."""
    media = entry.enclosure
    item = rss_item(
        entry,
        description=escape(entry.description or entry.title, quote=False),
        enclosure=None if media is None else (media.url, str(media.length or 0), media.type),
    )
    episode = entry.podcast
    if media is not None and media.duration is not None:
        _text(item, f"{{{ITUNES}}}duration", str(media.duration))
    if episode is not None and episode.episode is not None:
        _text(item, f"{{{ITUNES}}}episode", str(episode.episode))
    if episode is not None and episode.season is not None:
        _text(item, f"{{{ITUNES}}}season", str(episode.season))
    episode_type = episode.episode_type if episode is not None else None
    _text(item, f"{{{ITUNES}}}episodeType", episode_type.value if episode_type else "full")
    explicit = episode.explicit if episode is not None else None
    _text(item, f"{{{ITUNES}}}explicit", _flag(show.explicit if explicit is None else explicit))
    image = episode.image if episode is not None and episode.image else show.image
    _text(item, f"{{{ITUNES}}}image", None, href=clean_text(image))
    if episode is not None:
        for transcript in episode.transcripts:
            attributes = {"url": transcript.url, "type": transcript.type}
            if transcript.language:
                attributes["language"] = transcript.language
            _text(item, f"{{{PODCAST}}}transcript", None, **attributes)
        if episode.chapters_url:
            _text(
                item,
                f"{{{PODCAST}}}chapters",
                None,
                url=episode.chapters_url,
                type=CHAPTERS_TYPE,
            )
    return item


def _text(parent: Any, tag: str, text: str | None, /, **attributes: str) -> Any:
    element = etree.SubElement(parent, tag, **attributes)
    if text is not None:
        element.text = text
    return element


class _Channel:
    """The channel's atom links and its ``itunes:`` and ``podcast:`` elements, then the items
    (feedgen would append its own entries after the extensions: it has none)."""

    def __init__(self, feed: FeedInfo, show: Show, items: Sequence[Any]) -> None:
        self.feed, self.show, self.items = feed, show, items

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES, "podcast": PODCAST}

    def extend_rss(self, rss: Any) -> Any:
        feed, show, channel = self.feed, self.show, rss[0]
        self_url = clean_text(feed.self_url)
        _text(channel, f"{{{ATOM}}}link", None, rel="self", href=self_url, type=media.RSS)
        if feed.hub_url:
            _text(channel, f"{{{ATOM}}}link", None, rel="hub", href=clean_text(feed.hub_url))
        _text(channel, f"{{{ITUNES}}}author", clean_text(show.author))
        owner = _text(channel, f"{{{ITUNES}}}owner", None)
        _text(owner, f"{{{ITUNES}}}name", clean_text(show.owner.name))
        _text(owner, f"{{{ITUNES}}}email", clean_text(show.owner.email))
        _text(channel, f"{{{ITUNES}}}image", None, href=clean_text(show.image))
        for category in show.categories:
            parent = _text(channel, f"{{{ITUNES}}}category", None, text=category.name)
            if category.subcategory:
                _text(parent, f"{{{ITUNES}}}category", None, text=category.subcategory)
        _text(channel, f"{{{ITUNES}}}explicit", _flag(show.explicit))
        _text(channel, f"{{{ITUNES}}}type", show.type.value)
        if show.complete:
            _text(channel, f"{{{ITUNES}}}complete", "Yes")
        _text(
            channel,
            f"{{{PODCAST}}}locked",
            "yes" if show.locked else "no",
            owner=clean_text(show.owner.email),
        )
        _text(channel, f"{{{PODCAST}}}guid", show.guid)
        for funding in show.funding:
            _text(channel, f"{{{PODCAST}}}funding", clean_text(funding.text), url=funding.url)
        copies(channel, self.items)
        return rss
