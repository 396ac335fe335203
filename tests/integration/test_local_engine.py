"""The local server's embedded DynamoDB: moto with an item-level rollback and a partition query.

Each test drives the table through boto3, as the handlers do, with the accelerator installed on
the test's own moto backend; queries are compared with moto's own answer to the same request.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from contentfeed_cli.local import engine
from contentfeed_cli.local.engine import (
    CHECKED,
    Accelerator,
    DynamoDBEndpoint,
    accelerate,
    find_table,
)
from contentfeed_cli.local.persist import TableFiles
from contentfeed_cli.local.server import may_use_dynamodb
from contentfeed_cli.local.streams import StreamPoller
from tests.conftest import TABLE


class Untouchable:
    """Raises when deep-copied: a whole-table copy (moto's own rollback) would copy it."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Untouchable:
        raise AssertionError("the whole table was copied")


@pytest.fixture
def fast(ddb: Any) -> Iterator[Accelerator]:
    backend, table = find_table(TABLE)
    accelerator = accelerate(backend, table)
    assert accelerator is not None
    yield accelerator
    accelerator.remove()


def put(client: Any, pk: str, sk: str, **attrs: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    client.put_item(TableName=TABLE, Item=item)


def get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    answer = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}})
    item: dict[str, Any] | None = answer.get("Item")
    return item


def stream_length(table: Any) -> int:
    return len(table.stream_shard.items)


# ------------------------------------------------------------------------------ moto pin


def test_the_installed_moto_is_the_one_the_fast_paths_were_checked_against() -> None:
    # Given the moto this project installs
    # When its version and the source of every method the fast paths wrap are fingerprinted
    found = engine.moto_fingerprint()
    # Then they are exactly what was read and checked: an upgrade must re-check engine.py
    assert found["moto"] == CHECKED["moto"], "moto changed: re-check local/engine.py"
    assert found == CHECKED, "a wrapped moto method changed: re-check local/engine.py"


def test_another_moto_is_used_as_it_is(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a moto whose fingerprint differs from the checked one
    monkeypatch.setitem(engine.CHECKED, "moto", "0.0.0")
    backend, table = find_table(TABLE)
    # When the server asks for the fast paths
    accelerator = accelerate(backend, table)
    # Then it gets none: moto's own methods stay in place
    assert accelerator is None
    assert "transact_write_items" not in backend.__dict__
    assert "query" not in table.__dict__


# --------------------------------------------------------------------------- transactions


def test_a_cancelled_transaction_changes_nothing_and_copies_no_table(
    ddb: Any, fast: Accelerator
) -> None:
    # Given an item, and a table that must never be copied whole
    put(ddb, "A", "1", v="old")
    fast.table.canary = Untouchable()
    before = stream_length(fast.table)
    # When a transaction puts a new item, fails its condition on the second item, and would
    # update a third
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "new"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "C"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}},
                    }
                },
            ]
        )
    # Then DynamoDB's cancellation comes back, with a reason per item
    error = caught.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in error["CancellationReasons"]] == [
        "None",
        "ConditionalCheckFailed",
        "None",
    ]
    # And nothing changed: no new item, the old one intact, no stream record
    assert get(ddb, "B", "1") is None
    assert get(ddb, "C", "1") is None
    assert get(ddb, "A", "1") == {"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "old"}}
    assert stream_length(fast.table) == before
    assert find_table(TABLE)[1] is fast.table


def test_a_cancelled_transaction_restores_updated_and_deleted_items(
    ddb: Any, fast: Accelerator
) -> None:
    # Given two items
    put(ddb, "A", "1", v="a")
    put(ddb, "D", "1", v="d")
    before = stream_length(fast.table)
    # When a transaction updates one, deletes the other, then fails a condition check
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "A"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET v = :v, w = :v",
                        "ExpressionAttributeValues": {":v": {"S": "changed"}},
                    }
                },
                {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "D"}, "sk": {"S": "1"}}}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "missing"}, "sk": {"S": "1"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    # Then both are exactly as they were, and the stream holds nothing of it
    codes = [r["Code"] for r in caught.value.response["CancellationReasons"]]
    assert codes == ["None", "None", "ConditionalCheckFailed"]
    assert get(ddb, "A", "1") == {"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "a"}}
    assert get(ddb, "D", "1") == {"pk": {"S": "D"}, "sk": {"S": "1"}, "v": {"S": "d"}}
    assert stream_length(fast.table) == before


def test_a_transaction_that_succeeds_writes_every_item_and_one_record_each(
    ddb: Any, fast: Accelerator
) -> None:
    # Given an item to update, one to delete, and a table that must never be copied whole
    put(ddb, "C", "1", v="before")
    put(ddb, "D", "1", v="d")
    fast.table.canary = Untouchable()
    before = stream_length(fast.table)
    # When a transaction puts, updates and deletes
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": {"pk": {"S": "C"}, "sk": {"S": "1"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "c"}},
                }
            },
            {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "D"}, "sk": {"S": "1"}}}},
        ]
    )
    # Then all three happened, with one stream record each
    assert get(ddb, "B", "1") is not None
    assert get(ddb, "C", "1") == {"pk": {"S": "C"}, "sk": {"S": "1"}, "v": {"S": "c"}}
    assert get(ddb, "D", "1") is None
    assert stream_length(fast.table) == before + 3


