"""Settings are read once from the environment; a bad value names its variable and what to set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.settings import Settings, SettingsError

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults() -> None:
    settings = Settings.from_env(BASE)
    assert settings.aws_retry_mode == "standard"
    assert settings.aws_max_attempts == 5
    assert settings.stale_after == timedelta(days=1)
    assert settings.slack_api_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    ("env", "variable", "hint"),
    [
        ({}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN", "xapp-"),
        ({**BASE, "PKGWHEN_AWS_MAX_ATTEMPTS": "many"}, "PKGWHEN_AWS_MAX_ATTEMPTS", "whole number"),
        ({**BASE, "PKGWHEN_AWS_MAX_ATTEMPTS": "0"}, "PKGWHEN_AWS_MAX_ATTEMPTS", "1 to 20"),
        ({**BASE, "PKGWHEN_AWS_RETRY_MODE": "legacy"}, "PKGWHEN_AWS_RETRY_MODE", "standard or adaptive"),
        ({**BASE, "PKGWHEN_STALE_AFTER": "soon"}, "PKGWHEN_STALE_AFTER", "24h"),
        ({**BASE, "PKGWHEN_PORT": "70000"}, "PKGWHEN_PORT", "65535"),
        ({**BASE, "PKGWHEN_WRITE_USERS": "U0ALICE,@bob"}, "PKGWHEN_WRITE_USERS", "@bob"),
        ({**BASE, "SLACK_API_URL": "slack.local"}, "SLACK_API_URL", "http"),
        ({**BASE, "PKGWHEN_LOG_FORMAT": "xml"}, "PKGWHEN_LOG_FORMAT", "plain or json"),
    ],
)
def test_bad_setting_names_the_variable(env: dict[str, str], variable: str, hint: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.variable == variable
    assert str(raised.value).startswith(variable)
    assert hint in str(raised.value)


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.slack_app_token == "xapp-1"


def test_allow_lists_are_ids() -> None:
    settings = Settings.from_env(
        {**BASE, "PKGWHEN_WRITE_USERS": "U0ALICE, U0BOB", "PKGWHEN_WRITE_CHANNELS": "C0OPS"}
    )
    assert settings.write_users == frozenset({"U0ALICE", "U0BOB"})
    assert settings.write_channels == frozenset({"C0OPS"})


def test_settings_are_frozen() -> None:
    settings = Settings.from_env(BASE)
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
