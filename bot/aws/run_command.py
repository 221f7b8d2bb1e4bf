"""The gateway to Run Command for pkgwhen's own documents: send one to one node, then read its output.

The send goes through the one-attempt SSM client (AwsClients.ssm_writes): a SendCommand that timed out
may still have run, so it is reported as unknown, never repeated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from bot.aws.clients import UNANSWERED, calling, error_code
from bot.core.nodes import WriteOutcome, WriteResult

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

log = logging.getLogger("pkgwhen.run_command")

PACKAGE_HISTORY_DOCUMENT = "pkgwhen-package-history"

_COMMAND_TIMEOUT_S = 600
FINAL_STATUSES = frozenset({"Success", "Failed", "TimedOut", "Cancelled", "DeliveryTimedOut", "ExecutionTimedOut", "Undeliverable", "Terminated"})


@dataclass(frozen=True)
class Invocation:
    status: str
    exit_code: int | None
    stdout: str
    stderr: str

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES


class RunCommandGateway:
    def __init__(self, ssm: SSMClient, writes: SSMClient) -> None:
        self._ssm = ssm
        self._writes = writes

    def send(self, node_id: str, document: str, parameters: dict[str, list[str]], comment: str) -> WriteResult:
        with calling("ssm:SendCommand"):
            try:
                sent = self._writes.send_command(
                    InstanceIds=[node_id],
                    DocumentName=document,
                    Parameters=parameters,
                    Comment=comment[:100],
                    TimeoutSeconds=_COMMAND_TIMEOUT_S,
                )
            except UNANSWERED as error:
                log.warning("SendCommand of %s to %s got no answer (%s); not retried", document, node_id, error)
                return WriteResult(WriteOutcome.UNKNOWN, detail=type(error).__name__)
        return WriteResult(WriteOutcome.STARTED, command_id=str(sent["Command"]["CommandId"]))

    def invocation(self, command_id: str, node_id: str) -> Invocation | None:
        """The invocation's state and output; None while SSM does not know it yet (eventual consistency)."""
        try:
            with calling("ssm:GetCommandInvocation"):
                found = self._ssm.get_command_invocation(CommandId=command_id, InstanceId=node_id)
        except ClientError as error:
            if error_code(error) == "InvocationDoesNotExist":
                return None
            raise
        details = str(found.get("StatusDetails") or "")
        status = details if details in FINAL_STATUSES else str(found.get("Status", ""))
        code = found.get("ResponseCode")
        return Invocation(
            status=status,
            exit_code=int(code) if isinstance(code, int) and code >= 0 else None,
            stdout=str(found.get("StandardOutputContent", "")),
            stderr=str(found.get("StandardErrorContent", "")),
        )
