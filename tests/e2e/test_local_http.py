"""The local server answers what API Gateway would: CORS preflights exactly as the template
declares them, and errors of the HTTP layer itself as problem+json like every other error."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from contentfeed_cli.local.gateway import HttpResponse
from contentfeed_cli.local.server import make_request_handler
from contentfeed_cli.local.template import Template
from tests.conftest import ROOT
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

CORS_HEADERS = {
    "AllowOrigin": "access-control-allow-origin",
    "AllowMethods": "access-control-allow-methods",
    "AllowHeaders": "access-control-allow-headers",
    "MaxAge": "access-control-max-age",
}


def declared_preflight() -> dict[str, str]:
    """What template.yaml's API declares under Cors, as API Gateway sends it (quotes removed)."""
    (api,) = Template(ROOT / "template.yaml").resources_of_type("AWS::Serverless::Api").values()
    cors: dict[str, Any] = api["Properties"]["Cors"]
    return {CORS_HEADERS[key]: str(value).strip("'") for key, value in cors.items()}


def raw_request(server: Server, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; read the whole answer (the server closes the connection)."""
    parts = urlsplit(server.base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    "path", ["/feed.xml", "/tags/tech-workers/atom.xml", "/", "/articles", "/articles/any-id"]
)
def test_preflight_answers_what_the_template_declares(server: Server, path: str) -> None:
    # Given the CORS settings the deployed API's OPTIONS methods are generated from
    expected = declared_preflight()
    assert expected["access-control-allow-origin"] == "*"
    # When a browser sends a preflight to the local server
    reply = server.request(
        "OPTIONS",
        path,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    # Then it gets API Gateway's answer: 200, exactly the declared headers, no body
    assert reply.status == 200
    got = {name.lower(): value for name, value in reply.headers.items()}
    assert {name: got.get(name) for name in CORS_HEADERS.values()} == expected
    assert reply.body == b""


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("garbage request line", b"NOT A REQUEST LINE AT ALL\r\n\r\n", 400),
        ("unsupported HTTP version", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("request line too long", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (
            "too many headers",
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: v\r\n" % n for n in range(120))
            + b"\r\n",
            431,
        ),
        (
            "Content-Length not a number",
            b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            400,
        ),
        (
            "Content-Length negative",
            b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            400,
        ),
        (
            "header line too long",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"v" * 70_000 + b"\r\n\r\n",
            431,
        ),
    ],
)
def test_http_layer_errors_are_problem_json(
    server: Server, name: str, data: bytes, status: int
) -> None:
    # When the HTTP server itself refuses a request, before any route sees it
    code, headers, body = raw_request(server, data)
    # Then the answer is problem+json, like every other error
    assert code == status, name
    assert headers["content-type"] == "application/problem+json", name
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["type"].startswith("https://contentfeed.dev/problems/")


class _BrokenGateway:
    """A gateway whose function crashes, or answers a header no HTTP server can write."""

    def __init__(self, crash: bool) -> None:
        self.crash = crash

    def handle(self, *_: Any, **__: Any) -> HttpResponse:
        if self.crash:
            raise RuntimeError("a bug")
        return HttpResponse(200, [("Link", '<x>; title="€"')], b"{}")

    def gateway_response(self, kind: str, *, fallback: int) -> HttpResponse:
        body = json.dumps({"status": fallback, "title": kind}).encode()
        return HttpResponse(fallback, [("Content-Type", "application/problem+json")], body)


@pytest.mark.parametrize("crash", [True, False], ids=["raises", "unwritable-header"])
def test_an_unexpected_failure_is_answered_as_a_5xx_never_a_dropped_connection(
    crash: bool,
) -> None:
    # Given the local server in front of a gateway that fails in a way nothing planned for
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_request_handler(_BrokenGateway(crash)))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # When a request comes in
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", "/shows")
        response = connection.getresponse()
        # Then it is answered, with the gateway's 5xx problem+json
        assert response.status == 502
        assert response.getheader("Content-Type") == "application/problem+json"
        assert json.loads(response.read())["status"] == 502
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
