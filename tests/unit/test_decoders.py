"""Every decoder of client input is total: it returns a value or raises a typed 4xx.

Property tests (hypothesis, derandomized so every run tries the same inputs) feed each decoder
random text, random bytes and near-miss versions of what it expects. An answer other than a
value, a :class:`ContentFeedError` with a 4xx status or a pydantic ``ValidationError`` (which
the API maps to 422) would be a 5xx in production.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from contentfeed.errors import BadRequest, ContentFeedError
from contentfeed.http.conditional import is_not_modified, parse_http_date, strong_etag
from contentfeed.http.negotiation import prefers_html
from contentfeed.http.paging import decode_cursor, encode_cursor
from contentfeed.http.request import check_body
from contentfeed.http.routes import Format, Kind
from contentfeed.logic.articles import Preconditions, list_scope_for
from contentfeed.logic.keys import bearer_token, hash_key
from contentfeed.models.api import ArticleId, ArticleIn, ArticlePatch, Timestamp
from contentfeed.text import slugify, utc_iso

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FUZZ = settings(derandomize=True, max_examples=300, deadline=None, database=None)

# ----------------------------------------------------------------------- strategies

# What a client can put in a header or a query string: any text, and bytes read as latin-1 (how
# an HTTP server hands undecodable bytes on).
any_text = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=400).map(lambda raw: raw.decode("latin-1")),
)
DIGITS = st.sampled_from(["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩"])


def _number(width: int) -> st.SearchStrategy[str]:
    """A field of ``width`` digits, sometimes in another script (full-width, Arabic-Indic)."""
    return st.tuples(DIGITS, st.integers(0, 10**width - 1)).map(
        lambda pair: "".join(pair[0][int(d)] for d in f"{pair[1]:0{width}d}")
    )


# A position with the right shape and any numbers: month 13, 30 February, hour 25, year 0000.
shaped_position = st.builds(
    lambda y, mo, d, h, mi, s, us, ident: f"{y}-{mo}-{d}T{h}:{mi}:{s}.{us}Z|{ident}",
    _number(4),
    _number(2),
    _number(2),
    _number(2),
    _number(2),
    _number(2),
    _number(6),
    st.text(min_size=0, max_size=20),
)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


cursors = st.one_of(
    any_text,
    shaped_position.map(_b64),
    st.binary(max_size=200).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    # a valid cursor with something after it: padding, a header, a line break
    st.tuples(
        st.datetimes(max_value=datetime(2026, 1, 1), timezones=st.just(UTC)),
        st.sampled_from(["=", "==", ">;rel=hub", "\r\nX: y", "%0d%0a", " "]),
    ).map(lambda pair: encode_cursor((utc_iso(pair[0]), "a1")) + pair[1]),
)


def outcome(call: Callable[[], Any]) -> Any:
    """The decoder's value; a 4xx typed error or a validation error counts as a refusal."""
    try:
        return call()
    except ContentFeedError as error:
        refusal = error
    except ValidationError as error:
        return error
    assert 400 <= refusal.status < 500, f"{type(refusal).__name__} is a {refusal.status}"
    return refusal


# ------------------------------------------------------------------------- cursors


@pytest.mark.parametrize(
    "position",
    [
        "2026-13-01T00:00:00.000000Z|a1",  # month 13
        "2026-02-30T00:00:00.000000Z|a1",  # 30 February
        "2026-01-01T25:00:00.000000Z|a1",  # hour 25
        "2026-01-01T00:61:00.000000Z|a1",  # minute 61
        "0000-01-01T00:00:00.000000Z|a1",  # year 0000
        "２０２６-01-01T00:00:00.000000Z|a1",  # full-width digits
        "2026-01-01T00:00:00.000000Z|a1\n",  # a line break after the id
    ],
)
def test_a_cursor_with_an_impossible_position_is_400(position: str) -> None:
    # Given a cursor of the right shape that names no real moment
    cursor = _b64(position)
    # When it is decoded, Then it is refused as a bad request
    with pytest.raises(BadRequest):
        decode_cursor(cursor, now=NOW)


