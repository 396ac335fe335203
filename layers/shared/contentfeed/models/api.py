"""The JSON API's request and response models: the boundary where input is checked.

Every field has a limit; unknown fields are rejected; datetimes must carry an offset. The limits
keep one article (stored once, plus one index copy per feed it appears in) far below DynamoDB's
400 KB item size.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from contentfeed.limits import ARTICLE_ID_PATTERN
from contentfeed.text import MAX_SLUG_CHARS, slugify

MAX_CONTENT_CHARS = 100_000
MAX_TITLE_CHARS = 300
MAX_SUMMARY_CHARS = 2000
MAX_NAME_CHARS = 120
"""An author's or contributor's name."""
MAX_TAGS = 16
"""Tags per article. Real feeds carry more than ten (a podcast's eleven iTunes keywords, a
newspaper's fifteen subject keywords); each tag is one more feed entry written with the
article, and the largest write (every tag, author and show replaced) stays within DynamoDB's
100 actions per transaction (docs/architecture.md has the count)."""
MAX_TAG_CHARS = MAX_SLUG_CHARS
"""A tag is as long as its slug may be, so two tags never share a cut-off slug; subject
headings such as "Australian security and counter-terrorism" fit."""
MAX_AUTHORS = 5
MAX_CONTRIBUTORS = 10
MAX_ATTACHMENTS = 10
MAX_TRANSCRIPTS = 10


# Control characters XML 1.0 cannot carry and U+FFFE/U+FFFF; for single lines also tab, CR and
# LF. The same sets appear as JSON Schema patterns in the OpenAPI description, so clients and
# fuzzers know what is accepted. Lone surrogates (which no valid UTF-8 carries, but a JSON
# "\ud800" escape can smuggle in) are refused too; regex engines other than Python's cannot
# express them, so the patterns leave them out.
_ILLEGAL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff"
_CONTROL = "\\x00-\\x1f\\ufffe\\uffff"
# Whitespace spelled out rather than written \s, which means different sets in Python (e.g. NEL
# U+0085) and in the ECMA-262 regexes JSON Schema uses (e.g. U+FEFF): this is both sets at once,
# so a client, a fuzzer and this service agree on every pattern below.
_SPACE = (
    "\\t\\n\\x0b\\x0c\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029"
    "\\u202f\\u205f\\u3000\\ufeff"
)
TEXT_PATTERN = f"^[^{_ILLEGAL}]*$"
LINE_PATTERN = f"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
NAME_PATTERN = f"^[^{_CONTROL}]*[^\\W_][^{_CONTROL}]*$"
"""A single line with at least one letter or digit (tags and names become slugs)."""
URL_PATTERN = f"^https?://[^{_SPACE}/?#{_CONTROL}]+[^{_SPACE}{_CONTROL}]*$"
EMAIL_PATTERN = f"^[^@{_SPACE}{_CONTROL}]+@[^@{_SPACE}{_CONTROL}]+$"
SLUG_PATTERN = r"^[^\W_]+(?:-[^\W_]+)*$"
MIME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"
"""A MIME type without parameters, e.g. ``audio/mpeg`` (RFC 6838 names)."""
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
GUID_SCHEMES = ("http", "https", "urn", "tag", "info", "ftp", "yt")
"""Schemes a guid may have: names, never code (``javascript:``) or content (``data:``).
``yt`` is YouTube's (``yt:video:ID``), which every channel feed's entries carry."""
_ANY_CASE_SCHEME = "|".join(
    "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in scheme) for scheme in GUID_SCHEMES
)
_SCHEME = "[A-Za-z][A-Za-z0-9+.-]*:"
_DATED = "[A-Za-z][A-Za-z0-9+.-]*?[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:"
GUID_PATTERN = (
    f"^(?=[{_SPACE}]*(?:{_ANY_CASE_SCHEME}):|(?![{_SPACE}]*{_SCHEME})|[{_SPACE}]*{_DATED})"
    + LINE_PATTERN[1:]
)
"""RSS ``guid`` and JSON Feed ``id`` may be any string: one line, not blank. One that starts
with a URI scheme must use a safe one (readers may turn an id into a link); plain strings
without a scheme (``1042``, a Squarespace id) are fine, and so are those whose first colon is a
time of day's (Podlove Publisher's ``podlove-2024-05-31t14:16:37+00:00-21f8…``): no program
handles a "scheme" that holds a date."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _matching(pattern: str, message: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):  # match() would let "$" pass a final newline
            raise ValueError(message)
        if _SURROGATE.search(value):
            raise ValueError("contains a lone surrogate, which no UTF-8 text can carry")
        return value

    return AfterValidator(check)


