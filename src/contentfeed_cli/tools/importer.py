"""``contentfeed import SOURCE``: articles from an RSS 2.0, RSS 1.0, Atom or JSON Feed (1.0 and
1.1), or from an export.

Feed entries keep the id their readers know them by: the entry's guid (RSS ``<guid>``, Atom
``<id>``, JSON Feed ``id``, else its link) becomes the article's ``guid``, verbatim, which RSS
and JSON Feed show as it is and Atom as itself or a ``urn:uuid`` derived from it
(:mod:`contentfeed.rendering.identity`). The article's own id is ``uuid5(IMPORT_NAMESPACE,
guid)``, the same on every run: running an import again updates the same articles, and writes
only those that changed. The source's dates are kept: ``published_at`` from the published date,
``modified_at`` from the updated/modified date (else the published one), so readers are not
told that everything changed on the day of the move.

Enclosures become the article's image (the first image) and attachments (every other one), and
iTunes episode fields its ``podcast`` fields. Nothing is dropped silently: whatever an entry
loses on the way in (an embed, an element the sanitiser removes, an enclosure without a type,
a tag, an extension) is reported for that entry and counted in
the summary; with ``--strict`` any loss is an error and nothing is written. An entry whose
content is over :data:`MAX_CONTENT_CHARS` is refused with one line while the rest imports.

Input that is not what it claims (an empty file, an HTML page, a truncated feed, JSON that is
not a JSON Feed, an export line without ``id``) stops the run before any write, with one line.

A ``.jsonl`` source is what ``contentfeed export`` writes: one article per line, put back under
its ``id``.
"""

from __future__ import annotations

import calendar
import json
import math
import mimetypes
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from pydantic import TypeAdapter, ValidationError

from contentfeed.http import media
from contentfeed.logic.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    FALLBACK_WRAPPERS,
    REMOVED_WITH_CONTENT,
    URL_SCHEMES,
    clean_html,
    has_content,
    is_blank,
)
from contentfeed.models.api import (
    MAX_ATTACHMENTS,
    MAX_AUTHORS,
    MAX_CONTENT_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    ArticleId,
    ArticleIn,
    AttachmentIn,
    Guid,
    ImageIn,
    PersonIn,
    PodcastIn,
    Tag,
    name_identity,
)
from contentfeed.rendering.html import absolute_url, absolutize, text_excerpt
from contentfeed.rendering.identity import GUID_NAMESPACE
from contentfeed.text import slugify
from contentfeed_cli.tools.fetch import FetchError, FetchPolicy, fetch
from contentfeed_cli.tools.report import Report, issues
from contentfeed_cli.tools.show import ChannelShow, channel_show, entry_podcast, sync_show
from contentfeed_cli.tools.sink import OUTPUT_FIELDS, ItemFailed, RunAborted, Sink
from contentfeed_cli.tools.sync import Outcome, sync

IMPORT_NAMESPACE = GUID_NAMESPACE
"""``uuid5(NAMESPACE_URL, "https://contentfeed.dev/import")``. Never change it: imported
articles would get new ids, and the next import would duplicate them."""
HTML_TYPES = frozenset({media.HTML, media.XHTML})
EMBEDS = frozenset({"iframe", "video", "audio", "embed", "object"})
"""Elements sanitising removes that stood for media: reported as embeds, by what they showed."""
GONE_WITH_CONTENT = (REMOVED_WITH_CONTENT - EMBEDS) | {"math", "svg", "template"}
"""Elements sanitising removes with all they hold, their text too: its own list, and what its
parser does not take for HTML (MathML, SVG, a template's content)."""
_HOLDERS = EMBEDS | GONE_WITH_CONTENT
"""Elements whose descendants are reported with them, not one by one."""
_URL_ATTRIBUTES = ("href", "src", "srcset", "cite")
_TAGS: TypeAdapter[str] = TypeAdapter(Tag)
_IDS: TypeAdapter[str] = TypeAdapter(ArticleId)
_GUIDS: TypeAdapter[str] = TypeAdapter(Guid)
_LIST_COMMA = re.compile(r",(?=[^\s\d])|(?<!\d),(?=\d)")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_JSON_FEED = "https://jsonfeed.org/version/1"
_TRUNCATION_ERRORS = ("no element found", "unclosed token", "unclosed cdata", "partial character")
_END_SLACK = 8
"""How many bytes before the end of the input an XML error may be and still mean truncation."""
_COUNT = re.compile(r"[0-9]{1,15}")
"""A count as feeds write it: ASCII digits (``str.isdigit`` also takes ``²``, which ``int``
refuses), few enough for any length in bytes or seconds."""


def _count(text: Any) -> int | None:
    """The whole number ``text`` spells, or None."""
    value = str(text or "").strip()
    return int(value) if _COUNT.fullmatch(value) else None


