"""Where an alert's facts come from: the changed item and its predecessor (Config, the index, S3), and EC2 tags.

Both are gateways with bounded memory: parsed items live in the byte-bounded SnapshotCache shared with
the rest of the bot, tags in a bounded cache with a time to live. A failed EC2 read is never cached:
tags are unknown until EC2 answers, and unknown tags hold an alert back rather than misroute it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.alerts.notifications import ConfigChange, notification_from_s3_object, split_location
from bot.aws.clients import calling
from bot.aws.config_history import ConfigHistory
from bot.core.caching import BoundedCache
from bot.core.config_items import InventorySnapshot
from bot.core.errors import AwsUnavailable, NoHistory, PkgwhenError, Throttled
from bot.store.ingest import ItemReader
from bot.store.item_index import ItemIndex, StoredItem
from bot.store.snapshots import SnapshotCache

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("pkgwhen.alerts")

TAG_CACHE_ENTRIES = 50_000
# Distinct recorded entries the item reader remembers before it starts afresh (~1 KiB each).
READER_ENTRIES = 100_000
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
        index: ItemIndex | None,
        s3: S3Client | None,
        *,
        snapshots: SnapshotCache | None = None,
        concurrency: int = 16,
    ) -> None:
        self._history = history
        self._index = index
        self._s3 = s3
        self.snapshots = snapshots if snapshots is not None else SnapshotCache()
        self._concurrency = concurrency
        # One reader for the worker's life: an unchanged package is the same entry in every item, so an
        # item costs a lookup per entry and a diff looks only at what changed (bounded: READER_ENTRIES).
        self._reader = ItemReader()
        # This round's targeted reads: (server, state id) -> the item and the one before it, newest first.
        self._read: dict[tuple[str, str], tuple[list[InventorySnapshot], bool]] = {}

    def prefetch(self, changes: Iterable[ConfigChange]) -> None:
        """Read, all at once, the items a round's changes need from Config: one call per change (its item when
        the notification was oversized, and its predecessor) for each server the index does not cover.

        Replaces the last round's reads. A read that fails is only left out: the change's own handling
        reads it again and meets the failure where it decides what becomes of the message.
        """
        wanted = {
            (c.node_id, c.state_id): c
            for c in changes
            if self._covered(c.node_id, until=c.captured_at) is None
        }
        read: dict[tuple[str, str], tuple[list[InventorySnapshot], bool]] = {}
        self._read = read
        if not wanted:
            return

        failed = threading.Event()

        def fetch(change: ConfigChange) -> None:
            if failed.is_set():
                return  # Config is throttling or down: the round's handling waits for it, patiently
            try:
                items, complete = self._history.items_before(
                    change.node_id, change.captured_at, limit=2, patient=False
                )
            except NoHistory:
                read[(change.node_id, change.state_id)] = ([], True)
                return
            except (Throttled, AwsUnavailable) as error:
                log.debug("read ahead of %s %s: %s", change.node_id, change.state_id, error)
                failed.set()
                return
            except Exception as error:  # the change's own handling meets it again, where it is decided
                log.debug("read ahead of %s %s: %s", change.node_id, change.state_id, error)
                return
            read[(change.node_id, change.state_id)] = ([self._known_or_parsed(i) for i in items], complete)

        if self._concurrency <= 1:
            for change in wanted.values():
                fetch(change)
            return
        # One attempt per call, so the pool is done within about one call's time of a failure.
        with ThreadPoolExecutor(max_workers=min(self._concurrency, len(wanted)), thread_name_prefix="alert-read") as pool:
            list(pool.map(fetch, wanted.values()))

    def _parsed(self, item: Mapping[str, Any]) -> InventorySnapshot:
        """The item parsed once, its entries shared with every item met before that has them too."""
        if len(self._reader) > READER_ENTRIES:
            self._reader = ItemReader()
        return self.remember(self._reader.snapshot(item))

    def _known_or_parsed(self, item: Mapping[str, Any]) -> InventorySnapshot:
        """An item read from Config: the snapshot remembered for its state when there is one (a predecessor
        is often an item met before, its 2,000 entries already read), else the item parsed now."""
        node_id, state_id = item.get("resourceId"), item.get("configurationStateId")
        if isinstance(node_id, str) and isinstance(state_id, str) and state_id:
            found = self.snapshots.get(node_id, state_id)
            if found is not None:
                return found
        return self._parsed(item)

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
        parsed = [self._known_or_parsed(i) for i in items]
        return next((p for p in parsed if p.state_id == state_id), None)

    def current(self, change: ConfigChange) -> InventorySnapshot:
        """The changed item itself: from the notification, else Config's history, else the S3 object."""
        if change.item is not None:
            return self._parsed(change.item)
        read = self._read.get((change.node_id, change.state_id))
        found = next((s for s in read[0] if s.state_id == change.state_id), None) if read is not None else None
        if found is not None:
            return found
        # Config was asked at the item's capture time this round: asking again would tell nothing new.
        found = None if read is not None else self.snapshot(change.node_id, change.state_id, change.captured_at)
        if found is not None:
            return found
        if change.s3_location and self._s3 is not None:
            bucket, key = split_location(change.s3_location)
            with calling("s3:GetObject"):
                data = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            return self._parsed(notification_from_s3_object(data))
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
        read = self._read.get((current.node_id, current.state_id))
        if read is not None:
            candidates, complete = read
        else:
            try:
                # The item itself (when Config has it) and the one before: two items, however far back.
                items, complete = self._history.items_before(current.node_id, current.captured_at, limit=2)
            except NoHistory:
                return None
            candidates = [self._known_or_parsed(i) for i in items]
        found = self._newest_known_before(current, candidates)
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
