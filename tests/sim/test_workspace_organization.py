"""A workspace with an organization: member fleets served, STS and the Config bucket at moto, found by plain boto3."""

from __future__ import annotations

import boto3
import pytest

from bot.alerts.notifications import ConfigChange, Skip, parse_notification
from bot.sim.alert_feed import AlertFeed
from bot.sim.config_bucket import bucket_objects, history_delivery_notifications, history_files
from bot.sim.fleet import Fleet
from bot.sim.moto import MotoAws, shared_endpoint
from bot.sim.organization import Organization, role_arn
from bot.sim.workspace import SimWorkspace
from tests.conftest import NOW


def small_organization(organization: Organization) -> Organization:
    """The organization's home fleet and two member fleets cut down to three servers each (a bucket in seconds)."""
    members = []
    for fleet in organization.members[:2]:
        small = Fleet(fleet.account_id, fleet.region)
        for node in fleet.nodes()[:3]:
            small.add(node)
        members.append(small)
    home = Fleet(organization.home.account_id, organization.home.region)
    home.add(organization.home.nodes()[0])
    return Organization(home, members, organization.advisory)


def test_plain_boto3_in_the_workspace_assumes_member_roles_and_finds_the_bucket(
    organization: Organization,
) -> None:
    small = small_organization(organization)
    member = small.members[1]
    with SimWorkspace(small.home, organization=small, config_bucket=True) as ws:
        # What the bot does: endpoints come from the environment, credentials from AssumeRole.
        credentials = boto3.client("sts").assume_role(
            RoleArn=role_arn(member.account_id), RoleSessionName="pkgwhen"
        )["Credentials"]
        config = boto3.client(
            "config",
            region_name=member.region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        found = config.list_discovered_resources(resourceType="AWS::SSM::ManagedInstanceInventory")[
            "resourceIdentifiers"
        ]
        assert {r["resourceId"] for r in found} == {n.node_id for n in member.nodes() if n.deleted_at is None}
        assert ws.config_bucket is not None
        listed = boto3.client("s3").list_objects_v2(Bucket=ws.config_bucket)["Contents"]
        assert sorted(o["Key"] for o in listed) == sorted(o.key for o in bucket_objects(small.fleets()))
        answer = ws.command("/pkgwhen", f"{small.home.nodes()[0].node_id} bash")
        assert "bash" in answer.last.plain()


def test_a_shared_bucket_is_named_not_filled_again(fleet: Fleet) -> None:
    with SimWorkspace(fleet, config_bucket="config-bucket-shared") as ws:
        assert ws.config_bucket == "config-bucket-shared"
        s3 = boto3.client("s3")
        with pytest.raises(s3.exceptions.ClientError):
            s3.head_bucket(Bucket="config-bucket-shared")  # named for the bot; filling it is the caller's


def test_the_organizations_home_must_be_the_workspaces_fleet(
    organization: Organization, fleet: Fleet
) -> None:
    with pytest.raises(ValueError, match="home fleet"):
        SimWorkspace(fleet, organization=organization)


def test_member_accounts_changes_and_history_deliveries_reach_the_alert_queue(
    organization: Organization,
) -> None:
    small = small_organization(organization)
    member = small.members[0]
    moto = MotoAws(endpoint=shared_endpoint(), queue_visibility_s=1).start()
    feed = AlertFeed(small.home, moto).attach(member)
    try:
        node = member.nodes()[0]
        node.install(
            {"Name": "htop", "Version": "3.2.1", "Release": "1.amzn2023.0.2", "Architecture": "x86_64"}
        )
        assert member.capture(node.node_id, NOW) is not None
        key = history_files(member)[-1].key
        feed.deliver(history_delivery_notifications("central-config", [key])[0])
        sqs = moto.sqs()
        bodies = [
            m["Body"]
            for m in sqs.receive_message(
                QueueUrl=moto.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=2
            ).get("Messages", [])
        ]
        parsed = [parse_notification(b) for b in bodies]
        changes = [p for p in parsed if isinstance(p, ConfigChange)]
        assert [(c.node_id, c.account_id, c.region) for c in changes] == [
            (node.node_id, member.account_id, member.region)
        ]
        assert [p.message_type for p in parsed if isinstance(p, Skip)] == [
            "ConfigurationHistoryDeliveryCompleted"
        ]
    finally:
        feed.detach()
    assert feed.on_item not in member.item_listeners
