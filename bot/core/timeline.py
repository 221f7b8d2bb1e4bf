"""When a package changed on a node: consecutive inventory snapshots compared into version changes.

Config records an item only when inventory content changes, so a change is known to have happened
between the last capture that still showed the old state and the first that shows the new one; that
window is what pkgwhen can honestly say. A package's own InstalledTime narrows it to an exact time when it
agrees with the window. Snapshots without package data (a first item with only `AWS:InstanceInformation`,
a deleted resource) say nothing about packages: they are skipped, never read as "everything removed".
"""

from __future__ import annotations

import bisect
import difflib
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import compress

from bot.core.config_items import InventoryKind, InventorySnapshot, PackageEntry, folded_names, parse_time
from bot.core.versions import VersionScheme, compare_versions, scheme_for, version_sort_key

PackageKey = tuple[InventoryKind, str]

# A date-only InstalledTime is the node's local day (Windows records dates). Where the node's offset is
# not known, the day starts somewhere from 14 hours before its UTC midnight (UTC+14) to 12 hours after
# (UTC-12), and lasts a day: so much slack either way when it is checked against the window.
DAY = timedelta(days=1)
EARLIEST_DAY_START = timedelta(hours=14)
LATEST_DAY_START = timedelta(hours=12)
_GLOB_CHARS = frozenset("*?[")


class ChangeKind(StrEnum):
    PRESENT_AT_FIRST_RECORD = "present_at_first_record"
    INSTALLED = "installed"
    UPGRADED = "upgraded"
    DOWNGRADED = "downgraded"
    REMOVED = "removed"
    # Installed again after having been removed earlier in the history.
    REINSTALLED = "reinstalled"
    # Another version installed beside those already there (a second kernel); none went away.
    ADDED_BESIDE = "added_beside"
    # One of several installed versions went away; at least one stayed.
    EXTRA_REMOVED = "extra_removed"
    # Replaced by something that ranks equal: another architecture of the same version, or a version
    # string the package manager orders the same. Rare; neither an upgrade nor a downgrade.
    REPLACED = "replaced"


# Config's statuses of an item that records the resource's end: the node was terminated, or its SSM
# registration (and with it its inventory) deleted. `…NotRecorded`: deleted while not being recorded.
DELETED_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded"})
DISCOVERED_STATUS = "ResourceDiscovered"


class LifeEventKind(StrEnum):
    # Config recorded the inventory resource as deleted: the server was terminated or deregistered.
    DELETED = "deleted"
    # Config discovered the resource again after it was deleted: a new life, compared with nothing before.
    REDISCOVERED = "rediscovered"


@dataclass(frozen=True)
class LifeEvent:
    """A server's life in Config's history: its end, or a new beginning after one."""

    kind: LifeEventKind
    # Capture time of the item that records it.
    at: datetime
    status: str
    # The last capture with package data before it (a deletion: the last the server was seen with).
    last_capture: datetime | None = None


@dataclass(frozen=True)
class ChangeWindow:
    """When a change happened, as far as the record shows."""

    # Last capture that showed the old state; None when the change is the first record itself.
    after: datetime | None
    # First capture that showed the new state.
    before: datetime
    # The package's InstalledTime, when it agrees with [after, before].
    exact: datetime | None = None
    # Why InstalledTime was not used, when the package had one that contradicts the record.
    exact_note: str | None = None
    # `exact` is a date (Windows and some gatherers record only the day), not a moment: `exact` is then the
    # start of `exact_day` in UTC, exactly when `exact_day_zoned` (the node's offset is known), else its
    # UTC midnight.
    exact_is_date: bool = False
    exact_day: date | None = None
    exact_day_zoned: bool = False

    def span(self) -> tuple[datetime | None, datetime]:
        """When the change can have happened, as narrowly as the record tells: the install time, else the
        day it names as far as it overlaps the window, else the window (`None`: no start known)."""
        if self.exact is None:
            return self.after, self.before
        if not self.exact_is_date:
            return self.exact, self.exact
        start, end = day_span(self.exact, self.exact_day_zoned)
        return (start if self.after is None else max(start, self.after)), min(end, self.before)


