"""A loopback HTTP stand-in for the Slack Web API and `response_url`s, for tests and the demo.

The real Bolt app and `slack_sdk.WebClient(base_url=standin.api_url)` talk to it over HTTP, so what
pkgwhen sends is exactly what a client library puts on the wire. It answers the methods pkgwhen calls
with the shapes Slack answers, rejects messages Slack would reject (Block Kit limits, SLACK-NOTES),
records every call, shows each channel as a person would see it now (after updates and deletes), reads
it back as `conversations.history` and `conversations.replies` do (with app `metadata`), and injects the
failures a real workspace produces: rate limits with `Retry-After`, outages, slow answers, and the
ambiguous ones — a call that acted and then answered 5xx, answered late, or dropped the connection.
It also plays Socket Mode: `apps.connections.open` hands out a `ws://` URL on a second port, where a
WebSocket server (the `websockets` library's) greets with `hello`, sends envelopes and records the app's acks.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import logging
import math
import secrets
import socket
import struct
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from websockets.exceptions import ConnectionClosed, ConnectionClosedError
from websockets.http11 import Request, Response
from websockets.sync.server import Server as WebSocketServer
from websockets.sync.server import ServerConnection, serve

logger = logging.getLogger(__name__)

# Block Kit and message limits Slack enforces (SLACK-NOTES "Block Kit limits").
MESSAGE_BLOCK_LIMIT = 50
MODAL_BLOCK_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
SECTION_FIELD_LIMIT = 10
FIELD_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_ELEMENT_LIMIT = 25
CONTEXT_ELEMENT_LIMIT = 10
BLOCKS_TEXT_LIMIT = 13_000
MESSAGE_TEXT_LIMIT = 40_000
# A response_url answers at most this many posts within this many seconds (SLACK-NOTES).
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = 30 * 60

_TEAM_DOMAIN = "pkgwhen"


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in answered."""

    method: str  # "chat.postMessage", or "response_url" for posts to a response URL
    params: dict[str, Any]  # decoded body (JSON or form; form fields like blocks JSON-decoded)
    status: int  # HTTP status answered
    error: str | None  # Slack error code answered, if any ("invalid_blocks", "ratelimited" …)
    token: str | None
    at: float  # time.monotonic() when the request arrived


@dataclass
class ShownMessage:
    """A message as its channel (or a response_url reply) shows it now, after updates."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    user: str | None  # for ephemeral messages: who sees it
    ephemeral: bool
    response_url_id: str | None  # set when it came from a response_url
    edits: int  # how many times chat.update / replace_original changed it
    # App metadata (`{"event_type": ..., "event_payload": {...}}`) posted with the message, if any.
    metadata: dict[str, Any] | None = None


# ---------------------------------------------------------------------------------------------
# Validation: what Slack rejects, as pure functions.


@dataclass(frozen=True)
class _Rejection:
    code: str
    detail: str


class _Invalid(Exception):
    """A block breaks a Block Kit rule; `pointer` locates it the way Slack's error messages do."""

    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(f"[ERROR] {reason} [json-pointer:{pointer}]")
        self.detail = str(self)


_INTERACTIVE_ELEMENTS = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "timepicker",
        "overflow",
        "radio_buttons",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "workflow_button",
    }
)
_INPUT_ELEMENTS = _INTERACTIVE_ELEMENTS - {"button", "overflow", "workflow_button"} | {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "rich_text_input",
    "file_input",
}
_OPTION_ELEMENTS = frozenset(
    {"static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons"}
)
_RICH_TEXT_CONTAINERS = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)
_RICH_TEXT_INLINE = frozenset(
    {"text", "link", "emoji", "user", "channel", "usergroup", "broadcast", "date", "color", "team"}
)


def _require(condition: bool, pointer: str, reason: str) -> None:
    if not condition:
        raise _Invalid(pointer, reason)


def _check_string(value: object, pointer: str, limit: int, *, required: bool = True) -> None:
    if value is None and not required:
        return
    _require(isinstance(value, str), pointer, "must be a string")
    text = cast(str, value)
    _require(len(text) > 0, pointer, "must be more than 0 characters")
    _require(len(text) <= limit, pointer, f"must be less than {limit + 1} characters")


def _check_text_object(value: object, pointer: str, limit: int, *, plain_only: bool = False) -> None:
    _require(isinstance(value, dict), pointer, "must be a text object")
    obj = cast(dict[str, Any], value)
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    _require(obj.get("type") in allowed, f"{pointer}/type", f"must be one of {', '.join(allowed)}")
    _check_string(obj.get("text"), f"{pointer}/text", limit)


def _check_options(element: dict[str, Any], pointer: str) -> None:
    options = element.get("options")
    if options is None and element["type"] in {"static_select", "multi_static_select"}:
        groups = element.get("option_groups")
        _require(
            isinstance(groups, list) and len(groups) > 0, pointer, "must provide options or option_groups"
        )
        for g, group in enumerate(cast(list[Any], groups)):
            _require(isinstance(group, dict), f"{pointer}/option_groups/{g}", "must be an object")
            _check_text_object(group.get("label"), f"{pointer}/option_groups/{g}/label", 75, plain_only=True)
            _check_option_list(group.get("options"), f"{pointer}/option_groups/{g}/options", 100, True)
        return
    limit = {"overflow": 5, "checkboxes": 10, "radio_buttons": 10}.get(element["type"], 100)
    _check_option_list(options, f"{pointer}/options", limit, element["type"].endswith("select"))


def _check_option_list(options: object, pointer: str, limit: int, plain_only: bool) -> None:
    _require(isinstance(options, list) and len(options) > 0, pointer, "must provide at least 1 option")
    items = cast(list[Any], options)
    _require(len(items) <= limit, pointer, f"must provide no more than {limit} items")
    for o, option in enumerate(items):
        _require(isinstance(option, dict), f"{pointer}/{o}", "must be an option object")
        _check_text_object(option.get("text"), f"{pointer}/{o}/text", 75, plain_only=plain_only)
        _check_string(option.get("value"), f"{pointer}/{o}/value", 150)


def _check_image_element(element: dict[str, Any], pointer: str) -> None:
    _require(
        isinstance(element.get("image_url"), str) or isinstance(element.get("slack_file"), dict),
        pointer,
        "must provide image_url or slack_file",
    )
    _check_string(element.get("image_url"), f"{pointer}/image_url", 3000, required=False)
    _check_string(element.get("alt_text"), f"{pointer}/alt_text", 2000)