@dataclass(frozen=True, slots=True)
class ImportOptions:
    strict: bool = False
    """Any loss is an error: then nothing is written."""
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    """How a URL source is fetched (see :mod:`contentfeed_cli.tools.fetch`)."""
    show: str | None = None
    """The slug of the show the channel becomes and every entry joins (a podcast)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One entry or line, ready to write (``article``) or not (``skip``, ``problem``)."""

    name: str
    article_id: str = ""
    article: ArticleIn | None = None
    skip: str | None = None
    problem: str | None = None
    losses: tuple[tuple[str, str], ...] = ()
    """``(kind, what)`` for each thing the entry lost on the way in (kind counts in the summary)."""


def read_source(source: str, policy: FetchPolicy) -> bytes:
    """The bytes of a file, or of a URL fetched under ``policy``."""
    if "://" in source:
        try:
            return fetch(source, policy)
        except FetchError as error:
            raise RunAborted(str(error)) from None
    try:
        data = Path(source).read_bytes()
    except OSError as error:
        raise RunAborted(f"cannot read {source}: {error.strerror or error}") from error
    if len(data) > policy.max_bytes:
        raise RunAborted(f"{source} is larger than the limit of {policy.max_bytes:,} bytes")
    return data


# ------------------------------------------------------------ one source entry


@dataclass(slots=True)
class SourceEntry:
    """One entry of any feed format, before it becomes an article."""

    guid: str
    link: str | None
    title: str
    title_is_html: bool
    content: str | None
    summary: str | None
    summary_is_html: bool
    published: datetime | None
    updated: datetime | None
    authors: Sequence[Mapping[str, Any]]
    """``{name, email, url}`` each."""
    tags: list[str]
    media: Sequence[Mapping[str, Any]]
    """Enclosures, attachments and ``media:content``: ``{url, type, length}`` each."""
    language: str | None
    losses: list[tuple[str, str]] = field(default_factory=list)
    duration: int | None = None
    """Playing time in seconds (``itunes:duration``) of the entry's audio or video."""
    podcast: Mapping[str, Any] = field(default_factory=dict)
    """iTunes episode fields, in ``PodcastIn``'s names."""


@dataclass(frozen=True, slots=True)
class FeedDefaults:
    """What an entry takes from its feed when it says nothing itself."""

    link: str
    authors: Sequence[Mapping[str, Any]]
    language: str | None


def _plain(value: str | None, is_html: bool, limit: int) -> tuple[str, bool]:
    """Text of a feed field (tags stripped and entities decoded when it is HTML), and whether
    it had to be cut to ``limit``."""
    if not value:
        return "", False
    full = text_excerpt(value, 10**9) if is_html else " ".join(value.split())
    if len(full) <= limit:
        return full, False
    return text_excerpt(full, limit - 1), True  # its "…" makes it limit long at most


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, a paragraph per blank-line-separated block, a ``<br>`` per
    line break within one."""
    return "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>"
        for part in re.split(r"\n\s*\n", text.strip())
    )


def _http(url: str | None, base: str) -> str | None:
    """``url`` resolved against ``base`` when it is an http(s) URL then (its scheme in lower
    case: ``HTTP://`` is the same URL), else None."""
    if not url:
        return None
    resolved = absolute_url(url.strip().replace(" ", "%20"), base)  # "my episode.mp3"
    scheme = urlsplit(resolved).scheme  # lower case, whatever the URL says
    if scheme not in ("http", "https"):
        return None
    return scheme + resolved[len(scheme) :]


def _people(raw: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, str]], list[str]]:
    """Authors with a name, and what was lost: an unusable e-mail or URL, authors over the limit."""
    people: list[dict[str, str]] = []
    lost: list[str] = []
    for person in raw:
        # RSS 2.0's <author> is an e-mail address, often with no name: it names the author then
        name = " ".join(str(person.get("name") or person.get("email") or "").split())[:120]
        full = {"name": name, "email": person.get("email"), "url": person.get("url")}
        for candidate in (full, {**full, "email": None}, {**full, "url": None}, {"name": name}):
            try:
                PersonIn.model_validate(candidate)
            except ValidationError:
                continue
            dropped = [k for k in ("email", "url") if full[k] and not candidate[k]]
            if dropped:
                lost.append(f"{name}'s unusable {' and '.join(dropped)}")
            people.append({k: v for k, v in candidate.items() if v})
            break
        else:
            if name or full["email"] or full["url"]:
                lost.append(f"author {name or full['email'] or full['url']!r} (no usable name)")
    people = _one_each(people, lost)
    if len(people) > MAX_AUTHORS:
        lost.append(
            f"authors after the first {MAX_AUTHORS}: "
            + ", ".join(p["name"] for p in people[MAX_AUTHORS:])
        )
    return people[:MAX_AUTHORS], lost


