"""Fault rows of the alert worker against what SQS delivers: duplicates, disorder, poison, failed deletes.

One bad message is that message's problem alone: it goes to the DLQ by the redrive policy, and every other
alert is posted, once.
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.sim.alert_feed import Form
from bot.sim.notifications import oversized, oversized_key, raw_body
from tests.faults.worker_stage import CURL_FIX, FAST, SERVERS, Stage, nested_json
from tests.test_alerts import AGENT_UPDATE, minutes_ago, node_id, patch


def test_duplicates_delivered_by_sqs_in_every_form_post_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.feed.detach()
        stage.patch(0)
        node = stage.fleet.node(node_id(0))
        assert node is not None
        notification = stage.feed.notification(node, node.items[-1])
        # SNS, then the same item again by SNS, raw and EventBridge (Config and SNS both redeliver).
        forms: tuple[Form, ...] = ("sns", "sns", "raw", "eventbridge")
        for form in forms:
            stage.feed.deliver(notification, node, form=form)
        worker = stage.worker()
        [post] = stage.wait_posts(1)
        assert stage.drained()
        assert worker.wait_for(lambda w: w.totals.deleted == 4, 10)
        assert "2 upgraded" in post
        assert stage.post_calls() == 1
        assert stage.aws.count("GetResourceConfigHistory") <= 4  # the item's predecessor, read once


def test_out_of_order_items_are_each_compared_with_their_true_predecessor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        stage.feed.detach()
        node = stage.fleet.node(node_id(0))
        assert node is not None
        patch(stage.fleet, [node.node_id], AGENT_UPDATE, minutes_ago(40))
        patch(stage.fleet, [node.node_id], CURL_FIX, minutes_ago(30))
        older, newer = node.items[-2], node.items[-1]
        stage.worker(PKGWHEN_ALERT_WINDOW="0s")
        stage.feed.deliver(stage.feed.notification(node, newer), node)
        [first] = stage.wait_posts(1)
        stage.feed.deliver(stage.feed.notification(node, older), node)
        second = stage.wait_posts(2)[1]
        # The newer item changed curl (against the agent item), the older one only the agent.
        assert "curl" in first and "amazon-ssm-agent" not in first
        assert "amazon-ssm-agent" in second and "curl" not in second
        assert stage.post_calls() == 2
        assert stage.drained()


def test_a_poison_message_is_logged_by_id_and_goes_to_the_dlq_while_the_rest_is_posted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="pkgwhen.alerts")
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        poison = stage.send_body("this is not JSON")
        worker = stage.worker()
        stage.patch(0)
        stage.wait_posts(1)
        assert stage.drained()
        assert stage.dead_letters() == 1
        assert any(poison in r.getMessage() and "not JSON" in r.getMessage() for r in caplog.records)
        assert stage.post_calls() == 1
        assert worker.health.dead is None


@pytest.mark.parametrize("where", ["in the message body", "in the oversized item's S3 object"])
def test_deeply_nested_json_fails_that_message_alone_and_the_worker_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    """A RecursionError (or any unexpected exception) in one message never ends the worker."""
    caplog.set_level(logging.ERROR, logger="pkgwhen.alerts")
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        if where == "in the message body":
            bad = stage.send_body(nested_json())
        else:
            bad = _oversized_with_nested_object(stage)
        worker = stage.worker()
        assert stage.moto.resources is not None
        assert worker.wait_for(lambda w: stage.dead_letters() == 1, 30)
        # The worker still runs: the next alert is posted.
        stage.patch(0)
        [post] = stage.wait_posts(1)
        assert "web-0" in post
        assert stage.drained()
        assert worker.health.dead is None and worker.health.readiness()[0] is True
        assert any(bad in r.getMessage() and "RecursionError" in r.getMessage() for r in caplog.records)
        assert stage.post_calls() == 1


def _oversized_with_nested_object(stage: Stage) -> str:
    """An oversized notification for an item Config has not recorded yet, whose S3 object is nested JSON."""
    stage.feed.detach()
    stage.patch(2)
    node = stage.fleet.node(node_id(2))
    assert node is not None and stage.moto.resources is not None
    item = node.items.pop()  # not in Config's history: the worker reads the S3 object
    notification = stage.feed.notification(node, item)
    key = oversized_key(notification)
    summary, _ = oversized(notification, bucket=stage.moto.resources.bucket, key=key)
    stage.moto.s3().put_object(Bucket=stage.moto.resources.bucket, Key=key, Body=gzip.compress(nested_json().encode()))
    stage.feed.attach()
    return stage.send_body(raw_body(summary))


def test_a_failed_batch_delete_is_noticed_and_the_redelivery_posts_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pkgwhen.alerts")
    with Stage.open(tmp_path, monkeypatch) as stage:
        # Two seconds of visibility: the message that was not deleted comes back soon.
        worker = stage.worker(replace(FAST, visibility_timeout=2), start=False)
        spoiled: list[str] = []

        def spoil_one(params: dict[str, Any], **_: Any) -> None:
            # SQS answers a batch entry with a bad receipt handle in `Failed`: that message is not deleted.
            if not spoiled:
                spoiled.append(params["Entries"][0]["ReceiptHandle"])
                params["Entries"][0]["ReceiptHandle"] = "spoiled"

        worker.queue.sqs.meta.events.register("before-parameter-build.sqs.DeleteMessageBatch", spoil_one)
        stage.patch_each_differently()
        first = worker.run_once()
        assert first.delete_failures == 1
        assert any("was not deleted (ReceiptHandleIsInvalid" in r.getMessage() for r in caplog.records)
        # The spoiled one comes back after its visibility timeout; the ledger knows it was posted.
        worker.start()
        assert stage.drained()
        assert worker.wait_for(lambda w: w.totals.deleted == SERVERS, 10)
        assert stage.servers_posted() == [f"web-{n}" for n in range(SERVERS)]
        assert stage.post_calls() == SERVERS
