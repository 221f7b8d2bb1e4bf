"""The change-alert worker: Config notifications from SQS become summaries in Slack, none lost, none twice.

One round: receive up to `round_size` messages (long poll, batches of 10), read each into a change,
place it in a channel message (the server's open message within the window, a fleet digest of servers
that changed alike, or a new message), make Slack show every touched message, record what Slack shows,
and only then delete the SQS messages. Visibility is extended while a round runs. A message that fails
stays on the queue for another try and, in the end, the queue's redrive policy. While Slack is down the
round's messages stay on the queue, hidden, and the worker retries with backoff (so an outage does not
count towards the redrive policy); stopping hands them back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.alert_routing import AlertRoutes, RoutesError, load_routes
from bot.alert_store import AlertPost, AlertStore, PostedServer
from bot.aws import AwsClients, calling
from bot.change_notifications import (
    ConfigChange,
    NotAConfigMessage,
    Skip,
    notification_from_s3_object,
    parse_notification,
    split_location,
)
from bot.change_summary import (
    ChangeSummary,
    DigestServer,
    has_thread_detail,
    render_change_detail,
    render_change_summary,
    render_digest_servers,
    render_fleet_digest,
    summarize,
)
from bot.errors import NoHistory, PkgwhenError
from bot.history import ConfigHistory
from bot.index import HistoryIndex, StoredItem
from bot.inventory import InventorySnapshot, MalformedItem, parse_configuration_item
from bot.messages import Message
from bot.settings import Settings, SettingsError
from bot.slack_poster import AlertPoster, SlackRejected, SlackUnavailable, alert_client

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from bot.services import Services

log = logging.getLogger("pkgwhen.alerts")

SERVERS_PER_REPLY = 40
# What a deliberately skipped item is recorded as.
NOISE = "noise"
NO_CHANNEL = "no_channel"


@dataclass(frozen=True)
class WorkerTuning:
    """How the worker uses the queue; tests shorten the waits, production keeps the defaults."""

    wait_seconds: int = 20
    batch_size: int = 10
    # Messages received before their alerts are flushed together: fewer Slack calls on a patch night.
    round_size: int = 100
    visibility_timeout: int = 120
    # How often visibility is extended while a round runs (default: a third of the timeout).
    heartbeat_s: float | None = None
    # A message that failed becomes visible again after this long.
    retry_delay_s: int = 30
    # Pause after Slack or AWS failed before the next round, doubled up to `max_backoff_s`.
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0
    # With short polling (wait_seconds 0), the pause after a round that found nothing.
    idle_pause_s: float = 1.0


# --- where items come from ------------------------------------------------------------------------------


class ItemUnavailable(Exception):
    """The full item of an oversized notification is neither in Config's history nor in S3 (yet)."""


