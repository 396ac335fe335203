"""Write an article only when it would change: what makes every tool safe to run again.

The comparison is between ``as_input``-shaped documents: the stored article as the sink answers
it, and what the stored article *would be* after a PUT of the new input. The latter mirrors
:func:`contentfeed.logic.articles.build_article`: HTML is sanitised the same way, fields the
input leaves out keep their value (``published_at``, ``guid``) or are derived (``slug`` from
the title, ``url`` from the site URL and the slug).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from contentfeed.logic.sanitize import clean_html
from contentfeed.models.api import ArticleIn
from contentfeed.text import slugify
from contentfeed_cli.tools.sink import Sink


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


def expected_document(
    article: ArticleIn, current: Mapping[str, Any], *, article_id: str, site_url: str | None
) -> dict[str, Any]:
    """The stored article after a PUT of ``article`` over ``current``, in ``as_input``'s shape."""
    document: dict[str, Any] = article.model_dump(mode="json", exclude_none=True)
    if "content_html" in document:
        document["content_html"] = clean_html(document["content_html"])
    for kept in ("published_at", "guid"):
        if kept not in document and kept in current:
            document[kept] = current[kept]
    if "slug" not in document:
        # An existing article keeps its slug (logic.build_article); a new one takes the title's.
        document["slug"] = current.get("slug") or slugify(article.title) or article_id[:8].lower()
    if "url" not in document:
        document["url"] = (
            f"{site_url}/{quote(document['slug'])}" if site_url else current.get("url")
        )
    return document


def changed_fields(
    article: ArticleIn, current: Mapping[str, Any], *, article_id: str, site_url: str | None
) -> list[str]:
    """The names of the fields a PUT of ``article`` would change; empty when none."""
    wanted = expected_document(article, current, article_id=article_id, site_url=site_url)
    return sorted(
        name
        for name in set(wanted) | set(current)
        if not _same(name, wanted.get(name), current.get(name))
    )


def _same(name: str, wanted: Any, current: Any) -> bool:
    if (
        name in ("published_at", "modified_at")
        and isinstance(wanted, str)
        and isinstance(current, str)
    ):
        return datetime.fromisoformat(wanted) == datetime.fromisoformat(current)
    return bool(wanted == current)


def sync(sink: Sink, article_id: str, article: ArticleIn) -> tuple[Outcome, list[str]]:
    """Create, update or leave alone; with the fields that changed (for an update)."""
    current = sink.get(article_id)
    changed: list[str] = []
    if current is not None:
        changed = changed_fields(article, current, article_id=article_id, site_url=sink.site_url())
        if not changed:
            return Outcome.UNCHANGED, []
    created = sink.put(article_id, article)
    return (Outcome.CREATED if created else Outcome.UPDATED), changed
