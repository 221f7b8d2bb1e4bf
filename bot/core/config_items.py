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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter, itemgetter
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
    # `installed_at` is a day (Windows records dates), not a moment: then it is the start of that day in
    # UTC, and `installed_day` the calendar day itself, as the server named it.
    installed_date_only: bool = False
    installed_day: date | None = None
    # Whether the server's UTC offset on that day is known (the day then starts exactly at `installed_at`);
    # otherwise `installed_at` is UTC midnight of the day and the day may start 14 hours either side.
    installed_day_zoned: bool = False
    publisher: str = ""
    package_id: str = ""
    installed_by: str = ""
    # Every field of the entry as recorded, sorted by field name: nothing the gatherer said is lost.
    raw: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Kept beside the fields (not compared, not shown): read by C-level getters (`ORDER_OF`, `WEIGHT_OF`,
        # `folded_names`), so sorting, weighing or cutting an item of 2,000 entries calls no Python per entry.
        object.__setattr__(self, "_order", (self.kind.value, self.name.casefold(), self.version, self.arch))
        object.__setattr__(self, "_weight", 860 + len(self.name) + sum(len(k) + len(v) for k, v in self.raw))

    def __hash__(self) -> int:
        # Computed once: entries are set members and dict keys on every item of a history, and most are
        # shared objects seen again and again.
        cached: int | None = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(
                (self.kind, self.name, self.version, self.arch, self.installed_at, self.installed_date_only,
                 self.installed_day, self.installed_day_zoned, self.publisher, self.package_id,
                 self.installed_by, self.raw)
            )
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict[str, Any]:
        # String hashes differ between processes: a pickled entry must not carry this one's.
        return {key: value for key, value in self.__dict__.items() if key != "_hash"}

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

    # Built on first use and kept: a timeline compares these for every package of every item, while an
    # item only passing through into spans never needs them.
    _groups: dict[tuple[InventoryKind, str], tuple[PackageEntry, ...]] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )
    _states: dict[tuple[InventoryKind, str], str] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def by_package(self) -> Mapping[tuple[InventoryKind, str], tuple[PackageEntry, ...]]:
        """Installed entries grouped per package (kind, casefolded name)."""
        if self._groups is None:
            groups: dict[tuple[InventoryKind, str], list[PackageEntry]] = {}
            for entry in self.packages:
                groups.setdefault(entry.package_key, []).append(entry)
            object.__setattr__(self, "_groups", {key: _one_report(entries) for key, entries in groups.items()})
        assert self._groups is not None
        return self._groups

    def package_states(self) -> Mapping[tuple[InventoryKind, str], str]:
        """Per package, a signature of its installed (version, architecture) pairs: equal means unchanged."""
        if self._states is None:
            # A string per package rather than a set of pairs: equal strings mean the same installed
            # (version, architecture) pairs, and strings cost the garbage collector nothing to track.
            object.__setattr__(
                self,
                "_states",
                {
                    key: "\x00".join(sorted({f"{entry.version}\x01{entry.arch}" for entry in entries}))
                    for key, entries in self.by_package().items()
                },
            )
        assert self._states is not None
        return self._states

    def versions_of(self, name: str) -> tuple[PackageEntry, ...]:
        """Every installed entry of the package called `name` (any case, any inventory kind)."""
        wanted = name.casefold()
        return tuple(entry for entry in self.packages if entry.name.casefold() == wanted)

    def approx_bytes(self) -> int:
        """About how much memory this snapshot holds (~860 B per entry plus its strings), for caches
        bounded by bytes: a server with 2,000 packages is close to two megabytes, one with 20 a few kilobytes.
        An entry shared with other snapshots is counted in each, so the estimate stays an upper bound."""
        return 2048 + sum(map(WEIGHT_OF, self.packages))

    def names(self) -> tuple[str, ...]:
        """Distinct package names as recorded, sorted case-insensitively."""
        seen: dict[str, str] = {}
        for entry in self.packages:
            seen.setdefault(entry.name.casefold(), entry.name)
        return tuple(sorted(seen.values(), key=str.casefold))


# An entry's order in a snapshot (inventory type, casefolded name, version, architecture) and its weight
# in a cache bounded by bytes (860 B plus its strings): computed when it is made.
ORDER_OF: Callable[[PackageEntry], tuple[str, str, str, str]] = attrgetter("_order")
WEIGHT_OF: Callable[[PackageEntry], int] = attrgetter("_weight")
_FOLDED_IN_ORDER = itemgetter(1)


def folded_names(entries: Iterable[PackageEntry]) -> Iterator[str]:
    """Each entry's casefolded name, in order, with no Python called per entry."""
    return map(_FOLDED_IN_ORDER, map(ORDER_OF, entries))


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
_DAY = timedelta(days=1)
# Zones run from UTC-12 to UTC+14. A local midnight at 10:00 to 12:00 UTC fits two of them; the one people
# live and run servers in is taken: Hawaii (UTC-10), New Zealand's summer and Tonga (UTC+13), New
# Zealand's winter and Fiji (UTC+12), rather than Kiribati's Line Islands, Niue or no one.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
_PREFERRED_OFFSETS = {
    timedelta(hours=10): timedelta(hours=-10),
    timedelta(hours=11): timedelta(hours=13),
    timedelta(hours=12): timedelta(hours=12),
}