def _sluggable(value: str) -> str:
    """A tag or an author name names a feed by its slug: it must have one."""
    if not slugify(value):
        raise ValueError(
            "has no letter or digit that can name its feed (it would slugify to nothing)"
        )
    return value


def name_identity(name: str) -> str:
    """Two spellings of one name (a tag, an author): the same up to case, compatibility forms
    and spacing."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _one_per_slug(names: list[str], what: str) -> list[int]:
    """Indexes of the names to keep: the first of each spelling of one name.

    Names that are not the same name but share a slug (``C++`` and ``C#`` are both ``c``)
    would share one feed: that is refused, naming both, rather than merged or dropped.
    """
    keep: list[int] = []
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        slug = slugify(name)
        if slug not in first:
            first[slug] = index
            keep.append(index)
        elif name_identity(names[first[slug]]) != name_identity(name):
            raise ValueError(
                f"{what} {first[slug]} ({names[first[slug]]!r}) and {what} {index} ({name!r}) "
                f"both have the slug '{slug}'; name them apart"
            )
    return keep


def _schema(pattern: str) -> Any:
    return Field(json_schema_extra={"pattern": pattern})


Text = Annotated[
    StrictStr,
    _schema(TEXT_PATTERN),
    _matching(TEXT_PATTERN, "contains control characters or lone surrogates that XML cannot carry"),
]
Line = Annotated[
    StrictStr,
    _schema(LINE_PATTERN),
    _matching(LINE_PATTERN, "must be one line of text, not blank, without control characters"),
    AfterValidator(str.strip),
]
Name = Annotated[
    StrictStr,
    _schema(NAME_PATTERN),
    _matching(NAME_PATTERN, "must be one line with at least one letter or digit"),
    AfterValidator(str.strip),
]
Url = Annotated[
    StrictStr,
    Field(max_length=2048),
    _schema(URL_PATTERN),
    _matching(URL_PATTERN, "must be an absolute http or https URL"),
]
ArticleId = Annotated[StrictStr, Field(pattern=f"^{ARTICLE_ID_PATTERN}$", description="Opaque id")]


def _whole_number(value: object) -> object:
    """JSON has one number type: 5 and 5.0 are the same integer; "5", 5.5 and true are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


# Constraints before the validator, so the JSON schema says "minimum"/"maximum" (after it, pydantic
# writes "ge"/"le", which no JSON Schema validator or client knows).
Length = Annotated[int, Field(ge=0, le=2**40), BeforeValidator(_whole_number)]


Seconds = Annotated[int, Field(ge=0, le=10**7), BeforeValidator(_whole_number)]
MimeType = Annotated[
    StrictStr,
    Field(description="A MIME type, e.g. audio/mpeg"),
    _schema(MIME_PATTERN),
    _matching(MIME_PATTERN, "must be a MIME type such as audio/mpeg"),
    AfterValidator(str.lower),
]
Language = Annotated[StrictStr, Field(pattern=LANGUAGE_PATTERN)]


def _utc_representable(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is out of range") from None
    return value


def _rfc3339_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(
            "must be an RFC 3339 date-time string with an offset, e.g. 2026-11-20T09:30:00+10:00"
        )
    return value


Timestamp = Annotated[
    AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_utc_representable)
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_CONTENT_CHARS)


class PersonIn(_Input):
    name: Annotated[
        Name, Field(min_length=1, max_length=MAX_NAME_CHARS), AfterValidator(_sluggable)
    ]
    email: (
        Annotated[
            StrictStr,
            Field(max_length=254),
            _schema(EMAIL_PATTERN),
            _matching(EMAIL_PATTERN, "must be an e-mail address"),
        ]
        | None
    ) = None
    url: Url | None = None


class ContributorIn(_Input):
    name: Annotated[Line, Field(min_length=1, max_length=MAX_NAME_CHARS)]
    role: Annotated[Line, Field(max_length=80)] | None = None


class ImageIn(_Input):
    url: Url
    caption: Annotated[Text, Field(max_length=1000)] | None = None
    credit: Annotated[Line, Field(max_length=200)] | None = None
    alt: Annotated[Text, Field(max_length=1000)] | None = None
    type: Annotated[StrictStr, Field(pattern=r"^image/[a-z0-9.+-]{1,60}$")] | None = None
    length: Length | None = None


class AttachmentIn(_Input):
    """A media file: audio and video need ``length`` (RSS enclosures require it)."""

    url: Url
    type: MimeType
    length: Length | None = Field(None, description="Size in bytes; required for audio and video")
    duration: Seconds | None = Field(None, description="Playing time in whole seconds")
    title: Annotated[Line, Field(max_length=300)] | None = None

    @model_validator(mode="after")
    def _length_for_media(self) -> AttachmentIn:
        if self.length is None and self.type.startswith(("audio/", "video/")):
            raise ValueError("length (bytes) is required for audio and video")
        return self


class TranscriptIn(_Input):
    url: Url
    type: MimeType = Field(description="e.g. text/vtt, application/x-subrip, text/html")
    language: Language | None = None


class PodcastIn(_Input):
    """Episode fields: what Apple Podcasts and other podcast apps show for an episode."""

    episode: Annotated[int, Field(ge=1, le=10**6), BeforeValidator(_whole_number)] | None = None
    season: Annotated[int, Field(ge=1, le=10**4), BeforeValidator(_whole_number)] | None = None
    episode_type: Literal["full", "trailer", "bonus"] | None = None
    explicit: StrictBool | None = None
    image: Url | None = Field(None, description="The episode's square artwork")
    transcripts: Annotated[list[TranscriptIn], Field(max_length=MAX_TRANSCRIPTS)] = []
    chapters_url: Url | None = Field(None, description="A Podcast Index JSON chapters file")


Tag = Annotated[Name, Field(min_length=1, max_length=MAX_TAG_CHARS), AfterValidator(_sluggable)]
Guid = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=512,
        description="The id feed readers already know this article by (kept when migrating "
        "from another feed): any single line, e.g. https://…, urn:uuid:…, a number or a "
        "Squarespace id. RSS and JSON Feed show it verbatim; Atom shows it when it is an "
        "absolute IRI, else a urn:uuid derived from it. Set once; it never changes afterwards.",
    ),
    _schema(GUID_PATTERN),
    _matching(
        GUID_PATTERN,
        "must be one line of text without control characters, and a URI only of scheme "
        + ", ".join(GUID_SCHEMES),
    ),
    AfterValidator(str.strip),
]
Slug = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=MAX_SLUG_CHARS,
        description="Words joined by hyphens; stored lower-cased",
    ),
    _schema(SLUG_PATTERN),
    _matching(SLUG_PATTERN, "must be words joined by hyphens, e.g. 'my-first-post'"),
    AfterValidator(slugify),
]


