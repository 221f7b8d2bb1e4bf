"""AWS Config's S3 delivery for simulated fleets: history files, snapshots and the writability check, as Config writes them.

Config's delivery channel writes, about every six hours per account, region and resource type, one gzip
JSON history file of the items recorded since the last one (AWS-NOTES §8):
`[PREFIX/]AWSLogs/ACCOUNT/Config/REGION/YYYY/M/D/ConfigHistory/ACCOUNT_Config_REGION_ConfigHistory_TYPE_STARTZ_ENDZ_N.json.gz`
— month and day without leading zeros, the resource type with its colons, START and END the first and last
capture time in the file (one item: the same time twice, as in AWS's examples), N counting the parts of a
period that was split. Inside: `{"fileVersion": "1.0", "configurationItems": [...]}`, the items in the
notification form with Config's null fields left out (as in the real file in `samples/`), sorted by
resource and then time. Beside them the bucket holds `ConfigSnapshot/` files and each account's empty
`ConfigWritabilityCheckFile`. After each history file Config publishes `ConfigurationHistoryDeliveryCompleted`
naming its bucket and key.

Sinks: a directory laid out like the bucket (what `aws s3 sync s3://BUCKET DIR` gives), or a bucket
through boto3 (moto's S3 here). Which six-hour period an item falls in, and when its file is delivered,
is fixed per account and region, so the same fleet always gives the same keys and bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.sim.fleet import EC2_INSTANCE_RESOURCE_TYPE, INVENTORY_RESOURCE_TYPE, Fleet
from bot.sim.notifications import history_delivery_completed, notification_item, parse_time

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

FILE_VERSION = "1.0"
HISTORY_PERIOD = timedelta(hours=6)
# The resource types whose history files the simulated recorders deliver.
HISTORY_RESOURCE_TYPES = (INVENTORY_RESOURCE_TYPE, EC2_INSTANCE_RESOURCE_TYPE)
WRITABILITY_CHECK_FILE = "ConfigWritabilityCheckFile"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HISTORY_KEY = re.compile(
    r"(?:^|/)AWSLogs/(?P<account>\d{12})/Config/(?P<region>[a-z0-9-]+)/\d{4}/\d{1,2}/\d{1,2}/ConfigHistory/"
    r"(?P=account)_Config_(?P=region)_ConfigHistory_(?P<type>[A-Za-z0-9:]+)_"
    r"(?P<start>\d{8}T\d{6}Z)_(?P<end>\d{8}T\d{6}Z)_(?P<part>\d+)\.json\.gz$"
)


@dataclass(frozen=True)
class ConfigObject:
    """One object Config puts in its bucket, and when."""

    key: str
    body: bytes
    delivered_at: datetime

    @property
    def kind(self) -> str:
        """`history`, `snapshot` or `check` (the writability check file)."""
        if "/ConfigHistory/" in self.key:
            return "history"
        if "/ConfigSnapshot/" in self.key:
            return "snapshot"
        return "check"

    def document(self) -> dict[str, Any]:
        """The JSON a history or snapshot file holds."""
        content: dict[str, Any] = json.loads(gzip.decompress(self.body))
        return content


@dataclass(frozen=True)
class HistoryKey:
    """What a history file's key says: whose, which type, the capture times it spans, which part."""

    account_id: str
    region: str
    resource_type: str
    start: datetime
    end: datetime
    part: int


def parse_history_key(key: str) -> HistoryKey | None:
    """A history file's key read back; None for any other object of a Config bucket."""
    match = _HISTORY_KEY.search(key)
    if match is None:
        return None

    def moment(text: str) -> datetime:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    return HistoryKey(
        match["account"],
        match["region"],
        match["type"],
        moment(match["start"]),
        moment(match["end"]),
        int(match["part"]),
    )


# --- what Config writes -------------------------------------------------------------------------------


def bucket_objects(
    fleets: Iterable[Fleet],
    *,
    prefix: str = "",
    until: datetime | None = None,
    snapshots: bool = True,
    items_per_file: int | None = None,
) -> list[ConfigObject]:
    """Everything the fleets' delivery channels put in one (central) bucket, oldest delivery first.

    `until`: only what was delivered by then (a period's file arrives after the period ends); None: every
    period, including the one still open. A fleet without a recorder delivers nothing.
    """
    objects: list[ConfigObject] = []
    checks: dict[str, ConfigObject] = {}
    for fleet in fleets:
        if not fleet.has_recorder:
            continue
        history = history_files(fleet, prefix=prefix, until=until, items_per_file=items_per_file)
        if not history:
            continue
        # Every region's delivery channel checks the same key of its account: one object, the first write.
        check = writability_check(fleet, prefix=prefix)
        if check.key not in checks or check.delivered_at < checks[check.key].delivered_at:
            checks[check.key] = check
        objects += history
        if snapshots:
            objects.append(snapshot_file(fleet, at=until, prefix=prefix))
    return sorted([*checks.values(), *objects], key=lambda o: (o.delivered_at, o.key))


