"""The table's key design, in one place. See docs/architecture.md for the access patterns.

=====================  ================================  ==========================================
item                   pk                                sk
=====================  ================================  ==========================================
article / tombstone    ``ARTICLE#{id}``                  ``A``
slug claim             ``SLUG#{slug}``                   ``S``
feed entry (copy)      ``FEED#{scope}``                  ``P#{published_at UTC}#{id}``
feed marker            ``FEED#{scope}``                  ``P~`` (sorts above every entry)
write key              ``KEYS``                          ``{sha256 of the key}``
idempotency claim      ``IDEMPOTENCY#{sha256}``          ``I`` (expires through TTL)
=====================  ================================  ==========================================

A scope is ``site``, ``tag:{tag slug}`` or ``author:{author slug}``.
"""

from __future__ import annotations

from datetime import datetime

from contentfeed.text import utc_iso

ARTICLE_SK = "A"
SLUG_SK = "S"
MARKER_SK = "P~"
ENTRY_PREFIX = "P#"
KEYS_PK = "KEYS"
IDEMPOTENCY_SK = "I"

SITE = "site"


def article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def slug_pk(slug: str) -> str:
    return f"SLUG#{slug}"


def idempotency_pk(key_hash: str) -> str:
    return f"IDEMPOTENCY#{key_hash}"


def feed_pk(scope: str) -> str:
    return f"FEED#{scope}"


def tag_scope(tag_slug: str) -> str:
    return f"tag:{tag_slug}"


def author_scope(author_slug: str) -> str:
    return f"author:{author_slug}"


def entry_sk(published_at: datetime, article_id: str) -> str:
    return f"{ENTRY_PREFIX}{utc_iso(published_at)}#{article_id}"


def entries_upper_bound(now: datetime) -> str:
    """The highest sort key of an entry that is due at ``now`` (scheduled ones sort above)."""
    return f"{ENTRY_PREFIX}{utc_iso(now)}~"
