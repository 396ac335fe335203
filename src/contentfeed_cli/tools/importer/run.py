"""The run: read the source, turn it into items, and write them one by one through a sink
(after the show, with ``--show``); with ``--strict``, nothing at all when anything would be
lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from contentfeed_cli.tools.fetch import FetchError, FetchPolicy, fetch
from contentfeed_cli.tools.importer.entries import Item, build_items
from contentfeed_cli.tools.importer.json_feed import json_feed_entries
from contentfeed_cli.tools.importer.jsonl import jsonl_items
from contentfeed_cli.tools.importer.rss_atom import feed_entries
from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.show import ChannelShow, channel_show, sync_show
from contentfeed_cli.tools.sink import ItemFailed, RunAborted, Sink
from contentfeed_cli.tools.sync import Outcome, sync


@dataclass(frozen=True, slots=True)
class ImportOptions:
    strict: bool = False
    """Any loss is an error: then nothing is written."""
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    """How a URL source is fetched (see :mod:`contentfeed_cli.tools.fetch`)."""
    show: str | None = None
    """The slug of the show the channel becomes and every entry joins (a podcast)."""


def read_source(source: str, policy: FetchPolicy) -> bytes:
    """The bytes of a file, or of a URL fetched under ``policy``."""
    if "://" in source:
        try:
            return fetch(source, policy)
        except FetchError as error:
            raise RunAborted(str(error)) from None
    try:
        data = Path(source).read_bytes()
    except OSError as error:
        raise RunAborted(f"cannot read {source}: {error.strerror or error}") from error
    if len(data) > policy.max_bytes:
        raise RunAborted(f"{source} is larger than the limit of {policy.max_bytes:,} bytes")
    return data


def _is_jsonl(source: str) -> bool:
    return urlsplit(source).path.endswith(".jsonl")


def parse_items(data: bytes, source: str) -> list[Item]:
    """Every item of ``source``; :class:`RunAborted` when it is not what it claims to be."""
    if not data.strip():
        raise RunAborted(f"{source}: the file is empty")
    if _is_jsonl(source):
        return jsonl_items(data, source)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        entries, defaults = json_feed_entries(data, source)
    else:
        entries, defaults = feed_entries(data, source)
    return build_items(entries, defaults)


def run_import(
    source: str, sink: Sink, report: Report, options: ImportOptions | None = None
) -> int:
    """Import a feed or an export; the exit code is 1 when any item failed (or, with
    ``strict``, lost anything)."""
    options = options or ImportOptions()
    channel: ChannelShow | None = None
    try:
        data = read_source(source, options.fetch)
        items = parse_items(data, source)
        if options.show is not None:
            channel = channel_show(data, source)
            items = [_joining(item, options.show) for item in items]
    except RunAborted as error:
        report.abort(str(error))
        return report.exit_code
    if options.strict:
        faulty = [item for item in items if item.losses or item.article is None]
        if faulty or (channel is not None and channel.losses):
            for item in faulty:
                for problem in _faults(item):
                    report.note(f"{item.name}: {problem}")
            for loss in channel.losses if channel is not None else ():
                report.note(f"show {options.show}: lost {loss}")
            what = f"{len(faulty)} of {len(items)} entries"
            if channel is not None and channel.losses:
                what += " and the show"
            report.abort(f"--strict: {what} would lose something or fail; nothing was written")
            return report.exit_code
    try:
        if channel is not None and options.show is not None:
            outcome, notes = sync_show(sink, options.show, channel)
            for note in notes:
                report.lost(f"show {options.show}", "show", note)
            report.note(f"show {options.show}: {outcome}")
    except RunAborted as error:
        report.abort(str(error))
        return report.exit_code
    report.start(len(items))
    try:
        for item in items:
            _write(item, sink, report)
    except RunAborted as error:
        report.abort(str(error))
    return report.finish()


def _joining(item: Item, show: str) -> Item:
    """``item`` as an episode of ``show``."""
    if item.article is None:
        return item
    return replace(item, article=item.article.model_copy(update={"show": show}))


def _faults(item: Item) -> list[str]:
    return (
        [f"lost {what}" for _, what in item.losses]
        + ([f"skipped: {item.skip}"] if item.skip else [])
        + ([item.problem] if item.problem and item.article is None else [])
    )


def _write(item: Item, sink: Sink, report: Report) -> None:
    for kind, what in item.losses:
        # a refused entry's line says why: its loss is only counted
        report.lost(item.name, kind, what, show=item.article is not None)
    if item.skip is not None:
        report.lost(item.name, "skipped", item.skip, show=False)
        report.item(item.name, Outcome.SKIPPED, item.skip)
        return
    if item.article is None:
        report.failed(item.name, [item.problem or "invalid"])
        return
    try:
        outcome, changed = sync(sink, item.article_id, item.article)
    except ItemFailed as error:
        report.failed(item.name, [str(error)])
        return
    report.item(item.name, outcome, ", ".join(changed))
