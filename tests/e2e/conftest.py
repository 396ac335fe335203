"""The local server, started as a user would (``contentfeed serve``), on a free port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.readers import browser_command, require

KEY = "cf_e2e-test-key-0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    base: str
    key: str
    process: subprocess.Popen[str] | None = None
    banner: str = ""
    """The first line the server printed."""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        key: str | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if key is not None:
            request.add_header("Authorization", f"Bearer {key}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())


@contextmanager
def running_server(*args: str, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """``contentfeed serve`` in a subprocess on a free port, with a known write key."""
    env = {**os.environ, "CONTENTFEED_API_KEY": KEY, "PORT": "0", "HOST": "127.0.0.1"}
    for name in ("TABLE_NAME", "AWS_PROFILE", "DYNAMODB_ENDPOINT_URL", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    env.update(extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "contentfeed_cli.cli", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "serving http://" in first, f"server did not start: {first!r}"
        base = first.split("serving ", 1)[1].split()[0]
        yield Server(base=base, key=KEY, process=process, banner=first)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)


DUMMY = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}
"""Credentials and a region for a local DynamoDB endpoint, which accepts any."""


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[str]:
    """A moto server, one per test module: a DynamoDB endpoint that starts with no tables, as
    DynamoDB Local would."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with running_server() as started:
        yield started


# --- real readers (tests/e2e/readers.py) --------------------------------------------------------


@pytest.fixture(scope="session")
def newsboat() -> str:
    return require("newsboat", "newsboat")


@pytest.fixture(scope="session")
def chromium() -> str:
    return require("chromium", "chromium")


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> list[str]:
    """The command line of a headless Chromium with a throwaway profile."""
    return browser_command(chromium, tmp_path / "profile")
