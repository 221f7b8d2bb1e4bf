"""Config's S3 delivery of simulated fleets: keys, six-hour periods, gzip JSON in the notification form that
pkgwhen's parser reads, the bucket's other objects, both sinks, and the delivery notifications."""

from __future__ import annotations

import gzip
import json
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.notifications import Skip, SkipReason, parse_notification
from bot.core.config_items import parse_configuration_item
from bot.sim.config_bucket import (
    HISTORY_PERIOD,
    ConfigObject,
    bucket_objects,
    history_delivery_notifications,
    history_files,
    parse_history_key,
    put_config_bucket,
    upload_config_bucket,
    write_config_bucket,
)
from bot.sim.fleet import EC2_INSTANCE_RESOURCE_TYPE, INVENTORY_RESOURCE_TYPE, Fleet, SimNode
from bot.sim.notifications import eventbridge_body, parse_time, raw_body, sns_body
from bot.sim.organization import Organization
from tests.sim.conftest import moto_client

SAMPLES = Path("/work/shared/samples")
ACCOUNT, REGION = "210987654321", "eu-west-1"
# The documented layout, read literally (AWS-NOTES §8).
HISTORY_KEY = re.compile(
    r"AWSLogs/(\d{12})/Config/([a-z0-9-]+)/(\d{4})/([1-9]\d?)/([1-9]\d?)/ConfigHistory/"
    r"\1_Config_\2_ConfigHistory_(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)_(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)_([1-9]\d*)\.json\.gz"
)
API_ONLY_KEYS = {"accountId", "arn", "configurationItemMD5Hash", "version"}


@pytest.fixture(scope="session")
def delivered(default_organization: Organization) -> list[ConfigObject]:
    """The whole organization's delivery (home account included), computed once."""
    return bucket_objects(default_organization.fleets())


def history(objects: list[ConfigObject], resource_type: str | None = None) -> list[ConfigObject]:
    return [
        o for o in objects if o.kind == "history" and (resource_type is None or f"_{resource_type}_" in o.key)
    ]


def small_fleet() -> Fleet:
    """Two servers in one account and region: a March launch (single-digit month and day), a change, a deletion."""
    fleet = Fleet(ACCOUNT, REGION)
    at = datetime(2024, 3, 4, 9, 15, 30, 125000, tzinfo=UTC)
    for node_id, name in (("i-0aaaaaaaaaaaaaaa1", "one"), ("i-0aaaaaaaaaaaaaaa2", "two")):
        node = fleet.add(
            SimNode(
                node_id=node_id,
                computer_name=f"{name}.internal",
                platform_type="Linux",
                platform_name="Amazon Linux",
                platform_version="2023",
                agent_version="3.3.987.0",
                ip_address="10.0.0.1",
                registered_at=at,
                name_tag=name,
                tags={"env": "prod"},
            )
        )
        node.install({"Name": "openssl", "Version": "3.0.8", "Release": "1.amzn2023.0.14", "Epoch": "1"})
        fleet.capture(node_id, at + timedelta(minutes=2))
    fleet.node("i-0aaaaaaaaaaaaaaa1").replace(  # type: ignore[union-attr]
        {"Name": "openssl", "Version": "3.0.8", "Release": "1.amzn2023.0.16", "Epoch": "1"}
    )
    fleet.capture("i-0aaaaaaaaaaaaaaa1", at + timedelta(days=9, hours=3))
    from bot.sim.default_fleet import record_deleted

    record_deleted(fleet, "i-0aaaaaaaaaaaaaaa2", at + timedelta(days=9, hours=4))
    return fleet


# --- keys and periods ---------------------------------------------------------------------------------


def test_every_history_key_has_configs_layout_and_names_the_items_inside(
    delivered: list[ConfigObject],
) -> None:
    files = history(delivered)
    assert {f.key.split("_ConfigHistory_")[1].split("_")[0] for f in files} == {
        INVENTORY_RESOURCE_TYPE,
        EC2_INSTANCE_RESOURCE_TYPE,
    }
    for obj in files:
        match = HISTORY_KEY.fullmatch(obj.key)
        assert match, obj.key
        account, region, year, month, day, resource_type, start, end, _ = match.groups()
        items = obj.document()["configurationItems"]
        times = [parse_time(i["configurationItemCaptureTime"]) for i in items]
        assert {(i["awsAccountId"], i["awsRegion"], i["resourceType"]) for i in items} == {
            (account, region, resource_type)
        }
        assert start == min(times).strftime("%Y%m%dT%H%M%SZ")
        assert end == max(times).strftime("%Y%m%dT%H%M%SZ")
        first = min(times)
        assert (int(year), int(month), int(day)) == (first.year, first.month, first.day)
        assert parse_history_key(obj.key) is not None


def test_month_and_day_have_no_leading_zeros_and_one_item_gives_one_time_twice() -> None:
    keys = [o.key for o in history_files(small_fleet())]
    assert (
        f"AWSLogs/{ACCOUNT}/Config/{REGION}/2024/3/4/ConfigHistory/{ACCOUNT}_Config_{REGION}_ConfigHistory_"
        f"AWS::EC2::Instance_20240304T091530Z_20240304T091530Z_1.json.gz"
    ) in keys
    assert any("/2024/3/13/ConfigHistory/" in k for k in keys)


