"""The stage for the alert worker's fault rows: a small fleet whose Config items go through moto (SNS → SQS
with a DLQ, S3 for oversized ones) to the real worker — in this process, or as `pkgwhen worker` — against
the AWS stand-in (Config history, EC2) and the Slack stand-in, with what each of them received counted.

Outages are short here and full length in `python -m tests.bench.faults` (`PKGWHEN_FAULTS_FULL=1`):
`lasting(full, short)` picks one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.worker import AlertWorker, WorkerTuning
from bot.aws.clients import AwsClients
from bot.core.settings import Settings
from bot.runtime.worker import build_alert_worker
from bot.sim.alert_feed import AlertFeed, AlertPostSeen, channel_posts
from bot.sim.aws import AwsStandIn
from bot.sim.fleet import Fleet
from bot.sim.moto import MotoAws, shared_endpoint
from bot.sim.slack import SlackStandIn
from bot.sim.workspace import aws_session
from bot.store.snapshots import SnapshotCache
from tests.test_alerts import BASE_PACKAGES, minutes_ago, node_id, patch, small_fleet

REPO = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-faults-test"
SERVERS = 5
FULL = os.environ.get("PKGWHEN_FAULTS_FULL") == "1"
CURL_FIX = {"curl": ("7.61.1", "12.amzn2.0.2"), "libcurl": ("7.61.1", "12.amzn2.0.2")}

# Short waits everywhere: a round, a backoff, a route retry and an unknown outcome's settling take a second at most.
FAST = WorkerTuning(
    wait_seconds=1,
    visibility_timeout=30,
    retry_delay_s=0,
    backoff_s=0.2,
    max_backoff_s=1.0,
    slack_timeout_s=2,
    settle_s=2.5,
    route_retry_s=0.5,
)


def lasting(full_s: float, short_s: float) -> float:
    """A fault's length: as seen in production in the benchmark, short in CI."""
    return full_s if FULL else short_s


@dataclass
class Process:
    """`pkgwhen worker` (or `serve`) as a separate process; its output is read as it comes (never a file:
    a full-disk row limits the size of every file the process writes)."""

    popen: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def signal(self, signum: int) -> None:
        self.popen.send_signal(signum)

    def exit_code(self, timeout: float = 60) -> int:
        return self.popen.wait(timeout=timeout)

    def end(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)


