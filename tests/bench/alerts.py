"""Benchmark: a patch night through change alerts — moto SNS → SQS → the worker → a rate-limited Slack stand-in.

Run: `.venv/bin/python -m tests.bench.alerts` (add `--quick` for 100 servers). 1,000 servers each update 30
packages (four platform groups, each its own versions; a tenth update the SSM agent first, splitting the
update into two items; a few also change a package of their own). Notifications go through moto's SNS
topic into the SQS queue; some are delivered twice, the split ones newest first, a few oversized via S3.
The Slack stand-in enforces about one message per second per channel; `db-*` servers are routed to
their own channel. Everything (moto, the stand-ins, the worker) runs in this process: the peak memory
figure covers all of it.

The baseline is run in the same process after pkgwhen's worker: the same notifications are delivered
again to the queue and a naive consumer posts each one as its own message (waiting out Slack's 429s,
deleting after posting). `--no-baseline` skips that run (it takes about one second per notification).

`--worker-only` measures the worker alone (`--packages 2000 --latency-ms 100` is the issue's target shape):
moto and the AWS stand-in serve from a process of their own, Config answering after `--latency-ms`, and
Slack does not throttle. moto's ReceiveMessage recomputes every queue attribute per message, so a big
drain would be quadratic in the queue's length: the notifications are published in waves of one round
and each wave is drained by `run_once` before the next is published; only the rounds are timed. The last
line is a JSON object with `notifications_per_s` and the Config calls made.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from moto.server import ThreadedMotoServer

from bot.alerts.ledger import AlertLedger, ItemRecord
from bot.alerts.worker import WorkerTuning
from bot.core.settings import Settings
from bot.runtime.worker import build_alert_worker
from bot.sim.alert_feed import AlertFeed
from bot.sim.aws import AwsStandIn, Faults
from bot.sim.fleet import Fleet, SimNode
from bot.sim.moto import MotoAws, shared_endpoint
from bot.sim.notifications import needs_oversized
from bot.sim.slack import SlackStandIn

NOW = datetime.now(UTC).replace(microsecond=0)
FIRST = NOW - timedelta(hours=6)
TOKEN = "xoxb-bench"
GROUPS = ("web", "api", "batch", "db")


def rpm(name: str, version: str, release: str, at: datetime) -> dict[str, str]:
    return {
        "Name": name, "Version": version, "Release": release, "Architecture": "x86_64",
        "InstalledTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "PackageId": f"{name}-{version}-{release}.src.rpm",
    }


def node_id(n: int) -> str:
    return f"i-0{n:016x}"


def build_fleet(servers: int, packages: int) -> Fleet:
    fleet = Fleet()
    for n in range(servers):
        group = GROUPS[n % len(GROUPS)]
        node = fleet.add(
            SimNode(node_id(n), f"{group}-{n}.internal", "Linux", "Amazon Linux", "2", "3.3.40.0", f"10.1.{n // 250}.{n % 250}",
                    FIRST - timedelta(days=1), name_tag=f"{group}-{n}")
        )
        for p in range(packages):
            name = ("kernel", "openssl-libs", "glibc", "curl", "amazon-ssm-agent")[p] if p < 5 else f"pkg{p:03d}"
            node.install(rpm(name, "1.0", "1.amzn2", FIRST - timedelta(days=30)))
        fleet.capture(node.node_id, FIRST)
    return fleet


@dataclass(frozen=True)
class Delivery:
    node: SimNode
    item: dict[str, Any]


def patch_night(fleet: Fleet, updated: int, rng: random.Random) -> list[Delivery]:
    """Apply the night's updates; return every Config item it recorded, in recording order."""
    items: list[Delivery] = []
    at = NOW - timedelta(hours=2)
    for n, node in enumerate(fleet.nodes()):
        group = n % len(GROUPS)
        if n % 10 == 0:
            # The agent updates itself first: one item for it, another for the rest (AWS-NOTES, the seed's case).
            node.replace(rpm("amazon-ssm-agent", "3.3.987.0", "1.amzn2", at))
            item = fleet.capture(node.node_id, at)
            assert item is not None
            items.append(Delivery(node, item))
        for p in [0, 1, 2, 3, *range(5, 5 + updated - 4)]:
            name = node.installed["AWS:Application"][p]["Name"]
            node.replace(rpm(name, f"1.{group + 1}", "1.amzn2", at + timedelta(minutes=5)))
        if n % 40 == 7:
            node.replace(rpm(f"pkg{5 + updated:03d}", "9.9", "1.amzn2", at + timedelta(minutes=5)))
        item = fleet.capture(node.node_id, at + timedelta(minutes=10 + rng.random()))
        assert item is not None
        items.append(Delivery(node, item))
    return items


