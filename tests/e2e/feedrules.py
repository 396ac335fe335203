"""The rules the feed tests check: RSS 2.0 (rssboard), RFC 4287 (Atom), JSON Feed 1.1 and HTTP.

Each checker takes a fetched document and returns every violation it finds, labelled with the feed
URL, so one run shows them all. The rules are those the W3C Feed Validation Service flags (its
``validators.py``, ``item.py``, ``channel.py``, ``link.py``, ``feed.py``, ``entry.py`` and
``media.py``, errors and warnings alike) that our data can touch, plus the JSON Feed 1.1 schema
in ``jsonfeed-1.1.schema.json``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jsonschema
from lxml import etree

from contentfeed.text import slugify
from tests.e2e.conftest import Reply, Server

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
SY = "http://purl.org/rss/1.0/modules/syndication/"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
NS = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA, "sy": SY, "at": TOMBSTONES}

FILES = {"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}
MEDIA_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
SCHEMA = json.loads(
    (Path(__file__).with_name("jsonfeed-1.1.schema.json")).read_text(encoding="utf-8")
)

# --- value rules, as the W3C Feed Validation Service applies them -----------------------------

# RFC 822 with the RSS profile's four-digit year; zones as the validator's rfc2822_re takes them.
RFC822 = re.compile(
    r"^(?:(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d\d? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) (?P<year>\d{4}) \d\d:\d\d(?::\d\d)? (?:[+-]\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST"
    r"|MDT|PST|PDT|Z)$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
MIME = re.compile(r"^[^\s()<>,;:\\\"/\[\]?=]+/[^\s()<>,;:\\\"/\[\]?=]+$")
# RFC 3986 characters; the validator refuses anything else (spaces, non-ASCII) in a URI.
URI_CHARS = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[0-9A-Za-z;/?:@&=+$.\-_!~*'()%,#\[\]]+$")
URN = re.compile(
    r"^urn:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:(?:[a-zA-Z0-9()+,.:=@;$_!*'\-]|%[0-9A-Fa-f]{2})+$", re.I
)
URN_UUID = re.compile(
    r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I
)
TAG_URI = re.compile(r"^tag:[a-z0-9\-._]*@?[a-z0-9.\-]+,\d{4}(?:-\d\d(?:-\d\d)?)?:\S*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
SY_PERIODS = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
ATOM_RELS = {
    "alternate", "related", "self", "enclosure", "via", "hub", "first", "last", "next",
    "previous", "current", "next-archive", "prev-archive", "license", "replies",
}  # fmt: skip
FEED_HISTORY_RELS = {"first", "last", "next", "previous", "current", "next-archive", "prev-archive"}
# What the validator calls a SecurityRisk in HTML content, and the URL-bearing attributes.
UNSAFE_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "basefont", "link", "meta", "head", "html", "body", "title", "noframes", "param", "xmp",
    "plaintext", "listing",
}  # fmt: skip
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "cite", "poster", "longdesc", "action", "formaction", "usemap"}
HTML_END_TAG = re.compile(r"</(a|b|i|p|div|span|em|strong|br|img|h\d|ul|ol|li|table|code)>", re.I)


def plausible(moment: datetime) -> bool:
    """The validator warns about dates before 1990 or more than ten minutes in the future."""
    return datetime(1990, 1, 1, tzinfo=UTC) <= moment <= datetime.now(UTC) + timedelta(minutes=10)


def rfc822_problem(text: str | None) -> str | None:
    if not text:
        return "missing date"
    match = RFC822.match(text)
    if not match:
        return f"{text!r} is not an RFC 822 date with a four-digit year and a valid zone"
    moment = parsedate_to_datetime(text)
    if match["dow"] and moment.strftime("%a") != match["dow"]:
        return f"{text!r} names the wrong day of the week"
    if not plausible(moment):
        return f"{text!r} is implausible"
    return None


def rfc3339(text: str | None) -> datetime | None:
    if not text or not RFC3339.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def rfc3339_problem(text: str | None) -> str | None:
    moment = rfc3339(text)
    if moment is None:
        return f"{text!r} is not an RFC 3339 date-time"
    if not plausible(moment):
        return f"{text!r} is implausible"
    return None


def absolute_url_problem(url: str | None, *, http_only: bool = True) -> str | None:
    if not url:
        return "missing URL"
    parts = urlsplit(url)
    if not URI_CHARS.match(url):
        return f"{url!r} is not an absolute URI made of URI characters"
    if http_only and (parts.scheme not in ("http", "https") or not parts.netloc):
        return f"{url!r} is not an absolute http(s) URL"
    return None


def iri_id_problem(value: str | None) -> str | None:
    """An Atom/RSS id: an absolute IRI the validator accepts (urn:uuid, urn, tag or a URL)."""
    if not value:
        return "missing id"
    lowered = value.lower()
    if lowered.startswith("urn:uuid:"):
        return None if URN_UUID.match(value) else f"{value!r} is not a valid urn:uuid"
    if lowered.startswith("urn:"):
        return None if URN.match(value) else f"{value!r} is not a valid URN"
    if lowered.startswith("tag:"):
        return None if TAG_URI.match(value) else f"{value!r} is not a valid tag: URI"
    return absolute_url_problem(value, http_only=False)


def positive_int(text: str | None) -> bool:
    return text is not None and text.isdigit() and int(text) > 0


def non_negative_int(text: str | None) -> bool:
    return text is not None and text.isdigit()


class _HtmlScan(HTMLParser):
    """What the validator checks in escaped HTML: safe elements and attributes, absolute URLs,
    and markup a parser can read (every element closed in order)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSAFE_ELEMENTS:
            self.problems.append(f"unsafe element <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style" and re.search(r"url\(|expression|javascript:|@import", value, re.I):
                self.problems.append(f"dangerous style on <{tag}>")
            urls = [value] if name in URL_ATTRIBUTES else []
            if name == "srcset":
                urls = [part.strip().split()[0] for part in value.split(",") if part.strip()]
            for url in urls:
                if re.match(r"\s*(?:javascript|vbscript|data):", url, re.I):
                    self.problems.append(f"script URL in {name}= on <{tag}>")
                elif not urlsplit(url).scheme:
                    self.problems.append(f"relative URL {url!r} in {name}= on <{tag}>")
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            if tag in self.stack:
                del self.stack[self.stack.index(tag) :]
            return
        self.stack.pop()


def html_problems(html: str) -> list[str]:
    scan = _HtmlScan()
    scan.feed(html)
    scan.close()
    if scan.stack:
        scan.problems.append(f"unclosed {scan.stack}")
    return scan.problems


def text_problems(text: str | None) -> list[str]:
    """A plain-text field (titles, categories, media text) must not carry HTML markup."""
    if text and HTML_END_TAG.search(text):
        return [f"HTML markup in plain text {text[:60]!r}"]
    return []


# --- the documents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """An article as the public API lists it."""

    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def feed_id(self) -> str:
        return f"urn:uuid:{uuid.UUID(self.id)}"

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def authors(self) -> list[str]:
        return [author["name"] for author in self.data["authors"]]

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.data["published_at"])

    @property
    def has_text(self) -> bool:
        return bool(self.data.get("summary") or self.data.get("content_html"))


