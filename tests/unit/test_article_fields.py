"""Every field of an article, all set at once, survives every road it travels: the table's
article item and feed entry, the API's input and answer, the export line. A field added to
``Article`` fails here until the helper sets it, and then wherever a mapping forgets it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from contentfeed.config import Settings
from contentfeed.dal.items import article_from_item, article_item, entry_item
from contentfeed.logic.articles import (
    as_input,
    build_article,
    export_document,
    output_json,
)
from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    EpisodeType,
    Image,
    Person,
    Status,
    Transcript,
)
from contentfeed.models.api import ArticleIn, ArticleOut

SITE = "https://news.example.org"
WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def full_article() -> Article:
    """An article with every field, and every field of what it holds, set to a value other
    than its default (``test_the_full_article_sets_every_field`` holds it to that)."""
    return Article(
        id="0b6f3a52-7c1b-4c8e-9a4e-2b6d5f0c9e11",
        slug="the-border-contract",
        title="The border contract",
        url=f"{SITE}/the-border-contract",
        published_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        created_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        updated_at=WHEN,
        version=4,
        status=Status.DRAFT,
        summary="What the letter said.",
        content_html=(
            '<p>We read <a href="https://example.org/letter" rel="noopener noreferrer">'
            "the letter</a>.</p>"
        ),  # as sanitising leaves it
        authors=(Person(name="Ana Lima", email="ana@example.org", url=f"{SITE}/ana"),),
        contributors=(Contributor(name="Bo Chen", role="editor"),),
        tags=("Borders", "Contracts"),
        image=Image(
            url=f"{SITE}/a.jpg",
            caption="The letter",
            credit="Ana Lima",
            alt="A typed letter",
            type="image/jpeg",
            length=2048,
        ),
        language="pt-BR",
        guid="tag:news.example.org,2026:12",
        attachments=(
            Attachment(
                url=f"{SITE}/ep12.mp3",
                type="audio/mpeg",
                length=1000,
                duration=1800,
                title="Episode 12",
            ),
        ),
        podcast=Episode(
            episode=12,
            season=2,
            episode_type=EpisodeType.BONUS,
            explicit=True,
            image=f"{SITE}/ep12.jpg",
            transcripts=(Transcript(url=f"{SITE}/ep12.vtt", type="text/vtt", language="pt"),),
            chapters_url=f"{SITE}/ep12.json",
        ),
        show="the-letter",
        modified_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
    )


def _unset_fields(value: Any, path: str = "article") -> list[str]:
    """The fields of ``value`` (and of the dataclasses it holds) left at their defaults."""
    unset = []
    for found in dataclasses.fields(value):
        if not found.compare:
            continue  # derived (feed_ready), not part of the article's value
        held = getattr(value, found.name)
        default = (
            found.default
            if found.default is not dataclasses.MISSING
            else found.default_factory()  # type: ignore[misc]
            if found.default_factory is not dataclasses.MISSING
            else dataclasses.MISSING
        )
        if held == default:
            unset.append(f"{path}.{found.name}")
        for item in held if isinstance(held, tuple) else (held,):
            if dataclasses.is_dataclass(item) and not isinstance(item, type):
                unset += _unset_fields(item, f"{path}.{found.name}")
    return unset


def test_the_full_article_sets_every_field() -> None:
    assert _unset_fields(full_article()) == []


def test_every_field_survives_the_article_item_and_a_feed_entry() -> None:
    article = full_article()
    assert article_from_item(article_item(article)) == article
    assert article_from_item(entry_item("tag:borders", article)) == article


def test_every_field_survives_the_api_input_and_answer(env: Settings) -> None:
    article = full_article()
    # What the API (and a merge patch, and sync) would send for it builds the same article
    data = ArticleIn.model_validate(as_input(article))
    previous = replace(article, version=article.version - 1, updated_at=article.created_at)
    rebuilt = build_article(
        data, env, article_id=article.id, now=article.updated_at, previous=previous
    )
    assert rebuilt == article
    # and the answer and the export line hold every input field, as the answer's model reads
    links = {"self": f"{SITE}/articles/{article.id}", "alternate": article.url}
    answer = ArticleOut.model_validate_json(output_json(article, links)).model_dump(mode="json")
    assert {name: answer[name] for name in as_input(article)} == as_input(article)
    line = json.loads(json.dumps(export_document(article)))
    assert {name: line[name] for name in as_input(article)} == as_input(article)
