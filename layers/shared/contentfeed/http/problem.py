"""RFC 9457 problem details: the one shape of every error the service answers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from contentfeed.errors import (
    PROBLEM_BASE,
    ContentFeedError,
    FieldIssue,
    MethodNotAllowed,
    StorageMisconfigured,
    StorageUnavailable,
)
from contentfeed.http.media import PROBLEM_JSON
from contentfeed.http.proxy import Response

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger


def problem_body(
    *,
    status: int,
    title: str,
    detail: str,
    slug: str,
    issues: Sequence[FieldIssue] = (),
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if issues:
        body["errors"] = [
            {"field": issue.field, "message": issue.message, "type": issue.type} for issue in issues
        ]
    return body


def problem(
    *,
    status: int,
    title: str,
    detail: str,
    slug: str,
    issues: Sequence[FieldIssue] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=json.dumps(
            problem_body(status=status, title=title, detail=detail, slug=slug, issues=issues),
            ensure_ascii=False,
        ),
        headers=dict(headers or {}),
    )


def from_error(error: ContentFeedError) -> Response:
    headers: dict[str, str] = {}
    if isinstance(error, StorageUnavailable):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = error.allow
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="contentfeed"'
    detail = error.detail
    if isinstance(error, StorageMisconfigured):
        # What is wrong (a table name, an account) is for the logs, not for the client.
        detail = "the service cannot use its storage until its operators fix the configuration"
    return problem(
        status=error.status,
        title=error.title,
        detail=detail,
        slug=error.slug,
        issues=error.issues,
        headers=headers,
    )


def answer_error(error: ContentFeedError, logger: Logger) -> Response:
    """The answer to ``error``, which a storage fault also leaves in the function's log: a
    transient one (503, retry) as a warning, a misconfiguration (500, no retry helps) as an
    error the operators must act on. Every other error is the client's and only answered."""
    if isinstance(error, StorageUnavailable):
        logger.warning("storage unavailable", cause=error.detail)
    elif isinstance(error, StorageMisconfigured):
        logger.error("storage misconfigured", cause=error.detail)
    return from_error(error)
