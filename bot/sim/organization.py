"""A simulated AWS organization: the demo's account and its member accounts, each recording its servers in several regions.

The management ("home") account's fleet is the demo's single-account fleet (`bot.sim.default_fleet`), kept
as it is; the organization adds about three hundred servers in other accounts and regions whose histories
tell one advisory story, for the fleet questions (who ran which version where and when):

A flaw in OpenSSL 3.0 is published (`Advisory.published`, nine weeks before `now`). The fixed builds are
`1:3.0.8-1.amzn2023.0.16` (Amazon Linux 2023, rpm), `1:3.0.7-28.el9_4` (RHEL 9, rpm) and
`3.0.2-0ubuntu1.18` (Ubuntu 22.04, dpkg: `openssl` and the library `libssl3`). Teams patch in waves over
six weeks, staging first. Around that:
- `never_patched`: one server keeps the vulnerable build to this day.
- `rolled_back`: patched, downgraded two days later (the application broke), fixed again weeks later
  with a newer build: two exposure spans.
- `deleted`: terminated while still exposed (its inventory ends `ResourceDeleted`).
- `registered_after`: launched after the advisory from an old image, so exposed from its registration
  until patched; `fixed_at_launch` came later with the fix already in its image.
- `removed`: an Ubuntu server whose `openssl` tool was removed (its `libssl3` was patched in its wave).
- `retagged`: promoted from `env=staging` to `env=prod` during the rollout (EC2 tags as Config recorded them).
Some servers started on an older vulnerable build and were brought to a newer vulnerable one a month
before the advisory; Windows servers have no OpenSSL; `bastion-1` is a name in three accounts.

Every change goes through the fleet mechanism (`SimNode` changes, `Fleet.capture` at the next scheduled
inventory run), so items are where a real recorder puts them. Building it takes a fraction of a second;
tests build it once and `Organization.copy()` it. The story's servers are found by their Name tags
(`Advisory` holds their node IDs).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.sim.default_fleet import (
    _add,
    _deb_table,
    _network,
    _rpm_table,
    _RpmHost,
    _Runs,
    _WinApp,
    _WindowsHost,
    build_default_fleet,
    record_deleted,
)
from bot.sim.fleet import Fleet, SimNode

MEMBER_ROLE_NAME = "pkgwhen-read"
ALIASES = {
    "123456789012": "example-management",
    "210987654321": "example-prod",
    "345678901234": "example-staging",
    "456789012345": "example-data",
}
PROD, STAGING, DATA, MANAGEMENT = "210987654321", "345678901234", "456789012345", "123456789012"
PACKAGE = "openssl"
# The first fixed build per platform (PlatformName PlatformVersion as the agent reports them).
FIXED = {
    "Amazon Linux 2023": "1:3.0.8-1.amzn2023.0.16",
    "Red Hat Enterprise Linux 9.4": "1:3.0.7-28.el9_4",
    "Ubuntu 22.04": "3.0.2-0ubuntu1.18",
}
# A later fixed build, which the rolled-back server finally got.
AL2023_REFIXED = "1:3.0.8-1.amzn2023.0.17"
AL2023_VULNERABLE = "1:3.0.8-1.amzn2023.0.14"
AL2023_OLDER = "1:3.0.8-1.amzn2023.0.12"
UBUNTU_VULNERABLE = "3.0.2-0ubuntu1.15"
UBUNTU_OLDER = "3.0.2-0ubuntu1.12"
RHEL_VULNERABLE = "1:3.0.7-27.el9"
AGENT_VERSION = "3.3.987.0"
# The advisory is this long before `now`; the rollout and every special case fall between.
ADVISORY_BEFORE_NOW = timedelta(days=63)


def role_arn(account_id: str) -> str:
    """The read role pkgwhen assumes in a member account (the member template's role)."""
    return f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE_NAME}"


