"""Benchmark: one server's package history, read cold, warm and after a restart, against the floor.

Run: `.venv/bin/python -m tests.bench.history [--packages 2000 --years 1 --every-days 7]`. The AWS stand-in
serves a synthetic server from its own process (so its work does not share this one's interpreter) with
`--latency-ms` per call and `--calls-per-second` before it throttles; capture times carry milliseconds,
as Config's do. Figures, each the minimum of `--runs` runs:

- floor: what a perfect reader needs, the calls (one per 7-day window, plus the first item) at the
  stand-in's latency with `--concurrency` in flight, or at its rate limit, whichever is longer;
- naive: the AWS CLI's pager (one call after another) and a timeline from whole items (skip: `--no-naive`);
- cold: pkgwhen's first question (openssl) into an empty store; warm: another package (curl) in the same
  process; restart: a third package from a new store object on the same file;
- peak RSS above the process's baseline before the reads, measured in a separate process without the
  timing runs; the store's size on disk against the history's JSON.

The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlencode

import boto3
from botocore.config import Config as BotoConfig

from bot.aws.config_history import THROTTLED_ATTEMPTS, ConfigHistory, windows
from bot.aws.pacing import Pacer
from bot.core.config_items import parse_configuration_item
from bot.core.servers import ServerRef
from bot.core.timeline import build_timeline
from bot.runtime.memory import ARENAS, limit_malloc_arenas
from bot.sim.aws import AwsStandIn, Faults
from bot.sim.default_fleet import build_default_fleet
from bot.sim.fleet import Entry, Fleet, SimNode
from bot.sim.workspace import SimWorkspace
from bot.store.item_index import ItemIndex
from bot.store.span_store import SpanStore

T = TypeVar("T")
NODE = "i-0bench0000000000a"
RESOURCE_TYPE: Final = "AWS::SSM::ManagedInstanceInventory"


@dataclass(frozen=True)
class Shape:
    packages: int
    years: float
    every_days: float
    latency_s: float
    calls_per_second: float
    concurrency: int


def _entry(name: str, version: str, at: datetime) -> Entry:
    return {
        "Name": name,
        "Version": version,
        "Release": "1.amzn2",
        "Architecture": "x86_64",
        "InstalledTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "PackageId": f"{name}-{version}-1.amzn2.src.rpm",
        "Publisher": "Amazon Linux",
        "Summary": f"The {name} package, which does what {name} does",
        "URL": f"https://example.org/{name}",
        "ApplicationType": "System Environment/Libraries",
    }


def synthetic_fleet(packages: int, years: float, every_days: float, now: datetime) -> Fleet:
    """One Amazon Linux server with `packages` rpm packages, patched every `every_days` for `years`:
    each patch upgrades five packages (openssl and curl among them now and then)."""
    fleet = Fleet()
    start = now - timedelta(days=365 * years)
    node = fleet.add(
        SimNode(NODE, "ip-10-0-0-1.ec2.internal", "Linux", "Amazon Linux", "2", "3.0.0.0", "10.0.0.1", start, name_tag="bench")
    )
    names = ["openssl", "curl"] + [f"pkg{i:04d}" for i in range(2, packages)]
    for name in names:
        node.install(_entry(name, "1.0", start))
    fleet.capture(NODE, start + timedelta(minutes=5, milliseconds=123))
    patch = 0
    at = start + timedelta(days=every_days)
    while at < now - timedelta(hours=1):
        patch += 1
        for offset in range(5):
            node.replace(_entry(names[(patch * 7 + offset * 31) % packages], f"1.{patch}", at - timedelta(minutes=10)))
        fleet.capture(NODE, at + timedelta(milliseconds=patch % 1000))
        at += timedelta(days=every_days)
    return fleet


def _serve(conn: Connection, shape: Shape, now: datetime) -> None:
    """The stand-in's process: build the server, serve it, report its size, stop when told."""
    fleet = synthetic_fleet(shape.packages, shape.years, shape.every_days, now)
    node = fleet.node(NODE)
    assert node is not None
    faults = Faults(latency_s=shape.latency_s, calls_per_second=shape.calls_per_second)
    with AwsStandIn(fleet, faults) as stand_in:
        json_bytes = sum(len(item["configuration"]) for item in node.items)
        conn.send((stand_in.url, len(node.items), json_bytes, node.items[0]["configurationItemCaptureTime"]))
        conn.recv()


