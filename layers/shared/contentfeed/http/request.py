"""Guards applied to a raw API Gateway event before any route parses it, and public URLs."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

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
    ("PUT", "/shows/{slug}"): (JSON,),
}
"""The routes that take a body (by API Gateway resource), and the media types each accepts."""


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?")
_STAGE = re.compile(r"[A-Za-z0-9_-]{1,128}")


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

    Never what the client says: ``Host`` and ``X-Forwarded-Proto`` are the client's to choose
    (and a proxy's to rewrite), and these links end up in answers caches keep. In order:

    1. ``PUBLIC_BASE_URL`` (custom domains, CloudFront);
    2. one of ``ALLOWED_BASE_URLS``: the one whose host is the request's ``Host`` (preferring
       the scheme ``X-Forwarded-Proto`` names), or else the first;
    3. the name API Gateway received the request on (``requestContext.domainName``, which no
       header sets), over https, with the stage when it is an ``execute-api`` name.
    """
    if settings.public_base_url:
        return settings.public_base_url
    if settings.allowed_base_urls:
        host = (header(event, "Host") or "").strip().lower()
        proto = (header(event, "X-Forwarded-Proto") or "").split(",")[0].strip().lower()
        matching = [url for url in settings.allowed_base_urls if urlsplit(url).netloc == host]
        preferred = [url for url in matching if urlsplit(url).scheme == proto]
        return (preferred or matching or list(settings.allowed_base_urls))[0]
    context = event.get("requestContext") or {}
    domain = str(context.get("domainName") or "").lower()
    stage = str(context.get("stage") or "")
    if not _HOST.fullmatch(domain):
        raise BadRequest("the request names no host this service answers for")
    if domain.endswith(".amazonaws.com") and _STAGE.fullmatch(stage):
        return f"https://{domain}/{stage}"
    return f"https://{domain}"


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
