"""``publish``, ``import`` and ``export`` writing straight to the table (``TableSink``) on moto."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import feedparser
import pytest
from boto3.dynamodb.types import TypeDeserializer

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.dal import items as mapping
from contentfeed.logic import articles as logic
from contentfeed.models.api import MAX_TAGS
from contentfeed_cli import cli
from contentfeed_cli.tools.export import export
from contentfeed_cli.tools.importer import IMPORT_NAMESPACE, run_import
from contentfeed_cli.tools.publish import publish
from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.sink import TableSink
from contentfeed_cli.tools.sync import Outcome
from tests.conftest import NOW, ROOT, TABLE
from tests.integration.test_feeds import get

DATA = ROOT / "tests" / "data"
WORDPRESS = DATA / "wordpress.rss"
ATOM = DATA / "blog.atom"
SITE = "https://news.example.org"


def imported_id(guid: str) -> str:
    return str(uuid.uuid5(IMPORT_NAMESPACE, guid))


def stored(ddb: Any) -> dict[str, dict[str, Any]]:
    """Every article item in the table, by id, its HTML decompressed (test inspection: a plain
    scan)."""
    deserializer = TypeDeserializer()
    items = ddb.scan(TableName=TABLE)["Items"]
    found = [{k: deserializer.deserialize(v) for k, v in item.items()} for item in items]
    for item in found:
        if mapping.CONTENT_Z in item:
            item["content_html"] = mapping.unpack(item.pop(mapping.CONTENT_Z))
    return {item["id"]: item for item in found if item.get("type") == "article"}


def report() -> Report:
    return Report("test", stream=io.StringIO(), tty=False)


def output(report: Report) -> str:
    assert isinstance(report.stream, io.StringIO)
    return report.stream.getvalue()


@pytest.fixture
def sink(store: Store, env: Settings) -> TableSink:
    return TableSink(store, site_url=env.site_url, clock=lambda: NOW)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three files, one of them broken, one in a sub-folder, one with an id of its own."""
    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "harbour.md").write_text(
        '---\ntitle: Harbour day\ntags: [Sea]\ndate: 2026-03-01\n---\nBoats "everywhere", see [map](map.html).\n',
        encoding="utf-8",
    )
    (tmp_path / "broken.md").write_text(
        "---\ntitle: Broken\ncategories: [a]\n---\nBody\n", encoding="utf-8"
    )
    (tmp_path / "market.md").write_text(
        "---\nid: market-2026\ntitle: Market\nauthors: [Ana Lima]\n"
        "published_at: 2026-03-02T10:00:00+01:00\n---\nStalls.\n",
        encoding="utf-8",
    )
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "hidden.md").write_text("not front matter", encoding="utf-8")
    return tmp_path


def test_publishing_a_folder_publishes_every_good_file_and_names_the_broken_one(
    folder: Path, sink: TableSink, ddb: Any
) -> None:
    # When the folder is published
    run = report()
    code = publish(folder, sink, run)
    # Then the good files are articles and the broken one is reported by file and line
    assert code == 1
    assert (run.counts[Outcome.CREATED], run.counts[Outcome.FAILED]) == (2, 1)
    assert "broken.md:3: unknown key 'categories' (use tags)" in output(run)
    articles = stored(ddb)
    assert set(articles) >= {"market-2026"} and len(articles) == 2
    # And the file without an id got one, which is the article's id
    first_line = (folder / "2026" / "harbour.md").read_text(encoding="utf-8").splitlines()[1]
    harbour_id = first_line.removeprefix("id: ")
    assert harbour_id in articles and "wrote `id: " in output(run)
    harbour = articles[harbour_id]
    assert harbour["title"] == "Harbour day" and harbour["published_at"].startswith(
        "2026-03-01T00:00"
    )
    assert "Boats “everywhere”" in harbour["content_html"]
    assert f'href="{SITE}/map.html"' in harbour["content_html"]


