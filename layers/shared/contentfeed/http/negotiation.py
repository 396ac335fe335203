"""Does this request come from a browser (show a page) or a feed reader (send the feed)?

With the optional CDN, a CloudFront Function (edge/accept.js) applies this same rule at the edge
and replaces ``Accept`` with ``text/html`` or ``*/*`` before the cache key is computed; the two
must agree on every input (tests/unit/test_edge_accept.py runs both).
"""

from __future__ import annotations

import re

from contentfeed.http.media import FEED_LIKE, HTML

_QVALUE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
"""A quality value is a plain decimal; anything else (signs, exponents, ``nan``, ``inf``, digits
of other scripts, all of which ``float`` accepts) counts as 0, so the edge can apply the same rule
exactly."""


def _weights(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.fullmatch(value) else 0.0
        weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    return weights


def prefers_html(accept: str | None) -> bool:
    """True when ``text/html`` is asked for and ranks above every feed media type.

    Browsers send ``text/html,…,*/*;q=0.8``; feed readers ask for feed types (or ``*/*``) and
    so keep getting the feed itself.
    """
    if not accept:
        return False
    weights = _weights(accept)
    html = weights.get(HTML, 0.0)
    if html <= 0.0:
        return False
    best_feed = max((weights.get(media_type, 0.0) for media_type in FEED_LIKE), default=0.0)
    return html > best_feed
