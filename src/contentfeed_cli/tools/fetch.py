"""Fetching a feed by URL, as a careful network client: the importer reads what others serve.

The rules (docs/security.md, "hostile feed being imported"):

- only ``http`` and ``https``, on every hop;
- one overall deadline for the whole fetch (connect, headers, body, redirects): a server that
  trickles a byte every few seconds cannot hold the import past it;
- redirects only to the same host, unless the user allows others (``--follow-redirects``);
- a size cap, checked against ``Content-Length`` and while reading;
- no private, loopback, link-local or otherwise non-global address unless the user named it
  literally in the URL (``http://127.0.0.1:8080/feed``, ``http://localhost/…``) or allowed them
  all (``--allow-private``). The check is made on the address actually connected to (the name
  is resolved once, here), so a DNS answer that changes between check and connect cannot slip
  past it.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from contentfeed import __version__

USER_AGENT = f"contentfeed-cli/{__version__}"
MAX_SOURCE_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


class FetchError(Exception):
    """The URL cannot be fetched under the rules; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = 60.0
    """Seconds for the whole fetch, redirects included."""
    follow_redirects: bool = False
    """Follow redirects to other hosts too."""
    allow_private: bool = False
    """Connect to non-global addresses even when the URL did not name them literally."""
    max_bytes: int = MAX_SOURCE_BYTES


def resolve(host: str, port: int) -> list[str]:
    """Every address of ``host``, in the resolver's order."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {error}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def named_addresses(url: str) -> tuple[frozenset[Address], bool]:
    """The addresses the user named literally in ``url``, and whether they named ``localhost``."""
    host = (urlsplit(url).hostname or "").lower()
    literal = _address(host)
    return (frozenset({literal}) if literal else frozenset()), (
        host == "localhost" or host.endswith(".localhost")
    )


def choose_address(
    host: str,
    port: int,
    policy: FetchPolicy,
    named: tuple[frozenset[Address], bool],
    resolver: Resolver = resolve,
) -> str:
    """The first address of ``host`` the rules allow to connect to."""
    literals, localhost = named
    refused: list[str] = []
    for text in resolver(host, port):
        address = _address(text)
        if address is None:
            continue
        if (
            address.is_global
            or policy.allow_private
            or address in literals
            or (localhost and address.is_loopback)
        ):
            return text
        refused.append(str(address))
    if refused:
        raise FetchError(
            f"{host} is a private or local address ({refused[0]}): name the address in the URL "
            "itself, or pass --allow-private"
        )
    raise FetchError(f"cannot resolve {host}: no usable address")


class _Deadline:
    """The fetch's clock: how long is left, and a watchdog that closes the socket at the end."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def left(self) -> float:
        left = self._end - self._clock()
        if left <= 0:
            raise self.error()
        return left

    def passed(self) -> bool:
        return self._clock() >= self._end

    def error(self) -> FetchError:
        return FetchError(
            f"gave up after {self.seconds:g} s: the server is too slow (raise --timeout to wait longer)"
        )


def _open(
    url: str, ip: str, deadline: _Deadline
) -> tuple[socket.socket, http.client.HTTPConnection]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = socket.create_connection((ip, port), timeout=deadline.left())
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        sock = context.wrap_socket(sock, server_hostname=host)
        connection = http.client.HTTPSConnection(host, port, timeout=deadline.left())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=deadline.left())
    connection.sock = sock  # already connected (to the checked address): request() uses it
    return sock, connection


def _target(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: the URL names no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: the port is not a number") from None
    return parts.scheme, parts.hostname.lower(), port


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    resolver: Resolver = resolve,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The body of ``url`` under ``policy``; :class:`FetchError` with one line otherwise."""
    deadline = _Deadline(policy.timeout, clock)
    named = named_addresses(url)
    first_host = _target(url)[1]
    for _ in range(MAX_REDIRECTS + 1):
        _, host, port = _target(url)
        ip = choose_address(host, port, policy, named, resolver)
        try:
            status, location, body = _get(url, ip, policy, deadline)
        except FetchError:
            raise
        except (OSError, http.client.HTTPException) as error:
            if deadline.passed():
                raise deadline.error() from None
            raise FetchError(f"cannot fetch {url}: {error}") from None
        if status in _REDIRECTS and location:
            target = urljoin(url, location)
            _, next_host, _ = _target(target)
            if next_host != first_host and not policy.follow_redirects:
                raise FetchError(
                    f"{url} redirects to another host ({next_host}): "
                    "pass --follow-redirects to follow it"
                )
            url = target
            continue
        return body
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _get(
    url: str, ip: str, policy: FetchPolicy, deadline: _Deadline
) -> tuple[int, str | None, bytes]:
    sock, connection = _open(url, ip, deadline)
    # The watchdog: whatever the server trickles, the socket is shut at the deadline.
    watchdog = threading.Timer(deadline.left(), _shut, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, application/json;q=0.9, */*;q=0.5",
            },
        )
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.getheader("Location"), b""
        if response.status != 200:
            raise FetchError(f"{url} answered HTTP {response.status} {response.reason}".rstrip())
        declared = response.getheader("Content-Length") or ""
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise _too_big(url, policy)
        chunks: list[bytes] = []
        size = 0
        while not response.isclosed():  # it closes itself once the whole body is read
            sock.settimeout(deadline.left())
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise _too_big(url, policy)
            chunks.append(chunk)
        return 200, None, b"".join(chunks)
    except TimeoutError:
        raise deadline.error() from None
    finally:
        watchdog.cancel()
        connection.close()


def _too_big(url: str, policy: FetchPolicy) -> FetchError:
    return FetchError(f"{url} is larger than the limit of {policy.max_bytes:,} bytes")


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)
