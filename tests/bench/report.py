"""docs/performance.md and the console summary, from one run's results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tests.bench import bench_capacity as capacity
from tests.bench import bench_local as local_server
from tests.bench import bench_rendering as rendering
from tests.bench import support as s
from tests.bench.bench_coldstart import API_REQUESTS, ColdStartResult
from tests.bench.bench_rendering import RenderingResult
from tests.bench.bench_requests import (
    OPENAPI_UNCACHED,
    RSS_DECODED_AFRESH,
    RequestsResult,
    RouteResult,
    pending_route,
)
from tests.bench.bench_scale import ScaleResult
from tests.bench.bench_shows import FULL as SHOW_FEED
from tests.bench.bench_shows import NOT_MODIFIED as SHOW_304
from tests.bench.bench_shows import NOTES as SHOW_NOTES
from tests.bench.bench_shows import ShowResult

RSS = "GET /feed.xml (RSS)"
NOT_MODIFIED = "GET /feed.xml If-None-Match (304)"
HOME = "GET / (HTML, browser)"
FIRST_PAGES = (
    RSS,
    "GET /atom.xml",
    "GET /feed.json",
    "GET /tags/{tag}/feed.xml",
    "GET /authors/{author}/atom.xml",
    HOME,
    "GET /feed.xml?cursor= (page 2)",
    "HEAD /feed.xml",
)
OPENAPI = "GET /openapi.json"
FORMATS = ("RSS 2.0", "Atom 1.0", "JSON Feed 1.1")
MAX_RATIO = 1.2
MAX_COLD = 1.25
MAX_PAGE_RRU = 6
"""A feed's first page of 20 realistic articles: at most a third of the 19 RRU it read before."""
MAX_CREATE_WRU = 40
MAX_FIRST_RENDER = 2.0
"""A container's first render of 100 articles, against the warm render of the same articles."""
RENDER_SHARE = 0.5
"""A render is "well under" the round trip when it takes less than half of its client side."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def money(value: float) -> str:
    if value >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def count(value: float) -> str:
    if value >= 1e9:
        return f"{value / 1e9:.2f} B"
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    if value >= 1e4:
        return f"{value / 1e3:.0f} k"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


@dataclass
class Report:
    info: dict[str, Any]
    cold: ColdStartResult
    warm: RequestsResult
    rendering: RenderingResult
    scale: ScaleResult
    sim: capacity.SimResult
    elapsed: float
    quick: bool = False
    local: local_server.LocalResult | None = None
    shows: ShowResult | None = None

    # ----------------------------------------------------------------------- derived

    def route(self, name: str) -> RouteResult:
        return self.warm.routes[name]

    def inputs(self) -> capacity.ModelInputs:
        rss = self.route(RSS)
        return capacity.ModelInputs(
            share_304=self.sim.share_304,
            getitem_per_request=self.sim.per_request("GetItem"),
            query_per_request=self.sim.per_request("Query"),
            query_rru=rss.rru,
            getitem_rru=self.route(NOT_MODIFIED).rru,
            handler_304_s=s.median(self.route(NOT_MODIFIED).code),
            handler_200_s=s.median(rss.code),
            body_200_bytes=rss.body_bytes,
            body_200_gzip_bytes=self.rendering.rows[("RSS 2.0", 20)].gzipped,
        )

    def cold_ratio(self, name: str) -> float:
        targets = self.cold.targets
        return s.median(targets[name].inner) / s.median(targets["floor"].inner)

    def lambda_ratio(self, name: str) -> float:
        """As Lambda runs it: without awscrt, for the function and the floor alike."""
        like = self.cold.lambda_like
        return s.median(like[name].inner) / s.median(like["floor"].inner)

    def query_client_side(self, items: int) -> float:
        """The client side of the Query that reads ``items`` entries: botocore parsing its
        answer, then decoding the items into articles. With entries packed into one compressed
        value, most of what botocore did per attribute moved into that decode, so the two
        count together."""
        rows = self.rendering.rows
        return rows[(rendering.QUERY, items)].median + rows[(rendering.DECODE, items)].median

    def targets(self) -> list[tuple[str, str, str]]:
        rows = []
        first = {name: self.route(name).ops for name in FIRST_PAGES}
        look = self.warm.lookahead
        covered = {n: self.route(pending_route(n)) for n in sorted({1, look}) if n > 0}
        beyond = self.route(pending_route(look + 1))
        # The home page is HTML for browsers: one Query for its articles and one for the list
        # of podcast shows it links (tests/integration/test_operation_counts.py pins both).
        expected = {name: "Query ×2" if name == HOME else "Query" for name in FIRST_PAGES}
        ok = first == expected and all(r.ops == "Query" for r in covered.values())
        pending = "; ".join(f"{n} pending: {r.ops}" for n, r in covered.items())
        _, first_in_container = self.warm.lookahead_cases["1 scheduled pending"]
        rows.append(
            (
                "A feed request costs 1 DynamoDB Query",
                f"{sum(first[n] == expected[n] for n in first if n != HOME)} of "
                f"{len(first) - 1} feed routes (RSS, Atom, JSON, tag, author, page 2, HEAD): "
                f"1 Query; the HTML home page: {first[HOME]} (its articles, then the shows it "
                "links); with scheduled articles pending above the newest entries, in a "
                f"container that read the feed before, {pending} (read ahead, as its marker "
                f"listed them); {look + 1} pending: {beyond.ops} (a second Query jumps over "
                f"them); a container's first request for the feed, with one pending: "
                f"{first_in_container.ops}",
                verdict(ok),
            )
        )
        conditional = [
            self.route(NOT_MODIFIED),
            self.route("GET /feed.xml If-Modified-Since (304)"),
        ]
        ok = all(r.ops == "GetItem" and r.rendered is False for r in conditional)
        rows.append(
            (
                "A 304 costs 1 GetItem and no rendering",
                f"1 {conditional[0].ops}, {conditional[0].rru:g} RRU, rendered: no "
                f"({ms(s.median(conditional[0].code))} ms vs {ms(s.median(self.route(RSS).code))}"
                " ms for the full feed)",
                verdict(ok),
            )
        )
        worst_code = max(self.scale.ratio(name, "code") for name in self.scale.routes)
        worst_items = max(self.scale.ratio(name, "items") for name in self.scale.routes)
        worst_ops = max(self.scale.ratio(name, "ops") for name in self.scale.routes)
        big, small = self.scale.sizes[-1], self.scale.sizes[0]
        short = self._scale_short()
        rows.append(
            (
                f"{big:,} stored articles cost within {MAX_RATIO}× of {small:,}",
                f"handler time ≤ {worst_code:.2f}×, items read ≤ {worst_items:.2f}×, "
                f"operations ≤ {worst_ops:.2f}× (site feed, tag feed, GET /articles)"
                + (f"; items differ only where a feed is not full yet: {short}" if short else ""),
                verdict(max(worst_code, worst_items, worst_ops) <= MAX_RATIO),
            )
        )
        for name in self.cold.targets:
            if name == "floor":
                continue
            like = self.cold.lambda_like
            like_ratio = self.lambda_ratio(name)
            rows.append(
                (
                    f"Cold start of {name} within {MAX_COLD}× the floor, as Lambda runs it",
                    f"{ms(s.median(like[name].inner))} ms vs "
                    f"{ms(s.median(like['floor'].inner))} ms without awscrt: {like_ratio:.2f}× "
                    f"({self.cold_ratio(name):.2f}× with this venv's awscrt)",
                    verdict(like_ratio <= MAX_COLD),
                )
            )
        rows_ = self.rendering.rows
        hundred = [rows_[(f, 100)] for f in FORMATS]
        first100 = [rows_[(f + rendering.FIRST, 100)] for f in FORMATS]
        twenty = [rows_[(f, 20)] for f in FORMATS]
        parse100 = rows_[(rendering.QUERY, 100)].median
        decode100 = rows_[(rendering.DECODE, 100)].median
        kept100 = rows_[(rendering.DECODE_KEPT, 100)].median
        query100 = self.query_client_side(100)
        rows.append(
            (
                f"Rendering 100 items well under a DynamoDB round trip (here: under "
                f"{RENDER_SHARE:.0%} of the client side alone of the Query that reads them)",
                "100 items, entries memoised (a warm container): "
                + ", ".join(f"{r.name} {ms(r.median)} ms" for r in hundred)
                + f" against {ms(query100)} ms for botocore to parse those 100 items "
                f"({ms(parse100)} ms) and decode them into articles ({ms(decode100)} ms the "
                f"first time, {ms(kept100)} ms kept in a warm container) "
                f"({max(r.median for r in hundred) / query100:.2f}× at most; "
                f"{max(r.median for r in hundred) / parse100:.2f}× botocore's parse alone); "
                "first render "
                f"of the same 100 articles in a container: "
                + ", ".join(f"{ms(r.median)}" for r in first100)
                + " ms; 20 items (the page size), warm: "
                + ", ".join(f"{ms(r.median)}" for r in twenty)
                + " ms",
                verdict(max(r.median for r in hundred) < RENDER_SHARE * query100),
            )
        )
        store = self.rendering.storage
        rss, create = self.route(RSS), self.route("POST /articles")
        rows.append(
            (
                f"A feed's first page (20 articles of ~5 kB HTML) costs ≤ {MAX_PAGE_RRU} RRU and "
                f"a create ≤ {MAX_CREATE_WRU} WRU",
                f"first page {rss.rru:g} RRU measured on moto ({rss.items_read} items, "
                f"{rss.bytes_read / 1024:.1f} KiB); from item sizes in this run "
                f"{store['page_rru_now']:g} RRU ({store['page_bytes_now'] / 1024:.1f} KiB) against "
                f"{store['page_rru_unpacked']:g} RRU ({store['page_bytes_unpacked'] / 1024:.1f} "
                f"KiB) with entries unpacked and no dictionary, "
                f"{store['page_rru_before']:g} RRU ({store['page_bytes_before'] / 1024:.1f} KiB) "
                f"with the HTML stored as text; a create in {store['create_feeds']:g} feeds "
                f"{create.wru:g} WRU measured ({store['create_wru_now']:g} from item sizes) "
                f"against {store['create_wru_unpacked']:g} unpacked and "
                f"{store['create_wru_before']:g} with the HTML as text",
                verdict(rss.rru <= MAX_PAGE_RRU and create.wru <= MAX_CREATE_WRU),
            )
        )
        ratios = [
            (warm, first, first.median / warm.median)
            for warm, first in zip(hundred, first100, strict=True)
        ]
        rows.append(
            (
                f"A container's first render of 100 articles within {MAX_FIRST_RENDER:g}× of the "
                "warm render",
                "; ".join(
                    f"{warm.name} {ms(first.median)} ms first vs {ms(warm.median)} ms warm: "
                    f"{ratio:.2f}×"
                    for warm, first, ratio in ratios
                )
                + " (rendered from stored entries, their HTML prepared when written; "
                f"preparing 100 entries: {ms(rows_[(rendering.PREPARE_STORED, 100)].median)} ms "
                f"from stored entries, {ms(rows_[(rendering.PREPARE, 100)].median)} ms afresh). "
                "Once per container on top, in a fresh process: importing the renderer "
                + ", ".join(
                    f"{ms(rows_[(f + rendering.FRESH_IMPORT, 100)].median)}" for f in FORMATS
                )
                + " ms (counted in Cold start), then its first render "
                + ", ".join(f"{ms(rows_[(f + rendering.FRESH, 100)].median)}" for f in FORMATS)
                + " ms (see Rendering)",
                verdict(max(ratio for _, _, ratio in ratios) <= MAX_FIRST_RENDER),
            )
        )
        rows.append(self._cdn_target())
        if self.local is not None:
            rows.append(self._local_target(self.local))
        if self.shows is not None:
            rows.append(self._shows_target(self.shows))
        rows.append(self._duration_target())
        return rows

    def _duration_target(self) -> tuple[str, str, str]:
        """The run's wall time, next to what the machine was doing meanwhile: a shared machine's
        load stretches every part, so the load average over the run and the run's own CPU time
        stand beside it."""
        info = self.info
        load = info.get("load") or {"mean": info["load_start"][0], "max": info["load_start"][0]}
        measured = (
            f"{self.elapsed / 60:.1f} min wall on {info['nproc']} cores, load average "
            f"{load['mean']:.1f} on average over the run (at most {load['max']:.1f}; "
            f"{info['load_start'][0]:.1f} at the start, {info['load_end'][0]:.1f} at the end)"
        )
        if "cpu_seconds" in info:
            measured += f"; the run's own CPU time {info['cpu_seconds'] / 60:.1f} min"
        return (
            "`make bench` under 10 minutes on 2 cores",
            measured,
            verdict(self.elapsed < 600),
        )

    def _time_section(self) -> str:
        """Where the run's time went: each part's wall time, in the lane that ran it."""
        info = self.info
        steps: dict[str, float] = info.get("steps") or {}
        lane: dict[str, float] = info.get("second_lane") or {}
        if not steps:
            return ""
        rows = [(name, "main", f"{seconds:.0f}") for name, seconds in steps.items()]
        rows += [(name, "second", f"{seconds:.0f}") for name, seconds in lane.items()]
        load = info.get("load") or {}
        return f"""## Where the time went

