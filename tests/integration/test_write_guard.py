"""Defence in depth on writes: only requests the write authorizer let in reach code that writes.

The write routes sit behind the authorizer in the template; these tests invoke the functions
directly, as anything that gets around the gateway could, and check that nothing is stored.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

import pytest

from contentfeed.dal import Store
from contentfeed_cli.local.gateway import LambdaContext, build_event
from contentfeed_cli.local.template import RouteSpec, Template
from tests.conftest import load_event

ARTICLE = {"title": "Planted", "tags": ["planted"]}


@pytest.fixture
def api(store: Store, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    import functions.api.app as module

    monkeypatch.setattr(module, "get_store", lambda: store)
    return module


def direct(method: str, path: str, *, authorizer: Any = None) -> dict[str, Any]:
    """An event as a direct invocation could shape it: any method spelling, any context."""
    route = RouteSpec(method="ANY", path=path, function="ApiFunction", authorizer=None)
    event = build_event(
        method="GET",
        route=route,
        path=path,
        query="",
        headers=[("Content-Type", "application/json")],
        body=json.dumps(ARTICLE).encode(),
        path_parameters={},
        source_ip="127.0.0.1",
    )
    event["httpMethod"] = method
    event["requestContext"]["httpMethod"] = method
    if authorizer is None:
        event["requestContext"].pop("authorizer", None)
    else:
        event["requestContext"]["authorizer"] = authorizer
    return event


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/articles/planted"),
        ("PUT", "/articles/planted"),
        ("Put", "/articles/planted"),
        ("post", "/articles"),
        ("POST", "/articles"),
        ("patch", "/articles/planted"),
        ("delete", "/articles/planted"),
        ("put", "/shows/planted"),
        ("DELETE", "/shows/planted"),
    ],
)
@pytest.mark.parametrize("authorizer", [None, {}, {"principalId": ""}, {"principalId": None}])
def test_a_write_without_the_authorizers_principal_is_401_and_stores_nothing(
    api: ModuleType, ddb: Any, method: str, path: str, authorizer: Any
) -> None:
    # Given a write invoked directly, in any case, without the authorizer's principal
    before = ddb.scan(TableName="contentfeed-test")["Items"]  # test inspection only
    # When the API function handles it
    reply = api.lambda_handler(direct(method, path, authorizer=authorizer), LambdaContext("f"))
    # Then it is refused as unauthorised, as problem+json, and the table is unchanged
    assert reply["statusCode"] == 401
    assert reply["headers"]["Content-Type"] == "application/problem+json"
    assert ddb.scan(TableName="contentfeed-test")["Items"] == before


def test_the_same_write_with_the_principal_is_stored(api: ModuleType) -> None:
    # Given the same lower-case direct PUT, but carrying what the authorizer puts in the context
    event = direct("put", "/articles/planted", authorizer={"principalId": "0f103e6e721275ec"})
    # When the API function handles it, Then the article is created (the guard is not all)
    assert api.lambda_handler(event, LambdaContext("f"))["statusCode"] == 201


def test_reads_need_no_principal(api: ModuleType) -> None:
    for method in ("get", "GET", "HEAD"):
        reply = api.lambda_handler(direct(method, "/articles"), LambdaContext("f"))
        assert reply["statusCode"] in (200, 405), method


def test_the_sample_write_events_carry_the_principal(template: Template) -> None:
    # The events/ samples (sam local invoke -e) are what the gateway sends after the authorizer
    for name in ("article-create.json", "article-put.json", "article-patch.json"):
        event = load_event(name)
        assert event["requestContext"]["authorizer"]["principalId"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/articles", "GET, POST"),
        ("PUT", "/articles", "GET, POST"),
        ("put", "/articles", "GET, POST"),
        ("POST", "/articles/x", "GET, PUT, PATCH, DELETE"),
        ("HEAD", "/articles/x", "GET, PUT, PATCH, DELETE"),
        ("POST", "/shows", "GET"),
        ("patch", "/shows/podcast", "GET, PUT, DELETE"),
    ],
)
def test_the_other_methods_answer_405_from_a_function_that_cannot_write(
    method: str, path: str, allow: str
) -> None:
    # Given the function the template routes the article paths' other methods to
    not_allowed = importlib.import_module("functions.not_allowed.app")
    event = direct(method, path, authorizer=None)
    # When it is invoked with any method, body or none, key or none
    reply = not_allowed.lambda_handler(event, LambdaContext("NotAllowedFunction"))
    # Then it answers 405 with Allow as problem+json
    headers = {
        **reply.get("headers", {}),
        **{k: v[0] for k, v in reply.get("multiValueHeaders", {}).items()},
    }
    assert reply["statusCode"] == 405
    assert headers["Allow"] == allow
    assert headers["Content-Type"] == "application/problem+json"
