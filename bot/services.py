"""What the Slack edge reaches through Bolt's context: the gateways and the clock, made once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.aws import AwsClients
from bot.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Injected into every listener as the `services` argument (Bolt injects context keys by name)."""

    settings: Settings
    aws: AwsClients
    clock: Callable[[], datetime] = field(default=utc_now)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(settings=settings, aws=AwsClients.from_settings(settings))
