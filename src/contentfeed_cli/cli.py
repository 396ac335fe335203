"""The ``contentfeed`` command: ``serve``, ``keys``, ``publish``, ``import`` and ``export``.

Only argument wiring and the translation of errors into one line each live here; the tools are
in ``contentfeed_cli.tools``. Exit status: 0 done, 1 something failed (a refused key, a server
that is down, an unknown table, items that could not be written), 2 the command cannot run as
given (a bad option, a missing table, key, region or credentials).
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from contentfeed import __version__
from contentfeed_cli.errors import USAGE_ERROR, CliError, storage_problem

if TYPE_CHECKING:
    from contentfeed.dal import Store
    from contentfeed_cli.tools.sink import Sink

DESCRIPTION = """\
contentfeed: a content-feed service (RSS 2.0, Atom 1.0, JSON Feed 1.1) on your laptop or AWS.

  contentfeed serve                      run the API and feeds on http://127.0.0.1:3000
  contentfeed keys create --table T      make a write key for a deployed table
  contentfeed keys create --server URL   ... or for a running `contentfeed serve`
  contentfeed publish posts/             publish Markdown files (YAML front matter)
  contentfeed import https://old.blog/feed  move an existing RSS, Atom or JSON Feed in
  contentfeed export -o backup.jsonl     every article as JSON lines

