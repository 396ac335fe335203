"""``python -m tests.bench.compression``: the aside docs/performance.md quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bench import compression

WORDS = [
    "the",
    "service",
    "keeps",
    "every",
    "article",
    "its",
    "readers",
    "follow",
    "in",
    "three",
    "formats",
    "at",
    "once",
]


def article(seed: int, words: int) -> str:
    text = " ".join(WORDS[(seed * n + n) % len(WORDS)] for n in range(words))
    return f"<p>{text}</p><p><a href='https://example.org/{seed}'>more</a></p>"


def feed(*bodies: str) -> str:
    items = "".join(
        f"<item><title>{n}</title><description><![CDATA[{body}]]></description></item>"
        for n, body in enumerate(bodies)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def test_it_reports_the_entries_of_the_benchmarks_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two feeds: one with two long entries and a short one, one with short entries only
    (tmp_path / "long.rss").write_text(feed(article(1, 900), article(2, 900), article(3, 10)))
    (tmp_path / "short.rss").write_text(feed(article(4, 10)))
    # When the aside is run on them
    assert compression.main([str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Then only the long entries count, per feed and over all, each ratio above 1
    assert [line.split(":")[0] for line in lines] == ["long.rss", "all"]
    assert all(" 2 entries," in line for line in lines)
    with_dictionary, without = map(float, re.findall(r"([0-9.]+)×", lines[-1]))
    assert with_dictionary > without > 1


def test_it_says_so_when_no_entry_is_long_enough(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "short.rss").write_text(feed(article(4, 10)))
    assert compression.main([str(tmp_path)]) == 1
    assert "no entry of 3000-9000 bytes" in capsys.readouterr().err


def test_a_path_that_is_not_a_directory_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "one.rss").write_text(feed(article(1, 900)))
    assert compression.main([str(tmp_path / "one.rss")]) == 2
    assert (
        capsys.readouterr().err
        == f"compression: {tmp_path / 'one.rss'} is not a directory of feeds\n"
    )
