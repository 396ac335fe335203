"""Shared fixtures: moto 5 ``mock_aws`` (not the old boto-2 ``pytest-moto`` plugin), the table
built from template.yaml, settings, a counting hook on DynamoDB calls, a movable clock."""

from __future__ import annotations

import importlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import boto3
import pytest
from moto import mock_aws

from contentfeed.config import Settings, get_settings
from contentfeed.dal import Store
from contentfeed_cli.local.template import Template, create_table

ROOT = Path(__file__).resolve().parent.parent
TABLE = "contentfeed-test"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def template() -> Template:
    return Template(ROOT / "template.yaml")


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, aws_credentials: None) -> Iterator[Settings]:
    """The functions' environment, as the template sets it, and fresh settings."""
    for name, value in {
        "TABLE_NAME": TABLE,
        "SITE_URL": "https://news.example.org",
        "SITE_TITLE": "Example News",
        "POWERTOOLS_SERVICE_NAME": "contentfeed",
        "POWERTOOLS_METRICS_NAMESPACE": "contentfeed",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("PUBLIC_BASE_URL", "WEBSUB_HUB_URL", "DYNAMODB_ENDPOINT_URL", "FEED_SIZE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def ddb(env: Settings, template: Template) -> Iterator[Any]:
    """A moto DynamoDB with the table created from template.yaml; the client is made after the mock starts."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, template, TABLE)
        yield client


class CallCounter:
    """Counts DynamoDB operations through botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.rsplit(".", 1)[-1]] += 1

    def reset(self) -> None:
        self.calls.clear()

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture
def calls(ddb: Any) -> CallCounter:
    counter = CallCounter()
    ddb.meta.events.register("before-call.dynamodb.*", counter)
    return counter


@pytest.fixture
def store(ddb: Any) -> Store:
    return Store(TABLE, client=ddb)


class LoadHandler(Protocol):
    def __call__(
        self, name: str, *, clock: Callable[[], datetime] | None = ..., store: Store | None = ...
    ) -> ModuleType: ...


@pytest.fixture
def load_handler(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[LoadHandler]:
    """The one way tests load a function: ``functions/{name}/app.py`` against the moto table.

    Its store becomes ``store`` (the test's, unless another is given) and its clock ``clock``
    (``NOW`` unless given; None keeps the real one). Both come back when the test ends.
    """

    loaded: list[ModuleType] = []

    def load(
        name: str,
        *,
        clock: Callable[[], datetime] | None = lambda: NOW,
        store: Store | None = store,
    ) -> ModuleType:
        module = importlib.import_module(f"functions.{name}.app")
        # Tests call the resolver, not the decorated handler, so nothing flushes the metrics
        # buffer (shared by every Metrics object): empty it when the test ends.
        if hasattr(module, "metrics"):
            loaded.append(module)
        if hasattr(module, "get_store"):
            monkeypatch.setattr(module, "get_store", lambda: store)
        if clock is not None and hasattr(module, "clock"):
            monkeypatch.setattr(module, "clock", clock)
        return module

    yield load
    for module in loaded:
        module.metrics.clear_metrics()


@pytest.fixture
def api(load_handler: LoadHandler) -> ModuleType:
    return load_handler("api")


@pytest.fixture
def feeds(load_handler: LoadHandler) -> ModuleType:
    return load_handler("feeds")


@pytest.fixture
def authorizer(load_handler: LoadHandler) -> ModuleType:
    return load_handler("authorizer")


class AtomicCalls:
    """A client proxy that runs one DynamoDB call at a time.

    Every DynamoDB request is atomic; moto's in-memory backend is not thread-safe (a transaction
    deep-copies tables another thread is changing). Serialising whole calls gives moto
    DynamoDB's guarantee and still lets threads interleave *between* calls, which is where
    read-modify-write races live.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call


def response_headers(result: dict[str, Any]) -> dict[str, str]:
    """A Lambda proxy result's headers, lower-cased, multi-value ones joined."""
    headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(str(value) for value in values)
    return headers


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return event
