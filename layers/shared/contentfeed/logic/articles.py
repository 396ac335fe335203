"""What the article routes do: create, replace, patch, delete, read and list.

Every function takes the store and the settings it needs and a ``now``; none reads the
environment or the clock itself, so tests can move time (a scheduled article becoming due).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from contentfeed.config import Settings
from contentfeed.dal import ScopePage, Store
from contentfeed.dal import keys as table_keys
from contentfeed.dal.items import IdempotencyClaim
from contentfeed.dal.store import IdempotencyKeyTaken, SlugTaken
from contentfeed.errors import (
    BadRequest,
    Conflict,
    FieldIssue,
    Gone,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from contentfeed.http.paging import decode_cursor
from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    EpisodeType,
    Image,
    Person,
    Status,
    Tombstone,
    Transcript,
)

if TYPE_CHECKING:  # pydantic only where input is validated: the public reads never load it
    from pydantic import ValidationError

    from contentfeed.models.api import ArticleIn, PodcastIn
from contentfeed.rendering.identity import entry_id
from contentfeed.text import MAX_SLUG_CHARS, rfc3339, slugify

WRITE_ATTEMPTS = 3
"""Writes without If-Match re-read and re-apply this often when another writer got in first."""


def etag(article: Article) -> str:
    """The article's strong entity tag: its version, which every write increments."""
    return f'"v{article.version}"'


@dataclass(frozen=True, slots=True)
class Preconditions:
    """``If-Match`` / ``If-None-Match`` of a write, parsed."""

    if_match: tuple[str, ...] | None = None
    if_none_match_any: bool = False

    @classmethod
    def from_headers(cls, if_match: str | None, if_none_match: str | None) -> Preconditions:
        tags = None
        if if_match is not None:
            tags = tuple(part.strip() for part in if_match.split(",") if part.strip())
        return cls(if_match=tags, if_none_match_any=(if_none_match or "").strip() == "*")

    def check(self, current: Article | None) -> None:
        if self.if_none_match_any and current is not None:
            raise PreconditionFailed("If-None-Match: * but the article exists")
        if self.if_match is None:
            return
        if current is None:
            raise PreconditionFailed("If-Match was sent but the article does not exist")
        if "*" not in self.if_match and etag(current) not in self.if_match:
            raise PreconditionFailed(
                f"If-Match {', '.join(self.if_match)} does not match the current version {etag(current)}"
            )


def validation_issues(
    error: ValidationError, *, prefix: tuple[str | int, ...] = ()
) -> list[FieldIssue]:
    issues = []
    for item in error.errors(include_url=False):
        location = [str(part) for part in (*prefix, *item["loc"])]
        issues.append(
            FieldIssue(field=".".join(location) or "body", message=item["msg"], type=item["type"])
        )
    return issues


def default_url(settings: Settings, slug: str) -> str:
    """An article's page when the publisher names none: the site URL and the slug (percent-encoded)."""
    return site_page(settings.site_url, slug)


def site_page(site_url: str, slug: str) -> str:
    return f"{site_url}/{quote(slug)}"


@dataclass(frozen=True, slots=True)
class Kept:
    """What an article keeps from its stored version when a new input leaves it out."""

    slug: str | None = None
    published_at: datetime | None = None
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class Defaults:
    slug: str
    url: str | None
    published_at: datetime
    guid: str | None


def derive_defaults(
    *,
    title: str,
    slug: str | None,
    url: str | None,
    published_at: datetime | None,
    guid: str | None,
    article_id: str,
    kept: Kept,
    site_url: str | None,
    now: datetime,
) -> Defaults:
    """The one rule for the fields an input may leave out (the API, ``sync`` and front matter).

    Without a slug, an existing article keeps its own (its URL stays put) and a new one takes
    the title's (or a token of the id); without a URL the page is ``{site}/{slug}``;
    the publication time is kept, else now; a feed id, once given, is kept.
    """
    chosen = slug or kept.slug or slugify(title) or id_token(article_id)
    return Defaults(
        slug=chosen,
        url=url or (site_page(site_url, chosen) if site_url else None),
        published_at=(published_at or kept.published_at or now).astimezone(UTC),
        guid=guid or kept.guid,  # build_article refuses a change of a kept one
    )


