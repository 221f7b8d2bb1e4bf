"""How a simulated node answers pkgwhen's package-history document: yum, apt and log output from its record.

The AWS stand-in runs `deploy/pkgwhen-package-history.json` on a simulated node through
`AwsStandIn.register_document(DOCUMENT_NAME, PackageHistoryRun())`. There is no real package manager
behind a `SimNode`, so the transactions are derived from what AWS Config recorded of it (`node.items`),
consecutive items diffed with `bot.core.timeline.diff_snapshots`, so they line up with the timeline pkgwhen
shows; rpm InstalledTime gives each package's moment and groups them into transactions. Then the output is
printed as the document would: the same section markers, the `history list`/`history info` layout of
yum 3.4 (Amazon Linux 2) or dnf 4 (other rpm platforms) in the C locale with TZ=UTC, apt's history.log
entries in the server's local time, the cloud-init and SSM agent log lines, and the document's own
limits (six detailed transactions, 25 rows of other packages each, 20 apt entries per file).

Who ran what is the simulation's story, told by simple rules:
- rpm changes before the node's first inventory run with application data (first boot): the packages of
  `first_boot_security` are cloud-init's `repo_upgrade: security` run by `System <unset>`; any others
  are user data's `yum update -y`, also `System <unset>`;
- upgrades starting in `patch_hours` (UTC; the fleet's maintenance window at 22:00) are Patch Manager runs
  (`System <unset>`, no command line — yum's Python API records none — and an agent log line);
- any other rpm change is a person: the platform's default login user running `yum update`,
  `yum install …` or `yum remove …` (web-1's 2020-07-02 update is the seed's `sudo yum update`);
- apt changes are unattended-upgrades, except a downgrade, which a person made with `apt install pkg=ver`.
Changes that began before `history_since` were rotated away (a new yum history, deleted apt logs): the
document then finds no transaction for them.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.core.config_items import InventoryKind, InventorySnapshot, parse_configuration_item
from bot.core.timeline import ChangeKind, VersionChange, diff_snapshots
from bot.core.transactions import PACKAGE_NAME_PATTERN, WINDOW_PATTERN
from bot.core.versions import VersionScheme, scheme_for
from bot.sim.default_fleet import FIRST_BOOT_UPGRADES, SEED_UPGRADES
from bot.sim.fleet import SimNode

DOCUMENT_NAME = "pkgwhen-package-history"
# Parameters reach the script as environment variables only from this agent version on.
ENV_VAR_AGENT_VERSION = (3, 3, 2746, 0)
MAX_INFO = 6
MAX_OTHER_ROWS = 25
MAX_APT_ENTRIES = 20
FIRST_BOOT_WINDOW = timedelta(minutes=30)
_GAP = timedelta(minutes=5)  # rpm package moments further apart than this are separate transactions
CLOUD_INIT_SECURITY_ARGS = (
    "-t -y --exclude=kernel --exclude=nvidia* --exclude=cuda* --security "
    "--sec-severity=critical --sec-severity=important upgrade"
)
_SYSTEM = "System <unset>"
_LOGIN_USERS = {"amazon linux": "EC2 Default User <ec2-user>"}
_DEFAULT_LOGIN_USER = "Cloud User <admin>"
_APT_PERSON = "ubuntu (1000)"
_PLUGINS = "Loaded plugins: extras_suggestions, langpacks, priorities, update-motd"

Who = Literal["cloud-init", "user-data", "patch-manager", "person", "unattended", "apt-person"]


@dataclass(frozen=True)
class _Row:
    """One package's part in a simulated transaction."""

    name: str
    arch: str
    old: str | None
    new: str | None
    kind: Literal["upgrade", "downgrade", "install", "erase"]


@dataclass(frozen=True)
class SimTransaction:
    """A transaction the simulation says happened on the node."""

    id: int
    begin: datetime
    end: datetime
    who: Who
    user: str | None
    command_line: str | None
    rows: tuple[_Row, ...]

    def touches(self, package: str) -> bool:
        wanted = package.casefold()
        return any(row.name.casefold() == wanted for row in self.rows)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:4])


def _application_changes(changes: Sequence[VersionChange]) -> list[VersionChange]:
    return [c for c in changes if c.inventory is InventoryKind.APPLICATION]


