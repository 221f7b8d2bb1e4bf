"""Fault rows for write actions at the Slack edge: forged and replayed requests, copied buttons, double clicks,
refusals, and a SendCommand whose answer is lost — each counted in what AWS ran and what the trail kept."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.sim.aws import Faults
from bot.sim.default_fleet import AL2_WEB
from bot.sim.workspace import OPS_CHANNEL, SIGNING_SECRET, TEAM_ID, SimWorkspace
from bot.slack.inventory_messages import CONFIRM_ACTION
from bot.slack.timeline_messages import WHO_CHANGED_ACTION

FAST = {"PKGWHEN_REFRESH_POLL_INTERVAL": "0.02", "PKGWHEN_REFRESH_TIMEOUT": "20s"}
fast = pytest.mark.workspace(env=FAST, faults=Faults(collect_delay_s=0.1))
WRITES = ("SendCommand", "StartAssociationsOnce")


def _refresh_form(workspace: SimWorkspace, text: str = "refresh web-1", user: str = "U0ALICE") -> dict[str, str]:
    return {
        "team_id": TEAM_ID,
        "channel_id": OPS_CHANNEL,
        "user_id": user,
        "command": "/inventory",
        "text": text,
        "response_url": workspace.slack.new_response_url(OPS_CHANNEL, user),
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}",
    }


def _writes(workspace: SimWorkspace) -> int:
    return sum(workspace.aws.count(operation) for operation in WRITES)


def _trail(workspace: SimWorkspace, target: str = AL2_WEB) -> list[tuple[str, str]]:
    """Audit entries about `target`: a server, or a package on it ("Who changed it?" asks are recorded per
    change, `server/package@window`)."""
    assert workspace.services is not None
    return [
        (e.user_id, e.outcome)
        for e in workspace.services.audit.entries()
        if e.target == target or (target.count("/") == 1 and e.target.startswith(target + "@"))
    ]


def _tampered(workspace: SimWorkspace, body: str, signed: str) -> int:
    """POST `body` with the signature Slack made for `signed`."""
    assert workspace.http is not None
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=signed) or ""
    request = urllib.request.Request(
        workspace.http.events_url,
        data=body.encode(),
        headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_forged_signature_reaches_neither_slack_nor_aws(workspace: SimWorkspace) -> None:
    body = urlencode(_refresh_form(workspace))
    statuses = {
        "unsigned": workspace.send(body, secret=None)[0],
        "another secret": workspace.send(body, secret="not-the-signing-secret")[0],
        "stale (replayed after 5 min)": workspace.send(body, timestamp=int(time.time()) - 6 * 60)[0],
        "another body": _tampered(workspace, body.replace("refresh+web-1", "refresh+web-1+--association"), body),
    }
    assert statuses == dict.fromkeys(statuses, 401)
    assert workspace.slack.calls_to("response_url") == []
    assert workspace.aws.calls == []
    assert _trail(workspace) == []


@fast
def test_a_replayed_request_starts_nothing_new(workspace: SimWorkspace) -> None:
    form = _refresh_form(workspace)
    body = urlencode(form)
    assert workspace.send(body)[0] == 200
    assert workspace.send(body)[0] == 200  # the same signed request again, within the 5 minutes
    assert workspace.slack.wait_for(
        lambda s: any("collected" in m.text for m in s.replies(form["response_url"])), timeout=20
    )
    assert workspace.slack.wait_for(
        lambda s: any("already asked" in m.text for m in s.replies(form["response_url"])), timeout=20
    )
    assert workspace.aws.count("SendCommand") == 1
    assert [outcome for _, outcome in _trail(workspace)][1:] == ["repeated"]


@pytest.mark.workspace(env={**FAST, "PKGWHEN_WRITE_CHANNELS": OPS_CHANNEL}, faults=Faults(collect_delay_s=0.1))
def test_a_copied_button_runs_nothing_for_someone_not_allowed(workspace: SimWorkspace) -> None:
    """Anyone in #ops may run writes; Mallory clicks copies of Alice's buttons in another channel."""
    confirmation = workspace.command("/inventory", "refresh web-1 --association")
    timeline = workspace.command("/pkgwhen", "web-1 curl")
    elsewhere = "C0RANDOM"
    run = workspace.click(confirmation.last, CONFIRM_ACTION, user="U0MALLORY", channel=elsewhere)
    why = workspace.click(timeline.last, WHO_CHANGED_ACTION, user="U0MALLORY", channel=elsewhere)
    assert "not allowed" in run.last.plain()
    assert "not allowed" in why.last.plain()
    assert _writes(workspace) == 0
    assert [m for m in workspace.slack.messages(elsewhere) if not m.ephemeral] == []
    assert workspace.services is not None
    assert [(e.user_id, e.channel_id, e.outcome) for e in workspace.services.audit.entries() if e.outcome == "denied"] == [
        ("U0MALLORY", elsewhere, "denied"),
        ("U0MALLORY", elsewhere, "denied"),
    ]


