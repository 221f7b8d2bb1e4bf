"""Fault row: a burst of commands while AWS hangs — every one is acknowledged at once, then every one answered."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from bot.sim.aws import Faults
from bot.sim.workspace import OPS_CHANNEL, Shown, SimWorkspace

BURST = 100
aws_hangs = threading.Event()


def _answered(workspace: SimWorkspace, response_url: str) -> bool:
    replies = workspace.slack.replies(response_url)
    return bool(replies) and not Shown(replies[-1].text, tuple(replies[-1].blocks)).progress


@pytest.mark.workspace(faults=Faults(released=aws_hangs))
def test_a_burst_of_commands_is_acknowledged_while_every_answer_waits_for_aws(workspace: SimWorkspace) -> None:
    aws_hangs.clear()
    urls = [workspace.slack.new_response_url(OPS_CHANNEL, "U0ALICE") for _ in range(BURST)]
    bodies = [
        urlencode(
            {
                "command": "/inventory",
                "text": "status web-1",
                "user_id": "U0ALICE",
                "channel_id": OPS_CHANNEL,
                "team_id": "T0PKGWHEN",
                "trigger_id": f"burst.{i}",
                "response_url": url,
            }
        )
        for i, url in enumerate(urls)
    ]
    try:
        with ThreadPoolExecutor(max_workers=BURST) as senders:
            statuses = [status for status, _ in senders.map(workspace.send, bodies)]
        # Every acknowledgement came back while no answer could get past AWS.
        assert statuses == [200] * BURST
        assert not [url for url in urls if _answered(workspace, url)]
    finally:
        aws_hangs.set()
    assert workspace.slack.wait_for(lambda s: all(_answered(workspace, url) for url in urls), timeout=120)
    for url in urls:
        assert "Inventory of web-1" in workspace.slack.replies(url)[-1].text
