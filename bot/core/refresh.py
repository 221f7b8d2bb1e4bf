"""A refresh followed through: requested → running → collected → recorded by Config, or no change, or a time limit.

`RefreshRun.advance(observation)` is the whole decision, pure: what was read from AWS at one moment moves
the run to its next stage. `follow` drives it with a wait between polls and an `observe` function (the
refresh use case's, which reads the gateways). Time limits are honest: a run that collected but has no new
Config item after `timeout` says exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

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
class RefreshContext:
    """What a refresh message says besides the run's stage: on what, by whom, how it was started."""

    server_label: str
    user_id: str
    how: str  # "this server only" or "the whole association `…` (N servers)"
    timeout: timedelta
    schedule: str | None = None
