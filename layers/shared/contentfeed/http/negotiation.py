"""Does this request come from a browser (show a page) or a feed reader (send the feed)?"""

from __future__ import annotations

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
        "application/json",
    }
)


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
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
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
    html = weights.get("text/html", 0.0)
    if html <= 0.0:
        return False
    best_feed = max((weights.get(media, 0.0) for media in FEED_TYPES), default=0.0)
    return html > best_feed
