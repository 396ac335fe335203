"""The article logic against the table on moto: what is stored, what is listed, what it costs."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from contentfeed.config import Settings
from contentfeed.dal import Store
from contentfeed.dal import keys as table_keys
from contentfeed.dal.store import PENDING_LOOKAHEAD
from contentfeed.errors import Conflict, Gone, NotFound, PreconditionFailed
from contentfeed.http.paging import encode_cursor
from contentfeed.logic import articles as logic
from contentfeed.logic import shows
from contentfeed.models import Article
from contentfeed.models.api import MAX_AUTHORS, MAX_TAGS, ArticleIn, ShowIn
from contentfeed.text import MAX_SLUG_CHARS, SLUG
from tests.conftest import NOW, CallCounter, load_event

P = logic.Preconditions


def new(store: Store, settings: Settings, *, now: Any = NOW, **fields: Any) -> Article:
    document = {"title": "An article", **fields}
    return logic.create_article(store, settings, ArticleIn.model_validate(document), now=now)


def listed(store: Store, *, now: Any = NOW, limit: int = 100, **filters: str) -> list[str]:
    page = logic.list_articles(store, now=now, limit=limit, cursor=None, **filters)
    return [article.id for article in page.articles]


def all_items(ddb: Any) -> list[dict[str, Any]]:
    return ddb.scan(TableName="contentfeed-test")["Items"]  # test inspection only


def test_create_stores_article_slug_entries_and_markers_in_one_transaction(
    store: Store, env: Settings, ddb: Any, calls: CallCounter
) -> None:
    # Given an article with two tags and one author
    # When it is created
    article = new(
        store, env, tags=["Salesforce", "Tech Workers"], authors=[{"name": "Rae Whitlock"}]
    )
    # Then it cost one read of the markers and one transaction
    assert calls.calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
    # And it is listed site-wide, per tag (by name or slug) and per author
    assert listed(store) == [article.id]
    assert listed(store, tag="tech-workers") == [article.id]
    assert listed(store, tag="Salesforce") == [article.id]
    assert listed(store, author="rae-whitlock") == [article.id]
    assert listed(store, tag="other") == []
    # And its derived fields are filled in
    assert article.slug == "an-article"
    assert article.url == "https://news.example.org/an-article"
    assert article.version == 1
    pks = {item["pk"]["S"] for item in all_items(ddb)}
    assert {
        "SLUG#an-article",
        "FEED#site",
        "FEED#tag:salesforce",
        "FEED#tag:tech-workers",
        "FEED#author:rae-whitlock",
    } <= pks


def test_reads_cost_one_operation_each(store: Store, env: Settings, calls: CallCounter) -> None:
    # Given some articles
    ids = [
        new(
            store, env, title=f"Article {n}", published_at=(NOW - timedelta(hours=n)).isoformat()
        ).id
        for n in range(5)
    ]
    calls.reset()
    # When one is read and the list is read
    logic.get_article(store, ids[0], now=NOW, privileged=False)
    assert calls.calls == {"GetItem": 1}
    calls.reset()
    page = logic.list_articles(store, now=NOW, limit=3, cursor=None)
    # Then each cost exactly one call, and the list has a next page
    assert calls.calls == {"Query": 1}
    assert [a.id for a in page.articles] == ids[:3]
    assert page.after is not None


def test_paging_visits_every_article_exactly_once(store: Store, env: Settings) -> None:
    # Given 23 articles, two of them published at the very same instant
    expected = []
    for n in range(23):
        moment = NOW - timedelta(minutes=n if n != 5 else 4)
        expected.append(new(store, env, title=f"Article {n}", published_at=moment.isoformat()).id)
    # When a client follows the cursor from the first page to the last
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = logic.list_articles(store, now=NOW, limit=10, cursor=cursor)
        seen.extend(a.id for a in page.articles)
        pages += 1
        if page.after is None:
            break
        cursor = encode_cursor(page.after)
    # Then it saw each article once, newest first, in three pages
    assert len(seen) == 23 and set(seen) == set(expected)
    assert pages == 3


def test_slugs_are_unique(store: Store, env: Settings, ddb: Any) -> None:
    # Given an article with a chosen slug
    new(store, env, slug="launch")
    before = len(all_items(ddb))
    # When another asks for the same slug
    with pytest.raises(Conflict):
        new(store, env, slug="launch", tags=["x"])
    # Then nothing of it was written
    assert len(all_items(ddb)) == before
    # But an article whose slug is only derived from a repeated title gets a distinct one
    first = new(store, env, title="Same title")
    second = new(store, env, title="Same title")
    assert first.slug == "same-title" and second.slug.startswith("same-title-")


def test_edit_moves_index_entries_and_keeps_id(store: Store, env: Settings) -> None:
    # Given an article in tag A
    article = new(store, env, tags=["A"])
    # When a PATCH moves it to tag B, renames it and changes its slug
    patched = logic.patch_article(
        store,
        env,
        article.id,
        {"tags": ["B"], "title": "Renamed", "slug": "renamed"},
        preconditions=P.from_headers('"v1"', None),
        now=NOW + timedelta(minutes=1),
    )
    # Then the id stays, the version grows and the indexes follow
    assert patched.id == article.id and patched.version == 2
    assert listed(store, tag="a") == [] and listed(store, tag="b") == [article.id]
    assert listed(store) == [article.id]
    assert store.slug_owner("renamed") == article.id and store.slug_owner("an-article") is None
    # And a writer holding the old version is refused
    with pytest.raises(PreconditionFailed):
        logic.patch_article(
            store,
            env,
            article.id,
            {"title": "Late"},
            preconditions=P.from_headers('"v1"', None),
            now=NOW,
        )


def test_every_write_bumps_the_markers_of_every_feed_it_touches(
    store: Store, env: Settings
) -> None:
    article = new(store, env, tags=["A"])
    site, tag_a = store.get_marker("site"), store.get_marker("tag:a")
    assert site is not None and tag_a is not None
    logic.patch_article(store, env, article.id, {"tags": ["B"]}, preconditions=P(), now=NOW)
    site2, tag_a2, tag_b = (
        store.get_marker("site"),
        store.get_marker("tag:a"),
        store.get_marker("tag:b"),
    )
    assert site2 is not None and tag_a2 is not None and tag_b is not None
    assert site2.version == site.version + 1
    assert tag_a2.version == tag_a.version + 1


def test_delete_leaves_a_tombstone_and_frees_the_slug(store: Store, env: Settings) -> None:
    # Given a tagged article
    article = new(store, env, tags=["A"], slug="doomed")
    # When it is deleted
    logic.delete_article(store, article.id, preconditions=P(), now=NOW + timedelta(minutes=1))
    # Then reading it says Gone, lists no longer show it, and its slug can be reused
    with pytest.raises(Gone):
        logic.get_article(store, article.id, now=NOW, privileged=True)
    assert listed(store) == [] and listed(store, tag="a") == []
    assert store.slug_owner("doomed") is None
    # And the feed markers remember the deletion (for Atom tombstones)
    marker = store.get_marker("tag:a")
    assert marker is not None and article.id in marker.deleted
    # And a second delete is Gone too
    with pytest.raises(Gone):
        logic.delete_article(store, article.id, preconditions=P(), now=NOW)


def test_put_creates_then_replaces_under_a_client_id(store: Store, env: Settings) -> None:
    data = ArticleIn.model_validate({"title": "From the CMS", "tags": ["cms"]})
    first, created = logic.replace_article(store, env, "cms-42", data, preconditions=P(), now=NOW)
    assert created and first.version == 1
    again, created = logic.replace_article(
        store, env, "cms-42", data, preconditions=P.from_headers('"v1"', None), now=NOW
    )
    assert not created and again.version == 2 and again.created_at == first.created_at
    assert listed(store, tag="cms") == ["cms-42"]


def test_drafts_and_scheduled_articles_stay_hidden_until_due(store: Store, env: Settings) -> None:
    # Given a draft and an article scheduled an hour ahead
    draft = new(store, env, title="Draft", status="draft")
    later = NOW + timedelta(hours=1)
    scheduled = new(store, env, title="Scheduled", published_at=later.isoformat(), tags=["A"])
    # Then neither is listed nor readable without a key, but both are with one
    assert listed(store) == []
    for hidden in (draft, scheduled):
        with pytest.raises(NotFound):
            logic.get_article(store, hidden.id, now=NOW, privileged=False)
        assert logic.get_article(store, hidden.id, now=NOW, privileged=True).id == hidden.id
    # And once its time has come the scheduled one is there, with no write in between
    assert listed(store, now=later) == [scheduled.id]
    assert listed(store, now=later, tag="a") == [scheduled.id]
    # And the feed marker tells a reader that something became due
    marker = store.get_marker("site")
    assert marker is not None
    assert marker.latest_due(NOW) is None and marker.latest_due(later) == later


@pytest.mark.parametrize(
    ("pending", "queries"),
    [
        (1, 1),
        (PENDING_LOOKAHEAD, 1),  # read ahead for, known or not
        (PENDING_LOOKAHEAD + 1, 2),  # more than that are jumped over by a second Query
    ],
)
def test_first_feed_page_reads_marker_and_skips_pending_entries(
    store: Store, env: Settings, calls: CallCounter, pending: int, queries: int
) -> None:
    # Given three due articles and, above them in the index, `pending` scheduled ones
    due = [
        new(store, env, title=f"Due {n}", published_at=(NOW - timedelta(hours=n)).isoformat()).id
        for n in range(3)
    ]
    for n in range(pending):
        new(store, env, title=f"Later {n}", published_at=(NOW + timedelta(days=n + 1)).isoformat())
    reads = []
    for _ in range(2):
        calls.reset()
        # When the first page of the site feed is read with its marker, twice by one store
        page = store.list_scope(table_keys.SITE, now=NOW, limit=2, with_marker=True)
        reads.append(dict(calls.calls))
        # Then it has the marker, the two newest due articles, and a next page
        # (scheduling bumps no version: readers see nothing new until the articles are due)
        assert page.marker is not None and page.marker.version == 3
        assert [a.id for a in page.articles] == due[:2]
        assert page.after is not None
    # And the scheduled entries cost a second Query only when there are more of them than the
    # first Query reads ahead, and only while they are pending
    assert reads == [{"Query": queries}] * 2
    # And none once they are due
    calls.reset()
    later = store.list_scope(
        table_keys.SITE, now=NOW + timedelta(days=pending + 1), limit=2, with_marker=True
    )
    assert calls.calls == {"Query": 1}
    assert len(later.articles) == 2 and later.after is not None


def scanned_by_queries(store: Store) -> list[int]:
    """The ``ScannedCount`` of every Query the store makes from now on, in order."""
    scanned: list[int] = []
    store.client.meta.events.register(
        "after-call.dynamodb.Query",
        lambda parsed, **_: scanned.append(int(parsed["ScannedCount"])),
    )
    return scanned


def test_schedules_that_came_due_are_not_read_ahead_for(store: Store, env: Settings) -> None:
    # Given three due articles and three scheduled a day apart above them (more than a store
    # reads ahead for)
    for n in range(3):
        new(store, env, title=f"Due {n}", published_at=(NOW - timedelta(hours=n)).isoformat())
    for n in range(3):
        new(store, env, title=f"Later {n}", published_at=(NOW + timedelta(days=n + 1)).isoformat())
    scanned = scanned_by_queries(store)

    def read(now: Any) -> list[int]:
        scanned.clear()
        page = store.list_scope(table_keys.SITE, now=now, limit=2, with_marker=True)
        assert len(page.articles) == 2
        return list(scanned)

    # When the first page is read when the first of them has come due (its schedule still in
    # the marker until the next write prunes it), twice
    halfway = NOW + timedelta(days=1, hours=12)
    first, second = read(halfway), read(halfway)
    # Then the second read knows the two still pending and reads exactly them ahead, in one
    # Query, as the first did not knowing
    assert first == second == [1 + 2 + PENDING_LOOKAHEAD + 1]
    # And once they have all come due, nothing is read ahead for them
    assert read(NOW + timedelta(days=4)) == [1 + 2 + 1]


def test_a_store_remembers_pending_entries_of_a_bounded_number_of_feeds(
    store: Store, env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contentfeed.dal import store as store_module

    # Given a store that remembers the pending entries of one feed only
    monkeypatch.setattr(store_module, "PENDING_SCOPES", 1)
    # And six due articles with one scheduled above them, in the site feed and the tag feed "a"
    for n in range(6):
        published = (NOW - timedelta(hours=n)).isoformat()
        new(store, env, title=f"Due {n}", tags=["A"], published_at=published)
    new(store, env, title="Later", tags=["A"], published_at=(NOW + timedelta(days=1)).isoformat())
    scanned = scanned_by_queries(store)

    def read(scope: str) -> int:
        scanned.clear()
        store.list_scope(scope, now=NOW, limit=2, with_marker=True)
        return sum(scanned)

    # When both feeds are read, then the first again
    # Then a feed read first is read ahead for as unknown (the marker, the page, its look-ahead
    # entry and PENDING_LOOKAHEAD more), the same feed again for its one pending entry only,
    # and the feed it had to forget for the other as unknown again
    unknown, known = 1 + 2 + 1 + PENDING_LOOKAHEAD, 1 + 2 + 1 + 1
    tag = table_keys.tag_scope("a")
    assert [read(table_keys.SITE), read(table_keys.SITE)] == [unknown, known]
    assert [read(tag), read(table_keys.SITE)] == [unknown, unknown]


def test_idempotency_key_is_atomic_with_the_create_and_expires(
    store: Store, env: Settings, ddb: Any
) -> None:
    data = ArticleIn.model_validate({"title": "Once", "tags": ["x"]})
    claim = logic.idempotency_claim("key-1", "principal-a", data, now=NOW)
    first = logic.create_article(store, env, data, now=NOW, claim=claim)
    items = len(all_items(ddb))
    # A retry within the window returns the same article and writes nothing
    again = logic.create_article(store, env, data, now=NOW + timedelta(minutes=5), claim=claim)
    assert again.id == first.id and len(all_items(ddb)) == items
    # The same key from another write key is a different claim
    other = logic.idempotency_claim("key-1", "principal-b", data, now=NOW)
    assert logic.create_article(store, env, data, now=NOW, claim=other).id != first.id
    # After the window the key is free again (DynamoDB's TTL deletes lazily)
    later = NOW + logic.IDEMPOTENCY_WINDOW + timedelta(minutes=1)
    renewed = logic.idempotency_claim("key-1", "principal-a", data, now=later)
    assert logic.create_article(store, env, data, now=later, claim=renewed).id != first.id


def test_a_guid_may_be_any_line_and_modified_at_is_kept_until_a_write_says_otherwise(
    store: Store, env: Settings
) -> None:
    # Given an article imported with a numeric guid and the date its source last changed it
    modified = NOW - timedelta(days=30)
    article = new(store, env, guid="1042", modified_at=modified.isoformat())
    assert (article.guid, article.modified_at) == ("1042", modified)
    # When a patch says when the content changed, that date is kept
    later = NOW - timedelta(days=1)
    patched = logic.patch_article(
        store,
        env,
        article.id,
        {"summary": "Corrected", "modified_at": later.isoformat()},
        preconditions=logic.Preconditions(),
        now=NOW,
    )
    assert patched.modified_at == later
    # When a patch does not say, the content changed now: the date goes, the write time serves
    edited = logic.patch_article(
        store, env, article.id, {"title": "Edited"}, preconditions=logic.Preconditions(), now=NOW
    )
    assert edited.modified_at is None
    assert store.get_record(article.id, consistent=True) == edited


@pytest.mark.parametrize("guid", ["line one\nline two", "", "   ", "tab\there\x00"])
def test_a_guid_is_still_one_line_of_text(guid: str) -> None:
    with pytest.raises(ValueError, match="guid"):
        ArticleIn.model_validate({"title": "T", "guid": guid})


def test_repeated_titles_under_client_ids_always_get_valid_distinct_slugs(
    store: Store, env: Settings
) -> None:
    # Given client ids that share their first eight characters and end a slug badly
    made = []
    for n in range(1, 5):
        data = ArticleIn.model_validate({"title": "Weekly digest"})
        # When the same title is PUT under each (the old fallback slug was "weekly-digest-article-")
        article, created = logic.replace_article(
            store, env, f"article-{n}", data, preconditions=P(), now=NOW
        )
        assert created
        made.append(article)
    # Then every one was created with a valid slug of its own
    slugs = [article.slug for article in made]
    assert slugs[0] == "weekly-digest" and len(set(slugs)) == 4
    assert all(SLUG.fullmatch(slug) and len(slug) <= MAX_SLUG_CHARS for slug in slugs)
    # And each passes its own PATCH validation
    for article in made:
        patched = logic.patch_article(
            store, env, article.id, {"summary": "s"}, preconditions=P(), now=NOW
        )
        assert patched.slug == article.slug and patched.url.endswith(f"/{article.slug}")


def test_long_and_letterless_titles_get_valid_fallback_slugs(store: Store, env: Settings) -> None:
    # Given titles whose slug fills the 80 characters, or has no letter or digit at all
    long_title = "x" * 79 + " y"
    for title, article_id in ((long_title, "A.1"), (long_title, "A.2"), ("!!!", "B~_.")):
        data = ArticleIn.model_validate({"title": title})
        # When they are PUT twice under ids that are no slugs
        article, _ = logic.replace_article(store, env, article_id, data, preconditions=P(), now=NOW)
        # Then the slug is valid, fits, and the stored article validates as input again
        assert SLUG.fullmatch(article.slug) and len(article.slug) <= MAX_SLUG_CHARS
        ArticleIn.model_validate(logic.as_input(article))


class LosesTheCreateRace(Store):
    """A store whose first read of an article misses another request's create of the same id,
    made between that read and this request's transaction (the race, made deterministic)."""

    def __init__(self, store: Store, winner: Any) -> None:
        super().__init__(store.table_name, client=store.client)
        self.winner = winner

    def get_record(self, article_id: str, *, consistent: bool = False) -> Any:
        record = super().get_record(article_id, consistent=consistent)
        if self.winner is not None:
            winner, self.winner = self.winner, None
            winner(article_id)
        return record


