"""The simulated fleet's Config notifications, delivered to moto as AWS delivers them, and the alert worker beside them.

`AlertFeed` listens to the fleet: each new configuration item becomes Config's change notification,
published to the SNS topic (enveloped into the queue), or sent straight to the queue in the raw or
EventBridge form, or — when too large for SNS, or when asked — written to S3 with the oversized summary
published instead. `AlertRig` is what the workspace starts when alerts are on: moto, the feed and the
worker in a thread.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from bot.alerts.worker import AlertWorker, WorkerTuning
from bot.aws.clients import AwsClients
from bot.core.settings import Settings
from bot.runtime.worker import build_alert_worker
from bot.sim.fleet import Fleet, SimNode
from bot.sim.moto import MotoAws, shared_endpoint
from bot.sim.notifications import (
    change_notification,
    eventbridge_body,
    needs_oversized,
    oversized,
    oversized_key,
    raw_body,
    sns_body,
)
from bot.slack.plaintext import blocks_to_text

if TYPE_CHECKING:
    from bot.sim.slack import SlackStandIn

log = logging.getLogger("pkgwhen.sim.alerts")

Form = Literal["sns", "raw", "eventbridge", "sns-envelope-direct"]
ALERT_CHANNEL = "C0ALERTS"


class AlertFeed:
    """Fleet item listener → notification → moto; `form` chooses how notifications reach the queue."""

    def __init__(
        self,
        fleet: Fleet,
        moto: MotoAws,
        *,
        form: Form = "sns",
        oversize: Callable[[SimNode, Mapping[str, Any]], bool] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.fleet = fleet
        self.moto = moto
        self.form: Form = form
        # Decides which notifications go the oversized way besides those SNS would refuse.
        self.oversize = oversize
        self.clock = clock
        self.sent = 0
        self._attached: list[Fleet] = []
        self._lock = threading.Lock()
        self._sqs = moto.sqs()
        self._sns = moto.sns()
        self._s3 = moto.s3()

    def attach(self, *more: Fleet) -> AlertFeed:
        """Listen to the fleet, and to `more` fleets (other accounts and regions publishing to the same queue)."""
        self._attached = [self.fleet, *more]
        for fleet in self._attached:
            fleet.item_listeners.append(self.on_item)
        return self

    def detach(self) -> None:
        for fleet in self._attached:
            if self.on_item in fleet.item_listeners:
                fleet.item_listeners.remove(self.on_item)
        self._attached = []

    def on_item(self, node: SimNode, item: dict[str, Any]) -> None:
        self.deliver(self.notification(node, item), node)

    def notification(self, node: SimNode, item: Mapping[str, Any]) -> dict[str, Any]:
        """Config's notification for `item`: its diff is against the item recorded just before it."""
        earlier = [
            i for i in node.items if i["configurationItemCaptureTime"] < item["configurationItemCaptureTime"]
        ]
        previous = earlier[-1] if earlier else None
        return change_notification(item, previous, created=self.clock())

    def deliver(
        self, notification: Mapping[str, Any], node: SimNode | None = None, *, form: Form | None = None
    ) -> None:
        """Send one notification the way Config would; `form` overrides the feed's."""
        form = form or self.form
        resources = self.moto.resources
        assert resources is not None
        too_big = needs_oversized(notification) or (
            self.oversize is not None
            and node is not None
            and self.oversize(node, notification["configurationItem"])
        )
        if too_big:
            key = oversized_key(notification)
            summary, data = oversized(notification, bucket=resources.bucket, key=key)
            self._s3.put_object(Bucket=resources.bucket, Key=key, Body=data)
            notification = summary
        message = json.dumps(notification, separators=(",", ":"))
        if form == "sns":
            self._sns.publish(TopicArn=resources.topic_arn, Message=message, Subject="[AWS Config] change")
        elif form == "sns-envelope-direct":
            body = sns_body(notification, resources.topic_arn, message_id=str(uuid.uuid4()))
            self._sqs.send_message(QueueUrl=resources.queue_url, MessageBody=body)
        elif form == "raw":
            self._sqs.send_message(QueueUrl=resources.queue_url, MessageBody=raw_body(notification))
        else:
            self._sqs.send_message(
                QueueUrl=resources.queue_url,
                MessageBody=eventbridge_body(notification, event_id=str(uuid.uuid4())),
            )
        with self._lock:
            self.sent += 1

    def send_body(self, body: str) -> None:
        """Put any body on the queue (a poison message, a duplicate)."""
        resources = self.moto.resources
        assert resources is not None
        self._sqs.send_message(QueueUrl=resources.queue_url, MessageBody=body)


