"""Block Kit rendered as plain terminal text, for the demo console and `pkgwhen ask`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

_DATE_TOKEN = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")
_MENTION = re.compile(r"<([@#!])([^|>]+)(?:\|([^>]+))?>")


def mrkdwn_to_text(text: str, zone: tzinfo | None = None) -> str:
    """Slack mrkdwn → what a reader sees: links as `label (url)`, entities decoded, and dates as Slack shows
    a date token to a reader in `zone` (`2020-07-02 10:02 JST`), or as its UTC fallback without a zone."""

    def date(match: re.Match[str]) -> str:
        if zone is None:
            return match.group(2)
        return datetime.fromtimestamp(int(match.group(1)), zone).strftime("%Y-%m-%d %H:%M %Z")

    text = _DATE_TOKEN.sub(date, text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _MENTION.sub(lambda m: m.group(3) or (m.group(1) + m.group(2)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_to_text(
    text: str,
    blocks: Sequence[Mapping[str, Any]],
    *,
    zone: tzinfo | None = None,
    buttons: list[Mapping[str, Any]] | None = None,
) -> str:
    """The message as lines of text; falls back to `text` when there are no blocks.

    `zone`: dates as a reader there sees them. `buttons`: each button is appended to it and shown with its
    number (`[3: Share in channel]`), so a console can click it by number.
    """

    def _text_of(obj: Mapping[str, Any] | None) -> str:
        return mrkdwn_to_text(str(obj.get("text", "")), zone) if obj else ""

    def button(element: Mapping[str, Any]) -> str:
        if buttons is None:
            return f"[{_text_of(element.get('text'))}]"
        buttons.append(element)
        return f"[{len(buttons)}: {_text_of(element.get('text'))}]"

    if not blocks:
        return mrkdwn_to_text(text, zone)
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _text_of(block.get("text"))
            lines += [title, "=" * min(len(title), 72)]
        elif kind == "section":
            if block.get("text"):
                lines.append(_text_of(block.get("text")))
            lines += [_text_of(field) for field in block.get("fields", [])]
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"  {button(accessory)}")
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "context":
            lines.append(
                "  "
                + "  ·  ".join(_text_of(e) for e in block.get("elements", []) if e.get("type") != "image")
            )
        elif kind == "actions":
            shown = [button(e) for e in block.get("elements", []) if e.get("type") == "button"]
            lines.append("  " + " ".join(shown))
        elif kind == "rich_text":
            lines.append(mrkdwn_to_text(text, zone))
    return "\n".join(lines)
