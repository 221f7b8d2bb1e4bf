"""Bounded caches: by weight and by age, least recently used out first; inventory weighed close to its memory."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from bot.core.caching import BoundedCache
from bot.core.config_items import _parse_time_text, _shared_entry, parse_configuration_item
from bot.store.snapshots import SnapshotCache


def item(node: int, packages: int) -> dict[str, Any]:
    content = {
        f"package-{p:05d}": {
            "Name": f"package-{p:05d}", "Version": f"1.{p}.{node}", "Release": f"{p}.el8", "Architecture": "x86_64",
            "InstalledTime": "2024-01-01T00:00:00Z", "PackageId": f"package-{p:05d}-1.{p}.{node}-{p}.el8.src.rpm",
            "ApplicationType": "System", "Publisher": "Red Hat",
        }
        for p in range(packages)
    }
    return {
        "resourceType": "AWS::SSM::ManagedInstanceInventory", "resourceId": f"i-0{node:016x}",
        "configurationItemCaptureTime": "2024-01-01T00:00:00.000Z", "configurationStateId": str(node),
        "configurationItemStatus": "OK",
        "configuration": {"AWS:Application": {"SchemaVersion": "1.1", "Content": content}},
    }


def test_a_snapshots_weight_is_close_to_the_memory_it_holds() -> None:
    # Each node's versions differ, so no entry is shared between snapshots (identical entries are: an
    # estimate then counts a shared entry once per snapshot, which keeps it an upper bound).
    for packages in (20, 2000):
        items = [item(n, packages) for n in range(10)]
        gc.collect()
        tracemalloc.start()
        snapshots = [parse_configuration_item(i) for i in items]
        # What the snapshots hold, not what the parser's own bounded caches of entries and times keep.
        _shared_entry.cache_clear()
        _parse_time_text.cache_clear()
        gc.collect()
        measured, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        estimated = sum(s.approx_bytes() for s in snapshots)
        # Never below what it takes (the bound holds), and not far above (the budget is used).
        assert measured <= estimated <= 2 * measured, (packages, measured, estimated)


def test_the_snapshot_cache_keeps_within_its_budget_newest_first() -> None:
    big = [parse_configuration_item(item(n, 2000)) for n in range(6)]
    cache = SnapshotCache(budget_bytes=3 * big[0].approx_bytes())
    for snapshot in big:
        cache.remember(snapshot)
    assert cache.bytes <= 3 * big[0].approx_bytes() and len(cache) == 3
    assert cache.get(big[0].node_id, big[0].state_id) is None
    assert cache.get(big[5].node_id, big[5].state_id) is big[5]


def test_entries_expire_after_their_time_to_live_and_the_least_recently_used_goes_first() -> None:
    now = [0.0]
    cache: BoundedCache[str, str] = BoundedCache(2, ttl_s=10, clock=lambda: now[0])
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # now "b" is the least recently used
    cache.put("c", "C")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    now[0] = 11
    assert cache.get("a") is None and len(cache) == 1
