"""Cold start: a fresh interpreter imports a function's handler module and builds its client.

Each function is timed against the floor ``import boto3; boto3.client("dynamodb")`` in the same
run, interleaved round by round so that drift in the machine's speed hits both alike. One
``-X importtime`` run per function says which imports pay, and single pieces (Powertools'
Logger, Metrics, resolver and Tracer, pydantic, feedgen/lxml, ...) are timed on top of the floor.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
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
# A stand-in for contentfeed.models.api holding only the constant contentfeed.http.request takes
# from it: measures what the feeds and authorizer functions would cost without pydantic.
NO_API_MODELS = (
    "import sys, types\n"
    "_m = types.ModuleType('contentfeed.models.api'); _m.MAX_BODY_BYTES = 128 * 1024\n"
    "sys.modules['contentfeed.models.api'] = _m\n"
)


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
        "feeds",
    ),
    "APIGatewayRestResolver(enable_validation=True)": (
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
        "APIGatewayRestResolver(enable_validation=True)",
        "api",
    ),
    "Tracer() (X-Ray SDK)": (
        "import os; os.environ['AWS_LAMBDA_FUNCTION_NAME'] = 'bench'\n"
        "from aws_lambda_powertools import Tracer; Tracer()",
        "nobody (not used)",
    ),
    "pydantic": ("import pydantic", "api; feeds and authorizer today, see below"),
    "contentfeed.models.api (pydantic models)": ("import contentfeed.models.api", "api"),
    "contentfeed.http.request": (
        "import contentfeed.http.request",
        "api, feeds, authorizer (it pulls contentfeed.models.api)",
    ),
    "contentfeed.logic.sanitize (nh3)": ("import contentfeed.logic.sanitize", "api"),
    "contentfeed.rendering.rss (feedgen, lxml)": (
        "import contentfeed.rendering.rss",
        "feeds, on its first feed request (also a first 304)",
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


@dataclass
class ColdStartResult:
    runs: int
    targets: dict[str, Target]
    lambda_like: dict[str, Target]
    what_if: dict[str, Target]
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


def _measure(targets: dict[str, Target], runs: int) -> None:
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
    started = time.perf_counter()
    targets = {"floor": Target("floor", FLOOR)}
    targets.update({name: Target(name, handler_code(name)) for name in FUNCTIONS})
    _measure(targets, runs)

    lambda_like = {"floor": Target("floor", HIDE_CRT + FLOOR)}
    lambda_like.update({n: Target(n, HIDE_CRT + handler_code(n)) for n in FUNCTIONS})
    _measure(lambda_like, max(5, runs // 2))

    what_if = {"floor": Target("floor", FLOOR)}
    what_if.update({n: Target(n, NO_API_MODELS + handler_code(n)) for n in ("feeds", "authorizer")})
    _measure(what_if, max(5, runs // 2))

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
        runs, targets, lambda_like, what_if, pieces, importtime, packages, piece_runs
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