The run took {self.elapsed / 60:.1f} min of wall time and {info.get("cpu_seconds", 0) / 60:.1f} min
of CPU time (itself and every process it started). Cold starts ran first, alone; then two lanes
ran side by side: the main one times, one after the other, what is compared in wall-clock time
against a floor; the second runs the capacity simulation (it only counts) and then the local
server (compared in CPU time). The
machine's 1-minute load average, sampled every 10 s, was {load.get("mean", 0):.1f} on average
and {load.get("max", 0):.1f} at most, for {info["nproc"]} cores: above the core count, every part
waits for a core and takes longer than on an idle machine.

{table(("part", "lane", "wall s"), rows)}"""

    # ------------------------------------------------------------------------- text

    def console(self) -> str:
        parts = [table(("target", "measured", ""), self.targets())]
        parts.append(self._warm_table(brief=True))
        return "\n\n".join(parts)

    def markdown(self) -> str:
        sections = [
            self._header(),
            "## Targets\n\n" + table(("target", "measured", "verdict"), self.targets()),
            self._cold_section(),
            self._warm_section(),
            self._not_modified_section(),
            self._scale_section(),
            *([self._local_section(self.local)] if self.local is not None else []),
            self._rendering_section(),
            self._capacity_section(),
            self._cdn_section(),
            self._shows_section(),
            self._findings_section(),
            self._time_section(),
        ]
        return "\n\n".join(section for section in sections if section) + "\n"

    def _header(self) -> str:
        info = self.info
        packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
        quick = (
            "\n\n> **Smoke run (`--quick`)**: few repetitions; the numbers are not meaningful.\n"
            if self.quick
            else ""
        )
        return f"""# Performance

_Written by `make bench` (`python -m tests.bench`, the suite in `tests/bench/`) on
{info["date"]}; every run rewrites this file. Do not edit it by hand._{quick}

**Machine:** {info["nproc"]} CPUs ({info["cpu"]}), {info["memory"]}, {info["os"]},
{info["implementation"]} {info["python"]}. Load average {info["load_start"][0]:.2f} when the run
started and {info["load_end"][0]:.2f} when it ended: this machine is shared, so absolute times
wander from run to run. Every number below therefore stands next to a floor measured in the same
run, interleaved with it sample by sample. Packages: {packages}.

**How to read it.**

- *Floors.* Cold start: a fresh interpreter running `import boto3; boto3.client("dynamodb")`.
  Requests: the very same DynamoDB calls made directly with a bare boto3 client. Rendering:
  `json.dumps` of the same items.
- *DynamoDB answered instantly.* moto's own time (it scans the whole table on every Query and
  serialises items slowly) says nothing about DynamoDB, so each request is run on moto once,
  where its operations, the items and bytes they read and the read units DynamoDB would bill
  are counted, and moto's raw HTTP answers are recorded. The handler is then timed with botocore
  handed those recorded answers at `before-send`: botocore still builds, signs and parses every
  call, so the time is the handler's whole cost except the network and DynamoDB's service time.
  The on-moto latency is listed too, for completeness.
- *RRU* are DynamoDB read request units as billed: 0.5 per 4 KB (rounded up per request) for an
  eventually consistent read, 1 for a consistent one; computed from the sizes of the items each
  call returned. *WRU* estimate transactional writes as 2 per KB per item (1 KB assumed for
  updates and deletes).
