"""What each route costs in DynamoDB operations, counted through botocore's event hooks.

test_articles.py and test_feeds.py already pin list, get, create, the RSS feed and its 304. This
file pins every other route, the authorizer, the scheduled-article case, and that neither the
number of operations nor the items a Query reads grows with the number of stored articles (so a
regression to a Scan, a filter or N+1 reads fails CI). Wall-clock time is never asserted here;
``make bench`` measures it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from contentfeed.config import Settings, get_settings
from contentfeed.dal import Store
from contentfeed.dal.store import PENDING_LOOKAHEAD
from contentfeed.logic import articles as logic
from contentfeed.logic.keys import create_key
from contentfeed.models import Article
from contentfeed.models.api import ArticleIn
from contentfeed.rendering import entry as entry_cache
from contentfeed_cli.local.gateway import LambdaContext
from tests.bench import support as bench
from tests.conftest import NOW, TABLE, CallCounter, load_event
from tests.former_items import former_item

KEY = "cf_operation-count-key-0123456789abcdefghijklmnopqrstuv"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# ------------------------------------------------------------------------------ fixtures


class QueryReads:
    """``Count`` and ``ScannedCount`` of every Query, from botocore's ``after-call`` event."""

    def __init__(self) -> None:
        self.pages: list[tuple[int, int]] = []

    def __call__(self, parsed: dict[str, Any], **_: Any) -> None:
        self.pages.append((int(parsed.get("Count", 0)), int(parsed.get("ScannedCount", 0))))


@pytest.fixture
def query_reads(ddb: Any) -> QueryReads:
    reads = QueryReads()
    ddb.meta.events.register("after-call.dynamodb.Query", reads)
    return reads


def publish(store: Store, settings: Settings, n: int, **fields: Any) -> Article:
    document = {
        "title": f"Story {n}",
        "tags": ["Tech Workers", f"Topic {n % 3}"],
        "authors": [{"name": "Rae Whitlock"}],
        "published_at": (NOW - timedelta(hours=n + 1)).isoformat(),
        **fields,
    }
    return logic.create_article(store, settings, ArticleIn.model_validate(document), now=NOW)


@pytest.fixture
def articles(store: Store, env: Settings) -> list[Article]:
    """Enough published articles for a second page of every site feed (FEED_SIZE is 20)."""
    return bench_load(store, 25)


def bench_load(store: Store, count: int) -> list[Article]:
    """``count`` realistic articles (tags ``Topic 0``…``Topic 9``, authors ``Reporter 0``…
    ``Reporter 19``, newest first), written in the store's own item shapes by the benchmarks'
    loader."""
    made = _realistic(count)
    bench.bulk_load(store.client, made, table=TABLE)
    return made


def _realistic(count: int) -> list[Article]:
    return [
        bench.realistic_article(n, published_at=NOW - timedelta(hours=1, minutes=10 * n))
        for n in range(count)
    ]


def feed(feeds: ModuleType, path: str, *, method: str = "GET", **headers: str) -> dict[str, Any]:
    resource = re.sub(r"^/tags/[^/]+/", "/tags/{tag}/", path.split("?")[0])
    resource = re.sub(r"^/authors/[^/]+/", "/authors/{author}/", resource)
    request = bench.event(
        method,
        path,
        resource=resource,
        headers={name.replace("_", "-"): value for name, value in headers.items()},
    )
    result: dict[str, Any] = feeds.lambda_handler(request, LambdaContext("FeedsFunction"))
    return result


def call_api(
    api: ModuleType,
    method: str,
    path: str,
    body: Any = None,
    *,
    content_type: str = "application/json",
    **headers: str,
) -> dict[str, Any]:
    target = path.split("?")[0]
    article_id = target.rsplit("/", 1)[1] if target.count("/") == 2 else None
    request = bench.event(
        method,
        path,
        function="ApiFunction",
        resource="/articles/{id}" if article_id else target,
        path_parameters={"id": article_id} if article_id else None,
        headers={
            "Accept": "application/json",
            "Content-Type": content_type,
            **{name.replace("_", "-"): value for name, value in headers.items()},
        },
        body=b"" if body is None else json.dumps(body).encode(),
    )
    result: dict[str, Any] = api.lambda_handler(request, LambdaContext("ApiFunction"))
    return result


