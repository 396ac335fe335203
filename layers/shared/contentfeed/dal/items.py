"""Explicit mapping between domain objects and DynamoDB items (plain Python values).

Every item the table holds is built and read here (articles, tombstones, feed entries, feed
markers, slug claims, write keys, idempotency claims), with its ``type`` attribute; ``store.py``
only sends them. Items are kept in the document form that ``boto3.dynamodb.types``
(de)serialises; datetimes are fixed-width UTC strings so that they sort as text.

An article's HTML is most of its bytes, and it is stored five times or so (the article and one
feed entry per feed it is in): every feed Query reads it and every write pays for it. It is
therefore stored zlib-compressed with a preset dictionary (:mod:`contentfeed.dal.dictionary`):
in the article item as a binary attribute (:data:`CONTENT_Z`) beside the article's other
attributes; in a feed entry packed with everything else the entry holds into one binary
attribute (:data:`PACKED`, see :func:`pack_entry`). Feed entries also store their feed-ready
form: the HTML with its links made absolute (only when that differs from the article's HTML),
the excerpt RSS falls back on when there is no summary and a relative image URL resolved; a
container's first render of an entry then has nothing left to prepare.

Items in every form written before are read as they are: the HTML as a ``content_html``
string, or in ``content_z`` compressed without a dictionary; entries with the article's
attributes one by one and their feed-ready form in :data:`READY`, :data:`FEED_Z`,
:data:`EXCERPT` and :data:`IMAGE_URL` (or none, rendered by preparing them as before).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from contentfeed.dal import dictionary, keys
from contentfeed.lru import SizedLRU
from contentfeed.models import (
    Article,
    Attachment,
    Contributor,
    Episode,
    EpisodeType,
    FeedReady,
    Image,
    Person,
    Status,
    Tombstone,
    Transcript,
)
from contentfeed.models.show import Category, Funding, Owner, Show, ShowType
from contentfeed.text import parse_utc_iso, utc_iso

Item = dict[str, Any]

ARTICLE_TYPE = "article"
TOMBSTONE_TYPE = "tombstone"
ENTRY_TYPE = "entry"
SLUG_TYPE = "slug"
GUID_TYPE = "guid"
KEY_TYPE = "key"
IDEMPOTENCY_TYPE = "idempotency"

DUE_PREFIX = "due_"
"""Marker attribute ``due_{id}``: the publication time of a scheduled article."""
DELETED_PREFIX = "del_"
"""Marker attribute ``del_{id}``: ``"{deleted_at}"`` or ``"{deleted_at} {guid}"``."""
TOMBSTONE_RETENTION = timedelta(days=30)
MAX_TOMBSTONES_PER_FEED = 50

CONTENT = "content_html"
"""The article's HTML as text: how items were written before :data:`CONTENT_Z` (still read)."""
CONTENT_Z = "content_z"
"""The article's HTML, UTF-8 and zlib-compressed (binary): with the preset dictionary that its
zlib header names (:mod:`contentfeed.dal.dictionary`), or, written before, with none."""
PACKED = "z"
"""On a feed entry: everything but its keys and type in one binary attribute (see
:func:`pack_entry`). Entries written before it have the article's attributes one by one."""
READY = "ready"
"""On a feed entry: the version of the feed-ready form it stores (:data:`READY_VERSION`)."""
READY_VERSION = 1
FEED_Z = "feed_z"
"""On a feed entry: the feed-ready HTML, compressed with the article's HTML as the compressor's
preset dictionary (so it costs only the links it changed); absent when the two are equal."""
EXCERPT = "excerpt"
"""On a feed entry: the plain-text excerpt of the feed-ready HTML; absent when not needed."""
IMAGE_URL = "image_url"
"""On a feed entry: the image URL resolved against the article's; absent when unchanged."""
DECODED_CHARS = 4_000_000
"""The bound of the entries kept decoded (:func:`article_from_item`): each counts its packed
bytes, its HTML and its feed-ready HTML plus :data:`DECODED_OVERHEAD_CHARS`, about 300 articles
of ~5 kB HTML. The rendering caches hold the same strings, not copies."""
DECODED_OVERHEAD_CHARS = 1_000
"""What a kept article counts besides its HTML and packed bytes (fields, objects)."""
_DECODED: SizedLRU[tuple[str, bytes], Article] = SizedLRU(DECODED_CHARS)
decoded_info = _DECODED.info
decoded_clear = _DECODED.clear