class ItemSource:
    """Full items and their predecessors: the local index when it covers them, else a targeted Config read, else S3.

    A first alert about a server must not read its whole history (a year is ~52 calls): the predecessor
    is read backwards from the item's capture time, as AWS's rule sample reads an oversized item.
    """

    def __init__(self, history: ConfigHistory, index: HistoryIndex | None, s3: S3Client | None, *, capacity: int = 20_000) -> None:
        self._history = history
        self._index = index
        self._s3 = s3
        self._capacity = capacity
        self._known: OrderedDict[tuple[str, str], InventorySnapshot] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, snapshot: InventorySnapshot) -> InventorySnapshot:
        with self._lock:
            self._known[(snapshot.node_id, snapshot.state_id)] = snapshot
            self._known.move_to_end((snapshot.node_id, snapshot.state_id))
            while len(self._known) > self._capacity:
                self._known.popitem(last=False)
        return snapshot

    def snapshot(self, node_id: str, state_id: str, captured_at: datetime | None = None) -> InventorySnapshot | None:
        """One item by state id: remembered, in the index, or read from Config at its capture time."""
        with self._lock:
            found = self._known.get((node_id, state_id))
        if found is not None:
            return found
        covered = self._covered(node_id)
        for stored in covered or ():
            if stored.state_id == state_id:
                return self._parsed(stored)
        if captured_at is None:
            return None
        try:
            items, _ = self._history.items_before(node_id, captured_at, limit=1)
        except NoHistory:
            return None
        parsed = [self.remember(parse_configuration_item(i)) for i in items]
        return next((p for p in parsed if p.state_id == state_id), None)

    def current(self, change: ConfigChange) -> InventorySnapshot:
        """The changed item itself: from the notification, else Config's history, else the S3 object."""
        if change.item is not None:
            return self.remember(parse_configuration_item(change.item))
        found = self.snapshot(change.node_id, change.state_id, change.captured_at)
        if found is not None:
            return found
        if change.s3_location and self._s3 is not None:
            bucket, key = split_location(change.s3_location)
            with calling("s3:GetObject"):
                data = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            return self.remember(parse_configuration_item(notification_from_s3_object(data)))
        raise ItemUnavailable(
            f"the oversized item {change.node_id} {change.state_id} is not in Config's history"
            + (f" nor at s3://{change.s3_location}" if change.s3_location else "")
        )

    def previous(self, current: InventorySnapshot) -> InventorySnapshot | None:
        """The newest item with package data captured before `current` (out-of-order safe); None for a first record."""
        covered = self._covered(current.node_id, until=current.captured_at)
        if covered is not None:
            # Newest first: usually the first one read is the answer, and older items are never parsed.
            return self._newest_known_before(current, (self._parsed(i) for i in reversed(covered) if i.captured_at < current.captured_at))
        try:
            # The item itself (when Config has it) and the one before: two items, however far back.
            items, complete = self._history.items_before(current.node_id, current.captured_at, limit=2)
        except NoHistory:
            return None
        found = self._newest_known_before(current, (self.remember(parse_configuration_item(i)) for i in items))
        if found is not None or complete:
            return found
        # Only items without package data just before it: read the server's history once, through the index.
        stored = self._history.read(current.node_id).items
        return self._newest_known_before(current, (self._parsed(i) for i in stored))

    def _parsed(self, stored: StoredItem) -> InventorySnapshot:
        with self._lock:
            found = self._known.get((stored.node_id, stored.state_id))
        return found if found is not None else self.remember(parse_configuration_item(stored.item()))

    def _covered(self, node_id: str, until: datetime | None = None) -> list[StoredItem] | None:
        """The index's items of the server when it holds every item up to `until` (or any), else None."""
        if self._index is None:
            return None
        coverage = self._index.coverage(node_id)
        if coverage is None or (until is not None and coverage.read_until < until):
            return None
        return self._index.items(node_id)

    @staticmethod
    def _newest_known_before(current: InventorySnapshot, candidates: Iterable[InventorySnapshot]) -> InventorySnapshot | None:
        """The newest candidate before `current` that holds package data; candidates come newest first when they can."""
        best: InventorySnapshot | None = None
        for candidate in candidates:
            if candidate.captured_at >= current.captured_at or candidate.state_id == current.state_id:
                continue
            if best is not None and candidate.captured_at < best.captured_at:
                break  # newest-first input: nothing older can win
            if candidate.packages_known and (best is None or candidate.captured_at > best.captured_at):
                best = candidate
        return best


