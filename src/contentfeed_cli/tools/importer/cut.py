"""An entry too large for one article keeps what fits: its HTML is cut after the last whole
block that fits (or, when its first block alone is too large, its text at a word), and ends
with a link to the whole article at its old address.

An article's HTML may be at most :data:`MAX_CONTENT_CHARS` characters, and the request that
writes it at most :data:`MAX_BODY_BYTES` (UTF-8 JSON): a long review with its tables, or a CJK
article of more than about 40,000 characters, is over one or the other. Refusing it would leave
the article behind on the old site; cut, it moves with its title, date, summary and opening, and
the loss is reported like a cut title's.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from lxml import html as lxml_html

from contentfeed.limits import MAX_BODY_BYTES
from contentfeed.logic.sanitize import clean_html
from contentfeed.models.api import MAX_CONTENT_CHARS
from contentfeed.rendering.html import text_excerpt

BODY_BUDGET = MAX_BODY_BYTES - 1024
"""What an entry's document may take of a request: the rest is room for what the writer adds
(the show it joins, the JSON's own spacing)."""


def json_size(value: Any) -> int:
    """Bytes of ``value`` as a request carries it: UTF-8 JSON."""
    # a lone surrogate (invalid text the validation will refuse) is measured, not raised on
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def _pieces(element: Any) -> list[Any]:
    """What an element holds, in order: its text (escaped), then each child and its tail."""
    pieces: list[Any] = [escape(element.text or "", quote=False)]
    for child in element:
        pieces += [child, escape(child.tail or "", quote=False)]
    return pieces


def _tags(element: Any) -> tuple[str, str]:
    """An element's start and end tags, as its serialisation writes them."""
    whole = lxml_html.tostring(element.makeelement(element.tag, element.attrib), encoding="unicode")
    end = f"</{element.tag}>"
    return (whole.removesuffix(end), end) if whole.endswith(end) else (whole, "")


OPENED = frozenset(
    {
        "div", "section", "aside", "blockquote", "table", "thead", "tbody", "tfoot", "ul", "ol",
        "dl",
    }
)  # fmt: skip
"""Blocks that may be opened to take the first of their own: wrappers, tables (whole rows),
lists (whole items). A paragraph, a row, an item or a figure is kept whole or not at all."""


def cut_html(html: str, *, chars: int, size: int) -> str:
    """The longest run of ``html``'s blocks, from its start, of at most ``chars`` characters and
    ``size`` bytes as a JSON string. A block too large that is one of :data:`OPENED` is opened:
    its start tag, as many of its own blocks as fit, its end tag (a table keeps its first rows,
    a list its first items; one that keeps none is left out). Never inside a tag or a text."""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    stack: list[Any] = list(reversed(_pieces(root)))
    kept: list[str] = []
    opened: list[tuple[int, str]] = []  # (where its start tag is in kept, its end tag)
    used_chars = used_size = 0

    def take(text: str) -> bool:
        nonlocal used_chars, used_size
        text_size = json_size(text) - 2  # its quotes are the whole string's
        if used_chars + len(text) > chars or used_size + text_size > size:
            return False
        kept.append(text)
        used_chars += len(text)
        used_size += text_size
        return True

    def close() -> None:
        where, end = opened.pop()
        if any(piece.strip() for piece in kept[where + 1 :]):
            kept.append(end)  # its room was taken with its start tag
        else:
            del kept[where:]  # nothing of it fitted

    while stack:
        piece = stack.pop()
        if isinstance(piece, _Close):
            close()
        elif take(
            piece
            if isinstance(piece, str)
            else lxml_html.tostring(piece, encoding="unicode", with_tail=False)
        ):
            continue
        elif isinstance(piece, str) or piece.tag not in OPENED or not len(piece):
            break
        else:
            start, end = _tags(piece)
            if not take(start + end):  # room for its own tags first, then for what it holds
                break
            kept[-1] = start
            opened.append((len(kept) - 1, end))
            stack += [_Close(), *reversed(_pieces(piece))]
    while opened:  # the blocks still open when the room ran out
        close()
    return "".join(kept)


class _Close:
    """On the stack: the end of an opened block (see :func:`cut_html`)."""


def _as_text(html: str, *, chars: int, size: int) -> str:
    """As much of ``html``'s text as fits, cut at a word, in one paragraph."""
    limit = chars
    for _ in range(4):
        text = f"<p>{escape(text_excerpt(html, limit), quote=False)}</p>"
        used = (len(text) / chars, (json_size(text) - 2) / size)
        if max(used) <= 1:
            return text if text != "<p></p>" else ""
        limit = int(limit / max(used) * 0.99)  # escaping and UTF-8 take their share again
    return ""


def fitted(document: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``document`` with its ``content_html`` cut to fit (see the module), and the loss to
    report; ``content_html`` is None when not even its first block fits."""
    content: str = document["content_html"]
    size = json_size(document)
    if len(content) <= MAX_CONTENT_CHARS and size <= BODY_BUDGET:
        return document, None
    link = document.get("url")
    tail = clean_html(  # as it will be stored
        f'<p>[…] <a href="{escape(link)}">{escape(link)}</a></p>' if link else "<p>[…]</p>"
    )
    room = (
        MAX_CONTENT_CHARS - len(tail),
        BODY_BUDGET - (size - json_size(content)) - json_size(tail),
    )
    chars, size_left = room
    for _ in range(3):  # sanitised as it will be stored, which may write it a little longer
        kept = clean_html(cut_html(content, chars=chars, size=size_left))
        over = (len(kept) - room[0], json_size(kept) - 2 - room[1])
        if max(over) <= 0:
            break
        chars, size_left = chars - max(over[0], 0) - 100, size_left - max(over[1], 0) - 100
    else:
        kept = ""
    why = (
        f"{len(content):,} characters, over the limit of {MAX_CONTENT_CHARS:,}"
        if len(content) > MAX_CONTENT_CHARS
        else f"{size:,} bytes to send, over the API's limit of {MAX_BODY_BYTES:,}"
    )
    where = "with a link to the whole article" if link else "marked […]"
    at = "at the end of a block"
    if not kept.strip():  # one block too large (a text in one paragraph): its text, cut at a word
        kept, at = _as_text(content, chars=room[0], size=room[1]), "as text, at a word"
    if not kept.strip() or len(kept) > room[0] or json_size(kept) - 2 > room[1]:
        return {**document, "content_html": None}, f"its content ({why}; no part of it fits)"
    return (
        {**document, "content_html": kept + tail},
        f"the end of its content ({why}): cut after {len(kept):,} characters, {at}, {where}",
    )