@dataclass(frozen=True)
class Advisory:
    """The story's facts: when, which builds, and the servers of each special case (node IDs)."""

    package: str
    published: datetime
    fixed: dict[str, str]
    rollout_ends: datetime
    never_patched: str
    rolled_back: str
    rolled_back_at: datetime
    deleted: str
    deleted_at: datetime
    registered_after: str
    fixed_at_launch: str
    removed: str
    retagged: str
    windows: tuple[str, ...] = ()


@dataclass
class Organization:
    """The home account's fleet in its home region, and every other account and region with Config recording."""

    home: Fleet
    members: list[Fleet]
    advisory: Advisory
    aliases: dict[str, str] = field(default_factory=lambda: dict(ALIASES))

    def fleets(self) -> list[Fleet]:
        return [self.home, *self.members]

    def fleet(self, account_id: str, region: str) -> Fleet:
        for fleet in self.fleets():
            if (fleet.account_id, fleet.region) == (account_id, region):
                return fleet
        raise KeyError(f"no fleet of account {account_id} in {region}")

    def accounts(self) -> list[str]:
        return sorted({f.account_id for f in self.fleets()})

    def locate(self, node_id: str) -> tuple[Fleet, SimNode]:
        """The fleet holding a node, and the node."""
        for fleet in self.fleets():
            node = fleet.node(node_id)
            if node is not None:
                return fleet, node
        raise KeyError(node_id)

    def named(self, name_tag: str) -> list[tuple[Fleet, SimNode]]:
        """Every server with this Name tag, in whichever account and region."""
        return [(f, n) for f in self.fleets() for n in f.nodes() if n.name_tag == name_tag]

    def copy(self) -> Organization:
        """Independent copies of every fleet (see `Fleet.copy`)."""
        return Organization(
            self.home.copy(), [m.copy() for m in self.members], self.advisory, dict(self.aliases)
        )


def build_organization(home: Fleet | None = None, *, now: datetime | None = None) -> Organization:
    """The organization as it stands at `now` (default: the current time); the same `now` gives the same data.

    `home`: the management account's fleet (default: the demo's default fleet built for `now`).
    """
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    home = build_default_fleet(now) if home is None else home
    day = (now - ADVISORY_BEFORE_NOW).date()
    published = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    taken = {node.node_id[:5] for node in home.nodes()}  # keep ID prefixes of the home fleet unambiguous
    story = _Story(published, now, taken)
    members = [story.build(plan) for plan in _PLANS]
    return Organization(home, members, story.advisory())


# --- what runs where ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Servers of one role: how many, which platform, when launched and patched (days from the advisory)."""

    role: str
    platform: str  # al2023 | ubuntu | rhel | windows
    count: int
    launched: int
    wave: int | None
    team: str
    older_image: bool = False  # launched from an image with the older vulnerable build
    hybrid: bool = False  # an on-premises server (mi-), no EC2 tags


@dataclass(frozen=True)
class _Plan:
    account_id: str
    region: str
    env: str | None  # the env tag, where the account tags it
    groups: tuple[_Group, ...]


