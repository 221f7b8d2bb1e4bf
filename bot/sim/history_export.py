"""Real AWS Config history, exported with the AWS CLI, loaded as the fleet the stand-ins serve.

Each file is what
`aws configservice get-resource-config-history --resource-type AWS::SSM::ManagedInstanceInventory --resource-id ID`
prints: `{"configurationItems": [...]}`, newest first by default, `configuration` a JSON string, times as
ISO 8601 with the CLI's local offset (or epoch seconds, as older CLIs print them). Several files may hold
items of the same node (pages, overlapping ranges): they are merged and deduplicated.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from bot.sim.fleet import INVENTORY_RESOURCE_TYPE, ContentShape, Entry, Fleet, SimNode
from bot.sim.notifications import parse_time

# The inventory association the loaded nodes are said to have (the export does not say).
EXPORT_ASSOCIATION_ID = "0e3f5c1a-9b2d-4c6e-8f70-a1b2c3d4e5f6"
# SSM runs inventory every 30 minutes whether or not Config records a change, so a live node's latest
# capture is recent even when its newest Config item is old.
# Notification-form keys (S3 history files, SNS) → the API form the fleet keeps.
_API_KEYS = {
    "awsAccountId": "accountId",
    "ARN": "arn",
    "configurationStateMd5Hash": "configurationItemMD5Hash",
    "configurationItemVersion": "version",
}
_CLI_COMMAND = "aws configservice get-resource-config-history --resource-type AWS::SSM::ManagedInstanceInventory --resource-id ID"


class HistoryFileError(ValueError):
    """A history file that cannot be loaded: which file, and what is wrong with it."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(f"{path}: {what}")
        self.path = path
        self.what = what


def fleet_from_history_files(paths: Sequence[Path], *, now: datetime | None = None) -> Fleet:
    """A fleet whose nodes are the managed nodes in these exported histories."""
    if not paths:
        raise ValueError("no history files given")
    now = datetime.now(UTC) if now is None else parse_time(now)
    by_node: dict[str, dict[str, dict[str, Any]]] = {}
    account_region: tuple[str, str] | None = None
    for path in paths:
        for item in _read_items(Path(path)):
            here = (item.get("accountId", ""), item.get("awsRegion", ""))
            if account_region is None:
                account_region = here
            elif here != account_region:
                raise HistoryFileError(
                    Path(path),
                    f"holds items of account {here[0]} in {here[1]}, other files of account "
                    f"{account_region[0]} in {account_region[1]}: load one account and region at a time",
                )
            key = str(item.get("configurationStateId") or item["configurationItemCaptureTime"].isoformat())
            by_node.setdefault(item["resourceId"], {})[key] = item
    assert account_region is not None
    fleet = Fleet(account_id=account_region[0] or "123456789012", region=account_region[1] or "us-east-1")
    for node_id, items in by_node.items():
        fleet.add(_node(node_id, sorted(items.values(), key=_order), now))
    return fleet


