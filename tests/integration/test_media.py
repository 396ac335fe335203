"""Media through the real handlers on moto: the API keeps attachments and episode fields, and
refuses what a feed could not carry, with a problem+json naming the field."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest

from tests.bench import support as bench

EPISODE: dict[str, Any] = {
    "title": "Episode 12: the letter",
    "content_html": "<p>We read the letter and talk it through.</p>",
    "attachments": [
        {
            "url": "https://cdn.example.net/ep12.mp3",
            "type": "audio/mpeg",
            "length": 24117248,
            "duration": 1507,
            "title": "MP3",
        },
        {"url": "https://cdn.example.net/ep12.pdf", "type": "application/pdf"},
    ],
    "podcast": {
        "episode": 12,
        "season": 2,
        "episode_type": "full",
        "explicit": False,
        "image": "https://cdn.example.net/ep12.jpg",
        "transcripts": [
            {"url": "https://cdn.example.net/ep12.vtt", "type": "text/vtt", "language": "en"}
        ],
        "chapters_url": "https://cdn.example.net/ep12.json",
    },
}


def call(api: ModuleType, method: str, path: str, body: Any = None) -> dict[str, Any]:
    resource = "/articles/{id}" if path.count("/") == 2 else path
    request = bench.event(
        method,
        path,
        function="ApiFunction",
        resource=resource,
        path_parameters={"id": path.rsplit("/", 1)[1]} if path.count("/") == 2 else None,
        headers={"Accept": "application/json", "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
    )
    result: dict[str, Any] = bench.invoke(api, request, "ApiFunction")
    return result


def test_attachments_and_episode_fields_come_back_as_sent(api: ModuleType) -> None:
    # Given an article with two attachments and episode fields
    # When it is created and read back
    created = call(api, "PUT", "/articles/ep-12", EPISODE)
    assert created["statusCode"] == 201, created["body"]
    answer = json.loads(call(api, "GET", "/articles/ep-12")["body"])
    # Then both come back unchanged
    assert answer["attachments"][0] == EPISODE["attachments"][0]
    assert answer["attachments"][1]["type"] == "application/pdf"
    assert answer["podcast"] == EPISODE["podcast"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"attachments": [{"url": "https://x.example/a.mp3", "type": "audio/mpeg"}]},
            "attachments.0",
        ),
        (
            {"attachments": [{"url": "/a.mp3", "type": "audio/mpeg", "length": 1}]},
            "attachments.0.url",
        ),
        ({"podcast": {"explicit": "yes"}}, "podcast.explicit"),
        ({"content_html": '<iframe src="javascript:alert(1)"></iframe>'}, "content_html"),
    ],
)
def test_media_that_a_feed_cannot_carry_is_a_422_naming_the_field(
    api: ModuleType, change: dict[str, Any], field: str
) -> None:
    # Given an article that is wrong in one media field
    result = call(api, "POST", "/articles", {"title": "Bad media", **change})
    # Then the answer is a 422 problem naming it, and nothing is stored
    assert result["statusCode"] == 422
    problem = json.loads(result["body"])
    assert field in [issue["field"] for issue in problem["errors"]]
    listed = json.loads(call(api, "GET", "/articles")["body"])
    assert listed["items"] == []
