"""Who changed a package and how: the server's own package-manager history parsed into typed transactions.

Config says when a package changed between two captures; yum, dnf, apt and zypper know the transaction:
its exact time, the user, the command line and every package it touched. The SSM document
`deploy/pkgwhen-package-history.json` prints the parts of that history that concern one package, in
sections marked `=== pkgwhen: … ===`; `parse_history_output` reads that output (cut or not) into a
`TransactionReport`, and `read_transaction` says in one line what a transaction was: cloud-init's first-boot
security update, a Patch Manager run, unattended-upgrades, a person's command, or a dependency.

Every parser is a pure function of text, tolerant of real-world variation (English locale; prompts and
`Loaded plugins:` lines around the output, truncated list columns, an apt log cut by `tail`). Times that
carry no zone are read with the UTC offset given (the document runs yum and dnf with `TZ=UTC` and prints
the server's own offset for the logs written in local time).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Literal

Manager = Literal["yum", "dnf", "apt", "zypper"]

# The agent's suffix on output it cut at 24,000 characters (AWS-NOTES §5).
AGENT_TRUNCATED_MARKER = "--output truncated--"
SECTION = re.compile(r"^=== pkgwhen: (?P<title>.+?) ===\s*$")
# The history document's parameter patterns (deploy/pkgwhen-package-history.json): an exact package name
# (no globs, nothing the shell or the package manager would read as an option), and a UTC minute.
PACKAGE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+:~-]{0,127}$"
WINDOW_PATTERN = r"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"
# The document's first and last section titles: a missing end means the output stopped early.
BEGIN_TITLE = "package-history"
END_TITLE = "end"

# Normalised actions of a PackageChange.
INSTALL = "Install"
DEP_INSTALL = "Dep-Install"
UPGRADE = "Upgrade"
DOWNGRADE = "Downgrade"
ERASE = "Erase"
PURGE = "Purge"
REINSTALL = "Reinstall"
OBSOLETED = "Obsoleted"
OBSOLETING = "Obsoleting"
REASON_CHANGE = "Reason Change"

_RPM_ARCHES = frozenset(
    {
        "x86_64",
        "noarch",
        "i386",
        "i486",
        "i586",
        "i686",
        "athlon",
        "aarch64",
        "armv7hl",
        "armv7l",
        "armhfp",
        "ppc64",
        "ppc64le",
        "s390x",
        "src",
        "nosrc",
        "amd64",
        "arm64",
        "all",
    }
)


# --- values ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageChange:
    """What one transaction did to one package: versions are `[epoch:]version-release` (rpm) or dpkg's."""

    name: str
    arch: str
    old_version: str | None
    new_version: str | None
    action: str  # Install, Dep-Install, Upgrade, Downgrade, Erase, Purge, Reinstall, Obsoleted, …


@dataclass(frozen=True)
class Transaction:
    """One package-manager transaction as its history shows it."""

    manager: Manager
    id: str | None
    begin: datetime | None
    end: datetime | None
    user: str | None
    command_line: str | None
    changes: tuple[PackageChange, ...]
    outcome: str | None
    raw_source: str
    # From a history list row only (no `history info` for it): actions and count as listed.
    summary_only: bool = False
    actions: tuple[str, ...] = ()
    altered: int | None = None
    comment: str | None = None
    # Rows the document left out of a big transaction (it always keeps the package's own rows).
    omitted_changes: int = 0

    def change_of(self, package: str) -> PackageChange | None:
        """This transaction's change of `package` (name compared case-insensitively), or None."""
        wanted = package.casefold()
        for change in self.changes:
            if change.name.casefold() == wanted:
                return change
        return None


@dataclass(frozen=True)
class CloudInitLine:
    """A cloud-init log line about its package upgrade (`Upgrade level: security`, the yum command)."""

    line: str
    at: datetime | None  # None when the log's syslog form gives no year
    month_day_time: tuple[int, int, int] | None  # (month, day, seconds of day) in the log's own clock
    level: str | None = None
    command: tuple[str, ...] | None = None

    def near(self, moment: datetime, offset: timedelta, within: timedelta = timedelta(minutes=15)) -> bool:
        """Whether the line was logged within `within` of `moment` (compared in the log's local time)."""
        local = (moment + offset).replace(tzinfo=None)
        if self.at is not None:
            return abs(self.at.replace(tzinfo=None) - local) <= within
        if self.month_day_time is None:
            return False
        month, day, seconds = self.month_day_time
        try:
            logged = datetime(local.year, month, day) + timedelta(seconds=seconds)
        except ValueError:
            return False
        return abs(logged - local) <= within


@dataclass(frozen=True)
class TransactionReport:
    """Everything one run of the history document said, parsed."""

    transactions: tuple[Transaction, ...]
    truncated: bool
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    package: str | None = None
    utc_offset: timedelta | None = None
    cloud_init: tuple[CloudInitLine, ...] = ()
    # Moments the SSM agent's log shows AWS-RunPatchBaseline running.
    patch_runs: tuple[datetime, ...] = ()
    # The document's end marker was seen: every section it meant to print is there.
    complete: bool = False


class ReadingKind(StrEnum):
    FIRST_BOOT_SECURITY_UPDATE = "first_boot_security_update"
    PATCH_MANAGER = "patch_manager"
    UNATTENDED_UPGRADES = "unattended_upgrades"
    PERSON = "person"
    DEPENDENCY = "dependency"
    # A root process without a login session that is none of the above: user data, cron, a config tool.
    AUTOMATION = "automation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reading:
    """What a transaction was, in one line."""

    kind: ReadingKind
    text: str
    who: str | None = None
    command: str | None = None


# --- small parts ----------------------------------------------------------------------------------------


