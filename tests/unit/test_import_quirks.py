"""Real-world feed quirks the importer meets (found importing feedparser's, SimplePie's and
rss-parser's test corpora): each entry imports, keeps what is valid, and reports what it lost;
nothing raises. The feeds here are written for these tests, each reproducing one quirk."""

from __future__ import annotations

import json

import pytest

from contentfeed_cli.tools.importer import Item, parse_items
from contentfeed_cli.tools.show import channel_show
from contentfeed_cli.tools.sink import RunAborted

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
AUDIO = '<enclosure url="http://example.org/a.mp3" type="audio/mpeg" length="10"/>'


def rss(
    items: str, *, channel: str = "<link>http://example.org/</link>", ns: str = ITUNES
) -> bytes:
    return (
        f'<rss version="2.0" {ns}><channel><title>t</title>{channel}{items}</channel></rss>'
    ).encode()


def atom(entries: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x:f</id>'
        f"<updated>2024-01-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()


def only(items: list[Item]) -> Item:
    assert len(items) == 1
    return items[0]


def imported(
    items: str, *, channel: str = "<link>http://example.org/</link>", ns: str = ITUNES
) -> Item:
    """The one item an RSS feed of ``items`` imports as."""
    return only(parse_items(rss(items, channel=channel, ns=ns), "f.xml"))


def lost(item: Item) -> str:
    return " | ".join(f"{kind}: {what}" for kind, what in item.losses)


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [
        ("itunes:episode", "²", "itunes episode '²'"),
        ("itunes:season", "1" * 5000, "itunes season"),
        ("itunes:duration", "٣:٠٠", "itunes duration '٣:٠٠'"),  # Arabic-Indic: the audio kept
    ],
)
def test_numbers_that_are_not_ascii_digits_are_reported_not_raised(
    field: str, value: str, reported: str
) -> None:
    item = imported(
        f"<item><title>N</title><guid>g1</guid>{AUDIO}<{field}>{value}</{field}></item>"
    )
    assert item.article is not None
    assert reported in lost(item)
    assert item.article.attachments[0].duration is None


def test_a_fractional_duration_keeps_its_whole_seconds() -> None:
    item = imported(
        f"<item><title>D</title><guid>g1</guid>{AUDIO}"
        "<itunes:duration>00:45:12.500</itunes:duration></item>"
    )
    assert item.article is not None and item.article.attachments[0].duration == 2712


def test_an_impossible_duration_costs_the_duration_not_the_enclosure() -> None:
    item = imported(
        f"<item><title>D</title><guid>g1</guid>{AUDIO}"
        "<itunes:duration>99999999</itunes:duration></item>"
    )
    assert item.article is not None
    assert [str(a.url) for a in item.article.attachments] == ["http://example.org/a.mp3"]
    assert "its duration" in lost(item)


def test_a_json_feed_duration_of_nan_is_reported() -> None:
    feed = (
        b'{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"j1",'
        b'"content_text":"x","attachments":[{"url":"http://example.org/a.mp3",'
        b'"mime_type":"audio/mpeg","size_in_bytes":10,"duration_in_seconds":NaN}]}]}'
    )
    item = only(parse_items(feed, "f.json"))
    assert item.article is not None and item.article.attachments[0].duration is None
    assert "duration_in_seconds nan" in lost(item)


@pytest.mark.parametrize(
    "written",
    ["the third of March", "Fri, 31 Dec 9999 23:59:59 -0100"],
)
def test_a_date_that_cannot_be_kept_is_reported_not_replaced_silently(written: str) -> None:
    item = imported(f"<item><title>D</title><guid>g1</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is None
    assert f"date: published {written!r}" in lost(item)


def test_an_atom_date_before_year_one_is_reported() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>urn:x:e1</id><title>D</title>"
                "<updated>0001-01-01T00:00:00+01:00</updated></entry>"
            ),
            "f.atom",
        )
    )
    assert item.article is not None and item.article.published_at is None
    assert "date: updated" in lost(item)


def test_a_feed_on_one_line_with_a_recoverable_slip_is_not_called_truncated() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>A&nbsp;B'
        b"</title><guid>g1</guid></item><item><title>C</title><guid>g2</guid></item></channel>"
        b"</rss>"
    )
    assert [item.article.title for item in parse_items(feed, "f.xml") if item.article] == [
        "A B",
        "C",
    ]


@pytest.mark.parametrize("cut", [b"</rs", b"</chan", b"<item><title>x"])
def test_a_feed_that_stops_mid_way_is_still_refused(cut: bytes) -> None:
    feed = rss("<item><title>A</title><guid>g1</guid></item>")
    with pytest.raises(RunAborted, match="looks truncated"):
        parse_items(feed[: feed.index(b"</channel>")] + cut, "f.xml")


@pytest.mark.parametrize(
    ("written", "explicit"),
    [("true", True), ("yes", True), ("false", False), ("No", False), ("clean", False)],
)
def test_every_documented_itunes_explicit_value_is_kept(written: str, explicit: bool) -> None:
    item = imported(
        f"<item><title>E</title><guid>g1</guid>{AUDIO}"
        f"<itunes:explicit>{written}</itunes:explicit></item>"
    )
    assert item.article is not None and item.article.podcast is not None
    assert item.article.podcast.explicit is explicit


UPPER_ITUNES = 'xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"'