def test_publishing_again_changes_nothing_and_an_edit_updates_the_same_article(
    folder: Path, sink: TableSink, ddb: Any
) -> None:
    publish(folder, sink, report())
    before = {article_id: item["version"] for article_id, item in stored(ddb).items()}
    # When the same folder is published again (the broken file now fixed)
    (folder / "broken.md").write_text("---\ntitle: Fixed\n---\nBody\n", encoding="utf-8")
    again = report()
    assert publish(folder, sink, again) == 0
    # Then nothing that was published is written again
    assert again.counts == {Outcome.UNCHANGED: 2, Outcome.CREATED: 1}
    after = stored(ddb)
    assert all(after[article_id]["version"] == v for article_id, v in before.items())
    # When a file's title and body are edited
    market = folder / "market.md"
    market.write_text(
        market.read_text(encoding="utf-8").replace("title: Market", "title: Market moves"),
        encoding="utf-8",
    )
    edited = report()
    assert publish(market, sink, edited) == 0
    # Then the same article is updated: no new article, a new version
    assert edited.counts == {Outcome.UPDATED: 1}
    latest = stored(ddb)
    assert len(latest) == 3 and latest["market-2026"]["title"] == "Market moves"
    assert latest["market-2026"]["version"] == 2


def test_two_files_with_one_id_are_not_both_published(tmp_path: Path, sink: TableSink) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"---\nid: same\ntitle: {name}\n---\n", encoding="utf-8")
    run = report()
    assert publish(tmp_path, sink, run) == 1
    assert "b.md:2: id same is also the id of" in output(run)


def test_importing_a_wordpress_feed(sink: TableSink, ddb: Any) -> None:
    # When the WordPress-shaped RSS feed is imported
    run = report()
    assert run_import(str(WORDPRESS), sink, run) == 0
    # Then four entries became articles; the repeated guid and the one without any id are skipped
    assert (run.counts[Outcome.CREATED], run.counts[Outcome.SKIPPED]) == (4, 2)
    articles = stored(ddb)
    assert len(articles) == 4
    tom = articles[imported_id("https://harbour.example.org/?p=101")]
    # And the first keeps its guid, loses the HTML of its title, and has a plain summary
    assert tom["guid"] == "https://harbour.example.org/?p=101"
    assert tom["title"] == "Tom & Jerry’s big day"
    assert tom["summary"].startswith("The ferry came back on time") and "<" not in tom["summary"]
    # And its relative links point where they did on the old site; the script is gone
    html = tom["content_html"]
    assert 'href="https://harbour.example.org/2026/02/ferry-timetable/"' in html
    assert 'href="https://harbour.example.org/2026/03/tom-and-jerry/#photos"' in html
    assert 'src="https://harbour.example.org/wp-content/uploads/2026/03/ferry.jpg"' in html
    assert "<script" not in html and "tracking" not in html
    # And tags are deduplicated, unusable ones dropped; the image enclosure is the image
    assert tom["tags"] == ["News", "Harbour & Sea"]
    assert tom["image"] == {
        "url": "https://harbour.example.org/wp-content/uploads/2026/03/ferry.jpg",
        "type": "image/jpeg",
        "length": 48213,
    }
    assert (tom["authors"], tom["language"]) == ([{"name": "Ana Lima"}], "en-GB")
    assert tom["url"] == "https://harbour.example.org/2026/03/tom-and-jerry/"
    assert tom["published_at"].startswith("2026-03-09T07:30:00")
    # And an item without authors has none; without a guid, its link is the guid
    storm = articles[imported_id("https://harbour.example.org/2026/03/storm-warning/")]
    assert storm["authors"] == [] and "summary" not in storm
    assert 'href="https://harbour.example.org/safety/"' in storm["content_html"]
    market = articles[imported_id("https://harbour.example.org/2026/03/market-day/")]
    assert market["guid"] == "https://harbour.example.org/2026/03/market-day/"
    assert "image" not in market  # an audio enclosure is not an image: it is an attachment
    assert market["attachments"] == [
        {
            "url": "https://harbour.example.org/podcast/market.mp3",
            "type": "audio/mpeg",
            "length": 1200000,
        }
    ]
    # And a Ghost-style bare guid is kept verbatim, and gives a stable article id
    lamp = articles[imported_id("3f0c1a52-ghost-post")]
    assert lamp["guid"] == "3f0c1a52-ghost-post" and lamp["image"]["url"].endswith("/lamp.jpg")
    assert lamp["title"] == "Lighthouse restored — “finally”"
    assert lamp["published_at"].startswith("2026-03-04T11:15:00")  # +0100 made UTC
    # And every loss is reported for its entry and counted
    text = output(run)
    assert "entry 1 (Tom & Jerry’s big day): lost elements <script>" in text
    assert "neither an id (guid) nor a link" in text
    assert run.losses == {"element": 1, "tag": 1, "skipped": 2}