- Times are on this machine's cores. A 512 MB Lambda function gets about 512/1769 of a vCPU, so
  CPU-bound work there takes roughly 3.5× as long (the capacity model below uses that factor)."""

    def _cold_section(self) -> str:
        cold = self.cold
        rows = []
        for name, target in cold.targets.items():
            like = cold.lambda_like[name]
            rows.append(
                (
                    f"`{name}`" if name != "floor" else "floor (boto3 + client)",
                    ms(s.median(target.inner)),
                    ms(s.p95(target.inner)),
                    f"{self.cold_ratio(name):.2f}×",
                    ms(target.median),
                    f"{target.median / cold.targets['floor'].median:.2f}×",
                    ms(s.median(like.inner)),
                    f"{s.median(like.inner) / s.median(cold.lambda_like['floor'].inner):.2f}×",
                    "yes" if target.pydantic else "no",
                )
            )
        main = table(
            (
                "function",
                "import + client, median ms",
                "p95 ms",
                "× floor",
                "whole process, median ms",
                "× floor",
                "without awscrt, median ms",
                "× floor",
                "pydantic loaded",
            ),
            rows,
        )
        floor = s.median(cold.targets["floor"].inner)
        pieces = table(
            ("piece", "import on top of the floor, median ms", "share of the floor", "who pays"),
            [
                (f"`{label}`", ms(cost), f"{cost / floor:.0%}", who)
                for label, (cost, who) in cold.pieces.items()
            ],
        )
        before_rows = []
        for name, before in cold.before_limits.items():
            then, now = s.median(before.inner), s.median(cold.targets[name].inner)
            before_rows.append(
                (
                    f"`{name}`",
                    ms(then),
                    f"{then / floor:.2f}×",
                    "yes" if before.pydantic else "no",
                    ms(now),
                    f"{self.cold_ratio(name):.2f}×",
                    "yes" if cold.targets[name].pydantic else "no",
                    ms(then - now),
                )
            )
        before_limits = table(
            (
                "function",
                "as before: with `contentfeed.models.api`, ms",
                "× floor",
                "pydantic loaded",
                "now, ms",
                "× floor",
                "pydantic loaded",
                "saved, ms",
            ),
            before_rows,
        )
        first = cold.first_304
        api = cold.first_api
        openapi_models = cold.pieces["Powertools OpenAPI models"][0]
        api_rows = [
            (
                f"`{label}`",
                "/".join(str(code) for code in sorted(api.statuses[key])),
                ms(s.median(api.times[key])),
                ms(s.p95(api.times[key])),
                "yes" if api.openapi_loaded[key] else "no",
            )
            for label in API_REQUESTS
            if (key := label.replace(" ", "_")) in api.times
        ]
        api_table = table(
            ("request", "status", "median ms", "p95 ms", "OpenAPI models loaded by then"), api_rows
        )
        tops = []
        for name in [n for n in cold.importtime if n != "floor"] + ["floor"]:
            listed = ", ".join(f"`{module}` {ms(t)}" for module, t in cold.importtime[name])
            packages = ", ".join(f"`{pkg}` {ms(t)}" for pkg, t in cold.packages[name])
            tops.append(
                f"- **{name}** — biggest imports (ms, cumulative, none inside another): {listed}.\n"
                f"  Own time by package: {packages}."
            )
        return f"""## Cold start

A fresh `python -c` process per run (cwd = repository root, the functions' environment from
template.yaml's Globals, fake credentials) imports `functions.<name>.app` and builds its client
with `get_store().client`; {cold.runs} runs per function, interleaved with the floor. "Import +
client" is timed inside the process (what Lambda's init phase pays for the module); "whole
process" adds interpreter start and exit. This venv has `awscrt` (aws-sam-cli brings it), which
botocore imports when present; Lambda's runtime and the layer do not have it, so the runs
"without awscrt" hide it (`sys.modules["awscrt"] = None`) for floor and function alike.

{main}

What the pieces cost, each imported in a fresh process after the floor ({cold.piece_runs} runs, median):

{pieces}

`contentfeed.http.request` takes `MAX_BODY_BYTES` from `contentfeed.limits` (no pydantic) and no
longer from `contentfeed.models.api`, so the feeds and authorizer functions do not load pydantic
and the API models. What that saves, measured in the same rounds as the table above by importing
`contentfeed.models.api` ahead of the handler, which loads what those functions loaded before:

{before_limits}

A cold feeds container whose first request is a 304: {len(first.first)} fresh processes, each
importing the handler and building its client ({ms(s.median(first.init))} ms, median), then
answering `If-None-Match: *` twice from one GetItem (answered at `before-send`, no network):
**first 304 {ms(s.median(first.first))} ms** (p95 {ms(s.p95(first.first))}), second
{ms(s.median(first.second))} ms; statuses {", ".join(f"{a}/{b}" for a, b in sorted(first.statuses))};
feedgen, lxml or the RSS renderer loaded by it: **{"yes" if first.renderer_loaded else "no"}**.
Importing `contentfeed.rendering.rss` afterwards in the same process, which the first 304 paid
before the feeds function handed `serve_feed` a renderer factory, takes
{ms(s.median(first.renderer))} ms: the first RSS render still pays it.

A cold API container: {len(api.init)} fresh processes, each importing the handler and building
its client ({ms(s.median(api.init))} ms, median), then answering these requests in turn, every
DynamoDB call answered at `before-send` with an empty result:

{api_table}

The API function builds its validating resolver (Powertools' event handler, pydantic and the
API models) on the first request that needs it, not at import: a write, or a read whose
parameters are not plainly valid. That cost moved from the container's init to its first write
(the `POST /articles` row above), it was not removed. The public reads with plainly valid
parameters (`GET /articles`, `GET /articles/{{id}}`, `GET /shows`, `GET /shows/{{slug}}`) are
answered without it, their JSON written
by hand (tests hold it, and the parameter checks, to the models and to the resolver's own
answers), and `/openapi.json` and `/docs` are served from the checked-in document; Powertools' OpenAPI models (pydantic models of the whole OpenAPI specification,
{ms(openapi_models)} ms on top of the floor here) are loaded by no request at all.

`-X importtime`, one run per function:

{chr(10).join(tops)}"""

    def _warm_table(self, *, brief: bool = False) -> str:
        rows = []
        for result in self.warm.routes.values():
            code, floor = result.code, result.floor
            row = [
                result.name,
                result.status,
                result.ops,
                result.items_read,
                f"{result.bytes_read / 1024:.1f}",
                f"{result.rru:g}" + (f" / {result.wru:g} WRU" if result.wru else ""),
                f"{ms(s.median(code))} / {ms(s.p95(code))}",
                f"{ms(s.median(floor))} / {ms(s.p95(floor))}" if floor else "—",
                f"{result.ratio:.2f}×" if floor else "—",
                ms(result.overhead) if floor else ms(s.median(code)),
            ]
            if not brief:
                moto_floor = ms(s.median(result.moto_floor)) if result.moto_floor else "—"
                row.append(f"{ms(s.median(result.moto))} / {moto_floor}")
                row.append({True: "yes", False: "no", None: ""}[result.rendered])
            rows.append(row)
        headers = [
            "route",
            "status",
            "DynamoDB operations",
            "items read",
            "KiB read",
            "RRU",
            "handler median / p95 ms",
            "floor median / p95 ms",
            "× floor",
            "handler's own ms",
        ]
        if not brief:
            headers += ["on moto: handler / raw calls, median ms", "rendered"]
        return table(headers, rows)

    def _warm_section(self) -> str:
        return f"""## Warm requests

