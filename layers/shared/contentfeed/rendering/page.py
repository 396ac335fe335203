"""The HTML face of the feeds: the home page and what a browser sees at a feed URL.

Current browsers show RSS and Atom as plain text and are retiring XSLT, so a browser asking
for a feed gets this server-rendered page instead (negotiated on ``Accept``, with
``Vary: Accept``), while feed readers keep getting the feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from contentfeed.models import Article
from contentfeed.rendering.model import FeedInfo
from contentfeed.text import strip_xml_illegal

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "header{border-bottom:1px solid #ddd;margin-bottom:1.5rem}h1{margin:.2rem 0}"
    ".note{background:#f4f7fb;border:1px solid #d6e0ef;border-radius:6px;padding:.75rem 1rem}"
    "code{background:#eee;padding:.1rem .3rem;border-radius:3px;word-break:break-all}"
    "article{margin:1.5rem 0}article h2{font-size:1.2rem;margin:0}.meta{color:#666;font-size:.9rem}"
    "nav a{margin-right:1rem}audio,video{width:100%}"
)


@dataclass(frozen=True, slots=True)
class Alternate:
    """A feed of this page in another format (autodiscovery ``<link rel="alternate">``)."""

    title: str
    media_type: str
    url: str


def _text(value: str | None) -> str:
    return escape(strip_xml_illegal(value or ""), quote=True)


def _player(article: Article) -> str:
    """An ``<audio>`` or ``<video>`` player for the article's first audio or video attachment."""
    media = article.enclosure
    if media is None:
        return ""
    tag = "video" if media.type.lower().startswith("video/") else "audio"
    label = _text(media.title or article.title)
    return (
        f'<p class="player"><{tag} controls preload="none" title="{label}">'
        f'<source src="{_text(media.url)}" type="{_text(media.type)}">'
        f'<a href="{_text(media.url)}">{label}</a></{tag}></p>'
    )


def render_page(
    feed: FeedInfo,
    articles: Sequence[Article],
    *,
    alternates: Sequence[Alternate],
    subscribe_url: str | None = None,
    podcasts: Sequence[Alternate] = (),
) -> bytes:
    """A small, self-contained HTML page listing ``articles`` (no scripts, no external assets),
    with a player for each article's audio or video, and links to ``podcasts`` (show feeds)."""
    head_links = "".join(
        f'<link rel="alternate" type="{_text(alt.media_type)}" title="{_text(alt.title)}" href="{_text(alt.url)}">'
        for alt in (*alternates, *podcasts)
    )
    if subscribe_url:
        note = (
            '<p class="note"><strong>This is a web feed.</strong> To subscribe, copy this address '
            f"into your feed reader (NetNewsWire, Feedly, Miniflux, newsboat, …): <code>{_text(subscribe_url)}</code></p>"
        )
    else:
        feeds = " ".join(f'<a href="{_text(alt.url)}">{_text(alt.title)}</a>' for alt in alternates)
        note = f'<p class="note"><strong>Follow along in a feed reader:</strong> {feeds}</p>'
    if podcasts:
        shows = "".join(
            f'<li><a href="{_text(show.url)}">{_text(show.title)}</a></li>' for show in podcasts
        )
        note += f'<section class="podcasts"><h2>Podcasts</h2><ul>{shows}</ul></section>'
    items = []
    for article in articles:
        authors = ", ".join(_text(author.name) for author in article.authors)
        byline = f" · {authors}" if authors else ""
        summary = f"<p>{_text(article.summary)}</p>" if article.summary else ""
        items.append(
            f'<article><h2><a href="{_text(article.url)}">{_text(article.title)}</a></h2>'
            f'<p class="meta"><time datetime="{article.published_at.isoformat()}">'
            f"{article.published_at:%d %B %Y}</time>{byline}</p>{summary}{_player(article)}"
            "</article>"
        )
    if not items:
        items.append("<p>Nothing published here yet.</p>")
    more = (
        f'<p><a rel="next" href="{_text(feed.next_url)}">Older articles</a></p>'
        if feed.next_url
        else ""
    )
    language = _text(feed.language or "en")
    document = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_text(feed.title)}</title>{head_links}<style>{STYLE}</style></head><body>"
        f"<header><h1>{_text(feed.title)}</h1><p>{_text(feed.description)}</p></header>{note}"
        f"<main>{''.join(items)}</main>{more}</body></html>\n"
    )
    return document.encode("utf-8")
