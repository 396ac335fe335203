"""A show's podcast feed, rendered: every channel and item element PSP-1 requires or
recommends, Apple's true/false explicit, the Podcast Index namespace, and what an independent
podcast parser (podcastparser, from gPodder) reads back.

Every assertion parses the output; none compares whole documents.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import podcastparser  # type: ignore[import-untyped]
import pytest
from lxml import etree
from pydantic import ValidationError

from contentfeed.models import Article, Attachment, Episode, EpisodeType, Transcript
from contentfeed.models.api import ShowIn
from contentfeed.models.show import Category, Funding, Owner, Show, ShowType, podcast_guid
from contentfeed.rendering.jsonfeed import render_json_feed
from contentfeed.rendering.model import FeedInfo
from contentfeed.rendering.page import Alternate, render_page
from contentfeed.rendering.podcast import render_podcast, render_podcast_counted

SITE = "https://news.example.org"
FEED_URL = "https://feeds.example.org/v1/shows/the-letter/feed.xml"
WHEN = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
SHOW = Show(
    slug="the-letter",
    title="The Letter",
    description="Conversations about the people who build technology.",
    author="Example News",
    owner=Owner(name="Example News podcasts", email="podcasts@news.example.org"),
    image="https://news.example.org/media/the-letter-3000.jpg",
    categories=(Category("News", "Tech News"), Category("Technology")),
    guid=podcast_guid(FEED_URL),
    created_at=WHEN,
    updated_at=WHEN,
    version=1,
    explicit=False,
    language="en",
    type=ShowType.EPISODIC,
    locked=True,
    funding=(Funding(url="https://news.example.org/support", text="Support the show"),),
)


def feed(show: Show = SHOW, **changes: Any) -> FeedInfo:
    return FeedInfo(
        title=show.title,
        description=show.description,
        self_url=FEED_URL,
        site_url=SITE,
        feed_id=f"urn:uuid:{show.guid}",
        updated=WHEN,
        show=show,
        hub_url="https://hub.example.net/",
        **changes,
    )


def episode(n: int, **changes: Any) -> Article:
    fields: dict[str, Any] = {
        "id": f"0b9f3f5e-7c1a-4e8b-9d2f-5a6b7c8d9e{n:02d}",
        "slug": f"episode-{n}",
        "title": f"Episode {n}: the letter, part {n}",
        "url": f"{SITE}/episode-{n}",
        "published_at": WHEN - timedelta(days=7 * n),
        "created_at": WHEN,
        "updated_at": WHEN,
        "version": 1,
        "summary": f"Part {n} of the story.",
        "content_html": f"<p>Show notes for part {n} — with “quotes”.</p>",
        "show": "the-letter",
        "attachments": (
            Attachment(
                url=f"https://cdn.example.net/the-letter/ep{n}.mp3",
                type="audio/mpeg",
                length=20_000_000 + n,
                duration=1500 + n,
            ),
        ),
        "podcast": Episode(
            episode=n,
            season=1,
            episode_type=EpisodeType.FULL,
            explicit=n == 2,
            image=f"https://cdn.example.net/the-letter/ep{n}.jpg",
            transcripts=(
                Transcript(
                    url=f"https://cdn.example.net/the-letter/ep{n}.vtt",
                    type="text/vtt",
                    language="en",
                ),
            ),
            chapters_url=f"https://cdn.example.net/the-letter/ep{n}.json",
        ),
        **changes,
    }
    return Article(**fields)


EPISODES = [episode(1), episode(2), episode(3)]


def channel(body: bytes) -> Any:
    return etree.fromstring(body).find("channel")


# ------------------------------------------------------------------ PSP-1 channel


def test_the_channel_has_every_element_psp1_requires() -> None:
    # Given a show with three episodes
    ch = channel(render_podcast(feed(), EPISODES))
    # Then: atom:link rel=self with the feed's own URL and type
    self_links = [link for link in ch.findall("atom:link", NS) if link.get("rel") == "self"]
    assert [(link.get("href"), link.get("type")) for link in self_links] == [
        (FEED_URL, "application/rss+xml")
    ]
    # title, description, link, language
    assert ch.findtext("title") == SHOW.title
    assert ch.findtext("description") == SHOW.description
    assert ch.findtext("link") == SITE
    assert ch.findtext("language") == "en"
    # itunes:category (Apple's names, one subcategory nested)
    categories = ch.findall("itunes:category", NS)
    assert [c.get("text") for c in categories] == ["News", "Technology"]
    assert [s.get("text") for s in categories[0].findall("itunes:category", NS)] == ["Tech News"]
    assert categories[1].findall("itunes:category", NS) == []
    # itunes:explicit as true/false, itunes:image with an href
    assert ch.findtext("itunes:explicit", namespaces=NS) == "false"
    assert ch.find("itunes:image", NS).get("href") == SHOW.image


def test_the_channel_has_every_element_psp1_recommends() -> None:
    ch = channel(render_podcast(feed(), EPISODES))
    locked = ch.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", SHOW.owner.email)
    assert ch.findtext("itunes:author", namespaces=NS) == SHOW.author
    assert ch.findtext("podcast:guid", namespaces=NS) == SHOW.guid
    owner = ch.find("itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == SHOW.owner.name
    assert owner.findtext("itunes:email", namespaces=NS) == SHOW.owner.email
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    funding = ch.find("podcast:funding", NS)
    assert (funding.get("url"), funding.text) == (SHOW.funding[0].url, SHOW.funding[0].text)
    # and the hub, for WebSub
    assert "https://hub.example.net/" in [
        link.get("href") for link in ch.findall("atom:link", NS) if link.get("rel") == "hub"
    ]


def test_an_explicit_complete_serial_show_says_so() -> None:
    show = replace(SHOW, explicit=True, complete=True, type=ShowType.SERIAL, locked=False)
    ch = channel(render_podcast(feed(show), EPISODES))
    assert ch.findtext("itunes:explicit", namespaces=NS) == "true"
    assert ch.findtext("itunes:complete", namespaces=NS) == "Yes"
    assert ch.findtext("itunes:type", namespaces=NS) == "serial"
    assert ch.findtext("podcast:locked", namespaces=NS) == "no"


def test_podcast_guid_is_the_psp1_uuidv5_of_the_feed_url_without_scheme() -> None:
    # Given the Podcast Index's namespace and the feed URL without "https://"
    expected = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
        "feeds.example.org/v1/shows/the-letter/feed.xml",
    )
    # Then the default guid is that UUID, whatever the scheme or a trailing slash
    assert podcast_guid(FEED_URL) == str(expected)
    assert podcast_guid(FEED_URL.replace("https", "http") + "/") == str(expected)
    # And the Podcast Index's own published example holds
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


# --------------------------------------------------------------------- PSP-1 items


def test_every_item_has_what_psp1_and_apple_list() -> None:
    # Given three episodes, newest first
    items = channel(render_podcast(feed(), EPISODES)).findall("item")
    assert [item.findtext("title") for item in items] == [e.title for e in EPISODES]
    for item, article in zip(items, EPISODES, strict=True):
        assert article.podcast is not None
        media = article.attachments[0]
        enclosure = item.find("enclosure")
        assert (enclosure.get("url"), enclosure.get("length"), enclosure.get("type")) == (
            media.url,
            str(media.length),
            "audio/mpeg",
        )
        guid = item.find("guid")
        assert guid.text == f"urn:uuid:{article.id}"
        assert guid.get("isPermaLink") == "false"
        assert item.findtext("pubDate")
        assert item.findtext("description") == article.summary
        assert item.findtext("itunes:duration", namespaces=NS) == str(media.duration)
        assert item.findtext("itunes:episode", namespaces=NS) == str(article.podcast.episode)
        assert item.findtext("itunes:season", namespaces=NS) == "1"
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        assert item.findtext("itunes:explicit", namespaces=NS) == (
            "true" if article.podcast.explicit else "false"
        )
        assert item.find("itunes:image", NS).get("href") == article.podcast.image
        transcript = item.find("podcast:transcript", NS)
        assert (transcript.get("url"), transcript.get("type"), transcript.get("language")) == (
            article.podcast.transcripts[0].url,
            "text/vtt",
            "en",
        )
        chapters = item.find("podcast:chapters", NS)
        assert chapters.get("url") == article.podcast.chapters_url
        assert chapters.get("type") == "application/json+chapters"


def test_an_episode_without_episode_fields_takes_the_shows_explicit_and_image() -> None:
    bare = episode(4, podcast=None)
    item = channel(render_podcast(feed(replace(SHOW, explicit=True)), [bare])).find("item")
    assert item.findtext("itunes:explicit", namespaces=NS) == "true"
    assert item.find("itunes:image", NS).get("href") == SHOW.image
    assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
    assert item.find("itunes:episode", NS) is None


# ------------------------------------------------------------------- budget


def test_over_its_byte_budget_a_show_feed_keeps_the_newest_episodes_and_no_next_link() -> None:
    # Given twelve episodes and a budget that holds only some of them
    many = [episode(n) for n in range(1, 13)]
    whole = render_podcast(feed(), many)
    info = feed(byte_budget=len(whole) // 2)
    # When it is rendered
    body, count = render_podcast_counted(info, many)
    # Then it fits, and holds the newest episodes only, in order, with no paging link
    assert len(body) <= info.byte_budget
    assert 1 <= count < len(many)
    ch = channel(body)
    assert [item.findtext("title") for item in ch.findall("item")] == [
        a.title for a in many[:count]
    ]
    assert [link.get("rel") for link in ch.findall("atom:link", NS)] == ["self", "hub"]


# ---------------------------------------------------------- independent parsers


def test_podcastparser_reads_every_episode_enclosure_and_duration() -> None:
    # Given the show feed as a podcast app would download it
    body = render_podcast(feed(), EPISODES)
    # When gPodder's podcastparser (no code of this project) parses it
    parsed = podcastparser.parse(FEED_URL, io.BytesIO(body))
    # Then the show and every episode come back unchanged
    assert parsed["title"] == SHOW.title
    assert parsed["cover_url"] == SHOW.image
    assert parsed["type"] == "episodic"
    assert parsed["explicit"] is False
    assert parsed["itunes_owner"] == {"name": SHOW.owner.name, "email": SHOW.owner.email}
    assert parsed["itunes_categories"] == [["News", "Tech News"], ["Technology"]]
    episodes = parsed["episodes"]
    assert [e["guid"] for e in episodes] == [f"urn:uuid:{a.id}" for a in EPISODES]
    for got, article in zip(episodes, EPISODES, strict=True):
        assert article.podcast is not None
        media = article.attachments[0]
        assert got["title"] == article.title
        assert got["enclosures"] == [
            {"url": media.url, "file_size": media.length, "mime_type": "audio/mpeg"}
        ]
        assert got["total_time"] == media.duration
        assert (got["number"], got["season"], got["type"]) == (article.podcast.episode, 1, "full")
        assert got["explicit"] is bool(article.podcast.explicit)
        assert got["episode_art_url"] == article.podcast.image
        assert got["published"] == int(article.published_at.timestamp())


def test_feedparser_reads_the_podcast_guid_transcripts_chapters_and_funding() -> None:
    # podcastparser 0.6 knows the podcast: namespace only by its old GitHub URL, not by
    # https://podcastindex.org/namespace/1.0, the URI PSP-1 requires; feedparser (also
    # independent) keeps every namespaced element it meets.
    parsed = feedparser.parse(render_podcast(feed(), EPISODES))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed["podcast_guid"] == SHOW.guid
    assert parsed.feed["podcast_funding"]["url"] == SHOW.funding[0].url
    for entry, article in zip(parsed.entries, EPISODES, strict=True):
        assert article.podcast is not None
        transcript = article.podcast.transcripts[0]
        assert entry["podcast_transcript"] == {
            "url": transcript.url,
            "type": transcript.type,
            "language": transcript.language,
        }
        assert entry["podcast_chapters"]["url"] == article.podcast.chapters_url
        assert entry.enclosures[0]["href"] == article.attachments[0].url
        assert entry["itunes_duration"] == str(article.attachments[0].duration)


# ---------------------------------------------------------------- other views


def test_the_json_feed_of_a_show_has_its_artwork_author_and_attachments() -> None:
    document = json.loads(render_json_feed(feed(), EPISODES))
    assert document["icon"] == SHOW.image
    assert document["authors"] == [{"name": SHOW.author}]
    assert [item["attachments"][0]["url"] for item in document["items"]] == [
        a.attachments[0].url for a in EPISODES
    ]


def test_the_html_view_has_an_audio_player_per_episode_and_podcast_autodiscovery() -> None:
    from lxml import html as lxml_html

    body = render_page(
        feed(),
        EPISODES,
        alternates=[],
        podcasts=[Alternate("The Letter (podcast)", "application/rss+xml", FEED_URL)],
    )
    root = lxml_html.fromstring(body)
    sources = [audio.find("source").get("src") for audio in root.iter("audio")]
    assert sources == [a.attachments[0].url for a in EPISODES]
    discovered = root.xpath('//head/link[@rel="alternate"][@type="application/rss+xml"]/@href')
    assert FEED_URL in discovered


# ------------------------------------------------------------------ boundary

VALID_SHOW = {
    "title": "The Letter",
    "description": "About it.",
    "author": "Example News",
    "owner": {"name": "Podcasts", "email": "podcasts@news.example.org"},
    "image": "https://news.example.org/art.jpg",
    "categories": [{"name": "Society & Culture", "subcategory": "Documentary"}],
}


def test_a_minimal_show_is_valid() -> None:
    show = ShowIn.model_validate(VALID_SHOW)
    assert (show.explicit, show.type, show.locked, show.complete) == (
        False,
        "episodic",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"categories": [{"name": "Podcasts"}]}, "categories.0"),
        ({"categories": [{"name": "News", "subcategory": "Documentary"}]}, "categories.0"),
        ({"categories": []}, "categories"),
        ({"owner": {"name": "x"}}, "owner.email"),
        ({"image": "/art.jpg"}, "image"),
        ({"explicit": "no"}, "explicit"),
        ({"type": "daily"}, "type"),
        ({"guid": "not-a-uuid"}, "guid"),
        ({"funding": [{"url": "https://x.example", "text": ""}]}, "funding.0.text"),
    ],
)
def test_a_bad_show_names_the_bad_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ShowIn.model_validate({**VALID_SHOW, **change})
    fields = {".".join(str(p) for p in e["loc"]) for e in caught.value.errors()}
    assert field in fields


def test_a_second_render_of_the_same_episodes_rebuilds_no_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given cold caches and the podcast item builder counted
    from contentfeed.rendering import entry as entry_cache
    from contentfeed.rendering import podcast

    entry_cache.cache_clear()
    built: list[Any] = []
    original = podcast._item

    def counted(entry: Any, *, show: Show) -> Any:
        built.append(entry)
        return original(entry, show=show)

    monkeypatch.setattr(podcast, "_item", counted)
    # When the same episodes are rendered twice, as read anew from the table each time
    first = render_podcast(feed(), EPISODES)
    second = render_podcast(feed(), [replace(e) for e in EPISODES])
    # Then each item was built once, and both documents hold every episode
    assert len(built) == len(EPISODES)
    assert first == second
    assert len(channel(second).findall("item")) == len(EPISODES)
    # And another show image is another item (it is written into each one)
    render_podcast(feed(replace(SHOW, image="https://news.example.org/media/new.jpg")), EPISODES)
    assert len(built) == 2 * len(EPISODES)
