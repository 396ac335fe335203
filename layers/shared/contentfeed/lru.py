"""A least-recently-used map bounded by what its values cost, for what a warm container keeps
between requests (decoded feed entries, prepared feed items).

Bounded by cost rather than count: the values hold article HTML, from a few hundred characters
to a hundred thousand, so a count would bound nothing. Costs are counted in characters: Python
keeps a text at 1, 2 or 4 bytes a character (one emoji makes a whole HTML 4), so the bytes held
may reach a few times the budget, still bounded. Thread-safe: the local server answers from
several threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    entries: int
    chars: int


class SizedLRU[K: Hashable, V]:
    """Values by key, the least recently used dropped first while their costs exceed
    ``budget``; a value costing more than the whole budget is never kept."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._chars = self._hits = self._misses = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self._misses += 1
                return None
            self._hits += 1
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V, cost: int) -> None:
        with self._lock:
            if key in self._items or cost > self.budget:
                return
            self._items[key] = (value, cost)
            self._chars += cost
            while self._chars > self.budget:
                _, (_, freed) = self._items.popitem(last=False)
                self._chars -= freed

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses, len(self._items), self._chars)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = self._hits = self._misses = 0
