"""`pkgwhen serve` as operators run it: start-up checks, HTTP mode over real sockets, Socket Mode's request
path, logs without secrets, and a clean stop on SIGTERM."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.runtime import logs
from bot.runtime.serve import close_within
from bot.sim.aws import AwsStandIn
from bot.sim.default_fleet import build_default_fleet
from bot.sim.moto import shared_endpoint
from bot.sim.slack import SlackStandIn
from bot.sim.workspace import SimWorkspace
from tests.serving import serve_until_it_exits, served_environment

ROOT = Path(__file__).resolve().parents[1]
SECRET = "serve-test-signing-secret"
TOKEN = "xoxb-serve-test-token"


@pytest.fixture(scope="module")
def moto_url() -> str:
    return shared_endpoint()


@pytest.fixture
def outside(moto_url: str, tmp_path: Path) -> Iterator[tuple[SlackStandIn, dict[str, str]]]:
    """Slack and AWS as a served bot sees them, and the environment that points it at them."""
    with AwsStandIn(build_default_fleet()) as aws, SlackStandIn(bot_token=TOKEN) as slack:
        yield (
            slack,
            served_environment(
                moto_url, slack, aws, tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET
            ),
        )


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.cli", "serve"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen[str], needle: str, seen: list[str]) -> None:
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"never saw {needle!r}; stderr was:\n{''.join(seen)}")


def _signed(url: str, body: str) -> tuple[int, str]:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_http_mode_answers_a_signed_command_and_stops_cleanly(
    outside: tuple[SlackStandIn, dict[str, str]],
) -> None:
    slack, env = outside
    process = _start(env)
    seen: list[str] = []
    try:
        _wait_for_line(process, "HTTP mode", seen)
        text = "".join(seen)
        # The start-up output is the check lines, one each, without libraries' INFO or Bolt's hints.
        assert [line.split(":")[0] for line in seen] == ["ok   Slack", "ok   AWS", "ok   AWS Config", "pkgwhen"]
        assert "ok   Slack:" in text
        assert "ok   AWS: account" in text
        base = f"http://127.0.0.1:{env['PKGWHEN_PORT']}"
        with urllib.request.urlopen(base + "/readyz", timeout=5) as ready:
            assert ready.status == 200
        response_url = slack.new_response_url("C0OPS", "U0ALICE")
        body = urlencode(
            {
                "command": "/pkgwhen",
                "text": "web-1 curl",
                "user_id": "U0ALICE",
                "channel_id": "C0OPS",
                "team_id": "T0PKGWHEN",
                "trigger_id": "1.2.serve",
                "response_url": response_url,
            }
        )
        status, _ = _signed(base + "/slack/events", body)
        assert status == 200
        assert slack.wait_for(lambda s: any("curl on" in m.text for m in s.replies(response_url)), timeout=30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        rest = process.stderr.read() if process.stderr else ""
        assert "pkgwhen: stopped" in rest
        assert TOKEN not in "".join(seen) + rest
        assert response_url not in "".join(seen) + rest
    finally:
        if process.poll() is None:
            process.kill()


def test_a_refused_token_stops_the_start_with_what_to_fix(
    outside: tuple[SlackStandIn, dict[str, str]],
) -> None:
    _, env = outside
    result = serve_until_it_exits({**env, "SLACK_BOT_TOKEN": "xoxb-revoked"})
    assert result.returncode == 1
    assert "FAIL Slack: the bot token was refused (invalid_auth); set SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.workspace(env={"SLACK_APP_TOKEN": "xapp-1-socket-test"})
def test_socket_mode_requests_reach_the_same_listeners(workspace: SimWorkspace) -> None:
    response_url = workspace.slack.new_response_url("C0OPS", "U0ALICE")
    payload = {
        "command": "/pkgwhen",
        "text": "web-1 curl",
        "user_id": "U0ALICE",
        "channel_id": "C0OPS",
        "team_id": "T0PKGWHEN",
        "trigger_id": "1.2.socket",
        "response_url": response_url,
    }
    help_response = run_bolt_app(
        workspace.app,
        SocketModeRequest(type="slash_commands", envelope_id="e1", payload={**payload, "text": "help"}),
    )
    assert help_response.status == 200
    assert "/pkgwhen &lt;server&gt; &lt;package&gt;" in (help_response.body or "")  # mrkdwn: `<` escaped
    answer = run_bolt_app(
        workspace.app, SocketModeRequest(type="slash_commands", envelope_id="e2", payload=payload)
    )
    assert answer.status == 200
    assert workspace.slack.wait_for(
        lambda s: any("curl on" in m.text for m in s.replies(response_url)), timeout=30
    )


def test_logs_hold_no_token_secret_or_response_url(workspace: SimWorkspace) -> None:
    out = io.StringIO()
    logs.configure("DEBUG", "json", secrets=(workspace.settings.slack_signing_secret,), stream=out)
    try:
        logging.getLogger("pkgwhen.test").info(
            "token %s secret %s url %s",
            workspace.settings.slack_bot_token,
            workspace.settings.slack_signing_secret,
            "https://hooks.slack.com/commands/T0/1/abc",
        )
        workspace.send(
            "command=%2Fpkgwhen&text=help&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fresponse%2Fx",
            secret="wrong",
        )
        answer = workspace.command("/pkgwhen", "web-1 curl")
        assert answer.last.plain()
    finally:
        logging.getLogger().handlers.clear()
    text = out.getvalue()
    assert text
    assert workspace.settings.slack_bot_token not in text
    assert workspace.settings.slack_signing_secret not in text
    assert "hooks.slack.com" not in text
    assert answer.response_url not in text
    for line in text.splitlines():
        entry = json.loads(line)
        assert {"time", "level", "logger", "request_id", "message"} <= entry.keys()


def test_with_a_queue_serve_runs_the_alert_worker(
    outside: tuple[SlackStandIn, dict[str, str]], moto_url: str
) -> None:
    import boto3

    from bot.sim.default_fleet import AL2_WEB
    from bot.sim.notifications import change_notification, sns_body

    slack, env = outside
    sqs = boto3.client(
        "sqs",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    queue_url = sqs.create_queue(QueueName=f"serve-alerts-{time.time_ns()}")["QueueUrl"]
    node = build_default_fleet().node(AL2_WEB)
    assert node is not None
    item, previous = node.items[-1], node.items[-2]
    notification = change_notification(item, previous, created=item["configurationItemCaptureTime"])
    sqs.send_message(
        QueueUrl=queue_url,
        MessageBody=sns_body(notification, "arn:aws:sns:us-east-1:123456789012:config", message_id="m-1"),
    )
    process = _start({**env, "PKGWHEN_QUEUE_URL": queue_url, "PKGWHEN_ALERT_CHANNEL": "C0ALERTS"})
    seen: list[str] = []
    try:
        _wait_for_line(process, "HTTP mode", seen)
        assert "ok   Queue: alerts are read from" in "".join(seen)
        assert slack.wait_for(
            lambda s: bool([m for m in s.messages("C0ALERTS") if not m.ephemeral]), timeout=60
        )
        assert AL2_WEB in slack.messages("C0ALERTS")[0].text + str(slack.messages("C0ALERTS")[0].blocks)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_plain_logs_keep_one_event_on_one_line() -> None:
    out = io.StringIO()
    logs.configure("INFO", "plain", stream=out)
    try:
        log = logging.getLogger("pkgwhen.test")
        log.error("first line\nsecond line")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        logging.getLogger().handlers.clear()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert "first line\\nsecond line" in lines[0]
    assert "Traceback" in lines[1] and "ValueError: boom" in lines[1]


def test_a_socket_close_that_hangs_does_not_hold_the_stop(caplog: pytest.LogCaptureFixture) -> None:
    # slack_sdk's built-in client can block in close() (python-slack-sdk #1873): the stop goes on without it.
    released = threading.Event()
    with caplog.at_level(logging.WARNING, logger="pkgwhen.serve"):
        assert close_within(released.wait, 0.05, "the Socket Mode connection") is False
    assert "the Socket Mode connection did not close within" in caplog.text
    released.set()
    assert close_within(lambda: None, 5, "the Socket Mode connection") is True