_PLANS = (
    _Plan(
        PROD,
        "us-east-1",
        "prod",
        (
            _Group("web", "al2023", 24, -400, 7, "storefront", older_image=True),
            _Group("api", "al2023", 20, -250, 14, "payments"),
            _Group("worker", "ubuntu", 18, -250, 21, "payments"),
            _Group("batch", "al2023", 8, -120, 21, "data-eng"),
            _Group("bastion", "al2023", 1, -400, 7, "platform", older_image=True),
            _Group("win", "windows", 4, -250, None, "corp-it"),
        ),
    ),
    _Plan(
        PROD,
        "eu-west-1",
        "prod",
        (
            _Group("web", "al2023", 18, -400, 14, "storefront", older_image=True),
            _Group("api", "ubuntu", 16, -250, 28, "payments"),
            _Group("report", "al2023", 8, -120, 28, "finance"),
            _Group("cache", "ubuntu", 10, -120, 28, "storefront", older_image=True),
        ),
    ),
    _Plan(
        STAGING,
        "us-east-1",
        "staging",
        (
            _Group("web", "al2023", 12, -250, 2, "storefront"),
            _Group("api", "ubuntu", 14, -250, 3, "payments"),
            _Group("bastion", "al2023", 1, -250, 2, "platform"),
            _Group("worker", "al2023", 10, -45, 3, "payments"),
        ),
    ),
    _Plan(
        STAGING,
        "us-west-2",
        "staging",
        (
            _Group("web", "ubuntu", 16, -120, 3, "storefront"),
            _Group("search", "al2023", 14, -45, 4, "search"),
        ),
    ),
    _Plan(
        DATA,
        "eu-west-1",
        "data",
        (
            _Group("etl", "al2023", 16, -250, 21, "data-eng"),
            _Group("db", "rhel", 6, -400, 35, "data-eng", hybrid=True),
            _Group("bastion", "ubuntu", 1, -250, 21, "platform"),
            _Group("notebook", "ubuntu", 12, -120, 35, "analytics"),
        ),
    ),
    _Plan(
        DATA,
        "ap-northeast-1",
        "data",
        (
            _Group("etl", "al2023", 14, -120, 35, "data-eng"),
            _Group("db", "rhel", 4, -250, 42, "data-eng", hybrid=True),
            _Group("notebook", "ubuntu", 8, -45, 35, "analytics"),
        ),
    ),
    _Plan(
        MANAGEMENT,
        "eu-west-1",
        None,
        (
            _Group("ci", "al2023", 10, -250, 9, "platform"),
            _Group("monitor", "ubuntu", 6, -120, 9, "platform"),
        ),
    ),
)
# Name tags say ENV-REGION-ROLE-NN (the management account: mgmt-…); every account has its `bastion-1`.
_REGION_CODES = {"us-east-1": "use1", "us-west-2": "usw2", "eu-west-1": "euw1", "ap-northeast-1": "apne1"}
# The special cases, by Name tag.
_NEVER_PATCHED = "prod-euw1-report-03"
_ROLLED_BACK = "prod-use1-api-07"
_DELETED = "prod-use1-batch-05"
_REMOVED = "prod-euw1-cache-02"
_RETAGGED = "staging-use1-worker-04"
_REGISTERED_AFTER = "staging-usw2-search-13"
_FIXED_AT_LAUNCH = "staging-usw2-search-14"

# --- packages -------------------------------------------------------------------------------------------

