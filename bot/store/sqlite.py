"""SQLite helpers shared by pkgwhen's local stores (the history index, the alert ledger)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


@contextlib.contextmanager
def transaction(db: sqlite3.Connection, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
    """One transaction on an autocommit connection: committed when the block ends, rolled back if it raises.

    `immediate` takes the write lock at once, so a read inside the block sees what the write is based on.
    """
    db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