def _check_element(value: object, pointer: str, allowed: frozenset[str]) -> None:
    _require(isinstance(value, dict), pointer, "must be an element object")
    element = cast(dict[str, Any], value)
    kind = element.get("type")
    _require(
        isinstance(kind, str) and kind in allowed, f"{pointer}/type", f"unsupported element type {kind!r}"
    )
    _check_string(element.get("action_id"), f"{pointer}/action_id", 255, required=False)
    if kind == "image":
        _check_image_element(element, pointer)
    elif kind == "button":
        _check_text_object(element.get("text"), f"{pointer}/text", BUTTON_TEXT_LIMIT, plain_only=True)
        _check_string(element.get("value"), f"{pointer}/value", BUTTON_VALUE_LIMIT, required=False)
        _check_string(element.get("url"), f"{pointer}/url", 3000, required=False)
        style = element.get("style")
        _require(
            style is None or style in ("primary", "danger"), f"{pointer}/style", "must be primary or danger"
        )
    elif kind in _OPTION_ELEMENTS:
        _check_options(element, pointer)
    if kind is not None and kind.endswith("select") and element.get("placeholder") is not None:
        _check_text_object(element.get("placeholder"), f"{pointer}/placeholder", 150, plain_only=True)


def _check_elements(value: object, pointer: str, limit: int, allowed: frozenset[str]) -> None:
    _require(isinstance(value, list) and len(value) > 0, pointer, "must provide at least 1 element")
    elements = cast(list[Any], value)
    _require(len(elements) <= limit, pointer, f"must provide no more than {limit} items")
    for e, element in enumerate(elements):
        _check_element(element, f"{pointer}/{e}", allowed)


def _check_rich_text(block: dict[str, Any], pointer: str) -> None:
    containers = block.get("elements")
    _require(isinstance(containers, list), f"{pointer}/elements", "must be an array")
    for c, container in enumerate(cast(list[Any], containers)):
        where = f"{pointer}/elements/{c}"
        _require(isinstance(container, dict), where, "must be an object")
        kind = container.get("type")
        _require(kind in _RICH_TEXT_CONTAINERS, f"{where}/type", f"unsupported rich text element {kind!r}")
        children = container.get("elements")
        _require(isinstance(children, list), f"{where}/elements", "must be an array")
        for i, child in enumerate(cast(list[Any], children)):
            inner = f"{where}/elements/{i}"
            _require(isinstance(child, dict), inner, "must be an object")
            if kind == "rich_text_list":
                _require(
                    child.get("type") == "rich_text_section", f"{inner}/type", "must be rich_text_section"
                )
                _check_rich_text({"elements": [child]}, inner)
            else:
                _require(
                    child.get("type") in _RICH_TEXT_INLINE, f"{inner}/type", "unsupported inline element"
                )
                if child.get("type") == "text":
                    _require(isinstance(child.get("text"), str), f"{inner}/text", "must be a string")


def _check_block(value: object, pointer: str, *, modal: bool) -> None:
    _require(isinstance(value, dict), pointer, "must be a block object")
    block = cast(dict[str, Any], value)
    kind = block.get("type")
    _check_string(block.get("block_id"), f"{pointer}/block_id", 255, required=False)
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        _require(text is not None or fields is not None, pointer, "must provide text or fields")
        if text is not None:
            _check_text_object(text, f"{pointer}/text", SECTION_TEXT_LIMIT)
        if fields is not None:
            _require(
                isinstance(fields, list) and len(fields) > 0, f"{pointer}/fields", "must be a non-empty array"
            )
            items = cast(list[Any], fields)
            _require(
                len(items) <= SECTION_FIELD_LIMIT,
                f"{pointer}/fields",
                f"must provide no more than {SECTION_FIELD_LIMIT} items",
            )
            for f, item in enumerate(items):
                _check_text_object(item, f"{pointer}/fields/{f}", FIELD_TEXT_LIMIT)
        if block.get("accessory") is not None:
            _check_element(block["accessory"], f"{pointer}/accessory", _INTERACTIVE_ELEMENTS | {"image"})
    elif kind == "header":
        _check_text_object(block.get("text"), f"{pointer}/text", HEADER_TEXT_LIMIT, plain_only=True)
    elif kind == "divider":
        pass
    elif kind == "context":
        elements = block.get("elements")
        _require(isinstance(elements, list) and len(elements) > 0, f"{pointer}/elements", "must not be empty")
        items = cast(list[Any], elements)
        _require(
            len(items) <= CONTEXT_ELEMENT_LIMIT,
            f"{pointer}/elements",
            f"must provide no more than {CONTEXT_ELEMENT_LIMIT} items",
        )
        for e, element in enumerate(items):
            where = f"{pointer}/elements/{e}"
            _require(isinstance(element, dict), where, "must be an object")
            if cast(dict[str, Any], element).get("type") == "image":
                _check_image_element(cast(dict[str, Any], element), where)
            else:
                _check_text_object(element, where, SECTION_TEXT_LIMIT)
    elif kind == "actions":
        _check_elements(
            block.get("elements"), f"{pointer}/elements", ACTIONS_ELEMENT_LIMIT, _INTERACTIVE_ELEMENTS
        )
    elif kind == "image":
        _check_image_element(block, pointer)
        if block.get("title") is not None:
            _check_text_object(block["title"], f"{pointer}/title", 2000, plain_only=True)
    elif kind == "rich_text":
        _check_rich_text(block, pointer)
    elif kind == "markdown":
        _check_string(block.get("text"), f"{pointer}/text", 12_000)
    elif kind == "file":
        _check_string(block.get("external_id"), f"{pointer}/external_id", 255)
        _require(block.get("source") == "remote", f"{pointer}/source", "must be remote")
    elif kind == "video":
        _check_string(block.get("alt_text"), f"{pointer}/alt_text", 2000)
        _check_text_object(block.get("title"), f"{pointer}/title", 200, plain_only=True)
        _check_string(block.get("thumbnail_url"), f"{pointer}/thumbnail_url", 3000)
        _check_string(block.get("video_url"), f"{pointer}/video_url", 3000)
    elif kind == "input" and modal:
        _check_text_object(block.get("label"), f"{pointer}/label", 2000, plain_only=True)
        _check_element(block.get("element"), f"{pointer}/element", _INPUT_ELEMENTS)
        if block.get("hint") is not None:
            _check_text_object(block["hint"], f"{pointer}/hint", 2000, plain_only=True)
    else:
        raise _Invalid(f"{pointer}/type", f"unsupported block type {kind!r}")