Run `contentfeed COMMAND --help` for the options of each command.
"""

TARGET_HELP = """\
Where to write: a running contentfeed with --api URL (and the write key in $CONTENTFEED_API_KEY
or --key), or straight into a DynamoDB table with --table (plus --region/--profile for AWS, or
--endpoint-url for DynamoDB Local or a moto server, which accept any credentials, e.g.
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test).
"""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _table_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("table (instead of --api)")
    group.add_argument(
        "--table",
        default=os.environ.get("TABLE_NAME"),
        help="the DynamoDB table, e.g. the stack output TableName (default: $TABLE_NAME)",
    )
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=os.environ.get("DYNAMODB_ENDPOINT_URL"),
        help="a DynamoDB other than AWS: DynamoDB Local or a moto server "
        "(default: $DYNAMODB_ENDPOINT_URL)",
    )
    group.add_argument("--profile", default=None, help="the AWS profile to use")
    group.add_argument(
        "--region", default=None, help="the AWS region (default: $AWS_DEFAULT_REGION)"
    )


def _key_table_options(parser: argparse.ArgumentParser) -> None:
    """A deployed table (``--table``…), or the embedded one of a running ``contentfeed serve``."""
    parser.add_argument(
        "--server",
        metavar="URL",
        help="the table of a running `contentfeed serve` with its embedded DynamoDB, e.g. "
        "http://127.0.0.1:3000 (no credentials needed; from this machine only)",
    )
    _table_options(parser)


def _target_options(parser: argparse.ArgumentParser, *, site: bool) -> None:
    """Where a tool writes or reads: a running API (``--api``), else a table (``--table``)."""
    group = parser.add_argument_group("a running API")
    group.add_argument(
        "--api", metavar="URL", help="a running contentfeed, e.g. http://127.0.0.1:3000"
    )
    group.add_argument(
        "--key",
        default=os.environ.get("CONTENTFEED_API_KEY"),
        help="its write key (default: $CONTENTFEED_API_KEY, which keeps it off the command line)",
    )
    if site:
        parser.add_argument(
            "--site-url",
            metavar="URL",
            help="the site articles live on, for default URLs and relative links "
            "(default: $SITE_URL with --table; what the API's /feed.json says with --api)",
        )
    _table_options(parser)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error of the command (argparse
    prints the usage synopsis first); subcommands' parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"contentfeed: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="contentfeed", description=DESCRIPTION, formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"contentfeed {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the API and feeds on this machine",
        description="Serve the API, the feeds and the docs on this machine, with the routes and "
        "the authorizer of template.yaml. The data lives in an embedded DynamoDB unless "
        "--endpoint-url or --profile names another one.",
        formatter_class=_formatter,
    )
    serve.add_argument(
        "--host", default=os.environ.get("HOST", "127.0.0.1"), help="address (default: $HOST)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "3000")),
        help="port, 0 for any free one (default: $PORT or 3000)",
    )
    serve.add_argument("--no-seed", action="store_true", help="start without the sample articles")
    serve.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        default=None,
        help="keep the embedded table in DIR across restarts (default: in memory, gone when "
        "the server stops); every write is on disk before the next request",
    )
    serve.add_argument("--table", default="contentfeed-local", help="the table to serve")
    serve.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=None,
        help="use this DynamoDB (DynamoDB Local, a moto server) instead of the embedded one",
    )
    serve.add_argument("--profile", default=None, help="use the real DynamoDB of this AWS profile")
    serve.add_argument(
        "--template",
        type=Path,
        default=None,
        help="the SAM template to read routes from (default: the nearest template.yaml upwards)",
    )

    keys = commands.add_parser(
        "keys",
        help="create, list and revoke write keys",
        description="Manage the write keys of a table. A key is shown once, when it is created; "
        "the table keeps only its hash.",
        formatter_class=_formatter,
    )
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser(
        "create", help="make a new key (shown once)", formatter_class=_formatter
    )
    create.add_argument("--name", default="cli", help="who or what the key is for")
    _key_table_options(create)
    listing = key_commands.add_parser(
        "list", help="list keys (their hashes, never the keys)", formatter_class=_formatter
    )
    _key_table_options(listing)
    revoke = key_commands.add_parser(
        "revoke", help="revoke a key, by the key or its hash", formatter_class=_formatter
    )
    revoke.add_argument("key", help="the key, or the hash `keys list` shows")
    _key_table_options(revoke)

    publish = commands.add_parser(
        "publish",
        help="publish Markdown files with YAML front matter",
        description="Publish a Markdown file, or every .md file under a folder. A file without "
        "an `id:` gets one written into its front matter, so publishing it again updates the "
        "same article; unchanged files are left alone. docs/publishing.md has the front matter.\n\n"
        + TARGET_HELP,
        formatter_class=_formatter,
    )
    publish.add_argument("path", type=Path, help="a .md file, or a folder of them (recursive)")
    _target_options(publish, site=True)

    migrate = commands.add_parser(
        "import",
        help="import an RSS, Atom or JSON Feed (file or URL), or an export",
        description="Import every entry of an RSS 2.0, RSS 1.0, Atom or JSON Feed (1.0, 1.1) "
        "file or URL, or a .jsonl file from `contentfeed export`. Entries keep their ids, dates, "
        "authors and tags; whatever an entry loses on the way in is reported. Running it again "
        "updates the same articles.\n\n" + TARGET_HELP,
        formatter_class=_formatter,
    )
    migrate.add_argument("source", help="a feed file, an http(s) feed URL, or FILE.jsonl")
    migrate.add_argument(
        "--strict",
        action="store_true",
        help="any loss (an embed, an element, an enclosure, a tag, an entry skipped or refused) "
        "is an error: then nothing is written",
    )
    migrate.add_argument(
        "--show",
        metavar="SLUG",
        help="a podcast: create or update the show SLUG from the channel's iTunes fields, and "
        "make every entry one of its episodes",
    )
    network = migrate.add_argument_group("fetching a URL")
    network.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up fetching after this long in all (default: 60)",
    )
    network.add_argument(
        "--follow-redirects",
        action="store_true",
        help="follow redirects to other hosts (by default only redirects to the same host)",
    )
    network.add_argument(
        "--allow-private",
        action="store_true",
        help="allow private, loopback and link-local addresses the URL did not name literally",
    )
    _target_options(migrate, site=True)

    export = commands.add_parser(
        "export",
        help="write every article as JSON lines",
        description="Write every article as JSON lines, the format `contentfeed import` reads. "
        "From a table: every article, drafts and scheduled ones included. From --api: what "
        "GET /articles lists.\n\n" + TARGET_HELP,
        formatter_class=_formatter,
    )
    export.add_argument(
        "--output", "-o", type=Path, default=None, help="file to write (default: stdout)"
    )
    _target_options(export, site=False)
    return parser


def _store(args: argparse.Namespace) -> Store:
    """The table named on the command line, with a client that gives up on a dead endpoint in
    seconds (a command line is waited on; the Lambda functions keep botocore's defaults)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    from contentfeed.dal import Store

    if not args.table:
        raise CliError("name the table with --table or $TABLE_NAME", USAGE_ERROR)
    try:
        session = boto3.Session(profile_name=args.profile, region_name=args.region)
    except ProfileNotFound as error:
        raise CliError(f"{error}: see `aws configure list-profiles`", USAGE_ERROR) from None
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
    client = session.client("dynamodb", endpoint_url=args.endpoint_url or None, config=config)
    return Store(args.table, client=client)


def _local_store(args: argparse.Namespace) -> Store:
    """The table of a running ``contentfeed serve``, through the DynamoDB API it answers.

    The server answers any signature with its own table, so the client sends none; the table is
    the one given with --table if the server has it, else the server's only table.
    """
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    from contentfeed.dal import Store

    config = Config(
        signature_version=UNSIGNED, connect_timeout=5, read_timeout=30, retries={"max_attempts": 1}
    )
    url = args.server.rstrip("/")
    client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1", config=config)
    try:
        tables = client.list_tables().get("TableNames", [])
    except (BotoCoreError, ClientError):
        raise CliError(
            f"no contentfeed server with an embedded table answers at {url}: start one with "
            "`contentfeed serve`, or give its URL as printed"
        ) from None
    if args.table in tables:
        return Store(args.table, client=client)
    if len(tables) == 1:
        return Store(tables[0], client=client)
    raise CliError(
        f"name one of the server's tables with --table: {', '.join(tables)}", USAGE_ERROR
    )


def _keys(args: argparse.Namespace) -> int:
    from contentfeed.logic import keys

    store = _local_store(args) if args.server else _store(args)
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
    raise CliError("no such key: give the key itself or a hash from `contentfeed keys list`")


def _sink(args: argparse.Namespace, *, writes: bool) -> Sink:
    from contentfeed.config import ConfigError
    from contentfeed_cli.tools.sink import ApiSink, TableSink

    site_url = getattr(args, "site_url", None)
    try:
        if args.api:
            if writes and not args.key:
                raise CliError("give the write key with --key or $CONTENTFEED_API_KEY", USAGE_ERROR)
            return ApiSink(args.api, key=args.key, site_url=site_url)
        if not args.table:
            raise CliError(
                "name a running API with --api, or a table with --table or $TABLE_NAME",
                USAGE_ERROR,
            )
        site_url = site_url or os.environ.get("SITE_URL")
        if args.command == "publish" and not site_url:  # a table cannot tell it, unlike an API
            raise CliError(
                "publishing to a table needs the site URL (article URLs default to SITE/slug): "
                "pass --site-url or set $SITE_URL",
                USAGE_ERROR,
            )
        return TableSink(_store(args), site_url=site_url, endpoint=args.endpoint_url)
    except (ConfigError, ValueError) as error:
        raise CliError(str(error), USAGE_ERROR) from None


def _tool(args: argparse.Namespace) -> int:
    from contentfeed_cli.tools.report import Report
    from contentfeed_cli.tools.sink import RunAborted

    sink = _sink(args, writes=args.command != "export")
    try:
        sink.check(writes=args.command != "export")
    except RunAborted as error:
        raise CliError(str(error)) from None
    if args.command == "publish":
        from contentfeed_cli.tools.publish import publish

        return publish(args.path, sink, Report("publish"))
    if args.command == "import":
        from contentfeed_cli.tools.fetch import FetchPolicy
        from contentfeed_cli.tools.importer import ImportOptions, run_import

        if args.show is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.show):
            raise CliError(
                f"--show {args.show!r}: a show's slug is lower-case words joined by hyphens",
                USAGE_ERROR,
            )
        options = ImportOptions(
            show=args.show,
            strict=args.strict,
            fetch=FetchPolicy(
                timeout=args.timeout,
                follow_redirects=args.follow_redirects,
                allow_private=args.allow_private,
            ),
        )
        return run_import(args.source, sink, Report("import"), options)
    from contentfeed_cli.tools.export import export

    return export(sink, args.output, Report("export"))


