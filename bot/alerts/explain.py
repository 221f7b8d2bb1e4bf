"""`pkgwhen explain FILE [--history H]`: what the alert worker would post for one SQS message body, or why not.

For a person whose alert did not show up: paste the message body (from the queue, the DLQ or a log) into
a file and see the worker's reading of it — the form, the server and item, the channel, and the message
itself, or the reason it is skipped. The previous item comes from `--history` (the AWS CLI's
`get-resource-config-history` output, as for the demo) or else from AWS Config with the usual settings.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.alerts.notifications import ConfigChange, NotAConfigMessage, Skip, parse_notification
from bot.alerts.placement import decide
from bot.alerts.routing import AlertRoutes, RoutesError, load_routes
from bot.alerts.sources import ItemSource, ItemUnavailable
from bot.core.config_items import InventorySnapshot, MalformedItem, parse_configuration_item
from bot.core.errors import PkgwhenError
from bot.core.settings import Settings, SettingsError
from bot.core.transactions import parse_history_output, read_transaction
from bot.slack.change_messages import has_thread_detail, render_change_detail, render_change_summary
from bot.slack.plaintext import blocks_to_text


class ExplainError(Exception):
    """Explain cannot go on; the message says what to give it."""


def history_snapshots(paths: Sequence[Path], node_id: str) -> list[InventorySnapshot]:
    """Items of `node_id` in exported history files, oldest first."""
    snapshots: dict[str, InventorySnapshot] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ExplainError(f"{path}: not a history export ({exc})") from exc
        items = data.get("configurationItems") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ExplainError(f'{path}: expected {{"configurationItems": [...]}} as the AWS CLI prints it')
        for raw in items:
            try:
                snapshot = parse_configuration_item(raw)
            except MalformedItem as exc:
                raise ExplainError(f"{path}: {exc}") from exc
            if snapshot.node_id == node_id:
                snapshots[snapshot.state_id] = snapshot
    return sorted(snapshots.values(), key=lambda s: s.captured_at)


def explain(body: str, history: Sequence[Path], settings: Settings, out: TextIO) -> int:
    """Print the worker's reading of `body`; 0 when it would be posted or skipped, 1 when it would fail."""
    try:
        change = parse_notification(body)
    except NotAConfigMessage as exc:
        print(f"The worker would fail on this message: {exc}.", file=out)
        print(
            "It stays on the queue and, after the redrive policy's receive count, moves to the DLQ.", file=out
        )
        return 1
    if isinstance(change, Skip):
        print(f"The worker would skip this message ({change.delivery.value}): {change.detail}.", file=out)
        print(
            "Only changes of AWS::SSM::ManagedInstanceInventory are alerted on; the message is deleted.",
            file=out,
        )
        return 0
    print(
        f"{change.message_type} via {change.delivery.value}: server {change.node_id}, item {change.state_id}, "
        f"captured {change.captured_at:%Y-%m-%d %H:%M:%S} UTC",
        file=out,
    )
    try:
        current, previous = _items(change, history, settings)
    except (ExplainError, ItemUnavailable, PkgwhenError, MalformedItem) as exc:
        print(f"The worker could not read the item: {exc}", file=out)
        return 1
    if previous is None:
        print("No earlier item of this server: everything is reported as present at first record.", file=out)
    else:
        print(
            f"Compared with the item captured {previous.captured_at:%Y-%m-%d %H:%M:%S} UTC ({previous.state_id}).",
            file=out,
        )
    routes = _routes(settings)
    label = (
        current.platform.computer_name.split(".")[0]
        if current.platform and current.platform.computer_name
        else change.node_id
    )
    decision = decide(
        change,
        current,
        previous,
        routes=routes,
        watchlist=settings.watchlist,
        post_noise=settings.post_noise,
        tags={},
        label=label,
    )
    if decision.skip is not None and decision.channel is None and not decision.summary.changes:
        print(f"Nothing would be posted: {decision.skip}.", file=out)
        return 0
    where = decision.channel or "(no channel: set PKGWHEN_ALERT_CHANNEL or a routing rule)"
    print(
        f"Would post to {where}"
        + (" (EC2 tags not read here; tag rules may route it elsewhere)" if routes.routes else "")
        + ":",
        file=out,
    )
    message = render_change_summary(decision.summary, label)
    _print_message(blocks_to_text(message.text, message.blocks), out)
    if has_thread_detail(decision.summary):
        print("In its thread:", file=out)
        for reply in render_change_detail(decision.summary, label):
            _print_message(blocks_to_text(reply.text, reply.blocks), out)
    return 0


def _routes(settings: Settings) -> AlertRoutes:
    try:
        return load_routes(settings.routes_file, settings.alert_channel)
    except RoutesError as exc:
        raise SettingsError("PKGWHEN_ROUTES_FILE", str(exc)) from exc


def _items(
    change: ConfigChange, history: Sequence[Path], settings: Settings
) -> tuple[InventorySnapshot, InventorySnapshot | None]:
    if history:
        snapshots = history_snapshots(history, change.node_id)
        if change.item is not None:
            current = parse_configuration_item(change.item)
        else:
            found = next((s for s in snapshots if s.state_id == change.state_id), None)
            if found is None:
                raise ExplainError(f"the oversized item {change.state_id} is not in the history file(s)")
            current = found
        earlier = [s for s in snapshots if s.captured_at < current.captured_at and s.packages_known]
        return current, earlier[-1] if earlier else None
    source = _aws_source(settings)
    current = source.current(change)
    return current, source.previous(current)


def _aws_source(settings: Settings) -> ItemSource:
    from bot.aws.clients import AwsClients
    from bot.aws.config_history import ConfigHistory
    from bot.store.item_index import ItemIndex

    aws = AwsClients.from_settings(settings)
    index = ItemIndex(settings.index_path)
    history = ConfigHistory(aws.config_history(), index, attempts=settings.aws_max_attempts)
    return ItemSource(history, index, aws.s3())


def _print_message(text: str, out: TextIO) -> None:
    for line in text.splitlines():
        print(f"  {line}", file=out)
    print(file=out)


def explain_command(path: Path, history: Sequence[Path]) -> int:
    try:
        body = path.read_text()
    except OSError as exc:
        print(f"pkgwhen: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    if PACKAGE_HISTORY_MARKER in body:
        return explain_package_history(body, sys.stdout)
    settings = Settings.from_env(require_slack=False)
    return explain(body, history, settings, sys.stdout)


PACKAGE_HISTORY_MARKER = "=== pkgwhen: "


def explain_package_history(output: str, out: TextIO) -> int:
    """A saved output of pkgwhen's package-history document: the transactions it holds, each read."""
    report = parse_history_output(output)
    print(f"package: {report.package or 'unknown'}; sources: {', '.join(report.sources) or 'none'}", file=out)
    if report.truncated:
        print("the output was cut (SSM keeps 24,000 characters): older transactions may be missing", file=out)
    for note in report.notes:
        print(f"note: {note}", file=out)
    if not report.transactions:
        print("no transaction found", file=out)
        return 1
    for transaction in report.transactions:
        reading = read_transaction(transaction, package=report.package, report=report)
        when = transaction.begin or transaction.end
        print(
            f"- {transaction.manager} {transaction.id or '?'} at {when.isoformat() if when else 'unknown time'}: "
            f"{reading.text}",
            file=out,
        )
        for change in transaction.changes:
            versions = " -> ".join(v for v in (change.old_version, change.new_version) if v)
            print(f"    {change.action} {change.name} {versions}".rstrip(), file=out)
    return 0
