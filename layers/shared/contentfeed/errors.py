"""Typed errors. Each knows its HTTP status; handlers map them to problem+json in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PROBLEM_BASE = "https://contentfeed.dev/problems/"


@dataclass(frozen=True, slots=True)
class FieldIssue:
    field: str
    message: str
    type: str


class ContentFeedError(Exception):
    """Base class: an answer the client should see, with a status and a stable problem type."""

    status = 500
    slug = "internal"
    title = "Internal error"

    def __init__(self, detail: str, *, issues: Sequence[FieldIssue] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.issues = tuple(issues)

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.slug


class BadRequest(ContentFeedError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(ContentFeedError):
    status, slug, title = 401, "unauthorized", "Missing or invalid write key"


class NotFound(ContentFeedError):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(ContentFeedError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"

    def __init__(self, detail: str, *, allow: str) -> None:
        super().__init__(detail)
        self.allow = allow


class Gone(ContentFeedError):
    status, slug, title = 410, "gone", "Deleted"


class Conflict(ContentFeedError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(ContentFeedError):
    status, slug, title = 412, "precondition-failed", "Version mismatch"


class PayloadTooLarge(ContentFeedError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(ContentFeedError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(ContentFeedError):
    status, slug, title = 422, "validation", "Invalid article"


class StorageUnavailable(ContentFeedError):
    """DynamoDB said no (throttling, an outage): retry later; nothing was written."""

    status, slug, title = 503, "storage-unavailable", "Storage temporarily unavailable"
    retry_after_seconds = 2


class StorageMisconfigured(ContentFeedError):
    """DynamoDB refused in a way no retry fixes: an unknown table, access denied, an operation the
    endpoint does not know, no region or no credentials. The deployment needs fixing; clients get
    a 500 that does not invite them to retry, and the logs say what is wrong."""

    status, slug, title = 500, "storage-misconfigured", "Service misconfigured"