def day_span(start: datetime, zoned: bool) -> tuple[datetime, datetime]:
    """The moments a date-only install time can stand for: its day, or wider where the offset is unknown."""
    if zoned:
        return start, start + DAY
    return start - EARLIEST_DAY_START, start + DAY + LATEST_DAY_START


@dataclass(frozen=True)
class VersionChange:
    """One change of one package between two consecutive snapshots of a node."""

    package: str
    kind: ChangeKind
    old: tuple[str, ...]
    new: tuple[str, ...]
    window: ChangeWindow
    node_id: str
    state_id: str
    inventory: InventoryKind = InventoryKind.APPLICATION
    old_entries: tuple[PackageEntry, ...] = ()
    new_entries: tuple[PackageEntry, ...] = ()
    # Entries that appeared and went away in this change (an arch or one kernel among several).
    added: tuple[PackageEntry, ...] = ()
    removed: tuple[PackageEntry, ...] = ()
    # The architectures this change is about, for a package installed for several at once (multilib
    # x86_64 and i686): each changes on its own. Empty: the package as a whole.
    arches: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageTimeline:
    """Every recorded change of the packages matching a query on one node, oldest first."""

    node_id: str
    query: str
    changes: tuple[VersionChange, ...]
    matched_names: tuple[str, ...]
    first_capture: datetime
    last_capture: datetime
    item_count: int
    current: tuple[PackageEntry, ...]
    scheme: VersionScheme = VersionScheme.GENERIC
    # Capture time of the newest item that held package data (what `current` describes).
    current_as_of: datetime | None = None
    # Capture time of the oldest item that held package data: where the package history really starts.
    first_known_capture: datetime | None = None
    # Items that held no package data and were skipped.
    unknown_items: int = 0
    # The node stopped being managed (its newest items are marked Unmanaged) at this capture.
    unmanaged_since: datetime | None = None
    # Deletions and rediscoveries, oldest first.
    events: tuple[LifeEvent, ...] = ()

    @property
    def deleted(self) -> LifeEvent | None:
        """The deletion the history ends with, if it does: the server is gone (or deregistered)."""
        last = self.events[-1] if self.events else None
        return last if last is not None and last.kind is LifeEventKind.DELETED else None


@dataclass(frozen=True)
class PointInTime:
    """What one package looked like on a node at a given moment."""

    package: str
    at: datetime
    # Installed entries at `at` (empty: not installed); None when unknown (before the history, or changing).
    versions: tuple[PackageEntry, ...] | None
    # The change whose window contains `at`; its old and new are the two possible states.
    changing: VersionChange | None = None
    before_history: bool = False
    # The capture whose state answers the question (the last one at or before `at`).
    as_of: datetime | None = None
    # `at` is after the newest capture: the answer is the newest known state, not a recorded one.
    after_last_capture: bool = False
    # Changes whose window holds `at` but whose install time settles which side of it `at` is on.
    settled: tuple[VersionChange, ...] = ()
    # `at` falls after the server was deleted (and before any new life): nothing was installed.
    deleted: LifeEvent | None = None
    # `at` falls in a new life of the server (after a deletion) that began here.
    life_began: datetime | None = None


# --- ordering and matching ------------------------------------------------------------------------------


def _ordered(snapshots: Iterable[InventorySnapshot]) -> list[InventorySnapshot]:
    """Oldest first, each item once (duplicates and redeliveries share a state id)."""
    seen: set[str] = set()
    ordered: list[InventorySnapshot] = []
    for snapshot in sorted(snapshots, key=lambda s: (s.captured_at, len(s.state_id), s.state_id)):
        if snapshot.state_id not in seen:
            seen.add(snapshot.state_id)
            ordered.append(snapshot)
    return ordered


