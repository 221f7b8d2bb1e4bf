"""Parsed inventory snapshots, remembered by (server, state id): an item is parsed once per process."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from bot.index import StoredItem
from bot.inventory import InventorySnapshot, parse_configuration_item


class SnapshotCache:
    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._parsed: OrderedDict[tuple[str, str], InventorySnapshot] = OrderedDict()
        self._lock = threading.Lock()
        self._parsing = threading.Lock()

    def parse(self, items: Iterable[StoredItem]) -> list[InventorySnapshot]:
        # One parse at a time: questions arriving together about one server would otherwise all parse
        # the same items at once, and CPU-bound threads starve the 3-second acknowledgements of others.
        with self._parsing:
            return self._parse(items)

    def _parse(self, items: Iterable[StoredItem]) -> list[InventorySnapshot]:
        snapshots = []
        for item in items:
            key = (item.node_id, item.state_id)
            with self._lock:
                found = self._parsed.get(key)
                if found is not None:
                    self._parsed.move_to_end(key)
            if found is None:
                found = parse_configuration_item(item.item())
                with self._lock:
                    self._parsed[key] = found
                    while len(self._parsed) > self._capacity:
                        self._parsed.popitem(last=False)
            snapshots.append(found)
        return snapshots
