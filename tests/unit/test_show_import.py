"""What a podcast import keeps of the channel's iTunes categories, and why it drops the rest."""

from __future__ import annotations

from contentfeed_cli.tools.show import channel_show

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>Pocket Console Hour</title>
    <link>https://pocketconsole.example.net</link>
    <description>Three friends argue about handheld games.</description>
    <itunes:author>Pocket Console</itunes:author>
    <itunes:image href="https://media.pocketconsole.example.net/cover.jpg"/>
    <itunes:category text="Games &amp; Hobbies"><itunes:category text="Video Games"/></itunes:category>
    <itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category>
    <itunes:category text="Leisure">
      <itunes:category text="Video Games"/><itunes:category text="Games"/>
    </itunes:category>
  </channel>
</rss>
"""


def test_each_dropped_category_says_why() -> None:
    # Given a channel with a retired category, a retired subcategory and two valid ones
    # When its show is read
    show = channel_show(FEED.encode(), "feed.rss")
    # Then the categories Apple lists are kept, one subcategory each
    assert show.document["categories"] == [
        {"name": "Technology", "subcategory": None},
        {"name": "Leisure", "subcategory": "Video Games"},
    ]
    # And each loss names what went with it and the right reason
    assert list(show.losses) == [
        "category 'Games & Hobbies' (with 'Video Games'): not one of Apple's categories",
        "subcategory 'Gadgets' of 'Technology': not one of Apple's subcategories of 'Technology'",
        "subcategory 'Games' of 'Leisure': a category keeps one",
    ]


def _channel(artwork: str) -> bytes:
    return (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        "<title>Old Show</title><link>https://old.example.org/show/</link>"
        f"<description>d</description>{artwork}</channel></rss>"
    ).encode()


def test_the_artwork_falls_back_on_the_rss_image_and_resolves_against_the_link() -> None:
    rss_image = "<image><url>https://old.example.org/logo.jpg</url></image>"
    only_rss = channel_show(_channel(rss_image), "feed.rss")
    assert only_rss.document["image"] == "https://old.example.org/logo.jpg"
    assert only_rss.losses == ("no itunes:image: the artwork is the RSS <image>",)
    local = channel_show(_channel(f'<itunes:image href="file://x/1.jpg"/>{rss_image}'), "f")
    assert local.document["image"] == "https://old.example.org/logo.jpg"
    assert local.losses == ("itunes:image 'file://x/1.jpg': not an http(s) URL (the RSS <image>)",)
    relative = channel_show(_channel('<itunes:image href="cover.jpg"/>'), "feed.rss")
    assert relative.document["image"] == "https://old.example.org/show/cover.jpg"
    assert not relative.losses
    unusable = channel_show(_channel('<itunes:image href="gs://bucket/1.jpg"/>'), "feed.rss")
    assert "image" not in unusable.document
    assert unusable.losses == ("itunes:image 'gs://bucket/1.jpg': not an http(s) URL",)
