"""The repository: every DynamoDB call the service makes is a method here.

The client is injectable (tests pass one bound to moto, or a failing one) and otherwise built
lazily on first use, so importing this module costs no client. Each method maps DynamoDB's
failures onto the service's typed errors: a cancelled transaction becomes 409/412, anything that
means "DynamoDB is not answering right now" becomes :class:`StorageUnavailable` (503), and what
no retry fixes (an unknown table, access denied, no credentials) becomes
:class:`StorageMisconfigured` (500).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from contentfeed.dal import items as mapping
from contentfeed.dal import keys
from contentfeed.dal.items import IdempotencyClaim, KeyRecord, Marker
from contentfeed.errors import (
    Conflict,
    PreconditionFailed,
    StorageMisconfigured,
    StorageUnavailable,
)
from contentfeed.models import Article, Status, Tombstone
from contentfeed.models.show import Show
from contentfeed.text import utc_iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

TRANSACTION_ATTEMPTS = 4
PENDING_LOOKAHEAD = 2
"""The most scheduled entries a feed's first ``Query`` reads through rather than jumping over
them with a second ``Query``; also how far it reads ahead for a feed this store has not read
yet, whose pending entries it cannot know."""
PENDING_SCOPES = 1024
"""Feeds whose pending entries a :class:`Store` remembers (the least recently read forgotten
first, and then read ahead for as a feed not read yet)."""


def _to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _from_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


@dataclass(frozen=True, slots=True)
class ScopePage:
    """Due entries of one feed scope, newest first, and where the next page starts."""

    articles: list[Article]
    after: tuple[str, str] | None
    """(published_at as stored, id) of the last article when there are more; else None."""
    marker: Marker | None = None


class IdempotencyKeyTaken(Exception):
    """The claim's key was already taken by an earlier request (nothing was written)."""


class SlugTaken(Conflict):
    """The article's slug is claimed by another article (nothing was written)."""


class GuidTaken(Conflict):
    """The article's guid is the feed id of another article (nothing was written)."""


_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "LimitExceededException",
    }
)


_MISCONFIGURED_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
        "IncompleteSignatureException",
        "ExpiredTokenException",
        "UnknownOperationException",
        "InvalidAction",
    }
)
"""Answers that no retry will change: the table, the credentials or the endpoint are wrong."""
_MISCONFIGURED_ERRORS = (
    NoRegionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)


def _cancellation_codes(exc: ClientError) -> list[str]:
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return []
    reasons = exc.response.get("CancellationReasons", [])
    return [str(reason.get("Code") or "None") for reason in reasons]


@contextmanager
def _storage_errors() -> Iterator[None]:
    """Turn DynamoDB's "not now" answers into StorageUnavailable and its "never" answers into
    StorageMisconfigured; let other errors through."""
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _MISCONFIGURED_CODES:
            message = exc.response.get("Error", {}).get("Message", "")
            raise StorageMisconfigured(f"DynamoDB answered {code}: {message}".rstrip(": ")) from exc
        if code in _UNAVAILABLE_CODES:
            raise StorageUnavailable(f"DynamoDB answered {code}") from exc
        if set(_cancellation_codes(exc)) & {"ThrottlingError", "TransactionConflict"}:
            raise StorageUnavailable("DynamoDB cancelled the transaction; retry") from exc
        raise
    except _MISCONFIGURED_ERRORS as exc:
        raise StorageMisconfigured(str(exc)) from exc
    except BotoCoreError as exc:  # connection errors, timeouts, retries exhausted
        raise StorageUnavailable(f"DynamoDB unreachable: {type(exc).__name__}") from exc