def build_article(
    data: ArticleIn,
    settings: Settings,
    *,
    article_id: str,
    now: datetime,
    previous: Article | Tombstone | None,
) -> Article:
    """The domain article that ``data`` describes, as it will be stored."""
    old = previous if isinstance(previous, Article) else None
    _check_guid(data, old)
    defaults = derive_defaults(
        title=data.title,
        slug=data.slug,
        url=data.url,
        published_at=data.published_at,
        guid=data.guid,
        article_id=article_id,
        kept=Kept(slug=old.slug, published_at=old.published_at, guid=old.guid) if old else Kept(),
        site_url=settings.site_url,
        now=now,
    )
    created_at = old.created_at if old else now
    return Article(
        id=article_id,
        slug=defaults.slug,
        title=data.title,
        url=defaults.url or default_url(settings, defaults.slug),
        published_at=defaults.published_at,
        created_at=created_at,
        updated_at=now,
        version=(previous.version + 1) if previous else 1,
        status=Status(data.status),
        summary=data.summary,
        content_html=_content(data.content_html),
        authors=tuple(Person(name=a.name, email=a.email, url=a.url) for a in data.authors),
        contributors=tuple(Contributor(name=c.name, role=c.role) for c in data.contributors),
        tags=tuple(data.tags),
        image=None
        if data.image is None
        else Image(
            url=data.image.url,
            caption=data.image.caption,
            credit=data.image.credit,
            alt=data.image.alt,
            type=data.image.type,
            length=data.image.length,
        ),
        language=data.language,
        guid=defaults.guid,
        attachments=tuple(
            Attachment(
                url=item.url,
                type=item.type,
                length=item.length,
                duration=item.duration,
                title=item.title,
            )
            for item in data.attachments
        ),
        podcast=None if data.podcast is None else episode_from_input(data.podcast),
        show=data.show,
        modified_at=None if data.modified_at is None else data.modified_at.astimezone(UTC),
    )


def episode_from_input(data: PodcastIn) -> Episode:
    return Episode(
        episode=data.episode,
        season=data.season,
        episode_type=None if data.episode_type is None else EpisodeType(data.episode_type),
        explicit=data.explicit,
        image=data.image,
        transcripts=tuple(
            Transcript(url=t.url, type=t.type, language=t.language) for t in data.transcripts
        ),
        chapters_url=data.chapters_url,
    )


def episode_document(episode: Episode) -> dict[str, Any]:
    """The episode fields as JSON (input and output share this shape)."""
    return {
        "episode": episode.episode,
        "season": episode.season,
        "episode_type": None if episode.episode_type is None else episode.episode_type.value,
        "explicit": episode.explicit,
        "image": episode.image,
        "transcripts": [asdict(transcript) for transcript in episode.transcripts],
        "chapters_url": episode.chapters_url,
    }


def _content(html: str | None) -> str | None:
    """Sanitised HTML; content that had something and is left with nothing is refused."""
    if html is None:
        return None
    from contentfeed.logic.sanitize import clean_html, has_content, is_blank  # nh3: writes only

    cleaned = clean_html(html)
    if has_content(html) and is_blank(cleaned):
        raise ValidationFailed(
            "content_html is empty once sanitised: it held only active content",
            issues=[
                FieldIssue(
                    field="content_html",
                    message="nothing is left after removing scripts, styles and embeds without "
                    "a source; send text, an image or a link",
                    type="empty_after_sanitising",
                )
            ],
        )
    return cleaned


def _check_guid(data: ArticleIn, old: Article | None) -> None:
    """A feed id, once given, is for ever: readers would see a changed one as a new article."""
    if old is not None and old.guid and data.guid and data.guid != old.guid:
        raise Conflict(f"guid is {old.guid} and cannot change (readers know the article by it)")


