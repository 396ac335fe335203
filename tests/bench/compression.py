"""How well real articles' HTML compresses as feed entries store it, from feeds you point it at.

    python -m tests.bench.compression DIR [--low 3000] [--high 9000]

Reads every file in DIR as a feed (feedparser), takes each entry's content (else its summary),
sanitises it as the API stores it (``clean_html``) and keeps those between ``--low`` and
``--high`` bytes of UTF-8, the size of the benchmark's articles; then prints, per feed and over
all of them, the median ratio of their size to what ``contentfeed.dal.items.pack`` makes of them
(zlib with the preset dictionary, as entries store their HTML) and to zlib without a dictionary.
docs/performance.md quotes a run of it; the feeds are not part of the repository.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import zlib
from pathlib import Path


def ratios(html: str) -> tuple[int, float, float]:
    """(UTF-8 bytes, ratio with the dictionary, ratio without) for one article's HTML."""
    from contentfeed.dal.items import pack

    raw = html.encode("utf-8")
    return len(raw), len(raw) / len(pack(html)), len(raw) / len(zlib.compress(raw, 9))


def main(argv: list[str] | None = None) -> int:
    import feedparser

    from contentfeed.logic.sanitize import clean_html

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--low", type=int, default=3000, help="fewest bytes of HTML kept")
    parser.add_argument("--high", type=int, default=9000, help="most bytes of HTML kept")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"compression: {args.directory} is not a directory of feeds", file=sys.stderr)
        return 2
    every: list[tuple[int, float, float]] = []
    for path in sorted(p for p in args.directory.iterdir() if p.is_file()):
        try:
            document = path.read_bytes()
        except OSError as error:
            print(f"compression: skipped {path.name}: {error.strerror}", file=sys.stderr)
            continue
        found = []
        for entry in feedparser.parse(document).entries:
            content = entry.get("content")
            html = content[0].get("value") if content else entry.get("summary")
            if not html:
                continue
            measured = ratios(clean_html(html))
            if args.low <= measured[0] <= args.high:
                found.append(measured)
        if found:
            print(f"{path.name}: {len(found)} entries, {_medians(found)}")
            every.extend(found)
    if not every:
        print(f"no entry of {args.low}-{args.high} bytes in {args.directory}", file=sys.stderr)
        return 1
    print(f"all: {len(every)} entries, {_medians(every)}")
    return 0


def _medians(rows: list[tuple[int, float, float]]) -> str:
    return (
        f"median {statistics.median(r[0] for r in rows):,.0f} bytes, compressed "
        f"{statistics.median(r[1] for r in rows):.2f}× with the dictionary, "
        f"{statistics.median(r[2] for r in rows):.2f}× without"
    )


if __name__ == "__main__":
    sys.exit(main())
