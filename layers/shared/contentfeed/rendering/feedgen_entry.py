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
    """A ``FeedEntry`` whose XML is kept once built: set every field and extension first.

    ``FeedGenerator.add_entry`` registers the generator's entry extensions on each entry it is
    given; an item built before would never show one added later, so that raises here instead
    of going missing silently. (Our generators register none: their ``contentfeed`` extension
    has no entry class, which feedgen skips.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[str, Any] = {}

    def register_extension(
        self,
        namespace: str,
        extension_class_entry: Any = None,
        atom: bool = True,
        rss: bool = True,
    ) -> None:
        if self._built and extension_class_entry is not None:
            raise RuntimeError(f"extension {namespace!r} added to an item whose XML is built")
        super().register_extension(namespace, extension_class_entry, atom, rss)

    def rss_entry(self, extensions: bool = True) -> Any:
        return self._copy("rss", extensions, super().rss_entry)

    def atom_entry(self, extensions: bool = True) -> Any:
        return self._copy("atom", extensions, super().atom_entry)

    def _copy(self, kind: str, extensions: bool, build: Any) -> Any:
        key = f"{kind}{extensions}"
        if key not in self._built:
            self._built[key] = build(extensions)
        return deepcopy(self._built[key])
