"""Opaque cursors for lists and feeds.

A cursor names a position (publication time, id) inside the listing that was requested and
nothing else: the partition comes from the request, never from the cursor, and the position
must lie in the past, so a forged cursor can at most skip ahead within what the caller may read
anyway (and can never make DynamoDB start outside the query's key range).
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from contentfeed.errors import BadRequest
from contentfeed.text import parse_utc_iso

_POSITION = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([A-Za-z0-9._~-]{1,128})$")


def encode_cursor(after: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(f"{after[0]}|{after[1]}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, now: datetime) -> tuple[str, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("cursor is not one this service issued") from None
    match = _POSITION.match(text)
    if not match or parse_utc_iso(match.group(1)) > now:
        raise BadRequest("cursor is not one this service issued")
    return match.group(1), match.group(2)