class ServerDirectory:
    """Names and tags of servers, for labels and routing; EC2 tags read in batches and kept a while."""

    def __init__(self, ec2: EC2Client | None, *, ttl_s: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ec2 = ec2
        self._ttl = ttl_s
        self._clock = clock
        self._tags: dict[str, tuple[float, dict[str, str]]] = {}

    def prefetch(self, node_ids: Iterable[str]) -> None:
        now = self._clock()
        wanted = sorted(
            {n for n in node_ids if n.startswith("i-") and (n not in self._tags or now - self._tags[n][0] > self._ttl)}
        )
        if not wanted or self._ec2 is None:
            return
        found: dict[str, dict[str, str]] = {n: {} for n in wanted}
        try:
            for start in range(0, len(wanted), 200):
                chunk = wanted[start : start + 200]
                with calling("ec2:DescribeInstances"):
                    pages = self._ec2.get_paginator("describe_instances").paginate(
                        Filters=[{"Name": "instance-id", "Values": chunk}]
                    )
                    for page in pages:
                        for reservation in page.get("Reservations", []):
                            for instance in reservation.get("Instances", []):
                                found[instance.get("InstanceId", "")] = {
                                    t["Key"]: t["Value"] for t in instance.get("Tags", []) if "Key" in t and "Value" in t
                                }
        except (PkgwhenError, ClientError, BotoCoreError) as error:
            # Tags only name and route; without them alerts still go to the default channel.
            log.warning("no EC2 tags for %d servers (%s)", len(wanted), error)
        for node_id, tags in found.items():
            self._tags[node_id] = (now, tags)

    def tags(self, node_id: str) -> dict[str, str]:
        return dict(self._tags.get(node_id, (0.0, {}))[1])

    def label(self, node_id: str, snapshot: InventorySnapshot | None) -> str:
        name = self.tags(node_id).get("Name")
        if not name and snapshot is not None and snapshot.platform and snapshot.platform.computer_name:
            name = snapshot.platform.computer_name.split(".")[0]
        return name or node_id


# --- what to do with one item (shared with `pkgwhen explain`) -------------------------------------------


@dataclass(frozen=True)
class AlertDecision:
    """What the worker does with one change: post `summary` to `channel`, or skip it and why."""

    summary: ChangeSummary
    channel: str | None
    skip: str | None
    label: str


def decide(
    change: ConfigChange,
    current: InventorySnapshot,
    previous: InventorySnapshot | None,
    *,
    routes: AlertRoutes,
    watchlist: Sequence[str],
    post_noise: bool,
    tags: Mapping[str, str],
    label: str,
) -> AlertDecision:
    summary = summarize(previous, current, watchlist=watchlist)
    if summary.packages_unknown:
        return AlertDecision(summary, None, "the item holds no package data (only instance information)", label)
    if summary.is_noise and not post_noise:
        return AlertDecision(
            summary, None, "no package changed (only install times, package ids or non-package inventory)", label
        )
    channel = routes.channel_for(
        account=change.account_id or current.account_id,
        region=change.region or current.region,
        tags={**dict(change.tags), **tags},
        packages=[c.package for c in summary.changes],
    )
    if channel is None:
        return AlertDecision(summary, None, "no routing rule matched and no default channel is set", label)
    return AlertDecision(summary, channel, None, label)


def signature_key(summary: ChangeSummary) -> str:
    return hashlib.sha256(json.dumps(summary.signature()).encode()).hexdigest()[:32]


def render_post(post: AlertPost, summary: ChangeSummary) -> list[tuple[str, Message]]:
    """Every message Slack should show for a post: the channel message, then thread replies, by slot."""
    if not post.is_digest:
        label = post.servers[0].label
        slots = [("main", render_change_summary(summary, label))]
        if has_thread_detail(summary):
            slots += [(f"detail-{n}", m) for n, m in enumerate(render_change_detail(summary, label))]
        return slots
    servers = [
        DigestServer(s.label, s.node_id, datetime.fromtimestamp(s.head_captured, UTC)) for s in post.servers
    ]
    slots = [("main", render_fleet_digest(summary, servers))]
    if has_thread_detail(summary):
        slots += [(f"detail-{n}", m) for n, m in enumerate(render_change_detail(summary, "each server"))]
    for n, start in enumerate(range(0, len(servers), SERVERS_PER_REPLY)):
        slots.append((f"servers-{n}", render_digest_servers(servers[start : start + SERVERS_PER_REPLY], first=start + 1)))
    return slots


def _at(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None


def _digest(message: Message) -> str:
    return hashlib.sha256(json.dumps(message.payload(), sort_keys=True).encode()).hexdigest()[:32]


# --- the worker -----------------------------------------------------------------------------------------


@dataclass
class _Received:
    """One SQS message during a round."""

    message_id: str
    receipt: str
    body: str
    receive_count: int
    outcome: str = "pending"  # pending | delete | post | leave | release
    post_key: str | None = None


@dataclass
class RoundResult:
    received: int = 0
    deleted: int = 0
    skipped: int = 0
    left: int = 0
    released: int = 0
    delete_failures: int = 0
    slack_unavailable: bool = False


@dataclass
class _Round:
    posts: dict[str, AlertPost]
    summaries: dict[str, ChangeSummary] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    new_items: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    seen: dict[tuple[str, str], str | None] = field(default_factory=dict)


class _Heartbeat:
    """Extends the visibility of the round's messages until they are deleted, left or released."""

    def __init__(self, sqs: SQSClient, queue_url: str, *, every_s: float, timeout: int) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._every = every_s
        self._timeout = timeout
        self._receipts: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alerts-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def track(self, messages: Iterable[_Received]) -> None:
        with self._lock:
            self._receipts.update((m.message_id, m.receipt) for m in messages)

    def untrack(self, message_ids: Iterable[str]) -> None:
        with self._lock:
            for message_id in message_ids:
                self._receipts.pop(message_id, None)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            with self._lock:
                receipts = list(self._receipts.items())
            for start in range(0, len(receipts), 10):
                chunk = receipts[start : start + 10]
                try:
                    self._sqs.change_message_visibility_batch(
                        QueueUrl=self._queue_url,
                        Entries=[
                            {"Id": str(n), "ReceiptHandle": receipt, "VisibilityTimeout": self._timeout}
                            for n, (_, receipt) in enumerate(chunk)
                        ],
                    )
                except (ClientError, BotoCoreError) as error:
                    log.warning("could not extend the visibility of %d messages: %s", len(chunk), error)


class AlertWorker:
    """Runs rounds until stopped; `run_once` is one round (tests and the benchmark drive it directly)."""

    def __init__(
        self,
        *,
        sqs: SQSClient,
        queue_url: str,
        source: ItemSource,
        directory: ServerDirectory,
        poster: AlertPoster,
        store: AlertStore,
        routes: AlertRoutes,
        watchlist: Sequence[str],
        window: timedelta,
        post_noise: bool = False,
        tuning: WorkerTuning = WorkerTuning(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.source = source
        self.directory = directory
        self.poster = poster
        self.store = store
        self.routes = routes
        self.watchlist = tuple(watchlist)
        self.window = window
        self.post_noise = post_noise
        self.tuning = tuning
        self.clock = clock
        self.totals = RoundResult()
        self.rounds = 0
        self._progress = threading.Condition()

    # --- the loop -------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Rounds until `stop` is set; the round in flight is finished, messages not started are released."""
        log.info("alert worker reading %s", self.queue_url)
        backoff = self.tuning.backoff_s
        while not stop.is_set():
            try:
                result = self.run_once(stop)
            except (PkgwhenError, ClientError, BotoCoreError) as error:
                log.error("receiving from %s failed: %s; trying again in %.0f s", self.queue_url, error, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, self.tuning.max_backoff_s)
                continue
            backoff = self.tuning.backoff_s
            if result.received == 0 and self.tuning.wait_seconds == 0:
                stop.wait(self.tuning.idle_pause_s)
        log.info("alert worker stopped")

    def run_once(self, stop: threading.Event | None = None) -> RoundResult:
        stop = stop or threading.Event()
        received = self._receive(stop)
        result = RoundResult(received=len(received))
        if not received:
            self._accumulate(result)
            return result
        heartbeat = _Heartbeat(
            self.sqs,
            self.queue_url,
            every_s=self.tuning.heartbeat_s or self.tuning.visibility_timeout / 3,
            timeout=self.tuning.visibility_timeout,
        )
        with heartbeat:
            heartbeat.track(received)
            self._round(received, stop, result)
            heartbeat.untrack(m.message_id for m in received)
        self._accumulate(result)
        return result

    def _accumulate(self, result: RoundResult) -> None:
        with self._progress:
            for name in ("received", "deleted", "skipped", "left", "released", "delete_failures"):
                setattr(self.totals, name, getattr(self.totals, name) + getattr(result, name))
            self.rounds += 1
            self._progress.notify_all()

    def wait_for(self, predicate: Callable[[AlertWorker], bool], timeout: float) -> bool:
        """Block until `predicate(self)` holds, checked after every round; False when `timeout` passes first."""
        with self._progress:
            return self._progress.wait_for(lambda: predicate(self), timeout)

    def _receive(self, stop: threading.Event) -> list[_Received]:
        messages: list[_Received] = []
        wait = self.tuning.wait_seconds
        while len(messages) < self.tuning.round_size and not stop.is_set():
            with calling("sqs:ReceiveMessage"):
                answer = self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=min(self.tuning.batch_size, self.tuning.round_size - len(messages)),
                    WaitTimeSeconds=wait,
                    VisibilityTimeout=self.tuning.visibility_timeout,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                )
            got = answer.get("Messages", [])
            messages += [
                _Received(
                    message_id=m.get("MessageId", ""),
                    receipt=m.get("ReceiptHandle", ""),
                    body=m.get("Body", ""),
                    receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
                )
                for m in got
            ]
            if not got:
                break
            # Only the first receive waits: the rest take what is there now.
            wait = 0
        if stop.is_set() and messages:
            # Stopping while the receive was under way: nothing of these was started.
            self._set_visibility(messages, 0)
            for message in messages:
                message.outcome = "release"
            return []
        return messages

    # --- one round ------------------------------------------------------------------------------------

    def _round(self, received: list[_Received], stop: threading.Event, result: RoundResult) -> None:
        now = self.clock()
        state = _Round(posts={p.key: p for p in self.store.open_posts(now - self.window.total_seconds())})
        changes: dict[str, ConfigChange | Skip] = {}
        for message in received:
            try:
                changes[message.message_id] = parse_notification(message.body)
            except NotAConfigMessage as error:
                self._poison(message, str(error))
        self.directory.prefetch(c.node_id for c in changes.values() if isinstance(c, ConfigChange))

        for message in received:
            if message.outcome != "pending":
                continue
            if stop.is_set():
                message.outcome = "release"
                continue
            change = changes[message.message_id]
            try:
                self._handle(message, change, state, now)
            except (NotAConfigMessage, MalformedItem) as error:
                self._poison(message, str(error))
            except (ItemUnavailable, PkgwhenError, ClientError, BotoCoreError) as error:
                message.outcome = "leave"
                log.warning("message %s: %s; it stays on the queue for another try", message.message_id, error)
            except Exception:
                message.outcome = "leave"
                log.exception("message %s failed; it stays on the queue (receive %d)", message.message_id, message.receive_count)

        failed, waiting = self._flush(state, state.dirty, result)
        backoff = self.tuning.backoff_s
        # Slack down: keep the round's messages (the heartbeat keeps them hidden) and try again, rather than
        # letting each retry count towards the redrive policy; stopping hands them back to the queue.
        while waiting and not stop.is_set():
            log.warning("Slack is unavailable; %d alerts wait, next try in %.1f s", len(waiting), backoff)
            if stop.wait(backoff):
                break
            backoff = min(backoff * 2, self.tuning.max_backoff_s)
            more_failed, waiting = self._flush(state, waiting, result)
            failed |= more_failed
        for message in received:
            if message.outcome == "post":
                if message.post_key in waiting:
                    message.outcome = "release"
                elif message.post_key in failed:
                    message.outcome = "leave"
                else:
                    message.outcome = "delete"
        self._finish(received, result)

    def _poison(self, message: _Received, why: str) -> None:
        message.outcome = "leave"
        log.error(
            "message %s cannot be read (%s); left on the queue for its redrive policy (receive %d)",
            message.message_id,
            why,
            message.receive_count,
        )

    def _handle(self, message: _Received, change: ConfigChange | Skip, state: _Round, now: float) -> None:
        if isinstance(change, Skip):
            log.debug("message %s skipped: %s via %s", message.message_id, change.detail, change.delivery.value)
            message.outcome = "delete"
            return
        key = change.key
        if key in state.seen:
            self._attach(message, state.seen[key])
            return
        handled = self.store.handled(*key)
        if handled is not None:
            # A duplicate or a redelivery: done before, unless its post still has something to show.
            state.seen[key] = handled.post_key if handled.post_key in state.posts else None
            if state.seen[key] is not None:
                state.dirty.add(str(handled.post_key))
            self._attach(message, state.seen[key])
            return
        current = self.source.current(change)
        previous = self.source.previous(current)
        label = self.directory.label(change.node_id, current)
        decision = decide(
            change,
            current,
            previous,
            routes=self.routes,
            watchlist=self.watchlist,
            post_noise=self.post_noise,
            tags=self.directory.tags(change.node_id),
            label=label,
        )
        if decision.channel is None:
            log.debug("%s %s: not posted: %s", change.node_id, change.state_id, decision.skip)
            self.store.record_skip(*key, NO_CHANNEL if decision.skip and "routing" in decision.skip else NOISE, now)
            state.seen[key] = None
            message.outcome = "delete"
            return
        post_key = self._place(state, decision, current, previous, now)
        state.seen[key] = post_key
        state.new_items.setdefault(post_key, []).append(key)
        self._attach(message, post_key)

    @staticmethod
    def _attach(message: _Received, post_key: str | None) -> None:
        message.outcome = "post" if post_key is not None else "delete"
        message.post_key = post_key

    def _place(
        self,
        state: _Round,
        decision: AlertDecision,
        current: InventorySnapshot,
        previous: InventorySnapshot | None,
        now: float,
    ) -> str:
        """The post this item goes into: the server's own open message, a digest of the same change, or a new one."""
        channel = str(decision.channel)
        node_id = current.node_id
        own = [
            p for p in state.posts.values() if p.channel == channel and not p.is_digest and p.servers[0].node_id == node_id
        ]
        if own:
            merged = self._merge(state, max(own, key=lambda p: p.opened_at), current, previous, decision.label)
            if merged is not None:
                return merged
        summary = decision.summary
        signature = signature_key(summary)
        server = PostedServer(
            node_id=node_id,
            label=decision.label,
            base_state=previous.state_id if previous is not None else None,
            base_captured=previous.captured_at.timestamp() if previous is not None else None,
            head_state=current.state_id,
            head_captured=current.captured_at.timestamp(),
            items=(current.state_id,),
        )
        alike = [
            p for p in state.posts.values() if p.channel == channel and p.signature == signature and p.server(node_id) is None
        ]
        if alike:
            post = max(alike, key=lambda p: p.opened_at)
            state.posts[post.key] = replace(post, servers=(*post.servers, server))
            state.summaries.setdefault(post.key, summary)
        else:
            post = AlertPost(channel=channel, opened_at=now, signature=signature, servers=(server,))
            state.posts[post.key] = post
            state.summaries[post.key] = summary
        state.dirty.add(post.key)
        return post.key

    def _merge(
        self,
        state: _Round,
        post: AlertPost,
        current: InventorySnapshot,
        previous: InventorySnapshot | None,
        label: str,
    ) -> str | None:
        """Fold an item into the server's open message: the message then spans from the earliest base to the latest head."""
        span = post.servers[0]
        if current.state_id in span.items:
            return post.key
        base_state, base_captured = span.base_state, span.base_captured
        if span.base_state is not None and (previous is None or previous.captured_at.timestamp() < (span.base_captured or 0)):
            base_state = previous.state_id if previous is not None else None
            base_captured = previous.captured_at.timestamp() if previous is not None else None
        if current.captured_at.timestamp() > span.head_captured:
            head_state, head_captured, head = current.state_id, current.captured_at.timestamp(), current
        else:
            head_state, head_captured = span.head_state, span.head_captured
            found = self.source.snapshot(current.node_id, span.head_state, _at(span.head_captured))
            if found is None:
                return None
            head = found
        base = self.source.snapshot(current.node_id, base_state, _at(base_captured)) if base_state is not None else None
        if base_state is not None and base is None:
            return None
        summary = summarize(base, head, watchlist=self.watchlist)
        merged = PostedServer(
            node_id=current.node_id,
            label=label,
            base_state=base_state,
            base_captured=base_captured,
            head_state=head_state,
            head_captured=head_captured,
            items=(*span.items, current.state_id),
        )
        state.posts[post.key] = replace(post, servers=(merged,), signature=signature_key(summary))
        state.summaries[post.key] = summary
        state.dirty.add(post.key)
        return post.key

    def _summary_of(self, state: _Round, post: AlertPost) -> ChangeSummary | None:
        if post.key in state.summaries:
            return state.summaries[post.key]
        first = post.servers[0]
        head = self.source.snapshot(first.node_id, first.head_state, _at(first.head_captured))
        base = self.source.snapshot(first.node_id, first.base_state, _at(first.base_captured)) if first.base_state else None
        if head is None:
            return None
        state.summaries[post.key] = summarize(base, head, watchlist=self.watchlist)
        return state.summaries[post.key]

    # --- Slack ----------------------------------------------------------------------------------------

    def _flush(self, state: _Round, keys: Iterable[str], result: RoundResult) -> tuple[set[str], set[str]]:
        """Make Slack show these posts; return (keys that failed for good this round, keys waiting for Slack)."""
        failed: set[str] = set()
        waiting: set[str] = set()
        for key in sorted(keys, key=lambda k: state.posts[k].opened_at if k in state.posts else 0):
            post = state.posts.get(key)
            if post is None:
                continue
            if waiting:
                # Slack is down: the rest waits too, without a call each.
                waiting.add(key)
                continue
            try:
                self._show(post, state)
            except SlackUnavailable as error:
                log.warning("Slack unavailable while posting to %s: %s", post.channel, error)
                result.slack_unavailable = True
                waiting.add(key)
            except SlackRejected as error:
                log.error("Slack refused an alert for %s (%s); its messages stay on the queue", post.channel, error)
                failed.add(key)
            except (ItemUnavailable, PkgwhenError, ClientError, BotoCoreError) as error:
                log.warning("could not render an alert for %s: %s", post.channel, error)
                failed.add(key)
        return failed, waiting

    def _show(self, post: AlertPost, state: _Round) -> None:
        summary = self._summary_of(state, post)
        if summary is None:
            raise ItemUnavailable(f"the items of post {post.key} are no longer in Config's history")
        items = state.new_items.get(post.key, [])
        for slot, message in render_post(post, summary):
            digest = _digest(message)
            if slot == "main":
                if post.ts is None:
                    ts = self.poster.post(post.channel, message)
                    post = replace(post, ts=ts).showing(slot, digest)
                elif post.shown_hash(slot) != digest:
                    reposted = self._update(post.channel, post.ts, message, thread_ts=None)
                    if reposted is not None:
                        # Someone deleted the alert: it is posted again and its thread follows it.
                        post = replace(post, ts=reposted, shown=(), replies=())
                    post = post.showing(slot, digest)
                else:
                    continue
                # Recorded at once, with the items it shows: a crash after this never posts them again.
                self.store.save_post(post, self.clock(), items)
                state.posts[post.key] = post
                continue
            reply_ts = post.reply_ts(slot)
            if reply_ts is None:
                new_ts = self.poster.post(post.channel, message, thread_ts=post.ts)
                post = post.showing(slot, digest, new_ts)
            elif post.shown_hash(slot) != digest:
                reposted = self._update(post.channel, reply_ts, message, thread_ts=post.ts)
                post = post.showing(slot, digest, reposted)
            else:
                continue
            self.store.save_post(post, self.clock())
            state.posts[post.key] = post
        # Items of a post whose text did not change (a duplicate folded in) are recorded too.
        self.store.save_post(post, self.clock(), items)
        state.posts[post.key] = post

    def _update(self, channel: str, ts: str, message: Message, *, thread_ts: str | None) -> str | None:
        """chat.update; when the message was deleted meanwhile, post it again and return the new ts."""
        try:
            self.poster.update(channel, ts, message)
        except SlackRejected as error:
            if error.error != "message_not_found":
                raise
            return self.poster.post(channel, message, thread_ts=thread_ts)
        return None

    # --- the queue ------------------------------------------------------------------------------------

    def _finish(self, received: list[_Received], result: RoundResult) -> None:
        done = [m for m in received if m.outcome == "delete"]
        left = [m for m in received if m.outcome == "leave"]
        released = [m for m in received if m.outcome == "release"]
        result.skipped = sum(1 for m in done if m.post_key is None)
        result.delete_failures = self._delete(done)
        result.deleted = len(done) - result.delete_failures
        self._set_visibility(left, self.tuning.retry_delay_s)
        self._set_visibility(released, 0)
        result.left, result.released = len(left), len(released)

    def _delete(self, messages: Sequence[_Received]) -> int:
        failures = 0
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            try:
                with calling("sqs:DeleteMessageBatch"):
                    answer = self.sqs.delete_message_batch(
                        QueueUrl=self.queue_url,
                        Entries=[{"Id": str(n), "ReceiptHandle": m.receipt} for n, m in enumerate(chunk)],
                    )
            except (PkgwhenError, ClientError, BotoCoreError) as error:
                log.warning("deleting %d messages failed (%s); they will come back and be recognised", len(chunk), error)
                failures += len(chunk)
                continue
            for failure in answer.get("Failed", []):
                failures += 1
                message = chunk[int(failure["Id"])]
                log.warning(
                    "message %s was not deleted (%s: %s); its alert is recorded, a redelivery will not repeat it",
                    message.message_id,
                    failure.get("Code"),
                    failure.get("Message", ""),
                )
        return failures

    def _set_visibility(self, messages: Sequence[_Received], seconds: int) -> None:
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            try:
                answer = self.sqs.change_message_visibility_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m.receipt, "VisibilityTimeout": seconds}
                        for n, m in enumerate(chunk)
                    ],
                )
                for failure in answer.get("Failed", []):
                    log.warning("visibility of message %s not changed: %s", chunk[int(failure["Id"])].message_id, failure.get("Code"))
            except (ClientError, BotoCoreError) as error:
                log.warning("visibility of %d messages not changed: %s", len(chunk), error)


