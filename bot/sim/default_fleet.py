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
from typing import Any

from bot.sim.fleet import Entry, Fleet, SimNode, iso

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
_AL2_TABLE = """
gpg-pubkey|c87f5b1a-593863f8|(none)|Public Keys|(none)|gpg(Amazon Linux <amazon-linux@amazon.com>)
setup|2.8.71-10.amzn2.0.1|n|B||A set of system configuration and setup files|https://pagure.io/setup/
basesystem|10.0-7.amzn2.0.1|n|B||The skeleton package which defines a simple Amazon Linux system
filesystem|3.2-25.amzn2.0.4|x|B||The basic directory layout for a Linux system|https://pagure.io/filesystem
ncurses-base|6.0-8.20170212.amzn2.1.3|n|B|ncurses|Descriptions of common terminals|http://invisible-island.net/ncurses/ncurses.html
system-release|1:2-11.amzn2|x|B||Amazon Linux release files
glibc-common|2.26-34.amzn2|x|U|glibc|Common binaries and locale data for glibc|http://www.gnu.org/software/glibc/
glibc-minimal-langpack|2.26-34.amzn2|x|U|glibc|Minimal language packs for glibc.|http://www.gnu.org/software/glibc/
glibc|2.26-34.amzn2|x|U||The GNU libc libraries|http://www.gnu.org/software/glibc/
glibc-all-langpacks|2.26-34.amzn2|x|U|glibc|All language packs for glibc.|http://www.gnu.org/software/glibc/
glibc-locale-source|2.26-34.amzn2|x|U|glibc|The sources for the locales|http://www.gnu.org/software/glibc/
libcrypt|2.26-34.amzn2|x|U|glibc|Password hashing library (non-NSS version)|http://www.gnu.org/software/glibc/
ncurses-libs|6.0-8.20170212.amzn2.1.3|x|L|ncurses|Ncurses libraries|http://invisible-island.net/ncurses/ncurses.html
bash|4.2.46-34.amzn2|x|N||The GNU Bourne Again shell|http://www.gnu.org/software/bash
libsepol|2.5-8.1.amzn2.0.2|x|L||SELinux binary policy manipulation library|https://github.com/SELinuxProject/selinux/wiki
pcre|8.32-17.amzn2.0.2|x|L||Perl-compatible regular expression library|http://www.pcre.org/
libselinux|2.5-12.amzn2.0.2|x|L||SELinux library and simple utilities|https://github.com/SELinuxProject/selinux/wiki
zlib|1.2.7-18.amzn2|x|L||The compression and decompression library|http://www.zlib.net/
info|5.1-5.amzn2|x|S|texinfo|A stand-alone TTY-based reader for GNU texinfo documentation|http://www.gnu.org/software/texinfo/
nspr|4.21.0-1.amzn2.0.2|x|L||Netscape Portable Runtime|http://www.mozilla.org/projects/nspr/
nss-util|3.44.0-4.amzn2|x|L||Network Security Services Utilities Library|http://www.mozilla.org/projects/security/pki/nss/
libcom_err|1.42.9-12.amzn2.0.2|x|U|e2fsprogs|Common error description library|http://e2fsprogs.sourceforge.net/
bzip2-libs|1.0.6-13.amzn2.0.2|x|L|bzip2|Libraries for applications using bzip2|http://www.bzip.org/
libdb|5.3.21-24.amzn2.0.3|x|L||The Berkeley DB database library for C|http://www.oracle.com/database/berkeley-db/
xz-libs|5.2.2-1.amzn2.0.2|x|L|xz|Libraries for decoding LZMA compression|http://tukaani.org/xz/
libgcc|7.3.1-6.amzn2.0.4|x|L|gcc|GCC version 7 shared support library|http://gcc.gnu.org
libstdc++|7.3.1-6.amzn2.0.4|x|L|gcc|GNU Standard C++ Library|http://gcc.gnu.org
libgomp|7.3.1-6.amzn2.0.4|x|L|gcc|GCC OpenMP v4.5 shared support library|http://gcc.gnu.org
elfutils-libelf|0.176-2.amzn2|x|U|elfutils|Library to read and write ELF files|http://elfutils.org/
libattr|2.4.46-12.amzn2.0.2|x|L|attr|Dynamic library for extended attribute support|http://acl.bestbits.at/
libacl|2.2.51-14.amzn2|x|L|acl|Dynamic library for access control list support|http://acl.bestbits.at/
libcap|2.22-9.amzn2.0.2|x|L||Library for getting and setting POSIX.1e capabilities|http://ftp.kernel.org/pub/linux/libs/security/linux-privs/libcap2/
libuuid|2.30.2-2.amzn2.0.4|x|L|util-linux|Universally unique ID library|http://en.wikipedia.org/wiki/Util-linux
libblkid|2.30.2-2.amzn2.0.4|x|L|util-linux|Block device ID library|http://en.wikipedia.org/wiki/Util-linux
libmount|2.30.2-2.amzn2.0.4|x|L|util-linux|Device mounting library|http://en.wikipedia.org/wiki/Util-linux
libsmartcols|2.30.2-2.amzn2.0.4|x|L|util-linux|Formatting library for ls-like programs.|http://en.wikipedia.org/wiki/Util-linux
libffi|3.0.13-18.amzn2.0.2|x|L||A portable foreign function interface library|http://sourceware.org/libffi
popt|1.13-16.amzn2.0.2|x|L||C library for parsing command line parameters|http://www.rpm5.org/
sed|4.2.2-5.amzn2.0.2|x|T||A GNU stream text editor|http://sed.sourceforge.net/
grep|2.20-3.amzn2.0.2|x|T||Pattern matching utilities|http://www.gnu.org/software/grep/
gawk|4.0.2-4.amzn2.1.2|x|T||The GNU version of the awk text processing utility|http://www.gnu.org/software/gawk/gawk.html
expat|2.1.0-10.amzn2.0.2|x|L||An XML parser library|http://www.libexpat.org/
libxml2|2.9.1-6.amzn2.4.1|x|V||Library providing XML and HTML support|http://xmlsoft.org/
libxml2-python|2.9.1-6.amzn2.4.1|x|V|libxml2|Python bindings for the libxml2 library|http://xmlsoft.org/
libgpg-error|1.12-3.amzn2.0.3|x|L||Library for error values used by GnuPG components|ftp://ftp.gnupg.org/gcrypt/libgpg-error/
libgcrypt|1.5.3-14.amzn2.0.2|x|L||A general-purpose cryptography library|http://www.gnupg.org/
lua|5.1.4-15.amzn2.0.2|x|P||Powerful light-weight programming language|http://www.lua.org/
libidn|1.28-4.amzn2.0.2|x|S||A library to support IDNA2003 internationalized domain names|http://www.gnu.org/software/libidn/
libidn2|2.3.0-1.amzn2|x|U||Library to support IDNA2008 internationalized domain names|https://www.gnu.org/software/libidn/#libidn2
libunistring|0.9.3-9.amzn2.0.2|x|L||GNU Unicode string library|http://www.gnu.org/software/libunistring/
gmp|1:6.0.0-15.amzn2.0.2|x|L||A GNU arbitrary precision library|http://gmplib.org/
nettle|2.7.1-8.amzn2.0.2|x|V||A low-level cryptographic library|http://www.lysator.liu.se/~nisse/nettle/
libtasn1|4.10-1.amzn2.0.2|x|L||The ASN.1 library used in GNUTLS|http://www.gnu.org/software/libtasn1/
p11-kit|0.23.5-3.amzn2.0.2|x|U||Library for loading and sharing PKCS#11 modules|http://p11-glue.freedesktop.org/p11-kit.html
p11-kit-trust|0.23.5-3.amzn2.0.2|x|U|p11-kit|System trust module from p11-kit|http://p11-glue.freedesktop.org/p11-kit.html
ca-certificates|2019.2.32-76.amzn2.0.3|n|B||The Mozilla CA root certificate bundle|http://www.mozilla.org/
openssl-libs|1:1.0.2k-19.amzn2.0.3|x|L|openssl|A general purpose cryptography library with TLS implementation|http://www.openssl.org/
openssl|1:1.0.2k-19.amzn2.0.3|x|S||Utilities from the general purpose cryptography library with TLS implementation|http://www.openssl.org/
coreutils|8.22-24.amzn2|x|B||A set of basic GNU tools commonly used in shell scripts|http://www.gnu.org/software/coreutils/
krb5-libs|1.15.1-37.amzn2.2.2|x|L|krb5|The non-admin shared libraries used by Kerberos 5|http://web.mit.edu/kerberos/www/
keyutils-libs|1.5.8-3.amzn2.0.2|x|L|keyutils|Key utilities library|http://people.redhat.com/~dhowells/keyutils/
keyutils|1.5.8-3.amzn2.0.2|x|B||Linux Key Management Utilities|http://people.redhat.com/~dhowells/keyutils/
libverto|0.2.5-4.amzn2.0.2|x|V||Main loop abstraction library|https://fedorahosted.org/libverto/
libverto-libevent|0.2.5-4.amzn2.0.2|x|V|libverto|libevent module for libverto|https://fedorahosted.org/libverto/
libevent|2.0.21-4.amzn2.0.3|x|L||Abstract asynchronous event notification library|http://sourceforge.net/projects/levent
libcap-ng|0.7.5-4.amzn2.0.4|x|L||An alternate posix capabilities library|http://people.redhat.com/sgrubb/libcap-ng
audit-libs|2.8.1-3.amzn2.1|x|L|audit|Dynamic library for libaudit|http://people.redhat.com/sgrubb/audit/
audit|2.8.1-3.amzn2.1|x|D||User space tools for 2.6 kernel auditing|http://people.redhat.com/sgrubb/audit/
cracklib|2.9.0-11.amzn2.0.2|x|L||A password-checking library|http://sourceforge.net/projects/cracklib/
cracklib-dicts|2.9.0-11.amzn2.0.2|x|L|cracklib|The standard CrackLib dictionaries|http://sourceforge.net/projects/cracklib/
libpwquality|1.2.3-5.amzn2|x|B||A library for password generation and password quality checking|http://libpwquality.fedorahosted.org/
pam|1.1.8-23.amzn2.0.1|x|B||An extensible library which provides authentication for applications|http://www.linux-pam.org/
libsemanage|2.5-11.amzn2|x|L||SELinux binary policy manipulation library|https://github.com/SELinuxProject/selinux/wiki
ustr|1.0.4-16.amzn2.0.3|x|L||String library, very low memory overhead, simple to import|http://www.and.org/ustr/
shadow-utils|2:4.1.5.1-24.amzn2.0.2|x|B||Utilities for managing accounts and shadow password files|http://pkg-shadow.alioth.debian.org/
libutempter|1.1.6-4.amzn2.0.2|x|L||A privileged helper for utmp/wtmp updates|https://github.com/altlinux/libutempter
util-linux|2.30.2-2.amzn2.0.4|x|B||A collection of basic system utilities|http://en.wikipedia.org/wiki/Util-linux
libss|1.42.9-12.amzn2.0.2|x|U|e2fsprogs|Command line interface parsing library|http://e2fsprogs.sourceforge.net/
e2fsprogs-libs|1.42.9-12.amzn2.0.2|x|L|e2fsprogs|Ext2/3/4 filesystem-specific shared libraries|http://e2fsprogs.sourceforge.net/
e2fsprogs|1.42.9-12.amzn2.0.2|x|B||Utilities for managing ext2, ext3, and ext4 filesystems|http://e2fsprogs.sourceforge.net/
libdb-utils|5.3.21-24.amzn2.0.3|x|L|libdb|Command line tools for managing Berkeley DB databases|http://www.oracle.com/database/berkeley-db/
gdbm|1:1.13-6.amzn2.0.2|x|L||A GNU set of database routines which use extensible hashing|http://www.gnu.org/software/gdbm/
readline|6.2-10.amzn2.0.2|x|L||A library for editing typed command lines|http://cnswww.cns.cwru.edu/php/chet/readline/rltop.html
sqlite|3.7.17-8.amzn2.1.1|x|Applications/Databases||Library that implements an embeddable SQL database engine|http://www.sqlite.org/
python-libs|2.7.18-1.amzn2|x|P|python|Runtime libraries for Python|http://www.python.org/
python|2.7.18-1.amzn2|x|P||An interpreted, interactive, object-oriented programming language|http://www.python.org/
lz4|1.7.5-2.amzn2.0.1|x|A||Extremely fast compression algorithm|https://lz4.github.io/lz4/
file-libs|5.11-35.amzn2.0.2|x|L|file|Libraries for applications using libmagic|http://www.darwinsys.com/file/
file|5.11-35.amzn2.0.2|x|F||A utility for determining file types|http://www.darwinsys.com/file/
rpm-libs|4.11.3-40.amzn2.0.4|x|V|rpm|Libraries for manipulating RPM packages|http://www.rpm.org/
rpm|4.11.3-40.amzn2.0.4|x|B||The RPM package management system|http://www.rpm.org/
rpm-build-libs|4.11.3-40.amzn2.0.4|x|V|rpm|Libraries for building and signing RPM packages|http://www.rpm.org/
rpm-plugin-systemd-inhibit|4.11.3-40.amzn2.0.4|x|B|rpm|Rpm plugin for systemd inhibit functionality|http://www.rpm.org/
python2-rpm|4.11.3-40.amzn2.0.4|x|P|rpm|Python 2 bindings for apps which will manipulate RPM packages|http://www.rpm.org/
chkconfig|1.7.4-1.amzn2.0.2|x|B||A system tool for maintaining the /etc/rc*.d hierarchy|https://github.com/fedora-sysv/chkconfig
diffutils|3.3-5.amzn2|x|T||A GNU collection of diff utilities|http://www.gnu.org/software/diffutils/
findutils|1:4.5.11-6.amzn2|x|F||The GNU versions of find utilities (find and xargs)|http://www.gnu.org/software/findutils/
cpio|2.11-28.amzn2|x|A||A GNU archiving program|http://www.gnu.org/software/cpio/
tar|2:1.26-35.amzn2|x|A||A GNU file archiving program|http://www.gnu.org/software/tar/
gzip|1.5-10.amzn2|x|A||The GNU data compression program|http://www.gzip.org/
bzip2|1.0.6-13.amzn2.0.2|x|A||A file compression utility|http://www.bzip.org/
xz|5.2.2-1.amzn2.0.2|x|A||LZMA compression utilities|http://tukaani.org/xz/
hardlink|1:1.0-19.amzn2.0.2|x|S||Create a tree of hardlinks|http://pkgs.fedoraproject.org/cgit/hardlink.git/
kmod-libs|25-3.amzn2.0.2|x|L|kmod|Libraries to handle kernel module loading and unloading|http://git.kernel.org/?p=utils/kernel/kmod/kmod.git;a=summary
kmod|25-3.amzn2.0.2|x|B||Linux kernel module management utilities|http://git.kernel.org/?p=utils/kernel/kmod/kmod.git;a=summary
procps-ng|3.3.10-26.amzn2|x|S||System and process monitoring utilities|https://sourceforge.net/projects/procps-ng/
dbus-libs|1:1.10.24-7.amzn2|x|L|dbus|Libraries for accessing D-BUS|http://www.freedesktop.org/Software/dbus/
dbus|1:1.10.24-7.amzn2|x|B||D-BUS message bus|http://www.freedesktop.org/Software/dbus/
systemd-libs|219-57.amzn2.0.12|x|L|systemd|systemd libraries|http://www.freedesktop.org/wiki/Software/systemd
systemd|219-57.amzn2.0.12|x|B||A System and Service Manager|http://www.freedesktop.org/wiki/Software/systemd
systemd-sysv|219-57.amzn2.0.12|x|B|systemd|SysV tools for systemd|http://www.freedesktop.org/wiki/Software/systemd
elfutils-default-yama-scope|0.176-2.amzn2|n|U|elfutils|Default yama attach scope sysctl setting|http://elfutils.org/
elfutils-libs|0.176-2.amzn2|x|U|elfutils|Libraries to handle compiled objects|http://elfutils.org/
device-mapper-libs|7:1.02.146-4.amzn2.0.2|x|L|lvm2|Device-mapper shared library|http://sources.redhat.com/lvm2
device-mapper|7:1.02.146-4.amzn2.0.2|x|B|lvm2|Device mapper utility|http://sources.redhat.com/dm
cryptsetup-libs|1.7.4-4.amzn2|x|L|cryptsetup|Cryptsetup shared library|https://gitlab.com/cryptsetup/cryptsetup
dracut|033-535.amzn2.1.3|x|B||Initramfs generator using udev|https://dracut.wiki.kernel.org/
dracut-config-ec2|2.0-3.amzn2|n|B||Dracut configuration for EC2
kpartx|0.4.9-127.amzn2|x|B|device-mapper-multipath|Partition device manager for device-mapper devices|http://christophe.varoqui.free.fr/
libseccomp|2.4.1-1.amzn2|x|U||Enhanced seccomp library|https://github.com/seccomp/libseccomp
qrencode-libs|3.4.1-3.amzn2.0.2|x|L|qrencode|QR Code encoding library - Shared libraries|http://fukuchi.org/works/qrencode/
libpipeline|1.2.3-3.amzn2.0.2|x|V||A pipeline manipulation library|http://libpipeline.nongnu.org/
groff-base|1.22.2-8.amzn2.0.2|x|T|groff|Parts of the groff formatting system required to display manual pages|http://groff.ffii.org
less|458-9.amzn2.0.2|x|T||A text file browser similar to more, but better|http://www.greenwoodsoftware.com/less/
man-db|2.6.3-9.amzn2.0.3|x|S||Tools for searching and reading man pages|http://www.nongnu.org/man-db/
man-pages|3.53-5.amzn2|n|O||Man (manual) pages from the Linux Documentation Project|http://www.kernel.org/doc/man-pages/
man-pages-overrides|7.7.3-1.amzn2|x|O||Complementary and updated manual pages|http://www.amazon.com/
hostname|3.13-3.amzn2.0.2|x|S||Utility to set/show the host name or domain name|http://packages.qa.debian.org/h/hostname.html
iputils|20160308-10.amzn2.0.2|x|S||Network monitoring tools including ping|https://github.com/iputils/iputils
iproute|4.15.0-1.amzn2.0.4|x|S||Advanced IP routing and network device configuration tools|http://kernel.org/pub/linux/utils/net/iproute2/
iptables|1.8.4-10.amzn2.1.2|x|S||Tools for managing Linux kernel packet filtering capabilities|http://www.netfilter.org/
libmnl|1.0.3-7.amzn2.0.2|x|L||A minimalistic Netlink library|http://netfilter.org/projects/libmnl
libnfnetlink|1.0.1-4.amzn2.0.2|x|L||Netfilter netlink userspace library|http://netfilter.org/projects/libnfnetlink/
libnetfilter_conntrack|1.0.6-1.amzn2.0.2|x|L||Netfilter conntrack userspace library|http://netfilter.org/projects/libnetfilter_conntrack/
ethtool|2:4.8-10.amzn2|x|S||Settings tool for Ethernet NICs|http://ftp.kernel.org/pub/software/network/ethtool/
net-tools|2.0-0.22.20131004git.amzn2.0.2|x|S||Basic networking tools|http://sourceforge.net/projects/net-tools/
initscripts|9.49.47-1.amzn2.0.1|x|B||The inittab file and the /etc/init.d scripts|https://github.com/fedora-sysv/initscripts
sysvinit-tools|2.88-14.dsf.amzn2.0.2|x|B||Tools used for process and utmp management.|http://savannah.nongnu.org/projects/sysvinit
dhcp-common|12:4.2.5-77.amzn2.1.1|x|S|dhcp|Common files used by ISC dhcp client and server|http://isc.org/products/DHCP/
dhcp-libs|12:4.2.5-77.amzn2.1.1|x|L|dhcp|Shared libraries used by ISC dhcp client and server|http://isc.org/products/DHCP/
dhclient|12:4.2.5-77.amzn2.1.1|x|S|dhcp|Provides the ISC DHCP client daemon and dhclient-script|http://isc.org/products/DHCP/
bind-license|32:9.11.4-9.P2.amzn2.0.3|n|U|bind|License of the BIND DNS suite|http://www.isc.org/products/BIND/
bind-export-libs|32:9.11.4-9.P2.amzn2.0.3|x|U|bind|ISC libs for DHCP application|http://www.isc.org/products/BIND/
bind-libs-lite|32:9.11.4-9.P2.amzn2.0.3|x|U|bind|Libraries for working with the DNS protocol|http://www.isc.org/products/BIND/
bind-libs|32:9.11.4-9.P2.amzn2.0.3|x|U|bind|Libraries used by the BIND DNS packages|http://www.isc.org/products/BIND/
bind-utils|32:9.11.4-9.P2.amzn2.0.3|x|U|bind|Utilities for querying DNS name servers|http://www.isc.org/products/BIND/
GeoIP|1.5.0-11.amzn2.0.2|x|Development/Libraries||Library for country/city/organization to IP address or hostname mapping|http://www.maxmind.com/app/c
json-c|0.11-4.amzn2.0.3|x|V||A JSON implementation in C|https://github.com/json-c/json-c/wiki
libcurl|7.61.1-12.amzn2.0.1|x|V|curl|A library for getting files from web servers|https://curl.haxx.se/
curl|7.61.1-12.amzn2.0.1|x|I||A utility for getting files from remote servers (FTP, HTTP, and others)|https://curl.haxx.se/
libnghttp2|1.39.2-1.amzn2|x|U|nghttp2|A library implementing the HTTP/2 protocol|https://nghttp2.org/
libssh2|1.4.3-12.amzn2.2.2|x|L||A library implementing the SSH2 protocol|http://www.libssh2.org/
libmetalink|0.1.3-13.amzn2|x|L||Metalink library written in C|https://launchpad.net/libmetalink
openldap|2.4.44-15.amzn2|x|S||LDAP support libraries|http://www.openldap.org/
cyrus-sasl-lib|2.1.26-23.amzn2|x|L|cyrus-sasl|Shared libraries needed by applications which use Cyrus SASL|http://www.cyrusimap.org/
cyrus-sasl-plain|2.1.26-23.amzn2|x|L|cyrus-sasl|PLAIN and LOGIN authentication support for Cyrus SASL|http://www.cyrusimap.org/
nss-softokn-freebl|3.44.0-8.amzn2|x|L|nss-softokn|Freebl library for the Network Security Services|http://www.mozilla.org/projects/security/pki/nss/
nss-softokn|3.44.0-8.amzn2|x|L||Network Security Services Softoken Module|http://www.mozilla.org/projects/security/pki/nss/
nss-pem|1.0.3-5.amzn2|x|L||PEM file reader for Network Security Services (NSS)|https://github.com/kdudka/nss-pem
nss-sysinit|3.44.0-7.amzn2|x|L|nss|System NSS Initialization|http://www.mozilla.org/projects/security/pki/nss/
nss|3.44.0-7.amzn2|x|L||Network Security Services|http://www.mozilla.org/projects/security/pki/nss/
nss-tools|3.44.0-7.amzn2|x|S|nss|Tools for the Network Security Services|http://www.mozilla.org/projects/security/pki/nss/
libpsl|0.21.5-1.amzn2.0.1|x|U||C library for the Publix Suffix List|https://rockdaboot.github.io/libpsl
publicsuffix-list-dafsa|20180514-1.amzn2|n|U|publicsuffix-list|Cross-vendor public domain suffix database in DAFSA form|https://publicsuffix.org/
glib2|2.56.1-5.amzn2.0.1|x|L||A library of handy utility functions|http://www.gtk.org
shared-mime-info|1.8-4.amzn2|x|S||Shared MIME information database|http://freedesktop.org/Software/shared-mime-info
gettext-libs|0.19.8.1-3.amzn2|x|V|gettext|Libraries for gettext|http://www.gnu.org/software/gettext/
gettext|0.19.8.1-3.amzn2|x|E||GNU libraries and utilities for producing multi-lingual messages|http://www.gnu.org/software/gettext/
libcroco|0.6.12-4.amzn2.0.2|x|L||A CSS2 parsing library|http://www.freespiders.org/projects/libcroco/
which|2.20-7.amzn2.0.2|x|S||Displays where a particular program in your path is located|http://savannah.gnu.org/projects/which/
ed|1.9-4.amzn2.0.2|x|T||The GNU line editor|http://www.gnu.org/software/ed/
pkgconfig|1:0.27.1-4.amzn2.0.2|x|E||A tool for determining compilation options|http://pkgconfig.freedesktop.org
libpng|2:1.5.13-7.amzn2.0.2|x|L||A library of functions for manipulating PNG image format files|http://www.libpng.org/pub/png/
freetype|2.8-14.amzn2|x|L||A free and portable font rendering engine|http://www.freetype.org
libjpeg-turbo|1.2.90-6.amzn2.0.3|x|L||A MMX/SSE2 accelerated library for manipulating JPEG image files|http://sourceforge.net/projects/libjpeg-turbo
libtiff|4.0.3-32.amzn2|x|L||Library of functions for manipulating TIFF format image files|http://www.simplesystems.org/libtiff/
jbigkit-libs|2.0-11.amzn2.0.2|x|L|jbigkit|JBIG1 lossless image compression library|http://www.cl.cam.ac.uk/~mgk25/jbigkit/
libwebp|0.3.0-7.amzn2|x|L||Library and tools for the WebP graphics format|http://webmproject.org/
gpm-libs|1.20.7-15.amzn2.0.2|x|L|gpm|Dynamic library for for the gpm|http://www.nico.schottelius.org/software/gpm/
slang|2.2.4-11.amzn2.0.2|x|L||The shared library for the S-Lang extension language|http://www.jedsoft.org/slang/
newt|0.52.15-4.amzn2.0.2|x|L||A library for text mode user interfaces|https://fedorahosted.org/newt/
newt-python|0.52.15-4.amzn2.0.2|x|L|newt|Python bindings for newt|https://fedorahosted.org/newt/
libnl3|3.2.28-4.amzn2.0.1|x|V||Convenience library for kernel netlink sockets|http://www.infradead.org/~tgr/libnl/
libnl3-cli|3.2.28-4.amzn2.0.1|x|V|libnl3|Command line interface utils for libnl3|http://www.infradead.org/~tgr/libnl/
libteam|1.27-9.amzn2|x|L||Library for controlling team network device|http://www.libteam.org
teamd|1.27-9.amzn2|x|S|libteam|Team network device control daemon|http://www.libteam.org
libndp|1.2-7.amzn2.0.2|x|L||Library for Neighbor Discovery Protocol|http://www.libndp.org/
libdaemon|0.14-7.amzn2.0.2|x|L||Library for writing UNIX daemons|http://0pointer.de/lennart/projects/libdaemon/
libsysfs|2.1.0-16.amzn2.0.2|x|L|sysfsutils|Shared library for interfacing with sysfs|http://linux-diag.sourceforge.net/Sysfsutils.html
libaio|0.3.109-13.amzn2.0.2|x|L||Linux-native asynchronous I/O access library|http://git.infradead.org/users/jmoyer/libaio.git
libedit|3.0-12.20121213cvs.amzn2.0.2|x|L||The NetBSD Editline library|http://www.thrysoee.dk/editline/
libyaml|0.1.4-11.amzn2.0.2|x|V||YAML 1.1 parser and emitter written in C|http://pyyaml.org/
libestr|0.1.9-2.amzn2.0.2|x|L||String handling essentials library|http://libestr.adiscon.com/
libfastjson|0.99.4-2.amzn2.0.2|x|U||A JSON implementation in C|https://github.com/rsyslog/libfastjson
libtirpc|0.2.4-0.16.amzn2|x|L||Transport Independent RPC Library|http://nfsv4.bullopensource.org/
libgssglue|0.4-2.amzn2.0.2|x|L||Generic Security Services Application Programming Interface Library|http://www.citi.umich.edu/projects/nfsv4/linux/
libnfsidmap|0.25-19.amzn2|x|L||NFSv4 User and Group ID Mapping Library|http://www.citi.umich.edu/projects/nfsv4/linux/
libbasicobjects|0.1.1-29.amzn2|x|V|ding-libs|The Basic Objects Library|http://pagure.io/SSSD/ding-libs/
libcollection|0.7.0-29.amzn2|x|V|ding-libs|Collection data-type for C|http://pagure.io/SSSD/ding-libs/
libini_config|1.3.1-29.amzn2|x|V|ding-libs|INI file parser for C|http://pagure.io/SSSD/ding-libs/
libpath_utils|0.2.1-29.amzn2|x|V|ding-libs|Filesystem Path Utilities|http://pagure.io/SSSD/ding-libs/
libref_array|0.1.5-29.amzn2|x|V|ding-libs|A refcounted array for C|http://pagure.io/SSSD/ding-libs/
libsss_idmap|1.16.5-10.amzn2.1|x|U|sssd|FreeIPA Idmap library|https://pagure.io/SSSD/sssd/
libsss_nss_idmap|1.16.5-10.amzn2.1|x|U|sssd|Library for SID and certificate based lookups|https://pagure.io/SSSD/sssd/
sssd-client|1.16.5-10.amzn2.1|x|U|sssd|SSSD Client libraries for NSS and PAM|https://pagure.io/SSSD/sssd/
libassuan|2.1.0-3.amzn2.0.2|x|S||GnuPG IPC library|http://www.gnupg.org/
pth|2.0.7-23.amzn2.0.2|x|L||The GNU Portable Threads library|http://www.gnu.org/software/pth/
pinentry|0.8.1-17.amzn2.0.2|x|S||Collection of simple PIN or passphrase entry dialogs|http://www.gnupg.org/aegypten/
gnupg2|2.0.22-5.amzn2.0.4|x|S||Utility for secure communication and data storage|http://www.gnupg.org/
gpgme|1.3.2-5.amzn2.0.2|x|L||GnuPG Made Easy - high level crypto API|http://www.gnupg.org/related_software/gpgme/
pygpgme|0.3-9.amzn2.0.2|x|S||Python module for working with OpenPGP messages|http://launchpad.net/pygpgme
pyliblzma|0.5.3-11.amzn2.0.2|x|S||Python bindings for lzma|https://launchpad.net/pyliblzma
pyxattr|0.5.1-5.amzn2.0.2|x|S||Extended attributes library wrapper for Python|http://pyxattr.k1024.org/
python-urlgrabber|3.10-9.amzn2.0.1|n|V||A high-level cross-protocol url-grabber|http://urlgrabber.baseurl.org/
python-pycurl|7.19.0-19.amzn2.0.2|x|P||A Python interface to libcurl|http://pycurl.sourceforge.net/
python-iniparse|0.4-9.amzn2|n|V||Python Module for Accessing and Modifying Configuration Data in INI files|http://code.google.com/p/iniparse/
python-kitchen|1.1.1-5.amzn2|n|V||Small, useful pieces of code to make python coding easier|https://pypi.python.org/pypi/kitchen/
python-chardet|2.2.1-1.amzn2|n|V||Character encoding auto-detection in Python|https://github.com/chardet/chardet
yum-metadata-parser|1.1.4-10.amzn2.0.2|x|V||A fast metadata parser for yum|http://linux.duke.edu/projects/yum/
yum|3.4.3-158.amzn2.0.4|n|S||RPM package installer/updater/manager|http://yum.baseurl.org/
yum-plugin-priorities|1.1.31-46.amzn2.0.1|n|S|yum-utils|plugin to give priorities to packages from different repos|http://yum.baseurl.org/download/yum-utils/
yum-utils|1.1.31-46.amzn2.0.1|n|B||Utilities based around the yum package manager|http://yum.baseurl.org/download/yum-utils/
yum-langpacks|0.4.2-7.amzn2|n|S||Langpacks support for yum|https://github.com/rhinstaller/yum-langpacks
amazon-linux-extras|1.6.11-1.amzn2|n|U||Amazon Linux Extras topic manager
amazon-linux-extras-yum-plugin|1.6.11-1.amzn2|n|U|amazon-linux-extras|Amazon Linux Extras yum plugin
update-motd|1.1.2-2.amzn2|n|B||Framework for dynamically generating MOTD
python-six|1.9.0-2.amzn2|n|P||Python 2 and 3 compatibility utilities|http://pypi.python.org/pypi/six/
python-ipaddress|1.0.16-2.amzn2|n|P||Port of the python 3.3+ ipaddress module to 2.6+|https://github.com/phihag/ipaddress
python-enum34|1.0.4-1.amzn2|n|P||Backport of Python 3.4 Enum|https://pypi.python.org/pypi/enum34
python-ply|3.4-11.amzn2|n|S||Python Lex-Yacc|http://www.dabeaz.com/ply/
python-pycparser|2.14-1.amzn2|n|S||C parser and AST generator written in Python|http://github.com/eliben/pycparser
python-cffi|1.6.0-5.amzn2.0.2|x|V||Foreign Function Interface for Python to call C code|http://cffi.readthedocs.org
python-idna|2.4-1.amzn2|n|V||Internationalized Domain Names in Applications (IDNA)|https://github.com/kjd/idna
python-backports|1.0-8.amzn2.0.2|x|V||Namespace for backported Python features|https://pypi.python.org/pypi/backports
python-backports-ssl_match_hostname|3.5.0.1-1.amzn2|n|V||The ssl.match_hostname() function from Python 3|https://bitbucket.org/brandon/backports.ssl_match_hostname
python-urllib3|1.25.6-1.amzn2|n|U||Python HTTP library with thread-safe connection pooling and file post|https://github.com/shazow/urllib3
python-requests|2.6.0-7.amzn2|n|V||HTTP library, written in Python, for human beings|http://pypi.python.org/pypi/requests
python-jsonpointer|1.9-2.amzn2|n|V||Resolve JSON Pointers in Python|https://github.com/stefankoegl/python-json-pointer
python-jsonpatch|1.2-4.amzn2|n|V||Applying JSON Patches in Python|https://github.com/stefankoegl/python-json-patch
python-jinja2|2.7.2-3.amzn2|n|V||General purpose template engine|http://jinja.pocoo.org/
python-markupsafe|0.11-10.amzn2|x|V||Implements a XML/HTML/XHTML Markup safe string for Python|http://pypi.python.org/pypi/MarkupSafe
python-babel|0.9.6-8.amzn2.0.1|n|V||Library for internationalizing Python applications|http://babel.edgewall.org/
python-configobj|4.7.2-7.amzn2|n|V||Config file reading, writing, and validation|http://www.voidspace.org.uk/python/configobj.html
python-prettytable|0.7.2-3.amzn2|n|V||Python library to display tabular data in tables|http://code.google.com/p/prettytable
python-jwcrypto|0.4.2-1.amzn2|n|U||Implements JWK, JWS, JWE specifications using python-cryptography|https://github.com/latchset/jwcrypto
python2-cryptography|1.7.2-2.amzn2|x|U|python-cryptography|PyCA's cryptography library|https://cryptography.io/en/latest/
python2-oauthlib|2.0.1-8.amzn2|n|U|python-oauthlib|An implementation of the OAuth request-signing logic|https://github.com/oauthlib/oauthlib
python2-pyasn1|0.1.9-7.el7|n|U|python-pyasn1|ASN.1 tools for Python 2|http://pyasn1.sourceforge.net/
python2-setuptools|41.2.0-4.amzn2|n|U|python-setuptools|Easily build and distribute Python packages|https://pypi.python.org/pypi/setuptools
PyYAML|3.10-11.amzn2.0.2|x|P||YAML parser and emitter for Python|http://pyyaml.org/
python-daemon|1.6-4.amzn2|n|V||Library to implement a well-behaved Unix daemon process|http://pypi.python.org/pypi/python-daemon/
python-lockfile|1:0.9.1-4.amzn2|n|P||A platform-independent file locking module|http://launchpad.net/pylockfile
python-pystache|0.5.3-2.amzn2|n|V|pystache|Logic-less templating for Python|https://github.com/defunkt/pystache
python-simplejson|3.2.0-1.amzn2.0.2|x|S||Simple, fast, extensible JSON encoder/decoder for Python|http://undefined.org/python/#simplejson
python-docutils|0.12-0.2.20140510svn7747.amzn2|n|P||System for processing plaintext documentation|http://docutils.sourceforge.net
python-colorama|0.3.2-3.amzn2|n|V||Cross-platform colored terminal text|http://pypi.python.org/pypi/colorama
python2-botocore|1.13.36-1.amzn2|n|U|python-botocore|Low-level, data-driven core of boto 3|https://github.com/boto/botocore
python2-s3transfer|0.2.1-1.amzn2|n|U|python-s3transfer|An Amazon S3 Transfer Manager|https://github.com/boto/s3transfer
python2-jmespath|0.9.3-1.amzn2|n|U|python-jmespath|JSON Matching Expressions|https://github.com/jmespath/jmespath.py
python2-futures|3.0.5-1.amzn2|n|U|python-futures|Backport of the concurrent.futures package from Python 3.2|https://github.com/agronholm/pythonfutures
python2-rsa|3.4.1-1.amzn2|n|U|python-rsa|Pure-Python RSA implementation|http://stuvel.eu/rsa
python-dateutil|2.6.1-3.amzn2|n|U||Powerful extensions to the standard datetime module|https://github.com/dateutil/dateutil
awscli|1.16.300-1.amzn2.0.2|n|U||Universal Command Line Environment for AWS|http://aws.amazon.com/cli
aws-cfn-bootstrap|1.4-31.amzn2|n|U||An EC2 bootstrapper for CloudFormation|https://aws.amazon.com/cloudformation/
amazon-ssm-agent|2.3.1205.0-1.amzn2|x|U||Amazon SSM Agent for managing EC2 Instances using SSM APIs|https://github.com/aws/amazon-ssm-agent
cloud-init|19.3-2.amzn2|n|S||Cloud instance init scripts|http://launchpad.net/cloud-init
cloud-utils-growpart|0.31-2.amzn2|n|B|cloud-utils|Script for growing a partition|https://launchpad.net/cloud-utils/
dracut-config-generic|033-535.amzn2.1.3|x|B|dracut|dracut configuration to turn off hostonly image generation|https://dracut.wiki.kernel.org/
ec2-utils|1.1-1.amzn2|n|S|ec2-net-utils|A set of tools for running in EC2|https://github.com/aws/amazon-ec2-net-utils
ec2-net-utils|1.4-1.amzn2|n|S||A set of network tools for managing ENIs|https://github.com/aws/amazon-ec2-net-utils
ec2-instance-connect|1.1-12.amzn2|n|S||EC2 instance scripting and configuration for EC2 Instance Connect|https://github.com/aws/aws-ec2-instance-connect-config
ec2-hibinit-agent|1.0.1-2.amzn2|n|U||Hibernation setup utility for AWS EC2|https://github.com/aws/amazon-ec2-hibinit-agent
hibagent|1.0.1-1.amzn2|n|U||Hibernation agent for EC2|https://github.com/aws/amazon-ec2-hibernation-agent
chrony|3.5-1.amzn2.0.1|x|S||An NTP client/server|https://chrony.tuxfamily.org
cronie|1.4.11-23.amzn2|x|B||Cron daemon for executing programs at set times|https://github.com/cronie-crond/cronie
cronie-anacron|1.4.11-23.amzn2|x|B|cronie|Utility for running regular jobs|https://github.com/cronie-crond/cronie
crontabs|1.11-6.20121102git.amzn2|n|B||Root crontab files used to schedule the execution of programs|https://fedorahosted.org/crontabs
logrotate|3.8.6-15.amzn2|x|S||Rotates, compresses, removes and mails system log files|https://github.com/logrotate/logrotate
rsyslog|8.24.0-41.amzn2.2.1|x|D||Enhanced system logging and kernel message trapping daemon|http://www.rsyslog.com/
openssh|7.4p1-21.amzn2.0.1|x|I||An open source implementation of SSH protocol versions 1 and 2|http://www.openssh.com/portable.html
openssh-clients|7.4p1-21.amzn2.0.1|x|I|openssh|An open source SSH client applications|http://www.openssh.com/portable.html
openssh-server|7.4p1-21.amzn2.0.1|x|S|openssh|An open source SSH server daemon|http://www.openssh.com/portable.html
fipscheck|1.4.1-6.amzn2.0.2|x|S||A library for integrity verification of FIPS validated modules|http://fedorahosted.org/fipscheck/
fipscheck-lib|1.4.1-6.amzn2.0.2|x|L|fipscheck|Library files for fipscheck|http://fedorahosted.org/fipscheck/
tcp_wrappers-libs|7.6-77.amzn2.0.2|x|L|tcp_wrappers|Libraries for tcp_wrappers|ftp://ftp.porcupine.org/pub/security/index.html
tcp_wrappers|7.6-77.amzn2.0.2|x|S||A security tool which acts as a wrapper for TCP daemons|ftp://ftp.porcupine.org/pub/security/index.html
sudo|1.8.23-4.amzn2.2|x|S||Allows restricted root access for specified users|http://www.courtesan.com/sudo/
passwd|0.79-5.amzn2|x|B||An utility for setting or changing passwords using PAM|http://fedorahosted.org/passwd
authconfig|6.2.8-30.amzn2.0.2|x|B||Command line tool for setting up authentication from network services|https://pagure.io/authconfig
libuser|0.60-7.amzn2|x|B||A user and group account administration library|https://pagure.io/libuser
acl|2.2.51-14.amzn2|x|S||Access control list utilities|http://acl.bestbits.at/
attr|2.4.46-12.amzn2.0.2|x|S||Utilities for managing filesystem extended attributes|http://acl.bestbits.at/
psmisc|22.20-15.amzn2.0.2|x|S||Utilities for managing processes on your system|http://psmisc.sourceforge.net
psacct|6.6.1-13.amzn2.0.2|x|S||Utilities for monitoring process activities|http://www.gnu.org/software/acct/
lsof|4.87-6.amzn2|x|D||A utility which lists open files on a Linux/UNIX system|http://people.freebsd.org/~abe/
strace|4.24-3.amzn2|x|E||Tracks and displays system calls associated with a running process|https://strace.io
sysctl-defaults|1.0-1.amzn2|n|U||Amazon Linux default sysctl configuration
tzdata|2020a-1.amzn2|n|B||Timezone data|https://www.iana.org/time-zones
kbd-misc|1.15.5-15.amzn2|n|S|kbd|Data for kbd package|http://ftp.altlinux.org/pub/people/legion/kbd
kbd-legacy|1.15.5-15.amzn2|n|S|kbd|Legacy data for kbd package|http://ftp.altlinux.org/pub/people/legion/kbd
kbd|1.15.5-15.amzn2|x|S||Tools for configuring the console (keyboard, virtual terminals, etc.)|http://ftp.altlinux.org/pub/people/legion/kbd
vim-filesystem|2:8.1.1602-1.amzn2|n|T|vim|VIM filesystem layout|http://www.vim.org/
vim-common|2:8.1.1602-1.amzn2|x|T|vim|The common files needed by any version of the VIM editor|http://www.vim.org/
vim-enhanced|2:8.1.1602-1.amzn2|x|T|vim|A version of the VIM editor which includes recent enhancements|http://www.vim.org/
vim-minimal|2:8.1.1602-1.amzn2|x|T|vim|A minimal version of the VIM editor|http://www.vim.org/
vim-data|2:8.1.1602-1.amzn2|n|T|vim|Shared data for Vi and Vim|http://www.vim.org/
nano|2.9.8-2.amzn2.0.1|x|T||A small text editor|https://www.nano-editor.org
words|3.0-22.amzn2|n|T||A dictionary of English words for the /usr/share/dict directory|http://wordlist.aspell.net/
hunspell|1.3.2-16.amzn2.0.1|x|T||A spell checker and morphological analyzer library|http://hunspell.github.io/
hunspell-en|0.20121024-6.amzn2.0.1|n|T||English hunspell dictionaries|http://wordlist.sourceforge.net/
hunspell-en-US|0.20121024-6.amzn2.0.1|n|T|hunspell-en|US English hunspell dictionaries|http://wordlist.sourceforge.net/
hunspell-en-GB|0.20121024-6.amzn2.0.1|n|T|hunspell-en|UK English hunspell dictionaries|http://wordlist.sourceforge.net/
langtable|0.0.31-4.amzn2|n|L||Guessing reasonable defaults for locale, keyboard layout, territory, and language.|https://github.com/mike-fabian/langtable
langtable-data|0.0.31-4.amzn2|n|L|langtable|Data files for langtable|https://github.com/mike-fabian/langtable
langtable-python|0.0.31-4.amzn2|n|L|langtable|Python module to query the langtable-data|https://github.com/mike-fabian/langtable
bash-completion|1:2.1-6.amzn2|n|U||Programmable completion for Bash|http://bash-completion.alioth.debian.org/
bc|1.06.95-13.amzn2.0.2|x|S||GNU's bc (a numeric processing language) and dc (a calculator)|http://www.gnu.org/software/bc/
time|1.7-45.amzn2.0.2|x|S||A GNU utility for monitoring a program's use of system resources|http://www.gnu.org/software/time/
traceroute|3:2.0.22-2.amzn2.0.1|x|I||Traces the route taken by packets over an IPv4/IPv6 network|http://traceroute.sourceforge.net
tcpdump|14:4.9.2-4.amzn2.1|x|I||A network traffic monitoring tool|http://www.tcpdump.org
libpcap|14:1.5.3-11.amzn2|x|L||A system-independent interface for user-level packet capture|http://www.tcpdump.org
wget|1.14-18.amzn2.1|x|I||A utility for retrieving files using the HTTP or FTP protocols|http://www.gnu.org/software/wget/
rsync|3.1.2-4.amzn2|x|I||A program for synchronizing files over a network|http://rsync.samba.org/
unzip|6.0-21.amzn2|x|A||A utility for unpacking zip files|http://www.info-zip.org/UnZip.html
zip|3.0-11.amzn2.0.2|x|A||A file compression and packaging utility compatible with PKZIP|http://www.info-zip.org/Zip.html
screen|4.1.0-0.25.20120314git3c2946.amzn2|x|S||A screen manager that supports multiple logins on one terminal|http://www.gnu.org/software/screen
tcsh|6.18.01-15.amzn2.0.2|x|N||An enhanced version of csh, the C shell|http://www.tcsh.org/
dmidecode|1:3.2-3.amzn2|x|S||Tool to analyse BIOS DMI data|http://www.nongnu.org/dmidecode/
pciutils-libs|3.5.1-3.amzn2|x|L|pciutils|Linux PCI library|http://atrey.karlin.mff.cuni.cz/~mj/pciutils.shtml
pciutils|3.5.1-3.amzn2|x|S||PCI bus related utilities|http://atrey.karlin.mff.cuni.cz/~mj/pciutils.shtml
hwdata|0.252-9.3.amzn2|x|S||Hardware identification and configuration data|https://github.com/vcrhonek/hwdata
numactl-libs|2.0.9-7.amzn2|x|S|numactl|libnuma libraries|https://github.com/numactl/numactl
irqbalance|3:1.5.0-3.amzn2.0.1|x|S||IRQ balancing daemon|https://github.com/Irqbalance/irqbalance
microcode_ctl|2:2.1-47.amzn2.0.4|x|S||Tool to transform and deploy CPU microcode update for x86.|https://pagure.io/microcode_ctl
kernel|4.14.181-142.260.amzn2|x|K||The Linux kernel|http://www.kernel.org/
grubby|8.28-21.amzn2.0.3|x|B||Command line tool for updating bootloader configs|https://github.com/rhinstaller/grubby
grub2-common|1:2.02-35.amzn2.0.4|n|B|grub2|grub2 common layout|http://www.gnu.org/software/grub/
grub2-tools-minimal|1:2.02-35.amzn2.0.4|x|B|grub2|Support tools for GRUB.|http://www.gnu.org/software/grub/
grub2-tools|1:2.02-35.amzn2.0.4|x|B|grub2|Support tools for GRUB.|http://www.gnu.org/software/grub/
grub2-pc-modules|1:2.02-35.amzn2.0.4|n|B|grub2|Modules used to build custom grub images|http://www.gnu.org/software/grub/
grub2-pc|1:2.02-35.amzn2.0.4|x|B|grub2|Bootloader with support for Linux, Multiboot and more|http://www.gnu.org/software/grub/
grub2-efi-x64-ec2|1:2.02-35.amzn2.0.4|x|B|grub2|Bootloader with support for Linux, Multiboot and more|http://www.gnu.org/software/grub/
os-prober|1.58-9.amzn2.0.2|x|S||Probes disks on the system for installed operating systems|http://kitenet.net/~joey/code/os-prober/
gdisk|0.8.10-3.amzn2|x|S||An fdisk-like partitioning tool for GPT disks|http://www.rodsbooks.com/gdisk/
parted|3.1-29.amzn2|x|S||The GNU disk partition manipulation program|http://www.gnu.org/software/parted
dosfstools|3.0.20-10.amzn2|x|S||Utilities for making and checking MS-DOS FAT filesystems on Linux|https://github.com/dosfstools/dosfstools
xfsprogs|4.5.0-18.amzn2.0.1|x|S||Utilities for managing the XFS filesystem|http://oss.sgi.com/projects/xfs/
xfsdump|3.1.8-6.amzn2|x|S||Administrative utilities for the XFS filesystem|http://oss.sgi.com/projects/xfs/
btrfs-progs|4.9.1-1.amzn2.0.3|x|S||Userspace programs for btrfs|http://btrfs.wiki.kernel.org/index.php/Main_Page
mdadm|4.0-5.amzn2.0.2|x|S||The mdadm program controls Linux md devices (software RAID arrays)|http://www.kernel.org/pub/linux/utils/raid/mdadm/
lvm2-libs|7:2.02.177-4.amzn2.0.2|x|L|lvm2|Shared libraries for lvm2|http://sources.redhat.com/lvm2
lvm2|7:2.02.177-4.amzn2.0.2|x|B||Userland logical volume management tools|http://sources.redhat.com/lvm2
device-mapper-event-libs|7:1.02.146-4.amzn2.0.2|x|L|lvm2|Device-mapper event daemon shared library|http://sources.redhat.com/lvm2
device-mapper-event|7:1.02.146-4.amzn2.0.2|x|B|lvm2|Device-mapper event daemon|http://sources.redhat.com/dm
device-mapper-persistent-data|0.7.3-3.amzn2|x|B||Device-mapper Persistent Data Tools|https://github.com/jthornber/thin-provisioning-tools
cryptsetup|1.7.4-4.amzn2|x|A||A utility for setting up encrypted disks|https://gitlab.com/cryptsetup/cryptsetup
dmraid|1.0.0.rc16-28.amzn2.0.2|x|S||dmraid (Device-mapper RAID tool and library)|http://people.redhat.com/heinzm/sw/dmraid/
dmraid-events|1.0.0.rc16-28.amzn2.0.2|x|S|dmraid|dmevent_tool (Device-mapper event tool) and DSO|http://people.redhat.com/heinzm/sw/dmraid/
sgpio|1.2.0.10-13.amzn2.0.2|x|S||SGPIO captive backplane tool|http://sources.redhat.com/lvm2/wiki/DMRAID_Eventing
blktrace|1.0.5-9.amzn2.0.2|x|E||Utilities for performing block layer IO tracing in the linux kernel|http://brick.kernel.dk/snaps
nfs-utils|1:1.3.0-0.54.amzn2.0.2|x|S||NFS utilities and supporting clients and daemons for the kernel NFS server|http://linux-nfs.org/
rpcbind|0.2.0-49.amzn2|x|D||Universal Addresses to RPC Program Number Mapper|http://nfsv4.bullopensource.org
gssproxy|0.7.0-17.amzn2|x|D||GSSAPI Proxy|https://pagure.io/gssproxy
quota|1:4.01-19.amzn2.0.1|x|S||System administration tools for monitoring users' disk usage|http://sourceforge.net/projects/linuxquota/
quota-nls|1:4.01-19.amzn2.0.1|n|S|quota|Gettext catalogs for disk quota tools|http://sourceforge.net/projects/linuxquota/
setserial|2.17-33.amzn2.0.1|x|S||A utility for configuring serial ports|http://setserial.sourceforge.net/
fxload|2002_04_11-16.amzn2.0.2|x|S||A helper program to download firmware into FX and FX2 EZ-USB devices|http://linux-hotplug.sourceforge.net/
rng-tools|6.8-3.amzn2.0.2|x|S||Random number generator related utilities|https://github.com/nhorman/rng-tools
pm-utils|1.4.1-27.amzn2.0.1|x|S||Power management utilities and scripts|http://pm-utils.freedesktop.org
policycoreutils|2.5-22.amzn2|x|B||SELinux policy core utilities|https://github.com/SELinuxProject/selinux/wiki
libselinux-utils|2.5-12.amzn2.0.2|x|S|libselinux|SELinux libselinux utilies|https://github.com/SELinuxProject/selinux/wiki
setools-libs|3.3.8-2.amzn2.0.2|x|L|setools|Policy analysis support libraries for SELinux|http://oss.tresys.com/projects/setools
selinux-policy|3.13.1-192.amzn2.6.2|n|B||SELinux policy configuration|https://github.com/TresysTechnology/refpolicy/wiki
selinux-policy-targeted|3.13.1-192.amzn2.6.2|n|B|selinux-policy|SELinux targeted base policy|https://github.com/TresysTechnology/refpolicy/wiki
plymouth-core-libs|0.8.9-0.28.20140113.amzn2.0.2|x|L|plymouth|Plymouth core libraries|http://www.freedesktop.org/wiki/Software/Plymouth
plymouth|0.8.9-0.28.20140113.amzn2.0.2|x|B||Graphical Boot Animation and Logger|http://www.freedesktop.org/wiki/Software/Plymouth
plymouth-scripts|0.8.9-0.28.20140113.amzn2.0.2|x|B|plymouth|Plymouth related scripts|http://www.freedesktop.org/wiki/Software/Plymouth
dyninst|9.3.1-1.amzn2.0.2|x|V||An API for Run-time Code Generation|http://www.dyninst.org
boost-date-time|1.53.0-27.amzn2.0.3|x|L|boost|Run-Time component of boost date-time library|http://www.boost.org
boost-system|1.53.0-27.amzn2.0.3|x|L|boost|Run-Time component of boost system support library|http://www.boost.org
boost-thread|1.53.0-27.amzn2.0.3|x|L|boost|Run-Time component of boost thread library|http://www.boost.org
libdwarf|20130207-4.amzn2.0.2|x|L||Library to access the DWARF Debugging file format|http://www.prevanders.net/dwarf.html
systemtap-runtime|4.1-1.amzn2.0.1|x|E|systemtap|Programmable system-wide instrumentation system - runtime|http://sourceware.org/systemtap/
binutils|2.29.1-30.amzn2|x|E||A GNU collection of binary utilities|http://sources.redhat.com/binutils
make|1:3.82-24.amzn2|x|E||A GNU tool which simplifies the build process for users|http://www.gnu.org/software/make/
perl-parent|1:0.225-244.amzn2.0.1|n|P||Establish an ISA relationship with base classes at compile time|http://search.cpan.org/dist/parent/
perl-podlators|2.5.1-3.amzn2.0.1|n|P||Format POD source into various output formats|http://search.cpan.org/dist/podlators/
perl-Pod-Escapes|1:1.04-295.amzn2|n|P|perl|Perl module for resolving POD escape sequences|http://www.perl.org/
perl-Text-ParseWords|3.29-4.amzn2|n|P||Parse text into an array of tokens or array of arrays|http://search.cpan.org/dist/Text-ParseWords/
perl-Encode|2.51-7.amzn2.0.2|x|P||Character encodings in Perl|http://search.cpan.org/dist/Encode/
perl-Pod-Perldoc|3.20-4.amzn2|n|P||Look up Perl documentation in Pod format|http://search.cpan.org/dist/Pod-Perldoc/
perl-HTTP-Tiny|0.033-3.amzn2|n|P||Small, simple, correct HTTP/1.1 client|http://search.cpan.org/dist/HTTP-Tiny/
perl-Pod-Usage|1.63-3.amzn2|n|P||Print a usage message from embedded pod documentation|http://search.cpan.org/dist/Pod-Usage/
perl-Pod-Simple|1:3.28-4.amzn2|n|P||Framework for parsing POD documentation|http://search.cpan.org/dist/Pod-Simple/
perl-Getopt-Long|2.40-3.amzn2|n|P||Extended processing of command line options|http://search.cpan.org/dist/Getopt-Long/
perl-Exporter|5.68-3.amzn2|n|P||Implements default import method for modules|http://search.cpan.org/dist/Exporter/
perl-Carp|1.26-244.amzn2|n|P||Alternative warn and die for modules|http://search.cpan.org/dist/Carp/
perl-constant|1.27-2.amzn2.0.1|n|P||Perl pragma to declare constants|http://search.cpan.org/dist/constant/
perl-Time-Local|1.2300-2.amzn2|n|P||Efficiently compute time from local and GMT time|http://search.cpan.org/dist/Time-Local/
perl-Time-HiRes|4:1.9725-3.amzn2.0.2|x|P|perl-Time-HiRes|High resolution alarm, sleep, gettimeofday, interval timers|http://search.cpan.org/dist/Time-HiRes/
perl-Storable|2.45-3.amzn2.0.2|x|P||Persistence for Perl data structures|http://search.cpan.org/dist/Storable/
perl-Socket|2.010-4.amzn2.0.2|x|P||Networking constants and support functions|http://search.cpan.org/dist/Socket/
perl-Scalar-List-Utils|1.27-248.amzn2.0.2|x|P||A selection of general-utility scalar and list subroutines|http://search.cpan.org/dist/Scalar-List-Utils/
perl-PathTools|3.40-5.amzn2.0.2|x|P||PathTools Perl module (Cwd, File::Spec)|http://search.cpan.org/dist/PathTools/
perl-File-Temp|0.23.01-3.amzn2|n|P||Return name and handle of a temporary file safely|http://search.cpan.org/dist/File-Temp/
perl-File-Path|2.09-2.amzn2|n|P||Create or remove directory trees|http://search.cpan.org/dist/File-Path/
perl-Filter|1.49-3.amzn2.0.2|x|P||Perl source filters|http://search.cpan.org/dist/Filter/
perl-threads|1.87-4.amzn2.0.2|x|P||Perl interpreter-based threads|http://search.cpan.org/dist/threads/
perl-threads-shared|1.43-6.amzn2.0.2|x|P||Perl extension for sharing data structures between threads|http://search.cpan.org/dist/threads-shared/
perl-macros|4:5.16.3-295.amzn2|x|P|perl|Macros for rpmbuild|http://www.perl.org/
perl-libs|4:5.16.3-295.amzn2|x|P|perl|The libraries for the perl runtime|http://www.perl.org/
perl|4:5.16.3-295.amzn2|x|P||Practical Extraction and Report Language|http://www.perl.org/
perl-Data-Dumper|2.145-3.amzn2.0.2|x|P||Stringify perl data structures, suitable for printing and eval|http://search.cpan.org/dist/Data-Dumper/
perl-Digest|1.17-245.amzn2|n|P||Modules that calculate message digests|http://search.cpan.org/dist/Digest/
perl-Digest-MD5|2.52-3.amzn2.0.2|x|P||Perl interface to the MD5 algorithm|http://search.cpan.org/dist/Digest-MD5/
mariadb-libs|1:5.5.64-1.amzn2|x|L|mariadb|The shared libraries required for MariaDB/MySQL clients|http://mariadb.org
postfix|2:2.10.1-6.amzn2.0.3|x|D||Postfix Mail Transport Agent|http://www.postfix.org
at|3.1.13-24.amzn2|x|D||Job spooling tools|http://ftp.debian.org/debian/pool/main/a/at
polkit|0.112-22.amzn2.0.1|x|S||An authorization framework|http://www.freedesktop.org/wiki/Software/polkit
polkit-pkla-compat|0.1-4.amzn2.0.2|x|U||Rules for polkit to add compatibility with pklocalauthority|https://fedorahosted.org/polkit-pkla-compat/
mozjs17|17.0.0-20.amzn2.0.1|x|L||JavaScript interpreter and libraries|http://www.mozilla.org/js/
dbus-glib|0.100-7.2.amzn2|x|L||GLib bindings for D-Bus|http://www.freedesktop.org/software/dbus/
dbus-python|1.1.1-9.amzn2.0.2|x|L||D-Bus Python Bindings|http://www.freedesktop.org/software/dbus/
python-decorator|3.4.0-3.amzn2|n|V||Module to simplify usage of decorators|http://pypi.python.org/pypi/decorator
python-slip|0.4.0-4.amzn2|n|V||Convenience, extension and workaround code for Python|http://fedorahosted.org/python-slip
python-slip-dbus|0.4.0-4.amzn2|n|V|python-slip|Convenience functions for dbus services|http://fedorahosted.org/python-slip
python-gobject-base|3.22.0-1.amzn2|x|V|pygobject3|Python 2 bindings for GObject Introspection base package|https://wiki.gnome.org/Projects/PyGObject
gobject-introspection|1.56.1-1.amzn2|x|V||Introspection system for GObject-based libraries|https://wiki.gnome.org/Projects/GObjectIntrospection
python-pyudev|0.15-9.amzn2|n|V||A libudev binding|http://pypi.python.org/pypi/pyudev
python-linux-procfs|0.4.9-4.amzn2|n|S||Linux /proc abstraction classes|http://userweb.kernel.org/~acme/python-linux-procfs
python-schedutils|0.4-6.amzn2.0.2|x|S||Linux scheduler python bindings|https://kernel.org/pub/scm/libs/python/python-schedutils
virt-what|1.18-4.amzn2|x|S||Detect if we are running in a virtual machine|http://people.redhat.com/~rjones/virt-what/
lm_sensors-libs|3.4.0-8.20160601gitf9185e5.amzn2|x|L|lm_sensors|Lm_sensors core libraries|http://www.lm-sensors.org/
scl-utils|20130529-18.amzn2|x|S||Utilities for alternative packaging|https://github.com/sclorg/scl-utils
get_reference_source|1.2-0.amzn2.0.1|n|S||Get source code of installed packages
kpatch-runtime|0.8.0-1.amzn2|n|U|kpatch|Dynamic kernel patch manager|https://github.com/dynup/kpatch
yajl|2.0.4-4.amzn2.0.1|x|V||Yet Another JSON Library (YAJL)|http://lloyd.github.com/yajl/
jansson|2.10-1.amzn2.0.2|x|L||C library for encoding, decoding and manipulating JSON data|http://www.digip.org/jansson/
libconfig|1.4.9-5.amzn2.0.2|x|S||C/C++ configuration file library|http://www.hyperrealm.com/libconfig/
bridge-utils|1.5-9.amzn2.0.2|x|S||Utilities for configuring the linux ethernet bridge|http://www.linuxfoundation.org/collaborate/workgroups/networking/bridge
libdrm|2.4.97-2.amzn2|x|L||Direct Rendering Manager runtime library|https://dri.freedesktop.org
libpciaccess|0.14-1.amzn2|x|L||PCI access library|http://gitweb.freedesktop.org/?p=xorg/lib/libpciaccess.git
python-pillow|2.0.0-20.gitd1c6db8.amzn2.0.1|x|V||Python image processing library|http://python-pillow.github.io/
libxslt|1.1.28-5.amzn2.0.2|x|V||Library providing the Gnome XSLT engine|http://xmlsoft.org/XSLT
python-lxml|3.2.1-4.amzn2.0.2|x|V||ElementTree-like Python bindings for libxml2 and libxslt|http://codespeak.net/lxml/
python-pip|9.0.3-1.amzn2.0.2|n|U||A tool for installing and managing Python packages|http://www.pip-installer.org
python-httplib2|0.9.2-1.amzn2|n|S||A comprehensive HTTP client library|https://pypi.python.org/pypi/httplib2
python-magic|5.11-35.amzn2.0.2|n|V|file|Python bindings for the libmagic API|http://www.darwinsys.com/file/
python-netifaces|0.10.4-3.amzn2.0.2|x|V||Python library to retrieve information about network interfaces|http://alastairs-place.net/netifaces/
python-pyasn1-modules|0.1.9-7.el7|n|U|python-pyasn1|A collection of ASN.1-based protocols modules|http://pyasn1.sourceforge.net/
python-repoze-lru|0.4-3.amzn2|n|V||A tiny LRU cache implementation and decorator|http://www.repoze.org
python-routes|1.13-2.amzn2|n|V||Rails-like routes for Python|http://routes.groovie.org/
python-paste|1.7.5.1-9.20111221hg1498.amzn2|n|V||Tools for using a Web Server Gateway Interface stack|http://pythonpaste.org
python-tempita|0.5.1-6.amzn2|n|V||A very small text templating language|http://pythonpaste.org/tempita/
pyserial|2.6-6.amzn2|n|S||Python serial port access library|http://pyserial.sourceforge.net
pytz|2016.10-2.amzn2|n|V||World Timezone Definitions for Python|http://pytz.sourceforge.net/
pyparsing|1.5.6-9.amzn2|n|V||An object-oriented approach to text processing|http://pyparsing.wikispaces.com/
libnetfilter_cttimeout|1.0.0-6.amzn2.0.2|x|L||Timeout policy tuning for Netfilter conntrack|http://netfilter.org/projects/libnetfilter_cttimeout/
libnetfilter_cthelper|1.0.0-10.amzn2.1|x|L||User-space infrastructure for connection tracking helpers|http://netfilter.org/projects/libnetfilter_cthelper/
libnetfilter_queue|1.0.2-2.amzn2.0.2|x|L||Netfilter queue userspace library|http://netfilter.org/projects/libnetfilter_queue/
conntrack-tools|1.4.4-5.amzn2.2|x|S||Manipulate netfilter connection tracking table and run High Availability|http://netfilter.org
ipset-libs|7.1-1.amzn2.0.1|x|L|ipset|Shared library providing the IP sets functionality|http://ipset.netfilter.org/
ipset|7.1-1.amzn2.0.1|x|S||Manage Linux IP sets|http://ipset.netfilter.org/
ebtables|2.0.10-16.amzn2.0.1|x|S||Ethernet Bridge frame table administration tool|http://ebtables.sourceforge.net/
socat|1.7.3.2-2.amzn2.0.1|x|U||Bidirectional data relay between two data channels ('netcat++')|http://www.dest-unreach.org/socat/
nmap-ncat|2:6.40-19.amzn2|x|S|nmap|Nmap's Netcat replacement|http://nmap.org/
mtr|2:0.92-2.amzn2|x|I||A network diagnostic tool|https://www.bitwizard.nl/mtr/
sysstat|10.1.5-19.amzn2|x|S||Collection of performance monitoring tools for Linux|http://sebastien.godard.pagesperso-orange.fr/
lsscsi|0.27-6.amzn2.0.2|x|S||List SCSI devices (or hosts) and associated information|http://sg.danny.cz/scsi/lsscsi.html
sg3_utils-libs|1.37-19.amzn2|x|L|sg3_utils|Shared library for sg3_utils|http://sg.danny.cz/sg/sg3_utils.html
sg3_utils|1.37-19.amzn2|x|S||Utilities for devices that use SCSI command sets|http://sg.danny.cz/sg/sg3_utils.html
nvme-cli|1.8.1-3.amzn2|x|U||NVMe management command line interface|https://github.com/linux-nvme/nvme-cli
usermode|1.111-5.amzn2.0.2|x|B||Tools for certain user account management tasks|https://pagure.io/usermode/
libsemanage-python|2.5-11.amzn2|x|L|libsemanage|semanage python bindings for libsemanage|https://github.com/SELinuxProject/selinux/wiki
libselinux-python|2.5-12.amzn2.0.2|x|L|libselinux|SELinux python bindings for libselinux|https://github.com/SELinuxProject/selinux/wiki
audit-libs-python|2.8.1-3.amzn2.1|x|L|audit|Python bindings for libaudit|http://people.redhat.com/sgrubb/audit/
checkpolicy|2.5-6.amzn2|x|E||SELinux policy compiler|https://github.com/SELinuxProject/selinux/wiki
policycoreutils-python|2.5-22.amzn2|x|S|policycoreutils|SELinux policy core python utilities|https://github.com/SELinuxProject/selinux/wiki
python-IPy|0.75-6.amzn2.0.1|n|V||Python module for handling IPv4 and IPv6 Addresses and Networks|https://github.com/haypo/python-ipy
libmodman|2.0.1-8.amzn2.0.2|x|L||A library for loading and managing modules|http://code.google.com/p/libmodman/
libproxy|0.4.11-11.amzn2|x|L||A library handling all the details of proxy configuration|http://libproxy.github.io/libproxy/
glib-networking|2.56.1-1.amzn2|x|U||Networking support for GLib|http://www.gnome.org
gsettings-desktop-schemas|3.28.0-2.amzn2.0.1|x|U||A collection of GSettings schemas|http://download.gnome.org/sources/gsettings-desktop-schemas/
trousers|0.3.14-2.amzn2.0.2|x|L||TCG's Software Stack v1.2|http://trousers.sourceforge.net
gnutls|3.3.29-9.amzn2.0.1|x|L||A TLS protocol implementation|http://www.gnutls.org/
kexec-tools|2.0.15-43.amzn2|x|S||The kexec/kdump userspace component|http://www.kernel.org/pub/linux/utils/kernel/kexec/
snappy|1.1.0-3.amzn2.0.2|x|L||Fast compression and decompression library|http://code.google.com/p/snappy/
lzo|2.06-8.amzn2.0.3|x|L||Data compression library with very fast (de-)compression|http://www.oberhumer.com/opensource/lzo/
libtool-ltdl|2.4.2-22.2.amzn2.0.2|x|L|libtool|Runtime libraries for GNU Libtool Dynamic Module Loader|http://www.gnu.org/software/libtool/
telnet|1:0.17-65.amzn2|x|I||The client program for the Telnet remote login protocol|http://web.archive.org/web/20070819111735/www.hcs.harvard.edu/~dholland/computers/old-netkit.html
httpd|2.4.46-1.amzn2|x|U||Apache HTTP Server|https://httpd.apache.org/
httpd-tools|2.4.46-1.amzn2|x|U|httpd|Tools for use with the Apache HTTP Server|https://httpd.apache.org/
httpd-filesystem|2.4.46-1.amzn2|n|U|httpd|The basic directory layout for the Apache HTTP server|https://httpd.apache.org/
mod_http2|1.15.14-2.amzn2|x|U||module implementing HTTP/2 for Apache 2|https://icing.github.io/mod_h2/
apr|1.6.3-5.amzn2.0.2|x|V||Apache Portable Runtime library|http://apr.apache.org/
apr-util|1.6.1-5.amzn2.0.2|x|V||Apache Portable Runtime Utility library|http://apr.apache.org/
apr-util-bdb|1.6.1-5.amzn2.0.2|x|V|apr-util|APR utility library Berkeley DB driver|http://apr.apache.org/
generic-logos-httpd|18.0.0-4.amzn2|n|U|generic-logos|Amazon Linux-related icons and pictures used by httpd|https://aws.amazon.com/amazon-linux-2/
mailcap|2.1.41-2.amzn2|n|S||Helper application and MIME type associations for file types|http://git.fedorahosted.org/git/mailcap.git
"""
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
_UBUNTU_TABLE = """
adduser|3.118ubuntu2|all|admin|u|add and remove users and groups
amd64-microcode|3.20191218.1ubuntu1|a|admin|u|Processor microcode firmware for AMD CPUs|https://www.amd.com/en/support
apparmor|2.13.3-7ubuntu5.1|a|admin|u|user-space parser utility for AppArmor|https://apparmor.net/
apport|2.20.11-0ubuntu27.14|all|utils|u|automatically generate crash reports for debugging|https://wiki.ubuntu.com/Apport
apport-symptoms|0.23|all|utils|u|symptom scripts for apport|https://launchpad.net/apport-symptoms
apt|2.0.2ubuntu0.2|a|admin|u|commandline package manager
apt-utils|2.0.2ubuntu0.2|a|admin|u|package management related utility programs
at|3.1.23-1ubuntu1|a|admin|u|Delayed job execution and batch processing
base-files|11ubuntu5.2|a|admin|u|Debian base system miscellaneous files
base-passwd|3.5.47|a|admin|u|Debian base system master password and group files
bash|5.0-6ubuntu1.1|a|shells|u|GNU Bourne Again SHell|http://tiswww.case.edu/php/chet/bash/bashtop.html
bash-completion|1:2.10-1ubuntu1|all|shells|u|programmable completion for the bash shell|https://github.com/scop/bash-completion
bc|1.07.1-2build1|a|math|u|GNU bc arbitrary precision calculator language|https://www.gnu.org/software/bc/
bcache-tools|1.0.8-3ubuntu0.1|a|utils|u|bcache userspace tools|https://bcache.evilpiepirate.org/
bind9-dnsutils|1:9.16.1-0ubuntu2.4|a|net|u|Clients provided with BIND 9|https://www.isc.org/downloads/bind/
bind9-host|1:9.16.1-0ubuntu2.4|a|net|u|DNS Lookup Utility|https://www.isc.org/downloads/bind/
bind9-libs|1:9.16.1-0ubuntu2.4|a|libs|u|Shared Libraries used by BIND 9|https://www.isc.org/downloads/bind/
bolt|0.8-4ubuntu1|a|admin|u|system daemon to manage thunderbolt 3 devices|https://gitlab.freedesktop.org/bolt/bolt
bsdmainutils|11.1.2ubuntu3|a|utils|u|collection of more utilities from FreeBSD
bsdutils|1:2.34-0.1ubuntu9.1|a|utils|u|basic utilities from 4.4BSD-Lite|http://www.kernel.org/pub/linux/utils/util-linux/
btrfs-progs|5.4.1-2|a|admin|u|Checksumming Copy on Write Filesystem utilities|http://btrfs.wiki.kernel.org/
busybox-initramfs|1:1.30.1-4ubuntu6.3|a|shells|u|Standalone shell setup for initramfs|http://www.busybox.net
busybox-static|1:1.30.1-4ubuntu6.3|a|shells|u|Standalone rescue shell with tons of builtin utilities|http://www.busybox.net
byobu|5.133-0ubuntu1|all|misc|u|text window manager, shell multiplexer, integrated DevOps environment|http://byobu.org
bzip2|1.0.8-2|a|utils|u|high-quality block-sorting file compressor - utilities|https://sourceware.org/bzip2/
ca-certificates|20201027ubuntu0.20.04.1|all|misc|u|Common CA certificates
cloud-guest-utils|0.31-7-gd99b2d76-0ubuntu1|all|admin|u|cloud guest utilities|https://launchpad.net/cloud-utils
cloud-init|20.4-0ubuntu1~20.04.1|all|admin|u|initialization and customization tool for cloud instances|https://cloud-init.io/
cloud-initramfs-copymods|0.45ubuntu1|all|utils|u|copy initramfs modules into root filesystem for later use
cloud-initramfs-dyn-netconf|0.45ubuntu1|all|utils|u|write a network interface file in /run for BOOTIF
command-not-found|20.04.4|all|admin|u|Suggest installation of packages in interactive bash sessions|https://launchpad.net/command-not-found
console-setup|1.194ubuntu3|all|utils|u|console font and keymap setup program
console-setup-linux|1.194ubuntu3|all|utils|u|Linux specific part of console-setup
coreutils|8.30-3ubuntu2|a|utils|u|GNU core utilities|http://gnu.org/software/coreutils
cpio|2.13+dfsg-2|a|utils|u|GNU cpio -- a program to manage archives of files|https://www.gnu.org/software/cpio/
cron|3.0pl1-136ubuntu1|a|admin|u|process scheduling daemon
cryptsetup|2:2.2.2-3ubuntu2.3|a|admin|u|disk encryption support - startup scripts|https://gitlab.com/cryptsetup/cryptsetup
cryptsetup-bin|2:2.2.2-3ubuntu2.3|a|admin|u|disk encryption support - command line tools|https://gitlab.com/cryptsetup/cryptsetup
curl|7.68.0-1ubuntu2.4|a|web|u|command line tool for transferring data with URL syntax|http://curl.haxx.se
dash|0.5.10.2-6|a|shells|u|POSIX-compliant shell|http://gondor.apana.org.au/~herbert/dash/
dbus|1.12.16-2ubuntu2.1|a|admin|u|simple interprocess messaging system (daemon and utilities)|https://dbus.freedesktop.org/
dbus-user-session|1.12.16-2ubuntu2.1|a|admin|u|simple interprocess messaging system (systemd --user integration)|https://dbus.freedesktop.org/
debconf|1.5.73|all|admin|u|Debian configuration management system
debconf-i18n|1.5.73|all|localization|u|full internationalization support for debconf
debianutils|4.9.1|a|utils|u|Miscellaneous utilities specific to Debian
diffutils|1:3.7-3|a|utils|u|File comparison utilities|https://www.gnu.org/software/diffutils/
dirmngr|2.2.19-3ubuntu2.1|a|utils|u|GNU privacy guard - network certificate management service|https://www.gnupg.org/
distro-info|0.23ubuntu1|a|devel|u|provides information about the distributions' releases
distro-info-data|0.43ubuntu1.4|all|devel|u|information about the distributions' releases (data files)
dmeventd|2:1.02.167-1ubuntu1|a|admin|u|Linux Kernel Device Mapper event daemon|http://sources.redhat.com/lvm2/
dmidecode|3.2-3|a|utils|u|SMBIOS/DMI table decoder|https://nongnu.org/dmidecode/
dmsetup|2:1.02.167-1ubuntu1|a|admin|u|Linux Kernel Device Mapper userspace library|http://sources.redhat.com/lvm2/
dnsutils|1:9.16.1-0ubuntu2.4|all|net|u|Transitional package for bind9-dnsutils|https://www.isc.org/downloads/bind/
dosfstools|4.1-2|a|otherosfs|u|utilities for making and checking MS-DOS FAT filesystems|https://github.com/dosfstools/dosfstools
dpkg|1.19.7ubuntu3|a|admin|u|Debian package management system|https://wiki.debian.org/Teams/Dpkg
e2fsprogs|1.45.5-2ubuntu1|a|admin|u|ext2/ext3/ext4 file system utilities|http://e2fsprogs.sourceforge.net
ec2-hibinit-agent|1.0.0-0ubuntu9.1|all|admin|u|Amazon EC2 hibernation agent|https://github.com/aws/amazon-ec2-hibinit-agent
ec2-instance-connect|1.1.12+dfsg1-0ubuntu3.20.04.1|all|admin|u|Configures ssh daemon to accept EC2 Instance Connect ssh keys|https://github.com/aws/aws-ec2-instance-connect-config
eatmydata|105-7|all|utils|u|Library and utilities designed to disable fsync and friends|https://www.flamingspork.com/projects/libeatmydata/
ed|1.16-1|a|editors|u|classic UNIX line editor|https://www.gnu.org/software/ed/
eject|2.1.5+deb1+cvs20081104-14|a|utils|u|ejects CDs and operates CD-Changers under Linux|http://eject.sourceforge.net/
ethtool|1:5.4-1|a|net|u|display or change Ethernet device settings|https://www.kernel.org/pub/software/network/ethtool/
fdisk|2.34-0.1ubuntu9.1|a|utils|u|collection of partitioning utilities|http://www.kernel.org/pub/linux/utils/util-linux/
file|1:5.38-4|a|utils|u|Recognize the type of data in a file using "magic" numbers|https://www.darwinsys.com/file/
findutils|4.7.0-1ubuntu1|a|utils|u|utilities for finding files--find, xargs|https://savannah.gnu.org/projects/findutils/
fonts-ubuntu-console|0.83-4ubuntu1|all|fonts|u|console version of the Ubuntu Mono font|http://font.ubuntu.com/
friendly-recovery|0.2.41ubuntu0.20.04.1|all|admin|u|Make recovery boot mode more user-friendly
ftp|0.17-34.1|a|net|u|classical file transfer client
fuse|2.9.9-3|a|utils|u|Filesystem in Userspace|https://github.com/libfuse/libfuse/wiki
gawk|1:5.0.1+dfsg-1|a|interpreters|u|GNU awk, a pattern scanning and processing language|http://www.gnu.org/software/gawk/
gcc-10-base|10.2.0-5ubuntu1~20.04|a|libs|u|GCC, the GNU Compiler Collection (base package)|http://gcc.gnu.org/
gdisk|1.0.5-1|a|admin|u|GPT fdisk text-mode partitioning tool|http://www.rodsbooks.com/gdisk/
gettext-base|0.19.8.1-10build1|a|utils|u|GNU Internationalization utilities for the base system|https://www.gnu.org/software/gettext/
git|1:2.25.1-1ubuntu3|a|vcs|u|fast, scalable, distributed revision control system|https://git-scm.com/
git-man|1:2.25.1-1ubuntu3|all|doc|u|fast, scalable, distributed revision control system (manual pages)|https://git-scm.com/
gnupg|2.2.19-3ubuntu2.1|all|utils|u|GNU privacy guard - a free PGP replacement|https://www.gnupg.org/
gpg|2.2.19-3ubuntu2.1|a|utils|u|GNU Privacy Guard -- minimalist public key operations|https://www.gnupg.org/
gpg-agent|2.2.19-3ubuntu2.1|a|utils|u|GNU privacy guard - cryptographic agent|https://www.gnupg.org/
gpgv|2.2.19-3ubuntu2.1|a|utils|u|GNU privacy guard - signature verification tool|https://www.gnupg.org/
grep|3.4-1|a|utils|u|GNU grep, egrep and fgrep|https://www.gnu.org/software/grep/
groff-base|1.22.4-4build1|a|text|u|GNU troff text-formatting system (base system components)|https://www.gnu.org/software/groff/
grub-common|2.04-1ubuntu26.8|a|admin|u|GRand Unified Bootloader (common files)|https://www.gnu.org/software/grub/
grub-gfxpayload-lists|0.7|a|admin|u|GRUB gfxpayload blacklist
grub-pc|2.04-1ubuntu26.8|a|admin|u|GRand Unified Bootloader, version 2 (PC/BIOS version)|https://www.gnu.org/software/grub/
grub-pc-bin|2.04-1ubuntu26.8|a|admin|u|GRand Unified Bootloader, version 2 (PC/BIOS modules)|https://www.gnu.org/software/grub/
grub2-common|2.04-1ubuntu26.8|a|admin|u|GRand Unified Bootloader (common files for version 2)|https://www.gnu.org/software/grub/
gzip|1.10-0ubuntu4|a|utils|u|GNU compression utilities|https://www.gnu.org/software/gzip/
hostname|3.23|a|admin|u|utility to set/show the host name or domain name
htop|2.2.0-2build1|a|utils|u|interactive processes viewer|https://hisham.hm/htop/
info|6.7.0.dfsg.2-5|a|doc|u|Standalone GNU Info documentation browser|http://www.gnu.org/software/texinfo/
init|1.57|a|metapackages|u|metapackage ensuring an init system is installed
init-system-helpers|1.57|all|admin|u|helper tools for all init systems
initramfs-tools|0.136ubuntu6.3|all|utils|u|generic modular initramfs generator (automation)
initramfs-tools-core|0.136ubuntu6.3|all|utils|u|generic modular initramfs generator (core tools)
install-info|6.7.0.dfsg.2-5|a|doc|u|Manage installed documentation in info format|http://www.gnu.org/software/texinfo/
intel-microcode|3.20201110.0ubuntu0.20.04.2|a|admin|u|Processor microcode firmware for Intel CPUs|https://github.com/intel/Intel-Linux-Processor-Microcode-Data-Files
iproute2|5.5.0-1ubuntu1|a|net|u|networking and traffic control tools|https://wiki.linuxfoundation.org/networking/iproute2
iptables|1.8.4-3ubuntu2|a|net|u|administration tools for packet filtering and NAT|https://www.netfilter.org/
iputils-ping|3:20190709-3|a|net|u|Tools to test the reachability of network hosts|https://github.com/iputils/iputils/
iputils-tracepath|3:20190709-3|a|net|u|Tools to trace the network path to a remote host|https://github.com/iputils/iputils/
irqbalance|1.6.0-3ubuntu1|a|admin|u|Daemon to balance interrupts for SMP systems|https://github.com/Irqbalance/irqbalance
isc-dhcp-client|4.4.1-2.1ubuntu5.20.04.1|a|net|u|DHCP client for automatically obtaining an IP address|http://www.isc.org
isc-dhcp-common|4.4.1-2.1ubuntu5.20.04.1|a|net|u|common manpages relevant to all of the isc-dhcp packages|http://www.isc.org
kbd|2.0.4-4ubuntu2|a|utils|u|Linux console font and keytable utilities|http://www.kbd-project.org/
keyboard-configuration|1.194ubuntu3|all|utils|u|system-wide keyboard preferences
kmod|27-1ubuntu2|a|admin|u|tools for managing Linux kernel modules|https://git.kernel.org/pub/scm/utils/kernel/kmod/kmod.git
landscape-common|19.12-0ubuntu4.1|a|admin|u|Landscape administration system client - Common files|https://landscape.canonical.com/
language-selector-common|0.204.2|all|admin|u|Language selector for Ubuntu
less|551-1ubuntu0.1|a|text|u|pager program similar to more|http://www.greenwoodsoftware.com/less/
libacl1|2.2.53-6|a|libs|u|access control list - shared library|https://savannah.nongnu.org/projects/acl/
libapparmor1|2.13.3-7ubuntu5.1|a|libs|u|changehat AppArmor library|https://apparmor.net/
libapt-pkg6.0|2.0.2ubuntu0.2|a|libs|u|package management runtime library
libattr1|1:2.4.48-5|a|libs|u|extended attribute handling - shared library|https://savannah.nongnu.org/projects/attr/
libaudit-common|1:2.8.5-2ubuntu6|all|libs|u|Dynamic library for security auditing - common files|https://people.redhat.com/sgrubb/audit/
libaudit1|1:2.8.5-2ubuntu6|a|libs|u|Dynamic library for security auditing|https://people.redhat.com/sgrubb/audit/
libblkid1|2.34-0.1ubuntu9.1|a|libs|u|block device ID library|http://www.kernel.org/pub/linux/utils/util-linux/
libbz2-1.0|1.0.8-2|a|libs|u|high-quality block-sorting file compressor library - runtime|https://sourceware.org/bzip2/
libc-bin|2.31-0ubuntu9.1|a|libs|u|GNU C Library: Binaries|https://www.gnu.org/software/libc/libc.html
libc6|2.31-0ubuntu9.1|a|libs|u|GNU C Library: Shared libraries|https://www.gnu.org/software/libc/libc.html
libcap-ng0|0.7.9-2.1build1|a|libs|u|An alternate POSIX capabilities library|http://people.redhat.com/sgrubb/libcap-ng/
libcap2|1:2.32-1|a|libs|u|POSIX 1003.1e capabilities (library)|https://sites.google.com/site/fullycapable/
libcap2-bin|1:2.32-1|a|utils|u|POSIX 1003.1e capabilities (utilities)|https://sites.google.com/site/fullycapable/
libcom-err2|1.45.5-2ubuntu1|a|libs|u|common error description library|http://e2fsprogs.sourceforge.net
libcurl3-gnutls|7.68.0-1ubuntu2.4|a|libs|u|easy-to-use client-side URL transfer library (GnuTLS flavour)|http://curl.haxx.se
libcurl4|7.68.0-1ubuntu2.4|a|libs|u|easy-to-use client-side URL transfer library (OpenSSL flavour)|http://curl.haxx.se
libdb5.3|5.3.28+dfsg1-0.6ubuntu2|a|libs|u|Berkeley v5.3 Database Libraries [runtime]|http://www.oracle.com/technetwork/database/database-technologies/berkeleydb/overview/index.html
libdbus-1-3|1.12.16-2ubuntu2.1|a|libs|u|simple interprocess messaging system (library)|https://dbus.freedesktop.org/
libdevmapper1.02.1|2:1.02.167-1ubuntu1|a|libs|u|Linux Kernel Device Mapper userspace library|http://sources.redhat.com/lvm2/
libedit2|3.1-20191231-1|a|libs|u|BSD editline and history libraries|https://www.thrysoee.dk/editline/
liberror-perl|0.17029-1|all|perl|u|Perl module for error/exception handling in an OO-ish way|https://metacpan.org/release/Error
libexpat1|2.2.9-1build1|a|libs|u|XML parsing C library - runtime library|https://libexpat.github.io/
libext2fs2|1.45.5-2ubuntu1|a|libs|u|ext2/ext3/ext4 file system libraries|http://e2fsprogs.sourceforge.net
libfdisk1|2.34-0.1ubuntu9.1|a|libs|u|fdisk partitioning library|http://www.kernel.org/pub/linux/utils/util-linux/
libffi7|3.3-4|a|libs|u|Foreign Function Interface library runtime|https://sourceware.org/libffi/
libfuse2|2.9.9-3|a|libs|u|Filesystem in Userspace (library)|https://github.com/libfuse/libfuse/wiki
libgcc-s1|10.2.0-5ubuntu1~20.04|a|libs|u|GCC support library|http://gcc.gnu.org/
libgcrypt20|1.8.5-5ubuntu1|a|libs|u|LGPL Crypto library - runtime library|https://directory.fsf.org/project/libgcrypt/
libglib2.0-0|2.64.3-1~ubuntu20.04.1|a|libs|u|GLib library of C routines|https://wiki.gnome.org/Projects/GLib
libgmp10|2:6.2.0+dfsg-4|a|libs|u|Multiprecision arithmetic library|https://gmplib.org/
libgnutls30|3.6.13-2ubuntu1.3|a|libs|u|GNU TLS library - main runtime library|https://www.gnutls.org/
libgssapi-krb5-2|1.17-6ubuntu4.1|a|libs|u|MIT Kerberos runtime libraries - krb5 GSS-API Mechanism|http://web.mit.edu/kerberos/
libidn2-0|2.2.0-2|a|libs|u|Internationalized domain names (IDNA2008/TR46) library|https://www.gnu.org/software/libidn/#libidn2
libip4tc2|1.8.4-3ubuntu2|a|libs|u|netfilter libip4tc library|https://www.netfilter.org/
libjson-c4|0.13.1+dfsg-7ubuntu0.3|a|libs|u|JSON manipulation library - shared library|https://github.com/json-c/json-c/wiki
libk5crypto3|1.17-6ubuntu4.1|a|libs|u|MIT Kerberos runtime libraries - Crypto Library|http://web.mit.edu/kerberos/
libkmod2|27-1ubuntu2|a|libs|u|libkmod shared library|https://git.kernel.org/pub/scm/utils/kernel/kmod/kmod.git
libkrb5-3|1.17-6ubuntu4.1|a|libs|u|MIT Kerberos runtime libraries|http://web.mit.edu/kerberos/
libkrb5support0|1.17-6ubuntu4.1|a|libs|u|MIT Kerberos runtime libraries - Support library|http://web.mit.edu/kerberos/
libldap-2.4-2|2.4.49+dfsg-2ubuntu1.5|a|libs|u|OpenLDAP libraries|http://www.openldap.org/
libldap-common|2.4.49+dfsg-2ubuntu1.5|all|libs|u|OpenLDAP common files for libraries|http://www.openldap.org/
liblz4-1|1.9.2-2|a|libs|u|Fast LZ compression algorithm library - runtime|https://github.com/lz4/lz4
liblzma5|5.2.4-1ubuntu1|a|libs|u|XZ-format compression library|https://tukaani.org/xz/
libmagic1|1:5.38-4|a|libs|u|Recognize the type of data in a file using "magic" numbers - library|https://www.darwinsys.com/file/
libmount1|2.34-0.1ubuntu9.1|a|libs|u|device mounting library|http://www.kernel.org/pub/linux/utils/util-linux/
libncurses6|6.2-0ubuntu2|a|libs|u|shared libraries for terminal handling|https://invisible-island.net/ncurses/
libncursesw6|6.2-0ubuntu2|a|libs|u|shared libraries for terminal handling (wide character support)|https://invisible-island.net/ncurses/
libnettle7|3.5.1+really3.5.1-2ubuntu0.1|a|libs|u|low level cryptographic library (symmetric and one-way cryptos)|http://www.lysator.liu.se/~nisse/nettle/
libnghttp2-14|1.40.0-1build1|a|libs|u|library implementing HTTP/2 protocol (shared library)|https://nghttp2.org/
libnss-systemd|245.4-4ubuntu3.4|a|admin|u|nss module providing dynamic user and group name resolution|https://www.freedesktop.org/wiki/Software/systemd
libp11-kit0|0.23.20-1ubuntu0.1|a|libs|u|library for loading and coordinating access to PKCS#11 modules - runtime|https://p11-glue.github.io/p11-glue/p11-kit.html
libpam-cap|1:2.32-1|a|admin|u|POSIX 1003.1e capabilities (PAM module)|https://sites.google.com/site/fullycapable/
libpam-modules|1.3.1-5ubuntu4.1|a|admin|u|Pluggable Authentication Modules for PAM|http://www.linux-pam.org/
libpam-modules-bin|1.3.1-5ubuntu4.1|a|admin|u|Pluggable Authentication Modules for PAM - helper binaries|http://www.linux-pam.org/
libpam-runtime|1.3.1-5ubuntu4.1|all|admin|u|Runtime support for the PAM library|http://www.linux-pam.org/
libpam-systemd|245.4-4ubuntu3.4|a|admin|u|system and service manager - PAM module|https://www.freedesktop.org/wiki/Software/systemd
libpam0g|1.3.1-5ubuntu4.1|a|libs|u|Pluggable Authentication Modules library|http://www.linux-pam.org/
libpcre2-8-0|10.34-7|a|libs|u|New Perl Compatible Regular Expression Library- 8 bit runtime files|https://pcre.org/
libpcre3|2:8.39-12build1|a|libs|u|Old Perl 5 Compatible Regular Expression Library - runtime files|http://pcre.org/
libpolkit-agent-1-0|0.105-26ubuntu1|a|libs|u|PolicyKit Authentication Agent API|https://www.freedesktop.org/wiki/Software/polkit/
libpolkit-gobject-1-0|0.105-26ubuntu1|a|libs|u|PolicyKit Authorization API|https://www.freedesktop.org/wiki/Software/polkit/
libpsl5|0.21.0-1ubuntu1|a|libs|u|Library for Public Suffix List (shared libraries)|https://github.com/rockdaboot/libpsl
libpython3.8|3.8.5-1~20.04|a|libs|u|Shared Python runtime library (version 3.8)
libpython3.8-minimal|3.8.5-1~20.04|a|python|u|Minimal subset of the Python language (version 3.8)
libpython3.8-stdlib|3.8.5-1~20.04|a|python|u|Interactive high-level object-oriented language (standard library, version 3.8)
libreadline8|8.0-4|a|libs|u|GNU readline and history libraries, run-time libraries|https://tiswww.case.edu/php/chet/readline/rltop.html
librtmp1|2.4+20151223.gitfa8646d.1-2build1|a|libs|u|toolkit for RTMP streams (shared library)|http://rtmpdump.mplayerhq.hu/
libseccomp2|2.4.3-1ubuntu3.20.04.3|a|libs|u|high level interface to Linux seccomp filter|https://github.com/seccomp/libseccomp
libselinux1|3.0-1build2|a|libs|u|SELinux runtime shared libraries|http://userspace.selinuxproject.org/
libsemanage1|3.0-1build2|a|libs|u|SELinux policy management library|http://userspace.selinuxproject.org/
libsepol1|3.0-1|a|libs|u|SELinux library for manipulating binary security policies|http://userspace.selinuxproject.org/
libsmartcols1|2.34-0.1ubuntu9.1|a|libs|u|smart column output alignment library|http://www.kernel.org/pub/linux/utils/util-linux/
libsqlite3-0|3.31.1-4ubuntu0.2|a|libs|u|SQLite 3 shared library|https://www.sqlite.org/
libss2|1.45.5-2ubuntu1|a|libs|u|command-line interface parsing library|http://e2fsprogs.sourceforge.net
libssh-4|0.9.3-2ubuntu2.1|a|libs|u|tiny C SSH library (OpenSSL flavor)|https://www.libssh.org/
libssl1.1|1.1.1f-1ubuntu2.1|a|libs|u|Secure Sockets Layer toolkit - shared libraries|https://www.openssl.org/
libstdc++6|10.2.0-5ubuntu1~20.04|a|libs|u|GNU Standard C++ Library v3|http://gcc.gnu.org/
libsystemd0|245.4-4ubuntu3.4|a|libs|u|systemd utility library|https://www.freedesktop.org/wiki/Software/systemd
libtasn1-6|4.16.0-2|a|libs|u|Manage ASN.1 structures (runtime)|https://www.gnu.org/software/libtasn1/
libtinfo6|6.2-0ubuntu2|a|libs|u|shared low-level terminfo library for terminal handling|https://invisible-island.net/ncurses/
libudev1|245.4-4ubuntu3.4|a|libs|u|libudev shared library|https://www.freedesktop.org/wiki/Software/systemd
libunistring2|0.9.10-2|a|libs|u|Unicode string library for C|https://www.gnu.org/software/libunistring/
libuuid1|2.34-0.1ubuntu9.1|a|libs|u|Universally Unique ID library|http://www.kernel.org/pub/linux/utils/util-linux/
libxml2|2.9.10+dfsg-5|a|libs|u|GNOME XML library|http://xmlsoft.org
libxmlb1|0.1.15-2ubuntu1~20.04.1|a|libs|u|Binary XML library|https://github.com/hughsie/libxmlb
libyaml-0-2|0.2.2-1|a|libs|u|Fast YAML 1.1 parser and emitter library|https://github.com/yaml/libyaml
libzstd1|1.4.4+dfsg-3|a|libs|u|fast lossless compression algorithm|https://github.com/facebook/zstd
linux-aws|5.4.0.1037.38|a|kernel|k|Complete Linux kernel for Amazon Web Services (AWS) systems.
linux-headers-aws|5.4.0.1037.38|a|kernel|k|Linux kernel headers for Amazon Web Services (AWS) systems.
linux-image-aws|5.4.0.1037.38|a|kernel|k|Linux kernel image for Amazon Web Services (AWS) systems.
locales|2.31-0ubuntu9.1|all|localization|u|GNU C Library: National Language (locale) data [support]|https://www.gnu.org/software/libc/libc.html
login|1:4.8.1-1ubuntu5.20.04|a|admin|u|system login tools|https://github.com/shadow-maint/shadow
logrotate|3.14.0-4ubuntu3|a|admin|u|Log rotation utility|https://github.com/logrotate/logrotate
lsb-base|11.1.0ubuntu2|all|misc|u|Linux Standard Base init script functionality|http://www.linuxfoundation.org/collaborate/workgroups/lsb
lsb-release|11.1.0ubuntu2|all|misc|u|Linux Standard Base version reporting utility|http://www.linuxfoundation.org/collaborate/workgroups/lsb
lshw|02.18.85-0.3ubuntu2|a|utils|u|information about hardware configuration|http://lshw.ezix.org/
lsof|4.93.2+dfsg-1ubuntu0.20.04.1|a|utils|u|utility to list open files|https://github.com/lsof-org/lsof
lvm2|2.03.07-1ubuntu1|a|admin|u|Linux Logical Volume Manager|https://sourceware.org/lvm2/
man-db|2.9.1-1|a|doc|u|tools for reading manual pages|https://www.nongnu.org/man-db/
manpages|5.05-1|all|doc|u|Manual pages about using a GNU/Linux system|https://www.kernel.org/doc/man-pages/
mawk|1.3.4.20200120-2|a|interpreters|u|Pattern scanning and text processing language|https://invisible-island.net/mawk/
mdadm|4.1-5ubuntu1.2|a|admin|u|tool for managing Linux MD devices (software RAID)|http://neil.brown.name/blog/mdadm
motd-news-config|11ubuntu5.2|all|admin|u|Configuration for motd-news shipped in base-files
mount|2.34-0.1ubuntu9.1|a|admin|u|tools for mounting and manipulating filesystems|http://www.kernel.org/pub/linux/utils/util-linux/
mtr-tiny|0.93-1|a|net|u|Full screen ncurses traceroute tool|https://www.bitwizard.nl/mtr/
multipath-tools|0.8.3-1ubuntu2|a|admin|u|maintain multipath block device access|http://christophe.varoqui.free.fr/
nano|4.8-1ubuntu1|a|editors|u|small, friendly text editor inspired by Pico|https://www.nano-editor.org/
ncurses-base|6.2-0ubuntu2|all|misc|u|basic terminal type definitions|https://invisible-island.net/ncurses/
ncurses-bin|6.2-0ubuntu2|a|utils|u|terminal-related programs and man pages|https://invisible-island.net/ncurses/
ncurses-term|6.2-0ubuntu2|all|admin|u|additional terminal type definitions|https://invisible-island.net/ncurses/
netbase|6.1|all|admin|u|Basic TCP/IP networking system
netcat-openbsd|1.206-1ubuntu1|a|net|u|TCP/IP swiss army knife
netplan.io|0.100-0ubuntu4~20.04.3|a|net|u|YAML network configuration abstraction for various backends|https://netplan.io/
networkd-dispatcher|2.1-2~ubuntu20.04|all|utils|u|Dispatcher service for systemd-networkd connection status changes|https://gitlab.com/craftyguy/networkd-dispatcher
ntfs-3g|1:2017.3.23AR.3-3ubuntu1|a|otherosfs|u|read/write NTFS driver for FUSE|https://www.tuxera.com/community/open-source-ntfs-3g/
open-iscsi|2.0.874-7.1ubuntu6.1|a|net|u|iSCSI initiator tools|http://www.open-iscsi.com/
openssh-client|1:8.2p1-4ubuntu0.1|a|net|u|secure shell (SSH) client, for secure access to remote machines|http://www.openssh.com/
openssh-server|1:8.2p1-4ubuntu0.1|a|net|u|secure shell (SSH) server, for secure access from remote machines|http://www.openssh.com/
openssh-sftp-server|1:8.2p1-4ubuntu0.1|a|net|u|secure shell (SSH) sftp server module, for SFTP access from remote machines|http://www.openssh.com/
openssl|1.1.1f-1ubuntu2.1|a|utils|u|Secure Sockets Layer toolkit - cryptographic utility|https://www.openssl.org/
overlayroot|0.45ubuntu1|all|admin|u|use an overlayfs on top of a read-only root filesystem
parted|3.3-4ubuntu0.20.04.1|a|admin|u|disk partition manipulator|http://www.gnu.org/software/parted
passwd|1:4.8.1-1ubuntu5.20.04|a|admin|u|change and administer password and group data|https://github.com/shadow-maint/shadow
pastebinit|1.5.1-1|all|misc|u|command-line pastebin client|https://launchpad.net/pastebinit
patch|2.7.6-6|a|vcs|u|Apply a diff file to an original|https://savannah.gnu.org/projects/patch/
pci.ids|0.0~2020.03.20-1|all|admin|u|PCI ID Repository|https://pci-ids.ucw.cz/
pciutils|1:3.6.4-1|a|admin|u|PCI utilities|https://mj.ucw.cz/sw/pciutils/
perl-base|5.30.0-9ubuntu0.2|a|perl|u|minimal Perl system|http://dev.perl.org/perl5/
plymouth|0.9.4git20200323-0ubuntu6.2|a|x11|u|boot animation, logger and I/O multiplexer|http://www.freedesktop.org/wiki/Software/Plymouth
policykit-1|0.105-26ubuntu1|a|admin|u|framework for managing administrative policies and privileges|https://www.freedesktop.org/wiki/Software/polkit/
pollinate|4.33-3ubuntu1.20.04.1|all|utils|u|seed the pseudo random number generator|http://launchpad.net/pollinate
popularity-contest|1.69ubuntu1|all|misc|u|Vote for your favourite packages automatically
powermgmt-base|1.36|all|utils|u|common utils for power management
procps|2:3.3.16-1ubuntu2|a|admin|u|/proc file system utilities|https://gitlab.com/procps-ng/procps
psmisc|23.3-1|a|admin|u|utilities that use the proc file system|http://psmisc.sf.net/
publicsuffix|20200303.0012-1|all|net|u|accurate, machine-readable list of domain name suffixes|https://publicsuffix.org/
python-apt-common|2.0.0ubuntu0.20.04.2|all|python|u|Python interface to libapt-pkg (locales)
python3|3.8.2-0ubuntu2|a|python|u|interactive high-level object-oriented language (default python3 version)|https://www.python.org/
python3-apport|2.20.11-0ubuntu27.14|all|python|u|Python 3 library for Apport crash report handling|https://wiki.ubuntu.com/Apport
python3-apt|2.0.0ubuntu0.20.04.2|a|python|u|Python 3 interface to libapt-pkg
python3-attr|19.3.0-2|all|python|u|Attributes without boilerplate (Python 3)|https://attrs.readthedocs.io/
python3-automat|0.8.0-1ubuntu1|all|python|u|Self-service finite-state machines for the programmer on the go|https://github.com/glyph/automat
python3-blinker|1.4+dfsg1-0.3ubuntu1|all|python|u|fast, simple object-to-object and broadcast signaling library|http://pythonhosted.org/blinker/
python3-certifi|2019.11.28-1|all|python|u|root certificates for validating SSL certs and verifying TLS hosts (python3)|https://pypi.python.org/pypi/certifi
python3-cffi-backend|1.14.0-1build1|a|python|u|Foreign Function Interface for Python 3 calling C code - runtime|https://cffi.readthedocs.org/
python3-chardet|3.0.4-4build1|all|python|u|universal character encoding detector for Python3|https://github.com/chardet/chardet
python3-click|7.0-3|all|python|u|Wrapper around optparse for command line utilities - Python 3.x|https://github.com/mitsuhiko/click
python3-colorama|0.4.3-1build1|all|python|u|Cross-platform colored terminal text in Python - Python 3.x|https://github.com/tartley/colorama
python3-commandnotfound|20.04.4|all|python|u|Python 3 bindings for command-not-found.|https://launchpad.net/command-not-found
python3-configobj|5.0.6-4|all|python|u|simple but powerful config file reader and writer for Python 3|http://www.voidspace.org.uk/python/configobj.html
python3-constantly|15.1.0-1build1|all|python|u|Symbolic constants in Python|https://github.com/twisted/constantly
python3-cryptography|2.8-3ubuntu0.1|a|python|u|Python library exposing cryptographic recipes and primitives (Python 3)|https://cryptography.io/
python3-dbus|1.2.16-1build1|a|python|u|simple interprocess messaging system (Python 3 interface)|https://dbus.freedesktop.org/doc/dbus-python/
python3-debconf|1.5.73|all|python|u|interact with debconf from Python 3
python3-debian|0.1.36ubuntu1|all|python|u|Python 3 modules to work with Debian-related data formats|https://salsa.debian.org/python-debian-team/python-debian
python3-distro|1.4.0-1|all|python|u|Linux OS platform information API|https://github.com/nir0s/distro
python3-distro-info|0.23ubuntu1|all|python|u|information about distributions' releases (Python 3 module)
python3-distupgrade|1:20.04.30|all|python|u|manage release upgrades
python3-entrypoints|0.3-2ubuntu1|all|python|u|Discover and load entry points from installed packages (Python 3)|https://github.com/takluyver/entrypoints
python3-gdbm|3.8.5-1~20.04.1|a|python|u|GNU dbm database support for Python 3.x|https://www.python.org/
python3-gi|3.36.0-1|a|python|u|Python 3 bindings for gobject-introspection libraries|https://wiki.gnome.org/Projects/PyGObject
python3-hamcrest|1.9.0-3|all|python|u|Hamcrest framework for matcher objects (Python 3)|https://github.com/hamcrest/PyHamcrest
python3-httplib2|0.14.0-1ubuntu1|all|python|u|comprehensive HTTP client library written for Python3|https://github.com/httplib2/httplib2
python3-hyperlink|19.0.0-1|all|python|u|Immutable, Pythonic, Correct URLs.|https://github.com/python-hyper/hyperlink
python3-idna|2.8-1|all|python|u|Python IDNA2008 (RFC 5891) handling (Python 3)|https://github.com/kjd/idna
python3-importlib-metadata|1.5.0-1|all|python|u|library to access the metadata for a Python package - Python 3.x|https://importlib-metadata.readthedocs.io/
python3-incremental|16.10.1-3.2|all|python|u|Library for versioning Python projects.|https://github.com/twisted/incremental
python3-jinja2|2.10.1-2|all|python|u|small but fast and easy to use stand-alone template engine|http://jinja.pocoo.org/
python3-json-pointer|2.0-0ubuntu1|all|python|u|resolve JSON pointers - Python 3.x|https://github.com/stefankoegl/python-json-pointer
python3-jsonpatch|1.23-3|all|python|u|library to apply JSON patches - Python 3.x|https://github.com/stefankoegl/python-json-patch
python3-jsonschema|3.2.0-0ubuntu2|all|python|u|An(other) implementation of JSON Schema (Draft 3, 4, 6, 7)|https://github.com/Julian/jsonschema
python3-jwt|1.7.1-2ubuntu2|all|python|u|Python 3 implementation of JSON Web Token|https://github.com/jpadilla/pyjwt
python3-keyring|18.0.1-2ubuntu1|all|python|u|store and access your passwords safely|https://github.com/jaraco/keyring
python3-launchpadlib|1.10.13-1|all|python|u|Launchpad web services client library (Python 3)|https://launchpad.net/launchpadlib
python3-lazr.restfulclient|0.14.2-2build1|all|python|u|client for lazr.restful-based web services (Python 3)|https://launchpad.net/lazr.restfulclient
python3-lazr.uri|1.0.3-4build1|all|python|u|library for parsing, manipulating, and generating URIs|https://launchpad.net/lazr.uri
python3-markupsafe|1.1.0-1build2|a|python|u|HTML/XHTML/XML string library|https://palletsprojects.com/p/markupsafe/
python3-minimal|3.8.2-0ubuntu2|a|python|u|minimal subset of the Python language (default python3 version)|https://www.python.org/
python3-more-itertools|4.2.0-1build1|all|python|u|library with routines for operating on iterables, beyond itertools (Python 3)|https://github.com/erikrose/more-itertools
python3-nacl|1.3.0-5|a|python|u|Python bindings to libsodium (Python 3)|https://github.com/pyca/pynacl/
python3-netifaces|0.10.4-1ubuntu4|a|python|u|portable network interface information - Python 3.x|http://alastairs-place.net/netifaces/
python3-newt|0.52.21-4ubuntu2|a|python|u|NEWT module for Python3|https://pagure.io/newt
python3-oauthlib|3.1.0-1ubuntu2|all|python|u|generic, spec-compliant implementation of OAuth for Python3|https://github.com/idan/oauthlib
python3-openssl|19.0.0-1build1|all|python|u|Python 3 wrapper around the OpenSSL library|https://github.com/pyca/pyopenssl
python3-pexpect|4.6.0-1build1|all|python|u|Python 3 module for automating interactive applications|https://github.com/pexpect/pexpect
python3-pkg-resources|45.2.0-1|all|python|u|Package Discovery and Resource Access using pkg_resources|https://pypi.python.org/pypi/setuptools
python3-problem-report|2.20.11-0ubuntu27.14|all|python|u|Python 3 library to handle problem reports|https://wiki.ubuntu.com/Apport
python3-ptyprocess|0.6.0-1ubuntu1|all|python|u|Run a subprocess in a pseudo terminal from Python 3|https://github.com/pexpect/ptyprocess
python3-pyasn1|0.4.2-3build1|all|python|u|ASN.1 library for Python (Python 3 module)|https://github.com/etingof/pyasn1
python3-pyasn1-modules|0.2.1-0.2build1|all|python|u|Collection of protocols modules written in ASN.1 language (Python 3)|https://github.com/etingof/pyasn1-modules
python3-pymacaroons|0.13.0-3|all|python|u|Macaroon library for Python 3|https://github.com/ecordell/pymacaroons
python3-pyrsistent|0.15.5-1build1|a|python|u|persistent/functional/immutable data structures for Python|https://github.com/tobgu/pyrsistent/
python3-requests|2.22.0-2ubuntu1|all|python|u|elegant and simple HTTP library for Python3, built for human beings|http://python-requests.org
python3-requests-unixsocket|0.2.0-2|all|python|u|Use requests to talk HTTP via a UNIX domain socket - Python 3.x|https://github.com/msabramo/requests-unixsocket
python3-secretstorage|2.3.1-2ubuntu1|all|python|u|Python module for storing secrets - Python 3.x version|https://github.com/mitya57/secretstorage
python3-serial|3.4-5.1|all|python|u|pyserial - module encapsulating access for the serial port|https://github.com/pyserial/pyserial
python3-service-identity|18.1.0-5build1|all|python|u|Service identity verification for pyOpenSSL (Python 3 module)|https://github.com/pyca/service_identity
python3-setuptools|45.2.0-1|all|python|u|Python3 Distutils Enhancements|https://pypi.python.org/pypi/setuptools
python3-simplejson|3.16.0-2ubuntu2|a|python|u|simple, fast, extensible JSON encoder/decoder for Python 3.x|https://github.com/simplejson/simplejson
python3-six|1.14.0-2|all|python|u|Python 2 and 3 compatibility library (Python 3 interface)|https://github.com/benjaminp/six
python3-software-properties|0.98.9.3|all|python|u|manage the repositories that you install software from
python3-twisted|18.9.0-11ubuntu0.20.04.1|all|python|u|Event-based framework for internet applications|https://twistedmatrix.com/
python3-twisted-bin|18.9.0-11ubuntu0.20.04.1|a|python|u|Event-based framework for internet applications|https://twistedmatrix.com/
python3-update-manager|1:20.04.10.6|all|python|u|python 3.x module for update-manager|https://launchpad.net/update-manager
python3-urllib3|1.25.8-2ubuntu0.1|all|python|u|HTTP library with thread-safe connection pooling for Python3|https://urllib3.readthedocs.org
python3-wadllib|1.3.3-3build1|all|python|u|Python 3 library for navigating WADL files|https://launchpad.net/wadllib
python3-yaml|5.3.1-1|a|python|u|YAML parser and emitter for Python3|https://github.com/yaml/pyyaml
python3-zipp|1.0.0-1|all|python|u|pathlib-compatible Zipfile object wrapper - Python 3.x|https://github.com/jaraco/zipp
python3-zope.interface|4.7.1-1|a|python|u|Interfaces for Python3|https://github.com/zopefoundation/zope.interface
python3.8|3.8.5-1~20.04|a|python|u|Interactive high-level object-oriented language (version 3.8)
python3.8-minimal|3.8.5-1~20.04|a|python|u|Minimal subset of the Python language (version 3.8)
readline-common|8.0-4|all|utils|u|GNU readline and history libraries, common files|https://tiswww.case.edu/php/chet/readline/rltop.html
rsync|3.1.3-8|a|net|u|fast, versatile, remote (and local) file-copying tool|https://rsync.samba.org/
rsyslog|8.2001.0-1ubuntu1.1|a|admin|u|reliable system and kernel logging daemon|https://www.rsyslog.com/
run-one|1.17-0ubuntu1|all|misc|u|run just one instance of a command and its args at a time|http://launchpad.net/run-one
screen|4.8.0-1|a|misc|u|terminal multiplexer with VT100/ANSI terminal emulation|https://savannah.gnu.org/projects/screen
sed|4.7-1|a|utils|u|GNU stream editor for filtering/transforming text|https://www.gnu.org/software/sed/
sensible-utils|0.0.12+nmu1|all|utils|u|Utilities for sensible alternative selection
shared-mime-info|1.15-1|a|misc|u|FreeDesktop.org shared MIME database and spec|http://freedesktop.org/wiki/Software/shared-mime-info
snapd|2.48.3+20.04|a|devel|u|Daemon and tooling that enable snap packages|https://github.com/snapcore/snapd
software-properties-common|0.98.9.3|all|admin|u|manage the repositories that you install software from (common)
sosreport|4.0-1~ubuntu0.20.04.3|a|admin|u|Set of tools to gather troubleshooting data from a system|https://github.com/sosreport/sos
squashfs-tools|1:4.4-1|a|admin|u|Tool to create and append to squashfs filesystems|https://github.com/plougher/squashfs-tools
strace|5.5-3ubuntu1|a|utils|u|System call tracer|https://strace.io
sudo|1.8.31-1ubuntu1.1|a|admin|u|Provide limited super user privileges to specific users|http://www.sudo.ws/
systemd|245.4-4ubuntu3.4|a|admin|u|system and service manager|https://www.freedesktop.org/wiki/Software/systemd
systemd-sysv|245.4-4ubuntu3.4|a|admin|u|system and service manager - SysV links|https://www.freedesktop.org/wiki/Software/systemd
systemd-timesyncd|245.4-4ubuntu3.4|a|admin|u|minimalistic service to synchronize local time with NTP servers|https://www.freedesktop.org/wiki/Software/systemd
tar|1.30+dfsg-7|a|utils|u|GNU version of the tar archiving utility|https://www.gnu.org/software/tar/
tcpdump|4.9.3-4|a|net|u|command-line network traffic analyzer|https://www.tcpdump.org/
telnet|0.17-41.2build1|a|net|u|basic telnet client
time|1.7-25.1build1|a|utils|u|GNU time program for measuring CPU resource usage|https://www.gnu.org/software/time/
tmux|3.0a-2ubuntu0.2|a|admin|u|terminal multiplexer|https://tmux.github.io/
tzdata|2020f-0ubuntu0.20.04.1|all|localization|u|time zone and daylight-saving time data|https://www.iana.org/time-zones
ubuntu-advantage-tools|20.3|a|misc|u|management tools for Ubuntu Advantage
ubuntu-minimal|1.450.1|a|metapackages|u|Minimal core of Ubuntu
ubuntu-release-upgrader-core|1:20.04.30|all|admin|u|manage release upgrades
ubuntu-server|1.450.1|a|metapackages|u|The Ubuntu Server system
ubuntu-standard|1.450.1|a|metapackages|u|The Ubuntu standard system
ucf|3.0038+nmu1|all|utils|u|Update Configuration File(s): preserve user changes to config files
udev|245.4-4ubuntu3.4|a|admin|u|/dev/ and hotplug management daemon|https://www.freedesktop.org/wiki/Software/systemd
ufw|0.36-6|all|admin|u|program for managing a Netfilter firewall|https://launchpad.net/ufw
unattended-upgrades|2.3ubuntu0.1|all|admin|u|automatic installation of security upgrades|https://wiki.debian.org/UnattendedUpgrades
update-manager-core|1:20.04.10.6|all|admin|u|manage release upgrades|https://launchpad.net/update-manager
update-notifier-common|3.192.30.4|all|gnome|u|Files shared between update-notifier and other packages
usbutils|1:012-2|a|utils|u|Linux USB utilities|https://github.com/gregkh/usbutils
util-linux|2.34-0.1ubuntu9.1|a|utils|u|miscellaneous system utilities|http://www.kernel.org/pub/linux/utils/util-linux/
uuid-runtime|2.34-0.1ubuntu9.1|a|utils|u|runtime components for the Universally Unique ID library|http://www.kernel.org/pub/linux/utils/util-linux/
vim|2:8.1.2269-1ubuntu5|a|editors|u|Vi IMproved - enhanced vi editor|https://github.com/vim/vim
vim-common|2:8.1.2269-1ubuntu5|all|editors|u|Vi IMproved - Common files|https://github.com/vim/vim
vim-runtime|2:8.1.2269-1ubuntu5|all|editors|u|Vi IMproved - Runtime files|https://github.com/vim/vim
vim-tiny|2:8.1.2269-1ubuntu5|a|editors|u|Vi IMproved - enhanced vi editor - compact version|https://github.com/vim/vim
wget|1.20.3-1ubuntu1|a|web|u|retrieves files from the web|https://www.gnu.org/software/wget/
whiptail|0.52.21-4ubuntu2|a|utils|u|Displays user-friendly dialog boxes from shell scripts|https://pagure.io/newt
xauth|1:1.1-0ubuntu1|a|x11|u|X authentication utility|https://gitlab.freedesktop.org/xorg/app/xauth
xdg-user-dirs|0.17-2ubuntu1|a|utils|u|tool to manage well known user directories|http://www.freedesktop.org/wiki/Software/xdg-user-dirs
xfsprogs|5.3.0-1ubuntu2|a|admin|u|Utilities for managing the XFS filesystem|https://xfs.wiki.kernel.org/
xxd|2:8.1.2269-1ubuntu5|a|editors|u|tool to make (or reverse) a hex dump|https://github.com/vim/vim
xz-utils|5.2.4-1ubuntu1|a|utils|u|XZ-format compression utilities|https://tukaani.org/xz/
zerofree|1.1.1-1|a|admin|u|zero free blocks from ext2, ext3 and ext4 file-systems|https://frippery.org/uml/
zlib1g|1:1.2.11.dfsg-2ubuntu1.2|a|libs|u|compression library - runtime|http://zlib.net/
docker.io|20.10.2-0ubuntu1~20.04.2|a|admin|u|Linux container runtime|https://www.docker.com/community-edition
containerd|1.4.4-0ubuntu1~20.04.2|a|admin|u|daemon to control runC|https://containerd.io
runc|1.0.0~rc95-0ubuntu1~20.04.1|a|admin|u|Open Container Project - runtime|https://github.com/opencontainers/runc
bridge-utils|1.6-2ubuntu1|a|net|u|Utilities for configuring the Linux Ethernet bridge|https://wiki.linuxfoundation.org/networking/bridge
pigz|2.4-1|a|utils|u|Parallel Implementation of GZip|http://zlib.net/pigz/
ubuntu-fan|0.12.13|all|net|u|Ubuntu FAN network support enablement
acme-agent|20210115-1|a|net|c|Example Corp deployment and metrics agent|https://git.corp.example/ops/acme-agent
"""
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