def _zone(offset: timedelta | None) -> timezone:
    return UTC if offset is None or not offset else timezone(offset)


def parse_utc_offset(text: str) -> timedelta | None:
    """`+0900`, `-05:30`, `+07`, `Z` as a timedelta; None if it is not an offset."""
    match = re.fullmatch(r"\s*(?:(Z|UTC|GMT)|([+-])(\d\d):?(\d\d)?)\s*", text)
    if match is None:
        return None
    if match.group(1):
        return timedelta(0)
    sign = -1 if match.group(2) == "-" else 1
    return sign * timedelta(hours=int(match.group(3)), minutes=int(match.group(4) or 0))


_CTIME_FORMATS = ("%a %b %d %H:%M:%S %Y", "%b %d %H:%M:%S %Y")
_TZ_TAIL = re.compile(r"\s+(?P<tz>[+-]\d\d(?::?\d\d)?|Z|[A-Z]{2,5})$")
# Zone abbreviations yum, dnf and the C library print (`%Z`), as UTC offsets in hours. Some name several
# zones (CST: US Central, China, Cuba); the first is the usual one, and a known server offset picks the
# nearest instead. Both standard and summer forms are listed: a history spans both.
_ZONE_ABBREVIATIONS: dict[str, tuple[float, ...]] = {
    "UTC": (0,), "GMT": (0,), "UT": (0,), "WET": (0,), "WEST": (1,), "BST": (1, 6), "IST": (5.5, 1, 2),
    "CET": (1,), "CEST": (2,), "MET": (1,), "MEST": (2,), "EET": (2,), "EEST": (3,), "MSK": (3,),
    "SAST": (2,), "PKT": (5,), "ICT": (7,), "WIB": (7,), "HKT": (8,), "SGT": (8,), "PHT": (8,),
    "AWST": (8,), "JST": (9,), "KST": (9,), "ACST": (9.5,), "ACDT": (10.5,), "AEST": (10,), "AEDT": (11,),
    "NZST": (12,), "NZDT": (13,), "HST": (-10,), "AKST": (-9,), "AKDT": (-8,), "PST": (-8,), "PDT": (-7,),
    "MST": (-7,), "MDT": (-6,), "CST": (-6, 8, -5), "CDT": (-5, -4), "EST": (-5,), "EDT": (-4,),
    "AST": (-4, 3), "ADT": (-3,), "NST": (-3.5,), "NDT": (-2.5,), "BRT": (-3,), "ART": (-3,),
}


def zone_abbreviation_offset(name: str, near: timedelta | None = None) -> timedelta | None:
    """The UTC offset a zone abbreviation (`EDT`, `CEST`, `JST`) stands for; None if it is not one known.

    An abbreviation shared by several zones is read as the one nearest `near` (the server's offset, when
    known), else as its usual meaning.
    """
    hours = _ZONE_ABBREVIATIONS.get(name.upper())
    if hours is None:
        return None
    candidates = [timedelta(hours=h) for h in hours]
    if near is None:
        return candidates[0]
    return min(candidates, key=lambda candidate: abs(candidate - near))


