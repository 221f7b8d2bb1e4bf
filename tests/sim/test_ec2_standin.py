"""EC2 DescribeInstances from the AWS stand-in, seen through an unmodified boto3 EC2 client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import botocore.retries.standard
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from bot.sim.aws import AwsStandIn, Faults
from bot.sim.ec2 import ACTIONS
from bot.sim.fleet import Fleet, SimNode

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import DescribeInstancesResultTypeDef, FilterTypeDef

WEB = "i-0abc4f7d2e91c3b58"
WINDOWS = "i-0abc4f7d2e91c3b59"
RETIRED = "i-0abc4f7d2e91c3b5a"
HYBRID = "mi-0abc4f7d2e91c3b58"
UNKNOWN = "i-0abc4f7d2e91c3b5f"
T0 = datetime(2024, 7, 1, 16, 47, 9, tzinfo=UTC)
_MODEL = botocore.session.get_session().get_service_model("ec2").operation_model("DescribeInstances")


def node(
    node_id: str, *, name_tag: str | None = None, platform: str = "Linux", ip: str = "10.0.0.7"
) -> SimNode:
    return SimNode(
        node_id=node_id,
        computer_name=f"ip-{ip.replace('.', '-')}.ec2.internal",
        platform_type=platform,
        platform_name="Amazon Linux" if platform == "Linux" else "Microsoft Windows Server 2022 Datacenter",
        platform_version="2023" if platform == "Linux" else "10.0.20348",
        agent_version="3.3.40.0",
        ip_address=ip,
        registered_at=T0,
        name_tag=name_tag,
    )


@dataclass
class World:
    fleet: Fleet
    stand_in: AwsStandIn
    ec2: EC2Client


def client(url: str, settings: Config | None = None) -> EC2Client:
    """A boto3 EC2 client of the stand-in; by default it makes one attempt per call."""
    ec2: EC2Client = boto3.client(
        "ec2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=settings or Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    return ec2


@pytest.fixture
def world() -> Iterator[World]:
    fleet = Fleet()
    fleet.add(node(WEB, name_tag="web-1"))
    fleet.add(node(WINDOWS, platform="Windows", ip="10.0.0.8"))
    retired = fleet.add(node(RETIRED, name_tag="old-db", ip="10.0.0.9"))
    retired.unmanaged_since = T0 + timedelta(days=3)
    fleet.add(node(HYBRID, name_tag="on-prem-1", platform="Windows", ip="192.168.1.4"))
    with AwsStandIn(fleet, Faults()) as stand_in:
        yield World(fleet, stand_in, client(stand_in.url))


def matches_model(response: DescribeInstancesResultTypeDef) -> dict[str, dict[str, Any]]:
    """Check the parsed response against botocore's output shape; the instances by id."""
    parsed = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    assert _MODEL.output_shape is not None
    report = ParamValidator().validate(parsed, _MODEL.output_shape)
    assert not report.has_errors(), report.generate_report()
    assert response["ResponseMetadata"]["RequestId"]
    return {i["InstanceId"]: dict(i) for r in response["Reservations"] for i in r["Instances"]}


def fails(world: World, code: str, status: int, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        world.ec2.describe_instances(**params)
    error = caught.value
    assert error.response["Error"]["Code"] == code
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error.response["ResponseMetadata"]["RequestId"]
    return error


def test_every_instance_of_the_fleet_is_described_with_its_name_tag(world: World) -> None:
    response = world.ec2.describe_instances()
    instances = matches_model(response)
    assert set(instances) == {WEB, WINDOWS, RETIRED}  # a hybrid node is no EC2 instance
    reservation = response["Reservations"][0]
    assert reservation["OwnerId"] == world.fleet.account_id and reservation["ReservationId"].startswith("r-")
    web, windows, retired = instances[WEB], instances[WINDOWS], instances[RETIRED]
    assert web["Tags"] == [{"Key": "Name", "Value": "web-1"}] and "Tags" not in windows
    assert (web["State"], retired["State"]) == (
        {"Code": 16, "Name": "running"},
        {"Code": 80, "Name": "stopped"},
    )
    assert (web["InstanceType"], web["LaunchTime"], web["PrivateIpAddress"]) == ("t3.micro", T0, "10.0.0.7")
    assert web["ImageId"].startswith("ami-") and "Platform" not in web
    assert windows["Platform"] == "windows"
    assert world.ec2.describe_instances()["Reservations"] == response["Reservations"]  # stable ids
    assert world.stand_in.count("DescribeInstances") == 2
    for action in ACTIONS:  # every action the stand-in claims to serve answers through boto3
        getattr(world.ec2, xform_name(action.removeprefix("ec2:")))()
    assert [c.operation for c in world.stand_in.calls][2:] == [a.removeprefix("ec2:") for a in ACTIONS]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"Name": "instance-id", "Values": [WEB, UNKNOWN]}], {WEB}),
        ([{"Name": "instance-id", "Values": [UNKNOWN]}], set()),  # nothing matches: no error
        ([{"Name": "tag:Name", "Values": ["web-1", "old-db"]}], {WEB, RETIRED}),
        ([{"Name": "tag:Name", "Values": ["web-*"]}], {WEB}),  # EC2 filter values take wildcards
        ([{"Name": "tag:Name", "Values": ["on-prem-1"]}], set()),
        ([{"Name": "tag-key", "Values": ["Name"]}], {WEB, RETIRED}),
        ([{"Name": "instance-state-name", "Values": ["running"]}], {WEB, WINDOWS}),
        (
            [
                {"Name": "instance-state-name", "Values": ["stopped", "running"]},
                {"Name": "tag-key", "Values": ["Name"]},
            ],
            {WEB, RETIRED},
        ),
    ],
)
def test_filters_choose_instances(world: World, filters: list[FilterTypeDef], expected: set[str]) -> None:
    assert set(matches_model(world.ec2.describe_instances(Filters=filters))) == expected