@pytest.mark.parametrize(
    "suffix",
    [
        "=",
        "==",
        "%3D%3D",
        ">;rel=hub",
        "==>;rel=hub",  # text after the padding: base64 decoders stop reading at "=="
        '==>; rel="hub", <https://hub.example.net/>; rel="hub',
        "==\r\nSet-Cookie: a=b",
        "\n",
        " ",
    ],
)
def test_a_valid_cursor_with_anything_after_it_is_400(suffix: str) -> None:
    # Given a cursor this service issued (its base64 would end in "=="), with text after it
    cursor = encode_cursor(("2026-01-01T00:00:00.000000Z", "a12"))
    assert len(cursor) % 4 == 2
    assert decode_cursor(cursor, now=NOW) == ("2026-01-01T00:00:00.000000Z", "a12")
    # When the longer text is decoded, Then it is refused
    with pytest.raises(BadRequest):
        decode_cursor(cursor + suffix, now=NOW)


def test_a_cursor_has_one_spelling() -> None:
    # Given a cursor whose last base64 digit carries unused bits
    cursor = encode_cursor(("2026-01-01T00:00:00.000000Z", "a12"))
    assert len(cursor) % 4 == 2  # the last digit holds 2 bits of data and 4 unused ones
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = cursor[:-1] + alphabet[alphabet.index(cursor[-1]) + 1]
    assert base64.urlsafe_b64decode(twin + "==") == base64.urlsafe_b64decode(cursor + "==")
    # When a second spelling of the same bytes is decoded, Then it is refused
    with pytest.raises(BadRequest):
        decode_cursor(twin, now=NOW)


@FUZZ
@given(cursors)
def test_decode_cursor_is_total_and_accepts_only_its_own_spelling(cursor: str) -> None:
    # When any text is decoded as a cursor
    result = outcome(lambda: decode_cursor(cursor, now=NOW))
    # Then it is refused, or it is a past position whose encoding is exactly the cursor
    if isinstance(result, tuple):
        assert encode_cursor(result) == cursor
        assert datetime.fromisoformat(result[0]) <= NOW


@FUZZ
@given(
    st.datetimes(timezones=st.just(UTC)), st.from_regex(r"[A-Za-z0-9._~-]{1,128}", fullmatch=True)
)
def test_every_issued_cursor_decodes_to_its_position(moment: datetime, ident: str) -> None:
    # Given the cursor of any position
    position = (utc_iso(moment), ident)
    # When it is decoded, Then it names that position (or is refused for lying in the future)
    result = outcome(lambda: decode_cursor(encode_cursor(position), now=NOW))
    assert result == position if moment <= NOW else isinstance(result, BadRequest)


# ------------------------------------------------------------------------- headers


@FUZZ
@given(any_text)
def test_http_dates_parse_to_utc_or_nothing(text: str) -> None:
    # When any If-Modified-Since is read
    moment = parse_http_date(text)
    # Then it is ignored, or it is a UTC moment that compares with any other
    if moment is not None:
        assert moment.utcoffset() == timedelta(0)
        assert (moment <= NOW) in (True, False)


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 99999999999 00:00:00 GMT",
        "Mon, 01 Jan 2026 00:00:00 +99999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Mon, 32 Jan 2026 00:00:00 GMT",
    ],
)
def test_an_unreadable_if_modified_since_is_ignored(value: str) -> None:
    # Given a date that overflows or does not exist, When it is read, Then it is ignored
    assert parse_http_date(value) is None
    assert not is_not_modified(
        etag='"x"', last_modified=NOW, if_none_match=None, if_modified_since=value
    )


@FUZZ
@given(st.one_of(st.none(), any_text), st.one_of(st.none(), any_text))
def test_conditional_headers_are_total(if_none_match: str | None, since: str | None) -> None:
    # When any If-None-Match / If-Modified-Since pair is evaluated, Then the answer is a bool
    etag = strong_etag("feed", 1)
    answer = is_not_modified(
        etag=etag, last_modified=NOW, if_none_match=if_none_match, if_modified_since=since
    )
    assert answer in (True, False)


