"""The AWS stand-in tells accounts and regions apart as AWS does, seen through unmodified boto3.

Member accounts are reached with real `sts:AssumeRole` calls to moto: the credentials moto issues name the
role's account, and each request's signing region picks the region. What a request sees is the fleet of
that account in that region; an account outside the organization, or a region AWS does not have, is
refused as AWS refuses them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.sim.aws import AwsStandIn, Faults, account_of_access_key
from bot.sim.fleet import INVENTORY_RESOURCE_TYPE, Fleet
from bot.sim.organization import Organization, role_arn
from tests.sim.conftest import moto_client

if TYPE_CHECKING:
    from mypy_boto3_sts.type_defs import CredentialsTypeDef

OUTSIDER = "999999999999"
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def stand_in(organization: Organization) -> Iterator[AwsStandIn]:
    with AwsStandIn(organization.home, Faults(collect_delay_s=0.02, invocation_visible_after_s=0.0)) as aws:
        for member in organization.members:
            aws.add_fleet(member)
        yield aws


def assume(account_id: str) -> CredentialsTypeDef:
    """What the bot does for a member account: AssumeRole on its read role, at moto's STS."""
    sts = moto_client("sts")
    credentials: CredentialsTypeDef = sts.assume_role(
        RoleArn=role_arn(account_id), RoleSessionName="pkgwhen"
    )["Credentials"]
    return credentials


