"""A feedgen item whose XML is built once.

feedgen builds every item's lxml elements again for each document (``rss_entry`` and
``atom_entry``), which is most of an RSS or Atom render once the entries themselves are
memoised (``contentfeed.rendering.entry``). The items the renderers memoise never change after
they are built, so this subclass keeps the element feedgen built the first time and hands each
document a copy (an lxml element has one parent; copying is a C-level walk, ~10 µs an item).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from feedgen.entry import FeedEntry


class BuiltOnceEntry(FeedEntry):  # type: ignore[misc]  # feedgen has no type hints
    """A ``FeedEntry`` that must not be changed once a document has listed it."""

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[str, Any] = {}

    def rss_entry(self, extensions: bool = True) -> Any:
        return self._copy("rss", extensions, super().rss_entry)

    def atom_entry(self, extensions: bool = True) -> Any:
        return self._copy("atom", extensions, super().atom_entry)

    def _copy(self, kind: str, extensions: bool, build: Any) -> Any:
        key = f"{kind}{extensions}"
        if key not in self._built:
            self._built[key] = build(extensions)
        return deepcopy(self._built[key])
