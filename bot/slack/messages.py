"""Slack messages as values: built by pure functions, kept inside Slack's limits, rendered errors and usage.

Every message pkgwhen sends is a `Message`, and a `Message` cannot exceed a Slack limit: whatever its
renderer put in, construction fits it (texts cut, oversized buttons dropped, blocks beyond what Slack
takes left out with a note). Renderers still page and summarize for readability; this is the guarantee.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.errors import PkgwhenError, UsageError
from bot.core.mrkdwn import cut

# Slack's limits (SLACK-NOTES "Block Kit limits").
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BLOCKS_TEXT = 12000  # Slack rejects ~13,000+ characters of blocks in total; keep a margin
# Slack cuts `text` past 40,000 characters; as a notification far less is read. Keep the fallback short.
MAX_TEXT = 4000
PROGRESS_BLOCK_ID = "pkgwhen-progress"
LEFT_OUT_BLOCK_ID = "pkgwhen-left-out"


@dataclass(frozen=True)
class Message:
    """One Slack message: notification text plus Block Kit blocks (as dicts), always inside Slack's limits."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    # A placeholder that a later message replaces ("reading history…").
    progress: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        text, blocks = fit(self.text, self.blocks)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "blocks", blocks)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks), **self.extra}


def fit(text: str, blocks: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> tuple[str, tuple[dict[str, Any], ...]]:
    """`text` and `blocks` as Slack accepts them, whatever they held."""
    fitted = [b for b in (_fit_block(block) for block in blocks) if b is not None]
    fitted = _within_totals(fitted)
    text = cut(text.strip(), MAX_TEXT) or _first_text(fitted) or "pkgwhen"
    return text, tuple(fitted)


def _fit_block(block: dict[str, Any]) -> dict[str, Any] | None:
    """One block inside its own limits: texts cut, list lengths bounded, an unusable button left out."""
    block = copy.deepcopy(block)
    kind = block.get("type")
    if kind == "section":
        _cut_text_object(block.get("text"), MAX_SECTION_TEXT)
        if isinstance(block.get("fields"), list):
            block["fields"] = block["fields"][:MAX_FIELDS]
            for item in block["fields"]:
                _cut_text_object(item, MAX_FIELD_TEXT)
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and not _fit_element(accessory):
            del block["accessory"]
        if not block.get("text") and not block.get("fields"):
            return None
    elif kind == "header":
        _cut_text_object(block.get("text"), MAX_HEADER_TEXT)
    elif kind == "context":
        elements = block.get("elements") or []
        block["elements"] = elements[:MAX_CONTEXT_ELEMENTS]
        for element in block["elements"]:
            _cut_text_object(element, MAX_SECTION_TEXT)
        if not block["elements"]:
            return None
    elif kind == "actions":
        elements = [e for e in block.get("elements") or [] if _fit_element(e)]
        block["elements"] = elements[:MAX_ACTIONS]
        if not block["elements"]:
            return None
    return block


def _fit_element(element: dict[str, Any]) -> bool:
    """Fit an interactive element in place; False when it cannot be kept (a value cut would be corrupt)."""
    if element.get("type") == "button":
        if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
            return False
        _cut_text_object(element.get("text"), MAX_BUTTON_TEXT)
    return True


def _cut_text_object(obj: object, limit: int) -> None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = cut(obj["text"], limit)


def _text_objects(node: object) -> Iterator[dict[str, Any]]:
    """Every text object in blocks (what Slack counts towards its total), deepest first."""
    if isinstance(node, list):
        for item in node:
            yield from _text_objects(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                yield from _text_objects(value)
        if isinstance(node.get("text"), str):
            yield node


def visible_chars(blocks: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> int:
    """The characters Slack counts in a message's blocks: every text string in them."""
    return sum(len(obj["text"]) for obj in _text_objects(list(blocks)))


def _within_totals(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks within the 50-block and total-text limits: the middle goes first, with a note saying so."""
    if len(blocks) <= MAX_BLOCKS and visible_chars(blocks) <= MAX_BLOCKS_TEXT:
        return blocks
    # The first block says what the message is about; trailing context and buttons say where it stands.
    tail: list[dict[str, Any]] = []
    while len(blocks) > 1 and len(tail) < 2 and blocks[-1].get("type") in {"context", "actions"}:
        tail.insert(0, blocks.pop())
    head, middle = blocks[:1], blocks[1:]
    left_out = 0

    def note() -> list[dict[str, Any]]:
        if not left_out:
            return []
        parts = "part" if left_out == 1 else "parts"
        return [
            {
                "type": "context",
                "block_id": LEFT_OUT_BLOCK_ID,
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"… {left_out} more {parts} of this answer left out: it is longer than Slack "
                        "shows in one message. Ask a narrower question (one package, or a period).",
                    }
                ],
            }
        ]

    def candidate() -> list[dict[str, Any]]:
        return head + middle + note() + tail

    while middle and (len(candidate()) > MAX_BLOCKS or visible_chars(candidate()) > MAX_BLOCKS_TEXT):
        middle.pop()
        left_out += 1
    result = candidate()
    # A few huge texts can still be too long together: cut the longest until they fit.
    while visible_chars(result) > MAX_BLOCKS_TEXT:
        longest = max(_text_objects(result), key=lambda obj: len(obj["text"]))
        excess = visible_chars(result) - MAX_BLOCKS_TEXT
        longest["text"] = cut(longest["text"], max(1, len(longest["text"]) - max(excess, 100)))
    return result


def _first_text(blocks: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> str:
    return next((cut(obj["text"], MAX_TEXT) for obj in _text_objects(list(blocks)) if obj["text"].strip()), "")


def slack_date(at: datetime) -> str:
    """A Slack date token: each reader sees their own time zone; the fallback is ISO 8601 UTC."""
    fallback = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def section(markdown: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=cut(markdown, MAX_SECTION_TEXT))).to_dict()


def context(*markdown: str) -> dict[str, Any]:
    return ContextBlock(
        elements=[MarkdownTextObject(text=cut(m, MAX_SECTION_TEXT)) for m in markdown[:MAX_CONTEXT_ELEMENTS]]
    ).to_dict()


def progress(text: str) -> Message:
    """A placeholder shown while a slow answer is prepared; the answer replaces it."""
    block = SectionBlock(
        block_id=PROGRESS_BLOCK_ID,
        text=MarkdownTextObject(text=cut(f":hourglass_flowing_sand: {text}", MAX_SECTION_TEXT)),
    )
    return Message(text=text, blocks=(block.to_dict(),), progress=True)


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
