"""Which of two package versions is newer, by the rules of the node's package manager.

rpm and dpkg order versions in their own ways (epochs, `~`, revisions); `univers` implements both, and this
module is the only place that touches it. Windows versions and anything unreadable fall back to a generic
dotted-numeric order, so a comparison never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import cmp_to_key, lru_cache
from typing import Any

from univers.versions import DebianVersion, RpmVersion

from bot.core.config_items import InventoryKind, InventorySnapshot, PackageEntry, PlatformInfo


class VersionScheme(StrEnum):
    RPM = "rpm"
    DPKG = "dpkg"
    GENERIC = "generic"


_RPM_PLATFORMS = (
    "amazon linux",
    "red hat",
    "rhel",
    "centos",
    "rocky",
    "alma",
    "oracle linux",
    "fedora",
    "suse",
    "sles",
)
_DPKG_PLATFORMS = ("ubuntu", "debian", "raspbian", "linux mint", "kali")
# Versions only Debian-family packaging produces: distribution suffixes, repacks, or an epoch inside Version.
_DPKG_LOOKING = re.compile(r"(ubuntu|debian|deb\d|\+dfsg|\+ds\b|\+really|^\d+:)", re.IGNORECASE)


def scheme_for(source: InventorySnapshot | PlatformInfo | Iterable[PackageEntry] | None) -> VersionScheme:
    """The version order of a node, decided from its data.

    rpm's own fields (Release, Epoch) or an rpm distribution name mean rpm; a Debian-family platform or
    versions only dpkg writes mean dpkg; Windows, macOS and anything undecided get the generic order.
    """
    if source is None:
        return VersionScheme.GENERIC
    if isinstance(source, PlatformInfo):
        return _from_platform(source) or VersionScheme.GENERIC
    if isinstance(source, InventorySnapshot):
        entries: Iterable[PackageEntry] = source.packages
        platform = source.platform
    else:
        entries, platform = source, None
    entries = entries if isinstance(entries, tuple | list) else tuple(entries)
    # dpkg's marks are looked for only if rpm fields and the platform leave it open: a server's 2,000
    # versions are not searched once an rpm field has been seen.
    return scheme_from_evidence(has_rpm_fields(entries), platform, lambda: looks_dpkg(entries))


def has_rpm_fields(entries: Iterable[PackageEntry]) -> bool:
    """Whether any application entry carries rpm's own fields (Release, Epoch)."""
    return any(
        entry.kind is InventoryKind.APPLICATION and (entry.recorded("Release") or entry.recorded("Epoch"))
        for entry in entries
    )


def looks_dpkg(entries: Iterable[PackageEntry]) -> bool:
    """Whether any application entry has a version only Debian-family packaging writes."""
    return any(entry.kind is InventoryKind.APPLICATION and _DPKG_LOOKING.search(entry.version) for entry in entries)


def scheme_from_evidence(
    rpm_fields: bool, platform: PlatformInfo | None, dpkg_looking: bool | Callable[[], bool]
) -> VersionScheme:
    """`scheme_for` from what an item showed: rpm fields, its platform, dpkg-looking versions (in that order;
    `dpkg_looking` may be a function, asked only when the first two leave it open)."""
    if rpm_fields:
        return VersionScheme.RPM
    if platform is not None and (scheme := _from_platform(platform)) is not None:
        return scheme
    if dpkg_looking() if callable(dpkg_looking) else dpkg_looking:
        return VersionScheme.DPKG
    return VersionScheme.GENERIC


def _from_platform(platform: PlatformInfo) -> VersionScheme | None:
    if platform.type.casefold() in ("windows", "macos"):
        return VersionScheme.GENERIC
    name = platform.name.casefold()
    if any(marker in name for marker in _DPKG_PLATFORMS):
        return VersionScheme.DPKG
    if any(marker in name for marker in _RPM_PLATFORMS):
        return VersionScheme.RPM
    if "windows" in name:
        return VersionScheme.GENERIC
    return None


def compare_versions(a: str, b: str, scheme: VersionScheme) -> int:
    """-1, 0 or 1 as `a` is older than, as new as, or newer than `b` under `scheme`; never raises."""
    if a == b:
        return 0
    return _compared(a, b, scheme)


@lru_cache(maxsize=65536)
def _compared(a: str, b: str, scheme: VersionScheme) -> int:
    # Cached: a patch night compares the same two versions on every server it updated alike.
    if scheme is not VersionScheme.GENERIC:
        left, right = _parsed(a, scheme), _parsed(b, scheme)
        if left is not None and right is not None:
            try:
                return int(left > right) - int(left < right)
            except (TypeError, ValueError):
                pass  # univers could not order these two; the generic order still can
    return _compare_generic(a, b)


def version_sort_key(scheme: VersionScheme) -> Any:
    """A `sorted` key that orders version strings oldest first under `scheme`."""
    return cmp_to_key(lambda a, b: compare_versions(a, b, scheme))


@lru_cache(maxsize=16384)
def _parsed(text: str, scheme: VersionScheme) -> Any:
    # Cached: a history compares the same few versions of a package over and over.
    try:
        return RpmVersion(text) if scheme is VersionScheme.RPM else DebianVersion(text)
    except (ValueError, TypeError):  # univers' InvalidVersion is a ValueError
        return None


_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def _compare_generic(a: str, b: str) -> int:
    """Dotted numeric order (`10.0.19041.1` > `10.0.9600.1`); letters compare as text, below numbers."""
    left, right = _TOKEN.findall(a), _TOKEN.findall(b)
    if not any(t.isdecimal() for t in left) or not any(t.isdecimal() for t in right):
        x, y = a.casefold(), b.casefold()
        return (x > y) - (x < y)
    for x, y in zip(left, right, strict=False):
        if x.isdecimal() and y.isdecimal():
            order = (int(x) > int(y)) - (int(x) < int(y))
        elif x.isdecimal() != y.isdecimal():
            order = 1 if x.isdecimal() else -1
        else:
            order = (x.casefold() > y.casefold()) - (x.casefold() < y.casefold())
        if order:
            return order
    return (len(left) > len(right)) - (len(left) < len(right))
