"""What change alerts have posted, kept in SQLite in the state directory so restarts never post an item twice.

Two records: every handled item (server + configurationStateId → posted in which message, or skipped), and
every alert message (its channel, ts, thread replies, the servers and items it shows, and a hash of what
Slack shows in each slot, so an update is sent only when the text changed). A message's record is written
right after each Slack call that changed it, before the SQS message behind it is deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

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
"""

POSTED = "posted"


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

    def showing(self, slot: str, digest: str, reply_ts: str | None = None) -> AlertPost:
        """This post after Slack was told to show `digest` in `slot`."""
        shown = dict(self.shown)
        shown[slot] = digest
        replies = dict(self.replies)
        if reply_ts is not None:
            replies[slot] = reply_ts
        return replace(self, shown=tuple(sorted(shown.items())), replies=tuple(sorted(replies.items())))


@dataclass(frozen=True)
class Handled:
    """An item already accounted for."""

    outcome: str
    post_key: str | None


def _encode(post: AlertPost) -> str:
    return json.dumps(asdict(post), separators=(",", ":"))


def _decode(text: str) -> AlertPost:
    data: dict[str, Any] = json.loads(text)
    data["servers"] = tuple(
        PostedServer(**{**s, "items": tuple(s["items"])}) for s in data["servers"]
    )
    data["shown"] = tuple(tuple(pair) for pair in data["shown"])
    data["replies"] = tuple(tuple(pair) for pair in data["replies"])
    return AlertPost(**data)


class AlertStore:
    """SQLite at `path` (e.g. `state/alerts.sqlite3`); one connection shared by threads under a lock."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A crash may lose the last transaction's fsync but never corrupt: NORMAL is safe with WAL.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def handled(self, node_id: str, state_id: str) -> Handled | None:
        with self._lock:
            row = self._db.execute(
                "SELECT outcome, post_key FROM alert_items WHERE node_id = ? AND state_id = ?", (node_id, state_id)
            ).fetchone()
        return Handled(row[0], row[1]) if row else None

    def record_skip(self, node_id: str, state_id: str, outcome: str, at: float) -> None:
        """The item was deliberately not posted (noise, no channel …)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO alert_items VALUES (?, ?, ?, NULL, ?)", (node_id, state_id, outcome, at)
            )

    def save_post(self, post: AlertPost, at: float, items: Iterable[tuple[str, str]] = ()) -> None:
        """Write the post as Slack now shows it, and mark `items` as posted in it, in one transaction."""
        rows = [(node, state, POSTED, post.key, at) for node, state in items]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT INTO alert_posts VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "updated_at = excluded.updated_at, body = excluded.body",
                    (post.key, post.channel, post.opened_at, at, _encode(post)),
                )
                self._db.executemany("INSERT OR IGNORE INTO alert_items VALUES (?, ?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def post(self, key: str) -> AlertPost | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM alert_posts WHERE key = ?", (key,)).fetchone()
        return _decode(row[0]) if row else None

    def open_posts(self, since: float) -> list[AlertPost]:
        """Posts opened at or after `since` (the grouping window), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM alert_posts WHERE opened_at >= ? ORDER BY opened_at, key", (since,)
            ).fetchall()
        return [_decode(row[0]) for row in rows]

    def counts(self) -> dict[str, int]:
        """Handled items per outcome (for logs and the benchmark)."""
        with self._lock:
            rows = self._db.execute("SELECT outcome, count(*) FROM alert_items GROUP BY outcome").fetchall()
        return {str(outcome): int(n) for outcome, n in rows}
