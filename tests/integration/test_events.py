"""The sample events in ``events/``: one per route of template.yaml, and each one works.

They are the events ``sam local invoke -e events/<name>.json`` sends, so they must keep up with
the template (a new route without an event fails here) and must drive the real handlers: the API
function on moto from PUT to 410, and the write authorizer with a known and an unknown key.
"""

from __future__ import annotations

import json
from copy import deepcopy
from types import ModuleType
from typing import Any

import pytest

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.logic.keys import create_key, revoke_key
from contentfeed_cli.local.gateway import LambdaContext
from contentfeed_cli.local.template import RouteSpec, Template
from tests.conftest import NOW, ROOT, LoadHandler, load_event

EVENTS = ROOT / "events"
AUTHORIZER_EVENT = "authorizer-request.json"
ARTICLE_ID = "3f1e0a52-7c1b-4c8e-9a4e-2b6d5f0c9e11"
KEY = "cf_example-key-for-local-invoke"
API_HOST = "abcdef1234.execute-api.us-east-1.amazonaws.com"
BASE = f"https://{API_HOST}/v1"
PROBLEM_JSON = "application/problem+json"


def proxy_event_names() -> list[str]:
    return sorted(p.name for p in EVENTS.glob("*.json") if p.name != AUTHORIZER_EVENT)


def headers_of(result: dict[str, Any]) -> dict[str, str]:
    """A proxy result's headers (single and multi-value), keyed in lower case."""
    merged = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        merged[name.lower()] = ", ".join(str(value) for value in values)
    return merged


def json_body(result: dict[str, Any]) -> Any:
    assert result.get("isBase64Encoded") is not True
    return json.loads(result["body"])


