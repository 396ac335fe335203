"""``contentfeed serve --data DIR``: the embedded table kept on disk across restarts.

Two files in DIR, both JSON lines of DynamoDB-typed items (``{"pk": {"S": "…"}, …}``; binary
values in base64, as DynamoDB's own JSON has them):

- ``table.jsonl``, a snapshot: every item of the table, one per line;
- ``journal.jsonl``, every change since that snapshot, in order: ``{"put": item}`` or
  ``{"delete": key}``.

The changes come from the table's own stream (moto keeps it in this process): after every
request the server appends what that request wrote to the journal, flushes it and asks the OS
to put it on disk (``fsync``) before the next request runs. A cancelled transaction leaves no
stream records, so it leaves nothing in the journal either.

On start the snapshot is loaded and the journal replayed on top of it; on a clean stop (Ctrl-C,
SIGTERM) the table is written to a new snapshot (a temporary file renamed over the old one) and
the journal emptied. After a crash or ``kill -9`` nothing that was answered is lost: the next
start replays the journal. A journal line cut short by the crash (a write that was never
answered) is ignored.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import IO, Any

SNAPSHOT = "table.jsonl"
JOURNAL = "journal.jsonl"
KEY_FILE = "write-key"


class TableFiles:
    """Loads, journals and snapshots one moto table (see the module's docstring)."""

    def __init__(self, folder: Path, table: Any) -> None:
        if table.stream_shard is None:
            raise ValueError(
                "--data needs the table's stream (StreamSpecification in template.yaml)"
            )
        self.folder = folder
        self.table = table
        self.position = 0
        self._journal: IO[str] | None = None

    @property
    def snapshot_path(self) -> Path:
        return self.folder / SNAPSHOT

    @property
    def journal_path(self) -> Path:
        return self.folder / JOURNAL

    def has_data(self) -> bool:
        return self.snapshot_path.exists() or self.journal_path.exists()

    # ------------------------------------------------------------------------ start

    def load(self) -> int:
        """Snapshot, then journal, into the (empty) table; returns the number of items."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.snapshot_path.exists():
            for change in _lines(self.snapshot_path):
                self._put(change)
        if self.journal_path.exists():
            for change in _lines(self.journal_path):
                if "put" in change:
                    self._put(change["put"])
                elif "delete" in change:
                    self._delete(change["delete"])
        self.compact()
        return sum(1 for _ in self._items())

    def _put(self, attrs: dict[str, Any]) -> None:
        self.table.put_item({name: _binary(value) for name, value in attrs.items()})

    def _delete(self, key: dict[str, Any]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        hash_key = DynamoType(key[self.table.hash_key_attr])
        range_attr = self.table.range_key_attr
        range_key = DynamoType(key[range_attr]) if range_attr else None
        self.table.delete_item(hash_key, range_key)

    # ------------------------------------------------------------------ while serving

    def sync(self) -> int:
        """Append the changes made since the last call to the journal; returns how many."""
        records = self.table.stream_shard.items
        if self.position > len(records):  # moto replaced the stream: nothing to go on
            self.position = len(records)
        new = records[self.position :]
        if not new:
            return 0
        lines = []
        for record in new:
            data = record.record["dynamodb"]
            if record.record["eventName"] == "REMOVE":
                lines.append(_line({"delete": data["Keys"]}))
            else:
                lines.append(_line({"put": data["NewImage"]}))
        journal = self._open_journal()
        journal.write("\n".join(lines) + "\n")
        journal.flush()
        os.fsync(journal.fileno())
        self.position += len(new)
        return len(new)

    def _open_journal(self) -> IO[str]:
        if self._journal is None:
            self._journal = self.journal_path.open("a", encoding="utf-8")
        return self._journal

    # ---------------------------------------------------------------------- stop

    def compact(self) -> None:
        """Write every item to a new snapshot and empty the journal."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / (SNAPSHOT + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            for item in self._items():
                out.write(_line(item.to_json()["Attributes"]) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.snapshot_path)
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self.journal_path.write_text("", encoding="utf-8")
        self.position = len(self.table.stream_shard.items)

    def close(self) -> None:
        self.sync()
        self.compact()

    def _items(self) -> Any:
        for partition in list(self.table.items.values()):
            if self.table.range_key_attr is None:
                yield partition
            else:
                yield from list(partition.values())


def _line(value: Any) -> str:
    """One JSON line; binary values (moto holds them as bytes) in base64."""
    return json.dumps(value, ensure_ascii=False, default=_base64)


def _base64(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _binary(value: Any) -> Any:
    """A typed attribute value read from a line, its binary values as bytes again."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    kind, inner = next(iter(value.items()))
    if kind == "B" and isinstance(inner, str):
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) if isinstance(v, str) else v for v in inner]}
    if kind == "M":
        return {"M": {name: _binary(v) for name, v in inner.items()}}
    if kind == "L":
        return {"L": [_binary(v) for v in inner]}
    return value


def _lines(path: Path) -> Any:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                return  # the last line of a write a crash cut short


def read_key(folder: Path) -> str | None:
    path = folder / KEY_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def write_key(folder: Path, key: str) -> None:
    """The generated local write key, kept beside the table it was made for (owner-only)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(key + "\n")
