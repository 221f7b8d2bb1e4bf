"""What people type after /pkgwhen, understood — or answered with what was not understood."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil import tz

from bot.errors import UsageError
from bot.query import Mode, parse_pkgwhen, parse_when, zone_for

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TOKYO = tz.gettz("Asia/Tokyo") or UTC


@pytest.mark.parametrize(
    ("text", "server", "package", "mode"),
    [
        ("i-0abc openssl", "i-0abc", "openssl", Mode.TIMELINE),
        ("web-1 OpenSSL", "web-1", "OpenSSL", Mode.TIMELINE),
        ('i-0def "AWS Tools for Windows"', "i-0def", "AWS Tools for Windows", Mode.TIMELINE),
        ("i-0def \u201cAWS Tools for Windows\u201d", "i-0def", "AWS Tools for Windows", Mode.TIMELINE),
        ("i-0abc kernel*", "i-0abc", "kernel*", Mode.TIMELINE),
        ("i-0abc curl at 2020-07-01", "i-0abc", "curl", Mode.AT),
        ("i-0abc curl why", "i-0abc", "curl", Mode.WHY),
    ],
)
def test_server_package_and_mode(text: str, server: str, package: str, mode: Mode) -> None:
    query = parse_pkgwhen(text, now=NOW)
    assert (query.server, query.package, query.mode) == (server, package, mode)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2020-07-01", datetime(2020, 7, 1, tzinfo=UTC)),
        ("2020-07-01T09:30", datetime(2020, 7, 1, 9, 30, tzinfo=UTC)),
        ("2020-07-01 09:30", datetime(2020, 7, 1, 9, 30, tzinfo=UTC)),
        ("2020-07-01T09:30:00+09:00", datetime(2020, 7, 1, 0, 30, tzinfo=UTC)),
        ("Jul 1 2020", datetime(2020, 7, 1, tzinfo=UTC)),
        ("3d", NOW - timedelta(days=3)),
        ("2w", NOW - timedelta(weeks=2)),
        ("12h", NOW - timedelta(hours=12)),
        ("3 days ago", NOW - timedelta(days=3)),
        ("yesterday", datetime(2026, 11, 19, tzinfo=UTC)),
        ("today", datetime(2026, 11, 20, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: datetime) -> None:
    assert parse_when(typed, now=NOW, zone=UTC) == expected


def test_a_date_without_zone_is_in_the_users_zone() -> None:
    query = parse_pkgwhen("i-0abc curl at 2020-07-01 09:00", now=NOW, zone=TOKYO, zone_name="Asia/Tokyo")
    assert query.at == datetime(2020, 7, 1, 0, 0, tzinfo=UTC)
    assert query.zone == "Asia/Tokyo"


def test_since_and_until() -> None:
    query = parse_pkgwhen("i-0abc curl since 2020-07-01 until Jul 3 2020", now=NOW)
    assert query.since == datetime(2020, 7, 1, tzinfo=UTC)
    # `until` a date takes that whole day.
    assert query.until == datetime(2020, 7, 4, tzinfo=UTC) - timedelta(microseconds=1)
    assert query.mode is Mode.TIMELINE


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        ("2020-07-03", datetime(2020, 7, 3, 15, 0, tzinfo=UTC)),  # 4 July 00:00 in Tokyo
        ("Jul 3 2020", datetime(2020, 7, 3, 15, 0, tzinfo=UTC)),
        ("2020-07-03 09:30", datetime(2020, 7, 3, 0, 30, tzinfo=UTC)),  # a moment stays a moment
        ("2020-07-03T09:30", datetime(2020, 7, 3, 0, 30, tzinfo=UTC)),
        ("Jul 3 2020 9pm", datetime(2020, 7, 3, 12, 0, tzinfo=UTC)),
        ("yesterday", datetime(2026, 11, 19, 15, 0, tzinfo=UTC)),  # the whole of 19 November in Tokyo
        ("2d", NOW - timedelta(days=2)),
    ],
)
def test_until_a_date_includes_that_whole_day_in_the_readers_zone(until: str, expected: datetime) -> None:
    query = parse_pkgwhen(f"i-0abc curl since 2020-07-01 until {until}", now=NOW, zone=TOKYO, zone_name="Asia/Tokyo")
    assert query.until is not None
    assert abs(query.until - expected) <= timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("i-0abc", "server and a package"),
        ("i-0abc at 2020-07-01", "not a package name"),
        ("i-0abc curl at", "needs a date"),
        ("i-0abc curl at someday-ish", "could not read `someday-ish` as a date"),
        ("i-0abc curl at 2020-07-01 since 2020-06-01", "either `at DATE` or `since DATE"),
        ("i-0abc curl until 2020-07-01", "`until` goes with `since`"),
        ("i-0abc curl since 2021-01-01 until 2020-01-01", "`since` is after `until`"),
        ("i-0abc AWS Tools for Windows", "did not understand `Tools`"),
        ('i-0abc "unclosed', "quote is not closed"),
        ("i-0abc curl at 2020-07-01 at 2020-07-02", "appears twice"),
    ],
)
def test_what_was_not_understood_is_said(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_pkgwhen(text, now=NOW)
    assert says in raised.value.what
    assert "/pkgwhen <server> <package>" in raised.value.usage


def test_unknown_zone_falls_back_to_utc() -> None:
    assert zone_for("Mars/Olympus_Mons")[1] == "UTC"
    assert zone_for(None)[1] == "UTC"
    assert zone_for("Europe/Berlin")[1] == "Europe/Berlin"
