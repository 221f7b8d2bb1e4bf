"""pkgwhen's settings: one frozen object, read from the environment once at start-up and validated there."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what to set."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SLACK_ID = re.compile(r"^[UWSCGD][A-Z0-9]{2,}$")


def parse_duration(text: str) -> timedelta:
    """'90' or '90s', '10m', '24h', '1d', '2w' -> timedelta; raises ValueError otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(text)
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"])


@dataclass(frozen=True)
class Settings:
    """Everything pkgwhen reads from its environment (the README's settings reference lists each one)."""

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    # Where the Slack Web API lives; only changed to point at a stand-in.
    slack_api_url: str = "https://slack.com/api/"
    aws_region: str = "us-east-1"
    aws_retry_mode: str = "standard"
    aws_max_attempts: int = 5
    state_dir: Path = Path("state")
    port: int = 3000
    history_concurrency: int = 8
    stale_after: timedelta = timedelta(days=1)
    # A server whose history was read this recently is answered from the store without asking Config.
    history_fresh: timedelta = timedelta(minutes=1)
    queue_url: str = ""
    log_format: str = "plain"
    log_level: str = "INFO"
    write_users: frozenset[str] = field(default_factory=frozenset)
    write_usergroups: frozenset[str] = field(default_factory=frozenset)
    write_channels: frozenset[str] = field(default_factory=frozenset)
    # Who to ask for write access, named in the denial message (e.g. "#platform-team" or "<@U0ADMIN>").
    access_contact: str = "the pkgwhen operators"
    refresh_cooldown: timedelta = timedelta(minutes=10)
    refresh_timeout: timedelta = timedelta(minutes=10)
    # How often a refresh's progress is read from AWS while it runs.
    refresh_poll_interval: timedelta = timedelta(seconds=5)
    # "Who changed it?": how long to wait for the server's answer, and between two asks about one package.
    why_timeout: timedelta = timedelta(minutes=2)
    why_cooldown: timedelta = timedelta(minutes=2)
    # Change alerts: default channel (ID), routing rules file, grouping window, watchlist of notable packages.
    alert_channel: str = ""
    routes_file: Path | None = None
    alert_window: timedelta = timedelta(minutes=10)
    watchlist: tuple[str, ...] = ("kernel", "openssl*", "glibc", "openssh*", "sudo")
    post_noise: bool = False
    # How long the alert ledger remembers items and posts: longer than the queue's and the DLQ's retention.
    alert_retention: timedelta = timedelta(days=30)
    # SIGTERM: the alert worker stops within this, whatever it waits for (Docker kills after 10 s).
    stop_timeout: timedelta = timedelta(seconds=8)

    @property
    def index_path(self) -> Path:
        return self.state_dir / "history.sqlite3"

    @property
    def store_path(self) -> Path:
        return self.state_dir / "store.duckdb"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_slack: bool = True) -> Settings:
        """Read and validate; raise SettingsError naming the first bad variable."""
        env = os.environ if env is None else env

        def text(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = text(name)
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(
                    name, f"must be a whole number from {low} to {high}, got {raw!r}"
                ) from None
            if not low <= value <= high:
                raise SettingsError(name, f"must be a whole number from {low} to {high}, got {raw!r}")
            return value

        def duration(name: str, default: timedelta) -> timedelta:
            raw = text(name)
            if not raw:
                return default
            try:
                return parse_duration(raw)
            except ValueError:
                raise SettingsError(name, f"must be a duration such as 30m, 24h or 2d, got {raw!r}") from None

        def flag(name: str) -> bool:
            raw = text(name).lower()
            if raw in {"", "0", "false", "no", "off"}:
                return False
            if raw in {"1", "true", "yes", "on"}:
                return True
            raise SettingsError(name, f"must be true or false, got {raw!r}")

        def slack_ids(name: str) -> frozenset[str]:
            ids = frozenset(part.strip() for part in text(name).split(",") if part.strip())
            bad = sorted(i for i in ids if not _SLACK_ID.match(i))
            if bad:
                raise SettingsError(
                    name,
                    f"must be a comma-separated list of Slack IDs (U…, S…, C…), not names: {', '.join(bad)}",
                )
            return ids

        bot_token = text("SLACK_BOT_TOKEN")
        signing_secret = text("SLACK_SIGNING_SECRET")
        app_token = text("SLACK_APP_TOKEN")
        if require_slack:
            if not bot_token:
                raise SettingsError(
                    "SLACK_BOT_TOKEN", "not set; set it to the app's Bot User OAuth Token (xoxb-…)"
                )
            if not bot_token.startswith("xoxb-"):
                raise SettingsError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
            if app_token and not app_token.startswith("xapp-"):
                raise SettingsError(
                    "SLACK_APP_TOKEN", "must be an app-level token starting with xapp- (or unset)"
                )
            if not app_token and not signing_secret:
                raise SettingsError(
                    "SLACK_SIGNING_SECRET",
                    "not set; HTTP mode needs the app's Signing Secret (or set SLACK_APP_TOKEN for Socket Mode)",
                )
        retry_mode = text("PKGWHEN_AWS_RETRY_MODE", "standard")
        if retry_mode not in {"standard", "adaptive"}:
            raise SettingsError("PKGWHEN_AWS_RETRY_MODE", f"must be standard or adaptive, got {retry_mode!r}")
        log_format = text("PKGWHEN_LOG_FORMAT", "plain")
        if log_format not in {"plain", "json"}:
            raise SettingsError("PKGWHEN_LOG_FORMAT", f"must be plain or json, got {log_format!r}")
        log_level = text("PKGWHEN_LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(
                "PKGWHEN_LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}"
            )
        alert_channel = text("PKGWHEN_ALERT_CHANNEL")
        if alert_channel and not re.match(r"^[CGD][A-Z0-9]{2,}$", alert_channel):
            raise SettingsError("PKGWHEN_ALERT_CHANNEL", f"must be a channel ID (C…), not a name: {alert_channel!r}")
        routes = text("PKGWHEN_ROUTES_FILE")
        if routes and not Path(routes).is_file():
            raise SettingsError("PKGWHEN_ROUTES_FILE", f"no such file: {routes}")
        watchlist = tuple(p.strip() for p in text("PKGWHEN_WATCHLIST").split(",") if p.strip())
        api_url = text("SLACK_API_URL", "https://slack.com/api/")
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError("SLACK_API_URL", f"must be an http(s) URL, got {api_url!r}")
        return cls(
            slack_bot_token=bot_token,
            slack_signing_secret=signing_secret,
            slack_app_token=app_token,
            slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
            aws_region=text("AWS_REGION") or text("AWS_DEFAULT_REGION") or "us-east-1",
            aws_retry_mode=retry_mode,
            aws_max_attempts=integer("PKGWHEN_AWS_MAX_ATTEMPTS", 5, 1, 20),
            state_dir=Path(text("PKGWHEN_STATE_DIR", "state")),
            port=integer("PKGWHEN_PORT", 3000, 1, 65535),
            history_concurrency=integer("PKGWHEN_HISTORY_CONCURRENCY", 8, 1, 64),
            stale_after=duration("PKGWHEN_STALE_AFTER", timedelta(days=1)),
            history_fresh=duration("PKGWHEN_HISTORY_FRESH", timedelta(minutes=1)),
            queue_url=text("PKGWHEN_QUEUE_URL"),
            log_format=log_format,
            log_level=log_level,
            write_users=slack_ids("PKGWHEN_WRITE_USERS"),
            write_usergroups=slack_ids("PKGWHEN_WRITE_USERGROUPS"),
            write_channels=slack_ids("PKGWHEN_WRITE_CHANNELS"),
            access_contact=text("PKGWHEN_ACCESS_CONTACT", "the pkgwhen operators"),
            refresh_cooldown=duration("PKGWHEN_REFRESH_COOLDOWN", timedelta(minutes=10)),
            refresh_timeout=duration("PKGWHEN_REFRESH_TIMEOUT", timedelta(minutes=10)),
            refresh_poll_interval=duration("PKGWHEN_REFRESH_POLL_INTERVAL", timedelta(seconds=5)),
            why_timeout=duration("PKGWHEN_WHY_TIMEOUT", timedelta(minutes=2)),
            why_cooldown=duration("PKGWHEN_WHY_COOLDOWN", timedelta(minutes=2)),
            alert_channel=alert_channel,
            routes_file=Path(routes) if routes else None,
            alert_window=duration("PKGWHEN_ALERT_WINDOW", timedelta(minutes=10)),
            watchlist=watchlist or ("kernel", "openssl*", "glibc", "openssh*", "sudo"),
            post_noise=flag("PKGWHEN_POST_NOISE"),
            alert_retention=duration("PKGWHEN_ALERT_RETENTION", timedelta(days=30)),
            stop_timeout=duration("PKGWHEN_STOP_TIMEOUT", timedelta(seconds=8)),
        )