def _check_blocks(blocks: list[Any], *, limit: int, modal: bool, pointer: str = "/blocks") -> None:
    _require(len(blocks) <= limit, pointer, f"must provide no more than {limit} items")
    seen: set[str] = set()
    for b, block in enumerate(blocks):
        _check_block(block, f"{pointer}/{b}", modal=modal)
        block_id = cast(dict[str, Any], block).get("block_id")
        if isinstance(block_id, str):
            _require(block_id not in seen, f"{pointer}/{b}/block_id", "duplicate block_id")
            seen.add(block_id)


def visible_texts(node: object) -> list[str]:
    """All the text a reader could see in a message or blocks: every `text` string (text objects, rich text
    runs, a message's fallback `text`), never a button's value."""
    if isinstance(node, list):
        return [text for item in node for text in visible_texts(item)]
    if not isinstance(node, dict):
        return []
    found: list[str] = []
    for key, value in node.items():
        if key == "text" and isinstance(value, str):
            found.append(value)
        else:
            found += visible_texts(value)
    return found


def _visible_chars(node: object) -> int:
    return sum(len(text) for text in visible_texts(node))


def _message_rejection(text: object, blocks: object, attachments: object = None) -> _Rejection | None:
    if text is not None and not isinstance(text, str):
        return _Rejection("invalid_arguments", "[ERROR] text must be a string")
    has_blocks = isinstance(blocks, list) and len(blocks) > 0
    if not text and not has_blocks and not attachments:
        return _Rejection("no_text", "no text, blocks or attachments")
    if blocks is not None:
        if not isinstance(blocks, list):
            return _Rejection("invalid_blocks_format", "[ERROR] blocks must be an array")
        try:
            _check_blocks(blocks, limit=MESSAGE_BLOCK_LIMIT, modal=False)
        except _Invalid as invalid:
            return _Rejection("invalid_blocks", invalid.detail)
        if _visible_chars(blocks) > BLOCKS_TEXT_LIMIT:
            return _Rejection("msg_blocks_too_long", f"blocks hold more than {BLOCKS_TEXT_LIMIT} characters")
    if text is not None and len(text) > MESSAGE_TEXT_LIMIT:
        return _Rejection("msg_too_long", f"text is longer than {MESSAGE_TEXT_LIMIT} characters")
    return None


def slack_rejection(text: str | None, blocks: list[dict[str, Any]] | None) -> str | None:
    """The error code Slack would answer to a message with this text and these blocks, or None."""
    rejection = _message_rejection(text, blocks)
    return rejection.code if rejection else None


def _view_rejection(view: object) -> _Rejection | None:
    """views.open answers `invalid_arguments` for any problem with the view, blocks included."""
    try:
        _require(isinstance(view, dict), "/view", "must provide a view object")
        obj = cast(dict[str, Any], view)
        _require(obj.get("type") == "modal", "/view/type", "must be modal")
        _check_text_object(obj.get("title"), "/view/title", 24, plain_only=True)
        for button in ("submit", "close"):
            if obj.get(button) is not None:
                _check_text_object(obj[button], f"/view/{button}", 24, plain_only=True)
        blocks = obj.get("blocks")
        _require(isinstance(blocks, list), "/view/blocks", "must be an array")
        _check_blocks(cast(list[Any], blocks), limit=MODAL_BLOCK_LIMIT, modal=True, pointer="/view/blocks")
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in cast(list[Any], blocks))
        _require(
            not has_input or obj.get("submit") is not None, "/view/submit", "must provide submit with input"
        )
        _check_string(obj.get("private_metadata"), "/view/private_metadata", 3000, required=False)
        _check_string(obj.get("callback_id"), "/view/callback_id", 255, required=False)
    except _Invalid as invalid:
        return _Rejection("invalid_arguments", invalid.detail)
    return None


# ---------------------------------------------------------------------------------------------
# The workspace the stand-in plays.


@dataclass(frozen=True)
class _User:
    id: str
    name: str
    tz: str
    tz_label: str
    tz_offset: int
    is_bot: bool = False


@dataclass(frozen=True)
class _Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    im_user: str | None = None


@dataclass(frozen=True)
class _Usergroup:
    id: str
    handle: str
    members: tuple[str, ...]


@dataclass
class _ResponseUrl:
    id: str
    channel: str
    user: str
    created: float
    message_ts: str | None  # the message whose button produced this URL, if any
    uses: int = 0


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: int
    error: str | None
    # Ambiguous outcomes: the call takes effect first, then the answer fails, comes late, or never comes.
    acted: bool = False
    late_s: float = 0.0
    drop: bool = False
    # Only for posts into a thread (True) or into the channel (False); None: any call.
    in_thread: bool | None = None


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str
    error: str | None
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection without answering (a reset after the request was read).
    drop: bool = False