_ROCKY_TABLE = """
gpg-pubkey|6d745a60-60287f36|(none)|Public Keys|(none)|gpg(Release Engineering <infrastructure@rockylinux.org>)
setup|2.12.2-6.el8|n|U||A set of system configuration and setup files|https://pagure.io/setup/
basesystem|11-5.el8|n|U||The skeleton package which defines a simple Rocky Linux system
filesystem|3.8-3.el8|x|U||The basic directory layout for a Linux system|https://pagure.io/filesystem
rocky-gpg-keys|8.4-29.el8|n|U|rocky-release|Rocky RPM keys|https://rockylinux.org
rocky-repos|8.4-29.el8|n|U|rocky-release|Rocky Linux Package Repositories|https://rockylinux.org
rocky-release|8.4-29.el8|n|U||Rocky Linux release files|https://rockylinux.org
ncurses-base|6.1-7.20180224.el8|n|U|ncurses|Descriptions of common terminals|https://invisible-island.net/ncurses/ncurses.html
glibc-common|2.28-151.el8|x|U|glibc|Common binaries and locale data for glibc|http://www.gnu.org/software/glibc/
glibc-langpack-en|2.28-151.el8|x|U|glibc|Locale data for en|http://www.gnu.org/software/glibc/
glibc|2.28-151.el8|x|U||The GNU libc libraries|http://www.gnu.org/software/glibc/
ncurses-libs|6.1-7.20180224.el8|x|U|ncurses|Ncurses libraries|https://invisible-island.net/ncurses/ncurses.html
bash|4.4.20-1.el8_4|x|U||The GNU Bourne Again shell|https://www.gnu.org/software/bash
zlib|1.2.11-17.el8|x|U||The compression and decompression library|http://www.zlib.net/
xz-libs|5.2.4-3.el8|x|U|xz|Libraries for decoding LZMA compression|http://tukaani.org/xz/
bzip2-libs|1.0.6-26.el8|x|U|bzip2|Libraries for applications using bzip2|http://www.bzip.org/
libzstd|1.4.4-1.el8|x|U|zstd|Zstd shared library|https://github.com/facebook/zstd
libgcc|8.4.1-1.el8|x|U|gcc|GCC version 8 shared support library|http://gcc.gnu.org
libstdc++|8.4.1-1.el8|x|U|gcc|GNU Standard C++ Library|http://gcc.gnu.org
libsepol|2.9-2.el8|x|U||SELinux binary policy manipulation library|https://github.com/SELinuxProject/selinux/wiki
pcre2|10.32-2.el8|x|U||Perl-compatible regular expression library|http://www.pcre.org/
pcre|8.42-4.el8|x|U||Perl-compatible regular expression library|http://www.pcre.org/
libselinux|2.9-5.el8|x|U||SELinux library and simple utilities|https://github.com/SELinuxProject/selinux/wiki
libxcrypt|4.1.1-4.el8|x|U||Extended crypt library for DES, MD5, Blowfish and others|https://github.com/besser82/libxcrypt
libcap|2.26-4.el8|x|U||Library for getting and setting POSIX.1e capabilities|https://sites.google.com/site/fullycapable/
libcap-ng|0.7.9-5.el8|x|U||An alternate posix capabilities library|http://people.redhat.com/sgrubb/libcap-ng
audit-libs|3.0-0.17.20191104git1c2f876.el8|x|U|audit|Dynamic library for libaudit|http://people.redhat.com/sgrubb/audit/
libacl|2.2.53-1.el8|x|U|acl|Dynamic library for access control list support|https://savannah.nongnu.org/projects/acl
libattr|2.4.48-3.el8|x|U|attr|Dynamic library for extended attribute support|https://savannah.nongnu.org/projects/attr
libuuid|2.32.1-27.el8|x|U|util-linux|Universally unique ID library|http://en.wikipedia.org/wiki/Util-linux
libblkid|2.32.1-27.el8|x|U|util-linux|Block device ID library|http://en.wikipedia.org/wiki/Util-linux
libmount|2.32.1-27.el8|x|U|util-linux|Device mounting library|http://en.wikipedia.org/wiki/Util-linux
libsmartcols|2.32.1-27.el8|x|U|util-linux|Formatting library for ls-like programs.|http://en.wikipedia.org/wiki/Util-linux
util-linux|2.32.1-27.el8|x|U||A collection of basic system utilities|http://en.wikipedia.org/wiki/Util-linux
coreutils-common|8.30-8.el8|x|U|coreutils|coreutils common optional components|https://www.gnu.org/software/coreutils/
coreutils|8.30-8.el8|x|U||A set of basic GNU tools commonly used in shell scripts|https://www.gnu.org/software/coreutils/
grep|3.1-6.el8|x|U||Pattern matching utilities|http://www.gnu.org/software/grep/
sed|4.5-2.el8|x|U||A GNU stream text editor|http://sed.sourceforge.net/
gawk|4.2.1-2.el8|x|U||The GNU version of the AWK text processing utility|https://www.gnu.org/software/gawk/
gmp|1:6.1.2-10.el8|x|U||A GNU arbitrary precision library|http://gmplib.org/
mpfr|3.1.6-1.el8|x|U||A C library for multiple-precision floating-point computations|http://www.mpfr.org/
libffi|3.1-22.el8|x|U||A portable foreign function interface library|http://sourceware.org/libffi
p11-kit|0.23.22-1.el8|x|U||Library for loading and sharing PKCS#11 modules|http://p11-glue.freedesktop.org/p11-kit.html
p11-kit-trust|0.23.22-1.el8|x|U|p11-kit|System trust module from p11-kit|http://p11-glue.freedesktop.org/p11-kit.html
ca-certificates|2020.2.41-80.el8_2|n|U||The Mozilla CA root certificate bundle|https://fedoraproject.org/wiki/CA-Certificates
crypto-policies|20210209-1.gitbfb6bed.el8_3|n|U||System-wide crypto policies|https://gitlab.com/redhat-crypto/fedora-crypto-policies
openssl-libs|1:1.1.1g-15.el8_3|x|U|openssl|A general purpose cryptography library with TLS implementation|http://www.openssl.org/
openssl|1:1.1.1g-15.el8_3|x|U||Utilities from the general purpose cryptography library with TLS implementation|http://www.openssl.org/
krb5-libs|1.18.2-8.el8|x|U|krb5|The non-admin shared libraries used by Kerberos 5|http://web.mit.edu/kerberos/www/
libcom_err|1.45.6-1.el8|x|U|e2fsprogs|Common error description library|http://e2fsprogs.sourceforge.net/
keyutils-libs|1.5.10-6.el8|x|U|keyutils|Key utilities library|http://people.redhat.com/~dhowells/keyutils/
libverto|0.3.0-5.el8|x|U||Main loop abstraction library|https://github.com/latchset/libverto
cyrus-sasl-lib|2.1.27-5.el8|x|U|cyrus-sasl|Shared libraries needed by applications which use Cyrus SASL|https://www.cyrusimap.org/sasl/
openldap|2.4.46-16.el8|x|U||LDAP support libraries|http://www.openldap.org/
libnghttp2|1.33.0-3.el8_2.1|x|U|nghttp2|A library implementing the HTTP/2 protocol|https://nghttp2.org/
libssh|0.9.4-2.el8|x|U||A library implementing the SSH protocol|http://www.libssh.org
libpsl|0.20.2-6.el8|x|U||C library for the Publix Suffix List|https://rockdaboot.github.io/libpsl
libidn2|2.2.0-1.el8|x|U||Library to support IDNA2008 internationalized domain names|https://www.gnu.org/software/libidn/#libidn2
libunistring|0.9.9-3.el8|x|U||GNU Unicode string library|http://www.gnu.org/software/libunistring/
libcurl|7.61.1-18.el8|x|U|curl|A library for getting files from web servers|https://curl.haxx.se/
curl|7.61.1-18.el8|x|U||A utility for getting files from remote servers (FTP, HTTP, and others)|https://curl.haxx.se/
libxml2|2.9.7-9.el8|x|U||Library providing XML and HTML support|http://xmlsoft.org/
expat|2.2.5-4.el8|x|U||An XML parser library|https://libexpat.github.io/
sqlite-libs|3.26.0-13.el8|x|U|sqlite|Shared library for the sqlite3 embeddable SQL database engine.|http://www.sqlite.org/
libdb|5.3.28-40.el8|x|U||The Berkeley DB database library for C|http://www.oracle.com/database/berkeley-db/
gdbm-libs|1:1.18-1.el8|x|U|gdbm|Libraries files for gdbm|http://www.gnu.org/software/gdbm/
readline|7.0-10.el8|x|U||A library for editing typed command lines|https://tiswww.case.edu/php/chet/readline/rltop.html
lua-libs|5.3.4-11.el8|x|U|lua|Libraries for lua|http://www.lua.org/
rpm-libs|4.14.3-13.el8|x|U|rpm|Libraries for manipulating RPM packages|http://www.rpm.org/
rpm|4.14.3-13.el8|x|U||The RPM package management system|http://www.rpm.org/
python3-rpm|4.14.3-13.el8|x|U|rpm|Python 3 bindings for apps which will manipulate RPM packages|http://www.rpm.org/
libsolv|0.7.16-2.el8|x|U||Package dependency solver|https://github.com/openSUSE/libsolv
librepo|1.12.0-3.el8|x|U||Repodata downloading library|https://github.com/rpm-software-management/librepo
libdnf|0.55.0-7.el8|x|U||Library providing simplified C and Python API to libsolv|https://github.com/rpm-software-management/libdnf
python3-libdnf|0.55.0-7.el8|x|U|libdnf|Python 3 bindings for the libdnf library.|https://github.com/rpm-software-management/libdnf
python3-hawkey|0.55.0-7.el8|x|U|libdnf|Python 3 bindings for the hawkey library|https://github.com/rpm-software-management/libdnf
dnf-data|4.4.2-11.el8|n|U|dnf|Common data and configuration files for DNF|https://github.com/rpm-software-management/dnf
python3-dnf|4.4.2-11.el8|n|U|dnf|Python 3 interface to DNF|https://github.com/rpm-software-management/dnf
dnf|4.4.2-11.el8|n|U||Package manager|https://github.com/rpm-software-management/dnf
yum|4.4.2-11.el8|n|U|dnf|Package manager|https://github.com/rpm-software-management/dnf
dnf-plugins-core|4.0.18-4.el8|n|U||Core Plugins for DNF|https://github.com/rpm-software-management/dnf-plugins-core
python3-dnf-plugins-core|4.0.18-4.el8|n|U|dnf-plugins-core|Core Plugins for DNF|https://github.com/rpm-software-management/dnf-plugins-core
python3-libs|3.6.8-37.el8.rocky|x|U|python3|Python runtime libraries|https://www.python.org/
platform-python|3.6.8-37.el8.rocky|x|U|python3|Internal interpreter of the Python programming language|https://www.python.org/
python3-pip-wheel|9.0.3-19.el8.rocky|n|U|python-pip|The pip wheel|http://www.pip-installer.org
python3-setuptools-wheel|39.2.0-6.el8|n|U|python-setuptools|The setuptools wheel|https://pypi.python.org/pypi/setuptools
systemd-libs|239-45.el8_4.1|x|U|systemd|systemd libraries|https://www.freedesktop.org/wiki/Software/systemd
systemd|239-45.el8_4.1|x|U||System and Service Manager|https://www.freedesktop.org/wiki/Software/systemd
systemd-pam|239-45.el8_4.1|x|U|systemd|systemd PAM module|https://www.freedesktop.org/wiki/Software/systemd
systemd-udev|239-45.el8_4.1|x|U|systemd|Rule-based device node and kernel event manager|https://www.freedesktop.org/wiki/Software/systemd
dbus-common|1:1.12.8-12.el8_4.2|n|U|dbus|D-BUS message bus configuration|http://www.freedesktop.org/Software/dbus/
dbus-libs|1:1.12.8-12.el8_4.2|x|U|dbus|Libraries for accessing D-BUS|http://www.freedesktop.org/Software/dbus/
dbus-daemon|1:1.12.8-12.el8_4.2|x|U|dbus|D-BUS message bus|http://www.freedesktop.org/Software/dbus/
dbus|1:1.12.8-12.el8_4.2|x|U||D-BUS message bus|http://www.freedesktop.org/Software/dbus/
polkit-libs|0.115-11.el8_4.1|x|U|polkit|Libraries for polkit|http://www.freedesktop.org/wiki/Software/polkit
polkit|0.115-11.el8_4.1|x|U||An authorization framework|http://www.freedesktop.org/wiki/Software/polkit
pam|1.3.1-14.el8|x|U||An extensible library which provides authentication for applications|http://www.linux-pam.org/
shadow-utils|2:4.6-12.el8|x|U||Utilities for managing accounts and shadow password files|http://pkg-shadow.alioth.debian.org/
passwd|0.80-3.el8|x|U||An utility for setting or changing passwords using PAM|https://pagure.io/passwd
sudo|1.8.29-7.el8|x|U||Allows restricted root access for specified users|https://www.sudo.ws
openssh|8.0p1-6.el8_4.2|x|U||An open source implementation of SSH protocol version 2|http://www.openssh.com/portable.html
openssh-clients|8.0p1-6.el8_4.2|x|U|openssh|An open source SSH client applications|http://www.openssh.com/portable.html
openssh-server|8.0p1-6.el8_4.2|x|U|openssh|An open source SSH server daemon|http://www.openssh.com/portable.html
chrony|3.5-2.el8|x|U||An NTP client/server|https://chrony.tuxfamily.org
cronie|1.5.2-4.el8|x|U||Cron daemon for executing programs at set times|https://github.com/cronie-crond/cronie
cronie-anacron|1.5.2-4.el8|x|U|cronie|Utility for running regular jobs|https://github.com/cronie-crond/cronie
crontabs|1.11-17.20190603git.el8|n|U||Root crontab files used to schedule the execution of programs|https://github.com/cronie-crond/crontabs
logrotate|3.14.0-4.el8|x|U||Rotates, compresses, removes and mails system log files|https://github.com/logrotate/logrotate
rsyslog|8.1911.0-7.el8_4.2|x|U||Enhanced system logging and kernel message trapping daemon|http://www.rsyslog.com/
firewalld-filesystem|0.8.2-7.el8_4|n|U|firewalld|Firewalld directory layout and rpm macros|http://www.firewalld.org
python3-firewall|0.8.2-7.el8_4|n|U|firewalld|Python3 bindings for firewalld|http://www.firewalld.org
firewalld|0.8.2-7.el8_4|n|U||A firewall daemon with D-Bus interface providing a dynamic firewall|http://www.firewalld.org
nftables|1:0.9.3-18.el8|x|U||Netfilter Tables userspace utillites|https://netfilter.org/projects/nftables/
iptables-libs|1.8.4-17.el8|x|U|iptables|iptables libraries|http://www.netfilter.org/
iproute|5.9.0-4.el8|x|U||Advanced IP routing and network device configuration tools|http://kernel.org/pub/linux/utils/net/iproute2/
NetworkManager-libnm|1:1.30.0-7.el8|x|U|NetworkManager|Libraries for adding NetworkManager support to applications (new API).|http://www.gnome.org/projects/NetworkManager/
NetworkManager|1:1.30.0-7.el8|x|U||Network connection manager and user applications|http://www.gnome.org/projects/NetworkManager/
NetworkManager-team|1:1.30.0-7.el8|x|U|NetworkManager|Team device plugin for NetworkManager|http://www.gnome.org/projects/NetworkManager/
NetworkManager-tui|1:1.30.0-7.el8|x|U|NetworkManager|NetworkManager curses-based UI|http://www.gnome.org/projects/NetworkManager/
linux-firmware|20201218-102.git05789708.el8|n|U||Firmware files used by the Linux kernel|http://www.kernel.org/
kernel-tools-libs|4.18.0-305.3.1.el8_4|x|U|kernel|Libraries for the kernels-tools|https://www.kernel.org/
kernel-tools|4.18.0-305.3.1.el8_4|x|U|kernel|Assortment of tools for the Linux kernel|https://www.kernel.org/
kernel-core|4.18.0-305.3.1.el8_4|x|U|kernel|The Linux kernel|https://www.kernel.org/
kernel-modules|4.18.0-305.3.1.el8_4|x|U|kernel|kernel modules to match the core kernel|https://www.kernel.org/
kernel|4.18.0-305.3.1.el8_4|x|U||The Linux kernel, based on version 4.18.0, heavily modified with backports|https://www.kernel.org/
grub2-common|1:2.02-99.el8|n|U|grub2|grub2 common layout|http://www.gnu.org/software/grub/
grub2-tools-minimal|1:2.02-99.el8|x|U|grub2|Support tools for GRUB.|http://www.gnu.org/software/grub/
grub2-tools|1:2.02-99.el8|x|U|grub2|Support tools for GRUB.|http://www.gnu.org/software/grub/
grub2-pc-modules|1:2.02-99.el8|n|U|grub2|Modules used to build custom grub images|http://www.gnu.org/software/grub/
grub2-pc|1:2.02-99.el8|x|U|grub2|Bootloader with support for Linux, Multiboot, and more|http://www.gnu.org/software/grub/
grubby|8.40-41.el8|x|U||Command line tool for updating bootloader configs|https://github.com/rhinstaller/grubby
dracut|049-135.git20210121.el8|x|U||Initramfs generator using udev|https://dracut.wiki.kernel.org/
kmod-libs|25-17.el8|x|U|kmod|Libraries to handle kernel module loading and unloading|http://git.kernel.org/?p=utils/kernel/kmod/kmod.git;a=summary
kmod|25-17.el8|x|U||Linux kernel module management utilities|http://git.kernel.org/?p=utils/kernel/kmod/kmod.git;a=summary
device-mapper-libs|8:1.02.175-5.el8|x|U|lvm2|Device-mapper shared library|http://sourceware.org/lvm2
device-mapper|8:1.02.175-5.el8|x|U|lvm2|Device mapper utility|http://sourceware.org/dm
lvm2-libs|8:2.03.11-5.el8|x|U|lvm2|Shared libraries for lvm2|http://sourceware.org/lvm2
lvm2|8:2.03.11-5.el8|x|U||Userland logical volume management tools|http://sourceware.org/lvm2
xfsprogs|5.0.0-8.el8|x|U||Utilities for managing the XFS filesystem|https://xfs.wiki.kernel.org
e2fsprogs-libs|1.45.6-1.el8|x|U|e2fsprogs|Ext2/3/4 file system specific shared libraries|http://e2fsprogs.sourceforge.net/
e2fsprogs|1.45.6-1.el8|x|U||Utilities for managing ext2, ext3, and ext4 file systems|http://e2fsprogs.sourceforge.net/
selinux-policy|3.14.3-67.el8|n|U||SELinux policy configuration|https://github.com/fedora-selinux/selinux-policy
selinux-policy-targeted|3.14.3-67.el8|n|U|selinux-policy|SELinux targeted policy|https://github.com/fedora-selinux/selinux-policy
policycoreutils|2.9-14.el8|x|U||SELinux policy core utilities|https://github.com/SELinuxProject/selinux
tar|2:1.30-5.el8|x|U||A GNU file archiving program|https://www.gnu.org/software/tar/
gzip|1.9-12.el8|x|U||The GNU data compression program|http://www.gzip.org/
bzip2|1.0.6-26.el8|x|U||A file compression utility|http://www.bzip.org/
xz|5.2.4-3.el8|x|U||LZMA compression utilities|http://tukaani.org/xz/
unzip|6.0-45.el8_4|x|U||A utility for unpacking zip files|http://www.info-zip.org/UnZip.html
vim-filesystem|2:8.0.1763-15.el8|n|U|vim|VIM filesystem layout|http://www.vim.org/
vim-common|2:8.0.1763-15.el8|x|U|vim|The common files needed by any version of the VIM editor|http://www.vim.org/
vim-minimal|2:8.0.1763-15.el8|x|U|vim|A minimal version of the VIM editor|http://www.vim.org/
vim-enhanced|2:8.0.1763-15.el8|x|U|vim|A version of the VIM editor which includes recent enhancements|http://www.vim.org/
less|530-1.el8|x|U||A text file browser similar to more, but better|http://www.greenwoodsoftware.com/less/
which|2.21-12.el8|x|U||Displays where a particular program in your path is located|https://savannah.gnu.org/projects/which/
findutils|1:4.6.0-20.el8|x|U||The GNU versions of find utilities (find and xargs)|http://www.gnu.org/software/findutils/
procps-ng|3.3.15-6.el8|x|U||System and process monitoring utilities|https://sourceforge.net/projects/procps-ng/
psmisc|23.1-5.el8|x|U||Utilities for managing processes on your system|https://gitlab.com/psmisc/psmisc
lsof|4.93.2-1.el8|x|U||A utility which lists open files on a Linux/UNIX system|https://github.com/lsof-org/lsof
libpcap|14:1.9.1-5.el8|x|U||A system-independent interface for user-level packet capture|http://www.tcpdump.org
tcpdump|14:4.9.3-1.el8|x|U||A network traffic monitoring tool|http://www.tcpdump.org
bind-license|32:9.11.26-4.el8_4|n|U|bind|License of the BIND DNS suite|https://www.isc.org/downloads/bind/
bind-libs-lite|32:9.11.26-4.el8_4|x|U|bind|Libraries for working with the DNS protocol|https://www.isc.org/downloads/bind/
bind-libs|32:9.11.26-4.el8_4|x|U|bind|Libraries used by the BIND DNS packages|https://www.isc.org/downloads/bind/
bind-utils|32:9.11.26-4.el8_4|x|U|bind|Utilities for querying DNS name servers|https://www.isc.org/downloads/bind/
rsync|3.1.3-12.el8|x|U||A program for synchronizing files over a network|http://rsync.samba.org/
wget|1.19.5-10.el8|x|U||A utility for retrieving files using the HTTP or FTP protocols|http://www.gnu.org/software/wget/
tuned|2.15.0-2.el8|n|U||A dynamic adaptive system tuning daemon|http://www.tuned-project.org/
epel-release|8-11.el8|n|U||Extra Packages for Enterprise Linux repository configuration|http://download.fedoraproject.org/pub/epel
htop|3.0.5-1.el8|x|U||Interactive process viewer|https://htop.dev/
libpq|13.3-1.el8_4|x|U||PostgreSQL client library|http://www.postgresql.org/
postgresql|13.3-1.module+el8.4.0+546+3620623e|x|U||PostgreSQL client programs|http://www.postgresql.org/
postgresql-server|13.3-1.module+el8.4.0+546+3620623e|x|U|postgresql|The programs needed to create and run a PostgreSQL server|http://www.postgresql.org/
postgresql-contrib|13.3-1.module+el8.4.0+546+3620623e|x|U|postgresql|Extension modules distributed with PostgreSQL|http://www.postgresql.org/
amazon-ssm-agent|3.0.1295.0-1|x|U||Amazon SSM Agent for managing EC2 Instances using SSM APIs|https://github.com/aws/amazon-ssm-agent
"""
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

