"""The AWS stand-in, seen through unmodified boto3: the shapes, paging, errors and faults AWS has."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import boto3
import botocore.retries.standard
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from botocore.validate import ParamValidator

from bot.sim.aws import (
    CREDENTIAL_ERRORS,
    MAX_STANDARD_ERROR,
    MAX_STANDARD_OUTPUT,
    TRUNCATED_MARKER,
    AwsStandIn,
    Faults,
    agent_output_prefix,
)
from bot.sim.default_fleet import record_deleted
from bot.sim.fleet import Fleet, SimNode, iso

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient
    from mypy_boto3_ssm import SSMClient

INVENTORY: Final = "AWS::SSM::ManagedInstanceInventory"
REFRESH: Final = "AWS-RefreshAssociation"
NODE = "i-0123456789abcdef0"
HYBRID = "mi-0123456789abcdef0"
OFFLINE = "i-0fedcba9876543210"
FRESH = "i-0aaaaaaaaaaaaaaaa"  # registered, never inventoried, no association
ASSOCIATION = "8dfe3659-4309-493a-8755-0123456789ab"
# Recent, so reading the whole history from "now" back costs a few calls, not one per week since 2024.
T0 = (datetime.now(UTC) - timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
WEEK = timedelta(days=7)
# Errors any operation can answer, beside the ones its model lists ("Common Errors" of the Config and
# SSM API references; botocore's models leave them out).
COMMON_ERRORS = {
    "ThrottlingException",
    "AccessDeniedException",
    "ValidationException",
    "SerializationException",
    "ExpiredTokenException",
    "UnrecognizedClientException",
}
_MODELS = botocore.session.get_session()
T = TypeVar("T")


def package(name: str, version: str, release: str = "1.amzn2023") -> dict[str, str]:
    return {
        "Name": name,
        "Version": version,
        "Release": release,
        "Architecture": "x86_64",
        "Publisher": "Amazon Linux",
    }


def make_node(
    node_id: str, *, association: str | None = ASSOCIATION, ping: str = "Online", platform: str = "Linux"
) -> SimNode:
    node = SimNode(
        node_id=node_id,
        computer_name=f"{node_id}.ec2.internal",
        platform_type=platform,
        platform_name="Amazon Linux" if platform == "Linux" else "Microsoft Windows Server 2022 Datacenter",
        platform_version="2023" if platform == "Linux" else "10.0.20348",
        agent_version="3.3.40.0",
        ip_address="10.0.0.7",
        registered_at=T0 - timedelta(days=30),
        name_tag=f"name-{node_id[-4:]}",
        ping_status=ping,
        inventory_association_id=association,
    )
    node.install(package("openssl", "3.0.8"))
    node.install(package("bash", "5.2.15"))
    return node


def poll(check: Callable[[], T | None], what: str, timeout_s: float = 5.0) -> T:
    """Ask `check` until it gives an answer (not None); the stand-in's agents work on their own thread."""
    deadline = time.monotonic() + timeout_s
    pause = threading.Event()
    while True:
        answer = check()
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.01)


# --- what botocore's models say a response may hold -------------------------------------------------
def wire_violations(shape: Shape, value: object, path: str) -> list[str]:
    """Check a raw JSON body against the model, more strictly than botocore's parser (which drops extras).

    Unknown keys, wrong JSON types (timestamps must be epoch numbers), enums, patterns and maxima.
    """
    problems: list[str] = []
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f"{path}.{key}: not in the model")
            else:
                problems += wire_violations(shape.members[key], item, f"{path}.{key}")
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {value!r}"]
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(f"{path}: longer than {shape.metadata['max']}")
        for index, item in enumerate(value):
            problems += wire_violations(shape.member, item, f"{path}[{index}]")
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {value!r}"]
        for key, item in value.items():
            problems += wire_violations(shape.key, key, f"{path} key")
            problems += wire_violations(shape.value, item, f"{path}[{key}]")
    elif isinstance(shape, StringShape):
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {value!r}"]
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(f"{path}: longer than {shape.metadata['max']}")
        # AWS sends "" for unset strings, whatever the enum or pattern says.
        if value and shape.enum and value.lower() not in {e.lower() for e in shape.enum}:
            problems.append(f"{path}: {value!r} not one of {shape.enum}")
        # StringDateTime's model pattern rejects AWS's own `2019-01-30T14:16:03.478Z` and `PT1.755S`.
        if value and "pattern" in shape.metadata and shape.name != "StringDateTime":
            try:
                pattern = re.compile(shape.metadata["pattern"])
            except re.error:  # Java-only syntax such as \p{L}: nothing to compare with
                pattern = None
            if pattern is not None and not pattern.fullmatch(value):
                problems.append(f"{path}: {value!r} does not match {shape.metadata['pattern']}")
    elif shape.type_name == "timestamp":
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{path}: timestamps are epoch seconds on the wire, got {value!r}")
    elif shape.type_name in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected an integer, got {value!r}")
        elif "max" in shape.metadata and value > shape.metadata["max"]:
            problems.append(f"{path}: above {shape.metadata['max']}")
    elif shape.type_name == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: expected a boolean, got {value!r}")
    return problems


@dataclass(frozen=True)
class WireResponse:
    service: str
    operation: str
    status: int
    body: Any


