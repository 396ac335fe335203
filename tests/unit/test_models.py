"""The API boundary: what an article may and may not contain."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from contentfeed.models.api import (
    MAX_TAGS,
    ArticleIn,
    ArticlePatch,
    ImageIn,
    ImagePatch,
    PodcastIn,
    PodcastPatch,
)


def fields_of(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


def test_minimal_article_needs_only_a_title() -> None:
    article = ArticleIn.model_validate({"title": "Hello"})
    assert article.status == "published"
    assert article.published_at is None


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "a\nb"}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": 42}, "title"),
        ({"title": "ok", "colour": "red"}, "colour"),
        ({"title": "ok", "published_at": "2026-11-20T09:30:00"}, "published_at"),
        ({"title": "ok", "published_at": "yesterday"}, "published_at"),
        ({"title": "ok", "status": "archived"}, "status"),
        ({"title": "ok", "slug": "Not A Slug"}, "slug"),
        ({"title": "ok", "url": "javascript:alert(1)"}, "url"),
        ({"title": "ok", "url": "/relative"}, "url"),
        ({"title": "ok", "tags": [f"t{i}" for i in range(MAX_TAGS + 1)]}, "tags"),
        ({"title": "ok", "tags": ["!!!"]}, "tags.0"),
        ({"title": "ok", "summary": "bell \x07"}, "summary"),
        ({"title": "ok", "content_html": "lone \ud800 surrogate"}, "content_html"),
        ({"title": "ok", "image": {"caption": "no url"}}, "image.url"),
        (
            {"title": "ok", "image": {"url": "https://x.example/a.jpg", "length": -1}},
            "image.length",
        ),
        (
            {"title": "ok", "image": {"url": "https://x.example/a.jpg", "type": "text/html"}},
            "image.type",
        ),
        ({"title": "ok", "authors": [{"name": "…"}]}, "authors.0.name"),
        ({"title": "ok", "tags": ["two\nlines"]}, "tags.0"),
        ({"title": "ok", "authors": [{"name": "A", "email": "not-an-email"}]}, "authors.0.email"),
        ({"title": "ok", "language": "english!"}, "language"),
    ],
)
def test_bad_input_names_the_bad_field(document: dict[str, object], field: str) -> None:
    # Given a document that is wrong in exactly one way
    # When it is validated
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate(document)
    # Then the error names that field
    assert field in fields_of(caught.value)


def test_datetimes_keep_their_offset_for_conversion() -> None:
    article = ArticleIn.model_validate({"title": "t", "published_at": "2026-11-20T09:30:00+10:00"})
    assert article.published_at is not None
    assert article.published_at.utcoffset() is not None
    assert article.published_at.isoformat() == "2026-11-20T09:30:00+10:00"


def test_duplicate_tags_and_authors_are_merged_and_slugs_normalised() -> None:
    article = ArticleIn.model_validate(
        {
            "title": "  Padded  ",
            "slug": "Mixed-Case",
            "tags": ["News", "news", "NEWS", "Other"],
            "authors": [{"name": "Rae Whitlock"}, {"name": "rae whitlock"}],
        }
    )
    assert article.title == "Padded"
    assert article.slug == "mixed-case"
    assert article.tags == ["News", "Other"]
    assert [a.name for a in article.authors] == ["Rae Whitlock"]


def test_merge_patch_documents_keep_explicit_nulls_only() -> None:
    patch = ArticlePatch.model_validate({"summary": None, "image": {"caption": "New"}})
    assert patch.document() == {"summary": None, "image": {"caption": "New"}}
    with pytest.raises(ValidationError):
        ArticlePatch.model_validate({"title": None})
    with pytest.raises(ValidationError):
        ArticlePatch.model_validate({"colour": "red"})


def test_image_length_is_a_json_integer() -> None:
    image = {"url": "https://img.example/a.jpg"}
    assert (
        ArticleIn.model_validate({"title": "t", "image": {**image, "length": 5.0}}).image.length  # type: ignore[union-attr]
        == 5
    )  # type: ignore[union-attr]
    for bad in ("5", 5.5, True):
        with pytest.raises(ValidationError):
            ArticleIn.model_validate({"title": "t", "image": {**image, "length": bad}})


def test_ancient_dates_keep_four_digit_years() -> None:
    from contentfeed.text import parse_utc_iso, rfc3339, utc_iso

    article = ArticleIn.model_validate({"title": "t", "published_at": "0251-10-09T02:51:44.5Z"})
    assert article.published_at is not None
    assert rfc3339(article.published_at) == "0251-10-09T02:51:44.500000Z"
    assert parse_utc_iso(utc_iso(article.published_at)) == article.published_at


def _keywords(schema: object) -> set[str]:
    if isinstance(schema, dict):
        return set(schema) | {k for value in schema.values() for k in _keywords(value)}
    if isinstance(schema, list):
        return {k for value in schema for k in _keywords(value)}
    return set()


@pytest.mark.parametrize(("model", "image"), [(ArticleIn, "ImageIn"), (ArticlePatch, "ImagePatch")])
def test_the_published_schema_states_every_bound_in_json_schema_terms(
    model: type, image: str
) -> None:
    # When the request model is described as JSON Schema (what /openapi.json publishes)
    schema = model.model_json_schema()  # type: ignore[attr-defined]
    # Then bounds are JSON Schema keywords, not pydantic's own ("ge" means nothing to a client)
    assert not _keywords(schema) & {"ge", "gt", "le", "lt"}
    length = schema["$defs"][image]["properties"]["length"]["anyOf"][0]
    assert (length["minimum"], length["maximum"]) == (0, 2**40)


@pytest.mark.parametrize("space", ["\x85", "\ufeff", "\xa0", "\u2028", "\n"])
def test_the_server_and_the_published_patterns_agree_on_whitespace(space: str) -> None:
    # Given characters that Python's and JSON Schema's regexes class differently as whitespace,
    # and a trailing newline, which Python's "$" alone would let through
    emails = [f"rae{space}w@example.org", f"rae@example.org{space}"]
    # When they appear in an e-mail address, Then the article is refused like the schema says
    for email in emails:
        with pytest.raises(ValidationError):
            ArticleIn.model_validate({"title": "T", "authors": [{"name": "R", "email": email}]})
    # And the published patterns spell whitespace out instead of the engine-dependent \s
    assert "\\s" not in json.dumps(ArticleIn.model_json_schema())


@pytest.mark.parametrize(
    ("guid", "accepted"),
    [
        ("urn:uuid:3f1e0a52-7c1b-4c8e-9a4e-2b6d5f0c9e11", True),
        ("tag:news.example.org,2026:1", True),
        ("https://news.example.org/?p=1", True),
        ("HTTP://NEWS.EXAMPLE.ORG/1", True),
        ("info:doi/10.1000/1", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("vbscript:msgbox(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("  javascript:alert(1)", False),
        ("\u3000JAVASCRIPT:alert(1)", False),
        ("x-custom:1", False),
        ("1042", True),
        ("6a1f2c3d9e8b7a6f5e4d3c2b", True),
        ("123 at https://news.example.org", True),
        ("/2026/03/relative-path", True),
        # Podlove Publisher's: its first colon is a time of day's, not a scheme's
        ("podlove-2024-05-31t14:16:37+00:00-21f83868c0a8789", True),
        ("2024-05-31T14:16:37Z-episode-5", True),
        ("javascript2024-05-31:alert(1)", False),  # a date, but no time: a scheme
        ("ms-msdt:/id PCWDiagnostic", False),
    ],
)
def test_guids_are_limited_to_safe_schemes(guid: str, accepted: bool) -> None:
    # Given a guid with a URI scheme, or a plain string without one
    document = {"title": "t", "guid": guid}
    if accepted:
        # Then a safe scheme or no scheme at all is kept
        assert ArticleIn.model_validate(document).guid == guid
        return
    # Then any other scheme is a 422 naming the field
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate(document)
    assert "guid" in fields_of(caught.value)


def _rules(model: type[BaseModel]) -> dict[str, Any]:
    """Each field's JSON Schema as a value it accepts: without its default, title, description
    or the null a patch may send."""
    rules = {}
    for name, schema in model.model_json_schema()["properties"].items():
        rule = {k: v for k, v in schema.items() if k not in ("default", "title", "description")}
        if "anyOf" in rule:
            options = [option for option in rule.pop("anyOf") if option != {"type": "null"}]
            rule |= options[0] if len(options) == 1 else {"anyOf": options}
        rules[name] = rule
    return rules


@pytest.mark.parametrize(
    ("whole", "patch"),
    [(ArticleIn, ArticlePatch), (ImageIn, ImagePatch), (PodcastIn, PodcastPatch)],
)
def test_a_merge_patch_takes_every_field_with_the_rules_of_the_whole(
    whole: type[BaseModel], patch: type[BaseModel]
) -> None:
    # Given the model of a whole document and the one of its merge patch, written apart
    rules, patch_rules = _rules(whole), _rules(patch)
    # Then a field added to one is in the other, with the same limits and patterns (a field
    # the patch has its own model for is compared there: the image, the episode fields)
    assert patch_rules.keys() == rules.keys()
    for name, rule in rules.items():
        if "$ref" not in rule:
            assert patch_rules[name] == rule, name