COMPRESSION_LEVEL = 9
_FDICT = 0x20
"""The flag of a zlib header that says a preset dictionary's Adler-32 follows (RFC 1950)."""


def pack(text: str, *, like: str | None = None) -> bytes:
    """``text`` compressed with the current preset dictionary, or with ``like`` (a text it
    mostly repeats, so that only what differs from it costs bytes: :func:`unpack` then needs
    the same ``like``)."""
    zdict = dictionary.DICTIONARIES[dictionary.CURRENT] if like is None else like.encode("utf-8")
    packer = zlib.compressobj(COMPRESSION_LEVEL, memLevel=9, zdict=zdict)
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack(value: Any, *, like: str | None = None) -> str:
    """Text from a compressed binary attribute (``bytes``, or boto3's ``Binary``): with the
    preset dictionary its header names, with ``like``, or with none (as written before
    dictionaries)."""
    data = bytes(value)
    if like is None:
        if len(data) < 6 or not data[1] & _FDICT:
            return zlib.decompress(data).decode("utf-8")
        zdict = dictionary.BY_ADLER[int.from_bytes(data[2:6], "big")]
        unpacker = zlib.decompressobj(zdict=zdict)
        return (unpacker.decompress(data) + unpacker.flush()).decode("utf-8")
    unpacker = zlib.decompressobj(zdict=like.encode("utf-8"))
    return (unpacker.decompress(bytes(value)) + unpacker.flush()).decode("utf-8")


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def article_attributes(article: Article) -> Item:
    """The article's own attributes, as the article item stores them."""
    attributes = _plain_attributes(article)
    if article.content_html is not None:
        attributes[CONTENT_Z] = pack(article.content_html)
    return attributes


def _plain_attributes(article: Article) -> Item:
    """Every attribute of the article but its HTML, as plain values."""
    return _drop_none(
        {
            "id": article.id,
            "slug": article.slug,
            "title": article.title,
            "url": article.url,
            "published_at": utc_iso(article.published_at),
            "created_at": utc_iso(article.created_at),
            "updated_at": utc_iso(article.updated_at),
            "version": article.version,
            "status": article.status.value,
            "summary": article.summary,
            "authors": [_drop_none(asdict(author)) for author in article.authors],
            "contributors": [_drop_none(asdict(c)) for c in article.contributors],
            "tags": list(article.tags),
            "image": None if article.image is None else _drop_none(asdict(article.image)),
            "language": article.language,
            "guid": article.guid,
            "attachments": [_drop_none(asdict(item)) for item in article.attachments] or None,
            "podcast": None if article.podcast is None else _episode_attributes(article.podcast),
            "show": article.show,
            "modified_at": None if article.modified_at is None else utc_iso(article.modified_at),
        }
    )


def article_key(article_id: str) -> Item:
    return {"pk": keys.article_pk(article_id), "sk": keys.ARTICLE_SK}


def _episode_attributes(episode: Episode) -> Item:
    return _drop_none(
        {
            "episode": episode.episode,
            "season": episode.season,
            "episode_type": None if episode.episode_type is None else episode.episode_type.value,
            "explicit": episode.explicit,
            "image": episode.image,
            "transcripts": [_drop_none(asdict(t)) for t in episode.transcripts] or None,
            "chapters_url": episode.chapters_url,
        }
    )


def _int(value: Any) -> int | None:
    """A number as stored (boto3 reads numbers as Decimal), or None."""
    return None if value is None else int(value)


def _episode_from_item(item: Mapping[str, Any]) -> Episode:
    episode_type = item.get("episode_type")
    return Episode(
        episode=_int(item.get("episode")),
        season=_int(item.get("season")),
        episode_type=None if episode_type is None else EpisodeType(episode_type),
        explicit=item.get("explicit"),
        image=item.get("image"),
        transcripts=tuple(
            Transcript(url=t["url"], type=t["type"], language=t.get("language"))
            for t in item.get("transcripts", [])
        ),
        chapters_url=item.get("chapters_url"),
    )


