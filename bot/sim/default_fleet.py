"""The simulated fleet the demo and the tests start from: managed nodes whose package histories tell true stories.

Every change goes through the fleet mechanism (`SimNode` changes what is installed, `Fleet.capture` is an
inventory run), so Config items appear exactly where a real recorder would put them. Captures happen at
the moments that matter: the last scheduled run before a change (it records nothing, but it is the last
capture that saw the old state), and the first run after it.

The nodes (ids are module constants):
- `AL2_WEB` (web-1): the story of the seed blog post. Amazon Linux 2 launched 2020-06-29 from
  amzn2-ami-hvm-2.0.20200617.0; cloud-init's first-boot security update; Config's first item holds only
  instance information; on 2020-07-02 a `yum update` of 30 packages plus a second kernel is recorded as
  two items because the SSM agent upgraded itself first; then monthly-ish updates until now, a package
  installed later and removed, old kernels removed by yum's installonly limit.
- `UBUNTU_APP` (app-1): Ubuntu 20.04, unattended-upgrades for years, an epoch bump that defeats plain
  string comparison, and a downgrade (docker.io pinned back).
- `WIN_APP` (win-app-1): Windows Server 2019, monthly Patch Tuesday hotfixes and application updates.
- `WIN_TOKYO` (win-tokyo-1): Windows Server 2022 whose clock is on Tokyo time (UTC+9): its agent writes
  install dates as local midnight in UTC, so a Wednesday's patch arrives dated Tuesday 15:00 UTC.
- `ONPREM_DB` (no Name tag, found by computer name): a Rocky Linux 8 hybrid node with dnf updates,
  a removal and a later reinstall.
- `CENTOS_LEGACY` (legacy-app-1): CentOS 7 with a 32-bit vendor binary, so glibc, libgcc, libstdc++
  and zlib are installed for x86_64 and i686 (multilib); an admin's `rpm -U` of one architecture, and
  the 32-bit libraries removed when the binary went. Its SSM registration was lost in September 2022
  (Config recorded the inventory deleted, while it was not recording: `ResourceDeletedNotRecorded`) and
  came back in March 2023: Config discovered it again, a new life.
- `AL2_DELETED` (old-web-2): terminated in January 2023; its history ends in `ResourceDeleted`, and
  neither SSM nor EC2 lists it any more.
- Small cases: `AL2_BATCH` (shares the `i-0ab` prefix with web-1), `WIN_LEGACY` (offline, its last
  capture three days old), `AL2_BUILD` (no inventory association, history only), `AL2_RETIRED`
  (became unmanaged).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from importlib import resources
from typing import Any

from bot.sim.fleet import Entry, Fleet, SimNode, iso


def _table_text(name: str) -> str:
    """A package table shipped as data beside this module (`bot/sim/data/NAME`, one package per line)."""
    return resources.files("bot.sim").joinpath("data", name).read_text(encoding="utf-8")


AL2_WEB = "i-0abc12de34f567890"
AL2_BATCH = "i-0ab7f3e9c2d4b6a81"
UBUNTU_APP = "i-07d2c9e1b4a3f5608"
WIN_APP = "i-0f3e8d7c6b5a49382"
ONPREM_DB = "mi-0c5d7e9f1a3b5c7d9"
WIN_LEGACY = "i-05e4d3c2b1a098765"
WIN_TOKYO = "i-0e9d1f3b5a7c2e4f6"
AL2_BUILD = "i-09c8b7a6f5e4d3c21"
AL2_RETIRED = "i-0d1e2f3a4b5c6d7e8"
CENTOS_LEGACY = "i-0c7e4b1d9a2f3e5c6"
AL2_DELETED = "i-0f7a2c4e6b8d1e3f5"
AL2_DELETED_AT = datetime(2023, 1, 17, 10, 42, 7, 310000, tzinfo=UTC)
# legacy-app-1 lost its SSM registration (its instance profile was replaced) and got it back.
CENTOS_DEREGISTERED_AT = datetime(2022, 9, 1, 8, 15, 44, 120000, tzinfo=UTC)
CENTOS_MANAGED_AGAIN = datetime(2023, 3, 14, 5, 33, 0, tzinfo=UTC)

ONPREM_DB_COMPUTER_NAME = "db-onprem-01.corp.example"
# The one global inventory association (State Manager, AWS-GatherSoftwareInventory, every 30 minutes).
INVENTORY_ASSOCIATION_ID = "4f1c2a3b-7d8e-4f90-a1b2-c3d4e5f6a7b8"

AL2_WEB_AMI = "amzn2-ami-hvm-2.0.20200617.0-x86_64-gp2"
AL2_WEB_LAUNCH = datetime(2020, 6, 29, 5, 48, 20, tzinfo=UTC)
# The seed's yum update, 2020-07-02 (10:02 JST): the agent is replaced first, restarts and runs the
# inventory association while yum is still working; an on-demand run after yum finished sees the rest.
SEED_YUM_START = datetime(2020, 7, 2, 1, 2, 10, tzinfo=UTC)
SEED_AGENT_CAPTURE = datetime(2020, 7, 2, 1, 2, 52, 417000, tzinfo=UTC)
SEED_REST_CAPTURE = datetime(2020, 7, 2, 1, 6, 14, 802000, tzinfo=UTC)
SEED_KERNEL = "4.14.186-146.268.amzn2"
AMI_KERNEL = "4.14.181-142.260.amzn2"
# (name, version before, version after) of the seed's 30 upgrades, [epoch:]version-release as yum prints.
SEED_UPGRADES: tuple[tuple[str, str, str], ...] = (
    ("amazon-ssm-agent", "2.3.1205.0-1.amzn2", "2.3.1319.0-1.amzn2"),
    ("bind-export-libs", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4"),
    ("bind-libs", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4"),
    ("bind-libs-lite", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4"),
    ("bind-license", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4"),
    ("bind-utils", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4"),
    ("curl", "7.61.1-12.amzn2.0.1", "7.61.1-12.amzn2.0.2"),
    ("ec2-net-utils", "1.4-1.amzn2", "1.4-2.amzn2"),
    ("file", "5.11-35.amzn2.0.2", "5.11-36.amzn2.0.1"),
    ("file-libs", "5.11-35.amzn2.0.2", "5.11-36.amzn2.0.1"),
    ("glibc", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("glibc-all-langpacks", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("glibc-common", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("glibc-locale-source", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("glibc-minimal-langpack", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("json-c", "0.11-4.amzn2.0.3", "0.11-4.amzn2.0.4"),
    ("libcrypt", "2.26-34.amzn2", "2.26-35.amzn2"),
    ("libcurl", "7.61.1-12.amzn2.0.1", "7.61.1-12.amzn2.0.2"),
    ("libgcc", "7.3.1-6.amzn2.0.4", "7.3.1-9.amzn2"),
    ("libgomp", "7.3.1-6.amzn2.0.4", "7.3.1-9.amzn2"),
    ("libstdc++", "7.3.1-6.amzn2.0.4", "7.3.1-9.amzn2"),
    ("microcode_ctl", "2:2.1-47.amzn2.0.4", "2:2.1-47.amzn2.0.7"),
    ("p11-kit", "0.23.5-3.amzn2.0.2", "0.23.19-1.amzn2"),
    ("p11-kit-trust", "0.23.5-3.amzn2.0.2", "0.23.19-1.amzn2"),
    ("python-urllib3", "1.25.6-1.amzn2", "1.25.7-1.amzn2.0.1"),
    ("rsyslog", "8.24.0-41.amzn2.2.1", "8.24.0-52.amzn2"),
    ("selinux-policy", "3.13.1-192.amzn2.6.2", "3.13.1-192.amzn2.6.3"),
    ("selinux-policy-targeted", "3.13.1-192.amzn2.6.2", "3.13.1-192.amzn2.6.3"),
    ("strace", "4.24-3.amzn2", "4.26-1.amzn2.0.1"),
    ("system-release", "1:2-11.amzn2", "1:2-12.amzn2"),
)
# cloud-init's `repo_upgrade: security` on web-1's first boot (kernel is excluded from it).
FIRST_BOOT_UPGRADES: tuple[tuple[str, str, str], ...] = (
    ("libxml2", "2.9.1-6.amzn2.4.1", "2.9.1-6.amzn2.5.1"),
    ("libxml2-python", "2.9.1-6.amzn2.4.1", "2.9.1-6.amzn2.5.1"),
)
FIRST_BOOT_UPGRADE_TIME = datetime(2020, 6, 29, 5, 49, 7, tzinfo=UTC)

# Ubuntu app-1's special cases.
UBUNTU_EPOCH_PACKAGE = "acme-agent"  # 20210315-1 -> 1:2.1.0-1: a string compare calls the new one older
UBUNTU_EPOCH_OLD = "20210315-1"
UBUNTU_EPOCH_NEW = "1:2.1.0-1"
UBUNTU_DOWNGRADE_PACKAGE = "docker.io"
UBUNTU_DOWNGRADE_FROM = "20.10.12-0ubuntu2~20.04.1"
UBUNTU_DOWNGRADE_TO = "20.10.7-0ubuntu5~20.04.2"
# The on-prem node's removal and reinstall.
ONPREM_REMOVED_PACKAGE = "tcpdump"

# CentOS 7 legacy-app-1 runs a 32-bit vendor binary: glibc and friends for x86_64 and i686 (multilib).
CENTOS_MULTILIB_PACKAGE = "glibc"

# Anything earlier leaves no room after the last dated change for the "recent" ones.
EARLIEST_NOW = datetime(2023, 2, 1, tzinfo=UTC)
_RECENT_LAG = timedelta(minutes=20)  # how long before `now` the latest inventory run of a live node was
_YUM_INSTALLONLY_LIMIT = 3  # yum/dnf keep three kernels on Amazon Linux 2 and RHEL 8


def build_default_fleet(now: datetime | None = None) -> Fleet:
    """The demo's fleet as it stands at `now` (default: the current time); the same `now` gives the same fleet."""
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    if now < EARLIEST_NOW:
        raise ValueError(
            f"now must be on or after {EARLIEST_NOW:%Y-%m-%d}: the fleet's dated history ends in 2022"
        )
    fleet = Fleet()
    _al2_web(fleet, now)
    _al2_batch(fleet, now)
    _ubuntu_app(fleet, now)
    _win_app(fleet, now)
    _onprem_db(fleet, now)
    _win_legacy(fleet, now)
    _win_tokyo(fleet, now)
    _al2_build(fleet, now)
    _al2_retired(fleet, now)
    _centos_legacy(fleet, now)
    _al2_deleted(fleet, now)
    return fleet


def default_name_tags(fleet: Fleet) -> dict[str, str]:
    """EC2 Name tags by node id (hybrid nodes have none)."""
    return {node.node_id: node.name_tag for node in fleet.nodes() if node.name_tag is not None}


