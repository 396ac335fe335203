"""``contentfeed import SOURCE``: articles from an RSS 2.0 or Atom feed, or from an export.

Feed entries keep the id their readers know them by: the entry's guid (``<guid>``, Atom
``<id>``, else its link) becomes the article's ``guid``, which every feed we serve shows as the
item id, and the article's own id is ``uuid5(IMPORT_NAMESPACE, guid)``, the same on every run.
Running an import again therefore updates the same articles, and writes only those that changed.

A ``.jsonl`` source is what ``contentfeed export`` writes: one article per line, put back under
its ``id``.
"""

from __future__ import annotations

import calendar
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from pydantic import TypeAdapter, ValidationError

from contentfeed.http import media
from contentfeed.models.api import (
    GUID_PATTERN,
    ArticleId,
    ArticleIn,
    ImageIn,
    PersonIn,
    Tag,
)
from contentfeed.rendering.html import absolute_url, absolutize, text_excerpt
from contentfeed.text import slugify
from contentfeed_cli.tools.fetch import FetchError, FetchPolicy, fetch
from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.sink import OUTPUT_FIELDS, ItemFailed, RunAborted, Sink
from contentfeed_cli.tools.sync import Outcome, sync

IMPORT_NAMESPACE = uuid.UUID("b90328c8-a578-55c4-8dca-eb8aea010cc6")
"""``uuid5(NAMESPACE_URL, "https://contentfeed.dev/import")``. Never change it: imported
articles would get new ids, and the next import would duplicate them."""
HTML_TYPES = frozenset({media.HTML, media.XHTML})
_TAGS: TypeAdapter[str] = TypeAdapter(Tag)
_IDS: TypeAdapter[str] = TypeAdapter(ArticleId)
_GUID = re.compile(GUID_PATTERN)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")


@dataclass(frozen=True, slots=True)
class Item:
    """One entry or line, ready to write (``article``) or not (``skip`` or ``problem``)."""

    name: str
    article_id: str = ""
    article: ArticleIn | None = None
    skip: str | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportOptions:
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    """How a URL source is fetched (see :mod:`contentfeed_cli.tools.fetch`)."""


def read_source(source: str, policy: FetchPolicy) -> bytes:
    """The bytes of a file, or of a URL fetched under ``policy``."""
    if "://" in source:
        try:
            return fetch(source, policy)
        except FetchError as error:
            raise RunAborted(str(error)) from None
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise RunAborted(f"cannot read {source}: {error.strerror or error}") from error
    if len(data) > policy.max_bytes:
        raise RunAborted(f"{source} is larger than the limit of {policy.max_bytes:,} bytes")
    return data


def _issues(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc'])}: {item['msg'].removeprefix('Value error, ')}"
        for item in error.errors(include_url=False)
    )


# ------------------------------------------------------------------- feeds


def _plain(value: str | None, kind: str | None, limit: int) -> str:
    """Text of a feed field: tags stripped and entities decoded when it is HTML."""
    if not value:
        return ""
    if kind in HTML_TYPES:
        return text_excerpt(value, limit)
    text = " ".join(value.split())
    return text if len(text) <= limit else text_excerpt(text, limit)


def _http(url: str | None, base: str) -> str | None:
    if not url:
        return None
    resolved = absolute_url(url, base)
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


def _people(raw: Any) -> list[dict[str, str]]:
    """Authors with a name; an unusable e-mail or URL is dropped, not the author."""
    people = []
    for person in raw or []:
        name = " ".join(str(person.get("name") or "").split())[:120]
        full = {"name": name, "email": person.get("email"), "url": person.get("href")}
        for candidate in (full, {**full, "email": None}, {**full, "url": None}, {"name": name}):
            try:
                PersonIn.model_validate(candidate)
            except ValidationError:
                continue
            people.append({k: v for k, v in candidate.items() if v})
            break
    return people[:5]


def _tags(raw: Any) -> tuple[list[str], list[str]]:
    """(tags kept, tags dropped): at most 10, distinct as slugs, each a usable tag."""
    kept: list[str] = []
    dropped: list[str] = []
    slugs: set[str] = set()
    for tag in raw or []:
        term = " ".join(str(tag.get("term") or "").split())
        try:
            _TAGS.validate_python(term)
        except ValidationError:
            dropped.append(term)
            continue
        if slugify(term) in slugs:
            continue
        if len(kept) == 10:
            dropped.append(term)
            continue
        slugs.add(slugify(term))
        kept.append(term)
    return kept, dropped


def _image(entry: Any, base: str) -> dict[str, Any] | None:
    """The first image enclosure (``{url, type, length}``), else an image ``media:content``."""
    candidates = [
        {"url": e.get("href"), "type": e.get("type"), "length": e.get("length")}
        for e in entry.get("enclosures") or []
        if str(e.get("type") or "").startswith("image/")
    ]
    candidates += [
        {"url": m.get("url"), "type": m.get("type")}
        for m in entry.get("media_content") or []
        if m.get("medium") == "image" or str(m.get("type") or "").startswith("image/")
    ]
    for candidate in candidates:
        url = _http(candidate["url"], base)
        length = str(candidate.get("length") or "")
        image = {
            "url": url,
            "type": candidate["type"] or None,
            "length": int(length) if length.isdigit() else None,
        }
        for attempt in (image, {"url": url}):
            try:
                return ImageIn.model_validate(attempt).model_dump(exclude_none=True)
            except ValidationError:
                continue
    return None


def _language(*candidates: Any) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and _LANGUAGE.match(tag := candidate.replace("_", "-")):
            return tag
    return None


@dataclass(frozen=True, slots=True)
class FeedDefaults:
    """What an entry takes from its feed when it says nothing itself."""

    link: str
    authors: list[dict[str, str]]
    language: str | None


