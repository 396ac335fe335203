"""Pure pieces of the article logic: merge patch, cursors, preconditions, slugs, sanitising, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contentfeed.errors import BadRequest, PreconditionFailed
from contentfeed.http.paging import decode_cursor, encode_cursor
from contentfeed.logic.articles import Preconditions, merge_patch
from contentfeed.logic.keys import bearer_token, hash_key, new_key
from contentfeed.logic.sanitize import clean_html
from contentfeed.models import Article
from contentfeed.text import slugify, utc_iso

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def article(version: int = 3) -> Article:
    return Article(
        id="a1",
        slug="s",
        title="t",
        url="https://example.org/s",
        published_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        version=version,
    )


def test_merge_patch_follows_rfc_7396_examples() -> None:
    # Given the RFC 7396 appendix A style cases
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch({"a": "foo"}, "bar") == "bar"


def test_cursor_round_trips_and_rejects_forgeries() -> None:
    # Given a cursor made for a position in the past
    position = (utc_iso(NOW - timedelta(days=1)), "3f1e0a52-7c1b-4c8e-9a4e-2b6d5f0c9e11")
    cursor = encode_cursor(position)
    # Then it decodes to the same position
    assert decode_cursor(cursor, now=NOW) == position
    # And cursors that are garbage, name other keys, or point into the future are refused
    future = encode_cursor((utc_iso(NOW + timedelta(days=1)), "x"))
    for forged in ("!!!", "bm90IGEgY3Vyc29y", encode_cursor(("KEYS", "abc")), future):
        with pytest.raises(BadRequest):
            decode_cursor(forged, now=NOW)


def test_if_match_accepts_the_current_etag_only() -> None:
    current = article(version=3)
    Preconditions.from_headers('"v3"', None).check(current)
    Preconditions.from_headers('"v1", "v3"', None).check(current)
    Preconditions.from_headers("*", None).check(current)
    Preconditions.from_headers(None, None).check(current)
    with pytest.raises(PreconditionFailed):
        Preconditions.from_headers('"v2"', None).check(current)
    with pytest.raises(PreconditionFailed):
        Preconditions.from_headers('"v1"', None).check(None)
    with pytest.raises(PreconditionFailed):
        Preconditions.from_headers(None, "*").check(current)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "Salesforce Workers Urge CEO To ‘Re-Examine’ Work",
            "salesforce-workers-urge-ceo-to-re-examine-work",
        ),
        ("Tech Workers", "tech-workers"),
        ("  Déjà vu — again!  ", "déjà-vu-again"),
        ("東京 ニュース", "東京-ニュース"),
        ("snake_case", "snake-case"),
        ("!!!", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_sanitiser_removes_active_content_and_keeps_editorial_markup() -> None:
    # Given HTML with scripts, handlers and dangerous URLs next to editorial markup
    dirty = (
        '<p onclick="steal()">Hi <em>there</em><script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><img src="data:image/png;base64,AAA" alt="d">'
        "<blockquote><p>“Quoted” — text</p></blockquote><style>p{}</style>"
        '<figure><img src="https://img.example/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>'
        '<iframe src="https://evil.example"></iframe><a href="/rel">rel</a>'
    )
    # When it is cleaned
    clean = clean_html(dirty)
    # Then nothing active survives
    for banned in ("<script", "onclick", "javascript:", "data:", "<style", "<iframe"):
        assert banned not in clean
    # And the editorial markup does
    for kept in (
        "<em>there</em>",
        "<blockquote>",
        "“Quoted” — text",
        "<figcaption>Cap</figcaption>",
        'src="https://img.example/a.jpg"',
        'href="/rel"',
    ):
        assert kept in clean


def test_keys_are_random_and_only_bearer_tokens_count() -> None:
    first, second = new_key(), new_key()
    assert first != second and first.startswith("cf_") and len(first) >= 40
    assert hash_key(first) != hash_key(second) and len(hash_key(first)) == 64
    assert bearer_token(f"Bearer {first}") == first
    assert bearer_token(f"bearer {first}") == first
    for header in (None, "", first, f"Basic {first}", "Bearer ", "Bearer " + "x" * 300):
        assert bearer_token(header) is None


def test_one_rule_fills_what_an_input_leaves_out() -> None:
    from contentfeed.logic.articles import Defaults, Kept, derive_defaults, id_token

    later = NOW + timedelta(days=1)
    common = {"url": None, "published_at": None, "guid": None, "article_id": "ABCDEF123"}
    # Given an input naming none of the defaulted fields, for a stored article and a new one
    # When the defaults are derived
    stored = derive_defaults(
        title="A new title",
        slug=None,
        kept=Kept(slug="first-slug", published_at=NOW, guid="tag:example.org,2026:1"),
        site_url="https://news.example.org",
        now=later,
        **common,  # type: ignore[arg-type]
    )
    fresh = derive_defaults(
        title="",
        slug=None,
        kept=Kept(),
        site_url=None,
        now=later,
        **common,  # type: ignore[arg-type]
    )
    # Then the stored article keeps its slug (so its URL), its time and its feed id …
    assert stored == Defaults(
        slug="first-slug",
        url="https://news.example.org/first-slug",
        published_at=NOW,
        guid="tag:example.org,2026:1",
    )
    # … and a new one without a title takes a token of its id, now, and no URL without a site
    assert fresh == Defaults(slug=id_token("ABCDEF123"), url=None, published_at=later, guid=None)


def test_the_api_export_and_patch_documents_share_one_shape_and_time_format() -> None:
    from contentfeed.logic.articles import as_input, export_document, output_document

    # Given a stored article
    stored = article()
    # When it becomes the API's, the export's and the merge patch's document
    out, line, current = output_document(stored), export_document(stored), as_input(stored)
    # Then every input field reads the same in all three, timestamps in RFC 3339 UTC
    for name, value in current.items():
        if name != "guid":
            assert out[name] == line[name] == value, name
    assert current["published_at"] == "2026-11-25T12:00:00Z"
    assert out["created_at"] == line["created_at"] == "2026-11-25T12:00:00Z"
    assert out["id"] == line["id"] == stored.id and out["version"] == line["version"]


def test_fallback_wrappers_are_unwrapped_not_kept_as_visible_markup() -> None:
    # Given a lazy-loaded image's fallback, as many sites write it, and a script hidden in one
    html = (
        '<p>a</p><noscript><p>fallback</p><img src="https://example.org/n.png"></noscript>'
        "<NOEMBED ><script>alert(1)</script>x</NOEMBED>"
    )
    # Then their content is sanitised as the HTML it is: kept as markup, never as text
    assert clean_html(html) == '<p>a</p><p>fallback</p><img src="https://example.org/n.png">x'


def test_blocks_the_service_does_not_keep_stay_blocks_of_their_own() -> None:
    # Given an FAQ, a page's header and footer, a form and a centred line, none of them kept
    html = (
        '<details open ontoggle="alert(1)"><summary>Question</summary>Answer</details>'
        '<ARTICLE dir="rtl" class="x"><header>Head</header><p>body</p><footer>Foot</footer>'
        '</article ><form action="javascript:alert(1)"><select><option>One</option>'
        "<option>Two</option></select></form><center>Centred</center><menu><li>item</li></menu>"
        '<centerfold>x</centerfold><img src="https://e.org/a.png" alt="the <header> element">'
        "<!-- <nav> -->"
    )
    # Then each becomes a block that is kept (attributes filtered as any other's), so that its
    # text does not run into the next one's: "Question Answer", not "QuestionAnswer"
    assert clean_html(html) == (
        "<div><div>Question</div>Answer</div>"
        '<div dir="rtl"><div>Head</div><p>body</p><div>Foot</div></div>'
        "<div><div><div>One</div><div>Two</div></div></div><div>Centred</div>"
        '<ul><li>item</li></ul>x<img src="https://e.org/a.png" alt="the &lt;header&gt; element">'
    )  # an attribute's text is not a tag


def test_ruby_and_bidirectional_markup_are_kept() -> None:
    # Given the readings of Japanese text and an Arabic name in an English sentence
    html = (
        "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby>, "
        '<bdi>إيان</bdi>: 3, <bdo dir="rtl">abc</bdo>, <var>n</var>, long<wbr>word</p>'
    )
    # Then nothing of them is lost: without them the text reads wrong
    assert clean_html(html) == html
