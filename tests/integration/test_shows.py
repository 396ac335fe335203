"""Shows and their podcast feeds through the real handlers on moto: the show routes, episodes
joining a show, the feed with every episode (one Query, a 304 for one GetItem), validators that
change with every change, deletion, the home page's links, and hub pings for show feeds."""

from __future__ import annotations

import json
from datetime import timedelta
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest
from lxml import etree
from lxml import html as lxml_html

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.dal.items import article_item
from contentfeed.errors import ValidationFailed
from contentfeed.logic import articles as logic
from contentfeed.logic.push import affected_scopes, feed_urls
from contentfeed.models import Article
from contentfeed.models.api import ArticleIn
from contentfeed.models.show import podcast_guid
from tests.bench import support as bench
from tests.conftest import NOW, CallCounter, load_event

BASE = f"https://{bench.HOST}/v1"
FEED = f"{BASE}/shows/the-letter/feed.xml"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
SHOW = json.loads(load_event("show-put.json")["body"])
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def call(api: ModuleType, method: str, path: str, body: Any = None, **headers: str) -> Any:
    slug = path.split("/")[2] if path.count("/") >= 2 else None
    request = bench.event(
        method,
        path,
        function="ApiFunction",
        resource="/shows/{slug}" if slug else "/shows",
        path_parameters={"slug": slug} if slug else None,
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            **{name.replace("_", "-"): value for name, value in headers.items()},
        },
        body=b"" if body is None else json.dumps(body).encode(),
    )
    return bench.invoke(api, request, "ApiFunction")


def get_feed(
    feeds: ModuleType, path: str, *, accept: str = bench.READER, **headers: str
) -> dict[str, Any]:
    resource = path.split("?")[0]
    if resource.startswith("/shows/"):
        resource = "/shows/{slug}/" + resource.rsplit("/", 1)[1]
    request = bench.event(
        "GET",
        path,
        resource=resource,
        path_parameters={"slug": path.split("/")[2]} if path.startswith("/shows/") else None,
        headers={"Accept": accept, **{k.replace("_", "-"): v for k, v in headers.items()}},
    )
    result: dict[str, Any] = bench.invoke(feeds, request)
    return result


def header(result: dict[str, Any], name: str) -> str:
    return bench.header(result, name) or ""


def publish(store: Store, settings: Settings, n: int, **fields: Any) -> Article:
    document = {
        "title": f"Episode {n}",
        "summary": f"Part {n}.",
        "content_html": f"<p>Notes {n}</p>",
        "show": "the-letter",
        "published_at": (NOW - timedelta(days=n)).isoformat(),
        "attachments": [
            {
                "url": f"https://cdn.example.net/ep{n}.mp3",
                "type": "audio/mpeg",
                "length": 1000 + n,
                "duration": 60 + n,
            }
        ],
        "podcast": {"episode": n, "season": 1},
        **fields,
    }
    return logic.create_article(store, settings, ArticleIn.model_validate(document), now=NOW)


@pytest.fixture
def show(api: ModuleType) -> dict[str, Any]:
    created = call(api, "PUT", "/shows/the-letter", SHOW)
    assert created["statusCode"] == 201, created["body"]
    answer: dict[str, Any] = json.loads(created["body"])
    return answer


# ------------------------------------------------------------------------ routes


