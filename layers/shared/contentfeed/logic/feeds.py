"""What the feed routes do: pick the page, answer 304 cheaply, otherwise render.

The first page of a feed takes its validators from the feed's marker: a conditional request
costs one small ``GetItem`` and no rendering, and a full answer costs one ``Query`` that
returns the marker together with the entries. Older pages (``?cursor=``) are immutable in
practice and take their validators from the entries they contain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from contentfeed import __version__
from contentfeed.config import Settings
from contentfeed.dal import Marker, ScopePage, Store
from contentfeed.dal import keys as table_keys
from contentfeed.errors import NotFound
from contentfeed.http.conditional import http_date, is_not_modified, strong_etag
from contentfeed.http.paging import encode_cursor
from contentfeed.http.routes import HOME, Format, Kind, feed_path, folder
from contentfeed.models import Article
from contentfeed.rendering.identity import atom_id
from contentfeed.rendering.model import SHOW_BYTE_BUDGET, DeletedEntry, FeedInfo

FEED_NAMESPACE = uuid.UUID("0d6f3f1e-5a7b-4c2d-8e9f-1a2b3c4d5e6f")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RENDER_REVISION = f"{__version__}-2"
"""Part of every feed ETag: bump it when the rendered bytes change for the same data."""


@dataclass(frozen=True, slots=True)
class FeedRequest:
    kind: Kind
    slug: str
    """The tag's, author's or show's slug ('' for the site)."""
    format: Format
    html: bool = False
    """A browser asked: answer with the HTML view."""
    home: bool = False
    """The site's home page (``GET /``): the HTML view with links to every format."""
    after: tuple[str, str] | None = None
    """The position an archive page starts after (a decoded cursor); None: the first page."""

    @property
    def cursor(self) -> str | None:
        """The page's cursor as this service spells it: the only form ever echoed."""
        return None if self.after is None else encode_cursor(self.after)

    @property
    def scope(self) -> str:
        return table_keys.scope(self.kind, self.slug)

    @property
    def folder(self) -> str:
        """The path the feed files of this scope live under ('' for the site)."""
        return folder(self.kind, self.slug)

    def path(self, fmt: Format | None = None) -> str:
        if self.home and fmt is None:
            return HOME
        return feed_path(self.kind, self.slug, fmt or self.format)


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str
    last_modified: datetime

    def headers(self) -> dict[str, str]:
        return {"ETag": self.etag, "Last-Modified": http_date(self.last_modified)}


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    """A 200 (with ``body``) or a 304 (``body`` is None); headers to send either way."""

    validators: Validators
    body: bytes | None = None
    links: dict[str, str] = field(default_factory=dict)
    """rel → URL, repeated as HTTP ``Link`` headers."""
    omitted: int = 0
    """Episodes a show feed left out to stay within its byte budget (oldest first)."""

    @property
    def not_modified(self) -> bool:
        return self.body is None


Renderer = Callable[[FeedInfo, Sequence[Article]], tuple[bytes, int]]
"""Renders a page and says how many of the articles fitted in the byte budget."""
RendererFactory = Callable[[], Renderer]
"""Called only when a page is rendered, so a 304 never imports feedgen or lxml."""


def _fingerprint(settings: Settings, base: str) -> tuple[object, ...]:
    """Everything besides the data that shows in a feed's bytes."""
    return (
        RENDER_REVISION,
        base,
        settings.site_url,
        settings.site_title,
        settings.site_description,
        settings.site_language,
        settings.websub_hub_url,
        settings.feed_size,
        settings.feed_ttl_minutes,
    )


def first_page_validators(
    request: FeedRequest, marker: Marker | None, *, settings: Settings, base: str, now: datetime
) -> Validators:
    version = marker.version if marker else 0
    due = marker.latest_due(now) if marker else None
    etag = strong_etag(
        *_fingerprint(settings, base),
        request.scope,
        request.format,
        request.html,
        request.home,
        version,
        due,
    )
    last_modified = marker.last_modified(now) if marker else EPOCH
    return Validators(etag=etag, last_modified=last_modified)


def archive_validators(
    request: FeedRequest, page: ScopePage, *, settings: Settings, base: str
) -> Validators:
    contents = [(article.id, article.version) for article in page.articles]
    etag = strong_etag(
        *_fingerprint(settings, base),
        request.scope,
        request.format,
        request.html,
        request.cursor,
        contents,
        page.after,
    )
    newest = max((article.updated_at for article in page.articles), default=None)
    return Validators(etag=etag, last_modified=newest or EPOCH)


def public_marker(request: FeedRequest, marker: Marker | None, *, now: datetime) -> Marker | None:
    """The feed's marker if readers may know of it; a tag or author feed without one is a 404.

    An article that is not visible yet (scheduled, or deleted before it was due) leaves a
    marker recording its schedule in each of its feeds: such a marker changes no status and no
    validator, so nothing tells a reader without a key that a tag or an author is coming.
    """
    if marker is not None and not marker.is_public(now):
        marker = None
    if marker is None and request.kind in (Kind.TAG, Kind.AUTHOR):
        raise NotFound(f"no {request.kind.value} '{request.slug}' has published articles")
    return marker


def check_not_modified(
    store: Store,
    request: FeedRequest,
    *,
    settings: Settings,
    base: str,
    now: datetime,
    if_none_match: str | None,
    if_modified_since: str | None,
) -> FeedAnswer | None:
    """The 304 fast path for a feed's first page: one ``GetItem`` of its marker, no rendering."""
    if request.cursor is not None or (if_none_match is None and if_modified_since is None):
        return None
    marker = store.get_marker(request.scope)
    if marker is None and request.kind is Kind.SHOW:
        raise NotFound(f"no show '{request.slug}'")
    marker = public_marker(request, marker, now=now)
    validators = first_page_validators(request, marker, settings=settings, base=base, now=now)
    if is_not_modified(
        etag=validators.etag,
        last_modified=validators.last_modified,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
    ):
        return FeedAnswer(validators=validators, links=_links(request, settings, base))
    return None


