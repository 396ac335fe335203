"""Media on articles: attachments and episode fields at the boundary and in every feed format.

Every assertion parses the output (lxml, feedparser, json); none compares whole documents.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import escape as html_escape
from typing import Any

import feedparser
import lxml.html as lxml_html
import pytest
from lxml import etree
from pydantic import ValidationError

from contentfeed.config import Settings
from contentfeed.dal.items import article_from_item, article_item
from contentfeed.errors import ValidationFailed
from contentfeed.logic import articles as logic
from contentfeed.logic.sanitize import clean_html
from contentfeed.models import Article, Attachment, Episode, EpisodeType, Image, Transcript
from contentfeed.models.api import MAX_ATTACHMENTS, ArticleIn, ArticlePatch
from contentfeed.rendering.atom import render_atom
from contentfeed.rendering.jsonfeed import render_json_feed
from contentfeed.rendering.model import FeedInfo
from contentfeed.rendering.rss import render_rss

SITE = "https://news.example.org"
WHEN = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)
SETTINGS = Settings.from_env({"TABLE_NAME": "t", "SITE_URL": SITE})
CONTENT = {"content": "http://purl.org/rss/1.0/modules/content/"}
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
}
MP3 = Attachment(
    url="https://cdn.example.net/episodes/ep12.mp3",
    type="audio/mpeg",
    length=24_117_248,
    duration=1507,
    title="Episode 12 (MP3)",
)
PDF = Attachment(url="/files/ep12-notes.pdf", type="application/pdf", title="Show notes")
EPISODE = Episode(
    episode=12,
    season=2,
    episode_type=EpisodeType.FULL,
    explicit=False,
    image="https://cdn.example.net/art/ep12.jpg",
    transcripts=(
        Transcript(url="https://cdn.example.net/ep12.vtt", type="text/vtt", language="en"),
    ),
    chapters_url="https://cdn.example.net/ep12.chapters.json",
)


def fields_of(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


def feed() -> FeedInfo:
    return FeedInfo(
        title="Example News",
        description="News",
        self_url=f"{SITE}/feed.xml",
        site_url=SITE,
        feed_id="urn:uuid:6f1c7a36-3b0c-4b47-9a52-6d0f1b1e2a10",
        updated=WHEN,
    )


def article(**changes: Any) -> Article:
    fields: dict[str, Any] = {
        "id": "7a0c3c1e-1d7b-4c55-9a51-0c4f8f0e2b11",
        "slug": "ep12",
        "title": "Episode 12: the border contract",
        "url": f"{SITE}/ep12",
        "published_at": WHEN,
        "created_at": WHEN,
        "updated_at": WHEN,
        "version": 1,
        "content_html": "<p>We talk about the letter.</p>",
        "attachments": (MP3, PDF),
        **changes,
    }
    return Article(**fields)


# ------------------------------------------------------------------ the boundary


@pytest.mark.parametrize(
    ("attachment", "field"),
    [
        ({"type": "audio/mpeg", "length": 1}, "attachments.0.url"),
        ({"url": "/relative.mp3", "type": "audio/mpeg", "length": 1}, "attachments.0.url"),
        ({"url": "ftp://x.example/a.mp3", "type": "audio/mpeg", "length": 1}, "attachments.0.url"),
        ({"url": "https://x.example/a.mp3", "length": 1}, "attachments.0.type"),
        ({"url": "https://x.example/a.mp3", "type": "mp3", "length": 1}, "attachments.0.type"),
        ({"url": "https://x.example/a.mp3", "type": "audio/mpeg"}, "attachments.0"),
        ({"url": "https://x.example/a.mp4", "type": "video/mp4"}, "attachments.0"),
        (
            {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": -1},
            "attachments.0.length",
        ),
        (
            {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": "12"},
            "attachments.0.length",
        ),
        (
            {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": 1, "duration": 1.5},
            "attachments.0.duration",
        ),
        (
            {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": 1, "bitrate": 128},
            "attachments.0.bitrate",
        ),
    ],
)
def test_a_bad_attachment_names_the_bad_field(attachment: dict[str, Any], field: str) -> None:
    # Given an article whose one attachment is wrong in one way
    # When it is validated
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate({"title": "ok", "attachments": [attachment]})
    # Then the error names that field
    assert field in fields_of(caught.value)


def test_attachments_are_limited_to_ten() -> None:
    # Given one attachment more than allowed
    items = [
        {"url": f"https://x.example/{n}.pdf", "type": "application/pdf"}
        for n in range(MAX_ATTACHMENTS + 1)
    ]
    # When validated, Then the list is refused
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate({"title": "ok", "attachments": items})
    assert "attachments" in fields_of(caught.value)


def test_a_document_needs_no_length_and_types_are_lower_cased() -> None:
    # Given a PDF without a length, and audio with a capitalised type
    data = ArticleIn.model_validate(
        {
            "title": "ok",
            "attachments": [
                {"url": "https://x.example/a.pdf", "type": "application/pdf"},
                {"url": "https://x.example/a.mp3", "type": "Audio/MPEG", "length": 5.0},
            ],
        }
    )
    # Then both are accepted, the type normalised and the length a whole number
    assert [a.type for a in data.attachments] == ["application/pdf", "audio/mpeg"]
    assert data.attachments[1].length == 5


@pytest.mark.parametrize(
    ("podcast", "field"),
    [
        ({"episode": 0}, "podcast.episode"),
        ({"season": "2"}, "podcast.season"),
        ({"episode_type": "extra"}, "podcast.episode_type"),
        ({"explicit": "no"}, "podcast.explicit"),
        ({"image": "/art.jpg"}, "podcast.image"),
        ({"transcripts": [{"url": "https://x.example/t.vtt"}]}, "podcast.transcripts.0.type"),
        ({"chapters_url": "chapters.json"}, "podcast.chapters_url"),
        ({"explicit": False, "guid": "x"}, "podcast.guid"),
    ],
)
def test_bad_episode_fields_name_the_bad_field(podcast: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate({"title": "ok", "podcast": podcast})
    assert field in fields_of(caught.value)


def test_media_fields_round_trip_through_the_table_item() -> None:
    # Given an article with attachments, episode fields and a show
    original = article(podcast=EPISODE, show="the-letter", image=Image(url=f"{SITE}/a.jpg"))
    # When it is written as an item and read back
    restored = article_from_item(article_item(original))
    # Then nothing is lost
    assert restored == original


def test_a_merge_patch_replaces_attachments_and_merges_episode_fields() -> None:
    # Given a stored episode in the input model's shape
    current = logic.as_input(article(podcast=EPISODE, show="the-letter"))
    # When a patch changes the season, drops the chapters and replaces the attachments
    patch = ArticlePatch.model_validate(
        {
            "podcast": {"season": 3, "chapters_url": None},
            "attachments": [{"url": "https://x.example/b.mp3", "type": "audio/mpeg", "length": 9}],
        }
    ).document()
    data = ArticleIn.model_validate(logic.merge_patch(current, patch))
    # Then the episode keeps its other fields
    assert data.podcast is not None
    assert (data.podcast.season, data.podcast.episode, data.podcast.chapters_url) == (3, 12, None)
    assert [t.url for t in data.podcast.transcripts] == ["https://cdn.example.net/ep12.vtt"]
    assert [a.url for a in data.attachments] == ["https://x.example/b.mp3"]
    assert data.show == "the-letter"


# ------------------------------------------------------------------------ feeds


def test_rss_encloses_the_first_audio_and_lists_every_attachment_in_a_media_group() -> None:
    # Given an article with a PDF first, then an MP3, and an image
    image = Image(url=f"{SITE}/photo.jpg", type="image/jpeg", length=100)
    body = render_rss(feed(), [article(attachments=(PDF, MP3), image=image)])
    item = etree.fromstring(body).find("channel/item")
    # Then the enclosure is the audio, not the PDF nor the image
    enclosures = item.findall("enclosure")
    assert [(e.get("url"), e.get("type"), e.get("length")) for e in enclosures] == [
        (MP3.url, "audio/mpeg", str(MP3.length))
    ]
    # And both attachments are media:content inside one media:group, with absolute URLs
    group = item.findall("media:group", NS)
    assert len(group) == 1
    contents = group[0].findall("media:content", NS)
    assert [(c.get("url"), c.get("medium")) for c in contents] == [
        (f"{SITE}/files/ep12-notes.pdf", "document"),
        (MP3.url, "audio"),
    ]
    audio = contents[1]
    assert (audio.get("fileSize"), audio.get("duration")) == (str(MP3.length), "1507")
    assert audio.findtext("media:title", namespaces=NS) == MP3.title
    # And the image keeps its own media:content outside the group
    assert [c.get("medium") for c in item.findall("media:content", NS)] == ["image"]


def test_rss_with_one_attachment_needs_no_group_and_a_document_is_no_enclosure() -> None:
    # Given an article with only a PDF and an image
    image = Image(url=f"{SITE}/photo.jpg", type="image/jpeg")
    item = etree.fromstring(render_rss(feed(), [article(attachments=(PDF,), image=image)])).find(
        "channel/item"
    )
    # Then the image stays the enclosure and the PDF is a lone media:content
    assert [e.get("url") for e in item.findall("enclosure")] == [image.url]
    assert item.find("media:group", NS) is None
    assert [c.get("type") for c in item.findall("media:content", NS)] == [
        "image/jpeg",
        "application/pdf",
    ]


def test_atom_has_an_enclosure_link_per_attachment_with_type_length_and_title() -> None:
    body = render_atom(feed(), [article()])
    entry = etree.fromstring(body).find("atom:entry", NS)
    links = [link for link in entry.findall("atom:link", NS) if link.get("rel") == "enclosure"]
    assert [
        (link.get("href"), link.get("type"), link.get("length"), link.get("title"))
        for link in links
    ] == [
        (MP3.url, "audio/mpeg", str(MP3.length), MP3.title),
        (f"{SITE}/files/ep12-notes.pdf", "application/pdf", None, "Show notes"),
    ]


def test_json_feed_lists_attachments_with_their_json_feed_names() -> None:
    item = json.loads(render_json_feed(feed(), [article()]))["items"][0]
    assert item["attachments"] == [
        {
            "url": MP3.url,
            "mime_type": "audio/mpeg",
            "title": MP3.title,
            "size_in_bytes": MP3.length,
            "duration_in_seconds": MP3.duration,
        },
        {
            "url": f"{SITE}/files/ep12-notes.pdf",
            "mime_type": "application/pdf",
            "title": "Show notes",
        },
    ]


@pytest.mark.parametrize("render", [render_rss, render_atom])
def test_feedparser_reads_the_audio_enclosure(render: Any) -> None:
    parsed = feedparser.parse(render(feed(), [article()]))
    assert not parsed.bozo, parsed.get("bozo_exception")
    enclosures = parsed.entries[0].enclosures
    assert enclosures[0]["href"] == MP3.url
    assert enclosures[0]["type"] == "audio/mpeg"
    assert int(enclosures[0]["length"]) == MP3.length


# ----------------------------------------------------------------------- embeds

YOUTUBE_ONLY = (
    '<figure><iframe width="560" height="315" '
    'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42" '
    'title="The letter, read aloud" frameborder="0" allowfullscreen></iframe></figure>'
)
VIMEO_ONLY = '<iframe src="//player.vimeo.com/video/76979871?h=8272103f6e" width="640"></iframe>'
VIDEO_ONLY = (
    '<video controls poster="/poster.jpg"><source src="https://cdn.example.net/clip.mp4" '
    'type="video/mp4">Your browser cannot play this.</video>'
)


def links_of(html: str) -> list[tuple[str, str]]:
    root = lxml_html.fromstring(f"<div>{html}</div>")
    return [(a.get("href"), a.text_content()) for a in root.iter("a")]


@pytest.mark.parametrize(
    ("html", "link"),
    [
        (
            YOUTUBE_ONLY,
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "The letter, read aloud"),
        ),
        (VIMEO_ONLY, ("https://vimeo.com/76979871", "Watch on Vimeo")),
        (VIDEO_ONLY, ("https://cdn.example.net/clip.mp4", "https://cdn.example.net/clip.mp4")),
        (
            '<audio src="https://cdn.example.net/a.mp3" title="Listen"></audio>',
            ("https://cdn.example.net/a.mp3", "Listen"),
        ),
    ],
)
def test_an_embed_is_removed_but_leaves_a_link_with_its_title(
    html: str, link: tuple[str, str]
) -> None:
    # Given HTML that is only an embedded player
    # When it is sanitised
    cleaned = clean_html(html)
    # Then the player is gone and a link to what it played is left
    assert not re.search(r"<(iframe|video|audio|source)\b", cleaned)
    assert links_of(cleaned) == [link]


@pytest.mark.parametrize(
    ("player", "page", "words"),
    [
        (
            "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk?utm_source=generator",
            "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
            "Listen on Spotify",
        ),
        (
            "https://open.spotify.com/embed-podcast/show/2mTUnDkuKUkhiueKcVWoP0",
            "https://open.spotify.com/show/2mTUnDkuKUkhiueKcVWoP0",
            "Listen on Spotify",
        ),
        (
            "https://embed.podcasts.apple.com/us/podcast/the-daily/id1200361736?i=1000",
            "https://podcasts.apple.com/us/podcast/the-daily/id1200361736?i=1000",
            "Listen on Apple Podcasts",
        ),
        (
            "https://w.soundcloud.com/player/?url=https%3A//soundcloud.com/artist/a-track&color=ff5500",
            "https://soundcloud.com/artist/a-track",
            "Listen on SoundCloud",
        ),
        (
            "https://platform.twitter.com/embed/Tweet.html?id=1460323737035677698",
            "https://twitter.com/i/status/1460323737035677698",
            "View on X",
        ),
        (
            "https://www.instagram.com/p/CwXyZ12AbCd/embed/captioned/",
            "https://www.instagram.com/p/CwXyZ12AbCd/",
            "View on Instagram",
        ),
        (
            "https://www.dailymotion.com/embed/video/x8abc12",
            "https://www.dailymotion.com/video/x8abc12",
            "Watch on Dailymotion",
        ),
        (
            "https://codepen.io/someone/embed/abXYZq?default-tab=result",
            "https://codepen.io/someone/pen/abXYZq",
            "View on CodePen",
        ),
        (
            "https://www.youtube.com/embed/videoseries?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf",
            "https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf",
            "Watch on YouTube",
        ),
        # a URL that browsers and Python split apart, digits that are not ASCII: not trusted
        (
            "https://w.soundcloud.com/player/?url=https://evil.example%5C@soundcloud.com/x",
            "https://w.soundcloud.com/player/?url=https://evil.example%5C@soundcloud.com/x",
            "https://w.soundcloud.com/player/?url=https://evil.example%5C@soundcloud.com/x",
        ),
        (
            "https://platform.twitter.com/embed/Tweet.html?id=١٢٣",
            "https://platform.twitter.com/embed/Tweet.html?id=١٢٣",
            "https://platform.twitter.com/embed/Tweet.html?id=١٢٣",
        ),
        # not known here: the player's own address, which a browser opens
        (
            "https://player.example.net/embed/9",
            "https://player.example.net/embed/9",
            "https://player.example.net/embed/9",
        ),
    ],
)
def test_players_of_other_services_link_their_page(player: str, page: str, words: str) -> None:
    cleaned = clean_html(f'<iframe src="{html_escape(player)}" width="100%"></iframe>')
    assert links_of(cleaned) == [(page, words)]


def test_an_embed_with_a_script_url_leaves_nothing_and_the_article_is_refused() -> None:
    # Given content that is only a script and a player without an http(s) source
    data = ArticleIn.model_validate(
        {
            "title": "Nothing left",
            "content_html": '<script>alert(1)</script><iframe src="javascript:alert(1)"></iframe>',
        }
    )
    # When it is built into an article, Then it is a 422 naming content_html
    with pytest.raises(ValidationFailed) as caught:
        logic.build_article(data, SETTINGS, article_id="x1", now=WHEN, previous=None)
    assert [issue.field for issue in caught.value.issues] == ["content_html"]


def test_markup_that_was_empty_to_begin_with_is_not_refused() -> None:
    data = ArticleIn.model_validate({"title": "Link post", "content_html": "<p> </p>"})
    built = logic.build_article(data, SETTINGS, article_id="x2", now=WHEN, previous=None)
    assert built.content_html == "<p> </p>"


@pytest.mark.parametrize("html", [YOUTUBE_ONLY, VIMEO_ONLY])
def test_an_embed_only_article_keeps_a_working_link_in_every_feed(html: str) -> None:
    # Given an article that was only a YouTube or Vimeo player
    data = ArticleIn.model_validate({"title": "Watch", "content_html": html})
    built = logic.build_article(data, SETTINGS, article_id="x3", now=WHEN, previous=None)
    expected = links_of(clean_html(html))[0][0]
    # Then every format carries the link in its content
    rss = etree.fromstring(render_rss(feed(), [built]))
    content = rss.findtext("channel/item/content:encoded", namespaces=CONTENT)
    atom = etree.fromstring(render_atom(feed(), [built]))
    atom_content = atom.findtext("atom:entry/atom:content", namespaces=NS)
    json_content = json.loads(render_json_feed(feed(), [built]))["items"][0]["content_html"]
    for html_text in (content, atom_content, json_content):
        assert expected in [href for href, _ in links_of(html_text)]
