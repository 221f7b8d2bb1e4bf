"""The simulated organization: its shape, and each case of its advisory story really in the recorded data.

Versions are read with pkgwhen's own parser and compared by pkgwhen's own rules (rpm or dpkg), so "exposed"
here means what the fleet questions will mean by it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from bot.core.config_items import InventorySnapshot, parse_configuration_item
from bot.core.versions import VersionScheme, compare_versions, scheme_for
from bot.sim.fleet import Fleet, SimNode
from bot.sim.organization import ALIASES, Organization, build_organization
from tests.conftest import NOW


@dataclass(frozen=True)
class Reading:
    """One recorded item of a server, as pkgwhen reads it."""

    at: datetime
    status: str
    snapshot: InventorySnapshot

    def version(self, package: str) -> str | None:
        found = self.snapshot.versions_of(package)
        return found[0].version if found else None


def readings(node: SimNode) -> list[Reading]:
    snapshots = [parse_configuration_item(item) for item in node.items]
    return [Reading(s.captured_at, s.status, s) for s in snapshots]


def fixed_for(organization: Organization, reading: Reading) -> str:
    platform = reading.snapshot.platform
    assert platform is not None
    return organization.advisory.fixed[f"{platform.name} {platform.version}"]


def exposed(organization: Organization, reading: Reading, package: str = "openssl") -> bool | None:
    """Below the platform's fixed build (None: the package is not installed)."""
    version = reading.version(package)
    if version is None:
        return None
    scheme = scheme_for(reading.snapshot)
    assert scheme is not VersionScheme.GENERIC
    return compare_versions(version, fixed_for(organization, reading), scheme) < 0


def linux_servers(organization: Organization) -> list[tuple[Fleet, SimNode]]:
    return [(f, n) for f in organization.members for n in f.nodes() if n.platform_type == "Linux"]


# --- shape ----------------------------------------------------------------------------------------------


def test_several_accounts_each_in_several_regions_a_few_hundred_servers(organization: Organization) -> None:
    regions: dict[str, set[str]] = {}
    for fleet in organization.fleets():
        regions.setdefault(fleet.account_id, set()).add(fleet.region)
    assert len(regions) >= 4 and set(regions) == set(ALIASES)
    assert sum(len(r) >= 2 for r in regions.values()) >= 4
    assert organization.home.account_id == "123456789012" and organization.home.region == "us-east-1"
    servers = sum(len(f.nodes()) for f in organization.fleets())
    assert 250 <= servers <= 400


def test_the_home_fleet_is_the_demos_fleet_untouched(default_fleet: Fleet) -> None:
    home = default_fleet.copy()
    before = {n.node_id: list(n.items) for n in home.nodes()}
    organization = build_organization(home, now=NOW)
    assert organization.home is home
    assert {n.node_id: n.items for n in home.nodes()} == before
    # No member server shares a short prefix with a home server: `i-0abc` still names web-1 alone.
    home_prefixes = {node_id[:5] for node_id in before}
    assert not any(n.node_id[:5] in home_prefixes for f in organization.members for n in f.nodes())


def test_rpm_and_dpkg_servers_side_by_side_and_windows_without_openssl(organization: Organization) -> None:
    schemes = Counter(scheme_for(readings(n)[-1].snapshot) for _, n in linux_servers(organization))
    assert schemes[VersionScheme.RPM] >= 50 and schemes[VersionScheme.DPKG] >= 50
    assert organization.advisory.windows
    for node_id in organization.advisory.windows:
        _, node = organization.locate(node_id)
        assert all(r.version("openssl") is None for r in readings(node))


def test_items_are_what_a_recorder_records(organization: Organization) -> None:
    for fleet in organization.members:
        for node in fleet.nodes():
            items = node.items
            assert items[0]["configurationItemStatus"] == "ResourceDiscovered"
            assert all(i["accountId"] == fleet.account_id and i["awsRegion"] == fleet.region for i in items)
            times = [i["configurationItemCaptureTime"] for i in items]
            assert times == sorted(times) and len(set(times)) == len(times)
            configurations = [
                i["configuration"] for i in items if i["configurationItemStatus"] != "ResourceDeleted"
            ]
            assert all(a != b for a, b in pairwise(configurations))
            assert times[-1] < NOW


def test_tags_for_filters_and_a_name_in_three_accounts(organization: Organization) -> None:
    envs = Counter(n.tags.get("env") for f in organization.members for n in f.nodes())
    assert envs["prod"] >= 50 and envs["staging"] >= 30
    teams = {n.tags.get("team") for f in organization.members for n in f.nodes()} - {None}
    assert len(teams) >= 5
    hybrid = [n for f in organization.members for n in f.nodes() if n.node_id.startswith("mi-")]
    assert hybrid and all(not n.tags and n.name_tag is None for n in hybrid)
    assert len({f.account_id for f, _ in organization.named("bastion-1")}) == 3


def test_the_same_now_gives_the_same_organization(default_fleet: Fleet, organization: Organization) -> None:
    again = build_organization(default_fleet.copy(), now=NOW)
    assert again.advisory == organization.advisory
    for ours, theirs in zip(organization.members, again.members, strict=True):
        assert [n.items for n in ours.nodes()] == [n.items for n in theirs.nodes()]


