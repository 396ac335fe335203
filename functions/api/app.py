"""The JSON API: articles and shows in and out, plus its OpenAPI description and /docs.

Routes parse, call one logic function and shape the response. Errors are typed exceptions
mapped to problem+json once (``handle_service_error``, and the resolver's handlers for
validation). Every route is declared on Powertools' validating resolver, built by
``resolver()`` on the first request that needs it; the public reads with plainly valid
parameters and the two documents are answered before it, by ``reads``, with the same functions.
"""
# No ``from __future__ import annotations`` here: the routes' parameters are declared in
# ``Annotated`` types that Powertools reads when the validating resolver is built, and they name
# what that builder imports (pydantic models, Powertools' parameter classes).

import json
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.config import get_settings
from contentfeed.dal import default_store
from contentfeed.dal.keys import entry_position
from contentfeed.errors import (
    ContentFeedError,
    FieldIssue,
    Unauthorized,
    UnsupportedMediaType,
)
from contentfeed.http import proxy
from contentfeed.http.cors import CORS
from contentfeed.http.links import link_value
from contentfeed.http.media import HTML, JSON, PROBLEM_JSON, RSS
from contentfeed.http.paging import encode_cursor, fill_budget
from contentfeed.http.problem import answer_error, from_error, problem
from contentfeed.http.request import as_json_request, base_url, check_body, header
from contentfeed.http.routes import not_allowed
from contentfeed.limits import (
    ARTICLE_ID_PATTERN,
    LIST_BYTE_BUDGET,
    LIST_PARAMETER_CHARS,
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    SHOW_SLUG_PATTERN,
)
from contentfeed.logic import articles as logic
from contentfeed.logic import shows as show_logic
from contentfeed.logic.keys import is_valid_key
from contentfeed.models import Article
from contentfeed.models.show import Show
from contentfeed.text import MAX_SLUG_CHARS

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

logger = Logger()
metrics = Metrics()
OPENAPI_INFO: dict[str, Any] = {
    "title": "contentfeed API",
    "version": "1.0.0",
    "description": "Articles in over JSON; RSS 2.0, Atom 1.0 and JSON Feed 1.1 out. Articles "
    "carry attachments (audio, video, files) and episode fields; podcast shows publish "
    "PSP-1 podcast feeds at /shows/{slug}/feed.xml. "
    "Writes need `Authorization: Bearer <key>`.",
}
WRITE_KEY: list[dict[str, list[str]]] = [{"writeKey": []}]


get_store = default_store  # a name of this module, so tests can give it another store


def clock() -> datetime:
    return datetime.now(UTC)


OPENAPI_FILE = FilePath(__file__).with_name("openapi.json")


@lru_cache(maxsize=1)
def _checked_in_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=16)
def openapi_document(base: str) -> str:
    document = {**_checked_in_document(), "servers": [{"url": base}]}
    return json.dumps(document, indent=2, ensure_ascii=False)


