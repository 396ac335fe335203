"""The article as the service thinks of it.

These are plain frozen dataclasses on purpose: the feed path renders from them and must not pay
for importing pydantic. The API's request and response models live in ``contentfeed.models.api``
and are mapped to and from these explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


PLAYABLE_PREFIXES = ("audio/", "video/")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media file that goes with an article: an episode's MP3, a video, a PDF.

    ``length`` (bytes) is always set for audio and video (RSS enclosures require it);
    ``duration`` is in whole seconds.
    """

    url: str
    type: str
    length: int | None = None
    duration: int | None = None
    title: str | None = None

    @property
    def playable(self) -> bool:
        """Audio or video: what podcast apps and players play (the RSS ``<enclosure>``)."""
        return self.type.lower().startswith(PLAYABLE_PREFIXES)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A transcript or captions file of an episode (Podcast Index ``podcast:transcript``)."""

    url: str
    type: str
    language: str | None = None


class EpisodeType(StrEnum):
    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"


@dataclass(frozen=True, slots=True)
class Episode:
    """The podcast fields of an article (all optional): what Apple and podcast apps show."""

    episode: int | None = None
    season: int | None = None
    episode_type: EpisodeType | None = None
    explicit: bool | None = None
    image: str | None = None
    """The episode's own square artwork (URL); the show's is used without it."""
    transcripts: tuple[Transcript, ...] = ()
    chapters_url: str | None = None
    """A Podcast Index JSON chapters file."""


@dataclass(frozen=True, slots=True)
class FeedReady:
    """An article's content as feeds carry it, prepared when its feed entries were written: the
    HTML XML-clean with its links resolved against the article's URL, and the plain-text excerpt
    that stands in for a missing summary. Renderers use it instead of preparing the HTML again,
    but only for the very content string it was read with (``source``) and the URL it was
    prepared against, which must be the article's own, absolute (see
    ``contentfeed.rendering.entry``)."""

    source: str | None
    """The ``content_html`` this was prepared from (checked by identity, never by value)."""
    url: str
    """The article URL the HTML's links were resolved against."""
    content_html: str
    excerpt: str
    """The excerpt of ``content_html``; empty when the article has a summary (not needed)."""
    image_source: str | None = None
    """The image URL that :attr:`image_url` was resolved from."""
    image_url: str | None = None
    """The image URL resolved against the article's URL."""


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
    attachments: tuple[Attachment, ...] = ()
    podcast: Episode | None = None
    show: str | None = None
    """The slug of the show this article belongs to (an episode when it has playable media)."""
    modified_at: datetime | None = None
    """When the content last changed, as the publisher says (an import keeps the source's
    Atom ``updated`` / JSON Feed ``date_modified``); feeds show it as the entry's update time.
    ``None``: the time of the last write."""
    feed_ready: FeedReady | None = field(default=None, compare=False, repr=False)
    """The content prepared for feeds, when it was read from a feed entry that stores it. Not
    part of the article's value: it is derived from it."""

    def is_visible(self, now: datetime) -> bool:
        """Published and due: what readers without a key may see."""
        return self.status is Status.PUBLISHED and self.published_at <= now

    @property
    def enclosure(self) -> Attachment | None:
        """The first audio or video attachment: the one RSS carries as ``<enclosure>``."""
        return next((item for item in self.attachments if item.playable), None)

    @property
    def is_episode(self) -> bool:
        """Part of a show and playable: it appears in the show's podcast feed."""
        return self.show is not None and self.enclosure is not None

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