def article_item(article: Article) -> Item:
    return {
        **article_key(article.id),
        "type": ARTICLE_TYPE,
        **article_attributes(article),
    }


def entry_item(scope: str, article: Article) -> Item:
    """The article's entry in the feed ``scope``: its keys, its type and everything else, with
    its feed-ready form, packed in :data:`PACKED` (see :func:`pack_entry`)."""
    return entry_items(article, (scope,))[scope]


def entry_items(article: Article, scopes: Iterable[str]) -> dict[str, Item]:
    """The article's entries in the feeds ``scopes``, by scope, as :func:`entry_item` builds
    each. They differ only in their partition key, so the feed-ready form is prepared and the
    entry packed once, however many feeds the article is in: every entry holds the same bytes."""
    scopes = tuple(scopes)
    if not scopes:
        return {}
    packed = pack_entry(article, feed_ready(article))
    sk = keys.entry_sk(article.published_at, article.id)
    return {
        scope: {"pk": keys.feed_pk(scope), "sk": sk, "type": ENTRY_TYPE, PACKED: packed}
        for scope in scopes
    }


def pack_entry(article: Article, ready: FeedReady | None) -> bytes:
    """An entry's attributes in one compressed value: a byte naming the preset dictionary, then
    raw deflate (RFC 1951) with that dictionary of one line of JSON (the article's attributes
    but its id and publication time, which the sort key holds; the byte lengths of the HTML and
    of the feed-ready HTML; the rest of the feed-ready form), the HTML and the feed-ready HTML.
    The feed-ready HTML repeats the HTML but for its links, so it costs little more than them;
    it is left out when the two are equal."""
    meta = _plain_attributes(article)
    del meta["id"], meta["published_at"]
    html = b"" if article.content_html is None else article.content_html.encode("utf-8")
    if article.content_html is not None:
        meta["html"] = len(html)
    feed = b""
    if ready is not None:
        meta[READY] = READY_VERSION
        if ready.content_html != (article.content_html or ""):
            feed = ready.content_html.encode("utf-8")
            meta["feed"] = len(feed)
        if ready.excerpt:
            meta[EXCERPT] = ready.excerpt
        if ready.image_url != ready.image_source:
            meta[IMAGE_URL] = ready.image_url
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    version = dictionary.CURRENT
    packer = zlib.compressobj(
        COMPRESSION_LEVEL, zlib.DEFLATED, -15, 9, zdict=dictionary.DICTIONARIES[version]
    )
    return bytes((version,)) + packer.compress(head + b"\n" + html + feed) + packer.flush()


def unpack_entry(item: Mapping[str, Any]) -> tuple[Item, str | None, str | None]:
    """A packed entry's attributes as the article item has them, its HTML and its feed-ready
    HTML (None when equal to the HTML)."""
    data = bytes(item[PACKED])
    unpacker = zlib.decompressobj(-15, zdict=dictionary.DICTIONARIES[data[0]])
    head, _, body = (unpacker.decompress(data[1:]) + unpacker.flush()).partition(b"\n")
    attributes: Item = json.loads(head)
    attributes["published_at"], attributes["id"] = keys.entry_position_of(item["sk"])
    html = None
    if "html" in attributes:
        length = attributes.pop("html")
        html, body = body[:length].decode("utf-8"), body[length:]
    feed = None
    if "feed" in attributes:
        feed = body[: attributes.pop("feed")].decode("utf-8")
    return attributes, html, feed


def feed_ready(article: Article) -> FeedReady | None:
    """The article's feed-ready form, prepared by the renderers' own code (imported only here:
    reading items never needs it)."""
    from contentfeed.rendering.entry import feed_ready as prepare

    return prepare(article)


def tombstone_item(tombstone: Tombstone) -> Item:
    return _drop_none(
        {
            **article_key(tombstone.id),
            "type": TOMBSTONE_TYPE,
            "id": tombstone.id,
            "version": tombstone.version,
            "deleted_at": utc_iso(tombstone.deleted_at),
            "guid": tombstone.guid,
        }
    )