@dataclass(frozen=True)
class InstalledTime:
    """What an InstalledTime says: a moment, or a calendar day (with where it starts in UTC, if known)."""

    at: datetime
    date_only: bool = False
    day: date | None = None
    zoned: bool = False


def _midnight_offset(moment: datetime) -> timedelta | None:
    """The UTC offset at which this UTC moment is local midnight, if it is a whole quarter hour."""
    into_day = timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)
    if moment.second or moment.microsecond or moment.minute % 15:
        return None
    if not into_day:
        return timedelta(0)
    if into_day in _PREFERRED_OFFSETS:
        return _PREFERRED_OFFSETS[into_day]
    for offset in (-into_day, _DAY - into_day):
        if _EARLIEST_OFFSET <= offset <= _LATEST_OFFSET:
            return offset
    return None


def _written_zone(text: str) -> timedelta | None:
    """The UTC offset a time text names (`Z`, `+09:00`); None when it names none."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dateutil_parser.parse(text, default=_DEFAULT_A)
        except (ValueError, OverflowError):
            return None
    return parsed.utcoffset()


def read_installed_time(text: str, *, has_release: bool, windows: bool) -> InstalledTime | None:
    """An InstalledTime as what it means; None when unreadable.

    rpm records moments (an rpm entry has a Release). Windows records install *dates*: the registry's
    InstallDate, a hotfix's InstalledOn. The agent writes them as the day (`20161011`, `…12:00:00 AM`),
    or as the server's local midnight converted to UTC (`2022-03-29T15:00:00Z` for 30 March on a UTC+9
    server). The second form tells the server's offset on that day, so the day it names is known: the
    UTC offset that makes the time a local midnight.
    """
    try:
        moment = parse_time(text)
    except ValueError:
        return None  # an unreadable InstalledTime only costs the exact time; the window remains
    named = _written_zone(text)
    if not _TIME_OF_DAY.search(text) or (named is None and not has_release and _is_midnight(moment)):
        return InstalledTime(moment, date_only=True, day=moment.date())
    if has_release or named is None:
        return InstalledTime(moment)
    if named:
        # The writer kept the server's own offset (`2022-03-30T00:00:00+09:00`).
        local = moment + named
        if windows and _is_midnight(local):
            return InstalledTime(moment, date_only=True, day=local.date(), zoned=True)
        return InstalledTime(moment)
    offset = _midnight_offset(moment) if windows else (timedelta(0) if _is_midnight(moment) else None)
    if offset is None:
        return InstalledTime(moment)
    day = (moment + offset).date()
    return InstalledTime(moment, date_only=True, day=day, zoned=windows)


def _is_midnight(moment: datetime) -> bool:
    return moment.hour == moment.minute == moment.second == moment.microsecond == 0


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
def _installed(text: str, has_release: bool, windows: bool) -> InstalledTime | None:
    # Cached: the same values recur in every item.
    return read_installed_time(text, has_release=has_release, windows=windows)


def _entry(
    kind: InventoryKind, fields: Mapping[str, Any], fallback_name: str = "", *, windows: bool = False
) -> PackageEntry | None:
    items = tuple(fields.items())
    try:
        hash(items)
    except TypeError:  # a value that is a list or an object: not shared, read as it is
        return _new_entry(kind, fields, fallback_name, windows)
    return _shared_entry(kind, fallback_name, items, windows)


@lru_cache(maxsize=32768)
def _shared_entry(
    kind: InventoryKind, fallback_name: str, items: tuple[tuple[str, str], ...], windows: bool
) -> PackageEntry | None:
    # Most packages are unchanged from one item to the next: identical entries share one object, which
    # keeps a cached history of many items about as small as one item, and parses it faster.
    return _new_entry(kind, dict(items), fallback_name, windows)


def _new_entry(
    kind: InventoryKind, fields: Mapping[str, Any], fallback_name: str, windows: bool
) -> PackageEntry | None:
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
    # Hotfixes are dated on every platform that has them; applications on Windows.
    dated = windows or kind is InventoryKind.WINDOWS_UPDATE
    installed = _installed(installed_text, bool(texts.get("Release")), dated) if installed_text else None
    return PackageEntry(
        kind=kind,
        name=name,
        version=_display_version(kind, texts),
        arch=texts.get("Architecture", "").strip(),
        installed_at=installed.at if installed else None,
        installed_date_only=installed.date_only if installed else False,
        installed_day=installed.day if installed else None,
        installed_day_zoned=installed.zoned if installed else False,
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


def parse_inventory_entries(
    type_name: str, entries: Sequence[Mapping[str, str]], *, windows: bool = False
) -> tuple[PackageEntry, ...]:
    """Rows of SSM ListInventoryEntries (the node's current inventory) as package entries (`windows`: the
    node runs Windows, whose install times are dates).

    Raises ValueError for an inventory type that does not describe software (e.g. `AWS:Network`).
    """
    try:
        kind = InventoryKind(type_name)
    except ValueError:
        raise ValueError(
            f"{type_name!r} is not a software inventory type (expected one of {', '.join(InventoryKind)})"
        ) from None
    parsed = (_entry(kind, row, windows=windows) for row in entries)
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


def is_windows(platform: PlatformInfo) -> bool:
    return platform.type.casefold() == "windows" or "windows" in platform.name.casefold()


@dataclass(frozen=True)
class ItemHeader:
    """Everything a configuration item says except its package entries; `configuration` holds those still unread."""

    node_id: str
    captured_at: datetime
    state_id: str
    status: str
    platform: PlatformInfo | None
    unmanaged: bool
    account_id: str
    region: str
    packages_known: bool
    configuration: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def windows(self) -> bool:
        """The node runs Windows, whose install times are dates."""
        return self.platform is not None and is_windows(self.platform)


def read_item_header(item: Mapping[str, Any]) -> ItemHeader:
    """The item's node, capture, state and platform; its configuration decoded but its entries not yet read.

    Raises MalformedItem naming what is wrong: no resourceId, an unreadable capture time, configuration
    that is not JSON, an item of another resource type.
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

    # Config's files have been seen spelling it `configurationStateID`.
    state = _first(item, "configurationStateId", "configurationStateID")
    # Without a state id the capture time (ms, as Config itself numbers states) still orders and dedupes.
    state_id = _text(state) if state not in (None, "") else str(int(captured_at.timestamp() * 1000))

    configuration = _configuration(item, node_id)
    supplementary = item.get("supplementaryConfiguration")
    unmanaged = isinstance(supplementary, Mapping) and (
        _supplementary_value(supplementary.get("InstanceStatus")).casefold() == "unmanaged"
    )
    return ItemHeader(
        node_id=node_id,
        captured_at=captured_at,
        state_id=state_id,
        status=_text(item.get("configurationItemStatus")) or "OK",
        platform=_platform(configuration.get(INSTANCE_INFORMATION), node_id),
        unmanaged=unmanaged,
        account_id=_text(_first(item, "accountId", "awsAccountId")),
        region=_text(item.get("awsRegion")),
        packages_known=isinstance(configuration.get(InventoryKind.APPLICATION.value), Mapping),
        configuration=configuration,
    )