def history_files(
    fleet: Fleet, *, prefix: str = "", until: datetime | None = None, items_per_file: int | None = None
) -> list[ConfigObject]:
    """The history files of one account and region: one per resource type and six-hour period with items."""
    periods: dict[tuple[str, datetime], list[dict[str, Any]]] = {}
    with fleet.lock:
        for node in fleet.nodes():
            for item in [*node.items, *fleet.instance_items(node)]:
                captured = parse_time(item["configurationItemCaptureTime"])
                start = _period_start(fleet, captured)
                periods.setdefault((item["resourceType"], start), []).append(item)
    files = []
    for (resource_type, start), items in sorted(
        periods.items(), key=lambda entry: (entry[0][1], entry[0][0])
    ):
        delivered = _delivery_time(fleet.account_id, fleet.region, start)
        if until is not None and delivered > until:
            continue
        ordered = sorted(
            items, key=lambda i: (i["resourceId"], parse_time(i["configurationItemCaptureTime"]))
        )
        size = items_per_file or len(ordered)
        for part, first in enumerate(range(0, len(ordered), size), start=1):
            chunk = ordered[first : first + size]
            key = _history_key(fleet, resource_type, chunk, part, prefix)
            files.append(ConfigObject(key, _gzip(_history_document(chunk), delivered), delivered))
    return files


def file_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item as Config's files hold it: the notification form without the fields Config leaves null."""
    return {key: value for key, value in notification_item(item).items() if value is not None}


def _history_document(items: Sequence[Mapping[str, Any]]) -> str:
    """A history file's JSON text. Each item's configuration is already JSON text in the API form: it is put
    in as it is rather than decoded and encoded again (most of a file's bytes, and of the time to write it)."""
    parts = []
    for item in items:
        configuration = item.get("configuration")
        if not isinstance(configuration, str):
            parts.append(json.dumps(file_item(item), separators=(",", ":")))
            continue
        rest = json.dumps(file_item({**item, "configuration": None}), separators=(",", ":"))
        parts.append(rest if configuration == "null" else f'{rest[:-1]},"configuration":{configuration}}}')
    return f'{{"fileVersion":"{FILE_VERSION}","configurationItems":[{",".join(parts)}]}}'


def snapshot_file(fleet: Fleet, *, at: datetime | None = None, prefix: str = "") -> ConfigObject:
    """A configuration snapshot: the latest item of every resource that exists at `at` (default: after the
    newest item). pkgwhen reads history, not snapshots; they are in the bucket and must be skipped."""
    with fleet.lock:
        items = [i for node in fleet.nodes() for i in [*node.items, *fleet.instance_items(node)]]
    newest = max((parse_time(i["configurationItemCaptureTime"]) for i in items), default=_EPOCH)
    taken = parse_time(at) if at is not None else newest + timedelta(hours=1)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for item in sorted(items, key=lambda i: parse_time(i["configurationItemCaptureTime"])):
        if parse_time(item["configurationItemCaptureTime"]) <= taken:
            latest[(item["resourceType"], item["resourceId"])] = item
    current = [
        file_item(item)
        for _, item in sorted(latest.items())
        if not str(item["configurationItemStatus"]).startswith("ResourceDeleted")
    ]
    snapshot_id = str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{fleet.account_id}/{fleet.region}/{taken.isoformat()}")
    )
    key = (
        f"{_base(prefix)}AWSLogs/{fleet.account_id}/Config/{fleet.region}/{_day_path(taken)}/ConfigSnapshot/"
        f"{fleet.account_id}_Config_{fleet.region}_ConfigSnapshot_{_stamp(taken)}_{snapshot_id}.json.gz"
    )
    document = {"fileVersion": FILE_VERSION, "configSnapshotId": snapshot_id, "configurationItems": current}
    return ConfigObject(key, _gzip(json.dumps(document, separators=(",", ":")), taken), taken)


def writability_check(fleet: Fleet, *, prefix: str = "") -> ConfigObject:
    """The empty object Config writes to check it may write to the bucket, once per account."""
    with fleet.lock:
        times = [parse_time(i["configurationItemCaptureTime"]) for n in fleet.nodes() for i in n.items]
    written = min(times, default=_EPOCH) - timedelta(minutes=5)
    return ConfigObject(
        f"{_base(prefix)}AWSLogs/{fleet.account_id}/Config/{WRITABILITY_CHECK_FILE}", b"", written
    )


# --- the two sinks ------------------------------------------------------------------------------------