# --- construction ---------------------------------------------------------------------------------------


def alert_store_path(settings: Settings) -> str:
    return str(settings.state_dir / "alerts.sqlite3")


def build_alert_worker(
    settings: Settings,
    aws: AwsClients | None = None,
    *,
    index: HistoryIndex | None = None,
    tuning: WorkerTuning = WorkerTuning(),
    clock: Callable[[], float] = time.time,
) -> AlertWorker:
    """The worker for the configured queue; raise SettingsError when there is no queue or no channel."""
    if not settings.queue_url:
        raise SettingsError("PKGWHEN_QUEUE_URL", "not set; set it to the URL of the SQS queue Config notifies")
    try:
        routes = load_routes(settings.routes_file, settings.alert_channel)
    except RoutesError as error:
        raise SettingsError("PKGWHEN_ROUTES_FILE", str(error)) from error
    if not routes.default_channel and not routes.routes:
        raise SettingsError(
            "PKGWHEN_ALERT_CHANNEL", "not set; set it to the channel ID (C…) alerts go to, or give a routes file"
        )
    aws = aws or AwsClients.from_settings(settings)
    history_index = index or HistoryIndex(settings.index_path)
    history = ConfigHistory(
        aws.config_history(),
        history_index,
        concurrency=settings.history_concurrency,
        attempts=settings.aws_max_attempts,
    )
    return AlertWorker(
        sqs=aws.sqs(),
        queue_url=settings.queue_url,
        source=ItemSource(history, history_index, aws.s3()),
        directory=ServerDirectory(aws.ec2()),
        poster=AlertPoster(alert_client(settings)),
        store=AlertStore(alert_store_path(settings)),
        routes=routes,
        watchlist=settings.watchlist,
        window=settings.alert_window,
        post_noise=settings.post_noise,
        tuning=tuning,
        clock=clock,
    )