def test_the_itunes_namespace_in_upper_case_is_the_itunes_namespace() -> None:
    channel = (
        "<link>http://example.org/</link><description>A pod</description>"
        "<itunes:author>Ann</itunes:author><itunes:owner><itunes:name>Ann</itunes:name>"
        "<itunes:email>ann@example.org</itunes:email></itunes:owner>"
        '<itunes:image href="http://example.org/art.jpg"/><itunes:category text="Technology"/>'
    )
    item = f"<item><title>E</title><guid>g1</guid>{AUDIO}<itunes:explicit>false</itunes:explicit></item>"
    feed = rss(item, channel=channel, ns=UPPER_ITUNES)
    show = channel_show(feed, "f.xml").document
    assert show["author"] == "Ann" and show["image"] == "http://example.org/art.jpg"
    article = only(parse_items(feed, "f.xml")).article
    assert article is not None and article.podcast is not None
    assert article.podcast.explicit is False


def test_atom_text_content_and_summaries_are_text_not_markup() -> None:
    items = parse_items(
        atom(
            '<entry><id>urn:x:1</id><title>C</title><content type="text">Use &lt;b&gt; for bold '
            "&amp; 5 &lt; 6.\nNext line.</content></entry>"
            "<entry><id>urn:x:2</id><title>S</title><summary>if a &lt;script&gt; tag</summary>"
            "</entry>"
        ),
        "f.atom",
    )
    contents = [item.article.content_html for item in items if item.article]
    assert contents == [
        "<p>Use &lt;b&gt; for bold &amp; 5 &lt; 6.<br>Next line.</p>",
        "<p>if a &lt;script&gt; tag</p>",
    ]
    assert all(not item.losses for item in items)
    assert all(item.article and item.article.summary is None for item in items)


def test_an_upper_case_scheme_is_the_same_url() -> None:
    item = imported("<item><title>U</title><link>HTTP://example.org/u</link></item>", channel="")
    assert item.article is not None and str(item.article.url) == "http://example.org/u"


def test_a_relative_link_without_a_base_is_reported() -> None:
    item = imported(
        '<item><title>R</title><guid isPermaLink="false">r1</guid><link>/posts/2</link></item>',
        channel="",
    )
    assert item.article is not None and item.article.url is None
    assert "link: its link '/posts/2' (relative, and the feed names no base)" in lost(item)


def test_youtube_video_ids_are_guids() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>yt:video:lR-w1h5ONOY</id><title>Buy Now</title>"
                '<link rel="alternate" href="https://www.youtube.com/watch?v=lR-w1h5ONOY"/></entry>'
            ),
            "f.atom",
        )
    )
    assert item.article is not None and item.article.guid == "yt:video:lR-w1h5ONOY"


def test_mathml_is_reported_as_gone_with_its_text() -> None:
    math = "&lt;math&gt;&lt;mi&gt;a&lt;/mi&gt;&lt;/math&gt;"
    items = parse_items(
        rss(
            f"<item><title>M</title><guid>g1</guid><description>&lt;p&gt;Let {math} be.&lt;/p&gt;"
            f"</description></item><item><title>O</title><guid>g2</guid><description>{math}"
            "</description></item>"
        ),
        "f.xml",
    )
    assert [lost(item) for item in items] == [
        "element: elements <math> with all they held",
        "element: elements <math> with all they held | "
        "content: its whole content: nothing is left once sanitised",
    ]
    assert items[1].article is not None and items[1].article.content_html is None


def test_json_feed_fields_of_the_wrong_type() -> None:
    feed = (
        b'{"version":"https://jsonfeed.org/version/1.1","title":"t","items":['
        b'{"id":"j1","content_text":"x","tags":"news"},'
        b'{"id":"j2","content_text":"x","attachments":{"url":"http://example.org/a.mp3",'
        b'"mime_type":"audio/mpeg","size_in_bytes":10}},'
        b'{"id":"j3","content_text":"x","authors":[{"url":"http://example.org/me"}]},'
        b'{"id":"j4","title":{"a":1},"content_text":"x"},'
        b'{"id":1.5,"content_text":"x"}]}'
    )
    tags, attached, url_author, odd_title, float_id = parse_items(feed, "f.json")
    assert tags.article is not None and tags.article.tags == ["news"]
    assert attached.article is not None and len(attached.article.attachments) == 1
    assert "author 'http://example.org/me' (no usable name)" in lost(url_author)
    assert odd_title.article is not None and odd_title.article.title == "x"
    assert "title {'a': 1} (not text)" in lost(odd_title)
    assert float_id.article is not None and float_id.article.guid == "1.5"  # coerced, as 1.1 says


def test_atom_out_of_line_content_is_a_medium_not_lost_silently() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>urn:x:1</id><title>O</title>"
                '<content src="http://example.org/ep.mp3" type="audio/mpeg"/></entry>'
            ),
            "f.atom",
        )
    )
    assert item.article is not None
    assert [str(a.url) for a in item.article.attachments] == ["http://example.org/ep.mp3"]


@pytest.mark.parametrize(("written", "length"), [("", 0), ("-1", 0), ("1,234", 1234)])
def test_an_episode_of_unknown_length_stays_an_episode(written: str, length: int) -> None:
    enclosure = f'<enclosure url="https://example.org/1.mp3" type="audio/mpeg" length="{written}"/>'
    item = imported(f"<item><guid>g</guid><title>E</title>{enclosure}</item>")
    assert item.article is not None
    assert [(a.type, a.length) for a in item.article.attachments] == [("audio/mpeg", length)]
    assert ("unknown, is written as 0" in lost(item)) == (length == 0)