class _SlackError(Exception):
    def __init__(
        self,
        code: str,
        *,
        status: int = 200,
        messages: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.messages = messages or []
        self.headers = headers or {}


def _json_answer(status: int, body: dict[str, Any], *, error: str | None = None) -> _Answer:
    return _Answer(status, json.dumps(body).encode(), "application/json; charset=utf-8", error)


def _error_answer(err: _SlackError, extra: dict[str, Any] | None = None) -> _Answer:
    body: dict[str, Any] = {"ok": False, "error": err.code, **(extra or {})}
    if err.messages:
        body["response_metadata"] = {"messages": err.messages}
    answer = _json_answer(err.status, body, error=err.code)
    return _Answer(answer.status, answer.body, answer.content_type, answer.error, err.headers)


def _fault_answer(fault: _Fault) -> _Answer:
    if fault.status == 429:
        answer = _json_answer(429, {"ok": False, "error": "ratelimited"}, error="ratelimited")
        return _Answer(
            answer.status,
            answer.body,
            answer.content_type,
            answer.error,
            {"Retry-After": str(fault.retry_after)},
        )
    if fault.status >= 500:
        # An outage answers from the edge, not from the API: an HTML page, no JSON, no error code.
        phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus._value2member_map_ else "Error"
        page = (
            f"<html><head><title>{fault.status} {phrase}</title></head><body><h1>{phrase}</h1></body></html>"
        )
        return _Answer(fault.status, page.encode(), "text/html; charset=utf-8", None)
    code = fault.error or "internal_error"
    return _json_answer(fault.status, {"ok": False, "error": code}, error=code)


@dataclass(frozen=True)
class _Malformed:
    raw: str


def _json_field(value: object) -> object:
    """Form-encoded requests carry blocks, attachments and views as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return _Malformed(value)
    return value


_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true")
    return bool(value)


def _text_param(params: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _SlackError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])
        return None
    if not isinstance(value, str):
        raise _SlackError("invalid_arguments", messages=[f"[ERROR] {name} must be a string"])
    return value


def _metadata(params: dict[str, Any]) -> dict[str, Any] | None:
    """Message metadata as Slack checks it: an object with a string `event_type` and an object `event_payload`."""
    value = params.get("metadata")
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise _SlackError("invalid_metadata_format")
    if not isinstance(value.get("event_type"), str) or not isinstance(value.get("event_payload"), dict):
        raise _SlackError("invalid_metadata_schema", messages=["[ERROR] metadata needs event_type and event_payload"])
    return copy.deepcopy(value)


def _ts_param(params: dict[str, Any], name: str, default: Decimal) -> Decimal:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise _SlackError("invalid_ts_" + name) from None


def _response_url_id(response_url_id_or_url: str) -> str:
    return response_url_id_or_url.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Socket Mode: the `websockets` library's threaded server speaks the WebSocket protocol.

# Slack asks the app to acknowledge within 3 seconds; these envelope types take a response payload.
_PAYLOAD_ENVELOPES = frozenset({"slash_commands"})
_PAYLOAD_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})
_SOCKET_PATH = "/socket/"
# How long stop() waits for an app to answer its close frame before dropping the connection.
_SOCKET_CLOSE_TIMEOUT = 2.0


class SlackStandIn:
    """A Slack workspace on 127.0.0.1: Web API under `api_url`, response URLs from `new_response_url`."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",
        app_token: str = "xapp-1-test",
        team_id: str = "T0PKGWHEN",
        bot_user_id: str = "U0BOT",
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock` (epoch seconds) stamps message ts and ages response URLs; tests may pass their own.

        `app_token` is the app-level token (`xapp-…`) that `apps.connections.open` accepts for Socket Mode.
        """
        self.bot_token = bot_token
        self.app_token = app_token
        self.app_id = "A0PKGWHEN"
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B" + bot_user_id[1:]
        self._clock = clock
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[RecordedCall] = []
        self._messages: list[ShownMessage] = []
        self._users: dict[str, _User] = {}
        self._channels: dict[str, _Channel] = {}
        self._usergroups: dict[str, _Usergroup] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._outages: dict[str | None, tuple[float, int]] = {}  # method (None: all) → (until, status)
        self._arrivals: dict[str, int] = {}
        self._delays: dict[str | None, float] = {}
        self._channel_rate: tuple[float, int] | None = None
        self._buckets: dict[str, _Bucket] = {}
        self._last_ts_us = 0
        self._views = 0
        self._socket_tickets: set[str] = set()  # issued by apps.connections.open, each good for one connect
        self._socket_server: WebSocketServer | None = None
        self._socket_thread: threading.Thread | None = None
        self._sockets: list[ServerConnection] = []  # connected and greeted, oldest first
        self._envelopes: list[str] = []
        self._acks: dict[str, dict[str, Any] | None] = {}
        self._users[bot_user_id] = _User(bot_user_id, "pkgwhen", "UTC", "Coordinated Universal Time", 0, True)
        self.add_channel("C0OPS", "ops")
        self.add_channel("C0ALERTS", "pkg-alerts")
        self.add_channel("C0GENERAL", "general")

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the Slack stand-in is already started")
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        self._socket_server = serve(
            self._serve_socket,
            "127.0.0.1",
            0,
            process_response=self._socket_handshake,
            # It answers the app's pings but sends none of its own, and takes an ack of any size.
            ping_interval=None,
            max_size=None,
            close_timeout=_SOCKET_CLOSE_TIMEOUT,
            logger=logger.getChild("socket"),
        )
        self._socket_thread = threading.Thread(
            target=self._socket_server.serve_forever, name="slack-standin-socket", daemon=True
        )
        self._socket_thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes requests held by set_delay so they don't outlive the server
        if self._socket_server is not None and self._socket_thread is not None:
            with self._cond:
                sockets = list(self._sockets)
            # Slack says goodbye with 1001 (going away); slack_sdk's clients then reconnect.
            for websocket in sockets:
                websocket.close(1001, "server stopping")
            self._socket_server.shutdown()
            self._socket_thread.join()
        self._socket_server = None
        self._socket_thread = None
        server.shutdown()
        server.server_close()
        thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandIn:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the Slack stand-in is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """The WebClient `base_url`: "http://127.0.0.1:PORT/api/"."""
        return f"{self.base_url}/api/"

    # -- the workspace -------------------------------------------------------------------------

    def new_response_url(self, channel: str, user: str, *, message_ts: str | None = None) -> str:
        """A response_url for a command run by `user` in `channel`.

        With `message_ts` it is the URL of a button click on that message: `replace_original` and
        `delete_original` then act on the message itself, as they do in Slack.
        """
        with self._cond:
            resolved = self._known_channel_id(channel)
            url_id = f"{len(self._response_urls) + 1}-{secrets.token_hex(8)}"
            self._response_urls[url_id] = _ResponseUrl(url_id, resolved, user, self._clock(), message_ts)
        return f"{self.base_url}/response/{url_id}"

    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str = "UTC",
        tz_offset: int | None = None,
        *,
        tz_label: str | None = None,
    ) -> None:
        """A person; `tz_offset` (seconds east of UTC) and `tz_label` default to the zone's values now."""
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        with self._cond:
            self._users[user_id] = _User(
                user_id,
                name,
                tz,
                tz_label if tz_label is not None else (now.tzname() or tz),
                tz_offset if tz_offset is not None else int(offset.total_seconds() if offset else 0),
            )
            self._cond.notify_all()

    def add_usergroup(self, group_id: str, handle: str, members: list[str]) -> None:
        with self._cond:
            self._usergroups[group_id] = _Usergroup(group_id, handle, tuple(members))
            self._cond.notify_all()

    def add_channel(
        self, channel_id: str, name: str, *, private: bool = False, bot_is_member: bool = True
    ) -> None:
        """A channel; a bot that is not a member gets `not_in_channel` when it posts there."""
        with self._cond:
            self._channels[channel_id] = _Channel(channel_id, name, private, bot_is_member)
            self._cond.notify_all()

    # -- what happened -------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def messages(self, channel: str | None = None, *, thread_ts: str | None = None) -> list[ShownMessage]:
        """Messages in posting order, as they read now; `thread_ts` selects the replies in that thread.

        `channel` may be a channel ID, a `#name`, or a user ID (the bot's DM with that person).
        Ephemeral messages are included (`ephemeral=True`, `user` = who sees them).
        """
        with self._cond:
            wanted = self._known_channel_id(channel) if channel is not None else None
            return [
                copy.deepcopy(m)
                for m in self._messages
                if (wanted is None or m.channel == wanted) and (thread_ts is None or m.thread_ts == thread_ts)
            ]

    def replies(self, response_url_id_or_url: str) -> list[ShownMessage]:
        """What a response_url's replies show now, in posting order."""
        url_id = _response_url_id(response_url_id_or_url)
        with self._cond:
            return [copy.deepcopy(m) for m in self._messages if m.response_url_id == url_id]

    def wait_for(self, predicate: Callable[[SlackStandIn], bool], timeout: float = 5.0) -> bool:
        """Block until `predicate(self)` holds (checked after every call); False if `timeout` passes first.

        The predicate runs while the stand-in's lock is held: it may read the stand-in, not call Slack.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    # -- Socket Mode ---------------------------------------------------------------------------

    def socket_connected(self, timeout: float = 5.0) -> bool:
        """Block until an app holds an open Socket Mode connection (greeted with `hello`)."""
        return self.wait_for(lambda s: bool(s._sockets), timeout)

    def socket_count(self) -> int:
        """How many Socket Mode connections are open now (envelopes go to the newest)."""
        with self._cond:
            return len(self._sockets)

    def send_envelope(self, type: str, payload: dict[str, Any]) -> str:
        """Send an envelope (`slash_commands`, `interactive`, `events_api`) over the newest connection.

        Returns its `envelope_id`; the app's answer shows in `socket_acks()`.
        """
        envelope_id = str(uuid.uuid4())
        accepts = type in _PAYLOAD_ENVELOPES or (
            type == "interactive" and payload.get("type") in _PAYLOAD_INTERACTIONS
        )
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": accepts,
        }
        if type == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        with self._cond:
            if not self._sockets:
                raise RuntimeError("no app is connected over Socket Mode")
            websocket = self._sockets[-1]
            self._envelopes.append(envelope_id)
        try:
            websocket.send(json.dumps(envelope))
        except ConnectionClosed as closed:
            raise ConnectionError(f"the socket is closed: {closed}") from closed
        return envelope_id

    def socket_acks(self) -> dict[str, dict[str, Any] | None]:
        """What the app answered per envelope sent: its `payload`, or None for a bare ack."""
        with self._cond:
            return copy.deepcopy(self._acks)

    # -- fault injection -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        error: str | None = None,
        after_acting: bool = False,
        in_thread: bool | None = None,
    ) -> None:
        """Answer the next `count` calls to `method` ("response_url" for response URLs) with a failure.

        429: `Retry-After: retry_after` and `{"ok": false, "error": "ratelimited"}`. 5xx: an HTML page
        like an outage. Anything else: `{"ok": false, "error": error}` with that status. With
        `after_acting` the call takes effect first (the message is posted) and only the answer fails:
        Slack stored the post and then answered 5xx. `in_thread` limits the failure to thread replies (True)
        or to channel messages (False).
        """
        if status == 429 and retry_after < 1:
            raise ValueError("Slack's Retry-After is a whole number of seconds, at least 1")
        self._add_faults(method, [_Fault(status, retry_after, error, acted=after_acting, in_thread=in_thread)] * count)

    def answer_late(self, method: str, seconds: float, *, count: int = 1) -> None:
        """The next `count` calls to `method` take effect at once and are answered only after `seconds`."""
        self._add_faults(method, [_Fault(200, 0, None, acted=True, late_s=seconds)] * count)

    def drop_next(self, method: str, *, count: int = 1, after_acting: bool = True) -> None:
        """The next `count` calls to `method` get no answer: the connection is closed after the request was
        read — after the call took effect (`after_acting`), or before."""
        self._add_faults(method, [_Fault(0, 0, None, acted=after_acting, drop=True)] * count)

    def fail_for(self, seconds: float, method: str | None = None, *, status: int = 503) -> None:
        """An outage: every call to `method` (every method when None) in the next `seconds` fails with `status`."""
        with self._cond:
            self._outages[method] = (time.monotonic() + seconds, status)

    def clear_faults(self, method: str | None = None) -> None:
        """Forget the failures still queued for `method` (every method when None) and its outage."""
        with self._cond:
            for key in [k for k in self._faults if method is None or k == method]:
                del self._faults[key]
            self._outages.pop(method, None)

    def arrivals(self, method: str) -> int:
        """Requests to `method` that reached the stand-in, answered or not yet (calls_to lists answered ones)."""
        with self._cond:
            return self._arrivals.get(method, 0)

    def _add_faults(self, method: str, faults: list[_Fault]) -> None:
        with self._cond:
            self._faults.setdefault(method, []).extend(faults)

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Answer `method` (every method when None) after `seconds`; 0 removes the delay."""
        with self._cond:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def enforce_channel_rate(self, per_second: float | None, burst: int = 3) -> None:
        """chat.postMessage faster than `per_second` in one channel (after `burst`) gets 429; None: off."""
        with self._cond:
            self._channel_rate = (per_second, burst) if per_second is not None else None
            self._buckets.clear()

    # -- serving (called from the HTTP handler threads) ----------------------------------------

    def _delay_for(self, method: str) -> None:
        with self._cond:
            seconds = self._delays.get(method, self._delays.get(None, 0.0))
        if seconds > 0:
            self._stopping.wait(seconds)

    def _record(self, call: RecordedCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _take_fault(self, method: str, params: dict[str, Any] | None = None) -> _Fault | None:
        queue = self._faults.get(method) or []
        threaded = bool((params or {}).get("thread_ts"))
        for n, fault in enumerate(queue):
            if fault.in_thread is None or fault.in_thread == threaded:
                return queue.pop(n)
        for key in (method, None):
            outage = self._outages.get(key)
            if outage is not None and time.monotonic() < outage[0]:
                return _Fault(outage[1], 1, None)
        return None

    def _serve_api(self, method: str, params: dict[str, Any], token: str | None, at: float) -> _Answer:
        with self._cond:
            self._arrivals[method] = self._arrivals.get(method, 0) + 1
            self._cond.notify_all()
            fault = self._take_fault(method, params) if method in self._api_methods() else None
        if fault is None or fault.acted:
            self._delay_for(method)
        with self._cond:
            answer = self._api_answer(method, params, token, None if fault is not None and fault.acted else fault)
            if fault is not None and fault.acted and not fault.late_s:
                # The call took effect; what the client gets is the failure (or nothing at all).
                answer = _Answer(0, b"", "", "connection_dropped", drop=True) if fault.drop else _fault_answer(fault)
            self._record(RecordedCall(method, params, answer.status, answer.error, token, at))
        if fault is not None and fault.late_s:
            self._stopping.wait(fault.late_s)
        return answer

    def _api_answer(self, method: str, params: dict[str, Any], token: str | None, fault: _Fault | None) -> _Answer:
        handler = self._api_methods().get(method)
        if handler is None:
            return _error_answer(_SlackError("unknown_method", status=404), {"req_method": method})
        if fault is not None:
            return _Answer(0, b"", "", "connection_dropped", drop=True) if fault.drop else _fault_answer(fault)
        try:
            if not token:
                raise _SlackError("not_authed")
            # Socket Mode takes the app-level token; every other method refuses it, and vice versa.
            wanted = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != wanted:
                other = self.bot_token if wanted == self.app_token else self.app_token
                raise _SlackError("not_allowed_token_type" if token == other else "invalid_auth")
            for name in _JSON_FIELDS:
                if isinstance(params.get(name), _Malformed):
                    raise _SlackError(f"invalid_{name}_format" if name != "view" else "invalid_arguments")
            return _json_answer(200, {"ok": True, **handler(params)})
        except _SlackError as err:
            return _error_answer(err)

    def _serve_response_url(self, url_id: str, body: dict[str, Any] | None, at: float) -> _Answer:
        self._delay_for("response_url")
        with self._cond:
            answer = self._response_url_answer(url_id, body)
            self._record(RecordedCall("response_url", body or {}, answer.status, answer.error, None, at))
            return answer

    def _response_url_answer(self, url_id: str, body: dict[str, Any] | None) -> _Answer:
        target = self._response_urls.get(url_id)
        if target is None:
            return _error_answer(_SlackError("invalid_url", status=404))
        fault = self._take_fault("response_url")
        if fault is not None:
            return _fault_answer(fault)
        if self._clock() - target.created > RESPONSE_URL_LIFETIME:
            return _error_answer(_SlackError("expired_url", status=404))
        if target.uses >= RESPONSE_URL_USES:
            return _error_answer(_SlackError("used_url", status=404))
        # Every attempt spends one of the five uses, even one Slack then rejects.
        target.uses += 1
        if body is None:
            return _error_answer(_SlackError("invalid_payload", status=400))
        try:
            self._respond(target, body)
        except _SlackError as err:
            return _error_answer(err)
        return _json_answer(200, {"ok": True})

    def _respond(self, target: _ResponseUrl, body: dict[str, Any]) -> None:
        if _flag(body.get("delete_original")):
            original = self._original_for(target)
            if original is not None:
                self._messages.remove(original)
            return
        rejection = _message_rejection(body.get("text"), body.get("blocks"), body.get("attachments"))
        if rejection is not None:
            raise _SlackError(rejection.code, status=400, messages=[rejection.detail])
        text = cast(str | None, body.get("text")) or ""
        blocks = cast(list[dict[str, Any]], copy.deepcopy(body.get("blocks") or []))
        if _flag(body.get("replace_original")):
            original = self._original_for(target)
            if original is not None:
                original.text, original.blocks = text, blocks
                original.edits += 1
                return
        in_channel = body.get("response_type") == "in_channel"
        self._messages.append(
            ShownMessage(
                channel=target.channel,
                ts=self._next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=_text_param(body, "thread_ts"),
                user=None if in_channel else target.user,
                ephemeral=not in_channel,
                response_url_id=target.id,
                edits=0,
            )
        )

    def _original_for(self, target: _ResponseUrl) -> ShownMessage | None:
        """What `replace_original`/`delete_original` act on: the clicked message, else the latest reply."""
        for message in reversed(self._messages):
            if target.message_ts is not None:
                if message.channel == target.channel and message.ts == target.message_ts:
                    return message
            elif message.response_url_id == target.id:
                return message
        return None

    # -- Web API methods -----------------------------------------------------------------------

    def _api_methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "views.open": self._views_open,
        }

    def _next_ts(self) -> str:
        micros = max(int(self._clock() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel_for(self, ref: str) -> _Channel:
        """Slack accepts a channel ID, a channel name, or a user ID (meaning the DM with that user)."""
        if ref in self._channels:
            return self._channels[ref]
        # The bot's DM with user U… is D… with the same tail, open from the start.
        user = "U" + ref[1:] if ref.startswith("D") else ref
        if ref[:1] in ("U", "D") and user in self._users:
            dm_id = "D" + user[1:]
            self._channels.setdefault(dm_id, _Channel(dm_id, user, is_private=True, im_user=user))
            return self._channels[dm_id]
        name = ref.removeprefix("#")
        for channel in self._channels.values():
            if channel.im_user is None and channel.name == name:
                return channel
        raise _SlackError("channel_not_found")

    def _known_channel_id(self, ref: str) -> str:
        try:
            return self._channel_for(ref).id
        except _SlackError:
            return ref

    def _postable_channel(self, params: dict[str, Any]) -> _Channel:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        if not channel.is_member and channel.im_user is None:
            raise _SlackError("not_in_channel")
        return channel

    def _message_in(self, channel: _Channel, ts: str | None) -> ShownMessage:
        for message in self._messages:
            if message.channel == channel.id and message.ts == ts and not message.ephemeral:
                return message
        raise _SlackError("message_not_found")

    def _check_message(self, params: dict[str, Any]) -> None:
        rejection = _message_rejection(params.get("text"), params.get("blocks"), params.get("attachments"))
        if rejection is not None:
            raise _SlackError(rejection.code, messages=[rejection.detail])

    def _message_json(self, message: ShownMessage, *, metadata: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": message.text,
            "ts": message.ts,
        }
        if message.blocks:
            body["blocks"] = copy.deepcopy(message.blocks)
        if message.thread_ts is not None:
            body["thread_ts"] = message.thread_ts
        if message.edits:
            body["edited"] = {"user": self.bot_user_id, "ts": message.ts}
        if metadata and message.metadata is not None:
            body["metadata"] = copy.deepcopy(message.metadata)
        return body

    def _readable_channel(self, params: dict[str, Any]) -> _Channel:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        if not channel.is_member and channel.im_user is None:
            raise _SlackError("not_in_channel")
        return channel

    def _history_page(self, messages: list[ShownMessage], params: dict[str, Any], *, newest_first: bool) -> dict[str, Any]:
        """One page of `messages` between `oldest` and `latest`, as conversations.history/replies answer."""
        oldest = _ts_param(params, "oldest", Decimal(0))
        latest = _ts_param(params, "latest", Decimal(math.inf))
        inclusive = _flag(params.get("inclusive"))
        limit = max(1, min(999, int(params.get("limit") or 100)))
        window = [
            m
            for m in messages
            if (oldest <= Decimal(m.ts) <= latest if inclusive else oldest < Decimal(m.ts) < latest)
        ]
        if newest_first:
            window.reverse()
        cursor = params.get("cursor") or ""
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("next_ts:")) if cursor else 0
        except ValueError:
            raise _SlackError("invalid_cursor") from None
        page = window[start : start + limit]
        more = start + limit < len(window)
        with_metadata = _flag(params.get("include_all_metadata"))
        return {
            "messages": [self._message_json(m, metadata=with_metadata) for m in page],
            "has_more": more,
            "response_metadata": {
                "next_cursor": base64.b64encode(f"next_ts:{start + limit}".encode()).decode() if more else ""
            },
        }

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channel's messages newest first; thread replies stay in their threads."""
        channel = self._readable_channel(params)
        shown = [
            m for m in self._messages
            if m.channel == channel.id and not m.ephemeral and (m.thread_ts is None or m.thread_ts == m.ts)
        ]
        return {**self._history_page(shown, params, newest_first=True), "pin_count": 0}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent first, then the replies oldest first."""
        channel = self._readable_channel(params)
        parent_ts = _text_param(params, "ts", required=True)
        thread = [m for m in self._messages if m.channel == channel.id and not m.ephemeral and parent_ts in (m.ts, m.thread_ts)]
        if not any(m.ts == parent_ts for m in thread):
            raise _SlackError("thread_not_found")
        return self._history_page(thread, params, newest_first=False)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{_TEAM_DOMAIN}.slack.com/",
            "team": _TEAM_DOMAIN,
            "user": self._users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if self._socket_server is None:
            raise RuntimeError("the Slack stand-in is not started")
        ticket = secrets.token_hex(16)
        self._socket_tickets.add(ticket)
        host, port = self._socket_server.socket.getsockname()[:2]
        return {"url": f"ws://{host!s}:{port}{_SOCKET_PATH}{ticket}"}

    def _socket_open(self, ticket: str) -> bool:
        """Spend a ticket from apps.connections.open: Slack's URLs are good for one connection."""
        with self._cond:
            if ticket not in self._socket_tickets:
                return False
            self._socket_tickets.discard(ticket)
            return True

    def _socket_handshake(self, websocket: ServerConnection, request: Request, response: Response) -> Response | None:
        """Spend the URL's ticket once the WebSocket handshake itself is good: 401 for an unknown or used one."""
        if response.status_code != HTTPStatus.SWITCHING_PROTOCOLS:
            return None  # a malformed handshake: the library's own 4xx answer stands, the ticket is kept
        path = urlsplit(request.path).path
        if path.startswith(_SOCKET_PATH) and self._socket_open(path.removeprefix(_SOCKET_PATH)):
            return None
        refusal = websocket.respond(HTTPStatus.UNAUTHORIZED, json.dumps({"ok": False, "error": "invalid_ticket"}))
        del refusal.headers["Content-Type"]
        refusal.headers["Content-Type"] = "application/json; charset=utf-8"
        return refusal

    def _serve_socket(self, websocket: ServerConnection) -> None:
        """One app's connection: greet with `hello`, then record what it sends until it closes."""
        try:
            self._socket_greeted(websocket)
            for message in websocket:
                if isinstance(message, bytes):
                    websocket.close(1002, "Slack speaks text frames only")
                    break
                self._socket_message(message)
        except ConnectionClosedError as closed:
            # The library has already closed: 1002 after a protocol error, or the client went away.
            logger.debug("socket %s: %s", websocket.id, closed)
        except ConnectionClosed:
            logger.debug("socket %s: closed before the greeting", websocket.id)
        finally:
            self._socket_closed(websocket)

    def _socket_greeted(self, websocket: ServerConnection) -> None:
        # Counted as connected only once greeted, so that no envelope can reach the app before `hello`.
        with self._cond:
            count = len(self._sockets) + 1
        websocket.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": {"host": "applink-standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        with self._cond:
            self._sockets.append(websocket)
            self._cond.notify_all()

    def _socket_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            logger.debug("socket message is not JSON: %.200s", text)
            return
        if not isinstance(message, dict):
            return
        envelope_id = message.get("envelope_id")
        with self._cond:
            if envelope_id in self._envelopes and envelope_id not in self._acks:
                payload = message.get("payload")
                self._acks[cast(str, envelope_id)] = (
                    cast(dict[str, Any], payload) if isinstance(payload, dict) else None
                )
                self._cond.notify_all()

    def _socket_closed(self, websocket: ServerConnection) -> None:
        with self._cond:
            if websocket in self._sockets:
                self._sockets.remove(websocket)
            self._cond.notify_all()

    def _consume_rate(self, channel: str) -> None:
        if self._channel_rate is None:
            return
        per_second, burst = self._channel_rate
        now = time.monotonic()
        bucket = self._buckets.setdefault(channel, _Bucket(float(burst), now))
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * per_second)
        bucket.updated = now
        if bucket.tokens < 1:
            wait = max(1, math.ceil((1 - bucket.tokens) / per_second))
            raise _SlackError("ratelimited", status=429, headers={"Retry-After": str(wait)})
        bucket.tokens -= 1

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(params)
        self._check_message(params)
        metadata = _metadata(params)
        self._consume_rate(channel.id)
        message = self._shown(channel.id, params, metadata=metadata)
        return {"channel": channel.id, "ts": message.ts, "message": self._message_json(message)}

    def _shown(
        self, channel_id: str, params: dict[str, Any], *, user: str | None = None, metadata: dict[str, Any] | None = None
    ) -> ShownMessage:
        """A posted message (ephemeral when it is shown to one `user`), kept as the channel shows it."""
        message = ShownMessage(
            channel=channel_id,
            ts=self._next_ts(),
            text=cast(str | None, params.get("text")) or "",
            blocks=copy.deepcopy(cast(list[dict[str, Any]], params.get("blocks") or [])),
            thread_ts=_text_param(params, "thread_ts"),
            user=user,
            ephemeral=user is not None,
            response_url_id=None,
            edits=0,
            metadata=metadata,
        )
        self._messages.append(message)
        return message

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        message = self._message_in(channel, _text_param(params, "ts", required=True))
        self._check_message(params)
        metadata = _metadata(params)
        # Like Slack, a field left out keeps its old value.
        if metadata is not None:
            message.metadata = metadata
        if params.get("text") is not None:
            message.text = cast(str, params["text"])
        if params.get("blocks") is not None:
            message.blocks = copy.deepcopy(cast(list[dict[str, Any]], params["blocks"]))
        message.edits += 1
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_json(message),
        }

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(params)
        user = cast(str, _text_param(params, "user", required=True))
        if user not in self._users:
            raise _SlackError("user_not_found")
        self._check_message(params)
        message = self._shown(channel.id, params, user=user)
        return {"message_ts": message.ts}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        message = self._message_in(channel, _text_param(params, "ts", required=True))
        self._messages.remove(message)
        return {"channel": channel.id, "ts": message.ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        message = self._message_in(channel, _text_param(params, "message_ts", required=True))
        link = f"https://{_TEAM_DOMAIN}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.thread_ts is not None:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(cast(str, _text_param(params, "user", required=True)))
        if user is None:
            raise _SlackError("user_not_found")
        return {
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "real_name": user.name,
                "deleted": False,
                "is_bot": user.is_bot,
                "is_admin": False,
                "tz": user.tz,
                "tz_label": user.tz_label,
                "tz_offset": user.tz_offset,
                "profile": {"real_name": user.name, "display_name": user.name, "team": self.team_id},
            }
        }

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._usergroups.get(cast(str, _text_param(params, "usergroup", required=True)))
        if group is None:
            raise _SlackError("no_such_subteam")
        return {"users": list(group.members)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(cast(str, _text_param(params, "channel", required=True)))
        if channel.im_user is not None:
            return {"channel": {"id": channel.id, "is_im": True, "user": channel.im_user, "is_open": True}}
        return {
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "name_normalized": channel.name,
                "is_channel": not channel.is_private,
                "is_group": channel.is_private,
                "is_im": False,
                "is_private": channel.is_private,
                "is_archived": False,
                "is_member": channel.is_member,
                "context_team_id": self.team_id,
            }
        }

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        _text_param(params, "trigger_id", required=True)
        rejection = _view_rejection(params.get("view"))
        if rejection is not None:
            raise _SlackError(rejection.code, messages=[rejection.detail])
        self._views += 1
        view = copy.deepcopy(cast(dict[str, Any], params["view"]))
        view_id = f"V{self._views:08d}"
        return {
            "view": {
                "id": view_id,
                "team_id": self.team_id,
                "type": view["type"],
                "title": view["title"],
                "blocks": view["blocks"],
                "close": view.get("close"),
                "submit": view.get("submit"),
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", ""),
                "state": {"values": {}},
                "hash": secrets.token_hex(8),
                "root_view_id": view_id,
                "previous_view_id": None,
                "bot_id": self.bot_id,
            }
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's listen backlog is 5: a burst of clients would see connections reset, which the real
    # service does not do.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], standin: SlackStandIn
    ) -> None:
        super().__init__(address, handler)
        self.standin = standin

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout is shorter than set_delay) has closed the socket: expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("client %s went away before the answer", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        at = time.monotonic()
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        standin = self.server.standin
        if url.path.startswith("/api/"):
            params, form_token = self._api_params(url.query, raw)
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else form_token
            self._send(standin._serve_api(url.path.removeprefix("/api/"), params, token, at))
        elif url.path.startswith("/response/"):
            self._send(standin._serve_response_url(_response_url_id(url.path), self._response_body(raw), at))
        else:
            self._send(_json_answer(404, {"ok": False, "error": "not_found"}, error="not_found"))

    def _api_params(self, query: str, raw: bytes) -> tuple[dict[str, Any], str | None]:
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(query).items()}
        content_type = self.headers.get_content_type()
        if content_type == "application/json" and raw:
            try:
                decoded = json.loads(raw)
            except json.JSONDecodeError:
                decoded = {}
            if isinstance(decoded, dict):
                params.update(decoded)
            # Slack reads a JSON body's token only from the Authorization header.
            return params, None
        params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        for name in _JSON_FIELDS:
            if name in params:
                params[name] = _json_field(params[name])
        token = params.pop("token", None)
        return params, token if isinstance(token, str) else None

    def _response_body(self, raw: bytes) -> dict[str, Any] | None:
        text = raw.decode()
        if self.headers.get_content_type() == "application/x-www-form-urlencoded":
            text = parse_qs(text).get("payload", [""])[0]
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError:
            return None
        return decoded if isinstance(decoded, dict) else None

    def _send(self, answer: _Answer) -> None:
        if answer.drop:
            # The request was read (and may have taken effect); the client sees the connection reset.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)