def test_a_refused_transaction_rolls_back_what_moto_had_applied(
    ddb: Any, fast: Accelerator
) -> None:
    # Given a transaction whose second item names the same key twice (refused outright)
    # When it runs
    with pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
            ]
        )
    # Then the first put is not left behind
    assert get(ddb, "B", "1") is None


# ---------------------------------------------------------------------------------- query


def both(client: Any, accelerator: Accelerator, **request: Any) -> tuple[Any, Any]:
    """The same Query answered with the partition shortcut and by moto's own method."""
    shortcuts = accelerator.shortcuts
    fast = client.query(TableName=TABLE, **request)
    took_shortcut = accelerator.shortcuts > shortcuts
    own = accelerator.table.__dict__.pop("query")
    try:
        slow = client.query(TableName=TABLE, **request)
    finally:
        accelerator.table.query = own
    keep = ("Items", "Count", "LastEvaluatedKey")
    return (
        ({k: fast.get(k) for k in keep}, took_shortcut),
        ({k: slow.get(k) for k in keep}, True),
    )


def test_partition_queries_answer_exactly_what_moto_answers(ddb: Any, fast: Accelerator) -> None:
    # Given a partition of 40 items with varied string sort keys, and neighbours around it
    rng = random.Random(7)
    alphabet = "ab~#Pé😀0"
    keys = sorted(
        {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(80)}
    )[:40]
    for sk in keys:
        put(ddb, "FEED#site", sk)
    for pk in ("FEED#other", "FEED#sitf", "A"):
        for sk in keys[:5]:
            put(ddb, pk, sk)
    conditions: list[tuple[str, dict[str, Any]]] = [("", {})]
    for probe in (keys[0], keys[20], keys[-1], "P"):
        for op in ("=", "<", "<=", ">", ">="):
            conditions.append((f" AND sk {op} :a", {":a": {"S": probe}}))
        conditions.append((" AND begins_with(sk, :a)", {":a": {"S": probe[:1]}}))
        conditions.append(
            (" AND sk BETWEEN :a AND :b", {":a": {"S": probe}, ":b": {"S": probe + "~"}})
        )
    # When each condition is asked in both directions, with and without limits and start keys
    compared = 0
    for condition, values in conditions:
        for forward in (True, False):
            for limit in (None, 3):
                for start in (None, keys[20], "b"):
                    request: dict[str, Any] = {
                        "KeyConditionExpression": "pk = :p" + condition,
                        "ExpressionAttributeValues": {":p": {"S": "FEED#site"}, **values},
                        "ScanIndexForward": forward,
                    }
                    if limit:
                        request["Limit"] = limit
                    if start:
                        request["ExclusiveStartKey"] = {
                            "pk": {"S": "FEED#site"},
                            "sk": {"S": start},
                        }
                    (fast_answer, shortcut), (slow_answer, _) = both(ddb, fast, **request)
                    # Then the shortcut was taken and the answers are the same
                    assert shortcut, request
                    assert fast_answer == slow_answer, request
                    compared += 1
    assert compared > 300


