"""Domain models (plain dataclasses, cheap to import) and API models (pydantic, in ``api``)."""

from contentfeed.models.article import (
    Article,
    Attachment,
    Contributor,
    Episode,
    EpisodeType,
    FeedReady,
    Image,
    Person,
    Status,
    Tombstone,
    Transcript,
)

__all__ = [
    "Article",
    "Attachment",
    "Contributor",
    "Episode",
    "EpisodeType",
    "FeedReady",
    "Image",
    "Person",
    "Status",
    "Tombstone",
    "Transcript",
]
