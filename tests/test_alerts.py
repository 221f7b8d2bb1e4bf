"""Change alerts end to end: fleet → Config notification → moto SNS → SQS → worker → the Slack stand-in's channel.

Each test patches servers of a small simulated fleet and reads what the alert channel shows, as a person
in Slack would. No wall-clock assertions: the tests wait for what the channel shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.sim.alert_feed import AlertFeed, AlertPostSeen, Form, channel_posts
from bot.sim.fleet import Fleet, SimNode
from bot.sim.notifications import oversized_failed
from bot.sim.slack import SlackStandIn
from bot.sim.workspace import SimWorkspace

# Recent times: the worker reads Config history up to now, seven days a call.
NOW = datetime.now(UTC).replace(microsecond=0)
FIRST_CAPTURE = NOW - timedelta(hours=6)
BASE_PACKAGES = {
    "kernel": ("4.14.343", "261.564.amzn2"),
    "openssl-libs": ("1.0.2k", "24.amzn2.0.12"),
    "curl": ("7.61.1", "12.amzn2.0.1"),
    "libcurl": ("7.61.1", "12.amzn2.0.1"),
    "bash": ("4.2.46", "34.amzn2"),
    "vim-minimal": ("9.0.2153", "1.amzn2.0.1"),
    "amazon-ssm-agent": ("3.3.40.0", "1.amzn2"),
}


def node_id(n: int) -> str:
    return f"i-0{n:016x}"


def rpm(name: str, version: str, release: str, at: datetime | None = None) -> dict[str, str]:
    entry = {"Name": name, "Version": version, "Release": release, "Architecture": "x86_64", "ApplicationType": "System"}
    if at is not None:
        entry["InstalledTime"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return entry


def small_fleet(servers: int = 3, *, extra_packages: int = 12) -> Fleet:
    fleet = Fleet()
    for n in range(servers):
        node = fleet.add(
            SimNode(node_id(n), f"web-{n}.example.internal", "Linux", "Amazon Linux", "2", "3.3.40.0",
                    f"10.0.0.{n + 10}", FIRST_CAPTURE - timedelta(days=1), name_tag=f"web-{n}")
        )
        for name, (version, release) in BASE_PACKAGES.items():
            node.install(rpm(name, version, release))
        for p in range(extra_packages):
            node.install(rpm(f"lib{p:02}", "1.0", "1.amzn2"))
        fleet.capture(node.node_id, FIRST_CAPTURE)
    return fleet


def patch(fleet: Fleet, nodes: Iterable[str], updates: Mapping[str, tuple[str, str]], at: datetime) -> None:
    """Upgrade these packages on these servers and run inventory at `at` (one Config item each)."""
    for node in nodes:
        sim = fleet.node(node)
        assert sim is not None
        for name, (version, release) in updates.items():
            sim.replace(rpm(name, version, release, at - timedelta(minutes=2)))
        fleet.capture(node, at)


CURL_FIX = {"curl": ("7.61.1", "12.amzn2.0.2"), "libcurl": ("7.61.1", "12.amzn2.0.2")}
AGENT_UPDATE = {"amazon-ssm-agent": ("3.3.987.0", "1.amzn2")}
NIGHTLY = {
    "kernel": ("4.14.344", "262.563.amzn2"),
    "openssl-libs": ("1.0.2k", "24.amzn2.0.13"),
    **{f"lib{p:02}": ("1.1", "1.amzn2") for p in range(10)},
}


# --- the workspace with alerts on ---------------------------------------------------------------------


@pytest.fixture
def alerting(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimWorkspace]:
    # Options by indirect parametrization: {"servers": 5, "env": {...}}.
    options = dict(getattr(request, "param", {}))
    fleet = small_fleet(options.pop("servers", 3))
    with SimWorkspace(fleet, env=options.get("env"), state_dir=tmp_path / "state", alerts=True) as ws:
        yield ws


def feed(ws: SimWorkspace) -> AlertFeed:
    assert ws.alerts is not None
    return ws.alerts.feed


def posts(ws: SimWorkspace) -> list[AlertPostSeen]:
    return channel_posts(ws.slack)


def wait_posts(ws: SimWorkspace, count: int, *, text: str = "", timeout: float = 20.0) -> list[AlertPostSeen]:
    """Wait until the alert channel shows `count` top-level messages (all containing `text`), then return them."""

    def shown(slack: SlackStandIn) -> bool:
        tops = [m for m in slack.messages("C0ALERTS") if m.thread_ts is None]
        return len(tops) >= count and all(text in (m.text + json.dumps(m.blocks)) for m in tops[:count])

    ws.slack.wait_for(shown, timeout=timeout)
    return posts(ws)


def drained(ws: SimWorkspace, timeout: float = 20.0) -> bool:
    """Wait until the worker has had a round that found the queue empty after all of the feed's messages."""
    assert ws.alerts is not None
    moto = ws.alerts.moto
    rounds = ws.alerts.worker.rounds
    # Two more rounds: one may have started before the last message arrived.
    ws.alerts.worker.wait_for(lambda w: w.rounds >= rounds + 2 and moto.visible() == 0, timeout)
    return moto.visible() == 0


