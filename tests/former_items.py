"""Article and entry items as earlier versions of the code wrote them.

Tables written then must still be read (``dal/items.py`` reads every form), and the bench and
the operation-count tests measure what today's form saves against them. Two forms:

- ``unpacked``: the article's attributes one by one, ``content_z`` compressed without a preset
  dictionary; an entry also carries its feed-ready form in ``ready``, ``feed_z`` (compressed
  against the HTML), ``excerpt`` and ``image_url`` (as written before entries were packed);
- ``as text``: the attributes one by one with ``content_html`` as text and no feed-ready form
  (as written before the HTML was compressed).
"""

from __future__ import annotations

import zlib
from typing import Any

from contentfeed.dal import items as mapping
from contentfeed.models import Article

FORMER_FORMS = ("unpacked", "as text")


def former_item(form: str, keys: dict[str, Any], kind: str, article: Article) -> dict[str, Any]:
    """The article or entry item (``kind``) with ``keys`` (pk, sk) as the code of ``form``
    wrote it."""
    if form not in FORMER_FORMS:
        raise ValueError(f"no former form {form!r}")
    html = article.content_html
    old = {**keys, "type": kind, **mapping.article_attributes(article)}
    old.pop(mapping.CONTENT_Z, None)
    if form == "as text":
        if html is not None:
            old[mapping.CONTENT] = html
        return old
    if html is not None:
        old[mapping.CONTENT_Z] = zlib.compress(html.encode(), 9)
    ready = mapping.feed_ready(article) if kind == mapping.ENTRY_TYPE else None
    if ready is not None:
        old[mapping.READY] = mapping.READY_VERSION
        if ready.content_html != (html or ""):
            old[mapping.FEED_Z] = mapping.pack(ready.content_html, like=html or "")
        if ready.excerpt:
            old[mapping.EXCERPT] = ready.excerpt
        if ready.image_url != ready.image_source:
            old[mapping.IMAGE_URL] = ready.image_url
    return old
