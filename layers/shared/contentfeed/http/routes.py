"""The feed URL layout, defined once: every feed route, its path and how to build its URLs.

The feeds function registers exactly :func:`feed_routes`, the push consumer pings the URLs
:func:`feed_path` builds, the local server prints them, and a test checks that ``template.yaml``
declares exactly these paths for the feeds function (API Gateway cannot read Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from contentfeed.errors import ContentFeedError, MethodNotAllowed, NotFound


class Format(StrEnum):
    RSS = "rss"
    ATOM = "atom"
    JSON = "json"


class Kind(StrEnum):
    """Whose feed: the whole site, one tag's, one author's or one podcast show's. The values
    are the kinds of ``dal.keys`` scopes (``keys.scope(kind, slug)``; a test holds them
    together)."""

    SITE = "site"
    TAG = "tag"
    AUTHOR = "author"
    SHOW = "show"


FILE_NAMES: dict[Format, str] = {
    Format.RSS: "feed.xml",
    Format.ATOM: "atom.xml",
    Format.JSON: "feed.json",
}
FORMAT_TITLES: dict[Format, str] = {
    Format.RSS: "RSS",
    Format.ATOM: "Atom",
    Format.JSON: "JSON Feed",
}
FOLDERS: dict[Kind, tuple[str, str] | None] = {
    Kind.SITE: None,
    Kind.TAG: ("tags", "tag"),
    Kind.AUTHOR: ("authors", "author"),
    Kind.SHOW: ("shows", "slug"),
}
"""Kind → (the folder its feeds live in, the name of the path parameter); None: at the root.
A show's parameter is ``slug``, as on ``/shows/{slug}`` (API Gateway wants one name per level)."""
SHOW_FORMATS: tuple[Format, ...] = (Format.RSS, Format.JSON)
"""A show's feeds: the podcast RSS and a JSON Feed (podcast apps read RSS; no Atom)."""


def formats_of(kind: Kind) -> tuple[Format, ...]:
    """The formats a kind of feed is served in."""
    return SHOW_FORMATS if kind is Kind.SHOW else tuple(Format)


HOME = "/"


@dataclass(frozen=True, slots=True)
class FeedRoute:
    """One feed path: ``format`` None is the HTML home page (``/``)."""

    kind: Kind
    format: Format | None

    @property
    def parameter(self) -> str | None:
        folder = FOLDERS[self.kind]
        return None if folder is None else folder[1]

    def path(self, style: str = "{}") -> str:
        """The path template; ``style`` "{}" gives API Gateway's ``{tag}``, "<>" Powertools'
        ``<tag>``."""
        if self.format is None:
            return HOME
        folder = FOLDERS[self.kind]
        prefix = "" if folder is None else f"/{folder[0]}/{style[0]}{folder[1]}{style[1]}"
        return f"{prefix}/{FILE_NAMES[self.format]}"


def feed_routes() -> tuple[FeedRoute, ...]:
    """Every path the feeds function answers: the home page, then each kind in each format."""
    return (
        FeedRoute(Kind.SITE, None),
        *(FeedRoute(kind, fmt) for kind in Kind for fmt in formats_of(kind)),
    )


def folder(kind: Kind, slug: str) -> str:
    """The path a kind's feed files live under ('' for the site)."""
    place = FOLDERS[kind]
    return "" if place is None else f"/{place[0]}/{quote(slug)}"


def feed_path(kind: Kind, slug: str, fmt: Format) -> str:
    return f"{folder(kind, slug)}/{FILE_NAMES[fmt]}"


def is_feed_path(path: str) -> bool:
    """Whether a request path is one of the feed routes (whatever the tag or author)."""
    if path == HOME:
        return True
    parts = path.strip("/").split("/")
    names = set(FILE_NAMES.values())
    if len(parts) == 1:
        return parts[0] in names
    return len(parts) == 3 and any(
        place is not None
        and parts[0] == place[0]
        and parts[2] in {FILE_NAMES[fmt] for fmt in formats_of(kind)}
        for kind, place in FOLDERS.items()
    )


ARTICLE_METHODS = {"/articles": "GET, POST", "/articles/{id}": "GET, PUT, PATCH, DELETE"}
SHOW_METHODS = {"/shows": "GET", "/shows/{slug}": "GET, PUT, DELETE"}
"""The methods each article and show path answers: the 405s name them in ``Allow``."""


def not_allowed(method: str, path: str) -> ContentFeedError:
    """405 with ``Allow`` on an article or show path, 404 on any other path.

    Both the API function (for a direct invocation with another method) and the function that
    answers the other methods on those paths (``functions/not_allowed``) use it.
    """
    parts = path.strip("/").split("/")
    if parts[0] == "articles" and len(parts) <= 2:
        allow = ARTICLE_METHODS["/articles" if len(parts) == 1 else "/articles/{id}"]
        return MethodNotAllowed(f"{method} is not allowed here; use {allow}", allow=allow)
    if parts[0] == "shows" and len(parts) <= 2:
        allow = SHOW_METHODS["/shows" if len(parts) == 1 else "/shows/{slug}"]
        return MethodNotAllowed(f"{method} is not allowed here; use {allow}", allow=allow)
    return NotFound(f"no route {method} {path}")
