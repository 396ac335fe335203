"""Where the tools write: a running API (:class:`ApiSink`) or a DynamoDB table (:class:`TableSink`).

Both keep articles by id and speak the shape of :func:`contentfeed.logic.articles.as_input`:
``get`` answers the stored article in that shape (``None`` when there is none, or it was
deleted), ``put`` creates or replaces it with a plain PUT (the last writer wins, as a CMS sync
expects), ``records`` lists articles for an export.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from email.message import Message
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from contentfeed import __version__
from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.errors import ContentFeedError, StorageMisconfigured, StorageUnavailable
from contentfeed.http import media
from contentfeed.logic.articles import Preconditions, as_input, export_document, replace_article
from contentfeed.models import Article
from contentfeed.models.api import ArticleIn, ShowIn
from contentfeed.rendering.identity import entry_id

USER_AGENT = f"contentfeed-cli/{__version__}"
OUTPUT_FIELDS = ("id", "created_at", "updated_at", "version")
"""What an export line holds besides the input fields; an import ignores them but ``id``."""
RETRIES = 3
"""Attempts of a request the API answers 429 or 503 (it says when to come back)."""


def _utf8_json(body: Any) -> bytes:
    """``body`` as UTF-8 JSON, not ``\\u`` escapes, which would make a CJK article's request
    twice its size; escaped when it holds a lone surrogate, which only escapes can carry (the
    API then says it is not text)."""
    try:
        return json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(body).encode()


class ItemFailed(Exception):
    """One article could not be written; the run goes on with the next."""


class RunAborted(Exception):
    """Nothing more can succeed (the API is unreachable, the key is refused): the run stops."""


class Sink(Protocol):
    def check(self, *, writes: bool) -> None:
        """Before any work: one request that proves the target is there and, for ``writes``,
        that it takes the key; :class:`RunAborted` (or a storage error) when not."""
        ...

    def site_url(self) -> str | None:
        """The site the articles live on (default article URLs are ``{site}/{slug}``)."""
        ...

    def get(self, article_id: str) -> dict[str, Any] | None: ...

    def put(self, article_id: str, article: ArticleIn) -> bool:
        """Create or replace; True when it created the article."""
        ...

    def records(self) -> Iterator[dict[str, Any]]:
        """Every article as an export line: ``id``, the input fields, timestamps, ``version``."""
        ...

    def get_show(self, slug: str) -> dict[str, Any] | None:
        """The show in ``ShowIn``'s shape (``None`` when there is none)."""
        ...

    def put_show(self, slug: str, show: ShowIn) -> bool:
        """Create or replace a show; True when it created it."""
        ...


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


# ---------------------------------------------------------------------- API


def api_document(body: Mapping[str, Any]) -> dict[str, Any]:
    """An ``ArticleOut`` answer in ``as_input``'s shape.

    The API always shows a ``guid``: the one the article was given, or one derived from its id.
    A derived one is dropped, as ``as_input`` has none for such an article.
    """
    document: dict[str, Any] = without_nulls(
        {k: v for k, v in body.items() if k not in (*OUTPUT_FIELDS, "links")}
    )
    if document.get("guid") == entry_id(str(body["id"])):
        del document["guid"]
    return document


def _problem_text(status: int, payload: bytes) -> str:
    try:
        problem = json.loads(payload)
    except ValueError:
        return f"HTTP {status}"
    if not isinstance(problem, dict):
        return f"HTTP {status}"
    text = f"{status} {problem.get('title', '')}: {problem.get('detail', '')}".rstrip(": ")
    for issue in problem.get("errors") or []:
        text += f"; {issue.get('field')}: {issue.get('message')}"
    return text


def _retry_after(headers: Message) -> float:
    try:
        return min(float(headers.get("Retry-After", "1")), 30.0)
    except ValueError:
        return 1.0