class ArticleIn(_Input):
    """An article as a publisher sends it (POST, PUT, and the result of a PATCH)."""

    title: Annotated[Line, Field(min_length=1, max_length=MAX_TITLE_CHARS)]
    summary: Annotated[Text, Field(max_length=MAX_SUMMARY_CHARS)] | None = None
    content_html: Annotated[Text, Field(max_length=MAX_CONTENT_CHARS)] | None = None
    url: Url | None = None
    slug: Slug | None = None
    authors: Annotated[list[PersonIn], Field(max_length=MAX_AUTHORS)] = []
    contributors: Annotated[list[ContributorIn], Field(max_length=MAX_CONTRIBUTORS)] = []
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = []
    image: ImageIn | None = None
    published_at: Timestamp | None = None
    status: Literal["published", "draft"] = "published"
    guid: Guid | None = None
    modified_at: Annotated[
        Timestamp | None,
        Field(
            description="When the content last changed, if not at this write: feeds show it as "
            "the entry's update time (Atom updated, JSON Feed date_modified). Imports keep the "
            "source's. A write without it means the content changed now."
        ),
    ] = None
    language: Language | None = None
    attachments: Annotated[list[AttachmentIn], Field(max_length=MAX_ATTACHMENTS)] = []
    podcast: PodcastIn | None = None
    show: Slug | None = Field(None, description="The slug of the show this article belongs to")

    @field_validator("tags")
    @classmethod
    def _distinct_tags(cls, value: list[str]) -> list[str]:
        """One tag spelled twice ("News", "news") is one tag: the first spelling stays. Two
        tags with one slug ("C++", "C#") are a 422."""
        return [value[index] for index in _one_per_slug(value, "tag")]

    @field_validator("authors")
    @classmethod
    def _distinct_authors(cls, value: list[PersonIn]) -> list[PersonIn]:
        """One author listed twice is one author; two authors with one slug are a 422 (so is
        one name listed twice with different details: nothing is dropped)."""
        keep = _one_per_slug([author.name for author in value], "author")
        for index, author in enumerate(value):
            kept = next(value[k] for k in keep if slugify(value[k].name) == slugify(author.name))
            if (author.email, author.url) != (kept.email, kept.url):
                raise ValueError(
                    f"author {index} ({author.name!r}) is listed again with other details; "
                    "list each author once"
                )
        return [value[index] for index in keep]