def test_importing_an_atom_feed(sink: TableSink, ddb: Any) -> None:
    run = report()
    assert run_import(str(ATOM), sink, run) == 0
    assert (run.counts[Outcome.CREATED], run.counts[Outcome.SKIPPED]) == (3, 1)
    articles = stored(ddb)
    cafe = articles[imported_id("tag:notes.example.net,2024:post-1")]
    # An HTML title becomes text, entities decoded
    assert cafe["title"] == "Café notes & more"
    assert cafe["summary"] == "Three cafés worth the detour."
    # Links resolve against xml:base, as Atom says
    assert 'href="https://notes.example.net/posts/cafe-notes/map.html"' in cafe["content_html"]
    assert cafe["image"] == {
        "url": "https://notes.example.net/images/cafe.png",
        "type": "image/png",
        "length": 2048,
    }
    assert cafe["authors"] == [
        {
            "name": "Marc Petit",
            "email": "marc@notes.example.net",
            "url": "https://notes.example.net/marc/",
        }
    ]
    assert (cafe["tags"], cafe["language"]) == (["cafés", "Paris"], "fr")
    # An entry without an author takes the feed's; without published, its updated date
    winter = articles[imported_id("urn:uuid:6f1c2b8e-3c61-4a6e-9f0a-2d4b8e7c1a90")]
    assert winter["authors"] == [
        {"name": "Claire Dubois", "url": "https://notes.example.net/about/"}
    ]
    assert winter["published_at"].startswith("2026-01-10T12:00:00")
    assert "summary" not in winter  # feedparser's summary is the content itself
    no_id = articles[imported_id("https://notes.example.net/posts/no-id/")]
    assert no_id["guid"] == "https://notes.example.net/posts/no-id/"


def test_imported_articles_keep_their_ids_in_every_feed_format(
    sink: TableSink, feeds: ModuleType
) -> None:
    # Given both feeds imported
    run_import(str(WORDPRESS), sink, report())
    run_import(str(ATOM), sink, report())
    iris = {
        "https://harbour.example.org/?p=101",
        "https://harbour.example.org/2026/03/storm-warning/",
        "https://harbour.example.org/2026/03/market-day/",
        "tag:notes.example.net,2024:post-1",
        "urn:uuid:6f1c2b8e-3c61-4a6e-9f0a-2d4b8e7c1a90",
        "https://notes.example.net/posts/no-id/",
    }
    # Then RSS and JSON Feed give the items the ids their old readers know, verbatim
    rss = feedparser.parse(get(feeds, "/feed.xml")["body"].encode())
    assert {entry.id for entry in rss.entries} == iris | {"3f0c1a52-ghost-post"}
    body = json.loads(get(feeds, "/feed.json")["body"])
    assert {item["id"] for item in body["items"]} == iris | {"3f0c1a52-ghost-post"}
    # And Atom the same where they are IRIs, else a urn:uuid derived from the guid alone
    atom = feedparser.parse(get(feeds, "/atom.xml")["body"].encode())
    derived = f"urn:uuid:{uuid.uuid5(IMPORT_NAMESPACE, '3f0c1a52-ghost-post')}"
    assert {entry.id for entry in atom.entries} == iris | {derived}


