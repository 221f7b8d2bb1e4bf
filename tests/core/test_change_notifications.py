"""Every form a queue receives reads into the same change; other Config messages are skips; anything else an error."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.notifications import (
    ConfigChange,
    Delivery,
    NotAConfigMessage,
    Skip,
    SkipReason,
    notification_from_s3_object,
    parse_notification,
    split_location,
)
from bot.core.config_items import parse_configuration_item
from bot.sim import default_fleet as df
from bot.sim.notifications import (
    change_notification,
    eventbridge_body,
    oversized,
    oversized_failed,
    oversized_key,
    raw_body,
    sns_body,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
TOPIC = "arn:aws:sns:us-east-1:123456789012:config-topic"


@pytest.fixture(scope="module")
def notification() -> dict[str, Any]:
    fleet = df.build_default_fleet(NOW)
    node = fleet.node(df.AL2_WEB)
    assert node is not None
    return change_notification(node.items[-1], node.items[-2], created=NOW)


def _bodies(notification: dict[str, Any]) -> dict[str, str]:
    big, _ = oversized(notification, bucket="config-bucket", key=oversized_key(notification))
    return {
        "sns": sns_body(notification, TOPIC, message_id="m-1"),
        "raw": raw_body(notification),
        "eventbridge": eventbridge_body(notification, event_id="e-1"),
        "oversized-sns": sns_body(big, TOPIC, message_id="m-2"),
        "oversized-raw": raw_body(big),
        "oversized-failed": raw_body(oversized_failed(notification)),
    }


@pytest.mark.parametrize(
    ("form", "delivery", "has_item", "has_location"),
    [
        ("sns", Delivery.SNS, True, False),
        ("raw", Delivery.RAW, True, False),
        ("eventbridge", Delivery.EVENTBRIDGE, True, False),
        ("oversized-sns", Delivery.SNS, False, True),
        ("oversized-raw", Delivery.RAW, False, True),
        ("oversized-failed", Delivery.RAW, False, False),
    ],
)
def test_every_delivery_form_names_the_same_item(
    notification: dict[str, Any], form: str, delivery: Delivery, has_item: bool, has_location: bool
) -> None:
    change = parse_notification(_bodies(notification)[form])
    assert isinstance(change, ConfigChange)
    item = notification["configurationItem"]
    assert change.key == (item["resourceId"], str(item["configurationStateId"]))
    assert change.delivery is delivery
    assert change.account_id == "123456789012" and change.region == "us-east-1"
    assert (change.item is not None) is has_item
    assert (change.s3_location is not None) is has_location
    if change.item is not None:
        # The notification-form item parses to the same snapshot as the API form of the same item.
        assert parse_configuration_item(change.item).packages


def test_the_oversized_object_holds_the_full_item(notification: dict[str, Any]) -> None:
    key = oversized_key(notification)
    summary, data = oversized(notification, bucket="config-bucket", key=key)
    change = parse_notification(raw_body(summary))
    assert isinstance(change, ConfigChange) and change.s3_location is not None
    assert split_location(change.s3_location) == ("config-bucket", key)
    item = notification_from_s3_object(data)
    assert parse_configuration_item(item).state_id == change.state_id
    assert notification_from_s3_object(gzip.decompress(data))["resourceId"] == change.node_id


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("config_sns_ComplianceChangeNotification.json", SkipReason.OTHER_MESSAGE_TYPE),
        ("config_sns_ConfigRulesEvaluationStarted.json", SkipReason.OTHER_MESSAGE_TYPE),
        ("config_sns_ConfigurationHistoryDeliveryCompleted.json", SkipReason.OTHER_MESSAGE_TYPE),
        ("config_sns_ConfigurationSnapshotDeliveryStarted.json", SkipReason.OTHER_MESSAGE_TYPE),
        ("config_sns_ConfigurationSnapshotDeliveryCompleted.json", SkipReason.OTHER_MESSAGE_TYPE),
        ("config_sns_ConfigurationItemChangeNotification_EBSVolume_attach.json", SkipReason.OTHER_RESOURCE_TYPE),
        ("config_sns_OversizedConfigurationItemChangeNotification_summary.json", SkipReason.OTHER_RESOURCE_TYPE),
        ("config_eventbridge_ConfigurationItemChangeNotification_EC2Instance_create.json", SkipReason.OTHER_RESOURCE_TYPE),
        ("config_eventbridge_ConfigurationItemChangeNotification_EFS_update_awsdoc.json", SkipReason.OTHER_RESOURCE_TYPE),
    ],
)
def test_aws_samples_of_other_messages_are_skipped(name: str, reason: SkipReason) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("AWS sample payloads not found beside the repository")
    body = json.loads((SAMPLES / name).read_text())
    if isinstance(body.get("Message"), dict):
        # The docs print Message as an object; on the wire it is a string. Test the wire form.
        body["Message"] = json.dumps(body["Message"])
    skipped = parse_notification(json.dumps(body))
    assert isinstance(skipped, Skip)
    assert skipped.reason is reason


def test_deleted_inventory_is_skipped(notification: dict[str, Any]) -> None:
    gone = json.loads(raw_body(notification))
    gone["configurationItem"]["configurationItemStatus"] = "ResourceDeleted"
    skipped = parse_notification(json.dumps(gone))
    assert isinstance(skipped, Skip) and skipped.reason is SkipReason.RESOURCE_GONE


def test_sns_subscription_confirmation_is_skipped() -> None:
    body = {"Type": "SubscriptionConfirmation", "TopicArn": TOPIC, "Message": "You have chosen to subscribe"}
    skipped = parse_notification(json.dumps(body))
    assert isinstance(skipped, Skip) and skipped.reason is SkipReason.SNS_CONTROL


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("not json at all", "not JSON"),
        ("[1, 2]", "not an object"),
        ('{"hello": "world"}', "no messageType"),
        ('{"Type": "Notification", "TopicArn": "arn", "Message": "plain text"}', "not JSON"),
        ('{"version": "0", "detail-type": "EC2 State", "source": "aws.ec2", "detail": {}}', "aws.ec2"),
        ('{"messageType": "ConfigurationItemChangeNotification"}', "no configurationItem"),
        (
            '{"messageType": "ConfigurationItemChangeNotification", "configurationItem": '
            '{"resourceType": "AWS::SSM::ManagedInstanceInventory", "resourceId": "i-1"}}',
            "capture time",
        ),
    ],
)
def test_bodies_not_from_config_are_errors_naming_why(body: str, says: str) -> None:
    with pytest.raises(NotAConfigMessage, match=says):
        parse_notification(body)