def _serve(args: argparse.Namespace) -> int:
    from contentfeed_cli.local.server import ServeOptions, serve

    try:
        serve(
            ServeOptions(
                host=args.host,
                port=args.port,
                seed=not args.no_seed,
                table_name=args.table,
                endpoint_url=args.endpoint_url,
                profile=args.profile,
                template=args.template,
                data_dir=args.data,
            )
        )
    except ValueError as error:
        raise CliError(str(error), USAGE_ERROR) from None
    except FileNotFoundError as error:
        raise CliError(
            f"{error.args[-1] if error.args else error}: run it inside the project, "
            "or pass --template FILE",
            USAGE_ERROR,
        ) from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {args.port} on {args.host} is already in use: stop what runs there, "
                "or pass --port (or set PORT; 0 picks a free one)"
            ) from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise CliError(
                f"cannot listen on {args.host}: no such address here", USAGE_ERROR
            ) from None
        raise
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return _serve(args)
    if args.command == "keys":
        return _keys(args)
    return _tool(args)


def main(argv: Sequence[str] | None = None) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from contentfeed.errors import StorageMisconfigured, StorageUnavailable

    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except CliError as error:
        problem = error
    except (StorageMisconfigured, StorageUnavailable, BotoCoreError, ClientError) as error:
        problem = storage_problem(
            error,
            table=getattr(args, "table", None) or "",
            endpoint=getattr(args, "endpoint_url", None),
        )
    except KeyboardInterrupt:
        print("contentfeed: interrupted", file=sys.stderr)
        return 130
    print(f"contentfeed: {problem}", file=sys.stderr)
    return problem.code


if __name__ == "__main__":
    raise SystemExit(main())
