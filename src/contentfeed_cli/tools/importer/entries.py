"""One entry of any source format, as the article it becomes.

A format's reader (:mod:`.rss_atom`, :mod:`.json_feed`) fills a :class:`SourceEntry` with what
the source says; :func:`build_items` makes each an ``ArticleIn`` document: links resolved,
authors and tags made usable, enclosures sorted into image and attachments, and everything the
entry loses on the way reported with it (:class:`Item`). An entry that cannot be kept is
refused alone, with the reason.
"""

from __future__ import annotations

import html
import mimetypes
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from contentfeed.http import media
from contentfeed.logic.sanitize import (
    clean_html,
    has_content,
    is_blank,
)
from contentfeed.models.api import (
    MAX_ATTACHMENTS,
    MAX_AUTHORS,
    MAX_NAME_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    MAX_TITLE_CHARS,
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
from contentfeed_cli.tools.importer.cut import fitted
from contentfeed_cli.tools.importer.losses import html_losses
from contentfeed_cli.tools.report import issues

IMPORT_NAMESPACE = GUID_NAMESPACE
"""``uuid5(NAMESPACE_URL, "https://contentfeed.dev/import")``. Never change it: imported
articles would get new ids, and the next import would duplicate them."""
HTML_TYPES = frozenset({media.HTML, media.XHTML})
_TAGS: TypeAdapter[str] = TypeAdapter(Tag)
_GUIDS: TypeAdapter[str] = TypeAdapter(Guid)
_LIST_COMMA = re.compile(r",(?=[^\s\d])|(?<!\d),(?=\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters but the whitespace ones: text shows none of them."""
REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
"""A character reference (``&amp;``, ``&#039;``)."""
MARKUP = re.compile(r"<[A-Za-z/!?]")
"""The start of a tag, a comment or a processing instruction."""
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_COUNT = re.compile(r"[0-9]{1,15}")
"""A count as feeds write it: ASCII digits (``str.isdigit`` also takes ``²``, which ``int``
refuses), few enough for any length in bytes or seconds."""


def count(text: Any) -> int | None:
    """The whole number ``text`` spells, or None."""
    value = str(text or "").strip()
    return int(value) if _COUNT.fullmatch(value) else None


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


def plain(value: str | None, is_html: bool, limit: int) -> tuple[str, bool]:
    """Text of a feed field (tags stripped and entities decoded when it is HTML), and whether
    it had to be cut to ``limit``."""
    if not value:
        return "", False
    value = _CONTROL.sub("", value)  # a backspace in a title: nothing a reader would see
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


def _percent(found: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in found[0].encode())


def unescaped(text: str) -> str:
    """Plain text with its character references decoded when it holds some and no markup: a
    feed escaped twice (``Miller &amp;amp; Blankley``, WordPress's JSON Feed ``I&#039;m``) meant
    the character. A text that is literally ``<i> and <b>`` stays as it is."""
    if REFERENCE.search(text) and not MARKUP.search(text):
        return html.unescape(text)
    return text


def http_url(url: Any, base: str) -> str | None:
    """``url`` resolved against ``base`` when it is an http(s) URL then (its scheme in lower
    case: ``HTTP://`` is the same URL), else None (for anything but text too: a JSON Feed may
    give an object)."""
    if not url or not isinstance(url, str):
        return None
    # As a browser reads it: without tabs and line breaks, other controls and spaces encoded
    written = _CONTROL.sub(_percent, url.strip().replace("\t", "").replace("\n", ""))
    resolved = absolute_url(written.replace("\r", "").replace(" ", "%20"), base)
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
        name, cut = plain(
            str(person.get("name") or person.get("email") or ""), False, MAX_NAME_CHARS
        )
        if cut:
            lost.append(
                f"the end of an author's name (cut to {MAX_NAME_CHARS} characters: {name!r})"
            )
        full = {"name": name, "email": person.get("email"), "url": person.get("url")}
        for candidate in (full, {**full, "email": None}, {**full, "url": None}, {"name": name}):
            try:
                PersonIn.model_validate(candidate)
            except ValidationError:
                continue
            dropped = [k for k in ("email", "url") if full[k] and not candidate.get(k)]
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


def split_terms(category: str) -> list[str]:
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
    seen: set[str] = set()
    for medium in media:
        kind = str(medium.get("type") or "").split(";")[0].strip().lower()
        kind = "" if kind in HTML_TYPES else kind  # a page is no enclosure: feedparser's default
        url = http_url(medium.get("url"), base)
        if url in seen:
            continue  # the same file again (Typepad lists an entry's enclosure three times)
        seen.update([url] if url else [])
        if not kind and url:  # media:content often says nothing (The Guardian): ask the path
            kind = mimetypes.guess_type(urlsplit(url).path)[0] or ""
        written_length = str(medium.get("length") or "").strip()
        length = count(written_length.replace(",", ""))  # "1,234"
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


def language_tag(*candidates: Any) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and _LANGUAGE.match(tag := candidate.replace("_", "-")):
            return tag
    return None


def entry_item(
    entry: SourceEntry, feed: FeedDefaults
) -> tuple[dict[str, Any] | None, list[tuple[str, str]], str | None]:
    """The ``ArticleIn`` document of one entry, what it lost, and why it is refused (if it is)."""
    losses = list(entry.losses)
    link = http_url(entry.link, feed.link)
    if entry.link and link is None and entry.link != entry.guid:  # not feedparser's stand-in
        why = "not an http(s) URL" if feed.link else "relative, and the feed names no base"
        losses.append(("link", f"its link {entry.link!r} ({why})"))
    base = link or feed.link
    html = entry.content
    if html is None and entry.summary:
        html = entry.summary if entry.summary_is_html else text_html(entry.summary)
    summary = None
    if entry.content is not None and entry.summary and entry.summary != entry.content:
        # a little short of the limit: the excerpt's cut ("…") must not push it over
        summary, cut = plain(entry.summary, entry.summary_is_html, MAX_SUMMARY_CHARS - 10)
        if cut:
            losses.append(
                ("text", f"the end of its summary (cut to {MAX_SUMMARY_CHARS:,} characters)")
            )
    content = absolutize(html, base) if html else None
    if content:
        losses += html_losses(content)
        cleaned = clean_html(content)  # measured as stored: inline SVG costs nothing
        if has_content(content) and is_blank(cleaned):
            losses.append(("content", "its whole content: nothing is left once sanitised"))
            content = None
        else:
            content = cleaned
    title, cut = plain(entry.title, entry.title_is_html, MAX_TITLE_CHARS)
    if cut:
        losses.append(("text", f"the end of its title (cut to {MAX_TITLE_CHARS} characters)"))
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
        "language": language_tag(entry.language, feed.language),
        "guid": entry.guid,
    }
    document = {k: v for k, v in document.items() if v is not None}
    if content is None:
        return document, losses, None
    document, shortened = fitted(document)
    if document["content_html"] is None:
        return None, losses, f"{shortened}: refused (the rest of the feed is imported)"
    if shortened:
        losses.append(("too large", shortened))
    return document, losses, None


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
        link = http_url(entry.link, "")
        stand_in = link if link and link != entry.guid else f"urn:uuid:{article_id}"
        why = issues(error)
        loss = (
            "guid",
            f"its id {entry.guid!r} ({why}): its guid is {stand_in}, so readers may see it again",
        )
        return replace(entry, guid=stand_in, losses=[*entry.losses, loss])
    return entry


def entry_name(number: int, title: str, *, is_html: bool = False) -> str:
    """How progress lines name an entry: its number and the start of its title as text."""
    short, _ = plain(title, is_html, 60)
    return f"entry {number}" + (f" ({short})" if short else "")