def _client(url: str, retries: dict[str, Any] | None = None) -> Any:
    config = BotoConfig(retries=retries or {"total_max_attempts": 1}, max_pool_connections=32)  # type: ignore[arg-type]
    return boto3.client(
        "config",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


class _Unpaced(Pacer):
    """No pacing of pkgwhen's own: botocore's adaptive mode retries and rate-limits the client instead."""

    def throttled(self, sent_at: float) -> None:
        del sent_at


# How throttling is met: pkgwhen's pacer (one attempt per call, paced retries) or botocore's adaptive mode.
PACING = {"mode": "pacer"}


def naive(url: str) -> int:
    """What `aws configservice get-resource-config-history` does: follow nextToken, one call after another;
    then a timeline from whole items, as pkgwhen did before spans."""
    client = boto3.client(
        "config",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BotoConfig(retries={"mode": "standard", "total_max_attempts": 10}),
    )
    items = []
    for page in client.get_paginator("get_resource_config_history").paginate(resourceType=RESOURCE_TYPE, resourceId=NODE):
        items.extend(page["configurationItems"])
    build_timeline([parse_configuration_item(i) for i in items], "openssl")
    return len(items)


def ask(history: ConfigHistory, store: SpanStore, package: str) -> int:
    """What the bot does for a question: read into the store (or not, within the freshness window), then
    the timeline from the spans of the package."""
    server = ServerRef(NODE)
    history.read_spans(server, store)
    stored = store.snapshots(server, store.matching_names(server, package))
    timeline = build_timeline(stored.snapshots, package, scheme=stored.scheme)
    assert timeline.matched_names, package
    return len(stored.snapshots)


def timed(run: Callable[..., T], *args: Any) -> tuple[float, T]:
    started = time.perf_counter()
    result = run(*args)
    return time.perf_counter() - started, result


def _history(url: str, store: SpanStore, concurrency: int) -> ConfigHistory:
    del store
    if PACING["mode"] == "adaptive":
        client = _client(url, {"mode": "adaptive", "total_max_attempts": THROTTLED_ATTEMPTS})
        pacer: Pacer = _Unpaced()
    else:
        client, pacer = _client(url), Pacer()
    return ConfigHistory(
        client, ItemIndex(":memory:"), concurrency=concurrency, fresh_for=timedelta(minutes=5), pacer=pacer
    )


def _store_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _rss_mib(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _memory_run(conn: Connection, url: str, concurrency: int) -> None:
    """A cold read in a fresh process: peak resident memory above what the process held before it."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SpanStore(Path(tmp) / "store.duckdb")
        history = _history(url, store, concurrency)
        before = _rss_mib()
        ask(history, store, "openssl")
        conn.send(_rss_mib("VmHWM") - before)


def measure(shape: Shape, runs: int, with_naive: bool) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(child, shape, now), daemon=True)
    server.start()
    try:
        url, items, json_bytes, first = parent.recv()
        calls = len(windows(first, now)) + 1
        floor = max(calls * shape.latency_s / shape.concurrency, calls / shape.calls_per_second)
        naive_s = min(timed(naive, url)[0] for _ in range(runs)) if with_naive else None
        cold, warm, restart, made, size = [], [], [], 0, 0
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "store.duckdb"
                store = SpanStore(path)
                history = _history(url, store, shape.concurrency)
                cold.append(timed(ask, history, store, "openssl")[0])
                made = history.calls
                warm.append(timed(ask, history, store, "curl")[0])
                store.close()
                size = _store_size(path)
                again = SpanStore(path)
                restart.append(timed(ask, _history(url, again, shape.concurrency), again, "pkg0005")[0])
                again.close()
        memory_parent, memory_child = context.Pipe()
        memory = context.Process(target=_memory_run, args=(memory_child, url, shape.concurrency))
        memory.start()
        peak = float(memory_parent.recv())
        memory.join()
    finally:
        parent.send("stop")
        server.join(timeout=30)
    figures = {
        "packages": shape.packages,
        "items": items,
        "calls": made,
        "floor_s": round(floor, 3),
        "naive_s": None if naive_s is None else round(naive_s, 3),
        "cold_s": round(min(cold), 3),
        "warm_s": round(min(warm), 4),
        "restart_s": round(min(restart), 4),
        "peak_rss_mib": round(peak, 1),
        "index_mib": round(size / 2**20, 3),
        "history_json_mib": round(json_bytes / 2**20, 1),
    }
    figures["cold_vs_floor"] = round(figures["cold_s"] / floor, 2)
    figures["warm_vs_floor"] = round(figures["warm_s"] / floor, 3)
    figures["restart_vs_floor"] = round(figures["restart_s"] / floor, 3)
    figures["index_vs_json"] = round(size / json_bytes, 4)
    return figures


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
        workspace.slack.wait_for(lambda s: len(s.calls_to("response_url")) >= 2 * count, timeout=60)
        return latencies


def main() -> None:
    # The allocator as `pkgwhen` sets it at start-up (bot/runtime/memory.py); --malloc-arenas 0 keeps glibc's.
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--malloc-arenas", type=int, default=ARENAS, help="0: glibc's default")
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--every-days", type=float, default=7.0)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--calls-per-second", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--pacing",
        choices=["pacer", "adaptive"],
        default="pacer",
        help="meet throttling with pkgwhen's pacer (default) or botocore's adaptive retry mode",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive pager (slow on long histories)")
    parser.add_argument("--quick", action="store_true", help="500 packages, one run: a smoke test")
    parser.add_argument("--acks", type=int, default=0, help="also send this many signed commands at once")
    args = parser.parse_args()
    if args.malloc_arenas:
        limit_malloc_arenas(args.malloc_arenas)
    PACING["mode"] = args.pacing
    shape = Shape(
        packages=500 if args.quick else args.packages,
        years=args.years,
        every_days=args.every_days,
        latency_s=args.latency_ms / 1000,
        calls_per_second=args.calls_per_second,
        concurrency=args.concurrency,
    )
    figures = measure(shape, 1 if args.quick else args.runs, not args.no_naive)
    print(
        f"One server, {shape.packages} packages, {shape.years:g} years patched every {shape.every_days:g} days "
        f"({figures['items']} Config items, {figures['history_json_mib']} MiB of JSON); stand-in "
        f"{args.latency_ms:g} ms per call, {shape.calls_per_second:g} calls/s."
    )
    print(f"floor {figures['floor_s']} s ({figures['calls']} calls)   naive {figures['naive_s']} s")
    print(f"cold {figures['cold_s']} s = {figures['cold_vs_floor']}x floor (target <= 1.5)")
    print(f"warm {figures['warm_s']} s = {figures['warm_vs_floor']}x floor (target <= 0.05)")
    print(f"after restart {figures['restart_s']} s = {figures['restart_vs_floor']}x floor (target <= 0.10)")
    print(f"peak RSS {figures['peak_rss_mib']} MiB above baseline (target <= 100); store {figures['index_mib']} MiB "
          f"= {figures['index_vs_json']} of the JSON (target <= 0.02)")
    if args.acks:
        latencies = sorted(ack_latencies(args.acks))
        p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
        figures["ack_p50_ms"] = round(statistics.median(latencies) * 1000, 1)
        figures["ack_p99_ms"] = round(p99 * 1000, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    main()
