"""``contentfeed serve``: the API and feeds over real HTTP on a laptop.

By default the table lives in an embedded moto DynamoDB inside this process, in memory: it is
gone when the server stops, unless ``--data DIR`` keeps it on disk (``local/persist.py``). The
embedded table also answers DynamoDB's own API on the server's port, to loopback clients only,
so ``contentfeed keys --server URL`` can reach it while the server runs. With ``--endpoint-url``
(DynamoDB Local, a moto server) or ``--profile`` the table is a real one.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contentfeed.http import media
from contentfeed.http.problem import problem_body
from contentfeed.http.routes import FORMAT_TITLES, HOME, Format, Kind, feed_path
from contentfeed_cli.local.gateway import Gateway, HttpResponse
from contentfeed_cli.local.streams import StreamPoller
from contentfeed_cli.local.template import Template, create_table, find_template

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit
HTTP_LAYER_SLUGS = {
    400: "bad-request",
    408: "timeout",
    413: "too-large",
    414: "uri-too-long",
    431: "headers-too-large",
    501: "not-implemented",
    505: "http-version",
}
"""Problem types of the errors the HTTP server answers before any route sees the request."""
LOCAL_DEFAULTS = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
PRINTED_URLS = (
    ("articles", "/articles"),
    *((FORMAT_TITLES[fmt], feed_path(Kind.SITE, "", fmt)) for fmt in Format),
    ("home", HOME),
    ("API docs", "/docs"),
    ("OpenAPI", "/openapi.json"),
)
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (compared, not bound)
"""Hosts that mean "every address of this machine": never a URL's host."""
EMBEDDED_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 3000
    seed: bool = True
    table_name: str = "contentfeed-local"
    endpoint_url: str | None = None
    profile: str | None = None
    template: Path | None = None
    data_dir: Path | None = None
    """Keep the embedded table in this folder across restarts (None: in memory only)."""


@dataclass
class Embedded:
    """The embedded DynamoDB: moto's mock, its fast paths, its files and its DynamoDB endpoint."""

    mock: Any
    endpoint: Any = None
    files: Any = None
    restored: int | None = None
    """Items loaded from ``--data`` at start (None: nothing was kept there yet)."""
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.files is not None:
            self.files.close()
        self.mock.stop()


DYNAMODB_TARGET = "DynamoDB_20120810."


def _hostname(host_header: str) -> str:
    try:
        return urlsplit("//" + host_header).hostname or ""
    except ValueError:
        return ""


def may_use_dynamodb(client_address: str, host_header: str) -> bool:
    """A loopback client that named a loopback host: not another machine, and not a web page
    whose own host name was re-pointed at this machine (DNS rebinding)."""
    host = _hostname(host_header)
    return is_loopback(client_address) and (host == "localhost" or is_loopback(host))


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def function_environment(
    template: Template, *, table_name: str, environ: Mapping[str, str]
) -> dict[str, str]:
    """The functions' environment variables as the template sets them, resolved for this laptop.

    A variable already set in the caller's environment wins, so ``SITE_URL=… make run`` works.
    """
    defaults = template.parameter_defaults()
    tables = template.resources_of_type("AWS::DynamoDB::Table")
    resolved: dict[str, str] = {}
    variables: dict[str, Any] = {}
    for spec in template.functions().values():
        variables.update(spec.environment)
    for name, value in variables.items():
        if name in environ:
            resolved[name] = environ[name]
        elif isinstance(value, dict) and "Ref" in value:
            ref = value["Ref"]
            resolved[name] = table_name if ref in tables else defaults.get(ref, "")
        elif isinstance(value, dict):
            continue  # a deploy-time value (Fn::Sub of the API's URL): nothing to say locally
        else:
            resolved[name] = str(value)
    return resolved


def _sendable(name: str, value: str) -> bool:
    """Whether a header can go on the wire as http.server writes it (Latin-1, one line)."""
    try:
        (name + value).encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(char in name + value for char in "\r\n\x00")