class ImagePatch(_Input):
    """An image in a merge patch: fields present replace, fields set to null are removed."""

    url: Url = Field(default=None)  # type: ignore[assignment]  # may be absent, never null
    caption: Annotated[Text, Field(max_length=1000)] | None = None
    credit: Annotated[Line, Field(max_length=200)] | None = None
    alt: Annotated[Text, Field(max_length=1000)] | None = None
    type: Annotated[StrictStr, Field(pattern=r"^image/[a-z0-9.+-]{1,60}$")] | None = None
    length: Length | None = None


class PodcastPatch(_Input):
    """Episode fields in a merge patch: fields present replace, fields set to null are removed."""

    episode: Annotated[int, Field(ge=1, le=10**6), BeforeValidator(_whole_number)] | None = None
    season: Annotated[int, Field(ge=1, le=10**4), BeforeValidator(_whole_number)] | None = None
    episode_type: Literal["full", "trailer", "bonus"] | None = None
    explicit: StrictBool | None = None
    image: Url | None = None
    transcripts: Annotated[list[TranscriptIn], Field(max_length=MAX_TRANSCRIPTS)] | None = None
    chapters_url: Url | None = None


class ArticlePatch(_Input):
    """A JSON Merge Patch (RFC 7396) of an article: only the fields to change.

    A field set to ``null`` is removed (``title`` cannot be); lists are replaced whole. The
    patched article must still be valid as a whole, or the answer is 422 and nothing changes.
    """

    title: Annotated[Line, Field(min_length=1, max_length=MAX_TITLE_CHARS)] = Field(default=None)  # type: ignore[assignment]  # may be absent, never null
    summary: Annotated[Text, Field(max_length=MAX_SUMMARY_CHARS)] | None = None
    content_html: Annotated[Text, Field(max_length=MAX_CONTENT_CHARS)] | None = None
    url: Url | None = None
    slug: Slug | None = None
    authors: Annotated[list[PersonIn], Field(max_length=MAX_AUTHORS)] | None = None
    contributors: Annotated[list[ContributorIn], Field(max_length=MAX_CONTRIBUTORS)] | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] | None = None
    image: ImagePatch | None = None
    published_at: Timestamp | None = None
    status: Literal["published", "draft"] | None = None
    guid: Guid | None = None
    modified_at: Timestamp | None = None
    language: Language | None = None
    attachments: Annotated[list[AttachmentIn], Field(max_length=MAX_ATTACHMENTS)] | None = None
    podcast: PodcastPatch | None = None
    show: Slug | None = None

    def document(self) -> dict[str, Any]:
        """The patch as sent: present fields only, explicit nulls kept (they mean "remove")."""
        return self.model_dump(mode="json", exclude_unset=True)


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


class AttachmentOut(BaseModel):
    url: str
    type: str
    length: int | None = None
    duration: int | None = None
    title: str | None = None


class TranscriptOut(BaseModel):
    url: str
    type: str
    language: str | None = None