@dataclass
class World:
    fleet: Fleet
    stand_in: AwsStandIn
    config: ConfigServiceClient
    ssm: SSMClient
    wire: list[WireResponse] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)

    def matches_model(self, response: Mapping[str, Any]) -> None:
        """The response just received validates against botocore's output shape, parsed and on the wire."""
        last = self.wire[-1]
        operation = _MODELS.get_service_model(last.service).operation_model(last.operation)
        assert last.status == 200
        shape = operation.output_shape
        assert shape is not None
        parsed = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        report = ParamValidator().validate(parsed, shape)
        assert not report.has_errors(), report.generate_report()
        assert wire_violations(shape, last.body, last.operation) == []
        self.covered.add(f"{last.service}:{last.operation}")

    def fails(self, call: Callable[[], object], code: str) -> ClientError:
        """`call` raises the modeled error `code`, sent as AWS sends errors."""
        with pytest.raises(ClientError) as caught:
            call()
        error = caught.value
        assert error.response["Error"]["Code"] == code
        last = self.wire[-1]
        assert last.status == 400
        assert set(last.body) == {"__type", "message"}
        operation = _MODELS.get_service_model(last.service).operation_model(last.operation)
        assert code in {s.name for s in operation.error_shapes} | COMMON_ERRORS
        return error


def clients(url: str, settings: Config | None = None) -> tuple[ConfigServiceClient, SSMClient]:
    """boto3 clients of the stand-in; by default they make one attempt per call."""
    settings = settings or Config(retries={"mode": "standard", "total_max_attempts": 1})
    common: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "config": settings,
    }
    return boto3.client("config", **common), boto3.client("ssm", **common)


def record_wire(world: World) -> None:
    def keep(operation_model: Any, response_dict: Mapping[str, Any], **_: Any) -> None:
        body = response_dict["body"]
        world.wire.append(
            WireResponse(
                operation_model.service_model.service_name,
                operation_model.name,
                response_dict["status_code"],
                json.loads(body) if body else None,
            )
        )

    world.config.meta.events.register("before-parse", keep)
    world.ssm.meta.events.register("before-parse", keep)


def standard_fleet() -> Fleet:
    fleet = Fleet()
    node = fleet.add(make_node(NODE))
    fleet.capture(NODE, T0)
    node.replace(package("openssl", "3.0.8", "1.amzn2023.0.2"))
    fleet.capture(NODE, T0 + timedelta(days=1))
    node.install(package("kernel", "6.1.90"))
    fleet.capture(NODE, T0 + timedelta(days=10))
    hybrid = fleet.add(make_node(HYBRID, platform="Windows"))
    hybrid.content_shape = "map"
    fleet.capture(HYBRID, T0 + timedelta(days=2))
    fleet.add(make_node(OFFLINE, ping="ConnectionLost"))
    fleet.capture(OFFLINE, T0 + timedelta(days=3))
    fleet.add(make_node(FRESH, association=None))
    return fleet


