"""The alert ledger: what change alerts have posted, or are about to post, kept in SQLite in the state directory.

Two records: every handled item (server + configurationStateId → posted in which message, about to be,
or skipped), and every alert message (its channel, ts, thread replies, the servers and items it shows, a
hash of what Slack shows in each slot, and the *intents*: posts sent or about to be sent whose outcome is
not known yet, each with the post key the message carries in its metadata). An intent is written before
the `chat.postMessage` it announces and cleared once Slack's answer is recorded, so a crash, a timeout or
a 5xx in between is resolved by looking the key up in the channel, never by posting blindly again.

Every write is fsynced (`synchronous=FULL`): an intent that a power cut could roll back would not protect
anything. A ledger that cannot be written raises LedgerError, which stops the worker before it posts. A
ledger file deleted while the worker runs is written back from the open connection.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from bot.store.sqlite import transaction

log = logging.getLogger("pkgwhen.alerts")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_items (
    node_id TEXT NOT NULL,
    state_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    post_key TEXT,
    handled_at REAL NOT NULL,
    PRIMARY KEY (node_id, state_id)
);
CREATE TABLE IF NOT EXISTS alert_posts (
    key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    opened_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_posts_opened ON alert_posts (opened_at);
CREATE INDEX IF NOT EXISTS alert_items_handled ON alert_items (handled_at);
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

T = TypeVar("T")


class ItemRecord(StrEnum):
    """What the ledger says about one item."""

    POSTED = "posted"
    # A post showing it was sent or is about to be; Slack's answer is not recorded yet.
    INTENDED = "intended"
    NOISE = "noise"
    NO_CHANNEL = "no_channel"


class LedgerError(Exception):
    """The ledger cannot be read or written; the message names the file and the cause in one line."""

    def __init__(self, path: str, cause: str) -> None:
        super().__init__(
            f"the alert ledger {path} cannot be used ({cause}); alerts stop before anything more is posted — "
            "free space or fix the state directory (PKGWHEN_STATE_DIR), then restart"
        )
        self.path = path
        self.cause = cause


@dataclass(frozen=True)
class PostedServer:
    """One server in an alert message: the span of its items the message describes."""

    node_id: str
    label: str
    # The item before the first one shown (None: the first record of the server).
    base_state: str | None
    base_captured: float | None
    head_state: str
    head_captured: float
    # Every item (configurationStateId) folded into this message for the server.
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    """A `chat.postMessage` sent (or about to be) for `slot`, whose outcome is not recorded yet."""

    slot: str
    # Carried in the message's metadata: how the message is recognised in the channel's history.
    key: str
    at: float
    # What the message shows (the slot's digest), so an adopted message is updated only if it must be.
    digest: str
    thread_ts: str | None = None


@dataclass(frozen=True)
class AlertPost:
    """One alert message in a channel: about one server, or a fleet digest of servers that changed alike."""

    channel: str
    opened_at: float
    # The change itself (`ChangeSummary.signature`), hashed: servers with equal ones share a digest.
    signature: str
    servers: tuple[PostedServer, ...]
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    ts: str | None = None
    # Slot ("main", "detail-0", "servers-0" …) → hash of the text Slack shows there now.
    shown: tuple[tuple[str, str], ...] = ()
    # Thread reply slot → its ts.
    replies: tuple[tuple[str, str], ...] = ()
    intents: tuple[Intent, ...] = ()

    @property
    def is_digest(self) -> bool:
        return len(self.servers) > 1

    def server(self, node_id: str) -> PostedServer | None:
        return next((s for s in self.servers if s.node_id == node_id), None)

    def items(self) -> list[tuple[str, str]]:
        return [(s.node_id, state) for s in self.servers for state in s.items]

    def shown_hash(self, slot: str) -> str | None:
        return dict(self.shown).get(slot)

    def reply_ts(self, slot: str) -> str | None:
        return dict(self.replies).get(slot)

    def intent(self, slot: str) -> Intent | None:
        return next((i for i in self.intents if i.slot == slot), None)

    def intending(self, intent: Intent) -> AlertPost:
        """This post with a post sent for `intent.slot` whose outcome is not known yet."""
        return replace(self, intents=(*(i for i in self.intents if i.slot != intent.slot), intent))

    def resolved(self, slot: str) -> AlertPost:
        """This post once the outcome of its post for `slot` is known (and recorded with it)."""
        return replace(self, intents=tuple(i for i in self.intents if i.slot != slot))

    def showing(self, slot: str, digest: str, ts: str | None = None) -> AlertPost:
        """This post after Slack was told to show `digest` in `slot` (the message's ts when newly posted)."""
        shown = dict(self.shown)
        shown[slot] = digest
        post = replace(self, shown=tuple(sorted(shown.items())))
        if ts is None:
            return post
        if slot == "main":
            return replace(post, ts=ts)
        replies = dict(self.replies)
        replies[slot] = ts
        return replace(post, replies=tuple(sorted(replies.items())))

    def forgetting(self, slot: str) -> AlertPost:
        """This post after the message in `slot` was found deleted: nothing is shown there any more."""
        if slot == "main":
            return replace(self, ts=None, shown=(), replies=(), intents=())
        return replace(
            self,
            shown=tuple(p for p in self.shown if p[0] != slot),
            replies=tuple(p for p in self.replies if p[0] != slot),
        )


@dataclass(frozen=True)
class Handled:
    """An item already accounted for."""

    outcome: ItemRecord
    post_key: str | None


def _encode(post: AlertPost) -> str:
    return json.dumps(asdict(post), separators=(",", ":"))


def _decode(text: str) -> AlertPost:
    data: dict[str, Any] = json.loads(text)
    data["servers"] = tuple(PostedServer(**{**s, "items": tuple(s["items"])}) for s in data["servers"])
    data["shown"] = tuple(tuple(pair) for pair in data["shown"])
    data["replies"] = tuple(tuple(pair) for pair in data["replies"])
    data["intents"] = tuple(Intent(**i) for i in data.get("intents", ()))
    return AlertPost(**data)


class AlertLedger:
    """SQLite at `path` (e.g. `state/alerts.sqlite3`); one connection shared by threads under a lock.

    Raises LedgerError when the file cannot be opened or written (read-only or full disk, not a database).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._identity: tuple[int, int] | None = None
        self._db = self._open()

    # --- the file ---------------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = None
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            # A write at once: a read-only file or directory shows now, not at the first alert.
            db.execute("INSERT OR REPLACE INTO ledger_meta VALUES ('opened_at', strftime('%s','now'))")
        except (sqlite3.Error, OSError) as error:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            raise LedgerError(self.path, _cause(error)) from error
        self._identity = self._file_identity()
        return db

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path == ":memory:":
            return None
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (found.st_dev, found.st_ino)

    def _check_file(self) -> None:
        """The file is still the one open: if it was deleted, write it back from the open connection."""
        if self._identity is None or self._file_identity() == self._identity:
            return
        if os.path.exists(self.path):
            raise LedgerError(self.path, "the file was replaced by another while pkgwhen had it open")
        spare = f"{self.path}.restoring"
        try:
            with contextlib.closing(sqlite3.connect(spare)) as copy:
                self._db.backup(copy)
            self._db.close()
            os.replace(spare, self.path)
            self._db = self._open()
        except (sqlite3.Error, OSError) as error:
            raise LedgerError(self.path, f"deleted while open, and not written back: {_cause(error)}") from error
        log.warning("the alert ledger %s was deleted while pkgwhen ran; it was written back from the open copy", self.path)

    @contextlib.contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._check_file()
                yield self._db
            except sqlite3.Error as error:
                raise LedgerError(self.path, _cause(error)) from error

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._using() as db, transaction(db, immediate=True):
            return work(db)

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()

    # --- items and posts --------------------------------------------------------------------------------

    def handled(self, node_id: str, state_id: str) -> Handled | None:
        with self._using() as db:
            row = db.execute(
                "SELECT outcome, post_key FROM alert_items WHERE node_id = ? AND state_id = ?", (node_id, state_id)
            ).fetchone()
        return Handled(ItemRecord(row[0]), row[1]) if row else None

    def record_skip(self, node_id: str, state_id: str, outcome: ItemRecord, at: float) -> None:
        """The item was deliberately not posted (noise, no channel …)."""
        self._write(
            lambda db: db.execute(
                "INSERT OR IGNORE INTO alert_items VALUES (?, ?, ?, NULL, ?)", (node_id, state_id, outcome.value, at)
            )
        )

    def save_post(
        self, post: AlertPost, at: float, items: Iterable[tuple[str, str]] = (), *, outcome: ItemRecord = ItemRecord.POSTED
    ) -> None:
        """Write the post as Slack now shows it (with its open intents), and mark `items` as in it, in one transaction.

        `INTENDED` marks items of a post about to be sent; `POSTED` then replaces it.
        """
        rows = [(node, state, outcome.value, post.key, at) for node, state in items]

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO alert_posts VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "updated_at = excluded.updated_at, body = excluded.body",
                (post.key, post.channel, post.opened_at, at, _encode(post)),
            )
            db.executemany(
                "INSERT INTO alert_items VALUES (?, ?, ?, ?, ?) ON CONFLICT(node_id, state_id) DO UPDATE SET "
                "outcome = excluded.outcome, post_key = excluded.post_key, handled_at = excluded.handled_at "
                "WHERE alert_items.outcome = 'intended'",
                rows,
            )

        self._write(work)

    def drop_post(self, key: str) -> None:
        """A post Slack definitely never showed (its first post was refused): forget it and its intended items."""

        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM alert_items WHERE post_key = ? AND outcome = 'intended'", (key,))
            db.execute("DELETE FROM alert_posts WHERE key = ?", (key,))

        self._write(work)

    def post(self, key: str) -> AlertPost | None:
        with self._using() as db:
            row = db.execute("SELECT body FROM alert_posts WHERE key = ?", (key,)).fetchone()
        return _decode(row[0]) if row else None

    def open_posts(self, since: float) -> list[AlertPost]:
        """Posts opened at or after `since` (the grouping window), oldest first."""
        with self._using() as db:
            rows = db.execute(
                "SELECT body FROM alert_posts WHERE opened_at >= ? ORDER BY opened_at, key", (since,)
            ).fetchall()
        return [_decode(row[0]) for row in rows]

    def counts(self) -> dict[str, int]:
        """Handled items per outcome (for logs and the benchmark)."""
        with self._using() as db:
            rows = db.execute("SELECT outcome, count(*) FROM alert_items GROUP BY outcome").fetchall()
        return {str(outcome): int(n) for outcome, n in rows}

    def prune(self, before: float) -> int:
        """Forget items handled and posts last changed before `before`; returns how many rows went.

        Called with a retention longer than the queue's and the DLQ's: no message that could still arrive
        refers to what is forgotten.
        """

        def work(db: sqlite3.Connection) -> int:
            gone = db.execute("DELETE FROM alert_items WHERE handled_at < ?", (before,)).rowcount
            gone += db.execute("DELETE FROM alert_posts WHERE updated_at < ?", (before,)).rowcount
            return int(gone)

        return self._write(work)


def _cause(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