def test_a_media_thumbnail_is_the_picture_of_an_entry_without_one() -> None:
    group = (
        '<media:group xmlns:media="http://search.yahoo.com/mrss/">'
        '<media:thumbnail url="http://example.org/t.jpg" width="480" height="360"/></media:group>'
    )
    item = only(parse_items(atom(f"<entry><id>urn:x:1</id><title>T</title>{group}</entry>"), "f"))
    assert item.article is not None and item.article.image is not None
    assert str(item.article.image.url) == "http://example.org/t.jpg"
    assert not item.article.attachments


def test_progress_lines_name_an_entry_by_its_title_as_written() -> None:
    items = parse_items(
        atom(
            '<entry><id>urn:x:1</id><title type="text">Use &lt;div&gt; tags</title></entry>'
            '<entry><id>urn:x:2</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; move</title></entry>'
        ),
        "f.atom",
    )
    assert [item.name for item in items] == ["entry 1 (Use <div> tags)", "entry 2 (Bold move)"]


def test_an_rss_author_that_is_only_an_address_is_named_by_it() -> None:
    item = imported("<item><title>A</title><guid>g1</guid><author>jane@example.org</author></item>")
    assert item.article is not None and not item.losses
    assert [(a.name, a.email) for a in item.article.authors] == [
        ("jane@example.org", "jane@example.org")
    ]


def test_an_author_named_twice_is_one_author_with_both_details() -> None:
    people = (
        "<author>studio@example.org (Jupiter Studio)</author>"
        "<dc:creator>Jupiter Studio</dc:creator>"
        "<dc:creator>jupiter studio</dc:creator>"
    )
    ns = f'{ITUNES} xmlns:dc="http://purl.org/dc/elements/1.1/"'
    item = imported(f"<item><title>A</title><guid>g1</guid>{people}</item>", ns=ns)
    assert item.article is not None and item.problem is None
    assert [(a.name, a.email) for a in item.article.authors] == [
        ("Jupiter Studio", "studio@example.org")
    ]


PODCAST_NS = f'{ITUNES} xmlns:podcast="https://podcastindex.org/namespace/1.0"'
SHOW = (
    "<link>https://example.org/</link><description>d</description>"
    "<itunes:author>A</itunes:author><itunes:owner><itunes:name>O</itunes:name>"
    "<itunes:email>o@example.org</itunes:email></itunes:owner>"
    '<itunes:image href="https://example.org/a.jpg"/><itunes:category text="Technology"/>'
)


def test_podcast_index_transcripts_and_chapters_are_imported() -> None:
    item = imported(
        f"<item><guid>ep</guid><title>E</title>{AUDIO}"
        '<podcast:transcript url="https://example.org/1.vtt" type="text/vtt"/>'
        '<podcast:chapters url="https://example.org/1.json" '
        'type="application/json+chapters"/><podcast:person>Ann</podcast:person>'
        '<podcast:soundbite startTime="1" duration="2"/></item>',
        ns=PODCAST_NS,
    )
    assert item.article is not None and item.article.podcast is not None
    assert [(str(t.url), t.type) for t in item.article.podcast.transcripts] == [
        ("https://example.org/1.vtt", "text/vtt")
    ]
    assert str(item.article.podcast.chapters_url) == "https://example.org/1.json"
    assert lost(item) == "extension: podcast:person | extension: podcast:soundbite"


def test_episode_artwork_written_as_text_is_kept() -> None:
    item = imported(
        f"<item><guid>ep</guid><title>E</title>{AUDIO}"
        "<itunes:image>https://example.org/ep.jpg</itunes:image></item>"
    )
    assert item.article is not None and item.article.podcast is not None
    assert str(item.article.podcast.image) == "https://example.org/ep.jpg"


def test_an_episode_with_neither_guid_nor_link_is_known_by_its_enclosure() -> None:
    explicit = "<itunes:explicit>true</itunes:explicit>"
    item = imported(f"<item><title>E</title>{AUDIO}{explicit}</item>")
    assert item.skip is None and item.article is not None
    assert item.article.guid == "http://example.org/a.mp3"
    assert item.article.podcast is not None and item.article.podcast.explicit is True


def test_a_duration_that_is_not_h_mm_ss_is_reported() -> None:
    item = imported(
        f"<item><guid>ep</guid><title>E</title>{AUDIO}"
        "<itunes:duration>45 min</itunes:duration></item>"
    )
    assert "field: itunes duration '45 min' (not H:MM:SS)" in lost(item)


def test_a_guid_of_a_refused_scheme_imports_under_a_stand_in_and_says_so() -> None:
    item = imported(
        '<item><guid isPermaLink="false">gid://art19-episode-locator/V0/Ck8i</guid>'
        f"<title>E</title>{AUDIO}</item>"
    )
    assert item.article is not None
    assert item.article.guid == f"urn:uuid:{item.article_id}"
    assert "guid: its id 'gid://art19-episode-locator/V0/Ck8i'" in lost(item)
    assert "readers may see it again" in lost(item)


def test_a_space_in_an_enclosure_url_is_encoded() -> None:
    enclosure = '<enclosure url="https://example.org/my episode.mp3" type="audio/mpeg" length="9"/>'
    item = imported(f"<item><guid>ep</guid><title>E</title>{enclosure}</item>")
    assert item.article is not None
    assert [str(a.url) for a in item.article.attachments] == [
        "https://example.org/my%20episode.mp3"
    ]


