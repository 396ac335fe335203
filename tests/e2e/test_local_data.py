"""``contentfeed serve --data DIR`` keeps the embedded table; ``keys --server`` reaches it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import DUMMY, Server, running_server

pytestmark = pytest.mark.e2e


def contentfeed(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with no AWS credentials or table in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for name in ("TABLE_NAME", "CONTENTFEED_API_KEY", "DYNAMODB_ENDPOINT_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "contentfeed_cli.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_kept_table_survives_a_crash_and_a_stop(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Given a server keeping its table in a folder, an article and a key made through it
    with running_server("--no-seed", "--data", str(data)) as first:
        assert "kept in" in first.banner
        created = first.request("POST", "/articles", body={"title": "Kept"}, key=first.key)
        assert created.status == 201
        article = created.json()["id"]
        made = contentfeed("keys", "create", "--server", first.base, "--name", "ci")
        assert made.returncode == 0, made.stderr
        second_key = made.stdout.strip()
        assert second_key.startswith("cf_")
        # When the server is killed outright (no chance to save anything at exit)
        assert first.process is not None
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
    # Then a new server on the same folder has the article and honours the key
    with running_server("--no-seed", "--data", str(data)) as second:
        assert "items restored" in second.banner
        assert second.request("GET", f"/articles/{article}").json()["title"] == "Kept"
        more = second.request("POST", "/articles", body={"title": "More"}, key=second_key)
        assert more.status == 201
        # When it is stopped as a service manager stops it
        assert second.process is not None
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(timeout=30) == 0
    # Then everything is in the snapshot and the journal is empty
    snapshot = [json.loads(line) for line in (data / "table.jsonl").read_text().splitlines()]
    titles = {item["title"]["S"] for item in snapshot if item.get("type", {}).get("S") == "article"}
    assert titles == {"Kept", "More"}
    assert (data / "journal.jsonl").read_text() == ""
    # And a third start serves both in its feed
    with running_server("--no-seed", "--data", str(data)) as third:
        feed = third.request("GET", "/feed.json").json()
        assert {item["title"] for item in feed["items"]} == {"Kept", "More"}


def test_without_data_the_server_says_its_table_is_in_memory() -> None:
    # Given the default server, told the site's URL
    site = {"SITE_URL": "https://blog.example.org"}
    with running_server("--no-seed", extra_env=site) as server:
        # Then its first line says the table goes when it stops
        assert "in memory" in server.banner
        # And the feeds link to that site, and an article without a url lives there
        created = server.request("POST", "/articles", body={"title": "Here"}, key=server.key)
        assert created.json()["url"] == "https://blog.example.org/here"
        feed = server.request("GET", "/feed.json").json()
        assert feed["home_page_url"].startswith("https://blog.example.org")
        assert feed["items"][0]["url"] == "https://blog.example.org/here"
        # And keys reach its table with no credentials and no table name
        listed = contentfeed("keys", "list", "--server", server.base)
        assert listed.returncode == 0, listed.stderr
        assert "CONTENTFEED_API_KEY" in listed.stdout
        # And a revoked key stops working at once
        made = contentfeed("keys", "create", "--server", server.base).stdout.strip()
        assert contentfeed("keys", "revoke", "--server", server.base, made).returncode == 0
        refused = server.request("POST", "/articles", body={"title": "No"}, key=made)
        assert refused.status in (401, 403)


def test_keys_with_no_server_there_is_one_line_and_status_1() -> None:
    # When keys are asked of a server that is not running
    result = contentfeed("keys", "list", "--server", "http://127.0.0.1:9")
    # Then one line says so, without a traceback
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no contentfeed server" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_external_table_is_seeded_only_when_serve_creates_it(dynamodb: str) -> None:
    """Samples go into a table ``serve`` made for them; an existing table, perhaps a deployed
    stack's, keeps its own articles: a restart changes none of them."""
    serve = ("--endpoint-url", dynamodb, "--table", "seeded-once")

    def sample_versions(server: Server) -> dict[str, int]:
        reply = server.request("GET", "/articles?limit=100")
        assert reply.status == 200
        return {item["id"]: item["version"] for item in reply.json()["items"]}

    with running_server(*serve, extra_env=DUMMY) as first:
        created = sample_versions(first)
        deleted = first.request("DELETE", f"/articles/{next(iter(created))}", key=first.key)
        assert deleted.status == 204
    with running_server(*serve, extra_env=DUMMY) as again:
        kept = sample_versions(again)
    assert created, "a table serve created gets the sample articles"
    assert kept == dict(list(created.items())[1:]), "a restart re-seeded the existing table"
