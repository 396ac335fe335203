"""The feeds are standards-perfect, over real HTTP against ``contentfeed serve`` and its samples.

For every feed URL of the sample data (the site, each tag and each author found through
``/articles?limit=100``, in RSS, Atom and JSON Feed) these tests check each rule of RSS 2.0
(rssboard), RFC 4287 and JSON Feed 1.1 that the W3C Feed Validation Service (or the JSON Feed
1.1 schema) flags and that our data touches (the checkers are in ``feedrules.py``);
``test_the_rule_checks_catch_broken_feeds`` proves that each checker fails on the mistake it is
written for.

Then what readers rely on: feedparser reads every item, entry ids survive an edit of the title
and slug, and conditional GETs (304) never hide a new, edited, deleted or newly-due article.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import feedparser
import pytest

from tests.e2e.conftest import Reply, Server, running_server
from tests.e2e.feedrules import (
    FILES,
    NS,
    Article,
    Fetched,
    Problems,
    Scope,
    atom_problems,
    document_problems,
    feed_ids,
    feed_titles,
    fetch,
    fetch_scope,
    http_problems,
    json_problems,
    list_articles,
    parse_xml,
    rss_problems,
    scopes_of,
)

pytestmark = pytest.mark.e2e

FEED_SIZE = 20  # the local server's default FEED_SIZE
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HUB = "https://hub.example.com"

# --- fixtures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """The sample data as the tests found it, and every feed of it, fetched once."""

    articles: list[Article]
    scopes: list[Scope]
    feeds: list[Fetched]

    @property
    def by_feed_id(self) -> dict[str, Article]:
        return {article.feed_id: article for article in self.articles}


@pytest.fixture(scope="module")
def sample(server: Server) -> Sample:
    articles = list_articles(server)
    scopes = scopes_of(articles)
    feeds = [fetched for scope in scopes for fetched in fetch_scope(server, scope)]
    return Sample(articles, scopes, feeds)


@pytest.fixture
def created(server: Server) -> Iterator[list[str]]:
    """Ids of the articles a test creates; deleted afterwards so other tests see the samples."""
    ids: list[str] = []
    yield ids
    for article_id in ids:
        server.request("DELETE", f"/articles/{article_id}", key=server.key)


def create(server: Server, created: list[str], body: dict[str, Any]) -> dict[str, Any]:
    reply = server.request("POST", "/articles", key=server.key, body=body)
    assert reply.status == 201, reply.body
    article: dict[str, Any] = reply.json()
    created.append(article["id"])
    return article


def patch(server: Server, article_id: str, body: dict[str, Any]) -> dict[str, Any]:
    current = server.request("GET", f"/articles/{article_id}", key=server.key)
    reply = server.request(
        "PATCH",
        f"/articles/{article_id}",
        key=server.key,
        body=body,
        headers={
            "If-Match": current.headers["ETag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.json()
    return result


# --- the sample feeds --------------------------------------------------------------------------


def test_the_samples_make_feeds_of_every_kind(sample: Sample) -> None:
    # Given the sample articles listed by the API
    # Then they span the site, several tags and several authors, each in three formats
    kinds = Counter(
        scope.folder.split("/")[1] if scope.folder else "site" for scope in sample.scopes
    )
    assert kinds["site"] == 1 and kinds["tags"] >= 3 and kinds["authors"] >= 2
    assert len(sample.feeds) == 3 * len(sample.scopes)
    # And the samples use what the rules are about: images, several authors, contributors
    assert any(article.data["image"] for article in sample.articles)
    assert any(len(article.authors) > 1 for article in sample.articles)
    assert any(article.data["contributors"] for article in sample.articles)


def test_every_feed_is_served_right_over_http(sample: Sample) -> None:
    # When every feed of the samples is fetched as a feed reader does
    problems = Problems()
    for fetched in sample.feeds:
        problems.found += http_problems(fetched).found
    # Then each is a 200 with its media type, charset=utf-8, a strong ETag, Last-Modified,
    # public caching, Vary: Accept and an HTTP Link rel=self naming the URL fetched
    assert not problems, str(problems)


def test_the_same_data_gives_the_same_bytes(server: Server, sample: Sample) -> None:
    # When every feed is fetched again, with no write in between
    for fetched in sample.feeds:
        again = server.request("GET", fetched.url.removeprefix(server.base))
        # Then the bytes and the validators are the same: no "now" in lastBuildDate or updated
        assert again.body == fetched.reply.body, fetched.url
        assert again.headers["ETag"] == fetched.reply.headers["ETag"], fetched.url
        assert again.headers["Last-Modified"] == fetched.reply.headers["Last-Modified"]


def test_rss_feeds_follow_rss_2_0(sample: Sample) -> None:
    problems = Problems()
    rss = [fetched for fetched in sample.feeds if fetched.kind == "rss"]
    for fetched in rss:
        problems.found += rss_problems(fetched.reply.body, fetched.url, sample.by_feed_id).found
    assert not problems, str(problems)
    # And the checks saw what they check: enclosures, media:content, several creators
    bodies = b"".join(fetched.reply.body for fetched in rss)
    assert b"<enclosure " in bodies and b"<media:content " in bodies and b"<dc:creator>" in bodies


def test_atom_feeds_follow_rfc_4287(sample: Sample) -> None:
    problems = Problems()
    atom = [fetched for fetched in sample.feeds if fetched.kind == "atom"]
    for fetched in atom:
        problems.found += atom_problems(fetched.reply.body, fetched.url, sample.by_feed_id).found
    assert not problems, str(problems)
    bodies = b"".join(fetched.reply.body for fetched in atom)
    assert b'rel="enclosure"' in bodies and b"<category " in bodies and b"<contributor>" in bodies


def test_json_feeds_validate_against_the_json_feed_1_1_schema(sample: Sample) -> None:
    problems = Problems()
    for fetched in sample.feeds:
        if fetched.kind == "json":
            problems.found += json_problems(fetched.reply.body, fetched.url).found
    assert not problems, str(problems)


def test_every_feed_holds_every_published_article_of_its_scope(sample: Sample) -> None:
    # Given the published articles of each scope, newest first, as the API lists them
    problems = Problems()
    for fetched in sample.feeds:
        expected = sorted(fetched.scope.articles, key=lambda a: a.published_at, reverse=True)
        ids = feed_ids(fetched)
        # Then the feed has the newest FEED_SIZE of them, once each, newest first
        if len(expected) <= FEED_SIZE:
            problems.add(
                fetched.url,
                None
                if sorted(ids) == sorted(a.feed_id for a in expected)
                else f"ids {ids} are not the scope's {[a.feed_id for a in expected]}",
            )
        else:
            problems.add(fetched.url, None if len(ids) == FEED_SIZE else f"{len(ids)} items")
        dates = [sample.by_feed_id[i].published_at for i in ids if i in sample.by_feed_id]
        problems.add(
            fetched.url, None if dates == sorted(dates, reverse=True) else "not newest first"
        )
        # And the titles are the articles' titles
        for entry_id, title in feed_titles(fetched).items():
            if entry_id in sample.by_feed_id and title != sample.by_feed_id[entry_id].title:
                problems.add(fetched.url, f"{entry_id} is titled {title!r}")
    assert not problems, str(problems)
    # And the three formats of one scope carry the same entries in the same order
    for index in range(0, len(sample.feeds), 3):
        rss, atom, json_feed = sample.feeds[index : index + 3]
        assert feed_ids(rss) == feed_ids(atom) == feed_ids(json_feed), rss.url


def test_feedparser_reads_every_rss_and_atom_feed(sample: Sample) -> None:
    # feedparser 6.0.14 has no JSON Feed parser: the JSON feeds are covered by the schema above.
    problems = Problems()
    for fetched in sample.feeds:
        if fetched.kind == "json":
            continue
        parsed = feedparser.parse(
            fetched.reply.body,
            response_headers={
                "content-type": fetched.reply.headers["Content-Type"],
                "content-location": fetched.url,
            },
        )
        if parsed.bozo:
            problems.add(fetched.url, f"bozo: {parsed.get('bozo_exception')}")
        expected_version = {"rss": "rss20", "atom": "atom10"}[fetched.kind]
        if parsed.version != expected_version:
            problems.add(fetched.url, f"read as {parsed.version!r}")
        if [entry.get("id") for entry in parsed.entries] != feed_ids(fetched):
            problems.add(fetched.url, "feedparser's entries are not the document's items")
        for entry in parsed.entries:
            article = sample.by_feed_id.get(entry.get("id"))
            if article is None:
                continue
            if entry.get("title") != article.title:
                problems.add(fetched.url, f"feedparser reads title {entry.get('title')!r}")
            if entry.get("link") != article.data["url"]:
                problems.add(fetched.url, f"feedparser reads link {entry.get('link')!r}")
            published = entry.get("published_parsed")
            expected = article.published_at.replace(microsecond=0)
            if published is None or datetime(*published[:6]).replace(tzinfo=UTC) != expected:
                problems.add(fetched.url, f"feedparser reads published {entry.get('published')!r}")
            names = [author.get("name") for author in entry.get("authors", [])]
            if article.authors and names != article.authors:
                problems.add(fetched.url, f"feedparser reads authors {names}")
    assert not problems, str(problems)


# --- paging and WebSub: a server with FEED_SIZE=2 and a hub -----------------------------------


@pytest.fixture(scope="module")
def paged() -> Iterator[Server]:
    """A second local server whose site feed pages every two articles and names a WebSub hub
    (the environment is changed only while it starts)."""
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("FEED_SIZE", "2")
            env.setenv("WEBSUB_HUB_URL", HUB)  # used exactly as configured
            started = stack.enter_context(running_server())
        yield started


def document_links(fetched: Fetched) -> dict[str, str]:
    """rel → href of the feed-level links inside the document (JSON Feed: next_url, hubs)."""
    if fetched.kind == "json":
        document = json.loads(fetched.reply.body)
        found = {"self": document["feed_url"]}
        found |= {"next": document["next_url"]} if "next_url" in document else {}
        found |= {hub["type"]: hub["url"] for hub in document.get("hubs", [])}
        return found
    root = parse_xml(fetched.reply.body)
    parent = root.find("channel") if fetched.kind == "rss" else root
    assert parent is not None
    return {
        link.get("rel", "alternate"): link.get("href", "")
        for link in parent.findall("atom:link", NS)
        if link.get("rel") != "alternate"
    }


def http_links(reply: Reply) -> dict[str, str]:
    found = {}
    for value in reply.headers.get_all("Link") or []:
        match = re.match(r'^<([^>]+)>; rel="([^"]+)"$', value)
        assert match, value
        found[match[2]] = match[1]
    return found


def test_paged_feeds_with_a_hub_follow_the_rules_on_every_page(paged: Server) -> None:
    # Given the samples on a server that pages feeds by two and names a WebSub hub
    articles = list_articles(paged)
    known = {article.feed_id: article for article in articles}
    newest_first = [a.feed_id for a in sorted(articles, key=lambda a: a.published_at, reverse=True)]
    for name in FILES:
        # When a reader follows rel=next from the first page to the last
        path: str | None = f"/{name}"
        seen: list[str] = []
        problems = Problems()
        while path is not None:
            fetched = fetch(paged, path, Scope("", articles))
            problems.found += http_problems(fetched).found
            problems.found += document_problems(fetched, known).found
            header, inside = http_links(fetched.reply), document_links(fetched)
            # Then every page names the hub (HTTP Link, and RSS/Atom rel=hub or JSON hubs)
            assert header["hub"] == HUB, fetched.url
            assert inside.get("hub", inside.get("WebSub")) == HUB, fetched.url
            # And the next page the same way in the headers and the document
            assert header.get("next") == inside.get("next"), fetched.url
            # And an older page points back to the first (RFC 5005), except in JSON Feed
            if "cursor=" in path and fetched.kind != "json":
                assert inside["first"] == paged.base + f"/{name}", fetched.url
            # And answers 304 to its own ETag
            again = get(paged, path, {"If-None-Match": fetched.reply.headers["ETag"]})
            assert again.status == 304, fetched.url
            ids = feed_ids(fetched)
            assert 0 < len(ids) <= 2, fetched.url
            seen += ids
            path = header["next"].removeprefix(paged.base) if "next" in header else None
        assert not problems, str(problems)
        # And the pages together hold every article once, newest first
        assert seen == newest_first, name


def test_older_pages_name_themselves_in_the_http_link_header(paged: Server) -> None:
    # Given the second page of each feed
    for name in FILES:
        first = get(paged, f"/{name}")
        second_url = http_links(first)["next"]
        second = fetch(paged, second_url.removeprefix(paged.base), Scope("", []))
        # Then its HTTP Link rel=self is its own URL, as in the document
        assert http_links(second.reply)["self"] == second_url == document_links(second)["self"]


# --- the checkers fail on what they check ------------------------------------------------------


def test_the_rule_checks_catch_broken_feeds(sample: Sample) -> None:
    # Given a valid feed of each format from the samples (the rich Salesforce article is in all)
    rss = next(f for f in sample.feeds if f.kind == "rss" and f.scope.folder == "")
    atom = next(f for f in sample.feeds if f.kind == "atom" and f.scope.folder == "")
    json_feed = next(f for f in sample.feeds if f.kind == "json" and f.scope.folder == "")
    known = sample.by_feed_id
    assert not rss_problems(rss.reply.body, rss.url, known)
    assert not atom_problems(atom.reply.body, atom.url, known)
    assert not json_problems(json_feed.reply.body, json_feed.url)
    missed: list[str] = []

    def expect(case: str, problems: Problems, fragment: str) -> None:
        """The broken document is reported, for the reason the case is about."""
        if not any(fragment in problem for problem in problems.found):
            missed.append(f"{case}: wanted {fragment!r}, got {problems.found}")

    def rss_with(old: bytes, new: bytes, count: int = 1) -> Problems:
        assert old in rss.reply.body, old
        return rss_problems(rss.reply.body.replace(old, new, count), rss.url, known)

    def atom_with(old: bytes, new: bytes, count: int = 1) -> Problems:
        assert old in atom.reply.body, old
        return atom_problems(atom.reply.body.replace(old, new, count), atom.url, known)

    pub_date = re.search(rb"<pubDate>([^<]+)</pubDate>", rss.reply.body)
    assert pub_date
    day, rest = pub_date[1].split(b", ", 1)
    guids = re.findall(rb"<guid isPermaLink=\"false\">([^<]+)</guid>", rss.reply.body)
    ids = re.findall(rb"<entry[^>]*><id>([^<]+)</id>", atom.reply.body)
    generator = b"<generator>contentfeed</generator>"
    # When one rule at a time is broken, then the checker reports that rule
    for case, problems, fragment in [
        ("2-digit year", rss_with(pub_date[1], pub_date[1].replace(b" 20", b" ", 1)), "RFC 822"),
        ("bad zone", rss_with(b"+0000</pubDate>", b"+0099</pubDate>"), "RFC 822"),
        ("wrong weekday", rss_with(pub_date[1], (b"Mon" if day != b"Mon" else b"Tue") + b", " + rest), "wrong day"),
        ("permalink guid", rss_with(b'isPermaLink="false"', b'isPermaLink="true"'), "isPermaLink='true'"),
        ("duplicate guid", rss_with(guids[1], guids[0]), "appears 2 times"),
        ("self mismatch", rss_with(rss.url.encode(), (rss.url + "?x=1").encode()), "not the URL fetched"),
        ("relative link", rss_with(b"<link>https://example.com/", b"<link>/"), "<link>: '/"),
        ("enclosure length", rss_with(b'length="184320"', b'length="big"'), "length 'big'"),
        ("relative enclosure", rss_with(b'<enclosure url="https://images.example.com', b'<enclosure url="'), "enclosure url: '/"),
        ("relative media", rss_with(b'<media:content url="https://images.example.com', b'<media:content url="'), "media:content url: '/"),
        ("relative href", rss_with(b'href="https://example.com/tags', b'href="/tags'), "relative URL '/tags"),
        ("relative src", rss_with(b'src="https://example.com/media', b'src="media'), "relative URL 'media/"),
        ("script", rss_with(b"&lt;/blockquote&gt;", b"&lt;/blockquote&gt;&lt;script&gt;x()&lt;/script&gt;"), "<script>"),
        ("sy period", rss_with(b"<sy:updatePeriod>hourly", b"<sy:updatePeriod>often"), "'often'"),
        ("sy frequency", rss_with(b"<sy:updateFrequency>4<", b"<sy:updateFrequency>0<"), "updateFrequency '0'"),
        ("sy case", rss_with(b"sy:updatePeriod>", b"sy:updateperiod>", 2), "wrongly cased"),
        ("ttl", rss_with(b"<ttl>15</ttl>", b"<ttl>soon</ttl>"), "<ttl> 'soon'"),
        ("no dc:creator", rss_with(b"<dc:creator>Rae Whitlock</dc:creator>", b""), "dc:creator"),
        ("media medium", rss_with(b'medium="image"', b'medium="picture"'), "'picture'"),
        ("media fileSize", rss_with(b'fileSize="184320"', b'fileSize="0"'), "fileSize='0'"),
        ("illegal char", rss_with(b"<title>contentfeed</title>", b"<title>a\x0bb</title>"), "well-formed"),
        ("no description", rss_with(b"<description>Articles published with contentfeed</description>", b""), "no <description>"),
        ("misplaced", rss_with(b"</channel>", generator + b"</channel>"), "after an <item>"),
        ("CDATA content", atom_with(b'<content type="html">', b'<content type="CDATA">'), "'CDATA'"),
        ("relative id", atom_with(b"<id>urn:uuid:", b"<id>/articles/"), "<id>: '/articles/"),
        ("duplicate id", atom_with(ids[1], ids[0]), "appears 2 times"),
        ("bad updated", atom_with(b"<updated>2", b"<updated>Sun, 2"), "RFC 3339"),
        ("self type", atom_with(b'rel="self" type="application/atom+xml"', b'rel="self" type="text/xml"'), "type 'text/xml'"),
        ("no alternate", atom_with(b'rel="alternate" type="text/html"', b'rel="related" type="text/html"'), "no link rel=alternate"),
        ("enclosure length", atom_with(b'length="184320"', b'length="-1"'), "length '-1'"),
        ("category term", atom_with(b'<category term="', b'<category scheme="'), "without a term"),
        ("updated < published", atom_with(b"<published>20", b"<published>29"), "before published"),
        ("no author", atom_problems(re.sub(rb"<author>.*?</author>", b"", atom.reply.body), atom.url), "no author"),
        ("misplaced", atom_with(b"</feed>", generator + b"</feed>"), "after an entry"),
        ("tombstone", atom_with(b"</feed>", b'<at:deleted-entry ref="urn:uuid:%s"/></feed>' % ids[0][9:]), "at:deleted-entry when"),
    ]:  # fmt: skip
        expect(case, problems, fragment)
    document = json.loads(json_feed.reply.body)
    item = document["items"][0]
    for case, broken, fragment in [
        ("no items", {k: v for k, v in document.items() if k != "items"}, "'items' is a required"),
        ("no id", {**document, "items": [{k: v for k, v in item.items() if k != "id"}]}, "'id' is a required"),
        ("numeric id", {**document, "items": [{**item, "id": 1}]}, "not of type 'string'"),
        ("no content", {**document, "items": [{k: v for k, v in item.items() if not k.startswith("content")}]}, "schema:"),
        ("bad date", {**document, "items": [{**item, "date_published": "20 Nov 2026"}]}, "'date-time'"),
        ("relative url", {**document, "items": [{**item, "url": "/x"}]}, "'uri'"),
        ("author string", {**document, "authors": ["Rae"]}, "not of type 'object'"),
        ("empty author", {**document, "authors": [{}]}, "schema:"),
        ("hub without type", {**document, "hubs": [{"url": HUB}]}, "'type' is a required"),
        ("unknown key", {**document, "items": [{**item, "content": "x"}]}, "'content' does not match any of the regexes"),
        ("extension not object", {**document, "_contentfeed": "x"}, "not of type 'object'"),
        ("version 1.0", {**document, "version": "https://jsonfeed.org/version/1"}, "version/1.1"),
        ("feed_url elsewhere", {**document, "feed_url": HUB}, "feed_url"),
    ]:  # fmt: skip
        expect(case, json_problems(json.dumps(broken).encode(), json_feed.url), fragment)
    assert not missed, "\n".join(missed)
    # And extensions (an underscore and a letter) and hubs with a type and a url are valid
    extended = {**document, "_x": {"a": 1}, "hubs": [{"type": "WebSub", "url": HUB}]}
    assert not json_problems(json.dumps(extended).encode(), json_feed.url)


# --- edge cases the API accepts ----------------------------------------------------------------


def test_an_article_with_every_optional_part_keeps_the_feeds_valid(
    server: Server, created: list[str]
) -> None:
    # Given an article with relative links of every kind, entities, an image of unknown size,
    # people with non-ASCII names, contributors and a language of its own
    article = create(
        server,
        created,
        {
            "title": "Q&A: “Edge” cases — <3 & more",
            "summary": "Fish & chips, “quoted”, and 3 < 4.",
            "content_html": (
                '<p>See <a href="/about">about</a>, <a href="#notes">notes</a>, '
                '<a href="//cdn.example.com/x">cdn</a>, <a href="mailto:desk@example.com">mail</a>.'
                '</p><p><img src="pic.png" srcset="a.png 1x, /b.png 2x" alt="x" onerror="x()">'
                '</p><blockquote cite="/src">q</blockquote><script>x()</script>'
                '<h2 id="notes">Notes</h2><table><tr><td>1 &amp; 2</td></tr></table>'
            ),
            "authors": [
                {"name": "Zoë Ångström", "url": "https://example.com/zoe"},
                {"name": "Edge Writer", "email": "edge@example.com"},
            ],
            "contributors": [{"name": "Ana Contributor", "role": "photos"}],
            "tags": ["Edge Case", "Second Edge"],
            "image": {
                "url": "https://images.example.com/edge.webp",
                "length": 0,
                "type": "image/webp",
                "caption": "A caption with <angle brackets> & an ampersand",
                "credit": "Me",
                "alt": "alt text",
            },
            "language": "fr",
        },
    )
    # When the site feeds and its (ASCII-named) tag and author feeds are fetched
    scopes = [scope for scope in scopes_of(list_articles(server)) if scope.folder.isascii()]
    mine = [
        scope
        for scope in scopes
        if scope.folder in ("", "/tags/edge-case", "/tags/second-edge", "/authors/edge-writer")
    ]
    assert len(mine) == 4
    articles = {a.feed_id: a for scope in mine for a in scope.articles}
    problems = Problems()
    for scope in mine:
        for fetched in fetch_scope(server, scope):
            problems.found += http_problems(fetched).found
            problems.found += document_problems(fetched, articles).found
            assert f"urn:uuid:{article['id']}" in feed_ids(fetched), fetched.url
    # Then every rule still holds
    assert not problems, str(problems)


def test_feeds_of_tags_and_authors_with_non_ascii_names_are_served(
    server: Server, created: list[str]
) -> None:
    # Given an article whose tag and author have non-ASCII names
    create(
        server,
        created,
        {"title": "Crème brûlée", "tags": ["Café"], "authors": [{"name": "Zoë Ångström"}],
         "content_html": "<p>x</p>"},
    )  # fmt: skip
    # When their feeds are fetched at their percent-encoded URLs
    for path in ("/tags/caf%C3%A9/feed.xml", "/authors/zo%C3%AB-%C3%A5ngstr%C3%B6m/atom.xml"):
        fetched = fetch(server, path, Scope(path.rsplit("/", 1)[0], []))
        # Then each is served, with rel=self naming the URL fetched (ASCII, as HTTP needs)
        assert fetched.reply.status == 200, fetched.reply.body
        problems = http_problems(fetched)
        problems.found += document_problems(fetched).found
        assert not problems, str(problems)


# --- ids never change --------------------------------------------------------------------------


def test_editing_title_and_slug_keeps_every_entry_id(server: Server, created: list[str]) -> None:
    # Given a published article in the site, tag and author feeds
    article = create(
        server,
        created,
        {
            "title": "Original title",
            "slug": "original-slug",
            "tags": ["Id Stability"],
            "authors": [{"name": "Ida Stable"}],
            "content_html": "<p>Before.</p>",
        },
    )
    paths = [
        f"{folder}/{name}"
        for folder in ("", "/tags/id-stability", "/authors/ida-stable")
        for name in FILES
    ]
    scope = Scope("", [])
    before = {path: fetch(server, path, scope) for path in paths}
    ids_before = {path: feed_ids(fetched) for path, fetched in before.items()}
    entry = next(i for i in ids_before["/feed.xml"] if article["id"] in i)
    # And the id is opaque: nothing of the slug, the title or the host
    for derived in ("original", "slug", "title", "127.0.0.1", "example.com"):
        assert derived not in entry.lower()
    # When its title and slug are edited
    edited = patch(server, article["id"], {"title": "Edited title", "slug": "edited-slug"})
    assert edited["slug"] == "edited-slug"
    # Then every feed, in every format, has the same ids in the same order
    for path in paths:
        after = fetch(server, path, scope)
        assert feed_ids(after) == ids_before[path], path
        # And the entry carries the new title under its old id, once
        titles = feed_titles(after)
        assert titles[entry] == "Edited title", path
        assert list(titles.values()).count("Edited title") == 1
        assert "Original title" not in titles.values()


# --- conditional GET ---------------------------------------------------------------------------


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> Reply:
    return server.request("GET", path, headers=headers)


@pytest.mark.parametrize(
    "path", ["/feed.xml", "/atom.xml", "/feed.json", "/tags/tech-workers/atom.xml"]
)
def test_if_none_match_answers_304_with_the_validators_and_no_body(
    server: Server, path: str
) -> None:
    # Given a feed and its validators
    first = get(server, path)
    assert first.status == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    # When it is asked for again with its ETag (alone, weak, or in a list)
    for value in (etag, f"W/{etag}", f'"other", {etag}'):
        again = get(server, path, {"If-None-Match": value})
        # Then the answer is 304 with the same validators, cache headers and no body
        assert again.status == 304, value
        assert again.body == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Last-Modified"] == last_modified
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        assert "accept" in again.headers["Vary"].lower()
    # And another ETag gets the full feed
    assert get(server, path, {"If-None-Match": '"something-else"'}).status == 200


def test_the_html_view_has_its_own_etag(server: Server) -> None:
    # Given the RSS feed and its HTML view, at one URL
    feed = get(server, "/feed.xml")
    page = get(server, "/feed.xml", {"Accept": BROWSER_ACCEPT})
    assert page.headers["Content-Type"].startswith("text/html")
    # Then their ETags differ, so a cache never answers one with the other
    assert page.headers["ETag"] != feed.headers["ETag"]
    assert get(server, "/feed.xml", {"If-None-Match": page.headers["ETag"]}).status == 200
    revalidated = get(
        server, "/feed.xml", {"If-None-Match": page.headers["ETag"], "Accept": BROWSER_ACCEPT}
    )
    assert revalidated.status == 304


def test_if_modified_since(server: Server) -> None:
    # Given a feed's Last-Modified
    first = get(server, "/atom.xml")
    last_modified = first.headers["Last-Modified"]
    moment = parsedate_to_datetime(last_modified)
    # When asked with that date, or a later one, then 304 with the validators
    for since in (last_modified, format_datetime(moment + timedelta(hours=1), usegmt=True)):
        again = get(server, "/atom.xml", {"If-Modified-Since": since})
        assert again.status == 304 and again.body == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Last-Modified"] == last_modified
    # And with an earlier date, the full feed
    earlier = format_datetime(moment - timedelta(seconds=1), usegmt=True)
    assert get(server, "/atom.xml", {"If-Modified-Since": earlier}).status == 200


def test_if_none_match_wins_over_if_modified_since(server: Server) -> None:
    first = get(server, "/feed.json")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    long_ago = "Thu, 01 Jan 1970 00:00:00 GMT"
    # When If-None-Match does not match but If-Modified-Since would: the full feed
    both = get(
        server, "/feed.json", {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    )
    assert both.status == 200 and both.body == first.body
    # When If-None-Match matches but If-Modified-Since would not: 304
    both = get(server, "/feed.json", {"If-None-Match": etag, "If-Modified-Since": long_ago})
    assert both.status == 304


def validators(server: Server, paths: list[str]) -> dict[str, str]:
    return {path: get(server, path).headers["ETag"] for path in paths}


def assert_changed(server: Server, paths: list[str], old: dict[str, str]) -> dict[str, str]:
    """Every path has a new ETag, and its old one no longer gets a 304."""
    new = validators(server, paths)
    for path in paths:
        assert new[path] != old[path], path
        assert get(server, path, {"If-None-Match": old[path]}).status == 200, path
    return new


def test_new_edited_and_deleted_articles_change_the_etag_at_once(
    server: Server, created: list[str]
) -> None:
    # Given the site feeds' ETags
    site = ["/feed.xml", "/atom.xml", "/feed.json"]
    tag = [f"/tags/conditional/{name}" for name in FILES]
    etags = validators(server, site)
    # When an article is published, then every feed it is in changes at once
    article = create(
        server,
        created,
        {"title": "Conditional one", "tags": ["Conditional"], "content_html": "<p>1</p>"},
    )
    etags = assert_changed(server, site, etags) | validators(server, tag)
    paths = site + tag
    assert any(article["id"] in i for i in feed_ids(fetch(server, "/feed.xml", Scope("", []))))
    # When it is edited, then they change again and carry the edit
    patch(server, article["id"], {"title": "Conditional one, edited"})
    etags = assert_changed(server, paths, etags)
    titles = feed_titles(fetch(server, "/tags/conditional/feed.json", Scope("", [])))
    assert titles[f"urn:uuid:{article['id']}"] == "Conditional one, edited"
    # When it is deleted, then they change again, the item is gone and Atom says so
    assert server.request("DELETE", f"/articles/{article['id']}", key=server.key).status == 204
    created.remove(article["id"])
    assert_changed(server, paths, etags)
    atom = fetch(server, "/atom.xml", Scope("", []))
    assert f"urn:uuid:{article['id']}" not in feed_ids(atom)
    root = parse_xml(atom.reply.body)
    refs = [deleted.get("ref") for deleted in root.iterfind("at:deleted-entry", NS)]
    assert f"urn:uuid:{article['id']}" in refs
    known = {a.feed_id: a for a in list_articles(server)}
    assert not atom_problems(atom.reply.body, atom.url, known)


def test_a_scheduled_article_changes_the_etag_when_it_becomes_due(
    server: Server, created: list[str]
) -> None:
    # Given an article scheduled three seconds from now
    due = (datetime.now(UTC) + timedelta(seconds=3)).replace(microsecond=0)
    article = create(
        server,
        created,
        {"title": "Scheduled one", "published_at": due.isoformat(), "content_html": "<p>s</p>"},
    )
    entry = f"urn:uuid:{article['id']}"
    paths = ["/feed.xml", "/atom.xml", "/feed.json"]
    # Then before it is due it is in no feed
    before = {path: fetch(server, path, Scope("", [])) for path in paths}
    assert datetime.now(UTC) < due, "the server took too long: the article is already due"
    for path, fetched in before.items():
        assert entry not in feed_ids(fetched), path
    # When its time has come (and a second more)
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)
    # Then every feed has a new ETag at once, and the article
    for path, fetched in before.items():
        again = get(server, path, {"If-None-Match": fetched.reply.headers["ETag"]})
        assert again.status == 200, path
        assert again.headers["ETag"] != fetched.reply.headers["ETag"]
        assert entry in feed_ids(fetch(server, path, Scope("", []))), path
        assert parsedate_to_datetime(again.headers["Last-Modified"]) >= due


def test_scheduling_an_article_leaves_the_feed_alone_until_it_is_due(
    server: Server, created: list[str]
) -> None:
    # Given the site feeds
    paths = ["/feed.xml", "/atom.xml", "/feed.json"]
    before = {path: get(server, path) for path in paths}
    # When an article is scheduled for tomorrow
    due = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    create(
        server,
        created,
        {"title": "Tomorrow", "published_at": due.isoformat(), "content_html": "<p>t</p>"},
    )
    # Then nothing a reader sees has changed: same bytes, same validators, still 304
    for path, reply in before.items():
        again = get(server, path, {"If-None-Match": reply.headers["ETag"]})
        assert again.status == 304, path
        assert get(server, path).body == reply.body, path
