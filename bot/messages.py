"""Slack messages as values: built by pure functions, checked against Slack's limits, rendered errors and usage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.errors import PkgwhenError, UsageError

# Slack's limits (SLACK-NOTES "Block Kit limits"); the renderers keep under them.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_BLOCKS_TEXT = 12000  # Slack rejects ~13,000+ characters of blocks in total; keep a margin
PROGRESS_BLOCK_ID = "pkgwhen-progress"


@dataclass(frozen=True)
class Message:
    """One Slack message: notification text plus Block Kit blocks (already as dicts)."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    # A placeholder that a later message replaces ("reading history…").
    progress: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks), **self.extra}


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """mrkdwn-escape text that comes from data, so `<!channel>` or `<http://x|y>` stays literal text."""
    return re.sub(r"[&<>]", lambda m: _ESCAPES[m.group(0)], text)


def code(text: str) -> str:
    """Data shown as inline code; backticks inside would end the span early, so they become quotes."""
    return "`" + escape(text).replace("`", "'") + "`"


def slack_date(at: datetime) -> str:
    """A Slack date token: each reader sees their own time zone; the fallback is ISO 8601 UTC."""
    fallback = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def section(markdown: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=markdown)).to_dict()


def context(*markdown: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=m) for m in markdown]).to_dict()


def progress(text: str) -> Message:
    """A placeholder shown while a slow answer is prepared; the answer replaces it."""
    block = SectionBlock(
        block_id=PROGRESS_BLOCK_ID, text=MarkdownTextObject(text=f":hourglass_flowing_sand: {text}")
    )
    return Message(text=text, blocks=(block.to_dict(),), progress=True)


PKGWHEN_USAGE = "\n".join(
    [
        "*/pkgwhen* — when did a package change on a server, and what changed",
        "`/pkgwhen <server> <package>` — every version change, oldest first",
        "`/pkgwhen <server> <package> at <date>` — what was installed at that moment",
        "`/pkgwhen <server> <package> since <date> [until <date>]` — changes in a period",
        "`/pkgwhen <server> <package> why` — who changed it and how, from the server's package manager",
        "*server*: a node ID (`i-0abc…`, `mi-…`), a unique prefix of one, a `Name` tag or a computer name",
        '*package*: a name (any case), a `"quoted name with spaces"`, or a glob such as `openssl*`, `kernel*`, `KB50*`',
        "*date*: `2020-07-01`, `2020-07-01 09:30`, `Jul 1 2020`, `3d`, `2w`, `yesterday` — "
        "in your Slack time zone unless you give one",
        "Example: `/pkgwhen i-0abc openssl` · `/pkgwhen web-1 curl at 2020-07-01`",
    ]
)

INVENTORY_USAGE = "\n".join(
    [
        "*/inventory* — SSM inventory of a server",
        "`/inventory status <server>` — last inventory capture, its association and schedule, agent and platform",
        "`/inventory refresh <server>` — collect inventory now and report what changed",
        "`/inventory refresh <server> --association` — run the whole inventory association (asks first)",
        "*server*: a node ID (`i-0abc…`, `mi-…`), a unique prefix of one, a `Name` tag or a computer name",
    ]
)


def render_usage(usage: str, problem: str | None = None) -> Message:
    blocks: list[dict[str, Any]] = []
    if problem:
        blocks.append(section(f":warning: {problem}"))
    blocks.append(section(usage))
    return Message(text=problem or usage.splitlines()[0].replace("*", ""), blocks=tuple(blocks))


def render_error(error: PkgwhenError) -> Message:
    """The one place an error a user can act on becomes a Slack message."""
    if isinstance(error, UsageError):
        return render_usage(error.usage, error.what)
    lines = [f":warning: {error.what}"]
    if error.todo:
        lines.append(error.todo)
    return Message(text=error.what, blocks=(section("\n".join(lines)),))


def render_internal_error(reference: str) -> Message:
    """What a user sees when pkgwhen itself failed: no stack trace, a reference to find it in the log."""
    text = f"Something went wrong inside pkgwhen (reference `{reference}`). The error is in the bot's log; please tell its operators."
    return Message(text=text, blocks=(section(f":boom: {text}"),))
