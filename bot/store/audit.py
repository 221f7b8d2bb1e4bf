"""The audit trail of write actions (who, when, server, association, outcome) and what keeps a run from starting twice.

Kept in SQLite in the state directory, so a restart forgets neither the trail nor the cooldowns; every
entry is also written to the log. `claim` decides and records in one transaction: a repeated trigger, the
same person's identical request within the cooldown, or any refresh of the same target within the
cooldown refuses the new one, so two clicks or two replicas cannot both start a run. A refusal is an
entry of the trail too (`repeated`, `cooling down`), as a denial is (`denied`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

log = logging.getLogger("pkgwhen.audit")


class Outcome(StrEnum):
    REQUESTED = "requested"  # claimed; the write call is being made
    STARTED = "started"
    UNKNOWN = "unknown"  # the write call got no answer; it may have started a run
    REJECTED = "rejected"  # AWS refused the call: nothing started
    DENIED = "denied"  # not on the allow-list
    REPEATED = "repeated"  # refused: the same trigger, or the same person's same request, again
    COOLING_DOWN = "cooling down"  # refused: the target's cooldown after someone's run holds
    CONFIRMING = "confirming"  # a whole-association run waits for its confirmation click
    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    NOT_COLLECTED = "not collected"
    NOT_RECORDED = "not recorded"
    FAILED = "failed"


# Entries that did not start anything do not hold a cooldown.
_NOT_STARTED = (
    Outcome.REJECTED.value,
    Outcome.DENIED.value,
    Outcome.CONFIRMING.value,
    Outcome.REPEATED.value,
    Outcome.COOLING_DOWN.value,
)


@dataclass(frozen=True)
class AuditEntry:
    entry_id: int
    at: datetime
    user_id: str
    channel_id: str
    action: str
    target: str
    association_id: str
    trigger_id: str
    outcome: str


@dataclass(frozen=True)
class Refusal:
    """Why a write was not started: `repeated` (same trigger or same request) or a cooldown by someone's run."""

    repeated: bool
    previous: AuditEntry
    wait: timedelta


_SCHEMA = """
CREATE TABLE IF NOT EXISTS write_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    association_id TEXT NOT NULL,
    trigger_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS write_actions_target ON write_actions (target, at);
CREATE INDEX IF NOT EXISTS write_actions_trigger ON write_actions (trigger_id);
"""
_COLUMNS = "id, at, user_id, channel_id, action, target, association_id, trigger_id, outcome"


def _iso(at: datetime) -> str:
    # Fixed width, so text order is time order.
    return at.isoformat(timespec="microseconds")


def _entry(row: tuple[int, str, str, str, str, str, str, str, str]) -> AuditEntry:
    return AuditEntry(row[0], datetime.fromisoformat(row[1]), *row[2:])


