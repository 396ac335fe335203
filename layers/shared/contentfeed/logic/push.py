"""WebSub publishing: which feed URLs a change touched, and telling the hub about them.

A change is one DynamoDB stream record of an article item (the feed entries and markers that
the same transaction wrote are ignored: the article alone says what changed). Every feed the
old or the new version appeared in *at the time of the write* is affected — the site, each tag
and each author, both before and after an edit — in all three formats. A version readers could
not see (a draft, an article scheduled for later) affects nothing, and is never named to the hub.
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
from contentfeed.models import Article

PING_ATTEMPTS = 3
PING_TIMEOUT_SECONDS = 5
Post = Callable[[str, bytes], int]
"""Sends a form body to a URL and returns the HTTP status (injectable for tests)."""


class HubUnavailable(Exception):
    """The hub did not accept a ping after every retry; the record is reported as failed."""


def _write_time(image: Mapping[str, Any] | None) -> datetime | None:
    """When the version in ``image`` was written (an article's ``updated_at``, a tombstone's
    ``deleted_at``): the moment at which to judge what readers could see."""
    record = record_from_image(image)
    if record is None:
        return None
    return record.updated_at if isinstance(record, Article) else record.deleted_at


def _visible_scopes(image: Mapping[str, Any] | None, at: datetime) -> set[str]:
    """The feeds a stored version of an article showed in at ``at`` (none while unpublished)."""
    record = record_from_image(image)
    if not isinstance(record, Article) or not record.is_visible(at):
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
    """The feed scopes whose content readers could see change with this write.

    Both versions are judged at the moment of the write (``now`` when the record does not say),
    so a draft or an article still scheduled for later pings nothing, before or after the
    write: creating, editing or deleting it changes no feed anyone can read, and naming its
    tags and authors to the hub would announce what is not published yet.
    """
    at = _write_time(new_image) or now
    return _visible_scopes(old_image, at) | _visible_scopes(new_image, at)


def feed_urls(base: str, scopes: Iterable[str]) -> list[str]:
    """Every feed URL of these scopes, in every format each is served in, sorted."""
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
