"""The ids feed readers key on: RSS ``<guid isPermaLink="false">``, Atom ``<id>``, JSON Feed ``id``.

Readers deduplicate by these ids forever, so an id must never change while its article lives.
That rules out anything derived from the slug, the title, the URL or the host: all of them get
edited or moved, and a changed id shows the reader a duplicate. The ids are therefore built
from the article's immutable ``id`` alone, as URNs that need no authority: ``urn:uuid:`` (RFC
9562) for the UUIDs the service mints, ``urn:contentfeed:`` for any other id. Unlike ``tag:``
URIs or URLs they name no host or date, and they are valid IRIs for Atom (RFC 4287 §4.2.6).
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

# RFC 2141 NSS characters (what the W3C feed validator accepts in a URN), percent-encoded otherwise.
_URN_SAFE = "()+,.:=@;$_!*'-"


def entry_id(article_id: str, guid: str | None = None) -> str:
    """The immutable, opaque id of an article in every feed format.

    ``guid`` wins when set: it is the id an imported feed already gave the item, and keeping it
    spares that feed's readers a duplicate. It is used as it is, so whatever stores it must
    store an absolute IRI (Atom ``<id>`` requires one).
    """
    if guid:
        return guid
    try:
        return f"urn:uuid:{uuid.UUID(article_id)}"
    except ValueError:
        return "urn:contentfeed:" + quote(article_id, safe=_URN_SAFE).replace("~", "%7E")
