"""/pkgwhen end to end: a person types in Slack, the real app reads the stand-in's Config history, answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.aws.pacing import Pacer
from bot.sim.aws import Faults
from bot.sim.default_fleet import (
    AL2_BUILD,
    AL2_DELETED,
    AL2_DELETED_AT,
    AL2_RETIRED,
    AL2_WEB,
    CENTOS_MULTILIB_PACKAGE,
    ONPREM_REMOVED_PACKAGE,
    SEED_AGENT_CAPTURE,
    SEED_REST_CAPTURE,
    UBUNTU_APP,
    UBUNTU_DOWNGRADE_FROM,
    UBUNTU_DOWNGRADE_PACKAGE,
    UBUNTU_DOWNGRADE_TO,
    UBUNTU_EPOCH_NEW,
    UBUNTU_EPOCH_OLD,
    UBUNTU_EPOCH_PACKAGE,
    WIN_APP,
)
from bot.sim.workspace import SimWorkspace
from tests.test_history import VirtualTime


def ask(workspace: SimWorkspace, text: str, user: str = "U0ALICE") -> str:
    answer = workspace.command("/pkgwhen", text, user=user)
    assert answer.status == 200
    return answer.last.plain().replace("`", "").replace("*", "")


def test_the_seed_agent_upgrade_is_one_change_with_its_install_time(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0abc amazon-ssm-agent")
    assert f"amazon-ssm-agent on web-1 ({AL2_WEB})" in text
    assert "upgraded 2.3.1205.0-1.amzn2 → 2.3.1319.0-1.amzn2" in text
    assert "Now: amazon-ssm-agent" in text


def test_kernel_shows_the_new_kernel_installed_beside_the_old(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0abc kernel")
    assert "present at first record 4.14.181-142.260.amzn2" in text
    assert "installed 4.14.186-146.268.amzn2 beside 4.14.181-142.260.amzn2" in text
    # Recorded in the seed's second item, minutes after the agent's own.
    assert f"{SEED_AGENT_CAPTURE:%Y-%m-%d %H:%M} UTC and {SEED_REST_CAPTURE:%Y-%m-%d %H:%M} UTC" in text


def test_what_was_installed_on_a_day_in_the_users_zone(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0abc curl at 2020-07-01")
    assert "curl: 7.61.1-12.amzn2.0.1" in text
    assert "read in Asia/Tokyo" in text  # alice's Slack time zone


def test_a_users_time_zone_is_asked_of_slack_once_for_many_questions(workspace: SimWorkspace) -> None:
    for day in ("2020-07-01", "2020-07-02"):
        assert "read in Asia/Tokyo" in ask(workspace, f"i-0abc curl at {day}")
    assert len(workspace.slack.calls_to("users.info")) == 1


def test_a_moment_inside_a_change_window_is_settled_by_the_install_time(workspace: SimWorkspace) -> None:
    # curl was upgraded between two captures minutes apart; rpm's install time (01:03:13) says when.
    before = (SEED_AGENT_CAPTURE + timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    text = ask(workspace, f"i-0abc curl at {before}")
    assert "curl: 7.61.1-12.amzn2.0.1 — upgraded 7.61.1-12.amzn2.0.2 between two captures" in text
    assert "(install time) after that moment" in text
    after = (SEED_AGENT_CAPTURE + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    text = ask(workspace, f"i-0abc curl at {after}")
    assert "curl: 7.61.1-12.amzn2.0.2 — upgraded" in text
    assert "(install time) before that moment" in text
    assert "one or the other" not in text


def test_a_moment_inside_a_change_window_without_an_install_time_shows_both_states(
    workspace: SimWorkspace,
) -> None:
    # dpkg records no install time: inside the window of docker.io's downgrade, either version it is.
    text = ask(workspace, f"{UBUNTU_APP} {UBUNTU_DOWNGRADE_PACKAGE} at 2022-04-21T00:00:00Z")
    assert f"was changing then: {UBUNTU_DOWNGRADE_FROM} → {UBUNTU_DOWNGRADE_TO}" in text
    assert "one or the other" in text


def test_misspelt_package_says_how_far_back_and_suggests(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0abc opnssl")
    assert "opnssl was never seen on web-1" in text
    assert "from 2020-06-29" in text
    assert "Did you mean openssl" in text


def test_unknown_server_offers_close_names(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web1 curl")
    assert "No managed server matches web1" in text
    assert "web-1" in text


def test_ambiguous_prefix_lists_the_candidates(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0ab curl")
    assert "i-0ab matches 2 servers" in text
    assert AL2_WEB in text


def test_on_prem_node_by_computer_name_shows_removal_and_reinstall(workspace: SimWorkspace) -> None:
    text = ask(workspace, f"db-onprem-01 {ONPREM_REMOVED_PACKAGE}")
    assert "removed" in text
    assert "reinstalled" in text
    assert text.index("removed") < text.index("reinstalled")


def test_dpkg_epoch_and_downgrade_on_ubuntu(workspace: SimWorkspace) -> None:
    epoch = ask(workspace, f"{UBUNTU_APP} {UBUNTU_EPOCH_PACKAGE}")
    # 20210315-1 → 1:2.1.0-1 is an upgrade: the epoch wins, whatever a string comparison says.
    assert f"upgraded {UBUNTU_EPOCH_OLD} → {UBUNTU_EPOCH_NEW}" in epoch
    assert "downgraded" not in epoch
    down = ask(workspace, f"{UBUNTU_APP} {UBUNTU_DOWNGRADE_PACKAGE}")
    assert f"downgraded {UBUNTU_DOWNGRADE_FROM} → {UBUNTU_DOWNGRADE_TO}" in down


def test_windows_hotfix_glob_and_quoted_application_name(workspace: SimWorkspace) -> None:
    hotfixes = ask(workspace, f"{WIN_APP} KB50*")
    assert "installed KB50" in hotfixes
    assert "packages: KB50" in hotfixes
    tools = ask(workspace, f'{WIN_APP} "aws tools for windows"')
    assert "upgraded" in tools
    assert "Now: AWS Tools for Windows" in tools


def test_unmanaged_server_says_since_when(workspace: SimWorkspace) -> None:
    text = ask(workspace, f"{AL2_RETIRED} openssl")
    assert "no longer managed by SSM since" in text


def test_second_question_reads_only_what_is_new(workspace: SimWorkspace) -> None:
    ask(workspace, "i-0abc openssl")
    before = workspace.aws.count("GetResourceConfigHistory")
    ask(workspace, "i-0abc curl")
    assert workspace.aws.count("GetResourceConfigHistory") - before <= 1


def test_share_posts_the_answer_in_the_channel(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "i-0abc curl")
    shared = workspace.click(answer.last, "pkgwhen_share")
    assert shared.last.in_channel
    assert "shared by" in shared.last.plain()
    assert "curl" in shared.last.plain()


@pytest.mark.workspace(faults=Faults(denied_actions={"config:GetResourceConfigHistory"}))
def test_access_denied_names_the_permission(workspace: SimWorkspace) -> None:
    text = ask(workspace, "i-0abc curl")
    assert "not allowed to call config:GetResourceConfigHistory" in text


def test_config_not_recording_says_how_to_turn_it_on(workspace: SimWorkspace) -> None:
    workspace.fleet.recording = False
    text = ask(workspace, "i-0abc curl")
    assert "not recording AWS::SSM::ManagedInstanceInventory" in text
    assert "Turn on recording" in text


def virtual_pacer() -> Pacer:
    """A pacer whose waits move a virtual clock: ten throttled tries without waiting their 6.5 s."""
    time = VirtualTime()
    return Pacer(time.clock, time.sleep)


@pytest.mark.workspace(env={"PKGWHEN_AWS_MAX_ATTEMPTS": "2"}, pacer=virtual_pacer)
def test_throttled_beyond_retries_says_when_to_try_again(workspace: SimWorkspace) -> None:
    ask(workspace, "i-0abc curl")  # warm the server list
    workspace.aws.faults.throttle_next = 1000
    text = ask(workspace, "i-0abc openssl")
    assert "throttling" in text
    assert "Try again in" in text


def test_bad_date_is_answered_at_once_with_usage(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "i-0abc curl at someday-ish")
    assert answer.ack is not None
    assert "could not read `someday-ish` as a date" in answer.ack.plain()


@pytest.mark.workspace(cold=True)
def test_a_long_first_read_shows_progress_before_the_answer(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "i-0abc curl")
    posted = [c.params.get("text", "") for c in workspace.slack.calls_to("response_url")]
    assert posted[0].startswith("Reading the history of i-0abc")
    assert any("weeks read" in text for text in posted[1:-1])
    assert not answer.last.progress
    assert len(posted) <= 5  # Slack takes at most five messages through one response_url


def test_long_timelines_page_with_buttons(workspace: SimWorkspace) -> None:
    first = workspace.command("/pkgwhen", f"{WIN_APP} KB*")
    assert "page 1 of" in first.last.plain()
    older = workspace.click(first.last, "pkgwhen_page_next")
    assert "page 2 of" in older.last.plain()
    assert not older.last.in_channel
    newer = workspace.click(older.last, "pkgwhen_page_prev")
    assert "page 1 of" in newer.last.plain()


def test_server_known_only_to_config_still_answers_from_history(workspace: SimWorkspace) -> None:
    text = ask(workspace, f"{AL2_RETIRED} curl")
    assert "curl on" in text
    assert "no longer managed by SSM since" in text


# --- issue 10: answers you can trust ---------------------------------------------------------------------


def test_windows_current_state_finds_a_hotfix_whatever_the_agent_calls_its_id(workspace: SimWorkspace) -> None:
    # legacy-win-1's agent writes `HotFixID`, win-app-1's `HotFixId`: both are installed now.
    legacy = ask(workspace, "legacy-win-1 KB5034767")
    assert "Now: KB5034767" in legacy
    assert "not installed" not in legacy
    current = ask(workspace, f"{WIN_APP} KB5*")
    assert "Now: KB5" in current


def test_the_agent_listed_as_application_and_as_aws_component_is_one_package(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 amazon-ssm-agent")
    assert "AWS:AWSComponent" not in text
    assert "2 packages" not in text
    # Six upgrades on web-1, each said once, in rpm's version-release form.
    assert text.count("upgraded") == 6
    assert "upgraded 2.3.1205.0-1.amzn2 → 2.3.1319.0-1.amzn2" in text
    assert text.count("Now: amazon-ssm-agent") == 1
    assert "Now: amazon-ssm-agent 3.3.1142.0-1.amzn2 (inventory captured" in text


def test_multilib_changes_name_their_architecture(workspace: SimWorkspace) -> None:
    text = ask(workspace, f"legacy-app-1 {CENTOS_MULTILIB_PACKAGE}*")
    assert "installed glibc 2.17-317.el7 (i686)" in text
    assert "upgraded glibc 2.17-317.el7 → 2.17-323.el7_9 (i686, x86_64)" in text
    zlib = ask(workspace, "legacy-app-1 zlib")
    # An admin upgraded the x86_64 build alone; the i686 one stayed, and was removed later.
    assert "upgraded 1.2.7-18.el7 → 1.2.7-19.el7_9 (x86_64)" in zlib
    assert "removed 1.2.7-18.el7 (i686)" in zlib
    assert zlib.count("removed") == 1
    assert "Now: zlib 1.2.7-21.el7_9" in zlib
    both = ask(workspace, "legacy-app-1 nss-softokn-freebl")
    assert "Now: nss-softokn-freebl 3.53.1-6.el7_9 (i686), 3.53.1-6.el7_9 (x86_64)" in both


def test_windows_install_dates_show_the_day_the_server_named(workspace: SimWorkspace) -> None:
    # win-tokyo-1 runs on Tokyo time: it was patched early on Wednesday 9 March 2022 there (Tuesday in
    # UTC), and its agent wrote that day as `2022-03-08T15:00:00Z`.
    text = ask(workspace, "win-tokyo-1 KB5011497")
    assert "installed\n        2022-03-09 (install date, the server's own day)" in text
    assert "2022-03-08 15:00" not in text
    agent = ask(workspace, 'win-tokyo-1 "Amazon SSM Agent"')
    assert "upgraded 3.1.1004.0 → 3.1.1188.0\n        2022-04-13 (install date" in agent


def test_a_period_keeps_the_changes_whose_honest_time_can_fall_in_it(workspace: SimWorkspace) -> None:
    # The agent's upgrade to 3.1.1080.0 was recorded in a window from 26 January to 17 March 2022, and
    # its install time says 17 March: it did not happen in February.
    february = ask(workspace, "web-1 amazon-ssm-agent since 2022-02-01 until 2022-02-28")
    assert "No change of it in this period." in february
    march = ask(workspace, "web-1 amazon-ssm-agent since 2022-03-01 until 2022-03-31")
    assert "upgraded 3.0.1124.0-1.amzn2 → 3.1.1080.0-1.amzn2" in march
    assert "1 change in" in march


def test_until_a_date_includes_that_whole_day_in_the_readers_zone(workspace: SimWorkspace) -> None:
    # The seed's curl upgrade: 2 July 2020 about 10:03 in Tokyo, alice's zone.
    text = ask(workspace, "web-1 curl since 2020-07-01 until 2020-07-02")
    assert "upgraded 7.61.1-12.amzn2.0.1 → 7.61.1-12.amzn2.0.2" in text
    assert "until 2020-07-02 14:59 UTC" in text  # the end of 2 July in Tokyo


def test_a_deleted_server_is_found_by_its_old_names_and_said_to_be_deleted(workspace: SimWorkspace) -> None:
    # Neither SSM nor EC2 lists old-web-2 any more: its names come from its history.
    for name in ("old-web-2", "ip-172-31-7-201"):
        text = ask(workspace, f"{name} curl")
        assert f"curl on old-web-2 ({AL2_DELETED})" in text
        assert f"server deleted or deregistered\n        recorded by Config {AL2_DELETED_AT:%Y-%m-%d %H:%M} UTC" in text
        assert "Nothing is installed on it since" in text
        assert "Now:" not in text
    after = ask(workspace, "old-web-2 curl at 2024-01-01")
    assert "curl: nothing — the server was deleted or deregistered then" in after
    assert "7.79.1" not in after
    before = ask(workspace, "old-web-2 curl at 2022-12-01")
    assert "curl: 7.79.1-2.amzn2.0.1" in before


def test_a_server_discovered_again_after_a_deletion_starts_a_new_life(workspace: SimWorkspace) -> None:
    text = ask(workspace, "legacy-app-1 zlib")
    assert "server deleted or deregistered (while Config was not recording it)" in text
    assert "server discovered again — a new life" in text
    # Its first record after that is not compared with the last one before the deletion.
    assert text.index("discovered again") < text.index("present at first record 1.2.7-21.el7_9")
    assert "upgraded 1.2.7-19.el7_9 → 1.2.7-21.el7_9" not in text
    gap = ask(workspace, "legacy-app-1 zlib at 2022-12-01")
    assert "zlib: nothing — the server was deleted or deregistered then" in gap
    back = ask(workspace, "legacy-app-1 zlib at 2024-01-01")
    assert "zlib: 1.2.7-21.el7_9" in back


def test_stale_inventory_of_an_offline_server_says_what_would_help_not_refresh(workspace: SimWorkspace) -> None:
    text = ask(workspace, "legacy-win-1 KB5034767")
    assert "The last inventory capture is" in text
    assert "/inventory refresh" not in text
    assert "A refresh cannot run now: the server's SSM agent is ConnectionLost, last seen" in text


def test_stale_inventory_without_an_association_says_how_to_set_one_up(workspace: SimWorkspace) -> None:
    text = ask(workspace, f"{AL2_BUILD} curl")
    assert "The last inventory capture is" in text
    assert "/inventory refresh" not in text
    assert "No AWS-GatherSoftwareInventory association applies to this server" in text
    assert "Setup inventory" in text


@pytest.mark.workspace(env={"PKGWHEN_STALE_AFTER": "5m"})
def test_stale_inventory_of_a_server_that_can_be_refreshed_offers_the_refresh(workspace: SimWorkspace) -> None:
    text = ask(workspace, "web-1 curl")
    assert f"/inventory refresh {AL2_WEB} collects inventory now." in text
