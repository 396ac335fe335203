"""HTTP ``Link`` header values (RFC 8288).

A header value is bytes on the wire and only ASCII is safe there: a ``title`` with other
characters travels as ``title*`` in RFC 8187's UTF-8 percent-encoding, never raw.
"""

from __future__ import annotations

from urllib.parse import quote

_PRINTABLE_ASCII = frozenset(chr(code) for code in range(0x20, 0x7F))


def link_value(
    url: str, *, rel: str, media_type: str | None = None, title: str | None = None
) -> str:
    """One link: ``<url>; rel="…"; type="…"; title="…"`` (or ``title*=UTF-8''…``)."""
    value = f'<{url}>; rel="{rel}"'
    if media_type is not None:
        value += f'; type="{media_type}"'
    if title is not None:
        value += "; " + title_param(title)
    return value


def title_param(title: str) -> str:
    """``title="…"`` as a quoted-string when the title is printable ASCII, else ``title*``."""
    if set(title) <= _PRINTABLE_ASCII:
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        return f'title="{escaped}"'
    return "title*=UTF-8''" + quote(title, safe="")
