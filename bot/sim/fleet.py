"""A simulated fleet of managed nodes whose packages change over time, recorded as AWS Config records them.

Each node has what is really installed on it (`installed`), what SSM Inventory last captured, and the
configuration items AWS Config recorded from those captures: a new item only when the captured content
changed, the first one `ResourceDiscovered`. The AWS stand-in (`bot.sim.aws`) serves all of this through
the real Config and SSM APIs; nothing in pkgwhen's own code reads this module.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.sim.notifications import iso_ms

INVENTORY_RESOURCE_TYPE = "AWS::SSM::ManagedInstanceInventory"
EC2_INSTANCE_RESOURCE_TYPE = "AWS::EC2::Instance"
# The inventory types AWS Config records for that resource type (AWS-NOTES §1).
RECORDED_TYPES = (
    "AWS:Application",
    "AWS:AWSComponent",
    "AWS:InstanceInformation",
    "AWS:Network",
    "AWS:WindowsUpdate",
)
SCHEMA_VERSIONS = {
    "AWS:Application": "1.1",
    "AWS:AWSComponent": "1.0",
    "AWS:InstanceInformation": "1.0",
    "AWS:Network": "1.0",
    "AWS:WindowsUpdate": "1.0",
}
# Entries of these types are keyed by this field in the map shape of Content.
_KEY_FIELD = {
    "AWS:Application": "Name",
    "AWS:AWSComponent": "Name",
    "AWS:WindowsUpdate": "HotFixId",
    "AWS:Network": "Name",
}

Entry = dict[str, str]
ContentShape = Literal["list", "map"]


def entry_key(entry: Entry, key: str) -> str:
    """An entry's name field; Windows gatherers spell the hotfix field both `HotFixId` and `HotFixID`."""
    if key == "HotFixId":
        return entry.get("HotFixId") or entry.get("HotFixID", "")
    return entry.get(key, "")


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def iso(at: datetime) -> str:
    """The ISO 8601 form SSM Inventory writes times in (`2024-07-01T16:47:09Z`)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SimNode:
    """One managed node: EC2 instance (`i-…`) or hybrid node (`mi-…`)."""

    node_id: str
    computer_name: str
    platform_type: str  # Linux | Windows
    platform_name: str
    platform_version: str
    agent_version: str
    ip_address: str
    registered_at: datetime
    name_tag: str | None = None
    # EC2 tags besides Name, as they are now; `tag_history` keeps every earlier set with when it began.
    tags: dict[str, str] = field(default_factory=dict)
    tag_history: list[tuple[datetime, dict[str, str]]] = field(default_factory=list)
    ping_status: str = "Online"  # Online | ConnectionLost | Inactive
    content_shape: ContentShape = "list"
    # What is really on the machine now: inventory type -> entries (several entries may share a Name).
    installed: dict[str, list[Entry]] = field(default_factory=dict)
    # What SSM Inventory last captured and when.
    captured: dict[str, list[Entry]] = field(default_factory=dict)
    capture_time: datetime | None = None
    # Config items recorded for this node, oldest first, in the API form (`configuration` a JSON string).
    items: list[dict[str, Any]] = field(default_factory=list)
    inventory_association_id: str | None = None
    unmanaged_since: datetime | None = None
    # The instance was terminated, or the node deregistered: Config recorded its inventory as deleted.
    deleted_at: datetime | None = None

    @property
    def resource_type(self) -> str:
        return "ManagedInstance" if self.node_id.startswith("mi-") else "EC2Instance"

    def instance_information(self) -> Entry:
        """The node's `AWS:InstanceInformation` entry as inventory reports it."""
        return {
            "AgentType": "amazon-ssm-agent",
            "AgentVersion": self.agent_version,
            "ComputerName": self.computer_name,
            "InstanceId": self.node_id,
            "IpAddress": self.ip_address,
            "PlatformName": self.platform_name,
            "PlatformType": self.platform_type,
            "PlatformVersion": self.platform_version,
            "ResourceType": self.resource_type,
        }

    # --- changing what is installed -------------------------------------------------------------------
    def entries(self, type_name: str = "AWS:Application") -> list[Entry]:
        return self.installed.setdefault(type_name, [])

    def install(self, entry: Entry, type_name: str = "AWS:Application") -> None:
        """Add a package version beside whatever is installed (a second kernel, say)."""
        self.entries(type_name).append(dict(entry))
        if type_name == "AWS:Application" and entry.get("Name") == "amazon-ssm-agent":
            self.agent_version = entry["Version"]

    def remove(self, name: str, version: str | None = None, type_name: str = "AWS:Application") -> None:
        key = _KEY_FIELD.get(type_name, "Name")
        kept = [
            e
            for e in self.entries(type_name)
            if not (entry_key(e, key) == name and (version is None or e.get("Version") == version))
        ]
        if len(kept) == len(self.entries(type_name)):
            raise KeyError(f"{name} {version or ''} is not installed on {self.node_id}")
        self.installed[type_name] = kept

    def replace(self, entry: Entry, type_name: str = "AWS:Application") -> None:
        """Upgrade or downgrade: every installed version of entry's package gives way to this one."""
        key = _KEY_FIELD.get(type_name, "Name")
        self.installed[type_name] = [e for e in self.entries(type_name) if entry_key(e, key) != entry_key(entry, key)]
        self.install(entry, type_name)

    # --- EC2 tags -------------------------------------------------------------------------------------
    def retag(self, at: datetime, tags: dict[str, str]) -> None:
        """Someone changes the instance's tags (besides Name) at `at`; Config records the instance anew."""
        if not self.tag_history:
            self.tag_history.append((self.registered_at, dict(self.tags)))
        if at <= self.tag_history[-1][0]:
            raise ValueError(f"{self.node_id}: retag at {at.isoformat()} is not after the last change")
        self.tag_history.append((at, dict(tags)))
        self.tags = dict(tags)

    def ec2_tags(self) -> dict[str, str]:
        """The instance's EC2 tags now, Name included."""
        return {**({"Name": self.name_tag} if self.name_tag else {}), **self.tags}

    def tag_sets(self) -> list[tuple[datetime, dict[str, str]]]:
        """Every set of EC2 tags the instance had, Name included, with when it began; oldest first."""
        history = self.tag_history or [(self.registered_at, self.tags)]
        name = {"Name": self.name_tag} if self.name_tag else {}
        return [(at, {**name, **tags}) for at, tags in history]


