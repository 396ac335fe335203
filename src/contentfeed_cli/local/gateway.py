"""A small API Gateway (REST, Lambda proxy) for the laptop.

It turns an HTTP request into the same proxy event API Gateway would send, runs the route's
authorizer first when the template gives it one, invokes the function's handler in-process and
turns the proxy result back into an HTTP response. Routes, authorizers and gateway responses
all come from ``template.yaml``.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from contentfeed.http import media
from contentfeed_cli.local.template import FunctionSpec, RouteSpec, Template

STAGE = "local"
_BREAKS = re.compile(r"[\r\n\x00]")
ACCOUNT = "000000000000"
Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """What a handler may ask of its context object."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    function_version: str = "$LATEST"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def load_handler(spec: FunctionSpec) -> Handler:
    module_name = f"contentfeed_local_{spec.logical_id}"
    loader_spec = importlib.util.spec_from_file_location(module_name, spec.module_path)
    if loader_spec is None or loader_spec.loader is None:
        raise ImportError(f"cannot load {spec.module_path}")
    module: ModuleType = importlib.util.module_from_spec(loader_spec)
    loader_spec.loader.exec_module(module)
    handler: Handler = getattr(module, spec.attribute)
    return handler


class Gateway:
    """Routes requests to the template's functions and invokes them in-process."""

    def __init__(
        self, template: Template, *, handlers: Mapping[str, Handler] | None = None
    ) -> None:
        self.template = template
        self.routes = template.routes()
        self.authorizers = template.authorizers()
        self.responses = template.gateway_responses()
        self.preflight = template.cors_preflight()
        functions = template.functions()
        self.handlers: dict[str, Handler] = dict(handlers or {})
        for name, spec in functions.items():
            if name not in self.handlers:
                self.handlers[name] = load_handler(spec)
        # One invocation at a time: each function behaves like one warm container, and the
        # embedded moto backend (not thread-safe) sees one DynamoDB call at a time.
        self.lock = threading.Lock()
        self.after_invoke: Callable[[], Any] | None = None
        """Called after every invocation, still holding the lock (``--data`` journals here)."""

    # ------------------------------------------------------------------ routing

    def match(self, method: str, path: str) -> tuple[RouteSpec, dict[str, str]] | None:
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = route.pattern.match(path)
            if found:
                return route, {name: unquote(value) for name, value in found.groupdict().items()}
        return None

    def has_path(self, path: str) -> bool:
        """True when some route of the template serves ``path``, whatever its method."""
        return any(route.pattern.match(path) for route in self.routes)

    def handle(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        source_ip: str = "127.0.0.1",
    ) -> HttpResponse:
        parts = urlsplit(target)
        path = parts.path or "/"
        if method.upper() == "OPTIONS" and self.preflight is not None and self.has_path(path):
            # API Gateway's own preflight answer (a mock integration): no function runs.
            headers = [("Content-Type", media.JSON), *self.preflight.items()]
            return HttpResponse(200, headers, b"")
        matched = self.match(method.upper(), path)
        if matched is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", fallback=404)
        route, path_parameters = matched
        event = build_event(
            method=method.upper(),
            route=route,
            path=path,
            query=parts.query,
            headers=headers,
            body=body,
            path_parameters=path_parameters,
            source_ip=source_ip,
        )
        if route.authorizer is not None:
            refused = self.authorize(route, event)
            if refused is not None:
                return refused
        try:
            result = self.invoke(route.function, event)
        except Exception:  # the function crashed: API Gateway answers its 5xx response
            traceback.print_exc()
            return self.gateway_response("DEFAULT_5XX", fallback=502)
        response = to_http(result, head=method.upper() == "HEAD")
        if any(_BREAKS.search(name + value) for name, value in response.headers):
            # API Gateway refuses a proxy result whose header would split the answer (502).
            return self.gateway_response("DEFAULT_5XX", fallback=502)
        return response

    # -------------------------------------------------------------- authorizing

    def authorize(self, route: RouteSpec, event: dict[str, Any]) -> HttpResponse | None:
        """Run the route's REQUEST authorizer as API Gateway does; None means allowed."""
        assert route.authorizer is not None
        spec = self.authorizers[route.authorizer]
        lower = {name.lower(): value for name, value in (event["headers"] or {}).items()}
        if any(not lower.get(name.lower()) for name in spec.identity_headers):
            return self.gateway_response("UNAUTHORIZED", fallback=401)
        request = {
            "type": "REQUEST",
            "methodArn": f"arn:aws:execute-api:local:{ACCOUNT}:local/{STAGE}/{event['httpMethod']}{event['path']}",
            "resource": event["resource"],
            "path": event["path"],
            "httpMethod": event["httpMethod"],
            "headers": event["headers"],
            "multiValueHeaders": event["multiValueHeaders"],
            "queryStringParameters": event["queryStringParameters"],
            "pathParameters": event["pathParameters"],
            "requestContext": event["requestContext"],
        }
        try:
            policy = self.invoke(spec.function, request)
        except Exception as error:  # API Gateway: "Unauthorized" → 401, anything else → 500
            if str(error) == "Unauthorized":
                return self.gateway_response("UNAUTHORIZED", fallback=401)
            return self.gateway_response("AUTHORIZER_FAILURE", fallback=500)
        statements = policy.get("policyDocument", {}).get("Statement", [])
        if not any(statement.get("Effect") == "Allow" for statement in statements):
            return self.gateway_response("ACCESS_DENIED", fallback=403)
        event["requestContext"]["authorizer"] = {
            "principalId": policy.get("principalId"),
            **policy.get("context", {}),
        }
        return None

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        with self.lock:
            try:
                return self.handlers[function](event, LambdaContext(function_name=function))
            finally:
                if self.after_invoke is not None:
                    self.after_invoke()

    def gateway_response(self, kind: str, *, fallback: int) -> HttpResponse:
        """A gateway response as the template configures it (DEFAULT_4XX/5XX apply to the rest)."""
        family = "DEFAULT_5XX" if fallback >= 500 else "DEFAULT_4XX"
        spec = self.responses.get(kind) or self.responses.get(family)
        if spec is None:
            body = json.dumps({"message": kind.replace("_", " ").capitalize()}).encode()
            return HttpResponse(fallback, [("Content-Type", media.JSON)], body)
        headers = [("Content-Type", media.JSON), *spec.headers.items()]
        deduped = list({name.lower(): (name, value) for name, value in headers}.values())
        return HttpResponse(spec.status, deduped, spec.body.encode("utf-8"))


def build_event(
    *,
    method: str,
    route: RouteSpec,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    path_parameters: Mapping[str, str],
    source_ip: str,
) -> dict[str, Any]:
    """An API Gateway REST API proxy event (payload format 1.0)."""
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        single_headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    pairs = parse_qsl(query, keep_blank_values=True)
    single_query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        single_query[name] = value
        multi_query.setdefault(name, []).append(value)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": method,
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": single_query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": route.path,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": path,
            "accountId": ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": single_headers.get("User-Agent")},
            "domainName": single_headers.get("Host", "localhost"),
            "apiId": "local",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def to_http(result: Mapping[str, Any], *, head: bool = False) -> HttpResponse:
    """A Lambda proxy result as an HTTP response."""
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.extend((name, str(value)) for value in values)
    for name, value in (result.get("headers") or {}).items():
        if name not in multi:
            headers.append((name, str(value)))
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return HttpResponse(int(result.get("statusCode", 502)), headers, b"" if head else body)
