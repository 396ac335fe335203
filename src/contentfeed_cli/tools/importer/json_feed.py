"""JSON Feed 1.0 and 1.1 entries. Each field's type is checked: a feed written by hand often gets
one wrong, and that costs the field (reported), not the entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from contentfeed_cli.tools.importer.dates import NotADate, written_moment
from contentfeed_cli.tools.importer.entries import (
    FeedDefaults,
    SourceEntry,
    entry_name,
    http_url,
    language_tag,
    split_terms,
    text_html,
    unescaped,
)
from contentfeed_cli.tools.sink import RunAborted

_JSON_FEED = "https://jsonfeed.org/version/1"


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
        # an RFC 822 date, as RSS writes them, is read too
        try:
            written = written_moment(str(value), losses, field_name)
        except NotADate:
            written = None
        if written is None:
            losses.append(("date", f"{field_name} {value!r} (not an RFC 3339 date)"))
        return written
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
    if isinstance(raw, str):  # one tag, or a list flattened into one ("workflow,omnifocus")
        return split_terms(raw)
    if not isinstance(raw, list):
        losses.append(("tag", f"tags {raw!r} (not a list)"))
        return []
    tags = [str(tag) for tag in raw if isinstance(tag, str | int) and not isinstance(tag, bool)]
    if len(tags) < len(raw):
        losses.append(
            ("tag", ", ".join(repr(t) for t in raw if str(t) not in tags) + " (not text)")
        )
    return tags


_TEXT_FIELDS = (
    "url", "external_url", "content_html", "content_text", "summary", "image", "banner_image",
    "language",
)  # fmt: skip
"""An item's fields that are text: one of another type is reported, not read."""


def _text(value: Any) -> str | None:
    """A plain-text field (title, summary), its character references decoded (see
    :func:`unescaped`)."""
    return unescaped(value) if isinstance(value, str) else None


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
    # http://jsonfeed.org/version/1: the spelling some early generators wrote
    if not isinstance(version, str) or not version.replace("http:", "https:", 1).startswith(
        _JSON_FEED
    ):
        found = "no version" if version is None else f"version {version!r}"
        raise RunAborted(
            f"{source}: JSON, but not a JSON Feed ({found}; a JSON Feed's is "
            f"{_JSON_FEED} or {_JSON_FEED}.1)"
        )
    if not isinstance(document.get("items"), list):
        raise RunAborted(f'{source}: a JSON Feed without an "items" list')
    feed_losses: list[tuple[str, str]] = []
    defaults = FeedDefaults(
        link=http_url(document.get("home_page_url"), "") or "",
        authors=_json_people(document, feed_losses),
        language=language_tag(document.get("language")),
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
        title = _text(title)
        name = entry_name(number, title or "")
        raw_id = item.get("id")
        # JSON Feed 1.1: "a JSON Feed reader must coerce [a number] to a string"
        coerced = (
            isinstance(raw_id, int | float)
            and not isinstance(raw_id, bool)
            and math.isfinite(raw_id)
        )
        guid = str(raw_id).strip() if isinstance(raw_id, str) or coerced else ""
        link = item.get("url") if isinstance(item.get("url"), str) else None
        if raw_id is not None and not guid:
            if not link:
                entries.append((name, f"its id {raw_id!r} is not a string, and it has no url"))
                continue
            losses.append(("field", f"id {raw_id!r} (not a string: its url is its id)"))
        losses += [
            ("field", f"{field_name} {item[field_name]!r} (not text)")
            for field_name in _TEXT_FIELDS
            if item.get(field_name) is not None and not isinstance(item[field_name], str)
        ]
        if not isinstance(item.get("attachments") or [], list | dict):
            losses.append(("enclosure", f"attachments {item['attachments']!r} (not a list)"))
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
                    summary=_text(item.get("summary")),
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
