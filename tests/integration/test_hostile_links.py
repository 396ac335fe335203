"""Nothing a request says about where it was sent reaches a link: a table of hostile requests.

``Host``, ``X-Forwarded-Proto``, ``X-Forwarded-Host`` and ``Forwarded`` are the client's to
choose (or a proxy's to rewrite); the answers they would poison are ``Cache-Control: public``.
Every absolute link in every answer, header or body, must start with the configured base.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from contentfeed.config import Settings, get_settings
from contentfeed.dal import Store
from contentfeed.logic import articles as logic
from contentfeed.models.api import ArticleIn
from contentfeed_cli.local.gateway import Gateway
from contentfeed_cli.local.template import Template
from tests.bench import support as bench
from tests.conftest import NOW, LoadHandler, response_headers

BASE = f"https://{bench.HOST}/v1"
LOCAL = "http://127.0.0.1:3000"
HOSTILE = {
    "foreign Host": {"Host": "evil.example"},
    "foreign Host with a port": {"Host": "evil.example:8443"},
    "script scheme": {"X-Forwarded-Proto": "javascript:alert(1)//"},
    "foreign Host and script scheme": {"Host": "evil.example", "X-Forwarded-Proto": "javascript:"},
    "second, lower-case X-Forwarded-Proto": {"x-forwarded-proto": "javascript:alert(1)//"},
    "plain http": {"X-Forwarded-Proto": "http"},
    "X-Forwarded-Host": {"X-Forwarded-Host": "evil.example"},
    "Forwarded": {"Forwarded": "host=evil.example;proto=javascript"},
    "Host with a path": {"Host": "evil.example/x?"},
    "Host with CR LF": {"Host": "evil.example\r\nLink: <https://evil.example/>"},
}
FEEDS = [
    "/",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/tags/tech-workers/feed.xml",
    "/authors/rae-whitlock/feed.json",
]
URL = re.compile(r"""(?:https?|javascript):[^\s"'<>\\]*""", re.IGNORECASE)
# A URL naming one of the service's own routes (articles' own pages live on SITE_URL instead).
OWN_PATHS = re.compile(
    r"/(feed\.xml|atom\.xml|feed\.json|articles|openapi\.json|docs|tags/|authors/)"
)


@pytest.fixture
def modules(load_handler: LoadHandler, store: Store, env: Settings) -> dict[str, Any]:
    api = load_handler("api")
    feeds = load_handler("feeds")
    api.openapi_document.cache_clear()
    made = []
    for n in range(3):
        document = {
            "title": f"Story {n}",
            "tags": ["Tech Workers"],
            "authors": [{"name": "Rae Whitlock"}],
            "content_html": '<p>See <a href="/more">more</a></p>',
            "published_at": (NOW - timedelta(hours=n + 1)).isoformat(),
        }
        made.append(logic.create_article(store, env, ArticleIn.model_validate(document), now=NOW))
    return {"api": api, "feeds": feeds, "id": made[0].id}


def request(
    modules: dict[str, Any], method: str, path: str, headers: dict[str, str], body: Any = None
) -> dict[str, Any]:
    target = path.split("?")[0]
    if target.startswith(("/articles", "/openapi", "/docs")):
        article_id = target.rsplit("/", 1)[1] if target.count("/") == 2 else None
        event = bench.event(
            method,
            path,
            function="ApiFunction",
            resource="/articles/{id}" if article_id else target,
            path_parameters={"id": article_id} if article_id else None,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
            body=b"" if body is None else json.dumps(body).encode(),
        )
        event["requestContext"]["authorizer"] = {"principalId": "0123456789abcdef"}
        module: ModuleType = modules["api"]
    else:
        resource = target
        if target.startswith(("/tags/", "/authors/")):
            kind, _, name = target.strip("/").split("/")
            resource = f"/{kind}/{{{kind[:-1]}}}/{name}"
        event = bench.event(method, path, resource=resource)
        module = modules["feeds"]
    # The hostile headers arrive first, as the client sent them (a proxy's own come after);
    # requestContext is API Gateway's own.
    others = {name: value for name, value in event["headers"].items() if name not in headers}
    event["headers"] = {**headers, **others}
    event["multiValueHeaders"] = {name: [value] for name, value in event["headers"].items()}
    name = "ApiFunction" if module is modules["api"] else "FeedsFunction"
    return bench.invoke(module, event, name)  # type: ignore[no-any-return]