def header(result: dict[str, Any], name: str) -> str:
    value = bench.header(result, name)
    assert value is not None, f"no {name} header"
    return value


# ------------------------------------------------------------------------- API writes


def test_put_is_one_consistent_read_one_marker_read_and_one_transaction(
    api: ModuleType, env: Settings, calls: CallCounter
) -> None:
    document = {"title": "From the CMS", "tags": ["cms"], "authors": [{"name": "Ann Editor"}]}
    # When a client PUTs a new id, and then PUTs it again
    for expected in (201, 200):
        calls.reset()
        reply = call_api(api, "PUT", "/articles/cms-42", document)
        assert reply["statusCode"] == expected
        # Then each costs the article read, one read of the markers and one transaction
        assert calls.calls == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_patch_costs_the_same_as_put(
    api: ModuleType, store: Store, env: Settings, calls: CallCounter
) -> None:
    article = publish(store, env, 0)
    calls.reset()
    reply = call_api(
        api,
        "PATCH",
        f"/articles/{article.id}",
        {"title": "Corrected", "tags": ["Elsewhere"]},
        content_type="application/merge-patch+json",
        If_Match=f'"v{article.version}"',
    )
    assert reply["statusCode"] == 200
    assert calls.calls == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_delete_costs_the_same_as_put(
    api: ModuleType, store: Store, env: Settings, calls: CallCounter
) -> None:
    article = publish(store, env, 0)
    calls.reset()
    assert call_api(api, "DELETE", f"/articles/{article.id}")["statusCode"] == 204
    assert calls.calls == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_a_refused_write_stores_nothing_and_reads_only_the_article(
    api: ModuleType, store: Store, env: Settings, calls: CallCounter
) -> None:
    article = publish(store, env, 0)
    calls.reset()
    reply = call_api(
        api, "DELETE", f"/articles/{article.id}", If_Match='"v999"'
    )  # a stale If-Match
    assert reply["statusCode"] == 412
    assert calls.calls == {"GetItem": 1}


# -------------------------------------------------------------------------- API reads


@pytest.mark.parametrize(
    "query", ["?tag=Topic%200", "?tag=topic-0", "?author=reporter-1", "?limit=5"]
)
def test_filtered_lists_are_one_query(
    api: ModuleType, articles: list[Article], calls: CallCounter, query: str
) -> None:
    del articles
    calls.reset()
    reply = call_api(api, "GET", "/articles" + query)
    assert reply["statusCode"] == 200
    assert calls.calls == {"Query": 1}


def test_every_list_page_is_one_query(
    api: ModuleType, articles: list[Article], calls: CallCounter
) -> None:
    calls.reset()
    first = call_api(api, "GET", "/articles?limit=10")
    seen = [item["id"] for item in json.loads(first["body"])["items"]]
    pages = 1
    cursor = json.loads(first["body"])["cursor"]
    while cursor:
        page = json.loads(call_api(api, "GET", f"/articles?limit=10&cursor={cursor}")["body"])
        seen += [item["id"] for item in page["items"]]
        cursor = page["cursor"]
        pages += 1
    assert seen == [a.id for a in articles]
    assert calls.calls == {"Query": pages} and pages == 3


def test_reading_with_a_key_adds_one_get_item(
    api: ModuleType, store: Store, articles: list[Article], calls: CallCounter
) -> None:
    create_key(store, name="t", now=NOW, key=KEY)
    calls.reset()
    reply = call_api(api, "GET", f"/articles/{articles[0].id}", Authorization=f"Bearer {KEY}")
    assert reply["statusCode"] == 200
    assert calls.calls == {"GetItem": 2}


