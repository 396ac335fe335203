"""Conditional requests and content negotiation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contentfeed.http.conditional import http_date, is_not_modified, parse_http_date, strong_etag
from contentfeed.http.negotiation import prefers_html

MODIFIED = datetime(2026, 11, 25, 12, 0, 30, 500_000, tzinfo=UTC)
ETAG = strong_etag("feed", 7)


def not_modified(inm: str | None = None, ims: str | None = None) -> bool:
    return is_not_modified(
        etag=ETAG, last_modified=MODIFIED, if_none_match=inm, if_modified_since=ims
    )


def test_etags_are_strong_and_depend_on_every_part() -> None:
    assert ETAG.startswith('"') and not ETAG.startswith("W/")
    assert strong_etag("feed", 7) == ETAG
    assert strong_etag("feed", 8) != ETAG


def test_if_none_match() -> None:
    assert not_modified(inm=ETAG)
    assert not_modified(inm=f'"other", {ETAG}')
    assert not_modified(inm=f"W/{ETAG}")  # weak comparison (RFC 9110 §13.1.2)
    assert not_modified(inm="*")
    assert not not_modified(inm='"other"')


def test_if_modified_since_at_second_precision() -> None:
    assert not_modified(ims=http_date(MODIFIED))
    assert not_modified(ims="Thu, 26 Nov 2026 00:00:00 GMT")
    assert not not_modified(ims="Wed, 25 Nov 2026 12:00:29 GMT")
    assert not not_modified(ims="not a date")


def test_if_none_match_takes_precedence_over_if_modified_since() -> None:
    # RFC 9110 §13.2.2: a mismatching If-None-Match wins even when the date alone would match
    assert not not_modified(inm='"stale"', ims=http_date(MODIFIED))
    assert not_modified(inm=ETAG, ims="Mon, 01 Jan 2001 00:00:00 GMT")


def test_http_dates_round_trip() -> None:
    text = http_date(MODIFIED)
    assert text == "Wed, 25 Nov 2026 12:00:30 GMT"
    assert parse_http_date(text) == MODIFIED.replace(microsecond=0)


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
            True,
        ),  # Chromium
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Firefox
        ("application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8", False),
        ("application/atom+xml,application/rss+xml;q=0.9,text/html;q=0.1", False),
        ("*/*", False),
        (None, False),
        ("", False),
        ("text/html;q=0", False),
        ("application/feed+json", False),
    ],
)
def test_browsers_get_html_and_readers_get_feeds(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


def test_the_route_table_builds_every_feed_path_and_recognises_them() -> None:
    # Given the feed route table
    from contentfeed.http.routes import (
        Format,
        Kind,
        feed_path,
        feed_routes,
        formats_of,
        is_feed_path,
    )

    # When paths are built from it
    tag_atom = feed_path(Kind.TAG, "déjà vu", Format.ATOM)
    templates = [route.path() for route in feed_routes()]
    # Then they are the documented layout, escaped, and recognised as feed paths
    assert tag_atom == "/tags/d%C3%A9j%C3%A0%20vu/atom.xml"
    assert feed_path(Kind.SITE, "", Format.JSON) == "/feed.json"
    assert "/authors/{author}/feed.xml" in templates and "/" in templates
    assert "/shows/{slug}/feed.xml" in templates and "/shows/{slug}/atom.xml" not in templates
    assert len(templates) == len(set(templates)) == 1 + sum(len(formats_of(k)) for k in Kind)
    assert all(
        is_feed_path(t.replace("{tag}", "x").replace("{author}", "y").replace("{slug}", "z"))
        for t in templates
    )
    assert not is_feed_path("/articles") and not is_feed_path("/tags/x/index.html")
    assert not is_feed_path("/shows/x/atom.xml") and not is_feed_path("/shows/x")


def test_media_types_guess_an_image_type_from_its_file_name() -> None:
    from contentfeed.http.media import OCTET_STREAM, guess_image_type

    assert guess_image_type("https://cdn.example.org/a/photo.JPG?w=800") == "image/jpeg"
    assert guess_image_type("https://cdn.example.org/a/photo") == OCTET_STREAM
