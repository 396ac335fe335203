"""The feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, each tag and each author; a
podcast RSS and a JSON Feed for each show; and the HTML home page. Public, cacheable,
conditional.

Readers get the feed media types; a browser (``Accept`` preferring ``text/html``) gets a
readable page with a note on how to subscribe, at the same URL (``Vary: Accept``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.config import get_settings
from contentfeed.dal import default_store
from contentfeed.errors import (
    ContentFeedError,
    MethodNotAllowed,
    NotFound,
)
from contentfeed.http import media
from contentfeed.http.cors import CORS
from contentfeed.http.negotiation import prefers_html
from contentfeed.http.paging import decode_cursor
from contentfeed.http.problem import answer_error, from_error
from contentfeed.http.proxy import Response, Router
from contentfeed.http.request import base_url, header
from contentfeed.http.routes import (
    FORMAT_TITLES,
    FeedRoute,
    Format,
    Kind,
    feed_path,
    feed_routes,
    formats_of,
    is_feed_path,
)
from contentfeed.logic.feeds import (
    FeedAnswer,
    FeedRequest,
    Renderer,
    serve_feed,
    serve_show_feed,
)
from contentfeed.models import Article
from contentfeed.rendering.model import FeedInfo
from contentfeed.text import slugify

logger = Logger()
metrics = Metrics()

ALLOW = "GET, HEAD"


get_store = default_store  # a name of this module, so tests can give it another store


def clock() -> datetime:
    return datetime.now(UTC)


def renderer_for(request: FeedRequest, base: str, *, head: bool = False) -> Renderer:
    """The renderer a request needs; feedgen and lxml are imported only when a feed is rendered.

    A HEAD request gets the validators and links without the work of rendering a body.
    """
    if head:
        return lambda info, articles: (b"", len(articles))
    if request.html:
        from contentfeed.rendering.page import Alternate, render_page

        folder = base + request.folder
        alternates = [
            Alternate(
                title=FORMAT_TITLES[fmt],
                media_type=media.FEED_TYPES[fmt],
                url=folder + request.path(fmt).removeprefix(request.folder),
            )
            for fmt in formats_of(request.kind)
        ]
        subscribe = None if request.home else base + request.path()

        def page(info: FeedInfo, articles: Sequence[Article]) -> tuple[bytes, int]:
            # The home page links every show's podcast feed (one more Query, only when rendered).
            podcasts = (
                [
                    Alternate(
                        title=f"{show.title} (podcast)",
                        media_type=media.RSS,
                        url=base + feed_path(Kind.SHOW, show.slug, Format.RSS),
                    )
                    for show in get_store().list_shows()
                ]
                if request.home
                else []
            )
            body = render_page(
                info, articles, alternates=alternates, subscribe_url=subscribe, podcasts=podcasts
            )
            return body, len(articles)

        return page
    if request.kind is Kind.SHOW and request.format is Format.RSS:
        from contentfeed.rendering.podcast import render_podcast_counted

        return render_podcast_counted
    if request.format is Format.RSS:
        from contentfeed.rendering.rss import render_rss_counted

        return render_rss_counted
    if request.format is Format.ATOM:
        from contentfeed.rendering.atom import render_atom_counted

        return render_atom_counted
    from contentfeed.rendering.jsonfeed import render_json_feed_counted

    return render_json_feed_counted


def _content_type(request: FeedRequest) -> str:
    return media.with_charset(media.HTML if request.html else media.FEED_TYPES[request.format])


def _respond(
    event: Mapping[str, Any], kind: Kind, slug: str, fmt: Format, *, home: bool = False
) -> Response:
    settings = get_settings()
    now = clock()
    request = _request(event, kind, slug, fmt, home=home, now=now)
    base = base_url(event, settings)
    head = event.get("httpMethod") == "HEAD"
    serve = serve_show_feed if request.kind is Kind.SHOW else serve_feed
    answer: FeedAnswer = serve(
        get_store(),
        request,
        lambda: renderer_for(request, base, head=head),
        settings=settings,
        base=base,
        now=now,
        if_none_match=header(event, "If-None-Match"),
        if_modified_since=header(event, "If-Modified-Since"),
    )
    ttl = settings.feed_ttl_minutes * 60
    headers: dict[str, str | list[str]] = {
        **answer.validators.headers(),
        "Cache-Control": f"public, max-age={min(ttl, 300)}, stale-while-revalidate={ttl}",
        "Vary": "Accept",
        "Link": [f'<{url}>; rel="{rel}"' for rel, url in answer.links.items()],
    }
    if answer.omitted:
        logger.warning(
            "show feed over its byte budget: oldest episodes left out",
            show=request.slug,
            omitted=answer.omitted,
        )
    metrics.add_metric(
        name="FeedNotModified" if answer.not_modified else "FeedServed",
        unit=MetricUnit.Count,
        value=1,
    )
    if answer.not_modified:
        return Response(status_code=304, headers=headers, body="")
    body = "" if head else (answer.body or b"").decode("utf-8")
    return Response(
        status_code=200, content_type=_content_type(request), headers=headers, body=body
    )


def _request(
    event: Mapping[str, Any], kind: Kind, slug: str, fmt: Format, *, home: bool, now: datetime
) -> FeedRequest:
    params = event.get("queryStringParameters") or {}
    cursor = params.get("cursor") or None
    name = slugify(unquote(slug)) if kind is not Kind.SITE else ""
    if kind is not Kind.SITE and not name:
        raise NotFound(f"no {kind.value} by that name has published articles")
    return FeedRequest(
        kind=kind,
        slug=name,
        format=fmt,
        html=home or prefers_html(header(event, "Accept")),
        home=home,
        # A show feed has no pages: a cursor there is ignored.
        after=None if cursor is None or kind is Kind.SHOW else decode_cursor(cursor, now=now),
    )


def handle_service_error(error: ContentFeedError) -> Response:
    return answer_error(error, logger)


def handle_not_found(method: str, path: str) -> Response:
    if method not in ("GET", "HEAD") and is_feed_path(path):
        return from_error(
            MethodNotAllowed(f"{method} is not allowed here; use {ALLOW}", allow=ALLOW)
        )
    return from_error(NotFound(f"no route {method} {path}"))


router = Router(on_error=handle_service_error, on_not_found=handle_not_found, cors=CORS)


def _register(route: FeedRoute) -> None:
    """One route per entry of the route table (``contentfeed.http.routes``)."""

    def feed(event: Mapping[str, Any], **parameters: str) -> Response:
        if route.format is None:
            return _respond(event, Kind.SITE, "", Format.RSS, home=True)
        slug = parameters[route.parameter] if route.parameter else ""
        return _respond(event, route.kind, slug, route.format)

    router.add(("GET", "HEAD"), route.path("<>"), feed)


for _route in feed_routes():
    _register(_route)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return router.resolve(event)