Every route in-process on one moto table built from template.yaml holding 30 realistic articles
(~5 kB of HTML each, 2 of 10 tags, 1 of 20 authors, an image), {self.warm.runs} timed requests
each with DynamoDB answered instantly (see above), alternating with the floor: the same DynamoDB
calls made with a bare boto3 client. "Handler's own" is the difference of the medians: routing,
Powertools, (de)serialising items, rendering, the response. Writes are timed the same way (their
answers replayed, so nothing changes); on moto they are run once (moto copies the whole table in
every transaction, about a second each here). `{OPENAPI_UNCACHED}` empties the document's
cache before each request: what the first request for a base URL costs in a container. The
last rows are the site feed's first page with scheduled articles waiting above the newest
entries, in a container that has read the feed before: its Query reads as many entries beyond
the page and its look-ahead entry as the marker listed pending (up to
{self.warm.lookahead}), so one more pending article than that needs a second Query (a
container's first request for the feed reads {self.warm.lookahead} ahead: see Findings). The
feed rows render warm: after
the first request the articles' entries and feed items are memoised, as in a container that has
served them before (a container's first render of an article is in Rendering).

{self._warm_table()}"""

    def _not_modified_section(self) -> str:
        full = self.route(RSS)
        cached = self.route(NOT_MODIFIED)
        stale = self.route("GET /feed.xml stale If-None-Match (200)")
        return f"""## The 304 path

| | full RSS feed (200) | If-None-Match matches (304) | If-None-Match stale (200) |
|---|---|---|---|
| DynamoDB | {full.ops}, {full.items_read} items, {full.bytes_read / 1024:.0f} KiB, {full.rru:g} RRU | {cached.ops}, {cached.bytes_read} bytes, {cached.rru:g} RRU | {stale.ops}, {stale.rru:g} RRU |
| rendered | {"yes" if full.rendered else "no"} | {"yes" if cached.rendered else "no"} | {"yes" if stale.rendered else "no"} |
| handler median ms | {ms(s.median(full.code))} | {ms(s.median(cached.code))} | {ms(s.median(stale.code))} |
| floor (same calls, boto3) ms | {ms(s.median(full.floor))} | {ms(s.median(cached.floor))} | {ms(s.median(stale.floor))} |
| response body | {full.body_bytes:,} bytes | 0 | {stale.body_bytes:,} bytes |

A 304 costs {s.median(cached.code) / s.median(full.code):.0%} of a full answer in handler time and
{cached.rru / full.rru:.0%} of its read units; a reader whose copy is stale pays the marker read on
top of the full answer ({stale.rru:g} RRU)."""

    def _scale_section(self) -> str:
        scale = self.scale
        rows = []
        for name, by_size in scale.routes.items():
            base = by_size[scale.sizes[0]]
            for size, result in by_size.items():
                counts = ", ".join(f"{c}/{sc}" for c, sc in result.query_counts)
                rows.append(
                    (
                        name,
                        f"{size:,}",
                        result.ops,
                        counts,
                        f"{result.bytes_read / 1024:.1f}",
                        f"{result.rru:g}",
                        ms(s.median(result.code)),
                        f"{s.median(result.code) / s.median(base.code):.2f}×",
                        ms(s.median(result.moto)),
                        ms(s.median(result.moto_floor)) if result.moto_floor else "—",
                    )
                )
        ratios = table(
            (
                "route",
                "handler time",
                "items read",
                "read units",
                "operations",
                "on moto (not the criterion, see below)",
            ),
            [
                (
                    name,
                    f"{scale.ratio(name, 'code'):.2f}×",
                    f"{scale.ratio(name, 'items'):.2f}×",
                    f"{scale.ratio(name, 'rru'):.2f}×",
                    f"{scale.ratio(name, 'ops'):.2f}×",
                    f"{scale.ratio(name, 'moto'):.2f}×",
                )
                for name in scale.routes
            ],
        )
        loads = ", ".join(
            f"{size:,} articles: {scale.load_items[size]:,} items in "
            f"{scale.load_seconds[size]:.1f} s"
            for size in scale.sizes
        )
        per_item = sum(scale.load_seconds.values()) / sum(scale.load_items.values())
        short = self._scale_short()
        short_note = (
            f" Where they differ ({short}), the smaller table's feed holds fewer entries than a"
            " first page's Query reads (the page, the marker and the look-ahead entry), so that"
            " Query stops early: the feed filling up, not"
            " cost growing with the table."
            if short
            else ""
        )
        return f"""## Scale: {", ".join(f"{n:,}" for n in scale.sizes)} stored articles

One table grows in steps; every article added is older than those already stored, so the first
page is the same at every size and only the number of stored articles changes. The tag feed holds
a fifth of all articles. Items are loaded in the store's own shapes (`contentfeed.dal.items`;
`tests/integration/test_operation_counts.py` checks the loader writes exactly what the logic
writes), each handed to moto's `put_item` as its BatchWriteItem would after parsing the request:
{loads} ({per_item * 1000:.1f} ms an item). Through the logic,
one article (one TransactWriteItems) took {scale.transaction_seconds:.1f} s on moto at
{scale.sizes[0]:,} articles, because moto copies every table in each transaction, so loading
{scale.sizes[-1]:,} that way would take hours. Handler times are {scale.runs} samples each, all
sizes and routes interleaved.

{table(("route", "stored articles", "operations", "Query Count/ScannedCount", "KiB read", "RRU", "handler median ms", "× smallest", "on moto: handler ms", "on moto: raw Query ms"), rows)}

Largest over smallest:

{ratios}

DynamoDB's latency and bill follow the items and bytes a Query reads, which stay the same.{short_note} moto's
own time grows with the table because it walks every item of the table for each Query (DynamoDB
reads only the key range a Query asks for); the on-moto columns are also a few runs each, not
interleaved, taken while the capacity simulation runs in the other process, so they are only
indicative."""

    def _local_target(self, local: local_server.LocalResult) -> tuple[str, str, str]:
        small, large = local.sizes[0], local.sizes[-1]
        ratios = {name.split()[0]: local.ratio(name) for name in local_server.REQUESTS}
        worst = max(ratios.values())
        return (
            f"The local server (embedded moto) at {large:,} articles within "
            f"{local_server.MAX_RATIO}× of {small:,}; loading {large:,} through the API "
            "takes minutes",
            ", ".join(f"{name} {ratio:.2f}×" for name, ratio in ratios.items())
            + f" (CPU time); loading {large:,} articles one POST at a time: "
            f"{local.load_seconds / 60:.1f} min",
            verdict(worst <= local_server.MAX_RATIO and local.load_seconds < 3600),
        )

    def _local_section(self, local: local_server.LocalResult) -> str:
        small, large = local.sizes[0], local.sizes[-1]
        rows = [
            (
                name,
                f"{local.median_cpu_ms[name][str(small)]:.1f} ({local.median_ms[name][str(small)]:.1f})",
                f"{local.median_cpu_ms[name][str(large)]:.1f} ({local.median_ms[name][str(large)]:.1f})",
                f"{local.ratio(name):.2f}×",
            )
            for name in local_server.REQUESTS
        ]
        fast = (
            "on (moto is the checked version)"
            if local.fast_paths
            else "**off**: the installed moto is not the checked version"
        )
        return f"""## The local server: {small:,} and {large:,} articles

`contentfeed serve` with its embedded moto DynamoDB, driven over HTTP as a publisher would:
{large:,} articles created one `POST /articles` at a time (authorizer, API function,
`TransactWriteItems`), then at each size the median of {local.runs} requests. Times are
milliseconds of the process's CPU time (client and server in one process: what a request costs,
whatever else this shared machine runs), wall-clock in brackets. The engine's fast paths
(`src/contentfeed_cli/local/engine.py`) were {fast}.

{table(("request", f"{small:,} articles", f"{large:,} articles", "ratio"), rows)}

Loading all {large:,} articles took {local.load_seconds:.0f} s. Without the fast paths moto
copies the whole table for every item of every transaction and sorts the whole table for every
Query: a create took about 5 s at 100 articles here, so the same load would take hours."""

    def _scale_short(self) -> str:
        """Where a feed at a smaller size holds fewer entries than its first Query reads."""
        scale = self.scale
        notes = []
        for name, by_size in scale.routes.items():
            counts = [by_size[size].items_read for size in scale.sizes]
            if len(set(counts)) > 1:
                listed = ", ".join(
                    f"{c} at {n:,}" for c, n in zip(counts, scale.sizes, strict=True)
                )
                notes.append(f"{name} reads {listed} articles")
        return "; ".join(notes)

    def _rendering_section(self) -> str:
        rows = []
        for (name, items), row in self.rendering.rows.items():
            rows.append(
                (
                    name,
                    items,
                    ms(row.median),
                    f"{row.median / items * 1e6:.0f}",
                    f"{row.size:,}" if row.size else "—",
                    f"{row.size / items:,.0f}" if row.size else "—",
                    f"{row.gzipped:,}" if row.gzipped else "—",
                    row.items,
                )
            )
        return f"""## Rendering

`(FeedInfo, articles) -> bytes` as the feeds function calls it (through `fit_budget`), for 20 (the
default page) and 100 (the largest `FeedSize`) realistic articles with distinct text; median of
{len(self.rendering.rows[("RSS 2.0", 100)].samples)}–{len(self.rendering.rows[("RSS 2.0", 20)].samples)} runs, renderers interleaved. The byte budget is {self.rendering.budget:,}
bytes; "in document" shows whether it cut a page short (that costs extra renders).

A renderer prepares each article once per warm container: `feed_entry` (every text XML-clean,
every URL absolute, the HTML's links resolved) and what each format builds from it (the RSS
item's and Atom entry's lxml elements, the JSON Feed item's UTF-8 text) are kept, keyed by the
article's whole value, so an edit is a new key and nothing kept goes stale; one LRU bounded by
the HTML it holds (`CACHE_CHARS`) keeps them. The
plain rows are what a warm container pays for articles it has rendered before (every poll after
the first, an article's neighbours after a change, the same article in its site, tag and author
feeds); the "first render" rows empty every cache before each run, in a process that has
rendered before. The "fresh process" rows are what a new container pays once on top
({len(self.rendering.rows[("RSS 2.0" + rendering.FRESH, 100)].samples)} new interpreters per
format, median): importing the renderer (feedgen and lxml for RSS and Atom; Cold start counts
it too), then its very first render of the same 100 stored articles. That first render costs
several times the in-process one, for what a new process does on first use rather than for
the articles: the garbage collector's full passes over everything the imports left (measured
aside: a third to a half of it goes with collection disabled during the render) and memory the
process touches for the first time. The `DynamoDB Query` row is the client
side of the DynamoDB round trip that reads these items: a boto3 `Query` answered at
`before-send` with exactly these items, which botocore still parses and turns into Python
values; network and DynamoDB's own time come on top, so it is a lower bound.

