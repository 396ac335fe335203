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
    items = ",".join(
        rendered(feed_entry(article, feed.site_url), "json", _item_json) for article in articles
    )
    # "items" is required, even empty, and comes last: spliced in before the closing brace of
    # the document, which is never empty ("version" is always there).
    return (_dumps(document)[:-1] + f',"items":[{items}]}}').encode("utf-8")


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


def _item_json(entry: Entry) -> str:
    """One item as JSON text (built once per entry, see ``rendered``)."""
    return _dumps(_item(entry))


def _item(entry: Entry) -> dict[str, Any]:
    image = entry.image
    item = _compact(
        id=entry.id,
        url=entry.url,
        title=entry.title,
        content_html=entry.content_html,
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