def test_instance_ids_choose_instances_and_unknown_ones_are_an_error(world: World) -> None:
    chosen = world.ec2.describe_instances(
        InstanceIds=[WINDOWS], Filters=[{"Name": "instance-state-name", "Values": ["running"]}]
    )
    assert set(matches_model(chosen)) == {WINDOWS}
    error = fails(world, "InvalidInstanceID.NotFound", 400, InstanceIds=[WEB, UNKNOWN])
    assert UNKNOWN in error.response["Error"]["Message"]
    fails(world, "InvalidInstanceID.Malformed", 400, InstanceIds=[HYBRID])


def test_max_results_pages_through_every_instance(world: World) -> None:
    for index in range(8):
        world.fleet.add(node(f"i-{index:017x}", name_tag=f"batch-{index}"))
    pages = list(world.ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    ids = [instance_id for page in pages for instance_id in matches_model(page)]
    assert [len(page["Reservations"]) for page in pages] == [5, 5, 1]
    assert sorted(ids) == sorted({*ids}) and len(ids) == 11
    assert "NextToken" not in pages[-1]
    tagged = world.ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["batch-*"]}], MaxResults=5)
    rest = world.ec2.describe_instances(
        Filters=[{"Name": "tag:Name", "Values": ["batch-*"]}], MaxResults=5, NextToken=tagged["NextToken"]
    )
    assert len(matches_model(tagged)) + len(matches_model(rest)) == 8 and "NextToken" not in rest


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"MaxResults": 4}, "InvalidParameterValue"),
        ({"MaxResults": 1001}, "InvalidParameterValue"),
        ({"MaxResults": 5, "InstanceIds": [WEB]}, "InvalidParameterCombination"),
        ({"MaxResults": 5, "NextToken": "garbage"}, "InvalidPaginationToken"),
        ({"Filters": [{"Name": "nonsense", "Values": ["x"]}]}, "InvalidParameterValue"),
    ],
)
def test_invalid_requests_are_refused(world: World, params: dict[str, Any], code: str) -> None:
    fails(world, code, 400, **params)


def test_a_token_is_good_only_for_the_request_it_was_made_for(world: World) -> None:
    for index in range(4):
        world.fleet.add(node(f"i-{index:017x}"))
    token = world.ec2.describe_instances(MaxResults=5)["NextToken"]
    fails(
        world,
        "InvalidPaginationToken",
        400,
        MaxResults=5,
        NextToken=token,
        Filters=[{"Name": "tag-key", "Values": ["Name"]}],
    )


def test_a_denied_action_answers_unauthorized_operation(world: World) -> None:
    world.stand_in.faults.denied_actions = {"ec2:DescribeInstances"}
    error = fails(world, "UnauthorizedOperation", 403)
    assert "is not authorized to perform: ec2:DescribeInstances" in error.response["Error"]["Message"]
    assert [c.error_code for c in world.stand_in.calls] == ["UnauthorizedOperation"]
    world.stand_in.faults.denied_actions = {"ssm:SendCommand"}
    matches_model(world.ec2.describe_instances())


def test_dry_run_says_it_would_have_succeeded(world: World) -> None:
    fails(world, "DryRunOperation", 412, DryRun=True)
    world.stand_in.faults.denied_actions = {"ec2:DescribeInstances"}
    fails(world, "UnauthorizedOperation", 403, DryRun=True)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries wait between attempts; what they do, not how long, is tested."""
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0
    )


@pytest.mark.usefixtures("no_backoff")
def test_throttling_answers_request_limit_exceeded_and_boto3_retries_it(world: World) -> None:
    world.stand_in.faults.throttle_next = 1
    fails(world, "RequestLimitExceeded", 503)
    retrying = client(world.stand_in.url, Config(retries={"mode": "standard", "total_max_attempts": 3}))
    world.stand_in.calls.clear()
    world.stand_in.faults.throttle_next = 2
    assert set(matches_model(retrying.describe_instances())) == {WEB, WINDOWS, RETIRED}
    assert [c.error_code for c in world.stand_in.calls] == ["RequestLimitExceeded"] * 2 + [None]
    assert [c.status for c in world.stand_in.calls] == [503, 503, 200]


def test_calls_are_recorded_under_their_api_names(world: World) -> None:
    world.ec2.describe_instances(Filters=[{"Name": "instance-id", "Values": [WEB, WINDOWS]}])
    assert [(c.operation, c.params, c.status) for c in world.stand_in.calls] == [
        ("DescribeInstances", {"Filters": [{"Name": "instance-id", "Values": [WEB, WINDOWS]}]}, 200)
    ]
