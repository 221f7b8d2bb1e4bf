"""The SQS side of change alerts: receiving, what becomes of each message, and keeping messages hidden while held.

A message is deleted only once its alert is posted and recorded (or it was deliberately skipped). Every
other ending gives it back to SQS: after a retry delay (it failed, and counts towards the redrive policy),
at once (the worker is stopping), or not at all yet — held in this round while AWS or Slack is down, or
parked across rounds while its route's channel cannot take posts. Held and parked messages stay in flight:
the keeper extends their visibility, so waiting out an outage never adds a receive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.clients import calling
from bot.core.errors import PkgwhenError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger("pkgwhen.alerts")

SQS_BATCH = 10


class Outcome(Enum):
    """What becomes of one received message at the end of a round."""

    PENDING = "pending"
    # Placed in a post: deleted once the post is shown and recorded.
    POSTED = "posted"
    # Done: its alert is shown and recorded, or it needs none.
    DELETE = "delete"
    # It failed: visible again after the retry delay, and in the end the redrive policy's.
    LEAVE = "leave"
    # Not finished because the worker stops: visible again at once.
    RELEASE = "release"
    # Waiting inside the round for AWS or Slack to come back.
    HOLD = "hold"
    # Kept in flight across rounds: its route's channel cannot take posts until an operator acts.
    PARK = "park"


@dataclass
class Received:
    """One SQS message while the worker has it."""

    message_id: str
    receipt: str
    body: str
    receive_count: int
    outcome: Outcome = Outcome.PENDING
    post_key: str | None = None
    # Why it is held (for logs and /readyz).
    why: str = ""
    # The channel whose route keeps it parked.
    channel: str = ""


class AlertQueue:
    """Receive, delete and change visibility in batches of ten; failures are logged, never raised, past receive."""

    def __init__(self, sqs: SQSClient, url: str) -> None:
        self.sqs = sqs
        self.url = url

    def receive(self, count: int, wait_s: int, visibility_s: int) -> list[Received]:
        with calling("sqs:ReceiveMessage"):
            answer = self.sqs.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(SQS_BATCH, count),
                WaitTimeSeconds=wait_s,
                VisibilityTimeout=visibility_s,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
        return [
            Received(
                message_id=m.get("MessageId", ""),
                receipt=m.get("ReceiptHandle", ""),
                body=m.get("Body", ""),
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for m in answer.get("Messages", [])
        ]

    def delete(self, messages: Sequence[Received]) -> int:
        """Delete; return how many were not deleted (they come back, and the ledger recognises them)."""
        failures = 0
        for chunk in _chunks(messages):
            try:
                with calling("sqs:DeleteMessageBatch"):
                    answer = self.sqs.delete_message_batch(
                        QueueUrl=self.url,
                        Entries=[{"Id": str(n), "ReceiptHandle": m.receipt} for n, m in enumerate(chunk)],
                    )
            except (PkgwhenError, ClientError, BotoCoreError) as error:
                log.warning("deleting %d messages failed (%s); they will come back and be recognised", len(chunk), error)
                failures += len(chunk)
                continue
            for failure in answer.get("Failed", []):
                failures += 1
                message = chunk[int(failure["Id"])]
                log.warning(
                    "message %s was not deleted (%s: %s); its alert is recorded, a redelivery will not repeat it",
                    message.message_id,
                    failure.get("Code"),
                    failure.get("Message", ""),
                )
        return failures

    def set_visibility(self, messages: Sequence[Received], seconds: int) -> list[Received]:
        """Hide (or show, with 0) for `seconds` from now; return the messages SQS would not change."""
        refused: list[Received] = []
        for chunk in _chunks(messages):
            try:
                answer = self.sqs.change_message_visibility_batch(
                    QueueUrl=self.url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m.receipt, "VisibilityTimeout": seconds}
                        for n, m in enumerate(chunk)
                    ],
                )
            except (ClientError, BotoCoreError) as error:
                log.warning("visibility of %d messages not changed: %s", len(chunk), error)
                continue
            for failure in answer.get("Failed", []):
                message = chunk[int(failure["Id"])]
                refused.append(message)
                log.warning("visibility of message %s not changed: %s", message.message_id, failure.get("Code"))
        return refused


def _chunks(messages: Sequence[Received]) -> Iterable[Sequence[Received]]:
    for start in range(0, len(messages), SQS_BATCH):
        yield messages[start : start + SQS_BATCH]


class Keeper:
    """Keeps the worker's messages hidden while it has them: extends their visibility every `every_s`.

    It runs for the worker's life, so held and parked messages stay hidden between rounds too;
    `hand_back` makes every message it keeps visible at once (a stop, or a stop that ran out of time).
    """

    def __init__(self, queue: AlertQueue, *, every_s: float, timeout_s: int) -> None:
        self._queue = queue
        self._every = every_s
        self._timeout = timeout_s
        self._kept: dict[str, Received] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def keep(self, messages: Iterable[Received]) -> None:
        with self._lock:
            self._kept.update((m.message_id, m) for m in messages)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alerts-keeper", daemon=True)
                self._thread.start()

    def let_go(self, messages: Iterable[Received]) -> None:
        with self._lock:
            for message in messages:
                self._kept.pop(message.message_id, None)

    def kept(self) -> list[Received]:
        with self._lock:
            return list(self._kept.values())

    def hand_back(self) -> int:
        """Make every kept message visible now; return how many."""
        with self._lock:
            messages = list(self._kept.values())
            self._kept.clear()
        for message in messages:
            message.outcome = Outcome.RELEASE
        self._queue.set_visibility(messages, 0)
        return len(messages)

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            messages = self.kept()
            refused = self._queue.set_visibility(messages, self._timeout)
            if refused:
                # SQS keeps a message hidden at most 12 hours from its receive: it will come back (one more receive).
                self.let_go(refused)
