"""Timestamps as stored: ``utc_iso`` writes them, ``parse_utc_iso`` reads them back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from contentfeed.text import UTC_ISO_FORMAT, parse_utc_iso, utc_iso


def by_strptime(text: str) -> datetime:
    """What ``parse_utc_iso`` did before it read the fixed-width strings with fromisoformat."""
    return datetime.strptime(text, UTC_ISO_FORMAT).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        datetime(2026, 11, 20, 9, 30, 0, 123456, tzinfo=UTC),
        datetime(2026, 11, 20, 10, 30, 0, 1, tzinfo=timezone(timedelta(hours=1))),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(251, 10, 9, 2, 51, 44, 500000, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_stored_timestamps_read_back_exactly(moment: datetime) -> None:
    text = utc_iso(moment)
    parsed = parse_utc_iso(text)
    assert parsed == moment
    assert parsed.tzinfo is UTC
    assert parsed == by_strptime(text) and parsed.tzinfo is by_strptime(text).tzinfo
    assert utc_iso(parsed) == text


def test_years_below_1000_are_zero_padded_both_ways() -> None:
    assert utc_iso(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00.000000Z"
    assert parse_utc_iso("0999-01-02T00:00:00.000000Z") == datetime(999, 1, 2, tzinfo=UTC)
    assert parse_utc_iso("0007-01-02T00:00:00.000000Z").year == 7


@pytest.mark.parametrize(
    "text",
    [
        "2026-1-5T9:3:7.5Z",  # strptime reads short fields: so does parse_utc_iso
        "2026-11-20T09:30:00.12Z",
        "２０２６-11-20T09:30:00.000000Z",  # and non-ASCII digits (fromisoformat would refuse)
    ],
)
def test_other_shapes_strptime_accepted_still_parse_the_same(text: str) -> None:
    assert parse_utc_iso(text) == by_strptime(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-11-20T09:30:00Z",  # no fraction
        "2026-11-20T09:30:00.000000",  # no Z
        "2026-11-20T09:30:00.000000+00:00",
        "2026-11-20 09:30:00.000000Z",  # fromisoformat alone would accept these three
        "2026-11-20T09:30:00,000000Z",
        "20261120T093000.000000Z",
        "0000-01-01T00:00:00.000000Z",  # year 0
        "2026-02-30T00:00:00.000000Z",
        "2026-13-01T00:00:00.000000Z",
        "2026-11-20T24:00:00.000000Z",
        "2026-11-20T09:60:00.000000Z",
        "2026-11-20T09:30:60.000000Z",
        "2026-11-20T09:30:00.0000000Z",
    ],
)
def test_what_strptime_refused_is_still_refused(text: str) -> None:
    def outcome(parse: Callable[[str], datetime]) -> object:
        try:
            return parse(text)
        except ValueError:
            return ValueError

    assert outcome(by_strptime) is ValueError
    assert outcome(parse_utc_iso) is ValueError