def record_unmanaged(fleet: Fleet, node_id: str, at: datetime) -> dict[str, Any]:
    """The node stops being managed at `at`: Config's last item marks it Unmanaged and no item follows.

    The item keeps the last recorded configuration; only `supplementaryConfiguration.InstanceStatus`
    says what happened (AWS-NOTES §1).
    """
    with fleet.lock:
        node = fleet.node(node_id)
        if node is None:
            raise KeyError(node_id)
        if not node.items:
            raise ValueError(f"{node_id} has no configuration item to follow")
        last = node.items[-1]
        if at <= last["configurationItemCaptureTime"]:
            raise ValueError(f"{node_id}: {at.isoformat()} is not after its last item")
        item = dict(last)
        item.update(
            configurationItemCaptureTime=at,
            configurationItemStatus="OK",
            configurationStateId=str(int(at.timestamp() * 1000)),
            tags=dict(last["tags"]),
            relatedEvents=[],
            relationships=[dict(r) for r in last["relationships"]],
            supplementaryConfiguration={"InstanceStatus": "Unmanaged"},
        )
        node.items.append(item)
        node.unmanaged_since = at
        node.ping_status = "Inactive"
        listeners = list(fleet.item_listeners)
    for listener in listeners:
        listener(node, item)
    return item


def record_deleted(
    fleet: Fleet, node_id: str, at: datetime, status: str = "ResourceDeleted"
) -> dict[str, Any]:
    """The node is terminated or deregistered at `at`: Config records its inventory as deleted (an item with
    no configuration); SSM and, after a while, EC2 no longer list it, and nothing is captured any more."""
    if status not in ("ResourceDeleted", "ResourceDeletedNotRecorded"):
        raise ValueError(f"{status} is not a deletion status")
    with fleet.lock:
        node = fleet.node(node_id)
        if node is None:
            raise KeyError(node_id)
        if node.items and at <= node.items[-1]["configurationItemCaptureTime"]:
            raise ValueError(f"{node_id}: {at.isoformat()} is not after its last item")
        item = {
            "version": "1.3",
            "accountId": fleet.account_id,
            "configurationItemCaptureTime": at,
            "configurationItemStatus": status,
            "configurationStateId": str(int(at.timestamp() * 1000)),
            "configurationItemMD5Hash": "",
            "arn": f"arn:aws:ssm:{fleet.region}:{fleet.account_id}:managed-instance-inventory/{node_id}",
            "resourceType": "AWS::SSM::ManagedInstanceInventory",
            "resourceId": node_id,
            "awsRegion": fleet.region,
            "availabilityZone": "Multiple Availability Zones",
            "tags": {},
            "relatedEvents": [],
            "relationships": [],
            "configuration": "null",  # the API form of an item without configuration
            "supplementaryConfiguration": {},
        }
        node.items.append(item)
        node.deleted_at = at
        node.unmanaged_since = at
        node.ping_status = "Inactive"
        listeners = list(fleet.item_listeners)
    for listener in listeners:
        listener(node, item)
    return item


def managed_again(fleet: Fleet, node_id: str) -> SimNode:
    """A deleted node is registered again (same ID): its next inventory run is discovered anew by Config."""
    with fleet.lock:
        node = fleet.node(node_id)
        if node is None:
            raise KeyError(node_id)
        node.deleted_at = None
        node.unmanaged_since = None
        node.ping_status = "Online"
        return node


class _Installed(dict[str, list[Entry]]):
    """What is installed on a node, cheap to deep-copy.

    Fleet.capture deep-copies `installed` at every inventory run; entries are flat maps of strings, so
    copying each entry is already a deep copy, and about ten times faster than copy.deepcopy's walk
    (which would make building the fleet too slow for every test and demo start).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, list[Entry]]:
        return {type_name: [dict(e) for e in entries] for type_name, entries in self.items()}


def _add(fleet: Fleet, node: SimNode) -> SimNode:
    node.installed = _Installed(node.installed)
    return fleet.add(node)


# --- inventory runs -----------------------------------------------------------------------------------


class _Runs:
    """One node's inventory association runs: every 30 minutes at a fixed phase, plus on-demand ones."""

    _PERIOD_MS = 30 * 60 * 1000

    def __init__(self, fleet: Fleet, node: SimNode, phase: timedelta) -> None:
        self.fleet = fleet
        self.node = node
        self.phase_ms = int(phase.total_seconds() * 1000) % self._PERIOD_MS
        self.last: datetime | None = None

    def capture(self, at: datetime) -> dict[str, Any] | None:
        if self.last is not None and at <= self.last:
            raise ValueError(
                f"{self.node.node_id}: capture at {at.isoformat()} is not after {self.last.isoformat()}"
            )
        self.last = at
        return self.fleet.capture(self.node.node_id, at)

    def scheduled_before(self, t: datetime) -> datetime:
        ms = _ms(t)
        run = (ms - self.phase_ms) // self._PERIOD_MS * self._PERIOD_MS + self.phase_ms
        if run >= ms:
            run -= self._PERIOD_MS
        return _from_ms(run)

    def scheduled_after(self, t: datetime) -> datetime:
        return self.scheduled_before(t) + timedelta(milliseconds=self._PERIOD_MS)

    def before(self, t: datetime) -> None:
        """The last scheduled run before a change: it sees the old state (and records nothing new)."""
        run = self.scheduled_before(t)
        if self.last is None or run > self.last:
            self.capture(run)

    def after(self, t: datetime) -> dict[str, Any] | None:
        """The first scheduled run after a change ended at `t`."""
        return self.capture(self.scheduled_after(t))

    def change(self, start: datetime, apply: Callable[[datetime], datetime]) -> dict[str, Any] | None:
        """Capture before `start`, make the change (which returns when it ended), capture after it."""
        self.before(start)
        return self.after(apply(start))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(t: datetime) -> int:
    return (t - _EPOCH) // timedelta(milliseconds=1)