def client(
    service: str, stand_in: AwsStandIn, region: str, credentials: CredentialsTypeDef | None = None
) -> Any:
    keys = (
        {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
        if credentials is not None
        else {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    )
    make: Any = boto3.client  # one helper for every service: the typed overloads want a literal name
    return make(service, endpoint_url=stand_in.url, region_name=region, config=ONE_ATTEMPT, **keys)


def discovered(config: Any) -> set[str]:
    pages = config.get_paginator("list_discovered_resources").paginate(resourceType=INVENTORY_RESOURCE_TYPE)
    return {r["resourceId"] for page in pages for r in page["resourceIdentifiers"]}


def recorded(fleet: Fleet) -> set[str]:
    return {n.node_id for n in fleet.nodes() if n.items and n.deleted_at is None}


def test_moto_issues_keys_that_name_the_roles_account() -> None:
    for account in ("210987654321", "345678901234", OUTSIDER):
        assert account_of_access_key(assume(account)["AccessKeyId"]) == account
    iam = moto_client("iam")
    user = f"pkgwhen-{time.monotonic_ns()}"
    iam.create_user(UserName=user)
    long_term = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    assert long_term.startswith("AKIA") and account_of_access_key(long_term) == "123456789012"
    assert account_of_access_key("testing") is None
    assert account_of_access_key("ASIA0000000000000000") is None  # not base32: no account


def test_each_account_and_region_sees_its_own_fleet(organization: Organization, stand_in: AwsStandIn) -> None:
    for fleet in organization.members:
        credentials = assume(fleet.account_id)
        config = client("config", stand_in, fleet.region, credentials)
        assert discovered(config) == recorded(fleet)
        ssm = client("ssm", stand_in, fleet.region, credentials)
        listed = {
            i["InstanceId"]
            for page in ssm.get_paginator("describe_instance_information").paginate()
            for i in page["InstanceInformationList"]
        }
        assert listed == {n.node_id for n in fleet.nodes() if n.unmanaged_since is None}
        history = config.get_resource_config_history(
            resourceType=INVENTORY_RESOURCE_TYPE,
            resourceId=next(iter(recorded(fleet))),
            chronologicalOrder="Forward",
        )
        assert {i["accountId"] for i in history["configurationItems"]} <= {fleet.account_id}
        assert stand_in.calls[-1].account_id == fleet.account_id and stand_in.calls[-1].region == fleet.region


def test_ec2_and_ssm_filter_on_the_tags_of_the_accounts_instances(
    organization: Organization, stand_in: AwsStandIn
) -> None:
    fleet = organization.fleet("210987654321", "eu-west-1")
    credentials = assume(fleet.account_id)
    ec2 = client("ec2", stand_in, fleet.region, credentials)
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:team", "Values": ["pay*"]}])["Reservations"]
    found = {
        i["InstanceId"]: {t["Key"]: t["Value"] for t in i["Tags"]}
        for r in reservations
        for i in r["Instances"]
    }
    assert found == {n.node_id: n.ec2_tags() for n in fleet.nodes() if n.tags.get("team") == "payments"}
    assert all(tags["env"] == "prod" for tags in found.values())
    ssm = client("ssm", stand_in, fleet.region, credentials)
    listed = ssm.describe_instance_information(
        Filters=[{"Key": "tag:team", "Values": ["finance"]}], MaxResults=50
    )
    assert {i["InstanceId"] for i in listed["InstanceInformationList"]} == {
        n.node_id for n in fleet.nodes() if n.tags.get("team") == "finance"
    }


def test_the_old_way_of_calling_still_reaches_the_home_fleet(
    organization: Organization, stand_in: AwsStandIn
) -> None:
    assert discovered(client("config", stand_in, "us-east-1")) == recorded(organization.home)
    assert stand_in.calls[-1].account_id == organization.home.account_id


def test_a_region_where_the_account_never_set_up_config(
    organization: Organization, stand_in: AwsStandIn
) -> None:
    credentials = assume("345678901234")  # staging: us-east-1 and us-west-2 only
    config = client("config", stand_in, "eu-central-1", credentials)
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []
    assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"] == []
    somebody = next(iter(recorded(organization.fleet("345678901234", "us-east-1"))))
    calls: tuple[Callable[[], object], ...] = (
        lambda: config.get_resource_config_history(resourceType=INVENTORY_RESOURCE_TYPE, resourceId=somebody),
        lambda: config.list_discovered_resources(resourceType=INVENTORY_RESOURCE_TYPE),
        lambda: config.batch_get_resource_config(
            resourceKeys=[{"resourceType": INVENTORY_RESOURCE_TYPE, "resourceId": somebody}]
        ),
    )
    for call in calls:
        with pytest.raises(
            config.exceptions.NoAvailableConfigurationRecorderException
        ):  # modeled for all three
            call()
    ssm = client("ssm", stand_in, "eu-central-1", credentials)
    assert ssm.describe_instance_information()["InstanceInformationList"] == []
    with pytest.raises(ssm.exceptions.InvalidInstanceId):
        ssm.list_inventory_entries(InstanceId=somebody, TypeName="AWS:Application")
    assert client("ec2", stand_in, "eu-central-1", credentials).describe_instances()["Reservations"] == []
    # Nothing was created for it: the organization's fleets are what they were.
    assert {(f.account_id, f.region) for f in stand_in.fleets()} == {
        (f.account_id, f.region) for f in organization.fleets()
    }


def test_credentials_of_an_account_outside_the_organization_are_not_recognized(stand_in: AwsStandIn) -> None:
    credentials = assume(OUTSIDER)
    refused: tuple[tuple[str, Callable[[Any], object]], ...] = (
        ("config", lambda c: c.describe_configuration_recorders()),
        ("ssm", lambda c: c.describe_instance_information()),
    )
    for service, call in refused:
        with pytest.raises(ClientError) as caught:
            call(client(service, stand_in, "us-east-1", credentials))
        error = caught.value.response
        assert error["Error"]["Code"] == "UnrecognizedClientException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    # The code JSON-protocol services answer for a key they do not know, as botocore's models document it.
    logs = botocore.session.get_session().get_service_model("logs")
    assert "access key" in str(logs.shape_for("UnrecognizedClientException").documentation)
    with pytest.raises(ClientError) as caught:
        client("ec2", stand_in, "us-east-1", credentials).describe_instances()
    assert caught.value.response["Error"]["Code"] == "AuthFailure"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    assert [c.error_code for c in stand_in.calls[-3:]] == ["UnrecognizedClientException"] * 2 + [
        "AuthFailure"
    ]


def test_a_region_aws_does_not_have_is_refused_by_the_signature_check(stand_in: AwsStandIn) -> None:
    config = client("config", stand_in, "mars-north-1", assume("210987654321"))
    with pytest.raises(ClientError) as caught:
        config.describe_configuration_recorders()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "mars-north-1" in caught.value.response["Error"]["Message"]


def test_an_inventory_run_in_a_member_account_records_in_that_accounts_fleet(
    organization: Organization, stand_in: AwsStandIn
) -> None:
    fleet = organization.fleet("456789012345", "ap-northeast-1")
    node = next(n for n in fleet.nodes() if n.platform_name == "Ubuntu" and n.unmanaged_since is None)
    node.replace({**next(e for e in node.entries() if e["Name"] == "curl"), "Version": "7.81.0-1ubuntu1.20"})
    ssm = client("ssm", stand_in, fleet.region, assume(fleet.account_id))
    before = len(node.items)
    command = ssm.send_command(
        InstanceIds=[node.node_id],
        DocumentName="AWS-RefreshAssociation",
        Parameters={"associationIds": [str(node.inventory_association_id)]},
    )["Command"]
    deadline = time.monotonic() + 10
    while len(node.items) == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(node.items) == before + 1
    assert json.loads(node.items[-1]["configuration"])  # recorded by that account's recorder
    assert node.items[-1]["accountId"] == fleet.account_id and node.items[-1]["awsRegion"] == fleet.region
    # The same command is unknown in the home account's region: SSM state is per account and region.
    with pytest.raises(ClientError):
        client("ssm", stand_in, "us-east-1").get_command_invocation(
            CommandId=command["CommandId"], InstanceId=node.node_id
        )
