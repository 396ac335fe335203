"""RSS 2.0, RSS 1.0 (RDF) and Atom entries, read with feedparser, and the podcast fields it does
not read (:func:`contentfeed_cli.tools.show.entry_podcast`).
"""

from __future__ import annotations

import email.utils
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import feedparser

from contentfeed.rendering.html import absolute_url
from contentfeed_cli.tools.importer.dates import feed_date
from contentfeed_cli.tools.importer.entries import (
    HTML_TYPES,
    MARKUP,
    REFERENCE,
    FeedDefaults,
    SourceEntry,
    count,
    entry_name,
    http_url,
    language_tag,
    split_terms,
    text_html,
    unescaped,
)
from contentfeed_cli.tools.show import entry_podcast
from contentfeed_cli.tools.sink import RunAborted

_GOOGLE_KIND = "http://schemas.google.com/g/2005#kind"
"""The scheme of Blogger's and Google's category that says what kind of item this is."""
_TRUNCATION_ERRORS = ("no element found", "unclosed token", "unclosed cdata", "partial character")
_END_SLACK = 8
"""How many bytes before the end of the input an XML error may be and still mean truncation."""


def _truncated(error: Any, data: bytes) -> bool:
    """Whether the XML error is where the input stops: a truncated feed, not a recoverable
    slip feedparser reads around (an undefined entity in a feed written on one line)."""
    if data.rstrip()[-10:].lower() == b"</channel>":  # only </rss> is missing after it
        return False
    message = str(getattr(error, "getMessage", lambda: error)()).lower()
    if any(text in message for text in _TRUNCATION_ERRORS):
        return True
    if "mismatched tag" in message:  # a closing tag is there: the end came, written wrong
        return False
    line = getattr(error, "getLineNumber", lambda: 0)()
    lines = data.rstrip().split(b"\n")
    if not line or line < len(lines):
        return False
    column = getattr(error, "getColumnNumber", lambda: 0)() or 0
    return column >= len(lines[-1].rstrip()) - _END_SLACK


def _not_a_feed(data: bytes, source: str, parsed: Any) -> RunAborted:
    head = data[:4096].lower()
    if b"<opml" in head:
        return RunAborted(
            f"{source}: an OPML list of subscriptions, not a feed: import each feed it lists"
        )
    if any(tag in head for tag in (b"<html", b"<!doctype html", b"<head", b"<body")):
        found = re.search(
            rb"<link[^>]+type=[\"']application/(?:rss|atom)\+xml[^>]*>", data[:65536], re.I
        )
        href = re.search(rb"href=[\"']([^\"']+)", found.group(0)) if found else None
        hint = (
            f": its feed is at {absolute_url(href.group(1).decode(errors='replace'), source)}"
            if href
            else ""
        )
        return RunAborted(f"{source}: an HTML page, not a feed{hint}")
    problem = parsed.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    return RunAborted(f"{source}: not an RSS, Atom or JSON feed{detail}")


