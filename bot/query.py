"""Reading what a person typed after `/pkgwhen`: server, package, and an optional moment or period."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from dateutil import parser as dateparser
from dateutil import tz as dateutil_tz

from bot.errors import UsageError
from bot.messages import PKGWHEN_USAGE

HELP_WORDS = frozenset({"", "help", "-h", "--help", "?", "usage"})
_KEYWORDS = frozenset({"at", "since", "until", "why"})
_RELATIVE = re.compile(r"^(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)(\s+ago)?$", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
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
    """A moment as people type it: ISO dates and times, `Jul 1 2020`, `3d`, `2w`, `yesterday`; naive → `zone`."""
    cleaned = text.strip().lower()
    local_now = now.astimezone(zone)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if cleaned == "now":
        return now
    if cleaned == "today":
        return midnight
    if cleaned == "yesterday":
        return midnight - timedelta(days=1)
    relative = _RELATIVE.match(cleaned)
    if relative:
        amount = int(relative.group(1))
        unit = _UNIT[relative.group(2)[0].lower()]
        return now - timedelta(**{unit: amount})
    try:
        parsed = dateparser.parse(text, default=midnight.replace(tzinfo=None))
    except (ValueError, OverflowError):
        raise UsageError(
            f"I could not read `{text}` as a date.", PKGWHEN_USAGE
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


_TIME_OF_DAY = re.compile(r"\d:\d|\d\s*[ap]\.?m\b|\dt\d", re.IGNORECASE)


def names_a_day(text: str) -> bool:
    """Whether a typed date names a whole day (`2020-07-01`, `Jul 3 2020`, `yesterday`), not a moment."""
    cleaned = text.strip().lower()
    if cleaned in ("today", "yesterday"):
        return True
    if cleaned == "now" or _RELATIVE.match(cleaned) or not any(ch.isdigit() for ch in cleaned):
        return False
    return not _TIME_OF_DAY.search(cleaned)


def end_of_day(start: datetime) -> datetime:
    """The last moment of the day that begins at `start`, in `start`'s own zone: `until DATE` takes it whole."""
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=1) - timedelta(microseconds=1)


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
    if package.lower() in _KEYWORDS:
        raise UsageError(f"`{package}` is not a package name; the package comes after the server.", PKGWHEN_USAGE)
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
                f"I did not understand `{word}`. A package name with spaces goes in quotes.", PKGWHEN_USAGE
            )
        else:
            clauses[current].append(word)

    def moment(keyword: str) -> datetime | None:
        if keyword not in clauses:
            return None
        if not clauses[keyword]:
            raise UsageError(f"`{keyword}` needs a date after it.", PKGWHEN_USAGE)
        return parse_when(" ".join(clauses[keyword]), now=now, zone=zone)

    if clauses.get("why"):
        raise UsageError(f"I did not understand `{' '.join(clauses['why'])}` after `why`.", PKGWHEN_USAGE)
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
    return PackageQuery(server=server, package=package, mode=mode, at=at, since=since, until=until, zone=zone_name)
