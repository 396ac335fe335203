"""The feeds function on moto: formats, validators, 304s, paging, deletions, browsers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

import feedparser
import pytest
from lxml import etree

from contentfeed.config import Settings, get_settings
from contentfeed.dal import Store
from contentfeed.errors import Conflict
from contentfeed.logic import articles as logic
from contentfeed.models import Article
from contentfeed.models.api import ArticleIn
from contentfeed_cli.local.gateway import LambdaContext, build_event
from contentfeed_cli.local.template import RouteSpec
from tests.conftest import NOW, CallCounter, LoadHandler

HOST = "abcdef1234.execute-api.us-east-1.amazonaws.com"
BASE = f"https://{HOST}/v1"
READER = "application/rss+xml, application/atom+xml, application/feed+json, */*;q=0.8"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def feeds(load_handler: LoadHandler, clock: Clock) -> ModuleType:
    return load_handler("feeds", clock=clock)


def get(
    feeds: ModuleType, path: str, *, method: str = "GET", accept: str = READER, **headers: str
) -> dict[str, Any]:
    route = RouteSpec(method="ANY", path=path, function="FeedsFunction", authorizer=None)
    target, _, query = path.partition("?")
    pairs = [("Host", HOST), ("Accept", accept), ("X-Forwarded-Proto", "https")]
    pairs += [(name.replace("_", "-"), value) for name, value in headers.items()]
    event = build_event(
        method=method,
        route=route,
        path=target,
        query=query,
        headers=pairs,
        body=b"",
        path_parameters={},
        source_ip="203.0.113.9",
    )
    event["requestContext"]["stage"] = "v1"
    result: dict[str, Any] = feeds.lambda_handler(
        event, LambdaContext(function_name="FeedsFunction")
    )
    result["h"] = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        result["h"][name.lower()] = ", ".join(values)
    return result


def publish(store: Store, settings: Settings, clock: Clock, **fields: Any) -> Article:
    document = {
        "title": "Article",
        "tags": ["Tech Workers"],
        "authors": [{"name": "Rae Whitlock"}],
        **fields,
    }
    return logic.create_article(store, settings, ArticleIn.model_validate(document), now=clock.now)


@pytest.fixture
def articles(store: Store, env: Settings, clock: Clock) -> list[Article]:
    made = []
    for n in range(5):
        made.append(
            publish(
                store,
                env,
                clock,
                title=f"Story {n}: ‘quotes’ — dash",
                published_at=(NOW - timedelta(hours=n + 1)).isoformat(),
                summary=f"Summary {n}",
                content_html=f'<p>Body {n} <a href="/more">more</a></p>',
                image={
                    "url": "https://img.example/a.jpg",
                    "caption": "Cap",
                    "credit": "Credit",
                    "type": "image/jpeg",
                    "length": 1000,
                },
            )
        )
    return made


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/feed.xml", "application/rss+xml"),
        ("/atom.xml", "application/atom+xml"),
        ("/feed.json", "application/feed+json"),
    ],
)
def test_each_format_has_every_item_newest_first(
    feeds: ModuleType, articles: list[Article], path: str, media_type: str
) -> None:
    reply = get(feeds, path, Origin="https://app.example")
    assert reply["statusCode"] == 200
    assert reply["h"]["content-type"] == f"{media_type}; charset=utf-8"
    assert reply["h"]["vary"] == "Accept"
    assert reply["h"]["access-control-allow-origin"] == "*"
    assert reply["h"]["cache-control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in reply["h"]["cache-control"]
    assert f'<{BASE}{path}>; rel="self"' in reply["h"]["link"]
    if media_type == "application/feed+json":
        body = json.loads(reply["body"])
        assert body["version"] == "https://jsonfeed.org/version/1.1"
        assert body["feed_url"] == BASE + path
        ids = [item["id"] for item in body["items"]]
    else:
        parsed = feedparser.parse(reply["body"].encode())
        assert not parsed.bozo, parsed.get("bozo_exception")
        ids = [entry.id for entry in parsed.entries]
    assert ids == [f"urn:uuid:{a.id}" for a in articles]


def test_a_full_feed_costs_one_query_and_a_304_one_get_item(
    feeds: ModuleType, articles: list[Article], calls: CallCounter
) -> None:
    calls.reset()
    first = get(feeds, "/feed.xml")
    assert calls.calls == {"Query": 1}
    calls.reset()
    again = get(feeds, "/feed.xml", If_None_Match=first["h"]["etag"])
    assert again["statusCode"] == 304 and not again["body"]
    assert calls.calls == {"GetItem": 1}
    # The 304 repeats the validators
    assert again["h"]["etag"] == first["h"]["etag"]
    assert again["h"]["last-modified"] == first["h"]["last-modified"]


def test_if_modified_since_and_precedence(feeds: ModuleType, articles: list[Article]) -> None:
    first = get(feeds, "/atom.xml")
    assert (
        get(feeds, "/atom.xml", If_Modified_Since=first["h"]["last-modified"])["statusCode"] == 304
    )
    both = get(
        feeds, "/atom.xml", If_Modified_Since=first["h"]["last-modified"], If_None_Match='"stale"'
    )
    assert both["statusCode"] == 200


def test_output_is_deterministic(feeds: ModuleType, articles: list[Article]) -> None:
    for path in ("/feed.xml", "/atom.xml", "/feed.json"):
        assert get(feeds, path)["body"] == get(feeds, path)["body"]


def test_every_change_changes_the_validators_at_once(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock, articles: list[Article]
) -> None:
    def etag() -> str:
        return str(get(feeds, "/tags/tech-workers/feed.json")["h"]["etag"])

    seen = {etag()}
    # a new article
    clock.now += timedelta(minutes=1)
    publish(store, env, clock, title="New one")
    seen.add(etag())
    # an edit
    clock.now += timedelta(minutes=1)
    logic.patch_article(
        store,
        env,
        articles[2].id,
        {"title": "Edited"},
        preconditions=logic.Preconditions(),
        now=clock.now,
    )
    seen.add(etag())
    # a deletion
    clock.now += timedelta(minutes=1)
    logic.delete_article(store, articles[3].id, preconditions=logic.Preconditions(), now=clock.now)
    seen.add(etag())
    # a scheduled article: no change when scheduled for the future …
    due = clock.now + timedelta(hours=2)
    before = etag()
    publish(store, env, clock, title="Scheduled", published_at=due.isoformat())
    scheduled = etag()
    assert scheduled == before  # nothing a reader can see yet
    clock.now += timedelta(hours=1)
    assert etag() == scheduled
    assert "Scheduled" not in get(feeds, "/tags/tech-workers/feed.json")["body"]
    # … and a new validator the moment it becomes due, with no write in between
    clock.now = due + timedelta(seconds=1)
    seen.add(etag())
    assert "Scheduled" in get(feeds, "/tags/tech-workers/feed.json")["body"]
    assert len(seen) == 5


def test_a_reader_following_next_sees_every_article_once(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEED_SIZE", "3")
    get_settings.cache_clear()
    made = [
        publish(
            store, env, clock, title=f"N{n}", published_at=(NOW - timedelta(minutes=n)).isoformat()
        )
        for n in range(8)
    ]
    for path in ("/feed.xml", "/atom.xml"):
        seen: list[str] = []
        url: str | None = BASE + path
        while url:
            parsed = feedparser.parse(get(feeds, url.removeprefix(BASE))["body"].encode())
            assert not parsed.bozo
            seen += [entry.id for entry in parsed.entries]
            url = next(
                (link.href for link in parsed.feed.get("links", []) if link.rel == "next"), None
            )
        assert seen == [f"urn:uuid:{a.id}" for a in made]
    seen = []
    url = BASE + "/feed.json"
    while url:
        body = json.loads(get(feeds, url.removeprefix(BASE))["body"])
        seen += [item["id"] for item in body["items"]]
        url = body.get("next_url")
    assert seen == [f"urn:uuid:{a.id}" for a in made]


def test_unknown_tag_or_author_is_404(feeds: ModuleType, articles: list[Article]) -> None:
    for path in ("/tags/nope/feed.xml", "/authors/nobody/atom.xml"):
        reply = get(feeds, path)
        assert reply["statusCode"] == 404
        assert reply["h"]["content-type"] == "application/problem+json"
    assert get(feeds, "/authors/rae-whitlock/feed.xml")["statusCode"] == 200


def observe(feeds: ModuleType, path: str) -> list[tuple[int, str | None, str | None]]:
    """What anyone without a key can learn of a feed: status and validators of GET, HEAD and
    ``If-None-Match: *``."""
    replies = [
        get(feeds, path),
        get(feeds, path, method="HEAD"),
        get(feeds, path, If_None_Match="*"),
    ]
    return [(r["statusCode"], r["h"].get("etag"), r["h"].get("last-modified")) for r in replies]


def test_an_unpublished_article_changes_nothing_anyone_without_a_key_can_see(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock, articles: list[Article]
) -> None:
    # Given the feeds as readers see them, and a scheduled article with a new tag and author
    paths = ("/feed.xml", "/tags/tech-workers/atom.xml", "/authors/rae-whitlock/feed.json")
    before = {path: observe(feeds, path) for path in paths}
    due = clock.now + timedelta(hours=2)
    scheduled = publish(
        store,
        env,
        clock,
        title="Embargoed",
        tags=["Tech Workers", "Merger"],
        authors=[{"name": "Rae Whitlock"}, {"name": "Nova Quill"}],
        published_at=due.isoformat(),
    )
    publish(store, env, clock, title="Draft", tags=["Layoffs"], status="draft")
    # When readers ask before it is due (GET, HEAD, If-None-Match: *)
    clock.now += timedelta(hours=1)
    # Then its new tag and author do not exist, and no known feed changed in any way
    for path in (
        "/tags/merger/feed.xml",
        "/authors/nova-quill/atom.xml",
        "/tags/layoffs/feed.json",
    ):
        assert {status for status, _, _ in observe(feeds, path)} == {404}
    assert {path: observe(feeds, path) for path in paths} == before
    # When it is deleted before it was ever due, and its time passes
    logic.delete_article(store, scheduled.id, preconditions=logic.Preconditions(), now=clock.now)
    clock.now = due + timedelta(hours=1)
    # Then still nothing: no scope, no validator, no tombstone
    for path in ("/tags/merger/feed.xml", "/authors/nova-quill/atom.xml"):
        assert {status for status, _, _ in observe(feeds, path)} == {404}
    assert {path: observe(feeds, path) for path in paths} == before
    atom = etree.fromstring(get(feeds, "/tags/tech-workers/atom.xml")["body"].encode())
    assert not atom.findall("{http://purl.org/atompub/tombstones/1.0}deleted-entry")


def test_a_scheduled_tag_appears_when_due_without_a_write(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock
) -> None:
    # Given an article scheduled with a tag no other article has
    due = clock.now + timedelta(hours=2)
    publish(store, env, clock, title="Later", tags=["Merger"], published_at=due.isoformat())
    assert get(feeds, "/tags/merger/feed.xml")["statusCode"] == 404
    # When its time comes (no write in between)
    clock.now = due
    reply = get(feeds, "/tags/merger/feed.xml")
    # Then the tag's feed exists and lists it
    assert reply["statusCode"] == 200
    assert [e.title for e in feedparser.parse(reply["body"].encode()).entries] == ["Later"]
    assert get(feeds, "/tags/merger/feed.xml", If_None_Match="*")["statusCode"] == 304


def test_scope_titles_name_the_tag_and_author(feeds: ModuleType, articles: list[Article]) -> None:
    tag = feedparser.parse(get(feeds, "/tags/tech-workers/feed.xml")["body"].encode())
    assert tag.feed.title == "Example News — tag Tech Workers"
    author = json.loads(get(feeds, "/authors/rae-whitlock/feed.json")["body"])
    assert author["title"] == "Example News — Rae Whitlock"


def test_deleted_articles_leave_and_atom_says_so(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock, articles: list[Article]
) -> None:
    # Given a published article that is then deleted
    gone = f"urn:uuid:{articles[0].id}"
    logic.delete_article(store, articles[0].id, preconditions=logic.Preconditions(), now=clock.now)
    # Then no feed carries it as an entry any more
    for path in ("/feed.xml", "/tags/tech-workers/atom.xml", "/authors/rae-whitlock/feed.xml"):
        ids = [entry.id for entry in feedparser.parse(get(feeds, path)["body"].encode()).entries]
        assert gone not in ids and len(ids) == len(articles) - 1
    items = json.loads(get(feeds, "/feed.json")["body"])["items"]
    assert gone not in [item["id"] for item in items]
    # And Atom says it is gone (RFC 6721), in every scope it was in
    for path in ("/atom.xml", "/tags/tech-workers/atom.xml"):
        atom = etree.fromstring(get(feeds, path)["body"].encode())
        refs = atom.xpath(
            "//at:deleted-entry/@ref", namespaces={"at": "http://purl.org/atompub/tombstones/1.0"}
        )
        assert refs == [gone]


def test_head_has_the_headers_and_no_body(feeds: ModuleType, articles: list[Article]) -> None:
    full = get(feeds, "/feed.xml")
    head = get(feeds, "/feed.xml", method="HEAD")
    assert head["statusCode"] == 200 and not head["body"]
    assert (
        head["h"]["etag"] == full["h"]["etag"]
        and head["h"]["content-type"] == full["h"]["content-type"]
    )


def test_browsers_get_a_page_with_a_subscribe_note(
    feeds: ModuleType, articles: list[Article]
) -> None:
    reply = get(feeds, "/feed.xml", accept=BROWSER)
    assert reply["h"]["content-type"] == "text/html; charset=utf-8"
    assert reply["h"]["vary"] == "Accept"
    page = etree.fromstring(reply["body"].encode(), etree.HTMLParser())
    assert "subscribe" in "".join(page.itertext()).lower()
    assert BASE + "/feed.xml" in "".join(page.xpath("//code/text()"))
    assert reply["h"]["etag"] != get(feeds, "/feed.xml")["h"]["etag"]


def test_home_page_lists_articles_and_autodiscovers_every_format(
    feeds: ModuleType, articles: list[Article]
) -> None:
    reply = get(feeds, "/", accept=BROWSER)
    assert reply["statusCode"] == 200
    page = etree.fromstring(reply["body"].encode(), etree.HTMLParser())
    types = page.xpath('//head/link[@rel="alternate"]/@type')
    assert set(types) == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    assert page.xpath('//head/link[@type="application/rss+xml"]/@href') == [BASE + "/feed.xml"]
    assert len(page.xpath("//main/article")) == len(articles)


def test_other_methods_get_405_with_allow(feeds: ModuleType, articles: list[Article]) -> None:
    reply = get(feeds, "/feed.xml", method="POST")
    assert reply["statusCode"] == 405
    assert reply["h"]["allow"] == "GET, HEAD"


def test_a_kept_guid_is_the_feed_id_for_ever(
    feeds: ModuleType, store: Store, env: Settings, clock: Clock
) -> None:
    # Given an article migrated from another feed, keeping the id its readers know
    old_id = "https://old.example.org/?p=42"
    moved = publish(store, env, clock, title="Migrated", guid=old_id)
    # Then every format gives it that id
    assert [e.id for e in feedparser.parse(get(feeds, "/feed.xml")["body"].encode()).entries] == [
        old_id
    ]
    assert [e.id for e in feedparser.parse(get(feeds, "/atom.xml")["body"].encode()).entries] == [
        old_id
    ]
    assert [i["id"] for i in json.loads(get(feeds, "/feed.json")["body"])["items"]] == [old_id]
    # And it can never change
    with pytest.raises(Conflict):
        logic.patch_article(
            store,
            env,
            moved.id,
            {"guid": "urn:uuid:00000000-0000-4000-8000-000000000000"},
            preconditions=logic.Preconditions(),
            now=clock.now,
        )
    # And when the article is deleted, Atom's tombstone names it by that id too
    logic.delete_article(store, moved.id, preconditions=logic.Preconditions(), now=clock.now)
    atom = etree.fromstring(get(feeds, "/atom.xml")["body"].encode())
    refs = atom.xpath(
        "//at:deleted-entry/@ref", namespaces={"at": "http://purl.org/atompub/tombstones/1.0"}
    )
    assert refs == [old_id]