class Fleet:
    """The nodes of one simulated account and region, and the Config recorder watching them."""

    def __init__(self, account_id: str = "123456789012", region: str = "us-east-1") -> None:
        self.account_id = account_id
        self.region = region
        self.recorder_name = "default"
        # False: Config was never set up here (no recorder at all), as in most regions of most accounts.
        self.has_recorder = True
        self.recording = True  # whether the recorder includes AWS::SSM::ManagedInstanceInventory
        self.recorder_running = True
        self._nodes: dict[str, SimNode] = {}
        self._lock = threading.RLock()
        # Called with each new configuration item (API form), for change notifications.
        self.item_listeners: list[Callable[[SimNode, dict[str, Any]], None]] = []

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def copy(self) -> Fleet:
        """An independent copy of the nodes and the recorder (no listeners): changing it leaves this one as it is.

        Much cheaper than building a fleet again: the tests build the default fleet once and copy it per test.
        """
        twin = Fleet(self.account_id, self.region)
        twin.recorder_name, twin.has_recorder, twin.recording, twin.recorder_running = (
            self.recorder_name,
            self.has_recorder,
            self.recording,
            self.recorder_running,
        )
        with self._lock:
            # Nodes hold plain data (dicts, lists, strings, datetimes): a pickle round trip is a deep copy.
            twin._nodes = pickle.loads(pickle.dumps(self._nodes, protocol=pickle.HIGHEST_PROTOCOL))
        return twin

    def add(self, node: SimNode) -> SimNode:
        with self._lock:
            self._nodes[node.node_id] = node
        return node

    def nodes(self) -> list[SimNode]:
        with self._lock:
            return list(self._nodes.values())

    def node(self, node_id: str) -> SimNode | None:
        with self._lock:
            return self._nodes.get(node_id)

    def capture(self, node_id: str, at: datetime) -> dict[str, Any] | None:
        """An inventory run on the node at `at`: SSM keeps the capture; Config records an item if content changed.

        Returns the new configuration item, or None when Config saw nothing new (or is not recording).
        Config's capture times are milliseconds: finer parts of `at` are dropped.
        """
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        with self._lock:
            node = self._nodes[node_id]
            if node.unmanaged_since is not None and at >= node.unmanaged_since:
                return None
            # Entries are flat string maps: copying each is a full copy, and much cheaper than deepcopy.
            node.captured = {t: [dict(e) for e in entries] for t, entries in node.installed.items()}
            node.captured["AWS:InstanceInformation"] = [node.instance_information()]
            node.capture_time = at
            if not (self.has_recorder and self.recording):
                return None
            configuration = self._configuration(node)
            if node.items and json.loads(node.items[-1]["configuration"]) == configuration:
                return None
            item = self._item(node, at, configuration)
            node.items.append(item)
            listeners = list(self.item_listeners)
        for listener in listeners:
            listener(node, item)
        return item

    def instance_items(self, node: SimNode) -> list[dict[str, Any]]:
        """The EC2 instance's own Config history (`AWS::EC2::Instance`, API form): discovered at launch with its
        tags, a new item at each change of its tags, deleted when terminated. Hybrid nodes (`mi-`) have none.

        Kept even after EC2 forgets the instance: a Name tag outlives it here.
        """
        if not node.node_id.startswith("i-"):
            return []
        base = {
            "version": "1.3",
            "accountId": self.account_id,
            "arn": f"arn:aws:ec2:{self.region}:{self.account_id}:instance/{node.node_id}",
            "resourceType": EC2_INSTANCE_RESOURCE_TYPE,
            "resourceId": node.node_id,
            "awsRegion": self.region,
            "availabilityZone": f"{self.region}a",
            "relatedEvents": [],
            "relationships": [],
            "supplementaryConfiguration": {},
        }
        launched = _aware(node.registered_at)
        items: list[dict[str, Any]] = []
        for since, tags in node.tag_sets():
            at = max(_aware(since), launched)
            configuration = {
                "instanceId": node.node_id,
                "privateIpAddress": node.ip_address,
                "launchTime": iso_ms(launched),
                "state": {"code": 16, "name": "running"},
                "tags": [{"key": k, "value": v} for k, v in tags.items()],
            }
            items.append(
                {
                    **base,
                    "configurationItemCaptureTime": at,
                    "configurationItemStatus": "OK" if items else "ResourceDiscovered",
                    "configurationStateId": str(int(at.timestamp() * 1000)),
                    "configurationItemMD5Hash": "",
                    "resourceCreationTime": launched,
                    "tags": dict(tags),
                    "configuration": json.dumps(configuration),
                }
            )
        if node.deleted_at is not None:
            gone = _aware(node.deleted_at)
            items.append(
                {
                    **base,
                    "configurationItemCaptureTime": gone,
                    "configurationItemStatus": "ResourceDeleted",
                    "configurationStateId": str(int(gone.timestamp() * 1000)),
                    "configurationItemMD5Hash": "",
                    "tags": {},
                    "configuration": "null",
                }
            )
        return items

    def _configuration(self, node: SimNode) -> dict[str, Any]:
        configuration: dict[str, Any] = {}
        for type_name in RECORDED_TYPES:
            entries = node.captured.get(type_name)
            if not entries:
                continue
            content: Any
            if type_name == "AWS:InstanceInformation":
                content = {node.node_id: entries[0]}
            elif node.content_shape == "list":
                content = [dict(e) for e in entries]
            else:
                content = {}
                for entry in entries:
                    name = entry_key(entry, _KEY_FIELD.get(type_name, "Name"))
                    if name in content:
                        previous = content[name]
                        content[name] = (
                            [*previous, dict(entry)]
                            if isinstance(previous, list)
                            else [previous, dict(entry)]
                        )
                    else:
                        content[name] = dict(entry)
            configuration[type_name] = {"SchemaVersion": SCHEMA_VERSIONS[type_name], "Content": content}
        return configuration

    def _item(self, node: SimNode, at: datetime, configuration: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(configuration, sort_keys=True)
        relationships = []
        if node.node_id.startswith("i-"):
            relationships.append(
                {
                    "resourceType": "AWS::EC2::Instance",
                    "resourceId": node.node_id,
                    "relationshipName": "Is associated with ",
                }
            )
        return {
            "version": "1.3",
            "accountId": self.account_id,
            "configurationItemCaptureTime": at,
            # Config discovers the resource with its first item, and again after it was deleted.
            "configurationItemStatus": "OK"
            if node.items and not str(node.items[-1]["configurationItemStatus"]).startswith("ResourceDeleted")
            else "ResourceDiscovered",
            "configurationStateId": str(int(at.timestamp() * 1000)),
            "configurationItemMD5Hash": hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(),
            "arn": f"arn:aws:ssm:{self.region}:{self.account_id}:managed-instance-inventory/{node.node_id}",
            "resourceType": INVENTORY_RESOURCE_TYPE,
            "resourceId": node.node_id,
            "awsRegion": self.region,
            "availabilityZone": "Multiple Availability Zones",
            "tags": {},
            "relatedEvents": [],
            "relationships": relationships,
            "configuration": text,
            "supplementaryConfiguration": {},
        }