@fast
def test_a_double_click_on_a_write_confirmation_runs_once(workspace: SimWorkspace) -> None:
    asked = workspace.command("/inventory", "refresh web-1 --association")
    first = workspace.click(asked.last, CONFIRM_ACTION, wait=False)
    second = workspace.click(asked.last, CONFIRM_ACTION, wait=False)
    for click in (first, second):
        workspace.wait_settled(click, timeout=30)
    finals = [workspace.slack.replies(c.response_url)[-1].text for c in (first, second)]
    assert sorted("already asked" in f for f in finals) == [False, True]
    assert workspace.aws.count("StartAssociationsOnce") == 1
    assert workspace.aws.count("SendCommand") == 0


@pytest.mark.workspace(env={**FAST, "PKGWHEN_WRITE_USERS": "U0ALICE,U0BOB"}, faults=Faults(collect_delay_s=0.1))
def test_refused_write_attempts_are_in_the_audit_trail(workspace: SimWorkspace) -> None:
    assert "not allowed" in workspace.command("/inventory", "refresh web-1", user="U0MALLORY").last.plain()
    assert "collected" in workspace.command("/inventory", "refresh web-1", timeout=30).last.plain()
    assert "was refreshed" in workspace.command("/inventory", "refresh web-1", user="U0BOB").last.plain()
    assert "already asked" in workspace.command("/inventory", "refresh web-1").last.plain()
    assert workspace.aws.count("SendCommand") == 1
    assert workspace.services is not None
    trail = [(e.user_id, e.outcome) for e in workspace.services.audit.entries()]
    assert trail[0] == ("U0MALLORY", "denied")
    assert trail[2:] == [("U0BOB", "cooling down"), ("U0ALICE", "repeated")]


@pytest.mark.workspace(env=FAST, faults=Faults(collect_delay_s=0.1, unanswered={"SendCommand"}))
def test_a_send_command_whose_answer_is_lost_is_unknown_and_never_sent_again(workspace: SimWorkspace) -> None:
    """SSM runs the command but its answer never arrives (a timeout, a dropped connection): one attempt only."""
    why = workspace.command("/pkgwhen", "web-1 curl why")
    assert "did not answer" in why.last.plain()
    assert "does not send it twice" in why.last.plain()
    assert workspace.aws.count("SendCommand") == 1
    assert _trail(workspace, f"{AL2_WEB}/curl") == [("U0ALICE", "unknown")]
    refresh = workspace.command("/inventory", "refresh web-1", timeout=30)
    # The refresh was not confirmed, but it did run: following the inventory finds it.
    assert "collected" in refresh.last.plain()
    assert workspace.aws.count("SendCommand") == 2
    # Asking again is refused while the cooldown of the run that may have started holds.
    assert "Nothing new was started" in workspace.command("/pkgwhen", "web-1 curl why").last.plain()
    assert workspace.aws.count("SendCommand") == 2
