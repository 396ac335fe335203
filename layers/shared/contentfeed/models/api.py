"""The JSON API's request and response models: the boundary where input is checked.

Every field has a limit; unknown fields are rejected; datetimes must carry an offset. The limits
keep one article (stored once, plus one index copy per feed it appears in) far below DynamoDB's
400 KB item size.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)

from contentfeed.text import XML_ILLEGAL, slugify

MAX_BODY_BYTES = 128 * 1024
"""Largest request body accepted (413 above). An article item stays well under 400 KB."""
MAX_CONTENT_CHARS = 100_000
MAX_TAGS = 10
MAX_AUTHORS = 5
MAX_CONTRIBUTORS = 10


def _plain_text(value: str) -> str:
    if XML_ILLEGAL.search(value):
        raise ValueError("contains control characters or lone surrogates that XML cannot carry")
    return value


def _http_url(value: str) -> str:
    _plain_text(value)
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value):
        raise ValueError("must be an absolute http or https URL")
    return value


def _single_line(value: str) -> str:
    _plain_text(value)
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Line = Annotated[StrictStr, AfterValidator(_single_line)]
Text = Annotated[StrictStr, AfterValidator(_plain_text)]
Url = Annotated[StrictStr, Field(max_length=2048), AfterValidator(_http_url)]
ArticleId = Annotated[
    StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$", description="Opaque id")
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_CONTENT_CHARS)


class PersonIn(_Input):
    name: Annotated[Line, Field(min_length=1, max_length=120)]
    email: Annotated[Line, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    url: Url | None = None


class ContributorIn(_Input):
    name: Annotated[Line, Field(min_length=1, max_length=120)]
    role: Annotated[Line, Field(max_length=80)] | None = None


class ImageIn(_Input):
    url: Url
    caption: Annotated[Text, Field(max_length=1000)] | None = None
    credit: Annotated[Line, Field(max_length=200)] | None = None
    alt: Annotated[Text, Field(max_length=1000)] | None = None
    type: Annotated[StrictStr, Field(pattern=r"^image/[a-z0-9.+-]{1,60}$")] | None = None
    length: Annotated[StrictInt, Field(ge=0, le=2**40)] | None = None


def _rfc3339_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(
            "must be an RFC 3339 date-time string with an offset, e.g. 2026-11-20T09:30:00+10:00"
        )
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]


def _tag(value: str) -> str:
    if not slugify(value):
        raise ValueError("must contain at least one letter or digit")
    return value


Tag = Annotated[Line, Field(min_length=1, max_length=40), AfterValidator(_tag)]


class ArticleIn(_Input):
    """An article as a publisher sends it (POST, PUT, and the result of a PATCH)."""

    title: Annotated[Line, Field(min_length=1, max_length=300)]
    summary: Annotated[Text, Field(max_length=2000)] | None = None
    content_html: Annotated[Text, Field(max_length=MAX_CONTENT_CHARS)] | None = None
    url: Url | None = None
    slug: Annotated[StrictStr, Field(min_length=1, max_length=80)] | None = None
    authors: Annotated[list[PersonIn], Field(max_length=MAX_AUTHORS)] = []
    contributors: Annotated[list[ContributorIn], Field(max_length=MAX_CONTRIBUTORS)] = []
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = []
    image: ImageIn | None = None
    published_at: Timestamp | None = None
    status: Literal["published", "draft"] = "published"
    language: (
        Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")] | None
    ) = None

    @field_validator("slug")
    @classmethod
    def _slug_is_canonical(cls, value: str | None) -> str | None:
        if value is not None and slugify(value) != value:
            raise ValueError("must be lowercase words joined by hyphens, e.g. 'my-first-post'")
        return value

    @field_validator("tags")
    @classmethod
    def _tags_are_distinct(cls, value: list[str]) -> list[str]:
        slugs = [slugify(tag) for tag in value]
        if len(set(slugs)) != len(slugs):
            raise ValueError("tags must be distinct (compared as slugs)")
        return value

    @field_validator("authors")
    @classmethod
    def _authors_are_distinct(cls, value: list[PersonIn]) -> list[PersonIn]:
        slugs = [slugify(author.name) for author in value]
        if len(set(slugs)) != len(slugs):
            raise ValueError("authors must be distinct (compared by name)")
        if any(not slug for slug in slugs):
            raise ValueError("author names need at least one letter or digit")
        return value


class PersonOut(BaseModel):
    name: str
    email: str | None = None
    url: str | None = None


class ContributorOut(BaseModel):
    name: str
    role: str | None = None


class ImageOut(BaseModel):
    url: str
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    type: str | None = None
    length: int | None = None


class Links(BaseModel):
    self: str
    alternate: str


class ArticleOut(BaseModel):
    """An article as the API answers it."""

    id: str
    slug: str
    title: str
    summary: str | None
    content_html: str | None
    url: str
    authors: list[PersonOut]
    contributors: list[ContributorOut]
    tags: list[str]
    image: ImageOut | None
    published_at: datetime
    status: Literal["published", "draft"]
    language: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    links: Links


class ArticlePage(BaseModel):
    """One page of ``GET /articles``: newest first, ``next`` is absent on the last page."""

    items: list[ArticleOut]
    cursor: str | None = Field(None, description="Pass as `cursor` to get the next page")
    next: str | None = Field(None, description="URL of the next page")


class ValidationIssue(BaseModel):
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ValidationIssue] | None = None


JsonObject = dict[str, Any]
