"""`pkgwhen worker` as a process: killed with SIGKILL mid-batch and restarted, or drained with SIGTERM.

The worker runs as `python -m bot.cli worker` against moto (SQS, SNS, S3), the AWS stand-in (Config
history, EC2) and the Slack stand-in, all started by the test on loopback. Nothing may be lost, nothing
posted twice.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.sim.alert_feed import AlertFeed, channel_posts
from bot.sim.aws import AwsStandIn
from bot.sim.fleet import Fleet
from bot.sim.moto import MotoAws, shared_endpoint
from bot.sim.slack import SlackStandIn
from tests.test_alerts import BASE_PACKAGES, minutes_ago, node_id, patch, small_fleet

REPO = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-alerts-test"
SERVERS = 5


@dataclass
class Stage:
    fleet: Fleet
    moto: MotoAws
    aws: AwsStandIn
    slack: SlackStandIn
    feed: AlertFeed
    state_dir: Path
    logs: Path

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PKGWHEN_", "SLACK_"))},
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": self.aws.url,
            "AWS_ENDPOINT_URL_SSM": self.aws.url,
            "AWS_ENDPOINT_URL_EC2": self.aws.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": self.fleet.region,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": self.slack.api_url,
            "PKGWHEN_QUEUE_URL": self.moto.queue_url,
            "PKGWHEN_ALERT_CHANNEL": "C0ALERTS",
            "PKGWHEN_STATE_DIR": str(self.state_dir),
            "PKGWHEN_AWS_MAX_ATTEMPTS": "2",
        }

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker", "--wait-seconds", "1", "--visibility-timeout", "2",
             "--retry-delay", "0"],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def posted(self) -> list[str]:
        return [p.text for p in channel_posts(self.slack)]

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    fleet = small_fleet(SERVERS, extra_packages=2)
    moto = MotoAws(endpoint=shared_endpoint(), max_receive_count=10).start()
    aws = AwsStandIn(fleet)
    aws.start()
    slack = SlackStandIn(bot_token=TOKEN)
    slack.start()
    feed = AlertFeed(fleet, moto).attach()
    logs = tmp_path / "logs"
    logs.mkdir()
    try:
        yield Stage(fleet, moto, aws, slack, feed, tmp_path / "state", logs)
    finally:
        feed.detach()
        slack.stop()
        aws.stop()


def patch_each_differently(stage: Stage) -> None:
    """One different change per server: five alerts, no digest."""
    packages = list(BASE_PACKAGES)
    for n in range(SERVERS):
        version, release = BASE_PACKAGES[packages[n]]
        patch(stage.fleet, [node_id(n)], {packages[n]: (version, release + ".9")}, minutes_ago(30))


def servers_posted(texts: list[str]) -> list[str]:
    return sorted(f"web-{n}" for n in range(SERVERS) for text in texts if f"*web-{n}*" in text)


def ratelimited(slack: SlackStandIn) -> bool:
    return any(c.status == 429 for c in slack.calls_to("chat.postMessage"))


def test_a_worker_killed_mid_batch_loses_nothing_and_its_successor_repeats_nothing(stage: Stage) -> None:
    patch_each_differently(stage)
    # One post, then Slack asks to wait 100 s: the worker is mid-batch, its alert recorded, no message deleted.
    stage.slack.enforce_channel_rate(0.01, burst=1)
    first = stage.worker("first")
    try:
        assert stage.slack.wait_for(ratelimited, timeout=30), stage.log_text()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(stage.posted()) == 1
    assert stage.moto.visible() == SERVERS  # nothing was deleted: all still on the queue

    stage.slack.enforce_channel_rate(None)
    second = stage.worker("second")
    try:
        assert stage.slack.wait_for(lambda s: len(channel_posts(s)) >= SERVERS, timeout=30), stage.log_text()
        # The queue empties once the second worker has recorded and deleted everything.
        assert _drain_wait(stage), stage.log_text()
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, stage.log_text()
    assert servers_posted(stage.posted()) == [f"web-{n}" for n in range(SERVERS)]
    assert len(stage.slack.calls_to("chat.postMessage")) - sum(
        1 for c in stage.slack.calls_to("chat.postMessage") if c.status != 200
    ) == SERVERS


def _drain_wait(stage: Stage) -> bool:
    """The queue empties after the last post; its deletes make no Slack call to wake a waiter, so wait on SQS."""
    sqs = stage.moto.sqs()
    # A long poll is a wait on SQS's own condition: it returns as soon as something is visible, or after 5 s.
    for _ in range(6):
        if stage.moto.visible() == 0:
            return True
        sqs.receive_message(QueueUrl=stage.moto.queue_url, WaitTimeSeconds=1, VisibilityTimeout=0, MaxNumberOfMessages=1)
    return stage.moto.visible() == 0


def test_sigterm_finishes_the_batch_in_flight_and_exits_0(stage: Stage) -> None:
    patch_each_differently(stage)
    # Slack makes the worker wait a second after each post: SIGTERM arrives while the batch is in flight.
    stage.slack.enforce_channel_rate(2.0, burst=1)
    worker = stage.worker("worker")
    try:
        assert stage.slack.wait_for(ratelimited, timeout=30), stage.log_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, stage.log_text()
    finally:
        if worker.poll() is None:
            worker.kill()
    posted = stage.posted()
    # Every message it had received was finished (posted and deleted) or handed back; none twice.
    assert len(posted) == len(set(servers_posted(posted)))
    assert len(posted) + stage.moto.visible() >= SERVERS
    assert stage.moto.visible() == SERVERS - len(posted)
    assert "finishing the messages in flight" in stage.log_text()


def test_visibility_is_extended_while_a_batch_takes_long(stage: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in stage.env().items():
        monkeypatch.setenv(key, value)
    from bot.alert_worker import WorkerTuning, build_alert_worker
    from bot.settings import Settings

    patch_each_differently(stage)
    # After the first post Slack asks for a 3 s wait: far longer than the 1 s visibility the worker asks for.
    stage.slack.enforce_channel_rate(0.34, burst=1)
    worker = build_alert_worker(
        Settings.from_env(require_slack=False),
        tuning=WorkerTuning(wait_seconds=0, visibility_timeout=1, heartbeat_s=0.2, retry_delay_s=0),
    )
    done = threading.Event()

    def one_round() -> None:
        worker.run_once()
        done.set()

    threading.Thread(target=one_round, daemon=True).start()
    try:
        assert stage.slack.wait_for(ratelimited, timeout=30)
        # Another consumer polls for 2 s while the worker waits on Slack: nothing may become visible to it.
        stolen = stage.moto.sqs().receive_message(
            QueueUrl=stage.moto.queue_url, WaitTimeSeconds=2, VisibilityTimeout=0, MaxNumberOfMessages=10
        )
        assert stolen.get("Messages", []) == []
    finally:
        stage.slack.enforce_channel_rate(None)
        assert done.wait(60)
        worker.store.close()


def test_messages_received_while_stopping_are_handed_back_at_once(stage: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in stage.env().items():
        monkeypatch.setenv(key, value)
    from bot.alert_worker import WorkerTuning, build_alert_worker
    from bot.settings import Settings

    worker = build_alert_worker(
        Settings.from_env(require_slack=False), tuning=WorkerTuning(wait_seconds=5, visibility_timeout=120)
    )
    polling = threading.Event()
    # botocore's own event: the worker's long poll on the (empty) queue has started.
    worker.sqs.meta.events.register("before-call.sqs.ReceiveMessage", lambda **_: polling.set())
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    assert polling.wait(10)
    # Told to stop while it waits; then work arrives and the long poll returns it.
    stop.set()
    patch_each_differently(stage)
    thread.join(timeout=30)
    assert not thread.is_alive()
    worker.store.close()
    attributes = stage.moto.sqs().get_queue_attributes(
        QueueUrl=stage.moto.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    # Nothing posted, nothing hidden for the 120 s visibility: every message is visible for the next worker.
    assert stage.posted() == []
    assert attributes == {"ApproximateNumberOfMessages": str(SERVERS), "ApproximateNumberOfMessagesNotVisible": "0"}


def test_a_failed_batch_delete_is_noticed_and_the_redelivery_posts_nothing_twice(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for key, value in stage.env().items():
        monkeypatch.setenv(key, value)
    from bot.alert_worker import WorkerTuning, build_alert_worker
    from bot.settings import Settings

    worker = build_alert_worker(
        Settings.from_env(require_slack=False), tuning=WorkerTuning(wait_seconds=1, visibility_timeout=1)
    )
    spoiled: list[str] = []

    def spoil_one(params: dict[str, Any], **_: Any) -> None:
        # SQS answers a batch entry with a bad receipt handle in `Failed`: that message is not deleted.
        if not spoiled:
            spoiled.append(params["Entries"][0]["ReceiptHandle"])
            params["Entries"][0]["ReceiptHandle"] = "spoiled"

    worker.sqs.meta.events.register("before-parameter-build.sqs.DeleteMessageBatch", spoil_one)
    patch_each_differently(stage)
    caplog.set_level(logging.WARNING, logger="pkgwhen.alerts")
    try:
        first = worker.run_once()
        assert first.delete_failures == 1
        assert any("was not deleted (ReceiptHandleIsInvalid" in r.getMessage() for r in caplog.records)
        # The spoiled one comes back after its visibility timeout; the store knows it was posted.
        # Each round long-polls a second: the message is back within a few.
        rounds = [worker.run_once() for _ in range(3)]
        assert sum(r.deleted for r in rounds) == 1
    finally:
        worker.store.close()
    assert stage.moto.visible() == 0
    assert servers_posted(stage.posted()) == [f"web-{n}" for n in range(SERVERS)]
    assert len(stage.posted()) == SERVERS
