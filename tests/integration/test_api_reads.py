"""The public reads without the validating resolver answer exactly as the resolver does.

``GET /articles``, ``GET /articles/{id}``, ``GET /shows`` and ``GET /shows/{slug}`` with plainly
valid parameters are served without pydantic and Powertools' event handler (a cold start cannot
afford them); anything else goes to the validating resolver, whose routes call the same
functions. These tests hold the two paths, the hand-written JSON and the parameter checks to the
resolver and the models.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from contentfeed import limits
from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.http.request import as_json_request
from contentfeed.logic import articles as logic
from contentfeed.logic.keys import create_key
from contentfeed.models.api import ArticleIn, ArticleOut
from contentfeed_cli.local.gateway import LambdaContext
from tests.bench.support import event
from tests.conftest import NOW, ROOT, LoadHandler, load_event

KEY = "cf_reads-test-key"
RICH = {
    "title": "Curly “quotes” — and an em dash",
    "summary": "Line one\nline two\t<b>not bold</b> & more 😀",
    "content_html": '<p>Hello <a href="/more">there</a></p>',
    "authors": [{"name": "Rae Whitlock", "email": "rae@example.org"}, {"name": "Ana Ruiz"}],
    "contributors": [{"name": "Tom Ng", "role": "Additional reporting"}],
    "tags": ["Tech Workers", "Letters"],
    "image": {"url": "https://cdn.example.org/a.jpg", "caption": "A caption", "length": 12345},
    "language": "en-GB",
    "attachments": [{"url": "https://cdn.example.org/a.mp3", "type": "audio/mpeg", "length": 9}],
    "podcast": {
        "episode": 3,
        "explicit": False,
        "transcripts": [{"url": "https://cdn.example.org/a.vtt", "type": "text/vtt"}],
    },
    "guid": "https://old.example.org/?p=1042",
    "modified_at": "2026-11-24T10:00:00.250000+02:00",
}


@pytest.fixture
def api(load_handler: LoadHandler, store: Store, env: Settings) -> ModuleType:
    create_key(store, name="t", now=NOW, key=KEY)
    for n in range(4):
        published = (NOW - timedelta(hours=n + 1)).isoformat()
        document = {**RICH, "title": f"Story {n}", "guid": f"{RICH['guid']}{n}"}
        document["published_at"] = published
        if n % 2:
            document = {"title": f"Plain {n}", "published_at": published}
        logic.create_article(store, env, ArticleIn.model_validate(document), now=NOW)
    draft = {"title": "Draft", "status": "draft"}
    logic.create_article(store, env, ArticleIn.model_validate(draft), now=NOW)
    return load_handler("api")


def both(api: ModuleType, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The handler's answer (with which path gave it: ``api.answered_plainly``) and the
    validating resolver's own."""
    context = LambdaContext("ApiFunction")
    api.resolver.cache_clear()
    plain: dict[str, Any] = api.lambda_handler(json.loads(json.dumps(request)), context)
    answered_plainly.append(api.resolver.cache_info().currsize == 0)
    validated = api.resolver().resolve(as_json_request(json.loads(json.dumps(request))), context)
    validated["multiValueHeaders"] = dict(validated["multiValueHeaders"])
    return plain, validated


answered_plainly: list[bool] = []
"""For each call of :func:`both`, whether the handler answered without building the resolver."""

QUERIES = [
    "",
    "?limit=1",
    "?limit=2&tag=tech-workers",
    "?limit=100&author=Rae%20Whitlock",
    "?tag=Letters",
    "?limit=0",
    "?limit=101",
    "?limit=abc",
    "?limit=05",
    "?limit=%2B5",
    "?cursor=not-a-cursor",
    "?tag=" + "x" * 81,
    "?author=" + "y" * 121,
    "?cursor=" + "z" * 301,
    "?other=1",
]
LEFT_TO_THE_RESOLVER = {"?limit=0", "?limit=101", "?limit=abc", "?limit=%2B5", *QUERIES[-4:-1]}
"""The queries whose parameters are not plainly valid: the validating resolver answers them."""


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("origin", [None, "https://app.example.org"])
def test_the_list_answers_as_the_resolver_does(
    api: ModuleType, query: str, origin: str | None
) -> None:
    # Given a GET /articles, with or without an Origin
    headers = {"Accept": "application/json"} | ({"Origin": origin} if origin else {})
    request = event("GET", "/articles" + query, function="ApiFunction", headers=headers)
    # When it is served by the handler and by the validating resolver
    plain, validated = both(api, request)
    # Then both answers are the same, byte for byte
    assert plain == validated
    # And the handler answered a plainly valid query without the resolver, and only those
    assert answered_plainly[-1] == (query not in LEFT_TO_THE_RESOLVER)