@pytest.fixture
def world() -> Iterator[World]:
    fleet = standard_fleet()
    with AwsStandIn(fleet, Faults(collect_delay_s=0.02, invocation_visible_after_s=0.0)) as stand_in:
        config, ssm = clients(stand_in.url)
        world = World(fleet, stand_in, config, ssm)
        record_wire(world)
        yield world


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries wait up to seconds between attempts; what they do, not how long, is tested."""
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0
    )


def invocation_in(world: World, command_id: str, node_id: str, *statuses: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        answer = world.ssm.get_command_invocation(CommandId=command_id, InstanceId=node_id)
        return dict(answer) if answer["Status"] in statuses else None

    return poll(check, f"invocation on {node_id} to reach {statuses}")


# --- 1. every response has botocore's shapes ---------------------------------------------------------
def test_every_response_matches_botocore_output_shapes(world: World) -> None:
    config, ssm, check = world.config, world.ssm, world.matches_model
    history = config.get_resource_config_history(
        resourceType=INVENTORY, resourceId=NODE, laterTime=T0 + timedelta(days=11), limit=1
    )
    check(history)
    assert history["configurationItems"] and "nextToken" in history
    empty = config.get_resource_config_history(
        resourceType=INVENTORY, resourceId=NODE, laterTime=T0 + timedelta(days=8), earlierTime=T0 - WEEK
    )
    check(empty)
    assert not empty["configurationItems"] and "nextToken" in empty
    check(
        config.get_resource_config_history(
            resourceType=INVENTORY, resourceId=HYBRID, chronologicalOrder="Forward"
        )
    )
    check(config.describe_configuration_recorders())
    check(config.describe_configuration_recorder_status(ConfigurationRecorderNames=["default"]))
    check(config.list_discovered_resources(resourceType=INVENTORY))
    check(
        config.batch_get_resource_config(
            resourceKeys=[
                {"resourceType": INVENTORY, "resourceId": NODE},
                {"resourceType": INVENTORY, "resourceId": FRESH},
            ]
        )
    )
    world.fleet.recording = world.fleet.recorder_running = False
    check(config.describe_configuration_recorders())
    check(config.describe_configuration_recorder_status())
    world.fleet.recording = world.fleet.recorder_running = True

    check(ssm.describe_instance_information(MaxResults=5))
    check(ssm.describe_instance_information(Filters=[{"Key": "PingStatus", "Values": ["ConnectionLost"]}]))
    check(ssm.list_inventory_entries(InstanceId=NODE, TypeName="AWS:Application", MaxResults=1))
    check(ssm.list_inventory_entries(InstanceId=HYBRID, TypeName="AWS:InstanceInformation"))
    check(ssm.list_inventory_entries(InstanceId=FRESH, TypeName="AWS:Application"))
    check(ssm.get_inventory(MaxResults=1))
    check(
        ssm.get_inventory(
            Filters=[{"Key": "AWS:Application.Name", "Values": ["kern"], "Type": "BeginWith"}],
            ResultAttributes=[{"TypeName": "AWS:InstanceInformation"}],
        )
    )
    check(
        ssm.list_associations(AssociationFilterList=[{"key": "Name", "value": "AWS-GatherSoftwareInventory"}])
    )
    check(ssm.describe_association(AssociationId=ASSOCIATION))
    check(ssm.describe_association(Name="AWS-GatherSoftwareInventory", InstanceId=NODE))
    check(ssm.describe_instance_associations_status(InstanceId=NODE))
    check(ssm.describe_instance_associations_status(InstanceId=FRESH))

    check(ssm.start_associations_once(AssociationIds=[ASSOCIATION]))
    running = ssm.describe_association_executions(AssociationId=ASSOCIATION)
    check(running)
    execution_id = running["AssociationExecutions"][0]["ExecutionId"]

    def online_targets_done() -> list[Any] | None:
        targets = ssm.describe_association_execution_targets(
            AssociationId=ASSOCIATION, ExecutionId=execution_id
        )
        states = {t["ResourceId"]: t["Status"] for t in targets["AssociationExecutionTargets"]}
        return (
            list(targets["AssociationExecutionTargets"])
            if states[NODE] == states[HYBRID] == "Success"
            else None
        )

    poll(online_targets_done, "the online targets of the run")
    check(ssm.describe_association_execution_targets(AssociationId=ASSOCIATION, ExecutionId=execution_id))
    finished = ssm.describe_association_executions(AssociationId=ASSOCIATION)
    check(finished)
    # The offline node has not run yet, so the execution is still going.
    assert finished["AssociationExecutions"][0]["Status"] == "InProgress"
    assert finished["AssociationExecutions"][0]["ResourceCountByStatus"] == "{Pending=1, Success=2}"

    world.stand_in.register_document("pkgwhen-Changelog", lambda node, parameters: (2, "out\n", "boom\n"))
    refresh = ssm.send_command(
        DocumentName=REFRESH, InstanceIds=[NODE], Parameters={"associationIds": [ASSOCIATION]}
    )
    check(refresh)
    changelog = ssm.send_command(
        DocumentName="pkgwhen-Changelog", InstanceIds=[NODE, HYBRID], Comment="changelog"
    )
    check(changelog)
    offline = ssm.send_command(DocumentName=REFRESH, InstanceIds=[OFFLINE], TimeoutSeconds=30)
    check(offline)
    check(ssm.get_command_invocation(CommandId=offline["Command"]["CommandId"], InstanceId=OFFLINE))
    check(invocation_in(world, refresh["Command"]["CommandId"], NODE, "Success"))
    check(invocation_in(world, changelog["Command"]["CommandId"], HYBRID, "Failed"))
    world.stand_in.faults.delivery_timeout_s = 0.01
    late = ssm.send_command(DocumentName=REFRESH, InstanceIds=[OFFLINE])
    check(invocation_in(world, late["Command"]["CommandId"], OFFLINE, "TimedOut"))
    check(ssm.list_command_invocations(Details=True))
    check(ssm.list_command_invocations(CommandId=changelog["Command"]["CommandId"], InstanceId=NODE))

    assert world.covered == world.stand_in.actions


UNKNOWN_NODE = "i-0bbbbbbbbbbbbbbbb"
NO_SUCH_ID = "00000000-0000-0000-0000-000000000000"
ON_NODE: dict[str, Any] = {"resourceType": INVENTORY, "resourceId": NODE}
APPLICATIONS: dict[str, Any] = {"InstanceId": NODE, "TypeName": "AWS:Application"}
ERROR_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("config", "get_resource_config_history", {**ON_NODE, "limit": 101}, "InvalidLimitException"),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "nextToken": "garbage"},
        "InvalidNextTokenException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "resourceId": UNKNOWN_NODE},
        "ResourceNotDiscoveredException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "resourceId": FRESH},
        "ResourceNotDiscoveredException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "resourceType": "AWS::EC2::Volume"},
        "ResourceNotDiscoveredException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "resourceType": "AWS::EC2::Instance", "resourceId": HYBRID},
        "ResourceNotDiscoveredException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "resourceType": "AWS::Nope::Thing"},
        "ValidationException",
    ),
    (
        "config",
        "get_resource_config_history",
        {**ON_NODE, "earlierTime": T0, "laterTime": T0 - WEEK},
        "InvalidTimeRangeException",
    ),
    (
        "config",
        "describe_configuration_recorders",
        {"ConfigurationRecorderNames": ["other"]},
        "NoSuchConfigurationRecorderException",
    ),
    (
        "config",
        "describe_configuration_recorder_status",
        {"ConfigurationRecorderNames": ["x"]},
        "NoSuchConfigurationRecorderException",
    ),
    (
        "config",
        "list_discovered_resources",
        {"resourceType": INVENTORY, "limit": 101},
        "InvalidLimitException",
    ),
    (
        "config",
        "list_discovered_resources",
        {"resourceType": INVENTORY, "nextToken": "x"},
        "InvalidNextTokenException",
    ),
    ("ssm", "describe_instance_information", {"MaxResults": 51}, "ValidationException"),
    (
        "ssm",
        "describe_instance_information",
        {"InstanceInformationFilterList": [{"key": "InstanceIds", "valueSet": [UNKNOWN_NODE]}]},
        "InvalidInstanceId",
    ),
    (
        "ssm",
        "describe_instance_information",
        {"Filters": [{"Key": "Colour", "Values": ["red"]}]},
        "InvalidFilterKey",
    ),
    ("ssm", "describe_instance_information", {"NextToken": "garbage"}, "InvalidNextToken"),
    ("ssm", "list_inventory_entries", {**APPLICATIONS, "InstanceId": UNKNOWN_NODE}, "InvalidInstanceId"),
    (
        "ssm",
        "list_inventory_entries",
        {**APPLICATIONS, "TypeName": "AWS:Nonsense"},
        "InvalidTypeNameException",
    ),
    (
        "ssm",
        "list_inventory_entries",
        {**APPLICATIONS, "Filters": [{"Key": "Name", "Values": ["a"], "Type": "Near"}]},
        "InvalidFilter",
    ),
    (
        "ssm",
        "get_inventory",
        {"ResultAttributes": [{"TypeName": "AWS:Application"}]},
        "InvalidResultAttributeException",
    ),
    ("ssm", "get_inventory", {"Filters": [{"Key": "Name", "Values": ["openssl"]}]}, "InvalidFilter"),
    ("ssm", "list_associations", {"NextToken": "garbage"}, "InvalidNextToken"),
    ("ssm", "describe_association", {"AssociationId": NO_SUCH_ID}, "AssociationDoesNotExist"),
    (
        "ssm",
        "describe_association",
        {"Name": "AWS-GatherSoftwareInventory", "InstanceId": FRESH},
        "AssociationDoesNotExist",
    ),
    ("ssm", "describe_instance_associations_status", {"InstanceId": UNKNOWN_NODE}, "InvalidInstanceId"),
    ("ssm", "start_associations_once", {"AssociationIds": [NO_SUCH_ID]}, "InvalidAssociation"),
    ("ssm", "describe_association_executions", {"AssociationId": NO_SUCH_ID}, "AssociationDoesNotExist"),
    (
        "ssm",
        "describe_association_execution_targets",
        {"AssociationId": ASSOCIATION, "ExecutionId": NO_SUCH_ID},
        "AssociationExecutionDoesNotExist",
    ),
    ("ssm", "send_command", {"DocumentName": "AWS-Nope", "InstanceIds": [NODE]}, "InvalidDocument"),
    ("ssm", "send_command", {"DocumentName": REFRESH, "InstanceIds": [UNKNOWN_NODE]}, "InvalidInstanceId"),
    (
        "ssm",
        "send_command",
        {"DocumentName": REFRESH, "InstanceIds": [NODE], "Parameters": {"associationIds": [NO_SUCH_ID]}},
        "InvalidParameters",
    ),
    (
        "ssm",
        "send_command",
        {"DocumentName": REFRESH, "InstanceIds": [NODE], "Parameters": {"commands": ["id"]}},
        "InvalidParameters",
    ),
    (
        "ssm",
        "get_command_invocation",
        {"CommandId": NO_SUCH_ID, "InstanceId": NODE},
        "InvocationDoesNotExist",
    ),
    ("ssm", "list_command_invocations", {"CommandId": NO_SUCH_ID}, "InvalidCommandId"),
]


@pytest.mark.parametrize(("service", "method", "kwargs", "code"), ERROR_CASES)
def test_errors_arrive_as_the_modeled_aws_error(
    world: World, service: str, method: str, kwargs: dict[str, Any], code: str
) -> None:
    client: Any = world.config if service == "config" else world.ssm
    error = world.fails(lambda: getattr(client, method)(**kwargs), code)
    operation = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[method])
    if code in {shape.name for shape in operation.error_shapes}:
        # botocore turns the body into the operation's own exception class.
        assert isinstance(error, getattr(client.exceptions, code))


def test_requests_botocore_would_never_send_get_aws_protocol_errors(world: World) -> None:
    def post(target: str, body: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            world.stand_in.url,
            data=body,
            method="POST",
            headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        return caught.value.code, json.loads(caught.value.read())

    assert post("AmazonSSM.LaunchRockets", b"{}") == (
        400,
        {"__type": "UnknownOperationException", "message": "Unknown operation 'AmazonSSM.LaunchRockets'"},
    )
    status, body = post("AmazonSSM.DescribeInstanceInformation", b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    assert world.stand_in.calls[-1].error_code == "SerializationException"


def test_clients_find_the_stand_in_through_aws_endpoint_variables(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_CONFIG_SERVICE", world.stand_in.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", world.stand_in.url)
    session = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    session.client("config").describe_configuration_recorders()
    session.client("ssm").describe_instance_information()
    assert world.stand_in.count("DescribeConfigurationRecorders") == 1
    assert world.stand_in.count("DescribeInstanceInformation") == 1


# --- 2. a year of history, seven days per call --------------------------------------------------------
def year_of_history() -> tuple[Fleet, list[str]]:
    """A node with an item every 4 days for 400 days, ending three weeks ago, and a 7-week silence."""
    fleet = Fleet()
    node = fleet.add(make_node(NODE))
    end = datetime.now(UTC) - 3 * WEEK
    start = end - timedelta(days=400)
    for day in range(0, 401, 4):
        if 120 <= day < 170:
            continue
        node.replace(package("openssl", f"3.0.{day}"))
        assert fleet.capture(NODE, start + timedelta(days=day)) is not None
    return fleet, [item["configurationStateId"] for item in node.items]


@pytest.mark.parametrize("order", ["Reverse", "Forward"])
def test_a_year_of_history_arrives_once_in_order_seven_days_per_page(
    order: Literal["Reverse", "Forward"],
) -> None:
    fleet, state_ids = year_of_history()
    with AwsStandIn(fleet) as stand_in:
        config, _ = clients(stand_in.url)
        paginator = config.get_paginator("get_resource_config_history")
        pages = list(paginator.paginate(resourceType=INVENTORY, resourceId=NODE, chronologicalOrder=order))
        calls = stand_in.count("GetResourceConfigHistory")
    received = [item["configurationStateId"] for page in pages for item in page["configurationItems"]]
    assert received == (state_ids[::-1] if order == "Reverse" else state_ids)
    assert calls == len(pages) >= 52
    assert any(not page["configurationItems"] and "nextToken" in page for page in pages)
    # The seven silent weeks cost empty pages in the middle of the sweep, each still carrying a token.
    full = [index for index, page in enumerate(pages) if page["configurationItems"]]
    middle = pages[full[0] : full[-1]]
    assert sum(1 for page in middle if not page["configurationItems"] and page["nextToken"]) >= 6
    for page in pages:
        times = [item["configurationItemCaptureTime"] for item in page["configurationItems"]]
        if times:
            assert max(times) - min(times) <= WEEK
        assert all(isinstance(item["configuration"], str) for item in page["configurationItems"])
    assert pages[-1].get("nextToken") is None


def test_more_items_in_one_span_than_the_limit_continue_inside_that_span() -> None:
    fleet = Fleet()
    node = fleet.add(make_node(NODE))
    for hour in range(5):
        node.replace(package("openssl", f"3.0.{hour}"))
        fleet.capture(NODE, T0 + timedelta(hours=hour))
    with AwsStandIn(fleet) as stand_in:
        config, _ = clients(stand_in.url)
        earlier, later = T0 - timedelta(days=1), T0 + timedelta(days=1)
        pages = [
            config.get_resource_config_history(
                resourceType=INVENTORY, resourceId=NODE, limit=2, earlierTime=earlier, laterTime=later
            )
        ]
        while "nextToken" in pages[-1]:
            pages.append(
                config.get_resource_config_history(
                    resourceType=INVENTORY,
                    resourceId=NODE,
                    limit=2,
                    earlierTime=earlier,
                    laterTime=later,
                    nextToken=pages[-1]["nextToken"],
                )
            )
    assert [len(p["configurationItems"]) for p in pages] == [2, 2, 1]
    received = [i["configurationStateId"] for p in pages for i in p["configurationItems"]]
    assert received == [i["configurationStateId"] for i in reversed(node.items)]


def test_history_arguments_are_checked_as_aws_checks_them(world: World) -> None:
    config = world.config
    pages = config.get_paginator("get_resource_config_history").paginate(
        resourceType=INVENTORY, resourceId=NODE, earlierTime=T0, laterTime=T0 + timedelta(days=11)
    )
    items = [item for page in pages for item in page["configurationItems"]]
    assert [i["configurationItemStatus"] for i in items] == ["OK", "OK", "ResourceDiscovered"]
    newest = items[0]
    assert isinstance(newest["configuration"], str)
    assert json.loads(newest["configuration"])["AWS:Application"]["Content"][-1]["Name"] == "kernel"
    # AWS's own rule sample re-reads one item by its capture time.
    again = config.get_resource_config_history(
        resourceType=INVENTORY, resourceId=NODE, laterTime=newest["configurationItemCaptureTime"], limit=1
    )
    assert again["configurationItems"][0]["configurationStateId"] == newest["configurationStateId"]
    world.fails(
        lambda: config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE, limit=101),
        "InvalidLimitException",
    )
    token = config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE, limit=1)["nextToken"]
    # A token is only good for the parameters it was made for.
    world.fails(
        lambda: config.get_resource_config_history(
            resourceType=INVENTORY, resourceId=HYBRID, nextToken=token
        ),
        "InvalidNextTokenException",
    )
    world.fails(
        lambda: config.get_resource_config_history(
            resourceType=INVENTORY, resourceId=NODE, nextToken=token[:-2]
        ),
        "InvalidNextTokenException",
    )
    world.fails(
        lambda: config.get_resource_config_history(resourceType=INVENTORY, resourceId="i-0bbbbbbbbbbbbbbbb"),
        "ResourceNotDiscoveredException",
    )
    world.fleet.recording = False
    world.fails(
        lambda: config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE),
        "ResourceNotDiscoveredException",
    )
    group = config.describe_configuration_recorders()["ConfigurationRecorders"][0]["recordingGroup"]
    assert INVENTORY not in group["resourceTypes"]


def test_discovered_resources_and_batch_get_give_the_latest_items(world: World) -> None:
    listed = world.config.list_discovered_resources(resourceType=INVENTORY, limit=1)
    rest = world.config.list_discovered_resources(
        resourceType=INVENTORY, limit=1, nextToken=listed["nextToken"]
    )
    ids = [r["resourceId"] for page in (listed, rest) for r in page["resourceIdentifiers"]]
    everything = world.config.list_discovered_resources(resourceType=INVENTORY)["resourceIdentifiers"]
    assert ids == sorted([NODE, HYBRID, OFFLINE])[:2] and len(everything) == 3
    batch = world.config.batch_get_resource_config(
        resourceKeys=[
            {"resourceType": INVENTORY, "resourceId": NODE},
            {"resourceType": INVENTORY, "resourceId": FRESH},
        ]
    )
    node = world.fleet.node(NODE)
    assert node is not None
    assert [i["configurationStateId"] for i in batch["baseConfigurationItems"]] == [
        node.items[-1]["configurationStateId"]
    ]
    assert batch["unprocessedResourceKeys"] == [{"resourceType": INVENTORY, "resourceId": FRESH}]


def test_a_deleted_node_is_listed_only_with_deleted_resources_and_gone_from_ssm(world: World) -> None:
    gone_at = T0 + timedelta(days=20)
    record_deleted(world.fleet, NODE, gone_at)
    listed = world.config.list_discovered_resources(resourceType=INVENTORY)["resourceIdentifiers"]
    world.matches_model(world.config.list_discovered_resources(resourceType=INVENTORY))
    assert NODE not in {r["resourceId"] for r in listed}
    everything = world.config.list_discovered_resources(resourceType=INVENTORY, includeDeletedResources=True)
    world.matches_model(everything)
    (deleted,) = [r for r in everything["resourceIdentifiers"] if r["resourceId"] == NODE]
    assert deleted["resourceDeletionTime"] == gone_at
    history = world.config.get_resource_config_history(
        resourceType=INVENTORY, resourceId=NODE, earlierTime=gone_at, chronologicalOrder="Forward", limit=10
    )
    world.matches_model(history)
    (last,) = history["configurationItems"]
    assert last["configurationItemStatus"] == "ResourceDeleted"
    world.fails(lambda: world.ssm.list_inventory_entries(InstanceId=NODE, TypeName="AWS:Application"), "InvalidInstanceId")


def test_an_instances_own_history_keeps_its_name_tag_after_it_is_gone(world: World) -> None:
    node = world.fleet.node(NODE)
    assert node is not None
    node.name_tag = "web-9"
    record_deleted(world.fleet, NODE, T0 + timedelta(days=20))
    history = world.config.get_resource_config_history(
        resourceType="AWS::EC2::Instance", resourceId=NODE, chronologicalOrder="Forward", limit=1
    )
    world.matches_model(history)
    (first,) = history["configurationItems"]
    assert first["tags"] == {"Name": "web-9"}
    assert first["configurationItemStatus"] == "ResourceDiscovered"


# --- SSM reads -----------------------------------------------------------------------------------------
def test_instance_information_pages_filters_and_leaves_out_unmanaged_nodes(world: World) -> None:
    for index in range(4):
        world.fleet.add(make_node(f"i-0{index:016x}"))
    gone = world.fleet.add(make_node("i-0cccccccccccccccc"))
    gone.unmanaged_since = T0
    pages = list(
        world.ssm.get_paginator("describe_instance_information").paginate(PaginationConfig={"PageSize": 5})
    )
    ids = [i["InstanceId"] for page in pages for i in page["InstanceInformationList"]]
    assert len(pages) == 2 and len(ids) == 8 and gone.node_id not in ids
    lost = world.ssm.describe_instance_information(
        InstanceInformationFilterList=[{"key": "PingStatus", "valueSet": ["ConnectionLost"]}]
    )
    assert [i["InstanceId"] for i in lost["InstanceInformationList"]] == [OFFLINE]
    hybrid = world.ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [HYBRID]}])
    info = hybrid["InstanceInformationList"][0]
    assert (info["ResourceType"], info["PlatformType"], info["Name"]) == (
        "ManagedInstance",
        "Windows",
        f"name-{HYBRID[-4:]}",
    )
    assert info["LastSuccessfulAssociationExecutionDate"] == T0 + timedelta(days=2)
    world.fails(
        lambda: world.ssm.describe_instance_information(
            InstanceInformationFilterList=[{"key": "InstanceIds", "valueSet": [gone.node_id]}]
        ),
        "InvalidInstanceId",
    )


def test_inventory_entries_filter_and_page_and_get_inventory_finds_nodes(world: World) -> None:
    ssm = world.ssm
    entries = ssm.list_inventory_entries(
        InstanceId=NODE,
        TypeName="AWS:Application",
        Filters=[{"Key": "Name", "Values": ["open"], "Type": "BeginWith"}],
    )
    assert [e["Version"] for e in entries["Entries"]] == ["3.0.8"]
    assert entries["CaptureTime"] == iso(T0 + timedelta(days=10)) and entries["SchemaVersion"] == "1.1"
    first = ssm.list_inventory_entries(InstanceId=NODE, TypeName="AWS:Application", MaxResults=2)
    rest = ssm.list_inventory_entries(
        InstanceId=NODE, TypeName="AWS:Application", MaxResults=2, NextToken=first["NextToken"]
    )
    assert [e["Name"] for e in first["Entries"] + rest["Entries"]] == ["bash", "openssl", "kernel"]
    never = ssm.list_inventory_entries(InstanceId=FRESH, TypeName="AWS:Application")
    assert never["Entries"] == [] and "CaptureTime" not in never
    found = ssm.get_inventory(
        Filters=[{"Key": "AWS:Application.Name", "Values": ["kernel"], "Type": "Equal"}],
        ResultAttributes=[{"TypeName": "AWS:InstanceInformation"}],
    )
    assert [e["Id"] for e in found["Entities"]] == [NODE]
    assert list(found["Entities"][0]["Data"]) == ["AWS:InstanceInformation"]
    by_id = ssm.get_inventory(Filters=[{"Key": "AWS:InstanceInformation.InstanceId", "Values": [HYBRID]}])
    assert [e["Id"] for e in by_id["Entities"]] == [HYBRID]
    assert set(by_id["Entities"][0]["Data"]) == {"AWS:Application", "AWS:InstanceInformation"}


def test_associations_describe_the_inventory_association_of_each_node(world: World) -> None:
    listed = world.ssm.list_associations()["Associations"]
    assert [(a["AssociationId"], a["Name"], a["AssociationName"]) for a in listed] == [
        (ASSOCIATION, "AWS-GatherSoftwareInventory", "Inventory-Association")
    ]
    assert listed[0]["Targets"] == [{"Key": "InstanceIds", "Values": sorted([NODE, HYBRID, OFFLINE])}]
    assert listed[0]["ScheduleExpression"] == "rate(30 minutes)"
    status = world.ssm.describe_instance_associations_status(InstanceId=NODE)[
        "InstanceAssociationStatusInfos"
    ]
    assert [(s["AssociationId"], s["Status"], s["ExecutionDate"]) for s in status] == [
        (ASSOCIATION, "Success", T0 + timedelta(days=10))
    ]
    assert (
        world.ssm.describe_instance_associations_status(InstanceId=FRESH)["InstanceAssociationStatusInfos"]
        == []
    )


# --- 4. throttling -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("no_backoff")
def test_throttling_is_retried_by_boto3_and_then_raised(world: World) -> None:
    stand_in = world.stand_in
    _, ssm = clients(stand_in.url, Config(retries={"mode": "standard", "total_max_attempts": 3}))
    stand_in.faults.throttle_next = 100
    with pytest.raises(ClientError) as caught:
        ssm.describe_instance_information()
    assert caught.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    assert stand_in.count("DescribeInstanceInformation") == 3

    # In a client Config, botocore reads `max_attempts` as retries after the first attempt.
    _, ssm = clients(stand_in.url, Config(retries={"mode": "standard", "max_attempts": 3}))
    stand_in.calls.clear()
    with pytest.raises(ClientError):
        ssm.describe_instance_information()
    assert stand_in.count("DescribeInstanceInformation") == 4

    stand_in.calls.clear()
    stand_in.faults.throttle_next = 1
    ssm.describe_instance_information()
    assert [c.error_code for c in stand_in.calls] == ["ThrottlingException", None]


@pytest.mark.parametrize("code", sorted(CREDENTIAL_ERRORS))
def test_unusable_credentials_fail_every_call_as_aws_answers_them(world: World, code: str) -> None:
    world.stand_in.faults.credentials_error = code
    error = world.fails(world.ssm.describe_instance_information, code)
    assert error.response["Error"]["Message"] == CREDENTIAL_ERRORS[code]
    world.fails(lambda: world.config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE), code)
    world.stand_in.faults.credentials_error = None
    world.ssm.describe_instance_information()


@pytest.mark.usefixtures("no_backoff")
def test_an_unreachable_endpoint_cuts_every_connection_unanswered(world: World) -> None:
    world.stand_in.faults.unreachable = True
    _, ssm = clients(world.stand_in.url, Config(retries={"mode": "standard", "total_max_attempts": 2}))
    with pytest.raises(ConnectionClosedError):
        ssm.describe_instance_information()
    assert world.stand_in.count("DescribeInstanceInformation") == 0
    world.stand_in.faults.unreachable = False
    ssm.describe_instance_information()


def test_a_rate_limit_throttles_calls_beyond_it(world: World) -> None:
    world.stand_in.faults.calls_per_second = 0.001  # one call now, the next in 1000 s
    world.ssm.describe_instance_information()
    world.fails(world.ssm.describe_instance_information, "ThrottlingException")
    world.stand_in.faults.calls_per_second = None
    world.ssm.describe_instance_information()


@pytest.mark.usefixtures("no_backoff")
def test_an_outage_fails_the_chosen_actions_until_it_ends(world: World) -> None:
    world.stand_in.outage(60, actions=frozenset({"config:GetResourceConfigHistory"}))
    with pytest.raises(ClientError) as caught:
        world.config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE)
    assert caught.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    world.stand_in.outage(60, actions=frozenset({"config:GetResourceConfigHistory"}), code="ThrottlingException", status=400)
    world.fails(lambda: world.config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE), "ThrottlingException")
    world.ssm.describe_instance_information()  # other actions answer
    world.stand_in.outage(0)
    assert "configurationItems" in world.config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE)


# --- 5. permissions, Run Command and inventory runs ---------------------------------------------------
def test_denied_actions_answer_access_denied_naming_the_action(world: World) -> None:
    world.stand_in.faults.denied_actions = {"ssm:SendCommand", "config:GetResourceConfigHistory"}
    error = world.fails(
        lambda: world.ssm.send_command(DocumentName=REFRESH, InstanceIds=[NODE]), "AccessDeniedException"
    )
    message = error.response["Error"]["Message"]
    assert "is not authorized to perform: ssm:SendCommand on resource: " in message
    assert "arn:aws:sts::123456789012:assumed-role/pkgwhen/bot" in message
    world.fails(
        lambda: world.config.get_resource_config_history(resourceType=INVENTORY, resourceId=NODE),
        "AccessDeniedException",
    )
    world.ssm.describe_instance_information()  # other actions still allowed


def test_an_invocation_is_unknown_right_after_send_command_then_succeeds(world: World) -> None:
    world.stand_in.faults.invocation_visible_after_s = 60
    command = world.ssm.send_command(DocumentName=REFRESH, InstanceIds=[NODE])["Command"]
    assert (command["Status"], command["TargetCount"]) == ("Pending", 1)
    world.fails(
        lambda: world.ssm.get_command_invocation(CommandId=command["CommandId"], InstanceId=NODE),
        "InvocationDoesNotExist",
    )
    world.stand_in.faults.invocation_visible_after_s = 0
    done = invocation_in(world, command["CommandId"], NODE, "Success")
    assert (done["StatusDetails"], done["ResponseCode"], done["PluginName"]) == (
        "Success",
        0,
        "aws:refreshAssociation",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", done["ExecutionEndDateTime"])


def test_refresh_records_a_config_item_only_when_packages_changed(world: World) -> None:
    ssm, config = world.ssm, world.config
    node = world.fleet.node(NODE)
    assert node is not None

    def refresh() -> datetime:
        command = ssm.send_command(
            DocumentName=REFRESH, InstanceIds=[NODE], Parameters={"associationIds": [ASSOCIATION]}
        )["Command"]
        invocation_in(world, command["CommandId"], NODE, "Success")
        status = ssm.describe_instance_associations_status(InstanceId=NODE)["InstanceAssociationStatusInfos"][
            0
        ]
        return status["ExecutionDate"]

    def history() -> list[Any]:
        pages = config.get_paginator("get_resource_config_history").paginate(
            resourceType=INVENTORY, resourceId=NODE, earlierTime=T0
        )
        return [item for page in pages for item in page["configurationItems"]]

    before = history()
    with world.fleet.lock:
        node.replace(package("openssl", "3.0.8", "1.amzn2023.0.3"))
    first_run = refresh()
    after_change = history()
    assert len(after_change) == len(before) + 1
    assert "1.amzn2023.0.3" in after_change[0]["configuration"]
    assert first_run > T0 + timedelta(days=10)
    second_run = refresh()
    assert second_run > first_run  # the inventory ran again ...
    assert len(history()) == len(after_change)  # ... and Config saw nothing new
    executions = ssm.describe_association_executions(AssociationId=ASSOCIATION)["AssociationExecutions"]
    assert [e["Status"] for e in executions] == ["Success", "Success"]


def test_start_associations_once_runs_on_every_target_node() -> None:
    fleet = Fleet()
    ids = [f"i-0{index:016x}" for index in range(3)]
    for node_id in ids:
        fleet.add(make_node(node_id))
        fleet.capture(node_id, T0)
    for node in fleet.nodes():
        node.replace(package("bash", "5.2.37"))
    with AwsStandIn(fleet, Faults(collect_delay_s=0.02)) as stand_in:
        _, ssm = clients(stand_in.url)
        assert ssm.list_associations()["Associations"][0]["Targets"] == [
            {"Key": "InstanceIds", "Values": ["*"]}
        ]
        started = ssm.start_associations_once(AssociationIds=[ASSOCIATION])
        assert {k: v for k, v in started.items() if k != "ResponseMetadata"} == {}

        def finished() -> dict[str, Any] | None:
            execution = ssm.describe_association_executions(AssociationId=ASSOCIATION)[
                "AssociationExecutions"
            ][0]
            return dict(execution) if execution["Status"] == "Success" else None

        execution = poll(finished, "the association run")
        targets = ssm.describe_association_execution_targets(
            AssociationId=ASSOCIATION, ExecutionId=execution["ExecutionId"]
        )["AssociationExecutionTargets"]
    assert execution["ResourceCountByStatus"] == "{Success=3}"
    assert sorted(t["ResourceId"] for t in targets) == ids
    assert all(
        t["Status"] == "Success" and t["OutputSource"]["OutputSourceType"] == "RunCommand" for t in targets
    )
    for node in fleet.nodes():
        assert len(node.items) == 2 and "5.2.37" in node.items[-1]["configuration"]


def test_an_offline_node_never_picks_the_command_up(world: World) -> None:
    pending = world.ssm.send_command(DocumentName=REFRESH, InstanceIds=[OFFLINE], TimeoutSeconds=30)[
        "Command"
    ]
    invocation = world.ssm.get_command_invocation(CommandId=pending["CommandId"], InstanceId=OFFLINE)
    assert (invocation["Status"], invocation["ExecutionStartDateTime"]) == ("Pending", "")
    world.stand_in.faults.delivery_timeout_s = 0.01
    late = world.ssm.send_command(DocumentName=REFRESH, InstanceIds=[OFFLINE])["Command"]
    timed_out = invocation_in(world, late["CommandId"], OFFLINE, "TimedOut")
    assert timed_out["StatusDetails"] == "DeliveryTimedOut"
    offline = world.fleet.node(OFFLINE)
    assert offline is not None and offline.capture_time == T0 + timedelta(days=3)


def test_registered_documents_run_on_the_node_and_their_output_is_cut_like_the_agent_cuts_it(
    world: World,
) -> None:
    seen: list[tuple[str, dict[str, list[str]]]] = []

    def changelog(node: SimNode, parameters: dict[str, list[str]]) -> tuple[int, str, str]:
        seen.append((node.node_id, parameters))
        if parameters["package"] == ["loud"]:
            return 0, "START" + "o" * 30_000, "e" * 9_000
        return 3, "short\n", "it failed\n"

    world.stand_in.register_document("pkgwhen-Changelog", changelog)
    loud = world.ssm.send_command(
        DocumentName="pkgwhen-Changelog", InstanceIds=[NODE], Parameters={"package": ["loud"]}
    )
    quiet = world.ssm.send_command(
        DocumentName="pkgwhen-Changelog", InstanceIds=[NODE], Parameters={"package": ["x"]}
    )
    cut = invocation_in(world, loud["Command"]["CommandId"], NODE, "Success")
    failed = invocation_in(world, quiet["Command"]["CommandId"], NODE, "Failed")
    assert len(cut["StandardOutputContent"]) == MAX_STANDARD_OUTPUT
    assert cut["StandardOutputContent"].startswith("STARTooo")
    assert cut["StandardOutputContent"].endswith(TRUNCATED_MARKER)
    assert len(cut["StandardErrorContent"]) == MAX_STANDARD_ERROR
    assert cut["StandardErrorContent"].endswith(TRUNCATED_MARKER)
    assert (failed["ResponseCode"], failed["StandardOutputContent"], failed["StandardErrorContent"]) == (
        3,
        "short\n",
        "it failed\n",
    )
    assert seen == [(NODE, {"package": ["loud"]}), (NODE, {"package": ["x"]})]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a" * 99, "a" * 99),
        ("a" * 100, "a" * 80 + TRUNCATED_MARKER),  # the agent cuts output of exactly the limit too
        ("a" * 500, "a" * 80 + TRUNCATED_MARKER),
    ],
)
def test_agent_output_prefix_keeps_what_the_agent_keeps(text: str, kept: str) -> None:
    assert agent_output_prefix(text, 100) == kept