def test_empty_categories_say_nothing() -> None:
    item = imported("<item><guid>g</guid><title>E</title><category></category></item>")
    assert item.article is not None and not item.losses and item.article.tags == []


def test_template_content_is_reported_gone_with_it() -> None:
    html = "&lt;p&gt;a&lt;/p&gt;&lt;template&gt;&lt;p&gt;t&lt;/p&gt;&lt;/template&gt;"
    item = imported(f"<item><guid>g</guid><title>E</title><description>{html}</description></item>")
    assert lost(item) == "element: elements <template> with all they held"


@pytest.mark.parametrize(
    ("extra", "lost_note"),
    [
        ("<language>en_US</language>", None),
        ("<language>english</language>", "language 'english': not valid"),
        ('<podcast:funding url="/support">Support us</podcast:funding>', None),
        ("<podcast:guid>y0ur-gu1d-g035-h3r3</podcast:guid>", "guid 'y0ur-gu1d-g035-h3r3'"),
        (f"<itunes:summary>{'word ' * 1000}</itunes:summary>", None),
    ],
)
def test_a_channel_loses_what_is_invalid_in_its_optional_fields_not_the_run(
    extra: str, lost_note: str | None
) -> None:
    from contentfeed_cli.tools.show import _repaired

    channel = channel_show(rss("", channel=SHOW + extra, ns=PODCAST_NS), "f.xml")
    notes = list(channel.losses)
    show = _repaired(dict(channel.document), notes)
    assert len(show.description) <= 4000
    assert lost_note is None or any(lost_note in note for note in notes), notes
    if "en_US" in extra:
        assert show.language == "en-US"
    if "funding" in extra:
        assert [str(f.url) for f in show.funding] == ["https://example.org/support"]


def test_a_channel_with_an_undeclared_itunes_prefix_and_an_owner_without_a_name() -> None:
    channel = SHOW.replace("<itunes:name>O</itunes:name>", "")
    show = channel_show(rss("", channel=channel, ns=""), "f.xml").document
    assert show["author"] == "A" and show["owner"] == {"name": "A", "email": "o@example.org"}
    assert show["image"] == "https://example.org/a.jpg"
    assert show["categories"] == [{"name": "Technology", "subcategory": None}]


def test_a_noscript_fallback_is_kept_as_html_and_not_reported() -> None:
    fallback = (
        "&lt;p&gt;a&lt;/p&gt;&lt;noscript&gt;&lt;img src='https://e.org/n.png'&gt;&lt;/noscript&gt;"
    )
    item = imported(
        f"<item><guid>g</guid><title>E</title><description>{fallback}</description></item>"
    )
    assert not item.losses
    assert item.article is not None
    assert item.article.content_html == '<p>a</p><img src="https://e.org/n.png">'


def test_image_is_img_and_an_unsafe_srcset_is_reported() -> None:
    html = (
        "&lt;image src='https://e.org/a.png' alt='a'&gt;"
        "&lt;img src='https://e.org/b.png' srcset='javascript:alert(1) 2x'&gt;"
    )
    item = imported(f"<item><guid>g</guid><title>E</title><description>{html}</description></item>")
    assert lost(item) == "link: 1 link(s) with a scheme other than http, https or mailto"


def test_a_long_title_without_spaces_is_cut_within_the_limit() -> None:
    item = imported(f"<item><guid>g</guid><title>{'東' * 400}</title></item>")
    assert item.article is not None, item.problem
    assert len(item.article.title) == 300 and item.article.title.endswith("…")
    assert "text: the end of its title (cut to 300 characters)" in lost(item)


