"""``contentfeed import FEED --show SLUG``: the podcast's channel becomes the show ``SLUG``.

The channel's iTunes and Podcasting 2.0 fields (title, ``itunes:summary``/``description``,
``itunes:author``, ``itunes:owner``, ``itunes:image``, nested ``itunes:category``,
``itunes:explicit``, ``itunes:type``, ``itunes:complete``, ``podcast:locked``,
``podcast:funding``, ``podcast:guid``) create or update the show, and every imported entry
joins it. The show keeps the podcast's identity: ``podcast:guid`` when the feed has one, else
PSP-1's UUIDv5 of the feed's own URL (its ``atom:link rel="self"``, else the URL it was
fetched from), which is what apps and directories computed for the old feed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from contentfeed.models.api import ShowIn
from contentfeed.models.categories import category_problem
from contentfeed.models.show import podcast_guid
from contentfeed.rendering.html import absolute_url, text_excerpt
from contentfeed_cli.tools.report import issues
from contentfeed_cli.tools.sink import ItemFailed, RunAborted, Sink

ITUNES_URI = "http://www.itunes.com/dtds/podcast-1.0.dtd"
"""Apple's iTunes namespace; feeds also write it ``…/DTDs/Podcast-1.0.dtd``, which readers
(and feedparser) take as the same."""
ITUNES = "{" + ITUNES_URI + "}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True, slots=True)
class ChannelShow:
    """The show a channel describes: its document, and what the channel could not give."""

    document: dict[str, Any]
    losses: tuple[str, ...]


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def _yes(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("yes", "true", "explicit"):
        return True
    if value in ("no", "false", "clean"):
        return False
    return None


def _tree(data: bytes) -> Any:
    """The feed's XML (recovering what it can, resolving no entity), with the iTunes namespace
    in whatever case it was written renamed to :data:`ITUNES`; None when nothing is readable."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag.startswith(ITUNES):
            continue
        if tag.startswith("itunes:"):  # the prefix used without its declaration, as feeds do
            element.tag = ITUNES + tag.removeprefix("itunes:")
        elif tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            if uri.lower() == ITUNES_URI.lower():
                element.tag = ITUNES + local
    return root


def entry_podcast(data: bytes) -> dict[str, dict[str, Any]]:
    """Episode fields feedparser does not read, for each item that has any, by its guid (Atom:
    id), else its link, else its enclosure's URL, as the importer keys entries, and by its
    enclosure's URL too (the key of items without a guid that share one link): ``explicit`` in every value Apple
    documents (``true``/``false``, and the older ``yes``, ``no``, ``clean``; feedparser reads
    only ``yes`` and ``clean``), ``image`` written as ``itunes:image``'s text, the Podcast
    Index ``transcripts`` and ``chapters_url``, and the names of the Podcast Index elements the
    service does not keep (``unread``: ``person``, ``soundbite``…)."""
    root = _tree(data)
    found: dict[str, dict[str, Any]] = {}
    for item in root.iter() if root is not None else ():
        if not isinstance(item.tag, str) or _local(item.tag) not in ("item", "entry"):
            continue
        fields: dict[str, Any] = {}
        explicit = item.find(f"{ITUNES}explicit")
        if explicit is not None and _yes(explicit.text or "") is not None:
            fields["explicit"] = _yes(explicit.text or "")
        image = item.find(f"{ITUNES}image")
        if image is not None and not image.get("href") and _text(image, "."):
            fields["image"] = _text(image, ".")
        transcripts = [
            {"url": t.get("url"), "type": t.get("type"), "language": t.get("language")}
            for t in item.findall(f"{PODCAST}transcript")
        ]
        if transcripts:
            fields["transcripts"] = transcripts
        chapters = item.find(f"{PODCAST}chapters")
        if chapters is not None and chapters.get("url"):
            fields["chapters_url"] = chapters.get("url")
        unread = {
            _local(child.tag)
            for child in item
            if isinstance(child.tag, str) and child.tag.startswith(PODCAST)
        } - {"transcript", "chapters"}
        if unread:
            fields["unread"] = sorted(unread)
        children = {
            _local(child.tag): (child.text or child.get("href") or child.get("url") or "").strip()
            for child in reversed(item)  # the first of each name wins
            if isinstance(child.tag, str)
        }
        key = next(filter(None, (children.get(n) for n in ("guid", "id", "link", "enclosure"))), "")
        for name in {key, children.get("enclosure", "")} - {""} if fields else ():
            found.setdefault(name, fields)  # by its enclosure too: items may share a link
    return found


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def _artwork(channel: Any, home: str, losses: list[str]) -> str | None:
    """The show's artwork: ``itunes:image`` (its ``href``, as Apple documents it, or its text,
    as some write it), resolved against the channel's link; else, or when that is no http(s)
    URL (``file://…``), the RSS ``<image>``, as older feeds give it (reported)."""
    image = channel.find(f"{ITUNES}image")
    written = "" if image is None else (image.get("href") or _text(image, ".")).strip()
    fallback = _text(channel, "image/url")
    for number, candidate in enumerate((written, fallback)):
        url = absolute_url(candidate, home) if candidate and home else candidate
        if urlsplit(url).scheme.lower() in ("http", "https"):
            if number and written:
                losses.append(f"itunes:image {written!r}: not an http(s) URL (the RSS <image>)")
            elif number:
                losses.append("no itunes:image: the artwork is the RSS <image>")
            return url
    if written:
        losses.append(f"itunes:image {written!r}: not an http(s) URL")
    return None