@pytest.mark.parametrize("create_only", [False, True])
def test_the_loser_of_two_creating_puts_replaces_or_gets_412_never_409(
    store: Store, env: Settings, create_only: bool
) -> None:
    # Given a PUT that read "no such article" just before another PUT created it
    def winner(article_id: str) -> None:
        data = ArticleIn.model_validate({"title": "First", "tags": ["a"]})
        logic.replace_article(store, env, article_id, data, preconditions=P(), now=NOW)

    racing = LosesTheCreateRace(store, winner)
    data = ArticleIn.model_validate({"title": "Second", "tags": ["b"]})
    headers = P.from_headers(None, "*" if create_only else None)
    if create_only:
        # When it asked to create only (If-None-Match: *), Then it gets 412
        with pytest.raises(PreconditionFailed):
            logic.replace_article(racing, env, "cms-7", data, preconditions=headers, now=NOW)
        assert logic.get_article(store, "cms-7", now=NOW, privileged=True).title == "First"
        return
    # When it did not, Then it retries as a replace of what the winner wrote
    saved, created = logic.replace_article(
        racing, env, "cms-7", data, preconditions=headers, now=NOW
    )
    assert not created and saved.version == 2 and saved.title == "Second"
    assert listed(store, tag="b") == ["cms-7"] and listed(store, tag="a") == []