def _one_each(people: list[dict[str, str]], lost: list[str]) -> list[dict[str, str]]:
    """Each author once (a feed may name one in ``dc:creator`` and again in ``itunes:author``,
    with an e-mail one time and not the other): the first keeps what a repeat adds; a repeat
    that contradicts it is reported."""
    by_slug: dict[str, dict[str, str]] = {}
    for person in people:
        first = by_slug.setdefault(slugify(person["name"]), person)
        if first is person:
            continue
        for detail in ("email", "url"):
            if detail in person and first.setdefault(detail, person[detail]) != person[detail]:
                lost.append(f"{person['name']}'s other {detail} {person[detail]}")
    return list(by_slug.values())


def _tags(raw: Iterable[str]) -> tuple[list[str], str]:
    """(tags kept, what was dropped and why, or ""): at most :data:`MAX_TAGS`, each a usable tag,
    one per slug. Another spelling of a kept tag ("news" after "News") is that tag; another
    tag with a kept one's slug ("C#" after "C++") would share its feed, so it is dropped."""
    kept: list[str] = []
    dropped: dict[str, list[str]] = {}  # why: tags, in the order met
    by_slug: dict[str, str] = {}
    reported: set[str] = set()
    for tag in raw:
        term = " ".join(str(tag or "").split())
        if not term:
            continue  # an empty category names nothing
        slug = slugify(term)
        why = None
        try:
            _TAGS.validate_python(term)
        except ValidationError:
            why = (
                f"over {MAX_TAG_CHARS} characters"
                if len(term) > MAX_TAG_CHARS
                else "no letter or digit"
                if not slug
                else "not a usable tag"
            )
        else:
            if slug in by_slug:
                if name_identity(by_slug[slug]) == name_identity(term):
                    continue
                why = f"same slug as {by_slug[slug]!r}"
            elif len(kept) == MAX_TAGS:
                why = f"over {MAX_TAGS} tags"
        if why is None:
            by_slug[slug] = term
            kept.append(term)
        elif name_identity(term) not in reported:
            reported.add(name_identity(term))
            dropped.setdefault(why, []).append(repr(term))
    return kept, "; ".join(f"{', '.join(tags)} ({why})" for why, tags in dropped.items())


def _terms(category: str) -> list[str]:
    """The tags one category stands for. Some feeds put a whole list in one element
    (``<category>Interview,Music,Radio</category>``): a comma with no space after it separates
    tags, unless it sits between digits (``1,000``). A comma followed by a space belongs to
    the name (``Geochemistry, Geophysics``)."""
    return _LIST_COMMA.split(category)


def _media(
    media: Sequence[Mapping[str, Any]], base: str, duration: int | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], list[str]]:
    """The article's image (the first usable one), every other medium as an attachment (the
    first audio or video with the duration), and what could not be kept: a medium without a
    type or an http(s) URL, audio or video without a length, more than the limit."""
    image: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = []
    lost: list[str] = []
    for medium in media:
        kind = str(medium.get("type") or "").split(";")[0].strip().lower()
        url = _http(medium.get("url"), base)
        if not kind and url:  # media:content often says nothing (The Guardian): ask the path
            kind = mimetypes.guess_type(urlsplit(url).path)[0] or ""
        written_length = str(medium.get("length") or "").strip()
        length = _count(written_length.replace(",", ""))  # "1,234"
        if image is None and url and (kind.startswith("image/") or medium.get("image")):
            candidate = {"url": url, "type": kind or None, "length": length}
            for attempt in (candidate, {"url": url}):
                try:
                    image = ImageIn.model_validate(attempt).model_dump(exclude_none=True)
                    break
                except ValidationError:
                    continue
            if image is not None:
                continue
        shown = medium.get("url") or "(no URL)"
        if not url or not kind:
            lost.append(f"enclosure {shown}: " + ("no http(s) URL" if not url else "unknown type"))
            continue
        playable = kind.startswith(("audio/", "video/"))
        first_playable = playable and not any(
            a["type"].startswith(("audio/", "video/")) for a in attachments
        )
        if playable and length is None:  # the RSS Best Practices Profile's "size unknown"
            what = f"its length {written_length!r}" if written_length else "its length"
            lost.append(f"enclosure {kind} {shown}: {what}, unknown, is written as 0")
            length = 0
        attachment = {
            "url": url,
            "type": kind,
            "length": length,
            "duration": duration if first_playable else None,
            "title": medium.get("title") or None,
        }
        try:
            kept = AttachmentIn.model_validate(attachment).model_dump(exclude_none=True)
        except ValidationError as error:
            if attachment["duration"] is None:
                lost.append(f"enclosure {kind} {shown}: {issues(error)}")
                continue
            without_duration = {**attachment, "duration": None}
            try:
                kept = AttachmentIn.model_validate(without_duration).model_dump(exclude_none=True)
            except ValidationError as again:
                lost.append(f"enclosure {kind} {shown}: {issues(again)}")
                continue
            lost.append(f"enclosure {kind} {shown}: its duration ({issues(error)})")
        if len(attachments) == MAX_ATTACHMENTS:
            lost.append(f"enclosure {kind} {shown}: over {MAX_ATTACHMENTS} attachments")
            continue
        attachments.append(kept)
    return image, attachments, lost


