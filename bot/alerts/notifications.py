"""An SQS message body from AWS Config, in any form it reaches a queue, read into a change or a reason to skip it.

Config's change notifications arrive three ways (AWS-NOTES §4): inside an SNS envelope whose `Message` is
a JSON string, as SNS raw delivery (Config's JSON itself), or as an EventBridge event whose `detail` is the
notification. Only `ConfigurationItemChangeNotification` and its oversized variants for
`AWS::SSM::ManagedInstanceInventory` are changes; every other Config message is a deliberate skip. A body
that is not JSON, or not from Config at all, is an error for that message alone.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.core.config_items import INVENTORY_RESOURCE_TYPE, parse_time

CHANGE_NOTIFICATION = "ConfigurationItemChangeNotification"
OVERSIZED_NOTIFICATION = "OversizedConfigurationItemChangeNotification"
OVERSIZED_DELIVERY_FAILED = "OversizedConfigurationItemChangeDeliveryFailed"
_CHANGE_TYPES = frozenset({CHANGE_NOTIFICATION, OVERSIZED_NOTIFICATION, OVERSIZED_DELIVERY_FAILED})
# Statuses whose item says nothing about installed packages.
_GONE_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"})


class Delivery(StrEnum):
    """How the notification reached the queue."""

    SNS = "SNS envelope"
    RAW = "SNS raw delivery"
    EVENTBRIDGE = "EventBridge"


class SkipReason(StrEnum):
    """Why a Config message needs no alert (it is acknowledged and deleted)."""

    OTHER_MESSAGE_TYPE = "other_message_type"
    OTHER_RESOURCE_TYPE = "other_resource_type"
    SNS_CONTROL = "sns_control"
    RESOURCE_GONE = "resource_gone"


class NotAConfigMessage(ValueError):
    """The body is not JSON, or not a message from AWS Config; the message says which and why."""


@dataclass(frozen=True)
class Skip:
    """A message deliberately not alerted on."""

    reason: SkipReason
    detail: str
    delivery: Delivery
    message_type: str = ""


@dataclass(frozen=True)
class ConfigChange:
    """A new configuration item of a server's inventory, as one notification announced it."""

    node_id: str
    state_id: str
    captured_at: datetime
    account_id: str
    region: str
    delivery: Delivery
    message_type: str
    # The item in the notification form; None for the oversized forms, whose item is elsewhere.
    item: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    # `bucket/key` of the gzip JSON holding the full notification (oversized); None otherwise.
    s3_location: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the item across duplicates and redeliveries (never the SQS message id)."""
        return (self.node_id, self.state_id)

    @property
    def oversized(self) -> bool:
        return self.item is None


def parse_notification(body: str) -> ConfigChange | Skip:
    """Read an SQS body; raise NotAConfigMessage for anything that is not a Config message."""
    try:
        outer = json.loads(body)
    except (json.JSONDecodeError, TypeError) as exc:
        raise NotAConfigMessage(f"the body is not JSON ({exc})") from exc
    if not isinstance(outer, dict):
        raise NotAConfigMessage(f"the body is a JSON {type(outer).__name__}, not an object")

    delivery, inner = _unwrap(outer)
    if isinstance(inner, Skip):
        return inner
    message_type = inner.get("messageType")
    if not isinstance(message_type, str) or not message_type:
        raise NotAConfigMessage(f"the {delivery.value} message has no messageType: not from AWS Config")
    if message_type not in _CHANGE_TYPES:
        return Skip(SkipReason.OTHER_MESSAGE_TYPE, f"a {message_type}", delivery, message_type)
    if message_type == CHANGE_NOTIFICATION:
        return _change(inner, delivery)
    return _oversized(inner, delivery, message_type)


def notification_from_s3_object(data: bytes) -> Mapping[str, Any]:
    """The full notification in the gzip JSON object an oversized notification points at."""
    try:
        text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        notification = json.loads(text)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NotAConfigMessage(f"the S3 object is not gzip JSON ({exc})") from exc
    item = notification.get("configurationItem") if isinstance(notification, dict) else None
    if not isinstance(item, dict):
        raise NotAConfigMessage("the S3 object holds no configurationItem")
    return item


def split_location(location: str) -> tuple[str, str]:
    """`bucket/key` → (bucket, key)."""
    bucket, _, key = location.partition("/")
    if not bucket or not key:
        raise NotAConfigMessage(f"s3BucketLocation {location!r} is not bucket/key")
    return bucket, key


# --- internals ------------------------------------------------------------------------------------------


def _unwrap(outer: dict[str, Any]) -> tuple[Delivery, dict[str, Any] | Skip]:
    if "TopicArn" in outer and "Type" in outer:
        kind = outer.get("Type")
        if kind != "Notification":
            return Delivery.SNS, Skip(SkipReason.SNS_CONTROL, f"an SNS {kind}", Delivery.SNS)
        message = outer.get("Message")
        # On the wire `Message` is a string; AWS's documentation prints it as an object. Accept both.
        if isinstance(message, str):
            try:
                message = json.loads(message)
            except json.JSONDecodeError as exc:
                raise NotAConfigMessage(f"the SNS Message is not JSON ({exc.msg})") from exc
        if not isinstance(message, dict):
            raise NotAConfigMessage("the SNS Message is not a JSON object: not from AWS Config")
        return Delivery.SNS, message
    if "detail-type" in outer and "detail" in outer:
        if outer.get("source") != "aws.config":
            raise NotAConfigMessage(f"an EventBridge event from {outer.get('source')!r}, not aws.config")
        detail = outer["detail"]
        if not isinstance(detail, dict):
            raise NotAConfigMessage("the EventBridge detail is not an object")
        if "messageType" not in detail:
            return Delivery.EVENTBRIDGE, Skip(
                SkipReason.OTHER_MESSAGE_TYPE, f"a {outer.get('detail-type')} event", Delivery.EVENTBRIDGE
            )
        return Delivery.EVENTBRIDGE, detail
    return Delivery.RAW, outer


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _identity(source: Mapping[str, Any], delivery: Delivery, message_type: str) -> ConfigChange | Skip:
    resource_type = source.get("resourceType")
    if resource_type != INVENTORY_RESOURCE_TYPE:
        return Skip(SkipReason.OTHER_RESOURCE_TYPE, f"an item of {resource_type}", delivery, message_type)
    node_id = _text(source.get("resourceId")).strip()
    if not node_id:
        raise NotAConfigMessage(f"the {message_type} has no resourceId")
    raw_time = source.get("configurationItemCaptureTime")
    try:
        captured_at = parse_time(raw_time) if raw_time not in (None, "") else None
    except ValueError:
        captured_at = None
    if captured_at is None:
        raise NotAConfigMessage(f"the {message_type} for {node_id} has no readable capture time")
    state = source.get("configurationStateId")
    # Config numbers states by capture time in ms when it gives none; the same rule as the inventory parser.
    state_id = _text(state) if state not in (None, "") else str(int(captured_at.timestamp() * 1000))
    status = _text(source.get("configurationItemStatus"))
    if status in _GONE_STATUSES:
        return Skip(SkipReason.RESOURCE_GONE, f"{node_id} is {status}", delivery, message_type)
    tags = source.get("tags")
    return ConfigChange(
        node_id=node_id,
        state_id=state_id,
        captured_at=captured_at,
        account_id=_text(source.get("awsAccountId") or source.get("accountId")),
        region=_text(source.get("awsRegion")),
        delivery=delivery,
        message_type=message_type,
        tags=tuple(sorted((str(k), _text(v)) for k, v in tags.items())) if isinstance(tags, dict) else (),
    )


def _change(inner: Mapping[str, Any], delivery: Delivery) -> ConfigChange | Skip:
    item = inner.get("configurationItem")
    if isinstance(item, list) and item:
        # The 2014 message version carried a list of items; the inventory one, if any, is the change.
        item = next(
            (i for i in item if isinstance(i, dict) and i.get("resourceType") == INVENTORY_RESOURCE_TYPE), item[0]
        )
    if not isinstance(item, dict):
        raise NotAConfigMessage(f"the {CHANGE_NOTIFICATION} has no configurationItem")
    found = _identity(item, delivery, CHANGE_NOTIFICATION)
    if isinstance(found, Skip):
        return found
    return replace(found, item=item)


def _oversized(inner: Mapping[str, Any], delivery: Delivery, message_type: str) -> ConfigChange | Skip:
    summary = inner.get("configurationItemSummary")
    if not isinstance(summary, dict):
        raise NotAConfigMessage(f"the {message_type} has no configurationItemSummary")
    found = _identity(summary, delivery, message_type)
    if isinstance(found, Skip):
        return found
    s3 = inner.get("s3DeliverySummary")
    location = s3.get("s3BucketLocation") if isinstance(s3, dict) else None
    # The failure variant has no object: the item can still be read from Config's history.
    return replace(found, s3_location=location if isinstance(location, str) and location else None)