@dataclass(frozen=True)
class Scope:
    """One feed folder: '' (the site), /tags/{slug} or /authors/{slug}, with its articles."""

    folder: str
    articles: list[Article]

    def path(self, file_name: str) -> str:
        return f"{self.folder}/{file_name}"


def list_articles(server: Server) -> list[Article]:
    reply = server.request("GET", "/articles?limit=100")
    assert reply.status == 200
    return [Article(item) for item in reply.json()["items"]]


def scopes_of(articles: list[Article]) -> list[Scope]:
    """Every feed scope the articles make: the site, each tag and each author (by slug)."""
    tags: dict[str, list[Article]] = {}
    authors: dict[str, list[Article]] = {}
    for article in articles:
        for tag in dict.fromkeys(slugify(tag) for tag in article.data["tags"]):
            tags.setdefault(tag, []).append(article)
        for name in dict.fromkeys(slugify(name) for name in article.authors):
            authors.setdefault(name, []).append(article)
    found = [Scope("", articles)]
    found += [Scope(f"/tags/{quote(slug)}", group) for slug, group in sorted(tags.items())]
    found += [Scope(f"/authors/{quote(slug)}", group) for slug, group in sorted(authors.items())]
    return found


@dataclass
class Fetched:
    url: str
    kind: str
    scope: Scope
    reply: Reply


