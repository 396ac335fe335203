"""API Gateway REST proxy events in, proxy results out: a small router for the functions whose
cold start cannot afford Powertools' event handler.

Importing ``aws_lambda_powertools.event_handler`` loads every resolver it has (AppSync, Bedrock,
VPC Lattice, ...) and every event data class, which costs a cold start more than a tenth of
importing boto3. The feeds and not-allowed functions only need routing on a path and a method,
CORS and problem+json, which this module does in the very same way: the same route patterns
(``<name>`` matches what Powertools' does), static routes before dynamic ones, the same CORS
headers and preflight answer, and the same result shape (``multiValueHeaders``). A test runs
the same events through both and compares the results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contentfeed.errors import ContentFeedError

# Powertools' route syntax: ``<name>`` matches one or more of these (RFC 3986's unreserved and
# sub-delims, a few unsafe ones, word characters); the rule is anchored, trailing slashes aside.
_DYNAMIC = re.compile(r"(<\w+>)")
_SAFE_URI = "-._~()'!*:@,;=+&$"
_UNSAFE_URI = r"%<> \[\]{}|^"
_GROUP = rf"(?P\1[{_SAFE_URI}{_UNSAFE_URI}\\w]+)"
_CORS_ALLOW_HEADERS = "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"


class Response:
    """An HTTP answer: the constructor of Powertools' ``Response``, so handlers read alike."""

    def __init__(
        self,
        status_code: int,
        content_type: str | None = None,
        body: str = "",
        headers: Mapping[str, str | list[str]] | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.content_type = content_type
        self.headers: dict[str, str | list[str]] = dict(headers) if headers else {}
        if content_type:
            self.headers.setdefault("Content-Type", content_type)


@dataclass(frozen=True)
class Cors:
    """Cross-origin reads: the headers Powertools' ``CORSConfig`` sends, for the same settings."""

    allow_origin: str = "*"
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None

    def headers(self, origin: str | None) -> dict[str, str]:
        """The headers for a request's ``Origin`` (None: it sent none)."""
        if origin is None:
            return {}
        if origin == self.allow_origin:
            allowed = origin
        elif self.allow_origin == "*":
            allowed = "*"  # Powertools answers "*" to any origin when every one is allowed
        else:
            return {}
        headers = {
            "Access-Control-Allow-Origin": allowed,
            "Access-Control-Allow-Headers": _CORS_ALLOW_HEADERS,
        }
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ",".join(self.expose_headers)
        if self.max_age is not None:
            headers["Access-Control-Max-Age"] = str(self.max_age)
        return headers


def _origin(event: Mapping[str, Any]) -> str | None:
    """The request's ``Origin``, read as Powertools reads it: from ``multiValueHeaders`` when the
    event has any, else from ``headers``, whatever the case of the name (the last spelling)."""
    source = event.get("multiValueHeaders") or event.get("headers") or {}
    value = None
    for name, found in source.items():
        if isinstance(name, str) and name.lower() == "origin":
            value = found
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def proxy_result(response: Response, event: Mapping[str, Any], cors: Cors | None) -> dict[str, Any]:
    """The REST proxy result, with the CORS headers the request's ``Origin`` calls for."""
    headers = dict(response.headers)
    if cors is not None:
        headers.update(cors.headers(_origin(event)))
    multi: dict[str, list[str]] = {}
    for name, value in headers.items():
        multi.setdefault(name, []).extend([value] if isinstance(value, str) else value)
    return {
        "statusCode": response.status_code,
        "body": response.body,
        "isBase64Encoded": False,
        "multiValueHeaders": multi,
    }


Handler = Callable[..., Response]
"""Called with the event and the route's path parameters (as matched, still percent-encoded)."""


@dataclass
class Router:
    """Routes on method and path; a :class:`ContentFeedError` becomes ``on_error``'s answer, an
    unknown route ``on_not_found(method, path)``'s (a CORS preflight, when CORS is on, a 204).
    Any other exception propagates, as it does out of Powertools' resolver."""

    on_error: Callable[[ContentFeedError], Response]
    on_not_found: Callable[[str, str], Response]
    cors: Cors | None = None
    _static: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)
    _dynamic: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)

    def add(self, methods: Iterable[str], rule: str, handler: Handler) -> None:
        # As Powertools' REST resolver: trailing slashes are ignored (the rule's and the path's).
        pattern = re.compile(f"^{_DYNAMIC.sub(_GROUP, rule.rstrip('/'))}/*$")
        table = self._dynamic if pattern.groups else self._static
        table.extend((method.upper(), pattern, handler) for method in methods)

    def methods(self) -> set[str]:
        return {"OPTIONS"} | {method for method, _, _ in self._static + self._dynamic}

    def resolve(self, event: Mapping[str, Any]) -> dict[str, Any]:
        method = str(event.get("httpMethod") or "")
        path = str(event.get("path") or "")
        try:
            response = self._dispatch(event, method, path)
        except ContentFeedError as error:
            response = self.on_error(error)
        return proxy_result(response, event, self.cors)

    def _dispatch(self, event: Mapping[str, Any], method: str, path: str) -> Response:
        wanted = method.upper()  # routes match any spelling; on_not_found gets the event's
        for route_method, pattern, handler in self._static + self._dynamic:
            if route_method != wanted:
                continue
            found = pattern.match(path)
            if found:
                return handler(event, **found.groupdict())
        if self.cors is not None and wanted == "OPTIONS":
            allow = ",".join(sorted(self.methods()))
            return Response(204, headers={"Access-Control-Allow-Methods": allow})
        return self.on_not_found(method, path)
