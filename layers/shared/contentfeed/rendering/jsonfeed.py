"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1). feedgen has none, so this one is ours.

Keys come in a fixed order and optional ones are left out rather than written as null. What
JSON Feed has no field for (contributors, the image's caption, credit and alt text) rides in a
``_contentfeed`` extension object, as the spec allows for keys starting with an underscore. The
image is the item's ``image``, not an attachment: attachments are for podcast-style media.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from contentfeed.models import Article
from contentfeed.rendering.html import absolute_url, absolutize, clean_text
from contentfeed.rendering.identity import entry_id
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
        hubs=[_object(type="WebSub", url=feed.hub_url)] if feed.hub_url else None,
        authors=[_object(name=feed.title, url=feed.site_url)],
    )
    document["items"] = [_item(feed, article) for article in articles]  # required, even empty
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _object(**fields: Any) -> dict[str, Any]:
    """A JSON object of ``fields`` in order, strings made safe, empty and missing ones left out."""
    cleaned = {
        key: clean_text(value) if isinstance(value, str) else value for key, value in fields.items()
    }
    return {key: value for key, value in cleaned.items() if value not in (None, "", [], {})}


def _item(feed: FeedInfo, article: Article) -> dict[str, Any]:
    url = absolute_url(clean_text(article.url), feed.site_url)
    image = article.image
    item = _object(
        id=entry_id(clean_text(article.id), article.guid and clean_text(article.guid)),
        url=url,
        title=article.title,
        content_html=absolutize(article.content_html or "", url),
        summary=article.summary,
        image=absolute_url(clean_text(image.url), url) if image else None,
        date_published=rfc3339(article.published_at),
        # A scheduled article was last written before it went out: it changed for readers then.
        date_modified=rfc3339(max(article.updated_at, article.published_at)),
        authors=[
            author
            for person in article.authors
            if "name" in (author := _object(name=person.name, url=person.url))
        ],
        tags=[tag for tag in dict.fromkeys(clean_text(tag) for tag in article.tags) if tag],
        language=article.language,
        _contentfeed=_object(
            contributors=[
                contributor
                for person in article.contributors
                if "name" in (contributor := _object(name=person.name, role=person.role))
            ],
            image=_object(caption=image.caption, credit=image.credit, alt=image.alt)
            if image
            else None,
        ),
    )
    if "content_html" not in item:  # an item needs content_html or content_text, even empty
        item["content_text"] = item.get("summary", "")
    return item
