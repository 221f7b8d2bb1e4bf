"""AWS Config's change notifications for a new configuration item, in every form they reach an SQS queue.

A Config item comes in two forms (AWS-NOTES §2): the API form the fleet keeps (`configuration` a JSON
string, `accountId`, `arn` …) and the notification form Config publishes (`configuration` an object,
`awsAccountId`, `ARN` …). This module turns the first into the second, wraps it as Config's
`ConfigurationItemChangeNotification`, and delivers it the ways AWS does: inside an SNS envelope, as SNS
raw delivery, as an EventBridge event, or — when too large for SNS — as an
`OversizedConfigurationItemChangeNotification` pointing at a gzip JSON object in S3.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dateutil import parser as dateparser

RECORD_VERSION = "1.3"
CHANGE_NOTIFICATION = "ConfigurationItemChangeNotification"
OVERSIZED_NOTIFICATION = "OversizedConfigurationItemChangeNotification"
OVERSIZED_DELIVERY_FAILED = "OversizedConfigurationItemChangeDeliveryFailed"
HISTORY_DELIVERY_COMPLETED = "ConfigurationHistoryDeliveryCompleted"
# The delivery messages carry the record version of AWS's example.
_DELIVERY_RECORD_VERSION = "1.1"
EVENTBRIDGE_DETAIL_TYPE = "Config Configuration Item Change"
_EVENTBRIDGE_DETAIL_TYPES = {HISTORY_DELIVERY_COMPLETED: "Config Configuration History Delivery Status"}
# Where a delivered object's key names its account and region.
_DELIVERED_KEY = re.compile(r"AWSLogs/(\d{12})/Config/([a-z0-9-]+)/")
# SNS rejects a message over 256 KB; Config then sends the oversized summary instead.
SNS_MESSAGE_LIMIT = 256 * 1024
# SNS rejects subjects longer than 100 characters.
_SNS_SUBJECT_LIMIT = 100


def notification_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item in the API form (GetResourceConfigHistory, the fleet) → the form Config's notifications carry."""
    configuration = item.get("configuration")
    if isinstance(configuration, str):
        configuration = json.loads(configuration)
    created = item.get("resourceCreationTime")
    return {
        "relatedEvents": list(item.get("relatedEvents") or []),
        "relationships": [_relationship(r) for r in item.get("relationships") or []],
        "configuration": configuration,
        "supplementaryConfiguration": dict(item.get("supplementaryConfiguration") or {}),
        "tags": dict(item.get("tags") or {}),
        "configurationItemVersion": item.get("version", RECORD_VERSION),
        "configurationItemCaptureTime": iso_ms(parse_time(item["configurationItemCaptureTime"])),
        # A number in notifications, a string in the API (both samples agree).
        "configurationStateId": _state_id(item.get("configurationStateId")),
        "awsAccountId": item["accountId"],
        "configurationItemStatus": item["configurationItemStatus"],
        "resourceType": item["resourceType"],
        "resourceId": item["resourceId"],
        "resourceName": item.get("resourceName"),
        "ARN": item["arn"],
        "awsRegion": item["awsRegion"],
        "availabilityZone": item.get("availabilityZone"),
        "configurationStateMd5Hash": item.get("configurationItemMD5Hash", ""),
        "resourceCreationTime": None if created is None else iso_ms(parse_time(created)),
    }


def change_notification(
    item: Mapping[str, Any], previous_item: Mapping[str, Any] | None, *, created: datetime
) -> dict[str, Any]:
    """The `ConfigurationItemChangeNotification` Config publishes when it records `item`.

    `changedProperties` follows Config's path style (`Configuration.AWS:Application.Content.curl`); how
    Config really expresses an inventory change there is UNCONFIRMED, and consumers recompute the diff.
    """
    configuration_item = notification_item(item)
    if previous_item is None:
        change_type, changed = "CREATE", {}
    else:
        change_type = "UPDATE"
        before = notification_item(previous_item)
        changed = _changed_properties(before, configuration_item)
    return {
        "configurationItemDiff": {"changedProperties": changed, "changeType": change_type},
        "configurationItem": configuration_item,
        "notificationCreationTime": iso_ms(created),
        "messageType": CHANGE_NOTIFICATION,
        "recordVersion": RECORD_VERSION,
    }


def history_delivery_completed(bucket: str, key: str, *, created: datetime) -> dict[str, Any]:
    """What Config publishes when it has written a configuration history file to `bucket`/`key`."""
    return {
        "s3ObjectKey": key,
        "s3Bucket": bucket,
        "notificationCreationTime": iso_ms(created),
        "messageType": HISTORY_DELIVERY_COMPLETED,
        "recordVersion": _DELIVERY_RECORD_VERSION,
    }


# --- delivery forms -----------------------------------------------------------------------------------


def raw_body(notification: Mapping[str, Any]) -> str:
    """The SQS body with SNS raw message delivery: Config's JSON itself."""
    return _message_text(notification)


