"""AWS failures as a person meets them in Slack: each a specific message saying what to do."""

from __future__ import annotations

import pytest

from bot.sim.aws import Faults
from bot.sim.workspace import SimWorkspace


def ask(workspace: SimWorkspace, text: str) -> str:
    answer = workspace.command("/pkgwhen", text)
    assert answer.status == 200
    assert not answer.last.progress
    assert workspace.refused() == []
    return answer.last.plain().replace("`", "")


@pytest.mark.workspace(faults=Faults(credentials_error="ExpiredTokenException"))
def test_expired_credentials_say_to_renew_them(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl")
    assert "AWS Systems Manager refused pkgwhen's credentials: their session token has expired." in text
    assert "Renew them where pkgwhen runs" in text


@pytest.mark.workspace(faults=Faults(credentials_error="UnrecognizedClientException"))
def test_credentials_aws_does_not_know_say_which_to_fix(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl")
    assert "does not recognise pkgwhen's credentials (UnrecognizedClientException)" in text
    assert "Give pkgwhen valid credentials" in text


def test_expired_credentials_in_the_middle_of_a_history_read_are_not_retried_as_an_outage(
    workspace: SimWorkspace,
) -> None:
    ask(workspace, "web-1 curl")  # the server list is known now
    workspace.aws.faults.credentials_error = "ExpiredTokenException"
    workspace.aws.calls.clear()
    text = ask(workspace, "i-0ab7 curl")
    assert "AWS Config refused pkgwhen's credentials" in text
    assert workspace.aws.count("GetResourceConfigHistory") == 1


@pytest.mark.workspace(faults=Faults(unreachable=True), env={"PKGWHEN_AWS_MAX_ATTEMPTS": "2"})
def test_an_unreachable_endpoint_says_what_to_check(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl")
    assert f"pkgwhen cannot reach AWS Systems Manager at {workspace.aws.url}/" in text
    assert "Check that the host pkgwhen runs on can reach AWS" in text
    assert "AWS_REGION" in text


@pytest.mark.workspace(faults=Faults(denied_actions={"ssm:DescribeInstanceInformation"}))
def test_access_denied_names_the_action_and_where_to_add_it(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl")
    assert "pkgwhen's AWS role is not allowed to call ssm:DescribeInstanceInformation." in text
    assert "Add ssm:DescribeInstanceInformation to the role's policy" in text


@pytest.mark.workspace(env={"PKGWHEN_AWS_MAX_ATTEMPTS": "2"})
def test_throttling_says_when_to_try_again_and_what_makes_it_stop(workspace: SimWorkspace) -> None:
    workspace.aws.faults.throttle_next = 1000
    text = ask(workspace, "web-1 curl")
    assert "AWS Systems Manager is throttling pkgwhen's requests" in text
    assert "Try again in 30 s." in text
