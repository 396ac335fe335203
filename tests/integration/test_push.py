"""WebSub pings from the DynamoDB stream (moto), through the push consumer, to a hub on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest

from contentfeed.config import Settings, get_settings
from contentfeed.dal import Store
from contentfeed.logic import articles as logic
from contentfeed.logic.push import HubUnavailable, feed_urls, ping_hub
from contentfeed.models.api import ArticleIn
from contentfeed_cli.local.gateway import LambdaContext
from contentfeed_cli.local.streams import StreamPoller
from tests.conftest import NOW, TABLE, LoadHandler
from tests.hub import Hub, running_hub

BASE = "https://feeds.example.org"


def formats(folder: str) -> set[str]:
    return {f"{BASE}{folder}/feed.xml", f"{BASE}{folder}/atom.xml", f"{BASE}{folder}/feed.json"}


@pytest.fixture
def hub(env: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    with running_hub() as started:
        monkeypatch.setenv("WEBSUB_HUB_URL", started.url)
        monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
        get_settings.cache_clear()
        yield started


@pytest.fixture
def push(hub: Hub, load_handler: LoadHandler) -> ModuleType:
    return load_handler("push", clock=None)


@pytest.fixture
def stream(ddb: Any) -> StreamPoller:
    return StreamPoller(
        table_name=TABLE,
        dynamodb=ddb,
        streams=boto3.client("dynamodbstreams", region_name="us-east-1"),
        deliver=lambda event: None,
    )


def deliver(
    push: ModuleType, stream: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """Read what the stream has and run the consumer on it; return its batch responses."""
    monkeypatch.setattr(push, "clock", lambda: NOW)
    answers: list[dict[str, Any]] = []
    stream.deliver = lambda event: answers.append(
        push.lambda_handler(event, LambdaContext(function_name="push"))
    )
    stream.poll_once()
    return answers


def write(store: Store, env: Settings, **fields: Any) -> str:
    data = ArticleIn.model_validate({"title": "Story", **fields})
    return logic.create_article(store, env, data, now=NOW).id


def test_a_new_article_pings_every_feed_it_appears_in(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(store, env, tags=["Tech Workers"], authors=[{"name": "Rae Whitlock"}])
    answers = deliver(push, stream, monkeypatch)
    assert answers and all(answer == {"batchItemFailures": []} for answer in answers)
    assert hub.topics() == formats("") | formats("/tags/tech-workers") | formats(
        "/authors/rae-whitlock"
    )
    assert {mode for mode, _ in hub.pings} == {"publish"}


def test_an_edit_pings_old_and_new_tags(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article_id = write(store, env, tags=["Old"])
    deliver(push, stream, monkeypatch)
    hub.pings.clear()
    logic.patch_article(
        store, env, article_id, {"tags": ["New"]}, preconditions=logic.Preconditions(), now=NOW
    )
    deliver(push, stream, monkeypatch)
    assert hub.topics() == formats("") | formats("/tags/old") | formats("/tags/new")


def test_drafts_and_pending_articles_ping_nothing_and_deletions_do(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draft = write(store, env, status="draft", tags=["x"])
    write(store, env, published_at="2030-01-01T00:00:00+00:00", tags=["y"])
    deliver(push, stream, monkeypatch)
    assert hub.pings == []
    logic.patch_article(
        store, env, draft, {"status": "published"}, preconditions=logic.Preconditions(), now=NOW
    )
    logic.delete_article(store, draft, preconditions=logic.Preconditions(), now=NOW)
    deliver(push, stream, monkeypatch)
    assert hub.topics() == formats("") | formats("/tags/x")
    assert len(hub.pings) == 2 * len(hub.topics())  # published, then deleted: each feed twice


def test_an_article_deleted_before_it_was_due_pings_nothing(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a scheduled article with a tag and an author nothing else has, and a draft
    scheduled = write(
        store,
        env,
        published_at="2030-01-01T00:00:00+00:00",
        tags=["Merger"],
        authors=[{"name": "Nova Quill"}],
    )
    draft = write(store, env, status="draft", tags=["Layoffs"])
    # When both are edited and then deleted before anyone could see them
    for article_id in (scheduled, draft):
        logic.patch_article(
            store, env, article_id, {"summary": "s"}, preconditions=logic.Preconditions(), now=NOW
        )
        logic.delete_article(store, article_id, preconditions=logic.Preconditions(), now=NOW)
    answers = deliver(push, stream, monkeypatch)
    # Then the hub heard nothing: no feed URL names that tag or that author
    assert answers and all(answer == {"batchItemFailures": []} for answer in answers)
    assert hub.pings == []


def test_rescheduling_a_visible_article_pings_only_the_feeds_it_left(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a published article, seen by the hub already
    article_id = write(store, env, tags=["Old"])
    deliver(push, stream, monkeypatch)
    hub.pings.clear()
    # When it is moved to the future under a new tag
    logic.patch_article(
        store,
        env,
        article_id,
        {"tags": ["Secret"], "published_at": "2030-01-01T00:00:00+00:00"},
        preconditions=logic.Preconditions(),
        now=NOW,
    )
    deliver(push, stream, monkeypatch)
    # Then the feeds it left are pinged, and the tag it will appear under is not named
    assert hub.topics() == formats("") | formats("/tags/old")


def test_no_hub_configured_sends_nothing(
    store: Store,
    env: Settings,
    push: ModuleType,
    hub: Hub,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WEBSUB_HUB_URL")
    get_settings.cache_clear()
    write(store, env, tags=["x"])
    assert deliver(push, stream, monkeypatch) == [{"batchItemFailures": []}]
    assert hub.pings == []


def test_a_failing_hub_is_retried_then_the_record_is_reported(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("contentfeed.logic.push.time.sleep", lambda seconds: None)
    # a hub that fails twice recovers within the retries
    hub.fail_next = 2
    write(store, env)
    assert deliver(push, stream, monkeypatch)[0]["batchItemFailures"] == []
    assert hub.topics() == formats("")
    # a hub that stays down makes the record a batch item failure, to be retried by Lambda
    hub.fail_next = 1000
    write(store, env, title="Second")
    failures = [
        f for answer in deliver(push, stream, monkeypatch) for f in answer["batchItemFailures"]
    ]
    assert len(failures) == 1 and failures[0]["itemIdentifier"]


def test_ping_backs_off_exponentially() -> None:
    sleeps: list[float] = []
    statuses = iter([503, 500, 204])
    ping_hub(
        "https://hub.example",
        ["https://x/feed.xml"],
        post=lambda url, body: next(statuses),
        sleep=sleeps.append,
    )
    assert sleeps == [0.25, 0.5]
    with pytest.raises(HubUnavailable):
        ping_hub(
            "https://hub.example",
            ["https://x/feed.xml"],
            post=lambda url, body: 503,
            sleep=sleeps.append,
        )


def test_feed_urls_cover_all_formats_of_every_scope() -> None:
    urls = feed_urls(BASE, {"site", "tag:déjà-vu", "author:rae"})
    assert len(urls) == 9
    assert f"{BASE}/tags/d%C3%A9j%C3%A0-vu/atom.xml" in urls


def test_a_show_edit_and_a_new_episode_ping_the_show_feeds(
    store: Store,
    env: Settings,
    hub: Hub,
    push: ModuleType,
    stream: StreamPoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a show created through the logic (as PUT /shows/{slug} does)
    from contentfeed.logic import shows
    from contentfeed.models.api import ShowIn
    from tests.conftest import load_event

    data = ShowIn.model_validate_json(load_event("show-put.json")["body"])
    shows.put_show(
        store, env, "the-letter", data, base=BASE, preconditions=logic.Preconditions(), now=NOW
    )
    # When the stream is delivered, Then the hub hears of the show's two feeds (no Atom)
    assert deliver(push, stream, monkeypatch)
    show_feeds = {f"{BASE}/shows/the-letter/feed.xml", f"{BASE}/shows/the-letter/feed.json"}
    assert hub.topics() == show_feeds
    # When an episode is published, Then its show's feeds are pinged with the site's
    write(
        store,
        env,
        show="the-letter",
        attachments=[{"url": "https://cdn.example.net/1.mp3", "type": "audio/mpeg", "length": 9}],
    )
    assert deliver(push, stream, monkeypatch)
    assert show_feeds | formats("") <= hub.topics()
