"""When DynamoDB says no: 503 with Retry-After, nothing half-written; races: exactly one winner."""

from __future__ import annotations

import json
import logging
import threading
from types import ModuleType
from typing import Any, cast

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.errors import PreconditionFailed
from contentfeed.logic import articles as logic
from contentfeed.models.api import ArticleIn
from contentfeed_cli.local.gateway import LambdaContext, build_event
from contentfeed_cli.local.template import RouteSpec
from tests.conftest import NOW, TABLE, AtomicCalls, LoadHandler, response_headers


class FailingClient:
    """A DynamoDB client that fails chosen operations and passes the rest to the real one."""

    def __init__(self, real: Any, failures: dict[str, Exception]) -> None:
        self._real = real
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        if name in self.failures:

            def fail(**_: Any) -> Any:
                raise self.failures[name]

            return fail
        return getattr(self._real, name)


def throttled(operation: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
        operation,
    )


def invoke(
    module: ModuleType, method: str, path: str, route_path: str, body: Any = None
) -> dict[str, Any]:
    route = RouteSpec(method=method, path=route_path, function="f", authorizer=None)
    raw = b"" if body is None else json.dumps(body).encode()
    event = build_event(
        method=method,
        route=route,
        path=path,
        query="",
        headers=[("Content-Type", "application/json"), ("Accept", "*/*")],
        body=raw,
        path_parameters={},
        source_ip="127.0.0.1",
    )
    if method not in ("GET", "HEAD"):  # as API Gateway passes it after the write authorizer
        event["requestContext"]["authorizer"] = {"principalId": "test-key"}
    result: dict[str, Any] = module.lambda_handler(event, LambdaContext(function_name="f"))
    return result


@pytest.fixture
def seeded(store: Store, env: Settings) -> str:
    article = logic.create_article(
        store, env, ArticleIn.model_validate({"title": "Keep me", "tags": ["t"]}), now=NOW
    )
    return article.id


@pytest.mark.parametrize(
    "failure",
    [
        throttled("TransactWriteItems"),
        EndpointConnectionError(endpoint_url="https://dynamodb.example"),
    ],
)
def test_a_failing_write_answers_503_and_stores_nothing(
    load_handler: LoadHandler, ddb: Any, seeded: str, failure: Exception
) -> None:
    # Given DynamoDB refusing transactions
    before = ddb.scan(TableName=TABLE)["Items"]
    failing = Store(TABLE, client=cast(Any, FailingClient(ddb, {"transact_write_items": failure})))
    api = load_handler("api", store=failing)
    # When a publisher creates and edits articles
    created = invoke(api, "POST", "/articles", "/articles", {"title": "New"})
    patched = invoke(api, "PATCH", f"/articles/{seeded}", "/articles/{id}", {"title": "Changed"})
    # Then both answers are 503 problem+json with Retry-After
    for reply in (created, patched):
        assert reply["statusCode"] == 503
        headers = response_headers(reply)
        assert headers["content-type"] == "application/problem+json"
        assert int(headers["retry-after"]) > 0
    # And the table is exactly as it was
    assert ddb.scan(TableName=TABLE)["Items"] == before


@pytest.mark.parametrize("operation", ["query", "get_item"])
def test_failing_reads_answer_503_on_api_and_feeds(
    load_handler: LoadHandler, ddb: Any, seeded: str, operation: str
) -> None:
    failing = Store(TABLE, client=cast(Any, FailingClient(ddb, {operation: throttled(operation)})))
    api, feeds = load_handler("api", store=failing), load_handler("feeds", store=failing)
    replies = [
        invoke(api, "GET", "/articles", "/articles"),
        invoke(api, "GET", f"/articles/{seeded}", "/articles/{id}"),
        invoke(feeds, "GET", "/feed.xml", "/feed.xml"),
    ]
    failed = [reply for reply in replies if reply["statusCode"] != 200]
    assert failed, "at least one route uses the failing operation"
    for reply in failed:
        assert reply["statusCode"] == 503
        assert "retry-after" in response_headers(reply)


