"""What `/readyz` says about the alert worker: whether it runs, and what holds alerts back.

A worker that died makes the bot not ready (503), so an orchestrator restarts it; conditions that hold
alerts back while the worker runs (Slack or AWS down, a route whose channel refuses the bot) are detail
lines of a ready answer: commands still work, and the operator reads what to fix.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class WorkerHealth:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._death: str | None = None
        self._conditions: dict[str, tuple[str, float]] = {}
        self._listeners: list[Callable[[str], None]] = []

    @property
    def dead(self) -> str | None:
        """Why the worker stopped for good, or None while it runs."""
        with self._lock:
            return self._death

    def on_death(self, listener: Callable[[str], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def died(self, reason: str) -> None:
        with self._lock:
            self._death = reason
            listeners = list(self._listeners)
        for listener in listeners:
            listener(reason)

    def holding(self, name: str, text: str) -> bool:
        """Something holds alerts back (`name` identifies it); True when it is new."""
        with self._lock:
            since = self._conditions.get(name, (text, self._clock()))[1]
            new = name not in self._conditions
            self._conditions[name] = (text, since)
        return new

    def cleared(self, name: str) -> bool:
        """It no longer does; True when it did."""
        with self._lock:
            return self._conditions.pop(name, None) is not None

    def held(self, name: str) -> bool:
        with self._lock:
            return name in self._conditions

    def readiness(self) -> tuple[bool, list[str]]:
        with self._lock:
            details = [
                f"alerts: {text} (since {datetime.fromtimestamp(since, UTC):%Y-%m-%d %H:%M:%S} UTC)"
                for text, since in self._conditions.values()
            ]
            if self._death is not None:
                return False, [f"alerts: the worker stopped: {self._death}", *details]
        return True, details
