"""The embedded DynamoDB of ``contentfeed serve``: moto, kept fast as the table grows.

moto is a faithful DynamoDB inside one process, but two of its paths cost time in proportion
to the whole table, so a laptop server slows down as articles accumulate:

- ``TransactWriteItems`` deep-copies every table a transaction touches, once per item of the
  transaction, so that it can put the copy back if the transaction is cancelled;
- ``Query`` sorts every item of the table, keeps the asked-for partition, sorts that, and walks
  it from the start to the page it wants.

:func:`accelerate` changes both, for the embedded server's own backend and table only (never moto
globally, never a test's ``mock_aws``):

- a transaction keeps a copy of only the items it names (and the length of the table's stream)
  and puts exactly those back when it fails; moto's whole-table copy becomes a no-op for the
  duration of the call. Everything else (conditions, cancellation reasons, stream records) is
  moto's own code;
- a query on the table's key gets, as moto's candidate list, only the stretch of its partition
  that moto's walk would reach (found by bisecting a sorted copy of the partition's sort keys,
  kept until the partition is next written). moto then filters, orders, pages and projects it
  as always. Anything the shortcut does not cover (an index, a non-string sort key, a legacy
  ``KeyConditions`` filter, a start key from another partition) runs moto's query unchanged.

Both rely on the exact code of the moto methods they wrap, so they are applied only when moto's
version and the source of those methods are the ones checked here (:data:`CHECKED`); otherwise the
server runs on plain moto and says so. A test pins :data:`CHECKED` to the installed moto.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MOTO_VERSION = "5.2.5"
CHECKED: dict[str, str] = {
    "moto": MOTO_VERSION,
    "DynamoDBBackend.transact_write_items": (
        "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4"
    ),
    "Table.query": "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e",
    "Table.all_items": "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d",
    "Table.put_item": "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47",
    "Table.delete_item": "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9",
}
"""moto's version and the SHA-256 of each wrapped or relied-on method's source, as checked."""

_KNOWN_COMPARISONS = {None, "=", "EQ", "<", "LT", "<=", "LE", ">", "GT", ">=", "GE", "BETWEEN"}
_BEGINS_WITH = "BEGINS_WITH"


def moto_fingerprint() -> dict[str, str]:
    """The installed moto's version and the SHA-256 of the sources :data:`CHECKED` names."""
    import moto
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    owners: dict[str, type] = {"DynamoDBBackend": DynamoDBBackend, "Table": Table}
    found = {"moto": str(moto.__version__)}
    for name in CHECKED:
        if name == "moto":
            continue
        owner, _, method = name.partition(".")
        source = inspect.getsource(getattr(owners[owner], method))
        found[name] = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return found


def is_checked_moto() -> bool:
    return moto_fingerprint() == CHECKED


@dataclass
class _Partition:
    keys: list[str]
    items: list[Any]


@dataclass
class Accelerator:
    """What :func:`accelerate` installed on one backend and one table; :meth:`remove` undoes it."""

    backend: Any
    table: Any
    sorted_partitions: dict[Any, _Partition] = field(default_factory=dict)
    shortcuts: int = 0
    """Queries answered from a stretch of their partition (for tests and the bench)."""

    def remove(self) -> None:
        for name in ("transact_write_items",):
            self.backend.__dict__.pop(name, None)
        for name in ("query", "put_item", "delete_item", "all_items", "__deepcopy__"):
            self.table.__dict__.pop(name, None)
        self.sorted_partitions.clear()


def accelerate(backend: Any, table: Any, *, force: bool = False) -> Accelerator | None:
    """Install the item-level rollback and the partition query on ``backend`` and ``table``.

    Returns None (and changes nothing) when the installed moto is not the checked one, unless
    ``force`` (used by the test that shows the fingerprint matters).
    """
    if not force and not is_checked_moto():
        sys.stderr.write(
            "contentfeed: moto is not the version the local server's fast paths were checked "
            f"against ({MOTO_VERSION}); using moto as it is (slower as the table grows)\n"
        )
        return None
    accelerator = Accelerator(backend=backend, table=table)
    _install_transactions(accelerator)
    _install_query(accelerator)
    return accelerator


# --------------------------------------------------------------------------- transactions


def _install_transactions(accelerator: Accelerator) -> None:
    backend = accelerator.backend
    original = type(backend).transact_write_items

    def transact_write_items(transact_items: list[dict[str, Any]]) -> None:
        saved = _snapshot(backend, transact_items)
        tables = {id(table): table for table, *_ in saved.entries}
        with _no_table_copies(tables.values()):
            try:
                original(backend, transact_items)
            except BaseException:
                saved.restore(accelerator)
                raise

    backend.transact_write_items = transact_write_items