def test_a_guid_is_the_feed_id_of_one_article_only(store: Store, env: Settings, ddb: Any) -> None:
    # Given an article that carries the id readers know it by
    guid = "https://old.example.org/?p=7"
    first = new(store, env, title="Original", guid=guid)
    before = all_items(ddb)
    # When another article, created or edited, claims the same guid
    with pytest.raises(Conflict) as caught:
        new(store, env, title="Impostor", guid=guid)
    assert "guid" in str(caught.value.detail)
    assert len(all_items(ddb)) == len(before)  # nothing of the impostor was written
    other = new(store, env, title="Other")
    with pytest.raises(Conflict):
        logic.patch_article(store, env, other.id, {"guid": guid}, preconditions=P(), now=NOW)
    data = ArticleIn.model_validate({"title": "Synced", "guid": guid})
    with pytest.raises(Conflict):
        logic.replace_article(store, env, "cms-9", data, preconditions=P(), now=NOW)
    # Then nothing of theirs was written, and the original keeps its id in the feeds
    assert logic.get_article(store, other.id, now=NOW, privileged=True).guid is None
    with pytest.raises(NotFound):
        logic.get_article(store, "cms-9", now=NOW, privileged=True)
    # And the original can be written again under its own guid
    logic.patch_article(store, env, first.id, {"summary": "s"}, preconditions=P(), now=NOW)
    # And once it is deleted, its guid is free for the article that now stands for it
    logic.delete_article(store, first.id, preconditions=P(), now=NOW)
    assert new(store, env, title="Successor", guid=guid).guid == guid