def with_header(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    """The event with one header replaced (in both header maps, as API Gateway sends them)."""
    changed = deepcopy(event)
    changed["headers"][name] = value
    changed["multiValueHeaders"][name] = [value]
    return changed


def route_of(template: Template, event: dict[str, Any]) -> RouteSpec:
    on_path = [route for route in template.routes() if route.path == event["resource"]]
    explicit = [route for route in on_path if route.method == event["httpMethod"]]
    matches = explicit or [route for route in on_path if route.method == "ANY"]
    assert len(matches) == 1, f"no single route for {event['httpMethod']} {event['resource']}"
    return matches[0]


# --------------------------------------------------------------------- coverage


def test_every_api_route_has_exactly_one_event_and_every_event_a_route(template: Template) -> None:
    # Given the template's Api routes and the proxy events in events/
    routes = {(route.method, route.path) for route in template.routes()}
    events = {name: load_event(name) for name in proxy_event_names()}
    assert routes, "template.yaml declares no Api routes"

    # When each event is keyed by the route it targets
    targets: dict[tuple[str, str], list[str]] = {}
    for name, event in events.items():
        # the route API Gateway would pick: the explicit method, else the path's ANY
        method = (
            event["httpMethod"] if (event["httpMethod"], event["resource"]) in routes else "ANY"
        )
        targets.setdefault((method, event["resource"]), []).append(name)

    # Then every route has exactly one event, and no event targets a route that does not exist
    missing = sorted(f"{method} {path}" for method, path in routes - targets.keys())
    assert not missing, f"routes without an event in events/: {missing}"
    duplicated = {f"{m} {p}": names for (m, p), names in targets.items() if len(names) > 1}
    assert not duplicated, f"routes with more than one event: {duplicated}"
    orphans = {f"{m} {p}": names for (m, p), names in targets.items() if (m, p) not in routes}
    assert not orphans, f"events for routes the template does not have: {orphans}"


@pytest.mark.parametrize("name", proxy_event_names())
def test_event_is_a_consistent_rest_proxy_event(template: Template, name: str) -> None:
    # Given one proxy event and the route it targets
    event = load_event(name)
    route = route_of(template, event)

    # When its parts are compared with the route and with each other
    found = route.pattern.match(event["path"])
    context = event["requestContext"]
    headers = event["headers"]

    # Then it is what API Gateway would send for that route on the v1 stage
    assert found is not None, f"{event['path']} does not match {route.path}"
    assert (event["pathParameters"] or {}) == found.groupdict()
    assert context["resourcePath"] == event["resource"]
    assert context["httpMethod"] == event["httpMethod"]
    assert context["stage"] == "v1"
    assert context["path"] == "/v1" + event["path"]
    assert context["domainName"] == headers["Host"] == API_HOST
    assert context["identity"]["sourceIp"]
    assert context["requestId"]
    assert headers["X-Forwarded-Proto"] == "https"
    assert event["multiValueHeaders"] == {k: [v] for k, v in headers.items()}
    query = event["queryStringParameters"] or {}
    assert (event["multiValueQueryStringParameters"] or {}) == {k: [v] for k, v in query.items()}
    assert event["isBase64Encoded"] is False
    if event["httpMethod"] in ("POST", "PUT", "PATCH"):
        assert isinstance(event["body"], str), "a proxy event's body is a string"
        assert isinstance(json.loads(event["body"]), dict)
        assert "json" in headers["Content-Type"]
    if route.authorizer is not None:
        assert headers["Authorization"] == f"Bearer {KEY}"


def test_authorizer_event_targets_a_route_behind_the_authorizer(template: Template) -> None:
    # Given the authorizer's REQUEST event
    event = load_event(AUTHORIZER_EVENT)

    # When it is matched to its route
    route = route_of(template, event)

    # Then that route is behind an authorizer that reads the header the event carries
    assert event["type"] == "REQUEST"
    assert route.authorizer is not None
    spec = template.authorizers()[route.authorizer]
    assert all(event["headers"].get(header) for header in spec.identity_headers)
    assert event["methodArn"] == (
        f"arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/{event['httpMethod']}{event['path']}"
    )


# ---------------------------------------------------------------- the API function


@pytest.fixture
def api(load_handler: LoadHandler, store: Store) -> ModuleType:
    """The API function's module on moto, with the sample key registered and a fixed clock."""
    create_key(store, name="t", now=NOW, key=KEY)
    return load_handler("api")


def invoke(api: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = api.lambda_handler(event, LambdaContext(function_name="ApiFunction"))
    return result


def assert_problem(result: dict[str, Any], status: int, slug: str) -> None:
    assert result["statusCode"] == status
    assert headers_of(result)["content-type"] == PROBLEM_JSON
    problem = json_body(result)
    assert problem["status"] == status
    assert problem["type"] == f"https://contentfeed.dev/problems/{slug}"


def test_put_event_creates_the_article(api: ModuleType) -> None:
    # Given no article under the events' fixed id
    event = load_event("article-put.json")
    sent = json.loads(event["body"])

    # When the PUT event is invoked
    result = invoke(api, event)

    # Then the article is created under that id
    assert result["statusCode"] == 201
    headers = headers_of(result)
    assert headers["etag"] == '"v1"'
    assert headers["location"] == f"{BASE}/articles/{ARTICLE_ID}"
    article = json_body(result)
    assert article["id"] == ARTICLE_ID
    assert article["title"] == sent["title"]


def test_events_drive_the_api_from_create_to_gone(
    api: ModuleType, store: Store, env: Settings
) -> None:
    # Given the article of article-put.json, created through the PUT event
    assert invoke(api, load_event("article-put.json"))["statusCode"] == 201
    put = json.loads(load_event("article-put.json")["body"])

    # When article-create.json is invoked
    create_event = load_event("article-create.json")
    created = invoke(api, create_event)

    # Then a second article is created under a fresh id, with the image, contributor and quotes intact
    assert created["statusCode"] == 201
    new = json_body(created)
    sent = json.loads(create_event["body"])
    assert new["id"] != ARTICLE_ID
    assert headers_of(created)["location"] == f"{BASE}/articles/{new['id']}"
    assert new["title"] == sent["title"]
    assert "‘Re-Examine’" in new["title"]
    assert new["image"]["caption"] == sent["image"]["caption"]
    assert new["image"]["credit"] == sent["image"]["credit"]
    assert new["contributors"] == sent["contributors"]

    # When article-get.json is invoked
    got = invoke(api, load_event("article-get.json"))

    # Then the article comes back with its version as ETag and links on the execute-api stage URL
    assert got["statusCode"] == 200
    etag = headers_of(got)["etag"]
    assert etag == '"v1"'
    article = json_body(got)
    assert article["id"] == ARTICLE_ID
    assert article["title"] == put["title"]
    assert article["image"]["credit"] == put["image"]["credit"]
    assert article["links"]["self"] == f"{BASE}/articles/{ARTICLE_ID}"

    # When articles-list.json (tag=tech-workers, limit=2) is invoked
    listed = invoke(api, load_event("articles-list.json"))

    # Then both tagged articles are listed, newest first
    assert listed["statusCode"] == 200
    assert headers_of(listed)["content-type"] == "application/json"
    page = json_body(listed)
    assert [item["id"] for item in page["items"]] == [new["id"], ARTICLE_ID]

    # When article-patch.json is invoked with If-Match set to the ETag just read
    patch_event = load_event("article-patch.json")
    patch = json.loads(patch_event["body"])
    patched = invoke(api, with_header(patch_event, "If-Match", etag))

    # Then the patched fields change, the rest of the image is kept and the version moves on
    assert patched["statusCode"] == 200
    assert headers_of(patched)["etag"] == '"v2"'
    after = json_body(patched)
    assert after["title"] == patch["title"] != put["title"]
    assert after["summary"] == patch["summary"]
    assert after["image"]["credit"] == patch["image"]["credit"]
    assert after["image"]["caption"] == put["image"]["caption"]
    assert after["version"] == 2

    # When the same patch is sent again with the now stale ETag
    stale = invoke(api, with_header(patch_event, "If-Match", etag))

    # Then it is refused
    assert_problem(stale, 412, "precondition-failed")

    # When article-delete.json is invoked
    deleted = invoke(api, load_event("article-delete.json"))

    # Then the article is deleted, a GET answers 410 and the list no longer has it
    assert deleted["statusCode"] == 204
    assert not deleted["body"]
    assert_problem(invoke(api, load_event("article-get.json")), 410, "gone")
    remaining = json_body(invoke(api, load_event("articles-list.json")))
    assert [item["id"] for item in remaining["items"]] == [new["id"]]


def test_openapi_and_docs_events(api: ModuleType) -> None:
    # Given the API function
    # When openapi-get.json and docs-get.json are invoked
    openapi = invoke(api, load_event("openapi-get.json"))
    docs = invoke(api, load_event("docs-get.json"))

    # Then the first answers the OpenAPI description of the article routes, the second HTML
    assert openapi["statusCode"] == 200
    assert headers_of(openapi)["content-type"] == "application/json"
    description = json_body(openapi)
    assert description["openapi"].startswith("3.")
    assert {"get", "post"} <= description["paths"]["/articles"].keys()
    assert {"get", "put", "patch", "delete"} <= description["paths"][
        "/articles/{article_id}"
    ].keys()
    assert docs["statusCode"] == 200
    assert headers_of(docs)["content-type"].startswith("text/html")
    assert "swagger" in docs["body"].lower()


# ------------------------------------------------------------------ the authorizer


def authorize(authorizer: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(function_name="AuthorizerFunction", memory_limit_in_mb=256)
    policy: dict[str, Any] = authorizer.lambda_handler(event, context)
    return policy


def test_authorizer_event_is_allowed_with_a_known_key(authorizer: ModuleType, store: Store) -> None:
    # Given the event's key is registered
    create_key(store, name="t", now=NOW, key=KEY)
    event = load_event(AUTHORIZER_EVENT)

    # When the authorizer is invoked with the event
    policy = authorize(authorizer, event)

    # Then it allows the whole v1 stage, naming the key without revealing it
    statements = policy["policyDocument"]["Statement"]
    assert [s["Effect"] for s in statements] == ["Allow"]
    assert statements[0]["Action"] == "execute-api:Invoke"
    assert statements[0]["Resource"].endswith("/v1/*/*")
    assert (
        statements[0]["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/*/*"
    )
    assert policy["principalId"]
    assert KEY not in json.dumps(policy)


@pytest.mark.parametrize("state", ["unknown", "revoked"])
def test_authorizer_event_is_refused_without_a_valid_key(
    authorizer: ModuleType, store: Store, state: str
) -> None:
    # Given the event's key is unknown, or was registered and then revoked
    if state == "revoked":
        create_key(store, name="t", now=NOW, key=KEY)
        assert revoke_key(store, KEY, now=NOW)
    event = load_event(AUTHORIZER_EVENT)

    # When the authorizer is invoked with the event
    answer = authorize(authorizer, event)

    # Then it denies the stage (API Gateway's ACCESS_DENIED, a 401 in this template)
    assert [s["Effect"] for s in answer["policyDocument"]["Statement"]] == ["Deny"]
    assert "context" not in answer
