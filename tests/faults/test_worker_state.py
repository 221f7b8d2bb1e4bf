"""Fault rows of the alert worker's state and memory: ledger and index files damaged or deleted, a worker
that dies, caches and records that must not grow without bound.
"""

from __future__ import annotations

import logging
import os
import signal
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from bot.alerts.sources import ServerDirectory
from bot.aws.clients import AwsClients
from bot.core.settings import Settings
from bot.sim.workspace import SimWorkspace
from bot.store.snapshots import SnapshotCache
from tests.faults.worker_stage import FAST, REPO, Stage, no_traceback, until
from tests.serving import free_port
from tests.test_alerts import CURL_FIX, minutes_ago, node_id, patch, small_fleet


def test_a_ledger_deleted_while_the_worker_runs_is_written_back_and_nothing_is_posted_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pkgwhen.alerts")
    with Stage.open(tmp_path, monkeypatch) as stage:
        worker = stage.worker()
        stage.patch(0)
        stage.wait_posts(1)
        assert stage.drained()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{stage.ledger_file}{suffix}").unlink(missing_ok=True)
        # SQS delivers the same item again.
        node = stage.fleet.node(node_id(0))
        assert node is not None
        stage.feed.deliver(stage.feed.notification(node, node.items[-1]), node, form="raw")
        assert stage.drained()
        assert worker.wait_for(lambda w: w.totals.deleted == 2, 10)
        assert stage.post_calls() == 1
        assert stage.ledger_file.exists() and stage.ledger_rows()["items"] == 1
        assert any("was deleted while pkgwhen ran" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("damage", ["not a database", "deleted between runs"])
def test_a_damaged_or_deleted_history_index_is_a_cache_rebuilt_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    caplog.set_level(logging.WARNING, logger="pkgwhen.history")
    index = tmp_path / "state" / "history.sqlite3"
    with Stage.open(tmp_path, monkeypatch) as stage:
        first = stage.worker()
        stage.patch(0)
        stage.wait_posts(1)
        first.stop(5)
        first.close()
        if damage == "not a database":
            index.write_bytes(b"\x00garbage" * 512)
        else:
            index.unlink()
        stage.worker()
        stage.patch(1, {"bash": ("4.2.46", "34.amzn2.1")})
        texts = stage.wait_posts(2)
        assert stage.drained()
        assert "web-1" in texts[1] and "1 upgraded" in texts[1]
        assert stage.post_calls() == 2
        if damage == "not a database":
            assert any("moved to" in r.getMessage() and "rebuilt" in r.getMessage() for r in caplog.records)
            assert list(index.parent.glob("history.sqlite3.damaged-*"))


def test_a_worker_that_dies_makes_readyz_503_with_the_reason(tmp_path: Path) -> None:
    with SimWorkspace(small_fleet(2), state_dir=tmp_path / "state", alerts=True) as ws:
        assert ws.http is not None and ws.alerts is not None
        ledger = tmp_path / "state" / "alerts.sqlite3"
        assert _readyz(ws.http.url)[0] == 200
        # Another file takes the ledger's place while the worker has it open: it cannot trust either.
        spare = tmp_path / "other.sqlite3"
        spare.write_bytes(b"not the ledger")
        os.replace(spare, ledger)
        patch(ws.fleet, [node_id(0)], CURL_FIX, minutes_ago(30))
        assert until(lambda: ws.alerts is not None and ws.alerts.worker.health.dead is not None, 30)
        status, body = _readyz(ws.http.url)
        assert status == 503
        assert f"the alert ledger {ledger} cannot be used" in body
        assert ws.slack.messages("C0ALERTS") == []


@pytest.mark.slow
def test_serve_exits_non_zero_when_its_alert_worker_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch) as stage:
        port = free_port()
        serve = stage.process(
            command="serve", SLACK_SIGNING_SECRET="faults-signing-secret", PKGWHEN_PORT=str(port)
        )
        assert until(lambda: "alert worker reading" in serve.output, 60), serve.output
        assert _readyz(f"http://127.0.0.1:{port}")[0] == 200
        spare = tmp_path / "other.sqlite3"
        spare.write_bytes(b"not the ledger")
        os.replace(spare, stage.ledger_file)
        stage.patch(0)
        assert serve.exit_code() == 1, serve.output
        assert f"pkgwhen: stopped because the alert worker cannot run: the alert ledger {stage.ledger_file}" in serve.output
        assert no_traceback(serve.output)
        assert stage.slack.arrivals("chat.postMessage") == 0
        assert stage.in_queue() == 1
        serve.signal(signal.SIGKILL) if serve.popen.poll() is None else None