def write_config_bucket(
    fleets: Iterable[Fleet],
    directory: Path,
    *,
    prefix: str = "",
    until: datetime | None = None,
    snapshots: bool = True,
    items_per_file: int | None = None,
) -> list[ConfigObject]:
    """Write the fleets' Config delivery into `directory`, laid out like the bucket; returns what was written."""
    objects = bucket_objects(
        fleets, prefix=prefix, until=until, snapshots=snapshots, items_per_file=items_per_file
    )
    for obj in objects:
        path = directory.joinpath(*obj.key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(obj.body)
    return objects


def upload_config_bucket(s3: S3Client, bucket: str, directory: Path, *, workers: int = 8) -> list[str]:
    """Upload a directory laid out like a Config bucket (written here, or downloaded from a real one) to
    `bucket`: each file under its path as key. Returns the keys, sorted."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    keys = [p.relative_to(directory).as_posix() for p in files]
    _put_all(s3, bucket, [(key, path.read_bytes()) for key, path in zip(keys, files, strict=True)], workers)
    return sorted(keys)


def put_config_bucket(
    s3: S3Client, bucket: str, objects: Sequence[ConfigObject], *, workers: int = 8
) -> list[str]:
    """Put objects (from `bucket_objects`, say) into `bucket` as Config's delivery channel does. Returns the keys."""
    _put_all(s3, bucket, [(o.key, o.body) for o in objects], workers)
    return [o.key for o in objects]


def _put_all(s3: S3Client, bucket: str, objects: Sequence[tuple[str, bytes]], workers: int) -> None:
    # boto3 clients are thread-safe; small objects go faster side by side than one after another.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [
            pool.submit(s3.put_object, Bucket=bucket, Key=key, Body=body) for key, body in objects
        ]:
            future.result()


# --- notifications ------------------------------------------------------------------------------------


def history_delivery_notifications(bucket: str, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Config's `ConfigurationHistoryDeliveryCompleted` message for each history file among `keys` (other
    objects of the bucket have none), in delivery order. Deliver them with `bot.sim.alert_feed.AlertFeed`,
    or wrap them with `bot.sim.notifications.sns_body` / `raw_body` / `eventbridge_body`."""
    messages = []
    for key in keys:
        parsed = parse_history_key(key)
        if parsed is None:
            continue
        start = _period_start_of(parsed.account_id, parsed.region, parsed.start)
        delivered = _delivery_time(parsed.account_id, parsed.region, start)
        messages.append((delivered, key, history_delivery_completed(bucket, key, created=delivered)))
    return [message for _, _, message in sorted(messages, key=lambda m: (m[0], m[1]))]


# --- internals ----------------------------------------------------------------------------------------


def _seed(account_id: str, region: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{account_id}/{region}".encode()).digest()[:8], "big")


def _period_start_of(account_id: str, region: str, at: datetime) -> datetime:
    """The six-hour delivery period holding `at`: the recorder's periods began at a moment of its own."""
    period_s = int(HISTORY_PERIOD.total_seconds())
    phase = _seed(account_id, region) % period_s
    elapsed = int((at - _EPOCH).total_seconds()) - phase
    return _EPOCH + timedelta(seconds=elapsed // period_s * period_s + phase)


def _period_start(fleet: Fleet, at: datetime) -> datetime:
    return _period_start_of(fleet.account_id, fleet.region, at)


def _delivery_time(account_id: str, region: str, period_start: datetime) -> datetime:
    """When a period's files land: some minutes after it ends, with milliseconds, as Config stamps them."""
    lag_ms = 4 * 60_000 + _seed(region, account_id) % (20 * 60_000)
    return period_start + HISTORY_PERIOD + timedelta(milliseconds=lag_ms)


def _history_key(
    fleet: Fleet, resource_type: str, items: Sequence[Mapping[str, Any]], part: int, prefix: str
) -> str:
    times = [parse_time(i["configurationItemCaptureTime"]) for i in items]
    first, last = min(times), max(times)
    return (
        f"{_base(prefix)}AWSLogs/{fleet.account_id}/Config/{fleet.region}/{_day_path(first)}/ConfigHistory/"
        f"{fleet.account_id}_Config_{fleet.region}_ConfigHistory_{resource_type}_{_stamp(first)}_{_stamp(last)}_{part}.json.gz"
    )


def _base(prefix: str) -> str:
    return f"{prefix.strip('/')}/" if prefix.strip("/") else ""


def _day_path(at: datetime) -> str:
    at = at.astimezone(UTC)
    return f"{at.year}/{at.month}/{at.day}"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _gzip(text: str, written: datetime) -> bytes:
    # Compact JSON and zlib's default level, as a Java service writes them; the gzip header carries the write
    # time, so the same fleet always gives the same bytes.
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=int(written.timestamp()))
