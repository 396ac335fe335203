"""The table's key design, in one place. See docs/architecture.md for the access patterns.

=====================  ================================  ==========================================
item                   pk                                sk
=====================  ================================  ==========================================
article / tombstone    ``ARTICLE#{id}``                  ``A``
slug claim             ``SLUG#{slug}``                   ``S``
guid claim             ``GUID#{sha256 of the guid}``     ``G``
feed entry (copy)      ``FEED#{scope}``                  ``P#{published_at UTC}#{id}``
feed marker            ``FEED#{scope}``                  ``P~`` (sorts above every entry)
write key              ``KEYS``                          ``{sha256 of the key}``
idempotency claim      ``IDEMPOTENCY#{sha256}``          ``I`` (expires through TTL)
show                   ``SHOWS``                         ``{show slug}``
show (feed copy)       ``FEED#show:{show slug}``         ``SHOW`` (sorts above the marker)
=====================  ================================  ==========================================

A scope is ``site``, ``tag:{tag slug}``, ``author:{author slug}`` or ``show:{show slug}`` (the
episodes of a show: its articles with audio or video). A show is stored twice in one
transaction: in ``SHOWS`` (``GET /shows`` is one ``Query`` of it) and in its feed's partition,
so that the podcast feed (the show, its marker and every episode) is one ``Query``.

Nothing outside ``contentfeed.dal`` spells a key prefix or a sort-key format: it calls these
functions. ``template.yaml`` must repeat two of them (the push function's stream filter on
:data:`ARTICLE_PREFIX`, the authorizer's ``LeadingKeys`` on :data:`KEYS_PK`); a test compares them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from contentfeed.text import utc_iso

if TYPE_CHECKING:
    from contentfeed.models import Article

ARTICLE_PREFIX = "ARTICLE#"
SLUG_PREFIX = "SLUG#"
GUID_PREFIX = "GUID#"
FEED_PREFIX = "FEED#"
IDEMPOTENCY_PREFIX = "IDEMPOTENCY#"
ARTICLE_SK = "A"
SLUG_SK = "S"
GUID_SK = "G"
MARKER_SK = "P~"
ENTRY_PREFIX = "P#"
KEYS_PK = "KEYS"
IDEMPOTENCY_SK = "I"

SHOWS_PK = "SHOWS"
SHOW_SK = "SHOW"

SITE = "site"
TAG_SCOPE_PREFIX = "tag:"
AUTHOR_SCOPE_PREFIX = "author:"
SHOW_SCOPE_PREFIX = "show:"


def article_pk(article_id: str) -> str:
    return f"{ARTICLE_PREFIX}{article_id}"


def is_article_pk(pk: str) -> bool:
    """The key of an article or its tombstone (not an entry, a marker, a claim or a key)."""
    return pk.startswith(ARTICLE_PREFIX)


def is_show_pk(pk: str) -> bool:
    """The key of a show in the ``SHOWS`` partition (its feed copy sits under ``FEED#``)."""
    return pk == SHOWS_PK


def slug_pk(slug: str) -> str:
    return f"{SLUG_PREFIX}{slug}"


def guid_pk(guid: str) -> str:
    """The claim of a feed id: hashed, as a guid may be 512 characters of any IRI."""
    return f"{GUID_PREFIX}{hashlib.sha256(guid.encode()).hexdigest()}"


def idempotency_pk(key_hash: str) -> str:
    return f"{IDEMPOTENCY_PREFIX}{key_hash}"


def feed_pk(scope: str) -> str:
    return f"{FEED_PREFIX}{scope}"


def tag_scope(tag_slug: str) -> str:
    return f"{TAG_SCOPE_PREFIX}{tag_slug}"


def author_scope(author_slug: str) -> str:
    return f"{AUTHOR_SCOPE_PREFIX}{author_slug}"


def show_scope(show_slug: str) -> str:
    return f"{SHOW_SCOPE_PREFIX}{show_slug}"


SCOPE_PREFIXES = {"tag": TAG_SCOPE_PREFIX, "author": AUTHOR_SCOPE_PREFIX, "show": SHOW_SCOPE_PREFIX}
"""Kind of feed → the prefix of its scopes (the site's is :data:`SITE` itself). The kinds are
``http.routes.Kind``'s values; a test holds the two together."""


def scope(kind: str, slug: str = "") -> str:
    """The scope of a kind of feed (``"site"``, ``"tag"``, ``"author"``, ``"show"``) and, but
    for the site, its slug."""
    return SITE if kind == SITE else SCOPE_PREFIXES[kind] + slug


def split_scope(scope: str) -> tuple[str, str] | None:
    """``("site", "")``, ``("tag", slug)``, ``("author", slug)`` or ``("show", slug)``; None
    for no known scope."""
    if scope == SITE:
        return SITE, ""
    for kind, prefix in SCOPE_PREFIXES.items():
        if scope.startswith(prefix):
            return kind, scope.removeprefix(prefix)
    return None


def scopes_of(article: Article) -> tuple[str, ...]:
    """Every feed an article appears in: the site, each of its tags, each of its authors, and
    its show's podcast feed when it is an episode (in a show, with audio or video)."""
    return (
        SITE,
        *(tag_scope(slug) for slug in article.tag_slugs),
        *(author_scope(slug) for slug in article.author_slugs),
        *((show_scope(article.show),) if article.show and article.is_episode else ()),
    )


def entry_sk(published_at: datetime, article_id: str) -> str:
    return stored_entry_sk(utc_iso(published_at), article_id)


def entry_position(article: Article) -> tuple[str, str]:
    """Where an article's entries sort: (publication time as stored, id), a paging position."""
    return utc_iso(article.published_at), article.id


def stored_entry_sk(published_at: str, article_id: str) -> str:
    """An entry's sort key from a position as stored (a paging cursor's time and id)."""
    return f"{ENTRY_PREFIX}{published_at}#{article_id}"


def entry_position_of(sk: str) -> tuple[str, str]:
    """(publication time as stored, id) from an entry's sort key (an id may hold ``#``)."""
    _, published_at, article_id = sk.split("#", 2)
    return published_at, article_id


def entries_upper_bound(now: datetime) -> str:
    """The highest sort key of an entry that is due at ``now`` (scheduled ones sort above)."""
    return f"{ENTRY_PREFIX}{utc_iso(now)}~"