def feed_entries(
    data: bytes, source: str
) -> tuple[list[tuple[str, SourceEntry | str]], FeedDefaults]:
    """Every entry of an RSS or Atom feed, named for progress lines, and what entries take from
    the feed; :class:`RunAborted` when ``data`` is no feed or a truncated one."""
    # Bytes, not the URL: feedparser then knows no base but xml:base, and relative links are
    # resolved against each entry's own link (or the feed's), where they point. Its sanitiser
    # is off: it would drop embeds without a word; ours runs on the way in and reports them.
    parsed = feedparser.parse(data, sanitize_html=False)
    if not parsed.get("version"):
        raise _not_a_feed(data, source, parsed)
    error = parsed.get("bozo_exception")
    if parsed.bozo and hasattr(error, "getLineNumber") and _truncated(error, data):
        raise RunAborted(
            f"{source}: the feed ends mid-way (line {error.getLineNumber()}: "
            f"{error.getMessage()}); it looks truncated, so nothing was imported"
        )
    is_rss = str(parsed.get("version")).startswith("rss")
    extras_by_id = entry_podcast(data) if b"itunes" in data or b"podcast" in data else {}
    # Items without a guid are known by their link, unless several share it (a podcast whose
    # every episode links the show's page): podcast apps know those, and those without any
    # link, by their enclosure
    links = Counter(str(e.get("link")) for e in parsed.entries if not e.get("id"))
    entries: list[tuple[str, SourceEntry | str]] = []
    for number, entry in enumerate(parsed.entries, 1):
        enclosures = entry.get("enclosures") or []
        enclosure = str(enclosures[0].get("href") or "") if enclosures else ""
        link = entry.get("link")
        shared = bool(link) and links[str(link)] > 1 and not entry.get("id") and bool(enclosure)
        guid = str(entry.get("id") or (enclosure if shared else link) or enclosure).strip()
        extras = extras_by_id.get(guid, {})
        title_detail = entry.get("title_detail") or {}
        html, summary, summary_is_html = _text_of(entry, is_rss=is_rss)
        written_duration = str(entry.get("itunes_duration") or "").strip()
        duration = _seconds(written_duration)
        losses: list[tuple[str, str]] = []
        losses += [("extension", f"podcast:{name}") for name in extras.get("unread", ())]
        if written_duration and duration is None:
            losses.append(("field", f"itunes duration {written_duration!r} (not H:MM:SS)"))
        published = feed_date(entry, "published", losses)
        updated = feed_date(entry, "updated", losses)
        title_is_html = title_detail.get("type") in HTML_TYPES
        source_entry = SourceEntry(
            guid=guid,
            link=_link(entry),
            title=entry.get("title") or "",
            title_is_html=title_is_html,
            content=html,
            summary=summary,
            summary_is_html=summary_is_html,
            # An entry with only an updated date (Atom allows it) was published then, as far
            # as anyone can tell.
            published=published or updated,
            updated=updated,
            authors=_authors(entry, is_rss=is_rss),
            tags=[
                term
                for t in entry.get("tags") or []
                if t.get("scheme") != _GOOGLE_KIND  # Blogger's "this is a post"
                for term in split_terms(str(t.get("term") or ""))
            ],
            media=_media_of(entry),
            language=title_detail.get("language"),
            duration=duration,
            podcast=_episode_of(entry, extras),
            losses=losses,
        )
        name = entry_name(number, entry.get("title") or "", is_html=title_is_html)
        entries.append((name, source_entry))
    return entries, _defaults(parsed.feed, source)


def _defaults(meta: Mapping[str, Any], source: str) -> FeedDefaults:
    """What an entry takes from the feed: its link (the base of relative links), authors and
    language."""
    source_base = source if urlsplit(source).scheme in ("http", "https") else ""
    # a file names no base: the feed's own absolute address (rel="self") is one
    self_link = next(
        (str(found["href"]) for found in meta.get("links") or [] if found.get("rel") == "self"),
        "",
    )
    source_base = source_base or http_url(self_link, "") or ""
    return FeedDefaults(
        link=http_url(meta.get("link"), source_base) or source_base,
        authors=[_person(a) for a in meta.get("authors") or []],
        language=language_tag(meta.get("language")),
    )


def _text_of(entry: Mapping[str, Any], *, is_rss: bool) -> tuple[str | None, str | None, bool]:
    """The entry's HTML, its summary and whether that summary is HTML."""
    content = entry.get("content") or []
    # The HTML when there is any: Podlove writes itunes:summary before content:encoded, and
    # feedparser lists both as content
    chosen = next((c for c in content if c.get("type") in HTML_TYPES and c.get("value")), None)
    chosen = chosen or (content[0] if content else {})
    html = chosen.get("value") or None
    html_is_text = bool(content) and chosen.get("type") not in HTML_TYPES
    summary = entry.get("summary")
    summary_is_html = (entry.get("summary_detail") or {}).get("type") in HTML_TYPES
    if summary_is_html and summary and _lines_of_text(summary):
        summary_is_html = False  # YouTube's media:description: its line breaks are its own
    if html and summary == html:  # feedparser's stand-in for a summary the entry lacks
        summary = None
    if is_rss and html and html_is_text and summary and summary_is_html:
        # A second <description> (Google Cloud's <og><description>), which feedparser takes
        # for the content: the article is the HTML, that text its summary.
        html, html_is_text, summary, summary_is_html = summary, False, html, False
    if html and html_is_text:  # Atom type="text"
        html = text_html(html)
    return html, summary, summary_is_html


