"""What sanitising an entry's HTML will remove that a reader would miss (embeds, elements the
service does not keep, unsafe links), reported before anything is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from contentfeed.logic.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    FALLBACK_WRAPPERS,
    REMOVED_WITH_CONTENT,
    URL_SCHEMES,
)

EMBEDS = frozenset({"iframe", "video", "audio", "embed", "object"})
"""Elements sanitising removes that stood for media: reported as embeds, by what they showed."""
GONE_WITH_CONTENT = (REMOVED_WITH_CONTENT - EMBEDS) | {"math", "svg", "template"}
"""Elements sanitising removes with all they hold, their text too: its own list, and what its
parser does not take for HTML (MathML, SVG, a template's content)."""
_HOLDERS = EMBEDS | GONE_WITH_CONTENT
"""Elements whose descendants are reported with them, not one by one."""
_URL_ATTRIBUTES = ("href", "src", "srcset", "cite")


def html_losses(html: str) -> list[tuple[str, str]]:
    """What sanitising will remove from ``html`` that a reader would miss: embeds (by what they
    showed), elements the service does not keep, links with schemes it does not allow.
    Presentational attributes (``class``, ``style``, ``id``…) go without a note."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    embeds: list[str] = []
    removed: Counter[str] = Counter()
    unsafe = 0
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions: never content
        tag = element.tag.lower()
        tag = "img" if tag == "image" else tag  # what every HTML parser makes of <image>
        if tag in EMBEDS:
            source = element.get("src") or element.get("data") or ""
            if not source:
                inner = element.find(".//source")
                source = inner.get("src", "") if inner is not None else ""
            embeds.append(f"{tag} {source}".strip())
        elif tag in FALLBACK_WRAPPERS:
            continue  # unwrapped, what they hold kept: nothing a reader misses
        elif tag not in ALLOWED_TAGS:
            if not any(str(a.tag).lower() in _HOLDERS for a in element.iterancestors()):
                removed[tag] += 1
        else:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set())
            for name in _URL_ATTRIBUTES:
                value = element.get(name)
                scheme = value.split(":", 1)[0].strip().lower() if value else ""
                if (
                    name in allowed
                    and value
                    and ":" in value.split("/", 1)[0]
                    and scheme not in URL_SCHEMES
                ):
                    unsafe += 1
    losses = [("embed", f"embedded {embed} (sanitising keeps at most a link)") for embed in embeds]
    gone = {tag: n for tag, n in removed.items() if tag in GONE_WITH_CONTENT}
    text_kept = {tag: n for tag, n in removed.items() if tag not in GONE_WITH_CONTENT}
    if removed:
        parts = [f"{_tag_list(gone)} with all they held"] if gone else []
        parts += [f"{_tag_list(text_kept)} (their text stays)"] if text_kept else []
        losses.append(("element", "elements " + "; ".join(parts)))
    if unsafe:
        losses.append(("link", f"{unsafe} link(s) with a scheme other than http, https or mailto"))
    return losses


def _tag_list(counts: Mapping[str, int]) -> str:
    return ", ".join(f"<{tag}>" + (f" ×{n}" if n > 1 else "") for tag, n in counts.items())