class AuditTrail:
    """Write actions in `path` (SQLite); `clock` is the bot's clock (timezone-aware)."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        self._clock = clock
        # One decision at a time in this process; BEGIN IMMEDIATE orders processes sharing the file.
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def claim(
        self,
        *,
        action: str,
        user_id: str,
        channel_id: str,
        target: str,
        association_id: str,
        trigger_id: str,
        cooldown: timedelta,
        outcome: Outcome = Outcome.REQUESTED,
    ) -> AuditEntry | Refusal:
        """Record the request and return its entry, or record the refusal that stops it and return that."""
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                refusal = self._refusal(action, user_id, target, trigger_id, cooldown=cooldown, now=now)
                if refusal is not None:
                    outcome = Outcome.REPEATED if refusal.repeated else Outcome.COOLING_DOWN
                entry_id = self._insert(
                    now,
                    user_id=user_id,
                    channel_id=channel_id,
                    action=action,
                    target=target,
                    association_id=association_id,
                    trigger_id=trigger_id,
                    outcome=outcome,
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if refusal is not None:
            log.info(
                "audit: entry %d: %s of %s by %s in %s refused: %s (after entry %d by %s)",
                entry_id,
                action,
                target,
                user_id,
                channel_id,
                outcome.value,
                refusal.previous.entry_id,
                refusal.previous.user_id,
            )
            return refusal
        entry = AuditEntry(
            entry_id, now, user_id, channel_id, action, target, association_id, trigger_id, outcome.value
        )
        log.info(
            "audit: entry %d: %s of %s (association %s) by %s in %s: %s",
            entry_id,
            action,
            target,
            association_id or "-",
            user_id,
            channel_id,
            outcome.value,
        )
        return entry

    def _refusal(
        self, action: str, user_id: str, target: str, trigger_id: str, *, cooldown: timedelta, now: datetime
    ) -> Refusal | None:
        if trigger_id:
            # The first entry of a trigger, whatever became of it: a trigger is decided once.
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM write_actions WHERE trigger_id = ? AND outcome != ? ORDER BY id LIMIT 1",
                (trigger_id, Outcome.DENIED.value),
            ).fetchone()
            if row is not None:
                return Refusal(True, _entry(row), timedelta(0))
        since = _iso(now - cooldown)
        marks = ",".join("?" * len(_NOT_STARTED))
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM write_actions WHERE target = ? AND at > ? AND outcome NOT IN ({marks})"
            " ORDER BY at DESC LIMIT 1",
            (target, since, *_NOT_STARTED),
        ).fetchone()
        if row is None:
            return None
        previous = _entry(row)
        wait = previous.at + cooldown - now
        repeated = previous.user_id == user_id and previous.action == action
        return Refusal(repeated, previous, wait)

    def _insert(
        self,
        now: datetime,
        *,
        user_id: str,
        channel_id: str,
        action: str,
        target: str,
        association_id: str,
        trigger_id: str,
        outcome: Outcome,
    ) -> int:
        """One row of the trail; the caller holds the lock. Returns its id."""
        cursor = self._db.execute(
            "INSERT INTO write_actions (at, user_id, channel_id, action, target, association_id, trigger_id,"
            " outcome, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _iso(now),
                user_id,
                channel_id,
                action,
                target,
                association_id,
                trigger_id,
                outcome.value,
                _iso(now),
            ),
        )
        return int(cursor.lastrowid or 0)

    def record(
        self,
        *,
        action: str,
        user_id: str,
        channel_id: str,
        target: str,
        association_id: str = "",
        trigger_id: str = "",
        outcome: Outcome,
    ) -> None:
        """An entry that decides nothing (a denial, a confirmation shown)."""
        now = self._clock()
        with self._lock:
            self._insert(
                now,
                user_id=user_id,
                channel_id=channel_id,
                action=action,
                target=target,
                association_id=association_id,
                trigger_id=trigger_id,
                outcome=outcome,
            )
        log.info(
            "audit: %s of %s (association %s) by %s in %s: %s",
            action,
            target,
            association_id or "-",
            user_id,
            channel_id,
            outcome.value,
        )

    def finish(self, entry: AuditEntry, outcome: Outcome) -> None:
        """The outcome of a claimed write, as it becomes known."""
        now = self._clock()
        with self._lock:
            self._db.execute(
                "UPDATE write_actions SET outcome = ?, updated = ? WHERE id = ?",
                (outcome.value, _iso(now), entry.entry_id),
            )
        log.info(
            "audit: entry %d: %s of %s by %s: %s",
            entry.entry_id,
            entry.action,
            entry.target,
            entry.user_id,
            outcome.value,
        )

    def entries(self, target: str | None = None) -> list[AuditEntry]:
        """The trail, oldest first (all targets, or one)."""
        with self._lock:
            if target is None:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM write_actions ORDER BY id").fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM write_actions WHERE target = ? ORDER BY id", (target,)
                ).fetchall()
        return [_entry(row) for row in rows]
