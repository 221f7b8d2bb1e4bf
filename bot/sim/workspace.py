"""A whole local workspace: AWS and Slack stand-ins, the simulated fleet, and the real Bolt app over HTTP.

The demo console and the tests both drive pkgwhen through this: a person (a Slack user ID in a
channel) types a slash command, the request is signed as Slack signs it and sent over HTTP to the
real app, and what the bot shows comes back from the Slack stand-in.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import boto3
import botocore.loaders
import botocore.session
from slack_sdk.signature import SignatureVerifier

from bot.aws.pacing import Pacer
from bot.core.mrkdwn import escape
from bot.core.settings import Settings
from bot.runtime.app import build_app
from bot.runtime.services import build_services
from bot.sim.aws import AwsStandIn, Faults
from bot.sim.fleet import Fleet
from bot.sim.pm_history_runner import DOCUMENT_NAME, PackageHistoryRun
from bot.sim.slack import ShownMessage, SlackStandIn, slack_rejection
from bot.slack.messages import PROGRESS_BLOCK_ID
from bot.slack.plaintext import blocks_to_text
from bot.slack.web import SlackHttpServer
from bot.usecases.services import Services

if TYPE_CHECKING:
    from bot.sim.alert_feed import AlertRig
    from bot.sim.organization import Organization

SIGNING_SECRET = "pkgwhen-sim-signing-secret"
BOT_TOKEN = "xoxb-pkgwhen-sim"
TEAM_ID = "T0PKGWHEN"
# People of the simulated workspace: (id, name, tz, tz offset in seconds).
PEOPLE = (
    ("U0ALICE", "alice", "Asia/Tokyo", 9 * 3600),
    ("U0BOB", "bob", "Europe/Berlin", 3600),
    ("U0MALLORY", "mallory", "America/New_York", -5 * 3600),
)
OPS_CHANNEL = "C0OPS"
ALLOWED_USERS = ("U0ALICE",)
# botocore's service models, read once per process: every workspace's clients share them, which saves
# about half a second per workspace (the tests start hundreds).
_SERVICE_MODELS = botocore.loaders.create_loader()


def aws_session(region: str) -> boto3.session.Session:
    """A new session whose clients read botocore's service models from this process's shared loader."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _SERVICE_MODELS)
    session = boto3.session.Session(botocore_session=core, region_name=region)
    # boto3 adds its own data directory to the loader's search path for each session; once is enough.
    _SERVICE_MODELS.search_paths[:] = list(dict.fromkeys(_SERVICE_MODELS.search_paths))
    return session


@dataclass(frozen=True)
class Shown:
    """One message as the asking user sees it."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    in_channel: bool = False

    @property
    def progress(self) -> bool:
        return any(b.get("block_id") == PROGRESS_BLOCK_ID for b in self.blocks)

    def plain(self) -> str:
        return blocks_to_text(self.text, self.blocks)


@dataclass
class Answer:
    """What a command produced: the HTTP answer to Slack's request and the messages shown for it."""

    status: int
    response_url: str
    ack: Shown | None
    replies: list[Shown] = field(default_factory=list)

    @property
    def shown(self) -> list[Shown]:
        return ([self.ack] if self.ack else []) + self.replies

    @property
    def last(self) -> Shown:
        if not self.shown:
            raise AssertionError(f"no reply (HTTP {self.status})")
        return self.shown[-1]

    def plain(self) -> str:
        return "\n\n".join(s.plain() for s in self.shown)