{table(("renderer", "items", "median ms", "µs per item", "bytes", "bytes per item", "gzip bytes", "in document"), rows)}"""

    def _capacity_section(self) -> str:
        sim = self.sim
        inputs = self.inputs()
        rows = capacity.model(inputs)
        per_client = []
        for kind, statuses in sorted(sim.by_client.items()):
            total = sum(statuses.values())
            per_client.append((kind, f"{total:,}", f"{statuses.get('304', 0) / total:.1%}"))
        load = table(
            (
                "subscribers",
                "polls/s",
                "requests/month",
                "Lambda GB-s/month",
                "RRU/month",
                "FEED#site RRU/s",
                "Lambda concurrency",
                "transfer GB/month",
            ),
            [
                (
                    f"{r['subscribers']:,}",
                    count(r["requests_per_s"]),
                    count(r["requests_per_month"]),
                    count(r["gb_seconds"]),
                    count(r["rru_per_month"]),
                    count(r["site_partition_rru_per_s"]),
                    f"{r['lambda_concurrency']:.2f}",
                    count(r["transfer_gb"]),
                )
                for r in rows
            ],
        )
        costs = table(
            (
                "subscribers",
                "API Gateway",
                "Lambda",
                "DynamoDB",
                "data out",
                "**total, no CDN**",
                "origin requests/s behind CloudFront",
                "CloudFront",
                "origin (API GW + Lambda + DynamoDB)",
                "**total with CloudFront**",
            ),
            [
                (
                    f"{r['subscribers']:,}",
                    money(r["direct"]["api_gateway"]),
                    money(r["direct"]["lambda"]),
                    money(r["direct"]["dynamodb"]),
                    money(r["direct"]["transfer"]),
                    f"**{money(r['direct_total'])}**",
                    f"{r['origin_per_s']:.2f} ({r['origin_share']:.0%})",
                    money(r["cdn"]["cloudfront"]),
                    money(r["cdn"]["api_gateway"] + r["cdn"]["lambda"] + r["cdn"]["dynamodb"]),
                    f"**{money(r['cdn_total'])}**",
                )
                for r in rows
            ],
        )
        found = capacity.limits(inputs)
        limit_rows = [(name, f"{subscribers:,.0f}", note) for name, subscribers, note in found]
        first_name, first_at, _ = found[0]
        cdn_top = rows[-1]
        queries, answers = sim.operations.get("Query", 0), sim.statuses.get("200", 0)
        extra_note = (
            f"so {queries - answers:,} second Queries (more scheduled articles pending than the "
            "look-ahead reads)"
            if queries > answers
            else "one each: the scheduled article cost no second Query while it was pending"
        )
        entries = self.route(RSS).items_read - 1
        return f"""## Capacity model

### The simulation

`tests/bench/bench_capacity.py` replays a compressed day against the feeds function on moto:
{sim.readers:,} readers poll every 15 minutes ({sim.polls_per_reader} polls each, each at its own
phase), keep the validators they were given and send them as their kind of client does; 70% read
a site feed (RSS 42%, Atom 18%, JSON 10%), 20% one of 10 tag feeds, 10% one of 20 author feeds.
During the day the publisher, through the API function: {"; ".join(sim.writes)}. Every poll is a
real invocation of the handler and every DynamoDB call is counted; between two writes an
identical read is answered from moto's first answer to it (exact, as the table has not changed:
{sim.memo_hits:,} of {sim.memo_hits + sim.memo_misses:,} reads), and the page size is 5 (counts do
not depend on it). It ran in {sim.seconds:.0f} s, in the run's second lane, beside the timed benchmarks
that follow the cold starts.

- **{sim.requests:,} polls: {sim.statuses.get("200", 0):,} × 200, {sim.statuses.get("304", 0):,} × 304
  — {sim.share_304:.1%} answered 304.** Renders: {sim.renders:,}.
- DynamoDB per poll: {inputs.getitem_per_request:.3f} GetItem + {inputs.query_per_request:.3f}
  Query: {queries:,} Queries for {answers:,} answers of 200, {extra_note}. The day's {len(sim.writes)} writes: {", ".join(f"{n} {op}" for op, n in sim.write_operations.items())}.

{table(("client", "polls", "304 share"), per_client)}

### Assumptions

Linear scaling of the simulated day; 30-day month; us-east-1 list prices: API Gateway REST
$3.50/M requests (first 333 M; then $2.80, $2.38, $1.51), Lambda arm64 $0.0000133334 per GB-s and
$0.20/M requests, DynamoDB on demand $0.125/M RRU, CloudFront $0.0100 per 10,000 HTTPS requests and
$0.085/GB (first 10 TB; then $0.080, $0.060, $0.040), data out of API Gateway $0.09/GB (first
10 TB). Per poll: {inputs.rru_per_request:.2f} RRU (GetItem of the marker {inputs.getitem_rru:g} RRU;
a Query of the 20-item page {inputs.query_rru:g} RRU, measured above; 1 RRU for a second Query). Feeds function at 512 MB;
billed duration = warm handler time measured here (articles' entries memoised: a 200 mostly
re-lists articles the container has rendered before) × {inputs.cpu_factor} (CPU share of 512 MB) + DynamoDB
in-region latency (GetItem {inputs.ddb_getitem_s * 1000:.0f} ms, Query of ~130 KB
{inputs.ddb_query_s * 1000:.0f} ms) + {inputs.lambda_overhead_s * 1000:.0f} ms of Lambda
overhead: **{inputs.billed_304_s * 1000:.1f} ms for a 304, {inputs.billed_200_s * 1000:.1f} ms for
a 200, {inputs.billed_mean_s * 1000:.1f} ms on average.** A 200 sends {inputs.body_200_bytes:,} bytes
of RSS, {inputs.body_200_gzip_bytes:,} gzipped (API Gateway compresses above 1 KB; 80% of
readers accept gzip). Cold starts are left out: at a steady poll rate a few warm containers serve
everything and their init time is a rounding error. With CloudFront: the cache policy keys on the
path and a normalised `Accept` (see below), max-age {inputs.max_age_s} s (what the function sends),
each of {inputs.regional_caches} regional edge caches revalidating each feed URL on its own
(no Origin Shield) as a TTL cache with Poisson arrivals (misses λ/(1+λT)); a revalidation is a
conditional request that the function answers like any other poll.

### Load and cost per month

{load}

{costs}

### Where the first limit is

Without a CDN every poll reaches API Gateway, Lambda and DynamoDB:

{table(("limit", "reached at subscribers", "note"), limit_rows)}

The first is **{first_name} at about {first_at:,.0f} subscribers**. Every site poll reads the
`FEED#site` marker and every changed one the marker and the newest {entries} entries: one hot, narrow key
range of one partition, which DynamoDB's split-for-heat cannot spread (it is read as a whole by
every Query). Ways through, cheapest first:

1. **CloudFront in front (recommended).** The function already sends `Cache-Control: public,
   max-age=300, stale-while-revalidate=900`, strong ETags and Last-Modified; CloudFront answers the
   polls and their 304s from its caches and the origin sees at most one revalidation per feed URL,
   variant and regional cache every 5 minutes: {cdn_top["origin_per_s"]:.1f} requests/s at
   {cdn_top["subscribers"]:,} subscribers ({cdn_top["shielded_per_s"]:.2f}/s with Origin Shield),
   {cdn_top["site_partition_rru_per_s_cdn"]:.1f} RRU/s on `FEED#site`, flat in the subscriber
   count. It also cuts the per-request price ($1.10/M at CloudFront with its `Accept` function
   against $3.50/M at API Gateway). The cache key holds a normalised `Accept` (see "The CDN"
   below): keyed on the raw header, the cache would be split by every reader's spelling of it.
2. **Shard the hot partition.** Write the marker (and the newest entries) of `site` to k copies
   (`FEED#site#0…k-1`, chosen at random per read): k× the read ceiling for k more items per
   write transaction (limit 100 items; the largest write uses 95 today).
3. **Cache in the function.** Keep the marker and the rendered first page in the warm container
   for a few seconds: at 1,000 polls/s over ~30 containers that absorbs most reads, at the price
   of answers up to that many seconds stale."""

    def _shows_target(self, shows: ShowResult) -> tuple[str, str, str]:
        """Target 5: a show's feed costs no more than in proportion to its episodes, and its
        304 stays one small read."""
        small, big = shows.sizes[0], shows.sizes[-1]
        metrics = ("bytes", "ops", "items", "rru", "code")
        ratios = {m: shows.ratio(SHOW_FEED, m) for m in metrics}
        not_modified = [shows.routes[SHOW_304][n] for n in shows.sizes]
        flat = all(r.ops == "GetItem" and r.rendered is False for r in not_modified)
        return (
            f"A show's feed grows no faster than its episodes ({small:,} → {big:,}, "
            f"{shows.growth:.0f}×; handler time within {MAX_RATIO}× of that)",
            f"{big:,} episodes against {small:,}: body {ratios['bytes']:.2f}×, operations "
            f"{ratios['ops']:.2f}×, items read {ratios['items']:.2f}×, read units "
            f"{ratios['rru']:.2f}×, handler time {ratios['code']:.2f}×; the 304: "
            + ", ".join(f"{r.ops} {r.rru:g} RRU" for r in not_modified)
            + ", no rendering",
            # Counts must not grow faster than the episodes; time, which is noisy on a shared
            # machine, within the scale target's tolerance of that.
            verdict(
                flat
                and max(ratios[m] for m in metrics if m != "code") <= shows.growth
                and ratios["code"] <= shows.growth * MAX_RATIO
            ),
        )

    def _shows_section(self) -> str:
        shows = self.shows
        if shows is None:
            return "## Show feeds at size\n\nNot measured in this run."
        rows = []
        for size in shows.sizes:
            full, cond = shows.routes[SHOW_FEED][size], shows.routes[SHOW_304][size]
            rows.append(
                (
                    f"{size:,}",
                    f"{shows.episodes_in_feed[size]:,}",
                    f"{full.body_bytes:,}",
                    f"{shows.gzipped[size]:,}",
                    full.ops,
                    f"{full.items_read:,}",
                    f"{full.bytes_read:,}",
                    f"{full.rru:g}",
                    ms(s.median(full.code)),
                    f"{cond.ops}, {cond.rru:g} RRU, {ms(s.median(cond.code))} ms",
                )
            )
        from contentfeed.rendering.model import SHOW_BYTE_BUDGET

        big = shows.sizes[-1]
        per_episode = shows.routes[SHOW_FEED][big].body_bytes / shows.episodes_in_feed[big]
        budget_episodes = int(SHOW_BYTE_BUDGET / per_episode)
        return f"""## Show feeds at size

