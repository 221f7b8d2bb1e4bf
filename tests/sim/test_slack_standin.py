"""The Slack stand-in, driven by the real slack_sdk clients and Bolt: it must answer as Slack does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.context.ack import Ack
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageElement,
    MarkdownTextObject,
    PlainTextObject,
    RichTextBlock,
    RichTextElementParts,
    RichTextSectionElement,
    SectionBlock,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.sim.slack import SlackStandIn, slack_rejection

TOKEN = "xoxb-test"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as running:
        running.add_user("U0ALICE", "alice", tz="Europe/Berlin", tz_offset=3600)
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url)


def error_of(call: Any) -> str:
    """The Slack error code a WebClient call failed with."""
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "value": value}


def fields(count: int, size: int) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * size} for _ in range(count)]}


def context(count: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"} for _ in range(count)]}


def header(size: int) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": "h" * size}}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


@dataclass(frozen=True)
class Limit:
    """A Block Kit or message limit: a message exactly at it, and one just past it."""

    name: str
    at_limit: tuple[str | None, list[dict[str, Any]] | None]  # (text, blocks) Slack accepts
    past_limit: tuple[str | None, list[dict[str, Any]] | None]  # (text, blocks) Slack rejects
    code: str


LIMITS = [
    Limit(
        "50 blocks", ("t", [{"type": "divider"}] * 50), ("t", [{"type": "divider"}] * 51), "invalid_blocks"
    ),
    Limit(
        "section text 3000", (None, [section("s" * 3000)]), (None, [section("s" * 3001)]), "invalid_blocks"
    ),
    Limit("10 fields", (None, [fields(10, 5)]), (None, [fields(11, 5)]), "invalid_blocks"),
    Limit("field 2000", (None, [fields(1, 2000)]), (None, [fields(1, 2001)]), "invalid_blocks"),
    Limit("header 150", (None, [header(150)]), (None, [header(151)]), "invalid_blocks"),
    Limit(
        "button text 75",
        (None, [actions(button(text="b" * 75))]),
        (None, [actions(button(text="b" * 76))]),
        "invalid_blocks",
    ),
    Limit(
        "button value 2000",
        (None, [actions(button(value="v" * 2000))]),
        (None, [actions(button(value="v" * 2001))]),
        "invalid_blocks",
    ),
    Limit(
        "25 actions",
        (None, [actions(*[button()] * 25)]),
        (None, [actions(*[button()] * 26)]),
        "invalid_blocks",
    ),
    Limit("10 context elements", (None, [context(10)]), (None, [context(11)]), "invalid_blocks"),
    Limit(
        "13000 characters in blocks",
        (None, [section("x" * 2600)] * 5),
        (None, [section("x" * 2600)] * 4 + [section("x" * 2601)]),
        "msg_blocks_too_long",
    ),
    Limit("text 40000", ("t" * 40_000, None), ("t" * 40_001, None), "msg_too_long"),
]


@dataclass(frozen=True)
class Malformed:
    name: str
    text: str | None
    blocks: Any
    code: str


MALFORMED = [
    Malformed("no text nor blocks", None, None, "no_text"),
    Malformed("empty text, no blocks", "", [], "no_text"),
    Malformed("unknown block type", "t", [{"type": "carousel"}], "invalid_blocks"),
    Malformed("block is not an object", "t", ["divider"], "invalid_blocks"),
    Malformed("section without text or fields", "t", [{"type": "section"}], "invalid_blocks"),
    Malformed("empty section text", "t", [section("")], "invalid_blocks"),
    Malformed(
        "mrkdwn header", "t", [{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "invalid_blocks"
    ),
    Malformed(
        "button with a mrkdwn label",
        "t",
        [actions({**button(), "text": {"type": "mrkdwn", "text": "b"}})],
        "invalid_blocks",
    ),
    Malformed("button style", "t", [actions({**button(), "style": "loud"})], "invalid_blocks"),
    Malformed("empty actions", "t", [actions()], "invalid_blocks"),
    Malformed(
        "image without alt_text", "t", [{"type": "image", "image_url": "https://x/i.png"}], "invalid_blocks"
    ),
    Malformed(
        "duplicate block_id",
        "t",
        [{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}],
        "invalid_blocks",
    ),
    Malformed("blocks not a list", "t", {"type": "divider"}, "invalid_blocks_format"),
]


def post(client: WebClient, text: str | None, blocks: Any) -> Any:
    body: dict[str, Any] = {"channel": "C0OPS"}
    if text is not None:
        body["text"] = text
    if blocks is not None:
        body["blocks"] = blocks
    return client.api_call("chat.postMessage", json=body)


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.name for limit in LIMITS])
def test_a_message_at_each_limit_is_posted_and_one_past_it_is_rejected(
    standin: SlackStandIn, client: WebClient, limit: Limit
) -> None:
    assert post(client, *limit.at_limit)["ok"] is True
    assert error_of(lambda: post(client, *limit.past_limit)) == limit.code
    assert slack_rejection(*limit.at_limit) is None
    assert slack_rejection(*limit.past_limit) == limit.code
    assert len(standin.messages("C0OPS")) == 1


@pytest.mark.parametrize("case", MALFORMED, ids=[case.name for case in MALFORMED])
def test_malformed_messages_are_rejected_and_not_shown(
    standin: SlackStandIn, client: WebClient, case: Malformed
) -> None:
    assert error_of(lambda: post(client, case.text, case.blocks)) == case.code
    assert slack_rejection(case.text, case.blocks) == case.code
    assert standin.messages("C0OPS") == []
    assert standin.calls_to("chat.postMessage")[0].error == case.code


def test_invalid_blocks_answer_says_where_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        post(client, "t", [{"type": "divider"}, section("s" * 3001)])
    assert "/blocks/1/text/text" in raised.value.response["response_metadata"]["messages"][0]


def test_valid_block_kit_built_with_slack_sdk_models_is_accepted(
    standin: SlackStandIn, client: WebClient
) -> None:
    blocks = [
        HeaderBlock(text="nginx on web-1"),
        SectionBlock(
            text=MarkdownTextObject(text="*1.24.0* → *1.26.1*"),
            fields=[MarkdownTextObject(text="*Server*\nweb-1"), PlainTextObject(text="When")],
            accessory=ButtonElement(text="History", action_id="history", value="i-0abc", style="primary"),
        ),
        DividerBlock(),
        ContextBlock(
            elements=[
                MarkdownTextObject(text="<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>"),
                PlainTextObject(text="from AWS Config"),
                ImageElement(image_url="https://example.com/i.png", alt_text="icon"),
            ]
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Older", action_id="older", value="2"),
                ButtonElement(text="Docs", action_id="docs", url="https://example.com", style="danger"),
            ]
        ),
        RichTextBlock(elements=[RichTextSectionElement(elements=[RichTextElementParts.Text(text="plain")])]),
    ]
    answer = client.chat_postMessage(channel="C0OPS", text="nginx changed", blocks=blocks)
    assert answer["ok"] is True
    shown = standin.messages("C0OPS")[0]
    assert [b["type"] for b in shown.blocks] == [
        "header",
        "section",
        "divider",
        "context",
        "actions",
        "rich_text",
    ]


def test_form_encoded_blocks_are_decoded_and_checked(standin: SlackStandIn, client: WebClient) -> None:
    # A client that posts form fields sends blocks as JSON text; Slack decodes them before checking.
    ok = client.api_call(
        "chat.postMessage", params={"channel": "C0OPS", "blocks": json.dumps([section("form")])}
    )
    assert ok["ok"] is True
    assert standin.messages("C0OPS")[0].blocks == [section("form")]
    too_many = json.dumps([{"type": "divider"}] * 51)

    def post_too_many() -> Any:
        return client.api_call(
            "chat.postMessage", params={"channel": "C0OPS", "text": "t", "blocks": too_many}
        )

    assert error_of(post_too_many) == "invalid_blocks"
    assert error_of(
        lambda: client.api_call("chat.postMessage", params={"channel": "C0OPS", "blocks": "[{"})
    ) == ("invalid_blocks_format")


def test_posts_updates_and_thread_replies_read_back_as_the_channel_shows_them(
    standin: SlackStandIn, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C0OPS", text="nginx changed on 3 servers")
    reply = client.chat_postMessage(channel="C0OPS", text="web-1: 1.24 → 1.26", thread_ts=parent["ts"])
    client.chat_update(channel="C0OPS", ts=parent["ts"], text="nginx changed on 4 servers")

    assert parent["channel"] == "C0OPS"
    assert parent["message"]["text"] == "nginx changed on 3 servers"
    assert float(reply["ts"]) > float(parent["ts"])
    shown = standin.messages("C0OPS")
    assert [(m.text, m.thread_ts, m.edits) for m in shown] == [
        ("nginx changed on 4 servers", None, 1),
        ("web-1: 1.24 → 1.26", parent["ts"], 0),
    ]
    assert [m.text for m in standin.messages("C0OPS", thread_ts=parent["ts"])] == ["web-1: 1.24 → 1.26"]
    assert standin.messages("C0ALERTS") == []
    assert [c.method for c in standin.calls] == ["chat.postMessage", "chat.postMessage", "chat.update"]
    assert standin.calls_to("chat.update")[0].params["ts"] == parent["ts"]


def test_update_keeps_what_it_does_not_replace_and_unknown_ts_is_not_found(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="C0OPS", text="fallback", blocks=[section("old")])
    client.api_call("chat.update", json={"channel": "C0OPS", "ts": posted["ts"], "blocks": [section("new")]})
    assert (standin.messages("C0OPS")[0].text, standin.messages("C0OPS")[0].blocks) == (
        "fallback",
        [section("new")],
    )
    assert (
        error_of(lambda: client.chat_update(channel="C0OPS", ts="1.000001", text="x")) == "message_not_found"
    )
    assert error_of(
        lambda: client.chat_update(channel="C0OPS", ts=posted["ts"], text="t", blocks=[header(151)])
    ) == ("invalid_blocks")


def test_ephemeral_messages_are_shown_to_one_person_and_cannot_be_updated(
    standin: SlackStandIn, client: WebClient
) -> None:
    answer = client.chat_postEphemeral(channel="C0OPS", user="U0ALICE", text="only you")
    [shown] = standin.messages("C0OPS")
    assert (shown.ephemeral, shown.user, shown.ts) == (True, "U0ALICE", answer["message_ts"])
    assert error_of(lambda: client.chat_update(channel="C0OPS", ts=answer["message_ts"], text="x")) == (
        "message_not_found"
    )
    assert (
        error_of(lambda: client.chat_postEphemeral(channel="C0OPS", user="U0NOBODY", text="x"))
        == "user_not_found"
    )


def test_a_user_id_as_channel_posts_to_the_dm(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="U0ALICE", text="your report")
    assert answer["channel"].startswith("D")
    assert [m.text for m in standin.messages("U0ALICE")] == ["your report"]
    assert [m.text for m in standin.messages(answer["channel"])] == ["your report"]
    assert client.conversations_info(channel=answer["channel"])["channel"]["is_im"] is True


def test_delete_and_permalink(standin: SlackStandIn, client: WebClient) -> None:
    kept = client.chat_postMessage(channel="C0OPS", text="kept")
    gone = client.chat_postMessage(channel="C0OPS", text="gone")
    link = client.chat_getPermalink(channel="C0OPS", message_ts=kept["ts"])["permalink"]
    client.chat_delete(channel="C0OPS", ts=gone["ts"])
    assert link.endswith("/archives/C0OPS/p" + kept["ts"].replace(".", ""))
    assert [m.text for m in standin.messages("C0OPS")] == ["kept"]
    assert error_of(lambda: client.chat_delete(channel="C0OPS", ts=gone["ts"])) == "message_not_found"


def test_unknown_channels_and_channels_without_the_bot(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0SECRET", "secret", private=True, bot_is_member=False)
    assert error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="x")) == "channel_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="U0NOBODY", text="x")) == "channel_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="C0SECRET", text="x")) == "not_in_channel"
    assert client.chat_postMessage(channel="#pkg-alerts", text="by name")["channel"] == "C0ALERTS"
    info = client.conversations_info(channel="C0SECRET")["channel"]
    assert (info["name"], info["is_private"], info["is_member"]) == ("secret", True, False)


def test_people_and_groups(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_usergroup("S0ONCALL", "oncall", ["U0ALICE"])
    user = client.users_info(user="U0ALICE")["user"]
    assert (user["tz"], user["tz_offset"], bool(user["tz_label"])) == ("Europe/Berlin", 3600, True)
    assert error_of(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"
    assert client.usergroups_users_list(usergroup="S0ONCALL")["users"] == ["U0ALICE"]
    assert error_of(lambda: client.usergroups_users_list(usergroup="S0NONE")) == "no_such_subteam"


def test_auth_test_names_the_bot(client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["user_id"], answer["team_id"], answer["bot_id"]) == ("U0BOT", "T0PKGWHEN", "B0BOT")


def test_views_open_checks_the_trigger_and_the_view(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "History"}, "blocks": [section("x")]}
    opened = client.views_open(trigger_id="123.456.abc", view=view)["view"]
    assert (opened["id"].startswith("V"), opened["blocks"]) == (True, [section("x")])
    assert error_of(lambda: client.views_open(trigger_id="", view=view)) == "invalid_arguments"
    big = {**view, "blocks": [{"type": "divider"}] * 101}
    assert error_of(lambda: client.views_open(trigger_id="123.456.abc", view=big)) == "invalid_arguments"
    assert client.views_open(trigger_id="123.456.abc", view={**view, "blocks": [{"type": "divider"}] * 100})[
        "ok"
    ]


def test_bad_or_missing_token_and_unknown_method(standin: SlackStandIn) -> None:
    assert (
        error_of(lambda: WebClient(token="xoxb-wrong", base_url=standin.api_url).auth_test())
        == "invalid_auth"
    )
    assert error_of(lambda: WebClient(base_url=standin.api_url).auth_test()) == "not_authed"
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=TOKEN, base_url=standin.api_url).api_call("pkgwhen.nope")
    assert (raised.value.response.status_code, raised.value.response["error"]) == (404, "unknown_method")
    assert [c.token for c in standin.calls[:2]] == ["xoxb-wrong", None]


def test_rate_limited_call_is_retried_after_retry_after_by_slack_sdk(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    client = WebClient(
        token=TOKEN, base_url=standin.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    assert client.chat_postMessage(channel="C0OPS", text="after a wait")["ok"] is True
    first, second = standin.calls_to("chat.postMessage")
    assert (first.status, first.error, second.status) == (429, "ratelimited", 200)
    assert second.at - first.at >= 1.0  # the client waited at least Retry-After before retrying
    assert [m.text for m in standin.messages("C0OPS")] == ["after a wait"]


def test_rate_limit_without_a_retry_handler_surfaces_with_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0OPS", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C0OPS", text="x")["ok"] is True  # only the next call failed


def test_server_error_raises_and_is_retried_with_server_error_retry_handler(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0OPS", text="x")
    assert raised.value.response.status_code == 500
    assert standin.messages("C0OPS") == []

    standin.fail_next("chat.postMessage", status=503)
    retrying = WebClient(
        token=TOKEN,
        base_url=standin.api_url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=1,
                interval_calculator=FixedValueRetryIntervalCalculator(fixed_internal=0.01),
            )
        ],
    )
    assert retrying.chat_postMessage(channel="C0OPS", text="second try")["ok"] is True
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [500, 503, 200]


def test_fail_next_with_an_error_code_answers_ok_false(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("users.info", status=200, error="fatal_error", count=2)
    assert error_of(lambda: client.users_info(user="U0ALICE")) == "fatal_error"
    assert error_of(lambda: client.users_info(user="U0ALICE")) == "fatal_error"
    assert client.users_info(user="U0ALICE")["ok"] is True


def test_posting_faster_than_the_channel_rate_is_answered_429(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.enforce_channel_rate(0.1, burst=2)
    client.chat_postMessage(channel="C0OPS", text="1")
    client.chat_postMessage(channel="C0OPS", text="2")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0OPS", text="3")
    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert int(raised.value.response.headers["Retry-After"]) >= 1
    assert client.chat_postMessage(channel="C0ALERTS", text="other channel")["ok"] is True
    assert [m.text for m in standin.messages("C0OPS")] == ["1", "2"]
    standin.enforce_channel_rate(None)
    assert client.chat_postMessage(channel="C0OPS", text="3")["ok"] is True


def test_slow_answer_makes_a_client_with_a_shorter_timeout_fail(standin: SlackStandIn) -> None:
    standin.set_delay(10, "chat.postMessage")
    impatient = WebClient(token=TOKEN, base_url=standin.api_url, timeout=1)
    with pytest.raises(OSError):  # urllib's read timeout (TimeoutError / URLError)
        impatient.chat_postMessage(channel="C0OPS", text="slow")
    assert impatient.auth_test()["ok"] is True  # other methods answer at once


def test_response_url_replies_are_shown_and_answer_five_times_at_most(standin: SlackStandIn) -> None:
    url = standin.new_response_url("C0OPS", "U0ALICE")
    hook = WebhookClient(url)
    statuses = [hook.send(text=f"reply {n}").status_code for n in range(5)]
    sixth = hook.send(text="one too many")
    assert statuses == [200] * 5
    assert (sixth.status_code, "used_url" in sixth.body) == (404, True)
    replies = standin.replies(url)
    assert [m.text for m in replies] == [f"reply {n}" for n in range(5)]
    assert all(m.ephemeral and m.user == "U0ALICE" and m.channel == "C0OPS" for m in replies)
    assert len(standin.calls_to("response_url")) == 6


def test_replace_original_edits_the_reply_and_in_channel_is_public(standin: SlackStandIn) -> None:
    url = standin.new_response_url("C0OPS", "U0ALICE")
    hook = WebhookClient(url)
    hook.send(text="Looking…")
    hook.send(text="nginx: 1.24 → 1.26", blocks=[section("nginx")], replace_original=True)
    hook.send(text="shared", response_type="in_channel")
    first, shared = standin.replies(url)
    assert (first.text, first.blocks, first.edits) == ("nginx: 1.24 → 1.26", [section("nginx")], 1)
    assert (shared.ephemeral, shared.user) == (False, None)
    hook.send_dict({"delete_original": True})
    assert [m.text for m in standin.messages("C0OPS")] == ["nginx: 1.24 → 1.26"]


def test_response_url_from_a_button_replaces_the_clicked_message(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="C0OPS", text="page 1", blocks=[actions(button("Next"))])
    url = standin.new_response_url("C0OPS", "U0ALICE", message_ts=posted["ts"])
    assert WebhookClient(url).send(text="page 2", replace_original=True).status_code == 200
    [shown] = standin.messages("C0OPS")
    # The reply replaces the whole message: the button is gone with the old blocks.
    assert (shown.ts, shown.text, shown.blocks, shown.edits) == (posted["ts"], "page 2", [], 1)


def test_response_url_rejects_what_slack_rejects(standin: SlackStandIn) -> None:
    url = standin.new_response_url("C0OPS", "U0ALICE")
    answer = WebhookClient(url).send(text="t", blocks=[{"type": "divider"}] * 51)
    assert (answer.status_code, "invalid_blocks" in answer.body) == (400, True)
    assert standin.replies(url) == []
    assert WebhookClient(standin.base_url + "/response/nope").send(text="x").status_code == 404


def test_response_url_expires_after_thirty_minutes() -> None:
    now = [1_700_000_000.0]
    with SlackStandIn(clock=lambda: now[0]) as standin:
        url = standin.new_response_url("C0OPS", "U0ALICE")
        assert WebhookClient(url).send(text="in time").status_code == 200
        now[0] += 30 * 60 + 1
        late = WebhookClient(url).send(text="too late")
        assert (late.status_code, "expired_url" in late.body) == (404, True)
        assert [m.text for m in standin.replies(url)] == ["in time"]


def test_wait_for_wakes_when_another_thread_posts(standin: SlackStandIn, client: WebClient) -> None:
    waiting = threading.Event()

    def post_once_waiting() -> None:
        waiting.wait(5)
        client.chat_postMessage(channel="C0ALERTS", text="from a worker")

    def posted(s: SlackStandIn) -> bool:
        waiting.set()  # first checked inside wait_for: the worker posts while wait_for waits
        return len(s.messages("C0ALERTS")) == 1

    worker = threading.Thread(target=post_once_waiting)
    worker.start()
    assert standin.wait_for(posted, timeout=5)
    worker.join(5)
    assert standin.wait_for(lambda s: len(s.messages("C0ALERTS")) == 2, timeout=0.05) is False


def test_bolt_app_answers_a_slash_command_through_the_standin(standin: SlackStandIn) -> None:
    secret = "signing-secret"
    app = App(
        client=WebClient(token=TOKEN, base_url=standin.api_url),
        signing_secret=secret,
        process_before_response=True,
    )

    @app.command("/pkgwhen")
    def answer(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="nginx changed 2 days ago")

    url = standin.new_response_url("C0OPS", "U0ALICE")
    body = urlencode(
        {
            "command": "/pkgwhen",
            "text": "nginx web-1",
            "user_id": "U0ALICE",
            "channel_id": "C0OPS",
            "team_id": "T0PKGWHEN",
            "response_url": url,
            "trigger_id": "123.456.abc",
        }
    )
    stamp = str(int(time.time()))
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or "",
    }
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 200
    assert [m.text for m in standin.replies(url)] == ["nginx changed 2 days ago"]
    assert standin.calls_to("auth.test")  # Bolt checked its token against the stand-in at start-up


# --- reading a channel back, and the outcomes a client cannot tell apart -----------------------------


def _metadata(key: str) -> dict[str, Any]:
    return {"event_type": "pkgwhen_alert", "event_payload": {"post_key": key}}


def test_history_and_replies_return_metadata_only_when_asked(standin: SlackStandIn, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0ALERTS", text="one", metadata=_metadata("k1"))
    reply = client.chat_postMessage(channel="C0ALERTS", text="in thread", thread_ts=first["ts"], metadata=_metadata("k2"))
    client.chat_postMessage(channel="C0ALERTS", text="two")
    history = client.conversations_history(channel="C0ALERTS", include_all_metadata=True)
    # Newest first; replies stay in their thread.
    assert [m["text"] for m in history["messages"]] == ["two", "one"]
    assert history["messages"][1]["metadata"] == _metadata("k1")
    assert "metadata" not in client.conversations_history(channel="C0ALERTS")["messages"][1]
    # `oldest` bounds it: nothing before the first post's ts (exclusive).
    later = client.conversations_history(channel="C0ALERTS", oldest=first["ts"], include_all_metadata=True)
    assert [m["text"] for m in later["messages"]] == ["two"]
    thread = client.conversations_replies(channel="C0ALERTS", ts=first["ts"], include_all_metadata=True)
    assert [m["ts"] for m in thread["messages"]] == [first["ts"], reply["ts"]]
    assert thread["messages"][1]["metadata"] == _metadata("k2")
    assert error_of(lambda: client.conversations_history(channel="C0NOPE")) == "channel_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="C0ALERTS", text="x", metadata={"event_type": 1})) == (
        "invalid_metadata_schema"
    )


def test_history_pages_with_a_cursor_that_slack_sdk_follows(client: WebClient) -> None:
    for n in range(5):
        client.chat_postMessage(channel="C0OPS", text=f"m{n}")
    # Each page replaces the response's data as slack_sdk iterates: read it while it is there.
    pages = [[m["text"] for m in page["messages"]] for page in client.conversations_history(channel="C0OPS", limit=2)]
    assert pages == [["m4", "m3"], ["m2", "m1"], ["m0"]]


def test_a_post_that_acted_and_then_failed_is_in_the_channel(standin: SlackStandIn) -> None:
    """5xx after storing, an answer after the client's timeout, a connection dropped after sending."""
    client = WebClient(token=TOKEN, base_url=standin.api_url, timeout=1, retry_handlers=[])
    standin.fail_next("chat.postMessage", status=500, after_acting=True)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0OPS", text="stored, then 500")
    standin.answer_late("chat.postMessage", 2.0)
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C0OPS", text="stored, answered late")
    standin.drop_next("chat.postMessage")
    with pytest.raises(ConnectionError):
        client.chat_postMessage(channel="C0OPS", text="stored, connection dropped")
    shown = [m.text for m in standin.messages("C0OPS")]
    assert shown == ["stored, then 500", "stored, answered late", "stored, connection dropped"]
    assert standin.arrivals("chat.postMessage") == 3


def test_an_outage_fails_every_call_for_its_time(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_for(60, "chat.postMessage", status=503)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C0OPS", text="down")
    assert standin.messages("C0OPS") == []
    standin.fail_for(0, "chat.postMessage")
    client.chat_postMessage(channel="C0OPS", text="back")
    assert [m.text for m in standin.messages("C0OPS")] == ["back"]
