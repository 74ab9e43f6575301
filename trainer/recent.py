"""A small thread-safe cache of recent entries, one per process: least recently used go first.

Entries may carry a lifetime (`put(..., ttl=seconds)`), after which `get` no longer returns them.
Used for what a worker keeps between requests (rendered quiz pages, verified session cookies,
participants); none of it is ever the only copy of anything. The web app keeps its caches together
in `trainer.web.caches` (one set per app); the store keeps its one on the `Database`. The clock is
injectable so lifetimes can be tested without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` entries; the least recently used is dropped first."""

    def __init__(self, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self._clock = clock
        self._items: OrderedDict[K, tuple[float | None, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """Return the entry for `key`, unless there is none or its lifetime is over."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires is not None and expires <= self._clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V, ttl: float | None = None) -> V:
        """Keep `value` for `key` (for `ttl` seconds, if given) and return it."""
        expires = None if ttl is None else self._clock() + ttl
        with self._lock:
            self._items[key] = (expires, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def discard(self, key: K) -> None:
        """Forget the entry for `key`, if there is one (its source changed)."""
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        """Return how many entries are kept (expired ones included until looked up)."""
        with self._lock:
            return len(self._items)