def parse_history_time(text: str, offset: timedelta | None = None) -> datetime | None:
    """A time as yum, dnf, apt or zypper print it, aware; a naive one is in `offset` (default UTC).

    Reads ctime (`Thu Jul  2 10:02:10 2020`), en_US `%c` with a zone (`Sat 18 Oct 2025 03:47:08 PM +07`,
    `… PM EDT`), and ISO-like forms (`2019-08-23  13:07:31`, `2018-01-24 03:11`). A time that names its
    zone, by offset or abbreviation, is read in that zone. None when it is none of these.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    zone = _zone(offset)
    tail = _TZ_TAIL.search(cleaned)
    if tail is not None and tail.group("tz") not in ("AM", "PM"):
        named = parse_utc_offset(tail.group("tz"))
        if named is None:
            named = zone_abbreviation_offset(tail.group("tz"), offset)
        if named is not None:
            zone = _zone(named)
        # An abbreviation not in the table: the given offset decides, as for a naive time.
        cleaned = cleaned[: tail.start()]
    for fmt in (
        *_CTIME_FORMATS,
        "%a %d %b %Y %I:%M:%S %p",
        "%a %d %b %Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ):
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def split_nevra(text: str) -> tuple[str, str, str]:
    """(name, `[epoch:]version-release`, arch) of an rpm NEVRA as yum and dnf print it.

    Takes `curl-7.61.1-12.amzn2.0.2.x86_64`, `vim-filesystem-2:9.1.083-5.el10_0.1.noarch`, the ENVRA form
    `1:openssl-1.0.2k-19.amzn2.0.4.x86_64`, and a NEVR without an arch. A zero epoch is dropped, as in
    inventory's display form.
    """
    epoch = ""
    lead = re.match(r"^(\d+):(?=\D)", text)
    if lead is not None:
        epoch, text = lead.group(1), text[lead.end() :]
    arch = ""
    stem, dot, tail = text.rpartition(".")
    if dot and tail in _RPM_ARCHES:
        text, arch = stem, tail
    rest, _, release = text.rpartition("-")
    name, _, version = rest.rpartition("-")
    if not name:  # not a NEVR at all: keep what we have as the name
        return text, "", arch
    inner = re.match(r"^(\d+):(.*)$", version)
    if inner is not None:
        epoch, version = inner.group(1), inner.group(2)
    evr = f"{version}-{release}"
    if epoch and epoch != "0":
        evr = f"{epoch}:{evr}"
    return name, evr, arch


def _split_evra(text: str) -> tuple[str, str]:
    """(`[epoch:]version-release`, arch) of a continuation row that omits the name (`7.61.1-12.amzn2.x86_64`)."""
    arch = ""
    stem, dot, tail = text.rpartition(".")
    if dot and tail in _RPM_ARCHES:
        text, arch = stem, tail
    if text.startswith("0:"):
        text = text[2:]
    return text, arch


def _is_login_user(user: str | None) -> bool:
    """`Name <login>` as yum and dnf print a user with a login session (`System <unset>` has none)."""
    return user is not None and "<unset>" not in user and re.search(r"<[^>]+>", user) is not None


def _is_system_user(user: str | None) -> bool:
    return user is not None and "<unset>" in user


# --- yum / dnf history list -------------------------------------------------------------------------------

_LIST_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+\|\s?(?P<who>.*?)\s*\|\s*(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?)\s*\|"
    r"\s*(?P<actions>[^|]*?)\s*\|\s*(?P<altered>\d+)\s*(?P<flags>[^|]*?)\s*$"
)
_LIST_HEADER = re.compile(r"^\s*ID\s+\|\s*(?P<column>[^|]+?)\s*\|")


def _list_actions(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_yum_history_list(
    text: str, manager: Literal["yum", "dnf"] = "yum", offset: timedelta | None = None
) -> tuple[Transaction, ...]:
    """Rows of `yum history [list]` / `dnf history list` (yum 3.4 and dnf 4 pipe tables), newest first.

    The second column is the login user or the command line, as the header says; either can be cut to
    its column width, and then it is kept as printed. Times have minute precision.
    """
    column = "Login user"
    rows: list[Transaction] = []
    for line in text.splitlines():
        header = _LIST_HEADER.match(line)
        if header is not None:
            column = header.group("column")
            continue
        match = _LIST_ROW.match(line)
        if match is None:
            continue
        begin = parse_history_time(match.group("date"), offset)
        who = match.group("who").strip()
        by_command = column.casefold().startswith("command")
        rows.append(
            Transaction(
                manager=manager,
                id=match.group("id"),
                begin=begin,
                end=None,
                user=None if by_command else (who or None),
                command_line=who if by_command else None,
                changes=(),
                outcome=None,
                raw_source=f"{manager} history list",
                summary_only=True,
                actions=_list_actions(match.group("actions")),
                altered=int(match.group("altered")),
            )
        )
    return tuple(rows)


_DNF5_ROW = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<command>.*?)\s+(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
    r"(?:\s+(?P<actions>[A-Za-z][A-Za-z ,-]*?))?\s+(?P<altered>\d+)\s*$"
)


def parse_dnf5_history_list(text: str, offset: timedelta | None = None) -> tuple[Transaction, ...]:
    """Rows of dnf5's `history list` (no pipes: `ID Command line Date and time Action(s) Altered`).

    The Action(s) column can be empty (dnf5 issue #1448); a command cut with `....` is kept as printed.
    """
    rows: list[Transaction] = []
    for line in text.splitlines():
        match = _DNF5_ROW.match(line)
        if match is None:
            continue
        rows.append(
            Transaction(
                manager="dnf",
                id=match.group("id"),
                begin=parse_history_time(match.group("date"), offset),
                end=None,
                user=None,
                command_line=match.group("command").strip(),
                changes=(),
                outcome=None,
                raw_source="dnf5 history list",
                summary_only=True,
                actions=_list_actions(match.group("actions") or ""),
                altered=int(match.group("altered")),
            )
        )
    return tuple(rows)


# --- yum / dnf history info -------------------------------------------------------------------------------

# State word -> (normalised action, which side of the change the row's version is).
_ROW_STATES: dict[str, tuple[str, Literal["old", "new"]]] = {
    "install": (INSTALL, "new"),
    "true-install": (INSTALL, "new"),
    "dep-install": (DEP_INSTALL, "new"),
    "updated": (UPGRADE, "old"),
    "update": (UPGRADE, "new"),
    "upgrade": (UPGRADE, "new"),
    "upgraded": (UPGRADE, "old"),
    "dep-update": (UPGRADE, "new"),
    "downgrade": (DOWNGRADE, "new"),
    "downgraded": (DOWNGRADE, "old"),
    "erase": (ERASE, "old"),
    "dep-erase": (ERASE, "old"),
    "removed": (ERASE, "old"),
    "remove": (ERASE, "old"),
    "reinstall": (REINSTALL, "new"),
    "reinstalled": (REINSTALL, "old"),
    "obsoleted": (OBSOLETED, "old"),
    "obsoleting": (OBSOLETING, "new"),
    "reason change": (REASON_CHANGE, "new"),
}
_ROW = re.compile(
    r"^(?P<prefix> {4}| \*\* |\s{2,})(?P<state>Reason [Cc]hange|[A-Z][A-Za-z-]+)(?P<gap>\s+)(?P<pkg>\S+)"
    r"(?:\s+(?P<repo>\S.*?))?\s*$"
)
_OMITTED = re.compile(r"^\s*pkgwhen: (?P<count>\d+) more rows? not shown")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Z][A-Za-z -]*?)\s*:\s?(?P<value>.*)$")
_SECTION_HEADS = (
    "transaction performed with",
    "packages altered",
    "packages skipped",
    "rpmdb problems",
    "scriptlet output",
    "errors",
)


@dataclass
class _InfoDraft:
    id: str | None = None
    begin_text: str = ""
    end_text: str = ""
    user: str | None = None
    outcome: str | None = None
    command_line: str | None = None
    comment: str | None = None
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # (action, side, name, evr@arch)
    omitted: int = 0
    seen: bool = False


def _end_time(end_text: str, begin: datetime | None, offset: timedelta | None) -> datetime | None:
    value = re.sub(r"\s*\([^)]*\)\s*$", "", end_text).strip()
    if not value:
        return None
    full = parse_history_time(value, offset)
    if full is not None:
        return full
    # yum 3.4 blanks the date part when the transaction ended on the day it began: `03:11:33 2018`.
    short = re.fullmatch(r"(\d{1,2}):(\d\d):(\d\d)(?:\s+\d{4})?", value)
    if short is None or begin is None:
        return None
    end = begin.replace(hour=int(short.group(1)), minute=int(short.group(2)), second=int(short.group(3)))
    return end if end >= begin else end + timedelta(days=1)


def _pair_rows(rows: Sequence[tuple[str, str, str, str]]) -> tuple[PackageChange, ...]:
    """Rows of `Packages Altered` as changes: an upgrade's two rows (old and new) become one change."""
    changes: list[PackageChange] = []
    pending: dict[tuple[str, str, str], int] = {}  # (action, name, arch) -> index of a half-filled change
    for action, side, name, evr_arch in rows:
        evr, _, arch = evr_arch.partition("@")
        key = (action, name.casefold(), arch)
        index = pending.pop(key, None)
        if index is not None:
            half = changes[index]
            if side == "old" and half.old_version is None:
                changes[index] = replace(half, old_version=evr)
                continue
            if side == "new" and half.new_version is None:
                changes[index] = replace(half, new_version=evr)
                continue
        change = PackageChange(
            name=name,
            arch=arch,
            old_version=evr if side == "old" else None,
            new_version=evr if side == "new" else None,
            action=action,
        )
        if action in (UPGRADE, DOWNGRADE, REINSTALL):
            pending[key] = len(changes)
        changes.append(change)
    return tuple(changes)


def _finish_info(
    draft: _InfoDraft, manager: Literal["yum", "dnf"], offset: timedelta | None, source: str
) -> Transaction:
    begin_text = re.sub(r"\s*\([^)]*\)\s*$", "", draft.begin_text)
    begin = parse_history_time(begin_text, offset)
    return Transaction(
        manager=manager,
        id=draft.id,
        begin=begin,
        end=_end_time(draft.end_text, begin, offset),
        user=draft.user,
        command_line=draft.command_line,
        changes=_pair_rows(draft.rows),
        outcome=draft.outcome,
        raw_source=source,
        comment=draft.comment,
        omitted_changes=draft.omitted,
    )


def parse_yum_history_info(
    text: str, manager: Literal["yum", "dnf"] = "yum", offset: timedelta | None = None
) -> tuple[Transaction, ...]:
    """Every transaction in `yum history info …` (yum 3.4) or `dnf history info …` (dnf 4) output.

    Reads the `Key : value` header (`Transaction ID`, `Begin time`, `End time` — yum shortens it to the
    time of day when the date is the same —, `User`, `Return-Code`, `Command Line`, `Comment`) and the
    `Packages Altered:` rows, pairing yum's `Updated`/`Update` (the second row without the name) and
    dnf's `Upgrade`/`Upgraded` into one change with both versions. Several transactions may follow each
    other (yum separates them with a line of dashes).
    """
    transactions: list[Transaction] = []
    draft = _InfoDraft()
    section = ""
    last_row: tuple[str, int, str] | None = None  # (state, pkg column, name) of the previous row
    source = f"{manager} history info"

    def flush() -> None:
        nonlocal draft, section, last_row
        if draft.seen:
            transactions.append(_finish_info(draft, manager, offset, source))
        draft, section, last_row = _InfoDraft(), "", None

    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"-{20,}", stripped):
            flush()
            continue
        if section in ("packages altered", "packages skipped") and line.startswith(" "):
            omitted = _OMITTED.match(line)
            if omitted is not None:
                draft.omitted += int(omitted.group("count"))
                continue
            row = _ROW.match(line)
            if row is not None and row.group("state").casefold() in _ROW_STATES:
                if section == "packages skipped":
                    continue
                state = row.group("state")
                action, side = _ROW_STATES[state.casefold()]
                token = row.group("pkg")
                column = row.start("pkg")
                name = ""
                if (
                    last_row is not None
                    and last_row[0].casefold() in ("updated", "downgrade", "obsoleting")
                    and state.casefold() in ("update", "downgraded", "obsoleted")
                    and (
                        column >= last_row[1] + len(last_row[2]) + 1
                        or not token.startswith(last_row[2] + "-")
                    )
                ):
                    # yum 3.4 prints the second row of a pair without the name, aligned under the version.
                    name = last_row[2]
                    evr, arch = _split_evra(token)
                else:
                    name, evr, arch = split_nevra(token)
                draft.rows.append((action, side, name, f"{evr}@{arch}"))
                last_row = (state, column, name)
            continue
        if section and line.startswith(" "):
            continue  # rows of the other sections (`Transaction performed with:`, scriptlet output)
        head = stripped.rstrip(":").casefold()
        if stripped.endswith(":") and head in _SECTION_HEADS:
            section = head
            continue
        match = _KEY_VALUE.match(line)
        if match is None:
            continue
        key = " ".join(match.group("key").split()).casefold()
        value = match.group("value").rstrip()
        if key == "transaction id":
            if draft.seen:
                flush()
            draft.seen = True
            draft.id = value.strip()
            section = ""
        elif not draft.seen:
            continue
        elif key == "begin time":
            draft.begin_text = value
        elif key == "end time":
            draft.end_text = value
        elif key == "user":
            draft.user = value.strip() or None
        elif key == "return-code":
            draft.outcome = value.strip() or None
        elif key == "command line":
            draft.command_line = value.strip()
        elif key == "comment":
            draft.comment = value.strip() or None
        else:
            section = "" if key not in _SECTION_HEADS else key
    flush()
    return tuple(transactions)


