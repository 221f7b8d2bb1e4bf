"""SSM Inventory as AWS Config records it: configuration items and inventory rows parsed into plain values.

A `ManagedInstanceInventory` configuration item arrives in two forms (AWS-NOTES §2): the API form
(`configuration` a JSON string, capture time a datetime) and the notification form (`configuration` an
object, capture time an ISO string, some keys renamed). Inventory `Content` comes as a list of entries or
as a map keyed by name whose value is one entry or a list of them. All of these parse to the same
`InventorySnapshot`, so nothing downstream needs to know which form it came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from dateutil import parser as dateutil_parser

INVENTORY_RESOURCE_TYPE = "AWS::SSM::ManagedInstanceInventory"
INSTANCE_INFORMATION = "AWS:InstanceInformation"


class InventoryKind(StrEnum):
    """The inventory types AWS Config records that describe installed software."""

    APPLICATION = "AWS:Application"
    AWS_COMPONENT = "AWS:AWSComponent"
    WINDOWS_UPDATE = "AWS:WindowsUpdate"


class MalformedItem(ValueError):
    """A configuration item pkgwhen cannot read; the message says what is wrong with it."""


@dataclass(frozen=True)
class PackageEntry:
    """One installed package version (or Windows hotfix) as inventory reported it."""

    kind: InventoryKind
    name: str
    # Display form: rpm "epoch:version-release" (epoch only when non-zero), dpkg as given, "" for hotfixes.
    version: str
    arch: str = ""
    installed_at: datetime | None = None
    # `installed_at` is a day (Windows records dates), not a moment.
    installed_date_only: bool = False
    publisher: str = ""
    package_id: str = ""
    installed_by: str = ""
    # Every field of the entry as recorded, sorted by field name: nothing the gatherer said is lost.
    raw: tuple[tuple[str, str], ...] = ()

    @property
    def package_key(self) -> tuple[InventoryKind, str]:
        """Identifies the package regardless of version and architecture (names compare case-insensitively).

        The agent reports some software twice, as an application and as an AWS component
        (`amazon-ssm-agent`): that is one package, so both reports share the application's key.
        """
        kind = InventoryKind.APPLICATION if self.kind is InventoryKind.AWS_COMPONENT else self.kind
        return (kind, self.name.casefold())

    @property
    def key(self) -> tuple[InventoryKind, str, str]:
        return (self.kind, self.name.casefold(), self.arch)

    def recorded(self, name: str) -> str:
        """A recorded field by name ("" when the entry did not have it), e.g. `Release`, `Summary`."""
        for key, value in self.raw:
            if key == name:
                return value
        return ""


@dataclass(frozen=True)
class PlatformInfo:
    """What `AWS:InstanceInformation` says about the node."""

    name: str = ""
    type: str = ""
    version: str = ""
    computer_name: str = ""
    agent_version: str = ""
    ip_address: str = ""
    resource_type: str = ""


@dataclass(frozen=True)
class InventorySnapshot:
    """One configuration item: what inventory had captured on one node at one capture time."""

    node_id: str
    captured_at: datetime
    state_id: str
    status: str
    packages: tuple[PackageEntry, ...]
    platform: PlatformInfo | None = None
    unmanaged: bool = False
    account_id: str = ""
    region: str = ""
    # False when the item has no `AWS:Application` section (a first item holding only
    # `AWS:InstanceInformation`, a deleted resource): its packages are unknown, not absent.
    packages_known: bool = True
    # Entries that had no name to file them under; kept as a count so a bad gatherer is visible.
    skipped_entries: int = 0

    # Built once at construction: a timeline compares these for every package of every item.
    _groups: dict[tuple[InventoryKind, str], tuple[PackageEntry, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _states: dict[tuple[InventoryKind, str], str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        groups: dict[tuple[InventoryKind, str], list[PackageEntry]] = {}
        for entry in self.packages:
            groups.setdefault(entry.package_key, []).append(entry)
        object.__setattr__(self, "_groups", {key: _one_report(entries) for key, entries in groups.items()})
        # A string per package rather than a set of pairs: equal strings mean the same installed
        # (version, architecture) pairs, and strings cost the garbage collector nothing to track.
        object.__setattr__(
            self,
            "_states",
            {
                key: "\x00".join(sorted({f"{entry.version}\x01{entry.arch}" for entry in entries}))
                for key, entries in self._groups.items()
            },
        )

    def by_package(self) -> Mapping[tuple[InventoryKind, str], tuple[PackageEntry, ...]]:
        """Installed entries grouped per package (kind, casefolded name)."""
        return self._groups

    def package_states(self) -> Mapping[tuple[InventoryKind, str], str]:
        """Per package, a signature of its installed (version, architecture) pairs: equal means unchanged."""
        return self._states

    def versions_of(self, name: str) -> tuple[PackageEntry, ...]:
        """Every installed entry of the package called `name` (any case, any inventory kind)."""
        wanted = name.casefold()
        return tuple(entry for entry in self.packages if entry.name.casefold() == wanted)

    def names(self) -> tuple[str, ...]:
        """Distinct package names as recorded, sorted case-insensitively."""
        seen: dict[str, str] = {}
        for entry in self.packages:
            seen.setdefault(entry.name.casefold(), entry.name)
        return tuple(sorted(seen.values(), key=str.casefold))


def _one_report(entries: Sequence[PackageEntry]) -> tuple[PackageEntry, ...]:
    """One package's entries, from one report: the application's when the agent also listed it as an AWS
    component (the application entry is the fuller one: rpm release, install time)."""
    applications = tuple(e for e in entries if e.kind is InventoryKind.APPLICATION)
    if applications and len(applications) < len(entries):
        return applications
    return tuple(entries)


def one_report_per_package(entries: Iterable[PackageEntry]) -> tuple[PackageEntry, ...]:
    """Entries (say, current inventory rows of several types) with each package reported once, in order."""
    groups: dict[tuple[InventoryKind, str], list[PackageEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.package_key, []).append(entry)
    kept = {id(e) for group in groups.values() for e in _one_report(group)}
    return tuple(e for group in groups.values() for e in group if id(e) in kept)


# --- times ----------------------------------------------------------------------------------------------

_EPOCH_MS_THRESHOLD = 100_000_000_000  # a number above this is milliseconds (seconds would be year 5138)
_DEFAULT_A = datetime(2001, 2, 3, 4, 5, 6)
_DEFAULT_B = datetime(2009, 10, 11, 12, 13, 14)


def parse_time(text: str | int | float | datetime) -> datetime:
    """Any time inventory or Config writes, as an aware UTC datetime; naive times are taken as UTC.

    Reads ISO 8601 (`2024-07-01T16:47:09Z`), Windows' long form (`Wednesday, October 15, 2014 12:00:00 AM`),
    `20161011`, and epoch seconds or milliseconds. Raises ValueError on anything else, including text that
    names no date (`Monday`, `10:00`), which dateutil alone would silently complete from today.
    """
    if isinstance(text, datetime):
        return _as_utc(text)
    if isinstance(text, bool):
        raise ValueError(f"not a time: {text!r}")
    if isinstance(text, int | float):
        return _from_epoch(float(text))
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    return _parse_time_text(text.strip())


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_epoch(seconds: float) -> datetime:
    if seconds > _EPOCH_MS_THRESHOLD:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"not a time: {seconds!r}") from exc


@lru_cache(maxsize=65536)
def _parse_time_text(text: str) -> datetime:
    # Cached: the same InstalledTime strings recur in every item of a history.
    if not text:
        raise ValueError("empty time")
    if text.isdigit() and len(text) >= 10:
        return _from_epoch(float(text))
    try:
        return _as_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A)
        second = dateutil_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a time: {text!r}") from exc
    # dateutil fills what the text lacks from `default`: parsing with two defaults shows what was missing.
    if first.date() != second.date():
        raise ValueError(f"not a date: {text!r}")
    if first != second:
        # A full date without a time of day means the whole day; midnight stands for it.
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
    return _as_utc(first)


_TIME_OF_DAY = re.compile(r"\d:\d\d")


def _is_date_only(text: str, moment: datetime, has_release: bool) -> bool:
    """Whether an InstalledTime names a day rather than a moment.

    Windows records install dates, written as local midnight (`…12:00:00 AM`, `…T00:00:00Z`) or with no
    time at all (`20161011`); rpm records seconds, so an rpm entry (it has a Release) is never a date.
    """
    if not _TIME_OF_DAY.search(text):
        return True
    midnight = moment.hour == moment.minute == moment.second == moment.microsecond == 0
    return midnight and not has_release


# --- entries --------------------------------------------------------------------------------------------

_NAME_FIELDS: dict[InventoryKind, tuple[str, ...]] = {
    InventoryKind.APPLICATION: ("Name",),
    InventoryKind.AWS_COMPONENT: ("Name",),
    # Both spellings are seen in the wild (AWS-NOTES §2).
    InventoryKind.WINDOWS_UPDATE: ("HotFixId", "HotFixID"),
}
_ZERO_EPOCH = re.compile(r"^0*$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, sort_keys=True)


def _display_version(kind: InventoryKind, fields: Mapping[str, str]) -> str:
    if kind is InventoryKind.WINDOWS_UPDATE:
        return ""
    version = fields.get("Version", "").strip()
    release = fields.get("Release", "").strip()
    epoch = fields.get("Epoch", "").strip()
    if release:
        version = f"{version}-{release}"
    if epoch and not _ZERO_EPOCH.match(epoch):
        version = f"{epoch}:{version}"
    return version


@lru_cache(maxsize=65536)
def _installed(text: str, has_release: bool) -> tuple[datetime | None, bool]:
    """(time, date only) of an InstalledTime; cached because the same values recur in every item."""
    try:
        moment = parse_time(text)
    except ValueError:
        return None, False  # an unreadable InstalledTime only costs the exact time; the window remains
    return moment, _is_date_only(text, moment, has_release)


def _entry(kind: InventoryKind, fields: Mapping[str, Any], fallback_name: str = "") -> PackageEntry | None:
    if all(type(value) is str for value in fields.values()):
        return _shared_entry(kind, fallback_name, tuple(fields.items()))
    return _new_entry(kind, fields, fallback_name)


@lru_cache(maxsize=32768)
def _shared_entry(
    kind: InventoryKind, fallback_name: str, items: tuple[tuple[str, str], ...]
) -> PackageEntry | None:
    # Most packages are unchanged from one item to the next: identical entries share one object, which
    # keeps a cached history of many items about as small as one item, and parses it faster.
    return _new_entry(kind, dict(items), fallback_name)


def _new_entry(kind: InventoryKind, fields: Mapping[str, Any], fallback_name: str) -> PackageEntry | None:
    texts = {
        str(key): value if type(value) is str else _text(value)
        for key, value in fields.items()
        if value is not None
    }
    name = fallback_name.strip()
    for name_field in _NAME_FIELDS[kind]:
        if recorded := texts.get(name_field, "").strip():
            name = recorded
            break
    if not name:
        return None
    installed_text = texts.get("InstalledTime", "").strip()
    installed_at, date_only = (
        _installed(installed_text, bool(texts.get("Release"))) if installed_text else (None, False)
    )
    return PackageEntry(
        kind=kind,
        name=name,
        version=_display_version(kind, texts),
        arch=texts.get("Architecture", "").strip(),
        installed_at=installed_at,
        installed_date_only=date_only,
        publisher=texts.get("Publisher", ""),
        package_id=texts.get("PackageId", ""),
        installed_by=texts.get("InstalledBy", ""),
        raw=tuple(sorted(texts.items())),
    )


def _sort_key(entry: PackageEntry) -> tuple[str, str, str, str]:
    return (entry.kind.value, entry.name.casefold(), entry.version, entry.arch)


def _content_entries(type_name: str, content: Any) -> Iterable[tuple[str, Any]]:
    """(map key or "", entry) pairs from either shape of Content."""
    if content is None or content == "":
        return
    if isinstance(content, list):
        for entry in content:
            yield "", entry
        return
    if isinstance(content, Mapping):
        for key, value in content.items():
            if isinstance(value, list):
                for entry in value:
                    yield str(key), entry
            else:
                yield str(key), value
        return
    raise MalformedItem(f"{type_name}.Content is a {type(content).__name__}, expected a list or an object")


def _parse_content(kind: InventoryKind, content: Any) -> tuple[list[PackageEntry], int]:
    entries: list[PackageEntry] = []
    skipped = 0
    for map_key, raw in _content_entries(kind.value, content):
        if not isinstance(raw, Mapping):
            raise MalformedItem(
                f"an entry of {kind.value}.Content is a {type(raw).__name__}, expected an object"
            )
        entry = _entry(kind, raw, fallback_name=map_key)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    return entries, skipped


def parse_inventory_entries(type_name: str, entries: Sequence[Mapping[str, str]]) -> tuple[PackageEntry, ...]:
    """Rows of SSM ListInventoryEntries (the node's current inventory) as package entries.

    Raises ValueError for an inventory type that does not describe software (e.g. `AWS:Network`).
    """
    try:
        kind = InventoryKind(type_name)
    except ValueError:
        raise ValueError(
            f"{type_name!r} is not a software inventory type (expected one of {', '.join(InventoryKind)})"
        ) from None
    parsed = (_entry(kind, row) for row in entries)
    return tuple(sorted((entry for entry in parsed if entry is not None), key=_sort_key))


# --- configuration items --------------------------------------------------------------------------------


def _first(item: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None


def _configuration(item: Mapping[str, Any], node_id: str) -> Mapping[str, Any]:
    configuration = item.get("configuration")
    if isinstance(configuration, str):
        if not configuration.strip():
            return {}
        try:
            configuration = json.loads(configuration)
        except json.JSONDecodeError as exc:
            raise MalformedItem(
                f"configuration of the item for {node_id} is not valid JSON ({exc.msg})"
            ) from exc
    if configuration is None:
        return {}
    if not isinstance(configuration, Mapping):
        raise MalformedItem(
            f"configuration of the item for {node_id} is a {type(configuration).__name__}, expected an object"
        )
    return configuration


def _supplementary_value(value: Any) -> str:
    # API form encodes each supplementary value as JSON text; the notification form gives it as is.
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return value
        return decoded if isinstance(decoded, str) else value
    return _text(value)


def _platform(section: Any, node_id: str) -> PlatformInfo | None:
    if not isinstance(section, Mapping):
        return None
    content = section.get("Content")
    info: Any = None
    if isinstance(content, Mapping):
        info = content.get(node_id)
        if info is None and content:
            info = (
                content
                if "PlatformName" in content or "PlatformType" in content
                else next(iter(content.values()))
            )
    elif isinstance(content, list) and content:
        info = content[0]
    if not isinstance(info, Mapping):
        return None
    return PlatformInfo(
        name=_text(info.get("PlatformName")),
        type=_text(info.get("PlatformType")),
        version=_text(info.get("PlatformVersion")),
        computer_name=_text(info.get("ComputerName")),
        agent_version=_text(info.get("AgentVersion")),
        ip_address=_text(info.get("IpAddress")),
        resource_type=_text(info.get("ResourceType")),
    )


def parse_configuration_item(item: Mapping[str, Any]) -> InventorySnapshot:
    """A `ManagedInstanceInventory` configuration item, API form or notification form, as a snapshot.

    Raises MalformedItem naming what is wrong: no resourceId, an unreadable capture time, configuration
    that is not JSON, an item of another resource type, Content of the wrong shape.
    """
    if not isinstance(item, Mapping):
        raise MalformedItem(f"a configuration item must be an object, got {type(item).__name__}")
    resource_type = item.get("resourceType")
    if resource_type is not None and resource_type != INVENTORY_RESOURCE_TYPE:
        raise MalformedItem(f"the item is for {resource_type}, not {INVENTORY_RESOURCE_TYPE}")
    node_id = item.get("resourceId")
    if not isinstance(node_id, str) or not node_id.strip():
        raise MalformedItem("the configuration item has no resourceId (the node it describes)")
    node_id = node_id.strip()

    raw_time = item.get("configurationItemCaptureTime")
    if raw_time is None or raw_time == "":
        raise MalformedItem(f"the item for {node_id} has no configurationItemCaptureTime")
    try:
        captured_at = parse_time(raw_time)
    except ValueError as exc:
        raise MalformedItem(f"the item for {node_id} has an unreadable capture time {raw_time!r}") from exc

    state = item.get("configurationStateId")
    # Without a state id the capture time (ms, as Config itself numbers states) still orders and dedupes.
    state_id = _text(state) if state not in (None, "") else str(int(captured_at.timestamp() * 1000))

    configuration = _configuration(item, node_id)
    packages: list[PackageEntry] = []
    skipped = 0
    for kind in InventoryKind:
        section = configuration.get(kind.value)
        if section is None:
            continue
        if not isinstance(section, Mapping):
            raise MalformedItem(f"{kind.value} of the item for {node_id} is not an object")
        entries, dropped = _parse_content(kind, section.get("Content"))
        packages.extend(entries)
        skipped += dropped

    supplementary = item.get("supplementaryConfiguration")
    unmanaged = isinstance(supplementary, Mapping) and (
        _supplementary_value(supplementary.get("InstanceStatus")).casefold() == "unmanaged"
    )
    return InventorySnapshot(
        node_id=node_id,
        captured_at=captured_at,
        state_id=state_id,
        status=_text(item.get("configurationItemStatus")) or "OK",
        packages=tuple(sorted(packages, key=_sort_key)),
        platform=_platform(configuration.get(INSTANCE_INFORMATION), node_id),
        unmanaged=unmanaged,
        account_id=_text(_first(item, "accountId", "awsAccountId")),
        region=_text(item.get("awsRegion")),
        packages_known=isinstance(configuration.get(InventoryKind.APPLICATION.value), Mapping),
        skipped_entries=skipped,
    )
