"""Fault rows of `pkgwhen worker` (and `pkgwhen serve`) as processes: killed, stopped, out of disk, bad state.

The worker runs as `python -m bot.runtime.cli worker` against moto, the AWS stand-in and the Slack stand-in on
loopback. Whatever happens to the process, nothing is lost and nothing is posted twice; when it cannot
go on it says why in one line and exits non-zero.
"""

from __future__ import annotations

import resource
import signal
from pathlib import Path

import pytest

from tests.faults.worker_stage import (
    SERVERS,
    Process,
    Stage,
    lasting,
    no_traceback,
    sigterm,
    until,
    without_root_override,
)

# Each row starts `pkgwhen worker` processes (seconds each): CI runs them, `pytest -m 'not slow'` skips them.
pytestmark = pytest.mark.slow


def full_disk(process: Process) -> None:
    """From now on every write of the process to any file fails, as on a full disk (EFBIG instead of ENOSPC)."""
    resource.prlimit(process.popen.pid, resource.RLIMIT_FSIZE, (0, 0))


def test_a_worker_killed_mid_batch_loses_nothing_and_its_successor_repeats_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.patch_each_differently()
        # One post, then Slack asks to wait 100 s: the worker is mid-batch, its alert recorded, nothing deleted.
        stage.slack.enforce_channel_rate(0.01, burst=1)
        # A short visibility: what the killed worker had comes back soon.
        first = stage.process("--visibility-timeout", "3")
        assert stage.slack.wait_for(lambda s: stage.ratelimited(), timeout=30), first.output
        first.signal(signal.SIGKILL)
        first.exit_code()
        assert len(stage.texts()) == 1
        assert stage.in_queue() == SERVERS
        stage.slack.enforce_channel_rate(None)
        second = stage.process()
        stage.wait_posts(SERVERS)
        assert stage.drained(), second.output
        sigterm(second)
        assert second.exit_code() == 0, second.output
        assert stage.servers_posted() == [f"web-{n}" for n in range(SERVERS)]
        assert stage.post_calls(status=200) == SERVERS


def test_sigterm_finishes_or_hands_back_every_message_and_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.patch_each_differently()
        # Slack makes the worker wait a second after each post: SIGTERM arrives while the batch is in flight.
        stage.slack.enforce_channel_rate(1.0, burst=1)
        worker = stage.process()
        assert stage.slack.wait_for(lambda s: stage.ratelimited(), timeout=30), worker.output
        sigterm(worker)
        assert worker.exit_code() == 0, worker.output
        posted = stage.texts()
        # Every message it had was finished (posted and deleted) or handed back at once; none twice.
        assert len(posted) == len(set(stage.servers_posted()))
        assert stage.visible_now() == SERVERS - len(posted) == stage.in_queue()
        assert "stopping within" in worker.output


def test_sigterm_during_a_long_retry_after_stops_within_the_stop_timeout_and_hands_messages_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.patch_each_differently()
        # Slack asks for a minute's wait after every post but the first; Docker kills after 10 s.
        stage.slack.enforce_channel_rate(1 / 60, burst=1)
        worker = stage.process(PKGWHEN_STOP_TIMEOUT=f"{lasting(8, 2):g}s")
        assert stage.slack.wait_for(lambda s: stage.ratelimited(), timeout=30), worker.output
        sigterm(worker)
        # Well before Slack's minute is up (the wait is a liveness bound, not a measurement).
        assert worker.exit_code(timeout=40) == 0, worker.output
        assert len(stage.texts()) == 1
        # The other four are visible again now, not hidden for the 30 s visibility timeout.
        assert stage.visible_now() == SERVERS - 1 == stage.in_queue()
        assert stage.post_calls(status=200) == 1