class PodcastOut(BaseModel):
    episode: int | None = None
    season: int | None = None
    episode_type: Literal["full", "trailer", "bonus"] | None = None
    explicit: bool | None = None
    image: str | None = None
    transcripts: list[TranscriptOut] = []
    chapters_url: str | None = None


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
    attachments: list[AttachmentOut]
    podcast: PodcastOut | None
    show: str | None
    guid: str = Field(description="The id feeds give this article (immutable)")
    modified_at: datetime | None = Field(
        None, description="When the content last changed, when the publisher said so"
    )
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


# ------------------------------------------------------------------------ shows

MAX_CATEGORIES = 3
MAX_FUNDING = 5
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class OwnerIn(_Input):
    name: Annotated[Line, Field(min_length=1, max_length=200)]
    email: Annotated[
        StrictStr,
        Field(max_length=254),
        _schema(EMAIL_PATTERN),
        _matching(EMAIL_PATTERN, "must be an e-mail address"),
    ]


def _category_schema() -> dict[str, Any]:
    """Apple's categories as JSON Schema: each name with the subcategories it allows."""
    from contentfeed.models.categories import APPLE_CATEGORIES

    return {
        "anyOf": [
            {
                "properties": {
                    "name": {"const": name},
                    "subcategory": {"enum": [*subcategories, None]}
                    if subcategories
                    else {"type": "null"},
                }
            }
            for name, subcategories in APPLE_CATEGORIES.items()
        ]
    }


class CategoryIn(_Input):
    """An Apple Podcasts category, with at most one of its subcategories."""

    model_config = ConfigDict(json_schema_extra=_category_schema())

    name: StrictStr = Field(description="e.g. 'Society & Culture' (Apple's list, exactly)")
    subcategory: StrictStr | None = Field(None, description="e.g. 'Documentary'")

    @model_validator(mode="after")
    def _apple_category(self) -> CategoryIn:
        from contentfeed.models.categories import category_problem

        problem = category_problem(self.name, self.subcategory)
        if problem:
            raise ValueError(problem)
        return self


class FundingIn(_Input):
    url: Url
    text: Annotated[Line, Field(min_length=1, max_length=128)]


class ShowIn(_Input):
    """A podcast show as its publisher describes it (PUT /shows/{slug})."""

    title: Annotated[Line, Field(min_length=1, max_length=300)]
    description: Annotated[Text, Field(min_length=1, max_length=4000)]
    author: Annotated[Line, Field(min_length=1, max_length=200)]
    owner: OwnerIn
    image: Url = Field(description="Square artwork, 1400–3000 px, JPEG or PNG")
    categories: Annotated[list[CategoryIn], Field(min_length=1, max_length=MAX_CATEGORIES)]
    explicit: StrictBool = False
    language: Language | None = Field(None, description="Default: the site's language")
    type: Literal["episodic", "serial"] = "episodic"
    complete: StrictBool = Field(False, description="No more episodes will be published")
    locked: StrictBool = Field(
        False, description="podcast:locked: other platforms may not import this feed"
    )
    funding: Annotated[list[FundingIn], Field(max_length=MAX_FUNDING)] = []
    guid: (
        Annotated[
            StrictStr,
            Field(
                description="podcast:guid; default: the UUIDv5 of the feed URL (PSP-1). Set "
                "once; it never changes afterwards."
            ),
            _schema(UUID_PATTERN),
            _matching(UUID_PATTERN, "must be a lower-case UUID"),
        ]
        | None
    ) = None


class OwnerOut(BaseModel):
    name: str
    email: str


class CategoryOut(BaseModel):
    name: str
    subcategory: str | None = None


class FundingOut(BaseModel):
    url: str
    text: str


class ShowLinks(BaseModel):
    self: str
    feed: str = Field(description="The podcast feed (RSS): give this URL to apps and directories")
    json_feed: str


class ShowOut(BaseModel):
    slug: str
    title: str
    description: str
    author: str
    owner: OwnerOut
    image: str
    categories: list[CategoryOut]
    explicit: bool
    language: str | None
    type: Literal["episodic", "serial"]
    complete: bool
    locked: bool
    funding: list[FundingOut]
    guid: str
    created_at: datetime
    updated_at: datetime
    version: int
    links: ShowLinks


class ShowList(BaseModel):
    items: list[ShowOut]
