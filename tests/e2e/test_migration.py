"""A publisher's first day: importing real-world-shaped feeds into ``contentfeed serve`` over HTTP.

The fixtures in tests/data/migration reproduce quirks seen in real feeds (written for these
tests, copied from none): Squarespace object ids, numeric, relative and Drupal-style guids, an
iframe-only post, a podcast enclosure, Atom ``updated`` distinct from ``published``, JSON Feed
1.1 and 1.0, a truncated file, an HTML page. A huge entry is generated.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from contentfeed.rendering.identity import GUID_NAMESPACE
from tests.conftest import ROOT
from tests.e2e.conftest import Server, running_server
from tests.e2e.test_cli import contentfeed

pytestmark = pytest.mark.e2e
DATA = ROOT / "tests" / "data" / "migration"
ATOM = "{http://www.w3.org/2005/Atom}"
SQUARESPACE_GUIDS = {
    "5e8f1c2a9b3d4e0012ab34cd:5e8f1c3b9b3d4e0012ab34ef:6615a0c27d1e2f0a3b4c5d6e",
    "5e8f1c2a9b3d4e0012ab34cd:5e8f1c3b9b3d4e0012ab34ef:6611f5e07d1e2f0a3b4c5d01",
    "1042",
    "/journal/relative?id=77",
    "881 at https://fieldwork.example.com",
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server("--no-seed") as started:
        yield started


def run(server: Server, source: Path | str, *extra: str, cwd: Path) -> tuple[int, list[str]]:
    result = contentfeed(
        "import", str(source), "--api", server.base, *extra, key=server.key, cwd=cwd
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr.splitlines()


def moment(text: object) -> datetime:
    return datetime.fromisoformat(str(text))


def articles(server: Server) -> dict[str, dict[str, object]]:
    items = server.request("GET", "/articles?limit=100").json()["items"]
    return {str(item["guid"]): item for item in items}


def atom_entries(server: Server) -> dict[str, etree._Element]:
    root = etree.fromstring(server.request("GET", "/atom.xml?limit=100").body)
    return {str(e.findtext(f"{ATOM}id")): e for e in root.iter(f"{ATOM}entry")}


def test_ids_are_kept_verbatim_and_atom_gets_a_stable_iri(server: Server, tmp_path: Path) -> None:
    # When a Squarespace-style feed is imported
    code, lines = run(server, DATA / "squarespace.rss", cwd=tmp_path)
    # Then every entry is created, and what they lost is said entry by entry and counted
    assert code == 0, lines
    summary = lines[-1]
    assert summary.startswith("import: 5 created, 0 updated, 0 unchanged, 0 failed")
    assert "2 lost something (1 element, 1 embed, 1 enclosure)" in summary
    text = "\n".join(lines)
    assert (
        "(Video: the estuary at dawn): lost embedded iframe https://www.youtube.com/embed/" in text
    )
    assert (
        "(Episode 3: tide tables): lost elements <script> with all they held; <form>, <input> "
        "(their text stays)" in text
    )
    assert (
        "(Episode 3: tide tables): lost enclosure https://media.example.com/fieldwork/ep3.mystery: unknown type"
        in text
    )
    # And RSS and JSON Feed show each source id verbatim (readers see no duplicate)
    rss = feedparser.parse(server.request("GET", "/feed.xml?limit=100").body)
    assert {entry.id for entry in rss.entries} >= SQUARESPACE_GUIDS
    jsonfeed = server.request("GET", "/feed.json?limit=100").json()
    assert {item["id"] for item in jsonfeed["items"]} >= SQUARESPACE_GUIDS
    # And Atom, which needs an IRI, shows urn:uuid:uuid5(namespace, guid): stable, documented
    ids = set(atom_entries(server))
    assert {f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, guid)}" for guid in SQUARESPACE_GUIDS} <= ids
    # And the iframe-only post is there with its title (the embed is what it lost)
    stored = articles(server)
    assert stored[next(g for g in SQUARESPACE_GUIDS if g.endswith("5d01"))]["title"] == (
        "Video: the estuary at dawn"
    )
    # And the episode keeps every enclosure it could (as attachments) and its iTunes fields
    episode = stored["881 at https://fieldwork.example.com"]
    assert [(a["url"], a["type"], a["length"], a["duration"]) for a in episode["attachments"]] == [  # type: ignore[attr-defined]
        ("https://media.example.com/fieldwork/ep3.mp3", "audio/mpeg", 23541232, 1471),
        ("https://media.example.com/fieldwork/ep3-transcript.pdf", "application/pdf", 48211, None),
    ]
    podcast = episode["podcast"]
    assert {k: podcast[k] for k in ("episode", "season", "episode_type", "explicit", "image")} == {  # type: ignore[index]
        "episode": 3,
        "season": 2,
        "episode_type": "full",
        "explicit": True,
        "image": "https://media.example.com/fieldwork/ep3.jpg",
    }
    enclosures = [
        (e.href, e.type, e.length) for entry in rss.entries for e in entry.get("enclosures", [])
    ]
    assert ("https://media.example.com/fieldwork/ep3.mp3", "audio/mpeg", "23541232") in enclosures
    # When it is imported again, nothing changes
    code, lines = run(server, DATA / "squarespace.rss", cwd=tmp_path)
    assert code == 0 and lines[-1].startswith("import: 0 created, 0 updated, 5 unchanged")


def test_source_dates_survive_and_are_served(server: Server, tmp_path: Path) -> None:
    # When an Atom feed whose entry was updated after it was published is imported
    code, lines = run(server, DATA / "updated.atom", cwd=tmp_path)
    assert code == 0, lines
    # Then Atom serves both dates as the source had them, not the time of the import
    bridge = atom_entries(server)["tag:nightshift.example.net,2026:bridge"]
    assert moment(bridge.findtext(f"{ATOM}published")) == moment("2026-03-20T06:00:00Z")
    assert moment(bridge.findtext(f"{ATOM}updated")) == moment("2026-04-02T22:10:00Z")
    quiet = atom_entries(server)["tag:nightshift.example.net,2026:quiet"]
    assert moment(quiet.findtext(f"{ATOM}updated")) == moment("2026-03-18T20:00:00Z")
    # And so do JSON Feed (date_modified) and the API (modified_at)
    items = {i["id"]: i for i in server.request("GET", "/feed.json?limit=100").json()["items"]}
    modified = items["tag:nightshift.example.net,2026:bridge"]["date_modified"]
    assert moment(modified) == moment("2026-04-02T22:10:00Z")
    api = articles(server)["tag:nightshift.example.net,2026:bridge"]
    assert moment(api["modified_at"]) == moment("2026-04-02T22:10:00Z")
    assert moment(api["published_at"]) == moment("2026-03-20T06:00:00Z")


def test_json_feeds_1_1_and_1_0_are_imported(server: Server, tmp_path: Path) -> None:
    # When a JSON Feed 1.1 is imported
    code, lines = run(server, DATA / "feed.json", cwd=tmp_path)
    assert code == 0, lines
    text = "\n".join(lines)
    # Then its numeric id is the guid, verbatim, and its fields are kept where articles have them
    stored = articles(server)
    autumn = stored["2031"]
    assert (
        autumn["title"] == "The autumn list" and autumn["summary"] == "Six new titles this autumn."
    )
    assert autumn["tags"] == ["Catalogue", "Autumn"]
    assert autumn["image"]["url"] == "https://smallpress.example.org/img/autumn.jpg"  # type: ignore[index]
    assert autumn["authors"] == [
        {"name": "Ruth Adeyemi", "email": None, "url": "https://smallpress.example.org/ruth"}
    ]
    assert moment(autumn["modified_at"]) == moment("2026-03-15T16:45:00Z")
    assert 'href="https://smallpress.example.org/catalogue"' in str(autumn["content_html"])
    assert autumn["language"] == "en-GB"
    # And a text-only item becomes paragraphs, with the feed's author
    note = stored["note-7"]
    assert note["content_html"] == "<p>Plain text only.</p><p>Second paragraph &amp; more.</p>"
    assert note["authors"] == [{"name": "Small Press", "email": None, "url": None}]
    # And what has no place in an article is reported, not dropped silently
    assert "lost extension _smallpress" in text and "lost Ruth Adeyemi's avatar" in text
    assert [(a["url"], a["type"], a["length"]) for a in note["attachments"]] == [  # type: ignore[attr-defined]
        ("https://smallpress.example.org/audio/reading.m4a", "audio/x-m4a", 4800000)
    ]
    # When a JSON Feed 1.0 (one `author`) is imported, it works the same
    code, lines = run(server, DATA / "feed-1.0.json", cwd=tmp_path)
    assert code == 0, lines
    first = articles(server)["https://oldstyle.example.org/1"]
    assert first["authors"] == [{"name": "Tomas Berg", "email": None, "url": None}]
    assert moment(first["published_at"]) == moment("2025-12-01T14:00:00Z")


def test_huge_entries_are_cut_to_what_one_article_holds_and_say_so(
    server: Server, tmp_path: Path
) -> None:
    # Given a feed whose second entry has 543,789 characters of content in one paragraph (as
    # one real one had), and whose last is a CJK article of 60,000 characters in paragraphs
    body = "<p>" + "x" * (543_789 - 7) + "</p>"
    cjk = "".join(f"<p>{'漢字かな交じり文。' * 20}</p>" for _ in range(333))
    items = "".join(
        f"<item><title>{title}</title><guid>huge-{n}</guid>"
        f"<link>https://big.example.org/{n}</link><description><![CDATA[{html}]]></description></item>"
        for n, (title, html) in enumerate(
            [
                ("Before", "<p>small</p>"),
                ("Enormous", body),
                ("After", "<p>small</p>"),
                ("長文", cjk),
            ]
        )
    )
    feed = tmp_path / "big.rss"
    feed.write_text(
        f'<rss version="2.0"><channel><title>Big</title><link>https://big.example.org/</link>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    # When it is imported
    code, lines = run(server, feed, cwd=tmp_path)
    # Then the one-paragraph entry is cut as text at a word, the CJK one after the paragraphs
    # one request can carry (its UTF-8, not \u escapes); each says so; all four are imported
    assert code == 0, lines
    cut = [line for line in lines if "543,789 characters" in line]
    assert len(cut) == 1 and "over the limit of 100,000): cut after" in cut[0]
    assert "as text, at a word" in cut[0]
    assert any("bytes to send, over the API's limit of 131,072" in line for line in lines)
    assert lines[-1].startswith("import: 4 created, 0 updated, 0 unchanged, 0 failed")
    assert "(2 too large)" in lines[-1]
    stored = articles(server)
    assert {"huge-0", "huge-1", "huge-2", "huge-3"} <= set(stored)
    assert str(stored["huge-1"]["content_html"]).startswith("<p>xxxx")
    long = str(stored["huge-3"]["content_html"])
    assert cjk.startswith(long[: long.rindex("</p><p>[…]") + 4])
    assert long.endswith(">https://big.example.org/3</a></p>")


def test_strict_makes_any_loss_an_error_and_writes_nothing(server: Server, tmp_path: Path) -> None:
    # Given a feed two of whose entries would lose something (an embed; a script and a podcast)
    copy = tmp_path / "site.rss"
    copy.write_text(
        (DATA / "squarespace.rss").read_text(encoding="utf-8").replace("5e8f", "9a9a"),
        encoding="utf-8",
    )
    before = set(articles(server))
    # When it is imported with --strict
    code, lines = run(server, copy, "--strict", cwd=tmp_path)
    # Then it fails, says what would be lost, and writes nothing at all
    assert code == 1
    assert lines[-1] == (
        "contentfeed: --strict: 2 of 5 entries would lose something or fail; nothing was written"
    )
    assert any("lost embedded iframe" in line for line in lines)
    assert set(articles(server)) == before
    # And a feed that loses nothing imports under --strict
    code, lines = run(server, DATA / "updated.atom", "--strict", cwd=tmp_path)
    assert code == 0, lines


def _not_json_feed(tmp_path: Path) -> Path:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"name": "not a feed", "items": []}), encoding="utf-8")
    return path


def _export_without_id(tmp_path: Path) -> Path:
    path = tmp_path / "backup.jsonl"
    path.write_text(
        json.dumps({"id": "ok-1", "title": "Fine"}) + "\n" + json.dumps({"title": "No id"}) + "\n",
        encoding="utf-8",
    )
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    return path


def _truncated_json(tmp_path: Path) -> Path:
    path = tmp_path / "cut.json"
    path.write_text((DATA / "feed.json").read_text(encoding="utf-8")[:600], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda _: DATA / "page.html", "page.html: an HTML page, not a feed: its feed is at "),
        (lambda _: DATA / "truncated.rss", "truncated.rss: the feed ends mid-way"),
        (_truncated_json, "cut.json: the JSON ends mid-way"),
        (_empty, "empty.xml: the file is empty"),
        (_not_json_feed, "settings.json: JSON, but not a JSON Feed"),
        (_export_without_id, "backup.jsonl:2: no id"),
    ],
    ids=["html", "truncated", "truncated-json", "empty", "json-not-feed", "export-no-id"],
)
def test_input_that_is_not_what_it_claims_is_one_line_and_stores_nothing(
    server: Server, tmp_path: Path, make: object, says: str
) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    before = set(articles(server))
    code, lines = run(server, source, cwd=tmp_path)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("contentfeed: ") and says in lines[0], lines
    # And nothing was stored: not the truncated feed's complete first entry, not its half one
    assert set(articles(server)) == before


def test_publishing_an_empty_folder_says_so(server: Server, tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    result = contentfeed("publish", "posts", "--api", server.base, key=server.key, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "contentfeed: posts: no .md files found (hidden folders are skipped)"
    ]


def test_a_podcast_import_creates_its_show_from_the_channel(server: Server, tmp_path: Path) -> None:
    # When a podcast feed is imported as the show tide-tables
    code, lines = run(server, DATA / "podcast.rss", "--show", "tide-tables", cwd=tmp_path)
    assert code == 0, lines
    text = "\n".join(lines)
    assert "show tide-tables: created" in text
    assert "show tide-tables: lost category 'Games & Hobbies'" in text
    # Then the show carries the channel's iTunes and podcast: fields, and keeps its guid
    show = server.request("GET", "/shows/tide-tables").json()
    assert (show["title"], show["author"], show["type"]) == ("Tide Tables", "Maya Ortiz", "serial")
    assert show["owner"] == {"name": "Fieldwork Journal", "email": "podcast@fieldwork.example.com"}
    assert show["categories"] == [{"name": "Science", "subcategory": "Earth Sciences"}]
    assert show["image"] == "https://media.example.com/fieldwork/cover-3000.jpg"
    assert show["guid"] == "4d1ef8a6-6a2e-5e2c-9a8b-0c1d2e3f4a5b"
    # And its podcast feed lists both episodes with their audio
    feed = feedparser.parse(server.request("GET", "/shows/tide-tables/feed.xml").body)
    assert {e.id for e in feed.entries} == {"tide-tables-2", "tide-tables-0"}
    assert {e.enclosures[0].href for e in feed.entries} == {
        "https://media.example.com/fieldwork/tt2.mp3",
        "https://media.example.com/fieldwork/tt0.mp3",
    }
    episode = articles(server)["tide-tables-2"]
    assert episode["show"] == "tide-tables"
    assert episode["podcast"]["episode"] == 2  # type: ignore[index]
    # When it is imported again, neither the show nor the episodes change
    code, lines = run(server, DATA / "podcast.rss", "--show", "tide-tables", cwd=tmp_path)
    assert code == 0 and "show tide-tables: unchanged" in "\n".join(lines)
    assert lines[-1].startswith("import: 0 created, 0 updated, 2 unchanged")


def test_a_channel_that_cannot_make_a_show_stops_before_any_write(
    server: Server, tmp_path: Path
) -> None:
    # Given a podcast feed whose channel has no owner and no artwork
    bare = tmp_path / "bare.rss"
    text = (DATA / "podcast.rss").read_text(encoding="utf-8")
    text = re.sub(r"<itunes:owner>.*?</itunes:owner>|<itunes:image [^>]*/>", "", text, flags=re.S)
    bare.write_text(text.replace("tide-tables-", "bare-"), encoding="utf-8")
    before = set(articles(server))
    # When it is imported as a new show
    code, lines = run(server, bare, "--show", "bare-show", cwd=tmp_path)
    # Then one line says what the channel lacks and how to go on, and nothing is written
    assert code == 1
    assert (
        len(lines) == 1 and "--show bare-show: this feed's channel cannot make the show" in lines[0]
    )
    assert "PUT /shows/bare-show" in lines[0]
    assert set(articles(server)) == before
    assert server.request("GET", "/shows/bare-show").status == 404
