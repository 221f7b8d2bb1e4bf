"""Who ran which version where and when: a package's spans across the fleet turned into exposures.

A version test (`< 3.0.7`, `>= 1.1.1k`) picks versions by each server's own order (rpm or dpkg, never
across the two). An exposure is the time a server had at least one matching version of the package
installed: consecutive or overlapping matching spans (an upgrade from one vulnerable build to another,
two kernels side by side) are one exposure. Its edges are honest windows: it began between the last
capture that did not show it and the first that did, and ended between the last capture that still
showed it and the first that no longer did.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.versions import VersionScheme, compare_versions


class Comparison(StrEnum):
    LT = "<"
    LE = "<="
    EQ = "="
    GE = ">="
    GT = ">"

    def holds(self, order: int) -> bool:
        return {
            Comparison.LT: order < 0,
            Comparison.LE: order <= 0,
            Comparison.EQ: order == 0,
            Comparison.GE: order >= 0,
            Comparison.GT: order > 0,
        }[self]


@dataclass(frozen=True)
class VersionTest:
    """`PACKAGE < VERSION` and its kin, decided under the scheme of the server a version is on."""

    comparison: Comparison
    version: str
    # The scheme VERSION is written in; a server of another scheme is not compared (listed apart).
    scheme: VersionScheme

    def matches(self, version: str, scheme: VersionScheme) -> bool | None:
        """Whether `version` (on a server ordering versions by `scheme`) passes; None: not comparable."""
        if scheme is not self.scheme:
            return None
        return self.comparison.holds(compare_versions(version, self.version, scheme))

    def __str__(self) -> str:
        return f"{self.comparison.value} {self.version}"


def scheme_of_version(version: str, schemes: Iterable[VersionScheme]) -> VersionScheme:
    """The scheme a typed version is meant in: the fleet's, where the fleet's servers agree on one."""
    seen = set(schemes)
    found = {s for s in seen if s is not VersionScheme.GENERIC} or seen
    if len(found) == 1:
        return next(iter(found))
    # A mixed fleet: rpm writes releases after a dash and never `ubuntu`/`debian`/`+` suffixes.
    lowered = version.casefold()
    if any(marker in lowered for marker in ("ubuntu", "debian", "deb", "+")):
        return VersionScheme.DPKG
    return VersionScheme.RPM if "-" in version or VersionScheme.RPM in found else VersionScheme.DPKG


@dataclass(frozen=True)
class Edge:
    """When something changed on a server, as the captures tell: between `after` and `before`."""

    # The last capture that showed the earlier state; None when the change is the first record itself.
    after: datetime | None
    # The first capture that showed the later state.
    before: datetime


@dataclass(frozen=True)
class FleetSpan:
    """One version of the package on one server, with the captures around both of its ends."""

    server: str  # a key that identifies the server across accounts and regions
    version: str
    arch: str
    start: Edge
    # None while it is installed.
    end: Edge | None
    # What stood in its place when it ended: the versions the first capture without it showed.
    replaced_by: tuple[str, ...] = ()
    # The capture that ended it recorded the server as deleted (terminated or deregistered).
    ended_by_deletion: bool = False


class Ending(StrEnum):
    UPGRADED = "upgraded"  # a version that passes no longer; `to` says which
    REMOVED = "removed"
    SERVER_DELETED = "server deleted"
    STILL_EXPOSED = "still exposed"


@dataclass(frozen=True)
class Exposure:
    """One server's time with a matching version installed."""

    server: str
    versions: tuple[str, ...]
    start: Edge
    end: Edge | None
    ending: Ending
    # The versions that replaced the exposed ones, for an upgrade.
    to: tuple[str, ...] = ()

    def overlaps(self, since: datetime | None, until: datetime | None) -> bool:
        """Whether the exposure can have covered any moment of [since, until]."""
        began = self.start.after or self.start.before
        ended = None if self.end is None else self.end.before
        return (until is None or began <= until) and (since is None or ended is None or ended > since)

    def duration(self, now: datetime) -> timedelta:
        """From the first capture that showed it to the first that no longer did (or now)."""
        return (self.end.before if self.end is not None else now) - self.start.before


def exposures(matching: Iterable[FleetSpan]) -> list[Exposure]:
    """The exposures of each server: its spans whose version passed the test, merged where they touch or overlap."""
    by_server: dict[str, list[FleetSpan]] = {}
    for span in matching:
        by_server.setdefault(span.server, []).append(span)
    found: list[Exposure] = []
    for server, mine in by_server.items():
        mine.sort(key=lambda s: s.start.before)
        group: list[FleetSpan] = []
        group_end: datetime | None = None
        for span in mine:
            if group and (group_end is None or span.start.before <= group_end):
                group.append(span)
                group_end = _later_end(group_end, span)
                continue
            if group:
                found.append(_exposure(server, group))
            group, group_end = [span], _end_of(span)
        if group:
            found.append(_exposure(server, group))
    return sorted(found, key=lambda e: (e.start.before, e.server))


def _end_of(span: FleetSpan) -> datetime | None:
    return None if span.end is None else span.end.before


def _later_end(current: datetime | None, span: FleetSpan) -> datetime | None:
    end = _end_of(span)
    if current is None or end is None:
        return None
    return max(current, end)


def _exposure(server: str, group: Sequence[FleetSpan]) -> Exposure:
    versions = tuple(dict.fromkeys(span.version for span in group))
    if any(span.end is None for span in group):
        return Exposure(server, versions, group[0].start, None, Ending.STILL_EXPOSED)
    last = max(group, key=lambda s: s.end.before if s.end else s.start.before)
    assert last.end is not None
    if last.ended_by_deletion:
        ending = Ending.SERVER_DELETED
    elif last.replaced_by:
        ending = Ending.UPGRADED
    else:
        ending = Ending.REMOVED
    return Exposure(server, versions, group[0].start, last.end, ending, last.replaced_by)


@dataclass(frozen=True)
class ExposureSummary:
    servers: int
    still_exposed: int
    # Median time from exposure start (or the period's start, if later) to its fix, of fixed exposures.
    median_time_to_fix: timedelta | None


def summarize(found: Sequence[Exposure], since: datetime | None) -> ExposureSummary:
    fixed = [
        exposure.end.before - max(exposure.start.before, since or exposure.start.before)
        for exposure in found
        if exposure.end is not None and exposure.ending is Ending.UPGRADED
    ]
    return ExposureSummary(
        servers=len({e.server for e in found}),
        still_exposed=len({e.server for e in found if e.ending is Ending.STILL_EXPOSED}),
        median_time_to_fix=timedelta(seconds=statistics.median(d.total_seconds() for d in fixed)) if fixed else None,
    )