def test_every_page_of_the_list_answers_as_the_resolver_does(api: ModuleType) -> None:
    # Given the list walked page by page, one article a page
    target = "/articles?limit=1"
    pages = 0
    while target:
        request = event("GET", target, function="ApiFunction", headers={"Accept": "*/*"})
        plain, validated = both(api, request)
        # Then every page is the same both ways
        assert plain == validated and plain["statusCode"] == 200
        following = json.loads(plain["body"])["next"]
        target = following.split("/v1", 1)[1] if following else ""
        pages += 1
    assert pages == 4


@pytest.mark.parametrize("authorized", [False, True])
def test_one_article_answers_as_the_resolver_does(api: ModuleType, authorized: bool) -> None:
    listing = event("GET", "/articles", function="ApiFunction", headers={"Accept": "*/*"})
    ids = [
        item["id"]
        for item in json.loads(api.lambda_handler(listing, LambdaContext("ApiFunction"))["body"])[
            "items"
        ]
    ]
    headers = {"Authorization": f"Bearer {KEY}"} if authorized else {}
    refused = {"/articles/bad%20id", "/articles/_underscore", "/articles/" + "a" * 129}
    for path in [
        *(f"/articles/{item}" for item in ids),
        f"/articles/{ids[0]}/",
        "/articles/no-such-article",
        *sorted(refused),
    ]:
        # Given a GET of one article (some valid, some not)
        request = event("GET", path, function="ApiFunction", headers=headers)
        # When it is served plainly and by the validating resolver
        plain, validated = both(api, request)
        # Then both answers are the same, the plainly valid ids answered without the resolver
        assert plain == validated, path
        assert answered_plainly[-1] == (path not in refused), path


def test_the_hand_written_json_is_what_the_model_writes(api: ModuleType, store: Store) -> None:
    # Given every stored article, the rich one with microseconds and non-ASCII text included
    listing = event("GET", "/articles?limit=100", function="ApiFunction", headers={})
    for item in json.loads(api.lambda_handler(listing, LambdaContext("ApiFunction"))["body"])[
        "items"
    ]:
        article = logic.get_article(store, item["id"], now=NOW, privileged=True)
        links = {"self": f"https://x.example/articles/{article.id}", "alternate": article.url}
        # When it is written by hand and by ArticleOut
        expected = ArticleOut.model_validate(
            {**logic.output_document(article), "links": links}
        ).model_dump_json()
        # Then the bytes are the same
        assert logic.output_json(article, links) == expected
    assert tuple(ArticleOut.model_fields) == logic.ARTICLE_OUT_FIELDS


def test_the_plain_checks_are_the_declared_ones(api: ModuleType) -> None:
    # Given the parameters the contract declares
    document = json.loads((ROOT / "functions" / "api" / "openapi.json").read_text())
    listed = {p["name"]: p["schema"] for p in document["paths"]["/articles"]["get"]["parameters"]}
    path = document["paths"]["/articles/{article_id}"]["get"]["parameters"][0]["schema"]
    # Then the plain path checks exactly those bounds and that pattern
    assert (listed["limit"]["minimum"], listed["limit"]["maximum"]) == (1, limits.PAGE_SIZE_MAX)
    assert listed["limit"]["default"] == limits.PAGE_SIZE_DEFAULT
    for name, longest in limits.LIST_PARAMETER_CHARS.items():
        assert next(s["maxLength"] for s in listed[name]["anyOf"] if "maxLength" in s) == longest
    assert path["pattern"] == f"^{api.ARTICLE_ID.pattern}$"
    assert set(listed) == {"limit", *limits.LIST_PARAMETER_CHARS}
    # And the show slug's pattern and length too
    (slug,) = document["paths"]["/shows/{slug}"]["get"]["parameters"]
    assert slug["schema"]["pattern"] == f"^{api.SHOW_SLUG.pattern}$"
    assert slug["schema"]["maxLength"] == api.MAX_SLUG_CHARS


def test_plain_reads_build_no_resolver(api: ModuleType) -> None:
    # Given a container whose validating resolver is not built yet
    api.resolver.cache_clear()
    context = LambdaContext("ApiFunction")
    listing = event("GET", "/articles?limit=2&tag=letters", function="ApiFunction", headers={})
    first = json.loads(api.lambda_handler(listing, context)["body"])["items"][0]["id"]
    # When it answers the public reads and the documents
    for path in ("/articles", f"/articles/{first}", "/openapi.json", "/docs"):
        assert (
            api.lambda_handler(event("GET", path, function="ApiFunction"), context)["statusCode"]
            == 200
        )
    # Then it still has not built it; a read it must validate builds it
    assert api.resolver.cache_info().currsize == 0
    api.lambda_handler(event("GET", "/articles?limit=0", function="ApiFunction"), context)
    assert api.resolver.cache_info().currsize == 1