@dataclass
class _Snapshot:
    entries: list[tuple[Any, Any, Any, Any]]
    """(table, hash key, range key or None, a copy of the item or None)"""
    streams: list[tuple[Any, list[Any], int]]
    """(stream shard, its record list, its length before the transaction)"""

    def restore(self, accelerator: Accelerator) -> None:
        for table, hash_key, range_key, item in reversed(self.entries):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            else:
                partition = table.items[hash_key]
                if item is None:
                    partition.pop(range_key, None)
                else:
                    partition[range_key] = item
            if table is accelerator.table:
                accelerator.sorted_partitions.pop(hash_key, None)
        for shard, records, length in self.streams:
            if shard.items is records:
                del records[length:]


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> _Snapshot:
    """Copies of the items a transaction names, before it runs (unknown tables are skipped)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: list[tuple[Any, Any, Any, Any]] = []
    shards: dict[int, tuple[Any, list[Any], int]] = {}
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Item", {}) if op_type == "Put" else op.get("Key", {})
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = (
                DynamoType(key[table.range_key_attr]) if table.range_key_attr is not None else None
            )
        except (KeyError, TypeError, AttributeError, StopIteration, ValueError):
            continue  # moto refuses this item before writing anything for it
        if range_key is None:
            current = table.items.get(hash_key)
        else:
            current = table.items.get(hash_key, {}).get(range_key)
        saved.append((table, hash_key, range_key, copy.deepcopy(current)))
        shard = table.stream_shard
        if shard is not None and id(shard) not in shards:
            shards[id(shard)] = (shard, shard.items, len(shard.items))
    return _Snapshot(entries=saved, streams=list(shards.values()))


@contextmanager
def _no_table_copies(tables: Any) -> Iterator[None]:
    """``copy.deepcopy(table)`` returns the table itself while a transaction runs.

    moto backs up each table it touches this way and assigns the backup back on failure; with
    the table itself as its own backup both steps cost nothing, and the item-level snapshot does
    the rolling back.
    """
    touched = list(tables)
    for table in touched:
        table.__deepcopy__ = lambda memo, table=table: table
    try:
        yield
    finally:
        for table in touched:
            table.__dict__.pop("__deepcopy__", None)


# --------------------------------------------------------------------------------- query


def _install_query(accelerator: Accelerator) -> None:
    table = accelerator.table
    cls = type(table)

    def forget(hash_key: Any) -> None:
        accelerator.sorted_partitions.pop(hash_key, None)

    def put_item(item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        item = cls.put_item(table, item_attrs, *args, **kwargs)
        forget(item.hash_key)
        return item

    def delete_item(hash_key: Any, range_key: Any) -> Any:
        forget(hash_key)
        return cls.delete_item(table, hash_key, range_key)

    def query(
        hash_key: Any,
        range_comparison: str | None,
        range_objs: list[Any],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: Any,
        index_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        stretch = _stretch(
            accelerator,
            hash_key=hash_key,
            range_comparison=range_comparison,
            range_objs=range_objs,
            limit=limit,
            exclusive_start_key=exclusive_start_key,
            forward=scan_index_forward,
            index_name=index_name,
            extra=kwargs,
        )
        call = (
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            *args,
        )
        if stretch is None:
            return cls.query(table, *call, **kwargs)
        accelerator.shortcuts += 1
        table.all_items = lambda: stretch
        try:
            return cls.query(table, *call, **kwargs)
        finally:
            table.__dict__.pop("all_items", None)

    table.put_item = put_item
    table.delete_item = delete_item
    table.query = query


def _sorted_partition(accelerator: Accelerator, hash_key: Any) -> _Partition:
    cached = accelerator.sorted_partitions.get(hash_key)
    if cached is None:
        partition = accelerator.table.items.get(hash_key) or {}
        pairs = sorted((range_key.value, item) for range_key, item in partition.items())
        cached = _Partition(keys=[key for key, _ in pairs], items=[item for _, item in pairs])
        accelerator.sorted_partitions[hash_key] = cached
    return cached


def _stretch(
    accelerator: Accelerator,
    *,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: Any,
    exclusive_start_key: dict[str, Any] | None,
    forward: bool,
    index_name: str | None,
    extra: dict[str, Any],
) -> list[Any] | None:
    """The part of the partition moto's walk can reach, in key order; None: use moto's own path.

    moto walks the partition in the query's direction, skips up to the start key, keeps what
    matches the key condition, and stops at the first item after ``limit`` kept ones (which is
    when it reports a LastEvaluatedKey). Matches of a key condition are contiguous in key order,
    so the walk only ever reaches ``limit + 1`` items from the first match after the start key.
    """
    table = accelerator.table
    if index_name is not None or hash_key is None or table.range_key_attr is None:
        return None
    if table.range_key_type != "S" or hash_key.type != table.hash_key_type:
        return None
    legacy = {
        name: value
        for name, value in extra.items()
        if name not in ("hash_key_conditions", "range_key_conditions", "filter_expression")
    }
    if legacy or len(extra.get("range_key_conditions") or []) > 1:
        return None
    if any(getattr(value, "type", None) != "S" for value in range_objs):
        return None
    comparison = range_comparison.upper() if range_comparison else None
    if comparison not in _KNOWN_COMPARISONS and comparison != _BEGINS_WITH:
        return None
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        return None
    partition = _sorted_partition(accelerator, hash_key)
    keys = partition.keys
    values = [value.value for value in range_objs]
    low, high = _bounds(keys, comparison, values)
    if low is None or high is None:
        return None
    if exclusive_start_key:
        start = _start_key(table, hash_key, exclusive_start_key)
        if start is None:
            return None
        if forward:
            low = max(low, bisect.bisect_right(keys, start))
        else:
            high = min(high, bisect.bisect_left(keys, start))
    if low >= high:
        return []
    if limit is None:
        return partition.items[low:high]
    if forward:
        return partition.items[low : low + limit + 1]
    return partition.items[max(0, high - limit - 1) : high]


def _bounds(keys: list[str], comparison: str | None, values: list[str]) -> tuple[Any, Any]:
    """[low, high) of the sort keys that match the key condition."""
    left = bisect.bisect_left
    right = bisect.bisect_right
    whole = (0, len(keys))
    if comparison is None:
        return whole
    if comparison == "BETWEEN":
        if len(values) != 2:
            return None, None
        return left(keys, values[0]), right(keys, values[1])
    if len(values) != 1:
        return None, None
    value = values[0]
    bounds: dict[str, Callable[[], tuple[int | None, int | None]]] = {
        "=": lambda: (left(keys, value), right(keys, value)),
        "<": lambda: (0, left(keys, value)),
        "<=": lambda: (0, right(keys, value)),
        ">": lambda: (right(keys, value), len(keys)),
        ">=": lambda: (left(keys, value), len(keys)),
        _BEGINS_WITH: lambda: (left(keys, value), _prefix_end(keys, value)),
    }
    aliases = {"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}
    return bounds[aliases.get(comparison, comparison)]()


def _prefix_end(keys: list[str], prefix: str) -> int | None:
    """The first position after every key that starts with ``prefix``."""
    if not prefix:
        return len(keys)
    last = ord(prefix[-1])
    if last >= sys.maxunicode:
        return None
    return bisect.bisect_left(keys, prefix[:-1] + chr(last + 1))


def _start_key(table: Any, hash_key: Any, start: dict[str, Any]) -> str | None:
    """The start key's sort key, when it names this partition with a string sort key."""
    own_hash = start.get(table.hash_key_attr)
    sort = start.get(table.range_key_attr)
    if not isinstance(own_hash, dict) or not isinstance(sort, dict):
        return None
    if own_hash != {hash_key.type: hash_key.value} or set(sort) != {"S"}:
        return None
    value = sort["S"]
    return value if isinstance(value, str) else None


