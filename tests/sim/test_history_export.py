"""Loading Config history exported with the AWS CLI in place of the simulated fleet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.sim import default_fleet as df
from bot.sim.fleet import Fleet, SimNode
from bot.sim.history_export import HistoryFileError, cli_history, fleet_from_history_files
from bot.sim.notifications import notification_item

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data"
LIST_SAMPLE = DATA / "history_list_shape.json"
MAP_SAMPLE = DATA / "history_map_shape.json"


@pytest.fixture(scope="module")
def simulated() -> Fleet:
    return df.build_default_fleet(NOW)


def loaded_node(fleet: Fleet, node_id: str) -> SimNode:
    found = fleet.node(node_id)
    assert found is not None, node_id
    return found


def unordered(captured: dict[str, list[dict[str, str]]]) -> dict[str, list[str]]:
    return {
        type_name: sorted(json.dumps(e, sort_keys=True) for e in entries)
        for type_name, entries in captured.items()
    }


def write(path: Path, document: Any) -> Path:
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_exported_default_fleet_loads_back_to_the_same_history(simulated: Fleet, tmp_path: Path) -> None:
    files = [write(tmp_path / f"{n.node_id}.json", cli_history(n.items)) for n in simulated.nodes()]
    loaded = fleet_from_history_files(files, now=NOW)
    assert (loaded.account_id, loaded.region) == (simulated.account_id, simulated.region)
    assert sorted(n.node_id for n in loaded.nodes()) == sorted(n.node_id for n in simulated.nodes())
    for original in simulated.nodes():
        node = loaded_node(loaded, original.node_id)
        assert node.items == original.items
        assert node.content_shape == original.content_shape
        # What SSM's ListInventoryEntries serves: the newest recorded content (a map's order is its keys').
        assert unordered(node.captured) == unordered(original.captured)
        assert (node.computer_name, node.platform_name, node.platform_version, node.agent_version) == (
            original.computer_name,
            original.platform_name,
            original.platform_version,
            original.agent_version,
        )


def test_live_nodes_look_recently_captured_and_unmanaged_ones_do_not(
    simulated: Fleet, tmp_path: Path
) -> None:
    files = [write(tmp_path / f"{n.node_id}.json", cli_history(n.items)) for n in simulated.nodes()]
    loaded = fleet_from_history_files(files, now=NOW)
    web = loaded_node(loaded, df.AL2_WEB)
    assert web.items and web.capture_time == web.items[-1]["configurationItemCaptureTime"]
    assert web.ping_status == "Online" and web.inventory_association_id
    retired = loaded_node(loaded, df.AL2_RETIRED)
    assert retired.unmanaged_since == retired.items[-1]["configurationItemCaptureTime"]
    assert retired.capture_time == retired.unmanaged_since
    assert loaded.capture(df.AL2_RETIRED, NOW) is None


def test_several_overlapping_files_merge_and_deduplicate(simulated: Fleet, tmp_path: Path) -> None:
    items = loaded_node(simulated, df.UBUNTU_APP).items
    older = write(tmp_path / "older.json", cli_history(items[:12]))
    # An older CLI prints epoch seconds; the pages overlap by four items and come in Forward order.
    newer_doc = json.loads(cli_history(items[8:]))
    for item in newer_doc["configurationItems"]:
        item["configurationItemCaptureTime"] = datetime.fromisoformat(
            item["configurationItemCaptureTime"]
        ).timestamp()
    newer_doc["configurationItems"].reverse()
    newer = write(tmp_path / "newer.json", newer_doc)
    loaded = fleet_from_history_files([newer, older], now=NOW)
    assert loaded_node(loaded, df.UBUNTU_APP).items == items


def test_sample_export_with_list_content(tmp_path: Path) -> None:
    fleet = fleet_from_history_files([LIST_SAMPLE], now=NOW)
    (node,) = fleet.nodes()
    assert node.node_id == "mi-0a9b8c7d6e5f40312"
    assert (fleet.account_id, fleet.region) == ("111122223333", "ap-northeast-1")
    assert node.content_shape == "list"
    assert node.computer_name == "db-onprem-02.corp.example"
    assert node.resource_type == "ManagedInstance"
    times = [i["configurationItemCaptureTime"] for i in node.items]
    assert times == sorted(times) and all(t.tzinfo == UTC for t in times)
    assert node.items[0]["configurationItemStatus"] == "ResourceDiscovered"
    names = {e["Name"] for e in node.captured["AWS:Application"]}
    assert "tcpdump" not in names and "openssl-libs" in names


def test_sample_export_with_map_content_keeps_both_kernels() -> None:
    fleet = fleet_from_history_files([MAP_SAMPLE], now=NOW)
    (node,) = fleet.nodes()
    assert node.node_id == "i-0fe1d2c3b4a596877"
    assert node.content_shape == "map"
    kernels = sorted(e["Release"] for e in node.captured["AWS:Application"] if e["Name"] == "kernel")
    assert kernels == ["197.484.amzn2", "215.501.amzn2"]
    assert node.agent_version == "3.1.1732.0"
    # The stand-in captures the loaded node like any simulated one.
    node.installed["AWS:Application"] = [e for e in node.installed["AWS:Application"] if e["Name"] != "curl"]
    item = fleet.capture(node.node_id, NOW)
    assert item is not None and item["configurationItemStatus"] == "OK"


def test_both_samples_load_together() -> None:
    fleet = fleet_from_history_files([LIST_SAMPLE, MAP_SAMPLE], now=NOW)
    assert len(fleet.nodes()) == 2


def test_notification_form_items_are_accepted(tmp_path: Path) -> None:
    """A Config history file from S3 uses the notification form (configuration an object, ARN …)."""
    api_items = loaded_node(fleet_from_history_files([MAP_SAMPLE], now=NOW), "i-0fe1d2c3b4a596877").items
    path = write(
        tmp_path / "s3.json",
        {"fileVersion": "1.0", "configurationItems": [notification_item(i) for i in api_items]},
    )
    (node,) = fleet_from_history_files([path], now=NOW).nodes()
    assert [i["configurationStateId"] for i in node.items] == [i["configurationStateId"] for i in api_items]
    assert [json.loads(i["configuration"]) for i in node.items] == [
        json.loads(i["configuration"]) for i in api_items
    ]
    assert node.items[0]["arn"] == api_items[0]["arn"]
    assert node.items[0]["relationships"][0]["relationshipName"] == "Is associated with "


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("{not json", "is not JSON"),
        ('{"ConfigurationItems": []}', "has no `configurationItems`"),
        ("[]", "has no `configurationItems`"),
        ('{"configurationItems": []}', "holds no configuration items"),
        (
            '{"configurationItems": [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1",'
            ' "configurationItemCaptureTime": "2020-07-02T10:05:12.345000+09:00"}]}',
            "is a AWS::EC2::SecurityGroup (sg-1), not AWS::SSM::ManagedInstanceInventory",
        ),
        (
            '{"configurationItems": [{"resourceType": "AWS::SSM::ManagedInstanceInventory", "resourceId": "i-1",'
            ' "configurationItemCaptureTime": "yesterday"}]}',
            "configurationItemCaptureTime is not a time",
        ),
    ],
)
def test_unusable_files_are_named_with_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path / "export.json", content)
    with pytest.raises(HistoryFileError) as raised:
        fleet_from_history_files([LIST_SAMPLE, path], now=NOW)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(HistoryFileError, match=r"missing\.json: cannot be read"):
        fleet_from_history_files([tmp_path / "missing.json"])


def test_files_from_two_accounts_are_refused(tmp_path: Path) -> None:
    document = json.loads(MAP_SAMPLE.read_text())
    for item in document["configurationItems"]:
        item["accountId"] = "444455556666"
        item["resourceId"] = item["resourceId"].replace("i-0fe", "i-0ee")
    other = write(tmp_path / "other.json", document)
    with pytest.raises(HistoryFileError, match="one account and region at a time"):
        fleet_from_history_files([MAP_SAMPLE, other], now=NOW)


def test_no_files_is_an_error() -> None:
    with pytest.raises(ValueError, match="no history files"):
        fleet_from_history_files([])