def _matcher(pattern: str, keys: Iterable[PackageKey]) -> set[PackageKey]:
    folded = matching_names(pattern, {key[1] for key in keys})
    return {key for key in keys if key[1] in folded}


def matching_names(pattern: str, folded_names: Iterable[str]) -> set[str]:
    """The casefolded package names `pattern` means: the exact name if there is one, else the glob's matches."""
    wanted = pattern.strip().casefold()
    names = set(folded_names)
    if wanted in names or not is_glob(wanted):
        return {wanted} & names
    return {name for name in names if fnmatch.fnmatchcase(name, wanted)}


def is_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS & set(pattern))


def _recorded_names(snapshots: Sequence[InventorySnapshot]) -> dict[PackageKey, str]:
    """Each package's name as most recently recorded (spelling can change, e.g. on Windows)."""
    names: dict[PackageKey, str] = {}
    for snapshot in snapshots:
        for key, entries in snapshot.by_package().items():
            names[key] = entries[0].name
    return names


def _labels(names: Mapping[PackageKey, str]) -> dict[PackageKey, str]:
    """A display label per package: its name, with the inventory type when two types share the name."""
    counts: dict[str, int] = {}
    for key in names:
        counts[key[1]] = counts.get(key[1], 0) + 1
    return {
        key: name
        if counts[key[1]] == 1 or key[0] is InventoryKind.APPLICATION
        else f"{name} ({key[0].value})"
        for key, name in names.items()
    }


def _scheme(snapshots: Sequence[InventorySnapshot]) -> VersionScheme:
    newest_known = next((s for s in reversed(snapshots) if s.packages_known), None)
    platform = next((s.platform for s in reversed(snapshots) if s.platform is not None), None)
    if newest_known is None:
        return scheme_for(platform)
    if newest_known.platform is None and platform is not None:
        # The platform may be recorded only in other items; it still decides for this node.
        newest_known = replace(newest_known, platform=platform)
    return scheme_for(newest_known)


# --- one change -----------------------------------------------------------------------------------------


def _pairs(entries: Iterable[PackageEntry]) -> frozenset[tuple[str, str]]:
    return frozenset((entry.version, entry.arch) for entry in entries)


def _versions(entries: Iterable[PackageEntry], scheme: VersionScheme) -> tuple[str, ...]:
    return tuple(sorted({entry.version for entry in entries}, key=version_sort_key(scheme)))


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _fmt_installed(entry: PackageEntry) -> str:
    if entry.installed_date_only and entry.installed_day is not None:
        return entry.installed_day.isoformat()
    assert entry.installed_at is not None
    return _fmt(entry.installed_at)


@dataclass(frozen=True)
class _InstallTime:
    exact: datetime | None = None
    note: str | None = None
    is_date: bool = False
    day: date | None = None
    zoned: bool = False


def _exact(added: Sequence[PackageEntry], after: datetime | None, before: datetime) -> _InstallTime:
    """The install time of the entries a change brought in, when it agrees with the window [after, before]."""
    dated = sorted((e for e in added if e.installed_at is not None), key=lambda e: e.installed_at or before)
    if not dated:
        return _InstallTime()
    earliest, latest = dated[0], dated[-1]
    assert earliest.installed_at is not None and latest.installed_at is not None
    date_only = all(entry.installed_date_only for entry in dated)
    if date_only:
        # The whole day counts: consistent when any moment of it can fall inside the window.
        too_late = day_span(earliest.installed_at, earliest.installed_day_zoned)[0] > before
        too_early = after is not None and day_span(latest.installed_at, latest.installed_day_zoned)[1] <= after
    else:
        too_late = latest.installed_at > before
        too_early = after is not None and earliest.installed_at < after
    if too_late:
        return _InstallTime(
            note=f"InstalledTime {_fmt_installed(latest)} is later than the capture that first showed this "
            f"version ({_fmt(before)}): the node's clock or the recorded time is wrong, so it is not used."
        )
    if too_early and after is not None:
        return _InstallTime(
            note=f"InstalledTime {_fmt_installed(earliest)} is earlier than the capture of {_fmt(after)}, which "
            "did not show this version yet: the package kept an older timestamp (an rpm installed with its "
            "times preserved, or a clock set wrong), so only the window is certain."
        )
    return _InstallTime(
        latest.installed_at,
        is_date=date_only,
        day=latest.installed_day if date_only else None,
        zoned=date_only and latest.installed_day_zoned,
    )


