"""Sample articles for the local server (``seed_articles.json``, modelled on a real news report)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from importlib import resources
from typing import Any

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.logic.articles import Preconditions, replace_article
from contentfeed.models.api import ArticleIn

SEED_NAMESPACE = uuid.UUID("6f1c2d4e-8a0b-4c3d-9e5f-0a1b2c3d4e5f")


def sample_articles() -> list[dict[str, Any]]:
    text = (
        resources.files("contentfeed_cli.local").joinpath("seed_articles.json").read_text("utf-8")
    )
    articles: list[dict[str, Any]] = json.loads(text)
    return articles


def seed_id(slug: str) -> str:
    """Stable ids, so feed readers pointed at a restarted local server see no duplicates."""
    return str(uuid.uuid5(SEED_NAMESPACE, slug))


def load_samples(store: Store, settings: Settings, *, now: datetime) -> int:
    count = 0
    samples = [(document, ArticleIn.model_validate(document)) for document in sample_articles()]
    # In publication order, so each feed's last write is its newest article.
    samples.sort(key=lambda pair: pair[1].published_at or now)
    for document, data in samples:
        # Written "when it was published", so each sample has its own created/updated time.
        written = min(data.published_at, now) if data.published_at else now
        replace_article(
            store,
            settings,
            seed_id(document["slug"]),
            data,
            preconditions=Preconditions(),
            now=written,
        )
        count += 1
    return count
