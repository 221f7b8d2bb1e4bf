"""The answer to "Who changed it?": a lead line and one message per transaction, for a thread."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.lookup import Finding, Lookup
from bot.core.mrkdwn import code, escape
from bot.core.transactions import Transaction
from bot.slack.messages import Message, context, section, slack_date

MAX_ROWS_PER_TRANSACTION = 12


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
