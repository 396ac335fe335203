"""Validators and conditional requests (RFC 9110 §8.8, §13)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def strong_etag(*parts: object) -> str:
    """A strong entity tag: a digest of everything the representation is made from."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f'"{digest[:24]}"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(text: str | None) -> datetime | None:
    """An HTTP date as an aware UTC datetime; None for anything that is not one.

    Total: a date that cannot be read (``Mon, 01 Jan 99999999999 …``, day 32, an offset that
    pushes it past year 9999) is ignored, as RFC 9110 §13.1.3 asks of an invalid
    ``If-Modified-Since``, never an error.
    """
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def is_not_modified(
    *,
    etag: str,
    last_modified: datetime,
    if_none_match: str | None,
    if_modified_since: str | None,
) -> bool:
    """True when a GET/HEAD may be answered 304.

    ``If-None-Match`` takes precedence: when it is present ``If-Modified-Since`` is ignored
    (RFC 9110 §13.2.2). ``If-None-Match`` uses the weak comparison, as §13.1.2 requires.
    """
    if if_none_match is not None:
        candidates = [_opaque(part) for part in if_none_match.split(",") if part.strip()]
        return "*" in candidates or _opaque(etag) in candidates
    since = parse_http_date(if_modified_since)
    if since is None:
        return False
    return last_modified.astimezone(UTC).replace(microsecond=0) <= since
