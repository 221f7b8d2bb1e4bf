"""Config change notifications built from the fleet's items have the shapes AWS's own samples have."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sim import default_fleet as df
from bot.sim.fleet import Fleet, SimNode
from bot.sim.notifications import (
    SNS_MESSAGE_LIMIT,
    change_notification,
    eventbridge_body,
    needs_oversized,
    notification_item,
    oversized,
    oversized_failed,
    oversized_key,
    raw_body,
    sns_body,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
# CI checks the repository out with shared/ beside it.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
TOPIC = "arn:aws:sns:us-east-1:123456789012:config-topic"
CREATED = datetime(2020, 7, 2, 1, 2, 55, 101000, tzinfo=UTC)
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"AWS sample payloads not found at {SAMPLES} (shared/ is expected beside the repository)")
    return SAMPLES


def sample(samples: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((samples / name).read_text())
    return loaded


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return df.build_default_fleet(NOW)


@pytest.fixture(scope="module")
def web(fleet: Fleet) -> SimNode:
    node = fleet.node(df.AL2_WEB)
    assert node is not None
    return node


def seed_items(web: SimNode) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The item before the seed's update, the agent's item and the rest's item."""
    index = next(
        i for i, item in enumerate(web.items) if item["configurationItemCaptureTime"] == df.SEED_AGENT_CAPTURE
    )
    return web.items[index - 1], web.items[index], web.items[index + 1]


def test_notification_item_has_the_keys_of_configs_notifications(samples: Path, web: SimNode) -> None:
    expected = sample(samples, "config_sns_ConfigurationItemChangeNotification_EC2Instance_sg_update.json")
    expected_item = expected["Message"]["configurationItem"]
    _, agent_item, _ = seed_items(web)
    item = notification_item(agent_item)
    assert set(item) == set(expected_item)
    assert [set(r) for r in item["relationships"]] == [set(expected_item["relationships"][0])]
    assert item["configuration"] == json.loads(agent_item["configuration"])
    assert item["configurationItemCaptureTime"] == "2020-07-02T01:02:52.417Z"
    assert item["configurationStateId"] == int(agent_item["configurationStateId"])
    assert item["awsAccountId"] == agent_item["accountId"]
    assert item["ARN"] == agent_item["arn"]
    assert item["configurationStateMd5Hash"] == agent_item["configurationItemMD5Hash"]
    assert item["configurationItemVersion"] == agent_item["version"]


def test_the_rule_lambda_sample_item_keys_are_all_present(samples: Path, web: SimNode) -> None:
    event = sample(samples, "config_rule_lambda_event_ConfigurationItemChangeNotification.json")
    expected_item = json.loads(event["invokingEvent"])["configurationItem"]
    assert set(expected_item) <= set(notification_item(web.items[-1]))


def test_change_notification_has_the_keys_of_the_sample(samples: Path, web: SimNode) -> None:
    expected = sample(samples, "config_sns_ConfigurationItemChangeNotification_EC2Instance_sg_update.json")[
        "Message"
    ]
    before, agent_item, _ = seed_items(web)
    notification = change_notification(agent_item, before, created=CREATED)
    assert set(notification) == set(expected)
    assert set(notification["configurationItemDiff"]) == set(expected["configurationItemDiff"])
    assert notification["messageType"] == "ConfigurationItemChangeNotification"
    assert notification["recordVersion"] == "1.3"
    assert notification["notificationCreationTime"] == "2020-07-02T01:02:55.101Z"
    assert notification["configurationItemDiff"]["changeType"] == "UPDATE"
    for change in notification["configurationItemDiff"]["changedProperties"].values():
        assert set(change) == {"previousValue", "updatedValue", "changeType"}


def test_changed_properties_name_the_changed_packages(web: SimNode, fleet: Fleet) -> None:
    before, agent_item, rest_item = seed_items(web)
    changed = change_notification(agent_item, before, created=CREATED)["configurationItemDiff"][
        "changedProperties"
    ]
    app_paths = {p for p in changed if p.startswith("Configuration.AWS:Application.Content.")}
    assert app_paths == {"Configuration.AWS:Application.Content.amazon-ssm-agent"}
    assert changed["Configuration.AWS:Application.Content.amazon-ssm-agent"]["changeType"] == "UPDATE"
    rest = change_notification(rest_item, agent_item, created=CREATED)["configurationItemDiff"][
        "changedProperties"
    ]
    kernel = rest["Configuration.AWS:Application.Content.kernel"]
    assert isinstance(kernel["previousValue"], dict) and len(kernel["updatedValue"]) == 2
    # The list shape numbers entries, as Config numbers list items.
    ubuntu = fleet.node(df.UBUNTU_APP)
    assert ubuntu is not None
    diff = change_notification(ubuntu.items[2], ubuntu.items[1], created=CREATED)["configurationItemDiff"]
    list_paths = [p for p in diff["changedProperties"] if p.startswith("Configuration.AWS:Application.")]
    assert list_paths
    assert all(re.fullmatch(r"Configuration\.AWS:Application\.Content\.\d+", p) for p in list_paths)


