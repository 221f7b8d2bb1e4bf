"""Package timelines: what changed, when (honestly), and what was installed at a given moment."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.config_items import InventoryKind, InventorySnapshot, parse_configuration_item
from bot.core.timeline import (
    ChangeKind,
    LifeEvent,
    LifeEventKind,
    PackageTimeline,
    build_timeline,
    close_names,
    diff_snapshots,
    state_at,
)
from bot.core.versions import VersionScheme
from bot.sim.fleet import Fleet, SimNode

NODE = "i-0123456789abcdef0"
T0 = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
K = ChangeKind

Entry = dict[str, str]


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def rpm(
    name: str, version: str, release: str = "1.amzn2", *, epoch: str = "", arch: str = "x86_64", **more: str
) -> Entry:
    entry = {"Name": name, "Version": version, "Release": release, "Architecture": arch, **more}
    if epoch:
        entry["Epoch"] = epoch
    return entry


def deb(name: str, version: str, arch: str = "x86_64") -> Entry:
    return {"Name": name, "Version": version, "Architecture": arch, "Publisher": "Ubuntu Developers"}


def app(name: str, version: str, **more: str) -> Entry:
    return {"Name": name, "Version": version, "Architecture": "x86_64", **more}


PLATFORMS = {
    "al2": ("Amazon Linux", "Linux"),
    "ubuntu": ("Ubuntu", "Linux"),
    "windows": ("Microsoft Windows Server 2019 Datacenter", "Windows"),
}


@dataclass(frozen=True)
class Capture:
    """One configuration item: its capture time and recorded inventory (None leaves a section out)."""

    at: datetime
    applications: list[Entry] | None
    hotfixes: list[Entry] | None = None
    components: list[Entry] | None = None
    supplementary: dict[str, str] = field(default_factory=dict)
    status: str = "OK"


def item(capture: Capture, platform: str = "al2", shape: str = "list") -> dict[str, Any]:
    """A configuration item in the API form, as GetResourceConfigHistory returns it."""
    name, platform_type = PLATFORMS[platform]
    info = {
        "InstanceId": NODE,
        "PlatformName": name,
        "PlatformType": platform_type,
        "AgentVersion": "3.3.40.0",
    }
    config: dict[str, Any] = {"AWS:InstanceInformation": {"SchemaVersion": "1.0", "Content": {NODE: info}}}
    for type_name, entries, key in (
        ("AWS:Application", capture.applications, "Name"),
        ("AWS:WindowsUpdate", capture.hotfixes, "HotFixId"),
        ("AWS:AWSComponent", capture.components, "Name"),
    ):
        if entries is None:
            continue
        content: Any = list(entries)
        if shape == "map":
            content = {}
            for entry in entries:
                previous = content.get(entry[key])
                if previous is None:
                    content[entry[key]] = entry
                elif isinstance(previous, list):
                    previous.append(entry)
                else:
                    content[entry[key]] = [previous, entry]  # several versions: a list under one name
        config[type_name] = {"SchemaVersion": "1.0", "Content": content}
    return {
        "configurationItemCaptureTime": capture.at,
        "configurationItemStatus": capture.status,
        "configurationStateId": str(int(capture.at.timestamp() * 1000)),
        "resourceType": "AWS::SSM::ManagedInstanceInventory",
        "resourceId": NODE,
        "accountId": "123456789012",
        "awsRegion": "us-east-1",
        "configuration": json.dumps(config),
        "supplementaryConfiguration": capture.supplementary,
    }


def snapshots(*captures: Capture, platform: str = "al2", shape: str = "list") -> list[InventorySnapshot]:
    return [parse_configuration_item(item(c, platform, shape)) for c in captures]


def history(*applications: list[Entry] | None, platform: str = "al2") -> list[InventorySnapshot]:
    """One capture a day, starting at T0."""
    return snapshots(*(Capture(day(i), apps) for i, apps in enumerate(applications)), platform=platform)


def kinds(timeline: PackageTimeline) -> list[tuple[ChangeKind, tuple[str, ...], tuple[str, ...]]]:
    return [(c.kind, c.old, c.new) for c in timeline.changes]


# --- what kind of change ----------------------------------------------------------------------------------

CURL_1 = rpm("curl", "7.61.1", "12.amzn2.0.1")
CURL_2 = rpm("curl", "7.61.1", "12.amzn2.0.2")
BASH = rpm("bash", "4.2.46", "34.amzn2")
K1 = rpm("kernel", "5.10.219", "208.866.amzn2")
K2 = rpm("kernel", "5.10.220", "209.867.amzn2")
K3 = rpm("kernel", "5.10.223", "211.872.amzn2")
K1_V, K2_V, K3_V = "5.10.219-208.866.amzn2", "5.10.220-209.867.amzn2", "5.10.223-211.872.amzn2"
GLIBC_64 = rpm("glibc", "2.26", "64.amzn2", arch="x86_64")
GLIBC_32 = rpm("glibc", "2.26", "64.amzn2", arch="i686")
GLIBC_64_NEW = rpm("glibc", "2.26", "65.amzn2", arch="x86_64")
GLIBC_32_NEW = rpm("glibc", "2.26", "65.amzn2", arch="i686")

CHANGE_ROWS = [
    pytest.param(
        "al2",
        [[CURL_1], [CURL_2]],
        "curl",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("7.61.1-12.amzn2.0.1",)),
            (K.UPGRADED, ("7.61.1-12.amzn2.0.1",), ("7.61.1-12.amzn2.0.2",)),
        ],
        id="rpm release upgrade",
    ),
    pytest.param(
        "al2",
        [[CURL_2], [CURL_1]],
        "curl",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("7.61.1-12.amzn2.0.2",)),
            (K.DOWNGRADED, ("7.61.1-12.amzn2.0.2",), ("7.61.1-12.amzn2.0.1",)),
        ],
        id="rpm release downgrade",
    ),
    pytest.param(
        "al2",
        [[rpm("tool", "2.0", "1")], [rpm("tool", "1.0", "1", epoch="1")]],
        "tool",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("2.0-1",)), (K.UPGRADED, ("2.0-1",), ("1:1.0-1",))],
        id="rpm epoch beats version",
    ),
    pytest.param(
        "al2",
        [[rpm("tool", "1.0", "1")], [rpm("tool", "1.0~rc1", "1")]],
        "tool",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("1.0-1",)), (K.DOWNGRADED, ("1.0-1",), ("1.0~rc1-1",))],
        id="rpm tilde sorts before",
    ),
    pytest.param(
        "ubuntu",
        [[deb("tool", "3.0-1")], [deb("tool", "1:2.0-1")]],
        "tool",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("3.0-1",)), (K.UPGRADED, ("3.0-1",), ("1:2.0-1",))],
        id="dpkg epoch beats version",
    ),
    pytest.param(
        "ubuntu",
        [[deb("tool", "1.0-1")], [deb("tool", "1.0~rc1-1")]],
        "tool",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("1.0-1",)), (K.DOWNGRADED, ("1.0-1",), ("1.0~rc1-1",))],
        id="dpkg tilde sorts before",
    ),
    pytest.param(
        "windows",
        [[app("Windows Thing", "10.0.9600.1")], [app("Windows Thing", "10.0.19041.1")]],
        "windows thing",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("10.0.9600.1",)),
            (K.UPGRADED, ("10.0.9600.1",), ("10.0.19041.1",)),
        ],
        id="windows dotted numeric",
    ),
    pytest.param(
        "al2",
        [[K1], [K1, K2], [K2]],
        "kernel",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), (K1_V,)),
            (K.ADDED_BESIDE, (K1_V,), (K1_V, K2_V)),
            (K.EXTRA_REMOVED, (K1_V, K2_V), (K2_V,)),
        ],
        id="kernel installed beside then old one removed",
    ),
    pytest.param(
        "al2",
        [[K1, K2], [K3]],
        "kernel",
        [(K.PRESENT_AT_FIRST_RECORD, (), (K1_V, K2_V)), (K.UPGRADED, (K1_V, K2_V), (K3_V,))],
        id="two kernels replaced by one",
    ),
    pytest.param(
        "al2",
        [[BASH, CURL_1], [BASH], [BASH, CURL_1], [BASH], [BASH, CURL_2]],
        "curl",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("7.61.1-12.amzn2.0.1",)),
            (K.REMOVED, ("7.61.1-12.amzn2.0.1",), ()),
            (K.REINSTALLED, (), ("7.61.1-12.amzn2.0.1",)),
            (K.REMOVED, ("7.61.1-12.amzn2.0.1",), ()),
            (K.REINSTALLED, (), ("7.61.1-12.amzn2.0.2",)),
        ],
        id="removed then reinstalled",
    ),
    pytest.param(
        "al2",
        [[BASH], [BASH, CURL_1]],
        "curl",
        [(K.INSTALLED, (), ("7.61.1-12.amzn2.0.1",))],
        id="absent from the first item then installed",
    ),
    pytest.param(
        "al2",
        [
            [
                rpm(
                    "curl",
                    "7.61.1",
                    "1",
                    InstalledTime="2024-06-01T00:00:00Z",
                    PackageId="a.src.rpm",
                    Summary="x",
                )
            ],
            [
                rpm(
                    "curl",
                    "7.61.1",
                    "1",
                    InstalledTime="2024-07-01T00:00:00Z",
                    PackageId="b.src.rpm",
                    URL="u",
                )
            ],
        ],
        "curl",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("7.61.1-1",))],
        id="only InstalledTime PackageId Summary URL changed",
    ),
    pytest.param(
        "al2",
        [[GLIBC_64, GLIBC_32], [GLIBC_64_NEW, GLIBC_32_NEW]],
        "glibc",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("2.26-64.amzn2",)),
            (K.UPGRADED, ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
        ],
        id="same version on two arches is one version",
    ),
    pytest.param(
        "al2",
        [[GLIBC_64], [GLIBC_64, GLIBC_32]],
        "glibc",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("2.26-64.amzn2",)),
            # Another architecture is a package of its own (glibc.i686): installed, not "beside".
            (K.INSTALLED, (), ("2.26-64.amzn2",)),
        ],
        id="another arch of the same version added",
    ),
    pytest.param(
        "windows",
        [[app("Agent", "1.0", Architecture="i386")], [app("Agent", "1.0")]],
        "agent",
        [(K.PRESENT_AT_FIRST_RECORD, (), ("1.0",)), (K.REPLACED, ("1.0",), ("1.0",))],
        id="same version another arch replaces it",
    ),
    pytest.param(
        "al2",
        [None, [BASH], [BASH, CURL_1]],
        "*",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("4.2.46-34.amzn2",)),
            (K.INSTALLED, (), ("7.61.1-12.amzn2.0.1",)),
        ],
        id="first item without applications is unknown not empty",
    ),
    pytest.param(
        "al2",
        [[BASH, CURL_1], None, [BASH, CURL_2]],
        "curl",
        [
            (K.PRESENT_AT_FIRST_RECORD, (), ("7.61.1-12.amzn2.0.1",)),
            (K.UPGRADED, ("7.61.1-12.amzn2.0.1",), ("7.61.1-12.amzn2.0.2",)),
        ],
        id="item without applications in the middle removes nothing",
    ),
]


@pytest.mark.parametrize(("platform", "steps", "pattern", "expected"), CHANGE_ROWS)
def test_change_kinds(
    platform: str,
    steps: list[list[Entry] | None],
    pattern: str,
    expected: list[tuple[ChangeKind, tuple[str, ...], tuple[str, ...]]],
) -> None:
    assert kinds(build_timeline(history(*steps, platform=platform), pattern)) == expected


GLIBC_32_OLD_64_NEW = [GLIBC_64_NEW, GLIBC_32]
MULTILIB_ROWS = {
    "both architectures upgraded alike are one change naming both": (
        [[GLIBC_64, GLIBC_32], [GLIBC_64_NEW, GLIBC_32_NEW]],
        [
            (K.PRESENT_AT_FIRST_RECORD, ("i686", "x86_64"), (), ("2.26-64.amzn2",)),
            (K.UPGRADED, ("i686", "x86_64"), ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
        ],
    ),
    "one architecture upgraded, the other kept: no removal": (
        [[GLIBC_64, GLIBC_32], GLIBC_32_OLD_64_NEW],
        [
            (K.PRESENT_AT_FIRST_RECORD, ("i686", "x86_64"), (), ("2.26-64.amzn2",)),
            (K.UPGRADED, ("x86_64",), ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
        ],
    ),
    "one architecture upgraded, the other removed": (
        [[GLIBC_64, GLIBC_32], [GLIBC_64_NEW]],
        [
            (K.PRESENT_AT_FIRST_RECORD, ("i686", "x86_64"), (), ("2.26-64.amzn2",)),
            (K.REMOVED, ("i686",), ("2.26-64.amzn2",), ()),
            (K.UPGRADED, ("x86_64",), ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
        ],
    ),
    "the second architecture installed later, removed, reinstalled": (
        [[GLIBC_64], [GLIBC_64, GLIBC_32], [GLIBC_64], [GLIBC_64, GLIBC_32_NEW]],
        [
            (K.PRESENT_AT_FIRST_RECORD, ("x86_64",), (), ("2.26-64.amzn2",)),
            (K.INSTALLED, ("i686",), (), ("2.26-64.amzn2",)),
            (K.REMOVED, ("i686",), ("2.26-64.amzn2",), ()),
            (K.REINSTALLED, ("i686",), (), ("2.26-65.amzn2",)),
        ],
    ),
    "the lagging architecture catches up": (
        [[GLIBC_64, GLIBC_32], GLIBC_32_OLD_64_NEW, [GLIBC_64_NEW, GLIBC_32_NEW]],
        [
            (K.PRESENT_AT_FIRST_RECORD, ("i686", "x86_64"), (), ("2.26-64.amzn2",)),
            (K.UPGRADED, ("x86_64",), ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
            (K.UPGRADED, ("i686",), ("2.26-64.amzn2",), ("2.26-65.amzn2",)),
        ],
    ),
}


@pytest.mark.parametrize(("steps", "expected"), MULTILIB_ROWS.values(), ids=MULTILIB_ROWS.keys())
def test_multilib_architectures_change_each_on_their_own(
    steps: list[list[Entry]], expected: list[tuple[ChangeKind, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
) -> None:
    timeline = build_timeline(history(*steps), "glibc")
    assert [(c.kind, c.arches, c.old, c.new) for c in timeline.changes] == expected
    assert timeline.matched_names == ("glibc",)


def test_a_package_never_on_two_architectures_at_once_is_not_split() -> None:
    timeline = build_timeline(history([K1, K2], [K2, K3]), "kernel")
    assert {c.arches for c in timeline.changes} == {()}


def test_both_content_shapes_give_the_same_timeline() -> None:
    captures = [Capture(day(0), [BASH, K1]), Capture(day(1), [BASH, K1, K2]), Capture(day(2), [K2])]
    as_list = build_timeline(snapshots(*captures, shape="list"), "*")
    as_map = build_timeline(snapshots(*captures, shape="map"), "*")
    assert as_list == as_map
    assert [(c.package, c.kind) for c in as_list.changes] == [
        ("bash", K.PRESENT_AT_FIRST_RECORD),
        ("kernel", K.PRESENT_AT_FIRST_RECORD),
        ("kernel", K.ADDED_BESIDE),
        ("bash", K.REMOVED),
        ("kernel", K.EXTRA_REMOVED),
    ]


def test_hotfixes_installed_and_removed() -> None:
    kb1 = {"HotFixId": "KB5001", "InstalledTime": "Monday, July 1, 2024 12:00:00 AM"}
    kb2 = {"HotFixID": "KB5002", "InstalledTime": "7/2/2024"}
    timeline = build_timeline(
        snapshots(
            Capture(day(0), [], hotfixes=[kb1]),
            Capture(day(1), [], hotfixes=[kb1, kb2]),
            Capture(day(2), [], hotfixes=[kb2]),
            platform="windows",
        ),
        "kb50*",
    )
    assert timeline.matched_names == ("KB5001", "KB5002")
    assert [(c.package, c.kind, c.inventory) for c in timeline.changes] == [
        ("KB5001", K.PRESENT_AT_FIRST_RECORD, InventoryKind.WINDOWS_UPDATE),
        ("KB5002", K.INSTALLED, InventoryKind.WINDOWS_UPDATE),
        ("KB5001", K.REMOVED, InventoryKind.WINDOWS_UPDATE),
    ]
    installed = timeline.changes[1]
    assert installed.window.exact == datetime(2024, 7, 2, tzinfo=UTC)
    assert installed.window.exact_is_date is True


def test_aws_component_upgrade() -> None:
    agent_old = {"Name": "AmazonCloudWatchAgent", "Version": "1.200442.0", "Architecture": "x86_64"}
    agent_new = {**agent_old, "Version": "1.300032.0"}
    timeline = build_timeline(
        snapshots(
            Capture(day(0), [BASH], components=[agent_old]), Capture(day(1), [BASH], components=[agent_new])
        ),
        "amazoncloudwatchagent",
    )
    assert kinds(timeline)[1] == (K.UPGRADED, ("1.200442.0",), ("1.300032.0",))
    assert timeline.changes[1].inventory is InventoryKind.AWS_COMPONENT


def test_a_package_reported_as_application_and_as_aws_component_is_one_package() -> None:
    component = {"Name": "amazon-ssm-agent", "Version": "3.3.40.0", "Architecture": "x86_64"}
    newer_component = {**component, "Version": "3.3.50.0"}
    rpm_agent = rpm("amazon-ssm-agent", "3.3.40", "1.amzn2", InstalledTime=iso(day(-3)))
    rpm_newer = rpm("amazon-ssm-agent", "3.3.50", "1.amzn2", InstalledTime=iso(day(0.5)))
    found = snapshots(
        Capture(day(0), [rpm_agent], components=[component]),
        Capture(day(1), [rpm_newer], components=[newer_component]),
    )
    timeline = build_timeline(found, "amazon-ssm-agent")
    assert timeline.matched_names == ("amazon-ssm-agent",)
    # One change per upgrade, told by the application's report (rpm release, install time).
    assert kinds(timeline) == [
        (K.PRESENT_AT_FIRST_RECORD, (), ("3.3.40-1.amzn2",)),
        (K.UPGRADED, ("3.3.40-1.amzn2",), ("3.3.50-1.amzn2",)),
    ]
    assert {c.inventory for c in timeline.changes} == {InventoryKind.APPLICATION}
    assert timeline.changes[1].window.exact == day(0.5)
    assert [e.kind for e in timeline.current] == [InventoryKind.APPLICATION]
    assert set(state_at(found, "amazon-ssm-agent", day(1))) == {"amazon-ssm-agent"}
    # The alerts' diff of two items says the same once.
    assert [(c.package, c.kind) for c in diff_snapshots(found[0], found[1], VersionScheme.RPM)] == [
        ("amazon-ssm-agent", K.UPGRADED)
    ]


def test_an_aws_component_no_application_reports_is_still_a_package() -> None:
    agent = {"Name": "AmazonCloudWatchAgent", "Version": "1.300032.0", "Architecture": "x86_64"}
    timeline = build_timeline(
        snapshots(Capture(day(0), [BASH]), Capture(day(1), [BASH], components=[agent])), "amazon*"
    )
    assert [(c.package, c.kind, c.inventory) for c in timeline.changes] == [
        ("AmazonCloudWatchAgent", K.INSTALLED, InventoryKind.AWS_COMPONENT)
    ]


# --- when -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowRow:
    old: list[Entry]
    new: list[Entry]
    exact: datetime | None
    note: str | None  # a phrase the note must contain
    exact_is_date: bool = False
    platform: str = "al2"


WINDOW_ROWS = {
    "installed time inside the window is exact": WindowRow(
        [CURL_1], [{**CURL_2, "InstalledTime": iso(day(0.5))}], day(0.5), None
    ),
    "installed time equal to the capture is exact": WindowRow(
        [CURL_1], [{**CURL_2, "InstalledTime": iso(day(1))}], day(1), None
    ),
    "installed time equal to the previous capture is exact": WindowRow(
        [CURL_1], [{**CURL_2, "InstalledTime": iso(day(0))}], day(0), None
    ),
    "installed time after the capture is not used": WindowRow(
        [CURL_1], [{**CURL_2, "InstalledTime": iso(day(1.2))}], None, "later than the capture"
    ),
    "installed time before the previous capture is not used": WindowRow(
        [CURL_1], [{**CURL_2, "InstalledTime": iso(day(-30))}], None, "kept an older timestamp"
    ),
    "dpkg has no installed time: window only": WindowRow(
        [deb("tool", "1.0-1")], [deb("tool", "1.1-1")], None, None, platform="ubuntu"
    ),
    "removal has no installed time": WindowRow([{**CURL_1, "InstalledTime": iso(day(0.5))}], [], None, None),
    "windows date on the day of the previous capture counts": WindowRow(
        [app("Tool", "1.0")],
        [app("Tool", "1.1", InstalledTime="Monday, July 1, 2024 12:00:00 AM")],
        datetime(2024, 7, 1, tzinfo=UTC),
        None,
        exact_is_date=True,
        platform="windows",
    ),
    # The node's local date can run ahead of UTC (Windows writes local dates): July 3 there while the
    # capture at 12:00 UTC on July 2 is already 02:00 on July 3 in UTC+14.
    "windows local date ahead of UTC still counts": WindowRow(
        [app("Tool", "1.0")],
        [app("Tool", "1.1", InstalledTime="7/3/2024")],
        datetime(2024, 7, 3, tzinfo=UTC),
        None,
        exact_is_date=True,
        platform="windows",
    ),
    "windows date days after the capture is not used": WindowRow(
        [app("Tool", "1.0")],
        [app("Tool", "1.1", InstalledTime="7/5/2024")],
        None,
        "later than the capture",
        platform="windows",
    ),
    "windows date days before the previous capture is not used": WindowRow(
        [app("Tool", "1.0")],
        [app("Tool", "1.1", InstalledTime="20240620")],
        None,
        "earlier than the capture",
        platform="windows",
    ),
}


@pytest.mark.parametrize("row", WINDOW_ROWS.values(), ids=WINDOW_ROWS.keys())
def test_change_window_and_exact_time(row: WindowRow) -> None:
    timeline = build_timeline(history([*row.old, BASH], [*row.new, BASH], platform=row.platform), "*")
    (change,) = [c for c in timeline.changes if c.kind is not K.PRESENT_AT_FIRST_RECORD]
    assert (change.window.after, change.window.before) == (day(0), day(1))
    assert change.window.exact == row.exact
    assert change.window.exact_is_date is row.exact_is_date
    if row.note is None:
        assert change.window.exact_note is None
    else:
        assert change.window.exact_note is not None and row.note in change.window.exact_note


@pytest.mark.parametrize(
    ("installed", "day", "exact", "span"),
    [
        # A UTC+9 server: its local midnight of 2 July is 15:00 UTC on 1 July.
        ("2024-07-01T15:00:00Z", date(2024, 7, 2), True, (day(1) - timedelta(hours=21), day(1))),
        # Local midnight in UTC before the previous capture, but the day it names reaches into the window.
        ("2024-06-30T15:00:00Z", date(2024, 7, 1), True, (day(0), day(0.125))),
        # 30 June (UTC+9) ended at 15:00 UTC on 30 June, before the capture that still showed 1.0.
        ("2024-06-29T15:00:00Z", None, False, (day(0), day(1))),
        # 3 July (UTC+9) began at 15:00 UTC on 2 July, after the capture that already showed 1.1.
        ("2024-07-02T15:00:00Z", None, False, (day(0), day(1))),
    ],
)
def test_windows_dates_are_the_servers_days_and_are_checked_as_days(
    installed: str, day: date | None, exact: bool, span: tuple[datetime, datetime]
) -> None:
    timeline = build_timeline(
        history([app("Tool", "1.0")], [app("Tool", "1.1", InstalledTime=installed)], platform="windows"), "tool"
    )
    change = timeline.changes[-1]
    assert change.window.exact_day == day
    assert (change.window.exact is not None) is exact
    assert change.window.exact_is_date is exact
    assert change.window.span() == span


def test_first_record_has_no_start_and_takes_a_consistent_installed_time() -> None:
    installed = iso(day(-40))
    timeline = build_timeline(history([{**CURL_1, "InstalledTime": installed}]), "curl")
    (change,) = timeline.changes
    assert change.kind is K.PRESENT_AT_FIRST_RECORD
    assert change.window.after is None
    assert change.window.before == day(0)
    assert change.window.exact == day(-40)


def test_window_spans_items_without_package_data() -> None:
    timeline = build_timeline(history([CURL_1], None, None, [CURL_2]), "curl")
    upgrade = timeline.changes[-1]
    assert (upgrade.window.after, upgrade.window.before) == (day(0), day(3))
    assert timeline.unknown_items == 2
    assert timeline.item_count == 4


def test_package_history_starts_at_the_first_item_with_package_data() -> None:
    found = history(None, [CURL_1])
    timeline = build_timeline(found, "curl")
    assert (timeline.first_capture, timeline.first_known_capture) == (day(0), day(1))
    assert state_at(found, "curl", day(0.5))["curl"].before_history is True


# --- deleted servers and new lives ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded"])
def test_a_history_that_ends_in_a_deletion_says_so_and_claims_nothing_after_it(status: str) -> None:
    found = snapshots(
        Capture(day(0), [BASH, CURL_1]), Capture(day(1), [BASH, CURL_2]), Capture(day(5), None, status=status)
    )
    timeline = build_timeline(found, "curl")
    assert timeline.deleted == LifeEvent(LifeEventKind.DELETED, day(5), status, last_capture=day(1))
    assert [c.kind for c in timeline.changes] == [K.PRESENT_AT_FIRST_RECORD, K.UPGRADED]  # no "removed"
    assert timeline.current == ()
    before = state_at(found, "curl", day(3))["curl"]
    assert before.versions is not None and [e.version for e in before.versions] == ["7.61.1-12.amzn2.0.2"]
    after = state_at(found, "curl", day(6))["curl"]
    assert (after.versions, after.deleted) == ((), timeline.deleted)


def test_a_deletion_item_that_still_carries_packages_says_nothing_of_them() -> None:
    found = snapshots(Capture(day(0), [BASH, CURL_1]), Capture(day(2), [BASH], status="ResourceDeleted"))
    timeline = build_timeline(found, "curl")
    assert [c.kind for c in timeline.changes] == [K.PRESENT_AT_FIRST_RECORD]
    assert timeline.deleted is not None


def test_rediscovered_after_a_deletion_is_a_new_life() -> None:
    found = snapshots(
        Capture(day(0), [BASH, CURL_1]),
        Capture(day(2), None, status="ResourceDeleted"),
        Capture(day(10), None, status="ResourceDiscovered"),
        Capture(day(11), [BASH, CURL_2]),
        Capture(day(12), [BASH]),
    )
    timeline = build_timeline(found, "curl")
    assert [(e.kind, e.at) for e in timeline.events] == [
        (LifeEventKind.DELETED, day(2)),
        (LifeEventKind.REDISCOVERED, day(10)),
    ]
    assert timeline.deleted is None
    # The new life starts from nothing: curl 2 is there at its first record, not an upgrade across the gap.
    assert [(c.kind, c.window.after, c.window.before) for c in timeline.changes] == [
        (K.PRESENT_AT_FIRST_RECORD, None, day(0)),
        (K.PRESENT_AT_FIRST_RECORD, None, day(11)),
        (K.REMOVED, day(11), day(12)),
    ]
    gone = state_at(found, "curl", day(5))["curl"]
    assert gone.versions == () and gone.deleted is not None
    unknown = state_at(found, "curl", day(10.5))["curl"]
    assert unknown.versions is None and unknown.before_history and unknown.life_began == day(10)
    back = state_at(found, "curl", day(11))["curl"]
    assert back.versions is not None and [e.version for e in back.versions] == ["7.61.1-12.amzn2.0.2"]
    assert back.life_began == day(10)


def test_a_first_resource_discovered_item_is_no_event() -> None:
    found = snapshots(Capture(day(0), None, status="ResourceDiscovered"), Capture(day(1), [BASH]))
    assert build_timeline(found, "bash").events == ()


# --- the whole timeline -----------------------------------------------------------------------------------


def test_order_and_duplicates_of_snapshots_do_not_matter() -> None:
    ordered = history([BASH, K1], [BASH, K1, K2], [BASH, K2], [K2])
    shuffled = [*ordered, *ordered[:2]]
    random.Random(7).shuffle(shuffled)
    assert build_timeline(shuffled, "*") == build_timeline(ordered, "*")


def test_timeline_summary_fields() -> None:
    found = snapshots(
        Capture(day(0), [BASH, K1]),
        Capture(day(1), [BASH, K1, K2]),
        Capture(day(2), [BASH, K2], supplementary={"InstanceStatus": '"Unmanaged"'}),
    )
    timeline = build_timeline(found, "KERNEL")
    assert timeline.node_id == NODE
    assert timeline.query == "KERNEL"
    assert timeline.matched_names == ("kernel",)
    assert (timeline.first_capture, timeline.last_capture, timeline.current_as_of) == (day(0), day(2), day(2))
    assert timeline.item_count == 3
    assert [e.version for e in timeline.current] == ["5.10.220-209.867.amzn2"]
    assert timeline.scheme is VersionScheme.RPM
    assert timeline.unmanaged_since == day(2)
    assert [c.state_id for c in timeline.changes] == [s.state_id for s in found]


@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        ("OpenSSL", ("openssl",)),  # exact, any case
        ("openssl*", ("openssl", "openssl-libs")),
        ("*SSL*", ("openssl", "openssl-libs", "python3-pyOpenSSL")),
        ("kernel?", ()),
        ("nginx", ()),
        ("Microsoft Visual C++ 2015 Redistributable", ("Microsoft Visual C++ 2015 Redistributable",)),
        ("  openssl  ", ("openssl",)),
    ],
)
def test_pattern_matching(pattern: str, names: tuple[str, ...]) -> None:
    found = history(
        [
            rpm("openssl", "1.0.2k", "24.amzn2"),
            rpm("openssl-libs", "1.0.2k", "24.amzn2"),
            rpm("python3-pyOpenSSL", "19.0.0", "1.amzn2"),
            K1,
            app("Microsoft Visual C++ 2015 Redistributable", "14.0.24215"),
        ]
    )
    assert build_timeline(found, pattern).matched_names == names


def test_no_snapshots_or_several_nodes_are_refused() -> None:
    with pytest.raises(ValueError, match="no inventory snapshots"):
        build_timeline([], "curl")
    other = parse_configuration_item({**item(Capture(day(1), [BASH])), "resourceId": "mi-0123456789abcdef0"})
    with pytest.raises(ValueError, match="several nodes"):
        build_timeline([*history([BASH]), other], "bash")


def test_history_from_the_simulated_fleet() -> None:
    """A node's life through the simulator's Config recorder: only content changes make items."""
    for shape in ("list", "map"):
        fleet = Fleet()
        node = fleet.add(
            SimNode(
                node_id=NODE,
                computer_name="web-1",
                platform_type="Linux",
                platform_name="Amazon Linux",
                platform_version="2",
                agent_version="3.3.40.0",
                ip_address="10.0.0.12",
                registered_at=day(-1),
                content_shape="list" if shape == "list" else "map",
            )
        )
        node.install({**K1, "InstalledTime": iso(day(-1))})
        node.install(BASH)
        fleet.capture(NODE, day(0))
        fleet.capture(NODE, day(0.5))  # nothing changed: Config records nothing
        node.install({**K2, "InstalledTime": iso(day(0.7))})
        fleet.capture(NODE, day(1))
        node.remove("kernel", K1["Version"])
        node.replace({**BASH, "Release": "35.amzn2"})
        fleet.capture(NODE, day(2))
        found = [parse_configuration_item(i) for i in node.items]
        timeline = build_timeline(found, "kernel")
        assert timeline.item_count == 3
        assert [(c.kind, c.window.after, c.window.before, c.window.exact) for c in timeline.changes] == [
            (K.PRESENT_AT_FIRST_RECORD, None, day(0), day(-1)),
            (K.ADDED_BESIDE, day(0), day(1), day(0.7)),
            (K.EXTRA_REMOVED, day(1), day(2), None),
        ]
        assert [(c.package, c.kind) for c in diff_snapshots(found[1], found[2], timeline.scheme)] == [
            ("bash", K.UPGRADED),
            ("kernel", K.EXTRA_REMOVED),
        ]


# --- diffs of consecutive items ---------------------------------------------------------------------------


def test_noise_is_not_news() -> None:
    before, after = snapshots(
        Capture(
            day(0), [{**CURL_1, "InstalledTime": iso(day(-3)), "PackageId": "curl-a.src.rpm", "Summary": "a"}]
        ),
        Capture(
            day(1), [{**CURL_1, "InstalledTime": iso(day(1)), "PackageId": "curl-b.src.rpm", "URL": "b"}]
        ),
    )
    # Instance information changes too: another agent version and address.
    after_changed_info = parse_configuration_item(
        {
            **item(Capture(day(1), [{**CURL_1, "Summary": "c"}])),
            "configuration": json.dumps(
                {
                    "AWS:InstanceInformation": {
                        "Content": {NODE: {"AgentVersion": "9.9", "IpAddress": "10.9.9.9"}}
                    },
                    "AWS:Network": {"Content": [{"Name": "eth1", "IPV4": "10.9.9.9"}]},
                    "AWS:Application": {"Content": [{**CURL_1, "Summary": "c"}]},
                }
            ),
        }
    )
    assert diff_snapshots(before, after, VersionScheme.RPM) == ()
    assert diff_snapshots(before, after_changed_info, VersionScheme.RPM) == ()


def test_diff_reports_every_package_sorted_by_name() -> None:
    before, after = history([BASH, CURL_1, K1], [CURL_2, K1, K2, rpm("zsh", "5.8", "1")])
    changes = diff_snapshots(before, after, VersionScheme.RPM)
    assert [(c.package, c.kind) for c in changes] == [
        ("bash", K.REMOVED),
        ("curl", K.UPGRADED),
        ("kernel", K.ADDED_BESIDE),
        ("zsh", K.INSTALLED),
    ]
    assert {c.state_id for c in changes} == {after.state_id}
    assert {c.node_id for c in changes} == {NODE}
    beside = changes[2]
    assert [e.version for e in beside.added] == ["5.10.220-209.867.amzn2"]
    assert beside.removed == ()


def test_diff_from_nothing_or_from_unknown_is_the_first_record() -> None:
    unknown, known = history(None, [BASH, CURL_1])
    for previous in (None, unknown):
        changes = diff_snapshots(previous, known, VersionScheme.RPM)
        assert [(c.package, c.kind, c.window.after) for c in changes] == [
            ("bash", K.PRESENT_AT_FIRST_RECORD, None),
            ("curl", K.PRESENT_AT_FIRST_RECORD, None),
        ]


def test_diff_of_items_of_two_nodes_is_refused() -> None:
    (mine,) = history([BASH])
    other = parse_configuration_item({**item(Capture(day(1), [BASH])), "resourceId": "mi-0123456789abcdef0"})
    with pytest.raises(ValueError, match="two nodes"):
        diff_snapshots(mine, other, VersionScheme.RPM)


def test_diff_to_an_item_without_package_data_is_empty() -> None:
    known, unknown = history([BASH, CURL_1], None)
    assert diff_snapshots(known, unknown, VersionScheme.RPM) == ()


# --- at a moment ------------------------------------------------------------------------------------------

AT_HISTORY = [[BASH, CURL_1], [BASH, CURL_1], [BASH, CURL_2], [BASH]]


@pytest.mark.parametrize(
    ("at", "versions", "changing", "before_history", "after_last"),
    [
        (day(-1), None, None, True, False),
        (day(0), ("7.61.1-12.amzn2.0.1",), None, False, False),
        (day(1.5), None, K.UPGRADED, False, False),  # between the capture before and after the upgrade
        (day(2), ("7.61.1-12.amzn2.0.2",), None, False, False),  # the capture that first shows it
        (day(2.5), None, K.REMOVED, False, False),
        (day(3), (), None, False, False),
        (day(10), (), None, False, True),
    ],
)
def test_state_at(
    at: datetime,
    versions: tuple[str, ...] | None,
    changing: ChangeKind | None,
    before_history: bool,
    after_last: bool,
) -> None:
    found = history(*AT_HISTORY)
    # Config records an item only on change; drop the repeated one so day 1 has no item at all.
    found = [found[0], *found[2:]]
    point = state_at(found, "curl", at)["curl"]
    assert point.at == at
    assert (None if point.versions is None else tuple(e.version for e in point.versions)) == versions
    assert (point.changing.kind if point.changing else None) == changing
    assert point.before_history is before_history
    assert point.after_last_capture is after_last


def test_state_at_inside_a_window_gives_both_states() -> None:
    found = history([CURL_1], [CURL_2])
    point = state_at(found, "curl", day(0.5))["curl"]
    assert point.versions is None
    assert point.changing is not None
    assert (point.changing.old, point.changing.new) == (("7.61.1-12.amzn2.0.1",), ("7.61.1-12.amzn2.0.2",))
    assert (point.changing.window.after, point.changing.window.before) == (day(0), day(1))


SETTLE_ROWS = {
    # curl 2 installed at day 0.75 (rpm: a moment), recorded between day 0 and day 1.
    "before the install time: the old version": (
        [[CURL_1], [{**CURL_2, "InstalledTime": iso(day(0.75))}]], "al2", "curl", day(0.5), ("7.61.1-12.amzn2.0.1",)
    ),
    "at the install time: the new version": (
        [[CURL_1], [{**CURL_2, "InstalledTime": iso(day(0.75))}]], "al2", "curl", day(0.75), ("7.61.1-12.amzn2.0.2",)
    ),
    "an install time that contradicts the window settles nothing": (
        [[CURL_1], [{**CURL_2, "InstalledTime": iso(day(-5))}]], "al2", "curl", day(0.5), None
    ),
    "a removal has no install time": ([[BASH, CURL_1], [BASH]], "al2", "curl", day(0.5), None),
    # A UTC+9 Windows server's 2 July is 15:00 on 1 July to 15:00 on 2 July in UTC (T0 = 1 July 12:00).
    "before the server's install day: the old version": (
        [[app("Tool", "1.0")], [app("Tool", "1.1", InstalledTime="2024-07-01T15:00:00Z")]],
        "windows",
        "tool",
        day(0.1),
        ("1.0",),
    ),
    "inside the server's install day: either": (
        [[app("Tool", "1.0")], [app("Tool", "1.1", InstalledTime="2024-07-01T15:00:00Z")]],
        "windows",
        "tool",
        day(0.5),
        None,
    ),
    "one multilib architecture settled, the other upgraded the same moment": (
        [
            [GLIBC_64, GLIBC_32],
            [{**GLIBC_64_NEW, "InstalledTime": iso(day(0.25))}, {**GLIBC_32_NEW, "InstalledTime": iso(day(0.25))}],
        ],
        "al2",
        "glibc",
        day(0.5),
        ("2.26-65.amzn2", "2.26-65.amzn2"),
    ),
    "an architecture upgraded alone: the other stays as it was": (
        [[GLIBC_64, GLIBC_32], [{**GLIBC_64_NEW, "InstalledTime": iso(day(0.25))}, GLIBC_32]],
        "al2",
        "glibc",
        day(0.5),
        ("2.26-64.amzn2", "2.26-65.amzn2"),
    ),
}


@pytest.mark.parametrize(
    ("steps", "platform", "package", "at", "versions"), SETTLE_ROWS.values(), ids=SETTLE_ROWS.keys()
)
def test_state_inside_a_window_is_settled_by_the_install_time_when_it_can_be(
    steps: list[list[Entry]], platform: str, package: str, at: datetime, versions: tuple[str, ...] | None
) -> None:
    (point,) = state_at(history(*steps, platform=platform), package, at).values()
    if versions is None:
        assert point.versions is None
        assert point.changing is not None
    else:
        assert point.versions is not None
        assert tuple(sorted(e.version for e in point.versions)) == versions
        assert point.changing is None and point.settled


def test_state_at_answers_from_the_capture_before_and_accepts_naive_times() -> None:
    found = history([BASH, CURL_1], [BASH, CURL_1, K1])
    points = state_at(found, "*", datetime(2024, 7, 3, 12, 0))
    assert sorted(points) == ["bash", "curl", "kernel"]
    assert points["kernel"].as_of == day(1)
    assert points["kernel"].at.tzinfo is not None
    assert points["kernel"].versions is not None and len(points["kernel"].versions) == 1


def test_state_at_with_a_package_not_installed_yet() -> None:
    found = history([BASH], [BASH, CURL_1])
    points = state_at(found, "curl", day(0))
    assert set(points) == {"curl"}
    assert points["curl"].versions == ()
    assert points["curl"].as_of == day(0)
    assert state_at(found, "nginx", day(0)) == {}


# --- suggestions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("opensl", ["openssl", "openssl-libs"]),
        ("openssl-lib", ["openssl-libs", "openssl"]),
        ("kernl", ["kernel"]),
        ("OPENSSL", ["openssl", "openssl-libs", "python3-pyOpenSSL"]),
        ("kb500", ["KB5001"]),
        ("opnssl*", ["openssl", "openssl-libs"]),
        ("zzzzzz", []),
    ],
)
def test_close_names(wanted: str, expected: list[str]) -> None:
    names = ["openssl", "openssl-libs", "python3-pyOpenSSL", "kernel", "kernel-tools", "KB5001", "bash"]
    assert close_names(names, wanted) == expected


def test_close_names_reads_snapshots_and_honours_the_limit() -> None:
    found = history([rpm(f"lib{n}", "1.0") for n in "abcdefgh"])
    assert close_names(found, "lib", limit=3) == ["liba", "libb", "libc"]
    assert close_names(found, "lib", limit=0) == []