def test_paging_through_a_partition_reads_it_all_once(ddb: Any, fast: Accelerator) -> None:
    # Given 50 items in a partition
    for number in range(50):
        put(ddb, "FEED#site", f"P#{number:04d}")
    put(ddb, "FEED#site", "P~", marker="yes")
    # When it is read newest first, 7 at a time, from below the marker
    seen: list[str] = []
    start = None
    while True:
        request: dict[str, Any] = {
            "TableName": TABLE,
            "KeyConditionExpression": "pk = :p AND sk < :m",
            "ExpressionAttributeValues": {":p": {"S": "FEED#site"}, ":m": {"S": "P~"}},
            "ScanIndexForward": False,
            "Limit": 7,
        }
        if start:
            request["ExclusiveStartKey"] = start
        answer = ddb.query(**request)
        seen += [item["sk"]["S"] for item in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    # Then every item came once, in order
    assert seen == [f"P#{number:04d}" for number in reversed(range(50))]


def test_writes_and_rollbacks_are_seen_by_the_next_query(ddb: Any, fast: Accelerator) -> None:
    # Given a partition that has been read once (and so sorted and kept)
    for sk in ("b", "d"):
        put(ddb, "P", sk)

    def listed() -> list[str]:
        answer = ddb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "P"}},
        )
        return [item["sk"]["S"] for item in answer["Items"]]

    assert listed() == ["b", "d"]
    # When items are put, deleted, updated into being, and a cancelled transaction adds one
    put(ddb, "P", "a")
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "P"}, "sk": {"S": "d"}})
    ddb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "P"}, "sk": {"S": "c"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "1"}},
    )
    assert listed() == ["a", "b", "c"]
    with pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "P"}, "sk": {"S": "e"}}}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "P"}, "sk": {"S": "zz"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    # Then each query lists exactly what is stored
    assert listed() == ["a", "b", "c"]


# -------------------------------------------------------------------------------- streams


def test_the_stream_poller_reads_only_new_records(ddb: Any, fast: Accelerator) -> None:
    # Given a table with many writes behind it, and the local stream poller started after them
    import boto3

    for number in range(100):
        put(ddb, "FEED#site", f"P#{number:04d}")
    delivered: list[int] = []
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    fetched: list[int] = []
    streams.meta.events.register(
        "after-call.dynamodbstreams.GetRecords",
        lambda parsed, **_: fetched.append(len(parsed.get("Records", []))),
    )
    poller = StreamPoller(
        table_name=TABLE,
        dynamodb=ddb,
        streams=streams,
        deliver=lambda event: delivered.append(len(event["Records"])),
    )
    fetched.clear()
    # When one more item is written and the poller polls twice
    put(ddb, "FEED#site", "P#9999")
    poller.poll_once()
    poller.poll_once()
    # Then it fetched and delivered that one record, not the table's history
    assert delivered == [1]
    assert sum(fetched) == 1


# ------------------------------------------------------------------------ --data DIR files


def test_the_journal_holds_every_committed_change_and_nothing_cancelled(
    ddb: Any, fast: Accelerator, tmp_path: Path
) -> None:
    # Given a table kept in a folder
    files = TableFiles(tmp_path, fast.table)
    files.compact()
    # When items are put, updated and deleted, and a transaction is cancelled
    put(ddb, "A", "1", v="a")
    put(ddb, "D", "1", v="d")
    ddb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "A"}, "sk": {"S": "1"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "changed"}},
    )
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "D"}, "sk": {"S": "1"}})
    with pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "X"}, "sk": {"S": "1"}}}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "none"}, "sk": {"S": "1"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    files.sync()
    # Then the journal has the four changes in order, and nothing of the cancelled one
    journal = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert [next(iter(change)) for change in journal] == ["put", "put", "put", "delete"]
    assert journal[2]["put"]["v"] == {"S": "changed"}
    assert all(change.get("put", {}).get("pk") != {"S": "X"} for change in journal)


def test_a_table_comes_back_from_snapshot_and_journal(
    ddb: Any, fast: Accelerator, tmp_path: Path
) -> None:
    # Given a snapshot with two items, a journal that changes one and deletes the other, and a
    # last journal line cut short by a crash
    (tmp_path / "table.jsonl").write_text(
        json.dumps({"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "a"}})
        + "\n"
        + json.dumps({"pk": {"S": "B"}, "sk": {"S": "1"}})
        + "\n"
    )
    (tmp_path / "journal.jsonl").write_text(
        json.dumps({"put": {"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "new"}}})
        + "\n"
        + json.dumps({"delete": {"pk": {"S": "B"}, "sk": {"S": "1"}}})
        + "\n"
        + '{"put": {"pk": {"S": "C"'
    )
    # When the table is loaded from them
    count = TableFiles(tmp_path, fast.table).load()
    # Then it holds what the answered writes left, the journal is folded into the snapshot
    assert count == 1
    assert get(ddb, "A", "1") == {"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"S": "new"}}
    assert get(ddb, "B", "1") is None
    assert get(ddb, "C", "1") is None
    assert (tmp_path / "journal.jsonl").read_text() == ""
    assert len((tmp_path / "table.jsonl").read_text().splitlines()) == 1


def test_binary_values_survive_the_journal_and_the_snapshot(
    ddb: Any, fast: Accelerator, tmp_path: Path
) -> None:
    # Given a table kept in a folder, and items with binary values (packed feed entries)
    files = TableFiles(tmp_path, fast.table)
    files.compact()
    packed = bytes(range(256))
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "J"}, "sk": {"S": "1"}, "z": {"B": packed}})
    # When one is journalled and the other snapshotted
    files.sync()
    journal = (tmp_path / "journal.jsonl").read_text()
    files.compact()
    snapshot = (tmp_path / "table.jsonl").read_text()
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "J"}, "sk": {"S": "1"}})
    # Then the files hold them as base64, as DynamoDB's JSON does
    assert json.loads(journal)["put"]["z"] == {"B": base64.b64encode(packed).decode()}
    assert json.loads(snapshot)["z"] == {"B": base64.b64encode(packed).decode()}
    # And a table loaded from either has the very same bytes
    for files_in in ({"table.jsonl": snapshot, "journal.jsonl": ""}, {"journal.jsonl": journal}):
        (tmp_path / "table.jsonl").unlink(missing_ok=True)
        for name, text in files_in.items():
            (tmp_path / name).write_text(text)
        ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "J"}, "sk": {"S": "1"}})
        assert TableFiles(tmp_path, fast.table).load() == 1
        item = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "J"}, "sk": {"S": "1"}})["Item"]
        assert item["z"] == {"B": packed}