def generated_openapi_document(base: str) -> str:
    """The document as Powertools generates it from the routes and models (tests and
    ``python -m functions.api.app``, never a request: its OpenAPI models take longer to
    import than boto3 does)."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

    return resolver().get_openapi_json_schema(
        **OPENAPI_INFO,
        servers=[Server(url=base)],
        security_schemes={"writeKey": HTTPBearer(description="A contentfeed write key")},
    )


def docs_page(base: str) -> str:
    """Swagger UI with its script and styles inlined, so /docs works offline. Not cached as a
    whole (1.7 MB a page, and the base URL is the client's to choose): its parts are."""
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    script, styles = _swagger_assets()
    return generate_swagger_html(
        openapi_document(base).replace("</", "<\\/"),
        script,
        styles,
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )


@lru_cache(maxsize=1)
def _swagger_assets() -> tuple[str, str]:
    """The Swagger UI script and stylesheet that Powertools ships."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    assets = FilePath(swagger_ui.__file__).parent
    return (
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
    )


# -------------------------------------------------------------- the reads
# The public reads are served without the validating resolver when their parameters are plainly
# valid (``reads`` below); anything else goes to the resolver, whose routes call these same
# functions, so both answer alike (a test compares them).


def handle_service_error(error: ContentFeedError) -> proxy.Response:
    return answer_error(error, logger)


def article_json(article: Article, base: str) -> str:
    return logic.output_json(
        article, {"self": f"{base}/articles/{article.id}", "alternate": article.url}
    )


def article_response(
    event: dict[str, Any],
    article: Article,
    status: int = 200,
    extra: dict[str, str] | None = None,
) -> proxy.Response:
    base = base_url(event, get_settings())
    headers = {"ETag": logic.etag(article), "Cache-Control": "no-cache", **(extra or {})}
    return proxy.Response(
        status_code=status, content_type=JSON, body=article_json(article, base), headers=headers
    )


def list_page(
    event: dict[str, Any], *, limit: int, cursor: str | None, tag: str | None, author: str | None
) -> proxy.Response:
    page = logic.list_articles(
        get_store(), now=clock(), limit=limit, cursor=cursor, tag=tag, author=author
    )
    base = base_url(event, get_settings())
    items = fill_budget(
        (article_json(article, base) for article in page.articles), LIST_BYTE_BUDGET
    )
    after = page.after
    if len(items) < len(page.articles):  # the byte budget cut the page: go on after the last
        after = entry_position(page.articles[len(items) - 1])
    next_cursor = encode_cursor(after) if after else None
    next_url = None
    if next_cursor:
        query = {"limit": limit, "cursor": next_cursor, "tag": tag, "author": author}
        next_url = f"{base}/articles?" + urlencode(
            {k: v for k, v in query.items() if v is not None}
        )
    # The page as ArticlePage writes it (its fields in its order), the items already serialised
    # (and measured) spliced in.
    page_json = json.dumps(
        {"items": [], "cursor": next_cursor, "next": next_url},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = '{"items":[' + ",".join(items) + "]" + page_json.removeprefix('{"items":[]')
    headers = {"Cache-Control": "public, max-age=60"}
    if next_url:
        headers["Link"] = link_value(next_url, rel="next")
    return proxy.Response(status_code=200, content_type=JSON, body=body, headers=headers)


def one_article(event: dict[str, Any], article_id: str) -> proxy.Response:
    store = get_store()
    authorization = header(event, "Authorization")
    privileged = authorization is not None and is_valid_key(store, authorization)
    article = logic.get_article(store, article_id, now=clock(), privileged=privileged)
    return article_response(event, article)


def show_response(event: dict[str, Any], show: Show, status: int = 200) -> proxy.Response:
    base = base_url(event, get_settings())
    headers = {
        "ETag": show_logic.etag(show),
        "Cache-Control": "no-cache",
        "Link": link_value(show_logic.feed_url(base, show.slug), rel="alternate", media_type=RSS),
    }
    if status == 201:
        headers["Location"] = f"{base}/shows/{show.slug}"
    return proxy.Response(
        status_code=status,
        content_type=JSON,
        body=show_logic.output_json(show, base),
        headers=headers,
    )


def show_list(event: dict[str, Any]) -> proxy.Response:
    base = base_url(event, get_settings())
    shows = show_logic.list_shows(get_store())
    links = [
        link_value(
            show_logic.feed_url(base, show.slug), rel="alternate", media_type=RSS, title=show.title
        )
        for show in shows
    ]
    headers: dict[str, str | list[str]] = {"Cache-Control": "public, max-age=60"}
    if links:
        headers["Link"] = links
    return proxy.Response(
        status_code=200,
        content_type=JSON,
        body=show_logic.list_json(shows, base),
        headers=headers,
    )


def one_show(event: dict[str, Any], slug: str) -> proxy.Response:
    return show_response(event, show_logic.get_show(get_store(), slug))


class NeedsValidation(Exception):
    """A request the plain read routes leave to the validating resolver."""


ARTICLE_ID = re.compile(ARTICLE_ID_PATTERN)
SHOW_SLUG = re.compile(SHOW_SLUG_PATTERN)
_LIMIT = re.compile(r"[0-9]{1,3}")


def _plain_parameters(event: dict[str, Any]) -> dict[str, str]:
    """The query string when every parameter is sent once (else the resolver decides)."""
    single: dict[str, str] = event.get("queryStringParameters") or {}
    multi: dict[str, list[str]] = event.get("multiValueQueryStringParameters") or {}
    for name in {*single, *multi}:
        if name not in single or multi.get(name, [single[name]]) != [single[name]]:
            raise NeedsValidation(name)
    return single


def _plain_list(event: dict[str, Any]) -> proxy.Response:
    parameters = _plain_parameters(event)
    limit = parameters.get("limit")
    if limit is not None and not (_LIMIT.fullmatch(limit) and 1 <= int(limit) <= PAGE_SIZE_MAX):
        raise NeedsValidation("limit")
    for name, longest in LIST_PARAMETER_CHARS.items():
        if len(parameters.get(name) or "") > longest:
            raise NeedsValidation(name)
    return list_page(
        event,
        limit=PAGE_SIZE_DEFAULT if limit is None else int(limit),
        cursor=parameters.get("cursor"),
        tag=parameters.get("tag"),
        author=parameters.get("author"),
    )


def _plain_article(event: dict[str, Any], article_id: str) -> proxy.Response:
    if not ARTICLE_ID.fullmatch(article_id):
        raise NeedsValidation("article_id")
    return one_article(event, article_id)


def _plain_show(event: dict[str, Any], slug: str) -> proxy.Response:
    if len(slug) > MAX_SLUG_CHARS or not SHOW_SLUG.fullmatch(slug):
        raise NeedsValidation("slug")
    return one_show(event, slug)


def _openapi(event: dict[str, Any]) -> proxy.Response:
    base = base_url(event, get_settings())
    return proxy.Response(status_code=200, content_type=JSON, body=openapi_document(base))


def _docs(event: dict[str, Any]) -> proxy.Response:
    base = base_url(event, get_settings())
    return proxy.Response(status_code=200, content_type=HTML, body=docs_page(base))


def _not_plain(method: str, path: str) -> proxy.Response:
    raise NeedsValidation(f"{method} {path}")


reads = proxy.Router(on_error=handle_service_error, on_not_found=_not_plain, cors=CORS)
"""The GET routes that need no validating resolver: the documents, and the public reads whose
parameters are plainly valid."""
reads.add(["GET"], "/openapi.json", _openapi)
reads.add(["GET"], "/docs", _docs)
reads.add(["GET"], "/articles", _plain_list)
reads.add(["GET"], "/articles/<article_id>", _plain_article)
reads.add(["GET"], "/shows", show_list)
reads.add(["GET"], "/shows/<slug>", _plain_show)


# ------------------------------------------------------------ the resolver


@lru_cache(maxsize=1)
def resolver() -> "APIGatewayRestResolver":
    """Every route, validated by Powertools against the pydantic models: built on the first
    request that needs it, not at import. Pydantic, the models and Powertools' event handler
    cost a cold start more than half of importing boto3, and ``/openapi.json`` and ``/docs``,
    served from the checked-in document, need none of them."""
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
    from aws_lambda_powertools.event_handler.openapi.exceptions import (
        RequestUnsupportedContentType,
        RequestValidationError,
    )
    from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

    from contentfeed.models.api import (
        ArticleId,
        ArticleIn,
        ArticleOut,
        ArticlePage,
        ArticlePatch,
        Problem,
        ShowIn,
        ShowList,
        ShowOut,
    )

    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=CORSConfig(
            allow_origin=CORS.allow_origin,
            expose_headers=list(CORS.expose_headers),
            max_age=CORS.max_age,
        ),
    )

    def _problem_response(description: str) -> OpenAPIResponse:
        return {"description": description, "content": {PROBLEM_JSON: {"model": Problem}}}

    read_errors: dict[int, OpenAPIResponse] = {
        400: _problem_response("Malformed request"),
        422: _problem_response("Invalid parameters"),
        429: _problem_response("Throttled by the API stage; retry after Retry-After seconds"),
        503: _problem_response("Storage unavailable; retry after Retry-After seconds"),
    }
    write_errors: dict[int, OpenAPIResponse] = {
        **read_errors,
        401: _problem_response("Missing, wrong or revoked write key"),
        409: _problem_response("Conflict: the slug or the guid is taken by another article"),
        412: _problem_response("If-Match does not match the current version"),
        413: _problem_response("Body too large"),
        415: _problem_response("Body is not JSON"),
        422: _problem_response("Invalid article; `errors` names each bad field"),
    }

    def _article_response(
        article: Article, *, status: int = 200, extra: dict[str, str] | None = None
    ) -> Response[str]:
        return _powertools(article_response(app.current_event.raw_event, article, status, extra))

    def _principal() -> str:
        """Who the authorizer let in (idempotency keys are scoped to it)."""
        context = app.current_event.raw_event.get("requestContext") or {}
        return str((context.get("authorizer") or {}).get("principalId") or "")

    def _preconditions() -> logic.Preconditions:
        return logic.Preconditions.from_headers(
            header(app.current_event.raw_event, "If-Match"),
            header(app.current_event.raw_event, "If-None-Match"),
        )

    @app.get(
        "/articles",
        summary="List published articles, newest first",
        responses={
            200: {"description": "One page", "content": {JSON: {"model": ArticlePage}}},
            **read_errors,
        },
    )
    def list_articles(
        limit: Annotated[
            int, Query(ge=1, le=PAGE_SIZE_MAX, description="Page size")
        ] = PAGE_SIZE_DEFAULT,
        cursor: Annotated[
            str | None,
            Query(max_length=LIST_PARAMETER_CHARS["cursor"], description="From a previous page"),
        ] = None,
        tag: Annotated[
            str | None,
            Query(
                max_length=LIST_PARAMETER_CHARS["tag"], description="Only this tag (name or slug)"
            ),
        ] = None,
        author: Annotated[
            str | None,
            Query(
                max_length=LIST_PARAMETER_CHARS["author"],
                description="Only this author (name or slug)",
            ),
        ] = None,
    ) -> Response[str]:
        event = app.current_event.raw_event
        return _powertools(list_page(event, limit=limit, cursor=cursor, tag=tag, author=author))

    @app.get(
        "/articles/<article_id>",
        summary="One article (drafts and scheduled ones only with a key)",
        responses={
            200: {"description": "The article", "content": {JSON: {"model": ArticleOut}}},
            404: _problem_response("No such article (or not visible without a key)"),
            410: _problem_response("The article was deleted"),
            **read_errors,
        },
    )
    def get_article(article_id: Annotated[ArticleId, Path()]) -> Response[str]:
        return _powertools(one_article(app.current_event.raw_event, article_id))

    @app.post(
        "/articles",
        security=WRITE_KEY,
        summary="Create an article (a retry with the same Idempotency-Key returns the first result)",
        responses={
            201: {"description": "Created", "content": {JSON: {"model": ArticleOut}}},
            410: _problem_response(
                "A retry whose Idempotency-Key created an article that was deleted since"
            ),
            **write_errors,
        },
    )
    def create_article(
        article: Annotated[ArticleIn, Body()],
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                min_length=1,
                max_length=255,
                pattern=r"^[\x21-\x7e]+$",
                description="Retries with the same key and body return the first result",
            ),
        ] = None,
    ) -> Response[str]:
        now = clock()
        claim = None
        if idempotency_key is not None:
            claim = logic.idempotency_claim(idempotency_key, _principal(), article, now=now)
        created = logic.create_article(get_store(), get_settings(), article, now=now, claim=claim)
        metrics.add_metric(name="ArticleCreated", unit=MetricUnit.Count, value=1)
        logger.info("article created", article_id=created.id, version=created.version)
        base = base_url(app.current_event.raw_event, get_settings())
        return _article_response(
            created, status=201, extra={"Location": f"{base}/articles/{created.id}"}
        )

    @app.put(
        "/articles/<article_id>",
        security=WRITE_KEY,
        summary="Create or replace an article under a client-chosen id",
        responses={
            200: {"description": "Replaced", "content": {JSON: {"model": ArticleOut}}},
            201: {"description": "Created", "content": {JSON: {"model": ArticleOut}}},
            **write_errors,
        },
    )
    def put_article(
        article_id: Annotated[ArticleId, Path()], article: Annotated[ArticleIn, Body()]
    ) -> Response[str]:
        saved, created = logic.replace_article(
            get_store(),
            get_settings(),
            article_id,
            article,
            preconditions=_preconditions(),
            now=clock(),
        )
        metrics.add_metric(
            name="ArticleCreated" if created else "ArticleUpdated", unit=MetricUnit.Count, value=1
        )
        logger.info("article saved", article_id=saved.id, version=saved.version, new=created)
        if created:
            base = base_url(app.current_event.raw_event, get_settings())
            return _article_response(
                saved, status=201, extra={"Location": f"{base}/articles/{saved.id}"}
            )
        return _article_response(saved)

    @app.patch(
        "/articles/<article_id>",
        security=WRITE_KEY,
        summary="Change an article with a JSON Merge Patch (RFC 7396)",
        responses={
            200: {"description": "Patched", "content": {JSON: {"model": ArticleOut}}},
            404: _problem_response("No such article"),
            410: _problem_response("The article was deleted"),
            **write_errors,
        },
    )
    def patch_article(
        article_id: Annotated[ArticleId, Path()], patch: Annotated[ArticlePatch, Body()]
    ) -> Response[str]:
        saved = logic.patch_article(
            get_store(),
            get_settings(),
            article_id,
            patch.document(),
            preconditions=_preconditions(),
            now=clock(),
        )
        metrics.add_metric(name="ArticleUpdated", unit=MetricUnit.Count, value=1)
        logger.info("article patched", article_id=saved.id, version=saved.version)
        return _article_response(saved)

    @app.delete(
        "/articles/<article_id>",
        security=WRITE_KEY,
        summary="Delete an article (GET answers 410 afterwards)",
        responses={
            204: {"description": "Deleted", "content": {}},
            404: _problem_response("No such article"),
            410: _problem_response("Already deleted"),
            **write_errors,
        },
    )
    def delete_article(article_id: Annotated[ArticleId, Path()]) -> Response[str]:
        logic.delete_article(get_store(), article_id, preconditions=_preconditions(), now=clock())
        metrics.add_metric(name="ArticleDeleted", unit=MetricUnit.Count, value=1)
        logger.info("article deleted", article_id=article_id)
        return Response(status_code=204, body="")

    # -------------------------------------------------------------------- shows

    show_slug = Annotated[
        str,
        Path(
            min_length=1,
            max_length=MAX_SLUG_CHARS,
            pattern=f"^{SHOW_SLUG_PATTERN}$",
            description="The show's slug: lower-case words joined by hyphens",
        ),
    ]

    @app.get(
        "/shows",
        summary="Every podcast show, with the URL of its feed",
        responses={
            200: {"description": "The shows, by slug", "content": {JSON: {"model": ShowList}}},
            **read_errors,
        },
    )
    def list_shows() -> Response[str]:
        return _powertools(show_list(app.current_event.raw_event))

    @app.get(
        "/shows/<slug>",
        summary="One podcast show",
        responses={
            200: {"description": "The show", "content": {JSON: {"model": ShowOut}}},
            404: _problem_response("No such show"),
            **read_errors,
        },
    )
    def get_show(slug: show_slug) -> Response[str]:
        return _powertools(one_show(app.current_event.raw_event, slug))

    @app.put(
        "/shows/<slug>",
        security=WRITE_KEY,
        summary="Create or replace a podcast show (its feed: /shows/{slug}/feed.xml)",
        responses={
            200: {"description": "Replaced", "content": {JSON: {"model": ShowOut}}},
            201: {"description": "Created", "content": {JSON: {"model": ShowOut}}},
            **write_errors,
            409: _problem_response("The guid cannot change"),
            422: _problem_response("Invalid show; `errors` names each bad field"),
        },
    )
    def put_show(slug: show_slug, show: Annotated[ShowIn, Body()]) -> Response[str]:
        settings = get_settings()
        saved, created = show_logic.put_show(
            get_store(),
            settings,
            slug,
            show,
            base=base_url(app.current_event.raw_event, settings),
            preconditions=_preconditions(),
            now=clock(),
        )
        metrics.add_metric(
            name="ShowCreated" if created else "ShowUpdated", unit=MetricUnit.Count, value=1
        )
        logger.info("show saved", show=saved.slug, version=saved.version, new=created)
        return _powertools(
            show_response(app.current_event.raw_event, saved, status=201 if created else 200)
        )

    @app.delete(
        "/shows/<slug>",
        security=WRITE_KEY,
        summary="Delete a podcast show (its episodes stay articles)",
        responses={
            204: {"description": "Deleted", "content": {}},
            404: _problem_response("No such show"),
            **write_errors,
        },
    )
    def delete_show(slug: show_slug) -> Response[str]:
        show_logic.delete_show(get_store(), slug, preconditions=_preconditions(), now=clock())
        metrics.add_metric(name="ShowDeleted", unit=MetricUnit.Count, value=1)
        logger.info("show deleted", show=slug)
        return Response(status_code=204, body="")

    # ------------------------------------------------------------------- errors

    @app.exception_handler(ContentFeedError)  # type: ignore[untyped-decorator]
    def _service_error(error: ContentFeedError) -> Response[str]:
        return _powertools(handle_service_error(error))

    def _powertools(response: proxy.Response) -> Response[str]:
        return Response(
            status_code=response.status_code,
            content_type=response.content_type,
            body=response.body,
            headers=response.headers,
        )

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def handle_validation_error(error: RequestValidationError) -> Response[str]:
        issues = []
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ())]
            if item.get("type") == "json_invalid":
                return _powertools(
                    problem(
                        status=400,
                        title="Malformed JSON",
                        detail="the request body is not valid JSON",
                        slug="malformed-json",
                    )
                )
            source = location[0] if location else "body"
            field = ".".join(location[1:]) or source
            issues.append(
                FieldIssue(
                    field=field, message=str(item.get("msg", "invalid")), type=str(item.get("type"))
                )
            )
        return _powertools(
            problem(
                status=422,
                title="Invalid request",
                detail=f"{len(issues)} field(s) are invalid: "
                + ", ".join(issue.field for issue in issues),
                slug="validation",
                issues=issues,
            )
        )

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def handle_unsupported_content_type(_: RequestUnsupportedContentType) -> Response[str]:
        return _powertools(from_error(UnsupportedMediaType(f"send the body as {JSON}")))

    @app.not_found
    def handle_not_found(_: Exception) -> Response[str]:
        """Unknown paths are 404; a known path with another method is 405 with ``Allow``."""
        return _powertools(
            from_error(not_allowed(app.current_event.http_method, app.current_event.path))
        )

    return app


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_writer(event: dict[str, Any]) -> None:
    """Only a request the write authorizer let in may reach code that writes.

    API Gateway puts the authorizer's ``principalId`` into the request context of every write
    route; a request without one reached this function some other way (a route without the
    authorizer, a direct invocation), whatever the case it spells its method in.
    """
    method = str(event.get("httpMethod") or "").upper()
    if method in READ_METHODS:
        return
    context = event.get("requestContext")
    authorizer = context.get("authorizer") if isinstance(context, dict) else None
    principal = authorizer.get("principalId") if isinstance(authorizer, dict) else None
    if not isinstance(principal, str) or not principal:
        raise Unauthorized("this request did not pass the write authorizer")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        require_writer(event)
        check_body(event)
    except ContentFeedError as error:
        return _raw(from_error(error))
    if str(event.get("httpMethod")).upper() == "GET":
        try:
            return reads.resolve(event)
        except NeedsValidation:
            pass
    return resolver().resolve(as_json_request(event), context)


def _raw(response: proxy.Response) -> dict[str, Any]:
    headers = {
        "Content-Type": response.content_type or JSON,
        **{k: str(v) for k, v in response.headers.items()},
    }
    return {
        "statusCode": response.status_code,
        "headers": headers,
        "body": response.body,
        "isBase64Encoded": False,
    }


OPENAPI_FILE_BASE = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1"
"""The server URL the checked-in document names: the sample events' API Gateway host."""

if __name__ == "__main__":  # regenerate the checked-in document after a deliberate API change
    OPENAPI_FILE.write_text(generated_openapi_document(OPENAPI_FILE_BASE), encoding="utf-8")
    print(f"wrote {OPENAPI_FILE}")
