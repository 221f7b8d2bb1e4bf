"""Reading what a person typed after `/pkgwhen`: server, package, and an optional moment or period."""

from __future__ import annotations

import calendar
import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from dateutil import tz as dateutil_tz
from dateutil.relativedelta import relativedelta

from bot.core.errors import UsageError
from bot.core.mrkdwn import echo
from bot.core.transactions import PACKAGE_NAME_PATTERN
from bot.core.usage import DATE_HINT, PKGWHEN_HINT, PKGWHEN_USAGE

HELP_WORDS = frozenset({"", "help", "-h", "--help", "?", "usage"})
_KEYWORDS = frozenset({"at", "since", "until", "why"})
_RELATIVE = re.compile(r"^(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)(\s+ago)?$", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DAY_WORDS = re.compile(r"(today|yesterday|tomorrow)(?:\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DAY_OFFSET = {"today": 0, "yesterday": -1, "tomorrow": 1}
# The start of that day, a week or a month back: "since last week" means the days since then.
_AGO_WORDS = {"last week": relativedelta(weeks=1), "a week ago": relativedelta(weeks=1), "last month": relativedelta(months=1)}
_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", re.IGNORECASE)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_WORDS = dateparser.parserinfo()
# Longer than any date anyone types: answered without trying.
MAX_DATE_TEXT = 64
# A server is named by an ID, a Name tag (EC2: at most 256 characters) or a computer name (at most 255);
# package names are far shorter. Anything longer is a paste gone wrong, answered before any AWS call.
MAX_NAME = 256
# Slack clients turn typed quotes into typographic ones.
_SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})


class Mode(StrEnum):
    TIMELINE = "timeline"
    AT = "at"
    WHY = "why"


@dataclass(frozen=True)
class PackageQuery:
    """`/pkgwhen <server> <package> [at DATE | since DATE [until DATE] | why]`, understood."""

    server: str
    package: str
    mode: Mode = Mode.TIMELINE
    at: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    # The zone a date without one was read in, named in the answer.
    zone: str = "UTC"


def wants_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def parse_when(text: str, *, now: datetime, zone: tzinfo) -> datetime:
    """A moment as people type it; a date or time without a zone is read in `zone`.

    ISO dates and times, `Jul 1 2020`, `3d`, `2w`, `3 days ago`, `today`, `yesterday 09:30`, `tomorrow`,
    `last week`, `last month`, each optionally followed by a zone: `UTC`, `+09:00`, `Europe/Berlin`.
    What cannot be read raises UsageError with a one-line hint, never the whole help.
    """
    words = text.split()
    if not words:
        raise UsageError("A date is missing.", DATE_HINT)
    if len(text) > MAX_DATE_TEXT:
        raise UsageError(f"{echo(text)} is not a date pkgwhen can read.", DATE_HINT)
    given = _zone_word(words[-1]) if len(words) > 1 or "/" in words[-1] else None
    if given is not None:
        words = words[:-1]
        zone = given
    spoken = " ".join(words).lower()
    local_now = now.astimezone(zone)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if spoken == "now":
        return now
    day = _DAY_WORDS.fullmatch(spoken)
    if day:
        moment = midnight + timedelta(days=_DAY_OFFSET[day.group(1)])
        if day.group(2):
            moment = moment.replace(hour=int(day.group(2)), minute=int(day.group(3)), second=int(day.group(4) or 0))
        return moment
    if spoken in _AGO_WORDS:
        return midnight - _AGO_WORDS[spoken]
    relative = _RELATIVE.match(spoken)
    if relative:
        amount = int(relative.group(1))
        unit = _UNIT[relative.group(2)[0].lower()]
        return now - timedelta(**{unit: amount})
    if len(words) > 1 and _looks_like_zone(words[-1]):
        raise UsageError(_unknown_zone(words[-1]), DATE_HINT)
    body = " ".join(words)
    if not body:
        raise UsageError(f"A date is missing before the zone {echo(text)}.", DATE_HINT)
    try:
        parsed = dateparser.parse(body, default=midnight.replace(tzinfo=None), tzinfos=_zone_in_text)
    except (ValueError, OverflowError) as error:
        raise UsageError(_unreadable(body, str(error)), DATE_HINT) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


_TIME_OF_DAY = re.compile(r"\d:\d|\d\s*[ap]\.?m\b|\dt\d", re.IGNORECASE)


def names_a_day(text: str) -> bool:
    """Whether a typed date names a whole day (`2020-07-01`, `Jul 3 2020`, `yesterday`), not a moment."""
    words = text.strip().lower().split()
    if len(words) > 1 and (words[-1] in {"utc", "z", "gmt"} or _OFFSET.fullmatch(words[-1]) or "/" in words[-1]):
        words = words[:-1]  # the zone it is read in: still a day
    cleaned = " ".join(words)
    if _DAY_WORDS.fullmatch(cleaned) or cleaned in _AGO_WORDS:
        return not _TIME_OF_DAY.search(cleaned)
    if cleaned == "now" or _RELATIVE.match(cleaned) or not any(ch.isdigit() for ch in cleaned):
        return False
    return not _TIME_OF_DAY.search(cleaned)


def end_of_day(start: datetime) -> datetime:
    """The last moment of the day that begins at `start`, in `start`'s own zone: `until DATE` takes it whole."""
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=1) - timedelta(microseconds=1)


def _zone_word(word: str) -> tzinfo | None:
    """The zone a date ends with: `UTC`, `Z`, `GMT`, an offset (`+09:00`, `-0500`), an IANA name."""
    if word.upper() in {"UTC", "Z", "GMT"}:
        return dateutil_tz.UTC
    offset = _OFFSET.fullmatch(word)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return timezone(sign * timedelta(minutes=minutes))
    if "/" in word:
        try:
            return ZoneInfo(word)
        except (ValueError, KeyError, OSError):
            raise UsageError(_unknown_zone(word), DATE_HINT) from None
    return None