def test_first_item_is_a_create_with_no_changed_properties(samples: Path, web: SimNode) -> None:
    expected = sample(samples, "config_sns_ConfigurationItemChangeNotification_SecurityGroup_create.json")[
        "Message"
    ]
    notification = change_notification(web.items[0], None, created=CREATED)
    assert (
        notification["configurationItemDiff"]
        == expected["configurationItemDiff"]
        == {
            "changedProperties": {},
            "changeType": "CREATE",
        }
    )
    assert notification["configurationItem"]["configurationItemStatus"] == "ResourceDiscovered"


def test_unmanaged_item_shows_in_changed_properties(fleet: Fleet) -> None:
    retired = fleet.node(df.AL2_RETIRED)
    assert retired is not None
    changed = change_notification(retired.items[-1], retired.items[-2], created=NOW)["configurationItemDiff"]
    assert changed["changedProperties"] == {
        "SupplementaryConfiguration.InstanceStatus": {
            "previousValue": None,
            "updatedValue": "Unmanaged",
            "changeType": "CREATE",
        }
    }


def test_sns_envelope_carries_the_notification_as_a_string(samples: Path, web: SimNode) -> None:
    expected = sample(samples, "config_sns_ConfigurationItemChangeNotification_EC2Instance_sg_update.json")
    before, agent_item, _ = seed_items(web)
    notification = change_notification(agent_item, before, created=CREATED)
    envelope = json.loads(sns_body(notification, TOPIC, message_id="0c8a1f70-3d39-5e4a-a6f5-1b7c8d9e0f12"))
    assert set(envelope) == set(expected)
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == TOPIC
    assert isinstance(envelope["Message"], str)
    assert json.loads(envelope["Message"]) == notification
    assert (
        envelope["Subject"]
        == (
            f"[AWS Config:us-east-1] AWS::SSM::ManagedInstanceInventory {df.AL2_WEB} Updated in Account 123456789012"
        )[:100]
    )
    assert ISO_MS.fullmatch(envelope["Timestamp"])
    assert len(base64.b64decode(envelope["Signature"])) == len(base64.b64decode(expected["Signature"]))
    assert envelope["UnsubscribeURL"].startswith(
        f"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={TOPIC}:"
    )
    assert re.fullmatch(
        r"https://sns\.us-east-1\.amazonaws\.com/SimpleNotificationService-[0-9a-f]{32}\.pem",
        envelope["SigningCertURL"],
    )


def test_sns_subject_says_created_for_a_new_resource(web: SimNode) -> None:
    envelope = json.loads(
        sns_body(change_notification(web.items[0], None, created=CREATED), TOPIC, message_id="m")
    )
    full = f"[AWS Config:us-east-1] AWS::SSM::ManagedInstanceInventory {df.AL2_WEB} Created in Account 123456789012"
    # SNS takes at most 100 characters of subject.
    assert envelope["Subject"] == full[:100]


def test_raw_delivery_is_the_notification_itself(web: SimNode) -> None:
    notification = change_notification(web.items[1], web.items[0], created=CREATED)
    assert json.loads(raw_body(notification)) == notification


@pytest.mark.parametrize(
    "sample_name",
    [
        "config_eventbridge_ConfigurationItemChangeNotification_EC2Instance_create.json",
        "config_eventbridge_ConfigurationItemChangeNotification_EFS_update_awsdoc.json",
    ],
)
def test_eventbridge_event_has_the_keys_of_the_sample(samples: Path, web: SimNode, sample_name: str) -> None:
    expected = sample(samples, sample_name)
    before, agent_item, _ = seed_items(web)
    notification = change_notification(agent_item, before, created=CREATED)
    event = json.loads(eventbridge_body(notification, event_id="7e2b9c1d-0f4a-4b8e-9c3d-2a1b0c9d8e7f"))
    assert set(event) == set(expected)
    assert set(event["detail"]) == set(expected["detail"])
    assert event["detail"] == notification
    assert (event["source"], event["detail-type"], event["version"]) == (
        "aws.config",
        expected["detail-type"],
        "0",
    )
    assert event["resources"] == [notification["configurationItem"]["ARN"]]
    assert (event["account"], event["region"]) == ("123456789012", "us-east-1")
    assert event["time"] == "2020-07-02T01:02:55Z"


