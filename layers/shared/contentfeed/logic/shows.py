"""What the show routes do: create or replace, read, list and delete podcast shows.

A show is the channel of a podcast feed; its episodes are the articles that name it in
``show`` and carry audio or video. Like the article logic, nothing here reads the clock or the
environment.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.errors import Conflict, NotFound, PreconditionFailed
from contentfeed.logic.articles import Preconditions
from contentfeed.models.show import Category, Funding, Owner, Show, ShowType, podcast_guid
from contentfeed.text import rfc3339

if TYPE_CHECKING:
    from contentfeed.models.api import ShowIn

SHOW_OUT_FIELDS = (
    "slug",
    "title",
    "description",
    "author",
    "owner",
    "image",
    "categories",
    "explicit",
    "language",
    "type",
    "complete",
    "locked",
    "funding",
    "guid",
    "created_at",
    "updated_at",
    "version",
    "links",
)
"""``ShowOut``'s fields in its order (a test holds the two together)."""


def etag(show: Show) -> str:
    return f'"v{show.version}"'


def feed_url(base: str, slug: str) -> str:
    """Where a show's podcast feed is served (what its default ``podcast:guid`` is made from)."""
    return f"{base}/shows/{slug}/feed.xml"


def output_document(show: Show, base: str) -> dict[str, Any]:
    """The show as the API answers it: ``ShowOut``'s fields in its order."""
    feed = feed_url(base, show.slug)
    return {
        "slug": show.slug,
        "title": show.title,
        "description": show.description,
        "author": show.author,
        "owner": {"name": show.owner.name, "email": show.owner.email},
        "image": show.image,
        "categories": [{"name": c.name, "subcategory": c.subcategory} for c in show.categories],
        "explicit": show.explicit,
        "language": show.language,
        "type": show.type.value,
        "complete": show.complete,
        "locked": show.locked,
        "funding": [{"url": f.url, "text": f.text} for f in show.funding],
        "guid": show.guid,
        "created_at": rfc3339(show.created_at),
        "updated_at": rfc3339(show.updated_at),
        "version": show.version,
        "links": {
            "self": f"{base}/shows/{show.slug}",
            "feed": feed,
            "json_feed": feed.removesuffix("feed.xml") + "feed.json",
        },
    }


def output_json(show: Show, base: str) -> str:
    """The show as JSON: byte for byte what ``ShowOut`` writes (a test holds the two together),
    without pydantic, which the public reads never load."""
    return json.dumps(output_document(show, base), ensure_ascii=False, separators=(",", ":"))


def list_json(shows: list[Show], base: str) -> str:
    """The shows as ``ShowList`` writes them."""
    return '{"items":[' + ",".join(output_json(show, base) for show in shows) + "]}"


def _check(preconditions: Preconditions, current: Show | None) -> None:
    if preconditions.if_none_match_any and current is not None:
        raise PreconditionFailed("If-None-Match: * but the show exists")
    if preconditions.if_match is None:
        return
    if current is None:
        raise PreconditionFailed("If-Match was sent but the show does not exist")
    if "*" not in preconditions.if_match and etag(current) not in preconditions.if_match:
        raise PreconditionFailed(
            f"If-Match {', '.join(preconditions.if_match)} does not match the current "
            f"version {etag(current)}"
        )


def build_show(
    slug: str, data: ShowIn, settings: Settings, *, base: str, now: datetime, previous: Show | None
) -> Show:
    if previous is not None and data.guid and data.guid != previous.guid:
        raise Conflict(
            f"guid is {previous.guid} and cannot change (apps and directories know the show by it)"
        )
    guid = previous.guid if previous else (data.guid or podcast_guid(feed_url(base, slug)))
    return Show(
        slug=slug,
        title=data.title,
        description=data.description,
        author=data.author,
        owner=Owner(name=data.owner.name, email=data.owner.email),
        image=data.image,
        categories=tuple(Category(name=c.name, subcategory=c.subcategory) for c in data.categories),
        guid=guid,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        version=previous.version + 1 if previous else 1,
        explicit=data.explicit,
        language=data.language or settings.site_language or None,
        type=ShowType(data.type),
        complete=data.complete,
        locked=data.locked,
        funding=tuple(Funding(url=f.url, text=f.text) for f in data.funding),
    )


def put_show(
    store: Store,
    settings: Settings,
    slug: str,
    data: ShowIn,
    *,
    base: str,
    preconditions: Preconditions,
    now: datetime,
) -> tuple[Show, bool]:
    """Create or replace the show at ``slug``. Returns (show, created)."""
    previous = store.get_show(slug, consistent=True)
    _check(preconditions, previous)
    show = build_show(slug, data, settings, base=base, now=now, previous=previous)
    store.save_show(show, previous, now=now)
    return show, previous is None


def get_show(store: Store, slug: str) -> Show:
    show = store.get_show(slug)
    if show is None:
        raise NotFound(f"no show {slug}")
    return show


def list_shows(store: Store) -> list[Show]:
    """Every show, by slug: one ``Query``."""
    return store.list_shows()


def delete_show(store: Store, slug: str, *, preconditions: Preconditions, now: datetime) -> None:
    """Delete the show (its feed answers 404); its episodes stay articles and keep ``show``, so
    the show comes back with them if it is created again."""
    current = store.get_show(slug, consistent=True)
    if current is None:
        raise NotFound(f"no show {slug}")
    _check(preconditions, current)
    store.delete_show(current, now=now)