`tests/bench/bench_shows.py`: one show, loaded with {shows.sizes[0]:,} and then
{shows.sizes[-1]:,} episodes (one a day, about {SHOW_NOTES:,} bytes of HTML notes each, one MP3, the
iTunes episode fields), in the store's own item shapes. A show's feed carries every episode
(podcast apps do not page), so it must cost more as the show grows, but no faster than the
episode count. Counted on moto; handler time with DynamoDB answered from the recording
({shows.runs} runs, median).

{table(("episodes", "in the feed", "body bytes", "gzip bytes", "DynamoDB", "items read", "bytes read", "RRU", "handler ms", "304"), rows)}

Every count grows with the episodes and no faster: the feed is one Query of the show's partition
(the show, its marker and every episode), split by DynamoDB into 1 MB pages, and rendered once;
a podcast app that already has it sends its validators and costs one small GetItem, with no
rendering, at any size (its time here includes the garbage the 1,000-episode render before it
in each round leaves behind). The handler time is this machine's (the feeds function, at 1,024 MB, gets
about 0.58 of a vCPU, so roughly 1.7× as long), and at {big:,} episodes it is the cost to watch.
Podcast items are kept per warm container like the article feeds' (a second render of the same
episodes rebuilds none: `tests/unit/test_podcast.py`), so what the handler time holds is mostly
reading the Query: botocore parsing 2 MB of items and decoding them, which grows with the
episodes (per 100 items, the last rows of Rendering). With the CDN in front that request happens
once per max-age and edge, not per app. The feed's byte budget (4 MB) holds about
{budget_episodes:,} episodes of this size."""

    def _cdn_target(self) -> tuple[str, str, str]:
        """Target 3: one cache entry per variant the origin serves, decided at the edge exactly
        as the origin decides, and the hit ratio that buys."""
        agree, keys = self._edge_agreement()
        rows = capacity.model(self.inputs())
        at = next(r for r in rows if r["subscribers"] == 10_000)
        raw = len(capacity.cache_keys(normalised=False))
        return (
            "The CDN hits: `Accept` normalised at the edge into the variants the origin serves",
            f"cache entries per feed URL and edge: {raw} (raw `Accept` of the "
            f"{len(capacity.READER_ACCEPTS)} modelled clients) → {len(keys)} "
            f"({', '.join(f'`{k}`' for k in sorted(keys))}); the CloudFront Function, run with "
            f"node, agrees with the origin on {agree[0]} of {agree[1]} real readers' strings; hit "
            f"ratio at {at['subscribers']:,} subscribers {at['hit_ratio_raw_accept']:.1%} → "
            f"{at['hit_ratio']:.1%}, origin {at['origin_per_s_raw_accept']:.2f} → "
            f"{at['origin_per_s']:.2f} requests/s",
            verdict(agree[0] == agree[1] and len(keys) == 2),
        )

    def _edge_agreement(self) -> tuple[tuple[int, int], set[str]]:
        """The edge function's answer for every published reader string, against the origin's."""
        from contentfeed.http.negotiation import prefers_html
        from tests import edge

        accepts = [a for _, _, a, _ in capacity.READER_ACCEPTS if a is not None]
        answers = edge.normalise(list(accepts))
        same = sum(
            answer == ("text/html" if prefers_html(accept) else "*/*")
            for accept, answer in zip(accepts, answers, strict=True)
        )
        return (same, len(accepts)), set(answers)

    def _cdn_section(self) -> str:
        rows = capacity.model(self.inputs())
        clients = []
        from contentfeed.http.negotiation import prefers_html

        for share, client, accept, source in capacity.READER_ACCEPTS:
            variant = "page (`text/html`)" if prefers_html(accept) else "feed (`*/*`)"
            shown = f"`{accept}`" if accept is not None else "not published"
            clients.append((client, f"{share:.0%}", shown, variant, source))
        ratios = table(
            (
                "subscribers",
                "polls/s",
                "origin requests/s, raw `Accept`",
                "hit ratio, raw `Accept`",
                "origin requests/s, normalised",
                "hit ratio, normalised",
            ),
            [
                (
                    f"{r['subscribers']:,}",
                    count(r["requests_per_s"]),
                    f"{r['origin_per_s_raw_accept']:.2f}",
                    f"{r['hit_ratio_raw_accept']:.1%}",
                    f"{r['origin_per_s']:.2f}",
                    f"{r['hit_ratio']:.1%}",
                )
                for r in rows
            ],
        )
        raw = capacity.cache_keys(normalised=False)
        inputs = self.inputs()
        first, last = rows[0], rows[-1]
        return f"""## The CDN: `Accept` at the edge

The feeds answer one URL with the feed or, for a browser, a page (`Vary: Accept`). CloudFront
ignores `Vary`, so `Accept` is in the cache key; keyed on the raw header, every distinct string is
an entry of its own, revalidated on its own. With `EnableCdn=true` the template attaches a
CloudFront Function (viewer request, `edge/accept.js`) that applies the origin's rule and leaves
`Accept: text/html` or `Accept: */*`: the origin then sees exactly what the cache key holds.
`tests/unit/test_edge_accept.py` runs the file with node against the Python rule on the strings
below, on spellings at the edges of the grammar and on 20,000 generated headers.