def find_table(table_name: str) -> tuple[Any, Any]:
    """The moto backend and table of this process's mock that hold ``table_name``."""
    from moto.dynamodb.models import dynamodb_backends

    for regions in dynamodb_backends.values():
        for backend in regions.values():
            if table_name in backend.tables:
                return backend, backend.tables[table_name]
    raise LookupError(f"no embedded table named {table_name}")


def accelerate_table(table_name: str) -> Accelerator | None:
    backend, table = find_table(table_name)
    return accelerate(backend, table)


# ------------------------------------------------------------------------ DynamoDB's API


class DynamoDBEndpoint:
    """DynamoDB's own HTTP API on the embedded table, answered by moto's server code in-process.

    The local server passes it the requests that carry ``X-Amz-Target: DynamoDB_20120810.*``, so
    ``contentfeed keys --server URL`` (or any DynamoDB client given the server's URL as its
    endpoint) reaches the running server's table. Requests need no credentials: whatever the
    client signed with, moto sees the server's own dummy credentials and region, and so the
    server's table. One request runs at a time, under the gateway's lock, like an invocation.
    """

    def __init__(self, *, lock: Any, region: str, after: Callable[[], Any] | None) -> None:
        from moto.moto_server.werkzeug_app import create_backend_app
        from werkzeug.test import Client

        self.client = Client(create_backend_app("dynamodb"))
        self.lock = lock
        self.after = after
        self.authorization = (
            f"AWS4-HMAC-SHA256 Credential=local/20200101/{region}/dynamodb/aws4_request, "
            "SignedHeaders=host;x-amz-target, Signature=0"
        )

    def handle(self, headers: list[tuple[str, str]], body: bytes) -> Any:
        from contentfeed_cli.local.gateway import HttpResponse

        forwarded = {
            name: value
            for name, value in headers
            if name.lower() not in ("authorization", "x-amz-security-token", "content-length")
        }
        forwarded["Authorization"] = self.authorization
        with self.lock:
            try:
                reply = self.client.post("/", data=body, headers=forwarded)
            finally:
                if self.after is not None:
                    self.after()
        kept = [
            (name, value)
            for name, value in reply.headers.items()
            if name.lower() not in ("content-length", "access-control-allow-origin")
        ]
        return HttpResponse(reply.status_code, kept, reply.get_data())