def _episode(fields: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The valid iTunes episode fields, and those that are not."""
    kept: dict[str, Any] = {}
    lost: list[str] = []
    for name, value in fields.items():
        if value is None or value == "":
            continue
        try:
            PodcastIn.model_validate({name: value})
        except ValidationError:
            lost.append(f"itunes {name} {value!r}")
            continue
        kept[name] = value
    return kept or None, lost


def _seconds(text: Any) -> int | None:
    """``itunes:duration``: seconds, or ``MM:SS`` / ``HH:MM:SS``, each perhaps with a fraction
    (``00:45:12.500``), which is dropped."""
    parts = str(text or "").strip().split(":")
    if len(parts) > 3:
        return None
    parts[-1] = parts[-1].split(".", 1)[0] if parts[-1].count(".") == 1 else parts[-1]
    seconds = 0
    for part in parts:
        number = _count(part)
        if number is None:
            return None
        seconds = seconds * 60 + number
    return seconds


def _language(*candidates: Any) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and _LANGUAGE.match(tag := candidate.replace("_", "-")):
            return tag
    return None


def html_losses(html: str) -> list[tuple[str, str]]:
    """What sanitising will remove from ``html`` that a reader would miss: embeds (by what they
    showed), elements the service does not keep, links with schemes it does not allow.
    Presentational attributes (``class``, ``style``, ``id``…) go without a note."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    embeds: list[str] = []
    removed: Counter[str] = Counter()
    unsafe = 0
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions: never content
        tag = element.tag.lower()
        tag = "img" if tag == "image" else tag  # what every HTML parser makes of <image>
        if tag in EMBEDS:
            source = element.get("src") or element.get("data") or ""
            if not source:
                inner = element.find(".//source")
                source = inner.get("src", "") if inner is not None else ""
            embeds.append(f"{tag} {source}".strip())
        elif tag in FALLBACK_WRAPPERS:
            continue  # unwrapped, what they hold kept: nothing a reader misses
        elif tag not in ALLOWED_TAGS:
            if not any(str(a.tag).lower() in _HOLDERS for a in element.iterancestors()):
                removed[tag] += 1
        else:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set())
            for name in _URL_ATTRIBUTES:
                value = element.get(name)
                scheme = value.split(":", 1)[0].strip().lower() if value else ""
                if (
                    name in allowed
                    and value
                    and ":" in value.split("/", 1)[0]
                    and scheme not in URL_SCHEMES
                ):
                    unsafe += 1
    losses = [("embed", f"embedded {embed} (sanitising keeps at most a link)") for embed in embeds]
    gone = {tag: n for tag, n in removed.items() if tag in GONE_WITH_CONTENT}
    text_kept = {tag: n for tag, n in removed.items() if tag not in GONE_WITH_CONTENT}
    if removed:
        parts = [f"{_tag_list(gone)} with all they held"] if gone else []
        parts += [f"{_tag_list(text_kept)} (their text stays)"] if text_kept else []
        losses.append(("element", "elements " + "; ".join(parts)))
    if unsafe:
        losses.append(("link", f"{unsafe} link(s) with a scheme other than http, https or mailto"))
    return losses


def _tag_list(counts: Mapping[str, int]) -> str:
    return ", ".join(f"<{tag}>" + (f" ×{n}" if n > 1 else "") for tag, n in counts.items())


def entry_item(
    entry: SourceEntry, feed: FeedDefaults
) -> tuple[dict[str, Any] | None, list[tuple[str, str]], str | None]:
    """The ``ArticleIn`` document of one entry, what it lost, and why it is refused (if it is)."""
    losses = list(entry.losses)
    link = _http(entry.link, feed.link)
    if entry.link and link is None and entry.link != entry.guid:  # not feedparser's stand-in
        why = "not an http(s) URL" if feed.link else "relative, and the feed names no base"
        losses.append(("link", f"its link {entry.link!r} ({why})"))
    base = link or feed.link
    html = entry.content
    if html is None and entry.summary:
        html = entry.summary if entry.summary_is_html else text_html(entry.summary)
    summary = None
    if entry.content is not None and entry.summary and entry.summary != entry.content:
        summary, cut = _plain(entry.summary, entry.summary_is_html, 1990)
        if cut:
            losses.append(("text", "the end of its summary (cut to 2,000 characters)"))
    content = absolutize(html, base) if html else None
    if content is not None and len(content) > MAX_CONTENT_CHARS:
        return (
            None,
            losses,
            f"its content has {len(content):,} characters, over the limit of "
            f"{MAX_CONTENT_CHARS:,}: refused (the rest of the feed is imported)",
        )
    if content:
        losses += html_losses(content)
        if has_content(content) and is_blank(clean_html(content)):
            losses.append(("content", "its whole content: nothing is left once sanitised"))
            content = None
    title, cut = _plain(entry.title, entry.title_is_html, 300)
    if cut:
        losses.append(("text", "the end of its title (cut to 300 characters)"))
    title = title or text_excerpt(html or "", 80) or link or entry.guid
    tags, dropped = _tags(entry.tags)
    if dropped:
        losses.append(("tag", "tags " + dropped))
    authors, lost_people = _people(entry.authors)
    losses += [("author", text) for text in lost_people]
    if not entry.authors:
        authors, _ = _people(feed.authors)
    image, attachments, lost_media = _media(entry.media, base, entry.duration)
    losses += [("enclosure", text) for text in lost_media]
    podcast, lost_fields = _episode(entry.podcast)
    losses += [("field", text) for text in lost_fields]
    modified = entry.updated or entry.published
    document: dict[str, Any] = {
        "title": title,
        "summary": summary or None,
        "content_html": content,
        "url": link,
        "authors": authors,
        "tags": tags,
        "image": image,
        "attachments": attachments or None,
        "podcast": podcast,
        "published_at": None if entry.published is None else entry.published.isoformat(),
        "modified_at": None if modified is None else modified.isoformat(),
        "language": _language(entry.language, feed.language),
        "guid": entry.guid,
    }
    return {k: v for k, v in document.items() if v is not None}, losses, None