_AL2023 = _rpm_table(
    """
bash|5.2.15-1.amzn2023.0.2|x|N||The GNU Bourne Again shell|https://www.gnu.org/software/bash
glibc|2.34-52.amzn2023.0.11|x|B||The GNU libc libraries|http://www.gnu.org/software/glibc/
glibc-common|2.34-52.amzn2023.0.11|x|B|glibc|Common binaries and locale data for glibc|http://www.gnu.org/software/glibc/
openssl|1:3.0.8-1.amzn2023.0.14|x|S||Utilities from the general purpose cryptography library with TLS implementation|http://www.openssl.org/
openssl-libs|1:3.0.8-1.amzn2023.0.14|x|S|openssl|A general purpose cryptography library with TLS implementation|http://www.openssl.org/
curl-minimal|8.5.0-1.amzn2023.0.2|x|I|curl|Conservatively configured build of curl for minimal installations|https://curl.se/
libcurl-minimal|8.5.0-1.amzn2023.0.2|x|L|curl|Conservatively configured build of libcurl for minimal installations|https://curl.se/
systemd|252.23-2.amzn2023|x|B||System and Service Manager|https://systemd.io
sudo|1.9.15-1.p5.amzn2023.0.1|x|S||Allows restricted root access for specified users|https://www.sudo.ws
openssh|8.7p1-8.amzn2023.0.10|x|S||An open source implementation of SSH protocol version 2|http://www.openssh.com/portable.html
openssh-server|8.7p1-8.amzn2023.0.10|x|S|openssh|An open source SSH server daemon|http://www.openssh.com/portable.html
openssh-clients|8.7p1-8.amzn2023.0.10|x|S|openssh|An open source SSH client applications|http://www.openssh.com/portable.html
python3|3.9.16-1.amzn2023.0.9|x|P||Python 3.9 interpreter|https://www.python.org/
python3-libs|3.9.16-1.amzn2023.0.9|x|P|python3|Python runtime libraries|https://www.python.org/
zlib|1.2.11-33.amzn2023.0.5|x|L||Compression and decompression library|https://www.zlib.net/
xz-libs|5.2.5-9.amzn2023.0.2|x|L|xz|Libraries for decoding LZMA compression|https://tukaani.org/xz/
ca-certificates|2023.2.68-1.0.amzn2023.0.1|n|S||The Mozilla CA root certificate bundle|https://fedoraproject.org/wiki/CA-Certificates
kernel|6.1.112-122.189.amzn2023|x|K||The Linux kernel|https://www.kernel.org/
system-release|2023.6.20241010-0.amzn2023|n|S||Amazon Linux release files|https://aws.amazon.com/linux/amazon-linux-2023/
tzdata|2024a-1.amzn2023.0.1|n|S||Timezone data|https://www.iana.org/time-zones
rpm|4.16.1.3-29.amzn2023.0.6|x|S||The RPM package management system|http://www.rpm.org/
dnf|4.14.0-1.amzn2023.0.5|n|S||Package manager|https://github.com/rpm-software-management/dnf
coreutils|8.32-30.amzn2023.0.3|x|S||A set of basic GNU tools commonly used in shell scripts|https://www.gnu.org/software/coreutils/
krb5-libs|1.21-3.amzn2023.0.4|x|L|krb5|The non-admin shared libraries used by Kerberos 5|https://web.mit.edu/kerberos/www/
libxml2|2.10.4-1.amzn2023.0.6|x|V||Library providing XML and HTML support|http://xmlsoft.org/
cloud-init|22.2.2-1.amzn2023.1.12|n|S||Cloud instance init scripts|https://github.com/canonical/cloud-init
amazon-ssm-agent|3.3.987.0-1.amzn2023|x|U||Manage EC2 Instances using Systems Manager|https://github.com/aws/amazon-ssm-agent
nginx|1:1.24.0-1.amzn2023.0.2|x|I||A high performance web server and reverse proxy server|https://nginx.org
java-17-amazon-corretto-headless|1:17.0.12+7-1.amzn2023.1|x|P|java-17-amazon-corretto|Amazon Corretto headless development environment|https://github.com/corretto/corretto-17
docker|25.0.6-1.amzn2023.0.2|x|S||Automates deployment of containerized applications|http://www.docker.com
postgresql15|15.8-1.amzn2023.0.1|x|S||PostgreSQL client programs|http://www.postgresql.org/
"""
)
_AL2023_BASE = tuple(
    n for n in _AL2023 if n not in ("nginx", "java-17-amazon-corretto-headless", "docker", "postgresql15")
)
_AL2023_ROLE = {
    "web": ("nginx",),
    "api": ("java-17-amazon-corretto-headless",),
    "worker": ("docker",),
    "batch": ("docker",),
    "etl": ("docker", "postgresql15"),
    "search": ("java-17-amazon-corretto-headless",),
    "report": ("postgresql15",),
    "ci": ("docker",),
}
_RHEL = _rpm_table(
    """
bash|5.1.8-9.el9|x|N||The GNU Bourne Again shell|https://www.gnu.org/software/bash
glibc|2.34-100.el9_4.2|x|B||The GNU libc libraries|http://www.gnu.org/software/glibc/
openssl|1:3.0.7-27.el9|x|S||Utilities from the general purpose cryptography library with TLS implementation|http://www.openssl.org/
openssl-libs|1:3.0.7-27.el9|x|S|openssl|A general purpose cryptography library with TLS implementation|http://www.openssl.org/
curl|7.76.1-29.el9_4|x|I||A utility for getting files from remote servers (FTP, HTTP, and others)|https://curl.se/
libcurl|7.76.1-29.el9_4|x|L|curl|A library for getting files from web servers|https://curl.se/
systemd|252-32.el9_4|x|B||System and Service Manager|https://systemd.io
sudo|1.9.5p2-10.el9_3|x|S||Allows restricted root access for specified users|https://www.sudo.ws
openssh-server|8.7p1-38.el9|x|S|openssh|An open source SSH server daemon|http://www.openssh.com/portable.html
kernel|5.14.0-427.13.1.el9_4|x|K||The Linux kernel|https://www.kernel.org/
zlib|1.2.11-40.el9|x|L||Compression and decompression library|https://www.zlib.net/
python3|3.9.18-3.el9|x|P||Python 3.9 interpreter|https://www.python.org/
postgresql-server|13.14-1.el9_3|x|S|postgresql|The programs needed to create and run a PostgreSQL server|http://www.postgresql.org/
amazon-ssm-agent|3.3.987.0-1|x|U||Manage EC2 Instances using Systems Manager|https://github.com/aws/amazon-ssm-agent
"""
)
_UBUNTU = _deb_table(
    """
bash|5.1-6ubuntu1.1|a|shells|u|GNU Bourne Again SHell|http://tiswww.case.edu/php/chet/bash/bashtop.html
libc6|2.35-0ubuntu3.8|a|libs|u|GNU C Library: Shared libraries|https://www.gnu.org/software/libc/libc.html
openssl|3.0.2-0ubuntu1.15|a|utils|u|Secure Sockets Layer toolkit - cryptographic utility|https://www.openssl.org/
libssl3|3.0.2-0ubuntu1.15|a|libs|u|Secure Sockets Layer toolkit - shared libraries|https://www.openssl.org/
curl|7.81.0-1ubuntu1.16|a|web|u|command line tool for transferring data with URL syntax|https://curl.se
libcurl4|7.81.0-1ubuntu1.16|a|libs|u|easy-to-use client-side URL transfer library (OpenSSL flavour)|https://curl.se
openssh-server|1:8.9p1-3ubuntu0.10|a|net|u|secure shell (SSH) server, for secure access from remote machines|https://www.openssh.com/
openssh-client|1:8.9p1-3ubuntu0.10|a|net|u|secure shell (SSH) client, for secure access to remote machines|https://www.openssh.com/
sudo|1.9.9-1ubuntu2.4|a|admin|u|Provide limited super user privileges to specific users|https://www.sudo.ws/
systemd|249.11-0ubuntu3.12|a|admin|u|system and service manager|https://www.freedesktop.org/wiki/Software/systemd
zlib1g|1:1.2.11.dfsg-2ubuntu9.2|a|libs|u|compression library - runtime|http://zlib.net/
tzdata|2024a-0ubuntu0.22.04|all|localization|u|time zone and daylight-saving time data|https://www.iana.org/time-zones
python3|3.10.6-1~22.04|a|python|u|interactive high-level object-oriented language (default python3 version)|https://www.python.org/
ca-certificates|20230311ubuntu0.22.04.1|all|misc|u|Common CA certificates
coreutils|8.32-4.1ubuntu1.2|a|utils|u|GNU core utilities|http://gnu.org/software/coreutils
apt|2.4.12|a|admin|u|commandline package manager
libxml2|2.9.13+dfsg-1ubuntu0.4|a|libs|u|GNOME XML library|http://xmlsoft.org
linux-image-6.5.0-1022-aws|6.5.0-1022.22~22.04.1|a|kernel|k|Signed kernel image aws
docker.io|24.0.7-0ubuntu2~22.04.1|a|admin|u|Linux container runtime|https://mobyproject.org
nginx|1.18.0-6ubuntu14.4|a|httpd|u|small, powerful, scalable web/proxy server|https://nginx.org
redis-server|5:6.0.16-1ubuntu1|a|database|u|Persistent key-value database with network interface|https://redis.io/
python3-jupyter-core|4.9.1-1|all|python|u|Core common functionality of Jupyter projects for Python 3|https://jupyter.org
"""
)
_UBUNTU_BASE = tuple(
    n for n in _UBUNTU if n not in ("docker.io", "nginx", "redis-server", "python3-jupyter-core")
)
_UBUNTU_ROLE = {
    "worker": ("docker.io",),
    "api": ("docker.io",),
    "web": ("nginx",),
    "cache": ("redis-server",),
    "notebook": ("python3-jupyter-core", "docker.io"),
    "monitor": ("docker.io",),
}
_WINDOWS_APPS = (
    (_WinApp("Amazon SSM Agent", "Amazon Web Services", "i386", True), AGENT_VERSION),
    (_WinApp("AWS PV Drivers", "Amazon Web Services", "x86_64", True), "8.4.3"),
    (_WinApp("PowerShell 7-x64", "Microsoft Corporation", "x86_64", False), "7.4.2.0"),
    (
        _WinApp(
            "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135",
            "Microsoft Corporation",
            "x86_64",
            False,
        ),
        "14.38.33135.0",
    ),
)
_PLATFORMS = {
    "al2023": ("Amazon Linux", "2023"),
    "ubuntu": ("Ubuntu", "22.04"),
    "rhel": ("Red Hat Enterprise Linux", "9.4"),
    "windows": ("Microsoft Windows Server 2022 Datacenter", "10.0.20348"),
}