def cli_history(items: Sequence[Mapping[str, Any]], *, tz: tzinfo = timezone(timedelta(hours=9))) -> str:
    """What the AWS CLI prints for these API-form items: newest first, times in the CLI's local zone."""

    def printed(item: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(item)
        for field in ("configurationItemCaptureTime", "resourceCreationTime"):
            if isinstance(out.get(field), datetime):
                out[field] = out[field].astimezone(tz).isoformat()
        return out

    newest_first = sorted(items, key=_order, reverse=True)
    return json.dumps(
        {"configurationItems": [printed(i) for i in newest_first]}, indent=4, ensure_ascii=False
    )


# --- reading ------------------------------------------------------------------------------------------


def _read_items(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise HistoryFileError(path, f"cannot be read ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise HistoryFileError(path, "is not text (expected the JSON the AWS CLI prints)") from e
    if not text.strip():
        raise HistoryFileError(path, f"is empty: expected the output of `{_CLI_COMMAND}`")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise HistoryFileError(path, f"is not JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    raw_items = document.get("configurationItems") if isinstance(document, dict) else None
    if not isinstance(raw_items, list):
        raise HistoryFileError(
            path, f"has no `configurationItems` list: expected the output of `{_CLI_COMMAND}`"
        )
    if not raw_items:
        raise HistoryFileError(
            path, "holds no configuration items (did the CLI call cover the right time range?)"
        )
    return [_api_item(path, i, raw) for i, raw in enumerate(raw_items)]


def _api_item(path: Path, index: int, raw: Any) -> dict[str, Any]:
    """One exported item in the API form the fleet keeps (`configuration` a string, times UTC datetimes)."""
    if not isinstance(raw, dict):
        raise HistoryFileError(path, f"configurationItems[{index}] is not an object")
    item: dict[str, Any] = {_API_KEYS.get(str(k), str(k)): v for k, v in raw.items()}
    resource_type = item.get("resourceType")
    if resource_type != INVENTORY_RESOURCE_TYPE:
        raise HistoryFileError(
            path,
            f"configurationItems[{index}] is a {resource_type} ({item.get('resourceId')}), not "
            f"{INVENTORY_RESOURCE_TYPE}: export the history of {INVENTORY_RESOURCE_TYPE}",
        )
    if not item.get("resourceId"):
        raise HistoryFileError(path, f"configurationItems[{index}] has no resourceId")
    for field in ("configurationItemCaptureTime", "resourceCreationTime"):
        if field not in item or item[field] is None:
            continue
        try:
            item[field] = parse_time(item[field])
        except (TypeError, ValueError, OverflowError) as e:
            raise HistoryFileError(
                path, f"configurationItems[{index}].{field} is not a time: {item[field]!r}"
            ) from e
    if "configurationItemCaptureTime" not in item:
        raise HistoryFileError(path, f"configurationItems[{index}] has no configurationItemCaptureTime")
    configuration = item.get("configuration")
    if isinstance(configuration, dict):
        item["configuration"] = json.dumps(configuration)
    elif isinstance(configuration, str):
        try:
            json.loads(configuration)
        except json.JSONDecodeError as e:
            raise HistoryFileError(
                path, f"configurationItems[{index}].configuration is not JSON ({e.msg})"
            ) from e
    if item.get("configurationStateId") is not None:
        item["configurationStateId"] = str(item["configurationStateId"])
    if isinstance(item.get("relationships"), list):
        item["relationships"] = [
            {("relationshipName" if k == "name" else k): v for k, v in r.items()}
            if isinstance(r, dict)
            else r
            for r in item["relationships"]
        ]
    return item


def _order(item: Mapping[str, Any]) -> tuple[datetime, int]:
    state = str(item.get("configurationStateId") or "")
    return parse_time(item["configurationItemCaptureTime"]), int(state) if state.isdigit() else 0


# --- building nodes -----------------------------------------------------------------------------------


def _node(node_id: str, items: list[dict[str, Any]], now: datetime) -> SimNode:
    decoded = (json.loads(i["configuration"]) for i in items if isinstance(i.get("configuration"), str))
    # A deletion item has no configuration ("null"): the node's last state is in the items before it.
    configurations = [c for c in decoded if isinstance(c, dict)]
    latest = configurations[-1] if configurations else {}
    info: Mapping[str, Any] = {}
    for configuration in reversed(configurations):
        content = configuration.get("AWS:InstanceInformation", {}).get("Content")
        if isinstance(content, dict) and content:
            info = content.get(node_id) or next(iter(content.values()))
            break
        if isinstance(content, list) and content:
            info = content[0]
            break
    installed = {
        type_name: _entries(part.get("Content"))
        for type_name, part in latest.items()
        if type_name != "AWS:InstanceInformation" and isinstance(part, dict)
    }
    newest = items[-1]
    status = str((newest.get("supplementaryConfiguration") or {}).get("InstanceStatus", "")).strip('"')
    deleted = str(newest.get("configurationItemStatus", "")).startswith("ResourceDeleted")
    unmanaged = status == "Unmanaged" or deleted
    newest_time: datetime = newest["configurationItemCaptureTime"]
    node = SimNode(
        node_id=node_id,
        computer_name=str(info.get("ComputerName") or node_id),
        platform_type=str(info.get("PlatformType") or "Linux"),
        platform_name=str(info.get("PlatformName") or ""),
        platform_version=str(info.get("PlatformVersion") or ""),
        agent_version=str(info.get("AgentVersion") or ""),
        ip_address=str(info.get("IpAddress") or ""),
        registered_at=items[0]["configurationItemCaptureTime"],
        ping_status="Inactive" if unmanaged else "Online",
        content_shape=_shape(latest),
        installed=installed,
        items=items,
        inventory_association_id=None if unmanaged else EXPORT_ASSOCIATION_ID,
        unmanaged_since=newest_time if unmanaged else None,
        deleted_at=newest_time if deleted else None,
    )
    node.captured = copy.deepcopy(installed)
    node.captured["AWS:InstanceInformation"] = [node.instance_information()]
    # An export says nothing of captures after its newest item: claim none (answers will call it stale).
    node.capture_time = newest_time
    return node


def _entries(content: Any) -> list[Entry]:
    """A Content in either shape → its entries (a map's value is one entry, or a list when versions repeat)."""
    values = content.values() if isinstance(content, dict) else content if isinstance(content, list) else []
    entries: list[Entry] = []
    for value in values:
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict):
                entries.append({str(k): str(v) for k, v in entry.items()})
    return entries


def _shape(configuration: Mapping[str, Any]) -> ContentShape:
    for type_name, part in configuration.items():
        if (
            type_name != "AWS:InstanceInformation"
            and isinstance(part, dict)
            and isinstance(part.get("Content"), dict)
        ):
            return "map"
    return "list"