def _looks_like_zone(word: str) -> bool:
    """An abbreviation such as `CEST` or `PST` ending a date (not a month, a weekday, AM or PM)."""
    info = _DATE_WORDS
    return bool(re.fullmatch(r"[A-Z]{2,5}", word)) and not (
        info.month(word) or info.weekday(word) is not None or info.ampm(word) is not None or info.jump(word)
    )


def _zone_in_text(name: str | None, offset: int | None) -> tzinfo | None:
    """The zone dateutil found inside a date: an offset, or UTC; an abbreviation such as `EST` is refused
    (it names different offsets in different places, and dateutil would silently drop it)."""
    if offset is not None:
        return dateutil_tz.UTC if offset == 0 else timezone(timedelta(seconds=offset))
    if name is None:
        return None
    if name.upper() in {"UTC", "Z", "GMT"}:
        return dateutil_tz.UTC
    raise UsageError(_unknown_zone(name), DATE_HINT)


def _unknown_zone(word: str) -> str:
    return (
        f"{echo(word)} is not a time zone pkgwhen can read for certain; give `UTC`, an offset such as "
        "`-05:00`, or a zone name such as `America/New_York`."
    )


def _unreadable(body: str, why: str) -> str:
    """Why a date could not be read, as precisely as can be told."""
    if "out of range" not in why and "must be in" not in why:
        return f"I could not read {echo(body)} as a date."
    ymd = _YMD.search(body)
    if ymd:
        year, month, day = (int(g) for g in ymd.groups())
        if not 1 <= month <= 12:
            return f"{echo(body)} is not a date: there is no month {month}."
        days = calendar.monthrange(max(year, 1), month)[1]
        if not 1 <= day <= days:
            return f"{echo(body)} is not a date: {calendar.month_name[month]} {year} has {days} days."
    return f"{echo(body)} is not a date: its day, month, hour or minute is out of range."


def check_package_name(package: str) -> None:
    """A name pkgwhen may hand to its document on a server (`why`, "Who changed it?"): the document's own pattern."""
    if not re.fullmatch(PACKAGE_NAME_PATTERN, package):
        raise UsageError(
            f"{echo(package)} is not a package name pkgwhen can ask a server about (no globs or spaces).",
            "Ask about one package by its exact name, e.g. `curl` or `openssl-libs`.",
        )


def zone_for(name: str | None) -> tuple[tzinfo, str]:
    """The tz of a Slack user's `tz` name; UTC when unknown."""
    if name:
        found = dateutil_tz.gettz(name)
        if found is not None:
            return found, name
    return dateutil_tz.UTC, "UTC"


def parse_pkgwhen(text: str, *, now: datetime, zone: tzinfo = dateutil_tz.UTC, zone_name: str = "UTC") -> PackageQuery:
    """Parse the command's text; anything not understood raises UsageError saying what."""
    try:
        words = shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UsageError("A quote is not closed.", PKGWHEN_USAGE) from None
    if len(words) < 2:
        raise UsageError("Tell me a server and a package.", PKGWHEN_USAGE)
    server, package, rest = words[0], words[1], words[2:]
    for what, name in (("server name", server), ("package name", package)):
        if len(name) > MAX_NAME:
            raise UsageError(
                f"That {what} is {len(name):,} characters long ({echo(name, 20)}); names are at most {MAX_NAME}.",
                PKGWHEN_HINT,
            )
    if package.lower() in _KEYWORDS:
        raise UsageError(f"{echo(package)} is not a package name; the package comes after the server.", PKGWHEN_USAGE)
    clauses: dict[str, list[str]] = {}
    current: str | None = None
    for word in rest:
        if word.lower() in _KEYWORDS:
            current = word.lower()
            if current in clauses:
                raise UsageError(f"`{current}` appears twice.", PKGWHEN_USAGE)
            clauses[current] = []
        elif current is None:
            raise UsageError(
                f"I did not understand {echo(word)}. A package name with spaces goes in quotes.", PKGWHEN_USAGE
            )
        else:
            clauses[current].append(word)

    def moment(keyword: str) -> datetime | None:
        if keyword not in clauses:
            return None
        if not clauses[keyword]:
            raise UsageError(f"`{keyword}` needs a date after it.", DATE_HINT)
        return parse_when(" ".join(clauses[keyword]), now=now, zone=zone)

    if clauses.get("why"):
        raise UsageError(f"I did not understand {echo(' '.join(clauses['why']))} after `why`.", PKGWHEN_USAGE)
    if "at" in clauses and ({"since", "until"} & clauses.keys()):
        raise UsageError("Use either `at DATE` or `since DATE [until DATE]`, not both.", PKGWHEN_USAGE)
    if "until" in clauses and "since" not in clauses:
        raise UsageError("`until` goes with `since`: `since DATE until DATE`.", PKGWHEN_USAGE)
    at, since, until = moment("at"), moment("since"), moment("until")
    if until is not None and names_a_day(" ".join(clauses["until"])):
        until = end_of_day(until)
    if since and until and since > until:
        raise UsageError("`since` is after `until`.", PKGWHEN_USAGE)
    mode = Mode.WHY if "why" in clauses else Mode.AT if at else Mode.TIMELINE
    if mode is Mode.WHY:
        check_package_name(package)
    return PackageQuery(server=server, package=package, mode=mode, at=at, since=since, until=until, zone=zone_name)