def deliveries(items: list[Delivery], rng: random.Random, duplicate: float) -> list[Delivery]:
    """The order the queue sees: split updates newest first, some notifications twice, the rest shuffled a bit."""
    order = list(items)
    for i in range(len(order) - 1):
        if order[i].node is order[i + 1].node:
            order[i], order[i + 1] = order[i + 1], order[i]
    order += [d for d in items if rng.random() < duplicate]
    rng.shuffle(order)
    return order


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 servers instead of 1,000")
    parser.add_argument("--servers", type=int, default=None)
    parser.add_argument("--packages", type=int, default=120, help="packages installed per server")
    parser.add_argument("--updated", type=int, default=30, help="packages each server updates")
    parser.add_argument("--duplicate", type=float, default=0.05, help="share of notifications delivered twice")
    parser.add_argument("--oversized", type=float, default=0.02, help="share of notifications sent oversized")
    parser.add_argument("--rate", type=float, default=1.0, help="Slack messages per second per channel")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive consumer's run")
    parser.add_argument("--worker-only", action="store_true", help="the worker alone: AWS in its own process, no Slack limit")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="--worker-only: Config's latency per call")
    args = parser.parse_args()
    servers = args.servers or (100 if args.quick else 1000)
    rng = random.Random(7)
    if args.worker_only:
        worker_only(servers, args, rng)
        return

    setup_started = time.monotonic()
    fleet = build_fleet(servers, args.packages)
    moto = MotoAws(endpoint=shared_endpoint(), queue_visibility_s=120, max_receive_count=10).start()
    assert moto.resources is not None
    aws, slack = AwsStandIn(fleet), SlackStandIn(bot_token=TOKEN)
    aws.start()
    slack.start()
    slack.add_channel("C0DB", "db-alerts")
    slack.enforce_channel_rate(args.rate, burst=3)
    oversized_ids = {node_id(n) for n in range(servers) if rng.random() < args.oversized}
    feed = AlertFeed(fleet, moto, oversize=lambda node, item: node.node_id in oversized_ids)
    items = patch_night(fleet, args.updated, rng)
    order = deliveries(items, rng, args.duplicate)

    with tempfile.TemporaryDirectory() as tmp:
        routes = Path(tmp) / "routes.toml"
        routes.write_text('default_channel = "C0ALERTS"\n\n[[route]]\nchannel = "C0DB"\ntags = { Name = "db-*" }\n')
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": moto.url,
                "AWS_ENDPOINT_URL_CONFIG_SERVICE": aws.url,
                "AWS_ENDPOINT_URL_SSM": aws.url,
                "AWS_ENDPOINT_URL_EC2": aws.url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
            }
        )
        settings = Settings.from_env(
            {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_API_URL": slack.api_url,
                "PKGWHEN_QUEUE_URL": moto.queue_url,
                "PKGWHEN_ALERT_CHANNEL": "C0ALERTS",
                "PKGWHEN_ROUTES_FILE": str(routes),
                "PKGWHEN_STATE_DIR": tmp,
                "AWS_REGION": fleet.region,
            },
            require_slack=False,
        )
        worker = build_alert_worker(settings, tuning=WorkerTuning(wait_seconds=1, visibility_timeout=120))
        published_started = time.monotonic()
        for delivery in order:
            feed.deliver(feed.notification(delivery.node, delivery.item), delivery.node)
        publish_s = time.monotonic() - published_started
        print(
            f"{servers} servers, {args.updated} packages: {len(items)} Config items, {len(order)} notifications "
            f"({len(order) - len(items)} duplicates, {len(oversized_ids)} servers oversized) via moto SNS → SQS "
            f"in {publish_s:.1f} s; setup {published_started - setup_started:.1f} s; Slack {args.rate:g} msg/s/channel"
        )

        started = time.monotonic()
        worker.start()
        worker.wait_for(lambda w: w.totals.received > 0 and moto.visible() == 0, timeout=3600)
        drain_s = time.monotonic() - started
        worker.stop(10)
        rss = peak_rss_mib()

        handled = worker.ledger.counts()
        posted_items = set()
        duplicates = 0
        post_count = 0
        for post in worker.ledger.open_posts(0):
            post_count += 1
            for key in post.items():
                duplicates += key in posted_items
                posted_items.add(key)
        delivered = {(d.node.node_id, str(d.item["configurationStateId"])) for d in items}
        lost = len(delivered - posted_items - _skipped(worker.ledger, delivered))
        calls = slack.calls
        by_channel = {c: sum(1 for m in slack.messages(c) if m.thread_ts is None) for c in ("C0ALERTS", "C0DB")}
        replies = sum(1 for m in slack.messages() if m.thread_ts is not None)
        ok_calls = [c for c in calls if c.status == 200]
        worker.close()
        baseline = None if args.no_baseline else naive_run(feed, order, moto, slack)

    print(f"\ndrain time            {drain_s:9.1f} s   ({len(order) / drain_s:.1f} notifications/s)")
    print(f"Slack calls           {len(calls):9d}     ({len(ok_calls)} ok: "
          f"{sum(1 for c in ok_calls if c.method == 'chat.postMessage')} posts, "
          f"{sum(1 for c in ok_calls if c.method == 'chat.update')} updates; {len(calls) - len(ok_calls)} answered 429)")
    print(f"messages per channel  {json.dumps(by_channel)} top-level, {replies} thread replies; {post_count} alert posts")
    print(f"items handled         {json.dumps(handled)}")
    print(f"peak memory (process) {rss:9.0f} MiB (moto, stand-ins and worker together)")
    print(f"lost / duplicated     {lost} / {duplicates}")
    if baseline is not None:
        naive_s, naive_calls, naive_posts = baseline
        print(
            f"\nbaseline, run here: a naive consumer posting each notification as its own message: {naive_posts} posts, "
            f"{naive_calls} Slack calls, drained in {naive_s:.1f} s. pkgwhen: {len(calls) / naive_calls:.3f} x the calls, "
            f"{drain_s / naive_s:.3f} x the time, {post_count / naive_posts:.3f} x the messages."
        )
    if lost or duplicates:
        raise SystemExit("FAILED: alerts were lost or duplicated")


