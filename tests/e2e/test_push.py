"""WebSub end to end: an edit through the API reaches a hub on loopback, for the right feeds."""

from __future__ import annotations

import time

import feedparser
import pytest

from tests.e2e.conftest import running_server
from tests.hub import Hub, running_hub

pytestmark = pytest.mark.e2e


def feeds(base: str, *folders: str) -> set[str]:
    return {
        f"{base}{folder}/{name}"
        for folder in folders
        for name in ("feed.xml", "atom.xml", "feed.json")
    }


def wait_for(hub: Hub, wanted: set[str], seconds: float = 10.0) -> set[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not wanted <= hub.topics():
        time.sleep(0.1)
    return hub.topics()


def test_an_edit_through_the_api_pings_every_feed_it_touched() -> None:
    with (
        running_hub() as hub,
        running_server("--no-seed", extra_env={"WEBSUB_HUB_URL": hub.url}) as server,
    ):
        # Given the feeds advertise the hub
        created = server.request(
            "POST",
            "/articles",
            key=server.key,
            body={"title": "Hub test", "tags": ["Old Tag"], "authors": [{"name": "Rae Whitlock"}]},
        )
        assert created.status == 201
        rss = server.request("GET", "/feed.xml")
        assert f'<{hub.url}>; rel="hub"' in (rss.headers.get_all("Link") or [])
        links = feedparser.parse(rss.body).feed.links
        assert {link.href for link in links if link.rel == "hub"} == {hub.url}
        # Then the create pinged the site, its tag and its author feeds
        first = feeds(server.base, "", "/tags/old-tag", "/authors/rae-whitlock")
        assert wait_for(hub, first) == first
        hub.pings.clear()
        # When the article moves to another tag through the API
        path = f"/articles/{created.json()['id']}"
        moved = server.request("PATCH", path, key=server.key, body={"tags": ["New Tag"]})
        assert moved.status == 200
        # Then the hub hears about the old tag's feeds and the new one's, all three formats
        second = feeds(server.base, "", "/tags/old-tag", "/tags/new-tag", "/authors/rae-whitlock")
        assert wait_for(hub, second) == second
        assert {mode for mode, _ in hub.pings} == {"publish"}


def test_a_server_on_every_address_names_this_machine_in_its_pings() -> None:
    every_address = "0.0.0.0"
    with (
        running_hub() as hub,
        running_server(
            "--no-seed", extra_env={"WEBSUB_HUB_URL": hub.url, "HOST": every_address}
        ) as server,
    ):
        assert server.base.startswith("http://127.0.0.1:"), server.banner
        assert ", on every address)" in server.banner
        created = server.request("POST", "/articles", key=server.key, body={"title": "Anywhere"})
        assert created.status == 201
        wanted = feeds(server.base, "")
        assert wait_for(hub, wanted) == wanted  # not http://0.0.0.0:…, which no hub can fetch
