"""Real readers read the feeds: newsboat (a terminal feed reader) and headless Chromium.

Both are system packages (Debian ``newsboat`` and ``chromium``); tests/e2e/readers.py runs them,
and skips these tests without them (except in CI, which must have them: there they fail).
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html

from contentfeed_cli.local.seed import sample_articles
from tests.e2e.conftest import Server
from tests.e2e.feedrules import Scope, feed_ids, feed_titles, fetch, list_articles
from tests.e2e.readers import Newsboat, run_browser

pytestmark = pytest.mark.e2e

SUBSCRIBE_NOTE = "To subscribe, copy this address into your feed reader"


def sample_titles() -> set[str]:
    """The titles of the published sample articles (seed_articles.json)."""
    return {
        article["title"]
        for article in sample_articles()
        if article.get("status", "published") == "published"
    }


# --- newsboat ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml"])
def test_newsboat_reads_every_item(
    server: Server, newsboat: str, tmp_path: Path, path: str
) -> None:
    # Given the feed as served now, and the articles the API lists
    served = fetch(server, path, Scope("", []))
    expected = feed_titles(served)
    articles = {article.feed_id: article for article in list_articles(server)}
    # When newsboat reloads it
    reader = Newsboat(newsboat, tmp_path, server.base + path)
    reader.run("reload")
    # Then it has every item, under the feed's ids, with the right titles, links and dates
    items = reader.items()
    assert sorted(items) == sorted(feed_ids(served))
    assert {guid: title for guid, (title, _, _) in items.items()} == expected
    for guid, (_, url, pub_date) in items.items():
        if guid in articles:
            assert url == articles[guid].data["url"], guid
            assert pub_date == int(articles[guid].published_at.timestamp()), guid
    # And every published sample article is among them
    assert sample_titles() <= set(expected.values())
    assert reader.run("print-unread").strip() == f"{len(items)} unread articles"


def test_newsboat_shows_an_edit_without_a_duplicate(
    server: Server, newsboat: str, tmp_path: Path
) -> None:
    # Given newsboat has read an article
    created = server.request(
        "POST",
        "/articles",
        key=server.key,
        body={"title": "Before the edit", "tags": ["Newsboat"], "content_html": "<p>x</p>"},
    )
    assert created.status == 201
    article = created.json()
    try:
        reader = Newsboat(newsboat, tmp_path, server.base + "/tags/newsboat/atom.xml")
        reader.run("reload")
        assert [title for title, _, _ in reader.items().values()] == ["Before the edit"]
        # When its title and slug are edited and newsboat reloads
        edited = server.request(
            "PATCH",
            f"/articles/{article['id']}",
            key=server.key,
            body={"title": "After the edit", "slug": "after-the-edit"},
            headers={
                "If-Match": created.headers["ETag"],
                "Content-Type": "application/merge-patch+json",
            },
        )
        assert edited.status == 200
        reader.run("reload")
        # Then it shows the new title on the same item: no duplicate
        assert [title for title, _, _ in reader.items().values()] == ["After the edit"]
    finally:
        server.request("DELETE", f"/articles/{article['id']}", key=server.key)


# --- headless Chromium -------------------------------------------------------------------------


def page_text(dom: str) -> tuple[str, list[str]]:
    """The visible text of a dumped DOM, and the titles of the articles it lists."""
    document = html.fromstring(dom)
    text = " ".join(document.body.text_content().split())
    return text, [" ".join(h2.text_content().split()) for h2 in document.iter("h2")]


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml"])
def test_chromium_shows_a_feed_as_a_readable_page(
    server: Server, browser: list[str], path: str
) -> None:
    # Given the articles the feed holds for a reader
    titles = set(feed_titles(fetch(server, path, Scope("", []))).values())
    # When Chromium opens the feed URL
    dom = run_browser(browser, "--dump-dom", server.base + path)
    # Then it renders the HTML view: a page, not the XML shown as text
    assert "<rss" not in dom and "<feed" not in dom
    text, listed = page_text(dom)
    # With the note on how to subscribe, naming the URL it is at
    assert SUBSCRIBE_NOTE in text
    assert server.base + path in text
    # And every article of the feed, by title
    assert set(listed) == titles
    assert sample_titles() <= set(listed)


def test_chromium_shows_the_home_page_with_the_feeds(server: Server, browser: list[str]) -> None:
    dom = run_browser(browser, "--dump-dom", server.base + "/")
    text, listed = page_text(dom)
    document = html.fromstring(dom)
    # Then the home page lists the articles and links every feed format for readers
    assert "Follow along in a feed reader" in text
    links = {a.text_content(): a.get("href") for a in document.iter("a")}
    assert links["RSS"] == server.base + "/feed.xml"
    assert links["Atom"] == server.base + "/atom.xml"
    assert links["JSON Feed"] == server.base + "/feed.json"
    alternates = {
        link.get("type") for link in document.iter("link") if link.get("rel") == "alternate"
    }
    assert alternates == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    assert sample_titles() <= set(listed)


def png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the decoded pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    position, compressed = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            compressed += data[position + 8 : position + 8 + length]
        position += 12 + length
    return width, height, len(set(zlib.decompress(compressed)))


def test_chromium_screenshot_of_a_feed_is_a_page_of_text(
    server: Server, browser: list[str], tmp_path: Path
) -> None:
    # When Chromium takes a 1200×1600 screenshot of the RSS feed's URL
    shot = tmp_path / "feed.png"
    started = datetime.now()
    run_browser(
        browser, f"--screenshot={shot}", "--window-size=1200,1600", server.base + "/feed.xml"
    )
    # Then there is a picture of that size, with more on it than a blank page
    assert shot.exists() and shot.stat().st_mtime >= started.timestamp() - 1
    width, height, colours = png_size_and_colours(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    assert colours > 32
