"""What people type after /pkgwhen, understood — or answered with what was not understood."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil import tz

from bot.core.errors import UsageError
from bot.core.query import Mode, parse_pkgwhen, parse_when, zone_for

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
        # A zone but no time: the start of that day in that zone.
        ("2021-07-01 UTC", datetime(2021, 7, 1, tzinfo=UTC)),
        ("2021-07-01 +09:00", datetime(2021, 6, 30, 15, tzinfo=UTC)),
        ("2021-07-01 Europe/Berlin", datetime(2021, 6, 30, 22, tzinfo=UTC)),
        ("2021-07-01 09:30 GMT", datetime(2021, 7, 1, 9, 30, tzinfo=UTC)),
        ("yesterday 09:30", datetime(2026, 11, 19, 9, 30, tzinfo=UTC)),
        ("yesterday at 9:30 +01:00", datetime(2026, 11, 19, 8, 30, tzinfo=UTC)),
        ("tomorrow", datetime(2026, 11, 21, tzinfo=UTC)),
        ("last week", datetime(2026, 11, 13, tzinfo=UTC)),
        ("last month", datetime(2026, 10, 20, tzinfo=UTC)),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: datetime) -> None:
    assert parse_when(typed, now=NOW, zone=UTC) == expected


def test_day_words_are_days_in_the_readers_zone() -> None:
    # 12:00 UTC is 21:00 in Tokyo: "yesterday" there is the 19th, from Tokyo's midnight.
    assert parse_when("yesterday 09:30", now=NOW, zone=TOKYO) == datetime(2026, 11, 19, 0, 30, tzinfo=UTC)
    assert parse_when("last week", now=NOW, zone=TOKYO) == datetime(2026, 11, 12, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2020-02-30", "`2020-02-30` is not a date: February 2020 has 29 days."),
        ("2021-02-29 10:00", "February 2021 has 28 days"),
        ("2020-13-01", "there is no month 13"),
        ("2020-02-10 25:00", "out of range"),
        ("someday-ish", "I could not read `someday-ish` as a date."),
        ("2021-07-01 09:30 EST", "`EST` is not a time zone pkgwhen can read for certain"),
        ("2021-07-01 CEST", "`CEST` is not a time zone"),
        ("2021-07-01 Mars/Olympus_Mons", "`Mars/Olympus_Mons` is not a time zone"),
        ("9" * 5000, "(5,000 characters)"),
    ],
)
def test_an_unreadable_date_gets_one_line_saying_why(typed: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_pkgwhen(f"i-0abc curl at {typed}", now=NOW)
    assert says in raised.value.what
    assert len(raised.value.what) < 300
    assert "\n" not in raised.value.usage
    assert raised.value.usage.startswith("Dates look like")


def test_a_date_that_is_missing_gets_the_date_hint() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pkgwhen("i-0abc curl at", now=NOW)
    assert "needs a date" in raised.value.what
    assert raised.value.usage.startswith("Dates look like")


@pytest.mark.parametrize("where", ["server", "package"])
def test_a_name_longer_than_any_name_is_refused_before_anything_runs(where: str) -> None:
    long = "x" * 10_240
    text = f"{long} curl" if where == "server" else f"web-1 {long}"
    with pytest.raises(UsageError) as raised:
        parse_pkgwhen(text, now=NOW)
    assert f"That {where} name is 10,240 characters long" in raised.value.what
    assert len(raised.value.what) < 200


def test_why_takes_only_a_package_name_a_server_can_be_asked_about() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pkgwhen("i-0abc 'openssl*' why", now=NOW)
    assert "is not a package name pkgwhen can ask a server about" in raised.value.what


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
    assert "/pkgwhen &lt;server&gt; &lt;package&gt;" in raised.value.usage


def test_unknown_zone_falls_back_to_utc() -> None:
    assert zone_for("Mars/Olympus_Mons")[1] == "UTC"
    assert zone_for(None)[1] == "UTC"
    assert zone_for("Europe/Berlin")[1] == "Europe/Berlin"
