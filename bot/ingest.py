"""Reading configuration items into what the span store keeps: each item's facts and its entries, parsed once.

A server's consecutive items repeat nearly every entry. The reader remembers each recorded entry it has
read (by its exact fields) with the entry a span keeps for it, so an item costs a lookup per entry, and
equal entries are one object for the whole read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.inventory import InventoryKind, PackageEntry, package_entry, raw_entries, read_item_header
from bot.spans import ItemFacts, package_state, span_entry
from bot.versions import has_rpm_fields, looks_dpkg

RecordedKey = tuple[InventoryKind, str, bool, tuple[tuple[str, Any], ...]]


class ItemReader:
    """Parses the items of one read; remembers every distinct recorded entry it met."""

    def __init__(self) -> None:
        self._entries: dict[RecordedKey, PackageEntry | None] = {}
        self._canonical: dict[PackageEntry, PackageEntry] = {}

    def canonical(self, entry: PackageEntry) -> PackageEntry:
        """The one object this read uses for entries equal to `entry`."""
        return self._canonical.setdefault(entry, entry)

    def read(self, item: Mapping[str, Any]) -> tuple[ItemFacts, Sequence[PackageEntry] | None]:
        header = read_item_header(item)
        entries: list[PackageEntry] = []
        skipped = 0
        rpm_fields = False
        known = self._entries
        windows = header.windows
        for kind, map_key, raw in raw_entries(header):
            key = (kind, map_key, windows, tuple(raw.items()))
            try:
                entry = known[key]
            except KeyError:
                entry = self._first_seen(kind, map_key, raw, windows)
                known[key] = entry
            except TypeError:  # a field holding a list or an object: read it each time
                entry = self._first_seen(kind, map_key, raw, windows)
            if entry is None:
                skipped += 1
                continue
            entries.append(entry)
        dpkg_looking = False
        if header.packages_known:
            rpm_fields = has_rpm_fields(entries)
            dpkg_looking = not rpm_fields and looks_dpkg(entries)
        facts = ItemFacts(
            node_id=header.node_id,
            state_id=header.state_id,
            captured_at=header.captured_at,
            status=header.status,
            packages_known=header.packages_known,
            unmanaged=header.unmanaged,
            platform=header.platform,
            rpm_fields=rpm_fields,
            dpkg_looking=dpkg_looking,
            account_id=header.account_id,
            region=header.region,
            skipped_entries=skipped,
        )
        return facts, package_state(facts, entries)

    def _first_seen(
        self, kind: InventoryKind, map_key: str, raw: Mapping[str, Any], windows: bool
    ) -> PackageEntry | None:
        entry = package_entry(kind, raw, map_key, windows=windows)
        return None if entry is None else self.canonical(span_entry(entry))
