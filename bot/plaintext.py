"""Block Kit rendered as plain terminal text, for the demo console and `pkgwhen ask`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")
_MENTION = re.compile(r"<([@#!])([^|>]+)(?:\|([^>]+))?>")


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn → what a reader sees: dates as their UTC fallback, links as `label (url)`, entities decoded."""
    text = _DATE_TOKEN.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _MENTION.sub(lambda m: m.group(3) or (m.group(1) + m.group(2)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text_of(obj: Mapping[str, Any] | None) -> str:
    if not obj:
        return ""
    return mrkdwn_to_text(str(obj.get("text", "")))


def blocks_to_text(text: str, blocks: Sequence[Mapping[str, Any]]) -> str:
    """The message as lines of text; falls back to `text` when there are no blocks."""
    if not blocks:
        return mrkdwn_to_text(text)
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
                lines.append(f"  [{_text_of(accessory.get('text'))}]")
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "context":
            lines.append(
                "  "
                + "  ·  ".join(_text_of(e) for e in block.get("elements", []) if e.get("type") != "image")
            )
        elif kind == "actions":
            buttons = [
                f"[{_text_of(e.get('text'))}]" for e in block.get("elements", []) if e.get("type") == "button"
            ]
            lines.append("  " + " ".join(buttons))
        elif kind == "rich_text":
            lines.append(mrkdwn_to_text(text))
    return "\n".join(lines)
