"""/inventory end to end: status, and refreshes a person starts, is refused, confirms, repeats — through the real app."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC
from urllib.parse import urlencode

import pytest

from bot.sim.aws import Faults
from bot.sim.default_fleet import (
    AL2_BUILD,
    AL2_DELETED,
    AL2_DELETED_AT,
    AL2_RETIRED,
    AL2_WEB,
    INVENTORY_ASSOCIATION_ID,
    WIN_LEGACY,
)
from bot.sim.workspace import OPS_CHANNEL, TEAM_ID, Answer, SimWorkspace
from bot.slack.inventory_messages import CANCEL_ACTION, CONFIRM_ACTION
from bot.slack.plaintext import blocks_to_text
from bot.store.audit import AuditTrail

# Polls every 20 ms; the stand-in's inventory run takes 0.1 s.
FAST = {"PKGWHEN_REFRESH_POLL_INTERVAL": "0.02", "PKGWHEN_REFRESH_TIMEOUT": "20s"}
fast = pytest.mark.workspace(env=FAST, faults=Faults(collect_delay_s=0.1))
CURL = {"Name": "curl", "Version": "8.5.0", "Release": "1.amzn2.0.1", "Architecture": "x86_64"}


def plain(answer: Answer) -> str:
    return answer.last.plain().replace("`", "").replace("*", "")


def refresh(workspace: SimWorkspace, text: str = "refresh i-0abc", user: str = "U0ALICE") -> Answer:
    answer = workspace.command("/inventory", text, user=user, timeout=30)
    assert answer.status == 200
    return answer


def response_texts(workspace: SimWorkspace, since: int) -> list[str]:
    """What the bot sent through response URLs after the first `since` posts, as plain text."""
    calls = workspace.slack.calls_to("response_url")[since:]
    return [blocks_to_text(str(c.params.get("text", "")), c.params.get("blocks") or []) for c in calls]


def _last_capture(workspace: SimWorkspace, node_id: str) -> str:
    node = workspace.fleet.node(node_id)
    assert node is not None and node.capture_time is not None
    return f"{node.capture_time.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def audit(workspace: SimWorkspace) -> AuditTrail:
    assert workspace.services is not None
    return workspace.services.audit


# --- status -----------------------------------------------------------------------------------------
def test_status_shows_capture_association_agent_and_platform(workspace: SimWorkspace) -> None:
    captured = _last_capture(workspace, AL2_WEB)
    text = plain(workspace.command("/inventory", "status web-1"))
    assert f"Inventory of web-1 ({AL2_WEB})" in text
    assert "Agent Online" in text
    assert "SSM agent 3." in text
    assert "Platform: Amazon Linux 2" in text
    assert f"Last inventory capture: {captured}" in text
    assert (
        f"Association: Inventory-Association (AWS-GatherSoftwareInventory, {INVENTORY_ASSOCIATION_ID})"
        in text
    )
    assert "runs rate(30 minutes)" in text
    assert f"Last execution here: {captured} — Success" in text


def test_status_of_a_server_without_association_says_how_to_set_it_up(workspace: SimWorkspace) -> None:
    text = plain(workspace.command("/inventory", f"status {AL2_BUILD}"))
    assert "Inventory is not set up for this server" in text
    assert "Systems Manager → Inventory → Setup inventory" in text
    assert "Quick Setup" in text


def test_status_of_a_retired_server_shows_its_last_recorded_capture(workspace: SimWorkspace) -> None:
    # old-api-1 stopped being managed; EC2 still lists the stopped instance, with its Name tag.
    retired = plain(workspace.command("/inventory", "status old-api-1"))
    assert f"Inventory of old-api-1 ({AL2_RETIRED})" in retired
    assert "Not managed by Systems Manager since 2022-02-10 17:03 UTC" in retired
    assert "Last recorded inventory capture: 2022-01-27" in retired
    assert "never" not in retired
    # old-web-2 was terminated: only its history knows it.
    deleted = plain(workspace.command("/inventory", "status old-web-2"))
    assert f"Inventory of old-web-2 ({AL2_DELETED})" in deleted
    assert f"Deleted or deregistered: Config recorded its inventory as deleted {AL2_DELETED_AT:%Y-%m-%d %H:%M} UTC" in deleted
    assert "Last recorded inventory capture: 2022-06-02 21:39 UTC" in deleted


def test_status_of_an_offline_server_says_when_it_was_last_seen(workspace: SimWorkspace) -> None:
    text = plain(workspace.command("/inventory", f"status {WIN_LEGACY}"))
    assert "Agent ConnectionLost, last seen" in text
    # A refresh cannot run on it: none is offered.
    assert "/inventory refresh" not in text
    assert "A refresh cannot run while the agent is not connected" in text


def test_a_server_ssm_no_longer_manages_cannot_be_refreshed(workspace: SimWorkspace) -> None:
    assert "Not managed by Systems Manager" in plain(workspace.command("/inventory", f"status {AL2_RETIRED}"))
    text = plain(refresh(workspace, f"refresh {AL2_RETIRED}"))
    assert "is not managed by Systems Manager any more" in text
    assert workspace.aws.count("SendCommand") == 0


def test_help_and_usage_errors_answer_at_once(workspace: SimWorkspace) -> None:
    assert "/inventory refresh <server> --association" in workspace.command("/inventory", "help").last.plain()
    assert "needs one server" in workspace.command("/inventory", "refresh").last.plain()
    assert "not an option" in workspace.command("/inventory", "status web-1 --association").last.plain()
    assert workspace.aws.count("SendCommand") == 0


# --- refresh of one server --------------------------------------------------------------------------
@fast
def test_a_refresh_that_changes_packages_reports_the_change_as_alerts_do(workspace: SimWorkspace) -> None:
    node = workspace.fleet.node(AL2_WEB)
    assert node is not None
    items_before = len(node.items)
    node.replace(CURL)
    sent_before = len(workspace.slack.calls_to("response_url"))
    history_reads = workspace.aws.count("GetResourceConfigHistory")

    answer = refresh(workspace)

    text = plain(answer)
    # Config's history is read until the new item is there, and the summary is told from that read.
    assert workspace.aws.count("GetResourceConfigHistory") - history_reads == 1
    assert f"Inventory of web-1 ({AL2_WEB}) collected" in text
    assert "recorded by AWS Config" in text
    assert "1 upgraded" in text
    assert "curl" in text and "8.5.0-1.amzn2.0.1" in text
    assert len(node.items) == items_before + 1
    # One reply, updated in place through the stages, within response_url's five uses.
    updates = response_texts(workspace, sent_before)
    assert 2 <= len(updates) <= 5
    assert "Refreshing the inventory of web-1" in updates[0]
    assert [u for u in updates if "inventory collected" in u]
    # One run on this one server, with the association's ID.
    sends = [c for c in workspace.aws.calls if c.operation == "SendCommand"]
    assert len(sends) == 1
    assert sends[0].params["InstanceIds"] == [AL2_WEB]
    assert sends[0].params["Parameters"] == {"associationIds": [INVENTORY_ASSOCIATION_ID]}
    assert workspace.aws.count("StartAssociationsOnce") == 0
    (entry,) = audit(workspace).entries(AL2_WEB)
    assert (entry.user_id, entry.channel_id, entry.action) == ("U0ALICE", OPS_CHANNEL, "/inventory refresh")
    assert (entry.association_id, entry.outcome) == (INVENTORY_ASSOCIATION_ID, "recorded")


@fast
def test_a_refresh_that_changes_nothing_says_so(workspace: SimWorkspace) -> None:
    node = workspace.fleet.node(AL2_WEB)
    assert node is not None
    items_before = len(node.items)
    captured = _last_capture(workspace, AL2_WEB)

    text = plain(refresh(workspace))

    assert "collected" in text
    assert f"no change since the previous capture ({captured})" in text
    assert len(node.items) == items_before
    assert audit(workspace).entries(AL2_WEB)[-1].outcome == "unchanged"


@pytest.mark.workspace(
    env={"PKGWHEN_REFRESH_POLL_INTERVAL": "0.02", "PKGWHEN_REFRESH_TIMEOUT": "0.3s"},
    faults=Faults(collect_delay_s=60),
)
def test_a_run_that_collects_nothing_in_time_says_so_honestly(workspace: SimWorkspace) -> None:
    text = plain(refresh(workspace))
    assert "No new inventory of web-1" in text
    assert "after 1 s" in text
    assert "The next scheduled run will collect it (its schedule: rate(30 minutes))" in text
    assert workspace.aws.count("SendCommand") == 1  # waited, never sent again
    assert audit(workspace).entries(AL2_WEB)[-1].outcome == "not collected"


def test_an_offline_server_is_named_before_anything_starts(workspace: SimWorkspace) -> None:
    text = plain(refresh(workspace, f"refresh {WIN_LEGACY}"))
    assert "is not connected to Systems Manager (ping status ConnectionLost" in text
    assert "nothing was started" in text
    assert workspace.aws.count("SendCommand") == 0
    assert audit(workspace).entries(WIN_LEGACY) == []


def test_a_server_without_inventory_association_is_told_how_to_set_it_up(workspace: SimWorkspace) -> None:
    text = plain(refresh(workspace, f"refresh {AL2_BUILD}"))
    assert "Inventory is not set up for" in text
    assert "AWS-GatherSoftwareInventory" in text
    assert "Systems Manager → Inventory → Setup inventory" in text
    assert workspace.aws.count("SendCommand") == 0


# --- who may refresh --------------------------------------------------------------------------------
def test_a_user_not_on_the_allow_list_is_denied_and_told_whom_to_ask(workspace: SimWorkspace) -> None:
    text = plain(refresh(workspace, user="U0MALLORY"))
    assert "You are not allowed to run /inventory refresh" in text
    assert "Ask the pkgwhen operators to add your Slack user ID U0MALLORY" in text
    assert workspace.aws.count("SendCommand") == 0
    (entry,) = audit(workspace).entries()
    assert (entry.user_id, entry.outcome) == ("U0MALLORY", "denied")


@pytest.mark.workspace(
    env={**FAST, "PKGWHEN_WRITE_USERGROUPS": "S0OPS", "PKGWHEN_ACCESS_CONTACT": "#platform"}
)
def test_members_of_an_allowed_user_group_may_refresh(workspace: SimWorkspace) -> None:
    workspace.slack.add_usergroup("S0OPS", "ops", ["U0BOB"])
    assert "collected" in plain(refresh(workspace, user="U0BOB"))
    denied = plain(refresh(workspace, f"refresh {WIN_LEGACY}", user="U0MALLORY"))
    assert "Ask #platform" in denied
    assert workspace.aws.count("SendCommand") == 1
    # The group's members are remembered across requests, not asked for on every one.
    assert len(workspace.slack.calls_to("usergroups.users.list")) == 1


@pytest.mark.workspace(env={**FAST, "PKGWHEN_WRITE_CHANNELS": "C0OPS"})
def test_anyone_in_an_allowed_channel_may_refresh(workspace: SimWorkspace) -> None:
    assert "collected" in plain(refresh(workspace, user="U0MALLORY"))
    assert workspace.aws.count("SendCommand") == 1


def test_a_display_name_that_looks_allowed_does_not_help(workspace: SimWorkspace) -> None:
    """The decision reads user_id from the signed payload, never user_name."""
    form = _command_form(workspace, "refresh i-0abc", user="U0MALLORY", user_name="U0ALICE")
    status, _ = workspace.send(urlencode(form))
    assert status == 200
    assert workspace.slack.wait_for(lambda s: bool(s.replies(form["response_url"])), timeout=10)
    assert "not allowed" in workspace.slack.replies(form["response_url"])[-1].text
    assert workspace.aws.count("SendCommand") == 0


# --- never twice by accident ------------------------------------------------------------------------
@pytest.mark.workspace(
    env={**FAST, "PKGWHEN_WRITE_USERS": "U0ALICE,U0BOB"}, faults=Faults(collect_delay_s=0.1)
)
def test_a_second_refresh_within_the_cooldown_is_refused_with_the_time_left(workspace: SimWorkspace) -> None:
    refresh(workspace)
    again = plain(refresh(workspace, "refresh web-1", user="U0BOB"))
    assert f"web-1 ({AL2_WEB}) was refreshed" in again
    assert "by @U0ALICE" in again
    assert "Try again in 10 min" in again
    repeated = plain(refresh(workspace))
    assert "You already asked to refresh web-1" in repeated
    assert workspace.aws.count("SendCommand") == 1


# Inventory captures are stamped to the second, as SSM stamps them: each run takes a second, so the two
# runs' captures differ (a real inventory run takes longer still).
@pytest.mark.workspace(env={**FAST, "PKGWHEN_REFRESH_COOLDOWN": "0s"}, faults=Faults(collect_delay_s=1.0))
def test_without_cooldown_two_refreshes_are_two_runs(workspace: SimWorkspace) -> None:
    refresh(workspace)
    refresh(workspace)
    assert workspace.aws.count("SendCommand") == 2
    assert [e.outcome for e in audit(workspace).entries(AL2_WEB)] == ["unchanged", "unchanged"]


# --- the whole association --------------------------------------------------------------------------
def _targets(workspace: SimWorkspace) -> int:
    return sum(
        1
        for n in workspace.fleet.nodes()
        if n.inventory_association_id == INVENTORY_ASSOCIATION_ID and n.unmanaged_since is None
    )


@fast
def test_an_association_wide_run_asks_first_with_the_number_of_servers(workspace: SimWorkspace) -> None:
    asked = refresh(workspace, "refresh web-1 --association")
    count = _targets(workspace)
    assert f"on all of its {count} servers now?" in plain(asked)
    assert workspace.aws.count("StartAssociationsOnce") == 0
    node = workspace.fleet.node(AL2_WEB)
    assert node is not None
    node.replace(CURL)

    done = workspace.click(asked.last, CONFIRM_ACTION, timeout=30)

    text = plain(done)
    assert "recorded by AWS Config" in text
    assert f"the whole association Inventory-Association ({count} servers)" in text
    assert "The association's run so far:" in text
    calls = [c for c in workspace.aws.calls if c.operation == "StartAssociationsOnce"]
    assert [c.params["AssociationIds"] for c in calls] == [[INVENTORY_ASSOCIATION_ID]]
    assert workspace.aws.count("SendCommand") == 0
    outcomes = [
        (e.action, e.outcome) for e in audit(workspace).entries(f"association/{INVENTORY_ASSOCIATION_ID}")
    ]
    assert outcomes == [
        ("/inventory refresh --association", "confirming"),
        ("/inventory refresh --association", "recorded"),
    ]


@fast
def test_a_confirmation_clicked_by_someone_not_allowed_is_denied(workspace: SimWorkspace) -> None:
    asked = refresh(workspace, "refresh web-1 --association")
    clicked = workspace.click(asked.last, CONFIRM_ACTION, user="U0MALLORY")
    assert "You are not allowed" in plain(clicked)
    assert workspace.aws.count("StartAssociationsOnce") == 0


def test_cancel_starts_nothing(workspace: SimWorkspace) -> None:
    asked = refresh(workspace, "refresh web-1 --association")
    cancelled = workspace.click(asked.last, CANCEL_ACTION)
    assert "nothing was started" in plain(cancelled)
    assert workspace.aws.count("StartAssociationsOnce") == 0


def test_an_association_wide_run_is_not_offered_to_the_denied(workspace: SimWorkspace) -> None:
    asked = refresh(workspace, "refresh web-1 --association", user="U0BOB")
    assert "not allowed" in plain(asked)
    assert not any(
        e.get("action_id") == CONFIRM_ACTION for b in asked.last.blocks for e in b.get("elements", [])
    )


def _command_form(
    workspace: SimWorkspace, text: str, *, user: str, user_name: str | None = None
) -> dict[str, str]:
    return {
        "team_id": TEAM_ID,
        "channel_id": OPS_CHANNEL,
        "channel_name": "ops",
        "user_id": user,
        "user_name": user_name or user.lower(),
        "command": "/inventory",
        "text": text,
        "api_app_id": "A0PKGWHEN",
        "response_url": workspace.slack.new_response_url(OPS_CHANNEL, user),
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}",
    }


def test_confirmation_value_names_the_server_and_association(workspace: SimWorkspace) -> None:
    asked = refresh(workspace, "refresh web-1 --association")
    values = [
        e["value"]
        for b in asked.last.blocks
        for e in b.get("elements", [])
        if e.get("action_id") == CONFIRM_ACTION
    ]
    assert [json.loads(v) for v in values] == [{"n": AL2_WEB, "a": INVENTORY_ASSOCIATION_ID}]