# Found importing gofeed's, NetNewsWire's and Miniflux's test feeds


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("2020/1/10 14:33:00", "2020-01-10T14:33:00+00:00"),  # as Chinese forums write them
        ("2020/01/10 14:33 +0800", "2020-01-10T06:33:00+00:00"),
        ("2020.1.10", "2020-01-10T00:00:00+00:00"),
        ("2020年1月10日 09:05", "2020-01-10T09:05:00+00:00"),
    ],
)
def test_year_first_dates_are_read_not_taken_for_the_first_of_november(
    written: str, published: str
) -> None:
    item = imported(f"<item><title>D</title><guid>g1</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is not None
    assert item.article.published_at.isoformat() == published
    assert not item.losses


@pytest.mark.parametrize("written", ["2020 Q1", "2020-W02", "2020/13/45 10:00"])
def test_a_year_and_what_feedparser_cannot_read_is_reported_not_dated_november(
    written: str,
) -> None:
    item = imported(f"<item><title>D</title><guid>g1</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is None
    assert f"date: published {written!r}" in lost(item)


def json_feed(items: str, *, version: str = "https://jsonfeed.org/version/1.1") -> bytes:
    return f'{{"version":"{version}","title":"t","items":[{items}]}}'.encode()


def test_json_feed_text_fields_with_character_references_are_decoded() -> None:
    feed = json_feed(
        '{"id":"1","title":"I&#039;m &amp; you","summary":"A &#8216;joke&#8217;",'
        '"content_text":"x"},{"id":"2","title":"<i> und <b>","content_text":"x"}'
    )
    wordpress, literal = parse_items(feed, "f.json")
    assert wordpress.article is not None and literal.article is not None
    assert (wordpress.article.title, wordpress.article.summary) == ("I'm & you", "A ‘joke’")
    assert literal.article.title == "<i> und <b>"  # markup written as text stays text


def test_json_feed_version_1_over_http_is_a_json_feed() -> None:
    feed = json_feed('{"id":"1","content_text":"x"}', version="http://jsonfeed.org/version/1")
    assert only(parse_items(feed, "f.json")).article is not None
    with pytest.raises(RunAborted, match=r"version '1\.1'; a JSON Feed's is https://jsonfeed"):
        parse_items(json_feed('{"id":"1"}', version="1.1"), "f.json")


def test_json_feed_tags_written_as_one_string_of_several() -> None:
    feed = json_feed('{"id":"1","content_text":"x","tags":"workflow,omnifocus"}')
    item = only(parse_items(feed, "f.json"))
    assert item.article is not None and item.article.tags == ["workflow", "omnifocus"]


def test_a_podlove_guid_is_kept_as_it_is() -> None:
    guid = "podlove-2024-05-31t14:16:37+00:00-21f83868c0a8789"
    item = imported(f'<item><guid isPermaLink="false">{guid}</guid><title>E</title>{AUDIO}</item>')
    assert item.article is not None and item.article.guid == guid
    assert not item.losses


def test_a_second_description_is_the_summary_not_the_article() -> None:
    # Google Cloud's blog: <og><description> after the real one, which feedparser takes for
    # the content
    article = "<p>" + "The whole article. " * 200 + "</p>"
    item = imported(
        f"<item><title>G</title><guid>g1</guid><description><![CDATA[{article}]]></description>"
        '<og xmlns:og="http://ogp.me/ns#"><description>In short.</description></og></item>'
    )
    assert item.article is not None
    assert item.article.content_html == article and item.article.summary == "In short."
    assert not item.losses


def test_a_long_author_name_is_cut_at_a_word_and_reported() -> None:
    names = ", ".join(f"Author{n}, A." for n in range(20))
    item = imported(
        '<item><title>A</title><guid>g1</guid><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"{names}</dc:creator></item>"
    )
    assert item.article is not None
    name = item.article.authors[0].name
    assert len(name) <= 120 and name.endswith("…") and names.startswith(name[:-1])
    assert "author: the end of an author's name (cut to 120 characters" in lost(item)


def test_an_atom_entry_linking_only_a_pdf_keeps_that_link() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>tag:example.org,2024:thesis</id><title>T</title>"
                '<link rel="alternate" type="application/pdf" href="https://example.org/t.pdf"/>'
                "</entry>"
            ),
            "f.atom",
        )
    )
    assert item.article is not None and str(item.article.url) == "https://example.org/t.pdf"
    assert item.article.guid == "tag:example.org,2024:thesis"


def test_control_characters_in_a_title_and_a_link_do_not_fail_the_entry() -> None:
    item = imported(
        "<item><title>ab\x08cd</title><guid>g1</guid>"
        "<link>https://example.org/a\x08b\tc</link></item>"
    )
    assert item.article is not None and item.article.title == "abcd"
    assert str(item.article.url) == "https://example.org/a%08bc"


def test_a_wrong_closing_tag_at_the_end_is_a_slip_not_a_truncation() -> None:
    feed = rss("<item><title>A</title><guid>g1</guid></item>").replace(b"</channel>", b"")
    assert only(parse_items(feed, "f.xml")).article is not None


def test_an_enclosure_listed_three_times_is_one_attachment() -> None:
    link = '<link rel="enclosure" type="audio/mpeg" href="https://example.org/e.mp3"/>'
    item = only(
        parse_items(atom(f"<entry><id>urn:x:1</id><title>E</title>{link * 3}</entry>"), "f.atom")
    )
    assert item.article is not None
    assert [str(a.url) for a in item.article.attachments] == ["https://example.org/e.mp3"]
    assert lost(item).count("e.mp3") == 1  # its unknown length, once


def test_out_of_line_content_without_a_type_is_typed_by_its_path() -> None:
    item = only(
        parse_items(
            atom(
                '<entry><id>urn:x:1</id><title>V</title><content src="https://e.org/v.mp4"/></entry>'
            ),
            "f.atom",
        )
    )
    assert item.article is not None
    assert [a.type for a in item.article.attachments] == ["video/mp4"]


def test_an_opml_file_is_named_for_what_it_is() -> None:
    opml = b'<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body/></opml>'
    with pytest.raises(RunAborted, match="an OPML list of subscriptions, not a feed"):
        parse_items(opml, "subs.opml")


def cut(item: Item) -> tuple[str, str]:
    """What an entry that was cut kept, and the tail that says where the rest is."""
    assert item.article is not None and item.article.content_html is not None
    kept, tail = item.article.content_html.rsplit("<p>[…]", 1)
    return kept, tail


