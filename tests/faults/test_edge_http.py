"""Fault rows at the HTTP edge: malformed requests get a 4xx at once, hold no thread, and reach neither Slack nor AWS."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import threading
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest

from bot.sim.workspace import OPS_CHANNEL, SIGNING_SECRET, SimWorkspace
from bot.slack.web import THREADS

# Long enough for a loaded machine; a request that waits this long has hung.
HANG = 10.0


def _command(workspace: SimWorkspace, text: str = "help") -> str:
    return urlencode(
        {
            "command": "/pkgwhen",
            "text": text,
            "user_id": "U0ALICE",
            "channel_id": OPS_CHANNEL,
            "team_id": "T0PKGWHEN",
            "trigger_id": f"edge.{time.time_ns()}",
            "response_url": workspace.slack.new_response_url(OPS_CHANNEL, "U0ALICE"),
        }
    )


def _signature(timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def _raw(workspace: SimWorkspace, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send one request exactly as written (`head` without the blank line); the status and whatever came back."""
    assert workspace.http is not None
    split = urlsplit(workspace.http.url)
    with socket.create_connection((split.hostname or "127.0.0.1", split.port or 80), timeout=HANG) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(4096)
            if not chunk:
                break
            received += chunk
    status_line = received.split(b"\r\n", 1)[0].decode("latin-1")
    return int(status_line.split()[1]), received


def _post_head(length: str, **headers: str) -> str:
    lines = ["POST /slack/events HTTP/1.1", "Host: pkgwhen", "Content-Type: application/x-www-form-urlencoded"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return "\n".join(lines)


def _nothing_reached_slack_or_aws(workspace: SimWorkspace) -> None:
    assert workspace.slack.calls_to("response_url") == []
    assert workspace.aws.calls == []


def test_a_timestamp_that_is_not_a_number_is_refused_with_401(
    workspace: SimWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    body = _command(workspace).encode()
    # Words, a float, digits Python's int() reads but Slack never sends (Arabic-Indic), nothing.
    for timestamp in ("soon", "1.7e9", "\u0661\u0667" + "\u0660" * 8, ""):
        status, _ = _raw(
            workspace,
            _post_head(
                str(len(body)),
                X_Slack_Request_Timestamp=timestamp.encode().decode("latin-1"),
                X_Slack_Signature=_signature(timestamp, body),
            ),
            body,
        )
        assert status == 401, timestamp
    _nothing_reached_slack_or_aws(workspace)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_signature_that_is_not_ascii_is_refused_with_401(
    workspace: SimWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    body = _command(workspace).encode()
    timestamp = str(int(time.time()))
    status, _ = _raw(
        workspace,
        _post_head(str(len(body)), X_Slack_Request_Timestamp=timestamp, X_Slack_Signature="v0=\xe9t\xe9"),
        body,
    )
    assert status == 401
    _nothing_reached_slack_or_aws(workspace)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_that_is_not_utf8_gets_400(workspace: SimWorkspace, caplog: pytest.LogCaptureFixture) -> None:
    body = _command(workspace).encode() + b"&text=caf\xe9"
    timestamp = str(int(time.time()))
    status, _ = _raw(
        workspace,
        _post_head(str(len(body)), X_Slack_Request_Timestamp=timestamp, X_Slack_Signature=_signature(timestamp, body)),
        body,
    )
    assert status == 400
    _nothing_reached_slack_or_aws(workspace)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_bad_or_negative_content_length_gets_a_4xx_at_once(workspace: SimWorkspace) -> None:
    for length, expected in (("-5", 400), ("abc", 400), ("1e3", 400), ("0x10", 400), (str(10**9), 413)):
        status, _ = _raw(workspace, _post_head(length))  # no body follows: an answer must not wait for one
        assert status == expected, length
    _nothing_reached_slack_or_aws(workspace)


def test_bodies_that_never_arrive_hold_no_thread(workspace: SimWorkspace) -> None:
    assert workspace.http is not None
    split = urlsplit(workspace.http.url)
    healthz = workspace.http.url + "/healthz"
    with urllib.request.urlopen(healthz, timeout=HANG) as response:
        assert response.status == 200
    threads_before = threading.active_count()
    stalled = []
    try:
        # More requests than the server has threads, each promising a body that never comes.
        for _ in range(THREADS * 3):
            conn = socket.create_connection((split.hostname or "127.0.0.1", split.port or 80), timeout=HANG)
            conn.sendall((_post_head("1000").replace("\n", "\r\n") + "\r\n\r\ncommand=").encode())
            stalled.append(conn)
        with urllib.request.urlopen(healthz, timeout=HANG) as response:  # read after every stalled request
            assert response.status == 200
        assert threading.active_count() <= threads_before
        answer = workspace.command("/pkgwhen", "web-1 curl")
        assert answer.status == 200
        assert "curl on web-1" in answer.last.text
    finally:
        for conn in stalled:
            conn.close()
