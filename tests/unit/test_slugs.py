"""Derived values are always valid: every slug the service derives, for any input.

Property tests run with a fixed seed (``derandomize``), so CI sees the same examples every time.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from contentfeed.logic.articles import unique_slug_candidates
from contentfeed.models.api import ArticleIn
from contentfeed.text import MAX_SLUG_CHARS, SLUG, slugify

ASCII_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CHECKS = settings(
    derandomize=True, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}", fullmatch=True)


def assert_valid_slug(slug: str) -> None:
    assert SLUG.fullmatch(slug), slug
    assert len(slug) <= MAX_SLUG_CHARS
    assert slugify(slug) == slug  # already normal: a PATCH of the stored slug keeps it


@CHECKS
@given(st.text(max_size=300))
def test_every_slug_is_valid_or_empty_and_stable(text: str) -> None:
    # Given any text at all
    # When it is slugified
    slug = slugify(text)
    # Then the slug is empty or valid, at most 80 characters, and slugifying it changes nothing
    if slug:
        assert_valid_slug(slug)


@CHECKS
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_text_gives_the_ascii_slug_pattern(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or ASCII_SLUG.fullmatch(slug), slug


@CHECKS
@given(st.text(min_size=1, max_size=300), ids)
def test_the_fallback_slugs_are_valid_distinct_and_fit(title: str, article_id: str) -> None:
    # Given the slug derived from any title (or from the id, when the title has no letters) …
    slug = slugify(title) or unique_slug_candidates("", article_id)[0]
    # When it is taken and the fallbacks are derived from any client id
    candidates = unique_slug_candidates(slug, article_id)
    # Then every fallback is a valid slug, none repeats the taken one or another fallback
    assert candidates
    for candidate in candidates:
        assert_valid_slug(candidate)
    assert slug not in candidates and len(set(candidates)) == len(candidates)


@pytest.mark.parametrize(
    "article_id", ["article-1", "article-2", "Article.X", "a_b~c-", "-" * 8, "x" * 128]
)
def test_ids_that_are_not_slugs_give_valid_fallbacks(article_id: str) -> None:
    # Given ids with a trailing hyphen, dots, tildes, capitals (the old fallback used id[:8])
    for candidate in unique_slug_candidates("weekly-digest", article_id):
        assert_valid_slug(candidate)
        assert candidate.startswith("weekly-digest-")


def test_ids_sharing_a_prefix_get_different_fallbacks() -> None:
    first = unique_slug_candidates("weekly-digest", "article-1")
    second = unique_slug_candidates("weekly-digest", "article-2")
    assert not set(first) & set(second)


def issue_fields(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in issue["loc"]) for issue in error.errors()}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"tags": ["C++", "C#"]}, "tags"),
        ({"tags": ["News", "Tech Workers", "tech_workers"]}, "tags"),
        ({"tags": ["\ufe70"]}, "tags.0"),
        ({"tags": ["ok", "\ufe70\ufe72"]}, "tags.1"),
        ({"authors": [{"name": "C++"}, {"name": "C#"}]}, "authors"),
        ({"authors": [{"name": "\ufe70"}]}, "authors.0.name"),
        (
            {"authors": [{"name": "Rae Whitlock", "email": "a@x.org"}, {"name": "rae whitlock"}]},
            "authors",
        ),
    ],
)
def test_colliding_or_empty_slugs_are_a_422_naming_the_field(
    document: dict[str, object], field: str
) -> None:
    # Given tags or authors whose slugs collide, or that slugify to nothing
    # When the article is validated
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate({"title": "t", **document})
    # Then the error names the field, and nothing was merged or dropped silently
    assert field in issue_fields(caught.value)


def test_colliding_tags_are_named_in_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate({"title": "t", "tags": ["C++", "C#"]})
    message = caught.value.errors()[0]["msg"]
    assert "'C++'" in message and "'C#'" in message and "'c'" in message


tag_lists = st.lists(st.text(min_size=1, max_size=40), max_size=10)


@CHECKS
@given(tag_lists, st.lists(st.text(min_size=1, max_size=60), max_size=5))
def test_accepted_tags_and_authors_name_distinct_valid_feeds(
    tags: list[str], names: list[str]
) -> None:
    # Given any tags and author names
    document = {"title": "t", "tags": tags, "authors": [{"name": name} for name in names]}
    # When the article is accepted
    try:
        article = ArticleIn.model_validate(document)
    except ValidationError:
        return  # refused with a 422: nothing stored
    # Then every tag and author has a valid slug of its own …
    for values in (article.tags, [author.name for author in article.authors]):
        slugs = [slugify(value) for value in values]
        for slug in slugs:
            assert_valid_slug(slug)
        assert len(set(slugs)) == len(slugs)
    # … and nothing was dropped: each one sent is kept, or the same name is (another spelling)
    for sent, kept in ((tags, article.tags), (names, [a.name for a in article.authors])):
        assert {slugify(value) for value in sent} == {slugify(value) for value in kept}