@pytest.mark.parametrize("how", ["SIGKILL after Slack stored the post", "SIGTERM while the post is still in flight"])
def test_a_process_that_ends_between_the_post_and_its_record_never_posts_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        # A short visibility: what the killed worker had comes back soon. When it is killed, it must still be
        # waiting for Slack's answer then (however slow this machine is), so its Slack timeout outlasts the wait.
        slow = ("--slack-timeout", "60") if how.startswith("SIGKILL") else ()
        first = stage.process("--visibility-timeout", "3", *slow)
        if how.startswith("SIGKILL"):
            # Slack stores the post at once and answers only after 10 s: the worker dies before it hears.
            stage.slack.answer_late("chat.postMessage", 10)
            stage.patch(0)
            assert stage.slack.wait_for(lambda s: len(s.messages("C0ALERTS")) == 1, timeout=30), first.output
            first.signal(signal.SIGKILL)
            first.exit_code()
        else:
            # Slack takes 3 s before it acts; SIGTERM comes first, and the stop does not wait for it.
            stage.slack.set_delay(3, "chat.postMessage")
            stage.patch(0)
            assert stage.slack.wait_for(lambda s: s.arrivals("chat.postMessage") == 1, timeout=30), first.output
            sigterm(first)
            assert first.exit_code() == 0, first.output
            stage.slack.set_delay(0, "chat.postMessage")
        second = stage.process()
        assert stage.drained(), second.output
        assert until(lambda: "alert worker reading" in second.output, 30)
        sigterm(second)
        assert second.exit_code() == 0, second.output
        assert len(stage.slack.messages("C0ALERTS")) == 1
        assert stage.slack.arrivals("chat.postMessage") == 1
        assert "adopted, not posted again" in second.output, second.output


def test_a_disk_that_fills_between_the_post_and_its_record_stops_the_worker_and_posts_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        first = stage.process()
        stage.slack.answer_late("chat.postMessage", 2)
        stage.patch(0)
        assert stage.slack.wait_for(lambda s: len(s.messages("C0ALERTS")) == 1, timeout=30), first.output
        full_disk(first)
        assert first.exit_code() == 1, first.output
        [line] = [line for line in first.lines if "alert ledger" in line]
        assert str(stage.ledger_file) in line and "cannot be used" in line
        assert no_traceback(first.output)
        second = stage.process()
        assert stage.drained(), second.output
        sigterm(second)
        assert second.exit_code() == 0, second.output
        assert len(stage.slack.messages("C0ALERTS")) == 1
        assert stage.slack.arrivals("chat.postMessage") == 1


def test_a_full_disk_stops_the_worker_before_it_posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        worker = stage.process()
        assert until(lambda: "alert worker reading" in worker.output, 30), worker.output
        full_disk(worker)
        stage.patch(0)
        assert worker.exit_code() == 1, worker.output
        [line] = [line for line in worker.lines if "alert ledger" in line]
        assert str(stage.ledger_file) in line
        assert no_traceback(worker.output)
        assert stage.slack.arrivals("chat.postMessage") == 0
        assert stage.visible_now() == 1  # handed back


def test_a_state_directory_that_cannot_be_written_stops_the_start_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        state = tmp_path / "read-only-state"
        state.mkdir()
        state.chmod(0o555)
        stage.patch(0)
        # Root ignores permissions; without CAP_DAC_OVERRIDE it obeys them as the service user would.
        worker = stage.process(prefix=without_root_override(), PKGWHEN_STATE_DIR=str(state))
        assert worker.exit_code() == 1, worker.output
        assert f"the alert ledger {state / 'alerts.sqlite3'} cannot be used" in worker.output
        assert len(worker.output.strip().splitlines()) == 1, worker.output
        assert stage.slack.arrivals("chat.postMessage") == 0
        assert stage.in_queue() == 1


def test_a_ledger_that_is_not_a_database_stops_the_start_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.state_dir.mkdir(parents=True)
        stage.ledger_file.write_bytes(b"this is not SQLite" * 100)
        stage.patch(0)
        worker = stage.process()
        assert worker.exit_code() == 1, worker.output
        assert f"the alert ledger {stage.ledger_file} cannot be used (file is not a database)" in worker.output
        assert len(worker.output.strip().splitlines()) == 1
        assert stage.slack.arrivals("chat.postMessage") == 0
        assert stage.in_queue() == 1
