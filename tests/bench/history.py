"""Benchmark: reading a server's package history — naive pager vs pkgwhen cold vs pkgwhen warm — and ack latency.

Run: `.venv/bin/python -m tests.bench.history` (add `--quick` for a smaller run). Everything runs in this
process against the AWS stand-in with 100 ms latency per call and a calls-per-second limit; figures are
reported as measured and as ratios against the naive pager of the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

import boto3
from botocore.config import Config as BotoConfig

from bot.history import ConfigHistory
from bot.index import HistoryIndex
from bot.inventory import parse_configuration_item
from bot.sim.aws import AwsStandIn, Faults
from bot.sim.default_fleet import build_default_fleet
from bot.sim.fleet import Fleet, SimNode
from bot.sim.workspace import SimWorkspace
from bot.snapshots import SnapshotCache
from bot.timeline import build_timeline

T = TypeVar("T")
NODE = "i-0bench0000000000a"
NOW = datetime.now(UTC).replace(microsecond=0)


def synthetic_fleet(packages: int, changes: int, years: float) -> Fleet:
    """One Amazon Linux server: `packages` rpm packages, `changes` recorded changes spread over `years`."""
    fleet = Fleet()
    start = NOW - timedelta(days=365 * years)
    node = fleet.add(
        SimNode(NODE, "ip-10-0-0-1.ec2.internal", "Linux", "Amazon Linux", "2", "3.0.0.0", "10.0.0.1", start, name_tag="bench")
    )
    for i in range(packages):
        name = "openssl" if i == 0 else "curl" if i == 1 else f"pkg{i:03d}"
        node.install({"Name": name, "Version": "1.0", "Release": "1.amzn2", "Architecture": "x86_64",
                      "InstalledTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "PackageId": f"{name}-1.0-1.amzn2.src.rpm",
                      "Publisher": "Amazon Linux", "Summary": f"The {name} package"})
    fleet.capture(NODE, start + timedelta(minutes=5))
    step = (NOW - start - timedelta(hours=1)) / changes
    for c in range(1, changes + 1):
        at = start + step * c
        for offset in range(5):  # each change upgrades five packages, openssl and curl among them now and then
            index = (c * 7 + offset * 31) % packages
            name = "openssl" if index == 0 else "curl" if index == 1 else f"pkg{index:03d}"
            node.replace({"Name": name, "Version": f"1.{c}", "Release": "1.amzn2", "Architecture": "x86_64",
                          "InstalledTime": (at - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "PackageId": f"{name}-1.{c}-1.amzn2.src.rpm", "Publisher": "Amazon Linux"})
        fleet.capture(NODE, at)
    return fleet


@dataclass
class Measure:
    label: str
    calls: int
    seconds: float
    peak_mib: float


def measured(label: str, stand_in: AwsStandIn, run: Callable[[], T]) -> tuple[Measure, T]:
    calls_before = len(stand_in.calls)
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measure(label, len(stand_in.calls) - calls_before, seconds, peak / 2**20), result


def client(url: str, mode: Literal["standard", "adaptive"] = "standard", attempts: int = 10) -> Any:
    return boto3.client(
        "config",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BotoConfig(retries={"mode": mode, "total_max_attempts": attempts}, max_pool_connections=32),
    )


def naive(url: str) -> int:
    """What `aws configservice get-resource-config-history` does: follow nextToken, one call after another."""
    items = []
    for page in client(url).get_paginator("get_resource_config_history").paginate(
        resourceType="AWS::SSM::ManagedInstanceInventory", resourceId=NODE
    ):
        items.extend(page["configurationItems"])
    snapshots = [parse_configuration_item(i) for i in items]
    build_timeline(snapshots, "openssl")
    return len(items)


def pkgwhen_read(history: ConfigHistory, snapshots: SnapshotCache, package: str) -> int:
    """What the bot does for a question: read (index first), parse what it has not parsed yet, build the timeline."""
    read = history.read(NODE)
    build_timeline(snapshots.parse(read.items), package)
    return len(read.items)


def ack_latencies(count: int) -> list[float]:
    """`count` signed slash commands sent at once to the real Bolt app over HTTP: time to each HTTP answer."""
    fleet = build_default_fleet()
    with SimWorkspace(fleet) as workspace:
        node = sorted(n.node_id for n in fleet.nodes())[0]
        bodies = [
            urlencode({"command": "/pkgwhen", "text": f"{node} openssl", "user_id": "U0ALICE", "channel_id": "C0OPS",
                       "team_id": "T0PKGWHEN", "trigger_id": f"t{i}",
                       "response_url": workspace.slack.new_response_url("C0OPS", "U0ALICE")})
            for i in range(count)
        ]
        barrier = threading.Barrier(count)

        def send(body: str) -> float:
            barrier.wait()
            started = time.perf_counter()
            status, _ = workspace.send(body)
            assert status == 200, status
            return time.perf_counter() - started

        with ThreadPoolExecutor(max_workers=count) as pool:
            latencies = list(pool.map(send, bodies))
        # Let the lazy answers finish before the stand-ins stop.
        workspace.slack.wait_for(lambda s: len(s.calls_to("response_url")) >= 2 * count, timeout=60)
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one year, 200 packages, 30 changes")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--calls-per-second", type=float, default=50.0)
    parser.add_argument("--retry-mode", default="standard", choices=["standard", "adaptive"])
    args = parser.parse_args()
    years, packages, changes = (1.0, 200, 30) if args.quick else (2.0, 500, 60)

    fleet = synthetic_fleet(packages, changes, years)
    faults = Faults(latency_s=args.latency_ms / 1000, calls_per_second=args.calls_per_second)
    node = fleet.node(NODE)
    assert node is not None
    print(f"One server: {years:g} years of history, {packages} packages, {changes} changes "
          f"({len(node.items)} Config items); stand-in: {args.latency_ms:.0f} ms per call, "
          f"{args.calls_per_second:g} calls/s before throttling.")
    with AwsStandIn(fleet, faults) as stand_in, tempfile.TemporaryDirectory() as tmp:
        base, items = measured("naive sequential pager", stand_in, lambda: naive(stand_in.url))
        history = ConfigHistory(client(stand_in.url, args.retry_mode, attempts=1), HistoryIndex(Path(tmp) / "index.sqlite3"), concurrency=8)
        cache = SnapshotCache()
        cold, cold_items = measured("pkgwhen cold (openssl)", stand_in, lambda: pkgwhen_read(history, cache, "openssl"))
        warm, warm_items = measured("pkgwhen warm (curl)", stand_in, lambda: pkgwhen_read(history, cache, "curl"))
        assert items == cold_items == warm_items, (items, cold_items, warm_items)
        throttled = sum(1 for c in stand_in.calls if c.error_code == "ThrottlingException")
    print(f"\n{'':28}{'calls':>7}{'wall s':>9}{'peak MiB':>10}{'time vs naive':>15}")
    for m in (base, cold, warm):
        print(f"{m.label:28}{m.calls:>7}{m.seconds:>9.2f}{m.peak_mib:>10.1f}{m.seconds / base.seconds:>15.3f}")
    print(f"(all three read the same {items} items; {throttled} calls were throttled and retried)")
    history_calls_warm = warm.calls
    print(f"targets: cold <= 0.25 x naive: {'met' if cold.seconds <= 0.25 * base.seconds else 'MISSED'}; "
          f"warm <= 1 history call: {'met' if history_calls_warm <= 1 else 'MISSED'} ({history_calls_warm}); "
          f"warm < 0.5 s: {'met' if warm.seconds < 0.5 else 'MISSED'}")

    latencies = sorted(ack_latencies(20))
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))] * 1000
    print(f"\nack latency, 20 signed /pkgwhen commands at once over HTTP: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"(target p99 < 100 ms: {'met' if p99 < 100 else 'MISSED'})")


if __name__ == "__main__":
    main()