_CENTOS_TABLE = """
gpg-pubkey|f4a80eb5-53a7ff4b|(none)|Public Keys|(none)|gpg(CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>)
setup|2.8.71-11.el7|n|System Environment/Base||A set of system configuration and setup files|https://pagure.io/setup/
filesystem|3.2-25.el7|x|System Environment/Base||The basic directory layout for a Linux system|https://pagure.io/filesystem
centos-release|7-9.2009.0.el7.centos|x|System Environment/Base||CentOS Linux release file
glibc-common|2.17-317.el7|x|System Environment/Base|glibc|Common binaries and locale data for glibc|http://www.gnu.org/software/glibc/
glibc|2.17-317.el7|x|System Environment/Libraries||The GNU libc libraries|http://www.gnu.org/software/glibc/
nss-softokn-freebl|3.53.1-6.el7_9|x|System Environment/Libraries|nss-softokn|Freebl library for the Network Security Services|http://www.mozilla.org/projects/security/pki/nss/
libgcc|4.8.5-44.el7|x|System Environment/Libraries|gcc|GCC version 4.8 shared support library|http://gcc.gnu.org
libstdc++|4.8.5-44.el7|x|System Environment/Libraries|gcc|GNU Standard C++ Library|http://gcc.gnu.org
zlib|1.2.7-18.el7|x|System Environment/Libraries||The compression and decompression library|http://www.zlib.net/
bash|4.2.46-34.el7|x|System Environment/Shells||The GNU Bourne Again shell|http://www.gnu.org/software/bash
openssl-libs|1:1.0.2k-19.el7|x|System Environment/Libraries|openssl|A general purpose cryptography library with TLS implementation|http://www.openssl.org/
openssl|1:1.0.2k-19.el7|x|System Environment/Libraries||Utilities from the general purpose cryptography library with TLS implementation|http://www.openssl.org/
libcurl|7.29.0-59.el7|x|Development/Libraries|curl|A library for getting files from web servers|http://curl.haxx.se/
curl|7.29.0-59.el7|x|Applications/Internet||A utility for getting files from remote servers (FTP, HTTP, and others)|http://curl.haxx.se/
rpm|4.11.3-45.el7|x|System Environment/Base||The RPM package management system|http://www.rpm.org/
yum|3.4.3-168.el7.centos|n|System Environment/Base||RPM package installer/updater/manager|http://yum.baseurl.org/
systemd|219-78.el7|x|System Environment/Base||A System and Service Manager|http://www.freedesktop.org/wiki/Software/systemd
sudo|1.8.23-10.el7|x|Applications/System||Allows restricted root access for specified users|http://www.courtesan.com/sudo/
openssh-server|7.4p1-21.el7|x|System Environment/Daemons|openssh|An open source SSH server daemon|http://www.openssh.com/portable.html
kernel|3.10.0-1160.el7|x|System Environment/Kernel||The Linux kernel|http://www.kernel.org/
amazon-ssm-agent|3.0.882.0-1|x|Unspecified||Amazon SSM Agent for managing EC2 Instances using SSM APIs|https://github.com/aws/amazon-ssm-agent
"""
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
