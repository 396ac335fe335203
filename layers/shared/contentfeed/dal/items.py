"""Explicit mapping between domain objects and DynamoDB items (plain Python values).

Items are kept in the document form that ``boto3.dynamodb.types`` (de)serialises; datetimes are
fixed-width UTC strings so that they sort as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from contentfeed.dal import keys
from contentfeed.models import Article, Contributor, Image, Person, Status, Tombstone
from contentfeed.text import parse_utc_iso, utc_iso

Item = dict[str, Any]

ARTICLE_TYPE = "article"
TOMBSTONE_TYPE = "tombstone"
ENTRY_TYPE = "entry"


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def article_attributes(article: Article) -> Item:
    """The article's own attributes (shared by the article item and its feed entries)."""
    return _drop_none(
        {
            "id": article.id,
            "slug": article.slug,
            "title": article.title,
            "url": article.url,
            "published_at": utc_iso(article.published_at),
            "created_at": utc_iso(article.created_at),
            "updated_at": utc_iso(article.updated_at),
            "version": article.version,
            "status": article.status.value,
            "summary": article.summary,
            "content_html": article.content_html,
            "authors": [_drop_none(asdict(author)) for author in article.authors],
            "contributors": [_drop_none(asdict(c)) for c in article.contributors],
            "tags": list(article.tags),
            "image": None if article.image is None else _drop_none(asdict(article.image)),
            "language": article.language,
            "guid": article.guid,
        }
    )


def article_item(article: Article) -> Item:
    return {
        "pk": keys.article_pk(article.id),
        "sk": keys.ARTICLE_SK,
        "type": ARTICLE_TYPE,
        **article_attributes(article),
    }


def entry_item(scope: str, article: Article) -> Item:
    return {
        "pk": keys.feed_pk(scope),
        "sk": keys.entry_sk(article.published_at, article.id),
        "type": ENTRY_TYPE,
        **article_attributes(article),
    }


def tombstone_item(tombstone: Tombstone) -> Item:
    return _drop_none(
        {
            "pk": keys.article_pk(tombstone.id),
            "sk": keys.ARTICLE_SK,
            "type": TOMBSTONE_TYPE,
            "id": tombstone.id,
            "version": tombstone.version,
            "deleted_at": utc_iso(tombstone.deleted_at),
            "guid": tombstone.guid,
        }
    )


def article_from_item(item: Mapping[str, Any]) -> Article:
    image = item.get("image")
    return Article(
        id=item["id"],
        slug=item["slug"],
        title=item["title"],
        url=item["url"],
        published_at=parse_utc_iso(item["published_at"]),
        created_at=parse_utc_iso(item["created_at"]),
        updated_at=parse_utc_iso(item["updated_at"]),
        version=int(item["version"]),
        status=Status(item["status"]),
        summary=item.get("summary"),
        content_html=item.get("content_html"),
        authors=tuple(
            Person(name=a["name"], email=a.get("email"), url=a.get("url"))
            for a in item.get("authors", [])
        ),
        contributors=tuple(
            Contributor(name=c["name"], role=c.get("role")) for c in item.get("contributors", [])
        ),
        tags=tuple(item.get("tags", [])),
        image=None
        if not image
        else Image(
            url=image["url"],
            caption=image.get("caption"),
            credit=image.get("credit"),
            alt=image.get("alt"),
            type=image.get("type"),
            length=None if image.get("length") is None else int(image["length"]),
        ),
        language=item.get("language"),
        guid=item.get("guid"),
    )


def record_from_item(item: Mapping[str, Any]) -> Article | Tombstone:
    if item.get("type") == TOMBSTONE_TYPE:
        return Tombstone(
            id=item["id"],
            version=int(item["version"]),
            deleted_at=parse_utc_iso(item["deleted_at"]),
            guid=item.get("guid"),
        )
    return article_from_item(item)