def refused(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, operation)


@pytest.mark.parametrize(
    "failure",
    [
        refused("ResourceNotFoundException", "Query"),
        refused("AccessDeniedException", "Query"),
        refused("UnknownOperationException", "Query"),
        refused("UnrecognizedClientException", "Query"),
        NoCredentialsError(),
        NoRegionError(),
    ],
    ids=["unknown-table", "access-denied", "unknown-operation", "bad-key", "no-creds", "no-region"],
)
def test_errors_no_retry_fixes_are_500_configuration_errors_not_503(
    load_handler: LoadHandler,
    ddb: Any,
    seeded: str,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
) -> None:
    # Given a DynamoDB that refuses every read for a reason no retry changes
    failing = Store(
        TABLE, client=cast(Any, FailingClient(ddb, {"query": failure, "get_item": failure}))
    )
    api, feeds = load_handler("api", store=failing), load_handler("feeds", store=failing)
    caplog.set_level(logging.INFO)
    # When readers ask the API and the feeds
    replies = [
        invoke(api, "GET", "/articles", "/articles"),
        invoke(api, "GET", f"/articles/{seeded}", "/articles/{id}"),
        invoke(feeds, "GET", "/feed.xml", "/feed.xml"),
    ]
    # Then each answer is a 500 configuration problem that does not invite a retry
    for reply in replies:
        assert reply["statusCode"] == 500
        headers = response_headers(reply)
        assert headers["content-type"] == "application/problem+json"
        assert "retry-after" not in headers
        body = json.loads(reply["body"])
        assert body["type"].endswith("/storage-misconfigured")
        assert TABLE not in body["detail"]
    # And the logs say so at error level, never as "temporarily unavailable"
    messages = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert messages.count(("ERROR", "storage misconfigured")) == len(replies)
    assert not [message for _, message in messages if message == "storage unavailable"]


def test_concurrent_patches_with_the_same_if_match_have_one_winner(
    ddb: Any, env: Settings, seeded: str
) -> None:
    store = Store(TABLE, client=cast(Any, AtomicCalls(ddb)))
    # Given eight editors holding version 1 of the same article
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def edit(n: int) -> None:
        barrier.wait()
        try:
            logic.patch_article(
                store,
                env,
                seeded,
                {"title": f"Editor {n}", "tags": [f"tag{n}"]},
                preconditions=logic.Preconditions.from_headers('"v1"', None),
                now=NOW,
            )
            outcomes.append("won")
        except PreconditionFailed:
            outcomes.append("412")

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one wins and the rest get 412
    assert sorted(outcomes) == ["412"] * 7 + ["won"]
    # And the indexes agree with the winner: it is listed under its tag and nowhere else
    article = logic.get_article(store, seeded, now=NOW, privileged=True)
    assert article.version == 2
    winner_tag = article.tags[0]
    for n in range(8):
        page = logic.list_articles(store, now=NOW, limit=10, cursor=None, tag=f"tag{n}")
        assert [a.id for a in page.articles] == ([seeded] if f"tag{n}" == winner_tag else [])


def test_concurrent_patches_without_if_match_all_apply(
    ddb: Any, env: Settings, seeded: str
) -> None:
    store = Store(TABLE, client=cast(Any, AtomicCalls(ddb)))
    # Given eight editors each adding their own field value without If-Match
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def edit(n: int) -> None:
        barrier.wait()
        try:
            logic.patch_article(
                store,
                env,
                seeded,
                {"summary": f"s{n}"},
                preconditions=logic.Preconditions(),
                now=NOW,
            )
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every write either applied (version grew once per success) or was retried until it did
    article = logic.get_article(store, seeded, now=NOW, privileged=True)
    assert article.version == 1 + 4 - len(errors)
    assert all(isinstance(error, PreconditionFailed) for error in errors)
