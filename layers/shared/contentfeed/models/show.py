"""A podcast show: the channel of a podcast feed. Plain frozen dataclasses, like the article."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcast Index namespace for ``podcast:guid`` (UUIDv5 of the feed URL without scheme)."""


def podcast_guid(feed_url: str) -> str:
    """PSP-1 / Podcast Index ``podcast:guid``: UUIDv5 of the feed URL with its scheme
    (``https://``) and trailing slashes removed."""
    _, _, rest = feed_url.partition("://")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, (rest or feed_url).rstrip("/")))


class ShowType(StrEnum):
    EPISODIC = "episodic"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class Owner:
    """Who Apple and directories contact about the show (``itunes:owner``)."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Category:
    """An Apple Podcasts category with at most one subcategory."""

    name: str
    subcategory: str | None = None


@dataclass(frozen=True, slots=True)
class Funding:
    """A way to support the show (``podcast:funding``)."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Show:
    """A podcast show; its episodes are the articles with ``show`` = its slug and playable media.

    ``guid`` is set once (by default the PSP-1 UUIDv5 of the feed URL) and never changes:
    directories follow a show that moves to another URL by it.
    """

    slug: str
    title: str
    description: str
    author: str
    owner: Owner
    image: str
    categories: tuple[Category, ...]
    guid: str
    created_at: datetime
    updated_at: datetime
    version: int
    explicit: bool = False
    language: str | None = None
    type: ShowType = ShowType.EPISODIC
    complete: bool = False
    locked: bool = False
    funding: tuple[Funding, ...] = ()
