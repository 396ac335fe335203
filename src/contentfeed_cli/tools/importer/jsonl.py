"""An export (what ``contentfeed export`` writes): one article per line, put back under its id."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from contentfeed.models.api import (
    ArticleId,
    ArticleIn,
)
from contentfeed_cli.tools.importer.entries import Item
from contentfeed_cli.tools.report import issues
from contentfeed_cli.tools.sink import OUTPUT_FIELDS, RunAborted

_IDS: TypeAdapter[str] = TypeAdapter(ArticleId)


def jsonl_items(data: bytes, source: str) -> list[Item]:
    """One item per line of an export; ``created_at``, ``updated_at``, ``version`` are ignored.

    A line that is not a JSON object with an ``id`` means the file is not an export: the run
    stops before any write. An article that is not valid fails alone.
    """
    items: list[Item] = []
    name = Path(source).name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RunAborted(f"{source}: not UTF-8 text, so not an export") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            raise RunAborted(f"{where}: not a JSON line ({error}); nothing was imported") from None
        if not isinstance(record, dict):
            raise RunAborted(f"{where}: not a JSON object; nothing was imported")
        if "id" not in record:
            raise RunAborted(
                f"{where}: no id (every line of an export has one); nothing was imported"
            )
        try:
            article_id = _IDS.validate_python(record["id"])
        except ValidationError as error:
            raise RunAborted(
                f"{where}: its id is not valid ({issues(error)}); nothing was imported"
            ) from None
        fields = {k: v for k, v in record.items() if k not in OUTPUT_FIELDS}
        label = f"{name}:{number} ({str(fields.get('title') or '')[:60]})"
        try:
            article = ArticleIn.model_validate(fields)
        except ValidationError as error:
            items.append(Item(label, article_id, problem=issues(error)))
            continue
        items.append(Item(label, article_id, article))
    return items
