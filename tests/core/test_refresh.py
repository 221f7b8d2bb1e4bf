"""The refresh state machine: what each observation does to a run, and that following it shows each stage once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.refresh import Observation, RefreshContext, RefreshRun, Stage, follow
from bot.sim.slack import slack_rejection
from bot.slack.inventory_messages import duration, render_refresh_progress, render_refresh_result
from bot.slack.messages import MAX_BLOCKS
from bot.slack.plaintext import blocks_to_text

T0 = datetime(2026, 11, 20, 12, 0, 0, 250_000, tzinfo=UTC)
BEFORE = datetime(2026, 11, 20, 11, 40, tzinfo=UTC)
LIMIT = timedelta(minutes=10)
RUN = RefreshRun("i-0abc12de34f567890", T0, BEFORE, LIMIT)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def collected(seconds: float) -> RefreshRun:
    # Inventory capture times have whole seconds.
    return replace(
        RUN,
        stage=Stage.COLLECTED,
        captured_at=at(seconds).replace(microsecond=0),
        collected_seen_at=at(seconds),
    )


@pytest.mark.parametrize(
    ("run", "seen", "stage"),
    [
        (RUN, Observation(at(1)), Stage.REQUESTED),
        (RUN, Observation(at(1), run_status="Pending"), Stage.REQUESTED),
        (RUN, Observation(at(1), run_status="InProgress"), Stage.RUNNING),
        (RUN, Observation(at(1), captured_at=BEFORE), Stage.REQUESTED),  # the old capture is no news
        # Captured in the same second the run started: inventory's seconds are enough, it is newer than before.
        (RUN, Observation(at(1), captured_at=T0.replace(microsecond=0)), Stage.COLLECTED),
        (RUN, Observation(at(1), run_status="Failed"), Stage.FAILED),
        (RUN, Observation(at(1), run_status="DeliveryTimedOut"), Stage.FAILED),
        (RUN, Observation(at(600), run_status="InProgress"), Stage.NOT_COLLECTED),
        (RUN, Observation(at(599), run_status="InProgress"), Stage.RUNNING),
        (collected(5), Observation(at(6), recorded_at=at(5)), Stage.RECORDED),
        (
            collected(5),
            Observation(at(6), recorded_at=BEFORE),
            Stage.COLLECTED,
        ),  # Config's item is the old one
        (collected(5), Observation(at(6), content_changed=False), Stage.UNCHANGED),
        (collected(5), Observation(at(6), content_changed=True), Stage.COLLECTED),
        (collected(5), Observation(at(605), content_changed=True), Stage.NOT_RECORDED),
        (collected(5), Observation(at(604), content_changed=True), Stage.COLLECTED),
        (replace(RUN, stage=Stage.UNCHANGED), Observation(at(1), recorded_at=at(1)), Stage.UNCHANGED),
    ],
)
def test_an_observation_moves_the_run(run: RefreshRun, seen: Observation, stage: Stage) -> None:
    assert run.advance(seen).stage is stage


def test_a_first_capture_ever_counts_as_collected() -> None:
    run = replace(RUN, previous_capture=None)
    assert run.advance(Observation(at(1), captured_at=at(1))).stage is Stage.COLLECTED


def test_a_run_collected_and_recorded_at_once_goes_straight_to_recorded() -> None:
    after = RUN.advance(Observation(at(2), captured_at=at(1), recorded_at=at(1)))
    assert after.stage is Stage.RECORDED
    assert (after.captured_at, after.recorded_at) == (at(1), at(1))


def test_follow_shows_each_stage_once_and_ends() -> None:
    script = iter(
        [
            Observation(at(1)),
            Observation(at(2), run_status="InProgress"),
            Observation(at(3), run_status="InProgress"),
            Observation(at(4), run_status="Success", captured_at=at(4)),
            Observation(at(5), content_changed=True),
            Observation(at(6), recorded_at=at(6)),
        ]
    )
    shown: list[Stage] = []
    waits: list[float] = []
    final = follow(
        RUN,
        lambda run: next(script),
        lambda run: shown.append(run.stage),
        wait=waits.append,
        interval=timedelta(seconds=5),
    )
    assert final.stage is Stage.RECORDED
    assert shown == [Stage.REQUESTED, Stage.RUNNING, Stage.COLLECTED, Stage.RECORDED]
    assert waits == [5.0] * 6
    assert len(shown) <= 5  # response_url's budget


ABOUT = RefreshContext(
    "web-1 (i-0abc12de34f567890)", "U0ALICE", "this server only", LIMIT, "rate(30 minutes)"
)


@pytest.mark.parametrize(
    ("run", "says"),
    [
        (replace(collected(5), stage=Stage.RECORDED, recorded_at=at(6)), "recorded by AWS Config"),
        (replace(collected(5), stage=Stage.UNCHANGED), "no change since the previous capture"),
        (
            replace(collected(5), stage=Stage.NOT_RECORDED),
            "AWS Config has not recorded a new item after 10 min; it will show up in alerts",
        ),
        (replace(RUN, stage=Stage.NOT_COLLECTED, run_status="InProgress"), "No new inventory of web-1"),
        (replace(RUN, stage=Stage.FAILED, run_status="Failed"), "ended Failed"),
    ],
)
def test_final_messages_say_what_happened_within_slacks_limits(run: RefreshRun, says: str) -> None:
    message = render_refresh_result(run, ABOUT, previous_capture=BEFORE)
    assert slack_rejection(message.text, list(message.blocks)) is None
    assert len(message.blocks) <= MAX_BLOCKS
    assert says in blocks_to_text(message.text, message.blocks).replace("*", "").replace("`", "")
    assert not message.progress


def test_an_unconfirmed_request_says_it_was_not_sent_again() -> None:
    run = replace(RUN, confirmed=False)
    message = render_refresh_progress(run, ABOUT)
    assert message.progress
    assert "It was not sent again" in blocks_to_text(message.text, message.blocks)
    assert slack_rejection(message.text, list(message.blocks)) is None


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=0.3), "1 s"),
        (timedelta(seconds=59), "59 s"),
        (timedelta(seconds=61), "2 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(minutes=65), "1 h 5 min"),
        (timedelta(hours=2), "2 h"),
    ],
)
def test_durations_read_as_people_say_them(span: timedelta, text: str) -> None:
    assert duration(span) == text


@pytest.mark.parametrize(
    ("run", "steps"),
    [
        (RUN, ["white_check_mark: requested", "hourglass_flowing_sand: running"]),
        (replace(RUN, confirmed=False), ["grey_question: requested"]),
        (
            replace(collected(5), stage=Stage.UNCHANGED),
            ["white_check_mark: nothing new for Config to record"],
        ),
        (
            replace(collected(5), stage=Stage.NOT_RECORDED),
            ["white_check_mark: inventory collected", "warning: recorded"],
        ),
        (replace(RUN, stage=Stage.FAILED), ["white_check_mark: requested", "x: running"]),
    ],
)
def test_the_steps_line_never_claims_a_step_that_did_not_happen(run: RefreshRun, steps: list[str]) -> None:
    message = render_refresh_result(run, ABOUT) if run.finished else render_refresh_progress(run, ABOUT)
    text = blocks_to_text(message.text, message.blocks)
    for step in steps:
        assert step in text
    if run.stage is not Stage.RECORDED:
        assert "white_check_mark: recorded by Config" not in text
