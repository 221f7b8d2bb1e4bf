"""Nothing pkgwhen echoes can ping, mention or link: typed names, Name tags, hostnames, package names,
command lines from a server's package history — in the blocks and in the fallback `text` alike.

Each test drives hostile values through a message path and reads what the Slack stand-in recorded.
"""

from __future__ import annotations

import json

import pytest

from bot.sim.default_fleet import AL2_WEB, ONPREM_DB, WIN_APP
from bot.sim.fleet import SimNode
from bot.sim.pm_history_runner import DOCUMENT_NAME, PackageHistoryRun
from bot.sim.slack import visible_texts
from bot.sim.workspace import Answer, SimWorkspace
from tests.sim_fleets import AMPERSAND_APP, HOSTILE, HOSTILE_PACKAGE, PINGS, hostile_fleet

hostile = pytest.mark.workspace(fleet=hostile_fleet, env={"PKGWHEN_REFRESH_POLL_INTERVAL": "0.05"})


def recorded(workspace: SimWorkspace, *answers: Answer) -> str:
    """All text pkgwhen sent Slack: acks, response_url posts, channel posts — fallback `text` and blocks."""
    sent = [call.params for call in workspace.slack.calls if call.method == "response_url" or call.method.startswith("chat.")]
    acks = [{"text": a.ack.text, "blocks": list(a.ack.blocks)} for a in answers if a.ack is not None]
    return "\n".join(visible_texts([*sent, *acks]))


def assert_nothing_pings(workspace: SimWorkspace, *answers: Answer) -> None:
    wire = recorded(workspace, *answers)
    for ping in PINGS:
        assert ping not in wire
    assert "AT&T" not in wire
    assert workspace.refused() == []


@pytest.mark.parametrize(
    ("command", "typed", "shows"),
    [
        ("/pkgwhen", f'"{HOSTILE}" curl', "No managed server matches"),
        ("/pkgwhen", f'web-1 "{HOSTILE}"', "was never seen on"),
        ("/pkgwhen", f"web-1 curl at {HOSTILE}", "is not a date"),
        ("/pkgwhen", f"web-1 curl {HOSTILE}", "I did not understand"),
        ("/pkgwhen", f'web-1 "{HOSTILE}" why', "is not a package name pkgwhen can ask"),
        ("/inventory", f"status {HOSTILE.split()[0]}", "No managed server matches"),
        ("/inventory", HOSTILE, "I did not understand"),
    ],
)
def test_typed_values_are_echoed_escaped(workspace: SimWorkspace, command: str, typed: str, shows: str) -> None:
    answer = workspace.command(command, typed)
    assert shows in answer.last.plain()
    # What the person typed is shown as typed (Slack unescapes the entities for the reader).
    assert "<!channel>" in answer.last.plain()
    assert_nothing_pings(workspace, answer)


@hostile
def test_a_name_tag_and_a_package_from_data_are_escaped_in_every_answer(workspace: SimWorkspace) -> None:
    answers = [
        workspace.command("/pkgwhen", "i-0abc curl"),
        workspace.command("/pkgwhen", "i-0abc zz*"),
        workspace.command("/pkgwhen", "i-0abc zz* at now"),
        workspace.command("/pkgwhen", "i-0ab curl"),  # ambiguous: lists the labels
        workspace.command("/pkgwhen", "i-0abc zz-nothing"),  # never seen: suggests close names
        workspace.command("/inventory", "status i-0abc"),
    ]
    assert HOSTILE_PACKAGE in answers[1].last.plain()
    shared = workspace.click(answers[1].last, "pkgwhen_share")
    assert shared.last.in_channel
    assert_nothing_pings(workspace, *answers, shared)


@hostile
def test_a_name_typed_with_ampersand_and_angle_brackets_is_found_as_typed(workspace: SimWorkspace) -> None:
    # Slack sends `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`: read as the person typed them.
    answer = workspace.command("/pkgwhen", f'{WIN_APP} "{AMPERSAND_APP}"')
    assert "installed `9.9.1`" in answer.last.plain()
    assert "AT&T Global Network Client <x64>" in answer.last.plain()
    assert_nothing_pings(workspace, answer)


@hostile
def test_a_hostname_is_escaped(workspace: SimWorkspace) -> None:
    answers = [workspace.command("/pkgwhen", f"{ONPREM_DB} openssl"), workspace.command("/inventory", f"status {ONPREM_DB}")]
    assert "<!channel>" in answers[0].last.plain()
    assert_nothing_pings(workspace, *answers)


@hostile
def test_a_refresh_and_its_change_summary_are_escaped(workspace: SimWorkspace) -> None:
    node = workspace.fleet.node(AL2_WEB)
    assert node is not None
    node.install({"Name": "yy<@U0EVIL>", "Version": "<!here>", "Release": "1", "Architecture": "x86_64"})
    answer = workspace.command("/inventory", "refresh i-0abc", timeout=30)
    assert "recorded by AWS Config" in answer.last.plain()
    assert_nothing_pings(workspace, answer)


class HostileHistory(PackageHistoryRun):
    """The server's package manager recorded a hostile user and command line."""

    def __call__(self, node: SimNode, parameters: dict[str, list[str]]) -> tuple[int, str, str]:
        code, out, err = super().__call__(node, parameters)
        out = out.replace("Command Line   : update", f"Command Line   : update {HOSTILE}")
        out = out.replace("User           : EC2 Default User <ec2-user>", f"User           : {HOSTILE}")
        return code, out, err


def test_a_command_line_read_from_the_server_is_escaped_in_the_thread(workspace: SimWorkspace) -> None:
    workspace.aws.register_document(DOCUMENT_NAME, HostileHistory())
    timeline = workspace.command("/pkgwhen", "i-0abc curl")
    answer = workspace.click(timeline.last, "pkgwhen_who_changed", near_text="7.61.1-12.amzn2.0.2")
    assert "details in the thread" in answer.last.plain()
    assert workspace.slack.wait_for(lambda s: any("yum" in json.dumps(m.blocks) for m in s.messages()), timeout=10)
    thread = json.dumps([[m.text, m.blocks] for m in workspace.slack.messages()], ensure_ascii=False)
    assert "command: `update &lt;!channel&gt; &lt;!here&gt; &lt;@U0EVIL&gt;" in thread
    assert "user: &lt;!channel&gt;" in thread
    assert_nothing_pings(workspace, timeline, answer)
