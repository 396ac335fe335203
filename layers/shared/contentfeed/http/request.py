"""Guards applied to a raw API Gateway event before any route parses it, and public URLs."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from contentfeed.config import Settings
from contentfeed.errors import (
    BadRequest,
    FieldIssue,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from contentfeed.http.media import JSON, MERGE_PATCH
from contentfeed.limits import MAX_BODY_BYTES

JSON_TYPES = {
    ("POST", "/articles"): (JSON,),
    ("PUT", "/articles/{id}"): (JSON,),
    ("PATCH", "/articles/{id}"): (MERGE_PATCH, JSON),
}
"""The routes that take a body (by API Gateway resource), and the media types each accepts."""


def header(event: Mapping[str, Any], name: str) -> str | None:
    """A request header, case-insensitively (API Gateway keeps the client's spelling)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    return None


def body_bytes(event: Mapping[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("the body is not valid base64") from None
    return str(body).encode("utf-8", "surrogatepass")


def check_body(event: Mapping[str, Any]) -> None:
    """413 for oversize bodies and 415 for bodies that are not JSON, before anything parses them."""
    method = str(event.get("httpMethod", "")).upper()
    accepted = JSON_TYPES.get((method, str(event.get("resource", ""))))
    if accepted is None:
        return  # no body expected (another route answers, e.g. 405 for a wrong method)
    raw = body_bytes(event)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}")
    media_type = (header(event, "Content-Type") or "").split(";")[0].strip().lower()
    if media_type not in accepted:
        raise UnsupportedMediaType(
            f"send the body as {' or '.join(accepted)}, not {media_type or 'no Content-Type'}"
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(document, dict):
        raise ValidationFailed(
            "the body must be a JSON object",
            issues=[FieldIssue(field="body", message="must be a JSON object", type="object_type")],
        )


def base_url(event: Mapping[str, Any], settings: Settings) -> str:
    """The public URL the API is reached at, without a trailing slash.

    ``PUBLIC_BASE_URL`` wins (custom domains, CloudFront). Otherwise it is rebuilt from the
    request: on an ``execute-api`` host the stage is part of the path.
    """
    if settings.public_base_url:
        return settings.public_base_url
    context = event.get("requestContext") or {}
    host = header(event, "Host") or context.get("domainName") or "localhost"
    scheme = (header(event, "X-Forwarded-Proto") or "https").split(",")[0].strip()
    stage = context.get("stage") or ""
    if host.endswith(".amazonaws.com") and stage:
        return f"{scheme}://{host}/{stage}"
    return f"{scheme}://{host}"


def as_json_request(event: dict[str, Any]) -> dict[str, Any]:
    """The event with a JSON Merge Patch body labelled plain JSON, for the body parser.

    ``check_body`` has already accepted the media type; a merge patch *is* a JSON document.
    """
    headers = dict(event.get("headers") or {})
    for name, value in headers.items():
        if name.lower() == "content-type" and str(value).lower().startswith(MERGE_PATCH):
            headers[name] = JSON
            return {**event, "headers": headers}
    return event
