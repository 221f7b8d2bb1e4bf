"""Where an alert's facts come from: the changed item and its predecessor (Config, the index, S3), and EC2 tags.

Both are gateways with bounded memory: parsed items live in the byte-bounded SnapshotCache shared with
the rest of the bot, tags in a bounded cache with a time to live. A failed EC2 read is never cached:
tags are unknown until EC2 answers, and unknown tags hold an alert back rather than misroute it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws import calling
from bot.caching import BoundedCache
from bot.change_notifications import ConfigChange, notification_from_s3_object, split_location
from bot.errors import NoHistory, PkgwhenError
from bot.history import ConfigHistory
from bot.index import HistoryIndex, StoredItem
from bot.inventory import InventorySnapshot, parse_configuration_item
from bot.snapshots import SnapshotCache

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("pkgwhen.alerts")

TAG_CACHE_ENTRIES = 50_000
DESCRIBE_CHUNK = 200


class ItemUnavailable(Exception):
    """The full item of an oversized notification is neither in Config's history nor in S3 (yet)."""


class TagsUnknown(Exception):
    """EC2 did not say the server's tags (it failed or refused): the alert waits rather than go to the wrong place."""


class ItemSource:
    """Full items and their predecessors: the local index when it covers them, else a targeted Config read, else S3.

    A first alert about a server must not read its whole history (a year is ~52 calls): the predecessor
    is read backwards from the item's capture time, as AWS's rule sample reads an oversized item.
    """

    def __init__(
        self,
        history: ConfigHistory,
        index: HistoryIndex | None,
        s3: S3Client | None,
        *,
        snapshots: SnapshotCache | None = None,
    ) -> None:
        self._history = history
        self._index = index
        self._s3 = s3
        self.snapshots = snapshots if snapshots is not None else SnapshotCache()

    def remember(self, snapshot: InventorySnapshot) -> InventorySnapshot:
        return self.snapshots.remember(snapshot)

    def snapshot(self, node_id: str, state_id: str, captured_at: datetime | None = None) -> InventorySnapshot | None:
        """One item by state id: remembered, in the index, or read from Config at its capture time."""
        found = self.snapshots.get(node_id, state_id)
        if found is not None:
            return found
        for stored in self._covered(node_id) or ():
            if stored.state_id == state_id:
                return self.snapshots.parsed(stored)
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
            return self._newest_known_before(
                current, (self.snapshots.parsed(i) for i in reversed(covered) if i.captured_at < current.captured_at)
            )
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
        return self._newest_known_before(current, (self.snapshots.parsed(i) for i in stored))

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
    """Names and tags of servers, for labels and routing; EC2 tags read in batches and kept a while (bounded)."""

    def __init__(
        self,
        ec2: EC2Client | None,
        *,
        ttl_s: float = 600.0,
        capacity: int = TAG_CACHE_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ec2 = ec2
        self._tags: BoundedCache[str, dict[str, str]] = BoundedCache(capacity, ttl_s=ttl_s, clock=clock)
        # Why the last read failed; failures are remembered only to say so, never as tags.
        self.failure: str | None = None

    def prefetch(self, node_ids: Iterable[str]) -> None:
        """Read the tags of the EC2 instances among `node_ids` that are not known now (a failure leaves them unknown)."""
        wanted = sorted({n for n in node_ids if n.startswith("i-") and self._tags.get(n) is None})
        if not wanted or self._ec2 is None:
            return
        found: dict[str, dict[str, str]] = {n: {} for n in wanted}
        try:
            for start in range(0, len(wanted), DESCRIBE_CHUNK):
                chunk = wanted[start : start + DESCRIBE_CHUNK]
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
            self.failure = str(error)
            log.warning("EC2 tags of %d servers not read (%s); their alerts wait for them", len(wanted), error)
            return
        self.failure = None
        for node_id, tags in found.items():
            self._tags.put(node_id, tags)

    def __len__(self) -> int:
        """How many servers' tags are kept now (never more than the capacity)."""
        return len(self._tags)

    def tags(self, node_id: str) -> dict[str, str] | None:
        """The server's tags; {} for a server that is no EC2 instance; None while EC2 has not said."""
        if not node_id.startswith("i-") or self._ec2 is None:
            return {}
        found = self._tags.get(node_id)
        return dict(found) if found is not None else None

    def known_tags(self, node_id: str) -> dict[str, str]:
        """The tags, reading them now if they are not known; raise TagsUnknown when EC2 does not say."""
        found = self.tags(node_id)
        if found is None:
            self.prefetch([node_id])
            found = self.tags(node_id)
        if found is None:
            raise TagsUnknown(f"EC2 tags of {node_id} are unknown ({self.failure or 'no answer'})")
        return found

    @staticmethod
    def label(node_id: str, tags: dict[str, str], snapshot: InventorySnapshot | None) -> str:
        name = tags.get("Name")
        if not name and snapshot is not None and snapshot.platform and snapshot.platform.computer_name:
            name = snapshot.platform.computer_name.split(".")[0]
        return name or node_id