def _rows(change: VersionChange, image_versions: dict[str, str]) -> list[_Row]:
    arch = next((e.arch for e in (*change.new_entries, *change.old_entries) if e.arch), "")
    name = change.package
    if change.kind is ChangeKind.PRESENT_AT_FIRST_RECORD:
        old = image_versions.get(name)
        return [_Row(name, arch, old, change.new[-1], "upgrade" if old else "install")]
    if change.kind in (ChangeKind.UPGRADED, ChangeKind.REPLACED):
        return [_Row(name, arch, change.old[-1], change.new[-1], "upgrade")]
    if change.kind is ChangeKind.DOWNGRADED:
        return [_Row(name, arch, change.old[-1], change.new[-1], "downgrade")]
    if change.kind in (ChangeKind.INSTALLED, ChangeKind.REINSTALLED):
        return [_Row(name, arch, None, change.new[-1], "install")]
    if change.kind is ChangeKind.REMOVED:
        return [_Row(name, arch, change.old[-1], None, "erase")]
    rows = [_Row(name, e.arch or arch, None, e.version, "install") for e in change.added]
    rows += [_Row(name, e.arch or arch, e.version, None, "erase") for e in change.removed]
    return rows


def _moment(change: VersionChange) -> datetime | None:
    times = [e.installed_at for e in change.added if e.installed_at is not None]
    if change.kind is ChangeKind.PRESENT_AT_FIRST_RECORD:
        times = [e.installed_at for e in change.new_entries if e.installed_at is not None]
    return max(times) if times else None