def _serve_aws(conn: Connection, fleet: Fleet, latency_s: float) -> None:
    """The worker-only run's other process: moto (SQS, SNS, S3) and the AWS stand-in (Config, EC2)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    with AwsStandIn(fleet, Faults(latency_s=latency_s)) as aws:
        conn.send((aws.url, f"http://{host}:{port}"))
        while (command := conn.recv()) != "stop":
            if command == "cpu":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                conn.send(usage.ru_utime + usage.ru_stime)
            else:
                conn.send(aws.count(command))
    moto.stop()


def worker_only(servers: int, args: argparse.Namespace, rng: random.Random) -> None:
    setup_started = time.monotonic()
    fleet = build_fleet(servers, args.packages)
    items = patch_night(fleet, args.updated, rng)
    order = deliveries(items, rng, args.duplicate)
    oversized_ids = {node_id(n) for n in range(servers) if rng.random() < args.oversized}
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    other = context.Process(target=_serve_aws, args=(child, fleet, args.latency_ms / 1000), daemon=True)
    other.start()
    aws_url, moto_url = parent.recv()
    try:
        moto = MotoAws(endpoint=moto_url, queue_visibility_s=120, max_receive_count=10).start()
        slack = SlackStandIn(bot_token=TOKEN)
        slack.start()
        feed = AlertFeed(fleet, moto, oversize=lambda node, item: node.node_id in oversized_ids)
        notifications = [(feed.notification(d.node, d.item), d.node) for d in order]
        oversized = sum(1 for n, node in notifications if needs_oversized(n) or node.node_id in oversized_ids)
        with tempfile.TemporaryDirectory() as tmp:
            worker = build_alert_worker(
                _bench_settings(tmp, fleet, moto, slack, aws_url, routes=Path(tmp) / "routes.toml"),
                tuning=WorkerTuning(wait_seconds=0, visibility_timeout=120),
            )
            setup_s = time.monotonic() - setup_started
            rounds_s = 0.0
            wave = worker.tuning.round_size
            parent.send("cpu")
            standin_cpu_s = -float(parent.recv())
            own = resource.getrusage(resource.RUSAGE_SELF)
            worker_cpu_s = -(own.ru_utime + own.ru_stime)
            for start in range(0, len(notifications), wave):
                for notification, node in notifications[start : start + wave]:
                    feed.deliver(notification, node)
                while True:
                    started = time.perf_counter()
                    result = worker.run_once()
                    rounds_s += time.perf_counter() - started
                    if result.received == 0 and moto.visible() == 0:
                        break
            parent.send("cpu")
            standin_cpu_s += float(parent.recv())
            own = resource.getrusage(resource.RUSAGE_SELF)
            worker_cpu_s += own.ru_utime + own.ru_stime
            rss = peak_rss_mib()
            delivered = {(d.node.node_id, str(d.item["configurationStateId"])) for d in items}
            posted = [key for post in worker.ledger.open_posts(0) for key in post.items()]
            lost = len(delivered - set(posted) - _skipped(worker.ledger, delivered))
            duplicates = len(posted) - len(set(posted))
            handled = worker.ledger.counts()
            worker.close()
        parent.send("GetResourceConfigHistory")
        config_calls = int(parent.recv())
        slack.stop()
        moto.stop()
    finally:
        parent.send("stop")
        other.join(timeout=30)
    figures = {
        "servers": servers,
        "packages": args.packages,
        "latency_ms": args.latency_ms,
        "notifications": len(order),
        "oversized": oversized,
        "rounds_s": round(rounds_s, 2),
        "notifications_per_s": round(len(order) / rounds_s, 1),
        "config_calls": config_calls,
        # CPU seconds during the rounds: this process (the worker, its client side) and the stand-ins'.
        "worker_cpu_s": round(worker_cpu_s, 2),
        "standin_cpu_s": round(standin_cpu_s, 2),
        "items_handled": handled,
        "lost": lost,
        "duplicated": duplicates,
        "peak_rss_mib": round(rss),
        "setup_s": round(setup_s, 1),
    }
    print(
        f"worker only: {servers} servers, {args.packages} packages, {len(order)} notifications ({oversized} oversized) "
        f"in waves of {worker.tuning.round_size}; Config {args.latency_ms:g} ms a call; Slack unthrottled"
    )
    print(f"rounds {rounds_s:.1f} s: {figures['notifications_per_s']} notifications/s; {config_calls} Config calls; "
          f"lost / duplicated {lost} / {duplicates}")
    print(json.dumps(figures))
    if lost or duplicates:
        raise SystemExit("FAILED: alerts were lost or duplicated")


def _bench_settings(tmp: str, fleet: Fleet, moto: MotoAws, slack: SlackStandIn, aws_url: str, *, routes: Path) -> Settings:
    routes.write_text('default_channel = "C0ALERTS"\n\n[[route]]\nchannel = "C0DB"\ntags = { Name = "db-*" }\n')
    slack.add_channel("C0DB", "db-alerts")
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto.url,
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": aws_url,
            "AWS_ENDPOINT_URL_SSM": aws_url,
            "AWS_ENDPOINT_URL_EC2": aws_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    assert moto.resources is not None
    return Settings.from_env(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": slack.api_url,
            "PKGWHEN_QUEUE_URL": moto.resources.queue_url,
            "PKGWHEN_ALERT_CHANNEL": "C0ALERTS",
            "PKGWHEN_ROUTES_FILE": str(routes),
            "PKGWHEN_STATE_DIR": tmp,
            "AWS_REGION": fleet.region,
        },
        require_slack=False,
    )


def naive_run(feed: AlertFeed, order: list[Delivery], moto: MotoAws, slack: SlackStandIn) -> tuple[float, int, int]:
    """The same notifications again, drained by the obvious consumer: one chat.postMessage per message."""
    import boto3
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    for delivery in order:
        feed.deliver(feed.notification(delivery.node, delivery.item), delivery.node)
    sqs = boto3.client("sqs", endpoint_url=moto.url, region_name="us-east-1")
    client = WebClient(token=TOKEN, base_url=slack.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1000)])
    calls_before, posts = len(slack.calls), 0
    started = time.monotonic()
    while True:
        batch = sqs.receive_message(QueueUrl=moto.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not batch:
            if moto.visible() == 0:
                break
            continue
        for message in batch:
            body = json.loads(message["Body"])
            inner = json.loads(body["Message"]) if isinstance(body.get("Message"), str) else body.get("detail", body)
            item = inner.get("configurationItem") or inner.get("configurationItemSummary") or {}
            client.chat_postMessage(channel="C0ALERTS", text=f"Config change of {item.get('resourceId', '?')}")
            posts += 1
            sqs.delete_message(QueueUrl=moto.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return time.monotonic() - started, len(slack.calls) - calls_before, posts


def _skipped(ledger: AlertLedger, delivered: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {key for key in delivered if (h := ledger.handled(*key)) is not None and h.outcome != ItemRecord.POSTED}


if __name__ == "__main__":
    main()