def fetch(server: Server, path: str, scope: Scope) -> Fetched:
    kind = FILES[urlsplit(path).path.rsplit("/", 1)[-1]]
    return Fetched(server.base + path, kind, scope, server.request("GET", path))


def fetch_scope(server: Server, scope: Scope) -> list[Fetched]:
    return [fetch(server, scope.path(name), scope) for name in FILES]


@dataclass
class Problems:
    """Violations found, each with the feed it was found in."""

    found: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str | None) -> None:
        if problem:
            self.found.append(f"{where}: {problem}")

    def extend(self, where: str, problems: list[str]) -> None:
        for problem in problems:
            self.add(where, problem)

    def __bool__(self) -> bool:
        return bool(self.found)

    def __str__(self) -> str:
        return "\n".join(self.found)


def parse_xml(body: bytes) -> etree._Element:
    """Strict XML 1.0: fails on characters XML forbids, undefined entities or bad encoding."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    return etree.fromstring(body, parser)


def declared_encoding(body: bytes) -> str | None:
    match = re.match(rb"<\?xml[^>]*encoding=['\"]([A-Za-z0-9._-]+)['\"]", body)
    return match[1].decode().lower() if match else None


def single(parent: etree._Element, names: list[str], where: str, problems: Problems) -> None:
    """Elements that may appear at most once (the validator's DuplicateElement)."""
    counts = Counter(child.tag for child in parent if isinstance(child.tag, str))
    for name in names:
        if counts[name] > 1:
            problems.add(where, f"<{local(name)}> appears {counts[name]} times")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- RSS 2.0 -----------------------------------------------------------------------------------


def rss_problems(body: bytes, url: str, articles: dict[str, Article] | None = None) -> Problems:
    """Every RSS 2.0 / W3C validator rule our feeds touch. ``articles`` maps guids to the API's
    articles, for the checks that compare an item with its source (dc:creator)."""
    problems = Problems()
    where = url
    try:
        root = parse_xml(body)
    except etree.XMLSyntaxError as error:
        problems.add(where, f"not well-formed XML: {error}")
        return problems
    problems.add(where, None if declared_encoding(body) == "utf-8" else "XML encoding is not UTF-8")
    if root.tag != "rss" or root.get("version") != "2.0":
        problems.add(where, f"root is <{root.tag} version={root.get('version')}>, not RSS 2.0")
    channels = root.findall("channel")
    if len(channels) != 1:
        problems.add(where, f"{len(channels)} <channel> elements")
        return problems
    channel = channels[0]
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            problems.add(where, f"channel has no <{name}>")
    if not (channel.findtext("title") or "").strip():
        problems.add(where, "channel <title> is blank")
    problems.extend(where, text_problems(channel.findtext("title")))
    problems.add(where, absolute_url_problem(channel.findtext("link")))
    problems.extend(where, text_problems(channel.findtext("description")))
    single(
        channel,
        ["title", "link", "description", "language", "ttl", "lastBuildDate", "pubDate", "docs",
         "generator", f"{{{SY}}}updatePeriod", f"{{{SY}}}updateFrequency"],
        where, problems,
    )  # fmt: skip
    if (language := channel.findtext("language")) is not None and not LANGUAGE.match(language):
        problems.add(where, f"<language> {language!r} is not an ISO 639 code")
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None:
            problems.add(f"{where} <{name}>", rfc822_problem(channel.findtext(name)))
    if (docs := channel.findtext("docs")) is not None:
        problems.add(where, absolute_url_problem(docs))
    if (ttl := channel.find("ttl")) is not None and not positive_int(ttl.text):
        problems.add(where, f"<ttl> {ttl.text!r} is not a positive integer")
    # Channel metadata before the items (the validator's MisplacedItem).
    seen_item = False
    for child in channel:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "item":
            seen_item = True
        elif seen_item:
            problems.add(where, f"channel <{local(child.tag)}> comes after an <item>")
    sy_problems(channel, where, problems)
    atom_link_problems(channel, url, MEDIA_TYPES["rss"], where, problems)
    guids: Counter[str] = Counter()
    for index, item in enumerate(channel.findall("item")):
        guid = item.findtext("guid")
        guids[guid or ""] += 1
        item_problems(
            item, f"{where} item {index} ({guid})", problems, (articles or {}).get(guid or "")
        )
    for guid, count in guids.items():
        if count > 1:
            problems.add(where, f"guid {guid!r} appears {count} times")
    return problems


def sy_problems(channel: etree._Element, where: str, problems: Problems) -> None:
    for child in channel:
        known = ("updatePeriod", "updateFrequency", "updateBase")
        if (
            isinstance(child.tag, str)
            and child.tag.startswith(f"{{{SY}}}")
            and local(child.tag) not in known
        ):
            problems.add(where, f"unknown or wrongly cased sy:{local(child.tag)}")
    period = channel.findtext("sy:updatePeriod", namespaces=NS)
    frequency = channel.findtext("sy:updateFrequency", namespaces=NS)
    if period is None and frequency is None:
        return
    if period not in SY_PERIODS:
        problems.add(where, f"sy:updatePeriod {period!r} is not hourly|daily|weekly|monthly|yearly")
        return
    if not positive_int(frequency):
        problems.add(where, f"sy:updateFrequency {frequency!r} is not a positive integer")
        return
    assert frequency is not None
    ttl = channel.findtext("ttl")
    if ttl and positive_int(ttl):
        # The two ways of saying how often to poll must agree (within rounding).
        interval = SY_PERIODS[period] / int(frequency)
        if not int(ttl) / 2 <= interval <= int(ttl) * 2:
            problems.add(where, f"sy says every {interval:.0f} min but <ttl> says {ttl}")


def atom_link_problems(
    parent: etree._Element, url: str, self_type: str, where: str, problems: Problems
) -> None:
    """atom:link in RSS, or link in Atom: rel=self is the URL fetched, hrefs absolute, rels known,
    no two links with the same rel, type and hreflang."""
    links = parent.findall("atom:link", NS)
    seen: Counter[tuple[str, str, str]] = Counter()
    for link in links:
        rel = link.get("rel", "alternate")
        href = link.get("href")
        seen[(rel, link.get("type", ""), link.get("hreflang", ""))] += 1
        if rel not in ATOM_RELS:
            problems.add(where, f"unregistered link rel {rel!r}")
        problems.add(f"{where} link rel={rel}", absolute_url_problem(href))
        if link.get("type") is not None and not MIME.match(link.get("type", "")):
            problems.add(where, f"link rel={rel} type {link.get('type')!r} is not a media type")
        if (link.text or "").strip():
            problems.add(where, f"link rel={rel} is not empty")
    for (rel, media_type, _), count in seen.items():
        if count > 1 and rel != "hub":
            problems.add(where, f"{count} links rel={rel} type={media_type!r}")
    selves = [link for link in links if link.get("rel") == "self"]
    if len(selves) != 1:
        problems.add(where, f"{len(selves)} links rel=self")
        return
    if selves[0].get("href") != url:
        problems.add(where, f"rel=self {selves[0].get('href')!r} is not the URL fetched {url!r}")
    if selves[0].get("type") != self_type:
        problems.add(where, f"rel=self type {selves[0].get('type')!r} is not {self_type}")


def item_problems(
    item: etree._Element, where: str, problems: Problems, article: Article | None
) -> None:
    title, description = item.find("title"), item.find("description")
    if title is None and description is None:
        problems.add(where, "item has neither <title> nor <description>")
    if title is not None and not (title.text or "").strip():
        problems.add(where, "<title> is blank")
    problems.extend(where, text_problems(item.findtext("title")))
    single(
        item,
        ["title", "link", "description", "guid", "pubDate", "author", "comments", "source",
         f"{{{CONTENT}}}encoded", "enclosure"],
        where, problems,
    )  # fmt: skip
    if item.find("link") is not None:
        problems.add(f"{where} <link>", absolute_url_problem(item.findtext("link")))
    guid = item.find("guid")
    if guid is None:
        problems.add(where, "item has no <guid>")
    else:
        if guid.get("isPermaLink") != "false":
            problems.add(where, f"guid isPermaLink={guid.get('isPermaLink')!r}, not 'false'")
        value = (guid.text or "").strip()
        problems.add(f"{where} <guid>", iri_id_problem(value))
        if value.isdigit() and len(value) < 9:
            problems.add(where, f"guid {value!r} is not sufficiently unique")
    problems.add(f"{where} <pubDate>", rfc822_problem(item.findtext("pubDate")))
    creators = [c.text or "" for c in item.findall("dc:creator", NS)]
    if item.find("author") is not None and creators:
        problems.add(where, "both <author> and <dc:creator> (duplicate semantics)")
    if item.find("dc:date", NS) is not None:
        problems.add(where, "both <pubDate> and <dc:date> (duplicate semantics)")
    if article is not None and creators != article.authors:
        problems.add(where, f"dc:creator {creators} is not the article's authors {article.authors}")
    if (text := item.findtext("description")) is not None:
        problems.extend(f"{where} <description>", html_problems(text))
    encoded = item.find("content:encoded", NS)
    if encoded is not None:
        problems.extend(f"{where} <content:encoded>", html_problems(encoded.text or ""))
        children = [child.tag for child in item if isinstance(child.tag, str)]
        if "description" not in children[: children.index(encoded.tag)]:
            problems.add(where, "<content:encoded> without a <description> before it")
    for category in item.findall("category"):
        if not (category.text or "").strip():
            problems.add(where, "blank <category>")
        problems.extend(where, text_problems(category.text))
    for enclosure in item.findall("enclosure"):
        problems.add(f"{where} enclosure url", absolute_url_problem(enclosure.get("url")))
        if not non_negative_int(enclosure.get("length")):
            problems.add(where, f"enclosure length {enclosure.get('length')!r} is not an integer")
        if not MIME.match(enclosure.get("type") or ""):
            problems.add(where, f"enclosure type {enclosure.get('type')!r} is not a media type")
    for media in item.iter(f"{{{MEDIA}}}content"):
        problems.add(f"{where} media:content url", absolute_url_problem(media.get("url")))
        if media.get("medium") not in ("image", "audio", "video", "document", "executable"):
            problems.add(where, f"media:content medium {media.get('medium')!r}")
        if media.get("type") is not None and not MIME.match(media.get("type", "")):
            problems.add(where, f"media:content type {media.get('type')!r} is not a media type")
        for number in ("fileSize", "width", "height"):
            if media.get(number) is not None and not positive_int(media.get(number)):
                problems.add(where, f"media:content {number}={media.get(number)!r} is not > 0")
        for part in ("title", "description", "credit"):
            problems.extend(where, text_problems(media.findtext(f"media:{part}", namespaces=NS)))


# --- Atom (RFC 4287) ---------------------------------------------------------------------------

FEED_METADATA = {"author", "category", "contributor", "generator", "icon", "id", "link", "logo",
                 "rights", "subtitle", "title", "updated"}  # fmt: skip


def atom_problems(body: bytes, url: str, articles: dict[str, Article] | None = None) -> Problems:
    """Every RFC 4287 / W3C validator rule our feeds touch; ``articles`` as for RSS."""
    problems = Problems()
    where = url
    try:
        root = parse_xml(body)
    except etree.XMLSyntaxError as error:
        problems.add(where, f"not well-formed XML: {error}")
        return problems
    problems.add(where, None if declared_encoding(body) == "utf-8" else "XML encoding is not UTF-8")
    if root.tag != f"{{{ATOM}}}feed":
        problems.add(where, f"root is {root.tag}, not atom:feed")
        return problems
    single(
        root,
        [f"{{{ATOM}}}{name}" for name in ("id", "title", "updated", "subtitle", "rights", "generator", "icon", "logo")],
        where, problems,
    )  # fmt: skip
    problems.add(f"{where} <id>", iri_id_problem(root.findtext("atom:id", namespaces=NS)))
    if not (root.findtext("atom:title", namespaces=NS) or "").strip():
        problems.add(where, "feed has no title")
    feed_updated = root.findtext("atom:updated", namespaces=NS)
    problems.add(f"{where} <updated>", rfc3339_problem(feed_updated))
    for construct in root.findall("atom:title", NS) + root.findall("atom:subtitle", NS):
        problems.add(where, text_construct_problem(construct))
    atom_link_problems(root, url, MEDIA_TYPES["atom"], where, problems)
    if not [
        link
        for link in root.findall("atom:link", NS)
        if link.get("rel", "alternate") == "alternate"
    ]:
        problems.add(where, "feed has no link rel=alternate")
    seen_entry = False
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{ATOM}}}entry":
            seen_entry = True
        elif (
            seen_entry and child.tag.startswith(f"{{{ATOM}}}") and local(child.tag) in FEED_METADATA
        ):
            problems.add(where, f"feed <{local(child.tag)}> after an entry (misplaced metadata)")
    feed_has_author = root.find("atom:author", NS) is not None
    person_problems(root, where, problems)
    entries = root.findall("atom:entry", NS)
    ids: Counter[str] = Counter()
    newest: datetime | None = None
    for index, entry in enumerate(entries):
        entry_id = entry.findtext("atom:id", namespaces=NS) or ""
        ids[entry_id] += 1
        updated = entry_problems(
            entry,
            f"{where} entry {index} ({entry_id})",
            problems,
            feed_has_author,
            (articles or {}).get(entry_id),
        )
        if updated is not None:
            newest = updated if newest is None else max(newest, updated)
    for entry_id, count in ids.items():
        if count > 1:
            problems.add(where, f"entry id {entry_id!r} appears {count} times")
    if newest is not None and (feed_moment := rfc3339(feed_updated)) and feed_moment < newest:
        problems.add(where, f"feed updated {feed_updated} is older than its newest entry {newest}")
    for deleted in root.findall("at:deleted-entry", NS):
        ref, when = deleted.get("ref"), deleted.get("when")
        problems.add(f"{where} at:deleted-entry ref", iri_id_problem(ref))
        problems.add(f"{where} at:deleted-entry when", rfc3339_problem(when))
        if ref in ids:
            problems.add(where, f"at:deleted-entry {ref!r} is also a live entry")
    return problems