@FUZZ
@given(st.one_of(st.none(), any_text), st.one_of(st.none(), any_text))
def test_write_preconditions_are_total(if_match: str | None, if_none_match: str | None) -> None:
    # When any If-Match / If-None-Match pair is parsed and checked against no article
    preconditions = Preconditions.from_headers(if_match, if_none_match)
    # Then it passes or fails with a typed 412
    outcome(lambda: preconditions.check(None))


@FUZZ
@given(st.one_of(st.none(), any_text))
def test_accept_is_total(accept: str | None) -> None:
    assert prefers_html(accept) in (True, False)


@FUZZ
@given(st.one_of(any_text, any_text.map(lambda token: f"Bearer {token}")))
def test_authorization_is_total(authorization: str) -> None:
    # When any Authorization header is read
    token = bearer_token(authorization)
    # Then it names no key, or a visible-ASCII token that hashes
    if token is not None:
        assert token.isascii() and token.isprintable() and " " not in token
        assert len(hash_key(token)) == 64


def test_a_token_with_a_lone_surrogate_is_no_key() -> None:
    # Given a header only a hand-made event can carry
    # When it is read, Then it is no key (hashing it would raise UnicodeEncodeError)
    assert bearer_token("Bearer cf_\udc80") is None


# --------------------------------------------------------------- paths and queries


@FUZZ
@given(any_text)
def test_feed_path_parameters_are_total(raw: str) -> None:
    # When a tag or author path segment is decoded as the feeds do
    slug = slugify(unquote(raw))
    # Then it is a slug (maybe empty: no such scope, 404) that builds every URL of its feed
    from contentfeed.logic.feeds import FeedRequest

    for kind in (Kind.TAG, Kind.AUTHOR):
        request = FeedRequest(kind=kind, slug=slug, format=Format.RSS)
        assert request.scope.endswith(slug)
        assert request.path().isascii()


@FUZZ
@given(any_text)
def test_article_ids_validate_or_refuse(raw: str) -> None:
    outcome(lambda: TypeAdapter(ArticleId).validate_python(raw))


@FUZZ
@given(st.one_of(st.none(), any_text), st.one_of(st.none(), any_text))
def test_list_filters_are_total(tag: str | None, author: str | None) -> None:
    outcome(lambda: list_scope_for(tag, author))


# ------------------------------------------------------------------------ bodies


rfc3339ish = st.builds(
    lambda y, mo, d, h, offset: f"{y}-{mo}-{d}T{h}:00:00{offset}",
    _number(4),
    _number(2),
    _number(2),
    _number(2),
    st.sampled_from(["Z", "+23:59", "-23:59", "+00:00", "", "+99:99"]),
)


@FUZZ
@given(st.one_of(any_text, rfc3339ish))
def test_dates_in_bodies_validate_or_refuse(text: str) -> None:
    # When any text is read as a publication date
    result = outcome(lambda: TypeAdapter(Timestamp).validate_python(text))
    # Then it is refused, or a moment the store can key by
    if isinstance(result, datetime):
        assert len(utc_iso(result)) == len("2026-11-20T09:30:00.000000Z")


@FUZZ
@given(st.binary(max_size=300), st.booleans(), st.sampled_from(["POST", "PUT", "PATCH"]))
def test_bodies_are_checked_totally(raw: bytes, encoded: bool, method: str) -> None:
    # When any bytes arrive as a JSON body (as API Gateway passes them)
    event: dict[str, Any] = {
        "httpMethod": method,
        "resource": "/articles" if method == "POST" else "/articles/{id}",
        "headers": {"Content-Type": "application/json"},
        "body": base64.b64encode(raw).decode() if encoded else raw.decode("latin-1"),
        "isBase64Encoded": encoded,
    }
    # Then they pass the guard or are refused with a 4xx, and a passing body parses as a model
    if outcome(lambda: check_body(event)) is None:
        document = json.loads(base64.b64decode(event["body"]) if encoded else event["body"])
        outcome(lambda: ArticleIn.model_validate(document))
        outcome(lambda: ArticlePatch.model_validate(document))
