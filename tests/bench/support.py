"""What the benchmarks share: the functions' environment, moto tables, realistic articles, a bulk
loader, proxy events, a DynamoDB operation counter and small statistics helpers."""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import math
import os
import random
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TABLE = "contentfeed-bench"
REGION = "us-east-1"
HOST = "abcdef1234.execute-api.us-east-1.amazonaws.com"
BASE = f"https://{HOST}/v1"
READER = "application/rss+xml, application/atom+xml, application/feed+json, */*;q=0.8"

# template.yaml Globals.Function.Environment.Variables (with the parameters' defaults), the table,
# a region and fake credentials: nothing here can reach a real account.
FUNCTION_ENV = {
    "TABLE_NAME": TABLE,
    "SITE_URL": "https://example.com",
    "SITE_TITLE": "contentfeed",
    "SITE_DESCRIPTION": "Articles published with contentfeed",
    "PUBLIC_BASE_URL": "",
    "FEED_SIZE": "20",
    "POWERTOOLS_SERVICE_NAME": "contentfeed",
    "POWERTOOLS_METRICS_NAMESPACE": "contentfeed",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def set_env() -> None:
    """This process gets the functions' environment (and forgets any AWS profile)."""
    os.environ.update(FUNCTION_ENV)
    for name in ("AWS_PROFILE", "DYNAMODB_ENDPOINT_URL", "WEBSUB_HUB_URL"):
        os.environ.pop(name, None)
    from contentfeed.config import get_settings

    get_settings.cache_clear()


def subprocess_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env.update(FUNCTION_ENV)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class _Sink(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Swallow what the handlers print (Powertools' EMF metrics and log lines) while timing.

    Loggers created inside this block keep writing to the sink, so handler modules are imported
    inside it once and stay quiet.
    """
    saved = sys.stdout
    sys.stdout = _Sink()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        sys.stdout = saved


SINK = _Sink()


def import_handler(name: str) -> ModuleType:
    """``functions.<name>.app``, imported with its Logger bound to a sink (no output while timing)."""
    import importlib

    saved = sys.stdout
    sys.stdout = SINK
    try:
        return importlib.import_module(f"functions.{name}.app")
    finally:
        sys.stdout = saved


# ------------------------------------------------------------------------------ statistics


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def timed(call: Callable[[], Any], runs: int, *, warmup: int = 5) -> list[float]:
    """Seconds per call, ``runs`` times after ``warmup`` untimed calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


# --------------------------------------------------------------------- DynamoDB accounting


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB bills for one attribute value in wire form ({"S": ...}, {"M": ...})."""
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes) else len(inner) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + attribute_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(
            1 + len(name.encode("utf-8")) + attribute_size(element)
            for name, element in inner.items()
        )
    if kind == "SS":
        return sum(len(element.encode("utf-8")) for element in inner)
    if kind == "NS":
        return sum(attribute_size({"N": element}) for element in inner)
    return sum(len(element) for element in inner)  # BS


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB computes it: attribute names plus values."""
    return sum(len(name.encode("utf-8")) + attribute_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool) -> float:
    return math.ceil(max(size, 1) / 4096) * (1.0 if consistent else 0.5)


@dataclass
class OpCounter:
    """Counts a client's DynamoDB operations through botocore's event hooks, with the items and
    bytes each read returned and the read/write units DynamoDB would bill for them."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: int = 0
    scanned: int = 0
    bytes_read: int = 0
    rru: float = 0.0
    wru: float = 0.0
    query_counts: list[tuple[int, int]] = field(default_factory=list)
    """(Count, ScannedCount) of every Query."""
    _consistent: bool = False
    _write_sizes: list[int] = field(default_factory=list)

    def attach(self, client: Any) -> OpCounter:
        client.meta.events.register("provide-client-params.dynamodb.*", self._params)
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)
        return self

    def detach(self, client: Any) -> None:
        client.meta.events.unregister("provide-client-params.dynamodb.*", self._params)
        client.meta.events.unregister("before-call.dynamodb.*", self._before)
        client.meta.events.unregister("after-call.dynamodb.*", self._after)

    def reset(self) -> None:
        self.calls.clear()
        self.items_read = self.scanned = self.bytes_read = 0
        self.rru = self.wru = 0.0
        self.query_counts.clear()

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def summary(self) -> str:
        """``Query``, ``GetItem + Query``, ``GetItem ×2``; ``none`` when nothing was called."""
        parts = [op if n == 1 else f"{op} ×{n}" for op, n in sorted(self.calls.items()) if n]
        return " + ".join(parts) or "none"

    def _params(self, params: dict[str, Any], event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self._consistent = bool(params.get("ConsistentRead"))
        self._write_sizes = []
        if operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                put = action.get("Put")
                self._write_sizes.append(1024 if put is None else item_size(put["Item"]))
        elif operation == "PutItem":
            self._write_sizes.append(item_size(params["Item"]))
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    put = request.get("PutRequest")
                    self._write_sizes.append(1024 if put is None else item_size(put["Item"]))

    def _before(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.rsplit(".", 1)[-1]] += 1

    def _after(self, event_name: str, parsed: dict[str, Any], **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        if operation == "GetItem":
            size = item_size(parsed["Item"]) if "Item" in parsed else 0
            self.items_read += 1 if "Item" in parsed else 0
            self.bytes_read += size
            self.rru += read_units(size, consistent=self._consistent)
        elif operation == "Query":
            items = parsed.get("Items", [])
            size = sum(item_size(item) for item in items)
            self.items_read += len(items)
            self.scanned += int(parsed.get("ScannedCount", len(items)))
            self.query_counts.append(
                (int(parsed.get("Count", 0)), int(parsed.get("ScannedCount", 0)))
            )
            self.bytes_read += size
            self.rru += read_units(size, consistent=self._consistent)
        elif operation == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                for item in items:
                    size = item_size(item)
                    self.items_read += 1
                    self.bytes_read += size
                    self.rru += read_units(size, consistent=True)
        elif operation in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem"):
            factor = 2 if operation == "TransactWriteItems" else 1
            self.wru += factor * sum(math.ceil(size / 1024) for size in self._write_sizes or [1])


# ------------------------------------------------------------------------------ the table


@dataclass
class Moto:
    """One moto DynamoDB with the template's table.

    ``client`` is the loader's (not counted); each handler module's own store (built by its
    ``get_store()``, as in Lambda) has ``counter`` attached; ``raw`` is a separate client for the
    floor, with its own ``raw_counter``.
    """

    client: Any
    raw: Any
    counter: OpCounter
    raw_counter: OpCounter


@contextlib.contextmanager
def moto_table(*handlers: ModuleType) -> Iterator[Moto]:
    """Start moto and create the table from template.yaml; every handler gets a fresh store."""
    import boto3
    from moto import mock_aws

    from contentfeed_cli.local.template import Template, create_table

    with mock_aws():
        for module in handlers:
            module.get_store.cache_clear()
        client = boto3.client("dynamodb", region_name=REGION)
        create_table(client, Template(ROOT / "template.yaml"), TABLE)
        counter = OpCounter()
        # The functions share one store getter, so one client: count each client's calls once.
        clients = {id(store.client): store.client for store in (m.get_store() for m in handlers)}
        for shared in clients.values():
            counter.attach(shared)
        raw = boto3.client("dynamodb", region_name=REGION)
        raw_counter = OpCounter().attach(raw)
        try:
            yield Moto(client=client, raw=raw, counter=counter, raw_counter=raw_counter)
        finally:
            for module in handlers:
                module.get_store.cache_clear()


@contextlib.contextmanager
def fast_setup_writes(table: str = TABLE) -> Iterator[None]:
    """Writes that only set a table up, at the local server's speed: its engine's item-level
    rollback and partition queries (``contentfeed_cli.local.engine``, which keep moto's results)
    are installed on ``table`` for the block and removed after it, so whatever is timed or
    counted on moto afterwards runs on plain moto. A moto transaction otherwise copies the whole
    table once per item it writes: seconds per article at a few hundred."""
    from contentfeed_cli.local.engine import accelerate_table

    accelerator = accelerate_table(table)
    try:
        yield
    finally:
        if accelerator is not None:
            accelerator.remove()


# ----------------------------------------------------------------------- realistic articles

TAGS = [f"Topic {n}" for n in range(10)]
AUTHORS = [f"Reporter {n}" for n in range(20)]


@cache
def realistic_html() -> str:
    """About 5 kB of article HTML: the longest sample article followed by two more."""
    from contentfeed_cli.local.seed import sample_articles

    samples = sorted(sample_articles(), key=lambda a: -len(a.get("content_html", "")))
    html = ""
    for sample in samples:
        html += sample["content_html"]
        if len(html) >= 5000:
            break
    return html


@cache
def _prototype() -> Any:
    """A realistic article as the logic stores it (sanitised, derived fields filled in)."""
    from contentfeed.config import get_settings
    from contentfeed.logic.articles import build_article
    from contentfeed.models.api import ArticleIn
    from contentfeed_cli.local.seed import sample_articles

    document = dict(max(sample_articles(), key=lambda a: len(a.get("content_html", ""))))
    document["content_html"] = realistic_html()
    data = ArticleIn.model_validate(document)
    return build_article(
        data,
        get_settings(),
        article_id="00000000-0000-4000-8000-000000000000",
        now=datetime(2026, 1, 1, tzinfo=UTC),
        previous=None,
    )


_WORD = re.compile(r"[A-Za-z]{3,}")
_TEXT = re.compile(r">([^<]+)<")
VARIANTS = 64


@cache
def _vocabulary() -> tuple[str, ...]:
    from contentfeed_cli.local.seed import sample_articles

    words = set()
    for sample in sample_articles():
        words.update(_WORD.findall(sample.get("content_html", "") + sample.get("summary", "")))
    return tuple(sorted(words))


@cache
def _variant_html(variant: int) -> str:
    """The prototype's HTML with every word of its text drawn again from the samples' words:
    the same markup and length, but text that compresses like real, distinct articles do."""
    rng = random.Random(variant)
    vocabulary = _vocabulary()

    def text(match: re.Match[str]) -> str:
        return ">" + _WORD.sub(lambda _: rng.choice(vocabulary), match[1]) + "<"

    return _TEXT.sub(text, _prototype().content_html)


def realistic_article(number: int, *, published_at: datetime) -> Any:
    """Article ``number``: ~5 kB of HTML, 2 of 10 tags, 1 of 20 authors, an image."""
    from contentfeed.models import Person

    prototype = _prototype()
    article_id = f"{number:08x}-0000-4000-8000-{number:012x}"
    slug = f"story-{number}"
    return replace(
        prototype,
        id=article_id,
        slug=slug,
        title=f"Story {number}: {prototype.title}",
        url=f"https://example.com/{slug}",
        published_at=published_at,
        created_at=published_at,
        updated_at=published_at,
        tags=(TAGS[number % len(TAGS)], TAGS[(number + 3) % len(TAGS)]),
        authors=(Person(name=AUTHORS[number % len(AUTHORS)]),),
        content_html=_variant_html(number % VARIANTS),
    )


def articles_for(count: int, *, newest: datetime) -> list[Any]:
    """``count`` realistic articles, one every 10 minutes back from ``newest``."""
    return [
        realistic_article(n, published_at=newest - timedelta(minutes=10 * n)) for n in range(count)
    ]


def items_for(articles: Sequence[Any]) -> list[dict[str, Any]]:
    """Every item the logic's writes leave for ``articles`` (each created once, at its
    publication time): the article, its slug claim, one entry per feed and one marker per feed.

    Built with contentfeed.dal.items and contentfeed.dal.keys, so the shapes are the store's own.
    """
    from contentfeed.dal import items as mapping
    from contentfeed.dal.keys import scopes_of

    result: list[dict[str, Any]] = []
    for article in articles:
        result.append(mapping.article_item(article))
        result.append(mapping.slug_item(article.slug, article.id))
        result.extend(mapping.entry_items(article, scopes_of(article)).values())
    return result + marker_items(articles)


def marker_items(articles: Sequence[Any]) -> list[dict[str, Any]]:
    """The feed markers after ``articles`` were created one by one (as ``_bump_marker`` leaves
    them: ``updated_at`` of the last write, ``version`` counting the writes)."""
    from contentfeed.dal import items as mapping
    from contentfeed.dal.keys import scopes_of
    from contentfeed.text import utc_iso

    markers: dict[str, tuple[int, datetime]] = {}
    for article in articles:
        for scope in scopes_of(article):
            version, latest = markers.get(scope, (0, article.updated_at))
            markers[scope] = (version + 1, max(latest, article.updated_at))
    return [
        {
            **mapping.marker_key(scope),
            "updated_at": utc_iso(latest),
            "version": version,
        }
        for scope, (version, latest) in markers.items()
    ]


def bulk_load(
    client: Any,
    articles: Sequence[Any],
    *,
    markers_of: Sequence[Any] | None = None,
    table: str = TABLE,
) -> int:
    """Write ``items_for(articles)`` into the table; returns the item count.

    ``markers_of`` (a superset of ``articles`` already partly stored) makes the markers count
    every article in it, for loading a table in steps.

    When ``client`` talks to a moto mock of this process (the benchmarks' and the tests'
    tables), each item goes straight to moto's ``put_item``, the call moto's BatchWriteItem
    makes per item once it has parsed the request: the same items and checks, without
    botocore building and signing a request of 25 items and moto parsing it back, which
    took about 10 ms an item (minutes at 10,000 articles). Any other client gets
    BatchWriteItem, 25 items a call.
    """
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    items = items_for(articles)
    if markers_of is not None:
        items = [item for item in items if item["sk"] != "P~"] + marker_items(markers_of)
    wire = [{k: serializer.serialize(v) for k, v in item.items()} for item in items]
    backend = _moto_backend(client, table)
    if backend is not None:
        for item in wire:
            backend.put_item(table, {name: _as_sent(value) for name, value in item.items()})
        return len(items)
    requests = [{"PutRequest": {"Item": item}} for item in wire]
    for start in range(0, len(requests), 25):
        pending: dict[str, Any] = {table: requests[start : start + 25]}
        while pending:
            answer = client.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
    return len(items)


def _moto_backend(client: Any, table: str) -> Any:
    """The moto DynamoDB backend behind ``client`` that holds ``table``, when a moto mock of this
    process answers that client (never a client with an endpoint of its own)."""
    if "moto" not in sys.modules or client.meta.endpoint_url != (
        f"https://dynamodb.{client.meta.region_name}.amazonaws.com"
    ):
        return None
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.core.models import botocore_stubber
    from moto.dynamodb.models import dynamodb_backends

    if not botocore_stubber.enabled:
        return None
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][client.meta.region_name]
    return backend if table in backend.tables else None


def _as_sent(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute as DynamoDB's JSON protocol carries it (what moto receives): binary values
    base64-encoded, the rest as the serializer made them."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(bytes(inner)).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(bytes(b)).decode("ascii") for b in inner]}
    if kind == "M":
        return {"M": {k: _as_sent(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_as_sent(v) for v in inner]}
    return value


# ----------------------------------------------------------------------------- the events


def event(
    method: str,
    path: str,
    *,
    resource: str | None = None,
    function: str = "FeedsFunction",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event for the v1 stage, as contentfeed_cli.local.gateway builds it."""
    from contentfeed_cli.local.gateway import build_event
    from contentfeed_cli.local.template import RouteSpec

    target, _, query = path.partition("?")
    route = RouteSpec(method="ANY", path=resource or target, function=function, authorizer=None)
    extra = dict(headers or {})
    pairs = [("Host", HOST), ("X-Forwarded-Proto", "https")]
    if "Accept" not in extra:
        pairs.append(("Accept", READER))
    pairs += list(extra.items())
    built = build_event(
        method=method,
        route=route,
        path=target,
        query=query,
        headers=pairs,
        body=body,
        path_parameters=path_parameters or {},
        source_ip="203.0.113.9",
    )
    built["requestContext"]["stage"] = "v1"
    if function == "ApiFunction" and method.upper() not in ("GET", "HEAD", "OPTIONS"):
        # What API Gateway adds once the write authorizer has let the key in.
        built["requestContext"]["authorizer"] = {"principalId": "bench-key"}
    return built


def invoke(module: ModuleType, request: dict[str, Any], name: str = "FeedsFunction") -> Any:
    from contentfeed_cli.local.gateway import LambdaContext

    return module.lambda_handler(request, LambdaContext(function_name=name))


def header(result: dict[str, Any], name: str) -> str | None:
    wanted = name.lower()
    for key, value in (result.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    for key, values in (result.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted:
            return ", ".join(str(v) for v in values)
    return None


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ------------------------------------------------------------------- record and replay
#
# moto's own cost (it scans the whole table for every Query and serialises items slowly) says
# nothing about DynamoDB, so besides the on-moto numbers every request is also timed with
# DynamoDB answered instantly: the raw HTTP answers moto gave to this very request are recorded
# once and handed back to botocore at ``before-send``. botocore still serialises each request
# and parses each answer, so what is timed is the handler's whole own cost; the floor is the same
# calls made with a bare boto3 client against the same recorded answers.


@dataclass(frozen=True)
class Exchange:
    """One DynamoDB call: its operation, API parameters and the raw HTTP answer."""

    operation: str
    params: dict[str, Any]
    status: int
    headers: Any
    body: bytes


class Recorder:
    """Records every DynamoDB call made through the clients it is attached to."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._pending: tuple[str, dict[str, Any]] | None = None

    def _params(self, params: dict[str, Any], event_name: str, **_: Any) -> None:
        self._pending = (event_name.rsplit(".", 1)[-1], copy.deepcopy(params))

    def _after(self, http_response: Any, **_: Any) -> None:
        assert self._pending is not None
        operation, params = self._pending
        self.exchanges.append(
            Exchange(
                operation,
                params,
                http_response.status_code,
                http_response.headers,
                http_response.content,
            )
        )
        self._pending = None

    @contextlib.contextmanager
    def recording(self, *clients: Any) -> Iterator[Recorder]:
        for client in clients:
            client.meta.events.register("provide-client-params.dynamodb.*", self._params)
            client.meta.events.register("after-call.dynamodb.*", self._after)
        try:
            yield self
        finally:
            for client in clients:
                client.meta.events.unregister("provide-client-params.dynamodb.*", self._params)
                client.meta.events.unregister("after-call.dynamodb.*", self._after)


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@contextlib.contextmanager
def replaying(exchanges: Sequence[Exchange], *clients: Any) -> Iterator[dict[str, int]]:
    """Answer the clients' DynamoDB calls, in order and cyclically, from ``exchanges``.

    moto's stubber is switched off meanwhile; a call that does not match the recording raises,
    and nothing can go out over the network (every call gets an answer here).
    """
    from botocore.awsrequest import AWSResponse
    from moto.core.models import botocore_stubber

    state = {"calls": 0}

    def answer(request: Any, event_name: str, **_: Any) -> Any:
        exchange = exchanges[state["calls"] % len(exchanges)]
        state["calls"] += 1
        operation = event_name.rsplit(".", 1)[-1]
        if operation != exchange.operation:
            raise AssertionError(f"replay expected {exchange.operation}, got {operation}")
        return AWSResponse(request.url, exchange.status, exchange.headers, _RawBody(exchange.body))

    for client in clients:
        client.meta.events.register_first("before-send.dynamodb.*", answer)
    enabled = botocore_stubber.enabled
    botocore_stubber.enabled = False
    try:
        yield state
    finally:
        botocore_stubber.enabled = enabled
        for client in clients:
            client.meta.events.unregister("before-send.dynamodb.*", answer)


def replay_raw(client: Any, exchanges: Sequence[Exchange]) -> Callable[[], None]:
    """The floor: the recorded calls, made directly with a bare boto3 client."""
    from botocore import xform_name

    calls = [(getattr(client, xform_name(e.operation)), e.params) for e in exchanges]

    def run() -> None:
        for method, params in calls:
            method(**params)

    return run


class ReadMemo:
    """Answers a repeated, identical read from the copy moto gave the first time.

    Exact while nothing is written: between two writes DynamoDB returns the same answer to the
    same request. The simulation calls :meth:`clear` around every write. It hooks ``before-call``
    after the counters, so every call is still counted; botocore skips only sending and parsing.
    """

    READS = frozenset({"GetItem", "Query", "BatchGetItem"})

    def __init__(self) -> None:
        self._answers: dict[tuple[str, bytes], tuple[Any, dict[str, Any]]] = {}
        self._key: tuple[str, bytes] | None = None
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self._answers.clear()

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> Any:
        if model.name not in self.READS:
            self._key = None
            return None
        key = (model.name, bytes(params["body"]))
        cached = self._answers.get(key)
        if cached is not None:
            self.hits += 1
            self._key = None
            return cached  # the store only reads answers, never changes them
        self.misses += 1
        self._key = key
        return None

    def _after(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        if self._key is not None and http_response is not None and http_response.status_code == 200:
            self._answers[self._key] = (http_response, parsed)
        self._key = None
