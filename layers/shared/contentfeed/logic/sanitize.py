"""Article HTML is cleaned on the way in with nh3 (Ammonia): editorial markup stays, active content goes.

Embedded players (``iframe``, ``video``, ``audio``, ``embed``, ``object``) are removed like any
active content, but each leaves a link to what it played, with its title: a YouTube embed
becomes a link to the watch page, a Vimeo player a link to the video's page, a ``<video>`` a
link to its file. A post that was only a video stays a post with a working link in every feed.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import parse_qs, quote, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
        "ul", "aside", "section", "picture", "source", "bdi", "bdo", "rp", "rt", "ruby", "var",
        "wbr",
    }
)  # fmt: skip
"""Editorial markup. ``ruby`` (with ``rt``, ``rp``) carries the readings of CJK text, ``bdi`` and
``bdo`` the direction of a name or phrase inside right-to-left text: without them either text
reads wrong."""
BLOCK_STAND_INS = {
    **dict.fromkeys(
        (
            "address", "article", "center", "details", "dialog", "fieldset", "footer", "form",
            "header", "hgroup", "legend", "main", "nav", "optgroup", "option", "search",
            "select", "summary",
        ),
        "div",
    ),
    "dir": "ul",
    "menu": "ul",
}  # fmt: skip
"""Blocks the service does not keep, and what they become: their text stays a block of its own
(a ``<details>``'s summary, an FAQ's question, a page's header) instead of running into the next
one's words, as it would if only their tags were removed. Attributes stay for nh3 to filter."""
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "source": {"srcset", "sizes", "media", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
}
REMOVED_WITH_CONTENT = frozenset({"script", "style", "iframe", "video", "audio", "object"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset(
    {
        "action", "archive", "background", "cite", "classid", "codebase", "data", "dynsrc",
        "formaction", "href", "icon", "imagesrcset", "itemtype", "longdesc", "lowsrc", "manifest",
        "ping", "poster", "profile", "src", "srcset", "usemap", "xlink:href",
    }
)  # fmt: skip
"""Every HTML attribute whose value is, or holds, a URL a browser may load or follow."""
LIST_ATTRIBUTES = frozenset({"srcset", "imagesrcset", "ping", "archive"})
"""Of those, the ones that hold several URLs (srcset candidates, space-separated lists); a piece
that is a descriptor (``2x``, ``640w``) has no scheme and passes."""
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def _scheme_ok(url: str) -> bool:
    """True for a relative URL or one of the allowed schemes.

    Browsers drop tabs and line breaks inside a URL and ignore leading control characters and
    spaces, so ``java\\tscript:`` is ``javascript:``: they are removed before the scheme is read.
    """
    compact = _INVISIBLE.sub("", url).lower()
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1) in URL_SCHEMES


def _urls(name: str, value: str) -> list[str]:
    """What a browser might read as a URL in the attribute: the whole value and, for lists
    (``srcset`` candidates, ``ping``), every comma- or space-separated piece of it."""
    if name in LIST_ATTRIBUTES:
        return [value, *value.replace(",", " ").split()]
    return [value]


def _keep_safe_urls(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: drop a URL attribute when any URL in it has another scheme.

    Ammonia checks the schemes of ``href`` and ``src`` itself but not of ``srcset`` or ``cite``
    (a ``javascript:`` there survived); this checks every URL-bearing attribute as one class.
    """
    if name in URL_ATTRIBUTES and not all(_scheme_ok(url) for url in _urls(name, value)):
        return None
    return value


_EMBED = re.compile(
    r"""<(iframe|video|audio|embed|object)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_SOURCE = re.compile(r"""<source(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
_YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
     "www.youtube-nocookie.com"}
)  # fmt: skip
_VIMEO_HOSTS = frozenset({"player.vimeo.com", "vimeo.com", "www.vimeo.com"})
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_IMAGE = re.compile(r"<img\b", re.IGNORECASE)
_TAG = re.compile(r"""<!--.*?-->|<[A-Za-z/!?](?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _ATTRIBUTE.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(name.lower(), unescape(value).strip())
    return found


def _absolute_http(url: str) -> str | None:
    """``url`` as an absolute http(s) URL (protocol-relative ones become https), else None."""
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


_SPOTIFY_KINDS = frozenset({"episode", "track", "show", "album", "playlist", "artist"})
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DIGITS = re.compile(r"[0-9]{1,30}")
"""ASCII digits (``str.isdigit`` takes ``١٢٣`` and ``²`` too)."""


def embed_link(url: str) -> tuple[str, str | None]:
    """The page a player URL plays, and what a link to it says when the player has no title
    ("Watch on YouTube"); the URL itself and None for a player not known here."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS and len(segments) >= 2 and segments[0] in ("embed", "v"):
        playlist = query.get("list", [""])[0]
        if segments[1] == "videoseries" and _PLAIN_ID.match(playlist):
            return f"https://www.youtube.com/playlist?list={playlist}", "Watch on YouTube"
        video = segments[1]
        if _VIDEO_ID.match(video):
            start = query.get("start", [""])[0]
            suffix = f"&t={start}s" if _DIGITS.fullmatch(start) else ""
            return f"https://www.youtube.com/watch?v={video}{suffix}", "Watch on YouTube"
    if host == "youtu.be" and segments and _VIDEO_ID.match(segments[0]):
        return f"https://www.youtube.com/watch?v={segments[0]}", "Watch on YouTube"
    if host in _VIMEO_HOSTS:
        numbers = [segment for segment in segments if _DIGITS.fullmatch(segment)]
        if numbers:
            return f"https://vimeo.com/{numbers[0]}", "Watch on Vimeo"
    page = _known_page(host, segments, query)
    return page if page is not None else (url, None)


def _known_page(
    host: str, segments: list[str], query: dict[str, list[str]]
) -> tuple[str, str] | None:
    """The page and the link's words for the other players feeds carry most."""
    plain = len(segments) >= 3 and all(_PLAIN_ID.match(segment) for segment in segments[:3])
    first, second, third = ([*segments[:3], "", "", ""])[:3]
    tweet = query.get("id", [""])[0]
    track = urlsplit(query.get("url", [""])[0]) if host == "w.soundcloud.com" else None
    if host == "open.spotify.com" and plain and first.startswith("embed"):
        if second in _SPOTIFY_KINDS:  # /embed/episode/ID, /embed-podcast/episode/ID
            return f"https://open.spotify.com/{second}/{third}", "Listen on Spotify"
    elif host == "embed.podcasts.apple.com" and segments:
        episode = query.get("i", [""])[0]  # ?i=: the episode, else the show
        suffix = f"?i={episode}" if _DIGITS.fullmatch(episode) else ""
        return (
            f"https://podcasts.apple.com/{'/'.join(segments)}{suffix}",
            "Listen on Apple Podcasts",
        )
    elif track and track.netloc in ("soundcloud.com", "www.soundcloud.com") and track.path:
        # rebuilt on soundcloud.com: browsers and Python split "evil\\@soundcloud.com" apart
        return f"https://soundcloud.com{quote(track.path, safe='/%')}", "Listen on SoundCloud"
    elif host == "platform.twitter.com" and _DIGITS.fullmatch(tweet):
        return f"https://twitter.com/i/status/{tweet}", "View on X"
    elif host in ("instagram.com", "www.instagram.com") and plain and third == "embed":
        if first in ("p", "reel", "tv"):  # /p/ID/embed
            return f"https://www.instagram.com/{first}/{second}/", "View on Instagram"
    elif host in ("dailymotion.com", "www.dailymotion.com") and plain and first == "embed":
        if second == "video":  # /embed/video/ID
            return f"https://www.dailymotion.com/video/{third}", "Watch on Dailymotion"
    elif host == "codepen.io" and plain and second == "embed":  # /USER/embed/ID
        return f"https://codepen.io/{first}/pen/{third}", "View on CodePen"
    return None


def _replacement(match: re.Match[str], html: str) -> str:
    """A link to what the embed at ``match`` plays, followed by the embed itself (which nh3
    then removes). Nothing is added when the embed names no http(s) source."""
    kind = match[1].lower()
    attributes = _attributes(match[2])
    source = attributes.get("src") or attributes.get("data") or ""
    if not source and kind in ("video", "audio"):
        close = re.search(rf"</{kind}\s*>", html[match.end() :], re.IGNORECASE)
        inner = html[match.end() : match.end() + close.start()] if close else ""
        first = _SOURCE.search(inner)
        source = _attributes(first[1]).get("src", "") if first else ""
    url = _absolute_http(source)
    if url is None:
        return match[0]
    url, label = embed_link(url)
    title = attributes.get("title") or attributes.get("aria-label") or label or url
    return f'<p><a href="{escape(url)}">{escape(title, quote=False)}</a></p>{match[0]}'


def degrade_embeds(html: str) -> str:
    """Put a link to each embedded player's content before the player (see the module)."""
    return _EMBED.sub(lambda match: _replacement(match, html), html)


def is_blank(html: str) -> bool:
    """True when sanitised ``html`` shows nothing: no text and no image."""
    if _IMAGE.search(html):
        return False
    return not unescape(_TAG.sub(" ", html)).strip()


def has_content(html: str) -> bool:
    """True when raw ``html`` holds anything: text, an image or an embedded player."""
    return not is_blank(html) or _EMBED.search(html) is not None


FALLBACK_WRAPPERS = frozenset({"noscript", "noembed", "noframes"})
"""Wrappers of what a page shows without scripts, embeds or frames (a lazy-loaded image's plain
``<img>``): the sanitiser's parser takes their content for raw text and would keep the markup
as visible text, so they are unwrapped and their content sanitised as the HTML it is."""
_FALLBACK_WRAPPER = re.compile(
    rf"</?(?:{'|'.join(sorted(FALLBACK_WRAPPERS))})\b[^>]*>", re.IGNORECASE
)
_BLOCK_STAND_IN = re.compile(
    rf"<(/?)({'|'.join(sorted(BLOCK_STAND_INS))})(?=[\s/>])", re.IGNORECASE
)


def _blocks_kept_apart(html: str) -> str:
    """Each of :data:`BLOCK_STAND_INS` renamed to its stand-in (see there): in tags only, not
    in an attribute's value (``alt="the <header> element"``) or a comment."""
    return _TAG.sub(_stand_in, html)


def _stand_in(tag: re.Match[str]) -> str:
    """One tag (or comment), its name replaced when it is one of :data:`BLOCK_STAND_INS`."""
    name = _BLOCK_STAND_IN.match(tag[0])
    if name is None:
        return tag[0]
    return f"<{name[1]}{BLOCK_STAND_INS[name[2].lower()]}{tag[0][name.end() :]}"


def clean_html(html: str) -> str:
    """Remove scripts, styles, event handlers and javascript:/data: URLs; keep editorial markup,
    and a link in place of each embedded player."""
    return nh3.clean(
        degrade_embeds(_blocks_kept_apart(_FALLBACK_WRAPPER.sub("", html))),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        # A player goes with what is inside it (its sources and fallback text): its link stays.
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attribute_filter=_keep_safe_urls,
    )
