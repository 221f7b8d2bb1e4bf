"""Fleets for questions whose answers are big: thousands of packages, huge inventory items, long names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sim.fleet import Fleet, SimNode, iso

START = datetime(2026, 8, 1, tzinfo=UTC)
BIG = "i-0b16b16b16b16b16b"
FAT = "i-0fa7fa7fa7fa7fa7f"
BIG_PACKAGES = 2000
LIB_PACKAGES = 1200
# Inventory items of FAT are about this big: every package carries a long summary, as some repos write.
FAT_ITEM_BYTES = 5_000_000
WEIRD_NAME = "weird-" + "n" * 20_000
CROWD = 300


def _rpm(name: str, version: str, at: datetime, summary: str = "") -> dict[str, str]:
    entry = {
        "Name": name,
        "Version": version,
        "Release": "1.amzn2023",
        "Architecture": "x86_64",
        "Publisher": "Amazon Linux",
        "InstalledTime": iso(at),
    }
    if summary:
        entry["Summary"] = summary
    return entry


def big_fleet() -> Fleet:
    """big-1: 2,000 packages, 1,200 of them lib*, every lib* upgraded twice."""
    fleet = Fleet()
    big = fleet.add(SimNode(BIG, "big-1.internal", "Linux", "Amazon Linux", "2023", "3.3.0.0", "10.0.9.1", START, name_tag="big-1"))
    names = [f"lib{n:04d}" for n in range(LIB_PACKAGES)] + [f"tool{n:04d}" for n in range(BIG_PACKAGES - LIB_PACKAGES)]
    for name in names:
        big.install(_rpm(name, "1.0", START - timedelta(days=1)))
    fleet.capture(BIG, START)
    for round_ in (1, 2):
        at = START + timedelta(days=7 * round_)
        for name in names[:LIB_PACKAGES]:
            big.replace(_rpm(name, f"1.{round_}", at - timedelta(minutes=10)))
        fleet.capture(BIG, at)
    return fleet


def fat_fleet() -> Fleet:
    """fat-1: inventory items of 5 MB, and one package whose name and version are absurdly long."""
    fleet = Fleet()
    fat = fleet.add(SimNode(FAT, "fat-1.internal", "Linux", "Amazon Linux", "2023", "3.3.0.0", "10.0.9.2", START, name_tag="fat-1"))
    count = 2000
    summary = "s" * (FAT_ITEM_BYTES // count)
    for n in range(count):
        fat.install(_rpm(f"pkg{n:04d}", "1.0", START - timedelta(days=1), summary))
    fat.install(_rpm(WEIRD_NAME, "9" * 10_000, START - timedelta(days=1)))
    fleet.capture(FAT, START)
    fat.replace(_rpm("pkg0001", "2.0", START + timedelta(days=1), summary))
    fat.replace(_rpm(WEIRD_NAME, "9" * 10_001, START + timedelta(days=1)))
    fleet.capture(FAT, START + timedelta(days=2))
    return fleet


def crowded_fleet() -> Fleet:
    """300 servers whose IDs share a prefix and whose Name tags are as long as EC2 allows (256)."""
    fleet = Fleet()
    for n in range(CROWD):
        node_id = f"i-0c{n:015x}"
        node = fleet.add(
            SimNode(node_id, f"crowd-{n}", "Linux", "Amazon Linux", "2023", "3.3.0.0", "10.0.8.1", START,
                    name_tag=f"crowd-{n:03d}-" + "x" * 246)
        )
        node.install(_rpm("curl", "8.0", START - timedelta(days=1)))
        fleet.capture(node_id, START)
    return fleet


# Values that ping, mention or link when Slack reads them as mrkdwn, and an `&` that must stay one.
PINGS = ("<!channel>", "<!here>", "<@U0EVIL>", "<#C0EVIL>", "<http://evil.example|")
HOSTILE = "<!channel> <!here> <@U0EVIL> <#C0EVIL> <http://evil.example|click> AT&T"
HOSTILE_PACKAGE = "zz<!channel>"
AMPERSAND_APP = "AT&T Global Network Client <x64>"


def hostile_fleet() -> Fleet:
    """The default fleet with hostile data: web-1's Name tag, the on-prem node's hostname, a package
    whose name and version ping (the package is installed now, so Config recorded it)."""
    from bot.sim.default_fleet import AL2_WEB, ONPREM_DB, WIN_APP, build_default_fleet
    from tests.conftest import NOW

    fleet = build_default_fleet(now=NOW)
    web, onprem, win = fleet.node(AL2_WEB), fleet.node(ONPREM_DB), fleet.node(WIN_APP)
    assert web is not None and onprem is not None and win is not None
    web.name_tag = HOSTILE
    onprem.computer_name = HOSTILE + ".corp.example"
    web.install(_rpm(HOSTILE_PACKAGE, "<@U0EVIL>&1", NOW - timedelta(hours=3)))
    fleet.capture(AL2_WEB, NOW - timedelta(hours=2))
    # A Windows application whose name holds `&` and `<`, as some vendors' do.
    win.install({"Name": AMPERSAND_APP, "Version": "9.9.1", "Publisher": "AT&T", "InstalledTime": iso(NOW - timedelta(hours=3))})
    fleet.capture(WIN_APP, NOW - timedelta(hours=2))
    return fleet
