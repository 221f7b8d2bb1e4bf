"""Answers whatever the data: globs over thousands of packages, 5 MB inventory items, 10 KB arguments.

Every message pkgwhen shows stays inside Slack's limits (the Slack stand-in refuses what Slack refuses),
pages or summarizes, or says how to narrow the question — and never leaves its placeholder spinning.
"""

from __future__ import annotations

import pytest

from bot.sim.workspace import Answer, SimWorkspace
from tests.sim_fleets import BIG, CROWD, big_fleet, crowded_fleet, fat_fleet

LONG = "x" * 10_240


def settled(workspace: SimWorkspace, answer: Answer) -> str:
    """The answer's final text, after checking Slack took every message of it and none is left spinning."""
    assert answer.status == 200
    assert not answer.last.progress, answer.last.plain()
    assert workspace.refused() == []
    return answer.last.plain()


def test_every_package_of_a_server_pages_and_summarizes_where_it_stands_now(workspace: SimWorkspace) -> None:
    text = settled(workspace, workspace.command("/pkgwhen", "web-1 *"))
    assert "page 1 of" in text
    assert "[Older ▶]" in text
    assert "packages (ask about one, e.g. /pkgwhen i-0abc12de34f567890" in text.replace("`", "")


@pytest.mark.slow  # builds a 2,000-package server
@pytest.mark.workspace(fleet=big_fleet)
def test_a_glob_over_1200_packages_of_a_2000_package_server_pages_back_through_every_change(
    workspace: SimWorkspace,
) -> None:
    first = workspace.command("/pkgwhen", "big-1 lib*")
    text = settled(workspace, first)
    assert "1200 packages" in text
    assert "3600 changes in 3 Config items" in text
    assert "page 1 of 144 (newest first)" in text
    older = workspace.click(first.last, "pkgwhen_page_next")
    assert "page 2 of 144" in settled(workspace, older)
    last_page = workspace.command("/pkgwhen", f"{BIG} lib0000")
    assert "upgraded" in settled(workspace, last_page)


@pytest.mark.slow  # builds 5 MB inventory items
@pytest.mark.workspace(fleet=fat_fleet)
def test_an_inventory_item_of_5_mb_with_absurd_names_is_answered_within_limits(workspace: SimWorkspace) -> None:
    text = settled(workspace, workspace.command("/pkgwhen", "fat-1 *"))
    assert "upgraded pkg0001" in text.replace("*", "")
    assert "(20,006 characters)" in text  # the absurd name, shortened and counted
    text = settled(workspace, workspace.command("/pkgwhen", "fat-1 weird*"))
    assert "(10,012 characters)" in text  # its version-release


@pytest.mark.parametrize(
    ("command", "typed", "says"),
    [
        ("/pkgwhen", f"{LONG} curl", "That server name is 10,240 characters long"),
        ("/pkgwhen", f"web-1 {LONG}", "That package name is 10,240 characters long"),
        ("/pkgwhen", f"web-1 curl at {LONG}", "(10,240 characters)"),
        ("/pkgwhen", f"web-1 curl {LONG}", "I did not understand"),
        ("/inventory", f"status {LONG}", "That server name is 10,240 characters long"),
        ("/inventory", f"{LONG}", "I did not understand"),
    ],
)
def test_a_10_kb_argument_gets_a_short_answer_at_once_without_asking_aws(
    workspace: SimWorkspace, command: str, typed: str, says: str
) -> None:
    answer = workspace.command(command, typed)
    text = settled(workspace, answer)
    assert answer.ack is not None and not answer.replies  # answered in the acknowledgement
    assert says in text
    assert len(text) < 3000
    assert workspace.aws.calls == []


@pytest.mark.workspace(fleet=crowded_fleet)
def test_an_error_naming_hundreds_of_servers_still_fits_and_replaces_the_placeholder(
    workspace: SimWorkspace,
) -> None:
    text = settled(workspace, workspace.command("/pkgwhen", "i-0c curl"))
    assert f"matches {CROWD} servers" in text
    assert f"and {CROWD - 10} more" in text


def test_an_answer_slack_refuses_is_replaced_by_a_short_error_not_left_spinning(workspace: SimWorkspace) -> None:
    workspace.command("/pkgwhen", "web-1 curl")  # history read: the next answer shows one placeholder only
    # The placeholder and then the answer are refused (as Slack refuses a message it cannot take).
    workspace.slack.fail_next("response_url", status=400, error="invalid_blocks", count=2)
    answer = workspace.command("/pkgwhen", "web-1 curl")
    assert not answer.last.progress
    assert "Something went wrong inside pkgwhen (reference" in answer.last.plain()
