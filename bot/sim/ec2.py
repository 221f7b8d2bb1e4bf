"""EC2 `DescribeInstances` for the simulated fleet, spoken in EC2's query protocol by the AWS stand-in.

pkgwhen names servers by their EC2 `Name` tag. moto cannot create instances with chosen IDs, so the
stand-in (`bot.sim.aws.AwsStandIn`) answers EC2 itself: a `POST /` whose form body carries `Action=`
comes here, and every fleet node whose id starts with `i-` is an instance (one per reservation),
`stopped` once it is no longer managed. Answers and errors are EC2's XML, built from botocore's model
of the operation so the names on the wire are the ones botocore reads. The stand-in's faults apply:
latency, throttling (`RequestLimitExceeded`, HTTP 503) and denied actions (`UnauthorizedOperation`,
HTTP 403); every request is recorded in `AwsStandIn.calls` like the Config and SSM ones.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import botocore.session
from botocore.model import ListShape, OperationModel, Shape, StructureShape

from bot.sim.aws import CALLER_ROLE, AwsError, RecordedCall
from bot.sim.fleet import SimNode

if TYPE_CHECKING:
    from bot.sim.aws import AwsStandIn

_log = logging.getLogger(__name__)

API_VERSION = "2016-11-15"
XML_NAMESPACE = f"http://ec2.amazonaws.com/doc/{API_VERSION}/"
CONTENT_TYPE = "text/xml;charset=UTF-8"
# The IAM actions served here (AwsStandIn.actions lists only the Config and SSM ones).
ACTIONS = frozenset({"ec2:DescribeInstances"})
IMAGE_ID = "ami-0e2c8caa4b6378d8c"
INSTANCE_TYPE = "t3.micro"
MIN_RESULTS, MAX_RESULTS = 5, 1000
_INSTANCE_ID = re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_FILTERS = frozenset({"instance-id", "tag:Name", "tag-key", "instance-state-name"})
_RUNNING = {"Code": 16, "Name": "running"}
_STOPPED = {"Code": 80, "Name": "stopped"}
_TERMINATED = {"Code": 48, "Name": "terminated"}
TERMINATED_VISIBLE = timedelta(hours=1)


def is_query(body: bytes) -> bool:
    """Whether a request body is an EC2 query-protocol form (`Action=...&Version=...`)."""
    try:
        return "Action" in parse_qs(body.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        return False


def answer(stand_in: AwsStandIn, body: bytes, *, refused: AwsError | None = None) -> tuple[int, bytes]:
    """The HTTP status and XML body for one EC2 request, with the stand-in's faults applied and recorded.

    `refused`: the credentials or signing region are not accepted (AwsStandIn.route); EC2 says so its own way.
    """
    form = {k: v[-1] for k, v in parse_qs(body.decode(errors="replace"), keep_blank_values=True).items()}
    operation = form.get("Action", "")
    params = _request(form)
    request_id = str(uuid.uuid4())
    try:
        if stand_in.faults.latency_s > 0:
            time.sleep(stand_in.faults.latency_s)  # the simulated network is slow; nothing to wait for
        if refused is not None:
            # Where Config and SSM name the problem, EC2 answers every credential failure with AuthFailure.
            message = (
                "AWS was not able to validate the provided access credentials"
                if refused.code == "UnrecognizedClientException"
                else refused.message
            )
            raise AwsError("AuthFailure", message, 401)
        try:
            stand_in._admit()
        except AwsError as throttled:
            # Config and SSM say ThrottlingException; EC2 says it its own way.
            raise AwsError("RequestLimitExceeded", "Request limit exceeded.", 503) from throttled
        if operation != "DescribeInstances":
            raise AwsError("InvalidAction", f"The action {operation} is not valid for this web service.")
        outage = stand_in._in_outage(f"ec2:{operation}")
        if outage is not None:
            raise outage
        if form.get("Version") != API_VERSION:
            raise AwsError("InvalidParameterValue", f"Invalid API version: {form.get('Version')!r}")
        action = f"ec2:{operation}"
        if action in stand_in.faults.denied_actions:
            caller = f"arn:aws:sts::{stand_in.fleet.account_id}:assumed-role/{CALLER_ROLE}"
            raise AwsError(
                "UnauthorizedOperation",
                f"You are not authorized to perform this operation. User: {caller} is not authorized "
                f"to perform: {action} because no identity-based policy allows the {action} action",
                403,
            )
        if params.get("DryRun") is True:
            raise AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
        status, data, code = (
            200,
            _response(operation, request_id, _describe_instances(stand_in, params)),
            None,
        )
    except AwsError as error:
        status, data, code = error.status, _error(error, request_id), error.code
    except Exception:  # a stand-in bug: answer like AWS's own failures, and log the traceback
        _log.exception("AWS stand-in failed on EC2 %s", operation)
        failure = AwsError("InternalError", "An internal error has occurred", 500)
        status, data, code = 500, _error(failure, request_id), failure.code
    stand_in.record(RecordedCall(operation, params, status, code))
    return status, data


# --- the request ------------------------------------------------------------------------------------
def _numbered(form: Mapping[str, str], prefix: str) -> list[str]:
    """`Prefix.1`, `Prefix.2` … in order of N (the query protocol's lists)."""
    found = {}
    for key, value in form.items():
        head, _, index = key.rpartition(".")
        if head == prefix and index.isdigit():
            found[int(index)] = value
    return [found[index] for index in sorted(found)]


def _request(form: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters under their API names (`InstanceIds`, `Filters` …), as botocore took them."""
    params: dict[str, Any] = {}
    if ids := _numbered(form, "InstanceId"):
        params["InstanceIds"] = ids
    filters = []
    for index in sorted({int(k.split(".")[1]) for k in form if re.fullmatch(r"Filter\.\d+\.Name", k)}):
        values = _numbered(form, f"Filter.{index}.Value")
        filters.append({"Name": form[f"Filter.{index}.Name"], "Values": values})
    if filters:
        params["Filters"] = filters
    if "MaxResults" in form:
        raw = form["MaxResults"]
        params["MaxResults"] = int(raw) if raw.lstrip("-").isdigit() else raw
    if "NextToken" in form:
        params["NextToken"] = form["NextToken"]
    if "DryRun" in form:
        params["DryRun"] = form["DryRun"] == "true"
    return params


def _wildcard(pattern: str) -> re.Pattern[str]:
    """EC2 filter values: `*` any run, `?` one character, a backslash escapes either."""
    parts = []
    for token in re.findall(r"\\.|.", pattern, flags=re.DOTALL):
        if token == "*":
            parts.append(".*")
        elif token == "?":
            parts.append(".")
        else:
            parts.append(re.escape(token[-1]))
    return re.compile("".join(parts), flags=re.DOTALL)


# --- DescribeInstances ------------------------------------------------------------------------------
def _describe_instances(stand_in: AwsStandIn, params: dict[str, Any]) -> dict[str, Any]:
    size = params.get("MaxResults")
    wanted: list[str] = params.get("InstanceIds", [])
    if size is not None:
        if wanted:
            raise AwsError(
                "InvalidParameterCombination",
                "The parameter instancesSet cannot be used with the parameter maxResults",
            )
        if not isinstance(size, int) or not MIN_RESULTS <= size <= MAX_RESULTS:
            raise AwsError(
                "InvalidParameterValue",
                f"Value ( {size} ) for parameter maxResults is invalid. "
                f"Parameter must be between {MIN_RESULTS} and {MAX_RESULTS}.",
            )
    conditions = []
    for flt in params.get("Filters", []):
        name, values = flt["Name"], flt["Values"]
        if name not in _FILTERS and not name.startswith("tag:"):
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid (not simulated)")
        if not values:
            raise AwsError("InvalidParameterValue", f"The filter '{name}' has no values")
        conditions.append((name, [_wildcard(v) for v in values]))
    now = datetime.now(UTC)
    with stand_in.fleet.lock:
        instances = {
            node.node_id: _instance(node, stand_in._managed(node, now), stand_in.fleet.region)
            for node in sorted(stand_in.fleet.nodes(), key=lambda n: n.node_id)
            if node.node_id.startswith("i-")
            # EC2 lists a terminated instance for about an hour, then forgets it.
            and (node.deleted_at is None or now - _aware(node.deleted_at) < TERMINATED_VISIBLE)
        }
    malformed = [i for i in wanted if i not in instances and not _INSTANCE_ID.fullmatch(i)]
    if malformed:
        raise AwsError("InvalidInstanceID.Malformed", f'Invalid id: "{malformed[0]}"')
    missing = sorted({i for i in wanted if i not in instances})
    if len(missing) == 1:
        raise AwsError("InvalidInstanceID.NotFound", f"The instance ID '{missing[0]}' does not exist")
    if missing:
        raise AwsError("InvalidInstanceID.NotFound", f"The instance IDs '{', '.join(missing)}' do not exist")
    chosen = [
        instance
        for instance_id, instance in instances.items()
        if (not wanted or instance_id in wanted)
        and all(_matches(instance, name, patterns) for name, patterns in conditions)
    ]
    reservations = [_reservation(instance, stand_in.fleet.account_id) for instance in chosen]
    page, token = stand_in._page(
        "DescribeInstances",
        params,
        reservations,
        size if isinstance(size, int) else max(1, len(reservations)),
        invalid_token="InvalidPaginationToken",
    )
    result: dict[str, Any] = {"Reservations": page}
    if token:
        result["NextToken"] = token
    return result


def _matches(instance: Mapping[str, Any], name: str, patterns: list[re.Pattern[str]]) -> bool:
    tags = {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])}
    if name == "instance-id":
        candidates = [instance["InstanceId"]]
    elif name == "instance-state-name":
        candidates = [instance["State"]["Name"]]
    elif name == "tag-key":
        candidates = list(tags)
    else:
        key = name.removeprefix("tag:")
        candidates = [tags[key]] if key in tags else []
    return any(p.fullmatch(c) for p in patterns for c in candidates)


def _instance(node: SimNode, managed: bool, region: str) -> dict[str, Any]:
    """One fleet node as an EC2 instance, under the model's member names."""
    windows = node.platform_type == "Windows"
    dns_suffix = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
    launched = node.registered_at if node.registered_at.tzinfo else node.registered_at.replace(tzinfo=UTC)
    instance: dict[str, Any] = {
        "AmiLaunchIndex": 0,
        "ImageId": IMAGE_ID,
        "InstanceId": node.node_id,
        "InstanceType": INSTANCE_TYPE,
        "LaunchTime": launched,
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": f"{region}a", "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": f"ip-{node.ip_address.replace('.', '-')}.{dns_suffix}",
        "PrivateIpAddress": node.ip_address,
        "ProductCodes": [],
        "PublicDnsName": "",
        "State": _RUNNING,
        "StateTransitionReason": "",
        "Architecture": "x86_64",
        "Hypervisor": "xen",
        "RootDeviceName": "/dev/sda1" if windows else "/dev/xvda",
        "RootDeviceType": "ebs",
        "VirtualizationType": "hvm",
        "PlatformDetails": "Windows" if windows else "Linux/UNIX",
    }
    if windows:
        instance["Platform"] = "windows"  # what EC2 sends, though botocore's model spells it `Windows`
    if node.deleted_at is not None:
        instance["State"] = _TERMINATED
        instance["StateTransitionReason"] = (
            f"User initiated ({node.deleted_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} GMT)"
        )
    elif not managed and node.unmanaged_since is not None:
        stopped = node.unmanaged_since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S GMT")
        instance["State"] = _STOPPED
        instance["StateTransitionReason"] = f"User initiated ({stopped})"
        instance["StateReason"] = {
            "Code": "Client.UserInitiatedShutdown",
            "Message": "Client.UserInitiatedShutdown: User initiated shutdown",
        }
    tags = node.ec2_tags()
    if tags:
        instance["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    return instance


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _reservation(instance: Mapping[str, Any], account_id: str) -> dict[str, Any]:
    # Each simulated instance was launched on its own; its reservation id is stable across calls.
    digest = hashlib.sha256(instance["InstanceId"].encode()).hexdigest()[:17]
    return {"ReservationId": f"r-{digest}", "OwnerId": account_id, "Groups": [], "Instances": [instance]}


# --- XML --------------------------------------------------------------------------------------------
@functools.cache
def _operation(name: str) -> OperationModel:
    return botocore.session.get_session().get_service_model("ec2").operation_model(name)


def _response(operation: str, request_id: str, result: Mapping[str, Any]) -> bytes:
    shape = _operation(operation).output_shape
    assert shape is not None
    root = ET.Element(f"{operation}Response", xmlns=XML_NAMESPACE)
    ET.SubElement(root, "requestId").text = request_id
    _fill(root, shape, result)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _fill(element: ET.Element, shape: Shape, value: Any) -> None:
    """Write `value` into `element` under the XML names the model gives (an unknown member is a bug)."""
    if isinstance(shape, StructureShape):
        for name, item in value.items():
            member = shape.members[name]
            _fill(ET.SubElement(element, member.serialization.get("name", name)), member, item)
    elif isinstance(shape, ListShape):
        for item in value:
            _fill(ET.SubElement(element, shape.member.serialization.get("name", "item")), shape.member, item)
    elif shape.type_name == "timestamp":
        at = value.astimezone(UTC)
        element.text = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    elif shape.type_name == "boolean":
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def _error(error: AwsError, request_id: str) -> bytes:
    root = ET.Element("Response")
    detail = ET.SubElement(ET.SubElement(root, "Errors"), "Error")
    ET.SubElement(detail, "Code").text = error.code
    ET.SubElement(detail, "Message").text = error.message
    ET.SubElement(root, "RequestID").text = request_id
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
