"""A refresh followed through: requested → running → collected → recorded by Config, or no change, or a time limit.

`RefreshRun.advance(observation)` is the whole decision, pure: what was read from AWS at one moment moves
the run to its next stage. `follow` drives it with a clock and a wait between polls, and `Observer`
makes one observation from the gateways. Time limits are honest: a run that collected but has no new
Config item after `timeout` says exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.associations import AssociationGateway
from bot.fleet_gateway import FleetGateway
from bot.history import ConfigHistory
from bot.inventory import InventoryKind, InventorySnapshot
from bot.span_store import ServerRef, SpanStore

# Run statuses (Run Command invocation or association execution) that end a run without a capture.
FAILED_STATUSES = frozenset(
    {"Failed", "TimedOut", "DeliveryTimedOut", "Cancelled", "Undeliverable", "Terminated"}
)
RUNNING_STATUSES = frozenset({"InProgress", "Success"})


class Stage(StrEnum):
    REQUESTED = "requested"
    RUNNING = "running"
    COLLECTED = "collected"
    RECORDED = "recorded"  # Config recorded a new item: packages (or agent details) changed
    UNCHANGED = "unchanged"  # collected, and the capture is the same as Config's latest item
    NOT_COLLECTED = "not collected"  # no new capture within the time limit
    NOT_RECORDED = "not recorded"  # collected and different, but no Config item within the time limit
    FAILED = "failed"  # the run ended without collecting


FINAL_STAGES = frozenset(
    {Stage.RECORDED, Stage.UNCHANGED, Stage.NOT_COLLECTED, Stage.NOT_RECORDED, Stage.FAILED}
)


@dataclass(frozen=True)
class Observation:
    """What the gateways said at `at`; None means not read (or not known yet)."""

    at: datetime
    run_status: str | None = None
    captured_at: datetime | None = None
    # Capture time of Config's newest item for the node.
    recorded_at: datetime | None = None
    # After collection: whether SSM's capture differs from Config's latest item.
    content_changed: bool | None = None


@dataclass(frozen=True)
class RefreshRun:
    """One refresh of one server (or of a whole association, followed on one of its servers)."""

    node_id: str
    started_at: datetime
    previous_capture: datetime | None
    timeout: timedelta
    # False when the write call got no answer: the run may not exist, so it is only watched for.
    confirmed: bool = True
    stage: Stage = Stage.REQUESTED
    captured_at: datetime | None = None
    collected_seen_at: datetime | None = None
    recorded_at: datetime | None = None
    run_status: str | None = None

    @property
    def finished(self) -> bool:
        return self.stage in FINAL_STAGES

    def advance(self, seen: Observation) -> RefreshRun:
        """The run after this observation (itself when nothing changed)."""
        if self.finished:
            return self
        run = self
        if seen.run_status is not None:
            run = replace(run, run_status=seen.run_status)
        if run.stage in (Stage.REQUESTED, Stage.RUNNING):
            if seen.captured_at is not None and (
                run.previous_capture is None or seen.captured_at > run.previous_capture
            ):
                run = replace(
                    run, stage=Stage.COLLECTED, captured_at=seen.captured_at, collected_seen_at=seen.at
                )
            elif seen.run_status in FAILED_STATUSES:
                return replace(run, stage=Stage.FAILED)
            elif seen.at - run.started_at >= run.timeout:
                return replace(run, stage=Stage.NOT_COLLECTED)
            else:
                if seen.run_status in RUNNING_STATUSES and run.stage is Stage.REQUESTED:
                    run = replace(run, stage=Stage.RUNNING)
                return run
        # Collected: Config records an item only when the content changed.
        if seen.recorded_at is not None and seen.recorded_at >= run.started_at.replace(microsecond=0):
            return replace(run, stage=Stage.RECORDED, recorded_at=seen.recorded_at)
        if seen.content_changed is False:
            return replace(run, stage=Stage.UNCHANGED)
        collected = run.collected_seen_at or seen.at
        if seen.at - collected >= run.timeout:
            return replace(run, stage=Stage.NOT_RECORDED)
        return run


def follow(
    run: RefreshRun,
    observe: Callable[[RefreshRun], Observation],
    show: Callable[[RefreshRun], None],
    *,
    wait: Callable[[float], object],
    interval: timedelta,
) -> RefreshRun:
    """Poll until the run is finished; `show` is called once per new stage (the reply's budget is small)."""
    show(run)
    while not run.finished:
        wait(interval.total_seconds())
        following = run.advance(observe(run))
        if following.stage is not run.stage:
            show(following)
        run = following
    return run


@dataclass(frozen=True)
class Recorded:
    """Config's items around a refresh: the newest before it and the new one (None when none)."""

    previous: InventorySnapshot | None
    current: InventorySnapshot | None


class Observer:
    """Makes observations of one run from the gateways; remembers what later messages need."""

    def __init__(
        self,
        associations: AssociationGateway,
        history: ConfigHistory,
        store: SpanStore,
        server: ServerRef,
        fleet: FleetGateway,
        *,
        clock: Callable[[], datetime],
        command_id: str | None = None,
        association_id: str | None = None,
    ) -> None:
        self._associations = associations
        self._history = history
        self._store = store
        self._server = server
        self._fleet = fleet
        self._clock = clock
        self._command_id = command_id
        self._association_id = association_id
        self.ssm_capture: InventorySnapshot | None = None

    def __call__(self, run: RefreshRun) -> Observation:
        if run.stage in (Stage.REQUESTED, Stage.RUNNING):
            status = self._run_status(run)
            return Observation(
                at=self._clock(), run_status=status, captured_at=self._associations.capture_time(run.node_id)
            )
        recorded = self.recorded(run)
        if recorded.current is not None and recorded.current.captured_at >= run.started_at.replace(
            microsecond=0
        ):
            return Observation(at=self._clock(), recorded_at=recorded.current.captured_at)
        return Observation(at=self._clock(), content_changed=self._differs(run, recorded.current))

    def _run_status(self, run: RefreshRun) -> str | None:
        if self._command_id is not None:
            return self._associations.command_status(self._command_id, run.node_id)
        if self._association_id is not None:
            latest = self._associations.latest_run(self._association_id, run.started_at)
            return latest.status if latest is not None else None
        return None

    def recorded(self, run: RefreshRun) -> Recorded:
        """Config's newest item with packages before the run, and the newest one at all."""
        # A refresh waits for a new item: read Config whatever the store's freshness window says.
        self._history.read_spans(self._server, self._store, fresh=True)
        items = self._store.items(self._server)
        if not items:
            return Recorded(None, None)
        cutoff = run.started_at.replace(microsecond=0)
        current = items[-1]
        before = [f for f in items if f.captured_at < cutoff and f.packages_known]
        wanted = [current.captured_at] + ([before[-1].captured_at] if before else [])
        whole = {s.captured_at: s for s in self._store.snapshots_at(self._server, wanted)}
        return Recorded(whole.get(before[-1].captured_at) if before else None, whole.get(current.captured_at))

    def _differs(self, run: RefreshRun, latest: InventorySnapshot | None) -> bool:
        current = self._fleet.current_inventory(run.node_id, {kind.value: [] for kind in InventoryKind})
        self.ssm_capture = InventorySnapshot(
            node_id=run.node_id,
            captured_at=current.captured_at or run.captured_at or run.started_at,
            state_id="ssm-inventory",
            status="OK",
            packages=current.packages,
            platform=latest.platform if latest is not None else None,
        )
        if latest is None or not latest.packages_known:
            return True
        return dict(latest.package_states()) != dict(self.ssm_capture.package_states())
