"""One bounded cache for long-lived lookups: least recently used first out, bounded by a total weight.

The weight of an entry is what the cache is bounded by: 1 for a count of entries, an estimate of bytes for
parsed inventory (20,000 items of a 2,000-package server would be ~12 GiB if counted as entries). An
optional time to live drops entries that are too old to trust; failures are never put in.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Thread-safe LRU bounded by the sum of `weigh(value)` (default: one per entry), with an optional TTL."""

    def __init__(
        self,
        capacity: int,
        *,
        weigh: Callable[[V], int] = lambda _: 1,
        ttl_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self._weigh = weigh
        self._ttl = ttl_s
        self._clock = clock
        self._entries: OrderedDict[K, tuple[V, int, float]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        with self._lock:
            return self._weight

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            value, weight, stored_at = found
            if self._ttl is not None and self._clock() - stored_at > self._ttl:
                del self._entries[key]
                self._weight -= weight
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        weight = max(1, self._weigh(value))
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            if weight > self.capacity:
                # Larger than the whole cache: used once and not kept.
                return value
            self._entries[key] = (value, weight, self._clock())
            self._weight += weight
            while self._weight > self.capacity:
                _, (_, dropped, _) = self._entries.popitem(last=False)
                self._weight -= dropped
        return value
