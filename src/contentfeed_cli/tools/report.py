"""Progress on stderr while a tool runs, and the one-line summary at the end.

Piped or logged, every item gets a line (``[3/10] posts/a.md ✓ created``). On a terminal a bar
redraws in place, and only what needs reading (failures, notes) stays on screen.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from contentfeed_cli.tools.sync import Outcome

if TYPE_CHECKING:
    from pydantic import ValidationError


def issues(error: ValidationError) -> str:
    """Each issue of a model's validation as ``field: message`` (one about the whole value
    without the field), joined for one report line."""
    return "; ".join(
        ".".join(str(p) for p in item["loc"])
        + ": " * bool(item["loc"])
        + item["msg"].removeprefix("Value error, ")
        for item in error.errors(include_url=False)
    )


MARKS = {
    Outcome.CREATED: "✓",
    Outcome.UPDATED: "✓",
    Outcome.UNCHANGED: "=",
    Outcome.SKIPPED: "-",
    Outcome.FAILED: "✗",
}
BAR_WIDTH = 24


class Report:
    def __init__(self, action: str, *, stream: TextIO | None = None, tty: bool | None = None):
        self.action = action
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.counts: Counter[Outcome] = Counter()
        self.total = 0
        self.done = 0
        self.aborted = False
        self.losses: Counter[str] = Counter()
        """What items lost on the way in, by kind (an import's embeds, enclosures, tags…)."""
        self.lossy: set[str] = set()
        self._bar_shown = False

    def start(self, total: int) -> None:
        self.total = total

    def item(self, name: str, outcome: Outcome, detail: str = "") -> None:
        """One item is done: count it and show it."""
        self.done += 1
        self.counts[outcome] += 1
        line = f"[{self.done}/{self.total}] {name} {MARKS[outcome]} {outcome.value}"
        line += f" ({detail})" if detail else ""
        if self.tty and outcome is not Outcome.FAILED:
            self._bar(name)
        else:
            self._line(line)

    def failed(self, name: str, problems: Sequence[str]) -> None:
        self.item(name, Outcome.FAILED)
        for problem in problems:
            self._line(f"    {problem}")

    def tick(self, name: str) -> None:
        """Progress of a run with no known total (an export): the bar only, on a terminal."""
        self.done += 1
        if self.tty:
            self._bar(name)

    def lost(self, name: str, kind: str, what: str, *, show: bool = True) -> None:
        """``name`` lost ``what`` on the way in: shown (unless said elsewhere) and counted."""
        self.losses[kind] += 1
        self.lossy.add(name)
        if show:
            self._line(f"{name}: lost {what}")

    def note(self, text: str) -> None:
        self._line(text)

    def abort(self, text: str) -> None:
        self.aborted = True
        self._line(f"contentfeed: {text}")

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.counts[outcome]} {outcome.value}"
            for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
        )
        if self.counts[Outcome.SKIPPED]:
            counts += f", {self.counts[Outcome.SKIPPED]} skipped"
        if self.losses:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.losses.items()))
            counts += f"; {len(self.lossy)} lost something ({kinds})"
        return f"{self.action}: {counts}" + (" (stopped early)" if self.aborted else "")

    @property
    def exit_code(self) -> int:
        return 1 if self.aborted or self.counts[Outcome.FAILED] else 0

    def finish(self, summary: str | None = None) -> int:
        """Print the summary line; the exit code is 1 when anything failed."""
        self._line(summary or self.summary())
        return self.exit_code

    # -------------------------------------------------------------- drawing

    def _line(self, text: str) -> None:
        if self._bar_shown:
            self.stream.write("\r\x1b[K")
            self._bar_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _bar(self, name: str) -> None:
        if self.total:
            filled = BAR_WIDTH * self.done // self.total
            text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} {name}"
        else:
            text = f"{self.done} {name}"
        width = shutil.get_terminal_size().columns - 1
        self.stream.write("\r\x1b[K" + text[:width])
        self.stream.flush()
        self._bar_shown = True
