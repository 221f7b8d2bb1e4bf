"""Running the alert worker: building it from settings, `pkgwhen worker`, and the worker beside `pkgwhen serve`."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import FrameType

from bot.alerts.health import WorkerHealth
from bot.alerts.ledger import AlertLedger, LedgerError
from bot.alerts.queue import AlertQueue
from bot.alerts.routing import RoutesError, load_routes
from bot.alerts.slack import AlertPoster, alert_client
from bot.alerts.sources import ItemSource, ServerDirectory
from bot.alerts.worker import AlertWorker, WorkerTuning
from bot.aws.clients import AwsClients
from bot.aws.config_history import ConfigHistory
from bot.core.settings import Settings, SettingsError
from bot.store.item_index import ItemIndex
from bot.store.snapshots import SnapshotCache
from bot.usecases.services import Services

log = logging.getLogger("pkgwhen.alerts")


def ledger_path(settings: Settings) -> str:
    return str(settings.state_dir / "alerts.sqlite3")


def build_alert_worker(
    settings: Settings,
    aws: AwsClients | None = None,
    *,
    index: ItemIndex | None = None,
    history: ConfigHistory | None = None,
    snapshots: SnapshotCache | None = None,
    tuning: WorkerTuning | None = None,
    clock: Callable[[], float] = time.time,
) -> AlertWorker:
    """The worker for the configured queue.

    Raises SettingsError when there is no queue or no channel, LedgerError when the ledger cannot be used.
    """
    if not settings.queue_url:
        raise SettingsError("PKGWHEN_QUEUE_URL", "not set; set it to the URL of the SQS queue Config notifies")
    try:
        routes = load_routes(settings.routes_file, settings.alert_channel)
    except RoutesError as error:
        raise SettingsError("PKGWHEN_ROUTES_FILE", str(error)) from error
    if not routes.default_channel and not routes.routes:
        raise SettingsError(
            "PKGWHEN_ALERT_CHANNEL", "not set; set it to the channel ID (C…) alerts go to, or give a routes file"
        )
    ledger = AlertLedger(ledger_path(settings))
    aws = aws or AwsClients.from_settings(settings)
    history_index = index or ItemIndex(settings.index_path)
    # Beside the bot, the bot's own reader over the same index: one pacer for one account's Config.
    history = history or ConfigHistory(
        aws.config_history(),
        history_index,
        concurrency=settings.history_concurrency,
        attempts=settings.aws_max_attempts,
    )
    # A poll never outlasts a stop: the stop's grace minus time to hand the messages back.
    grace = settings.stop_timeout.total_seconds()
    tuning = tuning or WorkerTuning()
    tuning = replace(
        tuning, wait_seconds=min(tuning.wait_seconds, max(0, int(grace) - 2)), retention=settings.alert_retention
    )
    stopping = threading.Event()
    return AlertWorker(
        queue=AlertQueue(aws.sqs(), settings.queue_url),
        source=ItemSource(history, history_index, aws.s3(), snapshots=snapshots, concurrency=2 * settings.history_concurrency),
        directory=ServerDirectory(aws.ec2()),
        poster=AlertPoster(alert_client(settings, stopping, timeout=tuning.slack_timeout_s)),
        ledger=ledger,
        routes=routes,
        watchlist=settings.watchlist,
        window=settings.alert_window,
        post_noise=settings.post_noise,
        tuning=tuning,
        clock=clock,
        stopping=stopping,
        health=WorkerHealth(clock),
        closing=() if index is not None else (history_index.close,),
    )


def worker_command(wait_seconds: int = 5, visibility_timeout: int = 120, retry_delay: int = 30, slack_timeout: int = 10) -> int:
    """`pkgwhen worker`: run until SIGTERM/SIGINT, then stop within PKGWHEN_STOP_TIMEOUT; 1 if the worker died."""
    from bot.runtime import logs

    settings = Settings.from_env(require_slack=False)
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN", "not set; set it to the app's Bot User OAuth Token (xoxb-…)")
    logs.configure(settings.log_level, settings.log_format, secrets=(settings.slack_bot_token,))
    tuning = WorkerTuning(
        wait_seconds=max(0, min(20, wait_seconds)),
        visibility_timeout=max(1, visibility_timeout),
        retry_delay_s=max(0, retry_delay),
        slack_timeout_s=max(1, slack_timeout),
        # Slack may still act on a request its client gave up on: look for the post well after that.
        settle_s=3.0 * max(1, slack_timeout),
    )
    try:
        worker = build_alert_worker(settings, tuning=tuning)
    except LedgerError as error:
        print(f"pkgwhen: {error}", file=sys.stderr)
        return 1
    done = threading.Event()
    worker.health.on_death(lambda _: done.set())

    def stopping(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping within %s; unfinished messages are handed back", signum, settings.stop_timeout)
        done.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    thread = worker.start()
    while not done.wait(1.0) and thread.is_alive():
        pass
    worker.stop(settings.stop_timeout.total_seconds())
    worker.close()
    return 1 if worker.health.dead else 0


@dataclass
class Running:
    """A worker running beside the bot, as `pkgwhen serve` sees it."""

    stop: Callable[[], None]
    readiness: Callable[[], tuple[bool, list[str]]]
    # Why it stopped for good (then `serve` exits non-zero), or None.
    failure: Callable[[], str | None]


def alert_companion(services: Services, stopping: threading.Event) -> Running | None:
    """For `pkgwhen serve`: run the worker beside the bot when a queue is configured.

    When the worker dies, `stopping` is set: the bot stops and `serve` exits non-zero, so the orchestrator
    restarts it. Raises LedgerError when the ledger cannot be used (the start fails with that line).
    """
    settings = services.settings
    if not settings.queue_url:
        return None
    worker = build_alert_worker(
        settings, services.aws, index=services.index, history=services.history, snapshots=services.snapshots
    )
    worker.health.on_death(lambda _: stopping.set())
    worker.start()

    def stop() -> None:
        worker.stop(settings.stop_timeout.total_seconds())
        worker.close()

    return Running(stop=stop, readiness=worker.health.readiness, failure=lambda: worker.health.dead)
