"""The Slack edge end to end: signed requests over HTTP into the real Bolt app, answers back through Slack."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack

from bot.sim.workspace import SimWorkspace
from bot.slack.web import SlackHttpServer


def _command_body(text: str) -> str:
    return urlencode(
        {
            "command": "/pkgwhen",
            "text": text,
            "user_id": "U0ALICE",
            "channel_id": "C0OPS",
            "team_id": "T0PKGWHEN",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )


def test_pkgwhen_help_answers_with_usage(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "help")
    assert answer.status == 200
    text = answer.last.plain()
    assert "/pkgwhen <server> <package>" in text
    assert "at <date>" in text
    assert not answer.last.in_channel


def test_bare_pkgwhen_is_help_too(workspace: SimWorkspace) -> None:
    assert "/pkgwhen <server> <package>" in workspace.command("/pkgwhen", "").last.plain()


def test_inventory_help_answers_with_usage(workspace: SimWorkspace) -> None:
    text = workspace.command("/inventory", "help").last.plain()
    assert "/inventory refresh <server>" in text
    assert "/inventory status <server>" in text


def test_correctly_signed_request_is_accepted(workspace: SimWorkspace) -> None:
    status, body = workspace.send(_command_body("help"))
    assert status == 200
    assert "/pkgwhen" in body


def test_rejected_request_leaves_no_response_url_in_the_log(workspace: SimWorkspace, caplog: object) -> None:
    import logging

    import pytest

    assert isinstance(caplog, pytest.LogCaptureFixture)
    with caplog.at_level(logging.DEBUG):
        workspace.send(_command_body("help"), secret="wrong")
    assert "127.0.0.1:9/unused" not in caplog.text
    assert "invalid or stale Slack signature" in caplog.text


def test_health_endpoints_answer(workspace: SimWorkspace) -> None:
    assert workspace.http is not None
    with urllib.request.urlopen(workspace.http.url + "/healthz", timeout=5) as response:
        assert response.status == 200
    with urllib.request.urlopen(workspace.http.url + "/readyz", timeout=5) as response:
        assert response.status == 200


def test_readiness_says_why_it_is_not_ready(workspace: SimWorkspace) -> None:
    state: tuple[bool, list[str]] = (True, [])
    http = SlackHttpServer(workspace.app, readiness=lambda: state)
    http.start()
    try:
        with urllib.request.urlopen(http.url + "/readyz", timeout=5) as response:
            assert (response.status, response.read()) == (200, b"ready\n")
        state = (False, ["alert worker: stopped (disk full)", "stopping"])
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(http.url + "/readyz", timeout=5)
        assert refused.value.code == 503
        assert refused.value.read() == b"not ready\nalert worker: stopped (disk full)\nstopping\n"
    finally:
        http.stop()


def test_stopping_answers_the_requests_already_read_and_refuses_new_ones(workspace: SimWorkspace) -> None:
    assert workspace.http is not None
    http, entered, release = workspace.http, threading.Event(), threading.Event()

    def slow_ack(ack: Ack) -> None:
        entered.set()
        release.wait(10)
        ack("done")

    workspace.app.command("/slow")(slow_ack)
    body = _command_body("").replace("%2Fpkgwhen", "%2Fslow")
    port = int(http.url.rsplit(":", 1)[1])
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = pool.submit(workspace.send, body)
        assert entered.wait(10)
        stopped = pool.submit(http.stop)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except (ConnectionRefusedError, ConnectionResetError):
                break  # a reset during the handshake is the closing listener refusing too
            time.sleep(0.01)
        else:
            raise AssertionError("still accepting connections while stopping")
        release.set()
        assert pending.result(timeout=10) == (200, "done")
        stopped.result(timeout=10)
