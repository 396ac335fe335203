"""A podcast end to end over real HTTP: a show and its episodes created through the API, then
the show feed read by newsboat, feedparser and gPodder's podcastparser, and its browser views
opened in headless Chromium, which must see an ``<audio>`` player."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import podcastparser  # type: ignore[import-untyped]
import pytest
from lxml import html

from tests.e2e.conftest import Server
from tests.e2e.feedrules import json_problems, rss_problems
from tests.e2e.readers import Newsboat, run_browser

pytestmark = pytest.mark.e2e

SLUG = "e2e-podcast"
SHOW = {
    "title": "End to End Radio",
    "description": "A show that exists for the length of a test run.",
    "author": "Example News",
    "owner": {"name": "Example News podcasts", "email": "podcasts@news.example.org"},
    "image": "https://cdn.example.net/e2e/art-3000.jpg",
    "categories": [{"name": "Technology"}],
    "explicit": False,
}


def episode(n: int) -> dict[str, Any]:
    return {
        "title": f"End to End Radio {n}",
        "show": SLUG,
        "summary": f"Episode {n}.",
        "content_html": f"<p>Notes for episode {n}.</p>",
        "published_at": f"2026-01-0{n}T06:00:00Z",
        "attachments": [
            {
                "url": f"https://cdn.example.net/e2e/ep{n}.mp3",
                "type": "audio/mpeg",
                "length": 3_000_000 + n,
                "duration": 900 + n,
            }
        ],
        "podcast": {
            "episode": n,
            "transcripts": [{"url": f"https://cdn.example.net/e2e/ep{n}.vtt", "type": "text/vtt"}],
        },
    }


@pytest.fixture(scope="module")
def podcast(server: Server) -> Iterator[list[dict[str, Any]]]:
    """The show and two episodes, removed again afterwards (the server is shared)."""
    created = server.request("PUT", f"/shows/{SLUG}", key=server.key, body=SHOW)
    assert created.status == 201, created.body
    episodes = []
    try:
        for n in (1, 2):
            answer = server.request("POST", "/articles", key=server.key, body=episode(n))
            assert answer.status == 201, answer.body
            episodes.append(answer.json())
        yield list(reversed(episodes))  # newest first
    finally:
        for article in episodes:
            server.request("DELETE", f"/articles/{article['id']}", key=server.key)
        server.request("DELETE", f"/shows/{SLUG}", key=server.key)


def feed_url(server: Server) -> str:
    return f"{server.base}/shows/{SLUG}/feed.xml"


def test_newsboat_reads_every_episode_with_its_podcast_url(
    server: Server, podcast: list[dict[str, Any]], newsboat: str, tmp_path: Path
) -> None:
    reader = Newsboat(newsboat, tmp_path, feed_url(server))
    reader.run("reload")
    with sqlite3.connect(tmp_path / "cache.db") as db:
        rows = db.execute(
            "SELECT title, enclosure_url, enclosure_type FROM rss_item WHERE feedurl = ?",
            (feed_url(server),),
        ).fetchall()
    assert sorted(rows) == sorted(
        (a["title"], a["attachments"][0]["url"], "audio/mpeg") for a in podcast
    )


def test_feedparser_and_podcastparser_read_the_served_feed(
    server: Server, podcast: list[dict[str, Any]]
) -> None:
    reply = server.request("GET", f"/shows/{SLUG}/feed.xml")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    parsed = feedparser.parse(reply.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.enclosures[0]["href"] for e in parsed.entries] == [
        a["attachments"][0]["url"] for a in podcast
    ]
    show = json.loads(server.request("GET", f"/shows/{SLUG}").body)
    assert parsed.feed["podcast_guid"] == show["guid"]
    assert [e["podcast_transcript"]["url"] for e in parsed.entries] == [
        a["podcast"]["transcripts"][0]["url"] for a in podcast
    ]
    episodes = podcastparser.parse(feed_url(server), io.BytesIO(reply.body))["episodes"]
    assert [(e["title"], e["total_time"], e["enclosures"][0]["url"]) for e in episodes] == [
        (a["title"], a["attachments"][0]["duration"], a["attachments"][0]["url"]) for a in podcast
    ]


@pytest.mark.parametrize("path", [f"/shows/{SLUG}/feed.xml", "/"])
def test_chromium_sees_an_audio_player_for_each_episode(
    server: Server, podcast: list[dict[str, Any]], browser: list[str], path: str
) -> None:
    dom = html.fromstring(run_browser(browser, "--dump-dom", server.base + path))
    sources = [audio.find("source").get("src") for audio in dom.iter("audio")]
    for article in podcast:
        assert article["attachments"][0]["url"] in sources
    if path == "/":
        discovered = dom.xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href')
        assert feed_url(server) in discovered


def test_the_show_feeds_pass_the_rss_and_json_feed_rules(
    server: Server, podcast: list[dict[str, Any]]
) -> None:
    # The same checks every other feed passes (W3C validator rules, the JSON Feed 1.1 schema)
    rss = server.request("GET", f"/shows/{SLUG}/feed.xml")
    found = rss_problems(rss.body, feed_url(server))
    document = server.request("GET", f"/shows/{SLUG}/feed.json")
    found.found += json_problems(document.body, f"{server.base}/shows/{SLUG}/feed.json").found
    assert not found, str(found)
    assert len(json.loads(document.body)["items"]) == len(podcast)


def test_the_openapi_description_carries_media_and_shows(server: Server) -> None:
    description = json.loads(server.request("GET", "/openapi.json").body)
    assert {"get"} <= description["paths"]["/shows"].keys()
    assert {"get", "put", "delete"} <= description["paths"]["/shows/{slug}"].keys()
    schemas = description["components"]["schemas"]
    assert {"attachments", "podcast", "show"} <= schemas["ArticleIn"]["properties"].keys()
    assert {"url", "type", "length", "duration", "title"} <= schemas["AttachmentIn"][
        "properties"
    ].keys()
