"""Building the services object from the settings: every gateway and store, once, for the whole process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import boto3

from bot.aws.associations import AssociationGateway
from bot.aws.clients import AwsClients
from bot.aws.config_history import ConfigHistory
from bot.aws.fleet import FleetGateway
from bot.aws.pacing import Pacer
from bot.aws.run_command import RunCommandGateway
from bot.core.settings import Settings
from bot.store.audit import AuditTrail
from bot.store.item_index import ItemIndex
from bot.store.span_store import SpanStore
from bot.usecases.services import Services, utc_now


def build_services(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    session: boto3.session.Session | None = None,
    pacer: Pacer | None = None,
) -> Services:
    """`pacer`: the history reader's (by default one on the real clock)."""
    aws = AwsClients.from_settings(settings, session)
    index = ItemIndex(settings.index_path)
    store = SpanStore(settings.store_path)
    config = aws.config_service()
    return Services(
        settings=settings,
        aws=aws,
        history=ConfigHistory(
            aws.config_history(),
            index,
            concurrency=settings.history_concurrency,
            attempts=settings.aws_max_attempts,
            clock=clock,
            fresh_for=settings.history_fresh,
            pacer=pacer,
        ),
        fleet=FleetGateway(aws.ssm(), aws.ec2(), config, names=store),
        index=index,
        store=store,
        clock=clock,
        associations=AssociationGateway(aws.ssm(), aws.ssm_writes()),
        audit=AuditTrail(settings.state_dir / "audit.sqlite3", clock=clock),
        run_command=RunCommandGateway(aws.ssm(), aws.ssm_writes()),
    )
