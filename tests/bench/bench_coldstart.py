"""Cold start: a fresh interpreter imports a function's handler module and builds its client.

Each function is timed against the floor ``import boto3; boto3.client("dynamodb")`` in the same
run, interleaved round by round so that drift in the machine's speed hits both alike. One
``-X importtime`` run per function says which imports pay, and single pieces (Powertools'
Logger, Metrics, resolver and Tracer, pydantic, feedgen/lxml, ...) are timed on top of the floor.
The feeds and authorizer functions are also timed as they loaded before ``contentfeed.limits``
(with ``contentfeed.models.api``), and a fresh feeds process answers its first request, a 304.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.bench.support import ROOT, median, p95, subprocess_env

FUNCTIONS = tuple(sorted(path.parent.name for path in (ROOT / "functions").glob("*/app.py")))
"""Every function in functions/ (api, authorizer, feeds and, when present, others)."""
FLOOR = 'import boto3; boto3.client("dynamodb")'
HIDE_CRT = 'import sys; sys.modules["awscrt"] = None\n'
"""The Lambda runtime and the layer have no awscrt; this venv has (aws-sam-cli pulls it in)."""

TIMER = """
import time, sys
{setup}
_start = time.perf_counter()
{code}
_elapsed = time.perf_counter() - _start
print(f"{{_elapsed:.6f}} {{int('pydantic' in sys.modules)}} {{int('feedgen' in sys.modules)}}")
"""
BEFORE_LIMITS = "import contentfeed.models.api\n"
"""Until ``MAX_BODY_BYTES`` moved to ``contentfeed.limits``, ``contentfeed.http.request`` imported
it from ``contentfeed.models.api`` (and so pydantic and every API model): importing that module
ahead of the handler loads exactly what the feeds and authorizer functions loaded then."""
BEFORE_LIMITS_FUNCTIONS = ("feeds", "authorizer")
BEFORE_DOCS = "import aws_lambda_powertools.event_handler.openapi.models\n"
"""Until ``/openapi.json`` and ``/docs`` built their document on first request, the API function
imported Powertools' OpenAPI models at import time (``enable_swagger`` and the security and
server objects): importing them ahead of the handler loads what it loaded then."""

FIRST_304 = """
import sys, time
_start = time.perf_counter()
import functions.feeds.app as handler
client = handler.get_store().client
_init = time.perf_counter() - _start
from botocore.awsrequest import AWSResponse


class _Body:
    def stream(self, **_):
        yield b"{{}}"  # GetItem found no marker: the site feed's validators are the empty ones


def _answer(request, **_):
    return AWSResponse(
        request.url, 200, {{"Content-Type": "application/x-amz-json-1.0"}}, _Body()
    )


client.meta.events.register_first("before-send.dynamodb.GetItem", _answer)


from contentfeed_cli.local.gateway import LambdaContext  # after _init: not part of it

CONTEXT = LambdaContext("FeedsFunction")


event = {event!r}
_start = time.perf_counter()
first = handler.lambda_handler(event, CONTEXT)
_first = time.perf_counter() - _start
loaded = int(any(name in sys.modules for name in ("feedgen", "lxml", "contentfeed.rendering.rss")))
_start = time.perf_counter()
second = handler.lambda_handler(event, CONTEXT)
_second = time.perf_counter() - _start
_start = time.perf_counter()
import contentfeed.rendering.rss
_renderer = time.perf_counter() - _start
print("BENCH", first["statusCode"], second["statusCode"], loaded,
      f"{{_init:.6f}} {{_first:.6f}} {{_second:.6f}} {{_renderer:.6f}}")
