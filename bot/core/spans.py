"""Package spans: each package version on a server, from the first capture that showed it to the first that no longer did.

Consecutive inventory items of a server list nearly the same packages. A span keeps one installed entry
once for as long as it stayed, so a server's whole history is its spans plus one line of facts per item
(when it was captured, what it said about itself). Timelines, moments and alert diffs are read back from
those; nothing needs whole items again.

Items may arrive in any order (notifications are reordered, a late item turns up in a later read): `insert`
places an item between the items around it and mends the spans that cross it. Items without package data
(a first item holding only instance information, a deleted resource) say nothing about packages: they are
kept as facts and change no span.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.core.config_items import ORDER_OF, InventorySnapshot, PackageEntry, PlatformInfo
from bot.core.versions import VersionScheme, has_rpm_fields, looks_dpkg, scheme_from_evidence


@dataclass(frozen=True)
class ItemFacts:
    """What one configuration item said besides its packages."""

    node_id: str
    state_id: str
    captured_at: datetime
    status: str
    packages_known: bool
    unmanaged: bool = False
    platform: PlatformInfo | None = None
    # An application entry carried rpm's own fields (Release, Epoch): the node orders versions as rpm does.
    rpm_fields: bool = False
    # An application entry had a version only dpkg writes.
    dpkg_looking: bool = False
    account_id: str = ""
    region: str = ""
    skipped_entries: int = 0


@dataclass(frozen=True)
class PackageSpan:
    """One installed entry and the captures that bound it."""

    entry: PackageEntry
    # Capture time of the first item that showed the entry.
    since: datetime
    # Capture time of the first item with package data that no longer showed it; None while it is there.
    until: datetime | None = None

    def alive_at(self, moment: datetime) -> bool:
        return self.since <= moment and (self.until is None or moment < self.until)


# Config's statuses of an item that records the resource's end: the node was terminated, or its SSM
# registration deleted. Such an item ends every span (nothing is installed on a server that is gone),
# even when it still carries the last configuration.
DELETED_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded"})


def tells_packages(facts: ItemFacts) -> bool:
    """Whether the item says what is installed (its package data, or a deletion: nothing)."""
    return facts.status in DELETED_STATUSES or facts.packages_known


def package_state(facts: ItemFacts, entries: Sequence[PackageEntry] | None) -> Sequence[PackageEntry] | None:
    """What the item says is installed: its entries, nothing for a deletion, None when it does not say."""
    if facts.status in DELETED_STATUSES:
        return ()
    return entries if facts.packages_known else None


# Fields of an entry a span keeps besides the named ones; the rest (Summary, URL …) changes no answer.
_KEPT_RAW = ("Epoch", "Release")


@lru_cache(maxsize=65536)
def span_entry(entry: PackageEntry) -> PackageEntry:
    """The entry as a span keeps it: what answers use, nothing that changes without a package change.

    Cached: the same entries recur in every item of a history, and equal entries become one object.
    """
    raw = tuple((key, value) for key, value in entry.raw if key in _KEPT_RAW)
    if raw == entry.raw:
        return entry
    return PackageEntry(
        kind=entry.kind,
        name=entry.name,
        version=entry.version,
        arch=entry.arch,
        installed_at=entry.installed_at,
        installed_date_only=entry.installed_date_only,
        installed_day=entry.installed_day,
        installed_day_zoned=entry.installed_day_zoned,
        publisher=entry.publisher,
        package_id=entry.package_id,
        installed_by=entry.installed_by,
        raw=raw,
    )


def facts_of(snapshot: InventorySnapshot) -> ItemFacts:
    return ItemFacts(
        node_id=snapshot.node_id,
        state_id=snapshot.state_id,
        captured_at=snapshot.captured_at,
        status=snapshot.status,
        packages_known=snapshot.packages_known,
        unmanaged=snapshot.unmanaged,
        platform=snapshot.platform,
        rpm_fields=has_rpm_fields(snapshot.packages),
        dpkg_looking=looks_dpkg(snapshot.packages),
        account_id=snapshot.account_id,
        region=snapshot.region,
        skipped_entries=snapshot.skipped_entries,
    )


class SpanBuilder:
    """Spans of one server built item by item, oldest first: the streaming path of a history read.

    Entries are told apart by identity, which is what makes an item cost one set of ids: the caller
    passes one object for equal entries (`bot.store.ingest.ItemReader` does). `add` returns the spans each item
    closed, so a caller can write them out and keep only what is open.
    """

    def __init__(self, open_spans: Iterable[PackageSpan] = (), last_known: datetime | None = None) -> None:
        self._open: dict[int, tuple[PackageEntry, datetime]] = {id(s.entry): (s.entry, s.since) for s in open_spans}
        self.last_known = last_known

    def add(self, facts: ItemFacts, entries: Iterable[PackageEntry] | None) -> list[PackageSpan]:
        """Add the next item; `entries` as `package_state` gives them (None: the item says nothing)."""
        if entries is None:
            return []
        if self.last_known is not None and facts.captured_at <= self.last_known:
            raise ValueError(
                f"item {facts.state_id} of {facts.node_id} is not newer than the last one added; use insert()"
            )
        at = facts.captured_at
        entries = entries if isinstance(entries, (list, tuple)) else list(entries)
        open_ = self._open
        present = set(map(id, entries))
        closed = [PackageSpan(*open_.pop(key), at) for key in open_.keys() - present]
        if len(present) > len(open_):
            for entry in entries:
                if id(entry) not in open_:
                    open_[id(entry)] = (entry, at)
        self.last_known = at
        return closed

    def open_spans(self) -> list[PackageSpan]:
        return [PackageSpan(entry, since) for entry, since in self._open.values()]


@dataclass(frozen=True)
class SpanEdit:
    """How inserting an item changes a server's spans: rows to remove and rows to add in their place."""

    removed: tuple[PackageSpan, ...]
    added: tuple[PackageSpan, ...]