def article_from_item(item: Mapping[str, Any]) -> Article:
    """The article an article item or a feed entry holds, in any form ever written.

    A packed entry is decoded once per warm container: the same sort key and bytes always hold
    the same article (frozen, so it may be shared), and a feed's pages come back entry for
    entry on every poll, so a kept article spares decompressing and building it again (most of
    what a warm page's decoding cost). Kept in one LRU bounded by :data:`DECODED_CHARS`."""
    if PACKED not in item:
        content = item.get(CONTENT)
        if content is None and CONTENT_Z in item:
            content = unpack(item[CONTENT_Z])
        feed = unpack(item[FEED_Z], like=content or "") if FEED_Z in item else None
        return _article(item, content, feed)
    key = (str(item["sk"]), bytes(item[PACKED]))
    article = _DECODED.get(key)
    if article is None:
        attributes, content, feed = unpack_entry(item)
        article = _article(attributes, content, feed)
        cost = DECODED_OVERHEAD_CHARS + len(key[1]) + len(content or "") + len(feed or "")
        _DECODED.put(key, article, cost)
    return article


def _article(item: Mapping[str, Any], content: str | None, feed: str | None) -> Article:
    """An article from its attributes as the article item has them, its HTML and its
    feed-ready HTML (None when equal to the HTML)."""
    image = item.get("image")
    ready = None
    if item.get(READY) == READY_VERSION:
        ready = FeedReady(
            source=content,
            url=item["url"],
            content_html=(content or "") if feed is None else feed,
            excerpt=item.get(EXCERPT, ""),
            image_source=image["url"] if image else None,
            image_url=item.get(IMAGE_URL, image["url"]) if image else None,
        )
    return Article(
        id=item["id"],
        slug=item["slug"],
        title=item["title"],
        url=item["url"],
        published_at=parse_utc_iso(item["published_at"]),
        created_at=parse_utc_iso(item["created_at"]),
        updated_at=parse_utc_iso(item["updated_at"]),
        version=int(item["version"]),
        status=Status(item["status"]),
        summary=item.get("summary"),
        content_html=content,
        authors=tuple(
            Person(name=a["name"], email=a.get("email"), url=a.get("url"))
            for a in item.get("authors", [])
        ),
        contributors=tuple(
            Contributor(name=c["name"], role=c.get("role")) for c in item.get("contributors", [])
        ),
        tags=tuple(item.get("tags", [])),
        image=None
        if not image
        else Image(
            url=image["url"],
            caption=image.get("caption"),
            credit=image.get("credit"),
            alt=image.get("alt"),
            type=image.get("type"),
            length=None if image.get("length") is None else int(image["length"]),
        ),
        language=item.get("language"),
        guid=item.get("guid"),
        attachments=tuple(
            Attachment(
                url=a["url"],
                type=a["type"],
                length=_int(a.get("length")),
                duration=_int(a.get("duration")),
                title=a.get("title"),
            )
            for a in item.get("attachments", [])
        ),
        podcast=None if not item.get("podcast") else _episode_from_item(item["podcast"]),
        show=item.get("show"),
        modified_at=None if not item.get("modified_at") else parse_utc_iso(item["modified_at"]),
        feed_ready=ready,
    )


def article_filter() -> tuple[str, dict[str, str], dict[str, Any]]:
    """A filter expression keeping article items only: (expression, names, plain values)."""
    return "#type = :article", {"#type": "type"}, {":article": ARTICLE_TYPE}


def record_from_image(image: Mapping[str, Any] | None) -> Article | Tombstone | None:
    """The article or tombstone a stream image holds; None for any other item (or no image)."""
    if not image or image.get("type") not in (ARTICLE_TYPE, TOMBSTONE_TYPE):
        return None
    return record_from_item(image)


def record_from_item(item: Mapping[str, Any]) -> Article | Tombstone:
    if item.get("type") == TOMBSTONE_TYPE:
        return Tombstone(
            id=item["id"],
            version=int(item["version"]),
            deleted_at=parse_utc_iso(item["deleted_at"]),
            guid=item.get("guid"),
        )
    return article_from_item(item)


# --------------------------------------------------------------------- slugs


def slug_key(slug: str) -> Item:
    return {"pk": keys.slug_pk(slug), "sk": keys.SLUG_SK}