def entry_document(entry: Any, guid: str, feed: FeedDefaults) -> tuple[dict[str, Any], list[str]]:
    """The ``ArticleIn`` document of one feedparser entry, and notes on what was dropped."""
    notes: list[str] = []
    link = _http(entry.get("link"), feed.link)
    base = link or feed.link
    content = entry.get("content") or []
    html = content[0].get("value") if content else entry.get("summary")
    summary_detail = entry.get("summary_detail") or {}
    summary = None
    if content and entry.get("summary") and entry.get("summary") != html:
        summary = _plain(entry.get("summary"), summary_detail.get("type"), 1990) or None
    title_detail = entry.get("title_detail") or {}
    title = _plain(entry.get("title"), title_detail.get("type"), 300)
    title = title or text_excerpt(html or "", 80) or link or guid
    tags, dropped = _tags(entry.get("tags"))
    if dropped:
        notes.append("dropped tags: " + ", ".join(repr(tag) for tag in dropped))
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    document: dict[str, Any] = {
        "title": title,
        "summary": summary,
        "content_html": absolutize(html, base) if html else None,
        "url": link,
        "authors": _people(entry.get("authors")) or feed.authors,
        "tags": tags,
        "image": _image(entry, base),
        "published_at": None
        if moment is None
        else datetime.fromtimestamp(calendar.timegm(moment), UTC).isoformat(),
        "language": _language(title_detail.get("language"), feed.language),
    }
    if len(guid) <= 512 and _GUID.match(guid):
        document["guid"] = guid
    else:
        notes.append(
            f"its guid {guid!r} is not an absolute IRI, which Atom needs: it gets a new feed id "
            "(readers of the old feed see it once more)"
        )
    return {k: v for k, v in document.items() if v is not None}, notes


def feed_items(data: bytes, source: str) -> list[Item]:
    """One item per entry; entries without any id, or repeating one, are skipped."""
    # Bytes, not the URL: feedparser then knows no base but xml:base, and relative links are
    # resolved against each entry's own link (or the feed's), where they point.
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise RunAborted(f"{source} is not an RSS or Atom feed: {parsed.get('bozo_exception')}")
    meta = parsed.feed
    source_base = source if urlsplit(source).scheme in ("http", "https") else ""
    defaults = FeedDefaults(
        link=_http(meta.get("link"), source_base) or source_base,
        authors=_people(meta.get("authors")),
        language=_language(meta.get("language")),
    )
    items: list[Item] = []
    seen: dict[str, str] = {}
    for number, entry in enumerate(parsed.entries, 1):
        title = _plain(entry.get("title"), (entry.get("title_detail") or {}).get("type"), 60)
        name = f"entry {number}" + (f" ({title})" if title else "")
        guid = str(entry.get("id") or entry.get("link") or "").strip()
        if not guid:
            items.append(Item(name, skip="it has neither a guid (Atom id) nor a link"))
            continue
        if guid in seen:
            items.append(Item(name, skip=f"it repeats the guid {guid} of {seen[guid]}"))
            continue
        seen[guid] = name
        article_id = str(uuid.uuid5(IMPORT_NAMESPACE, guid))
        document, notes = entry_document(entry, guid, defaults)
        try:
            article = ArticleIn.model_validate(document)
        except ValidationError as error:
            items.append(Item(name, article_id, problem=_issues(error)))
            continue
        items.append(Item(name, article_id, article, notes=tuple(notes)))
    return items


# ------------------------------------------------------------------ exports


def jsonl_items(data: bytes, source: str) -> list[Item]:
    """One item per line of an export; ``created_at``, ``updated_at``, ``version`` are ignored."""
    items: list[Item] = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        name = f"{Path(source).name}:{number}"
        try:
            record = json.loads(line)
            article_id = _IDS.validate_python(
                record.get("id") if isinstance(record, dict) else None
            )
        except ValueError as error:  # JSONDecodeError and ValidationError are ValueErrors
            detail = _issues(error) if isinstance(error, ValidationError) else str(error)
            items.append(Item(name, problem=f"not an exported article: {detail}"))
            continue
        fields = {k: v for k, v in record.items() if k not in OUTPUT_FIELDS}
        title = str(fields.get("title") or "")[:60]
        try:
            article = ArticleIn.model_validate(fields)
        except ValidationError as error:
            items.append(Item(f"{name} ({title})", article_id, problem=_issues(error)))
            continue
        items.append(Item(f"{name} ({title})", article_id, article))
    return items


def _is_jsonl(source: str) -> bool:
    return urlsplit(source).path.endswith(".jsonl")


def run_import(
    source: str, sink: Sink, report: Report, options: ImportOptions | None = None
) -> int:
    """Import a feed or an export; the exit code is 1 when any item failed."""
    options = options or ImportOptions()
    try:
        data = read_source(source, options.fetch)
        items = jsonl_items(data, source) if _is_jsonl(source) else feed_items(data, source)
        report.start(len(items))
        for item in items:
            _write(item, sink, report)
    except RunAborted as error:
        report.abort(str(error))
    return report.finish()


def _write(item: Item, sink: Sink, report: Report) -> None:
    if item.skip is not None:
        report.item(item.name, Outcome.SKIPPED, item.skip)
        return
    if item.article is None:
        report.failed(item.name, [item.problem or "invalid"])
        return
    for note in item.notes:
        report.note(f"{item.name}: {note}")
    try:
        outcome, changed = sync(sink, item.article_id, item.article)
    except ItemFailed as error:
        report.failed(item.name, [str(error)])
        return
    report.item(item.name, outcome, ", ".join(changed))