def _readyz(base: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_item_cache_stays_within_its_byte_budget_however_large_the_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = 2 * 2**20
    # Six servers of 1,200 packages: each item is about half a megabyte once parsed, two per alert.
    with Stage.open(tmp_path, monkeypatch, servers=6, extra_packages=1200) as stage:
        worker = stage.worker(snapshots=SnapshotCache(budget))
        for n in range(6):
            stage.patch(n, {f"lib{n:02}": ("1.1", "1.amzn2")})  # a change of its own: six alerts, no digest
        stage.wait_posts(6, timeout=90)
        assert stage.drained()
        cache = worker.source.snapshots
        assert 0 < cache.bytes <= budget
        assert len(cache) < 12  # not every item parsed is kept
        assert all("1 upgraded" in text for text in stage.texts())


def test_the_ledger_forgets_after_a_retention_longer_than_the_queues_and_the_dlqs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imported here: cfn-lint takes most of a second to import (sympy), in every test process that collects this.
    from cfnlint.decode import cfn_yaml

    template = cfn_yaml.load(str(REPO / "deploy" / "pkgwhen.yaml"))
    kept_s = sum(
        int(resource["Properties"]["MessageRetentionPeriod"])
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::SQS::Queue"
    )
    retention = Settings().alert_retention
    assert retention.total_seconds() > kept_s  # no message that can still arrive refers to what is forgotten
    now = [minutes_ago(0).timestamp()]
    with Stage.open(tmp_path, monkeypatch) as stage:
        worker = stage.worker(replace(FAST, prune_every_s=1), clock=lambda: now[0])
        stage.patch(0)
        stage.wait_posts(1)
        assert stage.drained()
        assert stage.ledger_rows() == {"items": 1, "posts": 1}
        now[0] += retention.total_seconds() + 3600
        stage.patch(1, {"bash": ("4.2.46", "34.amzn2.1")})
        stage.wait_posts(2)
        assert stage.drained()
        assert until(lambda: stage.ledger_rows() == {"items": 1, "posts": 1}, 10), stage.ledger_rows()
        assert worker.ledger.handled(node_id(0), stage.fleet.node(node_id(0)).items[-1]["configurationStateId"]) is None  # type: ignore[union-attr]


def test_the_tag_cache_is_bounded_and_reads_again_what_it_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stage.open(tmp_path, monkeypatch, servers=6) as stage:
        worker = stage.worker(start=False)
        # The worker's directory, with room for two servers' tags.
        ec2 = AwsClients.from_settings(Settings.from_env(stage.env(), require_slack=False)).ec2()
        worker.directory = ServerDirectory(ec2, capacity=2)
        worker.start()
        for n in range(6):
            stage.patch(n, {"bash": ("4.2.46", f"34.amzn2.{n}")})
        stage.wait_posts(6)
        assert stage.drained()
        assert len(worker.directory) <= 2
        assert stage.servers_posted() == [f"web-{n}" for n in range(6)]  # every label still has its Name tag
        # What was dropped is read again: more DescribeInstances calls than one batch.
        assert sum(1 for c in stage.aws.calls if c.operation == "DescribeInstances") > 1
