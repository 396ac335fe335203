"""Every operational error of the command line is one line that says what to do, and an exit
status: 2 when the command cannot run as given, 1 when something failed. Run as a user runs it
(a subprocess), so that a traceback would show."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import DUMMY, Server, running_server

pytestmark = pytest.mark.e2e
TEMPLATE = str(ROOT / "template.yaml")


def contentfeed(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command with no AWS configuration at all but what ``env`` gives."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_")
        and k not in ("TABLE_NAME", "SITE_URL", "CONTENTFEED_API_KEY", "DYNAMODB_ENDPOINT_URL")
    }
    clean.update(
        AWS_CONFIG_FILE=str(cwd / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(cwd / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        **(env or {}),
    )
    return subprocess.run(
        [sys.executable, "-m", "contentfeed_cli.cli", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("contentfeed: ")
    return lines[0]


@pytest.fixture(scope="module")
def empty_server() -> Iterator[Server]:
    with running_server("--no-seed") as started:
        yield started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        ["keys", "list", "--table", "t"],
        ["export", "--table", "t"],
        ["import", "feed.xml", "--table", "t"],
    ],
)
def test_no_region_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    result = contentfeed(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert "no AWS region: pass --region or set AWS_DEFAULT_REGION" in one_line(result)


@pytest.mark.parametrize(
    "command",
    [
        ["keys", "create", "--table", "t", "--region", "us-east-1"],
        ["export", "--table", "t", "--region", "us-east-1"],
    ],
)
def test_no_credentials_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    result = contentfeed(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert "no AWS credentials: pass --profile" in one_line(result)


def test_no_credentials_against_a_local_dynamodb_says_any_will_do(
    tmp_path: Path, dynamodb: str
) -> None:
    for command in (
        ["keys", "list", "--table", "t", "--endpoint-url", dynamodb],
        ["serve", "--no-seed", "--port", "0", "--endpoint-url", dynamodb, "--template", TEMPLATE],
    ):
        result = contentfeed(*command, cwd=tmp_path, env={"AWS_DEFAULT_REGION": "us-east-1"})
        assert result.returncode == 2, result.stderr
        assert "accept any, e.g. test/test" in one_line(result)


def test_publishing_to_a_table_without_the_site_url_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nBody\n", encoding="utf-8")
    result = contentfeed("publish", "a.md", "--table", "t", cwd=tmp_path, env=DUMMY)
    assert result.returncode == 2
    assert "pass --site-url or set $SITE_URL" in one_line(result)
    assert "id:" not in (tmp_path / "a.md").read_text(encoding="utf-8")


def test_an_unknown_table_stops_before_any_work(tmp_path: Path, dynamodb: str) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nBody\n", encoding="utf-8")
    for command in (
        ["keys", "list"],
        ["export"],
        ["publish", "a.md", "--site-url", "https://example.org"],
    ):
        result = contentfeed(
            *command, "--table", "nope", "--endpoint-url", dynamodb, cwd=tmp_path, env=DUMMY
        )
        assert result.returncode == 1
        assert f"no table 'nope' at {dynamodb}: check --table" in one_line(result)
    # And publish wrote no id into the file, as it never started
    assert "id:" not in (tmp_path / "a.md").read_text(encoding="utf-8")


def test_a_dynamodb_that_is_down(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = contentfeed(
        "keys", "list", "--table", "t", "--endpoint-url", endpoint, cwd=tmp_path, env=DUMMY
    )
    assert result.returncode == 1
    assert f"cannot reach DynamoDB at {endpoint}: is it running?" in one_line(result)


def test_an_api_that_is_down(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nBody\n", encoding="utf-8")
    for command in (["publish", "a.md", "--key", "cf_x"], ["export"]):
        result = contentfeed(*command, "--api", api, cwd=tmp_path)
        assert result.returncode == 1
        assert f"cannot reach the API at {api}" in one_line(result)


def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = contentfeed(
            "serve", "--no-seed", "--port", str(port), "--template", TEMPLATE, cwd=tmp_path
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in one_line(result)


def test_a_refused_key_is_found_by_one_request_before_any_file_is_touched(
    empty_server: Server, tmp_path: Path
) -> None:
    # Given two Markdown files without ids
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"---\ntitle: {name}\n---\nBody\n", encoding="utf-8")
    # When they are published with a wrong key
    result = contentfeed(
        "publish", ".", "--api", empty_server.base, "--key", "cf_wrong", cwd=tmp_path
    )
    # Then one line says the key was refused, and no file got an id
    assert result.returncode == 1
    assert "refused the key" in one_line(result)
    assert all("id:" not in path.read_text(encoding="utf-8") for path in tmp_path.glob("*.md"))


@pytest.mark.parametrize("path", ["/nope", "/feed.xml", "/articles"])
def test_a_wrong_api_url_is_found_before_any_work(
    empty_server: Server, tmp_path: Path, path: str
) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nBody\n", encoding="utf-8")
    result = contentfeed(
        "publish",
        "a.md",
        "--api",
        empty_server.base + path,
        "--key",
        empty_server.key,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "does not look like a contentfeed API" in one_line(result)
    assert "id:" not in (tmp_path / "a.md").read_text(encoding="utf-8")


def test_missing_options_are_usage_errors(tmp_path: Path) -> None:
    for command in (["export"], ["keys", "list"], ["publish", ".", "--api", "http://127.0.0.1:9"]):
        result = contentfeed(*command, cwd=tmp_path)
        assert result.returncode == 2
        one_line(result)
    for command, says in (
        (["publish", ".", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["import"], "the following arguments are required: source"),
        (["keys", "create", "--name"], "expected one argument"),
    ):
        result = contentfeed(*command, cwd=tmp_path)
        assert result.returncode == 2
        assert says in one_line(result) and "--help" in result.stderr


def test_serve_outside_the_project(tmp_path: Path) -> None:
    result = contentfeed("serve", "--no-seed", cwd=tmp_path)
    assert result.returncode == 2
    assert "template.yaml not found" in one_line(result) and "--template" in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    version = contentfeed("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("contentfeed 0.")
    for command in (
        [],
        ["serve"],
        ["keys"],
        ["keys", "create"],
        ["publish"],
        ["import"],
        ["export"],
    ):
        shown = contentfeed(*command, "--help", cwd=tmp_path)
        assert shown.returncode == 0 and shown.stdout.startswith("usage: contentfeed")