def text_construct_problem(element: etree._Element) -> str | None:
    kind = element.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return f"<{local(element.tag)}> type={kind!r} is not text, html or xhtml"
    if kind == "text" and text_problems(element.text):
        return f"<{local(element.tag)}> type=text carries HTML markup"
    return None


def person_problems(parent: etree._Element, where: str, problems: Problems) -> None:
    for person in parent.findall("atom:author", NS) + parent.findall("atom:contributor", NS):
        if not (person.findtext("atom:name", namespaces=NS) or "").strip():
            problems.add(where, f"<{local(person.tag)}> has no name")
        if (uri := person.findtext("atom:uri", namespaces=NS)) is not None:
            problems.add(f"{where} person uri", absolute_url_problem(uri))
        email = person.findtext("atom:email", namespaces=NS)
        if email is not None and not re.match(
            r"^[A-Za-z0-9_\-+.']+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z0-9\-]+$", email
        ):
            problems.add(where, f"email {email!r} is not an addr-spec")


def entry_problems(
    entry: etree._Element,
    where: str,
    problems: Problems,
    feed_has_author: bool,
    article: Article | None = None,
) -> datetime | None:
    single(
        entry,
        [f"{{{ATOM}}}{name}" for name in ("id", "title", "updated", "published", "content", "summary", "rights")],
        where, problems,
    )  # fmt: skip
    problems.add(f"{where} <id>", iri_id_problem(entry.findtext("atom:id", namespaces=NS)))
    title = entry.find("atom:title", NS)
    if title is None or not (title.text or "").strip():
        problems.add(where, "entry has no title")
    else:
        problems.add(where, text_construct_problem(title))
    updated_text = entry.findtext("atom:updated", namespaces=NS)
    published_text = entry.findtext("atom:published", namespaces=NS)
    problems.add(f"{where} <updated>", rfc3339_problem(updated_text))
    if published_text is not None:
        problems.add(f"{where} <published>", rfc3339_problem(published_text))
    updated, published = rfc3339(updated_text), rfc3339(published_text)
    if updated and published and updated < published:
        problems.add(where, f"updated {updated_text} is before published {published_text}")
    if entry.find("atom:author", NS) is None and not feed_has_author:
        problems.add(where, "no author in the entry nor in the feed")
    person_problems(entry, where, problems)
    links = entry.findall("atom:link", NS)
    alternates = Counter(
        (link.get("type", ""), link.get("hreflang", ""))
        for link in links
        if link.get("rel", "alternate") == "alternate"
    )
    if not alternates:
        problems.add(where, "entry has no link rel=alternate")
    if any(count > 1 for count in alternates.values()):
        problems.add(where, "two alternate links with the same type and hreflang")
    for link in links:
        rel = link.get("rel", "alternate")
        problems.add(f"{where} link rel={rel}", absolute_url_problem(link.get("href")))
        if rel not in ATOM_RELS:
            problems.add(where, f"unregistered link rel {rel!r}")
        if rel in FEED_HISTORY_RELS:
            problems.add(where, f"feed paging rel={rel} inside an entry")
        if rel == "enclosure":
            if not MIME.match(link.get("type") or ""):
                problems.add(where, f"enclosure type {link.get('type')!r} is not a media type")
            if not non_negative_int(link.get("length")):
                problems.add(where, f"enclosure length {link.get('length')!r} is not an integer")
    content = entry.find("atom:content", NS)
    if content is not None:
        kind = content.get("type", "text")
        if kind not in ("text", "html", "xhtml") and not MIME.match(kind):
            problems.add(where, f"content type={kind!r} is invalid")
        if kind == "html":
            problems.extend(f"{where} <content>", html_problems(content.text or ""))
    elif entry.find("atom:summary", NS) is None and (article is None or article.has_text):
        # The validator's MissingTextualContent (a warning). An article with nothing but a title
        # (the API allows it) has no text to give; see the report of the feed tests.
        problems.add(where, "entry has neither content nor summary")
    if (summary := entry.find("atom:summary", NS)) is not None:
        problems.add(where, text_construct_problem(summary))
    for category in entry.findall("atom:category", NS):
        if not (category.get("term") or "").strip():
            problems.add(where, "category without a term")
    return updated