@dataclass(frozen=True)
class AlertPostSeen:
    """A channel message of the alert worker as a reader sees it now."""

    channel: str
    ts: str
    text: str
    thread: tuple[str, ...]


def channel_posts(slack: SlackStandIn, channel: str = ALERT_CHANNEL) -> list[AlertPostSeen]:
    """What the alert channel shows now: each top-level message (as plain text) with its thread replies."""
    messages = slack.messages(channel)
    top = [m for m in messages if m.thread_ts is None and not m.ephemeral]
    return [
        AlertPostSeen(
            channel=m.channel,
            ts=m.ts,
            text=blocks_to_text(m.text, m.blocks),
            thread=tuple(blocks_to_text(r.text, r.blocks) for r in messages if r.thread_ts == m.ts),
        )
        for m in top
    ]


class AlertRig:
    """moto + feed + worker thread for a workspace; `stop()` drains the worker and stops moto."""

    def __init__(self, feed: AlertFeed, moto: MotoAws, worker: AlertWorker) -> None:
        self.feed = feed
        self.moto = moto
        self.worker = worker

    @classmethod
    def start(
        cls,
        fleet: Fleet,
        settings: Settings,
        set_env: Callable[[Mapping[str, str]], None],
        *,
        form: Form = "sns",
        tuning: WorkerTuning | None = None,
        aws: AwsClients | None = None,
        also: Sequence[Fleet] = (),
    ) -> AlertRig:
        """`aws`: the workspace's clients' session, whose loaded service models make new clients cheap.
        `also`: fleets of other accounts and regions whose Config notifications reach the same queue."""
        # Three receives before the DLQ: a poison message leaves the demo's queue within seconds.
        moto = MotoAws(
            region=fleet.region, endpoint=shared_endpoint(), queue_visibility_s=30, max_receive_count=3
        ).start()
        assert moto.resources is not None
        # Only SQS, SNS and S3 have no endpoint of their own: they fall through to moto.
        set_env({"AWS_ENDPOINT_URL": moto.url})
        settings = replace(
            settings,
            queue_url=moto.resources.queue_url,
            alert_channel=settings.alert_channel or ALERT_CHANNEL,
        )
        worker = build_alert_worker(
            settings,
            aws,
            # Short polls with a short pause: a workspace stops in a blink; production long-polls 5 s.
            tuning=tuning
            or WorkerTuning(
                wait_seconds=0,
                idle_pause_s=0.05,
                visibility_timeout=30,
                retry_delay_s=1,
                backoff_s=0.2,
                max_backoff_s=1.0,
                settle_s=0.5,
                route_retry_s=1.0,
            ),
        )
        feed = AlertFeed(fleet, moto, form=form).attach(*also)
        rig = cls(feed, moto, worker)
        worker.start()
        return rig

    def stop(self) -> None:
        self.feed.detach()
        self.worker.stop(10.0)
        self.worker.close()
        self.moto.stop()


class AlertWatcher:
    """For the demo console: the alert posts that are new, or changed, since the last look."""

    def __init__(self, slack: SlackStandIn, channels: tuple[str, ...] = (ALERT_CHANNEL,)) -> None:
        self._slack = slack
        self._channels = channels
        self._seen: dict[str, tuple[str, tuple[str, ...]]] = {}

    def new(self) -> list[AlertPostSeen]:
        fresh = []
        for channel in self._channels:
            for post in channel_posts(self._slack, channel):
                shown = (post.text, post.thread)
                if self._seen.get(post.ts) != shown:
                    self._seen[post.ts] = shown
                    fresh.append(post)
        return fresh


def simulate_update(fleet: Fleet, node_ids: list[str], packages: list[str], at: datetime | None = None) -> int:
    """A patch on these servers: each named package gets a newer release, then inventory runs (for the demo).

    Returns how many Config items were recorded (each one is a notification the feed delivers).
    """
    at = at or datetime.now(UTC).replace(microsecond=0)
    recorded = 0
    for node_id in node_ids:
        node = fleet.node(node_id)
        if node is None:
            raise KeyError(node_id)
        for entry in node.entries():
            if entry.get("Name") in packages:
                release = entry.get("Release")
                if release:
                    entry["Release"] = f"{release}.1"
                else:
                    entry["Version"] = f"{entry.get('Version', '0')}.1"
                entry["InstalledTime"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if fleet.capture(node_id, at) is not None:
            recorded += 1
    return recorded