def test_an_entry_over_the_content_limit_is_cut_after_a_block_with_a_link_to_the_rest() -> None:
    # Given a long review: 1,500 paragraphs in a wrapper, 150,000 characters and more
    paragraphs = "".join(f"<p>Paragraph {n:04}: {'detail ' * 12}</p>" for n in range(1500))
    item = imported(
        "<item><title>Review</title><guid>r1</guid><link>https://example.org/review</link>"
        f'<description><![CDATA[<div class="entry">{paragraphs}</div>]]></description></item>'
    )
    # Then it is imported, cut after a whole paragraph of its wrapper, ending with a link to
    # the whole of it
    kept, tail = cut(item)
    assert len(kept + tail) + len("<p>[…]") <= 100_000
    assert kept.startswith("<div><p>Paragraph 0000: ") and kept.endswith("</p></div>")
    assert paragraphs.startswith(kept.removeprefix("<div>").removesuffix("</div>"))
    assert len(kept) > 99_000  # as much as fits
    assert tail == (
        ' <a href="https://example.org/review" rel="noopener noreferrer">'
        "https://example.org/review</a></p>"
    )
    assert "too large: the end of its content (1" in lost(item)
    assert "characters, over the limit of 100,000): cut after" in lost(item)


def test_a_table_too_large_keeps_its_first_whole_rows() -> None:
    rows = "".join(f"<tr><th>{n}</th><td>{'cell ' * 30}</td></tr>" for n in range(1000))
    item = imported(
        "<item><title>T</title><guid>t1</guid><description><![CDATA["
        f"<p>Results:</p><table>{rows}</table><p>After the table</p>]]></description></item>"
    )
    kept, _ = cut(item)
    assert kept.startswith("<p>Results:</p><table><tbody><tr><th>0</th>")
    assert kept.endswith("</td></tr></tbody></table>") and "After the table" not in kept


def test_a_cjk_entry_over_the_request_limit_is_cut_to_fit_it() -> None:
    # Given 60,000 CJK characters: under the character limit, but 180 kB as UTF-8
    paragraphs = "".join(f"<p>{'漢字かな交じり文。' * 20}</p>" for _ in range(333))
    item = imported(
        f"<item><title>長文</title><guid>c1</guid><description><![CDATA[{paragraphs}]]>"
        "</description></item>"
    )
    assert item.article is not None
    document = item.article.model_dump(mode="json", exclude_none=True)
    assert len(json.dumps(document, ensure_ascii=False).encode()) <= 128 * 1024
    assert "bytes to send, over the API's limit of 131,072): cut after" in lost(item)
    content = item.article.content_html or ""
    assert paragraphs.startswith(content.rsplit("<p>[…]</p>", 1)[0]) and len(content) > 40_000


def test_content_is_measured_once_sanitised() -> None:
    # Given an article of 2,000 characters that carries 200,000 characters of inline SVG
    svg = f"<svg><path d='{'M0 0L1 1' * 25_000}'/></svg>"
    item = imported(
        "<item><title>Chart</title><guid>s1</guid><description><![CDATA["
        f"<p>{'word ' * 400}</p>{svg}]]></description></item>"
    )
    # Then it is imported whole: the SVG goes (reported), the text stays
    assert item.article is not None and item.article.content_html == f"<p>{'word ' * 400}</p>"
    assert "too large" not in lost(item) and "<svg> with all they held" in lost(item)


def test_a_feed_missing_only_its_last_end_tag_after_a_whole_channel_is_read() -> None:
    feed = rss("<item><title>A</title><guid>g1</guid></item>").removesuffix(b"</rss>")
    assert only(parse_items(feed + b"\n", "f.xml")).article is not None


def test_a_podlove_episode_keeps_its_html_not_its_itunes_summary() -> None:
    # Podlove writes description and itunes:summary (plain) before content:encoded (HTML)
    item = imported(
        "<item><title>E</title><guid>e1</guid><description>Short.</description>"
        "<itunes:summary>Short, as plain text.</itunes:summary>"
        '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<![CDATA[<p>The <b>whole</b> show notes.</p>]]></content:encoded></item>"
    )
    assert item.article is not None
    assert item.article.content_html == "<p>The <b>whole</b> show notes.</p>"
    assert item.article.summary == "Short."


def test_feedburner_links_are_the_original_ones_and_the_guid_stays() -> None:
    item = imported(
        '<item xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>T</title>'
        "<link>http://feedproxy.google.com/~r/site/~3/abc/</link>"
        "<feedburner:origLink>https://site.example.org/post</feedburner:origLink>"
        '<enclosure url="http://feedproxy.google.com/~r/site/~5/x/ep.mp3" type="audio/mpeg"'
        ' length="9"/><feedburner:origEnclosureLink>https://cdn.example.org/ep.mp3'
        "</feedburner:origEnclosureLink></item>"
    )
    assert item.article is not None
    assert str(item.article.url) == "https://site.example.org/post"
    assert [str(a.url) for a in item.article.attachments] == ["https://cdn.example.org/ep.mp3"]
    assert item.article.guid == "http://feedproxy.google.com/~r/site/~3/abc/"  # as readers knew it


def test_episodes_without_guids_sharing_the_shows_link_are_known_by_their_enclosures() -> None:
    items = parse_items(
        rss(
            "".join(
                f"<item><title>E{n}</title><link>http://example.org/show</link>"
                f'<enclosure url="http://example.org/{n}.mp3" type="audio/mpeg" length="9"/>'
                "<itunes:explicit>true</itunes:explicit></item>"
                for n in range(3)
            )
        ),
        "f.xml",
    )
    assert [item.article.guid for item in items if item.article] == [
        f"http://example.org/{n}.mp3" for n in range(3)
    ]
    assert all(i.article and i.article.podcast and i.article.podcast.explicit for i in items)


