"""Small text helpers shared by models, storage and rendering."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

_NON_WORD = re.compile(r"[^\w]+")
# Characters XML 1.0 forbids (everything below 0x20 but tab, LF, CR; lone surrogates; U+FFFE/F).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UTC_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# The exact shape utc_iso writes (ASCII digits only): these strings take the fast path.
_FIXED_UTC_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", re.ASCII)


MAX_SLUG_CHARS = 80
SLUG = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
"""What every slug is: lowercase letters and digits (of any script) in words joined by single
hyphens, never one at either end. For ASCII text that is ``^[a-z0-9]+(-[a-z0-9]+)*$``."""


def slugify(text: str) -> str:
    """A lowercase, hyphenated, URL-safe slug, or '' when ``text`` has no letter or digit.

    Letters of every script are kept. The result always fullmatches :data:`SLUG` (or is
    empty), and slugifying it again changes nothing.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = unicodedata.normalize("NFKC", folded).replace("_", "-")  # casefold can denormalise
    return _NON_WORD.sub("-", folded).strip("-")[:MAX_SLUG_CHARS].strip("-")


def strip_xml_illegal(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


def utc_iso(moment: datetime) -> str:
    """Fixed-width UTC timestamp that sorts as text: ``2026-11-20T09:30:00.000000Z``.

    The year is zero-padded by hand: ``strftime("%Y")`` does not pad years below 1000.
    """
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}Z"


def parse_utc_iso(text: str) -> datetime:
    """The inverse of :func:`utc_iso`: an aware UTC datetime.

    The fixed-width strings :func:`utc_iso` writes (every stored timestamp) are read with
    ``datetime.fromisoformat``, about ten times faster than ``strptime``, which reads anything
    else exactly as before (same result, or the same ``ValueError``).
    """
    if _FIXED_UTC_ISO.fullmatch(text):
        return datetime.fromisoformat(text)  # "Z" reads as UTC itself (datetime.UTC)
    return datetime.strptime(text, UTC_ISO_FORMAT).replace(tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC, seconds precision unless there are microseconds."""
    moment = moment.astimezone(UTC)
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    # Integer formats, not strftime (which does not pad years < 1000, and is slower)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{fraction}Z"
    )