"""
"""A fresh feeds process: its init, then a first and a second ``If-None-Match: *`` request, each
answered 304 from one GetItem (answered at ``before-send``: no network, botocore still parses);
then the import of the RSS renderer, which a first 304 paid before the renderer became a
factory."""


def handler_code(name: str) -> str:
    """Import the handler module and build its DynamoDB client (if it has one), as Lambda's
    first invocation would."""
    return (
        f"import functions.{name}.app as handler\n"
        "if hasattr(handler, 'get_store'): handler.get_store().client"
    )


PIECES: dict[str, tuple[str, str]] = {
    "Logger()": (
        "from aws_lambda_powertools import Logger; Logger()",
        "every function",
    ),
    "Metrics()": ("from aws_lambda_powertools import Metrics; Metrics()", "api, feeds"),
    "APIGatewayRestResolver()": (
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
        "APIGatewayRestResolver()",
        "nobody (feeds and not-allowed route with contentfeed.http.proxy)",
    ),
    "APIGatewayRestResolver(enable_validation=True)": (
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
        "APIGatewayRestResolver(enable_validation=True)",
        "api, on its first write (or a read whose parameters it must validate)",
    ),
    "Powertools OpenAPI models": (
        "import aws_lambda_powertools.event_handler.openapi.models",
        "nobody (/openapi.json is the checked-in document)",
    ),
    "Tracer() (X-Ray SDK)": (
        "import os; os.environ['AWS_LAMBDA_FUNCTION_NAME'] = 'bench'\n"
        "from aws_lambda_powertools import Tracer; Tracer()",
        "nobody (not used)",
    ),
    "pydantic": ("import pydantic", "api, on its first write (or a read it must validate)"),
    "contentfeed.models.api (pydantic models)": (
        "import contentfeed.models.api",
        "api, on its first write (or a read it must validate)",
    ),
    "contentfeed.http.request": ("import contentfeed.http.request", "api, feeds, authorizer"),
    "contentfeed.logic.sanitize (nh3)": (
        "import contentfeed.logic.sanitize",
        "api, on its first write (or a read it must validate)",
    ),
    "contentfeed.rendering.rss (feedgen, lxml)": (
        "import contentfeed.rendering.rss",
        "feeds, on its first RSS render (no longer on a first 304)",
    ),
}


@dataclass
class Target:
    name: str
    code: str
    runs: list[float] = field(default_factory=list)
    inner: list[float] = field(default_factory=list)
    pydantic: bool = False
    feedgen: bool = False

    @property
    def median(self) -> float:
        return median(self.runs)


FIRST_API_REQUESTS = """
import json, sys, time
_start = time.perf_counter()
import functions.api.app as handler
client = handler.get_store().client
_init = time.perf_counter() - _start
from botocore.awsrequest import AWSResponse

ANSWERS = {{
    "Query": {{"Items": [], "Count": 0, "ScannedCount": 0}},
    "GetItem": {{}},
    "BatchGetItem": {{"Responses": {{}}, "UnprocessedKeys": {{}}}},
    "TransactWriteItems": {{}},
}}


class _Body:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body


def _answer(request, event_name, **_):
    body = json.dumps(ANSWERS[event_name.rsplit(".", 1)[-1]]).encode()
    return AWSResponse(
        request.url, 200, {{"Content-Type": "application/x-amz-json-1.0"}}, _Body(body)
    )


client.meta.events.register_first("before-send.dynamodb.*", _answer)


from contentfeed_cli.local.gateway import LambdaContext  # after _init: not part of it

CONTEXT = LambdaContext("ApiFunction")


MODULE = "aws_lambda_powertools.event_handler.openapi.models"
results = [f"{{_init:.6f}}"]
for label, event in {events!r}:
    _start = time.perf_counter()
    answer = handler.lambda_handler(event, CONTEXT)
    _elapsed = time.perf_counter() - _start
    results.append(f"{{label}}={{answer['statusCode']}}:{{_elapsed:.6f}}:{{int(MODULE in sys.modules)}}")
print("BENCH", " ".join(results))
"""
"""A fresh API process: its init, then a sequence of first requests (``FIRST_API_EVENTS``), every
DynamoDB call answered at ``before-send`` with an empty result. Per request: its status, its
time and whether Powertools' OpenAPI models were loaded by then."""
API_REQUESTS = (
    "GET /articles",
    "GET /articles again",
    "GET /shows",
    "POST /articles",
    "GET /openapi.json",
)


@dataclass
class ApiFirstRequests:
    """``FIRST_API_REQUESTS`` runs: per request label, seconds per run, statuses, models loaded."""

    init: list[float] = field(default_factory=list)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    openapi_loaded: dict[str, bool] = field(default_factory=dict)


