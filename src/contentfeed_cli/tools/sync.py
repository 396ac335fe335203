"""Write an article only when it would change: what makes every tool safe to run again.

The comparison is between ``as_input``-shaped documents: the stored article as the sink answers
it, and what the stored article *would be* after a PUT of the new input: HTML sanitised the same
way, and the fields the input leaves out filled by the service's own rule
(:func:`contentfeed.logic.articles.derive_defaults`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from contentfeed.logic.articles import Kept, derive_defaults
from contentfeed.logic.sanitize import clean_html
from contentfeed.models.api import ArticleIn
from contentfeed.text import rfc3339
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
    published = current.get("published_at")
    defaults = derive_defaults(
        title=article.title,
        slug=article.slug,
        url=article.url,
        published_at=article.published_at,
        guid=article.guid,
        article_id=article_id,
        kept=Kept(
            slug=current.get("slug"),
            published_at=datetime.fromisoformat(published) if published else None,
            guid=current.get("guid"),
        ),
        site_url=site_url,
        now=datetime.now(UTC),
    )
    document["slug"] = defaults.slug
    document["url"] = defaults.url or current.get("url")
    if "published_at" in document or published:
        document["published_at"] = rfc3339(defaults.published_at)
    if defaults.guid:
        document["guid"] = defaults.guid
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