def sns_body(
    notification: Mapping[str, Any], topic_arn: str, *, message_id: str, timestamp: datetime | None = None
) -> str:
    """The SQS body without raw delivery: SNS's envelope, with Config's JSON as the `Message` string."""
    region = topic_arn.split(":")[3]
    message = _message_text(notification)
    published = timestamp or parse_time(notification["notificationCreationTime"])
    envelope = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic_arn,
        "Subject": _subject(notification),
        "Message": message,
        "Timestamp": iso_ms(published),
        "SignatureVersion": "1",
        "Signature": _signature(message_id, message),
        "SigningCertURL": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-"
        + hashlib.md5(region.encode(), usedforsecurity=False).hexdigest()
        + ".pem",
        "UnsubscribeURL": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:"
        + str(uuid.uuid5(uuid.NAMESPACE_URL, topic_arn)),
    }
    # SNS writes its envelope indented, with a space before each colon.
    return json.dumps(envelope, indent=2, separators=(",", " : "))


def eventbridge_body(notification: Mapping[str, Any], *, event_id: str) -> str:
    """The SQS body when an EventBridge rule for Config's events targets the queue."""
    created = parse_time(notification["notificationCreationTime"])
    delivered = _delivered_object(notification)
    if delivered is not None:
        account, region = delivered
        resources: list[str] = []
    else:
        summary = _summary_source(notification)
        account, region, resources = summary["awsAccountId"], summary["awsRegion"], [summary["ARN"]]
    event = {
        "version": "0",
        "id": event_id,
        "detail-type": _EVENTBRIDGE_DETAIL_TYPES.get(notification.get("messageType", ""), EVENTBRIDGE_DETAIL_TYPE),
        "source": "aws.config",
        "account": account,
        "time": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": resources,
        "detail": dict(notification),
    }
    return json.dumps(event)


# --- oversized ----------------------------------------------------------------------------------------


def needs_oversized(notification: Mapping[str, Any]) -> bool:
    """Whether SNS would refuse this notification, so that Config sends the oversized summary instead."""
    return len(_message_text(notification).encode("utf-8")) > SNS_MESSAGE_LIMIT


def oversized(notification: Mapping[str, Any], *, bucket: str, key: str) -> tuple[dict[str, Any], bytes]:
    """The oversized summary Config publishes, and the gzip JSON object it writes to `bucket`/`key`."""
    message = _oversized_message(notification, OVERSIZED_NOTIFICATION)
    message["s3DeliverySummary"] = {
        "s3BucketLocation": f"{bucket}/{key}",
        "errorCode": None,
        "errorMessage": None,
    }
    # mtime=0: the same notification always gives the same bytes.
    body = gzip.compress(_message_text(notification).encode("utf-8"), mtime=0)
    return message, body


def oversized_failed(
    notification: Mapping[str, Any], *, bucket: str = "config-bucket", error_code: str = "NoSuchBucket"
) -> dict[str, Any]:
    """The summary Config publishes when it could not write the oversized item to S3 either."""
    message = _oversized_message(notification, OVERSIZED_DELIVERY_FAILED)
    summary = message["configurationItemSummary"]
    message["s3DeliverySummary"] = {
        "s3BucketLocation": None,
        "errorCode": error_code,
        "errorMessage": f"Failed to deliver notification to bucket: {bucket} for account "
        f"{summary['awsAccountId']} in region {summary['awsRegion']}.",
    }
    return message


def oversized_key(notification: Mapping[str, Any], prefix: str = "") -> str:
    """Where Config puts an oversized notification in its bucket (the documented example's layout)."""
    item = _summary_source(notification)
    account, region = item["awsAccountId"], item["awsRegion"]
    resource_type, resource_id = item["resourceType"], item["resourceId"]
    captured = parse_time(item["configurationItemCaptureTime"]).astimezone(UTC)
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    return (
        f"{base}AWSLogs/{account}/Config/{region}/{captured.year}/{captured.month}/{captured.day}/"
        f"OversizedChangeNotification/{resource_type}/{resource_id}/"
        f"{account}_Config_{region}_ChangeNotification_{resource_type}_{resource_id}_"
        f"{captured:%Y%m%dT%H%M%SZ}_0.json.gz"
    )


# --- times --------------------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime:
    """A time as AWS sends it: a datetime, an ISO 8601 string (any offset) or epoch seconds; always UTC."""
    if isinstance(value, datetime):
        at = value
    elif isinstance(value, bool):
        raise TypeError(f"not a time: {value!r}")
    elif isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str):
        at = dateparser.isoparse(value)
    else:
        raise TypeError(f"not a time: {value!r}")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC)