What the modelled clients send (the shares of polls are this model's assumption; the strings are
from each client's source or documentation, or observed):

{table(("client", "share of polls", "Accept", "served", "source"), clients)}

That is {len(raw)} distinct raw keys per feed URL against 2 normalised ones. Hit ratio, same model
as above (every feed URL × key × {inputs.regional_caches} regional caches a TTL cache with
max-age {inputs.max_age_s} s and Poisson arrivals; gzip and Brotli split both alike and are left
out):

{ratios}

Normalising cuts the requests that reach the origin by {1 - first["origin_per_s"] / first["origin_per_s_raw_accept"]:.0%} at
{first["subscribers"]:,} subscribers and by {1 - last["origin_per_s"] / last["origin_per_s_raw_accept"]:.0%} at {last["subscribers"]:,}, where
every key of every cache is revalidated once per max-age: {len(raw)} keys cost about {len(raw) / 2:.0f}× the
origin traffic of 2. The function costs $0.10 per million requests (included in the CloudFront
column above).

One change at the origin came with it: a quality value is read only as a plain decimal (`1`,
`0.8`, `.5`); anything else (`nan`, `inf`, `1e0`, `+1`, digits of other scripts, which Python's
`float` accepted) now counts as 0, so the edge can apply the same rule exactly. No browser or
reader above sends such a value; every feed and the OpenAPI document are unchanged."""

    def _findings_section(self) -> str:
        cold = self.cold
        pieces = {label: cost for label, (cost, _) in cold.pieces.items()}
        floor = s.median(cold.targets["floor"].inner)
        openapi, uncached = self.route(OPENAPI), self.route(OPENAPI_UNCACHED)
        head, rss = self.route("HEAD /feed.xml"), self.route(RSS)
        rss100 = self.rendering.rows[("RSS 2.0", 100)]
        decode20 = self.rendering.rows[(rendering.DECODE, 20)]
        kept20 = self.rendering.rows[(rendering.DECODE_KEPT, 20)]
        afresh = self.route(RSS_DECODED_AFRESH)
        parse20 = self.rendering.rows[(rendering.PARSE, 20)]
        strptime20 = self.rendering.rows[(rendering.PARSE_BEFORE, 20)]
        first = cold.first_304
        look = self.warm.lookahead
        idle_warm, idle_first = self.warm.lookahead_cases["nothing pending"]
        pending_warm, pending_first = self.warm.lookahead_cases["1 scheduled pending"]
        beyond_warm, beyond_first = self.warm.lookahead_cases[f"{look + 1} scheduled pending"]
        from contentfeed.dal.store import PENDING_SCOPES

        sim_queries = self.sim.operations.get("Query", 0)
        sim_200 = self.sim.statuses.get("200", 0)
        limits_lines = []
        for name, before in cold.before_limits.items():
            then, now = s.median(before.inner), s.median(cold.targets[name].inner)
            limits_lines.append(
                f"{name} {ms(then)} → {ms(now)} ms ({then / floor:.2f}× → "
                f"{self.cold_ratio(name):.2f}× the floor, target {MAX_COLD}×: "
                f"{verdict(self.cold_ratio(name) <= MAX_COLD)})"
            )
        api_like = self.lambda_ratio("api")
        like_floor = s.median(cold.lambda_like["floor"].inner)
        api_now = s.median(cold.lambda_like["api"].inner)
        api_then = s.median(cold.api_before_docs.inner)
        hundred = [self.rendering.rows[(f, 100)] for f in FORMATS]
        first100 = [self.rendering.rows[(f + rendering.FIRST, 100)] for f in FORMATS]
        first_rss100 = first100[0]
        query100 = self.query_client_side(100)
        slowest_ratio = max(r.median for r in hundred) / query100
        inputs = self.inputs()
        found = capacity.limits(inputs)
        first_limit, first_at, _ = found[0]
        sizes = self.rendering.storage
        before_inputs = replace(inputs, query_rru=sizes["page_rru_fixed_lookahead"])
        partition = "DynamoDB partition of FEED#site"
        limit_now, limit_before = (
            next(at for name, at, _ in capacity.limits(i) if name.startswith(partition))
            for i in (inputs, before_inputs)
        )

        store = self.rendering.storage
        create = self.route("POST /articles")
        prep100 = self.rendering.rows[(rendering.PREPARE, 100)]
        prep_stored100 = self.rendering.rows[(rendering.PREPARE_STORED, 100)]
        first_warm = [
            (warm.name, first.median / warm.median)
            for warm, first in zip(hundred, first100, strict=True)
        ]
        worst_first = max(ratio for _, ratio in first_warm)
        first_ratios = ", ".join(f"{ratio:.1f}× ({name})" for name, ratio in first_warm)

        def cost(r: RouteResult) -> str:
            return f"{r.ops}, {r.items_read} items, {r.bytes_read / 1024:.0f} KiB, {r.rru:g} RRU"

        return f"""## Findings

Measured in this run.

### Fixed since the previous report

1. **A first page reads ahead only for the scheduled entries its container knows are
   pending** (`Store.list_scope` in `contentfeed/dal/store.py`). The previous report's store
   read `PENDING_LOOKAHEAD` ({look}) entries beyond the page on every first page, pending or
   not, to spare a second Query while articles were scheduled. A store now keeps, per feed, the
   due times of the scheduled entries the marker listed when it last read it (up to {look};
   more are cheaper jumped over by the second Query) and reads exactly those still pending
   ahead; for a feed it has not read yet, which may have some, it reads {look} ahead as
   before. Counted on moto:

   | site feed, first page | in a container that read the feed before | a container's first request |
   |---|---|---|
   | nothing pending | {cost(idle_warm)} | {cost(idle_first)} |
   | 1 article pending | {cost(pending_warm)} | {cost(pending_first)} |
   | {look + 1} articles pending | {cost(beyond_warm)} | {cost(beyond_first)} |

   With the former fixed look-ahead the page read {sizes["page_rru_fixed_lookahead"]:g} RRU
   ({sizes["page_bytes_fixed_lookahead"] / 1024:.1f} KiB, item sizes in this run) pending or not;
   nothing pending it now reads {idle_warm.rru:g}. In the capacity model that is
   {inputs.rru_per_request:.2f} RRU per poll against {before_inputs.rru_per_request:.2f}, and
   the `FEED#site` partition limit at about {limit_now:,.0f} subscribers instead of
   {limit_before:,.0f}; in its simulated day, with one article scheduled hours ahead,
   {sim_queries:,} Queries answered {sim_200:,} requests with 200 (any beyond one a 200: a
   feed's first read after the article was scheduled, by a store that had seen nothing pending
   there, once per feed). A container's first request
   for a feed costs what every request cost before, and a store remembers at most
   {PENDING_SCOPES:,} feeds (`PENDING_SCOPES`, the least recently read forgotten first).
2. **A warm container decodes each feed entry once** (`article_from_item` in
   `contentfeed/dal/items.py`): a packed entry's sort key and bytes always hold the same
   article, and a feed's pages come back entry for entry on every poll, so the decoded
   (frozen) article is kept, keyed by both, in an LRU bounded by the HTML it holds
   (`DECODED_CHARS`, shared with the rendering cache's `SizedLRU` in `contentfeed/lru.py`; an
   edit is other bytes, so nothing kept goes stale). Turning a 20-item page's items into
   articles takes {ms(kept20.median)} ms kept against {ms(decode20.median)} ms decoded
   afresh, and a warm `GET /feed.xml` {ms(s.median(rss.code))} ms of handler time (its own:
   {ms(rss.overhead)} ms) against {ms(s.median(afresh.code))} ms ({ms(afresh.overhead)} ms) with the
   entries decoded afresh, measured in the same rounds.
3. **Show reads no longer build the API's validating resolver** (`functions/api/app.py`,
   `contentfeed/logic/shows.py`): `GET /shows` and `GET /shows/{{slug}}` with a plainly valid
   slug are answered by the plain read router, the show's JSON written by hand (held byte for
   byte to `ShowOut` by a test), as the article reads were already. In a cold API container
   `GET /shows` took {ms(s.median(cold.first_api.times["GET_/shows"]))} ms here (its third
   request, see "A cold API container"), where a container whose first request it was built
   pydantic, the API models and Powertools' validating resolver first, as its first write
   still does
   ({ms(s.median(cold.first_api.times["POST_/articles"]))} ms).

### Earlier fixes, still measured

1. **Feed entries are packed, and HTML is compressed with a preset dictionary**
   (`contentfeed/dal/items.py`, `contentfeed/dal/dictionary.py`). An entry is now its keys,
   its type and one binary attribute `z`: a byte naming the dictionary, then raw deflate, with
   that dictionary, of one line of JSON (the article's attributes but its id and publication
   time, which the sort key already holds), the HTML and the feed-ready HTML (which repeats the
   HTML but for its links, so it costs little more than them). The article item keeps its
   attributes one by one (the stream filter, the export's Scan and the tools read them), its
   HTML in `content_z` compressed with the same dictionary, which the zlib header names by its
   Adler-32. The dictionary (11 kB: common English and news words, punctuation, the markup the
   sanitiser leaves, the packed JSON's field names) is written for the project, not drawn from
   any site's articles; versions are never changed in place (a test pins version 1's bytes).
   zlib shrinks these articles' HTML {store["html_ratio"]:.2f}× with it,
   {store["html_ratio_plain"]:.2f}× without. A first page of 20 realistic articles reads
   {store["page_bytes_now"] / 1024:.1f} KiB, {store["page_rru_now"]:g} RRU (about
   {store["entry_bytes_now"] / 1000:.2f} kB an entry), against
   {store["page_bytes_unpacked"] / 1024:.1f} KiB, {store["page_rru_unpacked"]:g} RRU with
   entries unpacked and no dictionary (as an earlier report) and
   {store["page_bytes_before"] / 1024:.1f} KiB, {store["page_rru_before"]:g} RRU with the HTML
   as text (item sizes, same articles; measured on moto: {rss.rru:g} RRU). A create in
   {store["create_feeds"]:g} feeds writes {store["create_wru_now"]:g} WRU (article
   {store["create_article_bytes"] / 1000:.1f} kB, each entry
   {store["create_entry_bytes"] / 1000:.1f} kB) against {store["create_wru_unpacked"]:g} and
   {store["create_wru_before"]:g}. Items in either earlier form are still read as they are
   (`tests/unit/test_items.py` renders all three forms to the same bytes;
   `tests/integration/test_operation_counts.py` serves a table rewritten in each): no
   migration, and a write rewrites an article's items in the new form. The targets
   (≤ {MAX_PAGE_RRU} RRU, ≤ {MAX_CREATE_WRU} WRU) are **not met**: see Still open.
2. **Feed entries are stored feed-ready**: when an entry is written, its HTML's links are
   resolved against the article's URL (`feed_z`, compressed with the article's HTML as zlib's
   preset dictionary, so it costs only the changed links, about 100 bytes) and, without a
   summary, its excerpt is kept (`excerpt`), so a container's first render no longer runs
   `absolutize` and `text_excerpt`: preparing 100 entries takes
   {ms(prep_stored100.median)} ms from stored entries against {ms(prep100.median)} ms afresh. It
   is used only for the very content and URL it was prepared from, and only for absolute article
   URLs (a relative one depends on the site URL); anything else is prepared as before. The
   documents are byte-identical either way (`tests/unit/test_items.py`).
3. **Powertools' OpenAPI models are off the API function's cold path**: as Lambda runs it, the
   API function's import and client take {ms(api_now)} ms ({api_like:.2f}× the floor) against
   {ms(api_then)} ms ({api_then / like_floor:.2f}×) with the models imported first as before,
   measured in the same rounds: {ms(api_then - api_now)} ms saved on every API cold start.
   `enable_swagger()` and the OpenAPI security and server objects imported them at import
   time; `/openapi.json` and `/docs` (a small route of ours around Powertools'
   `generate_swagger_html`, still offline) built them on their first request, cached per base
   URL, until they served the checked-in document, which needs them never. A test in `make test` (`tests/integration/test_cold_paths.py`) fails when a function's
   import loads a heavy module it does not need.
4. **Each article is prepared once per warm container, not on every render**
   (`contentfeed/rendering/entry.py`): the XML cleaning, link resolution and excerpt
   (`feed_entry`), the JSON Feed item and the feedgen RSS and Atom items (their XML built once,
   each document given a copy) are kept by the article's value, in one LRU bounded by the HTML
   it holds. 100 items, warm: {", ".join(f"{r.name} {ms(r.median)}" for r in hundred)} ms
   (47 / 44 / 38 ms in an earlier report); the first render of an article in a container
   pays the rest ({", ".join(f"{ms(r.median)}" for r in first100)} ms for 100; what is left of
   preparing its entry is in 2 above). The three
   renderers also lost their own copies of that preparation.
