"""Who changed a package and how: run pkgwhen's history document on the server, read its transactions.

Config knows that curl changed between two captures; the server's package manager knows the transaction,
its exact time, the user and the command line. The document (deploy/pkgwhen-package-history.json) takes
the package name as a typed parameter that reaches its script only as an environment variable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.associations import WriteOutcome
from bot.buttons import WhoChangedButton
from bot.errors import NotManaged, PkgwhenError, ServerOffline, WriteUnanswered
from bot.messages import Message, context, section, slack_date
from bot.mrkdwn import code, escape
from bot.pm_history import (
    HistoryReport,
    Reading,
    Transaction,
    near,
    parse_history_output,
    read_transaction,
    transactions_touching,
)
from bot.run_command import PACKAGE_HISTORY_DOCUMENT, Invocation, RunCommandGateway
from bot.servers import ManagedServer

WHY_ACTION = "/pkgwhen … why"
# A transaction this close to the recorded window still explains the change (clocks, slow captures).
SLACK = timedelta(minutes=30)
# The document details transactions in a window; give it room either side of Config's.
_DOCUMENT_MARGIN = timedelta(days=1)
MAX_TRANSACTIONS_SHOWN = 5
MAX_ROWS_PER_TRANSACTION = 12


@dataclass(frozen=True)
class Lookup:
    """What to look for: a package on a server, around one recorded change."""

    server: ManagedServer
    package: str
    after: datetime | None
    before: datetime
    change: str = ""  # the change as the timeline said it, e.g. "7.61.1-12.amzn2.0.1 → 7.61.1-12.amzn2.0.2"

    def button(self) -> WhoChangedButton:
        return WhoChangedButton(self.server.node_id, self.package, self.after, self.before, self.change)


@dataclass(frozen=True)
class Finding:
    report: HistoryReport
    transactions: tuple[Transaction, ...]
    readings: tuple[Reading, ...]
    nearby: bool  # False: none in the window, these are the package's transactions found at all


def _window_bound(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def run_history_document(
    commands: RunCommandGateway,
    lookup: Lookup,
    *,
    wait: timedelta,
    poll: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> HistoryReport:
    """Send the document (one attempt), wait for its output, parse it."""
    server = lookup.server
    after = (lookup.after or lookup.before - timedelta(days=7)) - _DOCUMENT_MARGIN
    sent = commands.send(
        server.node_id,
        PACKAGE_HISTORY_DOCUMENT,
        {
            "packageName": [lookup.package],
            "windowStart": [_window_bound(after)],
            "windowEnd": [_window_bound(lookup.before + _DOCUMENT_MARGIN)],
        },
        comment=f"pkgwhen: who changed {lookup.package}",
    )
    if sent.outcome is WriteOutcome.UNKNOWN or sent.command_id is None:
        raise WriteUnanswered(
            f"Systems Manager did not answer whether it started reading {escape(server.label)}'s package history; "
            "pkgwhen does not send it twice.",
            "Ask again in a minute.",
        )
    deadline = clock() + wait.total_seconds()
    invocation: Invocation | None = None
    while clock() < deadline:
        invocation = commands.invocation(sent.command_id, server.node_id)
        if invocation is not None and invocation.finished:
            break
        sleep(poll)
    if invocation is None or not invocation.finished:
        raise PkgwhenError(
            f"Reading the package history on {escape(server.label)} did not finish within {int(wait.total_seconds())} s.",
            f"The command ({code(sent.command_id)}) may still finish: look in Systems Manager → Run Command, or ask again later.",
        )
    if invocation.status != "Success":
        detail = (invocation.stderr or invocation.stdout).strip().splitlines()
        raise PkgwhenError(
            f"Reading the package history on {escape(server.label)} ended {code(invocation.status)}"
            + (f": {escape(detail[-1][:300])}" if detail else "."),
            "The document needs SSM Agent 3.3.2746.0 or later and a Linux server with yum, dnf, apt or zypper.",
        )
    return parse_history_output(invocation.stdout)


def check_server(server: ManagedServer, ping_status: str | None, last_ping: str) -> None:
    if not server.managed or ping_status is None:
        raise NotManaged(server.label)
    if (server.platform_type or "Linux") != "Linux":
        raise PkgwhenError(
            f"{escape(server.label)} runs {escape(server.platform or server.platform_type or '')}: package-manager history is read on Linux only.",
            "For Windows hotfixes, the install time in `/pkgwhen` comes from Windows itself.",
        )
    if ping_status != "Online":
        raise ServerOffline(server.label, ping_status, last_ping)


def find(report: HistoryReport, lookup: Lookup) -> Finding:
    touching = transactions_touching(report, lookup.package)
    close = near(touching, lookup.after, lookup.before, timedelta(minutes=1)) or near(
        touching, lookup.after, lookup.before, SLACK
    )
    chosen = close or touching[-MAX_TRANSACTIONS_SHOWN:]
    readings = tuple(
        read_transaction(t, launched_at=lookup.server.launched_at, package=lookup.package, report=report) for t in chosen
    )
    return Finding(report, tuple(chosen), readings, nearby=bool(close))


def _when(t: Transaction) -> str:
    if t.begin and t.end and t.end - t.begin >= timedelta(minutes=1):
        return f"{slack_date(t.begin)} to {slack_date(t.end)}"
    moment = t.begin or t.end
    return slack_date(moment) if moment else "time unknown"


def _rows(t: Transaction, package: str) -> list[str]:
    rows = []
    mine = t.change_of(package)
    ordered = ([mine] if mine else []) + [c for c in t.changes if c is not mine]
    for change in ordered[:MAX_ROWS_PER_TRANSACTION]:
        versions = " → ".join(code(v) for v in (change.old_version, change.new_version) if v)
        rows.append(f"• {escape(change.action)} *{escape(change.name)}* {versions}".rstrip())
    hidden = len(ordered) - MAX_ROWS_PER_TRANSACTION + t.omitted_changes
    if hidden > 0:
        rows.append(f"• … and {hidden} more packages")
    return rows


def render_finding(finding: Finding, lookup: Lookup) -> list[Message]:
    """The thread: a lead line, then one message per transaction (each inside Slack's limits)."""
    server, package = lookup.server, lookup.package
    window = (
        f"between {slack_date(lookup.after)} and {slack_date(lookup.before)}"
        if lookup.after
        else f"before {slack_date(lookup.before)}"
    )
    notes: list[str] = []
    if finding.report.truncated:
        notes.append("the server's output was cut at SSM's 24,000 characters: older transactions may be missing")
    if not finding.transactions:
        text = (
            f"No package-manager transaction of *{escape(package)}* was found on {escape(server.label)}: "
            "its history may have been rotated away (apt keeps 12 months by default), or the change was made "
            "without yum, dnf, apt or zypper (an image rebuilt, rpm or dpkg run directly)."
        )
        return [Message(text=text, blocks=(section(text), *([context(*notes)] if notes else [])))]
    lead = (
        f"*Who changed {escape(package)} on {escape(server.label)}* {window}"
        + (f" ({escape(lookup.change)})" if lookup.change else "")
        + (":" if finding.nearby else ": no transaction in that window; the package's transactions found were:")
    )
    messages = [Message(text=f"Who changed {escape(package)} on {escape(server.label)}", blocks=(section(lead),))]
    for t, reading in zip(finding.transactions, finding.readings, strict=True):
        head = f"*{escape(reading.text)}*"
        facts = [
            f"{escape(t.manager)} transaction {code(t.id or '?')} · {_when(t)}",
            f"user: {escape(t.user or 'unknown')}" + (f" · command: {code(t.command_line)}" if t.command_line else ""),
        ]
        if t.outcome:
            facts.append(f"outcome: {escape(t.outcome)}")
        body = "\n".join([head, *facts, *_rows(t, package)])
        blocks: list[dict[str, Any]] = [section(body)]
        messages.append(Message(text=escape(reading.text), blocks=tuple(blocks)))
    if notes:
        messages.append(Message(text=notes[0], blocks=(context(*notes),)))
    return messages


def summary_line(finding: Finding, lookup: Lookup) -> str:
    """The finding in one line of mrkdwn (data escaped)."""
    if not finding.transactions:
        return f"No transaction of {escape(lookup.package)} found on {escape(lookup.server.label)}."
    return "; ".join(escape(r.text) for r in finding.readings[:2])


def lookup_from(button: WhoChangedButton, server_of: Callable[[str], ManagedServer]) -> Lookup:
    """The lookup a clicked button asks for; its server found as a typed name is."""
    return Lookup(server_of(button.node_id), button.package, button.after, button.before, button.change)