def insert(
    spans: Sequence[PackageSpan],
    at: datetime,
    entries: Iterable[PackageEntry],
    *,
    before: datetime | None,
    after: datetime | None,
) -> SpanEdit:
    """Place an item captured `at` with `entries` between the known items captured `before` and `after`.

    `before`/`after` are the capture times of the nearest items with package data on either side (None at
    the ends of the history); `spans` must hold at least every span alive at either of them. Appending
    (`after` None) and prepending (`before` None) are the same operation.
    """
    present = set(entries)
    removed: list[PackageSpan] = []
    added: list[PackageSpan] = []
    seen: set[PackageEntry] = set()
    for span in spans:
        at_before = before is not None and span.alive_at(before)
        at_after = after is not None and span.alive_at(after)
        if not (at_before or at_after):
            continue
        seen.add(span.entry)
        keep = span.entry in present
        if at_before and at_after and not keep:
            # It was there on both sides but not in this item: it went away and came back.
            removed.append(span)
            added += [PackageSpan(span.entry, span.since, at), PackageSpan(span.entry, after, span.until)]  # type: ignore[arg-type]
        elif at_after and not at_before and keep:
            # It first showed after this item, which shows it already: it started here.
            removed.append(span)
            added.append(PackageSpan(span.entry, at, span.until))
        elif at_before and not at_after and not keep:
            # It was gone by the next item and already is in this one.
            removed.append(span)
            added.append(PackageSpan(span.entry, span.since, at))
    for entry in present - seen:
        added.append(PackageSpan(entry, at, after))
    return SpanEdit(tuple(removed), tuple(added))


def scheme_of(items: Sequence[ItemFacts]) -> VersionScheme:
    """The version order of a server, from its items as `bot.core.timeline` decides it from whole snapshots:
    the newest item with package data, and the newest platform recorded when that item has none."""
    known = [f for f in items if f.packages_known]
    platform = next((f.platform for f in reversed(items) if f.platform is not None), None)
    if not known:
        return scheme_from_evidence(False, platform, False)
    newest = max(known, key=lambda f: (f.captured_at, f.state_id))
    return scheme_from_evidence(newest.rpm_fields, newest.platform or platform, newest.dpkg_looking)


def entries_at(spans: Iterable[PackageSpan], moment: datetime) -> list[PackageEntry]:
    """The entries installed at the capture `moment`, as that item listed them."""
    return [span.entry for span in spans if span.alive_at(moment)]


def snapshot_at(facts: ItemFacts, spans: Iterable[PackageSpan]) -> InventorySnapshot:
    """The item as a snapshot holding the given spans' entries alive at its capture (all, or a subset asked for)."""
    return snapshot_of(facts, entries_at(spans, facts.captured_at) if facts.packages_known else ())


def snapshot_of(facts: ItemFacts, entries: Iterable[PackageEntry]) -> InventorySnapshot:
    """The item as a snapshot holding `entries` (ignored when the item does not say what is installed)."""
    packages = list(entries) if facts.packages_known else []
    return InventorySnapshot(
        node_id=facts.node_id,
        captured_at=facts.captured_at,
        state_id=facts.state_id,
        status=facts.status,
        packages=tuple(sorted(packages, key=ORDER_OF)),
        platform=facts.platform,
        unmanaged=facts.unmanaged,
        account_id=facts.account_id,
        region=facts.region,
        packages_known=facts.packages_known,
        skipped_entries=facts.skipped_entries,
    )


def snapshots(items: Sequence[ItemFacts], spans: Sequence[PackageSpan]) -> list[InventorySnapshot]:
    """Every item of a server as a snapshot of the given spans, oldest first."""
    by_start: Mapping[datetime, list[PackageSpan]] = _group_by_since(spans)
    alive: dict[PackageEntry, PackageSpan] = {}
    result = []
    for facts in sorted(items, key=lambda f: (f.captured_at, f.state_id)):
        moment = facts.captured_at
        for span in by_start.get(moment, ()):
            alive[span.entry] = span
        for entry in [e for e, s in alive.items() if s.until is not None and s.until <= moment]:
            del alive[entry]
        result.append(snapshot_at(facts, alive.values()))
    return result


def _group_by_since(spans: Iterable[PackageSpan]) -> dict[datetime, list[PackageSpan]]:
    groups: dict[datetime, list[PackageSpan]] = {}
    for span in spans:
        groups.setdefault(span.since, []).append(span)
    return groups

