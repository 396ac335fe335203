"""The table's DynamoDB stream, delivered to the push consumer as Lambda's event source mapping would.

A background thread reads every shard of the stream (moto's, DynamoDB Local's, or a real one)
and invokes the consumer with batches of records in Lambda's event shape. It remembers the last
sequence number per shard and asks for a fresh iterator after it on every poll: iterators
expire (after 15 minutes on DynamoDB), and moto's go stale after a cancelled transaction.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 0.3


class StreamPoller(threading.Thread):
    def __init__(
        self,
        *,
        table_name: str,
        dynamodb: Any,
        streams: Any,
        deliver: Callable[[dict[str, Any]], Any],
    ) -> None:
        super().__init__(name="contentfeed-stream", daemon=True)
        self.deliver = deliver
        self.streams = streams
        self.stream_arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self.last: dict[str, str | None] = {}
        self.stopped = threading.Event()
        for shard_id in self._shards():  # start after what is already there
            self.last[shard_id] = None
            for _ in self._read(shard_id):
                pass

    def _shards(self) -> list[str]:
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description["Shards"]]

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        after = self.last.get(shard_id)
        position: dict[str, str] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, **position
        )
        records: list[dict[str, Any]] = self.streams.get_records(
            ShardIterator=iterator["ShardIterator"], Limit=1000
        ).get("Records", [])
        if records:
            self.last[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        return records

    def poll_once(self) -> int:
        """Read every shard once and deliver what arrived; returns the number of records."""
        delivered = 0
        for shard_id in self._shards():
            records = self._read(shard_id)
            if records:
                for record in records:
                    record["eventSourceARN"] = self.stream_arn
                self.deliver({"Records": records})
                delivered += len(records)
        return delivered

    def run(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            try:
                self.poll_once()
            except Exception as error:  # keep serving; say what went wrong
                sys.stderr.write(f"stream: {type(error).__name__}: {error}\n")

    def stop(self) -> None:
        self.stopped.set()
