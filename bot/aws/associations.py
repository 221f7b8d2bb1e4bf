"""The gateway to Systems Manager for inventory runs: a node's agent and association, starting and following runs.

Reads go through the ordinary SSM client. The two calls that start something (SendCommand of
`AWS-RefreshAssociation`, StartAssociationsOnce) go through a client that makes exactly one attempt: a
write that timed out may still have started a run, so it is reported as `WriteOutcome.UNKNOWN` and the
caller follows the node's state instead of repeating the call.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bot.aws.clients import UNANSWERED, calling, error_code, paged
from bot.core.config_items import INSTANCE_INFORMATION, parse_time
from bot.core.nodes import AssociationRun, InventoryAssociation, NodeStatus, WriteOutcome, WriteResult

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

log = logging.getLogger("pkgwhen.associations")

GATHER_INVENTORY_DOCUMENT = "AWS-GatherSoftwareInventory"
REFRESH_ASSOCIATION_DOCUMENT = "AWS-RefreshAssociation"
# SendCommand's shortest allowed timeout: an offline agent's invocation ends DeliveryTimedOut after it.
_REFRESH_COMMAND_TIMEOUT_S = 600


class AssociationGateway:
    """SSM calls about inventory associations and runs; `writes` makes one attempt per call."""

    def __init__(self, ssm: SSMClient, writes: SSMClient) -> None:
        self._ssm = ssm
        self._writes = writes

    # --- reads ---------------------------------------------------------------------------------------
    def node_status(self, node_id: str) -> NodeStatus | None:
        """The node's agent as SSM sees it now; None when SSM does not manage it (any more)."""
        try:
            with calling("ssm:DescribeInstanceInformation"):
                page = self._ssm.describe_instance_information(
                    Filters=[{"Key": "InstanceIds", "Values": [node_id]}], MaxResults=5
                )
        except ClientError as error:
            if error_code(error) in {"InvalidInstanceId", "InvalidInstanceInformationFilterValue"}:
                return None
            raise
        for info in page.get("InstanceInformationList", []):
            if info.get("InstanceId") == node_id:
                last_ping = info.get("LastPingDateTime")
                return NodeStatus(
                    node_id=node_id,
                    ping_status=str(info.get("PingStatus", "Unknown")),
                    last_ping=parse_time(last_ping) if last_ping else None,
                    agent_version=str(info.get("AgentVersion", "")),
                    platform=" ".join(
                        str(p) for p in (info.get("PlatformName"), info.get("PlatformVersion")) if p
                    ),
                    computer_name=str(info.get("ComputerName", "")),
                )
        return None

    def inventory_association(self, node_id: str) -> InventoryAssociation | None:
        """The node's inventory association with its schedule, or None when none applies."""
        found: dict[str, Any] | None = None
        with calling("ssm:DescribeInstanceAssociationsStatus"):
            for page in paged(
                self._ssm.describe_instance_associations_status, "NextToken", "NextToken", InstanceId=node_id
            ):
                for info in page.get("InstanceAssociationStatusInfos", []):
                    if info.get("Name") == GATHER_INVENTORY_DOCUMENT:
                        found = dict(info)
                        break
                if found is not None:
                    break
        if found is None:
            return None
        association_id = str(found["AssociationId"])
        schedule: str | None = None
        try:
            with calling("ssm:DescribeAssociation"):
                described = self._ssm.describe_association(AssociationId=association_id)
            schedule = described.get("AssociationDescription", {}).get("ScheduleExpression")
        except ClientError as error:
            # The schedule is a detail of the answer; the association itself is known.
            log.warning("no schedule for association %s: %s", association_id, error_code(error))
        executed = found.get("ExecutionDate")
        return InventoryAssociation(
            association_id=association_id,
            name=str(found.get("AssociationName") or found.get("Name")),
            document=str(found.get("Name")),
            schedule=schedule,
            last_execution=parse_time(executed) if executed else None,
            status=found.get("Status"),
            detailed_status=found.get("DetailedStatus"),
        )

    def target_count(self, association_id: str) -> int:
        """How many managed nodes a run of the whole association would reach."""
        with calling("ssm:DescribeAssociation"):
            described = self._ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
        counts = described.get("Overview", {}).get("AssociationStatusAggregatedCount") or {}
        if counts:
            return sum(int(n) for n in counts.values())
        # No run yet: count explicit targets; a wildcard or tag target counts unknown as 0.
        listed = [
            v for t in described.get("Targets", []) if t.get("Key") == "InstanceIds" for v in t["Values"]
        ]
        return 0 if "*" in listed else len(listed)

    def capture_time(self, node_id: str) -> datetime | None:
        """When SSM Inventory last captured the node (its `AWS:InstanceInformation` row is always there)."""
        try:
            with calling("ssm:ListInventoryEntries"):
                page = self._ssm.list_inventory_entries(
                    InstanceId=node_id, TypeName=INSTANCE_INFORMATION, MaxResults=1
                )
        except ClientError as error:
            if error_code(error) == "InvalidInstanceId":
                return None
            raise
        captured = page.get("CaptureTime")
        return parse_time(captured) if captured else None

    def command_status(self, command_id: str, node_id: str) -> str | None:
        """The invocation's status (Pending, InProgress, Success, Failed, TimedOut …); None until SSM knows it."""
        try:
            with calling("ssm:GetCommandInvocation"):
                invocation = self._ssm.get_command_invocation(CommandId=command_id, InstanceId=node_id)
        except ClientError as error:
            if error_code(error) == "InvocationDoesNotExist":
                return None  # SendCommand is eventually consistent: not visible yet
            raise
        details = str(invocation.get("StatusDetails") or "")
        return details if details == "DeliveryTimedOut" else str(invocation.get("Status", ""))

    def latest_run(self, association_id: str, since: datetime) -> AssociationRun | None:
        """The newest execution of the association created at or after `since`, if any."""
        with calling("ssm:DescribeAssociationExecutions"):
            page = self._ssm.describe_association_executions(AssociationId=association_id, MaxResults=10)
        for row in page.get("AssociationExecutions", []):
            created = parse_time(row["CreatedTime"])
            if created >= since.replace(microsecond=0):
                return AssociationRun(
                    execution_id=str(row["ExecutionId"]),
                    status=str(row.get("Status", "")),
                    created=created,
                    resources=str(row.get("ResourceCountByStatus", "")),
                )
        return None

    # --- writes: one attempt each, never repeated here ----------------------------------------------
    def refresh_node(self, node_id: str, association_id: str) -> WriteResult:
        """Run the association on this one node now (`AWS-RefreshAssociation` through Run Command)."""
        # Inside `calling`: a timeout is not "AWS unavailable, try again" but an unknown outcome.
        with calling("ssm:SendCommand"):
            try:
                sent = self._writes.send_command(
                    InstanceIds=[node_id],
                    DocumentName=REFRESH_ASSOCIATION_DOCUMENT,
                    Parameters={"associationIds": [association_id]},
                    Comment="pkgwhen: /inventory refresh",
                    TimeoutSeconds=_REFRESH_COMMAND_TIMEOUT_S,
                )
            except UNANSWERED as error:
                log.warning("SendCommand to %s got no answer (%s); not retried", node_id, error)
                return WriteResult(WriteOutcome.UNKNOWN, detail=type(error).__name__)
        return WriteResult(WriteOutcome.STARTED, command_id=str(sent["Command"]["CommandId"]))

    def run_association(self, association_id: str) -> WriteResult:
        """Run the whole association on all of its targets now (StartAssociationsOnce: no idempotency token)."""
        with calling("ssm:StartAssociationsOnce"):
            try:
                self._writes.start_associations_once(AssociationIds=[association_id])
            except UNANSWERED as error:
                log.warning(
                    "StartAssociationsOnce(%s) got no answer (%s); not retried", association_id, error
                )
                return WriteResult(WriteOutcome.UNKNOWN, detail=type(error).__name__)
        return WriteResult(WriteOutcome.STARTED)