def answers(modules: dict[str, Any], headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    replies = {path: request(modules, "GET", path, headers) for path in FEEDS}
    # (/docs embeds the same OpenAPI document, inside 1.7 MB of Swagger UI full of URLs)
    for path in ("/articles?limit=1", f"/articles/{modules['id']}", "/openapi.json"):
        replies[path] = request(modules, "GET", path, headers)
    replies["POST /articles"] = request(modules, "POST", "/articles", headers, {"title": "New"})
    return replies


def foreign_links(replies: dict[str, dict[str, Any]], base: str) -> list[str]:
    """Links to this service (in a header or a body) not under ``base``, and any trace of the
    hostile headers anywhere in an answer."""
    found = []
    for path, reply in replies.items():
        assert reply["statusCode"] in (200, 201), (path, reply["statusCode"], reply.get("body"))
        for text in [*response_headers(reply).values(), reply.get("body") or ""]:
            for url in URL.findall(text):
                ours = OWN_PATHS.search(url.split("://", 1)[-1])
                if ours and not (url == base or url.startswith((base + "/", base + "?"))):
                    found.append(f"{path}: {url}")
            if "evil" in text or "javascript:" in text.lower():
                found.append(f"{path}: {text[:80]!r}")
    return found


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_headers_never_reach_a_link(modules: dict[str, Any], case: str) -> None:
    # Given no PUBLIC_BASE_URL: the base comes from the name API Gateway answered on
    # When every public answer (and a create's Location) is asked for with hostile headers
    replies = answers(modules, HOSTILE[case])
    # Then every link names the API's own URL, never anything the headers said
    assert foreign_links(replies, BASE) == []
    assert any(f"<{BASE}/" in response_headers(r).get("link", "") for r in replies.values())
    assert response_headers(replies["POST /articles"])["location"].startswith(f"{BASE}/articles/")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_an_allow_list_is_chosen_from_never_added_to(
    modules: dict[str, Any], case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the local server's allow-list (its own address first)
    monkeypatch.setenv("ALLOWED_BASE_URLS", f"{LOCAL},http://localhost:3000")
    get_settings.cache_clear()
    # When every answer is asked for with hostile headers
    replies = answers(modules, HOSTILE[case])
    # Then links name the first allowed base: a Host outside the list chooses nothing
    assert foreign_links(replies, LOCAL) == []


def test_an_allowed_host_picks_its_own_entry(
    modules: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two allowed bases
    monkeypatch.setenv("ALLOWED_BASE_URLS", f"{LOCAL},http://localhost:3000")
    get_settings.cache_clear()
    # When a request names the second one's host, Then its links use that base
    reply = request(modules, "GET", "/feed.json", {"Host": "localhost:3000"})
    assert json.loads(reply["body"])["feed_url"] == "http://localhost:3000/feed.json"


def test_the_configured_base_wins(modules: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given PUBLIC_BASE_URL (a custom domain or the CDN)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://feeds.example.org")
    get_settings.cache_clear()
    # When hostile headers ask for every answer, Then every link names the configured base
    replies = answers(modules, HOSTILE["foreign Host and script scheme"])
    assert foreign_links(replies, "https://feeds.example.org") == []


def test_the_local_gateway_never_sends_a_header_that_splits_the_answer(template: Template) -> None:
    # Given a function whose answer carries a line break in a header (as a raw cursor once did)
    def split(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "statusCode": 200,
            "headers": {
                "Link": '<https://a.example/feed.xml?cursor=x\r\nSet-Cookie: a=b>; rel="self"'
            },
            "body": "",
        }

    gateway = Gateway(template, handlers=dict.fromkeys(template.functions(), split))
    # When the local server would pass it on
    reply = gateway.handle("GET", "/feed.xml", [("Host", "127.0.0.1:3000")], b"")
    # Then it answers as API Gateway does with a malformed proxy result: a 5xx, nothing split
    assert reply.status >= 500
    assert not any("\r" in value or "\n" in value for _, value in reply.headers)
    assert all(name.lower() != "set-cookie" for name, _ in reply.headers)