def test_a_show_is_created_read_listed_and_keeps_its_guid(api: ModuleType) -> None:
    # When the show is created
    created = call(api, "PUT", "/shows/the-letter", SHOW)
    # Then it is 201 with its guid the PSP-1 UUIDv5 of the feed URL, and links to its feed
    assert created["statusCode"] == 201
    body = json.loads(created["body"])
    assert body["guid"] == podcast_guid(FEED)
    assert body["links"]["feed"] == FEED
    assert header(created, "ETag") == '"v1"'
    # And it can be read and is listed, with its feed as a Link rel=alternate
    assert json.loads(call(api, "GET", "/shows/the-letter")["body"])["title"] == SHOW["title"]
    listed = call(api, "GET", "/shows")
    assert [s["slug"] for s in json.loads(listed["body"])["items"]] == ["the-letter"]
    assert FEED in header(listed, "Link")
    assert 'rel="alternate"' in header(listed, "Link")
    # When it is replaced without a guid, Then the guid stays; another guid is a 409
    replaced = call(api, "PUT", "/shows/the-letter", {**SHOW, "title": "The Letters"})
    assert replaced["statusCode"] == 200
    assert json.loads(replaced["body"])["guid"] == body["guid"]
    other = call(
        api, "PUT", "/shows/the-letter", {**SHOW, "guid": "00000000-0000-4000-8000-000000000000"}
    )
    assert other["statusCode"] == 409
    # And a stale If-Match is a 412
    stale = call(api, "PUT", "/shows/the-letter", SHOW, If_Match='"v1"')
    assert stale["statusCode"] == 412


def test_a_bad_show_is_a_422_naming_the_field(api: ModuleType) -> None:
    bad = {**SHOW, "categories": [{"name": "News", "subcategory": "Cooking"}]}
    result = call(api, "PUT", "/shows/the-letter", bad)
    assert result["statusCode"] == 422
    assert header(result, "Content-Type") == "application/problem+json"
    fields = [issue["field"] for issue in json.loads(result["body"])["errors"]]
    assert any(field.startswith("categories.0") for field in fields)
    assert call(api, "GET", "/shows/the-letter")["statusCode"] == 404


def test_an_article_cannot_join_a_show_that_does_not_exist(store: Store, env: Settings) -> None:
    with pytest.raises(ValidationFailed) as caught:
        publish(store, env, 1, show="no-such-show")
    assert [issue.field for issue in caught.value.issues] == ["show"]


# ------------------------------------------------------------------------- feed


def test_the_feed_has_every_episode_newest_first_beyond_the_page_size(
    feeds: ModuleType, show: dict[str, Any], store: Store, env: Settings
) -> None:
    # Given more episodes than a feed page holds, and articles of the show without audio
    episodes = [publish(store, env, n) for n in range(1, env.feed_size + 3)]
    publish(store, env, 99, attachments=[], podcast=None)
    publish(store, env, 98, show=None)
    # When the show's feed is read
    result = get_feed(feeds, "/shows/the-letter/feed.xml")
    # Then it is the podcast RSS with every episode, newest first, and nothing else
    assert result["statusCode"] == 200
    assert header(result, "Content-Type") == "application/rss+xml; charset=utf-8"
    channel = etree.fromstring(result["body"].encode()).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == [
        e.title for e in episodes
    ]
    assert channel.findtext("podcast:guid", namespaces=NS) == show["guid"]
    assert "next" not in header(result, "Link")
    # And the JSON Feed has them too
    document = json.loads(get_feed(feeds, "/shows/the-letter/feed.json")["body"])
    assert len(document["items"]) == len(episodes)
    assert document["feed_url"] == f"{BASE}/shows/the-letter/feed.json"


def test_a_show_feed_costs_one_query_and_a_304_one_get_item(
    feeds: ModuleType, show: dict[str, Any], store: Store, env: Settings, calls: CallCounter
) -> None:
    for n in range(1, 4):
        publish(store, env, n)
    calls.reset()
    first = get_feed(feeds, "/shows/the-letter/feed.xml")
    assert calls.calls == {"Query": 1}
    calls.reset()
    again = get_feed(feeds, "/shows/the-letter/feed.xml", If_None_Match=header(first, "ETag"))
    assert again["statusCode"] == 304
    assert calls.calls == {"GetItem": 1}


