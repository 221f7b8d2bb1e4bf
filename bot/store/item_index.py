"""pkgwhen's local index of Config history: items already read, and up to when each server was read.

With it, the next question about a server — any package — reads only the items newer than the index.
SQLite by default (the path comes from settings); one connection shared across threads under a lock.
It is a cache: a file that is not a database (or is damaged) is moved aside and rebuilt, a file that
cannot be written is replaced by one in memory, and a write that fails (a full disk) only loses caching.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.store.sqlite import transaction

log = logging.getLogger("pkgwhen.history")
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    node_id TEXT NOT NULL,
    state_id TEXT NOT NULL,
    captured_at REAL NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (node_id, state_id)
);
CREATE TABLE IF NOT EXISTS coverage (
    node_id TEXT PRIMARY KEY,
    first_capture REAL NOT NULL,
    read_until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS server_names (
    node_id TEXT PRIMARY KEY,
    name_tag TEXT,
    computer_name TEXT
);
"""


@dataclass(frozen=True)
class Coverage:
    """The index holds every item of the server from `first_capture` up to `read_until`."""

    first_capture: datetime
    read_until: datetime


@dataclass(frozen=True)
class ServerNames:
    """What a server was called: its EC2 Name tag and its computer name (either may be unknown)."""

    name_tag: str | None = None
    computer_name: str | None = None


@dataclass(frozen=True)
class StoredItem:
    """One configuration item as the index keeps it: the item as Config's API returned it, as JSON text."""

    node_id: str
    state_id: str
    captured_at: datetime
    text: str

    def item(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.text)
        return decoded

    @classmethod
    def of(cls, node_id: str, state_id: str, captured_at: datetime, item: Mapping[str, Any]) -> StoredItem:
        return cls(node_id, state_id, captured_at, json.dumps(item, default=_json_default))


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """SQLite says a file is not a database, or a damaged one, with the base class itself (its subclasses
    are other mistakes: a closed connection, a constraint)."""
    return type(error) is sqlite3.DatabaseError


class ItemIndex:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = self._open()

    def _connect(self, path: str) -> sqlite3.Connection:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(self.path)
        except sqlite3.OperationalError as error:
            log.warning("the history index %s cannot be written (%s); keeping it in memory", self.path, error)
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise
            self._move_aside(error)
            try:
                return self._connect(self.path)
            except sqlite3.Error as again:
                log.warning("the history index %s cannot be rebuilt (%s); keeping it in memory", self.path, again)
        except OSError as error:
            log.warning("the history index %s cannot be created (%s); keeping it in memory", self.path, error.strerror)
        return self._connect(":memory:")

    def _move_aside(self, error: sqlite3.Error) -> None:
        """A damaged index is a cache: keep the file for a look, start a new one."""
        aside = f"{self.path}.damaged-{int(time.time())}"
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.path + suffix, aside + suffix)
        log.warning("the history index %s was damaged (%s); moved to %s and rebuilt from Config", self.path, error, aside)

    def _guarded(self, work: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """Run `work`; a damaged file is rebuilt and a failing write skipped, so the index never fails a caller."""
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.OperationalError as error:
                log.warning("the history index %s failed (%s); this read is not cached", self.path, error)
            except sqlite3.DatabaseError as error:
                if not _damaged(error):
                    raise
                with contextlib.suppress(sqlite3.Error):
                    self._db.close()
                self._move_aside(error)
                self._db = self._open()
            return fallback

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def server_names(self) -> dict[str, ServerNames]:
        """The names pkgwhen has seen each server by: a retired server keeps them after AWS forgets it."""
        with self._lock:
            rows = self._db.execute("SELECT node_id, name_tag, computer_name FROM server_names").fetchall()
        return {row[0]: ServerNames(row[1], row[2]) for row in rows}

    def remember_server_names(self, names: Mapping[str, ServerNames]) -> None:
        """Record names (a name not given keeps the one remembered); a server with none is recorded as
        looked up, so it is not looked up again."""
        rows = [(node_id, n.name_tag, n.computer_name) for node_id, n in names.items()]
        if not rows:
            return
        with self._lock:
            self._db.executemany(
                "INSERT INTO server_names VALUES (?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET "
                "name_tag = coalesce(excluded.name_tag, name_tag), "
                "computer_name = coalesce(excluded.computer_name, computer_name)",
                rows,
            )

    def coverage(self, node_id: str) -> Coverage | None:
        row = self._guarded(
            lambda db: db.execute("SELECT first_capture, read_until FROM coverage WHERE node_id = ?", (node_id,)).fetchone(),
            None,
        )
        if row is None:
            return None
        return Coverage(datetime.fromtimestamp(row[0], UTC), datetime.fromtimestamp(row[1], UTC))

    def items(self, node_id: str) -> list[StoredItem]:
        """Every stored item of the server, oldest first, its JSON not yet decoded (callers may know it already)."""
        rows: list[Any] = self._guarded(
            lambda db: db.execute(
                "SELECT state_id, captured_at, item FROM items WHERE node_id = ? ORDER BY captured_at, state_id",
                (node_id,),
            ).fetchall(),
            [],
        )
        return [StoredItem(node_id, row[0], datetime.fromtimestamp(row[1], UTC), row[2]) for row in rows]

    def store(
        self,
        node_id: str,
        items: Iterable[tuple[str, datetime, Mapping[str, Any]]],
        *,
        first_capture: datetime,
        read_until: datetime,
    ) -> int:
        """Add (state id, capture time, item) rows and move the coverage forward; returns how many were new."""
        rows = [
            (node_id, state_id, captured.timestamp(), json.dumps(item, default=_json_default))
            for state_id, captured, item in items
        ]

        def work(db: sqlite3.Connection) -> int:
            with transaction(db):
                before = db.total_changes
                db.executemany("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?)", rows)
                added = db.total_changes - before
                db.execute(
                    "INSERT INTO coverage VALUES (?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET "
                    "first_capture = min(first_capture, excluded.first_capture), "
                    "read_until = max(read_until, excluded.read_until)",
                    (node_id, first_capture.timestamp(), read_until.timestamp()),
                )
            return added

        return self._guarded(work, 0)
