"""The default simulated fleet tells the stories the demo and the bot's tests rely on."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dateutil import parser as dateparser
from univers.versions import DebianVersion, RpmVersion

from bot.sim import default_fleet as df
from bot.sim.fleet import Entry, Fleet, SimNode

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LIVE = (df.AL2_WEB, df.AL2_BATCH, df.UBUNTU_APP, df.WIN_APP, df.ONPREM_DB)
RPM_NODES = (df.AL2_WEB, df.AL2_BATCH, df.AL2_BUILD, df.AL2_RETIRED, df.ONPREM_DB)


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return df.build_default_fleet(NOW)


def node(fleet: Fleet, node_id: str) -> SimNode:
    found = fleet.node(node_id)
    assert found is not None, node_id
    return found


def configuration(item: dict[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(item["configuration"])
    return parsed


def entries(item: dict[str, Any], type_name: str = "AWS:Application") -> list[Entry]:
    """Every entry of one inventory type in an item, whichever content shape it uses."""
    content = configuration(item).get(type_name, {}).get("Content", [])
    values = content.values() if isinstance(content, dict) else content
    out: list[Entry] = []
    for value in values:
        out.extend(value if isinstance(value, list) else [value])
    return out


def by_name(item: dict[str, Any]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for entry in entries(item):
        out.setdefault(entry["Name"], []).append(entry)
    return out


def changed_names(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    old, new = by_name(before), by_name(after)
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


def evr(entry: Entry) -> str:
    epoch = f"{entry['Epoch']}:" if "Epoch" in entry else ""
    return f"{epoch}{entry['Version']}-{entry['Release']}"


def capture_time(item: dict[str, Any]) -> datetime:
    at: datetime = item["configurationItemCaptureTime"]
    return at


# --- the seed's story ---------------------------------------------------------------------------------


def test_seed_yum_update_is_recorded_as_two_items_because_the_agent_updated_itself_first(
    fleet: Fleet,
) -> None:
    items = node(fleet, df.AL2_WEB).items
    on_the_day = [i for i, item in enumerate(items) if capture_time(item).date() == date(2020, 7, 2)]
    assert len(on_the_day) == 2
    first, second = on_the_day
    before, agent_item, rest_item = items[first - 1], items[first], items[second]
    assert capture_time(agent_item) == df.SEED_AGENT_CAPTURE
    assert capture_time(rest_item) == df.SEED_REST_CAPTURE
    assert timedelta(minutes=1) < capture_time(rest_item) - capture_time(agent_item) < timedelta(minutes=10)

    assert changed_names(before, agent_item) == {"amazon-ssm-agent"}
    assert [evr(e) for e in by_name(agent_item)["amazon-ssm-agent"]] == ["2.3.1319.0-1.amzn2"]

    upgraded = {name for name, _, _ in df.SEED_UPGRADES} - {"amazon-ssm-agent"}
    assert len(upgraded) == 29
    assert changed_names(agent_item, rest_item) == upgraded | {"kernel"}
    after = by_name(rest_item)
    for name, old, new in df.SEED_UPGRADES:
        assert [evr(e) for e in by_name(before)[name]] == [old]
        assert [evr(e) for e in after[name]] == [new]
    # The new kernel is installed beside the old one, not over it.
    assert sorted(evr(e) for e in after["kernel"]) == sorted([df.AMI_KERNEL, df.SEED_KERNEL])


def test_seed_update_install_times_are_moments_of_the_yum_transaction(fleet: Fleet) -> None:
    items = node(fleet, df.AL2_WEB).items
    rest_item = next(i for i in items if capture_time(i) == df.SEED_REST_CAPTURE)
    agent_item = next(i for i in items if capture_time(i) == df.SEED_AGENT_CAPTURE)
    agent_installed = dateparser.isoparse(by_name(agent_item)["amazon-ssm-agent"][0]["InstalledTime"])
    assert df.SEED_YUM_START <= agent_installed <= df.SEED_AGENT_CAPTURE
    times = {
        dateparser.isoparse(e["InstalledTime"])
        for name in {n for n, _, _ in df.SEED_UPGRADES[1:]} | {"kernel"}
        for e in by_name(rest_item)[name]
        if e["InstalledTime"].startswith("2020-07-02")
    }
    assert len(times) == 30  # each package has its own moment
    assert all(df.SEED_AGENT_CAPTURE < t <= df.SEED_REST_CAPTURE for t in times)


def test_seed_instance_starts_with_the_ami_and_the_first_boot_security_update(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    assert web.node_id.startswith("i-0abc")
    assert web.name_tag == "web-1"
    assert re.fullmatch(r"ip-172-31-\d+-\d+\.ec2\.internal", web.computer_name)
    statuses = [item["configurationItemStatus"] for item in web.items]
    assert statuses[0] == "ResourceDiscovered"
    assert set(statuses[1:]) == {"OK"}

    discovered, first_inventory = web.items[0], web.items[1]
    # Config discovered the node from its instance information before the first inventory run.
    assert set(configuration(discovered)) == {"AWS:InstanceInformation"}
    packages = by_name(first_inventory)
    assert 450 <= len(entries(first_inventory)) <= 500
    for name, _, new in df.FIRST_BOOT_UPGRADES:
        (entry,) = packages[name]
        assert evr(entry) == new
        installed = dateparser.isoparse(entry["InstalledTime"])
        assert df.FIRST_BOOT_UPGRADE_TIME <= installed < df.FIRST_BOOT_UPGRADE_TIME + timedelta(seconds=30)
    assert df.AL2_WEB_LAUNCH < df.FIRST_BOOT_UPGRADE_TIME < capture_time(first_inventory)
    ami_built = [e for e in entries(first_inventory) if e["InstalledTime"].startswith("2020-06-17")]
    assert len(ami_built) == len(entries(first_inventory)) - len(df.FIRST_BOOT_UPGRADES)


def test_rpm_entries_have_the_fields_the_agent_reports(fleet: Fleet) -> None:
    packages = by_name(node(fleet, df.AL2_WEB).items[1])
    (bind,) = packages["bind-libs"]
    assert bind["Epoch"] == "32"
    assert bind["PackageId"] == "bind-9.11.4-9.P2.amzn2.0.3.src.rpm"
    assert packages["system-release"][0]["Epoch"] == "1"
    assert packages["microcode_ctl"][0]["Epoch"] == "2"
    (curl,) = packages["curl"]
    assert "Epoch" not in curl  # epoch 0 is not reported
    assert curl["Publisher"] == "Amazon Linux"
    assert curl["Architecture"] == "x86_64"
    assert packages["bind-license"][0]["Architecture"] == "noarch"
    for entry in entries(node(fleet, df.AL2_WEB).items[-1]):
        assert {
            "Name",
            "Version",
            "Release",
            "Architecture",
            "InstalledTime",
            "PackageId",
            "Publisher",
        } <= set(entry)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["InstalledTime"])
        assert entry["PackageId"].endswith(".src.rpm") or entry["Name"] == "gpg-pubkey"
        assert entry.get("Epoch") != "0"


def test_no_package_is_installed_after_the_capture_that_shows_it(fleet: Fleet) -> None:
    for node_id in RPM_NODES:
        for item in node(fleet, node_id).items:
            for entry in entries(item):
                assert dateparser.isoparse(entry["InstalledTime"]) <= capture_time(item), (node_id, entry)


def test_seed_history_goes_on_for_years_with_a_removal_a_later_install_and_old_kernels_removed(
    fleet: Fleet,
) -> None:
    items = node(fleet, df.AL2_WEB).items
    assert capture_time(items[-1]) - capture_time(items[0]) > timedelta(days=365 * 2)
    assert len(items) > 20
    present = [("telnet" in by_name(item)) for item in items]
    appeared = present.index(True)
    assert not any(present[:appeared])
    assert any(present[appeared:]) and not present[-1]  # installed later, removed later still
    assert "httpd" not in by_name(items[1]) and "httpd" in by_name(items[-1])
    kernels = [sorted(evr(e) for e in by_name(item)["kernel"]) for item in items[1:]]
    assert max(len(k) for k in kernels) == 3  # yum's installonly limit
    assert df.AMI_KERNEL not in kernels[-1] and df.SEED_KERNEL not in kernels[-1]


def test_the_aws_component_inventory_follows_the_agent(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    for item in web.items[1:]:
        (agent,) = [e for e in entries(item, "AWS:AWSComponent") if e["Name"] == "amazon-ssm-agent"]
        (app,) = by_name(item)["amazon-ssm-agent"]
        assert agent["Version"] == app["Version"]
        info = configuration(item)["AWS:InstanceInformation"]["Content"][web.node_id]
        assert info["AgentVersion"] == app["Version"]


# --- the other stories --------------------------------------------------------------------------------


def test_both_content_shapes_are_present(fleet: Fleet) -> None:
    assert node(fleet, df.AL2_WEB).content_shape == "map"
    assert node(fleet, df.WIN_APP).content_shape == "map"
    assert node(fleet, df.UBUNTU_APP).content_shape == "list"
    assert node(fleet, df.ONPREM_DB).content_shape == "list"
    map_content = configuration(node(fleet, df.AL2_WEB).items[-1])["AWS:Application"]["Content"]
    list_content = configuration(node(fleet, df.UBUNTU_APP).items[-1])["AWS:Application"]["Content"]
    assert isinstance(map_content, dict) and isinstance(map_content["kernel"], list)
    assert isinstance(list_content, list)


@pytest.mark.parametrize("node_id", [df.AL2_WEB, df.UBUNTU_APP, df.WIN_APP, df.ONPREM_DB, df.AL2_BATCH])
def test_history_spans_more_than_a_year(fleet: Fleet, node_id: str) -> None:
    items = node(fleet, node_id).items
    assert capture_time(items[-1]) - capture_time(items[0]) > timedelta(days=366)
    assert len(items) >= 5


def test_ubuntu_epoch_bump_is_an_upgrade_that_string_comparison_gets_wrong(fleet: Fleet) -> None:
    items = node(fleet, df.UBUNTU_APP).items
    versions = [[e["Version"] for e in by_name(i).get(df.UBUNTU_EPOCH_PACKAGE, [])] for i in items]
    step = next(i for i in range(1, len(items)) if versions[i - 1] == [df.UBUNTU_EPOCH_OLD])
    assert versions[step] == [df.UBUNTU_EPOCH_NEW]
    assert df.UBUNTU_EPOCH_NEW < df.UBUNTU_EPOCH_OLD  # as strings
    assert DebianVersion(df.UBUNTU_EPOCH_NEW) > DebianVersion(df.UBUNTU_EPOCH_OLD)


def test_ubuntu_has_a_downgrade(fleet: Fleet) -> None:
    items = node(fleet, df.UBUNTU_APP).items
    downgrades = []
    for before, after in itertools.pairwise(items):
        for name in changed_names(before, after):
            old, new = by_name(before).get(name), by_name(after).get(name)
            if old and new and DebianVersion(new[0]["Version"]) < DebianVersion(old[0]["Version"]):
                downgrades.append((name, old[0]["Version"], new[0]["Version"]))
    assert downgrades == [(df.UBUNTU_DOWNGRADE_PACKAGE, df.UBUNTU_DOWNGRADE_FROM, df.UBUNTU_DOWNGRADE_TO)]


def test_ubuntu_entries_look_like_dpkg(fleet: Fleet) -> None:
    ubuntu = node(fleet, df.UBUNTU_APP)
    assert (ubuntu.platform_name, ubuntu.platform_version) == ("Ubuntu", "20.04")
    packages = by_name(ubuntu.items[-1])
    for entry in entries(ubuntu.items[-1]):
        assert not {"Release", "Epoch", "InstalledTime"} & set(entry)
        assert entry["Architecture"] in {"x86_64", "all"}
        assert entry["PackageId"] == f"{entry['Name']}_{entry['Version']}_" + (
            "amd64.deb" if entry["Architecture"] == "x86_64" else "all.deb"
        )
        assert entry["Publisher"]
    assert packages["bsdutils"][0]["Version"].startswith("1:2.34-0.1ubuntu9")
    # A new kernel ABI is a new set of package names, installed beside the running one.
    images = [n for n in packages if re.fullmatch(r"linux-image-5\.4\.0-\d+-aws", n)]
    assert len(images) == 2


def test_onprem_node_has_a_removal_and_a_later_reinstall(fleet: Fleet) -> None:
    db = node(fleet, df.ONPREM_DB)
    assert re.fullmatch(r"mi-[0-9a-f]{17}", db.node_id)
    assert db.name_tag is None
    assert db.computer_name == df.ONPREM_DB_COMPUTER_NAME
    assert db.resource_type == "ManagedInstance"
    states = [by_name(item).get(df.ONPREM_REMOVED_PACKAGE) for item in db.items]
    removed = next(i for i in range(1, len(states)) if states[i - 1] and not states[i])
    reinstalled = next(i for i in range(removed, len(states)) if states[i])
    old, new = states[removed - 1], states[reinstalled]
    assert old is not None and new is not None
    assert RpmVersion(evr(new[0])) > RpmVersion(evr(old[0]))
    # Minor-release upgrades show in the instance information.
    versions = [
        configuration(i)["AWS:InstanceInformation"]["Content"][db.node_id]["PlatformVersion"]
        for i in db.items
    ]
    assert versions[0] == "8.4" and versions[-1] == "8.10"


def test_windows_node_gets_monthly_hotfixes(fleet: Fleet) -> None:
    win = node(fleet, df.WIN_APP)
    assert win.platform_type == "Windows"
    hotfix_months = set()
    for item in win.items:
        for hotfix in entries(item, "AWS:WindowsUpdate"):
            installed = dateparser.parse(hotfix["InstalledTime"])
            hotfix_months.add((installed.year, installed.month))
            assert hotfix["InstalledBy"] == "NT AUTHORITY\\SYSTEM"
            assert re.fullmatch(r"KB\d{7}", hotfix["HotFixId"])
            assert hotfix["Description"] in {"Security Update", "Update"}
    assert {(2021, m) for m in range(1, 13)} <= hotfix_months
    assert any(e["HotFixId"] == "KB5005030" for item in win.items for e in entries(item, "AWS:WindowsUpdate"))
    apps = by_name(win.items[-1])
    assert apps["Amazon SSM Agent"][0]["PackageId"].startswith("{")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", apps["PowerShell 7-x64"][0]["InstalledTime"])
    components = {e["Name"] for e in entries(win.items[-1], "AWS:AWSComponent")}
    assert {"Amazon SSM Agent", "AWS PV Drivers", "aws-cfn-bootstrap"} <= components


def test_windows_2016_agent_spells_hotfix_id_differently(fleet: Fleet) -> None:
    legacy = node(fleet, df.WIN_LEGACY)
    hotfixes = entries(legacy.items[-1], "AWS:WindowsUpdate")
    assert hotfixes and all("HotFixID" in e and "HotFixId" not in e for e in hotfixes)
    assert re.fullmatch(r"\w+day, \w+ \d{1,2}, \d{4} 12:00:00 AM", hotfixes[0]["InstalledTime"])


# --- error paths --------------------------------------------------------------------------------------


def test_prefix_i_0ab_is_ambiguous_but_i_0abc_is_not(fleet: Fleet) -> None:
    ids = [n.node_id for n in fleet.nodes()]
    assert all(re.fullmatch(r"(i|mi)-[0-9a-f]{17}", i) for i in ids)
    assert sorted(i for i in ids if i.startswith("i-0ab")) == sorted([df.AL2_WEB, df.AL2_BATCH])
    assert [i for i in ids if i.startswith("i-0abc")] == [df.AL2_WEB]


def test_live_nodes_were_captured_about_twenty_minutes_ago(fleet: Fleet) -> None:
    for node_id in LIVE:
        live = node(fleet, node_id)
        assert live.ping_status == "Online"
        assert live.capture_time is not None
        assert NOW - timedelta(minutes=25) < live.capture_time <= NOW - timedelta(minutes=20), node_id


def test_offline_node_is_stale_by_three_days(fleet: Fleet) -> None:
    legacy = node(fleet, df.WIN_LEGACY)
    assert legacy.ping_status == "ConnectionLost"
    assert legacy.capture_time is not None
    assert timedelta(days=3) < NOW - legacy.capture_time < timedelta(days=4)
    stale = [
        n.node_id
        for n in fleet.nodes()
        if n.capture_time and timedelta(days=2) < NOW - n.capture_time < timedelta(days=30)
    ]
    assert stale == [df.WIN_LEGACY]


def test_one_node_has_history_but_no_inventory_association(fleet: Fleet) -> None:
    associations = {n.node_id: n.inventory_association_id for n in fleet.nodes()}
    assert associations.pop(df.AL2_BUILD) is None
    assert set(associations.values()) == {df.INVENTORY_ASSOCIATION_ID}
    assert len(node(fleet, df.AL2_BUILD).items) >= 3


def test_unmanaged_node_ends_with_an_unmanaged_item_and_records_nothing_more() -> None:
    fleet = df.build_default_fleet(NOW)
    retired = node(fleet, df.AL2_RETIRED)
    last = retired.items[-1]
    assert last["supplementaryConfiguration"] == {"InstanceStatus": "Unmanaged"}
    assert retired.unmanaged_since == capture_time(last)
    assert all(i["supplementaryConfiguration"] == {} for i in retired.items[:-1])
    assert last["configuration"] == retired.items[-2]["configuration"]
    count = len(retired.items)
    assert fleet.capture(df.AL2_RETIRED, NOW) is None
    assert len(retired.items) == count


def test_record_unmanaged_tells_the_item_listeners() -> None:
    fleet = df.build_default_fleet(NOW)
    heard: list[tuple[str, dict[str, Any]]] = []
    fleet.item_listeners.append(lambda n, item: heard.append((n.node_id, item)))
    item = df.record_unmanaged(fleet, df.UBUNTU_APP, NOW - timedelta(minutes=5))
    assert heard == [(df.UBUNTU_APP, item)]
    assert node(fleet, df.UBUNTU_APP).items[-1] is item
    with pytest.raises(ValueError, match="not after"):
        df.record_unmanaged(fleet, df.WIN_APP, datetime(2020, 1, 1, tzinfo=UTC))


def test_items_are_in_order_with_unique_state_ids(fleet: Fleet) -> None:
    for n in fleet.nodes():
        times = [capture_time(i) for i in n.items]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert [int(i["configurationStateId"]) for i in n.items] == [int(t.timestamp() * 1000) for t in times]
        assert all(t <= NOW - timedelta(minutes=20) for t in times)


def test_name_tags(fleet: Fleet) -> None:
    tags = df.default_name_tags(fleet)
    assert tags[df.AL2_WEB] == "web-1"
    assert df.ONPREM_DB not in tags
    assert len(set(tags.values())) == len(tags)


def test_building_is_deterministic_for_one_now() -> None:
    first, second = df.build_default_fleet(NOW), df.build_default_fleet(NOW)
    assert first.nodes() == second.nodes()
    later = df.build_default_fleet(NOW + timedelta(days=40))
    assert node(later, df.AL2_WEB).items[:25] == node(first, df.AL2_WEB).items[:25]


def test_now_must_be_aware_and_late_enough() -> None:
    with pytest.raises(ValueError, match="timezone"):
        df.build_default_fleet(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="on or after"):
        df.build_default_fleet(datetime(2022, 6, 1, tzinfo=UTC))


def test_default_now_is_the_current_time() -> None:
    fleet = df.build_default_fleet()
    web = node(fleet, df.AL2_WEB)
    assert web.capture_time is not None
    assert capture_time(web.items[-1]) <= web.capture_time