def _media_of(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entry's media as ``{url, type, length, image}``: its enclosures, ``media:content``,
    Atom's out-of-line content and, when none is a picture, its ``media:thumbnail``."""
    # FeedBurner's original address of the (first) enclosure, rather than its redirect
    original = entry.get("feedburner_origenclosurelink")
    media = [
        {
            "url": original if n == 0 and isinstance(original, str) else e.get("href"),
            "type": e.get("type"),
            "length": e.get("length"),
        }
        for n, e in enumerate(entry.get("enclosures") or [])
    ]
    media += [
        {
            "url": m.get("url"),
            "type": m.get("type"),
            "length": m.get("filesize"),
            "image": m.get("medium") == "image",
        }
        for m in entry.get("media_content") or []
        if m.get("url") not in {e["url"] for e in media}
    ]
    # Atom's out-of-line content (<content src="…" type="audio/mpeg"/>) is a medium (whose
    # type feedparser gives as text/plain when the feed gives none: the path tells)
    media += [
        {"url": c["src"], "type": None if c.get("type") == "text/plain" else c.get("type")}
        for c in entry.get("content") or []
        if c.get("src")
    ]
    if not any(m.get("image") or str(m.get("type") or "").startswith("image/") for m in media):
        # media:thumbnail (YouTube's, reddit's): the picture when the entry has no other
        thumbnails = entry.get("media_thumbnail") or []
        media += [{"url": t.get("url"), "image": True} for t in thumbnails[:1]]
    return media


def _episode_of(entry: Mapping[str, Any], extras: Mapping[str, Any]) -> dict[str, Any]:
    """The iTunes and Podcast Index episode fields, feedparser's and those it does not read
    (``extras``, from :func:`contentfeed_cli.tools.show.entry_podcast`)."""
    explicit = entry.get("itunes_explicit")
    return {
        "episode": _whole(entry.get("itunes_episode")),
        "season": _whole(entry.get("itunes_season")),
        "episode_type": str(entry.get("itunes_episodetype") or "").strip().lower() or None,
        "explicit": explicit if isinstance(explicit, bool) else extras.get("explicit"),
        "image": (entry.get("image") or {}).get("href") or extras.get("image"),
        "transcripts": extras.get("transcripts"),
        "chapters_url": extras.get("chapters_url"),
    }


def _lines_of_text(value: str) -> bool:
    """Whether "HTML" is lines of plain text: line breaks, and neither a tag nor a character
    reference (feedparser calls Media RSS's untyped media:description HTML, which its spec says
    is plain text). As HTML, its lines would run into one paragraph."""
    return "\n" in value.strip() and not MARKUP.search(value) and not REFERENCE.search(value)


def _link(entry: Mapping[str, Any]) -> str | None:
    """The entry's link: FeedBurner's original one rather than its redirect; feedparser's,
    unless that is only the id it stands in with: when no alternate link is HTML (a paper's
    PDF), the first alternate link of any type; for an RSS guid that is no URL (``12345``,
    which RSS's default ``isPermaLink`` makes a link), none."""
    original = entry.get("feedburner_origlink")
    if isinstance(original, str) and http_url(original, ""):
        return original
    link = entry.get("link")
    if link is None or link != entry.get("id"):
        return link
    alternates = [
        str(found["href"])
        for found in entry.get("links") or []
        if found.get("rel") == "alternate" and found.get("href")
    ]
    if alternates and link not in alternates:
        return alternates[0]
    if entry.get("guidislink") and not http_url(link, ""):
        return None
    return str(link)


def _whole(text: Any) -> int | str | None:
    """A number from the feed as an int; kept as it was when it is not one (then reported)."""
    value = str(text or "").strip()
    number = count(value)
    return number if number is not None else (value or None)


_NAME_WITH_MAILTO = re.compile(r"\s*(.*?)\s*\((?:mailto:)?([^()\s]+@[^()\s]+)\)\s*")


def _authors(entry: Mapping[str, Any], *, is_rss: bool) -> list[dict[str, Any]]:
    """The entry's authors. RSS's ``<author>`` (an address and a name) is read here: feedparser
    cuts a top-level domain over four letters (``jonas@insanity.indu``) into the name."""
    authors = [_person(a) for a in entry.get("authors") or [] if a]
    written = entry.get("author")
    if not (is_rss and len(authors) == 1 and isinstance(written, str) and "@" in written):
        return authors
    found = _NAME_WITH_MAILTO.fullmatch(written)  # "Simon St.Laurent (mailto:s@example.org)"
    name, address = (found[1], found[2]) if found else email.utils.parseaddr(written)
    if "@" not in address:
        return authors
    return [{"name": unescaped(name) or None, "email": address, "url": None}]


def _person(raw: Mapping[str, Any]) -> dict[str, Any]:
    name = raw.get("name")
    return {
        "name": unescaped(name) if isinstance(name, str) else name,
        "email": raw.get("email"),
        "url": raw.get("href"),
    }


def _seconds(text: Any) -> int | None:
    """``itunes:duration``: seconds, or ``MM:SS`` / ``HH:MM:SS``, each perhaps with a fraction
    (``00:45:12.500``), which is dropped."""
    parts = str(text or "").strip().split(":")
    if len(parts) > 3:
        return None
    parts[-1] = parts[-1].split(".", 1)[0] if parts[-1].count(".") == 1 else parts[-1]
    seconds = 0
    for part in parts:
        number = count(part)
        if number is None:
            return None
        seconds = seconds * 60 + number
    return seconds
