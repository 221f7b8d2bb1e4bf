"""Socket Mode end to end: `pkgwhen serve` with an app-level token, against the Slack stand-in's WebSocket."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bot.runtime.serve import close_within
from bot.sim.aws import AwsStandIn
from bot.sim.default_fleet import build_default_fleet
from bot.sim.moto import shared_endpoint
from bot.sim.slack import SlackStandIn
from tests.serving import serve_until_it_exits, served_environment

ROOT = Path(__file__).resolve().parents[1]
BOT_TOKEN = "xoxb-socket-test-token"
APP_TOKEN = "xapp-1-A0PKGWHEN-1-socket-test"
USAGE = "/pkgwhen &lt;server&gt; &lt;package&gt;"  # as mrkdwn: `<` escaped


class _Served:
    """`pkgwhen serve` as a subprocess whose stderr is read as it comes, so a full pipe never stalls it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.runtime.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._lines.append("")  # end of output
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for_line(self, needle: str, timeout: float = 60) -> None:
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(needle in line for line in self._lines) or "" in self._lines, timeout
            )
            if not found or not any(needle in line for line in self._lines):
                raise AssertionError(f"never saw {needle!r}; stderr was:\n{''.join(self._lines)}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def moto_url() -> str:
    return shared_endpoint()


@pytest.fixture
def outside(moto_url: str, tmp_path: Path) -> Iterator[tuple[SlackStandIn, dict[str, str]]]:
    """Slack and AWS as a bot in Socket Mode sees them: an app-level token and no signing secret."""
    with (
        AwsStandIn(build_default_fleet()) as aws,
        SlackStandIn(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as slack,
    ):
        slack.add_user("U0ALICE", "alice")
        yield (
            slack,
            served_environment(
                moto_url, slack, aws, tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN
            ),
        )


def _command(slack: SlackStandIn, text: str) -> dict[str, str]:
    """A slash command's payload as Slack puts it in a `slash_commands` envelope."""
    return {
        "token": "verification-token-unused",
        "team_id": "T0PKGWHEN",
        "team_domain": "pkgwhen",
        "channel_id": "C0OPS",
        "channel_name": "ops",
        "user_id": "U0ALICE",
        "user_name": "alice",
        "command": "/pkgwhen",
        "text": text,
        "api_app_id": "A0PKGWHEN",
        "is_enterprise_install": "false",
        "response_url": slack.new_response_url("C0OPS", "U0ALICE"),
        "trigger_id": "1.2.socket-test",
    }


def _status(url: str, *, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_serve_in_socket_mode_answers_commands_over_the_socket(
    outside: tuple[SlackStandIn, dict[str, str]],
) -> None:
    slack, env = outside
    served = _Served(env)
    try:
        served.wait_for_line("Socket Mode connected")
        assert slack.socket_connected(timeout=10)

        help_id = slack.send_envelope("slash_commands", _command(slack, "help"))
        assert slack.wait_for(lambda s: help_id in s.socket_acks(), timeout=10)
        help_ack = slack.socket_acks()[help_id]
        assert help_ack is not None
        assert USAGE in json.dumps(help_ack)

        question = _command(slack, "web-1 curl")
        question_id = slack.send_envelope("slash_commands", question)
        assert slack.wait_for(
            lambda s: any("curl on" in m.text for m in s.replies(question["response_url"])), timeout=30
        )
        assert question_id in slack.socket_acks()

        base = f"http://127.0.0.1:{env['PKGWHEN_PORT']}"
        assert _status(base + "/healthz") == 200
        # Events come over the socket, unsigned: the HTTP port must not take them.
        assert _status(base + "/slack/events", data=b"command=%2Fpkgwhen&text=help") == 404

        assert served.stop() == 0
        output = served.output
        assert "pkgwhen: stopped" in output
        assert APP_TOKEN not in output
        assert BOT_TOKEN not in output
        assert "Traceback" not in output
    finally:
        served.kill()


def test_a_refused_app_token_stops_the_start_with_what_to_fix(
    outside: tuple[SlackStandIn, dict[str, str]],
) -> None:
    _, env = outside
    result = serve_until_it_exits({**env, "SLACK_APP_TOKEN": "xapp-1-revoked"})
    assert "Socket Mode connected" not in result.stderr
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    refusals = [line for line in result.stderr.splitlines() if line.startswith("FAIL")]
    assert len(refusals) == 1
    assert "invalid_auth" in refusals[0]
    assert "SLACK_APP_TOKEN" in refusals[0]


# --- the stand-in's Socket Mode, as slack_sdk and a WebSocket client see it ---------------------


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as running:
        yield running


def _open_error(standin: SlackStandIn, token: str | None) -> str:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=standin.api_url).api_call(
            "apps.connections.open", params={"token": token} if token else {}
        )
    return str(raised.value.response["error"])


def test_apps_connections_open_takes_only_the_app_level_token(standin: SlackStandIn) -> None:
    assert _open_error(standin, None) == "not_authed"
    assert _open_error(standin, "xapp-1-someone-else") == "invalid_auth"
    assert _open_error(standin, BOT_TOKEN) == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=APP_TOKEN, base_url=standin.api_url).auth_test()
    assert raised.value.response["error"] == "not_allowed_token_type"

    # A ws:// URL on the stand-in's host (the WebSocket server has a port of its own), new each time.
    urls = {_socket_url(standin) for _ in range(2)}
    assert len(urls) == 2
    assert all(url.startswith("ws://127.0.0.1:") and "/socket/" in url for url in urls)


def test_slack_sdk_client_receives_envelopes_and_its_acks_are_recorded(standin: SlackStandIn) -> None:
    client = SocketModeClient(app_token=APP_TOKEN, web_client=WebClient(base_url=standin.api_url))

    def answer(receiver: Any, request: SocketModeRequest) -> None:
        # A command gets a payload back; an event only a bare ack, as Bolt does.
        payload = {"text": "x" * 5000} if request.type == "slash_commands" else None
        receiver.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )

    client.socket_mode_request_listeners.append(answer)
    try:
        client.connect()
        assert standin.socket_connected(timeout=5)
        command = standin.send_envelope("slash_commands", {"command": "/pkgwhen", "text": "y" * 70_000})
        event = standin.send_envelope(
            "events_api", {"type": "event_callback", "event": {"type": "app_mention"}}
        )
        assert standin.wait_for(lambda s: {command, event} <= s.socket_acks().keys(), timeout=5)
        assert standin.socket_acks() == {command: {"text": "x" * 5000}, event: None}
    finally:
        # Bounded as `pkgwhen serve` bounds it: the library's close() can block (python-slack-sdk #1873).
        close_within(client.close, 10, "the test's Socket Mode client")