def test_a_copy_is_independent(organization: Organization) -> None:
    twin = organization.copy()
    fleet, node = organization.locate(organization.advisory.never_patched)
    node.replace({"Name": "openssl", "Version": "3.0.8", "Release": "1.amzn2023.0.16", "Epoch": "1"})
    fleet.capture(node.node_id, NOW)
    _, twin_node = twin.locate(organization.advisory.never_patched)
    assert len(twin_node.items) == len(node.items) - 1


# --- the advisory story ---------------------------------------------------------------------------------


def test_a_gradual_rollout_over_weeks_most_servers_fixed_by_its_end(organization: Organization) -> None:
    advisory = organization.advisory
    fixed_at: list[datetime] = []
    still: list[str] = []
    for _, node in linux_servers(organization):
        history = readings(node)
        if history[-1].status.startswith("ResourceDeleted"):
            continue
        fixes = [
            later.at
            for earlier, later in pairwise(history)
            if exposed(organization, earlier) and exposed(organization, later) is False
        ]
        fixed_at += fixes[:1]
        if exposed(organization, history[-1]):
            still.append(node.node_id)
    assert still == [advisory.never_patched]
    assert all(advisory.published < at < advisory.rollout_ends for at in fixed_at)
    assert max(fixed_at) - min(fixed_at) >= timedelta(weeks=4)
    assert len({at.date() for at in fixed_at}) >= 8
    assert len(fixed_at) >= 200


def test_one_server_never_patched(organization: Organization) -> None:
    _, node = organization.locate(organization.advisory.never_patched)
    history = readings(node)
    assert history[0].at < organization.advisory.published
    assert all(exposed(organization, r) for r in history)
    assert node.deleted_at is None and node.ping_status == "Online"


def test_one_server_rolled_back_after_the_fix_then_fixed_again(organization: Organization) -> None:
    advisory = organization.advisory
    _, node = organization.locate(advisory.rolled_back)
    states = [exposed(organization, r) for r in readings(node)]
    # Collapse repeats: exposed, fixed, exposed again (the downgrade), fixed.
    runs = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert runs == [True, False, True, False]
    history = readings(node)
    downgrade = next(
        r for before, r in pairwise(history) if exposed(organization, r) and not exposed(organization, before)
    )
    assert downgrade.at > advisory.rolled_back_at
    entry = downgrade.snapshot.versions_of("openssl")[0]
    assert entry.installed_at == advisory.rolled_back_at  # rpm tells when the downgrade was installed


def test_one_server_deleted_while_exposed(organization: Organization) -> None:
    advisory = organization.advisory
    fleet, node = organization.locate(advisory.deleted)
    history = readings(node)
    assert history[-1].status == "ResourceDeleted" and history[-1].at == advisory.deleted_at
    assert exposed(organization, history[-2])
    assert advisory.published < advisory.deleted_at
    assert fleet.instance_items(node)[-1]["configurationItemStatus"] == "ResourceDeleted"


def test_servers_registered_after_the_advisory_exposed_from_registration_or_never(
    organization: Organization,
) -> None:
    advisory = organization.advisory
    _, late = organization.locate(advisory.registered_after)
    history = readings(late)
    assert history[0].status == "ResourceDiscovered" and history[0].at > advisory.published
    assert exposed(organization, history[0]) and exposed(organization, history[-1]) is False
    _, fresh = organization.locate(advisory.fixed_at_launch)
    history = readings(fresh)
    assert history[0].at > advisory.published
    assert all(exposed(organization, r) is False for r in history)


def test_one_server_removed_the_tool_and_kept_the_patched_library(organization: Organization) -> None:
    _, node = organization.locate(organization.advisory.removed)
    history = readings(node)
    assert exposed(organization, history[0]) and history[-1].version("openssl") is None
    removed = next(r for r in history if r.version("openssl") is None)
    assert removed.at > organization.advisory.published
    assert scheme_for(history[-1].snapshot) is VersionScheme.DPKG
    assert exposed(organization, history[-1], "libssl3") is False


def test_one_server_retagged_during_the_rollout_as_config_recorded_it(organization: Organization) -> None:
    fleet, node = organization.locate(organization.advisory.retagged)
    tags = [
        (item["configurationItemCaptureTime"], item["tags"].get("env")) for item in fleet.instance_items(node)
    ]
    assert [env for _, env in tags] == ["staging", "prod"]
    assert organization.advisory.published < tags[1][0] < organization.advisory.rollout_ends


@pytest.mark.parametrize("platform", ["Amazon Linux", "Ubuntu"])
def test_some_servers_went_from_an_older_vulnerable_build_to_a_newer_one_before_the_advisory(
    organization: Organization, platform: str
) -> None:
    moved = 0
    for _, node in linux_servers(organization):
        history = readings(node)
        if history[0].snapshot.platform is None or history[0].snapshot.platform.name != platform:
            continue
        before = [r for r in history if r.at < organization.advisory.published and r.version("openssl")]
        builds = list(dict.fromkeys(r.version("openssl") for r in before))
        if len(builds) == 2 and all(exposed(organization, r) for r in before):
            scheme = scheme_for(before[0].snapshot)
            assert compare_versions(str(builds[0]), str(builds[1]), scheme) < 0
            moved += 1
    assert moved >= 5
