"""``contentfeed export``: every article as JSON lines, the format ``contentfeed import`` reads.

Each line holds the article's input fields (the shape of ``as_input``), plus ``id``,
``created_at``, ``updated_at`` and ``version``. From a table the export holds every article,
drafts and scheduled ones included (a ``Scan``); from the API it holds what ``GET /articles``
lists: published articles that are due.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TextIO

from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.sink import RunAborted, Sink


def write_lines(sink: Sink, out: TextIO, report: Report) -> int:
    """Write every article to ``out``; the number written."""
    count = 0
    for record in sink.records():
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
        report.tick(str(record.get("title", ""))[:60])
    return count


def export(sink: Sink, output: Path | None, report: Report) -> int:
    """Export to ``output`` (replaced only once complete) or to stdout; 1 when it failed."""
    target = "stdout" if output is None else str(output)
    try:
        if output is None:
            count = write_lines(sink, sys.stdout, report)
            sys.stdout.flush()
        else:
            temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
            try:
                with temporary.open("w", encoding="utf-8", newline="\n") as out:
                    count = write_lines(sink, out, report)
                os.replace(temporary, output)
            finally:
                temporary.unlink(missing_ok=True)
    except RunAborted as error:
        report.abort(str(error))
        kept = "the file was left as it was" if output else f"{report.done} article(s) written"
        return report.finish(f"export: stopped ({kept})")
    except OSError as error:
        report.abort(f"cannot write {target}: {error}")
        return report.finish()
    return report.finish(f"export: {count} article(s) to {target}")