def test_importing_again_changes_nothing(sink: TableSink, ddb: Any) -> None:
    run_import(str(WORDPRESS), sink, report())
    run_import(str(ATOM), sink, report())
    before = {article_id: item["version"] for article_id, item in stored(ddb).items()}
    # When both feeds are imported again
    for source in (WORDPRESS, ATOM):
        run = report()
        assert run_import(str(source), sink, run) == 0
        # Then every article is unchanged and nothing was written
        assert run.counts[Outcome.CREATED] == run.counts[Outcome.UPDATED] == 0
    assert {article_id: item["version"] for article_id, item in stored(ddb).items()} == before


def exported(sink: TableSink, path: Path) -> dict[str, dict[str, Any]]:
    assert export(sink, path, report()) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def wipe(ddb: Any) -> None:
    for item in ddb.scan(TableName=TABLE)["Items"]:
        ddb.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})


def test_export_then_import_round_trips_every_input_field(
    sink: TableSink, ddb: Any, folder: Path, tmp_path: Path
) -> None:
    # Given imported and published articles, a draft and a scheduled one among them
    run_import(str(WORDPRESS), sink, report())
    run_import(str(ATOM), sink, report())
    (folder / "broken.md").write_text(
        "---\ntitle: Draft\nstatus: draft\ncontributors: [{name: Cy, role: photos}]\n"
        "image: {url: /i.png, caption: Cap, credit: Cr, alt: Alt}\nsummary: S\nlanguage: de\n"
        "published_at: 2027-01-01T00:00:00Z\nguid: urn:example:draft\nslug: a-draft\n---\n*Hi*\n",
        encoding="utf-8",
    )
    publish(folder, sink, report())
    first = exported(sink, tmp_path / "first.jsonl")
    # Then the export holds every article, drafts and scheduled ones too
    assert len(first) == len(stored(ddb)) == 10
    assert {r["status"] for r in first.values()} == {"published", "draft"}
    # When the table is emptied and the export imported
    wipe(ddb)
    run = report()
    assert run_import(str(tmp_path / "first.jsonl"), sink, run) == 0
    assert run.counts[Outcome.CREATED] == 10
    # Then a second export equals the first in every field but the write bookkeeping
    second = exported(sink, tmp_path / "second.jsonl")
    bookkeeping = ("created_at", "updated_at", "version")

    def fields(records: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {i: {k: v for k, v in r.items() if k not in bookkeeping} for i, r in records.items()}

    assert fields(second) == fields(first)
    assert all(set(record) >= {"id", *bookkeeping} for record in second.values())


def test_the_command_line_wires_the_table_sink(
    folder: Path, ddb: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # When `contentfeed publish` and `export` run against the table ($TABLE_NAME, $SITE_URL)
    code = cli.main(["publish", str(folder)])
    # Then they behave as the tools do, with the summary on stderr and the export on stdout
    assert code == 1
    assert "publish: 2 created, 0 updated, 0 unchanged, 1 failed" in capsys.readouterr().err
    assert cli.main(["export"]) == 0
    streams = capsys.readouterr()
    assert len(streams.out.splitlines()) == 2 and "export: 2 article(s) to stdout" in streams.err


def test_an_api_whose_storage_is_misconfigured_stops_the_run_once(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from contentfeed_cli.tools.sink import ApiSink

    requests: list[str] = []

    class Misconfigured(BaseHTTPRequestHandler):
        def _answer(self, status: int, slug: str) -> None:
            body = json.dumps(
                {"type": f"https://contentfeed.dev/problems/{slug}", "title": "T", "status": status}
            ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/problem+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # the pre-flight check: a good key gets 422
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(422, "validation")

        def do_GET(self) -> None:
            requests.append(self.path)
            self._answer(500, "storage-misconfigured")

        def log_message(self, *_: Any) -> None:
            pass

    # Given an API that answers every read with 500 storage-misconfigured
    server = ThreadingHTTPServer(("127.0.0.1", 0), Misconfigured)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sink = ApiSink(f"http://127.0.0.1:{server.server_address[1]}", key="cf_k", site_url=SITE)
        sink.check(writes=True)
        run = report()
        # When a feed of several entries is imported into it
        code = run_import(str(WORDPRESS), sink, run)
    finally:
        server.shutdown()
    # Then the run stops at the first answer, saying so once, instead of failing every entry
    assert code == 1
    assert len(requests) == 1
    assert output(run).count("cannot use its storage") == 1


def test_an_imported_guid_of_an_unsafe_scheme_is_not_kept(
    tmp_path: Path, sink: TableSink, ddb: Any
) -> None:
    # Given a feed whose items claim ids that would run or carry content in a reader
    feed = tmp_path / "hostile.rss"
    items = "".join(
        f"<item><title>Item {n}</title><link>https://old.example.org/{n}</link>"
        f'<guid isPermaLink="false">{guid}</guid></item>'
        for n, guid in enumerate(("javascript:alert(1)", "DATA:text/html,x", "urn:uuid:0c1d"))
    )
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Old</title>'
        f"<link>https://old.example.org/</link><description>d</description>{items}"
        "</channel></rss>",
        encoding="utf-8",
    )
    # When it is imported
    run = report()
    assert run_import(str(feed), sink, run) == 0
    # Then no unsafe id is stored: those entries import with their links as their guids, and
    # each says so
    assert sorted(str(article.get("guid")) for article in stored(ddb).values()) == [
        "https://old.example.org/0",
        "https://old.example.org/1",
        "urn:uuid:0c1d",
    ]
    text = output(run)
    assert "Item 0): lost its id 'javascript:alert(1)'" in text
    assert "Item 1): lost its id 'DATA:text/html,x'" in text
    assert "readers may see it again" in text


def test_imported_tags_are_kept_as_the_source_wrote_them(
    sink: TableSink, store: Store, ddb: Any
) -> None:
    # Given a feed with eleven keywords per episode ("DS" last), a list joined into one
    # category, long subject headings, two tags with one slug and one entry with 17 tags
    # When it is imported
    run = report()
    assert run_import(str(DATA / "migration" / "tags.rss"), sink, run) == 0
    articles = stored(ddb)
    # Then every keyword of the episode is a tag, the short upper-case one included
    episode = articles[imported_id("pch-88")]
    assert episode["tags"][-3:] == ["PSP", "PC", "DS"] and len(episode["tags"]) == 11
    page = logic.list_articles(store, now=NOW, limit=20, cursor=None, tag="ds", author=None)
    assert [article.id for article in page.articles] == [imported_id("pch-88")]
    # And a category joined with bare commas is a list; commas in a heading or a number stay
    bonus = articles[imported_id("pch-bonus-12")]
    assert bonus["tags"] == [
        "Interview",
        "Behind the Scenes",
        "Music",
        "Top 1,000 Games",
        "Geochemistry, Geophysics, Planetary Science",
        "C++",
    ]
    # And a subject heading over 40 characters is kept, and only the 17th tag is dropped
    council = articles[imported_id("pch-news-3")]
    assert council["tags"][0] == "Regional transport and infrastructure policy"
    assert len(council["tags"]) == MAX_TAGS and "Rail" not in council["tags"]
    # And what was dropped is reported once per tag, with why
    text = output(run)
    assert "lost tags 'C#' (same slug as 'C++')" in text
    assert f"lost tags 'Rail' (over {MAX_TAGS} tags)\n" in text
    assert "DS" not in text
    assert run.losses == {"tag": 2}