# --- apt ------------------------------------------------------------------------------------------------

_APT_ITEM = re.compile(r"(?P<name>[^\s:,()]+)(?::(?P<arch>[^\s(,]+))? \((?P<inner>[^()]*)\)")
_APT_ACTIONS = {
    "install": INSTALL,
    "upgrade": UPGRADE,
    "downgrade": DOWNGRADE,
    "remove": ERASE,
    "purge": PURGE,
    "reinstall": REINSTALL,
}


def _apt_changes(key: str, value: str) -> list[PackageChange]:
    action = _APT_ACTIONS[key]
    changes = []
    for item in _APT_ITEM.finditer(value):
        parts = [p.strip() for p in item.group("inner").split(",")]
        automatic = "automatic" in parts
        versions = [p for p in parts if p and p != "automatic"]
        arch = item.group("arch") or ""
        if action in (UPGRADE, DOWNGRADE):
            old = versions[0] if versions else None
            new = versions[1] if len(versions) > 1 else None
        elif action in (ERASE, PURGE):
            old, new = (versions[0] if versions else None), None
        else:
            old, new = None, (versions[-1] if versions else None)
        changes.append(
            PackageChange(
                name=item.group("name"),
                arch=arch,
                old_version=old,
                new_version=new,
                action=DEP_INSTALL if automatic and action == INSTALL else action,
            )
        )
    return changes


