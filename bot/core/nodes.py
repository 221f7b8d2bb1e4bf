"""What Systems Manager says about a managed node: its agent, its inventory association and that
association's runs, and the outcome of a call that starts something (started, or not known)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class NodeStatus:
    """What SSM says about a managed node's agent right now."""

    node_id: str
    ping_status: str
    last_ping: datetime | None
    agent_version: str
    platform: str
    computer_name: str


@dataclass(frozen=True)
class InventoryAssociation:
    """The `AWS-GatherSoftwareInventory` association that applies to one node, and its last run there."""

    association_id: str
    name: str
    document: str
    schedule: str | None
    last_execution: datetime | None
    status: str | None
    detailed_status: str | None


@dataclass(frozen=True)
class AssociationRun:
    """The newest execution of an association, as DescribeAssociationExecutions reports it."""

    execution_id: str
    status: str
    created: datetime
    resources: str


class WriteOutcome(StrEnum):
    STARTED = "started"
    # No answer in time: the run may or may not have started. Never retried; the caller watches.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WriteResult:
    outcome: WriteOutcome
    command_id: str | None = None
    detail: str = ""
