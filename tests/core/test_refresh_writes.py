"""A write call that gets no answer is made once and reported as unknown, never repeated by botocore."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config as BotoConfig

from bot.aws.associations import AssociationGateway
from bot.aws.clients import AwsClients
from bot.core.nodes import WriteOutcome


class SilentEndpoint:
    """Accepts connections, reads what arrives, never answers: a request lost on its way back."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._changed = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    @property
    def requests(self) -> int:
        with self._changed:
            return len(self._held)

    def wait_for_requests(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._held) >= count, timeout)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            connection.recv(65536)
            with self._changed:
                self._held.append(connection)
                self._changed.notify_all()

    def close(self) -> None:
        self._stopped = True
        self._server.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def silent(monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", endpoint.url)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    yield endpoint
    endpoint.close()


def clients() -> AwsClients:
    # Reads may be tried five times; a short read timeout keeps the test fast.
    config = BotoConfig(
        region_name="us-east-1",
        retries={"mode": "standard", "total_max_attempts": 5},
        read_timeout=0.3,
        connect_timeout=1,
    )
    return AwsClients(session=boto3.session.Session(region_name="us-east-1"), config=config)


def test_an_unanswered_refresh_is_sent_once_and_reported_unknown(silent: SilentEndpoint) -> None:
    aws = clients()
    gateway = AssociationGateway(aws.ssm(), aws.ssm_writes())
    result = gateway.refresh_node("i-0abc12de34f567890", "assoc-1")
    assert result.outcome is WriteOutcome.UNKNOWN
    assert result.command_id is None
    assert silent.wait_for_requests(1, timeout=5)
    assert silent.requests == 1


def test_an_unanswered_association_run_is_sent_once_and_reported_unknown(silent: SilentEndpoint) -> None:
    aws = clients()
    gateway = AssociationGateway(aws.ssm(), aws.ssm_writes())
    assert gateway.run_association("assoc-1").outcome is WriteOutcome.UNKNOWN
    assert silent.wait_for_requests(1, timeout=5)
    assert silent.requests == 1