def minutes_ago(n: int) -> datetime:
    return NOW - timedelta(minutes=n)


# --- one server, every form ---------------------------------------------------------------------------


def test_a_patch_on_one_server_posts_one_summary_with_notable_packages_first(alerting: SimWorkspace) -> None:
    patch(alerting.fleet, [node_id(0)], NIGHTLY, minutes_ago(30))
    [post] = wait_posts(alerting, 1)
    assert "web-0" in post.text
    assert "12 upgraded" in post.text
    # The watchlist's packages lead; the full list is in the thread.
    assert post.text.index("kernel") < post.text.index("lib00")
    assert post.text.index("openssl-libs") < post.text.index("lib00")
    alerting.slack.wait_for(lambda s: len(s.messages("C0ALERTS", thread_ts=post.ts)) >= 1)
    thread = channel_posts(alerting.slack)[0].thread
    assert "All 12 changes on web-0" in thread[0]
    assert all(f"lib{p:02}" in thread[0] for p in range(10))
    assert drained(alerting)


@pytest.mark.parametrize("form", ["raw", "eventbridge", "sns-envelope-direct"])
def test_every_delivery_form_posts_the_same_summary(alerting: SimWorkspace, form: Form) -> None:
    feed(alerting).form = form
    patch(alerting.fleet, [node_id(1)], CURL_FIX, minutes_ago(30))
    [post] = wait_posts(alerting, 1)
    assert "web-1" in post.text and "2 upgraded" in post.text
    assert "`7.61.1-12.amzn2.0.1` → `7.61.1-12.amzn2.0.2`" in post.text
    assert drained(alerting)


