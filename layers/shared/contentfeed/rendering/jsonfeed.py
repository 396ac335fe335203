"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1). feedgen has none, so this one is ours.

Keys come in a fixed order and optional ones are left out rather than written as null. What
JSON Feed has no field for (contributors, the image's caption, credit and alt text) rides in a
``_contentfeed`` extension object, as the spec allows for keys starting with an underscore. The
image is the item's ``image``, not an attachment: ``attachments`` carries the article's media
files (audio, video, documents) with their type, size, duration and title.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from contentfeed.models import Article
from contentfeed.rendering.entry import Entry, feed_entry, rendered
from contentfeed.rendering.html import clean_text
from contentfeed.rendering.model import FeedInfo, Rendered, fit_budget
from contentfeed.text import rfc3339

VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    """The JSON Feed: ``articles`` in the order given, as many as fit ``feed.byte_budget``."""
    return render_json_feed_counted(feed, articles).body


def render_json_feed_counted(feed: FeedInfo, articles: Sequence[Article]) -> Rendered:
    """Like :func:`render_json_feed`, also telling how many articles made it into the document."""
    return fit_budget(feed, articles, _render)


def _render(feed: FeedInfo, articles: Sequence[Article]) -> bytes:
    document = _object(
        version=VERSION,
        title=feed.title,
        home_page_url=feed.site_url,
        feed_url=feed.self_url,
        description=feed.description,
        language=feed.language,
        next_url=feed.next_url,
        icon=feed.show.image if feed.show else None,
        hubs=[_object(type="WebSub", url=feed.hub_url)] if feed.hub_url else None,
        authors=[_object(name=feed.show.author)]
        if feed.show
        else [_object(name=feed.title, url=feed.site_url)],
    )
    items = b",".join(
        [rendered(feed_entry(article, feed.site_url), "json", _item_json) for article in articles]
    )
    # "items" is required, even empty, and comes last: spliced in before the closing brace of
    # the document, which is never empty ("version" is always there).
    return _dumps(document)[:-1].encode("utf-8") + b',"items":[' + items + b"]}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _object(**fields: Any) -> dict[str, Any]:
    """A JSON object of ``fields`` in order, strings made safe, empty and missing ones left out."""
    return _compact(
        **{
            key: clean_text(value) if isinstance(value, str) else value
            for key, value in fields.items()
        }
    )


def _compact(**fields: Any) -> dict[str, Any]:
    """A JSON object of ``fields`` in order, empty and missing ones left out."""
    return {key: value for key, value in fields.items() if value not in (None, "", [], {})}


def _item_json(entry: Entry) -> bytes:
    """One item as UTF-8 JSON (built once per entry, see ``rendered``).

    The HTML is most of the item and ``json.dumps`` escapes it character by character; it goes
    in as a placeholder (``\\u0000``: no entry text holds U+0000, as XML-illegal characters
    are cleaned out of every one) that is then replaced with the HTML escaped as UTF-8 bytes.
    """
    if not entry.content_html:
        return _dumps(_item(entry)).encode("utf-8")
    text = _dumps(_item(entry, content_html=_SLOT)).encode("utf-8")
    return text.replace(_SLOT_JSON, json_string(entry.content_html), 1)


_SLOT = "\x00"
_SLOT_JSON = b'"\\u0000"'
_CONTROLS = bytes(code for code in range(0x20) if chr(code) not in "\t\n\r")
"""What ``json.dumps`` escapes as ``\\u00XX``: control characters XML forbids."""


def json_string(text: str) -> bytes:
    """``json.dumps(text, ensure_ascii=False)`` as UTF-8, at the speed of ``bytes.replace``:
    for text without the control characters XML forbids (entries are cleaned of them), only
    the backslash, the quote, and tab, LF and CR need escaping, and none of their bytes occurs
    inside a multi-byte UTF-8 sequence."""
    raw = text.encode("utf-8")
    if len(raw.translate(None, _CONTROLS)) != len(raw):
        return json.dumps(text, ensure_ascii=False).encode("utf-8")
    for char, escaped in _ESCAPES:
        raw = raw.replace(char, escaped)
    return b'"' + raw + b'"'


_ESCAPES = ((b"\\", b"\\\\"), (b'"', b'\\"'), (b"\n", b"\\n"), (b"\r", b"\\r"), (b"\t", b"\\t"))


def _item(entry: Entry, *, content_html: str | None = None) -> dict[str, Any]:
    image = entry.image
    item = _compact(
        id=entry.id,
        url=entry.url,
        title=entry.title,
        content_html=content_html or entry.content_html,
        summary=entry.summary,
        image=image.url if image else None,
        date_published=rfc3339(entry.published_at),
        date_modified=rfc3339(entry.updated_at),
        authors=[_compact(name=person.name, url=person.url) for person in entry.authors],
        tags=list(entry.tags),
        language=entry.language,
        attachments=[
            _compact(
                url=attachment.url,
                mime_type=attachment.type,
                title=attachment.title,
                size_in_bytes=attachment.length,
                duration_in_seconds=attachment.duration,
            )
            for attachment in entry.attachments
        ],
        _contentfeed=_compact(
            contributors=[
                _compact(name=person.name, role=person.role) for person in entry.contributors
            ],
            image=_compact(caption=image.caption, credit=image.credit, alt=image.alt)
            if image
            else None,
        ),
    )
    if "content_html" not in item:  # an item needs content_html or content_text, even empty
        item["content_text"] = item.get("summary", "")
    return item