def _change(
    key: PackageKey,
    label: str,
    old: tuple[PackageEntry, ...],
    new: tuple[PackageEntry, ...],
    *,
    previous: InventorySnapshot | None,
    current: InventorySnapshot,
    scheme: VersionScheme,
    removed_before: bool,
    arch: str | None = None,
) -> VersionChange | None:
    old_pairs, new_pairs = _pairs(old), _pairs(new)
    if previous is not None and old_pairs == new_pairs:
        return None  # only InstalledTime, PackageId, Summary … differ: not a package change
    if not new and previous is None:
        return None
    added = tuple(entry for entry in new if (entry.version, entry.arch) not in old_pairs)
    removed = tuple(entry for entry in old if (entry.version, entry.arch) not in new_pairs)
    old_versions, new_versions = _versions(old, scheme), _versions(new, scheme)

    kind: ChangeKind
    if previous is None:
        kind = ChangeKind.PRESENT_AT_FIRST_RECORD
    elif not old:
        kind = ChangeKind.REINSTALLED if removed_before else ChangeKind.INSTALLED
    elif not new:
        kind = ChangeKind.REMOVED
    elif old_pairs < new_pairs:
        kind = ChangeKind.ADDED_BESIDE
    elif new_pairs < old_pairs:
        kind = ChangeKind.EXTRA_REMOVED
    else:
        # Newest against newest decides; when those tie, the oldest kept versions do.
        order = compare_versions(new_versions[-1], old_versions[-1], scheme) or compare_versions(
            new_versions[0], old_versions[0], scheme
        )
        kind = {1: ChangeKind.UPGRADED, -1: ChangeKind.DOWNGRADED}.get(order, ChangeKind.REPLACED)

    after = previous.captured_at if previous is not None else None
    return VersionChange(
        package=label,
        kind=kind,
        old=old_versions,
        new=new_versions,
        window=_window(kind, added, after, current.captured_at),
        node_id=current.node_id,
        state_id=current.state_id,
        # The kind of the report itself: an AWS component only when nothing reports it as an application.
        inventory=(new or old)[0].kind,
        old_entries=old,
        new_entries=new,
        added=added,
        removed=removed,
        arches=() if arch is None else (arch,),
    )


def _window(
    kind: ChangeKind, added: Sequence[PackageEntry], after: datetime | None, before: datetime
) -> ChangeWindow:
    if kind in (ChangeKind.REMOVED, ChangeKind.EXTRA_REMOVED):
        return ChangeWindow(after=after, before=before)  # a removal leaves no install time behind
    found = _exact(added, after, before)
    return ChangeWindow(
        after=after,
        before=before,
        exact=found.exact,
        exact_note=found.note,
        exact_is_date=found.is_date,
        exact_day=found.day,
        exact_day_zoned=found.zoned,
    )


def multilib_packages(snapshots: Iterable[InventorySnapshot], keys: Iterable[PackageKey]) -> set[PackageKey]:
    """The packages among `keys` installed for two architectures at once in some snapshot (glibc.x86_64
    and glibc.i686): rpm and dpkg upgrade, install and remove each architecture on its own."""
    wanted = set(keys)
    found: set[PackageKey] = set()
    for snapshot in snapshots:
        for key in wanted - found:
            entries = snapshot.by_package().get(key, ())
            if len(entries) > 1 and len({entry.arch for entry in entries}) > 1:
                found.add(key)
    return found


