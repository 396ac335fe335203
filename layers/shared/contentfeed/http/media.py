"""Every media type the service speaks, in one place."""

from __future__ import annotations

from contentfeed.http.routes import Format

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
PROBLEM_JSON = "application/problem+json"
XML = "application/xml"
TEXT_XML = "text/xml"
HTML = "text/html"
XHTML = "application/xhtml+xml"
FORM = "application/x-www-form-urlencoded"
OCTET_STREAM = "application/octet-stream"

FEED_TYPES: dict[Format, str] = {Format.RSS: RSS, Format.ATOM: ATOM, Format.JSON: JSON_FEED}
"""The media type each feed format is served as (to feed readers)."""

FEED_LIKE = frozenset({*FEED_TYPES.values(), XML, TEXT_XML, JSON})
"""What a feed reader's ``Accept`` names: any of these outranking ``text/html`` gets the feed."""


IMAGE_TYPES = {
    "avif": "image/avif",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
}
"""Image media types by file extension, for feeds that must name one the article did not give."""


def guess_image_type(url: str) -> str:
    extension = url.split("?", 1)[0].rsplit(".", 1)[-1].lower()
    return IMAGE_TYPES.get(extension, OCTET_STREAM)


def with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"