5. **`text_excerpt` collapses whitespace with `str.split()`** instead of a `\\s+` regex (the
   same characters, one pass in C), and `absolutize` only visits start tags that have
   attributes.
6. **A first render builds each item directly** (`contentfeed/rendering/rss.py`, `atom.py`,
   `jsonfeed.py`, `entry.py`): RSS items and Atom entries are built with lxml, element for
   element as feedgen 1.0.0's `rss_entry`/`atom_entry` built them, instead of through
   feedgen's `FeedEntry` setters (format checks, a locale switch per date, extension
   registries); a JSON Feed item is kept as UTF-8 bytes, its HTML escaped with
   `bytes.replace` instead of `json.dumps`'s per-character loop; `prepare_entry` checks all of
   an article's text for XML-illegal characters with one search instead of a substitution per
   field, and writes canonical UUIDs without parsing them. The documents are byte for byte the
   same (`tests/unit/test_render_identity.py` renders varied articles both ways, feedgen and
   `json.dumps` as the oracles). 100 items, first render in a container:
   {", ".join(f"{r.name} {ms(r.median)}" for r in first100)} ms (129.85, 121.11, 72.04 ms in
   an earlier report, at a load average of 13; measured back to back at a load average of
   5.8, this benchmark's median went from 36.59, 36.76 and 27.05 ms to 22.81, 25.43 and
   15.26 ms, the warm ones from 10.58, 11.44 and 5.68 ms to 7.65, 6.65 and 0.54 ms). Podcast items take the same path and stay kept per warm
   container (a test pins that a second render rebuilds none). The warm JSON Feed render now
   joins bytes instead of text it then encoded, so it is also faster.

7. **pydantic is off the feeds and authorizer cold paths** (`MAX_BODY_BYTES` lives in
   `contentfeed/limits.py`): {"; ".join(limits_lines)}. Neither loads pydantic any more (see
   Cold start).
8. **A cold container's first 304 imports no renderer** (the feeds function hands `serve_feed` a
   renderer factory): in a fresh process the first 304 took {ms(s.median(first.first))} ms and
   loaded feedgen/lxml: {"yes" if first.renderer_loaded else "no"}; the import it no longer pays is
   {ms(s.median(first.renderer))} ms here (×3.5 at 512 MB).
9. **HEAD renders nothing**: {ms(s.median(head.code))} ms of handler time against
   {ms(s.median(rss.code))} ms for the GET (same {head.ops}, same validators and `Link` header;
   rendered: {"yes" if head.rendered else "no"}). A HEAD therefore does not know whether the byte
   budget would cut the page short; its `Link: next` is the full page's.
10. **`GET /openapi.json` is built once per base URL and container**:
   {ms(s.median(openapi.code))} ms from the cache against {ms(s.median(uncached.code))} ms built
   afresh, which only the first request for a base URL in a container pays (×3.5 at 512 MB).
11. **Stored timestamps are read with `datetime.fromisoformat`** (`parse_utc_iso`; `strptime`
   only for other shapes, so the results and errors are unchanged): the 60 timestamps of a
   20-item page take {ms(parse20.median)} ms against {ms(strptime20.median)} ms with `strptime`;
   decoding the 20 items now takes {ms(decode20.median)} ms.

### Still open

1. **A container's first render of 100 articles is still {first_ratios} the warm one** (target
   {MAX_FIRST_RENDER:g}×: {verdict(worst_first <= MAX_FIRST_RENDER)}): a warm 100-item RSS render
   is {ms(rss100.median)} ms, {rss100.median / query100:.2f}× the client side of the Query that
   reads the items ({ms(query100)} ms; target under {RENDER_SHARE:.0%}:
   {verdict(slowest_ratio < RENDER_SHARE)}), and the first render of those articles in a
   container takes {ms(first_rss100.median)} ms ({first_rss100.median / query100:.2f}×). A warm
   render copies what it keeps: lxml elements for RSS and Atom (a C-level copy, then one
   serialisation) and UTF-8 bytes for JSON Feed (one join), a few µs an item. A first render
   must build them: the entry ({ms(prep_stored100.median)} ms for 100, all of it Python objects
   now that the HTML comes prepared), then each element with its text, lxml converting the
   HTML to UTF-8 for each format, or the JSON item. Storing each format's rendering in every
   entry would not help: decompressing ~5 kB costs about what building the item does, and
   every Query would read it (more read units). So the ratio is bounded by Python's per-object
   cost against a C copy, most of all for JSON Feed, whose warm render is a join. A container
   pays it once per
   article and site, so it hardly shows in steady polling. Decoding the Query's items
   (`TypeDeserializer` + `article_from_item`, the HTML decompressed) is another
   {ms(decode20.median)} ms per 20 the first time a container reads them
   ({ms(kept20.median)} ms once kept).
2. **A first page still reads {rss.rru:g} RRU, a create writes {create.wru:g} WRU** (targets
   {MAX_PAGE_RRU} and {MAX_CREATE_WRU}: {verdict(rss.rru <= MAX_PAGE_RRU and create.wru <= MAX_CREATE_WRU)}).
   The first page's Query reads the marker, the page and its look-ahead entry
   ({rss.items_read} items): {MAX_PAGE_RRU} RRU means 48 KiB for them, about 2.3 kB an entry;
   {MAX_CREATE_WRU} WRU means each of the {store["create_feeds"]:g} entries of a create under
   2 KB (billed per KB, 2 WRU a KB in a transaction). They hold about
   {store["entry_bytes_now"] / 1000:.2f} kB, of which the compressed HTML alone is about
   {store["html_bytes_packed"] / 1000:.2f} kB: the same entries holding nothing but their
   keys and compressed HTML would read {store["page_rru_html_only"]:g} RRU
   ({store["page_bytes_html_only"] / 1024:.1f} KiB), which leaves **about
   {(MAX_PAGE_RRU * 8192 - store["page_bytes_html_only"]) / rss.items_read:.0f} bytes an entry
   for everything else** it holds (title, summary, authors, tags, image, dates, the feed-ready
   links), against about
   {(store["page_bytes_now"] - store["page_bytes_html_only"]) / rss.items_read:.0f} now; and
   each entry would still be over 2 KB. Packing the entries tighter cannot meet either target;
   only storing less than the whole HTML in every feed's entry could (then a feed's Query could
   no longer render it alone, and "a feed is 1 Query" would go), or compressing better than
   deflate with a dictionary. On that: the
   benchmark's article text is words drawn at random from a {store["vocabulary"]:g}-word
   vocabulary, which compresses {store["html_ratio"]:.2f}× here; measured aside with
   `python -m tests.bench.compression DIR` on the 34 entries of 3–9 kB in rbren/rss-parser's
   test feeds (sanitised as the API stores them), real article HTML compresses 2.94× (median)
   with the dictionary, 2.58× without, so real articles leave about as little: the 3–4× often quoted for HTML holds for longer documents, not 5 kB ones. brotli
   at quality 11, whose built-in dictionary is 120 kB, makes this HTML about 9% smaller, at the
   cost of a 5 MB native module in the layer. A dictionary trained on the site's own articles
   (kept in the table, versioned; a cold container would pay one read for it) is the one lever
   left that could reach real redundancy, and it is not enough either: given the last 32 KiB of
   other benchmark articles, which share all of their markup with the page's (so real sites
   would gain less), deflate makes this HTML {store["html_bytes_trained"] / 1000:.2f} kB, and an
   entry would still hold about
   {(store["entry_bytes_now"] - store["html_bytes_packed"] + store["html_bytes_trained"]) / 1000:.2f} kB,
   over the 2 KB a {MAX_CREATE_WRU} WRU create needs.
3. **The API function's cold start**: {api_like:.2f}× the floor as Lambda runs it (target
   {MAX_COLD}×: {verdict(api_like <= MAX_COLD)}), because the validating resolver is built on
   the first request that needs it: a container's first write pays what request validation
   needs (see "A cold API container" above), the public reads (articles and shows) do not: pydantic ({ms(pieces["pydantic"])} ms), the API models
   ({ms(pieces["contentfeed.models.api (pydantic models)"])} ms) and Powertools' validating
   resolver ({ms(pieces["APIGatewayRestResolver(enable_validation=True)"])} ms, against
   {ms(pieces["APIGatewayRestResolver()"])} ms without validation), each measured alone on top
   of the floor, so they overlap. Levers for the first write: Lambda SnapStart for Python (3.12
   and later) or provisioned concurrency on the API function. A cold API container's first
   `/openapi.json` ({ms(s.median(cold.first_api.times["GET_/openapi.json"]))} ms here) serves
   the checked-in document and builds nothing.
4. **Without a CDN the first limit is {first_limit}**, at about {first_at:,.0f} subscribers (see
   the capacity model): CloudFront in front, keyed on a normalised `Accept`, is the fix, and
   the template deploys it (`CdnDistribution`); the origin stays reachable without it."""
