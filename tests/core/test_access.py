"""Write access: allow-listed user, group and channel IDs; everything else, and every doubt, is denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.core.errors import WriteDenied
from bot.sim.slack import SlackStandIn
from bot.slack.access import SlackGroupMembers, WritePolicy

TOKEN = "xoxb-access-test"
POLICY = WritePolicy(
    users=frozenset({"U0ALICE"}),
    usergroups=frozenset({"S0OPS"}),
    channels=frozenset({"C0OPS"}),
    contact="#platform",
)
GROUPS = {"S0OPS": frozenset({"U0BOB"})}


def members(group: str) -> frozenset[str]:
    return GROUPS.get(group, frozenset())


@pytest.mark.parametrize(
    ("user", "channel", "allowed"),
    [
        ("U0ALICE", "C0OTHER", True),
        ("U0BOB", "C0OTHER", True),  # through the user group
        ("U0MALLORY", "C0OPS", True),  # anyone in an allowed channel
        ("U0MALLORY", "C0OTHER", False),
        ("", "C0OTHER", False),
        ("alice", "C0OTHER", False),  # a name is not an ID
    ],
)
def test_who_may_run_write_actions(user: str, channel: str, allowed: bool) -> None:
    assert POLICY.allows(user, channel, members) is allowed


def test_an_empty_allow_list_denies_everyone() -> None:
    nobody = WritePolicy(frozenset(), frozenset(), frozenset(), "the pkgwhen operators")
    assert not nobody.allows("U0ALICE", "C0OPS", members)


def test_a_denial_names_the_action_the_user_and_who_grants_access() -> None:
    with pytest.raises(WriteDenied) as raised:
        POLICY.authorize("/inventory refresh", "U0MALLORY", "C0OTHER", members)
    assert "/inventory refresh" in raised.value.what
    assert "#platform" in raised.value.todo and "U0MALLORY" in raised.value.todo


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as stand_in:
        yield stand_in


def test_group_members_come_from_slack_and_are_remembered(slack: SlackStandIn) -> None:
    slack.add_usergroup("S0OPS", "ops", ["U0BOB", "U0CAROL"])
    group = SlackGroupMembers(WebClient(token=TOKEN, base_url=slack.api_url))
    assert group("S0OPS") == {"U0BOB", "U0CAROL"}
    assert group("S0OPS") == {"U0BOB", "U0CAROL"}
    assert len(slack.calls_to("usergroups.users.list")) == 1


def test_a_group_slack_cannot_list_grants_nothing(slack: SlackStandIn) -> None:
    group = SlackGroupMembers(WebClient(token=TOKEN, base_url=slack.api_url))
    assert group("S0GONE") == frozenset()
    policy = WritePolicy(frozenset(), frozenset({"S0GONE"}), frozenset(), "#platform")
    assert not policy.allows("U0BOB", "C0OPS", group)
