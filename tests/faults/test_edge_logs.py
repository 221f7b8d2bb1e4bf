"""Fault row: logs at DEBUG, where botocore prints each request it signs — no AWS credential reaches them."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.runtime import logs
from bot.sim.workspace import SimWorkspace

ACCESS_KEY_ID = "ASIAQEDGEROWLOGS0001"
SECRET_KEY = "edgeRowSecretKey/EXAMPLE+0123456789abcdefgh"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEdgeRowSessionToken/EXAMPLE+0123456789=="
CREDENTIALS = {"AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_SESSION_TOKEN": SESSION_TOKEN}


@pytest.fixture(params=["plain", "json"])
def debug_log(request: pytest.FixtureRequest) -> Iterator[tuple[str, io.StringIO]]:
    out = io.StringIO()
    logs.configure("DEBUG", request.param, stream=out)
    try:
        yield request.param, out
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)


def _messages(fmt: str, text: str) -> list[str]:
    """Each log event's message, with its line breaks back."""
    if fmt == "json":
        return [json.loads(line)["message"] for line in text.splitlines()]
    return [line.replace("\\n", "\n") for line in text.splitlines()]


def _sigv4(string_to_sign: str) -> str:
    """The signature botocore sent with a request, from what it signed and the secret key (AWS's algorithm)."""
    _, _, scope, _ = string_to_sign.split("\n")
    date, region, service, terminal = scope.split("/")
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (date, region, service, terminal):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


@pytest.mark.workspace(env=CREDENTIALS)
def test_aws_credentials_never_reach_debug_logs(
    workspace: SimWorkspace, debug_log: tuple[str, io.StringIO]
) -> None:
    fmt, out = debug_log
    answer = workspace.command("/pkgwhen", "web-1 curl")
    assert "curl on web-1" in answer.last.text
    text = out.getvalue()
    signed = [m.split("StringToSign:\n", 1)[1] for m in _messages(fmt, text) if "StringToSign:\n" in m]
    assert signed, "botocore logged no request it signed: the test would prove nothing"
    assert len(workspace.aws.calls) >= len(signed)
    signatures = {_sigv4(s) for s in signed}
    for secret in (ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN, *signatures):
        assert secret not in text
    assert "x-amz-security-token:[redacted]" in text