def parse_apt_history_log(
    text: str, offset: timedelta | None = None, source: str = "/var/log/apt/history.log"
) -> tuple[Transaction, ...]:
    """Entries of `/var/log/apt/history.log`, oldest first.

    An entry is `Start-Date`, `Commandline`, `Requested-By` (absent in old apt and for root without
    sudo), the action lines (`Install`/`Upgrade`/`Downgrade`/`Remove`/`Purge`/`Reinstall`, items
    `pkg:arch (old, new)` or `pkg:arch (ver, automatic)`), `Error`, `End-Date`. An entry cut at its
    start (by `tail`) keeps what is left with no begin time; an entry with only dates has no changes.
    """
    transactions: list[Transaction] = []
    fields: dict[str, str] = {}
    changes: list[PackageChange] = []
    started = False

    def flush() -> None:
        nonlocal fields, changes, started
        if fields or changes:
            transactions.append(
                Transaction(
                    manager="apt",
                    id=None,
                    begin=parse_history_time(fields.get("start-date", ""), offset),
                    end=parse_history_time(fields.get("end-date", ""), offset),
                    user=fields.get("requested-by"),
                    command_line=fields.get("commandline"),
                    changes=tuple(changes),
                    outcome=fields.get("error"),
                    raw_source=source,
                    comment=None
                    if started
                    else "entry cut at its start: its first lines are not in the log excerpt",
                )
            )
        fields, changes, started = {}, [], False

    for line in text.splitlines():
        if not line.strip():
            if "end-date" in fields:
                flush()
            continue
        key, colon, value = line.partition(":")
        key = key.strip().casefold()
        if not colon or " " in key:
            continue
        value = value.strip()
        if key == "start-date":
            if fields or changes:
                flush()
            started = True
            fields["start-date"] = value
        elif key in _APT_ACTIONS:
            changes.extend(_apt_changes(key, value))
        elif key in ("commandline", "requested-by", "end-date", "error"):
            fields[key] = value
            if key == "end-date":
                flush()
    flush()
    return tuple(transactions)


# --- zypper ---------------------------------------------------------------------------------------------


def _zypper_command(text: str) -> str:
    try:
        return " ".join(shlex.split(text))
    except ValueError:
        return text.replace("'", "")


def parse_zypper_history(
    text: str, offset: timedelta | None = None, source: str = "/var/log/zypp/history"
) -> tuple[Transaction, ...]:
    """Transactions of `/var/log/zypp/history` (`|`-separated; `#` lines are comments), oldest first.

    A `command` record starts a transaction and the `install`/`remove` records after it belong to it; an
    install whose requester field is empty under a command was pulled in as a dependency. Records with no
    command before them (PackageKit, YaST, an excerpt) are grouped by time. zypper logs an upgrade as the
    install of the new version only, so old versions are unknown.
    """
    transactions: list[Transaction] = []
    current: dict[str, str] | None = None
    changes: list[PackageChange] = []
    last_time: datetime | None = None

    def flush() -> None:
        nonlocal current, changes
        if current is not None or changes:
            info = current or {}
            begin = parse_history_time(info.get("date", ""), offset)
            transactions.append(
                Transaction(
                    manager="zypper",
                    id=None,
                    begin=begin if begin is not None else last_time,
                    end=last_time,
                    user=info.get("user") or None,
                    command_line=info.get("command"),
                    changes=tuple(changes),
                    outcome=None,
                    raw_source=source,
                )
            )
        current, changes = None, []

    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("|")
        if len(parts) < 3:
            continue
        at = parse_history_time(parts[0], offset)
        action = parts[1].strip()
        if action == "command":
            flush()
            current = {
                "date": parts[0],
                "user": parts[2].strip(),
                "command": _zypper_command(parts[3]) if len(parts) > 3 else "",
            }
            last_time = at
            continue
        if action not in ("install", "remove"):
            continue
        if (
            current is None
            and changes
            and at is not None
            and last_time is not None
            and at - last_time > timedelta(minutes=1)
        ):
            flush()
        name = parts[2].strip()
        version = parts[3].strip() if len(parts) > 3 else ""
        arch = parts[4].strip() if len(parts) > 4 else ""
        requester = parts[5].strip() if len(parts) > 5 else ""
        if action == "install":
            kind = DEP_INSTALL if current is not None and not requester else INSTALL
            changes.append(PackageChange(name, arch, None, version or None, kind))
        else:
            changes.append(PackageChange(name, arch, version or None, None, ERASE))
        if current is not None and requester and not current.get("user"):
            current["user"] = requester
        last_time = at if at is not None else last_time
    flush()
    return tuple(transactions)


