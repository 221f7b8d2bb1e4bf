"""Version order per package manager, and how a node's scheme is decided from its inventory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.config_items import (
    InventoryKind,
    InventorySnapshot,
    PackageEntry,
    PlatformInfo,
    parse_inventory_entries,
)
from bot.core.versions import VersionScheme, compare_versions, scheme_for, version_sort_key

RPM, DPKG, GENERIC = VersionScheme.RPM, VersionScheme.DPKG, VersionScheme.GENERIC


@pytest.mark.parametrize(
    ("older", "newer", "scheme"),
    [
        # rpm: an epoch beats any version
        ("2.0-1", "1:1.0-1", RPM),
        # rpm: ~ sorts before the release it precedes
        ("1.0~rc1-1", "1.0-1", RPM),
        # rpm: release compared segment by segment
        ("7.61.1-12.amzn2.0.1", "7.61.1-12.amzn2.0.2", RPM),
        ("5.10.219-208.866.amzn2", "5.10.220-209.867.amzn2", RPM),
        ("1.9-1", "1.10-1", RPM),
        # dpkg: epoch, ~, revision
        ("3.0-1", "1:2.0-1", DPKG),
        ("1.0~rc1-1", "1.0-1", DPKG),
        ("1.1.1f-1ubuntu2.19", "1.1.1f-1ubuntu2.20", DPKG),
        ("2:8.2.3995-1ubuntu2.15", "2:8.2.3995-1ubuntu2.16", DPKG),
        # Windows: dotted numbers compare numerically, not as text
        ("10.0.9600.1", "10.0.19041.1", GENERIC),
        ("2.3.930.0", "3.0.1124.0", GENERIC),
        ("1.0", "1.0.1", GENERIC),
        ("1.0.9", "1.0.10", GENERIC),
        # no digits at all: plain text order
        ("alpha", "beta", GENERIC),
    ],
)
def test_newer_version_ranks_higher(older: str, newer: str, scheme: VersionScheme) -> None:
    assert compare_versions(newer, older, scheme) == 1
    assert compare_versions(older, newer, scheme) == -1
    assert compare_versions(newer, newer, scheme) == 0


@pytest.mark.parametrize(
    ("a", "b", "scheme"),
    [
        ("0:1.0-1", "1.0-1", RPM),  # epoch 0 is no epoch
        ("1.0-1", "1.0-1", DPKG),
        ("10.0.19041.1", "10.0.19041.1", GENERIC),
    ],
)
def test_equal_versions_compare_equal(a: str, b: str, scheme: VersionScheme) -> None:
    assert compare_versions(a, b, scheme) == 0


@pytest.mark.parametrize("scheme", list(VersionScheme))
@pytest.mark.parametrize("odd", ["", ":1", "a:b", "-1", "??", "ü", "1:", "\x00", "1..2", "   ", "²-1", "1.²"])
def test_odd_versions_never_raise_and_order_consistently(odd: str, scheme: VersionScheme) -> None:
    forward = compare_versions(odd, "1.0", scheme)
    backward = compare_versions("1.0", odd, scheme)
    assert forward in (-1, 0, 1)
    assert forward == -backward


def test_sort_key_orders_kernels_oldest_first() -> None:
    versions = ["5.10.220-209.867.amzn2", "5.10.9-1.amzn2", "5.10.219-208.866.amzn2"]
    assert sorted(versions, key=version_sort_key(RPM)) == [
        "5.10.9-1.amzn2",
        "5.10.219-208.866.amzn2",
        "5.10.220-209.867.amzn2",
    ]


def _apps(*rows: dict[str, str]) -> tuple[PackageEntry, ...]:
    return parse_inventory_entries("AWS:Application", list(rows))


def _snapshot(platform: PlatformInfo | None, packages: tuple[PackageEntry, ...]) -> InventorySnapshot:
    return InventorySnapshot(
        node_id="i-0123456789abcdef0",
        captured_at=datetime(2024, 7, 1, tzinfo=UTC),
        state_id="1",
        status="OK",
        packages=packages,
        platform=platform,
    )


AL2 = PlatformInfo(name="Amazon Linux", type="Linux", version="2")
UBUNTU = PlatformInfo(name="Ubuntu", type="Linux", version="22.04")
WINDOWS = PlatformInfo(name="Microsoft Windows Server 2019 Datacenter", type="Windows", version="10.0.17763")
RPM_ROW = {"Name": "curl", "Version": "7.61.1", "Release": "12.amzn2.0.1", "Architecture": "x86_64"}
DEB_ROW = {"Name": "openssl", "Version": "3.0.2-0ubuntu1.15", "Architecture": "x86_64"}
PLAIN_ROW = {"Name": "PowerShell 7-x64", "Version": "7.0.0.0", "Architecture": "x86_64"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (AL2, RPM),
        (PlatformInfo(name="Red Hat Enterprise Linux", type="Linux"), RPM),
        (PlatformInfo(name="SLES", type="Linux"), RPM),
        (UBUNTU, DPKG),
        (PlatformInfo(name="Debian GNU/Linux", type="Linux"), DPKG),
        (WINDOWS, GENERIC),
        (None, GENERIC),
        # decided from the entries alone
        (_apps(RPM_ROW), RPM),
        (_apps({"Name": "bash", "Version": "4.2.46", "Epoch": "1"}), RPM),
        (_apps(DEB_ROW), DPKG),
        (_apps({"Name": "vim", "Version": "2:8.2.3995-1ubuntu2.15"}), DPKG),
        (_apps(PLAIN_ROW), GENERIC),
        # a snapshot: rpm fields win, then the platform, then dpkg-looking versions
        (_snapshot(UBUNTU, _apps(PLAIN_ROW)), DPKG),
        (_snapshot(None, _apps(DEB_ROW)), DPKG),
        (_snapshot(WINDOWS, _apps(PLAIN_ROW)), GENERIC),
        (_snapshot(None, _apps(RPM_ROW, PLAIN_ROW)), RPM),
        (_snapshot(PlatformInfo(name="Rocky Linux", type="Linux"), ()), RPM),
    ],
)
def test_scheme_is_decided_from_the_data(
    source: InventorySnapshot | PlatformInfo | tuple[PackageEntry, ...] | None, expected: VersionScheme
) -> None:
    assert scheme_for(source) is expected


def test_hotfixes_do_not_decide_the_scheme() -> None:
    hotfixes = parse_inventory_entries(
        "AWS:WindowsUpdate", [{"HotFixId": "KB5001", "Description": "1:2-ubuntu"}]
    )
    assert hotfixes[0].kind is InventoryKind.WINDOWS_UPDATE
    assert scheme_for(hotfixes) is GENERIC