def build_items(entries: Iterable[tuple[str, SourceEntry | str]], feed: FeedDefaults) -> list[Item]:
    """One item per entry; entries without any id, or repeating one, are skipped (and lost)."""
    items: list[Item] = []
    seen: dict[str, str] = {}
    for name, entry in entries:
        if isinstance(entry, str):
            items.append(Item(name, skip=entry))
            continue
        if not entry.guid:
            items.append(Item(name, skip="it has neither an id (guid) nor a link"))
            continue
        if entry.guid in seen:
            items.append(Item(name, skip=f"it repeats the id {entry.guid} of {seen[entry.guid]}"))
            continue
        seen[entry.guid] = name
        article_id = str(uuid.uuid5(IMPORT_NAMESPACE, entry.guid))
        entry = _with_usable_guid(entry, article_id)
        document, losses, refused = entry_item(entry, feed)
        if document is None:
            losses.append(("too large", "the whole entry"))
            items.append(Item(name, article_id, problem=refused, losses=tuple(losses)))
            continue
        try:
            article = ArticleIn.model_validate(document)
        except ValidationError as error:
            items.append(Item(name, article_id, problem=issues(error), losses=tuple(losses)))
            continue
        items.append(Item(name, article_id, article, losses=tuple(losses)))
    return items


def _with_usable_guid(entry: SourceEntry, article_id: str) -> SourceEntry:
    """The entry, with its link (else ``urn:uuid:`` of its id) as its guid when its own is not
    one the service keeps (a scheme it does not allow, such as ART19's ``gid://…``): the entry
    imports, and the loss says that readers may see it once more."""
    try:
        _GUIDS.validate_python(entry.guid)
    except ValidationError as error:
        link = _http(entry.link, "")
        stand_in = link if link and link != entry.guid else f"urn:uuid:{article_id}"
        why = issues(error)
        loss = (
            "guid",
            f"its id {entry.guid!r} ({why}): its guid is {stand_in}, so readers may see it again",
        )
        return replace(entry, guid=stand_in, losses=[*entry.losses, loss])
    return entry


def _entry_name(number: int, title: str, *, is_html: bool = False) -> str:
    """How progress lines name an entry: its number and the start of its title as text."""
    short, _ = _plain(title, is_html, 60)
    return f"entry {number}" + (f" ({short})" if short else "")


# ------------------------------------------------------------ RSS, RDF, Atom


