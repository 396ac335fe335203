"""``Link`` header values stay ASCII whatever the title (RFC 8288, RFC 8187)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from contentfeed.http.links import link_value, title_param


def test_an_ascii_title_is_a_quoted_string_with_its_quotes_escaped() -> None:
    # When a plain title with a quote and a backslash is written
    param = title_param('A "big" \\ show')
    # Then it is one quoted-string, escaped
    assert param == 'title="A \\"big\\" \\\\ show"'


@pytest.mark.parametrize("title", ["Café", "Price €", "😀", "tab\there", "new\nline", "\x7f"])
def test_any_other_title_travels_as_title_star_in_utf8(title: str) -> None:
    # When the link is written
    value = link_value("https://x.test/f.xml", rel="alternate", media_type="a/b", title=title)
    # Then it is printable ASCII and title* decodes back to the title
    assert value.isascii() and value.isprintable()
    assert value.startswith('<https://x.test/f.xml>; rel="alternate"; type="a/b"; ')
    assert unquote(value.split("title*=UTF-8''", 1)[1]) == title
