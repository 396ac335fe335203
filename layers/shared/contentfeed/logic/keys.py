"""Write keys: random, shown once, stored only as a SHA-256 hash.

Keys carry 256 bits of randomness, so a plain SHA-256 is a safe one-way store (no salt or slow
hash is needed for secrets that cannot be guessed), and looking a key up by its hash means no
secret is ever compared byte by byte.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from contentfeed.dal.items import KeyRecord
from contentfeed.dal.store import Store

KEY_PREFIX = "cf_"
_TOKEN = re.compile(r"[\x21-\x7e]{1,256}")
"""A token is visible ASCII (RFC 6750's b64token and more): anything else is no key of ours."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _TOKEN.fullmatch(token):
        return None
    return token


def create_key(
    store: Store, *, name: str, now: datetime, key: str | None = None
) -> tuple[str, KeyRecord]:
    """Make (or register a given) key; returns the key itself, which is never stored."""
    key = key or new_key()
    record = KeyRecord(key_hash=hash_key(key), name=name, prefix=key[:7], created_at=now)
    store.put_key(record)
    return key, record


def is_valid_key(store: Store, authorization: str | None) -> bool:
    """True when the header carries a known, unrevoked key: one ``GetItem``."""
    token = bearer_token(authorization)
    if token is None:
        return False
    record = store.get_key(hash_key(token))
    return record is not None and record.revoked_at is None


def revoke_key(store: Store, key_or_hash: str, *, now: datetime) -> bool:
    """Revoke by the key itself or by its hash (as ``keys list`` shows it)."""
    key_hash = (
        key_or_hash
        if len(key_or_hash) == 64 and not key_or_hash.startswith(KEY_PREFIX)
        else hash_key(key_or_hash)
    )
    return store.revoke_key(key_hash, now=now)