# --- cloud-init and agent evidence ---------------------------------------------------------------------

_SYSLOG_CLOUD_INIT = re.compile(
    r"^(?P<month>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) (?P<time>\d\d:\d\d:\d\d) (?:\S+ )?cloud-init\[\d+\]: (?P<msg>.*)$"
)
_ISO_CLOUD_INIT = re.compile(r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:,\d+)? - (?P<msg>.*)$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def parse_cloud_init_lines(text: str) -> tuple[CloudInitLine, ...]:
    """cloud-init log lines about its package upgrade: `Upgrade level: …` and the `Running command [...]` line."""
    found: list[CloudInitLine] = []
    for line in text.splitlines():
        at: datetime | None = None
        month_day_time: tuple[int, int, int] | None = None
        syslog = _SYSLOG_CLOUD_INIT.match(line)
        iso = _ISO_CLOUD_INIT.match(line)
        if syslog is not None:
            h, m, s = (int(x) for x in syslog.group("time").split(":"))
            month = _MONTHS.get(syslog.group("month"))
            if month is None:
                continue
            month_day_time = (month, int(syslog.group("day")), h * 3600 + m * 60 + s)
            message = syslog.group("msg")
        elif iso is not None:
            at = parse_history_time(iso.group("at"))
            message = iso.group("msg")
        else:
            continue
        level = re.search(r"Upgrade level: (\S+)", message)
        command: tuple[str, ...] | None = None
        listed = re.search(r"Running command (\[.*?\]) with", message)
        if listed is not None:
            try:
                value = ast.literal_eval(listed.group(1))
            except (ValueError, SyntaxError):
                value = None
            if isinstance(value, list):
                command = tuple(str(v) for v in value)
        if level is None and command is None:
            continue
        if (
            command is not None
            and "--security" not in command
            and "upgrade" not in command
            and "update" not in command
        ):
            continue
        found.append(
            CloudInitLine(
                line=line.strip(),
                at=at,
                month_day_time=month_day_time,
                level=level.group(1) if level else None,
                command=command,
            )
        )
    return tuple(found)


