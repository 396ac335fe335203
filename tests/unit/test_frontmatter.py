"""Front matter and Markdown: what a file becomes, and how each mistake is reported (with its line)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from contentfeed.models.api import ArticleIn
from contentfeed_cli.tools.frontmatter import (
    FrontMatterError,
    Issue,
    parse,
    render_markdown,
    write_id,
)
from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.sync import Outcome, changed_fields

SITE = "https://news.example.org"
NEW_ID = "0b0e5f3c-8f1a-4c55-9d57-6f2c3b1a2e4d"


def parsed(text: str) -> ArticleIn:
    return parse(text, site_url=SITE, new_id=NEW_ID).article


def issues(text: str) -> list[Issue]:
    with pytest.raises(FrontMatterError) as caught:
        parse(text, site_url=SITE, new_id=NEW_ID)
    return caught.value.issues


def test_every_key_reaches_the_input_model() -> None:
    # Given a file that uses every key, in the short forms too (names alone, an image URL alone)
    text = """---
id: post-1
title: Harbour news
slug: harbour-news
guid: tag:news.example.org,2026:harbour
tags: [Harbour, harbour, Sea]
authors:
  - Ana Lima
  - {name: Ben Okafor, email: ben@example.org, url: https://example.org/ben}
contributors:
  - {name: Cy Photographer, role: photos}
image:
  url: img/ferry.jpg
  caption: The ferry
  credit: Cy
  alt: A ferry at the quay
  type: image/jpeg
  length: 1234
published_at: 2026-03-01T09:30:00+10:00
status: draft
summary: What happened at the harbour.
language: en-AU
---
Body.
"""
    # When it is parsed
    document = parse(text, site_url=SITE, new_id=NEW_ID)
    article = document.article
    # Then each value is where the API expects it
    assert (document.article_id, document.id_is_new) == ("post-1", False)
    assert article.title == "Harbour news" and article.slug == "harbour-news"
    assert article.guid == "tag:news.example.org,2026:harbour"
    assert article.tags == ["Harbour", "Sea"]
    assert [a.name for a in article.authors] == ["Ana Lima", "Ben Okafor"]
    assert article.authors[1].email == "ben@example.org"
    assert article.contributors[0].role == "photos"
    assert article.image is not None and article.image.length == 1234
    # And the relative image URL is resolved against the article's URL (site/slug)
    assert article.image.url == f"{SITE}/img/ferry.jpg"
    assert article.published_at == datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    assert (article.status, article.language) == ("draft", "en-AU")


def test_a_missing_title_is_reported() -> None:
    assert issues("---\nsummary: no title\n---\nBody\n") == [Issue(1, "title is missing")]


def test_unknown_keys_are_named_with_their_lines_and_a_hint() -> None:
    # Given keys other generators use
    text = "---\ntitle: T\ndraft: true\ncategories: [a]\nweird: 1\n---\n"
    # Then each is reported on its own line, with our key for the same thing where there is one
    assert issues(text) == [
        Issue(3, "unknown key 'draft' (use status: draft)"),
        Issue(4, "unknown key 'categories' (use tags)"),
        Issue(5, "unknown key 'weird'"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("published_at: 2026-01-01 10:00:00", "published_at has no UTC offset"),
        ("date: 2026-01-01T10:00:00", "date has no UTC offset"),
        ("published_at: '2026-01-01T10:00:00'", "published_at has no UTC offset"),
        ("published_at: 2026-13-01T10:00:00Z", "published_at: month must be in 1..12"),
        ("published_at: next tuesday", "published_at: Input should be a valid datetime"),
    ],
)
def test_bad_dates_are_refused_on_their_line(line: str, expected: str) -> None:
    found = issues(f"---\ntitle: T\n{line}\n---\n")
    assert len(found) == 1 and found[0].line == 3
    assert found[0].message.startswith(expected), found[0].message


def test_a_date_alone_means_midnight_utc_and_an_offset_is_kept() -> None:
    assert parsed("---\ntitle: T\ndate: 2026-01-02\n---\n").published_at == datetime(
        2026, 1, 2, tzinfo=UTC
    )
    moment = parsed("---\ntitle: T\ndate: 2026-01-02T08:00:00-05:00\n---\n").published_at
    assert moment is not None and moment.astimezone(UTC) == datetime(2026, 1, 2, 13, tzinfo=UTC)


def test_both_date_and_published_at_is_an_error() -> None:
    text = "---\ntitle: T\npublished_at: 2026-01-01T00:00:00Z\ndate: 2026-01-02\n---\n"
    assert issues(text) == [Issue(4, "give published_at or date, not both")]


def test_nested_validation_errors_point_at_the_nested_line() -> None:
    text = "---\ntitle: T\nauthors:\n  - name: A\n  - name: B\n    email: not-an-address\n---\n"
    assert issues(text) == [Issue(6, "authors.1.email: must be an e-mail address")]


def test_yaml_syntax_errors_carry_the_yaml_mark() -> None:
    [issue] = issues("---\ntitle: T\ntags: [a, b\nsummary: x\n---\n")
    assert issue.line >= 3 and issue.message.startswith("YAML:")


def test_duplicate_keys_and_missing_fences_are_errors() -> None:
    assert issues("---\ntitle: A\ntitle: B\n---\n") == [
        Issue(3, "'title' is given twice (first on line 2)")
    ]
    assert issues("title: A\n")[0].message.startswith("no front matter")
    assert issues("---\ntitle: A\n")[0].message.startswith("the front matter is not closed")


def test_yaml_booleans_in_text_fields_are_explained() -> None:
    [issue] = issues("---\ntitle: T\nlanguage: no\n---\n")
    assert issue.line == 3 and "quotes" in issue.message


def test_ids_get_generated_when_missing_and_checked_when_given() -> None:
    # Given no id: the new one is used and marked for writing back
    document = parse("---\ntitle: T\n---\n", site_url=SITE, new_id=NEW_ID)
    assert (document.article_id, document.id_is_new) == (NEW_ID, True)
    # Given an id that cannot be an article id, or an empty one
    assert issues("---\nid: a b\ntitle: T\n---\n")[0].line == 2
    assert issues("---\nid:\ntitle: T\n---\n")[0].message.startswith("id is empty")


def test_id_write_back_inserts_one_line_and_keeps_every_other_byte(tmp_path: Path) -> None:
    # Given a file with CRLF line endings and no id
    original = "---\r\ntitle: Hello\r\ntags: [a]\r\n---\r\nBody “text”\r\n"
    path = tmp_path / "post.md"
    path.write_bytes(original.encode())
    # When the id is written back
    write_id(path, NEW_ID)
    # Then it is the first front matter line, in the file's line ending, and nothing else moved
    written = path.read_bytes().decode()
    assert written == f"---\r\nid: {NEW_ID}\r\n" + original.removeprefix("---\r\n")
    # And parsing the file again finds that id: publishing it again updates the same article
    again = parse(written, site_url=SITE, new_id="other")
    assert (again.article_id, again.id_is_new) == (NEW_ID, False)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_smarty_quotes_are_unicode_characters_not_entities() -> None:
    html = render_markdown('He said "it\'s done" -- and left... <<ok>>\n\n`a &amp; "b"`')
    text = lxml.html.fromstring(html).text_content()
    assert "“it’s done”" in text and "–" in text and "…" in text
    assert "&ldquo;" not in html and "&rsquo;" not in html and "&hellip;" not in html
    # And markup characters stay escaped, inside code too
    assert "a &amp;amp;" in html


def test_relative_links_and_images_become_absolute_against_the_article_url() -> None:
    body = (
        "See [map](map.html), [home](/), [top](#top) and ![pic](img/p.png) or [x](https://x.org/)."
    )
    # Given no url: the article lives at site/slug (slug from the title)
    article = parsed(f"---\ntitle: Harbour Day\n---\n{body}\n")
    root = lxml.html.fromstring(article.content_html or "")
    hrefs = [a.get("href") for a in root.iter("a")]
    assert hrefs == [f"{SITE}/map.html", f"{SITE}/", f"{SITE}/harbour-day#top", "https://x.org/"]
    assert [i.get("src") for i in root.iter("img")] == [f"{SITE}/img/p.png"]
    # Given a url of its own (a folder-style one): links resolve against it
    article = parsed(f"---\ntitle: T\nurl: https://blog.example.org/2026/t/\n---\n{body}\n")
    root = lxml.html.fromstring(article.content_html or "")
    assert root.find(".//a").get("href") == "https://blog.example.org/2026/t/map.html"


def test_an_empty_body_means_no_content() -> None:
    assert parsed("---\ntitle: T\n---\n\n").content_html is None


def test_the_comparison_sees_only_real_changes() -> None:
    # Given what the table holds for an article published from a file (as_input's shape)
    stored = {
        "title": "Harbour Day",
        "slug": "harbour-day",
        "url": f"{SITE}/harbour-day",
        "content_html": "<p>Hi</p>",
        "authors": [],
        "contributors": [],
        "tags": ["Sea"],
        "published_at": "2026-01-01T00:00:00+00:00",
        "status": "published",
        "attachments": [],
    }
    same = ArticleIn.model_validate(
        {"title": "Harbour Day", "content_html": "<p>Hi</p>", "tags": ["Sea"]}
    )
    # Then the same input changes nothing (published_at and slug are kept or derived alike)
    assert changed_fields(same, stored, article_id=NEW_ID, site_url=SITE) == []
    # And a new title changes the title only: an existing article keeps its slug and URL
    renamed = same.model_copy(update={"title": "Harbour Night"})
    assert changed_fields(renamed, stored, article_id=NEW_ID, site_url=SITE) == ["title"]
    # And a removed tag or a new date is a change
    assert changed_fields(
        same.model_copy(update={"tags": []}), stored, article_id=NEW_ID, site_url=SITE
    ) == ["tags"]
    moved = ArticleIn.model_validate(
        {**same.model_dump(exclude_none=True, mode="json"), "published_at": "2026-01-02T00:00:00Z"}
    )
    assert changed_fields(moved, stored, article_id=NEW_ID, site_url=SITE) == ["published_at"]


def test_the_report_prints_a_line_per_item_and_a_summary() -> None:
    stream = io.StringIO()
    report = Report("publish", stream=stream, tty=False)
    report.start(3)
    report.item("a.md", Outcome.CREATED)
    report.item("b.md", Outcome.UNCHANGED)
    report.failed("c.md", ["c.md:2: unknown key 'x'"])
    assert report.finish() == 1
    assert stream.getvalue().splitlines() == [
        "[1/3] a.md ✓ created",
        "[2/3] b.md = unchanged",
        "[3/3] c.md ✗ failed",
        "    c.md:2: unknown key 'x'",
        "publish: 1 created, 0 updated, 1 unchanged, 1 failed",
    ]


def test_on_a_terminal_a_bar_redraws_and_only_failures_stay() -> None:
    stream = io.StringIO()
    report = Report("import", stream=stream, tty=True)
    report.start(2)
    report.item("first", Outcome.CREATED)
    report.failed("second", ["bad title"])
    assert report.finish() == 1
    lines = stream.getvalue().split("\n")
    assert lines[0].startswith("\r\x1b[K[############............] 1/2 first")
    assert lines[0].endswith("[2/2] second ✗ failed") and lines[1] == "    bad title"
    assert lines[2] == "import: 1 created, 0 updated, 0 unchanged, 1 failed"
