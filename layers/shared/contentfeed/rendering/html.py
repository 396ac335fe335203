"""Text and markup helpers the renderers share: absolute URLs, XML-safe text, plain excerpts.

Article HTML was sanitised by nh3 on the way in, so it is serialised HTML with quoted
attributes. These helpers still take anything (imported or legacy rows, broken markup) and
never raise: nothing a stored article contains may make a feed fail to render.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin

from contentfeed.text import strip_xml_illegal

URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster"})
# A start tag that may have attributes (whitespace or "/" after its name), quote-aware so that
# a ">" inside an attribute value does not end it. Bare tags like <p> are skipped by the regex.
_START_TAG = re.compile(r"""<[A-Za-z][^\s/>]*[\s/](?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""")
# The URL of each srcset candidate: it follows the start or a comma and never ends in a comma.
_SRCSET_URL = re.compile(r"(^|,)(\s*)([^\s,](?:\S*[^\s,])?)")
_ANY_TAG = re.compile(r"""<!--.*?-->|<[A-Za-z/!?](?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
# Phrasing elements a reader sees run into the words around them ("H<sub>2</sub>O"): their tags
# leave nothing in an excerpt, where every other tag leaves a space.
_INLINE_TAG = re.compile(
    r"""</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|rp|rt|ruby|s|samp|small|span"""
    r"""|strong|sub|sup|time|u|var|wbr)(?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?/?>""",
    re.IGNORECASE,
)


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, lone surrogates included."""
    return strip_xml_illegal(text)


def absolute_url(url: str, base_url: str) -> str:
    """``url`` resolved against ``base_url``; returned as it is when it cannot be parsed."""
    try:
        return urljoin(base_url, url.strip())
    except ValueError:  # e.g. an unclosed IPv6 host "http://[::1"
        return url


def absolutize(html: str, base_url: str) -> str:
    """Make the ``href``/``src``/``srcset``/``cite``/``poster`` URLs in ``html`` absolute.

    Only those attribute values change; every other byte stays as it was. Fragment-only links
    resolve against the article, which is where they point once the HTML sits in a feed reader.
    """

    def attribute(match: re.Match[str]) -> str:
        name, equals, quoted = match.groups()
        kind = name.lower()
        if kind not in URL_ATTRIBUTES and kind != "srcset":
            return match[0]
        value = unescape(quoted[1:-1] if quoted[0] in "\"'" else quoted)
        if kind == "srcset":
            new = _SRCSET_URL.sub(lambda m: m[1] + m[2] + absolute_url(m[3], base_url), value)
        else:
            new = absolute_url(value, base_url)
        return match[0] if new == value else f'{name}{equals}"{escape(new)}"'

    return _START_TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag[0]), clean_text(html))


def text_excerpt(html: str, limit: int = 300) -> str:
    """The plain text of ``html``, whitespace collapsed, cut at a word boundary near ``limit``."""
    # html.unescape never yields a character XML forbids ("&#0;" becomes U+FFFD, "&#11;" nothing).
    # str.split() splits on what \s matches, runs of it at once, an order of magnitude faster.
    text = " ".join(unescape(_ANY_TAG.sub(" ", _INLINE_TAG.sub("", clean_text(html)))).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]  # one more: a space right after the limit ends a whole word
    cut = cut.rsplit(" ", 1)[0] if " " in cut else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"