# --- JSON Feed 1.1 -----------------------------------------------------------------------------

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("uri")
def _is_absolute_uri(value: object) -> bool:
    return not isinstance(value, str) or absolute_url_problem(value, http_only=False) is None


@FORMATS.checks("date-time")
def _is_rfc3339(value: object) -> bool:
    return not isinstance(value, str) or rfc3339(value) is not None


VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=FORMATS)


def json_problems(body: bytes, url: str) -> Problems:
    problems = Problems()
    where = url
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.add(where, f"not UTF-8 JSON: {error}")
        return problems
    for issue in sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(part) for part in issue.absolute_path)
        problems.add(f"{where} #/{path}", f"schema: {issue.message}")
    if not isinstance(document, dict):
        return problems
    if document.get("feed_url") != url:
        problems.add(where, f"feed_url {document.get('feed_url')!r} is not the URL fetched")
    problems.add(f"{where} home_page_url", absolute_url_problem(document.get("home_page_url")))
    items = document.get("items") or []
    ids = Counter(item.get("id") for item in items if isinstance(item, dict))
    for item_id, count in ids.items():
        if count > 1:
            problems.add(where, f"item id {item_id!r} appears {count} times")
    for item in items:
        if not isinstance(item, dict):
            continue
        item_where = f"{where} item {item.get('id')}"
        if isinstance(item.get("id"), str):  # JSON Feed allows any string; ours are Atom's ids
            problems.add(f"{item_where} id", iri_id_problem(item["id"]))
        for name in ("url", "image"):
            if name in item:
                problems.add(f"{item_where} {name}", absolute_url_problem(item[name]))
        problems.extend(item_where, html_problems(item.get("content_html", "")))
        published = rfc3339(item.get("date_published"))
        modified = rfc3339(item.get("date_modified"))
        if published and modified and modified < published:
            problems.add(item_where, "date_modified is before date_published")
    return problems


