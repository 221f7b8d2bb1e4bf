"""The messages of a server change: the channel post (counts, notable packages first), its thread detail,
and the fleet digest when many servers changed alike. Used by the alerts and by `/inventory refresh`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.change_summary import ChangeSummary
from bot.core.mrkdwn import code, cut, escape
from bot.core.timeline import VersionChange
from bot.slack.messages import MAX_BLOCKS, MAX_SECTION_TEXT, Message, context, section, slack_date
from bot.slack.timeline_messages import change_line

# How many notable changes the channel post shows; the rest is in the thread.
NOTABLE_SHOWN = 8
# Lines per thread reply: each line is at most a few hundred characters, well inside Slack's limits.
DETAIL_LINES_PER_MESSAGE = 40


def counts_text(summary: ChangeSummary) -> str:
    """`27 upgraded, 2 installed, 1 removed` (or what there was)."""
    words = {"present": "present at first record"}
    return ", ".join(f"{n} {words.get(category, category)}" for category, n in summary.counts)


def short_line(change: VersionChange, *, with_name: bool = True) -> str:
    """One change as /pkgwhen writes it, without its time (a summary states the time once)."""
    return change_line(change, with_name=with_name).split("\n", 1)[0]


def _window_text(summary: ChangeSummary) -> str:
    if summary.previous_captured_at is None:
        return f"first inventory recorded {slack_date(summary.captured_at)}"
    return (
        f"between inventory captures {slack_date(summary.previous_captured_at)} and "
        f"{slack_date(summary.captured_at)}"
    )


def _headline(summary: ChangeSummary, server_label: str) -> str:
    server = f"*{escape(server_label)}*"
    if server_label != summary.node_id:
        server += f" ({code(summary.node_id)})"
    if summary.packages_unknown:
        return f":grey_question: {server}: inventory recorded without package data"
    if summary.is_noise:
        return f":white_small_square: {server}: inventory changed, no package changed"
    icon = ":warning:" if summary.count("downgraded") or summary.count("removed") else ":package:"
    return f"{icon} {server}: {counts_text(summary)}"


def has_thread_detail(summary: ChangeSummary) -> bool:
    """Whether the channel post leaves changes out, so that the full list belongs in its thread."""
    return len(summary.changes) > NOTABLE_SHOWN


def render_change_summary(summary: ChangeSummary, server_label: str) -> Message:
    """The channel post for one server change: counts, the notable packages, and where the rest is."""
    blocks: list[dict[str, Any]] = [section(_headline(summary, server_label))]
    # Notable changes come first in `changes`; the rest fill the lines left, most urgent first.
    shown = list(summary.changes[:NOTABLE_SHOWN])
    if shown:
        lines = "\n".join(short_line(c) for c in shown)
        blocks.append(section(lines))
    notes = [_window_text(summary)]
    hidden = len(summary.changes) - len(shown)
    if hidden > 0:
        notes.append(f"{len(summary.changes)} changes in all, every one in the thread")
    if summary.account_id or summary.region:
        notes.append(" · ".join(escape(p) for p in (summary.account_id, summary.region) if p))
    blocks.append(context(*notes))
    text = f"{escape(server_label)}: {counts_text(summary) or 'no package changed'}"
    return Message(text=text, blocks=tuple(blocks))


def render_change_detail(summary: ChangeSummary, server_label: str) -> tuple[Message, ...]:
    """Every change of the summary, for the thread under the channel post (several replies when long)."""
    if not summary.changes:
        return ()
    lines = [change_line(c, with_name=True) for c in summary.changes]
    return _paged(lines, f"All {len(lines)} changes on {escape(server_label)}")


def _paged(lines: Sequence[str], title: str) -> tuple[Message, ...]:
    messages: list[Message] = []
    for start in range(0, len(lines), DETAIL_LINES_PER_MESSAGE):
        page = lines[start : start + DETAIL_LINES_PER_MESSAGE]
        heading = title if start == 0 else f"{title} (continued)"
        blocks = [section(f"*{heading}*"), *_sections(page)]
        messages.append(Message(text=heading.replace("*", ""), blocks=tuple(blocks[:MAX_BLOCKS])))
    return tuple(messages)


def _sections(lines: Sequence[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for full in lines:
        line = cut(full, MAX_SECTION_TEXT)
        if chunk and len(chunk) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks


@dataclass(frozen=True)
class DigestServer:
    """One server of a fleet digest."""

    label: str
    node_id: str
    captured_at: datetime


def render_fleet_digest(sample: ChangeSummary, servers: Sequence[DigestServer]) -> Message:
    """The channel post for the same change on many servers: `curl a → b on 43 servers`."""
    count = len(servers)
    on = f"on {count} server{'s' if count != 1 else ''}"
    blocks: list[dict[str, Any]] = [
        section(f":busts_in_silhouette: *Fleet change {on}*: {counts_text(sample)}")
    ]
    shown = sample.changes[:NOTABLE_SHOWN]
    lines = [f"{short_line(c)} {on}" for c in shown]
    if lines:
        blocks.append(section("\n".join(lines)))
    times = [s.captured_at for s in servers]
    notes = [f"inventory captured from {slack_date(min(times))} to {slack_date(max(times))}"] if times else []
    names = ", ".join(escape(s.label) for s in servers[:10])
    if count > 10:
        names += f" and {count - 10} more"
    notes.append(f"servers: {names}; per-server detail in the thread")
    if len(sample.changes) > len(shown):
        notes.append(f"{len(sample.changes)} changes in all, listed in the thread")
    blocks.append(context(*(n[:2900] for n in notes)))
    text = f"{counts_text(sample)} {on}"
    return Message(text=text[:3000], blocks=tuple(blocks))


def render_digest_servers(servers: Sequence[DigestServer], *, first: int = 1) -> Message:
    """A thread reply naming servers of a digest with their capture times (numbered from `first`)."""
    lines = [
        f"{first + n}. *{escape(s.label)}*"
        + (f" ({code(s.node_id)})" if s.label != s.node_id else "")
        + f" · captured {slack_date(s.captured_at)}"
        for n, s in enumerate(servers)
    ]
    blocks = [section("*Servers*"), *_sections(lines)]
    return Message(text=f"{len(servers)} servers", blocks=tuple(blocks[:MAX_BLOCKS]))