def test_openapi_reads_nothing(api: ModuleType, calls: CallCounter) -> None:
    calls.reset()
    assert call_api(api, "GET", "/openapi.json")["statusCode"] == 200
    assert calls.total == 0


def test_openapi_is_built_once_per_base_url_and_served_unchanged(api: ModuleType) -> None:
    other_host = "0123456789.execute-api.eu-west-1.amazonaws.com"

    def fetch(host: str) -> dict[str, Any]:
        request = bench.event(
            "GET", "/openapi.json", function="ApiFunction", headers={"Accept": "application/json"}
        )
        request["headers"]["Host"] = host
        request["multiValueHeaders"]["Host"] = [host]
        request["requestContext"]["domainName"] = host  # the name API Gateway answered on
        result: dict[str, Any] = api.lambda_handler(request, LambdaContext("ApiFunction"))
        return result

    api.openapi_document.cache_clear()
    # When a warm container is asked for the document twice at one URL and once at another
    first, again, other = fetch(bench.HOST), fetch(bench.HOST), fetch(other_host)
    # Then it was built once per base URL
    info = api.openapi_document.cache_info()
    assert (info.misses, info.hits) == (2, 1)
    # And every answer is exactly what building it afresh gives, naming its own server
    assert again == first
    for reply, host in ((first, bench.HOST), (other, other_host)):
        assert reply["statusCode"] == 200
        base = f"https://{host}/v1"
        fresh = api.openapi_document.__wrapped__(base)
        assert reply["body"] == fresh
        assert json.loads(reply["body"])["servers"] == [{"url": base}]


# ------------------------------------------------------------------------------- feeds


@pytest.mark.parametrize(
    "path",
    [
        "/feed.json",
        "/atom.xml",
        "/tags/topic-0/feed.xml",
        "/tags/topic-1/feed.json",
        "/authors/reporter-0/feed.xml",
        "/authors/reporter-0/atom.xml",
    ],
)
def test_each_feed_is_one_query_and_its_304_one_get_item(
    feeds: ModuleType, articles: list[Article], calls: CallCounter, path: str
) -> None:
    del articles
    calls.reset()
    first = feed(feeds, path)
    assert first["statusCode"] == 200
    assert calls.calls == {"Query": 1}
    calls.reset()
    again = feed(feeds, path, If_None_Match=header(first, "ETag"))
    assert again["statusCode"] == 304
    assert calls.calls == {"GetItem": 1}
    calls.reset()
    again = feed(feeds, path, If_Modified_Since=header(first, "Last-Modified"))
    assert again["statusCode"] == 304
    assert calls.calls == {"GetItem": 1}


def test_the_home_page_is_one_query_and_one_for_the_shows(
    feeds: ModuleType, articles: list[Article], calls: CallCounter
) -> None:
    # The articles and the site's marker, then the list of podcast shows the page links (a
    # conditional request still costs one GetItem: test_a_304_renders_nothing).
    del articles
    calls.reset()
    assert feed(feeds, "/", Accept=BROWSER)["statusCode"] == 200
    assert calls.calls == {"Query": 2}


