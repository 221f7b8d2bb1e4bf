"""A loopback AWS stand-in serving a simulated fleet through the real Config and SSM JSON 1.1 APIs.

No library emulates Config's history paging or SSM's inventory, association and Run Command calls, so
pkgwhen brings its own: a `ThreadingHTTPServer` on 127.0.0.1 that unmodified boto3 reaches through
`endpoint_url=` or `AWS_ENDPOINT_URL_CONFIG_SERVICE` / `AWS_ENDPOINT_URL_SSM`. It answers the way
AWS does (AWS-NOTES §3 and §5): GetResourceConfigHistory scans at most seven days per call, so pages
can be empty and still carry a token; GetCommandInvocation does not know an invocation right after
SendCommand; errors come as HTTP 400 `{"__type": Code, "message": ...}`. `Faults` adds latency,
throttling and denied actions while the server runs.

Inventory runs are simulated: StartAssociationsOnce and SendCommand `AWS-RefreshAssociation` make each
Online target node call `Fleet.capture` after `Faults.collect_delay_s`, on the stand-in's own clock
thread. Nodes that stopped being managed (`unmanaged_since`) are left out of DescribeInstanceInformation,
association runs and Run Command; their inventory and Config history stay readable.

Accounts and regions are told apart as AWS tells them (AWS-NOTES §8): a request is served the fleet of the
account its access key belongs to (AWS encodes the account in the key, and moto's STS issues AssumeRole
credentials that way) in the region its SigV4 signature is scoped to. `AwsStandIn(fleet)` serves one fleet;
`add_fleet` adds others. Keys that name no account (`testing`) are the first fleet's account; a known account
in a region without a fleet has no Config recorder there; an account outside the simulated organization is
`UnrecognizedClientException`, a region AWS does not have `InvalidSignatureException`.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import botocore.session
import msgspec

from bot.sim.fleet import (
    EC2_INSTANCE_RESOURCE_TYPE,
    INVENTORY_RESOURCE_TYPE,
    SCHEMA_VERSIONS,
    Fleet,
    SimNode,
    iso,
)

_log = logging.getLogger(__name__)

CONFIG_TARGET_PREFIX = "StarlingDoveService"
SSM_TARGET_PREFIX = "AmazonSSM"
GATHER_INVENTORY_DOCUMENT = "AWS-GatherSoftwareInventory"
REFRESH_ASSOCIATION_DOCUMENT = "AWS-RefreshAssociation"
INVENTORY_ASSOCIATION_NAME = "Inventory-Association"
INVENTORY_SCHEDULE = "rate(30 minutes)"
# What the SSM agent keeps of a command's output, and how it marks a cut (AWS-NOTES §5).
MAX_STANDARD_OUTPUT = 24_000
MAX_STANDARD_ERROR = 8_000
MAX_PLUGIN_OUTPUT = 2_500
TRUNCATED_MARKER = "--output truncated--"
CALLER_ROLE = "pkgwhen/bot"

_WEEK_US = 7 * 24 * 3600 * 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DEFAULT_COMMAND_TIMEOUT_S = 3600
_RUN_SUMMARY = "1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. "
# Inventory types SSM knows besides the ones Config records; any `Custom:` type is accepted too.
_SCHEMA_VERSIONS = {
    **SCHEMA_VERSIONS,
    "AWS:File": "1.0",
    "AWS:Service": "1.0",
    "AWS:WindowsRegistry": "1.0",
    "AWS:WindowsRole": "1.0",
    "AWS:Tag": "1.0",
    "AWS:BillingInfo": "1.0",
    "AWS:ComplianceItem": "1.0",
    "AWS:InstanceDetailedInformation": "1.0",
}
_GATHER_INVENTORY_PARAMETERS = {
    "applications": ["Enabled"],
    "awsComponents": ["Enabled"],
    "billingInfo": ["Enabled"],
    "customInventory": ["Enabled"],
    "files": [""],
    "instanceDetailedInformation": ["Enabled"],
    "networkConfig": ["Enabled"],
    "services": ["Enabled"],
    "windowsRegistry": [""],
    "windowsRoles": ["Enabled"],
    "windowsUpdates": ["Enabled"],
}
_OTHER_RECORDED_RESOURCE_TYPES = [EC2_INSTANCE_RESOURCE_TYPE, "AWS::EC2::SecurityGroup", "AWS::EC2::Volume"]

DocumentRun = Callable[[SimNode, dict[str, list[str]]], tuple[int, str, str]]
_Row = TypeVar("_Row")


@dataclass
class Faults:
    """What goes wrong, changeable while the server runs (each call reads the current values)."""

    latency_s: float = 0.0
    calls_per_second: float | None = None  # token bucket over all calls, burst max(1, rate)
    throttle_next: int = 0  # the next N calls answer ThrottlingException
    denied_actions: set[str] = field(default_factory=set)  # "ssm:SendCommand" -> AccessDeniedException
    collect_delay_s: float = 0.5  # how long an inventory run takes before Fleet.capture
    invocation_visible_after_s: float = 0.2  # GetCommandInvocation: InvocationDoesNotExist until then
    # Overrides a command's delivery timeout (its TimeoutSeconds, at least 30 s on AWS) so a test can
    # watch an offline node's invocation end DeliveryTimedOut.
    delivery_timeout_s: float | None = None
    # AWS hanging: while this event is clear, every call waits for it to be set (at most a minute).
    released: threading.Event | None = None
    # Operations (e.g. "SendCommand") that are carried out, then answered by dropping the connection.
    unanswered: set[str] = field(default_factory=set)
    # Every Config and SSM call answers this credentials error (one of CREDENTIAL_ERRORS), as AWS does
    # for an expired session token or an access key it does not know.
    credentials_error: str | None = None
    # The endpoint cannot be reached: each connection is closed before any answer (a firewall or proxy
    # cutting it), so botocore sees the connection fail.
    unreachable: bool = False
    # An outage: until this time.monotonic(), calls of `outage_actions` (every action when empty) fail
    # with `outage_code` and `outage_status` (set it with AwsStandIn.outage).
    outage_until: float = 0.0
    outage_actions: frozenset[str] = frozenset()
    outage_code: str = "ServiceUnavailable"
    outage_status: int = 503


# What Config and SSM answer (HTTP 400) when the caller's credentials are not usable: two of the errors
# every AWS JSON API can return ("Common Errors" in the Config and SSM API references), AWS's own words.
CREDENTIAL_ERRORS = {
    "ExpiredTokenException": "The security token included in the request is expired",
    "UnrecognizedClientException": "The security token included in the request is invalid.",
}


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in answered: operation name without prefix, decoded body, outcome."""

    operation: str
    params: dict[str, Any]
    status: int
    error_code: str | None
    # Whose fleet answered: the account of the request's credentials and the region it was signed for.
    account_id: str = ""
    region: str = ""


class AwsError(Exception):
    """An error answer: HTTP status and the JSON body botocore reads the code and message from."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def agent_output_prefix(text: str, limit: int) -> str:
    """What the SSM agent keeps of an output: the first `limit` bytes, the cut marked with its suffix.

    Like the agent's ReadPrefix, output of exactly `limit` bytes counts as cut too.
    """
    data = text.encode()
    if len(data) < limit:
        return text
    return data[: limit - len(TRUNCATED_MARKER)].decode(errors="ignore") + TRUNCATED_MARKER


# --- time -------------------------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _micros(at: datetime) -> int:
    # Whole microseconds, so times a client sends back compare exactly with stored ones.
    return (_aware(at) - _EPOCH) // timedelta(microseconds=1)


def _string_time(at: datetime) -> str:
    """Run Command's time strings: `2019-01-30T14:16:03.478Z`."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _json_default(value: object) -> object:
    # AWS JSON 1.1 sends timestamps as epoch seconds.
    if isinstance(value, datetime):
        return _micros(value) / 1_000_000
    raise TypeError(f"cannot encode {type(value).__name__}")


