"""Answers read from spans are the answers read from whole items: every server of the default fleet and
the replayed exports, every package, globs, and moments across each history."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.core.config_items import InventorySnapshot, PackageEntry, parse_configuration_item
from bot.core.servers import ServerRef
from bot.core.spans import facts_of, span_entry
from bot.core.timeline import PackageTimeline, PointInTime, VersionChange, build_timeline, state_at
from bot.sim.fleet import Fleet
from bot.sim.history_export import fleet_from_history_files
from bot.store.span_store import SpanStore

DATA = Path(__file__).resolve().parents[1] / "data"
GLOBS = ("*", "lib*", "kernel*", "KB50*", "open*", "python?-*", "[a-c]*")


def _kept(entries: Iterable[PackageEntry]) -> tuple[PackageEntry, ...]:
    return tuple(span_entry(e) for e in entries)


def _change(change: VersionChange) -> VersionChange:
    return dataclasses.replace(
        change,
        old_entries=_kept(change.old_entries),
        new_entries=_kept(change.new_entries),
        added=_kept(change.added),
        removed=_kept(change.removed),
    )


def _timeline(timeline: PackageTimeline) -> PackageTimeline:
    """What a user is shown of a timeline: entries as spans keep them (Summary, URL … never shown)."""
    return dataclasses.replace(
        timeline, changes=tuple(_change(c) for c in timeline.changes), current=_kept(timeline.current)
    )


def _moment(point: PointInTime) -> PointInTime:
    return dataclasses.replace(
        point,
        versions=None if point.versions is None else _kept(point.versions),
        changing=None if point.changing is None else _change(point.changing),
        settled=tuple(_change(c) for c in point.settled),
    )


def _moments(snapshots: list[InventorySnapshot]) -> list[datetime]:
    """Moments worth asking about: each capture, just before and after it, and inside each window."""
    captures = sorted({s.captured_at for s in snapshots})
    moments = [captures[0] - timedelta(days=1), captures[-1] + timedelta(days=1)]
    for earlier, later in itertools.pairwise(captures):
        moments += [earlier, earlier + (later - earlier) / 2, later - timedelta(seconds=1)]
    return moments


def _assert_same(fleet: Fleet, store: SpanStore) -> int:
    compared = 0
    for node in fleet.nodes():
        if not node.items:
            continue
        whole = [parse_configuration_item(item) for item in node.items]
        server = ServerRef(node.node_id, fleet.account_id, fleet.region)
        store.append_read(
            server,
            ((facts_of(s), s.packages) for s in whole),
            first_capture=whole[0].captured_at,
            read_until=whole[-1].captured_at,
        )
        names = sorted({e.name for s in whole for e in s.packages})
        # `*` compares every package at once; a sample of single names (every package, for small servers)
        # and of moments checks matching and `at`: the whole-item answers this compares with are slow.
        sample = names[:: max(1, len(names) // 12)]
        asked_at = set(sample[::4]) | {"lib*"}
        for pattern in sample + [n.upper() for n in sample[:3]] + list(GLOBS) + ["no-such-package"]:
            stored = store.snapshots(server, store.matching_names(server, pattern))
            expected = build_timeline(whole, pattern)
            assert _timeline(build_timeline(stored.snapshots, pattern, scheme=stored.scheme)) == _timeline(expected), (
                node.node_id,
                pattern,
            )
            compared += 1
            if pattern in asked_at:
                moments = _moments(whole)
                for moment in moments[:: max(1, len(moments) // (20 if pattern in names else 8))]:
                    got = state_at(stored.snapshots, pattern, moment, scheme=stored.scheme)
                    want = state_at(whole, pattern, moment)
                    assert {k: _moment(v) for k, v in got.items()} == {k: _moment(v) for k, v in want.items()}, (
                        node.node_id,
                        pattern,
                        moment,
                    )
    return compared


def test_every_server_of_the_default_fleet_answers_alike(fleet: Fleet, tmp_path: Path) -> None:
    assert _assert_same(fleet, SpanStore(tmp_path / "store.duckdb")) > 50


@pytest.mark.parametrize("export", ["history_list_shape.json", "history_map_shape.json"])
def test_replayed_exports_answer_alike(export: str, tmp_path: Path) -> None:
    fleet = fleet_from_history_files([DATA / export])
    assert _assert_same(fleet, SpanStore(tmp_path / "store.duckdb")) > 0