def _merged(changes: Sequence[VersionChange]) -> VersionChange:
    """Several architectures that changed alike (same kind, same versions) as one change naming them all."""
    first = changes[0]
    if len(changes) == 1:
        return first
    added = tuple(e for c in changes for e in c.added)
    return replace(
        first,
        window=_window(first.kind, added, first.window.after, first.window.before),
        old_entries=tuple(e for c in changes for e in c.old_entries),
        new_entries=tuple(e for c in changes for e in c.new_entries),
        added=added,
        removed=tuple(e for c in changes for e in c.removed),
        arches=tuple(a for c in changes for a in c.arches),
    )


def _diff(
    previous: InventorySnapshot | None,
    current: InventorySnapshot,
    *,
    keys: Iterable[PackageKey],
    labels: Mapping[PackageKey, str],
    scheme: VersionScheme,
    removed_keys: set[tuple[PackageKey, str | None]],
    multilib: set[PackageKey],
) -> list[VersionChange]:
    before = previous.by_package() if previous is not None else {}
    now = current.by_package()
    before_states = previous.package_states() if previous is not None else {}
    now_states = current.package_states()
    changes: list[VersionChange] = []
    for key in keys:
        state = now_states.get(key)
        if previous is not None and state == before_states.get(key):
            continue  # the cheap common case: same versions, or absent from both
        old, new = before.get(key, ()), now.get(key, ())
        if not old and not new:
            continue
        parts: list[tuple[tuple[PackageEntry, ...], tuple[PackageEntry, ...], str | None]]
        if key in multilib:
            arches = sorted({entry.arch for entry in (*old, *new)})
            parts = [
                (tuple(e for e in old if e.arch == arch), tuple(e for e in new if e.arch == arch), arch)
                for arch in arches
            ]
        else:
            parts = [(old, new, None)]
        alike: dict[tuple[ChangeKind, tuple[str, ...], tuple[str, ...]], list[VersionChange]] = {}
        for part_old, part_new, arch in parts:
            if not part_old and not part_new:
                continue
            change = _change(
                key,
                labels[key],
                part_old,
                part_new,
                previous=previous,
                current=current,
                scheme=scheme,
                removed_before=(key, arch) in removed_keys,
                arch=arch,
            )
            if change is None:
                continue
            if change.kind is ChangeKind.REMOVED:
                removed_keys.add((key, arch))
            alike.setdefault((change.kind, change.old, change.new), []).append(change)
        changes.extend(_merged(group) for group in alike.values())
    changes.sort(key=lambda c: (c.package.casefold(), c.inventory.value, c.arches))
    return changes


# --- public API -----------------------------------------------------------------------------------------


def _what_differs(previous: InventorySnapshot, current: InventorySnapshot) -> tuple[InventorySnapshot, InventorySnapshot]:
    """Both items cut to the packages (by name, any inventory type) of which some entry is not in both.

    Consecutive items share most entries (the parser hands out one object per distinct entry, and equal
    entries compare equal anyway), so a diff of 2,000 packages looks at the few dozen that changed. A
    package all of whose entries are in both items cannot have changed; keeping every entry of a name
    keeps its labels (a name reported under two inventory types) and its architectures exact.
    """
    # Shared objects first (sets of ids cost no hashing of entries), then by value among the rest. Every
    # step over all entries is a C-level map: an item of 2,000 packages calls no Python per entry.
    before_by_id = dict(zip(map(id, previous.packages), previous.packages, strict=True))
    now_by_id = dict(zip(map(id, current.packages), current.packages, strict=True))
    before = set(map(before_by_id.__getitem__, before_by_id.keys() - now_by_id.keys()))
    now = set(map(now_by_id.__getitem__, now_by_id.keys() - before_by_id.keys()))
    names = set(folded_names(before.symmetric_difference(now)))
    if len(names) * 2 > len(current.packages):
        return previous, current  # most changed: cutting saves nothing

    def cut(snapshot: InventorySnapshot) -> InventorySnapshot:
        kept = compress(snapshot.packages, map(names.__contains__, folded_names(snapshot.packages)))
        return replace(snapshot, packages=tuple(kept))

    return cut(previous), cut(current)


