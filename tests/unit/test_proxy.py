"""The small router answers exactly as Powertools' REST resolver does, for the same routes.

The feeds and not-allowed functions use ``contentfeed.http.proxy`` instead of Powertools' event
handler (which costs their cold start more than a tenth of the floor): same route patterns,
trailing slashes, method spellings, CORS headers, preflights, errors and result shape.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse

from contentfeed.errors import ContentFeedError, NotFound
from contentfeed.http.cors import CORS
from contentfeed.http.problem import from_error
from contentfeed.http.proxy import Response, Router
from contentfeed_cli.local.gateway import LambdaContext

RULES = ("/", "/feed.xml", "/tags/<tag>/feed.xml", "/shows/<slug>/feed.json")


def answer(route: str, parameters: dict[str, str]) -> Response:
    if parameters.get("tag") == "missing":
        raise NotFound("no such tag")
    return Response(
        status_code=200,
        content_type="text/plain; charset=utf-8",
        body=f"{route} {sorted(parameters.items())}",
        headers={"Link": ["<a>; rel=self", "<b>; rel=hub"], "Vary": "Accept"},
    )


def not_found(method: str, path: str) -> Response:
    return from_error(NotFound(f"no route {method} {path}"))


def ours() -> Router:
    router = Router(on_error=from_error, on_not_found=not_found, cors=CORS)
    for rule in RULES:
        router.add(("GET", "HEAD"), rule, lambda _event, _rule=rule, **p: answer(_rule, p))
    return router


def powertools() -> APIGatewayRestResolver:
    cors = CORSConfig(
        allow_origin=CORS.allow_origin, expose_headers=list(CORS.expose_headers), max_age=600
    )
    app = APIGatewayRestResolver(cors=cors)

    def convert(response: Response) -> PowertoolsResponse[str]:
        return PowertoolsResponse(
            status_code=response.status_code,
            content_type=response.content_type,
            body=response.body,
            headers=response.headers,
        )

    for rule in RULES:
        app.route(rule, method=["GET", "HEAD"])(
            lambda _rule=rule, **p: convert(answer(_rule, p))  # type: ignore[misc]
        )

    @app.exception_handler(ContentFeedError)  # type: ignore[untyped-decorator]
    def _error(error: ContentFeedError) -> PowertoolsResponse[str]:
        return convert(from_error(error))

    @app.not_found
    def _missing(_: Exception) -> PowertoolsResponse[str]:
        return convert(not_found(app.current_event.http_method, app.current_event.path))

    return app


def event(method: str, path: str, headers: dict[str, str], multi: bool) -> dict[str, Any]:
    return {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": dict(headers),
        "multiValueHeaders": {k: [v] for k, v in headers.items()} if multi else None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "requestContext": {"stage": "v1", "domainName": "example.org", "httpMethod": method},
        "body": None,
        "isBase64Encoded": False,
    }


CASES = list(
    itertools.product(
        ("GET", "HEAD", "get", "POST", "OPTIONS", "options", "DELETE"),
        (
            "/",
            "/feed.xml",
            "/feed.xml/",
            "/feedXxml",
            "/tags/news/feed.xml",
            "/tags/Tech%20Workers/feed.xml",
            "/tags/missing/feed.xml",
            "/tags/a/b/feed.xml",
            "/shows/the-letter/feed.json",
            "/nowhere",
            "",
        ),
        ({}, {"Origin": "https://app.example.org"}, {"origin": ""}, {"ORIGIN": "*"}),
        (True, False),
    )
)


@pytest.mark.parametrize(("method", "path", "headers", "multi"), CASES)
def test_router_answers_as_powertools_does(
    method: str, path: str, headers: dict[str, str], multi: bool
) -> None:
    # Given one request, sent to both routers
    request = event(method, path, headers, multi)
    # When each resolves it
    expected = powertools().resolve(dict(request), LambdaContext("FeedsFunction"))  # type: ignore[arg-type]
    got = ours().resolve(dict(request))
    # Then the results are the same, header order and all
    assert got == {**expected, "multiValueHeaders": dict(expected["multiValueHeaders"])}
    assert list(got["multiValueHeaders"]) == list(expected["multiValueHeaders"])