def _wire(value: Any) -> Any:
    """`value` with its timestamps as AWS JSON 1.1 sends them (epoch seconds), ready for msgspec to encode."""
    if isinstance(value, dict):
        return {key: _wire(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(inner) for inner in value]
    if isinstance(value, datetime):
        return _json_default(value)
    return value


def _time_param(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise _validation(f"Value '{value}' at '{name}' is not a timestamp")
    if isinstance(value, int | float):
        return round(value * 1_000_000)
    if isinstance(value, str):
        try:
            return _micros(datetime.fromisoformat(value))
        except ValueError:
            pass
    raise AwsError("SerializationException", f"Cannot parse {name}: {value!r}")


# --- parameters -------------------------------------------------------------------------------------
def _validation(message: str) -> AwsError:
    return AwsError("ValidationException", f"1 validation error detected: {message}")


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise _validation(f"Value null at '{name}' failed to satisfy constraint: Member must not be null")
    if not isinstance(value, str):
        raise AwsError("SerializationException", f"{name} must be a string")
    return value


def _strings(params: Mapping[str, Any], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AwsError("SerializationException", f"{name} must be a list of strings")
    return list(value)


def _objects(params: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise AwsError("SerializationException", f"{name} must be a list of objects")
    return list(value)


def _page_size(
    params: Mapping[str, Any],
    name: str,
    *,
    default: int,
    low: int,
    high: int,
    too_high: str = "ValidationException",
) -> int:
    value = params.get(name)
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise AwsError("SerializationException", f"{name} must be an integer")
    if value > high:
        raise AwsError(
            too_high,
            f"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: "
            f"Member must have value less than or equal to {high}",
        )
    if value < low:
        raise _validation(
            f"Value '{value}' at '{name}' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {low}"
        )
    return value


def _fingerprint(params: Mapping[str, Any], *ignored: str) -> str:
    kept = {k: v for k, v in params.items() if k not in ignored}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()[:24]


# --- who is asking, and where ------------------------------------------------------------------------
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/[^/,\s]+/aws4_request")
# The account number sits in bits 7-46 of the first six bytes of the base32 after the key's prefix.
_ACCOUNT_BITS = 0x7FFFFFFFFF80


def credential_scope(authorization: str | None) -> tuple[str, str] | None:
    """(access key ID, region) from a SigV4 `Authorization` header; None for an unsigned request."""
    match = _CREDENTIAL.search(authorization or "")
    return (match.group(1), match.group(2)) if match else None


def account_of_access_key(access_key_id: str) -> str | None:
    """The AWS account an access key ID belongs to, as AWS encodes it (what `sts get-access-key-info` reads).

    Long-term (`AKIA`) and temporary (`ASIA`) keys carry the account in their first characters after the
    prefix; moto's IAM and STS issue keys the same way, so credentials from AssumeRole name the role's
    account. Anything else (`testing`, a malformed key) names no account: None.
    """
    if len(access_key_id) != 20 or access_key_id[:4] not in ("AKIA", "ASIA"):
        return None
    try:
        decoded = base64.b32decode(access_key_id[4:])
    except ValueError:
        return None
    account = (int.from_bytes(decoded[:6], "big") & _ACCOUNT_BITS) >> 7
    return f"{account:012d}" if account < 10**12 else None


# botocore's models are loaded once, by one thread: requests arriving together would each load them
# (about a tenth of a second of CPU apiece) before the first had filled the cache.
_models_lock = threading.Lock()


def _known_regions() -> frozenset[str]:
    """Every region of every partition botocore knows Config in (the ones an endpoint could be signed for)."""
    with _models_lock:
        return _load_known_regions()


def _config_resource_types() -> frozenset[str]:
    """Every resource type Config knows, from botocore's own model of the service."""
    with _models_lock:
        return _load_config_resource_types()


@functools.cache
def _load_known_regions() -> frozenset[str]:
    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("config", partition)
    )


@functools.cache
def _load_config_resource_types() -> frozenset[str]:
    shape = botocore.session.get_session().get_service_model("config").shape_for("ResourceType")
    return frozenset(getattr(shape, "enum", []))


class _TokenBook:
    """Opaque, signed page tokens: a garbage token or one made for other parameters is refused."""

    def __init__(self) -> None:
        self._key = os.urandom(32)

    def issue(self, operation: str, fingerprint: str, state: Mapping[str, Any]) -> str:
        payload = json.dumps({"op": operation, "fp": fingerprint, "s": state}, separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._mac(body)}"

    def redeem(self, token: object, operation: str, fingerprint: str, error: AwsError) -> dict[str, Any]:
        if not isinstance(token, str) or token.count(".") != 1:
            raise error
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            raise error
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if payload.get("op") != operation or payload.get("fp") != fingerprint:
            raise error
        state: dict[str, Any] = payload["s"]
        return state

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:32]


# --- inventory filters ------------------------------------------------------------------------------
_FILTER_TYPES = ("Equal", "NotEqual", "BeginWith", "LessThan", "GreaterThan", "Exists")


@dataclass(frozen=True)
class _InventoryFilter:
    type_name: str
    attribute: str
    values: tuple[str, ...]
    operator: str

    def accepts(self, entry: Mapping[str, str]) -> bool:
        value = entry.get(self.attribute)
        if self.operator == "Exists":
            return value is not None
        if self.operator == "NotEqual":
            return value is None or value not in self.values
        if value is None:
            return False
        if self.operator == "Equal":
            return value in self.values
        if self.operator == "BeginWith":
            return any(value.startswith(v) for v in self.values)
        if self.operator == "LessThan":
            return any(_compare(value, v) < 0 for v in self.values)
        return any(_compare(value, v) > 0 for v in self.values)


def _compare(left: str, right: str) -> int:
    """Numbers compare as numbers, anything else as text."""
    try:
        a, b = float(left), float(right)
    except ValueError:
        return (left > right) - (left < right)
    return (a > b) - (a < b)


def _inventory_filters(raw: list[dict[str, Any]], type_name: str | None) -> list[_InventoryFilter]:
    """Parse Filters; `type_name` None means keys must be qualified (`AWS:Application.Name`)."""
    if len(raw) > 5:
        raise _validation(
            "Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5"
        )
    parsed = []
    for item in raw:
        key, values, operator = item.get("Key"), item.get("Values"), item.get("Type", "Equal")
        if not isinstance(key, str) or not key:
            raise AwsError("InvalidFilter", "The filter key is not valid.")
        if (
            not isinstance(values, list)
            or not values
            or len(values) > 40
            or not all(isinstance(v, str) for v in values)
        ):
            raise AwsError("InvalidFilter", f"The filter values for {key} are not valid.")
        if operator not in _FILTER_TYPES:
            raise AwsError("InvalidFilter", f"The filter type {operator} is not valid.")
        if type_name is None:
            owner, dot, attribute = key.rpartition(".")
            if not dot or not owner.startswith(("AWS:", "Custom:")) or not attribute:
                raise AwsError("InvalidFilter", f"The filter key {key} is not valid: use TypeName.Attribute.")
        else:
            owner, attribute = type_name, key.removeprefix(type_name + ".")
        parsed.append(_InventoryFilter(owner, attribute, tuple(values), operator))
    return parsed


def _check_type_name(type_name: str, captured: Mapping[str, object]) -> None:
    if type_name.startswith("Custom:") and len(type_name) > len("Custom:"):
        return
    if type_name in _SCHEMA_VERSIONS or type_name in captured:
        return
    raise AwsError("InvalidTypeNameException", f"The parameter type name {type_name} is not valid.")


# --- the simulated agents' clock --------------------------------------------------------------------
class _Clock:
    """Runs actions after a delay, in order, on one daemon thread: the fleet's agents at work."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="aws-stand-in-clock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._due.clear()
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def after(self, delay_s: float, action: Callable[[], None]) -> None:
        with self._condition:
            heapq.heappush(self._due, (time.monotonic() + max(0.0, delay_s), next(self._order), action))
            self._condition.notify_all()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._stopped and (not self._due or self._due[0][0] > time.monotonic()):
                    self._condition.wait(None if not self._due else self._due[0][0] - time.monotonic())
                if self._stopped:
                    return
                _, _, action = heapq.heappop(self._due)
            try:
                action()
            except Exception:  # a failing simulated agent must not stop the others; the log shows why
                _log.exception("simulated agent action failed")


# --- mutable records of what the simulated SSM did --------------------------------------------------
@dataclass
class _NodeRun:
    """The last run of a node's inventory association that the stand-in performed."""

    at: datetime
    status: str
    detailed_status: str
    summary: str
    last_success: datetime | None


@dataclass
class _ExecutionTarget:
    node_id: str
    status: str
    detailed_status: str
    last_execution: datetime | None = None
    output_source_id: str | None = None


@dataclass
class _Execution:
    association_id: str
    execution_id: str
    created: datetime
    targets: dict[str, _ExecutionTarget]
    last_execution: datetime | None = None

    def status(self) -> tuple[str, str]:
        states = [t.status for t in self.targets.values()]
        if states and all(s == "Pending" for s in states):
            return "Pending", "Pending"
        if any(s in ("Pending", "InProgress") for s in states):
            return "InProgress", "InProgress"
        if "Failed" in states:
            return "Failed", "Failed"
        return "Success", "Success"

    def resource_count(self) -> str:
        counts: dict[str, int] = {}
        for target in self.targets.values():
            counts[target.status] = counts.get(target.status, 0) + 1
        return "{" + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) + "}"


@dataclass
class _Invocation:
    node_id: str
    sent_at: float  # monotonic, for the eventual-consistency window
    status: str = "Pending"
    details: str = "Pending"
    response_code: int = -1
    stdout: str = ""
    stderr: str = ""
    started: datetime | None = None
    ended: datetime | None = None


@dataclass
class _Command:
    command_id: str
    document: str
    plugin: str
    comment: str
    parameters: dict[str, list[str]]
    instance_ids: list[str]
    targets: list[dict[str, Any]]
    requested: datetime
    timeout_s: int
    invocations: dict[str, _Invocation]


@dataclass(frozen=True)
class _Association:
    association_id: str
    node_ids: tuple[str, ...]
    everywhere: bool  # targets InstanceIds=* (every node of the fleet has it)
    created: datetime


# --- HTTP -------------------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's listen backlog is 5: a burst of clients would see connections reset, which the real
    # service does not do.
    request_queue_size = 128

    def __init__(self, stand_in: AwsStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stand_in = stand_in

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # Faults.unreachable: the connection is closed unanswered, as a dropping firewall or proxy would.
        return not self.stand_in.faults.unreachable


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    disable_nagle_algorithm = True  # headers and body go out in two writes: don't wait for an ACK between
    timeout = 60  # drop a client's idle keep-alive connection eventually

    def do_POST(self) -> None:
        assert isinstance(self.server, _Server)
        length = int(self.headers.get("Content-Length") or "0")
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        from bot.sim import ec2  # imported here: bot.sim.ec2 builds on this module

        # The fleet of the account whose credentials signed the request, in the region it was signed for.
        stand_in, refused = self.server.stand_in.route(self.headers.get("Authorization"))
        if not target and ec2.is_query(body):  # EC2's query protocol: a form body, an XML answer
            status, data = ec2.answer(stand_in, body, refused=refused)
            content_type = ec2.CONTENT_TYPE
        else:
            status, payload = stand_in.answer(target, body, refused=refused)
            if target.partition(".")[2] in stand_in.faults.unanswered:
                self.close_connection = True  # done, but the answer is lost on the way
                return
            # msgspec, not json: a history page is megabytes of escaped inventory, and the stand-in's own
            # encoding must not be what a benchmark of pkgwhen's reading measures.
            data = msgspec.json.encode(_wire(payload))
            content_type = "application/x-amz-json-1.1"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s " + format, self.address_string(), *args)


_Operation = Callable[[dict[str, Any]], dict[str, Any]]


class AwsStandIn:
    """Serves `fleet` as AWS Config and SSM would, with `faults` applied to every call."""

    def __init__(self, fleet: Fleet, faults: Faults | None = None) -> None:
        self.fleet = fleet
        self.faults = faults if faults is not None else Faults()
        self.calls: list[RecordedCall] = []
        self._calls_lock = threading.Lock()
        self._bucket: tuple[float, float, float] | None = None  # (rate, tokens, monotonic time)
        # One stand-in per account and region, each serving its own fleet with its own SSM state; this one
        # runs the server and routes every request (`route`). Calls, faults, the rate limit, page tokens, the
        # agents' clock and registered documents are shared by all of them.
        self._home = self
        self._cells: dict[tuple[str, str], AwsStandIn] = {(fleet.account_id, fleet.region): self}
        self._cells_lock = threading.Lock()
        self._tokens = _TokenBook()
        self._clock = _Clock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._recorder_started = _now()
        # State of the simulated SSM, guarded by fleet.lock like the nodes it describes.
        self._documents: dict[str, tuple[str, DocumentRun]] = {}
        self._node_runs: dict[str, _NodeRun] = {}
        self._executions: dict[str, list[_Execution]] = {}
        self._commands: dict[str, _Command] = {}
        config: dict[str, _Operation] = {
            "GetResourceConfigHistory": self._get_resource_config_history,
            "DescribeConfigurationRecorders": self._describe_configuration_recorders,
            "DescribeConfigurationRecorderStatus": self._describe_configuration_recorder_status,
            "ListDiscoveredResources": self._list_discovered_resources,
            "BatchGetResourceConfig": self._batch_get_resource_config,
        }
        ssm: dict[str, _Operation] = {
            "DescribeInstanceInformation": self._describe_instance_information,
            "ListInventoryEntries": self._list_inventory_entries,
            "GetInventory": self._get_inventory,
            "ListAssociations": self._list_associations,
            "DescribeAssociation": self._describe_association,
            "DescribeInstanceAssociationsStatus": self._describe_instance_associations_status,
            "StartAssociationsOnce": self._start_associations_once,
            "DescribeAssociationExecutions": self._describe_association_executions,
            "DescribeAssociationExecutionTargets": self._describe_association_execution_targets,
            "SendCommand": self._send_command,
            "GetCommandInvocation": self._get_command_invocation,
            "ListCommandInvocations": self._list_command_invocations,
        }
        self._operations: dict[str, tuple[str, str, _Operation]] = {
            **{f"{CONFIG_TARGET_PREFIX}.{op}": ("config", op, h) for op, h in config.items()},
            **{f"{SSM_TARGET_PREFIX}.{op}": ("ssm", op, h) for op, h in ssm.items()},
        }

    # --- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> str:
        if self._server is not None:
            return self.url
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="aws-stand-in",
            daemon=True,
        )
        self._thread.start()
        self._clock.start()
        return self.url

    def stop(self) -> None:
        self._clock.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> AwsStandIn:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the AWS stand-in is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def actions(self) -> frozenset[str]:
        """The IAM actions this stand-in serves, e.g. `ssm:SendCommand`."""
        return frozenset(f"{service}:{op}" for service, op, _ in self._operations.values())

    def count(self, operation: str) -> int:
        with self._calls_lock:
            return sum(1 for call in self.calls if call.operation == operation)

    def register_document(
        self, name: str, run: DocumentRun, *, plugin_name: str = "aws:runShellScript"
    ) -> None:
        """Let SendCommand run document `name`: `run(node, parameters)` -> (exit code, stdout, stderr).

        `run` is called on the stand-in's clock thread with `fleet.lock` held; keep it quick.
        """
        if name == REFRESH_ASSOCIATION_DOCUMENT:
            raise ValueError(f"{name} is built into the stand-in")
        with self.fleet.lock:
            self._documents[name] = (plugin_name, run)

    # --- accounts and regions -----------------------------------------------------------------------
    def add_fleet(self, fleet: Fleet) -> AwsStandIn:
        """Serve `fleet` too: to requests signed with credentials of its account, for its region.

        Returns the stand-in of that account and region (it shares this one's server, calls and faults).
        """
        home = self._home
        key = (fleet.account_id, fleet.region)
        with home._cells_lock:
            present = home._cells.get(key)
            if present is not None and present.fleet.has_recorder:
                raise ValueError(f"account {key[0]} in {key[1]} is served already")
            cell = home._cells[key] = home._cell(fleet)
        return cell

    def _cell(self, fleet: Fleet) -> AwsStandIn:
        cell = AwsStandIn(fleet, self.faults)
        cell._home = self
        cell.calls, cell._calls_lock = self.calls, self._calls_lock
        cell._tokens, cell._clock, cell._recorder_started = self._tokens, self._clock, self._recorder_started
        # pkgwhen's documents are deployed to every account and region it reads (StackSets).
        cell._documents = self._documents
        return cell

    def fleets(self) -> list[Fleet]:
        """Every fleet served, this stand-in's first; accounts and regions without Config are left out."""
        with self._home._cells_lock:
            return [c.fleet for c in self._home._cells.values() if c.fleet.has_recorder]

    def serving(self, account_id: str, region: str) -> AwsStandIn:
        """The stand-in answering requests of `account_id` in `region` (an empty one where nothing was set up)."""
        home = self._home
        with home._cells_lock:
            cell = home._cells.get((account_id, region))
            if cell is None:
                # A known account in a region where Config was never set up: no recorder, no nodes.
                empty = Fleet(account_id, region)
                empty.has_recorder = empty.recording = empty.recorder_running = False
                cell = home._cells[(account_id, region)] = home._cell(empty)
        return cell

    def route(self, authorization: str | None) -> tuple[AwsStandIn, AwsError | None]:
        """The stand-in for a request's `Authorization` header, or this one and the error AWS would answer.

        The account is the one the access key ID belongs to (AWS encodes it in the key; moto's STS and IAM
        issue keys the same way); keys that encode no account (`testing`) are this stand-in's account, as
        moto takes them for its default account. The region is the SigV4 credential scope's. Unsigned
        requests go to this stand-in.
        """
        scope = credential_scope(authorization)
        if scope is None:
            return self, None
        access_key, region = scope
        account = account_of_access_key(access_key) or self.fleet.account_id
        if region not in _known_regions():
            return self, AwsError(
                "InvalidSignatureException", f"Credential should be scoped to a valid region, not '{region}'."
            )
        with self._home._cells_lock:
            known = {a for a, _ in self._home._cells}
        if account not in known:
            # Credentials of an account this simulated organization does not have: AWS knows no such key.
            return self, AwsError(
                "UnrecognizedClientException", "The security token included in the request is invalid."
            )
        return self.serving(account, region), None

    # --- one request --------------------------------------------------------------------------------
    def answer(self, target: str, body: bytes, *, refused: AwsError | None = None) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body for one request (called by the server's handler threads).

        `refused`: the request's credentials or signing region are not accepted; it is answered with this error.
        """
        entry = self._operations.get(target)
        operation = target.partition(".")[2] if entry is not None else target
        params: dict[str, Any] = {}
        try:
            if self.faults.latency_s > 0:
                time.sleep(self.faults.latency_s)  # the simulated network is slow; nothing to wait for
            # AWS checks the signature and its credentials before anything else.
            failing = self.faults.credentials_error
            if failing is not None:
                raise AwsError(failing, CREDENTIAL_ERRORS[failing])
            if self.faults.released is not None:
                self.faults.released.wait(timeout=60)
            if refused is not None:
                raise refused
            self._admit()
            if entry is None:
                raise AwsError("UnknownOperationException", f"Unknown operation {target!r}")
            service, op, handler = entry
            try:
                decoded = json.loads(body or b"{}")
            except ValueError:
                raise AwsError("SerializationException", "Request body is not valid JSON") from None
            if not isinstance(decoded, dict):
                raise AwsError("SerializationException", "Request body must be a JSON object")
            params = decoded
            action = f"{service}:{op}"
            outage = self._in_outage(action)
            if outage is not None:
                raise outage
            if action in self.faults.denied_actions:
                caller = f"arn:aws:sts::{self.fleet.account_id}:assumed-role/{CALLER_ROLE}"
                raise AwsError(
                    "AccessDeniedException",
                    f"User: {caller} is not authorized to perform: {action} on resource: "
                    f"{self._resource_arn(service, params)} because no identity-based policy allows "
                    f"the {action} action",
                )
            status, payload, code = 200, handler(params), None
        except AwsError as error:
            status, payload, code = error.status, {"__type": error.code, "message": error.message}, error.code
        except Exception:  # a stand-in bug: answer like AWS's own failures, and log the traceback
            _log.exception("AWS stand-in failed on %s", target)
            status, payload, code = (
                500,
                {"__type": "InternalServerError", "message": "stand-in failure"},
                "InternalServerError",
            )
        self.record(RecordedCall(operation, params, status, code))
        return status, payload

    def record(self, call: RecordedCall) -> None:
        """Keep one answered call, naming the account and region that answered it."""
        call = dataclasses.replace(call, account_id=self.fleet.account_id, region=self.fleet.region)
        with self._calls_lock:
            self.calls.append(call)

    def outage(
        self,
        seconds: float,
        *,
        actions: frozenset[str] = frozenset(),
        code: str = "ServiceUnavailable",
        status: int = 503,
    ) -> None:
        """For the next `seconds`, every call of `actions` (all when empty) answers `code` with HTTP `status`:
        `ThrottlingException`/400 is Config throttling everyone, `ServiceUnavailable`/503 an outage."""
        self.faults.outage_actions = frozenset(actions)
        self.faults.outage_code = code
        self.faults.outage_status = status
        self.faults.outage_until = time.monotonic() + seconds

    def _in_outage(self, action: str) -> AwsError | None:
        faults = self.faults
        if time.monotonic() >= faults.outage_until:
            return None
        if faults.outage_actions and action not in faults.outage_actions:
            return None
        return AwsError(faults.outage_code, f"{faults.outage_code} (simulated outage)", faults.outage_status)

    def _admit(self) -> None:
        home = self._home  # one rate limit for the whole endpoint
        with home._calls_lock:
            if home.faults.throttle_next > 0:
                home.faults.throttle_next -= 1
                raise AwsError("ThrottlingException", "Rate exceeded")
            rate = home.faults.calls_per_second
            if rate is None:
                home._bucket = None
                return
            now, burst = time.monotonic(), max(1.0, rate)
            if home._bucket is None or home._bucket[0] != rate:
                tokens = burst
            else:
                tokens = min(burst, home._bucket[1] + (now - home._bucket[2]) * rate)
            if tokens < 1:
                home._bucket = (rate, tokens, now)
                raise AwsError("ThrottlingException", "Rate exceeded")
            home._bucket = (rate, tokens - 1, now)

    def _resource_arn(self, service: str, params: Mapping[str, Any]) -> str:
        """The resource an AccessDeniedException names, as IAM would evaluate the call."""
        region, account = self.fleet.region, self.fleet.account_id
        if service == "config":
            return f"arn:aws:config:{region}:{account}:*"
        document = params.get("DocumentName")
        if isinstance(document, str):
            owner = "" if document.startswith("AWS-") else account
            return f"arn:aws:ssm:{region}:{owner}:document/{document}"
        association = params.get("AssociationId") or next(iter(params.get("AssociationIds") or []), None)
        if isinstance(association, str):
            return f"arn:aws:ssm:{region}:{account}:association/{association}"
        instance = params.get("InstanceId")
        if isinstance(instance, str):
            if instance.startswith("mi-"):
                return f"arn:aws:ssm:{region}:{account}:managed-instance/{instance}"
            return f"arn:aws:ec2:{region}:{account}:instance/{instance}"
        return f"arn:aws:ssm:{region}:{account}:*"

    def _page(
        self,
        operation: str,
        params: Mapping[str, Any],
        rows: Sequence[_Row],
        size: int,
        *,
        token_key: str = "NextToken",
        size_key: str = "MaxResults",
        invalid_token: str = "InvalidNextToken",
    ) -> tuple[list[_Row], str | None]:
        """One page of `rows` from the offset in the request's token, and the token for the next page."""
        fingerprint = _fingerprint(params, token_key, size_key)
        offset = 0
        if params.get(token_key) is not None:
            error = AwsError(invalid_token, "The specified token is not valid.")
            offset = int(self._tokens.redeem(params[token_key], operation, fingerprint, error)["offset"])
        end = offset + size
        token = self._tokens.issue(operation, fingerprint, {"offset": end}) if end < len(rows) else None
        return list(rows[offset:end]), token

    # --- Config -------------------------------------------------------------------------------------
    def _require_recorder(self) -> None:
        """Config's answer where it was never set up (no recorder in this account and region)."""
        if not self.fleet.has_recorder:
            raise AwsError(
                "NoAvailableConfigurationRecorderException",
                "There are no customer managed configuration recorders available to record your resources.",
            )

    def _get_resource_config_history(self, p: dict[str, Any]) -> dict[str, Any]:
        self._require_recorder()
        resource_type = _text(p, "resourceType")
        if resource_type not in _config_resource_types():
            raise _validation(
                f"Value '{resource_type}' at 'resourceType' failed to satisfy constraint: "
                "Member must satisfy enum value set"
            )
        resource_id = _text(p, "resourceId")
        order = p.get("chronologicalOrder", "Reverse")
        if order not in ("Reverse", "Forward"):
            raise _validation(
                f"Value '{order}' at 'chronologicalOrder' failed to satisfy constraint: "
                "Member must satisfy enum value set: [Reverse, Forward]"
            )
        limit = _page_size(p, "limit", default=10, low=0, high=100, too_high="InvalidLimitException") or 10
        later_given, earlier_given = _time_param(p, "laterTime"), _time_param(p, "earlierTime")
        with self.fleet.lock:
            node = self.fleet.node(resource_id)
            recording = self.fleet.recording
            if node is None:
                items: list[dict[str, Any]] = []
            elif resource_type == EC2_INSTANCE_RESOURCE_TYPE:
                items = self.fleet.instance_items(node)
            else:
                items = list(node.items)
        history = sorted(
            (
                (_micros(item["configurationItemCaptureTime"]), index, item)
                for index, item in enumerate(items)
            ),
            key=lambda entry: (entry[0], entry[1]),
        )
        recorded = resource_type == EC2_INSTANCE_RESOURCE_TYPE or (
            resource_type == INVENTORY_RESOURCE_TYPE and recording
        )
        if not recorded or not history:
            raise AwsError(
                "ResourceNotDiscoveredException",
                f"Resource {resource_id} of resourceType:{resource_type} "
                "is unknown or has not been discovered",
            )
        fingerprint = _fingerprint(p, "nextToken", "limit")
        after: tuple[int, int] | None = None
        if p.get("nextToken") is None:
            later = later_given if later_given is not None else _micros(_now())
            earlier = earlier_given if earlier_given is not None else history[0][0]
            if earlier_given is not None and earlier > later:
                raise AwsError("InvalidTimeRangeException", "The earlierTime must be before the laterTime.")
            # The sweep starts at the near end: laterTime going back, earlierTime going forward.
            edge = later if order == "Reverse" else earlier
        else:
            error = AwsError("InvalidNextTokenException", "The nextToken provided is invalid")
            state = self._tokens.redeem(p["nextToken"], "GetResourceConfigHistory", fingerprint, error)
            later, earlier, edge = int(state["later"]), int(state["earlier"]), int(state["edge"])
            after = (int(state["after"][0]), int(state["after"][1])) if state["after"] else None
        in_range = [entry for entry in history if earlier <= entry[0] <= later]
        # Each call scans one span of at most seven days from the edge; the last span reaches the far end.
        if order == "Reverse":
            bound = edge - _WEEK_US
            final = bound <= earlier
            span = [
                e
                for e in reversed(in_range)
                if e[0] <= edge and (final or e[0] > bound) and (after is None or (e[0], e[1]) < after)
            ]
        else:
            bound = edge + _WEEK_US
            final = bound >= later
            span = [
                e
                for e in in_range
                if e[0] >= edge and (final or e[0] < bound) and (after is None or (e[0], e[1]) > after)
            ]
        page = span[:limit]
        last = (page[-1][0], page[-1][1]) if page else after
        result: dict[str, Any] = {"configurationItems": [_api_item(entry[2]) for entry in page]}
        next_edge = edge if len(span) > limit else bound  # more than `limit` in the span: stay inside it
        if len(span) > limit or not final:
            state = {
                "later": later,
                "earlier": earlier,
                "edge": next_edge,
                "after": list(last) if last else None,
            }
            result["nextToken"] = self._tokens.issue("GetResourceConfigHistory", fingerprint, state)
        return result

    def _recorder_arn(self) -> str:
        suffix = hashlib.sha256(self.fleet.recorder_name.encode()).hexdigest()[:16]
        return (
            f"arn:aws:config:{self.fleet.region}:{self.fleet.account_id}:"
            f"configuration-recorder/{self.fleet.recorder_name}/{suffix}"
        )

    def _check_recorder_names(self, p: Mapping[str, Any]) -> None:
        for name in _strings(p, "ConfigurationRecorderNames"):
            if name != self.fleet.recorder_name or not self.fleet.has_recorder:
                raise AwsError(
                    "NoSuchConfigurationRecorderException",
                    f"Cannot find configuration recorder with the specified name '{name}'.",
                )

    def _describe_configuration_recorders(self, p: dict[str, Any]) -> dict[str, Any]:
        self._check_recorder_names(p)
        if not self.fleet.has_recorder:
            return {"ConfigurationRecorders": []}
        with self.fleet.lock:
            recording = self.fleet.recording
        types = sorted([*_OTHER_RECORDED_RESOURCE_TYPES, *([INVENTORY_RESOURCE_TYPE] if recording else [])])
        recorder = {
            "arn": self._recorder_arn(),
            "name": self.fleet.recorder_name,
            "roleARN": (
                f"arn:aws:iam::{self.fleet.account_id}:role/aws-service-role/"
                "config.amazonaws.com/AWSServiceRoleForConfig"
            ),
            "recordingGroup": {
                "allSupported": False,
                "includeGlobalResourceTypes": False,
                "resourceTypes": types,
                "exclusionByResourceTypes": {"resourceTypes": []},
                "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
            },
            "recordingMode": {"recordingFrequency": "CONTINUOUS", "recordingModeOverrides": []},
        }
        return {"ConfigurationRecorders": [recorder]}

    def _describe_configuration_recorder_status(self, p: dict[str, Any]) -> dict[str, Any]:
        self._check_recorder_names(p)
        if not self.fleet.has_recorder:
            return {"ConfigurationRecordersStatus": []}
        with self.fleet.lock:
            running = self.fleet.recorder_running
        status: dict[str, Any] = {
            "arn": self._recorder_arn(),
            "name": self.fleet.recorder_name,
            "lastStartTime": self._recorder_started,
            "recording": running,
            "lastStatus": "SUCCESS",  # what AWS sends, though the model's enum spells it Success
            "lastStatusChangeTime": self._recorder_started,
        }
        if not running:
            status["lastStopTime"] = self._recorder_started
        return {"ConfigurationRecordersStatus": [status]}

    def _list_discovered_resources(self, p: dict[str, Any]) -> dict[str, Any]:
        self._require_recorder()
        resource_type = _text(p, "resourceType")
        if resource_type not in _config_resource_types():
            raise _validation(f"Value '{resource_type}' at 'resourceType' failed to satisfy constraint")
        size = _page_size(p, "limit", default=100, low=0, high=100, too_high="InvalidLimitException") or 100
        wanted = set(_strings(p, "resourceIds"))
        deleted_too = p.get("includeDeletedResources") is True
        with self.fleet.lock:
            found = (
                sorted(
                    (n.node_id, n.deleted_at)
                    for n in self.fleet.nodes()
                    if n.items
                    and (not wanted or n.node_id in wanted)
                    and (deleted_too or n.deleted_at is None)
                )
                if resource_type == INVENTORY_RESOURCE_TYPE and self.fleet.recording
                else []
            )
        deleted = {node_id: at for node_id, at in found if at is not None}
        ids = [node_id for node_id, _ in found]
        page, token = self._page(
            "ListDiscoveredResources",
            p,
            ids,
            size,
            token_key="nextToken",
            size_key="limit",
            invalid_token="InvalidNextTokenException",
        )
        result: dict[str, Any] = {
            "resourceIdentifiers": [
                {"resourceType": INVENTORY_RESOURCE_TYPE, "resourceId": i}
                | ({"resourceDeletionTime": _aware(deleted[i])} if i in deleted else {})
                for i in page
            ]
        }
        if token:
            result["nextToken"] = token
        return result

    def _batch_get_resource_config(self, p: dict[str, Any]) -> dict[str, Any]:
        self._require_recorder()
        keys = _objects(p, "resourceKeys")
        if not 1 <= len(keys) <= 100:
            raise _validation(
                "Value at 'resourceKeys' failed to satisfy constraint: "
                "Member must have length between 1 and 100"
            )
        found, unprocessed = [], []
        with self.fleet.lock:
            recording = self.fleet.recording
            for key in keys:
                node = self.fleet.node(str(key.get("resourceId")))
                if (
                    key.get("resourceType") == INVENTORY_RESOURCE_TYPE
                    and recording
                    and node is not None
                    and node.items
                ):
                    latest = max(node.items, key=lambda item: _micros(item["configurationItemCaptureTime"]))
                    found.append(_base_item(latest))
                else:
                    unprocessed.append(
                        {"resourceType": key.get("resourceType"), "resourceId": key.get("resourceId")}
                    )
        result: dict[str, Any] = {"baseConfigurationItems": found}
        if unprocessed:  # the model gives this list a minimum length of 1: absent rather than empty
            result["unprocessedResourceKeys"] = unprocessed
        return result

    # --- SSM: nodes and inventory -------------------------------------------------------------------
    def _managed(self, node: SimNode, now: datetime) -> bool:
        return node.unmanaged_since is None or _aware(node.unmanaged_since) > now

    def _node_run(self, node: SimNode) -> _NodeRun | None:
        """The node's last inventory run: the stand-in's own record, or the fleet's latest capture."""
        recorded = self._node_runs.get(node.node_id)
        if node.capture_time is not None:
            captured = _aware(node.capture_time)
            if recorded is None or recorded.at < captured:
                return _NodeRun(captured, "Success", "Success", _RUN_SUMMARY, captured)
        return recorded

    def _instance_information(self, node: SimNode, now: datetime) -> dict[str, Any]:
        last_seen = node.capture_time or node.registered_at
        info: dict[str, Any] = {
            "InstanceId": node.node_id,
            "PingStatus": node.ping_status,
            "LastPingDateTime": now if node.ping_status == "Online" else last_seen,
            "AgentVersion": node.agent_version,
            "IsLatestVersion": True,
            "PlatformType": node.platform_type,
            "PlatformName": node.platform_name,
            "PlatformVersion": node.platform_version,
            "ResourceType": node.resource_type,
            "IPAddress": node.ip_address,
            "ComputerName": node.computer_name,
            "SourceId": node.node_id,
            "SourceType": "AWS::SSM::ManagedInstance"
            if node.resource_type == "ManagedInstance"
            else "AWS::EC2::Instance",
        }
        if node.resource_type == "ManagedInstance":
            info["ActivationId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"activation/{node.node_id}"))
            info["IamRole"] = "SSMServiceRole"
            info["RegistrationDate"] = node.registered_at
            info["Name"] = node.name_tag or node.computer_name
        run = self._node_run(node)
        if run is not None:
            info["AssociationStatus"] = run.status
            info["LastAssociationExecutionDate"] = run.at
            if run.last_success is not None:
                info["LastSuccessfulAssociationExecutionDate"] = run.last_success
            info["AssociationOverview"] = {
                "DetailedStatus": run.detailed_status,
                "InstanceAssociationStatusAggregatedCount": {run.status: 1},
            }
        elif node.inventory_association_id is not None:
            info["AssociationStatus"] = "Pending"
            info["AssociationOverview"] = {
                "DetailedStatus": "Pending",
                "InstanceAssociationStatusAggregatedCount": {"Pending": 1},
            }
        return info

    def _describe_instance_information(self, p: dict[str, Any]) -> dict[str, Any]:
        size = _page_size(p, "MaxResults", default=10, low=5, high=50)
        conditions: list[tuple[str, list[str]]] = []
        for item in _objects(p, "InstanceInformationFilterList"):
            key, values = item.get("key"), item.get("valueSet")
            if key not in _INSTANCE_FILTER_KEYS:
                raise AwsError("InvalidFilterKey", f"The filter key {key} is not valid.")
            conditions.append((str(key), _strings(item, "valueSet") if values else []))
        for item in _objects(p, "Filters"):
            key = item.get("Key")
            if not isinstance(key, str) or not (
                key in _INSTANCE_FILTER_KEYS or key == "tag-key" or key.startswith("tag:")
            ):
                raise AwsError("InvalidFilterKey", f"The filter key {key} is not valid.")
            conditions.append((key, _strings(item, "Values")))
        now = _now()
        with self.fleet.lock:
            managed = {n.node_id: n for n in self.fleet.nodes() if self._managed(n, now)}
            for key, values in conditions:
                if not values:
                    raise AwsError(
                        "InvalidInstanceInformationFilterValue", f"The filter {key} has no values."
                    )
                unknown = [v for v in values if key == "InstanceIds" and v not in managed]
                if unknown:
                    raise AwsError(
                        "InvalidInstanceId", f"Instance IDs {unknown} are not valid managed nodes."
                    )
            views = [(node, self._instance_information(node, now)) for _, node in sorted(managed.items())]
            rows = [
                info
                for node, info in views
                if all(_instance_matches(node, info, k, v) for k, v in conditions)
            ]
        page, token = self._page("DescribeInstanceInformation", p, rows, size)
        result: dict[str, Any] = {"InstanceInformationList": page}
        if token:
            result["NextToken"] = token
        return result

    def _list_inventory_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        node_id, type_name = _text(p, "InstanceId"), _text(p, "TypeName")
        if not type_name.startswith(("AWS:", "Custom:")):
            raise AwsError("InvalidTypeNameException", f"The parameter type name {type_name} is not valid.")
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        filters = _inventory_filters(_objects(p, "Filters"), type_name)
        with self.fleet.lock:
            node = self.fleet.node(node_id)
            if node is None or node.deleted_at is not None:
                raise AwsError("InvalidInstanceId", f"Instance ID {node_id} is not valid.")
            _check_type_name(type_name, node.captured)
            entries = [dict(e) for e in node.captured.get(type_name, [])]
            capture_time = node.capture_time if type_name in node.captured else None
        rows = [e for e in entries if all(f.accepts(e) for f in filters)]
        page, token = self._page("ListInventoryEntries", p, rows, size)
        result: dict[str, Any] = {"TypeName": type_name, "InstanceId": node_id, "Entries": page}
        if capture_time is not None:
            result["SchemaVersion"] = _SCHEMA_VERSIONS.get(type_name, "1.0")
            result["CaptureTime"] = iso(capture_time)
        if token:
            result["NextToken"] = token
        return result

    def _get_inventory(self, p: dict[str, Any]) -> dict[str, Any]:
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        if p.get("Aggregators"):
            raise AwsError(
                "InvalidAggregatorException", "The stand-in does not emulate inventory aggregators."
            )
        filters = _inventory_filters(_objects(p, "Filters"), None)
        attributes = _objects(p, "ResultAttributes")
        wanted: str | None = None
        if attributes:
            if len(attributes) != 1 or attributes[0].get("TypeName") != "AWS:InstanceInformation":
                raise AwsError(
                    "InvalidResultAttributeException",
                    "ResultAttributes accepts only AWS:InstanceInformation.",
                )
            wanted = "AWS:InstanceInformation"
        rows = []
        with self.fleet.lock:
            for node in sorted(self.fleet.nodes(), key=lambda n: n.node_id):
                if node.capture_time is None or node.deleted_at is not None:
                    continue
                captured = node.captured
                if not all(any(f.accepts(e) for e in captured.get(f.type_name, [])) for f in filters):
                    continue
                data = {
                    type_name: {
                        "TypeName": type_name,
                        "SchemaVersion": _SCHEMA_VERSIONS.get(type_name, "1.0"),
                        "CaptureTime": iso(node.capture_time),
                        "Content": [dict(e) for e in entries],
                    }
                    for type_name, entries in sorted(captured.items())
                    if wanted is None or type_name == wanted
                }
                rows.append({"Id": node.node_id, "Data": data})
        page, token = self._page("GetInventory", p, rows, size)
        result: dict[str, Any] = {"Entities": page}
        if token:
            result["NextToken"] = token
        return result

    # --- SSM: associations --------------------------------------------------------------------------
    def _associations(self) -> dict[str, _Association]:
        """The inventory associations of the fleet (call with fleet.lock held)."""
        nodes = self.fleet.nodes()
        members: dict[str, list[SimNode]] = {}
        for node in nodes:
            if node.inventory_association_id is not None:
                members.setdefault(node.inventory_association_id, []).append(node)
        return {
            association_id: _Association(
                association_id,
                tuple(sorted(n.node_id for n in group)),
                len(group) == len(nodes),
                min(_aware(n.registered_at) for n in group),
            )
            for association_id, group in members.items()
        }

    def _targets(self, association: _Association, now: datetime) -> list[SimNode]:
        nodes = (self.fleet.node(node_id) for node_id in association.node_ids)
        return [n for n in nodes if n is not None and self._managed(n, now)]

    def _overview(self, association: _Association, now: datetime) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for node in self._targets(association, now):
            run = self._node_run(node)
            status = "Pending" if run is None else run.status
            counts[status] = counts.get(status, 0) + 1
        if "Failed" in counts:
            status, detailed = "Failed", "Failed"
        elif "Pending" in counts:
            status, detailed = "Pending", "Associated" if len(counts) == 1 else "Pending"
        else:
            status, detailed = "Success", "Success"
        return {"Status": status, "DetailedStatus": detailed, "AssociationStatusAggregatedCount": counts}

    def _association_summary(self, association: _Association, now: datetime) -> dict[str, Any]:
        runs = [r for r in (self._node_run(n) for n in self._targets(association, now)) if r is not None]
        summary: dict[str, Any] = {
            "Name": GATHER_INVENTORY_DOCUMENT,
            "AssociationId": association.association_id,
            "AssociationVersion": "1",
            "DocumentVersion": "$DEFAULT",
            "Targets": [
                {
                    "Key": "InstanceIds",
                    "Values": ["*"] if association.everywhere else list(association.node_ids),
                }
            ],
            "Overview": self._overview(association, now),
            "ScheduleExpression": INVENTORY_SCHEDULE,
            "AssociationName": INVENTORY_ASSOCIATION_NAME,
        }
        if runs:
            summary["LastExecutionDate"] = max(r.at for r in runs)
        return summary

    def _list_associations(self, p: dict[str, Any]) -> dict[str, Any]:
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        filters = [(str(f.get("key")), str(f.get("value"))) for f in _objects(p, "AssociationFilterList")]
        now = _now()
        with self.fleet.lock:
            rows = []
            for _, association in sorted(self._associations().items()):
                summary = self._association_summary(association, now)
                if all(_association_matches(association, summary, key, value) for key, value in filters):
                    rows.append(summary)
        page, token = self._page("ListAssociations", p, rows, size)
        result: dict[str, Any] = {"Associations": page}
        if token:
            result["NextToken"] = token
        return result

    def _find_association(self, p: Mapping[str, Any]) -> _Association:
        """The association a request names by AssociationId, or by Name + InstanceId (fleet.lock held)."""
        associations = self._associations()
        association_id = p.get("AssociationId")
        if association_id is None:
            name, instance_id = p.get("Name"), p.get("InstanceId")
            if name is None or instance_id is None:
                raise _validation("Specify AssociationId, or Name and InstanceId.")
            node = self.fleet.node(str(instance_id))
            if name == GATHER_INVENTORY_DOCUMENT and node is not None:
                association_id = node.inventory_association_id
        association = associations.get(str(association_id)) if association_id is not None else None
        if association is None:
            raise AwsError("AssociationDoesNotExist", "The specified association does not exist.")
        return association

    def _describe_association(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("AssociationVersion") not in (None, "1", "$LATEST"):
            raise AwsError(
                "InvalidAssociationVersion", f"Association version {p['AssociationVersion']} does not exist."
            )
        now = _now()
        with self.fleet.lock:
            association = self._find_association(p)
            description = self._association_summary(association, now)
            successes = [
                r.last_success
                for r in (self._node_run(n) for n in self._targets(association, now))
                if r is not None and r.last_success is not None
            ]
        description.update(
            {
                "Date": association.created,
                "LastUpdateAssociationDate": association.created,
                "Parameters": _GATHER_INVENTORY_PARAMETERS,
                "ApplyOnlyAtCronInterval": False,
                "ComplianceSeverity": "UNSPECIFIED",
                "CalendarNames": [],
            }
        )
        if successes:
            description["LastSuccessfulExecutionDate"] = max(successes)
        return {"AssociationDescription": description}

    def _describe_instance_associations_status(self, p: dict[str, Any]) -> dict[str, Any]:
        node_id = _text(p, "InstanceId")
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        with self.fleet.lock:
            node = self.fleet.node(node_id)
            if node is None or node.deleted_at is not None:
                raise AwsError("InvalidInstanceId", f"Instance ID {node_id} is not valid.")
            rows = []
            if node.inventory_association_id is not None:
                info: dict[str, Any] = {
                    "AssociationId": node.inventory_association_id,
                    "Name": GATHER_INVENTORY_DOCUMENT,
                    "DocumentVersion": "1",
                    "AssociationVersion": "1",
                    "InstanceId": node_id,
                    "AssociationName": INVENTORY_ASSOCIATION_NAME,
                }
                run = self._node_run(node)
                if run is None:
                    info.update({"Status": "Pending", "DetailedStatus": "Associated"})
                else:
                    info.update(
                        {
                            "ExecutionDate": run.at,
                            "Status": run.status,
                            "DetailedStatus": run.detailed_status,
                            "ExecutionSummary": run.summary,
                        }
                    )
                rows.append(info)
        page, token = self._page("DescribeInstanceAssociationsStatus", p, rows, size)
        result: dict[str, Any] = {"InstanceAssociationStatusInfos": page}
        if token:
            result["NextToken"] = token
        return result

    def _start_associations_once(self, p: dict[str, Any]) -> dict[str, Any]:
        ids = _strings(p, "AssociationIds")
        if not 1 <= len(ids) <= 10:
            raise _validation(
                "Value at 'associationIds' failed to satisfy constraint: "
                "Member must have length between 1 and 10"
            )
        now = _now()
        with self.fleet.lock:
            associations = self._associations()
            unknown = [i for i in ids if i not in associations]
            if unknown:
                raise AwsError(
                    "InvalidAssociation", f"Association {unknown[0]} does not exist or is not valid."
                )
            for association_id in dict.fromkeys(ids):
                nodes = self._targets(associations[association_id], now)
                self._start_execution(association_id, nodes, now)
        return {}

    def _start_execution(
        self,
        association_id: str,
        nodes: Sequence[SimNode],
        now: datetime,
        then: Callable[[str], None] | None = None,
    ) -> _Execution:
        """A run of the association on `nodes`: Online ones capture after collect_delay_s.

        Called with fleet.lock held; `then(node_id)` follows each node's capture.
        """
        targets = {
            n.node_id: _ExecutionTarget(
                n.node_id,
                *(("InProgress", "InProgress") if n.ping_status == "Online" else ("Pending", "Pending")),
            )
            for n in nodes
        }
        execution = _Execution(association_id, str(uuid.uuid4()), now, targets)
        self._executions.setdefault(association_id, []).append(execution)
        delay = self.faults.collect_delay_s
        for node in nodes:
            if node.ping_status == "Online":
                self._clock.after(delay, functools.partial(self._finish_run, execution, node.node_id, then))
        return execution

    def _finish_run(self, execution: _Execution, node_id: str, then: Callable[[str], None] | None) -> None:
        """The agent's inventory run on one node ends: SSM takes the capture, Config may record an item."""
        at = _now()
        self.fleet.capture(node_id, at)  # no lock held: capture takes it and calls item listeners after
        with self.fleet.lock:
            self._node_runs[node_id] = _NodeRun(at, "Success", "Success", _RUN_SUMMARY, at)
            target = execution.targets[node_id]
            target.status, target.detailed_status = "Success", "Success"
            target.last_execution, target.output_source_id = at, str(uuid.uuid4())
            execution.last_execution = at
        if then is not None:
            then(node_id)

    def _executions_of(self, association_id: str) -> list[_Execution]:
        if association_id not in self._associations() and association_id not in self._executions:
            raise AwsError("AssociationDoesNotExist", "The specified association does not exist.")
        return self._executions.get(association_id, [])

    def _describe_association_executions(self, p: dict[str, Any]) -> dict[str, Any]:
        association_id = _text(p, "AssociationId")
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        filters = _objects(p, "Filters")
        with self.fleet.lock:
            rows = []
            for execution in reversed(self._executions_of(association_id)):
                status, detailed = execution.status()
                row: dict[str, Any] = {
                    "AssociationId": association_id,
                    "AssociationVersion": "1",
                    "ExecutionId": execution.execution_id,
                    "Status": status,
                    "DetailedStatus": detailed,
                    "CreatedTime": execution.created,
                    "ResourceCountByStatus": execution.resource_count(),
                }
                if execution.last_execution is not None:
                    row["LastExecutionDate"] = execution.last_execution
                if all(_execution_matches(execution, status, f) for f in filters):
                    rows.append(row)
        page, token = self._page("DescribeAssociationExecutions", p, rows, size)
        result: dict[str, Any] = {"AssociationExecutions": page}
        if token:
            result["NextToken"] = token
        return result

    def _describe_association_execution_targets(self, p: dict[str, Any]) -> dict[str, Any]:
        association_id, execution_id = _text(p, "AssociationId"), _text(p, "ExecutionId")
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        filters = [(str(f.get("Key")), str(f.get("Value"))) for f in _objects(p, "Filters")]
        with self.fleet.lock:
            execution = next(
                (e for e in self._executions_of(association_id) if e.execution_id == execution_id), None
            )
            if execution is None:
                raise AwsError(
                    "AssociationExecutionDoesNotExist", f"Execution {execution_id} does not exist."
                )
            rows = []
            for target in sorted(execution.targets.values(), key=lambda t: t.node_id):
                row: dict[str, Any] = {
                    "AssociationId": association_id,
                    "AssociationVersion": "1",
                    "ExecutionId": execution_id,
                    "ResourceId": target.node_id,
                    "ResourceType": "ManagedInstance",
                    "Status": target.status,
                    "DetailedStatus": target.detailed_status,
                }
                if target.last_execution is not None:
                    row["LastExecutionDate"] = target.last_execution
                if target.output_source_id is not None:
                    row["OutputSource"] = {
                        "OutputSourceId": target.output_source_id,
                        "OutputSourceType": "RunCommand",
                    }
                fields = {
                    "Status": target.status,
                    "ResourceId": target.node_id,
                    "ResourceType": "ManagedInstance",
                }
                if all(fields.get(key) == value for key, value in filters):
                    rows.append(row)
        page, token = self._page("DescribeAssociationExecutionTargets", p, rows, size)
        result: dict[str, Any] = {"AssociationExecutionTargets": page}
        if token:
            result["NextToken"] = token
        return result

    # --- SSM: Run Command ---------------------------------------------------------------------------
    def _send_command(self, p: dict[str, Any]) -> dict[str, Any]:
        document = _text(p, "DocumentName")
        instance_ids = _strings(p, "InstanceIds")
        targets = _objects(p, "Targets")
        if instance_ids and targets:
            raise _validation("Specify InstanceIds or Targets, not both.")
        for target in targets:
            if target.get("Key") not in ("InstanceIds", "instanceids"):
                raise _validation("The stand-in supports Targets with Key InstanceIds only.")
            instance_ids.extend(_strings(target, "Values"))
        if not instance_ids:
            raise _validation("Specify InstanceIds or Targets.")
        if len(instance_ids) > 50:
            raise _validation(
                "Value at 'instanceIds' failed to satisfy constraint: "
                "Member must have length less than or equal to 50"
            )
        if len(set(instance_ids)) != len(instance_ids):
            raise AwsError(
                "DuplicateInstanceId", "You cannot specify an instance ID in more than one association."
            )
        timeout = p.get("TimeoutSeconds", _DEFAULT_COMMAND_TIMEOUT_S)
        if not isinstance(timeout, int) or not 30 <= timeout <= 2_592_000:
            raise _validation(
                f"Value '{timeout}' at 'timeoutSeconds' failed to satisfy constraint: "
                "Member must be between 30 and 2592000"
            )
        comment = p.get("Comment", "")
        if not isinstance(comment, str) or len(comment) > 100:
            raise _validation(
                "Value at 'comment' failed to satisfy constraint: "
                "Member must have length less than or equal to 100"
            )
        raw_parameters = p.get("Parameters") or {}
        if not isinstance(raw_parameters, dict):
            raise AwsError("SerializationException", "Parameters must be an object")
        parameters = {str(k): _strings(raw_parameters, str(k)) for k in raw_parameters}
        now = _now()
        with self.fleet.lock:
            invalid = [
                i for i in instance_ids if (n := self.fleet.node(i)) is None or not self._managed(n, now)
            ]
            if invalid:
                raise AwsError(
                    "InvalidInstanceId",
                    f"Instances [[{', '.join(invalid)}]] not in a valid state "
                    f"for account {self.fleet.account_id}",
                )
            if document == REFRESH_ASSOCIATION_DOCUMENT:
                plugin = "aws:refreshAssociation"
                unexpected = set(parameters) - {"associationIds"}
                if unexpected:
                    raise AwsError(
                        "InvalidParameters",
                        f"Parameters {sorted(unexpected)} are not defined in the document.",
                    )
                associations = self._associations()
                unknown = [i for i in parameters.get("associationIds", []) if i not in associations]
                if unknown:
                    raise AwsError("InvalidParameters", f"Association IDs {unknown} are not valid.")
            elif document in self._documents:
                plugin = self._documents[document][0]
            else:
                raise AwsError("InvalidDocument", f"Document with name {document} does not exist.")
            sent = time.monotonic()
            command = _Command(
                command_id=str(uuid.uuid4()),
                document=document,
                plugin=plugin,
                comment=comment,
                parameters=parameters,
                instance_ids=[] if targets else list(instance_ids),
                targets=targets,
                requested=now,
                timeout_s=timeout,
                invocations={i: _Invocation(i, sent) for i in instance_ids},
            )
            self._commands[command.command_id] = command
            delivery_timeout = self.faults.delivery_timeout_s
            for node_id in instance_ids:
                node = self.fleet.node(node_id)
                if node is not None and node.ping_status == "Online":
                    self._clock.after(0, functools.partial(self._begin_invocation, command, node_id))
                else:
                    wait = timeout if delivery_timeout is None else delivery_timeout
                    self._clock.after(wait, functools.partial(self._time_out_delivery, command, node_id))
        return {"Command": self._command_view(command)}

    def _command_view(self, command: _Command) -> dict[str, Any]:
        return {
            "CommandId": command.command_id,
            "DocumentName": command.document,
            "DocumentVersion": "$DEFAULT",
            "Comment": command.comment,
            "ExpiresAfter": command.requested + timedelta(seconds=command.timeout_s),
            "Parameters": command.parameters,
            "InstanceIds": command.instance_ids,
            "Targets": command.targets,
            "RequestedDateTime": command.requested,
            "Status": "Pending",
            "StatusDetails": "Pending",
            "OutputS3KeyPrefix": "",
            "MaxConcurrency": "50",
            "MaxErrors": "0",
            "TargetCount": len(command.invocations),
            "CompletedCount": 0,
            "ErrorCount": 0,
            "DeliveryTimedOutCount": 0,
            "ServiceRole": "",
            "NotificationConfig": {"NotificationArn": "", "NotificationEvents": [], "NotificationType": ""},
            "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
            "TimeoutSeconds": command.timeout_s,
        }

    def _begin_invocation(self, command: _Command, node_id: str) -> None:
        """The node's agent picks the command up and runs it."""
        now = _now()
        with self.fleet.lock:
            invocation = command.invocations[node_id]
            invocation.status = invocation.details = "InProgress"
            invocation.started = now
            node = self.fleet.node(node_id)
            if command.document != REFRESH_ASSOCIATION_DOCUMENT:
                _, run = self._documents[command.document]
                try:
                    code, stdout, stderr = (
                        run(node, command.parameters) if node is not None else (1, "", "node is gone")
                    )
                except Exception as error:  # the document failed on the node: the invocation says so
                    _log.exception("document %s failed on %s", command.document, node_id)
                    code, stdout, stderr = 1, "", f"{type(error).__name__}: {error}"
                self._end_invocation(invocation, code, stdout, stderr)
                return
            wanted = command.parameters.get("associationIds") or []
            association_id = None if node is None else node.inventory_association_id
            if association_id is None or (wanted and association_id not in wanted) or node is None:
                self._end_invocation(invocation, 0, "", "")  # nothing of the requested ones applies here
                return

            def finished(_: str) -> None:
                with self.fleet.lock:
                    self._end_invocation(invocation, 0, "", "")

            self._start_execution(association_id, [node], now, then=finished)

    def _end_invocation(self, invocation: _Invocation, code: int, stdout: str, stderr: str) -> None:
        invocation.response_code = code
        invocation.stdout = agent_output_prefix(stdout, MAX_STANDARD_OUTPUT)
        invocation.stderr = agent_output_prefix(stderr, MAX_STANDARD_ERROR)
        invocation.status = invocation.details = "Success" if code == 0 else "Failed"
        invocation.ended = _now()

    def _time_out_delivery(self, command: _Command, node_id: str) -> None:
        with self.fleet.lock:
            invocation = command.invocations[node_id]
            if invocation.status == "Pending":
                invocation.status, invocation.details = "TimedOut", "DeliveryTimedOut"
                invocation.ended = _now()

    def _visible_invocation(self, command_id: str, node_id: str) -> tuple[_Command, _Invocation]:
        command = self._commands.get(command_id)
        invocation = None if command is None else command.invocations.get(node_id)
        if command is None or invocation is None:
            raise AwsError("InvocationDoesNotExist", "")
        if time.monotonic() - invocation.sent_at < self.faults.invocation_visible_after_s:
            raise AwsError("InvocationDoesNotExist", "")  # SSM has not caught up with SendCommand yet
        return command, invocation

    def _get_command_invocation(self, p: dict[str, Any]) -> dict[str, Any]:
        command_id, node_id = _text(p, "CommandId"), _text(p, "InstanceId")
        with self.fleet.lock:
            command, invocation = self._visible_invocation(command_id, node_id)
            plugin = p.get("PluginName")
            if plugin is not None and plugin != command.plugin:
                raise AwsError("InvalidPluginName", f"The plugin name {plugin} is not valid.")
            started, ended = invocation.started, invocation.ended
            return {
                "CommandId": command_id,
                "InstanceId": node_id,
                "Comment": command.comment,
                "DocumentName": command.document,
                "DocumentVersion": "$DEFAULT",
                "PluginName": command.plugin,
                "ResponseCode": invocation.response_code,
                "ExecutionStartDateTime": _string_time(started) if started else "",
                "ExecutionElapsedTime": f"PT{(ended - started).total_seconds():.3f}S"
                if started and ended
                else "",
                "ExecutionEndDateTime": _string_time(ended) if ended else "",
                "Status": invocation.status,
                "StatusDetails": invocation.details,
                "StandardOutputContent": invocation.stdout,
                "StandardOutputUrl": "",
                "StandardErrorContent": invocation.stderr,
                "StandardErrorUrl": "",
                "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
            }

    def _list_command_invocations(self, p: dict[str, Any]) -> dict[str, Any]:
        command_id, node_id = p.get("CommandId"), p.get("InstanceId")
        size = _page_size(p, "MaxResults", default=50, low=1, high=50)
        details = bool(p.get("Details", False))
        rows = []
        with self.fleet.lock:
            if command_id is not None and command_id not in self._commands:
                raise AwsError("InvalidCommandId", f"Command {command_id} does not exist.")
            commands = sorted(self._commands.values(), key=lambda c: c.requested, reverse=True)
            for command in commands:
                if command_id is not None and command.command_id != command_id:
                    continue
                for invocation in command.invocations.values():
                    if node_id is not None and invocation.node_id != node_id:
                        continue
                    if time.monotonic() - invocation.sent_at < self.faults.invocation_visible_after_s:
                        continue
                    node = self.fleet.node(invocation.node_id)
                    rows.append(self._invocation_view(command, invocation, node, details))
        page, token = self._page("ListCommandInvocations", p, rows, size)
        result: dict[str, Any] = {"CommandInvocations": page}
        if token:
            result["NextToken"] = token
        return result

    def _invocation_view(
        self, command: _Command, invocation: _Invocation, node: SimNode | None, details: bool
    ) -> dict[str, Any]:
        view: dict[str, Any] = {
            "CommandId": command.command_id,
            "InstanceId": invocation.node_id,
            "InstanceName": (node.name_tag or "") if node is not None else "",
            "Comment": command.comment,
            "DocumentName": command.document,
            "DocumentVersion": "$DEFAULT",
            "RequestedDateTime": command.requested,
            "Status": invocation.status,
            "StatusDetails": invocation.details,
            "TraceOutput": "",
            "StandardOutputUrl": "",
            "StandardErrorUrl": "",
            "CommandPlugins": [],
            "ServiceRole": "",
            "NotificationConfig": {"NotificationArn": "", "NotificationEvents": [], "NotificationType": ""},
            "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
        }
        if details:
            plugin: dict[str, Any] = {
                "Name": command.plugin,
                "Status": invocation.status,
                "StatusDetails": invocation.details,
                "ResponseCode": invocation.response_code,
                "Output": agent_output_prefix(invocation.stdout, MAX_PLUGIN_OUTPUT),
                "StandardOutputUrl": "",
                "StandardErrorUrl": "",
            }
            if invocation.started is not None:
                plugin["ResponseStartDateTime"] = invocation.started
            if invocation.ended is not None:
                plugin["ResponseFinishDateTime"] = invocation.ended
            view["CommandPlugins"] = [plugin]
        return view


# --- small pure pieces ------------------------------------------------------------------------------
_INSTANCE_FILTER_KEYS = frozenset(
    {
        "InstanceIds",
        "AgentVersion",
        "PingStatus",
        "PlatformTypes",
        "ActivationIds",
        "IamRole",
        "ResourceType",
        "AssociationStatus",
    }
)
_INSTANCE_FILTER_FIELDS = {
    "InstanceIds": "InstanceId",
    "AgentVersion": "AgentVersion",
    "PingStatus": "PingStatus",
    "PlatformTypes": "PlatformType",
    "ActivationIds": "ActivationId",
    "IamRole": "IamRole",
    "ResourceType": "ResourceType",
    "AssociationStatus": "AssociationStatus",
}


def _instance_matches(node: SimNode, info: Mapping[str, Any], key: str, values: list[str]) -> bool:
    tags = node.ec2_tags()
    if key == "tag-key":
        return any(value in tags for value in values)
    if key.startswith("tag:"):
        return tags.get(key.removeprefix("tag:")) in values
    return info.get(_INSTANCE_FILTER_FIELDS[key]) in values


def _association_matches(association: _Association, summary: Mapping[str, Any], key: str, value: str) -> bool:
    if key == "Name":
        return bool(summary["Name"] == value)
    if key == "AssociationId":
        return association.association_id == value
    if key == "AssociationName":
        return bool(summary["AssociationName"] == value)
    if key == "InstanceId":
        return association.everywhere or value in association.node_ids
    if key == "AssociationStatusName":
        return bool(summary["Overview"]["Status"] == value)
    if key in ("LastExecutedBefore", "LastExecutedAfter"):
        last = summary.get("LastExecutionDate")
        at = _time_param({key: value}, key)
        if last is None or at is None:
            return False
        return _micros(last) < at if key == "LastExecutedBefore" else _micros(last) > at
    return False  # resource groups and cloud connectors: none in the simulated account


def _execution_matches(execution: _Execution, status: str, flt: Mapping[str, Any]) -> bool:
    key, value, operator = flt.get("Key"), str(flt.get("Value")), flt.get("Type", "EQUAL")
    if key == "ExecutionId":
        return execution.execution_id == value
    if key == "Status":
        return status == value
    if key == "CreatedTime":
        at = _time_param({"CreatedTime": value}, "CreatedTime")
        created = _micros(execution.created)
        if at is None:
            return False
        return {"EQUAL": created == at, "LESS_THAN": created < at, "GREATER_THAN": created > at}.get(
            str(operator), False
        )
    raise _validation(f"The filter key {key} is not valid.")


def _api_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A configuration item as GetResourceConfigHistory returns it: `configuration` a JSON string."""
    api = dict(item)
    if not isinstance(api.get("configuration"), str):
        api["configuration"] = json.dumps(api.get("configuration"))
    return api


def _base_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """The BatchGetResourceConfig form of an item: no hash, tags, events or relationships."""
    dropped = {"configurationItemMD5Hash", "tags", "relatedEvents", "relationships"}
    return {k: v for k, v in _api_item(item).items() if k not in dropped}