def diff_snapshots(
    previous: InventorySnapshot | None, current: InventorySnapshot, scheme: VersionScheme
) -> tuple[VersionChange, ...]:
    """Every package change between two consecutive items of one node, sorted by package name.

    `previous` None (or holding no package data) makes every package of `current` PRESENT_AT_FIRST_RECORD.
    `current` without package data yields no changes: its packages are unknown, not removed. A package
    that comes back shows as INSTALLED here; only `build_timeline`, which sees the whole history, can call
    it REINSTALLED. Pass the newest earlier item that has package data as `previous`. Changes of InstalledTime, PackageId, Summary, URL and of non-package inventory
    (InstanceInformation, Network) are not changes.
    """
    if previous is not None and previous.node_id != current.node_id:
        raise ValueError(f"cannot compare items of two nodes: {previous.node_id} and {current.node_id}")
    if not current.packages_known:
        return ()
    if previous is not None and not previous.packages_known:
        previous = None
    if previous is not None:
        previous, current = _what_differs(previous, current)
    keys = set(current.by_package())
    if previous is not None:
        keys |= set(previous.by_package())
    both = [s for s in (previous, current) if s is not None]
    names = _recorded_names(both)
    return tuple(
        _diff(
            previous,
            current,
            keys=sorted(keys),
            labels=_labels(names),
            scheme=scheme,
            removed_keys=set(),
            multilib=multilib_packages(both, keys),
        )
    )


def build_timeline(
    snapshots: Sequence[InventorySnapshot], pattern: str, *, scheme: VersionScheme | None = None
) -> PackageTimeline:
    """The recorded changes of the packages matching `pattern` on one node.

    `pattern` is a package name (any case) or a glob (`openssl*`, `KB50*`, case-insensitive); an exact
    name wins over a glob reading. Snapshots may come in any order and repeat. Raises ValueError when
    there are no snapshots or they belong to more than one node. `scheme` is the node's version order when
    the snapshots hold only some of its packages (read from spans); by default it is decided from them.
    """
    ordered = _ordered(snapshots)
    if not ordered:
        raise ValueError("no inventory snapshots to build a timeline from")
    nodes = {s.node_id for s in ordered}
    if len(nodes) > 1:
        raise ValueError(f"snapshots of several nodes given: {', '.join(sorted(nodes))}")
    known = _known(ordered)
    names = _recorded_names(known)
    labels = _labels(names)
    matched = sorted(_matcher(pattern, names), key=lambda k: (labels[k].casefold(), k[0].value))
    scheme = scheme or _scheme(ordered)

    changes: list[VersionChange] = []
    removed_keys: set[tuple[PackageKey, str | None]] = set()
    multilib = multilib_packages(known, matched)
    previous: InventorySnapshot | None = None
    events = life_events(ordered)
    starts = {event.at for event in events}
    for snapshot in ordered:
        if snapshot.captured_at in starts:
            # A deletion ends a life; what comes after is a new one, compared with nothing before it.
            previous = None
            removed_keys = set()
        if not _holds_packages(snapshot):
            continue
        changes.extend(
            _diff(
                previous,
                snapshot,
                keys=matched,
                labels=labels,
                scheme=scheme,
                removed_keys=removed_keys,
                multilib=multilib,
            )
        )
        previous = snapshot

    gone = bool(events) and events[-1].kind is LifeEventKind.DELETED
    current = () if gone or not known else tuple(e for key in matched for e in known[-1].by_package().get(key, ()))
    unmanaged_since = _unmanaged_since(ordered)
    return PackageTimeline(
        node_id=ordered[0].node_id,
        query=pattern,
        changes=tuple(changes),
        matched_names=tuple(labels[k] for k in matched),
        first_capture=ordered[0].captured_at,
        last_capture=ordered[-1].captured_at,
        item_count=len(ordered),
        current=current,
        scheme=scheme,
        current_as_of=known[-1].captured_at if known else None,
        first_known_capture=known[0].captured_at if known else None,
        unknown_items=len(ordered) - len(known),
        unmanaged_since=unmanaged_since,
        events=events,
    )