_AGENT_LOG_TIME = re.compile(r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def parse_patch_runs(text: str, offset: timedelta | None = None) -> tuple[datetime, ...]:
    """Moments the SSM agent's log mentions AWS-RunPatchBaseline (its lines start `2022-11-10 22:06:01 INFO …`)."""
    runs = []
    for line in text.splitlines():
        match = _AGENT_LOG_TIME.match(line)
        if match is None or "RunPatchBaseline" not in line:
            continue
        at = parse_history_time(match.group("at"), offset)
        if at is not None:
            runs.append(at)
    return tuple(sorted(set(runs)))


# --- the document's output ------------------------------------------------------------------------------


def _merge(listed: Iterable[Transaction], detailed: Iterable[Transaction]) -> list[Transaction]:
    """Detailed transactions, plus list rows of the same manager that no `history info` covered."""
    result = list(detailed)
    covered = {(t.manager, t.id) for t in result}
    for row in listed:
        if (row.manager, row.id) not in covered:
            covered.add((row.manager, row.id))
            result.append(row)
    return result


def _sort_key(t: Transaction) -> tuple[datetime, str]:
    moment = t.begin or t.end or datetime.min.replace(tzinfo=UTC)
    return (moment, t.id or "")


def parse_history_output(stdout: str) -> TransactionReport:
    """Read what the pkgwhen history document printed (StandardOutputContent, or a saved copy).

    Sections start with `=== pkgwhen: TITLE ===`: `package-history 1` (`package:` and `window:` lines),
    `clock` (the server's `date '+%z %Z'`, for logs written in local time), `yum|dnf|dnf5 history list`,
    `yum|dnf|dnf5 history info ID` (dnf5's info is read with dnf 4's layout: no public sample shows it),
    `apt history PATH`, `zypper history PATH`, `cloud-init PATH`, `ssm-agent log`, `note`, and `end`.
    The agent's `--output truncated--` suffix, or a missing end marker, means the output was cut:
    `truncated` is True and the last section may be partial (a line cut in the middle is dropped or read
    as far as it goes, never an error).
    """
    truncated = AGENT_TRUNCATED_MARKER in stdout
    text = stdout.replace(AGENT_TRUNCATED_MARKER, "\n")
    sections: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    for line in text.splitlines():
        match = SECTION.match(line)
        if match is not None:
            sections.append((match.group("title").strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    titles = [title for title, _ in sections]
    complete = END_TITLE in titles
    notes: list[str] = []
    head = text.strip()
    if (
        not sections
        and head
        and (head.startswith("=== pkgwhen") or f"=== pkgwhen: {BEGIN_TITLE}".startswith(head))
    ):
        truncated = True
        notes.append("the output stops inside the document's first line: it was cut or the script stopped")
    elif not sections:
        notes.append("the output has none of the document's section markers: not pkgwhen's history output")
    elif not complete and not truncated:
        truncated = True
        notes.append("the output stops before the document's end marker: it was cut or the script stopped")
    if truncated:
        notes.append("the output was cut at SSM's 24,000-character limit: older transactions may be missing")

    package: str | None = None
    offset: timedelta | None = None
    for title, body in sections:
        if title == BEGIN_TITLE or title.startswith(BEGIN_TITLE + " "):
            for line in body:
                key, _, value = line.partition(":")
                if key.strip() == "package" and value.strip():
                    package = value.strip()
        elif title == "clock":
            for line in body:
                parsed = parse_utc_offset(line.split()[0]) if line.split() else None
                if parsed is not None:
                    offset = parsed
                    break
    listed: list[Transaction] = []
    detailed: list[Transaction] = []
    logs: list[Transaction] = []
    cloud: list[CloudInitLine] = []
    patch_runs: list[datetime] = []
    sources: list[str] = []
    for title, body in sections:
        joined = "\n".join(body)
        words = title.split()
        if title in (BEGIN_TITLE, END_TITLE, "clock") or title.startswith(BEGIN_TITLE + " "):
            continue
        if title == "note":
            notes.extend(line.strip() for line in body if line.strip())
            continue
        sources.append(title)
        # yum and dnf ran with TZ=UTC: their naive times are UTC whatever the server's zone.
        if words[:3] in (["yum", "history", "list"], ["dnf", "history", "list"]):
            listed.extend(parse_yum_history_list(joined, "yum" if words[0] == "yum" else "dnf"))
        elif words[:3] == ["dnf5", "history", "list"]:
            listed.extend(parse_dnf5_history_list(joined))
        elif words[:3] in (
            ["yum", "history", "info"],
            ["dnf", "history", "info"],
            ["dnf5", "history", "info"],
        ):
            detailed.extend(parse_yum_history_info(joined, "yum" if words[0] == "yum" else "dnf"))
        elif words[:2] == ["apt", "history"]:
            logs.extend(parse_apt_history_log(joined, offset, source=" ".join(words[2:]) or "apt history"))
        elif words[:2] == ["zypper", "history"]:
            logs.extend(parse_zypper_history(joined, offset, source=" ".join(words[2:]) or "zypper history"))
        elif words[:1] == ["cloud-init"]:
            cloud.extend(parse_cloud_init_lines(joined))
        elif words[:2] == ["ssm-agent", "log"]:
            patch_runs.extend(parse_patch_runs(joined, offset))
    merged = _merge(listed, detailed) + logs
    for t in merged:
        if t.summary_only:
            notes.append(
                f"{t.manager} transaction {t.id}: only its history-list row was printed (no details)"
            )
    if offset is None and any(t.manager in ("apt", "zypper") for t in logs):
        notes.append("the server's UTC offset was not printed: log times were read as UTC")
    return TransactionReport(
        transactions=tuple(sorted(merged, key=_sort_key)),
        truncated=truncated,
        sources=tuple(dict.fromkeys(sources)),
        notes=tuple(dict.fromkeys(notes)),
        package=package,
        utc_offset=offset,
        cloud_init=tuple(cloud),
        patch_runs=tuple(sorted(set(patch_runs))),
        complete=complete,
    )


# --- choosing transactions ------------------------------------------------------------------------------


def transactions_touching(report: TransactionReport, package: str) -> tuple[Transaction, ...]:
    """Transactions that changed `package` (name compared case-insensitively, arch and version aside).

    A history-list row without details counts when the report was made for this package: the document
    listed it because yum or dnf said it touched the package.
    """
    wanted = package.casefold()
    for_this = report.package is not None and report.package.casefold() == wanted
    return tuple(
        t
        for t in report.transactions
        if t.change_of(package) is not None or (t.summary_only and for_this and not t.changes)
    )


def near(
    transactions: Iterable[Transaction], after: datetime | None, before: datetime, slack: timedelta
) -> tuple[Transaction, ...]:
    """Transactions that ran in (or within `slack` of) the window `after`..`before`, oldest first.

    `after` None means the window is open at the start (a change in the first record). Transactions with
    no known time are left out: nothing places them in the window.
    """
    low = None if after is None else after - slack
    high = before + slack
    chosen = []
    for t in transactions:
        start = t.begin or t.end
        if start is None:
            continue
        finish = t.end or (start + timedelta(minutes=1) if t.summary_only else start)
        finish = max(finish, start)
        if start <= high and (low is None or finish >= low):
            chosen.append(t)
    return tuple(sorted(chosen, key=_sort_key))


# --- readings -------------------------------------------------------------------------------------------

FIRST_BOOT_WINDOW = timedelta(hours=1)
PATCH_RUN_WINDOW = timedelta(hours=3)


def _command(t: Transaction) -> str | None:
    """The command as a person would have typed it (yum and dnf record only the arguments)."""
    if t.command_line is None or not t.command_line.strip():
        return None
    line = t.command_line.strip()
    if t.manager in ("yum", "dnf") and not line.startswith(("yum", "dnf", "/")):
        return f"{t.manager} {line}"
    return line


def _is_cloud_init_security(command_line: str) -> bool:
    args = command_line.split()
    return "--security" in args and any(a in ("upgrade", "update") for a in args)


def _named_targets(command_line: str) -> tuple[str, list[str]] | None:
    """(verb, package arguments) of an install/update command that names packages; None otherwise."""
    args = [a for a in command_line.split() if a not in ("sudo", "yum", "dnf", "apt", "apt-get", "zypper")]
    args = [a for a in args if not a.startswith("-") and not a.startswith("/")]
    if not args:
        return None
    verb, targets = args[0], args[1:]
    if verb not in ("install", "update", "upgrade", "reinstall", "downgrade", "in", "up", "update-minimal"):
        return None
    targets = [t.split("=")[0] for t in targets]
    return (verb, targets) if targets else None


def _matches_target(package: str, target: str) -> bool:
    name = target.split(":", maxsplit=1)[0].casefold()
    return fnmatch.fnmatchcase(package.casefold(), name) or name.startswith(package.casefold() + "-")


def _fmt_time(moment: datetime | None) -> str:
    return (
        "at an unknown time" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    )


def _who(user: str | None) -> str:
    return user if user else "an unknown user"


def read_transaction(
    t: Transaction,
    *,
    launched_at: datetime | None = None,
    package: str | None = None,
    report: TransactionReport | None = None,
) -> Reading:
    """What the transaction was, as one line (`text`) and a `kind`.

    Rules, first match wins:
    - apt `Commandline` running unattended-upgrade(s) → unattended-upgrades.
    - yum/dnf by `System <unset>` (no login session) with a `--security` upgrade, within an hour of
      `launched_at` (or at any time when it is unknown; a matching cloud-init log line in `report`
      confirms it) → cloud-init's first-boot security update (`repo_upgrade: security`).
    - yum/dnf by `System <unset>` whose begin follows an `AWS-RunPatchBaseline` run in the agent's log (in
      `report`), or which has no command line at all (Patch Manager installs through yum's and dnf's
      Python API, which records none), and apt with neither `Commandline` nor `Requested-By` after such a
      run → Patch Manager. The no-command-line part is pkgwhen's own inference, said as "probably".
    - `package` installed as a dependency (`Dep-Install`, apt `automatic`, zypper without requester), or
      changed by a command that names other packages → pulled in as a dependency.
    - A login user (`Name <login>`, apt `Requested-By: user (uid)`, zypper `user@host`) → that person's command.
    - `System <unset>` otherwise → automation without a login session (user data, cron, a config tool).
    """
    command = _command(t)
    when = _fmt_time(t.begin or t.end)
    change = t.change_of(package) if package else None
    patch_runs = report.patch_runs if report is not None else ()
    patch_run = next(
        (
            run
            for run in patch_runs
            if t.begin is not None
            and run <= t.begin + timedelta(minutes=5)
            and t.begin - run <= PATCH_RUN_WINDOW
        ),
        None,
    )

    if t.manager == "apt" and t.command_line and "unattended-upgrade" in t.command_line:
        first = " (its first run after boot)" if "first-unattended-upgrade" in t.command_line else ""
        return Reading(
            ReadingKind.UNATTENDED_UPGRADES,
            f"unattended-upgrades applied it automatically{first} {when} (`{t.command_line}`)",
            who="unattended-upgrades",
            command=t.command_line,
        )

    system = _is_system_user(t.user)
    if t.manager in ("yum", "dnf") and system and t.command_line and _is_cloud_init_security(t.command_line):
        after_launch = None if launched_at is None or t.begin is None else t.begin - launched_at
        logged = (
            report is not None
            and t.begin is not None
            and any(line.near(t.begin, report.utc_offset or timedelta(0)) for line in report.cloud_init)
        )
        if after_launch is None or timedelta(minutes=-5) <= after_launch <= FIRST_BOOT_WINDOW:
            since = ""
            if after_launch is not None:
                minutes = max(0, int(after_launch.total_seconds() // 60))
                since = f", {minutes} min after launch" if minutes else ", right after launch"
            evidence = "; cloud-init.log shows `Upgrade level: security`" if logged else ""
            return Reading(
                ReadingKind.FIRST_BOOT_SECURITY_UPDATE,
                f"cloud-init's automatic security update at first boot (`repo_upgrade: security`) {when}{since}: "
                f"`{command}`{evidence}",
                who=t.user,
                command=command,
            )
        return Reading(
            ReadingKind.AUTOMATION,
            f"a security update run without a login session {when}, not at first boot (launched "
            f"{_fmt_time(launched_at)}): `{command}` — yum-cron, a script or user data",
            who=t.user,
            command=command,
        )

    if (
        t.manager in ("yum", "dnf")
        and system
        and (patch_run is not None or (t.command_line is None and not t.summary_only))
    ):
        if patch_run is not None:
            text = f"a Patch Manager run (AWS-RunPatchBaseline, started {_fmt_time(patch_run)}) installed it {when}"
        else:
            text = (
                f"probably a Patch Manager run (AWS-RunPatchBaseline) {when}: run as root without a login "
                f"session through {t.manager}'s Python API, which records no command line"
            )
        return Reading(ReadingKind.PATCH_MANAGER, text, who=t.user, command=command)
    if t.manager == "apt" and patch_run is not None and not t.user and not t.command_line:
        return Reading(
            ReadingKind.PATCH_MANAGER,
            f"a Patch Manager run (AWS-RunPatchBaseline, started {_fmt_time(patch_run)}) installed it {when}",
        )

    person = (
        _is_login_user(t.user)
        or (t.manager == "apt" and bool(t.user))
        or (t.manager == "zypper" and bool(t.user))
    )
    if change is not None and package is not None:
        targets = _named_targets(t.command_line or "")
        not_named = targets is not None and not any(_matches_target(package, target) for target in targets[1])
        if change.action == DEP_INSTALL or (not_named and change.action in (UPGRADE, INSTALL, DOWNGRADE)):
            by = f" by {_who(t.user)}" if t.user else ""
            via = f"`{command}`" if command else "another package's installation"
            return Reading(
                ReadingKind.DEPENDENCY,
                f"{change.name} came in as a dependency of {via}{by} {when}",
                who=t.user,
                command=command,
            )
    if person:
        if command:
            what = f"ran `{command}`"
        elif t.summary_only:
            what = f"ran a {t.manager} transaction (only its list row was printed: ask about its window for details)"
        else:
            what = "ran a transaction whose command line was not recorded"
        return Reading(ReadingKind.PERSON, f"{_who(t.user)} {what} {when}", who=t.user, command=command)
    if system or (t.manager == "apt" and not t.user and t.command_line):
        what = f"`{command}`" if command else "a transaction without a command line"
        return Reading(
            ReadingKind.AUTOMATION,
            f"{what} {when}, run as root without a login session (user data, cron or a configuration tool)",
            who=t.user,
            command=command,
        )
    what = f"`{command}`" if command else "a transaction"
    return Reading(ReadingKind.UNKNOWN, f"{what} by {_who(t.user)} {when}", who=t.user, command=command)