@dataclass
class FirstRequests:
    """``FIRST_304`` runs: seconds per run of each phase."""

    init: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    second: list[float] = field(default_factory=list)
    renderer: list[float] = field(default_factory=list)
    statuses: set[tuple[int, int]] = field(default_factory=set)
    renderer_loaded: bool = False
    """Whether any first 304 loaded feedgen, lxml or the RSS renderer."""


@dataclass
class ColdStartResult:
    runs: int
    targets: dict[str, Target]
    lambda_like: dict[str, Target]
    before_limits: dict[str, Target]
    api_before_docs: Target
    """The API function as Lambda runs it (no awscrt) with the OpenAPI models imported first."""
    first_304: FirstRequests
    first_api: ApiFirstRequests
    pieces: dict[str, tuple[float, str]]
    importtime: dict[str, list[tuple[str, float]]]
    packages: dict[str, list[tuple[str, float]]]
    piece_runs: int = 0
    seconds: float = 0.0

    def ratio(self, name: str, table: dict[str, Target] | None = None) -> float:
        table = table or self.targets
        return table[name].median / table["floor"].median


def _run(code: str, setup: str = "") -> tuple[float, float, bool, bool]:
    script = TIMER.format(setup=setup, code=code)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold start run failed:\n{code}\n{done.stderr[-2000:]}")
    inner, has_pydantic, has_feedgen = done.stdout.split()[-3:]
    return wall, float(inner), has_pydantic == "1", has_feedgen == "1"


def _bench_fields(script: str, what: str) -> list[str]:
    """Run ``script`` in a fresh interpreter; the fields of the ``BENCH`` line it printed."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{what} run failed:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}")
    return lines[-1].split()[1:]


def _first_304(event: dict[str, Any], result: FirstRequests) -> None:
    first, second, loaded, *times = _bench_fields(FIRST_304.format(event=event), "first-304")
    result.statuses.add((int(first), int(second)))
    result.renderer_loaded |= loaded == "1"
    for samples, value in zip(
        (result.init, result.first, result.second, result.renderer), times, strict=True
    ):
        samples.append(float(value))


def _first_api(events: list[tuple[str, dict[str, Any]]], result: ApiFirstRequests) -> None:
    init, *requests = _bench_fields(FIRST_API_REQUESTS.format(events=events), "first-API")
    result.init.append(float(init))
    for request in requests:
        label, _, rest = request.partition("=")
        status, seconds, loaded = rest.split(":")
        result.statuses[label].add(int(status))
        result.times[label].append(float(seconds))
        result.openapi_loaded[label] = result.openapi_loaded.get(label, False) or loaded == "1"


def _api_events() -> list[tuple[str, dict[str, Any]]]:
    from tests.bench.support import event

    body = b'{"title": "A first write", "content_html": "<p>Hello.</p>", "tags": ["bench"]}'
    post = event(
        "POST",
        "/articles",
        function="ApiFunction",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=body,
    )
    post["requestContext"]["authorizer"] = {"principalId": "bench"}
    listing = event(
        "GET", "/articles", function="ApiFunction", headers={"Accept": "application/json"}
    )
    spec = event(
        "GET", "/openapi.json", function="ApiFunction", headers={"Accept": "application/json"}
    )
    shows = event("GET", "/shows", function="ApiFunction", headers={"Accept": "application/json"})
    events = dict(zip(API_REQUESTS, (listing, listing, shows, post, spec), strict=True))
    return [(label.replace(" ", "_"), events[label]) for label in API_REQUESTS]


def _measure(targets: Mapping[Any, Target], runs: int) -> None:
    for target in targets.values():
        _run(target.code)  # writes __pycache__ and warms the page cache: not counted
    for _ in range(runs):
        for target in targets.values():
            wall, inner, has_pydantic, has_feedgen = _run(target.code)
            target.runs.append(wall)
            target.inner.append(inner)
            target.pydantic, target.feedgen = has_pydantic, has_feedgen


Row = tuple[str, int, int, int]
"""(module, own µs, cumulative µs, depth) of one ``-X importtime`` line."""


def _importtime(code: str) -> list[Row]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if found:
            rows.append((found[4], int(found[1]), int(found[2]), (len(found[3]) - 1) // 2))
    return rows


def top_imports(
    code: str, *, root: str, count: int = 10
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The biggest import subtrees besides ``root`` itself (none inside another one listed),
    and the imports' own time summed per top-level package (seconds)."""
    rows = _importtime(code)
    # -X importtime prints children before their parent: walked backwards it is pre-order.
    ancestry: dict[int, list[int]] = {}
    stack: list[int] = []
    for index in range(len(rows) - 1, -1, -1):
        depth = rows[index][3]
        while stack and rows[stack[-1]][3] >= depth:
            stack.pop()
        ancestry[index] = list(stack)
        stack.append(index)
    chosen: list[int] = []
    for index in sorted(range(len(rows)), key=lambda i: -rows[i][2]):
        if rows[index][0] == root or any(a in chosen for a in ancestry[index]):
            continue
        chosen.append(index)
        if len(chosen) == count:
            break
    top = [(rows[i][0], rows[i][2] / 1e6) for i in chosen]
    own: dict[str, float] = defaultdict(float)
    for name, self_us, _, _ in rows:
        own[name.split(".", 1)[0]] += self_us / 1e6
    packages = sorted(own.items(), key=lambda pair: -pair[1])[:count]
    return top, packages