class ApiSink:
    """A running contentfeed API, spoken to over HTTP with a write key."""

    def __init__(
        self, base_url: str, *, key: str | None, site_url: str | None = None, timeout: float = 30
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--api must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._site_url = site_url.rstrip("/") if site_url else None
        self._timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        data = None if body is None else _utf8_json(body)
        headers = {"Accept": media.JSON, "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = media.JSON
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        # The scheme was checked in __init__: http or https only.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path, data=data, method=method, headers=headers
        )
        for attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                    return int(response.status), response.read()
            except urllib.error.HTTPError as error:
                if error.code in (429, 503) and attempt + 1 < RETRIES:
                    time.sleep(_retry_after(error.headers))
                    continue
                return error.code, error.read()
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise RunAborted(f"cannot reach the API at {self.base_url}: {reason}") from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _failure(self, status: int, payload: bytes) -> Exception:
        text = _problem_text(status, payload)
        if status in (401, 403):
            return RunAborted(f"the API refused the key: {text}")
        if status >= 500 and b"/storage-misconfigured" in payload:
            # No retry and no other item will get past it: stop instead of failing each one.
            return RunAborted(
                f"the API at {self.base_url} cannot use its storage ({text}); "
                "its configuration needs fixing"
            )
        return ItemFailed(text)

    def check(self, *, writes: bool) -> None:
        """``POST /articles`` with an empty body when writing: a good key gets 422 (nothing is
        written; the authorizer runs before validation), a refused one 401. ``GET /articles``
        when only reading. Anything else is not a contentfeed API."""
        method, path = ("POST", "/articles") if writes else ("GET", "/articles?limit=1")
        status, payload = self._call(method, path, {} if writes else None)
        if status in (401, 403):
            raise RunAborted(
                f"the API at {self.base_url} refused the key ({_problem_text(status, payload)}): "
                "check --key or $CONTENTFEED_API_KEY"
            )
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        expected = (422,) if writes else (200,)
        looks_right = isinstance(answer, dict) and (
            "items" in answer if not writes else str(answer.get("type", "")).startswith("http")
        )
        if status not in expected or not looks_right:
            raise RunAborted(
                f"{self.base_url} does not look like a contentfeed API ({method} /articles "
                f"answered {status}): check --api"
            )

    def site_url(self) -> str | None:
        """``--site-url`` when given, else the site the API's JSON Feed names as its home page."""
        if self._site_url is None:
            status, payload = self._call("GET", "/feed.json")
            try:
                home = json.loads(payload)["home_page_url"] if status == 200 else None
            except (ValueError, KeyError, TypeError):
                home = None
            if not isinstance(home, str) or not home:
                raise RunAborted(
                    f"cannot learn the site URL from {self.base_url}/feed.json; pass --site-url"
                )
            self._site_url = home.rstrip("/")
        return self._site_url

    def get(self, article_id: str) -> dict[str, Any] | None:
        status, payload = self._call("GET", f"/articles/{quote(article_id, safe='')}")
        if status in (404, 410):
            return None
        if status != 200:
            raise self._failure(status, payload)
        return api_document(json.loads(payload))

    def put(self, article_id: str, article: ArticleIn) -> bool:
        body = article.model_dump(mode="json", exclude_none=True)
        status, payload = self._call("PUT", f"/articles/{quote(article_id, safe='')}", body)
        if status not in (200, 201):
            raise self._failure(status, payload)
        return status == 201

    def records(self) -> Iterator[dict[str, Any]]:
        """Published, due articles, newest first: all ``GET /articles`` shows (no drafts)."""
        cursor: str | None = None
        while True:
            query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            status, payload = self._call("GET", "/articles?" + urlencode(query))
            if status != 200:
                raise RunAborted(f"listing articles failed: {_problem_text(status, payload)}")
            page = json.loads(payload)
            for body in page["items"]:
                # The API's own document (logic.output_document) in export_document's shape.
                yield {
                    "id": body["id"],
                    **api_document(body),
                    **{name: body[name] for name in ("created_at", "updated_at", "version")},
                }
            cursor = page.get("cursor")
            if not cursor:
                return

    def get_show(self, slug: str) -> dict[str, Any] | None:
        status, payload = self._call("GET", f"/shows/{quote(slug, safe='')}")
        if status in (404, 410):
            return None
        if status != 200:
            raise self._failure(status, payload)
        return show_document(json.loads(payload))

    def put_show(self, slug: str, show: ShowIn) -> bool:
        body = show.model_dump(mode="json", exclude_none=True)
        status, payload = self._call("PUT", f"/shows/{quote(slug, safe='')}", body)
        if status not in (200, 201):
            raise self._failure(status, payload)
        return status == 201


def show_document(show: Mapping[str, Any]) -> dict[str, Any]:
    """A show (as the API answers it, or as a stored ``Show`` made plain) in ``ShowIn``'s shape."""
    document: dict[str, Any] = without_nulls(
        {k: v for k, v in show.items() if k in ShowIn.model_fields}
    )
    return document


# -------------------------------------------------------------------- table


def _now() -> datetime:
    return datetime.now(UTC)


class TableSink:
    """The table itself, through the same logic the API runs (``replace_article``).

    Writes made here reach the feeds and the WebSub push like API writes: both read the table
    and its stream.
    """

    def __init__(
        self,
        store: Store,
        *,
        site_url: str | None,
        clock: Callable[[], datetime] = _now,
        endpoint: str | None = None,
    ) -> None:
        self._store = store
        self._endpoint = endpoint
        self._site_url = site_url.rstrip("/") if site_url else None
        # Without a site URL the placeholder is never used: put() refuses articles without url.
        self._settings = Settings.from_env(
            {"TABLE_NAME": store.table_name, "SITE_URL": self._site_url or "https://example.com"}
        )
        self._clock = clock

    def check(self, *, writes: bool) -> None:
        """One ``GetItem`` (of an article that cannot exist): the region, the credentials, the
        endpoint and the table are all found wrong here, before any work, as one error."""
        self._store.get_record("contentfeed-cli-check")

    def _stop(self, error: Exception) -> RunAborted:
        """A storage error no other item can get past: the run stops (never one line per item)."""
        from contentfeed_cli.errors import storage_problem

        problem = storage_problem(error, table=self._store.table_name, endpoint=self._endpoint)
        return RunAborted(str(problem))

    def site_url(self) -> str | None:
        return self._site_url

    def get(self, article_id: str) -> dict[str, Any] | None:
        try:
            record = self._store.get_record(article_id, consistent=True)
        except (StorageMisconfigured, StorageUnavailable) as error:
            raise self._stop(error) from error
        except ContentFeedError as error:
            raise ItemFailed(f"{error.title}: {error.detail}") from error
        except ClientError as error:
            raise self._stop(error) from error
        return as_input(record) if isinstance(record, Article) else None

    def put(self, article_id: str, article: ArticleIn) -> bool:
        if article.url is None and self._site_url is None:
            raise ItemFailed(
                "it has no url, and its default needs the site URL: pass --site-url or set $SITE_URL"
            )
        try:
            _, created = replace_article(
                self._store,
                self._settings,
                article_id,
                article,
                preconditions=Preconditions(),
                now=self._clock(),
            )
        except StorageMisconfigured as error:
            raise self._stop(error) from error
        except StorageUnavailable as error:
            if isinstance(error.__cause__, BotoCoreError):  # unreachable, not merely busy
                raise self._stop(error) from error
            raise ItemFailed(f"{error.title}: {error.detail}") from error
        except ContentFeedError as error:
            details = "".join(f"; {i.field}: {i.message}" for i in error.issues)
            raise ItemFailed(f"{error.title}: {error.detail}{details}") from error
        except ClientError as error:
            raise self._stop(error) from error
        return created

    def records(self) -> Iterator[dict[str, Any]]:
        """Every article, drafts and scheduled ones included (``Store.scan_articles``)."""
        try:
            for article in self._store.scan_articles():
                yield export_document(article)
        except (StorageMisconfigured, StorageUnavailable, ClientError, BotoCoreError) as error:
            raise self._stop(error) from error
        except ContentFeedError as error:
            raise RunAborted(f"DynamoDB: {error.detail}") from error

    def get_show(self, slug: str) -> dict[str, Any] | None:
        try:
            show = self._store.get_show(slug, consistent=True)
        except (StorageMisconfigured, StorageUnavailable, ClientError) as error:
            raise self._stop(error) from error
        return (
            None
            if show is None
            else show_document(json.loads(json.dumps(asdict(show), default=str)))
        )

    def put_show(self, slug: str, show: ShowIn) -> bool:
        from contentfeed.logic import shows

        try:
            _, created = shows.put_show(
                self._store,
                self._settings,
                slug,
                show,
                base=self._settings.public_base_url or self._settings.site_url,
                preconditions=Preconditions(),
                now=self._clock(),
            )
        except StorageMisconfigured as error:
            raise self._stop(error) from error
        except ContentFeedError as error:
            details = "".join(f"; {i.field}: {i.message}" for i in error.issues)
            raise ItemFailed(f"{error.title}: {error.detail}{details}") from error
        return created
