"""Reading Config history through the real boto3 client against the stand-in: windows, index, throttling, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from bot.aws.clients import read_history_pages_quickly
from bot.aws.config_history import ConfigHistory, windows
from bot.aws.pacing import Pacer
from bot.core.errors import AccessDenied, NoHistory, NotRecording, Throttled
from bot.sim.aws import AwsStandIn
from bot.sim.fleet import Fleet, SimNode
from bot.store.item_index import ItemIndex

NODE = "i-0123456789abcdef0"
RESOURCE_TYPE = "AWS::SSM::ManagedInstanceInventory"
NOW = datetime.now(UTC)


def _fleet(weeks: int = 60, every: int = 4) -> Fleet:
    fleet = Fleet()
    start = NOW - timedelta(weeks=weeks)
    node = fleet.add(SimNode(NODE, "host", "Linux", "Amazon Linux", "2", "3.0", "10.0.0.1", start))
    for week in range(0, weeks, every):
        node.replace({"Name": "curl", "Version": f"7.{week}", "Release": "1.amzn2", "Architecture": "x86_64"})
        fleet.capture(NODE, start + timedelta(weeks=week, hours=1))
    return fleet


@pytest.fixture
def stand_in() -> Iterator[AwsStandIn]:
    with AwsStandIn(_fleet()) as server:
        yield server


class VirtualTime:
    """The pacer's clock and sleep: waiting moves the clock on at once, so throttled reads take no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
            self.slept += seconds


def _history(stand_in: AwsStandIn, tmp_path: Path, time: VirtualTime | None = None) -> ConfigHistory:
    client = boto3.client(
        "config",
        endpoint_url=stand_in.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BotoConfig(retries={"total_max_attempts": 1}),
    )
    time = time or VirtualTime()
    return ConfigHistory(
        client,
        ItemIndex(tmp_path / "index.sqlite3"),
        concurrency=4,
        pacer=Pacer(time.clock, time.sleep),
    )


def test_windows_cover_the_span_in_seven_day_steps() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    cuts = windows(start, start + timedelta(days=20))
    assert [(b - a).days for a, b in cuts] == [7, 7, 6]
    assert cuts[0][0] == start
    assert cuts[-1][1] == start + timedelta(days=20)


def test_cold_read_gets_every_item_once_in_one_call_per_week(stand_in: AwsStandIn, tmp_path: Path) -> None:
    read = _history(stand_in, tmp_path).read(NODE)
    assert len(read.items) == 15
    assert [i.captured_at for i in read.items] == sorted(i.captured_at for i in read.items)
    assert read.calls <= len(windows(read.items[0].captured_at, NOW + timedelta(minutes=1))) + 1


def test_second_read_costs_one_call_and_sees_new_items(stand_in: AwsStandIn, tmp_path: Path) -> None:
    history = _history(stand_in, tmp_path)
    history.read(NODE)
    node = stand_in.fleet.node(NODE)
    assert node is not None
    node.replace({"Name": "curl", "Version": "8.0", "Release": "1.amzn2", "Architecture": "x86_64"})
    stand_in.fleet.capture(NODE, datetime.now(UTC))
    again = history.read(NODE)
    assert again.calls == 1
    assert len(again.items) == 16


def test_index_survives_a_restart(stand_in: AwsStandIn, tmp_path: Path) -> None:
    _history(stand_in, tmp_path).read(NODE)
    assert _history(stand_in, tmp_path).read(NODE).calls == 1


def test_throttling_is_waited_out(stand_in: AwsStandIn, tmp_path: Path) -> None:
    stand_in.faults.throttle_next = 6
    time = VirtualTime()
    read = _history(stand_in, tmp_path, time).read(NODE)
    assert len(read.items) == 15
    assert sum(1 for c in stand_in.calls if c.error_code == "ThrottlingException") == 6
    assert time.slept > 0  # the retries waited their turn instead of hammering Config


def test_throttled_beyond_retries_says_so(stand_in: AwsStandIn, tmp_path: Path) -> None:
    stand_in.faults.throttle_next = 10_000
    with pytest.raises(Throttled):
        _history(stand_in, tmp_path).read(NODE)


def test_once_config_has_throttled_everything_for_a_while_each_read_gives_up_after_one_try(
    stand_in: AwsStandIn, tmp_path: Path
) -> None:
    stand_in.faults.throttle_next = 10_000
    history = _history(stand_in, tmp_path)
    with pytest.raises(Throttled):
        history.read(NODE)
    first = len(stand_in.calls)
    assert first >= 10  # the first reader was patient: a throttle may be a rate, not an outage
    for _ in range(3):
        with pytest.raises(Throttled):
            history.read(NODE)
    assert len(stand_in.calls) - first <= 2 * 3  # an outage: said at once, a call or two each (not ten)


def test_unknown_node_is_no_history(stand_in: AwsStandIn, tmp_path: Path) -> None:
    with pytest.raises(NoHistory):
        _history(stand_in, tmp_path).read("i-0fffffffffffffff0")


def test_not_recording_is_said(stand_in: AwsStandIn, tmp_path: Path) -> None:
    stand_in.fleet.recording = False
    with pytest.raises(NotRecording):
        _history(stand_in, tmp_path).read(NODE)


def test_access_denied_names_the_action(stand_in: AwsStandIn, tmp_path: Path) -> None:
    stand_in.faults.denied_actions.add("config:GetResourceConfigHistory")
    with pytest.raises(AccessDenied) as raised:
        _history(stand_in, tmp_path).read(NODE)
    assert raised.value.action == "config:GetResourceConfigHistory"


def _config_client(stand_in: AwsStandIn) -> Any:
    return boto3.client(
        "config",
        endpoint_url=stand_in.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BotoConfig(retries={"total_max_attempts": 1}),
    )


def test_pages_decoded_quickly_read_exactly_as_botocore_reads_them(stand_in: AwsStandIn) -> None:
    plain, quick = _config_client(stand_in), _config_client(stand_in)
    read_history_pages_quickly(quick)
    read_history_pages_quickly(quick)  # twice: still one hook each way

    def pages(client: Any) -> list[dict[str, Any]]:
        paginator = client.get_paginator("get_resource_config_history")
        found = []
        for page in paginator.paginate(resourceType=RESOURCE_TYPE, resourceId=NODE, PaginationConfig={"PageSize": 3}):
            # Tokens carry the moment of the call; the request ids differ.
            found.append({key: value for key, value in page.items() if key not in {"ResponseMetadata", "nextToken"}})
        return found

    expected, got = pages(plain), pages(quick)
    assert sum(len(page["configurationItems"]) for page in got) == 15
    assert got == expected
    first = next(item for page in got for item in page["configurationItems"])
    assert isinstance(first["configuration"], str) and isinstance(first["configurationItemCaptureTime"], datetime)
    with pytest.raises(ClientError) as refused:
        quick.get_resource_config_history(resourceType=RESOURCE_TYPE, resourceId="i-00000000000000000")
    assert refused.value.response["Error"]["Code"] == "ResourceNotDiscoveredException"
