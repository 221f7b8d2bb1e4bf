"""The gateway to Systems Manager and EC2 for what pkgwhen asks about servers: who they are, what is installed now."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bot.aws.clients import calling, error_code, paged
from bot.core.config_items import (
    InventoryKind,
    MalformedItem,
    PackageEntry,
    parse_configuration_item,
    parse_inventory_entries,
    parse_time,
)
from bot.core.errors import PkgwhenError
from bot.core.servers import ManagedServer, ServerNames
from bot.store.span_store import SpanStore

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ssm import SSMClient

log = logging.getLogger("pkgwhen.fleet")

INVENTORY_RESOURCE_TYPE = "AWS::SSM::ManagedInstanceInventory"
EC2_INSTANCE_RESOURCE_TYPE = "AWS::EC2::Instance"


def _name_tag(item: dict[str, Any]) -> str | None:
    """The Name tag a configuration item carries, in either form (`{"Name": …}`, or a list of key/value)."""
    tags = item.get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("Name"), str) and tags["Name"]:
        return str(tags["Name"])
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, dict) and tag.get("key", tag.get("Key")) == "Name":
                value = tag.get("value", tag.get("Value"))
                return str(value) if value else None
    return None


@dataclass(frozen=True)
class CurrentInventory:
    """What SSM Inventory holds for a server now (it keeps only the latest capture)."""

    node_id: str
    captured_at: datetime | None
    packages: tuple[PackageEntry, ...]


class FleetGateway:
    """Lists managed servers (cached briefly) and reads their current inventory."""

    def __init__(
        self,
        ssm: SSMClient,
        ec2: EC2Client,
        config: ConfigServiceClient,
        *,
        names: SpanStore | None = None,
        cache_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssm = ssm
        self._ec2 = ec2
        self._config = config
        # Where the names of servers are remembered, so a retired one is still found by them.
        self._names = names
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cached: tuple[float, list[ManagedServer]] | None = None
        self._lock = threading.Lock()

    def servers(self) -> list[ManagedServer]:
        with self._lock:
            if self._cached and self._clock() - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            servers = self._list_servers()
            self._cached = (self._clock(), servers)
            return servers

    def _list_servers(self) -> list[ManagedServer]:
        found: dict[str, ManagedServer] = {}
        with calling("ssm:DescribeInstanceInformation"):
            for page in paged(
                self._ssm.describe_instance_information, "NextToken", "NextToken", MaxResults=50
            ):
                for info in page.get("InstanceInformationList", []):
                    node_id = info["InstanceId"]
                    found[node_id] = ManagedServer(
                        node_id=node_id,
                        computer_name=info.get("ComputerName"),
                        platform=" ".join(
                            p for p in (info.get("PlatformName"), info.get("PlatformVersion")) if p
                        )
                        or None,
                        ping_status=info.get("PingStatus"),
                        agent_version=info.get("AgentVersion"),
                        last_ping=info.get("LastPingDateTime"),
                        launched_at=info.get("RegistrationDate"),
                        platform_type=info.get("PlatformType"),
                    )
        # Servers no longer managed (stopped, terminated, deregistered) still have history in Config.
        for node_id, deleted_at in self._recorded_ids():
            found.setdefault(node_id, ManagedServer(node_id=node_id, managed=False, deleted_at=deleted_at))
        # EC2 still lists stopped instances (and terminated ones for about an hour), with their tags.
        for node_id, (name, launched) in self._instances([i for i in found if i.startswith("i-")]).items():
            found[node_id] = replace(
                found[node_id], name_tag=name, launched_at=launched or found[node_id].launched_at
            )
        if self._names is None:
            return list(found.values())
        remembered = self._names.server_names()
        seen = {
            s.node_id: ServerNames(s.name_tag, s.computer_name)
            for s in found.values()
            if (s.name_tag or s.computer_name)
            and (s.name_tag, s.computer_name) != astuple(remembered.get(s.node_id, ServerNames()))
        }
        self._names.remember_server_names(seen)
        for node_id, server in found.items():
            names = remembered.get(node_id)
            if not server.managed and names is not None:
                found[node_id] = replace(
                    server,
                    name_tag=server.name_tag or names.name_tag,
                    computer_name=server.computer_name or names.computer_name,
                )
        return list(found.values())

    def learn_retired_names(self, limit: int = 50) -> int:
        """Read the names of servers known only to Config from their history; how many were looked up.

        A retired server is no longer listed by SSM, nor (once terminated) by EC2: its computer name is in
        its first inventory item, its Name tag in the EC2 instance's own Config history (when Config records
        instances). Each server is looked up once, ever: what was found (or not) is remembered.
        """
        if self._names is None:
            return 0
        remembered = self._names.server_names()
        unknown = [s.node_id for s in self.servers() if not s.managed and s.node_id not in remembered][:limit]
        learned = {node_id: self._names_from_history(node_id) for node_id in unknown}
        self._names.remember_server_names(learned)
        if learned:
            with self._lock:
                self._cached = None
        return len(learned)

    def _names_from_history(self, node_id: str) -> ServerNames:
        computer_name: str | None = None
        name_tag: str | None = None
        first = self._first_item(INVENTORY_RESOURCE_TYPE, node_id)
        if first is not None:
            try:
                platform = parse_configuration_item(first).platform
            except MalformedItem:
                platform = None
            computer_name = platform.computer_name if platform and platform.computer_name else None
            name_tag = _name_tag(first)
        if name_tag is None and node_id.startswith("i-"):
            instance = self._first_item(EC2_INSTANCE_RESOURCE_TYPE, node_id)
            name_tag = _name_tag(instance) if instance is not None else None
        # A server with no name found is remembered too (as looked up), so it costs no second look.
        return ServerNames(name_tag, computer_name or "")

    def _first_item(self, resource_type: str, node_id: str) -> dict[str, Any] | None:
        """The resource's first configuration item (one call: Config starts at the first item by default)."""
        try:
            with calling("config:GetResourceConfigHistory"):
                page = self._config.get_resource_config_history(
                    resourceType=resource_type,  # type: ignore[arg-type]
                    resourceId=node_id,
                    chronologicalOrder="Forward",
                    limit=1,
                )
        except (PkgwhenError, ClientError) as error:
            log.info("no %s history for %s: %s", resource_type, node_id, error)
            return None
        items = page.get("configurationItems", [])
        return dict(items[0]) if items else None

    def _instances(self, instance_ids: list[str]) -> dict[str, tuple[str | None, datetime | None]]:
        """Name tag and launch time of each EC2 instance."""
        if not instance_ids:
            return {}
        found: dict[str, tuple[str | None, datetime | None]] = {}
        try:
            with calling("ec2:DescribeInstances"):
                for start in range(0, len(instance_ids), 200):
                    chunk = instance_ids[start : start + 200]
                    pages = paged(
                        self._ec2.describe_instances,
                        "NextToken",
                        "NextToken",
                        Filters=[{"Name": "instance-id", "Values": chunk}],
                    )
                    for page in pages:
                        for reservation in page.get("Reservations", []):
                            for instance in reservation.get("Instances", []):
                                name = next(
                                    (
                                        t["Value"]
                                        for t in instance.get("Tags", [])
                                        if t.get("Key") == "Name" and t.get("Value")
                                    ),
                                    None,
                                )
                                found[instance["InstanceId"]] = (name, instance.get("LaunchTime"))
        except Exception as error:
            # Name tags are a convenience: without them, IDs and computer names still work.
            log.warning(
                "no Name tags (%s: %s); servers can still be named by ID or computer name",
                type(error).__name__,
                error,
            )
        return found

    def _recorded_ids(self) -> list[tuple[str, datetime | None]]:
        """Every server Config recorded inventory of, with when it was deleted (None: it was not)."""
        ids: list[tuple[str, datetime | None]] = []
        try:
            with calling("config:ListDiscoveredResources"):
                pages = paged(
                    self._config.list_discovered_resources,
                    "nextToken",
                    "nextToken",
                    resourceType=INVENTORY_RESOURCE_TYPE,
                    includeDeletedResources=True,
                )
                for page in pages:
                    ids.extend(
                        (r["resourceId"], r.get("resourceDeletionTime"))
                        for r in page.get("resourceIdentifiers", [])
                        if "resourceId" in r
                    )
        except (PkgwhenError, ClientError) as error:
            log.warning("could not list servers recorded by Config: %s", error)
        return ids

    def current_inventory(self, node_id: str, names: dict[str, list[str]]) -> CurrentInventory:
        """The current entries of these names (inventory type -> names as recorded), with the capture time.

        Filtered by name on the server side, so a question costs one call per type, not one per 50 packages.
        Hotfixes are the exception: agents name their id field `HotFixId` or `HotFixID` (AWS-NOTES §2), and
        a filter names one attribute, so every hotfix row is read (a server has tens of them) and matched
        here, where both spellings are read alike.
        """
        packages: list[PackageEntry] = []
        captured: datetime | None = None
        for type_name, wanted in names.items():
            by_id = type_name == InventoryKind.WINDOWS_UPDATE.value
            entries: list[dict[str, Any]] = []
            for start in range(0, max(len(wanted), 1), 20):
                filters: list[Any] = (
                    [{"Key": "Name", "Values": wanted[start : start + 20], "Type": "Equal"}]
                    if wanted and not by_id
                    else []
                )
                try:
                    with calling("ssm:ListInventoryEntries"):
                        for page in paged(
                            self._ssm.list_inventory_entries,
                            "NextToken",
                            "NextToken",
                            InstanceId=node_id,
                            TypeName=type_name,
                            MaxResults=50,
                            **({"Filters": filters} if filters else {}),
                        ):
                            entries.extend(dict(e) for e in page.get("Entries", []))
                            if page.get("CaptureTime"):
                                at = parse_time(page["CaptureTime"])
                                captured = at if captured is None else max(captured, at)
                except ClientError as error:
                    if error_code(error) in {
                        "InvalidInstanceId",
                        "InvalidTypeNameException",
                        "InvalidFilter",
                    }:
                        log.info("no current %s inventory for %s: %s", type_name, node_id, error_code(error))
                        break
                    raise
                if by_id:
                    break  # one unfiltered read holds them all
            found = parse_inventory_entries(type_name, entries)
            if wanted:
                folded = {name.casefold() for name in wanted}
                found = tuple(entry for entry in found if entry.name.casefold() in folded)
            packages.extend(found)
        return CurrentInventory(node_id=node_id, captured_at=captured, packages=tuple(packages))