def _links(request: FeedRequest, settings: Settings, base: str) -> dict[str, str]:
    page = "" if request.cursor is None else f"?cursor={request.cursor}"
    links = {"self": base + request.path() + page}
    if settings.websub_hub_url:
        links["hub"] = settings.websub_hub_url
    return links


def _display_name(request: FeedRequest, articles: Sequence[Article]) -> str:
    """The tag or author as people wrote it, found on the articles (the URL has only the slug)."""
    for article in articles:
        if request.kind is Kind.TAG:
            for tag, slug in zip(article.tags, (t for t in article.tag_slugs), strict=False):
                if slug == request.slug:
                    return tag
        if request.kind is Kind.AUTHOR:
            for author in article.authors:
                if author.slug == request.slug:
                    return author.name
    return request.slug


def feed_info(
    request: FeedRequest,
    page: ScopePage,
    validators: Validators,
    *,
    settings: Settings,
    base: str,
    now: datetime,
) -> FeedInfo:
    title = settings.site_title
    if request.kind is Kind.TAG:
        title = f"{settings.site_title} — tag {_display_name(request, page.articles)}"
    elif request.kind is Kind.AUTHOR:
        title = f"{settings.site_title} — {_display_name(request, page.articles)}"
    first_url = base + request.path()
    self_url = first_url if request.cursor is None else f"{first_url}?cursor={request.cursor}"
    next_url = f"{first_url}?cursor={encode_cursor(page.after)}" if page.after else None
    deleted: tuple[DeletedEntry, ...] = ()
    if page.marker is not None and request.cursor is None:
        deleted = tuple(
            DeletedEntry(
                guid=atom_id(article_id, page.marker.deleted_guids.get(article_id)),
                deleted_at=moment,
            )
            for article_id, moment in sorted(
                page.marker.deleted.items(), key=lambda pair: (pair[1], pair[0]), reverse=True
            )
        )
    return FeedInfo(
        title=title,
        description=settings.site_description,
        self_url=self_url,
        site_url=settings.site_url,
        feed_id=f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, f'{settings.site_url}|{request.scope}')}",
        updated=validators.last_modified,
        language=settings.site_language,
        ttl_minutes=settings.feed_ttl_minutes,
        hub_url=settings.websub_hub_url or None,
        next_url=next_url,
        next_url_after=lambda article: (
            f"{first_url}?cursor={encode_cursor(table_keys.entry_position(article))}"
        ),
        first_url=first_url if request.cursor is not None else None,
        deleted=deleted,
    )


def serve_feed(
    store: Store,
    request: FeedRequest,
    renderer: RendererFactory,
    *,
    settings: Settings,
    base: str,
    now: datetime,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
) -> FeedAnswer:
    """One page of one feed, or a 304 when the client's copy is current."""
    cached = check_not_modified(
        store,
        request,
        settings=settings,
        base=base,
        now=now,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
    )
    if cached is not None:
        return cached
    if request.after is None:
        page = store.list_scope(request.scope, now=now, limit=settings.feed_size, with_marker=True)
        marker = public_marker(request, page.marker, now=now)
        page = replace(page, marker=marker)
        validators = first_page_validators(request, marker, settings=settings, base=base, now=now)
    else:
        page = store.list_scope(
            request.scope, now=now, limit=settings.feed_size, after=request.after
        )
        validators = archive_validators(request, page, settings=settings, base=base)
        if is_not_modified(
            etag=validators.etag,
            last_modified=validators.last_modified,
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
        ):
            return FeedAnswer(validators=validators, links=_links(request, settings, base))
    info = feed_info(request, page, validators, settings=settings, base=base, now=now)
    body, rendered = renderer()(info, page.articles)
    links = _links(request, settings, base)
    if rendered < len(page.articles) and info.next_url_after is not None:
        # The byte budget cut the page short: the next page starts after the last one rendered.
        links["next"] = info.next_url_after(page.articles[rendered - 1])
    elif info.next_url:
        links["next"] = info.next_url
    return FeedAnswer(validators=validators, body=body, links=links)


def serve_show_feed(
    store: Store,
    request: FeedRequest,
    renderer: RendererFactory,
    *,
    settings: Settings,
    base: str,
    now: datetime,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
) -> FeedAnswer:
    """A show's podcast feed with every episode (no paging), or a 304: one ``GetItem`` for a
    304, one ``Query`` otherwise (the show, its marker and its episodes share a partition)."""
    cached = check_not_modified(
        store,
        request,
        settings=settings,
        base=base,
        now=now,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
    )
    if cached is not None:
        return cached
    show, page = store.show_feed(request.slug, now=now)
    if show is None:
        raise NotFound(f"no show '{request.slug}'")
    validators = first_page_validators(request, page.marker, settings=settings, base=base, now=now)
    info = FeedInfo(
        title=show.title,
        description=show.description,
        self_url=base + request.path(),
        site_url=settings.site_url,
        feed_id=f"urn:uuid:{show.guid}",
        updated=validators.last_modified,
        language=show.language or settings.site_language,
        ttl_minutes=settings.feed_ttl_minutes,
        hub_url=settings.websub_hub_url or None,
        byte_budget=SHOW_BYTE_BUDGET,
        show=show,
    )
    body, rendered = renderer()(info, page.articles)
    return FeedAnswer(
        validators=validators,
        body=body,
        links=_links(request, settings, base),
        omitted=len(page.articles) - rendered,
    )