def _moment(parsed: Any) -> datetime | None:
    """A date feedparser read, or None when it is none or out of range (year 0, year 10,000)."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _feed_date(entry: dict[str, Any], name: str, losses: list[tuple[str, str]]) -> datetime | None:
    """The entry's ``published`` or ``updated`` date; one the source wrote but that is not a
    date (or not one of years 1–9999) is reported, not replaced by the day of the import."""
    # dict.get: feedparser answers one date when asked for the other, which is not what the
    # source said.
    moment = _moment(dict.get(entry, f"{name}_parsed"))
    written = dict.get(entry, name)
    if moment is None and written:
        losses.append(("date", f"{name} {written!r} (not a date it can keep)"))
    return moment


def _truncated(error: Any, data: bytes) -> bool:
    """Whether the XML error is where the input stops: a truncated feed, not a recoverable
    slip feedparser reads around (an undefined entity in a feed written on one line)."""
    message = str(getattr(error, "getMessage", lambda: error)()).lower()
    if any(text in message for text in _TRUNCATION_ERRORS):
        return True
    line = getattr(error, "getLineNumber", lambda: 0)()
    lines = data.rstrip().split(b"\n")
    if not line or line < len(lines):
        return False
    column = getattr(error, "getColumnNumber", lambda: 0)() or 0
    return column >= len(lines[-1].rstrip()) - _END_SLACK


def _not_a_feed(data: bytes, source: str, parsed: Any) -> RunAborted:
    head = data[:4096].lower()
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
    meta = parsed.feed
    source_base = source if urlsplit(source).scheme in ("http", "https") else ""
    defaults = FeedDefaults(
        link=_http(meta.get("link"), source_base) or source_base,
        authors=[_person(a) for a in meta.get("authors") or []],
        language=_language(meta.get("language")),
    )
    extras_by_id = entry_podcast(data) if b"itunes" in data or b"podcast" in data else {}
    entries: list[tuple[str, SourceEntry | str]] = []
    for number, entry in enumerate(parsed.entries, 1):
        enclosures = entry.get("enclosures") or []
        guid = str(  # podcast apps know an episode with neither by its enclosure
            entry.get("id")
            or entry.get("link")
            or (enclosures[0].get("href") if enclosures else "")
        ).strip()
        extras = extras_by_id.get(guid, {})
        title_detail = entry.get("title_detail") or {}
        content = entry.get("content") or []
        summary_detail = entry.get("summary_detail") or {}
        media = [
            {"url": e.get("href"), "type": e.get("type"), "length": e.get("length")}
            for e in enclosures
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
        # Atom's out-of-line content (<content src="…" type="audio/mpeg"/>) is a medium
        media += [{"url": c["src"], "type": c.get("type")} for c in content if c.get("src")]
        if not any(m.get("image") or str(m.get("type") or "").startswith("image/") for m in media):
            # media:thumbnail (YouTube's, reddit's): the picture when the entry has no other
            thumbnails = entry.get("media_thumbnail") or []
            media += [{"url": t.get("url"), "image": True} for t in thumbnails[:1]]
        episode_type = str(entry.get("itunes_episodetype") or "").strip().lower()
        explicit = entry.get("itunes_explicit")
        explicit = explicit if isinstance(explicit, bool) else extras.get("explicit")
        podcast = {
            "episode": _whole(entry.get("itunes_episode")),
            "season": _whole(entry.get("itunes_season")),
            "episode_type": episode_type or None,
            "explicit": explicit,
            "image": (entry.get("image") or {}).get("href") or extras.get("image"),
            "transcripts": extras.get("transcripts"),
            "chapters_url": extras.get("chapters_url"),
        }
        html = (content[0].get("value") if content else None) or None
        written_duration = str(entry.get("itunes_duration") or "").strip()
        duration = _seconds(written_duration)
        summary = entry.get("summary")
        if html and summary == html:  # feedparser's stand-in for a summary the entry lacks
            summary = None
        if html and content[0].get("type") not in HTML_TYPES:  # Atom type="text"
            html = text_html(html)
        losses: list[tuple[str, str]] = []
        losses += [("extension", f"podcast:{name}") for name in extras.get("unread", ())]
        if written_duration and duration is None:
            losses.append(("field", f"itunes duration {written_duration!r} (not H:MM:SS)"))
        published = _feed_date(entry, "published", losses)
        updated = _feed_date(entry, "updated", losses)
        entries.append(
            (
                _entry_name(
                    number,
                    entry.get("title") or "",
                    is_html=title_detail.get("type") in HTML_TYPES,
                ),
                SourceEntry(
                    guid=guid,
                    link=entry.get("link"),
                    title=entry.get("title") or "",
                    title_is_html=title_detail.get("type") in HTML_TYPES,
                    content=html,
                    summary=summary,
                    summary_is_html=summary_detail.get("type") in HTML_TYPES,
                    # An entry with only an updated date (Atom allows it) was published then,
                    # as far as anyone can tell.
                    published=published or updated,
                    updated=updated,
                    authors=[_person(a) for a in entry.get("authors") or [] if a],
                    tags=[
                        term
                        for t in entry.get("tags") or []
                        for term in _terms(str(t.get("term") or ""))
                    ],
                    media=media,
                    language=title_detail.get("language"),
                    duration=duration,
                    podcast=podcast,
                    losses=losses,
                ),
            )
        )
    return entries, defaults


def _whole(text: Any) -> int | str | None:
    """A number from the feed as an int; kept as it was when it is not one (then reported)."""
    value = str(text or "").strip()
    number = _count(value)
    return number if number is not None else (value or None)


def _person(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": raw.get("name"), "email": raw.get("email"), "url": raw.get("href")}


# ------------------------------------------------------------------ JSON Feed


def _json_error(error: json.JSONDecodeError, data: bytes, source: str) -> RunAborted:
    if error.pos >= len(data.decode("utf-8", "replace").rstrip()):
        return RunAborted(
            f"{source}: the JSON ends mid-way; it looks truncated, so nothing was imported"
        )
    return RunAborted(
        f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
    )


def _json_date(value: Any, field_name: str, losses: list[tuple[str, str]]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("z", "Z"))
    except ValueError:
        losses.append(("date", f"{field_name} {value!r} (not an RFC 3339 date)"))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_people(item: Mapping[str, Any], losses: list[tuple[str, str]]) -> list[dict[str, Any]]:
    raw = item.get("authors")
    if raw is None and isinstance(item.get("author"), dict):
        raw = [item["author"]]  # JSON Feed 1.0
    raw = [raw] if isinstance(raw, dict | str) else raw  # one author, not in a list
    raw = [{"name": person} if isinstance(person, str) else person for person in raw or []]
    people = []
    for person in raw if isinstance(raw, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("avatar"):
            losses.append(("author", f"{person.get('name') or 'an author'}'s avatar"))
        people.append({"name": person.get("name"), "url": person.get("url")})
    return people


def _json_tags(raw: Any, losses: list[tuple[str, str]]) -> list[str]:
    """An item's tags: a list of strings (one string is one tag); anything else is reported."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if not isinstance(raw, list):
        losses.append(("tag", f"tags {raw!r} (not a list)"))
        return []
    tags = [str(tag) for tag in raw if isinstance(tag, str | int) and not isinstance(tag, bool)]
    if len(tags) < len(raw):
        losses.append(
            ("tag", ", ".join(repr(t) for t in raw if str(t) not in tags) + " (not text)")
        )
    return tags