# --- HTTP --------------------------------------------------------------------------------------


def http_problems(fetched: Fetched) -> Problems:
    problems = Problems()
    reply, where = fetched.reply, fetched.url
    if reply.status != 200:
        problems.add(where, f"status {reply.status}")
        return problems
    content_type = reply.headers.get("Content-Type", "")
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip() != MEDIA_TYPES[fetched.kind]:
        problems.add(where, f"Content-Type {content_type!r} is not {MEDIA_TYPES[fetched.kind]}")
    if parameters.replace(" ", "").lower() != "charset=utf-8":
        problems.add(where, f"Content-Type {content_type!r} does not say charset=utf-8")
    if fetched.kind != "json" and declared_encoding(reply.body) not in ("utf-8", None):
        problems.add(where, "the XML declaration contradicts charset=utf-8")
    try:
        reply.body.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(where, f"body is not UTF-8: {error}")
    etag = reply.headers.get("ETag", "")
    if not re.match(r'^"[\x21\x23-\x7e]+"$', etag):
        problems.add(where, f"ETag {etag!r} is not a strong entity tag")
    if not reply.headers.get("Last-Modified"):
        problems.add(where, "no Last-Modified")
    cache = reply.headers.get("Cache-Control", "")
    for directive in ("public", "max-age=", "stale-while-revalidate="):
        if directive not in cache:
            problems.add(where, f"Cache-Control {cache!r} lacks {directive}")
    if "accept" not in reply.headers.get("Vary", "").lower():
        problems.add(where, "no Vary: Accept")
    links = ",".join(reply.headers.get_all("Link") or [])
    if f'<{fetched.url}>; rel="self"' not in links:
        problems.add(where, f"HTTP Link rel=self is not the URL fetched: {links!r}")
    return problems