# --- building -------------------------------------------------------------------------------------------


class _Story:
    """Builds the member fleets around one advisory date and remembers where the special cases landed."""

    def __init__(self, published: datetime, now: datetime, taken_prefixes: set[str]) -> None:
        self.published = published
        self.now = now
        self.taken = taken_prefixes
        self.special: dict[str, str] = {}
        self.windows: list[str] = []
        self.rolled_back_at = self.deleted_at = published

    def day(self, offset: int, hour: int = 0, minute: int = 0) -> datetime:
        """A moment `offset` days from the advisory's day."""
        d: date = self.published.date() + timedelta(days=offset)
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)

    def advisory(self) -> Advisory:
        return Advisory(
            package=PACKAGE,
            published=self.published,
            fixed=dict(FIXED),
            rollout_ends=self.day(45),
            never_patched=self.special[_NEVER_PATCHED],
            rolled_back=self.special[_ROLLED_BACK],
            rolled_back_at=self.rolled_back_at,
            deleted=self.special[_DELETED],
            deleted_at=self.deleted_at,
            registered_after=self.special[_REGISTERED_AFTER],
            fixed_at_launch=self.special[_FIXED_AT_LAUNCH],
            removed=self.special[_REMOVED],
            retagged=self.special[_RETAGGED],
            windows=tuple(self.windows),
        )

    def build(self, plan: _Plan) -> Fleet:
        fleet = Fleet(plan.account_id, plan.region)
        rng = random.Random(f"{plan.account_id}/{plan.region}")
        association = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inventory/{plan.account_id}/{plan.region}"))
        subnet = 16 * (_PLANS.index(plan) + 1)
        index = 0
        for group in plan.groups:
            for n in range(1, group.count + 1):
                index += 1
                name = self._name(plan, group, n)
                ip = f"10.{subnet}.{index // 200}.{index % 200 + 10}"
                self._server(fleet, plan, group, name=name, n=n, rng=rng, association=association, ip=ip)
        return fleet

    def _name(self, plan: _Plan, group: _Group, n: int) -> str:
        if group.role == "bastion":
            return f"bastion-{n}"
        return f"{plan.env or 'mgmt'}-{_REGION_CODES[plan.region]}-{group.role}-{n:02d}"

    def _node_id(self, plan: _Plan, name: str, hybrid: bool) -> str:
        salt = 0
        while True:
            digest = hashlib.sha256(f"{plan.account_id}/{plan.region}/{name}/{salt}".encode()).hexdigest()
            node_id = f"mi-0{digest[:16]}" if hybrid else f"i-0{digest[:16]}"
            if node_id[:5] not in self.taken:
                return node_id
            salt += 1

    def _server(
        self,
        fleet: Fleet,
        plan: _Plan,
        group: _Group,
        *,
        name: str,
        n: int,
        rng: random.Random,
        association: str,
        ip: str,
    ) -> None:
        launched = self.day(group.launched, 9, 0) + timedelta(minutes=2 * n, seconds=rng.randrange(60))
        wave: int | None = group.wave
        if name == _REGISTERED_AFTER:
            launched, wave = self.day(20, 14, 12), 27
        elif name == _FIXED_AT_LAUNCH:
            launched = self.day(30, 10, 41)
        platform_name, platform_version = _PLATFORMS[group.platform]
        node_id = self._node_id(plan, name, group.hybrid)
        region_dns = "ec2.internal" if plan.region == "us-east-1" else f"{plan.region}.compute.internal"
        node = _add(
            fleet,
            SimNode(
                node_id=node_id,
                computer_name=(
                    f"{name}.corp.example"
                    if group.hybrid
                    else f"EC2AMAZ-{node_id[-7:].upper()}"
                    if group.platform == "windows"
                    else f"ip-{ip.replace('.', '-')}.{region_dns}"
                ),
                platform_type="Windows" if group.platform == "windows" else "Linux",
                platform_name=platform_name,
                platform_version=platform_version,
                agent_version=AGENT_VERSION,
                ip_address=ip,
                registered_at=launched + timedelta(seconds=40 + rng.randrange(60)),
                name_tag=None if group.hybrid else name,
                tags={} if group.hybrid else {**({"env": plan.env} if plan.env else {}), "team": group.team},
                content_shape="list" if group.platform == "ubuntu" else "map",
                inventory_association_id=association,
            ),
        )
        if name in _SPECIAL_NAMES:
            self.special[name] = node_id
        _network(node, _mac(node_id), name="Ethernet" if group.platform == "windows" else "eth0")
        runs = _Runs(fleet, node, timedelta(seconds=rng.randrange(1800), milliseconds=rng.randrange(1000)))
        image_built = launched - timedelta(days=9)
        if group.platform == "windows":
            self.windows.append(node_id)
            win = _WindowsHost(node)
            for app, version in _WINDOWS_APPS:
                win.app(app, version, image_built.date())
            win.hotfix("KB5041160", "Security Update", image_built.date())
            runs.after(node.registered_at)
            runs.capture(self._last_run(rng))
            return
        patch = _Patcher(node, group, image_built, name)
        patch.image(older=group.older_image, fixed=name == _FIXED_AT_LAUNCH)
        runs.after(node.registered_at)  # Config discovers the server with everything it was built with
        if group.older_image and launched < self.day(-30):
            # A month before the advisory: the older vulnerable build gives way to the current vulnerable one.
            runs.after(
                patch.upgrade(self.day(-30, 2, 5) + timedelta(minutes=3 * n), fixed=False, refresh=True)
            )
        if name == _REMOVED:
            runs.after(patch.remove_tool(self.day(5, 11, 20)))
        if name == _RETAGGED:
            node.retag(self.day(15, 16, 2), {"env": "prod", "team": group.team})
        if name == _DELETED:
            self.deleted_at = runs.scheduled_after(self.day(10, 13, 7)) + timedelta(
                seconds=41, milliseconds=388
            )
            record_deleted(fleet, node_id, self.deleted_at)
            return
        if name not in (_NEVER_PATCHED, _FIXED_AT_LAUNCH) and wave is not None:
            # Maintenance window 02:00 UTC, servers one after another.
            runs.after(
                patch.upgrade(self.day(wave, 2, 0) + timedelta(minutes=3 * n, seconds=rng.randrange(90)))
            )
        if name == _ROLLED_BACK:
            self.rolled_back_at = self.day(wave or 0, 2, 0) + timedelta(days=2, hours=7, minutes=48)
            runs.after(patch.downgrade(self.rolled_back_at))
            runs.after(patch.upgrade(self.day(44, 2, 30), build=AL2023_REFIXED))
        runs.capture(self._last_run(rng))

    def _last_run(self, rng: random.Random) -> datetime:
        """A live server's latest inventory run: within the half hour before `now` (Config keeps milliseconds)."""
        at = self.now - timedelta(minutes=20, seconds=rng.randrange(600), milliseconds=rng.randrange(1000))
        return at


