"""The article as the service thinks of it.

These are plain frozen dataclasses on purpose: the feed path renders from them and must not pay
for importing pydantic. The API's request and response models live in ``contentfeed.models.api``
and are mapped to and from these explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from contentfeed.text import slugify


class Status(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str | None = None
    url: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True, slots=True)
class Contributor:
    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article. ``id`` never changes; ``version`` grows by one on every write."""

    id: str
    slug: str
    title: str
    url: str
    published_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int
    status: Status = Status.PUBLISHED
    summary: str | None = None
    content_html: str | None = None
    authors: tuple[Person, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    tags: tuple[str, ...] = ()
    image: Image | None = None
    language: str | None = None
    guid: str | None = None
    """The id feed readers see, when it is not derived from ``id`` (kept from an imported feed)."""

    def is_visible(self, now: datetime) -> bool:
        """Published and due: what readers without a key may see."""
        return self.status is Status.PUBLISHED and self.published_at <= now

    @property
    def tag_slugs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(slugify(tag) for tag in self.tags))

    @property
    def author_slugs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(author.slug for author in self.authors))


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What remains of a deleted article: enough to answer 410 and to write Atom tombstones."""

    id: str
    version: int
    deleted_at: datetime
    guid: str | None = None