def start_alert_worker(worker: AlertWorker) -> tuple[threading.Thread, threading.Event]:
    """Run the worker in a thread (for `pkgwhen serve` and the demo); set the event to stop it, then join."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="alert-worker", daemon=True)
    thread.start()
    return thread, stop


def describe_round(result: RoundResult) -> dict[str, Any]:
    return {
        "received": result.received,
        "deleted": result.deleted,
        "skipped": result.skipped,
        "left": result.left,
        "released": result.released,
    }


def worker_command(wait_seconds: int = 20, visibility_timeout: int = 120, retry_delay: int = 30) -> int:
    """`pkgwhen worker`: run until SIGTERM/SIGINT, then finish the round in flight, release the rest, exit 0."""
    import signal
    from types import FrameType

    from bot import logs

    settings = Settings.from_env(require_slack=False)
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN", "not set; set it to the app's Bot User OAuth Token (xoxb-…)")
    logs.configure(settings.log_level, settings.log_format, secrets=(settings.slack_bot_token,))
    tuning = WorkerTuning(
        wait_seconds=max(0, min(20, wait_seconds)),
        visibility_timeout=max(1, visibility_timeout),
        retry_delay_s=max(0, retry_delay),
    )
    worker = build_alert_worker(settings, tuning=tuning)
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: finishing the messages in flight, releasing the rest", signum)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    try:
        worker.run(stop)
    finally:
        worker.store.close()
    return 0


def alert_companion(services: Services, stopping: threading.Event) -> Callable[[], None] | None:
    """For `pkgwhen serve` (bot.serve.companions): run the worker beside the bot when a queue is configured.

    The worker stops receiving when `stopping` is set; the returned stopper waits for its round in flight.
    """
    settings = services.settings
    if not settings.queue_url:
        return None
    worker = build_alert_worker(settings, services.aws, index=services.index)
    thread = threading.Thread(target=worker.run, args=(stopping,), name="alert-worker", daemon=True)
    thread.start()

    def stop() -> None:
        thread.join()
        worker.store.close()

    return stop
