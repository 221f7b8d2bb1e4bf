"""What changed on a server between two inventory items, summarized for a channel: counts, notable packages first.

Shared by change alerts (one post per server change, or a fleet digest when many servers changed alike)
and `/inventory refresh` (what a refresh changed). Pure functions over snapshots (their messages are
`bot.slack.change_messages`); the diff itself is
`bot.core.timeline.diff_snapshots`, so alerts and /pkgwhen call the same change the same thing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.config_items import InventorySnapshot
from bot.core.timeline import ChangeKind, VersionChange, diff_snapshots
from bot.core.versions import scheme_for

# The categories a reader counts, in the order they are written.
COUNTED = ("upgraded", "installed", "removed", "downgraded", "replaced", "present")
_CATEGORY = {
    ChangeKind.UPGRADED: "upgraded",
    ChangeKind.INSTALLED: "installed",
    ChangeKind.REINSTALLED: "installed",
    ChangeKind.ADDED_BESIDE: "installed",
    ChangeKind.REMOVED: "removed",
    ChangeKind.EXTRA_REMOVED: "removed",
    ChangeKind.DOWNGRADED: "downgraded",
    ChangeKind.REPLACED: "replaced",
    ChangeKind.PRESENT_AT_FIRST_RECORD: "present",
}
# Within the non-notable changes, what a reader should see first.
_URGENCY = {"downgraded": 0, "removed": 1, "installed": 2, "upgraded": 3, "replaced": 4, "present": 5}


@dataclass(frozen=True)
class ChangeSummary:
    """The package changes of one server from one item (`previous`) to a later one (`current`)."""

    node_id: str
    state_id: str
    captured_at: datetime
    # None when `current` is the first item with package data pkgwhen knows of.
    previous_state_id: str | None
    previous_captured_at: datetime | None
    # Notable changes first (watchlist order), then downgrades, removals, installs, upgrades.
    changes: tuple[VersionChange, ...]
    notable_count: int
    # (category, count) for each category with at least one change, in COUNTED order.
    counts: tuple[tuple[str, int], ...]
    account_id: str = ""
    region: str = ""
    # `current` held no package data (only InstanceInformation, or a deleted resource).
    packages_unknown: bool = False

    @property
    def notable(self) -> tuple[VersionChange, ...]:
        return self.changes[: self.notable_count]

    @property
    def is_noise(self) -> bool:
        """Nothing a reader would call a package change (install times, package ids, platform churn)."""
        return not self.changes

    @property
    def first_record(self) -> bool:
        return self.previous_state_id is None

    def count(self, category: str) -> int:
        return dict(self.counts).get(category, 0)

    def signature(self) -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]:
        """The change itself, without the server: equal on two servers means they changed alike."""
        return tuple(
            sorted((c.package.casefold(), c.kind.value, c.old, c.new) for c in self.changes)
        )


def is_watched(package: str, watchlist: Sequence[str]) -> int | None:
    """The position of the first watchlist pattern (name or glob, any case) matching `package`, if any."""
    name = package.casefold()
    for position, pattern in enumerate(watchlist):
        if fnmatch.fnmatchcase(name, pattern.strip().casefold()):
            return position
    return None


def summarize(
    previous: InventorySnapshot | None, current: InventorySnapshot, *, watchlist: Sequence[str]
) -> ChangeSummary:
    """The summary of what changed on `current`'s server since `previous` (its newest earlier item)."""
    usable = previous if previous is not None and previous.packages_known else None
    scheme = scheme_for(current if current.packages_known else usable or current)
    changes = diff_snapshots(usable, current, scheme)
    notable: list[tuple[int, VersionChange]] = []
    rest: list[VersionChange] = []
    for change in changes:
        position = is_watched(change.package, watchlist)
        if position is None:
            rest.append(change)
        else:
            notable.append((position, change))
    notable.sort(key=lambda pc: (pc[0], pc[1].package.casefold()))
    rest.sort(key=lambda c: (_URGENCY[_CATEGORY[c.kind]], c.package.casefold()))
    tally: dict[str, int] = {}
    for change in changes:
        tally[_CATEGORY[change.kind]] = tally.get(_CATEGORY[change.kind], 0) + 1
    return ChangeSummary(
        node_id=current.node_id,
        state_id=current.state_id,
        captured_at=current.captured_at,
        previous_state_id=usable.state_id if usable is not None else None,
        previous_captured_at=usable.captured_at if usable is not None else None,
        changes=tuple(change for _, change in notable) + tuple(rest),
        notable_count=len(notable),
        counts=tuple((category, tally[category]) for category in COUNTED if category in tally),
        account_id=current.account_id,
        region=current.region,
        packages_unknown=not current.packages_known,
    )


# --- rendering ------------------------------------------------------------------------------------------