def channel_show(data: bytes, source: str) -> ChannelShow:
    """The ``ShowIn`` document the channel of the RSS feed ``data`` describes."""
    root = _tree(data)
    channel = root.find("channel") if root is not None else None
    if channel is None:
        raise RunAborted(f"{source}: --show needs an RSS feed with a <channel> (a podcast feed)")
    losses: list[str] = []
    # the fuller of the two: either may be a placeholder ("Summary") or a cut-down copy
    description = max(
        (text_excerpt(_text(channel, name), 4000) for name in (f"{ITUNES}summary", "description")),
        key=len,
    )
    owner = channel.find(f"{ITUNES}owner")
    categories: list[dict[str, Any]] = []
    for element in channel.findall(f"{ITUNES}category"):
        name = element.get("text") or ""
        if not name.strip():
            continue  # an empty category names nothing
        subs = [sub.get("text") or "" for sub in element.findall(f"{ITUNES}category")]
        sub = next((s for s in subs if category_problem(name, s) is None), None)
        if category_problem(name, sub) is not None:
            with_subs = f" (with {', '.join(repr(other) for other in subs)})" if subs else ""
            losses.append(f"category {name!r}{with_subs}: not one of Apple's categories")
            continue
        categories.append({"name": name, "subcategory": sub})
        for other in subs:
            if other != sub:
                why = (
                    "a category keeps one"
                    if category_problem(name, other) is None
                    else f"not one of Apple's subcategories of {name!r}"
                )
                losses.append(f"subcategory {other!r} of {name!r}: {why}")
    home = _text(channel, "link")
    funding = [
        {
            "url": absolute_url(f.get("url") or "", home) if home else f.get("url"),
            "text": text_excerpt(" ".join((f.text or "").split()) or f.get("url") or "", 128),
        }
        for f in channel.findall(f"{PODCAST}funding")
    ]
    self_link = next(
        (
            link.get("href")
            for link in channel.findall(f"{ATOM}link")
            if link.get("rel") == "self" and link.get("href")
        ),
        None,
    )
    feed_url = self_link or (source if urlsplit(source).scheme in ("http", "https") else None)
    guid = _text(channel, f"{PODCAST}guid").lower() or (
        podcast_guid(feed_url) if feed_url else None
    )
    show_type = _text(channel, f"{ITUNES}type").lower()
    author = _text(channel, f"{ITUNES}author") or _text(channel, "managingEditor")
    document: dict[str, Any] = {
        "title": _text(channel, "title"),
        "description": description,
        "author": author,
        "owner": None
        if owner is None
        else {
            "name": _text(owner, f"{ITUNES}name") or author,
            "email": _text(owner, f"{ITUNES}email") or None,
        },
        "image": _artwork(channel, home, losses),
        "categories": categories,
        "explicit": _yes(_text(channel, f"{ITUNES}explicit")),
        "language": _text(channel, "language").replace("_", "-") or None,
        "type": show_type if show_type in ("episodic", "serial") else None,
        "complete": _yes(_text(channel, f"{ITUNES}complete")),
        "locked": _yes(_text(channel, f"{PODCAST}locked")),
        "funding": funding,
        "guid": guid,
    }
    return ChannelShow({k: v for k, v in document.items() if v not in (None, "")}, tuple(losses))