def document_problems(fetched: Fetched, articles: dict[str, Article] | None = None) -> Problems:
    body, url = fetched.reply.body, fetched.url
    if fetched.kind == "rss":
        return rss_problems(body, url, articles)
    if fetched.kind == "atom":
        return atom_problems(body, url, articles)
    return json_problems(body, url)


def feed_ids(fetched: Fetched) -> list[str]:
    """The entry ids of a fetched feed, in document order."""
    if fetched.kind == "json":
        return [item["id"] for item in json.loads(fetched.reply.body)["items"]]
    root = parse_xml(fetched.reply.body)
    if fetched.kind == "rss":
        return [item.findtext("guid") or "" for item in root.iter("item")]
    return [
        entry.findtext("atom:id", namespaces=NS) or "" for entry in root.iter(f"{{{ATOM}}}entry")
    ]


def feed_titles(fetched: Fetched) -> dict[str, str]:
    """Entry id → title."""
    if fetched.kind == "json":
        return {
            item["id"]: item.get("title", "") for item in json.loads(fetched.reply.body)["items"]
        }
    root = parse_xml(fetched.reply.body)
    if fetched.kind == "rss":
        return {
            item.findtext("guid") or "": item.findtext("title") or "" for item in root.iter("item")
        }
    return {
        entry.findtext("atom:id", namespaces=NS) or "": entry.findtext("atom:title", namespaces=NS) or ""
        for entry in root.iter(f"{{{ATOM}}}entry")
    }  # fmt: skip
