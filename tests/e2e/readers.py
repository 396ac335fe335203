"""The real readers the end-to-end tests run: newsboat (a terminal feed reader) and headless Chromium.

Both are system packages (Debian ``newsboat`` and ``chromium``). Without them the tests that need
them skip with the package to install, except in CI (``CI`` set), which must have them: there
they fail. The ``newsboat`` and ``browser`` fixtures (tests/e2e/conftest.py) find them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest


def require(binary: str, package: str) -> str:
    """The path of a system tool, or skip (fail in CI) naming the Debian package to install."""
    found = shutil.which(binary)
    if found:
        return found
    message = f"`{binary}` is not installed: apt-get install {package}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must have it: see .ci/run)")
    pytest.skip(message)


class Newsboat:
    """newsboat run non-interactively on one feed, with its own config, cache and home."""

    def __init__(self, binary: str, folder: Path, url: str) -> None:
        self.binary, self.folder, self.url = binary, folder, url
        (folder / "urls").write_text(url + "\n", encoding="utf-8")
        (folder / "config").write_text(
            "download-timeout 30\nreload-threads 1\nshow-read-feeds yes\n", encoding="utf-8"
        )

    def run(self, *commands: str) -> str:
        result = subprocess.run(
            [self.binary, "-u", "urls", "-c", "cache.db", "-C", "config", "-x", *commands],
            cwd=self.folder,
            env={**os.environ, "HOME": str(self.folder), "XDG_CONFIG_HOME": str(self.folder)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def items(self) -> dict[str, tuple[str, str, int]]:
        """guid → (title, url, pubDate as a Unix time), from newsboat's own cache."""
        with sqlite3.connect(self.folder / "cache.db") as db:
            rows = db.execute(
                "SELECT guid, title, url, pubDate FROM rss_item WHERE feedurl = ? AND deleted = 0",
                (self.url,),
            ).fetchall()
        return {guid: (title, url, pub_date) for guid, title, url, pub_date in rows}


def browser_command(chromium: str, profile: Path) -> list[str]:
    """The command line of a headless Chromium with a throwaway profile."""
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def run_browser(command: list[str], *arguments: str) -> str:
    result = subprocess.run(
        [*command, *arguments], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
