"""Markdown files with YAML front matter, turned into the API's input model.

A file starts with a ``---`` line, then YAML, then another ``---`` line, then Markdown::

    ---
    id: 5f0b6c1e-…          # written by `contentfeed publish` the first time
    title: Hello
    published_at: 2026-11-20T09:30:00+10:00
    ---
    The *body*, in Markdown.

Every problem names the line of the file it is on; the keys are listed in docs/publishing.md.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import markdown
import yaml
from pydantic import TypeAdapter, ValidationError

from contentfeed.logic.articles import Kept, derive_defaults
from contentfeed.models.api import ArticleId, ArticleIn
from contentfeed.rendering.html import absolute_url, absolutize
from contentfeed.text import slugify

KEYS = frozenset(
    {
        "title", "slug", "id", "guid", "tags", "authors", "contributors", "image",
        "published_at", "date", "status", "summary", "url", "language",
    }
)  # fmt: skip
HINTS = {
    "author": "use authors",
    "categories": "use tags",
    "cover": "use image",
    "description": "use summary",
    "draft": "use status: draft",
    "excerpt": "use summary",
    "feature_image": "use image",
    "lang": "use language",
    "permalink": "use url",
}
"""Keys other generators use, and ours for the same thing."""
MARKDOWN_EXTENSIONS = ("extra", "sane_lists", "smarty")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MARKUP = frozenset("&<>\"'")
_IDS: TypeAdapter[str] = TypeAdapter(ArticleId)
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    line: int
    message: str


class FrontMatterError(Exception):
    """What is wrong with a file, each problem with its line."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"line {i.line}: {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True, slots=True)
class Document:
    article: ArticleIn
    article_id: str
    id_is_new: bool
    """The file had no ``id``: the caller writes ``article_id`` back (see :func:`write_id`)."""
    id_line: int


def render_markdown(text: str) -> str:
    """Markdown to HTML, with typographic quotes and dashes as characters, not entities.

    ``smarty`` (and ``footnotes``) write ``&ldquo;``, ``&#8617;`` and the like; every character
    reference is replaced by its character except the five that markup needs escaped.
    """
    html = markdown.markdown(text, extensions=list(MARKDOWN_EXTENSIONS), output_format="html")

    def character(match: re.Match[str]) -> str:
        text = unescape(match[0])
        return match[0] if text in _MARKUP or text == match[0] else text

    return _ENTITY.sub(character, html)


def _split(text: str) -> tuple[str, str]:
    """(the YAML between the fences, the Markdown body after them)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError([Issue(1, "no front matter: the file must start with a '---' line")])
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise FrontMatterError([Issue(1, "the front matter is not closed: end it with a '---' line")])


def _line(mark: yaml.Mark | None) -> int:
    """A file line from a mark in the YAML (which starts on the file's second line)."""
    return 2 if mark is None else mark.line + 2


def _compose(source: str) -> yaml.MappingNode:
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise FrontMatterError([Issue(_line(error.problem_mark), f"YAML: {problem}")]) from None
    if node is None:
        return yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            [Issue(_line(node.start_mark), "the front matter must be key: value lines")]
        )
    return node


def _node_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    """The line of every value in the front matter, by its path (``("authors", 1, "email")``)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines.setdefault(child, _line(key.start_mark))
            _node_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            lines[(*path, index)] = _line(value.start_mark)
            _node_lines(value, (*path, index), lines)


def _read(source: str) -> tuple[dict[str, Any], dict[FieldPath, int], list[Issue]]:
    """The top-level values, the line of every value, and problems with keys or values."""
    root = _compose(source)
    loader = yaml.SafeLoader(source)
    values: dict[str, Any] = {}
    lines: dict[FieldPath, int] = {}
    issues: list[Issue] = []
    for key_node, value_node in root.value:
        key, line = str(key_node.value), _line(key_node.start_mark)
        if (key,) in lines:
            issues.append(Issue(line, f"'{key}' is given twice (first on line {lines[(key,)]})"))
            continue
        lines[(key,)] = line
        if key not in KEYS:
            hint = f" ({HINTS[key]})" if key in HINTS else ""
            issues.append(Issue(line, f"unknown key '{key}'{hint}"))
            continue
        _node_lines(value_node, (key,), lines)
        try:
            values[key] = loader.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError) as error:
            issues.append(Issue(line, f"{key}: {error}"))
    loader.dispose()
    return values, lines, issues


def _timestamp(value: Any, key: str, line: int, issues: list[Issue]) -> Any:
    """YAML's own datetimes as RFC 3339 text; a date alone means midnight UTC."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            example = f"{value:%Y-%m-%dT%H:%M:%S}"
            issues.append(
                Issue(
                    line,
                    f"{key} has no UTC offset: add one, e.g. {example}+02:00 ({example}Z for UTC)",
                )
            )
            return None
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).isoformat()
    return value


def _as_text(value: Any, key: str, line: int, issues: list[Issue]) -> Any:
    if isinstance(value, bool):
        issues.append(
            Issue(line, f"{key}: write it in quotes (YAML reads yes, no, on, off as true/false)")
        )
        return None
    return str(value) if isinstance(value, int | float) else value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | dict) else value