def test_each_item_is_delivered_once_in_the_six_hour_period_of_its_capture(
    default_organization: Organization, delivered: list[ConfigObject]
) -> None:
    in_files: Counter[tuple[str, str, int]] = Counter()
    periods: dict[tuple[str, str, str], set[str]] = {}
    for obj in history(delivered):
        parsed = parse_history_key(obj.key)
        assert parsed is not None
        assert parsed.end - parsed.start < HISTORY_PERIOD
        assert obj.delivered_at > parsed.end  # a file is written after the period it covers
        assert obj.delivered_at - parsed.end < HISTORY_PERIOD + timedelta(minutes=30)
        period = obj.delivered_at.isoformat()
        periods.setdefault((parsed.account_id, parsed.region, parsed.resource_type), set())
        assert period not in periods[(parsed.account_id, parsed.region, parsed.resource_type)]
        periods[(parsed.account_id, parsed.region, parsed.resource_type)].add(period)
        for item in obj.document()["configurationItems"]:
            in_files[(item["resourceId"], item["resourceType"], int(item["configurationStateId"]))] += 1
    recorded: Counter[tuple[str, str, int]] = Counter()
    for fleet in default_organization.fleets():
        for node in fleet.nodes():
            for item in [*node.items, *fleet.instance_items(node)]:
                recorded[(item["resourceId"], item["resourceType"], int(item["configurationStateId"]))] += 1
    assert in_files == recorded


def test_until_leaves_out_files_not_delivered_yet_and_a_long_period_can_be_split() -> None:
    fleet = small_fleet()
    files = history_files(fleet)
    cut = sorted(f.delivered_at for f in files)[1]
    assert [f.key for f in history_files(fleet, until=cut)] == [f.key for f in files if f.delivered_at <= cut]
    split = history_files(fleet, items_per_file=1)
    assert sum(len(f.document()["configurationItems"]) for f in split) == sum(
        len(f.document()["configurationItems"]) for f in files
    )
    # Two periods with two inventory items each: parts 1 and 2 of each, delivered together.
    parts: dict[datetime, list[int]] = {}
    for f in split:
        parsed = parse_history_key(f.key)
        assert parsed is not None
        if parsed.resource_type == INVENTORY_RESOURCE_TYPE:
            parts.setdefault(f.delivered_at, []).append(parsed.part)
    assert sorted(parts.values()) == [[1, 2], [1, 2]]


# --- what a file holds --------------------------------------------------------------------------------


def test_files_are_gzip_json_with_the_file_version_and_items_sorted_by_resource_then_time(
    delivered: list[ConfigObject],
) -> None:
    for obj in history(delivered):
        assert obj.body[:2] == b"\x1f\x8b"
        document = json.loads(gzip.decompress(obj.body))
        assert set(document) == {"fileVersion", "configurationItems"}
        assert document["fileVersion"] == "1.0"
        order = [
            (i["resourceId"], parse_time(i["configurationItemCaptureTime"]))
            for i in document["configurationItems"]
        ]
        assert order == sorted(order)


def test_items_are_in_the_notification_form_as_in_configs_own_file(delivered: list[ConfigObject]) -> None:
    sample = json.loads((SAMPLES / "config_history_file_SSM_PatchCompliance_opensearch.json").read_text())
    sample_keys = set().union(*(set(i) for i in sample["configurationItems"]))
    seen_deleted = False
    for obj in history(delivered):
        for item in obj.document()["configurationItems"]:
            assert not API_ONLY_KEYS & set(item), item.keys()
            assert None not in item.values()  # Config leaves null fields out of its files
            assert {"awsAccountId", "ARN", "configurationItemVersion", "configurationStateMd5Hash"} <= set(
                item
            )
            assert isinstance(item["configurationStateId"], int)
            assert all(set(r) >= {"name", "resourceId", "resourceType"} for r in item["relationships"])
            assert set(item) - {"ARN", "resourceCreationTime", "configuration"} <= sample_keys
            if item["configurationItemStatus"].startswith("ResourceDeleted"):
                seen_deleted = True
                assert "configuration" not in item
            else:
                assert isinstance(item["configuration"], dict)
    assert seen_deleted


def test_pkgwhen_reads_every_inventory_item_in_the_files_as_it_reads_the_api(
    default_organization: Organization, delivered: list[ConfigObject]
) -> None:
    api_items = {
        (item["resourceId"], str(item["configurationStateId"])): item
        for fleet in default_organization.fleets()
        for node in fleet.nodes()
        for item in node.items
    }
    read = 0
    for obj in history(delivered, INVENTORY_RESOURCE_TYPE):
        for item in obj.document()["configurationItems"]:
            snapshot = parse_configuration_item(item)
            assert snapshot == parse_configuration_item(api_items[(snapshot.node_id, snapshot.state_id)])
            read += 1
    assert read == len(api_items)


