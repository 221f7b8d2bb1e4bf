"""A click carries a value back from Slack; pkgwhen checks it exactly as it checks typed input, before
anything runs — a forged value runs nothing and says why."""

from __future__ import annotations

import json

import pytest

from bot.sim.default_fleet import AL2_WEB
from bot.sim.workspace import Shown, SimWorkspace
from bot.slack.inventory_messages import CONFIRM_ACTION
from bot.slack.timeline_messages import PAGE_ACTION, SHARE_ACTION, WHO_CHANGED_ACTION


def forged(action_id: str, value: str) -> Shown:
    """A message holding one button with this value, as someone crafting a request would send it."""
    button = {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "x"}, "value": value}
    return Shown(text="", blocks=({"type": "actions", "elements": [button]},))


def who_changed_value(package: str) -> str:
    return json.dumps({"n": AL2_WEB, "p": package, "a": "2020-06-29T05:50:00+00:00", "b": "2020-07-02T06:00:00+00:00"})


@pytest.mark.parametrize("package", ["*", "curl; reboot", "-rf", "x" * 300])
def test_a_forged_who_changed_value_runs_nothing_on_the_server(workspace: SimWorkspace, package: str) -> None:
    answer = workspace.click(forged(WHO_CHANGED_ACTION, who_changed_value(package)), WHO_CHANGED_ACTION)
    assert "is not a package name pkgwhen can ask a server about" in answer.last.plain()
    assert workspace.aws.count("SendCommand") == 0
    assert workspace.services is not None
    assert workspace.services.audit.entries() == []
    assert workspace.refused() == []


@pytest.mark.parametrize(
    ("action", "value", "says"),
    [
        (SHARE_ACTION, "{not json", "That button's value is not one pkgwhen made"),
        (SHARE_ACTION, json.dumps({"q": "web-1 curl", "z": "UTC", "g": -1}), "not one pkgwhen made"),
        (PAGE_ACTION + "_next", json.dumps({"q": "x" * 5000 + " curl", "z": "UTC", "g": 2}), "That server name is 5,000"),
        (PAGE_ACTION + "_next", json.dumps({"q": "web-1 curl at 2020-02-30", "z": "UTC", "g": 1}), "February 2020 has 29 days"),
        (SHARE_ACTION, json.dumps({"q": "web-1 curl why", "z": "UTC", "g": 1}), "not one pkgwhen made"),
        (CONFIRM_ACTION, json.dumps({"n": AL2_WEB, "a": "../../everything"}), "not one pkgwhen made"),
        (WHO_CHANGED_ACTION, json.dumps({"n": AL2_WEB, "p": "curl", "b": "yesterday"}), "not one pkgwhen made"),
    ],
)
def test_a_forged_value_is_refused_before_any_aws_call(
    workspace: SimWorkspace, action: str, value: str, says: str
) -> None:
    answer = workspace.click(forged(action, value), action)
    assert says in answer.last.plain()
    assert not answer.last.in_channel
    assert workspace.aws.calls == []
    assert workspace.refused() == []


def test_share_of_a_glob_over_a_period_shares_that_same_question(workspace: SimWorkspace) -> None:
    asked = workspace.command("/pkgwhen", 'i-0abc "openssl*" since 2021-07-01 UTC')
    shared = workspace.click(asked.last, SHARE_ACTION)
    assert shared.last.in_channel
    text = shared.last.plain()
    assert "since 2021-07-01 00:00 UTC" in text
    assert "`openssl*` on *web-1" in text
    assert workspace.refused() == []
