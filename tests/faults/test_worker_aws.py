"""Fault rows of the alert worker against AWS: Config throttling or failing for minutes, EC2 failing.

An outage is waited out with the messages held (their visibility extended), so it never adds a receive:
with two receives before the DLQ, every alert still arrives once AWS is back, where it belongs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.worker_stage import Stage, lasting

HISTORY = frozenset({"config:GetResourceConfigHistory"})


@pytest.mark.parametrize(
    ("code", "status"),
    [("ThrottlingException", 400), ("ServiceUnavailable", 503)],
    ids=["Config throttling", "Config 5xx"],
)
def test_an_aws_outage_of_minutes_holds_the_alerts_and_dead_letters_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        stage.aws.outage(lasting(240, 3600), actions=HISTORY, code=code, status=status)
        worker = stage.worker()
        stage.patch_each_differently(3)
        # Held, and /readyz says why (the outage ends then in CI, lasts its 4 minutes in the benchmark).
        stage.outage_seen(lambda: any("AWS is not answering" in line for line in worker.health.readiness()[1]))
        stage.wait_posts(3, timeout=lasting(400, 60))
        assert stage.drained()
        assert stage.servers_posted() == ["web-0", "web-1", "web-2"]
        assert stage.post_calls() == 3
        assert stage.dead_letters() == 0
        failed = [c for c in stage.aws.calls if c.operation == "GetResourceConfigHistory" and c.error_code == code]
        assert failed, "the outage was not felt"
        assert worker.totals.received == 3  # each message received once: held, never returned to the queue
        assert not worker.health.held("aws")


def test_a_transient_ec2_error_is_never_cached_and_tags_route_once_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text('default_channel = "C0ALERTS"\n\n[[route]]\nname = "web-1 team"\nchannel = "C0OPS"\ntags = { Name = "web-1" }\n')
    with Stage.open(tmp_path, monkeypatch, max_receive_count=2) as stage:
        stage.aws.outage(lasting(60, 3600), actions=frozenset({"ec2:DescribeInstances"}), code="Unavailable", status=503)
        worker = stage.worker(PKGWHEN_ROUTES_FILE=str(routes))
        stage.patch(1)
        stage.outage_seen(lambda: worker.health.held("aws"))
        [post] = stage.wait_posts(1, channel="C0OPS", timeout=lasting(120, 60))
        # Routed by its Name tag and labelled with it, once EC2 answered; nothing went to the default channel.
        assert "*web-1*" in post
        assert stage.texts("C0ALERTS") == []
        assert stage.drained()
        described = [c for c in stage.aws.calls if c.operation == "DescribeInstances"]
        assert any(c.status == 503 for c in described) and described[-1].status == 200
        assert stage.post_calls() == 1
        assert stage.dead_letters() == 0