def make_request_handler(gateway: Gateway, dynamodb: Any = None) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        server_version = "contentfeed-local"
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write: unbuffered, the body waited for the client's
        # delayed ACK of the headers (Nagle), 40-200 ms on every keep-alive request.
        wbufsize = -1
        disable_nagle_algorithm = True

        def _dispatch(self) -> None:
            started = time.perf_counter()
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.send_error(400, "Content-Length is not a number of bytes")
                return
            if length > MAX_REQUEST_BYTES:
                self.send_error(413, "Request body too large")
                return
            body = self.rfile.read(length) if length else b""
            try:
                response = self._respond(body)
            except Exception:  # a bug of this server or a function: answer, never hang up
                traceback.print_exc()
                response = gateway.gateway_response("DEFAULT_5XX", fallback=502)
            if not all(_sendable(name, value) for name, value in response.headers):
                # A header http.server cannot write (not Latin-1, or a line break in it).
                sys.stderr.write(f"{self.command} {self.path}: a header cannot be sent\n")
                response = gateway.gateway_response("DEFAULT_5XX", fallback=502)
            self.send_response(response.status)
            names = {name.lower() for name, _ in response.headers}
            for name, value in response.headers:
                self.send_header(name, value)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.perf_counter() - started) * 1000
            sys.stderr.write(
                f"{self.command} {self.path} -> {response.status} ({elapsed:.1f} ms)\n"
            )

        def _respond(self, body: bytes) -> HttpResponse:
            headers = [(name, value) for name, value in self.headers.items()]
            target = self.headers.get("X-Amz-Target") or ""
            if (
                dynamodb is not None
                and self.command == "POST"
                and target.startswith(DYNAMODB_TARGET)
            ):
                return self._dynamodb(headers, body)
            headers.append(("X-Forwarded-Proto", "http"))
            return gateway.handle(
                self.command, self.path, headers, body, source_ip=self.client_address[0]
            )

        def _dynamodb(self, headers: list[tuple[str, str]], body: bytes) -> HttpResponse:
            """DynamoDB's API on the embedded table, for this machine only."""
            if not may_use_dynamodb(self.client_address[0], self.headers.get("Host") or ""):
                refusal = b'{"__type": "AccessDeniedException", "message": "loopback clients only"}'
                return HttpResponse(403, [("Content-Type", "application/x-amz-json-1.0")], refusal)
            response: HttpResponse = dynamodb.handle(headers, body)
            return response

        def __getattr__(self, name: str) -> Any:
            """Every method (TRACE, PROPFIND, …) goes to the gateway, which answers as API Gateway would."""
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """Errors of the HTTP layer itself (a malformed request line, 414, 431 for too many
            or too long headers, 505, 413) as problem+json, like every other error."""
            status = HTTPStatus(code)
            body = json.dumps(
                problem_body(
                    status=code,
                    title=status.phrase,
                    detail=message or explain or status.description or status.phrase,
                    slug=HTTP_LAYER_SLUGS.get(code, "bad-request"),
                )
            ).encode()
            self.close_connection = True
            if self.request_version == "HTTP/0.9":  # the request line was unreadable: answer 1.1
                self.request_version = self.protocol_version
            self.send_response(code, message)
            self.send_header("Content-Type", media.PROBLEM_JSON)
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: ``_dispatch`` writes one line per request (never headers or bodies)."""

    return RequestHandler


def prepare(options: ServeOptions) -> tuple[Gateway, str | None, Embedded | None]:
    """Set the environment, start the backend, create and seed the table; return the gateway.

    Returns (gateway, the local write key if one was made or given, the embedded DynamoDB to
    stop, or None when the table is an external one).
    """
    from contentfeed.config import get_settings
    from contentfeed.dal import Store
    from contentfeed.logic.keys import create_key, hash_key

    template = Template(options.template or find_template())
    if options.profile is not None:  # the profile's own region, as every AWS tool reads it
        os.environ.setdefault("AWS_DEFAULT_REGION", profile_region(options.profile))
    for name, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    embedded = None
    if options.endpoint_url is None and options.profile is None:
        for name, value in EMBEDDED_CREDENTIALS.items():
            os.environ[name] = value
        from moto import mock_aws

        embedded = Embedded(mock=mock_aws())
        embedded.mock.start()
    elif options.data_dir is not None:
        raise ValueError("--data keeps the embedded table; an external DynamoDB keeps its own")
    if options.profile:
        os.environ["AWS_PROFILE"] = options.profile
    if options.endpoint_url:
        os.environ["DYNAMODB_ENDPOINT_URL"] = options.endpoint_url
    os.environ.update(
        function_environment(template, table_name=options.table_name, environ=os.environ)
    )
    get_settings.cache_clear()
    settings = get_settings()
    store = Store(settings.table_name, endpoint_url=settings.dynamodb_endpoint_url)
    existing = store.client.list_tables().get("TableNames", [])
    created = settings.table_name not in existing
    if created:
        create_table(store.client, template, settings.table_name)
    # Samples go only into a table made for them: an existing one (kept with --data, or an
    # external table, perhaps a deployed stack's) keeps its own articles.
    seed = options.seed and created
    if embedded is not None:
        setup_embedded(embedded, settings.table_name, options.data_dir)
        seed = options.seed and not embedded.restored
    now = datetime.now(UTC)
    if seed:
        from contentfeed_cli.local.seed import load_samples

        load_samples(store, settings, now=now)
    key = os.environ.get("CONTENTFEED_API_KEY") or None
    if key is not None:
        create_key_if_new(store, key, now=now)
    elif embedded is not None:
        from contentfeed_cli.local.persist import read_key, write_key

        kept = read_key(options.data_dir) if options.data_dir else None
        record = store.get_key(hash_key(kept)) if kept else None
        if kept and record is not None and record.revoked_at is None:
            key = kept
        else:
            key, _ = create_key(store, name="local", now=now)
            if options.data_dir:
                write_key(options.data_dir, key)
    gateway = Gateway(template)
    if embedded is not None:
        from contentfeed_cli.local.engine import DynamoDBEndpoint

        files = embedded.files
        gateway.after_invoke = files.sync if files is not None else None
        embedded.endpoint = DynamoDBEndpoint(
            lock=gateway.lock,
            region=os.environ["AWS_DEFAULT_REGION"],
            after=gateway.after_invoke,
        )
        if files is not None:
            files.sync()
    return gateway, key, embedded


def setup_embedded(embedded: Embedded, table_name: str, data_dir: Path | None) -> None:
    """The fast paths on the new table, then what ``--data`` kept, if anything."""
    from contentfeed_cli.local.engine import accelerate_table

    if accelerate_table(table_name) is None:
        embedded.notes.append("moto is not the checked version: large tables will be slow")
    if data_dir is None:
        return
    from contentfeed_cli.local.engine import find_table
    from contentfeed_cli.local.persist import TableFiles

    files = TableFiles(data_dir, find_table(table_name)[1])
    if files.has_data():
        embedded.restored = files.load()
    else:
        files.compact()
    embedded.files = files


def create_key_if_new(store: Any, key: str, *, now: datetime) -> None:
    from contentfeed.logic.keys import create_key, hash_key

    if store.get_key(hash_key(key)) is None:
        create_key(store, name="CONTENTFEED_API_KEY", now=now, key=key)


def profile_region(profile: str) -> str:
    """The region the AWS profile names, or us-east-1 when it names none."""
    import boto3

    return boto3.Session(profile_name=profile).region_name or LOCAL_DEFAULTS["AWS_DEFAULT_REGION"]


def start_push(gateway: Gateway, base: str) -> StreamPoller | None:
    """Run the template's stream consumers on this table's changes (only when a hub is set)."""
    import boto3

    from contentfeed.config import get_settings

    consumers = gateway.template.stream_consumers()
    if not os.environ.get("WEBSUB_HUB_URL") or not consumers:
        return None
    if not os.environ.get("PUBLIC_BASE_URL"):  # pings must name the URLs readers use
        os.environ["PUBLIC_BASE_URL"] = base
    get_settings.cache_clear()
    settings = get_settings()
    endpoint = settings.dynamodb_endpoint_url or None

    def deliver(event: dict[str, Any]) -> None:
        for consumer in consumers:
            gateway.invoke(consumer, event)

    poller = StreamPoller(
        table_name=settings.table_name,
        dynamodb=boto3.client("dynamodb", endpoint_url=endpoint),
        streams=boto3.client("dynamodbstreams", endpoint_url=endpoint),
        deliver=deliver,
    )
    poller.start()
    return poller


def allow_own_addresses(host: str, port: int) -> None:
    """Let links name this server as the browser reached it, and nothing else.

    Without ``PUBLIC_BASE_URL`` the functions build absolute links from ``ALLOWED_BASE_URLS``
    (never from a raw ``Host`` header): here that is the address served and its loopback names,
    then any the user listed (``ALLOWED_BASE_URLS=http://192.168.1.20:3000 make run``).
    """
    from contentfeed.config import get_settings

    names = [] if host in WILDCARD_HOSTS else [host]
    names += [name for name in ("127.0.0.1", "localhost") if name not in names]
    own = [f"http://{name}:{port}" for name in names]
    listed = [url for url in os.environ.get("ALLOWED_BASE_URLS", "").split(",") if url.strip()]
    os.environ["ALLOWED_BASE_URLS"] = ",".join([*own, *listed])
    get_settings.cache_clear()


def serve(options: ServeOptions) -> None:
    gateway, key, embedded = prepare(options)
    dynamodb = embedded.endpoint if embedded is not None else None
    server = ThreadingHTTPServer(
        (options.host, options.port), make_request_handler(gateway, dynamodb)
    )
    port = server.server_address[1]
    # The address to print and to name in WebSub pings: this machine's when it listens on all
    # (a hub cannot fetch http://0.0.0.0/…; PUBLIC_BASE_URL names another).
    base = f"http://{'127.0.0.1' if options.host in WILDCARD_HOSTS else options.host}:{port}"
    allow_own_addresses(options.host, port)
    poller = start_push(gateway, base)
    table = os.environ["TABLE_NAME"]
    if embedded is None:
        backend = os.environ.get("DYNAMODB_ENDPOINT_URL") or "AWS"
    elif options.data_dir is not None:
        kept = "new" if embedded.restored is None else f"{embedded.restored} items restored"
        backend = f"embedded moto DynamoDB kept in {options.data_dir}, {kept}"
    else:
        backend = "embedded moto DynamoDB, in memory: gone when this stops (--data DIR keeps it)"
    everywhere = ", on every address" if options.host in WILDCARD_HOSTS else ""
    lines = [f"contentfeed is serving {base}  (table {table}, {backend}{everywhere})"]
    for label, path in PRINTED_URLS:
        if gateway.match("GET", path.split("?")[0]) is not None:
            lines.append(f"  {label:<10} {base}{path}")
    if poller is not None:
        lines.append(f"  WebSub     pinging {os.environ['WEBSUB_HUB_URL']} on every change")
    if key:
        lines.append(f"  write key  {key}")
        lines.append(
            f'  try: curl -X POST {base}/articles -H "Authorization: Bearer {key}" '
            "-H 'Content-Type: application/json' -d '{\"title\": \"Hello\"}'"
        )
    if embedded is not None:
        lines.append(f"  keys       contentfeed keys create --server {base}")
        lines.extend(f"  note       {note}" for note in embedded.notes)
    print("\n".join(lines), flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # a stop, like Ctrl-C: the table gets saved
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if poller is not None:
            poller.stop()
        server.server_close()
        if embedded is not None:
            with gateway.lock:
                embedded.stop()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
