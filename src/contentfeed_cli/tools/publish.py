"""``contentfeed publish PATH``: Markdown files with front matter, published as articles.

A file without an ``id`` gets one, written into its front matter before it is published, so
that publishing it again (after editing the title, the slug, anything) updates the same article
instead of creating another. Files that did not change since the last run are left alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from contentfeed_cli.tools.frontmatter import FrontMatterError, parse, write_id
from contentfeed_cli.tools.report import Report
from contentfeed_cli.tools.sink import ItemFailed, RunAborted, Sink
from contentfeed_cli.tools.sync import sync


def markdown_files(path: Path) -> list[Path]:
    """``path`` itself, or every ``*.md`` under it (hidden folders skipped), in sorted order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise RunAborted(f"{path}: no such file or folder")
    files = sorted(
        file
        for file in path.rglob("*.md")
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
    )
    if not files:
        raise RunAborted(f"{path}: no .md files found (hidden folders are skipped)")
    return files


def _name(file: Path) -> str:
    """The file as the user would type it: relative to the current folder when inside it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


class Publisher:
    def __init__(
        self, sink: Sink, report: Report, *, new_id: Callable[[], str] = lambda: str(uuid.uuid4())
    ) -> None:
        self.sink = sink
        self.report = report
        self.new_id = new_id
        self.owners: dict[str, str] = {}
        """Which file each id came from in this run: a copied file must not overwrite its twin."""

    def run(self, path: Path) -> int:
        try:
            files = markdown_files(path)
            site_url = self.sink.site_url()
            if site_url is None:
                raise RunAborted(
                    "publishing needs the site URL (article URLs default to SITE/slug): "
                    "pass --site-url or set $SITE_URL"
                )
        except RunAborted as error:  # nothing started: the one line says it all
            self.report.abort(str(error))
            return self.report.exit_code
        self.report.start(len(files))
        try:
            for file in files:
                self.publish(file, site_url)
        except RunAborted as error:
            self.report.abort(str(error))
        return self.report.finish()

    def publish(self, file: Path, site_url: str) -> None:
        name = _name(file)
        try:
            with file.open(encoding="utf-8", newline="") as handle:
                document = parse(handle.read(), site_url=site_url, new_id=self.new_id())
        except FrontMatterError as error:
            self.report.failed(name, [f"{name}:{i.line}: {i.message}" for i in error.issues])
            return
        except (OSError, UnicodeDecodeError) as error:
            self.report.failed(name, [f"{name}: {error}"])
            return
        owner = self.owners.setdefault(document.article_id, name)
        if owner != name:
            self.report.failed(
                name,
                [
                    f"{name}:{document.id_line}: id {document.article_id} is also the id of "
                    f"{owner}; delete this line to give the file an id of its own"
                ],
            )
            return
        if document.id_is_new:
            try:
                write_id(file, document.article_id)
            except OSError as error:
                self.report.failed(name, [f"{name}: cannot write its new id into it: {error}"])
                return
            self.report.note(
                f"{name}: wrote `id: {document.article_id}` into its front matter; "
                "publishing it again updates the same article"
            )
        try:
            outcome, changed = sync(self.sink, document.article_id, document.article)
        except ItemFailed as error:
            self.report.failed(name, [f"{name}: {error}"])
            return
        self.report.item(name, outcome, ", ".join(changed))


def publish(path: Path, sink: Sink, report: Report) -> int:
    """Publish a file or a folder; the exit code is 1 when any file failed."""
    return Publisher(sink, report).run(path)
