"""Socket Mode end to end: `pkgwhen serve` with an app-level token, against the Slack stand-in's WebSocket."""

from __future__ import annotations

import base64
import json
import signal
import socket
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

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
            [sys.executable, "-m", "bot.cli", "serve"],
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


# --- the stand-in's Socket Mode, as slack_sdk and a raw WebSocket client see it ---------------------


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

    opened = WebClient(base_url=standin.api_url).apps_connections_open(app_token=APP_TOKEN)
    assert str(opened["url"]).startswith(standin.base_url.replace("http://", "ws://") + "/socket/")


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
        client.close()


def _frame(opcode: int, payload: bytes, *, masked: bool = True) -> bytes:
    mask = b"\x01\x02\x03\x04"
    length = bytes([(0x80 if masked else 0) | len(payload)])
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if masked else payload
    return bytes([0x80 | opcode]) + length + (mask if masked else b"") + body


def _recv_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def _read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """One server frame; a server never masks, so a mask bit here is a failure."""
    first, second = _recv_exactly(sock, 2)
    assert not second & 0x80
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _recv_exactly(sock, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _recv_exactly(sock, 8))
    return first & 0x0F, _recv_exactly(sock, length)


def _handshake(url: str, key: str = "dGhlIHNhbXBsZSBub25jZQ==") -> tuple[socket.socket, str]:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5)
    sock.sendall(
        f"GET {parts.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += sock.recv(1)
    return sock, head.decode()


def test_raw_websocket_handshake_hello_ping_and_protocol_errors(standin: SlackStandIn) -> None:
    url = str(WebClient(base_url=standin.api_url).apps_connections_open(app_token=APP_TOKEN)["url"])
    sock, head = _handshake(url)
    with sock:
        assert head.startswith("HTTP/1.1 101 ")
        # RFC 6455 section 1.3's own example key and answer.
        assert "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head
        opcode, hello = _read_frame(sock)
        assert opcode == 0x1
        assert json.loads(hello)["type"] == "hello"
        assert standin.socket_connected(timeout=5)

        sock.sendall(_frame(0x9, b"are you there"))
        assert _read_frame(sock) == (0xA, b"are you there")

        sock.sendall(_frame(0x1, b"{}", masked=False))
        opcode, reason = _read_frame(sock)
        assert opcode == 0x8
        assert struct.unpack("!H", reason[:2])[0] == 1002

    # Like Slack's, a URL from apps.connections.open is good for one connection.
    again, head = _handshake(url, key=base64.b64encode(b"0123456789abcdef").decode())
    with again:
        assert head.startswith("HTTP/1.0 401") or head.startswith("HTTP/1.1 401")
    assert standin.wait_for(lambda s: not s.socket_connected(timeout=0), timeout=5)
    with pytest.raises(RuntimeError):
        standin.send_envelope("slash_commands", {"text": "nobody listens"})