def _socket_url(standin: SlackStandIn) -> str:
    return str(WebClient(base_url=standin.api_url).apps_connections_open(app_token=APP_TOKEN)["url"])


def _hello(websocket: ClientConnection) -> dict[str, Any]:
    hello = json.loads(websocket.recv(timeout=5))
    assert hello["type"] == "hello"
    return cast(dict[str, Any], hello)


def test_a_socket_url_is_good_for_one_connection_and_pings_are_answered(standin: SlackStandIn) -> None:
    url = _socket_url(standin)
    with connect(url, open_timeout=5) as websocket:
        assert _hello(websocket)["num_connections"] == 1
        assert standin.socket_connected(timeout=5)
        assert websocket.ping(b"are you there").wait(timeout=5)

        # Like Slack's, a URL from apps.connections.open is good for one connection.
        for spent in (url, url.rsplit("/", 1)[0] + "/never-issued"):
            with pytest.raises(InvalidStatus) as refused:
                connect(spent, open_timeout=5)
            assert refused.value.response.status_code == 401
            assert json.loads(refused.value.response.body) == {"ok": False, "error": "invalid_ticket"}
    assert standin.wait_for(lambda s: not s.socket_connected(timeout=0), timeout=5)
    with pytest.raises(RuntimeError):
        standin.send_envelope("slash_commands", {"text": "nobody listens"})


def test_envelopes_go_to_the_newest_connection(standin: SlackStandIn) -> None:
    with (
        connect(_socket_url(standin), open_timeout=5) as older,
        connect(_socket_url(standin), open_timeout=5) as newer,
    ):
        assert _hello(older)["num_connections"] == 1
        assert _hello(newer)["num_connections"] == 2
        first = standin.send_envelope(
            "events_api", {"type": "event_callback", "event": {"type": "app_mention"}}
        )
        envelope = json.loads(newer.recv(timeout=5))
        assert envelope["envelope_id"] == first
        assert (envelope["accepts_response_payload"], envelope["retry_attempt"]) == (False, 0)
        with pytest.raises(TimeoutError):
            older.recv(timeout=0.2)
        newer.send(json.dumps({"envelope_id": first}))
        assert standin.wait_for(lambda s: first in s.socket_acks(), timeout=5)

        newer.close()
        assert standin.wait_for(lambda s: s.socket_count() == 1, timeout=5)
        second = standin.send_envelope("slash_commands", {"command": "/pkgwhen", "text": "help"})
        assert json.loads(older.recv(timeout=5))["envelope_id"] == second
        older.send(json.dumps({"envelope_id": second, "payload": {"text": "usage"}}))
        assert standin.wait_for(lambda s: second in s.socket_acks(), timeout=5)
    assert standin.socket_acks() == {first: None, second: {"text": "usage"}}


def test_a_binary_message_is_refused_with_1002_and_stopping_says_going_away(standin: SlackStandIn) -> None:
    with connect(_socket_url(standin), open_timeout=5) as websocket:
        _hello(websocket)
        websocket.send(b"{}")
        with pytest.raises(ConnectionClosedError):
            websocket.recv(timeout=5)
        assert websocket.close_code == 1002
    assert standin.wait_for(lambda s: not s.socket_connected(timeout=0), timeout=5)

    with connect(_socket_url(standin), open_timeout=5) as websocket:
        _hello(websocket)
        standin.stop()
        with pytest.raises(ConnectionClosedOK):
            websocket.recv(timeout=5)
        assert (websocket.close_code, websocket.close_reason) == (1001, "server stopping")
