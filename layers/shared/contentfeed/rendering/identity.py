"""The ids feed readers key on: RSS ``<guid isPermaLink="false">``, Atom ``<id>``, JSON Feed ``id``.

Readers deduplicate by these ids forever, so an id must never change while its article lives.
That rules out anything derived from the slug, the title, the URL or the host: all of them get
edited or moved, and a changed id shows the reader a duplicate. The ids are therefore built
from the article's immutable ``id`` alone, as URNs that need no authority: ``urn:uuid:`` (RFC
9562) for the UUIDs the service mints, ``urn:contentfeed:`` for any other id. Unlike ``tag:``
URIs or URLs they name no host or date, and they are valid IRIs for Atom (RFC 4287 §4.2.6).

An article may instead carry a ``guid``: the id another feed already gave it (an import keeps
it). RSS ``guid`` and JSON Feed ``id`` may be any string, so they show it verbatim. Atom's
``id`` must be an absolute IRI: a guid that is one is shown verbatim there too; any other (a
Squarespace or numeric id, a relative path, ``123 at https://…``) becomes
``urn:uuid:`` + ``uuid5(GUID_NAMESPACE, guid)``, which depends on the guid alone and so never
changes. ``GUID_NAMESPACE`` is also the namespace the importer derives article ids from, so an
imported article's Atom id is ``urn:uuid:`` + its own id, as it was before guids of every kind
were kept.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

# RFC 2141 NSS characters (what the W3C feed validator accepts in a URN), percent-encoded otherwise.
_URN_SAFE = "()+,.:=@;$_!*'-"
GUID_NAMESPACE = uuid.UUID("b90328c8-a578-55c4-8dca-eb8aea010cc6")
"""``uuid5(NAMESPACE_URL, "https://contentfeed.dev/import")``. Never change it: Atom ids of
articles with non-IRI guids, and the ids of imported articles, would all change."""
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A UUID exactly as ``str(uuid.UUID(...))`` writes it: the ids the service mints."""
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+")
"""A scheme, a colon and no character an IRI cannot hold (RFC 3987): what Atom accepts."""


def entry_id(article_id: str, guid: str | None = None) -> str:
    """The immutable, opaque id of an article in RSS (``guid``) and JSON Feed (``id``).

    ``guid`` wins when set, verbatim: it is the id an imported feed already gave the item, and
    keeping it spares that feed's readers a duplicate.
    """
    if guid:
        return guid
    if _CANONICAL_UUID.fullmatch(article_id):  # what uuid.UUID would give back, without parsing
        return f"urn:uuid:{article_id}"
    try:
        return f"urn:uuid:{uuid.UUID(article_id)}"
    except ValueError:
        return "urn:contentfeed:" + quote(article_id, safe=_URN_SAFE).replace("~", "%7E")


def atom_id(article_id: str, guid: str | None = None, *, entry: str | None = None) -> str:
    """The article's Atom ``<id>``: :func:`entry_id` (``entry``, when already computed), unless
    that is a guid Atom cannot carry."""
    if guid and not _ABSOLUTE_IRI.fullmatch(guid):
        return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, guid)}"
    return entry_id(article_id, guid) if entry is None else entry
