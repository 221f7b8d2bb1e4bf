"""Parsed inventory snapshots, remembered by (server, state id): an item is parsed once per process.

Bounded by an estimate of the memory the snapshots hold, not by their count: one snapshot of a server
with 2,000 packages weighs as much as a hundred of a small one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from bot.core.caching import BoundedCache
from bot.core.config_items import InventorySnapshot, parse_configuration_item
from bot.store.item_index import StoredItem

DEFAULT_BUDGET_BYTES = 256 * 2**20


class SnapshotCache:
    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._parsed: BoundedCache[tuple[str, str], InventorySnapshot] = BoundedCache(
            budget_bytes, weigh=InventorySnapshot.approx_bytes
        )
        self._parsing = threading.Lock()

    @property
    def bytes(self) -> int:
        """The estimated memory of what is kept now (never above the budget)."""
        return self._parsed.weight

    def __len__(self) -> int:
        return len(self._parsed)

    def get(self, node_id: str, state_id: str) -> InventorySnapshot | None:
        return self._parsed.get((node_id, state_id))

    def remember(self, snapshot: InventorySnapshot) -> InventorySnapshot:
        return self._parsed.put((snapshot.node_id, snapshot.state_id), snapshot)

    def parse(self, items: Iterable[StoredItem]) -> list[InventorySnapshot]:
        # One parse at a time: questions arriving together about one server would otherwise all parse
        # the same items at once, and CPU-bound threads starve the 3-second acknowledgements of others.
        with self._parsing:
            return [self.parsed(item) for item in items]

    def parsed(self, item: StoredItem) -> InventorySnapshot:
        """The snapshot of one stored item, parsed now unless it is remembered."""
        found = self.get(item.node_id, item.state_id)
        return found if found is not None else self.remember(parse_configuration_item(item.item()))