def _holds_packages(snapshot: InventorySnapshot) -> bool:
    # A deletion item says nothing of packages, even one that still carries the last configuration.
    return snapshot.packages_known and snapshot.status not in DELETED_STATUSES


def _known(ordered: Sequence[InventorySnapshot]) -> list[InventorySnapshot]:
    return [s for s in ordered if _holds_packages(s)]


def life_events(snapshots: Sequence[InventorySnapshot]) -> tuple[LifeEvent, ...]:
    """Where the server's lives end and begin again in its history (snapshots oldest first, each once):
    every deletion, and every later `ResourceDiscovered` item (a first item is no event)."""
    events: list[LifeEvent] = []
    last_capture: datetime | None = None
    for position, snapshot in enumerate(snapshots):
        if snapshot.status in DELETED_STATUSES:
            if events and events[-1].kind is LifeEventKind.DELETED:
                continue  # deleted twice in a row: the first one says it
            events.append(LifeEvent(LifeEventKind.DELETED, snapshot.captured_at, snapshot.status, last_capture))
        elif snapshot.status == DISCOVERED_STATUS and position > 0:
            events.append(LifeEvent(LifeEventKind.REDISCOVERED, snapshot.captured_at, snapshot.status))
        elif events and events[-1].kind is LifeEventKind.DELETED and _holds_packages(snapshot):
            # Back without a ResourceDiscovered item: a new life all the same.
            events.append(LifeEvent(LifeEventKind.REDISCOVERED, snapshot.captured_at, snapshot.status or "OK"))
        if _holds_packages(snapshot):
            last_capture = snapshot.captured_at
    return tuple(events)


@dataclass(frozen=True)
class RecordedLife:
    """What Config's history says of a server SSM no longer reports on: its last inventory, its end."""

    last_capture: datetime | None
    deleted: LifeEvent | None
    unmanaged_since: datetime | None


def recorded_life(snapshots: Sequence[InventorySnapshot]) -> RecordedLife:
    ordered = _ordered(snapshots)
    known = _known(ordered)
    events = life_events(ordered)
    deleted = events[-1] if events and events[-1].kind is LifeEventKind.DELETED else None
    # An item marking the node Unmanaged repeats the last configuration: no capture of its own.
    captured = [s for s in known if not s.unmanaged]
    return RecordedLife(captured[-1].captured_at if captured else None, deleted, _unmanaged_since(ordered))


def _unmanaged_since(ordered: Sequence[InventorySnapshot]) -> datetime | None:
    """Since when the node's newest items are marked Unmanaged (None: the newest is not)."""
    since = None
    for snapshot in reversed(ordered):
        if not snapshot.unmanaged:
            break
        since = snapshot.captured_at
    return since


