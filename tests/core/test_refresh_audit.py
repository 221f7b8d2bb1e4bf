"""The audit trail decides whether a refresh may start: repeats, cooldowns, restarts, and what is kept."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.audit import AuditEntry, AuditTrail, Outcome, Refusal

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
COOLDOWN = timedelta(minutes=10)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def trail(tmp_path: Path, clock: Clock) -> AuditTrail:
    return AuditTrail(tmp_path / "audit.sqlite3", clock=clock)


def claim(trail: AuditTrail, *, user: str = "U0ALICE", trigger: str = "t1", target: str = "i-1") -> AuditEntry | Refusal:
    return trail.claim(
        action="/inventory refresh",
        user_id=user,
        channel_id="C0OPS",
        target=target,
        association_id="assoc-1",
        trigger_id=trigger,
        cooldown=COOLDOWN,
    )


def test_a_claim_is_recorded_with_who_when_what(trail: AuditTrail, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="pkgwhen.audit"):
        entry = claim(trail)
        assert isinstance(entry, AuditEntry)
        trail.finish(entry, Outcome.RECORDED)
    (kept,) = trail.entries()
    assert (kept.at, kept.user_id, kept.channel_id, kept.target, kept.association_id, kept.outcome) == (
        T0,
        "U0ALICE",
        "C0OPS",
        "i-1",
        "assoc-1",
        "recorded",
    )
    assert "i-1" in caplog.text and "U0ALICE" in caplog.text and "recorded" in caplog.text


def test_the_same_trigger_is_a_repeat_even_after_the_cooldown(trail: AuditTrail, clock: Clock) -> None:
    assert isinstance(claim(trail), AuditEntry)
    clock.now += COOLDOWN * 2
    refusal = claim(trail)
    assert isinstance(refusal, Refusal) and refusal.repeated


def test_anyone_elses_refresh_of_the_server_holds_the_cooldown_with_time_left(trail: AuditTrail, clock: Clock) -> None:
    claim(trail)
    clock.now += timedelta(minutes=3)
    refusal = claim(trail, user="U0BOB", trigger="t2")
    assert isinstance(refusal, Refusal)
    assert not refusal.repeated
    assert refusal.wait == timedelta(minutes=7)
    assert refusal.previous.user_id == "U0ALICE"


def test_the_same_persons_identical_request_is_a_repeat(trail: AuditTrail, clock: Clock) -> None:
    claim(trail)
    clock.now += timedelta(seconds=1)
    refusal = claim(trail, trigger="t2")
    assert isinstance(refusal, Refusal) and refusal.repeated


def test_other_servers_and_later_requests_are_free(trail: AuditTrail, clock: Clock) -> None:
    claim(trail)
    assert isinstance(claim(trail, trigger="t2", target="i-2"), AuditEntry)
    clock.now += COOLDOWN
    assert isinstance(claim(trail, trigger="t3"), AuditEntry)


@pytest.mark.parametrize("outcome", [Outcome.REJECTED])
def test_a_write_that_started_nothing_holds_no_cooldown(trail: AuditTrail, outcome: Outcome) -> None:
    entry = claim(trail)
    assert isinstance(entry, AuditEntry)
    trail.finish(entry, outcome)
    assert isinstance(claim(trail, trigger="t2"), AuditEntry)


@pytest.mark.parametrize("outcome", [Outcome.UNKNOWN, Outcome.STARTED, Outcome.FAILED, Outcome.NOT_COLLECTED])
def test_a_write_that_may_have_started_a_run_holds_the_cooldown(trail: AuditTrail, outcome: Outcome) -> None:
    entry = claim(trail)
    assert isinstance(entry, AuditEntry)
    trail.finish(entry, outcome)
    assert isinstance(claim(trail, user="U0BOB", trigger="t2"), Refusal)


def test_denials_and_confirmations_are_kept_but_hold_nothing(trail: AuditTrail) -> None:
    for outcome in (Outcome.DENIED, Outcome.CONFIRMING):
        trail.record(action="/inventory refresh", user_id="U0BOB", channel_id="C0OPS", target="i-1", outcome=outcome)
    assert isinstance(claim(trail), AuditEntry)
    assert [e.outcome for e in trail.entries("i-1")] == ["denied", "confirming", "requested"]


def test_the_trail_and_cooldowns_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    first = AuditTrail(tmp_path / "audit.sqlite3", clock=clock)
    claim(first)
    first.close()
    second = AuditTrail(tmp_path / "audit.sqlite3", clock=clock)
    assert isinstance(claim(second, user="U0BOB", trigger="t2"), Refusal)
    assert [e.outcome for e in second.entries()] == ["requested", "cooling down"]


def test_refusals_are_entries_of_the_trail_that_hold_nothing(trail: AuditTrail, clock: Clock) -> None:
    first = claim(trail)
    assert isinstance(first, AuditEntry)
    claim(trail, trigger="t1")  # the same trigger again
    clock.now += timedelta(minutes=1)
    claim(trail, user="U0BOB", trigger="t2")  # someone else within the cooldown
    assert [(e.user_id, e.outcome) for e in trail.entries("i-1")] == [
        ("U0ALICE", "requested"),
        ("U0ALICE", "repeated"),
        ("U0BOB", "cooling down"),
    ]
    # The cooldown still runs from the run that started, not from the refusals.
    clock.now = T0 + COOLDOWN + timedelta(seconds=1)
    assert isinstance(claim(trail, user="U0BOB", trigger="t3"), AuditEntry)
    # A trigger is decided once: the refused one is refused again, pointing at its first entry.
    again = claim(trail, user="U0BOB", trigger="t2")
    assert isinstance(again, Refusal) and again.repeated
    assert again.previous.outcome == "cooling down"