def test_relative_links_resolve_against_the_feeds_own_address() -> None:
    item = only(
        parse_items(
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x:f</id>'
            b'<link rel="self" href="http://example.org/blog/index.atom"/><link href="/blog/"/>'
            b"<updated>2024-01-01T00:00:00Z</updated><entry><id>urn:x:1</id><title>E</title>"
            b'<link href="/blog/2013/post"/></entry></feed>',
            "f.atom",
        )
    )
    assert item.article is not None and str(item.article.url) == "http://example.org/blog/2013/post"


def test_bloggers_kind_category_is_not_a_tag() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>urn:x:1</id><title>E</title>"
                '<category scheme="http://schemas.google.com/g/2005#kind"'
                ' term="http://schemas.google.com/blogger/2008/kind#post"/>'
                '<category term="Travel"/></entry>'
            ),
            "f.atom",
        )
    )
    assert item.article is not None and item.article.tags == ["Travel"] and not item.losses


def test_an_author_escaped_twice_is_named_with_the_character() -> None:
    item = imported(
        "<item><title>T</title><guid>g</guid>"
        "<itunes:author>M. Miller &amp;amp; T. Blankley</itunes:author></item>"
    )
    assert item.article is not None
    assert [a.name for a in item.article.authors] == ["M. Miller & T. Blankley"]