def test_instance_items_carry_the_ec2_tags_as_recorded(delivered: list[ConfigObject]) -> None:
    tagged = [
        item
        for obj in history(delivered, EC2_INSTANCE_RESOURCE_TYPE)
        for item in obj.document()["configurationItems"]
        if item.get("tags", {}).get("env") == "prod"
    ]
    assert tagged
    for item in tagged:
        assert {"key": "env", "value": "prod"} in item["configuration"]["tags"]
        assert "team" in item["tags"]


def test_the_bucket_also_holds_snapshots_and_one_empty_writability_check_per_account(
    default_organization: Organization, delivered: list[ConfigObject]
) -> None:
    checks = [o for o in delivered if o.kind == "check"]
    accounts = default_organization.accounts()
    assert sorted(o.key for o in checks) == sorted(
        {f"AWSLogs/{a}/Config/ConfigWritabilityCheckFile" for a in accounts}
    )
    assert all(o.body == b"" for o in checks)
    snapshots = [o for o in delivered if o.kind == "snapshot"]
    assert len(snapshots) == len(default_organization.fleets())
    for obj in snapshots:
        assert re.fullmatch(
            r"AWSLogs/\d{12}/Config/[a-z0-9-]+/\d{4}/[1-9]\d?/[1-9]\d?/ConfigSnapshot/"
            r"\d{12}_Config_[a-z0-9-]+_ConfigSnapshot_\d{8}T\d{6}Z_[0-9a-f-]{36}\.json\.gz",
            obj.key,
        )
        document = obj.document()
        assert set(document) == {"fileVersion", "configSnapshotId", "configurationItems"}
        assert parse_history_key(obj.key) is None
        assert not any(
            i["configurationItemStatus"].startswith("ResourceDeleted") for i in document["configurationItems"]
        )


def test_the_same_fleet_gives_the_same_bytes(default_organization: Organization) -> None:
    member = default_organization.members[0]
    assert bucket_objects([member]) == bucket_objects([member.copy()])


def test_a_region_without_a_recorder_delivers_nothing() -> None:
    fleet = small_fleet()
    fleet.has_recorder = False
    assert bucket_objects([fleet]) == []


# --- sinks ----------------------------------------------------------------------------------------------


def test_a_directory_laid_out_like_the_bucket_uploads_to_s3_byte_for_byte(tmp_path: Path) -> None:
    written = write_config_bucket([small_fleet()], tmp_path, prefix="o-abc123")
    assert written and all(o.key.startswith("o-abc123/AWSLogs/") for o in written)
    for obj in written:
        assert tmp_path.joinpath(*obj.key.split("/")).read_bytes() == obj.body
    s3 = moto_client("s3")
    uploaded, direct = f"config-{uuid.uuid4().hex[:10]}", f"config-{uuid.uuid4().hex[:10]}"
    for bucket in (uploaded, direct):
        s3.create_bucket(Bucket=bucket)
    keys = upload_config_bucket(s3, uploaded, tmp_path)
    assert keys == sorted(o.key for o in written)
    assert put_config_bucket(s3, direct, written) == [o.key for o in written]
    for bucket in (uploaded, direct):
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="o-abc123/AWSLogs/")["Contents"]]
        assert sorted(listed) == keys
        for obj in written:
            assert s3.get_object(Bucket=bucket, Key=obj.key)["Body"].read() == obj.body


# --- delivery notifications -------------------------------------------------------------------------------


def test_one_delivery_notification_per_history_file_shaped_like_awss_example() -> None:
    objects = bucket_objects([small_fleet()])
    messages = history_delivery_notifications("central-config", [o.key for o in objects])
    files = [o for o in objects if o.kind == "history"]
    assert [m["s3ObjectKey"] for m in messages] == [o.key for o in files]
    example = json.loads((SAMPLES / "config_sns_ConfigurationHistoryDeliveryCompleted.json").read_text())
    for message, obj in zip(messages, files, strict=True):
        assert set(message) == set(example["Message"])
        assert message["messageType"] == "ConfigurationHistoryDeliveryCompleted"
        assert message["s3Bucket"] == "central-config"
        assert parse_time(message["notificationCreationTime"]) == obj.delivered_at


@pytest.mark.parametrize("form", ["sns", "raw", "eventbridge"])
def test_pkgwhen_acknowledges_delivery_notifications_in_every_form(form: str) -> None:
    key = history_files(small_fleet())[0].key
    message = history_delivery_notifications("central-config", [key])[0]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:config-topic"
    body: dict[str, Any] | str
    if form == "sns":
        body = sns_body(message, topic, message_id="m-1")
        subject = json.loads(body)["Subject"]
        assert (
            subject == f"[AWS Config:{REGION}] Configuration History Delivery Completed for Account {ACCOUNT}"
        )
    elif form == "raw":
        body = raw_body(message)
    else:
        body = eventbridge_body(message, event_id="e-1")
        event = json.loads(body)
        assert (event["account"], event["region"]) == (ACCOUNT, REGION)
    parsed = parse_notification(body)
    assert isinstance(parsed, Skip)
    assert parsed.reason is SkipReason.OTHER_MESSAGE_TYPE
    assert parsed.message_type == "ConfigurationHistoryDeliveryCompleted"