# ------------------------------------------------------------------ the DynamoDB endpoint


def test_the_endpoint_answers_dynamodb_calls_on_the_embedded_table(
    ddb: Any, fast: Accelerator
) -> None:
    # Given the embedded table's endpoint, and a journal hook
    synced: list[int] = []
    endpoint = DynamoDBEndpoint(
        lock=threading.Lock(), region="us-east-1", after=lambda: synced.append(1)
    )
    body = json.dumps({"TableName": TABLE, "Item": {"pk": {"S": "K"}, "sk": {"S": "1"}}})
    headers = [
        ("X-Amz-Target", "DynamoDB_20120810.PutItem"),
        ("Content-Type", "application/x-amz-json-1.0"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=other/20260101/eu-west-3/dynamodb/x"),
    ]
    # When a client signed for another region and account writes through it
    reply = endpoint.handle(headers, body.encode())
    # Then the server's own table has the item, and the write was journalled
    assert reply.status == 200
    assert get(ddb, "K", "1") == {"pk": {"S": "K"}, "sk": {"S": "1"}}
    assert synced == [1]


@pytest.mark.parametrize(
    ("client", "host", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:3000", True),
        ("127.8.0.1", "localhost:3000", True),
        ("::1", "[::1]:3000", True),
        ("10.0.0.2", "127.0.0.1:3000", False),
        ("127.0.0.1", "10.0.0.1:3000", False),
        ("127.0.0.1", "rebound.example:3000", False),
        ("127.0.0.1", "", False),
    ],
)
def test_only_this_machine_reaches_the_endpoint(client: str, host: str, allowed: bool) -> None:
    assert may_use_dynamodb(client, host) is allowed
