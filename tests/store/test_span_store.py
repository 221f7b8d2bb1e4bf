"""The span store keeps exactly what the items said: every item of the default fleet read back as it was recorded."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.config_items import InventorySnapshot, PackageEntry, parse_configuration_item
from bot.core.servers import ServerRef
from bot.core.spans import DELETED_STATUSES, PackageSpan, facts_of, snapshots, span_entry
from bot.sim.fleet import Fleet
from bot.store.span_store import SpanStore


def _recorded(fleet: Fleet, node_id: str) -> list[InventorySnapshot]:
    node = fleet.node(node_id)
    assert node is not None
    return [parse_configuration_item(item) for item in node.items]


def _as_kept(snapshot: InventorySnapshot) -> tuple[Any, ...]:
    """What a span store promises to give back of an item."""
    return (
        snapshot.state_id,
        snapshot.captured_at,
        snapshot.status,
        snapshot.packages_known,
        snapshot.unmanaged,
        snapshot.platform,
        # A deletion keeps no packages, whatever configuration the item still carries.
        [] if snapshot.status in DELETED_STATUSES else sorted((span_entry(e) for e in snapshot.packages), key=repr),
    )


def _read_back(store: SpanStore, server: ServerRef) -> list[tuple[Any, ...]]:
    return [_as_kept(s) for s in snapshots(store.items(server), store.spans(server))]


def _spans_of(recorded: list[InventorySnapshot]) -> set[PackageSpan]:
    """The spans of a history built in one pass, oldest first: what the store must hold, each once."""
    spans: set[PackageSpan] = set()
    open_since: dict[PackageEntry, datetime] = {}
    for snapshot in sorted(recorded, key=lambda s: s.captured_at):
        if snapshot.status in DELETED_STATUSES:
            present: set[PackageEntry] = set()  # a deleted server has nothing installed
        elif not snapshot.packages_known:
            continue
        else:
            present = {span_entry(e) for e in snapshot.packages}
        for entry in [e for e in open_since if e not in present]:
            spans.add(PackageSpan(entry, open_since.pop(entry), snapshot.captured_at))
        for entry in present:
            open_since.setdefault(entry, snapshot.captured_at)
    return spans | {PackageSpan(entry, since) for entry, since in open_since.items()}


def _assert_holds(store: SpanStore, server: ServerRef, recorded: list[InventorySnapshot]) -> None:
    stored = store.spans(server)
    assert len(stored) == len(set(stored)), "a span is stored twice"
    assert set(stored) == _spans_of(recorded)
    assert _read_back(store, server) == [_as_kept(s) for s in recorded]


@pytest.fixture
def store(tmp_path: Path) -> SpanStore:
    return SpanStore(tmp_path / "store.duckdb")


def test_a_read_history_comes_back_item_for_item(store: SpanStore, fleet: Fleet) -> None:
    for node in fleet.nodes():
        recorded = _recorded(fleet, node.node_id)
        if not recorded:
            continue
        server = ServerRef(node.node_id, fleet.account_id, fleet.region)
        store.append_read(
            server,
            ((facts_of(s), s.packages if s.packages_known else None) for s in recorded),
            first_capture=recorded[0].captured_at,
            read_until=recorded[-1].captured_at,
        )
        _assert_holds(store, server, recorded)


def test_items_in_any_order_give_the_same_spans(store: SpanStore, fleet: Fleet) -> None:
    chooser = random.Random(7)
    for node in fleet.nodes():
        recorded = _recorded(fleet, node.node_id)
        shuffled = list(recorded)
        chooser.shuffle(shuffled)
        server = ServerRef(node.node_id)
        for snapshot in shuffled:
            store.insert_item(server, facts_of(snapshot), snapshot.packages if snapshot.packages_known else None)
        _assert_holds(store, server, recorded)


def test_a_read_resumed_later_and_a_late_item_fit_in(store: SpanStore, fleet: Fleet) -> None:
    node = max(fleet.nodes(), key=lambda n: len(n.items))
    recorded = _recorded(fleet, node.node_id)
    server = ServerRef(node.node_id)
    half = len(recorded) // 2
    late = recorded[half - 2]
    first = [s for s in recorded[:half] if s is not late]
    for part in (first, [late, *recorded[half:]]):
        store.append_read(
            server,
            ((facts_of(s), s.packages if s.packages_known else None) for s in part),
            first_capture=recorded[0].captured_at,
            read_until=part[-1].captured_at,
        )
    _assert_holds(store, server, recorded)
    # Read again from an hour before the end, as a warm read does: nothing is added twice.
    assert store.append_read(
        server,
        ((facts_of(s), s.packages) for s in recorded[-2:]),
        first_capture=recorded[0].captured_at,
        read_until=recorded[-1].captured_at,
    ) == 0
    _assert_holds(store, server, recorded)


def test_the_store_survives_a_restart_and_rebuilds_an_old_schema(tmp_path: Path, fleet: Fleet) -> None:
    node = fleet.nodes()[0]
    recorded = _recorded(fleet, node.node_id)
    server = ServerRef(node.node_id)
    store = SpanStore(tmp_path / "s.duckdb")
    store.append_read(server, ((facts_of(s), s.packages) for s in recorded), first_capture=recorded[0].captured_at, read_until=recorded[-1].captured_at)
    store.close()
    again = SpanStore(tmp_path / "s.duckdb")
    assert again.coverage(server) is not None
    assert len(again.items(server)) == len(recorded)
    again._db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    again.close()
    rebuilt = SpanStore(tmp_path / "s.duckdb")
    assert rebuilt.coverage(server) is None
    assert rebuilt.items(server) == []