def test_a_304_renders_nothing(
    feeds: ModuleType,
    articles: list[Article],
    calls: CallCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    del articles
    etag = header(feed(feeds, "/feed.xml"), "ETag")
    renders: list[str] = []
    real = feeds.renderer_for

    def counting(*args: Any, **kwargs: Any) -> Any:
        render = real(*args, **kwargs)

        def counted(*a: Any, **k: Any) -> Any:
            renders.append("render")
            return render(*a, **k)

        return counted

    monkeypatch.setattr(feeds, "renderer_for", counting)
    calls.reset()
    assert feed(feeds, "/feed.xml", If_None_Match=etag)["statusCode"] == 304
    assert calls.calls == {"GetItem": 1}
    assert renders == []
    # A changed feed is the marker read, then the one Query (and a render)
    calls.reset()
    assert feed(feeds, "/feed.xml", If_None_Match='"stale"')["statusCode"] == 200
    assert calls.calls == {"GetItem": 1, "Query": 1}
    assert renders == ["render"]


def test_head_costs_what_get_costs(
    feeds: ModuleType, articles: list[Article], calls: CallCounter
) -> None:
    del articles
    calls.reset()
    head = feed(feeds, "/feed.xml", method="HEAD")
    assert head["statusCode"] == 200 and not head["body"]
    assert calls.calls == {"Query": 1}
    calls.reset()
    assert (
        feed(feeds, "/feed.xml", method="HEAD", If_None_Match=header(head, "ETag"))["statusCode"]
        == 304
    )
    assert calls.calls == {"GetItem": 1}


def test_every_older_feed_page_is_one_query(
    feeds: ModuleType, articles: list[Article], calls: CallCounter, query_reads: QueryReads
) -> None:
    for path in ("/feed.xml", "/feed.json"):
        first = feed(feeds, path)
        link = header(first, "Link")
        found = re.search(r"<[^>]*(/feed\.\w+\?cursor=[^>]+)>; rel=\"next\"", link)
        assert found, link
        calls.reset()
        query_reads.pages.clear()
        second = feed(feeds, found[1])
        assert second["statusCode"] == 200
        assert calls.calls == {"Query": 1}
        # the rest of the 25 articles and no more
        assert query_reads.pages == [(len(articles) - 20, len(articles) - 20)]


def test_a_first_page_reads_the_page_its_look_ahead_entry_and_the_marker(
    feeds: ModuleType, articles: list[Article], calls: CallCounter, query_reads: QueryReads
) -> None:
    del articles
    # Given a feed with more than a page of due articles and nothing scheduled
    scanned = []
    for _ in range(2):
        calls.reset()
        query_reads.pages.clear()
        # When its first page is read, by a new container and again by the same one
        assert feed(feeds, "/feed.xml")["statusCode"] == 200
        assert calls.calls == {"Query": 1}
        scanned.append(list(query_reads.pages))
    # Then each is one Query: the new container's of the marker, the page, the look-ahead entry
    # and PENDING_LOOKAHEAD entries more (it cannot know what is pending); the same
    # container's, told by the marker that nothing is, of the marker, the page and the
    # look-ahead entry only
    first = 1 + 20 + 1 + PENDING_LOOKAHEAD
    assert scanned == [[(first, first)], [(1 + 20 + 1, 1 + 20 + 1)]]


@pytest.mark.parametrize(("pending", "queries"), [(1, 1), (PENDING_LOOKAHEAD, 1)])
def test_a_few_pending_articles_cost_no_second_query_and_a_warm_container_reads_just_them(
    feeds: ModuleType,
    store: Store,
    env: Settings,
    articles: list[Article],
    calls: CallCounter,
    query_reads: QueryReads,
    pending: int,
    queries: int,
) -> None:
    del articles
    # Given `pending` articles scheduled for the coming days above a full page of due ones
    for n in range(pending):
        publish(
            store,
            env,
            n,
            title=f"Tomorrow {n}",
            published_at=(NOW + timedelta(days=n + 1)).isoformat(),
        )
    scans = []
    for _ in range(2):
        calls.reset()
        query_reads.pages.clear()
        # When the first page is read, by a new container and again by the same one
        reply = feed(feeds, "/feed.xml")
        assert reply["statusCode"] == 200
        assert "Tomorrow" not in reply["body"]
        scans.append((calls.calls["Query"], sum(scanned for _, scanned in query_reads.pages)))
    # Then both are one Query: the new container's reads PENDING_LOOKAHEAD entries ahead, the
    # same container's, told by the marker how many are pending, exactly those: the page, the
    # marker, the pending entries and the look-ahead entry
    assert scans == [(queries, 1 + 20 + 1 + PENDING_LOOKAHEAD), (queries, 1 + 20 + pending + 1)]


@pytest.mark.parametrize("pending", [PENDING_LOOKAHEAD + 1, 25, 100])
def test_a_first_page_costs_at_most_two_queries_however_many_are_pending(
    feeds: ModuleType,
    store: Store,
    env: Settings,
    articles: list[Article],
    calls: CallCounter,
    query_reads: QueryReads,
    pending: int,
) -> None:
    # Given a full page of due articles and `pending` scheduled above them in the same feed
    # (written by the bulk loader: a hundred transactions on moto would take minutes)
    scheduled = [
        replace(
            articles[n % len(articles)],
            id=f"pending-{n}",
            slug=f"pending-{n}",
            title=f"Tomorrow {n}",
            published_at=NOW + timedelta(hours=n + 1),
        )
        for n in range(pending)
    ]
    bench.bulk_load(store.client, scheduled, markers_of=[*articles, *scheduled], table=TABLE)
    calls.reset()
    # When a reader asks for the feed's first page
    reply = feed(feeds, "/feed.json")
    # Then it is the full page of due articles, none of the pending ones, for two Queries
    assert reply["statusCode"] == 200
    titles = [item["title"] for item in json.loads(reply["body"])["items"]]
    assert len(titles) == 20 and not any(title.startswith("Tomorrow") for title in titles)
    assert calls.calls == {"Query": 2}
    # And the second Query did not read through the pending entries
    scanned = sum(scanned for _, scanned in query_reads.pages)
    assert scanned <= (20 + 1 + 1 + PENDING_LOOKAHEAD) + (20 + 1)


# -------------------------------------------------------------------------- authorizer


def authorize(authorizer: ModuleType, authorization: str | None) -> dict[str, Any]:
    event = load_event("authorizer-request.json")
    for headers in (event["headers"], event["multiValueHeaders"]):
        headers.pop("Authorization", None)
    if authorization is not None:
        event["headers"]["Authorization"] = authorization
        event["multiValueHeaders"]["Authorization"] = [authorization]
    try:
        answer: dict[str, Any] = authorizer.lambda_handler(
            event, LambdaContext("AuthorizerFunction", memory_limit_in_mb=256)
        )
    except PermissionError:
        return {"effect": "Deny"}
    effects = [s["Effect"] for s in answer["policyDocument"]["Statement"]]
    return {"effect": effects[0]}


def test_the_authorizer_is_one_get_item(
    authorizer: ModuleType, store: Store, env: Settings, calls: CallCounter
) -> None:
    create_key(store, name="t", now=NOW, key=KEY)
    for authorization, effect, reads in (
        (f"Bearer {KEY}", "Allow", 1),
        ("Bearer cf_not-a-key", "Deny", 1),
        ("Basic dXNlcjpwYXNz", "Deny", 0),
        (None, "Deny", 0),
    ):
        calls.reset()
        assert authorize(authorizer, authorization)["effect"] == effect
        assert calls.calls == ({"GetItem": reads} if reads else {}), authorization


# ----------------------------------------------------------------------------------- scale


def test_the_bulk_loader_writes_what_the_logic_writes(
    store: Store, env: Settings, ddb: Any
) -> None:
    """So that the scale test below, which loads with the benchmarks' loader, is representative."""
    # Given three articles created through the logic
    made = [publish(store, env, n, title=f"Loader check {n}") for n in range(3)]
    stored = [
        {k: TypeDeserializer().deserialize(v) for k, v in item.items()}
        for item in ddb.scan(TableName=TABLE)["Items"]
    ]

    # Then the loader's items for them are exactly what the logic stored
    def key(item: dict[str, Any]) -> tuple[str, str]:
        return item["pk"], item["sk"]

    assert sorted(bench.items_for(made), key=key) == sorted(stored, key=key)


def test_the_bulk_loader_puts_its_items_into_moto_unchanged(
    store: Store, ddb: Any, calls: CallCounter
) -> None:
    """The loader hands each item to moto's own put_item (no BatchWriteItem round trip): what
    a scan reads back is exactly the loader's items, compressed HTML included."""
    # Given three realistic articles
    made = _realistic(3)
    # When the loader writes them
    count = bench.bulk_load(store.client, made, table=TABLE)
    # Then it made no API call, and the table holds exactly its items
    assert calls.total == 0
    stored = [
        {k: TypeDeserializer().deserialize(v) for k, v in item.items()}
        for item in ddb.scan(TableName=TABLE)["Items"]
    ]

    def key(item: dict[str, Any]) -> tuple[str, str]:
        return item["pk"], item["sk"]

    assert count == len(stored)
    assert sorted(bench.items_for(made), key=key) == sorted(stored, key=key)


def test_cost_does_not_grow_with_the_number_of_stored_articles(
    feeds: ModuleType,
    api: ModuleType,
    store: Store,
    env: Settings,
    calls: CallCounter,
    query_reads: QueryReads,
) -> None:
    feed_size = get_settings().feed_size
    routes = [
        ("feeds", "/feed.xml"),
        ("feeds", "/tags/topic-0/atom.xml"),
        ("feeds", "/authors/reporter-0/feed.json"),
        ("api", "/articles"),
        ("api", "/articles?tag=topic-0"),
    ]
    seen: dict[int, list[tuple[str, dict[str, int]]]] = {}
    loaded = 0
    for size in (50, 500):
        # Given `size` stored articles (the added ones are older than those already there)
        every = _realistic(size)
        bench.bulk_load(store.client, every[loaded:], markers_of=every, table=TABLE)
        loaded = size
        seen[size] = []
        for function, path in routes:
            # When each route is read (feeds twice: the first one imports the renderer)
            if function == "feeds":
                feed(feeds, path)
            calls.reset()
            query_reads.pages.clear()
            reply = feed(feeds, path) if function == "feeds" else call_api(api, "GET", path)
            assert reply["statusCode"] == 200, path
            seen[size].append((path, dict(calls.calls)))
            # Then no Query reads more than a page and the look-ahead entry (a feed's first page:
            # also the marker), and nothing is read only to be filtered out
            assert query_reads.pages, path
            most = feed_size + 1 + (1 if function == "feeds" else 0)
            for count, scanned in query_reads.pages:
                assert count == scanned <= most, (size, path, query_reads.pages)
            # And a conditional request is still one GetItem
            if function == "feeds":
                calls.reset()
                again = feed(feeds, path, If_None_Match=header(reply, "ETag"))
                assert again["statusCode"] == 304
                assert calls.calls == {"GetItem": 1}
    # And 500 stored articles take exactly the operations 50 do
    assert seen[500] == seen[50]


# ------------------------------------------------------------------------ read and write units

FIRST_PAGE_RRU = 7
"""What a feed's first page of 20 realistic articles (~5 kB of HTML each, 22 items with the
marker and the look-ahead entry) may bill: 55 KB of packed entries. 10 with the entries as
written before they were packed (their attributes one by one, ``content_z`` compressed without a
dictionary), 17 with the HTML stored as text."""
CREATE_WRU = 50
"""What creating a realistic article in 5 feeds (site, 3 tags, 1 author) may bill: 2.7 KB an
entry, 3.0 KB the article. 60 with the items as written before entries were packed, 96 with the
HTML stored as text."""
FORMS = ("packed", "unpacked", "as text")
"""How entries are stored now, before they were packed, and before the HTML was compressed."""


def scan(client: Any) -> list[dict[str, Any]]:
    """Every article and entry item of the table, in DynamoDB's wire form; entries packed."""
    from contentfeed.dal import items as mapping

    found = [
        raw
        for raw in client.scan(TableName=TABLE)["Items"]
        if raw.get("type", {}).get("S") in (mapping.ARTICLE_TYPE, mapping.ENTRY_TYPE)
    ]
    for raw in found:
        if raw["type"]["S"] == mapping.ENTRY_TYPE:
            assert set(raw) == {"pk", "sk", "type", mapping.PACKED}, sorted(raw)
    return found


def _rewrite(client: Any, form: str) -> None:
    """Rewrite every article and entry in the table as the code of ``form`` wrote them."""
    from boto3.dynamodb.types import TypeSerializer

    from contentfeed.dal import items as mapping

    serializer = TypeSerializer()
    for raw in client.scan(TableName=TABLE)["Items"]:
        item = {k: TypeDeserializer().deserialize(v) for k, v in raw.items()}
        if item.get("type") not in (mapping.ARTICLE_TYPE, mapping.ENTRY_TYPE):
            continue
        keys = {"pk": item["pk"], "sk": item["sk"]}
        old = former_item(form, keys, item["type"], mapping.article_from_item(item))
        client.put_item(TableName=TABLE, Item={k: serializer.serialize(v) for k, v in old.items()})


def test_a_first_page_bills_a_fraction_of_the_former_read_units(
    feeds: ModuleType, api: ModuleType, store: Store, articles: list[Article]
) -> None:
    from contentfeed.dal import items as mapping

    # Given the table as the store writes it: every entry packed
    stored = [TypeDeserializer().deserialize(raw["type"]) for raw in scan(store.client)]
    assert stored.count(mapping.ENTRY_TYPE) > 25
    counter = bench.OpCounter().attach(store.client)
    read: dict[str, dict[str, tuple[float, int, bytes]]] = {}
    for form in FORMS:
        if form != "packed":
            # Given the same table as the code before wrote it
            _rewrite(store.client, form)
        read[form] = {}
        for path in ("/feed.xml", "/feed.json", "/articles"):
            # When the first page is read (rendered by a container that has rendered nothing,
            # but has read the feed, so knows that nothing is pending)
            if path != "/articles":
                feed(feeds, path)
            entry_cache.cache_clear()
            counter.reset()
            reply = feed(feeds, path) if path != "/articles" else call_api(api, "GET", path)
            assert reply["statusCode"] == 200
            assert counter.summary() == "Query"
            read[form][path] = (counter.rru, counter.bytes_read, reply["body"].encode())
    counter.detach(store.client)
    # Then the packed entries bill at most FIRST_PAGE_RRU, well under either former form
    site = bench.item_size(
        store.client.get_item(TableName=TABLE, Key={"pk": {"S": "FEED#site"}, "sk": {"S": "P~"}})[
            "Item"
        ]
    )
    rru, size, _ = read["packed"]["/feed.xml"]
    assert rru == bench.read_units(size, consistent=False) <= FIRST_PAGE_RRU
    assert size - site < 21 * 2800, size  # every entry under 2.8 KB
    for path, (rru, size, body) in read["packed"].items():
        unpacked, unpacked_size, unpacked_body = read["unpacked"][path]
        text, text_size, text_body = read["as text"][path]
        assert rru <= FIRST_PAGE_RRU < unpacked < text, (path, rru, unpacked, text)
        assert size < unpacked_size * 0.75 and size < text_size * 0.45, (path, size)
        # And the old items still serve the very same documents
        assert body == unpacked_body == text_body, path


def test_a_create_bills_a_fraction_of_the_former_write_units(
    store: Store, env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contentfeed.dal import items as mapping
    from contentfeed.dal import keys

    # Given a realistic article in 5 feeds (the site, 3 tags, 1 author)
    document = {**bench_document(), "title": "Units"}
    counter = bench.OpCounter().attach(store.client)
    # When it is created
    logic.create_article(store, env, ArticleIn.model_validate(document), now=NOW)
    packed = counter.wru
    # And the same is created by stores writing the items as the code before did
    written: dict[str, float] = {}
    for form, slug in (("unpacked", "units-again"), ("as text", "units-as-text")):

        def article_item(article: Article, form: str = form) -> dict[str, Any]:
            return former_item(form, mapping.article_key(article.id), mapping.ARTICLE_TYPE, article)

        def entry_items(
            article: Article, scopes: Iterable[str], form: str = form
        ) -> dict[str, dict[str, Any]]:
            sk = keys.entry_sk(article.published_at, article.id)
            return {
                scope: former_item(
                    form, {"pk": keys.feed_pk(scope), "sk": sk}, mapping.ENTRY_TYPE, article
                )
                for scope in scopes
            }

        monkeypatch.setattr(mapping, "article_item", article_item)
        monkeypatch.setattr(mapping, "entry_items", entry_items)
        counter.reset()
        logic.create_article(
            store, env, ArticleIn.model_validate({**document, "slug": slug}), now=NOW
        )
        written[form] = counter.wru
    # Then the packed create bills at most CREATE_WRU, under both former forms
    assert packed <= CREATE_WRU < written["unpacked"] < written["as text"], (packed, written)
    assert packed <= written["as text"] * 0.55


def test_a_create_packs_its_entry_once_however_many_feeds_it_is_in(
    store: Store, env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contentfeed.dal import items as mapping
    from contentfeed.dal import keys

    # Given the item codec's two compressions counted: a packed entry and an article's HTML
    made: list[str] = []
    pack_entry, pack = mapping.pack_entry, mapping.pack

    def counted_pack_entry(*args: Any, **kwargs: Any) -> bytes:
        made.append("entry")
        return pack_entry(*args, **kwargs)

    def counted_pack(*args: Any, **kwargs: Any) -> bytes:
        made.append("html")
        return pack(*args, **kwargs)

    monkeypatch.setattr(mapping, "pack_entry", counted_pack_entry)
    monkeypatch.setattr(mapping, "pack", counted_pack)
    counts: dict[int, dict[str, int]] = {}
    created: dict[int, Article] = {}
    for tags, authors in ((0, 0), (16, 3)):
        document = {
            **bench_document(),
            "title": f"In {tags + authors + 1} feeds",
            "tags": [f"Subject {n}" for n in range(tags)],
            "authors": [{"name": f"Writer {n}"} for n in range(authors)],
        }
        # When an article in the site feed only, then one in 20 feeds, is created
        made.clear()
        article = logic.create_article(store, env, ArticleIn.model_validate(document), now=NOW)
        counts[tags + authors + 1] = {kind: made.count(kind) for kind in set(made)}
        created[tags + authors + 1] = article
    # Then each create compresses its entry once and its article's HTML once, whatever its feeds
    assert counts[1] == counts[20] == {"entry": 1, "html": 1}, counts
    # And every entry of the article in 20 feeds holds the same bytes, the very item the codec
    # builds for that feed on its own
    article = created[20]
    scopes = keys.scopes_of(article)
    assert len(scopes) == 20
    monkeypatch.undo()
    stored = {
        raw["pk"]["S"]: raw
        for raw in scan(store.client)
        if raw["type"]["S"] == mapping.ENTRY_TYPE and raw["sk"]["S"].endswith(article.id)
    }
    assert sorted(stored) == sorted(keys.feed_pk(scope) for scope in scopes)
    assert len({raw[mapping.PACKED]["B"] for raw in stored.values()}) == 1
    packed = mapping.pack_entry(article, mapping.feed_ready(article))
    for scope in scopes:
        alone = {
            "pk": keys.feed_pk(scope),
            "sk": keys.entry_sk(article.published_at, article.id),
            "type": mapping.ENTRY_TYPE,
            mapping.PACKED: packed,
        }
        assert stored[keys.feed_pk(scope)] == {
            name: TypeSerializer().serialize(value) for name, value in alone.items()
        }


def bench_document() -> dict[str, Any]:
    """The benchmarks' create: the longest sample article with ~5 kB of HTML."""
    from contentfeed_cli.local.seed import sample_articles

    samples: list[dict[str, Any]] = [dict(sample) for sample in sample_articles()]
    document: dict[str, Any] = {}
    for sample in samples:
        if len(sample.get("content_html", "")) > len(document.get("content_html", "")):
            document = sample
    document.pop("slug")
    document.pop("published_at")
    document["content_html"] = bench.realistic_html()
    return document