def _fields(article: Article) -> dict[str, Any]:
    """Every input field of an article as JSON values (None where it has none).

    The one place an article becomes a document: ``as_input`` (merge patches, the tools'
    comparisons and export) and ``output_document`` (the API) are built from it. Timestamps are
    RFC 3339 in UTC (``text.rfc3339``) everywhere.
    """
    return {
        "title": article.title,
        "summary": article.summary,
        "content_html": article.content_html,
        "url": article.url,
        "slug": article.slug,
        "authors": [asdict(author) for author in article.authors],
        "contributors": [asdict(contributor) for contributor in article.contributors],
        "tags": list(article.tags),
        "image": None if article.image is None else asdict(article.image),
        "published_at": rfc3339(article.published_at),
        "status": article.status.value,
        "language": article.language,
        "guid": article.guid,
        "attachments": [asdict(item) for item in article.attachments],
        "podcast": None if article.podcast is None else episode_document(article.podcast),
        "show": article.show,
        "modified_at": None if article.modified_at is None else rfc3339(article.modified_at),
    }


def as_input(article: Article) -> dict[str, Any]:
    """The stored article in the input model's shape (the document a merge patch applies to)."""
    cleaned: dict[str, Any] = _without_nulls(_fields(article))
    return cleaned


def output_document(article: Article) -> dict[str, Any]:
    """The article as the API answers it (without ``links``): the input fields, its id, the id
    feeds give it, and the fields the service keeps."""
    return {
        "id": article.id,
        **_fields(article),
        "guid": entry_id(article.id, article.guid),
        **_service_fields(article),
    }


ARTICLE_OUT_FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "content_html",
    "url",
    "authors",
    "contributors",
    "tags",
    "image",
    "published_at",
    "status",
    "language",
    "attachments",
    "podcast",
    "show",
    "guid",
    "modified_at",
    "created_at",
    "updated_at",
    "version",
    "links",
)
"""``ArticleOut``'s fields, in its order (a test holds them together)."""


