"""The CloudFront Function (edge/accept.js), run with node, against the origin's own rule.

With the CDN on, the edge replaces ``Accept`` by what the origin would decide (``text/html`` for a
page, ``*/*`` for the feed) before the cache key is computed. If the two rules ever disagreed, a
reader would get the wrong variant from the CDN only: so they are compared on what real readers
send and on tens of thousands of generated headers built from the pieces that parsers trip on.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from contentfeed.http.negotiation import prefers_html
from tests import edge
from tests.bench.bench_capacity import READER_ACCEPTS

HTML, FEED = "text/html", "*/*"

REAL = [accept for _, _, accept, _ in READER_ACCEPTS if accept is not None]

# Spellings seen in the wild or at the edges of the grammar, each with the origin's answer.
TRICKY = [
    ("text/html", True),
    ("TEXT/HTML", True),
    ("text/html;q=0.9, application/rss+xml;q=0.9", False),  # a tie goes to the feed
    ("text/html;q=1.0, application/rss+xml;q=0.999", True),
    ("text/html ; q = 0.5 , application/atom+xml;q=0.4", True),
    ("text/html;q=.5,text/xml;q=.4", True),
    ("text/html;q=1.", True),
    ("text/html;q=0", False),
    ("text/html;q=0.000", False),
    ("text/html;q=nan", False),  # not a decimal: quality 0
    ("text/html;q=inf", False),
    ("text/html;q=1e0", False),
    ("text/html;q=+1", False),
    ("text/html;q=\u0661", False),  # an Arabic-Indic digit, which float() would read
    ("text/html;q=1_0", False),  # float() reads underscores too
    ("text/html;Q=0.5, application/json;q=0.4", True),
    ("text/html;level=1;q=0.3, application/json;q=0.2", True),
    ("text/html;q=0.3;q=0.9, application/json;q=0.5", True),  # the last q wins
    ("text/html;q, application/json;q=0.1", False),  # a bare q is quality 0
    ("text/html, text/html;q=0.1, application/rss+xml;q=0.5", True),  # the best q of a type
    ("\u00a0text/html\u2003", True),  # spaces Python's strip() removes and HTTP does not know
    ("\ufefftext/html", False),  # a BOM, which JavaScript's trim() would remove and strip() not
    ("\x85text/html\x1c", True),  # the reverse: strip() removes these, trim() does not
    ("text/\u212aml, text/html;q=0.1", True),  # Kelvin sign lower-cases to k in both languages
    ("application/rss+xml,,text/html", False),
    (",,,", False),
    (";;;", False),
    ("*/*;q=0.8, text/html;q=0.7", True),  # */* is not a feed type: the page still wins
    ("__proto__, text/html", True),
    ("constructor;q=1, text/html;q=0.5", True),
    ("", False),
]

PIECES = [
    "text/html",
    "TEXT/Html",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/xml",
    "text/xml",
    "application/json",
    "*/*",
    "image/webp",
    "application/xhtml+xml",
    "text/*",
    "__proto__",
    "",
]
QVALUES = [
    "1",
    "0",
    "0.9",
    "0.90",
    ".5",
    "1.",
    "0.001",
    "1.000",
    "2",
    "nan",
    "inf",
    "-1",
    "+1",
    "1e0",
    "0x1",
    "\u0661",
    "1_0",
    " 0.5",
    "0.5 ",
    "",
    "\u00a00.7",
    "0.7\u3000",
    "9" * 400,
    "0." + "1" * 40,
    "\ufeff1",
]
SPACES = ["", " ", "\t", "  ", "\u00a0", "\u2003", "\ufeff", "\x85", "\x1f", "\u212a"]


def _generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    headers = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 6)):
            part = rng.choice(SPACES) + rng.choice(PIECES) + rng.choice(SPACES)
            for _ in range(rng.randint(0, 2)):
                name = rng.choice(["q", "Q", " q ", "level", "q ", "charset"])
                equals = rng.choice(["=", "=", " = ", ""])
                part += ";" + name + equals + rng.choice(QVALUES)
            parts.append(part)
        headers.append(rng.choice([",", ", ", " ,"]).join(parts))
    return headers


def test_edge_and_origin_agree_on_what_real_readers_send() -> None:
    # Given the Accept strings of the readers in the capacity model (from their source or docs)
    # When the edge function normalises each one
    answers = edge.normalise(list(REAL))
    # Then it picks the variant the origin would serve: browsers a page, feed readers the feed
    for accept, answer in zip(REAL, answers, strict=True):
        assert answer == (HTML if prefers_html(accept) else FEED), accept
    browsers = {client for _, client, _, _ in READER_ACCEPTS[-3:]}
    assert browsers == {"Chrome", "Firefox", "Safari"}
    assert answers[-3:] == [HTML, HTML, HTML]
    assert set(answers[:-3]) == {FEED}


@pytest.mark.parametrize(("accept", "html"), TRICKY)
def test_origin_rule_on_tricky_spellings(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


def test_edge_and_origin_agree_on_tricky_spellings() -> None:
    # Given headers at the edges of the grammar (whitespace sets, case, odd quality values)
    accepts = [accept for accept, _ in TRICKY]
    # When the edge function normalises them
    answers = edge.normalise(list(accepts))
    # Then each answer is the origin's
    assert answers == [HTML if html else FEED for _, html in TRICKY]


def test_edge_and_origin_agree_on_generated_headers() -> None:
    # Given 20,000 headers assembled at random (fixed seed) from media types, parameters,
    # quality values and whitespace that Python and JavaScript treat differently by default
    accepts = _generated(20_000, seed=15)
    # When the edge function normalises all of them
    answers = edge.normalise(list(accepts))
    # Then it agrees with the origin on every one, and both variants occur
    mismatches = [
        a
        for a, got in zip(accepts, answers, strict=True)
        if got != (HTML if prefers_html(a) else FEED)
    ]
    assert mismatches == []
    assert {HTML, FEED} == set(answers)


def test_the_edge_leaves_one_accept_of_two_values_and_touches_nothing_else() -> None:
    # Given requests with one Accept, several Accept lines, none, and other headers beside it
    events = [
        edge.viewer_request({"accept": {"value": REAL[0]}, "if-none-match": {"value": '"v1"'}}),
        edge.viewer_request(edge.accept_header(["text/html", "application/rss+xml"])),
        edge.viewer_request(edge.accept_header(["application/rss+xml", "text/html"])),
        edge.viewer_request({"user-agent": {"value": "newsboat/2.21.0"}}),
        edge.viewer_request(edge.accept_header(REAL[-1])),
    ]
    # When the function runs on them
    answers = edge.run(events)
    # Then each request keeps its method, URI, query and other headers, and carries exactly one
    # Accept: the last line decides, as API Gateway hands the origin the last one
    assert [a["headers"]["accept"] for a in answers] == [
        {"value": FEED},
        {"value": FEED},
        {"value": HTML},
        {"value": FEED},
        {"value": HTML},
    ]
    for event, answer in zip(events, answers, strict=True):
        request = event["request"]
        assert {k: v for k, v in answer.items() if k != "headers"} == {
            k: v for k, v in request.items() if k != "headers"
        }
        others = {k: v for k, v in request["headers"].items() if k != "accept"}
        assert {k: v for k, v in answer["headers"].items() if k != "accept"} == others


def test_normalising_is_idempotent_so_the_origin_sees_what_the_cache_key_says() -> None:
    # Given every real reader's normalised Accept
    once = edge.normalise(list(REAL))
    # When it passes the edge again, or goes to the origin
    twice = edge.normalise(list(once))
    # Then nothing changes: the origin's decision on the normalised header is the edge's decision
    assert twice == once
    assert [prefers_html(a) for a in once] == [a == HTML for a in once]


def test_the_function_is_small_and_self_contained() -> None:
    # CloudFront Functions: at most 10 KB of code, no modules, no network; this one reads and
    # writes request headers only (no response, no key-value store, no body).
    code = edge.FUNCTION.read_text(encoding="utf-8")
    assert len(code.encode("utf-8")) < 10 * 1024
    assert re.search(r"\b(require|import|fetch|cf\.kvs|response|body)\b", _code_only(code)) is None
    assert "function handler(event)" in code


def _code_only(code: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in code.splitlines())


def test_the_runner_fails_clearly_without_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="node is not installed"):
        edge.node()


def test_the_function_file_is_where_the_template_test_looks() -> None:
    assert Path(edge.ROOT, "edge", "accept.js") == edge.FUNCTION