# ------------------------------------------------------------------------------- shows

SHOW = json.loads(load_event("show-put.json")["body"])


@pytest.fixture
def shows(api: ModuleType, store: Store, env: Settings) -> list[str]:
    """Two shows: the sample one (replaced once) and a plain one with unicode text and no
    language."""
    from contentfeed.logic import shows as show_logic
    from contentfeed.models.api import ShowIn

    documents = {
        "the-letter": SHOW,
        "plain-talk": {
            **SHOW,
            "title": "Plain “talk” 😀",
            "language": None,
            "funding": [],
            "categories": [{"name": "Arts"}],
        },
    }
    made: list[str] = []
    for slug, document in documents.items():
        show_logic.put_show(
            store,
            env,
            slug,
            ShowIn.model_validate(document),
            base="https://api.example.org",
            preconditions=logic.Preconditions(),
            now=NOW + timedelta(microseconds=250_000 * len(made)),
        )
        made.append(slug)
    # One replaced an hour later: its created_at and updated_at differ
    show_logic.put_show(
        store,
        env,
        made[0],
        ShowIn.model_validate({**documents[made[0]], "title": "The Letter, again"}),
        base="https://api.example.org",
        preconditions=logic.Preconditions(),
        now=NOW + timedelta(hours=1),
    )
    return made


@pytest.mark.parametrize("origin", [None, "https://app.example.org"])
def test_the_show_reads_answer_as_the_resolver_does(
    api: ModuleType, shows: list[str], origin: str | None
) -> None:
    headers = {"Accept": "application/json"} | ({"Origin": origin} if origin else {})
    refused = {"/shows/Bad_Slug", "/shows/" + "a" * 81, "/shows/trailing-"}
    statuses = {}
    for path in ["/shows", *(f"/shows/{slug}" for slug in shows), "/shows/no-such-show", *refused]:
        # Given a GET of the shows or of one show (some slugs valid, some not)
        request = event("GET", path, function="ApiFunction", headers=headers)
        # When it is served plainly and by the validating resolver
        plain, validated = both(api, request)
        # Then both answers are the same, the plainly valid ones answered without the resolver
        assert plain == validated, path
        assert answered_plainly[-1] == (path not in refused), path
        statuses[path] = plain["statusCode"]
    # And the answers are the shows, a 404 and a 422 for each slug the contract refuses
    assert statuses.pop("/shows/no-such-show") == 404
    assert {statuses.pop(path) for path in refused} == {422}
    assert set(statuses.values()) == {200}


def test_the_hand_written_show_json_is_what_the_model_writes(
    store: Store, shows: list[str]
) -> None:
    from contentfeed.logic import shows as show_logic
    from contentfeed.models.api import ShowOut

    assert tuple(ShowOut.model_fields) == show_logic.SHOW_OUT_FIELDS
    listed = show_logic.list_shows(store)
    assert [show.slug for show in listed] == sorted(shows)
    base = "https://x.example"
    for show in listed:
        # Given a stored show (microseconds, non-ASCII text, a null language among them)
        # When it is written by hand, and by ShowOut from the show's own fields
        expected = ShowOut.model_validate(
            {
                **asdict(show),
                "type": show.type.value,
                "created_at": show.created_at,
                "updated_at": show.updated_at,
                "links": {
                    "self": f"{base}/shows/{show.slug}",
                    "feed": f"{base}/shows/{show.slug}/feed.xml",
                    "json_feed": f"{base}/shows/{show.slug}/feed.json",
                },
            }
        ).model_dump_json()
        # Then the bytes are the same
        assert show_logic.output_json(show, base) == expected
    # And the list is those shows in ShowList's envelope
    assert json.loads(show_logic.list_json(listed, base)) == {
        "items": [json.loads(show_logic.output_json(show, base)) for show in listed]
    }


def test_show_reads_build_no_resolver(api: ModuleType, shows: list[str]) -> None:
    # Given a container whose validating resolver is not built yet
    api.resolver.cache_clear()
    context = LambdaContext("ApiFunction")
    # When it answers the show reads
    for path in ("/shows", f"/shows/{shows[0]}"):
        reply = api.lambda_handler(event("GET", path, function="ApiFunction"), context)
        assert reply["statusCode"] == 200
    # Then it still has not built it
    assert api.resolver.cache_info().currsize == 0
