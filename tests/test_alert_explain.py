"""`pkgwhen explain FILE --history H`: what the worker would post for a message body, or why it would not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.runtime.cli import main
from bot.sim.fleet import Fleet, SimNode
from bot.sim.history_export import cli_history
from bot.sim.notifications import change_notification, oversized, oversized_key, raw_body, sns_body
from tests.test_alerts import AGENT_UPDATE, CURL_FIX, NOW, minutes_ago, node_id, patch, small_fleet

TOPIC = "arn:aws:sns:us-east-1:123456789012:config-topic"


@pytest.fixture
def fleet() -> Fleet:
    fleet = small_fleet(1)
    patch(fleet, [node_id(0)], AGENT_UPDATE, minutes_ago(40))
    patch(fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
    return fleet


@pytest.fixture
def node(fleet: Fleet) -> SimNode:
    found = fleet.node(node_id(0))
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PKGWHEN_ALERT_CHANNEL", "C0ALERTS")
    monkeypatch.setenv("PKGWHEN_STATE_DIR", str(tmp_path / "state"))


def _files(tmp_path: Path, body: str, node: SimNode) -> tuple[Path, Path]:
    message, history = tmp_path / "message.json", tmp_path / "history.json"
    message.write_text(body)
    history.write_text(cli_history(node.items))
    return message, history


def test_explains_what_would_be_posted_with_the_previous_item_from_the_history_file(
    tmp_path: Path, node: SimNode, capsys: pytest.CaptureFixture[str]
) -> None:
    notification = change_notification(node.items[-1], node.items[-2], created=NOW)
    message, history = _files(tmp_path, sns_body(notification, TOPIC, message_id="m-1"), node)
    assert main(["explain", str(message), "--history", str(history)]) == 0
    out = capsys.readouterr().out
    assert "ConfigurationItemChangeNotification via SNS envelope" in out
    assert "Would post to C0ALERTS" in out
    assert "2 upgraded" in out
    # Compared with the agent's item just before it, not the first one: the agent is not in this change.
    assert "curl" in out and "amazon-ssm-agent" not in out


def test_an_oversized_message_is_explained_from_the_history_file(
    tmp_path: Path, node: SimNode, capsys: pytest.CaptureFixture[str]
) -> None:
    notification = change_notification(node.items[-1], node.items[-2], created=NOW)
    summary, _ = oversized(notification, bucket="config-bucket", key=oversized_key(notification))
    message, history = _files(tmp_path, raw_body(summary), node)
    assert main(["explain", str(message), "--history", str(history)]) == 0
    assert "2 upgraded" in capsys.readouterr().out


def test_says_why_a_message_would_be_skipped(tmp_path: Path, node: SimNode, capsys: pytest.CaptureFixture[str]) -> None:
    body = {"messageType": "ConfigurationSnapshotDeliveryCompleted", "s3ObjectKey": "x"}
    message, history = _files(tmp_path, json.dumps(body), node)
    assert main(["explain", str(message), "--history", str(history)]) == 0
    assert "would skip this message" in capsys.readouterr().out


def test_says_why_a_message_would_fail(tmp_path: Path, node: SimNode, capsys: pytest.CaptureFixture[str]) -> None:
    message, history = _files(tmp_path, "<html>not json</html>", node)
    assert main(["explain", str(message), "--history", str(history)]) == 1
    out = capsys.readouterr().out
    assert "would fail" in out and "DLQ" in out


def test_noise_is_explained_as_nothing_to_post(tmp_path: Path, node: SimNode, capsys: pytest.CaptureFixture[str]) -> None:
    item = dict(node.items[-1])
    configuration = json.loads(item["configuration"])
    for entry in configuration["AWS:Application"]["Content"]:
        entry["InstalledTime"] = "2020-01-01T00:00:00Z"
    item["configuration"] = json.dumps(configuration)
    item["configurationStateId"] = str(int(NOW.timestamp() * 1000))
    item["configurationItemCaptureTime"] = NOW
    notification = change_notification(item, node.items[-1], created=NOW)
    message, history = _files(tmp_path, raw_body(notification), node)
    assert main(["explain", str(message), "--history", str(history)]) == 0
    assert "Nothing would be posted: no package changed" in capsys.readouterr().out


def test_explain_reads_a_saved_package_history_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    from bot.sim.default_fleet import AL2_WEB, build_default_fleet
    from bot.sim.pm_history_runner import PackageHistoryRun

    node = build_default_fleet().node(AL2_WEB)
    assert node is not None
    code, stdout, _ = PackageHistoryRun()(node, {"packageName": ["libxml2"], "windowStart": ["2020-06-28T00:00"], "windowEnd": ["2020-06-30T00:00"]})
    assert code == 0
    saved = tmp_path / "history-output.txt"
    saved.write_text(stdout)
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", "explain", str(saved)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "package: libxml2" in result.stdout
    assert "first boot" in result.stdout
    assert "libxml2 2.9.1-6.amzn2.4.1 -> 2.9.1-6.amzn2.5.1" in result.stdout
