"""WebSub publishing: which feed URLs a change touched, and telling the hub about them.

A change is one DynamoDB stream record of an article item (the feed entries and markers that
the same transaction wrote are ignored: the article alone says what changed). Every feed the
old or the new version appeared in is affected — the site, each tag and each author, both
before and after an edit — in all three formats.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from contentfeed.dal import keys as table_keys
from contentfeed.dal.items import record_from_image
from contentfeed.http.media import FORM
from contentfeed.http.routes import Kind, feed_path, formats_of
from contentfeed.models import Article, Status

PING_ATTEMPTS = 3
PING_TIMEOUT_SECONDS = 5
Post = Callable[[str, bytes], int]
"""Sends a form body to a URL and returns the HTTP status (injectable for tests)."""


class HubUnavailable(Exception):
    """The hub did not accept a ping after every retry; the record is reported as failed."""


def _visible_scopes(image: Mapping[str, Any] | None) -> set[str]:
    """The feeds a stored version of an article appears in (or will, once due)."""
    record = record_from_image(image)
    if not isinstance(record, Article) or record.status is not Status.PUBLISHED:
        return set()
    return set(table_keys.scopes_of(record))


def show_scopes(keys: Mapping[str, Any]) -> set[str]:
    """The feed a change of a show item touches: its podcast feed (a new title, artwork,
    owner… is news to the apps and directories subscribed to it)."""
    slug = str(keys.get("sk", ""))
    return {table_keys.show_scope(slug)} if slug else set()


def affected_scopes(
    old_image: Mapping[str, Any] | None, new_image: Mapping[str, Any] | None, *, now: datetime
) -> set[str]:
    """The feed scopes whose content changed with this write.

    An edit of an article that is still scheduled for later changes nothing a reader can see
    yet; its feeds are pinged when the article is written again or a later change touches them.
    """
    old_scopes = _visible_scopes(old_image)
    new_scopes = _visible_scopes(new_image)
    if _still_pending(old_image, now) and _still_pending(new_image, now):
        return set()
    return old_scopes | new_scopes


def _still_pending(image: Mapping[str, Any] | None, now: datetime) -> bool:
    if not image:
        return True  # nothing before (a create) is not visible either
    record = record_from_image(image)
    # A tombstone (the article just left its feeds) is not pending.
    return isinstance(record, Article) and (
        record.status is not Status.PUBLISHED or record.published_at > now
    )


def feed_urls(base: str, scopes: Iterable[str]) -> list[str]:
    """Every feed URL of these scopes, in all three formats, sorted."""
    urls: list[str] = []
    for scope in scopes:
        parts = table_keys.split_scope(scope)
        if parts is None:
            continue
        kind, slug = Kind(parts[0]), parts[1]
        urls.extend(base + feed_path(kind, slug, fmt) for fmt in formats_of(kind))
    return sorted(urls)


def http_post(url: str, body: bytes) -> int:
    request = urllib.request.Request(  # noqa: S310 (the operator's configured hub, http or https)
        url, data=body, method="POST", headers={"Content-Type": FORM}
    )
    try:
        with urllib.request.urlopen(request, timeout=PING_TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def ping_hub(
    hub_url: str,
    topic_urls: Iterable[str],
    *,
    post: Post = http_post,
    sleep: Callable[[float], None] = time.sleep,
    backoff_seconds: float = 0.25,
) -> None:
    """``hub.mode=publish`` for each topic, retried with exponential backoff on failure.

    A hub answers 2xx when it accepted the notification; anything else (or no answer) is
    retried, and after the last attempt :class:`HubUnavailable` is raised.
    """
    for topic in topic_urls:
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
        for attempt in range(PING_ATTEMPTS):
            try:
                status = post(hub_url, body)
            except OSError:
                status = 0
            if 200 <= status < 300:
                break
            if attempt + 1 == PING_ATTEMPTS:
                raise HubUnavailable(f"hub answered {status or 'nothing'} for {topic}")
            sleep(backoff_seconds * 2**attempt)
