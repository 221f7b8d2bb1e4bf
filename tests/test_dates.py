"""Dates as people type them in /pkgwhen: read what can be read, say when it is the future, hint in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sim.workspace import SimWorkspace

TOKYO = ZoneInfo("Asia/Tokyo")  # alice's Slack time zone in the simulated workspace


def ask(workspace: SimWorkspace, text: str) -> str:
    answer = workspace.command("/pkgwhen", text)
    assert answer.status == 200
    assert not answer.last.progress
    assert workspace.refused() == []
    return answer.last.plain().replace("`", "").replace("*", "")


def test_a_date_with_a_zone_and_no_time_is_that_day_in_that_zone(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl since 2021-07-01 UTC")
    assert "curl on web-1" in text
    assert "since 2021-07-01 00:00 UTC" in text
    assert "3 changes in 26 Config items" in text
    assert "7.76.1-4.amzn2.0.1 → 7.79.1-1.amzn2.0.1" in text
    assert "→ 7.76.1-4.amzn2.0.1" not in text  # May 2021, before the period


def test_last_week_is_read_from_the_start_of_that_day(workspace: SimWorkspace) -> None:
    start = (datetime.now(TOKYO) - timedelta(weeks=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    text = ask(workspace, "web-1 curl since last week")
    assert f"since {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in text


def test_yesterday_at_a_time_is_that_time_in_the_readers_zone(workspace: SimWorkspace) -> None:
    moment = (datetime.now(TOKYO) - timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
    text = ask(workspace, "web-1 curl at yesterday 09:30")
    assert f"On web-1 (i-0abc12de34f567890) at {moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in text
    assert "curl: 8.3.0-1.amzn2.0.5" in text


def test_a_date_in_the_future_is_answered_with_a_note(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl at tomorrow")
    assert "curl: 8.3.0-1.amzn2.0.5" in text
    assert "is in the future: this answer says what is recorded up to now" in text
    text = ask(workspace, "web-1 curl since tomorrow")
    assert "No change of it in this period." in text
    assert "is in the future" in text


def test_an_impossible_date_gets_one_line_saying_why_not_the_whole_help(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "web-1 curl at 2020-02-30")
    assert answer.ack is not None
    lines = answer.ack.plain().splitlines()
    assert lines[0] == ":warning: `2020-02-30` is not a date: February 2020 has 29 days."
    assert lines[1].startswith("Dates look like `2020-07-01`")
    assert len(lines) == 2
    assert workspace.aws.calls == []