def iso_ms(at: datetime) -> str:
    """Config's notification time format: `2020-07-02T10:05:12.345Z`."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


# --- internals ----------------------------------------------------------------------------------------


def _message_text(notification: Mapping[str, Any]) -> str:
    # Config's JSON as SNS carries it; the SNS size limit applies to exactly this text.
    return json.dumps(notification, separators=(",", ":"))


def _relationship(relationship: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "resourceId": relationship.get("resourceId"),
        "resourceName": relationship.get("resourceName"),
        "resourceType": relationship.get("resourceType"),
        "name": relationship.get("relationshipName", relationship.get("name")),
    }


def _state_id(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _changed_properties(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    old_conf = before.get("configuration") or {}
    new_conf = after.get("configuration") or {}
    for type_name in sorted(set(old_conf) | set(new_conf)):
        path = f"Configuration.{type_name}"
        if type_name not in old_conf or type_name not in new_conf:
            _record(changed, path, old_conf.get(type_name), new_conf.get(type_name))
            continue
        old_part, new_part = old_conf[type_name], new_conf[type_name]
        if old_part.get("SchemaVersion") != new_part.get("SchemaVersion"):
            _record(
                changed, f"{path}.SchemaVersion", old_part.get("SchemaVersion"), new_part.get("SchemaVersion")
            )
        old_content, new_content = _keyed(old_part.get("Content")), _keyed(new_part.get("Content"))
        for key in sorted(set(old_content) | set(new_content)):
            _record(changed, f"{path}.Content.{key}", old_content.get(key), new_content.get(key))
    old_sup = before.get("supplementaryConfiguration") or {}
    new_sup = after.get("supplementaryConfiguration") or {}
    for key in sorted(set(old_sup) | set(new_sup)):
        _record(changed, f"SupplementaryConfiguration.{key}", old_sup.get(key), new_sup.get(key))
    return changed


def _keyed(content: Any) -> dict[str, Any]:
    """Content's entries by path segment: a map's keys, a list's indexes (as Config numbers list items)."""
    if isinstance(content, Mapping):
        return dict(content)
    if isinstance(content, list):
        return {str(i): entry for i, entry in enumerate(content)}
    return {} if content is None else {"0": content}


def _record(changed: dict[str, Any], path: str, old: Any, new: Any) -> None:
    if old == new:
        return
    change_type = "CREATE" if old is None else "DELETE" if new is None else "UPDATE"
    changed[path] = {"previousValue": old, "updatedValue": new, "changeType": change_type}


def _summary_source(notification: Mapping[str, Any]) -> Mapping[str, Any]:
    """The part holding the resource's identity: the item, or an oversized message's summary."""
    if "configurationItem" in notification:
        item: Mapping[str, Any] = notification["configurationItem"]
        return item
    summary: Mapping[str, Any] = notification["configurationItemSummary"]
    return summary


def _delivered_object(notification: Mapping[str, Any]) -> tuple[str, str] | None:
    """(account, region) of a delivery message (one naming an S3 object Config wrote); None for item changes."""
    if notification.get("messageType") != HISTORY_DELIVERY_COMPLETED:
        return None
    match = _DELIVERED_KEY.search(str(notification.get("s3ObjectKey", "")))
    if match is None:
        raise ValueError(f"not a Config delivery key: {notification.get('s3ObjectKey')!r}")
    return match.group(1), match.group(2)


def _subject(notification: Mapping[str, Any]) -> str:
    delivered = _delivered_object(notification)
    if delivered is not None:
        account, region = delivered
        return f"[AWS Config:{region}] Configuration History Delivery Completed for Account {account}"
    item = _summary_source(notification)
    status = item.get("configurationItemStatus", "")
    diff = notification.get("configurationItemDiff") or {}
    change_type = diff.get("changeType") or item.get("changeType")
    verb = (
        "Deleted"
        if status.startswith("ResourceDeleted")
        else "Created"
        if change_type == "CREATE"
        else "Updated"
    )
    subject = (
        f"[AWS Config:{item['awsRegion']}] {item['resourceType']} {item['resourceId']} {verb} "
        f"in Account {item['awsAccountId']}"
    )
    return subject[:_SNS_SUBJECT_LIMIT]


def _signature(message_id: str, message: str) -> str:
    """A stand-in for SNS's RSA signature: the right shape (344 base64 characters), fixed per message."""
    seed = hashlib.sha256(f"{message_id}\n{message}".encode()).digest()
    raw = b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(8))
    return base64.b64encode(raw).decode()


def _oversized_message(notification: Mapping[str, Any], message_type: str) -> dict[str, Any]:
    item = notification["configurationItem"]
    diff = notification.get("configurationItemDiff") or {}
    return {
        "configurationItemSummary": {
            "changeType": diff.get("changeType", "UPDATE"),
            "configurationItemVersion": item.get("configurationItemVersion"),
            "configurationItemCaptureTime": item["configurationItemCaptureTime"],
            "configurationStateId": item.get("configurationStateId"),
            "awsAccountId": item["awsAccountId"],
            "configurationItemStatus": item["configurationItemStatus"],
            "resourceType": item["resourceType"],
            "resourceId": item["resourceId"],
            "resourceName": item.get("resourceName"),
            "ARN": item["ARN"],
            "awsRegion": item["awsRegion"],
            "availabilityZone": item.get("availabilityZone"),
            "configurationStateMd5Hash": item.get("configurationStateMd5Hash"),
            "resourceCreationTime": item.get("resourceCreationTime"),
        },
        "s3DeliverySummary": {},
        "notificationCreationTime": notification["notificationCreationTime"],
        "messageType": message_type,
        "recordVersion": notification.get("recordVersion", RECORD_VERSION),
    }
