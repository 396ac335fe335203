"""Opaque cursors for lists and feeds.

A cursor names a position (publication time, id) inside the listing that was requested and
nothing else: the partition comes from the request, never from the cursor, and the position
must lie in the past, so a forged cursor can at most skip ahead within what the caller may read
anyway (and can never make DynamoDB start outside the query's key range).

Decoding is strict and total: a cursor is accepted only in the exact spelling
:func:`encode_cursor` gives its position (URL-safe base64, no padding, no trailing bits, nothing
after it), so every cursor echoed into a link or a header is one this service wrote. Anything
else, whatever its bytes, is a :class:`BadRequest`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from datetime import datetime

from contentfeed.errors import BadRequest
from contentfeed.text import parse_utc_iso

MAX_CURSOR_CHARS = 300
_CURSOR = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
_POSITION = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([A-Za-z0-9._~-]{1,128})", re.ASCII
)
FORGED = "cursor is not one this service issued"


def encode_cursor(after: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(f"{after[0]}|{after[1]}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, now: datetime) -> tuple[str, str]:
    """The (time, id) position a cursor names; :class:`BadRequest` for anything else."""
    if not (0 < len(cursor) <= MAX_CURSOR_CHARS and _CURSOR.fullmatch(cursor)):
        raise BadRequest(FORGED)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest(FORGED) from None
    match = _POSITION.fullmatch(text)
    if not match:
        raise BadRequest(FORGED)
    try:
        moment = parse_utc_iso(match.group(1))  # month 13, 30 February, hour 25, year 0000
    except ValueError:
        raise BadRequest(FORGED) from None
    position = match.group(1), match.group(2)
    if moment > now or encode_cursor(position) != cursor:  # the future; a second spelling
        raise BadRequest(FORGED)
    return position


def fill_budget(parts: Iterable[str], budget: int) -> list[str]:
    """The longest prefix of ``parts`` whose UTF-8 size (a separator each) fits ``budget``.

    Never empty when ``parts`` is not: one part larger than the budget still makes a page, so
    paging always moves on. ``parts`` is read lazily, one past the cut at most.
    """
    taken: list[str] = []
    size = 0
    for part in parts:
        size += len(part.encode("utf-8")) + 1
        if taken and size > budget:
            break
        taken.append(part)
    return taken