class Store:
    """All reads and writes of the one table."""

    def __init__(
        self,
        table_name: str,
        *,
        client: DynamoDBClient | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.table_name = table_name
        self._client = client
        self._endpoint_url = endpoint_url or None
        # Per feed scope read before, the due times of the scheduled entries its marker last
        # listed (none when more than PENDING_LOOKAHEAD: those are jumped over): how far a first
        # page's Query reads ahead.
        self._pending: dict[str, tuple[datetime, ...]] = {}
        self._pending_lock = threading.Lock()  # the local server reads from several threads

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            import boto3

            self._client = boto3.client("dynamodb", endpoint_url=self._endpoint_url)
        return self._client

    # ----------------------------------------------------------------- articles

    def get_record(
        self, article_id: str, *, consistent: bool = False
    ) -> Article | Tombstone | None:
        """One article or its tombstone by id: one ``GetItem``."""
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.article_key(article_id)),
                ConsistentRead=consistent,
            )
        item = answer.get("Item")
        return None if item is None else mapping.record_from_item(_from_dynamo(item))

    def slug_owner(self, slug: str) -> str | None:
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.slug_key(slug)),
                ProjectionExpression="article_id",
            )
        item = answer.get("Item")
        return None if item is None else str(_from_dynamo(item)["article_id"])

    def list_scope(
        self,
        scope: str,
        *,
        now: datetime,
        limit: int,
        after: tuple[str, str] | None = None,
        with_marker: bool = False,
    ) -> ScopePage:
        """The newest due entries of a feed scope, one ``Query`` in the usual case.

        Entries are keyed by publication time, so scheduled articles sort above ``now`` and are
        left out by the key condition alone (no filter, no short pages) and show up by themselves
        once due. With ``with_marker`` (first page of a feed) the range reaches up to the marker,
        which sorts above every entry, so the same ``Query`` also returns the feed's validators;
        scheduled entries read on the way are skipped. That first ``Query`` reads the page, its
        look-ahead entry and as many entries more as the marker listed pending, still pending
        now, the last time this store read it (when at most ``PENDING_LOOKAHEAD``), or
        ``PENDING_LOOKAHEAD`` for a feed it has not read yet: a warm container pays nothing for
        a feed with nothing scheduled, and no container a second ``Query`` for a feed with a few
        articles scheduled. With more, a second ``Query`` fetches the rest of the page; it starts
        below every scheduled entry (its range ends at ``now``), so the first page costs at most
        two Queries however many articles are scheduled.
        """
        pk = keys.feed_pk(scope)
        due_upper = keys.entries_upper_bound(now)
        if after is None:
            upper = keys.MARKER_SK if with_marker else due_upper
            start_key = None
        else:
            upper = due_upper
            start_key = {"pk": pk, "sk": keys.stored_entry_sk(*after)}
            with_marker = False
        wanted = limit + 1  # one look-ahead entry tells whether a next page exists
        marker: Marker | None = None
        found: list[Article] = []
        more = False
        budget = wanted + (1 + self._read_ahead(scope, now=now) if with_marker else 0)
        while True:
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
                "ExpressionAttributeValues": _to_dynamo(
                    {":pk": pk, ":low": keys.ENTRY_PREFIX, ":high": upper}
                ),
                "ScanIndexForward": False,
                "Limit": budget,
            }
            if start_key is not None:
                request["ExclusiveStartKey"] = _to_dynamo(start_key)
            with _storage_errors():
                answer = self.client.query(**request)
            for raw in answer.get("Items", []):
                item = _from_dynamo(raw)
                if mapping.is_marker_item(item):
                    marker = mapping.marker_from_item(scope, item)
                    self._remember_pending(scope, marker, now=now)
                    continue
                article = mapping.article_from_item(item)
                if article.published_at > now:
                    continue  # scheduled, not yet due
                found.append(article)
            last_key = answer.get("LastEvaluatedKey")
            if len(found) >= wanted:
                more = True
                break
            if last_key is None:
                break
            start_key = _from_dynamo(last_key)
            budget = wanted - len(found)
            if start_key["sk"] > due_upper:
                # Still among scheduled entries: however many are pending, the next Query
                # starts at the newest due entry instead of reading through them.
                upper, start_key = due_upper, None
        if not more and last_key is not None and found:
            more = True  # DynamoDB stopped at its 1 MB page size: continue from here
        page = found[:limit]
        next_after = keys.entry_position(page[-1]) if more and page else None
        return ScopePage(articles=page, after=next_after, marker=marker)

    def _read_ahead(self, scope: str, *, now: datetime) -> int:
        """How many scheduled entries a first page of ``scope`` reads through (see above)."""
        known = self._pending.get(scope)
        return PENDING_LOOKAHEAD if known is None else sum(moment > now for moment in known)

    def _remember_pending(self, scope: str, marker: Marker, *, now: datetime) -> None:
        """Keep how many entries are scheduled above ``scope``'s newest due ones, for the next
        first page's look-ahead: their due times, so that those which come due meanwhile are
        not read ahead for. More than ``PENDING_LOOKAHEAD`` are cheaper jumped over."""
        pending = tuple(moment for moment in marker.scheduled.values() if moment > now)
        with self._pending_lock:
            self._pending.pop(scope, None)
            if len(self._pending) >= PENDING_SCOPES:
                del self._pending[next(iter(self._pending))]
            self._pending[scope] = pending if len(pending) <= PENDING_LOOKAHEAD else ()

    # -------------------------------------------------------------------- shows

    def get_show(self, slug: str, *, consistent: bool = False) -> Show | None:
        """One show by slug: one ``GetItem``."""
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.show_key(slug)),
                ConsistentRead=consistent,
            )
        item = answer.get("Item")
        return None if item is None else mapping.show_from_item(_from_dynamo(item))

    def list_shows(self) -> list[Show]:
        """Every show, by slug: one ``Query`` (more only past 1 MB of shows)."""
        shows: list[Show] = []
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": _to_dynamo({":pk": keys.SHOWS_PK}),
            }
            if start:
                request["ExclusiveStartKey"] = start
            with _storage_errors():
                answer = self.client.query(**request)
            shows.extend(
                mapping.show_from_item(_from_dynamo(raw)) for raw in answer.get("Items", [])
            )
            start = answer.get("LastEvaluatedKey")
            if not start:
                return shows

    def show_feed(self, slug: str, *, now: datetime) -> tuple[Show | None, ScopePage]:
        """A show, its feed marker and every due episode, newest first: one ``Query`` of the
        feed's partition (the show's copy sorts above the marker, the marker above every
        entry). DynamoDB answers at most 1 MB a page, so a show with more than that in
        episodes costs one more ``Query`` per MB."""
        pk = keys.feed_pk(keys.show_scope(slug))
        show: Show | None = None
        marker: Marker | None = None
        found: list[Article] = []
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
                "ExpressionAttributeValues": _to_dynamo(
                    {":pk": pk, ":low": keys.ENTRY_PREFIX, ":high": keys.SHOW_SK}
                ),
                "ScanIndexForward": False,
            }
            if start:
                request["ExclusiveStartKey"] = start
            with _storage_errors():
                answer = self.client.query(**request)
            for raw in answer.get("Items", []):
                item = _from_dynamo(raw)
                if mapping.is_show_item(item):
                    show = mapping.show_from_item(item)
                elif mapping.is_marker_item(item):
                    marker = mapping.marker_from_item(keys.show_scope(slug), item)
                else:
                    article = mapping.article_from_item(item)
                    if article.published_at <= now:  # else scheduled, not yet due
                        found.append(article)
            start = answer.get("LastEvaluatedKey")
            if not start:
                break
        return show, ScopePage(articles=found, after=None, marker=marker)

    def save_show(self, show: Show, previous: Show | None, *, now: datetime) -> None:
        """Write a show (both copies) and bump its feed's and the site's markers (the home
        page lists the shows), in one ``TransactWriteItems``; conditional on the version read."""
        put: TransactWriteItemTypeDef = {
            "Put": {"TableName": self.table_name, "Item": _to_dynamo(mapping.show_item(show))}
        }
        if previous is None:
            put["Put"]["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["Put"]["ConditionExpression"] = "#version = :expected"
            put["Put"]["ExpressionAttributeNames"] = {"#version": "version"}
            put["Put"]["ExpressionAttributeValues"] = _to_dynamo({":expected": previous.version})
        actions: list[TransactWriteItemTypeDef] = [
            put,
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": _to_dynamo(mapping.show_feed_item(show)),
                }
            },
            self._touch_marker(keys.show_scope(show.slug), now=now),
            self._touch_marker(keys.SITE, now=now),
        ]
        self._transact(actions, subject=f"show {show.slug}", creating=previous is None, noun="show")

    def delete_show(self, show: Show, *, now: datetime) -> None:
        """Remove both copies of a show and bump the markers, in one transaction."""
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": _to_dynamo(mapping.show_key(show.slug)),
                    "ConditionExpression": "#version = :expected",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": _to_dynamo({":expected": show.version}),
                }
            },
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": _to_dynamo(mapping.show_feed_key(show.slug)),
                }
            },
            self._touch_marker(keys.show_scope(show.slug), now=now),
            self._touch_marker(keys.SITE, now=now),
        ]
        self._transact(actions, subject=f"show {show.slug}", creating=False, noun="show")

    def _touch_marker(self, scope: str, *, now: datetime) -> TransactWriteItemTypeDef:
        """A marker update that changes the feed's validators (a new version, ``updated_at``)."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": _to_dynamo(mapping.marker_key(scope)),
                "UpdateExpression": "SET #updated = :now ADD #version :one",
                "ExpressionAttributeNames": {"#version": "version", "#updated": "updated_at"},
                "ExpressionAttributeValues": _to_dynamo({":now": utc_iso(now), ":one": 1}),
            }
        }

    def get_marker(self, scope: str) -> Marker | None:
        """A feed's validators alone: one small ``GetItem`` (the whole cost of a 304)."""
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.marker_key(scope)),
            )
        item = answer.get("Item")
        return None if item is None else mapping.marker_from_item(scope, _from_dynamo(item))

    def _get_markers(self, scopes: Iterable[str]) -> dict[str, Marker]:
        wanted = sorted(set(scopes))
        if not wanted:
            return {}
        request_keys = [_to_dynamo(mapping.marker_key(scope)) for scope in wanted]
        found: dict[str, Marker] = {}
        pending: dict[str, Any] = {self.table_name: {"Keys": request_keys, "ConsistentRead": True}}
        by_pk = {keys.feed_pk(scope): scope for scope in wanted}
        while pending:
            with _storage_errors():
                answer = self.client.batch_get_item(RequestItems=pending)
            for raw in answer.get("Responses", {}).get(self.table_name, []):
                item = _from_dynamo(raw)
                scope = by_pk[item["pk"]]
                found[scope] = mapping.marker_from_item(scope, item)
            pending = dict(answer.get("UnprocessedKeys") or {})
        return found

    def save(
        self,
        new: Article,
        previous: Article | Tombstone | None,
        *,
        now: datetime,
        claim: IdempotencyClaim | None = None,
    ) -> None:
        """Write ``new`` and everything that depends on it in one ``TransactWriteItems``.

        ``previous`` is what the caller read (None for a create). The write is conditional on
        the stored version still being ``previous.version``, so two racing writers can never both
        succeed and the index entries and markers always agree with the article. With a
        ``claim``, the idempotency key is taken in the same transaction: either the article and
        the claim are both written or neither is (:class:`IdempotencyKeyTaken`).
        """
        old = previous if isinstance(previous, Article) else None
        actions: list[TransactWriteItemTypeDef] = [
            self._put_article(mapping.article_item(new), previous),
        ]
        failures: dict[int, Exception] = {}
        if old is not None and old.slug != new.slug:
            actions.append(self._release_slug(old.slug, old.id))
        if old is None or old.slug != new.slug:
            failures[len(actions)] = SlugTaken(
                f"the slug '{new.slug}' is already used by another article"
            )
            actions.append(self._claim_slug(new.slug, new.id))
        if new.guid:
            # Claimed on every write (the same put when it is already held): a guid is the id
            # readers know an entry by, so no two articles may show it, nor one delete it for
            # another (an Atom tombstone names it).
            failures[len(actions)] = GuidTaken(
                f"the guid {new.guid} is already the feed id of another article"
            )
            actions.append(self._claim(mapping.guid_item(new.guid, new.id)))
        actions.extend(self._index_actions(old, new, now=now, deleted_at=None))
        if claim is not None:  # a replayed request is told so before anything else
            failures = {len(actions): IdempotencyKeyTaken(new.id), **failures}
            actions.append(self._put_claim(claim, new.id, now=now))
        self._transact(actions, subject=new.id, creating=previous is None, failures=failures)

    def _put_claim(
        self, claim: IdempotencyClaim, article_id: str, *, now: datetime
    ) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": _to_dynamo(mapping.claim_item(claim, article_id)),
                # TTL deletes lazily: a claim past its expiry counts as free.
                "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                "ExpressionAttributeValues": _to_dynamo({":now": int(now.timestamp())}),
            }
        }

    def get_claim(self, key_hash: str) -> tuple[str, str] | None:
        """(article id, request hash) of a taken idempotency key."""
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.claim_key(key_hash)),
                ConsistentRead=True,
            )
        item = answer.get("Item")
        return None if item is None else mapping.claim_from_item(_from_dynamo(item))

    def delete(self, article: Article, tombstone: Tombstone, *, now: datetime) -> None:
        """Replace the article by its tombstone, free its slug and guid, drop it from every feed."""
        actions: list[TransactWriteItemTypeDef] = [
            self._put_article(mapping.tombstone_item(tombstone), article),
            self._release_slug(article.slug, article.id),
        ]
        if article.guid:
            actions.append(self._release(mapping.guid_key(article.guid), article.id))
        actions.extend(
            self._index_actions(
                article, None, now=now, deleted_at=tombstone.deleted_at, guid=tombstone.guid
            )
        )
        self._transact(actions, subject=article.id, creating=False)

    # ------------------------------------------------------------ write helpers

    def _put_article(
        self, item: Mapping[str, Any], previous: Article | Tombstone | None
    ) -> TransactWriteItemTypeDef:
        if previous is None:
            return {
                "Put": {
                    "TableName": self.table_name,
                    "Item": _to_dynamo(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": _to_dynamo(item),
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": _to_dynamo({":expected": previous.version}),
            }
        }

    def _claim_slug(self, slug: str, article_id: str) -> TransactWriteItemTypeDef:
        return self._claim(mapping.slug_item(slug, article_id))

    def _release_slug(self, slug: str, article_id: str) -> TransactWriteItemTypeDef:
        return self._release(mapping.slug_key(slug), article_id)

    def _claim(self, item: Mapping[str, Any]) -> TransactWriteItemTypeDef:
        """Put a claim item unless another article holds it (a slug, a guid)."""
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": _to_dynamo(item),
                "ConditionExpression": "attribute_not_exists(pk) OR article_id = :id",
                "ExpressionAttributeValues": _to_dynamo({":id": item["article_id"]}),
            }
        }

    def _release(self, key: Mapping[str, Any], article_id: str) -> TransactWriteItemTypeDef:
        """Delete a claim item, unless another article holds it."""
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": _to_dynamo(key),
                "ConditionExpression": "attribute_not_exists(pk) OR article_id = :id",
                "ExpressionAttributeValues": _to_dynamo({":id": article_id}),
            }
        }

    def _index_actions(
        self,
        old: Article | None,
        new: Article | None,
        *,
        now: datetime,
        deleted_at: datetime | None,
        guid: str | None = None,
    ) -> list[TransactWriteItemTypeDef]:
        """Entry puts/deletes and one marker update for every feed the change touches."""
        old_scopes = (
            keys.scopes_of(old) if old is not None and old.status is Status.PUBLISHED else ()
        )
        new_scopes = (
            keys.scopes_of(new) if new is not None and new.status is Status.PUBLISHED else ()
        )
        touched = sorted(set(old_scopes) | set(new_scopes))

        def seen(article: Article | None, scope: str, scopes: Sequence[str]) -> bool:
            """Readers of this feed can see this version now."""
            return article is not None and scope in scopes and article.published_at <= now

        markers = self._get_markers(touched)
        # One packed entry serves every feed: only the partition key differs between them.
        entries = mapping.entry_items(new, new_scopes) if new is not None else {}
        actions: list[TransactWriteItemTypeDef] = []
        for scope in touched:
            pk = keys.feed_pk(scope)
            if old is not None and scope in old_scopes:
                old_sk = keys.entry_sk(old.published_at, old.id)
                keep = (
                    new is not None and scope in new_scopes and new.published_at == old.published_at
                )
                if not keep:
                    actions.append(
                        {
                            "Delete": {
                                "TableName": self.table_name,
                                "Key": _to_dynamo({"pk": pk, "sk": old_sk}),
                            }
                        }
                    )
            if new is not None and scope in new_scopes:
                actions.append(
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": _to_dynamo(entries[scope]),
                        }
                    }
                )
            article_id = (new or old).id  # type: ignore[union-attr]
            actions.append(
                self._bump_marker(
                    scope,
                    markers.get(scope),
                    article_id=article_id,
                    scheduled_for=new.published_at
                    if new is not None and scope in new_scopes and new.published_at > now
                    else None,
                    deleted_at=deleted_at if seen(old, scope, old_scopes) else None,
                    guid=guid,
                    visible=seen(old, scope, old_scopes) or seen(new, scope, new_scopes),
                    now=now,
                )
            )
        return actions

    def _bump_marker(
        self,
        scope: str,
        current: Marker | None,
        *,
        article_id: str,
        scheduled_for: datetime | None,
        deleted_at: datetime | None,
        guid: str | None,
        visible: bool,
        now: datetime,
    ) -> TransactWriteItemTypeDef:
        """The marker update for one feed.

        Only a change readers can see now bumps the version and ``updated_at`` (and may prune);
        a change to an article that is and stays scheduled just records its due time, so the
        feed's validators stay as they are until it comes due.
        """
        names: dict[str, str] = {"#version": "version", "#updated": "updated_at"}
        values: dict[str, Any] = {":now": utc_iso(now)}
        if visible:
            values[":one"] = 1
            sets = ["#updated = :now"]
        else:
            values[":zero"] = 0
            sets = [
                "#version = if_not_exists(#version, :zero)",
                "#updated = if_not_exists(#updated, :now)",
            ]
        removes: list[str] = []
        due_name = mapping.due_attribute(article_id)
        names["#due"] = due_name
        if scheduled_for is not None:
            sets.append("#due = :due")
            values[":due"] = utc_iso(scheduled_for)
        else:
            removes.append("#due")
        names["#deleted"] = mapping.deleted_attribute(article_id)
        if deleted_at is not None:
            sets.append("#deleted = :deleted")
            values[":deleted"] = mapping.deleted_value(deleted_at, guid)
        else:
            removes.append("#deleted")  # written again under the same id: no longer a tombstone
        own = {due_name, mapping.deleted_attribute(article_id)}
        # Pruning a schedule that came due changes the validators, so it rides only on a bump.
        stale_names = mapping.stale_attributes(current, now=now, keep=own) if visible else []
        for index, stale in enumerate(stale_names):
            names[f"#stale{index}"] = stale
            removes.append(f"#stale{index}")
        expression = "SET " + ", ".join(sets) + (" ADD #version :one" if visible else "")
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": _to_dynamo(mapping.marker_key(scope)),
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": _to_dynamo(values),
            }
        }

    def _transact(
        self,
        actions: Sequence[TransactWriteItemTypeDef],
        *,
        subject: str,
        creating: bool,
        failures: Mapping[int, Exception] | None = None,
        noun: str = "article",
    ) -> None:
        """Run one transaction; retry it when it only collided with another one on a marker.

        The first action writes the article: its condition failing means another writer got
        there first, which is a :class:`PreconditionFailed` whether this write updates (the
        version moved) or creates (another request created the same id meanwhile): the caller
        reads again and either retries as a replace or answers 412. ``failures`` names the
        error to raise when the condition of the action at that index failed (a claim taken);
        when several failed, the first one ``failures`` lists wins.
        Retrying is safe because every article write is conditional on the version it read.
        """
        for attempt in range(TRANSACTION_ATTEMPTS):
            try:
                self.client.transact_write_items(TransactItems=list(actions))
                return
            except ClientError as exc:
                codes = _cancellation_codes(exc)
                failed = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
                if failed and failed[0] == 0:
                    if creating:
                        if noun != "article":
                            raise Conflict(f"{subject} already exists") from exc
                        raise PreconditionFailed(
                            f"article {subject} was created by another request meanwhile"
                        ) from exc
                    what = f"article {subject}" if noun == "article" else subject
                    raise PreconditionFailed(
                        f"{what} was changed by another request; read it again and retry"
                    ) from exc
                for index, error in (failures or {}).items():  # the first that applies wins
                    if index in failed:
                        raise error from exc
                if failed:
                    raise Conflict("another article holds a value this one claims") from exc
                if "TransactionConflict" in codes and attempt + 1 < TRANSACTION_ATTEMPTS:
                    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 (jitter)
                    continue
                with _storage_errors():
                    raise
            except BotoCoreError:
                with _storage_errors():
                    raise

    def scan_articles(self) -> Iterator[Article]:
        """Every article, drafts and scheduled ones included, in the table's order.

        One paginated ``Scan`` of the whole table keeping article items: for offline admin
        commands (``contentfeed export``), never on a request path.
        """
        expression, names, values = mapping.article_filter()
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "FilterExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": _to_dynamo(values),
        }
        while True:
            with _storage_errors():
                answer = self.client.scan(**request)
            for raw in answer.get("Items", []):
                yield mapping.article_from_item(_from_dynamo(raw))
            start = answer.get("LastEvaluatedKey")
            if not start:
                return
            request["ExclusiveStartKey"] = start

    # --------------------------------------------------------------- write keys

    def put_key(self, record: KeyRecord) -> None:
        with _storage_errors():
            self.client.put_item(
                TableName=self.table_name,
                Item=_to_dynamo(mapping.key_item(record)),
                ConditionExpression="attribute_not_exists(pk)",
            )

    def get_key(self, key_hash: str) -> KeyRecord | None:
        """The record of one key by its hash: one ``GetItem`` (the authorizer's only read)."""
        with _storage_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key=_to_dynamo(mapping.key_key(key_hash)),
            )
        item = answer.get("Item")
        return None if item is None else mapping.key_from_item(_from_dynamo(item))

    def list_keys(self) -> list[KeyRecord]:
        records: list[KeyRecord] = []
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": _to_dynamo({":pk": keys.KEYS_PK}),
            }
            if start:
                request["ExclusiveStartKey"] = start
            with _storage_errors():
                answer = self.client.query(**request)
            records.extend(
                mapping.key_from_item(_from_dynamo(raw)) for raw in answer.get("Items", [])
            )
            start = answer.get("LastEvaluatedKey")
            if not start:
                return records

    def revoke_key(self, key_hash: str, *, now: datetime) -> bool:
        """Mark a key revoked; False when there is no such key."""
        try:
            with _storage_errors():
                self.client.update_item(
                    TableName=self.table_name,
                    Key=_to_dynamo(mapping.key_key(key_hash)),
                    UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues=_to_dynamo({":now": utc_iso(now)}),
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