def test_an_oversized_notification_is_read_from_configs_history_or_s3(alerting: SimWorkspace) -> None:
    feed(alerting).oversize = lambda node, item: True
    patch(alerting.fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
    [post] = wait_posts(alerting, 1)
    assert "2 upgraded" in post.text and "curl" in post.text
    assert drained(alerting)


def test_oversized_item_missing_from_history_comes_from_the_s3_object(alerting: SimWorkspace) -> None:
    """Config's history may lag its notification: the S3 object still has the whole item."""
    fleet = alerting.fleet
    node = fleet.node(node_id(2))
    assert node is not None
    feed(alerting).detach()
    patch(fleet, [node.node_id], CURL_FIX, minutes_ago(30))
    item = node.items.pop()  # Config has not recorded it yet
    feed(alerting).oversize = lambda n, i: True
    feed(alerting).deliver(feed(alerting).notification(node, item), node)
    [post] = wait_posts(alerting, 1)
    assert "2 upgraded" in post.text
    assert drained(alerting)


def test_oversized_items_captured_in_milliseconds_come_from_config_one_call_each(alerting: SimWorkspace) -> None:
    """An oversized item is read at its own capture time (milliseconds, as Config's): one call brings the
    item and the one before it, and it is found there (here no S3 object exists to fall back on)."""
    fleet = alerting.fleet
    feed(alerting).detach()
    at = minutes_ago(30) + timedelta(milliseconds=250)
    patch(fleet, [node_id(0)], CURL_FIX, at)
    patch(fleet, [node_id(1)], NIGHTLY, at + timedelta(seconds=1, milliseconds=500))
    before = alerting.aws.count("GetResourceConfigHistory")
    for n in (0, 1):
        node = fleet.node(node_id(n))
        assert node is not None and node.items[-1]["configurationItemCaptureTime"].microsecond == (250_000 if n == 0 else 750_000)
        # Config could not write the oversized item to S3: only its history has it.
        feed(alerting).deliver(oversized_failed(feed(alerting).notification(node, node.items[-1])), node)
    found = wait_posts(alerting, 2)
    assert any("web-0" in p.text and "2 upgraded" in p.text for p in found)
    assert any("web-1" in p.text and "12 upgraded" in p.text for p in found)
    assert drained(alerting)
    assert alerting.aws.count("GetResourceConfigHistory") - before == 2


# --- grouping -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alerting", [{"servers": 5}], indirect=True)
def test_the_same_change_on_many_servers_becomes_one_fleet_digest(alerting: SimWorkspace) -> None:
    patch(alerting.fleet, [node_id(n) for n in range(5)], CURL_FIX, minutes_ago(30))
    assert drained(alerting)
    [digest] = wait_posts(alerting, 1, text="on 5 servers")
    assert "*curl* `7.61.1-12.amzn2.0.1` → `7.61.1-12.amzn2.0.2` on 5 servers" in digest.text
    alerting.slack.wait_for(lambda s: any("web-4" in json.dumps(m.blocks) for m in s.messages("C0ALERTS", thread_ts=digest.ts)))
    servers = channel_posts(alerting.slack)[0].thread[-1]
    assert all(f"web-{n}" in servers for n in range(5))


def test_an_update_split_over_two_items_updates_the_same_message(alerting: SimWorkspace) -> None:
    """The seed's case: the SSM agent updates itself first, then the rest of `yum update` is captured."""
    patch(alerting.fleet, [node_id(0)], AGENT_UPDATE, minutes_ago(40))
    [first] = wait_posts(alerting, 1)
    assert "1 upgraded" in first.text and "amazon-ssm-agent" in first.text
    patch(alerting.fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
    alerting.slack.wait_for(lambda s: "3 upgraded" in s.messages("C0ALERTS")[0].text)
    [post] = posts(alerting)
    assert post.ts == first.ts
    assert "3 upgraded" in post.text and "amazon-ssm-agent" in post.text and "curl" in post.text
    assert drained(alerting)


# --- what is not posted ---------------------------------------------------------------------------------
# (Duplicates, disorder, poison, rate limits and outages are rows of tests/faults/.)


def test_noise_posts_nothing(alerting: SimWorkspace) -> None:
    """Only install times and package ids changed (a reinstall of the same version): nothing to say."""
    node = alerting.fleet.node(node_id(0))
    assert node is not None
    for entry in node.installed["AWS:Application"]:
        entry["InstalledTime"] = minutes_ago(35).strftime("%Y-%m-%dT%H:%M:%SZ")
        entry["PackageId"] = f"{entry['Name']}.src.rpm"
    alerting.fleet.capture(node.node_id, minutes_ago(30))
    patch(alerting.fleet, [node_id(1)], CURL_FIX, minutes_ago(30))
    [post] = wait_posts(alerting, 1)
    assert drained(alerting)
    assert "web-1" in post.text
    assert len(posts(alerting)) == 1


# --- the demo -----------------------------------------------------------------------------------------


def test_the_demo_fleet_changing_shows_alerts_arriving_in_their_channel(tmp_path: Path) -> None:
    from bot.sim.alert_feed import AlertWatcher, simulate_update
    from bot.sim.default_fleet import AL2_WEB, build_default_fleet

    fleet = build_default_fleet()
    with SimWorkspace(fleet, state_dir=tmp_path / "state", alerts=True) as ws:
        watcher = AlertWatcher(ws.slack)
        assert watcher.new() == []
        assert simulate_update(fleet, [AL2_WEB], ["curl", "openssl"]) == 1
        ws.slack.wait_for(lambda s: len(s.messages("C0ALERTS")) >= 1, timeout=30)
        [post] = watcher.new()
        assert "2 upgraded" in post.text and "openssl" in post.text
        assert watcher.new() == []


def test_routing_rules_send_each_change_to_its_channel(tmp_path: Path) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(
        'default_channel = "C0ALERTS"\n\n'
        '[[route]]\nchannel = "C0OPS"\ntags = { Name = "web-1" }\n\n'
        '[[route]]\nchannel = "C0GENERAL"\npackages = ["openssl*"]\n'
    )
    fleet = small_fleet(3)
    with SimWorkspace(fleet, env={"PKGWHEN_ROUTES_FILE": str(routes)}, state_dir=tmp_path / "state", alerts=True) as ws:
        patch(fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
        patch(fleet, [node_id(1)], CURL_FIX, minutes_ago(30))
        patch(fleet, [node_id(2)], {"openssl-libs": ("1.0.2k", "24.amzn2.0.14")}, minutes_ago(30))
        ws.slack.wait_for(lambda s: all(channel_posts(s, c) for c in ("C0ALERTS", "C0OPS", "C0GENERAL")), timeout=20)
        by_channel = {c: [p.text for p in channel_posts(ws.slack, c)] for c in ("C0ALERTS", "C0OPS", "C0GENERAL")}
    assert len(by_channel["C0ALERTS"]) == 1 and "web-0" in by_channel["C0ALERTS"][0]
    assert len(by_channel["C0OPS"]) == 1 and "web-1" in by_channel["C0OPS"][0]
    assert len(by_channel["C0GENERAL"]) == 1 and "web-2" in by_channel["C0GENERAL"][0]


def test_the_previous_item_is_read_backwards_from_the_capture_time_not_the_whole_history(tmp_path: Path) -> None:
    """A first alert about a server with a long history costs a few calls, not one per week of it."""
    import boto3

    from bot.alerts.sources import ItemSource
    from bot.aws.config_history import ConfigHistory
    from bot.core.config_items import parse_configuration_item
    from bot.sim.aws import AwsStandIn
    from bot.store.item_index import ItemIndex

    fleet = Fleet()
    node = fleet.add(SimNode(node_id(0), "old-1", "Linux", "Amazon Linux", "2", "3.0", "10.0.0.1", NOW - timedelta(days=800)))
    node.install(rpm("curl", "7.0", "1.amzn2"))
    fleet.capture(node.node_id, NOW - timedelta(days=700))
    node.replace(rpm("curl", "7.1", "1.amzn2"))
    fleet.capture(node.node_id, NOW - timedelta(days=21))
    node.replace(rpm("curl", "7.2", "1.amzn2"))
    fleet.capture(node.node_id, NOW - timedelta(hours=1))
    with AwsStandIn(fleet) as aws:
        client = boto3.client("config", endpoint_url=aws.url, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        history = ConfigHistory(client, ItemIndex(tmp_path / "index.sqlite3"))
        source = ItemSource(history, None, None)
        current = parse_configuration_item(node.items[-1])
        previous = source.previous(current)
        assert previous is not None and previous.versions_of("curl")[0].version == "7.1-1.amzn2"
        assert history.calls <= 5  # three weeks back: a few seven-day pages; the whole history would be ~100
        first = parse_configuration_item(node.items[0])
        assert source.previous(first) is None  # the first record has no predecessor


def test_an_alert_deleted_in_slack_is_posted_again_when_it_must_change(alerting: SimWorkspace) -> None:
    from slack_sdk import WebClient

    from bot.sim.workspace import BOT_TOKEN

    patch(alerting.fleet, [node_id(0)], AGENT_UPDATE, minutes_ago(40))
    [first] = wait_posts(alerting, 1)
    WebClient(token=BOT_TOKEN, base_url=alerting.slack.api_url).chat_delete(channel="C0ALERTS", ts=first.ts)
    patch(alerting.fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
    [again] = wait_posts(alerting, 1, text="3 upgraded")
    assert again.ts != first.ts
    assert drained(alerting)
