"""pkgwhen's store of Config history as spans: embedded DuckDB, one file in the state directory.

It is a cache of what Config recorded: per server, one row per item (its facts) and one row per span (a
package version and the captures that bound it), with how far Config's history was read. Deleting the
file costs one cold read per server; a file written by an older pkgwhen (another schema) is rebuilt.
Every server is keyed by account, region and node id, so one store holds a whole organization.

DuckDB rather than SQLite: the fleet questions scan one package across every server, which a columnar
engine with compression answers from a fraction of the bytes (figures in the README's Benchmarks).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bot.core.config_items import InventoryKind, InventorySnapshot, PackageEntry, PlatformInfo
from bot.core.servers import ServerNames, ServerRef
from bot.core.spans import (
    DELETED_STATUSES,
    ItemFacts,
    PackageSpan,
    SpanBuilder,
    insert,
    package_state,
    scheme_of,
    snapshot_at,
    span_entry,
    tells_packages,
)
from bot.core.spans import snapshots as spans_snapshots
from bot.core.timeline import is_glob, matching_names
from bot.core.versions import VersionScheme
from bot.store.ingest import ItemReader

log = logging.getLogger("pkgwhen.store")

SCHEMA_VERSION = "1"
# Small blocks: a store of a few servers stays small on disk (DuckDB's default block is 256 KiB).
_BLOCK_SIZE = 16384
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS servers (
    sid INTEGER, account VARCHAR, region VARCHAR, node_id VARCHAR,
    first_us BIGINT, read_until_us BIGINT
);
CREATE TABLE IF NOT EXISTS items (
    sid INTEGER, state_id VARCHAR, captured_us BIGINT, status VARCHAR, known BOOLEAN, unmanaged BOOLEAN,
    rpm_fields BOOLEAN, skipped INTEGER, platform_name VARCHAR, platform_type VARCHAR,
    platform_version VARCHAR, computer_name VARCHAR, agent_version VARCHAR, ip_address VARCHAR,
    resource_type VARCHAR, has_platform BOOLEAN, dpkg_looking BOOLEAN,
    -- the item tells what is installed (package data, or a deletion: nothing): spans change here
    holds BOOLEAN,
    -- the capture time of the server's previous item with package data: where a change's window opens
    prev_known_us BIGINT
);
CREATE TABLE IF NOT EXISTS server_names (node_id VARCHAR, name_tag VARCHAR, computer_name VARCHAR);
CREATE SEQUENCE IF NOT EXISTS span_ids;
CREATE TABLE IF NOT EXISTS spans (
    span_id BIGINT, sid INTEGER, kind VARCHAR, folded VARCHAR, name VARCHAR, version VARCHAR, arch VARCHAR,
    installed_us BIGINT, date_only BOOLEAN, installed_day DATE, day_zoned BOOLEAN, publisher VARCHAR, package_id VARCHAR, installed_by VARCHAR,
    rpm_release VARCHAR, rpm_epoch VARCHAR, since_us BIGINT, until_us BIGINT
);
"""
_SPAN_COLUMNS = (
    "span_id, sid, kind, folded, name, version, arch, installed_us, date_only, installed_day, day_zoned, publisher, "
    "package_id, installed_by, "
    "rpm_release, rpm_epoch, since_us, until_us"
)
_ITEM_COLUMNS = (
    "sid, state_id, captured_us, status, known, unmanaged, rpm_fields, skipped, platform_name, platform_type, "
    "platform_version, computer_name, agent_version, ip_address, resource_type, has_platform, dpkg_looking, holds"
)
_ITEM_COUNT = 18
# Spans columns a write supplies (all but span_id, which the sequence gives).
_SPAN_COUNT = 17


@dataclass(frozen=True)
class Coverage:
    """The store holds every item of the server from `first_capture` up to `read_until`."""

    first_capture: datetime
    read_until: datetime


@dataclass(frozen=True)
class StoredHistory:
    """A server's items as snapshots (of the packages asked for), and its version order."""

    snapshots: tuple[InventorySnapshot, ...]
    scheme: VersionScheme


@dataclass(frozen=True)
class FleetRow:
    """One span of a package on one server, as the fleet questions read it."""

    server: ServerRef
    kind: InventoryKind
    folded: str
    name: str
    version: str
    arch: str
    since: datetime
    # The previous capture with package data before `since` (None: the span starts the history).
    since_after: datetime | None
    until: datetime | None
    # The previous capture with package data before `until`: the last that still showed the span.
    until_after: datetime | None
    ended_by_deletion: bool


