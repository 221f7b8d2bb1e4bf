"""The Slack edge end to end: signed requests over HTTP into the real Bolt app, answers back through Slack."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

from bot.sim.workspace import SimWorkspace


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
