"""Configuration items and inventory rows, in every form AWS writes them, parse to the same snapshots."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.core.config_items import (
    InventoryKind,
    InventorySnapshot,
    MalformedItem,
    PlatformInfo,
    parse_configuration_item,
    parse_inventory_entries,
    parse_time,
    read_installed_time,
)
from bot.sim.fleet import Fleet, SimNode

NODE = "i-0123456789abcdef0"
AT = datetime(2024, 7, 2, 9, 30, tzinfo=UTC)
INFO = {
    "AgentType": "amazon-ssm-agent",
    "AgentVersion": "3.3.40.0",
    "ComputerName": "ip-10-0-0-12.ec2.internal",
    "InstanceId": NODE,
    "IpAddress": "10.0.0.12",
    "PlatformName": "Amazon Linux",
    "PlatformType": "Linux",
    "PlatformVersion": "2",
    "ResourceType": "EC2Instance",
}
KERNEL_OLD = {
    "Name": "kernel",
    "Version": "5.10.219",
    "Release": "208.866.amzn2",
    "Architecture": "x86_64",
    "InstalledTime": "2024-06-20T10:00:00Z",
    "PackageId": "kernel-5.10.219-208.866.amzn2.src.rpm",
}
KERNEL_NEW = {
    **KERNEL_OLD,
    "Version": "5.10.220",
    "Release": "209.867.amzn2",
    "InstalledTime": "2024-07-01T10:00:00Z",
}
BASH = {"Name": "bash", "Version": "4.2.46", "Release": "34.amzn2", "Epoch": "0", "Architecture": "x86_64"}
DOCKER = {
    "Name": "docker",
    "Version": "25.0.3",
    "Release": "1.amzn2023.0.1",
    "Epoch": "1",
    "Architecture": "x86_64",
}


def configuration(
    applications: list[dict[str, str]] | None = None,
    *,
    hotfixes: list[dict[str, str]] | None = None,
    shape: str = "list",
) -> dict[str, Any]:
    """A `configuration` object as Config records it; `applications` None leaves AWS:Application out."""
    result: dict[str, Any] = {"AWS:InstanceInformation": {"SchemaVersion": "1.0", "Content": {NODE: INFO}}}
    for type_name, entries, key in (
        ("AWS:Application", applications, "Name"),
        ("AWS:WindowsUpdate", hotfixes, "HotFixId"),
    ):
        if entries is None:
            continue
        content: Any = list(entries)
        if shape == "map":
            content = {}
            for entry in entries:
                name = entry.get(key) or entry["HotFixID"]
                if name not in content:
                    content[name] = entry
                elif isinstance(content[name], list):
                    content[name].append(entry)
                else:
                    content[name] = [content[name], entry]  # several versions: a list under one name
        result[type_name] = {"SchemaVersion": "1.1", "Content": content}
    return result


def api_item(config: Any, *, at: datetime = AT, status: str = "OK", **extra: Any) -> dict[str, Any]:
    """The API form (GetResourceConfigHistory as boto3 returns it): configuration is a JSON string."""
    return {
        "version": "1.3",
        "accountId": "123456789012",
        "configurationItemCaptureTime": at,
        "configurationItemStatus": status,
        "configurationStateId": str(int(at.timestamp() * 1000)),
        "configurationItemMD5Hash": "",
        "arn": f"arn:aws:ssm:eu-west-1:123456789012:managed-instance-inventory/{NODE}",
        "resourceType": "AWS::SSM::ManagedInstanceInventory",
        "resourceId": NODE,
        "awsRegion": "eu-west-1",
        "availabilityZone": "Multiple Availability Zones",
        "tags": {},
        "relatedEvents": [],
        "relationships": [],
        "configuration": config if isinstance(config, str) else json.dumps(config),
        "supplementaryConfiguration": {},
        **extra,
    }


def notification_item(config: dict[str, Any], *, at: datetime = AT, **extra: Any) -> dict[str, Any]:
    """The notification form (SNS, EventBridge, S3): configuration an object, other key names."""
    return {
        "configurationItemVersion": "1.3",
        "awsAccountId": "123456789012",
        "configurationItemCaptureTime": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "configurationItemStatus": "OK",
        "configurationStateId": int(at.timestamp() * 1000),
        "configurationStateMd5Hash": "",
        "ARN": f"arn:aws:ssm:eu-west-1:123456789012:managed-instance-inventory/{NODE}",
        "resourceType": "AWS::SSM::ManagedInstanceInventory",
        "resourceId": NODE,
        "awsRegion": "eu-west-1",
        "availabilityZone": "Multiple Availability Zones",
        "tags": {},
        "relatedEvents": [],
        "relationships": [],
        "configuration": config,
        "supplementaryConfiguration": {},
        **extra,
    }


# --- times ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2024-07-01T16:47:09Z", datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        ("2016-02-17T01:36:34.043Z", datetime(2016, 2, 17, 1, 36, 34, 43000, tzinfo=UTC)),
        ("2024-07-01T18:47:09+02:00", datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        ("2024-07-01 16:47:09", datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),  # naive is UTC
        ("Wednesday, October 15, 2014 12:00:00 AM", datetime(2014, 10, 15, tzinfo=UTC)),
        ("Wednesday, October 15, 2014 3:04:05 PM", datetime(2014, 10, 15, 15, 4, 5, tzinfo=UTC)),
        ("20161011", datetime(2016, 10, 11, tzinfo=UTC)),
        ("10/15/2014", datetime(2014, 10, 15, tzinfo=UTC)),
        ("  2024-07-01T16:47:09Z ", datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        (1719852429, datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        (1719852429.5, datetime(2024, 7, 1, 16, 47, 9, 500000, tzinfo=UTC)),
        (1719852429000, datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),  # epoch milliseconds
        ("1719852429000", datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        (datetime(2024, 7, 1, 16, 47, 9), datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)),
        (
            datetime(2024, 7, 1, 18, 47, 9, tzinfo=timezone(timedelta(hours=2))),
            datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC),
        ),
    ],
)
def test_times_parse_leniently_to_utc(given: str | int | float | datetime, expected: datetime) -> None:
    parsed = parse_time(given)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("garbage", ["", "   ", "garbage", "Monday", "10:00", "not a date at all", True])
def test_garbage_times_raise(garbage: Any) -> None:
    with pytest.raises(ValueError):
        parse_time(garbage)


# (text, Release recorded, Windows node) -> (date only, the day it names, its start known exactly)
INSTALLED_TIME_ROWS = {
    "rpm moment": ("2024-07-01T16:47:09Z", True, False, (False, None, False)),
    "rpm moment at midnight is still a moment": ("2024-07-01T00:00:00Z", True, False, (False, None, False)),
    "windows date with no time": ("20220330", False, True, (True, date(2022, 3, 30), False)),
    "windows long form at local midnight": (
        "Wednesday, March 30, 2022 12:00:00 AM",
        False,
        True,
        (True, date(2022, 3, 30), False),
    ),
    # The agent's local midnight converted to UTC: a UTC+9 server's 30 March arrives on 29 March.
    "windows UTC+9 midnight in UTC": ("2022-03-29T15:00:00Z", False, True, (True, date(2022, 3, 30), True)),
    "windows UTC-5 midnight in UTC": ("2022-03-30T05:00:00Z", False, True, (True, date(2022, 3, 30), True)),
    "windows UTC+5:30 midnight in UTC": ("2022-03-29T18:30:00Z", False, True, (True, date(2022, 3, 30), True)),
    "windows UTC midnight": ("2022-03-30T00:00:00Z", False, True, (True, date(2022, 3, 30), True)),
    "windows UTC+13 (10:00 to 12:00 fit two zones)": (
        "2022-03-29T11:00:00Z",
        False,
        True,
        (True, date(2022, 3, 30), True),
    ),
    "windows UTC-10 (10:00 to 12:00 fit two zones)": (
        "2022-03-30T10:00:00Z",
        False,
        True,
        (True, date(2022, 3, 30), True),
    ),
    "windows offset kept": ("2022-03-30T00:00:00+09:00", False, True, (True, date(2022, 3, 30), True)),
    "windows real moment stays a moment": ("2022-03-29T15:17:42Z", False, True, (False, None, False)),
    "not windows: a UTC midnight without Release is a date": (
        "2022-03-30T00:00:00Z",
        False,
        False,
        (True, date(2022, 3, 30), False),
    ),
    "not windows: another time is a moment": ("2022-03-29T15:00:00Z", False, False, (False, None, False)),
}


@pytest.mark.parametrize(("text", "release", "windows", "expected"), INSTALLED_TIME_ROWS.values(), ids=INSTALLED_TIME_ROWS.keys())
def test_installed_times_are_moments_or_the_days_the_server_named(
    text: str, release: bool, windows: bool, expected: tuple[bool, date | None, bool]
) -> None:
    found = read_installed_time(text, has_release=release, windows=windows)
    assert found is not None
    assert (found.date_only, found.day, found.zoned) == expected
    if found.zoned:
        assert found.day is not None
        # The day starts at `at` in UTC: its local midnight.
        assert found.at == parse_time(text)


def test_hotfix_and_windows_application_dates_name_the_servers_day() -> None:
    info = {**INFO, "PlatformName": "Microsoft Windows Server 2022 Datacenter", "PlatformType": "Windows"}
    config = configuration(
        [{"Name": "7-Zip 23.01 (x64)", "Version": "23.01", "InstalledTime": "2022-03-29T15:00:00Z"}],
        hotfixes=[{"HotFixId": "KB5011497", "InstalledTime": "2022-03-29T15:00:00Z"}],
    )
    config["AWS:InstanceInformation"]["Content"][NODE] = info
    app, hotfix = sorted(parse_configuration_item(api_item(config)).packages, key=lambda e: e.kind.value)
    for entry in (app, hotfix):
        assert (entry.installed_date_only, entry.installed_day, entry.installed_day_zoned) == (
            True,
            date(2022, 3, 30),
            True,
        )


# --- forms and shapes -----------------------------------------------------------------------------------


def test_api_form_and_notification_form_give_the_same_snapshot() -> None:
    config = configuration([BASH, KERNEL_OLD, KERNEL_NEW])
    from_api = parse_configuration_item(api_item(config))
    from_notification = parse_configuration_item(notification_item(config))
    assert from_api == from_notification
    assert from_api.node_id == NODE
    assert from_api.captured_at == AT
    assert from_api.account_id == "123456789012"
    assert from_api.region == "eu-west-1"
    assert from_api.state_id == str(int(AT.timestamp() * 1000))


@pytest.mark.parametrize(
    ("applications", "hotfixes"),
    [
        ([BASH, KERNEL_OLD, KERNEL_NEW], None),  # map value becomes a list for the two kernels
        ([BASH], None),
        ([BASH], [{"HotFixId": "KB5001", "InstalledBy": "NT AUTHORITY\\SYSTEM"}, {"HotFixId": "KB5002"}]),
    ],
)
def test_list_and_map_content_give_identical_snapshots(
    applications: list[dict[str, str]], hotfixes: list[dict[str, str]] | None
) -> None:
    as_list = parse_configuration_item(api_item(configuration(applications, hotfixes=hotfixes, shape="list")))
    as_map = parse_configuration_item(api_item(configuration(applications, hotfixes=hotfixes, shape="map")))
    assert as_list == as_map
    assert len(as_list.packages) == len(applications) + len(hotfixes or ())


def test_the_simulated_fleet_items_parse_the_same_in_both_shapes() -> None:
    snapshots = []
    for shape in ("list", "map"):
        fleet = Fleet(region="eu-west-1")
        node = SimNode(
            node_id=NODE,
            computer_name="web-1",
            platform_type="Linux",
            platform_name="Amazon Linux",
            platform_version="2",
            agent_version="3.3.40.0",
            ip_address="10.0.0.12",
            registered_at=AT - timedelta(days=30),
            content_shape="list" if shape == "list" else "map",
        )
        fleet.add(node)
        for entry in (BASH, KERNEL_OLD, KERNEL_NEW):
            node.install(entry)
        item = fleet.capture(NODE, AT)
        assert item is not None
        snapshots.append(parse_configuration_item(item))
    assert snapshots[0] == snapshots[1]
    kernels = snapshots[0].versions_of("KERNEL")
    assert [k.version for k in kernels] == ["5.10.219-208.866.amzn2", "5.10.220-209.867.amzn2"]
    assert snapshots[0].status == "ResourceDiscovered"
    assert snapshots[0].platform == PlatformInfo(
        name="Amazon Linux",
        type="Linux",
        version="2",
        computer_name="web-1",
        agent_version="3.3.40.0",
        ip_address="10.0.0.12",
        resource_type="EC2Instance",
    )


# --- entries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "version"),
    [
        (BASH, "4.2.46-34.amzn2"),  # epoch 0 is not shown
        (DOCKER, "1:25.0.3-1.amzn2023.0.1"),
        ({"Name": "openssl", "Version": "3.0.2-0ubuntu1.15"}, "3.0.2-0ubuntu1.15"),  # dpkg: as given
        ({"Name": "vim", "Version": "2:8.2.3995-1ubuntu2.15"}, "2:8.2.3995-1ubuntu2.15"),
        ({"Name": "Amazon SSM Agent", "Version": "2.3.930.0"}, "2.3.930.0"),
    ],
)
def test_application_versions_in_display_form(row: dict[str, str], version: str) -> None:
    (entry,) = parse_configuration_item(api_item(configuration([row]))).packages
    assert entry.version == version
    assert entry.name == row["Name"]


def test_real_rpm_row_from_list_inventory_entries() -> None:
    # cloud-custodian's recorded AL2023 response (samples/ssm_ListInventoryEntries_AWSApplication_AL2023_placebo.json)
    row = {
        "ApplicationType": "Unspecified",
        "Architecture": "x86_64",
        "InstalledTime": "2024-07-01T16:47:09Z",
        "Name": "docker",
        "PackageId": "docker-25.0.3-1.amzn2023.0.1.src.rpm",
        "Publisher": "Amazon Linux",
        "Release": "1.amzn2023.0.1",
        "Summary": "Automates deployment of containerized applications",
        "URL": "http://www.docker.com",
        "Version": "25.0.3",
    }
    (entry,) = parse_inventory_entries("AWS:Application", [row])
    assert entry.kind is InventoryKind.APPLICATION
    assert entry.version == "25.0.3-1.amzn2023.0.1"
    assert entry.arch == "x86_64"
    assert entry.installed_at == datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)
    assert entry.package_id == "docker-25.0.3-1.amzn2023.0.1.src.rpm"
    assert entry.publisher == "Amazon Linux"
    assert entry.recorded("Summary") == "Automates deployment of containerized applications"
    assert dict(entry.raw) == row


def test_windows_rows_without_installed_time_keep_no_time() -> None:
    # SSM API reference sample: some Windows applications have no InstalledTime
    rows = [
        {
            "Architecture": "i386",
            "Name": "Amazon SSM Agent",
            "Version": "2.3.930.0",
            "Publisher": "Amazon Web Services",
        },
        {
            "Architecture": "x86_64",
            "InstalledTime": "2020-03-10T00:00:00Z",
            "Name": "PowerShell 7-x64",
            "Version": "7.0.0.0",
        },
    ]
    agent, powershell = parse_inventory_entries("AWS:Application", rows)
    assert (agent.name, agent.installed_at) == ("Amazon SSM Agent", None)
    assert powershell.installed_at == datetime(2020, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize("id_field", ["HotFixId", "HotFixID"])
def test_hotfixes_are_named_by_their_id_in_either_spelling(id_field: str) -> None:
    row = {
        id_field: "KB4012212",
        "Description": "Security Update",
        "InstalledTime": "Wednesday, October 15, 2014 12:00:00 AM",
        "InstalledBy": "NT AUTHORITY\\SYSTEM",
    }
    (entry,) = parse_configuration_item(api_item(configuration([], hotfixes=[row]))).packages
    assert entry.kind is InventoryKind.WINDOWS_UPDATE
    assert (entry.name, entry.version) == ("KB4012212", "")
    assert entry.installed_at == datetime(2014, 10, 15, tzinfo=UTC)
    assert entry.installed_by == "NT AUTHORITY\\SYSTEM"


def test_aws_components_are_packages_too() -> None:
    config = configuration([BASH])
    config["AWS:AWSComponent"] = {
        "SchemaVersion": "1.0",
        "Content": [{"Name": "amazon-ssm-agent", "Version": "3.3.40.0", "Architecture": "x86_64"}],
    }
    snapshot = parse_configuration_item(api_item(config))
    (component,) = [p for p in snapshot.packages if p.kind is InventoryKind.AWS_COMPONENT]
    assert (component.name, component.version) == ("amazon-ssm-agent", "3.3.40.0")


def test_network_and_instance_information_are_not_packages() -> None:
    config = configuration([BASH])
    config["AWS:Network"] = {"SchemaVersion": "1.0", "Content": [{"Name": "eth0", "IPV4": "10.0.0.12"}]}
    snapshot = parse_configuration_item(api_item(config))
    assert snapshot.names() == ("bash",)


def test_unreadable_installed_time_only_loses_the_time() -> None:
    row = {**BASH, "InstalledTime": "sometime last week"}
    (entry,) = parse_configuration_item(api_item(configuration([row]))).packages
    assert entry.installed_at is None
    assert entry.version == "4.2.46-34.amzn2"


def test_map_entries_without_a_name_take_the_map_key() -> None:
    config = configuration([])
    config["AWS:Application"]["Content"] = {"htop": {"Version": "2.2.0", "Architecture": "x86_64"}}
    (entry,) = parse_configuration_item(api_item(config)).packages
    assert (entry.name, entry.version) == ("htop", "2.2.0")


def test_nameless_list_entries_are_counted_not_invented() -> None:
    snapshot = parse_configuration_item(api_item(configuration([BASH, {"Version": "1.0"}])))
    assert snapshot.names() == ("bash",)
    assert snapshot.skipped_entries == 1


def test_lookups_ignore_case() -> None:
    snapshot = parse_configuration_item(api_item(configuration([BASH, KERNEL_OLD, KERNEL_NEW])))
    assert len(snapshot.versions_of("Kernel")) == 2
    assert snapshot.versions_of("nginx") == ()
    assert snapshot.names() == ("bash", "kernel")


# --- item states ----------------------------------------------------------------------------------------


def test_item_with_only_instance_information_has_unknown_packages() -> None:
    snapshot = parse_configuration_item(api_item(configuration(None), status="ResourceDiscovered"))
    assert snapshot.packages_known is False
    assert snapshot.packages == ()
    assert snapshot.platform is not None and snapshot.platform.name == "Amazon Linux"


def test_empty_application_section_means_nothing_installed() -> None:
    snapshot = parse_configuration_item(api_item(configuration([])))
    assert snapshot.packages_known is True
    assert snapshot.packages == ()


@pytest.mark.parametrize("config", [None, "", "null"])
def test_deleted_item_without_configuration_parses_as_unknown(config: str | None) -> None:
    item = api_item("{}", status="ResourceDeleted")
    item["configuration"] = config
    snapshot = parse_configuration_item(item)
    assert snapshot.status == "ResourceDeleted"
    assert snapshot.packages_known is False


@pytest.mark.parametrize(
    "supplementary",
    [
        {"InstanceStatus": '"Unmanaged"'},  # API form: each value JSON-encoded
        {"InstanceStatus": "Unmanaged"},  # notification form
    ],
)
def test_unmanaged_items_are_flagged(supplementary: dict[str, str]) -> None:
    item = api_item(configuration([BASH]), supplementaryConfiguration=supplementary)
    snapshot = parse_configuration_item(item)
    assert snapshot.unmanaged is True
    assert snapshot.names() == ("bash",)


def test_managed_items_are_not_flagged() -> None:
    assert parse_configuration_item(api_item(configuration([BASH]))).unmanaged is False


def test_missing_state_id_falls_back_to_capture_time() -> None:
    item = api_item(configuration([BASH]))
    del item["configurationStateId"]
    assert parse_configuration_item(item).state_id == str(int(AT.timestamp() * 1000))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"configuration": "{not json"}, "not valid JSON"),
        ({"configuration": "[1, 2]"}, "expected an object"),
        ({"resourceId": None}, "no resourceId"),
        ({"resourceId": ""}, "no resourceId"),
        ({"configurationItemCaptureTime": None}, "no configurationItemCaptureTime"),
        ({"configurationItemCaptureTime": "yesterday-ish"}, "unreadable capture time"),
        (
            {"resourceType": "AWS::EC2::Instance"},
            "AWS::EC2::Instance, not AWS::SSM::ManagedInstanceInventory",
        ),
        (
            {"configuration": json.dumps({"AWS:Application": {"Content": "bash,curl"}})},
            "AWS:Application.Content is a str",
        ),
        (
            {"configuration": json.dumps({"AWS:Application": {"Content": ["bash"]}})},
            "entry of AWS:Application",
        ),
        ({"configuration": json.dumps({"AWS:Application": "bash"})}, "AWS:Application of the item"),
    ],
)
def test_malformed_items_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    item = {**api_item(configuration([BASH])), **change}
    with pytest.raises(MalformedItem, match=message):
        parse_configuration_item(item)


def test_malformed_item_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_configuration_item(api_item("{not json"))


def test_list_inventory_entries_rejects_non_software_types() -> None:
    with pytest.raises(ValueError, match="AWS:Network"):
        parse_inventory_entries("AWS:Network", [{"Name": "eth0"}])


def test_snapshot_built_by_hand_indexes_packages() -> None:
    packages = parse_inventory_entries("AWS:Application", [BASH, KERNEL_OLD, KERNEL_NEW])
    snapshot = InventorySnapshot(node_id=NODE, captured_at=AT, state_id="1", status="OK", packages=packages)
    assert {key[1]: len(entries) for key, entries in snapshot.by_package().items()} == {
        "bash": 1,
        "kernel": 2,
    }