@dataclass(frozen=True)
class FleetServerFacts:
    """What the newest item of a server said: enough to name it, order its versions and tell it is gone."""

    server: ServerRef
    status: str
    last_capture: datetime
    platform_name: str
    platform_type: str
    computer_name: str
    rpm_fields: bool
    read_until: datetime | None


def _us(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _at(us: int) -> datetime:
    return datetime.fromtimestamp(us // 1_000_000, UTC).replace(microsecond=us % 1_000_000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SpanStore:
    """Spans and item facts of every server pkgwhen has read, shared by the questions and the alert worker."""

    def __init__(self, path: Path | str, *, memory_limit_mb: int = 256, threads: int = 2) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = self._open(memory_limit_mb, threads)
        self._sids: dict[tuple[str, str, str], int] = {}

    def _open(self, memory_limit_mb: int, threads: int) -> duckdb.DuckDBPyConnection:
        db = duckdb.connect(config={"memory_limit": f"{memory_limit_mb}MB", "threads": threads})
        if self._path == ":memory:":
            db.execute("ATTACH ':memory:' AS store")
        else:
            db.execute(f"ATTACH '{_quoted(self._path)}' AS store (BLOCK_SIZE {_BLOCK_SIZE})")
        db.execute("USE store")
        db.execute(_SCHEMA)
        found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if found is None:
            db.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
        elif found[0] != SCHEMA_VERSION:
            log.info("the store at %s has schema %s, this pkgwhen %s: rebuilding it", self._path, found[0], SCHEMA_VERSION)
            for table in ("spans", "items", "servers", "server_names", "meta"):
                db.execute(f"DROP TABLE {table}")
            db.execute("DROP SEQUENCE span_ids")
            db.execute(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- servers ---------------------------------------------------------------------------------------
    def _sid(self, server: ServerRef, *, create: bool) -> int | None:
        """The store's number for a server. An empty account means the bot's own account, whose id pkgwhen
        may not know: it matches the server in the region whatever account its items named."""
        key = (server.account, server.region, server.node_id)
        with self._lock:
            if key in self._sids:
                return self._sids[key]
            if server.account:
                row = self._db.execute(
                    "SELECT sid FROM servers WHERE account = ? AND region = ? AND node_id = ?", list(key)
                ).fetchone()
            else:
                row = self._db.execute(
                    "SELECT min(sid) FROM servers WHERE region = ? AND node_id = ? HAVING count(*) > 0",
                    [server.region, server.node_id],
                ).fetchone()
            if row is None:
                if not create:
                    return None
                (next_sid,) = self._db.execute("SELECT coalesce(max(sid), 0) + 1 FROM servers").fetchone() or (1,)
                self._db.execute(
                    "INSERT INTO servers VALUES (?, ?, ?, ?, NULL, NULL)", [next_sid, *key]
                )
                row = (next_sid,)
            self._sids[key] = int(row[0])
            return int(row[0])

    def coverage(self, server: ServerRef) -> Coverage | None:
        sid = self._sid(server, create=False)
        if sid is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT first_us, read_until_us FROM servers WHERE sid = ?", [sid]).fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return Coverage(_at(row[0]), _at(row[1]))

    def server_names(self) -> dict[str, ServerNames]:
        """The names pkgwhen has seen each server by: a retired server keeps them after AWS forgets it."""
        with self._lock:
            rows = self._db.execute("SELECT node_id, name_tag, computer_name FROM server_names").fetchall()
        return {row[0]: ServerNames(row[1], row[2]) for row in rows}

    def remember_server_names(self, names: Mapping[str, ServerNames]) -> None:
        """Record names (a name not given keeps the one remembered); a server with none is recorded as
        looked up, so it is not looked up again."""
        if not names:
            return
        with self._transaction() as db:
            known = {row[0]: (row[1], row[2]) for row in db.execute("SELECT * FROM server_names").fetchall()}
            db.execute("DELETE FROM server_names WHERE node_id IN (SELECT UNNEST(?))", [list(names)])
            rows = [
                (node_id, n.name_tag or known.get(node_id, (None, None))[0], n.computer_name or known.get(node_id, (None, None))[1])
                for node_id, n in names.items()
            ]
            db.execute(
                "INSERT INTO server_names SELECT UNNEST(?), UNNEST(?), UNNEST(?)",
                [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )

    # --- reading ---------------------------------------------------------------------------------------
    def items(self, server: ServerRef) -> list[ItemFacts]:
        sid = self._sid(server, create=False)
        if sid is None:
            return []
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE sid = ? ORDER BY captured_us, state_id", [sid]
            ).fetchall()
        return [_facts(server, row) for row in rows]

    def spans(self, server: ServerRef, keys: Iterable[tuple[InventoryKind, str]] | None = None) -> list[PackageSpan]:
        """The server's spans, of every package or of the (kind, casefolded name) keys given."""
        sid = self._sid(server, create=False)
        if sid is None:
            return []
        query = f"SELECT {_SPAN_COLUMNS} FROM spans WHERE sid = ?"
        params: list[Any] = [sid]
        if keys is not None:
            wanted = sorted({(kind.value, folded) for kind, folded in keys})
            if not wanted:
                return []
            query += " AND (kind, folded) IN (SELECT UNNEST(?), UNNEST(?))"
            params += [[k for k, _ in wanted], [f for _, f in wanted]]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY since_us", params).fetchall()
        return [_span(row) for row in rows]

    def matching_names(self, server: ServerRef, pattern: str) -> set[str]:
        """The casefolded names `pattern` means on this server (exact name first, else the glob's matches)."""
        sid = self._sid(server, create=False)
        if sid is None:
            return set()
        wanted = pattern.strip().casefold()
        with self._lock:
            if self._db.execute("SELECT 1 FROM spans WHERE sid = ? AND folded = ? LIMIT 1", [sid, wanted]).fetchone():
                return {wanted}
        if not is_glob(wanted):
            return set()
        return matching_names(wanted, (name.casefold() for _, name in self.package_names(server)))

    def snapshots(self, server: ServerRef, folded: Iterable[str] | None = None) -> StoredHistory:
        """Every item of the server as a snapshot holding the packages named (casefolded; None: all)."""
        items = self.items(server)
        spans = self.spans_named(server, folded)
        return StoredHistory(tuple(spans_snapshots(items, spans)), scheme_of(items))

    def snapshots_at(self, server: ServerRef, captures: Iterable[datetime]) -> list[InventorySnapshot]:
        """The server's items captured at these moments, each whole (every package it held)."""
        wanted = sorted(set(captures))
        facts = [f for f in self.items(server) if f.captured_at in set(wanted)]
        sid = self._sid(server, create=False)
        if sid is None or not facts:
            return []
        condition = " OR ".join("(since_us <= ? AND (until_us IS NULL OR until_us > ?))" for _ in wanted)
        params = [value for moment in wanted for value in (_us(moment), _us(moment))]
        with self._lock:
            loaded = self._loaded(self._db, sid, condition, params)
        return [snapshot_at(f, loaded) for f in facts]

    def spans_named(self, server: ServerRef, folded: Iterable[str] | None = None) -> list[PackageSpan]:
        """The server's spans of the packages named (casefolded, any inventory type; None: all)."""
        sid = self._sid(server, create=False)
        if sid is None:
            return []
        query = f"SELECT {_SPAN_COLUMNS} FROM spans WHERE sid = ?"
        params: list[Any] = [sid]
        if folded is not None:
            names = sorted(set(folded))
            if not names:
                return []
            query += " AND folded IN (SELECT UNNEST(?))"
            params.append(names)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY since_us", params).fetchall()
        return [_span(row) for row in rows]

    def package_names(self, server: ServerRef) -> list[tuple[InventoryKind, str]]:
        """Every package the server's history holds: (kind, name as most recently recorded)."""
        sid = self._sid(server, create=False)
        if sid is None:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT kind, arg_max(name, since_us) FROM spans WHERE sid = ? GROUP BY kind, folded", [sid]
            ).fetchall()
        return [(InventoryKind(kind), name) for kind, name in rows]

    # --- the fleet --------------------------------------------------------------------------------------
    def fleet_package_names(self, pattern_folded: str) -> list[tuple[InventoryKind, str]]:
        """Package names across the fleet whose casefolded name matches a SQL LIKE pattern."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT kind, folded FROM spans WHERE folded LIKE ? ESCAPE '\\'", [pattern_folded]
            ).fetchall()
        return [(InventoryKind(kind), folded) for kind, folded in rows]

    def fleet_spans(
        self,
        keys: Iterable[tuple[InventoryKind, str]],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        accounts: Sequence[str] = (),
        regions: Sequence[str] = (),
    ) -> list[FleetRow]:
        """Every span of the packages `keys` on every server, alive at some moment of [since, until].

        Each row carries the captures around both ends of its span (the previous capture with package
        data), and whether the item that ended it recorded the server's deletion.
        """
        wanted = sorted({(kind.value, folded) for kind, folded in keys})
        if not wanted:
            return []
        query = (
            "SELECT sv.account, sv.region, sv.node_id, s.kind, s.folded, s.name, s.version, s.arch, "
            "s.since_us, a.prev_known_us, s.until_us, b.prev_known_us, b.status "
            "FROM spans s JOIN servers sv ON sv.sid = s.sid "
            "LEFT JOIN items a ON a.sid = s.sid AND a.captured_us = s.since_us AND a.holds "
            "LEFT JOIN items b ON b.sid = s.sid AND b.captured_us = s.until_us AND b.holds "
            "WHERE (s.kind, s.folded) IN (SELECT UNNEST(?), UNNEST(?))"
        )
        params: list[Any] = [[k for k, _ in wanted], [f for _, f in wanted]]
        if until is not None:
            query += " AND s.since_us <= ?"
            params.append(_us(until))
        if since is not None:
            query += " AND (s.until_us IS NULL OR s.until_us > ?)"
            params.append(_us(since))
        if accounts:
            query += " AND sv.account IN (SELECT UNNEST(?))"
            params.append(list(accounts))
        if regions:
            query += " AND sv.region IN (SELECT UNNEST(?))"
            params.append(list(regions))
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [
            FleetRow(
                server=ServerRef(node_id, account, region),
                kind=InventoryKind(kind),
                folded=folded,
                name=name,
                version=version,
                arch=arch,
                since=_at(since_us),
                since_after=_at(since_after) if since_after is not None else None,
                until=_at(until_us) if until_us is not None else None,
                until_after=_at(until_after) if until_after is not None else None,
                ended_by_deletion=end_status in DELETED_STATUSES,
            )
            for (account, region, node_id, kind, folded, name, version, arch, since_us, since_after, until_us,
                 until_after, end_status) in rows
        ]

    def fleet_servers(self, servers: Iterable[ServerRef] | None = None) -> list[FleetServerFacts]:
        """The newest item's facts of each server (all servers, or those given)."""
        query = (
            "SELECT sv.account, sv.region, sv.node_id, max_by(i.status, i.captured_us), max(i.captured_us), "
            "max_by(i.platform_name, i.captured_us) FILTER (WHERE i.has_platform), "
            "max_by(i.platform_type, i.captured_us) FILTER (WHERE i.has_platform), "
            "max_by(i.computer_name, i.captured_us) FILTER (WHERE i.has_platform), "
            "max_by(i.rpm_fields, i.captured_us) FILTER (WHERE i.known), sv.read_until_us "
            "FROM servers sv JOIN items i ON i.sid = sv.sid"
        )
        params: list[Any] = []
        if servers is not None:
            refs = list(servers)
            query += " WHERE (sv.account, sv.region, sv.node_id) IN (SELECT UNNEST(?), UNNEST(?), UNNEST(?))"
            params = [[r.account for r in refs], [r.region for r in refs], [r.node_id for r in refs]]
        query += " GROUP BY sv.account, sv.region, sv.node_id, sv.read_until_us"
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [
            FleetServerFacts(
                server=ServerRef(node_id, account, region),
                status=status,
                last_capture=_at(last),
                platform_name=platform_name or "",
                platform_type=platform_type or "",
                computer_name=computer or "",
                rpm_fields=bool(rpm_fields),
                read_until=_at(read_until) if read_until is not None else None,
            )
            for (account, region, node_id, status, last, platform_name, platform_type, computer, rpm_fields,
                 read_until) in rows
        ]

    def has_item(self, server: ServerRef, state_id: str) -> bool:
        sid = self._sid(server, create=False)
        if sid is None:
            return False
        with self._lock:
            return (
                self._db.execute("SELECT 1 FROM items WHERE sid = ? AND state_id = ?", [sid, state_id]).fetchone()
                is not None
            )

    # --- writing ---------------------------------------------------------------------------------------
    def append_read(
        self,
        server: ServerRef,
        items: Iterable[tuple[ItemFacts, Sequence[PackageEntry] | None]],
        *,
        first_capture: datetime,
        read_until: datetime,
    ) -> int:
        """Add a history read's items (oldest first) and move the coverage on; returns how many were new."""
        read = self.begin_read(server)
        for facts, entries in items:
            read.add(facts, entries)
        return read.commit(first_capture=first_capture, read_until=read_until)

    def begin_read(self, server: ServerRef) -> SpanRead:
        """Start adding a history read's items as they stream in; nothing is written before `commit`."""
        sid = self._sid(server, create=True)
        assert sid is not None
        return SpanRead(self, sid)

    def _read_state(self, sid: int) -> tuple[dict[PackageSpan, int], datetime | None]:
        """What a read resumes from: the open spans and the newest item with package data."""
        with self._lock:
            last = self._db.execute("SELECT max(captured_us) FROM items WHERE sid = ? AND holds", [sid]).fetchone()
            loaded = self._loaded(self._db, sid, "until_us IS NULL", [])
        return loaded, _at(last[0]) if last and last[0] is not None else None

    def _commit_read(self, read: SpanRead, first_capture: datetime, read_until: datetime) -> None:
        sid, loaded = read.sid, read.loaded
        if not read.new_items and not read.late:
            with self._transaction() as db:
                self._move_coverage(db, sid, first_capture, read_until)
            return
        with self._transaction() as db:
            ended = [span for span in read.closed if PackageSpan(span.entry, span.since) in loaded]
            self._close(db, [(loaded[PackageSpan(span.entry, span.since)], span.until) for span in ended])
            ended_set = set(ended)
            self._write_spans(db, sid, [s for s in read.closed if s not in ended_set])
            self._write_spans(db, sid, [s for s in read.builder.open_spans() if s not in loaded])
            self._write_items(db, sid, read.new_items)
            self._adopt_account(db, sid, read.new_items)
            self._move_coverage(db, sid, first_capture, read_until)
            self._link_items(db, sid)
        for facts, entries in read.late:
            with self._transaction() as db:
                self._write_items(db, sid, [facts])
                self._place(db, sid, facts.captured_at, entries)
                self._link_items(db, sid)

    def insert_item(self, server: ServerRef, facts: ItemFacts, entries: Sequence[PackageEntry] | None) -> bool:
        """Add one item wherever its capture time puts it (alerts, synced files); False if already stored."""
        sid = self._sid(server, create=True)
        assert sid is not None
        with self._lock:
            if self.has_item(server, facts.state_id):
                return False
            with self._transaction() as db:
                self._write_items(db, sid, [facts])
                state = package_state(facts, entries)
                if state is not None:
                    self._place(db, sid, facts.captured_at, [span_entry(e) for e in state])
                self._link_items(db, sid)
        return True

    def _place(self, db: duckdb.DuckDBPyConnection, sid: int, at: datetime, entries: Sequence[PackageEntry]) -> None:
        at_us = _us(at)
        row = db.execute(
            "SELECT max(captured_us) FILTER (WHERE captured_us < $2), min(captured_us) FILTER (WHERE captured_us > $2) "
            "FROM items WHERE sid = $1 AND holds",
            [sid, at_us],
        ).fetchone()
        before, after = row if row else (None, None)
        edges = [edge for edge in (before, after) if edge is not None]
        loaded: dict[PackageSpan, int] = {}
        if edges:
            loaded = self._loaded(
                db, sid, " OR ".join("(since_us <= ? AND (until_us IS NULL OR until_us > ?))" for _ in edges),
                [value for edge in edges for value in (edge, edge)],
            )
        edit = insert(
            list(loaded),
            at,
            entries,
            before=_at(before) if before is not None else None,
            after=_at(after) if after is not None else None,
        )
        if edit.removed:
            db.execute("DELETE FROM spans WHERE span_id IN (SELECT UNNEST(?))", [[loaded[s] for s in edit.removed]])
        self._write_spans(db, sid, list(edit.added))

    @staticmethod
    def _link_items(db: duckdb.DuckDBPyConnection, sid: int) -> None:
        """Give each of the server's items the capture of its previous item with package data."""
        db.execute(
            "UPDATE items SET prev_known_us = linked.prev FROM ("
            "  SELECT state_id, max(captured_us) FILTER (WHERE holds) OVER ("
            "    ORDER BY captured_us, state_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev"
            "  FROM items WHERE sid = $1) AS linked "
            "WHERE items.sid = $1 AND items.state_id = linked.state_id",
            [sid],
        )

    @staticmethod
    def _adopt_account(db: duckdb.DuckDBPyConnection, sid: int, items: Sequence[ItemFacts]) -> None:
        """A server first read without knowing the account takes the account its items name."""
        account = next((facts.account_id for facts in items if facts.account_id), "")
        if account:
            db.execute("UPDATE servers SET account = ? WHERE sid = ? AND account = ''", [account, sid])

    @staticmethod
    def _move_coverage(db: duckdb.DuckDBPyConnection, sid: int, first_capture: datetime, read_until: datetime) -> None:
        db.execute(
            "UPDATE servers SET first_us = least(coalesce(first_us, $1), $1), "
            "read_until_us = greatest(coalesce(read_until_us, $2), $2) WHERE sid = $3",
            [_us(first_capture), _us(read_until), sid],
        )

    @staticmethod
    def _loaded(db: duckdb.DuckDBPyConnection, sid: int, condition: str, params: list[Any]) -> dict[PackageSpan, int]:
        rows = db.execute(f"SELECT {_SPAN_COLUMNS} FROM spans WHERE sid = ? AND ({condition})", [sid, *params]).fetchall()
        return {_span(row): int(row[0]) for row in rows}

    @staticmethod
    def _close(db: duckdb.DuckDBPyConnection, ends: Sequence[tuple[int, datetime | None]]) -> None:
        if ends:
            db.execute(
                "UPDATE spans SET until_us = ended.until_us FROM (SELECT UNNEST($1) AS span_id, UNNEST($2) AS until_us) "
                "AS ended WHERE spans.span_id = ended.span_id",
                [[span_id for span_id, _ in ends], [_us(until) if until else None for _, until in ends]],
            )

    @staticmethod
    def _write_spans(db: duckdb.DuckDBPyConnection, sid: int, spans: Sequence[PackageSpan]) -> None:
        if not spans:
            return
        columns: list[list[Any]] = [[] for _ in range(_SPAN_COUNT)]
        for span in spans:
            entry = span.entry
            raw = dict(entry.raw)
            values = (
                sid,
                entry.kind.value,
                entry.name.casefold(),
                entry.name,
                entry.version,
                entry.arch,
                _us(entry.installed_at) if entry.installed_at is not None else None,
                entry.installed_date_only,
                entry.installed_day,
                entry.installed_day_zoned,
                entry.publisher,
                entry.package_id,
                entry.installed_by,
                raw.get("Release"),
                raw.get("Epoch"),
                _us(span.since),
                _us(span.until) if span.until is not None else None,
            )
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        placeholders = ", ".join(f"UNNEST(${n})" for n in range(1, _SPAN_COUNT + 1))
        db.execute(f"INSERT INTO spans SELECT nextval('span_ids'), * FROM (SELECT {placeholders})", columns)

    @staticmethod
    def _write_items(db: duckdb.DuckDBPyConnection, sid: int, items: Sequence[ItemFacts]) -> None:
        if not items:
            return
        columns: list[list[Any]] = [[] for _ in range(_ITEM_COUNT)]
        for facts in items:
            platform = facts.platform or PlatformInfo()
            values = (
                sid,
                facts.state_id,
                _us(facts.captured_at),
                facts.status,
                facts.packages_known,
                facts.unmanaged,
                facts.rpm_fields,
                facts.skipped_entries,
                platform.name,
                platform.type,
                platform.version,
                platform.computer_name,
                platform.agent_version,
                platform.ip_address,
                platform.resource_type,
                facts.platform is not None,
                facts.dpkg_looking,
                tells_packages(facts),
            )
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        placeholders = ", ".join(f"UNNEST(${n})" for n in range(1, _ITEM_COUNT + 1))
        db.execute(f"INSERT INTO items ({_ITEM_COLUMNS}) SELECT {placeholders}", columns)


class SpanRead:
    """A history read being added to the store: spans built in memory as items stream past, written at commit.

    Its `reader` parses items so that equal entries are one object, which the spans builder relies on.
    What the store already holds is loaded when the first item arrives: a read that finds nothing new
    costs no more than the query for the state ids.
    """

    def __init__(self, store: SpanStore, sid: int) -> None:
        self._store = store
        self.sid = sid
        self.reader = ItemReader()
        self._stored: set[str] | None = None
        self.loaded: dict[PackageSpan, int] = {}
        self.builder = SpanBuilder()
        self.closed: list[PackageSpan] = []
        self.new_items: list[ItemFacts] = []
        # Items older than one already stored: placed one by one after the rest.
        self.late: list[tuple[ItemFacts, Sequence[PackageEntry]]] = []
        self._resumed = False

    def _seen(self, state_id: str) -> bool:
        if self._stored is None:
            with self._store._lock:
                rows = self._store._db.execute("SELECT state_id FROM items WHERE sid = ?", [self.sid]).fetchall()
            self._stored = {row[0] for row in rows}
        return state_id in self._stored

    def _resume(self) -> None:
        if self._resumed:
            return
        self._resumed = True
        loaded, last_known = self._store._read_state(self.sid)
        canonical = self.reader.canonical
        self.loaded = {PackageSpan(canonical(s.entry), s.since, s.until): i for s, i in loaded.items()}
        self.builder = SpanBuilder(self.loaded, last_known)

    def add_item(self, item: Mapping[str, Any]) -> None:
        """Parse and add one configuration item (API or notification form)."""
        self.add_read(*self.reader.read(item))

    def add(self, facts: ItemFacts, entries: Sequence[PackageEntry] | None) -> None:
        """Add an item parsed elsewhere: its facts and entries as recorded."""
        state = package_state(facts, entries)
        self.add_read(facts, [self.reader.canonical(span_entry(e)) for e in state] if state is not None else None)

    def add_read(self, facts: ItemFacts, entries: Sequence[PackageEntry] | None) -> None:
        """Add an item this read's `reader` parsed: `entries` as `package_state` gives them, already one
        object per equal entry."""
        if self._seen(facts.state_id):
            return  # read again (the read overlaps the last one), or delivered twice
        assert self._stored is not None
        self._stored.add(facts.state_id)
        self._resume()
        last = self.builder.last_known
        if entries is not None and last is not None and facts.captured_at <= last:
            self.late.append((facts, entries))
            return
        self.new_items.append(facts)
        self.closed += self.builder.add(facts, entries)

    def commit(self, *, first_capture: datetime, read_until: datetime) -> int:
        """Write what was added and move the coverage on; returns how many items were new."""
        self._store._commit_read(self, first_capture, read_until)
        return len(self.new_items) + len(self.late)


def _quoted(path: str) -> str:
    return path.replace("'", "''")


def _facts(server: ServerRef, row: Sequence[Any]) -> ItemFacts:
    (_, state_id, captured, status, known, unmanaged, rpm_fields, skipped, p_name, p_type, p_version,
     computer, agent, ip, resource_type, has_platform, dpkg_looking, _) = row
    platform = (
        PlatformInfo(
            name=p_name, type=p_type, version=p_version, computer_name=computer,
            agent_version=agent, ip_address=ip, resource_type=resource_type,
        )
        if has_platform
        else None
    )
    return ItemFacts(
        node_id=server.node_id,
        state_id=state_id,
        captured_at=_at(captured),
        status=status,
        packages_known=bool(known),
        unmanaged=bool(unmanaged),
        platform=platform,
        rpm_fields=bool(rpm_fields),
        dpkg_looking=bool(dpkg_looking),
        account_id=server.account,
        region=server.region,
        skipped_entries=int(skipped),
    )


def _span(row: Sequence[Any]) -> PackageSpan:
    (_, _, kind, _, name, version, arch, installed, date_only, day, day_zoned, publisher, package_id,
     installed_by, release, epoch, since, until) = row
    raw = tuple((key, value) for key, value in (("Epoch", epoch), ("Release", release)) if value is not None)
    entry = PackageEntry(
        kind=InventoryKind(kind),
        name=name,
        version=version,
        arch=arch,
        installed_at=_at(installed) if installed is not None else None,
        installed_date_only=bool(date_only),
        installed_day=day,
        installed_day_zoned=bool(day_zoned),
        publisher=publisher,
        package_id=package_id,
        installed_by=installed_by,
        raw=raw,
    )
    return PackageSpan(entry, _at(since), _at(until) if until is not None else None)