def json_feed_entries(
    data: bytes, source: str
) -> tuple[list[tuple[str, SourceEntry | str]], FeedDefaults]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RunAborted(f"{source}: not UTF-8 text, so not a JSON Feed") from None
    except json.JSONDecodeError as error:
        raise _json_error(error, data, source) from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED):
        raise RunAborted(
            f'{source}: JSON, but not a JSON Feed (it has no "version": "{_JSON_FEED}.1")'
        )
    if not isinstance(document.get("items"), list):
        raise RunAborted(f'{source}: a JSON Feed without an "items" list')
    feed_losses: list[tuple[str, str]] = []
    defaults = FeedDefaults(
        link=_http(document.get("home_page_url"), "") or "",
        authors=_json_people(document, feed_losses),
        language=_language(document.get("language")),
    )
    entries: list[tuple[str, SourceEntry | str]] = []
    for number, item in enumerate(document["items"], 1):
        if not isinstance(item, dict):
            entries.append((f"entry {number}", "it is not a JSON object"))
            continue
        losses: list[tuple[str, str]] = []
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            losses.append(("field", f"title {title!r} (not text)"))
            title = None
        name = _entry_name(number, title or "")
        raw_id = item.get("id")
        guid = (
            str(raw_id).strip()
            if isinstance(raw_id, str | int) and not isinstance(raw_id, bool)
            else ""
        )
        link = item.get("url") if isinstance(item.get("url"), str) else None
        if raw_id is not None and not guid:
            if not link:
                entries.append((name, f"its id {raw_id!r} is not a string, and it has no url"))
                continue
            losses.append(("field", f"id {raw_id!r} (not a string: its url is its id)"))
        external = item.get("external_url") if isinstance(item.get("external_url"), str) else None
        if external and link and external != link:
            losses.append(("field", f"external_url {external}"))
        content = item.get("content_html") if isinstance(item.get("content_html"), str) else None
        text = item.get("content_text") if isinstance(item.get("content_text"), str) else None
        if content is None and text:
            content = text_html(text)
        media: list[dict[str, Any]] = []
        duration: int | None = None
        if isinstance(item.get("image"), str):
            media.append({"url": item["image"], "image": True})
        if isinstance(item.get("banner_image"), str):
            losses.append(("field", f"banner_image {item['banner_image']}"))
        attachments = item.get("attachments") or []
        for attachment in [attachments] if isinstance(attachments, dict) else attachments:
            if isinstance(attachment, dict):
                media.append(
                    {
                        "url": attachment.get("url"),
                        "type": attachment.get("mime_type"),
                        "length": attachment.get("size_in_bytes"),
                        "title": attachment.get("title"),
                    }
                )
                seconds = attachment.get("duration_in_seconds")
                if duration is None and isinstance(seconds, int | float) and seconds >= 0:
                    duration = int(seconds) if math.isfinite(seconds) else None
                if seconds is not None and duration is None:
                    losses.append(("field", f"duration_in_seconds {seconds!r}"))
        losses += [
            ("extension", f"extension {key}")
            for key in item
            if isinstance(key, str) and key.startswith("_")
        ]
        entries.append(
            (
                name,
                SourceEntry(
                    guid=guid or (link or ""),
                    link=link or external,
                    title=title or "",
                    title_is_html=False,
                    content=content,
                    summary=item.get("summary") if isinstance(item.get("summary"), str) else None,
                    summary_is_html=False,
                    published=_json_date(item.get("date_published"), "date_published", losses),
                    updated=_json_date(item.get("date_modified"), "date_modified", losses),
                    authors=_json_people(item, losses),
                    tags=_json_tags(item.get("tags"), losses),
                    media=media,
                    language=item.get("language")
                    if isinstance(item.get("language"), str)
                    else None,
                    losses=losses,
                    duration=duration,
                ),
            )
        )
    return entries, defaults


