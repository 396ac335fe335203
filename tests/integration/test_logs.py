"""No log line ever carries a write key, a bearer token or an article body."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from contentfeed.dal import Store
from contentfeed.logic.keys import create_key, hash_key
from contentfeed_cli.local.gateway import LambdaContext, build_event
from contentfeed_cli.local.template import RouteSpec
from tests.conftest import NOW, LoadHandler

SECRET_BODY = "Confidential-paragraph-4f9e2 about the embargoed story"


def event(
    method: str, path: str, route_path: str, *, authorization: str | None, body: Any = None
) -> dict[str, Any]:
    headers = [("Content-Type", "application/json"), ("Host", "api.example.org")]
    if authorization:
        headers.append(("Authorization", authorization))
    raw = b"" if body is None else json.dumps(body).encode()
    built = build_event(
        method=method,
        route=RouteSpec(method, route_path, "f", None),
        path=path,
        query="",
        headers=headers,
        body=raw,
        path_parameters={},
        source_ip="198.51.100.7",
    )
    built["methodArn"] = "arn:aws:execute-api:us-east-1:123456789012:abc/v1/POST/articles"
    if authorization and method not in ("GET", "HEAD"):  # the write authorizer let it in
        built["requestContext"]["authorizer"] = {"principalId": "test-key"}
    return built


def test_logs_never_contain_keys_tokens_or_bodies(
    store: Store,
    load_handler: LoadHandler,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.INFO)  # what Lambda runs at; botocore logs bodies only at DEBUG
    api = load_handler("api", clock=None)
    authorizer = load_handler("authorizer")
    key, _ = create_key(store, name="logs", now=NOW)
    revoked, _ = create_key(store, name="old", now=NOW)
    store.revoke_key(hash_key(revoked), now=NOW)
    context: Any = LambdaContext(function_name="f")
    body = {"title": "Embargoed", "summary": SECRET_BODY, "content_html": f"<p>{SECRET_BODY}</p>"}

    # Given every path that logs: allowed and refused keys, a create, a bad create, a missing article
    authorizer.lambda_handler(
        event("POST", "/articles", "/articles", authorization=f"Bearer {key}"), context
    )
    for refused in (f"Bearer {revoked}", "Bearer cf_guessed-key-000", None):
        answer = authorizer.lambda_handler(
            event("POST", "/articles", "/articles", authorization=refused), context
        )
        assert answer["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    created = api.lambda_handler(
        event("POST", "/articles", "/articles", authorization=f"Bearer {key}", body=body), context
    )
    assert created["statusCode"] == 201
    bad = api.lambda_handler(
        event(
            "POST",
            "/articles",
            "/articles",
            authorization=f"Bearer {key}",
            body={**body, "title": ""},
        ),
        context,
    )
    assert bad["statusCode"] == 422
    article_id = json.loads(created["body"])["id"]
    api.lambda_handler(
        event("GET", f"/articles/{article_id}", "/articles/{id}", authorization=f"Bearer {key}"),
        context,
    )

    # Then the logs say what happened …
    logged = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "article created" in logged and "write refused" in logged
    # … and contain no key, no token and no article body
    for secret in (key, revoked, "cf_guessed-key-000", SECRET_BODY):
        assert secret not in logged
