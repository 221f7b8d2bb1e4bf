"""The pacer spaces calls once AWS throttles, and closes the gaps again as calls succeed."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.aws.pacing import FIRST_GAP, MAX_GAP, Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_no_waiting_until_aws_throttles() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(10):
        pacer.wait()
    assert time.slept == []


def test_after_a_throttle_calls_are_spaced() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    sent = pacer.wait()
    pacer.throttled(sent)
    starts = [pacer.wait() for _ in range(3)]
    gaps = [b - a for a, b in pairwise(starts)]
    assert gaps == pytest.approx([FIRST_GAP, FIRST_GAP])


def test_calls_sent_before_the_slow_down_do_not_slow_it_again() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    in_flight = [pacer.wait() for _ in range(8)]
    time.now += 0.1
    for sent in in_flight:  # all eight come back throttled together
        pacer.throttled(sent)
    assert pacer.gap == FIRST_GAP
    pacer.throttled(pacer.wait())  # a call sent after the slow-down, still throttled: slower
    assert pacer.gap == 2 * FIRST_GAP


def test_successes_close_the_gap_again() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    pacer.throttled(pacer.wait())
    for _ in range(1000):
        pacer.succeeded()
    assert pacer.gap == 0.0


def test_after_an_outage_the_first_successes_close_the_gap_within_seconds() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    while pacer.gap < MAX_GAP:  # every call throttled for minutes: the gap is as wide as it goes
        pacer.throttled(pacer.wait())
    began = time.now
    calls = 0
    while pacer.gap > 0:
        pacer.wait()
        pacer.succeeded()
        calls += 1
    assert time.now - began < 15  # easing by 1% per success took 200 s and 690 calls
    assert calls < 400


def test_near_a_rate_limit_a_success_eases_the_gap_gently() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(2):  # two throttles in a row: 40 ms between calls, 25 calls a second
        pacer.throttled(pacer.wait())
    assert pacer.gap == pytest.approx(2 * FIRST_GAP)
    pacer.succeeded()
    assert pacer.gap == pytest.approx(2 * FIRST_GAP / 1.01)