def state_at(
    snapshots: Sequence[InventorySnapshot], pattern: str, at: datetime, *, scheme: VersionScheme | None = None
) -> dict[str, PointInTime]:
    """What each package matching `pattern` looked like at `at`, keyed by package name.

    Inside a change window the package's own install time decides when it falls on one side of `at`;
    otherwise the answer is the change itself (both states are possible). Before the first record nothing
    is known; after the newest capture the newest known state is given.
    """
    at = parse_time(at)
    timeline = build_timeline(snapshots, pattern, scheme=scheme)
    known = _known(_ordered(snapshots))
    if not known:
        return {}
    labels = _labels(_recorded_names(known))
    latest = next((e for e in reversed(timeline.events) if e.at <= at), None)
    if latest is not None and latest.kind is LifeEventKind.DELETED:
        return {
            label: PointInTime(package=label, at=at, versions=(), deleted=latest)
            for label in timeline.matched_names
        }
    life_began = latest.at if latest is not None else None
    if life_began is not None:
        known = [s for s in known if s.captured_at >= life_began]
    captures = [s.captured_at for s in known]
    by_package: dict[str, list[VersionChange]] = {}
    for change in timeline.changes:
        by_package.setdefault(change.package, []).append(change)
    key_of = {label: key for key, label in labels.items()}

    answers: dict[str, PointInTime] = {}
    for label in timeline.matched_names:
        if not captures or at < captures[0]:
            answers[label] = PointInTime(
                package=label, at=at, versions=None, before_history=True, life_began=life_began
            )
            continue
        index = bisect.bisect_right(captures, at) - 1
        snapshot = known[index]
        inside = [
            c
            for c in by_package.get(label, ())
            if c.window.after is not None and c.window.after < at < c.window.before
        ]
        sides = [(c, _side_of(c, at)) for c in inside]
        changing = next((c for c, side in sides if side is None), None)
        if changing is not None:
            answers[label] = PointInTime(package=label, at=at, versions=None, changing=changing)
            continue
        versions = snapshot.by_package().get(key_of[label], ())
        for change, side in sides:
            if side:  # its install time is at or before `at`: the new state had come
                after = known[index + 1].by_package().get(key_of[label], ())
                versions = _with_new(versions, after, change.arches)
        answers[label] = PointInTime(
            package=label,
            at=at,
            versions=versions,
            as_of=snapshot.captured_at,
            after_last_capture=at > captures[-1],
            settled=tuple(c for c, _ in sides),
            life_began=life_began,
        )
    return answers


def _side_of(change: VersionChange, at: datetime) -> bool | None:
    """Whether `at`, inside the change's window, is after the change (True), before it (False), or either
    (None): the package's own install time settles it when it falls on one side of `at`."""
    start, end = change.window.span()
    if change.window.exact is None or start is None:
        return None
    if at < start:
        return False
    if at >= end:
        return True
    return None


def _with_new(
    entries: tuple[PackageEntry, ...], after: tuple[PackageEntry, ...], arches: tuple[str, ...]
) -> tuple[PackageEntry, ...]:
    """`entries` with the change's side replaced by what the capture after it showed (all of it, or
    the architectures a multilib change was about)."""
    if not arches:
        return after
    return (*(e for e in entries if e.arch not in arches), *(e for e in after if e.arch in arches))


def close_names(
    snapshots_or_names: Iterable[InventorySnapshot] | Iterable[str], wanted: str, limit: int = 5
) -> list[str]:
    """Package names resembling `wanted`, for a "did you mean": prefix matches first, then look-alikes."""
    names: dict[str, str] = {}
    for item in snapshots_or_names:
        for name in item.names() if isinstance(item, InventorySnapshot) else (item,):
            names.setdefault(name.casefold(), name)
    target = "".join(ch for ch in wanted.strip().casefold() if ch not in _GLOB_CHARS and ch != "]")
    if not target or limit <= 0:
        return []
    prefix = sorted((n for n in names if n.startswith(target)), key=lambda n: (len(n), n))
    alike = difflib.get_close_matches(target, list(names), n=limit, cutoff=0.6)
    inside = sorted((n for n in names if len(target) >= 3 and target in n), key=lambda n: (len(n), n))
    picked: list[str] = []
    for folded in [*prefix, *alike, *inside]:
        if folded not in picked:
            picked.append(folded)
    return [names[n] for n in picked[:limit]]
