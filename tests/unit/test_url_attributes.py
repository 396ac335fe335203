"""No URL-bearing attribute keeps a javascript:, data: or vbscript: URL through sanitising.

Checked as a class: every attribute HTML uses for a URL (or a list of them), on every tag the
sanitiser keeps and on the active ones it removes, with the spellings browsers still read as
the scheme (mixed case, entities, tabs and line breaks inside it, leading spaces).
"""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from contentfeed.logic.sanitize import ALLOWED_TAGS, URL_ATTRIBUTES, clean_html

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)",
    "java&#x09;script:alert(1)",
    "java&#x0A;script:alert(1)",
    " \x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
]
SRCSET_FORMS = [
    "{url} 1x",
    "/safe.jpg 1x, {url} 2x",
    "{url} 640w, /safe.jpg 1280w",
    "/safe.jpg, {url}",
]
ACTIVE_TAGS = [
    "video", "audio", "iframe", "object", "embed", "form", "button", "input", "link", "body",
    "frame", "area", "base", "svg", "math", "applet", "track", "image",
]  # fmt: skip
TAGS = sorted(ALLOWED_TAGS | set(ACTIVE_TAGS))
EXTRA_ATTRIBUTES = ["xlink:href", "formaction", "srcdoc", "style"]
VOID = {"br", "hr", "img", "source", "input", "link", "area", "base", "embed", "track", "frame"}
BAD_SCHEME = re.compile(r"(javascript|data|vbscript):")


def element(tag: str, attribute: str, value: str) -> str:
    opening = f'<{tag} {attribute}="{value}">'
    return opening if tag in VOID else f"{opening}text</{tag}>"


def hostile_values(attribute: str) -> list[str]:
    if attribute in ("srcset", "imagesrcset"):
        return [form.format(url=url) for form in SRCSET_FORMS for url in HOSTILE_URLS]
    return HOSTILE_URLS


def surviving_bad_urls(cleaned: str) -> list[tuple[str, str, str]]:
    """Every attribute of the cleaned HTML whose value a browser would read as a bad scheme."""
    found = []
    root = lxml_html.fragment_fromstring(f"<div>{cleaned}</div>")
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            compact = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
            if BAD_SCHEME.search(compact):
                found.append((node.tag, name, value))
    return found


@pytest.mark.parametrize("attribute", sorted(URL_ATTRIBUTES | set(EXTRA_ATTRIBUTES)))
def test_no_url_attribute_keeps_a_script_or_data_url(attribute: str) -> None:
    # Given the attribute on every tag, with every hostile URL spelling
    document = "".join(
        element(tag, attribute, value) for tag in TAGS for value in hostile_values(attribute)
    )
    # When the HTML is sanitised
    cleaned = clean_html(document)
    # Then no attribute anywhere holds a javascript:, data: or vbscript: URL
    assert surviving_bad_urls(cleaned) == []


def test_the_srcset_check_sees_each_candidate() -> None:
    # Given a srcset whose second candidate is a script URL and one whose candidates are safe
    cleaned = clean_html(
        '<img src="/a.jpg" srcset="/a.jpg 1x, javascript:alert(1) 2x">'
        '<img src="/b.jpg" srcset="/b.jpg 1x, https://cdn.example/b@2x.jpg 2x">'
        '<picture><source srcset="data:image/png;base64,AAAA 1x"><img src="/c.jpg"></picture>'
    )
    images = lxml_html.fragment_fromstring(f"<div>{cleaned}</div>").findall(".//img")
    sources = lxml_html.fragment_fromstring(f"<div>{cleaned}</div>").findall(".//source")
    # Then the hostile srcsets are gone and the safe one (and every src) stays
    assert [img.get("src") for img in images] == ["/a.jpg", "/b.jpg", "/c.jpg"]
    assert [img.get("srcset") for img in images] == [
        None,
        "/b.jpg 1x, https://cdn.example/b@2x.jpg 2x",
        None,
    ]
    assert [source.get("srcset") for source in sources] == [None]


def test_safe_urls_keep_their_attributes() -> None:
    # Given editorial markup with relative, http(s) and mailto URLs
    cleaned = clean_html(
        '<p><a href="mailto:desk@example.org">mail</a> <a href="/more">more</a></p>'
        '<blockquote cite="https://example.org/letter">quoted</blockquote>'
        '<q cite="#note">short</q><img src="photo.jpg" srcset="photo.jpg 1x, photo@2x.jpg 2x">'
    )
    root = lxml_html.fragment_fromstring(f"<div>{cleaned}</div>")
    # Then every URL is still there
    assert [a.get("href") for a in root.iter("a")] == ["mailto:desk@example.org", "/more"]
    assert root.find(".//blockquote").get("cite") == "https://example.org/letter"
    assert root.find(".//q").get("cite") == "#note"
    assert root.find(".//img").get("srcset") == "photo.jpg 1x, photo@2x.jpg 2x"