def output_json(article: Article, links: dict[str, str]) -> str:
    """The article as the API answers it, as JSON: byte for byte what ``ArticleOut`` writes
    (a test holds the two together), without pydantic, which the public reads never load."""
    document = {**output_document(article), "links": links}
    return json.dumps(
        {name: document[name] for name in ARTICLE_OUT_FIELDS},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def export_document(article: Article) -> dict[str, Any]:
    """An export line: ``id``, the input fields (``as_input``), then the service's fields."""
    return {"id": article.id, **as_input(article), **_service_fields(article)}


def _service_fields(article: Article) -> dict[str, Any]:
    return {
        "created_at": rfc3339(article.created_at),
        "updated_at": rfc3339(article.updated_at),
        "version": article.version,
    }


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


# ------------------------------------------------------------------------ reads


def _live_article(
    record: Article | Tombstone | None, article_id: str, *, gone: str | None = None
) -> Article:
    """The article ``record`` holds: a deleted one is 410 Gone (``gone`` says why), none 404."""
    if isinstance(record, Tombstone):
        raise Gone(gone or f"article {article_id} was deleted")
    if record is None:
        raise NotFound(f"no article with id {article_id}")
    return record


def get_article(store: Store, article_id: str, *, now: datetime, privileged: bool) -> Article:
    """One article; drafts and not-yet-due articles only for a key holder."""
    article = _live_article(store.get_record(article_id), article_id)
    if not privileged and not article.is_visible(now):
        raise NotFound(f"no article with id {article_id}")
    return article


def list_scope_for(tag: str | None, author: str | None) -> str:
    if tag and author:
        raise BadRequest("filter by tag or by author, not both at once")
    if tag:
        return table_keys.tag_scope(slugify(tag))
    if author:
        return table_keys.author_scope(slugify(author))
    return table_keys.SITE


def list_articles(
    store: Store,
    *,
    now: datetime,
    limit: int,
    cursor: str | None,
    tag: str | None = None,
    author: str | None = None,
) -> ScopePage:
    """Published, due articles newest first: one ``Query``."""
    scope = list_scope_for(tag, author)
    after = decode_cursor(cursor, now=now) if cursor else None
    return store.list_scope(scope, now=now, limit=limit, after=after)


# ----------------------------------------------------------------------- writes


def _write(
    attempt: Callable[[], Article],
    preconditions: Preconditions,
) -> Article:
    """Run a read-modify-write; without If-Match, re-read and retry when another writer won."""
    tries = 1 if preconditions.if_match is not None else WRITE_ATTEMPTS
    for remaining in range(tries - 1, -1, -1):
        try:
            return attempt()
        except PreconditionFailed:
            if remaining == 0:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


IDEMPOTENCY_WINDOW = timedelta(hours=24)


def idempotency_claim(
    key: str, principal: str, data: ArticleIn, *, now: datetime
) -> IdempotencyClaim:
    """The claim for an ``Idempotency-Key``, scoped to the write key that sent it."""
    key_hash = hashlib.sha256(f"{principal}\x1f{key}".encode()).hexdigest()
    request_hash = hashlib.sha256(data.model_dump_json().encode()).hexdigest()
    return IdempotencyClaim(
        key_hash=key_hash, request_hash=request_hash, expires_at=now + IDEMPOTENCY_WINDOW
    )


def create_article(
    store: Store,
    settings: Settings,
    data: ArticleIn,
    *,
    now: datetime,
    claim: IdempotencyClaim | None = None,
) -> Article:
    """A new article under a fresh opaque id (POST).

    With an idempotency ``claim`` a retried request (same key, same body) gets the article the
    first one created, and nothing new is written; the same key with another body is a 422.
    """
    article_id = str(uuid.uuid4())
    article = build_article(data, settings, article_id=article_id, now=now, previous=None)
    try:
        return _save(store, settings, data, article, None, now=now, claim=claim)
    except IdempotencyKeyTaken:
        assert claim is not None
        return _replay(store, claim)


def id_token(article_id: str, length: int = 8) -> str:
    """Lowercase hex derived from an id: a slug part that is valid whatever the id holds
    (client ids may carry ``.``, ``_``, ``~``, capitals or a trailing ``-``)."""
    return hashlib.sha256(article_id.encode()).hexdigest()[:length]


SLUG_SUFFIX_LENGTHS = (8, 16, 32)
"""A derived slug that is taken gets the id's token of these lengths, in turn."""


def unique_slug_candidates(slug: str, article_id: str) -> list[str]:
    """Distinct slugs to try after ``slug`` was taken: ``slug-{token}``, each at most
    ``MAX_SLUG_CHARS`` long and valid (never ending in ``-``)."""
    candidates = []
    for length in SLUG_SUFFIX_LENGTHS:
        token = id_token(article_id, length)
        stem = slug[: MAX_SLUG_CHARS - len(token) - 1].rstrip("-")
        candidate = f"{stem}-{token}" if stem else token
        if candidate != slug and candidate not in candidates:
            candidates.append(candidate)
    return candidates


def _save(
    store: Store,
    settings: Settings,
    data: ArticleIn,
    article: Article,
    previous: Article | Tombstone | None,
    *,
    now: datetime,
    claim: IdempotencyClaim | None = None,
) -> Article:
    """Save; when a slug derived from the title is taken, make it unique with the id and save again.

    Only a slug the client chose (or the one an article already has) is worth a 409: two
    articles may well share a title. The suffixes come from the id, so saving the same id again
    derives the same slug.
    """
    check_show(store, article, previous)
    derived = data.slug is None and not (isinstance(previous, Article) and previous.slug)
    candidates = unique_slug_candidates(article.slug, article.id) if derived else []
    while True:
        try:
            store.save(article, previous, now=now, claim=claim)
            return article
        except SlugTaken:
            if not candidates:
                raise
            article = replace(article, slug=candidates.pop(0))
            if data.url is None:
                article = replace(article, url=default_url(settings, article.slug))


def check_show(store: Store, article: Article, previous: Article | Tombstone | None) -> None:
    """An article can only join a show that exists (one ``GetItem``, when ``show`` changes)."""
    if article.show is None:
        return
    if isinstance(previous, Article) and previous.show == article.show:
        return
    if store.get_show(article.show) is None:
        raise ValidationFailed(
            f"there is no show {article.show}",
            issues=[
                FieldIssue(
                    field="show",
                    message=f"no show '{article.show}': create it with PUT /shows/{article.show}",
                    type="unknown_show",
                )
            ],
        )


def _replay(store: Store, claim: IdempotencyClaim) -> Article:
    taken = store.get_claim(claim.key_hash)
    if taken is None:  # expired between the two calls: extremely unlikely, safe to ask again
        raise Conflict("the Idempotency-Key is being released; retry the request")
    article_id, request_hash = taken
    if request_hash != claim.request_hash:
        raise ValidationFailed(
            "this Idempotency-Key was already used with a different request body",
            issues=[
                FieldIssue(
                    field="Idempotency-Key", message="reused with another body", type="idempotency"
                )
            ],
        )
    return _live_article(
        store.get_record(article_id, consistent=True),
        article_id,
        gone=f"the article this request created ({article_id}) was deleted since",
    )


def replace_article(
    store: Store,
    settings: Settings,
    article_id: str,
    data: ArticleIn,
    *,
    preconditions: Preconditions,
    now: datetime,
) -> tuple[Article, bool]:
    """Create or replace under a client-chosen id (PUT). Returns (article, created)."""

    created = False

    def attempt() -> Article:
        nonlocal created
        previous = store.get_record(article_id, consistent=True)
        current = previous if isinstance(previous, Article) else None
        preconditions.check(current)
        created = current is None
        article = build_article(data, settings, article_id=article_id, now=now, previous=previous)
        return _save(store, settings, data, article, previous, now=now)

    return _write(attempt, preconditions), created


def patch_article(
    store: Store,
    settings: Settings,
    article_id: str,
    patch: dict[str, Any],
    *,
    preconditions: Preconditions,
    now: datetime,
) -> Article:
    """Apply an RFC 7396 merge patch, then validate the result as a whole article (PATCH)."""

    def attempt() -> Article:
        previous = _live_article(store.get_record(article_id, consistent=True), article_id)
        preconditions.check(previous)
        current = as_input(previous)
        if current.get("url") == default_url(settings, previous.slug):
            del current["url"]  # derived, not chosen: it follows a new slug
        # A change that does not say when the content changed means now, as for a PUT.
        current.pop("modified_at", None)
        document = merge_patch(current, patch)
        from pydantic import ValidationError

        from contentfeed.models.api import ArticleIn

        try:
            data = ArticleIn.model_validate(document)
        except ValidationError as exc:
            raise ValidationFailed(
                "the patched article is not valid", issues=validation_issues(exc)
            ) from None
        article = build_article(data, settings, article_id=article_id, now=now, previous=previous)
        check_show(store, article, previous)
        store.save(article, previous, now=now)
        return article

    return _write(attempt, preconditions)


def delete_article(
    store: Store, article_id: str, *, preconditions: Preconditions, now: datetime
) -> None:
    """Delete: a tombstone stays so that ``GET`` answers 410 and Atom can say it is gone."""

    def attempt() -> Article:
        previous = _live_article(
            store.get_record(article_id, consistent=True),
            article_id,
            gone=f"article {article_id} was already deleted",
        )
        preconditions.check(previous)
        tombstone = Tombstone(
            id=previous.id, version=previous.version + 1, deleted_at=now, guid=previous.guid
        )
        store.delete(previous, tombstone, now=now)
        return previous

    _write(attempt, preconditions)
