"""Pacing concurrent AWS calls: once AWS throttles, space the calls out; as they succeed, close the gaps again.

botocore's own retry waits a random while per call, so a burst of readers throttled together retries in a
scatter and mostly wastes the wait. A pacer shared by the readers of one history turns a throttle into a
common spacing instead: the gap doubles on throttling, and each success raises the call rate again, by 1%
or by `RATE_GAIN` times the gap, whichever is more. Near a rate limit (gaps of tens of milliseconds) that is a
gentle 1% per success; after an outage has widened the gap to seconds, the first successes close it within
seconds of wall time, not after hundreds of calls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

FIRST_GAP = 0.02  # seconds between call starts after the first throttle
MAX_GAP = 2.0
EASE = 0.01  # each success raises the call rate by at least 1% ...
RATE_GAIN = 5.0  # ... or by this many calls per second for each second of gap, whichever is more
NO_GAP_BELOW = 0.002


class Pacer:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._gap = 0.0
        self._next = 0.0
        self._slowed_at = float("-inf")
        self._throttled_since: float | None = None  # the first throttle since the last success
        self._lock = threading.Lock()

    @property
    def gap(self) -> float:
        return self._gap

    def throttled_for(self) -> float:
        """Seconds since AWS began throttling every call (no success since); 0 while calls succeed."""
        with self._lock:
            return 0.0 if self._throttled_since is None else self._clock() - self._throttled_since

    def wait(self) -> float:
        """Wait for this call's turn; returns the moment it went (pass it to `throttled`)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._gap
        if start > now:
            self._sleep(start - now)
        return start

    def throttled(self, sent_at: float) -> None:
        """A call sent at `sent_at` was throttled. Calls sent before the last slow-down don't slow it again."""
        with self._lock:
            now = self._clock()
            if self._throttled_since is None:
                self._throttled_since = now
            if sent_at >= self._slowed_at:
                self._gap = min(MAX_GAP, max(FIRST_GAP, self._gap * 2))
                self._slowed_at = now
            # The retry waits its turn behind everyone, at least one gap from now.
            self._next = max(self._next, now + self._gap)

    def succeeded(self) -> None:
        with self._lock:
            self._throttled_since = None
            if self._gap == 0.0:
                return
            rate = 1 / self._gap
            gap = 1 / (rate + max(rate * EASE, RATE_GAIN * self._gap))
            self._gap = 0.0 if gap < NO_GAP_BELOW else gap