def slug_item(slug: str, article_id: str) -> Item:
    """The claim that makes a slug unique: it names the article that holds it."""
    return {**slug_key(slug), "type": SLUG_TYPE, "article_id": article_id}


def guid_key(guid: str) -> Item:
    return {"pk": keys.guid_pk(guid), "sk": keys.GUID_SK}


def guid_item(guid: str, article_id: str) -> Item:
    """The claim that makes a feed id unique: the guid itself and the article that holds it."""
    return {**guid_key(guid), "type": GUID_TYPE, "guid": guid, "article_id": article_id}


# ------------------------------------------------------------ feed markers


def marker_key(scope: str) -> Item:
    return {"pk": keys.feed_pk(scope), "sk": keys.MARKER_SK}


@dataclass(frozen=True, slots=True)
class Marker:
    """A feed's version marker: bumped by every write that changes the feed.

    ``scheduled`` maps the ids of articles waiting for their publication time to that time, so a
    reader can tell, without a write having happened, that one of them has become due.
    ``deleted`` maps ids of recently deleted articles to their deletion time (Atom tombstones);
    ``deleted_guids`` keeps the feed id of those that had one of their own (imported articles).
    """

    scope: str
    version: int
    updated_at: datetime
    scheduled: Mapping[str, datetime] = field(default_factory=dict)
    deleted: Mapping[str, datetime] = field(default_factory=dict)
    deleted_guids: Mapping[str, str] = field(default_factory=dict)

    def latest_due(self, now: datetime) -> datetime | None:
        """The publication time of the newest scheduled article that is due by ``now``."""
        due = [moment for moment in self.scheduled.values() if moment <= now]
        return max(due) if due else None

    def is_public(self, now: datetime) -> bool:
        """Readers may know this feed exists: something in it was visible once, or is due now.

        A marker that only records schedules (written for an article that is not due yet, or
        left behind by one deleted before it was) says nothing anyone without a key may learn.
        """
        return self.version > 0 or self.latest_due(now) is not None

    def last_modified(self, now: datetime) -> datetime:
        due = self.latest_due(now)
        return self.updated_at if due is None or due < self.updated_at else due


def is_marker_item(item: Mapping[str, Any]) -> bool:
    return bool(item.get("sk") == keys.MARKER_SK)


def marker_from_item(scope: str, item: Mapping[str, Any]) -> Marker:
    return Marker(
        scope=scope,
        version=int(item["version"]),
        updated_at=parse_utc_iso(item["updated_at"]),
        scheduled={
            name.removeprefix(DUE_PREFIX): parse_utc_iso(value)
            for name, value in item.items()
            if name.startswith(DUE_PREFIX)
        },
        deleted={
            name.removeprefix(DELETED_PREFIX): parse_utc_iso(value.split(" ", 1)[0])
            for name, value in item.items()
            if name.startswith(DELETED_PREFIX)
        },
        deleted_guids={
            name.removeprefix(DELETED_PREFIX): value.split(" ", 1)[1]
            for name, value in item.items()
            if name.startswith(DELETED_PREFIX) and " " in value
        },
    )


def due_attribute(article_id: str) -> str:
    return DUE_PREFIX + article_id


def deleted_attribute(article_id: str) -> str:
    return DELETED_PREFIX + article_id


def deleted_value(deleted_at: datetime, guid: str | None) -> str:
    """ "time" or "time guid": the time holds no space, the guid (verbatim) may."""
    return utc_iso(deleted_at) + (f" {guid}" if guid else "")


def stale_attributes(marker: Marker | None, *, now: datetime, keep: set[str]) -> list[str]:
    """Marker attributes a write may drop: schedules that came due, tombstones past retention."""
    if marker is None:
        return []
    stale = [
        due_attribute(article_id)
        for article_id, moment in marker.scheduled.items()
        if moment <= now
    ]
    recent = sorted(marker.deleted.items(), key=lambda pair: pair[1], reverse=True)
    for rank, (article_id, moment) in enumerate(recent):
        if rank >= MAX_TOMBSTONES_PER_FEED or now - moment > TOMBSTONE_RETENTION:
            stale.append(deleted_attribute(article_id))
    return [name for name in stale if name not in keep]


# ------------------------------------------------------------- write keys


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_hash: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