def raw_entries(header: ItemHeader) -> Iterator[tuple[InventoryKind, str, Mapping[str, Any]]]:
    """Every software entry of the item as recorded: (kind, its key in the map shape of Content or "", fields).

    Raises MalformedItem for a section or an entry of the wrong shape.
    """
    for kind in InventoryKind:
        section = header.configuration.get(kind.value)
        if section is None:
            continue
        if not isinstance(section, Mapping):
            raise MalformedItem(f"{kind.value} of the item for {header.node_id} is not an object")
        for map_key, raw in _content_entries(kind.value, section.get("Content")):
            # `type(raw) is dict` first: JSON gives dicts, and an ABC check per entry is slow.
            if type(raw) is not dict and not isinstance(raw, Mapping):
                raise MalformedItem(
                    f"an entry of {kind.value}.Content is a {type(raw).__name__}, expected an object"
                )
            yield kind, map_key, raw


def package_entry(
    kind: InventoryKind, fields: Mapping[str, Any], fallback_name: str = "", *, windows: bool = False
) -> PackageEntry | None:
    """One recorded entry as a PackageEntry; None when it names no package (counted as skipped)."""
    return _entry(kind, fields, fallback_name, windows=windows)


def parse_configuration_item(item: Mapping[str, Any]) -> InventorySnapshot:
    """A `ManagedInstanceInventory` configuration item, API form or notification form, as a snapshot.

    Raises MalformedItem naming what is wrong: no resourceId, an unreadable capture time, configuration
    that is not JSON, an item of another resource type, Content of the wrong shape.
    """
    header = read_item_header(item)
    windows = header.windows
    packages: list[PackageEntry] = []
    skipped = 0
    for kind, map_key, raw in raw_entries(header):
        entry = _entry(kind, raw, fallback_name=map_key, windows=windows)
        if entry is None:
            skipped += 1
        else:
            packages.append(entry)
    return InventorySnapshot(
        node_id=header.node_id,
        captured_at=header.captured_at,
        state_id=header.state_id,
        status=header.status,
        packages=tuple(sorted(packages, key=_sort_key)),
        platform=header.platform,
        unmanaged=header.unmanaged,
        account_id=header.account_id,
        region=header.region,
        packages_known=header.packages_known,
        skipped_entries=skipped,
    )
