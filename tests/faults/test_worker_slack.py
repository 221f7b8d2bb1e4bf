"""Fault rows of the alert worker against Slack: rate limits, outages, ambiguous outcomes, routes that refuse.

Each row drives the real worker (moto SNS → SQS, the AWS and Slack stand-ins) and counts what Slack shows
and received: every alert shown exactly once, whatever Slack answered.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.faults.worker_stage import FAST, SERVERS, Stage, lasting, metadata_keys, until
from tests.test_alerts import NIGHTLY


def test_a_429_storm_is_waited_out_and_every_alert_is_posted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        # About one post every two seconds per channel, and a first answer of 429 whatever the rate.
        stage.slack.enforce_channel_rate(0.5, burst=1)
        stage.slack.fail_next("chat.postMessage", status=429, retry_after=1)
        stage.worker()
        stage.patch_each_differently()
        stage.wait_posts(SERVERS, timeout=60)
        assert stage.drained()
        assert stage.servers_posted() == [f"web-{n}" for n in range(SERVERS)]
        assert stage.post_calls(status=200) == SERVERS
        assert stage.post_calls(status=429) >= 2
        assert stage.dead_letters() == 0


def test_slack_down_for_minutes_holds_the_alerts_and_posts_each_once_when_it_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two receives before the DLQ: waiting out the outage must not add any.
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        stage.slack.fail_for(lasting(180, 3600), status=503)
        worker = stage.worker()
        stage.patch_each_differently(3)
        # Held, and /readyz says why (the outage ends then in CI, lasts its 3 minutes in the benchmark).
        stage.outage_seen(lambda: any("Slack is unavailable" in line for line in worker.health.readiness()[1]))
        stage.wait_posts(3, timeout=lasting(240, 30))
        assert stage.drained()
        assert stage.servers_posted() == ["web-0", "web-1", "web-2"]
        assert stage.post_calls(status=200) == 3
        assert stage.post_calls(status=503) >= 1
        assert stage.dead_letters() == 0
        assert until(lambda: not worker.health.held("slack"), 10)


@pytest.mark.parametrize(
    "ambiguity",
    ["5xx after storing", "answer after the client timeout", "connection dropped after sending"],
)
def test_an_ambiguous_post_is_looked_up_by_its_post_key_and_never_sent_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ambiguity: str
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        if ambiguity == "5xx after storing":
            stage.slack.fail_next("chat.postMessage", status=500, after_acting=True)
        elif ambiguity == "answer after the client timeout":
            stage.slack.answer_late("chat.postMessage", FAST.slack_timeout_s + 1.5)
        else:
            stage.slack.drop_next("chat.postMessage", after_acting=True)
        stage.worker()
        stage.patch(0)
        [post] = stage.wait_posts(1)
        assert "web-0" in post and "2 upgraded" in post
        assert stage.drained()
        # Slack stored it once and was asked once; the worker read the channel instead of posting again.
        assert len(stage.slack.messages("C0ALERTS")) == 1
        assert stage.slack.arrivals("chat.postMessage") == 1
        assert stage.lookups() >= 1
        assert len(metadata_keys(stage.slack)) == 1


def test_an_ambiguous_thread_reply_is_looked_up_in_its_thread_and_never_sent_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch, extra_packages=12) as stage:
        # Slack stores the thread reply (the full list of a big update) and answers 500.
        stage.slack.fail_next("chat.postMessage", status=500, after_acting=True, in_thread=True)
        stage.worker()
        stage.patch(0, NIGHTLY)
        [post] = stage.wait_posts(1)
        assert "12 upgraded" in post
        assert stage.drained()
        [top] = [m for m in stage.slack.messages("C0ALERTS") if m.thread_ts is None]
        assert len(stage.slack.messages("C0ALERTS", thread_ts=top.ts)) == 1
        assert stage.slack.arrivals("chat.postMessage") == 2
        assert len(stage.slack.calls_to("conversations.replies")) >= 1


def test_without_the_history_scopes_an_ambiguous_post_waits_and_says_so_rather_than_post_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.slack.fail_next("chat.postMessage", status=500, after_acting=True)
        # The app was installed before channels:history was added: Slack refuses the lookup.
        stage.slack.fail_next("conversations.history", status=200, error="missing_scope", count=1000)
        worker = stage.worker()
        stage.patch(0)
        assert until(lambda: any("missing_scope" in line for line in worker.health.readiness()[1]), 30)
        assert stage.slack.arrivals("chat.postMessage") == 1
        assert stage.in_queue() == 1 and stage.dead_letters() == 0
        # Reinstalled with the scope: the post is found, not sent again.
        stage.slack.clear_faults("conversations.history")
        assert stage.drained()
        assert stage.slack.arrivals("chat.postMessage") == 1 and len(stage.slack.messages("C0ALERTS")) == 1


def test_a_connection_dropped_before_slack_acted_is_posted_once_after_the_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.slack.drop_next("chat.postMessage", after_acting=False)
        stage.worker()
        stage.patch(0)
        stage.wait_posts(1)
        assert stage.drained()
        assert len(stage.slack.messages("C0ALERTS")) == 1
        # Sent twice with the same post key: once lost, once after the channel showed it was not there.
        assert stage.slack.arrivals("chat.postMessage") == 2
        assert stage.lookups() >= 1
        keys = {str(c.params["metadata"]["event_payload"]["post_key"]) for c in stage.slack.calls_to("chat.postMessage")}
        assert len(keys) == 1


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
def test_a_route_whose_channel_refuses_the_bot_is_said_loudly_and_its_alerts_are_kept_until_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text('default_channel = "C0ALERTS"\n\n[[route]]\nname = "databases"\nchannel = "C0DB"\ntags = { Name = "web-1" }\n')
    caplog.set_level(logging.ERROR, logger="pkgwhen.alerts")
    # Two receives before the DLQ: the kept alert must not use them up while it waits for the operator.
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        if error == "not_in_channel":
            stage.slack.add_channel("C0DB", "db-alerts", bot_is_member=False)
        worker = stage.worker(PKGWHEN_ROUTES_FILE=str(routes))
        stage.patch(1)
        stage.patch(0)
        # web-0 goes to the default channel as usual; the default channel also hears about the route.
        stage.slack.wait_for(lambda s: len(s.messages("C0ALERTS")) >= 2, timeout=30)
        texts = " ".join(stage.texts())
        assert "databases" in texts and "C0DB" in texts and error in texts
        assert "web-0" in texts and "web-1" not in texts
        assert any("databases" in line and error in line for line in worker.health.readiness()[1])
        assert worker.health.readiness()[0] is True  # commands still work: ready, with the reason in the details
        assert any("databases" in r.getMessage() and error in r.getMessage() for r in caplog.records)
        # A few retries later the alert is still kept: in flight, not dead-lettered.
        retried = stage.post_calls()
        assert stage.slack.wait_for(lambda s: len(s.calls_to("chat.postMessage")) >= retried + 3, timeout=30)
        assert stage.in_queue() == 1 and stage.dead_letters() == 0
        # The operator invites the bot (or creates the channel): the kept alert is posted, once.
        stage.slack.add_channel("C0DB", "db-alerts", bot_is_member=True)
        [kept] = stage.wait_posts(1, channel="C0DB")
        assert "web-1" in kept
        assert stage.drained()
        assert worker.wait_for(lambda w: not any("databases" in line for line in w.health.readiness()[1]), 10)
        assert len(stage.texts()) == 2  # the notice was posted once
        assert stage.dead_letters() == 0