OPTIONAL = frozenset({"language", "funding", "guid", "explicit", "type", "complete", "locked"})
"""Show fields a channel may lose (each reported) rather than stop the import: the show has a
default for each."""


def _repaired(document: dict[str, Any], notes: list[str]) -> ShowIn:
    """The show ``document`` makes, once it has lost what is invalid in its optional fields (a
    language Apple would not take, a funding link that is not a URL…), each loss in ``notes``;
    :class:`ValidationError` when a field it needs is invalid."""
    for _ in range(len(OPTIONAL) + 1):
        try:
            return ShowIn.model_validate(document)
        except ValidationError as error:
            issues = error.errors(include_url=False)
            if not all(issue["loc"] and issue["loc"][0] in OPTIONAL for issue in issues):
                raise
            dropped: dict[str, set[int]] = {}
            for issue in issues:
                name, rest = str(issue["loc"][0]), issue["loc"][1:]
                dropped.setdefault(name, set())
                if rest and isinstance(rest[0], int) and isinstance(document[name], list):
                    dropped[name].add(rest[0])
            for name, indexes in dropped.items():
                if indexes:
                    for index in sorted(indexes, reverse=True):
                        notes.append(f"{name} {document[name][index]!r}: not valid")
                        del document[name][index]
                else:
                    notes.append(f"{name} {document.pop(name)!r}: not valid")
    return ShowIn.model_validate(document)


def _same(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    return sorted(k for k, v in wanted.items() if current.get(k) != v)


def sync_show(sink: Sink, slug: str, channel: ChannelShow) -> tuple[str, list[str]]:
    """Create or update the show ``slug`` from the channel: ``(what happened, notes)``.

    A channel that cannot make a valid show leaves an existing show as it is (with a note);
    with no show yet, the run stops, as no episode could join it.
    """
    notes = list(channel.losses)
    current = sink.get_show(slug)
    document = dict(channel.document)
    if current is not None and current.get("guid") and document.get("guid") != current["guid"]:
        if document.get("guid"):
            notes.append(
                f"podcast:guid {document['guid']}: the show keeps its own, {current['guid']}"
            )
        document["guid"] = current["guid"]
    try:
        show = _repaired(document, notes)
    except ValidationError as error:
        if current is None:
            raise RunAborted(
                f"--show {slug}: this feed's channel cannot make the show ({issues(error)}); "
                f"create it with PUT /shows/{slug}, then import again"
            ) from None
        notes.append(f"the show was left as it was: the channel lacks {issues(error)}")
        return "unchanged", notes
    wanted = show.model_dump(mode="json", exclude_none=True)
    if current is not None:
        changed = _same(wanted, current)
        if not changed:
            return "unchanged", notes
    try:
        created = sink.put_show(slug, show)
    except ItemFailed as error:
        raise RunAborted(f"--show {slug}: {error}") from None
    return ("created" if created else "updated"), notes