class SimWorkspace:
    """Starts everything on loopback; `command()` is what a person typing in Slack does."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        env: Mapping[str, str] | None = None,
        faults: Faults | None = None,
        state_dir: Path | None = None,
        settle_s: float = 0.25,
        alerts: bool = False,
        organization: Organization | None = None,
        config_bucket: bool | str = False,
        pacer: Pacer | None = None,
    ) -> None:
        """`organization`: its other accounts' and regions' fleets are served too (`fleet` is its home), and
        STS is moto's, so pkgwhen reaches them with real AssumeRole calls. `config_bucket`: True, moto holds a
        new bucket with every fleet's Config delivery (history files …); a name, that bucket of moto's, filled
        already (filling one takes seconds: tests share one). Either way `PKGWHEN_CONFIG_BUCKET` names it.
        `pacer`: the history reader's (tests of throttling give one on a virtual clock)."""
        if organization is not None and organization.home is not fleet:
            raise ValueError("the workspace's fleet must be the organization's home fleet")
        self.fleet = fleet
        self.organization = organization
        self._config_bucket_on = config_bucket
        self.config_bucket: str | None = None
        self.aws = AwsStandIn(fleet, faults)
        self.slack = SlackStandIn(bot_token=BOT_TOKEN, team_id=TEAM_ID)
        self._extra_env = dict(env or {})
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._state_dir = state_dir
        self.settle_s = settle_s
        self._saved_env: dict[str, str | None] = {}
        self.http: SlackHttpServer | None = None
        self.services: Services | None = None
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        # Change alerts (moto, the fleet's notification feed, the worker): off unless asked, they cost a second.
        self._alerts_on = alerts
        self.alerts: AlertRig | None = None
        self._ack_refusals: list[str] = []
        self._pacer = pacer

    # --- life cycle -----------------------------------------------------------------------------------
    def start(self) -> SimWorkspace:
        self.aws.start()
        # pkgwhen's own SSM document, as the simulated servers run it.
        self.aws.register_document(DOCUMENT_NAME, PackageHistoryRun())
        self.slack.start()
        for user_id, name, tz, offset in PEOPLE:
            self.slack.add_user(user_id, name, tz=tz, tz_offset=offset)
        if self.organization is not None:
            for member in self.organization.members:
                self.aws.add_fleet(member)
        if self.organization is not None or self._config_bucket_on:
            self._start_moto_parts()
        if self._state_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pkgwhen-sim-")
            self._state_dir = Path(self._tmp.name)
        self._set_env(
            {
                "AWS_ENDPOINT_URL_CONFIG_SERVICE": self.aws.url,
                "AWS_ENDPOINT_URL_SSM": self.aws.url,
                "AWS_ENDPOINT_URL_EC2": self.aws.url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_REGION": self.fleet.region,
                "AWS_DEFAULT_REGION": self.fleet.region,
                # botocore reads these from the process's environment: an `env` option may set them too.
                **{k: v for k, v in self._extra_env.items() if k.startswith("AWS_")},
            }
        )
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "PKGWHEN_STATE_DIR": str(self._state_dir),
            "PKGWHEN_WRITE_USERS": ",".join(ALLOWED_USERS),
            "PKGWHEN_AWS_MAX_ATTEMPTS": "3",
            # The simulated agents answer within milliseconds: polling every 5 s, as against AWS, only waits.
            "PKGWHEN_REFRESH_POLL_INTERVAL": "0.05",
            # Every question asks Config for what is new, as it does a minute after the last read: a test's
            # answer must not depend on how long ago the history it starts from was read.
            "PKGWHEN_HISTORY_FRESH": "0s",
            # The fleet's region (an exported history's own): the stand-in serves a fleet in its own region
            # only, as AWS would, so every client, the queue's too, works there.
            "AWS_REGION": self.fleet.region,
            **({"PKGWHEN_CONFIG_BUCKET": self.config_bucket} if self.config_bucket else {}),
            **self._extra_env,
        }
        self.settings = Settings.from_env(env)
        self.services = build_services(self.settings, session=aws_session(self.fleet.region), pacer=self._pacer)
        self.app = build_app(self.services)
        self.http = SlackHttpServer(self.app, readiness=self._readiness)
        self.http.start()
        # --- change alerts: moto (SNS, SQS, S3), the fleet's notification feed and the worker start here ---
        if self._alerts_on:
            from bot.sim.alert_feed import AlertRig

            members = self.organization.members if self.organization is not None else ()
            self.alerts = AlertRig.start(
                self.fleet, self.settings, self._set_env, aws=self.services.aws, also=members
            )
        return self

    def _readiness(self) -> tuple[bool, list[str]]:
        return self.alerts.worker.health.readiness() if self.alerts is not None else (True, [])

    def close(self) -> None:
        # --- change alerts: the worker, feed and moto stop here ---
        if self.alerts is not None:
            self.alerts.stop()
            self.alerts = None
        if self.http is not None:
            self.http.stop()
        self.slack.stop()
        self.aws.stop()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> SimWorkspace:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start_moto_parts(self) -> None:
        """STS (member accounts' credentials) and S3 (the Config bucket) are moto's."""
        from bot.sim.config_bucket import bucket_objects, put_config_bucket
        from bot.sim.moto import shared_endpoint

        endpoint = shared_endpoint()
        self._set_env({"AWS_ENDPOINT_URL_STS": endpoint, "AWS_ENDPOINT_URL_S3": endpoint})
        if isinstance(self._config_bucket_on, str):
            self.config_bucket = self._config_bucket_on
            return
        if not self._config_bucket_on:
            return
        fleets = self.organization.fleets() if self.organization is not None else [self.fleet]
        s3 = aws_session("us-east-1").client(
            "s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        # moto's state is shared by the whole process: a unique name keeps workspaces apart.
        self.config_bucket = f"config-bucket-{uuid.uuid4().hex[:10]}"
        s3.create_bucket(Bucket=self.config_bucket)
        put_config_bucket(s3, self.config_bucket, bucket_objects(fleets))

    def _set_env(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    # --- a person in Slack ----------------------------------------------------------------------------
    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U0ALICE",
        channel: str = OPS_CHANNEL,
        wait: bool = True,
        timeout: float = 15.0,
    ) -> Answer:
        """Type `/command text` as `user` in `channel`; return once the bot's answer has settled."""
        response_url = self.slack.new_response_url(channel, user)
        name = next((n for u, n, _, _ in PEOPLE if u == user), user.lower())
        # Slack sends `&`, `<` and `>` of a command's text as HTML entities (SLACK-NOTES "Slash-command text").
        text = escape(text)
        form = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "pkgwhen-sim",
            "channel_id": channel,
            "channel_name": "ops",
            "user_id": user,
            "user_name": name,
            "command": command,
            "text": text,
            "api_app_id": "A0PKGWHEN",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}",
        }
        status, body = self.send(urlencode(form))
        ack = self._acknowledged(body) if status == 200 else None
        answer = Answer(status=status, response_url=response_url, ack=ack)
        if wait and status == 200:
            self.wait_settled(answer, timeout)
        answer.replies = self._replies(response_url)
        return answer

    def click(
        self,
        shown: Shown,
        action_id: str,
        *,
        user: str = "U0ALICE",
        channel: str = OPS_CHANNEL,
        wait: bool = True,
        timeout: float = 15.0,
        near_text: str = "",
    ) -> Answer:
        """Click the button `action_id` on a message the user sees; Slack sends a signed block_actions payload.

        `near_text` picks, among several such buttons, the first on a block whose text contains it.
        """
        button = next(
            (
                element
                for block in shown.blocks
                if near_text in str(block.get("text", {}).get("text", ""))
                for element in ([block.get("accessory")] if block.get("accessory") else []) + list(block.get("elements", []))
                if isinstance(element, dict) and element.get("action_id") == action_id
            ),
            None,
        )
        if button is None:
            raise AssertionError(f"no button {action_id!r} on the message: {shown.plain()}")
        return self.press(shown, button, user=user, channel=channel, wait=wait, timeout=timeout)

    def press(
        self,
        shown: Shown,
        button: Mapping[str, Any],
        *,
        user: str = "U0ALICE",
        channel: str = OPS_CHANNEL,
        wait: bool = True,
        timeout: float = 15.0,
    ) -> Answer:
        """Click this button of a message the user sees; Slack sends a signed block_actions payload."""
        action_id = str(button.get("action_id", ""))
        response_url = self.slack.new_response_url(channel, user)
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "pkgwhen-sim"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0PKGWHEN",
            "token": "deprecated-verification-token",
            "container": {"type": "message", "is_ephemeral": not shown.in_channel, "channel_id": channel},
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}",
            "channel": {"id": channel, "name": "ops"},
            "response_url": response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "text": button.get("text", {}),
                    "value": button.get("value", ""),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        status, body = self.send(urlencode({"payload": json.dumps(payload)}))
        answer = Answer(status=status, response_url=response_url, ack=self._acknowledged(body) if status == 200 else None)
        if wait and status == 200:
            self.wait_settled(answer, timeout)
        answer.replies = self._replies(response_url)
        return answer

    def send(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str | None = SIGNING_SECRET,
    ) -> tuple[int, str]:
        """POST a body to the app as Slack does; signed with `secret` (None: unsigned)."""
        assert self.http is not None, "start() first"
        return post_signed(self.http.events_url, body, content_type=content_type, timestamp=timestamp, secret=secret)

    def _acknowledged(self, body: str) -> Shown | None:
        """The message an acknowledgement carries, checked as Slack checks it (a refusal is remembered)."""
        shown = _shown_from_ack(body)
        if shown is not None:
            refusal = slack_rejection(shown.text, list(shown.blocks))
            if refusal is not None:
                self._ack_refusals.append(refusal)
        return shown

    def refused(self) -> list[str]:
        """Every message of pkgwhen's that Slack would not show: its error codes (acks, replies, posts)."""
        posted = [
            call.error
            for call in self.slack.calls
            if call.error and call.error != "ratelimited" and (call.method == "response_url" or call.method.startswith("chat."))
        ]
        return [*self._ack_refusals, *posted]

    def _replies(self, response_url: str) -> list[Shown]:
        return [_shown(m) for m in self.slack.replies(response_url)]

    def wait_settled(self, answer: Answer, timeout: float) -> None:
        """Wait until what the user sees is no longer a placeholder and nothing new arrived for `settle_s`."""
        deadline = time.monotonic() + timeout
        seen = -1
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            calls = len(self.slack.calls_to("response_url"))
            if calls != seen:
                seen, quiet_since = calls, time.monotonic()
            shown = ([answer.ack] if answer.ack else []) + self._replies(answer.response_url)
            if shown and not shown[-1].progress and time.monotonic() - quiet_since >= self.settle_s:
                return
            self.slack.wait_for(partial(_calls_changed, count=seen), timeout=0.05)


def post_signed(
    url: str,
    body: str,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
    secret: str | None = SIGNING_SECRET,
) -> tuple[int, str]:
    """POST `body` to `url` as Slack does, signed with `secret` (None: unsigned); the HTTP status and body."""
    headers = {"Content-Type": content_type}
    if secret is not None:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers["X-Slack-Request-Timestamp"] = ts
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        assert signature is not None
        headers["X-Slack-Signature"] = signature
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _calls_changed(slack: SlackStandIn, count: int) -> bool:
    return len(slack.calls_to("response_url")) != count


def _shown(message: ShownMessage) -> Shown:
    return Shown(text=message.text, blocks=tuple(message.blocks), in_channel=not message.ephemeral)


def _shown_from_ack(body: str) -> Shown | None:
    if not body.strip():
        return None
    try:
        payload = json.loads(body)
    except json.JSONDecodeError:
        return Shown(text=body, blocks=())
    if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
        return None
    return Shown(
        text=str(payload.get("text", "")),
        blocks=tuple(payload.get("blocks") or ()),
        in_channel=payload.get("response_type") == "in_channel",
    )