def _from_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)  # exact, unlike a float through fromtimestamp


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _recent(now: datetime, days: int, hour: int, minute: int) -> datetime:
    """A moment `days` before `now` at a fixed time of day, so the story stays the same for one `now`."""
    day = (now - timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _last_run(now: datetime, seconds: int) -> datetime:
    """A live node's latest inventory run: about 20 minutes before `now` (Config keeps milliseconds)."""
    return _from_ms(_ms(now - _RECENT_LAG - timedelta(seconds=seconds)))


# --- rpm packages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rpm:
    """What rpm knows about one package build, as SSM's application gatherer reads it."""

    name: str
    epoch: str
    version: str
    release: str
    arch: str
    group: str
    source: str
    summary: str
    url: str

    def build(self, evr: str) -> _Rpm:
        """Another build of the same package."""
        epoch, version, release = _split_evr(evr)
        return dataclasses.replace(self, epoch=epoch, version=version, release=release)

    def entry(self, installed_at: datetime, publisher: str) -> Entry:
        entry: Entry = {
            "Name": self.name,
            "Version": self.version,
            "Release": self.release,
            "Architecture": self.arch,
            "InstalledTime": iso(installed_at),
            "ApplicationType": self.group,
            "Publisher": publisher,
            "Summary": self.summary,
            # rpm's %{SOURCERPM}: the source package's file name, without the epoch.
            "PackageId": "(none)"
            if self.source == "(none)"
            else f"{self.source}-{self.version}-{self.release}.src.rpm",
        }
        if self.epoch not in ("", "0"):
            entry["Epoch"] = self.epoch
        if self.url:
            entry["URL"] = self.url
        if self.source == "(none)":
            entry["Publisher"] = "(none)"  # gpg-pubkey "packages" have no vendor
        return entry


def _split_evr(evr: str) -> tuple[str, str, str]:
    epoch, _, rest = evr.rpartition(":")
    version, _, release = rest.rpartition("-")
    return epoch, version, release


_RPM_ARCH = {"x": "x86_64", "n": "noarch"}
_RPM_GROUPS = {
    "A": "Applications/Archiving",
    "B": "System Environment/Base",
    "D": "System Environment/Daemons",
    "E": "Development/Tools",
    "F": "Applications/File",
    "I": "Applications/Internet",
    "K": "System Environment/Kernel",
    "L": "System Environment/Libraries",
    "N": "System Environment/Shells",
    "O": "Documentation",
    "P": "Development/Languages",
    "S": "Applications/System",
    "T": "Applications/Text",
    "U": "Unspecified",
    "V": "Development/Libraries",
}


def _rpm_table(text: str) -> dict[str, _Rpm]:
    """`name|[epoch:]version-release|arch|group|source package|summary|url` per line; empty source = name."""
    table: dict[str, _Rpm] = {}
    for line in text.strip().splitlines():
        name, evr, arch, group, source, summary, url = (line.split("|") + [""] * 7)[:7]
        epoch, version, release = _split_evr(evr)
        table[name] = _Rpm(
            name,
            epoch,
            version,
            release,
            _RPM_ARCH.get(arch, arch),
            _RPM_GROUPS.get(group, group),
            source or name,
            summary,
            url,
        )
    return table


class _RpmHost:
    """yum/dnf transactions on one node: each package gets its own moment in the transaction."""

    def __init__(
        self, node: SimNode, packages: dict[str, _Rpm], publisher: str, vendors: dict[str, str] | None = None
    ) -> None:
        self.node = node
        self.packages = packages
        self.publisher = publisher
        self.vendors = vendors or {}  # packages from other repositories carry their own vendor

    def _entry(self, pkg: _Rpm, at: datetime) -> Entry:
        return pkg.entry(at, self.vendors.get(pkg.name, self.publisher))

    def image(self, built: datetime, names: Iterable[str], seconds_each: float = 0.55) -> None:
        """The packages an image was built with, installed in order from `built` on."""
        for i, name in enumerate(names):
            self.node.install(
                self._entry(self.packages[name], built + timedelta(seconds=int(i * seconds_each)))
            )

    def transaction(
        self, start: datetime, ops: Sequence[str], step: timedelta = timedelta(seconds=3)
    ) -> datetime:
        """Run `ops` ("up NAME EVR", "install NAME [EVR]", "kernel NAME EVR", "remove NAME"); return when it ended.

        NAME may carry an architecture (`glibc.i686`), as yum takes it: the operation is then about that
        architecture alone. Without one, `up` upgrades every installed architecture (yum keeps multilib
        packages in step) and `remove` removes them all.
        """
        at = start
        for op in ops:
            verb, target, *rest = op.split()
            name, arch = _name_arch(target)
            evr = rest[0] if rest else None
            named = [e for e in self.node.entries() if e["Name"] == name]
            if verb == "up":
                assert evr is not None
                arches: list[str | None] = [arch] if arch else [*sorted({e["Architecture"] for e in named})]
                for each in arches or [None]:
                    pkg = self._built(name, evr, each)
                    for old in [e for e in named if e["Architecture"] == pkg.arch]:
                        _drop(self.node, old)
                    self.node.install(self._entry(pkg, at))
            elif verb == "install":
                pkg = self._built(name, evr, arch)
                self.node.install(self._entry(pkg, at))
            elif verb == "kernel":
                assert evr is not None
                self.node.install(self._entry(self._built(name, evr, arch), at))
                kernels = [e for e in self.node.entries() if e["Name"] == name]
                for old in kernels[: max(0, len(kernels) - _YUM_INSTALLONLY_LIMIT)]:
                    _drop(self.node, old)
            elif verb == "remove":
                for old in [e for e in named if arch is None or e["Architecture"] == arch]:
                    _drop(self.node, old)
            else:
                raise ValueError(f"unknown operation {op!r}")
            at += step
        return at + step  # yum's cleanup and verification steps

    def _built(self, name: str, evr: str | None, arch: str | None = None) -> _Rpm:
        pkg = self.packages[name] if evr is None else self.packages[name].build(evr)
        return pkg if arch is None else dataclasses.replace(pkg, arch=arch)


# Architectures an operation's package name may end in (`glibc.i686`).
_RPM_ARCHES = frozenset({"x86_64", "i686", "noarch", "aarch64"})


def _name_arch(target: str) -> tuple[str, str | None]:
    name, dot, arch = target.rpartition(".")
    return (name, arch) if dot and arch in _RPM_ARCHES else (target, None)


def _drop(node: SimNode, entry: Entry, type_name: str = "AWS:Application") -> None:
    """Remove exactly this entry (SimNode.remove matches Name and Version, and two kernels can share a Version)."""
    node.installed[type_name] = [e for e in node.entries(type_name) if e is not entry]


# --- Amazon Linux 2 -----------------------------------------------------------------------------------


def _al2_node(
    node_id: str,
    name_tag: str,
    ip: str,
    registered: datetime,
    agent: str,
    *,
    association: str | None = INVENTORY_ASSOCIATION_ID,
) -> SimNode:
    return SimNode(
        node_id=node_id,
        computer_name=f"ip-{ip.replace('.', '-')}.ec2.internal",
        platform_type="Linux",
        platform_name="Amazon Linux",
        platform_version="2",
        agent_version=agent,
        ip_address=ip,
        registered_at=registered,
        name_tag=name_tag,
        content_shape="map",
        inventory_association_id=association,
    )


def _al2_image(node: SimNode) -> _RpmHost:
    host = _RpmHost(node, _AL2_PACKAGES, "Amazon Linux")
    # gpg-pubkey is imported first, the rest in the image build's order.
    host.image(_AL2_AMI_BUILT, _AL2_AMI_PACKAGES)
    return host


def _ups(changes: Iterable[tuple[str, str, str]]) -> list[str]:
    return [f"up {name} {new}" for name, _, new in changes]


def _network(node: SimNode, mac: str, name: str = "eth0") -> None:
    """The node's one interface in a default VPC subnet (/20; the VPC's DNS and DHCP at its base + 2)."""
    ip = node.ip_address
    subnet = ipaddress.ip_network(f"{ip}/20", strict=False)
    gateway = str(subnet.network_address + 1)
    dhcp = "172.31.0.2"
    node.installed["AWS:Network"] = [
        {
            "Name": name,
            "SubnetMask": "255.255.240.0",
            "Gateway": gateway,
            "DHCPServer": dhcp,
            "DNSServer": dhcp,
            "MacAddress": mac,
            "IPV4": ip,
            "IPV6": "",
        }
    ]


def _al2_web(fleet: Fleet, now: datetime) -> None:
    node = _add(
        fleet,
        _al2_node(AL2_WEB, "web-1", "172.31.20.147", AL2_WEB_LAUNCH + timedelta(seconds=65), "2.3.1205.0"),
    )
    runs = _Runs(fleet, node, timedelta(minutes=20, seconds=30, milliseconds=212))
    host = _al2_image(node)
    _network(node, "0a:3c:5e:71:9b:2d")
    components = ("amazon-ssm-agent", "aws-cfn-bootstrap")

    # First boot: cloud-init's security upgrade runs before the agent's first inventory run.
    host.transaction(FIRST_BOOT_UPGRADE_TIME, _ups(FIRST_BOOT_UPGRADES), step=timedelta(seconds=2))
    _sync_components(node, components)
    # Config discovers the resource from the registration's instance information alone, then the first
    # association run brings the applications (the seed's first two timeline entries).
    installed, node.installed = node.installed, _Installed()
    runs.capture(datetime(2020, 6, 29, 5, 49, 41, 93000, tzinfo=UTC))
    node.installed = installed
    runs.capture(datetime(2020, 6, 29, 5, 50, 30, 212000, tzinfo=UTC))

    # 2020-07-02: the seed's yum update.
    runs.before(SEED_YUM_START)
    agent_done = host.transaction(SEED_YUM_START + timedelta(seconds=21), _ups(SEED_UPGRADES[:1]))
    _sync_components(node, components)
    assert agent_done < SEED_AGENT_CAPTURE
    runs.capture(SEED_AGENT_CAPTURE)  # the restarted agent's startup run, while yum goes on
    rest = [*_ups(SEED_UPGRADES[1:11]), f"kernel kernel {SEED_KERNEL}", *_ups(SEED_UPGRADES[11:])]
    host.transaction(SEED_AGENT_CAPTURE + timedelta(seconds=6), rest)
    runs.capture(SEED_REST_CAPTURE)  # the on-demand run after yum finished

    for start, ops in _AL2_WEB_UPDATES:
        runs.change(start, partial(_sync, host, ops=ops, components=components))
    recent = _recent(now, 9, 3, 14)
    runs.change(recent, partial(_sync, host, ops=_AL2_RECENT, components=components))
    runs.capture(_last_run(now, 17))


def _sync(host: _RpmHost, at: datetime, ops: Sequence[str], components: Sequence[str]) -> datetime:
    end = host.transaction(at, ops)
    _sync_components(host.node, components)
    return end


def _sync_components(node: SimNode, names: Sequence[str]) -> None:
    """AWS:AWSComponent lists the installed applications the agent knows as AWS's own."""
    node.installed["AWS:AWSComponent"] = [
        {
            k: e[k]
            for k in (
                "Name",
                "ApplicationType",
                "Publisher",
                "Version",
                "InstalledTime",
                "Architecture",
                "URL",
            )
            if k in e
        }
        for e in node.entries()
        if e["Name"] in names
    ]


def _al2_batch(fleet: Fleet, now: datetime) -> None:
    """The other `i-0ab…` instance: same golden AMI, launched a day after web-1, patched less often."""
    launched = _at(2020, 6, 30, 14, 2, second=11)
    node = _add(
        fleet, _al2_node(AL2_BATCH, "batch-1", "172.31.41.18", launched + timedelta(seconds=58), "2.3.1205.0")
    )
    runs = _Runs(fleet, node, timedelta(minutes=3, seconds=12, milliseconds=640))
    host = _al2_image(node)
    components = ("amazon-ssm-agent", "aws-cfn-bootstrap")
    first_boot_done = _sync(host, launched + timedelta(seconds=44), _ups(FIRST_BOOT_UPGRADES), components)
    runs.capture(first_boot_done + timedelta(seconds=52, milliseconds=640))
    for start, ops in (
        (_at(2020, 9, 21, 22, 4), [*_ups(SEED_UPGRADES), f"kernel kernel {SEED_KERNEL}"]),
        (
            _at(2021, 2, 15, 22, 9),
            ["up sudo 1.8.23-10.amzn2.1", "up glibc 2.26-39.amzn2", "up libcrypt 2.26-39.amzn2"],
        ),
        (
            _at(2021, 11, 8, 22, 6),
            ["up amazon-ssm-agent 3.1.338.0-1.amzn2", "kernel kernel 4.14.252-195.483.amzn2"],
        ),
        (
            _at(2022, 8, 1, 22, 3),
            ["up openssl 1:1.0.2k-24.amzn2.0.3", "up openssl-libs 1:1.0.2k-24.amzn2.0.3"],
        ),
        (_recent(now, 16, 22, 5), ["up amazon-ssm-agent 3.3.1142.0-1.amzn2", "up curl 8.3.0-1.amzn2.0.5"]),
    ):
        runs.change(start, partial(_sync, host, ops=ops, components=components))
    runs.capture(_last_run(now, 41))


def _al2_build(fleet: Fleet, now: datetime) -> None:
    """An instance whose inventory association no longer applies: Config's history stops in 2021."""
    launched = _at(2020, 10, 5, 8, 30, second=40)
    node = _add(
        fleet,
        _al2_node(
            AL2_BUILD,
            "build-1",
            "172.31.9.230",
            launched + timedelta(seconds=61),
            "2.3.1319.0",
            association=None,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=11, seconds=47, milliseconds=5))
    host = _al2_image(node)
    components = ("amazon-ssm-agent", "aws-cfn-bootstrap")
    # User data ran `yum update -y` before the first inventory run.
    user_data_done = _sync(
        host, launched + timedelta(seconds=40), [*_ups(FIRST_BOOT_UPGRADES), *_ups(SEED_UPGRADES)], components
    )
    runs.capture(user_data_done + timedelta(seconds=11, milliseconds=5))
    for start, ops in (
        (
            _at(2020, 12, 2, 9, 40),
            ["install telnet", "up python 2.7.18-1.amzn2.0.2", "up python-libs 2.7.18-1.amzn2.0.2"],
        ),
        (_at(2021, 5, 19, 9, 12), ["up curl 7.76.1-4.amzn2.0.1", "up libcurl 7.76.1-4.amzn2.0.1"]),
        (
            _at(2021, 9, 14, 9, 20),
            ["up openssl 1:1.0.2k-19.amzn2.0.8", "up openssl-libs 1:1.0.2k-19.amzn2.0.8"],
        ),
    ):
        runs.change(start, partial(_sync, host, ops=ops, components=components))
    # Its association went away after that (inventory_association_id is None): nothing captures it now,
    # though yum kept working on it.
    host.transaction(_recent(now, 30, 9, 0), ["up glibc 2.26-64.amzn2.0.1", "up libcrypt 2.26-64.amzn2.0.1"])


def _al2_retired(fleet: Fleet, now: datetime) -> None:
    """An instance that stopped being managed in 2022: the last item says Unmanaged."""
    launched = _at(2020, 7, 20, 16, 11, second=2)
    node = _add(
        fleet,
        _al2_node(AL2_RETIRED, "old-api-1", "172.31.27.5", launched + timedelta(seconds=49), "2.3.1319.0"),
    )
    runs = _Runs(fleet, node, timedelta(minutes=26, seconds=5, milliseconds=391))
    host = _al2_image(node)
    components = ("amazon-ssm-agent", "aws-cfn-bootstrap")
    user_data_done = _sync(
        host, launched + timedelta(seconds=35), [*_ups(FIRST_BOOT_UPGRADES), *_ups(SEED_UPGRADES)], components
    )
    runs.capture(user_data_done + timedelta(seconds=27, milliseconds=391))
    for start, ops in (
        (
            _at(2020, 11, 18, 15, 2),
            ["up glibc 2.26-38.amzn2", "up libcrypt 2.26-38.amzn2", "up glibc-common 2.26-38.amzn2"],
        ),
        (_at(2021, 4, 7, 15, 30), ["up amazon-ssm-agent 3.0.1124.0-1.amzn2"]),
        (_at(2021, 10, 20, 15, 8), ["up ca-certificates 2021.2.50-72.amzn2.0.1", "up tzdata 2021a-1.amzn2"]),
        (_at(2022, 1, 27, 15, 41), ["up polkit 0.112-26.amzn2.1"]),
    ):
        runs.change(start, partial(_sync, host, ops=ops, components=components))
    record_unmanaged(fleet, AL2_RETIRED, datetime(2022, 2, 10, 17, 3, 28, 559000, tzinfo=UTC))


# --- Ubuntu 20.04 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deb:
    """What dpkg-query reports about one installed package."""

    name: str
    version: str
    arch: str  # as dpkg says it: amd64 or all
    section: str
    maintainer: str
    summary: str
    homepage: str

    def entry(self, version: str | None = None) -> Entry:
        version = version or self.version
        entry: Entry = {
            "Name": self.name,
            "Version": version,
            "Publisher": self.maintainer,
            "ApplicationType": self.section,
            # The agent reports amd64 as x86_64 (and keeps "all"); the PackageId keeps dpkg's own word.
            "Architecture": "x86_64" if self.arch == "amd64" else self.arch,
            "Summary": self.summary,
            "PackageId": f"{self.name}_{version}_{self.arch}.deb",
        }
        if self.homepage:
            entry["URL"] = self.homepage
        return entry


_UBUNTU_MAINTAINERS = {
    "u": "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>",
    "k": "Ubuntu Kernel Team <kernel-team@lists.ubuntu.com>",
    "c": "Example Corp Ops <ops@corp.example>",
}


def _deb_table(text: str) -> dict[str, _Deb]:
    """`name|version|arch (a=amd64)|section|maintainer (u/k/c or literal)|summary|homepage` per line."""
    table: dict[str, _Deb] = {}
    for line in text.strip().splitlines():
        name, version, arch, section, maintainer, summary, homepage = (line.split("|") + [""] * 7)[:7]
        table[name] = _Deb(
            name,
            version,
            "amd64" if arch == "a" else arch,
            section,
            _UBUNTU_MAINTAINERS.get(maintainer, maintainer),
            summary,
            homepage,
        )
    return table


class _DpkgHost:
    """apt runs on one node (dpkg records no install time, so only the order matters)."""

    def __init__(self, node: SimNode) -> None:
        self.node = node

    def transaction(self, start: datetime, ops: Sequence[str]) -> datetime:
        """Run `ops` ("up NAME VERSION", "install NAME [VERSION]", "remove NAME"); return when it ended."""
        for op in ops:
            verb, name, *rest = op.split()
            if verb == "up":
                self.node.replace(_UBUNTU_PACKAGES[name].entry(rest[0]))
            elif verb == "install":
                self.node.install(_UBUNTU_PACKAGES[name].entry(rest[0] if rest else None))
            elif verb == "remove":
                self.node.remove(name)
            else:
                raise ValueError(f"unknown operation {op!r}")
        return start + timedelta(seconds=20 + 4 * len(ops))


def _ubuntu_app(fleet: Fleet, now: datetime) -> None:
    launched = _at(2021, 2, 3, 9, 15, second=12)
    node = _add(
        fleet,
        SimNode(
            node_id=UBUNTU_APP,
            computer_name="ip-172-31-33-208",
            platform_type="Linux",
            platform_name="Ubuntu",
            platform_version="20.04",
            agent_version="3.0.431.0",  # the snap: dpkg does not list it
            ip_address="172.31.33.208",
            registered_at=launched + timedelta(seconds=71),
            name_tag="app-1",
            content_shape="list",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=14, seconds=51, milliseconds=733))
    apt = _DpkgHost(node)
    for name in _UBUNTU_IMAGE:
        node.install(_UBUNTU_PACKAGES[name].entry())
    _network(node, "02:5f:1b:8e:40:c7")
    # cloud-init's user data installs the application's stack before the first inventory run.
    apt.transaction(
        launched + timedelta(seconds=50),
        [
            f"install {name}"
            for name in ("runc", "containerd", "bridge-utils", "pigz", "ubuntu-fan", "docker.io")
        ],
    )
    apt.transaction(launched + timedelta(seconds=70), [f"install {UBUNTU_EPOCH_PACKAGE}"])
    runs.capture(launched + timedelta(minutes=2, seconds=3, milliseconds=118))
    for start, ops, agent in _UBUNTU_UPDATES:
        runs.before(start)
        apt.transaction(start, ops)
        if agent:
            node.agent_version = agent  # snap refreshes of the agent show only in instance information
        runs.after(start + timedelta(minutes=3))
    runs.change(_recent(now, 6, 6, 25), partial(apt.transaction, ops=_UBUNTU_RECENT))
    runs.capture(_last_run(now, 5))


# --- Windows ------------------------------------------------------------------------------------------


def _guid(*parts: str) -> str:
    """An MSI product code: fixed per product version (uuid5, so every build gives the same one)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts))).upper() + "}"


def _windows_day(d: date) -> str:
    """A hotfix's InstalledOn as Windows writes it: `Wednesday, October 15, 2014 12:00:00 AM`."""
    return f"{d:%A}, {d:%B} {d.day}, {d.year} 12:00:00 AM"


def _patch_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


@dataclass(frozen=True)
class _WinApp:
    """An installed program as Windows' uninstall registry lists it."""

    name: str
    publisher: str
    arch: str
    aws_component: bool


class _WindowsHost:
    def __init__(
        self, node: SimNode, hotfix_key: str = "HotFixId", utc_offset: timedelta | None = None
    ) -> None:
        self.node = node
        self.hotfix_key = hotfix_key  # Windows Server 2016's agent was seen writing HotFixID
        # A server whose clock is set to a zone other than UTC: its agent writes each install date as the
        # local midnight converted to UTC (30 March in UTC+9 becomes `2022-03-29T15:00:00Z`).
        self.utc_offset = utc_offset

    def _midnight(self, on: date) -> str:
        local = datetime(on.year, on.month, on.day, tzinfo=UTC)
        return iso(local - (self.utc_offset or timedelta(0)))

    def app(self, app: _WinApp, version: str, on: date) -> None:
        entry: Entry = {
            "Name": app.name,
            "Publisher": app.publisher,
            "Version": version,
            "InstalledTime": self._midnight(on),
            "Architecture": app.arch,
            "PackageId": _guid(app.name, version),
        }
        self.node.replace(entry)
        if app.name == "Amazon SSM Agent":
            self.node.agent_version = version
        if app.aws_component:
            component = {
                k: entry[k] for k in ("Name", "Publisher", "Version", "InstalledTime", "Architecture")
            }
            self.node.replace(component, "AWS:AWSComponent")

    def hotfix(self, kb: str, description: str, on: date, by: str = "NT AUTHORITY\\SYSTEM") -> None:
        self.node.install(
            {
                self.hotfix_key: kb,
                "Description": description,
                "InstalledTime": _windows_day(on) if self.utc_offset is None else self._midnight(on),
                "InstalledBy": by,
            },
            "AWS:WindowsUpdate",
        )

    def drop_hotfix(self, kb: str) -> None:
        updates = self.node.entries("AWS:WindowsUpdate")
        kept = [e for e in updates if e.get(self.hotfix_key) != kb]
        if len(kept) == len(updates):
            raise KeyError(f"{kb} is not installed on {self.node.node_id}")
        self.node.installed["AWS:WindowsUpdate"] = kept


def _win_app(fleet: Fleet, now: datetime) -> None:
    launched = _at(2020, 3, 4, 11, 20, second=5)
    node = _add(
        fleet,
        SimNode(
            node_id=WIN_APP,
            computer_name="EC2AMAZ-8UDRA2N",
            platform_type="Windows",
            platform_name="Microsoft Windows Server 2019 Datacenter",
            platform_version="10.0.17763",
            agent_version="2.3.842.0",
            ip_address="172.31.45.61",
            registered_at=launched + timedelta(minutes=4, seconds=12),
            name_tag="win-app-1",
            content_shape="map",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=8, seconds=2, milliseconds=957))
    win = _WindowsHost(node)
    apps = {a.name: a for a in _WIN_APPS}
    # The AMI (Windows_Server-2019-English-Full-Base-2020.02.12) and what user data put on it.
    for name, version, on in _WIN_IMAGE_APPS:
        win.app(apps[name], version, on)
    for kb, description, on in _WIN_IMAGE_HOTFIXES:
        win.hotfix(kb, description, on)
    _network(node, "06:8e:12:4a:f3:91", name="Ethernet")
    runs.capture(launched + timedelta(minutes=6, seconds=40, milliseconds=371))

    current_lcu = _WIN_IMAGE_LCU
    months = _months(date(2020, 3, 1), (now - timedelta(days=1)).date())
    for year, month in months:
        tuesday = _patch_tuesday(year, month)
        window = datetime(tuesday.year, tuesday.month, tuesday.day, 10, 0, tzinfo=UTC) + timedelta(days=1)
        if window > now - timedelta(hours=2):
            break
        lcu = _WIN_LCUS.get((year, month)) or _later_lcu(year, month)
        app_updates = [u for u in _WIN_APP_UPDATES if (u[2].year, u[2].month) == (year, month)]

        def patch(
            at: datetime, lcu: str = lcu, app_updates: list[tuple[str, str, date]] = app_updates
        ) -> datetime:
            nonlocal current_lcu
            day = at.date()
            # A cumulative update supersedes last month's: Get-HotFix stops listing the old one.
            win.drop_hotfix(current_lcu)
            win.hotfix(lcu, "Security Update", day)
            current_lcu = lcu
            if (at.year, at.month) in _WIN_SSUS:
                win.hotfix(_WIN_SSUS[(at.year, at.month)], "Security Update", day)
            for name, version, _ in app_updates:
                win.app(apps[name], version, day)
            return at + timedelta(minutes=48)  # install and reboot

        runs.change(window, patch)
    runs.capture(_last_run(now, 29))


def _later_lcu(year: int, month: int) -> str:
    """A KB number for months after the table: Microsoft's numbers grow by roughly a thousand a month."""
    months = (year - 2025) * 12 + month - 6
    return f"KB5{60531 + 1100 * months:06d}"


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _win_legacy(fleet: Fleet, now: datetime) -> None:
    """Windows Server 2016 that lost its connection three days ago; its agent spells HotFixID."""
    launched = _at(2020, 11, 2, 7, 44, second=10)
    node = _add(
        fleet,
        SimNode(
            node_id=WIN_LEGACY,
            computer_name="EC2AMAZ-L3GAC16",
            platform_type="Windows",
            platform_name="Microsoft Windows Server 2016 Datacenter",
            platform_version="10.0.14393",
            agent_version="3.0.222.0",
            ip_address="172.31.12.77",
            registered_at=launched + timedelta(minutes=5, seconds=2),
            name_tag="legacy-win-1",
            content_shape="list",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=24, seconds=40, milliseconds=86))
    win = _WindowsHost(node, hotfix_key="HotFixID")
    apps = {a.name: a for a in _WIN_APPS}
    for name, version, on in (
        ("Amazon SSM Agent", "3.0.222.0", date(2020, 10, 14)),
        ("AWS Tools for Windows", "3.15.1110", date(2020, 10, 14)),
        ("aws-cfn-bootstrap", "1.4.34", date(2020, 10, 14)),
        ("AWS PV Drivers", "8.3.4", date(2020, 10, 14)),
        (
            "Microsoft Visual C++ 2015-2019 Redistributable (x64) - 14.27.29016",
            "14.27.29016.0",
            date(2020, 11, 2),
        ),
    ):
        win.app(apps[name], version, on)
    win.hotfix("KB3199986", "Update", date(2016, 11, 20))
    win.hotfix("KB4577015", "Security Update", date(2020, 10, 14))
    win.hotfix("KB4580346", "Security Update", date(2020, 10, 14))
    runs.capture(launched + timedelta(minutes=7, seconds=31, milliseconds=640))
    current = "KB4580346"
    for kb, ssu, on in (
        ("KB4598243", "KB4598177", date(2021, 1, 13)),
        ("KB5001347", None, date(2021, 4, 14)),
        ("KB5005043", "KB5005698", date(2021, 8, 11)),
        ("KB5009546", None, date(2022, 1, 12)),
    ):
        start = datetime(on.year, on.month, on.day, 13, 30, tzinfo=UTC)

        def patch(at: datetime, kb: str = kb, ssu: str | None = ssu) -> datetime:
            nonlocal current
            win.drop_hotfix(current)
            win.hotfix(kb, "Security Update", at.date())
            if ssu:
                win.hotfix(ssu, "Security Update", at.date())
            current = kb
            return at + timedelta(minutes=52)

        runs.change(start, patch)
    runs.change(_recent(now, 12, 13, 30), partial(_win_legacy_recent, win, apps))
    # Lost its connection three days ago: that run was its last.
    runs.capture(_last_run(now, 3 * 24 * 3600 + 610))
    node.ping_status = "ConnectionLost"


def _win_tokyo(fleet: Fleet, now: datetime) -> None:
    launched = _at(2022, 3, 1, 1, 5, second=40)  # 10:05 in Tokyo
    node = _add(
        fleet,
        SimNode(
            node_id=WIN_TOKYO,
            computer_name="EC2AMAZ-T9K2Q4M",
            platform_type="Windows",
            platform_name="Microsoft Windows Server 2022 Datacenter",
            platform_version="10.0.20348",
            agent_version="3.1.1004.0",
            ip_address="172.31.50.12",
            registered_at=launched + timedelta(minutes=3, seconds=48),
            name_tag="win-tokyo-1",
            content_shape="map",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=6, seconds=31, milliseconds=512))
    win = _WindowsHost(node, utc_offset=timedelta(hours=9))
    apps = {a.name: a for a in _WIN_APPS}
    for name, version in (
        ("Amazon SSM Agent", "3.1.1004.0"),
        ("AWS Tools for Windows", "3.15.1487"),
        ("aws-cfn-bootstrap", "2.0.11"),
        ("AWS PV Drivers", "8.4.1"),
        ("PowerShell 7-x64", "7.2.1.0"),
        ("7-Zip 19.00 (x64 edition)", "19.00.00.0"),
    ):
        win.app(apps[name], version, date(2022, 2, 9))
    win.hotfix("KB5010354", "Security Update", date(2022, 2, 9))
    _network(node, "06:1f:7a:3c:92:e5", name="Ethernet")
    runs.capture(node.registered_at + timedelta(minutes=2, seconds=7, milliseconds=512))
    current = "KB5010354"
    # Patched early on the Wednesday after Patch Tuesday, Tokyo time: still Tuesday in UTC.
    for kb, on, agent in (
        ("KB5011497", date(2022, 3, 9), None),
        ("KB5012604", date(2022, 4, 13), "3.1.1188.0"),
        ("KB5013944", date(2022, 5, 11), None),
    ):
        start = datetime(on.year, on.month, on.day, 3, 30, tzinfo=UTC) - timedelta(hours=9)

        def patch(at: datetime, kb: str = kb, agent: str | None = agent) -> datetime:
            nonlocal current
            day = (at + timedelta(hours=9)).date()
            win.drop_hotfix(current)
            win.hotfix(kb, "Security Update", day)
            current = kb
            if agent:
                win.app(apps["Amazon SSM Agent"], agent, day)
            return at + timedelta(minutes=41)

        runs.change(start, patch)
    runs.capture(_last_run(now, 47))


def _win_legacy_recent(win: _WindowsHost, apps: dict[str, _WinApp], at: datetime) -> datetime:
    win.app(apps["Amazon SSM Agent"], "3.2.582.0", at.date())
    win.hotfix("KB5034767", "Security Update", at.date(), by="CORP\\svc-patching")
    return at + timedelta(minutes=35)


# --- Rocky Linux 8 (hybrid, on premises) ---------------------------------------------------------------


def _onprem_db(fleet: Fleet, now: datetime) -> None:
    registered = _at(2021, 7, 1, 8, 3, second=51)
    node = _add(
        fleet,
        SimNode(
            node_id=ONPREM_DB,
            computer_name=ONPREM_DB_COMPUTER_NAME,
            platform_type="Linux",
            platform_name="Rocky Linux",
            platform_version="8.4",
            agent_version="3.0.1295.0",
            ip_address="10.20.4.15",
            registered_at=registered,
            name_tag=None,
            content_shape="list",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=1, seconds=19, milliseconds=480))
    host = _RpmHost(node, _ROCKY_PACKAGES, "Rocky Enterprise Software Foundation", _ROCKY_VENDORS)
    host.image(_at(2021, 6, 24, 13, 40, second=2), _ROCKY_INSTALLED, seconds_each=0.9)
    runs.capture(registered + timedelta(minutes=1, seconds=2, milliseconds=77))
    for start, ops, platform_version in _ROCKY_UPDATES:
        if platform_version:
            runs.change(start, partial(_dnf_release, host, ops=ops, platform_version=platform_version))
        else:
            runs.change(start, partial(host.transaction, ops=ops))
    runs.change(
        _recent(now, 3, 1, 5),
        partial(_dnf_release, host, ops=_ROCKY_RECENT, platform_version=_ROCKY_RECENT_PLATFORM_VERSION),
    )
    runs.capture(_last_run(now, 52))


def _dnf_release(host: _RpmHost, at: datetime, ops: Sequence[str], platform_version: str) -> datetime:
    """A minor-release upgrade: instance information reports the new PlatformVersion."""
    end = host.transaction(at, ops)
    host.node.platform_version = platform_version
    return end


# --- CentOS 7 (multilib) -------------------------------------------------------------------------------


def _centos_legacy(fleet: Fleet, now: datetime) -> None:
    launched = _at(2021, 3, 9, 6, 12, second=33)
    node = _add(
        fleet,
        SimNode(
            node_id=CENTOS_LEGACY,
            computer_name="ip-172-31-38-94.ec2.internal",
            platform_type="Linux",
            platform_name="CentOS Linux",
            platform_version="7.9.2009",
            agent_version="3.0.882.0",
            ip_address="172.31.38.94",
            registered_at=launched + timedelta(minutes=1, seconds=4),
            name_tag="legacy-app-1",
            content_shape="list",
            inventory_association_id=INVENTORY_ASSOCIATION_ID,
        ),
    )
    runs = _Runs(fleet, node, timedelta(minutes=17, seconds=9, milliseconds=301))
    host = _RpmHost(node, _CENTOS_PACKAGES, "CentOS", {"amazon-ssm-agent": "Amazon.com"})
    host.image(_at(2020, 11, 12, 4, 2, second=10), _CENTOS_PACKAGES, seconds_each=0.7)
    runs.capture(node.registered_at + timedelta(minutes=1, seconds=12, milliseconds=301))
    for start, ops in _CENTOS_UPDATES:
        runs.change(start, partial(host.transaction, ops=ops))
    record_deleted(fleet, CENTOS_LEGACY, CENTOS_DEREGISTERED_AT, "ResourceDeletedNotRecorded")
    # Unmanaged, yum kept working: an admin's update nobody recorded.
    host.transaction(_at(2022, 11, 8, 2, 30), [*_family(("glibc-common", "glibc"), "2.17-326.el7_9.3"), "up zlib 1.2.7-21.el7_9"])
    managed_again(fleet, CENTOS_LEGACY)
    runs.capture(runs.scheduled_after(CENTOS_MANAGED_AGAIN))
    runs.change(_at(2023, 6, 14, 2, 20), partial(host.transaction, ops=["up sudo 1.8.23-10.el7_9.3", "up curl 7.29.0-59.el7_9.2", "up libcurl 7.29.0-59.el7_9.2"]))
    runs.capture(_last_run(now, 33))


def _al2_deleted(fleet: Fleet, now: datetime) -> None:
    """A web server terminated in January 2023: its history ends in a deletion."""
    launched = _at(2021, 5, 4, 7, 20, second=15)
    node = _add(
        fleet,
        _al2_node(AL2_DELETED, "old-web-2", "172.31.7.201", launched + timedelta(seconds=57), "3.0.1124.0"),
    )
    runs = _Runs(fleet, node, timedelta(minutes=9, seconds=40, milliseconds=77))
    host = _al2_image(node)
    components = ("amazon-ssm-agent", "aws-cfn-bootstrap")
    user_data_done = _sync(
        host, launched + timedelta(seconds=38), [*_ups(FIRST_BOOT_UPGRADES), *_ups(SEED_UPGRADES)], components
    )
    runs.capture(user_data_done + timedelta(seconds=31, milliseconds=77))
    for start, ops in (
        (_at(2021, 9, 14, 21, 5), ["up openssl 1:1.0.2k-19.amzn2.0.8", "up openssl-libs 1:1.0.2k-19.amzn2.0.8"]),
        (_at(2022, 6, 2, 21, 10), ["up curl 7.79.1-2.amzn2.0.1", "up libcurl 7.79.1-2.amzn2.0.1"]),
    ):
        runs.change(start, partial(_sync, host, ops=ops, components=components))
    record_deleted(fleet, AL2_DELETED, AL2_DELETED_AT)


# --- data: Amazon Linux 2 -----------------------------------------------------------------------------

_AL2_AMI_BUILT = datetime(2020, 6, 17, 19, 1, 44, tzinfo=UTC)

# The amzn2-ami-hvm-2.0.20200617.0 package set (plus packages installed later, at the end).
_AL2_TABLE = _table_text("amazon-linux-2.txt")
_AL2_PACKAGES = _rpm_table(_AL2_TABLE)
# Installed after launch, not part of the AMI.
_AL2_LATER = frozenset(
    {"telnet", "httpd", "httpd-tools", "httpd-filesystem", "mod_http2", "apr", "apr-util", "apr-util-bdb"}
    | {"generic-logos-httpd", "mailcap"}
)
_AL2_AMI_PACKAGES = tuple(name for name in _AL2_PACKAGES if name not in _AL2_LATER)
_GLIBC = (
    "glibc",
    "glibc-common",
    "glibc-minimal-langpack",
    "glibc-all-langpacks",
    "glibc-locale-source",
    "libcrypt",
)
_BIND = ("bind-license", "bind-export-libs", "bind-libs-lite", "bind-libs", "bind-utils")
_HTTPD = ("httpd-filesystem", "httpd-tools", "httpd")
_VIM = ("vim-filesystem", "vim-data", "vim-common", "vim-enhanced", "vim-minimal")


def _family(names: Iterable[str], evr: str) -> list[str]:
    return [f"up {name} {evr}" for name in names]


_AL2_WEB_UPDATES: tuple[tuple[datetime, list[str]], ...] = (
    (
        _at(2020, 8, 13, 22, 10),
        ["kernel kernel 4.14.192-147.314.amzn2", *_family(("python-libs", "python"), "2.7.18-1.amzn2.0.1")],
    ),
    (
        _at(2020, 9, 17, 22, 5),
        [
            "kernel kernel 4.14.193-149.317.amzn2",  # the AMI's kernel goes: three is yum's limit
            "up nspr 4.25.0-2.amzn2",
            "up nss-util 3.53.1-1.amzn2",
            *_family(("nss-softokn-freebl", "nss-softokn"), "3.53.1-6.amzn2"),
            *_family(("nss-sysinit", "nss", "nss-tools"), "3.53.1-3.amzn2"),
        ],
    ),
    (_at(2020, 10, 15, 22, 12), ["up amazon-ssm-agent 3.0.161.0-1.amzn2"]),
    (_at(2020, 11, 12, 9, 41), ["install telnet"]),
    (_at(2020, 11, 19, 22, 8), _family(_GLIBC, "2.26-38.amzn2")),
    (
        _at(2020, 12, 22, 22, 4),
        [
            *_family(("openssl-libs", "openssl"), "1:1.0.2k-19.amzn2.0.4"),
            "up freetype 2.8-14.amzn2.1",
            "kernel kernel 4.14.209-160.339.amzn2",
            "up tzdata 2020d-1.amzn2",
        ],
    ),
    (
        _at(2021, 1, 27, 22, 15),
        [
            "up sudo 1.8.23-10.amzn2.1",
            *_family(_BIND, "32:9.11.4-26.P2.amzn2.2"),
            *_family(_GLIBC, "2.26-39.amzn2"),
        ],
    ),
    (
        _at(2021, 2, 18, 9, 40),
        [
            f"install {name}"
            for name in (
                *("apr", "apr-util", "apr-util-bdb", "httpd-tools", "generic-logos-httpd", "mailcap"),
                *("httpd-filesystem", "httpd", "mod_http2"),
            )
        ],
    ),
    (
        _at(2021, 3, 25, 22, 6),
        [*_family(("openssl-libs", "openssl"), "1:1.0.2k-19.amzn2.0.6"), *_family(_HTTPD, "2.4.46-2.amzn2")],
    ),
    (
        _at(2021, 4, 22, 22, 11),
        ["up amazon-ssm-agent 3.0.1124.0-1.amzn2", "kernel kernel 4.14.225-169.362.amzn2"],
    ),
    (_at(2021, 6, 8, 7, 30), ["remove telnet"]),
    (
        _at(2021, 6, 10, 22, 5),
        [*_family(("libcurl", "curl"), "7.76.1-4.amzn2.0.1"), "up libnghttp2 1.41.0-1.amzn2"],
    ),
    (
        _at(2021, 7, 21, 22, 9),
        [
            *_family(("systemd-libs", "systemd", "systemd-sysv"), "219-78.amzn2.0.14"),
            "kernel kernel 4.14.238-182.422.amzn2",
            *_family(_GLIBC, "2.26-48.amzn2"),
        ],
    ),
    (
        _at(2021, 8, 26, 22, 3),
        [*_family(("openssl-libs", "openssl"), "1:1.0.2k-19.amzn2.0.8"), *_family(_HTTPD, "2.4.48-2.amzn2")],
    ),
    (
        _at(2021, 10, 14, 22, 7),
        [
            "up ca-certificates 2021.2.50-72.amzn2.0.1",
            "up tzdata 2021a-1.amzn2",
            *_family(_HTTPD, "2.4.51-1.amzn2"),
        ],
    ),
    (
        _at(2022, 1, 26, 22, 2),
        [
            "up polkit 0.112-26.amzn2.1",
            "kernel kernel 4.14.256-197.484.amzn2",
            *_family(_GLIBC, "2.26-57.amzn2"),
        ],
    ),
    (
        _at(2022, 3, 17, 22, 10),
        [
            *_family(("openssl-libs", "openssl"), "1:1.0.2k-24.amzn2.0.2"),
            "up expat 2.1.0-12.amzn2.0.3",
            "up amazon-ssm-agent 3.1.1080.0-1.amzn2",
        ],
    ),
    (
        _at(2022, 5, 12, 22, 5),
        [
            "up zlib 1.2.7-19.amzn2.0.1",
            *_family(("xz-libs", "xz"), "5.2.2-1.amzn2.0.3"),
            "up gzip 1.5-10.amzn2.0.1",
            *_family(("libcurl", "curl"), "7.79.1-1.amzn2.0.1"),
        ],
    ),
    (
        _at(2022, 7, 14, 22, 8),
        [
            "kernel kernel 4.14.285-215.501.amzn2",
            *_family(_VIM, "2:8.2.5172-1.amzn2"),
            *_family(_HTTPD, "2.4.54-1.amzn2"),
        ],
    ),
    (
        _at(2022, 9, 22, 22, 4),
        [
            "up amazon-ssm-agent 3.1.1732.0-1.amzn2",
            *_family(("libcurl", "curl"), "7.79.1-4.amzn2.0.1"),
            "up tzdata 2022c-1.amzn2",
        ],
    ),
    (
        _at(2022, 11, 10, 22, 6),
        [
            "kernel kernel 4.14.296-222.539.amzn2",
            *_family(("openssl-libs", "openssl"), "1:1.0.2k-24.amzn2.0.4"),
            "up sqlite 3.7.17-8.amzn2.1.2",
        ],
    ),
)
_AL2_RECENT = [
    "kernel kernel 4.14.336-257.566.amzn2",
    *_family(("libcurl", "curl"), "8.3.0-1.amzn2.0.5"),
    *_family(("openssl-libs", "openssl"), "1:1.0.2k-24.amzn2.0.11"),
    "up amazon-ssm-agent 3.3.1142.0-1.amzn2",
    *_family(_GLIBC, "2.26-64.amzn2.0.1"),
    "up tzdata 2024a-1.amzn2",
    *_family(_HTTPD, "2.4.58-1.amzn2"),
]


# --- data: Ubuntu 20.04 -------------------------------------------------------------------------------

# ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20210129, plus what cloud-init installed.
_UBUNTU_TABLE = _table_text("ubuntu-20.04.txt")
_UBUNTU_PACKAGES = _deb_table(_UBUNTU_TABLE)
_UBUNTU_LATER = frozenset(
    {"docker.io", "containerd", "runc", "bridge-utils", "pigz", "ubuntu-fan", "acme-agent"}
)
_UBUNTU_KERNEL_FLAVOUR = "aws"


def _ubuntu_kernel_packages(abi: int) -> dict[str, _Deb]:
    """The packages of one kernel ABI (each ABI is a new set of package names, installed beside the old)."""
    version = f"5.4.0-{abi}.{abi - 998}"
    return {
        name: _Deb(name, version, arch, section, _UBUNTU_MAINTAINERS["k"], summary, "")
        for name, arch, section, summary in (
            (f"linux-image-5.4.0-{abi}-aws", "amd64", "kernel", "Signed kernel image aws"),
            (
                f"linux-modules-5.4.0-{abi}-aws",
                "amd64",
                "kernel",
                "Linux kernel extra modules for version 5.4.0 on 64 bit x86 SMP",
            ),
            (
                f"linux-headers-5.4.0-{abi}-aws",
                "amd64",
                "devel",
                "Linux kernel headers for 5.4.0 on 64 bit x86 SMP",
            ),
            (
                f"linux-aws-headers-5.4.0-{abi}",
                "all",
                "devel",
                "Header files related to Linux kernel version 5.4.0",
            ),
        )
    }


_UBUNTU_ABIS = (1037, 1038, 1048, 1055, 1061, 1072, 1086, 1110)
for _abi in _UBUNTU_ABIS:
    _UBUNTU_PACKAGES.update(_ubuntu_kernel_packages(_abi))
_UBUNTU_IMAGE = tuple(
    name
    for name in _UBUNTU_PACKAGES
    if name not in _UBUNTU_LATER
    and not (name.startswith("linux-") and "-5.4.0-" in name and "-1037" not in name)
)


def _linux_aws(abi: int, remove: int | None) -> list[str]:
    """unattended-upgrades installing a new kernel ABI; it removes the kernels before the running one."""
    new = _ubuntu_kernel_packages(abi)
    meta = f"5.4.0.{abi}.{abi - 999}"
    ops = [f"install {name}" for name in new]
    ops += [f"up {name} {meta}" for name in ("linux-aws", "linux-image-aws", "linux-headers-aws")]
    if remove is not None:
        ops += [f"remove {name}" for name in _ubuntu_kernel_packages(remove)]
    return ops


def _debs(names: Iterable[str], version: str) -> list[str]:
    return [f"up {name} {version}" for name in names]


_U_SSL = ("libssl1.1", "openssl")
_U_CURL = ("libcurl4", "libcurl3-gnutls", "curl")
_U_LIBC = ("libc6", "libc-bin", "locales")
_U_SYSTEMD = (
    "libsystemd0",
    "libudev1",
    "systemd",
    "systemd-sysv",
    "systemd-timesyncd",
    "libnss-systemd",
    "libpam-systemd",
    "udev",
)
_U_POLKIT = ("libpolkit-gobject-1-0", "libpolkit-agent-1-0", "policykit-1")
_U_GIT = ("git-man", "git")
_U_VIM = ("xxd", "vim-common", "vim-runtime", "vim", "vim-tiny")
_U_PY38 = ("libpython3.8-minimal", "python3.8-minimal", "libpython3.8-stdlib", "libpython3.8", "python3.8")
_U_BIND = ("bind9-libs", "bind9-host", "bind9-dnsutils", "dnsutils")
_U_SSH = ("openssh-client", "openssh-sftp-server", "openssh-server")

# (start, apt operations, the SSM agent snap's version after that day or None)
_UBUNTU_UPDATES: tuple[tuple[datetime, list[str], str | None], ...] = (
    (_at(2021, 2, 4, 6, 31), ["up sudo 1.8.31-1ubuntu1.2"], None),
    (_at(2021, 2, 18, 6, 24), [*_debs(_U_SSL, "1.1.1f-1ubuntu2.2"), *_linux_aws(1038, None)], None),
    (
        _at(2021, 3, 25, 6, 40),
        [f"up {UBUNTU_EPOCH_PACKAGE} {UBUNTU_EPOCH_OLD}", *_debs(_U_CURL, "7.68.0-1ubuntu2.5")],
        "3.0.882.0",
    ),
    # The corp repository switched acme-agent from date versions to semver, with an epoch so apt upgrades.
    (
        _at(2021, 5, 12, 6, 28),
        [f"up {UBUNTU_EPOCH_PACKAGE} {UBUNTU_EPOCH_NEW}", *_linux_aws(1048, 1037)],
        None,
    ),
    (
        _at(2021, 6, 16, 6, 35),
        [*_debs(_U_LIBC, "2.31-0ubuntu9.2"), *_debs(_U_GIT, "1:2.25.1-1ubuntu3.1")],
        None,
    ),
    (
        _at(2021, 7, 21, 6, 22),
        [
            *_debs(_U_SYSTEMD, "245.4-4ubuntu3.10"),
            "up docker.io 20.10.7-0ubuntu1~20.04.1",
            "up containerd 1.5.2-0ubuntu1~20.04.2",
            "up runc 1.0.0~rc95-0ubuntu1~20.04.2",
        ],
        "3.0.1209.0",
    ),
    (
        _at(2021, 9, 1, 6, 30),
        [
            "up docker.io 20.10.7-0ubuntu5~20.04.2",
            *_debs(_U_SSL, "1.1.1f-1ubuntu2.8"),
            *_linux_aws(1055, 1038),
        ],
        None,
    ),
    (
        _at(2021, 11, 10, 6, 26),
        [
            "up tzdata 2021e-0ubuntu0.20.04",
            "up ca-certificates 20210119~20.04.2",
            *_debs(_U_PY38, "3.8.10-0ubuntu1~20.04.1"),
        ],
        None,
    ),
    (_at(2022, 1, 26, 6, 33), [*_debs(_U_POLKIT, "0.105-26ubuntu1.2"), *_linux_aws(1061, 1048)], "3.1.821.0"),
    (
        _at(2022, 3, 16, 6, 29),
        [*_debs(_U_SSL, "1.1.1f-1ubuntu2.12"), "up zlib1g 1:1.2.11.dfsg-2ubuntu1.3"],
        None,
    ),
    (
        _at(2022, 4, 20, 6, 41),
        [
            f"up docker.io {UBUNTU_DOWNGRADE_FROM}",
            "up containerd 1.5.9-0ubuntu1~20.04.1",
            "up runc 1.1.0-0ubuntu1~20.04.1",
            *_debs(_U_GIT, "1:2.25.1-1ubuntu3.3"),
        ],
        None,
    ),
    # The new docker.io broke the app: pinned back (apt install docker.io=… && apt-mark hold docker.io).
    (_at(2022, 4, 21, 10, 12), [f"up docker.io {UBUNTU_DOWNGRADE_TO}"], None),
    (
        _at(2022, 6, 15, 6, 27),
        [
            *_debs(_U_LIBC, "2.31-0ubuntu9.9"),
            *_debs(_U_VIM, "2:8.1.2269-1ubuntu5.7"),
            *_linux_aws(1072, 1055),
        ],
        "3.1.1446.0",
    ),
    (
        _at(2022, 8, 10, 6, 34),
        [
            *_debs(_U_CURL, "7.68.0-1ubuntu2.12"),
            *_debs(_U_SYSTEMD, "245.4-4ubuntu3.17"),
            "up libxml2 2.9.10+dfsg-5ubuntu0.20.04.4",
        ],
        None,
    ),
    (
        _at(2022, 10, 19, 6, 30),
        [
            *_linux_aws(1086, 1061),
            *_debs(_U_BIND, "1:9.16.1-0ubuntu2.11"),
            "up tzdata 2022e-0ubuntu0.20.04.0",
            f"up {UBUNTU_EPOCH_PACKAGE} 1:2.3.0-1",
        ],
        None,
    ),
    (
        _at(2022, 12, 7, 6, 25),
        [*_debs(_U_SSH, "1:8.2p1-4ubuntu0.5"), *_debs(_U_GIT, "1:2.25.1-1ubuntu3.6")],
        "3.2.419.0",
    ),
)
_UBUNTU_RECENT = [
    *_linux_aws(1110, 1072),
    *_debs(_U_SSL, "1.1.1f-1ubuntu2.22"),
    *_debs(_U_LIBC, "2.31-0ubuntu9.16"),
    *_debs(_U_CURL, "7.68.0-1ubuntu2.22"),
    "up tzdata 2024a-0ubuntu0.20.04",
    f"up {UBUNTU_EPOCH_PACKAGE} 1:2.7.1-1",
]


# --- data: Windows ------------------------------------------------------------------------------------

_WIN_APPS = (
    _WinApp("Amazon SSM Agent", "Amazon Web Services", "i386", True),
    _WinApp("AWS Tools for Windows", "Amazon Web Services Developer Relations", "i386", True),
    _WinApp("aws-cfn-bootstrap", "Amazon Web Services", "x86_64", True),
    _WinApp("AWS PV Drivers", "Amazon Web Services", "x86_64", True),
    _WinApp("Amazon CloudWatch Agent", "Amazon.com, Inc.", "x86_64", False),
    _WinApp("AWS Command Line Interface v2", "Amazon Web Services", "x86_64", False),
    _WinApp("PowerShell 7-x64", "Microsoft Corporation", "x86_64", False),
    _WinApp("Mozilla Firefox (x64 en-US)", "Mozilla", "x86_64", False),
    _WinApp("Mozilla Maintenance Service", "Mozilla", "x86_64", False),
    _WinApp("Google Chrome", "Google LLC", "x86_64", False),
    _WinApp("Notepad++ (64-bit x64)", "Notepad++ Team", "x86_64", False),
    _WinApp("7-Zip 19.00 (x64 edition)", "Igor Pavlov", "x86_64", False),
    _WinApp("Git", "The Git Development Community", "x86_64", False),
    _WinApp("Python 3.8.2 (64-bit)", "Python Software Foundation", "x86_64", False),
    _WinApp("IIS URL Rewrite Module 2", "Microsoft Corporation", "x86_64", False),
    _WinApp("Microsoft .NET Core Runtime - 3.1.2 (x64)", "Microsoft Corporation", "x86_64", False),
    _WinApp(
        "Microsoft Visual C++ 2015-2019 Redistributable (x64) - 14.24.28127",
        "Microsoft Corporation",
        "x86_64",
        False,
    ),
    _WinApp(
        "Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.24.28127",
        "Microsoft Corporation",
        "x86_64",
        False,
    ),
    _WinApp(
        "Microsoft Visual C++ 2019 X64 Additional Runtime - 14.24.28127",
        "Microsoft Corporation",
        "x86_64",
        False,
    ),
    _WinApp(
        "Microsoft Visual C++ 2015-2019 Redistributable (x64) - 14.27.29016",
        "Microsoft Corporation",
        "x86_64",
        False,
    ),
)
# Windows_Server-2019-English-Full-Base-2020.02.12 and what the launch's user data installed.
_WIN_IMAGE_APPS: tuple[tuple[str, str, date], ...] = (
    ("Amazon SSM Agent", "2.3.842.0", date(2020, 2, 12)),
    ("AWS Tools for Windows", "3.15.925", date(2020, 2, 12)),
    ("aws-cfn-bootstrap", "1.4.31", date(2018, 10, 14)),
    ("AWS PV Drivers", "8.3.2", date(2019, 9, 6)),
    ("Amazon CloudWatch Agent", "1.237768.0", date(2020, 3, 4)),
    ("AWS Command Line Interface v2", "2.0.2.0", date(2020, 3, 4)),
    ("PowerShell 7-x64", "7.0.0.0", date(2020, 3, 4)),
    ("Mozilla Firefox (x64 en-US)", "73.0.1", date(2020, 3, 4)),
    ("Mozilla Maintenance Service", "73.0.1", date(2020, 3, 4)),
    ("Google Chrome", "80.0.3987.132", date(2020, 3, 4)),
    ("Notepad++ (64-bit x64)", "7.8.4", date(2020, 3, 4)),
    ("7-Zip 19.00 (x64 edition)", "19.00.00.0", date(2020, 3, 4)),
    ("Git", "2.25.1", date(2020, 3, 4)),
    ("Python 3.8.2 (64-bit)", "3.8.2150.0", date(2020, 3, 4)),
    ("IIS URL Rewrite Module 2", "7.2.1993", date(2020, 3, 4)),
    ("Microsoft .NET Core Runtime - 3.1.2 (x64)", "3.1.2.28516", date(2020, 3, 4)),
    ("Microsoft Visual C++ 2015-2019 Redistributable (x64) - 14.24.28127", "14.24.28127.4", date(2020, 3, 4)),
    ("Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.24.28127", "14.24.28127", date(2020, 3, 4)),
    ("Microsoft Visual C++ 2019 X64 Additional Runtime - 14.24.28127", "14.24.28127", date(2020, 3, 4)),
)
_WIN_IMAGE_LCU = "KB4532691"
_WIN_IMAGE_HOTFIXES: tuple[tuple[str, str, date], ...] = (
    ("KB4486153", "Update", date(2019, 11, 13)),  # .NET Framework 4.8
    ("KB4523204", "Security Update", date(2019, 11, 13)),  # servicing stack
    ("KB4535680", "Security Update", date(2020, 1, 15)),
    (_WIN_IMAGE_LCU, "Security Update", date(2020, 2, 12)),
)
# Windows Server 2019's monthly cumulative updates (Patch Tuesday).
_WIN_LCUS: dict[tuple[int, int], str] = {
    (2020, 3): "KB4538461", (2020, 4): "KB4549949", (2020, 5): "KB4551853", (2020, 6): "KB4561608",
    (2020, 7): "KB4558998", (2020, 8): "KB4565349", (2020, 9): "KB4570333", (2020, 10): "KB4577668",
    (2020, 11): "KB4586793", (2020, 12): "KB4592440", (2021, 1): "KB4598230", (2021, 2): "KB4601345",
    (2021, 3): "KB5000822", (2021, 4): "KB5001342", (2021, 5): "KB5003171", (2021, 6): "KB5003646",
    (2021, 7): "KB5004244", (2021, 8): "KB5005030", (2021, 9): "KB5005568", (2021, 10): "KB5006672",
    (2021, 11): "KB5007206", (2021, 12): "KB5008218", (2022, 1): "KB5009557", (2022, 2): "KB5010351",
    (2022, 3): "KB5011503", (2022, 4): "KB5012647", (2022, 5): "KB5013941", (2022, 6): "KB5014692",
    (2022, 7): "KB5015811", (2022, 8): "KB5016623", (2022, 9): "KB5017315", (2022, 10): "KB5018419",
    (2022, 11): "KB5019966", (2022, 12): "KB5021237", (2023, 1): "KB5022286", (2023, 2): "KB5022840",
    (2023, 3): "KB5023702", (2023, 4): "KB5025229", (2023, 5): "KB5026362", (2023, 6): "KB5027222",
    (2023, 7): "KB5028168", (2023, 8): "KB5029247", (2023, 9): "KB5030214", (2023, 10): "KB5031361",
    (2023, 11): "KB5032196", (2023, 12): "KB5033371", (2024, 1): "KB5034127", (2024, 2): "KB5034768",
    (2024, 3): "KB5035849", (2024, 4): "KB5036896", (2024, 5): "KB5037765", (2024, 6): "KB5039217",
    (2024, 7): "KB5040430", (2024, 8): "KB5041578", (2024, 9): "KB5043050", (2024, 10): "KB5044277",
    (2024, 11): "KB5046615", (2024, 12): "KB5048661", (2025, 1): "KB5050008", (2025, 2): "KB5052000",
    (2025, 3): "KB5053596", (2025, 4): "KB5055519", (2025, 5): "KB5058392", (2025, 6): "KB5060531",
}  # fmt: skip
_WIN_SSUS = {(2020, 7): "KB4566424", (2021, 2): "KB4601393", (2021, 8): "KB5005112"}
# (application, new version, month it came with the patch window)
_WIN_APP_UPDATES: tuple[tuple[str, str, date], ...] = (
    ("Mozilla Firefox (x64 en-US)", "75.0", date(2020, 4, 1)),
    ("Amazon SSM Agent", "2.3.930.0", date(2020, 5, 1)),
    ("Google Chrome", "81.0.4044.138", date(2020, 5, 1)),
    ("Mozilla Firefox (x64 en-US)", "77.0.1", date(2020, 6, 1)),
    ("PowerShell 7-x64", "7.0.3.0", date(2020, 7, 1)),
    ("Mozilla Firefox (x64 en-US)", "79.0", date(2020, 8, 1)),
    ("AWS Tools for Windows", "3.15.1059", date(2020, 8, 1)),
    ("Amazon SSM Agent", "3.0.161.0", date(2020, 9, 1)),
    ("Mozilla Firefox (x64 en-US)", "81.0.2", date(2020, 10, 1)),
    ("AWS PV Drivers", "8.3.4", date(2020, 10, 1)),
    ("Google Chrome", "86.0.4240.198", date(2020, 11, 1)),
    ("Mozilla Firefox (x64 en-US)", "84.0", date(2020, 12, 1)),
    ("PowerShell 7-x64", "7.1.0.0", date(2020, 12, 1)),
    ("Mozilla Firefox (x64 en-US)", "85.0.2", date(2021, 2, 1)),
    ("Amazon SSM Agent", "3.0.882.0", date(2021, 3, 1)),
    ("Mozilla Firefox (x64 en-US)", "88.0", date(2021, 4, 1)),
    ("PowerShell 7-x64", "7.1.3.0", date(2021, 4, 1)),
    ("Google Chrome", "90.0.4430.212", date(2021, 5, 1)),
    ("Mozilla Firefox (x64 en-US)", "89.0.1", date(2021, 6, 1)),
    ("AWS Tools for Windows", "3.15.1315", date(2021, 6, 1)),
    ("Amazon SSM Agent", "3.0.1209.0", date(2021, 8, 1)),
    ("Mozilla Firefox (x64 en-US)", "92.0", date(2021, 9, 1)),
    ("AWS PV Drivers", "8.4.0", date(2021, 10, 1)),
    ("Mozilla Firefox (x64 en-US)", "94.0.2", date(2021, 11, 1)),
    ("Google Chrome", "96.0.4664.110", date(2021, 12, 1)),
    ("Mozilla Firefox (x64 en-US)", "96.0", date(2022, 1, 1)),
    ("Amazon SSM Agent", "3.1.821.0", date(2022, 2, 1)),
    ("PowerShell 7-x64", "7.2.1.0", date(2022, 2, 1)),
    ("Mozilla Firefox (x64 en-US)", "99.0.1", date(2022, 4, 1)),
    ("AWS Tools for Windows", "4.1.91", date(2022, 5, 1)),
    ("Google Chrome", "102.0.5005.115", date(2022, 6, 1)),
    ("Mozilla Firefox (x64 en-US)", "102.0.1", date(2022, 7, 1)),
    ("Amazon SSM Agent", "3.1.1732.0", date(2022, 9, 1)),
    ("Mozilla Firefox (x64 en-US)", "106.0", date(2022, 10, 1)),
    ("PowerShell 7-x64", "7.2.7.0", date(2022, 11, 1)),
    ("Mozilla Firefox (x64 en-US)", "108.0.2", date(2023, 1, 1)),
    ("Google Chrome", "110.0.5481.100", date(2023, 2, 1)),
    ("AWS PV Drivers", "8.4.3", date(2023, 3, 1)),
    ("Amazon SSM Agent", "3.2.582.0", date(2023, 4, 1)),
    ("Mozilla Firefox (x64 en-US)", "114.0.2", date(2023, 6, 1)),
    ("PowerShell 7-x64", "7.3.6.0", date(2023, 7, 1)),
    ("Mozilla Firefox (x64 en-US)", "121.0.1", date(2024, 1, 1)),
    ("Amazon SSM Agent", "3.2.2222.0", date(2024, 2, 1)),
    ("PowerShell 7-x64", "7.4.2.0", date(2024, 4, 1)),
    ("Google Chrome", "124.0.6367.208", date(2024, 5, 1)),
    ("Mozilla Firefox (x64 en-US)", "127.0", date(2024, 6, 1)),
    ("Mozilla Firefox (x64 en-US)", "134.0.1", date(2025, 1, 1)),
    ("Amazon SSM Agent", "3.3.1802.0", date(2025, 3, 1)),
)


# --- data: Rocky Linux 8 ------------------------------------------------------------------------------

_ROCKY_TABLE = _table_text("rocky-8.txt")
_ROCKY_PACKAGES = _rpm_table(_ROCKY_TABLE)
_ROCKY_INSTALLED = tuple(_ROCKY_PACKAGES)
_ROCKY_VENDORS = {
    "htop": "Fedora Project",
    "epel-release": "Fedora Project",
    "amazon-ssm-agent": "Amazon.com",
}
_R_KERNEL = ("kernel-core", "kernel-modules", "kernel")
_R_GLIBC = ("glibc-common", "glibc-langpack-en", "glibc")
_R_SSL = ("openssl-libs", "openssl")
_R_RELEASE = ("rocky-gpg-keys", "rocky-repos", "rocky-release")
_R_PG = ("postgresql", "postgresql-server", "postgresql-contrib")


def _kernels(names: Iterable[str], evr: str) -> list[str]:
    """dnf keeps several versions of these installonly packages; kernel-tools is upgraded in place."""
    return [f"kernel {name} {evr}" for name in names] + [
        f"up {n} {evr}" for n in ("kernel-tools-libs", "kernel-tools")
    ]


# (start, dnf operations, the PlatformVersion after it when it is a minor-release upgrade)
_ROCKY_UPDATES: tuple[tuple[datetime, list[str], str | None], ...] = (
    (
        _at(2021, 7, 21, 2, 10),
        [
            *_kernels(_R_KERNEL, "4.18.0-305.10.2.el8_4"),
            *_family(("systemd-libs", "systemd", "systemd-pam", "systemd-udev"), "239-45.el8_4.2"),
        ],
        None,
    ),
    (
        _at(2021, 8, 18, 2, 5),
        [*_family(("libcurl", "curl"), "7.61.1-18.el8_4.1"), "up sudo 1.8.29-7.el8_4.1"],
        None,
    ),
    # Hardening review: packet capture tools are not allowed on database servers.
    (_at(2021, 10, 20, 14, 12), [f"remove {ONPREM_REMOVED_PACKAGE}"], None),
    (
        _at(2021, 11, 24, 2, 10),
        [
            *_family(_R_RELEASE, "8.5-3.el8"),
            *_kernels(_R_KERNEL, "4.18.0-348.el8.0.2"),
            *_family(_R_GLIBC, "2.28-164.el8"),
            *_family(_R_SSL, "1:1.1.1k-4.el8"),
        ],
        "8.5",
    ),
    (
        _at(2022, 2, 2, 2, 5),
        [
            *_family(("polkit-libs", "polkit"), "0.115-12.el8_5.1"),
            *_kernels(_R_KERNEL, "4.18.0-348.12.2.el8_5"),
        ],
        None,
    ),
    # An incident needed packet captures: tcpdump is back, a newer build.
    (_at(2022, 3, 9, 15, 30), [f"install {ONPREM_REMOVED_PACKAGE} 14:4.9.3-2.el8"], None),
    (
        _at(2022, 4, 13, 2, 8),
        [
            *_family(_R_SSL, "1:1.1.1k-6.el8_5"),
            *_family(_R_PG, "13.5-1.module+el8.5.0+726+c3d7b4c6"),
            "up expat 2.2.5-4.el8_5.3",
        ],
        None,
    ),
    (
        _at(2022, 5, 25, 2, 6),
        [
            *_family(_R_RELEASE, "8.6-3.el8"),
            *_kernels(_R_KERNEL, "4.18.0-372.9.1.el8"),
            *_family(_R_GLIBC, "2.28-189.1.el8"),
        ],
        "8.6",
    ),
    (
        _at(2022, 8, 17, 2, 9),
        [
            *_kernels(_R_KERNEL, "4.18.0-372.19.1.el8_6"),
            *_family(("libcurl", "curl"), "7.61.1-22.el8_6.3"),
            *_family(_R_PG, "13.7-1.module+el8.6.0+966+ba6b2f7b"),
            "up amazon-ssm-agent 3.1.1446.0-1",
        ],
        None,
    ),
    (
        _at(2022, 11, 23, 2, 4),
        [
            *_family(_R_RELEASE, "8.7-1.el8"),
            *_kernels(_R_KERNEL, "4.18.0-425.3.1.el8"),
            *_family(_R_SSL, "1:1.1.1k-7.el8_6"),
        ],
        "8.7",
    ),
)
_ROCKY_RECENT = [
    *_family(_R_RELEASE, "8.10-1.9.el8"),
    *_kernels(_R_KERNEL, "4.18.0-553.el8_10"),
    *_family(_R_GLIBC, "2.28-251.el8_10.2"),
    *_family(_R_SSL, "1:1.1.1k-12.el8_9"),
    "up amazon-ssm-agent 3.3.1142.0-1",
]
_ROCKY_RECENT_PLATFORM_VERSION = "8.10"


# --- data: CentOS 7 ---------------------------------------------------------------------------------

_CENTOS_TABLE = _table_text("centos-7.txt")
_CENTOS_PACKAGES = _rpm_table(_CENTOS_TABLE)
# What the 32-bit vendor binary needs (yum install glibc.i686 … pulls nss-softokn-freebl.i686 with it).
_CENTOS_I686 = ("glibc", "nss-softokn-freebl", "libgcc", "libstdc++", "zlib")
_CENTOS_UPDATES: tuple[tuple[datetime, list[str]], ...] = (
    (_at(2021, 4, 6, 3, 40), [f"install {name}.i686" for name in _CENTOS_I686]),
    (
        _at(2021, 6, 15, 2, 20),
        [
            *_family(("glibc-common", "glibc"), "2.17-323.el7_9"),
            "kernel kernel 3.10.0-1160.31.1.el7",
            "up sudo 1.8.23-10.el7_9.1",
        ],
    ),
    # An admin's `rpm -Uvh zlib-…x86_64.rpm` for a CVE: the i686 build stays behind.
    (_at(2022, 2, 9, 9, 5), ["up zlib.x86_64 1.2.7-19.el7_9"]),
    # The vendor binary retired: its 32-bit libraries go; glibc is updated for both remaining in step.
    (
        _at(2022, 5, 18, 2, 15),
        [
            "remove libstdc++.i686",
            "remove zlib.i686",
            *_family(("glibc-common", "glibc"), "2.17-326.el7_9"),
            *_family(("openssl-libs", "openssl"), "1:1.0.2k-25.el7_9"),
        ],
    ),
)
