"""``contentfeed publish``, ``import`` and ``export`` over HTTP against ``contentfeed serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from contentfeed_cli.tools.importer import IMPORT_NAMESPACE
from tests.conftest import ROOT
from tests.e2e.conftest import Server, running_server

pytestmark = pytest.mark.e2e
WORDPRESS = ROOT / "tests" / "data" / "wordpress.rss"


@pytest.fixture(scope="module")
def empty_server() -> Iterator[Server]:
    with running_server("--no-seed") as started:
        yield started


def contentfeed(*args: str, key: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, the key in the environment (not on the command line)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TABLE_NAME", "SITE_URL")}
    env.pop("CONTENTFEED_API_KEY", None)
    if key is not None:
        env["CONTENTFEED_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "contentfeed_cli.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_publish_import_and_export_over_http(empty_server: Server, tmp_path: Path) -> None:
    server = empty_server
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "hello.md").write_text(
        "---\ntitle: Hello from Markdown\ndate: 2026-01-05T09:00:00+01:00\ntags: [CLI]\n---\n"
        'It\'s "live", see [the docs](docs/).\n',
        encoding="utf-8",
    )
    (posts / "second.md").write_text(
        "---\ntitle: Second post\ndate: 2026-01-06T09:00:00Z\n---\nMore.\n", encoding="utf-8"
    )
    # When a folder is published over HTTP with the key
    published = contentfeed("publish", "posts", "--api", server.base, key=server.key, cwd=tmp_path)
    # Then both files are created, and each got its id written back
    assert published.returncode == 0, published.stderr
    assert "publish: 2 created, 0 updated, 0 unchanged, 0 failed" in published.stderr
    ids = {
        path.name: path.read_text(encoding="utf-8").splitlines()[1].removeprefix("id: ")
        for path in posts.iterdir()
    }
    hello = server.request("GET", f"/articles/{ids['hello.md']}").json()
    assert hello["title"] == "Hello from Markdown" and "“live”" in hello["content_html"]
    # And relative links point into the site the API names (its JSON Feed's home page)
    site = server.request("GET", "/feed.json").json()["home_page_url"].rstrip("/")
    assert f'href="{site}/docs/"' in hello["content_html"]

    # When the WordPress feed is imported over HTTP
    imported = contentfeed(
        "import", str(WORDPRESS), "--api", server.base, key=server.key, cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    assert "import: 4 created, 0 updated, 0 unchanged, 0 failed, 2 skipped" in imported.stderr
    # Then the API and the RSS feed show the imported items under their original guids
    items = server.request("GET", "/articles?limit=100").json()["items"]
    by_title = {item["title"]: item for item in items}
    tom = by_title["Tom & Jerry’s big day"]
    assert tom["guid"] == "https://harbour.example.org/?p=101"
    assert tom["id"] == str(uuid.uuid5(IMPORT_NAMESPACE, tom["guid"]))
    rss = feedparser.parse(server.request("GET", "/feed.xml").body)
    feed_ids = {entry.id for entry in rss.entries}
    assert {
        "https://harbour.example.org/?p=101",
        "https://harbour.example.org/2026/03/storm-warning/",
        "https://harbour.example.org/2026/03/market-day/",
        f"urn:uuid:{ids['hello.md']}",
    } <= feed_ids

    # When both are run again, nothing is written
    again = contentfeed(
        "import", str(WORDPRESS), "--api", server.base, key=server.key, cwd=tmp_path
    )
    assert "import: 0 created, 0 updated, 4 unchanged, 0 failed, 2 skipped" in again.stderr
    republished = contentfeed(
        "publish", "posts", "--api", server.base, key=server.key, cwd=tmp_path
    )
    assert "publish: 0 created, 0 updated, 2 unchanged, 0 failed" in republished.stderr

    # When the published articles are exported through the API
    exported = contentfeed("export", "--api", server.base, key=None, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {r["id"] for r in records} == {item["id"] for item in items}
    assert all("links" not in r and r["version"] >= 1 for r in records)


def test_writing_without_a_key_is_refused_before_any_request(tmp_path: Path) -> None:
    result = contentfeed("publish", ".", "--api", "http://127.0.0.1:9", key=None, cwd=tmp_path)
    assert result.returncode == 2 and "--key or $CONTENTFEED_API_KEY" in result.stderr
