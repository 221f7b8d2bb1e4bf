"""Reading a server's inventory history from AWS Config: 7-day windows fetched concurrently, kept in the index.

GetResourceConfigHistory spans at most seven days per call, so a year costs ~52 calls however they are
made (AWS-NOTES §3). A pager that follows `nextToken` makes them one after another; pkgwhen finds the
first item with one call, then asks for every 7-day window at once (bounded), and keeps what it read in
the local index so the next question reads only what is newer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from bot.aws.clients import calling, error_code, paged, read_history_pages_quickly, transient
from bot.aws.pacing import Pacer
from bot.core.config_items import PackageEntry, parse_time
from bot.core.errors import NoHistory, NotRecording, PkgwhenError, Throttled
from bot.core.servers import ServerRef
from bot.core.spans import ItemFacts
from bot.store.item_index import ItemIndex, StoredItem
from bot.store.span_store import SpanStore

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

log = logging.getLogger("pkgwhen.history")

RESOURCE_TYPE: Final = "AWS::SSM::ManagedInstanceInventory"
SPAN = timedelta(days=7)
# Config can record an item a little after its capture time; re-read this much before the last read.
OVERLAP = timedelta(hours=1)
MAX_PAGES_PER_WINDOW = 50
# Attempts of one call while Config throttles (paced, so each waits longer), and on server errors.
THROTTLED_ATTEMPTS = 10
# Throttled for this long with no success in between, Config is in an outage, not at a rate: each later call
# makes one attempt, so a worker holds its alerts (and a question says so) in seconds, not minutes of waits.
THROTTLED_PATIENCE_S = 10.0

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HistoryRead:
    """The items of one server (API form, oldest first) and what reading them cost."""

    node_id: str
    items: tuple[StoredItem, ...]
    calls: int
    read_from: datetime | None
    read_until: datetime


@dataclass(frozen=True)
class SpanReadResult:
    """What a read into the span store added and cost."""

    node_id: str
    added: int
    calls: int
    read_from: datetime | None
    read_until: datetime


def capture_time(item: dict[str, Any]) -> datetime:
    return parse_time(item["configurationItemCaptureTime"])


def windows(start: datetime, end: datetime, span: timedelta = SPAN) -> list[tuple[datetime, datetime]]:
    """[start, end] cut into consecutive spans of at most `span`."""
    cuts: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        cuts.append((cursor, min(cursor + span, end)))
        cursor += span
    return cuts or [(start, end)]


class ConfigHistory:
    """The gateway to Config history for `AWS::SSM::ManagedInstanceInventory` items."""

    def __init__(
        self,
        client: ConfigServiceClient,
        index: ItemIndex,
        *,
        concurrency: int = 8,
        attempts: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        pacer: Pacer | None = None,
        fresh_for: timedelta = timedelta(0),
    ) -> None:
        self._client = client
        read_history_pages_quickly(client)
        self._attempts = attempts
        self._pacer = pacer or Pacer()
        # A server read this recently is answered from the store without asking Config again.
        self._fresh_for = fresh_for
        self._index = index
        self._concurrency = concurrency
        self._clock = clock
        self._calls = 0
        self._calls_lock = threading.Lock()
        # One read per server at a time: a second question waits and then reads only what is new.
        self._node_locks: dict[str, threading.Lock] = {}

    @property
    def calls(self) -> int:
        return self._calls

    def read(self, node_id: str, progress: Progress | None = None) -> HistoryRead:
        """Every item of the server, from the index plus what Config recorded since."""
        with self._lock_for(node_id):
            before = self._calls
            now = self._clock()
            coverage = self._index.coverage(node_id)
            if coverage is None:
                first = self._first_item(node_id)
                start = capture_time(first)
                fetched: dict[str, dict[str, Any]] = {first["configurationStateId"]: first}
            else:
                start = coverage.read_until - OVERLAP
                fetched = {}
            cuts = windows(start, now)
            done = 0
            done_lock = threading.Lock()

            def fetch(window: tuple[datetime, datetime]) -> list[dict[str, Any]]:
                nonlocal done
                items = self._window(node_id, *window)
                with done_lock:
                    done += 1
                    if progress is not None:
                        progress(done, len(cuts))
                return items

            with ThreadPoolExecutor(max_workers=min(self._concurrency, len(cuts)), thread_name_prefix="history") as pool:
                for window_items in pool.map(fetch, cuts):
                    for item in window_items:
                        fetched[item["configurationStateId"]] = item
            first_capture = coverage.first_capture if coverage else start
            self._index.store(
                node_id,
                ((state_id, capture_time(item), item) for state_id, item in fetched.items()),
                first_capture=first_capture,
                read_until=now,
            )
            # What was read counts even when the index could not keep it (a full disk): nothing is lost.
            by_state = {s.state_id: s for s in self._index.items(node_id)}
            for state_id, item in fetched.items():
                by_state.setdefault(state_id, StoredItem.of(node_id, state_id, capture_time(item), item))
            stored = sorted(by_state.values(), key=lambda s: (s.captured_at, s.state_id))
            log.info(
                "history of %s: %d items, %d new, %d calls (%s)",
                node_id,
                len(stored),
                len(fetched),
                self._calls - before,
                "from the index" if coverage else "cold",
            )
            return HistoryRead(
                node_id=node_id,
                items=tuple(stored),
                calls=self._calls - before,
                read_from=start,
                read_until=now,
            )

    def read_spans(
        self, server: ServerRef, store: SpanStore, progress: Progress | None = None, *, fresh: bool = False
    ) -> SpanReadResult:
        """Read what Config recorded since the store's coverage into the store, item by item as windows arrive.

        Windows are fetched concurrently but handed to the store oldest first; each item is parsed once, in
        the thread that fetched it, and only its spans' changes stay in memory. At most twice the
        concurrency of windows wait, parsed, for their turn.
        """
        node_id = server.node_id
        with self._lock_for(node_id):
            before = self._calls
            now = self._clock()
            coverage = store.coverage(server)
            if coverage is not None and not fresh and now - coverage.read_until < self._fresh_for:
                # Read moments ago (a question just before, or alerts keep it current): nothing to ask Config.
                return SpanReadResult(node_id, added=0, calls=0, read_from=None, read_until=coverage.read_until)
            read = store.begin_read(server)
            if coverage is None:
                first = self._first_item(node_id)
                start = capture_time(first)
                read.add_item(first)
            else:
                start = coverage.read_until - OVERLAP
            cuts = windows(start, now)
            # Window n is fetched only once window n - ahead is in the store. A count of free slots (a
            # semaphore) is not enough: a later window can take the slot freed for an earlier one, and once
            # every slot is held by later windows the reader waits for ever on the earlier one.
            ahead = 2 * self._concurrency
            turn = threading.Condition()
            taken = 0  # windows handed to the store, oldest first
            stopping = threading.Event()
            done = 0
            done_lock = threading.Lock()

            def fetch(n: int, window: tuple[datetime, datetime]) -> list[tuple[ItemFacts, Sequence[PackageEntry] | None]]:
                nonlocal done
                with turn:
                    turn.wait_for(lambda: stopping.is_set() or n < taken + ahead)
                if stopping.is_set():
                    return []
                items = self._window(node_id, *window)
                items.reverse()
                parsed = []
                while items:  # each item's text is let go as soon as it is read: a window can be 5 MB
                    parsed.append(read.reader.read(items.pop()))
                with done_lock:
                    done += 1
                    if progress is not None:
                        progress(done, len(cuts))
                return parsed

            with ThreadPoolExecutor(max_workers=min(self._concurrency, len(cuts)), thread_name_prefix="history") as pool:
                futures = [pool.submit(fetch, n, cut) for n, cut in enumerate(cuts)]
                try:
                    for future in futures:
                        for facts, entries in future.result():
                            read.add_read(facts, entries)
                        with turn:
                            taken += 1
                            turn.notify_all()
                finally:
                    # On a failure, fetchers still waiting for their turn must not wait for ever: free them all.
                    stopping.set()
                    for future in futures:
                        future.cancel()
                    with turn:
                        turn.notify_all()
            first_capture = coverage.first_capture if coverage else start
            added = read.commit(first_capture=first_capture, read_until=now)
            log.info(
                "history of %s: %d new items, %d calls (%s)",
                node_id,
                added,
                self._calls - before,
                "from the store" if coverage else "cold",
            )
            return SpanReadResult(node_id=node_id, added=added, calls=self._calls - before, read_from=start, read_until=now)

    def items_before(
        self, node_id: str, later: datetime, *, limit: int = 2, patient: bool = True
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items captured at or before `later`, newest first, and whether the history was read to its start.

        As AWS's own rule sample reads an item at its capture time (`laterTime`, reverse order); pages span
        seven days, so empty pages that carry a `nextToken` are followed, at most MAX_PAGES_PER_WINDOW.
        Used by change alerts for one item and its predecessor without reading the whole history.

        `later` is rounded up to its next whole second: botocore before sub-second timestamps sent
        `laterTime` in whole seconds, and an item captured at 04:24:23.050 must be found at or before it
        (an item captured later within that second is skipped by the caller, who knows the item's id).
        `patient=False` makes one attempt per call (no waits on throttling or server errors), for reads
        made ahead of need that the caller can make again patiently.
        """
        if later.microsecond:
            later = later.replace(microsecond=0) + timedelta(seconds=1)
        items: list[dict[str, Any]] = []
        complete = False
        pages = paged(
            self._call,
            "nextToken",
            "nextToken",
            resourceId=node_id,
            laterTime=later,
            chronologicalOrder="Reverse",
            limit=limit,
            patient=patient,
        )
        for page in islice(pages, MAX_PAGES_PER_WINDOW):
            items.extend(dict(i) for i in page.get("configurationItems", []))
            complete = not page.get("nextToken")
            if len(items) >= limit:
                break
        return items[:limit], complete

    def recorder_records_inventory(self) -> None:
        """Raise NotRecording unless a Config recorder records AWS::SSM::ManagedInstanceInventory."""
        with calling("config:DescribeConfigurationRecorders"):
            recorders = self._client.describe_configuration_recorders().get("ConfigurationRecorders", [])
        if not recorders:
            raise NotRecording(recorder_exists=False)
        for recorder in recorders:
            group = recorder.get("recordingGroup", {})
            if RESOURCE_TYPE in group.get("resourceTypes", []):
                return
            if group.get("allSupported") and RESOURCE_TYPE not in group.get("exclusionByResourceTypes", {}).get(
                "resourceTypes", []
            ):
                return
        raise NotRecording(recorder_exists=True)

    # --- calls ------------------------------------------------------------------------------------------
    def _lock_for(self, node_id: str) -> threading.Lock:
        with self._calls_lock:
            return self._node_locks.setdefault(node_id, threading.Lock())

    def _call(self, **params: Any) -> dict[str, Any]:
        """One GetResourceConfigHistory call, paced with the other readers and retried while throttled.

        The client makes one attempt per call (see AwsClients.config_history): throttling is retried here,
        where all readers share one pacer, and server errors a bounded number of times with a backoff.
        `patient=False`: one attempt, whose throttling or server error is raised at once. After
        `THROTTLED_PATIENCE_S` of nothing but throttles, every call is one attempt until a call succeeds.
        """
        patient = bool(params.pop("patient", True))
        server_errors = 0
        for _ in range(THROTTLED_ATTEMPTS if patient else 1):
            sent_at = self._pacer.wait()
            with self._calls_lock:
                self._calls += 1
            try:
                with calling("config:GetResourceConfigHistory"):
                    page = dict(self._client.get_resource_config_history(resourceType=RESOURCE_TYPE, **params))
                self._pacer.succeeded()
                return page
            except Throttled:
                self._pacer.throttled(sent_at)
                log.info("Config throttled a history read; calls now %.0f ms apart", self._pacer.gap * 1000)
                if self._pacer.throttled_for() >= THROTTLED_PATIENCE_S:
                    break
            except PkgwhenError as error:
                # AWS's 5xx or a failed connection: a bounded number of tries; credentials, permissions: at once.
                server_errors += 1
                if not transient(error) or server_errors >= self._attempts or not patient:
                    raise
                time.sleep(min(5.0, 0.25 * 2**server_errors))
            except ClientError as error:
                if error_code(error) == "ResourceNotDiscoveredException":
                    self.recorder_records_inventory()
                    raise NoHistory(params["resourceId"]) from error
                raise
        raise Throttled("Config", retry_after_s=30)

    def _first_item(self, node_id: str) -> dict[str, Any]:
        pages = paged(
            self._call, "nextToken", "nextToken", MAX_PAGES_PER_WINDOW, "Config",
            resourceId=node_id, chronologicalOrder="Forward", limit=1,
        )
        for page in pages:
            items = page.get("configurationItems", [])
            if items:
                return dict(items[0])
        raise NoHistory(node_id)

    def _window(self, node_id: str, earlier: datetime, later: datetime) -> list[dict[str, Any]]:
        pages = paged(
            self._call, "nextToken", "nextToken", MAX_PAGES_PER_WINDOW, "Config",
            resourceId=node_id, earlierTime=earlier, laterTime=later, chronologicalOrder="Forward", limit=100,
        )
        return [dict(item) for page in pages for item in page.get("configurationItems", [])]
