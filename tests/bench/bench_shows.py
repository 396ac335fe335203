"""Show feeds at size: one podcast show with 100 and then 1,000 episodes.

A show's feed carries every episode (podcast apps do not page), so unlike the article feeds its
cost must grow with the episode count; the question is whether it grows any faster. The same
show is loaded in two steps (the 900 older episodes are added behind the first 100, in the
store's own item shapes, straight into moto's table), and at each size the feed and its 304 are run on
moto: operations, items, bytes and read units read, the body's bytes (and gzipped), and the
handler's time with DynamoDB answered from moto's recording.

Run alone: ``python -m tests.bench.bench_shows``.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from tests.bench import support as s
from tests.bench.bench_requests import RenderCounter, Route, RouteResult, probe, time_replayed

SIZES = (100, 1_000)
SLUG = "bench-show"
FEED = f"/shows/{SLUG}/feed.xml"
RESOURCE = "/shows/{slug}/feed.xml"
NOT_MODIFIED = "show feed If-None-Match (304)"
FULL = "show feed GET /shows/{slug}/feed.xml"
NOTES = 1_200
"""At most this many bytes of HTML show notes per episode (whole paragraphs)."""


@dataclass
class ShowResult:
    sizes: tuple[int, ...]
    routes: dict[str, dict[int, RouteResult]] = field(default_factory=dict)
    gzipped: dict[int, int] = field(default_factory=dict)
    episodes_in_feed: dict[int, int] = field(default_factory=dict)
    runs: int = 0
    seconds: float = 0.0

    def ratio(self, route: str, metric: str) -> float:
        first, last = self.routes[route][self.sizes[0]], self.routes[route][self.sizes[-1]]
        values = {
            "code": (s.median(first.code), s.median(last.code)),
            "items": (first.items_read, last.items_read),
            "ops": (first.op_total, last.op_total),
            "rru": (first.rru, last.rru),
            "bytes": (first.body_bytes, last.body_bytes),
        }[metric]
        return values[1] / values[0]

    @property
    def growth(self) -> float:
        """How many times more episodes the largest size has than the smallest."""
        return self.sizes[-1] / self.sizes[0]


def episode(number: int, *, published_at: Any) -> Any:
    """Episode ``number`` of the show: short notes, one MP3, the iTunes episode fields."""
    from contentfeed.models.article import Attachment, Episode, EpisodeType

    article = s.realistic_article(number, published_at=published_at)
    # The article's varied text (it compresses like distinct prose), cut at a paragraph end.
    html = article.content_html or ""
    cut = html.rfind("</p>", 0, NOTES)
    notes = html[: cut + len("</p>")] if cut > 0 else html[:NOTES]
    return replace(
        article,
        id=f"{number:08x}-0000-4000-9000-{number:012x}",
        slug=f"episode-{number}",
        title=f"Episode {number + 1}",
        url=f"https://example.com/episode-{number}",
        content_html=notes,
        image=None,
        # No tags or author: an episode is then in the site feed and its show's feed only, as
        # on a podcast-only site, and the table moto scans on every Query stays small.
        tags=(),
        authors=(),
        show=SLUG,
        attachments=(
            Attachment(
                url=f"https://media.example.com/{SLUG}/{number:04d}.mp3",
                type="audio/mpeg",
                length=28_000_000 + number,
                duration=1_800 + number % 600,
            ),
        ),
        podcast=Episode(
            episode=number + 1,
            season=1 + number // 100,
            episode_type=EpisodeType.FULL,
            explicit=False,
        ),
    )


def episodes_for(count: int, *, newest: Any) -> list[Any]:
    """``count`` episodes, one a day back from ``newest``."""
    return [episode(n, published_at=newest - timedelta(days=n)) for n in range(count)]


def create_show(api: Any) -> None:
    """The show itself, through the API (one write)."""
    import json

    from tests.bench.bench_requests import KEY

    document = {
        "title": "The Bench Show",
        "description": "A weekly conversation about the news, recorded for the benchmarks.",
        "author": "Rae Whitlock",
        "owner": {"name": "Rae Whitlock", "email": "podcast@example.com"},
        "image": "https://media.example.com/bench-show/artwork.jpg",
        "categories": [{"name": "News"}],
        "explicit": False,
        "language": "en",
    }
    request = s.event(
        "PUT",
        f"/shows/{SLUG}",
        function="ApiFunction",
        resource="/shows/{slug}",
        path_parameters={"slug": SLUG},
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {KEY}",
        },
        body=json.dumps(document).encode(),
    )
    answer = s.invoke(api, request, "ApiFunction")
    assert answer["statusCode"] in (200, 201), answer


def _items_in(body: str) -> int:
    from lxml import etree

    return len(etree.fromstring(body.encode()).findall("./channel/item"))


def run(sizes: tuple[int, ...] = SIZES, runs: int = 10) -> ShowResult:
    started = time.perf_counter()
    s.set_env()
    feeds = s.import_handler("feeds")
    api = s.import_handler("api")
    result = ShowResult(sizes=sizes, runs=runs)
    with s.moto_table(feeds, api) as moto:
        from contentfeed.logic.keys import create_key
        from tests.bench.bench_requests import KEY

        now = s.now_utc()
        create_key(feeds.get_store(), name="bench", now=now, key=KEY)
        with s.quiet():
            create_show(api)
        every = episodes_for(max(sizes), newest=now - timedelta(hours=1))
        renders = RenderCounter(feeds)
        stored = 0
        for size in sizes:
            s.bulk_load(moto.client, every[stored:size], markers_of=every[:size])
            stored = size
            # The full feed is counted on its first call (write=True: no warm-up call first;
            # each call of a 1,000-episode feed on moto takes seconds, as moto scans the table
            # per Query page). Its answer gives the body's size and the ETag for the 304.
            full = Route(
                FULL, "feeds", lambda _: s.event("GET", FEED, resource=RESOURCE), write=True
            )
            full.moto_runs = 0
            measured = probe(full, feeds, moto, renders)
            result.routes.setdefault(FULL, {})[size] = measured
            assert measured.replay is not None
            first = measured.replay.answer
            etag = s.header(first, "ETag")
            assert etag
            result.gzipped[size] = len(gzip.compress(first["body"].encode(), 6))
            result.episodes_in_feed[size] = _items_in(first["body"])
            not_modified = Route(
                NOT_MODIFIED,
                "feeds",
                lambda _, tag=etag: s.event(
                    "GET", FEED, resource=RESOURCE, headers={"If-None-Match": tag}
                ),
                status=304,
            )
            not_modified.moto_runs = 0
            result.routes.setdefault(NOT_MODIFIED, {})[size] = probe(
                not_modified, feeds, moto, renders
            )
        renders.restore()
        everything = [by_size[size] for by_size in result.routes.values() for size in sizes]
        time_replayed(everything, moto.raw, runs)
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    result = run()
    for name, by_size in result.routes.items():
        for size, r in by_size.items():
            print(
                f"{name} @ {size}: {r.status} {r.ops} items={r.items_read} "
                f"bytes_read={r.bytes_read} rru={r.rru:g} body={r.body_bytes} "
                f"gzip={result.gzipped.get(size)} rendered={r.rendered} "
                f"code={s.median(r.code) * 1000:.2f} ms"
            )
    print(f"episodes in feed: {result.episodes_in_feed}; {result.seconds:.0f} s")


if __name__ == "__main__":
    main()
