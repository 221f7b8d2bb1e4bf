"""Reading configuration items into what the span store keeps: each item's facts and its entries, parsed once.

A server's consecutive items repeat nearly every entry. The reader remembers each recorded entry it has
met with the entry a span keeps for it, so equal entries are one object for the whole read and an item
costs a lookup per entry. Items in the API form (`configuration` a JSON string) take a faster path: the
configuration is scanned once by msgspec, which hands each entry over as its raw JSON text; only texts not
met before are decoded. Anything that path does not expect is read the ordinary way, which says what is
wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import msgspec

from bot.core.config_items import (
    INSTANCE_INFORMATION,
    InventoryKind,
    InventorySnapshot,
    ItemHeader,
    PackageEntry,
    package_entry,
    raw_entries,
    read_item_header,
)
from bot.core.spans import ItemFacts, package_state, snapshot_of, span_entry
from bot.core.versions import has_rpm_fields, looks_dpkg

_SOFTWARE = frozenset(kind.value for kind in InventoryKind)


class _Section(msgspec.Struct):
    """An inventory type's section with its entries left as raw JSON (both shapes of Content)."""

    Content: list[msgspec.Raw] | dict[str, msgspec.Raw] | None = None


_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw])
_SECTION = msgspec.json.Decoder(_Section)


class _Unexpected(Exception):
    """The fast path met something it leaves to the ordinary reading."""


class ItemReader:
    """Parses the items of one read; remembers every distinct recorded entry it met."""

    def __init__(self) -> None:
        self._by_fields: dict[tuple[Any, ...], PackageEntry | None] = {}
        # (inventory type, map key, Windows?) -> entry text -> the entry it reads as
        self._by_text: dict[tuple[InventoryKind, str, bool], dict[bytes, PackageEntry | None]] = {}
        self._canonical: dict[PackageEntry, PackageEntry] = {}

    def __len__(self) -> int:
        """How many recorded entries it remembers (a long-lived reader is replaced when this grows large)."""
        return sum(map(len, self._by_text.values())) + len(self._by_fields)

    def snapshot(self, item: Mapping[str, Any]) -> InventorySnapshot:
        """The item as a snapshot of the entries a span keeps (what answers and alerts use)."""
        facts, state = self.read(item)
        return snapshot_of(facts, state or ())

    def canonical(self, entry: PackageEntry) -> PackageEntry:
        """The one object this read uses for entries equal to `entry`."""
        return self._canonical.setdefault(entry, entry)

    def read(self, item: Mapping[str, Any]) -> tuple[ItemFacts, Sequence[PackageEntry] | None]:
        """The item's facts and its package state (see `bot.core.spans.package_state`)."""
        configuration = item.get("configuration") if isinstance(item, Mapping) else None
        if isinstance(configuration, str):
            try:
                return self._read_text(item, configuration)
            except (_Unexpected, msgspec.DecodeError, ValueError):
                pass  # read it the ordinary way, which raises MalformedItem when the item is malformed
        header = read_item_header(item)
        found = [self._entry(kind, map_key, raw, header.windows) for kind, map_key, raw in raw_entries(header)]
        return self._facts(header, found)

    # --- the ordinary path -----------------------------------------------------------------------------
    def _entry(self, kind: InventoryKind, map_key: str, raw: Mapping[str, Any], windows: bool) -> PackageEntry | None:
        key = (kind, map_key, windows, tuple(raw.items()))
        try:
            return self._by_fields[key]
        except KeyError:
            entry = self._first_seen(kind, map_key, raw, windows)
            self._by_fields[key] = entry
            return entry
        except TypeError:  # a field holding a list or an object: read it each time
            return self._first_seen(kind, map_key, raw, windows)

    def _first_seen(
        self, kind: InventoryKind, map_key: str, raw: Mapping[str, Any], windows: bool
    ) -> PackageEntry | None:
        entry = package_entry(kind, raw, map_key, windows=windows)
        return None if entry is None else self.canonical(span_entry(entry))

    # --- the fast path ---------------------------------------------------------------------------------
    def _read_text(self, item: Mapping[str, Any], text: str) -> tuple[ItemFacts, Sequence[PackageEntry] | None]:
        top = _TOP.decode(text)
        sections: dict[InventoryKind, _Section] = {}
        light: dict[str, Any] = {}
        for name, raw in top.items():
            if name in _SOFTWARE:
                if _first_byte(raw) != b"{":
                    raise _Unexpected(name)
                sections[InventoryKind(name)] = _SECTION.decode(raw)
                light[name] = {}  # the header needs only to know the section is there
            elif name == INSTANCE_INFORMATION:
                light[name] = json.loads(bytes(raw))
        header = read_item_header({**item, "configuration": light})
        windows = header.windows
        found: list[PackageEntry | None] = []
        for kind, section in sections.items():
            content = section.Content
            if isinstance(content, list):
                # The common shape: a list of entries. One lookup per entry, keyed by its text alone.
                known = self._by_text.setdefault((kind, "", windows), {})
                texts = list(map(bytes, content))
                for new in set(texts).difference(known):
                    self._decoded(kind, "", windows, new, known)
                found += map(known.__getitem__, texts)
                continue
            for map_key, raw in _raw_entries(section):
                known = self._by_text.setdefault((kind, map_key, windows), {})
                entry_text = bytes(raw)
                entry = known.get(entry_text, _MISSING)
                found.append(self._decoded(kind, map_key, windows, entry_text, known) if entry is _MISSING else entry)
        return self._facts(header, found)

    def _decoded(
        self,
        kind: InventoryKind,
        map_key: str,
        windows: bool,
        text: bytes,
        known: dict[bytes, PackageEntry | None],
    ) -> PackageEntry | None:
        fields = json.loads(text)
        if type(fields) is not dict:
            raise _Unexpected(kind.value)
        entry = known[text] = self._entry(kind, map_key, fields, windows)
        return entry

    # --- both ------------------------------------------------------------------------------------------
    def _facts(
        self, header: ItemHeader, found: Sequence[PackageEntry | None]
    ) -> tuple[ItemFacts, Sequence[PackageEntry] | None]:
        entries = list(filter(None, found))  # (an entry is never false: only the Nones go)
        rpm_fields = dpkg_looking = False
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
            skipped_entries=len(found) - len(entries),
        )
        return facts, package_state(facts, entries)


_MISSING: Any = object()


def _first_byte(raw: msgspec.Raw) -> bytes:
    # A raw value starts at its first character; look at it without copying the whole value.
    return bytes(memoryview(raw)[:1])


def _raw_entries(section: _Section) -> Iterator[tuple[str, msgspec.Raw]]:
    """(map key or "", raw entry) from either shape of Content; a map value may list several entries."""
    content = section.Content
    if content is None:
        return
    if isinstance(content, list):
        for raw in content:
            yield "", raw
        return
    for map_key, raw in content.items():
        if _first_byte(raw) == b"[":
            for inner in msgspec.json.decode(raw, type=list[msgspec.Raw]):
                yield map_key, inner
        else:
            yield map_key, raw
