""""Who changed it?" end to end: a click or `why`, the allow-list, pkgwhen's SSM document run on the
simulated server, its output parsed and read, the answer in a thread."""

from __future__ import annotations

from bot.sim.default_fleet import AL2_BATCH, AL2_WEB, UBUNTU_APP, WIN_APP
from bot.sim.pm_history_runner import DOCUMENT_NAME, PackageHistoryRun
from bot.sim.slack import ShownMessage
from bot.sim.workspace import OPS_CHANNEL, SimWorkspace


def _thread(workspace: SimWorkspace, channel: str = OPS_CHANNEL) -> list[ShownMessage]:
    assert workspace.slack.wait_for(lambda s: bool(s.messages(channel)), timeout=10)
    parent = [m for m in workspace.slack.messages(channel) if m.thread_ts in (None, m.ts)][-1]
    return [parent, *workspace.slack.messages(channel, thread_ts=parent.ts)]


def _text(messages: list[ShownMessage]) -> str:
    return "\n".join(m.text + " " + str(m.blocks) for m in messages)


def test_button_on_a_first_boot_update_names_cloud_init(workspace: SimWorkspace) -> None:
    timeline = workspace.command("/pkgwhen", "i-0abc libxml2")
    answer = workspace.click(timeline.last, "pkgwhen_who_changed", near_text="present at first record")
    assert "details in the thread" in answer.last.plain()
    thread = _thread(workspace)
    assert "Who changed libxml2 on web-1" in _text(thread[:1])
    assert "first boot" in _text(thread[1:])
    assert "--security" in _text(thread[1:])
    sent = [c for c in workspace.aws.calls if c.operation == "SendCommand"]
    assert sent[-1].params["DocumentName"] == DOCUMENT_NAME
    assert sent[-1].params["Parameters"]["packageName"] == ["libxml2"]


def test_button_on_the_seed_update_names_the_person_and_command(workspace: SimWorkspace) -> None:
    timeline = workspace.command("/pkgwhen", "i-0abc curl")
    workspace.click(timeline.last, "pkgwhen_who_changed", near_text="7.61.1-12.amzn2.0.2")
    thread = _text(_thread(workspace)[1:])
    assert "ec2-user" in thread
    assert "yum update" in thread
    assert "7.61.1-12.amzn2.0.2" in thread


def test_why_asks_about_the_newest_change(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "web-1 curl why")
    assert "details in the thread" in answer.last.plain()
    assert "curl" in _text(_thread(workspace))


def test_someone_not_on_the_allow_list_runs_nothing(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", "web-1 curl why", user="U0MALLORY")
    assert "not allowed to run" in answer.last.plain()
    assert workspace.aws.count("SendCommand") == 0
    assert workspace.services is not None
    assert [e.outcome for e in workspace.services.audit.entries()] == ["denied"]


def test_an_offline_server_is_said_before_anything_runs(workspace: SimWorkspace) -> None:
    node = workspace.fleet.node(AL2_BATCH)
    assert node is not None
    node.ping_status = "ConnectionLost"
    answer = workspace.command("/pkgwhen", f"{AL2_BATCH} curl why")
    assert "not connected to Systems Manager" in answer.last.plain()
    assert workspace.aws.count("SendCommand") == 0


def test_windows_servers_get_no_button_and_a_clear_answer(workspace: SimWorkspace) -> None:
    timeline = workspace.command("/pkgwhen", f'{WIN_APP} "AWS Tools for Windows"')
    assert "Who changed it?" not in timeline.last.plain()
    answer = workspace.command("/pkgwhen", f"{WIN_APP} KB5005030 why")
    assert "Linux" in answer.last.plain()


def test_history_rotated_away_says_so(workspace: SimWorkspace) -> None:
    answer = workspace.command("/pkgwhen", f"{UBUNTU_APP} acme-agent")
    workspace.click(answer.last, "pkgwhen_who_changed", near_text="1:2.1.0-1")
    assert "rotated away" in _text(_thread(workspace))


def test_cut_output_is_said(workspace: SimWorkspace) -> None:
    real = PackageHistoryRun()

    def padded(node, parameters):  # type: ignore[no-untyped-def]
        code, out, err = real(node, parameters)
        return code, "=== pkgwhen: note ===\n" + "x" * 30_000 + "\n" + out, err

    workspace.aws.register_document(DOCUMENT_NAME, padded)
    workspace.command("/pkgwhen", "web-1 curl why")
    assert "cut at SSM's 24,000 characters" in _text(_thread(workspace))


def test_a_second_ask_within_the_cooldown_runs_nothing_more(workspace: SimWorkspace) -> None:
    workspace.command("/pkgwhen", "web-1 curl why")
    again = workspace.command("/pkgwhen", "web-1 curl why")
    assert "Nothing new was started" in again.last.plain()
    assert workspace.aws.count("SendCommand") == 1


def test_where_the_bot_cannot_post_the_answer_stays_in_the_reply(workspace: SimWorkspace) -> None:
    workspace.slack.add_channel("C0PRIVATE", "private-ops", private=True, bot_is_member=False)
    answer = workspace.command("/pkgwhen", f"{AL2_WEB} libxml2 why", channel="C0PRIVATE")
    assert "first boot" in answer.last.plain()
    assert not [m for m in workspace.slack.messages("C0PRIVATE") if not m.ephemeral]