def test_oversized_summary_has_the_keys_of_the_sample_and_the_s3_object_round_trips(
    samples: Path, web: SimNode
) -> None:
    expected = sample(samples, "config_sns_OversizedConfigurationItemChangeNotification_summary.json")
    before, _, rest_item = seed_items(web)
    notification = change_notification(rest_item, before, created=CREATED)
    key = oversized_key(notification)
    message, body = oversized(notification, bucket="config-bucket-123456789012", key=key)
    assert set(message) == set(expected)
    assert set(message["configurationItemSummary"]) == set(expected["configurationItemSummary"])
    assert message["messageType"] == "OversizedConfigurationItemChangeNotification"
    assert message["s3DeliverySummary"] == {
        "s3BucketLocation": f"config-bucket-123456789012/{key}",
        "errorCode": None,
        "errorMessage": None,
    }
    summary = message["configurationItemSummary"]
    assert summary["resourceId"] == df.AL2_WEB
    assert summary["changeType"] == "UPDATE"
    assert (
        summary["configurationItemCaptureTime"]
        == notification["configurationItem"]["configurationItemCaptureTime"]
    )
    assert json.loads(gzip.decompress(body)) == notification
    assert oversized(notification, bucket="b", key=key)[1] == body  # same notification, same bytes


def test_oversized_key_follows_configs_layout(web: SimNode) -> None:
    notification = change_notification(web.items[3], web.items[2], created=CREATED)
    assert oversized_key(notification) == (
        "AWSLogs/123456789012/Config/us-east-1/2020/7/2/OversizedChangeNotification/"
        f"AWS::SSM::ManagedInstanceInventory/{df.AL2_WEB}/123456789012_Config_us-east-1_ChangeNotification_"
        f"AWS::SSM::ManagedInstanceInventory_{df.AL2_WEB}_20200702T010614Z_0.json.gz"
    )


def test_oversized_delivery_failure_has_the_keys_of_the_sample(samples: Path, web: SimNode) -> None:
    expected = sample(samples, "config_sns_OversizedConfigurationItemChangeDeliveryFailed_summary.json")
    message = oversized_failed(change_notification(web.items[3], web.items[2], created=CREATED))
    assert set(message) == set(expected)
    assert set(message["configurationItemSummary"]) == set(expected["configurationItemSummary"])
    assert message["messageType"] == "OversizedConfigurationItemChangeDeliveryFailed"
    assert message["s3DeliverySummary"]["s3BucketLocation"] is None
    assert message["s3DeliverySummary"]["errorCode"] == "NoSuchBucket"


def test_the_oversized_summary_travels_in_the_same_envelopes(web: SimNode) -> None:
    notification = change_notification(web.items[3], web.items[2], created=CREATED)
    message, _ = oversized(notification, bucket="b", key="k")
    envelope = json.loads(sns_body(message, TOPIC, message_id="m"))
    assert json.loads(envelope["Message"]) == message
    assert df.AL2_WEB in envelope["Subject"]
    event = json.loads(eventbridge_body(message, event_id="e"))
    assert event["detail"] == message and event["resources"] == [message["configurationItemSummary"]["ARN"]]


def message_size(notification: dict[str, Any]) -> int:
    return len(raw_body(notification).encode("utf-8"))


def test_a_real_item_with_about_500_packages_is_oversized_only_over_256_kb(web: SimNode) -> None:
    before, _, rest_item = seed_items(web)
    notification = change_notification(rest_item, before, created=CREATED)
    assert len(notification["configurationItem"]["configuration"]["AWS:Application"]["Content"]) > 450
    size = message_size(notification)
    assert 100_000 < size <= SNS_MESSAGE_LIMIT
    assert not needs_oversized(notification)

    # The same machine with longer package summaries (as a distribution with wordier metadata has).
    wordy = copy.deepcopy(notification)
    for value in wordy["configurationItem"]["configuration"]["AWS:Application"]["Content"].values():
        for entry in value if isinstance(value, list) else [value]:
            entry["Summary"] = (entry.get("Summary", "") + " " + "x" * 200)[:300]
    assert message_size(wordy) > SNS_MESSAGE_LIMIT
    assert needs_oversized(wordy)


def test_the_limit_is_exactly_256_kb_of_message() -> None:
    def padded(size: int) -> dict[str, Any]:
        notification: dict[str, Any] = {"messageType": "ConfigurationItemChangeNotification", "pad": ""}
        notification["pad"] = "x" * (size - message_size(notification))
        assert message_size(notification) == size
        return notification

    assert not needs_oversized(padded(SNS_MESSAGE_LIMIT))
    assert needs_oversized(padded(SNS_MESSAGE_LIMIT + 1))


def test_times_in_every_form_use_milliseconds(web: SimNode) -> None:
    notification = change_notification(
        web.items[-1], web.items[-2], created=NOW + timedelta(microseconds=987654)
    )
    assert notification["notificationCreationTime"] == "2025-06-01T12:00:00.987Z"
    assert ISO_MS.fullmatch(notification["configurationItem"]["configurationItemCaptureTime"])