def _people(value: Any) -> Any:
    """Names alone (``authors: [Ana Lima]``) or mappings (``{name, email, url}``)."""
    value = _as_list(value)
    if not isinstance(value, list):
        return value
    return [{"name": item} if isinstance(item, str) else item for item in value]


def _article_url(values: Mapping[str, Any], *, site_url: str, article_id: str) -> str:
    """Where the article will live: its ``url``, else ``{site_url}/{slug}`` as the service derives it."""
    url = values.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return url
    defaults = derive_defaults(
        title=str(values.get("title") or ""),
        slug=slugify(str(values.get("slug") or "")),
        url=None,
        published_at=None,
        guid=None,
        article_id=article_id,
        kept=Kept(),
        site_url=site_url,
        now=datetime.now(UTC),
    )
    return str(defaults.url)


def _document(
    values: dict[str, Any], lines: dict[FieldPath, int], issues: list[Issue], *, site_url: str
) -> dict[str, Any]:
    """The ``ArticleIn`` document the front matter describes (before the body is added)."""
    document: dict[str, Any] = {}
    for key, value in values.items():
        line = lines[(key,)]
        field = "published_at" if key == "date" else key
        if field == "published_at":
            value = _timestamp(value, key, line, issues)
        elif key in ("title", "summary", "slug", "guid", "language", "status", "url"):
            value = _as_text(value, key, line, issues)
        elif key == "tags":
            value = _as_list(value)
            if isinstance(value, list):
                value = [
                    str(t) if isinstance(t, int | float) and not isinstance(t, bool) else t
                    for t in value
                ]
        elif key in ("authors", "contributors"):
            value = _people(value)
        elif key == "image" and isinstance(value, str):
            value = {"url": value}
        if value is not None:
            document[field] = value
    if isinstance(document.get("url"), str):
        document["url"] = absolute_url(document["url"], site_url + "/")
    image = document.get("image")
    if isinstance(image, dict) and isinstance(image.get("url"), str):
        base = _article_url(document, site_url=site_url, article_id="")
        document["image"] = {**image, "url": absolute_url(image["url"], base)}
    return document


def _validation_issues(
    error: ValidationError, lines: Mapping[FieldPath, int], renamed: Mapping[str, str]
) -> list[Issue]:
    issues = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if loc and isinstance(loc[0], str):
            loc = (renamed.get(loc[0], loc[0]), *loc[1:])
        name = ".".join(str(part) for part in loc) or "front matter"
        line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), 1)
        if item["type"] == "missing":
            message = f"{name} is missing"
        elif item["type"] == "timezone_aware":
            message = f"{name} has no UTC offset: add one, e.g. +02:00 or Z"
        else:
            message = f"{name}: {item['msg'].removeprefix('Value error, ')}"
        issues.append(Issue(line, message))
    return issues


def _article_id(
    values: dict[str, Any], lines: Mapping[FieldPath, int], issues: list[Issue], new_id: str
) -> tuple[str, bool]:
    if ("id",) not in lines:
        return new_id, True
    line, value = lines[("id",)], values.pop("id", None)
    if value is None:
        issues.append(Issue(line, "id is empty: delete the line, and publishing writes a new one"))
        return new_id, False
    try:
        return _IDS.validate_python(str(value) if isinstance(value, int) else value), False
    except ValidationError:
        issues.append(
            Issue(
                line,
                "id must be 1-128 letters, digits, '.', '_', '~' or '-', starting with a letter or digit",
            )
        )
        return new_id, False


def parse(text: str, *, site_url: str, new_id: str) -> Document:
    """The article a Markdown file with front matter describes; raises :class:`FrontMatterError`.

    ``new_id`` is the id the article gets when the front matter has none (see
    :attr:`Document.id_is_new`). Relative links and images in the body are made absolute against
    the article's URL: its ``url``, else ``{site_url}/{slug}`` (the slug defaulting to the title's).
    """
    source, body = _split(text.removeprefix("\ufeff"))
    values, lines, issues = _read(source)
    if "date" in values and "published_at" in values:
        issues.append(Issue(lines[("date",)], "give published_at or date, not both"))
    article_id, id_is_new = _article_id(values, lines, issues, new_id)
    document = _document(values, lines, issues, site_url=site_url)
    if body.strip():
        base = _article_url(document, site_url=site_url, article_id=article_id)
        document["content_html"] = absolutize(render_markdown(body), base)
    renamed = {"published_at": "date"} if "date" in values else {}
    try:
        article = ArticleIn.model_validate(document)
    except ValidationError as error:
        issues.extend(_validation_issues(error, lines, renamed))
    if issues:
        raise FrontMatterError(sorted(issues, key=lambda issue: issue.line))
    return Document(article, article_id, id_is_new, lines.get(("id",), 2))


def write_id(path: Path, article_id: str) -> None:
    """Insert ``id: …`` as the first line of the file's front matter; every other byte stays.

    The file is replaced atomically (a new file renamed over it), keeping its permissions.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    first = text.index("\n") + 1
    newline = "\r\n" if text[:first].endswith("\r\n") else "\n"
    updated = f"{text[:first]}id: {article_id}{newline}{text[first:]}"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            handle.write(updated)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