_SPECIAL_NAMES = (
    _NEVER_PATCHED,
    _ROLLED_BACK,
    _DELETED,
    _REMOVED,
    _RETAGGED,
    _REGISTERED_AFTER,
    _FIXED_AT_LAUNCH,
)


class _Patcher:
    """The OpenSSL packages of one Linux server, changed with its package manager (rpm or dpkg)."""

    def __init__(self, node: SimNode, group: _Group, image_built: datetime, name: str) -> None:
        self.node = node
        self.group = group
        self.image_built = image_built
        self.name = name
        self.rpm = group.platform != "ubuntu"
        self.host: _RpmHost | None = None
        if self.rpm:
            table = _AL2023 if group.platform == "al2023" else _RHEL
            publisher = "Amazon Linux" if group.platform == "al2023" else "Red Hat, Inc."
            self.host = _RpmHost(node, table, publisher, {"amazon-ssm-agent": "Amazon.com"})

    @property
    def names(self) -> tuple[str, ...]:
        return ("openssl", "openssl-libs") if self.rpm else ("openssl", "libssl3")

    def image(self, *, older: bool, fixed: bool) -> None:
        if self.host is not None:
            if self.group.platform == "al2023":
                names: Sequence[str] = (*_AL2023_BASE, *_AL2023_ROLE.get(self.group.role, ()))
            else:
                names = tuple(_RHEL)
            self.host.image(self.image_built, names, seconds_each=0.6)
            build = FIXED["Amazon Linux 2023"] if fixed else AL2023_OLDER if older else None
            if build is not None and self.group.platform == "al2023":
                self.host.transaction(
                    self.image_built + timedelta(minutes=1), [f"up {n} {build}" for n in self.names]
                )
            return
        for name in (*_UBUNTU_BASE, *_UBUNTU_ROLE.get(self.group.role, ())):
            self.node.install(_UBUNTU[name].entry())
        version = FIXED["Ubuntu 22.04"] if fixed else UBUNTU_OLDER if older else None
        if version is not None:
            for name in self.names:
                self.node.replace(_UBUNTU[name].entry(version))

    def upgrade(
        self, at: datetime, *, fixed: bool = True, build: str | None = None, refresh: bool = False
    ) -> datetime:
        """`dnf upgrade openssl*` / `apt-get install --only-upgrade openssl libssl3`; returns when it ended.

        `fixed=False`: to the current vulnerable build (the pre-advisory maintenance).
        """
        if self.host is not None:
            platform = (
                "Amazon Linux 2023" if self.group.platform == "al2023" else "Red Hat Enterprise Linux 9.4"
            )
            target = build or (FIXED[platform] if fixed else AL2023_VULNERABLE)
            ops = [f"up {n} {target}" for n in self.names]
            if refresh:
                ops += ["up curl-minimal 8.5.0-1.amzn2023.0.4", "up libcurl-minimal 8.5.0-1.amzn2023.0.4"]
            return self.host.transaction(at, ops)
        version = build or (FIXED["Ubuntu 22.04"] if fixed else UBUNTU_VULNERABLE)
        for name in self.names:
            if any(e["Name"] == name for e in self.node.entries()):
                self.node.replace(_UBUNTU[name].entry(version))
        if refresh:
            for name in ("curl", "libcurl4"):
                self.node.replace(_UBUNTU[name].entry("7.81.0-1ubuntu1.18"))
        return at + timedelta(seconds=40)

    def downgrade(self, at: datetime) -> datetime:
        """`dnf downgrade openssl openssl-libs` back to the vulnerable build."""
        assert self.host is not None, "the rolled-back server runs rpm"
        return self.host.transaction(at, [f"up {n} {AL2023_VULNERABLE}" for n in self.names])

    def remove_tool(self, at: datetime) -> datetime:
        """`apt-get remove openssl`: the command-line tool goes, the library `libssl3` stays."""
        self.node.remove("openssl")
        return at + timedelta(seconds=25)


def _mac(node_id: str) -> str:
    digest = hashlib.sha256(node_id.encode()).hexdigest()
    return "0a:" + ":".join(digest[i : i + 2] for i in range(0, 10, 2))