@dataclass
class Stage:
    fleet: Fleet
    moto: MotoAws
    aws: AwsStandIn
    slack: SlackStandIn
    feed: AlertFeed
    root: Path
    workers: list[AlertWorker] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        *,
        servers: int = SERVERS,
        max_receive_count: int = 5,
        extra_packages: int = 2,
    ) -> Iterator[Stage]:
        fleet = small_fleet(servers, extra_packages=extra_packages)
        moto = MotoAws(endpoint=shared_endpoint(), max_receive_count=max_receive_count).start()
        with AwsStandIn(fleet) as aws, SlackStandIn(bot_token=TOKEN) as slack:
            feed = AlertFeed(fleet, moto).attach()
            stage = cls(fleet, moto, aws, slack, feed, tmp_path)
            for key, value in stage.aws_env().items():
                monkeypatch.setenv(key, value)
            try:
                yield stage
            finally:
                feed.detach()
                for worker in stage.workers:
                    worker.stop(5)
                    worker.close()
                for process in stage.processes:
                    process.end()

    # --- the worker -----------------------------------------------------------------------------------

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def ledger_file(self) -> Path:
        return self.state_dir / "alerts.sqlite3"

    def aws_env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": self.aws.url,
            "AWS_ENDPOINT_URL_SSM": self.aws.url,
            "AWS_ENDPOINT_URL_EC2": self.aws.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": self.fleet.region,
        }

    def env(self, **extra: str) -> dict[str, str]:
        """The worker's environment: this process's, without pkgwhen's, Slack's and AWS's own, plus the stage's."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PKGWHEN_", "SLACK_"))}
        return {
            **clean,
            **self.aws_env(),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": self.slack.api_url,
            "PKGWHEN_QUEUE_URL": self.moto.queue_url,
            "PKGWHEN_ALERT_CHANNEL": "C0ALERTS",
            "PKGWHEN_STATE_DIR": str(self.state_dir),
            "PKGWHEN_AWS_MAX_ATTEMPTS": "2",
            "PKGWHEN_STOP_TIMEOUT": "2s",
            **extra,
        }

    def worker(
        self,
        tuning: WorkerTuning = FAST,
        *,
        start: bool = True,
        clock: Callable[[], float] = time.time,
        snapshots: SnapshotCache | None = None,
        **extra: str,
    ) -> AlertWorker:
        """The real worker in this process, built from the stage's settings (and started)."""
        settings = Settings.from_env(self.env(**extra), require_slack=False)
        # The clients' session shares the process's loaded service models (a new one parses them again: 0.3 s).
        aws = AwsClients.from_settings(settings, session=aws_session(settings.aws_region))
        worker = build_alert_worker(settings, aws, tuning=tuning, clock=clock, snapshots=snapshots)
        self.workers.append(worker)
        if start:
            worker.start()
        return worker

    def process(self, *args: str, prefix: Sequence[str] = (), command: str = "worker", **extra: str) -> Process:
        """`pkgwhen worker` with short waits (or `serve`) as its own process (run through `prefix`, if any)."""
        argv = [*prefix, sys.executable, "-m", "bot.runtime.cli", command]
        if command == "worker":
            argv += ["--wait-seconds", "1", "--visibility-timeout", "30", "--retry-delay", "0", "--slack-timeout", "1", *args]
        popen = subprocess.Popen(
            argv,
            cwd=REPO,
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        process = Process(popen)
        self.processes.append(process)
        return process

    # --- what happens ---------------------------------------------------------------------------------

    def patch(self, n: int, updates: Mapping[str, tuple[str, str]] | None = None, minutes: int = 30) -> None:
        patch(self.fleet, [node_id(n)], updates or CURL_FIX, minutes_ago(minutes))

    def patch_each_differently(self, servers: int = SERVERS) -> None:
        """One different change per server: one alert each, no digest."""
        packages = list(BASE_PACKAGES)
        for n in range(servers):
            version, release = BASE_PACKAGES[packages[n]]
            patch(self.fleet, [node_id(n)], {packages[n]: (version, release + ".9")}, minutes_ago(30))

    def send_body(self, body: str) -> str:
        return self.moto.sqs().send_message(QueueUrl=self.moto.queue_url, MessageBody=body)["MessageId"]

    # --- what Slack and AWS received ------------------------------------------------------------------

    def posts(self, channel: str = "C0ALERTS") -> list[AlertPostSeen]:
        return channel_posts(self.slack, channel)

    def texts(self, channel: str = "C0ALERTS") -> list[str]:
        return [p.text for p in self.posts(channel)]

    def servers_posted(self, channel: str = "C0ALERTS") -> list[str]:
        return sorted(f"web-{n}" for text in self.texts(channel) for n in range(10) if f"*web-{n}*" in text)

    def post_calls(self, *, status: int | None = None) -> int:
        """chat.postMessage calls Slack answered (with `status`)."""
        return sum(1 for c in self.slack.calls_to("chat.postMessage") if status is None or c.status == status)

    def lookups(self) -> int:
        return len(self.slack.calls_to("conversations.history")) + len(self.slack.calls_to("conversations.replies"))

    def in_queue(self) -> int:
        """Messages on the queue, visible or in flight."""
        return self.moto.visible()

    def visible_now(self) -> int:
        attributes = self.moto.sqs().get_queue_attributes(
            QueueUrl=self.moto.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def dead_letters(self) -> int:
        assert self.moto.resources is not None
        return self.moto.visible(self.moto.resources.dlq_url)

    def drained(self, timeout: float = 30) -> bool:
        """The queue is empty: every message was handled and deleted. (Polled: a receive of our own would
        count towards the redrive policy.)"""
        return until(lambda: self.in_queue() == 0, timeout)

    def wait_posts(self, count: int, channel: str = "C0ALERTS", timeout: float = 30) -> list[str]:
        self.slack.wait_for(lambda s: len(channel_posts(s, channel)) >= count, timeout=timeout)
        return self.texts(channel)

    def outage_seen(self, held: Callable[[], bool], timeout: float = 60) -> None:
        """The worker is seen holding its alerts through an outage started as `lasting(full, 3600)`; in CI the
        outage then ends at once (a slow machine still shows the hold), in the benchmark it lasts its full length."""
        assert until(held, timeout), "the worker never held its alerts"
        if not FULL:
            self.aws.outage(0)
            self.slack.fail_for(0)

    def ratelimited(self) -> bool:
        return any(c.status == 429 for c in self.slack.calls_to("chat.postMessage"))

    def ledger_rows(self) -> dict[str, int]:
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.ledger_file)) as db:
            return {
                "items": int(db.execute("SELECT count(*) FROM alert_items").fetchone()[0]),
                "posts": int(db.execute("SELECT count(*) FROM alert_posts").fetchone()[0]),
            }


def until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Poll `predicate` (for states no stand-in announces, such as the worker's health)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def without_root_override() -> list[str]:
    """A command prefix under which root obeys file permissions as anyone does (no CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux setpriv: a read-only directory cannot be shown")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", caps, "--inh-caps", caps, "--"]


def metadata_keys(slack: SlackStandIn, channel: str = "C0ALERTS") -> list[str]:
    """The post keys the channel's messages carry in their metadata."""
    return [str((m.metadata or {}).get("event_payload", {}).get("post_key")) for m in slack.messages(channel) if m.metadata]


def nested_json(depth: int = 100_000) -> str:
    """JSON that parses to arrays `depth` deep: Python's decoder raises RecursionError on it."""
    return "[" * depth + "]" * depth


def no_traceback(text: str) -> bool:
    return "Traceback" not in text


def sigterm(process: Process) -> None:
    process.signal(signal.SIGTERM)


def json_line(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