def test_every_change_changes_the_show_feeds_validators(
    api: ModuleType, feeds: ModuleType, show: dict[str, Any], store: Store, env: Settings
) -> None:
    episode = publish(store, env, 1)
    seen = {header(get_feed(feeds, "/shows/the-letter/feed.xml"), "ETag")}

    def changed() -> bool:
        etag = header(get_feed(feeds, "/shows/the-letter/feed.xml"), "ETag")
        new = etag not in seen
        seen.add(etag)
        return new

    publish(store, env, 2)
    assert changed(), "a new episode"
    logic.patch_article(
        store,
        env,
        episode.id,
        {"title": "Episode 1, edited"},
        preconditions=logic.Preconditions(),
        now=NOW,
    )
    assert changed(), "an edited episode"
    assert call(api, "PUT", "/shows/the-letter", {**SHOW, "explicit": True})["statusCode"] == 200
    assert changed(), "an edited show"
    logic.delete_article(store, episode.id, preconditions=logic.Preconditions(), now=NOW)
    assert changed(), "a deleted episode"
    items = etree.fromstring(get_feed(feeds, "/shows/the-letter/feed.xml")["body"].encode())
    assert [i.findtext("title") for i in items.iter("item")] == ["Episode 2"]


def test_a_deleted_show_has_no_feed_and_an_unknown_one_never_had(
    api: ModuleType, feeds: ModuleType, show: dict[str, Any]
) -> None:
    before = get_feed(feeds, "/shows/the-letter/feed.xml")
    assert before["statusCode"] == 200
    assert call(api, "DELETE", "/shows/the-letter")["statusCode"] == 204
    assert call(api, "GET", "/shows/the-letter")["statusCode"] == 404
    assert get_feed(feeds, "/shows/the-letter/feed.xml")["statusCode"] == 404
    stale = get_feed(feeds, "/shows/the-letter/feed.xml", If_None_Match=header(before, "ETag"))
    assert stale["statusCode"] == 404
    assert get_feed(feeds, "/shows/nothing/feed.xml")["statusCode"] == 404
    assert json.loads(call(api, "GET", "/shows")["body"])["items"] == []


def test_the_home_page_and_the_feeds_html_view_link_the_show_and_play_its_audio(
    feeds: ModuleType, show: dict[str, Any], store: Store, env: Settings
) -> None:
    episode = publish(store, env, 1)
    home = lxml_html.fromstring(get_feed(feeds, "/", accept=BROWSER)["body"])
    discovered = home.xpath('//head/link[@rel="alternate"][@type="application/rss+xml"]/@href')
    assert FEED in discovered
    assert FEED in home.xpath("//a/@href")
    players = [a.find("source").get("src") for a in home.iter("audio")]
    assert players == [episode.attachments[0].url]
    view = get_feed(feeds, "/shows/the-letter/feed.xml", accept=BROWSER)
    assert header(view, "Content-Type").startswith("text/html")
    page = lxml_html.fromstring(view["body"])
    assert [a.find("source").get("src") for a in page.iter("audio")] == players


# ------------------------------------------------------------------------- push


def test_an_episode_change_pings_the_show_feeds(
    store: Store, env: Settings, show: dict[str, Any]
) -> None:
    episode = publish(store, env, 1)
    scopes = affected_scopes(None, article_item(episode), now=NOW)
    assert "show:the-letter" in scopes
    urls = feed_urls("https://api.example.org", scopes)
    assert "https://api.example.org/shows/the-letter/feed.xml" in urls
    assert "https://api.example.org/shows/the-letter/feed.json" in urls
    assert "https://api.example.org/shows/the-letter/atom.xml" not in urls


def test_a_show_title_beyond_ascii_reaches_the_list_link_as_title_star(api: ModuleType) -> None:
    # Given a show whose title is not ASCII and has a quote in it
    title = 'Le "€" 😀 show'
    assert call(api, "PUT", "/shows/the-letter", {**SHOW, "title": title})["statusCode"] == 201
    # When the shows are listed
    listed = call(api, "GET", "/shows")
    # Then every header is ASCII (what any HTTP server can write), and the Link names the
    # title in RFC 8187's encoding, which decodes back to it
    assert listed["statusCode"] == 200
    headers = {**listed.get("headers", {}), **listed.get("multiValueHeaders", {})}
    for name, value in headers.items():
        for one in value if isinstance(value, list) else [value]:
            assert str(one).isascii(), (name, one)
    link = header(listed, "Link")
    assert FEED in link
    encoded = link.split("title*=UTF-8''", 1)[1].split(";")[0].strip()
    assert unquote(encoded) == title
