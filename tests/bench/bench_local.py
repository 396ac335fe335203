"""The local server at 100 and 2,000 articles: ``contentfeed serve`` as a publisher meets it.

Articles are created one by one through the API (POST /articles over HTTP, the authorizer, the
API function, the embedded moto DynamoDB with its fast paths), as an import would. At each size
the same three requests are timed: a create, the site feed and GET /articles. What is reported
is each request's median at the large size divided by its median at the small one, and how long
loading the whole table took. It runs in a process of its own (the server sets up the process's
environment and moto):

    python -m tests.bench.bench_local [--sizes 100 2000] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

SIZES = (100, 2_000)
REQUESTS = ("create POST /articles", "feed GET /feed.xml", "list GET /articles")
KEY = "cf_bench-local-key-0123456789abcdefghijklmnopqrstuvwxyz"
MAX_RATIO = 1.5


@dataclass
class LocalResult:
    sizes: tuple[int, ...]
    runs: int
    median_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    """request → str(size) → median milliseconds of wall-clock time"""
    median_cpu_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    """request → str(size) → median milliseconds of this process's CPU time (client and server):
    what the request costs, whatever else the shared machine is doing"""
    load_seconds: float = 0.0
    """Creating every article of the largest size through the API, one request at a time."""
    fast_paths: bool = False
    """Whether the engine's fast paths were on (the installed moto is the checked one)."""
    seconds: float = 0.0

    def ratio(self, request: str, *, cpu: bool = True) -> float:
        by_size = (self.median_cpu_ms if cpu else self.median_ms)[request]
        return by_size[str(self.sizes[-1])] / by_size[str(self.sizes[0])]


def article(number: int) -> bytes:
    """An article with a realistic body, two tags and an author, like the seed's."""
    paragraphs = "".join(
        f"<p>Paragraph {p} of article {number}: employees wrote to the company's chief "
        "executive about its contract, with \u201ccurly quotes\u201d and an em dash \u2014 "
        "as the seed article has.</p>"
        for p in range(12)
    )
    document = {
        "title": f"Report number {number}",
        "summary": f"What happened in report {number}.",
        "content_html": paragraphs,
        "tags": [f"topic-{number % 5}", "news"],
        "authors": [{"name": f"Reporter {number % 7}"}],
    }
    return json.dumps(document).encode("utf-8")


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.created = 0

    def request(self, method: str, path: str, body: bytes | None = None) -> int:
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        self.connection.request(method, path, body=body, headers=headers)
        reply = self.connection.getresponse()
        reply.read()
        return reply.status

    def create(self) -> None:
        self.created += 1
        status = self.request("POST", "/articles", article(self.created))
        if status != 201:
            raise RuntimeError(f"create answered {status}")

    def get(self, path: str) -> Callable[[], None]:
        def call() -> None:
            status = self.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")

        return call


def median(samples: list[float]) -> float:
    ordered = sorted(samples)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def timed(call: Callable[[], None], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return median(wall), median(cpu)


def run(sizes: tuple[int, ...] = SIZES, runs: int = 15) -> LocalResult:
    started = time.perf_counter()
    os.environ["CONTENTFEED_API_KEY"] = KEY
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    for name in ("TABLE_NAME", "AWS_PROFILE", "DYNAMODB_ENDPOINT_URL", "WEBSUB_HUB_URL"):
        os.environ.pop(name, None)
    from contentfeed_cli.local import engine
    from contentfeed_cli.local.server import ServeOptions, make_request_handler, prepare

    result = LocalResult(sizes=sizes, runs=runs, fast_paths=engine.is_checked_moto())
    gateway, _, mock = prepare(ServeOptions(port=0, seed=False))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_request_handler(gateway))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = Client(server.server_address[1])
    quiet = io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = quiet  # the server logs one line per request
    try:
        with redirect_stdout(quiet):
            load_started = time.perf_counter()
            for size in sizes:
                while client.created < size:
                    client.create()
                    if client.created % 250 == 0:
                        quiet.seek(0)
                        quiet.truncate()
                        real_stderr.write(f"  {client.created} articles\n")
                calls = {
                    REQUESTS[0]: client.create,
                    REQUESTS[1]: client.get("/feed.xml"),
                    REQUESTS[2]: client.get("/articles"),
                }
                for name, call in calls.items():
                    wall, cpu = timed(call, runs)
                    result.median_ms.setdefault(name, {})[str(size)] = wall
                    result.median_cpu_ms.setdefault(name, {})[str(size)] = cpu
            result.load_seconds = time.perf_counter() - load_started
    finally:
        sys.stderr = real_stderr
        server.shutdown()
        server.server_close()
        if mock is not None:
            mock.stop()
    result.seconds = time.perf_counter() - started
    return result


def summary(result: LocalResult) -> str:
    small, large = result.sizes[0], result.sizes[-1]
    lines = [
        f"local server, {small:,} vs {large:,} articles (medians of {result.runs}; CPU ms, "
        "wall ms in brackets):"
    ]
    for name in REQUESTS:
        cpu, wall = result.median_cpu_ms[name], result.median_ms[name]
        lines.append(
            f"  {name:<24} {cpu[str(small)]:7.1f} ({wall[str(small)]:.1f})  "
            f"{cpu[str(large)]:7.1f} ({wall[str(large)]:.1f})  {result.ratio(name):.2f}x"
        )
    lines.append(f"  loading {large:,} articles through the API: {result.load_seconds:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_local")
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    options = parser.parse_args(argv)
    result = run(tuple(options.sizes), runs=options.runs)
    if options.json:
        options.json.write_text(json.dumps(asdict(result)), encoding="utf-8")
    print(summary(result))


def load(path: Path) -> LocalResult:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data["sizes"] = tuple(data["sizes"])
    return LocalResult(**data)


if __name__ == "__main__":
    main()