def test_an_author_with_neither_a_usable_email_nor_url_keeps_the_name() -> None:
    item = only(
        parse_items(
            atom(
                "<entry><id>urn:x:1</id><title>E</title><author><name>Jane</name>"
                "<email>jane at example dot com</email><uri>ftp://example.org/</uri></author>"
                "</entry>"
            ),
            "f.atom",
        )
    )
    assert item.article is not None and [a.name for a in item.article.authors] == ["Jane"]
    assert "Jane's unusable email and url" in lost(item)


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("Sun, 20 Apr 2014 20:19:00 CEST", "2014-04-20T18:19:00+00:00"),
        ("Sun, 20 Apr 2014 8:19 pm CEST", "2014-04-20T18:19:00+00:00"),
        ("Sun, 20 Apr 2014 12:05 am GMT", "2014-04-20T00:05:00+00:00"),
        ("Mon, 21 Apr 2014 09:00:00 AEST", "2014-04-20T23:00:00+00:00"),
        ("1700000000", "2023-11-14T22:13:20+00:00"),
        ("Sun, 20 Apr 2014 20:19:00 +0200", "2014-04-20T18:19:00+00:00"),  # feedparser's
    ],
)
def test_zone_names_am_pm_and_unix_times_are_read(written: str, published: str) -> None:
    item = imported(f"<item><title>D</title><guid>g1</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is not None
    assert item.article.published_at.isoformat() == published and not item.losses


def test_a_zone_name_of_several_zones_is_read_as_utc_and_said() -> None:
    item = imported(
        "<item><title>D</title><guid>g1</guid><pubDate>Sun, 20 Apr 2014 20:19:00 IST</pubDate>"
        "</item>"
    )
    assert item.article is not None and item.article.published_at is not None
    assert "its zone IST is not one it knows (UTC)" in lost(item)


def test_a_youtube_description_keeps_its_lines() -> None:
    item = only(
        parse_items(
            b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
            b"<title>t</title><entry><id>yt:video:abc</id><title>V</title>"
            b'<link rel="alternate" href="https://www.youtube.com/watch?v=abc"/><media:group>'
            b"<media:description>Line one\nLine two\n\nPara two &amp; more</media:description>"
            b"</media:group></entry></feed>",
            "f.atom",
        )
    )
    assert item.article is not None
    assert item.article.content_html == "<p>Line one<br>Line two</p><p>Para two &amp; more</p>"


@pytest.mark.parametrize(
    ("written", "email", "name"),
    [
        (
            "jonas@insanity.industries (Jonas Große Sundrup)",
            "jonas@insanity.industries",
            "Jonas Große Sundrup",
        ),
        (
            "Simon St.Laurent (mailto:simonstl@example.org)",
            "simonstl@example.org",
            "Simon St.Laurent",
        ),
        ("Jane Doe &lt;jane@example.museum&gt;", "jane@example.museum", "Jane Doe"),
        ("me@site.online", "me@site.online", "me@site.online"),
    ],
)
def test_an_rss_author_keeps_an_address_of_any_top_level_domain(
    written: str, email: str, name: str
) -> None:
    item = imported(f"<item><title>A</title><guid>g</guid><author>{written}</author></item>")
    assert item.article is not None
    assert [(a.name, a.email) for a in item.article.authors] == [(name, email)]


def test_an_atom_enclosure_without_a_type_is_typed_by_its_path() -> None:
    link = '<link rel="enclosure" href="https://example.org/ep1.mp3" length="1000"/>'
    item = only(
        parse_items(atom(f"<entry><id>urn:x:1</id><title>E</title>{link}</entry>"), "f.atom")
    )
    assert item.article is not None
    assert [a.type for a in item.article.attachments] == ["audio/mpeg"]


def test_json_feed_values_of_the_wrong_type_are_reported_and_nothing_raises() -> None:
    feed = (
        b'{"version":"https://jsonfeed.org/version/1.1","home_page_url":{"not":"a url"},'
        b'"items":[{"id":"1","url":{"x":1},"content_html":true,"content_text":"kept",'
        b'"attachments":[{"url":{"y":2},"mime_type":"audio/mpeg","size_in_bytes":1}]},'
        b'{"id":3.1415,"content_text":"x","date_published":"Fri, 31 May 2019 12:17:58 -0700"}]}'
    )
    wrong, numbered = parse_items(feed, "f.json")
    assert wrong.article is not None and wrong.article.content_html == "<p>kept</p>"
    assert "field: url {'x': 1} (not text)" in lost(wrong)
    assert "field: content_html True (not text)" in lost(wrong)
    assert "enclosure: enclosure {'y': 2}: no http(s) URL" in lost(wrong)
    assert numbered.article is not None and numbered.article.guid == "3.1415"
    assert numbered.article.published_at is not None
    assert numbered.article.published_at.isoformat() == "2019-05-31T19:17:58+00:00"


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("mer, 16 nov 2022 00:38:15 +0100", "2022-11-15T23:38:15+00:00"),  # Italian weekday
        ("Mi, 16 Nov 2022 00:38:15 +0100", "2022-11-15T23:38:15+00:00"),
        ("01 Jan 70 01:00:00 +0100", "1970-01-01T00:00:00+00:00"),  # RFC 2822: 50-99 are 19xx
        ("01 Jan 24 01:00:00 GMT", "2024-01-01T01:00:00+00:00"),
    ],
)
def test_localised_weekdays_and_two_digit_years(written: str, published: str) -> None:
    item = imported(f"<item><title>D</title><guid>g1</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is not None
    assert item.article.published_at.isoformat() == published and not item.losses


def test_an_rss_guid_that_is_no_url_is_no_link() -> None:
    item = imported("<item><title>G</title><guid>12345</guid></item>")
    assert item.article is not None and item.article.url is None
    assert item.article.guid == "12345"


def test_a_shows_description_is_the_fuller_of_summary_and_description() -> None:
    show = channel_show(
        rss(
            "",
            channel="<link>https://example.org/</link><itunes:summary>Summary</itunes:summary>"
            "<description>&lt;p&gt;The whole &lt;b&gt;story&lt;/b&gt; of the show.&lt;/p&gt;"
            "</description>",
        ),
        "f.xml",
    )
    assert show.document["description"] == "The whole story of the show."


def test_text_between_blocks_is_cut_once_not_twice() -> None:
    # Blogger writes lines with <br>: text between elements, 160,000 characters of it
    lines = "".join(f"line {n:05}<br>" for n in range(16_000))
    item = imported(
        f"<item><title>B</title><guid>b1</guid><description><![CDATA[<div>{lines}</div>]]>"
        "</description></item>"
    )
    kept = cut(item)[0].removeprefix("<div>").removesuffix("</div>")
    assert lines.startswith(kept) and kept.count("line 00000") == 1


def test_one_paragraph_too_large_is_cut_as_text_at_a_word() -> None:
    item = imported(
        "<item><title>P</title><guid>p1</guid><link>https://example.org/p</link>"
        f"<description><![CDATA[<p>{'word ' * 40_000}</p>]]></description></item>"
    )
    assert item.article is not None and item.article.content_html is not None
    assert item.article.content_html.startswith("<p>word word ")
    assert len(item.article.content_html) <= 100_000
    assert "as text, at a word, with a link to the whole article" in lost(item)


def test_an_evening_in_new_york_on_the_last_of_october_is_a_date() -> None:
    # 8 pm EDT is midnight UTC on 1 November: a real moment, not feedparser's stand-in
    for written in ("Sat, 31 Oct 2020 20:00:00 EDT", "2020-10-31T19:00:00-05:00"):
        item = imported(f"<item><title>D</title><guid>g</guid><pubDate>{written}</pubDate></item>")
        assert item.article is not None and item.article.published_at is not None, written
        assert item.article.published_at.isoformat() == "2020-11-01T00:00:00+00:00"


@pytest.mark.parametrize(
    "written", ["2020/1/1" + " " * 5_000 + "x", "1 Jan 2020 10:00" + " " * 5_000 + "!"]
)
def test_a_date_padded_with_spaces_is_read_in_one_pass(written: str) -> None:
    # (each pattern meets single spaces: a run of them cost the cube of its length)
    item = imported(f"<item><title>D</title><guid>g</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None
    if written.endswith("x"):  # a year-first date with more after it: none, and said
        assert item.article.published_at is None and "not a date it can keep" in lost(item)
    else:  # feedparser reads the date before the padding
        assert item.article.published_at is not None
        assert item.article.published_at.isoformat() == "2020-01-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("2020/1/10 2:30 PM", "2020-01-10T14:30:00+00:00"),
        ("2020年1月10日14:33", "2020-01-10T14:33:00+00:00"),
    ],
)
def test_year_first_dates_with_am_pm_or_no_space(written: str, published: str) -> None:
    item = imported(f"<item><title>D</title><guid>g</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is not None
    assert item.article.published_at.isoformat() == published


@pytest.mark.parametrize("written", ["10 Jan 2020 25:00 PM", "1 Jan 2020 10:00 +99:99"])
def test_a_time_or_offset_that_is_none_is_no_date(written: str) -> None:
    item = imported(f"<item><title>D</title><guid>g</guid><pubDate>{written}</pubDate></item>")
    assert item.article is not None and item.article.published_at is None
    assert "not a date it can keep" in lost(item)


def test_a_lone_surrogate_fails_its_entry_not_the_run() -> None:
    feed = b'{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"a \\ud800","content_text":"x"},{"id":"2","content_text":"y"}]}'
    bad, good = parse_items(feed, "f.json")
    assert bad.article is None and bad.problem is not None
    assert good.article is not None