# ------------------------------------------------------------------ exports


def jsonl_items(data: bytes, source: str) -> list[Item]:
    """One item per line of an export; ``created_at``, ``updated_at``, ``version`` are ignored.

    A line that is not a JSON object with an ``id`` means the file is not an export: the run
    stops before any write. An article that is not valid fails alone.
    """
    items: list[Item] = []
    name = Path(source).name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RunAborted(f"{source}: not UTF-8 text, so not an export") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            raise RunAborted(f"{where}: not a JSON line ({error}); nothing was imported") from None
        if not isinstance(record, dict):
            raise RunAborted(f"{where}: not a JSON object; nothing was imported")
        if "id" not in record:
            raise RunAborted(
                f"{where}: no id (every line of an export has one); nothing was imported"
            )
        try:
            article_id = _IDS.validate_python(record["id"])
        except ValidationError as error:
            raise RunAborted(
                f"{where}: its id is not valid ({issues(error)}); nothing was imported"
            ) from None
        fields = {k: v for k, v in record.items() if k not in OUTPUT_FIELDS}
        label = f"{name}:{number} ({str(fields.get('title') or '')[:60]})"
        try:
            article = ArticleIn.model_validate(fields)
        except ValidationError as error:
            items.append(Item(label, article_id, problem=issues(error)))
            continue
        items.append(Item(label, article_id, article))
    return items


# ------------------------------------------------------------------ the run


def _is_jsonl(source: str) -> bool:
    return urlsplit(source).path.endswith(".jsonl")


def parse_items(data: bytes, source: str) -> list[Item]:
    """Every item of ``source``; :class:`RunAborted` when it is not what it claims to be."""
    if not data.strip():
        raise RunAborted(f"{source}: the file is empty")
    if _is_jsonl(source):
        return jsonl_items(data, source)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        entries, defaults = json_feed_entries(data, source)
    else:
        entries, defaults = feed_entries(data, source)
    return build_items(entries, defaults)


def run_import(
    source: str, sink: Sink, report: Report, options: ImportOptions | None = None
) -> int:
    """Import a feed or an export; the exit code is 1 when any item failed (or, with
    ``strict``, lost anything)."""
    options = options or ImportOptions()
    channel: ChannelShow | None = None
    try:
        data = read_source(source, options.fetch)
        items = parse_items(data, source)
        if options.show is not None:
            channel = channel_show(data, source)
            items = [_joining(item, options.show) for item in items]
    except RunAborted as error:
        report.abort(str(error))
        return report.exit_code
    if options.strict:
        faulty = [item for item in items if item.losses or item.article is None]
        if faulty or (channel is not None and channel.losses):
            for item in faulty:
                for problem in _faults(item):
                    report.note(f"{item.name}: {problem}")
            for loss in channel.losses if channel is not None else ():
                report.note(f"show {options.show}: lost {loss}")
            what = f"{len(faulty)} of {len(items)} entries"
            if channel is not None and channel.losses:
                what += " and the show"
            report.abort(f"--strict: {what} would lose something or fail; nothing was written")
            return report.exit_code
    try:
        if channel is not None and options.show is not None:
            outcome, notes = sync_show(sink, options.show, channel)
            for note in notes:
                report.lost(f"show {options.show}", "show", note)
            report.note(f"show {options.show}: {outcome}")
    except RunAborted as error:
        report.abort(str(error))
        return report.exit_code
    report.start(len(items))
    try:
        for item in items:
            _write(item, sink, report)
    except RunAborted as error:
        report.abort(str(error))
    return report.finish()


def _joining(item: Item, show: str) -> Item:
    """``item`` as an episode of ``show``."""
    if item.article is None:
        return item
    return replace(item, article=item.article.model_copy(update={"show": show}))


def _faults(item: Item) -> list[str]:
    return (
        [f"lost {what}" for _, what in item.losses]
        + ([f"skipped: {item.skip}"] if item.skip else [])
        + ([item.problem] if item.problem and item.article is None else [])
    )


def _write(item: Item, sink: Sink, report: Report) -> None:
    for kind, what in item.losses:
        report.lost(item.name, kind, what, show=kind != "too large")
    if item.skip is not None:
        report.lost(item.name, "skipped", item.skip, show=False)
        report.item(item.name, Outcome.SKIPPED, item.skip)
        return
    if item.article is None:
        report.failed(item.name, [item.problem or "invalid"])
        return
    try:
        outcome, changed = sync(sink, item.article_id, item.article)
    except ItemFailed as error:
        report.failed(item.name, [str(error)])
        return
    report.item(item.name, outcome, ", ".join(changed))