def key_key(key_hash: str) -> Item:
    return {"pk": keys.KEYS_PK, "sk": key_hash}


def key_item(record: KeyRecord) -> Item:
    return _drop_none(
        {
            **key_key(record.key_hash),
            "type": KEY_TYPE,
            "name": record.name,
            "prefix": record.prefix,
            "created_at": utc_iso(record.created_at),
            "revoked_at": None if record.revoked_at is None else utc_iso(record.revoked_at),
        }
    )


def key_from_item(item: Mapping[str, Any]) -> KeyRecord:
    revoked = item.get("revoked_at")
    return KeyRecord(
        key_hash=item["sk"],
        name=item["name"],
        prefix=item["prefix"],
        created_at=parse_utc_iso(item["created_at"]),
        revoked_at=None if revoked is None else parse_utc_iso(revoked),
    )


# ------------------------------------------------------- idempotency claims


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """An ``Idempotency-Key`` taken by a create, stored with a digest of the request."""

    key_hash: str
    request_hash: str
    expires_at: datetime


def claim_key(key_hash: str) -> Item:
    return {"pk": keys.idempotency_pk(key_hash), "sk": keys.IDEMPOTENCY_SK}


def claim_item(claim: IdempotencyClaim, article_id: str) -> Item:
    return {
        **claim_key(claim.key_hash),
        "type": IDEMPOTENCY_TYPE,
        "article_id": article_id,
        "request_hash": claim.request_hash,
        "expires_at": int(claim.expires_at.timestamp()),
    }


def claim_from_item(item: Mapping[str, Any]) -> tuple[str, str]:
    """(article id, request hash) of a taken idempotency key."""
    return str(item["article_id"]), str(item["request_hash"])


# ------------------------------------------------------------------------ shows

SHOW_TYPE = "show"


def show_key(slug: str) -> Item:
    """The show in the ``SHOWS`` partition (what ``GET /shows`` lists)."""
    return {"pk": keys.SHOWS_PK, "sk": slug}


def show_feed_key(slug: str) -> Item:
    """The show's copy in its feed's partition, read by the feed's one ``Query``."""
    return {"pk": keys.feed_pk(keys.show_scope(slug)), "sk": keys.SHOW_SK}


def show_attributes(show: Show) -> Item:
    return _drop_none(
        {
            "type": SHOW_TYPE,
            "slug": show.slug,
            "title": show.title,
            "description": show.description,
            "author": show.author,
            "owner": asdict(show.owner),
            "image": show.image,
            "categories": [_drop_none(asdict(category)) for category in show.categories],
            "guid": show.guid,
            "created_at": utc_iso(show.created_at),
            "updated_at": utc_iso(show.updated_at),
            "version": show.version,
            "explicit": show.explicit,
            "language": show.language,
            "show_type": show.type.value,
            "complete": show.complete,
            "locked": show.locked,
            "funding": [asdict(funding) for funding in show.funding] or None,
        }
    )


def show_item(show: Show) -> Item:
    return {**show_key(show.slug), **show_attributes(show)}


def show_feed_item(show: Show) -> Item:
    return {**show_feed_key(show.slug), **show_attributes(show)}


def is_show_item(item: Mapping[str, Any]) -> bool:
    return bool(item.get("type") == SHOW_TYPE)


def show_from_item(item: Mapping[str, Any]) -> Show:
    return Show(
        slug=item["slug"],
        title=item["title"],
        description=item["description"],
        author=item["author"],
        owner=Owner(name=item["owner"]["name"], email=item["owner"]["email"]),
        image=item["image"],
        categories=tuple(
            Category(name=c["name"], subcategory=c.get("subcategory"))
            for c in item.get("categories", [])
        ),
        guid=item["guid"],
        created_at=parse_utc_iso(item["created_at"]),
        updated_at=parse_utc_iso(item["updated_at"]),
        version=int(item["version"]),
        explicit=bool(item.get("explicit", False)),
        language=item.get("language"),
        type=ShowType(item.get("show_type", ShowType.EPISODIC.value)),
        complete=bool(item.get("complete", False)),
        locked=bool(item.get("locked", False)),
        funding=tuple(Funding(url=f["url"], text=f["text"]) for f in item.get("funding", [])),
    )
