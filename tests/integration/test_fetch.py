"""The importer as a network client: schemes, deadline, redirects, size, private addresses.

Real sockets on 127.0.0.1: a tiny server that answers what each test scripts, including one
that trickles a byte at a time.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from contentfeed_cli.tools.fetch import (
    FetchError,
    FetchPolicy,
    choose_address,
    fetch,
    named_addresses,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

Script = Callable[[socket.socket], None]


@contextmanager
def serving(script: Script) -> Iterator[int]:
    """A server on 127.0.0.1 that runs ``script`` on each connection; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_run, args=(script, connection), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def _run(script: Script, connection: socket.socket) -> None:
    with connection:
        connection.settimeout(10)
        try:
            connection.recv(65536)  # the request
            script(connection)
        except OSError:
            pass  # the client hung up: what the deadline tests expect


def answer(body: bytes, *, status: str = "200 OK", headers: str = "") -> Script:
    def script(connection: socket.socket) -> None:
        connection.sendall(
            f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
            f"{headers}\r\n".encode()
            + body
        )

    return script


def redirect(location: str) -> Script:
    return answer(b"", status="302 Found", headers=f"Location: {location}\r\n")


def trickle(head: bytes, every: float = 0.3) -> Script:
    """Send ``head`` and then a body, one byte every ``every`` seconds, for minutes."""

    def script(connection: socket.socket) -> None:
        for byte in head + b"x" * 1000:
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return script


def test_a_plain_fetch_returns_the_body() -> None:
    with serving(answer(FEED)) as port:
        assert fetch(f"http://127.0.0.1:{port}/feed", FetchPolicy(timeout=5)) == FEED


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",  # a body that never ends
        b"HTTP/1.1 200 OK\r\nX-Slow: ",  # headers that never end
    ],
    ids=["body", "headers"],
)
def test_a_server_that_trickles_cannot_hold_the_fetch_past_its_deadline(head: bytes) -> None:
    # Given a server that sends one byte every 0.3 s (each read succeeds, none times out)
    # When the fetch has a 1 s deadline in all
    with serving(trickle(head)) as port, pytest.raises(FetchError) as raised:
        fetch(f"http://127.0.0.1:{port}/feed", FetchPolicy(timeout=1))
    # Then it gives up on the deadline, whatever the per-read progress
    assert "gave up after 1 s" in str(raised.value)


def test_redirects_stay_on_the_same_host_unless_allowed() -> None:
    with serving(answer(FEED)) as target, serving(redirect("/moved")) as same:
        # A redirect to a path of the same host is followed
        with serving(redirect(f"http://127.0.0.1:{target}/feed")) as hop:
            assert fetch(f"http://127.0.0.1:{hop}/", FetchPolicy(timeout=5)) == FEED
        # One to another host is refused by default ...
        with serving(redirect(f"http://localhost:{target}/feed")) as away:
            refused = r"redirects to another host .*--follow-redirects"
            with pytest.raises(FetchError, match=refused):
                fetch(f"http://127.0.0.1:{away}/", FetchPolicy(timeout=5))
            # ... and followed with --follow-redirects (localhost is loopback, as named)
            policy = FetchPolicy(timeout=5, follow_redirects=True)
            assert fetch(f"http://127.0.0.1:{away}/", policy) == FEED
        # A redirect loop ends
        with pytest.raises(FetchError, match=r"more than 5 redirects|HTTP 404"):
            fetch(f"http://127.0.0.1:{same}/", FetchPolicy(timeout=5))


@pytest.mark.parametrize(
    "location",
    ["http://10.1.2.3/feed", "http://[::ffff:192.168.0.1]/feed", "http://169.254.169.254/"],
)
def test_a_redirect_to_a_private_address_is_refused_before_connecting(location: str) -> None:
    # Given a server (named literally: loopback is allowed) that redirects into a private network
    # When redirects to other hosts are allowed, the private target still is not
    with (
        serving(redirect(location)) as port,
        pytest.raises(FetchError, match=r"private or local address .*--allow-private"),
    ):
        fetch(f"http://127.0.0.1:{port}/", FetchPolicy(timeout=5, follow_redirects=True))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://example.org/"]
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, FetchPolicy(timeout=5))


def test_a_redirect_to_another_scheme_is_refused() -> None:
    with (
        serving(redirect("file:///etc/passwd")) as port,
        pytest.raises(FetchError, match="only http and https"),
    ):
        fetch(f"http://127.0.0.1:{port}/", FetchPolicy(timeout=5, follow_redirects=True))


def test_the_size_cap_holds_with_and_without_content_length() -> None:
    body = b"x" * 4096

    def unannounced(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body)

    policy = FetchPolicy(timeout=5, max_bytes=1024)
    for script in (answer(body), unannounced):
        with (
            serving(script) as port,
            pytest.raises(FetchError, match="larger than the limit of 1,024 bytes"),
        ):
            fetch(f"http://127.0.0.1:{port}/", policy)


def test_names_that_resolve_to_private_addresses_need_allow_private() -> None:
    # Given a name whose only address is private, and one with a public address too
    def resolver(host: str, port: int) -> list[str]:
        return {
            "intranet.example": ["192.168.1.5"],
            "mixed.example": ["10.0.0.1", "93.184.215.14"],
        }[host]

    named = named_addresses("http://intranet.example/feed")
    # Then the private one is refused unless allowed, and the public address of the other is used
    with pytest.raises(FetchError, match=r"intranet\.example is a private or local address"):
        choose_address("intranet.example", 80, FetchPolicy(), named, resolver)
    allowed = FetchPolicy(allow_private=True)
    assert choose_address("intranet.example", 80, allowed, named, resolver) == "192.168.1.5"
    assert choose_address("mixed.example", 80, FetchPolicy(), named, resolver) == "93.184.215.14"


def test_an_address_named_literally_is_allowed_and_only_that_one() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return [host.strip("[]")]

    named = named_addresses("http://10.0.0.7:8080/feed")
    assert choose_address("10.0.0.7", 8080, FetchPolicy(), named, resolver) == "10.0.0.7"
    with pytest.raises(FetchError, match="private or local"):
        choose_address("10.0.0.8", 8080, FetchPolicy(), named, resolver)
    localhost = named_addresses("http://localhost:3000/feed.xml")
    assert choose_address("::1", 3000, FetchPolicy(), localhost, resolver) == "::1"


def test_an_error_status_is_one_line() -> None:
    with (
        serving(answer(b"nope", status="404 Not Found")) as port,
        pytest.raises(FetchError, match=r"answered HTTP 404 Not Found$"),
    ):
        fetch(f"http://127.0.0.1:{port}/feed", FetchPolicy(timeout=5))