def run(runs: int = 12, piece_runs: int = 5) -> ColdStartResult:
    from tests.bench.support import event

    started = time.perf_counter()
    # Every variant is measured in the same rounds, so the machine's drift hits all alike.
    targets = {"floor": Target("floor", FLOOR)}
    targets.update({name: Target(name, handler_code(name)) for name in FUNCTIONS})
    lambda_like = {"floor": Target("floor", HIDE_CRT + FLOOR)}
    lambda_like.update({n: Target(n, HIDE_CRT + handler_code(n)) for n in FUNCTIONS})
    before_limits = {
        n: Target(n, BEFORE_LIMITS + handler_code(n))
        for n in BEFORE_LIMITS_FUNCTIONS
        if n in FUNCTIONS
    }
    api_before_docs = Target("api", HIDE_CRT + BEFORE_DOCS + handler_code("api"))
    everything = {
        ("before lazy docs", "api"): api_before_docs,
        **{("now", k): v for k, v in targets.items()},
        **{("no awscrt", k): v for k, v in lambda_like.items()},
        **{("before limits.py", k): v for k, v in before_limits.items()},
    }
    _measure(everything, runs)

    first_304 = FirstRequests()
    conditional = event("GET", "/feed.xml", headers={"If-None-Match": "*"})
    for _ in range(runs):
        _first_304(conditional, first_304)

    first_api = ApiFirstRequests()
    api_events = _api_events()
    for _ in range(runs):
        _first_api(api_events, first_api)

    pieces: dict[str, tuple[float, str]] = {}
    for label, (code, who) in PIECES.items():
        samples = [_run(code, setup=FLOOR)[1] for _ in range(piece_runs + 1)]
        pieces[label] = (median(samples[1:]), who)

    importtime: dict[str, list[tuple[str, float]]] = {}
    packages: dict[str, list[tuple[str, float]]] = {}
    for name in FUNCTIONS:
        importtime[name], packages[name] = top_imports(
            handler_code(name), root=f"functions.{name}.app"
        )
    importtime["floor"], packages["floor"] = top_imports(FLOOR, root="")
    result = ColdStartResult(
        runs,
        targets,
        lambda_like,
        before_limits,
        api_before_docs,
        first_304,
        first_api,
        pieces,
        importtime,
        packages,
        piece_runs,
    )
    result.seconds = time.perf_counter() - started
    return result


def summary(result: ColdStartResult) -> list[dict[str, Any]]:
    rows = []
    for name, target in result.targets.items():
        rows.append(
            {
                "target": name,
                "median_s": target.median,
                "p95_s": p95(target.runs),
                "in_process_s": median(target.inner),
                "ratio": result.ratio(name),
                "lambda_like_s": result.lambda_like[name].median,
                "lambda_like_ratio": result.ratio(name, result.lambda_like),
                "pydantic": target.pydantic,
            }
        )
    return rows