@dataclass
class PackageHistoryRun:
    """The `DocumentRun` for DOCUMENT_NAME: `run(node, parameters) -> (exit code, stdout, stderr)`."""

    history_since: datetime | None = None
    utc_offset: timedelta = timedelta(0)
    patch_hours: frozenset[int] = frozenset({22})
    first_boot_security: frozenset[str] = frozenset(name for name, _, _ in FIRST_BOOT_UPGRADES)
    # logrotate's apt policy on Ubuntu: monthly, 12 kept; older apt entries are gone (None keeps all).
    apt_months_kept: int | None = 12
    # A real agent older than 3.3.2746.0 passes no SSM_ variables and the script exits 3.
    enforce_agent_version: bool = False
    _cache: dict[tuple[str, int], tuple[SimTransaction, ...]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, node: SimNode, parameters: dict[str, list[str]]) -> tuple[int, str, str]:
        if node.platform_type != "Linux":
            return (
                1,
                "",
                f"{DOCUMENT_NAME}: not a Linux node ({node.platform_name or node.platform_type}): "
                "package-manager history is read on Linux only",
            )
        values = {
            name: (parameters.get(name) or [""])[0] for name in ("packageName", "windowStart", "windowEnd")
        }
        if not re.fullmatch(PACKAGE_NAME_PATTERN, values["packageName"]):
            return 2, "", "pkgwhen: not a package name"
        for bound in ("windowStart", "windowEnd"):
            if not re.fullmatch(WINDOW_PATTERN, values[bound]):
                return 2, "", "pkgwhen: window bounds are YYYY-MM-DDTHH:MM (UTC)"
        if self.enforce_agent_version and _version_tuple(node.agent_version) < ENV_VAR_AGENT_VERSION:
            return (
                3,
                "",
                "pkgwhen: SSM_packageName is not set: SSM Agent 3.3.2746.0 or later is needed to pass "
                "parameters as environment variables",
            )
        return 0, self.output(node, values["packageName"], values["windowStart"], values["windowEnd"]), ""

    # --- the node's story ---------------------------------------------------------------------------
    def transactions(self, node: SimNode) -> tuple[SimTransaction, ...]:
        """Every transaction the node's record implies, oldest first (rotation not applied)."""
        key = (node.node_id, len(node.items))
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        snapshots = sorted(
            (s for s in (parse_configuration_item(item) for item in node.items) if s.packages_known),
            key=lambda s: s.captured_at,
        )
        if not snapshots:
            return ()
        scheme = scheme_for(snapshots[-1])
        result = (
            self._rpm(node, snapshots, scheme)
            if scheme is VersionScheme.RPM
            else self._apt(snapshots, scheme)
        )
        with self._lock:
            self._cache[key] = result
        return result

    def _rpm(
        self, node: SimNode, snapshots: Sequence[InventorySnapshot], scheme: VersionScheme
    ) -> tuple[SimTransaction, ...]:
        image_versions = {name: old for name, old, _ in (*FIRST_BOOT_UPGRADES, *SEED_UPGRADES)}
        # (moment, rows, first boot?) per change, then grouped by time.
        moments: list[tuple[datetime, list[_Row], bool]] = []
        first_boot_after = node.registered_at - FIRST_BOOT_WINDOW
        first = snapshots[0]
        for change in _application_changes(diff_snapshots(None, first, scheme)):
            at = _moment(change)
            if at is not None and at >= first_boot_after:
                moments.append((at, _rows(change, image_versions), True))
        for previous, current in itertools.pairwise(snapshots):
            changes = _application_changes(diff_snapshots(previous, current, scheme))
            timed = [m for c in changes if (m := _moment(c)) is not None]
            fallback = (
                min(timed)
                if timed
                else previous.captured_at + (current.captured_at - previous.captured_at) / 2
            )
            for change in changes:
                moments.append((_moment(change) or fallback, _rows(change, image_versions), False))
        moments.sort(key=lambda m: m[0])
        groups: list[list[tuple[datetime, list[_Row], bool]]] = []
        for moment in moments:
            if groups and moment[0] - groups[-1][-1][0] <= _GAP and groups[-1][-1][2] == moment[2]:
                groups[-1].append(moment)
            else:
                groups.append([moment])
        login = _LOGIN_USERS.get(node.platform_name.casefold(), _DEFAULT_LOGIN_USER)
        result: list[SimTransaction] = []
        for group in groups:
            begin, end = group[0][0], group[-1][0] + timedelta(seconds=3)
            rows = [row for _, group_rows, _ in group for row in group_rows]
            if group[0][2]:
                security = [r for r in rows if r.name in self.first_boot_security]
                others = [r for r in rows if r.name not in self.first_boot_security]
                if security:
                    result.append(
                        self._tx(
                            result,
                            begin,
                            end,
                            who="cloud-init",
                            user=_SYSTEM,
                            command=CLOUD_INIT_SECURITY_ARGS,
                            rows=security,
                        )
                    )
                if others:
                    later = begin + timedelta(seconds=20)
                    result.append(
                        self._tx(
                            result,
                            later,
                            end + timedelta(seconds=20),
                            who="user-data",
                            user=_SYSTEM,
                            command="update -y",
                            rows=others,
                        )
                    )
                continue
            kinds = {row.kind for row in rows}
            if kinds <= {"install"}:
                command = "install " + " ".join(dict.fromkeys(row.name for row in rows))
                result.append(
                    self._tx(result, begin, end, who="person", user=login, command=command, rows=rows)
                )
            elif kinds <= {"erase"}:
                command = "remove " + " ".join(dict.fromkeys(row.name for row in rows))
                result.append(
                    self._tx(result, begin, end, who="person", user=login, command=command, rows=rows)
                )
            elif begin.astimezone(UTC).hour in self.patch_hours:
                result.append(
                    self._tx(result, begin, end, who="patch-manager", user=_SYSTEM, command=None, rows=rows)
                )
            else:
                result.append(
                    self._tx(result, begin, end, who="person", user=login, command="update", rows=rows)
                )
        return tuple(result)

    def _apt(
        self, snapshots: Sequence[InventorySnapshot], scheme: VersionScheme
    ) -> tuple[SimTransaction, ...]:
        result: list[SimTransaction] = []
        for previous, current in itertools.pairwise(snapshots):
            changes = _application_changes(diff_snapshots(previous, current, scheme))
            if not changes:
                continue
            rows = [row for change in changes for row in _rows(change, {})]
            # apt gives no install time: the run sits in the window, a few minutes before the capture.
            begin = max(
                previous.captured_at + timedelta(seconds=1), current.captured_at - timedelta(minutes=4)
            )
            end = begin + timedelta(seconds=20 + 4 * len(rows))
            begin, end = begin.replace(microsecond=0), end.replace(microsecond=0)
            downgrades = [row for row in rows if row.kind == "downgrade"]
            if downgrades:
                targets = " ".join(f"{row.name}={row.new}" for row in downgrades)
                result.append(
                    self._tx(
                        result,
                        begin,
                        end,
                        who="apt-person",
                        user=_APT_PERSON,
                        command=f"apt install {targets}",
                        rows=rows,
                    )
                )
            else:
                result.append(
                    self._tx(
                        result,
                        begin,
                        end,
                        who="unattended",
                        user=None,
                        command="/usr/bin/unattended-upgrade",
                        rows=rows,
                    )
                )
        return tuple(result)

    @staticmethod
    def _tx(
        before: Sequence[SimTransaction],
        begin: datetime,
        end: datetime,
        *,
        who: Who,
        user: str | None,
        command: str | None,
        rows: Sequence[_Row],
    ) -> SimTransaction:
        return SimTransaction(
            len(before) + 1,
            begin.replace(microsecond=0),
            end.replace(microsecond=0),
            who,
            user,
            command,
            tuple(rows),
        )

    # --- what the document prints -------------------------------------------------------------------
    def output(self, node: SimNode, package: str, window_start: str = "", window_end: str = "") -> str:
        """The document's stdout on this node for `package` (before the agent's 24,000-character cut)."""
        everything = self.transactions(node)
        kept = [t for t in everything if self.history_since is None or t.begin >= self.history_since]
        lines = [
            "=== pkgwhen: package-history 1 ===",
            f"package: {package}",
            f"window: {window_start} .. {window_end}",
            "=== pkgwhen: clock ===",
            f"{_offset_text(self.utc_offset)} {'UTC' if not self.utc_offset else ''}".rstrip(),
        ]
        rpm = any(t.who in ("cloud-init", "user-data", "patch-manager", "person") for t in everything)
        apt = any(t.who in ("unattended", "apt-person") for t in everything)
        if rpm or not apt:
            lines += self._rpm_sections(kept, package, window_start, window_end, _flavor(node))
        if apt:
            now = self._local(node.capture_time or everything[-1].end)
            lines += self._apt_sections(kept, package, window_start, window_end, now)
        if node.platform_name.casefold().startswith("amazon linux"):
            lines += self._cloud_init(node, everything)
        patch_runs = [t for t in kept if t.who == "patch-manager"]
        if patch_runs:
            lines.append("=== pkgwhen: ssm-agent log ===")
            for t in patch_runs[-30:]:
                started = t.begin - timedelta(minutes=1, seconds=12)
                lines.append(
                    f"{self._local(started):%Y-%m-%d %H:%M:%S} INFO [ssm-document-worker] "
                    f"[{t.id:08d}-pkgwhen-sim] Running document AWS-RunPatchBaseline (Operation=Install)"
                )
        lines.append("=== pkgwhen: end ===")
        return "\n".join(lines) + "\n"

    def _local(self, moment: datetime) -> datetime:
        return (moment + self.utc_offset).replace(tzinfo=None)

    def _rpm_sections(
        self,
        kept: Sequence[SimTransaction],
        package: str,
        window_start: str,
        window_end: str,
        flavor: Literal["yum", "dnf"],
    ) -> list[str]:
        touching = [t for t in kept if t.touches(package)]
        newest_first = list(reversed(touching))
        lines = [f"=== pkgwhen: {flavor} history list ==="]
        # yum's default view shows commands when one user made every transaction; dnf always does.
        by_command = flavor == "dnf" or len({t.user for t in newest_first}) == 1
        lines.append(
            "ID     | Command line             | Date and time    | Action(s)      | Altered"
            if by_command
            else "ID     | Login user               | Date and time    | Action(s)      | Altered"
        )
        lines.append("-" * 79)
        for t in newest_first:
            who = (t.command_line or "")[:24] if by_command else _short_user(t.user or "")
            lines.append(
                f"{t.id:>6} | {who:<24} | {t.begin:%Y-%m-%d %H:%M} | {_actions(t.rows, flavor):<14} | {len(t.rows):>4}"
            )
        start, end = window_start.replace("T", " "), window_end.replace("T", " ")
        chosen = [
            t
            for t in newest_first
            if (not start or f"{t.begin:%Y-%m-%d %H:%M}" >= start)
            and (not end or f"{t.begin:%Y-%m-%d %H:%M}" <= end)
        ][:MAX_INFO]
        for t in chosen:
            lines.append(f"=== pkgwhen: {flavor} history info {t.id} ===")
            lines += _history_info(t, package, flavor)
        return lines

    def _apt_sections(
        self, kept: Sequence[SimTransaction], package: str, window_start: str, window_end: str, now: datetime
    ) -> list[str]:
        touching = [t for t in kept if t.touches(package)]
        start = self._window_local(window_start)
        end = self._window_local(window_end)
        touching = [
            t
            for t in touching
            if (not start or f"{self._local(t.begin):%Y-%m-%d %H:%M}" >= start)
            and (not end or f"{self._local(t.begin):%Y-%m-%d %H:%M}" <= end)
        ]
        # logrotate: this month's entries in history.log, each earlier month in history.log.N.gz.
        files: dict[int, list[SimTransaction]] = {}
        for t in touching:
            local = self._local(t.begin)
            months = (now.year - local.year) * 12 + now.month - local.month
            if self.apt_months_kept is None or months <= self.apt_months_kept:
                files.setdefault(max(0, months), []).append(t)
        lines: list[str] = []
        for months in sorted(set(files) | {0}):
            name = "/var/log/apt/history.log" + (f".{months}.gz" if months else "")
            lines.append(f"=== pkgwhen: apt history {name} ===")
            for t in files.get(months, [])[-MAX_APT_ENTRIES:]:
                lines += self._apt_entry(t)
                lines.append("")
        return lines

    def _window_local(self, bound: str) -> str:
        if not bound:
            return ""
        moment = datetime.strptime(bound, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
        return f"{self._local(moment):%Y-%m-%d %H:%M}"

    def _apt_entry(self, t: SimTransaction) -> list[str]:
        lines = [f"Start-Date: {self._local(t.begin):%Y-%m-%d  %H:%M:%S}"]
        if t.command_line:
            lines.append(f"Commandline: {t.command_line}")
        if t.user:
            lines.append(f"Requested-By: {t.user}")
        groups: dict[str, list[str]] = {}
        for row in t.rows:
            arch = "amd64" if row.arch in ("x86_64", "") else row.arch
            if row.kind == "install":
                groups.setdefault("Install", []).append(f"{row.name}:{arch} ({row.new})")
            elif row.kind == "erase":
                groups.setdefault("Remove", []).append(f"{row.name}:{arch} ({row.old})")
            else:
                key = "Upgrade" if row.kind == "upgrade" else "Downgrade"
                groups.setdefault(key, []).append(f"{row.name}:{arch} ({row.old}, {row.new})")
        for key in ("Install", "Upgrade", "Downgrade", "Remove"):
            if key in groups:
                lines.append(f"{key}: {', '.join(groups[key])}")
        lines.append(f"End-Date: {self._local(t.end):%Y-%m-%d  %H:%M:%S}")
        return lines

    def _cloud_init(self, node: SimNode, everything: Sequence[SimTransaction]) -> list[str]:
        boot = next((t for t in everything if t.who == "cloud-init"), None)
        at = self._local(boot.begin if boot is not None else node.registered_at - timedelta(seconds=20))
        stamp = f"{at:%b} {at.day:>2} {at:%H:%M:%S}"
        argv = ", ".join(repr(a) for a in ["yum", *CLOUD_INIT_SECURITY_ARGS.split()])
        return [
            "=== pkgwhen: cloud-init /var/log/cloud-init.log ===",
            f"{stamp} cloud-init[2305]: amazon.py[DEBUG]: Upgrade level: security",
            f"{stamp} cloud-init[2305]: util.py[DEBUG]: Running command [{argv}] with allowed return codes [0] "
            "(shell=False, capture=False)",
        ]


# --- yum 3.4's layout ----------------------------------------------------------------------------------


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _short_user(user: str) -> str:
    """yum's list column: `EC2 Default User <ec2-user>` does not fit 24 characters, so `EC2 ... <ec2-user>`."""
    if len(user) <= 24:
        return user
    match = re.match(r"^(\S+).*?(<[^>]*>)$", user)
    if match is None:
        return user[:24]
    short = f"{match.group(1)} ... {match.group(2)}"
    return short if len(short) <= 24 else match.group(2)


_INITIALS = {"install": "I", "upgrade": "U", "downgrade": "D", "erase": "E"}
_NAMES = {
    "yum": {"install": "Install", "upgrade": "Update", "downgrade": "Downgrade", "erase": "Erase"},
    "dnf": {"install": "Install", "upgrade": "Upgrade", "downgrade": "Downgrade", "erase": "Removed"},
}


def _flavor(node: SimNode) -> Literal["yum", "dnf"]:
    """Amazon Linux 2 has yum 3.4; the other rpm platforms here (Rocky 8, AL2023) have dnf 4."""
    amazon = node.platform_name.casefold().startswith("amazon linux")
    return (
        "yum"
        if amazon and node.platform_version.startswith("2") and node.platform_version != "2023"
        else "dnf"
    )


def _actions(rows: Sequence[_Row], flavor: Literal["yum", "dnf"]) -> str:
    kinds = sorted({row.kind for row in rows}, key=lambda k: _INITIALS[k])
    if len(kinds) == 1:
        return _NAMES[flavor][kinds[0]]
    return ", ".join(_INITIALS[k] for k in kinds)


def _ctime(moment: datetime) -> str:
    return f"{moment:%a %b} {moment.day:>2} {moment:%H:%M:%S %Y}"


def _history_info(t: SimTransaction, package: str, flavor: Literal["yum", "dnf"]) -> list[str]:
    """`history info ID` as yum 3.4 or dnf 4 print it in the C locale with TZ=UTC, rows capped like the document."""
    begin, end = t.begin.astimezone(UTC), t.end.astimezone(UTC)
    end_text = _ctime(end)
    if flavor == "yum" and end.date() == begin.date():
        end_text = " " * 11 + end_text[11:]  # yum 3.4 leaves out the date when it is the same
    seconds = int((end - begin).total_seconds())
    lines = [
        f"Transaction ID : {t.id}",
        f"Begin time     : {_ctime(begin)}",
        f"Begin rpmdb    : 451:{t.id:040x}" if flavor == "yum" else f"Begin rpmdb    : {t.id:064x}",
        f"End time       : {end_text} ({seconds} seconds)",
        f"End rpmdb      : 452:{t.id + 1:040x}" if flavor == "yum" else f"End rpmdb      : {t.id + 1:064x}",
        f"User           : {t.user or _SYSTEM}",
        "Return-Code    : Success",
    ]
    if flavor == "dnf":
        lines.append("Releasever     : 8")
    if t.command_line is not None:
        lines.append(f"Command Line   : {t.command_line}")
    if flavor == "yum":
        lines += [
            "Transaction performed with:",
            "    Installed     rpm-4.11.3-40.amzn2.x86_64  @amzn2-core",
            "    Installed     yum-3.4.3-158.amzn2.0.4.noarch @amzn2-core",
        ]
    else:
        lines.append("Comment        : ")
    lines.append("Packages Altered:")
    repo = "@amzn2-core" if flavor == "yum" else "@baseos"
    # (state, package column, repository, the package's own row, a second row of its pair follows)
    states: list[tuple[str, str, str, bool, bool]] = []
    for row in sorted(t.rows, key=lambda r: (r.name, r.new or r.old or "")):
        own = row.name.casefold() == package.casefold()
        old = f"{row.name}-{row.old}.{row.arch}" if row.old else ""
        new = f"{row.name}-{row.new}.{row.arch}" if row.new else ""
        blank = " " * (len(row.name) + 1)
        if row.kind in ("upgrade", "downgrade") and flavor == "yum":
            # yum 3.4: Updated (old) then Update (new); Downgrade (new) then Downgraded (old); no name on
            # the second row.
            first, second = (
                (("Updated", old), ("Update", new))
                if row.kind == "upgrade"
                else (("Downgrade", new), ("Downgraded", old))
            )
            states += [
                (first[0], first[1], repo, own, True),
                (second[0], blank + second[1][len(blank) :], repo, own, False),
            ]
        elif row.kind in ("upgrade", "downgrade"):
            word = "Upgrade" if row.kind == "upgrade" else "Downgrade"
            states += [(word, new, repo, own, True), (f"{word}d", old, "@@System", own, False)]
        elif row.kind == "install":
            states.append(("Install", new, repo, own, False))
        else:
            states.append(
                (
                    "Erase" if flavor == "yum" else "Removed",
                    old,
                    "@@System" if flavor == "dnf" else repo,
                    own,
                    False,
                )
            )
    width = max((len(s[0]) for s in states), default=0)
    column = max((len(s[1]) for s in states), default=0)
    others = 0
    dropped = 0
    keep_next = False
    for state, name, where, own, pair in states:
        text = f"    {state:<{width}} {name:<{column}} {where}"
        if own or keep_next:
            lines.append(text)
            keep_next = own and pair
        elif others < MAX_OTHER_ROWS:
            others += 1
            lines.append(text)
            keep_next = pair
        else:
            dropped += 1
            keep_next = False
    if dropped:
        lines.append(f"    pkgwhen: {dropped} more rows not shown")
    return lines