def test_deleting_an_article_can_only_tombstone_its_own_guid(store: Store, env: Settings) -> None:
    # Given a live article with a guid, and an attempt to take that guid and delete it
    guid = "urn:uuid:0c1d2e3f-0000-4000-8000-000000000001"
    live = new(store, env, title="Live", guid=guid, tags=["t"])
    with pytest.raises(Conflict):
        new(store, env, title="Hijack", guid=guid, tags=["t"])
    # Then no tombstone names the live article's id in any feed
    marker = store.get_marker(table_keys.SITE)
    assert marker is not None and guid not in marker.deleted_guids.values()
    assert listed(store, tag="t") == [live.id]


def test_the_largest_write_fits_in_one_transaction(store: Store, env: Settings, ddb: Any) -> None:
    """Replacing every tag, author and the show, the slug and the time at once touches the most
    items one write can: it must stay within DynamoDB's 100 actions per transaction."""
    # Given two shows and an episode of the first with the most tags and authors allowed
    show = ShowIn.model_validate(json.loads(load_event("show-put.json")["body"]))
    for slug in ("morning", "evening"):
        shows.put_show(store, env, slug, show, base=env.site_url, preconditions=P(), now=NOW)

    def episode(name: str, hours: int) -> ArticleIn:
        return ArticleIn.model_validate(
            {
                "title": f"Episode {name}",
                "slug": f"episode-{name}",
                "guid": "urn:uuid:6c1d0f4e-4b7a-4f55-9d27-2d1f0b8c9a11",
                "tags": [f"{name} tag {n}" for n in range(MAX_TAGS)],
                "authors": [{"name": f"{name} host {n}"} for n in range(MAX_AUTHORS)],
                "show": name,
                "attachments": [
                    {
                        "url": f"https://media.example.org/{name}.mp3",
                        "type": "audio/mpeg",
                        "length": 1,
                    }
                ],
                "published_at": (NOW - timedelta(hours=hours)).isoformat(),
            }
        )

    sizes: list[int] = []
    ddb.meta.events.register(
        "before-parameter-build.dynamodb.TransactWriteItems",
        lambda params, **_: sizes.append(len(params["TransactItems"])),
    )
    logic.replace_article(store, env, "ep-1", episode("morning", 2), preconditions=P(), now=NOW)
    # When all of it is replaced in one PUT
    article, created = logic.replace_article(
        store, env, "ep-1", episode("evening", 1), preconditions=P(), now=NOW
    )
    # Then it is one transaction of article, slug release and claim, guid claim, the site
    # entry moved (delete, put, marker) and a delete or put and a marker for each old and
    # each new tag, author and show: under the limit
    assert not created and article.tags[0] == "evening tag 0"
    assert sizes[-1] == 4 + 3 + 2 * 2 * (MAX_TAGS + MAX_AUTHORS + 1) <= 100
    assert listed(store, tag="morning-tag-0") == [] and listed(store, tag="evening-tag-0") == [
        "ep-1"
    ]
