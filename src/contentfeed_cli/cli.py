"""The ``contentfeed`` command: ``serve``, ``keys``, ``publish``, ``import`` and ``export``.

Only argument wiring lives here; the tools are in ``contentfeed_cli.tools``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contentfeed_cli.tools.sink import Sink


def _table_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--table",
        default=os.environ.get("TABLE_NAME"),
        help="DynamoDB table (default: $TABLE_NAME)",
    )
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("DYNAMODB_ENDPOINT_URL"),
        help="DynamoDB endpoint (DynamoDB Local, a moto server)",
    )
    parser.add_argument("--profile", default=None, help="AWS profile to use")
    parser.add_argument("--region", default=None, help="AWS region")


def _target_options(parser: argparse.ArgumentParser, *, site: bool) -> None:
    """Where a tool writes or reads: a running API (``--api``), else a table (``--table``)."""
    parser.add_argument(
        "--api", metavar="URL", help="a running contentfeed API (wins over --table)"
    )
    parser.add_argument(
        "--key",
        default=os.environ.get("CONTENTFEED_API_KEY"),
        help="the API's write key (default: $CONTENTFEED_API_KEY, which keeps it off the command line)",
    )
    if site:
        parser.add_argument(
            "--site-url",
            metavar="URL",
            help="the site articles live on, for default URLs and relative links "
            "(default: $SITE_URL with --table; what the API's /feed.json says with --api)",
        )
    _table_options(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contentfeed", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API and feeds on this machine")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument("--no-seed", action="store_true", help="start with an empty table")
    serve.add_argument("--table", default="contentfeed-local")
    serve.add_argument(
        "--endpoint-url", default=None, help="use this DynamoDB instead of the embedded one"
    )
    serve.add_argument("--profile", default=None, help="use the real DynamoDB of this AWS profile")
    serve.add_argument(
        "--template", type=Path, default=None, help="template.yaml (default: found upwards)"
    )

    keys = commands.add_parser("keys", help="create, list and revoke write keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="make a new key (shown once)")
    create.add_argument("--name", default="cli", help="who or what the key is for")
    _table_options(create)
    listing = key_commands.add_parser("list", help="list keys (never the keys themselves)")
    _table_options(listing)
    revoke = key_commands.add_parser("revoke", help="revoke a key, by the key or its hash")
    revoke.add_argument("key", help="the key, or the hash `keys list` shows")
    _table_options(revoke)

    publish = commands.add_parser(
        "publish", help="publish Markdown files with YAML front matter (see docs/publishing.md)"
    )
    publish.add_argument("path", type=Path, help="a .md file, or a folder of them (recursive)")
    _target_options(publish, site=True)

    migrate = commands.add_parser(
        "import", help="import an RSS/Atom feed (file or URL) or a .jsonl export"
    )
    migrate.add_argument("source", help="a feed file, an http(s) feed URL, or FILE.jsonl")
    _target_options(migrate, site=True)

    export = commands.add_parser("export", help="write every article as JSON lines")
    export.add_argument(
        "--output", "-o", type=Path, default=None, help="file to write (default: stdout)"
    )
    _target_options(export, site=False)
    return parser


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from contentfeed.dal import Store

    if not args.table:
        raise SystemExit("contentfeed: name the table with --table or $TABLE_NAME")
    if args.profile or args.region:
        import boto3

        session = boto3.Session(profile_name=args.profile, region_name=args.region)
        return Store(args.table, client=session.client("dynamodb", endpoint_url=args.endpoint_url))
    return Store(args.table, endpoint_url=args.endpoint_url)


def _keys(args: argparse.Namespace) -> int:
    from contentfeed.logic import keys

    store = _store(args)
    now = datetime.now(UTC)
    if args.keys_command == "create":
        key, record = keys.create_key(store, name=args.name, now=now)
        print(key)
        print(
            f"created key {record.prefix}… ({record.name}); it is shown only now", file=sys.stderr
        )
        return 0
    if args.keys_command == "list":
        for record in sorted(store.list_keys(), key=lambda r: r.created_at):
            state = f"revoked {record.revoked_at:%Y-%m-%d %H:%M}" if record.revoked_at else "active"
            print(
                f"{record.key_hash}  {record.prefix}…  {record.name:<20}  {record.created_at:%Y-%m-%d %H:%M}  {state}"
            )
        return 0
    if keys.revoke_key(store, args.key, now=now):
        print("revoked", file=sys.stderr)
        return 0
    print("contentfeed: no such key", file=sys.stderr)
    return 1


def _sink(args: argparse.Namespace, *, writes: bool) -> Sink:
    from contentfeed.config import ConfigError
    from contentfeed_cli.tools.sink import ApiSink, TableSink

    site_url = getattr(args, "site_url", None)
    try:
        if args.api:
            if writes and not args.key:
                raise SystemExit(
                    "contentfeed: give the write key with --key or $CONTENTFEED_API_KEY"
                )
            return ApiSink(args.api, key=args.key, site_url=site_url)
        if not args.table:
            raise SystemExit(
                "contentfeed: name a running API with --api, or a table with --table or $TABLE_NAME"
            )
        return TableSink(_store(args), site_url=site_url or os.environ.get("SITE_URL"))
    except (ConfigError, ValueError) as error:
        raise SystemExit(f"contentfeed: {error}") from None


def _tool(args: argparse.Namespace) -> int:
    from contentfeed_cli.tools.report import Report

    if args.command == "publish":
        from contentfeed_cli.tools.publish import publish

        return publish(args.path, _sink(args, writes=True), Report("publish"))
    if args.command == "import":
        from contentfeed_cli.tools.importer import run_import

        return run_import(args.source, _sink(args, writes=True), Report("import"))
    from contentfeed_cli.tools.export import export

    return export(_sink(args, writes=False), args.output, Report("export"))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from contentfeed_cli.local.server import ServeOptions, serve

        serve(
            ServeOptions(
                host=args.host,
                port=args.port,
                seed=not args.no_seed,
                table_name=args.table,
                endpoint_url=args.endpoint_url,
                profile=args.profile,
                template=args.template,
            )
        )
        return 0
    if args.command == "keys":
        return _keys(args)
    if args.command in ("publish", "import", "export"):
        return _tool(args)
    return 2  # pragma: no cover (argparse rejects unknown commands)


if __name__ == "__main__":
    raise SystemExit(main())
